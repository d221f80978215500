//! Partner credit (R6.2.2): the credit rating scheme (versioned weighted criteria with the
//! totals each level starts at and how often partners are rated), ratings of partners, the
//! warning signs that raise an alert, and the responses to them: adjust the cooperation
//! model, intensify collection, suspend cooperation (and resume it).
//!
//! Invariants: a scheme version and a rating are never changed (saving writes the next
//! version, rating again writes a new rating); weights total 100 and every score is 0–100, so
//! a total is an exact integer of hundredths of a point ([`total_x100`]); the level bands are
//! strictly increasing. Suspending sets the partner's status to `suspended` in the same
//! transaction as the response, so the order review's credit standing refuses its new
//! orders and a manager cannot let them through (R6.2.2); only a `resume` response ends it.

use crate::access::{Action, Role, holds};
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, FieldError, Result};
use crate::records::{insert, require_live};
use crate::validate::Checker;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Credit levels, best first.
pub const LEVELS: [&str; 4] = ["good", "fair", "watch", "poor"];
/// Responses to warning signs.
pub const RESPONSES: [&str; 4] = ["adjust_cooperation", "intensify_collection", "suspend", "resume"];

/// One criterion of a credit scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "CreditCriterion")]
pub struct Criterion {
    #[serde(default)]
    pub key: String,
    pub label: String,
    pub weight: u32,
}

/// A version of the credit rating scheme.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CreditScheme {
    pub id: String,
    pub version: u32,
    pub criteria: Vec<Criterion>,
    pub good_min: u32,
    pub fair_min: u32,
    pub watch_min: u32,
    pub period_months: u32,
    pub created_at: String,
}

/// A new scheme version as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export, rename = "CreditSchemeInput")]
#[serde(default)]
pub struct SchemeInput {
    pub criteria: Vec<Criterion>,
    pub good_min: u32,
    pub fair_min: u32,
    pub watch_min: u32,
    pub period_months: u32,
}

/// The weighted total of `scores` under `criteria`, in hundredths of a point (0–10,000).
/// Every criterion must have a score.
pub fn total_x100(criteria: &[Criterion], scores: &BTreeMap<String, u32>) -> Option<u32> {
    criteria.iter().map(|c| scores.get(&c.key).map(|s| c.weight * s)).sum()
}

impl CreditScheme {
    /// The level of a total (hundredths of a point).
    pub fn level(&self, total_x100: u32) -> &'static str {
        if total_x100 >= self.good_min * 100 {
            "good"
        } else if total_x100 >= self.fair_min * 100 {
            "fair"
        } else if total_x100 >= self.watch_min * 100 {
            "watch"
        } else {
            "poor"
        }
    }
}

/// Checks a scheme as entered: 1–12 criteria with labels and unique keys (made from the
/// position when empty), weights 1–100 totalling 100, bands 0 < watch < fair < good ≤ 100,
/// a rating period of 1–24 months.
pub fn check_scheme(input: &SchemeInput) -> Result<SchemeInput> {
    let mut c = Checker::new();
    if input.criteria.is_empty() || input.criteria.len() > 12 {
        c.errors.push(FieldError::with_limit("criteria", "count", 12));
    }
    let mut criteria = Vec::new();
    for (i, k) in input.criteria.iter().enumerate() {
        let label = c.text(&format!("criteria.{i}.label"), &k.label, true, 60, false);
        let key = if k.key.trim().is_empty() { format!("c{}", i + 1) } else { k.key.trim().to_string() };
        if !key.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
            || key.len() > 30
        {
            c.push(format!("criteria.{i}.key"), "invalid_chars");
        } else if criteria.iter().any(|x: &Criterion| x.key == key) {
            c.push(format!("criteria.{i}.key"), "duplicate");
        }
        if !(1..=100).contains(&k.weight) {
            c.errors.push(FieldError::with_limit(format!("criteria.{i}.weight"), "range", 100));
        }
        criteria.push(Criterion { key, label, weight: k.weight });
    }
    let total: u32 = input.criteria.iter().map(|k| k.weight.min(100)).sum();
    if !input.criteria.is_empty() && total != 100 {
        c.errors.push(FieldError::with_limit("criteria", "weights_total", 100));
    }
    if !(0 < input.watch_min
        && input.watch_min < input.fair_min
        && input.fair_min < input.good_min
        && input.good_min <= 100)
    {
        c.push("good_min", "bands_order");
    }
    if !(1..=24).contains(&input.period_months) {
        c.errors.push(FieldError::with_limit("period_months", "range", 24));
    }
    c.finish()?;
    Ok(SchemeInput { criteria, ..input.clone() })
}

#[derive(sqlx::FromRow)]
struct SchemeDb {
    id: String,
    version: i64,
    criteria: String,
    good_min: i64,
    fair_min: i64,
    watch_min: i64,
    period_months: i64,
    created_at: String,
}

impl From<SchemeDb> for CreditScheme {
    fn from(r: SchemeDb) -> Self {
        CreditScheme {
            id: r.id,
            version: r.version as u32,
            criteria: serde_json::from_str(&r.criteria).unwrap_or_default(),
            good_min: r.good_min as u32,
            fair_min: r.fair_min as u32,
            watch_min: r.watch_min as u32,
            period_months: r.period_months as u32,
            created_at: r.created_at,
        }
    }
}

const SCHEME_SELECT: &str =
    "SELECT id, version, criteria, good_min, fair_min, watch_min, period_months, created_at
    FROM credit_scheme WHERE deleted_at IS NULL";

async fn current_in(conn: &mut sqlx::SqliteConnection) -> Result<CreditScheme> {
    let r: SchemeDb =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SCHEME_SELECT} ORDER BY version DESC LIMIT 1")))
            .fetch_one(conn)
            .await?;
    Ok(r.into())
}

/// The scheme in use (the latest version).
pub async fn scheme(desk: &Desk) -> Result<CreditScheme> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    current_in(&mut conn).await
}

/// Every version, newest first.
pub async fn schemes(desk: &Desk) -> Result<Vec<CreditScheme>> {
    desk.require(Action::PartnerRead)?;
    let rows: Vec<SchemeDb> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SCHEME_SELECT} ORDER BY version DESC")))
            .fetch_all(desk.pool())
            .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Saves a new version of the scheme; earlier ratings keep theirs.
pub async fn save_scheme(desk: &Desk, input: &SchemeInput) -> Result<CreditScheme> {
    desk.require(Action::CreditSchemeManage)?;
    let s = check_scheme(input)?;
    let mut w = desk.write().await?;
    let version: i64 = sqlx::query_scalar("SELECT COALESCE(max(version), 0) + 1 FROM credit_scheme")
        .fetch_one(&mut *w.tx)
        .await?;
    let criteria = serde_json::to_string(&s.criteria).unwrap_or_default();
    let id = insert(
        &mut w,
        "credit_scheme",
        &[
            ("version", version.into()),
            ("criteria", criteria.clone().into()),
            ("good_min", i64::from(s.good_min).into()),
            ("fair_min", i64::from(s.fair_min).into()),
            ("watch_min", i64::from(s.watch_min).into()),
            ("period_months", i64::from(s.period_months).into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("version", &version);
    ch.set("criteria", &s.criteria);
    ch.set("bands", &[s.good_min, s.fair_min, s.watch_min]);
    ch.set("period_months", &s.period_months);
    audit::record(&mut w, "create", "credit_scheme", &id, &ch).await?;
    w.commit().await?;
    scheme(desk).await
}

/// A rating as entered: the score 0–100 of each criterion of the scheme in use.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct RatingInput {
    pub rated_on: String,
    /// Criterion key → score; a missing or non-number score is named by its criterion.
    #[ts(type = "Record<string, number | null>")]
    pub scores: BTreeMap<String, Option<i64>>,
    pub note: String,
}

/// A stored rating.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Rating {
    pub id: String,
    pub partner_id: String,
    pub scheme_version: i64,
    pub rated_on: String,
    /// JSON object criterion key → score.
    pub scores: String,
    /// JSON array of the scheme version's criteria.
    pub criteria: String,
    #[ts(type = "number")]
    pub total_x100: i64,
    pub level: String,
    pub note: String,
    pub next_due_on: String,
    pub by_name: String,
}

/// A response to warning signs.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Response {
    pub id: String,
    pub kind: String,
    pub decided_on: String,
    pub note: String,
    pub by_name: String,
}

/// A warning sign of a partner: `overdue` (amount and currency), `class_c`, `legal_case`
/// (the risk's number and title), `credit_low` (level) or `credit_down` (from → to).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Sign {
    pub kind: String,
    pub params: BTreeMap<String, String>,
}

/// A partner's credit: ratings newest first, responses, current signs and whether its
/// cooperation is suspended.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PartnerCredit {
    pub partner_id: String,
    pub partner_name: String,
    pub status: String,
    pub class: Option<String>,
    pub ratings: Vec<Rating>,
    pub responses: Vec<Response>,
    pub signs: Vec<Sign>,
    pub suspended: bool,
}

/// A partner with warning signs, for the alert list and the home page.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Alert {
    pub partner_id: String,
    pub partner_name: String,
    pub status: String,
    pub signs: Vec<Sign>,
    pub level: Option<String>,
    pub last_response: Option<Response>,
    /// The signed-in user's own work: credit warnings are answered by finance and managers
    /// (R6.2.2), so home puts them among their own items.
    pub mine: bool,
}

/// Whether credit warnings are the work of someone holding `roles` (R6.2.2).
fn warnings_are_mine(roles: &[Role]) -> bool {
    holds(roles, Role::Finance) || holds(roles, Role::Manager)
}

/// A partner whose periodic rating is due.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct RatingDue {
    pub partner_id: String,
    pub partner_name: String,
    pub last_rated_on: Option<String>,
    pub due_on: Option<String>,
}

fn plus_months(date: &str, months: u32) -> String {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_months(Months::new(months)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| date.to_string())
}

/// Rates partner `partner_id` under the scheme in use (R6.2.2).
pub async fn rate(desk: &Desk, partner_id: &str, input: &RatingInput) -> Result<PartnerCredit> {
    desk.require(Action::CreditRate)?;
    let mut w = desk.write().await?;
    let scheme = current_in(&mut w.tx).await?;
    let mut c = Checker::new();
    let rated_on = c.date_until("rated_on", &input.rated_on, true, &desk.today());
    let note = c.text("note", &input.note, false, 2000, true);
    let mut scores = BTreeMap::new();
    for k in &scheme.criteria {
        match input.scores.get(&k.key).copied().flatten() {
            None => c.push(format!("scores.{}", k.key), "required"),
            Some(s) if !(0..=100).contains(&s) => {
                c.errors.push(FieldError::with_limit(format!("scores.{}", k.key), "range", 100))
            }
            Some(s) => {
                scores.insert(k.key.clone(), s as u32);
            }
        }
    }
    for key in input.scores.keys() {
        if !scheme.criteria.iter().any(|k| &k.key == key) {
            c.push(format!("scores.{key}"), "unknown");
        }
    }
    c.finish()?;
    require_live(&mut w.tx, "partner", partner_id, "partner_id").await?;
    let total = total_x100(&scheme.criteria, &scores).unwrap_or(0);
    let level = scheme.level(total);
    let next_due_on = plus_months(&rated_on, scheme.period_months);
    insert(
        &mut w,
        "credit_rating",
        &[
            ("partner_id", partner_id.into()),
            ("scheme_id", scheme.id.clone().into()),
            ("rated_on", rated_on.clone().into()),
            ("scores", serde_json::to_string(&scores).unwrap_or_default().into()),
            ("total_x100", i64::from(total).into()),
            ("level", level.into()),
            ("note", note.into()),
            ("next_due_on", next_due_on.into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("rated_on", &rated_on);
    ch.set("scheme_version", &scheme.version);
    ch.set("total", &crate::evaluation::points(total));
    ch.set("level", &level);
    audit::record(&mut w, "credit_rating", "partner", partner_id, &ch).await?;
    w.commit().await?;
    partner_credit(desk, partner_id).await
}

/// A response as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ResponseInput {
    pub kind: String,
    pub decided_on: String,
    pub note: String,
}

/// Records a response to partner `partner_id`'s warning signs (R6.2.2). Suspending and
/// resuming cooperation are for managers; they change the partner's status with it.
pub async fn respond(desk: &Desk, partner_id: &str, input: &ResponseInput) -> Result<PartnerCredit> {
    let me = desk.require(Action::CreditRate)?;
    let mut c = Checker::new();
    c.one_of("kind", &input.kind, &RESPONSES);
    let decided_on = c.date_until("decided_on", &input.decided_on, true, &desk.today());
    let note = c.text("note", &input.note, true, 2000, true);
    c.finish()?;
    let suspends = matches!(input.kind.as_str(), "suspend" | "resume");
    if suspends && !crate::access::any_allows(&me.roles, Action::CooperationSuspend) {
        return Err(Error::Forbidden(Action::CooperationSuspend.as_str().into()));
    }
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", partner_id, "partner_id").await?;
    if suspends {
        // The partner machine's suspend / resume step, with the note as its reason (R6.2.2).
        crate::partners::set_standing(&mut w, partner_id, &input.kind, &note, "standing").await.map_err(
            |e| match e {
                Error::Validation(f) if f.iter().any(|f| f.field == "status") => {
                    Error::field("kind", if input.kind == "suspend" { "not_active" } else { "not_suspended" })
                }
                e => e,
            },
        )?;
    }
    insert(
        &mut w,
        "credit_response",
        &[
            ("partner_id", partner_id.into()),
            ("kind", input.kind.as_str().into()),
            ("decided_on", decided_on.clone().into()),
            ("note", note.clone().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("response", &input.kind);
    ch.set("decided_on", &decided_on);
    ch.set("note", &note);
    audit::record(&mut w, "credit_response", "partner", partner_id, &ch).await?;
    w.commit().await?;
    partner_credit(desk, partner_id).await
}

/// Whether partner `partner_id`'s cooperation is suspended by a credit response (its status
/// is `suspended` and the latest suspend / resume is a suspension): the date it was.
pub(crate) async fn suspended_on(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
) -> Result<Option<String>> {
    let latest: Option<(String, String)> = sqlx::query_as(
        "SELECT r.kind, r.decided_on FROM credit_response r JOIN partner p ON p.id = r.partner_id
         WHERE r.partner_id = ? AND r.kind IN ('suspend', 'resume') AND r.deleted_at IS NULL AND p.status = 'suspended'
         ORDER BY r.decided_on DESC, r.created_at DESC LIMIT 1",
    )
    .bind(partner_id)
    .fetch_optional(conn)
    .await?;
    Ok(latest.filter(|(kind, _)| kind == "suspend").map(|(_, on)| on))
}

const RATING_SELECT: &str = "SELECT r.id, r.partner_id, s.version AS scheme_version, r.rated_on, r.scores, s.criteria,
        r.total_x100, r.level, r.note, r.next_due_on, COALESCE(u.display_name, '') AS by_name
    FROM credit_rating r JOIN credit_scheme s ON s.id = r.scheme_id LEFT JOIN app_user u ON u.id = r.updated_by";

/// One partner's credit.
pub async fn partner_credit(desk: &Desk, partner_id: &str) -> Result<PartnerCredit> {
    desk.require(Action::PartnerRead)?;
    let (name, status, class): (String, String, Option<String>) =
        sqlx::query_as("SELECT name, status, class FROM partner WHERE id = ? AND deleted_at IS NULL")
            .bind(partner_id)
            .fetch_optional(desk.pool())
            .await?
            .ok_or_else(|| Error::NotFound { entity: "partner", id: partner_id.into() })?;
    let ratings: Vec<Rating> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{RATING_SELECT} WHERE r.partner_id = ? AND r.deleted_at IS NULL ORDER BY r.rated_on DESC, r.created_at DESC"
    )))
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?;
    let responses = responses_of(desk, partner_id).await?;
    let mut alerts = compute_alerts(desk, Some(partner_id), false).await?;
    let signs = alerts.pop().map(|a| a.signs).unwrap_or_default();
    let mut conn = desk.pool().acquire().await?;
    let suspended = suspended_on(&mut conn, partner_id).await?.is_some();
    Ok(PartnerCredit {
        partner_id: partner_id.into(),
        partner_name: name,
        status,
        class,
        ratings,
        responses,
        signs,
        suspended,
    })
}

async fn responses_of(desk: &Desk, partner_id: &str) -> Result<Vec<Response>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.kind, r.decided_on, r.note, COALESCE(u.display_name, '') AS by_name
         FROM credit_response r LEFT JOIN app_user u ON u.id = r.updated_by
         WHERE r.partner_id = ? AND r.deleted_at IS NULL ORDER BY r.decided_on DESC, r.created_at DESC",
    )
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?)
}

/// Partners with warning signs now (R6.2.2), the most signs first.
pub async fn alerts(desk: &Desk) -> Result<Vec<Alert>> {
    let me = desk.require(Action::PartnerRead)?;
    compute_alerts(desk, None, warnings_are_mine(&me.roles)).await
}

#[derive(sqlx::FromRow)]
struct SignRow {
    partner_id: String,
    partner_name: String,
    status: String,
    kind: String,
    a: String,
    b: String,
}

/// The signs of every partner not ended (or of `only`), read set-based: overdue amounts
/// under the agreement in effect (its currency and payment days), class C, open legal risks,
/// the latest rating at watch or poor, or lower than the one before.
async fn compute_alerts(desk: &Desk, only: Option<&str>, mine: bool) -> Result<Vec<Alert>> {
    let today = desk.today();
    let rows: Vec<SignRow> = sqlx::query_as(
        "WITH live AS (SELECT id, name, status, class FROM partner
                WHERE deleted_at IS NULL AND status <> 'terminated' AND (?2 IS NULL OR id = ?2)),
            terms AS (SELECT a.partner_id, a.currency, max(a.payment_days) AS days FROM agreement a JOIN live ON live.id = a.partner_id
                WHERE a.deleted_at IS NULL AND a.kind <> 'amendment' AND a.status = 'signed' AND a.settle_method = 'purchase'
                  AND a.effective_on <= ?1 AND (a.expires_on IS NULL OR a.expires_on >= ?1)
                GROUP BY a.partner_id, a.currency),
            owed AS (SELECT t.partner_id, t.currency,
                  COALESCE((SELECT sum(s.amount_minor) FROM shipment s JOIN sales_order o ON o.id = s.order_id
                      WHERE s.partner_id = t.partner_id AND o.currency = t.currency AND s.deleted_at IS NULL
                        AND s.shipped_on < date(?1, '-' || t.days || ' days')), 0)
                - COALESCE((SELECT sum(amount_minor) FROM payment WHERE partner_id = t.partner_id
                      AND currency = t.currency AND direction = 'in' AND deleted_at IS NULL), 0)
                - COALESCE((SELECT sum(amount_minor) FROM credit_note WHERE partner_id = t.partner_id
                      AND currency = t.currency AND deleted_at IS NULL), 0) AS amount
                FROM terms t),
            ranked AS (SELECT r.partner_id, r.level,
                  row_number() OVER (PARTITION BY r.partner_id ORDER BY r.rated_on DESC, r.created_at DESC) AS n
                FROM credit_rating r JOIN live ON live.id = r.partner_id WHERE r.deleted_at IS NULL)
         SELECT live.id AS partner_id, live.name AS partner_name, live.status, 'overdue' AS kind,
                CAST(owed.amount AS TEXT) AS a, owed.currency AS b
            FROM owed JOIN live ON live.id = owed.partner_id WHERE owed.amount > 0
         UNION ALL
         SELECT id, name, status, 'class_c', '', '' FROM live WHERE class = 'C'
         UNION ALL
         SELECT live.id, live.name, live.status, 'legal_case', k.number, k.title
            FROM risk k JOIN live ON live.id = k.partner_id
            WHERE k.category = 'legal' AND k.status = 'open' AND k.deleted_at IS NULL
         UNION ALL
         SELECT live.id, live.name, live.status, 'credit_low', r.level, ''
            FROM ranked r JOIN live ON live.id = r.partner_id WHERE r.n = 1 AND r.level IN ('watch', 'poor')
         UNION ALL
         SELECT live.id, live.name, live.status, 'credit_down', p.level, r.level
            FROM ranked r JOIN ranked p ON p.partner_id = r.partner_id AND p.n = 2 JOIN live ON live.id = r.partner_id
            WHERE r.n = 1 AND (CASE r.level WHEN 'good' THEN 0 WHEN 'fair' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END)
                > (CASE p.level WHEN 'good' THEN 0 WHEN 'fair' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END)",
    )
    .bind(&today)
    .bind(only)
    .fetch_all(desk.pool())
    .await?;
    let mut by: BTreeMap<String, Alert> = BTreeMap::new();
    for r in rows {
        let alert = by.entry(r.partner_id.clone()).or_insert_with(|| Alert {
            partner_id: r.partner_id.clone(),
            partner_name: r.partner_name.clone(),
            status: r.status.clone(),
            signs: Vec::new(),
            level: None,
            last_response: None,
            mine,
        });
        let params: BTreeMap<String, String> = match r.kind.as_str() {
            "overdue" => [("amount".into(), r.a), ("currency".into(), r.b)].into(),
            "legal_case" => [("number".into(), r.a), ("title".into(), r.b)].into(),
            "credit_low" => [("level".into(), r.a)].into(),
            "credit_down" => [("from".into(), r.a), ("to".into(), r.b)].into(),
            _ => BTreeMap::new(),
        };
        alert.signs.push(Sign { kind: r.kind, params });
    }
    // The latest level and response of every alerted partner, in two set-based reads.
    let ids = serde_json::to_string(&by.keys().collect::<Vec<_>>()).unwrap_or_default();
    let levels: Vec<(String, String)> = sqlx::query_as(
        "SELECT partner_id, level FROM (SELECT partner_id, level, row_number() OVER (PARTITION BY partner_id
                ORDER BY rated_on DESC, created_at DESC) AS n
            FROM credit_rating WHERE deleted_at IS NULL AND partner_id IN (SELECT value FROM json_each(?)))
         WHERE n = 1",
    )
    .bind(&ids)
    .fetch_all(desk.pool())
    .await?;
    let responses: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT partner_id, id, kind, decided_on, note, by_name FROM (SELECT r.partner_id, r.id, r.kind, r.decided_on,
                r.note, COALESCE(u.display_name, '') AS by_name, row_number() OVER (PARTITION BY r.partner_id
                ORDER BY r.decided_on DESC, r.created_at DESC) AS n
            FROM credit_response r LEFT JOIN app_user u ON u.id = r.updated_by
            WHERE r.deleted_at IS NULL AND r.partner_id IN (SELECT value FROM json_each(?)))
         WHERE n = 1",
    )
    .bind(&ids)
    .fetch_all(desk.pool())
    .await?;
    for (partner, level) in levels {
        if let Some(a) = by.get_mut(&partner) {
            a.level = Some(level);
        }
    }
    for (partner, id, kind, decided_on, note, by_name) in responses {
        if let Some(a) = by.get_mut(&partner) {
            a.last_response = Some(Response { id, kind, decided_on, note, by_name });
        }
    }
    let mut out: Vec<Alert> = by.into_values().collect();
    out.sort_by(|a, b| b.signs.len().cmp(&a.signs.len()).then_with(|| a.partner_name.cmp(&b.partner_name)));
    Ok(out)
}

/// Active partners whose periodic rating is due: never rated, or past the next date of their
/// latest rating.
pub async fn due(desk: &Desk) -> Result<Vec<RatingDue>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT p.id AS partner_id, p.name AS partner_name, r.rated_on AS last_rated_on, r.next_due_on AS due_on
         FROM partner p LEFT JOIN credit_rating r ON r.id = (SELECT id FROM credit_rating
                WHERE partner_id = p.id AND deleted_at IS NULL ORDER BY rated_on DESC, created_at DESC LIMIT 1)
         WHERE p.deleted_at IS NULL AND p.status = 'active' AND (r.id IS NULL OR r.next_due_on <= ?)
         ORDER BY r.next_due_on IS NOT NULL, r.next_due_on, p.name LIMIT 500",
    )
    .bind(desk.today())
    .fetch_all(desk.pool())
    .await?)
}
