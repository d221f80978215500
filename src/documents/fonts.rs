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

/// A parsed face with its metrics, shared by every document of the process.
pub struct Face {
    pub source: FontSource,
    pub font: printpdf::ParsedFont,
    units_per_em: f32,
    /// Advances already looked up (the font's cmap and hmtx lookups are slow to repeat for
    /// every candidate line).
    advances: std::sync::RwLock<std::collections::HashMap<char, (u16, f32)>>,
}

impl Face {
    /// The glyph of `c` (0, the missing glyph, when the font lacks it) and its advance in font
    /// units (half an em for a missing one), looked up once per process.
    pub fn glyph(&self, c: char) -> (u16, f32) {
        if let Some(g) = self.advances.read().unwrap_or_else(|p| p.into_inner()).get(&c) {
            return *g;
        }
        let g = match self.font.lookup_glyph_index(c as u32) {
            Some(g) => (g, self.font.get_horizontal_advance(g) as f32),
            None => (0, self.units_per_em / 2.0),
        };
        self.advances.write().unwrap_or_else(|p| p.into_inner()).insert(c, g);
        g
    }

    fn advance(&self, c: char) -> f32 {
        self.glyph(c).1
    }

    /// Width of `text` at `size` points in millimetres, from the font's own advances.
    pub fn width_mm(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text.chars().map(|c| self.advance(c)).sum();
        units / self.units_per_em * size * 25.4 / 72.0
    }
}

static SHARED: std::sync::Mutex<Option<std::sync::Arc<Face>>> = std::sync::Mutex::new(None);

/// The CJK face, found and parsed once per process (a failure is not remembered, so a font
/// installed afterwards is found on the next try).
pub fn shared() -> Result<std::sync::Arc<Face>> {
    let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(face) = slot.as_ref() {
        return Ok(face.clone());
    }
    let source = find_cjk()?;
    let font = load(&source)?;
    let upem = font.pdf_font_metrics.units_per_em;
    let face = std::sync::Arc::new(Face {
        source,
        font,
        units_per_em: if upem == 0 { 1000.0 } else { upem as f32 },
        advances: Default::default(),
    });
    *slot = Some(face.clone());
    Ok(face)
}
