-- Entities an editor removed from an article. Extraction after an edit (or a reprocess) leaves
-- them out, so an edit of the text does not bring back what the editor took away.
CREATE TABLE article_entity_exclusions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id)
);
