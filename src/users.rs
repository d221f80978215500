//! Accounts and sessions: the owner created at first start, users with roles added by an
//! administrator, sign-in, lock and unlock, the kiosk session, and the list of users a
//! partner's channel contact is chosen from (R2.3.1).
//!
//! Invariants:
//! - passwords are stored only as Argon2id PHC strings (argon2 crate, OWASP parameters);
//! - a login maps to at most one live user; at least one enabled administrator with a
//!   password always exists once set-up is done (the last one cannot lose the role or be
//!   disabled);
//! - failed password checks are counted per login in a local table and, after
//!   [`FREE_ATTEMPTS`], each further attempt waits twice as long as the one before (capped at
//!   [`MAX_WAIT_SECONDS`]); a success clears the count;
//! - every account change writes an audit entry; passwords and hashes never appear in it.

use crate::access::{Action, Role};
use crate::audit::{self, Changes};
use crate::desk::{Desk, Session, SessionInfo, SessionUser, new_id, rfc3339};
use crate::error::{Error, FieldError, Result};
use crate::validate::Checker;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use ts_rs::TS;

/// Failed attempts allowed before sign-in slows down.
pub const FREE_ATTEMPTS: i64 = 3;
/// The longest wait between attempts.
pub const MAX_WAIT_SECONDS: u64 = 300;
/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A user as listed for choosing (channel contact pickers).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct UserSummary {
    pub id: String,
    pub display_name: String,
    pub login: String,
}

/// A user as the administrator sees it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct UserAccount {
    pub id: String,
    pub display_name: String,
    pub login: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    /// Whether the user can sign in (has a password).
    pub has_password: bool,
    pub updated_at: String,
}

/// A new account.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
}

/// Changes to an account (the administrator's form).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct UserChange {
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    /// A new password, or empty to keep the current one.
    #[serde(default)]
    pub password: String,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    display_name: String,
    login: String,
    roles: String,
    disabled: i64,
    password_hash: Option<String>,
    updated_at: String,
}

impl UserRow {
    fn roles(&self) -> Vec<Role> {
        parse_roles(&self.roles)
    }
    fn session_user(&self) -> SessionUser {
        SessionUser {
            id: self.id.clone(),
            login: self.login.clone(),
            name: self.display_name.clone(),
            roles: self.roles(),
        }
    }
    fn account(&self) -> UserAccount {
        UserAccount {
            id: self.id.clone(),
            display_name: self.display_name.clone(),
            login: self.login.clone(),
            roles: self.roles(),
            disabled: self.disabled != 0,
            has_password: self.password_hash.is_some(),
            updated_at: self.updated_at.clone(),
        }
    }
}

const USER_COLUMNS: &str = "id, display_name, login, roles, disabled, password_hash, updated_at";

fn parse_roles(json: &str) -> Vec<Role> {
    let names: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    let mut roles: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
    roles.sort();
    roles.dedup();
    roles
}

fn roles_json(roles: &[Role]) -> String {
    let mut r = roles.to_vec();
    r.sort();
    r.dedup();
    serde_json::to_string(&r.iter().map(|r| r.as_str()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

/// Whether any enabled user has a password (else the program asks for the owner first).
pub(crate) async fn any_can_sign_in<'e>(db: impl sqlx::SqliteExecutor<'e>) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM app_user WHERE password_hash IS NOT NULL AND disabled = 0 AND deleted_at IS NULL",
    )
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| Error::Storage(format!("password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Storage(format!("password hash: {e}")))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn check_password(c: &mut Checker, field: &str, password: &str) {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        c.errors.push(FieldError::with_limit(field, "too_short", MIN_PASSWORD_CHARS as u32));
    } else if password.chars().count() > 200 {
        c.errors.push(FieldError::with_limit(field, "too_long", 200));
    }
}

fn check_login(c: &mut Checker, login: &str) -> String {
    let login = c.text("login", login, true, 50, false);
    if !login.is_empty() && !login.chars().all(|ch| ch.is_alphanumeric() || "._-@".contains(ch)) {
        c.push("login", "format");
    }
    login
}

fn check_roles(c: &mut Checker, roles: &[Role]) {
    if roles.is_empty() {
        c.push("roles", "required");
    }
}

/// The owner's account at first start: an administrator, signed in at once. Refused once
/// any account can sign in.
pub async fn setup_owner(
    desk: &Desk,
    display_name: &str,
    login: &str,
    password: &str,
) -> Result<SessionInfo> {
    if !matches!(desk.session(), Session::Setup) {
        return Err(Error::Forbidden("setup_done".into()));
    }
    let mut c = Checker::new();
    let name = c.text("display_name", display_name, true, 50, false);
    let login = check_login(&mut c, login);
    check_password(&mut c, "password", password);
    c.finish()?;
    let hash = hash_password(password)?;
    let roles = vec![Role::Admin];
    // An earlier version's local user with this login (no password) becomes the owner.
    let existing = find_row(desk.pool(), &login).await?;
    let id = existing.as_ref().map(|r| r.id.clone()).unwrap_or_else(new_id);
    let user = SessionUser { id: id.clone(), login: login.clone(), name: name.clone(), roles: roles.clone() };
    desk.set_session(Session::Active(user));
    let result = async {
        let mut w = desk.write().await?;
        let s = w.stamp.clone();
        if any_can_sign_in(&mut *w.tx).await? {
            return Err(Error::Forbidden("setup_done".into()));
        }
        let mut ch = Changes::new();
        if let Some(old) = &existing {
            sqlx::query(
                "UPDATE app_user SET display_name = ?, roles = ?, password_hash = ?, disabled = 0,
                 updated_at = ?, updated_by = ?, hlc = ? WHERE id = ?",
            )
            .bind(&name)
            .bind(roles_json(&roles))
            .bind(&hash)
            .bind(&s.now)
            .bind(&s.user.id)
            .bind(&s.hlc)
            .bind(&id)
            .execute(&mut *w.tx)
            .await?;
            ch.diff("display_name", &old.display_name, &name);
            ch.diff("roles", &old.roles(), &roles);
            ch.set("password", &"set");
        } else {
            insert(&mut w, &id, &login, &name, &roles, Some(&hash)).await?;
            ch.set("login", &login);
            ch.set("display_name", &name);
            ch.set("roles", &roles);
        }
        audit::record(&mut w, "setup_owner", "user", &id, &ch).await?;
        w.commit().await
    }
    .await;
    if let Err(e) = result {
        desk.set_session(Session::Setup);
        return Err(e);
    }
    Ok(desk.session_info())
}

async fn find_row(pool: &SqlitePool, login: &str) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM app_user WHERE login = ? AND deleted_at IS NULL"
    )))
    .bind(login)
    .fetch_optional(pool)
    .await?)
}

async fn row_by_id(pool: &SqlitePool, id: &str) -> Result<UserRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM app_user WHERE id = ? AND deleted_at IS NULL"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "user", id: id.to_string() })
}

async fn insert(
    w: &mut crate::desk::Write,
    id: &str,
    login: &str,
    name: &str,
    roles: &[Role],
    hash: Option<&str>,
) -> Result<()> {
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO app_user (id, display_name, login, roles, password_hash, created_at, updated_at, updated_by, hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(name)
    .bind(login)
    .bind(roles_json(roles))
    .bind(hash)
    .bind(&s.now)
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

/// Seconds until `login` may try again, from its recorded failures.
async fn wait_for(desk: &Desk, login: &str) -> Result<u64> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT failures, last_at FROM sign_in_failure WHERE login = ?")
            .bind(login)
            .fetch_optional(desk.pool())
            .await?;
    let Some((failures, last_at)) = row else { return Ok(0) };
    if failures < FREE_ATTEMPTS {
        return Ok(0);
    }
    let wait = 1u64.checked_shl((failures - FREE_ATTEMPTS) as u32).unwrap_or(u64::MAX).min(MAX_WAIT_SECONDS);
    let last =
        chrono::DateTime::parse_from_rfc3339(&last_at).map(|t| t.to_utc()).unwrap_or_else(|_| desk.now());
    let passed = (desk.now() - last).num_seconds().max(0) as u64;
    Ok(wait.saturating_sub(passed))
}

/// Reserves an attempt for `login` before its password is hashed: counted as a failure until
/// it succeeds, in one statement (atomic across the window, the command line and parallel
/// calls), and refused without counting while the login must wait. `false` when throttled.
async fn reserve_attempt(desk: &Desk, login: &str) -> Result<bool> {
    let reserved: Option<i64> = sqlx::query_scalar(
        "INSERT INTO sign_in_failure (login, failures, last_at) VALUES (?1, 1, ?2)
         ON CONFLICT(login) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at
         WHERE sign_in_failure.failures < ?3
            OR unixepoch(excluded.last_at, 'subsec') - unixepoch(sign_in_failure.last_at, 'subsec') + 0.001
               >= min(?4, 1 << min(sign_in_failure.failures - ?3, 20))
         RETURNING failures",
    )
    .bind(login)
    .bind(rfc3339(desk.now()))
    .bind(FREE_ATTEMPTS)
    .bind(MAX_WAIT_SECONDS as i64)
    .fetch_optional(desk.pool())
    .await?;
    Ok(reserved.is_some())
}

/// Checks `login`'s password with throttling; the user on success. A wrong login and a wrong
/// password give the same `password` field error.
async fn verify(desk: &Desk, login: &str, password: &str) -> Result<UserRow> {
    verify_where(desk, login, password, |_| true).await
}

/// [`verify`], where a user `allowed` refuses is answered exactly as a wrong password (the
/// kiosk exit must not tell a right password of a user who may not leave it).
async fn verify_where(
    desk: &Desk,
    login: &str,
    password: &str,
    allowed: impl Fn(&UserRow) -> bool,
) -> Result<UserRow> {
    let login = login.trim();
    if !reserve_attempt(desk, login).await? {
        return Err(Error::Throttled { retry_after: wait_for(desk, login).await?.max(1) });
    }
    let row = find_row(desk.pool(), login).await?;
    let ok = match &row {
        Some(r) if r.disabled == 0 => {
            r.password_hash.as_deref().is_some_and(|h| password_matches(password, h)) && allowed(r)
        }
        _ => {
            // Same work as a real check, so a missing login is not told apart by its speed.
            let _ = hash_password(password);
            false
        }
    };
    if !ok {
        // The reserved attempt stays counted.
        return Err(Error::field("password", "wrong"));
    }
    sqlx::query("DELETE FROM sign_in_failure WHERE login = ?").bind(login).execute(desk.pool()).await?;
    row.ok_or(Error::Locked)
}

/// Signs `login` in (from the sign-in screen, or from the lock screen as another user).
pub async fn sign_in(desk: &Desk, login: &str, password: &str) -> Result<SessionInfo> {
    match desk.session() {
        Session::SignedOut | Session::Locked(_) => {}
        Session::Setup => return Err(Error::Locked),
        Session::Active(_) | Session::Kiosk { .. } => return Err(Error::Forbidden("signed_in".into())),
    }
    let row = verify(desk, login, password).await?;
    desk.set_session(Session::Active(row.session_user()));
    record_session(desk, "sign_in", &row.id).await?;
    Ok(desk.session_info())
}

/// Unlocks a locked session with the same user's password.
pub async fn unlock(desk: &Desk, password: &str) -> Result<SessionInfo> {
    let Session::Locked(user) = desk.session() else {
        return Err(Error::Forbidden("not_locked".into()));
    };
    let row = verify(desk, &user.login, password).await?;
    // Roles may have changed while locked: take them fresh.
    desk.set_session(Session::Active(row.session_user()));
    Ok(desk.session_info())
}

/// Signs out; the next person signs in.
pub async fn sign_out(desk: &Desk) -> Result<SessionInfo> {
    let recorded = match desk.session() {
        Session::Active(u) | Session::Locked(u) => {
            // Recorded while still signed in, so the entry names who left.
            desk.set_session(Session::Active(u.clone()));
            let r = record_session(desk, "sign_out", &u.id).await;
            desk.set_session(Session::SignedOut);
            r
        }
        _ => Ok(()),
    };
    // Signed out even when the entry could not be written; the error still reaches the caller.
    recorded?;
    Ok(desk.session_info())
}

async fn record_session(desk: &Desk, operation: &str, user_id: &str) -> Result<()> {
    let mut w = desk.write().await?;
    audit::record(&mut w, operation, "session", user_id, &Changes::new()).await?;
    w.commit().await
}

/// Starts the kiosk lock: the window shows the application form only, recorded under
/// `event`, until a staff password ends it (R2.1.1).
pub async fn kiosk_start(desk: &Desk, event: &str, event_id: Option<&str>) -> Result<SessionInfo> {
    let staff = desk.require(Action::KioskStart)?;
    let mut c = Checker::new();
    let mut event = c.text("event", event, false, 100, false);
    c.finish()?;
    let event_id = event_id.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let mut w = desk.write().await?;
    if let Some(id) = &event_id {
        // Applications typed in become leads of this event (R2.1.3).
        let name: Option<String> =
            sqlx::query_scalar("SELECT name FROM trade_event WHERE id = ? AND deleted_at IS NULL")
                .bind(id)
                .fetch_optional(&mut *w.tx)
                .await?;
        event = name.ok_or_else(|| Error::field("event_id", "unknown"))?;
    }
    let mut ch = Changes::new();
    ch.set("event", &event);
    if let Some(id) = &event_id {
        ch.set("event_id", id);
    }
    audit::record(&mut w, "kiosk_start", "session", &staff.id, &ch).await?;
    w.commit().await?;
    desk.set_session(Session::Kiosk { staff, event, event_id });
    Ok(desk.session_info())
}

/// Ends the kiosk lock with the password of a user who may start one; that user is then
/// signed in.
pub async fn kiosk_exit(desk: &Desk, login: &str, password: &str) -> Result<SessionInfo> {
    if !matches!(desk.session(), Session::Kiosk { .. }) {
        return Err(Error::Forbidden("not_kiosk".into()));
    }
    let row = verify_where(desk, login, password, |r| {
        crate::access::any_allows(&r.session_user().roles, Action::KioskStart)
    })
    .await?;
    let user = row.session_user();
    desk.set_session(Session::Active(user));
    record_session(desk, "kiosk_exit", &row.id).await?;
    Ok(desk.session_info())
}

/// Changes the signed-in user's own password (the current one is asked again).
pub async fn change_own_password(desk: &Desk, current: &str, new: &str) -> Result<()> {
    let me = desk.require(Action::PartnerRead)?;
    let mut c = Checker::new();
    check_password(&mut c, "new_password", new);
    c.finish()?;
    verify(desk, &me.login, current).await.map_err(|e| match e {
        Error::Validation(_) => Error::field("current_password", "wrong"),
        other => other,
    })?;
    set_hash(desk, &me.id, &hash_password(new)?, "change_password").await
}

async fn set_hash(desk: &Desk, id: &str, hash: &str, operation: &str) -> Result<()> {
    let mut w = desk.write().await?;
    let s = w.stamp.clone();
    sqlx::query(
        "UPDATE app_user SET password_hash = ?, updated_at = ?, updated_by = ?, hlc = ? WHERE id = ?",
    )
    .bind(hash)
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("password", &"set");
    audit::record(&mut w, operation, "user", id, &ch).await?;
    w.commit().await
}

/// Adds an account (administrators).
pub async fn create(desk: &Desk, input: &NewUser) -> Result<UserAccount> {
    desk.require(Action::UserManage)?;
    let mut c = Checker::new();
    let login = check_login(&mut c, &input.login);
    let name = c.text("display_name", &input.display_name, true, 50, false);
    check_password(&mut c, "password", &input.password);
    check_roles(&mut c, &input.roles);
    c.finish()?;
    if find_row(desk.pool(), &login).await?.is_some() {
        return Err(Error::field("login", "taken"));
    }
    let hash = hash_password(&input.password)?;
    let id = new_id();
    let mut w = desk.write().await?;
    insert(&mut w, &id, &login, &name, &input.roles, Some(&hash)).await?;
    let mut ch = Changes::new();
    ch.set("login", &login);
    ch.set("display_name", &name);
    ch.set("roles", &parse_roles(&roles_json(&input.roles)));
    ch.set("password", &"set");
    audit::record(&mut w, "create", "user", &id, &ch).await?;
    w.commit().await?;
    Ok(row_by_id(desk.pool(), &id).await?.account())
}

/// Changes an account's name, roles, enabled state and (when given) password
/// (administrators). The last enabled administrator keeps the role and stays enabled.
pub async fn update(desk: &Desk, id: &str, change: &UserChange) -> Result<UserAccount> {
    let me = desk.require(Action::UserManage)?;
    let mut c = Checker::new();
    let name = c.text("display_name", &change.display_name, true, 50, false);
    check_roles(&mut c, &change.roles);
    if !change.password.is_empty() {
        check_password(&mut c, "password", &change.password);
    }
    c.finish()?;
    let before = row_by_id(desk.pool(), id).await?;
    let roles = parse_roles(&roles_json(&change.roles));
    let stays_admin = roles.contains(&Role::Admin) && !change.disabled;
    let was_admin =
        before.roles().contains(&Role::Admin) && before.disabled == 0 && before.password_hash.is_some();
    if id == me.id && change.disabled {
        return Err(Error::field("disabled", "self"));
    }
    let hash = if change.password.is_empty() { None } else { Some(hash_password(&change.password)?) };
    let mut w = desk.write().await?;
    if was_admin && !stays_admin {
        let others: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM app_user u, json_each(u.roles) r
             WHERE r.value = 'admin' AND u.disabled = 0 AND u.password_hash IS NOT NULL
               AND u.deleted_at IS NULL AND u.id <> ?",
        )
        .bind(id)
        .fetch_one(&mut *w.tx)
        .await?;
        if others == 0 {
            return Err(Error::field("roles", "last_admin"));
        }
    }
    let s = w.stamp.clone();
    sqlx::query(
        "UPDATE app_user SET display_name = ?, roles = ?, disabled = ?, password_hash = coalesce(?, password_hash),
         updated_at = ?, updated_by = ?, hlc = ? WHERE id = ?",
    )
    .bind(&name)
    .bind(roles_json(&roles))
    .bind(change.disabled as i64)
    .bind(hash.as_deref())
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.diff("display_name", &before.display_name, &name);
    ch.diff("roles", &before.roles(), &roles);
    ch.diff("disabled", &(before.disabled != 0), &change.disabled);
    if hash.is_some() {
        ch.set("password", &"reset");
    }
    audit::record(&mut w, "update", "user", id, &ch).await?;
    w.commit().await?;
    Ok(row_by_id(desk.pool(), id).await?.account())
}

/// Every account, by name (administrators).
pub async fn accounts(desk: &Desk) -> Result<Vec<UserAccount>> {
    desk.require(Action::UserManage)?;
    let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM app_user WHERE deleted_at IS NULL ORDER BY display_name, login"
    )))
    .fetch_all(desk.pool())
    .await?;
    Ok(rows.iter().map(UserRow::account).collect())
}

/// Enabled users, by name (pickers).
pub async fn list(desk: &Desk) -> Result<Vec<UserSummary>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT id, display_name, login FROM app_user WHERE deleted_at IS NULL AND disabled = 0 ORDER BY display_name",
    )
    .fetch_all(desk.pool())
    .await?)
}

/// Adds users without a password (named as channel contacts before they sign in; generated
/// demo staff). Administrators.
pub async fn create_without_password(desk: &Desk, people: &[(&str, &str, Role)]) -> Result<()> {
    desk.require(Action::UserManage)?;
    let mut w = desk.write().await?;
    for (login, name, role) in people {
        let taken: Option<String> =
            sqlx::query_scalar("SELECT id FROM app_user WHERE login = ? AND deleted_at IS NULL")
                .bind(login)
                .fetch_optional(&mut *w.tx)
                .await?;
        if taken.is_some() {
            continue;
        }
        let id = new_id();
        insert(&mut w, &id, login, name, &[*role], None).await?;
        let mut ch = Changes::new();
        ch.set("login", login);
        ch.set("display_name", name);
        audit::record(&mut w, "create", "user", &id, &ch).await?;
    }
    w.commit().await
}
