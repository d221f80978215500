//! The [`Desk`]: what every operation receives (pool, clock, device, HLC and the session of
//! the signed-in user).
//!
//! Invariants:
//! - every guarded operation calls [`Desk::require`] first: it refuses with `locked` when no
//!   one is signed in or the session idled past the lock time, and with `forbidden` when the
//!   user's roles do not allow the action; a kiosk session allows only the kiosk's own action;
//! - the device row exists once and its id never changes; its two-character short code goes
//!   into numbers people read so that they stay unique across laptops;
//! - every write goes through [`Desk::write`], which opens an IMMEDIATE transaction, stamps the
//!   change (RFC 3339 UTC time, next HLC value, current user) and persists the HLC high-water
//!   mark in the same transaction, so the clock survives restarts monotonic.

use crate::access::{self, Action, Role};
use crate::db;
use crate::error::{Error, Result};
use crate::hlc::{Clock, Hlc, HlcState, SystemClock};
use crate::secrets::DatabaseKey;
use crate::signing::DeviceKey;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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
    /// The roles the change was made in (`admin,manager`), or `kiosk`.
    pub role: String,
    pub device_id: String,
}

/// Binds the merge-ready tail of a new row, in this order: `created_at`, `updated_at`,
/// `updated_by`, `hlc`, and the creation clock for `field_hlc = json_object('*', ?)`.
pub trait BindStamp {
    fn bind_stamp(self, s: &Stamp) -> Self;
}

type SqliteArgs = <Sqlite as sqlx::Database>::Arguments;

impl BindStamp for sqlx::query::Query<'_, Sqlite, SqliteArgs> {
    fn bind_stamp(self, s: &Stamp) -> Self {
        self.bind(s.now.clone())
            .bind(s.now.clone())
            .bind(s.user.id.clone())
            .bind(s.hlc.clone())
            .bind(s.hlc.clone())
    }
}

impl<O> BindStamp for sqlx::query::QueryScalar<'_, Sqlite, O, SqliteArgs> {
    fn bind_stamp(self, s: &Stamp) -> Self {
        self.bind(s.now.clone())
            .bind(s.now.clone())
            .bind(s.user.id.clone())
            .bind(s.hlc.clone())
            .bind(s.hlc.clone())
    }
}

/// An open write transaction with its stamp.
pub struct Write {
    pub tx: Transaction<'static, Sqlite>,
    pub stamp: Stamp,
    /// Signs the audit entries of this write (this laptop's key).
    pub(crate) signer: DeviceKey,
    /// The chain's newest `(seq, hash)` once this write appended audit entries: kept beside
    /// the database, signed, after the commit.
    pub(crate) head: Option<(i64, String)>,
    head_file: PathBuf,
    /// Counts committed writes for the background checkpointer.
    commits: Arc<AtomicU64>,
}

impl Write {
    /// Commits the transaction (the HLC high-water mark was already written in it).
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        self.commits.fetch_add(1, Ordering::Relaxed);
        if let Some((seq, hash)) = &self.head {
            crate::audit::write_head(&self.head_file, &self.signer, &self.stamp.device_id, *seq, hash)?;
        }
        Ok(())
    }
}

/// A signed-in person and the roles they act in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SessionUser {
    pub id: String,
    pub login: String,
    pub name: String,
    pub roles: Vec<Role>,
}

impl SessionUser {
    pub fn actor(&self) -> Actor {
        Actor { id: self.id.clone(), name: self.name.clone() }
    }
    fn role_text(&self) -> String {
        self.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// Where the session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SessionState {
    /// No account can sign in yet: the owner must be created.
    Setup,
    SignedOut,
    Active,
    /// Locked by the user or after the idle time: the same user's password unlocks it.
    Locked,
    /// The prospect's application form only; a staff password ends it.
    Kiosk,
}

/// What the UI knows of the session.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionInfo {
    pub state: SessionState,
    pub user: Option<SessionUser>,
    /// What the user may do (empty unless active).
    pub permissions: Vec<Action>,
    pub idle_minutes: u32,
    /// The event a kiosk session records applications under.
    pub kiosk_event: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Session {
    Setup,
    SignedOut,
    Active(SessionUser),
    Locked(SessionUser),
    Kiosk { staff: SessionUser, event: String, event_id: Option<String> },
}

#[derive(Debug)]
struct SessionSlot {
    session: Session,
    last_activity: DateTime<Utc>,
    idle_minutes: u32,
}

impl SessionSlot {
    /// Locks an active session whose last activity is older than the idle time.
    fn lock_if_idle(&mut self, now: DateTime<Utc>) {
        if let Session::Active(u) = &self.session
            && now - self.last_activity > chrono::Duration::minutes(self.idle_minutes as i64)
        {
            self.session = Session::Locked(u.clone());
        }
    }
}

/// What every core operation receives.
#[derive(Debug)]
pub struct Desk {
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
    device: DeviceInfo,
    hlc: HlcState,
    session: Mutex<SessionSlot>,
    data_dir: PathBuf,
    key: DatabaseKey,
    signer: DeviceKey,
    /// Committed writes, read by the checkpointer.
    commits: Arc<AtomicU64>,
    /// Copies the write-ahead log into the database in the background (see [`checkpointer`]);
    /// ended by [`Desk::close`].
    checkpointer: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Desk {
    /// Opens the database of `data_dir` with `key` (creating and migrating it on first use).
    /// Most callers go through [`crate::vault::open`], which finds the key.
    pub async fn open(data_dir: &Path, key: &DatabaseKey) -> Result<Desk> {
        Self::open_with_clock(data_dir, key, Arc::new(SystemClock)).await
    }

    /// Same as [`Desk::open`] with a chosen clock (tests, generated data).
    pub async fn open_with_clock(data_dir: &Path, key: &DatabaseKey, clock: Arc<dyn Clock>) -> Result<Desk> {
        Self::open_signed(data_dir, key, &DeviceKey::generate(), clock).await
    }

    /// Opens the database with `key` and signs as this laptop with `signer` (the keychain's,
    /// through [`crate::vault::open`]). The chain head kept beside the database is checked
    /// before anything is written.
    pub async fn open_signed(
        data_dir: &Path,
        key: &DatabaseKey,
        signer: &DeviceKey,
        clock: Arc<dyn Clock>,
    ) -> Result<Desk> {
        let pool = db::open_pool(&data_dir.join(db::DB_FILE), key).await?;
        let prepared = async {
            crate::audit::seal_unsealed(&pool).await?;
            let device = ensure_device(&pool, clock.now()).await?;
            crate::audit::own_key(&pool, &device.0, signer, &rfc3339(clock.now())).await?;
            crate::audit::check_head(&pool, data_dir, &device.0.id, signer, &rfc3339(clock.now())).await?;
            let can_sign_in = crate::users::any_can_sign_in(&pool).await?;
            let idle_minutes = crate::settings::idle_minutes(&pool).await?;
            Ok::<_, Error>((device, can_sign_in, idle_minutes))
        }
        .await;
        let ((device, last_hlc), can_sign_in, idle_minutes) = match prepared {
            Ok(v) => v,
            Err(e) => {
                // Closed, not dropped (see `Drop`).
                pool.close().await;
                return Err(e);
            }
        };
        let hlc = HlcState::new(device.id.clone(), Hlc::decode(&last_hlc).as_ref());
        let session = if can_sign_in { Session::SignedOut } else { Session::Setup };
        let now = clock.now();
        let commits = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(checkpointer(pool.clone(), commits.clone()));
        Ok(Desk {
            pool,
            clock,
            device,
            hlc,
            session: Mutex::new(SessionSlot { session, last_activity: now, idle_minutes }),
            data_dir: data_dir.to_path_buf(),
            key: key.clone(),
            signer: signer.clone(),
            commits,
            checkpointer: Mutex::new(Some(task)),
        })
    }

    /// Takes a clock seen in imported data into account (later local changes sort after it).
    pub fn observe(&self, remote: &Hlc) {
        self.hlc.observe(remote);
    }

    /// The key of the open database (backups are encrypted with it).
    pub(crate) fn key(&self) -> &DatabaseKey {
        &self.key
    }

    /// This laptop's signing key (audit entries, the chain head, bundles).
    pub(crate) fn signer(&self) -> &DeviceKey {
        &self.signer
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
    fn slot(&self) -> std::sync::MutexGuard<'_, SessionSlot> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The guard of every operation: the signed-in user when their roles allow `action`,
    /// otherwise `locked` (no session, locked, idle too long) or `forbidden`. Counts as
    /// activity for the idle lock.
    pub fn require(&self, action: Action) -> Result<SessionUser> {
        let now = self.clock.now();
        let mut slot = self.slot();
        slot.lock_if_idle(now);
        match slot.session.clone() {
            Session::Active(user) => {
                if !access::any_allows(&user.roles, action) {
                    return Err(Error::Forbidden(action.as_str().to_string()));
                }
                slot.last_activity = now;
                Ok(user)
            }
            Session::Kiosk { staff, .. } if action == Action::ApplicationSubmit => Ok(staff),
            Session::Kiosk { .. } => Err(Error::Forbidden("kiosk".to_string())),
            _ => Err(Error::Locked),
        }
    }

    /// The session as the UI shows it (locks it first when it idled too long).
    pub fn session_info(&self) -> SessionInfo {
        let now = self.clock.now();
        let mut slot = self.slot();
        slot.lock_if_idle(now);
        let (state, user, event) = match &slot.session {
            Session::Setup => (SessionState::Setup, None, None),
            Session::SignedOut => (SessionState::SignedOut, None, None),
            Session::Active(u) => (SessionState::Active, Some(u.clone()), None),
            Session::Locked(u) => (SessionState::Locked, Some(u.clone()), None),
            Session::Kiosk { staff, event, .. } => {
                (SessionState::Kiosk, Some(staff.clone()), Some(event.clone()))
            }
        };
        let permissions = match (&slot.session, &user) {
            (Session::Active(_), Some(u)) => access::permitted(&u.roles),
            (Session::Kiosk { .. }, _) => vec![Action::ApplicationSubmit],
            _ => vec![],
        };
        SessionInfo { state, user, permissions, idle_minutes: slot.idle_minutes, kiosk_event: event }
    }

    /// The signed-in (or kiosk-starting) user's name and id, for stamps; `None` otherwise.
    pub fn actor(&self) -> Option<Actor> {
        match &self.slot().session {
            Session::Active(u) | Session::Locked(u) | Session::Kiosk { staff: u, .. } => Some(u.actor()),
            _ => None,
        }
    }

    /// The event a kiosk session records applications under, when it was started for one.
    pub(crate) fn kiosk_event_id(&self) -> Option<String> {
        match &self.slot().session {
            Session::Kiosk { event_id, .. } => event_id.clone(),
            _ => None,
        }
    }

    pub(crate) fn session(&self) -> Session {
        self.slot().session.clone()
    }

    pub(crate) fn set_session(&self, session: Session) {
        let now = self.clock.now();
        let mut slot = self.slot();
        slot.session = session;
        slot.last_activity = now;
    }

    /// Marks activity (the UI reports keyboard and mouse use) so the idle lock waits;
    /// `locked` when the session already idled out.
    pub fn touch(&self) -> Result<SessionInfo> {
        let info = self.session_info();
        if info.state == SessionState::Active {
            self.slot().last_activity = self.clock.now();
        }
        Ok(info)
    }

    /// Locks the session now (Ctrl/Cmd+L); the same user's password unlocks it.
    pub fn lock(&self) -> SessionInfo {
        {
            let mut slot = self.slot();
            if let Session::Active(u) = slot.session.clone() {
                slot.session = Session::Locked(u);
            }
        }
        self.session_info()
    }

    pub(crate) fn set_idle_minutes(&self, minutes: u32) {
        self.slot().idle_minutes = minutes;
    }

    /// Today's calendar date in UTC as `YYYY-MM-DD`.
    pub fn today(&self) -> String {
        self.now().format("%Y-%m-%d").to_string()
    }

    /// Begins a write as the signed-in user: IMMEDIATE transaction, stamp, HLC high-water
    /// mark. `locked` when no one is signed in.
    pub async fn write(&self) -> Result<Write> {
        if self.actor().is_none() {
            return Err(Error::Locked);
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let now = self.clock.now();
        let hlc = self.hlc.tick(now).encode();
        sqlx::query("UPDATE device SET last_hlc = ?1 WHERE singleton = 1 AND last_hlc < ?1")
            .bind(&hlc)
            .execute(&mut *tx)
            .await?;
        let (user, role) = match self.session() {
            Session::Active(u) => (u.actor(), u.role_text()),
            Session::Kiosk { staff, .. } => (staff.actor(), "kiosk".to_string()),
            _ => return Err(Error::Locked),
        };
        Ok(Write {
            tx,
            stamp: Stamp { now: rfc3339(now), hlc, user, role, device_id: self.device.id.clone() },
            signer: self.signer.clone(),
            head: None,
            head_file: self.data_dir.join(crate::audit::HEAD_FILE),
            commits: self.commits.clone(),
        })
    }

    /// Ends the checkpointer and closes the pool (running `PRAGMA optimize`), waiting for
    /// every connection thread to finish.
    pub async fn close(&self) {
        let task = self.checkpointer.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
        self.pool.close().await;
    }
}

/// How often the checkpointer looks for committed writes.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Upkeep of the database file off the typing path, measured in `docs/benchmarks.md` (lead
/// capture at 100,000 partners): the copy of the write-ahead log into the file and the
/// search indexes' segment merges. Both used to run inside whichever COMMIT crossed their
/// threshold: SQLite checkpointed a thousand encrypted pages in about every 16th lead
/// capture (~20 ms), FTS5 merged segments in every 16th and 64th write (20–75 ms).
///
/// The automatic checkpoint now waits for 10,000 pages (`db.rs`, a backstop) and automatic
/// merging is off (migration `20261203140000_search_upkeep.sql`, with a crisis merge past 64
/// segments as the backstop). Every half second after a commit this task runs a PASSIVE
/// checkpoint (it never waits for, nor blocks, the writer); once no commit came for half a
/// second it merges in steps (one per index, 12–30 ms holding the write lock at 30,000
/// partners) for up to 200 ms a tick, until nothing is left: a person typing leads is never
/// the one who waits for a merge, unless they save during the one step that is running. A
/// failure (the file busy) is tried again at the next tick; the task ends with the pool.
async fn checkpointer(pool: SqlitePool, commits: Arc<AtomicU64>) {
    let mut seen = 0;
    let mut merging = false;
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            return;
        }
        let now = commits.load(Ordering::Relaxed);
        if now != seen {
            seen = now;
            merging = true;
        } else if merging {
            // Idle: merge steps for up to a fifth of a second, stopping when a commit comes.
            let until = std::time::Instant::now() + MERGE_PER_TICK;
            while merging && std::time::Instant::now() < until && commits.load(Ordering::Relaxed) == seen {
                merging = merge_search_indexes(&pool).await.unwrap_or(true);
            }
        } else {
            continue;
        }
        let _ = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await;
    }
}

/// How long an idle tick merges (a backlog left by an import drains at ~40 % of one core).
const MERGE_PER_TICK: std::time::Duration = std::time::Duration::from_millis(200);

/// The search indexes merged by FTS5 in the background (see [`checkpointer`]).
const SEARCH_INDEXES: [&str; 3] = ["partner_fts", "research_fts", "find_fts"];

/// One step of FTS5's segment merging in each search index; whether work is left.
async fn merge_search_indexes(pool: &SqlitePool) -> Result<bool> {
    let mut conn = pool.acquire().await?;
    let mut left = false;
    for table in SEARCH_INDEXES {
        let before: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {table}({table}, rank) VALUES ('merge', 64)")))
            .execute(&mut *conn)
            .await?;
        let after: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
        // FTS5: a merge step that changed fewer than two rows found nothing to merge.
        left |= after - before >= 2;
    }
    Ok(left)
}

impl Drop for Desk {
    /// A Desk dropped without [`Desk::close`] leaves its connections open until the process
    /// ends. SQLCipher frees its global state in an exit handler; a pool thread still running
    /// `sqlite3_close` at that moment crashes the process, and closing here cannot be awaited.
    /// Committed data is safe either way (WAL); the program closes its Desk explicitly.
    fn drop(&mut self) {
        if !self.pool.is_closed() {
            std::mem::forget(self.pool.clone());
        }
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
