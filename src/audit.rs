//! R1.1: the audit trail. Every change that matters writes one entry in the same transaction
//! as the change itself, so a change and its trace commit or roll back together.
//!
//! Invariants:
//! - entries are append-only (SQL triggers refuse UPDATE and DELETE of a sealed entry);
//!   `changes` is a JSON object `{field: [before, after]}` of the fields the operation changed;
//! - entries form a hash chain in `seq` order: `hash = SHA-256(canonical(prev_hash, fields))`
//!   and `prev_hash` is the hash of the entry before (empty for the first), so [`verify`]
//!   finds an entry edited, inserted or removed through plain SQL; the chain is written inside
//!   the change's IMMEDIATE transaction, so two writers never fork it;
//! - every entry is signed by the laptop that made it (`sig`, Ed25519 over its content, see
//!   [`crate::signing`]); entries travel between laptops with their signatures and are
//!   re-chained, never re-signed, by the laptop that imports them;
//! - the chain's newest `(seq, hash)` is also kept beside the database in [`HEAD_FILE`],
//!   signed, rewritten after every commit that appended entries; at every open and every
//!   [`verify`] the database must still hold that entry, and `seq` must have no gap, so
//!   cutting the newest entries or rebuilding the chain with the database key alone is
//!   found. What an open found wrong is kept in [`ALARM_FILE`] and reported by [`verify`].

use crate::access::Action;
use crate::desk::{Desk, Write, new_id};
use crate::error::{Error, Result};
use crate::signing::{self, DeviceKey, Purpose};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use std::collections::HashMap;
use ts_rs::TS;

/// One kind of record the trail speaks of (`audit_log.entity`) and the SQL expression, over
/// `entity_id`, that names such a record for people (its number, title or partner), if any.
pub struct Kind {
    pub entity: &'static str,
    name_sql: Option<&'static str>,
}

const fn kind(entity: &'static str, name_sql: Option<&'static str>) -> Kind {
    Kind { entity, name_sql }
}

/// The partner's name of a record with a `partner_id` column in `table`.
macro_rules! partner_of {
    ($table:literal) => {
        Some(concat!(
            "(SELECT p.name FROM ",
            $table,
            " x JOIN partner p ON p.id = x.partner_id WHERE x.id = entity_id)"
        ))
    };
}

/// Every kind of record an entry may be about. The shared tables a merge resolves conflicts
/// in ([`crate::share::TABLES`]) are kinds too; [`record_many`] refuses (in debug
/// builds, so every test finds it) a kind missing here, and the UI has a label for each.
pub const KINDS: &[Kind] = &[
    kind("partner", Some("(SELECT name FROM partner WHERE id = entity_id)")),
    kind("user", Some("(SELECT display_name FROM app_user WHERE id = entity_id)")),
    kind("app_user", Some("(SELECT display_name FROM app_user WHERE id = entity_id)")),
    kind("session", Some("(SELECT display_name FROM app_user WHERE id = entity_id)")),
    kind("application", Some("(SELECT company_name FROM application WHERE id = entity_id)")),
    kind("trade_event", Some("(SELECT name || ' · ' || number FROM trade_event WHERE id = entity_id)")),
    kind("research_note", Some("(SELECT title FROM research_note WHERE id = entity_id)")),
    kind(
        "screening_scheme",
        Some("(SELECT name || ' v' || version FROM screening_scheme WHERE id = entity_id)"),
    ),
    kind("agreement", Some("(SELECT number || ' · ' || title FROM agreement WHERE id = entity_id)")),
    kind("agreement_template", Some("(SELECT name FROM agreement_template WHERE id = entity_id)")),
    kind("clause", Some("(SELECT title || ' v' || version FROM clause WHERE id = entity_id)")),
    kind(
        "evaluation",
        Some(
            "CASE WHEN entity_id LIKE 'round-%' THEN substr(entity_id, 7) ELSE
             (SELECT p.name || ' · ' || x.period FROM evaluation x JOIN partner p ON p.id = x.partner_id
              WHERE x.id = entity_id) END",
        ),
    ),
    kind(
        "evaluation_scheme",
        Some("(SELECT name || ' v' || version FROM evaluation_scheme WHERE id = entity_id)"),
    ),
    kind("sales_order", Some("(SELECT number FROM sales_order WHERE id = entity_id)")),
    kind("statement", Some("(SELECT number FROM statement WHERE id = entity_id)")),
    kind(
        "statement_dispute",
        Some(
            "(SELECT s.number FROM statement_dispute x JOIN statement s ON s.id = x.statement_id WHERE x.id = entity_id)",
        ),
    ),
    kind("risk", Some("(SELECT number || ' · ' || title FROM risk WHERE id = entity_id)")),
    kind("product", Some("(SELECT name FROM product WHERE id = entity_id)")),
    kind(
        "price",
        Some("(SELECT p.name FROM price x JOIN product p ON p.id = x.product_id WHERE x.id = entity_id)"),
    ),
    kind("payment", partner_of!("payment")),
    kind("shipment", partner_of!("shipment")),
    kind("credit_note", partner_of!("credit_note")),
    kind("reward", partner_of!("reward")),
    kind("award", partner_of!("award")),
    kind("aftersales_case", partner_of!("aftersales_case")),
    kind("credit_rating", partner_of!("credit_rating")),
    kind("credit_response", partner_of!("credit_response")),
    kind("promotion_goal", Some("(SELECT title FROM promotion_goal WHERE id = entity_id)")),
    kind("promotion_strategy", Some("(SELECT title FROM promotion_strategy WHERE id = entity_id)")),
    kind("promotion_activity", Some("(SELECT theme FROM promotion_activity WHERE id = entity_id)")),
    kind(
        "control_procedure",
        Some("(SELECT title || ' ' || version FROM control_procedure WHERE id = entity_id)"),
    ),
    kind("staff_training", Some("(SELECT title FROM staff_training WHERE id = entity_id)")),
    kind("credit_scheme", Some("(SELECT 'v' || version FROM credit_scheme WHERE id = entity_id)")),
    kind("partner_contact", partner_of!("partner_contact")),
    kind("prospect", partner_of!("prospect")),
    kind("stage_move", partner_of!("stage_move")),
    kind("scorecard", partner_of!("scorecard")),
    kind("inspection", partner_of!("inspection")),
    kind("negotiation", partner_of!("negotiation")),
    kind("referral", partner_of!("referral")),
    kind("class_change", partner_of!("class_change")),
    kind("contact_log", partner_of!("contact_log")),
    kind("follow_up", partner_of!("follow_up")),
    kind("training", partner_of!("training")),
    kind("support_request", partner_of!("support_request")),
    kind("attachment", None),
    kind("agreement_version", None),
    kind("agreement_review", None),
    kind("agreement_comment", None),
    kind("agreement_copy", None),
    kind("execution_report", None),
    kind("evaluation_score", None),
    kind("evaluation_measure", None),
    kind("order_line", None),
    kind("shipment_line", None),
    kind("promotion_log", None),
    kind("risk_measure", None),
    kind("risk_review", None),
    kind("setting", None),
    kind("device", None),
    kind("bundle", None),
    kind("backup", None),
    kind("vault", None),
];

/// Every operation an entry may record; the UI has a label for each.
pub const OPERATIONS: &[&str] = &[
    "activate",
    "add_measure",
    "approve",
    "approve_paper",
    "archive",
    "attach",
    "breach_notice",
    "cancel",
    "change_password",
    "close",
    "comment",
    "confer",
    "confirm",
    "conflict_resolved",
    "contact",
    "create",
    "credit_rating",
    "credit_response",
    "decide",
    "delete",
    "deliver",
    "detach",
    "discarded",
    "dispute",
    "end",
    "evaluate",
    "export",
    "finish",
    "follow_up",
    "handover",
    "import",
    "inspection",
    "issue",
    "kiosk_exit",
    "kiosk_start",
    "lead_again",
    "log",
    "measure",
    "measure_done",
    "merge",
    "merge_duplicate",
    "merged_into",
    "migrate",
    "negotiation",
    "new_version",
    "nominate",
    "override",
    "pair",
    "pass_over",
    "pay",
    "print",
    "print_copies",
    "print_originals",
    "print_recovery_kit",
    "propose",
    "quarterly_review",
    "receive",
    "referral",
    "referral_due",
    "referral_settle",
    "registered",
    "reissue",
    "reject",
    "renew",
    "renewal_intent",
    "report",
    "resolve",
    "restore",
    "restore_staged",
    "review",
    "save_copies",
    "save_originals",
    "score",
    "scorecard",
    "set_class",
    "settle_dispute",
    "setup_owner",
    "standing",
    "sign",
    "sign_in",
    "sign_out",
    "stage_advance",
    "stage_back",
    "stage_enter",
    "stage_reject",
    "stage_reopen",
    "stage_sign",
    "start_round",
    "submit",
    "submit_review",
    "support",
    "support_open",
    "terminate",
    "terms",
    "training",
    "update",
    "update_report",
];

/// Field-level difference: `{field: [before, after]}`.
#[derive(Debug, Default, Clone)]
pub struct Changes(Map<String, Value>);

impl Changes {
    pub fn new() -> Self {
        Self::default()
    }
    /// Records `field` when `before != after`; returns whether it did.
    pub fn diff<T: Serialize + PartialEq>(&mut self, field: &str, before: &T, after: &T) -> bool {
        if before == after {
            return false;
        }
        let b = serde_json::to_value(before).unwrap_or(Value::Null);
        let a = serde_json::to_value(after).unwrap_or(Value::Null);
        self.0.insert(field.to_string(), Value::Array(vec![b, a]));
        true
    }
    /// Records a field set from nothing (creation).
    pub fn set<T: Serialize>(&mut self, field: &str, after: &T) {
        let a = serde_json::to_value(after).unwrap_or(Value::Null);
        if !a.is_null() && a != Value::String(String::new()) {
            self.0.insert(field.to_string(), Value::Array(vec![Value::Null, a]));
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Whether `field` is recorded already.
    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn fields(&self) -> impl Iterator<Item = &String> {
        self.0.keys()
    }
    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}

/// The fields of an entry that its hash covers, in order.
struct Sealed<'a> {
    id: &'a str,
    at: &'a str,
    hlc: &'a str,
    device_id: &'a str,
    user_id: &'a str,
    user_name: &'a str,
    role: &'a str,
    operation: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    changes: &'a str,
}

impl Sealed<'_> {
    /// The JSON array `[before…, id, at, …, changes]` of the entry's fields after `before`.
    fn canonical(&self, before: Option<&str>) -> String {
        let fields = [
            self.id,
            self.at,
            self.hlc,
            self.device_id,
            self.user_id,
            self.user_name,
            self.role,
            self.operation,
            self.entity,
            self.entity_id,
            self.changes,
        ];
        Value::Array(before.into_iter().chain(fields).map(|f| Value::String(f.to_string())).collect())
            .to_string()
    }

    /// What the laptop that made the entry signs: the JSON array `[id, at, …, changes]`.
    fn content(&self) -> String {
        self.canonical(None)
    }

    /// SHA-256 (hex) of the JSON array `[prev, id, at, …, changes]`.
    fn hash(&self, prev: &str) -> String {
        hex::encode(Sha256::digest(self.canonical(Some(prev)).as_bytes()))
    }
}

async fn last_hash(conn: &mut SqliteConnection) -> Result<String> {
    let h: Option<Option<String>> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(conn)
            .await?;
    Ok(h.flatten().unwrap_or_default())
}

/// Appends one entry inside the write transaction `w`.
pub async fn record(
    w: &mut Write,
    operation: &str,
    entity: &str,
    entity_id: &str,
    changes: &Changes,
) -> Result<()> {
    record_many(w, &[(operation, entity, entity_id, changes.clone())]).await
}

/// Appends many entries `(operation, entity, entity_id, changes)` inside `w`, chained in
/// order, with multi-row statements (batch creation and imports).
pub async fn record_many(w: &mut Write, entries: &[(&str, &str, &str, Changes)]) -> Result<()> {
    for (op, entity, _, _) in entries {
        debug_assert!(OPERATIONS.contains(op), "audit operation {op:?} is not in audit::OPERATIONS");
        debug_assert!(
            KINDS.iter().any(|k| k.entity == *entity),
            "audit kind {entity:?} is not in audit::KINDS"
        );
    }
    let mut prev = last_hash(&mut w.tx).await?;
    for part in entries.chunks(100) {
        let s = &w.stamp;
        let rows: Vec<[String; 5]> = part
            .iter()
            .map(|(op, entity, id, changes)| {
                let entry_id = new_id();
                let changes = changes.to_json();
                let sealed = Sealed {
                    id: &entry_id,
                    at: &s.now,
                    hlc: &s.hlc,
                    device_id: &s.device_id,
                    user_id: &s.user.id,
                    user_name: &s.user.name,
                    role: &s.role,
                    operation: op,
                    entity,
                    entity_id: id,
                    changes: &changes,
                };
                let hash = sealed.hash(&prev);
                let sig = w.signer.sign(Purpose::Audit, sealed.content().as_bytes());
                let row = [entry_id, changes, std::mem::take(&mut prev), hash.clone(), sig];
                prev = hash;
                row
            })
            .collect();
        let mut qb: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
            "INSERT INTO audit_log (id, at, hlc, device_id, user_id, user_name, role, operation, entity, entity_id, changes, prev_hash, hash, sig) ",
        );
        qb.push_values(
            part.iter().zip(&rows),
            |mut b, ((op, entity, id, _), [entry_id, changes, prev, hash, sig])| {
                b.push_bind(entry_id.as_str())
                    .push_bind(s.now.as_str())
                    .push_bind(s.hlc.as_str())
                    .push_bind(s.device_id.as_str())
                    .push_bind(s.user.id.as_str())
                    .push_bind(s.user.name.as_str())
                    .push_bind(s.role.as_str())
                    .push_bind(*op)
                    .push_bind(*entity)
                    .push_bind(*id)
                    .push_bind(changes.as_str())
                    .push_bind(prev.as_str())
                    .push_bind(hash.as_str())
                    .push_bind(sig.as_str());
            },
        );
        qb.build().execute(&mut *w.tx).await?;
    }
    note_head(w).await
}

/// The chain's newest sealed entry: `(seq, hash)`.
async fn tail(conn: &mut SqliteConnection) -> Result<Option<(i64, String)>> {
    let head: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(conn)
            .await?;
    Ok(head.and_then(|(seq, hash)| hash.map(|h| (seq, h))))
}

/// Notes the chain's newest entry in `w`, to be kept beside the database after the commit.
pub(crate) async fn note_head(w: &mut Write) -> Result<()> {
    w.head = tail(&mut w.tx).await?;
    Ok(())
}

/// Whether an entry as a bundle carries it (a JSON object of its columns) is signed by one
/// of `keys` (the laptop it names).
pub(crate) fn signature_holds(row: &Map<String, Value>, keys: &[String]) -> bool {
    let text = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let sealed = Sealed {
        id: text("id"),
        at: text("at"),
        hlc: text("hlc"),
        device_id: text("device_id"),
        user_id: text("user_id"),
        user_name: text("user_name"),
        role: text("role"),
        operation: text("operation"),
        entity: text("entity"),
        entity_id: text("entity_id"),
        changes: text("changes"),
    };
    let sig = text("sig");
    !sig.is_empty()
        && keys.iter().any(|k| signing::verify(k, Purpose::Audit, sealed.content().as_bytes(), sig))
}

/// Next to the database: the chain's newest `(seq, hash)`, signed by this laptop.
pub const HEAD_FILE: &str = "audit-head.json";
/// Next to the database: what opening the file found wrong with the chain (JSON lines).
pub const ALARM_FILE: &str = "audit-alarms.jsonl";
/// The head of the file a backup restore replaced, set aside until the next open notes it.
pub const RESTORED_HEAD_FILE: &str = "audit-head.restored.json";

/// The chain head as kept beside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Head {
    pub device_id: String,
    #[ts(type = "number")]
    pub seq: i64,
    pub hash: String,
    pub public_key: String,
    pub sig: String,
}

impl Head {
    fn body(device_id: &str, seq: i64, hash: &str) -> String {
        format!("{device_id}\n{seq}\n{hash}")
    }

    /// The head of `(seq, hash)` signed by `signer` for `device_id`.
    pub fn signed(signer: &DeviceKey, device_id: &str, seq: i64, hash: &str) -> Head {
        Head {
            device_id: device_id.to_string(),
            seq,
            hash: hash.to_string(),
            public_key: signer.public_hex(),
            sig: signer.sign(Purpose::Head, Self::body(device_id, seq, hash).as_bytes()),
        }
    }

    /// Whether the signature is its key's.
    pub fn holds(&self) -> bool {
        signing::verify(
            &self.public_key,
            Purpose::Head,
            Self::body(&self.device_id, self.seq, &self.hash).as_bytes(),
            &self.sig,
        )
    }
}

/// Writes the signed head `(seq, hash)` to `file` (a new file renamed over the old one).
pub(crate) fn write_head(
    file: &std::path::Path,
    signer: &DeviceKey,
    device_id: &str,
    seq: i64,
    hash: &str,
) -> Result<()> {
    let head = Head::signed(signer, device_id, seq, hash);
    let bytes = serde_json::to_vec(&head).map_err(|e| Error::Storage(e.to_string()))?;
    crate::files::write_atomic(file, &bytes)?;
    crate::files::make_private_file(file)?;
    Ok(())
}

/// The signed head kept beside the database of `dir`, when there is a readable one.
pub fn kept_head(dir: &std::path::Path) -> Option<Head> {
    read_head(dir).and_then(|h| h.ok())
}

fn read_head(dir: &std::path::Path) -> Option<std::result::Result<Head, String>> {
    let text = std::fs::read(dir.join(HEAD_FILE)).ok()?;
    Some(serde_json::from_slice::<Head>(&text).map_err(|e| e.to_string()))
}

/// Records `signer`'s public key as one of this laptop's own.
pub(crate) async fn own_key(
    pool: &sqlx::SqlitePool,
    device: &crate::desk::DeviceInfo,
    signer: &DeviceKey,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO device_key (public_key, device_id, device_code, source, added_at) VALUES (?, ?, ?, 'own', ?)
         ON CONFLICT(public_key) DO NOTHING",
    )
    .bind(signer.public_hex())
    .bind(&device.id)
    .bind(&device.short_code)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Every public key this laptop trusts (own, paired or vouched for), by laptop.
pub(crate) async fn trusted_keys(conn: &mut SqliteConnection) -> Result<HashMap<String, Vec<String>>> {
    let mut keys: HashMap<String, Vec<String>> = HashMap::new();
    for (device, key) in sqlx::query_as::<_, (String, String)>("SELECT device_id, public_key FROM device_key")
        .fetch_all(&mut *conn)
        .await?
    {
        keys.entry(device).or_default().push(key);
    }
    Ok(keys)
}

/// The public keys this laptop trusts for `device_id` (own, paired or vouched for).
pub(crate) async fn keys_of(conn: &mut SqliteConnection, device_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT public_key FROM device_key WHERE device_id = ?")
        .bind(device_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// What is wrong with the kept head against the database, if anything.
async fn head_problem(
    conn: &mut SqliteConnection,
    dir: &std::path::Path,
    device_id: &str,
) -> Result<Option<String>> {
    let signed: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM audit_log WHERE sig <> '' AND device_id = ?)")
            .bind(device_id)
            .fetch_one(&mut *conn)
            .await?;
    let head = match read_head(dir) {
        None if signed => return Ok(Some("head_missing".into())),
        None => return Ok(None),
        Some(Err(_)) => return Ok(Some("head_unreadable".into())),
        Some(Ok(h)) => h,
    };
    let own = keys_of(conn, device_id).await?;
    if head.device_id != device_id || !own.contains(&head.public_key) || !head.holds() {
        return Ok(Some("head_signature".into()));
    }
    let at: Option<Option<String>> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = ?")
        .bind(head.seq)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match at {
        None => Some(format!("head_cut:{}", head.seq)),
        Some(h) if h.as_deref() != Some(head.hash.as_str()) => Some(format!("head_rewritten:{}", head.seq)),
        Some(_) => None,
    })
}

/// At open, before anything is written: checks the kept head; a problem is kept in
/// [`ALARM_FILE`] (with the old head) and the head is taken anew from the database, so the
/// finding is reported by every later [`verify`] and not raised again at every start.
pub(crate) async fn check_head(
    pool: &sqlx::SqlitePool,
    dir: &std::path::Path,
    device_id: &str,
    signer: &DeviceKey,
    now: &str,
) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let restored = dir.join(RESTORED_HEAD_FILE);
    let problem = if restored.exists() && !dir.join(HEAD_FILE).exists() {
        // A backup was restored on purpose (an administrator's step): noted, not a finding.
        let old: Option<Head> = std::fs::read(&restored).ok().and_then(|b| serde_json::from_slice(&b).ok());
        std::fs::rename(&restored, dir.join(HEAD_FILE))?;
        Some(format!("restored:{}", old.map_or(0, |h| h.seq)))
    } else {
        head_problem(&mut conn, dir, device_id).await?
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let old = std::fs::read_to_string(dir.join(HEAD_FILE)).unwrap_or_default();
    let line = serde_json::json!({ "at": now, "problem": problem, "kept_head": old }).to_string();
    {
        use std::io::Write as _;
        let path = dir.join(ALARM_FILE);
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
        writeln!(f, "{line}")?;
        crate::files::make_private_file(&path)?;
    }
    if let Some((seq, hash)) = tail(&mut conn).await? {
        write_head(&dir.join(HEAD_FILE), signer, device_id, seq, &hash)?;
    }
    Ok(())
}

/// The findings kept in [`ALARM_FILE`]: `(when, what)`.
fn alarms(dir: &std::path::Path) -> Vec<(String, String)> {
    std::fs::read_to_string(dir.join(ALARM_FILE))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| {
            (v["at"].as_str().unwrap_or("").to_string(), v["problem"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct ChainRow {
    seq: i64,
    id: String,
    at: String,
    hlc: String,
    device_id: String,
    user_id: String,
    user_name: String,
    role: String,
    operation: String,
    entity: String,
    entity_id: String,
    changes: String,
    prev_hash: Option<String>,
    hash: Option<String>,
    sig: String,
}

impl ChainRow {
    fn sealed(&self) -> Sealed<'_> {
        Sealed {
            id: &self.id,
            at: &self.at,
            hlc: &self.hlc,
            device_id: &self.device_id,
            user_id: &self.user_id,
            user_name: &self.user_name,
            role: &self.role,
            operation: &self.operation,
            entity: &self.entity,
            entity_id: &self.entity_id,
            changes: &self.changes,
        }
    }
}

const CHAIN_COLUMNS: &str = "seq, id, at, hlc, device_id, user_id, user_name, role, operation, entity, entity_id, changes, prev_hash, hash, sig";

/// Seals, in order, entries written before the chain existed (an earlier version's file).
/// Runs at open; does nothing when every entry has its hash.
pub(crate) async fn seal_unsealed(pool: &sqlx::SqlitePool) -> Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    seal_pending(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Seals, in order, the entries without a hash (an earlier version's, or entries imported
/// from another laptop), inside the caller's transaction.
pub(crate) async fn seal_pending(tx: &mut SqliteConnection) -> Result<()> {
    let rows: Vec<ChainRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CHAIN_COLUMNS} FROM audit_log WHERE hash IS NULL ORDER BY seq"
    )))
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut prev: String = sqlx::query_scalar::<_, Option<String>>(
        "SELECT hash FROM audit_log WHERE seq < ? AND hash IS NOT NULL ORDER BY seq DESC LIMIT 1",
    )
    .bind(rows[0].seq)
    .fetch_optional(&mut *tx)
    .await?
    .flatten()
    .unwrap_or_default();
    let mut sealed: Vec<(i64, String, String)> = Vec::with_capacity(rows.len());
    for r in &rows {
        let hash = r.sealed().hash(&prev);
        sealed.push((r.seq, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    for part in sealed.chunks(300) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new("WITH v(seq, prev_hash, hash) AS (");
        qb.push_values(part, |mut b, (seq, p, h)| {
            b.push_bind(*seq).push_bind(p.as_str()).push_bind(h.as_str());
        });
        qb.push(
            ") UPDATE audit_log SET prev_hash = v.prev_hash, hash = v.hash FROM v WHERE audit_log.seq = v.seq",
        );
        qb.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// What [`verify`] found.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ChainReport {
    /// Entries checked.
    #[ts(type = "number")]
    pub entries: i64,
    /// Whether the whole chain holds.
    pub intact: bool,
    /// The first entry where it breaks.
    pub broken_at: Option<BrokenLink>,
    /// Hash of the last entry.
    pub head: String,
    /// Entries whose signature holds for a key of the laptop that made them.
    #[ts(type = "number")]
    pub signed: i64,
    /// Entries from before this program signed them (the oldest ones of an earlier version).
    #[ts(type = "number")]
    pub unsigned_before: i64,
    /// Laptops whose signatures were checked.
    #[ts(type = "number")]
    pub devices: i64,
    /// The head kept beside the database that the chain was checked against (its `seq`).
    #[ts(type = "number | null")]
    pub kept_head: Option<i64>,
    /// What opening the file found wrong earlier (kept beside the database).
    pub alarms: Vec<Alarm>,
}

/// A finding kept from an earlier open.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Alarm {
    pub at: String,
    /// `head_missing`, `head_unreadable`, `head_signature`, `head_cut:<seq>`,
    /// `head_rewritten:<seq>`; or `restored:<seq>`, a backup restored on purpose (the trail
    /// before it went to entry `seq`), which breaks nothing.
    pub problem: String,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BrokenLink {
    #[ts(type = "number")]
    pub seq: i64,
    pub id: String,
    /// `altered` (the entry's content no longer matches its hash), `unsealed` (no hash),
    /// `link` (it does not follow the entry before it: one was removed or inserted),
    /// `gap` (numbers are missing before it), `tail` (the newest entries were removed),
    /// `signature` (not signed by a key of the laptop it names), `unsigned` (no signature
    /// after signing began), or one of [`Alarm::problem`] (the kept head does not match).
    pub reason: String,
}

/// Walks the whole chain (R1.1).
pub async fn verify(desk: &Desk) -> Result<ChainReport> {
    desk.require(Action::AuditRead)?;
    use futures_util::TryStreamExt;
    let mut conn = desk.pool().acquire().await?;
    let keys = trusted_keys(&mut conn).await?;
    let mut prev = String::new();
    let (mut entries, mut signed, mut unsigned_before) = (0i64, 0i64, 0i64);
    let mut last_seq = 0i64;
    let mut broken = None;
    let mut signers: std::collections::HashSet<String> = Default::default();
    {
        let sql = format!("SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY seq");
        let mut rows = sqlx::query_as::<_, ChainRow>(sqlx::AssertSqlSafe(sql)).fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            entries += 1;
            let gap = entries > 1 && r.seq != last_seq + 1;
            last_seq = r.seq;
            if broken.is_some() {
                continue;
            }
            let sealed = r.sealed();
            let sig_holds = !r.sig.is_empty()
                && keys.get(&r.device_id).is_some_and(|ks| {
                    ks.iter().any(|k| signing::verify(k, Purpose::Audit, sealed.content().as_bytes(), &r.sig))
                });
            let reason = match (&r.hash, &r.prev_hash) {
                (None, _) | (_, None) => Some("unsealed"),
                (Some(h), Some(p)) if *h != sealed.hash(p) => Some("altered"),
                (_, Some(p)) if *p != prev => Some("link"),
                _ if gap => Some("gap"),
                _ if r.sig.is_empty() && signed > 0 => Some("unsigned"),
                _ if !r.sig.is_empty() && !sig_holds => Some("signature"),
                _ => None,
            };
            if r.sig.is_empty() {
                unsigned_before += 1;
            } else if sig_holds {
                signed += 1;
                signers.insert(r.device_id.clone());
            }
            if let Some(reason) = reason {
                broken = Some(BrokenLink { seq: r.seq, id: r.id.clone(), reason: reason.to_string() });
            }
            prev = r.hash.clone().unwrap_or_default();
        }
    }
    // AUTOINCREMENT remembers the highest seq ever used: fewer rows at the end means removal.
    let high: Option<i64> = sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")
        .fetch_optional(&mut *conn)
        .await?;
    if broken.is_none() && high.is_some_and(|h| h > last_seq) {
        broken = Some(BrokenLink { seq: last_seq + 1, id: String::new(), reason: "tail".into() });
    }
    // The head kept beside the database, and what earlier opens found.
    let dir = desk.data_dir();
    if broken.is_none()
        && let Some(problem) = head_problem(&mut conn, dir, &desk.device().id).await?
    {
        broken = Some(BrokenLink { seq: last_seq, id: String::new(), reason: problem });
    }
    let kept_head = read_head(dir).and_then(|h| h.ok()).map(|h| h.seq);
    let alarms: Vec<Alarm> = alarms(dir).into_iter().map(|(at, problem)| Alarm { at, problem }).collect();
    if broken.is_none()
        && let Some(a) = alarms.iter().rev().find(|a| !a.problem.starts_with("restored"))
    {
        broken = Some(BrokenLink { seq: 0, id: String::new(), reason: a.problem.clone() });
    }
    Ok(ChainReport {
        entries,
        intact: broken.is_none(),
        broken_at: broken,
        head: prev,
        signed,
        unsigned_before,
        devices: signers.len() as i64,
        kept_head,
        alarms,
    })
}

/// One audit entry as shown to a person.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct AuditEntry {
    pub id: String,
    pub at: String,
    pub user_id: String,
    pub user_name: String,
    pub role: String,
    pub operation: String,
    pub entity: String,
    pub entity_id: String,
    /// The record's name for people (a partner's or user's name), when known here.
    pub label: String,
    /// JSON object `{field: [before, after]}`.
    pub changes: String,
    /// JSON object `{field: name}` for fields the record's own data names (an evaluation's
    /// indicators, named by its scheme); `{}` otherwise.
    pub field_names: String,
}

/// The names of data-defined fields of the entry's record, as an SQL expression over
/// `audit_log` (see [`AuditEntry::field_names`]).
const FIELD_NAMES_SQL: &str = "CASE entity WHEN 'evaluation' THEN coalesce((
        SELECT json_group_object(json_extract(i.value, '$.key'), json_extract(i.value, '$.label'))
        FROM evaluation e JOIN evaluation_scheme s ON s.id = e.scheme_id, json_each(s.indicators) i
        WHERE e.id = entity_id), '{}') ELSE '{}' END AS field_names";

/// The name of the record an entry concerns, as an SQL expression over `audit_log`.
fn label_sql() -> String {
    let cases: String = KINDS
        .iter()
        .filter_map(|k| k.name_sql.map(|sql| format!(" WHEN '{}' THEN {sql}", k.entity)))
        .collect();
    format!("coalesce(CASE entity{cases} END, '') AS label")
}

/// The history of one partner record, oldest first.
/// Records merged into this one (R2.1.4 merge tool) bring their history along.
pub async fn partner_history(desk: &Desk, partner_id: &str) -> Result<Vec<AuditEntry>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT id, at, user_id, user_name, role, operation, entity, entity_id, '' AS label, changes,
                '{}' AS field_names
         FROM audit_log WHERE entity = 'partner' AND (entity_id = ?1
            OR entity_id IN (SELECT id FROM partner WHERE merged_into = ?1))
         ORDER BY seq",
    )
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?)
}

/// Filters of the audit screen; every one optional. Dates are `YYYY-MM-DD`, inclusive, UTC.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct AuditQuery {
    #[serde(default)]
    pub entity: Option<String>,
    /// A record id (exact).
    #[serde(default)]
    pub entity_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub operation: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub offset: u32,
    /// Page size, 1–500 (default 100).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One page of the audit trail, newest first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditPage {
    #[ts(type = "number")]
    pub total: i64,
    pub entries: Vec<AuditEntry>,
    /// Operations and kinds of record present, for the filter lists.
    pub operations: Vec<String>,
    pub entities: Vec<String>,
}

fn audit_filter(qb: &mut sqlx::QueryBuilder<sqlx::Sqlite>, q: &AuditQuery) -> Result<()> {
    let mut errors = Vec::new();
    for (field, v) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty())
            && chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err()
        {
            errors.push(crate::error::FieldError::new(field, "date"));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    qb.push(" WHERE 1 = 1");
    let nonempty =
        |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    if let Some(v) = nonempty(&q.entity) {
        qb.push(" AND entity = ").push_bind(v);
    }
    if let Some(v) = nonempty(&q.entity_id) {
        qb.push(" AND entity_id = ").push_bind(v);
    }
    if let Some(v) = nonempty(&q.user_id) {
        qb.push(" AND user_id = ").push_bind(v);
    }
    if let Some(v) = nonempty(&q.operation) {
        qb.push(" AND operation = ").push_bind(v);
    }
    if let Some(v) = nonempty(&q.from) {
        qb.push(" AND at >= ").push_bind(v);
    }
    if let Some(v) = nonempty(&q.to) {
        // Dates are inclusive: everything before the next day.
        qb.push(" AND at < ").push_bind(format!("{v}~"));
    }
    Ok(())
}

/// The audit screen's page (legal, managers, administrators).
pub async fn list(desk: &Desk, q: &AuditQuery) -> Result<AuditPage> {
    desk.require(Action::AuditRead)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Error::Validation(vec![crate::error::FieldError::with_limit("limit", "range", 500)]));
    }
    let mut count = sqlx::QueryBuilder::new("SELECT count(*) FROM audit_log");
    audit_filter(&mut count, q)?;
    let total: i64 = count.build_query_scalar().fetch_one(desk.pool()).await?;
    let mut qb = sqlx::QueryBuilder::new(format!(
        "SELECT id, at, user_id, user_name, role, operation, entity, entity_id, {}, changes, {FIELD_NAMES_SQL}
         FROM audit_log",
        label_sql()
    ));
    audit_filter(&mut qb, q)?;
    qb.push(" ORDER BY seq DESC LIMIT ").push_bind(limit as i64).push(" OFFSET ").push_bind(q.offset as i64);
    let entries = qb.build_query_as().fetch_all(desk.pool()).await?;
    let operations = sqlx::query_scalar("SELECT DISTINCT operation FROM audit_log ORDER BY 1")
        .fetch_all(desk.pool())
        .await?;
    let entities =
        sqlx::query_scalar("SELECT DISTINCT entity FROM audit_log ORDER BY 1").fetch_all(desk.pool()).await?;
    Ok(AuditPage { total, entries, operations, entities })
}

/// Writes every entry matching `q` (all pages), oldest first, to `path` as CSV in UTF-8 with
/// a byte-order mark (so spreadsheet programs read the Chinese text). Returns the count.
pub async fn export_csv(desk: &Desk, q: &AuditQuery, path: &std::path::Path) -> Result<u64> {
    desk.require(Action::AuditRead)?;
    let mut qb = sqlx::QueryBuilder::new(format!("SELECT {CHAIN_COLUMNS} FROM audit_log"));
    audit_filter(&mut qb, q)?;
    qb.push(" ORDER BY seq");
    let tmp = path.with_extension("csv.part");
    let written = write_csv(desk, qb, &tmp).await;
    match written {
        Ok(n) => {
            std::fs::rename(&tmp, path)?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

async fn write_csv(
    desk: &Desk,
    mut qb: sqlx::QueryBuilder<sqlx::Sqlite>,
    tmp: &std::path::Path,
) -> Result<u64> {
    use futures_util::TryStreamExt;
    let file = std::fs::File::create(tmp)?;
    let mut out = std::io::BufWriter::new(file);
    std::io::Write::write_all(&mut out, "\u{feff}".as_bytes())?;
    let mut csv = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Error::Storage(format!("csv: {e}"));
    csv.write_record([
        "seq",
        "at",
        "user_id",
        "user_name",
        "role",
        "operation",
        "entity",
        "entity_id",
        "changes",
        "prev_hash",
        "hash",
    ])
    .map_err(csv_err)?;
    let mut n = 0u64;
    let mut rows = qb.build_query_as::<ChainRow>().fetch(desk.pool());
    while let Some(r) = rows.try_next().await? {
        let seq = r.seq.to_string();
        let cells = [
            seq.as_str(),
            &r.at,
            &r.user_id,
            &r.user_name,
            &r.role,
            &r.operation,
            &r.entity,
            &r.entity_id,
            &r.changes,
            r.prev_hash.as_deref().unwrap_or(""),
            r.hash.as_deref().unwrap_or(""),
        ];
        csv.write_record(cells.iter().map(|c| crate::csvfile::neutralise(c.as_bytes()))).map_err(csv_err)?;
        n += 1;
    }
    csv.flush()?;
    Ok(n)
}

/// The history of one agreement, oldest first (R3.1.2 reviews, R3.1.3 signing and copies).
pub async fn agreement_history(desk: &Desk, agreement_id: &str) -> Result<Vec<AuditEntry>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT id, at, user_id, user_name, role, operation, entity, entity_id, '' AS label, changes,
                '{}' AS field_names
         FROM audit_log WHERE entity = 'agreement' AND entity_id = ? ORDER BY seq",
    )
    .bind(agreement_id)
    .fetch_all(desk.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A merge records `conflict_resolved` on any shared table, so each is a kind.
    #[test]
    fn every_shared_table_is_a_kind() {
        for t in crate::share::TABLES.iter().filter(|t| t.name != "audit_log") {
            assert!(KINDS.iter().any(|k| k.entity == t.name), "{} is not in audit::KINDS", t.name);
        }
        let mut seen = std::collections::HashSet::new();
        assert!(KINDS.iter().all(|k| seen.insert(k.entity)), "a kind twice");
        let mut seen = std::collections::HashSet::new();
        assert!(OPERATIONS.iter().all(|o| seen.insert(*o)), "an operation twice");
    }
}
