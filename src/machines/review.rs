//! Records whose state the life cycles would not have allowed, for an administrator to look
//! at: data from before the machines (or brought in by hand) is listed, never changed.
//!
//! Invariant: read only; each finding names its kind, the record and a label to find it by.

use crate::access::Action;
use crate::desk::Desk;
use crate::error::Result;
use serde::Serialize;
use ts_rs::TS;

/// One record in a state the rules would not have allowed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export, rename = "LifeCycleFinding")]
pub struct Finding {
    /// `active_without_agreement`, `terminated_with_agreement`, `signed_prospect`,
    /// `signed_without_approval` or `class_c_without_plan`.
    pub kind: String,
    /// `partner`, `agreement` or `evaluation`.
    pub entity: String,
    pub id: String,
    pub label: String,
}

const CHECKS: &[(&str, &str)] = &[
    // R2.1.4, R3.1.2: active or suspended without a signed master agreement or a migration.
    (
        "active_without_agreement",
        "SELECT 'partner', p.id, p.name FROM partner p WHERE p.deleted_at IS NULL AND p.status IN ('active', 'suspended')
            AND NOT EXISTS (SELECT 1 FROM agreement a WHERE a.partner_id = p.id AND a.kind <> 'amendment'
                AND a.status = 'signed' AND a.deleted_at IS NULL)
            AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.entity = 'partner' AND l.entity_id = p.id
                AND l.operation = 'migrate')",
    ),
    // R3.3: terminated while a master agreement is still signed.
    (
        "terminated_with_agreement",
        "SELECT 'partner', p.id, p.name FROM partner p WHERE p.deleted_at IS NULL AND p.status = 'terminated'
            AND EXISTS (SELECT 1 FROM agreement a WHERE a.partner_id = p.id AND a.kind <> 'amendment'
                AND a.status = 'signed' AND a.deleted_at IS NULL)",
    ),
    // R2.1.4: the pipeline says signed but the partner is still a prospect.
    (
        "signed_prospect",
        "SELECT 'partner', p.id, p.name FROM partner p JOIN prospect r ON r.partner_id = p.id
            WHERE p.deleted_at IS NULL AND r.deleted_at IS NULL AND r.outcome = 'signed' AND p.status = 'prospect'",
    ),
    // R3.1.2: signed without both approvals of the signed version or a manager's paper approval.
    (
        "signed_without_approval",
        "SELECT 'agreement', a.id, a.number || ' ' || a.title FROM agreement a
            LEFT JOIN agreement_version v ON v.id = a.signed_version_id
            WHERE a.deleted_at IS NULL AND a.status IN ('signed', 'ended', 'closed')
            AND (a.paper_fingerprint IS NULL OR a.paper_fingerprint <> COALESCE(v.fingerprint, ''))
            AND (SELECT count(DISTINCT r.side) FROM agreement_review r WHERE r.agreement_id = a.id
                AND r.fingerprint = v.fingerprint AND r.decision = 'approve' AND r.deleted_at IS NULL) < 2",
    ),
    // R2.2.3: class C after an annual evaluation without an improvement plan.
    (
        "class_c_without_plan",
        "SELECT 'evaluation', e.id, p.name || ' · ' || e.period FROM evaluation e JOIN partner p ON p.id = e.partner_id
            WHERE e.deleted_at IS NULL AND e.status = 'finished' AND e.kind = 'periodic' AND e.class = 'C'
            AND NOT EXISTS (SELECT 1 FROM evaluation_measure m WHERE m.evaluation_id = e.id AND m.deleted_at IS NULL)",
    ),
];

/// At most this many findings of each kind are listed.
const PER_KIND: i64 = 200;

/// Every record whose state the life cycles would not have allowed (the administrator's).
pub async fn findings(desk: &Desk) -> Result<Vec<Finding>> {
    desk.require(Action::PartnerMigrate)?;
    let mut out = Vec::new();
    for (kind, sql) in CHECKS {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{sql} LIMIT {PER_KIND}")))
                .fetch_all(desk.pool())
                .await?;
        out.extend(rows.into_iter().map(|(entity, id, label)| Finding {
            kind: kind.to_string(),
            entity,
            id,
            label,
        }));
    }
    Ok(out)
}
