//! Verifying a printed document (R3.1.3, issue 24): by the fingerprint printed in its footer
//! (at least its first 16 digits) or by the PDF file itself. A file is checked by its content:
//! it must be, byte for byte, a document this laptop made for printing or saving (the register
//! `printed_file`; `file: not_matching` otherwise), so that a file whose pages were edited while
//! its metadata was kept is never reported as genuine. An agreement is also named by version
//! (which one was signed). The register is this laptop's own: a document printed on a
//! colleague's laptop is found by its agreement fingerprint, not by its file.

use crate::access::Action;
use crate::agreements::signing::{self, Verification};
use crate::desk::Desk;
use crate::documents::{self, MadeDocument, layout};
use crate::error::{Error, Result};
use serde::Serialize;
use ts_rs::TS;

/// What a verification found.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Verified {
    /// The agreement version the document shows, for agreements.
    pub agreement: Option<Verification>,
    /// The document as this laptop made it (kind, title, number, when, by whom).
    pub document: Option<MadeDocument>,
    /// The file itself was compared: its bytes are exactly those made here.
    pub content_checked: bool,
}

/// The document whose footer shows `fingerprint` (16 to 64 hex digits, spaces allowed);
/// `None` when it is none of this laptop's (`fingerprint: format` for anything else).
pub async fn by_fingerprint(desk: &Desk, fingerprint: &str) -> Result<Option<Verified>> {
    let agreement = signing::verify_fingerprint(desk, fingerprint).await?;
    let document = documents::printed_with(desk, &signing::fingerprint_prefix(fingerprint)?).await?;
    Ok((agreement.is_some() || document.is_some()).then_some(Verified {
        agreement,
        document,
        content_checked: false,
    }))
}

/// The document `bytes` are: refused as `file: file_type` (not a PDF), `file: not_ours` (no
/// ChannelDesk fingerprint) or `file: not_matching` (not byte for byte a document made here).
pub async fn by_file(desk: &Desk, bytes: &[u8]) -> Result<Option<Verified>> {
    desk.require(Action::PartnerRead)?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(Error::field("file", "file_type"));
    }
    let fingerprint = layout::fingerprint_in(bytes).ok_or_else(|| Error::field("file", "not_ours"))?;
    let document =
        documents::made_here(desk, bytes).await?.ok_or_else(|| Error::field("file", "not_matching"))?;
    let agreement = if document.kind == "agreement" {
        signing::verify_fingerprint(desk, &fingerprint).await?
    } else {
        None
    };
    Ok(Some(Verified { agreement, document: Some(document), content_checked: true }))
}
