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

    /// On Linux the opener tries `xdg-open`, `gio` and the KDE and GNOME launchers found on
    /// PATH; this test puts only stand-ins there, so what it sees does not depend on the
    /// programs of the machine. The three answers a laptop gives: no launcher at all, a
    /// launcher that finds no program for the type (exit 3), a launcher that shows it.
    #[cfg(target_os = "linux")]
    #[test]
    fn what_the_system_says_about_showing_a_file_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("bin");
        let file = dir.path().join("statement.xlsx");
        std::fs::write(&file, b"x").expect("file");
        // SAFETY: nextest (what `cargo xtask test` runs) gives every test its own process.
        unsafe { std::env::set_var("PATH", &bin) };

        assert!(!show(&file), "no launcher on PATH");

        let launcher = |body: &str| {
            let path = bin.join("xdg-open");
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("launcher");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("mode");
        };
        launcher("exit 3");
        assert!(!show(&file), "the launcher found no program for the type");

        let record = dir.path().join("opened");
        launcher(&format!("printf '%s' \"$1\" > '{}'", record.display()));
        assert!(show(&file), "the launcher showed the file");
        assert_eq!(std::fs::read_to_string(&record).expect("recorded"), file.display().to_string());

        assert!(!show(&dir.path().join("missing.pdf")), "a missing file is not shown");
    }
}
