//! Program-wide commands: who and where we are, reference lists, settings, reminders, users.

use channeldesk::reference::ReferenceData;
use channeldesk::reminders::ReminderGroup;
use channeldesk::settings::Settings;
use channeldesk::users::UserSummary;
use channeldesk::{Actor, Desk, Result, desk::DeviceInfo, reference, reminders, settings, users};
use serde::Serialize;
use tauri::State;

/// What the window shows about this copy of the program.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub device: DeviceInfo,
    pub user: Actor,
    pub data_dir: String,
}

#[tauri::command]
pub async fn app_info(desk: State<'_, Desk>) -> Result<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        device: desk.device().clone(),
        user: desk.user(),
        data_dir: desk.data_dir().display().to_string(),
    })
}

#[tauri::command]
pub async fn reference_data() -> Result<ReferenceData> {
    Ok(reference::reference_data())
}

#[tauri::command]
pub async fn settings_get(desk: State<'_, Desk>) -> Result<Settings> {
    settings::get(&desk).await
}

#[tauri::command]
pub async fn settings_set_language(desk: State<'_, Desk>, language: String) -> Result<Settings> {
    settings::set_language(&desk, &language).await
}

#[tauri::command]
pub async fn reminders_due(desk: State<'_, Desk>) -> Result<Vec<ReminderGroup>> {
    reminders::due(&desk).await
}

#[tauri::command]
pub async fn users_list(desk: State<'_, Desk>) -> Result<Vec<UserSummary>> {
    users::list(&desk).await
}
