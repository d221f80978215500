-- Issue 24 (R3.1.3): whether the originals (正本) of agreements made from a template carry the
-- guide for the seam seal (骑缝章) on the right edge of every page, where the pages fanned out
-- take one stamp across them all. On for every template unless a template says otherwise.
ALTER TABLE agreement_template ADD COLUMN seam_mark INTEGER NOT NULL DEFAULT 1 CHECK (seam_mark IN (0, 1));
