-- Lists filtered by a tag or an entity walk that filter's links newest first and stop at the
-- page's end: each link carries its article's sort key (`sort_at`), and the filter's index is
-- (filter, sort_at, article). Before, every tag or entity filter walked all articles newest first
-- and probed the links of each, so a rare entity, a date well before the newest (`until`) or a
-- deep page read thousands of articles for one page.
--
-- `sort_at` is the article's `sort_at`, always: the store writes it with each link, and the
-- trigger below moves it with the article. NOT NULL without a default, so a write that leaves it
-- out fails instead of hiding the article from its filtered lists.
CREATE TABLE article_tags_sorted (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    sort_at    TEXT NOT NULL,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
INSERT INTO article_tags_sorted (article_id, tag_id, position, sort_at)
SELECT at.article_id, at.tag_id, at.position, a.sort_at
FROM article_tags at JOIN articles a ON a.id = at.article_id;
DROP TABLE article_tags;
ALTER TABLE article_tags_sorted RENAME TO article_tags;
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, sort_at, article_id);

CREATE TABLE article_entities_sorted (
    article_id     TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id      TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    mentions       INTEGER NOT NULL,
    salience       REAL NOT NULL,
    first_position INTEGER NOT NULL,
    sort_at        TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;
INSERT INTO article_entities_sorted (article_id, entity_id, mentions, salience, first_position, sort_at)
SELECT ae.article_id, ae.entity_id, ae.mentions, ae.salience, ae.first_position, a.sort_at
FROM article_entities ae JOIN articles a ON a.id = ae.article_id;
DROP TABLE article_entities;
ALTER TABLE article_entities_sorted RENAME TO article_entities;
CREATE INDEX article_entities_by_entity ON article_entities (entity_id, sort_at, article_id);

-- An article's new sort key reaches its links in the same statement. (Inserts write the key
-- themselves: a trigger on the link tables would turn every link insert of a batch into a
-- statement with a savepoint, and FTS5 writes out its pending index at each.)
CREATE TRIGGER articles_sort_at_to_links AFTER UPDATE OF sort_at ON articles
WHEN NEW.sort_at IS NOT OLD.sort_at
BEGIN
    UPDATE article_tags SET sort_at = NEW.sort_at WHERE article_id = NEW.id;
    UPDATE article_entities SET sort_at = NEW.sort_at WHERE article_id = NEW.id;
END;
