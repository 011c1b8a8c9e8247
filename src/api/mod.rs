//! The HTTP API: one router per resource, merged here, wrapped in the middleware stack.

/// The OpenAPI document and `/problems/{kind}` explanations.
mod docs;
/// The error type and problem documents.
pub mod error;
/// Extractors that turn axum's rejections into problem documents.
pub mod extract;
/// Liveness and readiness.
mod health;
/// The middleware stack.
mod middleware;

use std::sync::Arc;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::config::ServeConfig;
use crate::store::Store;

pub use error::{ApiError, ApiResult, Problem, ProblemKind};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<ServeConfig>,
    pub store: Store,
}

impl AppState {
    pub fn new(config: ServeConfig, store: Store) -> AppState {
        AppState {
            config: Arc::new(config),
            store,
        }
    }
}

/// Every route of the API, with its OpenAPI description, without middleware.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(docs::base_document())
        .merge(health::router())
        .merge(docs::router())
}

/// The whole application: routes, the OpenAPI document, the fallback and the middleware stack.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// As [`app`], with extra routes mounted under the same middleware (tests use this to add
/// routes that misbehave on purpose).
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    let (router, openapi) = routes().split_for_parts();
    let router = router
        .merge(docs::openapi_route(openapi))
        .merge(extra)
        .fallback(middleware::not_found);
    middleware::stack(router.with_state(state.clone()), &state)
}

/// The OpenAPI document as served at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}
