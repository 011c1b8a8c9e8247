//! All SQL lives here, behind one interface with two backends. The API talks to [`Store`]
//! through one async method per operation, never to a pool or a query; the backend is chosen by
//! the database URL (`sqlite://`, the default, or `postgres://`). This module holds what both
//! share: the types the API reads and writes, the error type and the options.
//!
//! - [`sqlite`]: one database file, embedded (FTS5 search, the checkpoint thread); the default,
//!   and the fastest on one machine.
//! - [`postgres`]: one PostgreSQL database shared by several app servers.
//!
//! [`Store`] dispatches each call to its backend (an enum: no boxing, no dynamic call).

/// The types both backends read and write, each in the module the API names.
mod types;
pub use types::{articles, docs, entities, idempotency, tags, tokens, webhooks};

/// Copying a whole database from one backend to another.
pub mod copy;
/// The PostgreSQL backend.
pub mod postgres;
/// Row mapping both backends share.
mod rows;
/// Search expressions as readers type them.
pub mod search;
/// The SQLite backend.
pub mod sqlite;
/// Words reduced to their stems for search.
pub mod stems;
/// Timestamps as stored.
pub mod time;

use std::time::Duration;

use ::time::OffsetDateTime;

use crate::normalize::{DictionaryEntry, ExtractedEntity, NormalizedArticle};
use articles::{
    Article, ArticleChanges, ArticleQuery, ArticleStatus, ArticleSummary, BatchInserted, Inserted,
    Page,
};
use docs::ArticleDoc;
use entities::{Alias, Entity, EntityChanges, EntityLookup, EntityQuery};
use idempotency::SavedResponse;
use postgres::PgStore;
use sqlite::SqliteStore;
use tags::{Tag, TagQuery};
use tokens::{Role, TokenInfo, TokenRecord};

/// What the store can fail with. Handlers map these onto problem documents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A write's `If-Match` precondition failed; the article's ETag is now `current_etag`.
    #[error("precondition failed: the current ETag is {current_etag}")]
    PreconditionFailed { current_etag: String },
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A statement ran past its deadline and was interrupted.
    #[error("statement interrupted: {0}")]
    Timeout(String),
    #[error("database error: {0}")]
    Database(String),
}

/// How a write that crossed another writer's transaction (and may be written again) begins
/// its [`StoreError::Unavailable`] message.
pub(crate) const WRITE_CONFLICT: &str = "write conflict";

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> StoreError {
        match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(err.to_string())
            }
            // SQLITE_INTERRUPT (a read's progress handler stopped it at its deadline), and
            // PostgreSQL's query_canceled (its statement_timeout).
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("9") | Some("57014")) =>
            {
                StoreError::Timeout(err.to_string())
            }
            // PostgreSQL's serialization failure and deadlock: another writer crossed this one.
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("40001") | Some("40P01")) =>
            {
                StoreError::Unavailable(format!("{WRITE_CONFLICT}: {}", db.message()))
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
    /// Relevance searches rank only the newest this many stored matches (with other filters:
    /// the newest this many that pass them); 0: every match.
    pub search_window: u32,
    /// Write-ahead log frames (pages) above which a batch transaction waits for the
    /// checkpoint in flight, so the log starts over instead of growing for the whole batch.
    pub batch_log_limit: u32,
    /// Longest a read may hold a read connection with its statements running: past it the
    /// running statement is interrupted, the caller gets [`StoreError::Timeout`] and the
    /// connection is free for the next read. `None` for no limit (command-line tools that
    /// read a whole database).
    pub statement_timeout: Option<Duration>,
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
            statement_timeout: Some(Duration::from_secs(5)),
        }
    }
}

/// Which backend a database URL names: `postgres://` or `postgresql://` for PostgreSQL,
/// anything else (`sqlite://…`, `sqlite::memory:`) for SQLite.
pub fn is_postgres_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The database, on one of the two backends. Every operation the API needs is one method here,
/// answered alike by both.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Calls the same method on whichever backend the store is.
macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            Store::Sqlite($store) => $call,
            Store::Postgres($store) => $call,
        }
    };
}

impl Store {
    /// Opens (creating if missing, for SQLite) and migrates the database the URL names.
    pub async fn open(options: &StoreOptions) -> StoreResult<Store> {
        if is_postgres_url(&options.database_url) {
            Ok(Store::Postgres(PgStore::open(options).await?))
        } else {
            Ok(Store::Sqlite(SqliteStore::open(options).await?))
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// The content generation: changes whenever a change to content is committed (on
    /// PostgreSQL, by any app server), so caches of rendered content know when they are stale.
    pub async fn generation(&self) -> StoreResult<u64> {
        match self {
            Store::Sqlite(store) => Ok(store.generation()),
            Store::Postgres(store) => store.generation().await,
        }
    }

    /// Readiness: the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        dispatch!(self, s => s.ping().await)
    }

    /// Readies the search index after a bulk load.
    pub async fn optimize_search_index(&self) -> StoreResult<()> {
        dispatch!(self, s => s.optimize_search_index().await)
    }

    /// `ok` when the database is consistent, else what is wrong.
    pub async fn integrity_check(&self) -> StoreResult<String> {
        dispatch!(self, s => s.integrity_check().await)
    }

    /// (pool, open connections, idle connections) for each pool.
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match self {
            Store::Sqlite(store) => store.pool_stats().to_vec(),
            Store::Postgres(store) => store.pool_stats(),
        }
    }

    /// Waits for connections in use, then closes the database.
    pub async fn close(&self) {
        dispatch!(self, s => s.close().await)
    }

    /// Stores a normalized article whole, or answers the live article with the same content.
    pub async fn insert_article(
        &self,
        article: &NormalizedArticle,
        status: ArticleStatus,
    ) -> StoreResult<Inserted> {
        dispatch!(self, s => s.insert_article(article, status).await)
    }

    /// Stores many articles; each is written whole or not at all, and one failing never undoes
    /// the others.
    pub async fn insert_articles(
        &self,
        articles: Vec<(NormalizedArticle, ArticleStatus)>,
    ) -> StoreResult<Vec<StoreResult<BatchInserted>>> {
        dispatch!(self, s => s.insert_articles(articles).await)
    }

    /// A live article by id or slug; drafts only when `include_drafts`.
    pub async fn get_article(
        &self,
        id_or_slug: &str,
        include_drafts: bool,
    ) -> StoreResult<Article> {
        dispatch!(self, s => s.get_article(id_or_slug, include_drafts).await)
    }

    /// One page of articles matching a query.
    pub async fn list_articles(&self, query: &ArticleQuery) -> StoreResult<Page<ArticleSummary>> {
        dispatch!(self, s => s.list_articles(query).await)
    }

    /// Ids of live articles after `after`, in id order (for walking every article).
    pub async fn live_article_ids(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        dispatch!(self, s => s.live_article_ids(after, limit).await)
    }

    /// The largest storage position now (the snapshot bound of a relevance search).
    pub async fn max_article_rowid(&self) -> StoreResult<i64> {
        dispatch!(self, s => s.max_article_rowid().await)
    }

    /// Applies an editor's changes and answers the new version.
    pub async fn update_article(
        &self,
        id_or_slug: &str,
        changes: &ArticleChanges,
    ) -> StoreResult<Article> {
        dispatch!(self, s => s.update_article(id_or_slug, changes).await)
    }

    /// Soft-deletes an article.
    /// Writes an online, consistent copy of a SQLite database to a new file. PostgreSQL
    /// databases are backed up with PostgreSQL's own tools (`pg_dump`), not through the store.
    pub async fn backup(&self, target: &std::path::Path) -> StoreResult<()> {
        match self {
            Store::Sqlite(store) => store.backup(target).await,
            Store::Postgres(_) => Err(StoreError::Invalid(
                "a PostgreSQL database is backed up with pg_dump".into(),
            )),
        }
    }

    /// Removes an article for good (live or deleted), with its saved idempotent answers.
    pub async fn purge_article(&self, id_or_slug: &str) -> StoreResult<()> {
        dispatch!(self, s => s.purge_article(id_or_slug).await)
    }

    pub async fn delete_article(
        &self,
        id_or_slug: &str,
        if_match: Option<&articles::IfMatch>,
    ) -> StoreResult<()> {
        dispatch!(self, s => s.delete_article(id_or_slug, if_match).await)
    }

    /// The kept document of a live article, if there is one; drafts only when `include_drafts`.
    pub async fn get_article_doc(
        &self,
        id_or_slug: &str,
        include_drafts: bool,
    ) -> StoreResult<Option<ArticleDoc>> {
        dispatch!(self, s => s.get_article_doc(id_or_slug, include_drafts).await)
    }

    /// Renders up to `batch` missing kept documents; answers how many.
    pub async fn fill_missing_docs(&self, batch: u32) -> StoreResult<usize> {
        dispatch!(self, s => s.fill_missing_docs(batch).await)
    }

    /// The editors' curated entities with their aliases.
    pub async fn dictionary_entries(&self) -> StoreResult<Vec<DictionaryEntry>> {
        dispatch!(self, s => s.dictionary_entries().await)
    }

    /// Resolves an entity id or slug, following merges.
    pub async fn find_entity(&self, id_or_slug: &str) -> StoreResult<EntityLookup> {
        dispatch!(self, s => s.find_entity(id_or_slug).await)
    }

    /// A live entity by id.
    pub async fn get_entity(&self, id: &str, with_related: bool) -> StoreResult<Entity> {
        dispatch!(self, s => s.get_entity(id, with_related).await)
    }

    /// One page of live entities.
    pub async fn list_entities(&self, query: &EntityQuery) -> StoreResult<Page<Entity>> {
        dispatch!(self, s => s.list_entities(query).await)
    }

    /// Whether anonymous callers may see the entity (see [`EntityQuery::published_only`]).
    pub async fn entity_is_public(&self, id: &str) -> StoreResult<bool> {
        dispatch!(self, s => s.entity_is_public(id).await)
    }

    /// Creates a dictionary entry; answers it and whether it was new.
    pub async fn create_entity(
        &self,
        name: &str,
        kind: &str,
        aliases: &[Alias],
    ) -> StoreResult<(Entity, bool)> {
        dispatch!(self, s => s.create_entity(name, kind, aliases).await)
    }

    /// Applies editors' changes to an entity.
    pub async fn update_entity(&self, id: &str, changes: &EntityChanges) -> StoreResult<Entity> {
        dispatch!(self, s => s.update_entity(id, changes).await)
    }

    /// Merges `from` into `into`.
    pub async fn merge_entities(&self, from: &str, into: &str) -> StoreResult<Entity> {
        dispatch!(self, s => s.merge_entities(from, into).await)
    }

    /// The live slug of an entity given by id or slug.
    pub async fn live_entity_slug(&self, id_or_slug: &str) -> StoreResult<String> {
        dispatch!(self, s => s.live_entity_slug(id_or_slug).await)
    }

    /// Replaces an article's entities with a fresh extraction.
    pub async fn replace_article_entities(
        &self,
        article_id: &str,
        extracted: &[ExtractedEntity],
    ) -> StoreResult<()> {
        dispatch!(self, s => s.replace_article_entities(article_id, extracted).await)
    }

    pub async fn get_tag(&self, slug: &str) -> StoreResult<Tag> {
        dispatch!(self, s => s.get_tag(slug).await)
    }

    pub async fn list_tags(&self, query: &TagQuery) -> StoreResult<Page<Tag>> {
        dispatch!(self, s => s.list_tags(query).await)
    }

    /// Whether anonymous callers may see the tag (see [`TagQuery::published_only`]).
    pub async fn tag_is_public(&self, slug: &str) -> StoreResult<bool> {
        dispatch!(self, s => s.tag_is_public(slug).await)
    }

    /// Creates a tag; one with the same slug is a conflict.
    pub async fn create_tag(&self, name: &str) -> StoreResult<Tag> {
        dispatch!(self, s => s.create_tag(name).await)
    }

    /// Renames a tag's display name; the slug stays.
    pub async fn rename_tag(&self, slug: &str, name: &str) -> StoreResult<Tag> {
        dispatch!(self, s => s.rename_tag(slug, name).await)
    }

    /// Deletes a tag and detaches it from every article.
    pub async fn delete_tag(&self, slug: &str) -> StoreResult<()> {
        dispatch!(self, s => s.delete_tag(slug).await)
    }

    /// Creates a token and answers its secret, which is not stored.
    pub async fn create_token(&self, name: &str, role: Role) -> StoreResult<(TokenInfo, String)> {
        dispatch!(self, s => s.create_token(name, role).await)
    }

    /// The live token whose hash this is.
    pub async fn find_token(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>> {
        dispatch!(self, s => s.find_token(token_hash).await)
    }

    /// Every token (never a secret), oldest first; revoked ones only when asked.
    pub async fn list_tokens(&self, include_revoked: bool) -> StoreResult<Vec<TokenRecord>> {
        dispatch!(self, s => s.list_tokens(include_revoked).await)
    }

    /// Records that a token authenticated a request at `at` (RFC 3339 UTC).
    pub async fn touch_token(&self, id: &str, at: &str) -> StoreResult<()> {
        dispatch!(self, s => s.touch_token(id, at).await)
    }

    /// Revokes a token by id; answers whether one was revoked.
    pub async fn revoke_token(&self, id: &str) -> StoreResult<bool> {
        dispatch!(self, s => s.revoke_token(id).await)
    }

    /// The answer remembered for this token and idempotency key, if saved at or after `since`
    /// (older ones are expired, swept or not).
    pub async fn saved_response(
        &self,
        token_id: &str,
        key: &str,
        since: OffsetDateTime,
    ) -> StoreResult<Option<SavedResponse>> {
        dispatch!(self, s => s.saved_response(token_id, key, since).await)
    }

    /// Remembers an answer; the first one saved for a key wins, unless it was saved before
    /// `expired_before`.
    pub async fn save_response(
        &self,
        token_id: &str,
        key: &str,
        response: &SavedResponse,
        expired_before: OffsetDateTime,
    ) -> StoreResult<()> {
        dispatch!(self, s => s.save_response(token_id, key, response, expired_before).await)
    }

    /// Forgets the answers saved before `before`; answers how many.
    pub async fn sweep_saved_responses(&self, before: OffsetDateTime) -> StoreResult<u64> {
        dispatch!(self, s => s.sweep_saved_responses(before).await)
    }

    /// The value of a setting, creating it with `init()` on first use.
    pub async fn setting_or_init(
        &self,
        name: &str,
        init: impl FnOnce() -> String,
    ) -> StoreResult<String> {
        dispatch!(self, s => s.setting_or_init(name, init).await)
    }

    /// Publishes the scheduled articles due at `now` (at most `limit`), each exactly once even
    /// with several app servers; answers their ids.
    pub async fn publish_due(&self, now: &str, limit: u32) -> StoreResult<Vec<String>> {
        dispatch!(self, s => s.publish_due(now, limit).await)
    }

    /// Registers a webhook.
    pub async fn create_webhook(
        &self,
        new: &webhooks::NewWebhook,
    ) -> StoreResult<webhooks::Webhook> {
        dispatch!(self, s => s.create_webhook(new).await)
    }

    /// Every webhook, oldest first.
    pub async fn list_webhooks(&self) -> StoreResult<Vec<webhooks::Webhook>> {
        dispatch!(self, s => s.list_webhooks().await)
    }

    /// How many webhooks are registered.
    pub async fn count_webhooks(&self) -> StoreResult<i64> {
        dispatch!(self, s => s.count_webhooks().await)
    }

    pub async fn get_webhook(&self, id: &str) -> StoreResult<webhooks::Webhook> {
        dispatch!(self, s => s.get_webhook(id).await)
    }

    pub async fn update_webhook(
        &self,
        id: &str,
        changes: &webhooks::WebhookChanges,
    ) -> StoreResult<webhooks::Webhook> {
        dispatch!(self, s => s.update_webhook(id, changes).await)
    }

    /// Deletes a webhook with its deliveries.
    pub async fn delete_webhook(&self, id: &str) -> StoreResult<()> {
        dispatch!(self, s => s.delete_webhook(id).await)
    }

    /// A webhook's deliveries, newest first, after the delivery `before`.
    pub async fn list_deliveries(
        &self,
        webhook_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> StoreResult<Page<webhooks::Delivery>> {
        dispatch!(self, s => s.list_deliveries(webhook_id, before, limit).await)
    }

    pub async fn get_delivery(
        &self,
        webhook_id: &str,
        id: &str,
    ) -> StoreResult<webhooks::Delivery> {
        dispatch!(self, s => s.get_delivery(webhook_id, id).await)
    }

    /// Makes a delivery due now again, with the same id.
    pub async fn retry_delivery(
        &self,
        webhook_id: &str,
        id: &str,
    ) -> StoreResult<webhooks::Delivery> {
        dispatch!(self, s => s.retry_delivery(webhook_id, id).await)
    }

    /// Fans out up to `limit` outbox events to the webhooks that want them, each exactly once.
    pub async fn dispatch_events(&self, now: &str, limit: u32) -> StoreResult<usize> {
        dispatch!(self, s => s.dispatch_events(now, limit).await)
    }

    /// Claims up to `limit` due deliveries, leased to the caller until `lease_until`.
    pub async fn claim_deliveries(
        &self,
        now: &str,
        lease_until: &str,
        limit: u32,
    ) -> StoreResult<Vec<webhooks::DueDelivery>> {
        dispatch!(self, s => s.claim_deliveries(now, lease_until, limit).await)
    }

    /// Records the outcome of an attempt.
    pub async fn finish_attempt(
        &self,
        delivery: &webhooks::DueDelivery,
        outcome: &webhooks::AttemptOutcome,
    ) -> StoreResult<()> {
        dispatch!(self, s => s.finish_attempt(delivery, outcome).await)
    }

    /// Deletes up to `limit` finished deliveries and fanned-out events older than `cutoff`
    /// (events only once no delivery refers to them); answers (deliveries, events).
    pub async fn prune_outbox(&self, cutoff: &str, limit: u32) -> StoreResult<(u64, u64)> {
        dispatch!(self, s => s.prune_outbox(cutoff, limit).await)
    }
}
