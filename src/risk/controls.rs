//! Operational controls (R6.2.4): documented procedures with their owner, version and review
//! date, and trainings of the company's staff on them.
//!
//! Invariants: a procedure's code is unique among live procedures; its review date is not
//! before it took effect; a training's attendees are users of the program.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::records::{insert, require_live, update_texts};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Areas a procedure covers: the risk categories and general controls.
pub const AREAS: [&str; 6] = ["market", "credit", "legal", "operational", "competition", "general"];

/// A procedure as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ProcedureInput {
    pub code: String,
    pub title: String,
    pub area: String,
    pub version: String,
    pub effective_on: String,
    pub owner_id: String,
    pub summary: String,
    pub review_on: String,
}

/// A stored procedure, with how many open risks it covers and trainings held on it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Procedure {
    pub id: String,
    pub code: String,
    pub title: String,
    pub area: String,
    pub version: String,
    pub effective_on: String,
    pub owner_id: String,
    pub owner_name: String,
    pub summary: String,
    pub review_on: String,
    #[ts(type = "number")]
    pub risks: i64,
    #[ts(type = "number")]
    pub trainings: i64,
    pub hlc: String,
}

/// A staff training as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct StaffTrainingInput {
    pub title: String,
    pub held_on: String,
    pub trainer: String,
    pub procedure_id: String,
    pub attendee_ids: Vec<String>,
    pub note: String,
}

/// A stored staff training.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct StaffTraining {
    pub id: String,
    pub title: String,
    pub held_on: String,
    pub trainer: String,
    pub procedure_id: Option<String>,
    pub procedure_code: Option<String>,
    /// Display names, joined by "、".
    pub attendees: String,
    #[ts(type = "number")]
    pub attendee_count: i64,
    pub note: String,
}

struct Clean {
    cols: [(&'static str, String); 8],
}

fn check(input: &ProcedureInput) -> Result<Clean> {
    let mut c = Checker::new();
    let code = c.text("code", &input.code, true, 30, false);
    let title = c.text("title", &input.title, true, 120, false);
    c.one_of("area", &input.area, &AREAS);
    let version = c.text("version", &input.version, true, 20, false);
    let effective_on = c.date("effective_on", &input.effective_on, true);
    let owner_id = c.text("owner_id", &input.owner_id, true, 64, false);
    let summary = c.text("summary", &input.summary, false, 10_000, true);
    let review_on = c.date("review_on", &input.review_on, true);
    if review_on.len() == 10 && effective_on.len() == 10 && review_on < effective_on {
        c.push("review_on", "before_start");
    }
    c.finish()?;
    Ok(Clean {
        cols: [
            ("title", title),
            ("code", code),
            ("area", input.area.clone()),
            ("version", version),
            ("effective_on", effective_on),
            ("owner_id", owner_id),
            ("summary", summary),
            ("review_on", review_on),
        ],
    })
}

async fn check_refs(w: &mut crate::desk::Write, n: &Clean, id: Option<&str>) -> Result<()> {
    require_live(&mut w.tx, "app_user", &n.cols[5].1, "owner_id").await?;
    let taken: Option<String> = sqlx::query_scalar(
        "SELECT id FROM control_procedure WHERE code = ? AND deleted_at IS NULL AND id <> COALESCE(?, '')",
    )
    .bind(&n.cols[1].1)
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?;
    if taken.is_some() {
        return Err(Error::field("code", "duplicate"));
    }
    Ok(())
}

/// Records a procedure.
pub async fn create_procedure(desk: &Desk, input: &ProcedureInput) -> Result<Procedure> {
    desk.require(Action::ControlsManage)?;
    let n = check(input)?;
    let mut w = desk.write().await?;
    check_refs(&mut w, &n, None).await?;
    let cols: Vec<(&str, crate::records::Val)> = n.cols.iter().map(|(c, v)| (*c, v.clone().into())).collect();
    let id = insert(&mut w, "control_procedure", &cols).await?;
    let mut ch = Changes::new();
    for (c, v) in &n.cols {
        ch.set(c, v);
    }
    audit::record(&mut w, "create", "control_procedure", &id, &ch).await?;
    w.commit().await?;
    procedure(desk, &id).await
}

/// Changes procedure `id` (a new version, a new review date), which must be at `expected_hlc`.
pub async fn update_procedure(
    desk: &Desk,
    id: &str,
    expected_hlc: &str,
    input: &ProcedureInput,
) -> Result<Procedure> {
    desk.require(Action::ControlsManage)?;
    let n = check(input)?;
    let mut w = desk.write().await?;
    check_refs(&mut w, &n, Some(id)).await?;
    let cols: Vec<&str> = n.cols.iter().map(|(c, _)| *c).collect();
    let after: Vec<String> = n.cols.iter().map(|(_, v)| v.clone()).collect();
    let ch = update_texts(&mut w, "control_procedure", id, expected_hlc, &cols, &after).await?;
    if ch.is_empty() {
        w.tx.rollback().await?;
        return procedure(desk, id).await;
    }
    audit::record(&mut w, "update", "control_procedure", id, &ch).await?;
    w.commit().await?;
    procedure(desk, id).await
}

const PROCEDURE_SELECT: &str = "SELECT c.id, c.code, c.title, c.area, c.version, c.effective_on, c.owner_id,
        COALESCE(u.display_name, '') AS owner_name, c.summary, c.review_on,
        (SELECT count(*) FROM risk r WHERE r.procedure_id = c.id AND r.status = 'open' AND r.deleted_at IS NULL) AS risks,
        (SELECT count(*) FROM staff_training t WHERE t.procedure_id = c.id AND t.deleted_at IS NULL) AS trainings,
        c.hlc
    FROM control_procedure c LEFT JOIN app_user u ON u.id = c.owner_id WHERE c.deleted_at IS NULL";

/// One procedure.
pub async fn procedure(desk: &Desk, id: &str) -> Result<Procedure> {
    desk.require(Action::PartnerRead)?;
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{PROCEDURE_SELECT} AND c.id = ?")))
        .bind(id)
        .fetch_optional(desk.pool())
        .await?
        .ok_or_else(|| Error::NotFound { entity: "control_procedure", id: id.into() })
}

/// Every live procedure by code.
pub async fn procedures(desk: &Desk) -> Result<Vec<Procedure>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{PROCEDURE_SELECT} ORDER BY c.code")))
        .fetch_all(desk.pool())
        .await?)
}

/// Procedures whose review date has come.
pub(crate) async fn procedures_due(desk: &Desk, today: &str) -> Result<Vec<Procedure>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PROCEDURE_SELECT} AND c.review_on <= ? ORDER BY c.review_on"
    )))
    .bind(today)
    .fetch_all(desk.pool())
    .await?)
}

/// Records a training of staff (R6.2.4).
pub async fn record_training(desk: &Desk, input: &StaffTrainingInput) -> Result<Vec<StaffTraining>> {
    desk.require(Action::ControlsManage)?;
    let mut c = Checker::new();
    let title = c.text("title", &input.title, true, 120, false);
    let held_on = c.date_until("held_on", &input.held_on, true, &desk.today());
    let trainer = c.text("trainer", &input.trainer, true, 100, false);
    let note = c.text("note", &input.note, false, 2000, true);
    let mut attendees: Vec<String> = Vec::new();
    for a in &input.attendee_ids {
        let a = a.trim().to_string();
        if !a.is_empty() && !attendees.contains(&a) {
            attendees.push(a);
        }
    }
    if attendees.is_empty() {
        c.push("attendee_ids", "required");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    for (i, a) in attendees.iter().enumerate() {
        require_live(&mut w.tx, "app_user", a, &format!("attendee_ids.{i}")).await?;
    }
    let procedure = input.procedure_id.trim();
    if !procedure.is_empty() {
        require_live(&mut w.tx, "control_procedure", procedure, "procedure_id").await?;
    }
    let id = insert(
        &mut w,
        "staff_training",
        &[
            ("title", title.clone().into()),
            ("held_on", held_on.clone().into()),
            ("trainer", trainer.into()),
            ("procedure_id", (!procedure.is_empty()).then(|| procedure.to_string()).into()),
            ("attendee_ids", serde_json::to_string(&attendees).unwrap_or_default().into()),
            ("note", note.into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("title", &title);
    ch.set("held_on", &held_on);
    ch.set("attendees", &attendees.len());
    audit::record(&mut w, "create", "staff_training", &id, &ch).await?;
    w.commit().await?;
    trainings(desk).await
}

/// Staff trainings, newest first.
pub async fn trainings(desk: &Desk) -> Result<Vec<StaffTraining>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT t.id, t.title, t.held_on, t.trainer, t.procedure_id, c.code AS procedure_code,
            COALESCE((SELECT group_concat(u.display_name, '、') FROM json_each(t.attendee_ids) j
                JOIN app_user u ON u.id = j.value), '') AS attendees,
            json_array_length(t.attendee_ids) AS attendee_count, t.note
         FROM staff_training t LEFT JOIN control_procedure c ON c.id = t.procedure_id
         WHERE t.deleted_at IS NULL ORDER BY t.held_on DESC, t.created_at DESC LIMIT 500",
    )
    .fetch_all(desk.pool())
    .await?)
}
