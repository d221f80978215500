-- Evaluation and classification (R2.2.1–R2.2.3, R1.2): versioned evaluation schemes with the
-- five dimensions, indicators, scoring standards, A/B/C class bands and the consequences of
-- each class; periodic and special evaluations, each evaluator's scores with evidence, the
-- frozen result, the measures that follow a special evaluation, and the partner's class
-- history. Every business table is merge-ready like the foundation's.

-- indicators: JSON [{key, dimension, label, weight, kind: bands|ratio, bands: [{score, label}]}];
-- class_bands: JSON [{class, min, max}] covering 0–100; consequences: JSON {A|B|C: {warning,
-- renewal_approval}}. A version is never changed: editing writes the next version.
CREATE TABLE evaluation_scheme (
    id            TEXT PRIMARY KEY,
    version       INTEGER NOT NULL CHECK (version >= 1),
    name          TEXT NOT NULL,
    indicators    TEXT NOT NULL,
    class_bands   TEXT NOT NULL,
    consequences  TEXT NOT NULL DEFAULT '{}',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;

INSERT INTO evaluation_scheme (id, version, name, indicators, class_bands, consequences, created_at, updated_at, updated_by, hlc)
VALUES ('00000000-0000-7000-8000-000000000301', 1, '渠道商年度评估', json('[
  {"key":"target","dimension":"results","label":"年度销售目标完成率","weight":25,"kind":"ratio","bands":[]},
  {"key":"growth","dimension":"results","label":"销售增长与新客户开拓","weight":10,"kind":"bands","bands":[{"score":100,"label":"增长 30% 以上，新客户显著增加"},{"score":80,"label":"增长 10%–30%"},{"score":60,"label":"基本持平"},{"score":30,"label":"明显下滑"}]},
  {"key":"campaigns","dimension":"marketing","label":"市场推广活动的数量与效果","weight":10,"kind":"bands","bands":[{"score":100,"label":"按计划开展且效果突出"},{"score":75,"label":"按计划开展，效果一般"},{"score":40,"label":"开展不足"},{"score":0,"label":"未开展"}]},
  {"key":"brand","dimension":"marketing","label":"品牌形象与宣传规范","weight":5,"kind":"bands","bands":[{"score":100,"label":"完全符合品牌规范"},{"score":60,"label":"偶有不规范"},{"score":0,"label":"多次违反品牌规范"}]},
  {"key":"satisfaction","dimension":"service","label":"客户满意度","weight":10,"kind":"bands","bands":[{"score":100,"label":"满意度 90% 以上"},{"score":80,"label":"80%–90%"},{"score":60,"label":"70%–80%"},{"score":20,"label":"低于 70%"}]},
  {"key":"response","dimension":"service","label":"售后响应与问题解决","weight":10,"kind":"bands","bands":[{"score":100,"label":"响应及时，问题闭环"},{"score":70,"label":"偶有延误"},{"score":30,"label":"经常延误或投诉较多"}]},
  {"key":"terms","dimension":"compliance","label":"遵守协议条款（区域、价格、结算）","weight":10,"kind":"bands","bands":[{"score":100,"label":"无违约"},{"score":50,"label":"轻微违约已改正"},{"score":0,"label":"严重违约"}]},
  {"key":"reports","dimension":"compliance","label":"按时提交执行报告","weight":5,"kind":"bands","bands":[{"score":100,"label":"全部按时"},{"score":60,"label":"偶有逾期"},{"score":0,"label":"多次逾期或未提交"}]},
  {"key":"team","dimension":"stability","label":"核心团队稳定性","weight":10,"kind":"bands","bands":[{"score":100,"label":"核心人员稳定"},{"score":60,"label":"个别岗位变动"},{"score":20,"label":"核心人员流失"}]},
  {"key":"training","dimension":"stability","label":"人员培训与认证","weight":5,"kind":"bands","bands":[{"score":100,"label":"全部参加并通过认证"},{"score":60,"label":"部分参加"},{"score":0,"label":"未参加"}]}
]'), json('[{"class":"C","min":0,"max":60},{"class":"B","min":60,"max":85},{"class":"A","min":85,"max":100}]'),
json('{"A":{"warning":false,"renewal_approval":false},"B":{"warning":false,"renewal_approval":false},"C":{"warning":true,"renewal_approval":true}}'),
'2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '', '');

-- An evaluation of one partner. kind: periodic (period = the year, one per partner and year) or
-- special (trigger and reason). result: the frozen outcome, written when finished.
CREATE TABLE evaluation (
    id            TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES partner(id),
    kind          TEXT NOT NULL CHECK (kind IN ('periodic', 'special')),
    period        TEXT NOT NULL,
    trigger       TEXT CHECK (trigger IN ('major_problem', 'breach', 'market_change')),
    reason        TEXT NOT NULL DEFAULT '',
    scheme_id     TEXT NOT NULL REFERENCES evaluation_scheme(id),
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finished')),
    total_x100    INTEGER,
    class         TEXT CHECK (class IN ('A', 'B', 'C')),
    previous_class TEXT,
    result        TEXT,
    finished_at   TEXT,
    finished_by   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX evaluation_partner ON evaluation(partner_id, finished_at) WHERE deleted_at IS NULL;
CREATE INDEX evaluation_period ON evaluation(kind, period, status) WHERE deleted_at IS NULL;

-- One evaluator's score of one indicator, with the evidence (and, for a ratio, the figures).
CREATE TABLE evaluation_score (
    id            TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL REFERENCES evaluation(id),
    evaluator_id  TEXT NOT NULL,
    indicator     TEXT NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    actual        INTEGER,
    target        INTEGER,
    evidence      TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX evaluation_score_of ON evaluation_score(evaluation_id, evaluator_id, indicator);

-- R2.2.2: what follows a special evaluation, tracked until done.
CREATE TABLE evaluation_measure (
    id            TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL REFERENCES evaluation(id),
    action        TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    done_on       TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX evaluation_measure_of ON evaluation_measure(evaluation_id);
CREATE INDEX evaluation_measure_open ON evaluation_measure(due_on) WHERE done_on IS NULL AND deleted_at IS NULL;

-- R2.2.3: every change of a partner's class and why.
CREATE TABLE class_change (
    id            TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES partner(id),
    evaluation_id TEXT REFERENCES evaluation(id),
    from_class    TEXT,
    to_class      TEXT,
    reason        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    field_hlc     TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX class_change_partner ON class_change(partner_id, created_at);
