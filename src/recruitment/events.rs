//! Trade-show and business events (R2.1.3 offline sources) and their after-show summary.
//!
//! Invariants: an event's number `EV-<year>-<device code>-<seq>` is unique across laptops;
//! `ends_on` is not before `starts_on`; booth staff are users; the summary counts only live
//! leads captured at the event.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, new_id};
use crate::error::{Error, Result};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// An event as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct EventInput {
    pub name: String,
    pub city: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub booth: String,
    /// User ids of the booth staff.
    pub staff: Vec<String>,
    pub notes: String,
}

/// A user on an event's staff.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaffRef {
    pub id: String,
    pub name: String,
}

/// A stored event with its lead count.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TradeEvent {
    pub id: String,
    pub number: String,
    pub name: String,
    pub city: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub booth: String,
    pub staff: Vec<StaffRef>,
    pub notes: String,
    #[ts(type = "number")]
    pub leads: i64,
    pub hlc: String,
}

#[derive(sqlx::FromRow)]
struct EventDb {
    id: String,
    number: String,
    name: String,
    city: String,
    venue: String,
    starts_on: String,
    ends_on: String,
    booth: String,
    staff: String,
    notes: String,
    leads: i64,
    hlc: String,
    staff_names: String,
}

impl EventDb {
    fn into_event(self) -> TradeEvent {
        let ids: Vec<String> = serde_json::from_str(&self.staff).unwrap_or_default();
        let names: BTreeMap<String, String> = serde_json::from_str(&self.staff_names).unwrap_or_default();
        TradeEvent {
            staff: ids
                .into_iter()
                .map(|id| StaffRef { name: names.get(&id).cloned().unwrap_or_default(), id })
                .collect(),
            id: self.id,
            number: self.number,
            name: self.name,
            city: self.city,
            venue: self.venue,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            booth: self.booth,
            notes: self.notes,
            leads: self.leads,
            hlc: self.hlc,
        }
    }
}

const SELECT: &str =
    "SELECT e.id, e.number, e.name, e.city, e.venue, e.starts_on, e.ends_on, e.booth, e.staff,
        e.notes, e.hlc,
        (SELECT count(*) FROM prospect r JOIN partner p ON p.id = r.partner_id
            WHERE r.event_id = e.id AND r.deleted_at IS NULL AND p.deleted_at IS NULL) AS leads,
        (SELECT json_group_object(u.id, u.display_name) FROM app_user u
            WHERE u.id IN (SELECT value FROM json_each(e.staff))) AS staff_names
     FROM trade_event e";

struct CleanEvent {
    name: String,
    city: String,
    venue: String,
    starts_on: String,
    ends_on: String,
    booth: String,
    staff: Vec<String>,
    notes: String,
}

fn check(input: &EventInput) -> Result<CleanEvent> {
    let mut c = Checker::new();
    let name = c.text("name", &input.name, true, 100, false);
    let city = c.text("city", &input.city, false, 50, false);
    let venue = c.text("venue", &input.venue, false, 100, false);
    let starts_on = c.date("starts_on", &input.starts_on, true);
    let ends_on = c.date("ends_on", &input.ends_on, true);
    if starts_on.len() == 10 && ends_on.len() == 10 && ends_on < starts_on {
        c.push("ends_on", "before_start");
    }
    let booth = c.text("booth", &input.booth, false, 30, false);
    let notes = c.text("notes", &input.notes, false, 2000, true);
    let mut staff: Vec<String> = Vec::new();
    for s in &input.staff {
        let s = s.trim().to_string();
        if !s.is_empty() && !staff.contains(&s) {
            staff.push(s);
        }
    }
    if staff.len() > 30 {
        c.errors.push(crate::error::FieldError::with_limit("staff", "too_many", 30));
    }
    c.finish()?;
    Ok(CleanEvent { name, city, venue, starts_on, ends_on, booth, staff, notes })
}

async fn check_staff(conn: &mut sqlx::SqliteConnection, staff: &[String]) -> Result<()> {
    for (i, id) in staff.iter().enumerate() {
        crate::records::require_live(conn, "app_user", id, &format!("staff.{i}")).await?;
    }
    Ok(())
}

/// Creates an event; its number is made from the start year and this laptop's code.
pub async fn create(desk: &Desk, input: &EventInput) -> Result<TradeEvent> {
    desk.require(Action::PartnerWrite)?;
    let e = check(input)?;
    let mut w = desk.write().await?;
    check_staff(&mut w.tx, &e.staff).await?;
    let prefix = format!("EV-{}-{}-", &e.starts_on[..4], desk.device().short_code);
    let number = crate::records::next_number(&mut w, "trade_event", &prefix, 4).await?;
    let id = new_id();
    let s = w.stamp.clone();
    let staff = serde_json::to_string(&e.staff).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "INSERT INTO trade_event (id, number, name, city, venue, starts_on, ends_on, booth, staff, notes,
            created_at, updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(&id)
    .bind(&number)
    .bind(&e.name)
    .bind(&e.city)
    .bind(&e.venue)
    .bind(&e.starts_on)
    .bind(&e.ends_on)
    .bind(&e.booth)
    .bind(&staff)
    .bind(&e.notes)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("number", &number);
    ch.set("name", &e.name);
    ch.set("starts_on", &e.starts_on);
    ch.set("ends_on", &e.ends_on);
    audit::record(&mut w, "create", "trade_event", &id, &ch).await?;
    w.commit().await?;
    get(desk, &id).await
}

/// Updates event `id`, which must still be at version `expected_hlc`.
pub async fn update(desk: &Desk, id: &str, expected_hlc: &str, input: &EventInput) -> Result<TradeEvent> {
    desk.require(Action::PartnerWrite)?;
    let e = check(input)?;
    let mut w = desk.write().await?;
    check_staff(&mut w.tx, &e.staff).await?;
    let staff = serde_json::to_string(&e.staff).unwrap_or_else(|_| "[]".into());
    let cols = ["name", "city", "venue", "starts_on", "ends_on", "booth", "staff", "notes"];
    let after = [e.name, e.city, e.venue, e.starts_on, e.ends_on, e.booth, staff, e.notes];
    let ch = crate::records::update_texts(&mut w, "trade_event", id, expected_hlc, &cols, &after).await?;
    if ch.is_empty() {
        w.tx.rollback().await?;
        return get(desk, id).await;
    }
    audit::record(&mut w, "update", "trade_event", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// One event.
pub async fn get(desk: &Desk, id: &str) -> Result<TradeEvent> {
    desk.require(Action::PartnerRead)?;
    let row: Option<EventDb> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.id = ? AND e.deleted_at IS NULL")))
            .bind(id)
            .fetch_optional(desk.pool())
            .await?;
    Ok(row.ok_or_else(|| Error::NotFound { entity: "trade_event", id: id.into() })?.into_event())
}

/// Every event, the latest first.
pub async fn list(desk: &Desk) -> Result<Vec<TradeEvent>> {
    desk.require(Action::PartnerRead)?;
    let rows: Vec<EventDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE e.deleted_at IS NULL ORDER BY e.starts_on DESC, e.number DESC"
    )))
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.into_iter().map(EventDb::into_event).collect())
}

/// One lead in the after-show summary.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct SummaryRow {
    pub partner_id: String,
    pub name: String,
    pub contact: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub stage: String,
    pub outcome: String,
    #[ts(type = "number | null")]
    pub score_x100: Option<i64>,
    pub passed: Option<bool>,
    pub interest: String,
    pub captured_by_name: Option<String>,
    pub captured_at: String,
}

/// How many leads reached a stage.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StageCount {
    pub stage: super::Stage,
    /// Leads now at this stage (open ones).
    #[ts(type = "number")]
    pub now_at: i64,
    /// Leads that reached this stage or further.
    #[ts(type = "number")]
    pub reached: i64,
}

/// After the show: leads, stages reached, screening scores and conversions.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EventSummary {
    pub event: TradeEvent,
    #[ts(type = "number")]
    pub leads: i64,
    pub stages: Vec<StageCount>,
    #[ts(type = "number")]
    pub rejected: i64,
    #[ts(type = "number")]
    pub signed: i64,
    /// Signed out of all leads, 0–100.
    pub conversion_pct: Option<f64>,
    #[ts(type = "number")]
    pub scored: i64,
    #[ts(type = "number")]
    pub passed: i64,
    /// Average of the latest screening totals, hundredths of a point.
    #[ts(type = "number | null")]
    pub avg_score_x100: Option<i64>,
    pub rows: Vec<SummaryRow>,
}

#[derive(sqlx::FromRow)]
struct SummaryDb {
    #[sqlx(flatten)]
    row: SummaryRow,
    reached: i64,
}

/// The after-show summary of event `id`.
pub async fn summary(desk: &Desk, id: &str) -> Result<EventSummary> {
    let event = get(desk, id).await?;
    let rows: Vec<SummaryDb> = sqlx::query_as(
        "SELECT p.id AS partner_id, p.name,
            c.name AS contact, c.mobile, c.email, r.stage, r.outcome, r.reached,
            k.total_x100 AS score_x100, k.passed, r.interest, u.display_name AS captured_by_name,
            r.created_at AS captured_at
         FROM prospect r JOIN partner p ON p.id = r.partner_id
         LEFT JOIN partner_contact c ON c.id = (SELECT id FROM partner_contact WHERE partner_id = p.id
             AND deleted_at IS NULL ORDER BY is_primary DESC, position LIMIT 1)
         LEFT JOIN scorecard k ON k.id = (SELECT id FROM scorecard WHERE partner_id = p.id AND deleted_at IS NULL
             ORDER BY scored_at DESC, id DESC LIMIT 1)
         LEFT JOIN app_user u ON u.id = r.captured_by
         WHERE r.event_id = ? AND r.deleted_at IS NULL AND p.deleted_at IS NULL
         ORDER BY r.created_at, r.id",
    )
    .bind(id)
    .fetch_all(desk.pool())
    .await?;
    let leads = rows.len() as i64;
    let stages = super::Stage::ALL.iter().copied().map(|st| stage_count(&rows, st)).collect::<Vec<_>>();
    let signed = rows.iter().filter(|r| r.row.outcome == "signed").count() as i64;
    let rejected = rows.iter().filter(|r| r.row.outcome == "rejected").count() as i64;
    let scores: Vec<i64> = rows.iter().filter_map(|r| r.row.score_x100).collect();
    let passed = rows.iter().filter(|r| r.row.passed == Some(true)).count() as i64;
    let avg = (!scores.is_empty()).then(|| scores.iter().sum::<i64>() / scores.len() as i64);
    Ok(EventSummary {
        event,
        leads,
        stages,
        rejected,
        signed,
        conversion_pct: (leads > 0).then(|| (signed as f64 * 1000.0 / leads as f64).round() / 10.0),
        scored: scores.len() as i64,
        passed,
        avg_score_x100: avg,
        rows: rows.into_iter().map(|r| r.row).collect(),
    })
}

impl SummaryDb {
    fn stage(&self) -> super::Stage {
        super::Stage::parse(&self.row.stage).unwrap_or(super::Stage::Application)
    }
}

fn stage_count(rows: &[SummaryDb], stage: super::Stage) -> StageCount {
    StageCount {
        stage,
        now_at: rows.iter().filter(|r| r.row.outcome == "open" && r.stage() == stage).count() as i64,
        reached: rows.iter().filter(|r| r.reached >= stage.index()).count() as i64,
    }
}

/// Writes the summary's lead list as CSV (UTF-8 with BOM, for Excel); rows written.
pub async fn summary_csv(desk: &Desk, id: &str, path: &std::path::Path, labels: &CsvLabels) -> Result<u64> {
    let s = summary(desk, id).await?;
    let rows = s.rows.iter().map(|r| {
        vec![
            s.event.number.clone(),
            r.name.clone(),
            r.contact.clone().unwrap_or_default(),
            r.mobile.clone().unwrap_or_default(),
            r.email.clone().unwrap_or_default(),
            labels.stages.get(&r.stage).cloned().unwrap_or_else(|| r.stage.clone()),
            labels.outcomes.get(&r.outcome).cloned().unwrap_or_else(|| r.outcome.clone()),
            r.score_x100.map(|v| format!("{:.2}", v as f64 / 100.0)).unwrap_or_default(),
            r.interest.clone(),
            r.captured_by_name.clone().unwrap_or_default(),
            r.captured_at.clone(),
        ]
    });
    let header: Vec<&str> = if labels.header.len() == CSV_COLUMNS.len() {
        labels.header.iter().map(String::as_str).collect()
    } else {
        CSV_COLUMNS.to_vec()
    };
    crate::csvfile::write(path, &header, rows)
}

/// The CSV's columns when no translation is given.
pub const CSV_COLUMNS: [&str; 11] = [
    "event",
    "company",
    "contact",
    "mobile",
    "email",
    "stage",
    "outcome",
    "score",
    "interest",
    "captured_by",
    "captured_at",
];

/// The words of the CSV in the user's language (the UI sends its translations).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct CsvLabels {
    /// 11 column titles.
    pub header: Vec<String>,
    pub stages: BTreeMap<String, String>,
    pub outcomes: BTreeMap<String, String>,
}
