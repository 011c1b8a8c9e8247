-- When each token last authenticated a request (RFC 3339 UTC; NULL: never since this column
-- existed). Written at most once a minute a token and server (src/api/auth.rs), so reads stay
-- free of writes; `newsdesk token list` shows it.
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
