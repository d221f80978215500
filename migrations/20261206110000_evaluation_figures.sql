-- R1.4 (issue 25): an evaluation's sales figures and customer satisfaction are read from the
-- records (confirmed orders, the agreement's annual target, after-sales ratings); a score
-- says whether it is what the records say or was typed (src/evaluation/figures.rs).
ALTER TABLE evaluation_score ADD COLUMN source TEXT NOT NULL DEFAULT 'typed' CHECK (source IN ('typed', 'records'));
