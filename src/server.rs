//! Opening the store and serving the API until SIGINT or SIGTERM, then draining in-flight
//! requests and closing the database.

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;

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
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens (and migrates) the database a configuration names.
pub async fn open_store(config: &ServeConfig) -> Result<Store, StoreError> {
    let mut options = StoreOptions::new(&config.database.database_url);
    options.read_connections = config.database.read_connections;
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
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let Server { listener, state } = self;
        let store = state.store.clone();
        let app = api::app(state);
        let result = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        store.close().await;
        result.map_err(ServeError::from)
    }
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
