//! The work every app server does beside answering requests, on its own task, so it never
//! blocks or slows a write: it publishes scheduled articles whose time has come, fans the
//! outbox's events out to the webhooks that want them, and delivers them; every hour it deletes
//! finished deliveries and events older than the retention (`NEWSDESK_WEBHOOK_RETENTION_DAYS`).
//!
//! Each step is a claim in the database that one server wins (see the store's `publish_due`,
//! `dispatch_events` and `claim_deliveries`), so any number of servers may run it side by side,
//! and a server that stops (even killed) leaves nothing undone: what it had claimed but not
//! finished is claimed again once its lease runs out.
//!
//! Deliveries follow the Standard Webhooks specification: headers `webhook-id` (the same on
//! every attempt), `webhook-timestamp` and `webhook-signature` (`v1,` and the base64 HMAC-SHA256
//! of `id.timestamp.body` under the decoded `whsec_` secret). A target must resolve to public
//! addresses only (checked again at each attempt, and the connection made to the address
//! checked); redirects are not followed; answers are read up to a small cap.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

use crate::api::AppState;
use crate::config::DistributionConfig;
use crate::store::time::format_timestamp;
use crate::store::webhooks::{AttemptOutcome, DueDelivery};
use crate::store::Store;

/// Scheduled articles published, events fanned out, per claim.
const BATCH: u32 = 100;
/// Bytes of a receiver's answer read (the rest is dropped with the connection).
const ANSWER_CAP: usize = 64 * 1024;
/// Longest wait between two attempts of one delivery.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// How often the outbox is pruned.
const PRUNE_INTERVAL: Duration = Duration::from_secs(3600);
/// Rows deleted per statement when pruning (short writes; the next batch follows at once).
const PRUNE_BATCH: u32 = 500;

/// Runs the dispatcher until the task is aborted.
pub async fn run(state: AppState) {
    let config = state.config.distribution.clone();
    let in_flight = Arc::new(Semaphore::new(config.webhook_concurrency as usize));
    let interval = Duration::from_millis(config.dispatch_interval_ms);
    let mut pruned_at: Option<std::time::Instant> = None;
    loop {
        if let Err(err) = tick(&state.store, &config, &in_flight).await {
            tracing::warn!(error = %err, "dispatcher step failed; trying again shortly");
        }
        if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_INTERVAL) {
            pruned_at = Some(std::time::Instant::now());
            if let Err(err) = prune(&state.store, &config, OffsetDateTime::now_utc()).await {
                tracing::warn!(error = %err, "pruning the webhook outbox failed; trying again later");
            }
        }
        tokio::time::sleep(interval).await;
    }
}

/// Deletes the finished deliveries and the fanned-out events older than the retention, as of
/// `now`; answers how many of each.
pub async fn prune(
    store: &Store,
    config: &DistributionConfig,
    now: OffsetDateTime,
) -> Result<(u64, u64), crate::store::StoreError> {
    let cutoff =
        format_timestamp(now - time::Duration::days(i64::from(config.webhook_retention_days)));
    let (mut deliveries, mut events) = (0, 0);
    loop {
        let (d, e) = store.prune_outbox(&cutoff, PRUNE_BATCH).await?;
        deliveries += d;
        events += e;
        if d < u64::from(PRUNE_BATCH) && e < u64::from(PRUNE_BATCH) {
            break;
        }
    }
    if deliveries + events > 0 {
        tracing::info!(deliveries, events, "pruned the webhook outbox");
    }
    Ok((deliveries, events))
}

/// One round: publish what is due, fan out new events, start the deliveries that are due (as
/// many as there are free places in flight).
pub async fn tick(
    store: &Store,
    config: &DistributionConfig,
    in_flight: &Arc<Semaphore>,
) -> Result<(), crate::store::StoreError> {
    let now = OffsetDateTime::now_utc();
    let stamp = format_timestamp(now);
    loop {
        let published = store.publish_due(&stamp, BATCH).await?;
        if !published.is_empty() {
            tracing::info!(articles = published.len(), "scheduled articles published");
        }
        if published.len() < BATCH as usize {
            break;
        }
    }
    while store.dispatch_events(&stamp, BATCH).await? == BATCH as usize {}

    let free = in_flight.available_permits();
    if free == 0 {
        return Ok(());
    }
    let timeout = Duration::from_secs(config.webhook_timeout_secs);
    // Long enough for the attempt and its bookkeeping; a server that dies holding it leaves the
    // delivery to another after this.
    let lease = format_timestamp(now + timeout * 3 + Duration::from_secs(30));
    let due = store
        .claim_deliveries(&stamp, &lease, u32::try_from(free).unwrap_or(u32::MAX))
        .await?;
    for delivery in due {
        // Free places were counted before the claim; should they have gone meanwhile, this
        // waits for one rather than leave a claimed delivery unattempted until its lease ends.
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            break;
        };
        let store = store.clone();
        let config = config.clone();
        tokio::spawn(async move {
            let outcome = attempt(&delivery, &config).await;
            if let Err(err) = store.finish_attempt(&delivery, &outcome).await {
                tracing::warn!(error = %err, delivery = %delivery.id, "cannot record a delivery attempt");
            }
            drop(permit);
        });
    }
    Ok(())
}

/// Sends one delivery once and says what came of it.
async fn attempt(delivery: &DueDelivery, config: &DistributionConfig) -> AttemptOutcome {
    let (status_code, error) = match send(delivery, config).await {
        Ok(code) if (200..300).contains(&code) => {
            return AttemptOutcome::Delivered {
                status_code: i64::from(code),
            }
        }
        Ok(code) => (Some(i64::from(code)), format!("answered HTTP {code}")),
        Err(err) => (None, err),
    };
    let now = OffsetDateTime::now_utc();
    let delay = backoff(
        delivery.attempts + 1,
        Duration::from_millis(config.webhook_retry_base_ms),
    );
    let created = OffsetDateTime::parse(
        &delivery.created_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap_or(now);
    let give_up_at = created + Duration::from_secs(config.webhook_retry_period_secs);
    if now + delay > give_up_at {
        let reason = format!(
            "deliveries failed for {} s ({} attempts); the last attempt {error}",
            config.webhook_retry_period_secs,
            delivery.attempts + 1
        );
        tracing::warn!(webhook = %delivery.webhook_id, %reason, "webhook turned off");
        return AttemptOutcome::GiveUp {
            status_code,
            error,
            reason,
        };
    }
    AttemptOutcome::Retry {
        status_code,
        error,
        next_attempt_at: format_timestamp(now + delay),
    }
}

/// The wait before attempt `attempts + 1`: `base` doubled per attempt made, at most
/// [`MAX_BACKOFF`], times a random factor between 0.8 and 1.2 so endpoints that failed together
/// are not all tried again at once.
pub fn backoff(attempts: i64, base: Duration) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let plain = base.saturating_mul(1u32 << doublings).min(MAX_BACKOFF);
    let jitter = 0.8 + rand::random::<f64>() * 0.4;
    plain.mul_f64(jitter)
}

/// Posts the delivery to its webhook; answers the HTTP status, or what went wrong.
async fn send(delivery: &DueDelivery, config: &DistributionConfig) -> Result<u16, String> {
    let url = url::Url::parse(&delivery.url).map_err(|e| format!("has a bad URL: {e}"))?;
    let addrs = check_target(&url, config).await?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let timeout = Duration::from_secs(config.webhook_timeout_secs);
    // The connection goes to the addresses just checked, whatever DNS says a moment later.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .resolve_to_addrs(&host, &addrs)
        .user_agent(concat!("newsdesk-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("could not be prepared: {e}"))?;
    let timestamp = OffsetDateTime::now_utc().unix_timestamp().to_string();
    let signature = sign(
        &delivery.secret,
        &delivery.id,
        &timestamp,
        &delivery.payload,
    )
    .ok_or_else(|| "could not be signed: the secret is not whsec_ base64".to_owned())?;
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.id)
        .header("webhook-timestamp", &timestamp)
        .header("webhook-signature", signature)
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|e| format!("failed: {}", without_url(&e)))?;
    let status = response.status().as_u16();
    // Read a little of the answer (receivers may expect it read), never all of a large one.
    let mut response = response;
    let mut read = 0usize;
    while read < ANSWER_CAP {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            _ => break,
        }
    }
    Ok(status)
}

/// A reqwest error's message without the URL (which may carry a token in its query).
fn without_url(err: &reqwest::Error) -> String {
    let mut message = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    if let Some(source) = std::error::Error::source(err) {
        message.push_str(&format!(" ({source})"));
    }
    message
}

/// The Standard Webhooks signature of a delivery: `v1,` and the base64 HMAC-SHA256 of
/// `id.timestamp.body` under the secret's decoded bytes.
pub fn sign(secret: &str, id: &str, timestamp: &str, body: &str) -> Option<String> {
    let key = BASE64.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Some(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// A new webhook secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", BASE64.encode(bytes))
}

/// Checks a webhook target: http(s), a host, and every address it resolves to public (unless
/// the host is allowed by configuration). Answers the addresses to connect to, or why not.
pub async fn check_target(
    url: &url::Url,
    config: &DistributionConfig,
) -> Result<Vec<SocketAddr>, String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| "must name a host".to_owned())?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| "must name a port".to_owned())?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::time::timeout(
            Duration::from_secs(5),
            tokio::net::lookup_host((bare, port)),
        )
        .await
        .map_err(|_| format!("host `{host}` did not resolve in time"))?
        .map_err(|_| format!("host `{host}` does not resolve"))?
        .collect(),
    };
    if addrs.is_empty() {
        return Err(format!("host `{host}` does not resolve"));
    }
    if !config.webhook_host_allowed(bare) {
        if let Some(internal) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(format!(
                "host `{host}` resolves to the internal address {}; only public addresses are \
                 allowed (see NEWSDESK_WEBHOOK_ALLOW_HOSTS)",
                internal.ip()
            ));
        }
    }
    Ok(addrs)
}

/// Whether an address is on the public internet: not loopback, private, link-local, shared,
/// multicast, documentation, benchmarking, reserved or unspecified (IPv4 inside IPv6 judged as
/// IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
                || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240) // reserved
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [.., hi, lo] = segments;
                let v4 = std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
                return is_public(IpAddr::V4(v4));
            }
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (segments[0] & 0xfe00) == 0xfc00 // unique local
                || (segments[0] & 0xffc0) == 0xfe80 // link-local
                || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
                || segments[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "::",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let timestamp = "1614265330";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, timestamp, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn backoff_doubles_within_jitter_and_stops_growing() {
        let base = Duration::from_secs(30);
        let first = backoff(1, base);
        assert!(first >= Duration::from_secs(24) && first <= Duration::from_secs(36));
        let fourth = backoff(4, base);
        assert!(fourth >= Duration::from_secs(192) && fourth <= Duration::from_secs(288));
        assert!(backoff(40, base) <= MAX_BACKOFF.mul_f64(1.2));
    }
}
