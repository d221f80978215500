//! Program-wide commands: start-up state and recovery, reference lists, settings, reminders,
//! the recovery kit.

use crate::state::Shell;
use channeldesk::desk::DeviceInfo;
use channeldesk::error::ErrorPayload;
use channeldesk::reference::ReferenceData;
use channeldesk::reminders::ReminderGroup;
use channeldesk::settings::Settings;
use channeldesk::vault::RecoveryReason;
use channeldesk::{Error, Result, SessionInfo, reference, reminders, settings};
use channeldesk_macros::command;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

/// What the window needs at start: whether the data is open, and the session.
#[derive(Debug, Serialize)]
pub struct AppStatus {
    pub version: &'static str,
    /// The day the program was built.
    pub build_date: &'static str,
    /// The operating system and processor it was built for (`windows x86_64`).
    pub platform: String,
    pub data_dir: String,
    /// Where the log is written (`logs/` in the data folder).
    pub log_dir: String,
    /// The file name of a bundle opened from the file manager, waiting for its preview.
    pub opened_bundle: Option<String>,
    /// Set when the recovery key is needed to open the data.
    pub recovery: Option<RecoveryReason>,
    /// Set when the data folder could not be opened at all (`{code, message}`).
    pub failure: Option<ErrorPayload>,
    pub device: Option<DeviceInfo>,
    pub session: Option<SessionInfo>,
    pub settings: Option<Settings>,
}

#[command]
pub async fn app_status(shell: State<'_, Shell>) -> Result<AppStatus> {
    let desk = shell.desk().await.ok();
    let settings = match &desk {
        Some(d) => Some(settings::get(d).await?),
        None => None,
    };
    Ok(AppStatus {
        version: env!("CARGO_PKG_VERSION"),
        build_date: crate::BUILD_DATE,
        platform: crate::platform(),
        data_dir: shell.dir.display().to_string(),
        log_dir: crate::paths::log_dir(&shell.dir).display().to_string(),
        opened_bundle: shell.opened_name(),
        recovery: shell.recovery(),
        failure: shell.failure(),
        device: desk.as_ref().map(|d| d.device().clone()),
        session: desk.as_ref().map(|d| d.session_info()),
        settings,
    })
}

#[command]
pub async fn vault_recover(shell: State<'_, Shell>, recovery_key: String) -> Result<AppStatus> {
    shell.recover(&recovery_key).await?;
    app_status(shell).await
}

#[command]
pub async fn vault_retry(shell: State<'_, Shell>) -> Result<AppStatus> {
    shell.retry().await;
    app_status(shell).await
}

#[command]
pub async fn reference_data() -> Result<ReferenceData> {
    Ok(reference::reference_data())
}

#[command]
pub async fn reference_divisions(code: String) -> Result<Vec<reference::Division>> {
    Ok(reference::divisions_under(&code))
}

#[command]
pub async fn settings_set_language(shell: State<'_, Shell>, language: String) -> Result<Settings> {
    settings::set_language(&*shell.desk().await?, &language).await
}

#[command]
pub async fn settings_set_idle_minutes(shell: State<'_, Shell>, minutes: u32) -> Result<Settings> {
    settings::set_idle_minutes(&*shell.desk().await?, minutes).await
}

#[command]
pub async fn reminders_due(shell: State<'_, Shell>) -> Result<Vec<ReminderGroup>> {
    reminders::due(&*shell.desk().await?).await
}

/// Asks where to save the recovery kit, writes it and opens it in the system PDF viewer
/// for printing: where it was saved and whether a viewer could be started (the kit is saved
/// either way). `None` when the dialog was cancelled.
#[command]
pub async fn recovery_kit_save<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
) -> Result<Option<super::agreements::PrintedFile>> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::RecoveryKit)?;
    let Some(path) = crate::files::ask_save_path(&app, "ChannelDesk-recovery-kit.pdf", "PDF", "pdf").await?
    else {
        return Ok(None);
    };
    channeldesk::documents::recovery_kit::save(&desk, &shell.keychain, &path).await?;
    let opened = crate::files::show(&path);
    Ok(Some(super::agreements::PrintedFile { path: path.display().to_string(), opened }))
}

/// Who may reach the logs and the diagnostics: anyone while the data cannot be opened (the
/// failure and recovery screens, where support needs them most), a signed-in person otherwise,
/// never the kiosk.
async fn may_diagnose(shell: &Shell) -> Result<()> {
    match shell.desk().await {
        Ok(desk) => desk.require(channeldesk::access::Action::Diagnostics).map(|_| ()),
        Err(_) => Ok(()),
    }
}

/// Opens the log folder in the file manager: the folder, and whether it could be opened.
#[command]
pub async fn diagnostics_open_logs(shell: State<'_, Shell>) -> Result<super::agreements::PrintedFile> {
    may_diagnose(&shell).await?;
    let dir = crate::paths::log_dir(&shell.dir);
    std::fs::create_dir_all(&dir)?;
    Ok(super::agreements::PrintedFile { opened: crate::files::show(&dir), path: dir.display().to_string() })
}

/// Asks where to save the diagnostics bundle (logs, versions, OS, the integrity check; no
/// business data) and writes it; the path, or `None` when cancelled.
#[command]
pub async fn diagnostics_save<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
) -> Result<Option<String>> {
    may_diagnose(&shell).await?;
    let name = format!("ChannelDesk-diagnostics-{}.zip", chrono::Local::now().format("%Y%m%d-%H%M"));
    let Some(path) = crate::files::ask_save_path(&app, &name, "ZIP", "zip").await? else { return Ok(None) };
    let about = crate::diagnostics::about(&shell).await;
    let logs = crate::paths::log_dir(&shell.dir);
    let count = tauri::async_runtime::spawn_blocking(move || {
        channeldesk::diagnostics::write(&path, &logs, &about).map(|n| (n, path))
    })
    .await
    .map_err(|e| Error::Storage(e.to_string()))??;
    tracing::info!(log_files = count.0, "diagnostics bundle saved");
    Ok(Some(count.1.display().to_string()))
}
