//! Test harness: the real application on a random port with a fresh temporary database,
//! talked to over HTTP, on either backend.
//!
//! Each API test is written once and runs on both: `common::backends!(name)` above
//! `async fn name()` makes the tests `name::sqlite` and `name::postgres`. The PostgreSQL ones
//! run when `NEWSDESK_TEST_POSTGRES_URL` names a server (a database there to connect to, such
//! as `postgres://postgres@127.0.0.1:5432/test`); each creates a database of its own and drops
//! it afterwards. Without the variable they say that they were skipped, and pass.
#![allow(dead_code)]

use std::net::SocketAddr;

use axum::Router;
use newsdesk::api::{self, AppState};
use newsdesk::config::ServeConfig;
use newsdesk::server::open_store;
use tokio::sync::oneshot;

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    static BACKEND: Backend;
}

/// The backend of the test running on this task (SQLite outside [`run_on`]).
pub fn backend() -> Backend {
    BACKEND.try_with(|b| *b).unwrap_or(Backend::Sqlite)
}

/// The PostgreSQL server the tests may use, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("NEWSDESK_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Runs a test body with `backend` as the backend of every app it starts; on PostgreSQL only
/// when a server is configured, else it says so and passes.
pub async fn run_on(backend: Backend, test: &str, body: impl std::future::Future<Output = ()>) {
    if backend == Backend::Postgres && postgres_url().is_none() {
        eprintln!("SKIPPED {test} on PostgreSQL: NEWSDESK_TEST_POSTGRES_URL is not set");
        return;
    }
    BACKEND.scope(backend, body).await
}

/// `backends!(name)` (or `backends!(name, flavor = "multi_thread")`, the arguments of
/// `#[tokio::test]`) above `async fn name()`: the tests `name::sqlite` and `name::postgres`.
#[allow(unused_macros)]
macro_rules! backends {
    ($name:ident $(, $($args:tt)*)?) => {
        mod $name {
            #[tokio::test$(($($args)*))?]
            async fn sqlite() {
                $crate::common::run_on(
                    $crate::common::Backend::Sqlite,
                    concat!(module_path!(), "::sqlite"),
                    super::$name(),
                )
                .await
            }

            #[tokio::test$(($($args)*))?]
            async fn postgres() {
                $crate::common::run_on(
                    $crate::common::Backend::Postgres,
                    concat!(module_path!(), "::postgres"),
                    super::$name(),
                )
                .await
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use backends;

/// A PostgreSQL database of one test, dropped with it.
pub struct PgTestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgTestDatabase {
    /// Creates an empty database on the configured server.
    pub async fn create() -> PgTestDatabase {
        use sqlx::Connection;
        let admin_url = postgres_url().expect("NEWSDESK_TEST_POSTGRES_URL");
        let name = format!(
            "newsdesk_test_{}",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to NEWSDESK_TEST_POSTGRES_URL");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        let _ = admin.close().await;
        let mut url = url::Url::parse(&admin_url).expect("NEWSDESK_TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{name}"));
        PgTestDatabase {
            admin_url,
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgTestDatabase {
    fn drop(&mut self) {
        // On a thread of its own: this may run inside the test's runtime.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                use sqlx::Connection;
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    /// The PostgreSQL database, on that backend (dropped after the app).
    pub database: Option<std::sync::Arc<PgTestDatabase>>,
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

/// A configuration on a SQLite file in `dir`.
pub fn test_config(dir: &tempfile::TempDir) -> ServeConfig {
    let path = dir.path().join("newsdesk.db");
    ServeConfig::for_database(format!("sqlite://{}?mode=rwc", path.display()))
}

/// A fresh database on the test's backend: a SQLite file in `dir`, or a new PostgreSQL
/// database.
pub async fn fresh_database(
    dir: &tempfile::TempDir,
) -> (ServeConfig, Option<std::sync::Arc<PgTestDatabase>>) {
    match backend() {
        Backend::Sqlite => (test_config(dir), None),
        Backend::Postgres => {
            let database = PgTestDatabase::create().await;
            let config = ServeConfig::for_database(database.url.clone());
            (config, Some(std::sync::Arc::new(database)))
        }
    }
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
    let (mut config, database) = fresh_database(&dir).await;
    configure(&mut config);
    spawn_on(config, dir, database, extra).await
}

/// Starts the app on a database that exists already (a second server on the same one).
pub async fn spawn_on(
    config: ServeConfig,
    dir: tempfile::TempDir,
    database: Option<std::sync::Arc<PgTestDatabase>>,
    extra: Router<AppState>,
) -> TestApp {
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
        database,
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

    /// Every page of a list, walked by its `next` links, as ids.
    pub async fn walk(&self, path: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(path) = next {
            let page = self.get_json(&path).await;
            ids.extend(
                page["data"]
                    .as_array()
                    .expect("a list")
                    .iter()
                    .map(|a| a["id"].as_str().expect("an id").to_owned()),
            );
            next = page["next"].as_str().map(str::to_owned);
            assert!(ids.len() <= 200, "the cursor did not move on: {path}");
        }
        ids
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

// Webhooks: a receiver, an app allowed to reach it, and the dispatcher driven by hand.

/// One dispatcher round on the app's store.
pub async fn dispatch_once(app: &TestApp) {
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(
        app.state.config.distribution.webhook_concurrency as usize,
    ));
    newsdesk::dispatch::tick(&app.state.store, &app.state.config.distribution, &in_flight)
        .await
        .expect("dispatch");
}

/// An app whose webhooks may reach 127.0.0.1, retrying at once.
pub async fn webhook_app() -> TestApp {
    spawn_app_with(
        |config| {
            config.distribution.webhook_allow_hosts = vec!["127.0.0.1".into()];
            config.distribution.webhook_retry_base_ms = 1;
        },
        axum::Router::new(),
    )
    .await
}

/// Runs dispatcher rounds until `done` holds (or ten seconds pass).
pub async fn dispatch_until(app: &TestApp, mut done: impl FnMut() -> bool) {
    for _ in 0..100 {
        dispatch_once(app).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if done() {
            // Let the last attempt's bookkeeping land.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            return;
        }
    }
    panic!("the dispatcher did not get there in time");
}

/// A webhook receiver on 127.0.0.1: records every request and answers the statuses of its
/// script in turn (then 200).
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>,
}

impl Receiver {
    pub async fn start(script: Vec<u16>) -> Receiver {
        use axum::extract::State;
        type Shared = (
            std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>,
            std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<u16>>>,
        );
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let script = std::sync::Arc::new(std::sync::Mutex::new(script.into_iter().collect()));
        let app = axum::Router::new()
            .route(
                "/hook",
                axum::routing::post(
                    |State((seen, script)): State<Shared>,
                     headers: axum::http::HeaderMap,
                     body: String| async move {
                        seen.lock().unwrap().push((headers, body));
                        let status = script.lock().unwrap().pop_front().unwrap_or(200);
                        axum::http::StatusCode::from_u16(status).unwrap()
                    },
                ),
            )
            .with_state((seen.clone(), script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/hook"),
            seen,
        }
    }

    pub fn requests(&self) -> Vec<(axum::http::HeaderMap, String)> {
        self.seen.lock().unwrap().clone()
    }
}
