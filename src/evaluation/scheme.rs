//! Evaluation schemes (R2.2.1, R1.2): indicators under the five dimensions with weights that
//! total 100 and a scoring standard each (bands with descriptions, or the ratio of an actual
//! figure to its target), the A/B/C class bands and what each class entails.
//!
//! Invariants: a version is never changed (saving writes the next one), so a finished
//! evaluation keeps the standard it was scored with; the class bands cover 0–100 with no gap
//! or overlap; totals are integer hundredths of a point, recomputed exactly by [`total_x100`].

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, new_id};
use crate::error::{Error, FieldError, Result};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::collections::BTreeMap;
use ts_rs::TS;

/// The five dimensions of R2.2.1.
pub const DIMENSIONS: [&str; 5] = ["results", "marketing", "service", "compliance", "stability"];
pub const CLASSES: [&str; 3] = ["A", "B", "C"];

/// One scoring level of a banded indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Band {
    /// 0–100.
    pub score: u32,
    pub label: String,
}

/// One indicator of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Indicator {
    #[serde(default)]
    pub key: String,
    pub dimension: String,
    pub label: String,
    pub weight: u32,
    /// `bands` (the evaluator picks a level) or `ratio` (actual ÷ target, capped at 100).
    pub kind: String,
    #[serde(default)]
    pub bands: Vec<Band>,
}

/// A class and the totals it covers: `min` ≤ total < `max` (the top band includes 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClassBand {
    pub class: String,
    pub min: u32,
    pub max: u32,
}

/// What a class entails (configurable per scheme version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Consequence {
    /// A warning shows on the partner.
    pub warning: bool,
    /// Renewing its agreement needs a manager.
    pub renewal_approval: bool,
}

/// A scheme version.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EvaluationScheme {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub indicators: Vec<Indicator>,
    pub class_bands: Vec<ClassBand>,
    pub consequences: BTreeMap<String, Consequence>,
    pub created_at: String,
}

/// A new version as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct EvaluationSchemeInput {
    pub name: String,
    pub indicators: Vec<Indicator>,
    pub class_bands: Vec<ClassBand>,
    pub consequences: BTreeMap<String, Consequence>,
}

/// The total in hundredths of a point (0–10000): Σ weight × score, with each indicator's score
/// in hundredths (the evaluators' average). Missing scores count 0.
pub fn total_x100(indicators: &[Indicator], scores_x100: &BTreeMap<String, u32>) -> u32 {
    indicators.iter().map(|i| i.weight * scores_x100.get(&i.key).copied().unwrap_or(0) / 100).sum()
}

/// The class whose band holds `total_x100`.
pub fn class_of(bands: &[ClassBand], total_x100: u32) -> Option<String> {
    bands
        .iter()
        .find(|b| {
            total_x100 >= b.min * 100 && (total_x100 < b.max * 100 || (b.max == 100 && total_x100 <= 10_000))
        })
        .map(|b| b.class.clone())
}

/// The score of a ratio indicator: actual ÷ target in percent, capped at 100.
pub fn ratio_score(actual: i64, target: i64) -> Option<u32> {
    if target <= 0 || actual < 0 {
        return None;
    }
    Some(((actual as i128 * 100 / target as i128).min(100)) as u32)
}

#[derive(sqlx::FromRow)]
struct SchemeDb {
    id: String,
    version: i64,
    name: String,
    indicators: String,
    class_bands: String,
    consequences: String,
    created_at: String,
}

impl SchemeDb {
    fn into_scheme(self) -> EvaluationScheme {
        EvaluationScheme {
            id: self.id,
            version: self.version as u32,
            name: self.name,
            indicators: serde_json::from_str(&self.indicators).unwrap_or_default(),
            class_bands: serde_json::from_str(&self.class_bands).unwrap_or_default(),
            consequences: serde_json::from_str(&self.consequences).unwrap_or_default(),
            created_at: self.created_at,
        }
    }
}

const SELECT: &str =
    "SELECT id, version, name, indicators, class_bands, consequences, created_at FROM evaluation_scheme";

/// The version in force (the highest).
pub(crate) async fn current_in(conn: &mut SqliteConnection) -> Result<EvaluationScheme> {
    let row: SchemeDb = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE deleted_at IS NULL ORDER BY version DESC, created_at DESC LIMIT 1"
    )))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.into_scheme())
}

pub(crate) async fn by_id(conn: &mut SqliteConnection, id: &str) -> Result<EvaluationScheme> {
    let row: Option<SchemeDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.ok_or_else(|| Error::NotFound { entity: "evaluation_scheme", id: id.into() })?.into_scheme())
}

/// Every version, newest first.
pub async fn versions(desk: &Desk) -> Result<Vec<EvaluationScheme>> {
    desk.require(Action::PartnerRead)?;
    let rows: Vec<SchemeDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE deleted_at IS NULL ORDER BY version DESC, created_at DESC"
    )))
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.into_iter().map(SchemeDb::into_scheme).collect())
}

/// Checks a scheme: indicators (dimension, label, weight 1–100, kind, bands 0–100 with
/// labels), weights totalling 100, every dimension present, class bands A/B/C covering 0–100.
fn check(input: &EvaluationSchemeInput) -> Result<(String, Vec<Indicator>, Vec<ClassBand>)> {
    let mut c = Checker::new();
    let name = c.text("name", &input.name, true, 60, false);
    if input.indicators.is_empty() || input.indicators.len() > 40 {
        c.errors.push(FieldError::with_limit("indicators", "too_many", 40));
    }
    let mut indicators = Vec::new();
    let mut total = 0;
    for (i, ind) in input.indicators.iter().enumerate() {
        let f = |k: &str| format!("indicators.{i}.{k}");
        if !DIMENSIONS.contains(&ind.dimension.as_str()) {
            c.push(f("dimension"), "unknown");
        }
        let label = c.text(&f("label"), &ind.label, true, 60, false);
        if !(1..=100).contains(&ind.weight) {
            c.errors.push(FieldError::with_limit(f("weight"), "range", 100));
        }
        total += ind.weight;
        let mut bands = Vec::new();
        match ind.kind.as_str() {
            "ratio" => {}
            "bands" => {
                if ind.bands.len() < 2 {
                    c.push(f("bands"), "required");
                }
                for (j, b) in ind.bands.iter().enumerate() {
                    let label = c.text(&format!("indicators.{i}.bands.{j}.label"), &b.label, true, 60, false);
                    if b.score > 100 {
                        c.errors.push(FieldError::with_limit(
                            format!("indicators.{i}.bands.{j}.score"),
                            "range",
                            100,
                        ));
                    }
                    bands.push(Band { score: b.score, label });
                }
            }
            _ => c.push(f("kind"), "unknown"),
        }
        let key = if ind.key.trim().is_empty() { format!("i{}", i + 1) } else { ind.key.trim().to_string() };
        indicators.push(Indicator {
            key,
            dimension: ind.dimension.clone(),
            label,
            weight: ind.weight,
            kind: ind.kind.clone(),
            bands,
        });
    }
    if total != 100 {
        c.errors.push(FieldError::with_limit("weights", "total_100", total));
    }
    for d in DIMENSIONS {
        if !input.indicators.iter().any(|i| i.dimension == d) {
            c.push(format!("dimension.{d}"), "missing");
        }
    }
    let mut keys: Vec<&str> = indicators.iter().map(|i| i.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() != indicators.len() {
        c.push("indicators", "duplicate");
    }
    let mut bands = input.class_bands.clone();
    bands.sort_by_key(|b| b.min);
    let classes: Vec<&str> = bands.iter().map(|b| b.class.as_str()).collect();
    let covers = bands.first().is_some_and(|b| b.min == 0)
        && bands.last().is_some_and(|b| b.max == 100)
        && bands.windows(2).all(|w| w[0].max == w[1].min)
        && bands.iter().all(|b| b.min < b.max);
    if classes != ["C", "B", "A"] {
        c.push("class_bands", "classes");
    } else if !covers {
        c.push("class_bands", "coverage");
    }
    c.finish()?;
    Ok((name, indicators, bands))
}

/// Saves the next version of the scheme (managers).
pub async fn save(desk: &Desk, input: &EvaluationSchemeInput) -> Result<EvaluationScheme> {
    desk.require(Action::EvaluationSchemeManage)?;
    let (name, indicators, bands) = check(input)?;
    let mut consequences = BTreeMap::new();
    for class in CLASSES {
        consequences.insert(class.to_string(), input.consequences.get(class).cloned().unwrap_or_default());
    }
    let mut w = desk.write().await?;
    let version: i64 = sqlx::query_scalar("SELECT COALESCE(max(version), 0) + 1 FROM evaluation_scheme")
        .fetch_one(&mut *w.tx)
        .await?;
    let id = new_id();
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO evaluation_scheme (id, version, name, indicators, class_bands, consequences,
            created_at, updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(&id)
    .bind(version)
    .bind(&name)
    .bind(serde_json::to_string(&indicators).unwrap_or_default())
    .bind(serde_json::to_string(&bands).unwrap_or_default())
    .bind(serde_json::to_string(&consequences).unwrap_or_default())
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("version", &version);
    ch.set("name", &name);
    ch.set("weights", &indicators.iter().map(|i| format!("{} {}", i.label, i.weight)).collect::<Vec<_>>());
    ch.set(
        "class_bands",
        &bands.iter().map(|b| format!("{} {}–{}", b.class, b.min, b.max)).collect::<Vec<_>>(),
    );
    audit::record(&mut w, "create", "evaluation_scheme", &id, &ch).await?;
    w.commit().await?;
    let mut conn = desk.pool().acquire().await?;
    by_id(&mut conn, &id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands() -> Vec<ClassBand> {
        vec![
            ClassBand { class: "C".into(), min: 0, max: 60 },
            ClassBand { class: "B".into(), min: 60, max: 85 },
            ClassBand { class: "A".into(), min: 85, max: 100 },
        ]
    }

    #[test]
    fn classes_at_the_band_edges() {
        let cases = [(0, "C"), (5999, "C"), (6000, "B"), (8499, "B"), (8500, "A"), (10000, "A")];
        for (total, class) in cases {
            assert_eq!(class_of(&bands(), total).as_deref(), Some(class), "{total}");
        }
        assert_eq!(class_of(&bands(), 10001), None);
    }

    #[test]
    fn ratios_are_capped_and_need_a_target() {
        assert_eq!(ratio_score(4_200_000, 5_000_000), Some(84));
        assert_eq!(ratio_score(7_000_000, 5_000_000), Some(100));
        assert_eq!(ratio_score(1, 0), None);
        assert_eq!(ratio_score(-1, 10), None);
    }
}
