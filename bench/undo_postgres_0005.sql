-- Undoes postgres migration 0005 on a copy of a database: the search documents without their
-- stems (the lexemes marked `~`); no list of articles to index, no indexes for pruning the
-- outbox. For measuring the code before issue 21's stems on the same articles, and for the test
-- that upgrades such a database (tests/search_stems.rs):  psql COPY_URL -f bench/undo_postgres_0005.sql
DROP TABLE IF EXISTS articles_search_pending;
UPDATE articles
SET search = ts_delete(search, ARRAY(SELECT lexeme FROM unnest(search) WHERE lexeme LIKE '~%'))
WHERE search IS NOT NULL;
DROP INDEX IF EXISTS webhook_deliveries_finished;
DROP INDEX IF EXISTS webhook_deliveries_by_event;
DELETE FROM _sqlx_migrations WHERE version = 5;
