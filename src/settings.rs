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
}

pub async fn get(desk: &Desk) -> Result<Settings> {
    let language: Option<String> = sqlx::query_scalar("SELECT value FROM setting WHERE key = 'language'")
        .fetch_optional(desk.pool())
        .await?;
    Ok(Settings {
        language: language.unwrap_or_else(|| LANGUAGES[0].to_string()),
        idle_minutes: idle_minutes(desk.pool()).await?,
    })
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
