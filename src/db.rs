//! Opening the database file: the same pragmas on every connection, migrations compiled into
//! the binary, and the one-row device identity.
//!
//! Invariants: the file is SQLCipher-encrypted: every connection sends the raw key first;
//! a key that does not open the file is reported as `key_rejected` and nothing is written;
//! the derived search entries are at [`crate::search::INDEX_VERSION`] once the file is open;
//! every pooled connection runs with WAL, `synchronous=NORMAL`, `foreign_keys=ON`
//! and a busy timeout; the schema is at the newest migration before any operation runs; a
//! database created by a newer program (an unknown migration) is refused, never altered.

use crate::error::{Error, Result};
use crate::secrets::DatabaseKey;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

/// Migrations under `migrations/`, embedded at compile time.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The file name of the database inside a data folder.
pub const DB_FILE: &str = "channeldesk.sqlite3";

/// Connection options shared by every connection to `path`, keyed with `key`.
pub fn connect_options(path: &Path, key: &DatabaseKey) -> SqliteConnectOptions {
    // `key` is the first pragma sqlx sends, before anything reads the file.
    plain_options(path).pragma("key", key.pragma_value().to_string())
}

/// Options without a key: only for reading a file written by an earlier, unencrypted version.
pub(crate) fn plain_options(path: &Path) -> SqliteConnectOptions {
    // SQLCipher's crypto is OpenSSL, whose default exit handler frees its state while pool
    // threads may still use it (a crash at exit). `init` sets OPENSSL_INIT_NO_ATEXIT, once,
    // before any connection exists.
    openssl_sys::init();
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("temp_store", "memory")
        // SQLCipher decrypts (AES-256 + HMAC-SHA512) every page it reads from the file, and
        // memory-mapped reads do not apply to encrypted files: the page cache, which holds
        // decrypted pages, is what keeps searches fast. 128 MB per connection (two
        // connections) holds the hot part of a register of 100,000 partners (a ~560 MB file).
        .pragma("cache_size", "-131072")
        // The Desk's checkpointer copies the log into the file in the background; SQLite's
        // automatic checkpoint (in the COMMIT that crosses the threshold, a stall felt at the
        // booth) is kept only as a backstop, at 10,000 pages (~40 MB of log).
        .pragma("wal_autocheckpoint", "10000")
        .optimize_on_close(true, None)
}

/// Opens (creating if missing) the database at `path` with `key` and brings it to the newest
/// schema. `key_rejected` when the key does not open the file.
pub async fn open_pool(path: &Path, key: &DatabaseKey) -> Result<SqlitePool> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let pool = SqlitePoolOptions::new()
        // One writer at a time anyway (BEGIN IMMEDIATE); a second connection lets a read run
        // beside a write. Each connection has its own page cache.
        .max_connections(2)
        .min_connections(1)
        .connect_with(connect_options(path, key))
        .await
        .map_err(key_error)?;
    match migrate(&pool).await {
        Ok(()) => Ok(pool),
        Err(e) => {
            // Closed here, not dropped: SQLCipher frees its state in an exit handler, and a
            // connection still closing on a pool thread at that moment crashes the process.
            pool.close().await;
            Err(e)
        }
    }
}

async fn migrate(pool: &SqlitePool) -> Result<()> {
    MIGRATOR.run(pool).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::VersionMissing(v) => {
            Error::Storage(format!("database was written by a newer ChannelDesk (migration {v})"))
        }
        other => Error::from(other),
    })?;
    // Search entries made by an earlier version are made again, once.
    crate::partners::upgrade_index(pool).await?;
    // Keep the planner's statistics current (cheap: bounded by analysis_limit).
    sqlx::query("PRAGMA analysis_limit = 1000").execute(pool).await?;
    sqlx::query("PRAGMA optimize = 0x10002").execute(pool).await?;
    Ok(())
}

/// `PRAGMA integrity_check`: `Ok(())` when SQLite reports `ok`.
pub async fn integrity_check(pool: &SqlitePool) -> Result<()> {
    let problems = integrity_problems(pool).await?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Storage(format!("integrity check failed: {}", problems.join("; "))))
    }
}

/// What `PRAGMA integrity_check` finds (its first five complaints); empty when the file is sound.
pub async fn integrity_problems<'e, E>(db: E) -> Result<Vec<String>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let rows: Vec<String> =
        sqlx::query_scalar("PRAGMA integrity_check(5)").fetch_all(db).await.map_err(key_error)?;
    Ok(if rows.len() == 1 && rows[0] == "ok" { vec![] } else { rows })
}

/// SQLITE_NOTADB: what SQLCipher reports for a wrong key (or a file that is not a database).
const SQLITE_NOTADB: &str = "26";

/// Maps "file is not a database" to [`Error::KeyRejected`].
pub(crate) fn key_error(e: sqlx::Error) -> Error {
    if let sqlx::Error::Database(d) = &e
        && d.code().as_deref() == Some(SQLITE_NOTADB)
    {
        return Error::KeyRejected;
    }
    Error::from(e)
}

/// Whether the file at `path` is an unencrypted SQLite database (its plain-text header).
pub fn is_plaintext(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut header)?;
    Ok(n == 16 && &header == b"SQLite format 3\0")
}
