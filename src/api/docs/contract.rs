//! The finishing pass over the document the handlers' annotations produce. It says, once for
//! every route (routes added later included):
//! - the answers any route can give because of the middleware (408, 413, 414, 415, 429, 431,
//!   500, 503; 401 wherever a token is read), as shared `components/responses`;
//! - the exact bounds of shared parameters and bodies, from the constants the handlers check
//!   (`limit`, `cursor`, `q`, `fields`, ids and slugs, names, dates, URLs), so a schema-valid
//!   request is one the server accepts and an invalid one is refused;
//! - that reads take a token optionally (it shows drafts);
//! - the OpenAPI `links` from the resources a write answers to the operations on them.

use serde_json::{json, Map, Value};

use crate::api::error::ProblemKind;
use crate::api::limits::{
    IDENTIFIER_PATTERN, MAX_ALIASES, MAX_BLOCKS, MAX_ENTITY_EDITS, MAX_KICKERS, MAX_LIMIT,
    MAX_NAME_CHARS, MAX_PREFIX_CHARS, MAX_SEARCH_CHARS, MAX_TAGS, NAME_PATTERN,
};

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

/// A blank value (empty or only white space), which the server takes as absent.
const BLANK: &str = r"^\s*$";
/// The start of an absolute http(s) URL with a host.
const HTTP_URL_START: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9]";
/// A year the server stores (1000–9999) at the start of a date.
const YEAR_START: &str = "^[1-9]";
/// An opaque cursor: base64url payload, a dot, a 16-byte base64url tag.
const CURSOR_PATTERN: &str = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$";
/// Longest cursor accepted.
pub const MAX_CURSOR_CHARS: usize = 2048;

/// The generated document, completed.
pub fn finish(doc: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(&doc).unwrap_or_default();
    add_shared_responses(&mut doc);
    share_list_parameters(&mut doc);
    refine_bodies(&mut doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                if let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) {
                    refine_parameters(path, method, operation);
                    add_common_answers(path, method, operation);
                    if path.starts_with("/v1/") && !operation.contains_key("security") {
                        operation.insert("security".into(), json!([{}, {"bearer": []}]));
                    }
                }
            }
        }
    }
    describe_ingest_bodies(&mut doc);
    partial_answers(&mut doc);
    add_links(&mut doc);
    super::webhooks::add(&mut doc);
    doc
}

/// What makes an ingest body: text with a letter in it (the normalizer then decides whether the
/// lines left after removing page furniture make an article, 422 when none do), with an example
/// of each kind.
fn describe_ingest_bodies(doc: &mut Value) {
    let Some(content) = doc
        .pointer_mut("/paths/~1v1~1ingest/post/requestBody/content")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let text_example = "Council approves harbour budget\nThe city council approved the harbour budget on Tuesday after a long debate about roads and schools.\nWork on the old bridge starts in spring, the mayor said.";
    let page_example = "<html lang=\"en\"><head><title>Bridge reopens after repairs</title></head><body><article><h1>Bridge reopens after repairs</h1><p>The old bridge over the river reopened on Thursday after eight months of repairs, the city said.</p><p>Traffic will be limited to cars and bicycles until the summer, when buses return.</p></article></body></html>";
    for (media_type, media) in content.iter_mut() {
        let example = match media_type.as_str() {
            "text/plain" | "text/markdown" => text_example,
            "text/html" | "application/xhtml+xml" => page_example,
            _ => {
                media["example"] = json!({"text": text_example,
                                          "url": "https://news.example.com/2024/03/12/budget",
                                          "tags": ["Budget"]});
                continue;
            }
        };
        media["schema"] = json!({"type": "string", "pattern": r"\p{L}"});
        media["example"] = json!(example);
    }
}

fn problem_response(description: &str, headers: &[(&str, &str)]) -> Value {
    let mut response = json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    });
    if !headers.is_empty() {
        let headers: Map<String, Value> = headers
            .iter()
            .map(|(name, description)| {
                (
                    (*name).to_owned(),
                    json!({"description": description, "schema": {"type": "string"}}),
                )
            })
            .collect();
        response["headers"] = Value::Object(headers);
    }
    response
}

/// The answers the middleware can give on any route: (status, component name, response).
fn common_answers() -> Vec<(&'static str, &'static str, Value)> {
    let retry = [("Retry-After", "Seconds to wait before retrying")];
    vec![
        ("408", "RequestTimeout", problem_response(
            "The request took longer than the server allows (`--request-timeout-secs`)", &[])),
        ("413", "PayloadTooLarge", problem_response(
            "The body is larger than the limit (`--body-limit`; `--html-body-limit` for pages, `--batch-body-limit` for batches), counted after decoding any Content-Encoding", &[])),
        ("414", "UriTooLong", problem_response(
            "The request target (path and query) is longer than 16 KiB", &[])),
        ("415", "UnsupportedMediaType", problem_response(
            "The body's Content-Encoding is not gzip, deflate or br, or its Content-Type is not one this operation reads", &[])),
        ("429", "TooManyRequests", problem_response(
            "Over the rate limit (`--write-rate` per token, `--read-rate` per address)", &retry)),
        ("431", "HeadersTooLarge", problem_response(
            "More than 100 request headers, or more than 32 KiB of them", &[])),
        ("500", "InternalError", problem_response(
            "The server failed; `request_id` identifies the failure in its logs", &[])),
        ("503", "Unavailable", problem_response(
            "The database is not answering, a statement ran past `--statement-timeout-ms`, or every normalizer is busy", &retry)),
    ]
}

fn add_shared_responses(doc: &mut Value) {
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return;
    };
    let responses = components
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(responses) = responses else { return };
    for (_, name, response) in common_answers() {
        responses.insert(name.to_owned(), response);
    }
    responses.insert(
        "BadRequest".into(),
        problem_response(
            "A parameter, header or the body is invalid, or the query has a parameter the operation does not take (`/problems/unknown-parameter`) or the body a field it does not take; `detail` names it",
            &[],
        ),
    );
    responses.insert(
        "NotFound".into(),
        problem_response("Nothing has this id or slug", &[]),
    );
    responses.insert(
        "Unauthorized".into(),
        problem_response(
            "The bearer token sent is not valid (malformed, unknown or revoked), or this operation needs one",
            &[("WWW-Authenticate", "`Bearer realm=\"newsdesk\"`")],
        ),
    );
}

/// The nested article lists (`/v1/tags/{slug}/articles`, `/v1/entities/{id_or_slug}/articles`)
/// take every parameter `GET /v1/articles` takes.
fn share_list_parameters(doc: &mut Value) {
    let Some(shared) = doc
        .pointer("/paths/~1v1~1articles/get/parameters")
        .and_then(Value::as_array)
        .cloned()
    else {
        return;
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if path == "/v1/articles" || !path.ends_with("/articles") {
            continue;
        }
        let Some(parameters) = item
            .pointer_mut("/get/parameters")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for parameter in &shared {
            if !parameters.iter().any(|p| p["name"] == parameter["name"]) {
                parameters.push(parameter.clone());
            }
        }
    }
}

/// Adds the answers every route can give, where the annotations did not describe them.
fn add_common_answers(path: &str, _method: &str, operation: &mut Map<String, Value>) {
    let parameters = operation.get("parameters").and_then(Value::as_array);
    let reads_input = operation.contains_key("requestBody")
        || parameters.is_some_and(|ps| ps.iter().any(|p| p["in"] != "path"));
    let has_path_parameter = parameters.is_some_and(|ps| ps.iter().any(|p| p["in"] == "path"));
    let Some(responses) = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
    else {
        return;
    };
    for (status, name, _) in common_answers() {
        responses
            .entry(status)
            .or_insert_with(|| json!({"$ref": format!("#/components/responses/{name}")}));
    }
    // Under /v1 a query parameter the operation does not take is a 400 too.
    if reads_input || path.starts_with("/v1/") {
        responses
            .entry("400")
            .or_insert_with(|| json!({"$ref": "#/components/responses/BadRequest"}));
    }
    if has_path_parameter {
        responses
            .entry("404")
            .or_insert_with(|| json!({"$ref": "#/components/responses/NotFound"}));
    }
    // Every route under /v1 reads the token when one is sent (a bad one is a 401 everywhere).
    if path.starts_with("/v1/") || path == "/metrics" {
        responses
            .entry("401")
            .or_insert_with(|| json!({"$ref": "#/components/responses/Unauthorized"}));
    }
}

/// `{anyOf: [schema, blank]}`: the server takes a blank value as an absent one.
fn or_blank(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "string", "pattern": BLANK}]})
}

/// A comma-separated list of some of `allowed` (blank items and white space ignored).
fn list_pattern(allowed: &[&str]) -> String {
    let item = allowed.join("|");
    format!(r"^\s*(?:{item})?\s*(?:,\s*(?:{item})?\s*)*$")
}

/// An RFC 3339 timestamp or a day, years 1000–9999.
fn date_schema() -> Value {
    json!({"type": "string", "anyOf": [
        {"format": "date-time", "pattern": YEAR_START},
        {"format": "date", "pattern": YEAR_START},
    ]})
}

fn url_schema() -> Value {
    json!({"type": "string", "format": "uri", "pattern": HTTP_URL_START})
}

/// A pattern matching one of the ISO 639-1 codes in either case, with any region subtag when
/// `region` (an envelope's `language`), else alone or blank (the `lang` filter).
fn language_pattern(region: bool) -> String {
    let mut codes = Vec::new();
    for a in b'a'..=b'z' {
        for b in b'a'..=b'z' {
            let code = format!("{}{}", a as char, b as char);
            if crate::normalize::is_iso639_1(&code) {
                let class = |c: u8| format!("[{}{}]", c as char, c.to_ascii_uppercase() as char);
                codes.push(format!("{}{}", class(a), class(b)));
            }
        }
    }
    if region {
        format!(r"^\s*(?:{})(?:[-_].*)?\s*$", codes.join("|"))
    } else {
        format!(r"^\s*(?:{})?\s*$", codes.join("|"))
    }
}

fn set_schema(parameter: &mut Value, schema: Value) {
    parameter["schema"] = schema;
}

fn refine_parameters(path: &str, method: &str, operation: &mut Map<String, Value>) {
    let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    // The feeds take the article list's filters, with the same bounds.
    let article_list = path == "/v1/articles"
        || (path.ends_with("/articles") || path.starts_with("/v1/feed.")) && method == "get";
    for parameter in parameters.iter_mut() {
        let name = parameter["name"].as_str().unwrap_or("").to_owned();
        let location = parameter["in"].as_str().unwrap_or("").to_owned();
        match (location.as_str(), name.as_str()) {
            ("path", "id_or_slug" | "slug") => set_schema(
                parameter,
                json!({"type": "string", "pattern": IDENTIFIER_PATTERN}),
            ),
            ("path", "kind") => {
                let kinds: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.slug()).collect();
                set_schema(parameter, json!({"type": "string", "enum": kinds}));
            }
            // Blank, as every parameter here, means the default.
            ("query", "limit") => set_schema(
                parameter,
                or_blank(json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT})),
            ),
            ("query", "cursor") => set_schema(
                parameter,
                or_blank(
                    json!({"type": "string", "pattern": CURSOR_PATTERN, "maxLength": MAX_CURSOR_CHARS}),
                ),
            ),
            // A search needs a word to look for; a name prefix may be anything.
            ("query", "q") if article_list => set_schema(
                parameter,
                or_blank(
                    json!({"type": "string", "maxLength": MAX_SEARCH_CHARS, "pattern": NAME_PATTERN}),
                ),
            ),
            ("query", "q") => set_schema(
                parameter,
                json!({"type": "string", "maxLength": MAX_PREFIX_CHARS}),
            ),
            ("query", "lang") => set_schema(
                parameter,
                json!({"type": "string", "pattern": language_pattern(false)}),
            ),
            ("query", "since" | "until") => set_schema(parameter, or_blank(date_schema())),
            ("query", "status") => {
                let values: &[&str] = if method == "get" {
                    &["published", "draft", "scheduled", "any"]
                } else {
                    &["published", "draft", "scheduled"]
                };
                set_schema(
                    parameter,
                    or_blank(json!({"type": "string", "enum": values})),
                );
            }
            ("query", "sort") => {
                let values: &[&str] = if article_list {
                    &["-published_at", "published_at", "relevance"]
                } else {
                    &["-article_count", "name"]
                };
                set_schema(
                    parameter,
                    or_blank(json!({"type": "string", "enum": values})),
                );
            }
            ("query", "type") => set_schema(
                parameter,
                json!({"type": "string", "pattern": r"^\s*(?:person|place|organization|other)?\s*$"}),
            ),
            ("query", "fields") => {
                let allowed = if article_list {
                    crate::api::articles::LIST_FIELDS
                } else {
                    crate::api::articles::ARTICLE_FIELDS
                };
                set_schema(
                    parameter,
                    json!({"type": "string", "pattern": list_pattern(allowed)}),
                );
            }
            ("query", "include") => set_schema(
                parameter,
                json!({"type": "string", "pattern": list_pattern(&["removed"])}),
            ),
            ("query", "dry_run" | "purge") => set_schema(
                parameter,
                or_blank(json!({"type": "string", "enum": ["true", "false", "1", "0"]})),
            ),
            ("query", "url") => set_schema(parameter, or_blank(url_schema())),
            // `*`, or entity tags (quoted as an ETag header gives them, or bare), comma-separated.
            ("header", "If-Match") => {
                set_schema(parameter, json!({"type": "string", "pattern": r"[^\s,]"}))
            }
            ("header", "Idempotency-Key") => set_schema(
                parameter,
                json!({"type": "string", "pattern": r"^[\t ]*[!-~](?:[\t -~]{0,253}[!-~])?[\t ]*$"}),
            ),
            _ => {}
        }
    }
}

/// A name as the server takes it: a letter or digit, at most so many characters.
fn name_schema() -> Value {
    json!({"type": "string", "maxLength": MAX_NAME_CHARS, "pattern": NAME_PATTERN})
}

fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

fn refine_bodies(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let identifier = json!({"type": "string", "pattern": IDENTIFIER_PATTERN});
    let names = |max: usize| json!({"type": "array", "maxItems": max, "items": name_schema()});
    let mut set = |schema: &str, property: &str, value: Value| {
        if let Some(properties) = schemas
            .get_mut(schema)
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        {
            let description = properties
                .get(property)
                .and_then(|p| p.get("description"))
                .cloned();
            let mut value = value;
            if let (Some(description), Some(object)) = (description, value.as_object_mut()) {
                object.insert("description".into(), description);
            }
            properties.insert(property.to_owned(), value);
        }
    };
    set("NewEntity", "name", name_schema());
    set("NewEntity", "aliases", names(MAX_ALIASES));
    set("EntityPatch", "name", nullable(name_schema()));
    set("EntityPatch", "aliases", nullable(names(MAX_ALIASES)));
    set("EntityPatch", "add_aliases", names(MAX_ALIASES));
    set("TagBody", "name", name_schema());
    set("MergeRequest", "into", identifier.clone());

    let strings = |max_items: usize| {
        json!({"type": "array", "maxItems": max_items,
               "items": {"type": "string", "maxLength": MAX_NAME_CHARS}})
    };
    set(
        "ArticlePatch",
        "title",
        nullable(json!({"type": "string", "pattern": NAME_PATTERN})),
    );
    set("ArticlePatch", "published_at", nullable(date_schema()));
    set("ArticlePatch", "tags", nullable(strings(MAX_TAGS)));
    set("ArticlePatch", "add_tags", strings(MAX_TAGS));
    set("ArticlePatch", "remove_tags", strings(MAX_TAGS));
    set("ArticlePatch", "kickers", nullable(strings(MAX_KICKERS)));
    let identifiers = json!({"type": "array", "maxItems": MAX_ENTITY_EDITS, "items": identifier});
    set("ArticlePatch", "remove_entities", identifiers.clone());
    set("ArticlePatch", "restore_entities", identifiers);
    // An edit's blocks open with a text block holding a letter or digit (without one, nothing
    // would be left to read: 422); an image block needs an http(s) or root-relative `url`.
    let text_kinds = ["paragraph", "heading", "quote", "list_item"];
    let text_block = json!({"$ref": "#/components/schemas/Block",
                            "properties": {"type": {"type": "string", "enum": text_kinds}}});
    let image_block = json!({"$ref": "#/components/schemas/Block",
                             "properties": {"type": {"const": "image"},
                                            "url": {"type": "string", "anyOf": [
                                                {"format": "uri", "pattern": HTTP_URL_START},
                                                {"pattern": "^/"}]}},
                             "required": ["url"]});
    let first_block = json!({"$ref": "#/components/schemas/Block",
                             "properties": {"type": {"type": "string", "enum": text_kinds},
                                            "text": {"type": "string", "pattern": NAME_PATTERN}}});
    set(
        "ArticlePatch",
        "blocks",
        nullable(json!({
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_BLOCKS,
            "prefixItems": [first_block],
            "items": {"anyOf": [text_block, image_block]},
        })),
    );

    // An envelope: `text` with a letter in it, or a whole page in `html`.
    let letter = r"\p{L}";
    set(
        "Envelope",
        "text",
        json!({"type": "string", "pattern": letter}),
    );
    set(
        "Envelope",
        "html",
        nullable(json!({"type": "string", "pattern": letter})),
    );
    set("Envelope", "url", nullable(or_blank(url_schema())));
    set(
        "Envelope",
        "published_at",
        nullable(or_blank(date_schema())),
    );
    set(
        "Envelope",
        "language",
        nullable(json!({"type": "string", "pattern": language_pattern(true)})),
    );
    if let Some(envelope) = schemas.get_mut("Envelope").and_then(Value::as_object_mut) {
        envelope.insert(
            "anyOf".into(),
            json!([{"required": ["text"]}, {"required": ["html"], "properties": {"html": {"type": "string"}}}]),
        );
    }
}

/// Links: (operation, status, link name, target operation, parameters).
const LINKS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "post",
        "/v1/ingest",
        "201",
        "GetArticle",
        "get_article",
        "$response.body#/id",
    ),
    (
        "post",
        "/v1/ingest",
        "201",
        "UpdateArticle",
        "update_article",
        "$response.body#/id",
    ),
    (
        "post",
        "/v1/ingest",
        "201",
        "DeleteArticle",
        "delete_article",
        "$response.body#/id",
    ),
    (
        "post",
        "/v1/ingest",
        "201",
        "ReprocessArticle",
        "reprocess_article",
        "$response.body#/id",
    ),
    (
        "get",
        "/v1/articles/{id_or_slug}",
        "200",
        "UpdateArticle",
        "update_article",
        "$response.body#/id",
    ),
    (
        "get",
        "/v1/articles/{id_or_slug}",
        "200",
        "DeleteArticle",
        "delete_article",
        "$response.body#/id",
    ),
    (
        "get",
        "/v1/articles/{id_or_slug}",
        "200",
        "ReprocessArticle",
        "reprocess_article",
        "$response.body#/id",
    ),
    (
        "patch",
        "/v1/articles/{id_or_slug}",
        "200",
        "GetArticle",
        "get_article",
        "$response.body#/id",
    ),
    (
        "post",
        "/v1/articles/{id_or_slug}/reprocess",
        "200",
        "GetArticle",
        "get_article",
        "$response.body#/id",
    ),
    (
        "post",
        "/v1/entities",
        "201",
        "GetEntity",
        "get_entity",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/entities",
        "201",
        "UpdateEntity",
        "update_entity",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/entities",
        "201",
        "EntityArticles",
        "entity_articles",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/entities",
        "200",
        "GetEntity",
        "get_entity",
        "$response.body#/slug",
    ),
    (
        "get",
        "/v1/entities/{id_or_slug}",
        "200",
        "UpdateEntity",
        "update_entity",
        "$response.body#/slug",
    ),
    (
        "get",
        "/v1/entities/{id_or_slug}",
        "200",
        "MergeEntity",
        "merge_entity",
        "$response.body#/slug",
    ),
    (
        "get",
        "/v1/entities/{id_or_slug}",
        "200",
        "EntityArticles",
        "entity_articles",
        "$response.body#/slug",
    ),
    (
        "patch",
        "/v1/entities/{id_or_slug}",
        "200",
        "GetEntity",
        "get_entity",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/entities/{id_or_slug}/merge",
        "200",
        "GetEntity",
        "get_entity",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/tags",
        "201",
        "GetTag",
        "get_tag",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/tags",
        "201",
        "RenameTag",
        "rename_tag",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/tags",
        "201",
        "DeleteTag",
        "delete_tag",
        "$response.body#/slug",
    ),
    (
        "post",
        "/v1/tags",
        "201",
        "TagArticles",
        "tag_articles",
        "$response.body#/slug",
    ),
    (
        "get",
        "/v1/tags/{slug}",
        "200",
        "RenameTag",
        "rename_tag",
        "$response.body#/slug",
    ),
    (
        "get",
        "/v1/tags/{slug}",
        "200",
        "TagArticles",
        "tag_articles",
        "$response.body#/slug",
    ),
    (
        "patch",
        "/v1/tags/{slug}",
        "200",
        "GetTag",
        "get_tag",
        "$response.body#/slug",
    ),
];

fn operation_parameter(doc: &Value, operation_id: &str) -> Option<String> {
    let paths = doc.get("paths")?.as_object()?;
    for item in paths.values() {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            if operation["operationId"] == operation_id {
                return operation["parameters"]
                    .as_array()?
                    .iter()
                    .find(|p| p["in"] == "path")
                    .and_then(|p| p["name"].as_str())
                    .map(str::to_owned);
            }
        }
    }
    None
}

fn add_links(doc: &mut Value) {
    for (method, path, status, name, target, expression) in LINKS {
        let Some(parameter) = operation_parameter(doc, target) else {
            continue;
        };
        let pointer = format!(
            "/paths/{}/{method}/responses/{status}",
            path.replace('~', "~0").replace('/', "~1")
        );
        let Some(response) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        let links = response.entry("links").or_insert_with(|| json!({}));
        links[*name] = json!({
            "operationId": target,
            "parameters": {parameter: expression},
        });
    }
    // A new entity can absorb a duplicate: its slug is the body's `into`.
    if let Some(response) = doc
        .pointer_mut("/paths/~1v1~1entities/post/responses/201")
        .and_then(Value::as_object_mut)
    {
        let links = response.entry("links").or_insert_with(|| json!({}));
        links["MergeInto"] = json!({
            "operationId": "merge_entity",
            "requestBody": {"into": "$response.body#/slug"},
            "description": "Merge a duplicate (the path's entity) into the new one",
        });
    }
}

/// With `fields` (and `include`), an article or a list item carries only some of its fields:
/// the 200 answers say so with a schema of the same properties, none required.
fn partial_answers(doc: &mut Value) {
    for (schema, partial) in [
        ("Article", "ArticleFields"),
        ("ArticleSummary", "ArticleSummaryFields"),
    ] {
        let Some(mut properties) = doc
            .pointer(&format!("/components/schemas/{schema}/properties"))
            .cloned()
        else {
            continue;
        };
        if schema == "Article" {
            properties["removed"] = json!({"type": "array", "items": {"type": "object"},
                "description": "With `include=removed`: the lines dropped at ingest"});
        }
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.insert(
                partial.to_owned(),
                json!({"type": "object", "properties": properties,
                       "description": format!("Some fields of {schema}, as `fields` chose")}),
            );
        }
    }
    let article =
        "/paths/~1v1~1articles~1{id_or_slug}/get/responses/200/content/application~1json/schema";
    if let Some(schema) = doc.pointer_mut(article) {
        *schema = json!({"anyOf": [{"$ref": "#/components/schemas/Article"},
                                   {"$ref": "#/components/schemas/ArticleFields"}]});
    }
    let lists: Vec<String> = doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .keys()
                .filter(|p| p.ends_with("/articles"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for path in lists {
        let pointer = format!(
            "/paths/{}/get/responses/200/content/application~1json/schema",
            path.replace('/', "~1")
        );
        if let Some(schema) = doc.pointer_mut(&pointer) {
            *schema = json!({"type": "object", "required": ["data", "next_cursor", "next"], "properties": {
                "data": {"type": "array", "items": {"anyOf": [
                    {"$ref": "#/components/schemas/ArticleSummary"},
                    {"$ref": "#/components/schemas/ArticleSummaryFields"}]}},
                "next_cursor": {"type": ["string", "null"],
                                "description": "Pass as `cursor` for the next page; `null` on the last page"},
                "next": {"type": ["string", "null"], "description": "The next page's URL, or `null`"},
            }});
        }
    }
}
