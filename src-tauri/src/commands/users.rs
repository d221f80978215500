//! Accounts (administrators) and the list of users for pickers.

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::users::{self, NewUser, UserAccount, UserChange, UserSummary};
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn users_list(shell: State<'_, Shell>) -> Result<Vec<UserSummary>> {
    users::list(&*shell.desk().await?).await
}

#[command]
pub async fn users_accounts(shell: State<'_, Shell>) -> Result<Vec<UserAccount>> {
    users::accounts(&*shell.desk().await?).await
}

#[command]
pub async fn users_create(shell: State<'_, Shell>, input: NewUser) -> Result<UserAccount> {
    users::create(&*shell.desk().await?, &input).await
}

#[command]
pub async fn users_update(shell: State<'_, Shell>, id: String, change: UserChange) -> Result<UserAccount> {
    users::update(&*shell.desk().await?, &id, &change).await
}
