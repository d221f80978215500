//! `cargo xtask <command>`: the project's commands, with the set-up they need.
//!
//! - `run [--demo [N]] [--release]`: build and open ChannelDesk on the per-user data folder.
//! - `test`: every check: fmt, clippy, core + shell + end-to-end tests, UI type check.
//! - `bench [--report-only | --print]`: criterion benchmarks on generated data; writes
//!   `docs/benchmarks.md` (with `--report-only`, from the last run's figures; with `--print`,
//!   only the whole-process printing comparison and its section, `--print --report-only` from
//!   its last figures).
//! - `screenshots`: the end-to-end run, writing its screenshots into `docs/screenshots/`.
//! - `soak [--minutes N]`: drives the window over every area for N minutes (default 60),
//!   recording memory each minute; writes the soak section of `docs/benchmarks.md` and
//!   `docs/soak-memory.svg`. `test` runs 3 minutes of it.
//! - `setup`: only install what the others need (Linux packages, tauri-driver, TypeScript).
//! - `dist [--windows] [--linux] [--check]`: the installers into `dist/` (see `dist.rs`).
//!
//! On Linux the set-up installs missing Debian packages with apt-get (printing the command)
//! and tools into `~/.cache/channeldesk/tools`; nothing is installed into the clone.

mod dist;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

const DEBIAN_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "fonts-noto-cjk",
    "poppler-utils",
    "qpdf",
    "keyutils",
    // A real print queue for the tests that print (issue 24): a private CUPS scheduler with a
    // cups-pdf printer, started and ended by the tests themselves.
    "cups-daemon",
    "cups-client",
    "printer-driver-cups-pdf",
];
const TAURI_DRIVER_VERSION: &str = "2.1.0";
const TYPESCRIPT_VERSION: &str = "5.9.3";
/// axe-core, the accessibility checker the end-to-end tests run over every page they visit.
const AXE_VERSION: &str = "4.14.1";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("bench") if args.iter().any(|a| a == "--print") => {
            print_bench_section(!args.iter().any(|a| a == "--report-only"))
        }
        Some("bench") => bench(args.iter().any(|a| a == "--report-only")),
        Some("screenshots") => screenshots(),
        Some("soak") => soak(&args[1..]),
        Some("setup") => setup(true).map(|_| ()),
        Some("dist") => dist::dist(&args[1..]),
        _ => Err(
            "usage: cargo xtask run [--demo [N]] [--release] | test | bench [--report-only | --print] | screenshots | soak [--minutes N] | setup | dist [--windows] [--linux] [--check]"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, found from the current folder at run time (a build cache shared by
/// several clones may hand one clone's xtask binary to another).
pub(crate) fn root() -> PathBuf {
    let start = env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    for dir in start.ancestors() {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        if manifest.contains("[workspace]") && manifest.contains("src-tauri") {
            return dir.to_path_buf();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn cache_dir() -> PathBuf {
    let home = env::var_os("HOME").or_else(|| env::var_os("USERPROFILE")).unwrap_or_else(|| ".".into());
    PathBuf::from(home).join(".cache").join("channeldesk")
}

pub(crate) fn cargo() -> Command {
    let mut c = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Cargo run inside a new session keyring (Linux, when `keyctl` is there). The program keeps
/// its database key in the kernel keyring (keyutils); a login session usually has a usable
/// session keyring, but sandboxes and CI runners often do not. Keys are linked to the user's
/// persistent keyring, so a key stored in one run is found by the next.
pub(crate) fn cargo_with_keyring() -> Command {
    let cargo_bin = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut c = if cfg!(target_os = "linux") && have("keyctl", "--version") {
        let mut c = Command::new("keyctl");
        c.args(["session", "-"]);
        c
    } else if cfg!(unix) {
        Command::new("env")
    } else {
        return cargo();
    };
    // No core dump of a crashing test process lands in the work tree (core files hold test
    // keys in plain text, and the kernel writes them to the process's folder): the limit is 0
    // for cargo and everything it starts.
    c.args(["sh", "-c", "ulimit -c 0 && exec \"$0\" \"$@\""]).arg(cargo_bin);
    c.current_dir(root());
    c
}

pub(crate) fn status(mut cmd: Command, what: &str) -> Result {
    eprintln!("xtask: {what}");
    let st = cmd.status().map_err(|e| format!("{what}: {e}"))?;
    if st.success() { Ok(()) } else { Err(format!("{what} failed ({st})")) }
}

pub(crate) fn have(cmd: &str, arg: &str) -> bool {
    Command::new(cmd).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// What the set-up found or installed.
pub(crate) struct Tools {
    tauri_driver: Option<PathBuf>,
    tsc: Option<PathBuf>,
    axe: Option<PathBuf>,
}

/// Installs what is missing. `full` also installs the test tools.
pub(crate) fn setup(full: bool) -> Result<Tools> {
    if cfg!(target_os = "linux") {
        install_debian_packages(full)?;
    }
    if !full {
        return Ok(Tools { tauri_driver: None, tsc: None, axe: None });
    }
    if !have("cargo-nextest", "--version") && !have("cargo", "nextest") {
        let mut c = cargo();
        c.args(["install", "cargo-nextest", "--locked"]);
        status(c, "installing cargo-nextest")?;
    }
    let tools = cache_dir().join("tools");
    let mut tauri_driver = None;
    if cfg!(any(target_os = "linux", target_os = "windows")) {
        let exe = tools.join("bin").join(if cfg!(windows) { "tauri-driver.exe" } else { "tauri-driver" });
        if !exe.is_file() {
            let mut c = cargo();
            c.args(["install", "tauri-driver", "--locked", "--version", TAURI_DRIVER_VERSION, "--root"])
                .arg(&tools);
            status(c, &format!("installing tauri-driver {TAURI_DRIVER_VERSION} into {}", tools.display()))?;
        }
        tauri_driver = Some(exe);
    }
    let node = cache_dir().join("node");
    let tsc = node.join("node_modules").join(".bin").join(if cfg!(windows) { "tsc.cmd" } else { "tsc" });
    // Test tools from npm, kept out of the repository and of the program.
    for (package, version) in [("typescript", TYPESCRIPT_VERSION), ("axe-core", AXE_VERSION)] {
        let installed = std::fs::read_to_string(node.join(format!("node_modules/{package}/package.json")))
            .is_ok_and(|s| s.contains(&format!("\"version\": \"{version}\"")));
        if !installed {
            std::fs::create_dir_all(&node).map_err(|e| e.to_string())?;
            let mut c = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
            c.args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&node)
                .arg(format!("{package}@{version}"));
            status(c, &format!("installing {package} {version} into {}", node.display()))?;
        }
    }
    let axe = node.join("node_modules/axe-core/axe.min.js");
    Ok(Tools { tauri_driver, tsc: Some(tsc), axe: Some(axe) })
}

fn install_debian_packages(full: bool) -> Result {
    let wanted: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            full || !matches!(
                *p,
                "webkit2gtk-driver"
                    | "poppler-utils"
                    | "qpdf"
                    | "xvfb"
                    | "xauth"
                    | "cups-daemon"
                    | "cups-client"
                    | "printer-driver-cups-pdf"
            )
        })
        .collect();
    install_packages(&wanted)
}

/// Installs the Debian packages of `wanted` that are missing (printing the apt-get command).
pub(crate) fn install_packages(wanted: &[&str]) -> Result {
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|p| {
            let out = Command::new("dpkg-query").args(["-W", "-f=${Status}", p]).output();
            !out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !have("apt-get", "--version") {
        return Err(format!(
            "missing system packages (install them with your package manager): {}",
            missing.join(" ")
        ));
    }
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut c = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    status(apt(&["update", "-qq"]), "apt-get update")?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend(&missing);
    status(apt(&args), &format!("apt-get install {}", missing.join(" ")))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run(args: &[String]) -> Result {
    setup(false)?;
    let release = args.iter().any(|a| a == "--release");
    let app_args: Vec<&String> = args.iter().filter(|a| *a != "--release").collect();
    let mut c = cargo_with_keyring();
    c.args(["run", "-p", "channeldesk-app", "--bin", "channeldesk"]);
    if release {
        c.arg("--release");
    }
    c.arg("--").args(app_args);
    status(c, "building and starting ChannelDesk")
}

/// A virtual display for the window tests when there is none (Linux without a desktop).
pub(crate) struct Display(Option<Child>);

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub(crate) fn virtual_display() -> Result<(Display, Option<String>)> {
    if !cfg!(target_os = "linux") || env::var_os("DISPLAY").is_some() {
        return Ok((Display(None), None));
    }
    for n in 90..130 {
        let lock = format!("/tmp/.X{n}-lock");
        let socket = format!("/tmp/.X11-unix/X{n}");
        if Path::new(&lock).exists() {
            // A lock left by an X server that is gone (killed with its session) is stale.
            let pid = std::fs::read_to_string(&lock).unwrap_or_default();
            let alive = pid.trim().parse::<u32>().is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists());
            if alive || std::fs::remove_file(&lock).is_err() {
                continue;
            }
            let _ = std::fs::remove_file(&socket);
        }
        if Path::new(&socket).exists() {
            continue;
        }
        let child = Command::new("Xvfb")
            .args([
                format!(":{n}"),
                "-screen".into(),
                "0".into(),
                // A desktop screen: the E2E tests size the window to a laptop's themselves.
                "1920x1080x24".into(),
                "-nolisten".into(),
                "tcp".into(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting Xvfb: {e}"))?;
        for _ in 0..50 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return Ok((Display(Some(child)), Some(format!(":{n}"))));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        return Err("Xvfb did not start".into());
    }
    Err("no free X display number".into())
}

/// Environment for test runs: the tools on PATH, a display, end-to-end tests made mandatory
/// where the set-up installed their tools.
pub(crate) fn test_env(c: &mut Command, tools: &Tools, display: &Option<String>) {
    if let Some(driver) = &tools.tauri_driver {
        c.env("CHANNELDESK_TAURI_DRIVER", driver);
        if cfg!(target_os = "linux") {
            c.env("CHANNELDESK_E2E", "required");
        }
    }
    if let Some(d) = display {
        c.env("DISPLAY", d);
    }
    if let Some(axe) = &tools.axe {
        c.env("CHANNELDESK_AXE", axe);
    }
}

fn test() -> Result {
    let tools = setup(true)?;
    let mut c = cargo();
    c.args(["fmt", "--all", "--", "--check"]);
    status(c, "cargo fmt --check")?;
    let mut c = cargo();
    c.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    status(c, "cargo clippy -D warnings")?;
    windows_check()?;
    let windows_print = windows_print_check()?;

    let (_display, display) = virtual_display()?;
    let mut c = cargo_with_keyring();
    c.args(["nextest", "run", "--workspace", "--no-fail-fast", "--retries", "0"]);
    test_env(&mut c, &tools, &display);
    c.envs(windows_print);
    run_tests(c, "core, shell (IPC) and end-to-end tests")?;
    soak_run(&tools, &display, 3.0).map_err(|(e, _)| e)?;

    // The test run regenerates ui/bindings from the Rust types; they must be committed as is.
    let out = Command::new("git")
        .current_dir(root())
        .args(["status", "--porcelain", "--", "ui/bindings"])
        .output()
        .map_err(|e| e.to_string())?;
    let changed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() && !changed.is_empty() {
        return Err(format!("ui/bindings changed with the Rust types; commit them:\n{changed}"));
    }

    let tsc = tools.tsc.ok_or("TypeScript not installed")?;
    let mut c = Command::new(tsc);
    c.current_dir(root().join("ui")).args(["--noEmit", "-p", "tsconfig.json"]);
    status(c, "tsc --noEmit over ui/")?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// Keeps the Windows program compiling: `cargo clippy` of the workspace for
/// x86_64-pc-windows-gnu with mingw-w64 (Linux only; the target and the cross compiler are
/// installed when missing).
fn windows_check() -> Result {
    if !cfg!(target_os = "linux") {
        eprintln!("xtask: skipping the Windows cross-check (it runs on Linux, with mingw-w64)");
        return Ok(());
    }
    install_packages(&["gcc-mingw-w64-x86-64"])?;
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("x86_64-pc-windows-gnu"));
    if !installed {
        let mut c = Command::new("rustup");
        c.args(["target", "add", "x86_64-pc-windows-gnu"]);
        status(c, "rustup target add x86_64-pc-windows-gnu")?;
    }
    let mut c = cargo();
    c.args(["clippy", "--workspace", "--target", "x86_64-pc-windows-gnu", "--", "-D", "warnings"]);
    status(c, "cargo clippy --target x86_64-pc-windows-gnu (the Windows program compiles)")
}

/// The whole-process printing benchmark (issue 24): the shipped (release) command line against
/// LibreOffice, which is installed for it on Linux as the reference (Debian's
/// `libreoffice-writer-nogui`).
fn print_process_bench() -> Result {
    if cfg!(target_os = "linux") {
        install_packages(&["libreoffice-writer-nogui"])?;
    }
    let mut c = cargo();
    c.args(["build", "--release", "-p", "channeldesk-app", "--bin", "channeldesk"]);
    status(c, "cargo build --release (the command line the printing benchmark runs)")?;
    let cli =
        target_dir().join("release").join(if cfg!(windows) { "channeldesk.exe" } else { "channeldesk" });
    let mut c = cargo_with_keyring();
    c.args(["bench", "-p", "channeldesk", "--bench", "print_process"]).env("CHANNELDESK_CLI", cli);
    status(c, "printing benchmark (channeldesk print against soffice --convert-to pdf, whole processes)")
}

/// The Windows print path under wine (issue 24): builds the Windows `print_file` example of the
/// core (the spooler and GDI code the Windows program prints with) beside wine 8's missing
/// `ProcessPrng` stand-in, and a wine prefix made once; the environment that tells
/// `src-tauri/tests/cli.rs` where they are (empty off Linux, where there is no wine).
fn windows_print_check() -> Result<Vec<(&'static str, PathBuf)>> {
    if !cfg!(target_os = "linux") {
        return Ok(vec![]);
    }
    install_packages(dist::CHECK_PACKAGES)?;
    let target = "x86_64-pc-windows-gnu";
    let mut c = cargo();
    c.args(["build", "-p", "channeldesk", "--example", "print_file", "--target", target]);
    status(c, "cargo build --example print_file --target x86_64-pc-windows-gnu")?;
    let examples = target_dir().join(target).join("debug/examples");
    dist::wine_prng_shim(&examples)?;
    let prefix = target_dir().join("wine-test-prefix");
    if !prefix.join("system.reg").is_file() {
        std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
        let mut c = Command::new("wineboot");
        c.arg("--init")
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
        status(c, "wineboot --init (the prefix the Windows print check runs in)")?;
        let mut c = Command::new("wineserver");
        c.arg("-w").env("WINEPREFIX", &prefix);
        status(c, "wineserver -w")?;
    }
    Ok(vec![
        ("CHANNELDESK_WINDOWS_PRINT_FILE", examples.join("print_file.exe")),
        ("CHANNELDESK_WINEPREFIX", prefix),
    ])
}

/// Processes the tests start (directly or through the programs they drive) that must all be
/// gone when the run ends.
const TEST_PROCESSES: &[&str] = &[
    "tauri-driver",
    "WebKitWebDriver",
    "channeldesk",
    "WebKitWebProces",
    "WebKitNetworkPr",
    "dbus-daemon",
    "wineserver",
];

/// The processes of [`TEST_PROCESSES`] running now: pid and name (Linux; empty elsewhere).
fn test_processes() -> Vec<(u32, String)> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return vec![] };
    dir.flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_str()?.parse::<u32>().ok()?;
            let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
            let comm = comm.trim();
            // `pid (comm) state …`: an exited process waiting to be reaped (Z) is gone.
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let state = stat.rsplit_once(')')?.1.split_whitespace().next()?;
            (TEST_PROCESSES.contains(&comm) && state != "Z").then(|| (pid, comm.to_string()))
        })
        .collect()
}

/// Runs a nextest command: its output passed through, every test that died by a signal named
/// at the end (a crash fails the run, never retried), and every process the tests started and
/// left running reported, ended and counted as a failure.
fn run_tests(mut c: Command, what: &str) -> Result {
    use std::io::{BufRead, BufReader};
    eprintln!("xtask: {what}");
    // A session bus of the run's own: without one, every window the tests start autolaunches
    // a dbus-daemon that outlives the run.
    let bus = session_bus();
    if let Some((_, address)) = &bus {
        c.env("DBUS_SESSION_BUS_ADDRESS", address);
    }
    let before: std::collections::HashSet<u32> = test_processes().into_iter().map(|(p, _)| p).collect();
    c.stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("{what}: {e}"))?;
    let mut signalled = Vec::new();
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines().map_while(std::result::Result::ok) {
            eprintln!("{line}");
            // nextest's status column: `SIGSEGV [   0.362s] ( 4/12) crate::binary test`.
            let t = line.trim_start();
            if t.starts_with("SIG") && t.contains('[') && !signalled.contains(&t.to_string()) {
                signalled.push(t.to_string());
            }
        }
    }
    let st = child.wait().map_err(|e| format!("{what}: {e}"))?;
    if let Some((mut daemon, _)) = bus {
        let _ = daemon.kill();
        let _ = daemon.wait();
    }
    // A process ended by the last test may take a moment to go.
    let mut left = Vec::new();
    for _ in 0..20 {
        left = test_processes().into_iter().filter(|(p, _)| !before.contains(p)).collect();
        if left.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for (pid, _) in &left {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let mut problems = Vec::new();
    if !signalled.is_empty() {
        problems.push(format!("tests died by a signal:\n  {}", signalled.join("\n  ")));
    }
    if !left.is_empty() {
        let names: Vec<String> = left.iter().map(|(p, n)| format!("{n} ({p})")).collect();
        problems.push(format!("processes left running by the tests (now ended): {}", names.join(", ")));
    }
    if !st.success() {
        problems.push(format!("{what} failed ({st})"));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}

/// A private session bus (`dbus-daemon --session`) and its address, when none is set and
/// the daemon is installed (Linux).
fn session_bus() -> Option<(Child, String)> {
    use std::io::BufRead;
    if !cfg!(target_os = "linux") || env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return None;
    }
    let mut daemon = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    std::io::BufReader::new(daemon.stdout.take()?).read_line(&mut line).ok()?;
    Some((daemon, line.trim().to_string()))
}

/// Runs the soak test for `minutes` (see `soak` in `src-tauri/tests/e2e.rs`); its report.
/// The soak run's report; `Err` when the run failed (an error in the log, a crash, memory
/// growth past the aim), with the report it wrote before failing, if any.
fn soak_run(
    tools: &Tools,
    display: &Option<String>,
    minutes: f64,
) -> std::result::Result<serde_json::Value, (String, Option<serde_json::Value>)> {
    let mut c = cargo_with_keyring();
    c.args([
        "nextest",
        "run",
        "-p",
        "channeldesk-app",
        "--test",
        "e2e",
        "--retries",
        "0",
        "--run-ignored",
        "only",
    ])
    .args(["-E", "test(=soak)"])
    .env("CHANNELDESK_SOAK_MINUTES", minutes.to_string());
    test_env(&mut c, tools, display);
    let path = target_dir().join("channeldesk-soak.json");
    let _ = std::fs::remove_file(&path);
    let ran = run_tests(c, &format!("soak run, {minutes} minutes"));
    let report = std::fs::read_to_string(&path)
        .map_err(|e| format!("soak report missing: {e}"))
        .and_then(|text| serde_json::from_str(&text).map_err(|e| format!("soak report: {e}")));
    match (ran, report) {
        (Ok(()), Ok(r)) => Ok(r),
        (Ok(()), Err(e)) => Err((e, None)),
        (Err(e), r) => Err((e, r.ok())),
    }
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// `cargo xtask soak [--minutes N]`: the soak run, its memory curve drawn into
/// `docs/soak-memory.svg` and summed up in `docs/benchmarks.md`.
fn soak(args: &[String]) -> Result {
    let minutes = match args {
        [] => 60.0,
        [flag, n] if flag == "--minutes" => {
            n.parse::<f64>().map_err(|_| format!("--minutes {n}: not a number"))?
        }
        _ => return Err("usage: cargo xtask soak [--minutes N]".into()),
    };
    let tools = setup(true)?;
    let (_display, display) = virtual_display()?;
    // A run that misses its aim is recorded too, then reported as failed.
    let (report, failed) = match soak_run(&tools, &display, minutes) {
        Ok(r) => (r, None),
        Err((e, Some(r))) => (r, Some(e)),
        Err((e, None)) => return Err(e),
    };
    let samples: Vec<(f64, f64)> = report["samples"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| (s["minute"].as_f64().unwrap_or(0.0), s["total_mib"].as_f64().unwrap_or(0.0)))
                .collect()
        })
        .unwrap_or_default();
    std::fs::write(root().join("docs/soak-memory.svg"), memory_svg(&samples)).map_err(|e| e.to_string())?;
    let section = soak_section(&report, &samples);
    let path = root().join("docs/benchmarks.md");
    let mut doc = std::fs::read_to_string(&path).unwrap_or_default();
    splice(&mut doc, SOAK_BEGIN, SOAK_END, &section);
    std::fs::write(&path, doc).map_err(|e| e.to_string())?;
    eprintln!("xtask: wrote docs/soak-memory.svg and the soak section of docs/benchmarks.md");
    failed.map_or(Ok(()), Err)
}

pub(crate) const SOAK_BEGIN: &str = "<!-- soak: cargo xtask soak -->";
pub(crate) const SOAK_END: &str = "<!-- /soak -->";

fn soak_section(report: &serde_json::Value, samples: &[(f64, f64)]) -> String {
    let at = |m: f64| samples.iter().find(|(t, _)| *t >= m).map(|(_, v)| *v);
    let first = samples.first().map(|(_, v)| *v).unwrap_or(0.0);
    let last = samples.last().map(|(_, v)| *v).unwrap_or(0.0);
    let growth = at(5.0)
        .map(|v| format!("{:+.1} MiB", last - v))
        .unwrap_or_else(|| "n/a (shorter than 5 minutes)".into());
    let errors = report["errors"].as_array().map(Vec::len).unwrap_or(0);
    let mut rows = String::new();
    if let Some(last) = report["samples"].as_array().and_then(|a| a.last()) {
        for p in last["processes"].as_array().into_iter().flatten() {
            rows.push_str(&format!(
                "| {} | {:.1} |\n",
                p[0].as_str().unwrap_or(""),
                p[1].as_f64().unwrap_or(0.0)
            ));
        }
    }
    format!(
        "{SOAK_BEGIN}\n## Soak run (`cargo xtask soak`, debug build, 2,000 generated partners)\n\n\
         The window driven at random over every area (lists, a record's page, the partner form \
         opened and left, search, language switch, lock and unlock) for **{} minutes**, {} actions; \
         errors in the log: **{errors}**. Memory (PSS of the program and its web processes \
         together): {first:.0} MiB at the first minute, {last:.0} MiB at the end; growth after the \
         fifth minute: **{growth}** (aim: under 20 MiB).\n\n\
         ![memory over the soak run](soak-memory.svg)\n\n\
         | process at the end | PSS MiB |\n|---|---:|\n{rows}{SOAK_END}",
        report["minutes"].as_f64().unwrap_or(0.0),
        report["actions"].as_u64().unwrap_or(0),
    )
}

/// A small line chart of PSS over minutes, readable in print (black on white).
fn memory_svg(samples: &[(f64, f64)]) -> String {
    let (w, h, left, bottom) = (640.0, 240.0, 56.0, 32.0);
    let max_t = samples.iter().map(|s| s.0).fold(1.0_f64, f64::max);
    let max_v = samples.iter().map(|s| s.1).fold(100.0_f64, f64::max) * 1.1;
    let x = |t: f64| left + t / max_t * (w - left - 16.0);
    let y = |v: f64| h - bottom - v / max_v * (h - bottom - 16.0);
    let points: Vec<String> = samples.iter().map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v))).collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n\
         <line x1=\"{left}\" y1=\"16\" x2=\"{left}\" y2=\"{}\" stroke=\"black\"/>\n",
        h - bottom,
        w - 16.0,
        h - bottom,
        h - bottom
    );
    for i in 0..=4 {
        let v = max_v * i as f64 / 4.0;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}</text>\n",
            left - 6.0,
            y(v) + 4.0
        ));
        let t = max_t * i as f64 / 4.0;
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{t:.0}</text>\n",
            x(t),
            h - bottom + 16.0
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">minutes</text>\n<text x=\"12\" y=\"12\">PSS MiB</text>\n",
        (left + w) / 2.0,
        h - 2.0
    ));
    svg.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"black\" stroke-width=\"2\" points=\"{}\"/>\n</svg>\n",
        points.join(" ")
    ));
    svg
}

fn screenshots() -> Result {
    let tools = setup(true)?;
    let (_display, display) = virtual_display()?;
    let mut c = cargo_with_keyring();
    c.args(["nextest", "run", "-p", "channeldesk-app", "--test", "e2e"]).env("CHANNELDESK_UPDATE_DOCS", "1");
    test_env(&mut c, &tools, &display);
    run_tests(c, "end-to-end run writing docs/screenshots")
}

/// Runs the benchmarks (unless `report_only`) and writes `docs/benchmarks.md` from their
/// figures and the last end-to-end timings.
fn bench(report_only: bool) -> Result {
    if !report_only {
        setup(false)?;
        let mut c = cargo();
        c.args(["bench", "-p", "channeldesk", "--bench", "partners"]);
        status(c, "criterion benchmarks (release build, 100,000 generated partners)")?;
        let mut c = cargo();
        c.args(["bench", "-p", "channeldesk", "--bench", "documents"]);
        status(c, "agreement PDF benchmark (release build)")?;
        let mut c = cargo();
        c.args(["bench", "-p", "channeldesk", "--bench", "evaluation"]);
        status(c, "evaluation benchmark (release build, 10,000 partners)")?;
        let mut c = cargo();
        c.args(["bench", "-p", "channeldesk", "--bench", "sharing"]);
        status(c, "sharing benchmark (release build, 10,000 partners)")?;
        let mut c = cargo();
        c.args(["bench", "-p", "channeldesk", "--bench", "orders"]);
        status(c, "order and settlement benchmark (release build, 10,000 order lines)")?;
        print_process_bench()?;
    }
    let target = target_dir();
    let mut figures = std::fs::read_to_string(target.join("channeldesk-bench.md"))
        .map_err(|e| format!("benchmark figures missing: {e}"))?;
    figures.push_str(
        &std::fs::read_to_string(target.join("channeldesk-bench-documents.md"))
            .map_err(|e| format!("document benchmark figures missing: {e}"))?,
    );
    figures.push_str(
        &std::fs::read_to_string(target.join("channeldesk-bench-evaluation.md"))
            .map_err(|e| format!("evaluation benchmark figures missing: {e}"))?,
    );
    figures.push_str(
        &std::fs::read_to_string(target.join("channeldesk-bench-sharing.md"))
            .map_err(|e| format!("sharing benchmark figures missing: {e}"))?,
    );
    figures.push_str(
        &std::fs::read_to_string(target.join("channeldesk-bench-orders.md"))
            .map_err(|e| format!("order benchmark figures missing: {e}"))?,
    );
    let e2e = std::fs::read_to_string(target.join("tmp/e2e/timings.json")).ok();
    let leads = std::fs::read_to_string(target.join("tmp/e2e/lead-save-ms.json")).ok();
    let mut doc = render_benchmarks(&figures, &criterion_medians(&target), e2e.as_deref(), leads.as_deref());
    // The installer sizes (`cargo xtask dist`) and the soak run (`cargo xtask soak`) are
    // measured elsewhere: kept as they are.
    let old = std::fs::read_to_string(root().join("docs/benchmarks.md")).unwrap_or_default();
    for (begin, end) in
        [(PRINT_BEGIN, PRINT_END), (dist::SIZES_BEGIN, dist::SIZES_END), (SOAK_BEGIN, SOAK_END)]
    {
        if let (Some(a), Some(b)) = (old.find(begin), old.find(end)) {
            doc.push('\n');
            doc.push_str(&old[a..b + end.len()]);
            doc.push('\n');
        }
    }
    std::fs::write(root().join("docs/benchmarks.md"), doc).map_err(|e| e.to_string())?;
    eprintln!("xtask: wrote docs/benchmarks.md");
    if !report_only {
        print_bench_section(false)?;
    }
    Ok(())
}

/// Start and end of the printing section of docs/benchmarks.md: whole processes measured on
/// their own (`cargo xtask bench --print`, a fat-LTO release build of the program), so kept
/// when the other figures are written again.
const PRINT_BEGIN: &str = "<!-- print: cargo xtask bench --print -->";
const PRINT_END: &str = "<!-- /print -->";

/// Writes the printing section of docs/benchmarks.md from the last printing benchmark, running
/// it first when `run`.
fn print_bench_section(run: bool) -> Result {
    if run {
        print_process_bench()?;
    }
    let figures = std::fs::read_to_string(target_dir().join("channeldesk-bench-print.md"))
        .map_err(|e| format!("printing benchmark figures missing: {e}"))?;
    let section = format!("{PRINT_BEGIN}\n{}\n{PRINT_END}", figures.trim());
    let path = root().join("docs/benchmarks.md");
    let mut doc = std::fs::read_to_string(&path).unwrap_or_default();
    splice(&mut doc, PRINT_BEGIN, PRINT_END, &section);
    std::fs::write(&path, doc).map_err(|e| e.to_string())?;
    eprintln!("xtask: wrote the printing section of docs/benchmarks.md");
    Ok(())
}

/// Replaces the marked section of `doc` by `section`, or appends it where there is none.
pub(crate) fn splice(doc: &mut String, begin: &str, end: &str, section: &str) {
    if let (Some(a), Some(b)) = (doc.find(begin), doc.find(end)) {
        doc.replace_range(a..b + end.len(), section);
    } else {
        doc.push('\n');
        doc.push_str(section);
        doc.push('\n');
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0))
        })
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {mem} memory, {} ({}), {rustc}", env::consts::OS, env::consts::ARCH)
}

/// Criterion's median estimate (ms) for each benchmark in `target/criterion`.
fn criterion_medians(target: &Path) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(target.join("criterion")) else { return out };
    for d in dirs.flatten() {
        let est = d.path().join("new/estimates.json");
        let Ok(text) = std::fs::read_to_string(&est) else { continue };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        if let Some(ns) = v["median"]["point_estimate"].as_f64() {
            out.push((d.file_name().to_string_lossy().into_owned(), ns / 1e6));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn render_benchmarks(
    figures: &str,
    medians: &[(String, f64)],
    e2e: Option<&str>,
    lead_saves: Option<&str>,
) -> String {
    let mut s = String::new();
    s.push_str("# Benchmarks\n\n");
    s.push_str(
        "Written by `cargo xtask bench` (criterion, release build) on generated data; the end-to-end\n",
    );
    s.push_str("figures come from the last `cargo xtask test` run. Tests never assert on these times.\n\n");
    s.push_str(&format!("Machine: {}\n\n", machine()));
    s.push_str("Aims set for the partner register on 2 cores: search p95 ≤ 5 ms, list page ≤ 10 ms,\n");
    s.push_str("insert ≥ 50,000 partners/s. Recruitment: the duplicate check of a new lead against\n");
    s.push_str("100,000 partners and prospects p95 ≤ 20 ms.\n\n");
    s.push_str(figures);
    if !medians.is_empty() {
        s.push_str("\nCriterion steady state (median of 50 samples, same database):\n\n| benchmark | median ms |\n|---|---:|\n");
        for (name, ms) in medians {
            s.push_str(&format!("| {name} | {ms:.2} |\n"));
        }
    }
    if let Some(v) = e2e.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()) {
        s.push_str("\n## In the real window (end-to-end run, debug build, under Xvfb)\n\n");
        s.push_str(
            "From `src-tauri/tests/e2e.rs` (`filled_register_timings_and_screenshots`), on a register of ",
        );
        s.push_str(&format!("{} generated partners.\n", v["partners"]));
        s.push_str(
            "Keystroke to list is measured inside the page, from the input event to the rendered list, and\n",
        );
        s.push_str("includes the 120 ms typing debounce.\n\n| measurement | ms |\n|---|---:|\n");
        s.push_str(&format!(
            "| process start to sign-in screen (database opened with the keychain's key) | {} |\n",
            v["start_to_sign_in_ms"]
        ));
        s.push_str(&format!(
            "| sign-in typed by WebDriver and checked (Argon2id), to home page | {} |\n",
            v["sign_in_to_home_ms"]
        ));
        s.push_str(&format!(
            "| process start to partner list visible, sign-in included | {} |\n",
            v["start_to_partner_list_ms"]
        ));
        if v["dashboard_first_paint_ms"].is_number() {
            s.push_str(&format!(
                "| dashboard: sidebar click to all six cards shown (issue 25) | {} |\n",
                v["dashboard_first_paint_ms"]
            ));
        }
        for k in v["keystroke_to_list_ms"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                "| keystroke to updated list, query `{}` | {} |\n",
                k["query"].as_str().unwrap_or(""),
                k["ms"]
            ));
        }
    }
    if let Some(v) = lead_saves.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()) {
        let all: Vec<String> = v.as_array().into_iter().flatten().map(|x| x.to_string()).collect();
        s.push_str(&format!(
            "\nLead capture in the window (`trade_show_leads_to_a_signed_partner`, debug build): the save \
             call as the page sees it (duplicate checks, insert, pipeline row, audit entry), per lead: {} ms.\n",
            all.join(", ")
        ));
    }
    s
}

/// Today's date (UTC) as `YYYY-MM-DD`, from `date`.
pub(crate) fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
