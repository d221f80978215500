//! A partner's whole picture (issue 25): what a channel manager needs on the partner's page
//! without opening page after page — the agreement in effect and its terms, the credit level,
//! limit, exposure, overdue amount and receivable per currency with the last statement, orders
//! and shipments, open support requests and after-sales cases, open risks and their grades,
//! the next quarterly review (R2.3.1) and an evaluation under way (R2.2.1).
//!
//! Invariants: read-only; every figure is computed from the areas' own tables with the same
//! rules they use (exposure and overdue as an order's review reads them, R4.1.2, R6.2.2), never
//! copied, so the picture cannot disagree with the pages it summarises.

use crate::access::Action;
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::orders::{self, finance};
use crate::relationship::{previous_quarter, quarter_bounds, quarter_of};
use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

/// Recent items shown per list.
pub const RECENT: i64 = 5;

/// The agreement in effect today and its trade terms.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InForce {
    pub id: String,
    pub number: String,
    pub title: String,
    pub effective_on: Option<String>,
    pub expires_on: Option<String>,
    /// The territory in words; empty for the whole country.
    pub territory: String,
    pub categories: Vec<String>,
    pub settle_method: String,
    pub settle_cycle: String,
    #[ts(type = "number")]
    pub payment_days: i64,
    pub currency: String,
    #[ts(type = "number | null")]
    pub credit_limit_minor: Option<i64>,
}

/// Money in one currency.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PictureMoney {
    pub currency: String,
    /// The agreement's credit limit when it is in this currency.
    #[ts(type = "number | null")]
    pub limit_minor: Option<i64>,
    /// Approved and confirmed orders less money received and credit notes (what the order
    /// review weighs against the limit).
    #[ts(type = "number")]
    pub exposure_minor: i64,
    /// Owed on shipments past the payment days.
    #[ts(type = "number")]
    pub overdue_minor: i64,
    /// Owed on everything shipped so far.
    #[ts(type = "number")]
    pub receivable_minor: i64,
    pub last_statement: Option<StatementBrief>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct StatementBrief {
    pub id: String,
    pub number: String,
    pub period_from: String,
    pub period_to: String,
    #[ts(type = "number")]
    pub closing_minor: i64,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct OrderBrief {
    pub id: String,
    pub number: String,
    pub ordered_on: String,
    pub status: String,
    pub currency: String,
    #[ts(type = "number")]
    pub total_minor: i64,
    /// Value shipped so far.
    #[ts(type = "number")]
    pub shipped_minor: i64,
    /// Shipments not yet delivered.
    #[ts(type = "number")]
    pub in_transit: i64,
}

/// An open support request, after-sales case or risk.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct OpenItem {
    pub id: String,
    pub title: String,
    /// A stable word: the request's or case's status, the risk's grade.
    pub state: String,
    pub since: String,
    /// The record its page opens (a case opens its order).
    pub open: String,
}

/// The next quarterly review (R2.3.1).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReviewPlan {
    pub last_on: Option<String>,
    /// The last day the next review is due by (the end of its quarter).
    pub due_by: String,
    /// No review this quarter nor last.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct EvaluationBrief {
    pub id: String,
    pub kind: String,
    pub period: String,
}

/// A partner's whole picture.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Picture {
    pub partner_id: String,
    pub in_force: Option<InForce>,
    /// The latest credit rating's level and day.
    pub credit_level: Option<String>,
    pub rated_on: Option<String>,
    pub money: Vec<PictureMoney>,
    #[ts(type = "number")]
    pub orders_total: i64,
    /// Orders entered, held or approved, not yet confirmed.
    #[ts(type = "number")]
    pub orders_open: i64,
    pub orders: Vec<OrderBrief>,
    pub requests: Vec<OpenItem>,
    pub cases: Vec<OpenItem>,
    pub risks: Vec<OpenItem>,
    /// Only for active partners.
    pub review: Option<ReviewPlan>,
    pub evaluation: Option<EvaluationBrief>,
}

/// The whole picture of partner `partner_id` on the Desk's today.
pub async fn picture(desk: &Desk, partner_id: &str) -> Result<Picture> {
    desk.require(Action::PartnerRead)?;
    let today = desk.today();
    let mut conn = desk.pool().acquire().await?;
    let (status, created_at): (String, String) =
        sqlx::query_as("SELECT status, created_at FROM partner WHERE id = ? AND deleted_at IS NULL")
            .bind(partner_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "partner", id: partner_id.into() })?;

    let row = orders::agreement_in_effect(&mut conn, partner_id, &today).await?;
    let in_force = match &row {
        Some(r) => {
            let t = r.clone().into_terms();
            let (title, effective_on, expires_on): (String, Option<String>, Option<String>) =
                sqlx::query_as("SELECT title, effective_on, expires_on FROM agreement WHERE id = ?")
                    .bind(&r.id)
                    .fetch_one(&mut *conn)
                    .await?;
            Some(InForce {
                id: r.id.clone(),
                number: r.number.clone(),
                title,
                effective_on,
                expires_on,
                territory: t.territory_text,
                categories: t.terms.categories,
                settle_method: r.settle_method.clone(),
                settle_cycle: r.settle_cycle.clone(),
                payment_days: r.payment_days,
                currency: r.currency.clone(),
                credit_limit_minor: r.credit_limit_minor,
            })
        }
        None => None,
    };

    let rating: Option<(String, String)> = sqlx::query_as(
        "SELECT level, rated_on FROM credit_rating WHERE partner_id = ? AND deleted_at IS NULL
         ORDER BY rated_on DESC, created_at DESC LIMIT 1",
    )
    .bind(partner_id)
    .fetch_optional(&mut *conn)
    .await?;

    let mut currencies: Vec<String> = sqlx::query_scalar(
        "SELECT currency FROM sales_order WHERE partner_id = ?1 AND deleted_at IS NULL
         UNION SELECT currency FROM payment WHERE partner_id = ?1 AND deleted_at IS NULL
         UNION SELECT currency FROM statement WHERE partner_id = ?1 AND deleted_at IS NULL",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    if let Some(r) = &row
        && !currencies.contains(&r.currency)
    {
        currencies.insert(0, r.currency.clone());
    }
    let mut money = Vec::new();
    for currency in currencies {
        let (exposure, overdue) =
            orders::credit_standing(&mut conn, partner_id, &currency, &today, row.as_ref(), None).await?;
        let receivable = finance::owed(&mut conn, partner_id, &currency, None).await?;
        let last_statement: Option<StatementBrief> = sqlx::query_as(
            "SELECT id, number, period_from, period_to, closing_minor, status FROM statement
             WHERE partner_id = ? AND currency = ? AND deleted_at IS NULL ORDER BY period_to DESC, created_at DESC LIMIT 1",
        )
        .bind(partner_id)
        .bind(&currency)
        .fetch_optional(&mut *conn)
        .await?;
        let limit_minor = row.as_ref().filter(|a| a.currency == currency).and_then(|a| a.credit_limit_minor);
        money.push(PictureMoney {
            currency,
            limit_minor,
            exposure_minor: exposure,
            overdue_minor: overdue,
            receivable_minor: receivable,
            last_statement,
        });
    }

    let (orders_total, orders_open): (i64, i64) = sqlx::query_as(
        "SELECT count(*), COALESCE(sum(status IN ('entered', 'held', 'approved')), 0) FROM sales_order
         WHERE partner_id = ? AND deleted_at IS NULL",
    )
    .bind(partner_id)
    .fetch_one(&mut *conn)
    .await?;
    let recent_orders: Vec<OrderBrief> = sqlx::query_as(
        "SELECT o.id, o.number, o.ordered_on, o.status, o.currency, o.total_minor,
                COALESCE((SELECT sum(s.amount_minor) FROM shipment s WHERE s.order_id = o.id AND s.deleted_at IS NULL), 0) AS shipped_minor,
                (SELECT count(*) FROM shipment s WHERE s.order_id = o.id AND s.deleted_at IS NULL AND s.delivered_on IS NULL) AS in_transit
         FROM sales_order o WHERE o.partner_id = ? AND o.deleted_at IS NULL
         ORDER BY o.ordered_on DESC, o.created_at DESC LIMIT ?",
    )
    .bind(partner_id)
    .bind(RECENT)
    .fetch_all(&mut *conn)
    .await?;
    let requests: Vec<OpenItem> = sqlx::query_as(
        "SELECT id, subject AS title, status AS state, opened_at AS since, partner_id AS open FROM support_request
         WHERE partner_id = ? AND deleted_at IS NULL AND status IN ('open', 'in_progress') ORDER BY opened_at",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    let cases: Vec<OpenItem> = sqlx::query_as(
        "SELECT id, subject AS title, status AS state, opened_on AS since, order_id AS open FROM aftersales_case
         WHERE partner_id = ? AND deleted_at IS NULL AND status IN ('open', 'in_progress') ORDER BY opened_on",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    let raw_risks: Vec<(String, String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT id, number || ' ' || title, identified_on, likelihood, impact, id FROM risk
         WHERE partner_id = ? AND deleted_at IS NULL AND status = 'open' ORDER BY likelihood * impact DESC, identified_on",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?;
    let risks = raw_risks
        .into_iter()
        .map(|(id, title, since, l, i, open)| OpenItem {
            id,
            title,
            state: crate::risk::grade(l, i).into(),
            since,
            open,
        })
        .collect();

    let review = if status == "active" {
        let last_on: Option<String> = sqlx::query_scalar(
            "SELECT max(held_on) FROM contact_log WHERE partner_id = ? AND quarterly_review = 1 AND deleted_at IS NULL",
        )
        .bind(partner_id)
        .fetch_one(&mut *conn)
        .await?;
        NaiveDate::parse_from_str(&today, "%Y-%m-%d").ok().map(|d| review_plan(d, last_on, &created_at))
    } else {
        None
    };
    let evaluation: Option<EvaluationBrief> = sqlx::query_as(
        "SELECT id, kind, period FROM evaluation WHERE partner_id = ? AND status = 'open' AND deleted_at IS NULL
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(partner_id)
    .fetch_optional(&mut *conn)
    .await?;

    Ok(Picture {
        partner_id: partner_id.into(),
        in_force,
        credit_level: rating.as_ref().map(|r| r.0.clone()),
        rated_on: rating.map(|r| r.1),
        money,
        orders_total,
        orders_open,
        orders: recent_orders,
        requests,
        cases,
        risks,
        review,
        evaluation,
    })
}

/// When the next quarterly review is due (one each quarter, R2.3.1), as the reminders judge it:
/// by the end of this quarter when none was held in it, else by the end of the next; overdue
/// when none was held last quarter either by a partner active since before this quarter.
fn review_plan(today: NaiveDate, last_on: Option<String>, created_at: &str) -> ReviewPlan {
    let this = quarter_of(today);
    let (start, end) = quarter_bounds(this.0, this.1);
    let (prev_start, _) = {
        let p = previous_quarter(this);
        quarter_bounds(p.0, p.1)
    };
    let last =
        last_on.as_deref().and_then(|s| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok());
    let held_this = last.is_some_and(|d| d >= start);
    let due_by = if held_this {
        let next = if this.1 == 4 { (this.0 + 1, 1) } else { (this.0, this.1 + 1) };
        quarter_bounds(next.0, next.1).1
    } else {
        end
    };
    let overdue = !held_this
        && last.is_none_or(|d| d < prev_start)
        && created_at.get(..10).unwrap_or("") < &*start.format("%Y-%m-%d").to_string();
    ReviewPlan { last_on, due_by: due_by.format("%Y-%m-%d").to_string(), overdue }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_review_is_due_each_quarter() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = review_plan(d("2026-05-10"), Some("2026-04-02".into()), "2025-01-01T00:00:00Z");
        assert_eq!((p.due_by.as_str(), p.overdue), ("2026-09-30", false));
        let p = review_plan(d("2026-05-10"), Some("2026-02-02".into()), "2025-01-01T00:00:00Z");
        assert_eq!((p.due_by.as_str(), p.overdue), ("2026-06-30", false));
        let p = review_plan(d("2026-05-10"), Some("2025-12-02".into()), "2025-01-01T00:00:00Z");
        assert_eq!((p.due_by.as_str(), p.overdue), ("2026-06-30", true));
        // A partner that became one this quarter is not late.
        let p = review_plan(d("2026-05-10"), None, "2026-04-20T00:00:00Z");
        assert_eq!((p.due_by.as_str(), p.overdue), ("2026-06-30", false));
        let p = review_plan(d("2026-11-10"), Some("2026-10-02".into()), "2025-01-01T00:00:00Z");
        assert_eq!(p.due_by, "2027-03-31");
    }
}
