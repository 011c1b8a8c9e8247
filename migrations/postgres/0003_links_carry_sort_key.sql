-- Lists filtered by a tag or an entity walk that filter's links newest first and stop at the
-- page's end (as on SQLite, migration 0007): each link carries its article's sort key, kept equal
-- to `articles.sort_at` by the triggers below, and the filter's index is (filter, sort_at,
-- article).
ALTER TABLE article_tags ADD COLUMN sort_at TEXT COLLATE "C";
UPDATE article_tags at SET sort_at = a.sort_at FROM articles a WHERE a.id = at.article_id;
ALTER TABLE article_tags ALTER COLUMN sort_at SET NOT NULL;
DROP INDEX article_tags_by_tag;
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, sort_at, article_id);

ALTER TABLE article_entities ADD COLUMN sort_at TEXT COLLATE "C";
UPDATE article_entities ae SET sort_at = a.sort_at FROM articles a WHERE a.id = ae.article_id;
ALTER TABLE article_entities ALTER COLUMN sort_at SET NOT NULL;
DROP INDEX article_entities_by_entity;
CREATE INDEX article_entities_by_entity ON article_entities (entity_id, sort_at, article_id);

-- A new link takes its article's sort key, whatever the statement wrote.
CREATE FUNCTION link_takes_sort_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sort_at := (SELECT sort_at FROM articles WHERE id = NEW.article_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER article_tags_sort_at BEFORE INSERT OR UPDATE OF article_id ON article_tags
    FOR EACH ROW EXECUTE FUNCTION link_takes_sort_at();
CREATE TRIGGER article_entities_sort_at BEFORE INSERT OR UPDATE OF article_id ON article_entities
    FOR EACH ROW EXECUTE FUNCTION link_takes_sort_at();

-- An article's new sort key reaches its links in the same transaction.
CREATE FUNCTION sort_at_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_tags SET sort_at = NEW.sort_at WHERE article_id = NEW.id;
    UPDATE article_entities SET sort_at = NEW.sort_at WHERE article_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_sort_at_to_links AFTER UPDATE OF sort_at ON articles
    FOR EACH ROW WHEN (NEW.sort_at IS DISTINCT FROM OLD.sort_at)
    EXECUTE FUNCTION sort_at_to_links();
