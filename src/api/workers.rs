//! CPU work off the async workers: normalizing an article (above all a whole HTML page) runs on
//! the blocking pool, at most a fixed number at once, each within a time budget. The workers
//! that serve reads (and `/healthz`) never run it, so a flood of heavy pages slows ingest, not
//! the rest of the API; and a page that takes too long is answered (422) while its thread
//! finishes on its own, still holding its place, so the number running never exceeds the limit.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::{ApiError, ApiResult};

/// Seconds a client is told to wait when every normalizer is busy.
const BUSY_RETRY_AFTER_SECS: u64 = 1;

/// A bounded set of normalizer threads.
#[derive(Debug, Clone)]
pub struct Workers {
    permits: Arc<Semaphore>,
    count: usize,
    /// Longest one job may take, and longest a request waits for a free worker.
    budget: Duration,
}

impl Workers {
    pub fn new(count: usize, budget: Duration) -> Workers {
        let count = count.max(1);
        Workers {
            permits: Arc::new(Semaphore::new(count)),
            count,
            budget,
        }
    }

    /// Workers busy right now.
    pub fn busy(&self) -> usize {
        self.count - self.permits.available_permits()
    }

    /// Runs `job` on the blocking pool once a worker is free: 503 when none frees up within the
    /// budget, 422 when the job itself runs past it (its thread still completes, holding the
    /// worker), 500 if it panics.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let permit = tokio::time::timeout(self.budget, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Busy {
                detail: format!(
                    "All {} normalizers stayed busy for {} s; retry shortly.",
                    self.count,
                    self.budget.as_secs()
                ),
                retry_after_secs: BUSY_RETRY_AFTER_SECS,
            })?
            .map_err(|_| ApiError::Unavailable("the normalizers are shut down".into()))?;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        });
        match tokio::time::timeout(self.budget, task).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(join)) => Err(ApiError::Internal(format!("normalizer task: {join}"))),
            Err(_) => Err(ApiError::InputTooComplex(format!(
                "Normalizing this input took longer than the limit of {} s; send a smaller or \
                 simpler document.",
                self.budget.as_secs()
            ))),
        }
    }

    /// Runs `job` once a worker is free, waiting as long as that takes (a batch's chunk: its
    /// client streams and is answered line by line, so waiting is better than refusing).
    pub async fn run_waiting<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::Unavailable("the normalizers are shut down".into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        })
        .await
        .map_err(|join| ApiError::Internal(format!("normalizer task: {join}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn at_most_the_limit_run_and_a_waiter_is_told_busy() {
        let workers = Workers::new(1, Duration::from_millis(200));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let running = {
            let workers = workers.clone();
            tokio::spawn(async move { workers.run(move || wait.recv().is_ok()).await })
        };
        while workers.busy() == 0 {
            tokio::task::yield_now().await;
        }
        let refused = workers.run(|| ()).await;
        assert!(matches!(refused, Err(ApiError::Busy { .. })), "{refused:?}");
        // The first job is past its budget: its caller hears so, and its worker stays taken
        // until the thread is done.
        let first = running.await.expect("join");
        assert!(
            matches!(first, Err(ApiError::InputTooComplex(_))),
            "{first:?}"
        );
        assert_eq!(workers.busy(), 1);
        release.send(()).expect("send");
        while workers.busy() > 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(workers.run(|| 7).await.ok(), Some(7));
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_internal_error_not_a_crash() {
        let workers = Workers::new(1, Duration::from_secs(5));
        let result = workers.run(|| -> u8 { panic!("boom") }).await;
        assert!(matches!(result, Err(ApiError::Internal(_))), "{result:?}");
        assert_eq!(workers.run(|| 1).await.ok(), Some(1));
    }
}
