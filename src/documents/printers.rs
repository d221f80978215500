//! The computer's printers, and handing a PDF to one of them (issue 24).
//!
//! Mechanism: the system's print queue through CUPS's own command-line clients (`lpstat` to
//! list the printers and the default one, `lpoptions -l` for two-sided printing, `lp` to hand
//! over the job). CUPS is the print system of macOS and of Linux desktops, and `lp` takes the
//! PDF itself: the printer gets the exact file the preview shows, with its text and vector
//! lines, and the system answers with a job id, so a copy is logged as printed only once the
//! queue has accepted it. Windows has no CUPS; [`supported`] says so and the window offers
//! saving and the system viewer there instead of a print button.
//!
//! Invariants: the clients run with `LC_ALL=C` (their output is parsed); a printer name is
//! passed as one argument, never through a shell; the options are checked by
//! [`check_options`] (field errors, translated) before anything is handed over.

use crate::error::{Error, FieldError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;
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
    cfg!(unix)
}

fn client(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("LC_ALL", "C").env("LANG", "C");
    c
}

fn run(mut c: Command, what: &str) -> Result<String> {
    let out = c.output().map_err(|e| Error::Document(format!("{what}: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(Error::Document(format!("{what}: {said}")));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The printers of this computer, the default one first; empty when none is set up (or the
/// print system is not running).
pub fn list() -> Result<Vec<Printer>> {
    if !supported() {
        return Ok(Vec::new());
    }
    let mut c = client("lpstat");
    c.args(["-l", "-p"]);
    // lpstat fails with "No destinations added" when there is no printer: that is an empty list.
    let Ok(text) = run(c, "lpstat -l -p") else { return Ok(Vec::new()) };
    let mut printers = parse_lpstat(&text);
    let mut c = client("lpstat");
    c.arg("-d");
    let default = run(c, "lpstat -d").ok().and_then(|s| parse_default(&s));
    for p in &mut printers {
        p.is_default = default.as_deref() == Some(p.name.as_str());
        let mut c = client("lpoptions");
        c.args(["-p", &p.name, "-l"]);
        p.duplex = run(c, "lpoptions -l").map(|s| parse_duplex(&s)).unwrap_or(false);
    }
    printers.sort_by_key(|p| !p.is_default);
    Ok(printers)
}

/// Printers out of `lpstat -l -p` (C locale).
fn parse_lpstat(text: &str) -> Vec<Printer> {
    let mut printers: Vec<Printer> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            let Some((name, state)) = rest.split_once(' ') else { continue };
            printers.push(Printer {
                name: name.to_string(),
                description: name.to_string(),
                is_default: false,
                duplex: false,
                ready: !state.contains("disabled"),
            });
        } else if let (Some(p), Some(d)) = (printers.last_mut(), line.trim().strip_prefix("Description:")) {
            let d = d.trim();
            if !d.is_empty() {
                p.description = d.to_string();
            }
        }
    }
    printers
}

fn parse_default(text: &str) -> Option<String> {
    text.lines().find_map(|l| l.strip_prefix("system default destination: ")).map(|s| s.trim().to_string())
}

/// Whether `lpoptions -p P -l` lists a two-sided choice.
fn parse_duplex(text: &str) -> bool {
    text.lines().any(|l| {
        let (key, choices) = l.split_once(':').unwrap_or((l, ""));
        let key = key.split('/').next().unwrap_or("");
        matches!(key, "Duplex" | "sides" | "EFDuplex" | "KMDuplex")
            && choices.split_whitespace().any(|c| {
                let c = c.trim_start_matches('*');
                c.starts_with("DuplexNo") || c.starts_with("DuplexTumble") || c.starts_with("two-sided")
            })
    })
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

/// `pages` written as CUPS's `page-ranges` (`1-3,5`).
fn ranges(pages: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let start = pages[i];
        while i + 1 < pages.len() && pages[i + 1] == pages[i] + 1 {
            i += 1;
        }
        out.push(if pages[i] == start { start.to_string() } else { format!("{start}-{}", pages[i]) });
        i += 1;
    }
    out.join(",")
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
    let mut c = client("lp");
    c.args(["-d", &checked.printer.name, "-n", &checked.copies.to_string(), "-t", title]);
    let sides = match checked.sides.as_str() {
        "long_edge" => "two-sided-long-edge",
        "short_edge" => "two-sided-short-edge",
        _ => "one-sided",
    };
    c.args(["-o", &format!("sides={sides}")]);
    if checked.copies > 1 {
        c.args(["-o", "collate=true"]);
    }
    if checked.pages.len() != page_count {
        c.args(["-o", &format!("page-ranges={}", ranges(&checked.pages))]);
    }
    c.arg("--").arg(path);
    let out = run(c, "lp")?;
    let id = parse_request(&out).ok_or_else(|| Error::Document(format!("lp: no job id in {out:?}")))?;
    Ok(Job { printer: checked.printer.name.clone(), id })
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

fn parse_request(text: &str) -> Option<String> {
    let rest = text.lines().find_map(|l| l.strip_prefix("request id is "))?;
    Some(rest.split_whitespace().next()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lpstat_output_becomes_printers() {
        let text = "printer Office is idle.  enabled since Sat Dec  5 02:11:46 2026\n\tForm mounted:\n\tDescription: 三楼 HP\n\tAlerts: none\nprinter Old disabled since Fri Dec  4 10:00:00 2026 -\n\treason unknown\n\tDescription: \n";
        let p = parse_lpstat(text);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].name.as_str(), p[0].description.as_str(), p[0].ready), ("Office", "三楼 HP", true));
        assert_eq!((p[1].name.as_str(), p[1].description.as_str(), p[1].ready), ("Old", "Old", false));
        assert_eq!(parse_default("system default destination: Office\n").as_deref(), Some("Office"));
        assert_eq!(parse_default("no system default destination\n"), None);
        assert_eq!(parse_request("request id is Office-42 (1 file(s))\n").as_deref(), Some("Office-42"));
    }

    #[test]
    fn two_sided_printing_is_read_from_the_printer_options() {
        assert!(parse_duplex(
            "PageSize/Media Size: *A4 Letter\nDuplex/2-Sided Printing: *None DuplexNoTumble DuplexTumble\n"
        ));
        assert!(parse_duplex("sides/Sides: *one-sided two-sided-long-edge two-sided-short-edge\n"));
        assert!(!parse_duplex("Duplex/2-Sided Printing: *None\nPageSize/Media Size: *A4\n"));
        assert!(!parse_duplex(""));
    }

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
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8]), "1-3,5,7-8");
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
