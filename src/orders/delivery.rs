//! Delivery and after-sales (R4.2.1, R4.2.2): shipments of confirmed orders — partial ones
//! allowed — with carrier, tracking number, expected arrival and delivery; and after-sales
//! cases (installation, training, maintenance, troubleshooting) with owner, status, the
//! customer's feedback and satisfaction.
//!
//! Invariants: only a confirmed order ships; a shipment never takes more of a line than is
//! left to ship; its `amount_minor` is the value of its lines, written with them (they never
//! change); nothing ships before the order day nor arrives before it shipped; a case is
//! resolved with a resolution and its satisfaction is 1–5.

use super::Order;
use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, FieldError, Result};
use crate::machines::SHIPMENT;
use crate::paging::{PAGE, Page};
use crate::records::{Val, insert};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const CASE_KINDS: [&str; 4] = ["installation", "training", "maintenance", "troubleshooting"];

/// A quantity of one order line to ship.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ShipLine {
    pub order_line_id: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

/// A shipment as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ShipmentInput {
    pub shipped_on: String,
    pub carrier: String,
    pub tracking_no: String,
    pub expected_on: String,
    pub note: String,
    pub lines: Vec<ShipLine>,
}

/// A shipment line: which order line, how many.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShippedLine {
    #[ts(type = "number")]
    pub line_no: i64,
    pub product_name: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

/// A shipment and where it is.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Shipment {
    pub id: String,
    pub shipped_on: String,
    pub carrier: String,
    pub tracking_no: String,
    pub expected_on: String,
    pub delivered_on: Option<String>,
    pub note: String,
    pub lines: Vec<ShippedLine>,
    pub recorded_by: Option<String>,
    /// What the signed-in person may do with it now (its life cycle's steps).
    pub actions: Vec<&'static str>,
}

#[derive(sqlx::FromRow)]
struct ShipmentRow {
    id: String,
    shipped_on: String,
    carrier: String,
    tracking_no: String,
    expected_on: String,
    delivered_on: Option<String>,
    note: String,
    lines: String,
    recorded_by: Option<String>,
}

/// An order's shipments, the first first.
pub(crate) async fn shipments_of(desk: &Desk, order_id: &str) -> Result<Vec<Shipment>> {
    let rows: Vec<ShipmentRow> = sqlx::query_as(
        "SELECT s.id, s.shipped_on, s.carrier, s.tracking_no, s.expected_on, s.delivered_on, s.note,
            (SELECT json_group_array(json_object('line_no', l.line_no, 'product_name', p.name, 'quantity', sl.quantity))
             FROM shipment_line sl JOIN order_line l ON l.id = sl.order_line_id JOIN product p ON p.id = l.product_id
             WHERE sl.shipment_id = s.id AND sl.deleted_at IS NULL) AS lines,
            (SELECT l.user_name FROM audit_log l WHERE l.entity = 'shipment' AND l.entity_id = s.id
                AND l.operation = 'create') AS recorded_by
         FROM shipment s WHERE s.order_id = ? AND s.deleted_at IS NULL ORDER BY s.shipped_on, s.created_at",
    )
    .bind(order_id)
    .fetch_all(desk.pool())
    .await?;
    let roles = crate::machines::session_roles(desk);
    Ok(rows
        .into_iter()
        .map(|r| Shipment {
            actions: SHIPMENT.offers_dated(&roles, &r.delivered_on),
            id: r.id,
            shipped_on: r.shipped_on,
            carrier: r.carrier,
            tracking_no: r.tracking_no,
            expected_on: r.expected_on,
            delivered_on: r.delivered_on,
            note: r.note,
            lines: serde_json::from_str(&r.lines).unwrap_or_default(),
            recorded_by: r.recorded_by,
        })
        .collect())
}

/// The partner and order day of confirmed order `order_id` (`status: not_confirmed` otherwise).
async fn confirmed_order(w: &mut crate::desk::Write, order_id: &str) -> Result<(String, String)> {
    let (status, partner_id, ordered_on): (String, String, String) = sqlx::query_as(
        "SELECT status, partner_id, ordered_on FROM sales_order WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(order_id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "sales_order", id: order_id.into() })?;
    if status != "confirmed" {
        return Err(Error::field("status", "not_confirmed"));
    }
    Ok((partner_id, ordered_on))
}

/// Records a shipment of a confirmed order (R4.2.1); part of what is left may ship.
pub async fn ship(desk: &Desk, order_id: &str, input: &ShipmentInput) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let mut c = Checker::new();
    let shipped_on = c.date("shipped_on", &input.shipped_on, true);
    let expected_on = c.date("expected_on", &input.expected_on, true);
    if shipped_on.len() == 10 && expected_on.len() == 10 && expected_on < shipped_on {
        c.push("expected_on", "before_shipping");
    }
    let carrier = c.text("carrier", &input.carrier, false, 60, false);
    let tracking_no = c.text("tracking_no", &input.tracking_no, false, 60, false);
    let note = c.text("note", &input.note, false, 1000, true);
    let wanted: Vec<&ShipLine> = input.lines.iter().filter(|l| l.quantity != 0).collect();
    if wanted.is_empty() {
        c.push("lines", "required");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    let (partner_id, ordered_on) = confirmed_order(&mut w, order_id).await?;
    if shipped_on < ordered_on {
        return Err(Error::field("shipped_on", "before_order"));
    }
    let left = super::lines_of(&mut *w.tx, order_id).await?;
    let mut errors = Vec::new();
    let mut amount: i64 = 0;
    for (i, l) in input.lines.iter().enumerate() {
        if l.quantity == 0 {
            continue;
        }
        match left.iter().find(|x| x.id == l.order_line_id) {
            None => errors.push(FieldError::new(format!("lines.{i}.order_line_id"), "unknown")),
            Some(x) if l.quantity < 0 || l.quantity > x.quantity - x.shipped => {
                errors.push(FieldError::with_limit(
                    format!("lines.{i}.quantity"),
                    "max_left",
                    (x.quantity - x.shipped).max(0) as u32,
                ))
            }
            Some(x) => amount += l.quantity * x.unit_price_minor,
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = insert(
        &mut w,
        "shipment",
        &[
            ("order_id", order_id.into()),
            ("partner_id", partner_id.into()),
            ("shipped_on", shipped_on.clone().into()),
            ("amount_minor", amount.into()),
            ("carrier", carrier.clone().into()),
            ("tracking_no", tracking_no.clone().into()),
            ("expected_on", expected_on.clone().into()),
            ("note", note.into()),
        ],
    )
    .await?;
    let mut shipped = Vec::new();
    for l in wanted {
        insert(
            &mut w,
            "shipment_line",
            &[
                ("shipment_id", id.as_str().into()),
                ("order_line_id", l.order_line_id.as_str().into()),
                ("quantity", l.quantity.into()),
            ],
        )
        .await?;
        shipped.push(serde_json::json!({"order_line_id": l.order_line_id, "quantity": l.quantity}));
    }
    let mut ch = Changes::new();
    ch.set("order_id", &order_id);
    ch.set("shipped_on", &shipped_on);
    ch.set("amount_minor", &amount);
    ch.set("carrier", &carrier);
    ch.set("tracking_no", &tracking_no);
    ch.set("expected_on", &expected_on);
    ch.set("lines", &shipped);
    audit::record(&mut w, "create", "shipment", &id, &ch).await?;
    w.commit().await?;
    super::get(desk, order_id).await
}

/// Records that a shipment arrived (R4.2.1).
pub async fn deliver(desk: &Desk, shipment_id: &str, delivered_on: &str) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let mut c = Checker::new();
    let on = c.date("delivered_on", delivered_on, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let (order_id, shipped_on, before): (String, String, Option<String>) = sqlx::query_as(
        "SELECT order_id, shipped_on, delivered_on FROM shipment WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(shipment_id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "shipment", id: shipment_id.into() })?;
    if on < shipped_on {
        return Err(Error::field("delivered_on", "before_shipping"));
    }
    let mut ch = Changes::new();
    if ch.diff("delivered_on", &before, &Some(on.clone())) {
        SHIPMENT.take_on(&mut w, shipment_id, "deliver", &on).await?;
        audit::record(&mut w, "deliver", "shipment", shipment_id, &ch).await?;
    }
    w.commit().await?;
    super::get(desk, &order_id).await
}

/// An after-sales case as opened.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct CaseInput {
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub owner_id: String,
    pub opened_on: String,
}

/// A change of a case: where it stands, who has it, what was done, what the customer said.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct CaseUpdate {
    pub status: String,
    pub owner_id: String,
    pub resolution: String,
    pub resolved_on: String,
    pub feedback: String,
    #[ts(type = "number | null")]
    pub satisfaction: Option<i64>,
}

/// An after-sales case.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Case {
    pub id: String,
    pub order_id: String,
    pub order_number: String,
    pub partner_id: String,
    pub partner_name: String,
    pub customer_name: String,
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub status: crate::machines::CaseStatus,
    /// The states the signed-in person may move it to, the current one first (the case
    /// form's choice; R4.2.2).
    #[sqlx(skip)]
    pub next: Vec<crate::machines::CaseStatus>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub opened_on: String,
    pub resolved_on: Option<String>,
    pub resolution: String,
    pub feedback: String,
    #[ts(type = "number | null")]
    pub satisfaction: Option<i64>,
    pub hlc: String,
}

const CASE_SELECT: &str = "SELECT c.id, c.order_id, o.number AS order_number, c.partner_id, p.name AS partner_name,
        o.customer_name, c.kind, c.subject, c.detail, c.status, c.owner_id, u.display_name AS owner_name, c.opened_on,
        c.resolved_on, c.resolution, c.feedback, c.satisfaction, c.hlc
     FROM aftersales_case c JOIN sales_order o ON o.id = c.order_id JOIN partner p ON p.id = c.partner_id
     LEFT JOIN app_user u ON u.id = c.owner_id";

pub(crate) async fn cases_of(desk: &Desk, order_id: &str) -> Result<Vec<Case>> {
    let me = desk.require(Action::PartnerRead)?;
    let mut cases: Vec<Case> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CASE_SELECT} WHERE c.order_id = ? AND c.deleted_at IS NULL ORDER BY c.opened_on, c.created_at"
    )))
    .bind(order_id)
    .fetch_all(desk.pool())
    .await?;
    for c in &mut cases {
        c.next = crate::machines::AFTERSALES.next_states(&me.roles, c.status);
    }
    Ok(cases)
}

/// After-sales cases across orders: the open ones (open and in progress) or all, the latest
/// first; a page of [`PAGE`] from `offset` with the count of all.
pub async fn cases(desk: &Desk, open_only: bool, offset: i64) -> Result<Page<Case>> {
    desk.require(Action::PartnerRead)?;
    let filter = "c.deleted_at IS NULL AND (?1 = 0 OR c.status IN ('open', 'in_progress'))";
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM aftersales_case c WHERE {filter}"
    )))
    .bind(open_only)
    .fetch_one(desk.pool())
    .await?;
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CASE_SELECT} WHERE {filter} ORDER BY c.opened_on DESC, c.created_at DESC, c.id LIMIT ?2 OFFSET ?3"
    )))
    .bind(open_only)
    .bind(PAGE)
    .bind(offset.max(0))
    .fetch_all(desk.pool())
    .await?;
    Ok(Page { total, size: PAGE, rows })
}

/// Opens an after-sales case on an order (R4.2.2).
pub async fn open_case(desk: &Desk, order_id: &str, input: &CaseInput) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let mut c = Checker::new();
    c.one_of("kind", &input.kind, &CASE_KINDS);
    let subject = c.text("subject", &input.subject, true, 200, false);
    let detail = c.text("detail", &input.detail, false, 4000, true);
    let opened_on = c.date_until("opened_on", &input.opened_on, true, &desk.today());
    c.finish()?;
    let mut w = desk.write().await?;
    let (partner_id, _) = confirmed_order(&mut w, order_id).await?;
    let owner = (!input.owner_id.is_empty()).then(|| input.owner_id.clone());
    if let Some(o) = &owner {
        crate::records::require_live(&mut w.tx, "app_user", o, "owner_id").await?;
    }
    let id = insert(
        &mut w,
        "aftersales_case",
        &[
            ("order_id", order_id.into()),
            ("partner_id", partner_id.into()),
            ("kind", input.kind.as_str().into()),
            ("subject", subject.clone().into()),
            ("detail", detail.into()),
            ("owner_id", Val::Text(owner.clone())),
            ("opened_on", opened_on.clone().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("order_id", &order_id);
    ch.set("kind", &input.kind);
    ch.set("subject", &subject);
    ch.set("owner_id", &owner);
    ch.set("opened_on", &opened_on);
    audit::record(&mut w, "create", "aftersales_case", &id, &ch).await?;
    w.commit().await?;
    super::get(desk, order_id).await
}

#[derive(sqlx::FromRow)]
struct CaseState {
    order_id: String,
    hlc: String,
    opened_on: String,
    owner_id: Option<String>,
    satisfaction: Option<i64>,
    resolved_on: Option<String>,
}

/// Updates a case (refused when someone changed it since `expected_hlc`).
pub async fn update_case(desk: &Desk, id: &str, expected_hlc: &str, input: &CaseUpdate) -> Result<Order> {
    desk.require(Action::OrderWrite)?;
    let mut c = Checker::new();
    let states: Vec<&str> = crate::machines::CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
    c.one_of("status", &input.status, &states);
    let resolution = c.text("resolution", &input.resolution, false, 4000, true);
    let feedback = c.text("feedback", &input.feedback, false, 4000, true);
    let done = matches!(input.status.as_str(), "resolved" | "closed");
    let resolved_on = if done {
        c.date_until("resolved_on", &input.resolved_on, true, &desk.today())
    } else {
        String::new()
    };
    if done && resolution.is_empty() {
        c.push("resolution", "required");
    }
    if let Some(s) = input.satisfaction
        && !(1..=5).contains(&s)
    {
        c.push("satisfaction", "range");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    let row: Option<CaseState> = sqlx::query_as(
        "SELECT order_id, hlc, opened_on, owner_id, satisfaction, resolved_on FROM aftersales_case
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let CaseState {
        order_id,
        hlc,
        opened_on,
        owner_id: owner_before,
        satisfaction: sat_before,
        resolved_on: resolved_before,
    } = row.ok_or_else(|| Error::NotFound { entity: "aftersales_case", id: id.into() })?;
    if hlc != expected_hlc {
        return Err(Error::stale(id, ""));
    }
    if done && resolved_on < opened_on {
        return Err(Error::field("resolved_on", "before_opening"));
    }
    let owner = (!input.owner_id.is_empty()).then(|| input.owner_id.clone());
    if let Some(o) = &owner {
        crate::records::require_live(&mut w.tx, "app_user", o, "owner_id").await?;
    }
    // The status moves only along the after-sales machine (R4.2.2).
    let machine = &crate::machines::AFTERSALES;
    let from = machine.state(&mut w.tx, id).await?;
    let to = crate::machines::CaseStatus::parse(&input.status).unwrap_or(from);
    let step = if to == from {
        None
    } else {
        Some(machine.step_to(from, to).ok_or_else(|| Error::field("status", &format!("from_{from}")))?)
    };
    if let Some(step) = step {
        machine.check(&w, step.action, from)?;
    }
    let mut ch = crate::records::update_texts(
        &mut w,
        "aftersales_case",
        id,
        expected_hlc,
        &["resolution", "feedback"],
        &[resolution.clone(), feedback],
    )
    .await?;
    if let Some(step) = step {
        machine
            .take(&mut w, id, step.action, Some(("resolution", &resolution)))
            .await?
            .note("status", &mut ch);
    }
    let resolved = done.then_some(resolved_on);
    let mut sets: Vec<(&str, Option<String>)> = Vec::new();
    if ch.diff("owner_id", &owner_before, &owner) {
        sets.push(("owner_id", owner));
    }
    if ch.diff("satisfaction", &sat_before, &input.satisfaction) {
        sets.push(("satisfaction", input.satisfaction.map(|s| s.to_string())));
    }
    if ch.diff("resolved_on", &resolved_before, &resolved) {
        sets.push(("resolved_on", resolved));
    }
    if !sets.is_empty() {
        crate::records::set_columns(&mut w, "aftersales_case", id, &sets).await?;
    }
    if !ch.is_empty() {
        audit::record(&mut w, "update", "aftersales_case", id, &ch).await?;
    }
    w.commit().await?;
    super::get(desk, &order_id).await
}
