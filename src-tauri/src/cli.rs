//! `channeldesk setup | export | import | backup | verify | --version`: the same program
//! without a window, for administrators who script these tasks and for IT departments that
//! provision laptops. Each command opens the data folder with the key from the OS keychain
//! (`setup` creates both), signs in as `--user` (password from `CHANNELDESK_PASSWORD`) where
//! the task changes or reads business data, calls the same core functions as the window,
//! prints what it did, and exits 0 (done), 1 (refused or failed: the reason is printed) or 2
//! (usage).

use channeldesk::secrets::Keychain;
use channeldesk::share::{self, ApplyChoices, ExportScope, Limits, Progress};
use channeldesk::vault::{self, Unlock};
use channeldesk::{Desk, Error, backup, users};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What `channeldesk help` and a usage error print.
pub const USAGE: &str = "usage:
  channeldesk setup --owner-name NAME --user LOGIN [--language zh-CN|en] [--import FILE [--passphrase-env VAR] [--pair FINGERPRINT]]
  channeldesk export --user LOGIN --out FILE [--partners ID,ID… | --event ID] [--passphrase-env VAR]
  channeldesk import --user LOGIN FILE [--passphrase-env VAR] [--apply] [--merge-similar] [--pair FINGERPRINT]
  channeldesk backup
  channeldesk verify --user LOGIN [FILE]
  channeldesk print --user LOGIN --agreement NUMBER [--version-no N | --recipients NAME,NAME… | --originals] (--out FILE | --printer NAME [--copies N] [--pages 1-3,5] [--sides one_sided|long_edge|short_edge])
options for all: --data-dir DIR (also CHANNELDESK_DATA_DIR; default: the program's data folder)
The password of --user is read from CHANNELDESK_PASSWORD. import without --apply is a dry run.
verify without FILE checks the data file (integrity, audit chain); with FILE, a bundle.
A bundle from a laptop not paired here is refused and its fingerprint printed: compare it with
the one that laptop shows (Data exchange › Export, or its `verify`), then add --pair with it
(an administrator's task).
setup creates the data folder, its key in the keychain and the first administrator (refused
when the folder already has one), and optionally imports a bundle as that administrator.
print makes an agreement's PDF as the window does (a version; with --recipients numbered
copies of the signed version, one per recipient; with --originals the originals for signing of
the approved version, as many as its counterparts clause states; copies and originals are logged
as saved or printed) and saves it to
--out or hands it to one of the computer's printers (as the system's printer settings name it).
channeldesk --version prints the version, build date and the folders the program uses.";

/// Whether `args` (after the program name) ask for a command-line task.
pub fn wants(args: &[String]) -> bool {
    matches!(
        args.first().map(String::as_str),
        Some("setup" | "export" | "import" | "backup" | "verify" | "print" | "--version" | "-V" | "help")
    )
}

#[derive(Default)]
struct Args {
    command: String,
    data_dir: Option<PathBuf>,
    user: Option<String>,
    out: Option<PathBuf>,
    file: Option<PathBuf>,
    partners: Vec<String>,
    event: Option<String>,
    passphrase_env: Option<String>,
    apply: bool,
    merge_similar: bool,
    owner_name: Option<String>,
    language: Option<String>,
    import: Option<PathBuf>,
    pair: Option<String>,
    agreement: Option<String>,
    version: Option<i64>,
    recipients: Vec<String>,
    originals: bool,
    printer: Option<String>,
    copies: Option<u32>,
    pages: Option<String>,
    sides: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args { command: args[0].clone(), ..Default::default() };
    let mut it = args[1..].iter();
    while let Some(x) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match x.as_str() {
            "--data-dir" => a.data_dir = Some(value("--data-dir")?.into()),
            "--user" => a.user = Some(value("--user")?),
            "--out" => a.out = Some(value("--out")?.into()),
            "--partners" => {
                a.partners =
                    value("--partners")?.split(',').filter(|s| !s.is_empty()).map(String::from).collect()
            }
            "--event" => a.event = Some(value("--event")?),
            "--passphrase-env" => a.passphrase_env = Some(value("--passphrase-env")?),
            "--apply" => a.apply = true,
            "--merge-similar" => a.merge_similar = true,
            "--owner-name" => a.owner_name = Some(value("--owner-name")?),
            "--language" => a.language = Some(value("--language")?),
            "--import" => a.import = Some(value("--import")?.into()),
            "--pair" => a.pair = Some(value("--pair")?),
            "--agreement" => a.agreement = Some(value("--agreement")?),
            "--version-no" => {
                a.version = Some(
                    value("--version-no")?.parse().map_err(|_| "--version-no needs a number".to_string())?,
                )
            }
            "--recipients" => {
                a.recipients = value("--recipients")?
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            }
            "--originals" => a.originals = true,
            "--printer" => a.printer = Some(value("--printer")?),
            "--copies" => {
                a.copies =
                    Some(value("--copies")?.parse().map_err(|_| "--copies needs a number".to_string())?)
            }
            "--pages" => a.pages = Some(value("--pages")?),
            "--sides" => a.sides = Some(value("--sides")?),
            s if !s.starts_with('-') && a.file.is_none() => a.file = Some(s.into()),
            other => return Err(format!("unknown option: {other}")),
        }
    }
    Ok(a)
}

/// What `--version` prints: the program, its build, and the folders it uses on this computer.
pub fn version_text() -> String {
    let dir = crate::paths::data_dir(None);
    let data = dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default();
    let logs = dir.as_ref().map(|d| crate::paths::log_dir(d).display().to_string()).unwrap_or_default();
    format!(
        "ChannelDesk 渠道商务台 {} (built {}, {} {})\ndata folder: {data}\nlog folder: {logs}",
        env!("CARGO_PKG_VERSION"),
        crate::BUILD_DATE,
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

/// Runs a command-line task; the process exit code.
pub fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("--version" | "-V") => {
            println!("{}", version_text());
            return 0;
        }
        Some("help") => {
            println!("{USAGE}");
            return 0;
        }
        _ => {}
    }
    let a = match parse(args) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}\n\n{USAGE}");
            return 2;
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("channeldesk: {e}");
            return 1;
        }
    };
    match rt.block_on(run(a)) {
        Ok(()) => 0,
        Err(Failure::Usage(msg)) => {
            eprintln!("{msg}\n\n{USAGE}");
            2
        }
        Err(Failure::Refused(e)) => {
            eprintln!("channeldesk: {}", describe(&e));
            1
        }
    }
}

enum Failure {
    Usage(String),
    Refused(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Refused(e)
    }
}

/// One line a person can act on.
fn describe(e: &Error) -> String {
    match e {
        Error::Import { reason, detail } => format!("the file cannot be imported ({reason}): {detail}"),
        Error::Validation(f) => {
            let list: Vec<String> = f.iter().map(|f| format!("{} {}", f.field, f.rule)).collect();
            format!("refused: {}", list.join(", "))
        }
        other => format!("{} ({})", other, other.code()),
    }
}

fn data_dir(a: &Args) -> Result<PathBuf, Failure> {
    crate::paths::data_dir(a.data_dir.clone())
        .ok_or_else(|| Failure::Usage("no data folder: give --data-dir".into()))
}

async fn open(a: &Args) -> Result<Desk, Failure> {
    let dir = data_dir(a)?;
    if !dir.join(channeldesk::db::DB_FILE).exists() {
        return Err(Failure::Usage(format!("{} holds no ChannelDesk data", dir.display())));
    }
    let keychain = Keychain::native()?;
    match vault::open(&dir, &keychain).await? {
        Unlock::Ready(d) => Ok(*d),
        Unlock::NeedsRecoveryKey(_) => Err(Failure::Refused(Error::KeyRejected)),
    }
}

async fn sign_in(desk: &Desk, a: &Args) -> Result<(), Failure> {
    let login = a.user.as_deref().ok_or_else(|| Failure::Usage("--user is needed".into()))?;
    let password = std::env::var("CHANNELDESK_PASSWORD")
        .map_err(|_| Failure::Usage("set CHANNELDESK_PASSWORD to the password of --user".into()))?;
    users::sign_in(desk, login, &password).await?;
    Ok(())
}

fn passphrase(a: &Args) -> Result<Option<String>, Failure> {
    match &a.passphrase_env {
        None => Ok(None),
        Some(var) => std::env::var(var).map(Some).map_err(|_| Failure::Usage(format!("{var} is not set"))),
    }
}

/// Progress on standard output, one line per step, flushed (scripts and tests follow it).
fn printed() -> Progress {
    Progress::new(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)), |phase, done, total| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "progress {phase} {done}/{total}");
        let _ = out.flush();
    })
}

async fn run(a: Args) -> Result<(), Failure> {
    if a.command == "setup" {
        return setup(&a).await;
    }
    let desk = open(&a).await?;
    let result = task(&desk, &a).await;
    desk.close().await;
    result
}

/// Provisions a laptop without the window: data folder, key, first administrator, and
/// optionally a bundle imported as that administrator (all or nothing, like the window's).
async fn setup(a: &Args) -> Result<(), Failure> {
    let owner = a.owner_name.as_deref().ok_or_else(|| Failure::Usage("--owner-name is needed".into()))?;
    let login = a.user.as_deref().ok_or_else(|| Failure::Usage("--user is needed".into()))?;
    let password = std::env::var("CHANNELDESK_PASSWORD")
        .map_err(|_| Failure::Usage("set CHANNELDESK_PASSWORD to the new administrator's password".into()))?;
    let dir = data_dir(a)?;
    let keychain = Keychain::native()?;
    let desk = match vault::open(&dir, &keychain).await? {
        Unlock::Ready(d) => *d,
        Unlock::NeedsRecoveryKey(_) => return Err(Failure::Refused(Error::KeyRejected)),
    };
    let result = async {
        users::setup_owner(&desk, owner, login, &password).await?;
        if let Some(lang) = &a.language {
            channeldesk::settings::set_language(&desk, lang).await?;
        }
        println!("data folder {} ready; administrator {login} created", dir.display());
        if let Some(file) = &a.import {
            let incoming = open_bundle(a, file)?;
            let preview = paired_preview(&desk, a, &incoming).await?;
            let out = share::apply(
                &desk,
                &incoming,
                &ApplyChoices { token: preview.token, merge: vec![] },
                &printed(),
            )
            .await?;
            let records: u64 = incoming.manifest.counts.values().sum();
            println!(
                "imported {records} records from {} ({} conflicts queued)",
                file.display(),
                out.conflicts
            );
        }
        Ok(())
    }
    .await;
    desk.close().await;
    result
}

async fn task(desk: &Desk, a: &Args) -> Result<(), Failure> {
    match a.command.as_str() {
        "export" => {
            sign_in(desk, a).await?;
            let out = a.out.clone().ok_or_else(|| Failure::Usage("--out FILE is needed".into()))?;
            let scope = match (&a.event, a.partners.is_empty()) {
                (Some(id), true) => ExportScope::Event { id: id.clone() },
                (None, false) => ExportScope::Partners { ids: a.partners.clone() },
                (None, true) => ExportScope::All,
                (Some(_), false) => return Err(Failure::Usage("--partners or --event, not both".into())),
            };
            let pass = passphrase(a)?;
            let ex = share::export(desk, &scope, pass.as_deref(), &printed()).await?;
            write_file(&out, &ex.bytes)?;
            let records: u64 = ex.manifest.counts.values().sum();
            println!("exported {records} records to {} ({} bytes)", out.display(), ex.bytes.len());
        }
        "import" => {
            sign_in(desk, a).await?;
            let file = a.file.clone().ok_or_else(|| Failure::Usage("the bundle FILE is needed".into()))?;
            let incoming = open_bundle(a, &file)?;
            let preview = paired_preview(desk, a, &incoming).await?;
            println!(
                "bundle from {} ({}) exported {}",
                preview.manifest.device_code, preview.manifest.user_name, preview.manifest.exported_at
            );
            println!(
                "{:<22} {:>8} {:>8} {:>10} {:>8} {:>10}",
                "records", "new", "updated", "unchanged", "deleted", "conflicts"
            );
            for k in &preview.kinds {
                println!(
                    "{:<22} {:>8} {:>8} {:>10} {:>8} {:>10}",
                    k.table, k.new, k.updated, k.unchanged, k.deleted, k.conflicts
                );
            }
            for d in &preview.duplicates {
                println!("same company? {} ↔ {} ({})", d.incoming_name, d.local_name, d.reason);
            }
            if !a.apply {
                println!("dry run: nothing written (add --apply to import)");
                return Ok(());
            }
            let merge = if a.merge_similar {
                preview
                    .duplicates
                    .iter()
                    .filter(|d| d.reason == "name")
                    .map(|d| d.incoming_id.clone())
                    .collect()
            } else {
                vec![]
            };
            let out =
                share::apply(desk, &incoming, &ApplyChoices { token: preview.token, merge }, &printed())
                    .await?;
            println!("imported: {} merged duplicates, {} conflicts queued", out.merged, out.conflicts);
        }
        "backup" => {
            // Made as the program itself: no sign-in, like the backups on exit.
            let b = backup::backup(desk, "manual").await?;
            println!(
                "backup {} ({} bytes)",
                desk.data_dir().join(backup::DIR).join(&b.name).display(),
                b.size
            );
        }
        "verify" => {
            sign_in(desk, a).await?;
            match &a.file {
                Some(file) => {
                    let incoming = open_bundle(a, file)?;
                    let records: u64 = incoming.manifest.counts.values().sum();
                    println!(
                        "bundle ok: format {}, {} records from {}, every entry matches its SHA-256",
                        incoming.manifest.format, records, incoming.manifest.device_code
                    );
                }
                None => {
                    let report = backup::check(desk).await?;
                    let chain = channeldesk::audit::verify(desk).await?;
                    println!(
                        "integrity: {}",
                        if report.ok { "ok".to_string() } else { report.detail.join("; ") }
                    );
                    println!(
                        "audit chain: {} entries, {}",
                        chain.entries,
                        match &chain.broken_at {
                            None => "intact".to_string(),
                            Some(b) => format!("BROKEN at entry {}: {}", b.seq, b.reason),
                        }
                    );
                    println!(
                        "signatures: {} entries signed by {} computers hold; {} from before signing",
                        chain.signed, chain.devices, chain.unsigned_before
                    );
                    println!("this laptop's fingerprint: {}", share::trust::identity(desk).fingerprint);
                    match chain.kept_head {
                        Some(seq) => println!("kept head: entry {seq}, signed by this computer"),
                        None => println!("kept head: none yet"),
                    }
                    for a in &chain.alarms {
                        println!("found at open {}: {}", a.at, a.problem);
                    }
                    if !report.ok || !chain.intact {
                        return Err(Failure::Refused(Error::Storage("verification failed".into())));
                    }
                }
            }
        }
        "print" => {
            sign_in(desk, a).await?;
            print(desk, a).await?;
        }
        other => return Err(Failure::Usage(format!("unknown command: {other}"))),
    }
    Ok(())
}

/// `print`: an agreement version or numbered copies, saved to `--out` or printed (issue 24).
async fn print(desk: &Desk, a: &Args) -> Result<(), Failure> {
    use channeldesk::agreements::{self, signing};
    use channeldesk::documents::printers::{self, PrintOptions};
    let number =
        a.agreement.as_deref().ok_or_else(|| Failure::Usage("--agreement NUMBER is needed".into()))?;
    if a.out.is_some() == a.printer.is_some() {
        return Err(Failure::Usage("--out FILE or --printer NAME (one of them)".into()));
    }
    if [!a.recipients.is_empty(), a.version.is_some(), a.originals].iter().filter(|x| **x).count() > 1 {
        return Err(Failure::Usage("one of --version-no, --recipients and --originals".into()));
    }
    let id = agreements::id_by_number(desk, number).await?;
    let (printed, copies) = if a.originals {
        let (p, c) = signing::prepare_originals(desk, &id).await?;
        (p, Some(c))
    } else if a.recipients.is_empty() {
        (signing::print(desk, &id, a.version).await?, None)
    } else {
        let (p, c) = signing::prepare_copies(desk, &id, &a.recipients).await?;
        (p, Some(c))
    };
    let pages = channeldesk::documents::preview::pages(&printed.bytes)?.len();
    let handed = match (&a.out, &a.printer) {
        (Some(out), _) => {
            write_file(out, &printed.bytes)?;
            println!(
                "saved {} ({pages} pages, {} bytes) to {}",
                printed.file_name,
                printed.bytes.len(),
                out.display()
            );
            signing::Handed::Saved
        }
        (None, Some(name)) => {
            let options = PrintOptions {
                printer: name.clone(),
                copies: a.copies.unwrap_or(1),
                sides: a.sides.clone().unwrap_or_default(),
                pages: a.pages.clone().unwrap_or_default(),
            };
            if let Some(c) = &copies {
                signing::check_copies(desk, c).await?;
            }
            let job = printers::print(desk, &printed, &options).await?;
            println!("sent {} ({pages} pages) to {} as job {}", printed.file_name, job.printer, job.id);
            signing::Handed::Printed(job)
        }
        (None, None) => unreachable!("checked above"),
    };
    if let Some(c) = copies {
        signing::log_copies(desk, &c, &handed).await?;
        if a.originals {
            println!("logged the originals for signing");
        } else {
            println!("logged copies for {}", a.recipients.join(", "));
        }
    }
    Ok(())
}

/// The preview of `incoming`; a laptop not paired here is paired first when `--pair` gives
/// its fingerprint, otherwise refused with the fingerprint printed for comparison.
async fn paired_preview(
    desk: &Desk,
    a: &Args,
    incoming: &share::Incoming,
) -> Result<share::Preview, Failure> {
    let preview = share::preview(desk, incoming, &printed()).await?;
    let Some(p) = &preview.pairing else { return Ok(preview) };
    println!(
        "laptop {} ({}) is not paired with this one; its fingerprint: {}",
        p.device_code, p.user_name, p.fingerprint
    );
    let Some(typed) = &a.pair else {
        println!("compare it with the fingerprint that laptop shows, then run again with --pair FINGERPRINT");
        return Err(Failure::Refused(Error::import("unpaired", p.device_code.clone())));
    };
    let input = share::trust::PairInput {
        device_id: p.device_id.clone(),
        device_code: p.device_code.clone(),
        public_key: p.public_key.clone(),
        fingerprint: typed.clone(),
    };
    share::trust::pair(desk, &input).await?;
    println!("paired with laptop {}", p.device_code);
    Ok(share::preview(desk, incoming, &printed()).await?)
}

/// Reads and checks a bundle file (with `--passphrase-env` when it is sealed).
fn open_bundle(a: &Args, file: &Path) -> Result<share::Incoming, Failure> {
    let bytes = read_file(file)?;
    let pass = passphrase(a)?;
    Ok(share::open(&bytes, pass.as_deref(), &Limits::default())?)
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    let len = std::fs::metadata(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?.len();
    if len > Limits::default().max_file {
        return Err(Failure::Refused(Error::import("too_large", path.display().to_string())));
    }
    std::fs::read(path).map_err(|e| Failure::Refused(Error::from(e)))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    channeldesk::files::write_atomic(path, bytes).map_err(|e| Failure::Refused(Error::from(e)))
}
