//! One partner's timeline: everything about it across the areas, newest first, filterable by
//! kind — the record and its changes (audit), pipeline moves, communication, training,
//! support, rewards, awards, evaluations, agreements, and the money side: orders, payments
//! and risks (issue 25).
//!
//! Invariant: read from the areas' own tables in one query; nothing is copied into a
//! timeline table, so it can never disagree with them.

use crate::access::Action;
use crate::desk::Desk;
use crate::error::Result;
use serde::Serialize;
use ts_rs::TS;

/// The kinds of timeline items.
pub const KINDS: [&str; 12] = [
    "record",
    "pipeline",
    "contact",
    "training",
    "support",
    "reward",
    "award",
    "evaluation",
    "agreement",
    "order",
    "payment",
    "risk",
];

/// One item of the timeline.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct TimelineItem {
    pub kind: String,
    /// RFC 3339 or `YYYY-MM-DD`.
    pub at: String,
    /// A stable word the window translates (`create`, `meeting`, `cash`, `finished` …).
    pub what: String,
    pub text: String,
    /// Where it stands, a stable word (`approved`, `certified`, `resolved`, `awarded` …).
    pub state: Option<String>,
    pub by_name: Option<String>,
    /// The record to open, when it has a page (`agreement:<id>`, `evaluation:<id>`,
    /// `order:<id>`, `risk:<id>`).
    pub link: Option<String>,
}

/// The timeline of `partner_id`, newest first; only `kinds` when given (at most 500 items).
pub async fn timeline(desk: &Desk, partner_id: &str, kinds: &[String]) -> Result<Vec<TimelineItem>> {
    desk.require(Action::PartnerRead)?;
    let sql = "SELECT * FROM (
        SELECT 'record' AS kind, a.at, a.operation AS what, '' AS text, NULL AS state, a.user_name AS by_name, NULL AS link
            FROM audit_log a WHERE a.entity = 'partner' AND a.entity_id = ?1
            AND a.operation IN ('create', 'migrate', 'update', 'delete', 'restore', 'merge', 'activate', 'end', 'standing', 'set_class', 'evaluate')
        UNION ALL SELECT 'pipeline', m.at, m.action, m.reason, m.to_stage, m.user_name, NULL FROM stage_move m WHERE m.partner_id = ?1
        UNION ALL SELECT 'contact', l.held_on, CASE WHEN l.quarterly_review = 1 THEN 'quarterly_review' ELSE l.kind END, l.summary,
            NULL, u.display_name, NULL FROM contact_log l LEFT JOIN app_user u ON u.id = l.updated_by WHERE l.partner_id = ?1 AND l.deleted_at IS NULL
        UNION ALL SELECT 'training', t.held_on, t.kind, t.trainer, t.outcome, u.display_name, NULL
            FROM training t LEFT JOIN app_user u ON u.id = t.updated_by WHERE t.partner_id = ?1 AND t.deleted_at IS NULL
        UNION ALL SELECT 'support', s.opened_at, s.kind, s.subject, s.status, u.display_name, NULL
            FROM support_request s LEFT JOIN app_user u ON u.id = s.owner_id WHERE s.partner_id = ?1 AND s.deleted_at IS NULL
        UNION ALL SELECT 'reward', r.created_at, r.kind, r.reason, r.status, u.display_name, NULL
            FROM reward r LEFT JOIN app_user u ON u.id = r.updated_by WHERE r.partner_id = ?1 AND r.deleted_at IS NULL
        UNION ALL SELECT 'award', w.created_at, w.category, CAST(w.year AS TEXT), w.status, u.display_name, NULL
            FROM award w LEFT JOIN app_user u ON u.id = w.updated_by WHERE w.partner_id = ?1 AND w.deleted_at IS NULL
        UNION ALL SELECT 'evaluation', COALESCE(e.finished_at, e.created_at), e.kind,
            e.period || CASE WHEN e.class IS NOT NULL THEN ' · ' || e.class || ' · ' || printf('%.2f', e.total_x100 / 100.0) ELSE '' END,
            e.status, u.display_name, 'evaluation:' || e.id
            FROM evaluation e LEFT JOIN app_user u ON u.id = e.finished_by WHERE e.partner_id = ?1 AND e.deleted_at IS NULL
        UNION ALL SELECT 'agreement', COALESCE(g.signed_on, g.created_at), g.status, g.number || ' · ' || g.title,
            NULL, u.display_name, 'agreement:' || g.id
            FROM agreement g LEFT JOIN app_user u ON u.id = g.updated_by WHERE g.partner_id = ?1 AND g.deleted_at IS NULL
        UNION ALL SELECT 'order', o.ordered_on, 'order', o.number || ' · ' || o.customer_name || ' · ' || o.currency || ' '
            || printf('%,d.%02d', o.total_minor / 100, o.total_minor % 100), o.status, u.display_name, 'order:' || o.id
            FROM sales_order o LEFT JOIN app_user u ON u.id = o.updated_by WHERE o.partner_id = ?1 AND o.deleted_at IS NULL
        UNION ALL SELECT 'payment', COALESCE(y.paid_on, y.created_at), y.kind,
            y.currency || ' ' || printf('%,d.%02d', y.amount_minor / 100, y.amount_minor % 100) || CASE WHEN y.reference <> '' THEN ' · ' || y.reference ELSE '' END,
            y.status, u.display_name, NULL
            FROM payment y LEFT JOIN app_user u ON u.id = y.updated_by WHERE y.partner_id = ?1 AND y.deleted_at IS NULL
        UNION ALL SELECT 'risk', r.identified_on, r.category, r.number || ' · ' || r.title, r.status, u.display_name, 'risk:' || r.id
            FROM risk r LEFT JOIN app_user u ON u.id = r.owner_id WHERE r.partner_id = ?1 AND r.deleted_at IS NULL
    ) WHERE ?2 = '[]' OR kind IN (SELECT value FROM json_each(?2)) ORDER BY at DESC LIMIT 500";
    // The kinds asked for are chosen before the 500 newest are taken, so a rare kind is not
    // crowded out by a frequent one.
    let kinds = serde_json::to_string(kinds).unwrap_or_else(|_| "[]".into());
    Ok(sqlx::query_as(sql).bind(partner_id).bind(kinds).fetch_all(desk.pool()).await?)
}
