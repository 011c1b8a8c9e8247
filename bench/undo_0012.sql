-- Undoes sqlite migration 0012 on a copy of a database: the full-text index as migration 0011
-- made it (four columns, no facets), to be filled again by the store from
-- `articles_search_pending` (every live article listed). For measuring the code before 0012 on
-- the same articles, and for tests/hostile.rs (the upgrade tried again):
--     python3 -c "import sqlite3; c = sqlite3.connect('COPY.db'); c.executescript(open('bench/undo_0012.sql').read())"
DROP TABLE IF EXISTS articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, extra,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
INSERT OR IGNORE INTO articles_search_pending (article_rowid)
SELECT rowid FROM articles WHERE deleted_at IS NULL;
DROP INDEX IF EXISTS entities_merged_into;
DELETE FROM _sqlx_migrations WHERE version = 12;
