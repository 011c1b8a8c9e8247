-- Search that understands words: an article's search document also holds the stems of its
-- tokens (`floods`, `flooding` → `flood`; `लोगों` → `लोग`; src/store/stems.rs), marked apart
-- from the words as written; a query's plain words are looked up by their stems. The stems are
-- made in Rust: every live article is listed in `articles_search_pending`, and each app server
-- indexes listed ones when it opens (PgStore::reindex_pending; one claims each row), before it
-- serves. Every statement may run again on a database that has it already.
CREATE TABLE IF NOT EXISTS articles_search_pending (
    article_id TEXT COLLATE "C" PRIMARY KEY
);
INSERT INTO articles_search_pending (article_id)
SELECT id FROM articles WHERE deleted_at IS NULL
ON CONFLICT DO NOTHING;

-- Pruning the webhook outbox (the dispatcher, hourly): finished deliveries by age, and events
-- no delivery refers to any more.
CREATE INDEX IF NOT EXISTS webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE status <> 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_event ON webhook_deliveries (event_seq);
