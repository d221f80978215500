//! Rolling backups of the data file, the integrity check, and restoring a chosen backup.
//!
//! Invariants:
//! - a backup is made with SQLite's online backup API into `backups/<name>.part`, encrypted
//!   with the same key, checked (`PRAGMA integrity_check`) and only then renamed to its name:
//!   a file in `backups/` without `.part` is always a complete, verified copy;
//! - only the newest `backup_keep` backups are kept (default 10); the copies made before a
//!   restore are kept apart from that count;
//! - a restore never touches the current file while it runs: the chosen backup is verified
//!   (key, integrity, a schema this version can open) and staged as `restore-pending.sqlite3`;
//!   the swap happens at the next start, before the database is opened, and the file it
//!   replaces is kept as `backups/…-before-restore.sqlite3`. When the restored file then
//!   fails to open, the swap is undone.

use crate::access::Action;
use crate::db::{self, DB_FILE};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::secrets::DatabaseKey;
use serde::Serialize;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The folder of backups inside the data folder.
pub const DIR: &str = "backups";
/// A verified backup waiting to replace the data file at the next start.
pub const PENDING: &str = "restore-pending.sqlite3";
/// Backups kept when the setting was never changed.
pub const KEEP_DEFAULT: u32 = 10;
const REASONS: &[&str] = &["exit", "daily", "manual", "before-restore"];

/// One backup file.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
    /// `YYYY-MM-DDTHH:MM:SSZ`, from the name.
    pub made_at: String,
    /// `exit`, `daily`, `manual` or `before-restore`.
    pub reason: String,
}

/// What the integrity check found.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IntegrityReport {
    pub ok: bool,
    /// SQLite's first complaints, when not ok.
    pub detail: Vec<String>,
    pub checked_at: String,
}

fn parse_name(name: &str) -> Option<(String, String)> {
    let rest = name.strip_prefix("channeldesk-")?.strip_suffix(".sqlite3")?;
    let (date, rest) = rest.split_at_checked(8)?;
    let rest = rest.strip_prefix('-')?;
    let (time, reason) = rest.split_at_checked(6)?;
    let reason = reason.strip_prefix('-')?;
    if !date.bytes().chain(time.bytes()).all(|b| b.is_ascii_digit()) || !REASONS.contains(&reason) {
        return None;
    }
    let made_at = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &date[..4],
        &date[4..6],
        &date[6..],
        &time[..2],
        &time[2..4],
        &time[4..]
    );
    Some((made_at, reason.to_string()))
}

/// The backups in `data_dir`, newest first.
pub fn list_in(data_dir: &Path) -> Result<Vec<BackupInfo>> {
    let dir = data_dir.join(DIR);
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(out) };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some((made_at, reason)) = parse_name(&name) {
            let size = e.metadata().map(|m| m.len()).unwrap_or(0);
            out.push(BackupInfo { name, size, made_at, reason });
        }
    }
    out.sort_by(|a, b| b.made_at.cmp(&a.made_at).then(b.name.cmp(&a.name)));
    Ok(out)
}

/// The backups of this data folder, newest first.
pub async fn list(desk: &Desk) -> Result<Vec<BackupInfo>> {
    desk.require(Action::DataExchange)?;
    list_in(desk.data_dir())
}

/// How many backups are kept.
pub async fn keep(desk: &Desk) -> Result<u32> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'backup_keep'")
        .fetch_optional(desk.pool())
        .await?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(KEEP_DEFAULT))
}

/// Sets how many backups are kept (1–100; administrators).
pub async fn set_keep(desk: &Desk, n: u32) -> Result<u32> {
    desk.require(Action::SettingsManage)?;
    if !(1..=100).contains(&n) {
        return Err(Error::Validation(vec![crate::error::FieldError::with_limit(
            "backup_keep",
            "range",
            100,
        )]));
    }
    sqlx::query(
        "INSERT INTO setting (key, value) VALUES ('backup_keep', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    .bind(n.to_string())
    .execute(desk.pool())
    .await?;
    prune(desk.data_dir(), n)?;
    Ok(n)
}

fn prune(data_dir: &Path, keep: u32) -> Result<()> {
    let rolling: Vec<BackupInfo> =
        list_in(data_dir)?.into_iter().filter(|b| b.reason != "before-restore").collect();
    for old in rolling.iter().skip(keep as usize) {
        let _ = std::fs::remove_file(data_dir.join(DIR).join(&old.name));
    }
    Ok(())
}

/// Copies the open database into `dest` with the online backup API (encrypted with `key`).
async fn copy_into(desk: &Desk, key: &DatabaseKey, dest: &Path) -> Result<()> {
    let _ = std::fs::remove_file(dest);
    let mut target = db::connect_options(dest, key)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Delete)
        .connect()
        .await?;
    let mut source = desk.pool().acquire().await?;
    let outcome = {
        let mut src = source.lock_handle().await?;
        let mut dst = target.lock_handle().await?;
        let (s, d) = (src.as_raw_handle().as_ptr(), dst.as_raw_handle().as_ptr());
        // SAFETY: both handles are open connections held exclusively (locked) for this block;
        // the backup object is finished before the locks are released.
        unsafe {
            let b = libsqlite3_sys::sqlite3_backup_init(d, c"main".as_ptr(), s, c"main".as_ptr());
            if b.is_null() {
                let msg =
                    std::ffi::CStr::from_ptr(libsqlite3_sys::sqlite3_errmsg(d)).to_string_lossy().to_string();
                Err(Error::Storage(format!("backup: {msg}")))
            } else {
                let rc = libsqlite3_sys::sqlite3_backup_step(b, -1);
                let fin = libsqlite3_sys::sqlite3_backup_finish(b);
                if rc == libsqlite3_sys::SQLITE_DONE && fin == libsqlite3_sys::SQLITE_OK {
                    Ok(())
                } else {
                    Err(Error::Storage(format!("backup: step {rc}, finish {fin}")))
                }
            }
        }
    };
    drop(source);
    target.close().await?;
    outcome
}

/// Opens the file at `path` with `key` and runs the integrity check; the report, and the
/// newest migration it has.
pub async fn check_file(path: &Path, key: &DatabaseKey) -> Result<(IntegrityReport, i64)> {
    let mut conn = db::connect_options(path, key)
        .create_if_missing(false)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Delete)
        .optimize_on_close(false, None)
        .connect()
        .await
        .map_err(db::key_error)?;
    let detail = db::integrity_problems(&mut conn).await?;
    let version: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_optional(&mut conn)
            .await
            .ok()
            .flatten();
    conn.close().await?;
    let report = IntegrityReport {
        ok: detail.is_empty(),
        detail,
        checked_at: crate::desk::rfc3339(chrono::Utc::now()),
    };
    Ok((report, version.unwrap_or(0)))
}

/// Makes a backup now (`reason`: exit, daily, manual) and drops the oldest beyond the kept
/// number.
pub async fn backup(desk: &Desk, reason: &str) -> Result<BackupInfo> {
    if !["exit", "daily", "manual"].contains(&reason) {
        return Err(Error::field("reason", "one_of"));
    }
    let dir = desk.data_dir().join(DIR);
    std::fs::create_dir_all(&dir)?;
    let mut name = format!("channeldesk-{}-{reason}.sqlite3", desk.now().format("%Y%m%d-%H%M%S"));
    let mut n = 1;
    while dir.join(&name).exists() {
        n += 1;
        name = format!(
            "channeldesk-{}-{reason}.sqlite3",
            (desk.now() + chrono::Duration::seconds(n)).format("%Y%m%d-%H%M%S")
        );
    }
    let part = dir.join(format!("{name}.part"));
    let made = async {
        copy_into(desk, desk.key(), &part).await?;
        let (report, _) = check_file(&part, desk.key()).await?;
        if !report.ok {
            return Err(Error::Storage(format!("backup failed its check: {:?}", report.detail)));
        }
        std::fs::rename(&part, dir.join(&name))?;
        Ok(())
    }
    .await;
    if let Err(e) = made {
        let _ = std::fs::remove_file(&part);
        return Err(e);
    }
    prune(desk.data_dir(), keep(desk).await?)?;
    list_in(desk.data_dir())?
        .into_iter()
        .find(|b| b.name == name)
        .ok_or_else(|| Error::Storage("backup vanished".into()))
}

/// Makes the daily backup when the newest backup is a day old or there is none.
pub async fn daily_if_due(desk: &Desk) -> Result<Option<BackupInfo>> {
    let newest = list_in(desk.data_dir())?.into_iter().find(|b| b.reason != "before-restore");
    let due = match newest {
        None => true,
        Some(b) => chrono::DateTime::parse_from_rfc3339(&b.made_at)
            .map(|t| desk.now() - t.with_timezone(&chrono::Utc) >= chrono::Duration::hours(24))
            .unwrap_or(true),
    };
    if due { backup(desk, "daily").await.map(Some) } else { Ok(None) }
}

/// The integrity check of the open data file.
pub async fn check(desk: &Desk) -> Result<IntegrityReport> {
    let detail = db::integrity_problems(desk.pool()).await?;
    Ok(IntegrityReport { ok: detail.is_empty(), detail, checked_at: crate::desk::rfc3339(desk.now()) })
}

/// Verifies backup `name` and stages it to replace the data file at the next start (the
/// administrator; the program then restarts). Refused with `backup: unknown` for a name that is
/// not a backup here, `backup: damaged` when it fails its check, `backup: newer` when a later
/// version wrote it.
pub async fn stage_restore(desk: &Desk, name: &str) -> Result<IntegrityReport> {
    desk.require(Action::BackupRestore)?;
    let known = list_in(desk.data_dir())?.into_iter().any(|b| b.name == name);
    if !known || parse_name(name).is_none() {
        return Err(Error::field("backup", "unknown"));
    }
    let source = desk.data_dir().join(DIR).join(name);
    let staged = desk.data_dir().join(format!("{PENDING}.part"));
    std::fs::copy(&source, &staged)?;
    let checked = check_file(&staged, desk.key()).await;
    let ours = db::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let refuse = |rule: &str| {
        let _ = std::fs::remove_file(&staged);
        Error::field("backup", rule)
    };
    let report = match checked {
        Ok((r, _)) if !r.ok => return Err(refuse("damaged")),
        Ok((_, v)) if v > ours => return Err(refuse("newer")),
        Ok((r, _)) => r,
        Err(_) => return Err(refuse("damaged")),
    };
    std::fs::rename(&staged, desk.data_dir().join(PENDING))?;
    let mut w = desk.write().await?;
    let mut ch = crate::audit::Changes::new();
    ch.set("backup", &name);
    crate::audit::record(&mut w, "restore_staged", "backup", name, &ch).await?;
    w.commit().await?;
    Ok(report)
}

/// Swaps a staged restore into place (at start, before the database is opened). Returns the
/// path the replaced file was kept at, for [`undo_restore`] should the restored one not open.
pub fn apply_pending(data_dir: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<Option<PathBuf>> {
    let pending = data_dir.join(PENDING);
    if !pending.exists() {
        return Ok(None);
    }
    let current = data_dir.join(DB_FILE);
    let dir = data_dir.join(DIR);
    std::fs::create_dir_all(&dir)?;
    let kept = dir.join(format!("channeldesk-{}-before-restore.sqlite3", now.format("%Y%m%d-%H%M%S")));
    if current.exists() {
        std::fs::rename(&current, &kept)?;
        for side in ["-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{side}", current.display()));
            if from.exists() {
                std::fs::rename(&from, PathBuf::from(format!("{}{side}", kept.display())))?;
            }
        }
    }
    std::fs::rename(&pending, &current)?;
    // The chain head kept beside the database is the replaced file's: set aside, so the next
    // open records the restore (and the head it replaced) instead of reporting a cut trail.
    let head = data_dir.join(crate::audit::HEAD_FILE);
    if head.exists() {
        std::fs::rename(&head, data_dir.join(crate::audit::RESTORED_HEAD_FILE))?;
    }
    Ok(Some(kept))
}

/// Puts back the file [`apply_pending`] replaced.
pub fn undo_restore(data_dir: &Path, kept: &Path) -> Result<()> {
    let current = data_dir.join(DB_FILE);
    let _ = std::fs::rename(&current, data_dir.join(format!("{DB_FILE}.restore-failed")));
    std::fs::rename(kept, &current)?;
    for side in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{side}", kept.display()));
        if from.exists() {
            std::fs::rename(&from, PathBuf::from(format!("{}{side}", current.display())))?;
        }
    }
    let set_aside = data_dir.join(crate::audit::RESTORED_HEAD_FILE);
    if set_aside.exists() {
        std::fs::rename(&set_aside, data_dir.join(crate::audit::HEAD_FILE))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_name;

    #[test]
    fn only_backup_names_are_backups() {
        assert_eq!(
            parse_name("channeldesk-20261127-143000-daily.sqlite3"),
            Some(("2026-11-27T14:30:00Z".into(), "daily".into()))
        );
        for bad in [
            "channeldesk-20261127-143000-daily.sqlite3.part",
            "../channeldesk-20261127-143000-daily.sqlite3",
            "channeldesk-2026112-143000-daily.sqlite3",
            "channeldesk-20261127-143000-other.sqlite3",
            "channeldesk.sqlite3",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }
}
