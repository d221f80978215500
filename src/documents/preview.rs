//! The print preview (issue 24): the pages of the very PDF that is printed or saved, drawn as
//! pictures by `hayro` (a PDF rasteriser in pure Rust), so what a person checks before printing
//! is the file the printer gets, not a second rendering of the same content.
//!
//! Invariants: a page is drawn at most [`MAX_PIXELS`] pixels (zoom is clamped, never refused);
//! a file hayro cannot read is a `document` error, never a panic.

use crate::error::{Error, Result};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use serde::Serialize;
use std::sync::Arc;
use ts_rs::TS;

/// Millimetres in a PDF point.
const MM_PER_PT: f32 = 25.4 / 72.0;
/// The largest page picture drawn (about A4 at 300 dpi).
pub const MAX_PIXELS: f32 = 2480.0 * 3508.0;

/// A page's size, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PageSize {
    pub width_mm: f32,
    pub height_mm: f32,
}

fn open(bytes: &[u8]) -> Result<Pdf> {
    Pdf::new(Arc::new(bytes.to_vec())).map_err(|e| Error::Document(format!("the PDF cannot be read: {e:?}")))
}

/// The size of every page of `bytes`, in order.
pub fn pages(bytes: &[u8]) -> Result<Vec<PageSize>> {
    let pdf = open(bytes)?;
    Ok(pdf
        .pages()
        .iter()
        .map(|p| {
            let (w, h) = p.render_dimensions();
            PageSize { width_mm: w * MM_PER_PT, height_mm: h * MM_PER_PT }
        })
        .collect())
}

/// Page `index` (from 0) of `bytes` as a PNG, `pixels_per_mm` pixels to a millimetre (4 is
/// about 100 dpi), on white.
pub fn page_png(bytes: &[u8], index: usize, pixels_per_mm: f32) -> Result<Vec<u8>> {
    render(bytes, index, pixels_per_mm)?
        .0
        .into_png()
        .map_err(|e| Error::Document(format!("the page picture cannot be made: {e}")))
}

/// Page `index` (from 0) of `bytes` drawn as [`page_png`] draws it: its width and height in
/// pixels, its pixels (red, green, blue, alpha; opaque) and the page's size.
pub fn page_pixels(bytes: &[u8], index: usize, pixels_per_mm: f32) -> Result<(u32, u32, Vec<u8>, PageSize)> {
    let (pixmap, size) = render(bytes, index, pixels_per_mm)?;
    let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    Ok((w, h, pixmap.data_as_u8_slice().to_vec(), size))
}

fn render(bytes: &[u8], index: usize, pixels_per_mm: f32) -> Result<(hayro::vello_cpu::Pixmap, PageSize)> {
    let pdf = open(bytes)?;
    let pages = pdf.pages();
    let page = pages.get(index).ok_or_else(|| Error::field("page", "unknown"))?;
    let (w, h) = page.render_dimensions();
    let wanted = (pixels_per_mm.max(0.5) * MM_PER_PT).min(12.0);
    let scale = wanted.min((MAX_PIXELS / (w * h).max(1.0)).sqrt());
    let cache = hayro::RenderCache::new();
    let settings = hayro::PixmapSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    let pixmap = hayro::render(
        page,
        &cache,
        &InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        &settings,
    );
    Ok((pixmap, PageSize { width_mm: w * MM_PER_PT, height_mm: h * MM_PER_PT }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_pdf_is_an_error_not_a_panic() {
        assert!(matches!(pages(b"not a pdf"), Err(Error::Document(_))));
        assert!(matches!(page_png(b"%PDF-1.4 broken", 0, 4.0), Err(Error::Document(_))));
    }
}
