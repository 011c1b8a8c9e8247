//! API tokens: stored as SHA-256 hashes; the secret is shown once, at creation.

use super::time::now_timestamp;
use super::{SqliteStore, StoreError, StoreResult};
pub(crate) use crate::store::tokens::{
    hash_token, new_secret, Role, TokenColumns, TokenInfo, TokenRecord,
};

impl SqliteStore {
    /// Creates a token and answers its secret, which is not stored.
    pub async fn create_token(&self, name: &str, role: Role) -> StoreResult<(TokenInfo, String)> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("a token needs a name".into()));
        }
        let secret = new_secret();
        let id = ulid::Ulid::new().to_string();
        sqlx::query(
            "INSERT INTO api_tokens (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(name)
        .bind(role.as_str())
        .bind(hash_token(&secret))
        .bind(now_timestamp())
        .execute(&self.write)
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

    /// The live token whose hash this is. The lookup is by hash (an index probe on a value the
    /// caller cannot choose), so it leaks nothing about other secrets through timing.
    pub async fn find_token(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT id, name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.read)
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
             WHERE ? OR revoked_at IS NULL ORDER BY created_at, id",
        )
        .bind(include_revoked)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(TokenRecord::from_columns).collect()
    }

    /// Records that a token authenticated a request at `at` (never moving the time back).
    pub async fn touch_token(&self, id: &str, at: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = ?1 \
             WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?1)",
        )
        .bind(at)
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Revokes a token by id; answers whether one was revoked.
    pub async fn revoke_token(&self, id: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(now_timestamp())
                .bind(id)
                .execute(&self.write)
                .await?;
        Ok(done.rows_affected() > 0)
    }
}
