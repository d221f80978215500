//! Applications a prospect types in at the kiosk (R2.1.1), and their review by staff.
//!
//! At a trade show the laptop is turned to the visitor in a kiosk session that can only
//! submit this form. An application is checked by the same rules as the partner form, but it
//! is not compared with the register in front of the visitor (that would show other
//! companies' data): staff register it afterwards, with the usual duplicate checks, or
//! discard it.
//!
//! Invariants: an application is registered at most once, in the same transaction that
//! creates its partner; a submission never reads or reveals other records.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, new_id};
use crate::error::{Error, FieldError, Result};
use crate::partners::{self, ContactInput, Partner, PartnerInput};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a visitor fills in at the kiosk.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ApplicationInput {
    pub company_name: String,
    pub credit_code: String,
    pub legal_rep: String,
    pub province: String,
    pub city: String,
    pub address: String,
    pub business_scope: String,
    pub website: String,
    pub contact_name: String,
    pub contact_title: String,
    pub contact_mobile: String,
    pub contact_email: String,
    pub contact_wechat: String,
    /// What the visitor would like to tell us.
    pub message: String,
}

/// What the kiosk shows after a submission (nothing of other records).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApplicationReceipt {
    pub company_name: String,
    pub submitted_at: String,
}

/// An application waiting for review, or its outcome.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Application {
    pub id: String,
    pub company_name: String,
    pub event: String,
    /// `new` | `registered` | `discarded`.
    pub status: String,
    pub partner_id: Option<String>,
    pub submitted_at: String,
    /// The partner form pre-filled from the application.
    pub input: PartnerInput,
}

/// The partner input an application stands for; field errors use the kiosk's field names.
fn to_partner(a: &ApplicationInput, event: &str) -> PartnerInput {
    PartnerInput {
        name: a.company_name.clone(),
        credit_code: a.credit_code.clone(),
        legal_rep: a.legal_rep.clone(),
        province: a.province.clone(),
        city: a.city.clone(),
        address: a.address.clone(),
        business_scope: a.business_scope.clone(),
        website: a.website.clone(),
        source_kind: "offline_event".into(),
        source_detail: event.to_string(),
        notes: a.message.clone(),
        contacts: vec![ContactInput {
            name: a.contact_name.clone(),
            title: a.contact_title.clone(),
            mobile: a.contact_mobile.clone(),
            email: a.contact_email.clone(),
            wechat: a.contact_wechat.clone(),
            is_primary: true,
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The kiosk and lead forms' name for a partner-form field (`name` → `company_name`,
/// `contacts.0.mobile` → `contact_mobile`).
pub(crate) fn kiosk_field(field: &str) -> String {
    match field {
        "name" => "company_name".into(),
        "notes" => "message".into(),
        f => match f.strip_prefix("contacts.0.") {
            Some(rest) => format!("contact_{rest}"),
            None => f.to_string(),
        },
    }
}

/// Checks a partner input typed in by a visitor or captured as a lead, with the kiosk
/// form's field names: the partner rules, plus a contact name and a mobile or an e-mail.
pub(crate) fn check_visitor(partner: &PartnerInput) -> Result<partners::Clean> {
    let (clean, mut errors) = match partners::check_input(partner) {
        Ok(c) => (Some(c), vec![]),
        Err(Error::Validation(fs)) => {
            (None, fs.into_iter().map(|f| FieldError { field: kiosk_field(&f.field), ..f }).collect())
        }
        Err(e) => return Err(e),
    };
    let contact = partner.contacts.first().cloned().unwrap_or_default();
    if contact.name.trim().is_empty() && !errors.iter().any(|f| f.field == "contact_name") {
        errors.push(FieldError::new("contact_name", "required"));
    }
    if contact.mobile.trim().is_empty() && contact.email.trim().is_empty() {
        errors.push(FieldError::new("contact_mobile", "mobile_or_email"));
    } else if !contact.mobile.trim().is_empty() && crate::validate::mobile(&contact.mobile).is_err() {
        // A visitor is asked for a mobile, and told so (not "a phone number").
        errors.retain(|f| f.field != "contact_mobile");
        errors.push(FieldError::new("contact_mobile", "mobile"));
    }
    match clean {
        Some(c) if errors.is_empty() => Ok(c),
        _ => Err(Error::Validation(errors)),
    }
}

/// Submits an application from the kiosk session.
pub async fn submit(desk: &Desk, input: &ApplicationInput) -> Result<ApplicationReceipt> {
    desk.require(Action::ApplicationSubmit)?;
    let event = desk.session_info().kiosk_event.unwrap_or_default();
    let partner = to_partner(input, &event);
    check_visitor(&partner)?;
    let id = new_id();
    let company = input.company_name.trim().to_string();
    let payload = serde_json::to_string(&partner).map_err(|e| Error::Storage(e.to_string()))?;
    let mut w = desk.write().await?;
    let s = w.stamp.clone();
    let new = crate::machines::APPLICATION.start(&w, crate::machines::ApplicationStatus::New, false)?;
    sqlx::query(
        "INSERT INTO application (id, payload, company_name, event, event_id, status, submitted_at, created_at,
            updated_at, updated_by, hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&payload)
    .bind(&company)
    .bind(&event)
    .bind(desk.kiosk_event_id())
    .bind(new.value())
    .bind(&s.now)
    .bind(&s.now)
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("company_name", &company);
    ch.set("event", &event);
    audit::record(&mut w, "submit", "application", &id, &ch).await?;
    w.commit().await?;
    Ok(ApplicationReceipt { company_name: company, submitted_at: s.now })
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    payload: String,
    company_name: String,
    event: String,
    status: String,
    partner_id: Option<String>,
    submitted_at: String,
}

impl Row {
    fn application(self) -> Application {
        Application {
            input: serde_json::from_str(&self.payload).unwrap_or_default(),
            id: self.id,
            company_name: self.company_name,
            event: self.event,
            status: self.status,
            partner_id: self.partner_id,
            submitted_at: self.submitted_at,
        }
    }
}

const COLUMNS: &str = "id, payload, company_name, event, status, partner_id, submitted_at";

/// Applications waiting for review, oldest first.
pub async fn pending(desk: &Desk) -> Result<Vec<Application>> {
    desk.require(Action::ApplicationReview)?;
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application WHERE status = 'new' AND deleted_at IS NULL ORDER BY submitted_at"
    )))
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.into_iter().map(Row::application).collect())
}

/// One application.
pub async fn get(desk: &Desk, id: &str) -> Result<Application> {
    desk.require(Action::ApplicationReview)?;
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application WHERE id = ? AND deleted_at IS NULL"
    )))
    .bind(id)
    .fetch_optional(desk.pool())
    .await?;
    row.map(Row::application).ok_or_else(|| Error::NotFound { entity: "application", id: id.to_string() })
}

async fn close(w: &mut crate::desk::Write, id: &str, status: &str, partner_id: Option<&str>) -> Result<()> {
    use crate::machines::{APPLICATION, ApplicationStatus};
    let step = if status == "registered" { "register" } else { "discard" };
    if APPLICATION.state(&mut w.tx, id).await? != ApplicationStatus::New {
        return Err(Error::Conflict {
            kind: "stale",
            with: vec![crate::error::ConflictRef {
                id: id.into(),
                label: String::new(),
                reason: "reviewed".into(),
            }],
        });
    }
    let moved = APPLICATION.take(w, id, step, None).await?;
    crate::records::set_columns(w, "application", id, &[("partner_id", partner_id.map(String::from))])
        .await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    if let Some(p) = partner_id {
        ch.set("partner_id", &p);
    }
    audit::record(w, status, "application", id, &ch).await
}

/// Registers application `id` as a partner from the reviewed `input` (duplicate checks as
/// in the partner form), in one transaction.
pub async fn register(desk: &Desk, id: &str, input: &PartnerInput, confirm_similar: bool) -> Result<Partner> {
    desk.require(Action::ApplicationReview)?;
    desk.require(Action::PartnerWrite)?;
    let clean = partners::check_input(input)?;
    let mut w = desk.write().await?;
    // Who started the kiosk and for which event, before the review stamps the row.
    let origin: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT event_id, updated_by FROM application WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let (event_id, staff) =
        origin.ok_or_else(|| Error::NotFound { entity: "application", id: id.to_string() })?;
    let partner_id = partners::create_in(&mut w, &clean, confirm_similar).await?;
    close(&mut w, id, "registered", Some(&partner_id)).await?;
    // The visitor is a prospect at the application stage, a lead of the kiosk's event.
    if clean.is_prospect() {
        crate::recruitment::set_origin(&mut w, &partner_id, event_id.as_deref(), Some(&staff), "").await?;
    }
    w.commit().await?;
    partners::get(desk, &partner_id).await
}

/// Discards application `id` (spam, a visitor's mistake).
pub async fn discard(desk: &Desk, id: &str) -> Result<()> {
    desk.require(Action::ApplicationReview)?;
    let mut w = desk.write().await?;
    close(&mut w, id, "discarded", None).await?;
    w.commit().await
}
