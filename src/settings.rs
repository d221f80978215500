//! Local preferences of this copy (not shared between laptops): the interface language.
//!
//! Invariant: only known keys with valid values are stored.

use crate::desk::Desk;
use crate::error::{Error, Result};
use serde::Serialize;
use ts_rs::TS;

/// Interface languages; the first is the default.
pub const LANGUAGES: [&str; 2] = ["zh-CN", "en"];

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Settings {
    pub language: String,
}

pub async fn get(desk: &Desk) -> Result<Settings> {
    let language: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'language'")
        .fetch_optional(desk.pool())
        .await?;
    Ok(Settings { language: language.unwrap_or_else(|| LANGUAGES[0].to_string()) })
}

pub async fn set_language(desk: &Desk, language: &str) -> Result<Settings> {
    if !LANGUAGES.contains(&language) {
        return Err(Error::field("language", "unknown"));
    }
    sqlx::query("INSERT INTO setting (key, value) VALUES ('language', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(language)
        .execute(desk.pool())
        .await?;
    get(desk).await
}
