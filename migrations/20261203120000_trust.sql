-- Trust between laptops (docs/threat-model.md).

-- Each audit entry's Ed25519 signature (hex) by the laptop that made it, over its content
-- (src/signing.rs, Purpose::Audit). Entries written before this version have none.
ALTER TABLE audit_log ADD COLUMN sig TEXT NOT NULL DEFAULT '';

-- The public keys this laptop trusts: its own (one per key it has held), the laptops an
-- administrator paired after comparing fingerprints, and those a paired laptop vouched for
-- in a signed bundle (`via`: that laptop's device id). Local: never travels as a row.
CREATE TABLE device_key (
    public_key   TEXT PRIMARY KEY CHECK (length(public_key) = 64),
    device_id    TEXT NOT NULL,
    device_code  TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL CHECK (source IN ('own', 'paired', 'vouched')),
    via          TEXT NOT NULL DEFAULT '',
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX device_key_device ON device_key(device_id);

-- The newest chain head each laptop showed in a bundle (witnessed here): a later bundle
-- whose head is behind it means that laptop's trail was cut.
ALTER TABLE sync_peer ADD COLUMN head_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_peer ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
