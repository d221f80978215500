//! Market promotion (R5.1.1–R5.2.3): goals of a period with a measurable target, strategies
//! by means with objective, content, schedule and budget, activities with their participants,
//! publicity channels, budget and spend, the execution log, and the effect evaluation after
//! the activity. Market analysis notes (R5.1.1) are research notes with the market topics
//! ([`crate::recruitment::research::MARKET_TOPICS`]); the summary PDF is in [`report`].
//!
//! Invariants: money is integer minor units with its currency (a strategy's activities spend
//! in its currency); percentages are integer hundredths of a percent (`_bp`); sales growth is
//! never entered, it is measured from the confirmed orders of the activity's partners (or of
//! every partner for a goal) in the same currency, window after against window before, so it
//! changes when orders do. An activity is evaluated only once it has started.

pub mod report;

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, Write};
use crate::error::{Error, FieldError, Result};
use crate::machines::{ACTIVITY, ActivityStatus};
use crate::orders::{CURRENCIES, MAX_MINOR};
use crate::records::{Val, insert, require_live, set_columns, set_values};
use crate::recruitment::events::StaffRef;
use crate::recruitment::research::PartnerRef;
use crate::validate::Checker;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

pub const GOAL_KINDS: [&str; 3] = ["market_share", "sales_growth", "brand_awareness"];
pub const MEANS: [&str; 5] =
    ["advertising", "sales_promotion", "public_relations", "online", "offline_event"];
pub const FORMS: [&str; 7] = ["seminar", "exhibition", "launch", "in_store", "online", "training", "other"];
pub const CHANNELS: [&str; 8] = [
    "print",
    "outdoor",
    "tv_radio",
    "website",
    "social_media",
    "email_sms",
    "partner_network",
    "industry_media",
];
pub const STATUSES: [&str; 4] = ["planned", "running", "done", "cancelled"];
pub const LOG_KINDS: [&str; 3] = ["progress", "problem", "resource"];
/// Days after an activity ends that still count as its effect on sales.
pub const SALES_TAIL_DAYS: i64 = 30;
/// The largest percentage a target or measure may be, in hundredths (1,000 %).
pub const MAX_BP: i64 = 100_000;

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn money(c: &mut Checker, field: &str, v: Option<i64>, required: bool) -> i64 {
    match v {
        None if required => {
            c.push(field, "required");
            0
        }
        None => 0,
        Some(v) if !(0..=MAX_MINOR).contains(&v) => {
            c.push(field, "amount");
            0
        }
        Some(v) => v,
    }
}

fn bp(c: &mut Checker, field: &str, v: Option<i64>, min: i64) -> Option<i64> {
    let v = v?;
    if !(min..=MAX_BP).contains(&v) {
        c.errors.push(FieldError::with_limit(field, "range", (MAX_BP / 100) as u32));
    }
    Some(v)
}

fn count(c: &mut Checker, field: &str, v: Option<i64>) -> Option<i64> {
    let v = v?;
    if !(0..=10_000_000).contains(&v) {
        c.push(field, "amount");
    }
    Some(v)
}

/// Checks a period: both dates, the end not before the start.
fn period(c: &mut Checker, from_field: &str, from: &str, to_field: &str, to: &str) -> (String, String) {
    let f = c.date(from_field, from, true);
    let t = c.date(to_field, to, true);
    if f.len() == 10 && t.len() == 10 && t < f && !c.errors.iter().any(|e| e.field == to_field) {
        c.push(to_field, "before_start");
    }
    (f, t)
}

fn ids(c: &mut Checker, field: &str, v: &[String], max: u32) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in v {
        let x = x.trim().to_string();
        if !x.is_empty() && !out.contains(&x) {
            out.push(x);
        }
    }
    if out.len() > max as usize {
        c.errors.push(FieldError::with_limit(field, "too_many", max));
    }
    out
}

/// Confirmed orders' value in `currency` ordered from `from` to `to` (inclusive), of
/// `partners` or of everyone when `None`.
async fn sales(
    conn: &mut sqlx::SqliteConnection,
    partners: Option<&[String]>,
    currency: &str,
    from: &str,
    to: &str,
) -> Result<i64> {
    let list = partners.map(|p| serde_json::to_string(p).unwrap_or_default());
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(sum(total_minor), 0) FROM sales_order
         WHERE status = 'confirmed' AND deleted_at IS NULL AND currency = ?1 AND ordered_on >= ?2 AND ordered_on <= ?3
           AND (?4 IS NULL OR partner_id IN (SELECT value FROM json_each(?4)))",
    )
    .bind(currency)
    .bind(from)
    .bind(to)
    .bind(list)
    .fetch_one(conn)
    .await?)
}

/// Sales in a window and the same number of days before it, and the growth in hundredths of
/// a percent (none when there was nothing before).
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct SalesGrowth {
    pub from: String,
    pub to: String,
    pub before_from: String,
    pub before_to: String,
    #[ts(type = "number")]
    pub before_minor: i64,
    #[ts(type = "number")]
    pub after_minor: i64,
    #[ts(type = "number | null")]
    pub growth_bp: Option<i64>,
    pub currency: String,
}

/// The growth from `before` to `after` in hundredths of a percent, rounded half away from 0.
pub fn growth_bp(before: i64, after: i64) -> Option<i64> {
    if before <= 0 {
        return None;
    }
    let num = i128::from(after - before) * 10_000;
    let den = i128::from(before);
    let q = (num.abs() * 2 + den) / (den * 2);
    Some(if num < 0 { -(q as i64) } else { q as i64 })
}

async fn sales_growth(
    conn: &mut sqlx::SqliteConnection,
    partners: Option<&[String]>,
    currency: &str,
    from: &str,
    to: &str,
) -> Result<SalesGrowth> {
    let (Some(f), Some(t)) = (day(from), day(to)) else { return Ok(SalesGrowth::default()) };
    let days = (t - f).num_days() + 1;
    let bf = f - chrono::Duration::days(days);
    let bt = f - chrono::Duration::days(1);
    let before = sales(&mut *conn, partners, currency, &ymd(bf), &ymd(bt)).await?;
    let after = sales(&mut *conn, partners, currency, from, to).await?;
    Ok(SalesGrowth {
        from: from.into(),
        to: to.into(),
        before_from: ymd(bf),
        before_to: ymd(bt),
        before_minor: before,
        after_minor: after,
        growth_bp: growth_bp(before, after),
        currency: currency.into(),
    })
}

// ---------------------------------------------------------------- goals (R5.1.2)

/// A goal as entered; percentages in hundredths.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct GoalInput {
    pub kind: String,
    pub title: String,
    pub period_from: String,
    pub period_to: String,
    #[ts(type = "number | null")]
    pub target_bp: Option<i64>,
    #[ts(type = "number | null")]
    pub actual_bp: Option<i64>,
    pub currency: String,
    pub measure: String,
}

/// A goal, its measured result and whether it is met.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Goal {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub period_from: String,
    pub period_to: String,
    #[ts(type = "number")]
    pub target_bp: i64,
    /// Entered (market share, awareness) or measured from orders (sales growth).
    #[ts(type = "number | null")]
    pub actual_bp: Option<i64>,
    pub sales: Option<SalesGrowth>,
    pub met: Option<bool>,
    pub currency: String,
    pub measure: String,
    pub hlc: String,
}

#[derive(sqlx::FromRow)]
struct GoalDb {
    id: String,
    kind: String,
    title: String,
    period_from: String,
    period_to: String,
    target_bp: i64,
    actual_bp: Option<i64>,
    currency: String,
    measure: String,
    hlc: String,
}

async fn goal_of(conn: &mut sqlx::SqliteConnection, r: GoalDb) -> Result<Goal> {
    let sales = if r.kind == "sales_growth" {
        Some(sales_growth(conn, None, &r.currency, &r.period_from, &r.period_to).await?)
    } else {
        None
    };
    let actual = match &sales {
        Some(s) => s.growth_bp,
        None => r.actual_bp,
    };
    Ok(Goal {
        met: actual.map(|a| a >= r.target_bp),
        id: r.id,
        kind: r.kind,
        title: r.title,
        period_from: r.period_from,
        period_to: r.period_to,
        target_bp: r.target_bp,
        actual_bp: actual,
        sales,
        currency: r.currency,
        measure: r.measure,
        hlc: r.hlc,
    })
}

struct CleanGoal {
    texts: [(&'static str, String); 6],
    target_bp: i64,
    actual_bp: Option<i64>,
}

fn check_goal(input: &GoalInput) -> Result<CleanGoal> {
    let mut c = Checker::new();
    c.one_of("kind", &input.kind, &GOAL_KINDS);
    let title = c.text("title", &input.title, true, 120, false);
    let (from, to) = period(&mut c, "period_from", &input.period_from, "period_to", &input.period_to);
    let target = bp(&mut c, "target_bp", input.target_bp, -MAX_BP);
    if target.is_none() {
        c.push("target_bp", "required");
    }
    let actual =
        if input.kind == "sales_growth" { None } else { bp(&mut c, "actual_bp", input.actual_bp, -MAX_BP) };
    let currency = if input.currency.is_empty() { "CNY".to_string() } else { input.currency.clone() };
    c.one_of("currency", &currency, &CURRENCIES);
    let measure = c.text("measure", &input.measure, false, 500, true);
    c.finish()?;
    Ok(CleanGoal {
        texts: [
            ("title", title),
            ("kind", input.kind.clone()),
            ("period_from", from),
            ("period_to", to),
            ("currency", currency),
            ("measure", measure),
        ],
        target_bp: target.unwrap_or(0),
        actual_bp: actual,
    })
}

/// Writes a new goal, or changes goal `id` at `expected_hlc`.
pub async fn save_goal(desk: &Desk, id: Option<(&str, &str)>, input: &GoalInput) -> Result<Goal> {
    desk.require(Action::PromotionManage)?;
    let g = check_goal(input)?;
    let mut w = desk.write().await?;
    let mut ch = Changes::new();
    let id = match id {
        None => {
            let mut cols: Vec<(&str, Val)> = g.texts.iter().map(|(c, v)| (*c, v.clone().into())).collect();
            cols.push(("target_bp", g.target_bp.into()));
            cols.push(("actual_bp", g.actual_bp.into()));
            let id = insert(&mut w, "promotion_goal", &cols).await?;
            for (c, v) in &g.texts {
                ch.set(c, v);
            }
            ch.set("target_bp", &g.target_bp);
            audit::record(&mut w, "create", "promotion_goal", &id, &ch).await?;
            id
        }
        Some((id, hlc)) => {
            let cols: Vec<&str> = g.texts.iter().map(|(c, _)| *c).collect();
            let after: Vec<String> = g.texts.iter().map(|(_, v)| v.clone()).collect();
            let before: (i64, Option<i64>) = sqlx::query_as(
                "SELECT target_bp, actual_bp FROM promotion_goal WHERE id = ? AND deleted_at IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "promotion_goal", id: id.into() })?;
            let mut ch =
                crate::records::update_texts(&mut w, "promotion_goal", id, hlc, &cols, &after).await?;
            let mut ints: Vec<(&str, Val)> = Vec::new();
            if ch.diff("target_bp", &before.0, &g.target_bp) {
                ints.push(("target_bp", g.target_bp.into()));
            }
            if ch.diff("actual_bp", &before.1, &g.actual_bp) {
                ints.push(("actual_bp", g.actual_bp.into()));
            }
            if ch.is_empty() {
                w.tx.rollback().await?;
                return goal(desk, id).await;
            }
            if !ints.is_empty() {
                set_values(&mut w, "promotion_goal", id, &ints).await?;
            }
            audit::record(&mut w, "update", "promotion_goal", id, &ch).await?;
            id.to_string()
        }
    };
    w.commit().await?;
    goal(desk, &id).await
}

const GOAL_SELECT: &str =
    "SELECT id, kind, title, period_from, period_to, target_bp, actual_bp, currency, measure, hlc
    FROM promotion_goal WHERE deleted_at IS NULL";

/// One goal with its result.
pub async fn goal(desk: &Desk, id: &str) -> Result<Goal> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let r: GoalDb = sqlx::query_as(sqlx::AssertSqlSafe(format!("{GOAL_SELECT} AND id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "promotion_goal", id: id.into() })?;
    goal_of(&mut conn, r).await
}

/// Goals whose period overlaps `from`–`to` (every goal when both are empty), latest first.
pub async fn goals(desk: &Desk, from: &str, to: &str) -> Result<Vec<Goal>> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let rows: Vec<GoalDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{GOAL_SELECT} AND (?1 = '' OR period_to >= ?1) AND (?2 = '' OR period_from <= ?2)
         ORDER BY period_from DESC, title"
    )))
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(goal_of(&mut conn, r).await?);
    }
    Ok(out)
}

// ---------------------------------------------------------------- strategies (R5.1.3)

/// A strategy as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct StrategyInput {
    pub goal_id: String,
    pub means: String,
    pub title: String,
    pub objective: String,
    pub content: String,
    pub starts_on: String,
    pub ends_on: String,
    #[ts(type = "number | null")]
    pub budget_minor: Option<i64>,
    pub currency: String,
}

/// A strategy with what its activities have spent.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Strategy {
    pub id: String,
    pub goal_id: Option<String>,
    pub goal_title: Option<String>,
    pub means: String,
    pub title: String,
    pub objective: String,
    pub content: String,
    pub starts_on: String,
    pub ends_on: String,
    #[ts(type = "number")]
    pub budget_minor: i64,
    pub currency: String,
    #[ts(type = "number")]
    pub activities: i64,
    #[ts(type = "number")]
    pub planned_minor: i64,
    #[ts(type = "number")]
    pub spent_minor: i64,
    pub hlc: String,
}

const STRATEGY_SELECT: &str = "SELECT s.id, s.goal_id, g.title AS goal_title, s.means, s.title, s.objective, s.content,
        s.starts_on, s.ends_on, s.budget_minor, s.currency,
        (SELECT count(*) FROM promotion_activity a WHERE a.strategy_id = s.id AND a.deleted_at IS NULL) AS activities,
        (SELECT COALESCE(sum(budget_minor), 0) FROM promotion_activity a WHERE a.strategy_id = s.id
            AND a.deleted_at IS NULL AND a.status <> 'cancelled') AS planned_minor,
        (SELECT COALESCE(sum(spent_minor), 0) FROM promotion_activity a WHERE a.strategy_id = s.id
            AND a.deleted_at IS NULL) AS spent_minor,
        s.hlc
    FROM promotion_strategy s LEFT JOIN promotion_goal g ON g.id = s.goal_id WHERE s.deleted_at IS NULL";

/// Writes a new strategy, or changes strategy `id` at `expected_hlc`.
pub async fn save_strategy(desk: &Desk, id: Option<(&str, &str)>, input: &StrategyInput) -> Result<Strategy> {
    desk.require(Action::PromotionManage)?;
    let mut c = Checker::new();
    c.one_of("means", &input.means, &MEANS);
    let title = c.text("title", &input.title, true, 120, false);
    let objective = c.text("objective", &input.objective, true, 1000, true);
    let content = c.text("content", &input.content, false, 5000, true);
    let (starts, ends) = period(&mut c, "starts_on", &input.starts_on, "ends_on", &input.ends_on);
    let budget = money(&mut c, "budget_minor", input.budget_minor, true);
    c.one_of("currency", &input.currency, &CURRENCIES);
    c.finish()?;
    let goal_id = input.goal_id.trim().to_string();
    let mut w = desk.write().await?;
    if !goal_id.is_empty() {
        require_live(&mut w.tx, "promotion_goal", &goal_id, "goal_id").await?;
    }
    let texts = [
        ("title", title),
        ("means", input.means.clone()),
        ("objective", objective),
        ("content", content),
        ("starts_on", starts),
        ("ends_on", ends),
        ("currency", input.currency.clone()),
    ];
    let goal = (!goal_id.is_empty()).then_some(goal_id);
    let id = match id {
        None => {
            let mut cols: Vec<(&str, Val)> = texts.iter().map(|(c, v)| (*c, v.clone().into())).collect();
            cols.push(("goal_id", goal.clone().into()));
            cols.push(("budget_minor", budget.into()));
            let id = insert(&mut w, "promotion_strategy", &cols).await?;
            let mut ch = Changes::new();
            for (c, v) in &texts {
                ch.set(c, v);
            }
            ch.set("budget_minor", &budget);
            audit::record(&mut w, "create", "promotion_strategy", &id, &ch).await?;
            id
        }
        Some((id, hlc)) => {
            let before: (Option<String>, i64, String) = sqlx::query_as(
                "SELECT goal_id, budget_minor, currency FROM promotion_strategy WHERE id = ? AND deleted_at IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "promotion_strategy", id: id.into() })?;
            if before.2 != input.currency && has_activities(&mut w, id).await? {
                return Err(Error::field("currency", "locked"));
            }
            let cols: Vec<&str> = texts.iter().map(|(c, _)| *c).collect();
            let after: Vec<String> = texts.iter().map(|(_, v)| v.clone()).collect();
            let mut ch =
                crate::records::update_texts(&mut w, "promotion_strategy", id, hlc, &cols, &after).await?;
            if ch.diff("goal_id", &before.0, &goal) {
                set_columns(&mut w, "promotion_strategy", id, &[("goal_id", goal.clone())]).await?;
            }
            if ch.diff("budget_minor", &before.1, &budget) {
                set_values(&mut w, "promotion_strategy", id, &[("budget_minor", budget.into())]).await?;
            }
            if ch.is_empty() {
                w.tx.rollback().await?;
                return strategy(desk, id).await;
            }
            audit::record(&mut w, "update", "promotion_strategy", id, &ch).await?;
            id.to_string()
        }
    };
    w.commit().await?;
    strategy(desk, &id).await
}

async fn has_activities(w: &mut Write, strategy_id: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM promotion_activity WHERE strategy_id = ? AND deleted_at IS NULL",
    )
    .bind(strategy_id)
    .fetch_one(&mut *w.tx)
    .await?;
    Ok(n > 0)
}

/// One strategy.
pub async fn strategy(desk: &Desk, id: &str) -> Result<Strategy> {
    desk.require(Action::PartnerRead)?;
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{STRATEGY_SELECT} AND s.id = ?")))
        .bind(id)
        .fetch_optional(desk.pool())
        .await?
        .ok_or_else(|| Error::NotFound { entity: "promotion_strategy", id: id.into() })
}

/// Strategies whose schedule overlaps `from`–`to` (all when both are empty).
pub async fn strategies(desk: &Desk, from: &str, to: &str) -> Result<Vec<Strategy>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STRATEGY_SELECT} AND (?1 = '' OR s.ends_on >= ?1) AND (?2 = '' OR s.starts_on <= ?2)
         ORDER BY s.starts_on DESC, s.title"
    )))
    .bind(from)
    .bind(to)
    .fetch_all(desk.pool())
    .await?)
}

// ---------------------------------------------------------------- activities (R5.2.1, R5.2.2)

/// An activity as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ActivityInput {
    pub strategy_id: String,
    pub theme: String,
    pub form: String,
    pub content: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    pub channels: Vec<String>,
    pub partner_ids: Vec<String>,
    pub staff_ids: Vec<String>,
    pub currency: String,
    #[ts(type = "number | null")]
    pub budget_minor: Option<i64>,
    #[ts(type = "number | null")]
    pub spent_minor: Option<i64>,
    pub status: String,
}

/// An activity in a list or the calendar.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ActivityRow {
    pub id: String,
    pub theme: String,
    pub form: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    /// The statuses the activity form may pick now (the current one first).
    #[sqlx(skip)]
    pub next: Vec<&'static str>,
    pub currency: String,
    #[ts(type = "number")]
    pub budget_minor: i64,
    #[ts(type = "number")]
    pub spent_minor: i64,
    #[ts(type = "number")]
    pub partner_count: i64,
    pub strategy_title: Option<String>,
    pub means: Option<String>,
    pub evaluated_on: Option<String>,
}

/// A line of the execution log.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct LogLine {
    pub id: String,
    pub logged_on: String,
    pub kind: String,
    pub text: String,
    pub by_name: String,
}

/// The effect of an activity (R5.2.3): what was entered after it and what follows from it.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct Effect {
    #[ts(type = "number | null")]
    pub participants: Option<i64>,
    #[ts(type = "number | null")]
    pub results: Option<i64>,
    pub result_label: String,
    #[ts(type = "number | null")]
    pub awareness_before_bp: Option<i64>,
    #[ts(type = "number | null")]
    pub awareness_after_bp: Option<i64>,
    /// After minus before, in hundredths of a percentage point.
    #[ts(type = "number | null")]
    pub awareness_gain_bp: Option<i64>,
    /// Average satisfaction in tenths (10–50).
    #[ts(type = "number | null")]
    pub satisfaction_x10: Option<i64>,
    #[ts(type = "number | null")]
    pub cost_per_participant_minor: Option<i64>,
    #[ts(type = "number | null")]
    pub cost_per_result_minor: Option<i64>,
    /// Budget used, hundredths of a percent.
    #[ts(type = "number | null")]
    pub budget_used_bp: Option<i64>,
    /// Confirmed orders of the participating partners in the activity and the
    /// [`SALES_TAIL_DAYS`] after it, against as many days before.
    pub sales: SalesGrowth,
    pub lessons: String,
    pub evaluated_on: Option<String>,
}

/// One activity with its participants, log and effect.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Activity {
    pub row: ActivityRow,
    pub strategy_id: Option<String>,
    pub content: String,
    pub channels: Vec<String>,
    pub partners: Vec<PartnerRef>,
    pub staff: Vec<StaffRef>,
    pub log: Vec<LogLine>,
    pub effect: Effect,
    pub hlc: String,
}

/// Divides rounding half up (both non-negative); none when `d` is 0.
fn per(n: i64, d: Option<i64>) -> Option<i64> {
    let d = d.filter(|d| *d > 0)?;
    Some((n * 2 + d) / (d * 2))
}

/// Writes a new activity, or changes activity `id` at `expected_hlc`.
pub async fn save_activity(desk: &Desk, id: Option<(&str, &str)>, input: &ActivityInput) -> Result<Activity> {
    desk.require(Action::PromotionManage)?;
    let mut c = Checker::new();
    let theme = c.text("theme", &input.theme, true, 120, false);
    c.one_of("form", &input.form, &FORMS);
    let content = c.text("content", &input.content, false, 5000, true);
    let (starts, ends) = period(&mut c, "starts_on", &input.starts_on, "ends_on", &input.ends_on);
    let place = c.text("place", &input.place, false, 200, false);
    let mut channels: Vec<String> = Vec::new();
    for (i, ch) in input.channels.iter().enumerate() {
        if !CHANNELS.contains(&ch.as_str()) {
            c.push(format!("channels.{i}"), "unknown");
        } else if !channels.contains(ch) {
            channels.push(ch.clone());
        }
    }
    let partner_ids = ids(&mut c, "partner_ids", &input.partner_ids, 200);
    let staff_ids = ids(&mut c, "staff_ids", &input.staff_ids, 50);
    c.one_of("currency", &input.currency, &CURRENCIES);
    let budget = money(&mut c, "budget_minor", input.budget_minor, true);
    let spent = money(&mut c, "spent_minor", input.spent_minor, false);
    let status = if input.status.is_empty() { "planned".to_string() } else { input.status.clone() };
    c.one_of("status", &status, &STATUSES);
    if status == "done" && starts.len() == 10 && starts > desk.today() {
        c.push("status", "not_started");
    }
    c.finish()?;
    let strategy_id = input.strategy_id.trim().to_string();
    let mut w = desk.write().await?;
    if !strategy_id.is_empty() {
        let cur: Option<String> =
            sqlx::query_scalar("SELECT currency FROM promotion_strategy WHERE id = ? AND deleted_at IS NULL")
                .bind(&strategy_id)
                .fetch_optional(&mut *w.tx)
                .await?;
        match cur {
            None => return Err(Error::field("strategy_id", "unknown")),
            Some(cur) if cur != input.currency => return Err(Error::field("currency", "strategy_currency")),
            _ => {}
        }
    }
    for (i, p) in partner_ids.iter().enumerate() {
        require_live(&mut w.tx, "partner", p, &format!("partner_ids.{i}")).await?;
    }
    for (i, u) in staff_ids.iter().enumerate() {
        require_live(&mut w.tx, "app_user", u, &format!("staff_ids.{i}")).await?;
    }
    let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_default();
    let texts = [
        ("theme", theme),
        ("form", input.form.clone()),
        ("content", content),
        ("starts_on", starts),
        ("ends_on", ends),
        ("place", place),
        ("channels", json(&channels)),
        ("partner_ids", json(&partner_ids)),
        ("staff_ids", json(&staff_ids)),
        ("currency", input.currency.clone()),
    ];
    let state = ActivityStatus::parse(&status).unwrap_or(ActivityStatus::Planned);
    let strategy = (!strategy_id.is_empty()).then_some(strategy_id);
    let id = match id {
        None => {
            let mut cols: Vec<(&str, Val)> = texts.iter().map(|(c, v)| (*c, v.clone().into())).collect();
            cols.push(("strategy_id", strategy.clone().into()));
            cols.push(("budget_minor", budget.into()));
            cols.push(("spent_minor", spent.into()));
            cols.push((
                "status",
                ACTIVITY.start(&w, state, false).map_err(|_| Error::field("status", "not_a_start"))?.into(),
            ));
            let id = insert(&mut w, "promotion_activity", &cols).await?;
            let mut ch = Changes::new();
            for (c, v) in &texts[..6] {
                ch.set(c, v);
            }
            ch.set("status", &state.as_str());
            ch.set("budget_minor", &budget);
            audit::record(&mut w, "create", "promotion_activity", &id, &ch).await?;
            id
        }
        Some((id, hlc)) => {
            let before: (Option<String>, i64, i64) = sqlx::query_as(
                "SELECT strategy_id, budget_minor, spent_minor FROM promotion_activity WHERE id = ? AND deleted_at IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "promotion_activity", id: id.into() })?;
            let cols: Vec<&str> = texts.iter().map(|(c, _)| *c).collect();
            let after: Vec<String> = texts.iter().map(|(_, v)| v.clone()).collect();
            let from = ACTIVITY.state(&mut w.tx, id).await?;
            let mut ch =
                crate::records::update_texts(&mut w, "promotion_activity", id, hlc, &cols, &after).await?;
            let step = if from == state {
                None
            } else {
                let step =
                    ACTIVITY.step_to(from, state).ok_or_else(|| Error::field("status", from.as_str()))?;
                Some(ACTIVITY.check(&w, step.action, from)?)
            };
            if let Some(step) = step {
                ACTIVITY.take(&mut w, id, step.action, None).await?.note("status", &mut ch);
            }
            let mut sets: Vec<(&str, Val)> = Vec::new();
            if ch.diff("strategy_id", &before.0, &strategy) {
                sets.push(("strategy_id", strategy.clone().into()));
            }
            if ch.diff("budget_minor", &before.1, &budget) {
                sets.push(("budget_minor", budget.into()));
            }
            if ch.diff("spent_minor", &before.2, &spent) {
                sets.push(("spent_minor", spent.into()));
            }
            if ch.is_empty() {
                w.tx.rollback().await?;
                return activity(desk, id).await;
            }
            if !sets.is_empty() {
                set_values(&mut w, "promotion_activity", id, &sets).await?;
            }
            audit::record(&mut w, "update", "promotion_activity", id, &ch).await?;
            id.to_string()
        }
    };
    w.commit().await?;
    activity(desk, &id).await
}

/// A log line as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export, rename = "PromotionLogInput")]
#[serde(default)]
pub struct LogInput {
    pub logged_on: String,
    pub kind: String,
    pub text: String,
}

/// Adds a line to activity `activity_id`'s execution log (R5.2.2).
pub async fn add_log(desk: &Desk, activity_id: &str, input: &LogInput) -> Result<Activity> {
    desk.require(Action::PromotionManage)?;
    let mut c = Checker::new();
    let logged_on = c.date_until("logged_on", &input.logged_on, true, &desk.today());
    c.one_of("kind", &input.kind, &LOG_KINDS);
    let text = c.text("text", &input.text, true, 2000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    require_live(&mut w.tx, "promotion_activity", activity_id, "activity_id").await?;
    insert(
        &mut w,
        "promotion_log",
        &[
            ("activity_id", activity_id.into()),
            ("logged_on", logged_on.clone().into()),
            ("kind", input.kind.as_str().into()),
            ("text", text.clone().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("kind", &input.kind);
    ch.set("text", &text);
    audit::record(&mut w, "log", "promotion_activity", activity_id, &ch).await?;
    w.commit().await?;
    activity(desk, activity_id).await
}

/// The effect as entered after the activity (R5.2.3); percentages in hundredths,
/// satisfaction in tenths (1.0–5.0 as 10–50).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct EffectInput {
    pub evaluated_on: String,
    #[ts(type = "number | null")]
    pub participants: Option<i64>,
    #[ts(type = "number | null")]
    pub results: Option<i64>,
    pub result_label: String,
    #[ts(type = "number | null")]
    pub awareness_before_bp: Option<i64>,
    #[ts(type = "number | null")]
    pub awareness_after_bp: Option<i64>,
    #[ts(type = "number | null")]
    pub satisfaction_x10: Option<i64>,
    #[ts(type = "number | null")]
    pub spent_minor: Option<i64>,
    pub lessons: String,
}

/// Records the effect of activity `id` (R5.2.3) and marks it done.
pub async fn evaluate(desk: &Desk, id: &str, input: &EffectInput) -> Result<Activity> {
    desk.require(Action::PromotionManage)?;
    let mut c = Checker::new();
    let evaluated_on = c.date_until("evaluated_on", &input.evaluated_on, true, &desk.today());
    let participants = count(&mut c, "participants", input.participants);
    if participants.is_none() {
        c.push("participants", "required");
    }
    let results = count(&mut c, "results", input.results);
    let label = c.text("result_label", &input.result_label, results.is_some(), 40, false);
    let before = input.awareness_before_bp;
    let after = input.awareness_after_bp;
    for (f, v) in [("awareness_before_bp", before), ("awareness_after_bp", after)] {
        if v.is_some_and(|v| !(0..=10_000).contains(&v)) {
            c.errors.push(FieldError::with_limit(f, "range", 100));
        }
    }
    if let Some(s) = input.satisfaction_x10
        && !(10..=50).contains(&s)
    {
        c.errors.push(FieldError::with_limit("satisfaction_x10", "range", 5));
    }
    let spent = money(&mut c, "spent_minor", input.spent_minor, true);
    let lessons = c.text("lessons", &input.lessons, true, 5000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let (starts, status): (String, String) = sqlx::query_as(
        "SELECT starts_on, status FROM promotion_activity WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "promotion_activity", id: id.into() })?;
    if status == "cancelled" {
        return Err(Error::field("status", "cancelled"));
    }
    if evaluated_on < starts {
        return Err(Error::field("evaluated_on", "not_started"));
    }
    let moved = ACTIVITY.take(&mut w, id, "evaluate", None).await?;
    let sets = [
        ("result_label", label.clone().into()),
        ("lessons", lessons.clone().into()),
        ("evaluated_on", evaluated_on.clone().into()),
        ("participants", participants.into()),
        ("results", results.into()),
        ("awareness_before_bp", before.into()),
        ("awareness_after_bp", after.into()),
        ("satisfaction_x10", input.satisfaction_x10.into()),
        ("spent_minor", spent.into()),
    ];
    set_values(&mut w, "promotion_activity", id, &sets).await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("evaluated_on", &evaluated_on);
    ch.set("participants", &participants);
    ch.set("results", &results);
    ch.set("spent_minor", &spent);
    ch.set("satisfaction_x10", &input.satisfaction_x10);
    audit::record(&mut w, "evaluate", "promotion_activity", id, &ch).await?;
    w.commit().await?;
    activity(desk, id).await
}

const ROW_SELECT: &str = "SELECT a.id, a.theme, a.form, a.starts_on, a.ends_on, a.place, a.status, a.currency,
        a.budget_minor, a.spent_minor, json_array_length(a.partner_ids) AS partner_count,
        s.title AS strategy_title, s.means, a.evaluated_on
    FROM promotion_activity a LEFT JOIN promotion_strategy s ON s.id = a.strategy_id WHERE a.deleted_at IS NULL";

#[derive(sqlx::FromRow)]
struct ActivityDb {
    strategy_id: Option<String>,
    content: String,
    channels: String,
    partners: String,
    staff: String,
    partner_ids: String,
    participants: Option<i64>,
    results: Option<i64>,
    result_label: String,
    awareness_before_bp: Option<i64>,
    awareness_after_bp: Option<i64>,
    satisfaction_x10: Option<i64>,
    lessons: String,
    hlc: String,
}

/// One activity with its effect.
pub async fn activity(desk: &Desk, id: &str) -> Result<Activity> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let mut row: ActivityRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{ROW_SELECT} AND a.id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "promotion_activity", id: id.into() })?;
    let roles = crate::machines::session_roles(desk);
    row.actions = ACTIVITY.offers_text(&roles, &row.status);
    row.next = ActivityStatus::parse(&row.status)
        .map(|from| ACTIVITY.next_states(&roles, from).into_iter().map(|s| s.as_str()).collect())
        .unwrap_or_default();
    let d: ActivityDb = sqlx::query_as(
        "SELECT a.strategy_id, a.content, a.channels, a.partner_ids,
            (SELECT json_group_array(json_object('id', p.id, 'name', p.name)) FROM json_each(a.partner_ids) j
                JOIN partner p ON p.id = j.value) AS partners,
            (SELECT json_group_array(json_object('id', u.id, 'name', u.display_name)) FROM json_each(a.staff_ids) j
                JOIN app_user u ON u.id = j.value) AS staff,
            a.participants, a.results, a.result_label, a.awareness_before_bp, a.awareness_after_bp,
            a.satisfaction_x10, a.lessons, a.hlc
         FROM promotion_activity a WHERE a.id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let log = sqlx::query_as(
        "SELECT l.id, l.logged_on, l.kind, l.text, COALESCE(u.display_name, '') AS by_name
         FROM promotion_log l LEFT JOIN app_user u ON u.id = l.updated_by
         WHERE l.activity_id = ? AND l.deleted_at IS NULL ORDER BY l.logged_on DESC, l.created_at DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let partner_ids: Vec<String> = serde_json::from_str(&d.partner_ids).unwrap_or_default();
    let tail_end = day(&row.ends_on)
        .map(|e| ymd(e + chrono::Duration::days(SALES_TAIL_DAYS)))
        .unwrap_or_else(|| row.ends_on.clone());
    let sales = sales_growth(&mut conn, Some(&partner_ids), &row.currency, &row.starts_on, &tail_end).await?;
    let effect = Effect {
        participants: d.participants,
        results: d.results,
        result_label: d.result_label,
        awareness_before_bp: d.awareness_before_bp,
        awareness_after_bp: d.awareness_after_bp,
        awareness_gain_bp: d.awareness_before_bp.zip(d.awareness_after_bp).map(|(b, a)| a - b),
        satisfaction_x10: d.satisfaction_x10,
        cost_per_participant_minor: per(row.spent_minor, d.participants),
        cost_per_result_minor: per(row.spent_minor, d.results),
        budget_used_bp: per(row.spent_minor * 10_000, Some(row.budget_minor)),
        sales,
        lessons: d.lessons,
        evaluated_on: row.evaluated_on.clone(),
    };
    Ok(Activity {
        row,
        strategy_id: d.strategy_id,
        content: d.content,
        channels: serde_json::from_str(&d.channels).unwrap_or_default(),
        partners: serde_json::from_str(&d.partners).unwrap_or_default(),
        staff: serde_json::from_str(&d.staff).unwrap_or_default(),
        log,
        effect,
        hlc: d.hlc,
    })
}

/// Filters of the activity list and calendar.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ActivityQuery {
    /// Activities overlapping `from`–`to` (either may be empty).
    pub from: String,
    pub to: String,
    pub status: String,
    pub strategy_id: String,
    pub partner_id: String,
    pub q: String,
}

/// Activities matching `q`, earliest first.
pub async fn activities(desk: &Desk, q: &ActivityQuery) -> Result<Vec<ActivityRow>> {
    desk.require(Action::PartnerRead)?;
    let mut c = Checker::new();
    let from = c.date("from", &q.from, false);
    let to = c.date("to", &q.to, false);
    if !q.status.is_empty() {
        c.one_of("status", &q.status, &STATUSES);
    }
    c.finish()?;
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(ROW_SELECT);
    if !from.is_empty() {
        qb.push(" AND a.ends_on >= ").push_bind(from);
    }
    if !to.is_empty() {
        qb.push(" AND a.starts_on <= ").push_bind(to);
    }
    if !q.status.is_empty() {
        qb.push(" AND a.status = ").push_bind(q.status.clone());
    }
    if !q.strategy_id.is_empty() {
        qb.push(" AND a.strategy_id = ").push_bind(q.strategy_id.clone());
    }
    if !q.partner_id.is_empty() {
        qb.push(" AND EXISTS (SELECT 1 FROM json_each(a.partner_ids) WHERE value = ")
            .push_bind(q.partner_id.clone())
            .push(")");
    }
    for t in crate::search::folded_terms(&q.q) {
        let like = crate::search::like_contains(&t);
        qb.push(" AND (lower(a.theme) LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
        qb.push(" OR lower(a.place) LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
        qb.push(" OR lower(a.content) LIKE ").push_bind(like).push(" ESCAPE '\\')");
    }
    qb.push(" ORDER BY a.starts_on, a.theme LIMIT 1000");
    Ok(qb.build_query_as().fetch_all(desk.pool()).await?)
}
