//! Orders and the business process after them (R4.1.1–R4.3.2): the catalogue
//! ([`catalogue`]), the trade terms of agreements ([`terms`]), a partner's customer orders
//! with their review against the rules and the agreement ([`review`]), a manager's override,
//! confirmation with the contract reference, shipments and after-sales cases ([`delivery`]),
//! money received, credit notes and payments to partners ([`finance`]), and settlement
//! statements ([`settlement`]).
//!
//! Invariants: money is integer minor units (分) with an ISO currency, never a float; an
//! order's `total_minor` is the sum of its live lines, written with them; lines change only
//! before confirmation, and a change sends the order back to `entered` (its review and any
//! override no longer stand); each step (review, override, confirmation, cancellation)
//! records who and when, and every change is audited in its transaction.

pub mod catalogue;
pub mod delivery;
pub mod finance;
pub mod review;
pub mod settlement;
pub mod terms;

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, Write};
use crate::error::{Error, Result};
use crate::machines::ORDER;
pub use crate::machines::OrderStatus;
use crate::paging::Page;
use crate::records::insert;
use crate::validate::Checker;
use review::{AgreementFacts, Facts, LineFacts, RuleResult};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::relationship::incentives::CURRENCIES;

/// The largest amount the program takes, in minor units (one hundred billion in major units):
/// far beyond any order, and sums of many stay far inside `i64`.
pub const MAX_MINOR: i64 = 10_000_000_000_000;
/// The most lines an order may have.
pub const MAX_LINES: usize = 200;
/// The largest quantity of one line.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// `amount × bp / 10000` rounded half up (amounts are never negative here): a commission or
/// rebate of one line, or a discounted price.
pub fn share(amount_minor: i64, bp: i64) -> i64 {
    ((amount_minor as i128 * bp as i128 + 5_000) / 10_000) as i64
}

/// An amount for people: `¥12,345.67`, `US$0.50`, `-€3.00`.
pub fn money_text(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let symbol = match currency {
        "CNY" => "¥",
        "USD" => "US$",
        "EUR" => "€",
        other => other,
    };
    format!("{sign}{symbol}{grouped}.{:02}", abs % 100)
}

pub const STATUSES: [&str; 5] = ["entered", "held", "approved", "confirmed", "cancelled"];

/// A line as entered; without a price the partner's price under the terms is taken.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct LineInput {
    pub product_id: String,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number | null")]
    pub unit_price_minor: Option<i64>,
}

/// An order as entered (R4.1.2).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct OrderInput {
    pub partner_id: String,
    pub customer_name: String,
    /// Province code of the customer (the territory rule).
    pub customer_province: String,
    /// The customer's city or district in that province (GB/T 2260, 4 or 6 digits; may be
    /// empty): judged against territories naming cities or districts.
    pub customer_area: String,
    pub customer_city: String,
    pub customer_contact: String,
    pub currency: String,
    pub ordered_on: String,
    pub requested_on: String,
    pub note: String,
    pub lines: Vec<LineInput>,
}

/// A line of an order with its product and how much of it has shipped.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct OrderLine {
    pub id: String,
    #[ts(type = "number")]
    pub line_no: i64,
    pub product_id: String,
    pub product_code: String,
    pub product_name: String,
    pub unit: String,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    #[ts(type = "number")]
    pub amount_minor: i64,
    #[ts(type = "number")]
    pub shipped: i64,
}

/// An order in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct OrderRow {
    pub id: String,
    pub number: String,
    pub partner_id: String,
    pub partner_name: String,
    pub customer_name: String,
    pub currency: String,
    #[ts(type = "number")]
    pub total_minor: i64,
    pub status: OrderStatus,
    /// `none`, `partial`, `shipped` or `delivered`.
    pub delivery: String,
    #[ts(type = "number")]
    pub received_minor: i64,
    pub ordered_on: String,
    pub requested_on: String,
    pub overridden: bool,
}

/// Who did a step and when.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Step {
    pub by: Option<String>,
    pub at: Option<String>,
}

/// Who entered, reviewed, overrode and confirmed an order, and when.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Steps {
    pub entered: Step,
    pub reviewed: Step,
    pub overridden: Step,
    pub confirmed: Step,
}

/// An order with everything that followed it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Order {
    #[serde(flatten)]
    #[ts(flatten)]
    pub row: OrderRow,
    pub agreement_id: Option<String>,
    pub agreement_number: Option<String>,
    pub customer_province: String,
    pub customer_area: String,
    /// The customer's place in words (广东省佛山市南海区).
    pub customer_place: String,
    pub customer_city: String,
    pub customer_contact: String,
    pub note: String,
    pub lines: Vec<OrderLine>,
    pub review: Vec<RuleResult>,
    pub steps: Steps,
    pub override_reason: String,
    pub contract_ref: String,
    pub cancel_reason: String,
    pub shipments: Vec<delivery::Shipment>,
    pub cases: Vec<delivery::Case>,
    pub payments: Vec<finance::Payment>,
    /// The steps of its life cycle the signed-in person may take now (`edit`, `pass`, `hold`,
    /// `override`, `confirm`, `cancel`).
    pub actions: Vec<&'static str>,
    /// What the customer's side still owes on this order (total less money received).
    #[ts(type = "number")]
    pub outstanding_minor: i64,
    pub hlc: String,
}

/// The order list: text matches number, partner or customer.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct OrderQuery {
    pub text: String,
    pub status: String,
    pub partner_id: String,
    /// Rows per page ([`crate::paging::size`]).
    #[ts(type = "number")]
    pub limit: i64,
    /// How many rows to skip.
    #[ts(type = "number")]
    pub offset: i64,
}

const DELIVERY_SQL: &str = "CASE
        WHEN NOT EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = o.id AND s.deleted_at IS NULL) THEN 'none'
        WHEN (SELECT COALESCE(sum(sl.quantity), 0) FROM shipment_line sl JOIN order_line l ON l.id = sl.order_line_id
              WHERE l.order_id = o.id AND sl.deleted_at IS NULL AND l.deleted_at IS NULL)
           < (SELECT COALESCE(sum(quantity), 0) FROM order_line WHERE order_id = o.id AND deleted_at IS NULL) THEN 'partial'
        WHEN EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = o.id AND s.deleted_at IS NULL AND s.delivered_on IS NULL)
            THEN 'shipped'
        ELSE 'delivered' END";

fn row_select() -> String {
    format!(
        "SELECT o.id, o.number, o.partner_id, p.name AS partner_name, o.customer_name, o.currency, o.total_minor,
            o.status, {DELIVERY_SQL} AS delivery,
            (SELECT COALESCE(sum(amount_minor), 0) FROM payment y WHERE y.order_id = o.id AND y.direction = 'in'
                AND y.deleted_at IS NULL) AS received_minor,
            o.ordered_on, o.requested_on, o.overridden_by IS NOT NULL AS overridden
         {ORDER_FROM}"
    )
}

/// The rows an order row is read from.
const ORDER_FROM: &str = "FROM sales_order o JOIN partner p ON p.id = o.partner_id";

/// Orders, the latest first, a page of them from `offset` with the count of all that match.
pub async fn list(desk: &Desk, q: &OrderQuery) -> Result<Page<OrderRow>> {
    desk.require(Action::PartnerRead)?;
    let like = format!("%{}%", q.text.trim().replace('%', "\\%").replace('_', "\\_"));
    let size = crate::paging::size(q.limit);
    let filter = "WHERE o.deleted_at IS NULL AND (?1 = '' OR o.status = ?1) AND (?2 = '' OR o.partner_id = ?2)
          AND (o.number LIKE ?3 ESCAPE '\\' OR p.name LIKE ?3 ESCAPE '\\' OR o.customer_name LIKE ?3 ESCAPE '\\')";
    let total: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) {ORDER_FROM} {filter}")))
            .bind(&q.status)
            .bind(&q.partner_id)
            .bind(&like)
            .fetch_one(desk.pool())
            .await?;
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} {filter} ORDER BY o.ordered_on DESC, o.number DESC LIMIT ?4 OFFSET ?5",
        row_select()
    )))
    .bind(&q.status)
    .bind(&q.partner_id)
    .bind(like)
    .bind(size)
    .bind(q.offset.max(0))
    .fetch_all(desk.pool())
    .await?;
    Ok(Page { total, size, rows })
}

#[derive(sqlx::FromRow)]
struct Head {
    agreement_id: Option<String>,
    agreement_number: Option<String>,
    customer_province: String,
    customer_area: String,
    customer_city: String,
    customer_contact: String,
    note: String,
    review: String,
    reviewed_by: Option<String>,
    reviewed_at: Option<String>,
    override_reason: String,
    overridden_by: Option<String>,
    overridden_at: Option<String>,
    contract_ref: String,
    confirmed_by: Option<String>,
    confirmed_at: Option<String>,
    cancel_reason: String,
    entered_by: Option<String>,
    created_at: String,
    hlc: String,
}

/// One order with its lines, review, steps, shipments, cases and payments.
pub async fn get(desk: &Desk, id: &str) -> Result<Order> {
    let me = desk.require(Action::PartnerRead)?;
    let row: OrderRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE o.id = ? AND o.deleted_at IS NULL",
        row_select()
    )))
    .bind(id)
    .fetch_optional(desk.pool())
    .await?
    .ok_or_else(|| Error::NotFound { entity: "sales_order", id: id.into() })?;
    let head: Head = sqlx::query_as(
        "SELECT o.agreement_id, a.number AS agreement_number, o.customer_province, o.customer_area, o.customer_city,
            o.customer_contact, o.note, o.review, r.display_name AS reviewed_by, o.reviewed_at, o.override_reason,
            v.display_name AS overridden_by, o.overridden_at, o.contract_ref, c.display_name AS confirmed_by,
            o.confirmed_at, o.cancel_reason,
            (SELECT u.display_name FROM audit_log l JOIN app_user u ON u.id = l.user_id
             WHERE l.entity = 'sales_order' AND l.entity_id = o.id AND l.operation = 'create') AS entered_by,
            o.created_at, o.hlc
         FROM sales_order o LEFT JOIN agreement a ON a.id = o.agreement_id
         LEFT JOIN app_user r ON r.id = o.reviewed_by LEFT JOIN app_user v ON v.id = o.overridden_by
         LEFT JOIN app_user c ON c.id = o.confirmed_by WHERE o.id = ?",
    )
    .bind(id)
    .fetch_one(desk.pool())
    .await?;
    let lines = lines_of(desk.pool(), id).await?;
    let shipments = delivery::shipments_of(desk, id).await?;
    let cases = delivery::cases_of(desk, id).await?;
    let payments = finance::payments_of_order(desk, id).await?;
    Ok(Order {
        outstanding_minor: (row.total_minor - row.received_minor).max(0),
        actions: ORDER.offers(&me.roles, row.status),
        row,
        agreement_id: head.agreement_id,
        agreement_number: head.agreement_number,
        customer_place: crate::reference::division(if head.customer_area.is_empty() {
            &head.customer_province
        } else {
            &head.customer_area
        })
        .map(|d| d.full_name)
        .unwrap_or_default(),
        customer_province: head.customer_province,
        customer_area: head.customer_area,
        customer_city: head.customer_city,
        customer_contact: head.customer_contact,
        note: head.note,
        lines,
        review: serde_json::from_str(&head.review).unwrap_or_default(),
        steps: Steps {
            entered: Step { by: head.entered_by, at: Some(head.created_at) },
            reviewed: Step { by: head.reviewed_by, at: head.reviewed_at },
            overridden: Step { by: head.overridden_by, at: head.overridden_at },
            confirmed: Step { by: head.confirmed_by, at: head.confirmed_at },
        },
        override_reason: head.override_reason,
        contract_ref: head.contract_ref,
        cancel_reason: head.cancel_reason,
        shipments,
        cases,
        payments,
        hlc: head.hlc,
    })
}

async fn lines_of<'e, E: sqlx::SqliteExecutor<'e>>(conn: E, order_id: &str) -> Result<Vec<OrderLine>> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.line_no, l.product_id, p.code AS product_code, p.name AS product_name, p.unit, l.quantity,
            l.unit_price_minor, l.amount_minor,
            (SELECT COALESCE(sum(sl.quantity), 0) FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id
             WHERE sl.order_line_id = l.id AND sl.deleted_at IS NULL AND s.deleted_at IS NULL) AS shipped
         FROM order_line l JOIN product p ON p.id = l.product_id
         WHERE l.order_id = ? AND l.deleted_at IS NULL ORDER BY l.line_no",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

/// What a partner's credit stands at in `currency` on `today`, as an order's review weighs it
/// (R4.1.2, R6.2.2): the exposure (approved and confirmed orders, but `except_order`, less
/// money received and credit notes; never below zero) and the amount overdue under the
/// agreement's payment days (30 without one; nothing for commission settlement).
pub(crate) async fn credit_standing(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
    currency: &str,
    today: &str,
    agreement: Option<&terms::TermsRow>,
    except_order: Option<&str>,
) -> Result<(i64, i64)> {
    let exposure: i64 = sqlx::query_scalar(
        "SELECT COALESCE((SELECT sum(total_minor) FROM sales_order WHERE partner_id = ?1 AND currency = ?2
                AND status IN ('approved', 'confirmed') AND id IS NOT ?3 AND deleted_at IS NULL), 0)
              - COALESCE((SELECT sum(amount_minor) FROM payment WHERE partner_id = ?1 AND currency = ?2
                AND direction = 'in' AND deleted_at IS NULL), 0)
              - COALESCE((SELECT sum(amount_minor) FROM credit_note WHERE partner_id = ?1 AND currency = ?2
                AND deleted_at IS NULL), 0)",
    )
    .bind(partner_id)
    .bind(currency)
    .bind(except_order)
    .fetch_one(&mut *conn)
    .await?;
    let purchase = agreement.is_none_or(|a| a.settle_method == "purchase");
    let overdue = if purchase {
        let days = agreement.map(|a| a.payment_days).unwrap_or(30);
        finance::overdue(conn, partner_id, currency, today, days).await?
    } else {
        0
    };
    Ok((exposure.max(0), overdue))
}

/// The partner's agreement in effect on `on` (signed master, between its effective and
/// expiry days), if any.
pub(crate) async fn agreement_in_effect(
    conn: &mut sqlx::SqliteConnection,
    partner_id: &str,
    on: &str,
) -> Result<Option<terms::TermsRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE partner_id = ?1 AND deleted_at IS NULL AND kind <> 'amendment' AND status = 'signed'
            AND effective_on <= ?2 AND (expires_on IS NULL OR expires_on >= ?2)
         ORDER BY effective_on DESC LIMIT 1",
        terms::TERMS_SELECT
    )))
    .bind(partner_id)
    .bind(on)
    .fetch_optional(conn)
    .await?)
}

/// How a partner's price is read on a day under its agreement's price basis: the tier (a
/// fixed class, the partner's class, or the list price — also without an agreement or a
/// class), and for the `discount` basis the discount off the list price.
struct PriceRule {
    tier: String,
    discount_bp: Option<i64>,
}

impl PriceRule {
    fn new(agreement: Option<&terms::TermsRow>, class: Option<&str>) -> Self {
        let basis = agreement.map_or("list", |a| a.price_basis.as_str());
        let tier = match basis {
            "A" | "B" | "C" => basis,
            "class" => class.unwrap_or("list"),
            _ => "list",
        };
        let discount_bp = agreement.filter(|a| a.price_basis == "discount").map(|a| a.discount_bp);
        PriceRule { tier: tier.into(), discount_bp }
    }

    /// The partner's price from the price of the rule's tier.
    fn apply(&self, price: Option<i64>) -> Option<i64> {
        match self.discount_bp {
            Some(d) => price.map(|p| p - share(p, d)),
            None => price,
        }
    }

    /// The rule for partner `partner_id` on `on`.
    async fn of(conn: &mut sqlx::SqliteConnection, partner_id: &str, on: &str) -> Result<Self> {
        let class: Option<String> = sqlx::query_scalar("SELECT class FROM partner WHERE id = ?")
            .bind(partner_id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
        let agreement = agreement_in_effect(conn, partner_id, on).await?;
        Ok(PriceRule::new(agreement.as_ref(), class.as_deref()))
    }

    /// The partner's price of `product_id` on `on`; `None` when no price is set.
    async fn price(
        &self,
        conn: &mut sqlx::SqliteConnection,
        product_id: &str,
        on: &str,
    ) -> Result<Option<i64>> {
        Ok(self.apply(catalogue::price_on(conn, product_id, &self.tier, on).await?))
    }
}

/// The price a partner pays for each of `product_ids` on `on`, for the order form.
pub async fn partner_prices(
    desk: &Desk,
    partner_id: &str,
    on: &str,
    product_ids: &[String],
) -> Result<Vec<Option<i64>>> {
    desk.require(Action::PartnerRead)?;
    let mut c = Checker::new();
    let on = c.date("ordered_on", on, true);
    c.finish()?;
    let mut conn = desk.pool().acquire().await?;
    let rule = PriceRule::of(&mut conn, partner_id, &on).await?;
    let mut out = Vec::with_capacity(product_ids.len());
    for p in product_ids {
        out.push(rule.price(&mut conn, p, &on).await?);
    }
    Ok(out)
}

struct Checked {
    customer_name: String,
    customer_city: String,
    customer_contact: String,
    ordered_on: String,
    requested_on: String,
    note: String,
}

fn check(input: &OrderInput) -> Result<Checked> {
    let mut c = Checker::new();
    if input.partner_id.trim().is_empty() {
        c.push("partner_id", "required");
    }
    let customer_name = c.text("customer_name", &input.customer_name, true, 120, false);
    if input.customer_province.is_empty() {
        c.push("customer_province", "required");
    } else if crate::reference::province(&input.customer_province).is_none() {
        c.push("customer_province", "unknown");
    }
    let area = input.customer_area.trim();
    if !area.is_empty()
        && (!matches!(area.len(), 4 | 6)
            || !area.starts_with(input.customer_province.as_str())
            || crate::reference::division(area).is_none())
    {
        c.push("customer_area", "unknown");
    }
    let customer_city = c.text("customer_city", &input.customer_city, false, 60, false);
    let customer_contact = c.text("customer_contact", &input.customer_contact, false, 200, false);
    c.one_of("currency", &input.currency, &CURRENCIES);
    let ordered_on = c.date("ordered_on", &input.ordered_on, true);
    let requested_on = c.date("requested_on", &input.requested_on, true);
    if ordered_on.len() == 10 && requested_on.len() == 10 && requested_on < ordered_on {
        c.push("requested_on", "before_order");
    }
    let note = c.text("note", &input.note, false, 2000, true);
    if input.lines.is_empty() {
        c.push("lines", "required");
    } else if input.lines.len() > MAX_LINES {
        c.errors.push(crate::error::FieldError::with_limit("lines", "too_many", MAX_LINES as u32));
    }
    for (i, l) in input.lines.iter().enumerate() {
        if l.product_id.trim().is_empty() {
            c.push(format!("lines.{i}.product_id"), "required");
        }
        if !(1..=MAX_QUANTITY).contains(&l.quantity) {
            c.push(format!("lines.{i}.quantity"), "range");
        }
        if let Some(p) = l.unit_price_minor
            && !(0..=MAX_MINOR).contains(&p)
        {
            c.push(format!("lines.{i}.unit_price_minor"), "range");
        }
    }
    c.finish()?;
    Ok(Checked { customer_name, customer_city, customer_contact, ordered_on, requested_on, note })
}

/// Writes `input`'s lines for `order_id` (prices filled from the terms where not given);
/// the total. Refuses a product that is unknown, of another currency or without a price.
async fn write_lines(w: &mut Write, order_id: &str, input: &OrderInput, on: &str) -> Result<i64> {
    let mut total: i64 = 0;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut rule: Option<PriceRule> = None;
    for (i, l) in input.lines.iter().enumerate() {
        let currency: Option<String> =
            sqlx::query_scalar("SELECT currency FROM product WHERE id = ? AND deleted_at IS NULL")
                .bind(&l.product_id)
                .fetch_optional(&mut *w.tx)
                .await?;
        let Some(currency) = currency else {
            errors.push(crate::error::FieldError::new(format!("lines.{i}.product_id"), "unknown"));
            continue;
        };
        if currency != input.currency {
            errors.push(crate::error::FieldError::new(format!("lines.{i}.product_id"), "other_currency"));
            continue;
        }
        let price = match l.unit_price_minor {
            Some(p) => Some(p),
            None => {
                if rule.is_none() {
                    rule = Some(PriceRule::of(&mut w.tx, &input.partner_id, on).await?);
                }
                rule.as_ref().expect("just set").price(&mut w.tx, &l.product_id, on).await?
            }
        };
        let Some(price) = price else {
            errors.push(crate::error::FieldError::new(format!("lines.{i}.unit_price_minor"), "required"));
            continue;
        };
        let amount = l.quantity * price;
        if amount > MAX_MINOR {
            errors.push(crate::error::FieldError::new(format!("lines.{i}.quantity"), "range"));
            continue;
        }
        total += amount;
        rows.push((i as i64 + 1, l.product_id.clone(), l.quantity, price, amount));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if total > MAX_MINOR {
        return Err(Error::field("lines", "range"));
    }
    for (no, product, qty, price, amount) in rows {
        insert(
            w,
            "order_line",
            &[
                ("order_id", order_id.into()),
                ("line_no", no.into()),
                ("product_id", product.into()),
                ("quantity", qty.into()),
                ("unit_price_minor", price.into()),
                ("amount_minor", amount.into()),
            ],
        )
        .await?;
    }
    Ok(total)
}

fn line_changes(input: &OrderInput) -> serde_json::Value {
    serde_json::Value::Array(
        input
            .lines
            .iter()
            .map(|l| serde_json::json!({"product_id": l.product_id, "quantity": l.quantity, "unit_price_minor": l.unit_price_minor}))
            .collect(),
    )
}

/// Enters a partner's customer order (R4.1.2); it waits for the review.
pub async fn create(desk: &Desk, input: &OrderInput) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let c = check(input)?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let prefix = format!("SO-{}-{}-", &desk.today()[..4], desk.device().short_code);
    let number = crate::records::next_number(&mut w, "sales_order", &prefix, 4).await?;
    let entered = ORDER.start(&w, OrderStatus::Entered, false)?;
    let id = insert(
        &mut w,
        "sales_order",
        &[
            ("number", number.clone().into()),
            ("partner_id", input.partner_id.as_str().into()),
            ("customer_name", c.customer_name.clone().into()),
            ("customer_province", input.customer_province.as_str().into()),
            ("customer_area", input.customer_area.trim().into()),
            ("customer_city", c.customer_city.clone().into()),
            ("customer_contact", c.customer_contact.clone().into()),
            ("currency", input.currency.as_str().into()),
            ("ordered_on", c.ordered_on.clone().into()),
            ("requested_on", c.requested_on.clone().into()),
            ("note", c.note.clone().into()),
            ("status", entered.into()),
        ],
    )
    .await?;
    let total = write_lines(&mut w, &id, input, &c.ordered_on).await?;
    sqlx::query("UPDATE sales_order SET total_minor = ? WHERE id = ?")
        .bind(total)
        .bind(&id)
        .execute(&mut *w.tx)
        .await?;
    let mut ch = Changes::new();
    ch.set("number", &number);
    ch.set("partner_id", &input.partner_id);
    ch.set("customer_name", &c.customer_name);
    ch.set("customer_province", &input.customer_province);
    if !input.customer_area.trim().is_empty() {
        ch.set("customer_area", &input.customer_area.trim());
    }
    ch.set("currency", &input.currency);
    ch.set("ordered_on", &c.ordered_on);
    ch.set("requested_on", &c.requested_on);
    ch.set("lines", &line_changes(input));
    ch.set("total_minor", &total);
    audit::record(&mut w, "create", "sales_order", &id, &ch).await?;
    w.commit().await?;
    get(desk, &id).await
}

async fn status_of(w: &mut Write, id: &str) -> Result<(OrderStatus, String)> {
    sqlx::query_as("SELECT status, hlc FROM sales_order WHERE id = ? AND deleted_at IS NULL")
        .bind(id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "sales_order", id: id.into() })
}

/// Changes an order before its confirmation; its review and any override no longer stand
/// (the order is `entered` again). Refused when someone changed it since `expected_hlc`.
pub async fn update(desk: &Desk, id: &str, expected_hlc: &str, input: &OrderInput) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let c = check(input)?;
    let mut w = desk.write().await?;
    let (status, hlc) = status_of(&mut w, id).await?;
    if hlc != expected_hlc {
        return Err(Error::stale(id, ""));
    }
    ORDER.check(&w, "edit", status).map_err(|_| Error::field("status", status.as_str()))?;
    let partner: String = sqlx::query_scalar("SELECT partner_id FROM sales_order WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *w.tx)
        .await?;
    if partner != input.partner_id {
        return Err(Error::field("partner_id", "fixed"));
    }
    let mut ch = crate::records::update_texts(
        &mut w,
        "sales_order",
        id,
        expected_hlc,
        &[
            "customer_name",
            "customer_province",
            "customer_area",
            "customer_city",
            "customer_contact",
            "currency",
            "ordered_on",
            "requested_on",
            "note",
        ],
        &[
            c.customer_name,
            input.customer_province.clone(),
            input.customer_area.trim().to_string(),
            c.customer_city,
            c.customer_contact,
            input.currency.clone(),
            c.ordered_on.clone(),
            c.requested_on,
            c.note,
        ],
    )
    .await?;
    let old: Vec<String> =
        sqlx::query_scalar("SELECT id FROM order_line WHERE order_id = ? AND deleted_at IS NULL")
            .bind(id)
            .fetch_all(&mut *w.tx)
            .await?;
    for line in &old {
        crate::records::tombstone(&mut w, "order_line", line).await?;
    }
    let total = write_lines(&mut w, id, input, &c.ordered_on).await?;
    ch.set("lines", &line_changes(input));
    ch.set("total_minor", &total);
    ORDER.take(&mut w, id, "edit", None).await?.note("status", &mut ch);
    crate::records::set_columns(
        &mut w,
        "sales_order",
        id,
        &[
            ("total_minor", Some(total.to_string())),
            ("review", Some("[]".into())),
            ("reviewed_by", None),
            ("reviewed_at", None),
            ("override_reason", Some(String::new())),
            ("overridden_by", None),
            ("overridden_at", None),
        ],
    )
    .await?;
    audit::record(&mut w, "update", "sales_order", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// The facts the review of order `id` is judged on, read inside `conn` with `today`, and the
/// agreement in effect (the benchmark times [`review::evaluate`] on them alone).
pub async fn facts(
    conn: &mut sqlx::SqliteConnection,
    id: &str,
    today: &str,
) -> Result<(Facts, Option<String>)> {
    let (partner_id, currency, province, area, ordered_on, total): (String, String, String, String, String, i64) = sqlx::query_as(
        "SELECT partner_id, currency, customer_province, customer_area, ordered_on, total_minor FROM sales_order WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let (partner_status, partner_class): (String, Option<String>) =
        sqlx::query_as("SELECT status, class FROM partner WHERE id = ?")
            .bind(&partner_id)
            .fetch_one(&mut *conn)
            .await?;
    let agreement = agreement_in_effect(conn, &partner_id, &ordered_on).await?;
    let rule = PriceRule::new(agreement.as_ref(), partner_class.as_deref());
    let raw: Vec<(i64, i64, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT l.line_no, p.active, p.category, p.currency, l.unit_price_minor,
            (SELECT pr.price_minor FROM price pr WHERE pr.product_id = l.product_id AND pr.tier = ?2
                AND pr.valid_from <= ?3 AND pr.deleted_at IS NULL ORDER BY pr.valid_from DESC LIMIT 1)
         FROM order_line l JOIN product p ON p.id = l.product_id
         WHERE l.order_id = ?1 AND l.deleted_at IS NULL ORDER BY l.line_no",
    )
    .bind(id)
    .bind(&rule.tier)
    .bind(&ordered_on)
    .fetch_all(&mut *conn)
    .await?;
    let lines = raw
        .into_iter()
        .map(|(line_no, active, category, cur, price, list)| LineFacts {
            line_no,
            product_active: active == 1,
            category,
            currency: cur,
            unit_price_minor: price,
            floor_minor: rule.apply(list),
        })
        .collect();
    let (exposure, overdue) =
        credit_standing(conn, &partner_id, &currency, today, agreement.as_ref(), Some(id)).await?;
    let agreement_id = agreement.as_ref().map(|a| a.id.clone());
    let facts = Facts {
        currency,
        customer_province: province,
        customer_area: area,
        agreement: agreement.map(|a| AgreementFacts {
            number: a.number,
            terms_recorded: a.terms_on.is_some(),
            territory: serde_json::from_str(&a.territory).unwrap_or_default(),
            categories: serde_json::from_str(&a.categories).unwrap_or_default(),
            currency: a.currency,
            credit_limit_minor: a.credit_limit_minor,
        }),
        lines,
        total_minor: total,
        exposure_minor: exposure,
        overdue_minor: overdue,
        partner_status,
        partner_class,
        suspended_on: crate::risk::credit::suspended_on(conn, &partner_id).await?,
    };
    Ok((facts, agreement_id))
}

/// Reviews an order against the rules and its agreement (R4.1.2): `approved` when every rule
/// passed, `held` with the broken rules named otherwise. The order with its review.
pub async fn review(desk: &Desk, id: &str) -> Result<Order> {
    desk.require(Action::OrderReview)?;
    let mut w = desk.write().await?;
    let (status, _) = status_of(&mut w, id).await?;
    ORDER.check(&w, "pass", status)?;
    let (facts, agreement_id) = facts(&mut w.tx, id, &desk.today()).await?;
    let results = review::evaluate(&facts);
    let step = if review::passed(&results) { "pass" } else { "hold" };
    let json = serde_json::to_string(&results).map_err(|e| Error::Storage(e.to_string()))?;
    let (now, user) = (w.stamp.now.clone(), w.stamp.user.id.clone());
    crate::records::set_columns(
        &mut w,
        "sales_order",
        id,
        &[
            ("review", Some(json)),
            ("agreement_id", agreement_id.clone()),
            ("reviewed_by", Some(user)),
            ("reviewed_at", Some(now)),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ORDER.take(&mut w, id, step, None).await?.note("status", &mut ch);
    ch.set("agreement_id", &agreement_id);
    let failed: Vec<&str> =
        results.iter().filter(|r| r.outcome != "passed").map(|r| r.rule.as_str()).collect();
    ch.set("failed_rules", &failed);
    audit::record(&mut w, "review", "sales_order", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// A manager lets a held order through with a recorded reason (R4.1.2).
pub async fn override_review(desk: &Desk, id: &str, reason: &str) -> Result<Order> {
    desk.require(Action::OrderOverride)?;
    let mut c = Checker::new();
    let reason = c.text("override_reason", reason, true, 1000, true);
    if !reason.is_empty() && reason.chars().count() < 4 {
        c.errors.push(crate::error::FieldError::with_limit("override_reason", "too_short", 4));
    }
    c.finish()?;
    let mut w = desk.write().await?;
    let (status, _) = status_of(&mut w, id).await?;
    ORDER.check(&w, "override", status)?;
    // R6.2.2: a suspended partner gets no orders until cooperation resumes, nor an ended one.
    require_partner_active(&mut w, id).await?;
    let (now, user) = (w.stamp.now.clone(), w.stamp.user.id.clone());
    crate::records::set_columns(
        &mut w,
        "sales_order",
        id,
        &[
            ("override_reason", Some(reason.clone())),
            ("overridden_by", Some(user)),
            ("overridden_at", Some(now)),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ORDER.take(&mut w, id, "override", Some(("override_reason", &reason))).await?.note("status", &mut ch);
    ch.set("override_reason", &reason);
    audit::record(&mut w, "override", "sales_order", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// Confirms an approved order with the contract signed for it (R4.1.2).
pub async fn confirm(desk: &Desk, id: &str, contract_ref: &str) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let mut c = Checker::new();
    let contract_ref = c.text("contract_ref", contract_ref, true, 80, false);
    c.finish()?;
    let mut w = desk.write().await?;
    let (status, _) = status_of(&mut w, id).await?;
    ORDER.check(&w, "confirm", status)?;
    require_partner_active(&mut w, id).await?;
    let (now, user) = (w.stamp.now.clone(), w.stamp.user.id.clone());
    crate::records::set_columns(
        &mut w,
        "sales_order",
        id,
        &[
            ("contract_ref", Some(contract_ref.clone())),
            ("confirmed_by", Some(user)),
            ("confirmed_at", Some(now)),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ORDER.take(&mut w, id, "confirm", None).await?.note("status", &mut ch);
    ch.set("contract_ref", &contract_ref);
    audit::record(&mut w, "confirm", "sales_order", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// Refuses (`status: partner_suspended`, or `partner_not_active` for a prospect or an ended
/// partner) unless the partner of order `id` is active (R6.2.2, R4.1.2).
async fn require_partner_active(w: &mut Write, id: &str) -> Result<()> {
    let partner_id: String = sqlx::query_scalar("SELECT partner_id FROM sales_order WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *w.tx)
        .await?;
    match crate::machines::PARTNER.state(&mut w.tx, &partner_id).await? {
        crate::partners::PartnerStatus::Active => Ok(()),
        crate::partners::PartnerStatus::Suspended => Err(Error::field("status", "partner_suspended")),
        _ => Err(Error::field("status", "partner_not_active")),
    }
}

/// Cancels an order that has not shipped, with a reason.
pub async fn cancel(desk: &Desk, id: &str, reason: &str) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let mut c = Checker::new();
    let reason = c.text("cancel_reason", reason, true, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let (status, _) = status_of(&mut w, id).await?;
    ORDER.check(&w, "cancel", status).map_err(|_| Error::field("status", status.as_str()))?;
    let shipped: i64 =
        sqlx::query_scalar("SELECT count(*) FROM shipment WHERE order_id = ? AND deleted_at IS NULL")
            .bind(id)
            .fetch_one(&mut *w.tx)
            .await?;
    if shipped > 0 {
        return Err(Error::field("status", "shipped"));
    }
    crate::records::set_columns(&mut w, "sales_order", id, &[("cancel_reason", Some(reason.clone()))])
        .await?;
    let mut ch = Changes::new();
    ORDER.take(&mut w, id, "cancel", Some(("cancel_reason", &reason))).await?.note("status", &mut ch);
    ch.set("cancel_reason", &reason);
    audit::record(&mut w, "cancel", "sales_order", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}
