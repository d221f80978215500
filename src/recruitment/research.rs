//! Market research notes (R2.1.1): industry trends, competitors' channel strategies and
//! potential partners; and the market analysis of promotion (R5.1.1): market trends,
//! competitors' promotion, target customers' needs. Dated, tagged, linked to partners,
//! searchable as you type.
//!
//! Invariants: a live note is in the trigram index exactly once (title, body and tags) and a
//! deleted one is not; links point at partners that existed when they were made (a merge
//! moves them to the partner kept).

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, Write, new_id};
use crate::error::{Error, Result};
use crate::paging::Page;
use crate::validate::{self, Checker};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use ts_rs::TS;

/// The topics of R2.1.1 and the market analysis topics of R5.1.1.
pub const TOPICS: [&str; 6] =
    ["industry", "competitor", "potential_partner", "market_trend", "competitor_promotion", "customer_needs"];
/// The market analysis topics of R5.1.1 (market trends, competitors' promotion, target
/// customers' needs): written by whoever plans promotion.
pub const MARKET_TOPICS: [&str; 3] = ["market_trend", "competitor_promotion", "customer_needs"];

/// Market analysis notes are written by those who plan promotion, research notes by channel staff.
fn require_write(desk: &Desk, topic: &str) -> Result<()> {
    let action = if MARKET_TOPICS.contains(&topic) { Action::PromotionManage } else { Action::PartnerWrite };
    desk.require(action).map(|_| ())
}

/// A note as entered.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct NoteInput {
    pub noted_on: String,
    pub topic: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub partner_ids: Vec<String>,
}

/// A stored note.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Note {
    pub id: String,
    pub noted_on: String,
    pub topic: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub partners: Vec<PartnerRef>,
    pub updated_by_name: String,
    pub hlc: String,
}

/// A linked partner.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PartnerRef {
    pub id: String,
    pub name: String,
}

/// A note in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct NoteRow {
    pub id: String,
    pub noted_on: String,
    pub topic: String,
    pub title: String,
    /// JSON array.
    pub tags: String,
    /// The start of the body, or the part around the match when searching.
    pub excerpt: String,
}

/// Filters of the notes list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct NoteQuery {
    pub q: String,
    pub topic: String,
    pub tag: String,
    /// Only the market analysis topics (R5.1.1); otherwise only the research topics.
    pub market: bool,
    /// How many to skip, and rows per page ([`crate::paging::size`]).
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}

struct CleanNote {
    noted_on: String,
    topic: String,
    title: String,
    body: String,
    tags: Vec<String>,
    partner_ids: Vec<String>,
}

fn check(input: &NoteInput) -> Result<CleanNote> {
    let mut c = Checker::new();
    let noted_on = c.date("noted_on", &input.noted_on, true);
    c.one_of("topic", &input.topic, &TOPICS);
    let title = c.text("title", &input.title, true, 120, false);
    let body = c.text("body", &input.body, false, 20_000, true);
    let mut tags = Vec::new();
    for (i, t) in input.tags.iter().enumerate() {
        let t = c.text(&format!("tags.{i}"), t, false, 30, false);
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > 20 {
        c.errors.push(crate::error::FieldError::with_limit("tags", "too_many", 20));
    }
    let mut partner_ids: Vec<String> = Vec::new();
    for p in &input.partner_ids {
        let p = p.trim().to_string();
        if !p.is_empty() && !partner_ids.contains(&p) {
            partner_ids.push(p);
        }
    }
    if partner_ids.len() > 50 {
        c.errors.push(crate::error::FieldError::with_limit("partner_ids", "too_many", 50));
    }
    c.finish()?;
    Ok(CleanNote { noted_on, topic: input.topic.clone(), title, body, tags, partner_ids })
}

async fn check_links(conn: &mut SqliteConnection, ids: &[String]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        crate::records::require_live(conn, "partner", id, &format!("partner_ids.{i}")).await?;
    }
    Ok(())
}

/// Rebuilds the search entries of notes `ids` from their stored rows (notes that arrived in a
/// bundle): removed for deleted notes, written for live ones.
pub(crate) async fn refresh_local(conn: &mut SqliteConnection, ids: &[String]) -> Result<()> {
    for id in ids {
        let row: Option<(i64, String, String, String, Option<String>)> =
            sqlx::query_as("SELECT rid, title, body, tags, deleted_at FROM research_note WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((rid, title, body, tags, deleted)) = row else { continue };
        sqlx::query("DELETE FROM research_fts WHERE rowid = ?").bind(rid).execute(&mut *conn).await?;
        if deleted.is_none() {
            let tags: Vec<String> = serde_json::from_str(&tags).unwrap_or_default();
            let folded = validate::fold(&format!("{title}\n{body}\n{}", tags.join(" ")));
            sqlx::query("INSERT INTO research_fts (rowid, body) VALUES (?, ?)")
                .bind(rid)
                .bind(folded)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn index(conn: &mut SqliteConnection, rid: i64, n: &CleanNote) -> Result<()> {
    sqlx::query("DELETE FROM research_fts WHERE rowid = ?").bind(rid).execute(&mut *conn).await?;
    let body = validate::fold(&format!("{}\n{}\n{}", n.title, n.body, n.tags.join(" ")));
    sqlx::query("INSERT INTO research_fts (rowid, body) VALUES (?, ?)")
        .bind(rid)
        .bind(body)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes a new note.
pub async fn create(desk: &Desk, input: &NoteInput) -> Result<Note> {
    require_write(desk, &input.topic)?;
    let n = check(input)?;
    let mut w = desk.write().await?;
    check_links(&mut w.tx, &n.partner_ids).await?;
    let id = new_id();
    let s = w.stamp.clone();
    let rid: i64 = sqlx::query_scalar(
        "INSERT INTO research_note (id, noted_on, topic, title, body, tags, partner_ids, created_at, updated_at,
            updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?)) RETURNING rid",
    )
    .bind(&id)
    .bind(&n.noted_on)
    .bind(&n.topic)
    .bind(&n.title)
    .bind(&n.body)
    .bind(serde_json::to_string(&n.tags).unwrap_or_default())
    .bind(serde_json::to_string(&n.partner_ids).unwrap_or_default())
    .bind_stamp(&s)
    .fetch_one(&mut *w.tx)
    .await?;
    index(&mut w.tx, rid, &n).await?;
    let mut ch = Changes::new();
    ch.set("title", &n.title);
    ch.set("topic", &n.topic);
    audit::record(&mut w, "create", "research_note", &id, &ch).await?;
    w.commit().await?;
    get(desk, &id).await
}

/// Updates note `id`, which must still be at version `expected_hlc`.
pub async fn update(desk: &Desk, id: &str, expected_hlc: &str, input: &NoteInput) -> Result<Note> {
    require_write(desk, &input.topic)?;
    let n = check(input)?;
    let mut w = desk.write().await?;
    check_links(&mut w.tx, &n.partner_ids).await?;
    let rid: i64 = sqlx::query_scalar("SELECT rid FROM research_note WHERE id = ? AND deleted_at IS NULL")
        .bind(id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| Error::NotFound { entity: "research_note", id: id.into() })?;
    let cols = ["title", "noted_on", "topic", "body", "tags", "partner_ids"];
    let after = [
        n.title.clone(),
        n.noted_on.clone(),
        n.topic.clone(),
        n.body.clone(),
        serde_json::to_string(&n.tags).unwrap_or_default(),
        serde_json::to_string(&n.partner_ids).unwrap_or_default(),
    ];
    let ch = crate::records::update_texts(&mut w, "research_note", id, expected_hlc, &cols, &after).await?;
    if ch.is_empty() {
        w.tx.rollback().await?;
        return get(desk, id).await;
    }
    index(&mut w.tx, rid, &n).await?;
    audit::record(&mut w, "update", "research_note", id, &ch).await?;
    w.commit().await?;
    get(desk, id).await
}

/// Deletes (tombstones) note `id`.
pub async fn delete(desk: &Desk, id: &str) -> Result<()> {
    let me = desk.require(Action::PartnerRead)?;
    if ![Action::PartnerWrite, Action::PromotionManage]
        .iter()
        .any(|a| crate::access::any_allows(&me.roles, *a))
    {
        return Err(Error::Forbidden(Action::PartnerWrite.as_str().into()));
    }
    let mut w = desk.write().await?;
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT rid, topic FROM research_note WHERE id = ? AND deleted_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let (rid, topic) = row.ok_or_else(|| Error::NotFound { entity: "research_note", id: id.into() })?;
    require_write(desk, &topic)?;
    let s = w.stamp.clone();
    crate::records::tombstone(&mut w, "research_note", id).await?;
    sqlx::query("DELETE FROM research_fts WHERE rowid = ?").bind(rid).execute(&mut *w.tx).await?;
    let mut ch = Changes::new();
    ch.set("deleted_at", &s.now);
    audit::record(&mut w, "delete", "research_note", id, &ch).await?;
    w.commit().await
}

/// One note.
pub async fn get(desk: &Desk, id: &str) -> Result<Note> {
    desk.require(Action::PartnerRead)?;
    let r: NoteDb = sqlx::query_as(
        "SELECT n.id, n.noted_on, n.topic, n.title, n.body, n.tags, n.hlc,
            COALESCE(u.display_name, '') AS updated_by_name,
            (SELECT json_group_array(json_object('id', p.id, 'name', p.name)) FROM json_each(n.partner_ids) j
                JOIN partner p ON p.id = j.value) AS partners
         FROM research_note n LEFT JOIN app_user u ON u.id = n.updated_by
         WHERE n.id = ? AND n.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(desk.pool())
    .await?
    .ok_or_else(|| Error::NotFound { entity: "research_note", id: id.into() })?;
    Ok(Note {
        id: r.id,
        noted_on: r.noted_on,
        topic: r.topic,
        title: r.title,
        body: r.body,
        tags: serde_json::from_str(&r.tags).unwrap_or_default(),
        hlc: r.hlc,
        updated_by_name: r.updated_by_name,
        partners: serde_json::from_str(&r.partners).unwrap_or_default(),
    })
}

#[derive(sqlx::FromRow)]
struct NoteDb {
    id: String,
    noted_on: String,
    topic: String,
    title: String,
    body: String,
    tags: String,
    hlc: String,
    updated_by_name: String,
    partners: String,
}

/// Notes matching `q` (every term, anywhere in title, body or tags), newest first: a page
/// from `q.offset` with the count of all that match.
pub async fn list(desk: &Desk, q: &NoteQuery) -> Result<Page<NoteRow>> {
    desk.require(Action::PartnerRead)?;
    if !q.topic.is_empty() && !TOPICS.contains(&q.topic.as_str()) {
        return Err(Error::field("topic", "unknown"));
    }
    let terms = crate::search::folded_terms(&q.q);
    let filter = |qb: &mut QueryBuilder<Sqlite>| {
        if !q.topic.is_empty() {
            qb.push(" AND n.topic = ").push_bind(q.topic.clone());
        }
        qb.push(if q.market { " AND n.topic IN " } else { " AND n.topic NOT IN " });
        qb.push("('market_trend', 'competitor_promotion', 'customer_needs')");
        if !q.tag.trim().is_empty() {
            qb.push(" AND EXISTS (SELECT 1 FROM json_each(n.tags) WHERE value = ")
                .push_bind(q.tag.trim().to_string());
            qb.push(")");
        }
        let long: Vec<&String> = terms.iter().filter(|t| t.chars().count() >= 3).collect();
        if !long.is_empty() {
            let m = long
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            qb.push(" AND n.rid IN (SELECT rowid FROM research_fts WHERE research_fts MATCH ")
                .push_bind(m)
                .push(")");
        }
        for t in terms.iter().filter(|t| t.chars().count() < 3) {
            let like = crate::search::like_contains(t);
            qb.push(" AND (lower(n.title) LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
            qb.push(" OR lower(n.body) LIKE ").push_bind(like.clone()).push(" ESCAPE '\\'");
            qb.push(" OR lower(n.tags) LIKE ").push_bind(like).push(" ESCAPE '\\')");
        }
    };
    let mut count: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT count(*) FROM research_note n WHERE n.deleted_at IS NULL");
    filter(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(desk.pool()).await?;
    // When searching, the whole text comes back so the excerpt can be cut around the match.
    let text = if terms.is_empty() { "substr(n.body, 1, 400)" } else { "n.body" };
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT n.id, n.noted_on, n.topic, n.title, n.tags, {text} AS excerpt
         FROM research_note n WHERE n.deleted_at IS NULL"
    ));
    filter(&mut qb);
    let size = crate::paging::size(q.limit);
    qb.push(" ORDER BY n.noted_on DESC, n.id DESC LIMIT ")
        .push_bind(size)
        .push(" OFFSET ")
        .push_bind(q.offset.max(0));
    let mut rows: Vec<NoteRow> = qb.build_query_as().fetch_all(desk.pool()).await?;
    if !terms.is_empty() {
        for r in &mut rows {
            r.excerpt = crate::search::excerpt(&r.excerpt, &terms, 80)
                .unwrap_or_else(|| r.excerpt.chars().take(400).collect());
        }
    }
    Ok(Page { total, size, rows })
}

/// Notes linked to partner `partner_id`, newest first.
pub(crate) async fn linked_to(conn: &mut SqliteConnection, partner_id: &str) -> Result<Vec<NoteRow>> {
    Ok(sqlx::query_as(
        "SELECT n.id, n.noted_on, n.topic, n.title, n.tags, substr(n.body, 1, 200) AS excerpt
         FROM research_note n WHERE n.deleted_at IS NULL
           AND EXISTS (SELECT 1 FROM json_each(n.partner_ids) WHERE value = ?)
         ORDER BY n.noted_on DESC LIMIT 50",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Points links at `from` to `to` (a merge), inside `w`.
pub(crate) async fn relink(w: &mut Write, from: &str, to: &str) -> Result<()> {
    let s = w.stamp.clone();
    let notes: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, partner_ids FROM research_note
         WHERE deleted_at IS NULL AND EXISTS (SELECT 1 FROM json_each(partner_ids) WHERE value = ?)",
    )
    .bind(from)
    .fetch_all(&mut *w.tx)
    .await?;
    for (id, links) in notes {
        let mut ids: Vec<String> = serde_json::from_str(&links).unwrap_or_default();
        ids.retain(|x| x != from);
        if !ids.iter().any(|x| x == to) {
            ids.push(to.to_string());
        }
        sqlx::query(
            "UPDATE research_note SET partner_ids = ?, updated_at = ?, hlc = ?,
                field_hlc = json_set(field_hlc, '$.partner_ids', ?) WHERE id = ?",
        )
        .bind(serde_json::to_string(&ids).unwrap_or_default())
        .bind(&s.now)
        .bind(&s.hlc)
        .bind(&s.hlc)
        .bind(&id)
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(())
}
