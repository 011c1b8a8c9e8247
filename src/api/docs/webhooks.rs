//! The document's `webhooks` (OpenAPI 3.1): what the dispatcher (`crate::dispatch`) POSTs to a
//! registered endpoint for each event, with the Standard Webhooks headers that sign it. The
//! payload is `Event::payload` of the store's outbox: `{"type", "timestamp", "data"}`.

use serde_json::{json, Map, Value};

use crate::store::webhooks::{ARTICLE_DELETED, ARTICLE_PUBLISHED, ARTICLE_UPDATED, ENTITY_MERGED};

/// A delivery id: `msg_` and a ULID (the same on every attempt of one delivery).
pub const DELIVERY_ID_PATTERN: &str = "^msg_[0-9A-HJKMNP-TV-Z]{26}$";
/// Seconds since the Unix epoch when the attempt was signed.
pub const UNIX_SECONDS_PATTERN: &str = "^[0-9]{1,19}$";
/// One `v1` signature: the base64 HMAC-SHA256 (32 bytes) of `id.timestamp.body`.
pub const SIGNATURE_PATTERN: &str = "^v1,[A-Za-z0-9+/]{43}=$";
/// The payload's time: when the change was committed, UTC, to the second.
const TIMESTAMP_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$";

/// Every event: (type, payload schema name, summary, what `data` is).
const EVENTS: [(&str, &str, &str, &str); 4] = [
    (
        ARTICLE_PUBLISHED,
        "ArticlePublishedEvent",
        "An article became public",
        "Ingested as published, published by an editor, or scheduled and its time came. \
         `data` is the article as `GET /v1/articles/{id_or_slug}` answers it.",
    ),
    (
        ARTICLE_UPDATED,
        "ArticleUpdatedEvent",
        "A published article changed",
        "Edited, reprocessed, or taken back to draft or scheduled. `data` is the article as it \
         now is.",
    ),
    (
        ARTICLE_DELETED,
        "ArticleDeletedEvent",
        "A published article was deleted",
        "`data` is the article as it was before the deletion.",
    ),
    (
        ENTITY_MERGED,
        "EntityMergedEvent",
        "One entity was merged into another",
        "`data` names the entity merged away (`from`, now answering with a redirect to the other) \
         and the one it joined (`into`), by id.",
    ),
];

/// Adds `webhooks` and the payload schemas to the document.
pub fn add(doc: &mut Value) {
    let mut webhooks = Map::new();
    for (kind, schema_name, summary, description) in EVENTS {
        let data = if kind == ENTITY_MERGED {
            json!({
                "type": "object",
                "required": ["from", "into"],
                "additionalProperties": false,
                "properties": {
                    "from": {"type": "string", "description": "The id of the entity merged away."},
                    "into": {"type": "string", "description": "The id of the entity it joined."},
                },
            })
        } else {
            json!({"$ref": "#/components/schemas/Article"})
        };
        let schema = json!({
            "type": "object",
            "description": format!("The body of an `{kind}` delivery."),
            "required": ["type", "timestamp", "data"],
            "additionalProperties": false,
            "properties": {
                "type": {"type": "string", "const": kind},
                "timestamp": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": TIMESTAMP_PATTERN,
                    "description": "When the change was committed (UTC); the same on every attempt.",
                },
                "data": data,
            },
        });
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.insert(schema_name.to_owned(), schema);
        }
        webhooks.insert(
            kind.to_owned(),
            json!({"post": operation(kind, schema_name, summary, description)}),
        );
    }
    doc["webhooks"] = Value::Object(webhooks);
}

/// The delivery of one event as an operation the receiver implements.
fn operation(kind: &str, schema_name: &str, summary: &str, description: &str) -> Value {
    let header = |name: &str, pattern: &str, description: &str| {
        json!({
            "name": name,
            "in": "header",
            "required": true,
            "description": description,
            "schema": {"type": "string", "pattern": pattern},
        })
    };
    json!({
        "operationId": format!("webhook_{}", kind.replace('.', "_")),
        "summary": summary,
        "description": format!(
            "{description}\n\nSent to each enabled webhook subscribed to `{kind}`, signed as \
             Standard Webhooks specifies: verify `webhook-signature` (the base64 HMAC-SHA256 of \
             `webhook-id`, `.`, `webhook-timestamp`, `.` and the raw body, under the base64 key \
             after `whsec_` in the secret shown at registration) and reject old timestamps. \
             Redirects are not followed; a 2xx answer is a delivery, anything else (or no answer \
             in time) is retried with growing delays, with the same `webhook-id`, until the \
             retry period ends and the webhook is turned off."
        ),
        "parameters": [
            header("webhook-id", DELIVERY_ID_PATTERN,
                   "The delivery's id, the same on every attempt: deduplicate on it."),
            header("webhook-timestamp", UNIX_SECONDS_PATTERN,
                   "When this attempt was signed, in seconds since the Unix epoch."),
            header("webhook-signature", SIGNATURE_PATTERN,
                   "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`."),
        ],
        "requestBody": {
            "required": true,
            "content": {
                "application/json": {
                    "schema": {"$ref": format!("#/components/schemas/{schema_name}")},
                },
            },
        },
        "responses": {
            "2XX": {"description": "Delivered: not sent again."},
            "default": {"description": "Not delivered: tried again later with the same `webhook-id`."},
        },
    })
}
