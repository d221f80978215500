//! Agreements signed on paper outside the program (R3.1.2, R3.1.3): recorded as agreements
//! like any other, their text the scan of the paper original, approved by a manager with a
//! reason in place of the two reviews, so that the partner's status still follows from an
//! agreement.
//!
//! Invariant: a paper approval names the version it approved (its fingerprint); a new version
//! voids it as it voids the reviews.

use super::{Agreement, head, version};
use crate::access::Action;
use crate::audit::Changes;
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::machines::AGREEMENT;
use crate::validate::Checker;
use serde::Deserialize;
use sqlx::SqliteConnection;
use ts_rs::TS;

/// A manager's approval of a paper agreement as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PaperApproval {
    /// An attachment of the agreement's partner: the scan of the signed paper original.
    pub scan_id: String,
    /// Why it was signed outside the program.
    pub reason: String,
}

/// Approves draft `id` as signed on paper (the agreement machine's `approve_paper` step): the
/// scan of the original and a reason are required; signing then records the signatories.
pub async fn approve(desk: &Desk, id: &str, input: &PaperApproval) -> Result<Agreement> {
    desk.require(Action::PaperAgreementApprove)?;
    let mut c = Checker::new();
    let reason = c.text("reason", &input.reason, true, 2000, true);
    if input.scan_id.trim().is_empty() {
        c.push("scan_id", "required");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    AGREEMENT.check(&w, "approve_paper", h.status)?;
    let scan: Option<String> = sqlx::query_scalar(
        "SELECT id FROM attachment WHERE id = ? AND owner_kind = 'partner' AND owner_id = ? AND deleted_at IS NULL",
    )
    .bind(input.scan_id.trim())
    .bind(&h.partner_id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let scan = scan.ok_or_else(|| Error::field("scan_id", "unknown"))?;
    let v = version(&mut w.tx, id, h.version_no).await?;
    let mut ch = Changes::new();
    AGREEMENT.take(&mut w, id, "approve_paper", Some(("reason", &reason))).await?.note("status", &mut ch);
    ch.set("fingerprint", &v.fingerprint);
    let sets = [
        ("paper_scan_id", Some(scan)),
        ("paper_reason", Some(reason)),
        ("paper_fingerprint", Some(v.fingerprint.clone())),
    ];
    super::write_fields(&mut w, id, "approve_paper", &sets, ch).await?;
    w.commit().await?;
    super::get(desk, id).await
}

/// Whether version `fingerprint` of agreement `id` carries a manager's paper approval.
pub(crate) async fn approved(conn: &mut SqliteConnection, id: &str, fingerprint: &str) -> Result<bool> {
    let fp: Option<Option<String>> =
        sqlx::query_scalar("SELECT paper_fingerprint FROM agreement WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(fp.flatten().is_some_and(|f| f == fingerprint))
}
