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
