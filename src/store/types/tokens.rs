//! API tokens: stored as SHA-256 hashes; the secret is shown once, at creation.

use serde::Serialize;
use sha2::{Digest, Sha256};

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

/// A token as `newsdesk token list` shows it: who it is for, its role and its dates (never its
/// secret, which is not stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRecord {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// When it last authenticated a request, to the minute (see `src/api/auth.rs`).
    pub last_used_at: Option<String>,
}

/// The columns `list_tokens` selects: id, name, role, created_at, revoked_at, last_used_at.
pub(crate) type TokenColumns = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

impl TokenRecord {
    pub(crate) fn from_columns(
        (id, name, role, created_at, revoked_at, last_used_at): TokenColumns,
    ) -> Result<TokenRecord, crate::store::StoreError> {
        Ok(TokenRecord {
            role: Role::parse(&role).ok_or_else(|| {
                crate::store::StoreError::Database(format!("unknown role `{role}`"))
            })?,
            id,
            name,
            created_at,
            revoked_at,
            last_used_at,
        })
    }
}

/// SHA-256 of a token secret, hex.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// 32 random bytes, URL-safe base64, with a recognizable prefix.
pub(crate) fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "nd_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}
