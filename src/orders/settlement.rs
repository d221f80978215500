//! Settlement (R4.3.1): a statement (对账单) for a partner, currency and period of its
//! agreement's settlement cycle — shipments (sales, and under the purchase method the amount
//! due), commissions and rebates, credit notes, money received and paid to the partner, the
//! opening and closing balance — issued, confirmed by the partner or disputed line by line,
//! printed as a PDF and written as .xlsx.
//!
//! Arithmetic: every line is integer minor units; a shipment line's commission and rebate are
//! rounded half up on that line, so statements of consecutive periods add up exactly to the
//! statement of their union and a closing balance is the next opening one. The balance is
//! what the partner owes (negative: what the company owes the partner):
//! `closing = opening + due − commission − rebate − credit − received + paid_out`.
//! Currencies are never mixed: a statement is of one currency.
//!
//! Invariants: one live statement per partner, currency and period (issuing again brings it
//! up to date and asks for the partner's confirmation again when anything changed); a
//! statement is confirmed only with no open dispute and when its lines are what was issued.

use super::{money_text, share, terms};
use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::documents::Printed;
use crate::documents::layout::{Block, Frame, Table};
use crate::error::{Error, Result};
use crate::machines::{DISPUTE, DisputeStatus, STATEMENT};
use crate::paging::{PAGE, Page};
use crate::records::insert;
use crate::validate::Checker;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The totals of a statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Figures {
    #[ts(type = "number")]
    pub opening: i64,
    /// Shipped value (the base of commissions and rebates).
    #[ts(type = "number")]
    pub sales: i64,
    /// What the shipments put on the partner's account (purchase method).
    #[ts(type = "number")]
    pub due: i64,
    #[ts(type = "number")]
    pub commission: i64,
    #[ts(type = "number")]
    pub rebate: i64,
    #[ts(type = "number")]
    pub credit: i64,
    #[ts(type = "number")]
    pub received: i64,
    #[ts(type = "number")]
    pub paid_out: i64,
    #[ts(type = "number")]
    pub closing: i64,
}

impl Figures {
    /// The balance movement of the period.
    pub fn movement(&self) -> i64 {
        self.due - self.commission - self.rebate - self.credit - self.received + self.paid_out
    }
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StatementLine {
    pub on: String,
    /// `shipment`, `credit`, `received` or `paid_out`.
    pub kind: String,
    /// The order number (shipments, credit notes of an order) or the payment reference.
    pub reference: String,
    pub description: String,
    #[ts(type = "number | null")]
    pub quantity: Option<i64>,
    #[ts(type = "number | null")]
    pub unit_price_minor: Option<i64>,
    #[ts(type = "number")]
    pub amount_minor: i64,
    #[ts(type = "number")]
    pub commission_minor: i64,
    #[ts(type = "number")]
    pub rebate_minor: i64,
    /// What the line does to the balance.
    #[ts(type = "number")]
    pub effect_minor: i64,
    /// Stable reference of the line for disputes (the record id).
    pub key: String,
}

/// The rates and method a statement is made with.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub purchase: bool,
    pub commission_bp: i64,
    pub rebate_bp: i64,
}

/// A raw item as read from the records.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub on: String,
    pub kind: String,
    pub reference: String,
    pub description: String,
    pub quantity: Option<i64>,
    pub unit_price_minor: Option<i64>,
    pub amount_minor: i64,
    pub key: String,
}

/// Turns items into statement lines with `rates`, and sums them from `opening`.
pub fn lines_and_figures(items: Vec<Item>, rates: Rates, opening: i64) -> (Vec<StatementLine>, Figures) {
    let mut f = Figures { opening, ..Figures::default() };
    let lines: Vec<StatementLine> = items
        .into_iter()
        .map(|i| {
            let a = i.amount_minor;
            let (mut commission, mut rebate) = (0, 0);
            let effect = match i.kind.as_str() {
                "shipment" => {
                    commission = share(a, rates.commission_bp);
                    rebate = share(a, rates.rebate_bp);
                    let due = if rates.purchase { a } else { 0 };
                    f.sales += a;
                    f.due += due;
                    f.commission += commission;
                    f.rebate += rebate;
                    due - commission - rebate
                }
                "credit" => {
                    f.credit += a;
                    -a
                }
                "received" => {
                    f.received += a;
                    -a
                }
                _ => {
                    f.paid_out += a;
                    a
                }
            };
            StatementLine {
                on: i.on,
                kind: i.kind,
                reference: i.reference,
                description: i.description,
                quantity: i.quantity,
                unit_price_minor: i.unit_price_minor,
                amount_minor: i.amount_minor,
                commission_minor: commission,
                rebate_minor: rebate,
                effect_minor: effect,
                key: i.key,
            }
        })
        .collect();
    f.closing = f.opening + f.movement();
    (lines, f)
}

/// The items of a partner in a currency, `from`..=`to` (dates), in date order, read in one
/// statement and handed over as one JSON array (10,000 lines arrive in one value).
const ITEMS_SQL: &str = "SELECT COALESCE(json_group_array(json_object('on', d, 'kind', k, 'reference', r,
        'description', x, 'quantity', q, 'unit_price_minor', u, 'amount_minor', a, 'key', i)), '[]') FROM (
      SELECT s.shipped_on AS d, 'shipment' AS k, o.number AS r, p.name AS x, sl.quantity AS q,
             l.unit_price_minor AS u, sl.quantity * l.unit_price_minor AS a, sl.id AS i, s.created_at AS t
        FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id JOIN order_line l ON l.id = sl.order_line_id
        JOIN sales_order o ON o.id = s.order_id JOIN product p ON p.id = l.product_id
       WHERE s.partner_id = ?1 AND o.currency = ?2 AND s.shipped_on BETWEEN ?3 AND ?4
         AND s.deleted_at IS NULL AND sl.deleted_at IS NULL
      UNION ALL
      SELECT n.issued_on, 'credit', COALESCE(o.number, ''), n.reason, NULL, NULL, n.amount_minor, n.id, n.created_at
        FROM credit_note n LEFT JOIN sales_order o ON o.id = n.order_id
       WHERE n.partner_id = ?1 AND n.currency = ?2 AND n.issued_on BETWEEN ?3 AND ?4 AND n.deleted_at IS NULL
      UNION ALL
      SELECT y.paid_on, CASE y.direction WHEN 'in' THEN 'received' ELSE 'paid_out' END,
             COALESCE(o.number, y.reference), CASE y.direction WHEN 'in' THEN y.reference ELSE y.kind END,
             NULL, NULL, y.amount_minor, y.id, y.created_at
        FROM payment y LEFT JOIN sales_order o ON o.id = y.order_id
       WHERE y.partner_id = ?1 AND y.currency = ?2 AND y.paid_on BETWEEN ?3 AND ?4 AND y.deleted_at IS NULL
         AND y.status IN ('received', 'paid')
      ORDER BY d, t, i)";

/// The balance before `from`: the same arithmetic over everything earlier, in one query.
const OPENING_SQL: &str = "SELECT
      COALESCE((SELECT sum(CASE WHEN ?4 THEN sl.quantity * l.unit_price_minor ELSE 0 END
                         - (sl.quantity * l.unit_price_minor * ?5 + 5000) / 10000
                         - (sl.quantity * l.unit_price_minor * ?6 + 5000) / 10000)
        FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id JOIN order_line l ON l.id = sl.order_line_id
        JOIN sales_order o ON o.id = s.order_id
       WHERE s.partner_id = ?1 AND o.currency = ?2 AND s.shipped_on < ?3 AND s.deleted_at IS NULL
         AND sl.deleted_at IS NULL), 0)
    - COALESCE((SELECT sum(amount_minor) FROM credit_note WHERE partner_id = ?1 AND currency = ?2
         AND issued_on < ?3 AND deleted_at IS NULL), 0)
    - COALESCE((SELECT sum(amount_minor) FROM payment WHERE partner_id = ?1 AND currency = ?2 AND paid_on < ?3
         AND direction = 'in' AND status = 'received' AND deleted_at IS NULL), 0)
    + COALESCE((SELECT sum(amount_minor) FROM payment WHERE partner_id = ?1 AND currency = ?2 AND paid_on < ?3
         AND direction = 'out' AND status = 'paid' AND deleted_at IS NULL), 0)";

/// The agreement a partner's statement of a period is made under: its latest signed master
/// agreement in effect on some day of the period.
async fn agreement_for(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
    from: &str,
    to: &str,
) -> Result<terms::TermsRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE partner_id = ?1 AND deleted_at IS NULL AND kind <> 'amendment' AND status IN ('signed', 'ended', 'closed')
            AND effective_on <= ?3 AND (expires_on IS NULL OR expires_on >= ?2)
         ORDER BY effective_on DESC LIMIT 1",
        terms::TERMS_SELECT
    )))
    .bind(partner_id)
    .bind(from)
    .bind(to)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| Error::field("partner_id", "no_agreement"))
}

/// A statement as computed now.
#[derive(Debug, Clone)]
pub struct Computed {
    pub agreement: terms::TermsRow,
    pub lines: Vec<StatementLine>,
    pub figures: Figures,
    pub fingerprint: String,
}

/// Computes the statement of a partner in a currency for `from`..=`to` (no write).
pub async fn compute(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
    currency: &str,
    from: &str,
    to: &str,
) -> Result<Computed> {
    let agreement = agreement_for(conn, partner_id, from, to).await?;
    let rates = Rates {
        purchase: agreement.settle_method == "purchase",
        commission_bp: agreement.commission_bp,
        rebate_bp: agreement.rebate_bp,
    };
    let opening: i64 = sqlx::query_scalar(OPENING_SQL)
        .bind(partner_id)
        .bind(currency)
        .bind(from)
        .bind(rates.purchase)
        .bind(rates.commission_bp)
        .bind(rates.rebate_bp)
        .fetch_one(&mut *conn)
        .await?;
    let json: String = sqlx::query_scalar(ITEMS_SQL)
        .bind(partner_id)
        .bind(currency)
        .bind(from)
        .bind(to)
        .fetch_one(&mut *conn)
        .await?;
    let items: Vec<Item> = serde_json::from_str(&json).map_err(|e| Error::Storage(e.to_string()))?;
    let (lines, figures) = lines_and_figures(items, rates, opening);
    let mut parts = vec![
        partner_id.to_string(),
        currency.to_string(),
        from.to_string(),
        to.to_string(),
        format!("{figures:?}"),
        format!("{}:{}:{}", rates.purchase, rates.commission_bp, rates.rebate_bp),
    ];
    parts.extend(lines.iter().map(|l| format!("{}|{}|{}|{}", l.key, l.on, l.amount_minor, l.effect_minor)));
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let fingerprint = crate::documents::content_fingerprint(&refs);
    Ok(Computed { agreement, lines, figures, fingerprint })
}

/// A period of the settlement cycle and its statement, if one was issued.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Period {
    pub from: String,
    pub to: String,
    pub statement_id: Option<String>,
    pub statement_number: Option<String>,
    pub status: Option<String>,
}

/// The periods a statement can be issued for ([`periods`]), and why there are none.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Periods {
    /// The latest first.
    pub periods: Vec<Period>,
    /// When no agreement is in effect yet: the partner's signed agreement that takes effect
    /// later (its number and first day), which statements wait for.
    pub starts_later: Option<LaterAgreement>,
}

/// A signed agreement whose first day has not come.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct LaterAgreement {
    pub number: String,
    pub effective_on: String,
}

/// The calendar period of `cycle` holding `day`.
pub fn period_of(cycle: &str, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let months = match cycle {
        "quarterly" => 3,
        "half_yearly" => 6,
        "yearly" => 12,
        _ => 1,
    };
    let m0 = (day.month0() / months) * months;
    let start = NaiveDate::from_ymd_opt(day.year(), m0 + 1, 1).unwrap_or(day);
    let next = if m0 + months >= 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), m0 + months + 1, 1)
    }
    .unwrap_or(day);
    (start, next.pred_opt().unwrap_or(next))
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The settlement periods of a partner's agreement up to today's, the latest first (at most
/// 36), with the statements issued for them in `currency` (the agreement's when empty); with
/// none in effect yet, the signed agreement that statements wait for (issue 23).
pub async fn periods(desk: &Desk, partner_id: &str) -> Result<Periods> {
    desk.require(Action::PartnerRead)?;
    let today = desk.today();
    let mut conn = desk.pool().acquire().await?;
    let a: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT settle_cycle, currency, effective_on, expires_on FROM agreement WHERE partner_id = ? AND deleted_at IS NULL
            AND kind <> 'amendment' AND status IN ('signed', 'ended', 'closed') AND effective_on <= ?
         ORDER BY effective_on DESC LIMIT 1",
    )
    .bind(partner_id)
    .bind(&today)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((cycle, currency, Some(effective), expires)) = a else {
        let starts_later = sqlx::query_as(
            "SELECT number, effective_on FROM agreement WHERE partner_id = ? AND deleted_at IS NULL
                AND kind <> 'amendment' AND status = 'signed' AND effective_on > ?
             ORDER BY effective_on LIMIT 1",
        )
        .bind(partner_id)
        .bind(&today)
        .fetch_optional(&mut *conn)
        .await?;
        return Ok(Periods { periods: Vec::new(), starts_later });
    };
    let issued: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT period_from, id, number, status FROM statement WHERE partner_id = ? AND currency = ? AND deleted_at IS NULL",
    )
    .bind(partner_id)
    .bind(&currency)
    .fetch_all(&mut *conn)
    .await?;
    let (Some(start), Some(now)) = (date(&effective), date(&today)) else {
        return Ok(Periods { periods: Vec::new(), starts_later: None });
    };
    let end = expires.as_deref().and_then(date).map_or(now, |x| x.min(now));
    let mut out = Vec::new();
    let mut day = period_of(&cycle, end).0;
    while out.len() < 36 {
        let (from, to) = period_of(&cycle, day);
        if to < start {
            break;
        }
        let f = from.format("%Y-%m-%d").to_string();
        let s = issued.iter().find(|i| i.0 == f);
        out.push(Period {
            from: f,
            to: to.format("%Y-%m-%d").to_string(),
            statement_id: s.map(|s| s.1.clone()),
            statement_number: s.map(|s| s.2.clone()),
            status: s.map(|s| s.3.clone()),
        });
        let Some(prev) = from.pred_opt() else { break };
        day = prev;
    }
    Ok(Periods { periods: out, starts_later: None })
}

/// A dispute of one line.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Dispute {
    pub id: String,
    pub line_ref: String,
    pub reason: String,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    pub resolution: String,
    pub resolved_on: Option<String>,
    pub created_at: String,
}

/// A statement with its lines.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Statement {
    pub id: String,
    pub number: String,
    pub partner_id: String,
    pub partner_name: String,
    pub agreement_id: String,
    pub agreement_number: String,
    pub settle_method: String,
    pub settle_cycle: String,
    #[ts(type = "number")]
    pub commission_bp: i64,
    #[ts(type = "number")]
    pub rebate_bp: i64,
    pub currency: String,
    pub period_from: String,
    pub period_to: String,
    /// The figures as issued.
    pub figures: Figures,
    /// The lines as they are now.
    pub lines: Vec<StatementLine>,
    /// Whether the records changed since it was issued (issue it again before confirming or printing).
    pub changed: bool,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    pub actions: Vec<&'static str>,
    pub confirmed_on: Option<String>,
    pub confirmed_by: String,
    pub disputes: Vec<Dispute>,
    /// When and by whom it was last issued (a confirmation recorded later does not change them).
    pub issued_at: String,
    pub issued_by: Option<String>,
    pub fingerprint: String,
}

/// A statement in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct StatementRow {
    pub id: String,
    pub number: String,
    pub partner_id: String,
    pub partner_name: String,
    pub currency: String,
    pub period_from: String,
    pub period_to: String,
    #[ts(type = "number")]
    pub closing_minor: i64,
    pub status: String,
    pub updated_at: String,
}

/// Statements, the latest period first (a partner's, or all when empty): a page of
/// [`crate::paging::PAGE`] from `offset` with the count of all.
pub async fn list(desk: &Desk, partner_id: &str, offset: i64) -> Result<Page<StatementRow>> {
    desk.require(Action::PartnerRead)?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM statement WHERE deleted_at IS NULL AND (?1 = '' OR partner_id = ?1)",
    )
    .bind(partner_id)
    .fetch_one(desk.pool())
    .await?;
    let rows = sqlx::query_as(
        "SELECT s.id, s.number, s.partner_id, p.name AS partner_name, s.currency, s.period_from, s.period_to,
            s.closing_minor, s.status, s.updated_at
         FROM statement s JOIN partner p ON p.id = s.partner_id
         WHERE s.deleted_at IS NULL AND (?1 = '' OR s.partner_id = ?1)
         ORDER BY s.period_from DESC, p.name, s.number LIMIT ?2 OFFSET ?3",
    )
    .bind(partner_id)
    .bind(PAGE)
    .bind(offset.max(0))
    .fetch_all(desk.pool())
    .await?;
    Ok(Page { total, size: PAGE, rows })
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    id: String,
    number: String,
    partner_id: String,
    partner_name: String,
    currency: String,
    period_from: String,
    period_to: String,
    opening_minor: i64,
    sales_minor: i64,
    due_minor: i64,
    credit_minor: i64,
    commission_minor: i64,
    rebate_minor: i64,
    received_minor: i64,
    paid_out_minor: i64,
    closing_minor: i64,
    fingerprint: String,
    status: String,
    confirmed_on: Option<String>,
    confirmed_by: String,
    created_at: String,
    issued_by: Option<String>,
}

/// One statement with its lines as they are now.
pub async fn get(desk: &Desk, id: &str) -> Result<Statement> {
    desk.require(Action::PartnerRead)?;
    read(desk, id, None).await
}

/// Statement `id` with `now`, its lines as computed now (computed here when `None`).
async fn read(desk: &Desk, id: &str, now: Option<Computed>) -> Result<Statement> {
    let mut conn = desk.pool().acquire().await?;
    let s: StoredRow = sqlx::query_as(
        "SELECT s.id, s.number, s.partner_id, p.name AS partner_name, s.currency, s.period_from, s.period_to,
            s.opening_minor, s.sales_minor, s.due_minor, s.credit_minor, s.commission_minor, s.rebate_minor,
            s.received_minor, s.paid_out_minor, s.closing_minor, s.fingerprint, s.status, s.confirmed_on,
            s.confirmed_by, COALESCE(i.at, s.created_at) AS created_at, i.user_name AS issued_by
         FROM statement s JOIN partner p ON p.id = s.partner_id
         LEFT JOIN audit_log i ON i.seq = (SELECT max(l.seq) FROM audit_log l WHERE l.entity = 'statement'
             AND l.entity_id = s.id AND l.operation IN ('issue', 'reissue'))
         WHERE s.id = ? AND s.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "statement", id: id.into() })?;
    let now = match now {
        Some(now) => now,
        None => compute(&mut conn, &s.partner_id, &s.currency, &s.period_from, &s.period_to).await?,
    };
    let mut disputes: Vec<Dispute> = sqlx::query_as(
        "SELECT id, line_ref, reason, status, resolution, resolved_on, created_at FROM statement_dispute
         WHERE statement_id = ? AND deleted_at IS NULL ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let roles = crate::machines::session_roles(desk);
    for d in &mut disputes {
        d.actions = DISPUTE.offers_text(&roles, &d.status);
    }
    Ok(Statement {
        actions: STATEMENT.offers_text(&roles, &s.status),
        changed: now.fingerprint != s.fingerprint,
        id: s.id,
        number: s.number,
        partner_id: s.partner_id,
        partner_name: s.partner_name,
        agreement_id: now.agreement.id.clone(),
        agreement_number: now.agreement.number.clone(),
        settle_method: now.agreement.settle_method.clone(),
        settle_cycle: now.agreement.settle_cycle.clone(),
        commission_bp: now.agreement.commission_bp,
        rebate_bp: now.agreement.rebate_bp,
        currency: s.currency,
        period_from: s.period_from,
        period_to: s.period_to,
        figures: Figures {
            opening: s.opening_minor,
            sales: s.sales_minor,
            due: s.due_minor,
            commission: s.commission_minor,
            rebate: s.rebate_minor,
            credit: s.credit_minor,
            received: s.received_minor,
            paid_out: s.paid_out_minor,
            closing: s.closing_minor,
        },
        lines: now.lines,
        status: s.status,
        confirmed_on: s.confirmed_on,
        confirmed_by: s.confirmed_by,
        disputes,
        issued_at: s.created_at,
        issued_by: s.issued_by,
        fingerprint: s.fingerprint,
    })
}

/// Which statement to issue.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct IssueInput {
    pub partner_id: String,
    /// The agreement's currency when empty.
    pub currency: String,
    pub period_from: String,
    pub period_to: String,
}

/// Issues the statement of a partner for a period of its agreement's cycle (R4.3.1), or
/// brings the issued one up to date (its confirmation then asked for again).
pub async fn issue(desk: &Desk, input: &IssueInput) -> Result<Statement> {
    desk.require(Action::SettlementManage)?;
    let mut c = Checker::new();
    let from = c.date("period_from", &input.period_from, true);
    let to = c.date("period_to", &input.period_to, true);
    if !input.currency.is_empty() {
        c.one_of("currency", &input.currency, &super::CURRENCIES);
    }
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let a = agreement_for(&mut w.tx, &input.partner_id, &from, &to).await?;
    let (Some(f), Some(t)) = (date(&from), date(&to)) else {
        return Err(Error::field("period_from", "date"));
    };
    if period_of(&a.settle_cycle, f) != (f, t) {
        return Err(Error::field("period_from", "not_cycle"));
    }
    if to > desk.today() && from > desk.today() {
        return Err(Error::field("period_from", "future"));
    }
    let currency = if input.currency.is_empty() { a.currency.clone() } else { input.currency.clone() };
    let comp = compute(&mut w.tx, &input.partner_id, &currency, &from, &to).await?;
    let existing: Option<(String, String, String)> = sqlx::query_as(
        "SELECT id, fingerprint, status FROM statement WHERE partner_id = ? AND currency = ? AND period_from = ?
            AND deleted_at IS NULL",
    )
    .bind(&input.partner_id)
    .bind(&currency)
    .bind(&from)
    .fetch_optional(&mut *w.tx)
    .await?;
    let g = comp.figures;
    let figures: [(&str, i64); 9] = [
        ("opening_minor", g.opening),
        ("sales_minor", g.sales),
        ("due_minor", g.due),
        ("credit_minor", g.credit),
        ("commission_minor", g.commission),
        ("rebate_minor", g.rebate),
        ("received_minor", g.received),
        ("paid_out_minor", g.paid_out),
        ("closing_minor", g.closing),
    ];
    let mut ch = Changes::new();
    for (k, v) in figures {
        ch.set(k, &v);
    }
    ch.set("line_count", &comp.lines.len());
    let id = match existing {
        Some((id, fp, _)) if fp == comp.fingerprint => {
            w.commit().await?;
            return read(desk, &id, Some(comp)).await;
        }
        Some((id, _, _)) => {
            let mut sets: Vec<(&str, Option<String>)> =
                figures.iter().map(|(k, v)| (*k, Some(v.to_string()))).collect();
            sets.push(("line_count", Some(comp.lines.len().to_string())));
            sets.push(("fingerprint", Some(comp.fingerprint.clone())));
            sets.push(("agreement_id", Some(comp.agreement.id.clone())));
            sets.push(("confirmed_on", None));
            sets.push(("confirmed_by", Some(String::new())));
            crate::records::set_columns(&mut w, "statement", &id, &sets).await?;
            STATEMENT.take(&mut w, &id, "reissue", None).await?.note("status", &mut ch);
            audit::record(&mut w, "reissue", "statement", &id, &ch).await?;
            id
        }
        None => {
            let prefix = format!("ST-{}-{}-", &desk.today()[..4], desk.device().short_code);
            let number = crate::records::next_number(&mut w, "statement", &prefix, 4).await?;
            let mut cols: Vec<(&str, crate::records::Val)> = vec![
                ("number", number.clone().into()),
                ("partner_id", input.partner_id.as_str().into()),
                ("agreement_id", comp.agreement.id.as_str().into()),
                ("currency", currency.as_str().into()),
                ("period_from", from.as_str().into()),
                ("period_to", to.as_str().into()),
                ("line_count", (comp.lines.len() as i64).into()),
                ("fingerprint", comp.fingerprint.as_str().into()),
            ];
            cols.extend(figures.iter().map(|(k, v)| (*k, (*v).into())));
            let id = insert(&mut w, "statement", &cols).await?;
            ch.set("number", &number);
            ch.set("partner_id", &input.partner_id);
            ch.set("currency", &currency);
            ch.set("period_from", &from);
            ch.set("period_to", &to);
            audit::record(&mut w, "issue", "statement", &id, &ch).await?;
            id
        }
    };
    w.commit().await?;
    read(desk, &id, Some(comp)).await
}

/// Where a stored statement stands and what it covers.
#[derive(sqlx::FromRow)]
struct Stored {
    status: String,
    fingerprint: String,
    partner_id: String,
    currency: String,
    period_from: String,
    period_to: String,
}

async fn stored(w: &mut crate::desk::Write, id: &str) -> Result<Stored> {
    sqlx::query_as(
        "SELECT status, fingerprint, partner_id, currency, period_from, period_to FROM statement
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "statement", id: id.into() })
}

/// The statement's status and its lines as computed now, refused with `statement: changed`
/// when they are not what was issued.
async fn require_unchanged(w: &mut crate::desk::Write, id: &str) -> Result<(String, Computed)> {
    let st = stored(w, id).await?;
    let now = compute(&mut w.tx, &st.partner_id, &st.currency, &st.period_from, &st.period_to).await?;
    if now.fingerprint != st.fingerprint {
        return Err(Error::field("statement", "changed"));
    }
    Ok((st.status, now))
}

/// Records the partner's confirmation of a statement (who signed for them, when).
pub async fn confirm(desk: &Desk, id: &str, confirmed_on: &str, confirmed_by: &str) -> Result<Statement> {
    desk.require(Action::SettlementManage)?;
    let mut c = Checker::new();
    let on = c.date_until("confirmed_on", confirmed_on, true, &desk.today());
    let by = c.text("confirmed_by", confirmed_by, true, 60, false);
    c.finish()?;
    let mut w = desk.write().await?;
    let (status, now) = require_unchanged(&mut w, id).await?;
    if status != "issued" {
        return Err(Error::field("status", &status));
    }
    crate::records::set_columns(
        &mut w,
        "statement",
        id,
        &[("confirmed_on", Some(on.clone())), ("confirmed_by", Some(by.clone()))],
    )
    .await?;
    let mut ch = Changes::new();
    STATEMENT.take(&mut w, id, "confirm", None).await?.note("status", &mut ch);
    ch.set("confirmed_on", &on);
    ch.set("confirmed_by", &by);
    audit::record(&mut w, "confirm", "statement", id, &ch).await?;
    w.commit().await?;
    read(desk, id, Some(now)).await
}

/// Records a line the partner disputes (`line_ref`: the line's key, or `summary`).
pub async fn dispute(desk: &Desk, id: &str, line_ref: &str, reason: &str) -> Result<Statement> {
    desk.require(Action::SettlementManage)?;
    let mut c = Checker::new();
    let line_ref = c.text("line_ref", line_ref, true, 60, false);
    let reason = c.text("reason", reason, true, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let status = stored(&mut w, id).await?.status;
    if status == "confirmed" {
        return Err(Error::field("status", &status));
    }
    let open = DISPUTE.start(&w, DisputeStatus::Open, false)?;
    let dispute_id = insert(
        &mut w,
        "statement_dispute",
        &[
            ("status", open.into()),
            ("statement_id", id.into()),
            ("line_ref", line_ref.clone().into()),
            ("reason", reason.clone().into()),
        ],
    )
    .await?;
    STATEMENT.take(&mut w, id, "dispute", Some(("reason", &reason))).await?;
    let mut ch = Changes::new();
    ch.set("statement_id", &id);
    ch.set("line_ref", &line_ref);
    ch.set("reason", &reason);
    audit::record(&mut w, "dispute", "statement_dispute", &dispute_id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// Settles a dispute; the statement is `issued` again when none is open.
pub async fn resolve_dispute(desk: &Desk, dispute_id: &str, resolution: &str) -> Result<Statement> {
    desk.require(Action::SettlementManage)?;
    let mut c = Checker::new();
    let resolution = c.text("resolution", resolution, true, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let (statement_id, status): (String, String) = sqlx::query_as(
        "SELECT statement_id, status FROM statement_dispute WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(dispute_id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "statement_dispute", id: dispute_id.into() })?;
    if status != "open" {
        return Err(Error::field("status", "resolved"));
    }
    let today = desk.today();
    let moved = DISPUTE.take(&mut w, dispute_id, "resolve", Some(("resolution", &resolution))).await?;
    crate::records::set_columns(
        &mut w,
        "statement_dispute",
        dispute_id,
        &[("resolution", Some(resolution.clone())), ("resolved_on", Some(today))],
    )
    .await?;
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM statement_dispute WHERE statement_id = ? AND status = 'open' AND deleted_at IS NULL",
    )
    .bind(&statement_id)
    .fetch_one(&mut *w.tx)
    .await?;
    if open == 0 {
        let settled = STATEMENT.cause(&mut w, &statement_id, "settle_dispute").await?;
        let mut sc = Changes::new();
        settled.note("status", &mut sc);
        audit::record(&mut w, "settle_dispute", "statement", &statement_id, &sc).await?;
    }
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("resolution", &resolution);
    audit::record(&mut w, "resolve", "statement_dispute", dispute_id, &ch).await?;
    w.commit().await?;
    get(desk, &statement_id).await
}

const KIND_ZH: [(&str, &str); 4] =
    [("shipment", "发货"), ("credit", "贷项"), ("received", "收款"), ("paid_out", "付款")];

fn kind_zh(kind: &str) -> &str {
    KIND_ZH.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, z)| *z)
}

fn method_zh(m: &str) -> &'static str {
    if m == "commission" {
        "佣金制（客户向甲方付款，乙方按比例取得佣金）"
    } else {
        "购销制（乙方向甲方采购并付款）"
    }
}

fn cycle_zh(c: &str) -> &'static str {
    match c {
        "quarterly" => "按季度",
        "half_yearly" => "按半年",
        "yearly" => "按年度",
        _ => "按月",
    }
}

fn bp_text(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// The summary rows of a statement, in print order.
fn summary(s: &Statement) -> Vec<(String, i64)> {
    let f = &s.figures;
    vec![
        ("期初余额".into(), f.opening),
        ("本期发货金额".into(), f.sales),
        ("本期应收（发货）".into(), f.due),
        (format!("本期佣金（{}）", bp_text(s.commission_bp)), f.commission),
        (format!("本期返利（{}）", bp_text(s.rebate_bp)), f.rebate),
        ("本期贷项（退货、价格调整）".into(), f.credit),
        ("本期收款".into(), f.received),
        ("本期向乙方付款".into(), f.paid_out),
        ("期末余额".into(), f.closing),
    ]
}

/// The statement as a PDF (R4.3.1): the figures, every line, and the partner's confirmation.
pub async fn pdf(desk: &Desk, id: &str) -> Result<Printed> {
    let s = get(desk, id).await?;
    if s.changed {
        return Err(Error::field("statement", "changed"));
    }
    let cur = s.currency.as_str();
    // Our company as the agreement names it (甲方), for the signature block and the Author.
    let company: String = sqlx::query_scalar(
        "SELECT coalesce(json_extract(v.variables, '$.company_name'), '') FROM agreement a
         JOIN agreement_version v ON v.id = coalesce(a.signed_version_id,
            (SELECT id FROM agreement_version WHERE agreement_id = a.id AND number = a.version_no))
         WHERE a.id = ?",
    )
    .bind(&s.agreement_id)
    .fetch_optional(desk.pool())
    .await?
    .unwrap_or_default();
    let mut blocks = vec![Block::Title {
        text: "渠道合作伙伴对账单".into(),
        sub: Some(format!("{} 至 {} · {}", s.period_from, s.period_to, s.number)),
    }];
    blocks.push(Block::Fields(vec![
        ("合作伙伴".into(), s.partner_name.clone()),
        ("合作协议".into(), s.agreement_number.clone()),
        ("结算方式".into(), method_zh(&s.settle_method).into()),
        ("结算周期".into(), cycle_zh(&s.settle_cycle).into()),
        ("币种".into(), cur.into()),
        ("明细笔数".into(), s.lines.len().to_string()),
    ]));
    blocks.push(Block::Heading("汇总".into()));
    blocks.push(Block::Table(Table {
        header: vec!["项目".into(), "金额".into()],
        widths: vec![4.0, 2.0],
        rows: summary(&s).into_iter().map(|(k, v)| vec![k, money_text(v, cur)]).collect(),
    }));
    let closing = s.figures.closing;
    blocks.push(Block::Paragraph(if closing > 0 {
        format!("截至 {}，乙方应付甲方 {}。", s.period_to, money_text(closing, cur))
    } else if closing < 0 {
        format!("截至 {}，甲方应付乙方 {}。", s.period_to, money_text(-closing, cur))
    } else {
        format!("截至 {}，双方账目结清。", s.period_to)
    }));
    blocks.push(Block::Heading("明细".into()));
    if s.lines.is_empty() {
        blocks.push(Block::Paragraph("本期没有发货、贷项、收款或付款。".into()));
    } else {
        blocks.push(Block::Table(Table {
            header: vec![
                "日期".into(),
                "类型".into(),
                "单号/凭证".into(),
                "摘要".into(),
                "数量".into(),
                "金额".into(),
                "佣金/返利".into(),
                "余额影响".into(),
            ],
            widths: vec![1.55, 0.7, 2.0, 2.0, 0.6, 1.45, 1.2, 1.45],
            rows: s
                .lines
                .iter()
                .map(|l| {
                    vec![
                        l.on.clone(),
                        kind_zh(&l.kind).into(),
                        l.reference.clone(),
                        l.description.clone(),
                        l.quantity.map(|q| q.to_string()).unwrap_or_default(),
                        money_text(l.amount_minor, cur),
                        if l.kind == "shipment" {
                            money_text(l.commission_minor + l.rebate_minor, cur)
                        } else {
                            String::new()
                        },
                        money_text(l.effect_minor, cur),
                    ]
                })
                .collect(),
        }));
    }
    if !s.disputes.is_empty() {
        blocks.push(Block::Heading("异议".into()));
        blocks.push(Block::Table(Table {
            header: vec!["明细".into(), "异议".into(), "处理".into()],
            widths: vec![2.0, 3.0, 3.0],
            rows: s
                .disputes
                .iter()
                .map(|d| vec![line_label(&s, &d.line_ref), d.reason.clone(), d.resolution.clone()])
                .collect(),
        }));
    }
    blocks.push(Block::Note("余额为正数表示乙方应付甲方，负数表示甲方应付乙方。请乙方核对后签章确认；如有异议，请注明明细及理由。".into()));
    blocks.push(Block::Keep(vec![
        Block::Space(6.0),
        Block::Columns(vec![
            vec![
                ("甲方（盖章）".into(), company.clone()),
                ("经办人".into(), s.issued_by.clone().unwrap_or_default()),
                ("日期".into(), s.issued_at.get(..10).unwrap_or_default().into()),
            ],
            vec![
                ("乙方（盖章）".into(), s.partner_name.clone()),
                ("确认人".into(), s.confirmed_by.clone()),
                ("日期".into(), s.confirmed_on.clone().unwrap_or_default()),
            ],
        ]),
    ]));
    let frame = Frame {
        title: format!("对账单 {} {}", s.number, s.partner_name),
        header: format!("对账单 {}", s.number),
        number: s.number.clone(),
        fingerprint: s.fingerprint.clone(),
        made_on: s.issued_at.clone(),
        author: company,
        ..Frame::default()
    };
    crate::documents::issue(desk, "statement", blocks, frame).await
}

/// How a disputed line is named in print: its date, type and reference.
fn line_label(s: &Statement, key: &str) -> String {
    s.lines
        .iter()
        .find(|l| l.key == key)
        .map(|l| format!("{} {} {}", l.on, kind_zh(&l.kind), l.reference))
        .unwrap_or_else(|| if key == "summary" { "汇总".into() } else { key.into() })
}

/// Writes the statement as .xlsx to `path` (see [`xlsx`]); the number of lines.
pub async fn write_xlsx(desk: &Desk, id: &str, path: &Path) -> Result<u64> {
    let (file, lines) = xlsx_with_lines(desk, id).await?;
    crate::files::write_atomic(path, &file.bytes)
        .map_err(|e| Error::Storage(format!("{}: {e}", path.display())))?;
    Ok(lines)
}

/// The statement as .xlsx: a summary sheet and a sheet of every line, amounts as numbers in
/// major units with two decimals (so a spreadsheet adds them up).
pub async fn xlsx(desk: &Desk, id: &str) -> Result<Printed> {
    Ok(xlsx_with_lines(desk, id).await?.0)
}

async fn xlsx_with_lines(desk: &Desk, id: &str) -> Result<(Printed, u64)> {
    let s = get(desk, id).await?;
    if s.changed {
        return Err(Error::field("statement", "changed"));
    }
    let err = |e: rust_xlsxwriter::XlsxError| Error::Storage(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let money = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
    let major = |m: i64| m as f64 / 100.0;
    {
        let ws = book.add_worksheet().set_name("汇总").map_err(err)?;
        let facts = [
            ("对账单", s.number.clone()),
            ("合作伙伴", s.partner_name.clone()),
            ("合作协议", s.agreement_number.clone()),
            ("期间", format!("{} 至 {}", s.period_from, s.period_to)),
            ("结算方式", method_zh(&s.settle_method).into()),
            ("币种", s.currency.clone()),
        ];
        for (r, (k, v)) in facts.iter().enumerate() {
            ws.write_string_with_format(r as u32, 0, *k, &bold).map_err(err)?;
            ws.write_string(r as u32, 1, v).map_err(err)?;
        }
        for (i, (k, v)) in summary(&s).into_iter().enumerate() {
            let r = (facts.len() + 1 + i) as u32;
            ws.write_string_with_format(r, 0, &k, &bold).map_err(err)?;
            ws.write_number_with_format(r, 1, major(v), &money).map_err(err)?;
        }
        ws.autofit();
    }
    {
        let ws = book.add_worksheet().set_name("明细").map_err(err)?;
        let header =
            ["日期", "类型", "单号/凭证", "摘要", "数量", "单价", "金额", "佣金", "返利", "余额影响"];
        for (i, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(err)?;
        }
        for (r, l) in s.lines.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 0, &l.on).map_err(err)?;
            ws.write_string(r, 1, kind_zh(&l.kind)).map_err(err)?;
            ws.write_string(r, 2, &l.reference).map_err(err)?;
            ws.write_string(r, 3, &l.description).map_err(err)?;
            if let Some(q) = l.quantity {
                ws.write_number(r, 4, q as f64).map_err(err)?;
            }
            if let Some(u) = l.unit_price_minor {
                ws.write_number_with_format(r, 5, major(u), &money).map_err(err)?;
            }
            ws.write_number_with_format(r, 6, major(l.amount_minor), &money).map_err(err)?;
            ws.write_number_with_format(r, 7, major(l.commission_minor), &money).map_err(err)?;
            ws.write_number_with_format(r, 8, major(l.rebate_minor), &money).map_err(err)?;
            ws.write_number_with_format(r, 9, major(l.effect_minor), &money).map_err(err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        ws.autofit();
    }
    let bytes = book.save_to_buffer().map_err(err)?;
    Ok((Printed { bytes, file_name: format!("{}.xlsx", s.number) }, s.lines.len() as u64))
}
