//! Generates the Tauri context and one `allow-<command>` permission per app command, so the
//! capability file can grant exactly the commands the UI uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step");
}

/// Must list exactly the commands in `src/commands/` (an IPC test checks each is granted).
const COMMANDS: &[&str] = &[
    "app_info",
    "reference_data",
    "settings_get",
    "settings_set_language",
    "reminders_due",
    "users_list",
    "partners_list",
    "partners_get",
    "partners_create",
    "partners_update",
    "partners_delete",
    "partners_restore",
    "partners_check_duplicates",
    "partners_tags",
    "partners_history",
];
