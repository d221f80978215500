//! Agreements (R3.1.1–R3.3.2): drafting from a template, immutable versions with their
//! fingerprint, legal and business review of an exact version, and the agreement as read by
//! the screens. Signing, copies and verification are in [`signing`]; execution, ending and
//! renewal in [`lifecycle`]; the clause library in [`library`]; version differences in
//! [`diff`]; the printed document in [`pdf`].
//!
//! Invariants:
//! - A version is never changed: saving different content writes version n+1. Its fingerprint
//!   is the SHA-256 of the canonical content (number, version number, variables, clauses).
//! - An agreement goes to review only with every variable its clauses use filled and, unless it
//!   is an amendment, every core clause category of R3.1.1 present.
//! - A review decision names the fingerprint it was made on; an agreement is `approved` only
//!   while both the legal and the business approval of its current version stand. Saving a
//!   new version sends it back to drafting (the approvals of the old version no longer count).
//! - Only the legal role reviews for legal, only the business role for the business side.

pub mod counterparts;
pub mod diff;
pub mod library;
pub mod lifecycle;
pub mod paper;
pub mod pdf;
pub mod signing;

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, Write, new_id};
use crate::error::{Error, FieldError, Result};
use crate::machines::AGREEMENT;
pub use crate::machines::AgreementStatus;
use crate::paging::Page;
use crate::records::insert as insert_row;
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use std::collections::BTreeMap;
use ts_rs::TS;

/// Agreement types with templates.
pub const KINDS: [&str; 4] = ["distribution", "agency", "reseller", "service"];

/// The core clause categories every agreement must contain (R3.1.1).
pub const CORE: [&str; 8] = [
    "rights_obligations",
    "scope",
    "term",
    "prices",
    "settlement",
    "marketing",
    "confidentiality",
    "liability",
];

/// Variables a clause may use as `{{key}}`, with their printed label. Others may be used;
/// they are labelled with their key.
pub const VARIABLES: [(&str, &str); 13] = [
    ("company_name", "甲方名称"),
    ("company_credit_code", "甲方统一社会信用代码"),
    ("partner_name", "乙方名称"),
    ("partner_credit_code", "乙方统一社会信用代码"),
    ("partner_address", "乙方住所"),
    ("territory", "授权区域"),
    ("products", "产品或服务"),
    ("start_on", "生效日期"),
    ("end_on", "到期日期"),
    ("price_terms", "价格条款"),
    ("settlement_cycle", "结算周期"),
    ("payment_days", "付款期限（日）"),
    ("annual_target", "年度销售目标"),
];

/// Variables holding dates (`YYYY-MM-DD`).
pub const DATE_VARIABLES: [&str; 2] = ["start_on", "end_on"];

/// Settlement cycles, as the `settlement_cycle` variable and the trade terms hold them.
pub const CYCLE_CODES: [&str; 4] = ["monthly", "quarterly", "half_yearly", "yearly"];
/// The words the settlement clause reads each of [`CYCLE_CODES`] with (双方按月度对账结算).
pub const CYCLE_WORDS: [&str; 4] = ["月度", "季度", "半年度", "年度"];

/// The territory variable's value for the whole country.
pub const WHOLE_COUNTRY: &str = "全国";

/// The trade terms an agreement's own variables state (issue 23: typed once, in the
/// agreement, and taken over by the terms orders are reviewed and statements made by): the
/// territory as division codes (`crate::reference`; empty for [`WHOLE_COUNTRY`]), the
/// settlement cycle, the payment days. Each is `None` where its variable is empty or free text
/// (as agreements drafted before held them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatedTerms {
    pub territory: Option<Vec<String>>,
    pub settle_cycle: Option<String>,
    pub payment_days: Option<i64>,
}

/// The codes of a territory variable written as division codes (`4401,4406`); `None` for
/// anything else.
pub fn territory_codes(value: &str) -> Option<Vec<String>> {
    let codes: Vec<String> = value.split(',').map(|c| c.trim().to_string()).collect();
    let coded = !value.trim().is_empty()
        && codes.iter().all(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()));
    coded.then_some(codes)
}

/// What `variables` state of the trade terms.
pub fn stated_terms(variables: &BTreeMap<String, String>) -> StatedTerms {
    let get = |k: &str| variables.get(k).map(|v| v.trim()).unwrap_or("");
    let territory = match get("territory") {
        WHOLE_COUNTRY => Some(Vec::new()),
        t => territory_codes(t).and_then(|codes| crate::reference::territory(&codes).ok()),
    };
    let cycle = get("settlement_cycle");
    StatedTerms {
        territory,
        settle_cycle: CYCLE_CODES.contains(&cycle).then(|| cycle.to_string()),
        payment_days: get("payment_days").parse::<i64>().ok().filter(|d| (0..=365).contains(d)),
    }
}

/// The printed label of variable `key`.
pub fn variable_label(key: &str) -> &str {
    VARIABLES.iter().find(|(k, _)| *k == key).map(|(_, l)| *l).unwrap_or(key)
}

/// One clause as it stands in a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClauseText {
    pub key: String,
    /// The library version it was taken from (0: written in this agreement).
    #[ts(type = "number")]
    pub version: i64,
    pub category: String,
    pub title: String,
    pub body: String,
}

/// The `{{key}}` placeholders of `text`, in order of first use.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let key = after[..end].trim().to_string();
        if !key.is_empty() && !out.contains(&key) {
            out.push(key);
        }
        rest = &after[end + 2..];
    }
    out
}

/// `text` with every `{{key}}` replaced by its value; an unfilled one by `blank`.
pub fn fill(text: &str, variables: &BTreeMap<String, String>, blank: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = after[..end].trim();
        match variables.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            Some(v) => out.push_str(v),
            None => out.push_str(blank),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The fingerprint of a version: SHA-256 (hex) of its canonical JSON.
pub fn fingerprint(
    number: &str,
    version: i64,
    variables: &BTreeMap<String, String>,
    clauses: &[ClauseText],
) -> String {
    let canonical = serde_json::json!({
        "agreement": number,
        "version": version,
        "variables": variables,
        "clauses": clauses.iter().map(|c| serde_json::json!([c.key, c.category, c.title, c.body])).collect::<Vec<_>>(),
    });
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// A stored version.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Version {
    pub id: String,
    #[ts(type = "number")]
    pub number: i64,
    pub variables: BTreeMap<String, String>,
    /// The variables as the agreement's text reads them (`pdf::shown_value`): dates, places
    /// and cycles in words.
    pub shown: BTreeMap<String, String>,
    pub clauses: Vec<ClauseText>,
    pub fingerprint: String,
    pub note: String,
    pub created_at: String,
    pub created_by_name: String,
}

#[derive(sqlx::FromRow)]
struct VersionDb {
    id: String,
    number: i64,
    variables: String,
    clauses: String,
    fingerprint: String,
    note: String,
    created_at: String,
    created_by_name: Option<String>,
}

impl VersionDb {
    fn into_version(self) -> Version {
        let variables = serde_json::from_str(&self.variables).unwrap_or_default();
        Version {
            id: self.id,
            number: self.number,
            shown: pdf::shown_variables(&variables),
            variables,
            clauses: serde_json::from_str(&self.clauses).unwrap_or_default(),
            fingerprint: self.fingerprint,
            note: self.note,
            created_at: self.created_at,
            created_by_name: self.created_by_name.unwrap_or_default(),
        }
    }
}

const VERSION_SELECT: &str =
    "SELECT v.id, v.number, v.variables, v.clauses, v.fingerprint, v.note, v.created_at,
        u.display_name AS created_by_name
     FROM agreement_version v LEFT JOIN app_user u ON u.id = v.updated_by";

/// Version `number` of agreement `agreement_id`.
pub(crate) async fn version(conn: &mut SqliteConnection, agreement_id: &str, number: i64) -> Result<Version> {
    let row: Option<VersionDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VERSION_SELECT} WHERE v.agreement_id = ? AND v.number = ? AND v.deleted_at IS NULL"
    )))
    .bind(agreement_id)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row
        .ok_or_else(|| Error::NotFound {
            entity: "agreement_version",
            id: format!("{agreement_id} v{number}"),
        })?
        .into_version())
}

/// Every version of an agreement, oldest first.
pub async fn versions(desk: &Desk, agreement_id: &str) -> Result<Vec<Version>> {
    desk.require(Action::PartnerRead)?;
    let rows: Vec<VersionDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VERSION_SELECT} WHERE v.agreement_id = ? AND v.deleted_at IS NULL ORDER BY v.number"
    )))
    .bind(agreement_id)
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.into_iter().map(VersionDb::into_version).collect())
}

/// A review decision.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Review {
    pub id: String,
    #[ts(type = "number")]
    pub version_no: i64,
    pub fingerprint: String,
    pub side: String,
    pub decision: String,
    pub comment: String,
    pub reviewer_name: Option<String>,
    pub created_at: String,
}

/// A comment on a clause.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ClauseComment {
    pub id: String,
    #[ts(type = "number")]
    pub version_no: i64,
    pub clause_key: String,
    pub text: String,
    pub author_name: Option<String>,
    pub created_at: String,
}

/// One row of the agreement list (and of a partner's agreements).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct AgreementRow {
    pub id: String,
    pub number: String,
    pub partner_id: String,
    pub partner_name: String,
    pub kind: String,
    pub title: String,
    pub status: AgreementStatus,
    /// `status`, with `signed` read against today: `signed` (not yet in effect), `active`, `expired`.
    pub state: String,
    #[ts(type = "number")]
    pub version_no: i64,
    pub effective_on: Option<String>,
    pub expires_on: Option<String>,
    pub master_id: Option<String>,
    pub updated_at: String,
}

/// A manager's approval of an agreement signed on paper: the reason and the scan's file name.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PaperApproved {
    pub reason: String,
    pub scan_name: String,
}

/// Everything about one agreement, for its page.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Agreement {
    #[serde(flatten)]
    #[ts(flatten)]
    pub row: AgreementRow,
    /// A manager's approval of a paper original, in place of the reviews (R3.1.2).
    pub paper: Option<PaperApproved>,
    pub template_id: Option<String>,
    pub master_number: Option<String>,
    pub renewal_of: Option<String>,
    pub renewal_of_number: Option<String>,
    /// The agreement renewing this one, if any.
    pub renewed_by: Option<AgreementRow>,
    pub report_cycle: String,
    pub current: Version,
    #[ts(type = "number | null")]
    pub signed_version_no: Option<i64>,
    /// What stops the current version from going to review (unfilled variables, missing core
    /// clauses, empty clauses), as field errors.
    pub missing: Vec<FieldError>,
    /// Whether the legal / business approval of the current version stands.
    pub legal_approved: bool,
    pub business_approved: bool,
    pub reviews: Vec<Review>,
    pub comments: Vec<ClauseComment>,
    pub signing: signing::Signing,
    pub archive: signing::Archive,
    pub copies: Vec<signing::CopyLog>,
    pub amendments: Vec<AgreementRow>,
    pub end: lifecycle::Ending,
    pub renewal: lifecycle::RenewalIntent,
    /// Days until expiry (negative once expired), for signed agreements.
    #[ts(type = "number | null")]
    pub days_to_expiry: Option<i64>,
    pub hlc: String,
    /// The steps of its life cycle the signed-in person may take now (`submit`, `revise`,
    /// `review`, `approve_paper`, `sign`, `end`, `close`…).
    pub actions: Vec<&'static str>,
}

/// The agreement's `state` from its status and dates, `today` as `YYYY-MM-DD`.
pub fn state(status: &str, effective_on: Option<&str>, expires_on: Option<&str>, today: &str) -> String {
    if status != "signed" {
        return status.into();
    }
    match (effective_on, expires_on) {
        (Some(e), _) if today < e => "signed".into(),
        (_, Some(x)) if today > x => "expired".into(),
        _ => "active".into(),
    }
}

/// The `state` column of [`AgreementRow`] in SQL (`?today` bound by the caller as `:today`).
const STATE_SQL: &str = "CASE WHEN a.status <> 'signed' THEN a.status
        WHEN a.effective_on > :today THEN 'signed'
        WHEN a.expires_on < :today THEN 'expired' ELSE 'active' END";

fn row_select(today: &str) -> String {
    format!(
        "SELECT a.id, a.number, a.partner_id, p.name AS partner_name, a.kind, a.title, a.status,
            {} AS state, a.version_no, a.effective_on, a.expires_on, a.master_id, a.updated_at
         FROM agreement a JOIN partner p ON p.id = a.partner_id",
        STATE_SQL.replace(":today", &format!("'{}'", today.replace('\'', "")))
    )
}

/// Filters of the agreement list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct AgreementQuery {
    pub partner_id: String,
    /// A state (`drafting`, `in_review`, `approved`, `signed`, `active`, `expired`, `ended`, `closed`).
    pub state: String,
    pub kind: String,
    /// Part of the number, title or partner name.
    pub text: String,
    /// How many to skip, and rows per page ([`crate::paging::size`]).
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

/// Agreements matching `q`, most recently changed first: a page from `offset` with the count
/// of all.
pub async fn list(desk: &Desk, q: &AgreementQuery) -> Result<Page<AgreementRow>> {
    desk.require(Action::PartnerRead)?;
    let today = desk.today();
    let filtered = |select: &str| {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
            "SELECT {select} FROM ({} WHERE a.deleted_at IS NULL) WHERE 1 = 1",
            row_select(&today)
        ));
        if !q.partner_id.is_empty() {
            qb.push(" AND partner_id = ").push_bind(q.partner_id.clone());
        }
        if !q.state.is_empty() {
            qb.push(" AND state = ").push_bind(q.state.clone());
        }
        if !q.kind.is_empty() {
            qb.push(" AND kind = ").push_bind(q.kind.clone());
        }
        let text = q.text.trim();
        if !text.is_empty() {
            let like = format!("%{}%", text.replace('%', ""));
            qb.push(" AND (number LIKE ").push_bind(like.clone());
            qb.push(" OR title LIKE ").push_bind(like.clone());
            qb.push(" OR partner_name LIKE ").push_bind(like).push(")");
        }
        qb
    };
    let total: i64 = filtered("count(*)").build_query_scalar().fetch_one(desk.pool()).await?;
    let size = crate::paging::size(q.limit);
    let mut qb = filtered("*");
    qb.push(" ORDER BY updated_at DESC, number LIMIT ")
        .push_bind(size)
        .push(" OFFSET ")
        .push_bind(q.offset.max(0));
    Ok(Page { total, size, rows: qb.build_query_as().fetch_all(desk.pool()).await? })
}

#[derive(sqlx::FromRow)]
struct AgreementDb {
    #[sqlx(flatten)]
    row: AgreementRow,
    paper_reason: Option<String>,
    paper_scan_name: Option<String>,
    template_id: Option<String>,
    master_number: Option<String>,
    renewal_of: Option<String>,
    renewal_of_number: Option<String>,
    report_cycle: String,
    signed_version_id: Option<String>,
    hlc: String,
    #[sqlx(flatten)]
    signing: signing::Signing,
    #[sqlx(flatten)]
    archive: signing::Archive,
    #[sqlx(flatten)]
    end: lifecycle::Ending,
    #[sqlx(flatten)]
    renewal: lifecycle::RenewalIntent,
}

/// The id of the agreement numbered `number` (as printed: `AG-2026-SX-0001`), for tasks that
/// name agreements as people do (the command line's `print`).
pub async fn id_by_number(desk: &Desk, number: &str) -> Result<String> {
    desk.require(Action::PartnerRead)?;
    sqlx::query_scalar("SELECT id FROM agreement WHERE number = ? AND deleted_at IS NULL")
        .bind(number.trim())
        .fetch_optional(desk.pool())
        .await?
        .ok_or_else(|| Error::NotFound { entity: "agreement", id: number.trim().to_string() })
}

/// The agreement `id` with its current version, reviews, comments, copies and amendments.
pub async fn get(desk: &Desk, id: &str) -> Result<Agreement> {
    let me = desk.require(Action::PartnerRead)?;
    let today = desk.today();
    let mut conn = desk.pool().acquire().await?;
    let db: Option<AgreementDb> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.*, a.template_id, m.number AS master_number, a.renewal_of, o.number AS renewal_of_number,
            a.report_cycle, a.signed_version_id, a.hlc,
            a.signed_on, a.signed_place, a.our_signatory, a.our_capacity, a.our_authorisation,
            a.their_signatory, a.their_capacity, a.their_authorisation,
            a.archive_no, a.archive_location, a.custodian, a.scan_id, a.scan_sha256,
            (SELECT name FROM attachment WHERE id = a.scan_id) AS scan_name,
            a.notice_on, a.notice_ref, a.correct_by, a.end_kind, a.end_cause, a.ended_on, a.end_note,
            a.customers_handed_on, a.materials_returned_on, a.payments_settled_on, a.closed_on,
            a.renewal_intent AS intent, a.intent_on, a.intent_note,
            a.paper_reason, (SELECT name FROM attachment WHERE id = a.paper_scan_id) AS paper_scan_name
         FROM ({}) r JOIN agreement a ON a.id = r.id
         LEFT JOIN agreement m ON m.id = a.master_id
         LEFT JOIN agreement o ON o.id = a.renewal_of
         WHERE r.id = ? AND a.deleted_at IS NULL",
        row_select(&today)
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let db = db.ok_or_else(|| Error::NotFound { entity: "agreement", id: id.into() })?;
    let current = version(&mut conn, id, db.row.version_no).await?;
    let signed_version_no: Option<i64> = match &db.signed_version_id {
        Some(v) => {
            sqlx::query_scalar("SELECT number FROM agreement_version WHERE id = ?")
                .bind(v)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let reviews: Vec<Review> = sqlx::query_as(
        "SELECT r.id, v.number AS version_no, r.fingerprint, r.side, r.decision, r.comment,
            u.display_name AS reviewer_name, r.created_at
         FROM agreement_review r JOIN agreement_version v ON v.id = r.version_id
         LEFT JOIN app_user u ON u.id = r.updated_by
         WHERE r.agreement_id = ? AND r.deleted_at IS NULL ORDER BY r.created_at DESC, r.id DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let (legal_approved, business_approved) = approvals(&reviews, &current.fingerprint);
    let comments: Vec<ClauseComment> = sqlx::query_as(
        "SELECT c.id, v.number AS version_no, c.clause_key, c.text, u.display_name AS author_name, c.created_at
         FROM agreement_comment c JOIN agreement_version v ON v.id = c.version_id
         LEFT JOIN app_user u ON u.id = c.updated_by
         WHERE c.agreement_id = ? AND c.deleted_at IS NULL ORDER BY c.created_at, c.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let copies = signing::copies(&mut conn, id).await?;
    let amendments: Vec<AgreementRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE a.master_id = ? AND a.deleted_at IS NULL ORDER BY a.number",
        row_select(&today)
    )))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let renewed_by: Option<AgreementRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE a.renewal_of = ? AND a.deleted_at IS NULL ORDER BY a.created_at DESC LIMIT 1",
        row_select(&today)
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let missing = readiness(&db.row.kind, &current);
    let days_to_expiry = match (&db.row.expires_on, db.row.status.as_str()) {
        (Some(x), "signed") => lifecycle::days_between(&today, x),
        _ => None,
    };
    Ok(Agreement {
        actions: AGREEMENT.offers(&me.roles, db.row.status),
        paper: db
            .paper_reason
            .map(|reason| PaperApproved { reason, scan_name: db.paper_scan_name.unwrap_or_default() }),
        template_id: db.template_id,
        master_number: db.master_number,
        renewal_of: db.renewal_of,
        renewal_of_number: db.renewal_of_number,
        renewed_by,
        report_cycle: db.report_cycle,
        current,
        signed_version_no,
        missing,
        legal_approved,
        business_approved,
        reviews,
        comments,
        signing: db.signing,
        archive: db.archive,
        copies,
        amendments,
        end: db.end,
        renewal: db.renewal,
        days_to_expiry,
        hlc: db.hlc,
        row: db.row,
    })
}

/// Whether the latest legal and business decisions on `fingerprint` are approvals.
fn approvals(reviews_newest_first: &[Review], fingerprint: &str) -> (bool, bool) {
    let latest = |side: &str| {
        reviews_newest_first
            .iter()
            .find(|r| r.side == side && r.fingerprint == fingerprint)
            .map(|r| r.decision == "approve")
    };
    (latest("legal").unwrap_or(false), latest("business").unwrap_or(false))
}

/// What keeps `v` from review: unfilled variables (`variables.<key>: unfilled`), missing core
/// clauses (`clauses.<category>: missing`, not for amendments), empty clauses
/// (`clauses.<i>.body: required`), no clause at all.
pub fn readiness(kind: &str, v: &Version) -> Vec<FieldError> {
    let mut missing = Vec::new();
    if v.clauses.is_empty() {
        missing.push(FieldError::new("clauses", "required"));
    }
    for (i, c) in v.clauses.iter().enumerate() {
        if c.title.trim().is_empty() {
            missing.push(FieldError::new(format!("clauses.{i}.title"), "required"));
        }
        if c.body.trim().is_empty() {
            missing.push(FieldError::new(format!("clauses.{i}.body"), "required"));
        }
    }
    let mut used: Vec<String> = Vec::new();
    for c in &v.clauses {
        for p in placeholders(&c.body).into_iter().chain(placeholders(&c.title)) {
            if !used.contains(&p) {
                used.push(p);
            }
        }
    }
    for key in used {
        if v.variables.get(&key).is_none_or(|x| x.trim().is_empty()) {
            missing.push(FieldError::new(format!("variables.{key}"), "unfilled"));
        }
    }
    if kind != "amendment" {
        for cat in CORE {
            if !v.clauses.iter().any(|c| c.category == cat && !c.body.trim().is_empty()) {
                missing.push(FieldError::new(format!("clauses.{cat}"), "missing"));
            }
        }
    }
    missing
}

/// A new agreement: for a partner, from a template.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct NewAgreement {
    pub partner_id: String,
    pub template_id: String,
    /// Defaults to the template's name.
    pub title: String,
}

/// The variables a new draft for `partner_id` starts with: the partner's own, and the
/// company's as written in this laptop's latest agreement.
async fn starting_variables(w: &mut Write, partner_id: &str) -> Result<BTreeMap<String, String>> {
    let (name, code, address): (String, Option<String>, String) =
        sqlx::query_as("SELECT name, credit_code, address FROM partner WHERE id = ?")
            .bind(partner_id)
            .fetch_one(&mut *w.tx)
            .await?;
    let mut vars = BTreeMap::new();
    let last: Option<String> = sqlx::query_scalar(
        "SELECT v.variables FROM agreement_version v WHERE v.deleted_at IS NULL
         ORDER BY v.created_at DESC, v.id DESC LIMIT 1",
    )
    .fetch_optional(&mut *w.tx)
    .await?;
    if let Some(last) = last {
        let last: BTreeMap<String, String> = serde_json::from_str(&last).unwrap_or_default();
        for k in ["company_name", "company_credit_code"] {
            if let Some(v) = last.get(k) {
                vars.insert(k.to_string(), v.clone());
            }
        }
    }
    vars.insert("partner_name".into(), name);
    vars.insert("partner_credit_code".into(), code.unwrap_or_default());
    vars.insert("partner_address".into(), address);
    Ok(vars)
}

/// Inserts agreement row `id` and its version 1 inside `w`.
#[allow(clippy::too_many_arguments)]
async fn insert(
    w: &mut Write,
    id: &str,
    number: &str,
    partner_id: &str,
    kind: &str,
    template_id: Option<&str>,
    master_id: Option<&str>,
    renewal_of: Option<&str>,
    title: &str,
    variables: &BTreeMap<String, String>,
    clauses: &[ClauseText],
    note: &str,
) -> Result<()> {
    AGREEMENT.start(w, AgreementStatus::Drafting, false)?;
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO agreement (id, number, partner_id, kind, template_id, master_id, renewal_of, title, status,
            version_no, created_at, updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'drafting', 1, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(id)
    .bind(number)
    .bind(partner_id)
    .bind(kind)
    .bind(template_id)
    .bind(master_id)
    .bind(renewal_of)
    .bind(title)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    insert_version(w, id, number, 1, variables, clauses, note).await?;
    let mut ch = Changes::new();
    ch.set("number", &number);
    ch.set("kind", &kind);
    ch.set("title", &title);
    ch.set("partner_id", &partner_id);
    audit::record(w, "create", "agreement", id, &ch).await
}

async fn insert_version(
    w: &mut Write,
    agreement_id: &str,
    number: &str,
    version_no: i64,
    variables: &BTreeMap<String, String>,
    clauses: &[ClauseText],
    note: &str,
) -> Result<String> {
    let fp = fingerprint(number, version_no, variables, clauses);
    insert_row(
        w,
        "agreement_version",
        &[
            ("agreement_id", agreement_id.into()),
            ("number", version_no.into()),
            ("variables", serde_json::to_string(variables).unwrap_or_else(|_| "{}".into()).into()),
            ("clauses", serde_json::to_string(clauses).unwrap_or_else(|_| "[]".into()).into()),
            ("fingerprint", fp.as_str().into()),
            ("note", note.into()),
        ],
    )
    .await?;
    Ok(fp)
}

/// Drafts a new agreement for a partner from a template (R3.1.1): version 1 holds the latest
/// version of each of the template's clauses and the variables known from the partner.
pub async fn create(desk: &Desk, input: &NewAgreement) -> Result<Agreement> {
    desk.require(Action::AgreementDraft)?;
    let mut c = Checker::new();
    let title = c.text("title", &input.title, false, 100, false);
    if input.partner_id.trim().is_empty() {
        c.push("partner_id", "required");
    }
    if input.template_id.trim().is_empty() {
        c.push("template_id", "required");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    crate::records::require_live(&mut w.tx, "partner", &input.partner_id, "partner_id").await?;
    let template = library::template_in(&mut w.tx, &input.template_id).await?;
    let clauses = library::latest_clauses(&mut w.tx, &template.clause_keys).await?;
    let variables = starting_variables(&mut w, &input.partner_id).await?;
    let prefix = format!("AG-{}-{}-", &desk.today()[..4], desk.device().short_code);
    let number = crate::records::next_number(&mut w, "agreement", &prefix, 4).await?;
    let id = new_id();
    let title = if title.is_empty() { template.name.clone() } else { title };
    insert(
        &mut w,
        &id,
        &number,
        &input.partner_id,
        &template.kind,
        Some(&template.id),
        None,
        None,
        &title,
        &variables,
        &clauses,
        "",
    )
    .await?;
    w.commit().await?;
    get(desk, &id).await
}

/// A draft as edited: the whole text of the next version.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct DraftInput {
    pub title: String,
    pub variables: BTreeMap<String, String>,
    pub clauses: Vec<ClauseText>,
    /// What changed (shown in the version list).
    pub note: String,
    /// `none`, `monthly`, `quarterly`, `half_yearly` (R3.2.1 execution reports).
    pub report_cycle: String,
}

pub const REPORT_CYCLES: [&str; 4] = ["none", "monthly", "quarterly", "half_yearly"];

/// A draft's text after its checks: title, variables, clauses, note.
type CleanDraft = (String, BTreeMap<String, String>, Vec<ClauseText>, String);

fn check_draft(input: &DraftInput) -> Result<CleanDraft> {
    let mut c = Checker::new();
    let title = c.text("title", &input.title, true, 100, false);
    let note = c.text("note", &input.note, false, 500, true);
    let mut variables = BTreeMap::new();
    for (k, v) in &input.variables {
        let key = k.trim();
        if key.is_empty() || key.len() > 40 || !key.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            c.push(format!("variables.{k}"), "format");
            continue;
        }
        let field = format!("variables.{key}");
        let mut value = if DATE_VARIABLES.contains(&key) {
            c.date(&field, v, false)
        } else {
            c.text(&field, v, false, 500, true)
        };
        // The variables the trade terms are read from (issue 23): a territory written as
        // division codes must name known places (kept in code order), a cycle written as a
        // code must be one, days written as a number must be 0–365.
        match key {
            "territory" => {
                if let Some(codes) = territory_codes(&value) {
                    match crate::reference::territory(&codes) {
                        Ok(clean) => value = clean.join(","),
                        Err(_) => c.push(&field, "unknown"),
                    }
                }
            }
            "settlement_cycle"
                if value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    && !value.is_empty()
                    && !CYCLE_CODES.contains(&value.as_str()) =>
            {
                c.push(&field, "unknown")
            }
            "payment_days"
                if value.bytes().all(|b| b.is_ascii_digit())
                    && !value.is_empty()
                    && value.parse::<i64>().is_ok_and(|d| d > 365) =>
            {
                c.push(&field, "range")
            }
            "payment_days" if value.len() > 3 && value.bytes().all(|b| b.is_ascii_digit()) => {
                c.push(&field, "range")
            }
            _ => {}
        }
        variables.insert(key.to_string(), value);
    }
    if let (Some(s), Some(e)) = (variables.get("start_on"), variables.get("end_on"))
        && !s.is_empty()
        && !e.is_empty()
        && e <= s
    {
        c.push("variables.end_on", "before_start");
    }
    if input.clauses.len() > 200 {
        c.errors.push(FieldError::with_limit("clauses", "too_many", 200));
    }
    let mut clauses = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for (i, cl) in input.clauses.iter().enumerate() {
        let key = cl.key.trim();
        if key.is_empty() || key.len() > 60 || keys.contains(&key) {
            c.push(format!("clauses.{i}.key"), if key.is_empty() { "required" } else { "duplicate" });
        }
        keys.push(key);
        if !CORE.contains(&cl.category.as_str()) && cl.category != "other" {
            c.push(format!("clauses.{i}.category"), "unknown");
        }
        let title = c.text(&format!("clauses.{i}.title"), &cl.title, false, 100, false);
        let body = c.text(&format!("clauses.{i}.body"), &cl.body, false, 20_000, true);
        clauses.push(ClauseText {
            key: key.to_string(),
            version: cl.version.max(0),
            category: cl.category.clone(),
            title,
            body,
        });
    }
    if !REPORT_CYCLES.contains(&input.report_cycle.as_str()) && !input.report_cycle.is_empty() {
        c.push("report_cycle", "unknown");
    }
    c.finish()?;
    Ok((title, variables, clauses, note))
}

/// The agreement row with a status check, inside a write.
#[derive(sqlx::FromRow)]
pub(crate) struct Head {
    pub number: String,
    pub partner_id: String,
    pub kind: String,
    pub status: AgreementStatus,
    pub version_no: i64,
    pub master_id: Option<String>,
    pub title: String,
    pub report_cycle: String,
}

pub(crate) async fn head(conn: &mut SqliteConnection, id: &str) -> Result<Head> {
    let row: Option<Head> = sqlx::query_as(
        "SELECT number, partner_id, kind, status, version_no, master_id, title, report_cycle FROM agreement
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or_else(|| Error::NotFound { entity: "agreement", id: id.into() })
}

/// Writes `sets` on agreement `id` inside `w` and records them as operation `op`; what `ch`
/// already holds (a status with its before, a fingerprint) is recorded as it is.
pub(crate) async fn write_fields(
    w: &mut Write,
    id: &str,
    op: &str,
    sets: &[(&str, Option<String>)],
    mut ch: Changes,
) -> Result<()> {
    if !sets.is_empty() {
        crate::records::set_columns(w, "agreement", id, sets).await?;
    }
    for (col, value) in sets {
        if !ch.contains(col) {
            ch.set(col, value);
        }
    }
    audit::record(w, op, "agreement", id, &ch).await
}

/// Refuses unless the agreement's status is one of `allowed` (`status: not_<first allowed>`):
/// for operations on an agreement that leave its status as it is.
pub(crate) fn require_status(h: &Head, allowed: &[AgreementStatus]) -> Result<()> {
    if allowed.contains(&h.status) {
        Ok(())
    } else {
        Err(Error::field("status", &format!("not_{}", allowed[0].as_str())))
    }
}

/// Saves the draft as the next version when its content differs from version
/// `expected_version` (which must still be current: `conflict/stale` otherwise). The
/// agreement returns to drafting; approvals of the previous version no longer count.
pub async fn save_draft(
    desk: &Desk,
    id: &str,
    expected_version: i64,
    input: &DraftInput,
) -> Result<Agreement> {
    desk.require(Action::AgreementDraft)?;
    let (title, variables, clauses, note) = check_draft(input)?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    AGREEMENT.check(&w, "revise", h.status)?;
    if h.version_no != expected_version {
        return Err(Error::stale(id, h.number.clone()));
    }
    let current = version(&mut w.tx, id, h.version_no).await?;
    let cycle =
        if input.report_cycle.is_empty() { h.report_cycle.clone() } else { input.report_cycle.clone() };
    let mut sets: Vec<(&str, Option<String>)> = Vec::new();
    let mut ch = Changes::new();
    if ch.diff("title", &h.title, &title) {
        sets.push(("title", Some(title.clone())));
    }
    if ch.diff("report_cycle", &h.report_cycle, &cycle) {
        sets.push(("report_cycle", Some(cycle.clone())));
    }
    let content_changed = current.variables != variables || current.clauses != clauses;
    if content_changed {
        let next = h.version_no + 1;
        insert_version(&mut w, id, &h.number, next, &variables, &clauses, &note).await?;
        sets.push(("version_no", Some(next.to_string())));
        ch.diff("version_no", &h.version_no, &next);
        AGREEMENT.take(&mut w, id, "revise", None).await?.note("status", &mut ch);
    }
    if sets.is_empty() {
        w.tx.rollback().await?;
        return get(desk, id).await;
    }
    crate::records::set_columns(&mut w, "agreement", id, &sets).await?;
    audit::record(&mut w, if content_changed { "new_version" } else { "update" }, "agreement", id, &ch)
        .await?;
    w.commit().await?;
    get(desk, id).await
}

/// Sends the current version to review (R3.1.2), refused with the missing items named.
pub async fn submit(desk: &Desk, id: &str) -> Result<Agreement> {
    desk.require(Action::AgreementDraft)?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    AGREEMENT.check(&w, "submit", h.status)?;
    let v = version(&mut w.tx, id, h.version_no).await?;
    let missing = readiness(&h.kind, &v);
    if !missing.is_empty() {
        return Err(Error::Validation(missing));
    }
    let mut ch = Changes::new();
    AGREEMENT.take(&mut w, id, "submit", None).await?.note("status", &mut ch);
    ch.set("fingerprint", &v.fingerprint);
    write_fields(&mut w, id, "submit_review", &[], ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// A review decision as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ReviewInput {
    /// `legal` or `business`.
    pub side: String,
    /// `approve` or `changes`.
    pub decision: String,
    pub comment: String,
    /// The fingerprint of the version the reviewer read.
    pub fingerprint: String,
}

/// Records a legal or business decision on the current version (R3.1.2). `changes` needs a
/// comment and sends the agreement back to drafting; when both sides have approved the
/// current version it is `approved`.
pub async fn review(desk: &Desk, id: &str, input: &ReviewInput) -> Result<Agreement> {
    let action = match input.side.as_str() {
        "legal" => Action::AgreementReviewLegal,
        "business" => Action::AgreementReviewBusiness,
        _ => return Err(Error::field("side", "unknown")),
    };
    desk.require(action)?;
    let mut c = Checker::new();
    if !["approve", "changes"].contains(&input.decision.as_str()) {
        c.push("decision", "unknown");
    }
    let comment = c.text("comment", &input.comment, input.decision == "changes", 2000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    AGREEMENT.check(&w, "review", h.status)?;
    let v = version(&mut w.tx, id, h.version_no).await?;
    if v.fingerprint != input.fingerprint.trim() {
        return Err(Error::stale(id, format!("{} v{}", h.number, v.number)));
    }
    insert_row(
        &mut w,
        "agreement_review",
        &[
            ("agreement_id", id.into()),
            ("version_id", v.id.as_str().into()),
            ("fingerprint", v.fingerprint.as_str().into()),
            ("side", input.side.as_str().into()),
            ("decision", input.decision.as_str().into()),
            ("comment", comment.as_str().into()),
        ],
    )
    .await?;
    let reviews: Vec<(String, String)> = sqlx::query_as(
        "SELECT side, decision FROM agreement_review WHERE agreement_id = ? AND fingerprint = ? AND deleted_at IS NULL
         ORDER BY created_at DESC, rowid DESC",
    )
    .bind(id)
    .bind(&v.fingerprint)
    .fetch_all(&mut *w.tx)
    .await?;
    let latest =
        |side: &str| reviews.iter().find(|(s, _)| s == side).map(|(_, d)| d == "approve").unwrap_or(false);
    let step = if input.decision == "changes" {
        "request_changes"
    } else if latest("legal") && latest("business") {
        "approve"
    } else {
        "review"
    };
    let mut ch = Changes::new();
    ch.set("side", &input.side);
    ch.set("decision", &input.decision);
    ch.set("fingerprint", &v.fingerprint);
    if !comment.is_empty() {
        ch.set("comment", &comment);
    }
    AGREEMENT.take(&mut w, id, step, Some(("comment", &comment))).await?.note("status", &mut ch);
    audit::record(&mut w, "review", "agreement", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// A comment on one clause of the current version.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct CommentInput {
    pub clause_key: String,
    pub text: String,
}

/// Comments on a clause of the current version (drafters and reviewers).
pub async fn comment(desk: &Desk, id: &str, input: &CommentInput) -> Result<Agreement> {
    let me = desk.require(Action::PartnerRead)?;
    if ![Action::AgreementDraft, Action::AgreementReviewLegal, Action::AgreementReviewBusiness]
        .iter()
        .any(|a| crate::access::any_allows(&me.roles, *a))
    {
        return Err(Error::Forbidden(Action::AgreementDraft.as_str().into()));
    }
    let mut c = Checker::new();
    let text = c.text("text", &input.text, true, 2000, true);
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    let v = version(&mut w.tx, id, h.version_no).await?;
    if !v.clauses.iter().any(|c| c.key == input.clause_key) {
        return Err(Error::field("clause_key", "unknown"));
    }
    insert_row(
        &mut w,
        "agreement_comment",
        &[
            ("agreement_id", id.into()),
            ("version_id", v.id.as_str().into()),
            ("clause_key", input.clause_key.as_str().into()),
            ("text", text.as_str().into()),
        ],
    )
    .await?;
    let mut ch = Changes::new();
    ch.set("clause", &input.clause_key);
    ch.set("comment", &text);
    audit::record(&mut w, "comment", "agreement", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// Starts a supplementary agreement to signed agreement `master_id` (R3.2.2): numbered
/// `<master>-S<n>`, with no clause yet; it goes through the same review and signing.
pub async fn create_amendment(desk: &Desk, master_id: &str) -> Result<Agreement> {
    desk.require(Action::AgreementDraft)?;
    let mut w = desk.write().await?;
    let m = head(&mut w.tx, master_id).await?;
    if m.kind == "amendment" {
        return Err(Error::field("master_id", "amendment"));
    }
    require_status(&m, &[AgreementStatus::Signed])?;
    let number = crate::records::next_number(&mut w, "agreement", &format!("{}-S", m.number), 1).await?;
    let mut variables = starting_variables(&mut w, &m.partner_id).await?;
    let master = version(&mut w.tx, master_id, m.version_no).await?;
    for k in ["company_name", "company_credit_code"] {
        if let Some(v) = master.variables.get(k) {
            variables.insert(k.into(), v.clone());
        }
    }
    let id = new_id();
    let title = format!("{}补充协议", m.title);
    insert(
        &mut w,
        &id,
        &number,
        &m.partner_id,
        "amendment",
        None,
        Some(master_id),
        None,
        &title,
        &variables,
        &[],
        "",
    )
    .await?;
    w.commit().await?;
    get(desk, &id).await
}
