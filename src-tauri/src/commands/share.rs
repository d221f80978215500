//! Sharing between laptops and backups: export a bundle into the exchange folder, preview and
//! apply an import from it, the conflict queue, the laptops exchanged with, and the backups.
//! Long operations report progress on a channel and stop when `share_cancel` is called.

use crate::state::Shell;
use channeldesk::backup::{self, BackupInfo, IntegrityReport};
use channeldesk::share::{
    self, ApplyChoices, ConflictItem, ExportScope, ImportOutcome, Limits, Peer, Preview, Progress,
};
use channeldesk::{Desk, Error, Result};
use channeldesk_macros::command;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

/// The folder bundles are exported to and imported from (a USB stick or a shared folder can be
/// chosen with "save a copy" and "choose a file", which brings the file in here).
pub const EXCHANGE: &str = "exchange";
const EXTENSION: &str = "cdbundle";

/// One step of a long operation.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressMsg {
    pub phase: String,
    pub done: u64,
    pub total: u64,
}

fn progress(shell: &Shell, channel: Channel<ProgressMsg>) -> Progress {
    shell.cancel.store(false, Ordering::Relaxed);
    Progress::new(shell.cancel.clone(), move |phase, done, total| {
        let _ = channel.send(ProgressMsg { phase: phase.to_string(), done, total });
    })
}

fn exchange_dir(desk: &Desk) -> PathBuf {
    desk.data_dir().join(EXCHANGE)
}

/// A bundle file in the exchange folder, by its plain name (nothing outside the folder).
fn exchange_file(desk: &Desk, name: &str) -> Result<PathBuf> {
    crate::files::file_in(&exchange_dir(desk), name)
        .filter(|_| name.ends_with(&format!(".{EXTENSION}")))
        .ok_or_else(|| Error::field("file", "unknown"))
}

/// A bundle written by [`share_export`].
#[derive(Debug, Serialize)]
pub struct ExportDone {
    pub file_name: String,
    pub path: String,
    pub records: u64,
    pub bytes: u64,
    pub sealed: bool,
}

#[command]
pub async fn share_export(
    shell: State<'_, Shell>,
    scope: ExportScope,
    passphrase: Option<String>,
    on_progress: Channel<ProgressMsg>,
) -> Result<ExportDone> {
    let desk = shell.desk().await?;
    let ex = share::export(&desk, &scope, passphrase.as_deref(), &progress(&shell, on_progress)).await?;
    let dir = exchange_dir(&desk);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(&ex.file_name);
    channeldesk::files::write_atomic(&path, &ex.bytes)?;
    Ok(ExportDone {
        file_name: ex.file_name,
        path: path.display().to_string(),
        records: ex.manifest.counts.values().sum(),
        bytes: ex.bytes.len() as u64,
        sealed: passphrase.is_some_and(|p| !p.is_empty()),
    })
}

#[command]
pub async fn share_cancel(shell: State<'_, Shell>) -> Result<()> {
    shell.cancel.store(true, Ordering::Relaxed);
    Ok(())
}

/// Copies a bundle of the exchange folder where the user chooses (a USB stick, a shared
/// folder); the path, or `None` when cancelled.
#[command]
pub async fn share_save_copy<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    file_name: String,
) -> Result<Option<String>> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    let from = exchange_file(&desk, &file_name)?;
    let Some(to) = crate::files::ask_save_path(&app, &file_name, "ChannelDesk", EXTENSION).await? else {
        return Ok(None);
    };
    std::fs::copy(&from, &to)?;
    Ok(Some(to.display().to_string()))
}

/// A bundle waiting in the exchange folder.
#[derive(Debug, Serialize)]
pub struct InboxFile {
    pub file_name: String,
    pub bytes: u64,
    /// RFC 3339, from the file system.
    pub modified: String,
    /// Exported by this laptop (its device code is in the name).
    pub own: bool,
}

#[command]
pub async fn share_inbox(shell: State<'_, Shell>) -> Result<Vec<InboxFile>> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    let own = format!("ChannelDesk-{}-", desk.device().short_code);
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(exchange_dir(&desk)) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.ends_with(&format!(".{EXTENSION}")) {
                continue;
            }
            let meta = e.metadata()?;
            let modified = meta
                .modified()
                .map(|t| channeldesk::desk::rfc3339(chrono::DateTime::<chrono::Utc>::from(t)))
                .unwrap_or_default();
            out.push(InboxFile { own: name.starts_with(&own), file_name: name, bytes: meta.len(), modified });
        }
    }
    out.sort_by(|a, b| b.modified.cmp(&a.modified));
    Ok(out)
}

/// Brings a bundle chosen in the open dialog into the exchange folder; its name, or `None`.
#[command]
pub async fn share_pick<R: Runtime>(app: AppHandle<R>, shell: State<'_, Shell>) -> Result<Option<String>> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    let Some(path) = crate::files::ask_open_path(&app, "ChannelDesk", &[EXTENSION]).await? else {
        return Ok(None);
    };
    into_exchange(&desk, &path).map(Some)
}

/// Copies a bundle from elsewhere into the exchange folder; its name there.
fn into_exchange(desk: &Desk, path: &std::path::Path) -> Result<String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| Error::field("file", "unknown"))?;
    let dir = exchange_dir(desk);
    std::fs::create_dir_all(&dir)?;
    if path.parent() != Some(dir.as_path()) {
        std::fs::copy(path, dir.join(&name))?;
    }
    Ok(name)
}

/// Brings the bundle opened from the file manager (double-click, or a second start with a
/// file) into the exchange folder; its name, or `None` when there is none waiting.
#[command]
pub async fn share_take_opened(shell: State<'_, Shell>) -> Result<Option<String>> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    let Some(path) = shell.take_opened() else { return Ok(None) };
    into_exchange(&desk, &path).map(Some)
}

/// Reads and checks a bundle of the exchange folder and previews its import (nothing is
/// written); the bundle stays staged for [`share_apply`].
#[command]
pub async fn share_open(
    shell: State<'_, Shell>,
    file_name: String,
    passphrase: Option<String>,
    on_progress: Channel<ProgressMsg>,
) -> Result<Preview> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    let path = exchange_file(&desk, &file_name)?;
    let progress = progress(&shell, on_progress);
    progress.step("read", 0, 1)?;
    let incoming = tokio::task::spawn_blocking(move || {
        let limits = Limits::default();
        let len = std::fs::metadata(&path)?.len();
        if len > limits.max_file {
            return Err(Error::import("too_large", format!("{len} bytes")));
        }
        share::open(&std::fs::read(&path)?, passphrase.as_deref(), &limits)
    })
    .await
    .map_err(|e| Error::Storage(e.to_string()))??;
    let preview = share::preview(&desk, &incoming, &progress).await?;
    *shell.staged.lock().await = Some(Arc::new(incoming));
    Ok(preview)
}

#[command]
pub async fn share_apply(
    shell: State<'_, Shell>,
    choices: ApplyChoices,
    on_progress: Channel<ProgressMsg>,
) -> Result<ImportOutcome> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    let incoming = shell.staged.lock().await.clone().ok_or_else(|| Error::field("file", "unknown"))?;
    let out = share::apply(&desk, &incoming, &choices, &progress(&shell, on_progress)).await?;
    *shell.staged.lock().await = None;
    Ok(out)
}

#[command]
pub async fn share_conflicts(shell: State<'_, Shell>) -> Result<Vec<ConflictItem>> {
    share::conflicts(&*shell.desk().await?).await
}

#[command]
pub async fn share_resolve(shell: State<'_, Shell>, id: String, choice: String) -> Result<()> {
    share::resolve(&*shell.desk().await?, &id, &choice).await
}

#[command]
pub async fn share_peers(shell: State<'_, Shell>) -> Result<Vec<Peer>> {
    share::peers(&*shell.desk().await?).await
}

#[command]
pub async fn share_pairing(shell: State<'_, Shell>) -> Result<share::trust::PairingCard> {
    share::trust::card(&*shell.desk().await?).await
}

#[command]
pub async fn share_pair(
    shell: State<'_, Shell>,
    input: share::trust::PairInput,
) -> Result<Vec<share::trust::TrustedKey>> {
    share::trust::pair(&*shell.desk().await?, &input).await
}

/// The backups screen.
#[derive(Debug, Serialize)]
pub struct BackupPage {
    pub backups: Vec<BackupInfo>,
    pub keep: u32,
    pub folder: String,
    /// The check run at start (none yet while it runs).
    pub integrity: Option<IntegrityReport>,
}

#[command]
pub async fn backup_page(shell: State<'_, Shell>) -> Result<BackupPage> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    Ok(BackupPage {
        backups: backup::list(&desk).await?,
        keep: backup::keep(&desk).await?,
        folder: desk.data_dir().join(backup::DIR).display().to_string(),
        integrity: shell.integrity.lock().unwrap_or_else(|p| p.into_inner()).clone(),
    })
}

#[command]
pub async fn backup_now(shell: State<'_, Shell>) -> Result<BackupInfo> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    backup::backup(&desk, "manual").await
}

#[command]
pub async fn backup_keep_set(shell: State<'_, Shell>, keep: u32) -> Result<u32> {
    backup::set_keep(&*shell.desk().await?, keep).await
}

#[command]
pub async fn backup_check(shell: State<'_, Shell>) -> Result<IntegrityReport> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::DataExchange)?;
    let report = backup::check(&desk).await?;
    *shell.integrity.lock().unwrap_or_else(|p| p.into_inner()) = Some(report.clone());
    Ok(report)
}

/// Verifies and stages backup `name`, then restarts the program, which swaps it in.
#[command]
pub async fn backup_restore<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    name: String,
) -> Result<()> {
    let desk = shell.desk().await?;
    backup::stage_restore(&desk, &name).await?;
    // The exit handler closes the pool (after a backup on exit of the current data).
    app.restart();
}

/// Asks where to save, then writes list `kind` as .xlsx or CSV (`format`); the row count, or
/// `None` when the dialog was cancelled.
#[command]
pub async fn sheet_export<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    kind: channeldesk::sheets::ListKind,
    format: String,
    labels: channeldesk::sheets::Labels,
) -> Result<Option<u64>> {
    let desk = shell.desk().await?;
    let table = channeldesk::sheets::table(&desk, &kind).await?;
    if !matches!(format.as_str(), "xlsx" | "csv") {
        return Err(Error::field("format", "unknown"));
    }
    let list = labels.get("sheet.name").cloned().unwrap_or_else(|| "ChannelDesk".into());
    let name = format!("ChannelDesk-{list}-{}.{format}", desk.today());
    let (filter, ext) = if format == "xlsx" { ("Excel", "xlsx") } else { ("CSV", "csv") };
    let Some(path) = crate::files::ask_save_path(&app, &name, filter, ext).await? else {
        return Ok(None);
    };
    if format == "xlsx" {
        channeldesk::sheets::write_xlsx(&path, &list, &table, &labels).map(Some)
    } else {
        channeldesk::sheets::write_csv(&path, &table, &labels).map(Some)
    }
}

/// A spreadsheet read for import: its columns, a few rows to recognise them by, the
/// suggested mapping.
#[derive(Debug, Serialize)]
pub struct SheetOpened {
    pub file_name: String,
    pub headers: Vec<String>,
    pub sample: Vec<Vec<String>>,
    pub rows: usize,
    pub mapping: Vec<Option<String>>,
    /// The fields a column can be imported as.
    pub fields: &'static [&'static str],
}

/// Reads a spreadsheet sent as the raw body (its name in `x-file-name`, percent-encoded) and
/// keeps it for [`sheet_import`].
#[command]
pub async fn sheet_read(shell: State<'_, Shell>, request: tauri::ipc::Request<'_>) -> Result<SheetOpened> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::PartnerWrite)?;
    let bytes: &[u8] = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => bytes,
        tauri::ipc::InvokeBody::Json(_) => &[],
    };
    let raw = request.headers().get("x-file-name").and_then(|v| v.to_str().ok()).unwrap_or("");
    let file_name = percent_encoding::percent_decode_str(raw).decode_utf8_lossy().to_string();
    let sheet = channeldesk::sheets::read(bytes, &file_name)?;
    let opened = SheetOpened {
        file_name,
        headers: sheet.headers.clone(),
        sample: sheet.rows.iter().take(3).cloned().collect(),
        rows: sheet.rows.len(),
        mapping: channeldesk::sheets::suggest(&sheet.headers),
        fields: channeldesk::sheets::FIELDS,
    };
    *shell.sheet.lock().await = Some(Arc::new(sheet));
    Ok(opened)
}

/// Checks (`dry_run`) or imports the spreadsheet read last, under `mapping`.
#[command]
pub async fn sheet_import(
    shell: State<'_, Shell>,
    mapping: Vec<Option<String>>,
    target: channeldesk::sheets::SheetTarget,
    dry_run: bool,
) -> Result<channeldesk::sheets::SheetReport> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::PartnerWrite)?;
    let sheet = shell.sheet.lock().await.clone().ok_or_else(|| Error::field("file", "required"))?;
    channeldesk::sheets::import(&desk, &sheet, &mapping, &target, dry_run).await
}
