//! What is due: the home page's list. Each policy area adds its own group; a group has a
//! stable `kind` the UI translates, a count and the first few items.
//!
//! Groups now: applications typed in at the kiosk and waiting for review (R2.1.1, for users
//! who review them), partners without a designated channel contact (R2.3.1), prospects stuck
//! in a pipeline stage for [`STALLED_DAYS`] (R2.1.4), referral rewards due (R2.1.3, for users
//! who settle them), agreements waiting for the user's review (R3.1.2), agreements
//! expiring within the renewal reminder days (R3.3.2), execution reports overdue (R3.2.1),
//! and ended or expired agreements whose handover is not closed (R3.3.1), active partners not
//! evaluated for a year (R2.2.1), and measures after a special evaluation past their date
//! (R2.2.2), quarterly reviews due and overdue, follow-ups past their date (R2.3.1), late
//! support requests (R2.3.2) and rewards waiting for a manager (R2.3.3); the legal early
//! warning (R6.2.3), risks due for review and late risk measures (R6.1.1, R6.1.2) from
//! [`crate::risk::warning`].

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
    /// Since when it has been due (RFC 3339 or `YYYY-MM-DD`).
    pub since: String,
    /// The date it is about (an agreement's expiry), when there is one.
    #[sqlx(default)]
    pub due_on: Option<String>,
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
    agreement_groups(desk, &me.roles, &mut groups).await?;
    // R2.2.1: every active partner is evaluated at least once a year.
    let year_ago = crate::desk::rfc3339(desk.now() - chrono::Duration::days(365));
    let unevaluated = format!(
        "FROM partner p WHERE p.status = 'active' AND p.deleted_at IS NULL AND NOT EXISTS (
            SELECT 1 FROM evaluation e WHERE e.partner_id = p.id AND e.status = 'finished' AND e.deleted_at IS NULL
            AND e.finished_at >= '{year_ago}')"
    );
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name AS label,
            COALESCE((SELECT max(finished_at) FROM evaluation WHERE partner_id = p.id AND status = 'finished'), p.created_at) AS since
         {unevaluated} ORDER BY since, p.name"
    );
    push_group(desk, &mut groups, "evaluation_due", "R2.2.1", &unevaluated, &items).await?;
    // R2.2.2: measures after a special evaluation, past their date and not done.
    let today = desk.today();
    let late = format!(
        "FROM evaluation_measure m JOIN evaluation e ON e.id = m.evaluation_id JOIN partner p ON p.id = e.partner_id
         WHERE m.done_on IS NULL AND m.deleted_at IS NULL AND e.deleted_at IS NULL AND m.due_on < '{today}'"
    );
    let items = format!(
        "SELECT 'evaluation' AS entity, e.id, p.name || ' · ' || m.action AS label, m.due_on AS since {late} ORDER BY m.due_on"
    );
    push_group(desk, &mut groups, "measure_overdue", "R2.2.2", &late, &items).await?;
    // R2.2.3: the improvement plans of class C partners, open and not yet late, until done.
    let plans = format!(
        "FROM evaluation_measure m JOIN evaluation e ON e.id = m.evaluation_id JOIN partner p ON p.id = e.partner_id
         WHERE m.done_on IS NULL AND m.deleted_at IS NULL AND e.deleted_at IS NULL AND m.due_on >= '{today}'
            AND e.kind = 'periodic' AND e.class = 'C' AND p.deleted_at IS NULL"
    );
    let items = format!(
        "SELECT 'evaluation' AS entity, e.id, p.name || ' · ' || m.action AS label, m.due_on AS since {plans} ORDER BY m.due_on"
    );
    push_group(desk, &mut groups, "improvement_plan", "R2.2.3", &plans, &items).await?;
    relationship_groups(desk, &me.roles, &mut groups).await?;
    crate::risk::warning::groups(desk, &me.roles, &mut groups).await?;
    Ok(groups)
}

/// Quarterly reviews due and overdue (R2.3.1), follow-ups past their date, late support
/// requests (R2.3.2), rewards waiting for a manager (R2.3.3).
async fn relationship_groups(
    desk: &Desk,
    roles: &[crate::access::Role],
    groups: &mut Vec<ReminderGroup>,
) -> Result<()> {
    let today = desk.today();
    if let Some((due, overdue)) = crate::relationship::review_due_sql(&today) {
        let items = |from: &str| {
            format!(
                "SELECT 'partner' AS entity, p.id, p.name AS label,
                    COALESCE((SELECT max(held_on) FROM contact_log WHERE partner_id = p.id AND quarterly_review = 1
                        AND deleted_at IS NULL), p.created_at) AS since {from} ORDER BY since, p.name"
            )
        };
        push_group(desk, groups, "review_overdue", "R2.3.1", &overdue, &items(&overdue)).await?;
        push_group(desk, groups, "review_due", "R2.3.1", &due, &items(&due)).await?;
    }
    let late = format!(
        "FROM follow_up f JOIN partner p ON p.id = f.partner_id
         WHERE f.done_on IS NULL AND f.deleted_at IS NULL AND p.deleted_at IS NULL AND f.due_on < '{today}'"
    );
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name || ' · ' || f.action AS label, f.due_on AS since {late} ORDER BY f.due_on"
    );
    push_group(desk, groups, "follow_up_overdue", "R2.3.1", &late, &items).await?;
    let support = format!(
        "FROM support_request s JOIN partner p ON p.id = s.partner_id WHERE p.deleted_at IS NULL AND {}",
        crate::relationship::support::late_sql(desk.now())
    );
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name || ' · ' || s.subject AS label, s.opened_at AS since {support}
         ORDER BY s.opened_at"
    );
    push_group(desk, groups, "support_late", "R2.3.2", &support, &items).await?;
    if crate::access::any_allows(roles, Action::IncentiveApprove) {
        let waiting = "FROM reward r JOIN partner p ON p.id = r.partner_id
            WHERE r.status = 'proposed' AND r.deleted_at IS NULL AND p.deleted_at IS NULL";
        let items = format!(
            "SELECT 'partner' AS entity, p.id, p.name || ' · ' || r.reason AS label, r.created_at AS since {waiting}
             ORDER BY r.created_at"
        );
        push_group(desk, groups, "reward_waiting", "R2.3.3", waiting, &items).await?;
    }
    Ok(())
}

/// The agreement reminders (R3.1.2, R3.2.1, R3.3.1, R3.3.2).
async fn agreement_groups(
    desk: &Desk,
    roles: &[crate::access::Role],
    groups: &mut Vec<ReminderGroup>,
) -> Result<()> {
    use crate::access::any_allows;
    let today = desk.today();
    for (side, action) in
        [("legal", Action::AgreementReviewLegal), ("business", Action::AgreementReviewBusiness)]
    {
        if !any_allows(roles, action) {
            continue;
        }
        // In review, and this side has not decided on the current version.
        let waiting = format!(
            "FROM agreement a JOIN partner p ON p.id = a.partner_id
             JOIN agreement_version v ON v.agreement_id = a.id AND v.number = a.version_no
             WHERE a.status = 'in_review' AND a.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM agreement_review r
                WHERE r.agreement_id = a.id AND r.fingerprint = v.fingerprint AND r.side = '{side}' AND r.deleted_at IS NULL)"
        );
        let items = format!(
            "SELECT 'agreement' AS entity, a.id, a.title || ' · ' || p.name || ' · ' || a.number AS label,
                a.updated_at AS since {waiting}
             ORDER BY a.updated_at"
        );
        push_group(desk, groups, &format!("agreement_review_{side}"), "R3.1.2", &waiting, &items).await?;
    }
    let days = crate::agreements::lifecycle::renewal_days(desk.pool()).await?;
    let horizon = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d")
        .map(|d| (d + chrono::Duration::days(i64::from(days[0]))).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| today.clone());
    // Signed, in effect or about to be, expiring within the first reminder threshold, with no
    // signed renewal.
    let expiring = format!(
        "FROM agreement a JOIN partner p ON p.id = a.partner_id
         WHERE a.status = 'signed' AND a.deleted_at IS NULL AND a.expires_on >= '{today}' AND a.expires_on <= '{horizon}'
         AND NOT EXISTS (SELECT 1 FROM agreement n WHERE n.renewal_of = a.id AND n.status = 'signed' AND n.deleted_at IS NULL)"
    );
    let items = format!(
        "SELECT 'agreement' AS entity, a.id, a.title || ' · ' || p.name || ' · ' || a.number AS label, a.expires_on AS since,
            a.expires_on AS due_on {expiring} ORDER BY a.expires_on"
    );
    push_group(desk, groups, "agreement_expiring", "R3.3.2", &expiring, &items).await?;
    // Since the latest threshold reached: 90, then 60, then 30 days before expiry.
    if let Some(g) = groups.iter_mut().find(|g| g.kind == "agreement_expiring") {
        for item in &mut g.items {
            let Some(left) =
                item.due_on.as_deref().and_then(|x| crate::agreements::lifecycle::days_between(&today, x))
            else {
                continue;
            };
            let band = days.iter().copied().filter(|&d| i64::from(d) >= left).min().unwrap_or(days[0]);
            if let Ok(x) =
                chrono::NaiveDate::parse_from_str(item.due_on.as_deref().unwrap_or_default(), "%Y-%m-%d")
            {
                item.since = (x - chrono::Duration::days(i64::from(band))).format("%Y-%m-%d").to_string();
            }
        }
    }
    let overdue = crate::agreements::lifecycle::overdue_reports(desk).await?;
    if !overdue.is_empty() {
        groups.push(ReminderGroup {
            kind: "execution_report_overdue".into(),
            requirement: "R3.2.1".into(),
            count: overdue.len() as i64,
            items: overdue.into_iter().take(GROUP_ITEMS as usize).collect(),
        });
    }
    let handover = format!(
        "FROM agreement a JOIN partner p ON p.id = a.partner_id
         WHERE a.deleted_at IS NULL AND (a.status = 'ended' OR (a.status = 'signed' AND a.expires_on < '{today}'))"
    );
    let items = format!(
        "SELECT 'agreement' AS entity, a.id, a.title || ' · ' || p.name || ' · ' || a.number AS label,
            COALESCE(a.ended_on, a.expires_on) AS since {handover} ORDER BY since"
    );
    push_group(desk, groups, "agreement_handover", "R3.3.1", &handover, &items).await
}

/// Adds a group counted by `SELECT count(*) <from>` with the first items of `items` (which
/// selects entity, id, label, since), when anything is due.
pub(crate) async fn push_group(
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
