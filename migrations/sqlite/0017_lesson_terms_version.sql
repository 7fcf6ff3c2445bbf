-- A value that changes whenever the terms of the lessons' full-text index may change: every
-- lesson written, deleted, or whose title, summary or details change. A plain search keeps the
-- expansion of its words into whole terms (0015) while this value holds, so that a repeated
-- search needs no walk of the terms. The value is random rather than counted, so that a copy of
-- the file whose history went another way does not meet a kept expansion with the same value.
-- Rebuilding the index (Maintenance.rebuildSearch) changes it too.

-- migrate:up
CREATE TABLE search_terms_versions (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO search_terms_versions (name, version) VALUES ('lessons', random() % 9007199254740991);
CREATE TRIGGER lessons_terms_version_insert AFTER INSERT ON lessons
BEGIN
  UPDATE search_terms_versions SET version = random() % 9007199254740991 WHERE name = 'lessons';
END;
CREATE TRIGGER lessons_terms_version_delete AFTER DELETE ON lessons
BEGIN
  UPDATE search_terms_versions SET version = random() % 9007199254740991 WHERE name = 'lessons';
END;
CREATE TRIGGER lessons_terms_version_update AFTER UPDATE OF title, summary, details ON lessons
BEGIN
  UPDATE search_terms_versions SET version = random() % 9007199254740991 WHERE name = 'lessons';
END;

-- migrate:down
DROP TRIGGER lessons_terms_version_update;
DROP TRIGGER lessons_terms_version_delete;
DROP TRIGGER lessons_terms_version_insert;
DROP TABLE search_terms_versions;
