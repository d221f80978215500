-- Issue 24 (R3.1.3): what this laptop printed, by content. Every document made here for
-- printing or saving (agreements and their copies and originals, evaluation reports, the
-- portfolio, minutes, certificates, price lists, statements, the promotion summary) is
-- remembered by the SHA-256 of its bytes (the output is byte-identical for the same content),
-- so that verifying a file compares its content, not the fingerprint written in its metadata: a
-- file whose pages were edited but whose metadata was kept matches nothing here. Local to this
-- laptop's file: never travels in a bundle.
CREATE TABLE printed_file (
    sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    fingerprint TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('agreement', 'evaluation', 'portfolio', 'minutes',
                    'certificate', 'price_list', 'statement', 'promotion')),
    title       TEXT NOT NULL,
    number      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    made_at     TEXT NOT NULL,
    made_by     TEXT NOT NULL
) STRICT;
CREATE INDEX printed_file_by_fingerprint ON printed_file(fingerprint);
