//! Rate limits: a generic cell-rate limiter per key (a token for writes, the client address
//! otherwise), answered with 429 and `Retry-After`. Writes and reads have separate budgets.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};
use crate::store::tokens::hash_token;

/// Keys kept before idle ones are swept.
const SWEEP_AT: usize = 50_000;

/// A limiter allowing `per_second` requests a second per key, with bursts of `burst`.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    tolerance: Duration,
    /// Theoretical arrival time per key.
    cells: Mutex<HashMap<String, Instant>>,
}

impl RateLimiter {
    /// `None` when `per_second` is zero (unlimited).
    pub fn new(per_second: f64, burst: u32) -> Option<RateLimiter> {
        if per_second <= 0.0 || !per_second.is_finite() {
            return None;
        }
        let interval = Duration::from_secs_f64(1.0 / per_second);
        Some(RateLimiter {
            interval,
            tolerance: interval.saturating_mul(burst.max(1).saturating_sub(1)),
            cells: Mutex::new(HashMap::new()),
        })
    }

    /// Takes one request from `key`'s budget, or says how long to wait.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut cells = match self.cells.lock() {
            Ok(cells) => cells,
            Err(poisoned) => poisoned.into_inner(),
        };
        if cells.len() >= SWEEP_AT {
            cells.retain(|_, tat| *tat > now);
        }
        let tat = cells.get(key).copied().unwrap_or(now).max(now);
        let allowed_from = tat.checked_sub(self.tolerance).unwrap_or(now);
        if now < allowed_from {
            return Err(allowed_from - now);
        }
        cells.insert(key.to_owned(), tat + self.interval);
        Ok(())
    }
}

/// The write and read limiters of a server.
#[derive(Debug)]
pub struct RateLimits {
    pub writes: Option<RateLimiter>,
    pub reads: Option<RateLimiter>,
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware: writes are limited per token (or per client address when no token is sent),
/// reads per client address.
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let write = is_write(request.method());
    let limiter = if write {
        state.rate_limits.writes.as_ref()
    } else {
        state.rate_limits.reads.as_ref()
    };
    let Some(limiter) = limiter else {
        return next.run(request).await;
    };
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let key = match (write, request.headers().get(header::AUTHORIZATION)) {
        // The secret itself is never kept: its hash names the bucket.
        (true, Some(auth)) => format!(
            "token:{}",
            hash_token(&String::from_utf8_lossy(auth.as_bytes()))
        ),
        _ => format!("ip:{client}"),
    };
    match limiter.check(&key, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => ApiError::TooManyRequests {
            retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
        }
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refuses_then_recovers() {
        let limiter = RateLimiter::new(10.0, 3).unwrap();
        let t0 = Instant::now();
        assert!(limiter.check("a", t0).is_ok());
        assert!(limiter.check("a", t0).is_ok());
        assert!(limiter.check("a", t0).is_ok());
        let wait = limiter.check("a", t0).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        // Another key has its own budget.
        assert!(limiter.check("b", t0).is_ok());
        // After the interval one more is allowed.
        assert!(limiter.check("a", t0 + Duration::from_millis(100)).is_ok());
        assert!(limiter.check("a", t0 + Duration::from_millis(100)).is_err());
    }

    #[test]
    fn zero_means_unlimited() {
        assert!(RateLimiter::new(0.0, 10).is_none());
    }
}
