//! What the benchmark programs share: where their figures go.

use std::path::PathBuf;

/// The build directory (`CARGO_TARGET_DIR` or `target/`), where each benchmark writes its
/// Markdown figures for `cargo xtask bench`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}
