//! Files kept inside the encrypted database: business-card photos and documents on a
//! partner, photos and reports on an on-site inspection (R2.1.4).
//!
//! Invariants: the media type is decided from the file's first bytes (JPEG, PNG, WebP, PDF),
//! never from its name; a file is at most [`MAX_BYTES`]; the stored SHA-256 is of the bytes
//! stored; an attachment is tombstoned, never removed, while it may exist on another laptop.

use crate::access::Action;
use crate::audit::{self, Changes};
use crate::desk::{BindStamp, Desk, new_id};
use crate::error::{Error, FieldError, Result};
use crate::validate::Checker;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use ts_rs::TS;

/// The largest file accepted (10 MiB).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// An attachment without its bytes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct AttachmentInfo {
    pub id: String,
    pub owner_kind: String,
    pub owner_id: String,
    pub name: String,
    pub media_type: String,
    #[ts(type = "number")]
    pub size: i64,
    pub sha256: String,
    pub created_at: String,
}

/// The media type of `bytes` from their signature, or `None` for kinds not accepted.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Attaches `bytes` named `name` to a partner or an inspection.
pub async fn add(
    desk: &Desk,
    owner_kind: &str,
    owner_id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<AttachmentInfo> {
    desk.require(Action::PartnerWrite)?;
    let mut c = Checker::new();
    let name = c.text("name", name, true, 120, false);
    if bytes.is_empty() {
        c.push("file", "empty");
    } else if bytes.len() > MAX_BYTES {
        c.errors.push(FieldError::with_limit("file", "too_large", (MAX_BYTES / 1024 / 1024) as u32));
    }
    let media_type = sniff(bytes);
    if media_type.is_none() && !bytes.is_empty() {
        c.push("file", "file_type");
    }
    let table = match owner_kind {
        "partner" => "partner",
        "inspection" => "inspection",
        _ => {
            c.push("owner_kind", "unknown");
            "partner"
        }
    };
    c.finish()?;
    let mut w = desk.write().await?;
    let owner: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM {table} WHERE id = ? AND deleted_at IS NULL",
        if table == "partner" { "id" } else { "partner_id" }
    )))
    .bind(owner_id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let (partner_id,) =
        owner.ok_or_else(|| Error::NotFound { entity: "attachment_owner", id: owner_id.into() })?;
    let id = new_id();
    let sha = hex::encode(Sha256::digest(bytes));
    let s = w.stamp.clone();
    sqlx::query(
        "INSERT INTO attachment (id, owner_kind, owner_id, name, media_type, size, sha256, bytes, created_at,
            updated_at, updated_by, hlc, field_hlc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object('*', ?))",
    )
    .bind(&id)
    .bind(owner_kind)
    .bind(owner_id)
    .bind(&name)
    .bind(media_type)
    .bind(bytes.len() as i64)
    .bind(&sha)
    .bind(bytes)
    .bind_stamp(&s)
    .execute(&mut *w.tx)
    .await?;
    let mut ch = Changes::new();
    ch.set("attachment", &name);
    ch.set("sha256", &sha);
    ch.set("on", &owner_kind);
    audit::record(&mut w, "attach", "partner", &partner_id, &ch).await?;
    w.commit().await?;
    let mut conn = desk.pool().acquire().await?;
    info(&mut conn, &id).await
}

async fn info(conn: &mut SqliteConnection, id: &str) -> Result<AttachmentInfo> {
    sqlx::query_as(
        "SELECT id, owner_kind, owner_id, name, media_type, size, sha256, created_at FROM attachment
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound { entity: "attachment", id: id.into() })
}

/// The attachments of a partner and of its inspections, oldest first.
pub(crate) async fn of_partner(conn: &mut SqliteConnection, partner_id: &str) -> Result<Vec<AttachmentInfo>> {
    Ok(sqlx::query_as(
        "SELECT id, owner_kind, owner_id, name, media_type, size, sha256, created_at FROM attachment
         WHERE deleted_at IS NULL AND ((owner_kind = 'partner' AND owner_id = ?1)
            OR (owner_kind = 'inspection' AND owner_id IN (SELECT id FROM inspection WHERE partner_id = ?1)))
         ORDER BY created_at, id",
    )
    .bind(partner_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// An attachment with its bytes (to show or save a copy).
pub async fn read(desk: &Desk, id: &str) -> Result<(AttachmentInfo, Vec<u8>)> {
    desk.require(Action::PartnerRead)?;
    let mut conn = desk.pool().acquire().await?;
    let meta = info(&mut conn, id).await?;
    let bytes: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM attachment WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((meta, bytes))
}

/// Removes (tombstones) an attachment.
pub async fn remove(desk: &Desk, id: &str) -> Result<()> {
    desk.require(Action::PartnerWrite)?;
    let mut w = desk.write().await?;
    let meta = info(&mut w.tx, id).await?;
    let partner_id: String = if meta.owner_kind == "partner" {
        meta.owner_id.clone()
    } else {
        sqlx::query_scalar("SELECT partner_id FROM inspection WHERE id = ?")
            .bind(&meta.owner_id)
            .fetch_one(&mut *w.tx)
            .await?
    };
    crate::records::tombstone(&mut w, "attachment", id).await?;
    let mut ch = Changes::new();
    ch.set("attachment_removed", &meta.name);
    audit::record(&mut w, "detach", "partner", &partner_id, &ch).await?;
    w.commit().await
}
