//! Documents people print: PDF output with `printpdf` (fonts subset and embedded).
//!
//! The recovery kit of the database key, and the flow engine ([`layout`]) that agreements and
//! evaluation reports are printed with; a printed document is written to a temporary name and
//! renamed, into a private temporary folder of its data folder ([`prints_dir`], to open in the
//! system viewer) or where the user chose to save it.
//!
//! Printed copies are plain PDFs beside an encrypted database: they are kept only as long as a
//! viewer needs them. [`clear_prints`] empties the temporary folder (and the `prints/` folder
//! earlier versions kept in the data folder) at every start and exit; a copy stays only where
//! the user saved it on purpose.
//!
//! Before a document leaves the program it is shown in the print preview ([`preview`], the
//! pages of the very PDF) and printed through the system's queue ([`printers`]) or saved.
//!
//! Invariants: no font file ships with the program: a CJK font is found on the system (or
//! named in `CHANNELDESK_FONT`), and without one a clear `document` error is returned; every
//! font used is embedded as a subset.

#[cfg(not(windows))]
mod cups;
pub mod fonts;
pub mod layout;
pub mod page;
pub mod preview;
pub mod printers;
pub mod recovery_kit;
#[cfg(windows)]
mod winprint;

use crate::desk::Desk;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A rendered PDF and the file name to offer.
#[derive(Debug, Clone)]
pub struct Printed {
    pub bytes: Vec<u8>,
    pub file_name: String,
}

/// Writes `bytes` to `path` through a temporary file.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::files::write_atomic(path, bytes).map_err(|e| Error::Document(format!("{}: {e}", path.display())))
}

/// The private temporary folder printed documents of the data folder `data_dir` go to: in the
/// OS temporary folder (per user on Windows and macOS), named after the data folder so two
/// data folders never share it, mode 0700 on Unix.
pub fn prints_dir(data_dir: &Path) -> PathBuf {
    use sha2::Digest;
    let key = data_dir.canonicalize().unwrap_or_else(|_| data_dir.to_path_buf());
    let tag = hex::encode(&sha2::Sha256::digest(key.to_string_lossy().as_bytes())[..6]);
    std::env::temp_dir().join(format!("channeldesk-prints-{tag}"))
}

/// Writes a printed document into [`prints_dir`] (to open in the system viewer for printing);
/// its path.
pub fn write_to_prints(desk: &Desk, printed: &Printed) -> Result<PathBuf> {
    write_private(desk.data_dir(), printed)
}

/// [`write_to_prints`] for the data folder `data_dir`.
pub(crate) fn write_private(data_dir: &Path, printed: &Printed) -> Result<PathBuf> {
    let dir = prints_dir(data_dir);
    let io = |e: std::io::Error| Error::Document(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(&dir).map_err(io)?;
    crate::vault::make_private(&dir).map_err(|e| Error::Document(e.to_string()))?;
    let path = dir.join(&printed.file_name);
    write_file(&path, &printed.bytes)?;
    crate::files::make_private_file(&path).map_err(io)?;
    Ok(path)
}

/// Removes the printed copies of `data_dir` (its temporary folder, and the `prints/` folder an
/// earlier version kept inside the data folder). A file a viewer still holds open (Windows)
/// stays until the next time. Returns how many files were removed.
pub fn clear_prints(data_dir: &Path) -> usize {
    let mut removed = 0;
    for dir in [prints_dir(data_dir), data_dir.join("prints")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            if e.path().is_file() && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
        let _ = std::fs::remove_dir(&dir);
    }
    removed
}

/// Remembers `printed` by the SHA-256 of its bytes (table `printed_file`) with its `kind`
/// (`agreement`, `evaluation`, `statement`…), title and number, so that a file can later be
/// verified by its content ([`made_here`], `crate::verify`); returns it.
pub async fn register(
    desk: &Desk,
    kind: &str,
    title: &str,
    number: &str,
    printed: Printed,
) -> Result<Printed> {
    use sha2::Digest;
    let user = desk.require(crate::access::Action::PartnerRead)?;
    let sha = hex::encode(sha2::Sha256::digest(&printed.bytes));
    let fingerprint = layout::fingerprint_in(&printed.bytes).unwrap_or_default();
    sqlx::query(
        "INSERT INTO printed_file (sha256, fingerprint, kind, title, number, file_name, made_at, made_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha)
    .bind(&fingerprint)
    .bind(kind)
    .bind(title)
    .bind(number)
    .bind(&printed.file_name)
    .bind(crate::desk::rfc3339(desk.now()))
    .bind(&user.id)
    .execute(desk.pool())
    .await?;
    Ok(printed)
}

/// A document this laptop made for printing or saving.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, ts_rs::TS)]
#[ts(export)]
pub struct MadeDocument {
    /// `agreement`, `evaluation`, `portfolio`, `minutes`, `certificate`, `price_list`,
    /// `statement` or `promotion`.
    pub kind: String,
    pub title: String,
    pub number: String,
    pub file_name: String,
    pub fingerprint: String,
    pub made_at: String,
    pub made_by_name: Option<String>,
}

const PRINTED_FILE: &str = "SELECT f.kind, f.title, f.number, f.file_name, f.fingerprint, f.made_at,
        u.display_name AS made_by_name
     FROM printed_file f LEFT JOIN app_user u ON u.id = f.made_by";

/// The document whose bytes are exactly `bytes`, if this laptop made it.
pub async fn made_here(desk: &Desk, bytes: &[u8]) -> Result<Option<MadeDocument>> {
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(bytes));
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{PRINTED_FILE} WHERE f.sha256 = ?")))
        .bind(&sha)
        .fetch_optional(desk.pool())
        .await?)
}

/// The latest document made here whose fingerprint starts with `prefix` (lower-case hex).
pub async fn printed_with(desk: &Desk, prefix: &str) -> Result<Option<MadeDocument>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PRINTED_FILE} WHERE substr(f.fingerprint, 1, ?) = ? ORDER BY f.made_at DESC LIMIT 1"
    )))
    .bind(prefix.len() as i64)
    .bind(prefix)
    .fetch_optional(desk.pool())
    .await?)
}

/// The fingerprint (SHA-256, hex) printed on a document made from `parts` (ids, clocks,
/// content): the same parts give the same fingerprint.
pub fn content_fingerprint(parts: &[&str]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(parts.join("\u{1f}").as_bytes()))
}

/// Lays out `blocks` in `frame` and registers the PDF as a document of `kind` made here
/// ([`register`], titled and numbered as the frame is), named `<number>.pdf`.
pub async fn issue(
    desk: &Desk,
    kind: &str,
    blocks: Vec<layout::Block>,
    frame: layout::Frame,
) -> Result<Printed> {
    let (title, number) = (frame.title.clone(), frame.number.clone());
    let bytes = render(blocks, frame).await?;
    register(desk, kind, &title, &number, Printed { bytes, file_name: format!("{number}.pdf") }).await
}

/// Lays out `blocks` in `frame` with the shared CJK face, off the async runtime; the PDF.
async fn render(blocks: Vec<layout::Block>, frame: layout::Frame) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || {
        let face = fonts::shared()?;
        layout::render(&face, &frame, &blocks)
    })
    .await
    .map_err(|e| Error::Document(e.to_string()))?
}
