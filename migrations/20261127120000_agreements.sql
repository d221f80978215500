-- Agreements (R3.1.1–R3.3.2): a versioned clause library and templates per agreement type,
-- agreements with immutable versions bound to a fingerprint, legal and business reviews of
-- an exact version, signing, archive and numbered copies, execution reports, amendments,
-- termination with its handover checklist, and renewal.
-- Every business table is merge-ready like the foundation's.

-- R3.1.1: a clause of the library. A version is never changed: editing writes the next
-- version under the same key. category: the core clause it provides (R3.1.1) or 'other'.
-- body: text with {{variable}} placeholders.
CREATE TABLE clause (
    id          TEXT PRIMARY KEY,
    key         TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    category    TEXT NOT NULL CHECK (category IN ('rights_obligations', 'scope', 'term', 'prices',
                    'settlement', 'marketing', 'confidentiality', 'liability', 'other')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX clause_key ON clause(key, version);

-- A template: the clause keys of one agreement type, in order (latest version of each used
-- when a draft is made).
CREATE TABLE agreement_template (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('distribution', 'agency', 'reseller', 'service')),
    name        TEXT NOT NULL,
    clause_keys TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;

-- An agreement and where it stands. number: AG-<year>-<device code>-<seq>; an amendment
-- (kind 'amendment', master_id set) is <master number>-S<n>. status is what people did;
-- "active" and "expired" follow from the dates and are computed when read.
CREATE TABLE agreement (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    partner_id          TEXT NOT NULL REFERENCES partner(id),
    kind                TEXT NOT NULL CHECK (kind IN ('distribution', 'agency', 'reseller', 'service', 'amendment')),
    template_id         TEXT REFERENCES agreement_template(id),
    master_id           TEXT REFERENCES agreement(id),
    renewal_of          TEXT REFERENCES agreement(id),
    title               TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('drafting', 'in_review', 'approved', 'signed', 'ended', 'closed')),
    version_no          INTEGER NOT NULL DEFAULT 1,
    signed_version_id   TEXT,
    report_cycle        TEXT NOT NULL DEFAULT 'quarterly' CHECK (report_cycle IN ('none', 'monthly', 'quarterly', 'half_yearly')),
    -- R3.1.3 signing: each side's signatory, capacity (legal_rep | authorised) and authorisation.
    signed_on           TEXT,
    signed_place        TEXT NOT NULL DEFAULT '',
    effective_on        TEXT,
    expires_on          TEXT,
    our_signatory       TEXT NOT NULL DEFAULT '',
    our_capacity        TEXT NOT NULL DEFAULT '',
    our_authorisation   TEXT NOT NULL DEFAULT '',
    their_signatory     TEXT NOT NULL DEFAULT '',
    their_capacity      TEXT NOT NULL DEFAULT '',
    their_authorisation TEXT NOT NULL DEFAULT '',
    -- R3.1.3 archive of the signed original (scan: an attachment, its SHA-256 kept here).
    archive_no          TEXT NOT NULL DEFAULT '',
    archive_location    TEXT NOT NULL DEFAULT '',
    custodian           TEXT NOT NULL DEFAULT '',
    scan_id             TEXT,
    scan_sha256         TEXT,
    -- R3.3.1 end: early (with a cause) or at expiry; the written notice before a breach ends it.
    notice_on           TEXT,
    notice_ref          TEXT NOT NULL DEFAULT '',
    correct_by          TEXT,
    end_kind            TEXT CHECK (end_kind IN ('expiry', 'early')),
    end_cause           TEXT CHECK (end_cause IN ('breach', 'deterioration', 'violation', 'force_majeure')),
    ended_on            TEXT,
    end_note            TEXT NOT NULL DEFAULT '',
    -- The handover checklist: the date each item was done.
    customers_handed_on TEXT,
    materials_returned_on TEXT,
    payments_settled_on TEXT,
    closed_on           TEXT,
    -- R3.3.2 the partner's intent to renew.
    renewal_intent      TEXT NOT NULL DEFAULT 'unknown' CHECK (renewal_intent IN ('unknown', 'renew', 'not_renew', 'undecided')),
    intent_on           TEXT,
    intent_note         TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    hlc                 TEXT NOT NULL,
    field_hlc           TEXT NOT NULL DEFAULT '{}',
    deleted_at          TEXT
) STRICT;
CREATE INDEX agreement_partner ON agreement(partner_id) WHERE deleted_at IS NULL;
CREATE INDEX agreement_master ON agreement(master_id) WHERE master_id IS NOT NULL;
CREATE INDEX agreement_expiry ON agreement(status, expires_on) WHERE deleted_at IS NULL;

-- A version of an agreement's text: never changed once written. variables: JSON object;
-- clauses: JSON [{key, version, category, title, body}]; fingerprint: SHA-256 of the canonical
-- content (agreement number, version number, variables, clauses), printed on every page.
CREATE TABLE agreement_version (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreement(id),
    number       INTEGER NOT NULL CHECK (number >= 1),
    variables    TEXT NOT NULL,
    clauses      TEXT NOT NULL,
    fingerprint  TEXT NOT NULL UNIQUE,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX agreement_version_of ON agreement_version(agreement_id, number);

-- R3.1.2: a review decision on one exact version (its fingerprint). side: legal | business.
CREATE TABLE agreement_review (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreement(id),
    version_id   TEXT NOT NULL REFERENCES agreement_version(id),
    fingerprint  TEXT NOT NULL,
    side         TEXT NOT NULL CHECK (side IN ('legal', 'business')),
    decision     TEXT NOT NULL CHECK (decision IN ('approve', 'changes')),
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX agreement_review_of ON agreement_review(agreement_id, created_at);

-- R3.1.2: a comment on one clause of a version.
CREATE TABLE agreement_comment (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreement(id),
    version_id   TEXT NOT NULL REFERENCES agreement_version(id),
    clause_key   TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX agreement_comment_of ON agreement_comment(agreement_id, created_at);

-- R3.1.3: a numbered copy printed for a recipient (副本 COPY n/m).
CREATE TABLE agreement_copy (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreement(id),
    version_id   TEXT NOT NULL REFERENCES agreement_version(id),
    copy_no      INTEGER NOT NULL CHECK (copy_no >= 1),
    copies       INTEGER NOT NULL CHECK (copies >= copy_no),
    recipient    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX agreement_copy_of ON agreement_copy(agreement_id, copy_no);

-- R3.2.1: an execution report the partner submitted for a period (2027-Q1, 2027-03, 2027-H1),
-- with the issues found and how they were solved.
CREATE TABLE execution_report (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreement(id),
    period       TEXT NOT NULL,
    received_on  TEXT NOT NULL,
    progress     TEXT NOT NULL DEFAULT '',
    marketing    TEXT NOT NULL DEFAULT '',
    feedback     TEXT NOT NULL DEFAULT '',
    issues       TEXT NOT NULL DEFAULT '',
    resolution   TEXT NOT NULL DEFAULT '',
    resolved_on  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    field_hlc    TEXT NOT NULL DEFAULT '{}',
    deleted_at   TEXT
) STRICT;
CREATE INDEX execution_report_of ON execution_report(agreement_id, period);

-- The clause library and the four templates every laptop starts with (same ids everywhere).
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000100', 'parties', 1, 'other', '合作双方', '甲方：{{company_name}}（统一社会信用代码：{{company_credit_code}}）。
乙方：{{partner_name}}（统一社会信用代码：{{partner_credit_code}}，住所：{{partner_address}}）。
双方本着平等自愿、互利共赢的原则，经友好协商，就渠道合作事宜达成如下协议，共同遵守。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000101', 'scope.distribution', 1, 'scope', '合作范围', '甲方授权乙方在{{territory}}范围内分销以下产品或服务：{{products}}。乙方以自己的名义向下游客户销售，不得超出上述区域和产品范围开展销售，也不得在授权区域外设立销售网点。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000102', 'scope.agency', 1, 'scope', '代理范围', '甲方委托乙方在{{territory}}范围内代理推广和销售{{products}}。乙方以甲方名义开展推广、洽谈和签约，合同由甲方与客户直接签订并结算；乙方不得以甲方名义作出本协议授权范围以外的承诺。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000103', 'scope.reseller', 1, 'scope', '转售范围', '乙方在{{territory}}范围内以自身名义向最终客户转售{{products}}，负责售前咨询、交付协调和售后首问，甲方提供二线技术支持。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000104', 'scope.service', 1, 'scope', '服务范围', '乙方在{{territory}}范围内为甲方客户提供与{{products}}相关的安装实施、运行维护和技术支持服务，服务标准以甲方发布的服务规范为准。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000105', 'rights', 1, 'rights_obligations', '双方的权利和义务', '（一）甲方的权利和义务：甲方有权监督乙方的经营活动是否符合本协议约定；甲方应按时向乙方提供产品资料、价格信息、培训和必要的技术支持，并按约定供货。
（二）乙方的权利和义务：乙方有权在授权范围内使用甲方的商标和宣传资料；乙方应遵守国家法律法规和甲方的渠道管理制度，维护甲方品牌形象，按时向甲方提交业务进展、市场推广和客户反馈等执行报告，不得销售假冒伪劣产品或进行不正当竞争。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000106', 'term', 1, 'term', '协议期限', '本协议有效期自{{start_on}}起至{{end_on}}止。期满前九十日，甲方向乙方了解续约意向；双方同意续约的，应按照甲方的签约程序另行签订新协议。期满未续签的，本协议自动终止。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000107', 'prices', 1, 'prices', '产品或服务价格', '乙方按照以下价格条款向甲方采购产品或服务：{{price_terms}}。甲方调整价格的，应提前三十日书面通知乙方；通知前已经双方确认的订单仍按原价格执行。乙方向最终客户的销售价格不得低于甲方公布的最低限价。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000108', 'settlement', 1, 'settlement', '结算方式', '双方按{{settlement_cycle}}对账结算。甲方在对账确认后开具发票，乙方应在收到发票后{{payment_days}}日内将款项支付至甲方指定账户。逾期付款的，甲方有权暂停供货，并按未付金额每日万分之五收取违约金。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000109', 'targets', 1, 'other', '业绩目标', '乙方本协议期内的年度销售目标为{{annual_target}}。甲方按季度核对乙方目标完成情况，作为渠道商评估分级、激励和续约的依据。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000110', 'marketing', 1, 'marketing', '市场推广责任', '乙方负责在授权区域内开展市场推广活动，推广内容和使用的品牌标识应符合甲方的品牌规范，重大推广活动应事先报甲方备案。甲方提供产品资料、推广素材和必要的市场支持；双方联合开展的推广活动，费用按事先书面约定的比例分担。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000111', 'confidentiality', 1, 'confidentiality', '保密条款', '双方对在合作过程中知悉的对方商业秘密、客户信息、价格政策和技术资料负有保密义务，未经对方书面同意，不得向任何第三方披露或用于本协议以外的目的。本条约定的保密义务在本协议终止后三年内继续有效。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000112', 'liability', 1, 'liability', '违约责任', '任何一方违反本协议约定的，应在收到对方书面通知后三十日内改正；逾期未改正的，守约方有权解除本协议，并要求违约方赔偿由此造成的直接损失。乙方有下列情形之一的，甲方有权提前终止本协议：（一）严重违反本协议约定，经书面通知后仍未改正；（二）经营状况严重恶化，无法继续履行本协议；（三）存在重大违法违规行为。因不可抗力致使本协议无法履行的，双方均可解除本协议。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000113', 'termination', 1, 'other', '协议终止后的处理', '本协议终止前，双方应完成往来款项的结算。本协议终止后，乙方应配合甲方完成客户交接，并在三十日内归还甲方提供的资料、样品和物品；乙方不得继续以甲方渠道商的名义开展任何经营活动。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000114', 'disputes', 1, 'other', '争议解决', '因本协议引起或与本协议有关的争议，双方应友好协商解决；协商不成的，任何一方均可向甲方住所地有管辖权的人民法院提起诉讼。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO clause (id, key, version, category, title, body, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000115', 'effect', 1, 'other', '协议的生效及其他', '本协议经双方法定代表人或授权代表签字并加盖公章后成立，自{{start_on}}起生效。本协议的修改和补充应以书面补充协议的形式作出，经双方审核签署后生效，补充协议与本协议具有同等法律效力。本协议一式肆份，甲方执叁份，乙方执壹份。', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO agreement_template (id, kind, name, clause_keys, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000200', 'distribution', '分销协议', '["parties", "scope.distribution", "rights", "term", "prices", "settlement", "targets", "marketing", "confidentiality", "liability", "termination", "disputes", "effect"]', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO agreement_template (id, kind, name, clause_keys, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000201', 'agency', '代理协议', '["parties", "scope.agency", "rights", "term", "prices", "settlement", "targets", "marketing", "confidentiality", "liability", "termination", "disputes", "effect"]', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO agreement_template (id, kind, name, clause_keys, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000202', 'reseller', '经销协议', '["parties", "scope.reseller", "rights", "term", "prices", "settlement", "targets", "marketing", "confidentiality", "liability", "termination", "disputes", "effect"]', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
INSERT INTO agreement_template (id, kind, name, clause_keys, created_at, updated_at, updated_by, hlc) VALUES ('00000000-0000-7000-8000-000000000203', 'service', '服务合作协议', '["parties", "scope.service", "rights", "term", "prices", "settlement", "marketing", "confidentiality", "liability", "termination", "disputes", "effect"]', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');
