//! The data folder and its key: creating an encrypted database at first start, opening it with
//! the key from the OS keychain, the recovery path when that key is missing or wrong, and the
//! one-time conversion of an unencrypted file written by an earlier version.
//!
//! Invariants:
//! - the key is stored in the keychain before the database it opens is created, so a crash
//!   never leaves a database whose key was never kept;
//! - an existing database is never overwritten, re-keyed or re-created because its key is
//!   missing or rejected: the caller gets [`Unlock::NeedsRecoveryKey`] and nothing is written;
//! - a conversion writes the encrypted copy beside the old file, verifies it (integrity check
//!   and the row count of every table), stores its key, and only then swaps the files; the old
//!   file is removed last. A conversion interrupted at any point is finished or undone at the
//!   next start.

use crate::db::{self, DB_FILE};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::hlc::{Clock, SystemClock};
use crate::secrets::{DatabaseKey, Keychain};
use serde::Serialize;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ts_rs::TS;

/// Next to the database: the id that names its key in the keychain (not a secret).
pub const KEY_ID_FILE: &str = "channeldesk.keyid";
const ENCRYPTING: &str = "channeldesk.sqlite3.encrypting";
const PLAIN_OLD: &str = "channeldesk.sqlite3.unencrypted-old";

/// Why the data could not be opened with the keychain's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RecoveryReason {
    /// The keychain has no key for this data folder (new laptop, entry removed).
    MissingKey,
    /// The keychain's key does not open the file (or the file is damaged).
    WrongKey,
}

/// The outcome of opening a data folder.
#[derive(Debug)]
pub enum Unlock {
    Ready(Box<Desk>),
    /// The database exists but cannot be opened without the recovery key.
    NeedsRecoveryKey(RecoveryReason),
}

/// Paths of a data folder's files.
struct Files {
    dir: PathBuf,
}

impl Files {
    fn db(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }
    fn key_id(&self) -> PathBuf {
        self.dir.join(KEY_ID_FILE)
    }
    fn encrypting(&self) -> PathBuf {
        self.dir.join(ENCRYPTING)
    }
    fn plain_old(&self) -> PathBuf {
        self.dir.join(PLAIN_OLD)
    }
    fn read_key_id(&self) -> Result<Option<String>> {
        match std::fs::read_to_string(self.key_id()) {
            Ok(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
    fn write_key_id(&self, id: &str) -> Result<()> {
        let tmp = self.dir.join(format!("{KEY_ID_FILE}.part"));
        std::fs::write(&tmp, id)?;
        std::fs::rename(tmp, self.key_id())?;
        Ok(())
    }
}

fn remove_with_sidecars(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Opens the data folder `dir` with the keychain's key, creating it at first start and
/// converting an earlier version's unencrypted file.
pub async fn open(dir: &Path, keychain: &Keychain) -> Result<Unlock> {
    open_with_clock(dir, keychain, Arc::new(SystemClock)).await
}

/// [`open`] with a chosen clock.
pub async fn open_with_clock(dir: &Path, keychain: &Keychain, clock: Arc<dyn Clock>) -> Result<Unlock> {
    std::fs::create_dir_all(dir)?;
    make_private(dir)?;
    let files = Files { dir: dir.to_path_buf() };
    finish_interrupted_conversion(&files)?;
    let restored = crate::backup::apply_pending(dir, clock.now())?;
    let opened = open_existing(dir, &files, keychain, clock).await;
    if let Some(kept) = restored
        && !matches!(opened, Ok(Unlock::Ready(_)))
    {
        crate::backup::undo_restore(dir, &kept)?;
    }
    opened
}

async fn open_existing(
    dir: &Path,
    files: &Files,
    keychain: &Keychain,
    clock: Arc<dyn Clock>,
) -> Result<Unlock> {
    if !files.db().exists() {
        let key = DatabaseKey::generate();
        let key_id = uuid::Uuid::new_v4().to_string();
        keychain.save(&key_id, &key)?;
        let signer = keychain.device_key(&key_id)?;
        files.write_key_id(&key_id)?;
        let desk = Desk::open_signed(dir, &key, &signer, clock).await?;
        make_private(dir)?;
        return Ok(Unlock::Ready(Box::new(desk)));
    }
    if db::is_plaintext(&files.db())? {
        convert(files, keychain).await?;
    }
    let Some(key_id) = files.read_key_id()? else {
        return Ok(Unlock::NeedsRecoveryKey(RecoveryReason::MissingKey));
    };
    let Some(key) = keychain.load(&key_id)? else {
        return Ok(Unlock::NeedsRecoveryKey(RecoveryReason::MissingKey));
    };
    let signer = keychain.device_key(&key_id)?;
    match Desk::open_signed(dir, &key, &signer, clock).await {
        Ok(desk) => {
            // The files SQLite made since (its journal) are the owner's alone too.
            make_private(dir)?;
            Ok(Unlock::Ready(Box::new(desk)))
        }
        Err(Error::KeyRejected) => Ok(Unlock::NeedsRecoveryKey(RecoveryReason::WrongKey)),
        Err(e) => Err(e),
    }
}

/// Opens the data with the recovery key typed or scanned from the recovery kit, and keeps
/// that key in this laptop's keychain for the next start. A key that does not open the file
/// is a `recovery_key` field error; the file is not touched.
pub async fn recover(dir: &Path, keychain: &Keychain, recovery_code: &str) -> Result<Desk> {
    recover_with_clock(dir, keychain, recovery_code, Arc::new(SystemClock)).await
}

/// [`recover`] with a chosen clock.
pub async fn recover_with_clock(
    dir: &Path,
    keychain: &Keychain,
    recovery_code: &str,
    clock: Arc<dyn Clock>,
) -> Result<Desk> {
    let key = DatabaseKey::from_recovery_code(recovery_code)?;
    let files = Files { dir: dir.to_path_buf() };
    if !files.db().exists() {
        return Err(Error::NotFound { entity: "database", id: files.db().display().to_string() });
    }
    // Check the key on a single read-only connection first: a pool would try to migrate.
    if !key_opens(&files.db(), &key).await? {
        return Err(Error::field("recovery_key", "wrong_key"));
    }
    let key_id = match files.read_key_id()? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            files.write_key_id(&id)?;
            id
        }
    };
    // A laptop that lost its keychain also lost its signing key: a new one is made (other
    // laptops see a new key and must pair it again, see docs/threat-model.md).
    let signer = keychain.device_key(&key_id)?;
    let desk = Desk::open_signed(dir, &key, &signer, clock).await?;
    keychain.save(&key_id, &key)?;
    Ok(desk)
}

/// Whether `key` opens the database at `path` (read-only, nothing written).
async fn key_opens(path: &Path, key: &DatabaseKey) -> Result<bool> {
    let opts = db::connect_options(path, key).read_only(true).create_if_missing(false);
    let opened = async {
        let mut conn = opts.connect().await?;
        let read =
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master").fetch_one(&mut conn).await;
        let _ = conn.close().await;
        read
    }
    .await;
    match opened.map_err(db::key_error) {
        Ok(_) => Ok(true),
        Err(Error::KeyRejected) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The key of the open data folder, for the recovery kit (administrators).
pub async fn recovery_code(desk: &Desk, keychain: &Keychain) -> Result<String> {
    desk.require(crate::access::Action::RecoveryKit)?;
    let files = Files { dir: desk.data_dir().to_path_buf() };
    let key_id = files.read_key_id()?.ok_or_else(|| Error::Storage("key id file missing".into()))?;
    let key = keychain.load(&key_id)?.ok_or_else(|| Error::Storage("keychain entry missing".into()))?;
    Ok(key.recovery_code())
}

/// Puts the folder back in a consistent state after a conversion that stopped half-way.
fn finish_interrupted_conversion(files: &Files) -> Result<()> {
    let old = files.plain_old();
    if old.exists() {
        if files.db().exists() && !db::is_plaintext(&files.db())? {
            // The swap happened; only the removal of the old file was left.
            remove_with_sidecars(&old)?;
        } else if !files.db().exists() {
            std::fs::rename(&old, files.db())?;
        }
    }
    if files.encrypting().exists() {
        remove_with_sidecars(&files.encrypting())?;
    }
    Ok(())
}

async fn table_counts(conn: &mut SqliteConnection, schema: &str) -> Result<Vec<(String, i64)>> {
    let tables: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for t in tables {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {schema}.\"{t}\"")))
                .fetch_one(&mut *conn)
                .await?;
        out.push((t, n));
    }
    Ok(out)
}

/// Converts the unencrypted database of an earlier version (see the module invariants).
async fn convert(files: &Files, keychain: &Keychain) -> Result<()> {
    let key = DatabaseKey::generate();
    let key_id = uuid::Uuid::new_v4().to_string();
    let target = files.encrypting();
    remove_with_sidecars(&target)?;
    // The file exists; "create" lets ATTACH make the encrypted copy beside it.
    let mut plain = db::plain_options(&files.db()).create_if_missing(true).connect().await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut plain).await?;
    let attach = format!(
        "ATTACH DATABASE '{}' AS encrypted KEY {}",
        target.display().to_string().replace('\'', "''"),
        key.pragma_value().as_str()
    );
    let attach = zeroize::Zeroizing::new(attach);
    let result = async {
        sqlx::query(sqlx::AssertSqlSafe(attach.as_str())).execute(&mut plain).await?;
        sqlx::query("SELECT sqlcipher_export('encrypted')").execute(&mut plain).await?;
        let before = table_counts(&mut plain, "main").await?;
        let after = table_counts(&mut plain, "encrypted").await?;
        sqlx::query("DETACH DATABASE encrypted").execute(&mut plain).await?;
        Ok::<_, Error>((before, after))
    }
    .await;
    let _ = plain.close().await;
    let (before, after) = match result {
        Ok(v) => v,
        Err(e) => {
            remove_with_sidecars(&target)?;
            return Err(e);
        }
    };
    // Verify the new file on its own connection with the key.
    let mut check = db::connect_options(&target, &key).create_if_missing(false).connect().await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut check).await?;
    let reread = table_counts(&mut check, "main").await?;
    let _ = check.close().await;
    if integrity != "ok" || before != after || before != reread {
        remove_with_sidecars(&target)?;
        return Err(Error::Storage(format!(
            "the encrypted copy did not verify (integrity {integrity}); the unencrypted file is unchanged"
        )));
    }
    keychain.save(&key_id, &key)?;
    files.write_key_id(&key_id)?;
    std::fs::rename(files.db(), files.plain_old())?;
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", files.db().display()));
    }
    std::fs::rename(&target, files.db())?;
    remove_with_sidecars(&files.plain_old())?;
    Ok(())
}

/// Keeps the data folder to its owner: mode 0700 on Unix for it and the folders in it and
/// 0600 for every file, so no other account of the computer can list or read anything in it
/// (the database, backups, the chain head, the exchange folder and the log alike). On Windows
/// the per-user profile folder's ACL already does this.
pub fn make_private(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let set = |p: &Path, want: u32| -> std::io::Result<()> {
            let meta = std::fs::symlink_metadata(p)?;
            if !meta.file_type().is_symlink() && meta.permissions().mode() & 0o777 != want {
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(want))?;
            }
            Ok(())
        };
        set(dir, 0o700)?;
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d)?.flatten() {
                let Ok(kind) = e.file_type() else { continue };
                if kind.is_dir() {
                    set(&e.path(), 0o700)?;
                    stack.push(e.path());
                } else if kind.is_file() {
                    set(&e.path(), 0o600)?;
                }
            }
        }
    }
    let _ = dir;
    Ok(())
}
