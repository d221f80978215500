//! The `channeldesk` program: a command-line task (`export`, `import`, `backup`, `verify`), or
//! the desktop shell with its few options.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if channeldesk_app::cli::wants(&args) {
        std::process::exit(channeldesk_app::cli::main(&args));
    }
    match channeldesk_app::LaunchOptions::parse(args) {
        Ok(opts) => channeldesk_app::run(opts),
        Err(msg) => {
            eprintln!("{msg}\n\n{}", channeldesk_app::USAGE);
            std::process::exit(2);
        }
    }
}
