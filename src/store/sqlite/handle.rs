//! Statements run with rusqlite on the store's own sqlx connections.
//!
//! sqlx sends each statement to its connection's worker thread and waits for the answer: two
//! thread hand-offs a statement. Storing an article is dozens of small statements (the row, its
//! tags, entities and aliases, the full-text row, the kept document), and the hand-offs
//! cost more than SQLite's work. So those writes lock the connection's handle away from the
//! worker (which sqlx provides for exactly this) and run their statements back to back on one
//! thread with rusqlite's prepared statements. sqlx stays the store's API for everything else;
//! transactions, the one-writer pool and the database file are the same.

use sqlx::pool::PoolConnection;
use sqlx::sqlite::LockedSqliteHandle;
use sqlx::{Sqlite, SqliteConnection};

use super::{StoreError, StoreResult};

/// Distinct statements one article's write prepares; each is prepared once per call.
const STATEMENT_CACHE: usize = 64;

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::OperationInterrupted) => StoreError::Timeout(err.to_string()),
            _ => StoreError::Database(err.to_string()),
        }
    }
}

/// Runs `work` on `conn`'s SQLite handle on the calling thread: for a few statements inside a
/// transaction sqlx opened.
pub(super) async fn on_handle<R>(
    conn: &mut SqliteConnection,
    work: impl FnOnce(&rusqlite::Connection) -> StoreResult<R>,
) -> StoreResult<R> {
    let mut locked = conn.lock_handle().await?;
    run_locked(&mut locked, work)
}

/// Runs `work` on the handle of a pooled connection, on a blocking thread: for writes long
/// enough that they must not hold up the async runtime (a batch of articles).
pub(super) async fn on_handle_blocking<R: Send + 'static>(
    mut conn: PoolConnection<Sqlite>,
    work: impl FnOnce(&rusqlite::Connection) -> StoreResult<R> + Send + 'static,
) -> StoreResult<R> {
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let mut locked = runtime.block_on(conn.lock_handle())?;
        run_locked(&mut locked, work)
    })
    .await
    .map_err(|e| StoreError::Database(format!("writer thread: {e}")))?
}

fn run_locked<R>(
    locked: &mut LockedSqliteHandle<'_>,
    work: impl FnOnce(&rusqlite::Connection) -> StoreResult<R>,
) -> StoreResult<R> {
    // SAFETY: the pointer is sqlx's open connection, built on the same libsqlite3-sys as
    // rusqlite. While `locked` lives, sqlx's worker thread makes no call on the handle or its
    // statements (the guarantee of `lock_handle`), so this thread is its only user.
    // `from_handle` does not take ownership: dropping `conn` finalizes the statements it
    // prepared, before the lock is released, and leaves the connection open.
    let conn = unsafe { rusqlite::Connection::from_handle(locked.as_raw_handle().as_ptr()) }?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let result = work(&conn);
    drop(conn);
    result
}
