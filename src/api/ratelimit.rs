//! Rate limits, answered with 429 and `Retry-After`: `governor`'s keyed GCRA limiter (a
//! sharded map, no global lock), one for writes and one for reads.
//!
//! Keys: a write with a valid token spends that token's budget; every other request (reads, and
//! writes with no token or a token that does not check out) spends its client address's. The
//! token is checked here, before the budget is chosen (and the answer kept for the handler), so a
//! client rotating invented tokens is limited by its address. The client address is the peer's,
//! unless the peer is a trusted proxy (`--trusted-proxies`): then it is the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy.
//!
//! Each server keeps its own budgets (several app servers on one database each allow the rate).
//! Keys idle long enough to have their whole burst back are forgotten as the map grows.

use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::Quota;
use ipnet::IpNet;

use super::auth::{authenticate_headers, Authenticated};
use super::{ApiError, AppState};

/// Checks between two looks at whether idle keys should be forgotten.
const SWEEP_EVERY: u64 = 4096;
/// Keys kept before idle ones are forgotten.
const SWEEP_ABOVE: usize = 10_000;

/// Whose budget a request spends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// A valid token, by its id.
    Token(String),
    /// A client address.
    Addr(IpAddr),
}

/// A limiter allowing `per_second` requests a second per key, with bursts of `burst`.
pub struct RateLimiter<C: Clock = DefaultClock> {
    limiter: governor::RateLimiter<
        RateKey,
        DashMapStateStore<RateKey>,
        C,
        NoOpMiddleware<<C as Clock>::Instant>,
    >,
    clock: C,
    checks: AtomicU64,
}

impl<C: Clock> std::fmt::Debug for RateLimiter<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("keys", &self.limiter.len())
            .finish()
    }
}

impl RateLimiter<DefaultClock> {
    /// `None` when `per_second` is zero (unlimited).
    pub fn new(per_second: f64, burst: u32) -> Option<RateLimiter> {
        RateLimiter::with_clock(per_second, burst, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    pub fn with_clock(per_second: f64, burst: u32, clock: C) -> Option<RateLimiter<C>> {
        if per_second <= 0.0 || !per_second.is_finite() {
            return None;
        }
        let quota = Quota::with_period(Duration::from_secs_f64(1.0 / per_second))?
            .allow_burst(NonZeroU32::new(burst.max(1))?);
        Some(RateLimiter {
            limiter: governor::RateLimiter::new(quota, DashMapStateStore::default(), clock.clone()),
            clock,
            checks: AtomicU64::new(0),
        })
    }

    /// Takes one request from `key`'s budget, or says how long to wait.
    pub fn check(&self, key: &RateKey) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1
            && self.limiter.len() > SWEEP_ABOVE
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Keys remembered.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }

    /// Forgets keys whose whole burst is back.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
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

/// The client's address: the peer's, or for a trusted proxy the last address in
/// `X-Forwarded-For` that is not a trusted proxy (the one the proxies themselves saw).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    if !trusted.iter().any(|net| net.contains(&peer)) {
        return peer;
    }
    let mut client = peer;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(value) = value.to_str() else {
            return client;
        };
        for hop in value.rsplit(',') {
            let Ok(addr) = hop.trim().parse::<IpAddr>() else {
                // An address we cannot read ends the chain we can trust.
                return client;
            };
            client = addr;
            if !trusted.iter().any(|net| net.contains(&addr)) {
                return client;
            }
        }
    }
    client
}

/// Middleware: writes are limited per valid token (or per client address), reads per client
/// address.
pub async fn rate_limit(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let write = is_write(request.method());
    let limiter = if write {
        state.rate_limits.writes.as_ref()
    } else {
        state.rate_limits.reads.as_ref()
    };
    let Some(limiter) = limiter else {
        return next.run(request).await;
    };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
    let client = client_address(peer, request.headers(), &state.config.trusted_proxies);
    let mut key = RateKey::Addr(client);
    if write {
        // The token is checked now (its answer kept for the handler): only a valid token has
        // a budget of its own.
        let checked = authenticate_headers(request.headers(), &state).await;
        if let Ok(Some(token)) = &checked {
            key = RateKey::Token(token.id.clone());
        }
        request.extensions_mut().insert(Authenticated(checked));
    }
    match limiter.check(&key) {
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
    use governor::clock::FakeRelativeClock;

    fn key(s: &str) -> RateKey {
        RateKey::Token(s.to_owned())
    }

    #[test]
    fn bursts_then_refuses_then_recovers() {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(10.0, 3, clock.clone()).unwrap();
        assert!(limiter.check(&key("a")).is_ok());
        assert!(limiter.check(&key("a")).is_ok());
        assert!(limiter.check(&key("a")).is_ok());
        let wait = limiter.check(&key("a")).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        // Another key has its own budget.
        assert!(limiter.check(&key("b")).is_ok());
        // After the interval one more is allowed.
        clock.advance(Duration::from_millis(100));
        assert!(limiter.check(&key("a")).is_ok());
        assert!(limiter.check(&key("a")).is_err());
    }

    #[test]
    fn idle_keys_are_forgotten() {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(10.0, 3, clock.clone()).unwrap();
        for i in 0..100 {
            assert!(limiter.check(&key(&i.to_string())).is_ok());
        }
        assert_eq!(limiter.len(), 100);
        clock.advance(Duration::from_secs(1));
        limiter.forget_idle();
        assert!(limiter.is_empty());
    }

    #[test]
    fn zero_means_unlimited() {
        assert!(RateLimiter::new(0.0, 10).is_none());
    }

    #[test]
    fn the_client_behind_trusted_proxies_is_the_last_untrusted_hop() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.7, 10.0.0.2".parse().unwrap(),
        );
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        // The client cannot choose its address by sending the header itself: only the hop the
        // trusted proxies added counts.
        assert_eq!(
            client_address(proxy, &headers, &trusted),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        // A peer that is not a trusted proxy is the client, whatever it sends.
        let stranger: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(client_address(stranger, &headers, &trusted), stranger);
        // No header: the proxy itself.
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
    }
}
