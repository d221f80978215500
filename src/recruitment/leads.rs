//! Lead capture at a trade show: a queue at the booth, no network, a few seconds per visitor.
//!
//! Invariants: a lead is a prospect partner at the application stage owned by its event,
//! saved with its pipeline row in one transaction; the same credit code as a live partner is
//! refused (the existing record is named), a similar name, phone or e-mail is refused until
//! confirmed or merged into the existing record; merging adds only what the record lacks.

use crate::access::Action;
use crate::applications::check_visitor;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::partners::{self, ContactInput, DuplicateReport, PartnerInput};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What staff type for one visitor. Required: the company, a contact name, and a mobile or
/// an e-mail (the event and the staff member are filled in).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct LeadInput {
    pub event_id: String,
    pub company_name: String,
    pub contact_name: String,
    pub contact_mobile: String,
    pub contact_email: String,
    pub contact_title: String,
    pub contact_wechat: String,
    pub credit_code: String,
    /// What the visitor is interested in.
    pub interest: String,
}

/// The outcome of a capture.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LeadSaved {
    pub partner_id: String,
    pub name: String,
    /// True when the lead was merged into an existing record.
    pub merged: bool,
    /// Leads of the event now.
    #[ts(type = "number")]
    pub event_leads: i64,
}

fn to_partner(input: &LeadInput, event_name: &str, captured_by: Option<&str>) -> PartnerInput {
    PartnerInput {
        channel_contact_id: captured_by.map(String::from),
        name: input.company_name.clone(),
        credit_code: input.credit_code.clone(),
        source_kind: "offline_event".into(),
        source_detail: event_name.to_string(),
        contacts: vec![ContactInput {
            name: input.contact_name.clone(),
            title: input.contact_title.clone(),
            mobile: input.contact_mobile.clone(),
            email: input.contact_email.clone(),
            wechat: input.contact_wechat.clone(),
            is_primary: true,
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Possible duplicates of a lead among everything on this laptop (while typing, and the
/// benchmark's measure).
pub async fn check(desk: &Desk, input: &LeadInput) -> Result<DuplicateReport> {
    partners::check_duplicates(desk, &to_partner(input, "", None), None).await
}

/// Saves a lead for its event. `confirm_similar` saves it beside look-alikes;
/// `merge_into` adds its contact to that existing record instead and links it to the event.
pub async fn capture(
    desk: &Desk,
    input: &LeadInput,
    confirm_similar: bool,
    merge_into: Option<&str>,
) -> Result<LeadSaved> {
    let staff = desk.require(Action::PartnerWrite)?;
    let mut c = crate::validate::Checker::new();
    let interest = c.text("interest", &input.interest, false, 500, true);
    if input.event_id.trim().is_empty() {
        c.push("event_id", "required");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    let event: Option<String> =
        sqlx::query_scalar("SELECT name FROM trade_event WHERE id = ? AND deleted_at IS NULL")
            .bind(&input.event_id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let event_name = event.ok_or_else(|| Error::field("event_id", "unknown"))?;
    // R2.3.1: whoever met the prospect at the booth is its channel contact until a manager
    // assigns another.
    let partner = to_partner(input, &event_name, Some(&staff.id));
    let clean = check_visitor(&partner)?;
    let (partner_id, merged, name) = match merge_into {
        None => {
            let id = partners::create_in(&mut w, &clean, confirm_similar).await?;
            super::set_origin(&mut w, &id, Some(&input.event_id), Some(&staff.id), &interest).await?;
            (id, false, partner.name.trim().to_string())
        }
        Some(target) => {
            let existing = partners::load(&mut w.tx, target).await?;
            if existing.deleted_at.is_some() {
                return Err(Error::NotFound { entity: "partner", id: target.to_string() });
            }
            let mut merged_input = existing.to_input();
            let lead = &partner.contacts[0];
            let known = lead.already_in(&merged_input.contacts);
            if !known {
                merged_input.contacts.push(ContactInput { is_primary: false, ..lead.clone() });
            }
            if merged_input.credit_code.is_empty() {
                merged_input.credit_code.clone_from(&partner.credit_code);
            }
            let merged_clean = partners::check_input(&merged_input)?;
            partners::update_in(&mut w, target, None, &merged_clean, true).await?;
            // A prospect met again keeps the event it was first captured at.
            let first_event: Option<Option<String>> = sqlx::query_scalar(
                "SELECT event_id FROM prospect WHERE partner_id = ? AND deleted_at IS NULL",
            )
            .bind(target)
            .fetch_optional(&mut *w.tx)
            .await?;
            if existing.status == crate::partners::PartnerStatus::Prospect && first_event.flatten().is_none()
            {
                super::set_origin(&mut w, target, Some(&input.event_id), Some(&staff.id), &interest).await?;
            }
            let mut ch = Changes::new();
            ch.set("event", &event_name);
            ch.set("contact_added", &!known);
            audit::record(&mut w, "lead_again", "partner", target, &ch).await?;
            (target.to_string(), true, existing.name.clone())
        }
    };
    let event_leads: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM prospect r JOIN partner p ON p.id = r.partner_id
         WHERE r.event_id = ? AND r.deleted_at IS NULL AND p.deleted_at IS NULL",
    )
    .bind(&input.event_id)
    .fetch_one(&mut *w.tx)
    .await?;
    w.commit().await?;
    Ok(LeadSaved { partner_id, name, merged, event_leads })
}
