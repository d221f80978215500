//! Evaluation and classification (R2.2.1–R2.2.3, R1.2): annual rounds and special
//! evaluations, each evaluator's scores with evidence, finishing (total, class, the partner's
//! class history), measures after a special evaluation, and what is due. The scheme is in
//! [`scheme`], the report PDFs and the portfolio in [`report`].
//!
//! Invariants: an evaluation is scored against the scheme version it was opened with; an
//! indicator's score is the evaluators' average in hundredths, the total `Σ weight × score`
//! and the class the band holding it, all recomputed from the recorded scores; finishing
//! freezes them in `result` (a later scheme version never changes it) and writes the class
//! change with its reason in the same transaction. One periodic evaluation per partner and
//! year; a special evaluation finishes only with at least one measure.

pub mod figures;
pub mod report;
pub mod scheme;

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, new_id};
use crate::error::{Error, FieldError, Result};
use crate::machines::EVALUATION_MEASURE;
use crate::records::insert;
use crate::validate::Checker;
use scheme::{EvaluationScheme, Indicator};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::collections::BTreeMap;
use ts_rs::TS;

/// The triggers of a special evaluation (R2.2.2).
pub const TRIGGERS: [&str; 3] = ["major_problem", "breach", "market_change"];

/// One row of the evaluation list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct EvaluationRow {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub kind: String,
    pub period: String,
    pub trigger: Option<String>,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    #[ts(type = "number | null")]
    pub total_x100: Option<i64>,
    pub class: Option<String>,
    pub previous_class: Option<String>,
    pub finished_at: Option<String>,
    #[ts(type = "number")]
    pub scheme_version: i64,
    #[ts(type = "number")]
    pub evaluators: i64,
    pub created_at: String,
}

const ROW_SELECT: &str = "SELECT e.id, e.partner_id, p.name AS partner_name, e.kind, e.period, e.trigger, e.status,
        e.total_x100, e.class, e.previous_class, e.finished_at, s.version AS scheme_version,
        (SELECT count(DISTINCT evaluator_id) FROM evaluation_score WHERE evaluation_id = e.id AND deleted_at IS NULL) AS evaluators,
        e.created_at
     FROM evaluation e JOIN partner p ON p.id = e.partner_id JOIN evaluation_scheme s ON s.id = e.scheme_id";

/// One indicator's outcome.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IndicatorResult {
    pub key: String,
    pub dimension: String,
    pub label: String,
    pub weight: u32,
    /// The evaluators' average, hundredths of a point (0–10000); none while unscored.
    pub score_x100: Option<u32>,
    pub evaluators: u32,
}

/// One dimension's outcome: its weight and weighted average score.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DimensionResult {
    pub dimension: String,
    pub weight: u32,
    /// 0–10000.
    pub score_x100: u32,
}

/// Scores, total and class, computed from the recorded scores (frozen once finished).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EvalResult {
    pub indicators: Vec<IndicatorResult>,
    pub dimensions: Vec<DimensionResult>,
    pub total_x100: u32,
    pub class: Option<String>,
    /// Indicators nobody has scored yet.
    pub unscored: Vec<String>,
    /// Who scored.
    pub evaluators: Vec<String>,
}

/// One evaluator's score of one indicator.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ScoreRow {
    pub evaluator_id: String,
    pub evaluator_name: Option<String>,
    pub indicator: String,
    #[ts(type = "number")]
    pub score: i64,
    #[ts(type = "number | null")]
    pub actual: Option<i64>,
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    pub evidence: String,
    /// `records` when the score is what the records say ([`figures`], R1.4), `typed` otherwise.
    pub source: String,
}

/// A measure after a special evaluation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Measure {
    pub id: String,
    pub action: String,
    pub owner_id: String,
    pub owner_name: Option<String>,
    pub due_on: String,
    pub done_on: Option<String>,
    /// What the signed-in person may do with it now (its life cycle's steps).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
}

/// An evaluation with its scheme, scores, result and measures.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Evaluation {
    #[serde(flatten)]
    #[ts(flatten)]
    pub row: EvaluationRow,
    pub reason: String,
    pub scheme: EvaluationScheme,
    pub scores: Vec<ScoreRow>,
    /// The frozen result once finished; the live one while open.
    pub result: EvalResult,
    pub measures: Vec<Measure>,
    /// The partner's previous finished evaluation, for the change since.
    pub previous: Option<EvaluationRow>,
    /// What the records say for the indicators that read them, while it is open (R1.4).
    pub figures: Vec<figures::Figure>,
    pub hlc: String,
}

/// Computes the result of `scores` against `indicators` and the class bands of `scheme`.
pub fn compute(
    scheme: &EvaluationScheme,
    scores: &[ScoreRow],
    names: &BTreeMap<String, String>,
) -> EvalResult {
    let mut indicators = Vec::new();
    let mut averages = BTreeMap::new();
    for ind in &scheme.indicators {
        let mine: Vec<i64> = scores.iter().filter(|s| s.indicator == ind.key).map(|s| s.score).collect();
        let avg = (!mine.is_empty()).then(|| {
            let sum: i64 = mine.iter().sum::<i64>() * 100;
            // Rounded half up to hundredths.
            ((sum + mine.len() as i64 / 2) / mine.len() as i64) as u32
        });
        if let Some(a) = avg {
            averages.insert(ind.key.clone(), a);
        }
        indicators.push(IndicatorResult {
            key: ind.key.clone(),
            dimension: ind.dimension.clone(),
            label: ind.label.clone(),
            weight: ind.weight,
            score_x100: avg,
            evaluators: mine.len() as u32,
        });
    }
    let dimensions = scheme::DIMENSIONS
        .iter()
        .map(|d| {
            let of: Vec<&Indicator> = scheme.indicators.iter().filter(|i| i.dimension == *d).collect();
            let weight: u32 = of.iter().map(|i| i.weight).sum();
            let weighted: u32 =
                of.iter().map(|i| i.weight * averages.get(&i.key).copied().unwrap_or(0)).sum();
            DimensionResult {
                dimension: d.to_string(),
                weight,
                score_x100: weighted.checked_div(weight).unwrap_or(0),
            }
        })
        .collect();
    let total = scheme::total_x100(&scheme.indicators, &averages);
    let mut evaluators: Vec<String> = Vec::new();
    for s in scores {
        let n = names.get(&s.evaluator_id).cloned().or_else(|| s.evaluator_name.clone()).unwrap_or_default();
        if !evaluators.contains(&n) {
            evaluators.push(n);
        }
    }
    // No class before anything is scored: a total of 0 is no finding (an open evaluation
    // showed a large "C" the moment it was created).
    let scored = indicators.iter().any(|i| i.score_x100.is_some());
    EvalResult {
        unscored: indicators.iter().filter(|i| i.score_x100.is_none()).map(|i| i.key.clone()).collect(),
        indicators,
        dimensions,
        class: if scored { scheme::class_of(&scheme.class_bands, total) } else { None },
        total_x100: total,
        evaluators,
    }
}

async fn scores_of(conn: &mut SqliteConnection, id: &str) -> Result<Vec<ScoreRow>> {
    Ok(sqlx::query_as(
        "SELECT s.evaluator_id, u.display_name AS evaluator_name, s.indicator, s.score, s.actual, s.target, s.evidence,
                s.source
         FROM evaluation_score s LEFT JOIN app_user u ON u.id = s.evaluator_id
         WHERE s.evaluation_id = ? AND s.deleted_at IS NULL ORDER BY s.created_at, s.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

async fn row(conn: &mut SqliteConnection, id: &str) -> Result<EvaluationRow> {
    let r: Option<EvaluationRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{ROW_SELECT} WHERE e.id = ? AND e.deleted_at IS NULL")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    r.ok_or_else(|| Error::NotFound { entity: "evaluation", id: id.into() })
}

/// Evaluation `id` with everything on its page.
pub async fn get(desk: &Desk, id: &str) -> Result<Evaluation> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let mut r = row(&mut conn, id).await?;
    let roles = crate::machines::session_roles(desk);
    r.actions = crate::machines::EVALUATION.offers_text(&roles, &r.status);
    let (scheme_id, reason, result, hlc): (String, String, Option<String>, String) =
        sqlx::query_as("SELECT scheme_id, reason, result, hlc FROM evaluation WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let scheme = scheme::by_id(&mut conn, &scheme_id).await?;
    let scores = scores_of(&mut conn, id).await?;
    let result = match result.and_then(|r| serde_json::from_str(&r).ok()) {
        Some(frozen) => frozen,
        None => compute(&scheme, &scores, &BTreeMap::new()),
    };
    let mut measures: Vec<Measure> = sqlx::query_as(
        "SELECT m.id, m.action, m.owner_id, u.display_name AS owner_name, m.due_on, m.done_on
         FROM evaluation_measure m LEFT JOIN app_user u ON u.id = m.owner_id
         WHERE m.evaluation_id = ? AND m.deleted_at IS NULL ORDER BY m.due_on, m.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for m in &mut measures {
        m.actions = EVALUATION_MEASURE.offers_dated(&roles, &m.done_on);
    }
    let previous: Option<EvaluationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ROW_SELECT} WHERE e.partner_id = ? AND e.status = 'finished' AND e.deleted_at IS NULL AND e.id <> ?
            AND (?3 IS NULL OR e.finished_at < ?3)
         ORDER BY e.finished_at DESC LIMIT 1"
    )))
    .bind(&r.partner_id)
    .bind(id)
    .bind(&r.finished_at)
    .fetch_optional(&mut *conn)
    .await?;
    let figures = if r.status == "open" {
        figures::figures(&mut conn, &r.partner_id, &r.period, &scheme.indicators).await?
    } else {
        vec![]
    };
    Ok(Evaluation { row: r, reason, scheme, scores, result, measures, previous, figures, hlc })
}

/// Filters of the evaluation list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct EvaluationQuery {
    /// `open` or `finished`.
    pub status: String,
    /// `periodic` or `special`.
    pub kind: String,
    pub period: String,
    pub partner_id: String,
    pub text: String,
    pub offset: u32,
}

/// Evaluations per page of the list.
pub const EVALUATION_PAGE: i64 = 200;

/// A page of evaluations and how many match.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EvaluationPage {
    #[ts(type = "number")]
    pub total: i64,
    /// Rows per page ([`EVALUATION_PAGE`]), for the pager.
    #[ts(type = "number")]
    pub size: i64,
    pub rows: Vec<EvaluationRow>,
}

/// Evaluations matching `q`, open ones first, then the latest.
pub async fn list(desk: &Desk, q: &EvaluationQuery) -> Result<EvaluationPage> {
    desk.require(Action::PartnerRead)?;
    let filter = |qb: &mut sqlx::QueryBuilder<sqlx::Sqlite>| {
        qb.push(" WHERE e.deleted_at IS NULL AND p.deleted_at IS NULL");
        for (col, v) in [
            ("e.status", &q.status),
            ("e.kind", &q.kind),
            ("e.period", &q.period),
            ("e.partner_id", &q.partner_id),
        ] {
            if !v.is_empty() {
                qb.push(format!(" AND {col} = ")).push_bind(v.clone());
            }
        }
        if !q.text.trim().is_empty() {
            qb.push(" AND p.name LIKE ").push_bind(format!("%{}%", q.text.trim().replace('%', "")));
        }
    };
    let mut count =
        sqlx::QueryBuilder::new("SELECT count(*) FROM evaluation e JOIN partner p ON p.id = e.partner_id");
    filter(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(desk.pool()).await?;
    let mut qb = sqlx::QueryBuilder::new(ROW_SELECT);
    filter(&mut qb);
    qb.push(" ORDER BY e.status = 'finished', COALESCE(e.finished_at, e.created_at) DESC, p.name LIMIT ")
        .push_bind(EVALUATION_PAGE)
        .push(" OFFSET ")
        .push_bind(i64::from(q.offset));
    Ok(EvaluationPage {
        total,
        size: EVALUATION_PAGE,
        rows: qb.build_query_as().fetch_all(desk.pool()).await?,
    })
}

/// What an annual round did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RoundSummary {
    pub period: String,
    #[ts(type = "number")]
    pub created: i64,
    /// Active partners that already had this year's evaluation.
    #[ts(type = "number")]
    pub existing: i64,
}

/// Opens this year's periodic evaluation for every active partner that has none (R2.2.1).
pub async fn start_round(desk: &Desk, year: i32) -> Result<RoundSummary> {
    desk.require(Action::EvaluationRun)?;
    let this_year: i32 = desk.today()[..4].parse().unwrap_or(2026);
    if !(2000..=this_year + 1).contains(&year) {
        return Err(Error::Validation(vec![FieldError::with_limit("year", "range", (this_year + 1) as u32)]));
    }
    let period = year.to_string();
    let mut w = desk.write().await?;
    let scheme = scheme::current_in(&mut w.tx).await?;
    let partners: Vec<String> = sqlx::query_scalar(
        "SELECT p.id FROM partner p WHERE p.status = 'active' AND p.deleted_at IS NULL AND NOT EXISTS (
            SELECT 1 FROM evaluation e WHERE e.partner_id = p.id AND e.kind = 'periodic' AND e.period = ?
            AND e.deleted_at IS NULL)",
    )
    .bind(&period)
    .fetch_all(&mut *w.tx)
    .await?;
    let existing: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT e.partner_id) FROM evaluation e JOIN partner p ON p.id = e.partner_id
         WHERE e.kind = 'periodic' AND e.period = ? AND e.deleted_at IS NULL AND p.status = 'active' AND p.deleted_at IS NULL",
    )
    .bind(&period)
    .fetch_one(&mut *w.tx)
    .await?;
    let s = w.stamp.clone();
    for chunk in partners.chunks(500) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO evaluation (id, partner_id, kind, period, scheme_id, created_at, updated_at, updated_by, hlc, field_hlc) ",
        );
        qb.push_values(chunk, |mut b, pid| {
            b.push_bind(new_id())
                .push_bind(pid.clone())
                .push_bind("periodic")
                .push_bind(period.clone())
                .push_bind(scheme.id.clone())
                .push_bind(s.now.clone())
                .push_bind(s.now.clone())
                .push_bind(s.user.id.clone())
                .push_bind(s.hlc.clone())
                .push("json_object('*', ")
                .push_bind_unseparated(s.hlc.clone())
                .push_unseparated(")");
        });
        qb.build().execute(&mut *w.tx).await?;
    }
    let mut ch = Changes::new();
    ch.set("period", &period);
    ch.set("created", &(partners.len() as i64));
    ch.set("scheme_version", &scheme.version);
    audit::record(&mut w, "start_round", "evaluation", &format!("round-{period}"), &ch).await?;
    w.commit().await?;
    Ok(RoundSummary { period, created: partners.len() as i64, existing })
}

/// A special evaluation as entered (R2.2.2).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct SpecialInput {
    pub partner_id: String,
    pub trigger: String,
    pub reason: String,
}

/// Opens a special evaluation of a partner for one of the triggers of R2.2.2.
pub async fn start_special(desk: &Desk, input: &SpecialInput) -> Result<Evaluation> {
    desk.require(Action::EvaluationRun)?;
    let mut c = Checker::new();
    c.one_of("trigger", &input.trigger, &TRIGGERS);
    let reason = c.text("reason", &input.reason, true, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let scheme = scheme::current_in(&mut w.tx).await?;
    let id = insert(
        &mut w,
        "evaluation",
        &[
            ("partner_id", input.partner_id.as_str().into()),
            ("kind", "special".into()),
            ("period", desk.today().into()),
            ("trigger", input.trigger.as_str().into()),
            ("reason", reason.as_str().into()),
            ("scheme_id", scheme.id.as_str().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("kind", &"special");
    ch.set("trigger", &input.trigger);
    ch.set("reason", &reason);
    audit::record(&mut w, "create", "evaluation", &id, &ch).await?;
    w.commit().await?;
    get(desk, &id).await
}

/// One indicator scored by the signed-in evaluator.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ScoreInput {
    pub indicator: String,
    /// For a banded indicator: one of its band scores.
    pub score: Option<u32>,
    /// For a ratio indicator: the actual figure and the target (same unit, integers).
    #[ts(type = "number | null")]
    pub actual: Option<i64>,
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    pub evidence: String,
}

/// Open evaluation `id` and the scheme version it is scored with (`status: finished` once
/// finished).
async fn open_with_scheme(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<(EvaluationRow, EvaluationScheme)> {
    let r = row(conn, id).await?;
    if r.status != "open" {
        return Err(Error::field("status", "finished"));
    }
    let scheme_id: String = sqlx::query_scalar("SELECT scheme_id FROM evaluation WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let scheme = scheme::by_id(conn, &scheme_id).await?;
    Ok((r, scheme))
}

/// Records the signed-in user's scores (replacing their earlier ones for the same
/// indicators), each with its evidence, on an open evaluation.
pub async fn score(desk: &Desk, id: &str, inputs: &[ScoreInput]) -> Result<Evaluation> {
    let me = desk.require(Action::EvaluationRun)?;
    let mut w = desk.write().await?;
    let (r, scheme) = open_with_scheme(&mut w.tx, id).await?;
    let found = figures::figures(&mut w.tx, &r.partner_id, &r.period, &scheme.indicators).await?;
    let mut c = Checker::new();
    let mut clean = Vec::new();
    for (i, s) in inputs.iter().enumerate() {
        let f = |k: &str| format!("scores.{i}.{k}");
        let Some(ind) = scheme.indicators.iter().find(|x| x.key == s.indicator) else {
            c.push(f("indicator"), "unknown");
            continue;
        };
        let evidence = c.text(&f("evidence"), &s.evidence, true, 2000, true);
        let score = if ind.kind == "ratio" {
            match (s.actual, s.target) {
                (Some(a), Some(t)) => match scheme::ratio_score(a, t) {
                    Some(v) => Some(v),
                    None => {
                        c.push(f("target"), "range");
                        None
                    }
                },
                _ => {
                    c.push(f(if s.actual.is_none() { "actual" } else { "target" }), "required");
                    None
                }
            }
        } else {
            match s.score {
                Some(v) if ind.bands.iter().any(|b| b.score == v) => Some(v),
                Some(_) => {
                    c.push(f("score"), "unknown");
                    None
                }
                None => {
                    c.push(f("score"), "required");
                    None
                }
            }
        };
        if let Some(score) = score {
            let ratio = ind.kind == "ratio";
            let (actual, target) = if ratio { (s.actual, s.target) } else { (None, None) };
            // From the records when it is what they say (R1.4); typed otherwise.
            let from_records = found.iter().any(|f| {
                f.indicator == ind.key
                    && if ratio { (f.actual, f.target) == (actual, target) } else { f.score == Some(score) }
            });
            clean.push((
                ind.key.clone(),
                score,
                actual,
                target,
                evidence,
                if from_records { "records" } else { "typed" },
            ));
        }
    }
    c.finish()?;
    let mut ch = Changes::new();
    for (key, score, actual, target, evidence, source) in &clean {
        type Kept = (String, i64, Option<i64>, Option<i64>, String, String);
        let existing: Option<Kept> = sqlx::query_as(
            "SELECT id, score, actual, target, evidence, source FROM evaluation_score
             WHERE evaluation_id = ? AND evaluator_id = ? AND indicator = ? AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(&me.id)
        .bind(key)
        .fetch_optional(&mut *w.tx)
        .await?;
        match existing {
            // Only what changed is written, and all of it is in the audit entry (R1.1): a
            // score saved again unchanged writes nothing.
            Some((sid, before, b_actual, b_target, b_evidence, b_source)) => {
                let mut sets: Vec<(&str, Option<String>)> = Vec::new();
                if ch.diff(key, &before, &i64::from(*score)) {
                    sets.push(("score", Some(score.to_string())));
                }
                if ch.diff(&format!("{key}.actual"), &b_actual, actual) {
                    sets.push(("actual", actual.map(|v| v.to_string())));
                }
                if ch.diff(&format!("{key}.target"), &b_target, target) {
                    sets.push(("target", target.map(|v| v.to_string())));
                }
                if ch.diff(&format!("{key}.evidence"), &b_evidence, evidence) {
                    sets.push(("evidence", Some(evidence.clone())));
                }
                if ch.diff(&format!("{key}.source"), &b_source.as_str(), source) {
                    sets.push(("source", Some(source.to_string())));
                }
                if !sets.is_empty() {
                    crate::records::set_columns(&mut w, "evaluation_score", &sid, &sets).await?;
                }
            }
            None => {
                insert(
                    &mut w,
                    "evaluation_score",
                    &[
                        ("evaluation_id", id.into()),
                        ("evaluator_id", me.id.as_str().into()),
                        ("indicator", key.as_str().into()),
                        ("score", i64::from(*score).into()),
                        ("actual", (*actual).into()),
                        ("target", (*target).into()),
                        ("evidence", evidence.as_str().into()),
                        ("source", (*source).into()),
                    ],
                )
                .await?;
                ch.set(key, &i64::from(*score));
                ch.set(&format!("{key}.source"), source);
            }
        }
    }
    if !ch.is_empty() {
        audit::record(&mut w, "score", "evaluation", id, &ch).await?;
    }
    w.commit().await?;
    get(desk, id).await
}

/// Finishes an open evaluation: every indicator scored (and, for a special one, a measure
/// recorded); freezes the result, sets the partner's class and records the change (R2.2.3).
pub async fn finish(desk: &Desk, id: &str) -> Result<Evaluation> {
    desk.require(Action::EvaluationRun)?;
    let mut w = desk.write().await?;
    let (r, scheme) = open_with_scheme(&mut w.tx, id).await?;
    let scores = scores_of(&mut w.tx, id).await?;
    let result = compute(&scheme, &scores, &BTreeMap::new());
    let mut missing: Vec<FieldError> =
        result.unscored.iter().map(|k| FieldError::new(format!("indicator.{k}"), "unscored")).collect();
    // R2.2.2 after a special evaluation, R2.2.3 for class C: measures with an owner and a
    // due date (the improvement plan) before the result stands.
    let class_c = result.unscored.is_empty() && result.class.as_deref() == Some("C");
    if r.kind == "special" || class_c {
        let measures: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM evaluation_measure WHERE evaluation_id = ? AND deleted_at IS NULL",
        )
        .bind(id)
        .fetch_one(&mut *w.tx)
        .await?;
        if measures == 0 {
            missing.push(FieldError::new(
                "measures",
                if r.kind == "special" { "required" } else { "improvement_plan" },
            ));
        }
    }
    if !missing.is_empty() {
        return Err(Error::Validation(missing));
    }
    let class = result.class.clone().ok_or_else(|| Error::field("class_bands", "coverage"))?;
    let before: Option<String> = sqlx::query_scalar("SELECT class FROM partner WHERE id = ?")
        .bind(&r.partner_id)
        .fetch_one(&mut *w.tx)
        .await?;
    let now = w.stamp.now.clone();
    let moved = crate::machines::EVALUATION.take(&mut w, id, "finish", None).await?;
    let sets = [
        ("total_x100", Some(result.total_x100.to_string())),
        ("class", Some(class.clone())),
        ("previous_class", before.clone()),
        ("result", Some(serde_json::to_string(&result).unwrap_or_default())),
        ("finished_at", Some(now)),
        ("finished_by", Some(w.stamp.user.id.clone())),
    ];
    crate::records::set_columns(&mut w, "evaluation", id, &sets).await?;
    let reason = match r.kind.as_str() {
        "special" => format!(
            "专项评估（{}）：总分 {}",
            r.trigger.clone().unwrap_or_default(),
            points(result.total_x100)
        ),
        _ => format!("{} 年度评估：总分 {}", r.period, points(result.total_x100)),
    };
    crate::partners::set_column(
        &mut w,
        &r.partner_id,
        crate::partners::Column::Class,
        Some(&class),
        "evaluate",
    )
    .await?;
    insert(
        &mut w,
        "class_change",
        &[
            ("partner_id", r.partner_id.as_str().into()),
            ("evaluation_id", id.into()),
            ("from_class", before.clone().into()),
            ("to_class", class.as_str().into()),
            ("reason", reason.as_str().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("total", &points(result.total_x100));
    ch.diff("class", &before, &Some(class));
    audit::record(&mut w, "finish", "evaluation", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// `8550` → `85.50`.
pub fn points(x100: u32) -> String {
    format!("{}.{:02}", x100 / 100, x100 % 100)
}

/// A measure as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct MeasureInput {
    pub action: String,
    /// A user.
    pub owner_id: String,
    pub due_on: String,
}

/// Adds a measure to an evaluation (R2.2.2).
pub async fn add_measure(desk: &Desk, id: &str, input: &MeasureInput) -> Result<Evaluation> {
    desk.require(Action::EvaluationRun)?;
    let mut c = Checker::new();
    let action = c.text("action", &input.action, true, 500, true);
    let due_on = c.date("due_on", &input.due_on, true);
    if input.owner_id.trim().is_empty() {
        c.push("owner_id", "required");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    row(&mut w.tx, id).await?;
    crate::records::require_live(&mut w.tx, "app_user", &input.owner_id, "owner_id").await?;
    insert(
        &mut w,
        "evaluation_measure",
        &[
            ("evaluation_id", id.into()),
            ("action", action.as_str().into()),
            ("owner_id", input.owner_id.as_str().into()),
            ("due_on", due_on.as_str().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("measure", &action);
    ch.set("due_on", &due_on);
    audit::record(&mut w, "add_measure", "evaluation", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// Marks a measure done on `done_on` (or open again when empty).
pub async fn complete_measure(desk: &Desk, measure_id: &str, done_on: &str) -> Result<Evaluation> {
    desk.require(Action::EvaluationRun)?;
    let mut c = Checker::new();
    let on = c.date_until("done_on", done_on, false, &desk.today());
    c.finish()?;
    let mut w = desk.write().await?;
    let found: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT evaluation_id, done_on, action FROM evaluation_measure WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(measure_id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let (id, before, action) =
        found.ok_or_else(|| Error::NotFound { entity: "evaluation_measure", id: measure_id.into() })?;
    let after = (!on.is_empty()).then_some(on);
    let mut ch = Changes::new();
    if ch.diff("done_on", &before, &after) {
        let step = if after.is_some() { "done" } else { "reopen" };
        EVALUATION_MEASURE.take_on(&mut w, measure_id, step, after.as_deref().unwrap_or("")).await?;
        ch.set("measure", &action);
        audit::record(&mut w, "measure_done", "evaluation", &id, &ch).await?;
        w.commit().await?;
    } else {
        w.tx.rollback().await?;
    }
    get(desk, &id).await
}

/// A change of a partner's class.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ClassChange {
    pub evaluation_id: Option<String>,
    pub from_class: Option<String>,
    pub to_class: Option<String>,
    pub reason: String,
    pub by_name: Option<String>,
    pub created_at: String,
}

/// Every class change of a partner, the latest first (R2.2.3).
pub async fn class_history(desk: &Desk, partner_id: &str) -> Result<Vec<ClassChange>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT c.evaluation_id, c.from_class, c.to_class, c.reason, u.display_name AS by_name, c.created_at
         FROM class_change c LEFT JOIN app_user u ON u.id = c.updated_by
         WHERE c.partner_id = ? AND c.deleted_at IS NULL ORDER BY c.created_at DESC, c.id DESC",
    )
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?)
}

/// What the partner's class entails under the scheme in force (none without a class).
pub async fn consequence(
    conn: &mut SqliteConnection,
    partner_id: &str,
) -> Result<(Option<String>, scheme::Consequence)> {
    let class: Option<String> = sqlx::query_scalar("SELECT class FROM partner WHERE id = ?")
        .bind(partner_id)
        .fetch_optional(&mut *conn)
        .await?
        .flatten();
    let Some(class) = class else { return Ok((None, Default::default())) };
    let scheme = scheme::current_in(conn).await?;
    let c = scheme.consequences.get(&class).cloned().unwrap_or_default();
    Ok((Some(class), c))
}

/// What a partner's class means on its page.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PartnerStanding {
    pub class: Option<String>,
    pub consequence: scheme::Consequence,
    pub history: Vec<ClassChange>,
    pub evaluations: Vec<EvaluationRow>,
}

/// The partner's class, what it entails, its history and evaluations.
pub async fn standing(desk: &Desk, partner_id: &str) -> Result<PartnerStanding> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let (class, consequence) = consequence(&mut conn, partner_id).await?;
    drop(conn);
    let history = class_history(desk, partner_id).await?;
    let evaluations =
        list(desk, &EvaluationQuery { partner_id: partner_id.into(), ..Default::default() }).await?.rows;
    Ok(PartnerStanding { class, consequence, history, evaluations })
}
