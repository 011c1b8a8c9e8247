-- Search that understands words: beside the four fields as written, the full-text index holds
-- their stems (`floods`, `flooding` → `flood`; `लोगों` → `लोग`; src/store/stems.rs), which a
-- query's plain words are looked up in; phrases and prefixes keep to the text as written.
-- FTS5 tables take no new columns, so the index is made anew, and the stems are made in Rust:
-- every live article is listed in `articles_search_pending`, and the store indexes the listed
-- ones when it opens (SqliteStore::reindex_pending), before it serves. Every statement may run
-- again on a database that has it already.
DROP TABLE IF EXISTS articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, extra,
    title_stems, summary_stems, body_stems, extra_stems,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
CREATE TABLE IF NOT EXISTS articles_search_pending (
    article_rowid INTEGER PRIMARY KEY
);
INSERT OR IGNORE INTO articles_search_pending (article_rowid)
SELECT rowid FROM articles WHERE deleted_at IS NULL;

-- Pruning the webhook outbox (the dispatcher, hourly): finished deliveries by age, and events
-- no delivery refers to any more.
CREATE INDEX IF NOT EXISTS webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE status <> 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_event ON webhook_deliveries (event_seq);
