//! Documents waiting in the print preview (issue 24): a command that makes a PDF hands it
//! here and the window gets a [`DocumentView`]; the preview then draws its pages, prints it
//! through the system's queue, saves it or closes it.
//!
//! Invariants: a document is reachable only by the person who made it (a token is looked up
//! with the signed-in user's id); at most [`KEEP`] are held, the oldest dropped first;
//! numbered copies are logged once, when they are first printed or saved, and are never
//! opened in a viewer (a viewer's own print button would print copies nobody logged).

use channeldesk::agreements::signing::PreparedCopies;
use channeldesk::documents::Printed;
use channeldesk::documents::preview::{self, PageSize};
use channeldesk::{Desk, Result, access::Action};
use serde::Serialize;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How many documents the preview keeps at once.
pub const KEEP: usize = 8;

/// A document made for the preview.
pub struct Held {
    pub token: String,
    pub user_id: String,
    pub printed: Printed,
    pub pages: Vec<PageSize>,
    /// Numbered copies not yet logged; `None` once logged or for other documents.
    pub copies: Mutex<Option<PreparedCopies>>,
    pub numbered: bool,
    /// Where it was last saved.
    pub saved_to: Mutex<Option<PathBuf>>,
}

/// What the window is told of a document in the preview.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub token: String,
    pub file_name: String,
    pub pages: Vec<PageSize>,
    /// Numbered copies: logged when printed or saved, never opened in a viewer.
    pub numbered: bool,
    /// Whether this computer can print from the program (CUPS on macOS and Linux, the spooler on
    /// Windows).
    pub can_print: bool,
}

/// The documents in the preview.
#[derive(Default)]
pub struct Documents {
    held: Mutex<VecDeque<Arc<Held>>>,
}

impl Documents {
    /// Holds `printed` (made for the signed-in user of `desk`) for the preview.
    pub fn hold(
        &self,
        desk: &Desk,
        printed: Printed,
        copies: Option<PreparedCopies>,
    ) -> Result<DocumentView> {
        let user = desk.require(Action::PartnerRead)?;
        let pages = preview::pages(&printed.bytes)?;
        let held = Arc::new(Held {
            token: uuid_token(),
            user_id: user.id,
            pages: pages.clone(),
            numbered: copies.is_some(),
            copies: Mutex::new(copies),
            saved_to: Mutex::new(None),
            printed,
        });
        let view = DocumentView {
            token: held.token.clone(),
            file_name: held.printed.file_name.clone(),
            pages,
            numbered: held.numbered,
            can_print: channeldesk::documents::printers::supported(),
        };
        let mut all = self.held.lock().unwrap_or_else(|p| p.into_inner());
        all.push_back(held);
        while all.len() > KEEP {
            all.pop_front();
        }
        Ok(view)
    }

    /// The document `token` of the signed-in user of `desk`.
    pub fn get(&self, desk: &Desk, token: &str) -> Result<Arc<Held>> {
        let user = desk.require(Action::PartnerRead)?;
        let all = self.held.lock().unwrap_or_else(|p| p.into_inner());
        all.iter()
            .find(|h| h.token == token && h.user_id == user.id)
            .cloned()
            .ok_or_else(|| channeldesk::Error::NotFound { entity: "document", id: token.to_string() })
    }

    /// Drops the document `token`.
    pub fn close(&self, token: &str) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).retain(|h| h.token != token);
    }

    /// Drops every document (at sign-in and sign-out).
    pub fn clear(&self) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

fn uuid_token() -> String {
    channeldesk::desk::new_id()
}
