-- An article's blocks move onto its row as one JSON array, and `body_text` goes: it is always
-- the blocks' text (blank line between blocks, images left out), so it is rendered on read.
-- The blocks table stored the text a second time, one B-tree row per block, and the row a third.
-- Written the way serde writes a block: `type`, `text`, then `url`, `alt`, `caption` when set
-- (json_patch onto '{}' leaves out the members that are NULL).
ALTER TABLE articles ADD COLUMN blocks TEXT NOT NULL DEFAULT '[]';
UPDATE articles SET blocks = coalesce((
    SELECT json_group_array(json_patch('{}', json_object(
               'type', type, 'text', text, 'url', url, 'alt', alt, 'caption', caption)))
    FROM (SELECT * FROM article_blocks b WHERE b.article_id = articles.id ORDER BY position)
), '[]');
DROP TABLE article_blocks;
ALTER TABLE articles DROP COLUMN body_text;
