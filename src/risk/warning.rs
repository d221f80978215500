//! What the home page warns of in risk management: the legal early warning of R6.2.3
//! (agreements expiring with no renewal through legal review, agreement text changed after
//! legal approved an earlier version, partners with open legal risks), risks due for their
//! periodic review (R6.1.1) and response measures past their date.
//!
//! Invariant: every group is computed from the records when asked, never stored, so it
//! clears itself once the cause is gone (a renewal approved by legal, a new legal approval,
//! a legal risk closed).

use crate::access::Role;
use crate::error::Result;
use crate::reminders::{Gather, Owner};

/// Days before expiry an agreement with no legally reviewed renewal is warned of.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

/// Adds the risk groups to the home page's reminders: the legal warnings are legal's work,
/// a risk's review and measures its owner's.
pub(crate) async fn groups(g: &mut Gather<'_>) -> Result<()> {
    let today = g.desk.today();
    let legal_work = Owner::Role(g.has(Role::Legal));
    let horizon = super::plus_days(&today, EXPIRY_WARNING_DAYS);
    // R6.2.3: expiring, and no renewal has been approved by legal.
    let expiring = format!(
        "FROM agreement a JOIN partner p ON p.id = a.partner_id
         WHERE a.status = 'signed' AND a.kind <> 'amendment' AND a.deleted_at IS NULL
           AND a.expires_on >= '{today}' AND a.expires_on <= '{horizon}'
           AND NOT EXISTS (SELECT 1 FROM agreement n JOIN agreement_review r ON r.agreement_id = n.id
                WHERE n.renewal_of = a.id AND n.deleted_at IS NULL AND r.side = 'legal' AND r.decision = 'approve'
                  AND r.deleted_at IS NULL)"
    );
    let items = format!(
        "SELECT 'agreement' AS entity, a.id, a.title || ' · ' || p.name || ' · ' || a.number AS label,
            a.expires_on AS since, a.expires_on AS due_on {expiring} ORDER BY a.expires_on"
    );
    g.push("legal_expiring_unreviewed", "R6.2.3", legal_work, &expiring, &items).await?;
    // R6.2.3: the text changed after legal approved an earlier version, and legal has not
    // approved the current one.
    let changed = "FROM agreement a JOIN partner p ON p.id = a.partner_id
         JOIN agreement_version v ON v.agreement_id = a.id AND v.number = a.version_no
         WHERE a.deleted_at IS NULL AND a.status IN ('drafting', 'in_review', 'approved')
           AND EXISTS (SELECT 1 FROM agreement_review r WHERE r.agreement_id = a.id AND r.side = 'legal'
                AND r.decision = 'approve' AND r.deleted_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM agreement_review r WHERE r.agreement_id = a.id AND r.side = 'legal'
                AND r.decision = 'approve' AND r.fingerprint = v.fingerprint AND r.deleted_at IS NULL)";
    let items = format!(
        "SELECT 'agreement' AS entity, a.id, a.title || ' · ' || p.name || ' · ' || a.number AS label,
            a.updated_at AS since {changed} ORDER BY a.updated_at DESC"
    );
    g.push("legal_changed_after_approval", "R6.2.3", legal_work, changed, &items).await?;
    // R6.2.3: partners with open legal risks.
    let legal = "FROM partner p WHERE p.deleted_at IS NULL AND EXISTS (SELECT 1 FROM risk k
        WHERE k.partner_id = p.id AND k.category = 'legal' AND k.status = 'open' AND k.deleted_at IS NULL)";
    let items = format!(
        "SELECT 'partner' AS entity, p.id, p.name AS label,
            (SELECT min(identified_on) FROM risk k WHERE k.partner_id = p.id AND k.category = 'legal'
                AND k.status = 'open' AND k.deleted_at IS NULL) AS since {legal} ORDER BY since"
    );
    g.push("legal_risk_partner", "R6.2.3", legal_work, legal, &items).await?;
    // R6.1.1: risks whose review date has come.
    let review =
        format!("FROM risk r WHERE r.status = 'open' AND r.deleted_at IS NULL AND r.review_on <= '{today}'");
    let items = format!(
        "SELECT 'risk' AS entity, r.id, r.number || ' · ' || r.title AS label, r.review_on AS since {review}
         ORDER BY r.review_on"
    );
    g.push("risk_review_due", "R6.1.1", Owner::Column("r.owner_id", false), &review, &items).await?;
    let late = format!(
        "FROM risk_measure m JOIN risk r ON r.id = m.risk_id
         WHERE m.done_on IS NULL AND m.deleted_at IS NULL AND r.deleted_at IS NULL AND r.status = 'open'
           AND m.due_on < '{today}'"
    );
    let items = format!(
        "SELECT 'risk' AS entity, r.id, r.number || ' · ' || m.action AS label, m.due_on AS since {late}
         ORDER BY m.due_on"
    );
    g.push("risk_measure_overdue", "R6.1.2", Owner::Column("m.owner_id", false), &late, &items).await
}
