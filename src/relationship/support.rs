//! Training and support (R2.3.2): training sessions for a partner's staff, and support
//! requests with their status flow, owner and response times.
//!
//! Invariants: a request moves open → in progress → resolved → closed (a resolved one may be
//! reopened to in progress); the first move out of `open` is its first response, resolving
//! needs the resolution; a request is late when it has had no response for
//! [`RESPONSE_HOURS`] or is unresolved after [`RESOLVE_DAYS`].

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::records::insert;
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const TRAINING_KINDS: [&str; 4] = ["product", "sales", "marketing", "service"];
pub const OUTCOMES: [&str; 3] = ["attended", "completed", "certified"];
pub const SUPPORT_KINDS: [&str; 4] = ["technical", "marketing", "presales", "aftersales"];
/// Hours within which a request gets its first response.
pub const RESPONSE_HOURS: i64 = 24;
/// Days within which a request is resolved.
pub const RESOLVE_DAYS: i64 = 5;

/// A training session as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct TrainingInput {
    pub kind: String,
    pub held_on: String,
    pub trainer: String,
    pub materials: String,
    /// The partner's staff who attended, one per line.
    pub attendees: String,
    pub outcome: String,
}

/// A stored training session.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Training {
    pub id: String,
    pub kind: String,
    pub held_on: String,
    pub trainer: String,
    pub materials: String,
    pub attendees: String,
    pub outcome: String,
}

/// Records a training session (R2.3.2).
pub async fn record_training(desk: &Desk, partner_id: &str, input: &TrainingInput) -> Result<Vec<Training>> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    c.one_of("kind", &input.kind, &TRAINING_KINDS);
    let held_on = c.date_until("held_on", &input.held_on, true, &desk.today());
    let trainer = c.text("trainer", &input.trainer, true, 100, false);
    let materials = c.text("materials", &input.materials, false, 1000, true);
    let attendees = c.text("attendees", &input.attendees, true, 2000, true);
    c.one_of("outcome", &input.outcome, &OUTCOMES);
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", partner_id, "partner_id").await?;
    insert(
        &mut w,
        "training",
        &[
            ("partner_id", partner_id.into()),
            ("kind", input.kind.as_str().into()),
            ("held_on", held_on.clone().into()),
            ("trainer", trainer.into()),
            ("materials", materials.into()),
            ("attendees", attendees.clone().into()),
            ("outcome", input.outcome.as_str().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("training", &input.kind);
    ch.set("held_on", &held_on);
    ch.set("outcome", &input.outcome);
    audit::record(&mut w, "training", "partner", partner_id, &ch).await?;
    w.commit().await?;
    trainings(desk, partner_id).await
}

/// A partner's training sessions, the latest first.
pub async fn trainings(desk: &Desk, partner_id: &str) -> Result<Vec<Training>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT id, kind, held_on, trainer, materials, attendees, outcome FROM training
         WHERE partner_id = ? AND deleted_at IS NULL ORDER BY held_on DESC, created_at DESC",
    )
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?)
}

/// A support request as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct SupportInput {
    pub kind: String,
    pub subject: String,
    pub detail: String,
    /// A user; may be left for later.
    pub owner_id: String,
}

/// A support request and where it stands.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct SupportRequest {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    /// The statuses the signed-in person may move it to now (its machine's steps).
    #[sqlx(skip)]
    pub next: Vec<&'static str>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub opened_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: String,
    /// No response within the response time, or not resolved within the resolution time.
    #[sqlx(skip)]
    pub late: bool,
    /// Minutes to the first response, once there was one.
    #[sqlx(skip)]
    #[ts(type = "number | null")]
    pub response_minutes: Option<i64>,
}

/// The SQL condition of a late request at `now` (RFC 3339).
pub(crate) fn late_sql(now: chrono::DateTime<chrono::Utc>) -> String {
    let response = crate::desk::rfc3339(now - chrono::Duration::hours(RESPONSE_HOURS));
    let resolve = crate::desk::rfc3339(now - chrono::Duration::days(RESOLVE_DAYS));
    format!(
        "s.status IN ('open', 'in_progress') AND s.deleted_at IS NULL
         AND ((s.first_response_at IS NULL AND s.opened_at < '{response}') OR s.opened_at < '{resolve}')"
    )
}

fn annotate(desk: &Desk, mut r: SupportRequest) -> SupportRequest {
    let roles = crate::machines::session_roles(desk);
    r.actions = crate::machines::SUPPORT.offers_text(&roles, &r.status);
    r.next = crate::machines::SupportStatus::parse(&r.status)
        .map(|from| {
            crate::machines::SUPPORT
                .next_states(&roles, from)
                .into_iter()
                .skip(1)
                .map(|s| s.as_str())
                .collect()
        })
        .unwrap_or_default();
    let now = desk.now();
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&chrono::Utc));
    let opened = parse(&r.opened_at);
    let open = matches!(r.status.as_str(), "open" | "in_progress");
    r.late = open
        && opened.is_some_and(|o| {
            (r.first_response_at.is_none() && now - o > chrono::Duration::hours(RESPONSE_HOURS))
                || now - o > chrono::Duration::days(RESOLVE_DAYS)
        });
    r.response_minutes = match (opened, r.first_response_at.as_deref().and_then(parse)) {
        (Some(o), Some(f)) => Some((f - o).num_minutes()),
        _ => None,
    };
    r
}

const SUPPORT_SELECT: &str = "SELECT s.id, s.partner_id, p.name AS partner_name, s.kind, s.subject, s.detail, s.status,
        s.owner_id, u.display_name AS owner_name, s.opened_at, s.first_response_at, s.resolved_at, s.resolution
     FROM support_request s JOIN partner p ON p.id = s.partner_id LEFT JOIN app_user u ON u.id = s.owner_id";

/// A partner's support requests, open ones first.
pub async fn requests(desk: &Desk, partner_id: &str) -> Result<Vec<SupportRequest>> {
    desk.require(Action::PartnerRead)?;
    let rows: Vec<SupportRequest> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SUPPORT_SELECT} WHERE s.partner_id = ? AND s.deleted_at IS NULL
         ORDER BY s.status IN ('resolved', 'closed'), s.opened_at DESC"
    )))
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.into_iter().map(|r| annotate(desk, r)).collect())
}

/// Opens a support request (R2.3.2).
pub async fn open_request(
    desk: &Desk,
    partner_id: &str,
    input: &SupportInput,
) -> Result<Vec<SupportRequest>> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    c.one_of("kind", &input.kind, &SUPPORT_KINDS);
    let subject = c.text("subject", &input.subject, true, 200, false);
    let detail = c.text("detail", &input.detail, false, 4000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", partner_id, "partner_id").await?;
    let owner = input.owner_id.trim();
    if !owner.is_empty() {
        crate::records::require_live(&mut w.tx, "app_user", owner, "owner_id").await?;
    }
    let now = w.stamp.now.clone();
    insert(
        &mut w,
        "support_request",
        &[
            ("partner_id", partner_id.into()),
            ("kind", input.kind.as_str().into()),
            ("subject", subject.clone().into()),
            ("detail", detail.into()),
            ("owner_id", (!owner.is_empty()).then(|| owner.to_string()).into()),
            ("opened_at", now.into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("support", &input.kind);
    ch.set("subject", &subject);
    audit::record(&mut w, "support_open", "partner", partner_id, &ch).await?;
    w.commit().await?;
    requests(desk, partner_id).await
}

/// Moves support request `id` to `status` (with the resolution when resolving); the first
/// move out of `open` is its first response.
pub async fn move_request(
    desk: &Desk,
    id: &str,
    status: &str,
    resolution: &str,
) -> Result<Vec<SupportRequest>> {
    let me = desk.require(Action::PartnerWrite)?;
    let mut w = desk.write().await?;
    let row: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT partner_id, status, owner_id, first_response_at FROM support_request WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let (partner_id, before, owner, first) =
        row.ok_or_else(|| Error::NotFound { entity: "support_request", id: id.into() })?;
    // The support machine decides which move is allowed from here (R2.3.2).
    let machine = &crate::machines::SUPPORT;
    let step = crate::machines::SupportStatus::parse(&before)
        .zip(crate::machines::SupportStatus::parse(status))
        .and_then(|(from, to)| machine.step_to(from, to))
        .ok_or_else(|| Error::field("status", &format!("from_{before}")))?;
    let mut c = Checker::new();
    let resolution = c.text("resolution", resolution, status == "resolved", 4000, true);
    c.finish()?;
    let moved = machine.take(&mut w, id, step.action, Some(("resolution", &resolution))).await?;
    let now = w.stamp.now.clone();
    let mut sets: Vec<(&str, Option<String>)> = Vec::new();
    if first.is_none() {
        sets.push(("first_response_at", Some(now.clone())));
    }
    if owner.is_none() {
        sets.push(("owner_id", Some(me.id.clone())));
    }
    match status {
        "resolved" => {
            sets.push(("resolved_at", Some(now)));
            sets.push(("resolution", Some(resolution.clone())));
        }
        "in_progress" if before == "resolved" => sets.push(("resolved_at", None)),
        _ => {}
    }
    if !sets.is_empty() {
        crate::records::set_columns(&mut w, "support_request", id, &sets).await?;
    }
    let mut ch = Changes::new();
    moved.note("support_status", &mut ch);
    if !resolution.is_empty() {
        ch.set("resolution", &resolution);
    }
    audit::record(&mut w, "support", "partner", &partner_id, &ch).await?;
    w.commit().await?;
    requests(desk, &partner_id).await
}
