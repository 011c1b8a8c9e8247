//! Checkpoints of the write-ahead log on a thread of their own, for batch writes.
//!
//! A batch transaction writes tens of megabytes of log (about 33 KB an article, 512 articles a
//! transaction). With SQLite's automatic checkpoint, the commit that crosses the threshold then
//! copies all of it into the database file and waits for two `fsync`s, on the writer's thread,
//! before the next chunk can start. During a batch the writer turns its automatic checkpoint off
//! and, after each commit, asks this thread for a passive checkpoint, which copies the log while
//! the writer goes on with the next chunk.
//!
//! The log only starts over from its beginning when a write transaction begins with every frame
//! already copied. So that it does not grow for the whole batch, a batch transaction first waits
//! for the checkpoint in flight once the log holds more than a limit; the next transaction then
//! rewrites the log from the start.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use super::StoreResult;

/// The writer's automatic checkpoint threshold outside batches, in frames (SQLite's default).
const AUTOCHECKPOINT_FRAMES: i64 = 1000;

/// The longest a batch waits for the checkpoint in flight (those measured took 0.1–0.2 s for
/// a chunk of 512 articles).
const SERVED_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Checkpoint requests made and served.
#[derive(Debug, Default)]
struct Progress {
    requested: u64,
    served: u64,
}

#[derive(Debug)]
struct Shared {
    progress: Mutex<Progress>,
    served: Condvar,
    /// Frames in the log at the last checkpoint.
    log_frames: AtomicI64,
    /// Frames the last checkpoint had copied.
    copied_frames: AtomicI64,
}

impl Shared {
    fn progress(&self) -> MutexGuard<'_, Progress> {
        lock(&self.progress)
    }
}

/// The counters and handles stay consistent whatever a panicking holder left behind.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The checkpoint thread of one database file. It stops when the store is closed or dropped.
#[derive(Debug)]
pub(super) struct Checkpointer {
    /// `None` once stopped.
    requests: Mutex<Option<SyncSender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    shared: Arc<Shared>,
    /// Log frames above which a batch transaction waits for the checkpoint in flight.
    log_limit: i64,
}

impl Checkpointer {
    /// Starts the thread for the database file at `path`.
    pub(super) fn start(path: &Path, log_limit: u32) -> std::io::Result<Checkpointer> {
        // One request waiting is enough: a checkpoint copies everything committed before it.
        let (requests, pending) = sync_channel(1);
        let shared = Arc::new(Shared {
            progress: Mutex::new(Progress::default()),
            served: Condvar::new(),
            log_frames: AtomicI64::new(0),
            copied_frames: AtomicI64::new(0),
        });
        let thread_shared = Arc::clone(&shared);
        let path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("newsdesk-checkpoint".into())
            .spawn(move || serve(&path, &pending, &thread_shared))?;
        Ok(Checkpointer {
            requests: Mutex::new(Some(requests)),
            thread: Mutex::new(Some(thread)),
            shared,
            log_limit: i64::from(log_limit),
        })
    }

    /// Readies the writer's connection for a batch transaction: waits for the checkpoint in
    /// flight if the log has grown past the limit, and turns the automatic checkpoint off until
    /// the returned guard is dropped, which asks for a checkpoint.
    pub(super) fn begin_batch<'c>(
        &'c self,
        conn: &'c rusqlite::Connection,
    ) -> StoreResult<BatchCheckpoint<'c>> {
        if self.shared.log_frames.load(Ordering::Acquire) > self.log_limit {
            self.wait_served();
        }
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(BatchCheckpoint {
            checkpointer: self,
            conn,
        })
    }

    /// Asks the thread for a checkpoint; false when the thread is stopped or gone.
    fn request(&self) -> bool {
        let requests = lock(&self.requests);
        self.shared.progress().requested += 1;
        let sent = match requests.as_ref().map(|r| r.try_send(())) {
            // Full: a request is already waiting, and its checkpoint will cover this commit too.
            Some(Ok(()) | Err(TrySendError::Full(()))) => true,
            None | Some(Err(TrySendError::Disconnected(()))) => false,
        };
        if !sent {
            let mut progress = self.shared.progress();
            progress.served = progress.requested;
        }
        sent
    }

    /// Stops the thread after the checkpoint in flight and closes its connection, so that
    /// closing the store's own connections can remove the log.
    pub(super) fn stop(&self) {
        drop(lock(&self.requests).take());
        if let Some(thread) = lock(&self.thread).take() {
            if thread.join().is_err() {
                tracing::warn!("the checkpoint thread panicked");
            }
        }
    }

    /// Blocks until every checkpoint asked for so far is done, or for at most
    /// [`SERVED_WAIT_LIMIT`]: a thread that stopped answering must not stop the writer too.
    fn wait_served(&self) {
        let deadline = std::time::Instant::now() + SERVED_WAIT_LIMIT;
        let mut progress = self.shared.progress();
        while progress.served < progress.requested {
            let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) else {
                tracing::warn!("the checkpoint thread did not answer; the batch goes on");
                return;
            };
            progress = match self.shared.served.wait_timeout(progress, left) {
                Ok((progress, _)) => progress,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Frames in the log and frames copied, once every checkpoint asked for is done.
    #[cfg(test)]
    fn settled_frames(&self) -> (i64, i64) {
        self.wait_served();
        (
            self.shared.log_frames.load(Ordering::Acquire),
            self.shared.copied_frames.load(Ordering::Acquire),
        )
    }
}

/// A batch transaction's hold on the writer's automatic checkpoint.
pub(super) struct BatchCheckpoint<'c> {
    checkpointer: &'c Checkpointer,
    conn: &'c rusqlite::Connection,
}

impl Drop for BatchCheckpoint<'_> {
    fn drop(&mut self) {
        if let Err(err) = self
            .conn
            .pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT_FRAMES)
        {
            tracing::warn!(error = %err, "could not turn the automatic checkpoint back on");
        }
        // Without the thread (it could not open the file), the writer copies the log itself.
        if !self.checkpointer.request() {
            if let Err(err) = self
                .conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            {
                tracing::warn!(error = %err, "checkpoint failed");
            }
        }
    }
}

/// The thread: a passive checkpoint for each request (requests made while one runs are served
/// by the next), until the store is dropped.
fn serve(path: &Path, pending: &Receiver<()>, shared: &Shared) {
    let conn = match open(path) {
        Ok(conn) => conn,
        Err(err) => {
            tracing::warn!(error = %err, "checkpoint thread could not open the database");
            return;
        }
    };
    while pending.recv().is_ok() {
        let covered = shared.progress().requested;
        // (busy, frames in the log, frames copied); a busy answer only means another
        // checkpoint was running, and the next request will copy what it left.
        match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
        }) {
            Ok((log, copied)) => {
                shared.copied_frames.store(copied, Ordering::Release);
                shared.log_frames.store(log, Ordering::Release);
            }
            Err(err) => tracing::warn!(error = %err, "checkpoint failed"),
        }
        let mut progress = shared.progress();
        progress.served = progress.served.max(covered);
        drop(progress);
        shared.served.notify_all();
    }
}

fn open(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use crate::normalize::NormalizedArticle;
    use crate::store::articles::ArticleStatus;
    use crate::store::sqlite::SqliteStore;
    use crate::store::StoreOptions;

    async fn file_store(dir: &tempfile::TempDir, log_limit: u32) -> SqliteStore {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let mut options = StoreOptions::new(url);
        options.batch_log_limit = log_limit;
        SqliteStore::open(&options).await.unwrap()
    }

    /// The `n`th batch of ten seed articles, normalized.
    fn batch(n: usize) -> Vec<(NormalizedArticle, ArticleStatus)> {
        let now = OffsetDateTime::now_utc();
        (n * 10..n * 10 + 10)
            .map(|i| {
                let envelope = crate::seed::seed_envelope(i);
                let article = crate::normalize::normalize(&envelope, now).unwrap();
                (article, ArticleStatus::Published)
            })
            .collect()
    }

    async fn store_batch(store: &SqliteStore, articles: Vec<(NormalizedArticle, ArticleStatus)>) {
        for result in store.insert_articles(articles).await.unwrap() {
            assert!(!result.unwrap().duplicate);
        }
    }

    #[tokio::test]
    async fn the_checkpoint_thread_copies_a_batch_and_the_writer_checkpoints_again_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(&dir, 16_384).await;
        store_batch(&store, batch(0)).await;
        let checkpointer = store.checkpointer.clone().unwrap();
        let (log, copied) = checkpointer.settled_frames();
        // Ten articles are far below the writer's own threshold of 1,000 frames: only the
        // thread copies them.
        assert!(log > 0 && log < 1000, "{log}");
        assert_eq!(copied, log, "every frame copied into the database");
        let autocheckpoint: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&store.write)
            .await
            .unwrap();
        assert_eq!(autocheckpoint, 1000, "turned back on after the batch");
    }

    #[tokio::test]
    async fn closing_the_store_stops_the_thread_and_removes_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(&dir, 16_384).await;
        store_batch(&store, batch(0)).await;
        let log = dir.path().join("t.db-wal");
        assert!(log.exists());
        store.close().await;
        // The last connection to close copies the log into the database and removes it.
        assert!(!log.exists(), "the log outlived the store");
    }

    #[tokio::test]
    async fn past_the_limit_a_batch_waits_for_the_checkpoint_and_the_log_starts_over() {
        // Each batch alone: settled in between, so each starts the log over.
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(&dir, 16_384).await;
        let checkpointer = store.checkpointer.clone().unwrap();
        let mut alone = Vec::new();
        for n in 0..3 {
            store_batch(&store, batch(n)).await;
            alone.push(checkpointer.settled_frames().0);
        }

        // With a limit of one frame, the third batch, stored right after the second (its
        // articles normalized beforehand), first waits for the second's checkpoint: the log
        // then holds the third batch only, not both.
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(&dir, 1).await;
        let checkpointer = store.checkpointer.clone().unwrap();
        let (second, third) = (batch(1), batch(2));
        store_batch(&store, batch(0)).await;
        checkpointer.settled_frames();
        store_batch(&store, second).await;
        store_batch(&store, third).await;
        let (log, _) = checkpointer.settled_frames();
        assert!(log < alone[1] + alone[2], "{log} against {alone:?}");
    }
}
