//! Sharing between laptops without a server: export to a bundle, preview and apply an import,
//! the conflict queue, and who this file has exchanged with.
//!
//! Merge rules (the reason records are merge-ready, see `records`):
//! - records match by `id`; each field carries the hybrid logical clock of its last change
//!   (`field_hlc`, falling back to the row's creation clock `*`), and the later clock wins,
//!   field by field, so that laptops exchanging bundles in any order end with the same data;
//! - a field whose two values were both changed since the two laptops last exchanged (neither
//!   side's clock is known to the other, see `sync_peer`) is also recorded in the conflict
//!   queue (`sync_conflict`) for a person to confirm the kept value or take the other one;
//! - deletions are the `deleted_at` field and travel like any other;
//! - importing the same bundle again finds every clock equal and writes nothing; an older
//!   bundle's clocks are all lower and change nothing;
//! - the whole import is one transaction: it applies completely or not at all.

pub mod bundle;
mod catalogue;
mod merge;
pub mod trust;

pub use bundle::{Limits, Manifest, Scope};
pub use catalogue::TABLES;
pub use merge::{
    ApplyChoices, ConflictItem, Duplicate, ImportOutcome, KindCount, Peer, Preview, apply, conflicts, peers,
    preview, resolve,
};

use crate::access::Action;
use crate::desk::Desk;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use ts_rs::TS;

/// Where progress goes: `(phase, done, total)`.
type Sink = Arc<dyn Fn(&str, u64, u64) + Send + Sync>;

/// Reports progress of a long operation and carries its cancel flag.
#[derive(Clone)]
pub struct Progress {
    cancel: Arc<AtomicBool>,
    sink: Sink,
}

impl Progress {
    /// Progress sent to `sink(phase, done, total)`, cancelled when `cancel` is set.
    pub fn new(cancel: Arc<AtomicBool>, sink: impl Fn(&str, u64, u64) + Send + Sync + 'static) -> Self {
        Progress { cancel, sink: Arc::new(sink) }
    }

    /// Progress nobody watches and nobody cancels.
    pub fn silent() -> Self {
        Progress::new(Arc::new(AtomicBool::new(false)), |_, _, _| {})
    }

    /// Reports a step; `cancelled` once the flag is set (the caller's transaction rolls back).
    pub fn step(&self, phase: &str, done: u64, total: u64) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        (self.sink)(phase, done, total);
        Ok(())
    }
}

/// What to export.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ExportScope {
    All,
    Partners { ids: Vec<String> },
    Event { id: String },
}

/// A bundle made by [`export`].
#[derive(Debug)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
    /// `ChannelDesk-<device code>-<yyyymmdd-hhmm>.cdbundle`.
    pub file_name: String,
}

/// The shortest passphrase accepted for sealing a bundle.
pub const MIN_PASSPHRASE: usize = 8;

/// Exports `scope` (sealed with `passphrase` when given) with every record it takes, its
/// attachments and the manifest. Reads one consistent snapshot; writes an `export` audit entry.
pub async fn export(
    desk: &Desk,
    scope: &ExportScope,
    passphrase: Option<&str>,
    progress: &Progress,
) -> Result<Exported> {
    desk.require(Action::DataExchange)?;
    let passphrase = passphrase.filter(|p| !p.is_empty());
    if let Some(p) = passphrase
        && p.chars().count() < MIN_PASSPHRASE
    {
        return Err(Error::Validation(vec![crate::error::FieldError::with_limit(
            "passphrase",
            "too_short",
            MIN_PASSPHRASE as u32,
        )]));
    }
    let actor = desk.actor().ok_or(Error::Locked)?;
    let mut conn = desk.pool().acquire().await?;
    let scope = resolve_scope(&mut conn, scope).await?;
    sqlx::query("CREATE TEMP TABLE IF NOT EXISTS share_partner (id TEXT PRIMARY KEY)")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM temp.share_partner").execute(&mut *conn).await?;
    if let Scope::Partners { ids } = &scope {
        for chunk in ids.chunks(500) {
            let mut qb =
                sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT OR IGNORE INTO temp.share_partner (id) ");
            qb.push_values(chunk, |mut b, id| {
                b.push_bind(id.clone());
            });
            qb.build().execute(&mut *conn).await?;
        }
    }
    let result = read_snapshot(&mut conn, &scope, progress).await;
    let _ = sqlx::query("DELETE FROM temp.share_partner").execute(&mut *conn).await;
    drop(conn);
    let (entries, counts, knows) = result?;
    let keys: Vec<bundle::KnownKey> = sqlx::query_as::<_, (String, String, String)>(
        "SELECT device_id, device_code, public_key FROM device_key ORDER BY device_id, public_key",
    )
    .fetch_all(desk.pool())
    .await?
    .into_iter()
    .map(|(device_id, device_code, public_key)| bundle::KnownKey { device_id, device_code, public_key })
    .collect();
    let now = desk.now();
    let manifest = Manifest {
        format: bundle::FORMAT,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        device_id: desk.device().id.clone(),
        device_code: desk.device().short_code.clone(),
        user_id: actor.id.clone(),
        user_name: actor.name.clone(),
        exported_at: crate::desk::rfc3339(now),
        scope: scope.clone(),
        knows,
        counts: counts.clone(),
        entries: vec![],
        public_key: desk.signer().public_hex(),
        head: crate::audit::kept_head(desk.data_dir()),
        keys,
    };
    progress.step("pack", 0, 1)?;
    let pass = passphrase.map(str::to_owned);
    let signer = desk.signer().clone();
    let (bytes, manifest) = tokio::task::spawn_blocking(move || {
        let m = manifest.clone();
        bundle::write(manifest, &entries, pass.as_deref(), &signer).map(|b| (b, m))
    })
    .await
    .map_err(|e| Error::Storage(e.to_string()))??;
    progress.step("pack", 1, 1)?;
    let mut w = desk.write().await?;
    let mut ch = crate::audit::Changes::new();
    ch.set("scope", &manifest.scope);
    ch.set("counts", &counts);
    ch.set("sealed", &passphrase.is_some());
    crate::audit::record(&mut w, "export", "bundle", &desk.device().id, &ch).await?;
    w.commit().await?;
    let file_name =
        format!("ChannelDesk-{}-{}.cdbundle", desk.device().short_code, now.format("%Y%m%d-%H%M%S"));
    Ok(Exported { bytes, manifest, file_name })
}

async fn resolve_scope(conn: &mut sqlx::SqliteConnection, scope: &ExportScope) -> Result<Scope> {
    Ok(match scope {
        ExportScope::All => Scope::All,
        ExportScope::Partners { ids } => {
            if ids.is_empty() {
                return Err(Error::field("partners", "required"));
            }
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            for id in &ids {
                crate::records::require_live(conn, "partner", id, "partners").await?;
            }
            Scope::Partners { ids }
        }
        ExportScope::Event { id } => {
            let ev: Option<(String, String)> =
                sqlx::query_as("SELECT number, name FROM trade_event WHERE id = ? AND deleted_at IS NULL")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            let (number, name) = ev.ok_or_else(|| Error::field("event", "unknown"))?;
            Scope::Event { id: id.clone(), number, name }
        }
    })
}

type Snapshot = (Vec<(String, Vec<u8>)>, BTreeMap<String, u64>, BTreeMap<String, String>);

async fn read_snapshot(
    conn: &mut sqlx::SqliteConnection,
    scope: &Scope,
    progress: &Progress,
) -> Result<Snapshot> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    if let Scope::Event { id, .. } = scope {
        sqlx::query(
            "INSERT OR IGNORE INTO temp.share_partner (id)
             SELECT partner_id FROM prospect WHERE event_id = ? AND deleted_at IS NULL",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    // A selection carries the entries that cover its rows' changes (every clock of every row
    // it takes), so that the laptop importing it can check each change's signature.
    let partial = !matches!(scope, Scope::All);
    if partial {
        sqlx::query("CREATE TEMP TABLE IF NOT EXISTS share_clock (c TEXT PRIMARY KEY)")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM temp.share_clock").execute(&mut *tx).await?;
    }
    let mut entries = Vec::new();
    let mut counts = BTreeMap::new();
    let total = catalogue::TABLES.len() as u64;
    for (i, shared) in catalogue::TABLES.iter().enumerate() {
        progress.step("export", i as u64, total)?;
        let cols = catalogue::columns(&mut tx, shared.name).await?;
        let object = json_object_sql(&cols);
        let filter = match scope {
            Scope::All => None,
            _ => catalogue::condition(shared),
        };
        let (from, filter_sql) = match (&filter, shared.name) {
            (Some(c), "trade_event") => ("trade_event".to_string(), format!(" WHERE {c}")),
            (Some(c), _) => (shared.name.to_string(), format!(" WHERE {c}")),
            (None, "trade_event") if !matches!(scope, Scope::All) => {
                // A selection takes only the events its leads were captured at.
                (
                    "trade_event".to_string(),
                    " WHERE id IN (SELECT event_id FROM prospect WHERE partner_id IN (SELECT id FROM temp.share_partner))"
                        .to_string(),
                )
            }
            (None, _) => (shared.name.to_string(), String::new()),
        };
        let filter_sql = if partial && shared.name == "audit_log" {
            format!("{filter_sql} OR hlc IN (SELECT c FROM temp.share_clock)")
        } else {
            filter_sql
        };
        if partial && shared.name != "audit_log" {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT OR IGNORE INTO temp.share_clock (c) SELECT hlc FROM {from}{filter_sql}
                 UNION SELECT j.value FROM (SELECT field_hlc FROM {from}{filter_sql}) t, json_each(t.field_hlc) j"
            )))
            .execute(&mut *tx)
            .await?;
        }
        let order = if shared.name == "audit_log" { "seq" } else { "id" };
        // One value per table: rows handed over one by one cost more than building them.
        let (n, body): (i64, Option<String>) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT count(*), group_concat(line, char(10)) FROM
               (SELECT {object} AS line FROM {from}{filter_sql} ORDER BY {order})"
        )))
        .fetch_one(&mut *tx)
        .await?;
        counts.insert(shared.name.to_string(), n as u64);
        let Some(mut body) = body.filter(|_| n > 0) else {
            continue;
        };
        body.push('\n');
        entries.push((format!("rows/{}.jsonl", shared.name), body.into_bytes()));
        if shared.name == "attachment" {
            let files: Vec<(String, Vec<u8>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, bytes FROM attachment{filter_sql} ORDER BY id"
            )))
            .fetch_all(&mut *tx)
            .await?;
            for (id, bytes) in files {
                entries.push((format!("files/{id}"), bytes));
            }
        }
    }
    let mut knows: BTreeMap<String, String> = sqlx::query_as::<_, (String, String)>(
        "SELECT device_id, known_hlc FROM sync_peer WHERE known_hlc <> ''",
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let (own_id, own_last): (String, String) =
        sqlx::query_as("SELECT id, last_hlc FROM device WHERE singleton = 1").fetch_one(&mut *tx).await?;
    knows.insert(own_id, own_last);
    tx.commit().await?;
    progress.step("export", total, total)?;
    Ok((entries, counts, knows))
}

/// `json_object('a', a, 'b', b, …)` over `cols` (SQLite builds each row's JSON line).
fn json_object_sql(cols: &[catalogue::Column]) -> String {
    let parts: Vec<String> = cols.iter().map(|c| format!("'{0}', {0}", c.name)).collect();
    format!("json_object({})", parts.join(", "))
}

/// A bundle read, checked and parsed into rows per table; not yet compared with this file.
#[derive(Debug)]
pub struct Incoming {
    pub manifest: Manifest,
    pub sealed: bool,
    /// SHA-256 of the file as given (the preview and the apply must be of the same file).
    pub token: String,
    pub(crate) tables: HashMap<String, Vec<Row>>,
    pub(crate) files: HashMap<String, Vec<u8>>,
    /// Set by a preview that found nothing at all to write (no record, no clock, no
    /// conflict) for this data folder (device id): its counts.
    pub(crate) settled: std::sync::Mutex<Option<(String, Vec<merge::KindCount>)>>,
}

/// Reads and checks a bundle file's bytes (CPU only: run it off the async threads).
pub fn open(bytes: &[u8], passphrase: Option<&str>, limits: &Limits) -> Result<Incoming> {
    let token = bundle::sha256_hex(bytes);
    let contents = bundle::read(bytes, passphrase, limits)?;
    let mut files = HashMap::new();
    let mut row_entries = Vec::new();
    for (name, bytes) in contents.entries {
        if let Some(id) = name.strip_prefix("files/") {
            files.insert(id.to_string(), bytes);
            continue;
        }
        let table = name.trim_start_matches("rows/").trim_end_matches(".jsonl").to_string();
        if catalogue::find(&table).is_none() {
            return Err(Error::import("unknown_table", table));
        }
        row_entries.push((table, bytes));
    }
    // Tables parse side by side (a bundle of 10,000 partners holds ~50,000 rows).
    let parsed: Vec<Result<Vec<Row>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = row_entries
            .iter()
            .map(|(table, bytes)| scope.spawn(move || parse_rows(table, bytes, limits)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::import("corrupt", "rows".to_string()))))
            .collect()
    });
    let mut tables = HashMap::new();
    for ((table, _), rows) in row_entries.into_iter().zip(parsed) {
        tables.insert(table, rows?);
    }
    Ok(Incoming {
        manifest: contents.manifest,
        sealed: contents.sealed,
        token,
        tables,
        files,
        settled: std::sync::Mutex::new(None),
    })
}

type Row = serde_json::Map<String, serde_json::Value>;

/// The rows of one `rows/<table>.jsonl` entry, each checked: an object of text, integers and
/// nulls, no text over the field limit, an id, decodable clocks.
fn parse_rows(table: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<Row>> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| Error::import("corrupt", format!("rows/{table}.jsonl")))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let at = || format!("{table}:{}", n + 1);
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|_| Error::import("bad_row", at()))?;
        let serde_json::Value::Object(row) = value else {
            return Err(Error::import("bad_row", at()));
        };
        for (col, v) in &row {
            match v {
                serde_json::Value::Null | serde_json::Value::Number(_) => {
                    if v.is_f64() {
                        return Err(Error::import("bad_row", format!("{}.{col}", at())));
                    }
                }
                serde_json::Value::String(s) => {
                    if s.len() > limits.max_field {
                        return Err(Error::import("oversized_field", format!("{}.{col}", at())));
                    }
                }
                _ => return Err(Error::import("bad_row", format!("{}.{col}", at()))),
            }
        }
        match row.get("id") {
            Some(serde_json::Value::String(id)) if !id.is_empty() && id.len() <= 64 => {}
            _ => return Err(Error::import("bad_row", format!("{}.id", at()))),
        }
        if table != "audit_log" {
            let hlc_ok = row
                .get("hlc")
                .and_then(|v| v.as_str())
                .is_some_and(|h| h.is_empty() || crate::hlc::Hlc::decode(h).is_some());
            let clocks_ok = row
                .get("field_hlc")
                .and_then(|v| v.as_str())
                .and_then(|s| serde_json::from_str::<BTreeMap<String, String>>(s).ok())
                .is_some_and(|m| m.values().all(|h| h.is_empty() || crate::hlc::Hlc::decode(h).is_some()));
            if !hlc_ok || !clocks_ok {
                return Err(Error::import("bad_row", format!("{}.hlc", at())));
            }
        }
        rows.push(row);
    }
    Ok(rows)
}
