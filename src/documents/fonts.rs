//! Finding a font that covers Chinese on this computer.
//!
//! Order: the file named by `CHANNELDESK_FONT` (`path` or `path#index` for a collection),
//! then the operating system's own Chinese fonts ([`candidates`]): Windows Microsoft YaHei,
//! DengXian, SimHei, SimSun (system fonts, then fonts installed for the user only); macOS
//! PingFang SC (in `/System/Library/Fonts` on older systems, downloaded into
//! `/System/Library/AssetsV2/com_apple_MobileAsset_Font*/…/AssetData/` on recent ones),
//! Hiragino Sans GB, STHeiti, Songti; Linux Noto Sans CJK SC, WenQuanYi, Droid Sans Fallback.
//! In a collection (`.ttc`) the face is chosen by its family name (the Simplified Chinese one),
//! not by a position that differs between font versions.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A font file and the face to use in it (collections hold several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSource {
    pub path: PathBuf,
    /// The face to use when `family` names none in the file.
    pub index: usize,
    /// The family whose face to use in a collection.
    pub family: Option<&'static str>,
}

/// The operating systems whose font folders are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Windows,
    MacOs,
    Linux,
}

impl Os {
    pub fn current() -> Os {
        if cfg!(windows) {
            Os::Windows
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else {
            Os::Linux
        }
    }
}

/// Where an OS keeps its fonts: `root` is `/` (a fixture folder in tests), `env` reads
/// environment variables (`WINDIR`, `LOCALAPPDATA`, `HOME`).
pub fn candidates(os: Os, root: &Path, env: &dyn Fn(&str) -> Option<String>) -> Vec<FontSource> {
    let src = |path: PathBuf, index: usize, family: Option<&'static str>| FontSource { path, index, family };
    match os {
        Os::Windows => {
            let windir = env("WINDIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("C:\\Windows"));
            let mut dirs = vec![windir.join("Fonts")];
            if let Some(local) = env("LOCALAPPDATA") {
                dirs.push(PathBuf::from(local).join("Microsoft").join("Windows").join("Fonts"));
            }
            let files: [(&str, Option<&'static str>); 6] = [
                ("msyh.ttc", Some("Microsoft YaHei")),
                ("msyh.ttf", None),
                ("Deng.ttf", None),
                ("simhei.ttf", None),
                ("simsun.ttc", Some("SimSun")),
                ("simsun.ttf", None),
            ];
            files.iter().flat_map(|(f, fam)| dirs.iter().map(move |d| src(d.join(f), 0, *fam))).collect()
        }
        Os::MacOs => {
            let system = root.join("System/Library/Fonts");
            let mut out = vec![src(system.join("PingFang.ttc"), 0, Some("PingFang SC"))];
            // Recent macOS versions download PingFang as a mobile asset.
            let assets = root.join("System/Library/AssetsV2");
            let mut found: Vec<PathBuf> = std::fs::read_dir(&assets)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|d| d.file_name().to_string_lossy().starts_with("com_apple_MobileAsset_Font"))
                .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
                .map(|a| a.path().join("AssetData").join("PingFang.ttc"))
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            out.extend(found.into_iter().map(|p| src(p, 0, Some("PingFang SC"))));
            out.push(src(system.join("Hiragino Sans GB.ttc"), 0, Some("Hiragino Sans GB")));
            out.push(src(system.join("STHeiti Light.ttc"), 0, Some("Heiti SC")));
            out.push(src(system.join("STHeiti Medium.ttc"), 0, Some("Heiti SC")));
            out.push(src(system.join("Supplemental/Songti.ttc"), 0, Some("Songti SC")));
            out.push(src(root.join("Library/Fonts/Arial Unicode.ttf"), 0, None));
            if let Some(home) = env("HOME") {
                out.push(src(PathBuf::from(home).join("Library/Fonts/NotoSansCJKsc-Regular.otf"), 0, None));
            }
            out
        }
        Os::Linux => {
            // Debian fonts-noto-cjk: the collection's faces are JP, KR, SC, TC, HK.
            let noto = Some("Noto Sans CJK SC");
            vec![
                src(root.join("usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2, noto),
                src(root.join("usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"), 2, noto),
                src(root.join("usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"), 2, noto),
                src(root.join("usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0, None),
                src(root.join("usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, None),
                src(root.join("usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"), 0, None),
            ]
        }
    }
}

/// The first of [`candidates`] that exists.
pub fn find_in(os: Os, root: &Path, env: &dyn Fn(&str) -> Option<String>) -> Option<FontSource> {
    candidates(os, root, env).into_iter().find(|f| f.path.is_file())
}

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
            return Ok(FontSource { path, index, family: None });
        }
        return Err(Error::Document(format!(
            "CHANNELDESK_FONT names {} which is not a file",
            path.display()
        )));
    }
    find_in(Os::current(), Path::new("/"), &|k| std::env::var(k).ok()).ok_or_else(|| {
        Error::Document(
            "no Chinese font found (install Microsoft YaHei, PingFang SC or Noto Sans CJK SC, \
             or set CHANNELDESK_FONT)"
                .into(),
        )
    })
}

/// The face of `family` in a font file (a collection's index), or `fallback` when the file
/// holds no such family.
pub fn face_index(bytes: &[u8], family: &str, fallback: usize) -> usize {
    let count = ttf_parser::fonts_in_collection(bytes).unwrap_or(1);
    (0..count)
        .find(|&i| {
            ttf_parser::Face::parse(bytes, i).is_ok_and(|face| {
                face.names().into_iter().any(|n| {
                    matches!(n.name_id, ttf_parser::name_id::FAMILY | ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
                        && n.to_string().is_some_and(|s| s == family)
                })
            })
        })
        .map(|i| i as usize)
        .unwrap_or(fallback)
}

/// Reads and parses the face.
pub fn load(source: &FontSource) -> Result<printpdf::ParsedFont> {
    let bytes = std::fs::read(&source.path)
        .map_err(|e| Error::Document(format!("font {}: {e}", source.path.display())))?;
    let index = match source.family {
        Some(family) => face_index(&bytes, family, source.index),
        None => source.index,
    };
    let mut warnings = Vec::new();
    printpdf::ParsedFont::from_bytes(&bytes, index, &mut warnings)
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
