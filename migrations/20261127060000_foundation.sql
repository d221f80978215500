-- Foundation: device identity, settings, users, audit trail, and the partner register.
--
-- Business tables are merge-ready: UUIDv7 text id, created_at / updated_at (RFC 3339 UTC),
-- updated_by (user id), hlc (hybrid logical clock of the last change), field_hlc (JSON map of
-- field -> hlc of its last change, for per-field last-writer-wins merges) and deleted_at
-- (tombstone; rows are never hard-deleted). Local-only tables (device, setting, search
-- indexes) are not shared between laptops.

-- This laptop's identity. Exactly one row.
CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    id          TEXT NOT NULL,
    short_code  TEXT NOT NULL CHECK (length(short_code) = 2),
    created_at  TEXT NOT NULL,
    last_hlc    TEXT NOT NULL DEFAULT ''
) STRICT;

-- Local preferences (language, …).
CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;

CREATE TABLE app_user (
    id            TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    login         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE UNIQUE INDEX app_user_login ON app_user(login) WHERE deleted_at IS NULL;

-- R1.1: who did what, when. Append-only: updates and deletes are refused by triggers.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    at          TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    operation   TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- R2.1.3 / R2.3.1: the partner register.
-- rid is this file's local row number (the search indexes point at it; it never leaves the
-- laptop); id is the record's identity everywhere.
CREATE TABLE partner (
    rid                 INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    name_norm           TEXT NOT NULL,
    short_name          TEXT NOT NULL DEFAULT '',
    credit_code         TEXT,
    legal_rep           TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    province            TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    industry            TEXT NOT NULL DEFAULT '',
    business_scope      TEXT NOT NULL DEFAULT '',
    website             TEXT NOT NULL DEFAULT '',
    source_kind         TEXT NOT NULL CHECK (source_kind IN ('online', 'offline_event', 'referral', 'other')),
    source_detail       TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('prospect', 'active', 'suspended', 'terminated')),
    class               TEXT CHECK (class IN ('A', 'B', 'C')),
    channel_contact_id  TEXT REFERENCES app_user(id),
    tags                TEXT NOT NULL DEFAULT '[]',
    notes               TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    hlc                 TEXT NOT NULL,
    field_hlc           TEXT NOT NULL DEFAULT '{}',
    deleted_at          TEXT
) STRICT;
CREATE UNIQUE INDEX partner_credit_code ON partner(credit_code)
    WHERE credit_code IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX partner_name_norm ON partner(name_norm) WHERE deleted_at IS NULL;
CREATE INDEX partner_live_name ON partner(deleted_at, name);
CREATE INDEX partner_live_updated ON partner(deleted_at, updated_at);
CREATE INDEX partner_status ON partner(status, name) WHERE deleted_at IS NULL;
CREATE INDEX partner_province ON partner(province, name) WHERE deleted_at IS NULL;
CREATE INDEX partner_class ON partner(class, name) WHERE deleted_at IS NULL;
CREATE INDEX partner_source ON partner(source_kind, name) WHERE deleted_at IS NULL;
CREATE INDEX partner_no_contact ON partner(name) WHERE deleted_at IS NULL AND channel_contact_id IS NULL;
-- Covers the list filters, so counting a filtered list never reads the rows themselves.
CREATE INDEX partner_facets ON partner(status, province, class, source_kind, channel_contact_id)
    WHERE deleted_at IS NULL;

CREATE TABLE partner_contact (
    id           TEXT PRIMARY KEY,
    partner_id   TEXT NOT NULL REFERENCES partner(id),
    name         TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    mobile       TEXT NOT NULL DEFAULT '',
    mobile_norm  TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    wechat       TEXT NOT NULL DEFAULT '',
    is_primary   INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX partner_contact_partner ON partner_contact(partner_id, position);
CREATE INDEX partner_contact_mobile ON partner_contact(mobile_norm) WHERE mobile_norm <> '' AND deleted_at IS NULL;
CREATE INDEX partner_contact_email ON partner_contact(lower(email)) WHERE email <> '' AND deleted_at IS NULL;

-- Local, derived: one row per (tag, partner) for indexed tag filters.
CREATE TABLE partner_tag (
    tag         TEXT NOT NULL,
    partner_id  TEXT NOT NULL,
    PRIMARY KEY (tag, partner_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX partner_tag_partner ON partner_tag(partner_id);

-- Local, derived search indexes (rebuilt from the partner rows on any change):
-- FTS5 trigram for queries of 3+ characters, keyed by the partner's rowid.
CREATE VIRTUAL TABLE partner_fts USING fts5(
    body, tokenize = 'trigram', content = '', contentless_delete = 1
);
-- Two-character grams of names for 1-2 character queries. A 1-character query is a prefix
-- range on gram; every text is padded with U+0001 so its last character also starts a gram.
CREATE TABLE partner_gram (
    gram        TEXT NOT NULL,
    partner_rid INTEGER NOT NULL,
    PRIMARY KEY (gram, partner_rid)
) STRICT, WITHOUT ROWID;
CREATE INDEX partner_gram_rid ON partner_gram(partner_rid);
