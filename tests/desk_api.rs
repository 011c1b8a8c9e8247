//! What the editors' desk needs from the API, over HTTP: `If-Match` on `PATCH` and `DELETE`
//! (412 on a stale ETag, atomic with the write), kickers and entity removal in `PATCH`, drafts
//! readable with a reader token, `GET /v1/token`, and the pages (`/`, `/desk`, `/docs`) with
//! their security headers.

mod common;

use common::{assert_problem, english_article, spawn_app, TestApp, FIXTURE};
use newsdesk::store::tokens::Role;
use serde_json::{json, Value};

async fn create(app: &TestApp, token: &str, n: usize, status: &str) -> Value {
    let response = app
        .client
        .post(app.url(&format!("/v1/ingest?status={status}")))
        .bearer_auth(token)
        .json(&english_article(n, "Harbour"))
        .send()
        .await
        .expect("ingest");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

/// The article as read with a token, and its ETag.
async fn read(app: &TestApp, token: &str, id: &str) -> (Value, String) {
    let response = app
        .client
        .get(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    (response.json().await.expect("json"), etag)
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: &str,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(&format!("/v1/articles/{id}")))
        .bearer_auth(token)
        .json(&body);
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.expect("PATCH")
}

common::backends!(patch_with_a_stale_etag_is_refused_and_changes_nothing);
async fn patch_with_a_stale_etag_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let article = create(&app, &editor, 1, "published").await;
    let id = article["id"].as_str().unwrap();
    let (_, first) = read(&app, &editor, id).await;

    // Someone else's change moves the ETag on.
    let theirs = patch(&app, &editor, id, Some(&first), json!({"title": "Theirs"})).await;
    assert_eq!(theirs.status(), 200);
    let answered = theirs.headers()["etag"].to_str().unwrap().to_owned();
    let body = theirs.bytes().await.unwrap();
    let (_, second) = read(&app, &editor, id).await;
    assert_eq!(answered, second, "a PATCH answers the new version's ETag");
    assert_ne!(second, first);
    let read_back = app
        .client
        .get(app.url(&format!("/v1/articles/{id}")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        body, read_back,
        "the PATCH answer is the article as GET reads it"
    );

    // Mine, based on the first version, is refused with the current ETag.
    let mine = patch(&app, &editor, id, Some(&first), json!({"title": "Mine"})).await;
    let current = mine.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(current, second, "a 412 names the current ETag");
    let problem = assert_problem(mine, 412).await;
    assert_eq!(problem["type"], "/problems/precondition-failed");
    let (now, _) = read(&app, &editor, id).await;
    assert_eq!(now["title"], "Theirs");

    // Weak tags never match; a list matches when any tag does; `*` matches any version.
    let weak = patch(
        &app,
        &editor,
        id,
        Some(&format!("W/{second}")),
        json!({"title": "Weak"}),
    )
    .await;
    assert_problem(weak, 412).await;
    let listed = patch(
        &app,
        &editor,
        id,
        Some(&format!("\"nope\", {second}")),
        json!({"title": "Listed"}),
    )
    .await;
    assert_eq!(listed.status(), 200);
    let any = patch(&app, &editor, id, Some("*"), json!({"title": "Any"})).await;
    assert_eq!(any.status(), 200);
    // A tag sent without its quotes is the quoted one (a stale one is a 412); only a header
    // naming no tag at all is malformed.
    let bare = second.trim_matches('"').to_owned();
    let unquoted = patch(&app, &editor, id, Some(&bare), json!({"title": "Bare"})).await;
    assert_problem(unquoted, 412).await;
    let (_, now) = read(&app, &editor, id).await;
    let fresh = patch(
        &app,
        &editor,
        id,
        Some(now.trim_matches('"')),
        json!({"title": "Bare"}),
    )
    .await;
    assert_eq!(fresh.status(), 200);
    for malformed in ["", ",", " , "] {
        let response = patch(&app, &editor, id, Some(malformed), json!({"title": "X"})).await;
        let problem = assert_problem(response, 400).await;
        assert!(problem["detail"].as_str().unwrap().contains("If-Match"));
    }
    // Without If-Match the change is made, as before.
    let plain = patch(&app, &editor, id, None, json!({"title": "Plain"})).await;
    assert_eq!(plain.status(), 200);
    app.stop().await;
}

common::backends!(of_concurrent_patches_on_one_version_exactly_one_wins);
async fn of_concurrent_patches_on_one_version_exactly_one_wins() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let article = create(&app, &editor, 2, "published").await;
    let id = article["id"].as_str().unwrap().to_owned();
    let (_, etag) = read(&app, &editor, &id).await;
    let writers: Vec<_> = (0..8)
        .map(|n| {
            let (client, url, token, etag) = (
                app.client.clone(),
                app.url(&format!("/v1/articles/{id}")),
                editor.clone(),
                etag.clone(),
            );
            tokio::spawn(async move {
                client
                    .patch(url)
                    .bearer_auth(token)
                    .header("if-match", etag)
                    .json(&json!({"title": format!("Writer {n}")}))
                    .send()
                    .await
                    .expect("PATCH")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for writer in writers {
        statuses.push(writer.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412, 412, 412, 412, 412, 412, 412]);
    app.stop().await;
}

common::backends!(delete_honours_if_match);
async fn delete_honours_if_match() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let article = create(&app, &editor, 3, "published").await;
    let id = article["id"].as_str().unwrap();
    let (_, stale) = read(&app, &editor, id).await;
    assert_eq!(
        patch(&app, &editor, id, None, json!({"add_tags": ["Later"]}))
            .await
            .status(),
        200
    );
    let delete = |tag: String| {
        app.client
            .delete(app.url(&format!("/v1/articles/{id}")))
            .bearer_auth(&editor)
            .header("if-match", tag)
            .send()
    };
    let refused = delete(stale).await.unwrap();
    assert_problem(refused, 412).await;
    let (_, current) = read(&app, &editor, id).await;
    assert_eq!(delete(current).await.unwrap().status(), 204);
    let gone = app.get(&format!("/v1/articles/{id}")).await;
    assert_problem(gone, 404).await;
    app.stop().await;
}

common::backends!(readers_read_drafts_and_anonymous_callers_do_not);
async fn readers_read_drafts_and_anonymous_callers_do_not() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let reader = app.token(Role::Reader).await;
    let draft = create(&app, &editor, 4, "draft").await;
    let id = draft["id"].as_str().unwrap();
    let slug = draft["slug"].as_str().unwrap();

    let (seen, _) = read(&app, &reader, slug).await;
    assert_eq!(seen["status"], "draft");
    let listed: Value = app
        .client
        .get(app.url("/v1/articles?status=draft"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["data"][0]["id"], id);

    assert_problem(app.get(&format!("/v1/articles/{id}")).await, 404).await;
    assert_problem(app.get("/v1/articles?status=any").await, 401).await;
    let public: Value = app.get_json("/v1/articles").await;
    assert_eq!(public["data"], json!([]));
    // Still no writes for a reader.
    let write = patch(&app, &reader, id, None, json!({"title": "Reader's"})).await;
    assert_problem(write, 403).await;
    app.stop().await;
}

common::backends!(the_token_endpoint_says_who_is_asking);
async fn the_token_endpoint_says_who_is_asking() {
    let app = spawn_app().await;
    let reader = app.token(Role::Reader).await;
    let editor = app.editor().await;
    for (token, role, can_write) in [(&reader, "reader", false), (&editor, "editor", true)] {
        let me: Value = app
            .client
            .get(app.url("/v1/token"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], role);
        assert_eq!(me["can_write"], can_write);
        assert_eq!(me["name"], "test");
        assert!(!me.to_string().contains(token.as_str()), "no secret echoed");
    }
    assert_problem(app.get("/v1/token").await, 401).await;
    app.stop().await;
}

common::backends!(kickers_are_edited_and_searched);
async fn kickers_are_edited_and_searched() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let article = create(&app, &editor, 5, "published").await;
    let id = article["id"].as_str().unwrap();
    let response = patch(
        &app,
        &editor,
        id,
        None,
        json!({"kickers": ["  Harbour Budget  ", "Zanzibarish Vote", "Harbour Budget", ""]}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["kickers"],
        json!(["Harbour Budget", "Zanzibarish Vote"])
    );
    let found: Value = app.get_json("/v1/articles?q=zanzibarish").await;
    assert_eq!(found["data"][0]["id"], id, "kickers are searchable");
    let too_many: Vec<String> = (0..21).map(|n| format!("k{n}")).collect();
    let response = patch(&app, &editor, id, None, json!({"kickers": too_many})).await;
    assert_problem(response, 400).await;
    app.stop().await;
}

fn entity_slugs(article: &Value) -> Vec<String> {
    article["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_owned())
        .collect()
}

common::backends!(an_entity_removed_from_an_article_stays_off_after_edits);
async fn an_entity_removed_from_an_article_stays_off_after_edits() {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let stored: Value = app
        .ingest_text(&editor, FIXTURE)
        .await
        .json()
        .await
        .expect("json");
    let id = stored["id"].as_str().unwrap();
    let slugs = entity_slugs(&stored);
    assert!(slugs.len() >= 2, "the fixture names entities: {slugs:?}");
    let gone = slugs[1].clone();

    let response = patch(&app, &editor, id, None, json!({"remove_entities": [gone]})).await;
    assert_eq!(response.status(), 200);
    let after: Value = response.json().await.unwrap();
    assert!(!entity_slugs(&after).contains(&gone));
    assert_eq!(entity_slugs(&after).len(), slugs.len() - 1);

    // An edit of the text extracts the entities again: the removed one stays off.
    let title = format!("{} (updated)", stored["title"].as_str().unwrap());
    let response = patch(&app, &editor, id, None, json!({"title": title})).await;
    let edited: Value = response.json().await.unwrap();
    assert!(
        !entity_slugs(&edited).contains(&gone),
        "{:?}",
        entity_slugs(&edited)
    );
    let reprocessed: Value = app
        .client
        .post(app.url(&format!("/v1/articles/{id}/reprocess")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!entity_slugs(&reprocessed).contains(&gone));
    // The entity's own page no longer lists the article.
    let listed: Value = app.get_json(&format!("/v1/entities/{gone}/articles")).await;
    assert!(listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["id"] != id));

    // Restored, extraction links it again.
    let response = patch(&app, &editor, id, None, json!({"restore_entities": [gone]})).await;
    let restored: Value = response.json().await.unwrap();
    assert!(entity_slugs(&restored).contains(&gone));

    let unknown = patch(
        &app,
        &editor,
        id,
        None,
        json!({"remove_entities": ["no-such-entity"]}),
    )
    .await;
    // A name that matches no entity conflicts with what is stored: 409 naming it (the article
    // itself exists), as merging into a missing entity is.
    let problem = assert_problem(unknown, 409).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("no-such-entity"));
    let unknown = patch(
        &app,
        &editor,
        id,
        None,
        json!({"restore_entities": ["no-such-entity"]}),
    )
    .await;
    assert_problem(unknown, 409).await;
    app.stop().await;
}

common::backends!(pages_are_served_with_their_security_headers);
async fn pages_are_served_with_their_security_headers() {
    let app = spawn_app().await;
    for (path, content_type) in [
        ("/desk", "text/html; charset=utf-8"),
        ("/docs", "text/html; charset=utf-8"),
        ("/assets/desk.js", "text/javascript; charset=utf-8"),
        ("/assets/docs.js", "text/javascript; charset=utf-8"),
        ("/assets/site.css", "text/css; charset=utf-8"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert_eq!(headers["content-type"], content_type, "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        // Revalidated with the ETag.
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let again = app
            .client
            .get(app.url(path))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }
    // No inline script anywhere: every script is a file of this origin.
    let handler = regex::Regex::new(r"\son[a-z]+\s*=").unwrap();
    let foreign = regex::Regex::new(r#"(src|href)\s*=\s*"(https?:)?//"#).unwrap();
    for page in ["/", "/desk", "/docs"] {
        let html = app
            .client
            .get(app.url(page))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            assert!(
                tag.contains("src=\"/assets/"),
                "{page}: inline script {tag}"
            );
        }
        assert!(
            !handler.is_match(&html),
            "{page} has an inline event handler"
        );
        assert!(!foreign.is_match(&html), "{page} loads from another origin");
    }
    assert_problem(app.get("/assets/nope.js").await, 404).await;
    assert_problem(app.get("/assets/..%2Fmod.rs").await, 404).await;
    app.stop().await;
}

common::backends!(the_front_page_is_html_for_browsers_and_json_for_api_clients);
async fn the_front_page_is_html_for_browsers_and_json_for_api_clients() {
    let app = spawn_app().await;
    let html = app
        .client
        .get(app.url("/"))
        .header(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    assert!(html.headers()["vary"].to_str().unwrap().contains("accept"));
    let page = html.text().await.unwrap();
    for link in ["/desk", "/docs", "/openapi.json", "/healthz"] {
        assert!(
            page.contains(&format!("href=\"{link}\"")),
            "links to {link}"
        );
    }
    for accept in [None, Some("application/json"), Some("*/*")] {
        let mut request = app.client.get(app.url("/"));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "application/json");
        let index: Value = response.json().await.unwrap();
        assert_eq!(index["links"]["desk"], "/desk");
        assert_eq!(index["links"]["openapi"], "/openapi.json");
    }
    app.stop().await;
}

common::backends!(the_openapi_document_describes_what_the_desk_uses);
async fn the_openapi_document_describes_what_the_desk_uses() {
    let app = spawn_app().await;
    let doc: Value = app.get_json("/openapi.json").await;
    let article = &doc["paths"]["/v1/articles/{id_or_slug}"];
    for method in ["patch", "delete"] {
        assert!(
            article[method]["responses"]["412"].is_object(),
            "{method} documents 412"
        );
        let params = article[method]["parameters"].as_array().unwrap();
        assert!(params
            .iter()
            .any(|p| p["name"] == "If-Match" && p["in"] == "header"));
    }
    let patch = doc["components"]["schemas"]["ArticlePatch"]["properties"].clone();
    for field in ["kickers", "remove_entities", "restore_entities"] {
        assert!(patch[field].is_object(), "ArticlePatch.{field}");
    }
    assert!(doc["paths"]["/v1/token"]["get"].is_object());
    let explained: Value = app.get_json("/problems/precondition-failed").await;
    assert_eq!(explained["status"], 412);
    app.stop().await;
}

common::backends!(the_store_checks_if_match_in_the_writing_transaction);
async fn the_store_checks_if_match_in_the_writing_transaction() {
    use newsdesk::store::articles::{ArticleChanges, IfMatch};
    use newsdesk::store::StoreError;

    let app = spawn_app().await;
    let editor = app.editor().await;
    let created = create(&app, &editor, 6, "published").await;
    let id = created["id"].as_str().unwrap();
    let store = &app.state.store;
    let read = store.get_article(id, true).await.unwrap();
    let (_, seen) = newsdesk::store::docs::render(&read);
    // Another writer, after this one read.
    store
        .update_article(
            id,
            &ArticleChanges {
                title: Some("Theirs".into()),
                ..ArticleChanges::default()
            },
        )
        .await
        .unwrap();
    let stale = Some(IfMatch::Tags(vec![seen]));
    let refused = store
        .update_article(
            id,
            &ArticleChanges {
                title: Some("Mine".into()),
                if_match: stale.clone(),
                ..ArticleChanges::default()
            },
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::PreconditionFailed { .. })),
        "{refused:?}"
    );
    let refused = store.delete_article(id, stale.as_ref()).await;
    assert!(matches!(
        refused,
        Err(StoreError::PreconditionFailed { .. })
    ));
    let now = store.get_article(id, true).await.unwrap();
    assert_eq!(now.title, "Theirs");
    let (_, current) = newsdesk::store::docs::render(&now);
    store
        .delete_article(id, Some(&IfMatch::Tags(vec![current])))
        .await
        .unwrap();
    app.stop().await;
}
