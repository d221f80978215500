//! Tauri commands, one file per policy area. Each command is a few lines that call the core;
//! errors reach the UI as the core's `{code, message, fields, conflicts}` payload.

pub mod agreements;
pub mod app;
pub mod applications;
pub mod audit;
pub mod dashboard;
pub mod documents;
pub mod evaluation;
pub mod orders;
pub mod partners;
pub mod promotion;
pub mod recruitment;
pub mod relationship;
pub mod risk;
pub mod session;
pub mod share;
pub mod updates;
pub mod users;

#[cfg(test)]
mod tests {
    /// Every command is declared with `#[command]`, so every call leaves its log line.
    #[test]
    fn every_command_is_logged() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
        let mut declared = 0;
        for e in std::fs::read_dir(&dir).expect("commands").flatten() {
            if e.path().ends_with("mod.rs") {
                continue;
            }
            let src = std::fs::read_to_string(e.path()).expect("source");
            assert!(
                !src.contains("#[tauri::command"),
                "{}: declare commands with #[command]",
                e.path().display()
            );
            declared += src.matches("\n#[command]\n").count();
        }
        assert_eq!(declared, crate::command_list::COMMANDS.len(), "one #[command] per listed command");
    }
}
