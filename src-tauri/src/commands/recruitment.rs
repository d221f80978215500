//! Recruitment (R2.1.1–R2.1.4): the pipeline board and each gate's record, screening schemes,
//! trade-show events and lead capture, referrals, research notes, attachments and cards.
//!
//! Attachments arrive as the raw request body (no JSON number arrays for a 10 MB photo) with
//! their owner and name in headers; they leave as a raw response the window turns into a
//! picture.

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::attachments::{self, AttachmentInfo};
use channeldesk::cards::{self, CardContact};
use channeldesk::paging::Page;
use channeldesk::partners::{DuplicateReport, Partner};
use channeldesk::recruitment::events::{self, CsvLabels, EventInput, EventSummary, TradeEvent};
use channeldesk::recruitment::leads::{self, LeadInput, LeadSaved};
use channeldesk::recruitment::referrals::{self, Referral, ReferralInput};
use channeldesk::recruitment::research::{self, Note, NoteInput, NoteQuery, NoteRow};
use channeldesk::recruitment::screening::{self, Scheme, SchemeInput, Scorecard, ScorecardInput};
use channeldesk::recruitment::{
    self, Board, BoardQuery, InspectionInput, NegotiationInput, ProspectFile, ProspectPage, Stage,
};
use channeldesk_macros::command;
use tauri::ipc::{InvokeBody, Request, Response};
use tauri::{AppHandle, Runtime, State};

#[command]
pub async fn pipeline_board(shell: State<'_, Shell>, query: BoardQuery) -> Result<Board> {
    recruitment::board(&*shell.desk().await?, &query).await
}

#[command]
pub async fn pipeline_list(shell: State<'_, Shell>, query: BoardQuery) -> Result<ProspectPage> {
    recruitment::prospects(&*shell.desk().await?, &query).await
}

#[command]
pub async fn prospect_file(shell: State<'_, Shell>, partner_id: String) -> Result<Option<ProspectFile>> {
    recruitment::prospect_file(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn prospect_move(
    shell: State<'_, Shell>,
    partner_id: String,
    to: Stage,
    reason: String,
) -> Result<ProspectFile> {
    recruitment::move_to(&*shell.desk().await?, &partner_id, to, &reason).await
}

#[command]
pub async fn prospect_reject(
    shell: State<'_, Shell>,
    partner_id: String,
    reason: String,
) -> Result<ProspectFile> {
    recruitment::reject(&*shell.desk().await?, &partner_id, &reason).await
}

#[command]
pub async fn prospect_reopen(
    shell: State<'_, Shell>,
    partner_id: String,
    reason: String,
) -> Result<ProspectFile> {
    recruitment::reopen(&*shell.desk().await?, &partner_id, &reason).await
}

#[command]
pub async fn prospect_merge(shell: State<'_, Shell>, keep_id: String, other_id: String) -> Result<Partner> {
    recruitment::merge(&*shell.desk().await?, &keep_id, &other_id).await
}

#[command]
pub async fn inspection_record(
    shell: State<'_, Shell>,
    partner_id: String,
    input: InspectionInput,
) -> Result<String> {
    recruitment::record_inspection(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn negotiation_record(
    shell: State<'_, Shell>,
    partner_id: String,
    input: NegotiationInput,
) -> Result<()> {
    recruitment::record_negotiation(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn scheme_current(shell: State<'_, Shell>) -> Result<Scheme> {
    screening::current(&*shell.desk().await?).await
}

#[command]
pub async fn scheme_versions(shell: State<'_, Shell>) -> Result<Vec<Scheme>> {
    screening::versions(&*shell.desk().await?).await
}

#[command]
pub async fn scheme_save(shell: State<'_, Shell>, input: SchemeInput) -> Result<Scheme> {
    screening::save(&*shell.desk().await?, &input).await
}

#[command]
pub async fn scorecard_record(
    shell: State<'_, Shell>,
    partner_id: String,
    input: ScorecardInput,
) -> Result<Scorecard> {
    screening::score(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn referral_set(
    shell: State<'_, Shell>,
    partner_id: String,
    input: ReferralInput,
) -> Result<Referral> {
    referrals::set(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn referral_settle(
    shell: State<'_, Shell>,
    partner_id: String,
    paid: bool,
    paid_on: String,
) -> Result<Referral> {
    referrals::settle(&*shell.desk().await?, &partner_id, paid, &paid_on).await
}

#[command]
pub async fn events_list(shell: State<'_, Shell>) -> Result<Vec<TradeEvent>> {
    events::list(&*shell.desk().await?).await
}

#[command]
pub async fn event_get(shell: State<'_, Shell>, id: String) -> Result<TradeEvent> {
    events::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn event_create(shell: State<'_, Shell>, input: EventInput) -> Result<TradeEvent> {
    events::create(&*shell.desk().await?, &input).await
}

#[command]
pub async fn event_update(
    shell: State<'_, Shell>,
    id: String,
    expected_hlc: String,
    input: EventInput,
) -> Result<TradeEvent> {
    events::update(&*shell.desk().await?, &id, &expected_hlc, &input).await
}

#[command]
pub async fn event_summary(shell: State<'_, Shell>, id: String) -> Result<EventSummary> {
    events::summary(&*shell.desk().await?, &id).await
}

/// Asks where to save, then writes the event's leads as CSV; the count, or `None` when the
/// dialog was cancelled.
#[command]
pub async fn event_summary_csv<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    id: String,
    labels: CsvLabels,
) -> Result<Option<u64>> {
    let desk = shell.desk().await?;
    let event = events::get(&desk, &id).await?;
    let name = format!("ChannelDesk-{}-{}.csv", event.number, desk.today());
    let Some(path) = crate::files::ask_save_path(&app, &name, "CSV", "csv").await? else {
        return Ok(None);
    };
    events::summary_csv(&desk, &id, &path, &labels).await.map(Some)
}

#[command]
pub async fn lead_check(shell: State<'_, Shell>, input: LeadInput) -> Result<DuplicateReport> {
    leads::check(&*shell.desk().await?, &input).await
}

#[command]
pub async fn lead_capture(
    shell: State<'_, Shell>,
    input: LeadInput,
    confirm_similar: bool,
    merge_into: Option<String>,
) -> Result<LeadSaved> {
    leads::capture(&*shell.desk().await?, &input, confirm_similar, merge_into.as_deref()).await
}

#[command]
pub async fn notes_list(shell: State<'_, Shell>, query: NoteQuery) -> Result<Page<NoteRow>> {
    research::list(&*shell.desk().await?, &query).await
}

#[command]
pub async fn note_get(shell: State<'_, Shell>, id: String) -> Result<Note> {
    research::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn note_create(shell: State<'_, Shell>, input: NoteInput) -> Result<Note> {
    research::create(&*shell.desk().await?, &input).await
}

#[command]
pub async fn note_update(
    shell: State<'_, Shell>,
    id: String,
    expected_hlc: String,
    input: NoteInput,
) -> Result<Note> {
    research::update(&*shell.desk().await?, &id, &expected_hlc, &input).await
}

#[command]
pub async fn note_delete(shell: State<'_, Shell>, id: String) -> Result<()> {
    research::delete(&*shell.desk().await?, &id).await
}

#[command]
pub async fn card_parse(shell: State<'_, Shell>, text: String) -> Result<Vec<CardContact>> {
    shell.desk().await?.require(channeldesk::access::Action::PartnerWrite)?;
    cards::parse(&text)
}

/// A file in the raw body; `x-owner-kind`, `x-owner-id` and `x-name` (percent-encoded)
/// headers say where it belongs.
#[command]
pub async fn attachment_add(shell: State<'_, Shell>, request: Request<'_>) -> Result<AttachmentInfo> {
    let header = |name: &str| -> String {
        let raw = request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
        percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned()
    };
    // A body that is not raw bytes is an empty file (the core refuses it after the guard).
    let bytes: &[u8] = match request.body() {
        InvokeBody::Raw(bytes) => bytes,
        InvokeBody::Json(_) => &[],
    };
    let desk = shell.desk().await?;
    attachments::add(&desk, &header("x-owner-kind"), &header("x-owner-id"), &header("x-name"), bytes).await
}

/// The file's bytes as a raw response (the window shows pictures from them).
#[command]
pub async fn attachment_bytes(shell: State<'_, Shell>, id: String) -> Result<Response> {
    let (_, bytes) = attachments::read(&*shell.desk().await?, &id).await?;
    Ok(Response::new(bytes))
}

/// Asks where to save a copy of an attachment; whether it was saved.
#[command]
pub async fn attachment_save<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    id: String,
) -> Result<bool> {
    let desk = shell.desk().await?;
    let (info, bytes) = attachments::read(&desk, &id).await?;
    let ext = info.name.rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_default();
    let Some(path) = crate::files::ask_save_path(&app, &info.name, &info.media_type, &ext).await? else {
        return Ok(false);
    };
    std::fs::write(&path, bytes)?;
    Ok(true)
}

#[command]
pub async fn attachment_remove(shell: State<'_, Shell>, id: String) -> Result<()> {
    attachments::remove(&*shell.desk().await?, &id).await
}
