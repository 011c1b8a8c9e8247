//! `GET /metrics` in the OpenMetrics text format (which Prometheus scrapes): requests and latency
//! per route, ingest outcomes, the normalizer threads and the database pools. Built on
//! `prometheus-client`, one registry per server.
//!
//! Every label takes a bounded set of values, so no request can add a series: the method is one
//! of HTTP's registered methods or `other`, the route is the router's template (or `unmatched`),
//! the status is what the server answered. `/metrics` needs a token (any role: a `reader` token
//! for the scraper), since route counts and pool sizes are nobody else's business.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::auth::Principal;
use super::{ApiError, ApiResult, AppState};

/// Latency histogram bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// HTTP methods as a label: the registered ones, everything else as `other`.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types)]
enum MethodLabel {
    GET,
    HEAD,
    POST,
    PUT,
    PATCH,
    DELETE,
    OPTIONS,
    TRACE,
    CONNECT,
    other,
}

impl MethodLabel {
    fn of(method: &Method) -> MethodLabel {
        match *method {
            Method::GET => MethodLabel::GET,
            Method::HEAD => MethodLabel::HEAD,
            Method::POST => MethodLabel::POST,
            Method::PUT => MethodLabel::PUT,
            Method::PATCH => MethodLabel::PATCH,
            Method::DELETE => MethodLabel::DELETE,
            Method::OPTIONS => MethodLabel::OPTIONS,
            Method::TRACE => MethodLabel::TRACE,
            Method::CONNECT => MethodLabel::CONNECT,
            _ => MethodLabel::other,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: MethodLabel,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: MethodLabel,
    route: String,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
enum Outcome {
    created,
    duplicate,
    error,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: Outcome,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The counters of one server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    ingested: Family<OutcomeLabels, Counter>,
    pools: Family<PoolLabels, Gauge>,
    normalizers_busy: Gauge,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("newsdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let ingested = Family::<OutcomeLabels, Counter>::default();
        let pools = Family::<PoolLabels, Gauge>::default();
        let normalizers_busy = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by method and route",
            latency.clone(),
        );
        registry.register(
            "ingested_articles",
            "Articles ingested, by outcome",
            ingested.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database pool connections, by pool and state",
            pools.clone(),
        );
        registry.register(
            "normalizers_busy",
            "Normalizer threads working on an article",
            normalizers_busy.clone(),
        );
        // Every outcome is listed from the start, at zero.
        for outcome in [Outcome::created, Outcome::duplicate, Outcome::error] {
            ingested.get_or_create(&OutcomeLabels { outcome }).inc_by(0);
        }
        Metrics {
            registry,
            requests,
            latency,
            ingested,
            pools,
            normalizers_busy,
        }
    }
}

impl Metrics {
    fn record(&self, method: MethodLabel, route: String, status: u16, seconds: f64) {
        self.latency
            .get_or_create(&RouteLabels {
                method,
                route: route.clone(),
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// Counts one ingest outcome.
    pub fn ingested(&self, created: bool) {
        let outcome = if created {
            Outcome::created
        } else {
            Outcome::duplicate
        };
        self.ingested
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    pub fn ingest_error(&self) {
        self.ingested
            .get_or_create(&OutcomeLabels {
                outcome: Outcome::error,
            })
            .inc();
    }
}

/// Middleware (inside the router, so the matched route template is known).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = MethodLabel::of(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    state.metrics.record(
        method,
        route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(render))
}

/// Prometheus metrics (any token): requests and latency per route, ingest outcomes, normalizer
/// threads, database pools.
#[utoipa::path(get, path = "/metrics", tag = "meta",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OpenMetrics text format", content_type = "application/openmetrics-text", body = String),
        (status = 401, description = "No valid token", body = super::Problem, content_type = "application/problem+json")))]
pub async fn render(State(state): State<AppState>, _reader: Principal) -> ApiResult<Response> {
    let m = &state.metrics;
    for (pool, size, idle) in state.store.pool_stats() {
        m.pools
            .get_or_create(&PoolLabels {
                pool,
                state: "open",
            })
            .set(i64::from(size));
        m.pools
            .get_or_create(&PoolLabels {
                pool,
                state: "idle",
            })
            .set(i64::try_from(idle).unwrap_or(i64::MAX));
    }
    m.normalizers_busy
        .set(i64::try_from(state.workers.busy()).unwrap_or(i64::MAX));
    let mut out = String::with_capacity(8 * 1024);
    prometheus_client::encoding::text::encode(&mut out, &m.registry)
        .map_err(|e| ApiError::Internal(format!("metrics encoding: {e}")))?;
    let mut response = out.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}
