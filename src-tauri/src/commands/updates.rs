//! Signed updates (issue 19), for administrators: from the company's update source (an
//! http(s) URL or a shared-folder path of a `latest.json`) or from an installer file chosen
//! on a USB stick. Every package is verified by the core (`channeldesk::updates`) against the
//! release key compiled into this program before it is kept in `updates/` of the data folder;
//! only a verified, kept package can be started.

use crate::state::Shell;
use channeldesk::access::Action;
use channeldesk::settings::{self, Settings};
use channeldesk::updates::{self, Manifest, VerifiedUpdate};
use channeldesk::{Error, Result};
use channeldesk_macros::command;
use serde::Serialize;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Runtime, State};

/// A verified package waiting to be installed.
#[derive(Debug, Serialize)]
pub struct StagedUpdate {
    #[serde(flatten)]
    pub update: VerifiedUpdate,
    /// Its file name in the data folder's `updates/`.
    pub file_name: String,
}

fn updates_dir(shell: &Shell) -> PathBuf {
    shell.dir.join("updates")
}

fn download(what: &str, source: &str) -> Result<Vec<u8>> {
    let fail = |e: String| Error::Update { reason: "download", detail: format!("{what}: {e}") };
    if source.starts_with("https://") || source.starts_with("http://") {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(300)))
            .build()
            .into();
        let mut resp = agent.get(source).call().map_err(|e| fail(e.to_string()))?;
        resp.body_mut()
            .with_config()
            .limit(updates::MAX_PACKAGE as u64)
            .read_to_vec()
            .map_err(|e| fail(e.to_string()))
    } else {
        let len = std::fs::metadata(source).map_err(|e| fail(e.to_string()))?.len();
        if len > updates::MAX_PACKAGE as u64 {
            return Err(fail(format!("{len} bytes")));
        }
        std::fs::read(source).map_err(|e| fail(e.to_string()))
    }
}

/// The package's address relative to the manifest's, when the manifest names a bare file.
fn beside(manifest: &str, url: &str) -> String {
    if url.contains("://") || Path::new(url).is_absolute() {
        return url.to_string();
    }
    match manifest.rfind(['/', '\\']) {
        Some(i) => format!("{}{url}", &manifest[..=i]),
        None => url.to_string(),
    }
}

/// Keeps a verified package and its signature in `updates/`.
fn stage(
    shell: &Shell,
    update: VerifiedUpdate,
    name: &str,
    bytes: &[u8],
    signature: &str,
) -> Result<StagedUpdate> {
    let dir = updates_dir(shell);
    std::fs::create_dir_all(&dir)?;
    let file_name = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("ChannelDesk-{}-update", update.version));
    channeldesk::files::write_atomic(&dir.join(&file_name), bytes)?;
    channeldesk::files::write_atomic(&dir.join(format!("{file_name}.minisig")), signature.as_bytes())?;
    tracing::info!(version = %update.version, sha256 = %update.sha256, "update verified and kept");
    Ok(StagedUpdate { update, file_name })
}

/// Sets the company's update source.
#[command]
pub async fn update_source_set(shell: State<'_, Shell>, source: String) -> Result<Settings> {
    settings::set_update_source(&*shell.desk().await?, &source).await
}

/// Reads the update source's manifest; the verified package when a newer one is there,
/// `None` when this is the newest.
#[command]
pub async fn update_check(shell: State<'_, Shell>) -> Result<Option<StagedUpdate>> {
    let desk = shell.desk().await?;
    desk.require(Action::SettingsManage)?;
    let source = settings::get(&desk).await?.update_source;
    if source.is_empty() {
        return Err(Error::field("update_source", "required"));
    }
    type Found = Option<(VerifiedUpdate, String, Vec<u8>, String)>;
    let found = tokio::task::spawn_blocking(move || -> Result<Found> {
        let manifest = Manifest::parse(&download("manifest", &source)?)?;
        let platform = updates::platform();
        let entry = manifest.entry(&platform)?;
        let current = env!("CARGO_PKG_VERSION");
        // The manifest only saves a download; the package's signed comment decides.
        if !updates::newer(&manifest.version, current) {
            return Ok(None);
        }
        let url = beside(&source, &entry.url);
        let bytes = download("package", &url)?;
        let mut update = updates::verify(&bytes, &entry.signature, updates::RELEASE_KEY, current, &platform)?;
        update.notes = manifest.notes.clone();
        let name = url.rsplit(['/', '\\']).next().unwrap_or("").to_string();
        Ok(Some((update, name, bytes, entry.signature.clone())))
    })
    .await
    .map_err(|e| Error::Storage(e.to_string()))??;
    found.map(|(u, name, bytes, sig)| stage(&shell, u, &name, &bytes, &sig)).transpose()
}

/// Checks an installer chosen in the open dialog (with its `.minisig` or `.sig` signature file
/// beside it); the verified package, or `None` when the dialog was cancelled.
#[command]
pub async fn update_from_file<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
) -> Result<Option<StagedUpdate>> {
    let desk = shell.desk().await?;
    desk.require(Action::SettingsManage)?;
    let exts: &[&str] = if cfg!(windows) {
        &["exe"]
    } else if cfg!(target_os = "macos") {
        &["dmg"]
    } else {
        &["deb"]
    };
    let Some(path) = crate::files::ask_open_path(&app, "ChannelDesk", exts).await? else { return Ok(None) };
    verify_file(&shell, &path).map(Some)
}

/// Verifies and keeps an installer file and its signature file beside it.
pub fn verify_file(shell: &Shell, path: &Path) -> Result<StagedUpdate> {
    let bytes = download("package", &path.display().to_string())?;
    let sig_path = ["minisig", "sig"]
        .iter()
        .map(|e| PathBuf::from(format!("{}.{e}", path.display())))
        .find(|p| p.is_file())
        .ok_or_else(|| Error::Update {
            reason: "signature",
            detail: "no .minisig or .sig file beside the package".into(),
        })?;
    let sig = std::fs::read_to_string(&sig_path)
        .map_err(|e| Error::Update { reason: "signature", detail: e.to_string() })?;
    let update =
        updates::verify(&bytes, &sig, updates::RELEASE_KEY, env!("CARGO_PKG_VERSION"), &updates::platform())?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    stage(shell, update, &name, &bytes, &sig)
}

/// Starts the kept installer (silently on Windows, restarting the program afterwards; the
/// system's package installer on Linux, the disk image on macOS) and ends this program so
/// its files can be replaced. The package is verified again first.
#[command]
pub async fn update_install<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    file_name: String,
) -> Result<()> {
    let desk = shell.desk().await?;
    desk.require(Action::SettingsManage)?;
    let dir = updates_dir(&shell);
    let path = crate::files::file_in(&dir, &file_name).ok_or_else(|| Error::field("file_name", "unknown"))?;
    let bytes = std::fs::read(&path).map_err(|_| Error::field("file_name", "unknown"))?;
    let sig = std::fs::read_to_string(dir.join(format!("{file_name}.minisig"))).map_err(|_| {
        Error::Update { reason: "signature", detail: "the kept package has no signature".into() }
    })?;
    // Verified again: the file in the data folder may have been changed since it was kept.
    let update =
        updates::verify(&bytes, &sig, updates::RELEASE_KEY, env!("CARGO_PKG_VERSION"), &updates::platform())?;
    tracing::info!(version = %update.version, sha256 = %update.sha256, "starting the update installer");
    if cfg!(windows) {
        std::process::Command::new(&path).args(["/S", "/RESTART"]).spawn()?;
    } else {
        tauri_plugin_opener::open_path(&path, None::<&str>)
            .map_err(|e| Error::Update { reason: "download", detail: e.to_string() })?;
        return Ok(());
    }
    shell.close().await;
    app.exit(0);
    Ok(())
}
