//! Rendered answers (an article, a page of a list or a search), kept with their ETag so hot
//! reads skip the database and the JSON encoder. An entry is valid while the store's content
//! generation is unchanged (any write in this process moves it) and for a few seconds at most
//! (writes by another process, such as `newsdesk reprocess`, show up within that time).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// Longest an entry is served without looking at the database.
const MAX_AGE: Duration = Duration::from_secs(5);
/// One rendered answer.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
    /// The `Link: <…>; rel="next"` of a list page.
    pub next: Option<String>,
}

enum Freshness {
    Fresh,
    /// Of the current generation, but older than [`MAX_AGE`].
    Aged,
}

#[derive(Debug)]
struct Entry {
    rendered: Rendered,
    generation: u64,
    stored: Instant,
}

/// Answers as anyone sees them (published content only), by key; at most `budget` bytes of
/// bodies, emptied when a new entry would pass that.
#[derive(Debug)]
pub struct ResponseCache {
    entries: Mutex<Entries>,
    budget: usize,
    /// Keys being rendered now; a second request for one waits for the first's answer instead
    /// of rendering it again (a burst of misses on an expensive search costs one search).
    flights: Mutex<HashMap<String, tokio::sync::watch::Receiver<()>>>,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<String, Entry>,
    /// Sum of the bodies kept (an entry stored under two keys counts twice).
    bytes: usize,
}

impl ResponseCache {
    pub fn new(budget: usize) -> ResponseCache {
        ResponseCache {
            entries: Mutex::new(Entries::default()),
            budget,
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// The entry for `key`, rendered by `render` (once, however many ask at the same time)
    /// when missing or stale.
    pub async fn get_or_render<E>(
        &self,
        key: &str,
        generation: u64,
        render: impl Future<Output = Result<Rendered, E>>,
    ) -> Result<Rendered, E> {
        let aged = match self.lookup(key, generation) {
            Some((rendered, Freshness::Fresh)) => return Ok(rendered),
            Some((rendered, Freshness::Aged)) => Some(rendered),
            None => None,
        };
        // Someone else's render to wait for, or this request's own flight.
        let waiting = {
            let mut flights = lock(&self.flights);
            match flights.get(key) {
                Some(done) => Ok(done.clone()),
                None => {
                    let (sender, done) = tokio::sync::watch::channel(());
                    flights.insert(key.to_owned(), done);
                    Err(sender)
                }
            }
        };
        let waiting = match waiting {
            Ok(done) => Some(done),
            Err(sender) => {
                // The flight lands (leaves the map, then wakes the others) when this render
                // is done or dropped.
                let _flight = Flight {
                    cache: self,
                    key,
                    _sender: sender,
                };
                let result = render.await;
                if let Ok(rendered) = &result {
                    self.put(&[key], generation, rendered);
                }
                return result;
            }
        };
        if let (Some(aged), Some(_)) = (aged, &waiting) {
            // Only the age ran out (no write in this process): while one request renders it
            // again, the others get the entry they would have got a moment ago.
            return Ok(aged);
        }
        if let Some(mut done) = waiting {
            // Ends when the renderer's flight lands, whatever its outcome.
            let _ = done.changed().await;
        }
        match self.get(key, generation) {
            Some(rendered) => Ok(rendered),
            // The renderer failed or a write came in between: render for this request.
            None => render.await,
        }
    }

    pub fn get(&self, key: &str, generation: u64) -> Option<Rendered> {
        match self.lookup(key, generation)? {
            (rendered, Freshness::Fresh) => Some(rendered),
            (_, Freshness::Aged) => None,
        }
    }

    /// The entry of this generation, and whether it is past [`MAX_AGE`].
    fn lookup(&self, key: &str, generation: u64) -> Option<(Rendered, Freshness)> {
        let entries = lock(&self.entries);
        let entry = entries.map.get(key)?;
        let freshness = if entry.stored.elapsed() < MAX_AGE {
            Freshness::Fresh
        } else {
            Freshness::Aged
        };
        (entry.generation == generation).then(|| (entry.rendered.clone(), freshness))
    }

    pub fn put(&self, keys: &[&str], generation: u64, rendered: &Rendered) {
        let mut entries = lock(&self.entries);
        let size = rendered.body.len() * keys.len();
        if size > self.budget {
            return;
        }
        if entries.bytes + size > self.budget {
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

/// A render in progress; dropping it takes the key out of the map, then (as the sender drops)
/// wakes the requests waiting for it.
struct Flight<'a> {
    cache: &'a ResponseCache,
    key: &'a str,
    _sender: tokio::sync::watch::Sender<()>,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        lock(&self.cache.flights).remove(self.key);
    }
}

/// A poisoned lock still guards plain data that is valid at every step.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_with_the_generation() {
        let cache = ResponseCache::new(1024);
        let rendered = Rendered {
            body: Bytes::from_static(b"{}"),
            etag: "\"e\"".into(),
            next: None,
        };
        cache.put(&["id", "slug"], 7, &rendered);
        assert!(cache.get("id", 7).is_some());
        assert!(cache.get("slug", 7).is_some());
        assert!(cache.get("id", 8).is_none());
        assert!(cache.get("other", 7).is_none());
    }

    #[tokio::test]
    async fn concurrent_misses_render_once() {
        let cache = std::sync::Arc::new(ResponseCache::new(1024));
        let renders = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_render("k", 1, async {
                            renders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok::<_, ()>(Rendered {
                                body: Bytes::from_static(b"[]"),
                                etag: "\"e\"".into(),
                                next: None,
                            })
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(&task.await.unwrap().unwrap().body[..], b"[]");
        }
        assert_eq!(renders.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(lock(&cache.flights).is_empty());
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache = ResponseCache::new(10);
        let rendered = |n: usize| Rendered {
            body: Bytes::from(vec![b' '; n]),
            etag: "\"e\"".into(),
            next: None,
        };
        cache.put(&["a"], 1, &rendered(6));
        cache.put(&["b"], 1, &rendered(6));
        assert!(cache.get("a", 1).is_none(), "emptied to make room");
        assert!(cache.get("b", 1).is_some());
        cache.put(&["c"], 1, &rendered(11));
        assert!(cache.get("c", 1).is_none(), "larger than the budget");
        assert!(cache.get("b", 1).is_some());
    }
}
