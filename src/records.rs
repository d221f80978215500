//! Edits of a merge-ready row shared by the simple record kinds (events, research notes,
//! attachments): update refusing a stale version, comparing field by field and writing only
//! what changed with its field clock; and the tombstone.

use crate::audit::Changes;
use crate::desk::Write;
use crate::error::{Error, Result};
use sqlx::Row as _;

/// Sets text columns `cols` of live row `id` in `table` to `after` (same order), refusing
/// with `conflict/stale` when the row is no longer at `expected_hlc`. The first column is the
/// row's label in that conflict. Returns the changes; nothing is written when they are empty.
pub(crate) async fn update_texts(
    w: &mut Write,
    table: &'static str,
    id: &str,
    expected_hlc: &str,
    cols: &[&str],
    after: &[String],
) -> Result<Changes> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT hlc, {} FROM {table} WHERE id = ? AND deleted_at IS NULL",
        cols.join(", ")
    )))
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?
    .ok_or_else(|| Error::NotFound { entity: table, id: id.into() })?;
    let before: Vec<String> = (0..=cols.len()).map(|i| row.try_get(i)).collect::<sqlx::Result<_>>()?;
    if before[0] != expected_hlc {
        return Err(Error::stale(id, before[1].clone()));
    }
    let mut ch = Changes::new();
    let mut sets: Vec<(&str, Option<String>)> = Vec::new();
    for (i, col) in cols.iter().enumerate() {
        if ch.diff(col, &before[i + 1], &after[i]) {
            sets.push((*col, Some(after[i].clone())));
        }
    }
    if !sets.is_empty() {
        set_columns(w, table, id, &sets).await?;
    }
    Ok(ch)
}

/// Tombstones row `id` of `table` (its `deleted_at` with its field clock) inside `w`.
pub(crate) async fn tombstone(w: &mut Write, table: &'static str, id: &str) -> Result<()> {
    let s = w.stamp.clone();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET deleted_at = ?1, updated_at = ?1, updated_by = ?2, hlc = ?3,
            field_hlc = json_set(field_hlc, '$.deleted_at', ?3) WHERE id = ?4"
    )))
    .bind(&s.now)
    .bind(&s.user.id)
    .bind(&s.hlc)
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

/// The next readable number `<prefix><seq>` in `table` (`seq` zero-padded to `width`), among
/// the numbers whose part after `prefix` has no `-` (so `AG-…-0001-S1` is not counted as
/// `AG-…-0001`). Numbers carry the laptop's code in `prefix`, so they stay unique across laptops.
pub(crate) async fn next_number(
    w: &mut Write,
    table: &'static str,
    prefix: &str,
    width: usize,
) -> Result<String> {
    let seq: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COALESCE(max(CAST(substr(number, length(?1) + 1) AS INTEGER)), 0) + 1 FROM {table}
         WHERE number LIKE ?1 || '%' AND substr(number, length(?1) + 1) NOT LIKE '%-%'"
    )))
    .bind(prefix)
    .fetch_one(&mut *w.tx)
    .await?;
    Ok(format!("{prefix}{seq:0width$}"))
}

/// Refuses with `{field}: unknown` unless `id` is a live row of `table` (a reference the user
/// chose: a user, a partner).
pub(crate) async fn require_live(
    conn: &mut sqlx::SqliteConnection,
    table: &'static str,
    id: &str,
    field: &str,
) -> Result<()> {
    let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT 1 FROM {table} WHERE id = ? AND deleted_at IS NULL"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if found.is_none() {
        return Err(Error::field(field, "unknown"));
    }
    Ok(())
}

/// Sets columns of row `id` in `table` (values as given, `None` for NULL) with their field
/// clocks and the row's stamp, inside `w`. The caller has checked the row and the values.
pub(crate) async fn set_columns(
    w: &mut Write,
    table: &'static str,
    id: &str,
    sets: &[(&str, Option<String>)],
) -> Result<()> {
    let vals: Vec<(&str, Val)> = sets.iter().map(|(c, v)| (*c, Val::Text(v.clone()))).collect();
    set_values(w, table, id, &vals).await
}

/// Like [`set_columns`] for columns of any type (integers, texts), in one statement.
pub(crate) async fn set_values(
    w: &mut Write,
    table: &'static str,
    id: &str,
    sets: &[(&str, Val)],
) -> Result<()> {
    guard_states(table, sets)?;
    let s = w.stamp.clone();
    let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("UPDATE {table} SET "));
    let mut clocks = String::from("field_hlc");
    for (col, value) in sets {
        qb.push(*col).push(" = ");
        push_val(&mut qb, value);
        qb.push(", ");
        clocks = format!("json_set({clocks}, '$.{col}', '{}')", s.hlc);
    }
    qb.push("updated_at = ").push_bind(s.now.clone());
    qb.push(", updated_by = ").push_bind(s.user.id.clone());
    qb.push(", hlc = ").push_bind(s.hlc.clone());
    qb.push(", field_hlc = ").push(clocks);
    qb.push(" WHERE id = ").push_bind(id.to_string());
    qb.build().execute(&mut *w.tx).await?;
    Ok(())
}

/// A value of a new row's column.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    /// A status made by its machine (the only value a status column takes).
    State(crate::machines::StateVal),
}

/// Refuses a status column of `table` written with a value no machine made.
fn guard_states(table: &str, cols: &[(&str, Val)]) -> Result<()> {
    for (col, v) in cols {
        if !matches!(v, Val::State(_)) && crate::machines::is_state_column(table, col) {
            return Err(Error::Storage(format!("{table}.{col} written outside its state machine")));
        }
    }
    Ok(())
}

fn push_val(qb: &mut sqlx::QueryBuilder<sqlx::Sqlite>, v: &Val) {
    match v {
        Val::Text(t) => qb.push_bind(t.clone()),
        Val::Int(i) => qb.push_bind(*i),
        Val::State(s) => qb.push_bind(s.value()),
    };
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(Some(s.to_string()))
    }
}

impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(Some(s))
    }
}

impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Self {
        Val::Text(s)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}

impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}

/// Inserts a new merge-ready row into `table` with `cols` and the stamp's tail (created,
/// updated, by, clock, field clocks) inside `w`; its new id.
pub(crate) async fn insert(w: &mut Write, table: &'static str, cols: &[(&str, Val)]) -> Result<String> {
    guard_states(table, cols)?;
    let id = crate::desk::new_id();
    let s = w.stamp.clone();
    let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
    let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
        "INSERT INTO {table} (id, {}, created_at, updated_at, updated_by, hlc, field_hlc) VALUES (",
        names.join(", ")
    ));
    qb.push_bind(id.clone());
    for (_, v) in cols {
        qb.push(", ");
        push_val(&mut qb, v);
    }
    qb.push(", ").push_bind(s.now.clone());
    qb.push(", ").push_bind(s.now.clone());
    qb.push(", ").push_bind(s.user.id.clone());
    qb.push(", ").push_bind(s.hlc.clone());
    qb.push(", json_object('*', ").push_bind(s.hlc.clone()).push("))");
    qb.build().execute(&mut *w.tx).await?;
    Ok(id)
}
