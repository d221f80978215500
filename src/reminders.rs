//! What is due: the home page's list. Each policy area adds its own group; a group has a
//! stable `kind` the UI translates, a count and the first few items.
//!
//! Groups now: applications typed in at the kiosk and waiting for review (R2.1.1, for users
//! who review them), partners without a designated channel contact (R2.3.1).

use crate::access::Action;
use crate::desk::Desk;
use crate::error::Result;
use serde::Serialize;
use ts_rs::TS;

/// How many items a group carries; the count says how many there are in all.
pub const GROUP_ITEMS: i64 = 20;

/// One thing that needs someone's attention.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ReminderItem {
    pub entity: String,
    pub id: String,
    pub label: String,
    /// Since when it has been due (RFC 3339).
    pub since: String,
}

/// Reminders of one kind.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReminderGroup {
    /// `partner_without_contact`, …
    pub kind: String,
    /// The policy requirement it serves (`R2.3.1`).
    pub requirement: String,
    #[ts(type = "number")]
    pub count: i64,
    pub items: Vec<ReminderItem>,
}

/// Everything due now, groups with nothing due left out.
pub async fn due(desk: &Desk) -> Result<Vec<ReminderGroup>> {
    let me = desk.require(Action::PartnerRead)?;
    let mut groups = Vec::new();
    if crate::access::any_allows(&me.roles, Action::ApplicationReview) {
        let new = "status = 'new' AND deleted_at IS NULL";
        let count: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM application WHERE {new}")))
                .fetch_one(desk.pool())
                .await?;
        if count > 0 {
            let items = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT 'application' AS entity, id, company_name AS label, submitted_at AS since
                 FROM application WHERE {new} ORDER BY submitted_at LIMIT {GROUP_ITEMS}"
            )))
            .fetch_all(desk.pool())
            .await?;
            groups.push(ReminderGroup {
                kind: "application_waiting".into(),
                requirement: "R2.1.1".into(),
                count,
                items,
            });
        }
    }
    // R2.3.1: every partner in a live relationship has one designated channel contact.
    let live =
        "deleted_at IS NULL AND channel_contact_id IS NULL AND status IN ('prospect', 'active', 'suspended')";
    let count: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM partner WHERE {live}")))
            .fetch_one(desk.pool())
            .await?;
    if count > 0 {
        let items = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT 'partner' AS entity, id, name AS label, created_at AS since FROM partner
             WHERE {live} ORDER BY (status = 'active') DESC, created_at LIMIT {GROUP_ITEMS}"
        )))
        .fetch_all(desk.pool())
        .await?;
        groups.push(ReminderGroup {
            kind: "partner_without_contact".into(),
            requirement: "R2.3.1".into(),
            count,
            items,
        });
    }
    Ok(groups)
}
