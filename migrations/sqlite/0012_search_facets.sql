-- A search's filters intersected by FTS5 itself (issue 23): a fifth column, `facets`, holds
-- one token per tag (`<U+E001>t<id>`), entity (`<U+E001>e<id>`), language and source of the
-- article (src/store/search.rs: facet_tag …), so `word AND facets : "<tag token>"` seeks in
-- the shorter doclist instead of reading an article and probing its link for every match of
-- the word. The facets narrow; the statements keep their EXISTS filters as the truth, so a
-- stale token (a tag deleted, an entity merged away) costs nothing but a row read. bm25 gives
-- the column no weight. FTS5 tables take no new columns, so the index is made anew as 0009's
-- and 0011's were: every live article is listed in `articles_search_pending`, and the store
-- indexes the listed ones when it opens, before it serves. Every statement may run again on a
-- database that has it already.
DROP TABLE IF EXISTS articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, extra, facets,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
CREATE TABLE IF NOT EXISTS articles_search_pending (
    article_rowid INTEGER PRIMARY KEY
);
INSERT OR IGNORE INTO articles_search_pending (article_rowid)
SELECT rowid FROM articles WHERE deleted_at IS NULL;

-- An entity's filter also looks for the facet tokens of the entities merged into it (their
-- articles' rows keep the token they were indexed with): found through this index.
CREATE INDEX IF NOT EXISTS entities_merged_into ON entities (merged_into) WHERE merged_into IS NOT NULL;
