//! The [`Desk`]: what every operation receives (pool, clock, device, current user, HLC).
//!
//! Invariants:
//! - the device row exists once and its id never changes; its two-character short code goes
//!   into numbers people read so that they stay unique across laptops;
//! - every write goes through [`Desk::write`], which opens an IMMEDIATE transaction, stamps the
//!   change (RFC 3339 UTC time, next HLC value, current user) and persists the HLC high-water
//!   mark in the same transaction, so the clock survives restarts monotonic.

use crate::db;
use crate::error::{Error, Result};
use crate::hlc::{Clock, Hlc, HlcState, SystemClock};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use ts_rs::TS;

/// Characters used for device short codes: no 0/O, 1/I/L look-alikes.
const SHORT_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// This laptop's identity.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeviceInfo {
    pub id: String,
    pub short_code: String,
}

/// The person operations are done as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Actor {
    pub id: String,
    pub name: String,
}

/// A change's stamp, shared by the row, its audit entry and the HLC high-water mark.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub now: String,
    pub hlc: String,
    pub user: Actor,
    pub device_id: String,
}

/// An open write transaction with its stamp.
pub struct Write {
    pub tx: Transaction<'static, Sqlite>,
    pub stamp: Stamp,
}

impl Write {
    /// Commits the transaction (the HLC high-water mark was already written in it).
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// Options for [`Desk::open`].
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Login of the operator; defaults to the OS user name.
    pub login: Option<String>,
    /// Display name of the operator; defaults to the login.
    pub display_name: Option<String>,
}

/// What every core operation receives.
#[derive(Debug)]
pub struct Desk {
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
    device: DeviceInfo,
    hlc: HlcState,
    user: RwLock<Actor>,
    data_dir: PathBuf,
}

impl Desk {
    /// Opens the data folder `data_dir` (creating and migrating the database on first use).
    pub async fn open(data_dir: &Path, opts: OpenOptions) -> Result<Desk> {
        Self::open_with_clock(data_dir, opts, Arc::new(SystemClock)).await
    }

    /// Same as [`Desk::open`] with a chosen clock (tests, generated data).
    pub async fn open_with_clock(data_dir: &Path, opts: OpenOptions, clock: Arc<dyn Clock>) -> Result<Desk> {
        let pool = db::open_pool(&data_dir.join(db::DB_FILE)).await?;
        let (device, last_hlc) = ensure_device(&pool, clock.now()).await?;
        let hlc = HlcState::new(device.id.clone(), Hlc::decode(&last_hlc).as_ref());
        let placeholder = Actor { id: String::new(), name: String::new() };
        let desk = Desk {
            pool,
            clock,
            device,
            hlc,
            user: RwLock::new(placeholder),
            data_dir: data_dir.to_path_buf(),
        };
        let login = opts.login.unwrap_or_else(os_login);
        let name = opts.display_name.unwrap_or_else(|| login.clone());
        let actor = crate::users::ensure_local_user(&desk, &login, &name).await?;
        *desk.user.write().unwrap_or_else(|p| p.into_inner()) = actor;
        Ok(desk)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
    pub fn device(&self) -> &DeviceInfo {
        &self.device
    }
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
    /// The signed-in user.
    pub fn user(&self) -> Actor {
        self.user.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
    pub(crate) fn set_user(&self, actor: Actor) {
        *self.user.write().unwrap_or_else(|p| p.into_inner()) = actor;
    }

    /// Today's calendar date in UTC as `YYYY-MM-DD`.
    pub fn today(&self) -> String {
        self.now().format("%Y-%m-%d").to_string()
    }

    /// Begins a write: IMMEDIATE transaction, stamp, HLC high-water mark.
    pub async fn write(&self) -> Result<Write> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let now = self.clock.now();
        let hlc = self.hlc.tick(now).encode();
        sqlx::query("UPDATE device SET last_hlc = ?1 WHERE singleton = 1 AND last_hlc < ?1")
            .bind(&hlc)
            .execute(&mut *tx)
            .await?;
        Ok(Write {
            tx,
            stamp: Stamp { now: rfc3339(now), hlc, user: self.user(), device_id: self.device.id.clone() },
        })
    }

    /// Closes the pool (running `PRAGMA optimize`), waiting for connections to return.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// UTC time as RFC 3339 with milliseconds, the stored form of every timestamp.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A new UUIDv7 (time-ordered) record id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn os_login() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "owner".to_string())
}

async fn ensure_device(pool: &SqlitePool, now: DateTime<Utc>) -> Result<(DeviceInfo, String)> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, short_code, last_hlc FROM device WHERE singleton = 1")
            .fetch_optional(pool)
            .await?;
    if let Some((id, short_code, last)) = row {
        return Ok((DeviceInfo { id, short_code }, last));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let short_code = random_short_code();
    sqlx::query(
        "INSERT INTO device (singleton, id, short_code, created_at) VALUES (1, ?, ?, ?)
         ON CONFLICT(singleton) DO NOTHING",
    )
    .bind(&id)
    .bind(&short_code)
    .bind(rfc3339(now))
    .execute(pool)
    .await?;
    // Another process may have won the race: read back what is stored.
    let (id, short_code, last): (String, String, String) =
        sqlx::query_as("SELECT id, short_code, last_hlc FROM device WHERE singleton = 1")
            .fetch_one(pool)
            .await
            .map_err(Error::from)?;
    Ok((DeviceInfo { id, short_code }, last))
}

fn random_short_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..2).map(|_| SHORT_CODE_ALPHABET[rng.random_range(0..SHORT_CODE_ALPHABET.len())] as char).collect()
}
