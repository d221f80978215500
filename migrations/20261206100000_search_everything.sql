-- Search everything (issue 25, Ctrl+K): one trigram index over the records other than
-- partners (whose own index, with pinyin, is kept by the core). Local, derived data, never
-- exported; kept by the triggers below, so every write path (forms, imports, bundles) keeps
-- it current without knowing of it.
--
-- find_doc names each entry: its rowid is the kind's code times 2^40 plus a sequence, so
-- one kind's matches are a rowid range that FTS5 walks on its own (newest first, bounded),
-- whatever the other kinds hold. Body text is lower-cased as queries are folded.
CREATE TABLE find_doc (
    rid     INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('agreement', 'order', 'statement', 'event', 'note', 'risk', 'support', 'case')),
    ref_id  TEXT NOT NULL,
    UNIQUE (kind, ref_id)
) STRICT;
CREATE VIRTUAL TABLE find_fts USING fts5(body, tokenize = 'trigram');
-- Merged in the background with the other indexes (desk.rs), as migration 20261203140000.
INSERT INTO find_fts(find_fts, rank) VALUES ('automerge', 0);
INSERT INTO find_fts(find_fts, rank) VALUES ('crisismerge', 64);

-- agreement: agreement
CREATE TRIGGER find_agreement_insert AFTER INSERT ON agreement BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 1099511627776) + 1 FROM find_doc WHERE rid BETWEEN 1099511627776 AND 2199023255551), 'agreement', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || coalesce((SELECT group_concat(json_extract(c.value, '$.title') || ' ' || json_extract(c.value, '$.body'), ' ') FROM agreement_version v, json_each(v.clauses) c WHERE v.agreement_id = x.id AND v.number = x.version_no), '') || ' ' || coalesce((SELECT group_concat(e.value, ' ') FROM agreement_version v, json_each(v.variables) e WHERE v.agreement_id = x.id AND v.number = x.version_no), '')) FROM find_doc d JOIN agreement x ON x.id = d.ref_id
        WHERE d.kind = 'agreement' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_agreement_update AFTER UPDATE OF number, title, version_no ON agreement BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'agreement' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || coalesce((SELECT group_concat(json_extract(c.value, '$.title') || ' ' || json_extract(c.value, '$.body'), ' ') FROM agreement_version v, json_each(v.clauses) c WHERE v.agreement_id = x.id AND v.number = x.version_no), '') || ' ' || coalesce((SELECT group_concat(e.value, ' ') FROM agreement_version v, json_each(v.variables) e WHERE v.agreement_id = x.id AND v.number = x.version_no), '')) FROM find_doc d JOIN agreement x ON x.id = d.ref_id
        WHERE d.kind = 'agreement' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_agreement_delete AFTER DELETE ON agreement BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'agreement' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'agreement' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 1099511627776 + row_number() OVER (ORDER BY rowid), 'agreement', id FROM agreement;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || coalesce((SELECT group_concat(json_extract(c.value, '$.title') || ' ' || json_extract(c.value, '$.body'), ' ') FROM agreement_version v, json_each(v.clauses) c WHERE v.agreement_id = x.id AND v.number = x.version_no), '') || ' ' || coalesce((SELECT group_concat(e.value, ' ') FROM agreement_version v, json_each(v.variables) e WHERE v.agreement_id = x.id AND v.number = x.version_no), '')) FROM find_doc d JOIN agreement x ON x.id = d.ref_id WHERE d.kind = 'agreement';

-- order: sales_order
CREATE TRIGGER find_sales_order_insert AFTER INSERT ON sales_order BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 2199023255552) + 1 FROM find_doc WHERE rid BETWEEN 2199023255552 AND 3298534883327), 'order', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.customer_name || ' ' || x.customer_contact || ' ' || x.contract_ref || ' ' || x.note) FROM find_doc d JOIN sales_order x ON x.id = d.ref_id
        WHERE d.kind = 'order' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_sales_order_update AFTER UPDATE OF number, customer_name, customer_contact, contract_ref, note ON sales_order BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'order' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.customer_name || ' ' || x.customer_contact || ' ' || x.contract_ref || ' ' || x.note) FROM find_doc d JOIN sales_order x ON x.id = d.ref_id
        WHERE d.kind = 'order' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_sales_order_delete AFTER DELETE ON sales_order BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'order' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'order' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 2199023255552 + row_number() OVER (ORDER BY rowid), 'order', id FROM sales_order;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.number || ' ' || x.customer_name || ' ' || x.customer_contact || ' ' || x.contract_ref || ' ' || x.note) FROM find_doc d JOIN sales_order x ON x.id = d.ref_id WHERE d.kind = 'order';

-- statement: statement
CREATE TRIGGER find_statement_insert AFTER INSERT ON statement BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 3298534883328) + 1 FROM find_doc WHERE rid BETWEEN 3298534883328 AND 4398046511103), 'statement', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number) FROM find_doc d JOIN statement x ON x.id = d.ref_id
        WHERE d.kind = 'statement' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_statement_update AFTER UPDATE OF number ON statement BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'statement' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number) FROM find_doc d JOIN statement x ON x.id = d.ref_id
        WHERE d.kind = 'statement' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_statement_delete AFTER DELETE ON statement BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'statement' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'statement' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 3298534883328 + row_number() OVER (ORDER BY rowid), 'statement', id FROM statement;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.number) FROM find_doc d JOIN statement x ON x.id = d.ref_id WHERE d.kind = 'statement';

-- event: trade_event
CREATE TRIGGER find_trade_event_insert AFTER INSERT ON trade_event BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 4398046511104) + 1 FROM find_doc WHERE rid BETWEEN 4398046511104 AND 5497558138879), 'event', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.name || ' ' || x.city || ' ' || x.venue || ' ' || x.notes) FROM find_doc d JOIN trade_event x ON x.id = d.ref_id
        WHERE d.kind = 'event' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_trade_event_update AFTER UPDATE OF number, name, city, venue, notes ON trade_event BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'event' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.name || ' ' || x.city || ' ' || x.venue || ' ' || x.notes) FROM find_doc d JOIN trade_event x ON x.id = d.ref_id
        WHERE d.kind = 'event' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_trade_event_delete AFTER DELETE ON trade_event BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'event' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'event' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 4398046511104 + row_number() OVER (ORDER BY rowid), 'event', id FROM trade_event;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.number || ' ' || x.name || ' ' || x.city || ' ' || x.venue || ' ' || x.notes) FROM find_doc d JOIN trade_event x ON x.id = d.ref_id WHERE d.kind = 'event';

-- note: research_note
CREATE TRIGGER find_research_note_insert AFTER INSERT ON research_note BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 5497558138880) + 1 FROM find_doc WHERE rid BETWEEN 5497558138880 AND 6597069766655), 'note', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.title || ' ' || x.body || ' ' || x.tags) FROM find_doc d JOIN research_note x ON x.id = d.ref_id
        WHERE d.kind = 'note' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_research_note_update AFTER UPDATE OF title, body, tags ON research_note BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'note' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.title || ' ' || x.body || ' ' || x.tags) FROM find_doc d JOIN research_note x ON x.id = d.ref_id
        WHERE d.kind = 'note' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_research_note_delete AFTER DELETE ON research_note BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'note' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'note' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 5497558138880 + row_number() OVER (ORDER BY rowid), 'note', id FROM research_note;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.title || ' ' || x.body || ' ' || x.tags) FROM find_doc d JOIN research_note x ON x.id = d.ref_id WHERE d.kind = 'note';

-- risk: risk
CREATE TRIGGER find_risk_insert AFTER INSERT ON risk BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 6597069766656) + 1 FROM find_doc WHERE rid BETWEEN 6597069766656 AND 7696581394431), 'risk', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || x.description) FROM find_doc d JOIN risk x ON x.id = d.ref_id
        WHERE d.kind = 'risk' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_risk_update AFTER UPDATE OF number, title, description ON risk BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'risk' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || x.description) FROM find_doc d JOIN risk x ON x.id = d.ref_id
        WHERE d.kind = 'risk' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_risk_delete AFTER DELETE ON risk BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'risk' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'risk' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 6597069766656 + row_number() OVER (ORDER BY rowid), 'risk', id FROM risk;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || x.description) FROM find_doc d JOIN risk x ON x.id = d.ref_id WHERE d.kind = 'risk';

-- support: support_request
CREATE TRIGGER find_support_request_insert AFTER INSERT ON support_request BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 7696581394432) + 1 FROM find_doc WHERE rid BETWEEN 7696581394432 AND 8796093022207), 'support', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.subject || ' ' || x.detail || ' ' || x.resolution) FROM find_doc d JOIN support_request x ON x.id = d.ref_id
        WHERE d.kind = 'support' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_support_request_update AFTER UPDATE OF subject, detail, resolution ON support_request BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'support' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.subject || ' ' || x.detail || ' ' || x.resolution) FROM find_doc d JOIN support_request x ON x.id = d.ref_id
        WHERE d.kind = 'support' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_support_request_delete AFTER DELETE ON support_request BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'support' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'support' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 7696581394432 + row_number() OVER (ORDER BY rowid), 'support', id FROM support_request;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.subject || ' ' || x.detail || ' ' || x.resolution) FROM find_doc d JOIN support_request x ON x.id = d.ref_id WHERE d.kind = 'support';

-- case: aftersales_case
CREATE TRIGGER find_aftersales_case_insert AFTER INSERT ON aftersales_case BEGIN
    INSERT INTO find_doc (rid, kind, ref_id)
        VALUES ((SELECT coalesce(max(rid), 8796093022208) + 1 FROM find_doc WHERE rid BETWEEN 8796093022208 AND 9895604649983), 'case', new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.subject || ' ' || x.detail || ' ' || x.resolution) FROM find_doc d JOIN aftersales_case x ON x.id = d.ref_id
        WHERE d.kind = 'case' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_aftersales_case_update AFTER UPDATE OF subject, detail, resolution ON aftersales_case BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'case' AND ref_id = new.id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.subject || ' ' || x.detail || ' ' || x.resolution) FROM find_doc d JOIN aftersales_case x ON x.id = d.ref_id
        WHERE d.kind = 'case' AND d.ref_id = new.id;
END;
CREATE TRIGGER find_aftersales_case_delete AFTER DELETE ON aftersales_case BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'case' AND ref_id = old.id);
    DELETE FROM find_doc WHERE kind = 'case' AND ref_id = old.id;
END;
INSERT INTO find_doc (rid, kind, ref_id)
    SELECT 8796093022208 + row_number() OVER (ORDER BY rowid), 'case', id FROM aftersales_case;
INSERT INTO find_fts (rowid, body)
    SELECT d.rid, lower(x.subject || ' ' || x.detail || ' ' || x.resolution) FROM find_doc d JOIN aftersales_case x ON x.id = d.ref_id WHERE d.kind = 'case';

-- An agreement's text is its current version's clauses and variables.
CREATE TRIGGER find_agreement_version_insert AFTER INSERT ON agreement_version BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'agreement' AND ref_id = new.agreement_id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || coalesce((SELECT group_concat(json_extract(c.value, '$.title') || ' ' || json_extract(c.value, '$.body'), ' ') FROM agreement_version v, json_each(v.clauses) c WHERE v.agreement_id = x.id AND v.number = x.version_no), '') || ' ' || coalesce((SELECT group_concat(e.value, ' ') FROM agreement_version v, json_each(v.variables) e WHERE v.agreement_id = x.id AND v.number = x.version_no), '')) FROM find_doc d JOIN agreement x ON x.id = d.ref_id
        WHERE d.kind = 'agreement' AND d.ref_id = new.agreement_id;
END;
CREATE TRIGGER find_agreement_version_update AFTER UPDATE OF clauses, variables ON agreement_version BEGIN
    DELETE FROM find_fts WHERE rowid = (SELECT rid FROM find_doc WHERE kind = 'agreement' AND ref_id = new.agreement_id);
    INSERT INTO find_fts (rowid, body)
        SELECT d.rid, lower(x.number || ' ' || x.title || ' ' || coalesce((SELECT group_concat(json_extract(c.value, '$.title') || ' ' || json_extract(c.value, '$.body'), ' ') FROM agreement_version v, json_each(v.clauses) c WHERE v.agreement_id = x.id AND v.number = x.version_no), '') || ' ' || coalesce((SELECT group_concat(e.value, ' ') FROM agreement_version v, json_each(v.variables) e WHERE v.agreement_id = x.id AND v.number = x.version_no), '')) FROM find_doc d JOIN agreement x ON x.id = d.ref_id
        WHERE d.kind = 'agreement' AND d.ref_id = new.agreement_id;
END;
