//! Comparing an incoming bundle with this file field by field ([`preview`]), writing the
//! result in one transaction ([`apply`]), and the conflict queue ([`conflicts`], [`resolve`]).
//! The rules are in the parent module's documentation.

use super::catalogue::{self, Column};
use super::{Incoming, Progress, Scope};
use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, Write, new_id};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::SqliteConnection;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use ts_rs::TS;

type Row = Map<String, Value>;

/// Per kind of record: what an import does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KindCount {
    pub table: String,
    #[ts(type = "number")]
    pub new: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub deleted: u64,
    #[ts(type = "number")]
    pub conflicts: u64,
    /// Incoming partners merged into one already here (the same company).
    #[ts(type = "number")]
    pub merged: u64,
}

/// An incoming partner that looks like one already here under another id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Duplicate {
    pub incoming_id: String,
    pub incoming_name: String,
    pub local_id: String,
    pub local_name: String,
    /// `credit_code` (always merged: one company, one code) or `name` (merged when chosen).
    pub reason: String,
}

/// The dry run of an import.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Preview {
    pub token: String,
    pub sealed: bool,
    pub manifest: super::Manifest,
    /// Only kinds with at least one record in the bundle, in table order.
    pub kinds: Vec<KindCount>,
    pub duplicates: Vec<Duplicate>,
    /// Sign-in names taken here by someone else: `(incoming, as it will be here)`.
    pub renamed_logins: Vec<(String, String)>,
    /// Whether anything at all would change.
    pub changes: bool,
    /// Set when the exporting laptop is not paired with this one: nothing was compared, an
    /// administrator may pair it after comparing this fingerprint with that laptop's.
    pub pairing: Option<super::trust::Pairing>,
    /// Set when the exporting laptop's audit trail is behind what it showed before (entries
    /// were cut there since): `(seen before, now)`.
    #[ts(type = "[number, number] | null")]
    pub rewound: Option<(i64, i64)>,
}

/// What the person chose in the preview.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct ApplyChoices {
    /// The preview's token: the file applied must be the file previewed.
    pub token: String,
    /// Incoming partner ids found similar by name that are to be merged into their match.
    #[serde(default)]
    pub merge: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportOutcome {
    pub kinds: Vec<KindCount>,
    #[ts(type = "number")]
    pub merged: u64,
    #[ts(type = "number")]
    pub conflicts: u64,
}

/// The clocks each side is known to hold all of (device id → clock).
struct Knowledge {
    own_device: String,
    local: BTreeMap<String, String>,
    remote_device: String,
    remote: BTreeMap<String, String>,
}

impl Knowledge {
    fn covers(map: &BTreeMap<String, String>, own: &str, clock: &str) -> bool {
        if clock.is_empty() {
            return true;
        }
        match Hlc::decode(clock) {
            Some(h) if h.device == own => true,
            Some(h) => map.get(&h.device).is_some_and(|k| k.as_str() >= clock),
            None => true,
        }
    }
    /// Whether this file had merged the change stamped `clock` (from the bundle).
    fn local_knows(&self, clock: &str) -> bool {
        Knowledge::covers(&self.local, &self.own_device, clock)
    }
    /// Whether the exporting file had merged the change stamped `clock` (from here).
    fn remote_knows(&self, clock: &str) -> bool {
        Knowledge::covers(&self.remote, &self.remote_device, clock)
    }
}

/// A row update the merge decided on.
struct Update {
    id: String,
    sets: Vec<(String, Value)>,
    field_hlc: String,
    meta: Option<(String, String, String)>,
}

/// A field both sides changed.
struct Clash {
    row_id: String,
    field: String,
    kept: Value,
    kept_hlc: String,
    other: Value,
    other_hlc: String,
}

#[derive(Default)]
struct TableWork<'a> {
    cols: Vec<Column>,
    /// Rows as they came, or as changed here (a merged duplicate, a renamed sign-in name).
    inserts: Vec<Cow<'a, Row>>,
    updates: Vec<Update>,
    clashes: Vec<Clash>,
    count: KindCount,
}

struct Work<'a> {
    tables: Vec<(&'static str, TableWork<'a>)>,
    duplicates: Vec<Duplicate>,
    renamed: Vec<(String, String)>,
    touched_partners: HashSet<String>,
    /// Partners inserted by this import (no search entries to remove first).
    fresh_partners: HashSet<String>,
    /// Research notes inserted or changed (their search entries are rebuilt).
    touched_notes: Vec<String>,
    max_clock: String,
    /// The changes that must be covered by signed entries (`super::trust`).
    claims: Vec<super::trust::Claim>,
    /// Audit entries new to this file, and those it holds already.
    new_entries: Vec<&'a Row>,
    known_entries: Vec<&'a Row>,
}

const META: &[&str] = &["id", "created_at", "updated_at", "updated_by", "hlc", "field_hlc"];

fn text(v: Option<&Value>) -> &str {
    v.and_then(|v| v.as_str()).unwrap_or("")
}

fn clocks_of(row: &Row) -> BTreeMap<String, String> {
    serde_json::from_str(text(row.get("field_hlc"))).unwrap_or_default()
}

/// The clock of `col` in a row whose field clocks are `clocks` and row clock `hlc`.
fn clock<'a>(clocks: &'a BTreeMap<String, String>, table: &str, col: &str, hlc: &'a str) -> &'a str {
    let key = match catalogue::clock_column(table, col) {
        "" => col,
        k => k,
    };
    clocks.get(key).or_else(|| clocks.get("*")).map(String::as_str).unwrap_or(hlc)
}

/// `ids` (record ids, or clocks) into `temp.share_ids`, replacing what it held.
pub(super) async fn stage_ids(conn: &mut SqliteConnection, ids: &[&str]) -> Result<()> {
    sqlx::query("CREATE TEMP TABLE IF NOT EXISTS share_ids (id TEXT PRIMARY KEY)")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM temp.share_ids").execute(&mut *conn).await?;
    for chunk in ids.chunks(500) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT OR IGNORE INTO temp.share_ids (id) ");
        qb.push_values(chunk, |mut b, id| {
            b.push_bind(id.to_string());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The local rows among `ids`, with only their id and clocks.
async fn load_keys(conn: &mut SqliteConnection, table: &str, ids: &[&str]) -> Result<HashMap<String, Row>> {
    stage_ids(conn, ids).await?;
    let clocks = if table == "audit_log" { "''" } else { "hlc || char(31) || field_hlc" };
    // One value for the whole table (ids, clocks and JSON text hold no control characters).
    let all: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT group_concat(id || char(31) || {clocks}, char(30)) FROM {table}
          WHERE id IN (SELECT id FROM temp.share_ids)"
    )))
    .fetch_one(&mut *conn)
    .await?;
    let mut out = HashMap::new();
    for rec in all.as_deref().unwrap_or("").split('\u{1e}').filter(|r| !r.is_empty()) {
        let mut parts = rec.splitn(3, '\u{1f}');
        let id = parts.next().unwrap_or_default().to_string();
        let mut row = Row::new();
        row.insert("id".into(), Value::String(id.clone()));
        row.insert("hlc".into(), Value::String(parts.next().unwrap_or_default().to_string()));
        row.insert("field_hlc".into(), Value::String(parts.next().unwrap_or_default().to_string()));
        out.insert(id, row);
    }
    Ok(out)
}

async fn load_local(
    conn: &mut SqliteConnection,
    table: &str,
    cols: &[Column],
    ids: &[&str],
) -> Result<HashMap<String, Row>> {
    stage_ids(conn, ids).await?;
    let object = super::json_object_sql(cols);
    let all: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT group_concat({object}, char(10)) FROM {table} WHERE id IN (SELECT id FROM temp.share_ids)"
    )))
    .fetch_one(&mut *conn)
    .await?;
    let mut out = HashMap::new();
    for l in all.as_deref().unwrap_or("").lines() {
        if let Ok(Value::Object(row)) = serde_json::from_str::<Value>(l) {
            let id = text(row.get("id")).to_string();
            out.insert(id, row);
        }
    }
    Ok(out)
}

/// Compares the bundle with this file. `merges` maps incoming partner ids to the local
/// partner they are merged into; `stamp` is the write's `(now, hlc)` (a placeholder in a
/// dry run).
async fn compute<'a>(
    conn: &mut SqliteConnection,
    incoming: &'a Incoming,
    knowledge: &Knowledge,
    chosen: &HashSet<String>,
    stamp: (&str, &str),
    progress: &Progress,
) -> Result<Work<'a>> {
    let mut work = Work {
        tables: vec![],
        duplicates: vec![],
        renamed: vec![],
        touched_partners: HashSet::new(),
        fresh_partners: HashSet::new(),
        touched_notes: Vec::new(),
        max_clock: String::new(),
        claims: Vec::new(),
        new_entries: Vec::new(),
        known_entries: Vec::new(),
    };
    let total = catalogue::TABLES.len() as u64;
    let mut merges: HashMap<String, String> = HashMap::new();
    for (i, shared) in catalogue::TABLES.iter().enumerate() {
        progress.step("compare", i as u64, total)?;
        let Some(rows) = incoming.tables.get(shared.name) else { continue };
        let cols = catalogue::columns(conn, shared.name).await?;
        let names: HashSet<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        for row in rows {
            if let Some(bad) = row.keys().find(|k| !names.contains(k.as_str())) {
                return Err(Error::import("unknown_column", format!("{}.{bad}", shared.name)));
            }
        }
        let ids: Vec<&str> = rows.iter().map(|r| text(r.get("id"))).collect();
        // Rows whose clocks are the same on both sides are the same rows: only the others are
        // read whole and compared field by field.
        let mut local = load_keys(conn, shared.name, &ids).await?;
        if shared.name != "audit_log" {
            let differing: Vec<&str> = rows
                .iter()
                .filter(|r| {
                    local.get(text(r.get("id"))).is_some_and(|l| {
                        text(l.get("hlc")) != text(r.get("hlc"))
                            || text(l.get("field_hlc")) != text(r.get("field_hlc"))
                    })
                })
                .map(|r| text(r.get("id")))
                .collect();
            if !differing.is_empty() {
                local.extend(load_local(conn, shared.name, &cols, &differing).await?);
            }
        }
        let mut tw = TableWork {
            cols,
            count: KindCount { table: shared.name.into(), ..Default::default() },
            ..Default::default()
        };
        if shared.name == "partner" {
            find_duplicates(conn, rows, &local, &mut work.duplicates).await?;
            for d in &work.duplicates {
                if d.reason == "credit_code" || chosen.contains(&d.incoming_id) {
                    merges.insert(d.incoming_id.clone(), d.local_id.clone());
                }
            }
        }
        // Sign-in names the bundle's own colleagues use: a renamed one must not take another's.
        let mut claimed: HashSet<String> = if shared.name == "app_user" {
            rows.iter().map(|r| text(r.get("login")).to_string()).collect()
        } else {
            HashSet::new()
        };
        for row in rows {
            let id = text(row.get("id")).to_string();
            if shared.name != "audit_log" {
                let h = text(row.get("hlc"));
                if h > work.max_clock.as_str() {
                    work.max_clock = h.to_string();
                }
            }
            match local.get(&id) {
                None => {
                    if shared.name == "audit_log" {
                        tw.count.new += 1;
                        work.new_entries.push(row);
                        tw.inserts.push(Cow::Borrowed(row));
                        continue;
                    }
                    let mut row = Cow::Borrowed(row);
                    let closed_by_merge = !merges.is_empty()
                        && redirect(conn, shared.name, row.to_mut(), &merges, stamp).await?;
                    if shared.name == "app_user" {
                        rename_login(
                            conn,
                            row.to_mut(),
                            &incoming.manifest.device_code,
                            &mut claimed,
                            &mut work.renamed,
                        )
                        .await?;
                    }
                    if shared.name == "attachment" {
                        let file = incoming
                            .files
                            .get(&id)
                            .ok_or_else(|| Error::import("missing_entry", format!("files/{id}")))?;
                        if super::bundle::sha256_hex(file) != text(row.get("sha256")) {
                            return Err(Error::import("checksum", format!("files/{id}")));
                        }
                    }
                    if closed_by_merge {
                        tw.count.merged += 1;
                    } else if row.get("deleted_at").is_some_and(|v| !v.is_null()) {
                        tw.count.deleted += 1;
                    } else {
                        tw.count.new += 1;
                    }
                    note_partner(shared.name, &row, &mut work.touched_partners);
                    if shared.name == "partner" {
                        work.fresh_partners.insert(id.clone());
                    }
                    if shared.name == "research_note" {
                        work.touched_notes.push(id.clone());
                    }
                    super::trust::claims_of(shared.name, &row, None, stamp.1, &mut work.claims);
                    tw.inserts.push(row);
                }
                Some(_) if shared.name == "audit_log" => {
                    tw.count.unchanged += 1;
                    work.known_entries.push(row);
                }
                Some(mine)
                    if text(mine.get("hlc")) == text(row.get("hlc"))
                        && text(mine.get("field_hlc")) == text(row.get("field_hlc")) =>
                {
                    tw.count.unchanged += 1
                }
                Some(mine) => {
                    let before = tw.clashes.len();
                    match merge_row(shared.name, &tw.cols, mine, row, knowledge, &mut tw.clashes) {
                        None => tw.count.unchanged += 1,
                        Some((update, changed, deleted)) => {
                            if deleted {
                                tw.count.deleted += 1;
                            } else if changed {
                                tw.count.updated += 1;
                            } else {
                                tw.count.unchanged += 1;
                            }
                            if changed {
                                let cols: Vec<String> = update.sets.iter().map(|(c, _)| c.clone()).collect();
                                super::trust::claims_of(
                                    shared.name,
                                    row,
                                    Some(&cols),
                                    stamp.1,
                                    &mut work.claims,
                                );
                                if shared.name == "research_note" {
                                    work.touched_notes.push(id.clone());
                                }
                                note_partner(shared.name, mine, &mut work.touched_partners);
                                note_partner(shared.name, row, &mut work.touched_partners);
                            }
                            tw.updates.push(update);
                        }
                    }
                    if tw.clashes.len() > before {
                        tw.count.conflicts += 1;
                    }
                }
            }
        }
        work.tables.push((shared.name, tw));
    }
    progress.step("compare", total, total)?;
    super::trust::check(conn, incoming, &work.new_entries, &work.known_entries, &work.claims).await?;
    Ok(work)
}

/// Which partner's search entries a row touches.
fn note_partner(table: &str, row: &Row, touched: &mut HashSet<String>) {
    let key = match table {
        "partner" => "id",
        "partner_contact" => "partner_id",
        _ => return,
    };
    touched.insert(text(row.get(key)).to_string());
}

fn tie_key(v: &Value) -> String {
    v.to_string()
}

/// Merges one incoming row into the local one: the update to write (None when nothing, not
/// even a clock, differs), whether any value changed, and whether it is now deleted.
fn merge_row(
    table: &str,
    cols: &[Column],
    mine: &Row,
    theirs: &Row,
    k: &Knowledge,
    clashes: &mut Vec<Clash>,
) -> Option<(Update, bool, bool)> {
    let my_clocks = clocks_of(mine);
    let their_clocks = clocks_of(theirs);
    let my_hlc = text(mine.get("hlc"));
    let their_hlc = text(theirs.get("hlc"));
    let mut result: BTreeMap<String, String> = BTreeMap::new();
    let mut sets = Vec::new();
    let mut clock_moved = false;
    let mut deleted = false;
    for c in cols {
        let col = c.name.as_str();
        if META.contains(&col) {
            continue;
        }
        let mc = clock(&my_clocks, table, col, my_hlc);
        let Some(tv) = theirs.get(col) else {
            result.insert(col.to_string(), mc.to_string());
            continue;
        };
        let tc = clock(&their_clocks, table, col, their_hlc);
        let mv = mine.get(col).unwrap_or(&Value::Null);
        // A sign-in name is this laptop's (see `rename_login`); it is not merged.
        if table == "app_user" && col == "login" {
            result.insert(col.to_string(), mc.to_string());
            continue;
        }
        let take_theirs = if mv == tv {
            false
        } else if tc == mc {
            // The same clock with two values cannot come from one write; any fixed order converges.
            tie_key(tv) > tie_key(mv)
        } else {
            let concurrent = !k.remote_knows(mc) && !k.local_knows(tc);
            if concurrent {
                let (kept, kept_hlc, other, other_hlc) =
                    if tc > mc { (tv, tc, mv, mc) } else { (mv, mc, tv, tc) };
                clashes.push(Clash {
                    row_id: text(mine.get("id")).to_string(),
                    field: col.to_string(),
                    kept: kept.clone(),
                    kept_hlc: kept_hlc.to_string(),
                    other: other.clone(),
                    other_hlc: other_hlc.to_string(),
                });
            }
            tc > mc
        };
        let newer = if tc > mc { tc } else { mc };
        if take_theirs {
            sets.push((col.to_string(), tv.clone()));
            if col == "deleted_at" && !tv.is_null() {
                deleted = true;
            }
        }
        if newer != mc {
            clock_moved = true;
        }
        result.insert(col.to_string(), if take_theirs || mv == tv { newer } else { mc }.to_string());
    }
    if sets.is_empty() && !clock_moved {
        return None;
    }
    let meta = (their_hlc > my_hlc).then(|| {
        (
            their_hlc.to_string(),
            text(theirs.get("updated_at")).to_string(),
            text(theirs.get("updated_by")).to_string(),
        )
    });
    let changed = !sets.is_empty();
    Some((
        Update {
            id: text(mine.get("id")).to_string(),
            sets,
            field_hlc: serde_json::to_string(&result).unwrap_or_default(),
            meta,
        },
        changed,
        deleted,
    ))
}

/// Points a new row of a merged partner at the partner kept here (a change stamped now, so
/// that it travels on); a merged partner itself arrives deleted. True when the row arrives
/// closed by the merge (the partner, or its pipeline place or referral when the kept partner
/// has its own).
async fn redirect(
    conn: &mut SqliteConnection,
    table: &str,
    row: &mut Row,
    merges: &HashMap<String, String>,
    (now, hlc): (&str, &str),
) -> Result<bool> {
    if merges.is_empty() {
        return Ok(false);
    }
    let set_clock = |row: &mut Row, col: &str| {
        let mut clocks = clocks_of(row);
        let star = clocks.get("*").cloned();
        if let Some(star) = star {
            // Spell every field out before one of them moves on.
            clocks.remove("*");
            for k in row.keys() {
                if !META.contains(&k.as_str()) {
                    clocks.entry(k.clone()).or_insert_with(|| star.clone());
                }
            }
        }
        clocks.insert(col.to_string(), hlc.to_string());
        row.insert("field_hlc".into(), Value::String(serde_json::to_string(&clocks).unwrap_or_default()));
        row.insert("hlc".into(), Value::String(hlc.to_string()));
    };
    let target = |col: &str, row: &Row| merges.get(text(row.get(col))).cloned();
    match table {
        "partner" => {
            if let Some(keep) = merges.get(text(row.get("id"))) {
                row.insert("deleted_at".into(), Value::String(now.to_string()));
                row.insert("merged_into".into(), Value::String(keep.clone()));
                set_clock(row, "deleted_at");
                set_clock(row, "merged_into");
                return Ok(true);
            }
        }
        "attachment" if text(row.get("owner_kind")) == "partner" => {
            if let Some(keep) = target("owner_id", row) {
                row.insert("owner_id".into(), Value::String(keep));
                set_clock(row, "owner_id");
            }
        }
        "research_note" => {
            let ids: Vec<String> = serde_json::from_str(text(row.get("partner_ids"))).unwrap_or_default();
            if ids.iter().any(|i| merges.contains_key(i)) {
                let mut ids: Vec<String> =
                    ids.into_iter().map(|i| merges.get(&i).cloned().unwrap_or(i)).collect();
                ids.dedup();
                row.insert(
                    "partner_ids".into(),
                    Value::String(serde_json::to_string(&ids).unwrap_or_default()),
                );
                set_clock(row, "partner_ids");
            }
        }
        _ => {
            if let Some(keep) = target("partner_id", row) {
                // One pipeline place and one referral per partner (unique even when deleted):
                // when the kept partner has its own, the merged one's is closed where it is.
                if matches!(table, "prospect" | "referral") {
                    let has: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT 1 FROM {table} WHERE partner_id = ?"
                    )))
                    .bind(&keep)
                    .fetch_optional(&mut *conn)
                    .await?;
                    if has.is_some() {
                        row.insert("deleted_at".into(), Value::String(now.to_string()));
                        set_clock(row, "deleted_at");
                        return Ok(true);
                    }
                }
                row.insert("partner_id".into(), Value::String(keep));
                set_clock(row, "partner_id");
            }
        }
    }
    Ok(false)
}

/// A new user whose sign-in name is taken here by someone else gets `name-<code>`
/// (`name-<code>2`, … when that is taken here or by another colleague in the same bundle).
async fn rename_login(
    conn: &mut SqliteConnection,
    row: &mut Row,
    code: &str,
    claimed: &mut HashSet<String>,
    renamed: &mut Vec<(String, String)>,
) -> Result<()> {
    let login = text(row.get("login")).to_string();
    let id = text(row.get("id")).to_string();
    let mut candidate = login.clone();
    let mut n = 0;
    loop {
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM app_user WHERE login = ? AND id <> ? AND deleted_at IS NULL")
                .bind(&candidate)
                .bind(&id)
                .fetch_optional(&mut *conn)
                .await?;
        // A new name must also be free among the bundle's own colleagues (its own name is).
        if taken.is_none() && (n == 0 || !claimed.contains(&candidate)) {
            break;
        }
        n += 1;
        candidate = if n == 1 {
            format!("{login}-{}", code.to_lowercase())
        } else {
            format!("{login}-{}{n}", code.to_lowercase())
        };
    }
    if candidate != login {
        claimed.insert(candidate.clone());
        renamed.push((login, candidate.clone()));
        row.insert("login".into(), Value::String(candidate));
    }
    Ok(())
}

/// New live incoming partners whose credit code or normalised name is a live partner here.
async fn find_duplicates(
    conn: &mut SqliteConnection,
    rows: &[Row],
    local: &HashMap<String, Row>,
    out: &mut Vec<Duplicate>,
) -> Result<()> {
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS share_dup (id TEXT PRIMARY KEY, name TEXT, code TEXT, norm TEXT)",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM temp.share_dup").execute(&mut *conn).await?;
    let fresh: Vec<&Row> = rows
        .iter()
        .filter(|r| !local.contains_key(text(r.get("id"))) && r.get("deleted_at").is_none_or(Value::is_null))
        .collect();
    for chunk in fresh.chunks(200) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT OR IGNORE INTO temp.share_dup (id, name, code, norm) ",
        );
        qb.push_values(chunk, |mut b, r| {
            b.push_bind(text(r.get("id")).to_string())
                .push_bind(text(r.get("name")).to_string())
                .push_bind(r.get("credit_code").and_then(Value::as_str).map(str::to_string))
                .push_bind(text(r.get("name_norm")).to_string());
        });
        qb.build().execute(&mut *conn).await?;
    }
    let found: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT d.id, d.name, p.id, p.name, 'credit_code' FROM temp.share_dup d
           JOIN partner p ON p.credit_code = d.code AND p.deleted_at IS NULL AND p.id <> d.id
         UNION ALL
         SELECT d.id, d.name, p.id, p.name, 'name' FROM temp.share_dup d
           JOIN partner p ON p.name_norm = d.norm AND d.norm <> '' AND p.deleted_at IS NULL AND p.id <> d.id
          WHERE NOT EXISTS (SELECT 1 FROM partner q WHERE q.credit_code = d.code AND q.deleted_at IS NULL)
         ORDER BY 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    // A partner here that the bundle deletes is no match (it was merged away elsewhere).
    let deleted: HashSet<&str> = rows
        .iter()
        .filter(|r| r.get("deleted_at").is_some_and(|v| !v.is_null()))
        .map(|r| text(r.get("id")))
        .collect();
    let mut seen = HashSet::new();
    for (incoming_id, incoming_name, local_id, local_name, reason) in found {
        if !deleted.contains(local_id.as_str()) && seen.insert(incoming_id.clone()) {
            out.push(Duplicate { incoming_id, incoming_name, local_id, local_name, reason });
        }
    }
    Ok(())
}

async fn knowledge(conn: &mut SqliteConnection, desk: &Desk, incoming: &Incoming) -> Result<Knowledge> {
    let local: BTreeMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT device_id, known_hlc FROM sync_peer")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    Ok(Knowledge {
        own_device: desk.device().id.clone(),
        local,
        remote_device: incoming.manifest.device_id.clone(),
        remote: incoming.manifest.knows.clone(),
    })
}

fn kinds(work: &Work) -> Vec<KindCount> {
    work.tables.iter().map(|(_, tw)| tw.count.clone()).collect()
}

/// The dry run: what importing `incoming` would do, per kind of record; writes nothing.
pub async fn preview(desk: &Desk, incoming: &Incoming, progress: &Progress) -> Result<Preview> {
    desk.require(Action::DataExchange)?;
    let mut conn = desk.pool().acquire().await?;
    if let Some(pairing) = super::trust::exporter(&mut conn, incoming).await? {
        return Ok(Preview {
            token: incoming.token.clone(),
            sealed: incoming.sealed,
            manifest: incoming.manifest.clone(),
            kinds: vec![],
            duplicates: vec![],
            renamed_logins: vec![],
            changes: false,
            pairing: Some(pairing),
            rewound: None,
        });
    }
    let rewound = super::trust::witness(&mut conn, incoming).await?;
    let k = knowledge(&mut conn, desk, incoming).await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let placeholder = crate::desk::rfc3339(desk.now());
    let work =
        compute(&mut tx, incoming, &k, &HashSet::new(), (&placeholder, &placeholder), progress).await?;
    tx.rollback().await?;
    let kinds = kinds(&work);
    let changes = kinds.iter().any(|c| c.new + c.updated + c.deleted + c.merged > 0);
    let nothing = work
        .tables
        .iter()
        .all(|(_, tw)| tw.inserts.is_empty() && tw.updates.is_empty() && tw.clashes.is_empty());
    *incoming.settled.lock().unwrap_or_else(|p| p.into_inner()) =
        nothing.then(|| (desk.device().id.clone(), kinds.clone()));
    Ok(Preview {
        token: incoming.token.clone(),
        sealed: incoming.sealed,
        manifest: incoming.manifest.clone(),
        kinds,
        duplicates: work.duplicates,
        renamed_logins: work.renamed,
        changes,
        pairing: None,
        rewound,
    })
}

/// Imports `incoming` in one transaction (everything or nothing), merging similar-named
/// partners the person chose and every credit-code match; queues conflicts; seals the
/// imported audit entries into this file's chain; records the exchange.
pub async fn apply(
    desk: &Desk,
    incoming: &Incoming,
    choices: &ApplyChoices,
    progress: &Progress,
) -> Result<ImportOutcome> {
    desk.require(Action::DataExchange)?;
    if choices.token != incoming.token {
        return Err(Error::stale(incoming.token.clone(), "bundle"));
    }
    let mut w = desk.write().await?;
    if super::trust::exporter(&mut w.tx, incoming).await?.is_some() {
        return Err(Error::import("unpaired", incoming.manifest.device_code.clone()));
    }
    let rewound = super::trust::witness(&mut w.tx, incoming).await?;
    // A bundle whose preview found nothing to write has nothing to write later either: local
    // changes only move clocks forward, and records are never removed.
    let settled = incoming
        .settled
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .filter(|(device, _)| *device == desk.device().id)
        .map(|(_, kinds)| kinds);
    let (kinds, merged, conflicts, max_clock) = match settled {
        Some(kinds) => (kinds, vec![], 0, String::new()),
        None => merge_in(&mut w, desk, incoming, choices, progress).await?,
    };
    let mut ch = Changes::new();
    ch.set("from_device", &incoming.manifest.device_code);
    ch.set("exported_at", &incoming.manifest.exported_at);
    ch.set("exported_by", &incoming.manifest.user_name);
    let summary: BTreeMap<&str, [u64; 3]> =
        kinds.iter().map(|c| (c.table.as_str(), [c.new, c.updated, c.deleted])).collect();
    ch.set("counts", &summary);
    ch.set("conflicts", &conflicts);
    if let Some((seen, now)) = rewound {
        ch.set("trail_rewound", &[seen, now]);
    }
    let mut entries: Vec<(&str, &str, &str, Changes)> =
        vec![("import", "bundle", &incoming.manifest.device_id, ch)];
    for d in &merged {
        let mut m = Changes::new();
        m.set("merged_from", &d.incoming_id);
        m.set("merged_name", &d.incoming_name);
        m.set("reason", &d.reason);
        entries.push(("merge_duplicate", "partner", &d.local_id, m));
    }
    audit::record_many(&mut w, &entries).await?;
    record_peer(&mut w, incoming).await?;
    super::trust::keep_vouched(&mut w, incoming).await?;
    super::trust::keep_head(&mut w.tx, incoming).await?;
    w.commit().await.map_err(|e| constraint(e, "bundle"))?;
    if let Some(h) = Hlc::decode(&max_clock) {
        desk.observe(&h);
    }
    Ok(ImportOutcome { kinds, merged: merged.len() as u64, conflicts })
}

/// What changes and conflicts an import writes (the part of [`apply`] inside its transaction):
/// the counts, the duplicates merged, the conflicts queued, the newest clock seen.
async fn merge_in(
    w: &mut Write,
    desk: &Desk,
    incoming: &Incoming,
    choices: &ApplyChoices,
    progress: &Progress,
) -> Result<(Vec<KindCount>, Vec<Duplicate>, u64, String)> {
    sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *w.tx).await?;
    let k = knowledge(&mut w.tx, desk, incoming).await?;
    let chosen: HashSet<String> = choices.merge.iter().cloned().collect();
    let (now, hlc) = (w.stamp.now.clone(), w.stamp.hlc.clone());
    let work = compute(&mut w.tx, incoming, &k, &chosen, (&now, &hlc), progress).await?;
    let total = work.tables.len() as u64;
    for (i, (table, tw)) in work.tables.iter().enumerate() {
        progress.step("apply", i as u64, total)?;
        write_table(w, table, tw, incoming).await.map_err(|e| constraint(e, table))?;
    }
    let merged: Vec<&Duplicate> = work
        .duplicates
        .iter()
        .filter(|d| d.reason == "credit_code" || chosen.contains(&d.incoming_id))
        .collect();
    let mut touched = work.touched_partners.clone();
    for d in &merged {
        touched.insert(d.local_id.clone());
    }
    let mut touched: Vec<String> = touched.into_iter().filter(|s| !s.is_empty()).collect();
    touched.sort();
    crate::partners::refresh_local(&mut w.tx, &touched, &work.fresh_partners).await?;
    crate::recruitment::research::refresh_local(&mut w.tx, &work.touched_notes).await?;
    let mut conflicts = 0;
    for (table, tw) in &work.tables {
        for c in &tw.clashes {
            let r = sqlx::query(
                "INSERT OR IGNORE INTO sync_conflict (id, table_name, row_id, field, kept_value, kept_hlc, other_value,
                    other_hlc, from_device, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(new_id())
            .bind(*table)
            .bind(&c.row_id)
            .bind(&c.field)
            .bind(c.kept.to_string())
            .bind(&c.kept_hlc)
            .bind(c.other.to_string())
            .bind(&c.other_hlc)
            .bind(&incoming.manifest.device_id)
            .bind(&now)
            .execute(&mut *w.tx)
            .await?;
            conflicts += r.rows_affected();
        }
    }
    audit::seal_pending(&mut w.tx).await?;
    let merged: Vec<Duplicate> = merged.into_iter().cloned().collect();
    Ok((kinds(&work), merged, conflicts, work.max_clock))
}

/// A constraint the bundle breaks, as an import error naming it; other errors as they are.
fn constraint(e: Error, table: &str) -> Error {
    use sqlx::error::ErrorKind;
    let Error::Database(sqlx::Error::Database(d)) = &e else { return e };
    let msg = d.message();
    match d.kind() {
        ErrorKind::UniqueViolation => {
            let what = msg.rsplit("failed: ").next().unwrap_or(table).trim().to_string();
            Error::import("duplicate_key", what)
        }
        ErrorKind::ForeignKeyViolation => Error::import("missing_reference", table.to_string()),
        _ if msg.contains("constraint failed") => Error::import("bad_row", format!("{table}: {msg}")),
        _ => e,
    }
}

async fn write_table(w: &mut Write, table: &str, tw: &TableWork<'_>, incoming: &Incoming) -> Result<()> {
    // Updates first: a merged duplicate's tombstone frees its credit code before inserts.
    for u in &tw.updates {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("UPDATE {table} SET "));
        for (col, v) in &u.sets {
            qb.push(col.as_str()).push(" = ");
            push_value(&mut qb, v);
            qb.push(", ");
        }
        qb.push("field_hlc = ").push_bind(u.field_hlc.clone());
        if let Some((hlc, at, by)) = &u.meta {
            qb.push(", hlc = ").push_bind(hlc.clone());
            qb.push(", updated_at = ").push_bind(at.clone());
            qb.push(", updated_by = ").push_bind(by.clone());
        }
        qb.push(" WHERE id = ").push_bind(u.id.clone());
        qb.build().execute(&mut *w.tx).await?;
    }
    let mut i = 0;
    while i < tw.inserts.len() {
        let keys: Vec<&String> = tw.inserts[i].keys().collect();
        let per_row = keys.len() + usize::from(table == "attachment");
        let max_rows = (30_000 / per_row.max(1)).clamp(1, 400);
        let mut j = i;
        while j < tw.inserts.len() && j - i < max_rows && tw.inserts[j].keys().eq(keys.iter().copied()) {
            j += 1;
        }
        let mut cols: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        if table == "attachment" {
            cols.push("bytes");
        }
        let verb = if table == "audit_log" { "INSERT OR IGNORE" } else { "INSERT" };
        let mut qb =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("{verb} INTO {table} ({}) ", cols.join(", ")));
        qb.push_values(&tw.inserts[i..j], |mut b, row| {
            for k in &keys {
                match &row[k.as_str()] {
                    Value::String(s) => b.push_bind(s.clone()),
                    Value::Number(n) => b.push_bind(n.as_i64()),
                    _ => b.push_bind(None::<String>),
                };
            }
            if table == "attachment" {
                let id = text(row.get("id"));
                b.push_bind(incoming.files.get(id).cloned().unwrap_or_default());
            }
        });
        qb.build().execute(&mut *w.tx).await?;
        i = j;
    }
    Ok(())
}

fn push_value(qb: &mut sqlx::QueryBuilder<sqlx::Sqlite>, v: &Value) {
    match v {
        Value::String(s) => qb.push_bind(s.clone()),
        Value::Number(n) => qb.push_bind(n.as_i64()),
        _ => qb.push_bind(None::<String>),
    };
}

async fn record_peer(w: &mut Write, incoming: &Incoming) -> Result<()> {
    let m = &incoming.manifest;
    sqlx::query(
        "INSERT INTO sync_peer (device_id, device_code, last_user, last_import) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(device_id) DO UPDATE SET device_code = ?2, last_user = ?3, last_import = ?4",
    )
    .bind(&m.device_id)
    .bind(&m.device_code)
    .bind(&m.user_name)
    .bind(&w.stamp.now)
    .execute(&mut *w.tx)
    .await?;
    if m.scope == Scope::All {
        for (device, clock) in &m.knows {
            if *device == w.stamp.device_id {
                continue;
            }
            sqlx::query(
                "INSERT INTO sync_peer (device_id, known_hlc) VALUES (?1, ?2)
                 ON CONFLICT(device_id) DO UPDATE SET known_hlc = max(known_hlc, ?2)",
            )
            .bind(device)
            .bind(clock)
            .execute(&mut *w.tx)
            .await?;
        }
    }
    Ok(())
}

/// A field changed on two laptops, waiting for a person.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ConflictItem {
    pub id: String,
    pub table: String,
    pub row_id: String,
    pub field: String,
    /// The partner the record belongs to (name), when it has one.
    pub label: String,
    pub partner_id: Option<String>,
    /// The value every laptop now has (the later change), as JSON.
    #[ts(type = "unknown")]
    pub kept: Value,
    #[ts(type = "unknown")]
    pub other: Value,
    pub kept_device: String,
    pub other_device: String,
    pub detected_at: String,
}

fn device_code_of(clock: &str, peers: &HashMap<String, String>, own: &(String, String)) -> String {
    let d = Hlc::decode(clock).map(|h| h.device).unwrap_or_default();
    if d == own.0 {
        return own.1.clone();
    }
    peers.get(&d).cloned().unwrap_or_default()
}

#[derive(sqlx::FromRow)]
struct QueuedRow {
    id: String,
    table_name: String,
    row_id: String,
    field: String,
    kept_value: String,
    kept_hlc: String,
    other_value: String,
    other_hlc: String,
    detected_at: String,
}

/// The open conflicts, newest first. One whose field has changed again since is closed as
/// `superseded` (a later change settled it).
pub async fn conflicts(desk: &Desk) -> Result<Vec<ConflictItem>> {
    desk.require(Action::DataExchange)?;
    let mut conn = desk.pool().acquire().await?;
    let rows: Vec<QueuedRow> = sqlx::query_as(
        "SELECT id, table_name, row_id, field, kept_value, kept_hlc, other_value, other_hlc, detected_at
           FROM sync_conflict WHERE resolved_at IS NULL ORDER BY detected_at DESC, table_name, field",
    )
    .fetch_all(&mut *conn)
    .await?;
    let peers: HashMap<String, String> = sqlx::query_as("SELECT device_id, device_code FROM sync_peer")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let own = (desk.device().id.clone(), desk.device().short_code.clone());
    let mut out = Vec::new();
    for QueuedRow {
        id,
        table_name: table,
        row_id,
        field,
        kept_value: kept,
        kept_hlc,
        other_value: other,
        other_hlc,
        detected_at,
    } in rows
    {
        if catalogue::find(&table).is_none() {
            continue;
        }
        if current_clock(&mut conn, &table, &row_id, &field).await? != kept_hlc {
            sqlx::query("UPDATE sync_conflict SET resolved_at = ?, choice = 'superseded' WHERE id = ?")
                .bind(crate::desk::rfc3339(desk.now()))
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            continue;
        }
        let partner_id = partner_of(&mut conn, &table, &row_id).await?;
        let label = match &partner_id {
            Some(p) => sqlx::query_scalar("SELECT name FROM partner WHERE id = ?")
                .bind(p)
                .fetch_optional(&mut *conn)
                .await?
                .unwrap_or_default(),
            None => String::new(),
        };
        out.push(ConflictItem {
            kept_device: device_code_of(&kept_hlc, &peers, &own),
            other_device: device_code_of(&other_hlc, &peers, &own),
            id,
            table,
            row_id,
            field,
            label,
            partner_id,
            kept: serde_json::from_str(&kept).unwrap_or(Value::Null),
            other: serde_json::from_str(&other).unwrap_or(Value::Null),
            detected_at,
        });
    }
    Ok(out)
}

async fn current_clock(
    conn: &mut SqliteConnection,
    table: &str,
    row_id: &str,
    field: &str,
) -> Result<String> {
    let row: Option<(String, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT field_hlc, hlc FROM {table} WHERE id = ?")))
            .bind(row_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((clocks, hlc)) = row else { return Ok(String::new()) };
    let clocks: BTreeMap<String, String> = serde_json::from_str(&clocks).unwrap_or_default();
    Ok(clock(&clocks, table, field, &hlc).to_string())
}

async fn partner_of(conn: &mut SqliteConnection, table: &str, row_id: &str) -> Result<Option<String>> {
    if table == "partner" {
        return Ok(Some(row_id.to_string()));
    }
    let has_col = catalogue::columns(conn, table).await?.iter().any(|c| c.name == "partner_id");
    if !has_col {
        return Ok(None);
    }
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT partner_id FROM {table} WHERE id = ?")))
        .bind(row_id)
        .fetch_optional(&mut *conn)
        .await?
        .flatten())
}

/// Settles conflict `id`: `kept` confirms the value every laptop has; `other` writes the other
/// value as a new change (which then travels to the others).
pub async fn resolve(desk: &Desk, id: &str, choice: &str) -> Result<()> {
    desk.require(Action::DataExchange)?;
    let mut check = crate::validate::Checker::new();
    check.one_of("choice", choice, &["kept", "other"]);
    check.finish()?;
    let mut w = desk.write().await?;
    let row: Option<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT table_name, row_id, field, kept_hlc, kept_value, other_value FROM sync_conflict
          WHERE id = ? AND resolved_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let (table, row_id, field, kept_hlc, kept, other) =
        row.ok_or_else(|| Error::NotFound { entity: "conflict", id: id.into() })?;
    let shared =
        catalogue::find(&table).ok_or_else(|| Error::NotFound { entity: "conflict", id: id.into() })?;
    if current_clock(&mut w.tx, &table, &row_id, &field).await? != kept_hlc {
        return Err(Error::stale(row_id, field));
    }
    if choice == "other" {
        let value: Value = serde_json::from_str(&other).unwrap_or(Value::Null);
        let as_text = match &value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            v => Some(v.to_string()),
        };
        let mut sets = vec![(field.as_str(), as_text.clone())];
        let norm;
        match (table.as_str(), field.as_str()) {
            ("partner", "name") => {
                norm = crate::validate::normalize_company_name(as_text.as_deref().unwrap_or(""));
                sets.push(("name_norm", Some(norm)));
            }
            ("partner_contact", "mobile") => {
                norm = crate::validate::phone_digits(as_text.as_deref().unwrap_or(""));
                sets.push(("mobile_norm", Some(norm)));
            }
            _ => {}
        }
        crate::records::set_columns(&mut w, shared.name, &row_id, &sets)
            .await
            .map_err(|e| constraint(e, &table))?;
        if let Some(p) = partner_of(&mut w.tx, &table, &row_id).await?
            && matches!(table.as_str(), "partner" | "partner_contact")
        {
            crate::partners::refresh_local(&mut w.tx, &[p], &HashSet::new()).await?;
        }
        let mut ch = Changes::new();
        ch.diff(&field, &serde_json::from_str::<Value>(&kept).unwrap_or(Value::Null), &value);
        audit::record(&mut w, "conflict_resolved", shared.name, &row_id, &ch).await?;
    }
    sqlx::query("UPDATE sync_conflict SET resolved_at = ?, resolved_by = ?, choice = ? WHERE id = ?")
        .bind(&w.stamp.now)
        .bind(&w.stamp.user.id)
        .bind(choice)
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
    w.commit().await
}

/// A laptop this file has imported from.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Peer {
    pub device_id: String,
    pub device_code: String,
    pub last_user: String,
    pub last_import: String,
}

/// The laptops this file has imported from, latest first.
pub async fn peers(desk: &Desk) -> Result<Vec<Peer>> {
    desk.require(Action::DataExchange)?;
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT device_id, device_code, last_user, last_import FROM sync_peer WHERE last_import <> ''
          ORDER BY last_import DESC",
    )
    .fetch_all(desk.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(device_id, device_code, last_user, last_import)| Peer {
            device_id,
            device_code,
            last_user,
            last_import,
        })
        .collect())
}
