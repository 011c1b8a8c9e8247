-- The stems in the words' own columns (was: four more columns). Each column holds the field as
-- written, then the stems of its words that are not their own stem, each begun by U+E000 (a
-- private-use character FTS5 counts as part of a token), so a stem is a token of its own kind
-- and a query needs no column filter: a plain word is `"stem" OR "<U+E000>stem"`, a phrase or a
-- prefix the text as written (src/store/search.rs). Half the index of 0009 (a word that is its
-- own stem is indexed once), and a match no longer reads position lists to check a column. The
-- index is made anew as 0009's was: every live article is listed in `articles_search_pending`,
-- and the store indexes the listed ones when it opens, before it serves. Every statement may
-- run again on a database that has it already.
DROP TABLE IF EXISTS articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, extra,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
CREATE TABLE IF NOT EXISTS articles_search_pending (
    article_rowid INTEGER PRIMARY KEY
);
INSERT OR IGNORE INTO articles_search_pending (article_rowid)
SELECT rowid FROM articles WHERE deleted_at IS NULL;
