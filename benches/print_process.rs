//! Printing an agreement, whole process against whole process (issue 24): the release command
//! line `channeldesk print --out` (start, open the encrypted file with the keychain's key,
//! sign in, lay out, write, register and log) against LibreOffice converting the same
//! agreement's text, written as a .docx with the same font, page and margins
//! (`soffice --headless --convert-to pdf`). Each run is a process of its own; wall time and
//! peak memory (the process and everything it waited for, from `wait4`) of several runs, and
//! each output's Chinese line breaking: lines `pdftotext` reads that start with closing
//! punctuation or end with opening punctuation, and `……` split across lines.
//!
//! Figures go to `$CARGO_TARGET_DIR/channeldesk-bench-print.md` for `cargo xtask bench`, which
//! builds the release binary, names it in `CHANNELDESK_CLI` and runs this in a session keyring
//! of its own. Without LibreOffice its rows say so.

mod common;
/// The checks the document tests make; here for their characters no line may start with.
#[allow(dead_code)]
#[path = "../tests/common/pdf.rs"]
mod pdf;

use channeldesk::agreements::{self, signing};
use channeldesk::documents::layout::{BODY, Block, MARGIN, PAGE, SEAL, SEAL_MM};
use channeldesk::secrets::Keychain;
use channeldesk::vault::{self, Unlock};
use channeldesk::{demo, users};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const PASSWORD: &str = "bench-password-1";
const CLI_RUNS: usize = 10;
const OFFICE_RUNS: usize = 5;
/// What no line may end with.
const NO_LINE_END: &str = "（《「『【〔“‘";

/// One finished process: wall time, peak resident memory and whether it exited with 0.
struct Run {
    ms: f64,
    peak_mib: f64,
    ok: bool,
}

/// Runs `c` to its end, its output into `log`.
#[expect(clippy::zombie_processes, reason = "the child is waited for by wait4, for its rusage")]
fn measure(mut c: Command, log: &Path) -> Run {
    let log = std::fs::File::create(log).expect("log file");
    c.stdin(Stdio::null()).stdout(log.try_clone().expect("log")).stderr(log);
    let t = Instant::now();
    let child = c.spawn().expect("start the process");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, once; `status` and `usage` outlive the call. The
    // rusage of a waited child holds the largest resident set of it and of every descendant
    // it waited for (LibreOffice's launcher waits for soffice.bin).
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(pid, child.id() as i32, "wait4");
    Run {
        ms,
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The .docx paragraphs of `blocks`, in the words and order the PDF prints them.
fn paragraphs(blocks: &[Block], font: &str, out: &mut String) {
    let run = |text: &str, half_points: u32, bold: bool| {
        let b = if bold { "<w:b/>" } else { "" };
        format!(
            "<w:r><w:rPr><w:rFonts w:ascii=\"{font}\" w:hAnsi=\"{font}\" w:eastAsia=\"{font}\"/>{b}<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
            xml(text)
        )
    };
    let body = (BODY * 2.0) as u32;
    let para = |jc: &str, keep: bool, runs: String| {
        let k = if keep { "<w:keepNext/>" } else { "" };
        format!(
            "<w:p><w:pPr>{k}<w:spacing w:after=\"80\" w:line=\"384\" w:lineRule=\"auto\"/><w:jc w:val=\"{jc}\"/></w:pPr>{runs}</w:p>"
        )
    };
    for block in blocks {
        match block {
            Block::Title { text, sub } => {
                out.push_str(&para("center", true, run(text, 36, true)));
                if let Some(sub) = sub {
                    out.push_str(&para("center", true, run(sub, 18, false)));
                }
            }
            Block::Heading(text) => out.push_str(&para("left", true, run(text, body + 2, true))),
            Block::Paragraph(text) => {
                for line in text.split('\n') {
                    out.push_str(&para("both", false, run(line, body, false)));
                }
            }
            Block::Note(text) => out.push_str(&para("left", false, run(text, 18, false))),
            Block::Clause { number, title, body: text } => {
                out.push_str(&para("left", true, run(&format!("{number} {title}"), body, true)));
                for line in text.split('\n') {
                    out.push_str(&para("both", false, run(line, body, false)));
                }
            }
            Block::Fields(pairs) => {
                for (label, value) in pairs {
                    out.push_str(&para("left", false, run(&format!("{label}：{value}"), body, false)));
                }
            }
            Block::Table(table) => {
                out.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblBorders>");
                for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
                    let _ = write!(out, "<w:{side} w:val=\"single\" w:sz=\"4\" w:color=\"999999\"/>");
                }
                out.push_str("</w:tblBorders></w:tblPr>");
                for (i, row) in std::iter::once(&table.header).chain(&table.rows).enumerate() {
                    out.push_str("<w:tr>");
                    for cell in row {
                        let _ =
                            write!(out, "<w:tc>{}</w:tc>", para("left", false, run(cell, body - 1, i == 0)));
                    }
                    out.push_str("</w:tr>");
                }
                out.push_str("</w:tbl>");
            }
            Block::Keep(inner) => paragraphs(inner, font, out),
            Block::Columns(columns) => {
                out.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/></w:tblPr><w:tr>");
                for column in columns {
                    out.push_str("<w:tc>");
                    for (label, value) in column {
                        if label == SEAL {
                            // The free square for the seal: empty lines of its height.
                            let lines = (SEAL_MM / (BODY * 1.6 * 25.4 / 72.0)).ceil() as usize;
                            out.push_str(&"<w:p/>".repeat(lines));
                            continue;
                        }
                        let line = if value.is_empty() {
                            format!("{label}________________")
                        } else {
                            format!("{label}{value}")
                        };
                        out.push_str(&para("left", true, run(&line, body, false)));
                    }
                    out.push_str("</w:tc>");
                }
                out.push_str("</w:tr></w:tbl>");
            }
            Block::Space(_) => out.push_str("<w:p/>"),
            Block::Display { text, size } => {
                out.push_str(&para("center", false, run(text, (*size * 2.0) as u32, true)))
            }
            Block::Bars { .. } | Block::Chart(_) | Block::Badge { .. } => {}
        }
    }
}

/// `blocks` as a Word document: A4 with the PDF's margins, the same font.
fn docx(blocks: &[Block], font: &str, path: &Path) {
    let twips = |mm: f32| (mm / 25.4 * 1440.0).round() as u32;
    let mut body = String::new();
    paragraphs(blocks, font, &mut body);
    let (top, right, bottom, left) = MARGIN;
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"{}\" w:h=\"{}\"/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr>\
         </w:body></w:document>",
        twips(PAGE.0),
        twips(PAGE.1),
        twips(top),
        twips(right),
        twips(bottom),
        twips(left)
    );
    let files = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>".to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>".to_string(),
        ),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("docx"));
    for (name, text) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("docx entry");
        zip.write_all(text.as_bytes()).expect("docx entry");
    }
    zip.finish().expect("docx");
}

/// Line-breaking faults in the text of the PDF at `path`: lines starting with closing
/// punctuation, lines ending with opening punctuation, `……` split across lines; and the page
/// count.
fn breaking(path: &Path) -> (usize, usize, usize, usize) {
    let path = path.to_str().expect("a UTF-8 path");
    let text = pdf::tool("pdftotext", &[path, "-"]).expect("pdftotext (poppler-utils)");
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let starts =
        lines.iter().filter(|l| l.chars().next().is_some_and(|c| pdf::NO_LINE_START.contains(c))).count();
    let ends = lines.iter().filter(|l| l.chars().last().is_some_and(|c| NO_LINE_END.contains(c))).count();
    let split = lines
        .windows(2)
        .filter(|w| {
            let tail = w[0].chars().rev().take_while(|c| *c == '…').count();
            let head = w[1].chars().take_while(|c| *c == '…').count();
            tail > 0 && head > 0 && (tail + head) % 2 == 0 && tail % 2 == 1
        })
        .count();
    let info = pdf::tool("pdfinfo", &[path]).expect("pdfinfo");
    let pages =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|p| p.trim().parse().ok()).unwrap_or(0);
    (starts, ends, split, pages)
}

fn summary(runs: &[Run]) -> (f64, f64, f64) {
    let mut ms: Vec<f64> = runs.iter().map(|r| r.ms).collect();
    ms.sort_by(f64::total_cmp);
    let peak = runs.iter().map(|r| r.peak_mib).fold(0.0, f64::max);
    (ms[ms.len() / 2], ms[0], peak)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Some(cli) = std::env::var_os("CHANNELDESK_CLI") else {
        eprintln!(
            "print_process: CHANNELDESK_CLI (the release channeldesk binary) not set; run `cargo xtask bench`"
        );
        return;
    };
    let root = common::target_dir().join("bench-print-process");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("bench folder");
    let data = root.join("data");
    let keychain = Keychain::native().expect("OS keychain (run under `keyctl session -`)");
    let desk = match vault::open(&data, &keychain).await.expect("open") {
        Unlock::Ready(d) => *d,
        Unlock::NeedsRecoveryKey(r) => panic!("{r:?}"),
    };
    users::setup_owner(&desk, "甲", "owner", PASSWORD).await.expect("owner");
    demo::seed(&desk, 40, 3).await.expect("demo data");
    // The signed agreement with the most clause text: the longest document the demo has.
    let number: String = sqlx::query_scalar(
        "SELECT a.number FROM agreement a JOIN agreement_version v ON v.id = a.signed_version_id
          WHERE a.status = 'signed' ORDER BY length(v.clauses) DESC, a.number LIMIT 1",
    )
    .fetch_one(desk.pool())
    .await
    .expect("a signed agreement");
    let id = agreements::id_by_number(&desk, &number).await.expect("agreement");
    let doc = signing::document(&desk, &id, None).await.expect("document");
    desk.close().await;
    let face = channeldesk::documents::fonts::shared().expect("a CJK font");
    let font = if face.source.path.to_string_lossy().contains("Serif") {
        "Noto Serif CJK SC"
    } else {
        "Noto Sans CJK SC"
    };
    let docx_path = root.join(format!("{number}.docx"));
    docx(&doc.blocks(), font, &docx_path);

    let ours_pdf = root.join("channeldesk.pdf");
    let ours_cmd = || {
        let mut c = Command::new(&cli);
        c.args(["print", "--data-dir"]).arg(&data).args(["--user", "owner", "--agreement", &number, "--out"]);
        c.arg(&ours_pdf).env("CHANNELDESK_PASSWORD", PASSWORD);
        c
    };
    let log = root.join("run.log");
    let warm = measure(ours_cmd(), &log);
    assert!(warm.ok, "channeldesk print failed: {}", std::fs::read_to_string(&log).unwrap_or_default());
    let ours: Vec<Run> = (0..CLI_RUNS).map(|_| measure(ours_cmd(), &log)).collect();
    assert!(
        ours.iter().all(|r| r.ok),
        "channeldesk print failed: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    let office_dir = root.join("office");
    let profile = format!("-env:UserInstallation=file://{}", root.join("office-profile").display());
    let office_cmd = || {
        let mut c = Command::new("soffice");
        c.args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&office_dir)
            .arg(&docx_path);
        c
    };
    let have_office = Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success());
    let office: Vec<Run> = if have_office {
        // The first start makes LibreOffice's profile: not counted, as a person's second use.
        let first = measure(office_cmd(), &log);
        assert!(first.ok, "soffice failed: {}", std::fs::read_to_string(&log).unwrap_or_default());
        (0..OFFICE_RUNS).map(|_| measure(office_cmd(), &log)).collect()
    } else {
        Vec::new()
    };
    let office_pdf = office_dir.join(format!("{number}.pdf"));

    let mut out = String::new();
    let _ =
        writeln!(out, "\n## Printing an agreement, whole process (channeldesk print against LibreOffice)\n");
    let _ = writeln!(
        out,
        "Agreement {number} of the demo data; `channeldesk print --out` (release: start, open the encrypted file, sign in, lay out, write, register, log) against `soffice --headless --convert-to pdf` of the same text as .docx (same font, A4, same margins; LibreOffice's profile made beforehand). Each a process of its own; median and best of {CLI_RUNS} / {OFFICE_RUNS} runs; peak memory of the process and what it waited for. Aim: ≥ 30× faster, never worse on Chinese line breaking.\n"
    );
    let _ = writeln!(
        out,
        "| process | pages | wall, median | wall, best | peak memory | lines starting with closing punctuation | lines ending with opening punctuation | …… split |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let (o_med, o_best, o_peak) = summary(&ours);
    let (s, e, split, pages) = breaking(&ours_pdf);
    let _ = writeln!(
        out,
        "| channeldesk print | {pages} | {o_med:.0} ms | {o_best:.0} ms | {o_peak:.0} MiB | {s} | {e} | {split} |"
    );
    if office.is_empty() {
        let _ = writeln!(out, "| LibreOffice | not installed here | | | | | | |");
    } else {
        let (l_med, l_best, l_peak) = summary(&office);
        assert!(office.iter().all(|r| r.ok), "soffice failed");
        let (s, e, split, pages) = breaking(&office_pdf);
        let _ = writeln!(
            out,
            "| LibreOffice {} | {pages} | {l_med:.0} ms | {l_best:.0} ms | {l_peak:.0} MiB | {s} | {e} | {split} |",
            office_version()
        );
        let _ = writeln!(
            out,
            "\nRatio (LibreOffice ÷ channeldesk, medians): **{:.1}×** wall time, {:.1}× peak memory.",
            l_med / o_med,
            l_peak / o_peak
        );
    }
    std::fs::write(common::target_dir().join("channeldesk-bench-print.md"), &out).expect("write figures");
    eprint!("{out}");
}

fn office_version() -> String {
    Command::new("soffice")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_default()
}
