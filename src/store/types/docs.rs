//! Rendered articles as `GET /v1/articles/{id}` answers them, with their ETag. Each backend
//! keeps one per live article beside it.

use sha2::{Digest, Sha256};

use super::articles::{Article, ArticleStatus};

/// An article as answered: its JSON and strong ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDoc {
    pub status: ArticleStatus,
    pub etag: String,
    pub body: Vec<u8>,
}

/// The JSON of an article as `GET /v1/articles/{id}` answers it, and its ETag.
pub fn render(article: &Article) -> (Vec<u8>, String) {
    let body = serde_json::to_vec(article).unwrap_or_default();
    let etag = etag_of(&body);
    (body, etag)
}

/// Strong ETag of a JSON answer.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(body)[..12]))
}
