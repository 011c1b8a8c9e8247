//! Rendered answers (an article, a page of a list or a search), kept with their ETag so hot
//! reads skip the database and the JSON encoder. An entry is valid while the store's content
//! generation is unchanged (any write in this process moves it) and for a few seconds at most
//! (writes by another process, such as `newsdesk reprocess`, show up within that time).
//!
//! The store is a `moka` cache weighted by bytes: when the budget is reached it evicts the
//! least recently used entry, and admits a new one only if it is asked for more often than
//! what it would push out (TinyLFU), so a burst of one-off searches does not wipe the hot
//! articles. Misses for one key render once: the render runs under moka's per-key lock, and
//! the requests queued behind it find its entry.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use moka::future::Cache;
use moka::ops::compute::Op;

/// Longest an entry is served without looking at the database.
const MAX_AGE: Duration = Duration::from_secs(5);
/// Longest an entry is kept at all: past [`MAX_AGE`] it is still served to the requests that
/// come while one of them renders it again, for this long.
const KEPT_FOR: Duration = Duration::from_secs(60);

/// One rendered answer.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
    /// The `Link: <…>; rel="next"` of a list page.
    pub next: Option<String>,
}

impl Rendered {
    /// Bytes it holds, as the budget counts them.
    fn weight(&self, key: &str) -> u32 {
        let bytes = key.len()
            + self.body.len()
            + self.etag.len()
            + self.next.as_ref().map_or(0, String::len);
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

#[derive(Debug)]
struct Entry {
    rendered: Rendered,
    generation: u64,
    stored: Instant,
    /// Set while one request renders this (aged) entry again.
    refreshing: AtomicBool,
}

impl Entry {
    fn new(rendered: Rendered, generation: u64) -> Arc<Entry> {
        Arc::new(Entry {
            rendered,
            generation,
            stored: Instant::now(),
            refreshing: AtomicBool::new(false),
        })
    }

    /// Of this generation and younger than [`MAX_AGE`].
    fn fresh(&self, generation: u64) -> bool {
        self.generation == generation && self.stored.elapsed() < MAX_AGE
    }
}

/// Answers as anyone sees them (published content only), by key; at most `budget` bytes of
/// bodies, ETags and keys.
#[derive(Debug)]
pub struct ResponseCache {
    entries: Cache<String, Arc<Entry>>,
}

impl ResponseCache {
    pub fn new(budget: usize) -> ResponseCache {
        ResponseCache {
            entries: Cache::builder()
                .max_capacity(u64::try_from(budget).unwrap_or(u64::MAX))
                .weigher(|key: &String, entry: &Arc<Entry>| entry.rendered.weight(key))
                .time_to_live(KEPT_FOR)
                .build(),
        }
    }

    /// The entry for `key`, rendered by `render` (once, however many ask at the same time)
    /// when missing or stale.
    pub async fn get_or_render<E>(
        &self,
        key: &str,
        generation: u64,
        render: impl Future<Output = Result<Rendered, E>>,
    ) -> Result<Rendered, E>
    where
        E: Send + Sync + 'static,
    {
        // Unset on the way out, whatever the render comes to.
        let mut refreshing = None;
        if let Some(entry) = self.entries.get(key).await {
            if entry.fresh(generation) {
                return Ok(entry.rendered.clone());
            }
            if entry.generation == generation {
                // Only the age ran out (no write in this process): while one request renders
                // it again, the others get the entry they would have got a moment ago.
                if entry.refreshing.swap(true, Ordering::AcqRel) {
                    return Ok(entry.rendered.clone());
                }
                refreshing = Some(Refreshing(entry));
            }
        }
        // Under the key's lock: the first miss renders, the misses queued behind it find
        // its entry fresh and take it.
        let computed = self
            .entries
            .entry_by_ref(key)
            .and_try_compute_with(|current| async move {
                if let Some(current) = current {
                    if current.value().fresh(generation) {
                        return Ok(Op::Nop);
                    }
                }
                Ok(Op::Put(Entry::new(render.await?, generation)))
            })
            .await?;
        drop(refreshing);
        match computed.into_entry() {
            Some(entry) => Ok(entry.into_value().rendered.clone()),
            // moka answers the entry after `Nop` on one and after `Put`, the only two ops the
            // closure gives.
            None => unreachable!("moka answers the entry after Nop on one or Put"),
        }
    }

    pub async fn get(&self, key: &str, generation: u64) -> Option<Rendered> {
        let entry = self.entries.get(key).await?;
        entry.fresh(generation).then(|| entry.rendered.clone())
    }

    pub async fn put(&self, keys: &[&str], generation: u64, rendered: &Rendered) {
        let entry = Entry::new(rendered.clone(), generation);
        for key in keys {
            self.entries.insert((*key).to_owned(), entry.clone()).await;
        }
    }
}

/// An aged entry that this request renders again; dropping it lets the next request try.
struct Refreshing(Arc<Entry>);

impl Drop for Refreshing {
    fn drop(&mut self) {
        self.0.refreshing.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(body: &'static [u8]) -> Rendered {
        Rendered {
            body: Bytes::from_static(body),
            etag: "\"e\"".into(),
            next: None,
        }
    }

    #[tokio::test]
    async fn entries_expire_with_the_generation() {
        let cache = ResponseCache::new(1024);
        cache.put(&["id", "slug"], 7, &rendered(b"{}")).await;
        assert!(cache.get("id", 7).await.is_some());
        assert!(cache.get("slug", 7).await.is_some());
        assert!(cache.get("id", 8).await.is_none());
        assert!(cache.get("other", 7).await.is_none());
    }

    #[tokio::test]
    async fn a_write_makes_the_next_read_render_again() {
        let cache = ResponseCache::new(1024);
        let first = cache
            .get_or_render("k", 1, async { Ok::<_, ()>(rendered(b"old")) })
            .await;
        assert_eq!(&first.unwrap().body[..], b"old");
        let same = cache
            .get_or_render("k", 1, async { Ok::<_, ()>(rendered(b"not asked")) })
            .await;
        assert_eq!(&same.unwrap().body[..], b"old");
        let after_write = cache
            .get_or_render("k", 2, async { Ok::<_, ()>(rendered(b"new")) })
            .await;
        assert_eq!(&after_write.unwrap().body[..], b"new");
        let failed = cache.get_or_render("k", 3, async { Err("down") }).await;
        assert_eq!(failed.unwrap_err(), "down");
        assert!(
            cache.get("k", 3).await.is_none(),
            "a failed render keeps nothing"
        );
    }

    #[tokio::test]
    async fn concurrent_misses_render_once() {
        let cache = Arc::new(ResponseCache::new(1024));
        let renders = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_render("k", 1, async {
                            renders.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok::<_, ()>(rendered(b"[]"))
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(&task.await.unwrap().unwrap().body[..], b"[]");
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_budget_bounds_what_is_kept() {
        let cache = ResponseCache::new(1000);
        let body = |n: usize| Rendered {
            body: Bytes::from(vec![b' '; n]),
            etag: "\"e\"".into(),
            next: None,
        };
        cache.put(&["too large"], 1, &body(1001)).await;
        for n in 0..50 {
            cache.put(&[&format!("k{n}")], 1, &body(97)).await;
        }
        cache.entries.run_pending_tasks().await;
        assert!(
            cache.get("too large", 1).await.is_none(),
            "larger than the budget"
        );
        assert!(cache.entries.weighted_size() <= 1000);
        assert!(cache.entries.entry_count() > 0);
    }

    /// TinyLFU admission: one-off entries do not push out one that was read again and again,
    /// though it is the least recently used (a plain LRU would evict it first).
    #[tokio::test]
    async fn a_burst_of_one_off_searches_keeps_the_hot_article() {
        // Room for about twenty entries of 100 bytes.
        let cache = ResponseCache::new(2000);
        let entry = |key: &str| Rendered {
            body: Bytes::from(vec![b' '; 100 - key.len()]),
            etag: String::new(),
            next: None,
        };
        // A cache in use (moka counts reads once it is half full), then the hot article.
        for n in 0..12 {
            let key = format!("w{n:03}");
            cache.put(&[&key], 1, &entry(&key)).await;
        }
        cache.entries.run_pending_tasks().await;
        cache.put(&["hot"], 1, &entry("hot")).await;
        for _ in 0..20 {
            assert!(cache.get("hot", 1).await.is_some());
        }
        cache.entries.run_pending_tasks().await;
        // A burst of different searches, none asked for twice, fifteen times what the cache
        // holds; the hot article is not read meanwhile. (Far longer bursts age the counts, as
        // TinyLFU means to: a hot article that is still read keeps its place by being read.)
        for n in 0..300 {
            let key = format!("q{n:03}");
            cache
                .get_or_render(&key, 1, async { Ok::<_, ()>(entry(&key)) })
                .await
                .unwrap();
            if n % 20 == 0 {
                cache.entries.run_pending_tasks().await;
            }
        }
        cache.entries.run_pending_tasks().await;
        assert!(cache.entries.weighted_size() <= 2000);
        assert!(
            cache.get("hot", 1).await.is_some(),
            "the hot entry survived 300 one-off entries"
        );
    }
}
