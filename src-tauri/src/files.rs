//! Native save dialogs, asked for by Rust commands (the web view has no file access), and the
//! lookup of a file the window names inside one of the data folder's folders.

use channeldesk::{Error, Result};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

/// Asks the user where to save a file; `None` when cancelled.
pub async fn ask_save_path<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
    filter_name: &str,
    extension: &str,
) -> Result<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_file_name(file_name).add_filter(filter_name, &[extension]).save_file(
        move |path| {
            let _ = tx.send(path);
        },
    );
    let chosen = rx.await.map_err(|_| Error::Storage("the save dialog closed unexpectedly".into()))?;
    match chosen {
        None => Ok(None),
        Some(p) => p.into_path().map(Some).map_err(|e| Error::Storage(e.to_string())),
    }
}

/// Asks the user for a file to open (`extensions` filter); `None` when cancelled.
pub async fn ask_open_path<R: Runtime>(
    app: &AppHandle<R>,
    filter_name: &str,
    extensions: &[&str],
) -> Result<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().add_filter(filter_name, extensions).pick_file(move |path| {
        let _ = tx.send(path);
    });
    let chosen = rx.await.map_err(|_| Error::Storage("the open dialog closed unexpectedly".into()))?;
    match chosen {
        None => Ok(None),
        Some(p) => p.into_path().map(Some).map_err(|e| Error::Storage(e.to_string())),
    }
}

/// The file `name` directly inside `dir`, when `name` is a plain file name (no folder part,
/// not hidden) and such a file exists: the window can name nothing outside `dir`.
pub fn file_in(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.');
    let path = dir.join(name);
    (plain && path.is_file()).then_some(path)
}
