//! Test harness: the real application on a random port with a fresh temporary database,
//! talked to over HTTP.
#![allow(dead_code)]

use std::net::SocketAddr;

use axum::Router;
use newsdesk::api::{self, AppState};
use newsdesk::config::ServeConfig;
use newsdesk::server::open_store;
use tokio::sync::oneshot;

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// Stops accepting, lets in-flight requests finish and closes the store.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task failed");
        }
        self.state.store.close().await;
    }
}

pub fn test_config(dir: &tempfile::TempDir) -> ServeConfig {
    let path = dir.path().join("newsdesk.db");
    ServeConfig::for_database(format!("sqlite://{}?mode=rwc", path.display()))
}

/// Starts the app with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}, Router::new()).await
}

/// Starts the app with adjusted settings and extra routes under the same middleware.
pub async fn spawn_app_with(
    configure: impl FnOnce(&mut ServeConfig),
    extra: Router<AppState>,
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(&dir);
    configure(&mut config);
    let store = open_store(&config).await.expect("open store");
    let state = AppState::load(config, store).await.expect("load state");
    let app = api::app_with(state.clone(), extra);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = oneshot::channel::<()>();
    let limits = newsdesk::server::ConnectionLimits::from_config(&state.config);
    let server = tokio::spawn(newsdesk::server::serve(
        listener,
        app,
        async {
            let _ = rx.await;
        },
        limits,
    ));
    TestApp {
        addr,
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        state,
        dir,
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// Asserts a response is a problem document with the given status, and returns it.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: serde_json::Value = response.json().await.expect("problem body is JSON");
    for key in ["type", "title", "status", "detail", "request_id"] {
        assert!(body.get(key).is_some(), "problem lacks `{key}`: {body}");
    }
    assert_eq!(body["status"], status);
    assert_eq!(body["request_id"].as_str(), request_id.as_deref());
    body
}

pub const FIXTURE: &str = include_str!("../fixtures/abplive-putin-kim.txt");
pub const FIXTURE_EXPECTED: &str = include_str!("../fixtures/abplive-putin-kim.expected.json");

impl TestApp {
    /// A new token of the given role.
    pub async fn token(&self, role: newsdesk::store::tokens::Role) -> String {
        self.state
            .store
            .create_token("test", role)
            .await
            .expect("create token")
            .1
    }

    pub async fn editor(&self) -> String {
        self.token(newsdesk::store::tokens::Role::Editor).await
    }

    /// Posts raw text to `/v1/ingest` with a token.
    pub async fn ingest_text(&self, token: &str, text: &str) -> reqwest::Response {
        self.client
            .post(self.url("/v1/ingest"))
            .bearer_auth(token)
            .header("content-type", "text/plain; charset=utf-8")
            .body(text.to_owned())
            .send()
            .await
            .expect("ingest")
    }

    /// Posts a JSON envelope to `/v1/ingest` with a token.
    pub async fn ingest_json(
        &self,
        token: &str,
        envelope: &serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .post(self.url("/v1/ingest"))
            .bearer_auth(token)
            .json(envelope)
            .send()
            .await
            .expect("ingest")
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }
}

/// A small, distinct English article.
pub fn english_article(n: usize, tag: &str) -> serde_json::Value {
    serde_json::json!({
        "text": format!(
            "Council approves budget number {n} for the harbour district\n\
             The city council approved spending plan {n} on Tuesday after a long debate about roads, schools and the harbour.\n\
             Members said the plan number {n} would fund new buses, repair the old bridge and hire more teachers for the district schools.\n\
             The mayor welcomed the vote and said work would start in the spring, with a first report due before the summer recess."
        ),
        "url": format!("https://news.example.com/2024/03/{:02}/budget-{n}", (n % 28) + 1),
        "tags": [tag],
    })
}
