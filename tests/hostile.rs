//! Hostile input: no single request may crash, stall or bloat the server. Each test is one thing
//! an attacker (or a broken crawler) was seen to do, and fails without the guard it checks.

mod common;

use std::time::Duration;

use axum::Router;
use common::{assert_problem, spawn_app, spawn_app_with, FIXTURE};
use newsdesk::store::tokens::Role;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `/healthz` and a plain list still answer, promptly.
async fn still_serving(app: &common::TestApp) {
    let started = std::time::Instant::now();
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/v1/articles?limit=5").await.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the server took {:?} to answer",
        started.elapsed()
    );
}

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!(
        "<html><body><article><h1>A page nested very deep</h1>{}<p>The old bridge over the river \
         reopened on Thursday after eight months of repairs, the city said.</p>{}</article>\
         </body></html>",
        open.repeat(depth),
        close.repeat(depth)
    )
}

common::backends!(deeply_nested_pages_are_answered_and_the_server_keeps_serving);
async fn deeply_nested_pages_are_answered_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    // 30,000 nested spans overflowed the extractor's stack and aborted the process; the
    // formatting-element pattern nests ever deeper in the parser's tree.
    let pages = [
        nested("<span>", "</span>", 30_000),
        nested("<div>", "</div>", 100_000),
        "<b><div>x</b>".repeat(60_000),
    ];
    for page in &pages {
        let answer = app
            .client
            .post(app.url("/v1/ingest?dry_run=true"))
            .bearer_auth(&editor)
            .header("content-type", "text/html; charset=utf-8")
            .body(page.clone())
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        assert!(matches!(status, 200 | 422), "status {status}");
        if status == 422 {
            assert_problem(answer, 422).await;
        }
        still_serving(&app).await;
    }
    // The same pages inside a JSON envelope and as batch lines.
    let envelope = app
        .ingest_json(&editor, &json!({"html": pages[0]}))
        .await
        .status()
        .as_u16();
    assert!(matches!(envelope, 201 | 422), "status {envelope}");
    let lines = format!(
        "{}\n{}\n",
        json!({"html": pages[1]}),
        json!({"html": pages[2]})
    );
    let batch = app
        .client
        .post(app.url("/v1/ingest/batch"))
        .bearer_auth(&editor)
        .header("content-type", "application/x-ndjson")
        .body(lines)
        .send()
        .await
        .unwrap();
    assert_eq!(batch.status(), 200);
    let answered = batch.text().await.unwrap();
    assert_eq!(answered.lines().count(), 2, "{answered}");
    still_serving(&app).await;
    app.stop().await;
}

common::backends!(search_expressions_are_bounded);
async fn search_expressions_are_bounded() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    assert_eq!(app.ingest_text(&editor, FIXTURE).await.status(), 201);
    // 160 one-letter prefixes held a read connection for 13.5 s; a one-letter prefix is now
    // the word as written, and repeats count once.
    let many = vec!["a*"; 160].join(" ");
    let answered = app
        .client
        .get(app.url("/v1/articles"))
        .query(&[("q", many.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    // Five distinct two-letter prefixes: the fifth is the word as written.
    let prefixes = app
        .client
        .get(app.url("/v1/articles"))
        .query(&[("q", "पुत* किम* रूस* अमे* तेह*")])
        .send()
        .await
        .unwrap();
    assert_eq!(prefixes.status(), 200);
    let words: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
    let problem = assert_problem(
        app.client
            .get(app.url("/v1/articles"))
            .query(&[("q", words.join(" "))])
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("`q`"));
    // Repeats count once: the same prefix 80 times is one term.
    let repeated = vec!["पुति*"; 80].join(" ");
    let hits: Value = app
        .client
        .get(app.url("/v1/articles"))
        .query(&[("q", repeated.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hits["data"].as_array().map(Vec::len), Some(1), "{hits}");
    app.stop().await;
}

common::backends!(a_batch_whose_sender_never_reads_is_stopped_not_buffered);
async fn a_batch_whose_sender_never_reads_is_stopped_not_buffered() {
    let app = spawn_app_with(|c| c.request_timeout_secs = 2, Router::new()).await;
    let editor = app.editor().await;
    // 2 M lines of `{}` (6 MB) each get an error line back. A sender that never reads them
    // used to grow the server's memory by hundreds of megabytes; now the server stops reading
    // the upload once its bounded buffer of answers is full, and ends the batch when they stay
    // unread.
    let body = "{}\n".repeat(2_000_000);
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /v1/ingest/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {editor}\r\n\
         Content-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let sent =
        tokio::time::timeout(Duration::from_secs(20), stream.write_all(body.as_bytes())).await;
    assert!(
        !matches!(sent, Ok(Ok(()))),
        "the whole upload was read although its answers were never read"
    );
    drop(stream);
    still_serving(&app).await;
    app.stop().await;
}

common::backends!(drafts_do_not_leak_through_tags_and_entities);
async fn drafts_do_not_leak_through_tags_and_entities() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let reader = app.token(Role::Reader).await;
    let draft = json!({
        "text": "Zorbulon merger talks stall\nExecutives of Zorbulon Industries met Quintessa Varga \
                 in Geneva on Monday, and the talks about the merger stalled again after a long day.",
        "tags": ["Secret Merger"],
    });
    let stored = app
        .client
        .post(app.url("/v1/ingest?status=draft"))
        .bearer_auth(&editor)
        .json(&draft)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
    let stored: Value = stored.json().await.unwrap();
    let entity = stored["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"].as_str().unwrap_or("").contains("Varga"))
        .cloned()
        .expect("the draft names Quintessa Varga");
    let entity_slug = entity["slug"].as_str().unwrap().to_owned();

    let as_anyone = |path: String| {
        let request = app.client.get(app.url(&path));
        async move { request.send().await.unwrap() }
    };
    let as_reader = |path: String| {
        let request = app.client.get(app.url(&path)).bearer_auth(&reader);
        async move { request.send().await.unwrap() }
    };
    let count = |v: &Value| v["data"].as_array().unwrap().len();
    // Anonymous callers learn nothing of the draft.
    let tags: Value = as_anyone("/v1/tags?q=secret".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count(&tags), 0, "{tags}");
    assert_problem(as_anyone("/v1/tags/secret-merger".into()).await, 404).await;
    assert_problem(
        as_anyone("/v1/tags/secret-merger/articles".into()).await,
        404,
    )
    .await;
    let entities: Value = as_anyone("/v1/entities?q=quintessa".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count(&entities), 0, "{entities}");
    assert_problem(as_anyone(format!("/v1/entities/{entity_slug}")).await, 404).await;
    // A token holder (a reader is enough) sees them, and the draft itself.
    let tags: Value = as_reader("/v1/tags?q=secret".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count(&tags), 1, "{tags}");
    assert_eq!(
        as_reader("/v1/tags/secret-merger".into()).await.status(),
        200
    );
    let entities: Value = as_reader("/v1/entities?q=quintessa".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count(&entities), 1, "{entities}");
    let id = stored["id"].as_str().unwrap();
    assert_eq!(as_reader(format!("/v1/articles/{id}")).await.status(), 200);
    assert_problem(as_anyone(format!("/v1/articles/{id}")).await, 404).await;
    // Published, everyone sees them.
    let published = app
        .client
        .patch(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    let tags: Value = as_anyone("/v1/tags?q=secret".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count(&tags), 1, "{tags}");
    assert_eq!(
        as_anyone(format!("/v1/entities/{entity_slug}"))
            .await
            .status(),
        200
    );
    // A tag an editor made, on no article yet, is public.
    let made = app
        .client
        .post(app.url("/v1/tags"))
        .bearer_auth(&editor)
        .json(&json!({"name": "Elections 2029"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    assert_eq!(
        as_anyone("/v1/tags/elections-2029".into()).await.status(),
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn a_silent_connection_is_closed_and_connections_are_capped() {
    let app = spawn_app_with(
        |c| {
            c.idle_timeout_secs = 1;
            c.max_connections = 1;
        },
        Router::new(),
    )
    .await;
    // A client that connects and says nothing held its connection forever.
    let mut silent = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    // While it holds the only slot, another connection is not served...
    let waiting = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
        .get(app.url("/healthz"))
        .send()
        .await;
    assert!(
        waiting.is_err(),
        "a second connection was served over the cap"
    );
    // ...until the idle timeout closes the silent one.
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), silent.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the silent connection stayed open");
    let fresh = reqwest::Client::new();
    assert_eq!(
        fresh
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn a_batch_upload_that_trickles_meets_its_deadline() {
    let app = spawn_app_with(|c| c.batch_timeout_secs = 2, Router::new()).await;
    let editor = app.editor().await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /v1/ingest/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {editor}\r\n\
         Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // A byte every 300 ms: never idle for long, but never done.
    let trickle = async {
        loop {
            if stream.write_all(b"1\r\n \r\n").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        stream
    };
    let mut stream = match tokio::time::timeout(Duration::from_secs(8), trickle).await {
        Ok(stream) => stream,
        Err(_) => panic!("the server kept reading a trickling upload past its deadline"),
    };
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.contains("\"status\":408"), "{answer}");
    still_serving(&app).await;
    app.stop().await;
}

common::backends!(invented_tokens_spend_their_address_budget);
async fn invented_tokens_spend_their_address_budget() {
    let app = spawn_app_with(
        |c| {
            c.write_rate = 0.5;
            c.write_burst = 2;
        },
        Router::new(),
    )
    .await;
    // Each invented token used to get a budget of its own: never limited.
    for (i, expected) in [(0, 401), (1, 401), (2, 429)] {
        let answer = app
            .client
            .post(app.url("/v1/ingest"))
            .bearer_auth(format!("nd_invented_{i}"))
            .header("content-type", "text/plain")
            .body("x")
            .send()
            .await
            .unwrap();
        assert_problem(answer, expected).await;
    }
    // A real token has its own budget.
    let editor = app.editor().await;
    let answer = app
        .client
        .post(app.url("/v1/ingest?dry_run=true"))
        .bearer_auth(&editor)
        .header("content-type", "text/plain; charset=utf-8")
        .body(FIXTURE)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_have_budgets_of_their_own() {
    let get = |app: &common::TestApp, client: &'static str| {
        let request = app
            .client
            .get(app.url("/healthz"))
            .header("x-forwarded-for", client);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let trusting = spawn_app_with(
        |c| {
            c.read_rate = 0.1;
            c.read_burst = 1;
            c.trusted_proxies = vec![newsdesk::config::parse_network("127.0.0.1").unwrap()];
        },
        Router::new(),
    )
    .await;
    assert_eq!(get(&trusting, "198.51.100.1").await, 200);
    assert_eq!(get(&trusting, "198.51.100.1").await, 429);
    assert_eq!(get(&trusting, "198.51.100.2").await, 200);
    trusting.stop().await;
    // Without the setting, the header is the client's to invent: the peer is what counts.
    let plain = spawn_app_with(
        |c| {
            c.read_rate = 0.1;
            c.read_burst = 1;
        },
        Router::new(),
    )
    .await;
    assert_eq!(get(&plain, "198.51.100.1").await, 200);
    assert_eq!(get(&plain, "198.51.100.2").await, 429);
    plain.stop().await;
}

common::backends!(compressed_bodies_are_decoded_within_the_limit);
async fn compressed_bodies_are_decoded_within_the_limit() {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let gzip = |bytes: &[u8]| {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let app = spawn_app().await;
    let editor = app.editor().await;
    let post = |body: Vec<u8>, encoding: &'static str| {
        let request = app
            .client
            .post(app.url("/v1/ingest?dry_run=true"))
            .bearer_auth(&editor)
            .header("content-type", "text/plain; charset=utf-8")
            .header("content-encoding", encoding)
            .body(body);
        async move { request.send().await.unwrap() }
    };
    // A gzip body was refused as "not valid UTF-8".
    let answer = post(gzip(FIXTURE.as_bytes()), "gzip").await;
    assert_eq!(answer.status(), 200);
    let article: Value = answer.json().await.unwrap();
    assert!(article["title"].as_str().unwrap().contains("पुतिन"));
    // 40 MB of zeros in 40 KB: decoding stops at the body limit.
    let bomb = gzip(&vec![b'a'; 40 * 1024 * 1024]);
    assert!(bomb.len() < 200 * 1024);
    assert_problem(post(bomb, "gzip").await, 413).await;
    assert_problem(post(FIXTURE.as_bytes().to_vec(), "zstd-nope").await, 415).await;
    app.stop().await;
}

common::backends!(every_answer_says_nosniff);
async fn every_answer_says_nosniff() {
    let app = spawn_app().await;
    for path in ["/healthz", "/v1/articles", "/nope", "/openapi.json"] {
        let answer = app.get(path).await;
        assert_eq!(
            answer.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
    app.stop().await;
}

common::backends!(an_article_s_own_image_blocks_can_be_sent_back);
async fn an_article_s_own_image_blocks_can_be_sent_back() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let text = "Harbour crane returns\n\
                The old harbour crane came back to the quay on Monday after a year of repairs.\n\
                ![The crane on its barge](//cdn.example.com/barge.jpg)\n\
                It was lifted onto its old rails by two floating cranes hired from Rotterdam.\n\
                ![The crane on the quay](//cdn.example.com/crane.jpg)\n\
                Workers will paint it in the city's colours before the summer festival begins.";
    let stored: Value = app.ingest_text(&editor, text).await.json().await.unwrap();
    let id = stored["id"].as_str().unwrap();
    let blocks = stored["blocks"].clone();
    assert!(
        blocks.to_string().contains("//cdn.example.com/crane.jpg"),
        "{blocks}"
    );
    // PATCH refused the URL ingest had accepted.
    let patched = app
        .client
        .patch(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"blocks": blocks}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    // Script URLs stay refused.
    let hostile = json!({"blocks": [
        {"type": "paragraph", "text": "Text."},
        {"type": "image", "url": "javascript:alert(1)"}
    ]});
    let refused = app
        .client
        .patch(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&hostile)
        .send()
        .await
        .unwrap();
    assert_problem(refused, 400).await;
    app.stop().await;
}

common::backends!(saved_answers_expire_and_are_swept);
async fn saved_answers_expire_and_are_swept() {
    use newsdesk::store::idempotency::SavedResponse;
    use time::OffsetDateTime;
    let app = spawn_app().await;
    let store = &app.state.store;
    let long_ago = OffsetDateTime::now_utc() - time::Duration::days(30);
    let saved = SavedResponse {
        request_hash: "h".into(),
        status: 201,
        body: "{}".into(),
        location: Some("/v1/articles/x".into()),
    };
    store
        .save_response("tok", "key-1", &saved, long_ago)
        .await
        .unwrap();
    assert!(store
        .saved_response("tok", "key-1", long_ago)
        .await
        .unwrap()
        .is_some());
    // Once older than its time to live, it is not replayed, even before a sweep...
    let later = OffsetDateTime::now_utc() + time::Duration::hours(1);
    assert!(store
        .saved_response("tok", "key-1", later)
        .await
        .unwrap()
        .is_none());
    // ...a new answer may take its key...
    let newer = SavedResponse {
        request_hash: "h2".into(),
        ..saved.clone()
    };
    store
        .save_response("tok", "key-1", &newer, later)
        .await
        .unwrap();
    let kept = store
        .saved_response("tok", "key-1", long_ago)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.request_hash, "h2");
    // ...and the sweep removes it.
    assert_eq!(
        store
            .sweep_saved_responses(OffsetDateTime::now_utc() + time::Duration::days(1))
            .await
            .unwrap(),
        1
    );
    app.stop().await;
}

common::backends!(a_deleted_article_can_be_purged_for_good);
async fn a_deleted_article_can_be_purged_for_good() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let admin = app.token(Role::Admin).await;
    let stored = app
        .client
        .post(app.url("/v1/ingest"))
        .bearer_auth(&editor)
        .header("content-type", "text/plain; charset=utf-8")
        .header("idempotency-key", "purge-1")
        .body(FIXTURE)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
    let stored: Value = stored.json().await.unwrap();
    let id = stored["id"].as_str().unwrap().to_owned();
    let delete = |token: String, query: &'static str| {
        let request = app
            .client
            .delete(app.url(&format!("/v1/articles/{id}{query}")))
            .bearer_auth(token);
        async move { request.send().await.unwrap() }
    };
    assert_eq!(delete(editor.clone(), "").await.status(), 204);
    // Deleted, it still held its text, search row gone but saved answers kept.
    assert_problem(delete(editor.clone(), "?purge=true").await, 403).await;
    assert_eq!(delete(admin.clone(), "?purge=true").await.status(), 204);
    assert_problem(delete(admin.clone(), "?purge=true").await, 404).await;
    // The saved answer went with it: the same key and body store the article anew.
    let again = app
        .client
        .post(app.url("/v1/ingest"))
        .bearer_auth(&editor)
        .header("content-type", "text/plain; charset=utf-8")
        .header("idempotency-key", "purge-1")
        .body(FIXTURE)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    assert!(again.headers().get("idempotent-replayed").is_none());
    let again: Value = again.json().await.unwrap();
    assert_ne!(again["id"], stored["id"]);
    // A live article purged goes from reads at once.
    let again_id = again["id"].as_str().unwrap();
    let purged = app
        .client
        .delete(app.url(&format!("/v1/articles/{again_id}?purge=true")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(purged.status(), 204);
    assert_problem(app.get(&format!("/v1/articles/{again_id}")).await, 404).await;
    let hits = app.get_json("/v1/articles?q=पुतिन").await;
    assert_eq!(hits["data"].as_array().unwrap().len(), 0, "{hits}");
    app.stop().await;
}

#[tokio::test]
async fn a_backup_is_a_working_copy_and_a_migration_keeps_one_first() {
    let mut app = spawn_app().await;
    let editor = app.editor().await;
    assert_eq!(app.ingest_text(&editor, FIXTURE).await.status(), 201);
    // The folder outlives the server.
    let dir = std::mem::replace(&mut app.dir, tempfile::tempdir().unwrap());
    let copy = dir.path().join("copy.db");
    app.state.store.backup(&copy).await.unwrap();
    // Not over an existing file.
    assert!(app.state.store.backup(&copy).await.is_err());
    let path = dir.path().join("newsdesk.db");
    app.stop().await;
    let reopened = newsdesk::store::Store::open(&newsdesk::store::StoreOptions::new(format!(
        "sqlite://{}",
        copy.display()
    )))
    .await
    .unwrap();
    let listed = reopened
        .integrity_check()
        .await
        .expect("integrity check on the copy");
    assert_eq!(listed, "ok");
    reopened.close().await;

    // A database one migration behind is copied before it is migrated.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let latest: i64 = conn
            .query_row("SELECT max(version) FROM _sqlx_migrations", [], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute("DELETE FROM _sqlx_migrations WHERE version = ?", [latest])
            .unwrap();
        // Undo the latest migration's schema change, so applying it again works.
        conn.execute_batch(match latest {
            7 => include_str!("../bench/undo_0007.sql"),
            9 => include_str!("../bench/undo_0009.sql"),
            10 => include_str!("../bench/undo_0010.sql"),
            11 => include_str!("../bench/undo_0011.sql"),
            12 => include_str!("../bench/undo_0012.sql"),
            _ => "DROP TABLE IF EXISTS article_entity_exclusions",
        })
        .unwrap();
    }
    let store = newsdesk::store::Store::open(&newsdesk::store::StoreOptions::new(format!(
        "sqlite://{}",
        path.display()
    )))
    .await
    .unwrap();
    store.close().await;
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("newsdesk.db.before-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
}
