-- The full-text index keeps no copy of the text: `articles` has it and nothing reads it back
-- from the index (no snippets), so every article wrote its text a third time for nothing.
-- `contentless_delete` keeps deleting a row by its rowid possible.
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, extra,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
-- `extra` as the store writes it: the kickers, then the lead image's alt text, one a line.
INSERT INTO articles_fts (rowid, title, summary, body, extra)
SELECT rowid, title, coalesce(summary, ''), body_text,
       coalesce((SELECT group_concat(value, char(10)) FROM json_each(kickers)), '')
         || coalesce(char(10) || (lead_image ->> '$.alt'), '')
FROM articles WHERE deleted_at IS NULL;
