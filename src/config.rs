//! Server configuration: every setting is a flag and an environment variable.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Settings of `newsdesk serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "NEWSDESK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Log format (level comes from RUST_LOG).
    #[arg(long, env = "NEWSDESK_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Largest accepted request body (bytes; suffixes KiB, MiB accepted).
    #[arg(long, env = "NEWSDESK_BODY_LIMIT", default_value = "2MiB", value_parser = parse_size)]
    pub body_limit: usize,

    /// Largest HTML page accepted by `POST /v1/ingest` (`text/html`, `application/xhtml+xml`, or a
    /// JSON envelope with `html`); text bodies stay held to `--body-limit`.
    #[arg(long, env = "NEWSDESK_HTML_BODY_LIMIT", default_value = "10MiB", value_parser = parse_size)]
    pub html_body_limit: usize,

    /// Largest NDJSON batch body accepted by `POST /v1/ingest/batch` (each line is still held to
    /// `--body-limit`).
    #[arg(long, env = "NEWSDESK_BATCH_BODY_LIMIT", default_value = "64MiB", value_parser = parse_size)]
    pub batch_body_limit: usize,

    /// Articles of a batch stored per transaction (and normalized together while the previous
    /// ones are stored). Larger chunks store faster and hold more memory at once.
    #[arg(long, env = "NEWSDESK_BATCH_CHUNK", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub batch_chunk: u32,

    /// Writes allowed per second per token (or per client address without one); 0 turns the
    /// limit off.
    #[arg(long, env = "NEWSDESK_WRITE_RATE", default_value_t = 20.0)]
    pub write_rate: f64,

    /// Writes allowed in a burst above the rate.
    #[arg(long, env = "NEWSDESK_WRITE_BURST", default_value_t = 100)]
    pub write_burst: u32,

    /// Reads allowed per second per client address; 0 turns the limit off.
    #[arg(long, env = "NEWSDESK_READ_RATE", default_value_t = 500.0)]
    pub read_rate: f64,

    /// Reads allowed in a burst above the rate.
    #[arg(long, env = "NEWSDESK_READ_BURST", default_value_t = 5000)]
    pub read_burst: u32,

    /// Longest time a request may take, in seconds.
    #[arg(long, env = "NEWSDESK_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Origins allowed to make cross-origin writes (comma-separated). Reads are open to any origin.
    #[arg(long, env = "NEWSDESK_CORS_WRITE_ORIGINS", value_delimiter = ',')]
    pub cors_write_origins: Vec<String>,

    /// An admin token to accept (bootstraps access, e.g. in docker-compose). At least 16 characters.
    #[arg(long, env = "NEWSDESK_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Articles normalized at once, each on a thread of its own off the workers that serve
    /// requests (0: one per CPU core). Further ingests wait for a free one.
    #[arg(long, env = "NEWSDESK_NORMALIZE_WORKERS", default_value_t = 0)]
    pub normalize_workers: usize,

    /// Longest one article (a page, a text) may take to normalize, in seconds; past it the
    /// ingest answers 422. Also how long an ingest waits for a free normalizer before a 503.
    #[arg(long, env = "NEWSDESK_NORMALIZE_TIMEOUT", default_value_t = 10)]
    pub normalize_timeout_secs: u64,

    /// Most client connections open at once; further ones wait to be accepted.
    #[arg(long, env = "NEWSDESK_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// A connection that sends nothing for this many seconds (no request started, or an idle
    /// keep-alive) is closed.
    #[arg(long, env = "NEWSDESK_IDLE_TIMEOUT", default_value_t = 60)]
    pub idle_timeout_secs: u64,

    /// Longest an NDJSON batch upload may take to arrive, in seconds (its answer streams while it
    /// arrives; a body that stalls for `--request-timeout-secs` ends sooner).
    #[arg(long, env = "NEWSDESK_BATCH_TIMEOUT", default_value_t = 600)]
    pub batch_timeout_secs: u64,

    /// Proxies whose `X-Forwarded-For` names the client (comma-separated addresses or CIDR
    /// ranges, e.g. `10.0.0.0/8,127.0.0.1`). Rate limits key on that client, not the proxy.
    #[arg(long, env = "NEWSDESK_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Hours a write's answer is kept for replay under its `Idempotency-Key`.
    #[arg(long, env = "NEWSDESK_IDEMPOTENCY_TTL_HOURS", default_value_t = 24)]
    pub idempotency_ttl_hours: u64,

    /// Boxed: the settings are many, and `serve` is one variant of the command line's enum.
    #[command(flatten)]
    pub distribution: Box<DistributionConfig>,
}

/// Scheduled publishing, feeds and webhooks.
#[derive(Debug, Clone, Args)]
pub struct DistributionConfig {
    /// How far ahead `published_at` may lie, in days: an article dated later is refused (422)
    /// unless ingested or edited with `status=scheduled`; one dated sooner is scheduled.
    #[arg(long, env = "NEWSDESK_SCHEDULE_HORIZON_DAYS", default_value_t = 365)]
    pub schedule_horizon_days: u32,

    /// How often each app server looks for scheduled articles that are due, outbox events to
    /// fan out and webhook deliveries to attempt, in milliseconds.
    #[arg(long, env = "NEWSDESK_DISPATCH_INTERVAL_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub dispatch_interval_ms: u64,

    /// The API's public address (e.g. `https://news.example.com`), for the absolute links in
    /// feeds; without it, the request's `Host` with `http://`.
    #[arg(long, env = "NEWSDESK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Articles in a feed when the request does not say (`limit`, at most 100).
    #[arg(long, env = "NEWSDESK_FEED_LENGTH", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub feed_length: u32,

    /// Webhook hosts allowed although they resolve to internal addresses (comma-separated host
    /// names or addresses, e.g. `127.0.0.1` in tests).
    #[arg(long, env = "NEWSDESK_WEBHOOK_ALLOW_HOSTS", value_delimiter = ',')]
    pub webhook_allow_hosts: Vec<String>,

    /// Wait before the second attempt of a failed delivery, in milliseconds; each further wait
    /// doubles (with jitter), up to six hours.
    #[arg(long, env = "NEWSDESK_WEBHOOK_RETRY_BASE_MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_retry_base_ms: u64,

    /// How long a delivery is retried, in seconds; past it the delivery fails and its webhook is
    /// turned off, saying why.
    #[arg(
        long,
        env = "NEWSDESK_WEBHOOK_RETRY_PERIOD_SECS",
        default_value_t = 86_400
    )]
    pub webhook_retry_period_secs: u64,

    /// Longest one delivery attempt may take (connect, send, answer), in seconds.
    #[arg(long, env = "NEWSDESK_WEBHOOK_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub webhook_timeout_secs: u64,

    /// How long finished webhook deliveries (delivered, or failed for good) and the events they
    /// carried are kept, in days; the dispatcher deletes older ones every hour.
    #[arg(long, env = "NEWSDESK_WEBHOOK_RETENTION_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub webhook_retention_days: u32,

    /// Deliveries one app server has in flight at once.
    #[arg(long, env = "NEWSDESK_WEBHOOK_CONCURRENCY", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub webhook_concurrency: u32,
}

impl Default for DistributionConfig {
    fn default() -> DistributionConfig {
        DistributionConfig {
            schedule_horizon_days: 365,
            dispatch_interval_ms: 1000,
            public_url: None,
            feed_length: 50,
            webhook_allow_hosts: Vec::new(),
            webhook_retry_base_ms: 30_000,
            webhook_retry_period_secs: 86_400,
            webhook_timeout_secs: 10,
            webhook_retention_days: 30,
            webhook_concurrency: 16,
        }
    }
}

impl DistributionConfig {
    /// How far ahead a publication date may lie without `status=scheduled`.
    pub fn schedule_horizon(&self) -> time::Duration {
        time::Duration::days(i64::from(self.schedule_horizon_days))
    }

    /// Whether webhooks to `host` skip the internal-address check.
    pub fn webhook_host_allowed(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.webhook_allow_hosts
            .iter()
            .any(|allowed| allowed.trim().eq_ignore_ascii_case(host))
    }
}

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// The database: `sqlite://FILE?mode=rwc` (created if missing) or
    /// `postgres://USER@HOST:PORT/DATABASE` (shared by several app servers); migrated at start.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://newsdesk.db?mode=rwc"
    )]
    pub database_url: String,

    /// Connections in the read pool (SQLite writes always use one connection); on PostgreSQL,
    /// the pool holds this many and four more.
    #[arg(long, env = "NEWSDESK_READ_CONNECTIONS", default_value_t = 4)]
    pub read_connections: u32,

    /// Relevance search ranks the newest this many stored matches of a query (with other
    /// filters: the newest this many that pass them); 0: rank every match.
    #[arg(long, env = "NEWSDESK_SEARCH_WINDOW", default_value_t = 5000)]
    pub search_window: u32,

    /// Longest a read's statements may run, in milliseconds; a statement still running then is
    /// interrupted (its connection is free again) and the request answers 503.
    #[arg(long, env = "NEWSDESK_STATEMENT_TIMEOUT_MS", default_value_t = 5000)]
    pub statement_timeout_ms: u64,
}

impl ServeConfig {
    /// Defaults for tests and embedding: as the CLI defaults, on the given database, with rate
    /// limits off.
    pub fn for_database(database_url: impl Into<String>) -> ServeConfig {
        ServeConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database: DatabaseConfig {
                database_url: database_url.into(),
                read_connections: 4,
                search_window: 5000,
                statement_timeout_ms: 5000,
            },
            log_format: LogFormat::Text,
            body_limit: 2 * 1024 * 1024,
            html_body_limit: 10 * 1024 * 1024,
            batch_body_limit: 64 * 1024 * 1024,
            batch_chunk: 512,
            request_timeout_secs: 30,
            write_rate: 0.0,
            write_burst: 100,
            read_rate: 0.0,
            read_burst: 1000,
            cors_write_origins: Vec::new(),
            admin_token: None,
            normalize_workers: 0,
            normalize_timeout_secs: 10,
            max_connections: 1024,
            idle_timeout_secs: 60,
            batch_timeout_secs: 600,
            trusted_proxies: Vec::new(),
            idempotency_ttl_hours: 24,
            distribution: Box::default(),
        }
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs.max(1))
    }

    pub fn normalize_timeout(&self) -> Duration {
        Duration::from_secs(self.normalize_timeout_secs.max(1))
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs.max(1))
    }

    pub fn batch_timeout(&self) -> Duration {
        Duration::from_secs(self.batch_timeout_secs.max(1))
    }

    /// How long an `Idempotency-Key`'s answer is kept.
    pub fn idempotency_ttl(&self) -> Duration {
        Duration::from_secs(self.idempotency_ttl_hours.saturating_mul(3600))
    }

    /// Answers saved before this are expired.
    pub fn idempotency_cutoff(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
            .checked_sub(
                time::Duration::try_from(self.idempotency_ttl()).unwrap_or(time::Duration::MAX),
            )
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }

    /// Normalizer threads: as configured, else one per CPU core.
    pub fn normalize_worker_count(&self) -> usize {
        match self.normalize_workers {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        }
    }
}

/// Parses `2097152`, `2MiB`, `512KiB`, `10MB`.
/// An address (`10.0.0.1`) or a network (`10.0.0.0/8`).
pub fn parse_network(value: &str) -> Result<ipnet::IpNet, String> {
    let value = value.trim();
    value
        .parse::<ipnet::IpNet>()
        .or_else(|_| value.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{value}` is not an IP address or CIDR network"))
}

pub fn parse_size(value: &str) -> Result<usize, String> {
    let value = value.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let number: usize = digits
        .parse()
        .map_err(|_| format!("`{value}` is not a size (e.g. 2097152, 512KiB, 2MiB)"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        other => return Err(format!("unknown size unit `{other}`")),
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{value}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("2097152"), Ok(2_097_152));
        assert_eq!(parse_size("2MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("512 KiB"), Ok(512 * 1024));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3 parsecs").is_err());
    }
}
