//! Writing a whole file so that a reader never sees half of it: the bytes go to
//! `<name>.part` beside it and are renamed into place.

use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through `<file name>.part` and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp: PathBuf = path.to_path_buf();
    let name = path
        .file_name()
        .map(|n| format!("{}.part", n.to_string_lossy()))
        .unwrap_or_else(|| "file.part".into());
    tmp.set_file_name(name);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
