//! Figures an evaluation reads from the records instead of having them typed (R1.4: routine
//! work automatic; issue 25): the sales target's actual and target from confirmed orders and
//! the agreement's annual target, customer satisfaction from the after-sales cases' ratings
//! and the support requests answered.
//!
//! Indicators are matched by key ([`SALES`], [`SATISFACTION`]: those of the built-in scheme;
//! a scheme that keeps the keys keeps the figures). A figure exists only when the records do;
//! the evaluator may still type other values, and each saved score says which it was
//! (`evaluation_score.source`: `records` when it equals the figure, `typed` otherwise).
//!
//! Invariants: read-only; amounts in whole yuan of the agreement's currency (as staff type
//! them); the period is the evaluation's year.

use crate::evaluation::scheme::Indicator;
use serde::Serialize;
use sqlx::SqliteConnection;
use ts_rs::TS;

/// The ratio indicator filled from confirmed orders and the annual target.
pub const SALES: &str = "target";
/// The banded indicator filled from after-sales ratings and support requests.
pub const SATISFACTION: &str = "satisfaction";

/// What the records say for one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Figure {
    pub indicator: String,
    #[ts(type = "number | null")]
    pub actual: Option<i64>,
    #[ts(type = "number | null")]
    pub target: Option<i64>,
    /// For a banded indicator: the band the records fall in.
    pub score: Option<u32>,
    /// The facts, in words, as evidence (Chinese, as the evaluation report prints it).
    pub evidence: String,
}

/// An amount typed as text (人民币 300 万元, ¥3,000,000.00, 3000000元, 1.2亿) in whole yuan;
/// `None` when it names no amount.
pub fn amount_yuan(text: &str) -> Option<i64> {
    let t: String = text.chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '，').collect();
    let start = t.find(|c: char| c.is_ascii_digit())?;
    let rest = &t[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    let number: f64 = rest[..end].parse().ok()?;
    let unit = &rest[end..];
    let factor = if unit.starts_with('亿') {
        100_000_000.0
    } else if unit.starts_with('万') {
        10_000.0
    } else {
        1.0
    };
    let yuan = (number * factor).round();
    (0.0..1e15).contains(&yuan).then_some(yuan as i64)
}

/// The band of `indicator` whose lower bound (the smallest percentage its label names; none
/// for "低于…/below …") is the highest not above `percent`; `None` when its labels name no
/// percentages.
pub fn band_for(indicator: &Indicator, percent: u32) -> Option<u32> {
    let mut best: Option<(u32, u32)> = None;
    for b in &indicator.bands {
        let numbers: Vec<u32> = b
            .label
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        if !b.label.contains('%') || numbers.is_empty() {
            continue;
        }
        let below = b.label.contains("低于") || b.label.to_lowercase().contains("below");
        let lower = if below { 0 } else { *numbers.iter().min().unwrap_or(&0) };
        if lower <= percent && best.is_none_or(|(l, _)| lower > l) {
            best = Some((lower, b.score));
        }
    }
    best.map(|(_, s)| s)
}

/// The figures for evaluation `evaluation_id` of `partner_id` over `period` (a year), for the
/// indicators of its scheme that read them.
pub async fn figures(
    conn: &mut SqliteConnection,
    partner_id: &str,
    period: &str,
    indicators: &[Indicator],
) -> crate::error::Result<Vec<Figure>> {
    let mut out = Vec::new();
    let Some(year) = period.get(..4).filter(|y| y.chars().all(|c| c.is_ascii_digit())) else {
        return Ok(out);
    };
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    if indicators.iter().any(|i| i.key == SALES && i.kind == "ratio") {
        // The master agreement in effect during the year, the latest first; its currency.
        let agreement: Option<(String, String, String)> = sqlx::query_as(
            "SELECT a.number, COALESCE(json_extract(v.variables, '$.annual_target'), ''), a.currency
             FROM agreement a JOIN agreement_version v ON v.agreement_id = a.id AND v.number = a.version_no
             WHERE a.partner_id = ?1 AND a.deleted_at IS NULL AND a.kind <> 'amendment' AND a.status IN ('signed', 'ended')
               AND a.effective_on <= ?3 AND (a.expires_on IS NULL OR a.expires_on >= ?2)
             ORDER BY a.effective_on DESC LIMIT 1",
        )
        .bind(partner_id)
        .bind(&from)
        .bind(&to)
        .fetch_optional(&mut *conn)
        .await?;
        let currency = agreement.as_ref().map(|a| a.2.clone()).unwrap_or_else(|| "CNY".into());
        let (count, sum): (i64, i64) = sqlx::query_as(
            "SELECT count(*), COALESCE(sum(total_minor), 0) FROM sales_order
             WHERE partner_id = ? AND status = 'confirmed' AND currency = ? AND deleted_at IS NULL
               AND ordered_on BETWEEN ? AND ?",
        )
        .bind(partner_id)
        .bind(&currency)
        .bind(&from)
        .bind(&to)
        .fetch_one(&mut *conn)
        .await?;
        let target = agreement.as_ref().and_then(|a| amount_yuan(&a.1)).filter(|t| *t > 0);
        if count > 0 || target.is_some() {
            let actual = sum / 100;
            let mut evidence = format!("{year} 年已确认订单 {count} 笔，合计 {currency} {}", grouped(actual));
            if let (Some(t), Some(a)) = (target, &agreement) {
                evidence.push_str(&format!("；协议 {} 年度销售目标 {currency} {}", a.0, grouped(t)));
            }
            out.push(Figure { indicator: SALES.into(), actual: Some(actual), target, score: None, evidence });
        }
    }
    if let Some(ind) = indicators.iter().find(|i| i.key == SATISFACTION && i.kind == "bands") {
        let (rated, sum): (i64, i64) = sqlx::query_as(
            "SELECT count(*), COALESCE(sum(satisfaction), 0) FROM aftersales_case
             WHERE partner_id = ? AND satisfaction IS NOT NULL AND deleted_at IS NULL
               AND COALESCE(resolved_on, opened_on) BETWEEN ? AND ?",
        )
        .bind(partner_id)
        .bind(&from)
        .bind(&to)
        .fetch_one(&mut *conn)
        .await?;
        let (requests, answered): (i64, i64) = sqlx::query_as(
            "SELECT count(*), COALESCE(sum(status IN ('resolved', 'closed')), 0) FROM support_request
             WHERE partner_id = ? AND deleted_at IS NULL AND substr(opened_at, 1, 10) BETWEEN ? AND ?",
        )
        .bind(partner_id)
        .bind(&from)
        .bind(&to)
        .fetch_one(&mut *conn)
        .await?;
        if rated > 0 {
            // Ratings are 1–5: the share of the best possible, in percent.
            let percent = (sum * 100 / (rated * 5)) as u32;
            let mut evidence = format!(
                "{year} 年售后回访评分 {rated} 次，平均 {:.1} 分（满分 5 分），满意度 {percent}%",
                sum as f64 / rated as f64
            );
            if requests > 0 {
                evidence.push_str(&format!("；支持请求 {requests} 项，已解决 {answered} 项"));
            }
            out.push(Figure {
                indicator: SATISFACTION.into(),
                actual: None,
                target: None,
                score: band_for(ind, percent),
                evidence,
            });
        }
    }
    Ok(out)
}

fn grouped(n: i64) -> String {
    crate::agreements::pdf::grouped_amounts(&n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::scheme::Band;

    #[test]
    fn annual_targets_as_typed() {
        assert_eq!(amount_yuan("人民币 300 万元"), Some(3_000_000));
        assert_eq!(amount_yuan("¥3,000,000.00"), Some(3_000_000));
        assert_eq!(amount_yuan("3000000元"), Some(3_000_000));
        assert_eq!(amount_yuan("1.2亿"), Some(120_000_000));
        assert_eq!(amount_yuan("另行约定"), None);
    }

    #[test]
    fn satisfaction_falls_in_the_band_its_percentage_names() {
        let band = |score, label: &str| Band { score, label: label.into() };
        let ind = Indicator {
            key: SATISFACTION.into(),
            dimension: "service".into(),
            label: "客户满意度".into(),
            weight: 10,
            kind: "bands".into(),
            bands: vec![
                band(100, "满意度 90% 以上"),
                band(80, "80%–90%"),
                band(60, "70%–80%"),
                band(20, "低于 70%"),
            ],
        };
        assert_eq!(band_for(&ind, 92), Some(100));
        assert_eq!(band_for(&ind, 90), Some(100));
        assert_eq!(band_for(&ind, 84), Some(80));
        assert_eq!(band_for(&ind, 70), Some(60));
        assert_eq!(band_for(&ind, 40), Some(20));
        let words = Indicator { bands: vec![band(100, "好"), band(0, "差")], ..ind };
        assert_eq!(band_for(&words, 95), None);
    }
}
