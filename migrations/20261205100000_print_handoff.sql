-- Issue 24 (R3.1.3): a numbered copy is logged when it left the program, not when its PDF was
-- made: handed to a printer's queue (the printer's name and the job the system gave it) or
-- saved to a file the user chose. Copies logged before this migration were logged when their
-- file was written; they keep 'printed' with no printer.
ALTER TABLE agreement_copy ADD COLUMN disposition TEXT NOT NULL DEFAULT 'printed'
    CHECK (disposition IN ('printed', 'saved'));
ALTER TABLE agreement_copy ADD COLUMN printer TEXT NOT NULL DEFAULT '';
ALTER TABLE agreement_copy ADD COLUMN job TEXT NOT NULL DEFAULT '';
