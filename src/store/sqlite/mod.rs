//! The SQLite backend: one database file (or memory), a one-connection write pool and a read pool.
//!
//! SQLite allows one writer at a time. Writes go through a pool of exactly one connection, so
//! concurrent writers queue for it inside the process instead of failing with `SQLITE_BUSY`;
//! reads use a separate pool and, with WAL, never wait for the writer.

/// Articles with their blocks, tags and entities.
pub mod articles;
/// Write-ahead log checkpoints off the writer's thread during batches.
mod checkpoint;
/// Rendered articles kept beside them.
pub mod docs;
/// Entities shared across articles.
pub mod entities;
/// Statements run with rusqlite on the store's own connections.
mod handle;
/// Remembered answers to writes with an `Idempotency-Key`.
pub mod idempotency;
/// Article lists: filters, search, pagination.
mod list;
/// Read-only connections used on the calling thread.
mod readers;
/// Instance settings.
mod settings;
/// Tags.
pub mod tags;
/// API tokens.
pub mod tokens;
/// Scheduled articles, the outbox of events, webhooks and their deliveries.
mod webhooks;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::time;
pub use super::{StoreError, StoreOptions, StoreResult};

/// The database: a one-connection write pool and a read pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
    /// Bumped after every committed change to articles, entities or tags, so caches of
    /// rendered content know when they are stale.
    generation: Arc<AtomicU64>,
    pub(crate) search_window: u32,
    /// Same-thread reads: kept documents, list pages (a database file only).
    readers: Option<Arc<readers::Readers>>,
    /// A read's deadline, after which its statement is interrupted.
    statement_timeout: Option<Duration>,
    /// Batch writes' log checkpoints (a database file only).
    checkpointer: Option<Arc<checkpoint::Checkpointer>>,
}

use readers::PROGRESS_STEPS;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// When the database file has a schema that migrations are about to change, keeps a copy of it
/// beside the file first (`<file>.before-<version>.db`, the newest migration already applied), so
/// a migration gone wrong loses nothing. A new file, or one already up to date, is not copied.
async fn keep_copy_before_migrating(write: &SqlitePool, path: &std::path::Path) -> StoreResult<()> {
    let migrated: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(write)
    .await?;
    if !migrated {
        return Ok(());
    }
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(write)
            .await?;
    let Some(applied) = applied else {
        return Ok(());
    };
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    if applied >= latest {
        return Ok(());
    }
    let mut copy = path.as_os_str().to_owned();
    copy.push(format!(".before-{applied:04}.db"));
    let copy = std::path::PathBuf::from(copy);
    if copy.exists() {
        // A copy from an earlier start at this same version is the one to keep.
        return Ok(());
    }
    backup_into(write, &copy).await?;
    tracing::info!(copy = %copy.display(), from = applied, to = latest, "copied the database before migrating it");
    Ok(())
}

/// An online, consistent copy of the whole database into a new file (`VACUUM INTO`): readers and
/// the writer go on meanwhile.
async fn backup_into(pool: &SqlitePool, target: &std::path::Path) -> StoreResult<()> {
    let target = target
        .to_str()
        .ok_or_else(|| StoreError::Invalid("the backup path is not valid UTF-8".into()))?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

impl SqliteStore {
    /// Writes an online, consistent copy of the database to `target`, which must not exist.
    pub async fn backup(&self, target: &std::path::Path) -> StoreResult<()> {
        if target.exists() {
            return Err(StoreError::Conflict(format!(
                "{} exists already; back up into a new file",
                target.display()
            )));
        }
        backup_into(&self.read, target).await
    }
}

/// Turns off SQLite's memory statistics, once, before the library's first use: with them on,
/// every allocation SQLite makes takes one process-wide mutex (7 % of a search's CPU under
/// load, in `pthread_mutex_lock`/`unlock`); nothing here reads the statistics. If SQLite is
/// already in use, the call is refused and the statistics stay on.
fn configure_library() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` is called before any connection exists (the store opens the
        // first); called after initialization it only returns SQLITE_MISUSE.
        let code = unsafe {
            rusqlite::ffi::sqlite3_config(
                rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS,
                0 as std::os::raw::c_int,
            )
        };
        if code != rusqlite::ffi::SQLITE_OK {
            tracing::debug!(code, "SQLite memory statistics left on");
        }
    });
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database.
    pub async fn open(options: &StoreOptions) -> StoreResult<SqliteStore> {
        configure_library();
        let connect = SqliteConnectOptions::from_str(&options.database_url)
            .map_err(|e| StoreError::Invalid(format!("database url: {e}")))?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-4000")
            .statement_cache_capacity(256);
        let in_memory = options.database_url.contains(":memory:")
            || options.database_url.contains("mode=memory");
        let path = connect.get_filename().to_path_buf();
        let readers = (!in_memory).then(|| Arc::new(readers::Readers::new(path.clone())));

        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .idle_timeout(None)
            .max_lifetime(None)
            // A ping of an embedded database only proves its worker thread answers: a round trip
            // to that thread before every statement, for nothing.
            .test_before_acquire(false)
            .connect_with(connect.clone())
            .await?;
        if !in_memory {
            keep_copy_before_migrating(&write, &path).await?;
        }
        MIGRATOR.run(&write).await?;

        // An in-memory database exists only on its one connection: read through it too.
        let read = if in_memory {
            write.clone()
        } else {
            let budget = options.statement_timeout;
            SqlitePoolOptions::new()
                .max_connections(options.read_connections.max(1))
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .idle_timeout(None)
                .max_lifetime(None)
                .test_before_acquire(false)
                // Each use of a read connection gets a deadline: SQLite calls the handler every
                // few thousand VM steps, and a `false` interrupts the statement.
                .before_acquire(move |conn, _| {
                    Box::pin(async move {
                        if let Some(budget) = budget {
                            let deadline = std::time::Instant::now() + budget;
                            conn.lock_handle()
                                .await?
                                .set_progress_handler(PROGRESS_STEPS, move || {
                                    std::time::Instant::now() < deadline
                                });
                        }
                        Ok(true)
                    })
                })
                .connect_with(connect.create_if_missing(false).read_only(true))
                .await?
        };
        let checkpointer = if in_memory {
            None
        } else {
            let started = checkpoint::Checkpointer::start(&path, options.batch_log_limit)
                .map_err(|e| StoreError::Unavailable(format!("checkpoint thread: {e}")))?;
            Some(Arc::new(started))
        };
        let store = SqliteStore {
            read,
            write,
            generation: Arc::new(AtomicU64::new(0)),
            search_window: options.search_window,
            readers,
            statement_timeout: options.statement_timeout,
            checkpointer,
        };
        // Articles stored before the index held stems as it does now (migrations 0009, 0011) are
        // indexed now.
        store.reindex_pending().await?;
        Ok(store)
    }

    /// The content generation: changes whenever this process commits a change to content.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn bump_generation(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Readiness: the database answers a query on both pools.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.read)
            .await?;
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.write)
            .await?;
        Ok(())
    }

    /// Merges the full-text index into one segment (FTS5 `optimize`): after a bulk load, which
    /// leaves it in many, each of which every search walks.
    pub async fn optimize_search_index(&self) -> StoreResult<()> {
        sqlx::query("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// `PRAGMA integrity_check` result (`ok` when healthy).
    pub async fn integrity_check(&self) -> StoreResult<String> {
        Ok(sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
            .fetch_one(&self.write)
            .await?)
    }

    /// (pool, open connections, idle connections) for each pool.
    pub fn pool_stats(&self) -> [(&'static str, u32, usize); 2] {
        [
            ("read", self.read.size(), self.read.num_idle()),
            ("write", self.write.size(), self.write.num_idle()),
        ]
    }

    /// Waits for connections in use to be returned, then closes both pools, after the
    /// checkpoint thread and the idle document readers, so the last connection closed (the
    /// writer's) can copy the log into the database and remove it.
    pub async fn close(&self) {
        if let Some(checkpointer) = self.checkpointer.clone() {
            let stopped = tokio::task::spawn_blocking(move || checkpointer.stop()).await;
            if let Err(err) = stopped {
                tracing::warn!(error = %err, "could not stop the checkpoint thread");
            }
        }
        if let Some(reader) = &self.readers {
            reader.close_idle();
        }
        self.read.close().await;
        self.write.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Options for a database file in `dir` whose reads have a 200 ms deadline.
    fn options_with_deadline(dir: &tempfile::TempDir) -> StoreOptions {
        let mut options = StoreOptions::new(format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("t.db").display()
        ));
        options.statement_timeout = Some(Duration::from_millis(200));
        options
    }

    /// A statement that would never end on its own.
    const ENDLESS: &str =
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";

    #[tokio::test]
    async fn a_read_past_its_deadline_is_interrupted_and_frees_its_connection() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut options = options_with_deadline(&dir);
        options.read_connections = 1;
        let store = SqliteStore::open(&options).await.expect("open");
        let endless = sqlx::query_scalar::<_, i64>(ENDLESS)
            .fetch_one(&store.read)
            .await;
        let err = StoreError::from(endless.expect_err("interrupted"));
        assert!(matches!(err, StoreError::Timeout(_)), "{err:?}");
        // The one read connection is free again, with a fresh deadline.
        let one: i64 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&store.read)
            .await
            .expect("the next read");
        assert_eq!(one, 1);
        store.close().await;
    }

    #[tokio::test]
    async fn a_same_thread_read_past_its_deadline_is_interrupted_and_the_reader_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&options_with_deadline(&dir))
            .await
            .expect("open");
        let endless = store
            .read_on_thread(true, |conn| {
                Ok(conn.query_row(ENDLESS, [], |row| row.get::<_, i64>(0))?)
            })
            .await;
        let err = endless.expect_err("interrupted");
        assert!(matches!(err, StoreError::Timeout(_)), "{err:?}");
        // The reader went back to the idle ones; its next read gets a fresh deadline.
        let one = store
            .read_on_thread(false, |conn| {
                Ok(conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0))?)
            })
            .await
            .expect("the next read");
        assert_eq!(one, 1);
        store.close().await;
    }
}
