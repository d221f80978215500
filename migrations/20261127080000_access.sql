-- Access: accounts with roles and passwords, sign-in throttling, a tamper-evident audit
-- chain, and applications typed in by prospects at the kiosk (R1.1, R2.1.1, R3.1.2, R4.3.2).

-- Accounts. A user without a password cannot sign in (users created by an earlier version
-- from the OS login, or channel contacts named before accounts existed).
-- roles: JSON array of role ids (channel, legal, business, finance, manager, admin).
ALTER TABLE app_user ADD COLUMN password_hash TEXT;
ALTER TABLE app_user ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
ALTER TABLE app_user ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));

-- Local: failed sign-ins per login, to slow guessing down. Not shared between laptops.
CREATE TABLE sign_in_failure (
    login     TEXT PRIMARY KEY,
    failures  INTEGER NOT NULL,
    last_at   TEXT NOT NULL
) STRICT;

-- Audit chain: each entry holds the role it was done in, the hash of the entry before it and
-- its own hash (SHA-256 over the previous hash and its fields), so that editing, inserting or
-- deleting an entry breaks the chain. Entries written by an earlier version are sealed once,
-- in order, when this version first opens the file: only a row that has no hash yet may be
-- updated, and only to seal it.
ALTER TABLE audit_log ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_user ON audit_log(user_id, seq);

-- R2.1.1: applications a prospect typed in at the kiosk, waiting for a staff member to
-- register them as partners (with the usual duplicate checks) or discard them.
-- payload: the partner input as JSON, checked by the same rules as the partner form.
CREATE TABLE application (
    id            TEXT PRIMARY KEY,
    payload       TEXT NOT NULL,
    company_name  TEXT NOT NULL,
    event         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('new', 'registered', 'discarded')),
    partner_id    TEXT REFERENCES partner(id),
    submitted_at  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX application_new ON application(submitted_at) WHERE status = 'new' AND deleted_at IS NULL;
