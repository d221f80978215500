//! A signed agreement's life (R3.2.1–R3.3.2): execution reports on a schedule, the current
//! terms with amendments, early termination with its cause, the handover checklist, the
//! partner's renewal intent and the renewal itself; the dates they depend on.
//!
//! Invariants: an agreement ends early only with one of the four causes of R3.3.1, and for a
//! breach only after the written notice and once its correction deadline has passed; it is
//! closed only when customers are handed over, materials returned and payments settled;
//! a renewal is a new agreement (the full flow again) whose term follows the old one's.
//! Term arithmetic follows the calendar: a term ends the day before the same day N months
//! later, or on the last day of the month when that day does not exist.

use super::{AgreementStatus, ClauseText, head, require_status, version};
use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, new_id};
use crate::error::{Error, Result};
use crate::machines::AGREEMENT;
use crate::validate::Checker;
use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// How and when the agreement ended, and the handover checklist.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Ending {
    pub notice_on: Option<String>,
    pub notice_ref: String,
    pub correct_by: Option<String>,
    pub end_kind: Option<String>,
    pub end_cause: Option<String>,
    pub ended_on: Option<String>,
    pub end_note: String,
    pub customers_handed_on: Option<String>,
    pub materials_returned_on: Option<String>,
    pub payments_settled_on: Option<String>,
    pub closed_on: Option<String>,
}

/// The partner's intent to renew (R3.3.2).
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct RenewalIntent {
    /// `unknown`, `renew`, `not_renew`, `undecided`.
    pub intent: String,
    pub intent_on: Option<String>,
    pub intent_note: String,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    Some((date(to)? - date(from)?).num_days())
}

/// The last day of a term of `months` months starting on `start`.
pub fn term_end(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    let same_day = start.checked_add_months(Months::new(months))?;
    if same_day.day() == start.day() { same_day.pred_opt() } else { Some(same_day) }
}

/// The whole number of months of the term `start`–`end`, if it is one.
pub fn term_months(start: NaiveDate, end: NaiveDate) -> Option<u32> {
    (1..=240).find(|&m| term_end(start, m) == Some(end))
}

/// The term of a renewal of `start`–`end`: from the day after, as long (in months when the
/// old term was whole months, in days otherwise).
pub fn renewal_term(start: &str, end: &str) -> Option<(String, String)> {
    let (s, e) = (date(start)?, date(end)?);
    let next = e.succ_opt()?;
    let until = match term_months(s, e) {
        Some(m) => term_end(next, m)?,
        None => next + (e - s),
    };
    Some((ymd(next), ymd(until)))
}

/// One reporting period of an agreement and its report, if received.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReportPeriod {
    /// `2027-Q1`, `2027-03`, `2027-H1`.
    pub period: String,
    pub starts_on: String,
    pub ends_on: String,
    /// The report is due 15 days after the period ends.
    pub due_on: String,
    /// `received`, `overdue`, `due` (period over, not yet late) or `upcoming`.
    pub status: String,
    pub report: Option<ExecutionReport>,
}

/// An execution report (R3.2.1).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ExecutionReport {
    pub id: String,
    pub period: String,
    pub received_on: String,
    pub progress: String,
    pub marketing: String,
    pub feedback: String,
    pub issues: String,
    pub resolution: String,
    pub resolved_on: Option<String>,
    pub hlc: String,
}

/// Days after a period's end by which its report is due.
pub const REPORT_GRACE_DAYS: i64 = 15;

/// The calendar periods of `cycle` overlapping `from`–`until`.
pub fn periods(cycle: &str, from: &str, until: &str) -> Vec<(String, NaiveDate, NaiveDate)> {
    let step = match cycle {
        "monthly" => 1,
        "quarterly" => 3,
        "half_yearly" => 6,
        _ => return Vec::new(),
    };
    let (Some(from), Some(until)) = (date(from), date(until)) else { return Vec::new() };
    let first_month = (from.month0() / step) * step;
    let Some(mut start) = NaiveDate::from_ymd_opt(from.year(), first_month + 1, 1) else { return Vec::new() };
    let mut out = Vec::new();
    while start <= until && out.len() < 600 {
        let Some(next) = start.checked_add_months(Months::new(step)) else { break };
        let end = next.pred_opt().unwrap_or(next);
        let label = match step {
            1 => format!("{}-{:02}", start.year(), start.month()),
            3 => format!("{}-Q{}", start.year(), start.month0() / 3 + 1),
            _ => format!("{}-H{}", start.year(), start.month0() / 6 + 1),
        };
        out.push((label, start, end));
        start = next;
    }
    out
}

/// What a reporting schedule depends on.
#[derive(sqlx::FromRow)]
struct Schedule {
    id: String,
    label: String,
    report_cycle: String,
    effective_on: Option<String>,
    expires_on: Option<String>,
    ended_on: Option<String>,
    signed_on: Option<String>,
    status: String,
    /// The partner's channel contact, whose reminder it is.
    #[sqlx(default)]
    channel_contact_id: Option<String>,
}

impl Schedule {
    /// Reports are owed from the later of the effective and the signing date (a backdated
    /// agreement owes none for the time before it was signed).
    fn owed_from(&self) -> Option<String> {
        match (&self.effective_on, &self.signed_on) {
            (Some(e), Some(s)) => Some(e.max(s).clone()),
            (e, _) => e.clone(),
        }
    }
}

/// The reporting periods of a signed agreement with their status, up to its end (or expiry).
pub async fn reports(desk: &Desk, id: &str) -> Result<Vec<ReportPeriod>> {
    desk.require(Action::PartnerRead)?;
    let today = desk.today();
    let row: Option<Schedule> = sqlx::query_as(
        "SELECT '' AS id, '' AS label, report_cycle, effective_on, expires_on, ended_on, signed_on, status
         FROM agreement WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(desk.pool())
    .await?;
    let row = row.ok_or_else(|| Error::NotFound { entity: "agreement", id: id.into() })?;
    let effective = row.owed_from();
    let Schedule { report_cycle: cycle, expires_on: expires, ended_on: ended, status, .. } = row;
    let received: Vec<ExecutionReport> = sqlx::query_as(
        "SELECT id, period, received_on, progress, marketing, feedback, issues, resolution, resolved_on, hlc
         FROM execution_report WHERE agreement_id = ? AND deleted_at IS NULL ORDER BY period, created_at",
    )
    .bind(id)
    .fetch_all(desk.pool())
    .await?;
    let (Some(from), false) = (effective, matches!(status.as_str(), "drafting" | "in_review" | "approved"))
    else {
        return Ok(Vec::new());
    };
    let until = ended.or(expires).unwrap_or_else(|| today.clone());
    Ok(periods(&cycle, &from, &until)
        .into_iter()
        .map(|(period, start, end)| {
            let due = end + Duration::days(REPORT_GRACE_DAYS);
            let report = received.iter().find(|r| r.period == period).cloned();
            let status = if report.is_some() {
                "received"
            } else if ymd(due) < today {
                "overdue"
            } else if ymd(end) < today {
                "due"
            } else {
                "upcoming"
            };
            ReportPeriod {
                period,
                starts_on: ymd(start),
                ends_on: ymd(end),
                due_on: ymd(due),
                status: status.into(),
                report,
            }
        })
        .collect())
}

/// An execution report as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ReportInput {
    pub period: String,
    pub received_on: String,
    pub progress: String,
    pub marketing: String,
    pub feedback: String,
    pub issues: String,
    pub resolution: String,
    pub resolved_on: String,
}

/// Records the report for one period (or updates it), with issues found and how they were
/// solved (R3.2.1).
pub async fn record_report(desk: &Desk, id: &str, input: &ReportInput) -> Result<Vec<ReportPeriod>> {
    desk.require(Action::AgreementDraft)?;
    let today = desk.today();
    let mut c = Checker::new();
    let received_on = c.date_until("received_on", &input.received_on, true, &today);
    let progress = c.text("progress", &input.progress, true, 4000, true);
    let marketing = c.text("marketing", &input.marketing, false, 4000, true);
    let feedback = c.text("feedback", &input.feedback, false, 4000, true);
    let issues = c.text("issues", &input.issues, false, 4000, true);
    let resolution = c.text("resolution", &input.resolution, false, 4000, true);
    let resolved_on = c.date_until("resolved_on", &input.resolved_on, false, &today);
    if !resolved_on.is_empty() && resolution.is_empty() {
        c.push("resolution", "required");
    }
    c.finish()?;
    let schedule = reports(desk, id).await?;
    let Some(slot) = schedule.iter().find(|p| p.period == input.period) else {
        return Err(Error::field("period", "unknown"));
    };
    let mut w = desk.write().await?;
    let resolved = (!resolved_on.is_empty()).then_some(resolved_on);
    let mut ch = Changes::new();
    ch.set("period", &input.period);
    match &slot.report {
        Some(r) => {
            let cols = ["progress", "received_on", "marketing", "feedback", "issues", "resolution"];
            let after = [progress, received_on, marketing, feedback, issues, resolution];
            ch = crate::records::update_texts(&mut w, "execution_report", &r.id, &r.hlc, &cols, &after)
                .await?;
            if r.resolved_on != resolved {
                crate::records::set_columns(
                    &mut w,
                    "execution_report",
                    &r.id,
                    &[("resolved_on", resolved.clone())],
                )
                .await?;
                ch.diff("resolved_on", &r.resolved_on, &resolved);
            }
            if ch.is_empty() {
                w.tx.rollback().await?;
                return reports(desk, id).await;
            }
            ch.set("period", &input.period);
            audit::record(&mut w, "update_report", "agreement", id, &ch).await?;
        }
        None => {
            crate::records::insert(
                &mut w,
                "execution_report",
                &[
                    ("agreement_id", id.into()),
                    ("period", input.period.as_str().into()),
                    ("received_on", received_on.as_str().into()),
                    ("progress", progress.as_str().into()),
                    ("marketing", marketing.as_str().into()),
                    ("feedback", feedback.as_str().into()),
                    ("issues", issues.as_str().into()),
                    ("resolution", resolution.as_str().into()),
                    ("resolved_on", resolved.clone().into()),
                ],
            )
            .await?;
            ch.set("received_on", &received_on);
            audit::record(&mut w, "report", "agreement", id, &ch).await?;
        }
    }
    w.commit().await?;
    reports(desk, id).await
}

/// The written notice of a breach, as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct NoticeInput {
    pub notice_on: String,
    /// The notice's reference (letter number).
    pub notice_ref: String,
    /// The deadline given to correct the breach.
    pub correct_by: String,
}

/// Records the written notice of a breach and its correction deadline (R3.3.1 a).
pub async fn record_notice(desk: &Desk, id: &str, input: &NoticeInput) -> Result<super::Agreement> {
    desk.require(Action::AgreementTerminate)?;
    let mut c = Checker::new();
    let notice_on = c.date_until("notice_on", &input.notice_on, true, &desk.today());
    let notice_ref = c.text("notice_ref", &input.notice_ref, true, 60, false);
    let correct_by = c.date("correct_by", &input.correct_by, true);
    if !notice_on.is_empty() && !correct_by.is_empty() && correct_by <= notice_on {
        c.push("correct_by", "before_notice");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    require_status(&h, &[AgreementStatus::Signed])?;
    let sets = [
        ("notice_on", Some(notice_on.clone())),
        ("notice_ref", Some(notice_ref.clone())),
        ("correct_by", Some(correct_by.clone())),
    ];
    super::write_fields(&mut w, id, "breach_notice", &sets, Changes::new()).await?;
    w.commit().await?;
    super::get(desk, id).await
}

/// The causes of early termination (R3.3.1).
pub const CAUSES: [&str; 4] = ["breach", "deterioration", "violation", "force_majeure"];

/// Early termination as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct TerminateInput {
    pub cause: String,
    pub ended_on: String,
    pub note: String,
}

/// Ends a signed agreement early with one of the causes of R3.3.1 (managers). A breach needs
/// the written notice recorded and its correction deadline passed.
pub async fn terminate(desk: &Desk, id: &str, input: &TerminateInput) -> Result<super::Agreement> {
    desk.require(Action::AgreementTerminate)?;
    let mut c = Checker::new();
    c.one_of("cause", &input.cause, &CAUSES);
    let ended_on = c.date_until("ended_on", &input.ended_on, true, &desk.today());
    let note = c.text("note", &input.note, true, 2000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    AGREEMENT.check(&w, "end", h.status)?;
    let (effective, correct_by): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT effective_on, correct_by FROM agreement WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *w.tx)
            .await?;
    if effective.as_deref().is_some_and(|e| ended_on.as_str() < e) {
        return Err(Error::field("ended_on", "before_effective"));
    }
    if input.cause == "breach" {
        match correct_by {
            None => return Err(Error::field("notice_on", "required")),
            Some(d) if ended_on <= d => return Err(Error::field("ended_on", "before_correction_deadline")),
            Some(_) => {}
        }
    }
    let sets = [
        ("end_kind", Some("early".to_string())),
        ("end_cause", Some(input.cause.clone())),
        ("ended_on", Some(ended_on.clone())),
        ("end_note", Some(note.clone())),
    ];
    let mut ch = Changes::new();
    AGREEMENT.take(&mut w, id, "end", Some(("note", &note))).await?.note("status", &mut ch);
    super::write_fields(&mut w, id, "terminate", &sets, ch).await?;
    if h.master_id.is_none() {
        crate::partners::end_if_last(&mut w, &h.partner_id, &h.number).await?;
    }
    w.commit().await?;
    super::get(desk, id).await
}

/// The handover checklist items (R3.3.1 afterwards).
pub const HANDOVER: [&str; 3] = ["customers_handed_on", "materials_returned_on", "payments_settled_on"];

/// Marks checklist item `item` done on `done_on` (or not done when empty) for an agreement
/// that has ended or expired.
pub async fn handover(desk: &Desk, id: &str, item: &str, done_on: &str) -> Result<super::Agreement> {
    desk.require(Action::AgreementDraft)?;
    if !HANDOVER.contains(&item) {
        return Err(Error::field("item", "unknown"));
    }
    let mut c = Checker::new();
    let on = c.date_until(item, done_on, false, &desk.today());
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    let (expires, before): (Option<String>, Option<String>) =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT expires_on, {item} FROM agreement WHERE id = ?")))
            .bind(id)
            .fetch_one(&mut *w.tx)
            .await?;
    let expired =
        h.status == AgreementStatus::Signed && expires.as_deref().is_some_and(|x| x < desk.today().as_str());
    if h.status != AgreementStatus::Ended && !expired {
        return Err(Error::field("status", "not_ended"));
    }
    let after = (!on.is_empty()).then_some(on);
    let mut ch = Changes::new();
    if ch.diff(item, &before, &after) {
        crate::records::set_columns(&mut w, "agreement", id, &[(item, after)]).await?;
        audit::record(&mut w, "handover", "agreement", id, &ch).await?;
        w.commit().await?;
    } else {
        w.tx.rollback().await?;
    }
    super::get(desk, id).await
}

/// Closes an ended or expired agreement once every handover item is done; an expired one is
/// recorded as ended at expiry.
pub async fn close(desk: &Desk, id: &str) -> Result<super::Agreement> {
    desk.require(Action::AgreementDraft)?;
    let today = desk.today();
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    let row: (Option<String>, Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT expires_on, customers_handed_on, materials_returned_on, payments_settled_on FROM agreement WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&mut *w.tx)
    .await?;
    let expired = h.status == AgreementStatus::Signed && row.0.as_deref().is_some_and(|x| x < today.as_str());
    if h.status != AgreementStatus::Ended && !expired {
        return Err(Error::field("status", "not_ended"));
    }
    AGREEMENT.check(&w, "close", h.status)?;
    let missing: Vec<crate::error::FieldError> =
        [(&row.1, HANDOVER[0]), (&row.2, HANDOVER[1]), (&row.3, HANDOVER[2])]
            .into_iter()
            .filter(|(v, _)| v.is_none())
            .map(|(_, k)| crate::error::FieldError::new(k, "required"))
            .collect();
    if !missing.is_empty() {
        return Err(Error::Validation(missing));
    }
    let mut sets = vec![("closed_on", Some(today.clone()))];
    if expired {
        sets.push(("end_kind", Some("expiry".into())));
        sets.push(("ended_on", row.0.clone()));
    }
    let mut ch = Changes::new();
    AGREEMENT.take(&mut w, id, "close", None).await?.note("status", &mut ch);
    super::write_fields(&mut w, id, "close", &sets, ch).await?;
    if h.master_id.is_none() {
        crate::partners::end_if_last(&mut w, &h.partner_id, &h.number).await?;
    }
    w.commit().await?;
    super::get(desk, id).await
}

pub const INTENTS: [&str; 4] = ["unknown", "renew", "not_renew", "undecided"];

/// Records the partner's intent to renew (R3.3.2).
pub async fn set_intent(desk: &Desk, id: &str, intent: &str, note: &str) -> Result<super::Agreement> {
    desk.require(Action::AgreementDraft)?;
    let mut c = Checker::new();
    if !INTENTS.contains(&intent) {
        c.push("intent", "unknown");
    }
    let note = c.text("intent_note", note, false, 1000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    require_status(&h, &[AgreementStatus::Signed])?;
    let before: String = sqlx::query_scalar("SELECT renewal_intent FROM agreement WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *w.tx)
        .await?;
    let today = desk.today();
    let sets = [
        ("renewal_intent", Some(intent.to_string())),
        ("intent_on", Some(today)),
        ("intent_note", Some(note.clone())),
    ];
    let mut ch = Changes::new();
    ch.diff("renewal_intent", &before, &intent.to_string());
    super::write_fields(&mut w, id, "renewal_intent", &sets, ch).await?;
    w.commit().await?;
    super::get(desk, id).await
}

/// Starts the renewal of signed agreement `id` (the partner's intent must be `renew`; a
/// partner whose class requires approval needs a manager, R2.2.3): a new
/// agreement, pre-filled with the signed text and the next term, that goes through review
/// and signing again (R3.3.2).
pub async fn renew(desk: &Desk, id: &str) -> Result<super::Agreement> {
    let me = desk.require(Action::AgreementDraft)?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    // R2.2.3: a partner whose class requires it is renewed only by a manager.
    let (class, consequence) = crate::evaluation::consequence(&mut w.tx, &h.partner_id).await?;
    if consequence.renewal_approval && !crate::access::any_allows(&me.roles, Action::RenewalApprove) {
        return Err(Error::Gate {
            to: "renewal".into(),
            missing: vec![crate::error::FieldError::new(
                format!("class.{}", class.unwrap_or_default()),
                "renewal_approval",
            )],
        });
    }
    require_status(&h, &[AgreementStatus::Signed])?;
    if h.kind == "amendment" {
        return Err(Error::field("kind", "amendment"));
    }
    let (intent, signed_id, template_id): (String, String, Option<String>) =
        sqlx::query_as("SELECT renewal_intent, signed_version_id, template_id FROM agreement WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *w.tx)
            .await?;
    if intent != "renew" {
        return Err(Error::field("intent", "not_renew"));
    }
    let open: Option<String> = sqlx::query_scalar(
        "SELECT number FROM agreement WHERE renewal_of = ? AND deleted_at IS NULL AND status NOT IN ('ended', 'closed')",
    )
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?;
    if let Some(number) = open {
        return Err(Error::Conflict {
            kind: "renewal_exists",
            with: vec![crate::error::ConflictRef {
                id: id.into(),
                label: number,
                reason: "renewal_exists".into(),
            }],
        });
    }
    let signed_no: i64 = sqlx::query_scalar("SELECT number FROM agreement_version WHERE id = ?")
        .bind(&signed_id)
        .fetch_one(&mut *w.tx)
        .await?;
    let old = version(&mut w.tx, id, signed_no).await?;
    let mut variables: BTreeMap<String, String> = old.variables.clone();
    if let (Some(s), Some(e)) = (old.variables.get("start_on"), old.variables.get("end_on"))
        && let Some((ns, ne)) = renewal_term(s, e)
    {
        variables.insert("start_on".into(), ns);
        variables.insert("end_on".into(), ne);
    }
    // The partner's current name, code and address.
    let fresh = super::starting_variables(&mut w, &h.partner_id).await?;
    for k in ["partner_name", "partner_credit_code", "partner_address"] {
        if let Some(v) = fresh.get(k) {
            variables.insert(k.into(), v.clone());
        }
    }
    let clauses: Vec<ClauseText> = consolidated(&mut w.tx, id).await?.into_iter().map(|c| c.clause).collect();
    let prefix = format!("AG-{}-{}-", &desk.today()[..4], desk.device().short_code);
    let number = crate::records::next_number(&mut w, "agreement", &prefix, 4).await?;
    let new = new_id();
    super::insert(
        &mut w,
        &new,
        &number,
        &h.partner_id,
        &h.kind,
        template_id.as_deref(),
        None,
        Some(id),
        &h.title,
        &variables,
        &clauses,
        &format!("续签 {}", h.number),
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("renewal", &number);
    audit::record(&mut w, "renew", "agreement", id, &ch).await?;
    w.commit().await?;
    super::get(desk, &new).await
}

/// A clause of the current terms and where it comes from.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CurrentClause {
    #[serde(flatten)]
    #[ts(flatten)]
    pub clause: ClauseText,
    /// The agreement (master or amendment) whose signed version gives this text.
    pub source_number: String,
    pub amended: bool,
}

/// The master's signed clauses with each signed amendment applied in the order they were
/// signed: a clause with a master clause's key replaces it, any other is added at the end.
async fn consolidated(conn: &mut sqlx::SqliteConnection, master_id: &str) -> Result<Vec<CurrentClause>> {
    let master: (String, Option<String>) =
        sqlx::query_as("SELECT number, signed_version_id FROM agreement WHERE id = ? AND deleted_at IS NULL")
            .bind(master_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "agreement", id: master_id.into() })?;
    let Some(signed) = master.1 else {
        return Err(Error::field("status", "not_signed"));
    };
    let mut layers: Vec<(String, String)> = vec![(master.0, signed)];
    let amendments: Vec<(String, String)> = sqlx::query_as(
        "SELECT number, signed_version_id FROM agreement WHERE master_id = ? AND signed_version_id IS NOT NULL
         AND deleted_at IS NULL AND status IN ('signed', 'ended', 'closed') ORDER BY signed_on, number",
    )
    .bind(master_id)
    .fetch_all(&mut *conn)
    .await?;
    layers.extend(amendments);
    let mut out: Vec<CurrentClause> = Vec::new();
    for (i, (number, version_id)) in layers.into_iter().enumerate() {
        let text: String = sqlx::query_scalar("SELECT clauses FROM agreement_version WHERE id = ?")
            .bind(&version_id)
            .fetch_one(&mut *conn)
            .await?;
        let clauses: Vec<ClauseText> = serde_json::from_str(&text).unwrap_or_default();
        for c in clauses {
            let entry = CurrentClause { clause: c, source_number: number.clone(), amended: i > 0 };
            match out.iter_mut().find(|o| o.clause.key == entry.clause.key) {
                Some(slot) => *slot = entry,
                None => out.push(entry),
            }
        }
    }
    Ok(out)
}

/// The terms in force for signed agreement `master_id`: its clauses as amended (R3.2.2),
/// with variables filled from the master's signed version.
pub async fn current_terms(desk: &Desk, master_id: &str) -> Result<Vec<CurrentClause>> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let mut clauses = consolidated(&mut conn, master_id).await?;
    let vars: String = sqlx::query_scalar(
        "SELECT v.variables FROM agreement a JOIN agreement_version v ON v.id = a.signed_version_id WHERE a.id = ?",
    )
    .bind(master_id)
    .fetch_one(&mut *conn)
    .await?;
    let vars: BTreeMap<String, String> = serde_json::from_str(&vars).unwrap_or_default();
    for c in &mut clauses {
        c.clause.body = super::fill(&c.clause.body, &vars, "＿＿＿＿");
    }
    Ok(clauses)
}

/// Signed agreements with an execution report overdue: one item each, labelled with the
/// oldest missing period, since its due date (R3.2.1), with the partner's channel contact.
pub(crate) async fn overdue_reports(
    desk: &Desk,
) -> Result<Vec<(crate::reminders::ReminderItem, Option<String>)>> {
    let today = desk.today();
    let rows: Vec<Schedule> = sqlx::query_as(
        "SELECT a.id, a.title || ' · ' || p.name || ' · ' || a.number AS label, a.report_cycle, a.effective_on, a.expires_on,
            a.ended_on, a.signed_on, a.status, p.channel_contact_id
         FROM agreement a JOIN partner p ON p.id = a.partner_id
         WHERE a.status IN ('signed', 'ended') AND a.report_cycle <> 'none' AND a.deleted_at IS NULL
            AND a.effective_on <= ?",
    )
    .bind(&today)
    .fetch_all(desk.pool())
    .await?;
    let received: Vec<(String, String)> =
        sqlx::query_as("SELECT agreement_id, period FROM execution_report WHERE deleted_at IS NULL")
            .fetch_all(desk.pool())
            .await?;
    let received: std::collections::HashSet<(String, String)> = received.into_iter().collect();
    let mut out = Vec::new();
    for row in rows {
        let from = row.owed_from().unwrap_or_default();
        let Schedule { id, label, report_cycle, expires_on, ended_on, channel_contact_id, .. } = row;
        let until = ended_on.or(expires_on).unwrap_or_else(|| today.clone());
        let missing = periods(&report_cycle, &from, &until).into_iter().find(|(period, _, end)| {
            ymd(*end + Duration::days(REPORT_GRACE_DAYS)) < today
                && !received.contains(&(id.clone(), period.clone()))
        });
        if let Some((period, _, end)) = missing {
            let item = crate::reminders::ReminderItem {
                entity: "agreement".into(),
                label: format!("{label} · {period}"),
                since: ymd(end + Duration::days(REPORT_GRACE_DAYS)),
                due_on: None,
                id,
            };
            out.push((item, channel_contact_id));
        }
    }
    out.sort_by(|a, b| a.0.since.cmp(&b.0.since));
    Ok(out)
}

/// Days before expiry at which renewal is reminded (R3.3.2), largest first.
pub const RENEWAL_DAYS_DEFAULT: [u32; 3] = [90, 60, 30];

/// The configured reminder days (setting `renewal_days`, e.g. `90,60,30`).
pub async fn renewal_days(pool: &sqlx::SqlitePool) -> Result<Vec<u32>> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'renewal_days'")
        .fetch_optional(pool)
        .await?;
    let mut days: Vec<u32> = v
        .map(|v| v.split(',').filter_map(|d| d.trim().parse().ok()).collect())
        .filter(|d: &Vec<u32>| !d.is_empty())
        .unwrap_or_else(|| RENEWAL_DAYS_DEFAULT.to_vec());
    days.sort_unstable_by(|a, b| b.cmp(a));
    Ok(days)
}

/// Sets the renewal reminder days (administrators): 1–5 values between 1 and 365.
pub async fn set_renewal_days(desk: &Desk, days: &[u32]) -> Result<Vec<u32>> {
    desk.require(Action::SettingsManage)?;
    let mut d: Vec<u32> = days.to_vec();
    d.sort_unstable_by(|a, b| b.cmp(a));
    d.dedup();
    if d.is_empty() || d.len() > 5 || d.iter().any(|x| !(1..=365).contains(x)) {
        return Err(Error::Validation(vec![crate::error::FieldError::with_limit(
            "renewal_days",
            "range",
            365,
        )]));
    }
    let before = renewal_days(desk.pool()).await?;
    let value = d.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let mut w = desk.write().await?;
    sqlx::query("INSERT INTO setting (key, value) VALUES ('renewal_days', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(&value)
        .execute(&mut *w.tx)
        .await?;
    let mut ch = Changes::new();
    ch.diff("renewal_days", &before, &d);
    audit::record(&mut w, "update", "setting", "renewal_days", &ch).await?;
    w.commit().await?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        date(s).unwrap()
    }

    #[test]
    fn terms_across_month_ends_and_leap_years() {
        let cases = [
            ("2025-01-01", 12, "2025-12-31"),
            ("2024-02-29", 12, "2025-02-28"),
            ("2023-03-01", 12, "2024-02-29"),
            ("2024-01-31", 1, "2024-02-29"),
            ("2025-01-31", 1, "2025-02-28"),
            ("2025-03-31", 1, "2025-04-30"),
            ("2024-02-29", 48, "2028-02-28"),
        ];
        for (start, months, end) in cases {
            assert_eq!(term_end(d(start), months), Some(d(end)), "{start} + {months}");
            assert_eq!(term_months(d(start), d(end)), Some(months), "{start}–{end}");
        }
    }

    #[test]
    fn a_renewal_follows_on_for_as_long() {
        let cases = [
            ("2025-01-01", "2025-12-31", "2026-01-01", "2026-12-31"),
            ("2024-02-29", "2025-02-28", "2025-03-01", "2026-02-28"),
            ("2023-03-01", "2024-02-29", "2024-03-01", "2025-02-28"),
            ("2025-01-31", "2025-02-28", "2025-03-01", "2025-03-31"),
            // Not whole months: the same number of days.
            ("2025-01-10", "2025-03-01", "2025-03-02", "2025-04-21"),
        ];
        for (s, e, ns, ne) in cases {
            assert_eq!(renewal_term(s, e), Some((ns.to_string(), ne.to_string())), "{s}–{e}");
        }
    }

    #[test]
    fn reporting_periods_follow_the_calendar() {
        let q = periods("quarterly", "2026-02-15", "2026-12-31");
        let labels: Vec<&str> = q.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(labels, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
        assert_eq!(q[0].2, d("2026-03-31"));
        let m = periods("monthly", "2024-01-20", "2024-03-01");
        assert_eq!(m.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["2024-01", "2024-02", "2024-03"]);
        assert_eq!(m[1].2, d("2024-02-29"));
        let h = periods("half_yearly", "2026-07-01", "2027-06-30");
        assert_eq!(h.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["2026-H2", "2027-H1"]);
        assert!(periods("none", "2026-01-01", "2027-01-01").is_empty());
    }
}
