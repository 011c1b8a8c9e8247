//! Entities (people, places, organizations): lists and prefix search in any script, one
//! entity with its aliases and co-occurring entities, its articles, and editors' curation
//! (create, edit, merge, reprocess).

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::articles::{article_page, check_identifier, render_article, Scope};
use super::auth::{Editor, MaybePrincipal};
use super::cursor::fingerprint;
use super::extract::{JsonBody, PathParams};
use super::limits::{name_problem, MAX_ALIASES, MAX_PREFIX_CHARS};
use super::params::{parse_limit, QueryPairs};
use super::{ApiError, ApiResult, AppState, Problem};
use crate::normalize::{self, EntityType};
use crate::store::entities::{
    Alias, Entity, EntityChanges, EntityLookup, EntityOrder, EntityQuery,
};
use crate::store::StoreError;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_entities, create_entity))
        .routes(routes!(get_entity, update_entity))
        .routes(routes!(merge_entity))
        .routes(routes!(entity_articles))
        .routes(routes!(reprocess_article))
}

/// A page of entities.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityList {
    data: Vec<Entity>,
    next_cursor: Option<String>,
    next: Option<String>,
}

/// List entities, most-mentioned first, or find them by prefix in any script.
#[utoipa::path(get, path = "/v1/entities", tag = "entities",
    params(
        ("type" = Option<String>, Query, description = "person, place, organization or other"),
        ("q" = Option<String>, Query, description = "Prefix of any alias (any script) or of the romanized name: `put` and `पुति` both find Putin"),
        ("sort" = Option<String>, Query, description = "-article_count (default) or name"),
        ("limit" = Option<u32>, Query, description = "1..=100, default 20"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses(
        (status = 200, description = "A page of entities", body = EntityList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")))]
async fn list_entities(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let params = QueryPairs::parse(raw.as_deref());
    let kind = params.one("type").map(parse_type).transpose()?;
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
        None | Some("-article_count") => EntityOrder::MostArticles,
        Some("name") => EntityOrder::Name,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "sort",
                "expected `-article_count` or `name`",
            ))
        }
    };
    let limit = parse_limit(params.one("limit"))?;
    let order_name = format!("{order:?}");
    let fp = fingerprint(&[
        "/v1/entities",
        kind.map(EntityType::as_str).unwrap_or(""),
        prefix.as_deref().unwrap_or(""),
        &order_name,
    ]);
    let after = state.cursors.decode_keyset(params.one("cursor"), &fp)?;
    let page = state
        .store
        .list_entities(&EntityQuery {
            kind: kind.map(|k| k.as_str().to_owned()),
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
                EntityOrder::MostArticles => last.article_count.to_string(),
                EntityOrder::Name => last.name.clone(),
            };
            Some(state.cursors.encode_keyset(&fp, key, last.id.clone())?)
        }
        _ => None,
    };
    Ok(list_response(
        &params,
        "/v1/entities",
        page.items,
        next_cursor,
    ))
}

/// A list answer with `next` and a `Link` header.
pub fn list_response<T: Serialize>(
    params: &QueryPairs,
    path: &str,
    data: Vec<T>,
    next_cursor: Option<String>,
) -> Response {
    let next = next_cursor.as_ref().map(|c| params.with_cursor(path, c));
    let mut response =
        Json(serde_json::json!({"data": data, "next_cursor": next_cursor, "next": next}))
            .into_response();
    if let Some(link) = next
        .as_ref()
        .and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok())
    {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

fn parse_type(value: &str) -> ApiResult<EntityType> {
    EntityType::parse(value.trim()).ok_or_else(|| {
        ApiError::invalid_parameter("type", "expected person, place, organization or other")
    })
}

/// A new dictionary entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntity {
    name: String,
    #[serde(rename = "type")]
    kind: EntityType,
    /// Other names in any script ("पुतिन", "Vladimir Putin", …).
    #[serde(default)]
    aliases: Vec<String>,
}

/// Add an entity to the editors' dictionary; the extractor recognizes its aliases from then on.
#[utoipa::path(post, path = "/v1/entities", tag = "entities", request_body = NewEntity,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Entity, headers(("Location" = String))),
        (status = 200, description = "An entity the extractor had already found became the entry", body = Entity),
        (status = 400, description = "Invalid entity", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already in the dictionary, or an alias belongs to another entry", body = Problem, content_type = "application/problem+json")))]
async fn create_entity(
    State(state): State<AppState>,
    _editor: Editor,
    JsonBody(new): JsonBody<NewEntity>,
) -> ApiResult<Response> {
    let name = clean_name("name", &new.name)?;
    let aliases = clean_aliases("aliases", &new.aliases)?;
    let (entity, created) = state
        .store
        .create_entity(&name, new.kind.as_str(), &aliases)
        .await?;
    state.reload_dictionary().await?;
    let location = format!("/v1/entities/{}", entity.slug);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = (status, Json(entity)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// A name as sent: a letter or a digit, and at most [`MAX_NAME_CHARS`](super::limits::MAX_NAME_CHARS)
/// characters; then cleaned as the normalizer cleans a line.
fn clean_name(field: &str, raw: &str) -> ApiResult<String> {
    if let Some(problem) = name_problem(raw) {
        return Err(ApiError::invalid_parameter(field, problem));
    }
    normalize::clean_edited_line(raw)
        .ok_or_else(|| ApiError::invalid_parameter(field, "cannot be empty"))
}

fn clean_aliases(field: &str, raw: &[String]) -> ApiResult<Vec<Alias>> {
    if raw.len() > MAX_ALIASES {
        return Err(ApiError::invalid_parameter(
            field,
            format!("at most {MAX_ALIASES} aliases"),
        ));
    }
    let mut out: Vec<Alias> = Vec::new();
    for alias in raw {
        let alias = clean_name(field, alias)?;
        if !out.iter().any(|a| a.alias == alias) {
            out.push(Alias {
                script: normalize::script_code(&alias).to_owned(),
                alias,
            });
        }
    }
    Ok(out)
}

/// The live id of an entity path parameter; a merged one redirects to where it went.
async fn resolve(
    state: &AppState,
    id_or_slug: &str,
    suffix: &str,
) -> ApiResult<Result<String, Response>> {
    check_identifier(id_or_slug)?;
    match state.store.find_entity(id_or_slug).await? {
        EntityLookup::Live(id) => Ok(Ok(id)),
        EntityLookup::MergedInto { slug } => Ok(Err(Redirect::permanent(&format!(
            "/v1/entities/{slug}{suffix}"
        ))
        .into_response())),
    }
}

/// One entity: name, type, aliases, article count and the entities most often named with it.
/// A merged entity's old id or slug redirects (308) to the entity it joined.
#[utoipa::path(get, path = "/v1/entities/{id_or_slug}", tag = "entities",
    params(("id_or_slug" = String, Path, description = "The entity's id or slug")),
    responses(
        (status = 200, description = "The entity", body = Entity),
        (status = 308, description = "Merged: `Location` names the entity it joined"),
        (status = 404, description = "No such entity", body = Problem, content_type = "application/problem+json")))]
async fn get_entity(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    PathParams(id_or_slug): PathParams<String>,
) -> ApiResult<Response> {
    let id = match resolve(&state, &id_or_slug, "").await? {
        Ok(id) => id,
        Err(redirect) => return Ok(redirect),
    };
    Ok(Json(visible_entity(&state, &principal, &id, &id_or_slug, true).await?).into_response())
}

/// An entity as the caller may see it: to anonymous callers an entity only unpublished articles
/// name is as absent as they are.
async fn visible_entity(
    state: &AppState,
    principal: &MaybePrincipal,
    id: &str,
    asked: &str,
    with_related: bool,
) -> ApiResult<Entity> {
    let entity = state.store.get_entity(id, with_related).await?;
    if entity.article_count == 0
        && !principal.sees_unpublished()
        && !state.store.entity_is_public(id).await?
    {
        return Err(ApiError::not_found(format!("The entity `{asked}`")));
    }
    Ok(entity)
}

/// Editors' changes to an entity.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityPatch {
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<EntityType>,
    /// Replaces every alias.
    aliases: Option<Vec<String>>,
    #[serde(default)]
    add_aliases: Vec<String>,
    #[serde(default)]
    remove_aliases: Vec<String>,
}

/// Correct an entity (editors); it becomes a dictionary entry.
#[utoipa::path(patch, path = "/v1/entities/{id_or_slug}", tag = "entities",
    params(("id_or_slug" = String, Path, description = "The entity's id or slug")),
    request_body = EntityPatch, security(("bearer" = [])),
    responses(
        (status = 200, description = "The entity as stored", body = Entity),
        (status = 400, description = "Invalid changes", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entity", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new name or an alias belongs to another entity", body = Problem, content_type = "application/problem+json")))]
async fn update_entity(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id_or_slug): PathParams<String>,
    JsonBody(patch): JsonBody<EntityPatch>,
) -> ApiResult<Response> {
    let id = match resolve(&state, &id_or_slug, "").await? {
        Ok(id) => id,
        Err(redirect) => return Ok(redirect),
    };
    let changes = EntityChanges {
        name: patch
            .name
            .as_deref()
            .map(|n| clean_name("name", n))
            .transpose()?,
        kind: patch.kind.map(|k| k.as_str().to_owned()),
        aliases: patch
            .aliases
            .as_deref()
            .map(|a| clean_aliases("aliases", a))
            .transpose()?,
        add_aliases: clean_aliases("add_aliases", &patch.add_aliases)?,
        remove_aliases: patch.remove_aliases.clone(),
    };
    let entity = state.store.update_entity(&id, &changes).await?;
    state.reload_dictionary().await?;
    Ok(Json(entity).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// Id or slug of the entity that absorbs this one.
    into: String,
}

/// Merge a duplicate into another entity (editors): its articles move, its aliases join, and
/// its slug redirects.
#[utoipa::path(post, path = "/v1/entities/{id_or_slug}/merge", tag = "entities",
    params(("id_or_slug" = String, Path, description = "The duplicate's id or slug")),
    request_body = MergeRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The entity that absorbed the duplicate", body = Entity),
        (status = 400, description = "The body is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entity at the path", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`into` names no entity, both name the same entity, or the path's entity was already merged", body = Problem, content_type = "application/problem+json")))]
async fn merge_entity(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id_or_slug): PathParams<String>,
    JsonBody(request): JsonBody<MergeRequest>,
) -> ApiResult<Response> {
    check_identifier(&id_or_slug)?;
    check_identifier(&request.into)?;
    let from = match state.store.find_entity(&id_or_slug).await? {
        EntityLookup::Live(id) => id,
        EntityLookup::MergedInto { slug } => {
            return Err(ApiError::Conflict(format!(
                "`{id_or_slug}` was already merged into `{slug}`"
            )))
        }
    };
    // `into` is named in the body, not the path: one that names no entity conflicts with what
    // is stored (409), as the path's own entity missing is a 404.
    let no_target = || {
        ApiError::Conflict(format!(
            "There is no entity `{}` to merge into.",
            request.into
        ))
    };
    let into = match state.store.find_entity(&request.into).await {
        Err(StoreError::NotFound(_)) => return Err(no_target()),
        found => match found? {
            EntityLookup::Live(id) => id,
            EntityLookup::MergedInto { slug } => match state.store.find_entity(&slug).await {
                Ok(EntityLookup::Live(id)) => id,
                Ok(EntityLookup::MergedInto { .. }) | Err(StoreError::NotFound(_)) => {
                    return Err(no_target())
                }
                Err(err) => return Err(err.into()),
            },
        },
    };
    if from == into {
        return Err(ApiError::Conflict(format!(
            "`{}` is already the entity `{}` names: there is nothing to merge.",
            request.into, id_or_slug
        )));
    }
    let entity = state.store.merge_entities(&from, &into).await?;
    state.reload_dictionary().await?;
    Ok(Json(entity).into_response())
}

/// Articles naming an entity, newest first (filters, search and cursors as `/v1/articles`).
#[utoipa::path(get, path = "/v1/entities/{id_or_slug}/articles", tag = "entities",
    params(
        ("id_or_slug" = String, Path, description = "The entity's id or slug"),
        ("limit" = Option<u32>, Query, description = "1..=100, default 20"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses(
        (status = 200, description = "A page of articles; `Link` names the next page (rel=next) and the Atom, RSS and JSON feeds of this entity (rel=alternate)", body = super::articles::ArticleList,
         headers(("Link" = String), ("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 308, description = "Merged: `Location` names the entity it joined"),
        (status = 404, description = "No such entity", body = Problem, content_type = "application/problem+json")))]
async fn entity_articles(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    PathParams(id_or_slug): PathParams<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = match resolve(&state, &id_or_slug, "/articles").await? {
        Ok(id) => id,
        Err(redirect) => {
            return Ok(redirect);
        }
    };
    let entity = visible_entity(&state, &principal, &id, &id_or_slug, false).await?;
    let params = QueryPairs::parse(raw.as_deref());
    let path = format!("/v1/entities/{}/articles", entity.slug);
    let scope = Scope {
        entity: Some(entity.slug),
        ..Scope::default()
    };
    article_page(&state, &principal, &headers, &params, &path, scope).await
}

/// Re-run entity extraction on an article with the current dictionary (editors).
#[utoipa::path(post, path = "/v1/articles/{id_or_slug}/reprocess", tag = "articles",
    params(("id_or_slug" = String, Path, description = "The article's id or slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article with its new entities", body = crate::store::articles::Article),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json")))]
async fn reprocess_article(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id_or_slug): PathParams<String>,
) -> ApiResult<Response> {
    check_identifier(&id_or_slug)?;
    let article = state.reprocess(&id_or_slug).await?;
    Ok(Json(render_article(&article, &[], &[])).into_response())
}
