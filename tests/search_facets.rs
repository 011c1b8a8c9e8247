//! A search's tag, entity, language and source filters are intersected by the full-text index
//! itself on SQLite (migration 0012: the `facets` column), and a time-ordered list with two
//! filters or more may be made from the index's candidates. Whatever the path, a filtered page
//! must hold exactly what the filters over the links give: after every change of the links
//! (ingest, batch ingest, tags and entities edited, an entity merged, an article reprocessed, a
//! tag deleted, an article deleted), on both backends, a filtered search finds exactly the
//! articles the unfiltered search finds that each filter's own list holds, in the list's order
//! when time-ordered.

mod common;

use std::collections::BTreeSet;

use common::{spawn_app, TestApp, FIXTURE};
use serde_json::{json, Value};

/// An English article naming some of the desk's entities, in a tag, from a source.
fn article(n: usize, tag: &str, names: &[&str], source: &str) -> Value {
    let names = names
        .iter()
        .map(|name| format!("{name} spoke for the plan."))
        .collect::<Vec<_>>()
        .join(" ");
    let mut rare = String::new();
    if n % 5 == 0 {
        rare.push_str(" The old lighthouse will be painted.");
    }
    if n % 4 == 1 {
        rare.push_str(" Lena Varga chaired the session.");
    }
    json!({
        "text": format!(
            "Council approves budget number {n} for the harbour district\n\
             The city council approved spending plan {n} on Tuesday after a long debate about roads, schools and the harbour. {names}{rare}\n\
             Members said the plan number {n} would fund new buses, repair the old bridge and hire more teachers for the district schools.\n\
             The mayor welcomed the vote and said work would start in the spring, with a first report due before the summer recess."
        ),
        "url": format!("https://{source}/2024/03/{:02}/budget-{n}", (n % 28) + 1),
        "tags": [tag],
    })
}

struct Desk {
    app: TestApp,
    editor: String,
    /// Slugs of the entities the desk created: Jane Quorra, Mark Tellis.
    quorra: String,
    tellis: String,
    /// Slugs of the Hindi fixture's entities.
    hindi: Vec<String>,
}

const TAGS: [&str; 3] = ["Alpha", "Beta", "Gamma"];

async fn create_entity(app: &TestApp, editor: &str, name: &str) -> Value {
    create_typed_entity(app, editor, name, "person").await
}

async fn create_typed_entity(app: &TestApp, editor: &str, name: &str, kind: &str) -> Value {
    let response = app
        .client
        .post(app.url("/v1/entities"))
        .bearer_auth(editor)
        .json(&json!({"name": name, "type": kind}))
        .send()
        .await
        .unwrap();
    // 200: the name was already an entity (found in the articles), now the desk's.
    assert!(
        [200, 201].contains(&response.status().as_u16()),
        "create {name}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

fn names_of(n: usize) -> Vec<&'static str> {
    let mut names = Vec::new();
    if n % 2 == 0 {
        names.push("Jane Quorra");
    }
    if n % 3 == 0 {
        names.push("Mark Tellis");
    }
    names
}

fn source_of(n: usize) -> &'static str {
    if n % 4 == 0 {
        "other.example.org"
    } else {
        "news.example.com"
    }
}

/// Two entities of the desk's own, 12 English articles naming them, the Hindi fixture.
async fn desk() -> Desk {
    let app = spawn_app().await;
    let editor = app.editor().await;
    let quorra = create_entity(&app, &editor, "Jane Quorra").await["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let tellis = create_entity(&app, &editor, "Mark Tellis").await["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    for n in 0..12 {
        let response = app
            .ingest_json(
                &editor,
                &article(n, TAGS[n % 3], &names_of(n), source_of(n)),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let hindi: Value = app
        .ingest_text(&editor, FIXTURE)
        .await
        .json()
        .await
        .unwrap();
    let hindi = hindi["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_owned())
        .collect();
    let desk = Desk {
        app,
        editor,
        quorra,
        tellis,
        hindi,
    };
    assert_eq!(
        desk.app
            .walk(&format!("/v1/articles?entity={}", desk.quorra))
            .await
            .len(),
        6,
        "the articles name the desk's entities"
    );
    desk
}

impl Desk {
    /// Checks every filtered page against the filters' own lists.
    async fn agree(&self, context: &str) {
        let app = &self.app;
        let everything = app.walk("/v1/articles?limit=100").await;
        let mut filters: Vec<Vec<String>> = vec![
            vec!["tag=alpha".into()],
            vec!["tag=beta".into()],
            vec!["tag=gamma".into()],
            vec!["tag=delta".into()],
            vec![format!("entity={}", self.quorra)],
            vec![format!("entity={}", self.tellis)],
            vec!["tag=alpha".into(), format!("entity={}", self.quorra)],
            vec!["lang=en".into(), "source=other.example.org".into()],
            vec!["tag=beta".into(), "source=news.example.com".into()],
            vec![format!("entity={}", self.quorra), "lang=hi".into()],
            vec![
                format!("entity={}", self.quorra),
                format!("entity={}", self.tellis),
            ],
        ];
        if let Some(hindi) = self.hindi.first() {
            filters.push(vec![format!("entity={hindi}"), "lang=hi".into()]);
            filters.push(vec![format!("entity={hindi}"), "lang=en".into()]);
        }
        for filter in &filters {
            // The truth: each filter alone, over the links or the articles' own columns.
            let mut truth: Option<BTreeSet<String>> = None;
            for one in filter {
                let listed: BTreeSet<String> = app
                    .walk(&format!("/v1/articles?{one}&limit=100"))
                    .await
                    .into_iter()
                    .collect();
                truth = Some(match truth {
                    None => listed,
                    Some(t) => t.intersection(&listed).cloned().collect(),
                });
            }
            let truth = truth.unwrap_or_default();
            let joined = filter.join("&");
            let in_order = |set: &BTreeSet<String>| -> Vec<String> {
                everything
                    .iter()
                    .filter(|id| set.contains(*id))
                    .cloned()
                    .collect()
            };
            if filter.len() > 1 {
                assert_eq!(
                    app.walk(&format!("/v1/articles?{joined}&limit=2")).await,
                    in_order(&truth),
                    "{context}: {joined}"
                );
            }
            for q in [
                "council",
                "lighthouse",
                "quorra OR tellis",
                "council -lighthouse",
                "पुतिन",
            ] {
                let q_enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
                let found: BTreeSet<String> = app
                    .walk(&format!("/v1/articles?q={q_enc}&limit=100"))
                    .await
                    .into_iter()
                    .collect();
                let expected: BTreeSet<String> = found.intersection(&truth).cloned().collect();
                let ranked: Vec<String> = app
                    .walk(&format!("/v1/articles?q={q_enc}&{joined}&limit=3"))
                    .await;
                assert_eq!(
                    ranked.iter().cloned().collect::<BTreeSet<_>>(),
                    expected,
                    "{context}: q={q}&{joined}, by relevance"
                );
                assert_eq!(ranked.len(), expected.len(), "{context}: q={q}&{joined}");
                assert_eq!(
                    app.walk(&format!(
                        "/v1/articles?q={q_enc}&{joined}&sort=-published_at&limit=2"
                    ))
                    .await,
                    in_order(&expected),
                    "{context}: q={q}&{joined}, newest first"
                );
            }
        }
    }

    async fn patch(&self, id: &str, body: Value) -> Value {
        let response = self
            .app
            .client
            .patch(self.app.url(&format!("/v1/articles/{id}")))
            .bearer_auth(&self.editor)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "PATCH {id} {body}");
        response.json().await.unwrap()
    }

    /// The id of the newest article of a list.
    async fn first_of(&self, query: &str) -> String {
        self.app
            .walk(&format!("/v1/articles?{query}&limit=100"))
            .await[0]
            .clone()
    }
}

common::backends!(filtered_searches_agree_after_ingest_and_batch_ingest);
async fn filtered_searches_agree_after_ingest_and_batch_ingest() {
    let desk = desk().await;
    desk.agree("after ingest").await;
    let batch: String = (12..20)
        .map(|n| {
            serde_json::to_string(&article(n, TAGS[n % 3], &names_of(n), source_of(n))).unwrap()
                + "\n"
        })
        .collect();
    let response = desk
        .app
        .client
        .post(desk.app.url("/v1/ingest/batch"))
        .bearer_auth(&desk.editor)
        .header("content-type", "application/x-ndjson")
        .body(batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // The answer streams as the batch is written: read to its end.
    let results = response.text().await.unwrap();
    assert_eq!(results.lines().count(), 8, "{results}");
    assert!(!results.contains("\"error\""), "{results}");
    desk.agree("after a batch").await;
    desk.app.stop().await;
}

common::backends!(filtered_searches_agree_after_tags_are_edited);
async fn filtered_searches_agree_after_tags_are_edited() {
    let desk = desk().await;
    let alpha = desk.first_of("tag=alpha").await;
    desk.patch(&alpha, json!({"tags": ["Beta", "Delta"]})).await;
    desk.agree("after tags replaced").await;
    let gamma = desk.first_of("tag=gamma").await;
    desk.patch(&gamma, json!({"add_tags": ["Alpha"]})).await;
    desk.agree("after a tag added").await;
    desk.patch(&gamma, json!({"remove_tags": ["Gamma", "Alpha"]}))
        .await;
    desk.agree("after tags removed").await;
    desk.app.stop().await;
}

common::backends!(filtered_searches_agree_after_entities_are_edited);
async fn filtered_searches_agree_after_entities_are_edited() {
    let desk = desk().await;
    let id = desk.first_of(&format!("entity={}", desk.quorra)).await;
    desk.patch(&id, json!({"remove_entities": [desk.quorra]}))
        .await;
    desk.agree("after an entity removed").await;
    desk.patch(&id, json!({"restore_entities": [desk.quorra], "title": "Council approves the harbour budget again"}))
        .await;
    desk.agree("after an entity restored by an edit").await;
    desk.app.stop().await;
}

common::backends!(filtered_searches_agree_after_entities_are_merged);
async fn filtered_searches_agree_after_entities_are_merged() {
    let desk = desk().await;
    let into = desk
        .app
        .get_json(&format!("/v1/entities/{}", desk.quorra))
        .await["id"]
        .clone();
    let response = desk
        .app
        .client
        .post(desk.app.url(&format!("/v1/entities/{}/merge", desk.tellis)))
        .bearer_auth(&desk.editor)
        .json(&json!({ "into": into }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Articles that named only Mark Tellis are now Jane Quorra's too.
    assert_eq!(
        desk.app
            .walk(&format!("/v1/articles?entity={}", desk.quorra))
            .await
            .len(),
        8
    );
    desk.agree("after a merge").await;
    // And a merge of the merged entity's survivor into a new one: a chain.
    let next = create_entity(&desk.app, &desk.editor, "Ada Quorra-Tellis").await;
    let response = desk
        .app
        .client
        .post(desk.app.url(&format!("/v1/entities/{}/merge", desk.quorra)))
        .bearer_auth(&desk.editor)
        .json(&json!({ "into": next["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let desk = Desk {
        quorra: next["slug"].as_str().unwrap().to_owned(),
        ..desk
    };
    assert_eq!(
        desk.app
            .walk(&format!("/v1/articles?entity={}", desk.quorra))
            .await
            .len(),
        8
    );
    desk.agree("after a chain of merges").await;
    desk.app.stop().await;
}

common::backends!(filtered_searches_agree_after_reprocessing);
async fn filtered_searches_agree_after_reprocessing() {
    let mut desk = desk().await;
    // An entity the stored articles name, made after they were stored (of another type than
    // the one found in them, so a new one): only reprocessing links them to it.
    let late = create_typed_entity(&desk.app, &desk.editor, "Lena Varga", "organization").await;
    let id = desk.first_of("q=varga").await;
    let slug = late["slug"].as_str().unwrap().to_owned();
    assert!(
        desk.app
            .walk(&format!("/v1/articles?entity={slug}"))
            .await
            .is_empty(),
        "no article is linked to the new entity before reprocessing"
    );
    let response = desk
        .app
        .client
        .post(desk.app.url(&format!("/v1/articles/{id}/reprocess")))
        .bearer_auth(&desk.editor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        desk.app
            .walk(&format!("/v1/articles?entity={slug}"))
            .await
            .contains(&id),
        "reprocessing linked the article to the new entity"
    );
    desk.tellis = slug;
    desk.agree("after reprocessing").await;
    desk.app.stop().await;
}

common::backends!(filtered_searches_agree_after_tags_and_articles_are_deleted);
async fn filtered_searches_agree_after_tags_and_articles_are_deleted() {
    let desk = desk().await;
    // The newest tag deleted and made again: SQLite may give the new tag the old one's id,
    // which the old articles' index rows still carry.
    let id = desk.first_of("tag=alpha").await;
    desk.patch(&id, json!({"add_tags": ["Delta"]})).await;
    let response = desk
        .app
        .client
        .delete(desk.app.url("/v1/tags/delta"))
        .bearer_auth(&desk.editor)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    desk.agree("after a tag deleted").await;
    let response = desk
        .app
        .ingest_json(&desk.editor, &article(40, "Delta", &[], "news.example.com"))
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(desk.app.walk("/v1/articles?tag=delta").await.len(), 1);
    desk.agree("after a tag made again").await;
    let gone = desk.first_of(&format!("entity={}", desk.quorra)).await;
    let response = desk
        .app
        .client
        .delete(desk.app.url(&format!("/v1/articles/{gone}")))
        .bearer_auth(&desk.editor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    desk.agree("after an article deleted").await;
    let admin = desk.app.token(newsdesk::store::tokens::Role::Admin).await;
    let purged = desk.first_of("tag=beta").await;
    let response = desk
        .app
        .client
        .delete(desk.app.url(&format!("/v1/articles/{purged}?purge=true")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    desk.agree("after an article purged").await;
    desk.app.stop().await;
}
