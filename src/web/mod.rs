//! The web pages served beside the API: `/` (links, or a JSON index for API clients), `/desk`
//! (the editors' desk) and `/docs` (the OpenAPI document as a readable page). Plain HTML, CSS and
//! JavaScript embedded in the binary; no build step and nothing fetched from another origin.
//!
//! Every page is sent with a Content-Security-Policy that allows scripts, styles and requests
//! from this origin only (no inline script, no `eval`), images also from http(s) (an article's
//! lead image lives on its publisher's server), and no framing.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sha2::{Digest, Sha256};

use crate::api::{ApiError, AppState};

/// The policy of every page: this origin only; images from http(s) too; nothing inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' http: https:; connect-src 'self'; font-src 'self'; \
     manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One embedded file.
pub struct Asset {
    /// The path it is served at.
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

/// Every page and asset, as served.
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_str!("assets/index.html"),
    },
    Asset {
        path: "/desk",
        content_type: "text/html; charset=utf-8",
        body: include_str!("assets/desk.html"),
    },
    Asset {
        path: "/docs",
        content_type: "text/html; charset=utf-8",
        body: include_str!("assets/docs.html"),
    },
    Asset {
        path: "/assets/site.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("assets/site.css"),
    },
    Asset {
        path: "/assets/desk.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/desk.js"),
    },
    Asset {
        path: "/assets/docs.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/docs.js"),
    },
    Asset {
        path: "/assets/icon.svg",
        content_type: "image/svg+xml",
        body: include_str!("assets/icon.svg"),
    },
];

/// Bytes the desk loads (its page, script and style sheet), uncompressed.
pub fn desk_weight() -> usize {
    ["/desk", "/assets/desk.js", "/assets/site.css"]
        .iter()
        .filter_map(|path| asset(path))
        .map(|a| a.body.len())
        .sum()
}

fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// The routes of the pages and their assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route(
            "/desk",
            get(|headers: HeaderMap| async move { page("/desk", &headers) }),
        )
        .route(
            "/docs",
            get(|headers: HeaderMap| async move { page("/docs", &headers) }),
        )
        .route("/assets/{name}", get(asset_file))
}

/// `/`: the links page for a browser, a JSON index for everyone else.
async fn index(headers: HeaderMap) -> Response {
    if wants_html(&headers) {
        let mut response = page("/", &headers);
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept"));
        return response;
    }
    let mut response = Json(serde_json::json!({
        "name": "newsdesk",
        "version": env!("CARGO_PKG_VERSION"),
        "links": {
            "desk": "/desk",
            "docs": "/docs",
            "openapi": "/openapi.json",
            "health": "/healthz",
            "ready": "/readyz",
            "articles": "/v1/articles",
        },
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    response
}

/// Whether the client asked for HTML before JSON (a browser's `Accept`).
fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let mut html: Option<f32> = None;
    let mut json: Option<f32> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let slot = match media.as_str() {
            "text/html" | "application/xhtml+xml" => &mut html,
            "application/json" => &mut json,
            _ => continue,
        };
        *slot = Some(slot.map_or(quality, |q| q.max(quality)));
    }
    match (html, json) {
        (Some(h), Some(j)) => h > 0.0 && h > j,
        (Some(h), None) => h > 0.0,
        _ => false,
    }
}

async fn asset_file(Path(name): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let path = format!("/assets/{name}");
    if asset(&path).is_none() {
        return Err(ApiError::NotFound(format!("No resource at GET {path}.")));
    }
    Ok(page(&path, &headers))
}

/// An embedded file with its ETag (`304` when the client has it) and the pages' security headers.
fn page(path: &str, request_headers: &HeaderMap) -> Response {
    let Some(asset) = asset(path) else {
        return ApiError::NotFound(format!("No resource at GET {path}.")).into_response();
    };
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(asset.body.as_bytes())[..12])
    );
    let fresh = request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().trim_start_matches("W/") == etag);
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = asset.body.into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    // Revalidated on every load: a new binary's pages are seen at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn browsers_get_html_and_api_clients_json() {
        assert!(wants_html(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(!wants_html(&accept("application/json")));
        assert!(!wants_html(&accept("*/*")));
        assert!(!wants_html(&HeaderMap::new()));
        assert!(!wants_html(&accept("text/html;q=0.5, application/json")));
        assert!(!wants_html(&accept("text/html;q=0")));
    }

    #[test]
    fn the_desk_weighs_under_150_kb() {
        let weight = desk_weight();
        assert!(weight > 10_000, "the desk's files are there: {weight}");
        assert!(weight < 150 * 1024, "desk page weight {weight} bytes");
    }
}
