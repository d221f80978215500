//! Screening schemes and scorecards (R2.1.2).
//!
//! A scheme has criteria under the policy's four dimensions (qualification, business
//! capability, resource advantages, willingness to cooperate) with integer weights that total
//! 100, and a pass mark. Each criterion is scored 0–5.
//!
//! Invariants: a scheme version is never changed (saving writes the next version); a
//! scorecard names the version it was scored with and stores each score, and its total is
//! `Σ weight × score × 20` hundredths of a point, an integer that [`total_x100`] recomputes
//! exactly from the recorded scores.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, new_id};
use crate::error::{Error, FieldError, Result};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::collections::BTreeMap;
use ts_rs::TS;

/// The four dimensions of R2.1.2.
pub const DIMENSIONS: [&str; 4] = ["qualification", "business_capability", "resources", "willingness"];
/// The highest score of a criterion.
pub const MAX_SCORE: u8 = 5;
const MAX_CRITERIA: usize = 40;

/// One criterion of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Criterion {
    /// Stable within the scheme's versions; made from the position when left empty.
    #[serde(default)]
    pub key: String,
    /// One of [`DIMENSIONS`].
    pub dimension: String,
    pub label: String,
    pub weight: u32,
}

/// A scheme version.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Scheme {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub pass_mark: u32,
    pub criteria: Vec<Criterion>,
    pub created_at: String,
}

/// A new version of the scheme as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct SchemeInput {
    pub name: String,
    pub pass_mark: u32,
    pub criteria: Vec<Criterion>,
}

/// The total in hundredths of a point (0–10000) of `scores` against `criteria`: exact integer
/// arithmetic, so the same scores always give the same total. Missing scores count 0.
pub fn total_x100(criteria: &[Criterion], scores: &BTreeMap<String, u8>) -> u32 {
    criteria
        .iter()
        .map(|c| c.weight * u32::from(*scores.get(&c.key).unwrap_or(&0)) * 100 / u32::from(MAX_SCORE))
        .sum()
}

#[derive(sqlx::FromRow)]
struct SchemeDb {
    id: String,
    version: i64,
    name: String,
    pass_mark: i64,
    criteria: String,
    created_at: String,
}

impl SchemeDb {
    fn into_scheme(self) -> Scheme {
        Scheme {
            id: self.id,
            version: self.version as u32,
            name: self.name,
            pass_mark: self.pass_mark as u32,
            criteria: serde_json::from_str(&self.criteria).unwrap_or_default(),
            created_at: self.created_at,
        }
    }
}

const SCHEME_SELECT: &str = "SELECT id, version, name, pass_mark, criteria, created_at FROM screening_scheme";

/// The scheme in force: the highest version.
pub async fn current(desk: &Desk) -> Result<Scheme> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    current_on(&mut conn).await
}

async fn current_on(conn: &mut SqliteConnection) -> Result<Scheme> {
    let row: SchemeDb = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SCHEME_SELECT} WHERE deleted_at IS NULL ORDER BY version DESC, created_at DESC LIMIT 1"
    )))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.into_scheme())
}

/// Every version, newest first.
pub async fn versions(desk: &Desk) -> Result<Vec<Scheme>> {
    desk.require(Action::PartnerRead)?;
    let rows: Vec<SchemeDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SCHEME_SELECT} WHERE deleted_at IS NULL ORDER BY version DESC, created_at DESC"
    )))
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.into_iter().map(SchemeDb::into_scheme).collect())
}

/// Checks a scheme: name, pass mark 1–100, each dimension present, labels, weights ≥ 1 that
/// total 100, at most 40 criteria. Keys are kept when given and unique, made otherwise.
pub fn check_scheme(input: &SchemeInput) -> Result<SchemeInput> {
    let mut c = Checker::new();
    let name = c.text("name", &input.name, true, 60, false);
    if !(1..=100).contains(&input.pass_mark) {
        c.errors.push(FieldError::with_limit("pass_mark", "range", 100));
    }
    if input.criteria.is_empty() {
        c.push("criteria", "required");
    }
    if input.criteria.len() > MAX_CRITERIA {
        c.errors.push(FieldError::with_limit("criteria", "too_many", MAX_CRITERIA as u32));
    }
    let mut criteria = Vec::new();
    let mut keys = std::collections::HashSet::new();
    for (i, k) in input.criteria.iter().enumerate() {
        let label = c.text(&format!("criteria.{i}.label"), &k.label, true, 80, false);
        if !DIMENSIONS.contains(&k.dimension.as_str()) {
            c.push(format!("criteria.{i}.dimension"), "unknown");
        }
        if k.weight == 0 || k.weight > 100 {
            c.errors.push(FieldError::with_limit(format!("criteria.{i}.weight"), "range", 100));
        }
        let mut key: String =
            k.key.trim().chars().filter(|ch| ch.is_ascii_alphanumeric() || *ch == '_').take(30).collect();
        if key.is_empty() || keys.contains(&key) {
            key = format!("c{}", i + 1);
            while keys.contains(&key) {
                key.push('_');
            }
        }
        keys.insert(key.clone());
        criteria.push(Criterion { key, dimension: k.dimension.clone(), label, weight: k.weight });
    }
    for d in DIMENSIONS {
        if !input.criteria.is_empty() && !criteria.iter().any(|k| k.dimension == d) {
            c.push(format!("dimension.{d}"), "required");
        }
    }
    let sum: u32 = criteria.iter().map(|k| k.weight).sum();
    if !criteria.is_empty() && sum != 100 {
        c.errors.push(FieldError::with_limit("weights", "total_100", sum));
    }
    c.finish()?;
    Ok(SchemeInput { name, pass_mark: input.pass_mark, criteria })
}

/// Saves `input` as the next version of the scheme (managers; R2.1.2 "configurable").
pub async fn save(desk: &Desk, input: &SchemeInput) -> Result<Scheme> {
    desk.require(Action::SchemeManage)?;
    let clean = check_scheme(input)?;
    let mut w = desk.write().await?;
    let version: i64 = sqlx::query_scalar("SELECT COALESCE(max(version), 0) + 1 FROM screening_scheme")
        .fetch_one(&mut *w.tx)
        .await?;
    let id = new_id();
    let s = w.stamp.clone();
    let criteria = serde_json::to_string(&clean.criteria).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "INSERT INTO screening_scheme (id, version, name, pass_mark, criteria, created_at, updated_at,
            updated_by, hlc, field_hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(&id)
    .bind(version)
    .bind(&clean.name)
    .bind(clean.pass_mark)
    .bind(&criteria)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("version", &version);
    ch.set("pass_mark", &clean.pass_mark);
    ch.set("criteria", &clean.criteria);
    audit::record(&mut w, "create", "screening_scheme", &id, &ch).await?;
    w.commit().await?;
    current(desk).await
}

/// A scorecard as entered: one score 0–5 per criterion of the named scheme version.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ScorecardInput {
    pub scheme_id: String,
    pub scores: BTreeMap<String, u8>,
    pub comment: String,
}

/// One scored criterion, as the scheme version had it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScoreLine {
    pub key: String,
    pub dimension: String,
    pub label: String,
    pub weight: u32,
    pub score: u8,
}

/// A recorded scorecard.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Scorecard {
    pub id: String,
    pub scheme_id: String,
    pub scheme_version: u32,
    pub pass_mark: u32,
    pub lines: Vec<ScoreLine>,
    /// Hundredths of a point out of 100.
    pub total_x100: u32,
    pub passed: bool,
    pub comment: String,
    pub scorer_name: String,
    pub scored_at: String,
}

/// Scores prospect `partner_id` against a scheme version (R2.1.2 scorecard; the screening
/// gate of R2.1.4 reads the latest one).
pub async fn score(desk: &Desk, partner_id: &str, input: &ScorecardInput) -> Result<Scorecard> {
    desk.require(Action::PartnerWrite)?;
    let mut w = desk.write().await?;
    let scheme: Option<SchemeDb> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SCHEME_SELECT} WHERE id = ? AND deleted_at IS NULL")))
            .bind(&input.scheme_id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let scheme = scheme.ok_or_else(|| Error::field("scheme_id", "unknown"))?.into_scheme();
    let mut c = Checker::new();
    for k in &scheme.criteria {
        match input.scores.get(&k.key) {
            None => c.push(format!("scores.{}", k.key), "required"),
            Some(v) if *v > MAX_SCORE => {
                c.errors.push(FieldError::with_limit(format!("scores.{}", k.key), "range", MAX_SCORE.into()))
            }
            _ => {}
        }
    }
    for key in input.scores.keys() {
        if !scheme.criteria.iter().any(|k| &k.key == key) {
            c.push(format!("scores.{key}"), "unknown");
        }
    }
    let comment = c.text("comment", &input.comment, false, 2000, true);
    c.finish()?;
    super::require_open(&super::ensure_prospect(&mut w, partner_id).await?)?;
    let total = total_x100(&scheme.criteria, &input.scores);
    let passed = total >= scheme.pass_mark * 100;
    let id = new_id();
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO scorecard (id, partner_id, scheme_id, scores, total_x100, passed, comment, scored_by,
            scorer_name, scored_at, created_at, updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(&id)
    .bind(partner_id)
    .bind(&scheme.id)
    .bind(serde_json::to_string(&input.scores).unwrap_or_default())
    .bind(total)
    .bind(passed)
    .bind(&comment)
    .bind(&s.user.id)
    .bind(&s.user.name)
    .bind(&s.now)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("scheme_version", &scheme.version);
    ch.set("total", &(f64::from(total) / 100.0));
    ch.set("passed", &passed);
    audit::record(&mut w, "scorecard", "partner", partner_id, &ch).await?;
    w.commit().await?;
    let mut conn = desk.pool().acquire().await?;
    let cards = scorecards_of(&mut conn, partner_id).await?;
    cards.into_iter().find(|k| k.id == id).ok_or(Error::NotFound { entity: "scorecard", id })
}

#[derive(sqlx::FromRow)]
struct CardDb {
    id: String,
    scheme_id: String,
    scores: String,
    total_x100: i64,
    passed: bool,
    comment: String,
    scorer_name: String,
    scored_at: String,
    version: i64,
    pass_mark: i64,
    criteria: String,
}

/// The scorecards of a partner, oldest first, each with its scheme version's criteria.
pub(crate) async fn scorecards_of(conn: &mut SqliteConnection, partner_id: &str) -> Result<Vec<Scorecard>> {
    let rows: Vec<CardDb> = sqlx::query_as(
        "SELECT k.id, k.scheme_id, k.scores, k.total_x100, k.passed, k.comment, k.scorer_name, k.scored_at,
                s.version, s.pass_mark, s.criteria
         FROM scorecard k JOIN screening_scheme s ON s.id = k.scheme_id
         WHERE k.partner_id = ? AND k.deleted_at IS NULL ORDER BY k.scored_at, k.id",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let criteria: Vec<Criterion> = serde_json::from_str(&r.criteria).unwrap_or_default();
            let scores: BTreeMap<String, u8> = serde_json::from_str(&r.scores).unwrap_or_default();
            Scorecard {
                id: r.id,
                scheme_id: r.scheme_id,
                scheme_version: r.version as u32,
                pass_mark: r.pass_mark as u32,
                lines: criteria
                    .into_iter()
                    .map(|k| ScoreLine {
                        score: *scores.get(&k.key).unwrap_or(&0),
                        key: k.key,
                        dimension: k.dimension,
                        label: k.label,
                        weight: k.weight,
                    })
                    .collect(),
                total_x100: r.total_x100 as u32,
                passed: r.passed,
                comment: r.comment,
                scorer_name: r.scorer_name,
                scored_at: r.scored_at,
            }
        })
        .collect())
}
