-- Business process (R4.1.1–R4.3.2): the product and service catalogue with dated prices,
-- the trade terms of an agreement that orders are reviewed and settled by, partner orders
-- with their review, confirmation, shipments, payments and after-sales cases, credit notes,
-- payments to partners with a finance approval, and settlement statements with the partner's
-- confirmation or disputes. Money is integer minor units (分) with an ISO currency.
-- Every business table is merge-ready like the foundation's.

-- R4.1.1: a product or service. category: the product line an agreement covers.
CREATE TABLE product (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    category     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('product', 'service')),
    unit         TEXT NOT NULL,
    currency     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    after_sales  TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE UNIQUE INDEX product_code ON product(code) WHERE deleted_at IS NULL;

-- R4.1.1: a price of a product from a date: the list price or the partner price of a class.
-- The price on a day is the one with the latest valid_from not after it.
CREATE TABLE price (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL REFERENCES product(id),
    tier         TEXT NOT NULL CHECK (tier IN ('list', 'A', 'B', 'C')),
    price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
    valid_from   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX price_of ON price(product_id, tier, valid_from) WHERE deleted_at IS NULL;

-- R4.1.2, R4.3.1: the trade terms of an agreement, as the order review and the settlement
-- read them. terms_on: when they were recorded (NULL: not yet, and orders under the
-- agreement fail the review's terms rules). territory: JSON array of province codes ([] =
-- the whole country); categories: JSON array of product lines ([] = every line).
-- price_basis: the partner's class, a fixed class, or a discount off the list price.
-- settle_method: purchase (the partner buys and pays) or commission (the customer pays the
-- company and the partner earns a commission). Rates in basis points (1/100 of a percent).
ALTER TABLE agreement ADD COLUMN terms_on TEXT;
ALTER TABLE agreement ADD COLUMN territory TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agreement ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agreement ADD COLUMN price_basis TEXT NOT NULL DEFAULT 'class'
    CHECK (price_basis IN ('class', 'A', 'B', 'C', 'discount'));
ALTER TABLE agreement ADD COLUMN discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000);
ALTER TABLE agreement ADD COLUMN settle_method TEXT NOT NULL DEFAULT 'purchase'
    CHECK (settle_method IN ('purchase', 'commission'));
ALTER TABLE agreement ADD COLUMN settle_cycle TEXT NOT NULL DEFAULT 'monthly'
    CHECK (settle_cycle IN ('monthly', 'quarterly', 'half_yearly', 'yearly'));
ALTER TABLE agreement ADD COLUMN payment_days INTEGER NOT NULL DEFAULT 30 CHECK (payment_days BETWEEN 0 AND 365);
ALTER TABLE agreement ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY';
ALTER TABLE agreement ADD COLUMN credit_limit_minor INTEGER CHECK (credit_limit_minor IS NULL OR credit_limit_minor >= 0);
ALTER TABLE agreement ADD COLUMN commission_bp INTEGER NOT NULL DEFAULT 0 CHECK (commission_bp BETWEEN 0 AND 10000);
ALTER TABLE agreement ADD COLUMN rebate_bp INTEGER NOT NULL DEFAULT 0 CHECK (rebate_bp BETWEEN 0 AND 10000);

-- R4.1.2: a partner's customer order. number: SO-<year>-<device code>-<seq>. status is what
-- people did: entered, held (the review found broken rules), approved (passed, or a manager
-- overrode with a reason), confirmed (with the contract reference), cancelled. Delivery and
-- payment follow from shipments and payments. review: JSON [{rule, passed, detail}] of the
-- last review. total_minor is the sum of the live lines, kept with them.
CREATE TABLE sales_order (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    partner_id        TEXT NOT NULL REFERENCES partner(id),
    agreement_id      TEXT REFERENCES agreement(id),
    customer_name     TEXT NOT NULL,
    customer_province TEXT NOT NULL,
    customer_city     TEXT NOT NULL DEFAULT '',
    customer_contact  TEXT NOT NULL DEFAULT '',
    currency          TEXT NOT NULL,
    ordered_on        TEXT NOT NULL,
    requested_on      TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    total_minor       INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL CHECK (status IN ('entered', 'held', 'approved', 'confirmed', 'cancelled')),
    review            TEXT NOT NULL DEFAULT '[]',
    reviewed_by       TEXT,
    reviewed_at       TEXT,
    override_reason   TEXT NOT NULL DEFAULT '',
    overridden_by     TEXT,
    overridden_at     TEXT,
    contract_ref      TEXT NOT NULL DEFAULT '',
    confirmed_by      TEXT,
    confirmed_at      TEXT,
    cancel_reason     TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    hlc               TEXT NOT NULL,
    field_hlc         TEXT NOT NULL DEFAULT '{}',
    deleted_at        TEXT
) STRICT;
CREATE INDEX sales_order_partner ON sales_order(partner_id, ordered_on) WHERE deleted_at IS NULL;
CREATE INDEX sales_order_status ON sales_order(status, ordered_on) WHERE deleted_at IS NULL;

-- A line of an order: amount_minor = quantity × unit_price_minor.
CREATE TABLE order_line (
    id                TEXT PRIMARY KEY,
    order_id          TEXT NOT NULL REFERENCES sales_order(id),
    line_no           INTEGER NOT NULL CHECK (line_no >= 1),
    product_id        TEXT NOT NULL REFERENCES product(id),
    quantity          INTEGER NOT NULL CHECK (quantity >= 1),
    unit_price_minor  INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    amount_minor      INTEGER NOT NULL CHECK (amount_minor >= 0),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    hlc               TEXT NOT NULL,
    field_hlc         TEXT NOT NULL DEFAULT '{}',
    deleted_at        TEXT
) STRICT;
CREATE INDEX order_line_of ON order_line(order_id, line_no) WHERE deleted_at IS NULL;

-- R4.2.1: a shipment of (part of) an order and where it is. amount_minor: the value of its
-- lines (quantity × the line's unit price), written with them; a shipment's lines never
-- change, so it stays their sum (what is overdue is read from it, not from every line).
CREATE TABLE shipment (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES sales_order(id),
    partner_id    TEXT NOT NULL REFERENCES partner(id),
    shipped_on    TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL DEFAULT 0 CHECK (amount_minor >= 0),
    carrier       TEXT NOT NULL DEFAULT '',
    tracking_no   TEXT NOT NULL DEFAULT '',
    expected_on   TEXT NOT NULL,
    delivered_on  TEXT,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX shipment_of ON shipment(order_id) WHERE deleted_at IS NULL;
CREATE INDEX shipment_partner ON shipment(partner_id, shipped_on) WHERE deleted_at IS NULL;

-- The quantity of one order line in a shipment.
CREATE TABLE shipment_line (
    id             TEXT PRIMARY KEY,
    shipment_id    TEXT NOT NULL REFERENCES shipment(id),
    order_line_id  TEXT NOT NULL REFERENCES order_line(id),
    quantity       INTEGER NOT NULL CHECK (quantity >= 1),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    field_hlc      TEXT NOT NULL DEFAULT '{}',
    deleted_at     TEXT
) STRICT;
CREATE INDEX shipment_line_of ON shipment_line(shipment_id) WHERE deleted_at IS NULL;
CREATE INDEX shipment_line_order_line ON shipment_line(order_line_id) WHERE deleted_at IS NULL;

-- R4.2.2: an after-sales case of an order's customer; satisfaction 1–5 from the feedback.
CREATE TABLE aftersales_case (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES sales_order(id),
    partner_id    TEXT NOT NULL REFERENCES partner(id),
    kind          TEXT NOT NULL CHECK (kind IN ('installation', 'training', 'maintenance', 'troubleshooting')),
    subject       TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    owner_id      TEXT,
    opened_on     TEXT NOT NULL,
    resolved_on   TEXT,
    resolution    TEXT NOT NULL DEFAULT '',
    feedback      TEXT NOT NULL DEFAULT '',
    satisfaction  INTEGER CHECK (satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX aftersales_open ON aftersales_case(opened_on) WHERE status IN ('open', 'in_progress') AND deleted_at IS NULL;
CREATE INDEX aftersales_order ON aftersales_case(order_id);
CREATE INDEX aftersales_partner ON aftersales_case(partner_id);

-- R4.3.2: money received (direction 'in': the partner's or its customer's payment, recorded
-- by finance) or paid to a partner ('out': commission, rebate, reward or refund), which is
-- proposed, approved or rejected by a finance user other than the proposer, then paid.
CREATE TABLE payment (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT NOT NULL REFERENCES partner(id),
    order_id       TEXT REFERENCES sales_order(id),
    direction      TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    kind           TEXT NOT NULL CHECK (kind IN ('collection', 'commission', 'rebate', 'reward', 'refund')),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('received', 'proposed', 'approved', 'rejected', 'paid')),
    paid_on        TEXT,
    reference      TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    proposed_by    TEXT,
    decided_by     TEXT,
    decided_at     TEXT,
    decision_note  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    field_hlc      TEXT NOT NULL DEFAULT '{}',
    deleted_at     TEXT
) STRICT;
CREATE INDEX payment_partner ON payment(partner_id, currency, paid_on) WHERE deleted_at IS NULL;
CREATE INDEX payment_order ON payment(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX payment_waiting ON payment(created_at) WHERE status = 'proposed' AND deleted_at IS NULL;

-- R4.3.1: a credit note (returns, price corrections) that lowers what a partner owes.
CREATE TABLE credit_note (
    id            TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES partner(id),
    order_id      TEXT REFERENCES sales_order(id),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX credit_note_partner ON credit_note(partner_id, currency, issued_on) WHERE deleted_at IS NULL;

-- R4.3.1: a settlement statement of one partner, currency and period of its agreement's
-- cycle, with the figures as issued and the fingerprint of its lines. status: issued,
-- confirmed by the partner (who, when) or disputed (open disputes).
CREATE TABLE statement (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    partner_id       TEXT NOT NULL REFERENCES partner(id),
    agreement_id     TEXT NOT NULL REFERENCES agreement(id),
    currency         TEXT NOT NULL,
    period_from      TEXT NOT NULL,
    period_to        TEXT NOT NULL,
    opening_minor    INTEGER NOT NULL,
    sales_minor      INTEGER NOT NULL,
    due_minor        INTEGER NOT NULL,
    credit_minor     INTEGER NOT NULL,
    commission_minor INTEGER NOT NULL,
    rebate_minor     INTEGER NOT NULL,
    received_minor   INTEGER NOT NULL,
    paid_out_minor   INTEGER NOT NULL,
    closing_minor    INTEGER NOT NULL,
    line_count       INTEGER NOT NULL,
    fingerprint      TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'confirmed', 'disputed')),
    confirmed_on     TEXT,
    confirmed_by     TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL,
    hlc              TEXT NOT NULL,
    field_hlc        TEXT NOT NULL DEFAULT '{}',
    deleted_at       TEXT
) STRICT;
CREATE INDEX statement_partner ON statement(partner_id, period_from) WHERE deleted_at IS NULL;

-- R4.3.1: a line of a statement the partner disputes, and how it was settled.
CREATE TABLE statement_dispute (
    id            TEXT PRIMARY KEY,
    statement_id  TEXT NOT NULL REFERENCES statement(id),
    line_ref      TEXT NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution    TEXT NOT NULL DEFAULT '',
    resolved_on   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX statement_dispute_of ON statement_dispute(statement_id);
