-- Undoes sqlite migration 0009 on a copy of a database: the full-text index as migration 0004
-- made it (the four fields as written, no stems), filled from the articles; no list of
-- articles to index, no indexes for pruning the outbox. For measuring the code before issue
-- 21's stems on the same articles, and for the tests that upgrade such a database
-- (tests/search_stems.rs, tests/hostile.rs):
--     python3 -c "import apsw; apsw.Connection('COPY.db').execute(open('bench/undo_0009.sql').read())"
DROP TABLE IF EXISTS articles_search_pending;
DROP TABLE IF EXISTS articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, extra,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
-- The body as the store renders it: the blocks' text but images', a blank line apart.
INSERT INTO articles_fts (rowid, title, summary, body, extra)
SELECT rowid, title, coalesce(summary, ''),
       coalesce((SELECT group_concat(value ->> '$.text', char(10) || char(10)) FROM json_each(blocks)
                 WHERE value ->> '$.type' <> 'image' AND value ->> '$.text' <> ''), ''),
       coalesce((SELECT group_concat(value, char(10)) FROM json_each(kickers)), '')
         || coalesce(char(10) || (lead_image ->> '$.alt'), '')
FROM articles WHERE deleted_at IS NULL;
DROP INDEX IF EXISTS webhook_deliveries_finished;
DROP INDEX IF EXISTS webhook_deliveries_by_event;
DELETE FROM _sqlx_migrations WHERE version = 9;
