-- When each token last authenticated a request (RFC 3339 UTC; NULL: never since this column
-- existed). Written at most once a minute a token and app server (src/api/auth.rs); `newsdesk
-- token list` shows it.
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS last_used_at TEXT COLLATE "C";
