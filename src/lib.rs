//! newsdesk: an HTTP JSON API that turns scraped news text into clean, searchable, linked articles.

pub mod eval;
pub mod normalize;
