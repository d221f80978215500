//! Partner register commands (R2.1.3, R2.3.1).

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::audit::{self, AuditEntry};
use channeldesk::find::{self, Found};
use channeldesk::partners::{
    self, DuplicateReport, ListPage, ListQuery, MigrationRow, Partner, PartnerInput, StatusCount,
};
use channeldesk::picture::{self, Picture};
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn partners_list(shell: State<'_, Shell>, query: ListQuery) -> Result<ListPage> {
    partners::list(&*shell.desk().await?, &query).await
}

/// A partner's whole picture on its page (issue 25).
#[command]
pub async fn partner_picture(shell: State<'_, Shell>, partner_id: String) -> Result<Picture> {
    picture::picture(&*shell.desk().await?, &partner_id).await
}

/// Search everything (issue 25, Ctrl+K).
#[command]
pub async fn find_everything(shell: State<'_, Shell>, q: String) -> Result<Found> {
    find::everything(&*shell.desk().await?, &q).await
}

#[command]
pub async fn partners_get(shell: State<'_, Shell>, id: String) -> Result<Partner> {
    partners::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn partners_create(
    shell: State<'_, Shell>,
    input: PartnerInput,
    confirm_similar: bool,
) -> Result<Partner> {
    partners::create(&*shell.desk().await?, &input, confirm_similar).await
}

#[command]
pub async fn partners_update(
    shell: State<'_, Shell>,
    id: String,
    expected_hlc: String,
    input: PartnerInput,
    confirm_similar: bool,
) -> Result<Partner> {
    partners::update(&*shell.desk().await?, &id, &expected_hlc, &input, confirm_similar).await
}

#[command]
pub async fn partners_delete(shell: State<'_, Shell>, id: String) -> Result<()> {
    partners::delete(&*shell.desk().await?, &id).await
}

#[command]
pub async fn partners_restore(shell: State<'_, Shell>, id: String) -> Result<Partner> {
    partners::restore(&*shell.desk().await?, &id).await
}

#[command]
pub async fn partners_check_duplicates(
    shell: State<'_, Shell>,
    input: PartnerInput,
    exclude_id: Option<String>,
) -> Result<DuplicateReport> {
    partners::check_duplicates(&*shell.desk().await?, &input, exclude_id.as_deref()).await
}

#[command]
pub async fn partners_tags(shell: State<'_, Shell>) -> Result<Vec<String>> {
    partners::tags(&*shell.desk().await?).await
}

#[command]
pub async fn partners_history(shell: State<'_, Shell>, id: String) -> Result<Vec<AuditEntry>> {
    audit::partner_history(&*shell.desk().await?, &id).await
}

#[command]
pub async fn partners_status_counts(shell: State<'_, Shell>) -> Result<Vec<StatusCount>> {
    partners::status_counts(&*shell.desk().await?).await
}

#[command]
pub async fn partner_cooperation(
    shell: State<'_, Shell>,
    id: String,
    action: String,
    reason: String,
) -> Result<Partner> {
    partners::change_standing(&*shell.desk().await?, &id, &action, &reason).await
}

#[command]
pub async fn partners_migrate(shell: State<'_, Shell>, rows: Vec<MigrationRow>) -> Result<Vec<String>> {
    partners::migrate(&*shell.desk().await?, &rows).await
}

#[command]
pub async fn lifecycle_findings(
    shell: State<'_, Shell>,
) -> Result<Vec<channeldesk::machines::review::Finding>> {
    channeldesk::machines::review::findings(&*shell.desk().await?).await
}
