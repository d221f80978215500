//! Native save dialogs, asked for by Rust commands (the web view has no file access), the
//! system viewer a written file is shown in, and the lookup of a file the window names
//! inside one of the data folder's folders.

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

/// Opens `path` in the program the system associates with its type; whether one could be
/// started (a laptop without a PDF viewer says no, and the window then says where the file
/// is instead). The failure is logged without the path (file names can name partners).
pub fn show(path: &Path) -> bool {
    match tauri_plugin_opener::open_path(path, None::<&str>) {
        Ok(()) => true,
        Err(e) => {
            let kind = path.extension().and_then(|x| x.to_str()).unwrap_or("");
            tracing::warn!(kind, error = %e, "no program could be started to show a file");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_no_program_opens_is_reported_not_failed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("x.channeldesk-no-such-type");
        std::fs::write(&path, b"x").expect("file");
        assert!(!show(&path));
        assert!(!show(&dir.path().join("missing.pdf")), "a missing file is not shown");
    }
}
