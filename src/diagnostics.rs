//! The diagnostics bundle a person gives IT support: one zip with the program's log files
//! and `about.txt` (versions, operating system, data folder and file sizes, the schema
//! version, the last integrity check, why the data could not be opened).
//!
//! Invariants: no business data goes in. The database is asked for its schema version and
//! page counts only (never a table's rows); the logs hold none by their own rule (the
//! shell's `logging`); key, keychain and backup files are never read. The zip is written
//! to a temporary name and renamed, so a cancelled or failed save leaves no half file.

use crate::backup::IntegrityReport;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// What the bundle says about the installation, besides the logs.
#[derive(Debug, Clone, Default)]
pub struct About {
    /// `name: value` lines in the order given (version, build, OS, web view, …).
    pub facts: Vec<(String, String)>,
    /// The last integrity check, when one ran.
    pub integrity: Option<IntegrityReport>,
}

/// The schema facts of an open Desk for [`About`]: newest migration, page size and count.
pub async fn schema_facts(desk: &crate::Desk) -> Result<Vec<(String, String)>> {
    let text = |sql: &'static str| async move {
        sqlx::query_scalar::<_, String>(sql).fetch_optional(desk.pool()).await.map(Option::unwrap_or_default)
    };
    let version = text(
        "SELECT CAST(version AS TEXT) FROM _sqlx_migrations WHERE success = 1 ORDER BY version DESC LIMIT 1",
    )
    .await?;
    let pages = text("SELECT CAST(page_count AS TEXT) FROM pragma_page_count()").await?;
    let page_size = text("SELECT CAST(page_size AS TEXT) FROM pragma_page_size()").await?;
    Ok(vec![
        ("schema_version".into(), version),
        ("database_pages".into(), format!("{pages} × {page_size} bytes")),
    ])
}

/// The sizes of the data folder's main files (names fixed by the program, no user text).
pub fn folder_facts(data_dir: &Path) -> Vec<(String, String)> {
    let size = |name: &str| std::fs::metadata(data_dir.join(name)).map(|m| m.len().to_string());
    let mut facts = vec![];
    for name in [crate::db::DB_FILE.to_string(), format!("{}-wal", crate::db::DB_FILE)] {
        facts.push((format!("file {name}"), size(&name).unwrap_or_else(|_| "absent".into())));
    }
    let backups =
        std::fs::read_dir(data_dir.join(crate::backup::DIR)).map(|d| d.flatten().count()).unwrap_or(0);
    facts.push(("backups".into(), backups.to_string()));
    facts
}

/// Writes the bundle to `path`: every `*.log` file of `log_dir` and `about.txt`. The number
/// of log files it holds.
pub fn write(path: &Path, log_dir: &Path, about: &About) -> Result<usize> {
    let zerr = |e: zip::result::ZipError| Error::Storage(format!("zip: {e}"));
    let mut logs: Vec<_> = std::fs::read_dir(log_dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(".log"))
                })
                .collect()
        })
        .unwrap_or_default();
    logs.sort();
    let tmp = path.with_extension("zip.part");
    let file = std::fs::File::create(&tmp)?;
    let written = (|| -> Result<()> {
        let mut zip = zip::ZipWriter::new(file);
        let opts =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("about.txt", opts).map_err(zerr)?;
        zip.write_all(about_text(about).as_bytes())?;
        for log in &logs {
            let name = log.file_name().and_then(|n| n.to_str()).unwrap_or("channeldesk.log");
            zip.start_file(format!("logs/{name}"), opts).map_err(zerr)?;
            zip.write_all(&std::fs::read(log)?)?;
        }
        zip.finish().map_err(zerr)?.sync_all()?;
        Ok(())
    })();
    match written {
        Ok(()) => {
            std::fs::rename(&tmp, path)?;
            Ok(logs.len())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn about_text(about: &About) -> String {
    let mut text = String::from("ChannelDesk diagnostics\n\n");
    for (k, v) in &about.facts {
        text.push_str(&format!("{k}: {v}\n"));
    }
    match &about.integrity {
        Some(r) if r.ok => text.push_str(&format!("integrity_check: ok ({})\n", r.checked_at)),
        Some(r) => {
            text.push_str(&format!("integrity_check: FAILED ({}): {}\n", r.checked_at, r.detail.join("; ")))
        }
        None => text.push_str("integrity_check: not run in this session\n"),
    }
    text
}
