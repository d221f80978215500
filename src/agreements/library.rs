//! The clause library and the agreement templates (R3.1.1).
//!
//! Invariants: a clause version is never changed; saving a clause writes the next version of
//! its key, so drafts made earlier keep the text they were made with. A template names clause
//! keys; a draft takes the latest version of each.

use super::{CORE, ClauseText};
use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, new_id};
use crate::error::{Error, Result};
use crate::validate::Checker;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

/// A template: an agreement type and its clauses in order.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Template {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub clause_keys: Vec<String>,
    /// Whether the originals (正本) of its agreements carry the seam-seal guide (骑缝章) on
    /// every page (R3.1.3; an amendment follows its master's template).
    pub seam_mark: bool,
}

const TEMPLATES: &str =
    "SELECT id, kind, name, clause_keys, seam_mark FROM agreement_template WHERE deleted_at IS NULL";

type TemplateRow = (String, String, String, String, i64);

fn template(row: TemplateRow) -> Template {
    let (id, kind, name, keys, seam_mark) = row;
    Template {
        id,
        kind,
        name,
        clause_keys: serde_json::from_str(&keys).unwrap_or_default(),
        seam_mark: seam_mark != 0,
    }
}

pub(crate) async fn template_in(conn: &mut SqliteConnection, id: &str) -> Result<Template> {
    let row: Option<TemplateRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{TEMPLATES} AND id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(template).ok_or_else(|| Error::field("template_id", "unknown"))
}

/// Every template.
pub async fn templates(desk: &Desk) -> Result<Vec<Template>> {
    desk.require(Action::PartnerRead)?;
    let rows: Vec<TemplateRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{TEMPLATES} ORDER BY id")))
        .fetch_all(desk.pool())
        .await?;
    Ok(rows.into_iter().map(template).collect())
}

/// Sets whether the originals of agreements made from template `id` carry the seam-seal guide
/// (骑缝章, R3.1.3): those who keep the clause library decide it per template (some companies
/// seal across the pages, some bind and seal the binding). Originals printed afterwards follow
/// it; nothing already printed changes. Setting what is already set writes nothing.
pub async fn set_seam_mark(desk: &Desk, id: &str, on: bool) -> Result<Template> {
    desk.require(Action::ClauseManage)?;
    let mut w = desk.write().await?;
    let before = template_in(&mut w.tx, id).await?;
    if before.seam_mark == on {
        w.tx.rollback().await?;
        return Ok(before);
    }
    crate::records::set_values(&mut w, "agreement_template", id, &[("seam_mark", i64::from(on).into())])
        .await?;
    let mut ch = Changes::new();
    ch.diff("seam_mark", &before.seam_mark, &on);
    audit::record(&mut w, "update", "agreement_template", id, &ch).await?;
    w.commit().await?;
    Ok(Template { seam_mark: on, ..before })
}

/// A clause of the library (its latest version, with how many versions it has).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct LibraryClause {
    pub id: String,
    pub key: String,
    #[ts(type = "number")]
    pub version: i64,
    pub category: String,
    pub title: String,
    pub body: String,
    pub updated_at: String,
    pub updated_by_name: Option<String>,
}

const LATEST: &str = "SELECT c.id, c.key, c.version, c.category, c.title, c.body, c.updated_at,
        u.display_name AS updated_by_name
     FROM clause c LEFT JOIN app_user u ON u.id = c.updated_by
     WHERE c.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM clause d WHERE d.key = c.key
        AND d.deleted_at IS NULL AND (d.version > c.version OR (d.version = c.version AND d.created_at > c.created_at)))";

/// The latest version of each clause of the library, by key.
pub async fn clauses(desk: &Desk) -> Result<Vec<LibraryClause>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{LATEST} ORDER BY c.category = 'other', c.key")))
        .fetch_all(desk.pool())
        .await?)
}

/// Every version of clause `key`, newest first.
pub async fn clause_history(desk: &Desk, key: &str) -> Result<Vec<LibraryClause>> {
    desk.require(Action::PartnerRead)?;
    Ok(sqlx::query_as(
        "SELECT c.id, c.key, c.version, c.category, c.title, c.body, c.updated_at,
            u.display_name AS updated_by_name
         FROM clause c LEFT JOIN app_user u ON u.id = c.updated_by
         WHERE c.key = ? AND c.deleted_at IS NULL ORDER BY c.version DESC, c.created_at DESC",
    )
    .bind(key)
    .fetch_all(desk.pool())
    .await?)
}

/// The latest versions of `keys`, in that order (`template_id: unknown_clause` for a key the
/// library lacks).
pub(crate) async fn latest_clauses(conn: &mut SqliteConnection, keys: &[String]) -> Result<Vec<ClauseText>> {
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let row: Option<LibraryClause> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{LATEST} AND c.key = ? LIMIT 1")))
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?;
        let c = row.ok_or_else(|| Error::field("template_id", "unknown_clause"))?;
        out.push(ClauseText {
            key: c.key,
            version: c.version,
            category: c.category,
            title: c.title,
            body: c.body,
        });
    }
    Ok(out)
}

/// A clause as edited in the library.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ClauseInput {
    /// Empty for a new clause (a key is made from the time).
    pub key: String,
    pub category: String,
    pub title: String,
    pub body: String,
}

/// Saves the next version of a clause (legal, managers, administrators). Unchanged text
/// writes nothing.
pub async fn save_clause(desk: &Desk, input: &ClauseInput) -> Result<LibraryClause> {
    desk.require(Action::ClauseManage)?;
    let mut c = Checker::new();
    if !CORE.contains(&input.category.as_str()) && input.category != "other" {
        c.push("category", "unknown");
    }
    let title = c.text("title", &input.title, true, 100, false);
    let body = c.text("body", &input.body, true, 20_000, true);
    let key = input.key.trim().to_string();
    if key.len() > 60 {
        c.push("key", "format");
    }
    c.finish()?;
    let mut w = desk.write().await?;
    let key = if key.is_empty() { format!("custom.{}", &new_id()[..13]) } else { key };
    let latest: Option<LibraryClause> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{LATEST} AND c.key = ? LIMIT 1")))
            .bind(&key)
            .fetch_optional(&mut *w.tx)
            .await?;
    if let Some(l) = &latest
        && l.title == title
        && l.body == body
        && l.category == input.category
    {
        w.tx.rollback().await?;
        return Ok(latest.expect("checked"));
    }
    if latest.is_none() && !input.key.trim().is_empty() {
        return Err(Error::field("key", "unknown"));
    }
    let version = latest.as_ref().map(|l| l.version + 1).unwrap_or(1);
    let id = new_id();
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(&id)
    .bind(&key)
    .bind(version)
    .bind(&input.category)
    .bind(&title)
    .bind(&body)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("key", &key);
    ch.set("version", &version);
    if let Some(l) = &latest {
        ch.diff("title", &l.title, &title);
        ch.diff("body", &l.body, &body);
    } else {
        ch.set("title", &title);
    }
    audit::record(&mut w, "create", "clause", &id, &ch).await?;
    w.commit().await?;
    Ok(clause_history(desk, &key).await?.into_iter().next().expect("just written"))
}
