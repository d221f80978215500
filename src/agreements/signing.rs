//! Signing, archiving, printing and verifying agreements (R3.1.3).
//!
//! Invariants: only an approved agreement is signed, and only while both approvals of its
//! current version stand; the signed version is remembered and never changes afterwards.
//! Copies are numbered on from the ones already printed (副本 COPY n/m) and each is logged
//! with its recipient in the same transaction that makes the file's content. A printed
//! version that is not approved carries the 草稿 DRAFT watermark. A PDF is written to a
//! temporary name and renamed.

use super::{AgreementStatus, Head, head, require_status, version};
use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::Desk;
use crate::error::{Error, FieldError, Result};
use crate::machines::AGREEMENT;
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

/// Who signed, when and where.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Signing {
    pub signed_on: Option<String>,
    pub signed_place: String,
    pub our_signatory: String,
    pub our_capacity: String,
    pub our_authorisation: String,
    pub their_signatory: String,
    pub their_capacity: String,
    pub their_authorisation: String,
}

/// Where the signed original is kept.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Archive {
    pub archive_no: String,
    pub archive_location: String,
    pub custodian: String,
    pub scan_id: Option<String>,
    pub scan_sha256: Option<String>,
    pub scan_name: Option<String>,
}

/// A printed copy.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct CopyLog {
    #[ts(type = "number")]
    pub copy_no: i64,
    #[ts(type = "number")]
    pub copies: i64,
    pub recipient: String,
    #[ts(type = "number")]
    pub version_no: i64,
    pub printed_by_name: Option<String>,
    pub created_at: String,
    /// `printed` (handed to `printer`'s queue as `job`) or `saved` to a file.
    pub disposition: String,
    pub printer: String,
    pub job: String,
    /// `original` (正本, a counterpart for signing) or `copy` (副本, for reference).
    pub kind: String,
}

pub(crate) async fn copies(conn: &mut SqliteConnection, id: &str) -> Result<Vec<CopyLog>> {
    Ok(sqlx::query_as(
        "SELECT c.copy_no, c.copies, c.recipient, v.number AS version_no, u.display_name AS printed_by_name, c.created_at,
            c.disposition, c.printer, c.job, c.kind
         FROM agreement_copy c JOIN agreement_version v ON v.id = c.version_id
         LEFT JOIN app_user u ON u.id = c.updated_by
         WHERE c.agreement_id = ? AND c.deleted_at IS NULL ORDER BY c.kind DESC, c.created_at, c.copy_no",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The signing as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct SignInput {
    pub signed_on: String,
    pub signed_place: String,
    /// Defaults to the `start_on` variable.
    pub effective_on: String,
    /// Defaults to the `end_on` variable.
    pub expires_on: String,
    pub our_signatory: String,
    /// `legal_rep` or `authorised`.
    pub our_capacity: String,
    /// The authorisation (letter number, date) when signing as an authorised representative.
    pub our_authorisation: String,
    pub their_signatory: String,
    pub their_capacity: String,
    pub their_authorisation: String,
}

/// Records the signing of an approved agreement (R3.1.3). It is in effect from
/// `effective_on`. Signing a partner's first agreement while its prospect waits at the
/// signing stage of the pipeline completes the prospect (R2.1.4).
pub async fn sign(desk: &Desk, id: &str, input: &SignInput) -> Result<super::Agreement> {
    desk.require(Action::AgreementDraft)?;
    let today = desk.today();
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    AGREEMENT.check(&w, "sign", h.status)?;
    let v = version(&mut w.tx, id, h.version_no).await?;
    let mut c = Checker::new();
    let signed_on = c.date_until("signed_on", &input.signed_on, true, &today);
    let place = c.text("signed_place", &input.signed_place, true, 100, false);
    let pick = |given: &str, var: &str| {
        if given.trim().is_empty() {
            v.variables.get(var).cloned().unwrap_or_default()
        } else {
            given.to_string()
        }
    };
    let effective_on = c.date("effective_on", &pick(&input.effective_on, "start_on"), true);
    let expires_on = c.date("expires_on", &pick(&input.expires_on, "end_on"), h.kind != "amendment");
    if !effective_on.is_empty() && !expires_on.is_empty() && expires_on <= effective_on {
        c.push("expires_on", "before_start");
    }
    let mut side = |prefix: &str, name: &str, capacity: &str, authorisation: &str| {
        let name = c.text(&format!("{prefix}_signatory"), name, true, 50, false);
        c.one_of(&format!("{prefix}_capacity"), capacity, &["legal_rep", "authorised"]);
        let auth =
            c.text(&format!("{prefix}_authorisation"), authorisation, capacity == "authorised", 200, false);
        (name, capacity.to_string(), auth)
    };
    let ours = side("our", &input.our_signatory, &input.our_capacity, &input.our_authorisation);
    let theirs = side("their", &input.their_signatory, &input.their_capacity, &input.their_authorisation);
    c.finish()?;
    // Both approvals of this exact version must still stand (or a manager's approval of
    // this version signed on paper).
    let (legal, business) = current_approvals(&mut w.tx, id, &v.fingerprint).await?;
    let reviewed = legal && business;
    if !reviewed && !super::paper::approved(&mut w.tx, id, &v.fingerprint).await? {
        return Err(Error::field("status", "not_approved"));
    }
    if let Some(master) = &h.master_id {
        let m = head(&mut w.tx, master).await?;
        require_status(&m, &[AgreementStatus::Signed])
            .map_err(|_| Error::field("master_id", "not_signed"))?;
    } else {
        use crate::partners::PartnerStatus;
        match crate::machines::PARTNER.state(&mut w.tx, &h.partner_id).await? {
            // R2.1.4 ends where R3.1.3 begins: a prospect signs from the signing stage.
            PartnerStatus::Prospect => {
                match crate::recruitment::open_stage(&mut w.tx, &h.partner_id).await? {
                    Some(crate::recruitment::Stage::Signing) => {
                        crate::recruitment::sign_in(&mut w, &h.partner_id, &h.number, &signed_on).await?
                    }
                    _ => {
                        return Err(Error::Gate {
                            to: crate::recruitment::Stage::Signed.as_str().into(),
                            missing: vec![FieldError::new("stage", "not_signing")],
                        });
                    }
                }
            }
            // A new signing reactivates a terminated partner.
            PartnerStatus::Terminated => crate::partners::activate(&mut w, &h.partner_id, &h.number).await?,
            PartnerStatus::Active | PartnerStatus::Suspended => {}
        }
    }
    let mut sets: Vec<(&str, Option<String>)> = vec![
        ("signed_version_id", Some(v.id.clone())),
        ("signed_on", Some(signed_on.clone())),
        ("signed_place", Some(place)),
        ("effective_on", Some(effective_on.clone())),
        ("expires_on", (!expires_on.is_empty()).then_some(expires_on.clone())),
        ("our_signatory", Some(ours.0)),
        ("our_capacity", Some(ours.1)),
        ("our_authorisation", Some(ours.2)),
        ("their_signatory", Some(theirs.0)),
        ("their_capacity", Some(theirs.1)),
        ("their_authorisation", Some(theirs.2)),
    ];
    // The trade terms the signed text states are the terms from now on (issue 23): a master
    // agreement's own, an amendment's those of the agreement it amends.
    let stated = stated_term_columns(&super::stated_terms(&v.variables));
    match &h.master_id {
        None => sets.extend(stated),
        Some(master) if !stated.is_empty() => {
            // Only what the amendment changes (it starts from the master's variables).
            let now: (String, String, String) = sqlx::query_as(
                "SELECT territory, settle_cycle, CAST(payment_days AS TEXT) FROM agreement WHERE id = ?",
            )
            .bind(master)
            .fetch_one(&mut *w.tx)
            .await?;
            let changed: Vec<(&str, Option<String>)> = stated
                .into_iter()
                .filter(|(col, v)| {
                    let was = match *col {
                        "territory" => &now.0,
                        "settle_cycle" => &now.1,
                        _ => &now.2,
                    };
                    v.as_deref() != Some(was.as_str())
                })
                .collect();
            if !changed.is_empty() {
                super::write_fields(&mut w, master, "terms", &changed, Changes::new()).await?;
            }
        }
        Some(_) => {}
    }
    let mut ch = Changes::new();
    AGREEMENT.take(&mut w, id, "sign", None).await?.note("status", &mut ch);
    ch.set("fingerprint", &v.fingerprint);
    super::write_fields(&mut w, id, "sign", &sets, ch).await?;
    w.commit().await?;
    super::get(desk, id).await
}

/// The agreement columns of the trade terms `stated` gives.
fn stated_term_columns(stated: &super::StatedTerms) -> Vec<(&'static str, Option<String>)> {
    let mut out = Vec::new();
    if let Some(t) = &stated.territory {
        out.push(("territory", Some(serde_json::to_string(t).unwrap_or_else(|_| "[]".into()))));
    }
    if let Some(c) = &stated.settle_cycle {
        out.push(("settle_cycle", Some(c.clone())));
    }
    if let Some(d) = stated.payment_days {
        out.push(("payment_days", Some(d.to_string())));
    }
    out
}

pub(crate) async fn current_approvals(
    conn: &mut SqliteConnection,
    id: &str,
    fingerprint: &str,
) -> Result<(bool, bool)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT side, decision FROM agreement_review WHERE agreement_id = ? AND fingerprint = ? AND deleted_at IS NULL
         ORDER BY created_at DESC, rowid DESC",
    )
    .bind(id)
    .bind(fingerprint)
    .fetch_all(&mut *conn)
    .await?;
    let latest =
        |side: &str| rows.iter().find(|(s, _)| s == side).map(|(_, d)| d == "approve").unwrap_or(false);
    Ok((latest("legal"), latest("business")))
}

/// The archive record as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ArchiveInput {
    pub archive_no: String,
    pub archive_location: String,
    pub custodian: String,
    /// An attachment of the agreement's partner: the scan of the signed original.
    pub scan_id: String,
}

/// Records where the signed original is kept and which scan shows it (R3.1.3).
pub async fn archive(desk: &Desk, id: &str, input: &ArchiveInput) -> Result<super::Agreement> {
    desk.require(Action::AgreementDraft)?;
    let mut c = Checker::new();
    let no = c.text("archive_no", &input.archive_no, true, 40, false);
    let location = c.text("archive_location", &input.archive_location, true, 100, false);
    let custodian = c.text("custodian", &input.custodian, true, 50, false);
    c.finish()?;
    let mut w = desk.write().await?;
    let h = head(&mut w.tx, id).await?;
    require_status(&h, &[AgreementStatus::Signed, AgreementStatus::Ended, AgreementStatus::Closed])?;
    let scan: Option<(String, String)> = if input.scan_id.trim().is_empty() {
        None
    } else {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT id, sha256 FROM attachment WHERE id = ? AND owner_kind = 'partner' AND owner_id = ?
             AND deleted_at IS NULL",
        )
        .bind(input.scan_id.trim())
        .bind(&h.partner_id)
        .fetch_optional(&mut *w.tx)
        .await?;
        Some(row.ok_or_else(|| Error::field("scan_id", "unknown"))?)
    };
    let sets: Vec<(&str, Option<String>)> = vec![
        ("archive_no", Some(no.clone())),
        ("archive_location", Some(location.clone())),
        ("custodian", Some(custodian.clone())),
        ("scan_id", scan.as_ref().map(|s| s.0.clone())),
        ("scan_sha256", scan.as_ref().map(|s| s.1.clone())),
    ];
    super::write_fields(&mut w, id, "archive", &sets, Changes::new()).await?;
    w.commit().await?;
    super::get(desk, id).await
}

pub use crate::documents::Printed;

async fn render_version(
    desk: &Desk,
    h: &Head,
    id: &str,
    version_no: i64,
    marks: Vec<Option<String>>,
    originals: bool,
) -> Result<(Vec<u8>, super::Version, bool)> {
    let mut conn = desk.pool().acquire().await?;
    let v = version(&mut conn, id, version_no).await?;
    let (legal, business) = current_approvals(&mut conn, id, &v.fingerprint).await?;
    let signed_id: Option<String> =
        sqlx::query_scalar("SELECT signed_version_id FROM agreement WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let approved = signed_id.as_deref() == Some(v.id.as_str()) || (legal && business);
    let doc = super::pdf::Document::load(&mut conn, id, &v, h).await?;
    drop(conn);
    let bytes = tokio::task::spawn_blocking(move || {
        let face = crate::documents::fonts::shared()?;
        if originals { doc.render_originals(&face, &marks) } else { doc.render(&face, !approved, &marks) }
    })
    .await
    .map_err(|e| Error::Document(e.to_string()))??;
    Ok((bytes, v, approved))
}

/// The document of version `version_no` (the current one when `None`), as its PDF is laid out:
/// for whatever needs the agreement's text in the order and words it is printed in (the
/// whole-process printing benchmark writes it as a .docx for LibreOffice).
pub async fn document(desk: &Desk, id: &str, version_no: Option<i64>) -> Result<super::pdf::Document> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let h = head(&mut conn, id).await?;
    let v = version(&mut conn, id, version_no.unwrap_or(h.version_no)).await?;
    super::pdf::Document::load(&mut conn, id, &v, &h).await
}

/// The PDF of version `version_no` (the current one when `None`): a draft watermark unless it
/// is approved or signed.
pub async fn print(desk: &Desk, id: &str, version_no: Option<i64>) -> Result<Printed> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let h = head(&mut conn, id).await?;
    drop(conn);
    let n = version_no.unwrap_or(h.version_no);
    let (bytes, v, approved) = render_version(desk, &h, id, n, vec![None], false).await?;
    let suffix = if approved { "" } else { "-draft" };
    let mut w = desk.write().await?;
    let mut ch = Changes::new();
    ch.set("version", &v.number);
    ch.set("fingerprint", &v.fingerprint);
    audit::record(&mut w, "print", "agreement", id, &ch).await?;
    w.commit().await?;
    let printed = Printed { bytes, file_name: format!("{}-v{}{suffix}.pdf", h.number, v.number) };
    crate::documents::register(desk, "agreement", &h.title, &h.number, printed).await
}

/// Numbered copies of the signed version made for printing or saving, not yet logged: they are
/// logged by [`log_copies`] once they have left the program (issue 24, R3.1.3).
#[derive(Debug, Clone)]
pub struct PreparedCopies {
    agreement_id: String,
    version_id: String,
    /// Originals (正本) for signing, or copies (副本) of the signed version.
    original: bool,
    /// The number of the first copy; the copies are `first..first + names.len()`.
    first: i64,
    total: i64,
    names: Vec<String>,
    fingerprint: String,
}

/// Makes numbered copies of the signed version for `recipients` (one copy each, one file),
/// numbered on from the copies already logged. Nothing is logged until [`log_copies`].
pub async fn prepare_copies(
    desk: &Desk,
    id: &str,
    recipients: &[String],
) -> Result<(Printed, PreparedCopies)> {
    desk.require(Action::AgreementDraft)?;
    let mut c = Checker::new();
    let mut names = Vec::new();
    for (i, r) in recipients.iter().enumerate() {
        names.push(c.text(&format!("recipients.{i}"), r, true, 100, false));
    }
    if names.is_empty() {
        c.push("recipients", "required");
    } else if names.len() > 20 {
        c.errors.push(FieldError::with_limit("recipients", "too_many", 20));
    }
    c.finish()?;
    let mut conn = desk.pool().acquire().await?;
    let h = head(&mut conn, id).await?;
    require_status(&h, &[AgreementStatus::Signed, AgreementStatus::Ended, AgreementStatus::Closed])?;
    let (signed_id, already) = copies_so_far(&mut conn, id).await?;
    let signed_no: i64 = sqlx::query_scalar("SELECT number FROM agreement_version WHERE id = ?")
        .bind(&signed_id)
        .fetch_one(&mut *conn)
        .await?;
    drop(conn);
    let total = already + names.len() as i64;
    let marks =
        (0..names.len()).map(|i| Some(format!("副本 COPY {}/{total}", already + 1 + i as i64))).collect();
    let (bytes, v, _) = render_version(desk, &h, id, signed_no, marks, false).await?;
    let printed = Printed { bytes, file_name: format!("{}-copies-{}-{}.pdf", h.number, already + 1, total) };
    let printed = crate::documents::register(desk, "agreement", &h.title, &h.number, printed).await?;
    let prepared = PreparedCopies {
        agreement_id: id.to_string(),
        version_id: signed_id,
        original: false,
        first: already + 1,
        total,
        names,
        fingerprint: v.fingerprint,
    };
    Ok((printed, prepared))
}

/// The originals (正本) of the approved version for signing, as many as its counterparts clause
/// states, each marked 正本 ORIGINAL n/m with its holder (R3.1.3, issue 24); refused with the
/// reason (field `counterparts`) when the clause is missing or does not add up. Nothing is
/// logged until [`log_copies`]; printing them again (a spoiled sheet) logs them again.
pub async fn prepare_originals(desk: &Desk, id: &str) -> Result<(Printed, PreparedCopies)> {
    desk.require(Action::AgreementDraft)?;
    let mut conn = desk.pool().acquire().await?;
    let h = head(&mut conn, id).await?;
    require_status(&h, &[AgreementStatus::Approved])?;
    let v = version(&mut conn, id, h.version_no).await?;
    drop(conn);
    let plan = super::counterparts::of_version(&v.clauses, &v.variables)?;
    let sheets = plan.sheets();
    let total = plan.total;
    let marks = sheets
        .iter()
        .enumerate()
        .map(|(i, holder)| Some(format!("正本 ORIGINAL {}/{total} · {holder}执", i + 1)))
        .collect();
    let (bytes, v, approved) = render_version(desk, &h, id, h.version_no, marks, true).await?;
    if !approved {
        return Err(Error::field("status", "not_approved"));
    }
    let printed = Printed { bytes, file_name: format!("{}-v{}-originals-{total}.pdf", h.number, v.number) };
    let printed = crate::documents::register(desk, "agreement", &h.title, &h.number, printed).await?;
    let prepared = PreparedCopies {
        agreement_id: id.to_string(),
        version_id: v.id.clone(),
        original: true,
        first: 1,
        total,
        names: sheets,
        fingerprint: v.fingerprint,
    };
    Ok((printed, prepared))
}

async fn copies_so_far(conn: &mut SqliteConnection, id: &str) -> Result<(String, i64)> {
    Ok(sqlx::query_as(
        "SELECT a.signed_version_id, (SELECT COALESCE(max(copy_no), 0) FROM agreement_copy
            WHERE agreement_id = a.id AND kind = 'copy' AND deleted_at IS NULL) FROM agreement a WHERE a.id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}

/// How a document left the program.
#[derive(Debug, Clone, PartialEq)]
pub enum Handed {
    /// A printer's queue accepted it as this job.
    Printed(crate::documents::printers::Job),
    /// It was saved to a file the user chose.
    Saved,
}

/// Refuses (`copies: changed`) prepared copies whose numbers other copies logged since took.
pub async fn check_copies(desk: &Desk, prepared: &PreparedCopies) -> Result<()> {
    if prepared.original {
        return Ok(());
    }
    let mut conn = desk.pool().acquire().await?;
    let (_, already) = copies_so_far(&mut conn, &prepared.agreement_id).await?;
    if already != prepared.first - 1 {
        return Err(Error::field("copies", "renumbered"));
    }
    Ok(())
}

/// Logs prepared copies as printed (with the printer and the job) or saved, each with its
/// recipient, in one transaction (R3.1.3). Refused (`copies: changed`) when other copies were
/// logged since they were made: their numbers would repeat.
pub async fn log_copies(desk: &Desk, prepared: &PreparedCopies, handed: &Handed) -> Result<()> {
    desk.require(Action::AgreementDraft)?;
    let mut w = desk.write().await?;
    let (_, already) = copies_so_far(&mut w.tx, &prepared.agreement_id).await?;
    if !prepared.original && already != prepared.first - 1 {
        return Err(Error::field("copies", "renumbered"));
    }
    let (disposition, printer, job) = match handed {
        Handed::Printed(j) => ("printed", j.printer.as_str(), j.id.as_str()),
        Handed::Saved => ("saved", "", ""),
    };
    for (i, name) in prepared.names.iter().enumerate() {
        crate::records::insert(
            &mut w,
            "agreement_copy",
            &[
                ("agreement_id", prepared.agreement_id.as_str().into()),
                ("version_id", prepared.version_id.as_str().into()),
                ("copy_no", (prepared.first + i as i64).into()),
                ("copies", prepared.total.into()),
                ("recipient", name.as_str().into()),
                ("disposition", disposition.into()),
                ("printer", printer.into()),
                ("job", job.into()),
                ("kind", if prepared.original { "original" } else { "copy" }.into()),
            ],
        )
        .await?;
    }
    let mut ch = Changes::new();
    ch.set("copies", &format!("{}–{}/{}", prepared.first, prepared.total, prepared.total));
    ch.set("recipients", &prepared.names.join("、"));
    ch.set("fingerprint", &prepared.fingerprint);
    if let Handed::Printed(j) = handed {
        ch.set("printer", &j.printer);
        ch.set("job", &j.id);
    }
    let op = match (prepared.original, disposition) {
        (true, "printed") => "print_originals",
        (true, _) => "save_originals",
        (false, "printed") => "print_copies",
        (false, _) => "save_copies",
    };
    audit::record(&mut w, op, "agreement", &prepared.agreement_id, &ch).await?;
    w.commit().await
}

pub use crate::documents::{write_file, write_to_prints};

/// What a PDF or a printed fingerprint is.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct Verification {
    pub fingerprint: String,
    pub agreement_id: String,
    pub number: String,
    pub title: String,
    pub partner_name: String,
    #[ts(type = "number")]
    pub version_no: i64,
    #[ts(type = "number")]
    pub current_version_no: i64,
    #[ts(type = "number | null")]
    pub signed_version_no: Option<i64>,
    /// This version is the one that was signed.
    pub is_signed_version: bool,
    pub status: String,
    pub signed_on: Option<String>,
}

/// A fingerprint as typed (at least the 16 digits printed on every page, spaces and capitals
/// allowed) as the lower-case hex prefix it stands for; `fingerprint: format` otherwise.
pub fn fingerprint_prefix(typed: &str) -> Result<String> {
    let fp: String = typed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    if fp.len() < 16 || fp.len() > 64 || !fp.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::field("fingerprint", "format"));
    }
    Ok(fp)
}

/// Which agreement version `fingerprint` (the 64 digits, or at least the 16 printed on every
/// page, spaces allowed) belongs to; `None` when it is none of this laptop's.
pub async fn verify_fingerprint(desk: &Desk, fingerprint: &str) -> Result<Option<Verification>> {
    desk.require(Action::PartnerRead)?;
    let fp = fingerprint_prefix(fingerprint)?;
    let rows: Vec<Verification> = sqlx::query_as(
        "SELECT v.fingerprint, a.id AS agreement_id, a.number, a.title, p.name AS partner_name,
            v.number AS version_no, a.version_no AS current_version_no,
            (SELECT number FROM agreement_version WHERE id = a.signed_version_id) AS signed_version_no,
            (a.signed_version_id IS NOT NULL AND a.signed_version_id = v.id) AS is_signed_version,
            a.status, a.signed_on
         FROM agreement_version v JOIN agreement a ON a.id = v.agreement_id JOIN partner p ON p.id = a.partner_id
         WHERE substr(v.fingerprint, 1, ?) = ? AND v.deleted_at IS NULL AND a.deleted_at IS NULL LIMIT 2",
    )
    .bind(fp.len() as i64)
    .bind(&fp)
    .fetch_all(desk.pool())
    .await?;
    match rows.len() {
        0 => Ok(None),
        1 => Ok(rows.into_iter().next()),
        _ => Err(Error::field("fingerprint", "ambiguous")),
    }
}
