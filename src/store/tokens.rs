//! API tokens: stored as SHA-256 hashes; the secret is shown once, at creation.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::time::now_timestamp;
use super::{Store, StoreError, StoreResult};

/// What a token may do. Readers read drafts; editors write articles, entities and tags;
/// admins also manage tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reader,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reader" => Some(Role::Reader),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A token's identity (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// SHA-256 of a token secret, hex.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl Store {
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

/// 32 random bytes, URL-safe base64, with a recognizable prefix.
fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "nd_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}
