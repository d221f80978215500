//! Generates the Tauri context and one `allow-<command>` permission per app command, so the
//! capability file can grant exactly the commands the UI uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    println!("cargo:rerun-if-changed=src/command_list.rs");
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build step");
}

include!("src/command_list.rs");
