-- The terms of the lessons' full-text index, one row per occurrence (fts5vocab, type
-- `instance`), read in term order. A plain lesson search expands each word it can into the
-- whole terms it begins (a seek per term), which FTS5 reads lazily, where a prefix query would
-- merge the rows of every such term before returning one. The table stores nothing: it reads
-- lessons_fts's index.

-- migrate:up
CREATE VIRTUAL TABLE lessons_fts_terms USING fts5vocab (lessons_fts, instance);

-- migrate:down
DROP TABLE lessons_fts_terms;
