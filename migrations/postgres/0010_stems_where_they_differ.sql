-- Search documents hold a token's marked stem only where the stem differs from the token (a
-- word that is its own stem is there once, as written), and a query's plain word is looked up
-- as its stem written or marked (src/store/postgres/search.rs), as SQLite's index does since
-- its migration 0011. Documents stored before held every token's stem, marked, even where it was
-- the token: twice the index entries. The query finds the same articles in both forms, but
-- ranks the two forms differently, so every live article is indexed again: listed here, indexed
-- by each app server when it opens (PgStore::reindex_pending, as after migration 0005).
INSERT INTO articles_search_pending (article_id)
SELECT id FROM articles WHERE deleted_at IS NULL
ON CONFLICT DO NOTHING;
