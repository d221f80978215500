//! The audit trail screen (R1.1): filter, verify the chain, export CSV.

use crate::state::Shell;
use channeldesk::Result;
use channeldesk::audit::{self, AuditPage, AuditQuery, ChainReport};
use channeldesk_macros::command;
use tauri::{AppHandle, Runtime, State};

#[command]
pub async fn audit_list(shell: State<'_, Shell>, query: AuditQuery) -> Result<AuditPage> {
    audit::list(&*shell.desk().await?, &query).await
}

#[command]
pub async fn audit_verify(shell: State<'_, Shell>) -> Result<ChainReport> {
    audit::verify(&*shell.desk().await?).await
}

/// Asks where to save, then writes the matching entries as CSV; the count, or `None` when
/// the dialog was cancelled.
#[command]
pub async fn audit_export_csv<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    query: AuditQuery,
) -> Result<Option<u64>> {
    let desk = shell.desk().await?;
    desk.require(channeldesk::access::Action::AuditRead)?;
    let name = format!("ChannelDesk-audit-{}.csv", desk.today());
    let Some(path) = crate::files::ask_save_path(&app, &name, "CSV", "csv").await? else {
        return Ok(None);
    };
    audit::export_csv(&desk, &query, &path).await.map(Some)
}
