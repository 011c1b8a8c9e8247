//! API tokens, idempotency keys and instance settings on PostgreSQL.

use super::PgStore;
use crate::store::idempotency::SavedResponse;
use time::OffsetDateTime;

use crate::store::time::{format_timestamp, now_timestamp};
use crate::store::tokens::{hash_token, new_secret, Role, TokenColumns, TokenInfo, TokenRecord};
use crate::store::{StoreError, StoreResult};

impl PgStore {
    /// Creates a token and answers its secret, which is not stored.
    pub async fn create_token(&self, name: &str, role: Role) -> StoreResult<(TokenInfo, String)> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("a token needs a name".into()));
        }
        let secret = new_secret();
        let id = ulid::Ulid::new().to_string();
        sqlx::query(
            "INSERT INTO api_tokens (id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(name)
        .bind(role.as_str())
        .bind(hash_token(&secret))
        .bind(now_timestamp())
        .execute(&self.pool)
        .await?;
        Ok((
            TokenInfo {
                id,
                name: name.to_owned(),
                role,
            },
            secret,
        ))
    }

    /// The live token whose hash this is (an index probe on a value the caller cannot choose).
    pub async fn find_token(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT id, name, role FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, name, role)| {
            Ok(TokenInfo {
                id,
                name,
                role: Role::parse(&role)
                    .ok_or_else(|| StoreError::Database(format!("unknown role `{role}`")))?,
            })
        })
        .transpose()
    }

    /// Every token, oldest first; revoked ones only when asked.
    pub async fn list_tokens(&self, include_revoked: bool) -> StoreResult<Vec<TokenRecord>> {
        let rows: Vec<TokenColumns> = sqlx::query_as(
            "SELECT id, name, role, created_at, revoked_at, last_used_at FROM api_tokens \
             WHERE $1 OR revoked_at IS NULL ORDER BY created_at, id",
        )
        .bind(include_revoked)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TokenRecord::from_columns).collect()
    }

    /// Records that a token authenticated a request at `at` (never moving the time back).
    pub async fn touch_token(&self, id: &str, at: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 \
             WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Revokes a token by id; answers whether one was revoked.
    pub async fn revoke_token(&self, id: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now_timestamp())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The answer remembered for this token and key, if saved at or after `since`.
    pub async fn saved_response(
        &self,
        token_id: &str,
        key: &str,
        since: OffsetDateTime,
    ) -> StoreResult<Option<SavedResponse>> {
        let row: Option<(String, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT request_hash, status, response_body, location FROM idempotency_keys \
             WHERE token_id = $1 AND key = $2 AND created_at >= $3",
        )
        .bind(token_id)
        .bind(key)
        .bind(format_timestamp(since))
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(request_hash, status, body, location)| SavedResponse {
                request_hash,
                status: u16::try_from(status).unwrap_or(200),
                body,
                location,
            }),
        )
    }

    /// Forgets the answers saved before `before`; answers how many.
    pub async fn sweep_saved_responses(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(format_timestamp(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Remembers an answer; the first one saved for a key (by any app server) wins, unless it
    /// was saved before `expired_before`.
    pub async fn save_response(
        &self,
        token_id: &str,
        key: &str,
        response: &SavedResponse,
        expired_before: OffsetDateTime,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO idempotency_keys \
             (token_id, key, request_hash, status, response_body, location, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (token_id, key) DO UPDATE SET request_hash = $3, status = $4, \
             response_body = $5, location = $6, created_at = $7 \
             WHERE idempotency_keys.created_at < $8",
        )
        .bind(token_id)
        .bind(key)
        .bind(&response.request_hash)
        .bind(i64::from(response.status))
        .bind(&response.body)
        .bind(&response.location)
        .bind(now_timestamp())
        .bind(format_timestamp(expired_before))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The value of a setting, creating it with `init()` on first use (the first app server to
    /// start decides it for all).
    pub async fn setting_or_init(
        &self,
        name: &str,
        init: impl FnOnce() -> String,
    ) -> StoreResult<String> {
        let candidate = init();
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(name)
            .bind(&candidate)
            .execute(&self.pool)
            .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
