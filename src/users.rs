//! People who use this copy of ChannelDesk. For now: the local operator, created on first
//! start from the OS login, and the list of users a partner's channel contact is chosen from
//! (R2.3.1).
//!
//! Invariants: a login maps to at most one live user; users are merge-ready rows.

use crate::audit::{self, Changes};
use crate::desk::{Actor, Desk, new_id};
use crate::error::{Error, Result};
use crate::validate::Checker;
use serde::Serialize;
use ts_rs::TS;

/// A user as listed for choosing (channel contact pickers).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct UserSummary {
    pub id: String,
    pub display_name: String,
    pub login: String,
}

/// Finds or creates the live user with `login`, and returns it as the actor.
pub(crate) async fn ensure_local_user(desk: &Desk, login: &str, name: &str) -> Result<Actor> {
    if let Some(actor) = find(desk, login).await? {
        return Ok(actor);
    }
    // The first user is created by itself.
    let actor = Actor { id: new_id(), name: name.to_string() };
    desk.set_user(actor.clone());
    insert(desk, &actor.id, login, name).await?;
    Ok(actor)
}

/// Adds a user with `login` (refused when the login is taken) as the current user.
pub async fn create(desk: &Desk, login: &str, name: &str) -> Result<Actor> {
    let mut c = Checker::new();
    let login = c.text("login", login, true, 50, false);
    let name = c.text("display_name", name, true, 50, false);
    c.finish()?;
    if find(desk, &login).await?.is_some() {
        return Err(Error::field("login", "taken"));
    }
    let actor = Actor { id: new_id(), name: name.clone() };
    insert(desk, &actor.id, &login, &name).await?;
    Ok(actor)
}

async fn find(desk: &Desk, login: &str) -> Result<Option<Actor>> {
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT id, display_name FROM app_user WHERE login = ? AND deleted_at IS NULL")
            .bind(login)
            .fetch_optional(desk.pool())
            .await?;
    Ok(found.map(|(id, name)| Actor { id, name }))
}

async fn insert(desk: &Desk, id: &str, login: &str, name: &str) -> Result<()> {
    let mut w = desk.write().await?;
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO app_user (id, display_name, login, created_at, updated_at, updated_by, hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(name)
    .bind(login)
    .bind(&s.now)
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("login", &login);
    ch.set("display_name", &name);
    audit::record(&mut w, "create", "user", id, &ch).await?;
    w.commit().await
}

/// Live users, by name.
pub async fn list(desk: &Desk) -> Result<Vec<UserSummary>> {
    Ok(sqlx::query_as(
        "SELECT id, display_name, login FROM app_user WHERE deleted_at IS NULL ORDER BY display_name",
    )
    .fetch_all(desk.pool())
    .await?)
}
