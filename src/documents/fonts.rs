//! Finding a font that covers Chinese on this computer.
//!
//! Order: the file named by `CHANNELDESK_FONT` (`path` or `path#index` for a collection),
//! then the usual system fonts of Windows (Microsoft YaHei, SimHei), macOS (PingFang SC,
//! Hiragino Sans GB, STHeiti) and Linux (Noto Sans CJK SC, WenQuanYi, Droid Sans Fallback).

use crate::error::{Error, Result};
use std::path::PathBuf;

/// A font file and the face to use in it (collections hold several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSource {
    pub path: PathBuf,
    pub index: usize,
}

const CANDIDATES: &[(&str, usize)] = &[
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttf", 0),
    ("C:\\Windows\\Fonts\\simhei.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    // Debian fonts-noto-cjk: the collection's faces are JP, KR, SC, TC, HK.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
];

/// The CJK font to use, or a `document` error naming what was looked for.
pub fn find_cjk() -> Result<FontSource> {
    if let Some(v) = std::env::var_os("CHANNELDESK_FONT") {
        let v = v.to_string_lossy().into_owned();
        let (path, index) = match v.rsplit_once('#') {
            Some((p, i)) => (p.to_string(), i.parse().unwrap_or(0)),
            None => (v, 0),
        };
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(FontSource { path, index });
        }
        return Err(Error::Document(format!(
            "CHANNELDESK_FONT names {} which is not a file",
            path.display()
        )));
    }
    CANDIDATES
        .iter()
        .map(|(p, i)| FontSource { path: PathBuf::from(p), index: *i })
        .find(|f| f.path.is_file())
        .ok_or_else(|| {
            Error::Document(
                "no Chinese font found (install Microsoft YaHei, PingFang SC or Noto Sans CJK SC, \
                 or set CHANNELDESK_FONT)"
                    .into(),
            )
        })
}

/// Reads and parses the face.
pub fn load(source: &FontSource) -> Result<printpdf::ParsedFont> {
    let bytes = std::fs::read(&source.path)
        .map_err(|e| Error::Document(format!("font {}: {e}", source.path.display())))?;
    let mut warnings = Vec::new();
    printpdf::ParsedFont::from_bytes(&bytes, source.index, &mut warnings)
        .ok_or_else(|| Error::Document(format!("font {} could not be read", source.path.display())))
}
