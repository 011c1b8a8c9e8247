-- Undoes postgres migration 0007 on a copy of a database (after undo_postgres_0008.sql): new values compressed with the server's
-- default (pglz) again. For measuring the code before it on the same articles:
--     psql COPY_URL -f bench/undo_postgres_0007.sql
ALTER TABLE articles ALTER COLUMN search SET COMPRESSION DEFAULT,
                     ALTER COLUMN blocks SET COMPRESSION DEFAULT;
ALTER TABLE article_docs ALTER COLUMN doc SET COMPRESSION DEFAULT;
DELETE FROM _sqlx_migrations WHERE version = 7;
