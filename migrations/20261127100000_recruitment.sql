-- Recruitment (R2.1.1–R2.1.4): trade-show events, the pipeline of prospects with the record of
-- each gate, versioned screening schemes and scorecards, referrals with their reward, market
-- research notes, and the attachments (business cards, inspection photos) they carry.
-- Every business table is merge-ready like the foundation's.

-- A partner merged into another (entered twice) is tombstoned and points at the one kept.
ALTER TABLE partner ADD COLUMN merged_into TEXT;
CREATE INDEX partner_merged_into ON partner(merged_into) WHERE merged_into IS NOT NULL;

-- R2.1.3: a trade show or business event; it owns the leads captured there.
-- number: EV-<year>-<device short code>-<seq>, unique across laptops.
-- staff: JSON array of user ids working the booth.
CREATE TABLE trade_event (
    id          TEXT PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    city        TEXT NOT NULL DEFAULT '',
    venue       TEXT NOT NULL DEFAULT '',
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    booth       TEXT NOT NULL DEFAULT '',
    staff       TEXT NOT NULL DEFAULT '[]',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX trade_event_dates ON trade_event(starts_on) WHERE deleted_at IS NULL;

-- The event a kiosk session was started for (applications typed in there become its leads).
ALTER TABLE application ADD COLUMN event_id TEXT REFERENCES trade_event(id);

-- R2.1.2: screening schemes. A version is never changed: editing a scheme writes the next
-- version. criteria: JSON [{key, dimension, label, weight}], weights total 100.
CREATE TABLE screening_scheme (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL CHECK (version >= 1),
    name        TEXT NOT NULL,
    pass_mark   INTEGER NOT NULL CHECK (pass_mark BETWEEN 1 AND 100),
    criteria    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;

-- The policy's four dimensions with criteria of their own, as the first version every laptop
-- shares (same id everywhere).
INSERT INTO screening_scheme (id, version, name, pass_mark, criteria, created_at, updated_at, updated_by, hlc)
VALUES ('00000000-0000-7000-8000-000000000001', 1, '渠道商初步筛选', 60, json('[
  {"key":"licence","dimension":"qualification","label":"营业执照与经营资质齐全有效","weight":10},
  {"key":"reputation","dimension":"qualification","label":"商业信誉良好，无不良记录","weight":10},
  {"key":"market","dimension":"business_capability","label":"市场覆盖与销售能力","weight":15},
  {"key":"service","dimension":"business_capability","label":"技术服务能力","weight":15},
  {"key":"customers","dimension":"resources","label":"客户资源","weight":10},
  {"key":"channels","dimension":"resources","label":"渠道网络","weight":10},
  {"key":"technology","dimension":"resources","label":"技术资源","weight":5},
  {"key":"commitment","dimension":"willingness","label":"合作意愿与投入承诺","weight":15},
  {"key":"alignment","dimension":"willingness","label":"认同公司理念与价格体系","weight":10}
]'), '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');

-- R2.1.4: a prospect's place in the pipeline, one row per partner being recruited (made when the
-- prospect is created; the prospects already registered are put at the application stage below).
-- reached: the furthest stage index reached (0 application … 4 signing, 5 signed), for the
-- board's conversion figures.
CREATE TABLE prospect (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT NOT NULL UNIQUE REFERENCES partner(id),
    stage          TEXT NOT NULL CHECK (stage IN ('application', 'screening', 'inspection', 'negotiation', 'signing', 'signed')),
    outcome        TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'rejected', 'signed')),
    reached        INTEGER NOT NULL DEFAULT 0 CHECK (reached BETWEEN 0 AND 5),
    stage_since    TEXT NOT NULL,
    event_id       TEXT REFERENCES trade_event(id),
    captured_by    TEXT,
    interest       TEXT NOT NULL DEFAULT '',
    reject_reason  TEXT NOT NULL DEFAULT '',
    agreement_no   TEXT NOT NULL DEFAULT '',
    signed_on      TEXT,
    -- Local, derived from the partner (see the triggers below): prospect | other | deleted.
    partner_state  TEXT NOT NULL DEFAULT 'prospect' CHECK (partner_state IN ('prospect', 'other', 'deleted')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    field_hlc      TEXT NOT NULL DEFAULT '{}',
    deleted_at     TEXT
) STRICT;
CREATE INDEX prospect_board ON prospect(outcome, stage, stage_since) WHERE deleted_at IS NULL;
-- The board's figures in one index-only pass.
CREATE INDEX prospect_figures ON prospect(outcome, stage, reached, stage_since, partner_state, event_id)
    WHERE deleted_at IS NULL;

-- partner_state mirrors the partner (local, derived, kept by these triggers whichever way a row
-- arrives: created here, moved by a merge, or brought in from another laptop): the board reads
-- the pipeline alone instead of joining every row to the register.
CREATE TRIGGER prospect_partner_state AFTER UPDATE OF status, deleted_at ON partner
BEGIN
    UPDATE prospect SET partner_state = CASE WHEN NEW.deleted_at IS NOT NULL THEN 'deleted'
        WHEN NEW.status = 'prospect' THEN 'prospect' ELSE 'other' END
    WHERE partner_id = NEW.id;
END;
CREATE TRIGGER prospect_partner_inserted AFTER INSERT ON prospect
BEGIN
    UPDATE prospect SET partner_state = (SELECT CASE WHEN p.deleted_at IS NOT NULL THEN 'deleted'
        WHEN p.status = 'prospect' THEN 'prospect' ELSE 'other' END FROM partner p WHERE p.id = NEW.partner_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER prospect_partner_moved AFTER UPDATE OF partner_id ON prospect
BEGIN
    UPDATE prospect SET partner_state = (SELECT CASE WHEN p.deleted_at IS NOT NULL THEN 'deleted'
        WHEN p.status = 'prospect' THEN 'prospect' ELSE 'other' END FROM partner p WHERE p.id = NEW.partner_id)
    WHERE id = NEW.id;
END;
CREATE INDEX prospect_event ON prospect(event_id) WHERE event_id IS NOT NULL AND deleted_at IS NULL;

-- Prospects registered before recruitment existed enter the pipeline where they stand.
INSERT INTO prospect (id, partner_id, stage, outcome, reached, stage_since, created_at, updated_at, updated_by, hlc, field_hlc)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
        || substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       id, 'application', 'open', 0, created_at, created_at, created_at, updated_by, hlc, json_object('*', hlc)
FROM partner WHERE status = 'prospect' AND deleted_at IS NULL;

-- Every move of a prospect: who, when, from where to where and why.
-- action: enter | advance | back | reject | reopen | sign.
CREATE TABLE stage_move (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partner(id),
    from_stage  TEXT NOT NULL DEFAULT '',
    to_stage    TEXT NOT NULL,
    action      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX stage_move_partner ON stage_move(partner_id, at);

-- R2.1.2: a scorecard against one scheme version. scores: JSON {criterion key: 0..5};
-- total_x100 = Σ weight × score × 20 (hundredths of a point out of 100), reproducible.
CREATE TABLE scorecard (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partner(id),
    scheme_id   TEXT NOT NULL REFERENCES screening_scheme(id),
    scores      TEXT NOT NULL,
    total_x100  INTEGER NOT NULL CHECK (total_x100 BETWEEN 0 AND 10000),
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    comment     TEXT NOT NULL DEFAULT '',
    scored_by   TEXT NOT NULL,
    scorer_name TEXT NOT NULL,
    scored_at   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX scorecard_partner ON scorecard(partner_id, scored_at);

-- R2.1.4: on-site inspection with its written findings.
CREATE TABLE inspection (
    id            TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES partner(id),
    inspected_on  TEXT NOT NULL,
    inspectors    TEXT NOT NULL,
    operations    TEXT NOT NULL DEFAULT '',
    team          TEXT NOT NULL DEFAULT '',
    capability    TEXT NOT NULL DEFAULT '',
    resources     TEXT NOT NULL DEFAULT '',
    conclusion    TEXT NOT NULL DEFAULT '',
    passed        INTEGER NOT NULL CHECK (passed IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX inspection_partner ON inspection(partner_id, inspected_on);

-- R2.1.4: negotiation of the cooperation.
CREATE TABLE negotiation (
    id                     TEXT PRIMARY KEY,
    partner_id             TEXT NOT NULL REFERENCES partner(id),
    negotiated_on          TEXT NOT NULL,
    cooperation_model      TEXT NOT NULL,
    rights_obligations     TEXT NOT NULL DEFAULT '',
    profit_sharing         TEXT NOT NULL DEFAULT '',
    promotion_commitments  TEXT NOT NULL DEFAULT '',
    notes                  TEXT NOT NULL DEFAULT '',
    intent_reached         INTEGER NOT NULL CHECK (intent_reached IN (0, 1)),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    updated_by             TEXT NOT NULL,
    hlc                    TEXT NOT NULL,
    field_hlc              TEXT NOT NULL DEFAULT '{}',
    deleted_at             TEXT
) STRICT;
CREATE INDEX negotiation_partner ON negotiation(partner_id, negotiated_on);

-- R2.1.3: who referred a prospect, and the reward owed when it signs.
-- reward_amount: integer minor units (分) of reward_currency, or 0 when the rule is not money.
CREATE TABLE referral (
    id                   TEXT PRIMARY KEY,
    partner_id           TEXT NOT NULL UNIQUE REFERENCES partner(id),
    referrer_kind        TEXT NOT NULL CHECK (referrer_kind IN ('employee', 'partner')),
    referrer_user_id     TEXT REFERENCES app_user(id),
    referrer_partner_id  TEXT REFERENCES partner(id),
    reward_rule          TEXT NOT NULL,
    reward_amount        INTEGER NOT NULL DEFAULT 0 CHECK (reward_amount >= 0),
    reward_currency      TEXT NOT NULL DEFAULT 'CNY',
    reward_status        TEXT NOT NULL CHECK (reward_status IN ('pending', 'due', 'paid', 'void')),
    due_since            TEXT,
    paid_on              TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    updated_by           TEXT NOT NULL,
    hlc                  TEXT NOT NULL,
    field_hlc            TEXT NOT NULL DEFAULT '{}',
    deleted_at           TEXT
) STRICT;
CREATE INDEX referral_status ON referral(reward_status) WHERE deleted_at IS NULL;

-- R2.1.1: market research. partner_ids: JSON array of linked prospects; tags: JSON array.
CREATE TABLE research_note (
    rid          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    noted_on     TEXT NOT NULL,
    topic        TEXT NOT NULL CHECK (topic IN ('industry', 'competitor', 'potential_partner')),
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
CREATE INDEX research_note_date ON research_note(noted_on) WHERE deleted_at IS NULL;
-- Local, derived: trigram index of title, body and tags, keyed by rid.
CREATE VIRTUAL TABLE research_fts USING fts5(
    body, tokenize = 'trigram', content = '', contentless_delete = 1
);

-- Files kept inside the encrypted database (business cards, inspection photos, documents).
-- owner_kind: partner | inspection; sha256 of the bytes, hex.
CREATE TABLE attachment (
    id          TEXT PRIMARY KEY,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('partner', 'inspection')),
    owner_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size > 0),
    sha256      TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX attachment_owner ON attachment(owner_kind, owner_id) WHERE deleted_at IS NULL;
