//! Money (R4.3.1, R4.3.2): payments received from a partner or its customer, credit notes,
//! and payments to partners (commissions, rebates, rewards, refunds), which a finance user
//! other than the one who proposed them approves before they are paid.
//!
//! Invariants: amounts are positive integer minor units with a currency; money received is
//! recorded by finance; a payment to a partner goes proposed → approved | rejected → paid, the
//! approval by a finance user who did not propose it, and only an approved payment is paid.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::paging::Page;
use crate::records::{Val, insert};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Kinds of payments to partners.
pub const PAYOUT_KINDS: [&str; 4] = ["commission", "rebate", "reward", "refund"];

/// Money received (the partner's or its customer's payment).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ReceiptInput {
    pub partner_id: String,
    /// The order it pays, if one.
    pub order_id: String,
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub paid_on: String,
    pub reference: String,
    pub note: String,
}

/// A payment to a partner as proposed.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PayoutInput {
    pub partner_id: String,
    pub kind: String,
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub note: String,
}

/// A credit note as issued.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct CreditNoteInput {
    pub partner_id: String,
    pub order_id: String,
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub issued_on: String,
    pub reason: String,
}

/// A payment in either direction.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Payment {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub order_id: Option<String>,
    pub order_number: Option<String>,
    pub direction: String,
    pub kind: String,
    #[ts(type = "number")]
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    pub paid_on: Option<String>,
    pub reference: String,
    pub note: String,
    pub proposed_by: Option<String>,
    pub proposed_by_name: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: String,
    pub created_at: String,
}

/// A credit note.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct CreditNote {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub order_number: Option<String>,
    #[ts(type = "number")]
    pub amount_minor: i64,
    pub currency: String,
    pub issued_on: String,
    pub reason: String,
}

const PAYMENT_SELECT: &str = "SELECT y.id, y.partner_id, p.name AS partner_name, y.order_id, o.number AS order_number,
        y.direction, y.kind, y.amount_minor, y.currency, y.status, y.paid_on, y.reference, y.note, y.proposed_by,
        u.display_name AS proposed_by_name, d.display_name AS decided_by_name, y.decided_at, y.decision_note, y.created_at
     FROM payment y JOIN partner p ON p.id = y.partner_id LEFT JOIN sales_order o ON o.id = y.order_id
     LEFT JOIN app_user u ON u.id = y.proposed_by LEFT JOIN app_user d ON d.id = y.decided_by";

/// Which payments to list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PaymentQuery {
    pub partner_id: String,
    /// `in`, `out` or empty for both.
    pub direction: String,
    pub status: String,
    /// How many to skip, and rows per page ([`crate::paging::size`]).
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

/// Payments, the latest first: a page from `offset` with the count of all that match.
pub async fn payments(desk: &Desk, q: &PaymentQuery) -> Result<Page<Payment>> {
    desk.require(Action::PartnerRead)?;
    let filter = "y.deleted_at IS NULL AND (?1 = '' OR y.partner_id = ?1)
            AND (?2 = '' OR y.direction = ?2) AND (?3 = '' OR y.status = ?3)";
    let total: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM payment y WHERE {filter}")))
            .bind(&q.partner_id)
            .bind(&q.direction)
            .bind(&q.status)
            .fetch_one(desk.pool())
            .await?;
    let size = crate::paging::size(q.limit);
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PAYMENT_SELECT} WHERE {filter} ORDER BY y.created_at DESC, y.id LIMIT ?4 OFFSET ?5"
    )))
    .bind(&q.partner_id)
    .bind(&q.direction)
    .bind(&q.status)
    .bind(size)
    .bind(q.offset.max(0))
    .fetch_all(desk.pool())
    .await?;
    Ok(Page { total, size, rows: with_actions(desk, rows) })
}

/// The payments with what the signed-in person may do to each now.
fn with_actions(desk: &Desk, mut rows: Vec<Payment>) -> Vec<Payment> {
    let roles = crate::machines::session_roles(desk);
    for p in &mut rows {
        p.actions = crate::machines::PAYMENT.offers_text(&roles, &p.status);
    }
    rows
}

pub(crate) async fn payments_of_order(desk: &Desk, order_id: &str) -> Result<Vec<Payment>> {
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PAYMENT_SELECT} WHERE y.order_id = ? AND y.deleted_at IS NULL ORDER BY y.paid_on, y.created_at"
    )))
    .bind(order_id)
    .fetch_all(desk.pool())
    .await?;
    Ok(with_actions(desk, rows))
}

async fn one(desk: &Desk, id: &str) -> Result<Payment> {
    let p: Payment = sqlx::query_as(sqlx::AssertSqlSafe(format!("{PAYMENT_SELECT} WHERE y.id = ?")))
        .bind(id)
        .fetch_optional(desk.pool())
        .await?
        .ok_or_else(|| Error::NotFound { entity: "payment", id: id.into() })?;
    Ok(with_actions(desk, vec![p]).remove(0))
}

fn amount(c: &mut Checker, v: Option<i64>) -> i64 {
    match v {
        Some(a) if (1..=super::MAX_MINOR).contains(&a) => a,
        Some(_) => {
            c.push("amount_minor", "range");
            0
        }
        None => {
            c.push("amount_minor", "required");
            0
        }
    }
}

/// Checks that `order_id` (when given) is a live order of `partner_id` in `currency`.
async fn check_order(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
    order_id: &str,
    currency: &str,
) -> Result<Option<String>> {
    if order_id.is_empty() {
        return Ok(None);
    }
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT partner_id, currency FROM sales_order WHERE id = ? AND deleted_at IS NULL")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        None => Err(Error::field("order_id", "unknown")),
        Some((p, _)) if p != partner_id => Err(Error::field("order_id", "other_partner")),
        Some((_, c)) if c != currency => Err(Error::field("currency", "order_currency")),
        Some(_) => Ok(Some(order_id.to_string())),
    }
}

/// Records money received from a partner or for one of its orders (R4.3.2).
pub async fn record_receipt(desk: &Desk, input: &ReceiptInput) -> Result<Payment> {
    desk.require(Action::FinanceRecord)?;
    let mut c = Checker::new();
    let a = amount(&mut c, input.amount_minor);
    c.one_of("currency", &input.currency, &super::CURRENCIES);
    let paid_on = c.date_until("paid_on", &input.paid_on, true, &desk.today());
    let reference = c.text("reference", &input.reference, false, 80, false);
    let note = c.text("note", &input.note, false, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let order = check_order(&mut w.tx, &input.partner_id, &input.order_id, &input.currency).await?;
    let received = crate::machines::PAYMENT.start(&w, crate::machines::PaymentStatus::Received, false)?;
    let id = insert(
        &mut w,
        "payment",
        &[
            ("partner_id", input.partner_id.as_str().into()),
            ("order_id", Val::Text(order.clone())),
            ("direction", "in".into()),
            ("kind", "collection".into()),
            ("amount_minor", a.into()),
            ("currency", input.currency.as_str().into()),
            ("status", received.into()),
            ("paid_on", paid_on.clone().into()),
            ("reference", reference.clone().into()),
            ("note", note.into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("partner_id", &input.partner_id);
    ch.set("order_id", &order);
    ch.set("amount_minor", &a);
    ch.set("currency", &input.currency);
    ch.set("paid_on", &paid_on);
    ch.set("reference", &reference);
    audit::record(&mut w, "receive", "payment", &id, &ch).await?;
    w.commit().await?;
    one(desk, &id).await
}

/// Issues a credit note that lowers what a partner owes (R4.3.1).
pub async fn issue_credit_note(desk: &Desk, input: &CreditNoteInput) -> Result<CreditNote> {
    desk.require(Action::FinanceRecord)?;
    let mut c = Checker::new();
    let a = amount(&mut c, input.amount_minor);
    c.one_of("currency", &input.currency, &super::CURRENCIES);
    let issued_on = c.date_until("issued_on", &input.issued_on, true, &desk.today());
    let reason = c.text("reason", &input.reason, true, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let order = check_order(&mut w.tx, &input.partner_id, &input.order_id, &input.currency).await?;
    let id = insert(
        &mut w,
        "credit_note",
        &[
            ("partner_id", input.partner_id.as_str().into()),
            ("order_id", Val::Text(order.clone())),
            ("amount_minor", a.into()),
            ("currency", input.currency.as_str().into()),
            ("issued_on", issued_on.clone().into()),
            ("reason", reason.clone().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("partner_id", &input.partner_id);
    ch.set("order_id", &order);
    ch.set("amount_minor", &a);
    ch.set("currency", &input.currency);
    ch.set("issued_on", &issued_on);
    ch.set("reason", &reason);
    audit::record(&mut w, "create", "credit_note", &id, &ch).await?;
    w.commit().await?;
    Ok(credit_notes(desk, &input.partner_id).await?.into_iter().find(|n| n.id == id).expect("just written"))
}

/// A partner's credit notes (all partners when empty), the latest first.
pub async fn credit_notes(desk: &Desk, partner_id: &str) -> Result<Vec<CreditNote>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT n.id, n.partner_id, p.name AS partner_name, o.number AS order_number, n.amount_minor, n.currency,
            n.issued_on, n.reason
         FROM credit_note n JOIN partner p ON p.id = n.partner_id LEFT JOIN sales_order o ON o.id = n.order_id
         WHERE n.deleted_at IS NULL AND (?1 = '' OR n.partner_id = ?1) ORDER BY n.issued_on DESC, n.created_at DESC
         LIMIT 500",
    )
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?)
}

/// Proposes a payment to a partner (R4.3.2); a finance user approves it.
pub async fn propose_payout(desk: &Desk, input: &PayoutInput) -> Result<Payment> {
    let user = desk.require(Action::SettlementManage)?;
    let mut c = Checker::new();
    c.one_of("kind", &input.kind, &PAYOUT_KINDS);
    let a = amount(&mut c, input.amount_minor);
    c.one_of("currency", &input.currency, &super::CURRENCIES);
    let note = c.text("note", &input.note, true, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let proposed = crate::machines::PAYMENT.start(&w, crate::machines::PaymentStatus::Proposed, false)?;
    let id = insert(
        &mut w,
        "payment",
        &[
            ("partner_id", input.partner_id.as_str().into()),
            ("direction", "out".into()),
            ("kind", input.kind.as_str().into()),
            ("amount_minor", a.into()),
            ("currency", input.currency.as_str().into()),
            ("status", proposed.into()),
            ("note", note.clone().into()),
            ("proposed_by", user.id.as_str().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("partner_id", &input.partner_id);
    ch.set("kind", &input.kind);
    ch.set("amount_minor", &a);
    ch.set("currency", &input.currency);
    ch.set("note", &note);
    audit::record(&mut w, "propose", "payment", &id, &ch).await?;
    w.commit().await?;
    one(desk, &id).await
}

/// A finance user approves or rejects a proposed payment to a partner (R4.3.2); never their
/// own proposal. A rejection needs a note.
pub async fn decide_payout(desk: &Desk, id: &str, approve: bool, note: &str) -> Result<Payment> {
    let user = desk.require(Action::PaymentApprove)?;
    let mut c = Checker::new();
    let note = c.text("decision_note", note, !approve, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let (status, proposer): (String, Option<String>) = sqlx::query_as(
        "SELECT status, proposed_by FROM payment WHERE id = ? AND direction = 'out' AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "payment", id: id.into() })?;
    if status != "proposed" {
        return Err(Error::field("status", "decided"));
    }
    if proposer.as_deref() == Some(user.id.as_str()) {
        return Err(Error::field("decided_by", "own_proposal"));
    }
    let (now, uid) = (w.stamp.now.clone(), w.stamp.user.id.clone());
    crate::records::set_columns(
        &mut w,
        "payment",
        id,
        &[("decided_by", Some(uid)), ("decided_at", Some(now)), ("decision_note", Some(note.clone()))],
    )
    .await?;
    let mut ch = Changes::new();
    let step = if approve { "approve" } else { "reject" };
    crate::machines::PAYMENT.take(&mut w, id, step, None).await?.note("status", &mut ch);
    ch.set("decision_note", &note);
    audit::record(&mut w, if approve { "approve" } else { "reject" }, "payment", id, &ch).await?;
    w.commit().await?;
    one(desk, id).await
}

/// Records that an approved payment to a partner was paid.
pub async fn mark_paid(desk: &Desk, id: &str, paid_on: &str, reference: &str) -> Result<Payment> {
    desk.require(Action::FinanceRecord)?;
    let mut c = Checker::new();
    let paid_on = c.date_until("paid_on", paid_on, true, &desk.today());
    let reference = c.text("reference", reference, true, 80, false);
    c.finish()?;
    let mut w = desk.write().await?;
    let status: String = sqlx::query_scalar(
        "SELECT status FROM payment WHERE id = ? AND direction = 'out' AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "payment", id: id.into() })?;
    if status != "approved" {
        return Err(Error::field("status", "payment_not_approved"));
    }
    crate::records::set_columns(
        &mut w,
        "payment",
        id,
        &[("paid_on", Some(paid_on.clone())), ("reference", Some(reference.clone()))],
    )
    .await?;
    let mut ch = Changes::new();
    crate::machines::PAYMENT.take(&mut w, id, "pay", None).await?.note("status", &mut ch);
    ch.set("paid_on", &paid_on);
    ch.set("reference", &reference);
    audit::record(&mut w, "pay", "payment", id, &ch).await?;
    w.commit().await?;
    one(desk, id).await
}

/// What partner `partner_id` owes in `currency` on shipments older than `payment_days` on
/// `today`, after all money received and credit notes (never below zero).
pub(crate) async fn overdue(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
    currency: &str,
    today: &str,
    payment_days: i64,
) -> Result<i64> {
    let cutoff = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map(|d| (d - chrono::Duration::days(payment_days)).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| today.to_string());
    owed(conn, partner_id, currency, Some(&cutoff)).await
}

/// What partner `partner_id` owes in `currency` on shipments made before `shipped_before`
/// (all of them when `None`), after all money received and credit notes (never below zero).
pub(crate) async fn owed(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
    currency: &str,
    shipped_before: Option<&str>,
) -> Result<i64> {
    let owed: i64 = sqlx::query_scalar(
        "SELECT COALESCE((SELECT sum(s.amount_minor) FROM shipment s JOIN sales_order o ON o.id = s.order_id
                WHERE s.partner_id = ?1 AND o.currency = ?2 AND (?3 IS NULL OR s.shipped_on < ?3)
                AND s.deleted_at IS NULL), 0)
              - COALESCE((SELECT sum(amount_minor) FROM payment WHERE partner_id = ?1 AND currency = ?2
                AND direction = 'in' AND deleted_at IS NULL), 0)
              - COALESCE((SELECT sum(amount_minor) FROM credit_note WHERE partner_id = ?1 AND currency = ?2
                AND deleted_at IS NULL), 0)",
    )
    .bind(partner_id)
    .bind(currency)
    .bind(shipped_before)
    .fetch_one(&mut *conn)
    .await?;
    Ok(owed.max(0))
}
