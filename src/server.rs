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
        let header_timeout = state.config.request_timeout();
        let app = api::app(state);
        let filling = tokio::spawn(fill_missing_docs(store.clone()));
        tokio::task::spawn_blocking(crate::normalize::warm_up);
        serve(listener, app, shutdown, header_timeout).await;
        filling.abort();
        store.close().await;
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

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and waits for
/// the connections' requests in flight. A client that has not sent its request head within
/// `header_timeout` is disconnected (hyper's slow-client guard, which needs a timer that
/// `axum::serve` does not set); slow bodies and handlers meet the timeout middleware.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    header_timeout: Duration,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        // More than the service reads, so that a request over its limit is answered with a
        // problem document by the middleware rather than a bare 431 from hyper.
        .max_headers(api::HYPER_MAX_HEADERS);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
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
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

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
