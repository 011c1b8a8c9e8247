-- A new link whose statement gives its article's sort key keeps it; the trigger of migration 0003
-- reads the key only for a link inserted without one (and for a link moved to another article).
-- The batch writes read the key from `articles` in the inserting statement itself: the trigger's
-- query for every link row (a dozen an article) was about half the cost of inserting the links.
DROP TRIGGER IF EXISTS article_tags_sort_at ON article_tags;
DROP TRIGGER IF EXISTS article_entities_sort_at ON article_entities;
CREATE TRIGGER article_tags_sort_at BEFORE INSERT ON article_tags
    FOR EACH ROW WHEN (NEW.sort_at IS NULL) EXECUTE FUNCTION link_takes_sort_at();
CREATE TRIGGER article_tags_sort_at_moved BEFORE UPDATE OF article_id ON article_tags
    FOR EACH ROW EXECUTE FUNCTION link_takes_sort_at();
CREATE TRIGGER article_entities_sort_at BEFORE INSERT ON article_entities
    FOR EACH ROW WHEN (NEW.sort_at IS NULL) EXECUTE FUNCTION link_takes_sort_at();
CREATE TRIGGER article_entities_sort_at_moved BEFORE UPDATE OF article_id ON article_entities
    FOR EACH ROW EXECUTE FUNCTION link_takes_sort_at();
