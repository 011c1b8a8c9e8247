//! The HTTP API: one router per resource, merged here, wrapped in the middleware stack.

/// Reading, listing, searching, editing and deleting articles.
mod articles;
/// Bearer tokens and roles.
pub mod auth;
/// Rendered articles kept for hot reads.
mod cache;
/// Signed pagination cursors.
pub mod cursor;
/// The OpenAPI document and `/problems/{kind}` explanations.
mod docs;
/// Entities: lists, search, curation, merges, reprocessing.
mod entities;
/// The error type and problem documents.
pub mod error;
/// Extractors that turn axum's rejections into problem documents.
pub mod extract;
/// Atom, RSS and JSON feeds of published articles.
mod feeds;
/// Liveness and readiness.
mod health;
/// Posting raw text (one article, or NDJSON batches).
mod ingest;
/// Every bound on what a client sends, shared by the handlers and the OpenAPI document.
pub mod limits;
/// Prometheus metrics.
pub mod metrics;
/// The middleware stack.
mod middleware;
/// Webhooks and their delivery log.
mod webhooks;
pub(crate) use middleware::HYPER_MAX_HEADERS;
/// Query-string parameters.
mod params;
/// Rate limits on writes and reads.
pub mod ratelimit;
/// When an article becomes public: scheduled publishing and its horizon.
pub mod schedule;
/// Tags: lists, curation.
mod tags;
/// The bearer token of a request, as its holder sees it.
mod token;
/// Normalizing off the async workers: a bounded number at once, each with a time budget.
pub mod workers;

use std::sync::{Arc, RwLock};

use axum::Router;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;

use crate::config::ServeConfig;
use crate::normalize::{
    self, Block, EntityDictionary, Envelope, ExtractedEntity, NormalizeError, NormalizedArticle,
};
use crate::store::tokens::hash_token;
use crate::store::{Store, StoreError};
use cursor::CursorCodec;

pub use error::{ApiError, ApiResult, Problem, ProblemKind};

/// Bytes of rendered articles kept in memory.
const ARTICLE_CACHE_BYTES: usize = 12 * 1024 * 1024;
/// Bytes of rendered list and search pages kept in memory.
const LIST_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Shortest admin token accepted from the environment.
pub const MIN_ADMIN_TOKEN_LEN: usize = 16;

/// What every handler can reach: one allocation shared by every request (every middleware
/// and handler takes the state by value, so a clone is one reference count, not a copy of
/// each field; the copies were about a tenth of the CPU of `/healthz` under load).
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

impl std::ops::Deref for AppState {
    type Target = AppInner;

    fn deref(&self) -> &AppInner {
        &self.0
    }
}

/// The fields of [`AppState`].
pub struct AppInner {
    pub config: Arc<ServeConfig>,
    pub store: Store,
    pub cursors: CursorCodec,
    /// SHA-256 of `NEWSDESK_ADMIN_TOKEN`, when set.
    pub admin_token_hash: Option<String>,
    /// The editors' entity dictionary, rebuilt when they change it.
    dictionary: Arc<RwLock<EntityDictionary>>,
    pub rate_limits: Arc<ratelimit::RateLimits>,
    pub metrics: Arc<metrics::Metrics>,
    article_cache: Arc<cache::ResponseCache>,
    list_cache: Arc<cache::ResponseCache>,
    /// Where articles are normalized.
    pub workers: workers::Workers,
    /// When each token's use was last written.
    pub token_use: Arc<auth::TokenUse>,
}

impl AppState {
    /// Builds the state on an open store: the cursor secret and the entity dictionary come
    /// from the database.
    pub async fn load(config: ServeConfig, store: Store) -> Result<AppState, StoreError> {
        if let Some(token) = &config.admin_token {
            if token.trim().len() < MIN_ADMIN_TOKEN_LEN {
                return Err(StoreError::Invalid(format!(
                    "NEWSDESK_ADMIN_TOKEN must be at least {MIN_ADMIN_TOKEN_LEN} characters"
                )));
            }
        }
        let secret = store
            .setting_or_init("cursor_secret", || {
                use rand::RngCore;
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                hex::encode(bytes)
            })
            .await?;
        let dictionary = EntityDictionary::new(store.dictionary_entries().await?);
        let rate_limits = ratelimit::RateLimits {
            writes: ratelimit::RateLimiter::new(config.write_rate, config.write_burst),
            reads: ratelimit::RateLimiter::new(config.read_rate, config.read_burst),
        };
        Ok(AppState(Arc::new(AppInner {
            rate_limits: Arc::new(rate_limits),
            metrics: Arc::new(metrics::Metrics::default()),
            article_cache: Arc::new(cache::ResponseCache::new(ARTICLE_CACHE_BYTES)),
            list_cache: Arc::new(cache::ResponseCache::new(LIST_CACHE_BYTES)),
            admin_token_hash: config.admin_token.as_deref().map(|t| hash_token(t.trim())),
            workers: workers::Workers::new(
                config.normalize_worker_count(),
                config.normalize_timeout(),
            ),
            config: Arc::new(config),
            store,
            cursors: CursorCodec::new(secret.as_bytes()),
            dictionary: Arc::new(RwLock::new(dictionary)),
            token_use: Arc::new(auth::TokenUse::default()),
        })))
    }

    /// The current editors' dictionary (cheap to clone).
    pub fn dictionary(&self) -> EntityDictionary {
        match self.dictionary.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reloads the dictionary after editors changed entities.
    pub async fn reload_dictionary(&self) -> Result<(), StoreError> {
        let fresh = EntityDictionary::new(self.store.dictionary_entries().await?);
        match self.dictionary.write() {
            Ok(mut d) => *d = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// Runs the normalizer with the current dictionary: the HTML path when the envelope carries
    /// a page (`html`, already decoded), the text path otherwise.
    pub fn normalize(&self, envelope: &Envelope) -> Result<NormalizedArticle, NormalizeError> {
        if let Some(html) = &envelope.html {
            return normalize::normalize_html(
                html.as_bytes(),
                Some("utf-8"),
                envelope,
                &self.dictionary(),
                OffsetDateTime::now_utc(),
            );
        }
        normalize::normalize_with_dictionary(
            envelope,
            &self.dictionary(),
            OffsetDateTime::now_utc(),
        )
    }

    /// Re-runs entity extraction on a stored article with the current dictionary.
    pub async fn reprocess(
        &self,
        id_or_slug: &str,
    ) -> Result<crate::store::articles::Article, StoreError> {
        let article = self.store.get_article(id_or_slug, true).await?;
        let entities = self.extract_entities(
            &article.title,
            article.summary.as_deref(),
            &article.kickers,
            &article.blocks,
            article.lead_image.as_ref().and_then(|i| i.alt.as_deref()),
        );
        self.store
            .replace_article_entities(&article.id, &entities)
            .await?;
        self.store.get_article(&article.id, true).await
    }

    /// Entity extraction alone (after an edit), with the current dictionary.
    pub fn extract_entities(
        &self,
        title: &str,
        summary: Option<&str>,
        kickers: &[String],
        blocks: &[Block],
        lead_image_alt: Option<&str>,
    ) -> Vec<ExtractedEntity> {
        normalize::extract_entities(
            title,
            summary,
            kickers,
            blocks,
            lead_image_alt,
            &self.dictionary(),
        )
    }
}

/// Every route of the API, with its OpenAPI description, without middleware.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(docs::base_document())
        .merge(health::router())
        .merge(docs::router())
        .merge(metrics::router())
        .merge(ingest::router())
        .merge(articles::router())
        .merge(entities::router())
        .merge(tags::router())
        .merge(token::router())
        .merge(webhooks::router())
        .merge(feeds::router())
}

/// The whole application: routes, the OpenAPI document, the fallback and the middleware stack.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// As [`app`], with extra routes mounted under the same middleware (tests use this to add
/// routes that misbehave on purpose).
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    let (router, openapi) = routes().split_for_parts();
    let document = docs::finish(openapi);
    // Only the documented routes: the desk pages and the extra routes take what they take.
    let accepted = params::AcceptedParameters::from_openapi(&document);
    let router = router
        .layer(axum::middleware::from_fn_with_state(
            accepted,
            params::reject_unknown,
        ))
        .merge(docs::openapi_route(document))
        .merge(crate::web::router())
        .merge(extra)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(middleware::not_found);
    middleware::stack(router.with_state(state.clone()), &state)
}

/// The OpenAPI document as served at `/openapi.json`.
pub fn openapi() -> serde_json::Value {
    docs::finish(routes().split_for_parts().1)
}
