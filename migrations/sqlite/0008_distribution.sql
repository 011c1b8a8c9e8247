-- Distribution: scheduled articles, the outbox of events, webhooks and their deliveries.
-- Every statement may run again on a database that has it already.

-- Status `scheduled`: an article whose publication time is still ahead; the scheduler makes it
-- `published` when the time comes. Only the CHECK constraint changes, so the table keeps its
-- rows, row numbers and indexes: the documented way to loosen a constraint in place (the
-- schema text is edited and reloaded; nothing on disk depends on a CHECK constraint).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (status IN (''draft'', ''published''))',
                       'CHECK (status IN (''draft'', ''published'', ''scheduled''))')
WHERE type = 'table' AND name = 'articles';
PRAGMA writable_schema = RESET;
-- The scheduler's question: which scheduled articles are due.
CREATE INDEX IF NOT EXISTS articles_scheduled ON articles (published_at) WHERE status = 'scheduled' AND deleted_at IS NULL;

-- Endpoints that hear about events. The secret signs deliveries (Standard Webhooks); it is
-- shown once, at registration.
CREATE TABLE IF NOT EXISTS webhooks (
    id              TEXT PRIMARY KEY,                 -- ULID
    url             TEXT NOT NULL,
    description     TEXT,
    events          TEXT NOT NULL,                    -- JSON array of event types
    secret          TEXT NOT NULL,                    -- whsec_<base64>
    enabled         INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- The outbox: each event written in the transaction of the change that caused it, fanned out
-- to the webhooks that want it exactly once (`dispatched_at` set by one conditional update).
CREATE TABLE IF NOT EXISTS outbox_events (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,               -- evt_<ULID>
    type          TEXT NOT NULL,
    payload       TEXT NOT NULL,                      -- the JSON body deliveries send
    created_at    TEXT NOT NULL,
    dispatched_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_events_pending ON outbox_events (seq) WHERE dispatched_at IS NULL;

-- One event to one webhook: attempted until delivered or given up. The id is the
-- `webhook-id` header, the same on every attempt.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               TEXT PRIMARY KEY,                -- msg_<ULID>
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_seq        INTEGER NOT NULL REFERENCES outbox_events (seq),
    event_type       TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    lease_until      TEXT,                            -- an app server is attempting it until then
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    delivered_at     TEXT
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
