//! Relationship maintenance (R2.3.1): the communication log with follow-ups, the quarterly
//! review each active partner needs every calendar quarter (and its minutes as a PDF), and
//! what is due. Training and support are in [`support`], rewards and awards in
//! [`incentives`], one partner's chronological view in [`timeline`].
//!
//! Invariants: quarters are calendar quarters of the local date the program runs on (the
//! desk's `today`); a partner is due when it has no quarterly review dated in the current
//! quarter, overdue when it had none in the previous quarter either. Log entries and their
//! follow-ups are written, with their audit entry, in one transaction.

pub mod incentives;
pub mod support;
pub mod timeline;

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::documents::Printed;
use crate::documents::layout::{self, Block, Frame};
use crate::error::{Error, Result};
use crate::machines::FOLLOW_UP;
use crate::records::{Val, insert};
use crate::validate::Checker;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const LOG_KINDS: [&str; 5] = ["meeting", "call", "visit", "email", "message"];

/// The calendar quarter of `date` as (year, 1–4).
pub fn quarter_of(date: NaiveDate) -> (i32, u32) {
    (date.year(), date.month0() / 3 + 1)
}

/// The first and last day of quarter `q` of `year`.
pub fn quarter_bounds(year: i32, q: u32) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).expect("quarter start");
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)
    }
    .expect("next quarter");
    (start, next.pred_opt().expect("quarter end"))
}

/// The quarter before (year, q).
pub fn previous_quarter((year, q): (i32, u32)) -> (i32, u32) {
    if q == 1 { (year - 1, 4) } else { (year, q - 1) }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A follow-up as entered with its log entry.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct FollowUpInput {
    pub action: String,
    pub owner_id: String,
    pub due_on: String,
}

/// A communication record as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct LogInput {
    pub kind: String,
    /// The quarter's review meeting (R2.3.1): the minutes below are then required.
    pub quarterly_review: bool,
    pub held_on: String,
    pub our_people: String,
    pub their_people: String,
    pub summary: String,
    pub progress: String,
    pub market: String,
    pub problems: String,
    pub solutions: String,
    pub follow_ups: Vec<FollowUpInput>,
}

/// A stored communication record.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct LogEntry {
    pub id: String,
    pub partner_id: String,
    pub kind: String,
    pub quarterly_review: bool,
    pub held_on: String,
    pub our_people: String,
    pub their_people: String,
    pub summary: String,
    pub progress: String,
    pub market: String,
    pub problems: String,
    pub solutions: String,
    pub recorded_by: Option<String>,
    #[sqlx(skip)]
    pub follow_ups: Vec<FollowUp>,
}

/// A follow-up and whether it is done.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct FollowUp {
    pub id: String,
    pub log_id: String,
    pub action: String,
    pub owner_id: String,
    pub owner_name: Option<String>,
    pub due_on: String,
    pub done_on: Option<String>,
    /// What the signed-in person may do with it now (its life cycle's steps).
    #[sqlx(skip)]
    pub actions: Vec<&'static str>,
}

/// Records a meeting, call, visit, e-mail or message with its follow-ups (R2.3.1).
pub async fn log(desk: &Desk, partner_id: &str, input: &LogInput) -> Result<Vec<LogEntry>> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    c.one_of("kind", &input.kind, &LOG_KINDS);
    let held_on = c.date_until("held_on", &input.held_on, true, &desk.today());
    let our = c.text("our_people", &input.our_people, input.quarterly_review, 200, false);
    let their = c.text("their_people", &input.their_people, input.quarterly_review, 200, false);
    let summary = c.text("summary", &input.summary, true, 4000, true);
    let review = input.quarterly_review;
    let progress = c.text("progress", &input.progress, review, 4000, true);
    let market = c.text("market", &input.market, review, 4000, true);
    let problems = c.text("problems", &input.problems, false, 4000, true);
    let solutions = c.text("solutions", &input.solutions, !input.problems.trim().is_empty(), 4000, true);
    if review && input.kind != "meeting" && input.kind != "visit" {
        c.push("kind", "review_meeting");
    }
    let mut follow_ups = Vec::new();
    for (i, f) in input.follow_ups.iter().enumerate() {
        let action = c.text(&format!("follow_ups.{i}.action"), &f.action, true, 500, false);
        let due_on = c.date(&format!("follow_ups.{i}.due_on"), &f.due_on, true);
        if f.owner_id.trim().is_empty() {
            c.push(format!("follow_ups.{i}.owner_id"), "required");
        }
        follow_ups.push((action, f.owner_id.trim().to_string(), due_on));
    }
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", partner_id, "partner_id").await?;
    for (i, (_, owner, _)) in follow_ups.iter().enumerate() {
        crate::records::require_live(&mut w.tx, "app_user", owner, &format!("follow_ups.{i}.owner_id"))
            .await?;
    }
    let id = insert(
        &mut w,
        "contact_log",
        &[
            ("partner_id", partner_id.into()),
            ("kind", input.kind.as_str().into()),
            ("quarterly_review", Val::Int(Some(i64::from(review)))),
            ("held_on", held_on.clone().into()),
            ("our_people", our.into()),
            ("their_people", their.into()),
            ("summary", summary.clone().into()),
            ("progress", progress.into()),
            ("market", market.into()),
            ("problems", problems.into()),
            ("solutions", solutions.into()),
        ],
    )
    .await?;
    for (action, owner, due_on) in &follow_ups {
        insert(
            &mut w,
            "follow_up",
            &[
                ("log_id", id.as_str().into()),
                ("partner_id", partner_id.into()),
                ("action", action.as_str().into()),
                ("owner_id", owner.as_str().into()),
                ("due_on", due_on.as_str().into()),
            ],
        )
        .await?;
    }
    let mut ch = Changes::new();
    ch.set("kind", &input.kind);
    ch.set("quarterly_review", &review);
    ch.set("held_on", &held_on);
    ch.set("summary", &summary);
    ch.set("follow_ups", &(follow_ups.len() as i64));
    audit::record(&mut w, if review { "quarterly_review" } else { "contact" }, "partner", partner_id, &ch)
        .await?;
    w.commit().await?;
    logs(desk, partner_id).await
}

/// A partner's communication records, the latest first, with their follow-ups.
pub async fn logs(desk: &Desk, partner_id: &str) -> Result<Vec<LogEntry>> {
    desk.require(Action::PartnerRead)?;
    let mut entries: Vec<LogEntry> = sqlx::query_as(
        "SELECT l.id, l.partner_id, l.kind, l.quarterly_review, l.held_on, l.our_people, l.their_people, l.summary,
            l.progress, l.market, l.problems, l.solutions, u.display_name AS recorded_by
         FROM contact_log l LEFT JOIN app_user u ON u.id = l.updated_by
         WHERE l.partner_id = ? AND l.deleted_at IS NULL ORDER BY l.held_on DESC, l.created_at DESC",
    )
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?;
    let roles = crate::machines::session_roles(desk);
    let mut follow_ups: Vec<FollowUp> = sqlx::query_as(
        "SELECT f.id, f.log_id, f.action, f.owner_id, u.display_name AS owner_name, f.due_on, f.done_on
         FROM follow_up f LEFT JOIN app_user u ON u.id = f.owner_id
         WHERE f.partner_id = ? AND f.deleted_at IS NULL ORDER BY f.due_on, f.id",
    )
    .bind(partner_id)
    .fetch_all(desk.pool())
    .await?;
    for f in &mut follow_ups {
        f.actions = FOLLOW_UP.offers_dated(&roles, &f.done_on);
    }
    for e in &mut entries {
        e.follow_ups = follow_ups.iter().filter(|f| f.log_id == e.id).cloned().collect();
    }
    Ok(entries)
}

/// Marks follow-up `id` done on `done_on` (or open again when empty); the partner's records.
pub async fn follow_up_done(desk: &Desk, id: &str, done_on: &str) -> Result<Vec<LogEntry>> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let on = c.date_until("done_on", done_on, false, &desk.today());
    c.finish()?;
    let mut w = desk.write().await?;
    let row: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT partner_id, done_on, action FROM follow_up WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let (partner_id, before, action) =
        row.ok_or_else(|| Error::NotFound { entity: "follow_up", id: id.into() })?;
    let after = (!on.is_empty()).then_some(on);
    let mut ch = Changes::new();
    if ch.diff("done_on", &before, &after) {
        let step = if after.is_some() { "done" } else { "reopen" };
        FOLLOW_UP.take_on(&mut w, id, step, after.as_deref().unwrap_or("")).await?;
        ch.set("follow_up", &action);
        audit::record(&mut w, "follow_up", "partner", &partner_id, &ch).await?;
        w.commit().await?;
    } else {
        w.tx.rollback().await?;
    }
    logs(desk, &partner_id).await
}

/// The quarterly review reminders: partners with no review this quarter, and of those the
/// ones that had none last quarter either, as SQL `FROM … WHERE …` fragments.
pub(crate) fn review_due_sql(today: &str) -> Option<(String, String)> {
    let d = NaiveDate::parse_from_str(today, "%Y-%m-%d").ok()?;
    let this = quarter_of(d);
    let (s, e) = quarter_bounds(this.0, this.1);
    let (ps, pe) = {
        let p = previous_quarter(this);
        quarter_bounds(p.0, p.1)
    };
    let none_in = |a: NaiveDate, b: NaiveDate| {
        format!(
            "NOT EXISTS (SELECT 1 FROM contact_log l WHERE l.partner_id = p.id AND l.quarterly_review = 1
                AND l.deleted_at IS NULL AND l.held_on BETWEEN '{}' AND '{}')",
            ymd(a),
            ymd(b)
        )
    };
    let base = "FROM partner p WHERE p.status = 'active' AND p.deleted_at IS NULL";
    let due = format!("{base} AND {}", none_in(s, e));
    // Overdue: active since before this quarter and no review last quarter either.
    let overdue = format!("{due} AND {} AND p.created_at < '{}'", none_in(ps, pe), ymd(s));
    Some((due, overdue))
}

/// The minutes of quarterly review `log_id` as a PDF.
pub async fn minutes_pdf(desk: &Desk, log_id: &str) -> Result<Printed> {
    desk.require(Action::PartnerRead)?;
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT l.partner_id, p.name, l.hlc FROM contact_log l JOIN partner p ON p.id = l.partner_id
         WHERE l.id = ? AND l.deleted_at IS NULL AND l.quarterly_review = 1",
    )
    .bind(log_id)
    .fetch_optional(desk.pool())
    .await?;
    let (partner_id, partner_name, hlc) =
        row.ok_or_else(|| Error::NotFound { entity: "quarterly_review", id: log_id.into() })?;
    let e = logs(desk, &partner_id).await?.into_iter().find(|e| e.id == log_id).expect("just found");
    let d = NaiveDate::parse_from_str(&e.held_on, "%Y-%m-%d").map_err(|_| Error::field("held_on", "date"))?;
    let (y, q) = quarter_of(d);
    let mut blocks = vec![
        Block::Title {
            text: "季度回顾会议纪要".into(),
            sub: Some(format!("{partner_name} · {y} 年第 {q} 季度")),
        },
        Block::Fields(vec![
            ("合作伙伴".into(), partner_name.clone()),
            ("会议日期".into(), e.held_on.clone()),
            ("我方参会人".into(), e.our_people.clone()),
            ("对方参会人".into(), e.their_people.clone()),
            ("记录人".into(), e.recorded_by.clone().unwrap_or_default()),
        ]),
        Block::Heading("会议概要".into()),
        Block::Paragraph(e.summary.clone()),
        Block::Heading("业务进展".into()),
        Block::Paragraph(e.progress.clone()),
        Block::Heading("市场信息".into()),
        Block::Paragraph(e.market.clone()),
    ];
    if !e.problems.is_empty() {
        blocks.push(Block::Heading("存在的问题及解决方案".into()));
        blocks.push(Block::Table(layout::Table {
            header: vec!["问题".into(), "解决方案".into()],
            widths: vec![1.0, 1.0],
            rows: vec![vec![e.problems.clone(), e.solutions.clone()]],
        }));
    }
    if !e.follow_ups.is_empty() {
        blocks.push(Block::Heading("后续事项".into()));
        blocks.push(Block::Table(layout::Table {
            header: vec!["事项".into(), "负责人".into(), "期限".into(), "完成".into()],
            widths: vec![3.0, 1.0, 1.0, 1.0],
            rows: e
                .follow_ups
                .iter()
                .map(|f| {
                    vec![
                        f.action.clone(),
                        f.owner_name.clone().unwrap_or_default(),
                        f.due_on.clone(),
                        f.done_on.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        }));
    }
    blocks.push(Block::Keep(vec![
        Block::Space(6.0),
        Block::Columns(vec![
            vec![("我方确认（签字）".into(), String::new())],
            vec![("对方确认（签字）".into(), String::new())],
        ]),
    ]));
    let fingerprint = crate::documents::content_fingerprint(&[log_id, &hlc]);
    let number = format!("QR-{y}Q{q}-{}", &log_id[log_id.len() - 6..]);
    let frame = Frame {
        title: format!("季度回顾会议纪要 {partner_name}"),
        header: format!("季度回顾会议纪要 · {partner_name}"),
        number: number.clone(),
        fingerprint,
        made_on: e.held_on.clone(),
        ..Default::default()
    };
    crate::documents::issue(desk, "minutes", blocks, frame).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn calendar_quarters_and_year_ends() {
        assert_eq!(quarter_of(d("2026-01-01")), (2026, 1));
        assert_eq!(quarter_of(d("2026-03-31")), (2026, 1));
        assert_eq!(quarter_of(d("2026-04-01")), (2026, 2));
        assert_eq!(quarter_of(d("2026-12-31")), (2026, 4));
        assert_eq!(quarter_bounds(2024, 1), (d("2024-01-01"), d("2024-03-31")));
        assert_eq!(quarter_bounds(2026, 4), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(previous_quarter((2027, 1)), (2026, 4));
        assert_eq!(previous_quarter((2026, 3)), (2026, 2));
    }
}
