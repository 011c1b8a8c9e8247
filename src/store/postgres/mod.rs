//! The PostgreSQL backend: one database shared by any number of app servers, through sqlx's
//! PostgreSQL driver and one connection pool per server.
//!
//! Nothing an app server keeps may go stale when another server writes:
//! - every transaction that changes what readers see moves the one-row `content_version` in that
//!   transaction, and [`PgStore::generation`] reads it (one query shared by all the requests that
//!   arrive while it runs), so response caches see another server's write at once;
//! - uniqueness (content hash, slugs, entity identity, aliases, tags) is the database's: inserts
//!   meet a concurrent writer's row with `ON CONFLICT`, and a write that lost a race is written
//!   again from the start;
//! - an article's write locks the entities it links to, so a merge, an alias or a rename either
//!   precedes it (and it sees the result) or waits for it (and sees the link).

/// Articles: written in bulk, read, listed and searched.
mod articles;
/// Rows sent with `COPY` in its binary format.
mod copy_rows;
/// Rendered articles kept beside them.
mod docs;
/// Entities shared across articles.
mod entities;
/// Idempotency keys, settings and tokens.
mod misc;
/// Search documents and queries built from the store's own tokens.
pub mod search;
/// Tags.
mod tags;
/// Scheduled articles, the outbox of events, webhooks and their deliveries.
mod webhooks;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::Connection;

use super::{StoreError, StoreOptions, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a pooled connection may sit idle before it is pinged when handed out again (the
/// database may have restarted, or dropped the connection, meanwhile). sqlx also pings each
/// connection as it comes back to the pool, so a connection broken in use is never reused.
pub const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// Attempts of a write that met a deadlock or a serialization failure with another writer.
const WRITE_ATTEMPTS: usize = 5;

/// The PostgreSQL store: a connection pool and the shared content version.
#[derive(Debug, Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
    version: Arc<VersionReader>,
    pub(crate) search_window: u32,
}

impl PgStore {
    /// Connects and migrates (the migrator takes an advisory lock, so servers starting together
    /// migrate once).
    pub async fn open(options: &StoreOptions) -> StoreResult<PgStore> {
        let connect: PgConnectOptions = options
            .database_url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("database url: {e}")))?;
        let connect = connect.application_name("newsdesk");
        // Migrations run on a connection of their own, with no statement deadline: building an
        // index over a large table may take longer than any request should.
        let mut migrating = PgConnection::connect_with(&connect).await?;
        MIGRATOR.run(&mut migrating).await?;
        migrating.close().await?;
        // Every statement of the pool stops at the deadline (PostgreSQL cancels it, the caller
        // gets `StoreError::Timeout`), so a runaway query frees its connection as on SQLite.
        let connect = match options.statement_timeout {
            Some(limit) => {
                connect.options([("statement_timeout", format!("{}", limit.as_millis().max(1)))])
            }
            None => connect,
        };
        let pool = PgPoolOptions::new()
            .max_connections(options.read_connections.max(1) + 4)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection it hands out by default: a second round trip for
            // every statement. It also pings each one as it comes back, so a connection in
            // steady use is known to be alive; only one idle for a while is checked.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(connect)
            .await?;
        let store = PgStore {
            pool,
            version: Arc::new(VersionReader::default()),
            search_window: options.search_window,
        };
        // Articles whose documents are of an older form (migrations 0005, 0010) are indexed now.
        store.reindex_pending().await?;
        Ok(store)
    }

    /// The content version as committed now (see [`VersionReader`]).
    pub async fn generation(&self) -> StoreResult<u64> {
        self.version.read(&self.pool).await
    }

    /// Readiness: the database answers a query.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query_scalar::<_, i32>("SELECT 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(())
    }

    /// Refreshes the planner's statistics after a bulk load (the search index needs no merging).
    pub async fn optimize_search_index(&self) -> StoreResult<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// Checks what the schema's constraints cannot: every live article has its search document,
    /// no deleted article keeps one or a kept document, and no link points at a merged entity.
    /// Answers `ok`, or what is wrong.
    pub async fn integrity_check(&self) -> StoreResult<String> {
        let (unsearchable, deleted_searchable, deleted_docs, merged_links): (i64, i64, i64, i64) =
            sqlx::query_as(
                "SELECT (SELECT count(*) FROM articles WHERE deleted_at IS NULL AND search IS NULL), \
                    (SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL AND search IS NOT NULL), \
                    (SELECT count(*) FROM article_docs d JOIN articles a ON a.id = d.article_id \
                      WHERE a.deleted_at IS NOT NULL), \
                    (SELECT count(*) FROM article_entities ae JOIN entities e ON e.id = ae.entity_id \
                      WHERE e.merged_into IS NOT NULL)",
            )
            .fetch_one(&self.pool)
            .await?;
        let mut problems = Vec::new();
        if unsearchable > 0 {
            problems.push(format!(
                "{unsearchable} live articles without a search document"
            ));
        }
        if deleted_searchable > 0 {
            problems.push(format!(
                "{deleted_searchable} deleted articles still searchable"
            ));
        }
        if deleted_docs > 0 {
            problems.push(format!(
                "{deleted_docs} deleted articles with a kept document"
            ));
        }
        if merged_links > 0 {
            problems.push(format!("{merged_links} links to merged entities"));
        }
        Ok(if problems.is_empty() {
            "ok".to_owned()
        } else {
            problems.join("; ")
        })
    }

    /// (pool, open connections, idle connections).
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        vec![("postgres", self.pool.size(), self.pool.num_idle())]
    }

    /// Waits for connections in use to be returned, then closes them.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reads of the content version, shared: a request is answered by a read that began after it
/// arrived (so it sees every write acknowledged before it), and every request that arrives
/// while a read runs shares the next one. Under load that is one query per round trip for all
/// requests together, not one each.
#[derive(Debug, Default)]
struct VersionReader {
    /// Requests so far (each takes the next ticket).
    tickets: AtomicU64,
    /// The last read: the tickets it covers and the version it found.
    last: tokio::sync::Mutex<(u64, u64)>,
}

impl VersionReader {
    async fn read(&self, pool: &PgPool) -> StoreResult<u64> {
        let ticket = self.tickets.fetch_add(1, Ordering::AcqRel) + 1;
        let mut last = self.last.lock().await;
        if last.0 >= ticket {
            return Ok(last.1);
        }
        // Every ticket issued so far belongs to a request that arrived before this read begins.
        let covers = self.tickets.load(Ordering::Acquire);
        let version: i64 = sqlx::query_scalar("SELECT version FROM content_version")
            .fetch_one(pool)
            .await?;
        let version = u64::try_from(version).unwrap_or(0);
        *last = (covers, version);
        Ok(version)
    }
}

/// Moves the content version inside a transaction that changed content; last before the
/// commit, so concurrent writers wait on the row only for each other's commit.
pub(crate) async fn bump_version(conn: &mut sqlx::PgConnection) -> StoreResult<()> {
    sqlx::query("UPDATE content_version SET version = version + 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether a write failed only because another writer's transaction crossed it (a deadlock, a
/// serialization failure, or a row it relied on changed before it could lock it): worth
/// writing again from the start.
pub(crate) fn is_retryable(err: &StoreError) -> bool {
    matches!(err, StoreError::Unavailable(message) if message.starts_with(super::WRITE_CONFLICT))
}

/// Runs a write, again from the start (up to [`WRITE_ATTEMPTS`] times) when it met another
/// writer's transaction.
pub(crate) async fn with_retries<T, F, Fut>(mut write: F) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = StoreResult<T>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(err) if attempt < WRITE_ATTEMPTS && is_retryable(&err) => {
                tracing::debug!(error = %err, attempt, "write crossed another; writing it again");
                // A short pause, longer each time, so the two writers do not meet again.
                let pause = 2u64.pow(attempt as u32) + u64::from(rand::random::<u8>() % 8);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// A write that must start over: something it read changed before it could lock it.
pub(crate) fn write_conflict(what: &str) -> StoreError {
    StoreError::Unavailable(format!("{}: {what}", super::WRITE_CONFLICT))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs on the PostgreSQL server named by `NEWSDESK_TEST_POSTGRES_URL`, in a database of its
    /// own; skipped (and says so) without it.
    #[tokio::test]
    async fn a_statement_past_its_deadline_is_cancelled_and_frees_its_connection() {
        let Ok(admin_url) = std::env::var("NEWSDESK_TEST_POSTGRES_URL") else {
            eprintln!("skipped: NEWSDESK_TEST_POSTGRES_URL is not set");
            return;
        };
        let name = format!(
            "newsdesk_unit_{}",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        let mut admin = PgConnection::connect(&admin_url).await.expect("connect");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create database");
        let mut url = url::Url::parse(&admin_url).expect("url");
        url.set_path(&name);
        let mut options = StoreOptions::new(url.to_string());
        options.read_connections = 1;
        options.statement_timeout = Some(Duration::from_millis(200));
        let store = PgStore::open(&options).await.expect("open");
        let slow = sqlx::query("SELECT pg_sleep(30)")
            .execute(&store.pool)
            .await;
        let err = StoreError::from(slow.expect_err("cancelled"));
        assert!(matches!(err, StoreError::Timeout(_)), "{err:?}");
        let one: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&store.pool)
            .await
            .expect("the next statement");
        assert_eq!(one, 1);
        store.pool.close().await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .expect("drop database");
    }
}
