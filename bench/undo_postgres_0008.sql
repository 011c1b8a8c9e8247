-- Undoes postgres migration 0008 on a copy of a database: every new link's sort key read by the
-- trigger again. For measuring the code before it on the same articles (undo 0007 too):
--     psql COPY_URL -f bench/undo_postgres_0008.sql
DROP TRIGGER IF EXISTS article_tags_sort_at ON article_tags;
DROP TRIGGER IF EXISTS article_tags_sort_at_moved ON article_tags;
DROP TRIGGER IF EXISTS article_entities_sort_at ON article_entities;
DROP TRIGGER IF EXISTS article_entities_sort_at_moved ON article_entities;
CREATE TRIGGER article_tags_sort_at BEFORE INSERT OR UPDATE OF article_id ON article_tags
    FOR EACH ROW EXECUTE FUNCTION link_takes_sort_at();
CREATE TRIGGER article_entities_sort_at BEFORE INSERT OR UPDATE OF article_id ON article_entities
    FOR EACH ROW EXECUTE FUNCTION link_takes_sort_at();
DELETE FROM _sqlx_migrations WHERE version = 8;
