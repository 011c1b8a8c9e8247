//! Distribution: scheduled publishing (and the horizon of dates ahead), feeds, and signed
//! webhooks delivered from the outbox, on both backends.

mod common;

use std::sync::Arc;

use common::{
    assert_problem, backends, dispatch_once, dispatch_until, spawn_app, spawn_app_with, spawn_on,
    webhook_app, Receiver, TestApp,
};
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

    // `scheduled` without a date ahead is a contradiction: a valid request (the parameter is
    // right) about an article that cannot be scheduled.
    let response = app
        .client
        .post(app.url("/v1/ingest?status=scheduled"))
        .bearer_auth(&editor)
        .json(&dated_article(2, "2020-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap();
    let problem = common::assert_problem(response, 422).await;
    assert_eq!(problem["type"], "/problems/not-schedulable", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("2020-01-01"),
        "{problem}"
    );

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

/// Fetches a feed, asserting a 200 of the content type, and answers its bytes and headers.
async fn fetch_feed(
    app: &TestApp,
    path: &str,
    content_type: &str,
) -> (Vec<u8>, reqwest::header::HeaderMap) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with(content_type),
        "{path}: {:?}",
        headers["content-type"]
    );
    (response.bytes().await.unwrap().to_vec(), headers)
}

backends!(feeds_in_three_formats_parse_back_with_the_articles);
async fn feeds_in_three_formats_parse_back_with_the_articles() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let hindi: Value = app
        .ingest_text(&editor, common::FIXTURE)
        .await
        .json()
        .await
        .unwrap();
    let mut english = common::english_article(1, "Harbour News");
    english["authors"] = json!(["Asha Rao"]);
    let english: Value = app
        .ingest_json(&editor, &english)
        .await
        .json()
        .await
        .unwrap();
    // A draft and a scheduled article stay out of feeds.
    app.client
        .post(app.url("/v1/ingest?status=draft"))
        .bearer_auth(&editor)
        .json(&common::english_article(2, "Harbour News"))
        .send()
        .await
        .unwrap();
    let ahead = stamp(OffsetDateTime::now_utc() + time::Duration::days(2));
    app.ingest_json(&editor, &dated_article(3, &ahead)).await;

    // Atom 1.0.
    let (atom, headers) = fetch_feed(&app, "/v1/feed.atom", "application/atom+xml").await;
    assert!(headers.contains_key("etag") && headers.contains_key("last-modified"));
    let parsed = feed_rs::parser::parse(&atom[..]).expect("the Atom feed parses");
    assert_eq!(parsed.feed_type, feed_rs::model::FeedType::Atom);
    assert!(parsed.title.is_some() && !parsed.id.is_empty() && parsed.updated.is_some());
    assert_eq!(parsed.entries.len(), 2, "published articles only");
    for entry in &parsed.entries {
        assert!(!entry.id.is_empty() && entry.title.is_some() && entry.updated.is_some());
        assert!(entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_ref())
            .is_some());
    }
    let hindi_title = hindi["title"].as_str().unwrap();
    let hindi_entry = parsed
        .entries
        .iter()
        .find(|e| e.id.ends_with(hindi["id"].as_str().unwrap()))
        .expect("the Hindi article");
    assert_eq!(
        hindi_entry.title.as_ref().unwrap().content,
        hindi_title,
        "Devanagari intact"
    );
    let english_entry = parsed
        .entries
        .iter()
        .find(|e| e.id.ends_with(english["id"].as_str().unwrap()))
        .expect("the English article");
    assert_eq!(english_entry.authors[0].name.as_deref(), Some("Asha Rao"));
    assert_eq!(english_entry.categories[0].term, "harbour-news");
    let image = hindi["lead_image"]["url"]
        .as_str()
        .expect("the fixture's lead image");
    assert!(hindi_entry
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("enclosure") && l.href == image));

    // RSS 2.0.
    let (rss, _) = fetch_feed(&app, "/v1/feed.rss", "application/rss+xml").await;
    let parsed = feed_rs::parser::parse(&rss[..]).expect("the RSS feed parses");
    assert_eq!(parsed.feed_type, feed_rs::model::FeedType::RSS2);
    assert!(parsed.title.is_some() && !parsed.links.is_empty() && parsed.description.is_some());
    assert_eq!(parsed.entries.len(), 2);
    let text = String::from_utf8(rss).unwrap();
    assert!(text.contains(hindi_title), "Devanagari intact in RSS");
    assert!(text.contains("<enclosure") && text.contains("dc:creator"));

    // JSON Feed 1.1.
    let (json_feed, _) = fetch_feed(&app, "/v1/feed.json", "application/feed+json").await;
    let parsed = feed_rs::parser::parse(&json_feed[..]).expect("the JSON Feed parses");
    assert_eq!(parsed.feed_type, feed_rs::model::FeedType::JSON);
    assert_eq!(parsed.entries.len(), 2);
    let document: Value = serde_json::from_slice(&json_feed).unwrap();
    assert_eq!(document["version"], "https://jsonfeed.org/version/1.1");
    let items = document["items"].as_array().unwrap();
    assert!(items
        .iter()
        .all(|i| i["id"].is_string() && i["content_html"].is_string()));
    assert!(items
        .iter()
        .any(|i| i["title"] == hindi_title && i["language"] == "hi"));
    assert!(items.iter().any(|i| i["image"] == image));
    assert!(items.iter().any(|i| i["authors"][0]["name"] == "Asha Rao"));

    // The filters of the article list, and its length.
    let (filtered, _) = fetch_feed(
        &app,
        "/v1/feed.json?tag=harbour-news",
        "application/feed+json",
    )
    .await;
    let filtered: Value = serde_json::from_slice(&filtered).unwrap();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    let (hindi_only, _) = fetch_feed(
        &app,
        "/v1/feed.atom?lang=hi&limit=1",
        "application/atom+xml",
    )
    .await;
    let hindi_only = feed_rs::parser::parse(&hindi_only[..]).unwrap();
    assert_eq!(hindi_only.entries.len(), 1);
    assert_eq!(
        hindi_only.entries[0].title.as_ref().unwrap().content,
        hindi_title
    );
    common::assert_problem(app.get("/v1/feed.rss?limit=101").await, 400).await;
    common::assert_problem(app.get("/v1/feed.rss?lang=hindi").await, 400).await;
    app.stop().await;
}

backends!(feeds_answer_304_and_lists_link_to_them);
async fn feeds_answer_304_and_lists_link_to_them() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    app.ingest_json(&editor, &common::english_article(1, "harbour"))
        .await;
    let (_, headers) = fetch_feed(&app, "/v1/feed.atom?tag=harbour", "application/atom+xml").await;
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let last_modified = headers["last-modified"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url("/v1/feed.atom?tag=harbour"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let since = app
        .client
        .get(app.url("/v1/feed.atom?tag=harbour"))
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), 304);
    // A new article changes the feed.
    app.ingest_json(&editor, &common::english_article(2, "harbour"))
        .await;
    let changed = app
        .client
        .get(app.url("/v1/feed.atom?tag=harbour"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);

    let list = app.get("/v1/articles?tag=harbour&limit=5").await;
    let links: Vec<String> = list
        .headers()
        .get_all("link")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        links.contains(
            &"</v1/feed.atom?tag=harbour>; rel=\"alternate\"; type=\"application/atom+xml\""
                .to_owned()
        ),
        "{links:?}"
    );
    assert!(links.iter().any(|l| l.contains("/v1/feed.rss?tag=harbour")));
    assert!(links
        .iter()
        .any(|l| l.contains("/v1/feed.json?tag=harbour")));
    app.stop().await;
}

backends!(nested_lists_link_to_the_feeds_of_their_tag_and_entity);
async fn nested_lists_link_to_the_feeds_of_their_tag_and_entity() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let response = app
        .ingest_json(&editor, &common::english_article(1, "harbour"))
        .await;
    assert_eq!(response.status(), 201);
    let response = app.ingest_text(&editor, common::FIXTURE).await;
    assert_eq!(response.status(), 201);
    let hindi: Value = response.json().await.unwrap();
    let entity = hindi["entities"][0]["slug"].as_str().unwrap().to_owned();
    let links_of = |response: &reqwest::Response| -> Vec<String> {
        response
            .headers()
            .get_all("link")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };

    // A tag's list links the feeds of that tag, with the list's other filters.
    let list = app.get("/v1/tags/harbour/articles?lang=en&limit=5").await;
    assert_eq!(list.status(), 200);
    let links = links_of(&list);
    for (path, mime) in [
        ("/v1/feed.atom", "application/atom+xml"),
        ("/v1/feed.rss", "application/rss+xml"),
        ("/v1/feed.json", "application/feed+json"),
    ] {
        let expected = format!("<{path}?tag=harbour&lang=en>; rel=\"alternate\"; type=\"{mime}\"");
        assert!(links.contains(&expected), "{expected} in {links:?}");
    }
    // The same page again: 304, still with its links.
    let etag = list.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url("/v1/tags/harbour/articles?lang=en&limit=5"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // The feed it names holds the tag's article and not the other.
    let feed = app.get("/v1/feed.json?tag=harbour&lang=en").await;
    assert_eq!(feed.status(), 200);
    let feed: Value = feed.json().await.unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 1, "{feed}");

    // An entity's list links the feeds of that entity.
    let list = app.get(&format!("/v1/entities/{entity}/articles")).await;
    assert_eq!(list.status(), 200);
    let links = links_of(&list);
    let expected = format!(
        "</v1/feed.atom?entity={entity}>; rel=\"alternate\"; type=\"application/atom+xml\""
    );
    assert!(links.contains(&expected), "{expected} in {links:?}");
    assert!(links
        .iter()
        .any(|l| l.contains(&format!("/v1/feed.rss?entity={entity}>"))));
    let feed: Value = app
        .get(&format!("/v1/feed.json?entity={entity}"))
        .await
        .json()
        .await
        .unwrap();
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{feed}");
    assert_eq!(items[0]["title"], hindi["title"]);
    app.stop().await;
}

async fn register(app: &TestApp, token: &str, url: &str, events: &[&str]) -> reqwest::Response {
    app.client
        .post(app.url("/v1/webhooks"))
        .bearer_auth(token)
        .json(&json!({"url": url, "events": events, "description": "test receiver"}))
        .send()
        .await
        .unwrap()
}

/// Verifies a delivery's Standard Webhooks signature with the secret, independently of the
/// server's code.
fn verify(secret: &str, headers: &axum::http::HeaderMap, body: &str) -> bool {
    use base64::Engine;
    use hmac::Mac;
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let id = headers["webhook-id"].to_str().unwrap();
    let timestamp = headers["webhook-timestamp"].to_str().unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = engine.encode(mac.finalize().into_bytes());
    headers["webhook-signature"]
        .to_str()
        .unwrap()
        .split(' ')
        .any(|s| s == format!("v1,{expected}"))
}

backends!(
    webhook_deliveries_are_signed_and_retried_with_one_id,
    flavor = "multi_thread",
    worker_threads = 2
);
async fn webhook_deliveries_are_signed_and_retried_with_one_id() {
    let everything = [
        "article.published",
        "article.updated",
        "article.deleted",
        "entity.merged",
    ];
    let receiver = Receiver::start(vec![500, 500]).await;
    let app = webhook_app().await;
    let editor = app.editor().await;
    let response = register(&app, &editor, &receiver.url, &everything).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/v1/webhooks/{id}"));
    // The secret is shown once.
    let shown: Value = app
        .client
        .get(app.url(&location))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(shown.get("secret").is_none());
    assert_eq!(shown["events"], json!(everything));

    let article: Value = app
        .ingest_json(&editor, &common::english_article(1, "harbour"))
        .await
        .json()
        .await
        .unwrap();
    dispatch_until(&app, || receiver.requests().len() >= 3).await;
    let requests = receiver.requests();
    assert_eq!(requests.len(), 3, "500, 500, then 200");
    let ids: Vec<&str> = requests
        .iter()
        .map(|(h, _)| h["webhook-id"].to_str().unwrap())
        .collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "one webhook-id on every attempt: {ids:?}"
    );
    for (headers, body) in &requests {
        assert!(verify(&secret, headers, body), "the signature verifies");
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["type"], "article.published");
        assert!(payload["timestamp"].is_string());
        assert_eq!(payload["data"]["id"], article["id"]);
        assert_eq!(payload["data"]["title"], article["title"]);
    }

    // The delivery log.
    let log: Value = app
        .client
        .get(app.url(&format!("/v1/webhooks/{id}/deliveries")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delivery = &log["data"][0];
    assert_eq!(delivery["id"], ids[0]);
    assert_eq!(delivery["status"], "delivered");
    assert_eq!(delivery["attempts"], 3);
    assert_eq!(delivery["last_status_code"], 200);
    assert_eq!(delivery["event_type"], "article.published");

    // A retry sends it again, with the same id.
    let retried = app
        .client
        .post(app.url(&format!("/v1/webhooks/{id}/deliveries/{}/retry", ids[0])))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 202);
    dispatch_until(&app, || receiver.requests().len() >= 4).await;
    assert_eq!(receiver.requests()[3].0["webhook-id"], ids[0]);

    // Editing a published article and merging entities are events too.
    let patched = app
        .client
        .patch(app.url(&format!("/v1/articles/{}", article["id"].as_str().unwrap())))
        .bearer_auth(&editor)
        .json(&json!({"title": "Council approves the harbour budget"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let create = |name: &str| {
        app.client
            .post(app.url("/v1/entities"))
            .bearer_auth(&editor)
            .json(&json!({"name": name, "type": "person"}))
            .send()
    };
    let a: Value = create("Jane Quorra").await.unwrap().json().await.unwrap();
    let b: Value = create("J. Quorra-Smith")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let merged = app
        .client
        .post(app.url(&format!("/v1/entities/{}/merge", b["id"].as_str().unwrap())))
        .bearer_auth(&editor)
        .json(&json!({"into": a["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(merged.status(), 200);
    dispatch_until(&app, || receiver.requests().len() >= 6).await;
    // Deliveries of different events run side by side: their order is not kept.
    let of_type = |kind: &str| -> Value {
        receiver
            .requests()
            .iter()
            .map(|(_, body)| serde_json::from_str::<Value>(body).unwrap())
            .find(|payload| payload["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} delivery"))
    };
    let updated = of_type("article.updated");
    assert_eq!(
        updated["data"]["title"],
        "Council approves the harbour budget"
    );
    let merge = of_type("entity.merged");
    assert_eq!(merge["data"], json!({"from": b["id"], "into": a["id"]}));

    // Deleting the article is an event too; readers may not see webhooks.
    let deleted = app
        .client
        .delete(app.url(&format!("/v1/articles/{}", article["id"].as_str().unwrap())))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    dispatch_until(&app, || receiver.requests().len() >= 7).await;
    let payload = of_type("article.deleted");
    assert_eq!(payload["data"]["id"], article["id"]);
    let reader = app.token(Role::Reader).await;
    let refused = app
        .client
        .get(app.url("/v1/webhooks"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    common::assert_problem(refused, 403).await;
    app.stop().await;
}

backends!(
    finished_deliveries_and_their_events_are_pruned_after_the_retention,
    flavor = "multi_thread",
    worker_threads = 2
);
async fn finished_deliveries_and_their_events_are_pruned_after_the_retention() {
    let ok = Receiver::start(Vec::new()).await;
    let failing = Receiver::start(vec![500]).await;
    let app = spawn_app_with(
        |config| {
            config.distribution.webhook_allow_hosts = vec!["127.0.0.1".into()];
            // A failed attempt is the last one.
            config.distribution.webhook_retry_period_secs = 0;
        },
        axum::Router::new(),
    )
    .await;
    assert_eq!(app.state.config.distribution.webhook_retention_days, 30);
    let editor = app.editor().await;
    let mut hooks = Vec::new();
    for receiver in [&ok, &failing] {
        let created: Value = register(&app, &editor, &receiver.url, &["article.published"])
            .await
            .json()
            .await
            .unwrap();
        hooks.push(created["id"].as_str().unwrap().to_owned());
    }
    let deliveries = |hook: String| {
        let app = &app;
        let editor = editor.clone();
        async move {
            let listed: Value = app
                .client
                .get(app.url(&format!("/v1/webhooks/{hook}/deliveries")))
                .bearer_auth(&editor)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            listed["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["status"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };

    // One event delivered to the first webhook and failed for good at the second.
    let first: Value = app
        .ingest_json(&editor, &common::english_article(1, "harbour"))
        .await
        .json()
        .await
        .unwrap();
    dispatch_until(&app, || {
        ok.requests().len() == 1 && failing.requests().len() == 1
    })
    .await;
    assert_eq!(deliveries(hooks[0].clone()).await, ["delivered"]);
    assert_eq!(deliveries(hooks[1].clone()).await, ["failed"]);
    // An event whose webhook went before the fan-out (so it has no delivery), and one fanned
    // out but not yet attempted.
    let gone: Value = register(&app, &editor, &ok.url, &["article.updated"])
        .await
        .json()
        .await
        .unwrap();
    let edited = app
        .client
        .patch(app.url(&format!("/v1/articles/{}", first["id"].as_str().unwrap())))
        .bearer_auth(&editor)
        .json(&json!({"title": "Council approves the harbour budget"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let deleted = app
        .client
        .delete(app.url(&format!("/v1/webhooks/{}", gone["id"].as_str().unwrap())))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        app.ingest_json(&editor, &common::english_article(2, "harbour"))
            .await
            .status(),
        201
    );
    let now = OffsetDateTime::now_utc();
    app.state
        .store
        .dispatch_events(&stamp(now), 100)
        .await
        .unwrap();
    assert_eq!(deliveries(hooks[0].clone()).await.len(), 2);

    let config = &app.state.config.distribution;
    // Within the retention nothing goes.
    let pruned = newsdesk::dispatch::prune(&app.state.store, config, now)
        .await
        .unwrap();
    assert_eq!(pruned, (0, 0));
    // Past it, the finished deliveries and the events nothing refers to any more go; the
    // pending delivery and its event stay.
    let later = now + time::Duration::days(31);
    let pruned = newsdesk::dispatch::prune(&app.state.store, config, later)
        .await
        .unwrap();
    assert_eq!(pruned, (2, 2));
    assert_eq!(deliveries(hooks[0].clone()).await, ["pending"]);
    assert!(deliveries(hooks[1].clone()).await.is_empty());
    assert_eq!(
        newsdesk::dispatch::prune(&app.state.store, config, later)
            .await
            .unwrap(),
        (0, 0)
    );
    // The pending delivery is still delivered.
    dispatch_until(&app, || ok.requests().len() == 2).await;
    assert_eq!(deliveries(hooks[0].clone()).await, ["delivered"]);
    app.stop().await;
}

backends!(internal_webhook_urls_are_refused);
async fn internal_webhook_urls_are_refused() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:192.168.0.1]/",
    ] {
        let response = register(&app, &editor, url, &["article.published"]).await;
        let problem = common::assert_problem(response, 422).await;
        assert_eq!(
            problem["type"], "/problems/webhook-url-not-allowed",
            "{url}"
        );
    }
    let response = register(&app, &editor, "ftp://example.com/", &["article.published"]).await;
    common::assert_problem(response, 422).await;
    let response = register(&app, &editor, "not a url", &["article.published"]).await;
    common::assert_problem(response, 400).await;
    let response = register(&app, &editor, "http://93.184.216.34/", &["nope"]).await;
    common::assert_problem(response, 400).await;
    app.stop().await;
}

backends!(
    an_event_committed_before_a_crash_is_delivered_after_restart,
    flavor = "multi_thread",
    worker_threads = 2
);
async fn an_event_committed_before_a_crash_is_delivered_after_restart() {
    let receiver = Receiver::start(Vec::new()).await;
    let app = webhook_app().await;
    let editor = app.editor().await;
    let created: Value = register(&app, &editor, &receiver.url, &["article.published"])
        .await
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    // The article's transaction commits its event; the server goes away before any dispatcher
    // round (the test app runs none on its own).
    let response = app
        .ingest_json(&editor, &common::english_article(1, "harbour"))
        .await;
    assert_eq!(response.status(), 201);
    let config = app.state.config.as_ref().clone();
    let database = app.database.clone();
    let TestApp { dir, state, .. } = app;
    state.store.close().await;
    drop(state);
    assert!(receiver.requests().is_empty());

    // A new server on the same database delivers it.
    let restarted = spawn_on(config, dir, database, axum::Router::new()).await;
    dispatch_until(&restarted, || !receiver.requests().is_empty()).await;
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    assert!(verify(&secret, &requests[0].0, &requests[0].1));
    restarted.stop().await;
}

backends!(
    several_servers_deliver_each_event_once,
    flavor = "multi_thread",
    worker_threads = 4
);
async fn several_servers_deliver_each_event_once() {
    let receiver = Receiver::start(Vec::new()).await;
    let first = webhook_app().await;
    let editor = first.editor().await;
    register(&first, &editor, &receiver.url, &["article.published"]).await;
    for n in 0..12 {
        first
            .ingest_json(&editor, &common::english_article(n, "harbour"))
            .await;
    }
    let second_store = match common::backend() {
        common::Backend::Postgres => newsdesk::server::open_store(&first.state.config)
            .await
            .unwrap(),
        common::Backend::Sqlite => first.state.store.clone(),
    };
    let config = first.state.config.distribution.clone();
    let mut servers = Vec::new();
    for k in 0..4 {
        let store = if k % 2 == 0 {
            first.state.store.clone()
        } else {
            second_store.clone()
        };
        let config = config.clone();
        let receiver = receiver.clone();
        servers.push(tokio::spawn(async move {
            let in_flight = Arc::new(tokio::sync::Semaphore::new(4));
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            // Until every event arrived, then a few rounds more (which must send nothing).
            let mut after = 0;
            while after < 5 && std::time::Instant::now() < deadline {
                newsdesk::dispatch::tick(&store, &config, &in_flight)
                    .await
                    .unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                if receiver.requests().len() >= 12 {
                    after += 1;
                }
            }
        }));
    }
    for server in servers {
        server.await.unwrap();
    }
    let mut ids: Vec<String> = receiver
        .requests()
        .iter()
        .map(|(h, _)| h["webhook-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 12, "one delivery per event");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12);
    if common::backend() == common::Backend::Postgres {
        second_store.close().await;
    }
    first.stop().await;
}

backends!(
    an_endpoint_failing_for_the_whole_period_is_turned_off,
    flavor = "multi_thread",
    worker_threads = 2
);
async fn an_endpoint_failing_for_the_whole_period_is_turned_off() {
    let receiver = Receiver::start(vec![503; 10]).await;
    let app = spawn_app_with(
        |config| {
            config.distribution.webhook_allow_hosts = vec!["127.0.0.1".into()];
            config.distribution.webhook_retry_period_secs = 0;
        },
        axum::Router::new(),
    )
    .await;
    let editor = app.editor().await;
    let created: Value = register(&app, &editor, &receiver.url, &["article.published"])
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    app.ingest_json(&editor, &common::english_article(1, "harbour"))
        .await;
    dispatch_until(&app, || !receiver.requests().is_empty()).await;
    let webhook: Value = app
        .client
        .get(app.url(&format!("/v1/webhooks/{id}")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(webhook["enabled"], false);
    assert!(
        webhook["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 503"),
        "{webhook}"
    );
    let log: Value = app
        .client
        .get(app.url(&format!("/v1/webhooks/{id}/deliveries")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["data"][0]["status"], "failed");
    // Turned on again, it hears of the next article.
    let patched = app
        .client
        .patch(app.url(&format!("/v1/webhooks/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["enabled"], true);
    assert!(patched["disabled_reason"].is_null());
    let deleted = app
        .client
        .delete(app.url(&format!("/v1/webhooks/{id}")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    app.stop().await;
}

/// `newsdesk serve` as a child process on a random loopback port, with extra environment;
/// SIGKILLed when dropped.
struct Child {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Child {
    fn start(database_url: &str, env: &[(&str, &str)]) -> Child {
        use std::io::BufRead;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"));
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
            .args(["--database-url", database_url])
            .env("RUST_LOG", "newsdesk=info,warn")
            .env_remove("DATABASE_URL")
            .env_remove("NEWSDESK_BIND")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start newsdesk");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel::<std::net::SocketAddr>();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let Ok(event) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if event["message"] == "newsdesk listening" {
                    if let (Some(tx), Some(addr)) = (tx.take(), event["addr"].as_str()) {
                        let _ = tx.send(addr.parse().expect("listening address"));
                    }
                }
            }
        });
        let addr = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("newsdesk started");
        Child { child, addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

backends!(
    sigkill_after_the_commit_still_delivers_after_restart,
    flavor = "multi_thread",
    worker_threads = 2
);
async fn sigkill_after_the_commit_still_delivers_after_restart() {
    let receiver = Receiver::start(Vec::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let (database_url, _database) = match common::backend() {
        common::Backend::Sqlite => (
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("newsdesk.db").display()
            ),
            None,
        ),
        common::Backend::Postgres => {
            let database = common::PgTestDatabase::create().await;
            (database.url.clone(), Some(database))
        }
    };
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["token", "create", "--name", "hooks", "--role", "editor"])
        .args(["--database-url", &database_url])
        .env_remove("DATABASE_URL")
        .output()
        .expect("token create");
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let client = reqwest::Client::new();

    // A server whose dispatcher looks once at start, then not for a minute.
    let server = Child::start(
        &database_url,
        &[
            ("NEWSDESK_WEBHOOK_ALLOW_HOSTS", "127.0.0.1"),
            ("NEWSDESK_DISPATCH_INTERVAL_MS", "60000"),
        ],
    );
    let created: Value = client
        .post(server.url("/v1/webhooks"))
        .bearer_auth(&token)
        .json(&json!({"url": receiver.url, "events": ["article.published"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().expect("registered").to_owned();
    let response = client
        .post(server.url("/v1/ingest"))
        .bearer_auth(&token)
        .json(&common::english_article(1, "harbour"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "committed");
    drop(server); // SIGKILL
    assert!(receiver.requests().is_empty());

    let _restarted = Child::start(
        &database_url,
        &[
            ("NEWSDESK_WEBHOOK_ALLOW_HOSTS", "127.0.0.1"),
            ("NEWSDESK_DISPATCH_INTERVAL_MS", "100"),
        ],
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while receiver.requests().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1, "delivered after the restart");
    assert!(verify(&secret, &requests[0].0, &requests[0].1));
}

backends!(feeds_and_webhook_lists_name_parameters_they_do_not_take);
async fn feeds_and_webhook_lists_name_parameters_they_do_not_take() {
    let app = webhook_app().await;
    let editor = app.editor().await;
    for feed in ["/v1/feed.atom", "/v1/feed.rss", "/v1/feed.json"] {
        let problem = assert_problem(app.get(&format!("{feed}?lang=xx")).await, 400).await;
        assert_eq!(problem["type"], "/problems/invalid-parameter", "{feed}");
        assert!(
            problem["detail"].as_str().unwrap().contains("`xx`"),
            "{problem}"
        );
        let problem = assert_problem(app.get(&format!("{feed}?format=atom")).await, 400).await;
        assert_eq!(problem["type"], "/problems/unknown-parameter", "{feed}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("`format`") && detail.contains("lang"),
            "{detail}"
        );
        assert_eq!(
            app.get(&format!("{feed}?lang=hi&limit=5")).await.status(),
            200
        );
    }
    let list = |path: &'static str| app.client.get(app.url(path)).bearer_auth(&editor).send();
    assert_eq!(list("/v1/webhooks").await.unwrap().status(), 200);
    let problem = assert_problem(list("/v1/webhooks?limit=5").await.unwrap(), 400).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("`limit`") && detail.contains("takes no query parameters"),
        "{detail}"
    );
    app.stop().await;
}
