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
//! [`crate::risk::warning`]; orders held for a manager's release (R4.1.2) and payouts
//! waiting for finance (R4.3.2); new trade-show leads not yet followed up (R2.1.1).
//!
//! Whose work: every group says whether it is the signed-in user's own (`mine`): a task of
//! their role (legal and business reviews, a manager's releases and approvals, finance's
//! payouts), or the items about partners they are the channel contact of and risks they own.
//! Such a group comes twice, the user's own items and everyone's; the home page shows the
//! user's own first and the rest behind 全部 / All.

use crate::access::{Action, Role};
use crate::desk::{Desk, SessionUser};
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
    /// The signed-in user's own work; for groups about owned records, `count` and `items`
    /// are then theirs only (the same kind comes again with everyone's).
    pub mine: bool,
}

/// Whose work a group is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    /// A task of a role: all of it is the user's when `true`.
    Role(bool),
    /// Records with an owner column (`p.channel_contact_id`, `r.owner_id`): the rows the user
    /// owns are theirs; all of them when the flag is `true` (a task of their role as well).
    Column(&'a str, bool),
}

/// The owner column of groups about partners (`partner p`): their channel contact (R2.3.1).
pub(crate) const CONTACT: &str = "p.channel_contact_id";

/// The groups being gathered for one user.
pub(crate) struct Gather<'a> {
    pub desk: &'a Desk,
    pub me: SessionUser,
    pub groups: Vec<ReminderGroup>,
}

impl Gather<'_> {
    /// Whether the user holds the tasks of `role` ([`crate::access::holds`]).
    pub fn has(&self, role: Role) -> bool {
        crate::access::holds(&self.me.roles, role)
    }

    /// Whether the user may do `action`.
    pub fn may(&self, action: Action) -> bool {
        crate::access::any_allows(&self.me.roles, action)
    }

    /// Adds a group counted by `SELECT count(*) <from>` with the first items of `items`
    /// (which selects entity, id, label, since from `from`, repeated verbatim), when anything
    /// is due; with [`Owner::Column`] also the user's own rows as a group of their own.
    pub async fn push(
        &mut self,
        kind: &str,
        requirement: &str,
        owner: Owner<'_>,
        from: &str,
        items: &str,
    ) -> Result<()> {
        debug_assert!(items.contains(from), "{kind}: the items must select from `from`");
        let (all_mine, column) = match owner {
            Owner::Role(mine) => (mine, None),
            Owner::Column(column, mine) => (mine, Some(column)),
        };
        let Some(all) = self.group(kind, requirement, from, items, None).await? else { return Ok(()) };
        if let (false, Some(column)) = (all_mine, column) {
            let own = format!("{from} AND {column} = ?");
            let own_items = items.replacen(from, &own, 1);
            if let Some(g) = self.group(kind, requirement, &own, &own_items, Some(self.me.id.clone())).await?
            {
                self.groups.push(ReminderGroup { mine: true, ..g });
            }
        }
        self.groups.push(ReminderGroup { mine: all_mine, ..all });
        Ok(())
    }

    async fn group(
        &self,
        kind: &str,
        requirement: &str,
        from: &str,
        items: &str,
        user: Option<String>,
    ) -> Result<Option<ReminderGroup>> {
        let mut counted = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) {from}")));
        let mut listed = sqlx::query_as(sqlx::AssertSqlSafe(format!("{items} LIMIT {GROUP_ITEMS}")));
        if let Some(user) = user {
            counted = counted.bind(user.clone());
            listed = listed.bind(user);
        }
        let count: i64 = counted.fetch_one(self.desk.pool()).await?;
        if count == 0 {
            return Ok(None);
        }
        let items = listed.fetch_all(self.desk.pool()).await?;
        Ok(Some(ReminderGroup {
            kind: kind.into(),
            requirement: requirement.into(),
            count,
            items,
            mine: false,
        }))
    }
}

/// Days a prospect may wait in one pipeline stage before it is reminded of.
pub const STALLED_DAYS: i64 = 30;

/// Everything due now for the signed-in user, groups with nothing due left out; the user's
/// own groups first.
pub async fn due(desk: &Desk) -> Result<Vec<ReminderGroup>> {
    let me = desk.require(Action::PartnerRead)?;
    let mut g = Gather { desk, me, groups: Vec::new() };
    let contact = |role: bool| Owner::Column(CONTACT, role);
    if g.may(Action::ApplicationReview) {
        let new = "FROM application WHERE status = 'new' AND deleted_at IS NULL";
        let items = format!(
            "SELECT 'application' AS entity, id, company_name AS label, submitted_at AS since {new}
             ORDER BY submitted_at"
        );
        let mine = g.has(Role::Channel) || g.has(Role::Manager);
        g.push("application_waiting", "R2.1.1", Owner::Role(mine), new, &items).await?;
    }
    // R2.1.1: leads captured at a trade show, still where they were captured.
    let leads = "FROM prospect r JOIN partner p ON p.id = r.partner_id
        WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL AND r.outcome = 'open' AND r.stage = 'application'
          AND r.event_id IS NOT NULL";
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name AS label, r.created_at AS since {leads} ORDER BY r.created_at"
    );
    g.push("lead_new", "R2.1.1", contact(false), leads, &items).await?;
    // R2.3.1: every partner in a live relationship has one designated channel contact.
    let live = "FROM partner WHERE deleted_at IS NULL AND channel_contact_id IS NULL
        AND status IN ('prospect', 'active', 'suspended')";
    let items = format!(
        "SELECT 'partner' AS entity, id, name AS label, created_at AS since {live}
         ORDER BY (status = 'active') DESC, created_at"
    );
    let assigns = g.has(Role::Manager);
    g.push("partner_without_contact", "R2.3.1", Owner::Role(assigns), live, &items).await?;
    // R2.1.4: open prospects that have not moved for a month.
    let cutoff = crate::desk::rfc3339(desk.now() - chrono::Duration::days(STALLED_DAYS));
    let stalled = format!(
        "FROM prospect r JOIN partner p ON p.id = r.partner_id
         WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL AND r.outcome = 'open' AND r.stage_since < '{cutoff}'"
    );
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name AS label, r.stage_since AS since {stalled} ORDER BY r.stage_since"
    );
    g.push("prospect_stalled", "R2.1.4", contact(false), &stalled, &items).await?;
    // R2.1.3: referral rewards owed since the referred prospect signed.
    if g.may(Action::RewardSettle) {
        let owed = "FROM referral f JOIN partner p ON p.id = f.partner_id
            WHERE f.reward_status = 'due' AND f.deleted_at IS NULL";
        let items = format!(
            "SELECT 'partner' AS entity, p.id, p.name AS label, f.due_since AS since {owed} ORDER BY f.due_since"
        );
        let pays = g.has(Role::Finance);
        g.push("referral_reward_due", "R2.1.3", Owner::Role(pays), owed, &items).await?;
    }
    agreement_groups(&mut g).await?;
    order_groups(&mut g).await?;
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
    g.push("evaluation_due", "R2.2.1", contact(false), &unevaluated, &items).await?;
    // R2.2.2: measures after a special evaluation, past their date and not done.
    let today = desk.today();
    let late = format!(
        "FROM evaluation_measure m JOIN evaluation e ON e.id = m.evaluation_id JOIN partner p ON p.id = e.partner_id
         WHERE m.done_on IS NULL AND m.deleted_at IS NULL AND e.deleted_at IS NULL AND m.due_on < '{today}'"
    );
    let items = format!(
        "SELECT 'evaluation' AS entity, e.id, p.name || ' · ' || m.action AS label, m.due_on AS since {late} ORDER BY m.due_on"
    );
    g.push("measure_overdue", "R2.2.2", contact(false), &late, &items).await?;
    // R2.2.3: the improvement plans of class C partners, open and not yet late, until done;
    // a manager follows every one.
    let plans = format!(
        "FROM evaluation_measure m JOIN evaluation e ON e.id = m.evaluation_id JOIN partner p ON p.id = e.partner_id
         WHERE m.done_on IS NULL AND m.deleted_at IS NULL AND e.deleted_at IS NULL AND m.due_on >= '{today}'
            AND e.kind = 'periodic' AND e.class = 'C' AND p.deleted_at IS NULL"
    );
    let items = format!(
        "SELECT 'evaluation' AS entity, e.id, p.name || ' · ' || m.action AS label, m.due_on AS since {plans} ORDER BY m.due_on"
    );
    let follows = g.has(Role::Manager);
    g.push("improvement_plan", "R2.2.3", contact(follows), &plans, &items).await?;
    relationship_groups(&mut g).await?;
    crate::risk::warning::groups(&mut g).await?;
    let mut groups = g.groups;
    // The user's own first, each part in the order gathered.
    groups.sort_by_key(|g| !g.mine);
    Ok(groups)
}

/// Orders held by a failed check, waiting for a manager's release (R4.1.2); payouts
/// proposed and waiting for a second finance user's decision, and approved payouts not yet
/// paid (R4.3.2).
async fn order_groups(g: &mut Gather<'_>) -> Result<()> {
    if g.may(Action::OrderOverride) {
        let held = "FROM sales_order o JOIN partner p ON p.id = o.partner_id
            WHERE o.status = 'held' AND o.deleted_at IS NULL";
        let items = format!(
            "SELECT 'order' AS entity, o.id, o.number || ' · ' || p.name AS label, o.updated_at AS since {held}
             ORDER BY o.updated_at"
        );
        let releases = g.has(Role::Manager);
        g.push("order_release_waiting", "R4.1.2", Owner::Role(releases), held, &items).await?;
    }
    if g.may(Action::PaymentApprove) {
        // The proposer may not decide their own proposal.
        let waiting = format!(
            "FROM payment x JOIN partner p ON p.id = x.partner_id
             WHERE x.status = 'proposed' AND x.deleted_at IS NULL AND COALESCE(x.proposed_by, '') <> '{}'",
            g.me.id.replace('\'', "''")
        );
        let items = format!(
            "SELECT 'payment' AS entity, x.id, p.name AS label, x.created_at AS since {waiting} ORDER BY x.created_at"
        );
        g.push("payment_waiting", "R4.3.2", Owner::Role(true), &waiting, &items).await?;
    }
    if g.may(Action::FinanceRecord) {
        let unpaid = "FROM payment x JOIN partner p ON p.id = x.partner_id
            WHERE x.status = 'approved' AND x.direction = 'out' AND x.deleted_at IS NULL";
        let items = format!(
            "SELECT 'payment' AS entity, x.id, p.name AS label, x.decided_at AS since {unpaid} ORDER BY x.decided_at"
        );
        let pays = g.has(Role::Finance);
        g.push("payment_to_pay", "R4.3.2", Owner::Role(pays), unpaid, &items).await?;
    }
    Ok(())
}

/// Quarterly reviews due and overdue (R2.3.1), follow-ups past their date, late support
/// requests (R2.3.2), rewards waiting for a manager (R2.3.3).
async fn relationship_groups(g: &mut Gather<'_>) -> Result<()> {
    let today = g.desk.today();
    let contact = Owner::Column(CONTACT, false);
    if let Some((due, overdue)) = crate::relationship::review_due_sql(&today) {
        let items = |from: &str| {
            format!(
                "SELECT 'partner' AS entity, p.id, p.name AS label,
                    COALESCE((SELECT max(held_on) FROM contact_log WHERE partner_id = p.id AND quarterly_review = 1
                        AND deleted_at IS NULL), p.created_at) AS since {from} ORDER BY since, p.name"
            )
        };
        g.push("review_overdue", "R2.3.1", contact, &overdue, &items(&overdue)).await?;
        g.push("review_due", "R2.3.1", contact, &due, &items(&due)).await?;
    }
    let late = format!(
        "FROM follow_up f JOIN partner p ON p.id = f.partner_id
         WHERE f.done_on IS NULL AND f.deleted_at IS NULL AND p.deleted_at IS NULL AND f.due_on < '{today}'"
    );
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name || ' · ' || f.action AS label, f.due_on AS since {late} ORDER BY f.due_on"
    );
    g.push("follow_up_overdue", "R2.3.1", contact, &late, &items).await?;
    let support = format!(
        "FROM support_request s JOIN partner p ON p.id = s.partner_id WHERE p.deleted_at IS NULL AND {}",
        crate::relationship::support::late_sql(g.desk.now())
    );
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name || ' · ' || s.subject AS label, s.opened_at AS since {support}
         ORDER BY s.opened_at"
    );
    g.push("support_late", "R2.3.2", contact, &support, &items).await?;
    if g.may(Action::IncentiveApprove) {
        let waiting = "FROM reward r JOIN partner p ON p.id = r.partner_id
            WHERE r.status = 'proposed' AND r.deleted_at IS NULL AND p.deleted_at IS NULL";
        let items = format!(
            "SELECT 'partner' AS entity, p.id, p.name || ' · ' || r.reason AS label, r.created_at AS since {waiting}
             ORDER BY r.created_at"
        );
        let approves = g.has(Role::Manager);
        g.push("reward_waiting", "R2.3.3", Owner::Role(approves), waiting, &items).await?;
    }
    Ok(())
}

/// The agreement reminders (R3.1.2, R3.2.1, R3.3.1, R3.3.2).
async fn agreement_groups(g: &mut Gather<'_>) -> Result<()> {
    let today = g.desk.today();
    let contact = Owner::Column(CONTACT, false);
    for (side, action) in
        [("legal", Action::AgreementReviewLegal), ("business", Action::AgreementReviewBusiness)]
    {
        if !g.may(action) {
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
        g.push(&format!("agreement_review_{side}"), "R3.1.2", Owner::Role(true), &waiting, &items).await?;
    }
    let days = crate::agreements::lifecycle::renewal_days(g.desk.pool()).await?;
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
    g.push("agreement_expiring", "R3.3.2", contact, &expiring, &items).await?;
    // Since the latest threshold reached: 90, then 60, then 30 days before expiry.
    for group in g.groups.iter_mut().filter(|x| x.kind == "agreement_expiring") {
        for item in &mut group.items {
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
    let overdue = crate::agreements::lifecycle::overdue_reports(g.desk).await?;
    let own: Vec<ReminderItem> =
        overdue.iter().filter(|(_, c)| c.as_deref() == Some(&g.me.id)).map(|(i, _)| i.clone()).collect();
    for (mine, items) in [(true, own), (false, overdue.into_iter().map(|(i, _)| i).collect())] {
        if !items.is_empty() {
            g.groups.push(ReminderGroup {
                kind: "execution_report_overdue".into(),
                requirement: "R3.2.1".into(),
                count: items.len() as i64,
                items: items.into_iter().take(GROUP_ITEMS as usize).collect(),
                mine,
            });
        }
    }
    let handover = format!(
        "FROM agreement a JOIN partner p ON p.id = a.partner_id
         WHERE a.deleted_at IS NULL AND (a.status = 'ended' OR (a.status = 'signed' AND a.expires_on < '{today}'))"
    );
    let items = format!(
        "SELECT 'agreement' AS entity, a.id, a.title || ' · ' || p.name || ' · ' || a.number AS label,
            COALESCE(a.ended_on, a.expires_on) AS since {handover} ORDER BY since"
    );
    g.push("agreement_handover", "R3.3.1", contact, &handover, &items).await
}
