//! Documents people print: PDF output with `printpdf` (fonts subset and embedded).
//!
//! The recovery kit of the database key, and the flow engine ([`layout`]) that agreements and
//! evaluation reports are printed with; a printed document is written to a temporary name and
//! renamed, into the data folder's `prints/` (to open in the system viewer) or where the user
//! chose.
//!
//! Invariants: no font file ships with the program: a CJK font is found on the system (or
//! named in `CHANNELDESK_FONT`), and without one a clear `document` error is returned; every
//! font used is embedded as a subset.

pub mod fonts;
pub mod layout;
pub mod page;
pub mod recovery_kit;

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

/// Writes a printed document into the data folder's `prints` folder (to open in the system
/// viewer for printing); its path.
pub fn write_to_prints(desk: &Desk, printed: &Printed) -> Result<PathBuf> {
    let dir = desk.data_dir().join("prints");
    std::fs::create_dir_all(&dir).map_err(|e| Error::Document(format!("{}: {e}", dir.display())))?;
    let path = dir.join(&printed.file_name);
    write_file(&path, &printed.bytes)?;
    Ok(path)
}

/// The fingerprint (SHA-256, hex) printed on a document made from `parts` (ids, clocks,
/// content): the same parts give the same fingerprint.
pub fn content_fingerprint(parts: &[&str]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(parts.join("\u{1f}").as_bytes()))
}

/// Lays out `blocks` in `frame` with the shared CJK face, off the async runtime; the PDF.
pub async fn render(blocks: Vec<layout::Block>, frame: layout::Frame) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || {
        let face = fonts::shared()?;
        layout::render(&face, &frame, &blocks)
    })
    .await
    .map_err(|e| Error::Document(e.to_string()))?
}
