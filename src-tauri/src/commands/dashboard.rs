//! Dashboard commands (issue 25): a card's figures, the card printed, the card as .xlsx.

use super::agreements::{PrintedFile, open_printed};
use crate::printing::DocumentView;
use crate::state::Shell;
use channeldesk::Result;
use channeldesk::dashboard::{self, Card, CardKind, Filter, print};
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn dashboard_card(shell: State<'_, Shell>, kind: CardKind, filter: Filter) -> Result<Card> {
    dashboard::card(&*shell.desk().await?, kind, &filter).await
}

/// The card as a PDF in the print preview.
#[command]
pub async fn dashboard_print(
    shell: State<'_, Shell>,
    kind: CardKind,
    filter: Filter,
) -> Result<DocumentView> {
    let desk = shell.desk().await?;
    shell.documents.hold(&desk, print::pdf(&desk, kind, &filter).await?, None)
}

/// The card as .xlsx, written into the data folder's `prints/` and opened.
#[command]
pub async fn dashboard_xlsx(shell: State<'_, Shell>, kind: CardKind, filter: Filter) -> Result<PrintedFile> {
    let desk = shell.desk().await?;
    open_printed(&desk, &print::xlsx(&desk, kind, &filter).await?)
}
