//! The program's log: `logs/channeldesk.<date>.log` in the data folder, one file a day, the
//! last [`KEEP_DAYS`] kept, each at most [`DAY_CAP`] bytes. It says what the program did
//! (start, exit, one line per command with its name, duration and outcome code, failures
//! with their cause), never partner data, passwords, keys or document text: a command's
//! arguments and results are not logged, and an error is logged by its code, its field and
//! rule names, and, for storage, document, keychain and update failures (which carry no
//! business data), its message and source chain. Panics are written with their backtrace,
//! so a failure on a user's laptop leaves a trace for IT support.

use channeldesk::{Error, Result};
use std::io::Write;
use std::path::Path;
use std::time::Instant;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

/// Days of log kept.
pub const KEEP_DAYS: usize = 7;

/// The most one day's file grows to (bytes); what comes after is dropped, with one line
/// saying so. With [`KEEP_DAYS`] the folder stays under 140 MB.
pub const DAY_CAP: u64 = 20 * 1024 * 1024;

/// Starts logging into `dir`; keep the guard until exit (it flushes the last lines). `None`
/// when the folder cannot be written (the program still runs, without a log).
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("channeldesk")
        .filename_suffix("log")
        .max_log_files(KEEP_DAYS)
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(Capped::new(appender, DAY_CAP));
    let filter = tracing_subscriber::EnvFilter::try_from_env("CHANNELDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .try_init()
        .is_ok();
    if installed {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let backtrace = std::backtrace::Backtrace::force_capture();
            tracing::error!(%info, %backtrace, "panic");
            default(info);
        }));
    }
    Some(guard)
}

/// Runs one command's body and logs it: `command name=… ms=… outcome=ok|<code>`. A panic
/// inside the body (logged with its backtrace by the panic hook) answers the window with
/// `internal` instead of leaving its call unanswered.
pub async fn command<T>(name: &'static str, body: impl Future<Output = Result<T>>) -> Result<T> {
    use futures_util::FutureExt;
    let started = Instant::now();
    let result = std::panic::AssertUnwindSafe(body).catch_unwind().await.unwrap_or(Err(Error::Internal));
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let ms = (ms * 10.0).round() / 10.0;
    match &result {
        Ok(_) => tracing::info!(command = name, ms, outcome = "ok"),
        Err(e) => failed(name, ms, e),
    }
    result
}

/// A refused or failed command: the person's mistakes and the rules' refusals as `info`
/// (code, kind, field and rule names only: their messages can name records), failures of
/// the machine as `error` with the message and its source chain.
fn failed(name: &'static str, ms: f64, e: &Error) {
    let code = e.code();
    match e {
        Error::Storage(_)
        | Error::Database(_)
        | Error::Io(_)
        | Error::Migration(_)
        | Error::Document(_)
        | Error::Keychain(_)
        | Error::Internal => {
            tracing::error!(command = name, ms, outcome = code, error = %e.chain())
        }
        Error::Update { reason, .. } => {
            tracing::warn!(command = name, ms, outcome = code, reason, error = %e.chain())
        }
        Error::Import { reason, .. } => tracing::warn!(command = name, ms, outcome = code, reason),
        Error::Validation(fields) | Error::Gate { missing: fields, .. } => {
            let fields: Vec<String> = fields.iter().map(|f| format!("{}:{}", f.field, f.rule)).collect();
            tracing::info!(command = name, ms, outcome = code, fields = %fields.join(","))
        }
        Error::Conflict { kind, .. } => tracing::info!(command = name, ms, outcome = code, kind),
        Error::Forbidden(why) => tracing::info!(command = name, ms, outcome = code, why = %why),
        Error::NotFound { entity, .. } => tracing::info!(command = name, ms, outcome = code, entity),
        Error::Locked | Error::KeyRejected | Error::Throttled { .. } | Error::Cancelled => {
            tracing::info!(command = name, ms, outcome = code)
        }
    }
}

/// A writer that stops writing for the rest of the day once a day's bytes reach the cap.
struct Capped<W> {
    inner: W,
    cap: u64,
    day: chrono::NaiveDate,
    written: u64,
}

impl<W: Write> Capped<W> {
    fn new(inner: W, cap: u64) -> Self {
        Capped { inner, cap, day: chrono::Utc::now().date_naive(), written: 0 }
    }
}

impl<W: Write> Write for Capped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let today = chrono::Utc::now().date_naive();
        if today != self.day {
            self.day = today;
            self.written = 0;
        }
        if self.written >= self.cap {
            return Ok(buf.len());
        }
        self.written += buf.len() as u64;
        if self.written >= self.cap {
            self.inner.write_all(b"log full for today: later lines are dropped\n")?;
            return Ok(buf.len());
        }
        self.inner.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use channeldesk::error::{ConflictRef, FieldError};
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("buffer").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The lines `command` writes for `outcome`.
    fn logged<T: Send + 'static>(outcome: Result<T>) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        tracing::subscriber::with_default(subscriber, || {
            let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let _ = rt.block_on(command("partners_update", async { outcome }));
        });
        String::from_utf8(buffer.0.lock().expect("buffer").clone()).expect("utf-8")
    }

    #[test]
    fn a_command_is_one_line_with_its_name_duration_and_outcome() {
        let ok = logged(Ok(()));
        assert!(ok.contains("command=\"partners_update\"") && ok.contains("outcome=\"ok\""), "{ok}");
        assert!(ok.contains(" ms="), "{ok}");
        assert_eq!(ok.lines().count(), 1);
    }

    #[test]
    fn refusals_name_fields_and_kinds_but_no_record() {
        let invalid =
            logged::<()>(Err(Error::Validation(vec![FieldError::new("contacts.0.mobile", "phone")])));
        assert!(
            invalid.contains("outcome=\"validation\"") && invalid.contains("contacts.0.mobile:phone"),
            "{invalid}"
        );
        let stale = logged::<()>(Err(Error::Conflict {
            kind: "similar",
            with: vec![ConflictRef {
                id: "p1".into(),
                label: "广州穗安科技有限公司".into(),
                reason: "similar_name".into(),
            }],
        }));
        assert!(stale.contains("kind=\"similar\""), "{stale}");
        assert!(!stale.contains("广州穗安"), "a conflict's record is not logged: {stale}");
        let import = logged::<()>(Err(Error::import("bad_row", "row 3: 13800000001")));
        assert!(import.contains("reason=\"bad_row\"") && !import.contains("13800000001"), "{import}");
    }

    #[test]
    fn a_panicking_command_answers_internal() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        let answer = tracing::subscriber::with_default(subscriber, || {
            let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            rt.block_on(command("partners_get", async {
                let empty: Vec<u8> = vec![];
                Ok::<u8, Error>(empty[std::hint::black_box(3)])
            }))
        });
        assert_eq!(answer.map_err(|e| e.code()), Err("internal"));
        let log = String::from_utf8(buffer.0.lock().expect("buffer").clone()).expect("utf-8");
        assert!(log.contains("outcome=\"internal\""), "{log}");
    }

    #[test]
    fn failures_keep_their_source_chain() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "disk says no");
        let line = logged::<()>(Err(Error::from(io)));
        assert!(
            line.contains("ERROR") && line.contains("outcome=\"storage\"") && line.contains("disk says no"),
            "{line}"
        );
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let db = rt.block_on(async {
            let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.expect("memory db");
            let e = sqlx::query("SELECT * FROM missing").execute(&pool).await.expect_err("no table");
            pool.close().await;
            Error::from(e)
        });
        assert_eq!(db.code(), "storage");
        assert!(db.chain().contains("no such table: missing"), "{}", db.chain());
    }

    #[test]
    fn a_day_stops_at_its_cap_with_one_line_saying_so() {
        let mut w = Capped::new(Vec::new(), 100);
        for _ in 0..10 {
            w.write_all(&[b'x'; 30]).expect("write");
        }
        let text = String::from_utf8(w.inner).expect("utf-8");
        assert_eq!(text.matches('x').count(), 90, "three lines fit under 100 bytes");
        assert_eq!(text.matches("log full").count(), 1);
    }
}
