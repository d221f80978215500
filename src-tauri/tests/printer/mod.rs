//! A real print queue for the tests that print (issue 24): a private CUPS scheduler
//! (`cupsd`, its own folder and socket, nothing of the system's CUPS touched) with one
//! printer on Debian's `cups-pdf` backend, which writes each job it prints as a PDF into the
//! job owner's `~/PDF`. The program reaches it through `CUPS_SERVER`.
//!
//! The scheduler is ended (and the printed files removed) when the value is dropped, also
//! when a test fails. Without `cupsd` or `cups-pdf`, [`TestPrinter::start`] returns `None`
//! (and panics under `CHANNELDESK_E2E=required`, as `cargo xtask test` sets).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

pub const NAME: &str = "ChannelDeskTestPDF";

pub struct TestPrinter {
    dir: tempfile::TempDir,
    daemon: Child,
    /// The scheduler's socket, for `CUPS_SERVER`.
    pub server: PathBuf,
    out: PathBuf,
    since: SystemTime,
    printed: std::cell::RefCell<Vec<PathBuf>>,
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl TestPrinter {
    pub fn start() -> Option<TestPrinter> {
        let required = std::env::var("CHANNELDESK_E2E").as_deref() == Ok("required");
        let cupsd = Path::new("/usr/sbin/cupsd");
        let backend = Path::new("/usr/lib/cups/backend/cups-pdf");
        let ppd = Path::new("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd");
        if !(cupsd.is_file() && backend.is_file() && ppd.is_file() && is_root()) {
            assert!(!required, "cupsd and cups-pdf (run as root) are needed to print in tests");
            eprintln!("skipping printing: cupsd or cups-pdf missing, or not root");
            return None;
        }
        let dir = tempfile::tempdir().expect("cups dir");
        let root = dir.path();
        for sub in ["spool", "spool/tmp", "cache", "state", "log", "ppd"] {
            std::fs::create_dir_all(root.join(sub)).expect("cups folder");
        }
        // cupsd, dropping privileges to lp, must reach its folders.
        let _ = Command::new("chmod").args(["-R", "a+rwX"]).arg(root).status();
        let server = root.join("cups.sock");
        std::fs::write(
            root.join("cupsd.conf"),
            format!(
                "Listen {}\nLogLevel warn\nWebInterface No\nBrowsing Off\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n",
                server.display()
            ),
        )
        .expect("cupsd.conf");
        let r = root.display();
        std::fs::write(
            root.join("cups-files.conf"),
            format!(
                "ServerRoot {r}\nRequestRoot {r}/spool\nTempDir {r}/spool/tmp\nCacheDir {r}/cache\nStateDir {r}/state\n\
                 ErrorLog {r}/log/error_log\nAccessLog {r}/log/access_log\nPageLog {r}/log/page_log\n\
                 ServerBin /usr/lib/cups\nDataDir /usr/share/cups\nUser lp\nGroup lp\nSystemGroup root\nSandboxing relaxed\n"
            ),
        )
        .expect("cups-files.conf");
        let daemon = Command::new(cupsd)
            .args(["-f", "-c"])
            .arg(root.join("cupsd.conf"))
            .arg("-s")
            .arg(root.join("cups-files.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cupsd");
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| "/root".into());
        let printer = TestPrinter {
            dir,
            daemon,
            server,
            out: home.join("PDF"),
            since: SystemTime::now(),
            printed: Default::default(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !printer.lp(&["lpstat", "-r"]).is_some_and(|s| s.contains("is running")) {
            assert!(Instant::now() < deadline, "cupsd did not start: {}", printer.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        let added = printer.lp(&[
            "lpadmin",
            "-p",
            NAME,
            "-E",
            "-v",
            "cups-pdf:/",
            "-D",
            "测试 PDF 打印机",
            "-P",
            ppd.to_str().unwrap(),
        ]);
        assert!(added.is_some(), "lpadmin: {}", printer.log());
        // cups-pdf takes PostScript; poppler's own PDF-to-PostScript step (the default) and
        // Ghostscript's lose the text of embedded CID fonts, pdftocairo's keeps it, so that the
        // printed file reads back.
        printer.lp(&["lpadmin", "-p", NAME, "-o", "pdftops-renderer-default=pdftocairo"]).expect("renderer");
        printer.lp(&["lpadmin", "-d", NAME]).expect("default printer");
        Some(printer)
    }

    /// Runs a CUPS client against this scheduler; its output when it succeeded.
    pub fn lp(&self, args: &[&str]) -> Option<String> {
        let out = Command::new(args[0])
            .args(&args[1..])
            .env("CUPS_SERVER", &self.server)
            .env("LC_ALL", "C")
            .output()
            .ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log/error_log")).unwrap_or_default()
    }

    /// The environment the program needs to see this printer.
    pub fn env(&self) -> (&'static str, String) {
        ("CUPS_SERVER", self.server.display().to_string())
    }

    /// Waits for the printed PDF of the job titled `title` (cups-pdf names it after the
    /// title); its path.
    pub fn printed(&self, title: &str) -> PathBuf {
        let stem: String =
            title.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let found =
                std::fs::read_dir(&self.out).into_iter().flatten().flatten().map(|e| e.path()).find(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    let new = std::fs::metadata(p).and_then(|m| m.modified()).is_ok_and(|t| t >= self.since);
                    new && name.starts_with(&stem) && name.ends_with(".pdf")
                });
            if let Some(p) = found {
                // cups-pdf writes the file in place: wait for its size to settle.
                let mut size = 0;
                loop {
                    std::thread::sleep(Duration::from_millis(300));
                    let now = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                    if now > 0 && now == size {
                        break;
                    }
                    size = now;
                }
                self.printed.borrow_mut().push(p.clone());
                return p;
            }
            assert!(
                Instant::now() < deadline,
                "no printed file for {title} in {}: {}",
                self.out.display(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for TestPrinter {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        for p in self.printed.borrow().iter() {
            let _ = std::fs::remove_file(p);
        }
    }
}
