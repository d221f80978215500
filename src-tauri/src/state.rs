//! What the shell keeps between commands: the data folder, the keychain, and the open
//! [`Desk`] once its key has been found (from the keychain or the recovery key).
//!
//! Invariants: the Desk is opened at most once per run; until it is open, every business
//! command answers `locked` and only the start-up commands work; a data folder that cannot be
//! opened (keychain unreachable, unwritable folder, damaged file) is reported to the window,
//! not by exiting, and can be retried; generated demo data asked for on the command line is
//! added once, by the first administrator who signs in.

use channeldesk::error::ErrorPayload;
use channeldesk::secrets::Keychain;
use channeldesk::vault::{self, RecoveryReason, Unlock};
use channeldesk::{Desk, Error, Result};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::RwLock;

/// The shell's state, managed by Tauri.
pub struct Shell {
    pub dir: PathBuf,
    pub keychain: Keychain,
    desk: RwLock<Option<Arc<Desk>>>,
    recovery: Mutex<Option<RecoveryReason>>,
    failure: Mutex<Option<ErrorPayload>>,
    pending_demo: Mutex<Option<usize>>,
    /// Set to cancel the running export or import.
    pub cancel: Arc<std::sync::atomic::AtomicBool>,
    /// The bundle read and previewed, waiting for the person to apply it.
    pub staged: tokio::sync::Mutex<Option<Arc<channeldesk::share::Incoming>>>,
    /// Documents waiting in the print preview.
    pub documents: crate::printing::Documents,
    /// The spreadsheet read for import, waiting for its mapping.
    pub sheet: tokio::sync::Mutex<Option<Arc<channeldesk::sheets::Sheet>>>,
    /// The integrity check run in the background at start.
    pub integrity: Arc<Mutex<Option<channeldesk::backup::IntegrityReport>>>,
    /// A bundle opened from the file manager, waiting for its import preview.
    opened: Mutex<Option<PathBuf>>,
    /// The background work started after the data opened (backup, integrity check); ended
    /// by [`Shell::close`] before the pool closes.
    background: Mutex<Vec<tauri::async_runtime::JoinHandle<()>>>,
}

impl Shell {
    /// Opens the data folder `dir`: the Desk when the keychain has its key, a shell waiting
    /// for the recovery key, or a shell reporting why the folder cannot be opened.
    pub async fn open(dir: PathBuf, keychain: Keychain, demo: Option<usize>) -> Shell {
        // Printed copies of the last session (a viewer has had them since).
        let cleared = channeldesk::documents::clear_prints(&dir);
        if cleared > 0 {
            tracing::info!(files = cleared, "printed copies of the last session removed");
        }
        let shell = Shell {
            dir,
            keychain,
            desk: RwLock::new(None),
            recovery: Mutex::new(None),
            failure: Mutex::new(None),
            pending_demo: Mutex::new(demo),
            cancel: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            staged: tokio::sync::Mutex::new(None),
            sheet: tokio::sync::Mutex::new(None),
            documents: crate::printing::Documents::default(),
            integrity: Arc::new(Mutex::new(None)),
            opened: Mutex::new(None),
            background: Mutex::new(Vec::new()),
        };
        shell.retry().await;
        shell
    }

    /// Tries to open the data folder again (after the keychain was unlocked, say).
    pub async fn retry(&self) {
        let mut slot = self.desk.write().await;
        if slot.is_some() {
            return;
        }
        let (recovery, failure) = match vault::open(&self.dir, &self.keychain).await {
            Ok(Unlock::Ready(d)) => {
                let desk = Arc::new(*d);
                self.start_background(desk.clone());
                *slot = Some(desk);
                (None, None)
            }
            Ok(Unlock::NeedsRecoveryKey(r)) => (Some(r), None),
            Err(e) => (None, Some(ErrorPayload::from(&e))),
        };
        *self.recovery.lock().unwrap_or_else(|p| p.into_inner()) = recovery;
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = failure;
    }

    /// Keeps a bundle opened from the file manager for the import preview.
    pub fn set_opened(&self, path: PathBuf) {
        *self.opened.lock().unwrap_or_else(|p| p.into_inner()) = Some(path);
    }

    /// The name of the bundle waiting for its import preview, if any.
    pub fn opened_name(&self) -> Option<String> {
        let slot = self.opened.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned())
    }

    /// Takes the bundle waiting for its import preview.
    pub fn take_opened(&self) -> Option<PathBuf> {
        self.opened.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Why the data folder could not be opened, when it could not.
    pub fn failure(&self) -> Option<ErrorPayload> {
        self.failure.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The open Desk, or `locked` while the recovery key is awaited.
    pub async fn desk(&self) -> Result<Arc<Desk>> {
        self.desk.read().await.clone().ok_or(Error::Locked)
    }

    /// Why the recovery key is needed, when it is.
    pub fn recovery(&self) -> Option<RecoveryReason> {
        *self.recovery.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens the data with the recovery key (refused once it is open).
    pub async fn recover(&self, code: &str) -> Result<()> {
        let mut slot = self.desk.write().await;
        if slot.is_some() {
            return Err(Error::Forbidden("already_open".into()));
        }
        let desk = Arc::new(vault::recover(&self.dir, &self.keychain, code).await?);
        self.start_background(desk.clone());
        *slot = Some(desk);
        *self.recovery.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    /// After a sign-in: adds the generated data asked for with `--demo`, when the user is
    /// an administrator and the register is empty.
    pub async fn seed_demo_if_asked(&self, desk: &Desk) -> Result<()> {
        let n = *self.pending_demo.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = n
            && desk.require(channeldesk::access::Action::UserManage).is_ok()
        {
            channeldesk::demo::seed(desk, n, 20261127).await?;
            *self.pending_demo.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        Ok(())
    }

    /// After the data opened: the daily backup when one is due, then the integrity check,
    /// in the background (a large file takes seconds to check).
    fn start_background(&self, desk: Arc<Desk>) {
        let integrity = self.integrity.clone();
        let task = tauri::async_runtime::spawn(async move {
            if let Err(e) = channeldesk::backup::daily_if_due(&desk).await {
                tracing::error!(error = %e, "daily backup failed");
            }
            if let Ok(report) = channeldesk::backup::check(&desk).await {
                *integrity.lock().unwrap_or_else(|p| p.into_inner()) = Some(report);
            }
        });
        self.background.lock().unwrap_or_else(|p| p.into_inner()).push(task);
    }

    /// Ends the background work, makes the backup on exit and closes the Desk's pool.
    ///
    /// Must run before the process ends: SQLCipher frees its global state when the process
    /// exits, and a connection still reading then crashes it (`tests/exit.rs` in the core);
    /// closing the pool waits for every connection thread to finish.
    pub async fn close(&self) {
        let tasks = std::mem::take(&mut *self.background.lock().unwrap_or_else(|p| p.into_inner()));
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
        if let Some(d) = self.desk.read().await.clone() {
            if let Err(e) = channeldesk::backup::backup(&d, "exit").await {
                tracing::error!(error = %e, "backup on exit failed");
            }
            d.close().await;
        }
        channeldesk::documents::clear_prints(&self.dir);
    }
}
