//! Idempotency keys: the answer to a write, kept so a retry with the same key gets the same
//! answer instead of a second write.

use time::OffsetDateTime;

use super::time::{format_timestamp, now_timestamp};
use super::{SqliteStore, StoreResult};
pub(crate) use crate::store::idempotency::SavedResponse;

impl SqliteStore {
    /// The answer remembered for this token and key, if it was saved at or after `since`
    /// (older answers are expired, whether or not a sweep has removed them yet).
    pub async fn saved_response(
        &self,
        token_id: &str,
        key: &str,
        since: OffsetDateTime,
    ) -> StoreResult<Option<SavedResponse>> {
        let row: Option<(String, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT request_hash, status, response_body, location FROM idempotency_keys \
             WHERE token_id = ? AND key = ? AND created_at >= ?",
        )
        .bind(token_id)
        .bind(key)
        .bind(format_timestamp(since))
        .fetch_optional(&self.read)
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
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < ?")
            .bind(format_timestamp(before))
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }

    /// Remembers an answer; the first one saved for a key wins (an expired one is replaced).
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (token_id, key) DO UPDATE SET request_hash = ?3, status = ?4, \
             response_body = ?5, location = ?6, created_at = ?7 WHERE created_at < ?8",
        )
        .bind(token_id)
        .bind(key)
        .bind(&response.request_hash)
        .bind(i64::from(response.status))
        .bind(&response.body)
        .bind(&response.location)
        .bind(now_timestamp())
        .bind(format_timestamp(expired_before))
        .execute(&self.write)
        .await?;
        Ok(())
    }
}
