//! Printing through CUPS, the print system of macOS and of Linux desktops (issue 24), with its
//! own command-line clients: `lpstat` to list the printers and the default one, `lpoptions -l`
//! for two-sided printing, `lp` to hand over the job. `lp` takes the PDF itself: the printer
//! gets the exact file the preview shows, with its text and vector lines, and the system
//! answers with a job id, so a copy is logged as printed only once the queue has accepted it.
//!
//! Invariants: the clients run with `LC_ALL=C` (their output is parsed); a printer name is
//! passed as one argument, never through a shell.

use super::printers::{Checked, Job, Printer};
use crate::error::{Error, Result};
use std::path::Path;
use std::process::Command;

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
    fn pages_become_cups_page_ranges() {
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8]), "1-3,5,7-8");
    }
}
