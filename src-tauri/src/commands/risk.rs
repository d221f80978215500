//! Risk management (R6.1.1–R6.2.4): the register, measures, reviews, heat map and sweep;
//! partner credit (scheme, ratings, alerts, responses); procedures and staff trainings.

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::paging::Page;
use channeldesk::risk::controls::{self, Procedure, ProcedureInput, StaffTraining, StaffTrainingInput};
use channeldesk::risk::credit::{
    self, Alert, CreditScheme, PartnerCredit, RatingInput, ResponseInput, SchemeInput,
};
use channeldesk::risk::{
    self, HeatCell, MeasureInput, ReviewInput, Risk, RiskInput, RiskQuery, RiskRow, Sweep,
};
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn risks(shell: State<'_, Shell>, query: RiskQuery) -> Result<Page<RiskRow>> {
    risk::list(&*shell.desk().await?, &query).await
}

#[command]
pub async fn risk(shell: State<'_, Shell>, id: String) -> Result<Risk> {
    risk::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn risk_create(shell: State<'_, Shell>, input: RiskInput) -> Result<Risk> {
    risk::create(&*shell.desk().await?, &input).await
}

#[command]
pub async fn risk_update(
    shell: State<'_, Shell>,
    id: String,
    expected_hlc: String,
    input: RiskInput,
) -> Result<Risk> {
    risk::update(&*shell.desk().await?, &id, &expected_hlc, &input).await
}

#[command]
pub async fn risk_measure_add(shell: State<'_, Shell>, risk_id: String, input: MeasureInput) -> Result<Risk> {
    risk::add_measure(&*shell.desk().await?, &risk_id, &input).await
}

#[command]
pub async fn risk_measure_done(shell: State<'_, Shell>, id: String, done_on: String) -> Result<Risk> {
    risk::measure_done(&*shell.desk().await?, &id, &done_on).await
}

#[command]
pub async fn risk_review(shell: State<'_, Shell>, risk_id: String, input: ReviewInput) -> Result<Risk> {
    risk::review(&*shell.desk().await?, &risk_id, &input).await
}

#[command]
pub async fn risk_close(shell: State<'_, Shell>, id: String, note: String) -> Result<Risk> {
    risk::close(&*shell.desk().await?, &id, &note).await
}

#[command]
pub async fn risk_heat_map(shell: State<'_, Shell>, category: String) -> Result<Vec<HeatCell>> {
    risk::heat_map(&*shell.desk().await?, &category).await
}

#[command]
pub async fn risk_sweep(shell: State<'_, Shell>) -> Result<Sweep> {
    risk::sweep(&*shell.desk().await?).await
}

#[command]
pub async fn credit_scheme(shell: State<'_, Shell>) -> Result<CreditScheme> {
    credit::scheme(&*shell.desk().await?).await
}

#[command]
pub async fn credit_schemes(shell: State<'_, Shell>) -> Result<Vec<CreditScheme>> {
    credit::schemes(&*shell.desk().await?).await
}

#[command]
pub async fn credit_scheme_save(shell: State<'_, Shell>, input: SchemeInput) -> Result<CreditScheme> {
    credit::save_scheme(&*shell.desk().await?, &input).await
}

#[command]
pub async fn partner_credit(shell: State<'_, Shell>, partner_id: String) -> Result<PartnerCredit> {
    credit::partner_credit(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn credit_rate(
    shell: State<'_, Shell>,
    partner_id: String,
    input: RatingInput,
) -> Result<PartnerCredit> {
    credit::rate(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn credit_respond(
    shell: State<'_, Shell>,
    partner_id: String,
    input: ResponseInput,
) -> Result<PartnerCredit> {
    credit::respond(&*shell.desk().await?, &partner_id, &input).await
}

#[command]
pub async fn credit_alerts(shell: State<'_, Shell>) -> Result<Vec<Alert>> {
    credit::alerts(&*shell.desk().await?).await
}

#[command]
pub async fn procedures(shell: State<'_, Shell>) -> Result<Vec<Procedure>> {
    controls::procedures(&*shell.desk().await?).await
}

#[command]
pub async fn procedure_save(
    shell: State<'_, Shell>,
    id: Option<String>,
    expected_hlc: Option<String>,
    input: ProcedureInput,
) -> Result<Procedure> {
    let desk = shell.desk().await?;
    match id {
        Some(id) => controls::update_procedure(&desk, &id, &expected_hlc.unwrap_or_default(), &input).await,
        None => controls::create_procedure(&desk, &input).await,
    }
}

#[command]
pub async fn staff_trainings(shell: State<'_, Shell>) -> Result<Vec<StaffTraining>> {
    controls::trainings(&*shell.desk().await?).await
}

#[command]
pub async fn staff_training_record(
    shell: State<'_, Shell>,
    input: StaffTrainingInput,
) -> Result<Vec<StaffTraining>> {
    controls::record_training(&*shell.desk().await?, &input).await
}
