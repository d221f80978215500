//! The `channeldesk` program: parses its few options and runs the desktop shell.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    match channeldesk_app::LaunchOptions::parse(std::env::args().skip(1)) {
        Ok(opts) => channeldesk_app::run(opts),
        Err(msg) => {
            eprintln!("{msg}\n\n{}", channeldesk_app::USAGE);
            std::process::exit(2);
        }
    }
}
