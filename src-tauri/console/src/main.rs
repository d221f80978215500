//! `channeldesk.com`, installed beside `channeldesk.exe` on Windows. The window program cannot
//! make cmd or PowerShell wait for it, so a script typing `channeldesk backup` would lose its
//! output and exit code; cmd and PowerShell run `.com` before `.exe`, so this console program
//! runs instead: it starts `channeldesk.exe` beside it with the same arguments and standard
//! handles, waits, and exits with its code. Elsewhere it does the same with `channeldesk`.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let Ok(me) = std::env::current_exe() else {
        eprintln!("channeldesk: cannot find where this program is installed");
        return ExitCode::from(1);
    };
    let program = me.with_file_name(if cfg!(windows) { "channeldesk.exe" } else { "channeldesk" });
    match Command::new(&program).args(std::env::args_os().skip(1)).status() {
        Ok(status) => ExitCode::from(status.code().map(|c| c.clamp(0, 255) as u8).unwrap_or(1)),
        Err(e) => {
            eprintln!("channeldesk: cannot start {}: {e}", program.display());
            ExitCode::from(1)
        }
    }
}
