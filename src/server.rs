//! Opening the store and serving the API until SIGINT or SIGTERM, then draining in-flight
//! requests and closing the database.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::api::{self, AppState};
use crate::config::ServeConfig;
use crate::idle::IdleTimeout;
use crate::store::{Store, StoreError, StoreOptions};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens (and migrates) the database a configuration names.
pub async fn open_store(config: &ServeConfig) -> Result<Store, StoreError> {
    let mut options = StoreOptions::new(&config.database.database_url);
    options.read_connections = config.database.read_connections;
    options.search_window = config.database.search_window;
    options.statement_timeout = Some(Duration::from_millis(
        config.database.statement_timeout_ms.max(1),
    ));
    Store::open(&options).await
}

/// A bound, ready server: its address is known before it starts serving.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    /// Opens the database, runs migrations and binds the listener.
    pub async fn bind(config: ServeConfig) -> Result<Server, ServeError> {
        let store = open_store(&config).await?;
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| ServeError::Bind {
                addr: config.bind,
                source,
            })?;
        Ok(Server {
            listener,
            state: AppState::load(config, store).await?,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, lets in-flight requests finish, then closes the store.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) {
        let Server { listener, state } = self;
        let store = state.store.clone();
        let limits = ConnectionLimits::from_config(&state.config);
        let sweeping = tokio::spawn(sweep_saved_responses(state.clone()));
        let dispatching = tokio::spawn(crate::dispatch::run(state.clone()));
        let app = api::app(state);
        let filling = tokio::spawn(fill_missing_docs(store.clone()));
        tokio::task::spawn_blocking(crate::normalize::warm_up);
        serve(listener, app, shutdown, limits).await;
        filling.abort();
        sweeping.abort();
        dispatching.abort();
        store.close().await;
    }
}

/// Forgets `Idempotency-Key` answers older than their time to live, at start and then hourly.
async fn sweep_saved_responses(state: AppState) {
    loop {
        match state
            .store
            .sweep_saved_responses(state.config.idempotency_cutoff())
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(forgotten = n, "expired idempotency answers removed"),
            Err(err) => tracing::warn!(error = %err, "cannot remove expired idempotency answers"),
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

/// Renders, in small transactions, the kept documents that articles lack: at start (a database
/// from before they existed) and then every minute (documents a curation change dropped).
async fn fill_missing_docs(store: Store) {
    loop {
        let pause = match store.fill_missing_docs(100).await {
            Ok(0) => Duration::from_secs(60),
            Ok(n) => {
                tracing::debug!(rendered = n, "filled missing article documents");
                // Leave the writer to requests between batches.
                Duration::from_millis(5)
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot fill missing article documents");
                Duration::from_secs(60)
            }
        };
        tokio::time::sleep(pause).await;
    }
}

/// What one server allows its connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A client that has not sent its request head within this is disconnected.
    pub header_timeout: Duration,
    /// A connection with nothing read or written for this long is closed.
    pub idle_timeout: Duration,
    /// Connections open at once; further ones wait in the listen backlog.
    pub max_connections: usize,
    /// After the shutdown signal, how long requests in flight may take before their connections
    /// are dropped.
    pub shutdown_grace: Duration,
}

impl ConnectionLimits {
    pub fn from_config(config: &ServeConfig) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: config.request_timeout(),
            idle_timeout: config.idle_timeout(),
            max_connections: config.max_connections.max(1),
            shutdown_grace: config.request_timeout(),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and waits for
/// the connections' requests in flight (at most `limits.shutdown_grace`). A client that has not
/// sent its request head within the header timeout is disconnected (hyper's slow-client guard,
/// which needs a timer that `axum::serve` does not set), a connection quiet for the idle
/// timeout is closed, and no more than `limits.max_connections` are open at once; slow bodies
/// and handlers meet the timeout middleware.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        // More than the service reads, so that a request over its limit is answered with a
        // problem document by the middleware rather than a bare 431 from hyper.
        .max_headers(api::HYPER_MAX_HEADERS);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.idle_timeout))
        .keep_alive_timeout(limits.header_timeout)
        .max_concurrent_streams(MAX_HTTP2_STREAMS);
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        // A free slot first: at the limit, new connections wait in the kernel's backlog.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request.extensions_mut().insert(ConnectInfo(remote));
                let app = app.clone();
                async move {
                    Ok::<_, Infallible>(
                        app.oneshot(request)
                            .await
                            .unwrap_or_else(|never| match never {}),
                    )
                }
            });
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
        let connection = builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_secs = limits.shutdown_grace.as_secs(),
            "connections still busy after the shutdown grace period; closing them"
        );
    }
}

/// Requests one HTTP/2 connection may have in flight at once.
const MAX_HTTP2_STREAMS: u32 = 64;

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
