//! Feeds of published articles: Atom 1.0 (`atom_syndication`), RSS 2.0 (`rss`) and JSON Feed
//! 1.1 (serde), newest first, taking the filters of `GET /v1/articles`. Each item carries the
//! whole article (its blocks as HTML), its summary, authors, tags as categories, lead image and
//! language. Answers carry `ETag` and `Last-Modified` and are 304 when the reader has them.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::articles::Scope;
use super::params::{parse_date_bound, QueryPairs};
use super::{ApiError, ApiResult, AppState, Problem};
use crate::normalize::{Block, BlockType, Image};
use crate::store::articles::{ArticleOrder, ArticleQuery, ArticleStatus};
use crate::store::docs::etag_of;

/// The filters of `GET /v1/articles` a feed takes (and carries in the lists' `Link` to it).
pub const FEED_FILTERS: [&str; 7] = ["tag", "entity", "lang", "source", "since", "until", "q"];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(atom_feed))
        .routes(routes!(rss_feed))
        .routes(routes!(json_feed))
}

/// The three formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Atom,
    Rss,
    Json,
}

impl Format {
    fn path(self) -> &'static str {
        match self {
            Format::Atom => "/v1/feed.atom",
            Format::Rss => "/v1/feed.rss",
            Format::Json => "/v1/feed.json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// The `Link` headers a list of articles answers with: its feeds, with the same filters (a
/// nested list's tag or entity first).
pub fn alternate_links(params: &QueryPairs, scope: &Scope) -> Vec<HeaderValue> {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for name in FEED_FILTERS {
        let scoped = match name {
            "tag" => scope.tag.as_deref(),
            "entity" => scope.entity.as_deref(),
            _ => None,
        };
        for value in scoped.into_iter().chain(params.all(name)) {
            query.append_pair(name, value);
        }
    }
    let query = query.finish();
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    [
        (Format::Atom, "application/atom+xml"),
        (Format::Rss, "application/rss+xml"),
        (Format::Json, "application/feed+json"),
    ]
    .into_iter()
    .filter_map(|(format, mime)| {
        HeaderValue::from_str(&format!(
            "<{}{suffix}>; rel=\"alternate\"; type=\"{mime}\"",
            format.path()
        ))
        .ok()
    })
    .collect()
}

/// An article as a feed shows it: the fields of its JSON that feeds use.
#[derive(Debug, Deserialize)]
struct FeedArticle {
    id: String,
    slug: String,
    title: String,
    summary: Option<String>,
    language: String,
    lead_image: Option<Image>,
    #[serde(default)]
    blocks: Vec<Block>,
    body_text: String,
    published_at: Option<String>,
    url: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    tags: Vec<FeedTag>,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Deserialize)]
struct FeedTag {
    slug: String,
    name: String,
}

impl FeedArticle {
    fn published(&self) -> &str {
        self.published_at.as_deref().unwrap_or(&self.created_at)
    }
}

/// Atom 1.0 feed of published articles, newest first.
#[utoipa::path(get, path = "/v1/feed.atom", tag = "feeds",
    params(FeedParams),
    responses(
        (status = 200, description = "An Atom 1.0 feed", content_type = "application/atom+xml",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match (or the time in If-Modified-Since)"),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")))]
async fn atom_feed(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    feed(&state, raw.as_deref(), &headers, Format::Atom).await
}

/// RSS 2.0 feed of published articles, newest first (full text in `content:encoded`).
#[utoipa::path(get, path = "/v1/feed.rss", tag = "feeds",
    params(FeedParams),
    responses(
        (status = 200, description = "An RSS 2.0 feed", content_type = "application/rss+xml",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match (or the time in If-Modified-Since)"),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")))]
async fn rss_feed(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    feed(&state, raw.as_deref(), &headers, Format::Rss).await
}

/// JSON Feed 1.1 of published articles, newest first.
#[utoipa::path(get, path = "/v1/feed.json", tag = "feeds",
    params(FeedParams),
    responses(
        (status = 200, description = "A JSON Feed 1.1", body = JsonFeed, content_type = "application/feed+json",
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match (or the time in If-Modified-Since)"),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")))]
async fn json_feed(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    feed(&state, raw.as_deref(), &headers, Format::Json).await
}

/// The query of a feed (the filters of `GET /v1/articles`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FeedParams {
    /// Tag slug; repeat for AND.
    tag: Option<Vec<String>>,
    /// Entity slug; repeat for AND.
    entity: Option<Vec<String>>,
    /// ISO 639-1 language code, e.g. `hi`; another value is a 400 naming it.
    #[param(pattern = "^[A-Za-z]{2}$")]
    lang: Option<String>,
    /// Source domain, e.g. abplive.com.
    source: Option<String>,
    /// published_at on or after (RFC 3339 or YYYY-MM-DD).
    since: Option<String>,
    /// published_at before (RFC 3339 or YYYY-MM-DD).
    until: Option<String>,
    /// Full-text search (as in `GET /v1/articles`); the feed stays newest first.
    #[param(max_length = 500)]
    q: Option<String>,
    /// Articles in the feed, 1..=100 (default NEWSDESK_FEED_LENGTH, 50).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

async fn feed(
    state: &AppState,
    raw: Option<&str>,
    headers: &HeaderMap,
    format: Format,
) -> ApiResult<Response> {
    let params = QueryPairs::parse(raw);
    let query = feed_query(state, &params)?;
    let page = state.store.list_articles(&query).await?;
    let mut articles = Vec::with_capacity(page.items.len());
    for item in &page.items {
        // The kept document when there is one (one row), else the article assembled.
        let body = match state.store.get_article_doc(&item.id, false).await? {
            Some(doc) => doc.body,
            None => match state.store.get_article(&item.id, false).await {
                Ok(article) => crate::store::docs::render(&article).0,
                // Deleted or unpublished since the list was read.
                Err(crate::store::StoreError::NotFound(_)) => continue,
                Err(err) => return Err(err.into()),
            },
        };
        let article: FeedArticle = serde_json::from_slice(&body)
            .map_err(|e| ApiError::Internal(format!("kept article document: {e}")))?;
        articles.push(article);
    }
    let base = public_base(state, headers);
    let self_url = match raw.filter(|r| !r.is_empty()) {
        Some(raw) => format!("{base}{}?{raw}", format.path()),
        None => format!("{base}{}", format.path()),
    };
    let updated = articles
        .iter()
        .map(|a| a.updated_at.as_str())
        .max()
        .unwrap_or("1970-01-01T00:00:00Z")
        .to_owned();
    let meta = FeedMeta {
        title: feed_title(&params),
        self_url,
        base,
        language: query.language.clone(),
        updated,
    };
    let body = match format {
        Format::Atom => atom_document(&meta, &articles)?,
        Format::Rss => rss_document(&meta, &articles)?,
        Format::Json => json_document(&meta, &articles)?,
    };
    Ok(conditional_response(headers, body, &meta.updated, format))
}

/// The list query of a feed: the filters of `GET /v1/articles`, published articles only,
/// newest first.
fn feed_query(state: &AppState, params: &QueryPairs) -> ApiResult<ArticleQuery> {
    let language = super::params::parse_lang(params.one("lang"))?;
    let search = super::params::parse_search(params.one("q"))?;
    let limit = match params.one("limit") {
        None => state.config.distribution.feed_length,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_parameter(
                    "limit",
                    "expected a whole number from 1 to 100",
                ))
            }
        },
    };
    Ok(ArticleQuery {
        tags: params.all("tag").into_iter().map(str::to_owned).collect(),
        entities: params
            .all("entity")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        language,
        source: params.one("source").map(|s| s.trim().to_ascii_lowercase()),
        since: params
            .one("since")
            .map(|v| parse_date_bound("since", v))
            .transpose()?,
        until: params
            .one("until")
            .map(|v| parse_date_bound("until", v))
            .transpose()?,
        statuses: vec![ArticleStatus::Published],
        search,
        order: Some(ArticleOrder::NewestFirst),
        limit,
        ..ArticleQuery::default()
    })
}

/// Where the API is, for the absolute links feeds need: NEWSDESK_PUBLIC_URL, else the
/// request's `Host`.
fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.distribution.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// A title saying what the feed holds.
fn feed_title(params: &QueryPairs) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (name, label) in [
        ("tag", "tag"),
        ("entity", "entity"),
        ("lang", "language"),
        ("source", "source"),
        ("q", "search"),
    ] {
        for value in params.all(name) {
            parts.push(format!("{label} {value}"));
        }
    }
    if parts.is_empty() {
        "newsdesk: latest articles".to_owned()
    } else {
        format!("newsdesk: {}", parts.join(", "))
    }
}

struct FeedMeta {
    title: String,
    self_url: String,
    base: String,
    language: Option<String>,
    /// The newest `updated_at` of its articles.
    updated: String,
}

impl FeedMeta {
    /// The article's address in this API (its permanent id in feeds).
    fn article_url(&self, article: &FeedArticle) -> String {
        format!("{}/v1/articles/{}", self.base, article.id)
    }

    /// Where a reader goes: the source page when known, else the article in the API.
    fn reader_url(&self, article: &FeedArticle) -> String {
        article
            .url
            .clone()
            .unwrap_or_else(|| format!("{}/v1/articles/{}", self.base, article.slug))
    }
}

/// The article's blocks as HTML (text escaped).
fn content_html(article: &FeedArticle) -> String {
    let mut html = String::new();
    let mut in_list = false;
    for block in &article.blocks {
        if in_list && block.kind != BlockType::ListItem {
            html.push_str("</ul>");
            in_list = false;
        }
        match block.kind {
            BlockType::Paragraph => {
                html.push_str(&format!("<p>{}</p>", escape(&block.text)));
            }
            BlockType::Heading => {
                html.push_str(&format!("<h2>{}</h2>", escape(&block.text)));
            }
            BlockType::Quote => {
                html.push_str(&format!("<blockquote>{}</blockquote>", escape(&block.text)));
            }
            BlockType::ListItem => {
                if !in_list {
                    html.push_str("<ul>");
                    in_list = true;
                }
                html.push_str(&format!("<li>{}</li>", escape(&block.text)));
            }
            BlockType::Image => {
                let Some(url) = block.url.as_deref() else {
                    continue;
                };
                html.push_str(&format!(
                    "<figure><img src=\"{}\" alt=\"{}\">",
                    escape(url),
                    escape(block.alt.as_deref().unwrap_or(""))
                ));
                if let Some(caption) = &block.caption {
                    html.push_str(&format!("<figcaption>{}</figcaption>", escape(caption)));
                }
                html.push_str("</figure>");
            }
        }
    }
    if in_list {
        html.push_str("</ul>");
    }
    html
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The media type of an image by its file name's extension.
fn image_type(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match path.rsplit('.').next() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("svg") => "image/svg+xml",
        _ => "image/jpeg",
    }
}

/// An image URL as feeds need it: absolute.
fn absolute(meta: &FeedMeta, url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", meta.base)
    } else {
        url.to_owned()
    }
}

fn parse_time(value: &str) -> OffsetDateTime {
    OffsetDateTime::parse(value, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn atom_time(value: &str) -> ApiResult<atom_syndication::FixedDateTime> {
    atom_syndication::FixedDateTime::parse_from_rfc3339(value)
        .map_err(|e| ApiError::Internal(format!("stored timestamp `{value}`: {e}")))
}

fn atom_document(meta: &FeedMeta, articles: &[FeedArticle]) -> ApiResult<Vec<u8>> {
    use atom_syndication::{Category, Content, Entry, Feed, Link, Person, Text};
    let mut entries = Vec::with_capacity(articles.len());
    for article in articles {
        let mut links = vec![Link {
            href: meta.reader_url(article),
            rel: "alternate".into(),
            ..Link::default()
        }];
        if let Some(image) = &article.lead_image {
            links.push(Link {
                href: absolute(meta, &image.url),
                rel: "enclosure".into(),
                mime_type: Some(image_type(&image.url).into()),
                title: image.alt.clone(),
                ..Link::default()
            });
        }
        entries.push(Entry {
            title: Text::plain(article.title.clone()),
            id: meta.article_url(article),
            updated: atom_time(&article.updated_at)?,
            published: Some(atom_time(article.published())?),
            authors: article
                .authors
                .iter()
                .map(|name| Person {
                    name: name.clone(),
                    ..Person::default()
                })
                .collect(),
            categories: article
                .tags
                .iter()
                .map(|t| Category {
                    term: t.slug.clone(),
                    label: Some(t.name.clone()),
                    ..Category::default()
                })
                .collect(),
            links,
            summary: article.summary.clone().map(Text::plain),
            content: Some(Content {
                content_type: Some("html".into()),
                value: Some(content_html(article)),
                lang: Some(article.language.clone()),
                ..Content::default()
            }),
            ..Entry::default()
        });
    }
    let feed = Feed {
        title: Text::plain(meta.title.clone()),
        id: meta.self_url.clone(),
        updated: atom_time(&meta.updated)?,
        links: vec![Link {
            href: meta.self_url.clone(),
            rel: "self".into(),
            mime_type: Some("application/atom+xml".into()),
            ..Link::default()
        }],
        lang: meta.language.clone(),
        entries,
        ..Feed::default()
    };
    feed.write_to(Vec::new())
        .map_err(|e| ApiError::Internal(format!("writing the Atom feed: {e}")))
}

fn rss_document(meta: &FeedMeta, articles: &[FeedArticle]) -> ApiResult<Vec<u8>> {
    use rss::extension::dublincore::DublinCoreExtension;
    use rss::{Category, Channel, Enclosure, Guid, Item};
    let rfc2822 = |value: &str| parse_time(value).format(&Rfc2822).ok();
    let items = articles
        .iter()
        .map(|article| Item {
            title: Some(article.title.clone()),
            link: Some(meta.reader_url(article)),
            description: Some(
                article
                    .summary
                    .clone()
                    .unwrap_or_else(|| first_words(&article.body_text, 60)),
            ),
            content: Some(content_html(article)),
            categories: article
                .tags
                .iter()
                .map(|t| Category {
                    name: t.name.clone(),
                    domain: None,
                })
                .collect(),
            enclosure: article.lead_image.as_ref().map(|image| Enclosure {
                url: absolute(meta, &image.url),
                // Unknown without fetching it; 0 is the customary placeholder.
                length: "0".into(),
                mime_type: image_type(&image.url).into(),
            }),
            guid: Some(Guid {
                value: meta.article_url(article),
                permalink: true,
            }),
            pub_date: rfc2822(article.published()),
            // RSS's own `author` must be an e-mail address; names go in dc:creator.
            dublin_core_ext: (!article.authors.is_empty()).then(|| DublinCoreExtension {
                creators: article.authors.clone(),
                languages: vec![article.language.clone()],
                ..DublinCoreExtension::default()
            }),
            ..Item::default()
        })
        .collect();
    let mut namespaces = std::collections::BTreeMap::new();
    namespaces.insert(
        "dc".to_owned(),
        rss::extension::dublincore::NAMESPACE.to_owned(),
    );
    let channel = Channel {
        title: meta.title.clone(),
        link: meta.self_url.clone(),
        description: format!("{}, newest first", meta.title),
        language: meta.language.clone(),
        last_build_date: rfc2822(&meta.updated),
        generator: Some("newsdesk".into()),
        items,
        namespaces,
        ..Channel::default()
    };
    channel
        .write_to(Vec::new())
        .map_err(|e| ApiError::Internal(format!("writing the RSS feed: {e}")))
}

/// The first `n` words of a text, for a description when an article has no summary.
fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().take(n + 1).collect();
    if words.len() > n {
        format!("{} …", words[..n].join(" "))
    } else {
        words.join(" ")
    }
}

/// A JSON Feed 1.1 document.
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeed {
    /// `https://jsonfeed.org/version/1.1`.
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    items: Vec<JsonFeedItem>,
}

/// One article in a JSON Feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeedItem {
    id: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<String>,
    title: String,
    content_html: String,
    content_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonFeedAuthor>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    language: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeedAuthor {
    name: String,
}

fn json_document(meta: &FeedMeta, articles: &[FeedArticle]) -> ApiResult<Vec<u8>> {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: meta.title.clone(),
        home_page_url: format!("{}/", meta.base),
        feed_url: meta.self_url.clone(),
        language: meta.language.clone(),
        items: articles
            .iter()
            .map(|article| JsonFeedItem {
                id: meta.article_url(article),
                url: format!("{}/v1/articles/{}", meta.base, article.slug),
                external_url: article.url.clone(),
                title: article.title.clone(),
                content_html: content_html(article),
                content_text: article.body_text.clone(),
                summary: article.summary.clone(),
                image: article
                    .lead_image
                    .as_ref()
                    .map(|image| absolute(meta, &image.url)),
                date_published: article.published().to_owned(),
                date_modified: article.updated_at.clone(),
                authors: article
                    .authors
                    .iter()
                    .map(|name| JsonFeedAuthor { name: name.clone() })
                    .collect(),
                tags: article.tags.iter().map(|t| t.name.clone()).collect(),
                language: article.language.clone(),
            })
            .collect(),
    };
    serde_json::to_vec(&feed).map_err(|e| ApiError::Internal(format!("JSON Feed: {e}")))
}

/// The feed with its `ETag` and `Last-Modified`, or 304 when the reader has this version
/// (`If-None-Match` decides when sent; else `If-Modified-Since`).
fn conditional_response(
    headers: &HeaderMap,
    body: Vec<u8>,
    updated: &str,
    format: Format,
) -> Response {
    let etag = etag_of(&body);
    let last_modified = parse_time(updated)
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let http_date = httpdate(last_modified);
    let none_match: Vec<&str> = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .collect();
    let not_modified = if none_match.is_empty() {
        headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| OffsetDateTime::parse(v.trim(), &Rfc2822).ok())
            .is_some_and(|since| last_modified <= since)
    } else {
        none_match.iter().any(|t| *t == etag || *t == "*")
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
    };
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&http_date) {
        out.insert(header::LAST_MODIFIED, value);
    }
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    response
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn httpdate(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdate() {
        let at = OffsetDateTime::parse("1994-11-06T08:49:37Z", &Rfc3339).unwrap();
        assert_eq!(httpdate(at), "Sun, 06 Nov 1994 08:49:37 GMT");
        // What If-Modified-Since parses back.
        assert_eq!(
            OffsetDateTime::parse("Sun, 06 Nov 1994 08:49:37 GMT", &Rfc2822).unwrap(),
            at
        );
    }

    #[test]
    fn text_is_escaped_in_html_content() {
        assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }
}
