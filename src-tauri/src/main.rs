//! The `channeldesk` program: a command-line task (`setup`, `export`, `import`, `backup`,
//! `verify`, `--version`), or the desktop shell with its few options.
//!
//! Release builds for Windows are window programs (no console flashes up when the window
//! starts). Started from cmd or PowerShell for a task, the program writes to the console it
//! was started from; the installer also puts `channeldesk.com` beside it, a console twin that
//! runs this program and waits for it, so scripts get its output and exit code.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if channeldesk_app::cli::wants(&args) {
        attach_console();
        std::process::exit(channeldesk_app::cli::main(&args));
    }
    match channeldesk_app::LaunchOptions::parse(args) {
        Ok(opts) => channeldesk_app::run(opts),
        Err(msg) => {
            attach_console();
            eprintln!("{msg}\n\n{}", channeldesk_app::USAGE);
            std::process::exit(2);
        }
    }
}

/// On Windows, a window program started from a console has no standard handles unless they
/// were handed to it (by `channeldesk.com` or a redirection): then it writes to the console of
/// the process that started it.
fn attach_console() {
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Console::{
            ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_OUTPUT_HANDLE,
        };
        // SAFETY: plain Win32 calls without pointers; a failed attach leaves the process as it was.
        unsafe {
            let out = GetStdHandle(STD_OUTPUT_HANDLE);
            if out.is_null() || out == windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE {
                AttachConsole(ATTACH_PARENT_PROCESS);
            }
        }
    }
}
