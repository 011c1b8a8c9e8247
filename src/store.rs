//! All SQL lives here, behind one interface with two backends. The API talks to [`Store`]
//! through one async method per operation, never to a pool or a query; the backend is chosen by
//! the database URL (`sqlite://`, the default, or `postgres://`). This module holds what both
//! share: the types the API reads and writes, the error type and the options.
//!
//! - [`sqlite`]: one database file, embedded (FTS5 search, the checkpoint thread).

/// The types both backends read and write, each in the module the API names.
mod types;
pub use types::{articles, docs, entities, idempotency, tags, tokens};

/// Search expressions as readers type them.
pub mod search;
/// The SQLite backend.
pub mod sqlite;
/// Timestamps as stored.
pub mod time;

use std::time::Duration;

pub use sqlite::SqliteStore as Store;

/// What the store can fail with. Handlers map these onto problem documents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> StoreError {
        match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(err.to_string())
            }
            _ => StoreError::Database(err.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> StoreError {
        StoreError::Database(format!("migration failed: {err}"))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// How to open the database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub database_url: String,
    /// Connections in the read pool.
    pub read_connections: u32,
    /// How long a statement waits on a lock held by another process before failing.
    pub busy_timeout: Duration,
    /// Relevance searches with no other filter rank only the newest this many stored matches
    /// (0: every match).
    pub search_window: u32,
    /// Write-ahead log frames (pages) above which a batch transaction waits for the
    /// checkpoint in flight, so the log starts over instead of growing for the whole batch.
    pub batch_log_limit: u32,
}

impl StoreOptions {
    pub fn new(database_url: impl Into<String>) -> StoreOptions {
        StoreOptions {
            database_url: database_url.into(),
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
            search_window: 5000,
            // 64 MiB of 4 KiB pages: about four chunks of 512 seed-size articles.
            batch_log_limit: 16_384,
        }
    }
}
