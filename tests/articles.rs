//! The articles API against the real server: ingest, read, list, search, paginate, edit, delete.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{assert_problem, english_article, spawn_app, FIXTURE, FIXTURE_EXPECTED};
use newsdesk::store::tokens::Role;
use serde_json::{json, Value};

common::backends!(the_seed_fixture_round_trips_with_its_must_fields_exactly);
async fn the_seed_fixture_round_trips_with_its_must_fields_exactly() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let response = app.ingest_text(&token, FIXTURE).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/articles/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["duplicate"], false);
    assert!(created["slug"]
        .as_str()
        .unwrap()
        .starts_with("putin-aur-kim-jong-un"));

    let slug = created["slug"].as_str().unwrap();
    let article = app
        .get_json(&format!("/v1/articles/{slug}?include=removed"))
        .await;
    let expected: Value = serde_json::from_str(FIXTURE_EXPECTED).unwrap();
    let must = &expected["must"];
    assert_eq!(article["title"], must["title"]);
    assert_eq!(article["summary"], must["summary"]);
    assert_eq!(article["language"], must["language"]);
    assert_eq!(article["lead_image"]["url"], must["lead_image"]["url"]);
    let blocks: Vec<Value> = article["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| json!({"type": b["type"], "text": b["text"]}))
        .collect();
    assert_eq!(Value::Array(blocks), must["blocks"]);
    let removed: Vec<&Value> = article["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["text"])
        .collect();
    let expected_removed: Vec<&Value> = must["removed_as_boilerplate"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(removed, expected_removed);
    assert_eq!(article["source_domain"], "abplive.com");
    assert_eq!(article["published_at"], "2023-09-15T05:41:32Z");
    assert_eq!(
        article["kickers"],
        json!(["Putin Kim Jong Meeting", "Putin-Kim Jong Gift Guns"])
    );
    let tags: Vec<&str> = article["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["Putin Kim Jong Meeting", "Putin-Kim Jong Gift Guns"]);
    // Entities come back with mention counts, Putin in both scripts.
    let putin = article["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["aliases"].as_array().unwrap().iter().any(|a| a == "पुतिन"))
        .expect("Putin is an entity");
    assert_eq!(putin["type"], "person");
    assert!(putin["mentions"].as_i64().unwrap() >= 9);
    assert!(putin["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "Putin"));
    // By id as well as by slug.
    let by_id = app
        .get_json(&format!("/v1/articles/{}", created["id"].as_str().unwrap()))
        .await;
    assert_eq!(by_id["slug"], created["slug"]);

    // The same content again is the same article.
    let again = app.ingest_text(&token, FIXTURE).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["id"], created["id"]);
    let list = app.get_json("/v1/articles").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    app.stop().await;
}

common::backends!(search_works_in_devanagari_and_latin_and_respects_vowel_signs);
async fn search_works_in_devanagari_and_latin_and_respects_vowel_signs() {
    let app = spawn_app().await;
    let token = app.editor().await;
    assert_eq!(app.ingest_text(&token, FIXTURE).await.status(), 201);
    let english = app.ingest_json(&token, &english_article(1, "Budget")).await;
    assert_eq!(english.status(), 201);

    let count = |body: &Value| body["data"].as_array().unwrap().len();
    let hits = app.get_json("/v1/articles?q=पुतिन").await;
    assert_eq!(count(&hits), 1);
    assert_eq!(hits["data"][0]["language"], "hi");
    assert_eq!(count(&app.get_json("/v1/articles?q=पातिन").await), 0);
    // "Putin" appears only in the kickers and the lead image's alt text.
    assert_eq!(count(&app.get_json("/v1/articles?q=Putin").await), 1);
    assert_eq!(count(&app.get_json("/v1/articles?q=putin").await), 1);
    assert_eq!(count(&app.get_json("/v1/articles?q=पुति*").await), 1);
    assert_eq!(
        count(
            &app.get_json("/v1/articles?q=%22harbour%20district%22")
                .await
        ),
        1
    );
    assert_eq!(count(&app.get_json("/v1/articles?q=harb*").await), 1);
    assert_eq!(
        count(&app.get_json("/v1/articles?q=पुतिन%20OR%20harbour").await),
        2
    );
    assert_eq!(
        count(&app.get_json("/v1/articles?q=council%20-harbour").await),
        0
    );
    // FTS5 syntax in q is never an error.
    for q in [
        "%22",
        "NEAR(",
        "*",
        "a%20OR",
        "%22unbalanced",
        "title:x",
        "(",
        "AND%20OR%20NOT",
    ] {
        let response = app.get(&format!("/v1/articles?q={q}")).await;
        assert!(
            response.status() == 200 || response.status() == 400,
            "q={q}: {}",
            response.status()
        );
        if response.status() == 400 {
            assert_problem(response, 400).await;
        }
    }
    app.stop().await;
}

common::backends!(title_matches_rank_above_body_matches);
async fn title_matches_rank_above_body_matches() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let body_only = json!({"text": "Markets close higher on Friday\nTraders said the rally was broad. Shares of several zebra logistics firms rose, while banks were flat for the day and bonds slipped."});
    let in_title = json!({"text": "Zebra crossings to be repainted across the city\nThe council will repaint every crossing in the city centre this month, starting with the busiest junctions near the station."});
    assert_eq!(app.ingest_json(&token, &body_only).await.status(), 201);
    assert_eq!(app.ingest_json(&token, &in_title).await.status(), 201);
    let hits = app.get_json("/v1/articles?q=zebra").await;
    let titles: Vec<&str> = hits["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(titles[0].starts_with("Zebra crossings"), "{titles:?}");
    app.stop().await;
}

common::backends!(pagination_is_complete_and_stable_under_concurrent_inserts);
async fn pagination_is_complete_and_stable_under_concurrent_inserts() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let batch: String = (0..250)
        .map(|n| serde_json::to_string(&english_article(n, "Budget")).unwrap() + "\n")
        .collect();
    let response = app
        .client
        .post(app.url("/v1/ingest/batch"))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let results: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 250);
    assert!(results.iter().all(|r| r["result"] == "created"), "{text}");

    let mut seen: Vec<String> = Vec::new();
    let mut path = "/v1/articles?tag=budget&limit=100".to_owned();
    let mut pages = 0;
    loop {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200);
        // The next page's link (the others name the feeds of this list).
        let link = response
            .headers()
            .get_all("link")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.ends_with("rel=\"next\""));
        let page: Value = response.json().await.unwrap();
        pages += 1;
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned()),
        );
        // Newer articles arrive between page requests.
        let newer = english_article(1000 + pages, "Budget");
        assert_eq!(app.ingest_json(&token, &newer).await.status(), 201);
        match page["next"].as_str() {
            Some(next) => {
                assert_eq!(link.unwrap(), format!("<{next}>; rel=\"next\""));
                assert!(page["next_cursor"].is_string());
                path = next.to_owned();
            }
            None => {
                assert!(link.is_none());
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no duplicates");
    let created: HashSet<String> = results
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let seen_set: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(seen_set, created, "none missing, none extra");
    app.stop().await;
}

common::backends!(filters_by_tag_entity_language_source_and_dates);
async fn filters_by_tag_entity_language_source_and_dates() {
    let app = spawn_app().await;
    let token = app.editor().await;
    assert_eq!(app.ingest_text(&token, FIXTURE).await.status(), 201);
    let mut envelope = english_article(7, "Budget");
    envelope["tags"] = json!(["Budget", "Harbour"]);
    assert_eq!(app.ingest_json(&token, &envelope).await.status(), 201);
    let count = |body: &Value| body["data"].as_array().unwrap().len();

    assert_eq!(count(&app.get_json("/v1/articles?tag=budget").await), 1);
    assert_eq!(
        count(&app.get_json("/v1/articles?tag=budget&tag=harbour").await),
        1
    );
    assert_eq!(
        count(
            &app.get_json("/v1/articles?tag=budget&tag=putin-kim-jong-meeting")
                .await
        ),
        0
    );
    assert_eq!(
        count(
            &app.get_json("/v1/articles?tag=putin-kim-jong-meeting")
                .await
        ),
        1
    );
    assert_eq!(count(&app.get_json("/v1/articles?lang=hi").await), 1);
    assert_eq!(count(&app.get_json("/v1/articles?lang=en").await), 1);
    assert_eq!(
        count(&app.get_json("/v1/articles?source=abplive.com").await),
        1
    );
    assert_eq!(
        count(&app.get_json("/v1/articles?source=example.com").await),
        1
    );
    assert_eq!(
        count(
            &app.get_json("/v1/articles?since=2023-09-15&until=2023-09-16")
                .await
        ),
        1
    );
    assert_eq!(
        count(&app.get_json("/v1/articles?since=2024-01-01").await),
        1
    );
    assert_eq!(
        count(&app.get_json("/v1/articles?until=2000-01-01").await),
        0
    );

    let article = app.get_json("/v1/articles?lang=hi").await;
    let id = article["data"][0]["id"].as_str().unwrap().to_owned();
    let full = app.get_json(&format!("/v1/articles/{id}")).await;
    let entity_slug = full["entities"][0]["slug"].as_str().unwrap().to_owned();
    let by_entity = app
        .get_json(&format!("/v1/articles?entity={entity_slug}"))
        .await;
    assert_eq!(count(&by_entity), 1);
    assert_eq!(by_entity["data"][0]["id"], id.as_str());
    // List items carry summaries, not blocks.
    assert!(by_entity["data"][0].get("blocks").is_none());
    assert!(by_entity["data"][0].get("summary").is_some());
    app.stop().await;
}

common::backends!(invalid_list_parameters_are_400_problems_naming_the_parameter);
async fn invalid_list_parameters_are_400_problems_naming_the_parameter() {
    let app = spawn_app().await;
    for (query, name) in [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=1000000", "limit"),
        ("limit=abc", "limit"),
        ("lang=hindi", "lang"),
        ("since=yesterday", "since"),
        ("sort=title", "sort"),
        ("status=deleted", "status"),
        ("cursor=forged", "cursor"),
        ("cursor=eyJmIjoiIn0.AAAA", "cursor"),
        ("fields=password", "fields"),
        ("q=***", "q"),
    ] {
        let problem = assert_problem(app.get(&format!("/v1/articles?{query}")).await, 400).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(name),
            "{query}: {problem}"
        );
    }
    // A parameter the list does not take is named, with the ones it takes; so is a language
    // code that is no language.
    let problem = assert_problem(app.get("/v1/articles?colour=blue&tag=x&lmit=5").await, 400).await;
    assert_eq!(problem["type"], "/problems/unknown-parameter");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("`colour`") && detail.contains("`lmit`"),
        "{detail}"
    );
    assert!(!detail.contains("`tag`"), "{detail}");
    for accepted in [
        "tag", "entity", "lang", "q", "sort", "limit", "cursor", "fields",
    ] {
        assert!(detail.contains(accepted), "{accepted} missing: {detail}");
    }
    for code in ["xx", "zz", "qq"] {
        let problem =
            assert_problem(app.get(&format!("/v1/articles?lang={code}")).await, 400).await;
        assert_eq!(problem["type"], "/problems/invalid-parameter");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("`{code}`")),
            "{problem}"
        );
    }
    // Search is the same list: its parameters, and nothing else.
    let problem = assert_problem(app.get("/v1/articles?q=flood&query=flood").await, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("`query`"),
        "{problem}"
    );
    // A language code is a filter even with nothing in that language; any case, blank is absent.
    for query in [
        "lang=mr",
        "lang=HI",
        "lang=",
        "q=flood&lang=en&sort=relevance&limit=5",
    ] {
        assert_eq!(
            app.get(&format!("/v1/articles?{query}")).await.status(),
            200,
            "{query}"
        );
    }
    // One article: `fields` and `include` only.
    let problem = assert_problem(app.get("/v1/articles/some-slug?field=title").await, 400).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("`field`") && detail.contains("fields, include"),
        "{detail}"
    );
    app.stop().await;
}

common::backends!(a_cursor_is_tied_to_its_query);
async fn a_cursor_is_tied_to_its_query() {
    let app = spawn_app().await;
    let token = app.editor().await;
    for n in 0..3 {
        assert_eq!(
            app.ingest_json(&token, &english_article(n, "Budget"))
                .await
                .status(),
            201
        );
    }
    let page = app.get_json("/v1/articles?limit=1&tag=budget").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/v1/articles?limit=1&tag=budget&cursor={cursor}"))
            .await
            .status(),
        200
    );
    let problem = assert_problem(
        app.get(&format!("/v1/articles?limit=1&lang=en&cursor={cursor}"))
            .await,
        400,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("cursor"));
    let truncated = &cursor[..cursor.len() - 4];
    assert_problem(
        app.get(&format!("/v1/articles?cursor={truncated}")).await,
        400,
    )
    .await;
    app.stop().await;
}

common::backends!(etags_make_rereads_cheap_and_fields_trim_the_answer);
async fn etags_make_rereads_cheap_and_fields_trim_the_answer() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let created: Value = app.ingest_text(&token, FIXTURE).await.json().await.unwrap();
    let path = format!("/v1/articles/{}", created["slug"].as_str().unwrap());
    let first = app.get(&path).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(first.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let again = app
        .client
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);

    let trimmed = app.get_json(&format!("{path}?fields=title,slug")).await;
    let keys: HashSet<&str> = trimmed
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, HashSet::from(["title", "slug"]));
    let problem = assert_problem(app.get(&format!("{path}?include=everything")).await, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("include"));
    app.stop().await;
}

common::backends!(writes_need_an_editor_token);
async fn writes_need_an_editor_token() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/ingest"))
        .header("content-type", "text/plain")
        .body(FIXTURE)
        .send()
        .await
        .unwrap();
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    assert_problem(response, 401).await;

    let bad = app.ingest_text("nd_not-a-real-token", FIXTURE).await;
    assert_problem(bad, 401).await;

    let basic = app
        .client
        .post(app.url("/v1/ingest"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .header("content-type", "text/plain")
        .body(FIXTURE)
        .send()
        .await
        .unwrap();
    assert_problem(basic, 401).await;

    let reader = app.token(Role::Reader).await;
    let problem = assert_problem(app.ingest_text(&reader, FIXTURE).await, 403).await;
    assert!(!problem["detail"].as_str().unwrap().contains(&reader));

    let revoked = app
        .state
        .store
        .create_token("gone", Role::Editor)
        .await
        .unwrap();
    app.state.store.revoke_token(&revoked.0.id).await.unwrap();
    assert_problem(app.ingest_text(&revoked.1, FIXTURE).await, 401).await;
    app.stop().await;
}

common::backends!(the_environment_admin_token_can_write);
async fn the_environment_admin_token_can_write() {
    let secret = "an-admin-secret-for-tests-0123456789";
    let app =
        common::spawn_app_with(|c| c.admin_token = Some(secret.into()), axum::Router::new()).await;
    assert_eq!(app.ingest_text(secret, FIXTURE).await.status(), 201);
    assert_problem(
        app.ingest_text("an-admin-secret-for-tests-0123456788", FIXTURE)
            .await,
        401,
    )
    .await;
    app.stop().await;
}

common::backends!(bad_bodies_are_problems);
async fn bad_bodies_are_problems() {
    let app = common::spawn_app_with(|c| c.body_limit = 64 * 1024, axum::Router::new()).await;
    let token = app.editor().await;
    let post = |content_type: Option<&'static str>, body: Vec<u8>| {
        let mut request = app
            .client
            .post(app.url("/v1/ingest"))
            .bearer_auth(&token)
            .body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        request.send()
    };
    let problem = assert_problem(post(None, b"hello".to_vec()).await.unwrap(), 415).await;
    assert!(problem["detail"].as_str().unwrap().contains("text/plain"));
    assert_problem(
        post(Some("image/png"), vec![0x89, b'P', b'N', b'G'])
            .await
            .unwrap(),
        415,
    )
    .await;
    assert_problem(
        post(Some("text/plain; charset=latin1"), b"caf\xe9".to_vec())
            .await
            .unwrap(),
        415,
    )
    .await;
    assert_problem(
        post(Some("text/plain"), b"caf\xe9 au lait".to_vec())
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_problem(
        post(Some("application/json"), b"{\"text\": ".to_vec())
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_problem(
        post(Some("application/json"), b"{\"text\": 5}".to_vec())
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_problem(
        post(Some("application/json"), b"{\"txt\": \"a\"}".to_vec())
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_problem(post(Some("text/plain"), Vec::new()).await.unwrap(), 422).await;
    assert_problem(
        post(Some("text/plain"), b"   \n\t \n".to_vec())
            .await
            .unwrap(),
        422,
    )
    .await;
    let boilerplate = "ये भी पढ़ें:\nट्रेंडिंग न्यूज\nटॉप हेडलाइंस\n![ABP Premium](https://cdn.abplive.com/imagebank/metaverse-mid.png)";
    let problem = assert_problem(
        post(Some("text/plain"), boilerplate.as_bytes().to_vec())
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(problem["type"], "/problems/unprocessable-article");
    let big = vec![b'a'; 128 * 1024];
    assert_problem(post(Some("text/plain"), big).await.unwrap(), 413).await;
    let bad_url = json!({"text": FIXTURE, "url": "javascript:alert(1)"});
    assert_problem(app.ingest_json(&token, &bad_url).await, 422).await;
    // An address that is none is about the address, not about the text, short or long.
    for text in [FIXTURE, "Hello"] {
        let envelope = json!({"text": text, "url": "not a url"});
        let problem = assert_problem(app.ingest_json(&token, &envelope).await, 422).await;
        assert_eq!(problem["type"], "/problems/invalid-article-url");
        assert_eq!(problem["title"], "Invalid article URL");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("`url` \"not a url\""), "{detail}");
    }
    // One word is too short to be an article, and is not called boilerplate.
    for text in ["Hello", "Budget\nApproved."] {
        let problem =
            assert_problem(post(Some("text/plain"), text.into()).await.unwrap(), 422).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("too short to be an article"), "{detail}");
        assert!(detail.contains("at least 2 words"), "{detail}");
        assert!(!detail.contains("boilerplate"), "{detail}");
    }
    assert_problem(
        app.client
            .post(app.url("/v1/ingest?dry_run=perhaps"))
            .bearer_auth(&token)
            .header("content-type", "text/plain")
            .body(FIXTURE)
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(
        app.get_json("/v1/articles").await["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    app.stop().await;
}

common::backends!(dry_run_stores_nothing_and_shows_what_was_removed);
async fn dry_run_stores_nothing_and_shows_what_was_removed() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let response = app
        .client
        .post(app.url("/v1/ingest?dry_run=true"))
        .bearer_auth(&token)
        .header("content-type", "text/markdown")
        .body(FIXTURE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["dry_run"], true);
    assert!(body.get("id").is_none());
    assert_eq!(body["removed"][0]["text"], "ये भी पढ़ें:");
    assert!(body["removed"][0]["reason"].is_string());
    assert_eq!(body["tags"][0]["slug"], "putin-kim-jong-meeting");
    assert_eq!(
        app.get_json("/v1/articles").await["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    app.stop().await;
}

common::backends!(idempotency_keys_replay_the_first_answer);
async fn idempotency_keys_replay_the_first_answer() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let post = |body: &'static str| {
        app.client
            .post(app.url("/v1/ingest"))
            .bearer_auth(&token)
            .header("content-type", "text/plain")
            .header("idempotency-key", "key-1")
            .body(body)
            .send()
    };
    let first = post(FIXTURE).await.unwrap();
    assert_eq!(first.status(), 201);
    let first_body = first.text().await.unwrap();
    let replay = post(FIXTURE).await.unwrap();
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert!(replay.headers().contains_key("location"));
    assert_eq!(replay.text().await.unwrap(), first_body);
    let reused = post("A different article\nWith a different body of text that is long enough to count as prose here.").await.unwrap();
    let problem = assert_problem(reused, 422).await;
    assert_eq!(problem["type"], "/problems/idempotency-key-reused");
    app.stop().await;
}

common::backends!(editors_patch_and_delete_articles);
async fn editors_patch_and_delete_articles() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let created: Value = app
        .ingest_json(&token, &english_article(3, "Budget"))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let slug = created["slug"].as_str().unwrap().to_owned();
    let patch = |body: Value| {
        app.client
            .patch(app.url(&format!("/v1/articles/{id}")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let response = patch(json!({
        "title": "  Council   approves harbour budget ",
        "add_tags": ["Harbour"],
        "remove_tags": ["budget"],
        "published_at": "2024-05-01T10:00:00Z",
        "blocks": [
            {"type": "paragraph", "text": "The council approved the harbour budget after a long debate about the district."},
            {"type": "heading", "text": "What happens next?"},
            {"type": "paragraph", "text": "Work starts in the spring."}
        ]
    }))
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["title"], "Council approves harbour budget");
    assert_eq!(updated["slug"], slug.as_str(), "slug stays stable");
    assert_eq!(
        updated["tags"],
        json!([{"slug": "harbour", "name": "Harbour"}])
    );
    assert_eq!(updated["published_at"], "2024-05-01T10:00:00Z");
    assert_eq!(updated["published_at_source"], "explicit");
    assert_eq!(updated["blocks"].as_array().unwrap().len(), 3);
    assert_eq!(
        updated["body_text"],
        "The council approved the harbour budget after a long debate about the district.\n\nWhat happens next?\n\nWork starts in the spring."
    );
    assert_ne!(updated["content_hash"], created["content_hash"]);
    assert_eq!(
        app.get_json("/v1/articles?q=spring").await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Drafts leave public reads.
    let draft = patch(json!({"status": "draft"})).await.unwrap();
    assert_eq!(draft.status(), 200);
    assert_problem(app.get(&format!("/v1/articles/{slug}")).await, 404).await;
    assert_problem(app.get("/v1/articles?status=draft").await, 401).await;
    let drafts: Value = app
        .client
        .get(app.url("/v1/articles?status=draft"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(drafts["data"].as_array().unwrap().len(), 1);

    assert_problem(patch(json!({"title": "   "})).await.unwrap(), 400).await;
    assert_problem(patch(json!({"status": "archived"})).await.unwrap(), 400).await;
    assert_problem(patch(json!({"blocks": []})).await.unwrap(), 422).await;
    assert_problem(
        patch(json!({"blocks": [{"type": "image", "text": "", "url": "javascript:alert(1)"}]}))
            .await
            .unwrap(),
        400,
    )
    .await;

    let delete = app
        .client
        .delete(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 204);
    assert_problem(patch(json!({"title": "Back"})).await.unwrap(), 404).await;
    let again = app
        .client
        .delete(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_problem(again, 404).await;
    assert_eq!(
        app.get_json("/v1/articles?q=spring").await["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // The deleted content may be ingested again.
    assert_eq!(
        app.ingest_json(&token, &english_article(3, "Budget"))
            .await
            .status(),
        201
    );
    app.stop().await;
}

common::backends!(unknown_and_hostile_identifiers_are_404);
async fn unknown_and_hostile_identifiers_are_404() {
    let app = spawn_app().await;
    for path in [
        "/v1/articles/01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "/v1/articles/..%2F..%2Fetc%2Fpasswd",
        "/v1/articles/%27%20OR%201%3D1",
    ] {
        assert_problem(app.get(path).await, 404).await;
    }
    let long = "a".repeat(5000);
    assert_problem(app.get(&format!("/v1/articles/{long}")).await, 404).await;
    app.stop().await;
}

common::backends!(batch_answers_every_line_and_a_bad_line_never_stops_the_others);
async fn batch_answers_every_line_and_a_bad_line_never_stops_the_others() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let lines = [
        serde_json::to_string(&english_article(1, "Budget")).unwrap(),
        "{not json".to_owned(),
        String::new(),
        serde_json::to_string(&json!({"text": "   "})).unwrap(),
        serde_json::to_string(&english_article(1, "Budget")).unwrap(),
        serde_json::to_string(&json!({"text": FIXTURE})).unwrap(),
    ];
    let response = app
        .client
        .post(app.url("/v1/ingest/batch"))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(lines.join("\r\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let results: Vec<Value> = response
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(u64, &str, u64)> = results
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["result"].as_str().unwrap(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "created", 201),
            (2, "error", 400),
            (3, "error", 422),
            (4, "duplicate", 200),
            (5, "created", 201)
        ]
    );
    assert_eq!(results[1]["problem"]["type"], "/problems/malformed-body");
    assert_eq!(results[3]["id"], results[0]["id"]);
    assert_eq!(
        app.get_json("/v1/articles").await["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let wrong_type = app
        .client
        .post(app.url("/v1/ingest/batch"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_problem(wrong_type, 415).await;
    app.stop().await;
}

common::backends!(a_batch_is_answered_line_by_line_across_chunk_boundaries);
async fn a_batch_is_answered_line_by_line_across_chunk_boundaries() {
    // Two articles a transaction: duplicates of an earlier chunk and of the same chunk are found,
    // and every line is answered once, in order.
    let app = common::spawn_app_with(|c| c.batch_chunk = 2, axum::Router::new()).await;
    let token = app.editor().await;
    let lines: Vec<String> = [1, 2, 3, 1, 4, 4, 5]
        .into_iter()
        .map(|n| serde_json::to_string(&english_article(n, "Budget")).unwrap())
        .collect();
    let response = app
        .client
        .post(app.url("/v1/ingest/batch"))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(lines.join("\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let results: Vec<Value> = response
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(u64, &str)> = results
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, "created"),
            (2, "created"),
            (3, "created"),
            (4, "duplicate"),
            (5, "created"),
            (6, "duplicate"),
            (7, "created")
        ]
    );
    assert_eq!(results[3]["id"], results[0]["id"]);
    assert_eq!(results[5]["id"], results[4]["id"]);
    assert_eq!(
        app.get_json("/v1/articles").await["data"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    app.stop().await;
}

common::backends!(every_route_is_in_the_openapi_document_and_every_documented_route_exists);
async fn every_route_is_in_the_openapi_document_and_every_documented_route_exists() {
    let app = spawn_app().await;
    let doc = app.get_json("/openapi.json").await;
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/problems/{kind}"),
        ("post", "/v1/ingest"),
        ("post", "/v1/ingest/batch"),
        ("get", "/v1/articles"),
        ("get", "/v1/articles/{id_or_slug}"),
        ("patch", "/v1/articles/{id_or_slug}"),
        ("delete", "/v1/articles/{id_or_slug}"),
    ];
    for (method, path) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the spec"
        );
    }
    // Every documented operation is routed: never the router's 404 or 405.
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let concrete = path
                .replace("{kind}", "not-found")
                .replace("{id_or_slug}", "x")
                .replace("{slug}", "x")
                .replace("{id}", "x");
            let request = app
                .client
                .request(method.to_uppercase().parse().unwrap(), app.url(&concrete));
            let response = request.send().await.unwrap();
            assert_ne!(response.status(), 405, "{method} {path}");
            if response.status() == 404 {
                let body: Value = response.json().await.unwrap();
                assert!(
                    !body["detail"]
                        .as_str()
                        .unwrap()
                        .starts_with("No resource at"),
                    "{method} {path} is not routed"
                );
            }
        }
    }
    app.stop().await;
}

common::backends!(cached_reads_never_outlive_a_change);
async fn cached_reads_never_outlive_a_change() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let created: Value = app
        .ingest_json(&token, &english_article(9, "Budget"))
        .await
        .json()
        .await
        .unwrap();
    let slug = created["slug"].as_str().unwrap().to_owned();
    let path = format!("/v1/articles/{slug}");
    let first = app.get_json(&path).await;
    let cached = app.get(&path).await;
    let etag = cached.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(cached.json::<Value>().await.unwrap(), first);

    // Renaming a tag changes the article as read, at once.
    let renamed = app
        .client
        .patch(app.url("/v1/tags/budget"))
        .bearer_auth(&token)
        .json(&json!({"name": "City Budget"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    let after = app.get(&path).await;
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    let after: Value = after.json().await.unwrap();
    assert_eq!(after["tags"][0]["name"], "City Budget");

    // So does a deletion.
    let deleted = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_problem(app.get(&path).await, 404).await;
    app.stop().await;
}

/// A plain list, a search and a tag filter, each matching every `english_article` tagged Budget.
const LIST_PATHS: [&str; 3] = [
    "/v1/articles",
    "/v1/articles?q=council",
    "/v1/articles?tag=budget",
];

common::backends!(list_pages_carry_etags_and_change_after_a_write);
async fn list_pages_carry_etags_and_change_after_a_write() {
    let app = spawn_app().await;
    let token = app.editor().await;
    assert_eq!(
        app.ingest_json(&token, &english_article(1, "Budget"))
            .await
            .status(),
        201
    );
    for path in LIST_PATHS {
        let first = app.get(path).await;
        assert_eq!(first.status(), 200, "{path}");
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public"));
        let body: Value = first.json().await.unwrap();
        assert_eq!(body["data"].as_array().unwrap().len(), 1, "{path}");
        let again = app
            .client
            .get(app.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }
    // A write is seen at once: the cached pages of the earlier generation are not served.
    assert_eq!(
        app.ingest_json(&token, &english_article(2, "Budget"))
            .await
            .status(),
        201
    );
    for path in LIST_PATHS {
        let body = app.get_json(path).await;
        assert_eq!(body["data"].as_array().unwrap().len(), 2, "{path}");
    }
    // Drafts are never cached for everyone.
    let drafts = app
        .client
        .get(app.url("/v1/articles?status=any"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(drafts.status(), 200);
    assert_eq!(drafts.headers()["cache-control"], "private, no-store");
    app.stop().await;
}

common::backends!(a_batch_that_expects_100_continue_is_told_to_go_on_before_the_answer);
/// curl sends `Expect: 100-continue` before a large upload and holds the body back until the
/// server says `100 Continue` (or a second has passed): a batch must say it before it answers.
async fn a_batch_that_expects_100_continue_is_told_to_go_on_before_the_answer() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let token = app.editor().await;
    let body: String = (0..3)
        .map(|n| serde_json::to_string(&english_article(n, "Ports")).unwrap() + "\n")
        .collect();
    let stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let mut stream = tokio::io::BufReader::new(stream);
    let head = format!(
        "POST /v1/ingest/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/x-ndjson\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.get_mut().write_all(head.as_bytes()).await.unwrap();
    // Nothing of the body is sent until the server asks for it.
    let mut first = String::new();
    tokio::time::timeout(Duration::from_millis(500), stream.read_line(&mut first))
        .await
        .expect("an interim answer without waiting for the body")
        .unwrap();
    assert_eq!(first, "HTTP/1.1 100 Continue\r\n");
    stream.get_mut().write_all(body.as_bytes()).await.unwrap();
    let mut rest = String::new();
    stream.read_to_string(&mut rest).await.unwrap();
    assert!(rest.starts_with("\r\nHTTP/1.1 200 OK\r\n"), "{rest}");
    assert_eq!(rest.matches("\"result\":\"created\"").count(), 3, "{rest}");
    app.stop().await;
}

common::backends!(gzip_and_plain_bodies_have_their_own_etags);
async fn gzip_and_plain_bodies_have_their_own_etags() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let created: Value = app.ingest_text(&token, FIXTURE).await.json().await.unwrap();
    let article = format!("/v1/articles/{}", created["slug"].as_str().unwrap());
    for path in [article.as_str(), "/v1/articles", "/v1/feed.atom"] {
        let get = |encoding: Option<&'static str>, if_none_match: Option<String>| {
            let mut request = app.client.get(app.url(path));
            if let Some(encoding) = encoding {
                request = request.header("accept-encoding", encoding);
            }
            if let Some(tag) = if_none_match {
                request = request.header("if-none-match", tag);
            }
            request.send()
        };
        let header = |response: &reqwest::Response, name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let plain = get(None, None).await.unwrap();
        assert_eq!(plain.status(), 200, "{path}");
        assert_eq!(header(&plain, "content-encoding"), None, "{path}");
        let plain_tag = header(&plain, "etag").expect("an ETag");
        let gzip = get(Some("gzip"), None).await.unwrap();
        assert_eq!(gzip.status(), 200, "{path}");
        assert_eq!(
            header(&gzip, "content-encoding").as_deref(),
            Some("gzip"),
            "{path}"
        );
        let gzip_tag = header(&gzip, "etag").expect("an ETag");
        assert_ne!(plain_tag, gzip_tag, "{path}");
        assert_eq!(
            gzip_tag,
            format!("{}-gzip\"", plain_tag.trim_end_matches('"')),
            "{path}"
        );
        for response in [&plain, &gzip] {
            let vary = header(response, "vary")
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(vary.contains("accept-encoding"), "{path}: {vary}");
        }
        // Either tag revalidates, and the 304 names the representation the client holds.
        for (encoding, tag) in [
            (Some("gzip"), gzip_tag.clone()),
            (None, plain_tag.clone()),
            (Some("gzip"), plain_tag.clone()),
            (None, gzip_tag.clone()),
        ] {
            let again = get(encoding, Some(tag.clone())).await.unwrap();
            assert_eq!(again.status(), 304, "{path} {encoding:?} {tag}");
            assert_eq!(header(&again, "etag"), Some(tag.clone()), "{path}");
            let vary = header(&again, "vary")
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(vary.contains("accept-encoding"), "{path}: {vary}");
        }
        // A tag of another version, in either coding, does not.
        let stale = get(Some("gzip"), Some("\"0000-gzip\", \"0000\"".into()))
            .await
            .unwrap();
        assert_eq!(stale.status(), 200, "{path}");
    }
    // An editor may send back the gzip tag as the version an edit is based on.
    let gzip_tag = app
        .client
        .get(app.url(&article))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap()
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(gzip_tag.ends_with("-gzip\""), "{gzip_tag}");
    let patched = app
        .client
        .patch(app.url(&article))
        .bearer_auth(&token)
        .header("if-match", &gzip_tag)
        .json(&json!({"title": "A new title"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let stale = app
        .client
        .patch(app.url(&article))
        .bearer_auth(&token)
        .header("if-match", &gzip_tag)
        .json(&json!({"title": "Another title"}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412).await;
    app.stop().await;
}
