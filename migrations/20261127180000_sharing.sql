-- Sharing between laptops (bundles, merge, conflicts) and rolling backups. Both tables are
-- local to this file and never travel in a bundle.

-- What this file holds of each other laptop's changes: every change of `device_id` up to
-- `known_hlc` has been merged here (advanced only by complete bundles). Used to tell a change
-- made knowing the other side's value from a concurrent one (a conflict).
CREATE TABLE sync_peer (
    device_id     TEXT PRIMARY KEY,
    device_code   TEXT NOT NULL DEFAULT '',
    known_hlc     TEXT NOT NULL DEFAULT '',
    last_user     TEXT NOT NULL DEFAULT '',
    last_import   TEXT NOT NULL DEFAULT ''
) STRICT;

-- Fields changed on both laptops since they last exchanged. The merge keeps the later change
-- (`kept_*`, so every laptop ends with the same data); a person then confirms it or takes the
-- other value (`other_*`), which is written as a new change. Values are JSON.
CREATE TABLE sync_conflict (
    id            TEXT PRIMARY KEY,
    table_name    TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    field         TEXT NOT NULL,
    label         TEXT NOT NULL DEFAULT '',
    kept_value    TEXT NOT NULL,
    kept_hlc      TEXT NOT NULL,
    other_value   TEXT NOT NULL,
    other_hlc     TEXT NOT NULL,
    from_device   TEXT NOT NULL,
    detected_at   TEXT NOT NULL,
    resolved_at   TEXT,
    resolved_by   TEXT,
    choice        TEXT CHECK (choice IN ('kept', 'other', 'superseded'))
) STRICT;
CREATE INDEX sync_conflict_open ON sync_conflict(detected_at) WHERE resolved_at IS NULL;
CREATE UNIQUE INDEX sync_conflict_field ON sync_conflict(table_name, row_id, field, kept_hlc, other_hlc);
