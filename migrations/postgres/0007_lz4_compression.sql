-- The large values of an article (its search document, its blocks, its kept document) are
-- compressed with lz4 instead of pglz when PostgreSQL has it (built `--with-lz4`, as the Debian and
-- Docker images are): pglz compressing them was a fifth of the database's CPU in a batch ingest,
-- and reading a search document back (ranking) decompresses it. Values stored before keep pglz
-- until they are written again; both read alike. Without lz4 nothing changes.
DO $$
BEGIN
    ALTER TABLE articles ALTER COLUMN search SET COMPRESSION lz4,
                         ALTER COLUMN blocks SET COMPRESSION lz4;
    ALTER TABLE article_docs ALTER COLUMN doc SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not supported by this server; values stay compressed with pglz';
END
$$;
