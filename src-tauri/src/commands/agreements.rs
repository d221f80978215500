//! Agreements (R3.1.1–R3.3.2): the clause library and templates, drafting, versions and
//! differences, reviews, signing, archive, printing and copies, verification, execution
//! reports, amendments, ending and renewal.
//!
//! Printing hands the PDF to the print preview (`commands/documents.rs`); saving elsewhere
//! goes through the native save dialog. A PDF
//! to verify arrives as the raw request body.

use crate::printing::DocumentView;
use crate::state::Shell;
use channeldesk::Result;
use channeldesk::agreements::diff::{self, VersionDiff};
use channeldesk::agreements::library::{self, ClauseInput, LibraryClause, Template};
use channeldesk::agreements::lifecycle::{
    self, CurrentClause, NoticeInput, ReportInput, ReportPeriod, TerminateInput,
};
use channeldesk::agreements::paper::{self, PaperApproval};
use channeldesk::agreements::signing::{self, ArchiveInput, Printed, SignInput};
use channeldesk::agreements::{
    self, Agreement, AgreementQuery, AgreementRow, CommentInput, DraftInput, NewAgreement, ReviewInput,
    Version,
};
use channeldesk::audit::{self, AuditEntry};
use channeldesk::paging::Page;
use channeldesk::verify::{self, Verified};
use channeldesk_macros::command;
use serde::Serialize;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Runtime, State};

#[command]
pub async fn agreement_templates(shell: State<'_, Shell>) -> Result<Vec<Template>> {
    library::templates(&*shell.desk().await?).await
}

#[command]
pub async fn agreement_template_seam_mark(shell: State<'_, Shell>, id: String, on: bool) -> Result<Template> {
    library::set_seam_mark(&*shell.desk().await?, &id, on).await
}

#[command]
pub async fn clause_library(shell: State<'_, Shell>) -> Result<Vec<LibraryClause>> {
    library::clauses(&*shell.desk().await?).await
}

#[command]
pub async fn clause_history(shell: State<'_, Shell>, key: String) -> Result<Vec<LibraryClause>> {
    library::clause_history(&*shell.desk().await?, &key).await
}

#[command]
pub async fn clause_save(shell: State<'_, Shell>, input: ClauseInput) -> Result<LibraryClause> {
    library::save_clause(&*shell.desk().await?, &input).await
}

#[command]
pub async fn agreement_list(shell: State<'_, Shell>, query: AgreementQuery) -> Result<Page<AgreementRow>> {
    agreements::list(&*shell.desk().await?, &query).await
}

#[command]
pub async fn agreement_get(shell: State<'_, Shell>, id: String) -> Result<Agreement> {
    agreements::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn agreement_versions(shell: State<'_, Shell>, id: String) -> Result<Vec<Version>> {
    agreements::versions(&*shell.desk().await?, &id).await
}

#[command]
pub async fn agreement_diff(shell: State<'_, Shell>, id: String, from: i64, to: i64) -> Result<VersionDiff> {
    diff::versions(&*shell.desk().await?, &id, from, to).await
}

#[command]
pub async fn agreement_history(shell: State<'_, Shell>, id: String) -> Result<Vec<AuditEntry>> {
    audit::agreement_history(&*shell.desk().await?, &id).await
}

#[command]
pub async fn agreement_create(shell: State<'_, Shell>, input: NewAgreement) -> Result<Agreement> {
    agreements::create(&*shell.desk().await?, &input).await
}

#[command]
pub async fn agreement_amend(shell: State<'_, Shell>, master_id: String) -> Result<Agreement> {
    agreements::create_amendment(&*shell.desk().await?, &master_id).await
}

#[command]
pub async fn agreement_save(
    shell: State<'_, Shell>,
    id: String,
    expected_version: i64,
    input: DraftInput,
) -> Result<Agreement> {
    agreements::save_draft(&*shell.desk().await?, &id, expected_version, &input).await
}

#[command]
pub async fn agreement_submit(shell: State<'_, Shell>, id: String) -> Result<Agreement> {
    agreements::submit(&*shell.desk().await?, &id).await
}

#[command]
pub async fn agreement_review(shell: State<'_, Shell>, id: String, input: ReviewInput) -> Result<Agreement> {
    agreements::review(&*shell.desk().await?, &id, &input).await
}

#[command]
pub async fn agreement_comment(
    shell: State<'_, Shell>,
    id: String,
    input: CommentInput,
) -> Result<Agreement> {
    agreements::comment(&*shell.desk().await?, &id, &input).await
}

#[command]
pub async fn agreement_sign(shell: State<'_, Shell>, id: String, input: SignInput) -> Result<Agreement> {
    signing::sign(&*shell.desk().await?, &id, &input).await
}

#[command]
pub async fn agreement_archive(
    shell: State<'_, Shell>,
    id: String,
    input: ArchiveInput,
) -> Result<Agreement> {
    signing::archive(&*shell.desk().await?, &id, &input).await
}

/// Where a printed document went.
#[derive(Debug, Serialize)]
pub struct PrintedFile {
    pub path: String,
    /// Whether the system viewer was opened on it (the window says where it is otherwise).
    pub opened: bool,
}

/// Writes `printed` into a private temporary folder and opens it in the system viewer.
pub(crate) fn open_printed(desk: &channeldesk::Desk, printed: &Printed) -> Result<PrintedFile> {
    let path = signing::write_to_prints(desk, printed)?;
    let opened = crate::files::show(&path);
    Ok(PrintedFile { path: path.display().to_string(), opened })
}

/// Version `version` (the current one when absent) for the print preview.
#[command]
pub async fn agreement_print(
    shell: State<'_, Shell>,
    id: String,
    version: Option<i64>,
) -> Result<DocumentView> {
    let desk = shell.desk().await?;
    shell.documents.hold(&desk, signing::print(&desk, &id, version).await?, None)
}

/// Numbered copies of the signed version, one per recipient, in one file, for the print
/// preview: logged when printed or saved from there.
#[command]
pub async fn agreement_copies(
    shell: State<'_, Shell>,
    id: String,
    recipients: Vec<String>,
) -> Result<DocumentView> {
    let desk = shell.desk().await?;
    let (printed, copies) = signing::prepare_copies(&desk, &id, &recipients).await?;
    shell.documents.hold(&desk, printed, Some(copies))
}

/// The originals (正本) of the approved version for signing, as many as its counterparts clause
/// states, for the print preview: logged when printed or saved from there (R3.1.3).
#[command]
pub async fn agreement_originals(shell: State<'_, Shell>, id: String) -> Result<DocumentView> {
    let desk = shell.desk().await?;
    let (printed, originals) = signing::prepare_originals(&desk, &id).await?;
    shell.documents.hold(&desk, printed, Some(originals))
}

/// Asks where to save the PDF of version `version`; the path, or `None` when cancelled.
#[command]
pub async fn agreement_save_pdf<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    id: String,
    version: Option<i64>,
) -> Result<Option<String>> {
    let desk = shell.desk().await?;
    let printed = signing::print(&desk, &id, version).await?;
    let Some(path) = crate::files::ask_save_path(&app, &printed.file_name, "PDF", "pdf").await? else {
        return Ok(None);
    };
    signing::write_file(&path, &printed.bytes)?;
    Ok(Some(path.display().to_string()))
}

/// The document (an agreement version or any other printed document) whose footer shows
/// `fingerprint`.
#[command]
pub async fn agreement_verify_text(shell: State<'_, Shell>, fingerprint: String) -> Result<Option<Verified>> {
    verify::by_fingerprint(&*shell.desk().await?, &fingerprint).await
}

/// A PDF in the raw body: which document it is, checked by its content.
#[command]
pub async fn agreement_verify_file(
    shell: State<'_, Shell>,
    request: Request<'_>,
) -> Result<Option<Verified>> {
    let bytes: &[u8] = match request.body() {
        InvokeBody::Raw(bytes) => bytes,
        InvokeBody::Json(_) => &[],
    };
    verify::by_file(&*shell.desk().await?, bytes).await
}

#[command]
pub async fn agreement_reports(shell: State<'_, Shell>, id: String) -> Result<Vec<ReportPeriod>> {
    lifecycle::reports(&*shell.desk().await?, &id).await
}

#[command]
pub async fn agreement_report_save(
    shell: State<'_, Shell>,
    id: String,
    input: ReportInput,
) -> Result<Vec<ReportPeriod>> {
    lifecycle::record_report(&*shell.desk().await?, &id, &input).await
}

#[command]
pub async fn agreement_notice(shell: State<'_, Shell>, id: String, input: NoticeInput) -> Result<Agreement> {
    lifecycle::record_notice(&*shell.desk().await?, &id, &input).await
}

#[command]
pub async fn agreement_terminate(
    shell: State<'_, Shell>,
    id: String,
    input: TerminateInput,
) -> Result<Agreement> {
    lifecycle::terminate(&*shell.desk().await?, &id, &input).await
}

#[command]
pub async fn agreement_handover(
    shell: State<'_, Shell>,
    id: String,
    item: String,
    done_on: String,
) -> Result<Agreement> {
    lifecycle::handover(&*shell.desk().await?, &id, &item, &done_on).await
}

#[command]
pub async fn agreement_close(shell: State<'_, Shell>, id: String) -> Result<Agreement> {
    lifecycle::close(&*shell.desk().await?, &id).await
}

#[command]
pub async fn agreement_intent(
    shell: State<'_, Shell>,
    id: String,
    intent: String,
    note: String,
) -> Result<Agreement> {
    lifecycle::set_intent(&*shell.desk().await?, &id, &intent, &note).await
}

#[command]
pub async fn agreement_renew(shell: State<'_, Shell>, id: String) -> Result<Agreement> {
    lifecycle::renew(&*shell.desk().await?, &id).await
}

#[command]
pub async fn agreement_terms(shell: State<'_, Shell>, id: String) -> Result<Vec<CurrentClause>> {
    lifecycle::current_terms(&*shell.desk().await?, &id).await
}

#[command]
pub async fn renewal_days_get(shell: State<'_, Shell>) -> Result<Vec<u32>> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::PartnerRead)?;
    lifecycle::renewal_days(desk.pool()).await
}

#[command]
pub async fn renewal_days_set(shell: State<'_, Shell>, days: Vec<u32>) -> Result<Vec<u32>> {
    lifecycle::set_renewal_days(&*shell.desk().await?, &days).await
}

#[command]
pub async fn agreement_approve_paper(
    shell: State<'_, Shell>,
    id: String,
    input: PaperApproval,
) -> Result<Agreement> {
    paper::approve(&*shell.desk().await?, &id, &input).await
}
