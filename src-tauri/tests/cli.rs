//! The command-line tasks of the real `channeldesk` binary on real data folders (keys in the
//! OS keychain): export, dry-run and applied import, verify, a bad file refused, and an import
//! whose process is killed in the middle leaving the data exactly as it was (issue 7).

use channeldesk::partners;
use channeldesk::secrets::Keychain;
use channeldesk::vault::{self, Unlock};
use channeldesk::{Desk, demo, users};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_channeldesk");
const PASSWORD: &str = "cli-password-1";

async fn open(dir: &Path) -> Desk {
    let keychain = Keychain::native().expect("OS keychain (run under `keyctl session -`)");
    match vault::open(dir, &keychain).await.expect("open") {
        Unlock::Ready(d) => *d,
        Unlock::NeedsRecoveryKey(r) => panic!("{r:?}"),
    }
}

/// Every partner row (id, clock, deleted) and the audit count: what "unchanged" means here.
async fn snapshot(dir: &Path) -> (String, i64) {
    let desk = open(dir).await;
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT id || hlc || coalesce(deleted_at, '') FROM partner ORDER BY id")
            .fetch_all(desk.pool())
            .await
            .unwrap();
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE operation NOT LIKE 'sign%'")
        .fetch_one(desk.pool())
        .await
        .unwrap();
    assert!(channeldesk::backup::check(&desk).await.unwrap().ok, "integrity");
    desk.close().await;
    (rows.join("\n"), audit)
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("CHANNELDESK_PASSWORD", PASSWORD).output().expect("run channeldesk")
}

#[tokio::test(flavor = "multi_thread")]
async fn command_line_tasks_and_a_killed_import_that_leaves_nothing_behind() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    {
        let desk = open(&a).await;
        users::setup_owner(&desk, "甲", "owner-a", PASSWORD).await.unwrap();
        let inputs = demo::generate(1_500, 11);
        for chunk in inputs.chunks(500) {
            partners::create_many(&desk, chunk).await.unwrap();
        }
        desk.close().await;
        let desk = open(&b).await;
        users::setup_owner(&desk, "乙", "owner-b", PASSWORD).await.unwrap();
        partners::create(
            &desk,
            &partners::PartnerInput {
                name: "乙方本地公司".into(),
                source_kind: "online".into(),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
        desk.close().await;
    }
    let bundle = root.path().join("a.cdbundle");
    let (da, db) = (a.to_str().unwrap(), b.to_str().unwrap());

    let out = cli(&["export", "--data-dir", da, "--user", "owner-a", "--out", bundle.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("exported"));
    assert!(cli(&["export", "--data-dir", da, "--out", "x"]).status.code() == Some(2), "--user is needed");
    let wrong = Command::new(BIN)
        .args(["export", "--data-dir", da, "--user", "owner-a", "--out", "x"])
        .env("CHANNELDESK_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));

    // Laptop B was never paired with A: refused, A's fingerprint printed, nothing written.
    let untouched = snapshot(&b).await;
    let unpaired = cli(&["import", "--data-dir", db, "--user", "owner-b", bundle.to_str().unwrap()]);
    assert_eq!(unpaired.status.code(), Some(1));
    let text = String::from_utf8_lossy(&unpaired.stdout).to_string();
    let verify_a = cli(&["verify", "--data-dir", da, "--user", "owner-a"]);
    let shown_on_a = String::from_utf8_lossy(&verify_a.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("this laptop's fingerprint: ").map(str::to_string))
        .expect("verify prints the fingerprint");
    assert!(text.contains(&shown_on_a), "{text}");
    let wrong = cli(&[
        "import",
        "--data-dir",
        db,
        "--user",
        "owner-b",
        "--pair",
        "AAAAA-AAAAA-AAAAA-AAAAA",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(snapshot(&b).await, untouched);
    // Compared and paired by B's administrator; the dry run follows.
    let dry = cli(&[
        "import",
        "--data-dir",
        db,
        "--user",
        "owner-b",
        "--pair",
        &shown_on_a,
        bundle.to_str().unwrap(),
    ]);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(String::from_utf8_lossy(&dry.stdout).contains("paired with laptop"));
    let before = snapshot(&b).await;
    let dry = cli(&["import", "--data-dir", db, "--user", "owner-b", bundle.to_str().unwrap()]);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(text.contains("dry run"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("partner ") && l.contains("1500")), "{text}");
    assert_eq!(snapshot(&b).await, before);

    // A bad file: refused with the reason, nothing written.
    let cut = root.path().join("cut.cdbundle");
    let bytes = std::fs::read(&bundle).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let bad = cli(&["import", "--data-dir", db, "--user", "owner-b", "--apply", cut.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("truncated"));
    assert_eq!(snapshot(&b).await, before);

    // Killed while writing: the transaction never commits.
    let mut child = Command::new(BIN)
        .args(["import", "--data-dir", db, "--user", "owner-b", "--apply", bundle.to_str().unwrap()])
        .env("CHANNELDESK_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let writing = line
            .strip_prefix("progress apply ")
            .and_then(|r| r.split('/').next())
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 8);
        seen.push(line);
        if writing {
            child.kill().unwrap();
            break;
        }
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import was killed, not finished: {seen:?}");
    assert_eq!(snapshot(&b).await, before);

    let full = cli(&["import", "--data-dir", db, "--user", "owner-b", "--apply", bundle.to_str().unwrap()]);
    assert!(full.status.success(), "{}", String::from_utf8_lossy(&full.stderr));
    let desk = open(&b).await;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM partner WHERE deleted_at IS NULL")
        .fetch_one(desk.pool())
        .await
        .unwrap();
    assert_eq!(n, 1_501);
    desk.close().await;

    let verify = cli(&["verify", "--data-dir", db, "--user", "owner-b"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("intact"));
    let verify = cli(&["verify", "--data-dir", db, "--user", "owner-b", bundle.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&verify.stdout).contains("bundle ok"));
    let backup = cli(&["backup", "--data-dir", db]);
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert_eq!(std::fs::read_dir(b.join("backups")).unwrap().count(), 1);
}

/// The document tests' checks; here for reading printed pages in grey.
#[allow(dead_code)]
#[path = "../../tests/common/pdf.rs"]
mod pdf;
mod printer;

/// A data folder at `dir` with the owner (`owner`) and demo data; the number of its first
/// signed agreement.
async fn demo_with_a_signed_agreement(dir: &Path) -> String {
    let desk = open(dir).await;
    users::setup_owner(&desk, "甲", "owner", PASSWORD).await.unwrap();
    demo::seed(&desk, 40, 3).await.unwrap();
    let n =
        sqlx::query_scalar("SELECT number FROM agreement WHERE status = 'signed' ORDER BY number LIMIT 1")
            .fetch_one(desk.pool())
            .await
            .unwrap();
    desk.close().await;
    n
}

/// Issue 24: `channeldesk print` makes an agreement's PDF without a window: saved to a file,
/// or numbered copies handed to a real print queue (a private CUPS with cups-pdf), each logged
/// with where it went; usage mistakes exit 2, an unknown agreement 1.
#[tokio::test(flavor = "multi_thread")]
async fn an_agreement_is_printed_from_the_command_line() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let number = demo_with_a_signed_agreement(&dir).await;
    let d = dir.to_str().unwrap();
    let out = root.path().join("copies.pdf");
    let o = out.to_str().unwrap();
    let done = cli(&[
        "print",
        "--data-dir",
        d,
        "--user",
        "owner",
        "--agreement",
        &number,
        "--recipients",
        "业务部,乙方",
        "--out",
        o,
    ]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(String::from_utf8_lossy(&done.stdout).contains("logged copies"));
    let text = Command::new("pdftotext").arg(&out).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).replace(' ', "");
    assert!(text.contains("副本COPY1/2") && text.contains("副本COPY2/2") && text.contains(&number), "{text}");

    assert_eq!(
        cli(&["print", "--data-dir", d, "--user", "owner", "--agreement", &number]).status.code(),
        Some(2)
    );
    // Originals are for signing an approved agreement: not with copies, not once signed.
    let both = ["--originals", "--recipients", "乙方", "--out", o];
    let base = ["print", "--data-dir", d, "--user", "owner", "--agreement", number.as_str()];
    assert_eq!(cli(&[&base[..], &both[..]].concat()).status.code(), Some(2));
    let signed = cli(&[&base[..], &["--originals", "--out", o][..]].concat());
    assert_eq!(signed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&signed.stderr).contains("not_approved"),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let unknown =
        cli(&["print", "--data-dir", d, "--user", "owner", "--agreement", "AG-0000-XX-0000", "--out", o]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("not_found"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );

    if let Some(printer) = printer::TestPrinter::start() {
        let (key, server) = printer.env();
        let sent = Command::new(BIN)
            .args([
                "print",
                "--data-dir",
                d,
                "--user",
                "owner",
                "--agreement",
                &number,
                "--recipients",
                "财务部",
            ])
            .args(["--printer", printer::NAME, "--pages", "1"])
            .env("CHANNELDESK_PASSWORD", PASSWORD)
            .env(key, server)
            .output()
            .unwrap();
        assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
        assert!(String::from_utf8_lossy(&sent.stdout).contains("as job"));
        let pdf = printer.printed(&format!("{number}-copies-3-3"));
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        assert!(
            String::from_utf8_lossy(&info.stdout)
                .lines()
                .any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
            "only page 1"
        );
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        assert!(String::from_utf8_lossy(&text.stdout).replace(' ', "").contains("副本COPY3/3"));
    }
    let desk = open(&dir).await;
    let log: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT c.copy_no, c.disposition, c.printer FROM agreement_copy c JOIN agreement a ON a.id = c.agreement_id
         WHERE a.number = ? ORDER BY c.copy_no",
    )
    .bind(&number)
    .fetch_all(desk.pool())
    .await
    .unwrap();
    desk.close().await;
    assert_eq!(log[..2], [(1, "saved".to_string(), String::new()), (2, "saved".to_string(), String::new())]);
    if log.len() > 2 {
        assert_eq!(log[2], (3, "printed".to_string(), printer::NAME.to_string()));
    }
}

/// Runs wine in the prefix `cargo xtask test` prepared, and ends that prefix's wine server
/// (and every program of it) when dropped, also when the test fails.
struct Wine {
    prefix: String,
}

impl Wine {
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new("wine");
        c.arg(program).env("WINEPREFIX", &self.prefix).env("WINEDEBUG", "-all");
        c
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        let _ = Command::new("wineserver").arg("-k").env("WINEPREFIX", &self.prefix).status();
    }
}

/// Issue 24 (R3.1.3): the Windows print path. The Windows build of `examples/print_file.rs`
/// (the core's printers module: the spooler's printer list, the options checked, the pages
/// drawn through GDI), run under wine, finds the private CUPS printer through wine's spooler
/// and prints page 2 of a numbered copy that `channeldesk print --out` made; the printer's
/// file has one A4 page that looks like page 2 and not like page 1. An unknown printer is
/// refused by field before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_copy_prints_through_the_windows_spooler_under_wine() {
    let required = std::env::var("CHANNELDESK_E2E").as_deref() == Ok("required");
    let (Ok(exe), Ok(prefix)) =
        (std::env::var("CHANNELDESK_WINDOWS_PRINT_FILE"), std::env::var("CHANNELDESK_WINEPREFIX"))
    else {
        assert!(!required, "cargo xtask test builds the Windows print check and its wine prefix");
        eprintln!("skipping: CHANNELDESK_WINDOWS_PRINT_FILE / CHANNELDESK_WINEPREFIX not set");
        return;
    };
    let Some(printer) = printer::TestPrinter::start() else { return };
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let number = demo_with_a_signed_agreement(&dir).await;
    let copy = root.path().join("wine-copy.pdf");
    let made = cli(&[
        "print",
        "--data-dir",
        dir.to_str().unwrap(),
        "--user",
        "owner",
        "--agreement",
        &number,
        "--recipients",
        "业务部",
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    let wine = Wine { prefix };
    let (key, server) = printer.env();
    let run = |args: &[&str]| {
        let out = wine.command(&exe).args(args).env(key, &server).output().expect("wine");
        let said =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code(), said)
    };
    let copy_arg = copy.to_str().unwrap();
    let (code, said) = run(&[copy_arg, "Nowhere", "2"]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("printer") && said.contains("unknown"), "{said}");
    assert!(
        said.contains(&format!("printer {} ready", printer::NAME)),
        "the spooler lists the CUPS printer: {said}"
    );

    let (code, said) = run(&[copy_arg, printer::NAME, "2"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.lines().any(|l| l.starts_with("job ") && l.ends_with(&format!("on {}", printer::NAME))),
        "{said}"
    );
    let printed = printer.printed("wine-copy");
    if let Some(keep) = std::env::var_os("CHANNELDESK_KEEP_DOCS") {
        let _ = std::fs::copy(&printed, Path::new(&keep).join("printed-under-wine.pdf"));
        let _ = std::fs::copy(&copy, Path::new(&keep).join("printed-under-wine-source.pdf"));
    }
    let info = Command::new("pdfinfo").arg(&printed).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "one page: {info}");
    assert!(info.contains("595") && info.contains("841") || info.contains("(A4)"), "A4 paper: {info}");
    let grey = |pdf: &Path, page| pdf::grey_page(pdf, page, 36).expect("poppler");
    let out = grey(&printed, 1);
    let (ours_2, ours_1) = (grey(&copy, 2), grey(&copy, 1));
    let (same, other) = (pdf::block_difference(&out, &ours_2), pdf::block_difference(&out, &ours_1));
    // The printed page is a 300 dpi picture of ours, rasterised again by the PostScript path
    // (measured: 5.0 from page 2, 13.6 from page 1).
    assert!(
        same < 7.0 && other > 2.0 * same,
        "page 2 printed: {same:.2} from page 2, {other:.2} from page 1"
    );
}
