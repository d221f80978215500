//! Market promotion (R5.1.1–R5.2.3): goals, strategies, activities with their execution log
//! and effect, and the printed summary of a period. Market analysis notes go through the
//! research note commands.

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::promotion::{
    self, Activity, ActivityInput, ActivityQuery, ActivityRow, EffectInput, Goal, GoalInput, LogInput,
    Strategy, StrategyInput,
};
use channeldesk_macros::command;
use tauri::State;

/// The record being changed and the version it was read at (none: a new record).
fn target<'a>(id: &'a Option<String>, expected_hlc: &'a Option<String>) -> Option<(&'a str, &'a str)> {
    id.as_deref().map(|id| (id, expected_hlc.as_deref().unwrap_or_default()))
}

#[command]
pub async fn promotion_goals(shell: State<'_, Shell>, from: String, to: String) -> Result<Vec<Goal>> {
    promotion::goals(&*shell.desk().await?, &from, &to).await
}

#[command]
pub async fn promotion_goal_save(
    shell: State<'_, Shell>,
    id: Option<String>,
    expected_hlc: Option<String>,
    input: GoalInput,
) -> Result<Goal> {
    promotion::save_goal(&*shell.desk().await?, target(&id, &expected_hlc), &input).await
}

#[command]
pub async fn promotion_strategies(
    shell: State<'_, Shell>,
    from: String,
    to: String,
) -> Result<Vec<Strategy>> {
    promotion::strategies(&*shell.desk().await?, &from, &to).await
}

#[command]
pub async fn promotion_strategy_save(
    shell: State<'_, Shell>,
    id: Option<String>,
    expected_hlc: Option<String>,
    input: StrategyInput,
) -> Result<Strategy> {
    promotion::save_strategy(&*shell.desk().await?, target(&id, &expected_hlc), &input).await
}

#[command]
pub async fn promotion_activities(shell: State<'_, Shell>, query: ActivityQuery) -> Result<Vec<ActivityRow>> {
    promotion::activities(&*shell.desk().await?, &query).await
}

#[command]
pub async fn promotion_activity(shell: State<'_, Shell>, id: String) -> Result<Activity> {
    promotion::activity(&*shell.desk().await?, &id).await
}

#[command]
pub async fn promotion_activity_save(
    shell: State<'_, Shell>,
    id: Option<String>,
    expected_hlc: Option<String>,
    input: ActivityInput,
) -> Result<Activity> {
    promotion::save_activity(&*shell.desk().await?, target(&id, &expected_hlc), &input).await
}

#[command]
pub async fn promotion_log_add(
    shell: State<'_, Shell>,
    activity_id: String,
    input: LogInput,
) -> Result<Activity> {
    promotion::add_log(&*shell.desk().await?, &activity_id, &input).await
}

#[command]
pub async fn promotion_evaluate(shell: State<'_, Shell>, id: String, input: EffectInput) -> Result<Activity> {
    promotion::evaluate(&*shell.desk().await?, &id, &input).await
}

/// Prints the summary of `from`–`to` to the data folder's `prints` folder and opens it.
#[command]
pub async fn promotion_summary_print(
    shell: State<'_, Shell>,
    from: String,
    to: String,
) -> Result<crate::printing::DocumentView> {
    let desk = shell.desk().await?;
    let printed = promotion::report::summary_pdf(&desk, &from, &to).await?;
    shell.documents.hold(&desk, printed, None)
}
