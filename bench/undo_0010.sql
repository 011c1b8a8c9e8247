-- Undoes migration 0010 (for trying the upgrade again on a copy; tests/hostile.rs uses it).
ALTER TABLE api_tokens DROP COLUMN last_used_at;
