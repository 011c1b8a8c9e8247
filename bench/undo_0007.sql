-- Undoes sqlite migration 0007 on a copy of a database, for measuring the code before issue 23
-- on the same articles (bench/statement_cpu.py, bench/load.sh with BIN= an older build):
--     python3 -c "import apsw; apsw.Connection('COPY.db').execute(open('bench/undo_0007.sql').read())"
DROP TRIGGER articles_sort_at_to_links;
DROP INDEX article_tags_by_tag;
ALTER TABLE article_tags DROP COLUMN sort_at;
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);
DROP INDEX article_entities_by_entity;
ALTER TABLE article_entities DROP COLUMN sort_at;
CREATE INDEX article_entities_by_entity ON article_entities (entity_id, article_id);
DELETE FROM _sqlx_migrations WHERE version = 7;
