//! Distribution: scheduled publishing (and the horizon of dates ahead), feeds, and signed
//! webhooks delivered from the outbox, on both backends.

mod common;

use std::sync::Arc;

use common::{backends, spawn_app, TestApp};
use newsdesk::store::tokens::Role;
use serde_json::{json, Value};
use time::OffsetDateTime;

fn stamp(at: OffsetDateTime) -> String {
    newsdesk::store::time::format_timestamp(at)
}

/// An article dated `published_at`.
fn dated_article(n: usize, published_at: &str) -> Value {
    let mut article = common::english_article(n, "harbour");
    article["published_at"] = json!(published_at);
    article
}

/// One dispatcher round on the app's store.
async fn dispatch_once(app: &TestApp) {
    let in_flight = Arc::new(tokio::sync::Semaphore::new(
        app.state.config.distribution.webhook_concurrency as usize,
    ));
    newsdesk::dispatch::tick(&app.state.store, &app.state.config.distribution, &in_flight)
        .await
        .expect("dispatch");
}

backends!(a_date_ahead_schedules_the_article_until_its_time);
async fn a_date_ahead_schedules_the_article_until_its_time() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let ahead = stamp(OffsetDateTime::now_utc() + time::Duration::hours(3));
    let response = app.ingest_json(&editor, &dated_article(1, &ahead)).await;
    assert_eq!(response.status(), 201);
    let article: Value = response.json().await.unwrap();
    assert_eq!(article["status"], "scheduled");
    let id = article["id"].as_str().unwrap().to_owned();

    // Not public: not readable, listed, searched or counted.
    assert_eq!(app.get(&format!("/v1/articles/{id}")).await.status(), 404);
    let list = app.get_json("/v1/articles").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    let search = app.get_json("/v1/articles?q=harbour").await;
    assert_eq!(search["data"].as_array().unwrap().len(), 0);
    let tags = app.get_json("/v1/tags").await;
    assert!(tags["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["article_count"] == 0));

    // Editors (and readers with a token) see it with its status.
    let reader = app.token(Role::Reader).await;
    let listed: Value = app
        .client
        .get(app.url("/v1/articles?status=scheduled"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert_eq!(listed["data"][0]["status"], "scheduled");
    let anonymous = app.get("/v1/articles?status=scheduled").await;
    common::assert_problem(anonymous, 401).await;

    // Before its time the dispatcher leaves it; once the time has come it is published.
    dispatch_once(&app).await;
    assert_eq!(app.get(&format!("/v1/articles/{id}")).await.status(), 404);
    let later = stamp(OffsetDateTime::now_utc() + time::Duration::hours(4));
    let published = app.state.store.publish_due(&later, 100).await.unwrap();
    assert_eq!(published, vec![id.clone()]);
    let article = app.get_json(&format!("/v1/articles/{id}")).await;
    assert_eq!(article["status"], "published");
    assert_eq!(article["published_at"], ahead.as_str());
    let list = app.get_json("/v1/articles").await;
    assert_eq!(list["data"][0]["id"], id.as_str());
    // Exactly once: nothing is left to publish.
    assert!(app
        .state
        .store
        .publish_due(&later, 100)
        .await
        .unwrap()
        .is_empty());
    app.stop().await;
}

backends!(a_date_beyond_the_horizon_is_refused_unless_scheduled_on_purpose);
async fn a_date_beyond_the_horizon_is_refused_unless_scheduled_on_purpose() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let response = app
        .ingest_json(&editor, &dated_article(1, "9999-01-01T00:00:00Z"))
        .await;
    let problem = common::assert_problem(response, 422).await;
    assert_eq!(problem["type"], "/problems/date-too-far-ahead");
    assert!(
        problem["detail"].as_str().unwrap().contains("9999-01-01"),
        "{problem}"
    );

    // Asked for on purpose, it is scheduled.
    let response = app
        .client
        .post(app.url("/v1/ingest?status=scheduled"))
        .bearer_auth(&editor)
        .json(&dated_article(1, "2031-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let article: Value = response.json().await.unwrap();
    assert_eq!(article["status"], "scheduled");
    let id = article["id"].as_str().unwrap();

    // `scheduled` without a date ahead is a contradiction.
    let response = app
        .client
        .post(app.url("/v1/ingest?status=scheduled"))
        .bearer_auth(&editor)
        .json(&dated_article(2, "2020-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap();
    common::assert_problem(response, 400).await;

    // An edit moving a published article's date beyond the horizon is refused too; moving it
    // back into the past publishes the scheduled one.
    let response = app
        .client
        .patch(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"published_at": "2020-05-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let article: Value = response.json().await.unwrap();
    assert_eq!(article["status"], "published");
    let response = app
        .client
        .patch(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"published_at": "9000-05-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    common::assert_problem(response, 422).await;
    app.stop().await;
}

backends!(
    scheduled_articles_are_published_once_by_concurrent_servers,
    flavor = "multi_thread",
    worker_threads = 4
);
async fn scheduled_articles_are_published_once_by_concurrent_servers() {
    let first = spawn_app().await;
    let editor = first.editor().await;
    let ahead = stamp(OffsetDateTime::now_utc() + time::Duration::hours(1));
    for n in 0..30 {
        let response = first.ingest_json(&editor, &dated_article(n, &ahead)).await;
        assert_eq!(response.status(), 201);
    }
    // A second server on the same database (on SQLite, the same store twice).
    let second_store = match common::backend() {
        common::Backend::Postgres => {
            let config = first.state.config.as_ref().clone();
            newsdesk::server::open_store(&config).await.unwrap()
        }
        common::Backend::Sqlite => first.state.store.clone(),
    };
    let later = stamp(OffsetDateTime::now_utc() + time::Duration::hours(2));
    let mut tasks = Vec::new();
    for k in 0..6 {
        let store = if k % 2 == 0 {
            first.state.store.clone()
        } else {
            second_store.clone()
        };
        let later = later.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let ids = store.publish_due(&later, 4).await.unwrap();
                if ids.is_empty() {
                    return mine;
                }
                mine.extend(ids);
            }
        }));
    }
    let mut all: Vec<String> = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(
        (count, all.len()),
        (30, 30),
        "each article published exactly once"
    );
    let list = first.get_json("/v1/articles?limit=100").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 30);
    if common::backend() == common::Backend::Postgres {
        second_store.close().await;
    }
    first.stop().await;
}
