//! Where the program keeps its files on each operating system, one answer for the window and
//! the command line alike.
//!
//! - data folder: `--data-dir`, else `CHANNELDESK_DATA_DIR`, else the per-user local data
//!   folder with the app identifier: Windows `%LOCALAPPDATA%\com.channeldesk.desk` (local, not
//!   roaming: the encrypted database is large and its key stays in this computer's Credential
//!   Manager), macOS `~/Library/Application Support/com.channeldesk.desk`, Linux
//!   `$XDG_DATA_HOME/com.channeldesk.desk` (`~/.local/share/…`);
//! - logs, prints, backups and exchange files: folders inside the data folder, so one folder
//!   holds everything a laptop has and an uninstaller or an IT script finds it in one place.

use std::path::{Path, PathBuf};

/// The app identifier (also the keychain service and the data folder's name).
pub const IDENTIFIER: &str = "com.channeldesk.desk";

/// The data folder: the one given, else `CHANNELDESK_DATA_DIR`, else the per-user default.
pub fn data_dir(given: Option<PathBuf>) -> Option<PathBuf> {
    given
        .or_else(|| std::env::var_os("CHANNELDESK_DATA_DIR").filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(|| dirs::data_local_dir().map(|d| d.join(IDENTIFIER)))
}

/// The log folder of a data folder.
pub fn log_dir(data: &Path) -> PathBuf {
    data.join("logs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_given_folder_wins_and_the_default_is_per_user_and_local() {
        assert_eq!(data_dir(Some("/x/y".into())), Some(PathBuf::from("/x/y")));
        if std::env::var_os("CHANNELDESK_DATA_DIR").is_none() {
            let d = data_dir(None).unwrap();
            assert!(d.ends_with(IDENTIFIER));
            #[cfg(target_os = "linux")]
            {
                let home = PathBuf::from(std::env::var_os("HOME").unwrap());
                let base = std::env::var_os("XDG_DATA_HOME")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| home.join(".local/share"));
                assert_eq!(d, base.join(IDENTIFIER));
            }
        }
        assert_eq!(log_dir(Path::new("/d")), PathBuf::from("/d/logs"));
    }
}
