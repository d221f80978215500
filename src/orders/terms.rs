//! The trade terms of an agreement (R4.1.2, R4.3.1): the structured reading of its scope,
//! prices and settlement clauses that orders are reviewed and statements made by — territory
//! (provinces), product lines, price basis, settlement method and cycle, payment days,
//! currency, credit limit, commission and rebate rates.
//!
//! Invariants: terms belong to a master agreement (not an amendment) that is not closed;
//! until they are recorded (`terms_on`) the order review reports them missing; every change
//! is audited with its before and after.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const PRICE_BASES: [&str; 5] = ["class", "A", "B", "C", "discount"];
pub const METHODS: [&str; 2] = ["purchase", "commission"];
pub const CYCLES: [&str; 4] = ["monthly", "quarterly", "half_yearly", "yearly"];

/// The terms as entered. Rates are basis points (1 % = 100).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(default)]
pub struct TermsInput {
    /// Province codes; empty for the whole country.
    pub territory: Vec<String>,
    /// Product lines; empty for every line.
    pub categories: Vec<String>,
    pub price_basis: String,
    #[ts(type = "number")]
    pub discount_bp: i64,
    pub settle_method: String,
    pub settle_cycle: String,
    #[ts(type = "number")]
    pub payment_days: i64,
    pub currency: String,
    #[ts(type = "number | null")]
    pub credit_limit_minor: Option<i64>,
    #[ts(type = "number")]
    pub commission_bp: i64,
    #[ts(type = "number")]
    pub rebate_bp: i64,
}

/// An agreement's trade terms and whether they were recorded.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TradeTerms {
    pub agreement_id: String,
    pub number: String,
    pub partner_id: String,
    /// When the terms were recorded; `None` while they are the defaults.
    pub terms_on: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub terms: TermsInput,
    pub hlc: String,
}

/// An agreement's terms as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TermsRow {
    pub id: String,
    pub number: String,
    pub partner_id: String,
    pub kind: String,
    pub status: String,
    pub terms_on: Option<String>,
    pub territory: String,
    pub categories: String,
    pub price_basis: String,
    pub discount_bp: i64,
    pub settle_method: String,
    pub settle_cycle: String,
    pub payment_days: i64,
    pub currency: String,
    pub credit_limit_minor: Option<i64>,
    pub commission_bp: i64,
    pub rebate_bp: i64,
    pub hlc: String,
}

pub(crate) const TERMS_SELECT: &str =
    "SELECT id, number, partner_id, kind, status, terms_on, territory, categories,
    price_basis, discount_bp, settle_method, settle_cycle, payment_days, currency, credit_limit_minor,
    commission_bp, rebate_bp, hlc FROM agreement";

impl TermsRow {
    pub fn into_terms(self) -> TradeTerms {
        TradeTerms {
            agreement_id: self.id,
            number: self.number,
            partner_id: self.partner_id,
            terms_on: self.terms_on,
            terms: TermsInput {
                territory: serde_json::from_str(&self.territory).unwrap_or_default(),
                categories: serde_json::from_str(&self.categories).unwrap_or_default(),
                price_basis: self.price_basis,
                discount_bp: self.discount_bp,
                settle_method: self.settle_method,
                settle_cycle: self.settle_cycle,
                payment_days: self.payment_days,
                currency: self.currency,
                credit_limit_minor: self.credit_limit_minor,
                commission_bp: self.commission_bp,
                rebate_bp: self.rebate_bp,
            },
            hlc: self.hlc,
        }
    }
}

pub(crate) async fn load(conn: &mut sqlx::SqliteConnection, agreement_id: &str) -> Result<TermsRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{TERMS_SELECT} WHERE id = ? AND deleted_at IS NULL")))
        .bind(agreement_id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "agreement", id: agreement_id.into() })
}

/// An agreement's trade terms.
pub async fn terms(desk: &Desk, agreement_id: &str) -> Result<TradeTerms> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    Ok(load(&mut conn, agreement_id).await?.into_terms())
}

/// Checks terms; the cleaned copy.
pub fn check(input: &TermsInput) -> Result<TermsInput> {
    let mut c = Checker::new();
    let mut territory: Vec<String> = Vec::new();
    for code in &input.territory {
        if crate::reference::province(code).is_none() {
            c.push("territory", "unknown");
        } else if !territory.contains(code) {
            territory.push(code.clone());
        }
    }
    territory.sort();
    let mut categories: Vec<String> = Vec::new();
    for (i, cat) in input.categories.iter().enumerate() {
        let v = c.text(&format!("categories.{i}"), cat, true, 60, false);
        if !v.is_empty() && !categories.contains(&v) {
            categories.push(v);
        }
    }
    c.one_of("price_basis", &input.price_basis, &PRICE_BASES);
    if input.price_basis == "discount" && !(1..=9999).contains(&input.discount_bp) {
        c.push("discount_bp", "range");
    }
    c.one_of("settle_method", &input.settle_method, &METHODS);
    c.one_of("settle_cycle", &input.settle_cycle, &CYCLES);
    if !(0..=365).contains(&input.payment_days) {
        c.push("payment_days", "range");
    }
    c.one_of("currency", &input.currency, &super::CURRENCIES);
    if let Some(l) = input.credit_limit_minor
        && !(0..=super::MAX_MINOR).contains(&l)
    {
        c.push("credit_limit_minor", "range");
    }
    for (field, v) in [("commission_bp", input.commission_bp), ("rebate_bp", input.rebate_bp)] {
        if !(0..=10_000).contains(&v) {
            c.push(field, "range");
        }
    }
    c.finish()?;
    Ok(TermsInput {
        territory,
        categories,
        discount_bp: if input.price_basis == "discount" { input.discount_bp } else { 0 },
        ..input.clone()
    })
}

/// Records an agreement's trade terms (R4.1.2, R4.3.1), refused when someone changed the
/// agreement since `expected_hlc`; the terms as stored.
pub async fn set_terms(
    desk: &Desk,
    agreement_id: &str,
    expected_hlc: &str,
    input: &TermsInput,
) -> Result<TradeTerms> {
    desk.require(Action::OrderWrite)?;
    let t = check(input)?;
    let mut w = desk.write().await?;
    let before = load(&mut w.tx, agreement_id).await?;
    if before.kind == "amendment" {
        return Err(Error::field("agreement_id", "amendment"));
    }
    if before.status == "closed" {
        return Err(Error::field("agreement_id", "closed"));
    }
    if before.hlc != expected_hlc {
        return Err(Error::stale(agreement_id, before.number.clone()));
    }
    let old = before.into_terms();
    let mut ch = Changes::new();
    let mut sets: Vec<(&str, Option<String>)> = Vec::new();
    let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    let pairs: [(&str, String, String); 11] = [
        ("territory", json(&old.terms.territory), json(&t.territory)),
        ("categories", json(&old.terms.categories), json(&t.categories)),
        ("price_basis", old.terms.price_basis.clone(), t.price_basis.clone()),
        ("discount_bp", old.terms.discount_bp.to_string(), t.discount_bp.to_string()),
        ("settle_method", old.terms.settle_method.clone(), t.settle_method.clone()),
        ("settle_cycle", old.terms.settle_cycle.clone(), t.settle_cycle.clone()),
        ("payment_days", old.terms.payment_days.to_string(), t.payment_days.to_string()),
        ("currency", old.terms.currency.clone(), t.currency.clone()),
        (
            "credit_limit_minor",
            old.terms.credit_limit_minor.map(|v| v.to_string()).unwrap_or_default(),
            t.credit_limit_minor.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("commission_bp", old.terms.commission_bp.to_string(), t.commission_bp.to_string()),
        ("rebate_bp", old.terms.rebate_bp.to_string(), t.rebate_bp.to_string()),
    ];
    for (col, a, b) in pairs {
        if ch.diff(col, &a, &b) {
            sets.push((col, if b.is_empty() { None } else { Some(b) }));
        }
    }
    if old.terms_on.is_none() {
        sets.push(("terms_on", Some(desk.today())));
        ch.set("terms_on", &desk.today());
    }
    if !sets.is_empty() {
        // Numbers are stored as text by set_columns; STRICT integer columns convert them back.
        crate::records::set_columns(&mut w, "agreement", agreement_id, &sets).await?;
        audit::record(&mut w, "terms", "agreement", agreement_id, &ch).await?;
    }
    w.commit().await?;
    terms(desk, agreement_id).await
}
