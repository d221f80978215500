//! The checks every printed document passes (issue 24), for any test that prints one: `qpdf
//! --check`, one font embedded as a proper subset with its Unicode map (`pdffonts`), the
//! document information (Title, Author, Creator, Producer, a creation date of its own, no empty
//! PDF/X claim), and text that `pdftotext` reads with no line starting with closing
//! punctuation. Poppler and qpdf are installed by `cargo xtask test`; where they are missing the
//! checks are skipped, unless `CHANNELDESK_E2E=required`.

use std::path::Path;
use std::process::Command;

/// Characters that must never start a line (Chinese typesetting).
pub const NO_LINE_START: &str = "，。、；：？！）》」』】〕”’…";

/// The output of `name args`; `None` when the tool is not installed (allowed only outside CI).
pub fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(out) => {
            assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(_) => {
            assert!(
                std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"),
                "{name} is required here (poppler-utils, qpdf)"
            );
            None
        }
    }
}

/// Checks the PDF at `path` and returns its text; `None` where the tools are not installed.
pub fn check(path: &Path) -> Option<String> {
    let pdf = path.to_str().unwrap();
    let qpdf = tool("qpdf", &["--check", pdf])?;
    assert!(qpdf.contains("No syntax or stream encoding errors"), "{qpdf}");
    let fonts = tool("pdffonts", &[pdf]).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one font: {fonts}");
    // A proper subset tag (six capital letters and +), so readers report it subset (emb, sub
    // and uni all yes).
    let name = rows[0].split_whitespace().next().unwrap();
    let tag = name.split('+').next().unwrap();
    assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "subset tag: {fonts}");
    assert_eq!(
        rows[0].split_whitespace().filter(|w| *w == "yes").count(),
        3,
        "embedded, subset, unicode: {fonts}"
    );
    let info = tool("pdfinfo", &[pdf]).unwrap();
    for key in ["Title:", "Author:", "Creator:", "Producer:"] {
        let value = info.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_default();
        assert!(!value.trim().is_empty(), "{key} empty: {info}");
    }
    let created = info.lines().find_map(|l| l.strip_prefix("CreationDate:")).unwrap_or_default();
    assert!(!created.contains("1970") && !created.trim().is_empty(), "creation date: {info}");
    assert!(!info.contains("PDF subtype") && !info.contains("PDF/X"), "no PDF/X claim: {info}");
    let text = tool("pdftotext", &[pdf, "-"]).unwrap();
    for line in text.lines() {
        let first = line.trim_start().chars().next();
        assert!(
            !first.is_some_and(|c| NO_LINE_START.contains(c)),
            "a line starts with punctuation: {line:?}"
        );
    }
    Some(text)
}

/// A page in grey: width, height and one byte a pixel.
pub type Grey = (usize, usize, Vec<u8>);

/// Reads a binary PGM (P5) as written by `pdftoppm -gray`.
pub fn read_pgm(path: &Path) -> Grey {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // P5, width, height, maxval, then one byte a pixel.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "{}", path.display());
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..i + 1 + w * h].to_vec())
}

/// Page `page` of `pdf` rendered by poppler in grey at `dpi`, beside the PDF; `None` when
/// poppler is not installed (see [`tool`]).
pub fn grey_page(pdf: &Path, page: usize, dpi: u32) -> Option<Grey> {
    let stem = pdf.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
    let base = pdf.with_file_name(format!("{stem}-grey-{page}-{dpi}"));
    let (n, r) = (page.to_string(), dpi.to_string());
    let (pdf_s, base_s) = (pdf.to_str().expect("UTF-8 path"), base.to_str().expect("UTF-8 path"));
    tool("pdftoppm", &["-gray", "-r", &r, "-f", &n, "-l", &n, "-singlefile", pdf_s, base_s])?;
    Some(read_pgm(&base.with_extension("pgm")))
}

/// Mean difference of the 8×8-pixel blocks' grey of two pictures: anti-aliasing and a
/// printer driver's halftoning do not move it; other content does.
pub fn block_difference(a: &Grey, b: &Grey) -> f64 {
    let (w, h) = (a.0.min(b.0) / 8, a.1.min(b.1) / 8);
    let mean = |img: &Grey, bx: usize, by: usize| {
        let sum: u32 = (by * 8..by * 8 + 8)
            .flat_map(|y| (bx * 8..bx * 8 + 8).map(move |x| (x, y)))
            .map(|(x, y)| img.2[y * img.0 + x] as u32)
            .sum();
        sum as f64 / 64.0
    };
    let total: f64 = (0..h)
        .flat_map(|by| (0..w).map(move |bx| (bx, by)))
        .map(|(bx, by)| (mean(a, bx, by) - mean(b, bx, by)).abs())
        .sum();
    total / (w * h) as f64
}
