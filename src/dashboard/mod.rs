//! The dashboard (issue 25): the figures a channel director reads for a quarterly review, one
//! card at a time — sales by month, region and product against the agreements' targets; the
//! recruitment funnel with conversion and time per stage, by source and by trade show; the
//! class distribution and its change between evaluation rounds; receivables ageing with the
//! credit alerts; agreements expiring within 30/60/90 days; promotion spend against budget and
//! its effect.
//!
//! Invariants: read-only; each card is one bounded set of grouped queries over the areas' own
//! tables with the rules those areas use (sales are confirmed orders as an evaluation reads
//! them, R1.4; overdue is what an order's review weighs, R4.1.2, R6.2.2; money received pays the
//! oldest shipment first), so a card never disagrees with the page it summarises. Every filter
//! is checked with a per-field error before any query runs; a card states which filters it
//! honours (`applies`), and the UI says so beside it.

pub mod print;

use crate::access::Action;
use crate::desk::Desk;
use crate::error::Result;
use crate::evaluation::figures::amount_yuan;
use crate::validate::Checker;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Rows shown in a ranked list (products, regions, alerts, expiring agreements).
pub const TOP: usize = 10;
/// The ageing buckets' upper bounds in days since shipment (the last is open).
pub const AGEING: [i64; 3] = [30, 60, 90];
/// The expiry horizons in days.
pub const EXPIRY: [i64; 3] = [30, 60, 90];
/// The longest period a card reads (five years of months).
pub const MAX_MONTHS: usize = 60;

/// The cards, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "DashboardCardKind")]
pub enum CardKind {
    Sales,
    Funnel,
    Classes,
    Receivables,
    Expiring,
    Promotion,
}

impl CardKind {
    pub const ALL: [CardKind; 6] = [
        CardKind::Sales,
        CardKind::Funnel,
        CardKind::Classes,
        CardKind::Receivables,
        CardKind::Expiring,
        CardKind::Promotion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CardKind::Sales => "sales",
            CardKind::Funnel => "funnel",
            CardKind::Classes => "classes",
            CardKind::Receivables => "receivables",
            CardKind::Expiring => "expiring",
            CardKind::Promotion => "promotion",
        }
    }

    /// The filters the card honours.
    pub fn applies(self) -> &'static [&'static str] {
        match self {
            CardKind::Sales => &["period", "region", "class", "mine"],
            CardKind::Funnel => &["period", "region", "mine"],
            CardKind::Classes => &["region", "mine"],
            CardKind::Receivables | CardKind::Expiring => &["region", "class", "mine"],
            CardKind::Promotion => &["period", "mine"],
        }
    }
}

/// What the cards are read for.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export, rename = "DashboardFilter")]
pub struct Filter {
    /// First and last day of the period (`YYYY-MM-DD`).
    pub from: String,
    pub to: String,
    /// A province code (GB/T 2260); empty for every region.
    #[serde(default)]
    pub region: String,
    /// `A`, `B`, `C`, `none` (not yet classified); empty for every class.
    #[serde(default)]
    pub class: String,
    /// Only the partners whose channel contact is the signed-in user (promotions: where the
    /// user is on the staff).
    #[serde(default)]
    pub mine: bool,
    /// The currency money is read in; `CNY` when empty.
    #[serde(default)]
    pub currency: String,
}

/// A filter after its checks, with the user `mine` stands for and the day it is read on.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub from: String,
    pub to: String,
    pub region: String,
    pub class: String,
    pub mine: Option<String>,
    pub currency: String,
    pub today: NaiveDate,
    pub months: Vec<String>,
}

impl Checked {
    pub fn today_text(&self) -> String {
        self.today.format("%Y-%m-%d").to_string()
    }
}

fn check(desk: &Desk, f: &Filter) -> Result<Checked> {
    let user = desk.require(Action::PartnerRead)?;
    let mut c = Checker::new();
    let from = c.date("from", &f.from, true);
    let to = c.date("to", &f.to, true);
    let mut months = Vec::new();
    if let (Ok(a), Ok(b)) =
        (NaiveDate::parse_from_str(&from, "%Y-%m-%d"), NaiveDate::parse_from_str(&to, "%Y-%m-%d"))
    {
        if b < a {
            c.push("to", "before_start");
        } else {
            months = months_between(a, b);
            if months.len() > MAX_MONTHS {
                c.errors.push(crate::error::FieldError::with_limit(
                    "to",
                    "period_too_long",
                    MAX_MONTHS as u32,
                ));
            }
        }
    }
    let region = f.region.trim().to_string();
    if !region.is_empty() && crate::reference::province(&region).is_none() {
        c.push("region", "unknown");
    }
    let class = f.class.trim().to_string();
    c.one_of("class", &class, &["", "A", "B", "C", "none"]);
    let currency = match f.currency.trim() {
        "" => "CNY".to_string(),
        x => x.to_string(),
    };
    if currency.len() != 3 || !currency.chars().all(|ch| ch.is_ascii_uppercase()) {
        c.push("currency", "currency");
    }
    c.finish()?;
    let today = NaiveDate::parse_from_str(&desk.today(), "%Y-%m-%d").unwrap_or_default();
    Ok(Checked { from, to, region, class, mine: f.mine.then_some(user.id), currency, today, months })
}

/// The months (`YYYY-MM`) from the one holding `a` to the one holding `b`.
fn months_between(a: NaiveDate, b: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (a.year(), a.month());
    while (y, m) <= (b.year(), b.month()) && out.len() <= MAX_MONTHS {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// The partner filter over alias `p`, reading region, class and mine from parameters ?1–?3.
const PARTNER_FILTER: &str = "(?1 = '' OR p.province = ?1)
    AND (?2 = '' OR p.class = ?2 OR (?2 = 'none' AND p.class IS NULL))
    AND (?3 IS NULL OR p.channel_contact_id = ?3)";

/// One value of a ranked or dated series.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "DashboardPoint")]
pub struct Point {
    /// The month, province or city code, product code, stage, class or bucket.
    pub key: String,
    /// What the key is called (a product's name; empty where the UI names the key).
    pub label: String,
    #[ts(type = "number")]
    pub value: i64,
    /// The target for the same key (sales: from the agreements; 0 where none is set).
    #[ts(type = "number")]
    pub target: i64,
    /// How many records make the value (orders, partners, agreements).
    #[ts(type = "number")]
    pub count: i64,
}

fn point(key: impl Into<String>, value: i64) -> Point {
    Point { key: key.into(), label: String::new(), value, target: 0, count: 0 }
}

/// Sales (confirmed orders, by the day ordered) against the agreements' annual targets.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "DashboardSales")]
pub struct Sales {
    pub currency: String,
    #[ts(type = "number")]
    pub total_minor: i64,
    #[ts(type = "number")]
    pub target_minor: i64,
    #[ts(type = "number")]
    pub orders: i64,
    /// Every month of the period, also those without sales.
    pub months: Vec<Point>,
    /// By the partner's province (by city when one province is chosen), largest first; the
    /// rest after [`TOP`] summed under the key `other`.
    pub regions: Vec<Point>,
    /// By product (value: amount; count: quantity), largest first, the rest under `other`.
    pub products: Vec<Point>,
}

/// The recruitment funnel of the partners first recorded in the period.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "DashboardFunnel")]
pub struct Funnel {
    /// Per stage (R2.1.4): how many reached it (value), the share of the previous stage that
    /// did (target: basis points), and the median days spent in the stage before the next
    /// (count; -1 where nobody has moved on yet).
    pub stages: Vec<Point>,
    #[ts(type = "number")]
    pub open: i64,
    #[ts(type = "number")]
    pub rejected: i64,
    /// By source: leads (value), signed (count), still active today (target).
    pub sources: Vec<Point>,
    /// By trade show, most leads first: leads (value), signed (count), still active (target).
    pub events: Vec<Point>,
}

/// Classes now and over the evaluation rounds.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "DashboardClasses")]
pub struct Classes {
    /// Active partners by class today (`A`, `B`, `C`, `none`).
    pub now: Vec<Point>,
    /// The last four periodic rounds, oldest first: key the period, and per class the count.
    pub rounds: Vec<Round>,
    /// In the latest round, against each partner's class before it: `up`, `same`, `down`,
    /// `new` (no class before).
    pub moves: Vec<Point>,
}

/// One evaluation round's classes.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "DashboardRound")]
pub struct Round {
    pub period: String,
    pub classes: Vec<Point>,
}

/// What partners owe, by age, and the partners to watch.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "DashboardReceivables")]
pub struct Receivables {
    pub currency: String,
    pub on: String,
    /// `0-30`, `31-60`, `61-90`, `90+` days since shipment: amount (value), partners (count).
    pub buckets: Vec<Point>,
    #[ts(type = "number")]
    pub total_minor: i64,
    /// Partners with an overdue amount, over their credit limit, or rated watch/poor; the worst
    /// [`TOP`] first.
    pub alerts: Vec<CreditAlert>,
    #[ts(type = "number")]
    pub alert_count: i64,
}

/// A partner whose credit needs a look.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CreditAlert {
    pub partner_id: String,
    pub name: String,
    #[ts(type = "number")]
    pub owed_minor: i64,
    /// Owed on shipments older than the agreement's payment days (30 without one).
    #[ts(type = "number")]
    pub overdue_minor: i64,
    /// Approved and confirmed orders less money received and credit notes.
    #[ts(type = "number")]
    pub exposure_minor: i64,
    #[ts(type = "number | null")]
    pub limit_minor: Option<i64>,
    pub credit_level: Option<String>,
    /// Why it is listed: `overdue`, `over_limit`, `rating`.
    pub reasons: Vec<String>,
}

/// Agreements in force that end soon.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "DashboardExpiring")]
pub struct Expiring {
    /// `30`, `60`, `90`: agreements ending within so many days from today (not cumulative).
    pub buckets: Vec<Point>,
    /// The soonest first, at most [`TOP`].
    pub agreements: Vec<ExpiringAgreement>,
}

#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
#[ts(export)]
pub struct ExpiringAgreement {
    pub id: String,
    pub number: String,
    pub partner_id: String,
    pub partner_name: String,
    pub class: Option<String>,
    pub expires_on: String,
    #[ts(type = "number")]
    pub days_left: i64,
    /// A renewal has been drafted.
    pub renewing: bool,
}

/// Promotion spend against budget and the effect, for the activities of the period.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "DashboardPromotion")]
pub struct Promotion {
    pub currency: String,
    #[ts(type = "number")]
    pub budget_minor: i64,
    #[ts(type = "number")]
    pub spent_minor: i64,
    #[ts(type = "number")]
    pub participants: i64,
    #[ts(type = "number")]
    pub results: i64,
    /// Per activity, latest first: spend (value), budget (target), results (count).
    pub activities: Vec<Point>,
}

/// One card's figures.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "DashboardCard")]
pub enum Card {
    Sales(Sales),
    Funnel(Funnel),
    Classes(Classes),
    Receivables(Receivables),
    Expiring(Expiring),
    Promotion(Promotion),
}

/// Card `kind` read for `filter`.
pub async fn card(desk: &Desk, kind: CardKind, filter: &Filter) -> Result<Card> {
    Ok(checked_card(desk, kind, filter).await?.1)
}

/// Card `kind` read for `filter`, with the filter as checked (the printed card names it).
pub(crate) async fn checked_card(desk: &Desk, kind: CardKind, filter: &Filter) -> Result<(Checked, Card)> {
    let f = check(desk, filter)?;
    let mut conn = desk.pool().acquire().await?;
    let card = read(&mut conn, kind, &f).await?;
    Ok((f, card))
}

async fn read(conn: &mut sqlx::SqliteConnection, kind: CardKind, f: &Checked) -> Result<Card> {
    Ok(match kind {
        CardKind::Sales => Card::Sales(sales(conn, f).await?),
        CardKind::Funnel => Card::Funnel(funnel(conn, f).await?),
        CardKind::Classes => Card::Classes(classes(conn, f).await?),
        CardKind::Receivables => Card::Receivables(receivables(conn, f).await?),
        CardKind::Expiring => Card::Expiring(expiring(conn, f).await?),
        CardKind::Promotion => Card::Promotion(promotion(conn, f).await?),
    })
}

/// The first `TOP` points, largest first, and the rest summed under `other`.
fn ranked(mut points: Vec<Point>) -> Vec<Point> {
    points.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.key.cmp(&b.key)));
    if points.len() > TOP {
        let rest = points.split_off(TOP);
        let mut other = point("other", 0);
        for p in rest {
            other.value += p.value;
            other.target += p.target;
            other.count += p.count;
        }
        points.push(other);
    }
    points
}

async fn sales(conn: &mut sqlx::SqliteConnection, f: &Checked) -> Result<Sales> {
    let by_city = !f.region.is_empty();
    let place = if by_city { "p.city" } else { "p.province" };
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT substr(o.ordered_on, 1, 7), {place}, sum(o.total_minor), count(*)
         FROM sales_order o INDEXED BY sales_order_confirmed
         JOIN partner p INDEXED BY partner_dash ON p.id = o.partner_id
         WHERE o.status = 'confirmed' AND o.deleted_at IS NULL AND o.currency = ?4
           AND o.ordered_on BETWEEN ?5 AND ?6 AND p.deleted_at IS NULL AND {PARTNER_FILTER}
         GROUP BY 1, 2"
    )))
    .bind(&f.region)
    .bind(&f.class)
    .bind(&f.mine)
    .bind(&f.currency)
    .bind(&f.from)
    .bind(&f.to)
    .fetch_all(&mut *conn)
    .await?;
    let mut months: BTreeMap<String, Point> =
        f.months.iter().map(|m| (m.clone(), point(m.clone(), 0))).collect();
    let mut regions: BTreeMap<String, Point> = BTreeMap::new();
    for (month, place, sum, count) in rows {
        if let Some(m) = months.get_mut(&month) {
            m.value += sum;
            m.count += count;
        }
        let r = regions.entry(place.clone()).or_insert_with(|| point(place, 0));
        r.value += sum;
        r.count += count;
    }

    // Targets: each master agreement's annual target, a twelfth per month it is in force.
    let targets: Vec<(String, String, Option<String>, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {place}, a.effective_on, a.expires_on, COALESCE(json_extract(v.variables, '$.annual_target'), '')
         FROM agreement a JOIN agreement_version v ON v.agreement_id = a.id AND v.number = a.version_no
         JOIN partner p ON p.id = a.partner_id
         WHERE a.deleted_at IS NULL AND a.kind <> 'amendment' AND a.status IN ('signed', 'ended')
           AND a.currency = ?4 AND a.effective_on <= ?6 AND (a.expires_on IS NULL OR a.expires_on >= ?5)
           AND p.deleted_at IS NULL AND {PARTNER_FILTER}"
    )))
    .bind(&f.region)
    .bind(&f.class)
    .bind(&f.mine)
    .bind(&f.currency)
    .bind(&f.from)
    .bind(&f.to)
    .fetch_all(&mut *conn)
    .await?;
    for (place, effective_on, expires_on, text) in targets {
        let Some(annual) = amount_yuan(&text).filter(|t| *t > 0) else { continue };
        for m in months.values_mut() {
            if in_force_during(&m.key, &effective_on, expires_on.as_deref()) {
                let share = monthly_target_minor(annual);
                m.target += share;
                regions.entry(place.clone()).or_insert_with(|| point(place.clone(), 0)).target += share;
            }
        }
    }

    let products: Vec<(String, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT pr.code, pr.name, sum(l.amount_minor), sum(l.quantity)
         FROM sales_order o INDEXED BY sales_order_confirmed
         JOIN partner p INDEXED BY partner_dash ON p.id = o.partner_id
         JOIN order_line l INDEXED BY order_line_dash ON l.order_id = o.id AND l.deleted_at IS NULL
         JOIN product pr ON pr.id = l.product_id
         WHERE o.status = 'confirmed' AND o.deleted_at IS NULL AND o.currency = ?4
           AND o.ordered_on BETWEEN ?5 AND ?6 AND p.deleted_at IS NULL AND {PARTNER_FILTER}
         GROUP BY pr.id"
    )))
    .bind(&f.region)
    .bind(&f.class)
    .bind(&f.mine)
    .bind(&f.currency)
    .bind(&f.from)
    .bind(&f.to)
    .fetch_all(&mut *conn)
    .await?;
    let products = ranked(
        products
            .into_iter()
            .map(|(code, name, sum, qty)| Point { key: code, label: name, value: sum, target: 0, count: qty })
            .collect(),
    );
    let months: Vec<Point> = months.into_values().collect();
    Ok(Sales {
        currency: f.currency.clone(),
        total_minor: months.iter().map(|m| m.value).sum(),
        target_minor: months.iter().map(|m| m.target).sum(),
        orders: months.iter().map(|m| m.count).sum(),
        months,
        regions: ranked(regions.into_values().collect()),
        products,
    })
}

/// A twelfth of an annual target in yuan, in minor units (rounded to the cent).
pub fn monthly_target_minor(annual_yuan: i64) -> i64 {
    (annual_yuan * 100 + 6) / 12
}

/// Whether an agreement in force from `effective_on` to `expires_on` covers any day of
/// `month` (`YYYY-MM`).
pub fn in_force_during(month: &str, effective_on: &str, expires_on: Option<&str>) -> bool {
    let first = format!("{month}-01");
    let last = format!("{month}-31");
    effective_on <= last.as_str() && expires_on.is_none_or(|e| e >= first.as_str())
}

/// Prospects of one kind as the funnel counts them: the stage reached, the outcome, the
/// source and the trade show, how many, and how many of them are active partners now.
#[derive(sqlx::FromRow)]
struct LeadGroup {
    reached: i64,
    outcome: String,
    source: String,
    event_id: Option<String>,
    event_name: Option<String>,
    active: i64,
    n: i64,
}

/// The partners' sources, in the order the partner form offers them.
const SOURCES: [&str; 4] = ["online", "offline_event", "referral", "other"];

/// The prospects first recorded in the period, narrowed by region and "mine" (?1–?4: region,
/// mine, the first day, the day after the last), read through the covering indexes.
const RECORDED: &str = "FROM partner p INDEXED BY partner_recorded
    JOIN prospect r INDEXED BY prospect_funnel ON r.partner_id = p.id
    LEFT JOIN trade_event e ON e.id = r.event_id
    WHERE p.deleted_at IS NULL AND r.deleted_at IS NULL AND p.created_at >= ?3 AND p.created_at < ?4
      AND (?1 = '' OR p.province = ?1) AND (?2 IS NULL OR p.channel_contact_id = ?2)";

async fn funnel(conn: &mut sqlx::SqliteConnection, f: &Checked) -> Result<Funnel> {
    use crate::recruitment::Stage;
    // The class filter does not apply: prospects have no class yet.
    let after = NaiveDate::parse_from_str(&f.to, "%Y-%m-%d")
        .map(|d| (d + Duration::days(1)).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| f.to.clone());
    let groups: Vec<LeadGroup> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.reached, r.outcome, p.source_kind AS source, r.event_id, e.name AS event_name,
            sum(p.status = 'active') AS active, count(*) AS n
         {RECORDED}
         GROUP BY r.reached, r.outcome, p.source_kind, r.event_id"
    )))
    .bind(&f.region)
    .bind(&f.mine)
    .bind(&f.from)
    .bind(&after)
    .fetch_all(&mut *conn)
    .await?;
    let stages = Stage::ALL;
    let mut reached = vec![0i64; stages.len()];
    let (mut open, mut rejected) = (0, 0);
    let mut sources: Vec<Point> = SOURCES.iter().map(|s| point(*s, 0)).collect();
    let mut events: BTreeMap<String, Point> = BTreeMap::new();
    for g in &groups {
        for (i, n) in reached.iter_mut().enumerate() {
            if g.reached >= i as i64 {
                *n += g.n;
            }
        }
        match g.outcome.as_str() {
            "open" => open += g.n,
            "rejected" => rejected += g.n,
            _ => {}
        }
        let signed = if g.outcome == "signed" { g.n } else { 0 };
        let active = if g.outcome == "signed" { g.active } else { 0 };
        let i = SOURCES.iter().position(|k| *k == g.source).unwrap_or(SOURCES.len() - 1);
        sources[i].value += g.n;
        sources[i].count += signed;
        sources[i].target += active;
        if let Some(e) = &g.event_id {
            let p = events.entry(e.clone()).or_insert_with(|| Point {
                key: e.clone(),
                label: g.event_name.clone().unwrap_or_default(),
                ..point(e.clone(), 0)
            });
            p.value += g.n;
            p.count += signed;
            p.target += active;
        }
    }

    // Time per stage: from entering a stage (being recorded, for the first) to first entering
    // the next one, in whole days, for every prospect that has moved on.
    let mut days: Vec<Vec<i64>> = vec![Vec::new(); stages.len()];
    if reached[1] > 0 {
        let previous = stages
            .windows(2)
            .map(|w| format!("WHEN '{}' THEN '{}'", w[1].as_str(), w[0].as_str()))
            .collect::<Vec<_>>()
            .join(" ");
        let spans: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "WITH f AS (SELECT p.id, p.created_at {RECORDED}),
             m AS (SELECT m.partner_id AS pid, m.to_stage AS stage, min(m.at) AS at
                   FROM stage_move m JOIN f ON f.id = m.partner_id
                   WHERE m.deleted_at IS NULL GROUP BY m.partner_id, m.to_stage)
             SELECT m.stage, CAST(julianday(substr(m.at, 1, 10)) - julianday(substr(
                    CASE WHEN m.stage = '{second}' THEN f.created_at ELSE prev.at END, 1, 10)) AS INTEGER)
             FROM m JOIN f ON f.id = m.pid
             LEFT JOIN m AS prev ON m.stage <> '{second}' AND prev.pid = m.pid
                AND prev.stage = CASE m.stage {previous} END
             WHERE m.stage <> '{first}' AND (m.stage = '{second}' OR prev.at IS NOT NULL)",
            first = stages[0].as_str(),
            second = stages[1].as_str(),
        )))
        .bind(&f.region)
        .bind(&f.mine)
        .bind(&f.from)
        .bind(&after)
        .fetch_all(&mut *conn)
        .await?;
        for (stage, d) in spans {
            if let Some(s) = Stage::parse(&stage) {
                let i = s.index() as usize;
                if i > 0 {
                    days[i - 1].push(d.max(0));
                }
            }
        }
    }
    let stage_points = stages
        .iter()
        .enumerate()
        .map(|(i, s)| Point {
            key: s.as_str().into(),
            label: String::new(),
            value: reached[i],
            target: if i == 0 { 10_000 } else { share_bp(reached[i], reached[i - 1]) },
            count: median(&mut days[i]).unwrap_or(-1),
        })
        .collect();
    let mut events: Vec<Point> = events.into_values().collect();
    events.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
    events.truncate(TOP);
    Ok(Funnel { stages: stage_points, open, rejected, sources, events })
}

/// `part` of `whole` in basis points (0 when `whole` is 0).
pub fn share_bp(part: i64, whole: i64) -> i64 {
    if whole == 0 { 0 } else { (part * 10_000 + whole / 2) / whole }
}

/// The median (the lower one of an even count).
fn median(v: &mut [i64]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[(v.len() - 1) / 2])
}

const CLASS_KEYS: [&str; 4] = ["A", "B", "C", "none"];

async fn classes(conn: &mut sqlx::SqliteConnection, f: &Checked) -> Result<Classes> {
    let now: Vec<(Option<String>, i64)> = sqlx::query_as(
        "SELECT p.class, count(*) FROM partner p
         WHERE p.status = 'active' AND p.deleted_at IS NULL
           AND (?1 = '' OR p.province = ?1) AND (?2 IS NULL OR p.channel_contact_id = ?2)
         GROUP BY p.class",
    )
    .bind(&f.region)
    .bind(&f.mine)
    .fetch_all(&mut *conn)
    .await?;
    let by_class = |rows: &[(Option<String>, i64)]| -> Vec<Point> {
        CLASS_KEYS
            .iter()
            .map(|k| {
                let n =
                    rows.iter().filter(|(c, _)| c.as_deref().unwrap_or("none") == *k).map(|(_, n)| n).sum();
                point(*k, n)
            })
            .collect()
    };
    let periods: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT period FROM evaluation
         WHERE kind = 'periodic' AND status = 'finished' AND deleted_at IS NULL
         ORDER BY period DESC LIMIT 4",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rounds = Vec::new();
    for period in periods.iter().rev() {
        let rows: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT e.class, count(*) FROM evaluation e JOIN partner p ON p.id = e.partner_id
             WHERE e.kind = 'periodic' AND e.status = 'finished' AND e.deleted_at IS NULL AND e.period = ?3
               AND p.deleted_at IS NULL
               AND (?1 = '' OR p.province = ?1) AND (?2 IS NULL OR p.channel_contact_id = ?2)
             GROUP BY e.class",
        )
        .bind(&f.region)
        .bind(&f.mine)
        .bind(period)
        .fetch_all(&mut *conn)
        .await?;
        rounds.push(Round { period: period.clone(), classes: by_class(&rows)[..3].to_vec() });
    }
    let mut moves: Vec<Point> = ["up", "same", "down", "new"].iter().map(|k| point(*k, 0)).collect();
    if let Some(latest) = periods.first() {
        let pairs: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT e.previous_class, e.class FROM evaluation e JOIN partner p ON p.id = e.partner_id
             WHERE e.kind = 'periodic' AND e.status = 'finished' AND e.deleted_at IS NULL AND e.period = ?3
               AND p.deleted_at IS NULL
               AND (?1 = '' OR p.province = ?1) AND (?2 IS NULL OR p.channel_contact_id = ?2)",
        )
        .bind(&f.region)
        .bind(&f.mine)
        .bind(latest)
        .fetch_all(&mut *conn)
        .await?;
        for (before, after) in pairs {
            let i = match (before.as_deref().filter(|c| !c.is_empty()), after.as_deref()) {
                (None, _) => 3,
                (Some(b), Some(a)) if a < b => 0,
                (Some(b), Some(a)) if a > b => 2,
                _ => 1,
            };
            moves[i].value += 1;
        }
    }
    Ok(Classes { now: by_class(&now), rounds, moves })
}

/// The keys of the ageing buckets.
pub const BUCKETS: [&str; 4] = ["0-30", "31-60", "61-90", "90+"];

/// The amounts still owed per ageing bucket when `paid` pays the oldest shipments first:
/// `shipped` holds, per bucket, the shipments' total; amounts never go below zero.
pub fn age(shipped: [i64; 4], paid: i64) -> [i64; 4] {
    // What is owed on shipments at least as old as bucket i: what they came to less everything
    // paid (oldest first), never below zero.
    let mut older = [0i64; 4];
    let mut sum = 0;
    for i in (0..4).rev() {
        sum += shipped[i];
        older[i] = (sum - paid).max(0);
    }
    let mut out = [0i64; 4];
    for i in 0..4 {
        out[i] = older[i] - if i < 3 { older[i + 1] } else { 0 };
    }
    out
}

/// A partner's shipments by age and its credit, as the receivables card reads them.
#[derive(sqlx::FromRow)]
struct Owing {
    id: String,
    name: String,
    b0: i64,
    b1: i64,
    b2: i64,
    b3: i64,
    /// Shipped before the agreement's payment days.
    due: i64,
    paid: i64,
    ordered: i64,
    credit_limit: Option<i64>,
    settle: Option<String>,
    terms_currency: String,
    level: Option<String>,
}

async fn receivables(conn: &mut sqlx::SqliteConnection, f: &Checked) -> Result<Receivables> {
    let today = f.today_text();
    let cut = |d: i64| (f.today - Duration::days(d)).format("%Y-%m-%d").to_string();
    // Per partner: the agreement in force today (payment days, limit, how it settles),
    // shipments by age and older than the payment days, money in, approved and confirmed
    // orders, the latest credit level.
    let rows: Vec<Owing> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "WITH s AS (
                SELECT sh.partner_id AS pid,
                    sum(CASE WHEN sh.shipped_on >= ?6 THEN sh.amount_minor ELSE 0 END) AS b0,
                    sum(CASE WHEN sh.shipped_on < ?6 AND sh.shipped_on >= ?7 THEN sh.amount_minor ELSE 0 END) AS b1,
                    sum(CASE WHEN sh.shipped_on < ?7 AND sh.shipped_on >= ?8 THEN sh.amount_minor ELSE 0 END) AS b2,
                    sum(CASE WHEN sh.shipped_on < ?8 THEN sh.amount_minor ELSE 0 END) AS b3
                FROM shipment sh INDEXED BY shipment_ageing
                JOIN sales_order o INDEXED BY sales_order_currency ON o.id = sh.order_id
                WHERE sh.deleted_at IS NULL AND o.currency = ?4
                GROUP BY sh.partner_id),
             paid AS (
                SELECT pid, sum(amount) AS amount FROM (
                    SELECT partner_id AS pid, amount_minor AS amount FROM payment
                    WHERE direction = 'in' AND currency = ?4 AND deleted_at IS NULL
                    UNION ALL
                    SELECT partner_id, amount_minor FROM credit_note WHERE currency = ?4 AND deleted_at IS NULL)
                GROUP BY pid)
             SELECT p.id, p.name, s.b0, s.b1, s.b2, s.b3,
                CASE WHEN a.id IS NULL OR a.payment_days = 30 THEN s.b1 + s.b2 + s.b3
                ELSE (SELECT COALESCE(sum(x.amount_minor), 0) FROM shipment x INDEXED BY shipment_ageing
                      JOIN sales_order xo ON xo.id = x.order_id
                      WHERE x.partner_id = p.id AND x.deleted_at IS NULL AND xo.currency = ?4
                        AND x.shipped_on < date(?5, '-' || a.payment_days || ' days')) END AS due,
                COALESCE(paid.amount, 0) AS paid,
                COALESCE((SELECT sum(total_minor) FROM sales_order WHERE partner_id = p.id AND currency = ?4
                    AND status IN ('approved', 'confirmed') AND deleted_at IS NULL), 0) AS ordered,
                a.credit_limit_minor AS credit_limit, a.settle_method AS settle, COALESCE(a.currency, '') AS terms_currency,
                (SELECT level FROM credit_rating WHERE partner_id = p.id AND deleted_at IS NULL
                    ORDER BY rated_on DESC, created_at DESC LIMIT 1) AS level
             FROM s JOIN partner p ON p.id = s.pid
             LEFT JOIN paid ON paid.pid = s.pid
             LEFT JOIN agreement a ON a.id = (SELECT id FROM agreement WHERE partner_id = p.id AND deleted_at IS NULL
                    AND kind <> 'amendment' AND status = 'signed' AND effective_on <= ?5
                    AND (expires_on IS NULL OR expires_on >= ?5) ORDER BY effective_on DESC LIMIT 1)
             WHERE p.deleted_at IS NULL AND {PARTNER_FILTER}"
        )))
        .bind(&f.region)
        .bind(&f.class)
        .bind(&f.mine)
        .bind(&f.currency)
        .bind(&today)
        .bind(cut(AGEING[0]))
        .bind(cut(AGEING[1]))
        .bind(cut(AGEING[2]))
        .fetch_all(&mut *conn)
        .await?;
    let mut buckets: Vec<Point> = BUCKETS.iter().map(|k| point(*k, 0)).collect();
    let mut alerts = Vec::new();
    for Owing {
        id,
        name,
        b0,
        b1,
        b2,
        b3,
        due,
        paid,
        ordered,
        credit_limit: limit,
        settle,
        terms_currency,
        level,
    } in rows
    {
        let aged = age([b0, b1, b2, b3], paid);
        for (i, a) in aged.iter().enumerate() {
            buckets[i].value += a;
            buckets[i].count += (*a > 0) as i64;
        }
        let owed: i64 = aged.iter().sum();
        // Overdue as an order's review reads it: nothing for commission settlement.
        let purchase = settle.as_deref().is_none_or(|s| s == "purchase");
        let overdue = if purchase { (due - paid).max(0) } else { 0 };
        let exposure = (ordered - paid).max(0);
        let limit = limit.filter(|_| terms_currency == f.currency);
        let mut reasons = Vec::new();
        if overdue > 0 {
            reasons.push("overdue".to_string());
        }
        if limit.is_some_and(|l| exposure > l) {
            reasons.push("over_limit".to_string());
        }
        if matches!(level.as_deref(), Some("watch" | "poor")) {
            reasons.push("rating".to_string());
        }
        if !reasons.is_empty() {
            alerts.push(CreditAlert {
                partner_id: id,
                name,
                owed_minor: owed,
                overdue_minor: overdue,
                exposure_minor: exposure,
                limit_minor: limit,
                credit_level: level,
                reasons,
            });
        }
    }
    alerts.sort_by(|a, b| {
        b.overdue_minor
            .cmp(&a.overdue_minor)
            .then_with(|| {
                let over = |x: &CreditAlert| x.exposure_minor - x.limit_minor.unwrap_or(x.exposure_minor);
                over(b).cmp(&over(a))
            })
            .then_with(|| a.name.cmp(&b.name))
    });
    let alert_count = alerts.len() as i64;
    alerts.truncate(TOP);
    Ok(Receivables {
        currency: f.currency.clone(),
        on: today,
        total_minor: buckets.iter().map(|b| b.value).sum(),
        buckets,
        alerts,
        alert_count,
    })
}

async fn expiring(conn: &mut sqlx::SqliteConnection, f: &Checked) -> Result<Expiring> {
    let today = f.today_text();
    let last = (f.today + Duration::days(EXPIRY[2])).format("%Y-%m-%d").to_string();
    let mut rows: Vec<ExpiringAgreement> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.number, p.id AS partner_id, p.name AS partner_name, p.class, a.expires_on,
            CAST(julianday(a.expires_on) - julianday(?4) AS INTEGER) AS days_left,
            EXISTS (SELECT 1 FROM agreement n WHERE n.renewal_of = a.id AND n.deleted_at IS NULL) AS renewing
         FROM agreement a JOIN partner p ON p.id = a.partner_id
         WHERE a.status = 'signed' AND a.deleted_at IS NULL AND a.kind <> 'amendment'
           AND a.expires_on BETWEEN ?4 AND ?5 AND p.deleted_at IS NULL AND {PARTNER_FILTER}
         ORDER BY a.expires_on, a.number"
    )))
    .bind(&f.region)
    .bind(&f.class)
    .bind(&f.mine)
    .bind(&today)
    .bind(&last)
    .fetch_all(&mut *conn)
    .await?;
    let mut buckets: Vec<Point> = EXPIRY.iter().map(|d| point(d.to_string(), 0)).collect();
    for r in &rows {
        let i = EXPIRY.iter().position(|d| r.days_left <= *d).unwrap_or(2);
        buckets[i].value += 1;
    }
    rows.truncate(TOP);
    Ok(Expiring { buckets, agreements: rows })
}

/// An activity's spend and effect.
#[derive(sqlx::FromRow)]
struct Spend {
    id: String,
    theme: String,
    spent_minor: i64,
    budget_minor: i64,
    participants: Option<i64>,
    results: Option<i64>,
}

async fn promotion(conn: &mut sqlx::SqliteConnection, f: &Checked) -> Result<Promotion> {
    let rows: Vec<Spend> = sqlx::query_as(
        "SELECT a.id, a.theme, a.spent_minor, a.budget_minor, a.participants, a.results
         FROM promotion_activity a
         WHERE a.deleted_at IS NULL AND a.status <> 'cancelled' AND a.currency = ?1
           AND a.starts_on <= ?3 AND a.ends_on >= ?2
           AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(a.staff_ids) WHERE value = ?4))
         ORDER BY a.starts_on DESC, a.id",
    )
    .bind(&f.currency)
    .bind(&f.from)
    .bind(&f.to)
    .bind(&f.mine)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Promotion {
        currency: f.currency.clone(),
        budget_minor: 0,
        spent_minor: 0,
        participants: 0,
        results: 0,
        activities: Vec::new(),
    };
    for Spend { id, theme, spent_minor: spent, budget_minor: budget, participants, results } in rows {
        out.budget_minor += budget;
        out.spent_minor += spent;
        out.participants += participants.unwrap_or(0);
        out.results += results.unwrap_or(0);
        out.activities.push(Point {
            key: id,
            label: theme,
            value: spent,
            target: budget,
            count: results.unwrap_or(0),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_paid_settles_the_oldest_shipments_first() {
        assert_eq!(age([100, 200, 300, 400], 0), [100, 200, 300, 400]);
        assert_eq!(age([100, 200, 300, 400], 500), [100, 200, 200, 0]);
        assert_eq!(age([100, 200, 300, 400], 450), [100, 200, 250, 0]);
        assert_eq!(age([100, 200, 300, 400], 5_000), [0, 0, 0, 0]);
        assert_eq!(age([100, 0, 0, 0], 0), [100, 0, 0, 0]);
    }

    #[test]
    fn months_of_a_period_and_targets_in_force() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            months_between(d("2025-11-15"), d("2026-02-01")),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert!(in_force_during("2026-03", "2026-03-31", None));
        assert!(!in_force_during("2026-03", "2026-04-01", None));
        assert!(in_force_during("2026-03", "2025-01-01", Some("2026-03-01")));
        assert!(!in_force_during("2026-03", "2025-01-01", Some("2026-02-28")));
        assert_eq!(monthly_target_minor(3_000_000), 25_000_000);
        assert_eq!(share_bp(1, 3), 3_333);
        assert_eq!(share_bp(0, 0), 0);
    }

    #[test]
    fn a_long_list_keeps_the_largest_and_sums_the_rest() {
        let points: Vec<Point> = (0..15).map(|i| point(format!("k{i:02}"), i)).collect();
        let r = ranked(points);
        assert_eq!(r.len(), TOP + 1);
        assert_eq!(r[0].value, 14);
        assert_eq!(r[TOP].key, "other");
        assert_eq!(r[TOP].value, (0..5).sum::<i64>());
    }
}
