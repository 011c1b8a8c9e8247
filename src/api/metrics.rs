//! `GET /metrics` in the Prometheus text format: requests and latency per route, ingest
//! outcomes, and the database pools.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Latency histogram bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum in microseconds.
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, seconds: f64) {
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.counts[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }
}

/// Counters of one process.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route, status) → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// (method, route) → latency.
    latency: Mutex<BTreeMap<(String, String), std::sync::Arc<Histogram>>>,
    /// Ingest outcomes: created, duplicate, error.
    pub ingest_created: AtomicU64,
    pub ingest_duplicate: AtomicU64,
    pub ingest_failed: AtomicU64,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        {
            let mut requests = match self.requests.lock() {
                Ok(r) => r,
                Err(p) => p.into_inner(),
            };
            *requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_insert(0) += 1;
        }
        let histogram = {
            let mut latency = match self.latency.lock() {
                Ok(l) => l,
                Err(p) => p.into_inner(),
            };
            latency
                .entry((method.to_owned(), route.to_owned()))
                .or_default()
                .clone()
        };
        histogram.observe(seconds);
    }

    /// Counts one ingest outcome.
    pub fn ingested(&self, created: bool) {
        if created {
            self.ingest_created.fetch_add(1, Ordering::Relaxed);
        } else {
            self.ingest_duplicate.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn ingest_error(&self) {
        self.ingest_failed.fetch_add(1, Ordering::Relaxed);
    }
}

/// Middleware (inside the router, so the matched route template is known).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    state.metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(render))
}

/// Prometheus metrics: requests and latency per route, ingest outcomes, database pools.
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
pub async fn render(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let mut out = String::with_capacity(4096);
    out.push_str(
        "# HELP newsdesk_http_requests_total HTTP requests by method, route and status.\n",
    );
    out.push_str("# TYPE newsdesk_http_requests_total counter\n");
    {
        let requests = match m.requests.lock() {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        for ((method, route, status), count) in requests.iter() {
            let _ = writeln!(
                out,
                "newsdesk_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
    }
    out.push_str(
        "# HELP newsdesk_http_request_duration_seconds Time to answer, by method and route.\n",
    );
    out.push_str("# TYPE newsdesk_http_request_duration_seconds histogram\n");
    {
        let latency = match m.latency.lock() {
            Ok(l) => l,
            Err(p) => p.into_inner(),
        };
        for ((method, route), h) in latency.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "newsdesk_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    h.counts[i].load(Ordering::Relaxed)
                );
            }
            let count = h.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "newsdesk_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "newsdesk_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                out,
                "newsdesk_http_request_duration_seconds_count{{{labels}}} {count}"
            );
        }
    }
    out.push_str("# HELP newsdesk_ingested_articles_total Articles ingested, by outcome.\n");
    out.push_str("# TYPE newsdesk_ingested_articles_total counter\n");
    for (outcome, counter) in [
        ("created", &m.ingest_created),
        ("duplicate", &m.ingest_duplicate),
        ("error", &m.ingest_failed),
    ] {
        let _ = writeln!(
            out,
            "newsdesk_ingested_articles_total{{outcome=\"{outcome}\"}} {}",
            counter.load(Ordering::Relaxed)
        );
    }
    out.push_str(
        "# HELP newsdesk_db_pool_connections Database pool connections, by pool and state.\n",
    );
    out.push_str("# TYPE newsdesk_db_pool_connections gauge\n");
    for (pool, size, idle) in state.store.pool_stats() {
        let _ = writeln!(
            out,
            "newsdesk_db_pool_connections{{pool=\"{pool}\",state=\"open\"}} {size}"
        );
        let _ = writeln!(
            out,
            "newsdesk_db_pool_connections{{pool=\"{pool}\",state=\"idle\"}} {idle}"
        );
    }
    let mut response = out.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
