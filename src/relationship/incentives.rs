//! Incentives (R2.3.3): rewards of the kinds the policy names, approved or rejected by a
//! manager, and annual awards: nominations (candidates suggested from finished evaluations),
//! the decision, and the honour certificate (荣誉证书) as a PDF.
//!
//! Invariants: cash and commission are integer minor units with a currency, other kinds a
//! description; only a proposed reward is decided, by a manager; a partner is nominated once
//! per year and award; one nomination per year and award is awarded (the others become
//! not awarded in the same transaction); certificates only for awarded nominations.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::documents::Printed;
use crate::documents::layout::{Block, Frame};
use crate::error::{Error, FieldError, Result};
use crate::records::{Val, insert};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const REWARD_KINDS: [&str; 6] =
    ["cash", "goods", "certificate", "commission", "marketing_support", "priority_supply"];
/// Kinds given as money.
pub const MONEY_KINDS: [&str; 2] = ["cash", "commission"];
pub const CURRENCIES: [&str; 3] = ["CNY", "USD", "EUR"];
/// The policy's three awards; more may be configured (setting `award_categories`).
pub const AWARDS: [&str; 3] = ["best_partner", "outstanding_marketing", "service_excellence"];

/// A reward as proposed.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct RewardInput {
    pub kind: String,
    /// Minor units (fen) for cash and commission.
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub description: String,
    pub reason: String,
}

/// A reward and its decision.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Reward {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub kind: String,
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub description: String,
    pub reason: String,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    pub proposed_by: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: String,
    pub created_at: String,
}

const REWARD_SELECT: &str =
    "SELECT r.id, r.partner_id, p.name AS partner_name, r.kind, r.amount_minor, r.currency,
        r.description, r.reason, r.status, c.display_name AS proposed_by, d.display_name AS decided_by_name,
        r.decided_at, r.decision_note, r.created_at
     FROM reward r JOIN partner p ON p.id = r.partner_id
     LEFT JOIN app_user d ON d.id = r.decided_by
     LEFT JOIN audit_log a ON a.entity = 'reward' AND a.entity_id = r.id AND a.operation = 'create'
     LEFT JOIN app_user c ON c.id = a.user_id";

/// A partner's rewards, the latest first.
pub async fn rewards(desk: &Desk, partner_id: &str) -> Result<Vec<Reward>> {
    desk.require(Action::PartnerRead)?;
    let mut rows: Vec<Reward> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REWARD_SELECT} WHERE r.partner_id = ? AND r.deleted_at IS NULL ORDER BY r.created_at DESC"
    )))
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?;
    let roles = crate::machines::session_roles(desk);
    for r in &mut rows {
        r.actions = crate::machines::REWARD.offers_text(&roles, &r.status);
    }
    Ok(rows)
}

/// Proposes a reward for a partner (R2.3.3); a manager decides.
pub async fn propose(desk: &Desk, partner_id: &str, input: &RewardInput) -> Result<Vec<Reward>> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let money = MONEY_KINDS.contains(&input.kind.as_str());
    c.one_of("kind", &input.kind, &REWARD_KINDS);
    let description = c.text("description", &input.description, !money, 500, true);
    let reason = c.text("reason", &input.reason, true, 1000, true);
    let (amount, currency) = if money {
        match input.amount_minor {
            Some(a) if a > 0 => {}
            Some(_) => c.push("amount_minor", "range"),
            None => c.push("amount_minor", "required"),
        }
        c.one_of("currency", &input.currency, &CURRENCIES);
        (input.amount_minor, Some(input.currency.clone()))
    } else {
        (None, None)
    };
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", partner_id, "partner_id").await?;
    let id = insert(
        &mut w,
        "reward",
        &[
            ("partner_id", partner_id.into()),
            ("kind", input.kind.as_str().into()),
            ("amount_minor", Val::Int(amount)),
            ("currency", currency.clone().into()),
            ("description", description.clone().into()),
            ("reason", reason.clone().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("partner_id", &partner_id);
    ch.set("kind", &input.kind);
    ch.set("amount_minor", &amount);
    ch.set("currency", &currency);
    ch.set("description", &description);
    ch.set("reason", &reason);
    audit::record(&mut w, "create", "reward", &id, &ch).await?;
    w.commit().await?;
    rewards(desk, partner_id).await
}

/// Approves or rejects a proposed reward (managers); a rejection needs a note.
pub async fn decide(desk: &Desk, id: &str, approve: bool, note: &str) -> Result<Vec<Reward>> {
    desk.require(Action::IncentiveApprove)?;
    let mut c = Checker::new();
    let note = c.text("decision_note", note, !approve, 500, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT partner_id, status FROM reward WHERE id = ? AND deleted_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let (partner_id, _) = row.ok_or_else(|| Error::NotFound { entity: "reward", id: id.into() })?;
    let step = if approve { "approve" } else { "reject" };
    let moved = crate::machines::REWARD.take(&mut w, id, step, Some(("decision_note", &note))).await?;
    let sets = [
        ("decided_by", Some(w.stamp.user.id.clone())),
        ("decided_at", Some(w.stamp.now.clone())),
        ("decision_note", Some(note.clone())),
    ];
    crate::records::set_columns(&mut w, "reward", id, &sets).await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("decision_note", &note);
    audit::record(&mut w, "decide", "reward", id, &ch).await?;
    w.commit().await?;
    rewards(desk, &partner_id).await
}

/// The configured awards (setting `award_categories`, a JSON list), the policy's three by
/// default.
pub async fn categories(desk: &Desk) -> Result<Vec<String>> {
    desk.require(Action::PartnerRead)?;
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'award_categories'")
        .fetch_optional(desk.pool())
        .await?;
    Ok(v.and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| AWARDS.iter().map(|s| s.to_string()).collect()))
}

/// Sets the awards (administrators): the policy's keys or names of one's own, 1–10 of them.
pub async fn set_categories(desk: &Desk, names: &[String]) -> Result<Vec<String>> {
    desk.require(Action::SettingsManage)?;
    let mut c = Checker::new();
    let mut clean: Vec<String> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let n = c.text(&format!("categories.{i}"), n, true, 40, false);
        if !n.is_empty() && !clean.contains(&n) {
            clean.push(n);
        }
    }
    if clean.is_empty() || clean.len() > 10 {
        c.errors.push(FieldError::with_limit("categories", "too_many", 10));
    }
    c.finish()?;
    let mut w = desk.write().await?;
    sqlx::query("INSERT INTO setting (key, value) VALUES ('award_categories', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(serde_json::to_string(&clean).unwrap_or_default())
        .execute(&mut *w.tx)
        .await?;
    let mut ch = Changes::new();
    ch.set("award_categories", &clean);
    audit::record(&mut w, "update", "setting", "award_categories", &ch).await?;
    w.commit().await?;
    Ok(clean)
}

/// A nomination for an award.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Nomination {
    pub id: String,
    #[ts(type = "number")]
    pub year: i64,
    pub category: String,
    pub partner_id: String,
    pub partner_name: String,
    pub reason: String,
    pub status: String,
    /// The steps of its life cycle the signed-in person may take now (src/machines).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
    pub decided_at: Option<String>,
}

/// A candidate suggested from the year's finished evaluations.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Candidate {
    pub partner_id: String,
    pub partner_name: String,
    /// The score it is ranked by (total, or the award's dimension), hundredths.
    pub score_x100: u32,
    pub class: Option<String>,
}

/// One year's awards: the categories, nominations and suggested candidates per category.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AwardYear {
    #[ts(type = "number")]
    pub year: i64,
    pub categories: Vec<String>,
    pub nominations: Vec<Nomination>,
    pub candidates: std::collections::BTreeMap<String, Vec<Candidate>>,
}

/// The dimension an award is ranked by (none: the total).
fn dimension_of(category: &str) -> Option<&'static str> {
    match category {
        "outstanding_marketing" => Some("marketing"),
        "service_excellence" => Some("service"),
        _ => None,
    }
}

/// The awards of `year` with the five best-scored candidates of each (R2.3.3 uses R2.2 results).
pub async fn award_year(desk: &Desk, year: i64) -> Result<AwardYear> {
    desk.require(Action::PartnerRead)?;
    let categories = categories(desk).await?;
    let mut nominations: Vec<Nomination> = sqlx::query_as(
        "SELECT a.id, a.year, a.category, a.partner_id, p.name AS partner_name, a.reason, a.status, a.decided_at
         FROM award a JOIN partner p ON p.id = a.partner_id WHERE a.year = ? AND a.deleted_at IS NULL
         ORDER BY a.category, a.status = 'awarded' DESC, a.created_at",
    )
    .bind(year)
    .fetch_all(desk.pool())
    .await?;
    let roles = crate::machines::session_roles(desk);
    for n in &mut nominations {
        n.actions = crate::machines::AWARD.offers_text(&roles, &n.status);
    }
    let finished: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT e.partner_id, p.name, e.class, e.result FROM evaluation e JOIN partner p ON p.id = e.partner_id
         WHERE e.status = 'finished' AND e.kind = 'periodic' AND e.period = ? AND e.deleted_at IS NULL AND p.deleted_at IS NULL",
    )
    .bind(year.to_string())
    .fetch_all(desk.pool())
    .await?;
    let mut candidates = std::collections::BTreeMap::new();
    for cat in &categories {
        let mut list: Vec<Candidate> = finished
            .iter()
            .filter_map(|(pid, name, class, result)| {
                let r: crate::evaluation::EvalResult = serde_json::from_str(result.as_deref()?).ok()?;
                let score = match dimension_of(cat) {
                    Some(d) => r.dimensions.iter().find(|x| x.dimension == d)?.score_x100,
                    None => r.total_x100,
                };
                Some(Candidate {
                    partner_id: pid.clone(),
                    partner_name: name.clone(),
                    score_x100: score,
                    class: class.clone(),
                })
            })
            .collect();
        list.sort_by(|a, b| b.score_x100.cmp(&a.score_x100).then(a.partner_name.cmp(&b.partner_name)));
        list.truncate(5);
        candidates.insert(cat.clone(), list);
    }
    Ok(AwardYear { year, categories, nominations, candidates })
}

/// A nomination as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct NominationInput {
    #[ts(type = "number")]
    pub year: i64,
    pub category: String,
    pub partner_id: String,
    pub reason: String,
}

/// Nominates a partner for one of the year's awards.
pub async fn nominate(desk: &Desk, input: &NominationInput) -> Result<AwardYear> {
    desk.require(Action::PartnerWrite)?;
    let cats = categories(desk).await?;
    let mut c = Checker::new();
    let this_year: i64 = desk.today()[..4].parse().unwrap_or(2026);
    if !(2000..=this_year).contains(&input.year) {
        c.errors.push(FieldError::with_limit("year", "range", this_year as u32));
    }
    if !cats.contains(&input.category) {
        c.push("category", "unknown");
    }
    let reason = c.text("reason", &input.reason, true, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let twice: Option<String> = sqlx::query_scalar(
        "SELECT id FROM award WHERE year = ? AND category = ? AND partner_id = ? AND deleted_at IS NULL",
    )
    .bind(input.year)
    .bind(&input.category)
    .bind(&input.partner_id)
    .fetch_optional(&mut *w.tx)
    .await?;
    if twice.is_some() {
        return Err(Error::field("partner_id", "duplicate"));
    }
    let id = insert(
        &mut w,
        "award",
        &[
            ("year", input.year.into()),
            ("category", input.category.as_str().into()),
            ("partner_id", input.partner_id.as_str().into()),
            ("reason", reason.clone().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("year", &input.year);
    ch.set("category", &input.category);
    ch.set("partner_id", &input.partner_id);
    ch.set("reason", &reason);
    audit::record(&mut w, "nominate", "award", &id, &ch).await?;
    w.commit().await?;
    award_year(desk, input.year).await
}

/// Awards nomination `id` (managers): the year's other nominations for the award become not
/// awarded.
pub async fn confer(desk: &Desk, id: &str) -> Result<AwardYear> {
    desk.require(Action::IncentiveApprove)?;
    let mut w = desk.write().await?;
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT year, category, status FROM award WHERE id = ? AND deleted_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let (year, category, _) = row.ok_or_else(|| Error::NotFound { entity: "award", id: id.into() })?;
    let machine = &crate::machines::AWARD;
    let from = machine.state(&mut w.tx, id).await?;
    machine.check(&w, "confer", from)?;
    let others: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, status FROM award WHERE year = ? AND category = ? AND id <> ? AND deleted_at IS NULL",
    )
    .bind(year)
    .bind(&category)
    .bind(id)
    .fetch_all(&mut *w.tx)
    .await?;
    if others.iter().any(|(_, s)| s == "awarded") {
        return Err(Error::field("category", "awarded"));
    }
    let now = w.stamp.now.clone();
    let me = w.stamp.user.id.clone();
    for (other, _) in others.iter().filter(|(_, s)| s == "nominated") {
        let passed = machine.cause(&mut w, other, "pass_over").await?;
        let sets = [("decided_by", Some(me.clone())), ("decided_at", Some(now.clone()))];
        crate::records::set_columns(&mut w, "award", other, &sets).await?;
        let mut pc = Changes::new();
        passed.note("status", &mut pc);
        audit::record(&mut w, "pass_over", "award", other, &pc).await?;
    }
    let moved = machine.take(&mut w, id, "confer", None).await?;
    let sets = [("decided_by", Some(me)), ("decided_at", Some(now))];
    crate::records::set_columns(&mut w, "award", id, &sets).await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    audit::record(&mut w, "confer", "award", id, &ch).await?;
    w.commit().await?;
    award_year(desk, year).await
}

fn award_name(category: &str) -> String {
    match category {
        "best_partner" => "年度最佳合作伙伴".into(),
        "outstanding_marketing" => "年度市场推广优秀奖".into(),
        "service_excellence" => "年度客户服务卓越奖".into(),
        other => other.to_string(),
    }
}

/// The honour certificate of an awarded nomination, as a PDF.
pub async fn certificate_pdf(desk: &Desk, id: &str, company: &str) -> Result<Printed> {
    desk.require(Action::PartnerRead)?;
    let row: Option<(i64, String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT a.year, a.category, p.name, a.status, a.decided_at, a.hlc FROM award a JOIN partner p ON p.id = a.partner_id
         WHERE a.id = ? AND a.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(desk.pool())
    .await?;
    let (year, category, partner, status, decided_at, hlc) =
        row.ok_or_else(|| Error::NotFound { entity: "award", id: id.into() })?;
    if status != "awarded" {
        return Err(Error::field("status", "not_awarded"));
    }
    let mut c = Checker::new();
    let company = c.text("company", company, true, 100, false);
    c.finish()?;
    let on = decided_at.clone().unwrap_or_default();
    let date = on.get(..10).unwrap_or_default();
    let date = crate::agreements::pdf::legal_date(date).unwrap_or_else(|| date.to_string());
    let title = award_name(&category);
    // Issue 24: set as a certificate (landscape, centred, nothing running across the page).
    let blocks = vec![
        Block::Space(10.0),
        Block::Display { text: "荣 誉 证 书".into(), size: 40.0 },
        Block::Display { text: "Certificate of Honour".into(), size: 12.0 },
        Block::Space(12.0),
        Block::Heading(format!("{partner}：")),
        Block::Paragraph(format!(
            "　　贵公司在 {year} 年度的渠道合作中表现突出，经评审，荣获“{title}”称号。特发此证，以资鼓励。"
        )),
        Block::Space(6.0),
        Block::Display { text: title.clone(), size: 26.0 },
        Block::Space(14.0),
        Block::Columns(vec![vec![], vec![("颁发单位".into(), company.clone()), ("日期".into(), date)]]),
    ];
    let fingerprint = crate::documents::content_fingerprint(&[id, &hlc, &company]);
    let number = format!("AWARD-{year}-{}", &id[id.len() - 6..]);
    let frame = Frame {
        title: format!("荣誉证书 {partner} {title}"),
        header: format!("{year} 年度 · {title}"),
        number: number.clone(),
        fingerprint,
        made_on: on,
        certificate: true,
        ..Default::default()
    };
    crate::documents::issue(desk, "certificate", blocks, frame).await
}
