-- Each live article as `GET /v1/articles/{id}` answers it (JSON and its ETag), written in the
-- transaction that changes what it shows. A missing row only means the read assembles the
-- article from its tables; writes that change what other articles show (an entity renamed or
-- merged, a tag renamed or deleted, an entity's first aliases) delete those articles' rows.
CREATE TABLE article_docs (
    article_rowid INTEGER PRIMARY KEY,     -- articles.rowid (articles are only soft-deleted)
    etag          TEXT NOT NULL,
    doc           BLOB NOT NULL
);
