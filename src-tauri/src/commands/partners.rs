//! Partner register commands (R2.1.3, R2.3.1).

use channeldesk::audit::{self, AuditEntry};
use channeldesk::partners::{self, DuplicateReport, ListPage, ListQuery, Partner, PartnerInput, StatusCount};
use channeldesk::{Desk, Result};
use tauri::State;

#[tauri::command]
pub async fn partners_list(desk: State<'_, Desk>, query: ListQuery) -> Result<ListPage> {
    partners::list(&desk, &query).await
}

#[tauri::command]
pub async fn partners_get(desk: State<'_, Desk>, id: String) -> Result<Partner> {
    partners::get(&desk, &id).await
}

#[tauri::command]
pub async fn partners_create(
    desk: State<'_, Desk>,
    input: PartnerInput,
    confirm_similar: bool,
) -> Result<Partner> {
    partners::create(&desk, &input, confirm_similar).await
}

#[tauri::command]
pub async fn partners_update(
    desk: State<'_, Desk>,
    id: String,
    expected_hlc: String,
    input: PartnerInput,
    confirm_similar: bool,
) -> Result<Partner> {
    partners::update(&desk, &id, &expected_hlc, &input, confirm_similar).await
}

#[tauri::command]
pub async fn partners_delete(desk: State<'_, Desk>, id: String) -> Result<()> {
    partners::delete(&desk, &id).await
}

#[tauri::command]
pub async fn partners_restore(desk: State<'_, Desk>, id: String) -> Result<Partner> {
    partners::restore(&desk, &id).await
}

#[tauri::command]
pub async fn partners_check_duplicates(
    desk: State<'_, Desk>,
    input: PartnerInput,
    exclude_id: Option<String>,
) -> Result<DuplicateReport> {
    partners::check_duplicates(&desk, &input, exclude_id.as_deref()).await
}

#[tauri::command]
pub async fn partners_tags(desk: State<'_, Desk>) -> Result<Vec<String>> {
    partners::tags(&desk).await
}

#[tauri::command]
pub async fn partners_history(desk: State<'_, Desk>, id: String) -> Result<Vec<AuditEntry>> {
    audit::history(&desk, "partner", &id).await
}

#[tauri::command]
pub async fn partners_status_counts(desk: State<'_, Desk>) -> Result<Vec<StatusCount>> {
    partners::status_counts(&desk).await
}
