//! The trade terms of an agreement (R4.1.2, R4.3.1): the structured reading of its scope,
//! prices and settlement clauses that orders are reviewed and statements made by — territory
//! (provinces, cities, districts), product lines, price basis, settlement method and cycle, payment days,
//! currency, credit limit, commission and rebate rates.
//!
//! The territory, settlement cycle and payment days are typed once, in the agreement's
//! variables (issue 23): signing takes them over (an amendment's signing, into the agreement it
//! amends), and here they are shown as stated and cannot be changed.
//!
//! Invariants: terms belong to a master agreement (not an amendment) that is not closed;
//! until they are recorded (`terms_on`) the order review reports them missing; every change
//! is audited with its before and after; a term the signed text states is never changed here
//! (`<field>: from_agreement`).

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const PRICE_BASES: [&str; 5] = ["class", "A", "B", "C", "discount"];
pub const METHODS: [&str; 2] = ["purchase", "commission"];
pub use crate::agreements::CYCLE_CODES as CYCLES;

/// The terms as entered. Rates are basis points (1 % = 100).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(default)]
pub struct TermsInput {
    /// Division codes (provinces, cities, districts: `crate::reference`); empty for the whole
    /// country.
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
    /// The terms the signed agreement states in its own text (`territory`, `settle_cycle`,
    /// `payment_days`): taken from it, not typed here (issue 23).
    pub from_agreement: Vec<String>,
    /// The territory in words (广东省广州市、佛山市); empty for the whole country.
    pub territory_text: String,
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
        let territory: Vec<String> = serde_json::from_str(&self.territory).unwrap_or_default();
        TradeTerms {
            territory_text: crate::reference::territory_text(&territory)
                .unwrap_or_else(|| territory.join("、")),
            from_agreement: Vec::new(),
            agreement_id: self.id,
            number: self.number,
            partner_id: self.partner_id,
            terms_on: self.terms_on,
            terms: TermsInput {
                territory,
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
    let t = load(&mut conn, agreement_id).await?.into_terms();
    with_stated(&mut conn, t).await
}

/// `t` with [`TradeTerms::from_agreement`]: the terms the agreement's signed text (or a signed
/// amendment of it) states, where they are the terms recorded (an agreement signed before its
/// variables were read may state free text, or other days than those typed here: those stay
/// editable).
async fn with_stated(conn: &mut sqlx::SqliteConnection, mut t: TradeTerms) -> Result<TradeTerms> {
    let texts: Vec<String> = sqlx::query_scalar(
        "SELECT v.variables FROM agreement a JOIN agreement_version v ON v.id = a.signed_version_id
          WHERE (a.id = ? OR a.master_id = ?) AND a.deleted_at IS NULL
            AND a.status IN ('signed', 'ended', 'closed')",
    )
    .bind(&t.agreement_id)
    .bind(&t.agreement_id)
    .fetch_all(&mut *conn)
    .await?;
    for text in texts {
        let stated = crate::agreements::stated_terms(&serde_json::from_str(&text).unwrap_or_default());
        let fields = [
            ("territory", stated.territory.is_some_and(|x| x == t.terms.territory)),
            ("settle_cycle", stated.settle_cycle.is_some_and(|x| x == t.terms.settle_cycle)),
            ("payment_days", stated.payment_days.is_some_and(|x| x == t.terms.payment_days)),
        ];
        for (field, same) in fields {
            if same && !t.from_agreement.iter().any(|f| f == field) {
                t.from_agreement.push(field.to_string());
            }
        }
    }
    Ok(t)
}

/// Checks terms; the cleaned copy.
pub fn check(input: &TermsInput) -> Result<TermsInput> {
    let mut c = Checker::new();
    let territory = crate::reference::territory(&input.territory).unwrap_or_else(|_| {
        c.push("territory", "unknown");
        Vec::new()
    });
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
    let old = with_stated(&mut w.tx, before.into_terms()).await?;
    // What the signed text states changes only by an amendment (issue 23).
    let mut c = Checker::new();
    for field in &old.from_agreement {
        let same = match field.as_str() {
            "territory" => t.territory == old.terms.territory,
            "settle_cycle" => t.settle_cycle == old.terms.settle_cycle,
            _ => t.payment_days == old.terms.payment_days,
        };
        if !same {
            c.push(field.as_str(), "from_agreement");
        }
    }
    c.finish()?;
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
