//! Entities and tags against the real server: cross-script identity across articles, prefix
//! search in any script, curation (create, edit, merge, reprocess) and tag management.

mod common;

use common::{assert_problem, spawn_app, FIXTURE};
use newsdesk::store::tokens::Role;
use serde_json::{json, Value};

const ENGLISH_PUTIN: &str = "Putin hosts Kim Jong Un at a remote spaceport\n\
Russian President Vladimir Putin welcomed North Korea's leader Kim Jong Un at the Vostochny Cosmodrome on Wednesday.\n\
Putin said the two countries would deepen their ties, while Kim promised full support, according to the Kremlin.\n\
The meeting worried officials in Washington and Seoul, who fear an arms deal between the two neighbours.";

fn names(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}

common::backends!(one_person_across_scripts_and_articles);
async fn one_person_across_scripts_and_articles() {
    let app = spawn_app().await;
    let token = app.editor().await;
    assert_eq!(app.ingest_text(&token, FIXTURE).await.status(), 201);
    assert_eq!(app.ingest_text(&token, ENGLISH_PUTIN).await.status(), 201);

    let people = app.get_json("/v1/entities?type=person&q=put").await;
    assert_eq!(people["data"].as_array().unwrap().len(), 1, "{people}");
    let putin = &people["data"][0];
    assert_eq!(putin["article_count"], 2);
    let aliases: Vec<&str> = putin["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["alias"].as_str().unwrap())
        .collect();
    assert!(
        aliases.contains(&"पुतिन") && aliases.contains(&"Putin"),
        "{aliases:?}"
    );

    let deva = app
        .get_json("/v1/entities?q=%E0%A4%AA%E0%A5%81%E0%A4%A4%E0%A4%BF")
        .await; // पुति
    assert!(deva["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == putin["id"]));

    let slug = putin["slug"].as_str().unwrap();
    let detail = app.get_json(&format!("/v1/entities/{slug}")).await;
    assert_eq!(detail["type"], "person");
    let related: Vec<&str> = detail["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        related
            .iter()
            .any(|n| n.contains("किम") || n.contains("Kim")),
        "{related:?}"
    );

    let articles = app.get_json(&format!("/v1/entities/{slug}/articles")).await;
    assert_eq!(articles["data"].as_array().unwrap().len(), 2);
    let by_id = app
        .get_json(&format!(
            "/v1/entities/{}/articles?lang=en",
            putin["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_id["data"].as_array().unwrap().len(), 1);

    // Sorted by name, paginated.
    let page = app.get_json("/v1/entities?sort=name&limit=2").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    let next = page["next"].as_str().unwrap().to_owned();
    let second = app.get_json(&next).await;
    assert!(names(&second).iter().all(|n| !names(&page).contains(n)));
    assert_problem(app.get("/v1/entities?type=animal").await, 400).await;
    assert_problem(app.get("/v1/entities?sort=size").await, 400).await;
    assert_problem(app.get("/v1/entities/nobody-at-all").await, 404).await;
    app.stop().await;
}

common::backends!(dictionary_entries_are_recognized_in_new_articles_and_on_reprocess);
async fn dictionary_entries_are_recognized_in_new_articles_and_on_reprocess() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let text = "Minister opens the new Zorblax Foundry in the valley\n\
The minister opened the Zorblax Foundry on Monday, saying the plant would employ hundreds of people in the valley.\n\
Workers at the Zorblax Foundry said they hoped the jobs would last, after years of closures across the region.";
    let created: Value = app.ingest_text(&token, text).await.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();

    let entry = app
        .client
        .post(app.url("/v1/entities"))
        .bearer_auth(&token)
        .json(&json!({"name": "Zorblax Foundry", "type": "organization", "aliases": ["ज़ोरब्लैक्स फाउंड्री"]}))
        .send()
        .await
        .unwrap();
    assert!(
        entry.status() == 201 || entry.status() == 200,
        "{}",
        entry.status()
    );
    let entry: Value = entry.json().await.unwrap();
    assert_eq!(entry["curated"], true);
    assert_eq!(entry["type"], "organization");
    let again = app
        .client
        .post(app.url("/v1/entities"))
        .bearer_auth(&token)
        .json(&json!({"name": "Zorblax Foundry", "type": "organization"}))
        .send()
        .await
        .unwrap();
    assert_problem(again, 409).await;

    let reprocessed = app
        .client
        .post(app.url(&format!("/v1/articles/{id}/reprocess")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(reprocessed.status(), 200);
    let reprocessed: Value = reprocessed.json().await.unwrap();
    let linked = reprocessed["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == entry["id"])
        .expect("linked to the entry");
    assert_eq!(linked["mentions"], 3, "title and two paragraphs");

    // A Hindi article using the Devanagari alias lands on the same entry.
    let hindi = "ज़ोरब्लैक्स फाउंड्री में नई भर्तियां शुरू\nघाटी में ज़ोरब्लैक्स फाउंड्री ने सोमवार को सैकड़ों नए कर्मचारियों की भर्ती शुरू की है और काम जल्द शुरू होगा.";
    let hindi: Value = app.ingest_text(&token, hindi).await.json().await.unwrap();
    assert!(
        hindi["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == entry["id"]),
        "{}",
        hindi["entities"]
    );
    let detail = app
        .get_json(&format!("/v1/entities/{}", entry["slug"].as_str().unwrap()))
        .await;
    assert_eq!(detail["article_count"], 2);
    app.stop().await;
}

common::backends!(merging_moves_articles_joins_aliases_and_redirects_the_old_slug);
async fn merging_moves_articles_joins_aliases_and_redirects_the_old_slug() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let create = |name: &'static str, alias: &'static str| {
        app.client
            .post(app.url("/v1/entities"))
            .bearer_auth(&token)
            .json(&json!({"name": name, "type": "person", "aliases": [alias]}))
            .send()
    };
    let a: Value = create("Jane Quorra", "Quorra")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b: Value = create("J. Quorra-Smith", "Quorra-Smith")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = "Jane Quorra wins the city marathon\nJane Quorra crossed the line first on Sunday, ahead of a field of three thousand runners.\nJ. Quorra-Smith, as the results list named her, said she had trained for a year.";
    assert_eq!(app.ingest_text(&token, text).await.status(), 201);

    let merged = app
        .client
        .post(app.url(&format!(
            "/v1/entities/{}/merge",
            b["slug"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .json(&json!({"into": a["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(merged.status(), 200);
    let merged: Value = merged.json().await.unwrap();
    let aliases: Vec<&str> = merged["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["alias"].as_str().unwrap())
        .collect();
    assert!(
        aliases.contains(&"Quorra-Smith") && aliases.contains(&"Quorra"),
        "{aliases:?}"
    );
    assert_eq!(merged["article_count"], 1);

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let old = no_redirects
        .get(app.url(&format!("/v1/entities/{}", b["slug"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 308);
    assert_eq!(
        old.headers()["location"],
        format!("/v1/entities/{}", a["slug"].as_str().unwrap())
    );
    // Followed, it lands on the survivor.
    let followed = app
        .get_json(&format!("/v1/entities/{}", b["id"].as_str().unwrap()))
        .await;
    assert_eq!(followed["id"], a["id"]);

    let to_self = app
        .client
        .post(app.url(&format!(
            "/v1/entities/{}/merge",
            a["slug"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .json(&json!({"into": a["slug"]}))
        .send()
        .await
        .unwrap();
    assert_problem(to_self, 409).await;
    // `into` naming no entity: the body conflicts with what is stored (409, naming it); the
    // path's entity exists, so it is not a 404.
    let into_nothing = app
        .client
        .post(app.url(&format!(
            "/v1/entities/{}/merge",
            a["slug"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .json(&json!({"into": "no-such-entity"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(into_nothing, 409).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("no-such-entity"));

    let patched = app
        .client
        .patch(app.url(&format!("/v1/entities/{}", a["slug"].as_str().unwrap())))
        .bearer_auth(&token)
        .json(&json!({"name": "Jane Quorra-Smith", "add_aliases": ["जेन क्वोरा"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["name"], "Jane Quorra-Smith");
    assert_eq!(patched["slug"], a["slug"], "slug stays");
    assert!(patched["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["alias"] == "जेन क्वोरा" && x["script"] == "Deva"));
    app.stop().await;
}

common::backends!(entity_and_tag_writes_need_an_editor);
async fn entity_and_tag_writes_need_an_editor() {
    let app = spawn_app().await;
    let reader = app.token(Role::Reader).await;
    let anonymous = app
        .client
        .post(app.url("/v1/entities"))
        .json(&json!({"name": "X Y", "type": "person"}))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401).await;
    let as_reader = app
        .client
        .post(app.url("/v1/tags"))
        .bearer_auth(&reader)
        .json(&json!({"name": "Elections"}))
        .send()
        .await
        .unwrap();
    assert_problem(as_reader, 403).await;
    app.stop().await;
}

common::backends!(tags_are_listed_created_renamed_and_deleted);
async fn tags_are_listed_created_renamed_and_deleted() {
    let app = spawn_app().await;
    let token = app.editor().await;
    assert_eq!(app.ingest_text(&token, FIXTURE).await.status(), 201);

    let tags = app.get_json("/v1/tags").await;
    let slugs: Vec<&str> = tags["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        ["putin-kim-jong-gift-guns", "putin-kim-jong-meeting"]
    );
    assert_eq!(tags["data"][0]["article_count"], 1);
    assert_eq!(
        app.get_json("/v1/tags?q=putin-kim-jong-m").await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get_json("/v1/tags?q=Putin%20Kim").await["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let create = |name: &'static str| {
        app.client
            .post(app.url("/v1/tags"))
            .bearer_auth(&token)
            .json(&json!({"name": name}))
            .send()
    };
    let created = create("  Elections   2024 ").await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/v1/tags/elections-2024");
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["name"], "Elections 2024");
    assert_problem(create("elections 2024").await.unwrap(), 409).await;
    assert_problem(create("   ").await.unwrap(), 400).await;
    assert_problem(create("!!!").await.unwrap(), 400).await;

    let renamed = app
        .client
        .patch(app.url("/v1/tags/elections-2024"))
        .bearer_auth(&token)
        .json(&json!({"name": "General Elections 2024"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        app.get_json("/v1/tags/elections-2024").await["name"],
        "General Elections 2024"
    );

    let articles = app
        .get_json("/v1/tags/putin-kim-jong-meeting/articles")
        .await;
    assert_eq!(articles["data"].as_array().unwrap().len(), 1);
    let deleted = app
        .client
        .delete(app.url("/v1/tags/putin-kim-jong-meeting"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_problem(app.get("/v1/tags/putin-kim-jong-meeting").await, 404).await;
    assert_problem(
        app.get("/v1/tags/putin-kim-jong-meeting/articles").await,
        404,
    )
    .await;
    let article = app.get_json("/v1/articles?lang=hi").await;
    assert_eq!(
        article["data"][0]["tags"],
        json!([{"slug": "putin-kim-jong-gift-guns", "name": "Putin-Kim Jong Gift Guns"}])
    );
    app.stop().await;
}

/// Every field of an article, so `?fields=` makes the server assemble it from its tables.
const ALL_FIELDS: &str = "id,slug,status,title,summary,kickers,language,script,lead_image,blocks,\
body_text,word_count,reading_time_minutes,published_at,published_at_source,url,source_domain,\
authors,tags,entities,content_hash,created_at,updated_at";

/// The kept document of each article (the plain read) equals the article assembled from its
/// tables, before and after the missing documents are rendered again; answers the documents.
async fn assert_docs_current(app: &common::TestApp, ids: &[String]) -> Vec<Value> {
    let before = compare_docs(app, ids).await;
    app.state.store.fill_missing_docs(100).await.unwrap();
    assert_eq!(kept(app, ids).await, vec![true; ids.len()]);
    let after = compare_docs(app, ids).await;
    assert_eq!(before, after);
    after
}

async fn compare_docs(app: &common::TestApp, ids: &[String]) -> Vec<Value> {
    let mut docs = Vec::new();
    for id in ids {
        let kept = app.get_json(&format!("/v1/articles/{id}")).await;
        let assembled = app
            .get_json(&format!("/v1/articles/{id}?fields={ALL_FIELDS}"))
            .await;
        assert_eq!(kept, assembled, "article {id}");
        docs.push(kept);
    }
    docs
}

/// Which of these articles have a kept document.
async fn kept(app: &common::TestApp, ids: &[String]) -> Vec<bool> {
    let mut out = Vec::new();
    for id in ids {
        let doc = app.state.store.get_article_doc(id, true).await.unwrap();
        out.push(doc.is_some());
    }
    out
}

common::backends!(kept_article_documents_follow_every_change_that_shows_in_them);
async fn kept_article_documents_follow_every_change_that_shows_in_them() {
    let app = spawn_app().await;
    let token = app.editor().await;
    let send = |request: reqwest::RequestBuilder| async {
        let response = request.bearer_auth(&token).send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response
    };
    let a: Value = send(
        app.client
            .post(app.url("/v1/entities"))
            .json(&json!({"name": "Jane Quorra", "type": "person", "aliases": ["Quorra"]})),
    )
    .await
    .json()
    .await
    .unwrap();
    let b: Value =
        send(app.client.post(app.url("/v1/entities")).json(
            &json!({"name": "J. Quorra-Smith", "type": "person", "aliases": ["Quorra-Smith"]}),
        ))
        .await
        .json()
        .await
        .unwrap();
    let text = "Jane Quorra wins the city marathon\nJane Quorra crossed the line first on Sunday, ahead of a field of three thousand runners.\nJ. Quorra-Smith, as the results list named her, said she had trained for a year.";
    let mut ids = Vec::new();
    for response in [
        app.ingest_text(&token, text).await,
        app.ingest_text(&token, FIXTURE).await,
    ] {
        assert_eq!(response.status(), 201);
        let created: Value = response.json().await.unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        kept(&app, &ids).await,
        [true, true],
        "written with the article"
    );
    assert_docs_current(&app, &ids).await;

    // An entity renamed: only the article that shows it loses its document, until refilled.
    send(
        app.client
            .patch(app.url(&format!("/v1/entities/{}", a["id"].as_str().unwrap())))
            .json(&json!({"name": "Jane Quorra-Smith"})),
    )
    .await;
    assert_eq!(kept(&app, &ids).await, [false, true]);
    let docs = assert_docs_current(&app, &ids).await;
    assert!(docs[0]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == "Jane Quorra-Smith"));

    // Two entities merged.
    send(
        app.client
            .post(app.url(&format!("/v1/entities/{}/merge", b["id"].as_str().unwrap())))
            .json(&json!({"into": a["id"]})),
    )
    .await;
    let docs = assert_docs_current(&app, &ids).await;
    assert!(!docs[0]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == b["id"]));

    // A tag renamed, then deleted.
    send(
        app.client
            .patch(app.url("/v1/tags/putin-kim-jong-meeting"))
            .json(&json!({"name": "Putin Kim Summit"})),
    )
    .await;
    let docs = assert_docs_current(&app, &ids).await;
    assert!(docs[1]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "Putin Kim Summit"));
    send(
        app.client
            .delete(app.url("/v1/tags/putin-kim-jong-meeting")),
    )
    .await;
    let docs = assert_docs_current(&app, &ids).await;
    assert_eq!(docs[1]["tags"].as_array().unwrap().len(), 1);

    // Another article gives an entity shown in the Hindi article new (English) aliases.
    let response = app.ingest_text(&token, ENGLISH_PUTIN).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    ids.push(created["id"].as_str().unwrap().to_owned());
    assert_docs_current(&app, &ids).await;

    // The article itself edited, then reprocessed.
    send(
        app.client
            .patch(app.url(&format!("/v1/articles/{}", ids[0])))
            .json(&json!({"title": "Jane Quorra-Smith wins the marathon", "add_tags": ["Sport"]})),
    )
    .await;
    let docs = assert_docs_current(&app, &ids).await;
    assert_eq!(docs[0]["title"], "Jane Quorra-Smith wins the marathon");
    send(
        app.client
            .post(app.url(&format!("/v1/articles/{}/reprocess", ids[0]))),
    )
    .await;
    assert_docs_current(&app, &ids).await;
    app.stop().await;
}

common::backends!(entity_and_tag_lists_name_parameters_they_do_not_take);
async fn entity_and_tag_lists_name_parameters_they_do_not_take() {
    let app = spawn_app().await;
    for (path, unknown, taken) in [
        ("/v1/entities?kind=person", "`kind`", "type"),
        (
            "/v1/entities/putin/articles?lang=hi&order=new",
            "`order`",
            "sort",
        ),
        ("/v1/tags?name=budget", "`name`", "q"),
        ("/v1/tags/budget/articles?page=2", "`page`", "cursor"),
    ] {
        let problem = assert_problem(app.get(path).await, 400).await;
        assert_eq!(problem["type"], "/problems/unknown-parameter", "{path}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains(unknown) && detail.contains(taken),
            "{path}: {detail}"
        );
    }
    let token = app.editor().await;
    let created = app
        .ingest_json(&token, &common::english_article(1, "Budget"))
        .await;
    assert_eq!(created.status(), 201);
    let problem = assert_problem(app.get("/v1/tags/budget/articles?lang=zz").await, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("`zz`"),
        "{problem}"
    );
    assert_eq!(
        app.get("/v1/entities?type=person&q=put").await.status(),
        200
    );
    assert_eq!(app.get("/v1/tags?sort=name&limit=5").await.status(), 200);
    app.stop().await;
}
