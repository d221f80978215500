//! The order review (R4.1.2): the facts an order is judged on, and the rules, each reported
//! by name with what it found so the person sees why an order is held.
//!
//! Rules, in order: `agreement_in_effect` (a signed master agreement of the partner in effect
//! on the order day), `trade_terms` (its terms recorded), `currency` (the order's currency is
//! the terms'), `territory` (the customer's province, city or district inside the territory), `products` (every
//! line's product active and of a product line the agreement covers), `prices` (no line
//! below the partner's price under the terms on the order day), `credit_limit` (what the
//! partner owes plus this order within the limit), `credit_standing` (the partner active, not
//! in class C, nothing overdue, cooperation not suspended on credit grounds, R6.2.2).
//!
//! Invariants: [`evaluate`] is pure (the same facts give the same results) and reports every
//! rule, `not_checked` when the facts for it are missing (no agreement); an order passes only
//! when every rule passed.

use crate::reference::{covers, division, territory_text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The rules in the order they are reported.
pub const RULES: [&str; 8] = [
    "agreement_in_effect",
    "trade_terms",
    "currency",
    "territory",
    "products",
    "prices",
    "credit_limit",
    "credit_standing",
];

/// What one rule found. `params` name what the UI and the printed order put in the message
/// (numbers, line numbers, amounts in minor units, province codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleResult {
    pub rule: String,
    /// `passed`, `failed` or `not_checked`.
    pub outcome: String,
    #[ts(type = "Record<string, string>")]
    pub params: BTreeMap<String, String>,
}

/// The agreement side of the facts.
#[derive(Debug, Clone, Default)]
pub struct AgreementFacts {
    pub number: String,
    pub terms_recorded: bool,
    pub territory: Vec<String>,
    pub categories: Vec<String>,
    pub currency: String,
    pub credit_limit_minor: Option<i64>,
}

/// One order line as the review sees it.
#[derive(Debug, Clone, Default)]
pub struct LineFacts {
    pub line_no: i64,
    pub product_active: bool,
    pub category: String,
    pub currency: String,
    pub unit_price_minor: i64,
    /// The partner's price under the terms on the order day; `None` when none is set.
    pub floor_minor: Option<i64>,
}

/// Everything the review needs, gathered from the records.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub currency: String,
    pub customer_province: String,
    /// The customer's city or district (4 or 6 digits), or empty.
    pub customer_area: String,
    pub agreement: Option<AgreementFacts>,
    pub lines: Vec<LineFacts>,
    pub total_minor: i64,
    /// What the partner owes on other approved and confirmed orders, in the order's currency.
    pub exposure_minor: i64,
    pub overdue_minor: i64,
    pub partner_status: String,
    pub partner_class: Option<String>,
    /// The day the partner's cooperation was suspended on credit grounds (R6.2.2).
    pub suspended_on: Option<String>,
}

fn result(rule: &str, outcome: &str, params: &[(&str, String)]) -> RuleResult {
    RuleResult {
        rule: rule.into(),
        outcome: outcome.into(),
        params: params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
    }
}

fn pass_fail(ok: bool) -> &'static str {
    if ok { "passed" } else { "failed" }
}

fn line_list(lines: &[i64]) -> String {
    lines.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

/// Judges an order by every rule.
pub fn evaluate(f: &Facts) -> Vec<RuleResult> {
    let mut out = Vec::with_capacity(RULES.len());
    let Some(a) = &f.agreement else {
        out.push(result("agreement_in_effect", "failed", &[]));
        for rule in &RULES[1..6] {
            out.push(result(rule, "not_checked", &[]));
        }
        out.push(result("credit_limit", "not_checked", &[]));
        out.push(standing(f));
        return out;
    };
    out.push(result("agreement_in_effect", "passed", &[("number", a.number.clone())]));
    out.push(result("trade_terms", pass_fail(a.terms_recorded), &[("number", a.number.clone())]));
    out.push(result(
        "currency",
        pass_fail(f.currency == a.currency),
        &[("order", f.currency.clone()), ("terms", a.currency.clone())],
    ));
    // The customer's most exact place against the territory's entries (provinces, cities,
    // districts): an entry covers every place under it.
    let place = if f.customer_area.is_empty() { &f.customer_province } else { &f.customer_area };
    let in_territory = a.territory.is_empty() || a.territory.iter().any(|e| covers(e, place));
    // Places of the territory inside the customer's: only the customer's city or district tells.
    let needs_area = !in_territory && a.territory.iter().any(|e| covers(place, e));
    let mut params = vec![
        ("province", f.customer_province.clone()),
        ("place", division(place).map(|d| d.full_name).unwrap_or_else(|| place.clone())),
        ("territory", a.territory.join(",")),
        ("territory_text", territory_text(&a.territory).unwrap_or_default()),
    ];
    if needs_area {
        params.push(("needs_area", "1".into()));
    }
    out.push(result("territory", pass_fail(in_territory), &params));
    let outside: Vec<i64> = f
        .lines
        .iter()
        .filter(|l| !l.product_active || (!a.categories.is_empty() && !a.categories.contains(&l.category)))
        .map(|l| l.line_no)
        .collect();
    out.push(result(
        "products",
        pass_fail(outside.is_empty() && !f.lines.is_empty()),
        &[("lines", line_list(&outside)), ("categories", a.categories.join("、"))],
    ));
    let unpriced: Vec<i64> = f.lines.iter().filter(|l| l.floor_minor.is_none()).map(|l| l.line_no).collect();
    let below: Vec<i64> = f
        .lines
        .iter()
        .filter(|l| l.currency != f.currency || l.floor_minor.is_some_and(|floor| l.unit_price_minor < floor))
        .map(|l| l.line_no)
        .collect();
    out.push(result(
        "prices",
        pass_fail(below.is_empty() && unpriced.is_empty()),
        &[("below", line_list(&below)), ("unpriced", line_list(&unpriced))],
    ));
    let limit = a.credit_limit_minor;
    let needed = f.exposure_minor.saturating_add(f.total_minor);
    out.push(result(
        "credit_limit",
        pass_fail(limit.is_some_and(|l| needed <= l && f.currency == a.currency)),
        &[
            ("limit", limit.map(|l| l.to_string()).unwrap_or_default()),
            ("exposure", f.exposure_minor.to_string()),
            ("total", f.total_minor.to_string()),
            ("currency", a.currency.clone()),
        ],
    ));
    out.push(standing(f));
    out
}

fn standing(f: &Facts) -> RuleResult {
    // Which part failed, so that the order says it (status, class C, overdue money).
    let failing: Vec<&str> = [
        ("status", f.partner_status != "active" || f.suspended_on.is_some()),
        ("class", f.partner_class.as_deref() == Some("C")),
        ("overdue", f.overdue_minor != 0),
    ]
    .into_iter()
    .filter_map(|(part, failed)| failed.then_some(part))
    .collect();
    result(
        "credit_standing",
        pass_fail(failing.is_empty()),
        &[
            ("failing", failing.join(",")),
            ("status", f.partner_status.clone()),
            ("class", f.partner_class.clone().unwrap_or_default()),
            ("overdue", f.overdue_minor.to_string()),
            ("currency", f.currency.clone()),
            ("suspended_on", f.suspended_on.clone().unwrap_or_default()),
        ],
    )
}

/// Whether every rule passed.
pub fn passed(results: &[RuleResult]) -> bool {
    !results.is_empty() && results.iter().all(|r| r.outcome == "passed")
}
