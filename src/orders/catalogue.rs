//! The product and service catalogue (R4.1.1): products with their product line, unit and
//! currency, dated prices (the list price and a partner price per class), the price a partner
//! pays on a day, and the printed price list a partner takes to customers.
//!
//! Invariants: a code names one live product; a price is never edited in place once a later
//! one exists for its tier — a new price is a new row from its `valid_from`, so the price of
//! any past day stays what it was; setting the same tier and day again replaces that row.

use super::money_text;
use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::documents::Printed;
use crate::documents::layout::{Block, Frame, Table};
use crate::error::{Error, Result};
use crate::records::{Val, insert};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

pub const KINDS: [&str; 2] = ["product", "service"];
/// Price tiers: the list price and the partner price of each class.
pub const TIERS: [&str; 4] = ["list", "A", "B", "C"];

/// A product as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ProductInput {
    pub code: String,
    pub name: String,
    pub category: String,
    pub kind: String,
    pub unit: String,
    pub currency: String,
    pub description: String,
    pub after_sales: String,
    pub active: bool,
}

/// A product with its prices in force today, by tier.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Product {
    pub id: String,
    pub code: String,
    pub name: String,
    pub category: String,
    pub kind: String,
    pub unit: String,
    pub currency: String,
    pub description: String,
    pub after_sales: String,
    pub active: bool,
    /// Tier → price in minor units on the day asked for.
    #[ts(type = "Record<string, number>")]
    pub prices: BTreeMap<String, i64>,
    pub hlc: String,
}

/// One dated price.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct PriceRow {
    pub id: String,
    pub tier: String,
    #[ts(type = "number")]
    pub price_minor: i64,
    pub valid_from: String,
}

/// A product and its whole price history (the latest first).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ProductDetail {
    pub product: Product,
    pub history: Vec<PriceRow>,
}

/// A price to set from a day.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PriceInput {
    pub tier: String,
    #[ts(type = "number | null")]
    pub price_minor: Option<i64>,
    pub valid_from: String,
}

/// The catalogue list: text matches code, name or line.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ProductQuery {
    pub text: String,
    pub active_only: bool,
    /// Prices as on this day (today when empty).
    pub on: String,
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: String,
    code: String,
    name: String,
    category: String,
    kind: String,
    unit: String,
    currency: String,
    description: String,
    after_sales: String,
    active: i64,
    hlc: String,
    prices: String,
}

/// Prices on `:on` per product as a JSON object {tier: minor}.
const PRICES_ON: &str = "(SELECT json_group_object(tier, price_minor) FROM (
        SELECT pr.tier, pr.price_minor FROM price pr
        WHERE pr.product_id = p.id AND pr.deleted_at IS NULL AND pr.valid_from <= :on
          AND pr.valid_from = (SELECT max(x.valid_from) FROM price x WHERE x.product_id = p.id
              AND x.tier = pr.tier AND x.deleted_at IS NULL AND x.valid_from <= :on)))";

fn select(on: &str) -> String {
    format!(
        "SELECT p.id, p.code, p.name, p.category, p.kind, p.unit, p.currency, p.description, p.after_sales,
            p.active, p.hlc, COALESCE({}, '{{}}') AS prices FROM product p",
        PRICES_ON.replace(":on", &format!("'{}'", on.replace('\'', "")))
    )
}

fn to_product(r: ProductRow) -> Product {
    Product {
        id: r.id,
        code: r.code,
        name: r.name,
        category: r.category,
        kind: r.kind,
        unit: r.unit,
        currency: r.currency,
        description: r.description,
        after_sales: r.after_sales,
        active: r.active == 1,
        prices: serde_json::from_str(&r.prices).unwrap_or_default(),
        hlc: r.hlc,
    }
}

fn day_or_today(desk: &Desk, on: &str) -> Result<String> {
    if on.trim().is_empty() {
        return Ok(desk.today());
    }
    let mut c = Checker::new();
    let d = c.date("on", on, true);
    c.finish()?;
    Ok(d)
}

/// The catalogue, by line and code, with the prices on the day asked for.
pub async fn products(desk: &Desk, q: &ProductQuery) -> Result<Vec<Product>> {
    desk.require(Action::PartnerRead)?;
    let on = day_or_today(desk, &q.on)?;
    let like = format!("%{}%", q.text.trim().replace('%', "\\%").replace('_', "\\_"));
    let rows: Vec<ProductRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE p.deleted_at IS NULL AND (?1 = 0 OR p.active = 1)
            AND (p.code LIKE ?2 ESCAPE '\\' OR p.name LIKE ?2 ESCAPE '\\' OR p.category LIKE ?2 ESCAPE '\\')
         ORDER BY p.category, p.code",
        select(&on)
    )))
    .bind(q.active_only)
    .bind(like)
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.into_iter().map(to_product).collect())
}

/// One product with its price history.
pub async fn product(desk: &Desk, id: &str) -> Result<ProductDetail> {
    desk.require(Action::PartnerRead)?;
    let row: ProductRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE p.id = ? AND p.deleted_at IS NULL",
        select(&desk.today())
    )))
    .bind(id)
    .fetch_optional(desk.pool())
    .await?
    .ok_or_else(|| Error::NotFound { entity: "product", id: id.into() })?;
    let history: Vec<PriceRow> = sqlx::query_as(
        "SELECT id, tier, price_minor, valid_from FROM price WHERE product_id = ? AND deleted_at IS NULL
         ORDER BY valid_from DESC, CASE tier WHEN 'list' THEN 0 ELSE 1 END, tier",
    )
    .bind(id)
    .fetch_all(desk.pool())
    .await?;
    Ok(ProductDetail { product: to_product(row), history })
}

/// The product lines in use, for the agreement terms and the filters.
pub async fn categories(desk: &Desk) -> Result<Vec<String>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_scalar("SELECT DISTINCT category FROM product WHERE deleted_at IS NULL ORDER BY category")
        .fetch_all(desk.pool())
        .await?)
}

fn check_product(input: &ProductInput) -> Result<[String; 7]> {
    let mut c = Checker::new();
    let code = c.text("code", &input.code, true, 40, false).to_uppercase();
    if !code.is_empty()
        && !code.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || ch == '.')
    {
        c.push("code", "code_chars");
    }
    let name = c.text("name", &input.name, true, 120, false);
    let category = c.text("category", &input.category, true, 60, false);
    c.one_of("kind", &input.kind, &KINDS);
    let unit = c.text("unit", &input.unit, true, 20, false);
    c.one_of("currency", &input.currency, &super::CURRENCIES);
    let description = c.text("description", &input.description, false, 2000, true);
    let after_sales = c.text("after_sales", &input.after_sales, false, 2000, true);
    c.finish()?;
    Ok([code, name, category, unit, input.currency.clone(), description, after_sales])
}

async fn code_taken(conn: &mut sqlx::SqliteConnection, code: &str, except: &str) -> Result<bool> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT 1 FROM product WHERE code = ? AND id <> ? AND deleted_at IS NULL",
    )
    .bind(code)
    .bind(except)
    .fetch_optional(conn)
    .await?
    .is_some())
}

/// Adds a product to the catalogue; its detail.
pub async fn create_product(desk: &Desk, input: &ProductInput) -> Result<ProductDetail> {
    desk.require(Action::CatalogueManage)?;
    let [code, name, category, unit, currency, description, after_sales] = check_product(input)?;
    let mut w = desk.write().await?;
    if code_taken(&mut w.tx, &code, "").await? {
        return Err(Error::field("code", "taken"));
    }
    let id = insert(
        &mut w,
        "product",
        &[
            ("code", code.clone().into()),
            ("name", name.clone().into()),
            ("category", category.clone().into()),
            ("kind", input.kind.as_str().into()),
            ("unit", unit.clone().into()),
            ("currency", currency.clone().into()),
            ("description", description.clone().into()),
            ("after_sales", after_sales.clone().into()),
            ("active", Val::Int(Some(1))),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    for (k, v) in [
        ("code", &code),
        ("name", &name),
        ("category", &category),
        ("kind", &input.kind),
        ("unit", &unit),
        ("currency", &currency),
        ("description", &description),
        ("after_sales", &after_sales),
    ] {
        ch.set(k, v);
    }
    audit::record(&mut w, "create", "product", &id, &ch).await?;
    w.commit().await?;
    product(desk, &id).await
}

/// Changes a product (refused when someone changed it since `expected_hlc`); its detail.
/// The currency stays once prices exist.
pub async fn update_product(
    desk: &Desk,
    id: &str,
    expected_hlc: &str,
    input: &ProductInput,
) -> Result<ProductDetail> {
    desk.require(Action::CatalogueManage)?;
    let [code, name, category, unit, currency, description, after_sales] = check_product(input)?;
    let mut w = desk.write().await?;
    if code_taken(&mut w.tx, &code, id).await? {
        return Err(Error::field("code", "taken"));
    }
    let (old_currency, priced, was_active): (String, i64, i64) = sqlx::query_as(
        "SELECT currency, (SELECT count(*) FROM price WHERE product_id = product.id AND deleted_at IS NULL), active
         FROM product WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "product", id: id.into() })?;
    if old_currency != currency && priced > 0 {
        return Err(Error::field("currency", "priced"));
    }
    let active = if input.active { "1" } else { "0" };
    let mut ch = crate::records::update_texts(
        &mut w,
        "product",
        id,
        expected_hlc,
        &["code", "name", "category", "unit", "currency", "description", "after_sales", "kind"],
        &[code, name, category, unit, currency, description, after_sales, input.kind.clone()],
    )
    .await?;
    if ch.diff("active", &(was_active == 1), &input.active) {
        crate::records::set_columns(&mut w, "product", id, &[("active", Some(active.into()))]).await?;
    }
    if !ch.is_empty() {
        audit::record(&mut w, "update", "product", id, &ch).await?;
    }
    w.commit().await?;
    product(desk, id).await
}

/// Sets a product's price of one tier from a day (R4.1.1); the same tier and day again
/// replaces that price. Its detail.
pub async fn set_price(desk: &Desk, product_id: &str, input: &PriceInput) -> Result<ProductDetail> {
    desk.require(Action::CatalogueManage)?;
    let mut c = Checker::new();
    c.one_of("tier", &input.tier, &TIERS);
    match input.price_minor {
        Some(p) if (0..=super::MAX_MINOR).contains(&p) => {}
        Some(_) => c.push("price_minor", "range"),
        None => c.push("price_minor", "required"),
    }
    let from = c.date("valid_from", &input.valid_from, true);
    c.finish()?;
    let price = input.price_minor.unwrap_or_default();
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "product", product_id, "product_id").await?;
    let same: Option<(String, i64)> = sqlx::query_as(
        "SELECT id, price_minor FROM price WHERE product_id = ? AND tier = ? AND valid_from = ? AND deleted_at IS NULL",
    )
    .bind(product_id)
    .bind(&input.tier)
    .bind(&from)
    .fetch_optional(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("product_id", &product_id);
    ch.set("tier", &input.tier);
    ch.set("valid_from", &from);
    match same {
        Some((id, before)) => {
            if before != price {
                crate::records::set_columns(
                    &mut w,
                    "price",
                    &id,
                    &[("price_minor", Some(price.to_string()))],
                )
                .await?;
                ch.diff("price_minor", &before, &price);
                audit::record(&mut w, "update", "price", &id, &ch).await?;
            }
        }
        None => {
            let id = insert(
                &mut w,
                "price",
                &[
                    ("product_id", product_id.into()),
                    ("tier", input.tier.as_str().into()),
                    ("price_minor", price.into()),
                    ("valid_from", from.clone().into()),
                ],
            )
            .await?;
            ch.set("price_minor", &price);
            audit::record(&mut w, "create", "price", &id, &ch).await?;
        }
    }
    w.commit().await?;
    product(desk, product_id).await
}

/// Removes a price entered by mistake; its product's detail.
pub async fn remove_price(desk: &Desk, price_id: &str) -> Result<ProductDetail> {
    desk.require(Action::CatalogueManage)?;
    let mut w = desk.write().await?;
    let product_id: String =
        sqlx::query_scalar("SELECT product_id FROM price WHERE id = ? AND deleted_at IS NULL")
            .bind(price_id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "price", id: price_id.into() })?;
    crate::records::tombstone(&mut w, "price", price_id).await?;
    audit::record(&mut w, "delete", "price", price_id, &Changes::new()).await?;
    w.commit().await?;
    product(desk, &product_id).await
}

/// The price of `product_id` in `tier` on `on` inside a connection, if one is set.
pub(crate) async fn price_on(
    conn: &mut sqlx::SqliteConnection,
    product_id: &str,
    tier: &str,
    on: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT price_minor FROM price WHERE product_id = ? AND tier = ? AND valid_from <= ? AND deleted_at IS NULL
         ORDER BY valid_from DESC LIMIT 1",
    )
    .bind(product_id)
    .bind(tier)
    .bind(on)
    .fetch_optional(conn)
    .await?)
}

/// What to print in a price list: the tier and the day.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PriceListInput {
    /// `list` (for customers) or a partner class.
    pub tier: String,
    /// Prices in force on this day (today when empty).
    pub on: String,
}

/// The printed price list (价目表) of the active products on a day (R4.1.1): one table per
/// product line with code, name, unit, the list price and, for a class, the partner price;
/// the after-sales terms of each product follow.
pub async fn price_list_pdf(desk: &Desk, input: &PriceListInput) -> Result<Printed> {
    desk.require(Action::PartnerRead)?;
    let mut c = Checker::new();
    c.one_of("tier", &input.tier, &TIERS);
    c.finish()?;
    let on = day_or_today(desk, &input.on)?;
    let all =
        products(desk, &ProductQuery { text: String::new(), active_only: true, on: on.clone() }).await?;
    let partner = input.tier != "list";
    let title = if partner {
        format!("渠道价目表（{} 类合作伙伴）", input.tier)
    } else {
        "产品与服务价目表".to_string()
    };
    let mut blocks = vec![Block::Title { text: title.clone(), sub: Some(format!("{on} 起执行")) }];
    let mut lines: BTreeMap<&str, Vec<&Product>> = BTreeMap::new();
    for p in &all {
        lines.entry(&p.category).or_default().push(p);
    }
    let mut fp_parts = vec![input.tier.clone(), on.clone()];
    for (line, items) in &lines {
        blocks.push(Block::Heading((*line).to_string()));
        let mut header = vec!["编号".to_string(), "名称".into(), "单位".into(), "目录价".into()];
        if partner {
            header.push(format!("{} 类价格", input.tier));
        }
        let rows = items
            .iter()
            .map(|p| {
                let list =
                    p.prices.get("list").map(|v| money_text(*v, &p.currency)).unwrap_or_else(|| "—".into());
                let mut row = vec![p.code.clone(), p.name.clone(), p.unit.clone(), list];
                if partner {
                    row.push(
                        p.prices
                            .get(&input.tier)
                            .map(|v| money_text(*v, &p.currency))
                            .unwrap_or_else(|| "—".into()),
                    );
                }
                fp_parts.push(format!("{}:{}:{:?}", p.id, p.hlc, p.prices));
                row
            })
            .collect();
        let widths = if partner { vec![1.3, 3.2, 0.7, 1.6, 1.6] } else { vec![1.3, 3.9, 0.8, 1.8] };
        blocks.push(Block::Table(Table { header, widths, rows }));
    }
    if all.is_empty() {
        blocks.push(Block::Paragraph("目录中没有在售的产品或服务。".into()));
    }
    let terms: Vec<&&Product> = lines.values().flatten().filter(|p| !p.after_sales.is_empty()).collect();
    if !terms.is_empty() {
        blocks.push(Block::Heading("售后服务条款".into()));
        blocks.push(Block::Table(Table {
            header: vec!["产品或服务".into(), "售后服务".into()],
            widths: vec![2.0, 5.0],
            rows: terms
                .iter()
                .map(|p| vec![format!("{} {}", p.code, p.name), p.after_sales.clone()])
                .collect(),
        }));
    }
    blocks.push(Block::Note("价格调整以公司书面通知为准；通知前已经确认的订单仍按原价格执行。".into()));
    let refs: Vec<&str> = fp_parts.iter().map(String::as_str).collect();
    let fingerprint = crate::documents::content_fingerprint(&refs);
    let number = format!("PL-{}-{}", input.tier.to_uppercase(), on);
    let frame = Frame {
        title: title.clone(),
        header: title,
        number: number.clone(),
        fingerprint,
        made_on: on,
        ..Frame::default()
    };
    crate::documents::issue(desk, "price_list", blocks, frame).await
}
