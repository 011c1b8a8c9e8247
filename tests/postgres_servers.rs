//! Two app servers on one PostgreSQL database: nothing one of them keeps goes stale when the
//! other writes. Runs when `NEWSDESK_TEST_POSTGRES_URL` is set (see `common`), else says it was
//! skipped.

mod common;

use common::{PgTestDatabase, TestApp};
use newsdesk::config::ServeConfig;
use serde_json::{json, Value};

/// Servers A and B on one new database.
async fn two_servers() -> Option<(TestApp, TestApp)> {
    if common::postgres_url().is_none() {
        eprintln!("SKIPPED: two servers on PostgreSQL need NEWSDESK_TEST_POSTGRES_URL");
        return None;
    }
    let database = std::sync::Arc::new(PgTestDatabase::create().await);
    let a = common::spawn_on(
        ServeConfig::for_database(database.url.clone()),
        tempfile::tempdir().unwrap(),
        Some(database.clone()),
        axum::Router::new(),
    )
    .await;
    let b = common::spawn_on(
        ServeConfig::for_database(database.url.clone()),
        tempfile::tempdir().unwrap(),
        Some(database),
        axum::Router::new(),
    )
    .await;
    Some((a, b))
}

fn article(n: usize, word: &str, tag: &str) -> Value {
    json!({
        "text": format!(
            "Harbour board {word} plan number {n}\n\
             The harbour board of Kochi approved the {word} plan number {n} on Monday after a long \
             debate about the docks, the ferries and the old warehouses on the waterfront.\n\
             Members said the {word} plan would be published before the monsoon session."
        ),
        "tags": [tag],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_server_is_read_through_the_other_at_once() {
    let Some((a, b)) = two_servers().await else {
        return;
    };
    let token = a.editor().await;
    // B's caches hold the answers before the write.
    let first = a.ingest_json(&token, &article(1, "ferry", "Docks")).await;
    assert_eq!(first.status(), 201);
    let paths = [
        "/v1/articles?limit=10",
        "/v1/articles?q=zanzibar",
        "/v1/articles?tag=docks",
        "/v1/tags",
        "/v1/entities?limit=50",
    ];
    let mut before = Vec::new();
    for path in paths {
        before.push(b.get_json(path).await);
        // Asked twice, so the second answer comes from B's cache.
        assert_eq!(
            b.get_json(path).await,
            before.last().cloned().unwrap(),
            "{path}"
        );
    }

    let second = a
        .ingest_json(&token, &article(2, "zanzibar", "Docks"))
        .await;
    assert_eq!(second.status(), 201);
    let created: Value = second.json().await.unwrap();
    let id = created["id"].as_str().unwrap();

    // Article, list, search, tag and entities, through B, at once.
    let read: Value = b.get_json(&format!("/v1/articles/{id}")).await;
    assert_eq!(read["id"], id);
    let list = b.get_json("/v1/articles?limit=10").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2, "{list}");
    let search = b.get_json("/v1/articles?q=zanzibar").await;
    assert_eq!(search["data"][0]["id"], id, "{search}");
    let tagged = b.get_json("/v1/articles?tag=docks").await;
    assert_eq!(tagged["data"].as_array().unwrap().len(), 2, "{tagged}");
    let tags = b.get_json("/v1/tags").await;
    assert_eq!(tags["data"][0]["article_count"], 2, "{tags}");
    // Every entity the first article named is named by both now.
    let entities = b.get_json("/v1/entities?limit=50").await;
    let named_before = before[4]["data"].as_array().unwrap();
    assert!(!named_before.is_empty(), "the check needs entities");
    for entity in named_before {
        let now = entities["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == entity["id"])
            .unwrap_or_else(|| panic!("{entity} is gone from {entities}"));
        assert_eq!(now["article_count"], 2, "{now}");
    }

    // A tag renamed through A shows through B's cached article at once.
    let renamed = a
        .client
        .patch(a.url("/v1/tags/docks"))
        .bearer_auth(&token)
        .json(&json!({"name": "Docklands"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    let read: Value = b.get_json(&format!("/v1/articles/{id}")).await;
    assert_eq!(read["tags"][0]["name"], "Docklands", "{read}");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_text_through_both_servers_at_once_is_one_article() {
    let Some((a, b)) = two_servers().await else {
        return;
    };
    let token = a.editor().await;
    for n in 0..8 {
        let body = article(100 + n, "quay", "Quays");
        let (ra, rb) = tokio::join!(a.ingest_json(&token, &body), b.ingest_json(&token, &body));
        let (sa, sb) = (ra.status().as_u16(), rb.status().as_u16());
        let (ja, jb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
        let mut statuses = [sa, sb];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201], "round {n}: {ja} {jb}");
        assert_eq!(ja["id"], jb["id"], "round {n}");
        assert_ne!(ja["duplicate"], jb["duplicate"], "round {n}");
    }
    let list = a.get_json("/v1/articles?limit=100").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 8, "{list}");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_through_one_server_changes_the_etag_the_other_answers() {
    let Some((a, b)) = two_servers().await else {
        return;
    };
    let token = a.editor().await;
    let created: Value = a
        .ingest_json(&token, &article(7, "pier", "Piers"))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let path = format!("/v1/articles/{id}");
    let first = b.get(&path).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    // Cached on B: the same ETag answers 304.
    let again = b
        .client
        .get(b.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let patched = a
        .client
        .patch(a.url(&path))
        .bearer_auth(&token)
        .json(&json!({"title": "Harbour board approves the pier plan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let after = b
        .client
        .get(b.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200, "B answered the old ETag");
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    let body: Value = after.json().await.unwrap();
    assert_eq!(body["title"], "Harbour board approves the pier plan");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_moves_a_sqlite_database_whole_and_refuses_a_full_destination() {
    if common::postgres_url().is_none() {
        eprintln!("SKIPPED: copy to PostgreSQL needs NEWSDESK_TEST_POSTGRES_URL");
        return;
    }
    use newsdesk::store::{copy::copy, Store, StoreOptions};
    // A SQLite database with articles, entities, tags, a token and a saved answer.
    let lite = common::spawn_app().await;
    let token = lite.editor().await;
    let hindi: Value = lite
        .client
        .post(lite.url("/v1/ingest"))
        .bearer_auth(&token)
        .header("idempotency-key", "copy-1")
        .header("content-type", "text/plain; charset=utf-8")
        .body(common::FIXTURE)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for n in 0..5 {
        let response = lite
            .ingest_json(&token, &article(n, "harbour", "Copies"))
            .await;
        assert_eq!(response.status(), 201);
    }
    let id = hindi["id"].as_str().unwrap().to_owned();
    let etag = lite.get(&format!("/v1/articles/{id}")).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let sqlite_url = format!(
        "sqlite://{}?mode=rwc",
        lite.dir.path().join("newsdesk.db").display()
    );

    let database = std::sync::Arc::new(PgTestDatabase::create().await);
    let from = Store::open(&StoreOptions::new(&sqlite_url)).await.unwrap();
    let to = Store::open(&StoreOptions::new(&database.url))
        .await
        .unwrap();
    let report = copy(&from, &to).await.unwrap();
    let rows = |table: &str| report.iter().find(|(t, _)| *t == table).unwrap().1;
    assert_eq!(rows("articles"), 6);
    assert_eq!(rows("api_tokens"), 1);
    assert_eq!(rows("idempotency_keys"), 1);
    assert!(rows("entities") > 0 && rows("entity_aliases") > 0 && rows("tags") > 0);
    // A second copy into the same database is refused, and changes nothing.
    assert!(copy(&from, &to).await.is_err());
    from.close().await;
    to.close().await;
    lite.stop().await;

    // Served from PostgreSQL: the same article, ETag, search, token and saved answer.
    let pg = common::spawn_on(
        ServeConfig::for_database(database.url.clone()),
        tempfile::tempdir().unwrap(),
        Some(database),
        axum::Router::new(),
    )
    .await;
    let read = pg.get(&format!("/v1/articles/{id}")).await;
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["etag"].to_str().unwrap(), etag);
    let search = pg
        .get_json("/v1/articles?q=%E0%A4%AA%E0%A5%81%E0%A4%A4%E0%A4%BF%E0%A4%A8")
        .await;
    assert_eq!(search["data"][0]["id"], id.as_str(), "{search}");
    let tagged = pg.get_json("/v1/articles?tag=copies").await;
    assert_eq!(tagged["data"].as_array().unwrap().len(), 5);
    let replay = pg
        .client
        .post(pg.url("/v1/ingest"))
        .bearer_auth(&token)
        .header("idempotency-key", "copy-1")
        .header("content-type", "text/plain; charset=utf-8")
        .body(common::FIXTURE)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 201, "the saved answer replays");
    let replayed: Value = replay.json().await.unwrap();
    assert_eq!(replayed["id"], id.as_str());
    // New articles continue after the copied ones.
    let more = pg
        .ingest_json(&token, &article(50, "harbour", "Copies"))
        .await;
    assert_eq!(more.status(), 201);
    pg.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_the_database_dropped_are_replaced() {
    use sqlx::Connection;
    let Some((a, b)) = two_servers().await else {
        return;
    };
    let token = a.editor().await;
    let stored = a.ingest_json(&token, &article(1, "ferry", "Docks")).await;
    assert_eq!(stored.status(), 201);
    let id = stored.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Every connection of the database ends, as when PostgreSQL restarts.
    let database = a.database.clone().unwrap();
    let mut admin = sqlx::PgConnection::connect(&database.url).await.unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(!ended.is_empty() && ended.iter().all(|e| *e));
    admin.close().await.unwrap();
    // A connection idle that long is checked before use, so no request meets a dead one.
    tokio::time::sleep(
        newsdesk::store::postgres::IDLE_BEFORE_PING + std::time::Duration::from_millis(300),
    )
    .await;
    // Gathered first and asserted after the servers stop, so a failure does not leave them running.
    let mut answers = Vec::new();
    for path in [
        format!("/v1/articles/{id}?fields=id"),
        "/v1/articles?limit=5".to_owned(),
        "/v1/tags".to_owned(),
        "/readyz".to_owned(),
    ] {
        answers.push((a.get(&path).await.status().as_u16(), path));
    }
    a.stop().await;
    b.stop().await;
    for (status, path) in answers {
        assert_eq!(status, 200, "{path}");
    }
}
