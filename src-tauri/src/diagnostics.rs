//! What the shell knows for the diagnostics bundle (the core's `diagnostics` writes it):
//! the program's and the platform's versions, the data folder's state, the integrity check
//! run at start, and why the data could not be opened, when it could not.

use crate::state::Shell;
use channeldesk::diagnostics::{self, About};

/// The facts of this installation, gathered now.
pub async fn about(shell: &Shell) -> About {
    let mut facts: Vec<(String, String)> = vec![
        ("version".into(), env!("CARGO_PKG_VERSION").into()),
        ("built".into(), crate::BUILD_DATE.into()),
        ("os".into(), crate::platform()),
        ("web_view".into(), tauri::webview_version().unwrap_or_else(|e| format!("unknown ({e})"))),
        ("tauri".into(), tauri::VERSION.into()),
        ("saved_at".into(), chrono::Local::now().to_rfc3339()),
    ];
    facts.extend(diagnostics::folder_facts(&shell.dir));
    match shell.desk().await {
        Ok(desk) => match diagnostics::schema_facts(&desk).await {
            Ok(more) => facts.extend(more),
            Err(e) => facts.push(("schema".into(), format!("unreadable: {}", e.chain()))),
        },
        Err(_) => {
            let why = shell
                .failure()
                .map(|f| format!("{}: {}", f.code, f.message))
                .or_else(|| shell.recovery().map(|r| format!("waiting for the recovery key ({r:?})")))
                .unwrap_or_else(|| "not open".into());
            facts.push(("data".into(), why));
        }
    }
    let integrity = shell.integrity.lock().unwrap_or_else(|p| p.into_inner()).clone();
    About { facts, integrity }
}
