//! Tags: lists, one tag, its articles, and editors' create, rename and delete. Articles gain and
//! lose tags through `PATCH /v1/articles/{id}`.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::articles::{article_page, check_identifier, Scope};
use super::auth::{Editor, MaybePrincipal};
use super::cursor::fingerprint;
use super::entities::list_response;
use super::extract::{JsonBody, PathParams};
use super::limits::{name_problem, MAX_PREFIX_CHARS};
use super::params::{parse_limit, QueryPairs};
use super::{ApiError, ApiResult, AppState, Problem};
use crate::normalize;
use crate::store::tags::{Tag, TagOrder, TagQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tags, create_tag))
        .routes(routes!(get_tag, rename_tag, delete_tag))
        .routes(routes!(tag_articles))
}

/// A page of tags.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagList {
    data: Vec<Tag>,
    next_cursor: Option<String>,
    next: Option<String>,
}

/// List tags, most-used first, or find them by prefix.
#[utoipa::path(get, path = "/v1/tags", tag = "tags",
    params(
        ("q" = Option<String>, Query, description = "Prefix of the tag's name or slug"),
        ("sort" = Option<String>, Query, description = "-article_count (default) or name"),
        ("limit" = Option<u32>, Query, description = "1..=100, default 20"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses(
        (status = 200, description = "A page of tags", body = TagList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")))]
async fn list_tags(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let params = QueryPairs::parse(raw.as_deref());
    let prefix = params.one("q").map(|q| q.trim().to_owned());
    if prefix
        .as_ref()
        .is_some_and(|q| q.chars().count() > MAX_PREFIX_CHARS)
    {
        return Err(ApiError::invalid_parameter(
            "q",
            format!("at most {MAX_PREFIX_CHARS} characters"),
        ));
    }
    let order = match params.one("sort") {
        None | Some("-article_count") => TagOrder::MostArticles,
        Some("name") => TagOrder::Name,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "sort",
                "expected `-article_count` or `name`",
            ))
        }
    };
    let limit = parse_limit(params.one("limit"))?;
    let order_name = format!("{order:?}");
    let fp = fingerprint(&["/v1/tags", prefix.as_deref().unwrap_or(""), &order_name]);
    let after = state.cursors.decode_keyset(params.one("cursor"), &fp)?;
    let page = state
        .store
        .list_tags(&TagQuery {
            prefix,
            order,
            after,
            limit,
            published_only: !principal.sees_unpublished(),
        })
        .await?;
    let next_cursor = match (page.has_more, page.items.last()) {
        (true, Some(last)) => {
            let key = match order {
                TagOrder::MostArticles => last.article_count.to_string(),
                TagOrder::Name => last.name.clone(),
            };
            Some(state.cursors.encode_keyset(&fp, key, last.slug.clone())?)
        }
        _ => None,
    };
    Ok(list_response(&params, "/v1/tags", page.items, next_cursor))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    /// Display name; the slug is made from it.
    name: String,
}

/// A tag name as sent: a letter or a digit, at most [`MAX_NAME_CHARS`](super::limits::MAX_NAME_CHARS)
/// characters, and a slug can be made from it.
fn clean_tag_name(raw: &str) -> ApiResult<String> {
    if let Some(problem) = name_problem(raw) {
        return Err(ApiError::invalid_parameter("name", problem));
    }
    let name = normalize::normalize_tag_name(raw)
        .ok_or_else(|| ApiError::invalid_parameter("name", "cannot be empty"))?;
    if normalize::tag_slug(&name).is_empty() {
        return Err(ApiError::invalid_parameter(
            "name",
            "needs letters or digits",
        ));
    }
    Ok(name)
}

/// Create a tag (editors).
#[utoipa::path(post, path = "/v1/tags", tag = "tags", request_body = TagBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Tag, headers(("Location" = String))),
        (status = 400, description = "Invalid name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A tag with this slug exists", body = Problem, content_type = "application/problem+json")))]
async fn create_tag(
    State(state): State<AppState>,
    _editor: Editor,
    JsonBody(body): JsonBody<TagBody>,
) -> ApiResult<Response> {
    let name = clean_tag_name(&body.name)?;
    let tag = state.store.create_tag(&name).await?;
    let mut response = (StatusCode::CREATED, Json(&tag)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("/v1/tags/{}", tag.slug)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// One tag.
#[utoipa::path(get, path = "/v1/tags/{slug}", tag = "tags",
    params(("slug" = String, Path, description = "The tag's slug")),
    responses(
        (status = 200, description = "The tag", body = Tag),
        (status = 404, description = "No such tag", body = Problem, content_type = "application/problem+json")))]
async fn get_tag(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    PathParams(slug): PathParams<String>,
) -> ApiResult<Json<Tag>> {
    check_identifier(&slug)?;
    Ok(Json(visible_tag(&state, &principal, &slug).await?))
}

/// A tag as the caller may see it: to anonymous callers a tag only unpublished articles carry
/// is as absent as they are.
async fn visible_tag(state: &AppState, principal: &MaybePrincipal, slug: &str) -> ApiResult<Tag> {
    let tag = state.store.get_tag(slug).await?;
    if tag.article_count == 0
        && !principal.sees_unpublished()
        && !state.store.tag_is_public(slug).await?
    {
        return Err(ApiError::not_found(format!("The tag `{slug}`")));
    }
    Ok(tag)
}

/// Rename a tag's display name (editors); the slug stays.
#[utoipa::path(patch, path = "/v1/tags/{slug}", tag = "tags",
    params(("slug" = String, Path, description = "The tag's slug")),
    request_body = TagBody, security(("bearer" = [])),
    responses(
        (status = 200, description = "The tag as stored", body = Tag),
        (status = 400, description = "Invalid name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tag", body = Problem, content_type = "application/problem+json")))]
async fn rename_tag(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(slug): PathParams<String>,
    JsonBody(body): JsonBody<TagBody>,
) -> ApiResult<Json<Tag>> {
    check_identifier(&slug)?;
    let name = clean_tag_name(&body.name)?;
    Ok(Json(state.store.rename_tag(&slug, &name).await?))
}

/// Delete a tag (editors); it is detached from every article.
#[utoipa::path(delete, path = "/v1/tags/{slug}", tag = "tags",
    params(("slug" = String, Path, description = "The tag's slug")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tag", body = Problem, content_type = "application/problem+json")))]
async fn delete_tag(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(slug): PathParams<String>,
) -> ApiResult<StatusCode> {
    check_identifier(&slug)?;
    state.store.delete_tag(&slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Articles with a tag, newest first (filters, search and cursors as `/v1/articles`).
#[utoipa::path(get, path = "/v1/tags/{slug}/articles", tag = "tags",
    params(
        ("slug" = String, Path, description = "The tag's slug"),
        ("limit" = Option<u32>, Query, description = "1..=100, default 20"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses(
        (status = 200, description = "A page of articles; `Link` names the next page (rel=next) and the Atom, RSS and JSON feeds of this tag (rel=alternate)", body = super::articles::ArticleList,
         headers(("Link" = String), ("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 404, description = "No such tag", body = Problem, content_type = "application/problem+json")))]
async fn tag_articles(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    PathParams(slug): PathParams<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_identifier(&slug)?;
    let tag = visible_tag(&state, &principal, &slug).await?;
    let params = QueryPairs::parse(raw.as_deref());
    let path = format!("/v1/tags/{}/articles", tag.slug);
    let scope = Scope {
        tag: Some(tag.slug),
        ..Scope::default()
    };
    article_page(&state, &principal, &headers, &params, &path, scope).await
}
