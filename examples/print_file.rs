//! Prints a PDF file through this computer's print system the way the program's 打印 button
//! does (`documents::printers`: the printers, the options checked, the job handed over), and
//! says what the system answered. The Windows print path (the spooler through GDI) is
//! exercised with it under wine by `src-tauri/tests/cli.rs`; on a laptop it is a quick check
//! that a printer takes the program's jobs.
//!
//! usage: print_file FILE PRINTER [PAGES] [COPIES] [SIDES]
//! Prints `printer NAME ready|not-ready [default] [duplex]` for each printer, then
//! `job ID on PRINTER`; exits 1 with the reason when the job was not taken.

use channeldesk::documents::{preview, printers};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, printer, rest @ ..] = args.as_slice() else {
        eprintln!("usage: print_file FILE PRINTER [PAGES] [COPIES] [SIDES]");
        return ExitCode::from(2);
    };
    match print(file, printer, rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("not printed: {e:?}");
            ExitCode::FAILURE
        }
    }
}

fn print(file: &str, printer: &str, rest: &[String]) -> channeldesk::Result<()> {
    let list = printers::list()?;
    for p in &list {
        let ready = if p.ready { "ready" } else { "not-ready" };
        let default = if p.is_default { " default" } else { "" };
        let duplex = if p.duplex { " duplex" } else { "" };
        println!("printer {} {ready}{default}{duplex}", p.name);
    }
    let bytes = std::fs::read(file)?;
    let options = printers::PrintOptions {
        printer: printer.to_string(),
        pages: rest.first().cloned().unwrap_or_default(),
        copies: rest.get(1).and_then(|c| c.parse().ok()).unwrap_or(1),
        sides: rest.get(2).cloned().unwrap_or_default(),
    };
    let count = preview::pages(&bytes)?.len();
    let checked = printers::check_options(&options, &list, count)?;
    let title = std::path::Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("document");
    let job = printers::submit(std::path::Path::new(file), title, &checked, count)?;
    println!("job {} on {}", job.id, job.printer);
    Ok(())
}
