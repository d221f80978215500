//! The partner register (R2.1.3 sources, R2.3.1 designated channel contact): companies the
//! business works with or may work with, their contacts, and the search over them.
//!
//! Invariants:
//! - a live partner's unified social credit code is unique (also enforced by a partial unique
//!   index); a similar normalised name, or the same phone or e-mail as another live partner,
//!   is refused with `conflict/similar` unless the caller confirms it;
//! - partners and contacts are never hard-deleted: delete sets a tombstone, restore clears it;
//! - every create, update, delete and restore writes its audit entry, HLC and per-field clock
//!   (`field_hlc`) and refreshes the search indexes in the same transaction;
//! - an update names the HLC it was based on; if the row changed since, it is refused
//!   (`conflict/stale`) rather than silently overwriting someone's edit.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{Desk, Write, new_id};
use crate::error::{ConflictRef, Error, Result};
use crate::reference;
use crate::search::{self, Term};
use crate::validate::{self, Checker};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use ts_rs::TS;

pub use crate::machines::PartnerStatus;

/// How the company came to know the partner (R2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Online,
    OfflineEvent,
    Referral,
    Other,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [Self::Online, Self::OfflineEvent, Self::Referral, Self::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::OfflineEvent => "offline_event",
            Self::Referral => "referral",
            Self::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A contact person as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ContactInput {
    /// Present when editing an existing contact.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub title: String,
    pub mobile: String,
    pub email: String,
    pub wechat: String,
    pub is_primary: bool,
}

impl ContactInput {
    /// Whether `list` already has this person: the same phone digits or e-mail, or, for a
    /// contact with neither, the same name (merges and leads met again add nobody twice).
    pub fn already_in(&self, list: &[ContactInput]) -> bool {
        let digits = validate::phone_digits(&self.mobile);
        let email = self.email.trim();
        list.iter().any(|m| {
            (!digits.is_empty() && validate::phone_digits(&m.mobile) == digits)
                || (!email.is_empty() && m.email.eq_ignore_ascii_case(email))
                || (digits.is_empty() && email.is_empty() && m.name == self.name)
        })
    }
}

/// A partner as entered in the form (enumerations as their text codes; the core checks them).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PartnerInput {
    pub name: String,
    pub short_name: String,
    /// Unified social credit code; empty when not known yet.
    pub credit_code: String,
    pub legal_rep: String,
    pub address: String,
    /// GB/T 2260 province code, or empty.
    pub province: String,
    pub city: String,
    pub industry: String,
    pub business_scope: String,
    pub website: String,
    /// `online` | `offline_event` | `referral` | `other`.
    pub source_kind: String,
    pub source_detail: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_contact_id: Option<String>,
    pub tags: Vec<String>,
    pub notes: String,
    pub contacts: Vec<ContactInput>,
}

/// A stored contact person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub title: String,
    pub mobile: String,
    pub email: String,
    pub wechat: String,
    pub is_primary: bool,
}

/// A partner with everything the detail page shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Partner {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub credit_code: Option<String>,
    pub legal_rep: String,
    pub address: String,
    pub province: String,
    pub city: String,
    pub industry: String,
    pub business_scope: String,
    pub website: String,
    pub source_kind: String,
    pub source_detail: String,
    pub status: PartnerStatus,
    /// What the signed-in person may do to its status now (`suspend`, `resume`).
    pub actions: Vec<&'static str>,
    /// A, B or C; none until evaluated.
    pub class: Option<String>,
    pub channel_contact_id: Option<String>,
    pub channel_contact_name: Option<String>,
    pub tags: Vec<String>,
    pub notes: String,
    pub contacts: Vec<Contact>,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by_name: String,
    /// The version an edit must name (see [`update`]).
    pub hlc: String,
    pub deleted_at: Option<String>,
}

/// One row of the partner list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct PartnerRow {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub credit_code: Option<String>,
    pub province: String,
    pub city: String,
    pub status: PartnerStatus,
    pub class: Option<String>,
    pub source_kind: String,
    pub channel_contact_name: Option<String>,
    pub primary_contact: Option<String>,
    pub primary_mobile: Option<String>,
    /// JSON array of tags.
    pub tags: String,
    pub updated_at: String,
    /// For search results: where the query matched when it is not in a listed column.
    #[sqlx(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hint: Option<SearchHint>,
}

/// Where a search query matched outside the listed columns.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct SearchHint {
    /// Field name as in [`PartnerInput`] (`notes`, `contacts.email`, …).
    pub field: String,
    pub excerpt: String,
}

/// Filters, sort and page of the partner list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ListQuery {
    /// Search text (names, short name, code, contacts, phones, e-mails, notes).
    pub q: String,
    pub status: String,
    /// `A`, `B`, `C`, or `none` for not yet evaluated.
    pub class: String,
    pub province: String,
    pub source_kind: String,
    pub tag: String,
    /// Only partners without a designated channel contact.
    pub no_channel_contact: bool,
    /// Only the partners of this channel contact (a user id; "my partners", R2.3.1).
    pub channel_contact_id: String,
    /// `name` | `updated_at` | `created_at` | `province` | `status` | `class`.
    pub sort: String,
    pub desc: bool,
    pub offset: u32,
    /// Page size, 1–200 (default 50).
    pub limit: u32,
}

/// One page of the partner list.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ListPage {
    /// Matching partners; for searches counted up to [`SEARCH_COUNT_CAP`] + 1.
    #[ts(type = "number")]
    pub total: i64,
    pub total_capped: bool,
    pub rows: Vec<PartnerRow>,
}

/// Searches stop counting matches past this number.
pub const SEARCH_COUNT_CAP: i64 = 1000;

/// Possible duplicates of an input, for warnings while typing.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct DuplicateReport {
    /// A live partner with the same credit code: saving is refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub same_credit_code: Option<ConflictRef>,
    /// Similar name, same phone or e-mail: saving needs confirmation.
    pub similar: Vec<ConflictRef>,
}

/// Duplicate lookup; every one of these must use an index (a test checks the plan).
pub const DUP_BY_CODE: &str =
    "SELECT id, name FROM partner WHERE credit_code = ? AND deleted_at IS NULL AND id <> ?";
/// Duplicate lookup; every one of these must use an index (a test checks the plan).
pub const DUP_BY_NAME: &str =
    "SELECT id, name FROM partner WHERE name_norm = ? AND deleted_at IS NULL AND id <> ? LIMIT 5";
/// Duplicate lookup; every one of these must use an index (a test checks the plan).
pub const DUP_BY_PHONE: &str = "SELECT DISTINCT p.id, p.name FROM partner_contact c JOIN partner p ON p.id = c.partner_id WHERE c.mobile_norm = ? AND c.mobile_norm <> '' AND c.deleted_at IS NULL AND p.deleted_at IS NULL AND p.id <> ? LIMIT 5";
/// Duplicate lookup; every one of these must use an index (a test checks the plan).
pub const DUP_BY_EMAIL: &str = "SELECT DISTINCT p.id, p.name FROM partner_contact c JOIN partner p ON p.id = c.partner_id WHERE lower(c.email) = lower(?) AND c.email <> '' AND c.deleted_at IS NULL AND p.deleted_at IS NULL AND p.id <> ? LIMIT 5";

const MAX_TAGS: usize = 20;
const MAX_CONTACTS: usize = 50;

/// Stored scalar columns, in a fixed order, as they are compared and written.
const COLUMNS: [&str; 15] = [
    "name",
    "short_name",
    "credit_code",
    "legal_rep",
    "address",
    "province",
    "city",
    "industry",
    "business_scope",
    "website",
    "source_kind",
    "source_detail",
    "channel_contact_id",
    "tags",
    "notes",
];

/// A checked input, in stored form.
#[derive(Debug, Clone)]
pub(crate) struct Clean {
    values: [Option<String>; 15],
    /// The status it is created in: a prospect, or active in an administrator's migration.
    start: PartnerStatus,
    /// The class a migrated partner brings with it.
    class: Option<String>,
    name_norm: String,
    tags: Vec<String>,
    contacts: Vec<CleanContact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct CleanContact {
    #[serde(skip)]
    id: Option<String>,
    name: String,
    title: String,
    mobile: String,
    email: String,
    wechat: String,
    is_primary: bool,
}

impl Clean {
    fn get(&self, col: &str) -> Option<&str> {
        COLUMNS.iter().position(|c| *c == col).and_then(|i| self.values[i].as_deref())
    }
    pub(crate) fn is_prospect(&self) -> bool {
        self.start == PartnerStatus::Prospect
    }
}

pub(crate) fn check_input(input: &PartnerInput) -> Result<Clean> {
    let mut c = Checker::new();
    let name = c.text("name", &input.name, true, 120, false);
    let short_name = c.text("short_name", &input.short_name, false, 40, false);
    let credit_code = c.optional("credit_code", &input.credit_code, 40, validate::credit_code);
    let legal_rep = c.text("legal_rep", &input.legal_rep, false, 50, false);
    let address = c.text("address", &input.address, false, 200, false);
    let province = input.province.trim().to_string();
    if !province.is_empty() && reference::province(&province).is_none() {
        c.push("province", "unknown");
    }
    let city = c.text("city", &input.city, false, 50, false);
    let industry = c.text("industry", &input.industry, false, 50, false);
    let business_scope = c.text("business_scope", &input.business_scope, false, 2000, true);
    let website = c.optional("website", &input.website, 200, validate::website);
    let source_kind = input.source_kind.trim();
    if SourceKind::parse(source_kind).is_none() {
        c.push("source_kind", if source_kind.is_empty() { "required" } else { "unknown" });
    }
    let source_detail = c.text("source_detail", &input.source_detail, false, 200, false);
    let channel_contact_id =
        input.channel_contact_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let notes = c.text("notes", &input.notes, false, 5000, true);

    let mut tags: Vec<String> = Vec::new();
    for (i, t) in input.tags.iter().enumerate() {
        let t = c.text(&format!("tags.{i}"), t, false, 30, false);
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > MAX_TAGS {
        c.errors.push(crate::error::FieldError::with_limit("tags", "too_many", MAX_TAGS as u32));
    }

    if input.contacts.len() > MAX_CONTACTS {
        c.errors.push(crate::error::FieldError::with_limit("contacts", "too_many", MAX_CONTACTS as u32));
    }
    let mut contacts = Vec::new();
    let mut primary_seen = false;
    for (i, k) in input.contacts.iter().enumerate() {
        let f = |n: &str| format!("contacts.{i}.{n}");
        let cc = CleanContact {
            id: k.id.clone().filter(|s| !s.is_empty()),
            name: c.text(&f("name"), &k.name, true, 50, false),
            title: c.text(&f("title"), &k.title, false, 50, false),
            mobile: c.optional(&f("mobile"), &k.mobile, 30, validate::phone),
            email: c.optional(&f("email"), &k.email, 254, validate::email),
            wechat: c.text(&f("wechat"), &k.wechat, false, 50, false),
            is_primary: k.is_primary && !primary_seen,
        };
        primary_seen |= cc.is_primary;
        contacts.push(cc);
    }
    if !primary_seen && let Some(first) = contacts.first_mut() {
        first.is_primary = true;
    }
    c.finish()?;

    let opt = |s: String| if s.is_empty() { None } else { Some(s) };
    let name_norm = validate::normalize_company_name(&name);
    let values = [
        Some(name),
        Some(short_name),
        opt(credit_code),
        Some(legal_rep),
        Some(address),
        Some(province),
        Some(city),
        Some(industry),
        Some(business_scope),
        Some(website),
        Some(source_kind.to_string()),
        Some(source_detail),
        channel_contact_id,
        Some(serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into())),
        Some(notes),
    ];
    Ok(Clean { values, start: PartnerStatus::Prospect, class: None, name_norm, tags, contacts })
}

async fn check_channel_contact(conn: &mut SqliteConnection, clean: &Clean) -> Result<()> {
    if let Some(uid) = clean.get("channel_contact_id") {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM app_user WHERE id = ? AND deleted_at IS NULL")
                .bind(uid)
                .fetch_optional(&mut *conn)
                .await?;
        if found.is_none() {
            return Err(Error::field("channel_contact_id", "unknown"));
        }
    }
    Ok(())
}

/// What duplicate checks compare: the credit code, the normalised name, phone digits and
/// lower-cased e-mails.
#[derive(Debug, Default)]
struct Identity {
    credit_code: Option<String>,
    name_norm: String,
    phones: BTreeSet<String>,
    emails: BTreeSet<String>,
}

impl Identity {
    /// From stored or checked values; `contacts` are `(mobile, email)` pairs.
    fn new<'a>(
        credit_code: Option<String>,
        name_norm: String,
        contacts: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Identity {
        let mut id = Identity { credit_code, name_norm, ..Default::default() };
        for (mobile, email) in contacts {
            let digits = validate::phone_digits(mobile);
            if !digits.is_empty() {
                id.phones.insert(digits);
            }
            if !email.is_empty() {
                id.emails.insert(email.to_lowercase());
            }
        }
        id
    }

    fn of(clean: &Clean) -> Identity {
        Identity::new(
            clean.get("credit_code").map(String::from),
            clean.name_norm.clone(),
            clean.contacts.iter().map(|k| (k.mobile.as_str(), k.email.as_str())),
        )
    }

    /// Whether this has the same name and no phone or e-mail that `other` lacks.
    fn adds_nothing_to(&self, other: &Identity) -> bool {
        self.name_norm == other.name_norm
            && self.phones.is_subset(&other.phones)
            && self.emails.is_subset(&other.emails)
    }
}

async fn find_duplicates(
    conn: &mut SqliteConnection,
    identity: &Identity,
    exclude_id: Option<&str>,
) -> Result<DuplicateReport> {
    let exclude = exclude_id.unwrap_or("");
    let mut report = DuplicateReport::default();
    if let Some(code) = &identity.credit_code {
        let hit: Option<(String, String)> =
            sqlx::query_as(DUP_BY_CODE).bind(code).bind(exclude).fetch_optional(&mut *conn).await?;
        report.same_credit_code =
            hit.map(|(id, label)| ConflictRef { id, label, reason: "credit_code".into() });
    }
    let mut seen = HashSet::new();
    let mut push = |report: &mut DuplicateReport, rows: Vec<(String, String)>, reason: &str| {
        for (id, label) in rows {
            if seen.insert(id.clone()) {
                report.similar.push(ConflictRef { id, label, reason: reason.into() });
            }
        }
    };
    if !identity.name_norm.is_empty() {
        let rows =
            sqlx::query_as(DUP_BY_NAME).bind(&identity.name_norm).bind(exclude).fetch_all(&mut *conn).await?;
        push(&mut report, rows, "similar_name");
    }
    for digits in identity.phones.iter().filter(|d| d.len() >= 7) {
        let rows = sqlx::query_as(DUP_BY_PHONE).bind(digits).bind(exclude).fetch_all(&mut *conn).await?;
        push(&mut report, rows, "phone");
    }
    for email in &identity.emails {
        let rows = sqlx::query_as(DUP_BY_EMAIL).bind(email).bind(exclude).fetch_all(&mut *conn).await?;
        push(&mut report, rows, "email");
    }
    Ok(report)
}

/// Refuses a duplicate credit code always, and similar records unless confirmed.
fn enforce_duplicates(report: DuplicateReport, confirm_similar: bool) -> Result<()> {
    if let Some(hit) = report.same_credit_code {
        return Err(Error::Conflict { kind: "duplicate", with: vec![hit] });
    }
    if !report.similar.is_empty() && !confirm_similar {
        return Err(Error::Conflict { kind: "similar", with: report.similar });
    }
    Ok(())
}

/// Reports possible duplicates of `input` without saving anything (for warnings while typing).
/// Only the fields needed for the comparison are checked.
pub async fn check_duplicates(
    desk: &Desk,
    input: &PartnerInput,
    exclude_id: Option<&str>,
) -> Result<DuplicateReport> {
    desk.require(Action::PartnerWrite)?;
    let name = input.name.trim();
    let name_norm =
        if name.chars().count() > 120 { String::new() } else { validate::normalize_company_name(name) };
    // Only values that would pass their checks are compared.
    let contacts: Vec<(String, String)> = input
        .contacts
        .iter()
        .map(|k| {
            (validate::phone(&k.mobile).unwrap_or_default(), validate::email(&k.email).unwrap_or_default())
        })
        .collect();
    let identity = Identity::new(
        validate::credit_code(&input.credit_code).ok(),
        name_norm,
        contacts.iter().map(|(m, e)| (m.as_str(), e.as_str())),
    );
    let mut conn = desk.pool().acquire().await?;
    find_duplicates(&mut conn, &identity, exclude_id).await
}

/// Creates a partner. `confirm_similar` accepts similar names, phones or e-mails.
pub async fn create(desk: &Desk, input: &PartnerInput, confirm_similar: bool) -> Result<Partner> {
    desk.require(Action::PartnerWrite)?;
    let clean = check_input(input)?;
    let mut w = desk.write().await?;
    let id = create_in(&mut w, &clean, confirm_similar).await?;
    w.commit().await?;
    get(desk, &id).await
}

/// Creates a checked partner inside the write `w` (with the duplicate checks); its id.
pub(crate) async fn create_in(w: &mut Write, clean: &Clean, confirm_similar: bool) -> Result<String> {
    check_channel_contact(&mut w.tx, clean).await?;
    enforce_duplicates(find_duplicates(&mut w.tx, &Identity::of(clean), None).await?, confirm_similar)?;
    let ids = insert_batch(w, &[clean]).await?;
    Ok(ids.into_iter().next().unwrap_or_default())
}

/// Creates many partners in one transaction (generated data, imports): all or none. Errors
/// name the row as `rows.<i>.<field>`. Similar-name warnings are not raised; duplicate credit
/// codes are refused, within the batch as well as against the register.
pub async fn create_many(desk: &Desk, inputs: &[PartnerInput]) -> Result<Vec<String>> {
    create_many_at(desk, inputs, None).await
}

/// Checks `input` as the partner form does, without saving anything.
pub fn validate_input(input: &PartnerInput) -> Result<()> {
    check_input(input).map(|_| ())
}

/// [`create_many`], the prospects among them recorded as leads captured at event `event_id`
/// by the signed-in user (a spreadsheet of trade-show leads).
pub async fn create_many_at(
    desk: &Desk,
    inputs: &[PartnerInput],
    event_id: Option<&str>,
) -> Result<Vec<String>> {
    desk.require(Action::PartnerWrite)?;
    let (rows, errors) = check_rows(inputs)?;
    let cleans: Vec<Clean> = rows.into_iter().map(|(_, c)| c).collect();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut w = desk.write().await?;
    check_batch_against_register(&mut w.tx, &cleans).await?;
    let refs: Vec<&Clean> = cleans.iter().collect();
    let ids = insert_batch(&mut w, &refs).await?;
    if let Some(event) = event_id {
        crate::records::require_live(&mut w.tx, "trade_event", event, "event").await?;
        let user = w.stamp.user.id.clone();
        for part in ids.chunks(500) {
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT id FROM prospect WHERE deleted_at IS NULL AND partner_id IN (");
            let mut sep = qb.separated(", ");
            for id in part {
                sep.push_bind(id.as_str());
            }
            qb.push(")");
            let prospects: Vec<String> = qb.build_query_scalar().fetch_all(&mut *w.tx).await?;
            for pid in prospects {
                crate::records::set_columns(
                    &mut w,
                    "prospect",
                    &pid,
                    &[("event_id", Some(event.to_string())), ("captured_by", Some(user.clone()))],
                )
                .await?;
            }
        }
    }
    w.commit().await?;
    Ok(ids)
}

/// The rows of a batch that passed the checks (with their index) and the errors of the others.
type CheckedRows = (Vec<(usize, Clean)>, Vec<crate::error::FieldError>);

/// Checks each of `inputs` as the partner form does, the errors named `rows.<i>.<field>`; a
/// credit code used twice in the batch is refused on its later row. The checked rows with
/// their index, and the errors.
fn check_rows<'a>(inputs: impl IntoIterator<Item = &'a PartnerInput>) -> Result<CheckedRows> {
    let mut cleans = Vec::new();
    let mut errors = Vec::new();
    let mut codes = HashSet::new();
    for (i, input) in inputs.into_iter().enumerate() {
        match check_input(input) {
            Ok(c) => {
                if let Some(code) = c.get("credit_code")
                    && !codes.insert(code.to_string())
                {
                    errors.push(crate::error::FieldError::new(format!("rows.{i}.credit_code"), "duplicate"));
                }
                cleans.push((i, c));
            }
            Err(Error::Validation(fs)) => errors.extend(fs.into_iter().map(|mut f| {
                f.field = format!("rows.{i}.{}", f.field);
                f
            })),
            Err(e) => return Err(e),
        }
    }
    Ok((cleans, errors))
}

/// For a batch: credit codes already used by live partners (refused, naming the row) and
/// channel contacts that are not users, each with one query per few hundred rows.
async fn check_batch_against_register(conn: &mut SqliteConnection, cleans: &[Clean]) -> Result<()> {
    let codes: Vec<(usize, &str)> =
        cleans.iter().enumerate().filter_map(|(i, c)| c.get("credit_code").map(|code| (i, code))).collect();
    for part in codes.chunks(500) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT credit_code, id, name FROM partner WHERE deleted_at IS NULL AND credit_code IN (",
        );
        let mut sep = qb.separated(", ");
        for (_, code) in part {
            sep.push_bind(*code);
        }
        qb.push(")");
        let hits: Vec<(String, String, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
        if let Some((code, id, label)) = hits.into_iter().next() {
            let row = part.iter().find(|(_, c)| *c == code).map(|(i, _)| *i).unwrap_or(0);
            return Err(Error::Conflict {
                kind: "duplicate",
                with: vec![ConflictRef { id, label, reason: format!("rows.{row}.credit_code") }],
            });
        }
    }
    let users: Vec<&str> = cleans
        .iter()
        .filter_map(|c| c.get("channel_contact_id"))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut known = HashSet::new();
    for part in users.chunks(500) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id FROM app_user WHERE deleted_at IS NULL AND id IN (");
        let mut sep = qb.separated(", ");
        for u in part {
            sep.push_bind(*u);
        }
        qb.push(")");
        known.extend(qb.build_query_scalar::<String>().fetch_all(&mut *conn).await?);
    }
    let unknown: Vec<crate::error::FieldError> = cleans
        .iter()
        .enumerate()
        .filter(|(_, c)| c.get("channel_contact_id").is_some_and(|u| !known.contains(u)))
        .map(|(i, _)| crate::error::FieldError::new(format!("rows.{i}.channel_contact_id"), "unknown"))
        .collect();
    if unknown.is_empty() { Ok(()) } else { Err(Error::Validation(unknown)) }
}

/// Rows per multi-row INSERT statement (well under SQLite's bound-parameter limit).
const ROWS_PER_STATEMENT: usize = 100;

/// Inserts checked partners with their contacts, tags, search entries and audit entries, a
/// few multi-row statements per hundred partners. Returns the new ids in input order.
async fn insert_batch(w: &mut Write, cleans: &[&Clean]) -> Result<Vec<String>> {
    // The partner machine decides who may create a partner in which status.
    for start in [PartnerStatus::Prospect, PartnerStatus::Active] {
        if cleans.iter().any(|c| c.start == start) {
            crate::machines::PARTNER.start(w, start, false)?;
        }
    }
    let s = w.stamp.clone();
    // Every field of a new row carries the creation clock: stored once, as the default.
    let field_hlc = serde_json::json!({ "*": s.hlc }).to_string();
    let ids: Vec<String> = cleans.iter().map(|_| new_id()).collect();
    for (chunk_ids, chunk) in ids.chunks(ROWS_PER_STATEMENT).zip(cleans.chunks(ROWS_PER_STATEMENT)) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO partner (id, name_norm, status, class, ");
        for col in COLUMNS {
            qb.push(col).push(", ");
        }
        qb.push("created_at, updated_at, updated_by, hlc, field_hlc) ");
        qb.push_values(chunk_ids.iter().zip(chunk), |mut b, (id, clean)| {
            b.push_bind(id.as_str())
                .push_bind(clean.name_norm.as_str())
                .push_bind(clean.start.as_str())
                .push_bind(clean.class.as_deref());
            for v in &clean.values {
                b.push_bind(v.as_deref());
            }
            b.push_bind(s.now.as_str())
                .push_bind(s.now.as_str())
                .push_bind(s.user.id.as_str())
                .push_bind(s.hlc.as_str())
                .push_bind(field_hlc.as_str());
        });
        qb.push(" RETURNING id, rid");
        let rids: HashMap<String, i64> =
            qb.build_query_as::<(String, i64)>().fetch_all(&mut *w.tx).await?.into_iter().collect();

        let contacts: Vec<(&str, usize, &CleanContact)> = chunk_ids
            .iter()
            .zip(chunk)
            .flat_map(|(id, c)| c.contacts.iter().enumerate().map(move |(pos, k)| (id.as_str(), pos, k)))
            .collect();
        insert_contacts(w, &contacts).await?;

        let tags: Vec<(&str, &str)> = chunk_ids
            .iter()
            .zip(chunk)
            .flat_map(|(id, c)| c.tags.iter().map(move |t| (t.as_str(), id.as_str())))
            .collect();
        insert_tags(w, &tags).await?;

        let entries: Vec<(i64, String, BTreeSet<String>)> = chunk_ids
            .iter()
            .zip(chunk)
            .map(|(id, c)| {
                let (body, grams) =
                    index_entry(&IndexSource::from_clean(c), c.contacts.iter().map(CleanContact::texts));
                (rids.get(id).copied().unwrap_or_default(), body, grams)
            })
            .collect();
        write_index(&mut w.tx, &entries, true).await?;

        let audits: Vec<(&str, &str, &str, Changes)> = chunk_ids
            .iter()
            .zip(chunk)
            .map(|(id, c)| {
                let op = if c.start == PartnerStatus::Active { "migrate" } else { "create" };
                (op, "partner", id.as_str(), creation_changes(c))
            })
            .collect();
        audit::record_many(w, &audits).await?;

        // R2.1.4: a new prospect is in the recruitment pipeline from the start.
        let prospects: Vec<&str> =
            chunk_ids.iter().zip(chunk).filter(|(_, c)| c.is_prospect()).map(|(id, _)| id.as_str()).collect();
        crate::recruitment::enter_many(w, &prospects).await?;
    }
    Ok(ids)
}

/// Inserts contact rows `(partner_id, position, contact)`, a hundred per statement.
async fn insert_contacts(w: &mut Write, rows: &[(&str, usize, &CleanContact)]) -> Result<()> {
    let s = w.stamp.clone();
    let field_hlc = serde_json::json!({ "*": s.hlc }).to_string();
    for part in rows.chunks(ROWS_PER_STATEMENT) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO partner_contact (id, partner_id, name, title, mobile, mobile_norm, email, wechat,
             is_primary, position, created_at, updated_at, updated_by, hlc, field_hlc) ",
        );
        qb.push_values(part, |mut b, (pid, pos, k)| {
            b.push_bind(new_id())
                .push_bind(*pid)
                .push_bind(k.name.as_str())
                .push_bind(k.title.as_str())
                .push_bind(k.mobile.as_str())
                .push_bind(validate::phone_digits(&k.mobile))
                .push_bind(k.email.as_str())
                .push_bind(k.wechat.as_str())
                .push_bind(k.is_primary)
                .push_bind(*pos as i64)
                .push_bind(s.now.as_str())
                .push_bind(s.now.as_str())
                .push_bind(s.user.id.as_str())
                .push_bind(s.hlc.as_str())
                .push_bind(field_hlc.as_str());
        });
        qb.build().execute(&mut *w.tx).await?;
    }
    Ok(())
}

/// Inserts `(tag, partner_id)` rows into the derived tag index.
async fn insert_tags(w: &mut Write, rows: &[(&str, &str)]) -> Result<()> {
    for part in rows.chunks(ROWS_PER_STATEMENT * 4) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT OR IGNORE INTO partner_tag (tag, partner_id) ");
        qb.push_values(part, |mut b, (t, id)| {
            b.push_bind(*t).push_bind(*id);
        });
        qb.build().execute(&mut *w.tx).await?;
    }
    Ok(())
}

/// The audit record of a new partner: every field set.
fn creation_changes(clean: &Clean) -> Changes {
    let mut changes = Changes::new();
    changes.set("status", &clean.start.as_str());
    if let Some(class) = &clean.class {
        changes.set("class", class);
    }
    for (col, v) in COLUMNS.iter().zip(&clean.values) {
        if *col == "tags" && clean.tags.is_empty() {
            continue; // stored as "[]": nothing was set
        }
        changes.set(col, v);
    }
    if !clean.contacts.is_empty() {
        let after: Vec<String> = clean.contacts.iter().map(|k| contact_summary(k.texts())).collect();
        changes.set("contacts", &after);
    }
    changes
}

/// Updates partner `id`, which must still be at version `expected_hlc`.
pub async fn update(
    desk: &Desk,
    id: &str,
    expected_hlc: &str,
    input: &PartnerInput,
    confirm_similar: bool,
) -> Result<Partner> {
    desk.require(Action::PartnerWrite)?;
    let clean = check_input(input)?;
    let mut w = desk.write().await?;
    if update_in(&mut w, id, Some(expected_hlc), &clean, confirm_similar).await? {
        w.commit().await?;
    } else {
        // Nothing changed: no new version, no audit entry.
        w.tx.rollback().await?;
    }
    get(desk, id).await
}

/// Updates partner `id` inside `w` to `clean` (refused when `expected_hlc` is given and the
/// row moved on); whether anything changed.
pub(crate) async fn update_in(
    w: &mut Write,
    id: &str,
    expected_hlc: Option<&str>,
    clean: &Clean,
    confirm_similar: bool,
) -> Result<bool> {
    let mut qb: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT rid, hlc, field_hlc, deleted_at, name_norm, ");
    qb.push(COLUMNS.join(", ")).push(" FROM partner WHERE id = ").push_bind(id);
    let row = qb.build().fetch_optional(&mut *w.tx).await?;
    let not_found = || Error::NotFound { entity: "partner", id: id.to_string() };
    let row = row.ok_or_else(not_found)?;
    use sqlx::Row as _;
    if row.try_get::<Option<String>, _>("deleted_at")?.is_some() {
        return Err(not_found());
    }
    let before: Vec<Option<String>> = COLUMNS.iter().map(|c| row.try_get(*c)).collect::<sqlx::Result<_>>()?;
    if expected_hlc.is_some_and(|e| row.try_get::<String, _>("hlc").is_ok_and(|h| h != e)) {
        let label = before[0].clone().unwrap_or_default();
        return Err(Error::stale(id, label));
    }
    let rid: i64 = row.try_get("rid")?;
    let field_hlc_json: String = row.try_get("field_hlc")?;
    check_channel_contact(&mut w.tx, clean).await?;
    let old_contacts = load_contacts(&mut w.tx, id).await?;
    // Look-alikes were already accepted for the identity the partner has; ask again only
    // when the name or a phone or e-mail is new.
    let identity = Identity::of(clean);
    let current = Identity::new(
        None,
        row.try_get("name_norm")?,
        old_contacts.iter().map(|k| (k.mobile.as_str(), k.email.as_str())),
    );
    let accepted = identity.adds_nothing_to(&current);
    enforce_duplicates(find_duplicates(&mut w.tx, &identity, Some(id)).await?, confirm_similar || accepted)?;

    let mut changes = Changes::new();
    let mut changed_cols = Vec::new();
    for (i, col) in COLUMNS.iter().enumerate() {
        if changes.diff(col, &before[i], &clean.values[i]) {
            changed_cols.push(i);
        }
    }
    write_contacts(w, id, &old_contacts, &clean.contacts, &mut changes).await?;
    if changes.is_empty() {
        return Ok(false);
    }
    let s = w.stamp.clone();
    let mut field_hlc: BTreeMap<String, String> = serde_json::from_str(&field_hlc_json).unwrap_or_default();
    for f in changes.fields() {
        field_hlc.insert(f.clone(), s.hlc.clone());
    }
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE partner SET ");
    for i in &changed_cols {
        qb.push(COLUMNS[*i]).push(" = ").push_bind(clean.values[*i].clone()).push(", ");
    }
    qb.push("name_norm = ").push_bind(&clean.name_norm);
    qb.push(", updated_at = ").push_bind(&s.now);
    qb.push(", updated_by = ").push_bind(&s.user.id);
    qb.push(", hlc = ").push_bind(&s.hlc);
    qb.push(", field_hlc = ").push_bind(serde_json::to_string(&field_hlc).unwrap_or_default());
    qb.push(" WHERE id = ").push_bind(id);
    qb.build().execute(&mut *w.tx).await?;
    write_tags(w, id, &clean.tags).await?;
    reindex(&mut w.tx, rid, id).await?;
    audit::record(w, "update", "partner", id, &changes).await?;
    Ok(true)
}

/// Moves partner `id` to the tombstone state (restorable with [`restore`]).
pub async fn delete(desk: &Desk, id: &str) -> Result<()> {
    desk.require(Action::PartnerDelete)?;
    set_deleted(desk, id, true).await
}

/// Brings a deleted partner back; refused if its credit code is now used by another partner.
pub async fn restore(desk: &Desk, id: &str) -> Result<Partner> {
    desk.require(Action::PartnerDelete)?;
    set_deleted(desk, id, false).await?;
    get(desk, id).await
}

async fn set_deleted(desk: &Desk, id: &str, delete: bool) -> Result<()> {
    let mut w = desk.write().await?;
    set_deleted_in(&mut w, id, delete).await?;
    w.commit().await
}

/// Tombstones (or restores) partner `id` inside `w`, keeping its search indexes in step.
pub(crate) async fn set_deleted_in(w: &mut Write, id: &str, delete: bool) -> Result<()> {
    let (rid, deleted, code, field_hlc_json): (i64, Option<String>, Option<String>, String) =
        sqlx::query_as("SELECT rid, deleted_at, credit_code, field_hlc FROM partner WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "partner", id: id.to_string() })?;
    if deleted.is_some() == delete {
        // Already in the asked state: nothing to do, nothing to record.
        return Ok(());
    }
    if !delete && let Some(code) = code {
        let hit: Option<(String, String)> =
            sqlx::query_as(DUP_BY_CODE).bind(&code).bind(id).fetch_optional(&mut *w.tx).await?;
        if let Some((oid, label)) = hit {
            return Err(Error::Conflict {
                kind: "duplicate",
                with: vec![ConflictRef { id: oid, label, reason: "credit_code".into() }],
            });
        }
    }
    let s = w.stamp.clone();
    let mut field_hlc: BTreeMap<String, String> = serde_json::from_str(&field_hlc_json).unwrap_or_default();
    field_hlc.insert("deleted_at".into(), s.hlc.clone());
    let new_deleted = if delete { Some(s.now.clone()) } else { None };
    sqlx::query(
        "UPDATE partner SET deleted_at = ?, updated_at = ?, updated_by = ?, hlc = ?, field_hlc = ? WHERE id = ?",
    )
    .bind(&new_deleted)
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .bind(serde_json::to_string(&field_hlc).unwrap_or_default())
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    if delete {
        unindex(&mut w.tx, rid, id).await?;
    } else {
        let tags: String = sqlx::query_scalar("SELECT tags FROM partner WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *w.tx)
            .await?;
        let tags: Vec<String> = serde_json::from_str(&tags).unwrap_or_default();
        write_tags(w, id, &tags).await?;
        reindex(&mut w.tx, rid, id).await?;
    }
    let mut ch = Changes::new();
    ch.diff("deleted_at", &deleted, &new_deleted);
    audit::record(w, if delete { "delete" } else { "restore" }, "partner", id, &ch).await
}

async fn load_contacts(conn: &mut SqliteConnection, partner_id: &str) -> Result<Vec<Contact>> {
    Ok(sqlx::query_as(
        "SELECT id, name, title, mobile, email, wechat, is_primary FROM partner_contact
         WHERE partner_id = ? AND deleted_at IS NULL ORDER BY position, id",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Brings the partner's contacts from `old` to `new`: matching ids are updated, new ones
/// inserted, missing ones tombstoned. Records a `contacts` change when anything differs.
async fn write_contacts(
    w: &mut Write,
    partner_id: &str,
    old: &[Contact],
    new: &[CleanContact],
    changes: &mut Changes,
) -> Result<()> {
    let s = w.stamp.clone();
    let mut kept = HashSet::new();
    let mut added = Vec::new();
    let mut any = false;
    for (pos, k) in new.iter().enumerate() {
        let existing = k.id.as_deref().and_then(|id| old.iter().find(|o| o.id == id));
        match existing {
            Some(o) => {
                kept.insert(o.id.clone());
                let old_pos = old.iter().position(|x| x.id == o.id).unwrap_or(pos);
                let same = o.name == k.name
                    && o.title == k.title
                    && o.mobile == k.mobile
                    && o.email == k.email
                    && o.wechat == k.wechat
                    && o.is_primary == k.is_primary;
                if same && old_pos == pos {
                    continue;
                }
                any = true;
                sqlx::query(
                    "UPDATE partner_contact SET name = ?, title = ?, mobile = ?, mobile_norm = ?, email = ?,
                     wechat = ?, is_primary = ?, position = ?, updated_at = ?, updated_by = ?, hlc = ?,
                     field_hlc = json_object('*', hlc) WHERE id = ?",
                )
                .bind(&k.name)
                .bind(&k.title)
                .bind(&k.mobile)
                .bind(validate::phone_digits(&k.mobile))
                .bind(&k.email)
                .bind(&k.wechat)
                .bind(k.is_primary)
                .bind(pos as i64)
                .bind(&s.now)
                .bind(&s.user.id)
                .bind(&s.hlc)
                .bind(&o.id)
                .execute(&mut *w.tx)
                .await?;
            }
            None => {
                any = true;
                added.push((partner_id, pos, k));
            }
        }
    }
    insert_contacts(w, &added).await?;
    for o in old.iter().filter(|o| !kept.contains(&o.id)) {
        any = true;
        sqlx::query(
            "UPDATE partner_contact SET deleted_at = ?, updated_at = ?, updated_by = ?, hlc = ?,
             field_hlc = json_object('*', hlc) WHERE id = ?",
        )
        .bind(&s.now)
        .bind(&s.now)
        .bind(&s.user.id)
        .bind(&s.hlc)
        .bind(&o.id)
        .execute(&mut *w.tx)
        .await?;
    }
    if any {
        let before: Vec<String> = old.iter().map(|c| contact_summary(c.texts())).collect();
        let after: Vec<String> = new.iter().map(|k| contact_summary(k.texts())).collect();
        if old.is_empty() {
            changes.set("contacts", &after);
        } else {
            changes.diff("contacts", &before, &after);
        }
    }
    Ok(())
}

fn contact_summary(c: ContactText<'_>) -> String {
    [c.name, c.title, c.mobile, c.email, c.wechat]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" / ")
}

async fn write_tags(w: &mut Write, partner_id: &str, tags: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM partner_tag WHERE partner_id = ?").bind(partner_id).execute(&mut *w.tx).await?;
    let rows: Vec<(&str, &str)> = tags.iter().map(|t| (t.as_str(), partner_id)).collect();
    insert_tags(w, &rows).await
}

/// Rebuilds the local, derived data (tag rows, search entries) of partners `ids` from their
/// stored rows, after changes that arrived in a bundle; set-based, for thousands at once.
/// `fresh` are partners just inserted (nothing of theirs to remove first).
pub(crate) async fn refresh_local(
    conn: &mut SqliteConnection,
    ids: &[String],
    fresh: &HashSet<String>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query("CREATE TEMP TABLE IF NOT EXISTS refresh_ids (id TEXT PRIMARY KEY)")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM temp.refresh_ids").execute(&mut *conn).await?;
    let insert_ids = |part: &[&String]| {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT OR IGNORE INTO temp.refresh_ids (id) ");
        qb.push_values(part.iter(), |mut b, id| {
            b.push_bind(id.to_string());
        });
        qb
    };
    let changed: Vec<&String> = ids.iter().filter(|id| !fresh.contains(*id)).collect();
    for part in changed.chunks(ROWS_PER_STATEMENT * 4) {
        insert_ids(part).build().execute(&mut *conn).await?;
    }
    const RIDS: &str = "(SELECT rid FROM partner WHERE id IN (SELECT id FROM temp.refresh_ids))";
    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM partner_fts WHERE rowid IN {RIDS}")))
        .execute(&mut *conn)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM partner_gram WHERE partner_rid IN {RIDS}")))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM partner_tag WHERE partner_id IN (SELECT id FROM temp.refresh_ids)")
        .execute(&mut *conn)
        .await?;
    let new: Vec<&String> = ids.iter().filter(|id| fresh.contains(*id)).collect();
    for part in new.chunks(ROWS_PER_STATEMENT * 4) {
        insert_ids(part).build().execute(&mut *conn).await?;
    }
    // Read as two JSON values: thousands of rows handed over one by one cost more.
    #[derive(Deserialize)]
    struct Live {
        rid: i64,
        id: String,
        #[serde(flatten)]
        src: IndexSource,
    }
    let live: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_object('rid', rid, 'id', id, 'name', name, 'short_name', short_name,
                'credit_code', credit_code, 'legal_rep', legal_rep, 'address', address, 'province', province,
                'city', city, 'industry', industry, 'business_scope', business_scope, 'website', website,
                'source_detail', source_detail, 'tags', tags, 'notes', notes))
           FROM partner WHERE id IN (SELECT id FROM temp.refresh_ids) AND deleted_at IS NULL",
    )
    .fetch_one(&mut *conn)
    .await?;
    let live: Vec<Live> =
        serde_json::from_str(live.as_deref().unwrap_or("[]")).map_err(|e| Error::Storage(e.to_string()))?;
    #[derive(Deserialize)]
    struct Owned {
        partner_id: String,
        name: String,
        title: String,
        mobile: String,
        email: String,
        wechat: String,
    }
    let contacts: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_object('partner_id', partner_id, 'name', name, 'title', title, 'mobile', mobile,
                'email', email, 'wechat', wechat))
           FROM (SELECT * FROM partner_contact WHERE partner_id IN (SELECT id FROM temp.refresh_ids)
                    AND deleted_at IS NULL ORDER BY partner_id, position, id)",
    )
    .fetch_one(&mut *conn)
    .await?;
    let contacts: Vec<Owned> = serde_json::from_str(contacts.as_deref().unwrap_or("[]"))
        .map_err(|e| Error::Storage(e.to_string()))?;
    let mut by_partner: std::collections::HashMap<&str, Vec<ContactText<'_>>> =
        std::collections::HashMap::new();
    for c in &contacts {
        by_partner.entry(c.partner_id.as_str()).or_default().push(ContactText {
            name: &c.name,
            title: &c.title,
            mobile: &c.mobile,
            email: &c.email,
            wechat: &c.wechat,
        });
    }
    let mut entries = Vec::with_capacity(live.len());
    let mut tag_rows: Vec<(String, &str)> = Vec::new();
    for p in &live {
        let cs = by_partner.get(p.id.as_str()).map(Vec::as_slice).unwrap_or_default();
        let (body, grams) = index_entry(&p.src, cs.iter().copied());
        entries.push((p.rid, body, grams));
        let tags: Vec<String> = serde_json::from_str(&p.src.tags).unwrap_or_default();
        tag_rows.extend(tags.into_iter().map(|t| (t, p.id.as_str())));
    }
    for part in tag_rows.chunks(ROWS_PER_STATEMENT * 4) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT OR IGNORE INTO partner_tag (tag, partner_id) ");
        qb.push_values(part, |mut b, (t, id)| {
            b.push_bind(t.as_str()).push_bind(*id);
        });
        qb.build().execute(&mut *conn).await?;
    }
    write_index(conn, &entries, true).await
}

/// Re-indexes every partner, in one transaction, when the file's entries are older than
/// [`search::INDEX_VERSION`] (a file made by an earlier version of the program); then records
/// the version in `PRAGMA user_version`, so this runs once per file.
pub(crate) async fn upgrade_index(pool: &sqlx::SqlitePool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut *conn).await?;
    if version >= search::INDEX_VERSION {
        return Ok(());
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query("INSERT INTO partner_fts (partner_fts) VALUES ('delete-all')").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM partner_gram").execute(&mut *tx).await?;
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM partner WHERE deleted_at IS NULL").fetch_all(&mut *tx).await?;
    let fresh: HashSet<String> = ids.iter().cloned().collect();
    refresh_local(&mut tx, &ids, &fresh).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA user_version = {}", search::INDEX_VERSION)))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn unindex(conn: &mut SqliteConnection, rid: i64, id: &str) -> Result<()> {
    delete_index(conn, rid).await?;
    sqlx::query("DELETE FROM partner_tag WHERE partner_id = ?").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Removes one partner's search entries.
async fn delete_index(conn: &mut SqliteConnection, rid: i64) -> Result<()> {
    sqlx::query("DELETE FROM partner_fts WHERE rowid = ?").bind(rid).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM partner_gram WHERE partner_rid = ?").bind(rid).execute(&mut *conn).await?;
    Ok(())
}

/// The stored fields a partner's search entries are made of.
#[derive(sqlx::FromRow, Deserialize)]
struct IndexSource {
    name: String,
    short_name: String,
    credit_code: Option<String>,
    legal_rep: String,
    address: String,
    province: String,
    city: String,
    industry: String,
    business_scope: String,
    website: String,
    source_detail: String,
    tags: String,
    notes: String,
}

/// The searchable stored fields of partner `id`.
async fn index_source(conn: &mut SqliteConnection, id: &str) -> Result<IndexSource> {
    Ok(sqlx::query_as(
        "SELECT name, short_name, credit_code, legal_rep, address, province, city, industry,
                business_scope, website, source_detail, tags, notes FROM partner WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Rewrites the search index entries of one partner from its stored row and contacts.
async fn reindex(conn: &mut SqliteConnection, rid: i64, id: &str) -> Result<()> {
    let r = index_source(conn, id).await?;
    let contacts = load_contacts(conn, id).await?;
    let (body, grams) = index_entry(&r, contacts.iter().map(Contact::texts));
    write_index(conn, &[(rid, body, grams)], false).await
}

/// A contact's searchable texts.
#[derive(Clone, Copy)]
struct ContactText<'a> {
    name: &'a str,
    title: &'a str,
    mobile: &'a str,
    email: &'a str,
    wechat: &'a str,
}

impl Contact {
    fn texts(&self) -> ContactText<'_> {
        ContactText {
            name: &self.name,
            title: &self.title,
            mobile: &self.mobile,
            email: &self.email,
            wechat: &self.wechat,
        }
    }
}

impl CleanContact {
    fn texts(&self) -> ContactText<'_> {
        ContactText {
            name: &self.name,
            title: &self.title,
            mobile: &self.mobile,
            email: &self.email,
            wechat: &self.wechat,
        }
    }
}

impl IndexSource {
    fn from_clean(c: &Clean) -> IndexSource {
        let get = |col: &str| c.get(col).unwrap_or_default().to_string();
        IndexSource {
            name: get("name"),
            short_name: get("short_name"),
            credit_code: c.get("credit_code").map(String::from),
            legal_rep: get("legal_rep"),
            address: get("address"),
            province: get("province"),
            city: get("city"),
            industry: get("industry"),
            business_scope: get("business_scope"),
            website: get("website"),
            source_detail: get("source_detail"),
            tags: get("tags"),
            notes: get("notes"),
        }
    }
}

/// A partner's search entries: the folded FTS body and the two-character grams of its names,
/// each with its pinyin.
fn index_entry<'a>(
    r: &IndexSource,
    contacts: impl Iterator<Item = ContactText<'a>>,
) -> (String, BTreeSet<String>) {
    let tags: Vec<String> = serde_json::from_str(&r.tags).unwrap_or_default();
    let province = reference::province(&r.province).map(|p| format!("{} {}", p.zh, p.en)).unwrap_or_default();
    let tag_text = tags.join(" ");
    let mut body: Vec<String> = vec![];
    let mut gram_src: Vec<String> =
        vec![r.name.clone(), r.short_name.clone(), r.legal_rep.clone(), r.city.clone()];
    gram_src.extend(tags);
    for part in [
        &r.name,
        &r.short_name,
        r.credit_code.as_deref().unwrap_or_default(),
        &r.legal_rep,
        &r.address,
        &province,
        &r.city,
        &r.industry,
        &r.business_scope,
        &r.website,
        &r.source_detail,
        &tag_text,
        &r.notes,
    ] {
        body.push(part.to_string());
    }
    // Pinyin of the names (issue 25): full readings in the body (3+ letters), the initials of
    // the company's names also as grams, so "gz" finds 广州… as "广州" does.
    for name in [&r.name, &r.short_name, &r.legal_rep] {
        let (full, initials) = search::pinyin_keys(name);
        body.push(full);
        body.push(initials.clone());
        if name != &r.legal_rep {
            gram_src.push(initials);
        }
    }
    for k in contacts {
        body.extend(
            [k.name, k.title, k.mobile, &validate::phone_digits(k.mobile), k.email, k.wechat]
                .map(String::from),
        );
        let (full, initials) = search::pinyin_keys(k.name);
        body.push(full);
        body.push(initials);
        gram_src.push(k.name.to_string());
    }
    (validate::fold(&body.join("\n")), search::grams(gram_src.iter().map(String::as_str)))
}

/// Writes search entries `(rid, body, grams)`. `fresh` rows have none yet, so nothing is
/// deleted first (a delete on a contentless FTS table records a tombstone even for a rowid
/// it never had).
async fn write_index(
    conn: &mut SqliteConnection,
    entries: &[(i64, String, BTreeSet<String>)],
    fresh: bool,
) -> Result<()> {
    if !fresh {
        for (rid, _, _) in entries {
            delete_index(conn, *rid).await?;
        }
    }
    for part in entries.chunks(ROWS_PER_STATEMENT) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO partner_fts (rowid, body) ");
        qb.push_values(part, |mut b, (rid, body, _)| {
            b.push_bind(*rid).push_bind(body.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    let grams: Vec<(&str, i64)> =
        entries.iter().flat_map(|(rid, _, g)| g.iter().map(move |x| (x.as_str(), *rid))).collect();
    for part in grams.chunks(ROWS_PER_STATEMENT * 5) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT OR IGNORE INTO partner_gram (gram, partner_rid) ");
        qb.push_values(part, |mut b, (g, rid)| {
            b.push_bind(*g).push_bind(*rid);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PartnerDb {
    id: String,
    name: String,
    short_name: String,
    credit_code: Option<String>,
    legal_rep: String,
    address: String,
    province: String,
    city: String,
    industry: String,
    business_scope: String,
    website: String,
    source_kind: String,
    source_detail: String,
    status: PartnerStatus,
    class: Option<String>,
    channel_contact_id: Option<String>,
    channel_contact_name: Option<String>,
    tags: String,
    notes: String,
    created_at: String,
    updated_at: String,
    updated_by_name: Option<String>,
    hlc: String,
    deleted_at: Option<String>,
}

/// One partner with its contacts (deleted ones too, so that undo can show them).
pub async fn get(desk: &Desk, id: &str) -> Result<Partner> {
    let me = desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let mut p = load(&mut conn, id).await?;
    p.actions = crate::machines::PARTNER.offers(&me.roles, p.status);
    Ok(p)
}

/// Reads partner `id` (live or not) on `conn`, e.g. inside a write.
pub(crate) async fn load(conn: &mut SqliteConnection, id: &str) -> Result<Partner> {
    let p: PartnerDb = sqlx::query_as(
        "SELECT p.id, p.name, p.short_name, p.credit_code, p.legal_rep, p.address, p.province, p.city,
                p.industry, p.business_scope, p.website, p.source_kind, p.source_detail, p.status, p.class,
                p.channel_contact_id, cu.display_name AS channel_contact_name, p.tags, p.notes,
                p.created_at, p.updated_at, uu.display_name AS updated_by_name, p.hlc, p.deleted_at
         FROM partner p
         LEFT JOIN app_user cu ON cu.id = p.channel_contact_id
         LEFT JOIN app_user uu ON uu.id = p.updated_by
         WHERE p.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "partner", id: id.to_string() })?;
    let contacts = load_contacts(&mut *conn, id).await?;
    Ok(Partner {
        id: p.id,
        name: p.name,
        short_name: p.short_name,
        credit_code: p.credit_code,
        legal_rep: p.legal_rep,
        address: p.address,
        province: p.province,
        city: p.city,
        industry: p.industry,
        business_scope: p.business_scope,
        website: p.website,
        source_kind: p.source_kind,
        source_detail: p.source_detail,
        status: p.status,
        actions: Vec::new(),
        class: p.class,
        channel_contact_id: p.channel_contact_id,
        channel_contact_name: p.channel_contact_name,
        tags: serde_json::from_str(&p.tags).unwrap_or_default(),
        notes: p.notes,
        contacts,
        created_at: p.created_at,
        updated_at: p.updated_at,
        updated_by_name: p.updated_by_name.unwrap_or_default(),
        hlc: p.hlc,
        deleted_at: p.deleted_at,
    })
}

/// `FROM …` of the list: with search terms, the matching rows come first (the FTS matches, or
/// else the first gram term's) and are joined to `partner` by rowid, so the planner never walks
/// a whole sort index looking for them. Returns the index of the gram term used there.
fn push_from(qb: &mut QueryBuilder<Sqlite>, terms: &[Term]) -> Option<usize> {
    let tri: Vec<&str> =
        terms.iter().filter_map(|t| if let Term::Trigram(s) = t { Some(s.as_str()) } else { None }).collect();
    qb.push(" FROM ");
    if !tri.is_empty() {
        qb.push("(SELECT rowid AS rid FROM partner_fts WHERE partner_fts MATCH ")
            .push_bind(tri.join(" AND "))
            .push(") AS hit CROSS JOIN partner p ON p.rid = hit.rid");
        return None;
    }
    match terms.iter().position(|t| !matches!(t, Term::Trigram(_))) {
        Some(i) => {
            qb.push("(SELECT DISTINCT partner_rid AS rid FROM partner_gram WHERE ");
            push_gram_condition(qb, &terms[i]);
            qb.push(") AS hit CROSS JOIN partner p ON p.rid = hit.rid");
            Some(i)
        }
        None => {
            qb.push("partner p");
            None
        }
    }
}

fn push_gram_condition(qb: &mut QueryBuilder<Sqlite>, term: &Term) {
    match term {
        Term::Gram(g) => {
            qb.push("gram = ").push_bind(g.clone());
        }
        Term::GramRange(lo, hi) => {
            qb.push("gram >= ").push_bind(lo.clone()).push(" AND gram < ").push_bind(hi.clone());
        }
        Term::Trigram(_) => {}
    }
}

/// `WHERE …` of the list: filters, and the gram terms not already in `FROM` (`skip`).
fn push_filters(
    qb: &mut QueryBuilder<Sqlite>,
    q: &ListQuery,
    terms: &[Term],
    skip: Option<usize>,
) -> Result<()> {
    qb.push(" WHERE p.deleted_at IS NULL");
    if !q.status.is_empty() {
        if PartnerStatus::parse(&q.status).is_none() {
            return Err(Error::field("status", "unknown"));
        }
        qb.push(" AND p.status = ").push_bind(q.status.clone());
    }
    match q.class.as_str() {
        "" => {}
        "none" => {
            qb.push(" AND p.class IS NULL");
        }
        "A" | "B" | "C" => {
            qb.push(" AND p.class = ").push_bind(q.class.clone());
        }
        _ => return Err(Error::field("class", "unknown")),
    }
    if !q.province.is_empty() {
        if reference::province(&q.province).is_none() {
            return Err(Error::field("province", "unknown"));
        }
        qb.push(" AND p.province = ").push_bind(q.province.clone());
    }
    if !q.source_kind.is_empty() {
        if SourceKind::parse(&q.source_kind).is_none() {
            return Err(Error::field("source_kind", "unknown"));
        }
        qb.push(" AND p.source_kind = ").push_bind(q.source_kind.clone());
    }
    if !q.tag.is_empty() {
        qb.push(" AND p.id IN (SELECT partner_id FROM partner_tag WHERE tag = ")
            .push_bind(q.tag.clone())
            .push(")");
    }
    if q.no_channel_contact {
        qb.push(" AND p.channel_contact_id IS NULL");
    }
    if !q.channel_contact_id.is_empty() {
        qb.push(" AND p.channel_contact_id = ").push_bind(q.channel_contact_id.clone());
    }
    for (i, t) in terms.iter().enumerate() {
        if Some(i) == skip || matches!(t, Term::Trigram(_)) {
            continue;
        }
        qb.push(" AND p.rid IN (SELECT partner_rid FROM partner_gram WHERE ");
        push_gram_condition(qb, t);
        qb.push(")");
    }
    Ok(())
}

/// A page of live partners matching `q`.
pub async fn list(desk: &Desk, q: &ListQuery) -> Result<ListPage> {
    desk.require(Action::PartnerRead)?;
    if q.q.chars().count() > 200 {
        return Err(Error::Validation(vec![crate::error::FieldError::with_limit("q", "too_long", 200)]));
    }
    let terms = search::parse_query(&q.q);
    let sort_col = match q.sort.as_str() {
        "" | "name" => "p.name",
        "updated_at" => "p.updated_at",
        "created_at" => "p.created_at",
        "province" => "p.province",
        "status" => "p.status",
        "class" => "p.class",
        _ => return Err(Error::field("sort", "unknown")),
    };
    let limit = if q.limit == 0 { 50 } else { q.limit.min(200) };
    let mut conn = desk.pool().acquire().await?;
    let searching = !terms.is_empty();

    // Searches stop counting past the cap.
    let mut cq: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT count(*) FROM (SELECT 1");
    let skip = push_from(&mut cq, &terms);
    push_filters(&mut cq, q, &terms, skip)?;
    if searching {
        cq.push(" LIMIT ").push_bind(SEARCH_COUNT_CAP + 1);
    }
    cq.push(")");
    let total: i64 = cq.build_query_scalar().fetch_one(&mut *conn).await?;
    // The page is chosen on (sort key, rid) alone; the display columns, contact subqueries
    // included, are computed for its rows only, not for every match.
    let dir = if q.desc { "DESC" } else { "ASC" };
    // rid breaks ties: index entries are ordered by it, so a sort index serves the whole ORDER BY.
    let order = format!(" ORDER BY {sort_col} {dir}, p.rid {dir}");
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT p.id, p.name, p.short_name, p.credit_code, p.province, p.city, p.status, p.class,
                p.source_kind, u.display_name AS channel_contact_name,
                (SELECT c.name FROM partner_contact c WHERE c.partner_id = p.id AND c.deleted_at IS NULL
                  ORDER BY c.is_primary DESC, c.position LIMIT 1) AS primary_contact,
                (SELECT c.mobile FROM partner_contact c WHERE c.partner_id = p.id AND c.deleted_at IS NULL
                  ORDER BY c.is_primary DESC, c.position LIMIT 1) AS primary_mobile,
                p.tags, p.updated_at
         FROM (SELECT p.rid AS page_rid",
    );
    let skip = push_from(&mut qb, &terms);
    push_filters(&mut qb, q, &terms, skip)?;
    qb.push(&order).push(" LIMIT ").push_bind(limit as i64).push(" OFFSET ").push_bind(q.offset as i64);
    qb.push(
        ") AS page CROSS JOIN partner p ON p.rid = page.page_rid
         LEFT JOIN app_user u ON u.id = p.channel_contact_id",
    );
    qb.push(&order);
    let mut rows: Vec<PartnerRow> = qb.build_query_as().fetch_all(&mut *conn).await?;

    if searching {
        let folded = search::folded_terms(&q.q);
        for r in rows.iter_mut() {
            r.hint = hint_for(&mut conn, r, &folded).await?;
        }
    }
    Ok(ListPage { total, total_capped: searching && total > SEARCH_COUNT_CAP, rows })
}

/// Where the search terms matched when none of the listed columns shows it.
async fn hint_for(
    conn: &mut SqliteConnection,
    r: &PartnerRow,
    terms: &[String],
) -> Result<Option<SearchHint>> {
    let shown = [
        r.name.as_str(),
        &r.short_name,
        r.credit_code.as_deref().unwrap_or(""),
        r.city.as_str(),
        r.primary_contact.as_deref().unwrap_or(""),
        r.primary_mobile.as_deref().unwrap_or(""),
    ];
    let shown_folded = validate::fold(&shown.join("\n"));
    if terms.iter().all(|t| shown_folded.contains(t.as_str())) {
        return Ok(None);
    }
    let src = index_source(conn, &r.id).await?;
    let mut fields: Vec<(String, String)> = vec![
        ("legal_rep".into(), src.legal_rep),
        ("address".into(), src.address),
        ("industry".into(), src.industry),
        ("business_scope".into(), src.business_scope),
        ("website".into(), src.website),
        ("source_detail".into(), src.source_detail),
    ];
    for k in load_contacts(conn, &r.id).await? {
        fields.push(("contacts.name".into(), k.name));
        fields.push(("contacts.mobile".into(), k.mobile));
        fields.push(("contacts.email".into(), k.email));
        fields.push(("contacts.wechat".into(), k.wechat));
    }
    fields.push(("notes".into(), src.notes));
    let missing: Vec<String> = terms.iter().filter(|t| !shown_folded.contains(t.as_str())).cloned().collect();
    for (field, text) in fields {
        if let Some(excerpt) = search::excerpt(&text, &missing, 40) {
            return Ok(Some(SearchHint { field, excerpt }));
        }
    }
    Ok(None)
}

/// The partner columns other areas set directly (each with its own audit operation).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Column {
    Class,
    MergedInto,
}

/// Sets one column of partner `id` inside `w`, with its field clock and an audit entry
/// named `operation`; nothing is written when the value is unchanged.
pub(crate) async fn set_column(
    w: &mut Write,
    id: &str,
    column: Column,
    value: Option<&str>,
    operation: &str,
) -> Result<()> {
    let col = match column {
        Column::Class => "class",
        Column::MergedInto => "merged_into",
    };
    let before: Option<String> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {col} FROM partner WHERE id = ?")))
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| Error::NotFound { entity: "partner", id: id.to_string() })?;
    let after = value.map(String::from);
    let mut ch = Changes::new();
    if !ch.diff(col, &before, &after) {
        return Ok(());
    }
    let s = w.stamp.clone();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE partner SET {col} = ?, updated_at = ?, updated_by = ?, hlc = ?,
         field_hlc = json_set(field_hlc, '$.{col}', ?) WHERE id = ?"
    )))
    .bind(&after)
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .bind(&s.hlc)
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    audit::record(w, operation, "partner", id, &ch).await
}

/// How many live partners are in one status.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct StatusCount {
    pub status: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// Live partners per status, in the order of [`PartnerStatus::ALL`] (statuses with none left out).
pub async fn status_counts(desk: &Desk) -> Result<Vec<StatusCount>> {
    desk.require(Action::PartnerRead)?;
    let mut rows: Vec<StatusCount> = sqlx::query_as(
        "SELECT status, count(*) AS count FROM partner WHERE deleted_at IS NULL GROUP BY status",
    )
    .fetch_all(desk.pool())
    .await?;
    rows.sort_by_key(|r| PartnerStatus::ALL.iter().position(|s| s.as_str() == r.status));
    Ok(rows)
}

/// All tags in use on live partners, most used first.
pub async fn tags(desk: &Desk) -> Result<Vec<String>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_scalar(
        "SELECT t.tag FROM partner_tag t JOIN partner p ON p.id = t.partner_id WHERE p.deleted_at IS NULL
         GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 200",
    )
    .fetch_all(desk.pool())
    .await?)
}

impl Partner {
    /// The form input that stands for this partner (contacts keep their ids).
    pub fn to_input(&self) -> PartnerInput {
        PartnerInput {
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            credit_code: self.credit_code.clone().unwrap_or_default(),
            legal_rep: self.legal_rep.clone(),
            address: self.address.clone(),
            province: self.province.clone(),
            city: self.city.clone(),
            industry: self.industry.clone(),
            business_scope: self.business_scope.clone(),
            website: self.website.clone(),
            source_kind: self.source_kind.clone(),
            source_detail: self.source_detail.clone(),
            channel_contact_id: self.channel_contact_id.clone(),
            tags: self.tags.clone(),
            notes: self.notes.clone(),
            contacts: self
                .contacts
                .iter()
                .map(|k| ContactInput {
                    id: Some(k.id.clone()),
                    name: k.name.clone(),
                    title: k.title.clone(),
                    mobile: k.mobile.clone(),
                    email: k.email.clone(),
                    wechat: k.wechat.clone(),
                    is_primary: k.is_primary,
                })
                .collect(),
        }
    }
}

/// Merges live partner `other` into live partner `keep` inside `w` (the same company entered
/// twice): `keep`'s empty fields take `other`'s values, tags are joined, notes appended,
/// contacts `keep` lacks (by phone, e-mail or name) are added; `other` is tombstoned with
/// `merged_into = keep`. Refused when both carry different credit codes.
pub(crate) async fn merge_in(w: &mut Write, keep: &str, other: &str) -> Result<()> {
    if keep == other {
        return Err(Error::field("other_id", "same_record"));
    }
    let a = load(&mut w.tx, keep).await?;
    let b = load(&mut w.tx, other).await?;
    for (p, field) in [(&a, "keep_id"), (&b, "other_id")] {
        if p.deleted_at.is_some() {
            return Err(Error::field(field, "deleted"));
        }
    }
    if let (Some(x), Some(y)) = (&a.credit_code, &b.credit_code)
        && x != y
    {
        return Err(Error::field("credit_code", "different"));
    }
    let mut input = a.to_input();
    let from = b.to_input();
    let fill = |mine: &mut String, theirs: &String| {
        if mine.trim().is_empty() {
            mine.clone_from(theirs);
        }
    };
    fill(&mut input.short_name, &from.short_name);
    fill(&mut input.credit_code, &from.credit_code);
    fill(&mut input.legal_rep, &from.legal_rep);
    fill(&mut input.address, &from.address);
    fill(&mut input.province, &from.province);
    fill(&mut input.city, &from.city);
    fill(&mut input.industry, &from.industry);
    fill(&mut input.business_scope, &from.business_scope);
    fill(&mut input.website, &from.website);
    fill(&mut input.source_detail, &from.source_detail);
    if input.channel_contact_id.is_none() {
        input.channel_contact_id.clone_from(&from.channel_contact_id);
    }
    for t in &from.tags {
        if !input.tags.contains(t) {
            input.tags.push(t.clone());
        }
    }
    input.tags.truncate(MAX_TAGS);
    if !from.notes.trim().is_empty() && !input.notes.contains(from.notes.trim()) {
        input.notes = if input.notes.trim().is_empty() {
            from.notes.clone()
        } else {
            format!("{}\n\n{}", input.notes, from.notes)
        };
    }
    for k in from.contacts {
        if !k.already_in(&input.contacts) && input.contacts.len() < MAX_CONTACTS {
            input.contacts.push(ContactInput { id: None, is_primary: false, ..k });
        }
    }
    let clean = check_input(&input)?;
    // The other record leaves first, so its credit code is free for the one kept.
    set_deleted_in(w, other, true).await?;
    set_column(w, other, Column::MergedInto, Some(keep), "merged_into").await?;
    update_in(w, keep, None, &clean, true).await?;
    let mut ch = Changes::new();
    ch.set("merged", &other);
    audit::record(w, "merge", "partner", keep, &ch).await
}

/// Suspends (`suspend`) or resumes (`resume`) partner `id`'s cooperation with a reason: a
/// manager's decision (R6.2.2); a suspended partner's orders are held and cannot be confirmed.
pub async fn change_standing(desk: &Desk, id: &str, action: &str, reason: &str) -> Result<Partner> {
    desk.require(Action::CooperationSuspend)?;
    let mut c = Checker::new();
    let reason = c.text("reason", reason, true, 2000, true);
    c.finish()?;
    if !matches!(action, "suspend" | "resume") {
        return Err(Error::field("action", "unknown"));
    }
    let mut w = desk.write().await?;
    set_standing(&mut w, id, action, &reason, "standing").await?;
    w.commit().await?;
    get(desk, id).await
}

/// Takes the partner machine's `suspend` or `resume` step on `id` inside `w`, audited as
/// `operation` with the reason (the credit responses use it too).
pub(crate) async fn set_standing(
    w: &mut Write,
    id: &str,
    action: &str,
    reason: &str,
    operation: &str,
) -> Result<()> {
    let moved = crate::machines::PARTNER.take(w, id, action, Some(("reason", reason))).await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("reason", &reason);
    audit::record(w, operation, "partner", id, &ch).await
}

/// A partner of an existing base brought in by an administrator's migration import.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct MigrationRow {
    pub partner: PartnerInput,
    /// `A`, `B`, `C` or empty.
    pub class: String,
}

/// Imports an existing partner base as active partners with their class and channel contact,
/// in one transaction audited as a migration: the only way to an active partner without an
/// agreement, and the administrator's alone. Rows are checked as [`create_many`] checks them.
pub async fn migrate(desk: &Desk, rows: &[MigrationRow]) -> Result<Vec<String>> {
    desk.require(Action::PartnerMigrate)?;
    let classes: Vec<String> = rows.iter().map(|r| r.class.trim().to_uppercase()).collect();
    let mut errors: Vec<crate::error::FieldError> = classes
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty() && !["A", "B", "C"].contains(&c.as_str()))
        .map(|(i, _)| crate::error::FieldError::new(format!("rows.{i}.class"), "unknown"))
        .collect();
    let (checked, row_errors) = check_rows(rows.iter().map(|r| &r.partner))?;
    errors.extend(row_errors);
    let cleans: Vec<Clean> = checked
        .into_iter()
        .map(|(i, mut c)| {
            c.start = PartnerStatus::Active;
            c.class = Some(classes[i].clone()).filter(|c| !c.is_empty());
            c
        })
        .collect();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut w = desk.write().await?;
    check_batch_against_register(&mut w.tx, &cleans).await?;
    let refs: Vec<&Clean> = cleans.iter().collect();
    let ids = insert_batch(&mut w, &refs).await?;
    w.commit().await?;
    Ok(ids)
}

/// Makes partner `id` active because agreement `number` was signed (the partner machine's
/// `sign` step, caused by the signing; R2.1.4, R3.1.3). Nothing happens to a partner that is
/// already active or suspended (a renewal or a second agreement).
pub(crate) async fn activate(w: &mut Write, id: &str, number: &str) -> Result<()> {
    let machine = &crate::machines::PARTNER;
    if !matches!(machine.state(&mut w.tx, id).await?, PartnerStatus::Prospect | PartnerStatus::Terminated) {
        return Ok(());
    }
    let moved = machine.cause(w, id, "sign").await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("agreement", &number);
    audit::record(w, "activate", "partner", id, &ch).await
}

/// Ends partner `id` when agreement `number` ended, was terminated or closed and no other
/// master agreement of it is still signed (the partner machine's caused `end` step, R3.3).
pub(crate) async fn end_if_last(w: &mut Write, id: &str, number: &str) -> Result<()> {
    let machine = &crate::machines::PARTNER;
    if !matches!(machine.state(&mut w.tx, id).await?, PartnerStatus::Active | PartnerStatus::Suspended) {
        return Ok(());
    }
    let in_effect: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM agreement WHERE partner_id = ? AND kind <> 'amendment' AND status = 'signed'
            AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_one(&mut *w.tx)
    .await?;
    if in_effect > 0 {
        return Ok(());
    }
    let moved = machine.cause(w, id, "end").await?;
    let mut ch = Changes::new();
    moved.note("status", &mut ch);
    ch.set("agreement", &number);
    audit::record(w, "end", "partner", id, &ch).await
}
