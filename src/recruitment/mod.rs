//! Recruitment (R2.1.1–R2.1.4): the pipeline that takes a prospect from application to a
//! signed agreement, the record each gate needs, and the places prospects come from
//! (trade-show events and their leads, referrals, market research).
//!
//! Invariants:
//! - a prospect moves forward one stage at a time and only when the record of the stage it
//!   leaves is there (`gate`): application (credit code, business scope, a contact with a
//!   phone or e-mail), screening (latest scorecard passed), inspection (latest inspection
//!   passed), negotiation (latest negotiation reached intent), signing (the agreement, through
//!   [`sign`] only); moving back is always allowed and recorded;
//! - a rejected prospect does not move until reopened; a signed one is an active partner and
//!   its referral reward is due;
//! - every move writes a `stage_move` row and a partner audit entry in the same transaction;
//! - a prospect without a `prospect` row (entered through the partner form) is at the
//!   application stage since it was created; its row is made on its first recruitment change.

pub mod events;
pub mod leads;
pub mod referrals;
pub mod research;
pub mod screening;

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, Write, new_id};
use crate::error::{Error, FieldError, Result};
use crate::partners;
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

/// The stages of R2.1.4, in order; `Signed` is where a prospect ends as a partner.
pub use crate::machines::Stage;

impl Stage {
    /// The columns of the board (open prospects are in one of these).
    pub const BOARD: [Stage; 5] =
        [Self::Application, Self::Screening, Self::Inspection, Self::Negotiation, Self::Signing];

    pub fn index(self) -> i64 {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) as i64
    }
    pub fn next(self) -> Option<Stage> {
        Self::ALL.get(self.index() as usize + 1).copied()
    }
}

/// A prospect's pipeline row as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ProspectRow {
    pub id: String,
    pub stage: String,
    pub outcome: String,
    pub reached: i64,
}

impl ProspectRow {
    fn stage(&self) -> Stage {
        Stage::parse(&self.stage).unwrap_or(Stage::Application)
    }
}

/// The pipeline row of partner `partner_id`; one is made at the application stage for a live
/// prospect that has none. Refused for a partner that is neither.
pub(crate) async fn ensure_prospect(w: &mut Write, partner_id: &str) -> Result<ProspectRow> {
    let (status, deleted): (String, Option<String>) =
        sqlx::query_as("SELECT status, deleted_at FROM partner WHERE id = ?")
            .bind(partner_id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "partner", id: partner_id.to_string() })?;
    if deleted.is_some() {
        return Err(Error::NotFound { entity: "partner", id: partner_id.to_string() });
    }
    if status == "prospect" {
        enter_many(w, &[partner_id]).await?;
    }
    let found: Option<ProspectRow> = sqlx::query_as(
        "SELECT id, stage, outcome, reached FROM prospect WHERE partner_id = ? AND deleted_at IS NULL",
    )
    .bind(partner_id)
    .fetch_optional(&mut *w.tx)
    .await?;
    found.ok_or_else(|| Error::field("partner_id", "not_prospect"))
}

/// Puts prospects without a pipeline row at the application stage, since they were created,
/// each with its `enter` move (no audit entry of its own: the partner's creation or update is
/// the entry). Partners that already have a row are left as they are.
pub(crate) async fn enter_many(w: &mut Write, partner_ids: &[&str]) -> Result<()> {
    let s = w.stamp.clone();
    for part in partner_ids.chunks(200) {
        let mut qb =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new("SELECT id, created_at FROM partner WHERE id IN (");
        let mut sep = qb.separated(", ");
        for id in part {
            sep.push_bind(*id);
        }
        qb.push(") AND NOT EXISTS (SELECT 1 FROM prospect r WHERE r.partner_id = partner.id)");
        let new: Vec<(String, String)> = qb.build_query_as().fetch_all(&mut *w.tx).await?;
        if new.is_empty() {
            continue;
        }
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO prospect (id, partner_id, stage, outcome, reached, stage_since, created_at, updated_at,
                updated_by, hlc, field_hlc) ",
        );
        qb.push_values(&new, |mut b, (pid, created)| {
            b.push_bind(new_id())
                .push_bind(pid.clone())
                .push_bind("application")
                .push_bind("open")
                .push_bind(0)
                .push_bind(created.clone())
                .push_bind(s.now.clone())
                .push_bind(s.now.clone())
                .push_bind(s.user.id.clone())
                .push_bind(s.hlc.clone())
                .push_bind(format!("{{\"*\":\"{}\"}}", s.hlc));
        });
        qb.build().execute(&mut *w.tx).await?;
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO stage_move (id, partner_id, from_stage, to_stage, action, reason, at, user_id, user_name,
                created_at, updated_at, updated_by, hlc, field_hlc) ",
        );
        qb.push_values(&new, |mut b, (pid, created)| {
            b.push_bind(new_id())
                .push_bind(pid.clone())
                .push_bind("")
                .push_bind("application")
                .push_bind("enter")
                .push_bind("")
                .push_bind(created.clone())
                .push_bind(s.user.id.clone())
                .push_bind(s.user.name.clone())
                .push_bind(s.now.clone())
                .push_bind(s.now.clone())
                .push_bind(s.user.id.clone())
                .push_bind(s.hlc.clone())
                .push_bind(format!("{{\"*\":\"{}\"}}", s.hlc));
        });
        qb.build().execute(&mut *w.tx).await?;
    }
    Ok(())
}

/// Records where a new prospect came from (lead capture, kiosk registration): its event, who
/// captured it and what the visitor is interested in, on its pipeline row.
pub(crate) async fn set_origin(
    w: &mut Write,
    partner_id: &str,
    event_id: Option<&str>,
    captured_by: Option<&str>,
    interest: &str,
) -> Result<()> {
    let row = ensure_prospect(w, partner_id).await?;
    let mut sets = vec![("interest", Some(interest.to_string()))];
    if let Some(e) = event_id {
        sets.push(("event_id", Some(e.to_string())));
    }
    if let Some(u) = captured_by {
        sets.push(("captured_by", Some(u.to_string())));
    }
    update_prospect(w, &row.id, &sets).await
}

async fn record_move(
    w: &mut Write,
    partner_id: &str,
    from: &str,
    to: &str,
    action: &str,
    reason: &str,
) -> Result<()> {
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO stage_move (id, partner_id, from_stage, to_stage, action, reason, at, user_id, user_name,
            created_at, updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(new_id())
    .bind(partner_id)
    .bind(from)
    .bind(to)
    .bind(action)
    .bind(reason)
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.user.name)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    if !from.is_empty() || action == "enter" {
        ch.diff("stage", &from, &to);
    }
    if !reason.is_empty() {
        ch.set("reason", &reason);
    }
    audit::record(w, &format!("stage_{action}"), "partner", partner_id, &ch).await
}

/// Sets columns of a pipeline row (values already checked), with its clocks.
async fn update_prospect(w: &mut Write, id: &str, sets: &[(&str, Option<String>)]) -> Result<()> {
    crate::records::set_columns(w, "prospect", id, sets).await
}

/// What stops a prospect from leaving stage `from` (empty when the gate is open).
pub(crate) async fn gate(
    conn: &mut SqliteConnection,
    partner_id: &str,
    from: Stage,
) -> Result<Vec<FieldError>> {
    let mut missing = Vec::new();
    match from {
        Stage::Application => {
            let (code, scope): (Option<String>, String) =
                sqlx::query_as("SELECT credit_code, business_scope FROM partner WHERE id = ?")
                    .bind(partner_id)
                    .fetch_one(&mut *conn)
                    .await?;
            if code.is_none() {
                missing.push(FieldError::new("credit_code", "missing"));
            }
            if scope.trim().is_empty() {
                missing.push(FieldError::new("business_scope", "missing"));
            }
            let reachable: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM partner_contact WHERE partner_id = ? AND deleted_at IS NULL
                 AND (mobile <> '' OR email <> '')",
            )
            .bind(partner_id)
            .fetch_one(&mut *conn)
            .await?;
            if reachable == 0 {
                missing.push(FieldError::new("contacts", "missing"));
            }
        }
        Stage::Screening | Stage::Inspection | Stage::Negotiation => {
            // The latest record of the stage decides: missing, or its flag not set.
            let (record, flag, order, not_set) = match from {
                Stage::Screening => ("scorecard", "passed", "scored_at DESC, id DESC", "failed"),
                Stage::Inspection => ("inspection", "passed", "inspected_on DESC, created_at DESC", "failed"),
                _ => ("negotiation", "intent_reached", "negotiated_on DESC, created_at DESC", "no_intent"),
            };
            let latest: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT {flag} FROM {record} WHERE partner_id = ? AND deleted_at IS NULL ORDER BY {order} LIMIT 1"
            )))
            .bind(partner_id)
            .fetch_optional(&mut *conn)
            .await?;
            match latest {
                None => missing.push(FieldError::new(record, "missing")),
                Some(0) => missing.push(FieldError::new(record, not_set)),
                _ => {}
            }
        }
        Stage::Signing => missing.push(FieldError::new("agreement", "missing")),
        Stage::Signed => {}
    }
    Ok(missing)
}

fn require_open(row: &ProspectRow) -> Result<()> {
    if row.outcome != "open" {
        return Err(Error::field("outcome", if row.outcome == "signed" { "signed" } else { "rejected" }));
    }
    Ok(())
}

/// Moves prospect `partner_id` to stage `to`: forward one stage through its gate, or back to
/// any earlier stage (with an optional reason).
pub async fn move_to(desk: &Desk, partner_id: &str, to: Stage, reason: &str) -> Result<ProspectFile> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let reason = c.text("reason", reason, false, 500, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let row = ensure_prospect(&mut w, partner_id).await?;
    require_open(&row)?;
    let from = row.stage();
    if to == from {
        w.tx.rollback().await?;
        return file_or_missing(desk, partner_id).await;
    }
    if to == Stage::Signed {
        return Err(Error::field("stage", "use_agreement"));
    }
    let machine = &crate::machines::PROSPECT_STAGE;
    let action = machine.step_to(from, to).map(|s| s.action).ok_or_else(|| Error::field("stage", "skip"))?;
    machine.check(&w, action, from)?;
    if to > from {
        let missing = gate(&mut w.tx, partner_id, from).await?;
        if !missing.is_empty() {
            return Err(Error::Gate { to: to.as_str().into(), missing });
        }
    }
    let reached = row.reached.max(to.index());
    let now = w.stamp.now.clone();
    take_stage(&mut w, &row.id, to).await?;
    update_prospect(&mut w, &row.id, &[("stage_since", Some(now)), ("reached", Some(reached.to_string()))])
        .await?;
    record_move(&mut w, partner_id, from.as_str(), to.as_str(), action, &reason).await?;
    w.commit().await?;
    file_or_missing(desk, partner_id).await
}

/// Rejects prospect `partner_id` at its current stage with a reason.
pub async fn reject(desk: &Desk, partner_id: &str, reason: &str) -> Result<ProspectFile> {
    set_outcome(desk, partner_id, true, reason).await
}

/// Reopens a rejected prospect at the stage where it was rejected.
pub async fn reopen(desk: &Desk, partner_id: &str, reason: &str) -> Result<ProspectFile> {
    set_outcome(desk, partner_id, false, reason).await
}

/// Rejects an open prospect (a reason is required) or reopens a rejected one, recorded as a
/// move at its stage.
async fn set_outcome(desk: &Desk, partner_id: &str, reject: bool, reason: &str) -> Result<ProspectFile> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let reason = c.text("reason", reason, reject, 500, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let row = ensure_prospect(&mut w, partner_id).await?;
    let sets = if reject {
        require_open(&row)?;
        crate::machines::PROSPECT_OUTCOME.take(&mut w, &row.id, "reject", Some(("reason", &reason))).await?;
        vec![("reject_reason", Some(reason.clone()))]
    } else {
        crate::machines::PROSPECT_OUTCOME.take(&mut w, &row.id, "reopen", None).await?;
        let now = w.stamp.now.clone();
        vec![("reject_reason", Some(String::new())), ("stage_since", Some(now))]
    };
    update_prospect(&mut w, &row.id, &sets).await?;
    record_move(
        &mut w,
        partner_id,
        &row.stage,
        &row.stage,
        if reject { "reject" } else { "reopen" },
        &reason,
    )
    .await?;
    w.commit().await?;
    file_or_missing(desk, partner_id).await
}

/// Marks prospect row `prospect_id` of `partner_id` signed with agreement `no` on `on`: the
/// move, the partner made active and any referral reward falling due.
async fn sign_row(w: &mut Write, partner_id: &str, prospect_id: &str, no: &str, on: &str) -> Result<()> {
    let now = w.stamp.now.clone();
    crate::machines::PROSPECT_STAGE.cause(w, prospect_id, "sign").await?;
    crate::machines::PROSPECT_OUTCOME.cause(w, prospect_id, "sign").await?;
    update_prospect(
        w,
        prospect_id,
        &[
            ("reached", Some(Stage::Signed.index().to_string())),
            ("stage_since", Some(now)),
            ("agreement_no", Some(no.to_string())),
            ("signed_on", Some(on.to_string())),
        ],
    )
    .await?;
    record_move(w, partner_id, "signing", "signed", "sign", &format!("{no} {on}")).await?;
    partners::activate(w, partner_id, no).await?;
    referrals::fall_due(w, partner_id).await
}

/// Writes prospect row `id`'s stage `to` through the pipeline machine (the step was checked).
async fn take_stage(w: &mut Write, id: &str, to: Stage) -> Result<()> {
    let machine = &crate::machines::PROSPECT_STAGE;
    let from = machine.state(&mut w.tx, id).await?;
    let action = machine.step_to(from, to).map(|s| s.action).ok_or_else(|| Error::field("stage", "skip"))?;
    machine.take(w, id, action, None).await?;
    Ok(())
}

/// The stage of `partner_id`'s open prospect, if it has one (agreements signing, R3.1.3).
pub(crate) async fn open_stage(conn: &mut SqliteConnection, partner_id: &str) -> Result<Option<Stage>> {
    let stage: Option<String> = sqlx::query_scalar(
        "SELECT r.stage FROM prospect r JOIN partner p ON p.id = r.partner_id
         WHERE r.partner_id = ? AND r.outcome = 'open' AND r.deleted_at IS NULL AND p.status = 'prospect'",
    )
    .bind(partner_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(stage.and_then(|s| Stage::parse(&s)))
}

/// Completes the open prospect of `partner_id`, waiting at the signing stage, with the
/// agreement signed in `w` (R2.1.4 ends where R3.1.3 begins).
pub(crate) async fn sign_in(w: &mut Write, partner_id: &str, no: &str, on: &str) -> Result<()> {
    let id: String =
        sqlx::query_scalar("SELECT id FROM prospect WHERE partner_id = ? AND deleted_at IS NULL")
            .bind(partner_id)
            .fetch_one(&mut *w.tx)
            .await?;
    sign_row(w, partner_id, &id, no, on).await
}

/// One prospect on the board or in the list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ProspectCard {
    pub partner_id: String,
    pub name: String,
    pub stage: String,
    pub outcome: String,
    pub stage_since: String,
    /// Whole days in the current stage.
    #[ts(type = "number")]
    pub days_in_stage: i64,
    pub event_id: Option<String>,
    pub event_name: Option<String>,
    pub contact: Option<String>,
    /// The latest screening total in hundredths of a point.
    #[ts(type = "number | null")]
    pub score_x100: Option<i64>,
    pub captured_by_name: Option<String>,
}

/// Filters of the board and the list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct BoardQuery {
    /// `open` (default), `rejected` or `signed`.
    pub outcome: String,
    #[ts(optional)]
    pub event_id: Option<String>,
    /// The partner's source (`online`, `offline_event`, `referral`, `other`).
    #[ts(optional)]
    pub source_kind: Option<String>,
    /// The list only: one stage (a board column's "more").
    #[ts(optional)]
    pub stage: Option<String>,
    /// The list only: how many rows to skip (a multiple of [`LIST_PAGE`]).
    #[ts(optional)]
    pub offset: Option<u32>,
}

/// One page of the pipeline list, and how many prospects match in all.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProspectPage {
    #[ts(type = "number")]
    pub total: i64,
    /// Rows per page ([`LIST_PAGE`]), for the pager.
    #[ts(type = "number")]
    pub size: i64,
    pub rows: Vec<ProspectCard>,
}

/// One column of the board with its figures.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BoardColumn {
    pub stage: Stage,
    #[ts(type = "number")]
    pub count: i64,
    /// Average and longest whole days in this stage of the prospects in it.
    pub avg_days: f64,
    #[ts(type = "number")]
    pub max_days: i64,
    /// Of the prospects that reached this stage, the share (0–100) that reached the next.
    pub conversion_pct: Option<f64>,
    /// The longest waiting first, at most [`CARDS_PER_COLUMN`].
    pub cards: Vec<ProspectCard>,
}

/// The pipeline board (R2.1.4).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Board {
    pub columns: Vec<BoardColumn>,
    #[ts(type = "number")]
    pub signed: i64,
    #[ts(type = "number")]
    pub rejected: i64,
    /// Of every prospect counted, the share (0–100) that signed.
    pub overall_pct: Option<f64>,
}

/// Cards sent per board column (the counts cover all of them).
pub const CARDS_PER_COLUMN: i64 = 200;

/// The columns of a card, over `page` (the chosen prospect rows, in order) — computed only for
/// the rows shown, never for every row that was sorted.
const CARD_COLUMNS: &str = "SELECT p.id AS partner_id, p.name, r.stage, r.outcome, r.stage_since,
        CAST(julianday(?1) - julianday(r.stage_since) AS INTEGER) AS days_in_stage,
        r.event_id, e.name AS event_name,
        (SELECT c.name FROM partner_contact c WHERE c.partner_id = p.id AND c.deleted_at IS NULL
            ORDER BY c.is_primary DESC, c.position LIMIT 1) AS contact,
        (SELECT s.total_x100 FROM scorecard s WHERE s.partner_id = p.id AND s.deleted_at IS NULL
            ORDER BY s.scored_at DESC, s.id DESC LIMIT 1) AS score_x100,
        u.display_name AS captured_by_name
     FROM page
     JOIN prospect r ON r.rowid = page.rr
     JOIN partner p ON p.id = r.partner_id
     LEFT JOIN trade_event e ON e.id = r.event_id
     LEFT JOIN app_user u ON u.id = r.captured_by
     ORDER BY r.stage_since, r.rowid";

/// Live pipeline rows of live partners; an open one only while the partner is a prospect (a
/// partner made active by hand leaves the board). Read from the row's mirror of its partner.
const IN_PIPELINE: &str = "r.deleted_at IS NULL AND r.partner_state <> 'deleted'
    AND (r.outcome <> 'open' OR r.partner_state = 'prospect')";

/// Optional narrowing of the pipeline (stage, event, the partner's source): SQL with numbered
/// parameters from `first`, and their values in order.
pub struct Narrow {
    pub clause: String,
    pub values: Vec<String>,
}

impl Narrow {
    pub fn new(first: usize, stage: Option<Stage>, event: Option<&str>, source: Option<&str>) -> Narrow {
        let mut n = Narrow { clause: String::new(), values: Vec::new() };
        let mut add = |sql: &str, value: &str| {
            n.clause.push_str(&sql.replace("?", &format!("?{}", first + n.values.len())));
            n.values.push(value.to_string());
        };
        if let Some(st) = stage {
            add(" AND r.stage = ?", st.as_str());
        }
        if let Some(e) = event {
            add(" AND r.event_id = ?", e);
        }
        if let Some(src) = source {
            add(
                " AND r.partner_id IN (SELECT id FROM partner WHERE deleted_at IS NULL AND source_kind = ?)",
                src,
            );
        }
        n
    }
}

/// The rows of one page of cards: one outcome (`?2`) narrowed by `narrow` (from `?3`), the
/// longest waiting first, read in the order of the `(outcome, stage, stage_since)` index.
pub fn page_sql(narrow: &Narrow, limit: i64) -> String {
    format!(
        "SELECT r.rowid AS rr FROM prospect r WHERE {IN_PIPELINE} AND r.outcome = ?2{}
         ORDER BY r.stage_since, r.rowid LIMIT {limit}",
        narrow.clause
    )
}

fn source_of(q: &BoardQuery) -> Result<Option<&str>> {
    match q.source_kind.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if crate::partners::SourceKind::parse(s).is_some() => Ok(Some(s)),
        Some(_) => Err(Error::field("source_kind", "unknown")),
    }
}

fn outcome_of(q: &BoardQuery) -> Result<&'static str> {
    match q.outcome.as_str() {
        "" | "open" => Ok("open"),
        "rejected" => Ok("rejected"),
        "signed" => Ok("signed"),
        _ => Err(Error::field("outcome", "unknown")),
    }
}

/// Prospects per page of the list (the longest waiting first).
pub const LIST_PAGE: i64 = 200;

async fn cards(
    desk: &Desk,
    outcome: &str,
    narrow: &Narrow,
    limit: i64,
    offset: i64,
) -> Result<Vec<ProspectCard>> {
    // The page is chosen first, then its columns computed for its rows only; `?1` is now.
    let sql = format!("WITH page AS ({} OFFSET {offset}) {CARD_COLUMNS}", page_sql(narrow, limit));
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(crate::desk::rfc3339(desk.now()))
        .bind(outcome.to_string());
    for v in &narrow.values {
        q = q.bind(v.clone());
    }
    Ok(q.fetch_all(desk.pool()).await?)
}

/// The list of prospects (one outcome, optionally one stage, event or source), the longest
/// waiting first, a page of [`LIST_PAGE`] from `offset`, with the count of all that match.
pub async fn prospects(desk: &Desk, q: &BoardQuery) -> Result<ProspectPage> {
    desk.require(Action::PartnerRead)?;
    let outcome = outcome_of(q)?;
    let source = source_of(q)?;
    let stage = match q.stage.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Stage::parse(s).ok_or_else(|| Error::field("stage", "unknown"))?),
    };
    let narrow = Narrow::new(3, stage, q.event_id.as_deref(), source);
    let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM prospect r WHERE {IN_PIPELINE} AND r.outcome = ?2{}",
        narrow.clause
    )))
    .bind(crate::desk::rfc3339(desk.now()))
    .bind(outcome.to_string());
    for v in &narrow.values {
        count = count.bind(v.clone());
    }
    let total: i64 = count.fetch_one(desk.pool()).await?;
    let rows = cards(desk, outcome, &narrow, LIST_PAGE, i64::from(q.offset.unwrap_or(0))).await?;
    Ok(ProspectPage { total, size: LIST_PAGE, rows })
}

/// The board: one column per stage with counts, ages and conversion.
pub async fn board(desk: &Desk, q: &BoardQuery) -> Result<Board> {
    desk.require(Action::PartnerRead)?;
    let outcome = outcome_of(q)?;
    let now = crate::desk::rfc3339(desk.now());
    // One pass over the pipeline: per (stage, outcome, furthest stage) the count and the days
    // in the stage, summed and at most.
    let source = source_of(q)?;
    let narrow = Narrow::new(2, None, q.event_id.as_deref(), source);
    let mut groups_q =
        sqlx::query_as::<_, (String, String, i64, i64, i64, i64)>(sqlx::AssertSqlSafe(format!(
            "SELECT r.stage, r.outcome, r.reached, count(*),
            COALESCE(sum(CAST(julianday(?1) - julianday(r.stage_since) AS INTEGER)), 0),
            COALESCE(max(CAST(julianday(?1) - julianday(r.stage_since) AS INTEGER)), 0)
         FROM prospect r WHERE {IN_PIPELINE}{} GROUP BY 1, 2, 3",
            narrow.clause
        )))
        .bind(&now);
    for v in &narrow.values {
        groups_q = groups_q.bind(v.clone());
    }
    let groups = groups_q.fetch_all(desk.pool()).await?;
    let reached_at_least = |i: i64| groups.iter().filter(|g| g.2 >= i).map(|g| g.3).sum::<i64>();
    let count_of = |o: &str| groups.iter().filter(|g| g.1 == o).map(|g| g.3).sum::<i64>();
    let pct = |a: i64, b: i64| if b > 0 { Some((a as f64 * 1000.0 / b as f64).round() / 10.0) } else { None };

    let mut columns = Vec::new();
    for stage in Stage::BOARD {
        let here: Vec<_> = groups.iter().filter(|g| g.0 == stage.as_str() && g.1 == outcome).collect();
        let count: i64 = here.iter().map(|g| g.3).sum();
        let days: i64 = here.iter().map(|g| g.4).sum();
        let max_days = here.iter().map(|g| g.5).max().unwrap_or(0);
        let avg_days = if count > 0 { (days as f64 * 10.0 / count as f64).round() / 10.0 } else { 0.0 };
        let i = stage.index();
        columns.push(BoardColumn {
            stage,
            count,
            avg_days,
            max_days,
            conversion_pct: pct(reached_at_least(i + 1), reached_at_least(i)),
            cards: cards(
                desk,
                outcome,
                &Narrow::new(3, Some(stage), q.event_id.as_deref(), source),
                CARDS_PER_COLUMN,
                0,
            )
            .await?,
        });
    }
    let signed = count_of("signed");
    Ok(Board {
        columns,
        signed,
        rejected: count_of("rejected"),
        overall_pct: pct(signed, reached_at_least(0)),
    })
}

/// One recorded move.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct StageMove {
    pub from_stage: String,
    pub to_stage: String,
    /// `enter` | `advance` | `back` | `reject` | `reopen` | `sign`.
    pub action: String,
    pub reason: String,
    pub at: String,
    pub user_name: String,
}

/// The event a lead was captured at.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct EventRef {
    pub id: String,
    pub number: String,
    pub name: String,
}

/// Everything the prospect page shows of recruitment.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProspectFile {
    pub partner_id: String,
    pub stage: Stage,
    pub outcome: String,
    pub stage_since: String,
    pub event: Option<EventRef>,
    pub captured_by_name: Option<String>,
    pub interest: String,
    pub reject_reason: String,
    pub agreement_no: String,
    pub signed_on: Option<String>,
    /// What the current stage's gate still needs (empty: the prospect may move on).
    pub next_gate: Vec<FieldError>,
    pub scorecards: Vec<screening::Scorecard>,
    pub inspections: Vec<Inspection>,
    pub negotiations: Vec<Negotiation>,
    pub history: Vec<StageMove>,
    pub referral: Option<referrals::Referral>,
    pub attachments: Vec<crate::attachments::AttachmentInfo>,
    pub research: Vec<research::NoteRow>,
}

/// The recruitment file of partner `partner_id`; `None` for a partner that was never a
/// prospect.
pub async fn prospect_file(desk: &Desk, partner_id: &str) -> Result<Option<ProspectFile>> {
    desk.require(Action::PartnerRead)?;
    load_file(desk, partner_id).await
}

async fn file_or_missing(desk: &Desk, partner_id: &str) -> Result<ProspectFile> {
    load_file(desk, partner_id)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "prospect", id: partner_id.to_string() })
}

#[derive(sqlx::FromRow)]
struct FileHead {
    stage: String,
    outcome: String,
    stage_since: String,
    event_id: Option<String>,
    captured_by_name: Option<String>,
    interest: String,
    reject_reason: String,
    agreement_no: String,
    signed_on: Option<String>,
}

async fn load_file(desk: &Desk, partner_id: &str) -> Result<Option<ProspectFile>> {
    let mut conn = desk.pool().acquire().await?;
    let status: Option<(String, String)> =
        sqlx::query_as("SELECT status, created_at FROM partner WHERE id = ? AND deleted_at IS NULL")
            .bind(partner_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((status, created_at)) = status else {
        return Err(Error::NotFound { entity: "partner", id: partner_id.to_string() });
    };
    let head: Option<FileHead> = sqlx::query_as(
        "SELECT r.stage, r.outcome, r.stage_since, r.event_id, u.display_name AS captured_by_name, r.interest,
                r.reject_reason, r.agreement_no, r.signed_on
         FROM prospect r LEFT JOIN app_user u ON u.id = r.captured_by
         WHERE r.partner_id = ? AND r.deleted_at IS NULL",
    )
    .bind(partner_id)
    .fetch_optional(&mut *conn)
    .await?;
    let head = match head {
        Some(h) => h,
        None if status == "prospect" => FileHead {
            stage: "application".into(),
            outcome: "open".into(),
            stage_since: created_at,
            event_id: None,
            captured_by_name: None,
            interest: String::new(),
            reject_reason: String::new(),
            agreement_no: String::new(),
            signed_on: None,
        },
        None => return Ok(None),
    };
    let stage = Stage::parse(&head.stage).unwrap_or(Stage::Application);
    let event = match &head.event_id {
        Some(id) => {
            sqlx::query_as("SELECT id, number, name FROM trade_event WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let next_gate = if head.outcome == "open" { gate(&mut conn, partner_id, stage).await? } else { vec![] };
    let history = sqlx::query_as(
        "SELECT from_stage, to_stage, action, reason, at, user_name FROM stage_move
         WHERE partner_id = ? AND deleted_at IS NULL ORDER BY at, id",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    let inspections = sqlx::query_as(
        "SELECT id, inspected_on, inspectors, operations, team, capability, resources, conclusion, passed
         FROM inspection WHERE partner_id = ? AND deleted_at IS NULL ORDER BY inspected_on, created_at",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    let negotiations = sqlx::query_as(
        "SELECT id, negotiated_on, cooperation_model, rights_obligations, profit_sharing, promotion_commitments,
                notes, intent_reached
         FROM negotiation WHERE partner_id = ? AND deleted_at IS NULL ORDER BY negotiated_on, created_at",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    let scorecards = screening::scorecards_of(&mut conn, partner_id).await?;
    let referral = referrals::of(&mut conn, partner_id).await?;
    let attachments = crate::attachments::of_partner(&mut conn, partner_id).await?;
    let research = research::linked_to(&mut conn, partner_id).await?;
    Ok(Some(ProspectFile {
        partner_id: partner_id.to_string(),
        stage,
        outcome: head.outcome,
        stage_since: head.stage_since,
        event,
        captured_by_name: head.captured_by_name,
        interest: head.interest,
        reject_reason: head.reject_reason,
        agreement_no: head.agreement_no,
        signed_on: head.signed_on,
        next_gate,
        scorecards,
        inspections,
        negotiations,
        history,
        referral,
        attachments,
        research,
    }))
}

/// An on-site inspection as entered (R2.1.4).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct InspectionInput {
    pub inspected_on: String,
    pub inspectors: String,
    pub operations: String,
    pub team: String,
    pub capability: String,
    pub resources: String,
    pub conclusion: String,
    pub passed: bool,
}

/// A recorded inspection.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Inspection {
    pub id: String,
    pub inspected_on: String,
    pub inspectors: String,
    pub operations: String,
    pub team: String,
    pub capability: String,
    pub resources: String,
    pub conclusion: String,
    pub passed: bool,
}

/// Records an on-site inspection of prospect `partner_id`; its id (for attachments).
pub async fn record_inspection(desk: &Desk, partner_id: &str, input: &InspectionInput) -> Result<String> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let on = c.date_until("inspected_on", &input.inspected_on, true, &desk.today());
    let inspectors = c.text("inspectors", &input.inspectors, true, 200, false);
    let operations = c.text("operations", &input.operations, false, 2000, true);
    let team = c.text("team", &input.team, false, 2000, true);
    let capability = c.text("capability", &input.capability, false, 2000, true);
    let resources = c.text("resources", &input.resources, false, 2000, true);
    let conclusion = c.text("conclusion", &input.conclusion, true, 2000, true);
    if [&operations, &team, &capability, &resources].iter().all(|s| s.is_empty()) {
        c.push("operations", "findings_required");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    require_open(&ensure_prospect(&mut w, partner_id).await?)?;
    let id = new_id();
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO inspection (id, partner_id, inspected_on, inspectors, operations, team, capability, resources,
            conclusion, passed, created_at, updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(&id)
    .bind(partner_id)
    .bind(&on)
    .bind(&inspectors)
    .bind(&operations)
    .bind(&team)
    .bind(&capability)
    .bind(&resources)
    .bind(&conclusion)
    .bind(input.passed)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("inspected_on", &on);
    ch.set("inspectors", &inspectors);
    ch.set("passed", &input.passed);
    audit::record(&mut w, "inspection", "partner", partner_id, &ch).await?;
    w.commit().await?;
    Ok(id)
}

/// A negotiation round as entered (R2.1.4).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct NegotiationInput {
    pub negotiated_on: String,
    pub cooperation_model: String,
    pub rights_obligations: String,
    pub profit_sharing: String,
    pub promotion_commitments: String,
    pub notes: String,
    pub intent_reached: bool,
}

/// A recorded negotiation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Negotiation {
    pub id: String,
    pub negotiated_on: String,
    pub cooperation_model: String,
    pub rights_obligations: String,
    pub profit_sharing: String,
    pub promotion_commitments: String,
    pub notes: String,
    pub intent_reached: bool,
}

/// Records a negotiation with prospect `partner_id`. Reaching intent needs the terms agreed
/// (rights and obligations, profit sharing, market promotion).
pub async fn record_negotiation(desk: &Desk, partner_id: &str, input: &NegotiationInput) -> Result<()> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let on = c.date_until("negotiated_on", &input.negotiated_on, true, &desk.today());
    let model = c.text("cooperation_model", &input.cooperation_model, true, 200, false);
    let rights = c.text("rights_obligations", &input.rights_obligations, input.intent_reached, 4000, true);
    let sharing = c.text("profit_sharing", &input.profit_sharing, input.intent_reached, 2000, true);
    let promotion =
        c.text("promotion_commitments", &input.promotion_commitments, input.intent_reached, 2000, true);
    let notes = c.text("notes", &input.notes, false, 4000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    require_open(&ensure_prospect(&mut w, partner_id).await?)?;
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO negotiation (id, partner_id, negotiated_on, cooperation_model, rights_obligations,
            profit_sharing, promotion_commitments, notes, intent_reached, created_at, updated_at, updated_by,
            hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(new_id())
    .bind(partner_id)
    .bind(&on)
    .bind(&model)
    .bind(&rights)
    .bind(&sharing)
    .bind(&promotion)
    .bind(&notes)
    .bind(input.intent_reached)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("negotiated_on", &on);
    ch.set("cooperation_model", &model);
    ch.set("intent_reached", &input.intent_reached);
    audit::record(&mut w, "negotiation", "partner", partner_id, &ch).await?;
    w.commit().await
}

/// Merges prospect `other_id` into `keep_id` (the same company entered twice), keeping all
/// history: the partner fields and contacts are joined (see `partners::merge_in`), and the
/// scorecards, inspections, negotiations, moves, referral, attachments, research links and
/// applications of `other_id` now belong to `keep_id`. The one kept keeps its own pipeline
/// place, or takes the other's when it has none (or is behind it).
pub async fn merge(desk: &Desk, keep_id: &str, other_id: &str) -> Result<crate::partners::Partner> {
    desk.require(Action::PartnerWrite)?;
    desk.require(Action::PartnerDelete)?;
    let mut w = desk.write().await?;
    partners::merge_in(&mut w, keep_id, other_id).await?;
    for table in ["scorecard", "inspection", "negotiation", "stage_move", "application"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET partner_id = ?1 WHERE partner_id = ?2")))
            .bind(keep_id)
            .bind(other_id)
            .execute(&mut *w.tx)
            .await?;
    }
    sqlx::query("UPDATE attachment SET owner_id = ?1 WHERE owner_kind = 'partner' AND owner_id = ?2")
        .bind(keep_id)
        .bind(other_id)
        .execute(&mut *w.tx)
        .await?;
    let has_referral: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM referral WHERE partner_id = ? AND deleted_at IS NULL")
            .bind(keep_id)
            .fetch_optional(&mut *w.tx)
            .await?;
    if has_referral.is_none() {
        sqlx::query("UPDATE referral SET partner_id = ?1 WHERE partner_id = ?2")
            .bind(keep_id)
            .bind(other_id)
            .execute(&mut *w.tx)
            .await?;
    }
    research::relink(&mut w, other_id, keep_id).await?;
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, partner_id, reached FROM prospect WHERE partner_id IN (?1, ?2) AND deleted_at IS NULL",
    )
    .bind(keep_id)
    .bind(other_id)
    .fetch_all(&mut *w.tx)
    .await?;
    let kept = rows.iter().find(|r| r.1 == keep_id);
    let other = rows.iter().find(|r| r.1 == other_id);
    let s = w.stamp.clone();
    match (kept, other) {
        (None, Some((oid, ..))) => {
            sqlx::query("UPDATE prospect SET partner_id = ? WHERE id = ?")
                .bind(keep_id)
                .bind(oid)
                .execute(&mut *w.tx)
                .await?;
        }
        (Some((kid, _, k_reached)), Some((oid, _, o_reached))) => {
            // The one kept takes the pipeline place of whichever got further, and the other
            // capture's event when it has none; the other row is tombstoned.
            let sql = if o_reached > k_reached {
                "UPDATE prospect SET (stage, outcome, reached, stage_since, event_id, captured_by, interest,
                    reject_reason, agreement_no, signed_on) = (SELECT stage, outcome, reached, stage_since,
                    COALESCE(o.event_id, prospect.event_id), COALESCE(o.captured_by, prospect.captured_by),
                    o.interest, reject_reason, agreement_no, signed_on FROM prospect o WHERE o.id = ?1),
                    updated_at = ?3, hlc = ?4 WHERE id = ?2"
            } else {
                "UPDATE prospect SET event_id = COALESCE(event_id, (SELECT event_id FROM prospect WHERE id = ?1)),
                    updated_at = ?3, hlc = ?4 WHERE id = ?2"
            };
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(oid)
                .bind(kid)
                .bind(&s.now)
                .bind(&s.hlc)
                .execute(&mut *w.tx)
                .await?;
            sqlx::query("UPDATE prospect SET deleted_at = ?, hlc = ? WHERE id = ?")
                .bind(&s.now)
                .bind(&s.hlc)
                .bind(oid)
                .execute(&mut *w.tx)
                .await?;
        }
        _ => {}
    }
    w.commit().await?;
    partners::get(desk, keep_id).await
}
