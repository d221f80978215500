//! R1.1: the audit trail. Every change that matters writes one entry in the same transaction
//! as the change itself, so a change and its trace commit or roll back together.
//!
//! Invariants: entries are append-only (SQL triggers refuse UPDATE and DELETE); `changes` is a
//! JSON object `{field: [before, after]}` of the fields the operation changed.

use crate::desk::{Desk, Write, new_id};
use crate::error::Result;
use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

/// Field-level difference: `{field: [before, after]}`.
#[derive(Debug, Default, Clone)]
pub struct Changes(Map<String, Value>);

impl Changes {
    pub fn new() -> Self {
        Self::default()
    }
    /// Records `field` when `before != after`; returns whether it did.
    pub fn diff<T: Serialize + PartialEq>(&mut self, field: &str, before: &T, after: &T) -> bool {
        if before == after {
            return false;
        }
        let b = serde_json::to_value(before).unwrap_or(Value::Null);
        let a = serde_json::to_value(after).unwrap_or(Value::Null);
        self.0.insert(field.to_string(), Value::Array(vec![b, a]));
        true
    }
    /// Records a field set from nothing (creation).
    pub fn set<T: Serialize>(&mut self, field: &str, after: &T) {
        let a = serde_json::to_value(after).unwrap_or(Value::Null);
        if !a.is_null() && a != Value::String(String::new()) {
            self.0.insert(field.to_string(), Value::Array(vec![Value::Null, a]));
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn fields(&self) -> impl Iterator<Item = &String> {
        self.0.keys()
    }
    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}

/// Appends one entry inside the write transaction `w`.
pub async fn record(
    w: &mut Write,
    operation: &str,
    entity: &str,
    entity_id: &str,
    changes: &Changes,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, hlc, device_id, user_id, user_name, operation, entity, entity_id, changes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new_id())
    .bind(&w.stamp.now)
    .bind(&w.stamp.hlc)
    .bind(&w.stamp.device_id)
    .bind(&w.stamp.user.id)
    .bind(&w.stamp.user.name)
    .bind(operation)
    .bind(entity)
    .bind(entity_id)
    .bind(changes.to_json())
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

/// Appends many entries `(operation, entity, entity_id, changes)` inside `w`, with
/// multi-row statements (batch creation and imports).
pub async fn record_many(w: &mut Write, entries: &[(&str, &str, &str, Changes)]) -> Result<()> {
    for part in entries.chunks(100) {
        let mut qb: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
            "INSERT INTO audit_log (id, at, hlc, device_id, user_id, user_name, operation, entity, entity_id, changes) ",
        );
        let s = &w.stamp;
        qb.push_values(part, |mut b, (op, entity, id, changes)| {
            b.push_bind(new_id())
                .push_bind(s.now.as_str())
                .push_bind(s.hlc.as_str())
                .push_bind(s.device_id.as_str())
                .push_bind(s.user.id.as_str())
                .push_bind(s.user.name.as_str())
                .push_bind(*op)
                .push_bind(*entity)
                .push_bind(*id)
                .push_bind(changes.to_json());
        });
        qb.build().execute(&mut *w.tx).await?;
    }
    Ok(())
}

/// One audit entry as shown to a person.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct AuditEntry {
    pub id: String,
    pub at: String,
    pub user_id: String,
    pub user_name: String,
    pub operation: String,
    pub entity: String,
    pub entity_id: String,
    /// JSON object `{field: [before, after]}`.
    pub changes: String,
}

/// The history of one record, oldest first.
pub async fn history(desk: &Desk, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>> {
    Ok(sqlx::query_as(
        "SELECT id, at, user_id, user_name, operation, entity, entity_id, changes
         FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY seq",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_all(desk.pool())
    .await?)
}
