-- The same number as SQLite's 0017, which keeps a value that changes with the terms of the
-- lessons' full-text index, so that a search can keep its words' expansions. PostgreSQL's lesson
-- search expands nothing (a prefix lexeme reads the GIN index): nothing changes.

-- migrate:up
SELECT 1;

-- migrate:down
SELECT 1;
