//! Relationship maintenance (R2.3.1–R2.3.3): the communication log and quarterly review
//! minutes, follow-ups, training, support requests, rewards, annual awards and certificates,
//! and a partner's timeline.

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::relationship::incentives::{self, AwardYear, NominationInput, Reward, RewardInput};
use channeldesk::relationship::support::{self, SupportInput, SupportRequest, Training, TrainingInput};
use channeldesk::relationship::timeline::{self, TimelineItem};
use channeldesk::relationship::{self, LogEntry, LogInput};
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn relationship_logs(shell: State<'_, Shell>, partner_id: String) -> Result<Vec<LogEntry>> {
    relationship::logs(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn relationship_log(
    shell: State<'_, Shell>,
    partner_id: String,
    input: LogInput,
) -> Result<Vec<LogEntry>> {
    relationship::log(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn follow_up_done(shell: State<'_, Shell>, id: String, done_on: String) -> Result<Vec<LogEntry>> {
    relationship::follow_up_done(&*shell.desk().await?, &id, &done_on).await
}

/// The minutes of a quarterly review, written into the data folder and opened.
#[command]
pub async fn minutes_print(shell: State<'_, Shell>, log_id: String) -> Result<crate::printing::DocumentView> {
    let desk = shell.desk().await?;
    let printed = relationship::minutes_pdf(&desk, &log_id).await?;
    shell.documents.hold(&desk, printed, None)
}

#[command]
pub async fn trainings(shell: State<'_, Shell>, partner_id: String) -> Result<Vec<Training>> {
    support::trainings(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn training_record(
    shell: State<'_, Shell>,
    partner_id: String,
    input: TrainingInput,
) -> Result<Vec<Training>> {
    support::record_training(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn support_requests(shell: State<'_, Shell>, partner_id: String) -> Result<Vec<SupportRequest>> {
    support::requests(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn support_open(
    shell: State<'_, Shell>,
    partner_id: String,
    input: SupportInput,
) -> Result<Vec<SupportRequest>> {
    support::open_request(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn support_move(
    shell: State<'_, Shell>,
    id: String,
    status: String,
    resolution: String,
) -> Result<Vec<SupportRequest>> {
    support::move_request(&*shell.desk().await?, &id, &status, &resolution).await
}

#[command]
pub async fn rewards(shell: State<'_, Shell>, partner_id: String) -> Result<Vec<Reward>> {
    incentives::rewards(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn reward_propose(
    shell: State<'_, Shell>,
    partner_id: String,
    input: RewardInput,
) -> Result<Vec<Reward>> {
    incentives::propose(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn reward_decide(
    shell: State<'_, Shell>,
    id: String,
    approve: bool,
    note: String,
) -> Result<Vec<Reward>> {
    incentives::decide(&*shell.desk().await?, &id, approve, &note).await
}

#[command]
pub async fn awards(shell: State<'_, Shell>, year: i64) -> Result<AwardYear> {
    incentives::award_year(&*shell.desk().await?, year).await
}

#[command]
pub async fn award_nominate(shell: State<'_, Shell>, input: NominationInput) -> Result<AwardYear> {
    incentives::nominate(&*shell.desk().await?, &input).await
}

#[command]
pub async fn award_confer(shell: State<'_, Shell>, id: String) -> Result<AwardYear> {
    incentives::confer(&*shell.desk().await?, &id).await
}

#[command]
pub async fn award_categories_set(shell: State<'_, Shell>, names: Vec<String>) -> Result<Vec<String>> {
    incentives::set_categories(&*shell.desk().await?, &names).await
}

/// The honour certificate, written into the data folder and opened.
#[command]
pub async fn award_certificate(
    shell: State<'_, Shell>,
    id: String,
    company: String,
) -> Result<crate::printing::DocumentView> {
    let desk = shell.desk().await?;
    let printed = incentives::certificate_pdf(&desk, &id, &company).await?;
    shell.documents.hold(&desk, printed, None)
}

#[command]
pub async fn partner_timeline(
    shell: State<'_, Shell>,
    partner_id: String,
    kinds: Vec<String>,
) -> Result<Vec<TimelineItem>> {
    timeline::timeline(&*shell.desk().await?, &partner_id, &kinds).await
}
