//! newsdesk: an HTTP JSON API that turns scraped news text into clean, searchable, linked articles.
//!
//! - [`normalize`]: pure functions, raw text in, structured article out.
//! - [`store`]: all SQL, behind a small set of functions per resource.
//! - [`api`]: axum handlers per resource, the router, the middleware and the error type.
//! - [`server`]: opening the store and serving the API until a shutdown signal.
//! - [`web`]: the pages beside the API (`/`, the editors' desk, the API reference).

pub mod api;
pub mod config;
/// Publishing scheduled articles and delivering webhooks, beside the requests.
pub mod dispatch;
pub mod eval;
/// Closing connections that go quiet.
mod idle;
pub mod normalize;
pub mod seed;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod web;
