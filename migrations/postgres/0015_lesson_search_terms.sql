-- The same number as SQLite's 0015, which adds the terms of the lessons' full-text index for
-- expanding the words of a search. PostgreSQL's lesson search reads its `tsvector` through a
-- GIN index, where a prefix lexeme (`'error':*`) needs no such table: nothing changes.

-- migrate:up
SELECT 1;

-- migrate:down
SELECT 1;
