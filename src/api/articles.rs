//! `GET /v1/articles` (filters, search, cursors), `GET /v1/articles/{id_or_slug}` (ETag, fields,
//! include), `PATCH` and `DELETE` for editors.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::{Editor, MaybePrincipal};
use super::cache::Rendered;
use super::cursor::fingerprint;
use super::extract::{JsonBody, PathParams};
use super::limits::{
    MAX_BLOCKS, MAX_ENTITY_EDITS, MAX_IDENTIFIER_BYTES, MAX_KICKERS, MAX_NAME_CHARS, MAX_TAGS,
};
use super::params::{parse_date_bound, parse_limit, parse_list, QueryPairs};
use super::{ApiError, ApiResult, AppState, Problem};
use crate::normalize::{self, Block, BlockType};
use crate::store::articles::{
    After, Article, ArticleChanges, ArticleOrder, ArticleQuery, ArticleStatus, ArticleSummary,
    IfMatch, Recomputed,
};
use crate::store::docs;
use crate::store::search::SearchExpr;
use crate::store::tokens::Role;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_articles))
        .routes(routes!(get_article, update_article, delete_article))
}

/// The top-level fields of an article, for `fields=`.
pub(crate) const ARTICLE_FIELDS: &[&str] = &[
    "id",
    "slug",
    "status",
    "title",
    "summary",
    "kickers",
    "language",
    "script",
    "lead_image",
    "blocks",
    "body_text",
    "word_count",
    "reading_time_minutes",
    "published_at",
    "published_at_source",
    "url",
    "source_domain",
    "authors",
    "tags",
    "entities",
    "content_hash",
    "created_at",
    "updated_at",
];

pub(crate) const LIST_FIELDS: &[&str] = &[
    "id",
    "slug",
    "status",
    "title",
    "summary",
    "kickers",
    "language",
    "script",
    "lead_image",
    "word_count",
    "reading_time_minutes",
    "published_at",
    "source_domain",
    "tags",
    "created_at",
    "updated_at",
];

/// A list page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    data: Vec<ArticleSummary>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
    /// The next page's URL, or `null`.
    next: Option<String>,
}

/// Where a page ended, signed into the cursor with the query it belongs to.
#[derive(Debug, Serialize, Deserialize)]
struct ArticleCursor {
    /// Fingerprint of the filters and sort.
    f: String,
    /// Sort key (time) or rank.
    s: Option<String>,
    r: Option<f64>,
    i: String,
    /// Snapshot bound for relevance pages.
    m: Option<i64>,
    /// Storage order of the last article (the tie-break of equal ranks).
    #[serde(default)]
    o: Option<i64>,
}

/// List articles, newest first, or search them.
#[utoipa::path(get, path = "/v1/articles", tag = "articles",
    params(
        ("tag" = Option<Vec<String>>, Query, description = "Tag slug; repeat for AND"),
        ("entity" = Option<Vec<String>>, Query, description = "Entity slug; repeat for AND"),
        ("lang" = Option<String>, Query, description = "ISO 639-1 language code, any case (`hi`, `en`); another value is a 400 naming it"),
        ("source" = Option<String>, Query, description = "Source domain, e.g. abplive.com"),
        ("since" = Option<String>, Query, description = "published_at on or after (RFC 3339 or YYYY-MM-DD)"),
        ("until" = Option<String>, Query, description = "published_at before (RFC 3339 or YYYY-MM-DD)"),
        ("status" = Option<String>, Query, description = "published (default), draft, scheduled or any; all but published need a token (any role)"),
        ("q" = Option<String>, Query, description = "Full-text search in any script: words (in any form: `floods` finds flood and flooding, a Hindi plural or oblique form its direct form), \"phrases\" and \"words\" as written, prefix* (as written; at least 2 letters and at most 4 prefixes, other `w*` terms are the word as written), OR, -exclude (exclusions alone: every article without them, newest first); at most 16 distinct terms"),
        ("sort" = Option<String>, Query, description = "-published_at (default), published_at, or relevance (default with q: bm25, title weighted highest, over the newest 5,000 stored matches that pass the other filters, see NEWSDESK_SEARCH_WINDOW)"),
        ("limit" = Option<u32>, Query, description = "1..=100, default 20"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("fields" = Option<String>, Query, description = "Comma-separated fields to keep"),
    ),
    responses(
        (status = 200, description = "A page of articles; `Link` names the next page (rel=next) and the Atom, RSS and JSON feeds of the same filters (rel=alternate)", body = ArticleList,
         headers(("Link" = String), ("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Drafts need a token, or the token is not valid", body = Problem, content_type = "application/problem+json")))]
async fn list_articles(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let params = QueryPairs::parse(raw.as_deref());
    article_page(
        &state,
        &principal,
        &headers,
        &params,
        "/v1/articles",
        Scope::default(),
    )
    .await
}

/// What a nested article list (`/v1/tags/{slug}/articles`, `/v1/entities/{id}/articles`) is
/// restricted to, besides its query.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub tag: Option<String>,
    pub entity: Option<String>,
}

/// One page of articles for a list endpoint at `path`, linked to the feeds of the same
/// articles.
pub async fn article_page(
    state: &AppState,
    principal: &MaybePrincipal,
    headers: &HeaderMap,
    params: &QueryPairs,
    path: &str,
    scope: Scope,
) -> ApiResult<Response> {
    let links = super::feeds::alternate_links(params, &scope);
    let mut response = scoped_page(state, principal, headers, params, path, scope).await?;
    for link in links {
        response.headers_mut().append(header::LINK, link);
    }
    Ok(response)
}

async fn scoped_page(
    state: &AppState,
    principal: &MaybePrincipal,
    headers: &HeaderMap,
    params: &QueryPairs,
    path: &str,
    scope: Scope,
) -> ApiResult<Response> {
    let mut tags = params.all("tag");
    if let Some(tag) = &scope.tag {
        tags.insert(0, tag.as_str());
    }
    let mut entities = params.all("entity");
    if let Some(entity) = &scope.entity {
        entities.insert(0, entity.as_str());
    }
    let language = super::params::parse_lang(params.one("lang"))?;
    let source = params.one("source").map(|s| s.trim().to_ascii_lowercase());
    let since = params
        .one("since")
        .map(|v| parse_date_bound("since", v))
        .transpose()?;
    let until = params
        .one("until")
        .map(|v| parse_date_bound("until", v))
        .transpose()?;
    let statuses = match params.one("status") {
        None | Some("published") => vec![ArticleStatus::Published],
        Some(wanted @ ("draft" | "scheduled" | "any")) => {
            if !principal.sees_unpublished() {
                return Err(ApiError::Unauthorized(
                    "Listing drafts needs a token (any role, `reader` and up).".into(),
                ));
            }
            match wanted {
                "draft" => vec![ArticleStatus::Draft],
                "scheduled" => vec![ArticleStatus::Scheduled],
                _ => vec![
                    ArticleStatus::Draft,
                    ArticleStatus::Published,
                    ArticleStatus::Scheduled,
                ],
            }
        }
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "status",
                "expected `published`, `draft`, `scheduled` or `any`",
            ))
        }
    };
    let search = super::params::parse_search(params.one("q"))?;
    // A search of exclusions only (`-word`) ranks nothing: every article it finds lacks the words.
    let ranks = search.as_ref().is_some_and(|s| !s.excludes_only());
    let order = match params.one("sort") {
        None if ranks => ArticleOrder::Relevance,
        None | Some("-published_at") => ArticleOrder::NewestFirst,
        Some("published_at") => ArticleOrder::OldestFirst,
        Some("relevance") if ranks => ArticleOrder::Relevance,
        // With nothing to rank by, every article is as relevant as the next: newest first.
        Some("relevance") => ArticleOrder::NewestFirst,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "sort",
                "expected `-published_at`, `published_at` or `relevance`",
            ))
        }
    };
    let limit = parse_limit(params.one("limit"))?;
    let fields = parse_list(params.one("fields"), "fields", LIST_FIELDS)?;

    let fts = search.as_ref().map(SearchExpr::canonical);
    let status_names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let order_name = format!("{order:?}");
    let mut fp_parts: Vec<&str> = vec![
        path,
        &order_name,
        language.as_deref().unwrap_or(""),
        source.as_deref().unwrap_or(""),
        since.as_deref().unwrap_or(""),
        until.as_deref().unwrap_or(""),
        fts.as_deref().unwrap_or(""),
    ];
    fp_parts.extend(status_names.iter().copied());
    fp_parts.push("tags");
    fp_parts.extend(tags.iter().copied());
    fp_parts.push("entities");
    fp_parts.extend(entities.iter().copied());
    let fp = fingerprint(&fp_parts);
    // Pages of published articles are the same for everyone: serve them from the cache.
    let cache_key = (statuses == [ArticleStatus::Published]).then(|| {
        format!(
            "{fp}|{limit}|{}|{}",
            fields.join(","),
            params.one("cursor").unwrap_or("")
        )
    });
    let render = async {
        let (after, mut max_rowid) = match params.one("cursor") {
            None => (None, None),
            Some(raw_cursor) => decode_page_cursor(state, raw_cursor, &fp, order)?,
        };
        if order == ArticleOrder::Relevance && max_rowid.is_none() {
            max_rowid = Some(state.store.max_article_rowid().await?);
        }

        let query = ArticleQuery {
            tags: tags.iter().map(|s| s.to_string()).collect(),
            entities: entities.iter().map(|s| s.to_string()).collect(),
            language,
            source,
            since,
            until,
            statuses,
            search,
            order: Some(order),
            after,
            max_rowid,
            min_rowid: None,
            limit,
        };
        let page = state.store.list_articles(&query).await?;
        let next_cursor = match (page.has_more, page.items.last()) {
            (true, Some(last)) => Some(state.cursors.encode(&ArticleCursor {
                f: fp,
                s: (order != ArticleOrder::Relevance).then(|| last.sort_at.clone()),
                r: last.rank,
                i: last.id.clone(),
                m: max_rowid,
                o: (order == ArticleOrder::Relevance).then_some(last.rowid),
            })?),
            _ => None,
        };
        let next = next_cursor.as_ref().map(|c| params.with_cursor(path, c));
        let links = (next_cursor.as_deref(), next.as_deref());
        let mut rendered = if fields.is_empty() {
            // Straight from the summaries to bytes: no JSON tree in between.
            render_list(&page.items, links)
        } else {
            let data: Vec<Value> = page
                .items
                .iter()
                .map(|item| trim_fields(serde_json::to_value(item).unwrap_or(Value::Null), &fields))
                .collect();
            render_list(&data, links)
        };
        rendered.next = next;
        Ok::<_, ApiError>(rendered)
    };
    let rendered = match &cache_key {
        Some(key) => {
            let generation = state.store.generation().await?;
            state
                .list_cache
                .get_or_render(key, generation, render)
                .await?
        }
        None => render.await?,
    };
    Ok(list_response(headers, rendered, cache_key.is_some()))
}

/// Where the previous page ended and its snapshot bound, from a cursor of this query.
fn decode_page_cursor(
    state: &AppState,
    raw_cursor: &str,
    fp: &str,
    order: ArticleOrder,
) -> ApiResult<(Option<After>, Option<i64>)> {
    let cursor: ArticleCursor = state.cursors.decode(raw_cursor)?;
    if cursor.f != fp {
        return Err(ApiError::invalid_parameter(
            "cursor",
            "the cursor belongs to a different query; keep the filters of the first page",
        ));
    }
    let after = match (order, cursor.s, cursor.r, cursor.o) {
        (ArticleOrder::Relevance, _, Some(rank), Some(rowid)) => After::Rank { rank, rowid },
        (ArticleOrder::Relevance, _, Some(_), None) => {
            return Err(ApiError::invalid_parameter(
                "cursor",
                "the cursor is from an older version; start from the first page",
            ))
        }
        (ArticleOrder::NewestFirst | ArticleOrder::OldestFirst, Some(sort_at), _, _) => {
            After::Time {
                sort_at,
                id: cursor.i,
            }
        }
        _ => {
            return Err(ApiError::invalid_parameter(
                "cursor",
                "the cursor belongs to a different sort order",
            ))
        }
    };
    Ok((Some(after), cursor.m))
}

/// A list page with its ETag, caching headers and `Link` to the next page.
fn list_response(request_headers: &HeaderMap, rendered: Rendered, public: bool) -> Response {
    let link = rendered
        .next
        .as_ref()
        .and_then(|next| HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")).ok());
    let cache_control = if public {
        "public, max-age=10, stale-while-revalidate=60"
    } else {
        "private, no-store"
    };
    let mut response = cached_response(request_headers, rendered, cache_control);
    if let Some(link) = link {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

/// One article, whole: blocks, lead image, tags, entities with mention counts. Drafts are read
/// with a token of any role.
#[utoipa::path(get, path = "/v1/articles/{id_or_slug}", tag = "articles",
    params(
        ("id_or_slug" = String, Path, description = "The article's id or slug"),
        ("fields" = Option<String>, Query, description = "Comma-separated fields to keep"),
        ("include" = Option<String>, Query, description = "`removed`: the lines dropped as boilerplate at ingest"),
    ),
    responses(
        (status = 200, description = "The article", body = Article,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json")))]
async fn get_article(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    PathParams(id_or_slug): PathParams<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    check_identifier(&id_or_slug)?;
    let params = QueryPairs::parse(raw.as_deref());
    let fields = parse_list(params.one("fields"), "fields", ARTICLE_FIELDS)?;
    let include = parse_list(params.one("include"), "include", &["removed"])?;
    let drafts = principal.sees_unpublished();
    // The common read (published, whole, as anyone sees it) comes from the cache.
    let cacheable = fields.is_empty() && include.is_empty();
    let generation = state.store.generation().await?;
    if cacheable {
        if let Some(rendered) = state.article_cache.get(&id_or_slug, generation).await {
            return Ok(cached_response(
                &headers,
                rendered,
                article_cache_control(ArticleStatus::Published),
            ));
        }
    }
    let (rendered, status) = if cacheable {
        // The kept document when there is one; else the article assembled from its tables.
        match state.store.get_article_doc(&id_or_slug, drafts).await? {
            Some(doc) => (
                Rendered {
                    body: doc.body.into(),
                    etag: doc.etag,
                    next: None,
                },
                doc.status,
            ),
            None => {
                let article = state.store.get_article(&id_or_slug, drafts).await?;
                let (body, etag) = docs::render(&article);
                (
                    Rendered {
                        body: body.into(),
                        etag,
                        next: None,
                    },
                    article.status,
                )
            }
        }
    } else {
        let article = state.store.get_article(&id_or_slug, drafts).await?;
        let rendered = render_bytes(&render_article(&article, &fields, &include));
        (rendered, article.status)
    };
    if cacheable && status == ArticleStatus::Published {
        state
            .article_cache
            .put(&[&id_or_slug], generation, &rendered)
            .await;
    }
    Ok(cached_response(
        &headers,
        rendered,
        article_cache_control(status),
    ))
}

/// An editor's changes to an article.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticlePatch {
    title: Option<String>,
    /// `null` removes the summary.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    summary: Option<Option<String>>,
    blocks: Option<Vec<Block>>,
    status: Option<ArticleStatus>,
    /// RFC 3339 or YYYY-MM-DD; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    published_at: Option<Option<String>>,
    /// Replaces the article's tags (display names).
    tags: Option<Vec<String>>,
    /// Tags to attach.
    #[serde(default)]
    add_tags: Vec<String>,
    /// Tags to detach (names or slugs).
    #[serde(default)]
    remove_tags: Vec<String>,
    /// Replaces the kickers (topic phrases shown above the title).
    kickers: Option<Vec<String>>,
    /// Entities (ids or slugs) to take off this article; extraction after later edits leaves
    /// them out too.
    #[serde(default)]
    remove_entities: Vec<String>,
    /// Entities (ids or slugs) taken off earlier that extraction may link again.
    #[serde(default)]
    restore_entities: Vec<String>,
}

fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Change an article (editors). The slug stays; the answer is the new version with its ETag.
///
/// With `If-Match` (the ETag of the version the editor read), the change is made only if the
/// article is still that version, checked in the same transaction as the write; otherwise 412.
#[utoipa::path(patch, path = "/v1/articles/{id_or_slug}", tag = "articles",
    params(
        ("id_or_slug" = String, Path, description = "The article's id or slug"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version the change is based on (as a GET of the whole article answers it, without `fields` or `include`), or `*`"),
    ),
    request_body = ArticlePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The article as stored", body = Article, headers(("ETag" = String))),
        (status = 400, description = "The changes are invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new text duplicates another article, or `remove_entities`/`restore_entities` names no entity", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since the If-Match version; `ETag` is the current one", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing would be left of the article, or `published_at` lies beyond the scheduling horizon without `status: scheduled`", body = Problem, content_type = "application/problem+json")))]
async fn update_article(
    State(state): State<AppState>,
    _editor: Editor,
    PathParams(id_or_slug): PathParams<String>,
    headers: HeaderMap,
    JsonBody(patch): JsonBody<ArticlePatch>,
) -> ApiResult<Response> {
    check_identifier(&id_or_slug)?;
    let if_match = parse_if_match(&headers)?;
    let current = state.store.get_article(&id_or_slug, true).await?;
    // Refused early when already stale; the store checks again in the writing transaction, so
    // what is derived below from `current` is derived from the version that is changed.
    if let Some(precondition) = &if_match {
        let (_, etag) = docs::render(&current);
        if !precondition.matches(&etag) {
            return Err(crate::store::StoreError::PreconditionFailed { current_etag: etag }.into());
        }
    }
    let mut changes = ArticleChanges {
        status: patch.status,
        if_match,
        ..ArticleChanges::default()
    };
    if let Some(title) = &patch.title {
        if !super::limits::has_letter_or_digit(title) {
            return Err(ApiError::invalid_parameter(
                "title",
                "the title needs a letter or a digit",
            ));
        }
        changes.title =
            Some(normalize::clean_edited_line(title).ok_or_else(|| {
                ApiError::invalid_parameter("title", "the title cannot be empty")
            })?);
    }
    if let Some(summary) = &patch.summary {
        changes.summary = Some(summary.as_deref().and_then(normalize::clean_edited_line));
    }
    if let Some(blocks) = &patch.blocks {
        if blocks.len() > MAX_BLOCKS {
            return Err(ApiError::invalid_parameter(
                "blocks",
                format!("at most {MAX_BLOCKS} blocks"),
            ));
        }
        for block in blocks {
            if block.kind == BlockType::Image {
                // The rule ingest applies, so an article's own blocks can always be sent back.
                let url = block.url.as_deref().unwrap_or("");
                if !normalize::is_safe_image_url(url) {
                    return Err(ApiError::invalid_parameter(
                        "blocks",
                        "an image block needs an http(s) `url`, or a path starting with `/`",
                    ));
                }
            }
        }
        let cleaned = normalize::clean_edited_blocks(blocks);
        if !cleaned.iter().any(|b| b.kind != BlockType::Image) {
            return Err(ApiError::Unprocessable(
                "The edited article has no text blocks left; keep at least one paragraph.".into(),
            ));
        }
        changes.blocks = Some(cleaned);
    }
    if let Some(published_at) = &patch.published_at {
        changes.published_at = Some(
            published_at
                .as_deref()
                .map(|v| parse_timestamp("published_at", v))
                .transpose()?,
        );
    }
    for (name, list) in [
        ("tags", patch.tags.as_deref().unwrap_or(&[])),
        ("add_tags", &patch.add_tags[..]),
        ("remove_tags", &patch.remove_tags[..]),
    ] {
        if list.len() > MAX_TAGS {
            return Err(ApiError::invalid_parameter(
                name,
                format!("at most {MAX_TAGS} tags"),
            ));
        }
        if list.iter().any(|t| t.chars().count() > MAX_NAME_CHARS) {
            return Err(ApiError::invalid_parameter(
                name,
                format!("a tag is at most {MAX_NAME_CHARS} characters"),
            ));
        }
    }
    changes.tags = patch.tags.clone();
    changes.add_tags = patch.add_tags.clone();
    changes.remove_tags = patch.remove_tags.clone();
    if let Some(kickers) = &patch.kickers {
        if kickers.len() > MAX_KICKERS {
            return Err(ApiError::invalid_parameter(
                "kickers",
                format!("at most {MAX_KICKERS} kickers"),
            ));
        }
        if kickers.iter().any(|k| k.chars().count() > MAX_NAME_CHARS) {
            return Err(ApiError::invalid_parameter(
                "kickers",
                format!("a kicker is at most {MAX_NAME_CHARS} characters"),
            ));
        }
        let mut cleaned: Vec<String> = Vec::with_capacity(kickers.len());
        for kicker in kickers
            .iter()
            .filter_map(|k| normalize::clean_edited_line(k))
        {
            if !cleaned.contains(&kicker) {
                cleaned.push(kicker);
            }
        }
        changes.kickers = Some(cleaned);
    }
    for (name, list) in [
        ("remove_entities", &patch.remove_entities),
        ("restore_entities", &patch.restore_entities),
    ] {
        if list.len() > MAX_ENTITY_EDITS {
            return Err(ApiError::invalid_parameter(
                name,
                format!("at most {MAX_ENTITY_EDITS} entities"),
            ));
        }
        for entity in list {
            if check_identifier(entity).is_err() {
                return Err(ApiError::invalid_parameter(
                    name,
                    "expected entity ids or slugs",
                ));
            }
        }
    }
    changes.remove_entities = patch.remove_entities.clone();
    changes.restore_entities = patch.restore_entities.clone();
    if patch.status.is_some() || patch.published_at.is_some() {
        let published_at = match &changes.published_at {
            Some(at) => *at,
            None => current
                .published_at
                .as_deref()
                .map(|v| parse_timestamp("published_at", v))
                .transpose()?,
        };
        changes.status = Some(super::schedule::effective_status(
            patch.status.unwrap_or(current.status),
            patch.status.is_some(),
            published_at,
            OffsetDateTime::now_utc(),
            state.config.distribution.schedule_horizon(),
        )?);
    }

    // Entities come from the title, summary, kickers and blocks: extracted again when any of
    // them changes, or when an entity may be linked again.
    if changes.title.is_some()
        || changes.blocks.is_some()
        || changes.summary.is_some()
        || changes.kickers.is_some()
        || !changes.restore_entities.is_empty()
    {
        let title = changes.title.clone().unwrap_or(current.title.clone());
        let blocks = changes.blocks.clone().unwrap_or(current.blocks.clone());
        let kickers = changes.kickers.clone().unwrap_or(current.kickers.clone());
        let measured = normalize::measure_edit(&title, &blocks);
        let entities = state.extract_entities(
            &title,
            changes
                .summary
                .clone()
                .unwrap_or(current.summary.clone())
                .as_deref(),
            &kickers,
            &blocks,
            current.lead_image.as_ref().and_then(|i| i.alt.as_deref()),
        );
        changes.recomputed = Some(Recomputed {
            word_count: measured.word_count,
            reading_time_minutes: measured.reading_time_minutes,
            content_hash: measured.content_hash,
            entities,
        });
    }
    let updated = state.store.update_article(&current.id, &changes).await?;
    // The same bytes and ETag a GET of the new version answers.
    let (body, etag) = docs::render(&updated);
    let mut response = Response::new(Body::from(body));
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    Ok(response)
}

/// The `If-Match` precondition of a write: `*`, or a list of entity tags.
fn parse_if_match(headers: &HeaderMap) -> ApiResult<Option<IfMatch>> {
    let values: Vec<&HeaderValue> = headers.get_all(header::IF_MATCH).iter().collect();
    if values.is_empty() {
        return Ok(None);
    }
    let invalid = || {
        ApiError::invalid_parameter(
            "If-Match",
            "expected `*` or entity tags such as `\"3f2a…\"`, comma-separated, as visible ASCII",
        )
    };
    let mut tags = Vec::new();
    for value in values {
        let text = value.to_str().map_err(|_| invalid())?;
        for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if tag == "*" {
                return Ok(Some(IfMatch::Any));
            }
            let quoted = tag.strip_prefix("W/").unwrap_or(tag);
            if quoted.len() >= 2 && quoted.starts_with('"') && quoted.ends_with('"') {
                // Weak tags never match a strong comparison; they are kept so the check fails.
                tags.push(tag.to_owned());
            } else {
                // A tag sent without its quotes is taken as the quoted one.
                let weak = if tag.starts_with("W/") { "W/" } else { "" };
                tags.push(format!("{weak}\"{}\"", quoted.trim_matches('"')));
            }
        }
    }
    if tags.is_empty() {
        return Err(invalid());
    }
    Ok(Some(IfMatch::Tags(tags)))
}

/// Delete an article (editors): gone from reads and search. With `If-Match`, only while the
/// article is still that version (checked in the deleting transaction); otherwise 412. With
/// `purge=true` (admins), the article is removed for good, live or already deleted, with the
/// saved answers of the requests that created it.
#[utoipa::path(delete, path = "/v1/articles/{id_or_slug}", tag = "articles",
    params(
        ("id_or_slug" = String, Path, description = "The article's id or slug"),
        ("purge" = Option<bool>, Query, description = "`true` (admins only): remove the article and everything kept of it for good, also when already deleted"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version to delete (as a GET of the whole article answers it), or `*`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A malformed If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since the If-Match version; `ETag` is the current one", body = Problem, content_type = "application/problem+json")))]
async fn delete_article(
    State(state): State<AppState>,
    Editor(token): Editor,
    PathParams(id_or_slug): PathParams<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    check_identifier(&id_or_slug)?;
    let params = QueryPairs::parse(raw.as_deref());
    let purge = match params.one("purge") {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "purge",
                "expected `true` or `false`",
            ))
        }
    };
    let if_match = parse_if_match(&headers)?;
    if !purge {
        state
            .store
            .delete_article(&id_or_slug, if_match.as_ref())
            .await?;
        return Ok(StatusCode::NO_CONTENT);
    }
    if token.role < Role::Admin {
        return Err(ApiError::Forbidden(
            "Purging an article for good needs the admin role; editors can delete.".into(),
        ));
    }
    if let Some(if_match) = &if_match {
        // A precondition names a live version: it must still be the current one.
        let current = state.store.get_article(&id_or_slug, true).await?;
        let (_, etag) = docs::render(&current);
        if !if_match.matches(&etag) {
            return Err(ApiError::PreconditionFailed {
                detail: format!(
                    "The article changed since the version in If-Match; its current ETag is {etag}."
                ),
                current_etag: etag,
            });
        }
    }
    state.store.purge_article(&id_or_slug).await?;
    tracing::info!(article = %id_or_slug, token = %token.id, "article purged");
    Ok(StatusCode::NO_CONTENT)
}

/// Ids and slugs are short ASCII; anything else cannot name an article.
pub fn check_identifier(id_or_slug: &str) -> ApiResult<()> {
    if id_or_slug.is_empty()
        || id_or_slug.len() > MAX_IDENTIFIER_BYTES
        || !id_or_slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::not_found(format_args!(
            "An article `{}`",
            id_or_slug.chars().take(80).collect::<String>()
        )));
    }
    Ok(())
}

/// RFC 3339, or a day (taken as midnight UTC).
pub fn parse_timestamp(name: &str, value: &str) -> ApiResult<OffsetDateTime> {
    parse_date_bound(name, value).and_then(|s| {
        OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
            .map_err(|_| ApiError::invalid_parameter(name, "expected RFC 3339 or YYYY-MM-DD"))
    })
}

/// The JSON of an article, with `removed` when asked for and only `fields` when given.
pub fn render_article(article: &Article, fields: &[&str], include: &[&str]) -> Value {
    let mut value = serde_json::to_value(article).unwrap_or(Value::Null);
    if include.contains(&"removed") {
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "removed".into(),
                serde_json::to_value(&article.removed).unwrap_or(Value::Null),
            );
        }
    }
    trim_fields(value, fields)
}

fn trim_fields(value: Value, fields: &[&str]) -> Value {
    if fields.is_empty() {
        return value;
    }
    match value {
        Value::Object(object) => {
            let keep: HashSet<&str> = fields.iter().copied().chain(["removed"]).collect();
            Value::Object(
                object
                    .into_iter()
                    .filter(|(k, _)| keep.contains(k.as_str()))
                    .collect::<Map<String, Value>>(),
            )
        }
        other => other,
    }
}

/// A list page's JSON: its items, then where the next page is.
#[derive(Serialize)]
struct ListBody<'a, T: Serialize> {
    data: &'a [T],
    next_cursor: Option<&'a str>,
    next: Option<&'a str>,
}

/// A list page's bytes: its items, then `(next_cursor, next)`.
fn render_list<T: Serialize>(data: &[T], links: (Option<&str>, Option<&str>)) -> Rendered {
    let (next_cursor, next) = links;
    render_bytes(&ListBody {
        data,
        next_cursor,
        next,
    })
}

/// JSON bytes and their strong ETag.
fn render_bytes<T: Serialize + ?Sized>(body: &T) -> Rendered {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let etag = docs::etag_of(&bytes);
    Rendered {
        body: bytes.into(),
        etag,
        next: None,
    }
}

fn article_cache_control(status: ArticleStatus) -> &'static str {
    match status {
        ArticleStatus::Published => "public, max-age=60, stale-while-revalidate=300",
        ArticleStatus::Draft | ArticleStatus::Scheduled => "private, no-store",
    }
}

/// A JSON answer with its ETag and caching headers; `304` when the client has it already.
fn cached_response(
    request_headers: &HeaderMap,
    rendered: Rendered,
    cache_control: &'static str,
) -> Response {
    let matches = request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == rendered.etag || t == "*");
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(rendered.body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&rendered.etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("authorization, accept-encoding"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Image;
    use crate::store::articles::{ArticleStatus, ArticleSummary, TagRef};

    fn summary(n: i64) -> ArticleSummary {
        ArticleSummary {
            id: format!("01ID{n}"),
            slug: format!("पुतिन-\"quoted\"-{n}"),
            status: ArticleStatus::Published,
            title: "Title with \u{2028} and \\ and ✓".into(),
            summary: (n % 2 == 0).then(|| "A summary.".into()),
            kickers: vec!["Kicker".into()],
            language: "hi".into(),
            script: "Deva".into(),
            lead_image: Some(Image {
                url: "https://example.com/a.jpg".into(),
                alt: None,
                caption: Some("caption".into()),
            }),
            word_count: 534,
            reading_time_minutes: 3,
            published_at: None,
            source_domain: Some("example.com".into()),
            tags: vec![TagRef {
                slug: "world".into(),
                name: "World".into(),
            }],
            created_at: "2026-12-07T21:40:14Z".into(),
            updated_at: "2026-12-07T21:40:14Z".into(),
            sort_at: "2026-12-07T21:40:14Z".into(),
            rank: Some(-1.5),
            rowid: n,
        }
    }

    #[test]
    fn a_list_page_renders_the_same_bytes_as_its_json_tree() {
        // The page is serialized straight from the summaries; its bytes (and so its ETag) are
        // those of the JSON tree the page used to be built as.
        let items = vec![summary(1), summary(2)];
        for (cursor, next) in [(None, None), (Some("abc"), Some("/v1/articles?cursor=abc"))] {
            let direct = render_list(&items, (cursor, next));
            let tree = serde_json::json!({
                "data": items.iter().map(|i| serde_json::to_value(i).unwrap()).collect::<Vec<_>>(),
                "next_cursor": cursor,
                "next": next,
            });
            assert_eq!(direct.body, serde_json::to_vec(&tree).unwrap());
            assert_eq!(direct.etag, render_bytes(&tree).etag);
        }
    }
}
