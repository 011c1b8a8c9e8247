//! Filtered lists walk the filter's own (filter, sort key, article) index (issue 23): every
//! combination of tag, entity, language, source and dates answers exactly the articles a plain
//! filter over all of them gives, in order, page after page, in both orders; an article whose
//! date changes moves in its tag's and entities' lists at once.

mod common;

use common::{english_article, spawn_app, FIXTURE};
use serde_json::{json, Value};

common::backends!(filtered_lists_are_exact_in_order_and_follow_date_changes);
async fn filtered_lists_are_exact_in_order_and_follow_date_changes() {
    let app = spawn_app().await;
    let token = app.editor().await;
    assert_eq!(app.ingest_text(&token, FIXTURE).await.status(), 201);
    // Dates repeat (n % 28), so equal sort keys are told apart by id across pages.
    for n in 0..30 {
        let tag = ["Alpha", "Beta", "Gamma"][n % 3];
        let mut envelope = english_article(n * 5, tag);
        if n % 4 == 0 {
            envelope["tags"] = json!([tag, "Delta"]);
        }
        if n % 5 == 0 {
            envelope["url"] = json!(format!(
                "https://other.example.org/2024/03/{:02}/x-{n}",
                (n * 5 % 28) + 1
            ));
        }
        assert_eq!(app.ingest_json(&token, &envelope).await.status(), 201);
    }
    // What every filter is checked against: each article whole.
    let mut all: Vec<Value> = Vec::new();
    for id in app.walk("/v1/articles?limit=100").await {
        all.push(app.get_json(&format!("/v1/articles/{id}")).await);
    }
    assert_eq!(all.len(), 31);
    // The test's English articles name no entity; the Hindi fixture names several.
    let entity = all
        .iter()
        .filter(|a| a["language"] == "hi")
        .flat_map(|a| a["entities"].as_array().unwrap().iter())
        .map(|e| e["slug"].as_str().unwrap().to_owned())
        .next()
        .expect("an entity of the Hindi article");
    let check = |query: String| {
        let all = &all;
        let app = &app;
        async move {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut expected: Vec<&Value> = all
                .iter()
                .filter(|a| {
                    pairs.iter().all(|(k, v)| match k.as_str() {
                        "tag" => a["tags"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|t| t["slug"] == v.as_str()),
                        "entity" => a["entities"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|e| e["slug"] == v.as_str()),
                        "lang" => a["language"] == v.as_str(),
                        "source" => a["source_domain"] == v.as_str(),
                        "since" => a["published_at"].as_str().is_some_and(|p| p >= v.as_str()),
                        "until" => a["published_at"].as_str().is_some_and(|p| p < v.as_str()),
                        _ => true,
                    })
                })
                .collect();
            let key = |a: &&Value| {
                (
                    a["published_at"].as_str().unwrap().to_owned(),
                    a["id"].as_str().unwrap().to_owned(),
                )
            };
            expected.sort_by_key(|a| std::cmp::Reverse(key(a)));
            let newest: Vec<String> = expected
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect();
            for limit in [2, 3, 100] {
                assert_eq!(
                    app.walk(&format!("/v1/articles?{query}&limit={limit}"))
                        .await,
                    newest,
                    "{query}, limit {limit}"
                );
            }
            let oldest: Vec<String> = newest.iter().rev().cloned().collect();
            assert_eq!(
                app.walk(&format!("/v1/articles?{query}&sort=published_at&limit=3"))
                    .await,
                oldest,
                "{query}, oldest first"
            );
            newest.len()
        }
    };
    assert_eq!(check("tag=alpha".into()).await, 10);
    assert!(check("tag=delta&until=2024-03-15".into()).await > 0);
    assert!(check("tag=alpha&tag=delta".into()).await > 0);
    assert!(check("tag=beta&since=2024-03-10&until=2024-03-25".into()).await > 0);
    check("tag=gamma&source=other.example.org".into()).await;
    assert_eq!(check("tag=gamma&lang=hi".into()).await, 0);
    assert!(check(format!("entity={entity}")).await > 0);
    check(format!("entity={entity}&until=2024-03-12")).await;
    check(format!("entity={entity}&tag=delta&lang=en")).await;
    assert_eq!(check(format!("entity={entity}&lang=en")).await, 0);
    check(format!(
        "entity={entity}&source=other.example.org&since=2024-03-02"
    ))
    .await;
    assert!(check("until=2024-03-09&lang=en".into()).await > 0);

    // A new date moves the article in its tag's and entity's lists at once.
    let oldest_alpha = app
        .walk("/v1/articles?tag=alpha&sort=published_at&limit=1")
        .await[0]
        .clone();
    let response = app
        .client
        .patch(app.url(&format!("/v1/articles/{oldest_alpha}")))
        .bearer_auth(&token)
        .json(&json!({"published_at": "2026-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.walk("/v1/articles?tag=alpha&limit=1").await[0],
        oldest_alpha
    );
    // And in an entity's list: the Hindi article moves behind the English ones' dates.
    let hindi = app
        .walk(&format!("/v1/articles?entity={entity}&limit=1"))
        .await[0]
        .clone();
    let response = app
        .client
        .patch(app.url(&format!("/v1/articles/{hindi}")))
        .bearer_auth(&token)
        .json(&json!({"published_at": "2001-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.walk(&format!("/v1/articles?entity={entity}&until=2001-01-02"))
            .await,
        [hindi]
    );
    assert_eq!(
        app.walk("/v1/articles?tag=alpha&since=2025-12-01").await,
        [oldest_alpha]
    );
    app.stop().await;
}
