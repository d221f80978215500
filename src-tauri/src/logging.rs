//! The program's log: `logs/channeldesk.<date>.log` in the data folder, one file a day, the
//! last seven kept. It says what the program did (start, exit, failures with their cause),
//! never partner data, passwords, keys or document text. Panics are written to it with their
//! backtrace, so a failure on a user's laptop leaves a trace for IT support.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

/// Days of log kept.
pub const KEEP_DAYS: usize = 7;

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
    let (writer, guard) = tracing_appender::non_blocking(appender);
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
