//! What is due: the home page's list. Each policy area adds its own group; a group has a
//! stable `kind` the UI translates, a count and the first few items.
//!
//! Groups now: applications typed in at the kiosk and waiting for review (R2.1.1, for users
//! who review them), partners without a designated channel contact (R2.3.1), prospects stuck
//! in a pipeline stage for [`STALLED_DAYS`] (R2.1.4), referral rewards due (R2.1.3, for users
//! who settle them).

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

/// Days a prospect may wait in one pipeline stage before it is reminded of.
pub const STALLED_DAYS: i64 = 30;

/// Everything due now, groups with nothing due left out.
pub async fn due(desk: &Desk) -> Result<Vec<ReminderGroup>> {
    let me = desk.require(Action::PartnerRead)?;
    let mut groups = Vec::new();
    if crate::access::any_allows(&me.roles, Action::ApplicationReview) {
        let new = "FROM application WHERE status = 'new' AND deleted_at IS NULL";
        let items = format!(
            "SELECT 'application' AS entity, id, company_name AS label, submitted_at AS since {new}
             ORDER BY submitted_at"
        );
        push_group(desk, &mut groups, "application_waiting", "R2.1.1", new, &items).await?;
    }
    // R2.3.1: every partner in a live relationship has one designated channel contact.
    let live = "FROM partner WHERE deleted_at IS NULL AND channel_contact_id IS NULL
        AND status IN ('prospect', 'active', 'suspended')";
    let items = format!(
        "SELECT 'partner' AS entity, id, name AS label, created_at AS since {live}
         ORDER BY (status = 'active') DESC, created_at"
    );
    push_group(desk, &mut groups, "partner_without_contact", "R2.3.1", live, &items).await?;
    // R2.1.4: open prospects that have not moved for a month.
    let cutoff = crate::desk::rfc3339(desk.now() - chrono::Duration::days(STALLED_DAYS));
    let stalled = format!(
        "FROM prospect r JOIN partner p ON p.id = r.partner_id
         WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL AND r.outcome = 'open' AND r.stage_since < '{cutoff}'"
    );
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name AS label, r.stage_since AS since {stalled} ORDER BY r.stage_since"
    );
    push_group(desk, &mut groups, "prospect_stalled", "R2.1.4", &stalled, &items).await?;
    // R2.1.3: referral rewards owed since the referred prospect signed.
    if crate::access::any_allows(&me.roles, Action::RewardSettle) {
        let owed = "FROM referral f JOIN partner p ON p.id = f.partner_id
            WHERE f.reward_status = 'due' AND f.deleted_at IS NULL";
        let items = format!(
            "SELECT 'partner' AS entity, p.id, p.name AS label, f.due_since AS since {owed} ORDER BY f.due_since"
        );
        push_group(desk, &mut groups, "referral_reward_due", "R2.1.3", owed, &items).await?;
    }
    Ok(groups)
}

/// Adds a group counted by `SELECT count(*) <from>` with the first items of `items` (which
/// selects entity, id, label, since), when anything is due.
async fn push_group(
    desk: &Desk,
    groups: &mut Vec<ReminderGroup>,
    kind: &str,
    requirement: &str,
    from: &str,
    items: &str,
) -> Result<()> {
    let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) {from}")))
        .fetch_one(desk.pool())
        .await?;
    if count > 0 {
        let items = sqlx::query_as(sqlx::AssertSqlSafe(format!("{items} LIMIT {GROUP_ITEMS}")))
            .fetch_all(desk.pool())
            .await?;
        groups.push(ReminderGroup { kind: kind.into(), requirement: requirement.into(), count, items });
    }
    Ok(())
}
