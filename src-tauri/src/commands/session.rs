//! Sign-in, lock, the owner's set-up and the kiosk lock (R2.1.1).

use crate::state::Shell;
use channeldesk::applications::{self, ApplicationInput, ApplicationReceipt};
use channeldesk::{Result, SessionInfo, users};
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn session_setup_owner(
    shell: State<'_, Shell>,
    display_name: String,
    login: String,
    password: String,
) -> Result<SessionInfo> {
    let desk = shell.desk().await?;
    users::setup_owner(&desk, &display_name, &login, &password).await?;
    shell.seed_demo_if_asked(&desk).await?;
    Ok(desk.session_info())
}

#[command]
pub async fn session_sign_in(
    shell: State<'_, Shell>,
    login: String,
    password: String,
) -> Result<SessionInfo> {
    let desk = shell.desk().await?;
    users::sign_in(&desk, &login, &password).await?;
    shell.documents.clear();
    shell.seed_demo_if_asked(&desk).await?;
    Ok(desk.session_info())
}

#[command]
pub async fn session_unlock(shell: State<'_, Shell>, password: String) -> Result<SessionInfo> {
    users::unlock(&*shell.desk().await?, &password).await
}

#[command]
pub async fn session_lock(shell: State<'_, Shell>) -> Result<SessionInfo> {
    Ok(shell.desk().await?.lock())
}

#[command]
pub async fn session_touch(shell: State<'_, Shell>) -> Result<SessionInfo> {
    shell.desk().await?.touch()
}

#[command]
pub async fn session_sign_out(shell: State<'_, Shell>) -> Result<SessionInfo> {
    shell.documents.clear();
    users::sign_out(&*shell.desk().await?).await
}

#[command]
pub async fn session_change_password(
    shell: State<'_, Shell>,
    current: String,
    new_password: String,
) -> Result<()> {
    users::change_own_password(&*shell.desk().await?, &current, &new_password).await
}

#[command]
pub async fn kiosk_start(
    shell: State<'_, Shell>,
    event: String,
    event_id: Option<String>,
) -> Result<SessionInfo> {
    users::kiosk_start(&*shell.desk().await?, &event, event_id.as_deref()).await
}

#[command]
pub async fn kiosk_exit(shell: State<'_, Shell>, login: String, password: String) -> Result<SessionInfo> {
    users::kiosk_exit(&*shell.desk().await?, &login, &password).await
}

#[command]
pub async fn kiosk_submit(shell: State<'_, Shell>, input: ApplicationInput) -> Result<ApplicationReceipt> {
    applications::submit(&*shell.desk().await?, &input).await
}
