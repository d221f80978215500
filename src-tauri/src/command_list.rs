/// Every app command, in `commands/`. `build.rs` makes one `allow-<command>` permission of
/// each; `capabilities/default.json` grants them to the main window; an IPC test checks that
/// each is registered and granted.
pub const COMMANDS: &[&str] = &[
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
    "partners_status_counts",
    "partners_history",
];
