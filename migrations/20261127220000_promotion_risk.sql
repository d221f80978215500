-- Market promotion (R5.1.1–R5.2.3) and risk management (R6.1.1–R6.2.4): market analysis
-- notes, promotion goals, strategies, activities with their execution log and effect
-- evaluation; the risk register with measures and reviews; the partner credit scheme,
-- ratings and responses; operational procedures and staff trainings. Every business table is
-- merge-ready like the foundation's.

-- R5.1.1: market analysis notes are research notes with three more topics (market trends,
-- competitors' promotion, target customers' needs), so they are searched the same way. SQLite
-- cannot change a CHECK in place: the table is rebuilt with every row and its rid (the key of
-- the search index).
CREATE TABLE research_note_next (
    rid          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    noted_on     TEXT NOT NULL,
    topic        TEXT NOT NULL CHECK (topic IN ('industry', 'competitor', 'potential_partner',
                                                'market_trend', 'competitor_promotion', 'customer_needs')),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '[]',
    partner_ids  TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
INSERT INTO research_note_next (rid, id, noted_on, topic, title, body, tags, partner_ids, created_at,
    updated_at, updated_by, hlc, field_hlc, deleted_at)
SELECT rid, id, noted_on, topic, title, body, tags, partner_ids, created_at, updated_at, updated_by, hlc,
    field_hlc, deleted_at FROM research_note;
DROP TABLE research_note;
ALTER TABLE research_note_next RENAME TO research_note;
CREATE INDEX research_note_date ON research_note(noted_on) WHERE deleted_at IS NULL;

-- R5.1.2: a goal of a period with a measurable target in hundredths of a percent (500 = 5 %).
-- actual_bp is entered for market share and awareness; sales growth is measured from orders
-- in `currency`.
CREATE TABLE promotion_goal (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('market_share', 'sales_growth', 'brand_awareness')),
    title        TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    target_bp    INTEGER NOT NULL,
    actual_bp    INTEGER,
    currency     TEXT NOT NULL DEFAULT 'CNY',
    measure      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX promotion_goal_period ON promotion_goal(period_from) WHERE deleted_at IS NULL;

-- R5.1.3: a strategy by one means, serving a goal.
CREATE TABLE promotion_strategy (
    id            TEXT PRIMARY KEY,
    goal_id       TEXT REFERENCES promotion_goal(id),
    means         TEXT NOT NULL CHECK (means IN ('advertising', 'sales_promotion', 'public_relations', 'online', 'offline_event')),
    title         TEXT NOT NULL,
    objective     TEXT NOT NULL,
    content       TEXT NOT NULL DEFAULT '',
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    budget_minor  INTEGER NOT NULL CHECK (budget_minor >= 0),
    currency      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;

-- R5.2.1–R5.2.3: an activity, its participants (partner_ids, staff_ids: JSON arrays), publicity
-- channels (JSON array of codes), money, and after it the effect: participants, results
-- (leads, deals), brand awareness before and after (hundredths of a percent), customer
-- satisfaction (tenths, 10–50) and lessons learned.
CREATE TABLE promotion_activity (
    id               TEXT PRIMARY KEY,
    strategy_id      TEXT REFERENCES promotion_strategy(id),
    theme            TEXT NOT NULL,
    form             TEXT NOT NULL CHECK (form IN ('seminar', 'exhibition', 'launch', 'in_store', 'online', 'training', 'other')),
    content          TEXT NOT NULL DEFAULT '',
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    place            TEXT NOT NULL DEFAULT '',
    channels         TEXT NOT NULL DEFAULT '[]',
    partner_ids      TEXT NOT NULL DEFAULT '[]',
    staff_ids        TEXT NOT NULL DEFAULT '[]',
    currency         TEXT NOT NULL,
    budget_minor     INTEGER NOT NULL CHECK (budget_minor >= 0),
    spent_minor      INTEGER NOT NULL DEFAULT 0 CHECK (spent_minor >= 0),
    status           TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'running', 'done', 'cancelled')),
    participants     INTEGER,
    results          INTEGER,
    result_label     TEXT NOT NULL DEFAULT '',
    awareness_before_bp INTEGER,
    awareness_after_bp  INTEGER,
    satisfaction_x10 INTEGER CHECK (satisfaction_x10 BETWEEN 10 AND 50),
    lessons          TEXT NOT NULL DEFAULT '',
    evaluated_on     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL,
    hlc              TEXT NOT NULL,
    field_hlc        TEXT NOT NULL DEFAULT '{}',
    deleted_at       TEXT
) STRICT;
CREATE INDEX promotion_activity_time ON promotion_activity(starts_on) WHERE deleted_at IS NULL;

-- R5.2.2: the execution log of an activity: progress, a problem, resources provided.
CREATE TABLE promotion_log (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES promotion_activity(id),
    logged_on    TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('progress', 'problem', 'resource')),
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX promotion_log_of ON promotion_log(activity_id, logged_on);

-- R6.2.4: a documented procedure (internal control) and its owner.
CREATE TABLE control_procedure (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL,
    title         TEXT NOT NULL,
    area          TEXT NOT NULL CHECK (area IN ('market', 'credit', 'legal', 'operational', 'competition', 'general')),
    version       TEXT NOT NULL,
    effective_on  TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    review_on     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;

-- R6.2.4: a training of the company's staff (attendee_ids: JSON array of users).
CREATE TABLE staff_training (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    held_on       TEXT NOT NULL,
    trainer       TEXT NOT NULL,
    procedure_id  TEXT REFERENCES control_procedure(id),
    attendee_ids  TEXT NOT NULL DEFAULT '[]',
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;

-- R6.1.1, R6.1.2: a risk. The grade follows from likelihood × impact (never stored, so a
-- merge of the two fields cannot leave it stale). partner_id is the partner of the linked
-- agreement or order when one is linked.
CREATE TABLE risk (
    id            TEXT PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    category      TEXT NOT NULL CHECK (category IN ('market', 'credit', 'legal', 'operational', 'competition')),
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    partner_id    TEXT REFERENCES partner(id),
    agreement_id  TEXT REFERENCES agreement(id),
    order_id      TEXT REFERENCES sales_order(id),
    procedure_id  TEXT REFERENCES control_procedure(id),
    likelihood    INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact        INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    owner_id      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    identified_on TEXT NOT NULL,
    review_on     TEXT NOT NULL,
    closed_note   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX risk_review_due ON risk(review_on) WHERE status = 'open' AND deleted_at IS NULL;
CREATE INDEX risk_partner ON risk(partner_id) WHERE partner_id IS NOT NULL;

-- A response measure of a risk: who does what by when, and when it was done.
CREATE TABLE risk_measure (
    id          TEXT PRIMARY KEY,
    risk_id     TEXT NOT NULL REFERENCES risk(id),
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
CREATE INDEX risk_measure_of ON risk_measure(risk_id);

-- A periodic review of a risk: the assessment then and the note (the risk keeps the latest).
CREATE TABLE risk_review (
    id           TEXT PRIMARY KEY,
    risk_id      TEXT NOT NULL REFERENCES risk(id),
    reviewed_on  TEXT NOT NULL,
    likelihood   INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact       INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    note         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX risk_review_of ON risk_review(risk_id, reviewed_on);

-- R6.2.2: a version of the credit rating scheme. criteria: JSON [{key, label, weight}] with
-- weights totalling 100; a total ≥ good_min is good, ≥ fair_min fair, ≥ watch_min watch,
-- below it poor. A partner is rated again every period_months.
CREATE TABLE credit_scheme (
    id             TEXT PRIMARY KEY,
    version        INTEGER NOT NULL UNIQUE,
    criteria       TEXT NOT NULL,
    good_min       INTEGER NOT NULL,
    fair_min       INTEGER NOT NULL,
    watch_min      INTEGER NOT NULL,
    period_months  INTEGER NOT NULL CHECK (period_months BETWEEN 1 AND 24),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    field_hlc      TEXT NOT NULL DEFAULT '{}',
    deleted_at     TEXT
) STRICT;

-- A partner's credit rating under one scheme version: the score of each criterion (JSON
-- {key: 0–100}), the weighted total in hundredths of a point and its level. Never changed.
CREATE TABLE credit_rating (
    id            TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES partner(id),
    scheme_id     TEXT NOT NULL REFERENCES credit_scheme(id),
    rated_on      TEXT NOT NULL,
    scores        TEXT NOT NULL,
    total_x100    INTEGER NOT NULL CHECK (total_x100 BETWEEN 0 AND 10000),
    level         TEXT NOT NULL CHECK (level IN ('good', 'fair', 'watch', 'poor')),
    note          TEXT NOT NULL DEFAULT '',
    next_due_on   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX credit_rating_partner ON credit_rating(partner_id, rated_on);

-- R6.2.2: a response to warning signs. The latest suspend / resume decides whether the
-- partner's cooperation is suspended (its new orders are refused by the order review).
CREATE TABLE credit_response (
    id           TEXT PRIMARY KEY,
    partner_id   TEXT NOT NULL REFERENCES partner(id),
    kind         TEXT NOT NULL CHECK (kind IN ('adjust_cooperation', 'intensify_collection', 'suspend', 'resume')),
    decided_on   TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX credit_response_partner ON credit_response(partner_id, decided_on);

-- The policy's four credit criteria as the first version every laptop shares (same id everywhere).
INSERT INTO credit_scheme (id, version, criteria, good_min, fair_min, watch_min, period_months,
    created_at, updated_at, updated_by, hlc)
VALUES ('00000000-0000-7000-8000-000000000501', 1, json('[
  {"key":"payment_history","label":"历史回款记录","weight":35},
  {"key":"overdue","label":"逾期欠款情况","weight":25},
  {"key":"financial","label":"财务状况","weight":25},
  {"key":"legal","label":"法律与诉讼记录","weight":15}
]'), 80, 60, 40, 6, '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
