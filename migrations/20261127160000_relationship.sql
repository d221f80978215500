-- Relationship maintenance (R2.3.1–R2.3.3): the communication log with quarterly review
-- minutes and follow-ups, training sessions, support requests, rewards with a manager's
-- approval, and annual awards. Every business table is merge-ready like the foundation's.

-- R2.3.1: a meeting, call, visit, e-mail or message. quarterly_review = 1 marks the quarter's
-- review meeting, whose minutes are progress, market, problems and solutions.
CREATE TABLE contact_log (
    id               TEXT PRIMARY KEY,
    partner_id       TEXT NOT NULL REFERENCES partner(id),
    kind             TEXT NOT NULL CHECK (kind IN ('meeting', 'call', 'visit', 'email', 'message')),
    quarterly_review INTEGER NOT NULL DEFAULT 0 CHECK (quarterly_review IN (0, 1)),
    held_on          TEXT NOT NULL,
    our_people       TEXT NOT NULL DEFAULT '',
    their_people     TEXT NOT NULL DEFAULT '',
    summary          TEXT NOT NULL,
    progress         TEXT NOT NULL DEFAULT '',
    market           TEXT NOT NULL DEFAULT '',
    problems         TEXT NOT NULL DEFAULT '',
    solutions        TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL,
    hlc              TEXT NOT NULL,
    field_hlc        TEXT NOT NULL DEFAULT '{}',
    deleted_at       TEXT
) STRICT;
CREATE INDEX contact_log_partner ON contact_log(partner_id, held_on) WHERE deleted_at IS NULL;
CREATE INDEX contact_log_review ON contact_log(held_on, partner_id) WHERE quarterly_review = 1 AND deleted_at IS NULL;

-- A follow-up of a log entry: who does what by when, and when it was done.
CREATE TABLE follow_up (
    id          TEXT PRIMARY KEY,
    log_id      TEXT NOT NULL REFERENCES contact_log(id),
    partner_id  TEXT NOT NULL REFERENCES partner(id),
    action      TEXT NOT NULL,
    owner_id    TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    done_on     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX follow_up_open ON follow_up(due_on) WHERE done_on IS NULL AND deleted_at IS NULL;
CREATE INDEX follow_up_partner ON follow_up(partner_id);

-- R2.3.2: a training session for a partner's staff.
CREATE TABLE training (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partner(id),
    kind        TEXT NOT NULL CHECK (kind IN ('product', 'sales', 'marketing', 'service')),
    held_on     TEXT NOT NULL,
    trainer     TEXT NOT NULL,
    materials   TEXT NOT NULL DEFAULT '',
    attendees   TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('attended', 'completed', 'certified')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX training_partner ON training(partner_id, held_on) WHERE deleted_at IS NULL;

-- R2.3.2: a support request and where it stands.
CREATE TABLE support_request (
    id                TEXT PRIMARY KEY,
    partner_id        TEXT NOT NULL REFERENCES partner(id),
    kind              TEXT NOT NULL CHECK (kind IN ('technical', 'marketing', 'presales', 'aftersales')),
    subject           TEXT NOT NULL,
    detail            TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    owner_id          TEXT,
    opened_at         TEXT NOT NULL,
    first_response_at TEXT,
    resolved_at       TEXT,
    resolution        TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    hlc               TEXT NOT NULL,
    field_hlc         TEXT NOT NULL DEFAULT '{}',
    deleted_at        TEXT
) STRICT;
CREATE INDEX support_open ON support_request(opened_at) WHERE status IN ('open', 'in_progress') AND deleted_at IS NULL;
CREATE INDEX support_partner ON support_request(partner_id);

-- R2.3.3: a reward proposed for a partner and a manager's decision. Money as integer minor
-- units with its currency; other kinds by description.
CREATE TABLE reward (
    id           TEXT PRIMARY KEY,
    partner_id   TEXT NOT NULL REFERENCES partner(id),
    kind         TEXT NOT NULL CHECK (kind IN ('cash', 'goods', 'certificate', 'commission', 'marketing_support', 'priority_supply')),
    amount_minor INTEGER CHECK (amount_minor IS NULL OR amount_minor > 0),
    currency     TEXT,
    description  TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected')),
    decided_by   TEXT,
    decided_at   TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX reward_partner ON reward(partner_id);
CREATE INDEX reward_waiting ON reward(created_at) WHERE status = 'proposed' AND deleted_at IS NULL;

-- R2.3.3: a nomination for an annual award and its outcome (one awarded per year and category).
CREATE TABLE award (
    id          TEXT PRIMARY KEY,
    year        INTEGER NOT NULL,
    category    TEXT NOT NULL,
    partner_id  TEXT NOT NULL REFERENCES partner(id),
    reason      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'nominated' CHECK (status IN ('nominated', 'awarded', 'not_awarded')),
    decided_by  TEXT,
    decided_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX award_year ON award(year, category) WHERE deleted_at IS NULL;
