//! The OpenAPI document says what the server does: the bounds it states are the constants the
//! handlers check, requests at each edge get the answer the document predicts, every operation
//! lists the answers the middleware can give, and the links lead to operations that exist.
//! (`tools/contract.sh` checks the same with Schemathesis, from outside.)

mod common;

use common::{assert_problem, english_article, spawn_app, TestApp};
use newsdesk::api::limits::{
    IDENTIFIER_PATTERN, MAX_ALIASES, MAX_BLOCKS, MAX_ENTITY_EDITS, MAX_KICKERS, MAX_LIMIT,
    MAX_NAME_CHARS, MAX_PREFIX_CHARS, MAX_SEARCH_CHARS, MAX_TAGS, NAME_PATTERN,
};
use serde_json::{json, Value};

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

fn document() -> Value {
    newsdesk::api::openapi()
}

/// Every (path, method, operation) of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                out.push((path.clone(), method.to_owned(), operation.clone()));
            }
        }
    }
    out
}

/// The schema of a parameter, its `anyOf` branches merged (the non-blank one carries the bounds).
fn parameter_schema(operation: &Value, name: &str) -> Option<Value> {
    let parameter = operation["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?;
    let schema = &parameter["schema"];
    match schema["anyOf"].as_array() {
        Some(branches) => branches.first().cloned(),
        None => Some(schema.clone()),
    }
}

#[test]
fn the_document_states_the_bounds_the_handlers_check() {
    let doc = document();
    let mut limits = 0;
    for (path, method, operation) in operations(&doc) {
        if let Some(limit) = parameter_schema(&operation, "limit") {
            assert_eq!(limit["minimum"], 1, "{method} {path} limit");
            assert_eq!(limit["maximum"], MAX_LIMIT, "{method} {path} limit");
            limits += 1;
        }
        if let Some(q) = parameter_schema(&operation, "q") {
            let expected = if path.ends_with("/articles") || path.starts_with("/v1/feed.") {
                MAX_SEARCH_CHARS
            } else {
                MAX_PREFIX_CHARS
            };
            assert_eq!(q["maxLength"], expected, "{method} {path} q");
        }
        for name in ["id_or_slug", "slug"] {
            if let Some(id) = parameter_schema(&operation, name) {
                assert_eq!(id["pattern"], IDENTIFIER_PATTERN, "{method} {path} {name}");
            }
        }
    }
    // The four lists of the issue and the two nested ones.
    assert!(limits >= 5, "{limits} operations with `limit`");

    let schemas = &doc["components"]["schemas"];
    let name = |schema: &str, property: &str| {
        let value = &schemas[schema]["properties"][property];
        value
            .get("anyOf")
            .and_then(|b| b[0].as_object().cloned())
            .map(Value::Object)
            .unwrap_or_else(|| value.clone())
    };
    for (schema, property) in [
        ("NewEntity", "name"),
        ("EntityPatch", "name"),
        ("TagBody", "name"),
    ] {
        let value = name(schema, property);
        assert_eq!(value["maxLength"], MAX_NAME_CHARS, "{schema}.{property}");
        assert_eq!(value["pattern"], NAME_PATTERN, "{schema}.{property}");
    }
    assert_eq!(name("NewEntity", "aliases")["maxItems"], MAX_ALIASES);
    assert_eq!(
        name("NewEntity", "aliases")["items"]["maxLength"],
        MAX_NAME_CHARS
    );
    assert_eq!(name("EntityPatch", "add_aliases")["maxItems"], MAX_ALIASES);
    assert_eq!(name("ArticlePatch", "blocks")["maxItems"], MAX_BLOCKS);
    assert_eq!(name("ArticlePatch", "tags")["maxItems"], MAX_TAGS);
    assert_eq!(name("ArticlePatch", "add_tags")["maxItems"], MAX_TAGS);
    assert_eq!(name("ArticlePatch", "kickers")["maxItems"], MAX_KICKERS);
    assert_eq!(
        name("ArticlePatch", "kickers")["items"]["maxLength"],
        MAX_NAME_CHARS
    );
    assert_eq!(
        name("ArticlePatch", "remove_entities")["maxItems"],
        MAX_ENTITY_EDITS
    );
    assert_eq!(name("MergeRequest", "into")["pattern"], IDENTIFIER_PATTERN);
}

#[test]
fn every_operation_lists_the_answers_any_route_can_give() {
    let doc = document();
    for (path, method, operation) in operations(&doc) {
        let responses = operation["responses"].as_object().expect("responses");
        for status in ["408", "413", "414", "415", "429", "431", "500", "503"] {
            assert!(
                responses.contains_key(status),
                "{method} {path} lacks {status}"
            );
        }
        if path.starts_with("/v1/") {
            assert!(responses.contains_key("401"), "{method} {path} lacks 401");
        }
        let reads_input = operation.get("requestBody").is_some()
            || operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] != "path"));
        if reads_input {
            assert!(responses.contains_key("400"), "{method} {path} lacks 400");
        }
        for (status, response) in responses {
            if let Some(reference) = response["$ref"].as_str() {
                let name = reference.trim_start_matches("#/components/responses/");
                assert!(
                    doc["components"]["responses"].get(name).is_some(),
                    "{method} {path} {status}: {reference} is not defined"
                );
            }
        }
    }
}

#[test]
fn links_lead_from_what_a_write_answers_to_operations_that_take_it() {
    let doc = document();
    let all = operations(&doc);
    let by_id = |id: &str| {
        all.iter()
            .find(|(_, _, op)| op["operationId"] == id)
            .map(|(_, _, op)| op.clone())
    };
    let mut count = 0;
    for (path, method, operation) in &all {
        for (status, response) in operation["responses"].as_object().unwrap() {
            let Some(links) = response["links"].as_object() else {
                continue;
            };
            for (name, link) in links {
                let target = link["operationId"].as_str().expect("operationId");
                let target = by_id(target)
                    .unwrap_or_else(|| panic!("{method} {path} {status} {name}: no {target}"));
                // A link passes path/query parameters, a request body, or both.
                let empty = serde_json::Map::new();
                let parameters = link["parameters"].as_object().unwrap_or(&empty);
                assert!(
                    !parameters.is_empty() || link.get("requestBody").is_some(),
                    "{method} {path} {status} {name}: a link that passes nothing"
                );
                for parameter in parameters.keys() {
                    assert!(
                        target["parameters"]
                            .as_array()
                            .unwrap_or_else(|| panic!(
                                "{method} {path} {status} {name}: the target takes no parameters"
                            ))
                            .iter()
                            .any(|p| p["name"] == *parameter),
                        "{method} {path} {status} {name}: the target takes no `{parameter}`"
                    );
                }
                count += 1;
            }
        }
    }
    let ingest = &doc["paths"]["/v1/ingest"]["post"]["responses"]["201"]["links"];
    for target in [
        "get_article",
        "update_article",
        "delete_article",
        "reprocess_article",
    ] {
        assert!(
            ingest
                .as_object()
                .unwrap()
                .values()
                .any(|l| l["operationId"] == target
                    && l["parameters"]["id_or_slug"] == "$response.body#/id"),
            "ingest's id does not lead to {target}"
        );
    }
    let entity = &doc["paths"]["/v1/entities"]["post"]["responses"]["201"]["links"];
    assert!(entity
        .as_object()
        .unwrap()
        .values()
        .any(|l| l["operationId"] == "merge_entity"));
    assert!(count >= 20, "{count} links");
}

#[test]
fn a_batch_line_is_an_envelope_and_an_answer_line_a_result() {
    let doc = document();
    let batch = &doc["paths"]["/v1/ingest/batch"]["post"];
    let body = &batch["requestBody"]["content"]["application/x-ndjson"]["schema"];
    assert_eq!(body["type"], "array");
    assert_eq!(body["items"]["$ref"], "#/components/schemas/Envelope");
    let answer = &batch["responses"]["200"]["content"]["application/x-ndjson"]["schema"];
    assert_eq!(answer["items"]["$ref"], "#/components/schemas/BatchResult");
    // An envelope needs `text` or `html`, and says what a text must hold.
    let envelope = &doc["components"]["schemas"]["Envelope"];
    assert_eq!(envelope["anyOf"][0]["required"][0], "text");
    assert_eq!(envelope["anyOf"][1]["required"][0], "html");
    assert_eq!(envelope["properties"]["text"]["pattern"], r"\p{L}");
    let text = &doc["paths"]["/v1/ingest"]["post"]["requestBody"]["content"]["text/plain"];
    assert_eq!(text["schema"]["pattern"], r"\p{L}");
}

async fn status_of(app: &TestApp, request: reqwest::RequestBuilder) -> u16 {
    let _ = app;
    request.send().await.expect("request").status().as_u16()
}

common::backends!(requests_at_the_stated_edges_get_the_stated_answers);
async fn requests_at_the_stated_edges_get_the_stated_answers() {
    let app = spawn_app().await;
    let token = app.editor().await;
    // Page sizes: 1 and the maximum pass, one past either end is a 400 naming `limit`.
    for list in ["/v1/articles", "/v1/entities", "/v1/tags"] {
        for (limit, expected) in [(0, 400), (1, 200), (MAX_LIMIT, 200), (MAX_LIMIT + 1, 400)] {
            let response = app.get(&format!("{list}?limit={limit}")).await;
            assert_eq!(response.status(), expected, "{list}?limit={limit}");
        }
    }
    // Searches and prefixes at their longest, and one character longer.
    let at_most = |n: usize| "a".repeat(n);
    assert_eq!(
        app.get(&format!("/v1/articles?q={}", at_most(MAX_SEARCH_CHARS)))
            .await
            .status(),
        200
    );
    let too_long = app
        .get(&format!("/v1/articles?q={}", at_most(MAX_SEARCH_CHARS + 1)))
        .await;
    assert_eq!(
        assert_problem(too_long, 400).await["type"],
        "/problems/invalid-parameter"
    );
    for list in ["/v1/entities", "/v1/tags"] {
        let fits = app
            .get(&format!("{list}?q={}", at_most(MAX_PREFIX_CHARS)))
            .await;
        assert_eq!(fits.status(), 200, "{list}");
        let over = app
            .get(&format!("{list}?q={}", at_most(MAX_PREFIX_CHARS + 1)))
            .await;
        assert_eq!(over.status(), 400, "{list}");
    }
    // `relevance` with nothing to rank by is the newest first, not an error.
    assert_eq!(app.get("/v1/articles?sort=relevance").await.status(), 200);

    // A search needs what the document's `q` pattern asks, as a JSON Schema validator with full
    // Unicode tables reads it: letters of any script (a CJK extension's, a Roman numeral) pass; a
    // vowel sign alone (a mark) or symbols and punctuation alone are refused. The search grammar
    // answers every query of that form (exclusions alone, `OR` alone, one-letter prefixes, five
    // prefixes, the shapes a client's generator found). The same on the article list and the feeds.
    let doc = document();
    for path in ["/v1/articles", "/v1/feed.atom", "/v1/feed.json"] {
        let operation = &doc["paths"][path]["get"];
        let q = parameter_schema(operation, "q").expect("q is documented");
        assert_eq!(q["pattern"], NAME_PATTERN, "{path}");
        let schema = jsonschema::validator_for(&q).expect("the q schema compiles");
        for text in [
            "पुतिन",
            "G7",
            "\u{2E7D3}£(",
            "\u{216B}",
            "\u{093E}",
            "£(",
            "\u{201C}-\u{201D}",
            "-K-",
            "-ź -0",
            "OR",
            "OR OR",
            "*ą*",
            "e*\u{E9}@",
            "ab* cd* ef* gh* ij*",
        ] {
            let expected = if schema.is_valid(&json!(text)) {
                200
            } else {
                400
            };
            let status = status_of(&app, app.client.get(app.url(path)).query(&[("q", text)])).await;
            assert_eq!(status, expected, "{path}?q={text:?}");
        }
    }

    // Names: the longest passes, one more character or no letter or digit is a 400.
    let post = |path: &str, body: Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(&token)
            .json(&body)
    };
    let longest = "ब".repeat(MAX_NAME_CHARS);
    assert_eq!(
        status_of(&app, post("/v1/tags", json!({"name": longest}))).await,
        201
    );
    for bad in [
        "ब".repeat(MAX_NAME_CHARS + 1),
        "!!!".into(),
        " \u{200B}".into(),
    ] {
        assert_eq!(
            status_of(&app, post("/v1/tags", json!({"name": bad}))).await,
            400,
            "tag {bad:?}"
        );
        assert_eq!(
            status_of(
                &app,
                post("/v1/entities", json!({"name": bad, "type": "person"}))
            )
            .await,
            400,
            "entity {bad:?}"
        );
    }
    let aliases = |n: usize| (0..n).map(|i| format!("Alias {i}")).collect::<Vec<_>>();
    assert_eq!(
        status_of(
            &app,
            post(
                "/v1/entities",
                json!({"name": "Harbour Board", "type": "organization", "aliases": aliases(MAX_ALIASES + 1)})
            )
        )
        .await,
        400
    );
    assert_eq!(
        status_of(
            &app,
            post(
                "/v1/entities",
                json!({"name": "Harbour Board", "type": "organization", "aliases": aliases(MAX_ALIASES)})
            )
        )
        .await,
        201
    );

    // A JSON write without a JSON body is a 415 problem, on every JSON write.
    let created: Value = app
        .ingest_json(&token, &english_article(1, "Budget"))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    for (method, path) in [
        ("PATCH", format!("/v1/articles/{id}")),
        ("PATCH", "/v1/entities/harbour-board".to_owned()),
        ("POST", "/v1/entities".to_owned()),
        ("POST", "/v1/entities/harbour-board/merge".to_owned()),
        ("POST", "/v1/tags".to_owned()),
        ("PATCH", "/v1/tags/budget".to_owned()),
    ] {
        let response = app
            .client
            .request(method.parse().unwrap(), app.url(&path))
            .bearer_auth(&token)
            .body("name=x")
            .send()
            .await
            .unwrap();
        assert_problem(response, 415).await;
    }
    // A nested list names a bad parameter as the top-level one does.
    assert_eq!(
        app.get("/v1/tags/budget/articles?limit=1000")
            .await
            .status(),
        400
    );

    // The envelope's `url` that is no http(s) URL is a 422 about the article's address; the
    // `?url=` parameter is an invalid parameter (400); both name `url`.
    let mut envelope = english_article(2, "Budget");
    envelope["url"] = json!("ftp://example.com/a");
    let problem = assert_problem(app.ingest_json(&token, &envelope).await, 422).await;
    assert_eq!(problem["type"], "/problems/invalid-article-url");
    assert!(
        problem["detail"].as_str().unwrap().contains("url"),
        "{problem}"
    );
    let response = app
        .client
        .post(app.url("/v1/ingest?url=not-a-url"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(envelope["text"].as_str().unwrap().to_owned())
        .send()
        .await
        .unwrap();
    assert_problem(response, 400).await;
    app.stop().await;
}

#[test]
fn the_served_document_is_the_finished_one() {
    // The router serves what `newsdesk::api::openapi()` builds (the tests above read that).
    let doc = document();
    assert!(doc["components"]["responses"]["TooManyRequests"].is_object());
    assert_eq!(
        doc["paths"]["/v1/articles/{id_or_slug}"]["get"]["security"],
        json!([{}, {"bearer": []}])
    );
}

/// The schema the document gives for `pointer` (a `$ref` into its components), as a JSON Schema
/// whose references resolve in the document.
fn validator_for(doc: &Value, reference: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": reference,
        "components": doc["components"],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the webhook payload schema compiles")
}

#[test]
fn the_document_describes_every_webhook_event() {
    let doc = document();
    let webhooks = doc["webhooks"].as_object().expect("webhooks");
    let mut kinds: Vec<&str> = webhooks.keys().map(String::as_str).collect();
    kinds.sort_unstable();
    let mut expected = newsdesk::store::webhooks::EVENT_TYPES.to_vec();
    expected.sort_unstable();
    assert_eq!(kinds, expected);
    for (kind, item) in webhooks {
        let operation = &item["post"];
        let headers: Vec<&str> = operation["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .map(|p| p["name"].as_str().expect("name"))
            .collect();
        assert_eq!(
            headers,
            ["webhook-id", "webhook-timestamp", "webhook-signature"],
            "{kind}"
        );
        let reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .expect("a payload schema");
        // The payload names its own type and nothing else.
        let validator = validator_for(&doc, reference);
        let other = json!({"type": "article.other", "timestamp": "2026-12-07T04:00:00Z",
                           "data": {"from": "a", "into": "b"}});
        assert!(!validator.is_valid(&other), "{kind} takes another type");
    }
}

common::backends!(
    delivered_webhook_payloads_match_the_document,
    flavor = "multi_thread",
    worker_threads = 2
);
/// Each event, delivered to a real receiver, is what the document's `webhooks` say: the body
/// validates against the event's payload schema, the headers match their patterns.
async fn delivered_webhook_payloads_match_the_document() {
    let doc = document();
    let receiver = common::Receiver::start(Vec::new()).await;
    let app = common::webhook_app().await;
    let editor = app.editor().await;
    let registered = app
        .client
        .post(app.url("/v1/webhooks"))
        .bearer_auth(&editor)
        .json(&json!({"url": receiver.url, "events": newsdesk::store::webhooks::EVENT_TYPES}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);

    // article.published, article.updated, entity.merged, article.deleted.
    let article: Value = app
        .ingest_json(&editor, &english_article(1, "harbour"))
        .await
        .json()
        .await
        .unwrap();
    let article_url = app.url(&format!("/v1/articles/{}", article["id"].as_str().unwrap()));
    let patched = app
        .client
        .patch(&article_url)
        .bearer_auth(&editor)
        .json(&json!({"title": "Council approves the harbour budget", "summary": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let mut ids = Vec::new();
    for name in ["Jane Quorra", "J. Quorra-Smith"] {
        let created: Value = app
            .client
            .post(app.url("/v1/entities"))
            .bearer_auth(&editor)
            .json(&json!({"name": name, "type": "person"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(created["id"].clone());
    }
    let merged = app
        .client
        .post(app.url(&format!("/v1/entities/{}/merge", ids[1].as_str().unwrap())))
        .bearer_auth(&editor)
        .json(&json!({"into": ids[0]}))
        .send()
        .await
        .unwrap();
    assert_eq!(merged.status(), 200);
    let deleted = app
        .client
        .delete(&article_url)
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    common::dispatch_until(&app, || receiver.requests().len() >= 4).await;

    let mut seen = Vec::new();
    for (headers, body) in receiver.requests() {
        let payload: Value = serde_json::from_str(&body).unwrap();
        let kind = payload["type"].as_str().expect("a type").to_owned();
        let operation = &doc["webhooks"][&kind]["post"];
        assert!(operation.is_object(), "{kind} is in the document");
        let reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .expect("a payload schema");
        let validator = validator_for(&doc, reference);
        let errors: Vec<String> = validator
            .iter_errors(&payload)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{kind}: {errors:#?}\n{payload:#}");
        for parameter in operation["parameters"].as_array().expect("parameters") {
            let name = parameter["name"].as_str().expect("name");
            let pattern = parameter["schema"]["pattern"].as_str().expect("pattern");
            let value = headers[name].to_str().unwrap();
            assert!(
                regex::Regex::new(pattern).unwrap().is_match(value),
                "{kind}: {name} {value:?} against {pattern}"
            );
        }
        assert_eq!(headers["content-type"], "application/json");
        seen.push(kind);
    }
    seen.sort_unstable();
    let mut expected = newsdesk::store::webhooks::EVENT_TYPES.to_vec();
    expected.sort_unstable();
    assert_eq!(seen, expected, "one delivery of each event");
    app.stop().await;
}
