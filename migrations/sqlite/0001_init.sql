-- newsdesk schema: articles with their blocks, tags and entities; editors' tokens; idempotency.
-- Timestamps are RFC 3339 UTC strings with a fixed width, so they sort as text.

CREATE TABLE articles (
    id                   TEXT PRIMARY KEY,            -- ULID
    slug                 TEXT NOT NULL UNIQUE,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    sort_at              TEXT NOT NULL,               -- published_at, else created_at
    published_at         TEXT,
    published_at_source  TEXT,
    language             TEXT NOT NULL,
    script               TEXT NOT NULL,
    source_domain        TEXT,
    content_hash         TEXT NOT NULL,
    word_count           INTEGER NOT NULL,
    reading_time_minutes INTEGER NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    deleted_at           TEXT,
    title                TEXT NOT NULL,
    summary              TEXT,
    kickers              TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    lead_image           TEXT,                        -- JSON {url, alt, caption}
    url                  TEXT,
    authors              TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    -- The large columns last: a row's small columns stay on its first page, so filtering and
    -- sorting never read a body's overflow pages.
    removed              TEXT NOT NULL DEFAULT '[]',  -- JSON [{text, reason}]
    body_text            TEXT NOT NULL
);
-- One live article per content; a deleted one may be ingested again.
CREATE UNIQUE INDEX articles_live_content_hash ON articles (content_hash) WHERE deleted_at IS NULL;
CREATE INDEX articles_listing ON articles (status, sort_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX articles_language ON articles (language, sort_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX articles_source ON articles (source_domain, sort_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE article_blocks (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('paragraph', 'heading', 'image', 'quote', 'list_item')),
    text       TEXT NOT NULL,
    url        TEXT,
    alt        TEXT,
    caption    TEXT,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

CREATE TABLE entities (
    id          TEXT PRIMARY KEY,                     -- ULID
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL CHECK (type IN ('person', 'place', 'organization', 'other')),
    key         TEXT NOT NULL,                        -- transliteration key
    curated     INTEGER NOT NULL DEFAULT 0,           -- 1: an editors' dictionary entry
    merged_into TEXT REFERENCES entities (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX entities_identity ON entities (key, type) WHERE merged_into IS NULL;

CREATE TABLE entity_aliases (
    entity_id    TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias        TEXT NOT NULL,
    alias_folded TEXT NOT NULL,                       -- lowercase, for prefix search
    script       TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX entity_aliases_folded ON entity_aliases (alias_folded);

CREATE TABLE article_entities (
    article_id     TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id      TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    mentions       INTEGER NOT NULL,
    salience       REAL NOT NULL,
    first_position INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX article_entities_by_entity ON article_entities (entity_id, article_id);

-- Full text over title, summary, body and the rest (kickers, image alt text).
-- unicode61's default treats vowel signs (Mn/Mc) as separators, which breaks Indic words apart;
-- counting marks as token characters keeps "पुतिन" one token.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, extra,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    token_hash   TEXT NOT NULL UNIQUE,               -- sha256 hex of the secret
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE idempotency_keys (
    token_id      TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    location      TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (token_id, key)
) WITHOUT ROWID;

-- Instance settings created at first start (the cursor-signing secret).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
