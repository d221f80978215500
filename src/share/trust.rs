//! Whom an import believes: the exporting laptop must be paired (or be this laptop), every
//! change a bundle brings must be covered by an audit entry signed by the laptop that made it,
//! and every status it moves must be one the life cycles let the entry's role move it to.
//! Also pairing itself and the witnessing of other laptops' chain heads.
//!
//! Invariants:
//! - a laptop's key becomes trusted only by [`pair`] (an administrator, who compared the
//!   fingerprint on both screens) or, for entries a paired laptop carries from a third one,
//!   by that paired laptop vouching for it in its signed manifest;
//! - an incoming audit entry new to this file is accepted only with a signature that holds
//!   for a trusted key of the laptop it names;
//! - every field an import would change carries a clock; that clock must be the clock of a
//!   signed entry (in the bundle or already here), and a status (or a date a life cycle is
//!   kept as) must be covered by an entry about that record or its parent whose roles may
//!   move a record of its machine into the new state: a hand-edited row, or one edited in a
//!   colleague's database with the database key alone, is refused with the record named;
//! - nothing is written unless the whole bundle passes.

use super::Incoming;
use crate::access::{Action, Role};
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::machines;
use crate::signing;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::SqliteConnection;
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

type Row = Map<String, Value>;

/// A laptop a preview found unpaired: what the administrator compares before pairing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Pairing {
    pub device_id: String,
    pub device_code: String,
    /// Who exported the bundle there.
    pub user_name: String,
    pub public_key: String,
    /// `XXXXX-XXXXX-XXXXX-XXXXX`, shown on that laptop's settings page too.
    pub fingerprint: String,
    /// The laptop was paired before with another key (its keychain was lost or replaced).
    pub key_changed: bool,
}

/// What [`pair`] is given: the laptop and the fingerprint the administrator compared.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PairInput {
    pub device_id: String,
    pub device_code: String,
    pub public_key: String,
    pub fingerprint: String,
}

/// A laptop whose key this laptop trusts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct TrustedKey {
    pub device_id: String,
    pub device_code: String,
    /// `own`, `paired` or `vouched`.
    pub source: String,
    pub fingerprint: String,
    /// For a vouched key: the code of the paired laptop that vouched for it.
    pub via_code: String,
    pub added_at: String,
    pub added_by_name: String,
}

/// This laptop as another one pairs it: its id, code, public key and fingerprint (the
/// settings page shows the fingerprint, as text and QR code, for the comparison).
pub fn identity(desk: &Desk) -> PairInput {
    let public_key = desk.signer().public_hex();
    PairInput {
        device_id: desk.device().id.clone(),
        device_code: desk.device().short_code.clone(),
        fingerprint: signing::fingerprint(&public_key),
        public_key,
    }
}

/// Whether `incoming` comes from this laptop or a paired one; otherwise what to compare.
pub(crate) async fn exporter(conn: &mut SqliteConnection, incoming: &Incoming) -> Result<Option<Pairing>> {
    let m = &incoming.manifest;
    let trusted: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM device_key WHERE public_key = ? AND device_id = ? AND source IN ('own', 'paired'))",
    )
    .bind(&m.public_key)
    .bind(&m.device_id)
    .fetch_one(&mut *conn)
    .await?;
    if trusted {
        return Ok(None);
    }
    let key_changed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM device_key WHERE device_id = ? AND source IN ('own', 'paired'))",
    )
    .bind(&m.device_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(Pairing {
        device_id: m.device_id.clone(),
        device_code: m.device_code.clone(),
        user_name: m.user_name.clone(),
        public_key: m.public_key.clone(),
        fingerprint: signing::fingerprint(&m.public_key),
        key_changed,
    }))
}

/// Pairs a laptop: an administrator accepts its key after comparing the fingerprint shown on
/// both screens (`fingerprint` must be the key's). Audited; pairing again replaces nothing,
/// a new key of a laptop paired before is added beside its old one.
pub async fn pair(desk: &Desk, input: &PairInput) -> Result<Vec<TrustedKey>> {
    desk.require(Action::DevicePair)?;
    if !signing::is_public_key(&input.public_key) || input.device_id.trim().is_empty() {
        return Err(Error::field("public_key", "invalid"));
    }
    if !signing::same_fingerprint(&input.fingerprint, &signing::fingerprint(&input.public_key)) {
        return Err(Error::field("fingerprint", "mismatch"));
    }
    if input.device_id == desk.device().id {
        return Err(Error::field("device_id", "own_device"));
    }
    let mut w = desk.write().await?;
    let now = w.stamp.now.clone();
    let by = w.stamp.user.id.clone();
    let done = sqlx::query(
        "INSERT INTO device_key (public_key, device_id, device_code, source, added_at, added_by)
         VALUES (?, ?, ?, 'paired', ?, ?)
         ON CONFLICT(public_key) DO UPDATE SET source = 'paired', via = '', added_at = excluded.added_at,
            added_by = excluded.added_by WHERE device_key.source = 'vouched'",
    )
    .bind(&input.public_key)
    .bind(&input.device_id)
    .bind(&input.device_code)
    .bind(&now)
    .bind(&by)
    .execute(&mut *w.tx)
    .await?;
    if done.rows_affected() > 0 {
        let mut ch = Changes::new();
        ch.set("device_code", &input.device_code);
        ch.set("fingerprint", &signing::fingerprint(&input.public_key));
        audit::record(&mut w, "pair", "device", &input.device_id, &ch).await?;
        w.commit().await?;
    } else {
        w.tx.rollback().await?;
    }
    keys(desk).await
}

/// The pairing card of the settings page: this laptop's fingerprint as text and as a QR code
/// (an SVG path of its dark modules, `size` modules square), and the laptops it trusts.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PairingCard {
    pub device_code: String,
    pub fingerprint: String,
    pub qr_path: String,
    pub qr_size: u32,
    pub keys: Vec<TrustedKey>,
}

/// See [`PairingCard`].
pub async fn card(desk: &Desk) -> Result<PairingCard> {
    let keys = keys(desk).await?;
    let me = identity(desk);
    let text = format!("CHANNELDESK-LAPTOP {} {}", me.device_code, me.fingerprint);
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Storage(format!("QR code: {e}")))?;
    let n = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for row in 0..n {
        for col in 0..n {
            if colors[row * n + col] == qrcode::Color::Dark {
                path.push_str(&format!("M{} {}h1v1h-1z", col + 4, row + 4));
            }
        }
    }
    Ok(PairingCard {
        device_code: me.device_code,
        fingerprint: me.fingerprint,
        qr_path: path,
        qr_size: (n + 8) as u32,
        keys,
    })
}

/// The laptops this one trusts, its own first.
pub async fn keys(desk: &Desk) -> Result<Vec<TrustedKey>> {
    desk.require(Action::DataExchange)?;
    let rows: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT k.device_id, k.device_code, k.source, k.public_key, COALESCE(v.device_code, ''), k.added_at,
            COALESCE(u.display_name, '')
         FROM device_key k LEFT JOIN device_key v ON v.device_id = k.via AND v.source IN ('own', 'paired')
            LEFT JOIN app_user u ON u.id = k.added_by
         GROUP BY k.public_key
         ORDER BY k.source <> 'own', k.source <> 'paired', k.device_code, k.added_at",
    )
    .fetch_all(desk.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(device_id, device_code, source, key, via_code, added_at, added_by_name)| TrustedKey {
            device_id,
            device_code,
            source,
            fingerprint: signing::fingerprint(&key),
            via_code,
            added_at,
            added_by_name,
        })
        .collect())
}

/// The keys that check the bundle's entries: every trusted key here, and those the (paired)
/// exporting laptop vouches for.
async fn trusted_keys(
    conn: &mut SqliteConnection,
    incoming: &Incoming,
) -> Result<HashMap<String, Vec<String>>> {
    let mut out = audit::trusted_keys(conn).await?;
    for k in &incoming.manifest.keys {
        if signing::is_public_key(&k.public_key) {
            let v = out.entry(k.device_id.clone()).or_default();
            if !v.contains(&k.public_key) {
                v.push(k.public_key.clone());
            }
        }
    }
    Ok(out)
}

/// Keeps the keys a paired exporter vouched for (inside the import's write).
pub(crate) async fn keep_vouched(w: &mut crate::desk::Write, incoming: &Incoming) -> Result<()> {
    for k in &incoming.manifest.keys {
        if !signing::is_public_key(&k.public_key) || k.device_id == w.stamp.device_id {
            continue;
        }
        sqlx::query(
            "INSERT INTO device_key (public_key, device_id, device_code, source, via, added_at)
             VALUES (?, ?, ?, 'vouched', ?, ?) ON CONFLICT(public_key) DO NOTHING",
        )
        .bind(&k.public_key)
        .bind(&k.device_id)
        .bind(&k.device_code)
        .bind(&incoming.manifest.device_id)
        .bind(&w.stamp.now)
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(())
}

/// One change an import would make that must be covered by a signed entry.
#[derive(Debug)]
pub(crate) struct Claim {
    pub table: &'static str,
    pub row_id: String,
    /// The ids the row points at (`partner_id`, `evaluation_id` …): an entry about one of
    /// them covers a status change of the row too.
    pub parents: Vec<String>,
    pub clock: String,
    /// A status (or life-cycle date) moved: `(machine, new state)`.
    pub state: Option<(&'static str, &'static str)>,
}

/// The claims of one row an import inserts (`new`) or the columns `changed` it updates.
pub(crate) fn claims_of(
    table: &'static str,
    row: &Row,
    changed: Option<&[String]>,
    stamp_hlc: &str,
    out: &mut Vec<Claim>,
) {
    let text = |v: Option<&Value>| v.and_then(|v| v.as_str()).unwrap_or("").to_string();
    let row_id = text(row.get("id"));
    let hlc = text(row.get("hlc"));
    let clocks: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&text(row.get("field_hlc"))).unwrap_or_default();
    let clock_of = |col: &str| -> String {
        let key = match super::catalogue::clock_column(table, col) {
            "" => col,
            k => k,
        };
        clocks.get(key).or_else(|| clocks.get("*")).cloned().unwrap_or_else(|| hlc.clone())
    };
    let mut parents: Vec<String> =
        row.iter().filter(|(k, v)| k.ends_with("_id") && v.is_string()).map(|(_, v)| text(Some(v))).collect();
    // A periodic evaluation is opened by its round's one entry (`round-<period>`, R2.2.1).
    if table == "evaluation" && text(row.get("kind")) == "periodic" {
        parents.push(format!("round-{}", text(row.get("period"))));
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |clock: String, state: Option<(&'static str, &'static str)>| {
        if state.is_none() && (clock.is_empty() || clock == stamp_hlc) {
            return;
        }
        if state.is_none() && !seen.insert(clock.clone()) {
            return;
        }
        out.push(Claim { table, row_id: row_id.clone(), parents: parents.clone(), clock, state });
    };
    match changed {
        None => {
            for c in clocks.values() {
                push(c.clone(), None);
            }
            if clocks.is_empty() {
                push(hlc.clone(), None);
            }
        }
        Some(cols) => {
            for c in cols {
                push(clock_of(c), None);
            }
        }
    }
    for m in machines::ALL.iter().filter(|m| m.table() == table) {
        let col = m.column();
        if changed.is_some_and(|cols| !cols.iter().any(|c| c == col)) {
            continue;
        }
        let Some(v) = row.get(col) else { continue };
        // A status no machine knows is claimed as the empty state, which nothing may enter.
        let state = m.state_of(v.as_str()).unwrap_or("");
        let clock = clock_of(col);
        if state.is_empty() || clock != stamp_hlc {
            push(if clock.is_empty() { "?".into() } else { clock }, Some((m.name(), state)));
        }
    }
}

/// A signed entry as coverage reads it.
struct Signed {
    entity_id: String,
    roles: Vec<Role>,
    kiosk: bool,
}

/// Checks the bundle's new audit entries' signatures and that every claim is covered.
pub(crate) async fn check(
    conn: &mut SqliteConnection,
    incoming: &Incoming,
    new_entries: &[&Row],
    known_entries: &[&Row],
    claims: &[Claim],
) -> Result<()> {
    let keys = trusted_keys(conn, incoming).await?;
    verify_entries(new_entries, &keys)?;
    let mut by_clock: HashMap<String, Vec<Signed>> = HashMap::new();
    let signed = |r: &Row| {
        let text = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let role = text("role");
        (
            text("hlc"),
            Signed {
                entity_id: text("entity_id"),
                roles: role.split(',').filter_map(Role::parse).collect(),
                kiosk: role == "kiosk",
            },
        )
    };
    for r in new_entries.iter().chain(known_entries) {
        let (clock, s) = signed(r);
        by_clock.entry(clock).or_default().push(s);
    }
    // Clocks no entry of the bundle covers: this file's own entries may.
    let missing: Vec<&str> = claims
        .iter()
        .map(|c| c.clock.as_str())
        .filter(|c| !c.is_empty() && !by_clock.contains_key(*c))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if !missing.is_empty() {
        super::merge::stage_ids(conn, &missing).await?;
        let local: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT hlc, entity_id, role FROM audit_log WHERE hlc IN (SELECT id FROM temp.share_ids)",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (clock, entity_id, role) in local {
            let s = Signed {
                entity_id,
                roles: role.split(',').filter_map(Role::parse).collect(),
                kiosk: role == "kiosk",
            };
            by_clock.entry(clock).or_default().push(s);
        }
    }
    for c in claims {
        let what = format!("{}/{}", c.table, c.row_id);
        let Some(entries) = by_clock.get(&c.clock) else {
            return Err(Error::import("uncovered", what));
        };
        if let Some((machine, state)) = c.state {
            let m = machines::by_name(machine).ok_or_else(|| Error::import("uncovered", what.clone()))?;
            let about_it = |s: &&Signed| s.entity_id == c.row_id || c.parents.contains(&s.entity_id);
            let allowed = entries.iter().filter(about_it).any(|s| m.may_enter(state, &s.roles, s.kiosk));
            if state.is_empty() || !allowed {
                return Err(Error::import("state", what));
            }
        }
    }
    Ok(())
}

/// Every new entry's signature, on both cores (a first import carries tens of thousands).
fn verify_entries(entries: &[&Row], keys: &HashMap<String, Vec<String>>) -> Result<()> {
    let bad = |r: &Row| {
        let device = r.get("device_id").and_then(|v| v.as_str()).unwrap_or("");
        let ks = keys.get(device).map(Vec::as_slice).unwrap_or(&[]);
        !audit::signature_holds(r, ks)
    };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(4);
    let chunk = entries.len().div_ceil(threads).max(1);
    let found: Option<String> = std::thread::scope(|s| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .find(|r| bad(r))
                        .map(|r| r.get("id").and_then(|v| v.as_str()).unwrap_or("").to_string())
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok().flatten()).next()
    });
    match found {
        Some(id) => Err(Error::import("signature", format!("audit_log/{id}"))),
        None => Ok(()),
    }
}

/// Witnesses the exporting laptop's chain head: a head behind the one seen before from that
/// laptop means its trail was cut since (returned as `(seen, now)`). Kept inside the import.
pub(crate) async fn witness(conn: &mut SqliteConnection, incoming: &Incoming) -> Result<Option<(i64, i64)>> {
    let m = &incoming.manifest;
    let Some(head) =
        m.head.as_ref().filter(|h| h.holds() && h.device_id == m.device_id && h.public_key == m.public_key)
    else {
        return Ok(None);
    };
    let seen: Option<(i64, String)> =
        sqlx::query_as("SELECT head_seq, head_hash FROM sync_peer WHERE device_id = ?")
            .bind(&m.device_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match seen {
        Some((seq, hash)) if seq > head.seq || (seq == head.seq && !hash.is_empty() && hash != head.hash) => {
            Some((seq, head.seq))
        }
        _ => None,
    })
}

/// Stores the exporting laptop's head as witnessed (never moving it back).
pub(crate) async fn keep_head(conn: &mut SqliteConnection, incoming: &Incoming) -> Result<()> {
    let m = &incoming.manifest;
    if let Some(head) = m.head.as_ref().filter(|h| h.holds() && h.device_id == m.device_id) {
        sqlx::query("UPDATE sync_peer SET head_seq = ?, head_hash = ? WHERE device_id = ? AND head_seq <= ?")
            .bind(head.seq)
            .bind(&head.hash)
            .bind(&m.device_id)
            .bind(head.seq)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
