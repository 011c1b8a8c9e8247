//! Rendered articles, kept with their ETag so hot reads skip the database and the JSON
//! encoder. An entry is valid while the store's content generation is unchanged (any write in
//! this process moves it) and for a few seconds at most (writes by another process, such as
//! `newsdesk reprocess`, show up within that time).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// Longest an entry is served without looking at the database.
const MAX_AGE: Duration = Duration::from_secs(5);
/// Bytes of rendered JSON kept; the cache is emptied when a new entry would pass this.
const BUDGET_BYTES: usize = 16 * 1024 * 1024;

/// One rendered article.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
}

#[derive(Debug)]
struct Entry {
    rendered: Rendered,
    generation: u64,
    stored: Instant,
}

/// Published articles as rendered for anonymous default reads, by id and by slug.
#[derive(Debug, Default)]
pub struct ArticleCache {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<String, Entry>,
    /// Sum of the bodies kept (an entry stored under two keys counts twice).
    bytes: usize,
}

impl ArticleCache {
    pub fn get(&self, key: &str, generation: u64) -> Option<Rendered> {
        let entries = match self.entries.lock() {
            Ok(e) => e,
            Err(p) => p.into_inner(),
        };
        let entry = entries.map.get(key)?;
        (entry.generation == generation && entry.stored.elapsed() < MAX_AGE)
            .then(|| entry.rendered.clone())
    }

    pub fn put(&self, keys: &[&str], generation: u64, rendered: &Rendered) {
        let mut entries = match self.entries.lock() {
            Ok(e) => e,
            Err(p) => p.into_inner(),
        };
        let size = rendered.body.len() * keys.len();
        if entries.bytes + size > BUDGET_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        let stored = Instant::now();
        for key in keys {
            let old = entries.map.insert(
                (*key).to_owned(),
                Entry {
                    rendered: rendered.clone(),
                    generation,
                    stored,
                },
            );
            let freed = old.map_or(0, |e| e.rendered.body.len());
            entries.bytes = entries.bytes.saturating_sub(freed) + rendered.body.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_with_the_generation() {
        let cache = ArticleCache::default();
        let rendered = Rendered {
            body: Bytes::from_static(b"{}"),
            etag: "\"e\"".into(),
        };
        cache.put(&["id", "slug"], 7, &rendered);
        assert!(cache.get("id", 7).is_some());
        assert!(cache.get("slug", 7).is_some());
        assert!(cache.get("id", 8).is_none());
        assert!(cache.get("other", 7).is_none());
    }
}
