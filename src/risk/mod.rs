//! Risk management (R6.1.1–R6.2.4): the risk register with its assessment, response measures,
//! periodic reviews and the likelihood × impact heat map. Partner credit is in [`credit`],
//! the legal early warning in [`warning`], procedures and staff trainings in [`controls`].
//!
//! Invariants: the grade is never stored, it follows from likelihood × impact by [`grade`]
//! (so two laptops changing one each cannot leave a stale grade); a risk graded high or
//! critical always has a response measure (R6.1.2: the grade drives the response); its next
//! review falls at most [`review_days`] of its grade after it was identified or last reviewed;
//! a risk linked to an agreement or an order is linked to that record's partner. Measures and
//! reviews are audited under the risk, so the risk's audit trail holds its whole history.

pub mod controls;
pub mod credit;
pub mod warning;

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, Write};
use crate::error::{Error, FieldError, Result};
use crate::machines::RISK_MEASURE;
use crate::paging::Page;
use crate::records::{Val, insert, require_live, set_columns, set_values};
use crate::validate::Checker;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

/// The five kinds of risk of R6.1.1.
pub const CATEGORIES: [&str; 5] = ["market", "credit", "legal", "operational", "competition"];
/// Grades, lowest first.
pub const GRADES: [&str; 4] = ["low", "medium", "high", "critical"];

/// The grade of a risk (R6.1.2): likelihood × impact, 1–4 low, 5–9 medium, 10–16 high,
/// 20–25 critical.
pub fn grade(likelihood: i64, impact: i64) -> &'static str {
    match likelihood * impact {
        ..=4 => "low",
        5..=9 => "medium",
        10..=16 => "high",
        _ => "critical",
    }
}

/// The longest time between two reviews of a risk of `grade`, in days.
pub fn review_days(grade: &str) -> i64 {
    match grade {
        "critical" => 30,
        "high" => 60,
        "medium" => 90,
        _ => 180,
    }
}

/// Whether a risk of `grade` needs a response measure before it is recorded.
pub fn needs_measure(grade: &str) -> bool {
    matches!(grade, "high" | "critical")
}

/// The SQL expression of the grade of a row with `likelihood` and `impact` columns.
const GRADE_SQL: &str =
    "CASE WHEN likelihood * impact <= 4 THEN 'low' WHEN likelihood * impact <= 9 THEN 'medium'
    WHEN likelihood * impact <= 16 THEN 'high' ELSE 'critical' END";

fn plus_days(date: &str, days: i64) -> String {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| (d + chrono::Duration::days(days)).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| date.to_string())
}

/// A response measure as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export, rename = "RiskMeasureInput")]
#[serde(default)]
pub struct MeasureInput {
    pub action: String,
    pub owner_id: String,
    pub due_on: String,
}

/// A risk as entered. `review_on` empty: the longest interval of its grade.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct RiskInput {
    pub category: String,
    pub title: String,
    pub description: String,
    pub partner_id: String,
    pub agreement_id: String,
    pub order_id: String,
    pub procedure_id: String,
    #[ts(type = "number")]
    pub likelihood: i64,
    #[ts(type = "number")]
    pub impact: i64,
    pub owner_id: String,
    pub identified_on: String,
    pub review_on: String,
    /// Measures recorded with a new risk (ignored by an update).
    pub measures: Vec<MeasureInput>,
}

/// A response measure.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export, rename = "RiskMeasure")]
pub struct Measure {
    pub id: String,
    pub risk_id: String,
    pub action: String,
    pub owner_id: String,
    pub owner_name: String,
    pub due_on: String,
    pub done_on: Option<String>,
    /// What the signed-in person may do with it now (its life cycle's steps).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
}

/// A review of a risk.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export, rename = "RiskReview")]
pub struct Review {
    pub id: String,
    pub reviewed_on: String,
    #[ts(type = "number")]
    pub likelihood: i64,
    #[ts(type = "number")]
    pub impact: i64,
    pub grade: String,
    pub note: String,
    pub by_name: String,
}

/// A risk in the register, with its links, measures and reviews.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Risk {
    pub row: RiskRow,
    pub description: String,
    pub partner_id: Option<String>,
    pub agreement_id: Option<String>,
    pub agreement_number: Option<String>,
    pub order_id: Option<String>,
    pub order_number: Option<String>,
    pub procedure_id: Option<String>,
    pub procedure_title: Option<String>,
    pub owner_id: String,
    pub identified_on: String,
    pub closed_note: String,
    pub measures: Vec<Measure>,
    pub reviews: Vec<Review>,
    pub hlc: String,
}

/// A risk in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct RiskRow {
    pub id: String,
    pub number: String,
    pub category: String,
    pub title: String,
    pub partner_name: Option<String>,
    #[ts(type = "number")]
    pub likelihood: i64,
    #[ts(type = "number")]
    pub impact: i64,
    pub grade: String,
    pub owner_name: String,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    pub review_on: String,
    /// Open measures past their date.
    #[ts(type = "number")]
    pub late_measures: i64,
}

/// Filters of the register.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct RiskQuery {
    pub q: String,
    pub category: String,
    pub grade: String,
    /// `open` (default), `closed` or `all`.
    pub status: String,
    pub partner_id: String,
    /// One cell of the heat map (both set) or none.
    #[ts(type = "number | null")]
    pub likelihood: Option<i64>,
    #[ts(type = "number | null")]
    pub impact: Option<i64>,
    /// Only risks due for review by `today`.
    pub due: bool,
    /// How many to skip, and rows per page ([`crate::paging::size`]).
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

/// One cell of the heat map: open risks with this likelihood and impact.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct HeatCell {
    #[ts(type = "number")]
    pub likelihood: i64,
    #[ts(type = "number")]
    pub impact: i64,
    pub grade: String,
    #[ts(type = "number")]
    pub count: i64,
}

struct Clean {
    category: String,
    title: String,
    description: String,
    partner_id: Option<String>,
    agreement_id: Option<String>,
    order_id: Option<String>,
    procedure_id: Option<String>,
    likelihood: i64,
    impact: i64,
    owner_id: String,
    identified_on: String,
    review_on: String,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn scale(c: &mut Checker, field: &str, v: i64) {
    if !(1..=5).contains(&v) {
        c.errors.push(FieldError::with_limit(field, "scale", 5));
    }
}

/// Checks a review date against the grade's interval from `from`.
fn check_review_on(c: &mut Checker, field: &str, value: &str, from: &str, grade: &str) -> String {
    if value.trim().is_empty() {
        return plus_days(from, review_days(grade));
    }
    let d = c.date(field, value, true);
    if d.len() == 10 && from.len() == 10 && !c.errors.iter().any(|e| e.field == field) {
        if d.as_str() < from {
            c.push(field, "before_start");
        } else if d > plus_days(from, review_days(grade)) {
            c.errors.push(FieldError::with_limit(field, "review_too_late", review_days(grade) as u32));
        }
    }
    d
}

fn check_measure(c: &mut Checker, prefix: &str, m: &MeasureInput) -> (String, String, String) {
    let action = c.text(&format!("{prefix}action"), &m.action, true, 500, true);
    let owner = c.text(&format!("{prefix}owner_id"), &m.owner_id, true, 64, false);
    let due = c.date(&format!("{prefix}due_on"), &m.due_on, true);
    (action, owner, due)
}

fn check(desk: &Desk, input: &RiskInput) -> Result<Clean> {
    let mut c = Checker::new();
    c.one_of("category", &input.category, &CATEGORIES);
    let title = c.text("title", &input.title, true, 120, false);
    let description = c.text("description", &input.description, false, 5000, true);
    scale(&mut c, "likelihood", input.likelihood);
    scale(&mut c, "impact", input.impact);
    let owner_id = c.text("owner_id", &input.owner_id, true, 64, false);
    let identified_on = c.date_until("identified_on", &input.identified_on, true, &desk.today());
    let g = grade(input.likelihood.clamp(1, 5), input.impact.clamp(1, 5));
    let review_on = check_review_on(&mut c, "review_on", &input.review_on, &identified_on, g);
    c.finish()?;
    Ok(Clean {
        category: input.category.clone(),
        title,
        description,
        partner_id: opt(&input.partner_id),
        agreement_id: opt(&input.agreement_id),
        order_id: opt(&input.order_id),
        procedure_id: opt(&input.procedure_id),
        likelihood: input.likelihood,
        impact: input.impact,
        owner_id,
        identified_on,
        review_on,
    })
}

/// Checks the links of `n` inside `w` and sets its partner from a linked agreement or order.
async fn check_links(w: &mut Write, n: &mut Clean) -> Result<()> {
    if let Some(p) = &n.partner_id {
        require_live(&mut w.tx, "partner", p, "partner_id").await?;
    }
    for (field, table, id) in [
        ("agreement_id", "agreement", n.agreement_id.clone()),
        ("order_id", "sales_order", n.order_id.clone()),
    ] {
        let Some(id) = id else { continue };
        let partner: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT partner_id FROM {table} WHERE id = ? AND deleted_at IS NULL"
        )))
        .bind(&id)
        .fetch_optional(&mut *w.tx)
        .await?;
        let Some(partner) = partner else { return Err(Error::field(field, "unknown")) };
        match &n.partner_id {
            Some(p) if *p != partner => return Err(Error::field(field, "link_other_partner")),
            _ => n.partner_id = Some(partner),
        }
    }
    if let Some(p) = &n.procedure_id {
        require_live(&mut w.tx, "control_procedure", p, "procedure_id").await?;
    }
    require_live(&mut w.tx, "app_user", &n.owner_id, "owner_id").await
}

async fn write_measure(
    w: &mut Write,
    risk_id: &str,
    m: (String, String, String),
    field: &str,
) -> Result<String> {
    require_live(&mut w.tx, "app_user", &m.1, field).await?;
    insert(
        w,
        "risk_measure",
        &[
            ("risk_id", risk_id.into()),
            ("action", m.0.into()),
            ("owner_id", m.1.into()),
            ("due_on", m.2.into()),
        ],
    )
    .await
}

async fn open_measures(w: &mut Write, risk_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM risk_measure WHERE risk_id = ? AND done_on IS NULL AND deleted_at IS NULL",
    )
    .bind(risk_id)
    .fetch_one(&mut *w.tx)
    .await?)
}

/// Records a new risk with its first measures (R6.1.1, R6.1.2).
pub async fn create(desk: &Desk, input: &RiskInput) -> Result<Risk> {
    desk.require(Action::RiskManage)?;
    let checked = check(desk, input);
    let mut c = Checker::new();
    let measures: Vec<_> = input
        .measures
        .iter()
        .enumerate()
        .filter(|(_, m)| !(m.action.trim().is_empty() && m.due_on.trim().is_empty()))
        .map(|(i, m)| (i, check_measure(&mut c, &format!("measures.{i}."), m)))
        .collect();
    let g = grade(input.likelihood.clamp(1, 5), input.impact.clamp(1, 5));
    if needs_measure(g) && measures.is_empty() {
        c.push("measures", "required_for_grade");
    }
    // Every problem at once: the risk's fields and its measures'.
    let mut n = match checked {
        Err(Error::Validation(mut e)) => {
            e.extend(c.errors);
            return Err(Error::Validation(e));
        }
        other => other?,
    };
    c.finish()?;
    let mut w = desk.write().await?;
    check_links(&mut w, &mut n).await?;
    let prefix = format!("RK-{}-{}-", &desk.today()[..4], desk.device().short_code);
    let number = crate::records::next_number(&mut w, "risk", &prefix, 4).await?;
    let id = insert(
        &mut w,
        "risk",
        &[
            ("number", number.clone().into()),
            ("category", n.category.clone().into()),
            ("title", n.title.clone().into()),
            ("description", n.description.into()),
            ("partner_id", n.partner_id.into()),
            ("agreement_id", n.agreement_id.into()),
            ("order_id", n.order_id.into()),
            ("procedure_id", n.procedure_id.into()),
            ("likelihood", n.likelihood.into()),
            ("impact", n.impact.into()),
            ("owner_id", n.owner_id.into()),
            ("identified_on", n.identified_on.into()),
            ("review_on", n.review_on.into()),
        ],
    )
    .await?;
    for (i, m) in measures {
        write_measure(&mut w, &id, m, &format!("measures.{i}.owner_id")).await?;
    }
    let mut ch = Changes::new();
    ch.set("number", &number);
    ch.set("category", &n.category);
    ch.set("title", &n.title);
    ch.set("likelihood", &n.likelihood);
    ch.set("impact", &n.impact);
    ch.set("grade", &g);
    audit::record(&mut w, "create", "risk", &id, &ch).await?;
    w.commit().await?;
    get(desk, &id).await
}

/// Changes risk `id`'s description, links, assessment, owner or review date; it must still
/// be at `expected_hlc`.
pub async fn update(desk: &Desk, id: &str, expected_hlc: &str, input: &RiskInput) -> Result<Risk> {
    desk.require(Action::RiskManage)?;
    let mut n = check(desk, input)?;
    let mut w = desk.write().await?;
    let (hlc, status): (String, String) =
        sqlx::query_as("SELECT hlc, status FROM risk WHERE id = ? AND deleted_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "risk", id: id.into() })?;
    if hlc != expected_hlc {
        return Err(Error::stale(id, &n.title));
    }
    if status != "open" {
        return Err(Error::field("status", "risk_closed"));
    }
    check_links(&mut w, &mut n).await?;
    let g = grade(n.likelihood, n.impact);
    if needs_measure(g) && open_measures(&mut w, id).await? == 0 {
        return Err(Error::field("measures", "required_for_grade"));
    }
    let before: Risk = get_in(&mut w, id).await?;
    let mut ch = Changes::new();
    let pairs: [(&str, Option<String>, Option<String>); 10] = [
        ("category", Some(before.row.category.clone()), Some(n.category.clone())),
        ("title", Some(before.row.title.clone()), Some(n.title.clone())),
        ("description", Some(before.description.clone()), Some(n.description.clone())),
        ("partner_id", before.partner_id.clone(), n.partner_id.clone()),
        ("agreement_id", before.agreement_id.clone(), n.agreement_id.clone()),
        ("order_id", before.order_id.clone(), n.order_id.clone()),
        ("procedure_id", before.procedure_id.clone(), n.procedure_id.clone()),
        ("owner_id", Some(before.owner_id.clone()), Some(n.owner_id.clone())),
        ("identified_on", Some(before.identified_on.clone()), Some(n.identified_on.clone())),
        ("review_on", Some(before.row.review_on.clone()), Some(n.review_on.clone())),
    ];
    let mut sets: Vec<(&str, Val)> = Vec::new();
    for (col, b, a) in pairs {
        if ch.diff(col, &b, &a) {
            sets.push((col, a.into()));
        }
    }
    let mut assessed = false;
    for (col, b, a) in
        [("likelihood", before.row.likelihood, n.likelihood), ("impact", before.row.impact, n.impact)]
    {
        if ch.diff(col, &b, &a) {
            sets.push((col, a.into()));
            assessed = true;
        }
    }
    if ch.is_empty() {
        w.tx.rollback().await?;
        return get(desk, id).await;
    }
    set_values(&mut w, "risk", id, &sets).await?;
    if assessed {
        ch.set("grade", &g);
    }
    audit::record(&mut w, "update", "risk", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// Adds a response measure to risk `risk_id`.
pub async fn add_measure(desk: &Desk, risk_id: &str, input: &MeasureInput) -> Result<Risk> {
    desk.require(Action::RiskManage)?;
    let mut c = Checker::new();
    let m = check_measure(&mut c, "", input);
    c.finish()?;
    let mut w = desk.write().await?;
    require_open(&mut w, risk_id).await?;
    let mut ch = Changes::new();
    ch.set("measure", &m.0);
    ch.set("due_on", &m.2);
    write_measure(&mut w, risk_id, m, "owner_id").await?;
    audit::record(&mut w, "measure", "risk", risk_id, &ch).await?;
    w.commit().await?;
    get(desk, risk_id).await
}

/// Marks measure `id` done on `done_on`.
pub async fn measure_done(desk: &Desk, id: &str, done_on: &str) -> Result<Risk> {
    desk.require(Action::RiskManage)?;
    let mut c = Checker::new();
    let done_on = c.date_until("done_on", done_on, true, &desk.today());
    c.finish()?;
    let mut w = desk.write().await?;
    let (risk_id, action): (String, String) =
        sqlx::query_as("SELECT risk_id, action FROM risk_measure WHERE id = ? AND deleted_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "risk_measure", id: id.into() })?;
    RISK_MEASURE.take_on(&mut w, id, "done", &done_on).await?;
    let mut ch = Changes::new();
    ch.set("measure", &action);
    ch.set("done_on", &done_on);
    audit::record(&mut w, "measure_done", "risk", &risk_id, &ch).await?;
    w.commit().await?;
    get(desk, &risk_id).await
}

/// A periodic review as entered: the assessment now and what was found; `next_review_on`
/// empty: the longest interval of the new grade.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export, rename = "RiskReviewInput")]
#[serde(default)]
pub struct ReviewInput {
    pub reviewed_on: String,
    #[ts(type = "number")]
    pub likelihood: i64,
    #[ts(type = "number")]
    pub impact: i64,
    pub note: String,
    pub next_review_on: String,
}

/// Records a review of risk `risk_id` (R6.1.1 periodic sweeps): the risk takes the new
/// assessment and its next review date.
pub async fn review(desk: &Desk, risk_id: &str, input: &ReviewInput) -> Result<Risk> {
    desk.require(Action::RiskManage)?;
    let mut c = Checker::new();
    let reviewed_on = c.date_until("reviewed_on", &input.reviewed_on, true, &desk.today());
    scale(&mut c, "likelihood", input.likelihood);
    scale(&mut c, "impact", input.impact);
    let note = c.text("note", &input.note, true, 2000, true);
    let g = grade(input.likelihood.clamp(1, 5), input.impact.clamp(1, 5));
    let next = check_review_on(&mut c, "next_review_on", &input.next_review_on, &reviewed_on, g);
    c.finish()?;
    let mut w = desk.write().await?;
    require_open(&mut w, risk_id).await?;
    if needs_measure(g) && open_measures(&mut w, risk_id).await? == 0 {
        return Err(Error::field("measures", "required_for_grade"));
    }
    insert(
        &mut w,
        "risk_review",
        &[
            ("risk_id", risk_id.into()),
            ("reviewed_on", reviewed_on.clone().into()),
            ("likelihood", input.likelihood.into()),
            ("impact", input.impact.into()),
            ("note", note.clone().into()),
        ],
    )
    .await?;
    let sets = [
        ("likelihood", input.likelihood.into()),
        ("impact", input.impact.into()),
        ("review_on", next.clone().into()),
    ];
    set_values(&mut w, "risk", risk_id, &sets).await?;
    let mut ch = Changes::new();
    ch.set("reviewed_on", &reviewed_on);
    ch.set("likelihood", &input.likelihood);
    ch.set("impact", &input.impact);
    ch.set("grade", &g);
    ch.set("review_on", &next);
    audit::record(&mut w, "review", "risk", risk_id, &ch).await?;
    w.commit().await?;
    get(desk, risk_id).await
}

/// Closes risk `id` with what became of it.
pub async fn close(desk: &Desk, id: &str, note: &str) -> Result<Risk> {
    desk.require(Action::RiskManage)?;
    let mut c = Checker::new();
    let note = c.text("closed_note", note, true, 2000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    require_open(&mut w, id).await?;
    let moved = crate::machines::RISK.take(&mut w, id, "close", Some(("closed_note", &note))).await?;
    set_columns(&mut w, "risk", id, &[("closed_note", Some(note.clone()))]).await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("closed_note", &note);
    audit::record(&mut w, "close", "risk", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

async fn require_open(w: &mut Write, id: &str) -> Result<()> {
    let status: String = sqlx::query_scalar("SELECT status FROM risk WHERE id = ? AND deleted_at IS NULL")
        .bind(id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "risk", id: id.into() })?;
    if status != "open" {
        return Err(Error::field("status", "risk_closed"));
    }
    Ok(())
}

fn row_sql(today: &str) -> String {
    format!(
        "SELECT r.id, r.number, r.category, r.title, p.name AS partner_name, r.likelihood, r.impact,
            {GRADE_SQL} AS grade, COALESCE(u.display_name, '') AS owner_name, r.status, r.review_on,
            (SELECT count(*) FROM risk_measure m WHERE m.risk_id = r.id AND m.done_on IS NULL
                AND m.deleted_at IS NULL AND m.due_on < '{today}') AS late_measures
         FROM risk r LEFT JOIN partner p ON p.id = r.partner_id LEFT JOIN app_user u ON u.id = r.owner_id
         WHERE r.deleted_at IS NULL"
    )
}

/// One risk with its measures and reviews.
pub async fn get(desk: &Desk, id: &str) -> Result<Risk> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let mut r = read(&mut conn, &desk.today(), id).await?;
    let roles = crate::machines::session_roles(desk);
    r.row.actions = crate::machines::RISK.offers_text(&roles, &r.row.status);
    for m in &mut r.measures {
        m.actions = RISK_MEASURE.offers_dated(&roles, &m.done_on);
    }
    Ok(r)
}

async fn get_in(w: &mut Write, id: &str) -> Result<Risk> {
    let today = w.stamp.now.get(..10).unwrap_or_default().to_string();
    read(&mut w.tx, &today, id).await
}

#[derive(sqlx::FromRow)]
struct Detail {
    description: String,
    partner_id: Option<String>,
    agreement_id: Option<String>,
    agreement_number: Option<String>,
    order_id: Option<String>,
    order_number: Option<String>,
    procedure_id: Option<String>,
    procedure_title: Option<String>,
    owner_id: String,
    identified_on: String,
    closed_note: String,
    hlc: String,
}

async fn read(conn: &mut sqlx::SqliteConnection, today: &str, id: &str) -> Result<Risk> {
    let q = format!("{} AND r.id = ?", row_sql(today));
    let row: RiskRow = sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "risk", id: id.into() })?;
    let d: Detail = sqlx::query_as(
        "SELECT r.description, r.partner_id, r.agreement_id, a.number AS agreement_number, r.order_id,
            o.number AS order_number, r.procedure_id, c.code || ' ' || c.title AS procedure_title, r.owner_id,
            r.identified_on, r.closed_note, r.hlc
         FROM risk r LEFT JOIN agreement a ON a.id = r.agreement_id LEFT JOIN sales_order o ON o.id = r.order_id
            LEFT JOIN control_procedure c ON c.id = r.procedure_id
         WHERE r.id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let measures: Vec<Measure> = sqlx::query_as(
        "SELECT m.id, m.risk_id, m.action, m.owner_id, COALESCE(u.display_name, '') AS owner_name, m.due_on, m.done_on
         FROM risk_measure m LEFT JOIN app_user u ON u.id = m.owner_id
         WHERE m.risk_id = ? AND m.deleted_at IS NULL ORDER BY m.done_on IS NOT NULL, m.due_on",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let reviews = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT v.id, v.reviewed_on, v.likelihood, v.impact, {GRADE_SQL} AS grade, v.note,
            COALESCE(u.display_name, '') AS by_name
         FROM risk_review v LEFT JOIN app_user u ON u.id = v.updated_by
         WHERE v.risk_id = ? AND v.deleted_at IS NULL ORDER BY v.reviewed_on DESC, v.created_at DESC"
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Risk {
        row,
        description: d.description,
        partner_id: d.partner_id,
        agreement_id: d.agreement_id,
        agreement_number: d.agreement_number,
        order_id: d.order_id,
        order_number: d.order_number,
        procedure_id: d.procedure_id,
        procedure_title: d.procedure_title,
        owner_id: d.owner_id,
        identified_on: d.identified_on,
        closed_note: d.closed_note,
        measures,
        reviews,
        hlc: d.hlc,
    })
}

/// The register, highest grade first, filtered by `q`: a page from `q.offset` with the count
/// of all that match.
pub async fn list(desk: &Desk, q: &RiskQuery) -> Result<Page<RiskRow>> {
    desk.require(Action::PartnerRead)?;
    let today = desk.today();
    let mut count: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT count(*) FROM risk r LEFT JOIN partner p ON p.id = r.partner_id WHERE r.deleted_at IS NULL",
    );
    filter(&mut count, q, &today)?;
    let total: i64 = count.build_query_scalar().fetch_one(desk.pool()).await?;
    let size = crate::paging::size(q.limit);
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(row_sql(&today));
    filter(&mut qb, q, &today)?;
    qb.push(" ORDER BY r.likelihood * r.impact DESC, r.review_on, r.number LIMIT ")
        .push_bind(size)
        .push(" OFFSET ")
        .push_bind(q.offset.max(0));
    Ok(Page { total, size, rows: qb.build_query_as().fetch_all(desk.pool()).await? })
}

/// The conditions of `q` on `risk r` joined with `partner p`; an unknown value is refused by
/// field.
fn filter(qb: &mut QueryBuilder<Sqlite>, q: &RiskQuery, today: &str) -> Result<()> {
    match q.status.as_str() {
        "" | "open" => {
            qb.push(" AND r.status = 'open'");
        }
        "closed" => {
            qb.push(" AND r.status = 'closed'");
        }
        "all" => {}
        _ => return Err(Error::field("status", "unknown")),
    }
    if !q.category.is_empty() {
        if !CATEGORIES.contains(&q.category.as_str()) {
            return Err(Error::field("category", "unknown"));
        }
        qb.push(" AND r.category = ").push_bind(q.category.clone());
    }
    if !q.grade.is_empty() {
        if !GRADES.contains(&q.grade.as_str()) {
            return Err(Error::field("grade", "unknown"));
        }
        qb.push(format!(
            " AND ({}) = ",
            GRADE_SQL.replace("likelihood", "r.likelihood").replace("impact", "r.impact")
        ))
        .push_bind(q.grade.clone());
    }
    if !q.partner_id.is_empty() {
        qb.push(" AND r.partner_id = ").push_bind(q.partner_id.clone());
    }
    if let (Some(l), Some(i)) = (q.likelihood, q.impact) {
        qb.push(" AND r.likelihood = ").push_bind(l).push(" AND r.impact = ").push_bind(i);
    }
    if q.due {
        qb.push(" AND r.review_on <= ").push_bind(today.to_string());
    }
    for t in crate::search::folded_terms(&q.q) {
        let like = crate::search::like_contains(&t);
        qb.push(" AND (lower(r.title) LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
        qb.push(" OR lower(r.description) LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
        qb.push(" OR lower(r.number) LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
        qb.push(" OR lower(COALESCE(p.name, '')) LIKE ").push_bind(like).push(" ESCAPE '\\')");
    }
    Ok(())
}

/// The heat map of open risks (R6.1.2): all 25 cells, likelihood 5 → 1 by impact 1 → 5,
/// with the count of open risks in each (of `category` when given).
pub async fn heat_map(desk: &Desk, category: &str) -> Result<Vec<HeatCell>> {
    desk.require(Action::PartnerRead)?;
    if !category.is_empty() && !CATEGORIES.contains(&category) {
        return Err(Error::field("category", "unknown"));
    }
    let counts: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT likelihood, impact, count(*) FROM risk WHERE status = 'open' AND deleted_at IS NULL
            AND (?1 = '' OR category = ?1) GROUP BY likelihood, impact",
    )
    .bind(category)
    .fetch_all(desk.pool())
    .await?;
    let mut cells = Vec::with_capacity(25);
    for l in (1..=5).rev() {
        for i in 1..=5 {
            let count = counts.iter().find(|c| c.0 == l && c.1 == i).map(|c| c.2).unwrap_or(0);
            cells.push(HeatCell { likelihood: l, impact: i, grade: grade(l, i).into(), count });
        }
    }
    Ok(cells)
}

/// A measure in the sweep, with its risk.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct LateMeasure {
    pub id: String,
    pub risk_id: String,
    pub risk_number: String,
    pub risk_title: String,
    pub action: String,
    pub owner_name: String,
    pub due_on: String,
}

/// What the periodic sweep (R6.1.1) lists: risks whose review date has come or comes within
/// [`SWEEP_AHEAD_DAYS`], measures past their date, partners whose credit rating is due
/// (R6.2.2) and procedures due for review (R6.2.4).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Sweep {
    pub today: String,
    pub reviews: Vec<RiskRow>,
    pub measures: Vec<LateMeasure>,
    pub ratings: Vec<credit::RatingDue>,
    pub procedures: Vec<controls::Procedure>,
}

/// Days ahead the sweep looks for reviews coming up.
pub const SWEEP_AHEAD_DAYS: i64 = 14;

/// The periodic sweep as of today.
pub async fn sweep(desk: &Desk) -> Result<Sweep> {
    desk.require(Action::PartnerRead)?;
    let today = desk.today();
    let horizon = plus_days(&today, SWEEP_AHEAD_DAYS);
    let q = format!(
        "{} AND r.status = 'open' AND r.review_on <= ? ORDER BY r.review_on, r.number",
        row_sql(&today)
    );
    let reviews = sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(&horizon).fetch_all(desk.pool()).await?;
    let measures = sqlx::query_as(
        "SELECT m.id, m.risk_id, r.number AS risk_number, r.title AS risk_title, m.action,
            COALESCE(u.display_name, '') AS owner_name, m.due_on
         FROM risk_measure m JOIN risk r ON r.id = m.risk_id LEFT JOIN app_user u ON u.id = m.owner_id
         WHERE m.done_on IS NULL AND m.deleted_at IS NULL AND r.deleted_at IS NULL AND r.status = 'open'
            AND m.due_on < ? ORDER BY m.due_on",
    )
    .bind(&today)
    .fetch_all(desk.pool())
    .await?;
    let ratings = credit::due(desk).await?;
    let procedures = controls::procedures_due(desk, &today).await?;
    Ok(Sweep { today, reviews, measures, ratings, procedures })
}
