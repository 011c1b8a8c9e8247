//! Webhooks: editors register endpoints that hear about articles published, updated and deleted
//! and entities merged; the dispatcher (`crate::dispatch`) delivers each event, signed, and keeps
//! a log of deliveries that editors read and retry here.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::articles::check_identifier;
use super::auth::Editor;
use super::cursor::fingerprint;
use super::entities::list_response;
use super::extract::{JsonBody, PathParams};
use super::params::{parse_limit, QueryPairs};
use super::{ApiError, ApiResult, AppState, Problem};
use crate::store::webhooks::{Delivery, NewWebhook, Webhook, WebhookChanges};

/// Most webhooks one instance keeps.
const MAX_WEBHOOKS: i64 = 100;
/// Longest webhook URL.
const MAX_URL_LEN: usize = 2000;
/// Longest description.
const MAX_DESCRIPTION_LEN: usize = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(retry_delivery))
}

/// An event a webhook can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub enum WebhookEvent {
    /// An article became public (ingested as published, published by an editor, or scheduled
    /// and its time came); the data is the article.
    #[serde(rename = "article.published")]
    ArticlePublished,
    /// A published article changed (or was taken back to draft or scheduled); the data is the
    /// article as it now is.
    #[serde(rename = "article.updated")]
    ArticleUpdated,
    /// A published article was deleted; the data is the article as it was.
    #[serde(rename = "article.deleted")]
    ArticleDeleted,
    /// One entity was merged into another; the data is `{"from": id, "into": id}`.
    #[serde(rename = "entity.merged")]
    EntityMerged,
}

impl WebhookEvent {
    fn as_str(self) -> &'static str {
        use crate::store::webhooks as events;
        match self {
            WebhookEvent::ArticlePublished => events::ARTICLE_PUBLISHED,
            WebhookEvent::ArticleUpdated => events::ARTICLE_UPDATED,
            WebhookEvent::ArticleDeleted => events::ARTICLE_DELETED,
            WebhookEvent::EntityMerged => events::ENTITY_MERGED,
        }
    }
}

/// A webhook to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// Where deliveries are POSTed: http(s), resolving only to public addresses.
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    url: String,
    /// The events it receives (at least one).
    #[schema(min_items = 1, max_items = 4)]
    events: Vec<WebhookEvent>,
    /// A note for people.
    #[schema(max_length = 500)]
    description: Option<String>,
}

/// Changes to a webhook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    url: Option<String>,
    #[schema(min_items = 1, max_items = 4)]
    events: Option<Vec<WebhookEvent>>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    description: Option<Option<String>>,
    /// `true` turns a disabled webhook on again; `false` turns it off.
    enabled: Option<bool>,
}

fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A webhook just registered, with its signing secret (shown this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    webhook: Webhook,
    /// `whsec_` and the base64 key that signs deliveries (Standard Webhooks). Not shown again.
    secret: String,
}

/// The webhooks.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    data: Vec<Webhook>,
    /// Always null: every webhook fits on one page.
    next_cursor: Option<String>,
    next: Option<String>,
}

/// A page of a webhook's deliveries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    data: Vec<Delivery>,
    next_cursor: Option<String>,
    next: Option<String>,
}

/// Checks a URL as a webhook target (scheme, host, public addresses).
async fn checked_url(state: &AppState, raw: &str) -> ApiResult<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().count() > MAX_URL_LEN {
        return Err(ApiError::invalid_parameter(
            "url",
            format!("expected an http(s) URL of 1 to {MAX_URL_LEN} characters"),
        ));
    }
    let url = url::Url::parse(raw)
        .map_err(|e| ApiError::invalid_parameter("url", format!("not a URL ({e})")))?;
    crate::dispatch::check_target(&url, &state.config.distribution)
        .await
        .map_err(|why| ApiError::WebhookUrlNotAllowed(format!("The webhook URL {why}.")))?;
    Ok(url.to_string())
}

fn event_names(events: &[WebhookEvent]) -> ApiResult<Vec<String>> {
    if events.is_empty() {
        return Err(ApiError::invalid_parameter(
            "events",
            "name at least one event",
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for event in events {
        let name = event.as_str().to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

fn checked_description(description: Option<&str>) -> ApiResult<Option<String>> {
    let description = description.map(str::trim).filter(|d| !d.is_empty());
    if description.is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_LEN) {
        return Err(ApiError::invalid_parameter(
            "description",
            format!("at most {MAX_DESCRIPTION_LEN} characters"),
        ));
    }
    Ok(description.map(str::to_owned))
}

/// Register a webhook (editors). The answer carries its signing secret, shown this once.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", request_body = WebhookBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered; `Location` names it", body = CreatedWebhook, headers(("Location" = String))),
        (status = 400, description = "Malformed body, or a field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The instance has its most webhooks (100)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The URL resolves to an internal address", body = Problem, content_type = "application/problem+json")))]
async fn create_webhook(
    State(state): State<AppState>,
    _editor: Editor,
    JsonBody(body): JsonBody<WebhookBody>,
) -> ApiResult<Response> {
    let events = event_names(&body.events)?;
    let description = checked_description(body.description.as_deref())?;
    let url = checked_url(&state, &body.url).await?;
    if state.store.count_webhooks().await? >= MAX_WEBHOOKS {
        return Err(ApiError::Conflict(format!(
            "An instance keeps at most {MAX_WEBHOOKS} webhooks; delete one first."
        )));
    }
    let secret = crate::dispatch::new_secret();
    let webhook = state
        .store
        .create_webhook(&NewWebhook {
            url,
            description,
            events,
            secret: secret.clone(),
        })
        .await?;
    let location = format!("/v1/webhooks/{}", webhook.id);
    let mut response = (
        StatusCode::CREATED,
        Json(CreatedWebhook { webhook, secret }),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// List the webhooks (editors), oldest first, without their secrets.
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every webhook", body = WebhookList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json")))]
async fn list_webhooks(State(state): State<AppState>, _editor: Editor) -> ApiResult<Response> {
    let webhooks = state.store.list_webhooks().await?;
    Ok(list_response(
        &QueryPairs::parse(None),
        "/v1/webhooks",
        webhooks,
        None,
    ))
}

/// One webhook (editors).
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "The webhook's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The webhook", body = Webhook),
        (status = 400, description = "A malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json")))]
async fn get_webhook(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Webhook>> {
    check_identifier(&id)?;
    Ok(Json(state.store.get_webhook(&id).await?))
}

/// Change a webhook (editors): its URL, events, description, or turn it on or off.
#[utoipa::path(patch, path = "/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "The webhook's id")),
    request_body = WebhookPatch, security(("bearer" = [])),
    responses(
        (status = 200, description = "The webhook as stored", body = Webhook),
        (status = 400, description = "Malformed body, or a field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The URL resolves to an internal address", body = Problem, content_type = "application/problem+json")))]
async fn update_webhook(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id): PathParams<String>,
    JsonBody(patch): JsonBody<WebhookPatch>,
) -> ApiResult<Json<Webhook>> {
    check_identifier(&id)?;
    let mut changes = WebhookChanges {
        enabled: patch.enabled,
        ..WebhookChanges::default()
    };
    if let Some(events) = &patch.events {
        changes.events = Some(event_names(events)?);
    }
    if let Some(description) = &patch.description {
        changes.description = Some(checked_description(description.as_deref())?);
    }
    // Known before the URL is resolved, so an unknown id is a 404 whatever the URL.
    state.store.get_webhook(&id).await?;
    if let Some(url) = &patch.url {
        changes.url = Some(checked_url(&state, url).await?);
    }
    Ok(Json(state.store.update_webhook(&id, &changes).await?))
}

/// Delete a webhook and its delivery log (editors).
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "The webhook's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json")))]
async fn delete_webhook(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    check_identifier(&id)?;
    state.store.delete_webhook(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's deliveries, newest first (editors): status, attempts, the last answer's code
/// and error, and when the next attempt is due.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(
        ("id" = String, Path, description = "The webhook's id"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1..=100, default 20"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of deliveries", body = DeliveryList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json")))]
async fn list_deliveries(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id): PathParams<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    check_identifier(&id)?;
    let params = QueryPairs::parse(raw.as_deref());
    let limit = parse_limit(params.one("limit"))?;
    let path = format!("/v1/webhooks/{id}/deliveries");
    let fp = fingerprint(&[&path]);
    let before = state
        .cursors
        .decode_keyset(params.one("cursor"), &fp)?
        .map(|(_, id)| id);
    state.store.get_webhook(&id).await?;
    let page = state
        .store
        .list_deliveries(&id, before.as_deref(), limit)
        .await?;
    let next_cursor = match (page.has_more, page.items.last()) {
        (true, Some(last)) => Some(state.cursors.encode_keyset(
            &fp,
            String::new(),
            last.id.clone(),
        )?),
        _ => None,
    };
    Ok(list_response(&params, &path, page.items, next_cursor))
}

/// Attempt a delivery again now, with the same `webhook-id` (editors): a failed one becomes
/// pending again. Turn a disabled webhook on (PATCH `enabled: true`) for it to be sent.
#[utoipa::path(post, path = "/v1/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(
        ("id" = String, Path, description = "The webhook's id"),
        ("delivery_id" = String, Path, description = "The delivery's id (its `webhook-id`)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Due now; the dispatcher attempts it within a moment", body = Delivery),
        (status = 400, description = "A malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook or delivery", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The delivery is being attempted right now", body = Problem, content_type = "application/problem+json")))]
async fn retry_delivery(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams((id, delivery_id)): PathParams<(String, String)>,
) -> ApiResult<Response> {
    check_identifier(&id)?;
    check_identifier(&delivery_id)?;
    let delivery = state.store.retry_delivery(&id, &delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)).into_response())
}
