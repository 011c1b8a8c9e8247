//! The service foundation: health, the problem-document error model, middleware.

mod common;

use axum::routing::{get, post};
use axum::Router;
use common::{assert_problem, spawn_app, spawn_app_with};
use newsdesk::api::extract::JsonBody;
use newsdesk::api::AppState;

common::backends!(healthz_answers_with_version);
async fn healthz_answers_with_version() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    app.stop().await;
}

common::backends!(readyz_checks_the_database);
async fn readyz_checks_the_database() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");

    // With the database closed, readiness fails with a problem document.
    app.state.store.close().await;
    let response = app.get("/readyz").await;
    let problem = assert_problem(response, 503).await;
    assert_eq!(problem["type"], "/problems/unavailable");
    assert!(!problem["detail"].as_str().unwrap().contains("pool"));
}

common::backends!(unknown_route_is_a_404_problem);
async fn unknown_route_is_a_404_problem() {
    let app = spawn_app().await;
    let problem = assert_problem(app.get("/nope").await, 404).await;
    assert_eq!(problem["type"], "/problems/not-found");
    assert!(problem["detail"].as_str().unwrap().contains("/nope"));
    app.stop().await;
}

common::backends!(wrong_method_is_a_405_problem_with_allow);
async fn wrong_method_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    let response = app.client.delete(app.url("/healthz")).send().await.unwrap();
    let allow = response.headers().get("allow").cloned();
    let problem = assert_problem(response, 405).await;
    assert_eq!(allow.unwrap(), "GET,HEAD");
    assert!(problem["detail"].as_str().unwrap().contains("GET,HEAD"));
    app.stop().await;
}

common::backends!(request_id_is_propagated_from_the_client);
async fn request_id_is_propagated_from_the_client() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/nope"))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let problem = assert_problem(response, 404).await;
    assert_eq!(problem["request_id"], "trace-me-123");
    app.stop().await;
}

async fn panics() -> &'static str {
    panic!("secret internal panic text")
}

#[derive(serde::Deserialize)]
struct Payload {
    #[allow(dead_code)]
    count: u32,
}

async fn takes_json(JsonBody(_payload): JsonBody<Payload>) -> &'static str {
    "ok"
}

async fn slow() -> &'static str {
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    "late"
}

fn misbehaving_routes() -> Router<AppState> {
    Router::new()
        .route("/test/panic", get(panics))
        .route("/test/json", post(takes_json))
        .route("/test/slow", get(slow))
}

common::backends!(a_panic_is_a_500_problem_without_its_text_and_the_server_keeps_serving);
async fn a_panic_is_a_500_problem_without_its_text_and_the_server_keeps_serving() {
    let app = spawn_app_with(|_| {}, misbehaving_routes()).await;
    let response = app.get("/test/panic").await;
    let problem = assert_problem(response, 500).await;
    assert_eq!(problem["type"], "/problems/internal");
    assert!(!problem.to_string().contains("secret internal panic text"));
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

common::backends!(axum_rejections_become_problems);
async fn axum_rejections_become_problems() {
    let app = spawn_app_with(|_| {}, misbehaving_routes()).await;
    let url = app.url("/test/json");

    let malformed = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"count\": ")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(malformed, 400).await;
    assert_eq!(problem["type"], "/problems/malformed-body");

    let wrong_type = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"count\": \"three\"}")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(wrong_type, 400).await;
    assert_eq!(problem["type"], "/problems/malformed-body");

    let no_type = app.client.post(&url).body("{}").send().await.unwrap();
    let problem = assert_problem(no_type, 415).await;
    assert_eq!(problem["type"], "/problems/unsupported-media-type");
    app.stop().await;
}

common::backends!(bodies_over_the_limit_are_413_problems);
async fn bodies_over_the_limit_are_413_problems() {
    let app = spawn_app_with(|c| c.body_limit = 1024, misbehaving_routes()).await;
    let body = format!("{{\"count\": 1, \"pad\": \"{}\"}}", "x".repeat(4096));
    let response = app
        .client
        .post(app.url("/test/json"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 413).await;
    assert!(problem["detail"].as_str().unwrap().contains("1024"));
    app.stop().await;
}

common::backends!(slow_handlers_time_out_with_a_problem);
async fn slow_handlers_time_out_with_a_problem() {
    let app = spawn_app_with(|c| c.request_timeout_secs = 1, misbehaving_routes()).await;
    let problem = assert_problem(app.get("/test/slow").await, 408).await;
    assert_eq!(problem["type"], "/problems/request-timeout");
    app.stop().await;
}

common::backends!(problem_types_are_explained);
async fn problem_types_are_explained() {
    let app = spawn_app().await;
    let response = app.get("/problems/unprocessable-article").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], 422);
    assert_problem(app.get("/problems/no-such-thing").await, 404).await;
    app.stop().await;
}

common::backends!(cors_opens_reads_to_any_origin_and_writes_to_configured_ones);
async fn cors_opens_reads_to_any_origin_and_writes_to_configured_ones() {
    let app = spawn_app_with(
        |c| c.cors_write_origins = vec!["https://editor.example".into()],
        Router::new(),
    )
    .await;
    let read = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://reader.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.headers()["access-control-allow-origin"],
        "https://reader.example"
    );
    // A browser script may read the headers a client acts on, the replay marker included.
    let exposed = read.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "etag",
        "link",
        "location",
        "retry-after",
        "idempotent-replayed",
    ] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }

    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/healthz"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let allowed = preflight("https://editor.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://editor.example"
    );
    let refused = preflight("https://reader.example").await.unwrap();
    assert!(!refused
        .headers()
        .contains_key("access-control-allow-origin"));
    app.stop().await;
}

common::backends!(openapi_document_lists_the_routes);
async fn openapi_document_lists_the_routes() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/healthz", "/readyz", "/problems/{kind}"] {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
    app.stop().await;
}

common::backends!(writes_and_reads_are_rate_limited_with_retry_after);
async fn writes_and_reads_are_rate_limited_with_retry_after() {
    let app = spawn_app_with(
        |c| {
            c.write_rate = 0.5;
            c.write_burst = 2;
            c.read_rate = 0.5;
            c.read_burst = 3;
        },
        Router::new(),
    )
    .await;
    let token = app.editor().await;
    for _ in 0..2 {
        // Refused as empty, but counted against the write budget.
        let response = app.ingest_text(&token, "").await;
        assert_eq!(response.status(), 422);
    }
    let limited = app.ingest_text(&token, "").await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let problem = assert_problem(limited, 429).await;
    assert_eq!(problem["type"], "/problems/too-many-requests");
    // Another token has its own write budget.
    let other = app.editor().await;
    assert_eq!(app.ingest_text(&other, "").await.status(), 422);

    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
    assert_problem(app.get("/healthz").await, 429).await;
    app.stop().await;
}

common::backends!(metrics_count_requests_per_route);
async fn metrics_count_requests_per_route() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/problems/not-found").await.status(), 200);
    assert_eq!(app.get("/problems/nope").await.status(), 404);
    // Metrics need a token (a reader's is enough).
    assert_problem(app.get("/metrics").await, 401).await;
    let reader = app.token(newsdesk::store::tokens::Role::Reader).await;
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    assert!(text.contains(
        "newsdesk_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
    ));
    assert!(text.contains(
        "newsdesk_http_requests_total{method=\"GET\",route=\"/problems/{kind}\",status=\"404\"} 1"
    ));
    assert!(text.contains(
        "newsdesk_http_request_duration_seconds_count{method=\"GET\",route=\"/problems/{kind}\"} 2"
    ));
    // Invented methods share one series: no client can add label values.
    for method in ["QQ123", "QQ124"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let _ = app
            .client
            .request(method, app.url("/healthz"))
            .send()
            .await
            .unwrap();
    }
    let text = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("QQ12"), "{text}");
    assert!(
        text.contains("newsdesk_http_requests_total{method=\"other\","),
        "{text}"
    );
    assert!(text.contains("newsdesk_ingested_articles_total{outcome=\"created\"} 0"));
    // SQLite writes through one connection; PostgreSQL has one pool for everything.
    let pool = match common::backend() {
        common::Backend::Sqlite => "newsdesk_db_pool_connections{pool=\"write\",state=\"open\"} 1",
        common::Backend::Postgres => {
            "newsdesk_db_pool_connections{pool=\"postgres\",state=\"open\"}"
        }
    };
    assert!(text.contains(pool), "{text}");
    app.stop().await;
}

common::backends!(a_client_that_never_finishes_its_request_head_is_disconnected);
async fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|c| c.request_timeout_secs = 1, Router::new()).await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The head never ends; the server hangs up after the timeout instead of waiting forever.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut rest),
    )
    .await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    // And the server still serves others.
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

common::backends!(every_json_api_operation_names_query_parameters_it_does_not_take);
async fn every_json_api_operation_names_query_parameters_it_does_not_take() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let doc: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let accepted: Vec<&str> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            // Any identifier will do: the query is read before the resource is looked up.
            let concrete = path
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        "01ARZ3NDEKTSV4RRFFQ69G5FAV"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let response = app
                .client
                .request(method.clone(), app.url(&format!("{concrete}?colour=blue")))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let problem = assert_problem(response, 400).await;
            assert_eq!(
                problem["type"], "/problems/unknown-parameter",
                "{method} {path}"
            );
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains("`colour`"), "{method} {path}: {detail}");
            assert!(detail.contains(&format!("{method} {path}")), "{detail}");
            for name in &accepted {
                assert!(
                    detail.contains(name),
                    "{method} {path}: {name} not in {detail}"
                );
            }
            if accepted.is_empty() {
                assert!(detail.contains("no query parameters"), "{detail}");
            }
            // And the 400 is in the document.
            assert!(
                operation["responses"].get("400").is_some(),
                "{method} {path}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} operations under /v1");
    // Pages and documents outside the JSON API take what they take.
    for path in [
        "/healthz?x=1",
        "/openapi.json?x=1",
        "/desk?x=1",
        "/?x=1",
        "/docs?x=1",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    app.stop().await;
}

common::backends!(json_bodies_with_unknown_fields_are_named_with_the_fields_taken);
async fn json_bodies_with_unknown_fields_are_named_with_the_fields_taken() {
    let app = spawn_app().await;
    let token = app.editor().await;
    // A field `takes_json`'s body type does not have, on a route outside the document too.
    let app2 = spawn_app_with(|_| {}, misbehaving_routes()).await;
    let response = app2
        .client
        .post(app2.url("/test/json"))
        .json(&serde_json::json!({"count": 1, "cuont": 2}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400).await;
    assert_eq!(problem["type"], "/problems/malformed-body");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("`cuont`") && detail.contains("takes: count."),
        "{detail}"
    );
    app2.stop().await;

    let created: serde_json::Value = app
        .ingest_text(&token, common::FIXTURE)
        .await
        .json()
        .await
        .unwrap();
    let article = format!("/v1/articles/{}", created["id"].as_str().unwrap());
    let entity: serde_json::Value = app
        .client
        .post(app.url("/v1/entities"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "Harbour Board", "type": "organization"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entity = format!("/v1/entities/{}", entity["id"].as_str().unwrap());
    let tag = format!(
        "/v1/tags/{}",
        created["tags"][0]["slug"]
            .as_str()
            .expect("the fixture has tags")
    );
    for (path, allowed) in [
        (
            article.as_str(),
            &["title", "summary", "blocks", "status", "add_tags"][..],
        ),
        (
            entity.as_str(),
            &["name", "type", "aliases", "add_aliases"][..],
        ),
        (tag.as_str(), &["name"][..]),
        // The body is read before the webhook is looked up.
        (
            "/v1/webhooks/01ARZ3NDEKTSV4RRFFQ69G5FAV",
            &["url", "events", "description", "enabled"][..],
        ),
    ] {
        let response = app
            .client
            .patch(app.url(path))
            .bearer_auth(&token)
            .json(&serde_json::json!({"headline": "x"}))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 400).await;
        assert_eq!(problem["type"], "/problems/malformed-body", "{path}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("unknown field `headline`"),
            "{path}: {detail}"
        );
        assert!(
            !detail.contains("Failed to deserialize"),
            "{path}: {detail}"
        );
        for field in allowed {
            assert!(detail.contains(field), "{path}: {field} not in {detail}");
        }
    }
    // Other faults are still named as before.
    let response = app
        .client
        .patch(app.url(&article))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": 7}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("title"),
        "{problem}"
    );
    app.stop().await;
}

/// `newsdesk ARGS --database-url URL`: (success, stdout, stderr).
fn newsdesk(args: &[&str], database_url: &str) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(args)
        .args(["--database-url", database_url])
        .env_remove("DATABASE_URL")
        .output()
        .expect("run newsdesk");
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

common::backends!(tokens_are_listed_without_secrets_and_revoked_by_name);
async fn tokens_are_listed_without_secrets_and_revoked_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, _database) = match common::backend() {
        common::Backend::Sqlite => (
            format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
            None,
        ),
        common::Backend::Postgres => {
            let database = common::PgTestDatabase::create().await;
            (database.url.clone(), Some(database))
        }
    };
    let create = |name: &str, role: &str| {
        let (ok, secret, stderr) = newsdesk(
            &["token", "create", "--name", name, "--role", role],
            &database_url,
        );
        assert!(ok, "{stderr}");
        secret.trim().to_owned()
    };
    let (ok, listed, _) = newsdesk(&["token", "list"], &database_url);
    assert!(ok);
    assert_eq!(listed.lines().count(), 1, "only the header: {listed}");
    let desk = create("desk", "editor");
    let wire = create("wire feed", "reader");
    let twin_a = create("twin", "admin");
    let twin_b = create("twin", "editor");

    let (ok, listed, stderr) = newsdesk(&["token", "list"], &database_url);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 5, "{listed}");
    assert!(lines[0].starts_with("ID") && lines[0].contains("NAME  ") && lines[0].contains("ROLE"));
    assert!(lines[0].contains("CREATED"), "{listed}");
    assert!(
        lines[1].contains("desk") && lines[1].contains("editor"),
        "{listed}"
    );
    assert!(
        lines[2].contains("wire feed") && lines[2].contains("reader"),
        "{listed}"
    );
    for secret in [&desk, &wire, &twin_a, &twin_b] {
        assert!(secret.starts_with("nd_"), "{secret}");
        assert!(!listed.contains(secret.as_str()), "a secret is listed");
        assert!(
            !listed.contains(&secret[3..13]),
            "part of a secret is listed"
        );
    }
    // The creation time is an RFC 3339 timestamp.
    assert!(
        lines[1]
            .split_whitespace()
            .any(|w| w.ends_with('Z') && w.contains('T') && w.contains(':')),
        "{listed}"
    );

    // By name: the one live token so named.
    let (ok, _, stderr) = newsdesk(&["token", "revoke", "--name", "wire feed"], &database_url);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("revoked token"), "{stderr}");
    let (_, listed, _) = newsdesk(&["token", "list"], &database_url);
    assert!(!listed.contains("wire feed"), "{listed}");
    let (_, all, _) = newsdesk(&["token", "list", "--all"], &database_url);
    let line = all
        .lines()
        .find(|l| l.contains("wire feed"))
        .expect("listed with --all");
    assert!(all.lines().next().unwrap().contains("REVOKED"), "{all}");
    assert_eq!(
        // Timestamps, not the id (a ULID may end in Z too).
        line.split_whitespace()
            .filter(|w| w.ends_with('Z') && w.contains(':'))
            .count(),
        2,
        "{line}"
    );
    // Revoked means refused; the others still work.
    let store = newsdesk::store::Store::open(&newsdesk::store::StoreOptions::new(&database_url))
        .await
        .unwrap();
    let hash = newsdesk::store::tokens::hash_token;
    assert_eq!(store.find_token(&hash(&wire)).await.unwrap(), None);
    assert!(store.find_token(&hash(&desk)).await.unwrap().is_some());
    store.close().await;
    // Twice by name: nothing live is so named any more.
    let (ok, _, stderr) = newsdesk(&["token", "revoke", "--name", "wire feed"], &database_url);
    assert!(!ok);
    assert!(
        stderr.contains("no live token named `wire feed`"),
        "{stderr}"
    );
    // Two live tokens share a name: refused, naming their ids, and both stay live.
    let (ok, _, stderr) = newsdesk(&["token", "revoke", "--name", "twin"], &database_url);
    assert!(!ok);
    assert!(
        stderr.contains("2 live tokens are named `twin`"),
        "{stderr}"
    );
    let (_, listed, _) = newsdesk(&["token", "list"], &database_url);
    assert_eq!(listed.matches("twin").count(), 2, "{listed}");
    // By id, as before.
    let id = listed
        .lines()
        .find(|l| l.contains("twin"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let (ok, _, stderr) = newsdesk(&["token", "revoke", &id], &database_url);
    assert!(ok, "{stderr}");
    let (_, listed, _) = newsdesk(&["token", "list"], &database_url);
    assert_eq!(listed.matches("twin").count(), 1, "{listed}");
    // Neither an id nor a name: a usage error.
    let (ok, _, _) = newsdesk(&["token", "revoke"], &database_url);
    assert!(!ok);
}

common::backends!(a_tokens_last_use_is_recorded_and_listed);
async fn a_tokens_last_use_is_recorded_and_listed() {
    let app = common::spawn_app().await;
    let token = app.editor().await;
    let listed = app.state.store.list_tokens(false).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, None, "not used yet");

    let before = newsdesk::store::time::now_timestamp();
    let response = app
        .client
        .get(app.url("/v1/articles?status=draft"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    // Written off the request's path: wait for it.
    let mut last_used = None;
    for _ in 0..100 {
        last_used = app.state.store.list_tokens(false).await.unwrap()[0]
            .last_used_at
            .clone();
        if last_used.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let last_used = last_used.expect("the use is recorded");
    assert!(last_used >= before, "{last_used} < {before}");

    // A bad token records nothing for anyone; a second use within the minute is not written again.
    let response = app
        .client
        .get(app.url("/v1/articles"))
        .bearer_auth("nd_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    app.client
        .get(app.url("/v1/articles?status=draft"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let listed = app.state.store.list_tokens(false).await.unwrap();
    assert_eq!(listed[0].last_used_at.as_deref(), Some(last_used.as_str()));
    app.stop().await;
}
