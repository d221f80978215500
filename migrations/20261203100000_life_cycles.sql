-- Life cycles as state machines (src/machines): an agreement signed on paper outside the
-- program is approved by a manager with a reason and the scan of the paper original, in
-- place of the legal and business reviews (R3.1.2). The approval holds for the version it
-- names (its fingerprint), as the reviews do.
ALTER TABLE agreement ADD COLUMN paper_scan_id TEXT;
ALTER TABLE agreement ADD COLUMN paper_reason TEXT;
ALTER TABLE agreement ADD COLUMN paper_fingerprint TEXT;
