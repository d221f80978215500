//! Local preferences of this copy (not shared between laptops): the interface language (any
//! session may change it, the kiosk included: a prospect may prefer English) and the idle lock
//! time (administrators only).
//!
//! Invariant: only known keys with valid values are stored.

use crate::access::Action;
use crate::desk::Desk;
use crate::error::{Error, Result};
use serde::Serialize;
use ts_rs::TS;

/// Interface languages; the first is the default.
pub const LANGUAGES: [&str; 2] = ["zh-CN", "en"];

/// Minutes without activity before the session locks: default and allowed range.
pub const IDLE_MINUTES_DEFAULT: u32 = 10;
pub const IDLE_MINUTES_RANGE: (u32, u32) = (1, 240);

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Settings {
    pub language: String,
    pub idle_minutes: u32,
    /// Where updates are looked for: the company's `latest.json` as an http(s) URL or a path
    /// (a shared folder); empty when none is configured.
    pub update_source: String,
}

pub async fn get(desk: &Desk) -> Result<Settings> {
    let language: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'language'")
        .fetch_optional(desk.pool())
        .await?;
    let update_source: Option<String> =
        sqlx::query_scalar("SELECT value FROM setting WHERE key = 'update_source'")
            .fetch_optional(desk.pool())
            .await?;
    Ok(Settings {
        language: language.unwrap_or_else(|| LANGUAGES[0].to_string()),
        idle_minutes: idle_minutes(desk.pool()).await?,
        update_source: update_source.unwrap_or_default(),
    })
}

/// Sets where updates are looked for (administrators): an `http://` or `https://` URL of the
/// company's update manifest, an absolute path to one (a shared folder), or empty for none.
pub async fn set_update_source(desk: &Desk, source: &str) -> Result<Settings> {
    desk.require(Action::SettingsManage)?;
    let source = source.trim();
    let is_url = (source.starts_with("https://") || source.starts_with("http://")) && source.len() > 10;
    let is_path = std::path::Path::new(source).is_absolute() || source.starts_with("\\\\");
    if !(source.is_empty() || is_url || is_path) {
        return Err(Error::field("update_source", "url_or_path"));
    }
    if source.chars().count() > 500 {
        return Err(crate::error::Error::Validation(vec![crate::error::FieldError::with_limit(
            "update_source",
            "too_long",
            500,
        )]));
    }
    let before = get(desk).await?.update_source;
    let mut w = desk.write().await?;
    sqlx::query("INSERT INTO setting (key, value) VALUES ('update_source', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(source)
        .execute(&mut *w.tx)
        .await?;
    let mut ch = crate::audit::Changes::new();
    ch.diff("update_source", &before, &source.to_string());
    crate::audit::record(&mut w, "update", "setting", "update_source", &ch).await?;
    w.commit().await?;
    get(desk).await
}

/// The stored idle lock time, or the default.
pub(crate) async fn idle_minutes(pool: &sqlx::SqlitePool) -> Result<u32> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'idle_minutes'")
        .fetch_optional(pool)
        .await?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(IDLE_MINUTES_DEFAULT))
}

/// Sets the idle lock time (administrators).
pub async fn set_idle_minutes(desk: &Desk, minutes: u32) -> Result<Settings> {
    desk.require(Action::SettingsManage)?;
    let (lo, hi) = IDLE_MINUTES_RANGE;
    if !(lo..=hi).contains(&minutes) {
        return Err(Error::Validation(vec![crate::error::FieldError::with_limit(
            "idle_minutes",
            "range",
            hi,
        )]));
    }
    let before = idle_minutes(desk.pool()).await?;
    let mut w = desk.write().await?;
    sqlx::query("INSERT INTO setting (key, value) VALUES ('idle_minutes', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(minutes.to_string())
        .execute(&mut *w.tx)
        .await?;
    let mut ch = crate::audit::Changes::new();
    ch.diff("idle_minutes", &before, &minutes);
    crate::audit::record(&mut w, "update", "setting", "idle_minutes", &ch).await?;
    w.commit().await?;
    desk.set_idle_minutes(minutes);
    get(desk).await
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
