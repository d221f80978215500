//! The crate's one error type.
//!
//! Every operation returns [`Result`]. Each variant has a stable [`Error::code`] that the UI
//! translates (`error.<code>` in `ui/i18n/*.json`); validation errors carry a list of
//! `{field, rule, …}` so the UI can put a translated message next to each field. The English
//! `Display` text is for logs only and never shown to a user as is.

use serde::Serialize;
use ts_rs::TS;

/// One broken rule on one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    /// Input field name as the UI knows it (`name`, `credit_code`, `contacts.0.mobile`).
    pub field: String,
    /// Stable rule id (`required`, `too_long`, `credit_code_check`, …).
    pub rule: String,
    /// A limit that belongs to the rule, e.g. the maximum length for `too_long`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: &str) -> Self {
        Self { field: field.into(), rule: rule.to_string(), limit: None }
    }
    pub fn with_limit(field: impl Into<String>, rule: &str, limit: u32) -> Self {
        Self { field: field.into(), rule: rule.to_string(), limit: Some(limit) }
    }
}

/// A record that stands in the way of an operation (a duplicate, a newer version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ConflictRef {
    pub id: String,
    pub label: String,
    /// Why it conflicts: `credit_code`, `similar_name`, `phone`, `email`, `stale`.
    pub reason: String,
}

/// Every failure the core can report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("conflict ({kind}): {with:?}")]
    Conflict { kind: &'static str, with: Vec<ConflictRef> },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("locked")]
    Locked,
    /// The database key does not open the file (wrong key, or the file is damaged).
    #[error("the key does not open the database")]
    KeyRejected,
    /// The OS keychain could not be reached or refused access.
    #[error("keychain: {0}")]
    Keychain(String),
    /// Too many failed sign-ins: wait before the next attempt.
    #[error("too many failed attempts; retry in {retry_after} s")]
    Throttled { retry_after: u64 },
    /// A storage failure described by the program (a newer schema, a failed check).
    #[error("storage: {0}")]
    Storage(String),
    /// The database refused or failed a statement; the sqlx error is kept as the source.
    #[error("storage: {0}")]
    Database(#[from] sqlx::Error),
    /// A file or folder could not be read or written; the I/O error is kept as the source.
    #[error("storage: {0}")]
    Io(#[from] std::io::Error),
    /// The schema could not be brought to the newest migration.
    #[error("storage: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("document: {0}")]
    Document(String),
    /// A bundle or spreadsheet that cannot be read: `reason` is a stable id the UI translates
    /// (`import.<reason>`: `truncated`, `checksum`, `passphrase_wrong`, …), `detail` names the
    /// entry, row or value for logs and for the person who sent the file.
    #[error("import ({reason}): {detail}")]
    Import { reason: &'static str, detail: String },
    /// An update package refused before anything was replaced: `reason` is `signature`
    /// (missing, malformed or not matching the package), `untrusted_key`, `not_newer`,
    /// `wrong_platform`, `manifest` or `download`.
    #[error("update ({reason}): {detail}")]
    Update { reason: &'static str, detail: String },
    /// The person cancelled a long operation; nothing was written.
    #[error("cancelled")]
    Cancelled,
    /// A command panicked inside the program (the shell logs the panic with its backtrace);
    /// its write, if any, was rolled back unless it had already committed.
    #[error("internal error (see the log)")]
    Internal,
    /// A pipeline gate (R2.1.4): the prospect cannot move to stage `to` without the records
    /// named in `missing` (`{field: record, rule: missing | failed}`).
    #[error("gate to {to}: {missing:?}")]
    Gate { to: String, missing: Vec<FieldError> },
}

impl Error {
    /// The stable code the UI translates.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::Forbidden(_) => "forbidden",
            Error::Locked => "locked",
            Error::KeyRejected => "key_rejected",
            Error::Keychain(_) => "keychain",
            Error::Throttled { .. } => "throttled",
            Error::Storage(_) | Error::Database(_) | Error::Io(_) | Error::Migration(_) => "storage",
            Error::Document(_) => "document",
            Error::Import { .. } => "import",
            Error::Update { .. } => "update",
            Error::Cancelled => "cancelled",
            Error::Internal => "internal",
            Error::Gate { .. } => "gate",
        }
    }

    /// An unreadable import (`reason` as in [`Error::Import`]).
    pub fn import(reason: &'static str, detail: impl Into<String>) -> Self {
        Error::Import { reason, detail: detail.into() }
    }

    /// A record changed since the person read it (`conflict/stale`): `label` names it.
    pub fn stale(id: impl Into<String>, label: impl Into<String>) -> Self {
        Error::Conflict {
            kind: "stale",
            with: vec![ConflictRef { id: id.into(), label: label.into(), reason: "stale".into() }],
        }
    }

    /// The message and every cause below it that adds something (`a: b: c`), for the log.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            let more = s.to_string();
            if !text.contains(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            source = s.source();
        }
        text
    }

    /// Validation error for a single field.
    pub fn field(field: &str, rule: &str) -> Self {
        Error::Validation(vec![FieldError::new(field, rule)])
    }
}

/// The serialisable shape the UI receives: `{code, message, fields, conflicts, kind}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub code: String,
    /// English diagnostic for logs; the UI shows the translation of `code` instead.
    pub message: String,
    pub fields: Vec<FieldError>,
    pub conflicts: Vec<ConflictRef>,
    /// Sub-kind for conflicts (`duplicate`, `similar`, `stale`); the target stage of a `gate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kind: Option<String>,
    /// Seconds to wait before the next sign-in attempt (`throttled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after: Option<u64>,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        let (fields, conflicts, kind) = match e {
            Error::Validation(f) => (f.clone(), vec![], None),
            Error::Conflict { kind, with } => (vec![], with.clone(), Some(kind.to_string())),
            Error::Gate { to, missing } => (missing.clone(), vec![], Some(to.clone())),
            Error::Import { reason, detail } => {
                (vec![FieldError::new(detail.clone(), reason)], vec![], Some(reason.to_string()))
            }
            Error::Update { reason, .. } => (vec![], vec![], Some(reason.to_string())),
            _ => (vec![], vec![], None),
        };
        let retry_after = match e {
            Error::Throttled { retry_after } => Some(*retry_after),
            _ => None,
        };
        ErrorPayload { code: e.code().to_string(), message: e.chain(), fields, conflicts, kind, retry_after }
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        ErrorPayload::from(self).serialize(s)
    }
}

pub type Result<T> = std::result::Result<T, Error>;
