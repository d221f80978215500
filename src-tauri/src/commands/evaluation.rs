//! Evaluation and classification (R2.2.1–R2.2.3): the scheme, rounds and special evaluations,
//! scoring, finishing, measures, a partner's standing, and the reports (PDF printed into the
//! data folder and opened in the system viewer, or saved through the dialog; the portfolio
//! also as CSV).

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::evaluation::report::{self, PeriodInput, Portfolio, PortfolioLabels};
use channeldesk::evaluation::scheme::{self, EvaluationScheme, EvaluationSchemeInput};
use channeldesk::evaluation::{
    self, Evaluation, EvaluationPage, EvaluationQuery, MeasureInput, PartnerStanding, RoundSummary,
    ScoreInput, SpecialInput,
};
use channeldesk_macros::command;
use tauri::{AppHandle, Runtime, State};

#[command]
pub async fn evaluation_scheme_versions(shell: State<'_, Shell>) -> Result<Vec<EvaluationScheme>> {
    scheme::versions(&*shell.desk().await?).await
}

#[command]
pub async fn evaluation_scheme_save(
    shell: State<'_, Shell>,
    input: EvaluationSchemeInput,
) -> Result<EvaluationScheme> {
    scheme::save(&*shell.desk().await?, &input).await
}

#[command]
pub async fn evaluation_list(shell: State<'_, Shell>, query: EvaluationQuery) -> Result<EvaluationPage> {
    evaluation::list(&*shell.desk().await?, &query).await
}

#[command]
pub async fn evaluation_get(shell: State<'_, Shell>, id: String) -> Result<Evaluation> {
    evaluation::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn evaluation_round(shell: State<'_, Shell>, year: i32) -> Result<RoundSummary> {
    evaluation::start_round(&*shell.desk().await?, year).await
}

#[command]
pub async fn evaluation_special(shell: State<'_, Shell>, input: SpecialInput) -> Result<Evaluation> {
    evaluation::start_special(&*shell.desk().await?, &input).await
}

#[command]
pub async fn evaluation_score(
    shell: State<'_, Shell>,
    id: String,
    scores: Vec<ScoreInput>,
) -> Result<Evaluation> {
    evaluation::score(&*shell.desk().await?, &id, &scores).await
}

#[command]
pub async fn evaluation_finish(shell: State<'_, Shell>, id: String) -> Result<Evaluation> {
    evaluation::finish(&*shell.desk().await?, &id).await
}

#[command]
pub async fn evaluation_measure_add(
    shell: State<'_, Shell>,
    id: String,
    input: MeasureInput,
) -> Result<Evaluation> {
    evaluation::add_measure(&*shell.desk().await?, &id, &input).await
}

#[command]
pub async fn evaluation_measure_done(
    shell: State<'_, Shell>,
    measure_id: String,
    done_on: String,
) -> Result<Evaluation> {
    evaluation::complete_measure(&*shell.desk().await?, &measure_id, &done_on).await
}

#[command]
pub async fn partner_standing(shell: State<'_, Shell>, partner_id: String) -> Result<PartnerStanding> {
    evaluation::standing(&*shell.desk().await?, &partner_id).await
}

/// The evaluation report written into the data folder and opened in the system viewer.
#[command]
pub async fn evaluation_print(shell: State<'_, Shell>, id: String) -> Result<crate::printing::DocumentView> {
    let desk = shell.desk().await?;
    let printed = report::evaluation_pdf(&desk, &id).await?;
    shell.documents.hold(&desk, printed, None)
}

#[command]
pub async fn portfolio(shell: State<'_, Shell>, period: PeriodInput) -> Result<Portfolio> {
    report::portfolio(&*shell.desk().await?, &period).await
}

/// The portfolio report written into the data folder and opened in the system viewer.
#[command]
pub async fn portfolio_print(
    shell: State<'_, Shell>,
    period: PeriodInput,
) -> Result<crate::printing::DocumentView> {
    let desk = shell.desk().await?;
    let printed = report::portfolio_pdf(&desk, &period).await?;
    shell.documents.hold(&desk, printed, None)
}

/// Asks where to save, then writes the portfolio as CSV; the row count, or `None` when
/// cancelled.
#[command]
pub async fn portfolio_csv<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    period: PeriodInput,
    labels: PortfolioLabels,
) -> Result<Option<u64>> {
    let desk = shell.desk().await?;
    report::portfolio(&desk, &period).await?;
    let name = format!("ChannelDesk-evaluations-{}-{}.csv", period.from, period.to);
    let Some(path) = crate::files::ask_save_path(&app, &name, "CSV", "csv").await? else {
        return Ok(None);
    };
    report::portfolio_csv(&desk, &period, &labels, &path).await.map(Some)
}
