//! Review of applications typed in at the kiosk (R2.1.1).

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::applications::{self, Application};
use channeldesk::partners::{Partner, PartnerInput};
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn applications_get(shell: State<'_, Shell>, id: String) -> Result<Application> {
    applications::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn applications_register(
    shell: State<'_, Shell>,
    id: String,
    input: PartnerInput,
    confirm_similar: bool,
) -> Result<Partner> {
    applications::register(&*shell.desk().await?, &id, &input, confirm_similar).await
}

#[command]
pub async fn applications_discard(shell: State<'_, Shell>, id: String) -> Result<()> {
    applications::discard(&*shell.desk().await?, &id).await
}
