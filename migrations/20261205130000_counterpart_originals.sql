-- Issue 24 (R3.1.3): the signed originals (正本) are logged beside the reference copies (副本).
-- An original is one of the counterparts the agreement's own clause provides for ("一式肆份，
-- 甲方执叁份，乙方执壹份"), printed from the approved version for signing and numbered n/m with its
-- holder; copies keep their own numbering.
ALTER TABLE agreement_copy ADD COLUMN kind TEXT NOT NULL DEFAULT 'copy' CHECK (kind IN ('copy', 'original'));
