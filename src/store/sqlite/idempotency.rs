//! Idempotency keys: the answer to a write, kept so a retry with the same key gets the same
//! answer instead of a second write.

use super::time::now_timestamp;
use super::{SqliteStore, StoreResult};
pub(crate) use crate::store::idempotency::SavedResponse;

impl SqliteStore {
    /// The answer remembered for this token and key.
    pub async fn saved_response(
        &self,
        token_id: &str,
        key: &str,
    ) -> StoreResult<Option<SavedResponse>> {
        let row: Option<(String, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT request_hash, status, response_body, location FROM idempotency_keys \
             WHERE token_id = ? AND key = ?",
        )
        .bind(token_id)
        .bind(key)
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

    /// Remembers an answer; the first one saved for a key wins.
    pub async fn save_response(
        &self,
        token_id: &str,
        key: &str,
        response: &SavedResponse,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT OR IGNORE INTO idempotency_keys \
             (token_id, key, request_hash, status, response_body, location, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(token_id)
        .bind(key)
        .bind(&response.request_hash)
        .bind(i64::from(response.status))
        .bind(&response.body)
        .bind(&response.location)
        .bind(now_timestamp())
        .execute(&self.write)
        .await?;
        Ok(())
    }
}
