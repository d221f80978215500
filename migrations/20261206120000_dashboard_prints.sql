-- Issue 25: a dashboard card printed or saved as a PDF is remembered like every other document
-- made here (R3.1.3), so the kinds of printed_file gain 'dashboard'. SQLite cannot change a
-- CHECK in place: the table is rebuilt with the same columns and rows.
CREATE TABLE printed_file_next (
    sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    fingerprint TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('agreement', 'evaluation', 'portfolio', 'minutes',
                    'certificate', 'price_list', 'statement', 'promotion', 'dashboard')),
    title       TEXT NOT NULL,
    number      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    made_at     TEXT NOT NULL,
    made_by     TEXT NOT NULL
) STRICT;
INSERT INTO printed_file_next SELECT sha256, fingerprint, kind, title, number, file_name, made_at, made_by
    FROM printed_file;
DROP TABLE printed_file;
ALTER TABLE printed_file_next RENAME TO printed_file;
CREATE INDEX printed_file_by_fingerprint ON printed_file(fingerprint);

-- The dashboard's sales read confirmed orders of a period with their partner; its receivables
-- read every shipment with its order's currency.
CREATE INDEX sales_order_confirmed ON sales_order(ordered_on, currency, partner_id, total_minor)
    WHERE status = 'confirmed' AND deleted_at IS NULL;

-- The dashboard reads wide tables through narrow covering indexes (measured in
-- docs/benchmarks.md): a partner's region, class and channel contact by its id; the partners
-- recorded in a period with what the funnel counts; a prospect's stage reached and outcome;
-- shipments by partner and day with their amount; an order line's product and amount.
CREATE INDEX partner_dash ON partner(id, province, class, channel_contact_id) WHERE deleted_at IS NULL;
CREATE INDEX partner_recorded ON partner(created_at, id, source_kind, status, province, channel_contact_id)
    WHERE deleted_at IS NULL;
CREATE INDEX prospect_funnel ON prospect(partner_id, reached, outcome, event_id) WHERE deleted_at IS NULL;
CREATE INDEX shipment_ageing ON shipment(partner_id, shipped_on, amount_minor, order_id) WHERE deleted_at IS NULL;
CREATE INDEX order_line_dash ON order_line(order_id, product_id, amount_minor, quantity) WHERE deleted_at IS NULL;
CREATE INDEX sales_order_currency ON sales_order(id, currency);
