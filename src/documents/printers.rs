//! The computer's printers, and handing a PDF to one of them (issue 24, R3.1.3): what a print
//! job is (printer, copies, sides, pages), the options checked by field before anything is
//! handed over ([`check_options`], translated errors), and the system's answer (a [`Job`]),
//! the same on every platform. The print system itself is the platform's: CUPS on macOS and
//! Linux (`cups`), the spooler through GDI on Windows (`winprint`).
//!
//! Invariant: a copy counts as printed only once the system has accepted the job.

use crate::error::{Error, FieldError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// A printer this computer can print to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Printer {
    pub name: String,
    /// The description its administrator gave it (the name when none).
    pub description: String,
    pub is_default: bool,
    /// Whether it prints on both sides.
    pub duplex: bool,
    /// Whether it takes jobs now (a printer disabled by its administrator does not).
    pub ready: bool,
}

/// How a document is to be printed, as chosen in the print panel.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PrintOptions {
    pub printer: String,
    /// Copies of each page, 1–99.
    #[ts(type = "number")]
    pub copies: u32,
    /// `one_sided`, `long_edge` or `short_edge`.
    pub sides: String,
    /// Pages to print, as people write them (`1-3, 5`); empty for all.
    pub pages: String,
}

/// A job the system's queue accepted.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Job {
    pub printer: String,
    /// The queue's id of the job (`Office-42`).
    pub id: String,
}

/// Whether this build can hand documents to a print queue.
pub fn supported() -> bool {
    cfg!(any(unix, windows))
}

/// The printers of this computer, the default one first; empty when none is set up (or the
/// print system is not running).
pub fn list() -> Result<Vec<Printer>> {
    #[cfg(windows)]
    let printers = super::winprint::list();
    #[cfg(not(windows))]
    let printers = super::cups::list();
    printers
}

/// The pages (from 1) chosen by `range` (`1-3, 5`, `2-`, empty for all) of a document of
/// `count` pages; `None` when it is not a range of those pages.
pub fn parse_pages(range: &str, count: usize) -> Option<Vec<usize>> {
    let range = range.trim().replace(['，', '、', ';'], ",").replace(['–', '—', '－', '~'], "-");
    if range.is_empty() {
        return Some((1..=count).collect());
    }
    let mut pages = Vec::new();
    for part in range.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => {
                let a: usize = if a.trim().is_empty() { 1 } else { a.trim().parse().ok()? };
                let b: usize = if b.trim().is_empty() { count } else { b.trim().parse().ok()? };
                (a, b)
            }
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if from == 0 || from > to || to > count {
            return None;
        }
        pages.extend(from..=to);
    }
    pages.sort_unstable();
    pages.dedup();
    (!pages.is_empty()).then_some(pages)
}

/// What [`check_options`] found good: the printer and the pages to print.
#[derive(Debug, Clone)]
pub struct Checked {
    pub printer: Printer,
    pub copies: u32,
    pub sides: String,
    pub pages: Vec<usize>,
}

/// Checks `options` against the printers there are and a document of `page_count` pages.
pub fn check_options(options: &PrintOptions, printers: &[Printer], page_count: usize) -> Result<Checked> {
    let mut errors = Vec::new();
    let printer = printers.iter().find(|p| p.name == options.printer);
    match printer {
        None if options.printer.trim().is_empty() => errors.push(FieldError::new("printer", "required")),
        None => errors.push(FieldError::new("printer", "unknown")),
        Some(p) if !p.ready => errors.push(FieldError::new("printer", "not_ready")),
        Some(_) => {}
    }
    if !(1..=99).contains(&options.copies) {
        errors.push(FieldError::with_limit("copies", "range", 99));
    }
    let sides = if options.sides.is_empty() { "one_sided" } else { options.sides.as_str() };
    if !matches!(sides, "one_sided" | "long_edge" | "short_edge") {
        errors.push(FieldError::new("sides", "invalid"));
    } else if sides != "one_sided" && printer.is_some_and(|p| !p.duplex) {
        errors.push(FieldError::new("sides", "not_supported"));
    }
    let pages = parse_pages(&options.pages, page_count);
    if pages.is_none() {
        errors.push(FieldError::with_limit("pages", "page_range", page_count as u32));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Checked {
        printer: printer.cloned().expect("checked above"),
        copies: options.copies,
        sides: sides.to_string(),
        pages: pages.expect("checked above"),
    })
}

/// Hands the PDF at `path` to the printer's queue as `title`; the job the system accepted.
pub fn submit(path: &Path, title: &str, checked: &Checked, page_count: usize) -> Result<Job> {
    #[cfg(windows)]
    let job = super::winprint::submit(&std::fs::read(path)?, title, checked, page_count);
    #[cfg(not(windows))]
    let job = super::cups::submit(path, title, checked, page_count);
    job
}

/// Prints `printed` with `options`: checks them against this computer's printers and the
/// document's pages, hands the file to the queue through a private temporary copy (removed once
/// the queue has it) and returns the job. Needs the right to read partners (every role).
pub async fn print(
    desk: &crate::desk::Desk,
    printed: &super::Printed,
    options: &PrintOptions,
) -> Result<Job> {
    desk.require(crate::access::Action::PartnerRead)?;
    if !supported() {
        return Err(Error::field("printer", "not_supported"));
    }
    let page_count = super::preview::pages(&printed.bytes)?.len();
    let options = options.clone();
    let printed = printed.clone();
    let data_dir = desk.data_dir().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let checked = check_options(&options, &list()?, page_count)?;
        let path = super::write_private(&data_dir, &printed)?;
        let title = printed.file_name.trim_end_matches(".pdf").to_string();
        let job = submit(&path, &title, &checked, page_count);
        let _ = std::fs::remove_file(&path);
        job
    })
    .await
    .map_err(|e| Error::Document(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges_are_read_as_people_write_them() {
        assert_eq!(parse_pages("", 3), Some(vec![1, 2, 3]));
        assert_eq!(parse_pages("1-2, 5", 6), Some(vec![1, 2, 5]));
        assert_eq!(parse_pages("3-", 5), Some(vec![3, 4, 5]));
        assert_eq!(parse_pages("2，4–5", 5), Some(vec![2, 4, 5]));
        assert_eq!(parse_pages("0", 5), None);
        assert_eq!(parse_pages("4-2", 5), None);
        assert_eq!(parse_pages("6", 5), None);
        assert_eq!(parse_pages("a", 5), None);
    }

    #[test]
    fn options_name_the_field_that_is_wrong() {
        let printers = vec![Printer {
            name: "Office".into(),
            description: "Office".into(),
            is_default: true,
            duplex: false,
            ready: true,
        }];
        let bad =
            PrintOptions { printer: "Nope".into(), copies: 0, sides: "long_edge".into(), pages: "9".into() };
        let Err(Error::Validation(errors)) = check_options(&bad, &printers, 3) else { panic!("refused") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["printer", "copies", "pages"]);
        let one_sided_only = PrintOptions {
            printer: "Office".into(),
            copies: 1,
            sides: "long_edge".into(),
            pages: String::new(),
        };
        let Err(Error::Validation(errors)) = check_options(&one_sided_only, &printers, 3) else {
            panic!("refused")
        };
        assert_eq!(errors[0].rule, "not_supported");
        let good =
            PrintOptions { printer: "Office".into(), copies: 2, sides: String::new(), pages: "2-3".into() };
        let c = check_options(&good, &printers, 3).expect("good options");
        assert_eq!((c.copies, c.sides.as_str(), c.pages.clone()), (2, "one_sided", vec![2, 3]));
    }
}
