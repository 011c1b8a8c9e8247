//! The middleware stack, outermost first: request id (set and propagated), `nosniff`, problem
//! documents for every error response, tracing, panic catching, CORS, rate limits, timeout,
//! an ETag per content coding, response compression, request decompression, body limit.

use std::any::Any;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::error::{Problem, ProblemKind, PROBLEM_JSON};
use super::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps the routes in the middleware stack.
pub fn stack(router: Router, state: &AppState) -> Router {
    let config = &state.config;
    let compression_predicate = DefaultPredicate::new().and(NotForContentType::new(PROBLEM_JSON));
    let outer = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        // No answer is ever to be read as a type other than the one it declares.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ));
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                request_id = %request_id,
            )
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    // Innermost first. Separate `layer` calls rather than one stack: each turns the body type
    // back into axum's, which the timeout and the problem-document middleware need.
    let routed = router
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), limit_body))
        // A gzip, deflate or brotli body is decoded as it is read, inside the body limit (which
        // so counts decoded bytes: a small bomb is a 413); another encoding is a 415.
        .layer(RequestDecompressionLayer::new())
        .layer(CompressionLayer::new().compress_when(compression_predicate))
        .layer(axum::middleware::from_fn(etag_per_coding))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout(),
        ))
        .layer(from_fn_with_state(
            state.clone(),
            super::ratelimit::rate_limit,
        ))
        .layer(cors(&config.cors_write_origins))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(limit_head))
        .layer(trace);
    // The method router adds `Allow` to a 405 outside the layers above; wrapping the finished
    // router as a service lets the problem-document middleware see the complete response.
    Router::new()
        .fallback_service(routed)
        .layer(from_fn_with_state(state.clone(), problem_details))
        .layer(outer)
}

/// Content codings the compression layer may answer with; each representation has its own ETag.
const CODINGS: [&str; 3] = ["gzip", "br", "deflate"];

/// `"abc"` → `"abc-gzip"` (weak tags stay weak); a tag not in quotes is left alone.
fn tag_with_coding(tag: &str, coding: &str) -> Option<String> {
    let open = tag.strip_suffix('"')?;
    Some(format!("{open}-{coding}\""))
}

/// `"abc-gzip"` → (`"abc"`, Some(gzip)); any other tag as it is.
fn split_coding(tag: &str) -> (String, Option<&'static str>) {
    for coding in CODINGS {
        if let Some(open) = tag.strip_suffix(&format!("-{coding}\"")) {
            return (format!("{open}\""), Some(coding));
        }
    }
    (tag.to_owned(), None)
}

/// The entity tags of a conditional header (`"a", W/"b"`), or `*`.
fn listed_tags(headers: &axum::http::HeaderMap, name: &HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Weak comparison (RFC 9110 §8.8.3.2): the opaque tags are equal.
fn weakly_equal(a: &str, b: &str) -> bool {
    a.trim_start_matches("W/") == b.trim_start_matches("W/")
}

/// Gives the gzip (or brotli, deflate) body of a resource an ETag of its own (`"…-gzip"`), so a
/// cache never takes one representation's bytes for the other's, and lets `If-None-Match` and
/// `If-Match` name either: the handlers see the tags with the coding removed and compare them
/// with their own, and a 304 answers with the tag the client holds. Every answer with an ETag
/// says `Vary: Accept-Encoding`.
async fn etag_per_coding(mut request: Request, next: Next) -> Response {
    let sent = listed_tags(request.headers(), &header::IF_NONE_MATCH);
    for name in [header::IF_NONE_MATCH, header::IF_MATCH] {
        let tags = listed_tags(request.headers(), &name);
        if tags.iter().any(|t| split_coding(t).1.is_some()) {
            let plain: Vec<String> = tags.iter().map(|t| split_coding(t).0).collect();
            if let Ok(value) = HeaderValue::from_str(&plain.join(", ")) {
                request.headers_mut().insert(name, value);
            }
        }
    }
    let mut response = next.run(request).await;
    let Some(etag) = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return response;
    };
    let headers = response.headers_mut();
    let varies = headers.get_all(header::VARY).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|n| n.trim().eq_ignore_ascii_case("accept-encoding") || n.trim() == "*")
        })
    });
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let coding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase());
    let tag = match coding {
        Some(coding) => CODINGS
            .iter()
            .find(|c| **c == coding)
            .and_then(|c| tag_with_coding(&etag, c)),
        // Not modified: the representation the client holds is the one to keep.
        None if response.status() == StatusCode::NOT_MODIFIED => sent
            .iter()
            .find(|t| {
                let (plain, coding) = split_coding(t);
                coding.is_some() && weakly_equal(&plain, &etag)
            })
            .filter(|_| !sent.iter().any(|t| weakly_equal(t, &etag)))
            .cloned(),
        None => None,
    };
    if let Some(value) = tag.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// Reads are open to every origin; writes only to the configured ones.
fn cors(write_origins: &[String]) -> CorsLayer {
    let write_origins: Vec<HeaderValue> = write_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, parts| {
            if write_origins.contains(origin) {
                return true;
            }
            let method = if parts.method == Method::OPTIONS {
                parts
                    .headers
                    .get(header::ACCESS_CONTROL_REQUEST_METHOD)
                    .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
            } else {
                Some(parts.method.clone())
            };
            matches!(method, Some(Method::GET) | Some(Method::HEAD))
        }))
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::IF_MATCH,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::LOCATION,
            header::RETRY_AFTER,
            REQUEST_ID,
            HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// Path whose body may be larger than the others.
const BATCH_PATH: &str = "/v1/ingest/batch";

/// Path that accepts whole HTML pages.
const INGEST_PATH: &str = "/v1/ingest";

/// HTML bodies, and JSON bodies (whose envelope may hold `html`; a text envelope is held to
/// `--body-limit` once parsed).
fn may_carry_html(headers: &axum::http::HeaderMap) -> bool {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    matches!(
        essence.as_deref(),
        Some("text/html" | "application/xhtml+xml" | "application/json")
    )
}

/// The largest body a request may carry: `--batch-body-limit` for NDJSON batches,
/// `--html-body-limit` for pages (and JSON envelopes, which may carry one) sent to
/// `POST /v1/ingest`, `--body-limit` for everything else. A declared length over it is refused at once; a body
/// that grows past it fails as it is read.
async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = if request.uri().path() == BATCH_PATH {
        state.config.batch_body_limit
    } else if request.uri().path() == INGEST_PATH && may_carry_html(request.headers()) {
        state.config.html_body_limit.max(state.config.body_limit)
    } else {
        state.config.body_limit
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Problem::new(
            ProblemKind::PayloadTooLarge,
            format!("The request body exceeds the limit of {limit} bytes."),
        )
        .into_response();
    }
    // A body without a declared length fails as it is read, wherever it is read; the 413 then
    // names the limit that applied here (not a generic or the text limit).
    let tripped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = tripped.clone();
    let request = request.map(|body| {
        Body::new(http_body_util::Limited::new(body, limit).map_err(move |e| {
            if e.is::<http_body_util::LengthLimitError>() {
                flag.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            e
        }))
    });
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && tripped.load(std::sync::atomic::Ordering::Relaxed)
    {
        return Problem::new(
            ProblemKind::PayloadTooLarge,
            format!("The request body exceeds the limit of {limit} bytes."),
        )
        .into_response();
    }
    response
}

/// Longest request target (path and query) read, in bytes: room for the longest search (500
/// characters, 4.5 KB percent-encoded in Devanagari) with filters and a cursor. hyper itself
/// refuses targets over 64 KiB, before any of this runs, with a bare 414.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Most header bytes (names and values) read. hyper refuses a head over its read buffer
/// (about 400 KB) with a bare 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Most headers read; hyper is set to parse up to [`HYPER_MAX_HEADERS`], so a request between the
/// two still gets a problem document.
pub const MAX_HEADERS: usize = 100;
/// Headers hyper parses before refusing the request with a bare 431.
pub const HYPER_MAX_HEADERS: usize = 256;

/// Refuses request heads larger than the service reads (414, 431) with problem documents,
/// before anything else looks at them.
async fn limit_head(request: Request, next: Next) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if target > MAX_URI_BYTES {
        return Problem::new(
            ProblemKind::UriTooLong,
            format!("The request target is {target} bytes; the limit is {MAX_URI_BYTES}."),
        )
        .into_response();
    }
    let headers = request.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Problem::new(
            ProblemKind::HeadersTooLarge,
            format!(
                "The request has {} headers of {bytes} bytes; the limits are {MAX_HEADERS} \
                 headers and {MAX_HEADER_BYTES} bytes.",
                headers.len()
            ),
        )
        .into_response();
    }
    next.run(request).await
}

/// The fallback for paths no route matches.
pub async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    Problem::new(
        ProblemKind::NotFound,
        format!("No resource at {method} {}.", uri.path()),
    )
    .into_response()
}

fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic payload)");
    tracing::error!(panic = %message, "handler panicked");
    Problem::new(
        ProblemKind::Internal,
        "The server failed to answer this request; the request id identifies it in the logs.",
    )
    .into_response()
}

/// Largest error body rewritten; larger ones are replaced.
const MAX_PROBLEM_BODY: usize = 64 * 1024;

/// Makes every error response a problem document carrying the request id: problem documents
/// from handlers get the id added; bare errors from the router or a layer (404, 405, 408, 413,
/// 500) are replaced by a problem of their status.
async fn problem_details(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();

    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let is_problem = parts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));

    let mut document = if is_problem {
        read_problem(body).await
    } else {
        None
    }
    .unwrap_or_else(|| {
        let kind = ProblemKind::for_status(status);
        let detail = match status {
            StatusCode::NOT_FOUND => format!("No resource at {method} {path}."),
            StatusCode::METHOD_NOT_ALLOWED => {
                let allowed = parts
                    .headers
                    .get(header::ALLOW)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                format!("{method} is not supported on {path}; allowed: {allowed}.")
            }
            StatusCode::PAYLOAD_TOO_LARGE => format!(
                "The request body exceeds the limit of {} bytes.",
                state.config.body_limit
            ),
            StatusCode::REQUEST_TIMEOUT => format!(
                "The request took longer than {} s.",
                state.config.request_timeout_secs
            ),
            _ => kind.explanation().to_owned(),
        };
        let mut problem = serde_json::to_value(Problem::new(kind, detail)).unwrap_or_default();
        // Keep the real status when it is one without a kind of its own.
        if let Some(object) = problem.as_object_mut() {
            object.insert("status".into(), status.as_u16().into());
        }
        problem
    });
    if let (Some(object), Some(id)) = (document.as_object_mut(), request_id) {
        object.entry("request_id").or_insert(id.into());
    }
    let body = serde_json::to_vec(&document).unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    Response::from_parts(parts, Body::from(Bytes::from(body)))
}

async fn read_problem(body: Body) -> Option<serde_json::Value> {
    let limited = http_body_util::Limited::new(body, MAX_PROBLEM_BODY);
    let bytes = limited.collect().await.ok()?.to_bytes();
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(serde_json::Value::is_object)
}
