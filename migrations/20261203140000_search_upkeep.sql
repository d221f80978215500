-- Search index upkeep off the typing path (issue 22, lead capture at a trade show): FTS5
-- merged index segments inside the write that completed a level (every 16th and 64th write,
-- 20-75 ms at 100,000 partners). Automatic merging is turned off; the Desk merges in the
-- background after commits (desk.rs, `checkpointer`), and a crisis merge past 64 segments of
-- one level stays as a backstop. FTS5 keeps these settings in the index's own config table.
INSERT INTO partner_fts(partner_fts, rank) VALUES ('automerge', 0);
INSERT INTO partner_fts(partner_fts, rank) VALUES ('crisismerge', 64);
INSERT INTO research_fts(research_fts, rank) VALUES ('automerge', 0);
INSERT INTO research_fts(research_fts, rank) VALUES ('crisismerge', 64);
