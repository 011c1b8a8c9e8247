//! Read-only connections used on the calling thread, for reads made of a few short statements
//! (a kept document, a list page): a statement through sqlx crosses to its connection's worker
//! thread and back, with every row of the answer, and those hand-offs cost more than SQLite's
//! work. In WAL mode a reader never waits for the writer.

use std::time::Instant;

use super::{handle, SqliteStore, StoreResult};

/// SQLite virtual-machine steps between two looks at a read's deadline (a few microseconds).
pub(super) const PROGRESS_STEPS: i32 = 4_000;

/// Reads of milliseconds (a ranked search, a count of candidates) running at once, each on a
/// thread the async runtime has handed its other tasks away from.
pub(super) const SLOW_READS: usize = 2;

/// Connections kept for reuse: one for each runtime thread reading inline (a core each) and
/// each slow read. More are opened (and closed after) only if more threads read at once.
fn idle_readers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) + SLOW_READS
}

/// Statements each connection keeps prepared (the list shapes, the document read).
const STATEMENT_CACHE: usize = 64;

#[derive(Debug)]
pub(super) struct Readers {
    path: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<rusqlite::Connection>>,
    keep: usize,
    slow: tokio::sync::Semaphore,
}

impl Readers {
    pub(super) fn new(path: std::path::PathBuf) -> Readers {
        Readers {
            path,
            idle: std::sync::Mutex::new(Vec::new()),
            keep: idle_readers(),
            slow: tokio::sync::Semaphore::new(SLOW_READS),
        }
    }

    /// Waits for the turn of a slow read (see [`SLOW_READS`]); the turn ends when dropped.
    pub(super) async fn slow_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        // The semaphore is never closed; if it were, the read would simply not wait.
        self.slow.acquire().await.ok()
    }

    /// Closes the connections kept for reuse (the store is closing).
    pub(super) fn close_idle(&self) {
        self.idle().clear();
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<rusqlite::Connection>> {
        match self.idle.lock() {
            Ok(idle) => idle,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Rows are read once per request and the OS page cache holds the file; the index's
        // inner pages are what is worth keeping. 1 MB against 2 MB: the same requests a second
        // under the load suite, 5 MB less RSS after it (BENCHMARKS.md).
        conn.pragma_update(None, "cache_size", -1000)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// Runs `work` on a reader, interrupting its statements once `deadline` has passed.
    pub(super) fn with<R>(
        &self,
        deadline: Option<Instant>,
        work: impl FnOnce(&rusqlite::Connection) -> StoreResult<R>,
    ) -> StoreResult<R> {
        let taken = self.idle().pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        match deadline {
            Some(deadline) => {
                conn.progress_handler(PROGRESS_STEPS, Some(move || Instant::now() >= deadline))
            }
            None => conn.progress_handler(0, None::<fn() -> bool>),
        }
        let result = work(&conn);
        let mut idle = self.idle();
        if idle.len() < self.keep {
            idle.push(conn);
        }
        result
    }
}

impl SqliteStore {
    /// Runs a read on the calling thread: on a same-thread reader of the database file, with
    /// the read deadline, or (an in-memory database) on the handle of a pooled connection.
    /// `slow`: the read may take milliseconds, so the runtime's other tasks move off the thread
    /// meanwhile (on a multi-threaded runtime); at most [`SLOW_READS`] such reads run
    /// at once, the others wait their turn without holding a thread, so the readers in use stay
    /// few enough to be kept open (opening one reads the schema again) and their page caches
    /// bounded.
    pub(super) async fn read_on_thread<R>(
        &self,
        slow: bool,
        work: impl FnOnce(&rusqlite::Connection) -> StoreResult<R>,
    ) -> StoreResult<R> {
        let Some(readers) = &self.readers else {
            let mut conn = self.read.acquire().await?;
            return handle::on_handle(&mut conn, work).await;
        };
        let multi_threaded = matches!(
            tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()),
            Ok(tokio::runtime::RuntimeFlavor::MultiThread)
        );
        let in_place = slow && multi_threaded;
        let _turn = if in_place {
            readers.slow_turn().await
        } else {
            None
        };
        let deadline = self.statement_timeout.map(|budget| Instant::now() + budget);
        if in_place {
            tokio::task::block_in_place(|| readers.with(deadline, work))
        } else {
            readers.with(deadline, work)
        }
    }
}
