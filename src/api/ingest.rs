//! `POST /v1/ingest`: raw text (or a JSON envelope) in, a stored article out.
//! `POST /v1/ingest/batch`: NDJSON envelopes in, one NDJSON result per line out, streamed.

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{FutureExt, StreamExt};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::articles::render_article;
use super::auth::Editor;
use super::error::Problem;
use super::extract::RawBody;
use super::params::QueryPairs;
use super::{ApiError, ApiResult, AppState};
use crate::normalize::{self, Envelope, NormalizedArticle};
use crate::store::articles::{ArticleStatus, BatchInserted, Inserted};
use crate::store::idempotency::SavedResponse;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ingest))
        .routes(routes!(ingest_batch))
}

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const ACCEPTED_TYPES: &str =
    "text/plain, text/markdown, text/html, application/xhtml+xml or application/json";
/// Text bodies up to this size are normalized on the calling worker (well under a millisecond);
/// larger ones, and every HTML page, go to the normalizer threads.
const INLINE_NORMALIZE_BYTES: usize = 8 * 1024;
/// Articles in the first chunk of a batch (see `run_batch`).
const FIRST_BATCH_CHUNK: usize = 64;
/// Result lines buffered for a batch's client (about 150 bytes each); past them storing waits
/// for the client to read.
const BATCH_RESULTS_BUFFERED: usize = 1024;
/// How long a partial chunk waits for more lines before it is stored.
const BATCH_IDLE_FLUSH: std::time::Duration = std::time::Duration::from_millis(50);

/// Where the new or existing article lives.
fn location(id: &str) -> String {
    format!("/v1/articles/{id}")
}

/// Ingest one article.
///
/// The body is the article as scraped (`text/plain` or `text/markdown`, UTF-8), a whole web page
/// (`text/html` or `application/xhtml+xml`, any character set declared in the Content-Type or the
/// page's `<meta charset>`; its main content and metadata are extracted), or a JSON envelope
/// `{"text"|"html": …, "url"?, "source"?, "title"?, "summary"?, "published_at"?, "language"?,
/// "tags"?, "authors"?}` whose explicit fields override what is inferred. Pages may be up to
/// `--html-body-limit` (10 MiB by default), text up to `--body-limit`.
#[utoipa::path(post, path = "/v1/ingest", tag = "ingest",
    params(
        ("dry_run" = Option<bool>, Query, description = "Normalize and answer, store nothing"),
        ("status" = Option<String>, Query, description = "`published` (default), `draft` or `scheduled`. A `published_at` ahead makes a published article `scheduled` (public when its time comes); one further ahead than NEWSDESK_SCHEDULE_HORIZON_DAYS is refused (422) unless `scheduled` is asked for"),
        ("url" = Option<String>, Query, description = "The page's address, an absolute http(s) URL: for an HTML body, relative links resolve against it unless the page names a canonical URL (other bodies give theirs in the envelope's `url`)"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer"),
    ),
    request_body(description = "Raw article text, a whole HTML page, or a JSON envelope",
        content((String = "text/plain"), (String = "text/markdown"), (String = "text/html"),
                (String = "application/xhtml+xml"), (Envelope = "application/json"))),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored; `Location` names the article", body = crate::store::articles::Article,
         headers(("Location" = String))),
        (status = 200, description = "Already stored (`duplicate: true`), or a dry run"),
        (status = 400, description = "Malformed body or parameter, or an HTML page that cannot be decoded in its character set", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit (`--body-limit` for text, `--html-body-limit` for pages)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Unsupported Content-Type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No article left after normalization, an Idempotency-Key reused, a `published_at` beyond the scheduling horizon, or `status=scheduled` for an article not dated ahead", body = Problem, content_type = "application/problem+json")))]
async fn ingest(
    State(state): State<AppState>,
    Editor(token): Editor,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    let params = QueryPairs::parse(raw.as_deref());
    let dry_run = parse_bool("dry_run", params.one("dry_run"))?;
    let status = parse_status(params.one("status"))?;
    let key = idempotency_key(&headers)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let page_url = params.one("url").map(str::to_owned);
    if let Some(url) = &page_url {
        // Checked whatever the body, so a request is valid or not by its form alone.
        check_page_url(url)?;
    }
    let mut envelope = parse_envelope(content_type, &body, state.config.body_limit)?;
    if envelope.html.is_some() && envelope.url.is_none() {
        envelope.url = page_url;
    }

    let request_hash = {
        let mut h = Sha256::new();
        h.update(content_type.as_bytes());
        h.update([0]);
        h.update(raw.as_deref().unwrap_or("").as_bytes());
        h.update([0]);
        h.update(&body);
        hex::encode(h.finalize())
    };
    if let Some(key) = &key {
        if let Some(saved) = state
            .store
            .saved_response(&token.id, key, state.config.idempotency_cutoff())
            .await?
        {
            if saved.request_hash != request_hash {
                return Err(ApiError::IdempotencyKeyReused(format!(
                    "The Idempotency-Key `{key}` was used for a different request."
                )));
            }
            return Ok(replay(saved));
        }
    }

    let normalized = normalize_off_thread(&state, envelope, body.len())
        .await
        .inspect_err(|_| state.metrics.ingest_error())?;
    if dry_run {
        return Ok((StatusCode::OK, axum::Json(dry_run_body(&normalized))).into_response());
    }
    let status = super::schedule::effective_status(
        status,
        true,
        normalized.published_at,
        time::OffsetDateTime::now_utc(),
        state.config.distribution.schedule_horizon(),
    )?;
    let (code, article) = match state.store.insert_article(&normalized, status).await? {
        Inserted::Created(article) => (StatusCode::CREATED, article),
        Inserted::Duplicate(article) => (StatusCode::OK, article),
    };
    state.metrics.ingested(code == StatusCode::CREATED);
    let mut value = render_article(&article, &[], &[]);
    if let Some(object) = value.as_object_mut() {
        object.insert("duplicate".into(), Value::Bool(code == StatusCode::OK));
    }
    let body = serde_json::to_string(&value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let location = location(&article.id);
    if let Some(key) = &key {
        state
            .store
            .save_response(
                &token.id,
                key,
                &SavedResponse {
                    request_hash,
                    status: code.as_u16(),
                    body: body.clone(),
                    location: Some(location.clone()),
                },
                state.config.idempotency_cutoff(),
            )
            .await?;
    }
    Ok(json_response(code, body, Some(&location), false))
}

fn json_response(
    code: StatusCode,
    body: String,
    location: Option<&str>,
    replayed: bool,
) -> Response {
    let mut response = (code, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    if replayed {
        headers.insert(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
    }
    response
}

fn replay(saved: SavedResponse) -> Response {
    let code = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
    json_response(code, saved.body, saved.location.as_deref(), true)
}

/// Normalizes a small text on the calling worker, anything else on the normalizer threads (a
/// page's work is bounded in size and depth, and in time by the workers' budget).
async fn normalize_off_thread(
    state: &AppState,
    envelope: Envelope,
    size: usize,
) -> ApiResult<NormalizedArticle> {
    if size <= INLINE_NORMALIZE_BYTES && envelope.html.is_none() {
        return Ok(state.normalize(&envelope)?);
    }
    let worker = state.clone();
    state
        .workers
        .run(move || worker.normalize(&envelope))
        .await?
        .map_err(ApiError::from)
}

/// `?url=`: an absolute http(s) URL with a host (the rule an envelope's `url` follows).
fn check_page_url(value: &str) -> ApiResult<()> {
    let valid = url::Url::parse(value.trim()).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    });
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(
            "url",
            "expected an absolute http(s) URL such as https://example.com/news/story",
        ))
    }
}

fn parse_bool(name: &str, value: Option<&str>) -> ApiResult<bool> {
    match value {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(ApiError::invalid_parameter(
            name,
            "expected `true` or `false`",
        )),
    }
}

fn parse_status(value: Option<&str>) -> ApiResult<ArticleStatus> {
    match value {
        None => Ok(ArticleStatus::Published),
        Some(v) => ArticleStatus::parse(v).ok_or_else(|| {
            ApiError::invalid_parameter("status", "expected `published`, `draft` or `scheduled`")
        }),
    }
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            ApiError::invalid_parameter(
                "Idempotency-Key",
                "expected 1 to 255 visible ASCII characters",
            )
        })?;
    Ok(Some(key.to_owned()))
}

/// The envelope a body carries, by its media type. A text envelope (anything but a page) is held
/// to `text_limit`; pages come under the larger HTML limit the middleware applied.
fn parse_envelope(content_type: &str, body: &Bytes, text_limit: usize) -> ApiResult<Envelope> {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    });
    if let "text/html" | "application/xhtml+xml" = essence.as_str() {
        let html = normalize::html::decode_html(body, charset.as_deref())?;
        return Ok(Envelope {
            html: Some(html),
            ..Envelope::default()
        });
    }
    if let Some(charset) = &charset {
        if !matches!(charset.as_str(), "utf-8" | "utf8" | "us-ascii") {
            return Err(ApiError::UnsupportedMediaType(format!(
                "Only UTF-8 text is accepted; the body declares charset `{charset}`."
            )));
        }
    }
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "The request body exceeds the limit of {text_limit} bytes for text; only HTML pages \
             may be larger."
        ))
    };
    match essence.as_str() {
        "text/plain" | "text/markdown" | "text/x-markdown" => {
            if body.len() > text_limit {
                return Err(too_large());
            }
            let text = std::str::from_utf8(body).map_err(|e| {
                ApiError::MalformedBody(format!(
                    "The body is not valid UTF-8 (first bad byte at offset {}).",
                    e.valid_up_to()
                ))
            })?;
            Ok(Envelope::from_text(text))
        }
        "application/json" => {
            let envelope = parse_json_envelope(body)?;
            if envelope.html.is_none() && body.len() > text_limit {
                return Err(too_large());
            }
            Ok(envelope)
        }
        "" => Err(ApiError::UnsupportedMediaType(format!(
            "The request has no Content-Type; send {ACCEPTED_TYPES}."
        ))),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "`{}` is not accepted here; send {ACCEPTED_TYPES}.",
            other.chars().take(80).collect::<String>()
        ))),
    }
}

fn parse_json_envelope(body: &[u8]) -> ApiResult<Envelope> {
    // serde would also take an array of the fields in order; only an object is an envelope.
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(ApiError::MalformedBody(
            "The JSON body must be an object: {\"text\" or \"html\": \"…\", \"url\"?, \"title\"?, \
             \"summary\"?, \"published_at\"?, \"language\"?, \"source\"?, \"tags\"?, \"authors\"?}."
                .into(),
        ));
    }
    let envelope = serde_json::from_slice::<Envelope>(body).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "does not match the envelope",
            serde_json::error::Category::Eof => "ends too early",
            _ => "is not valid JSON",
        };
        ApiError::MalformedBody(format!(
            "The JSON body {what}: {e}. Expected {{\"text\": \"…\", \"url\"?, \"title\"?, \"summary\"?, \
             \"published_at\"?, \"language\"?, \"source\"?, \"tags\"?, \"authors\"?}} \
             (or \"html\" with the whole page instead of \"text\")."
        ))
    })?;
    Ok(envelope)
}

/// A dry run's answer: the article as it would be stored, plus what was removed.
fn dry_run_body(article: &NormalizedArticle) -> Value {
    let tags: Vec<Value> = article
        .tags
        .iter()
        .map(|name| json!({"slug": normalize::tag_slug(name), "name": name}))
        .collect();
    let entities: Vec<Value> = article
        .entities
        .iter()
        .map(|e| {
            json!({
                "name": e.name,
                "type": e.kind,
                "aliases": e.surface_forms.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(),
                "mentions": e.mentions,
                "salience": e.salience,
            })
        })
        .collect();
    json!({
        "dry_run": true,
        "status": "published",
        "title": article.title,
        "summary": article.summary,
        "kickers": article.kickers,
        "language": article.language,
        "script": article.script,
        "lead_image": article.lead_image,
        "blocks": article.blocks,
        "body_text": article.body_text,
        "word_count": article.word_count,
        "reading_time_minutes": article.reading_time_minutes,
        "published_at": article.published_at.map(crate::store::time::format_timestamp),
        "published_at_source": article.published_at_source,
        "url": article.url,
        "source_domain": article.source_domain,
        "authors": article.authors,
        "tags": tags,
        "entities": entities,
        "content_hash": article.content_hash,
        "removed": article.removed,
    })
}

/// One line of a batch's answer: `created` (201) or `duplicate` (200) with the article's `id`,
/// `slug` and `location`, or `error` with its problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchResult {
    /// The input line it answers (1-based, blank lines not counted).
    line: usize,
    /// The status a single ingest of the line would have answered.
    status: u16,
    /// `created`, `duplicate` or `error`.
    #[schema(value_type = String, pattern = "^(created|duplicate|error)$")]
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<Problem>,
}

impl BatchResult {
    fn stored(line: usize, inserted: &BatchInserted) -> BatchResult {
        BatchResult {
            line,
            status: if inserted.duplicate { 200 } else { 201 },
            result: if inserted.duplicate {
                "duplicate"
            } else {
                "created"
            },
            id: Some(inserted.id.clone()),
            slug: Some(inserted.slug.clone()),
            location: Some(location(&inserted.id)),
            problem: None,
        }
    }

    fn failed(line: usize, error: &ApiError) -> BatchResult {
        let kind = error.kind();
        let detail = match error {
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, line, "batch line failed");
                "The server failed to store this line.".to_owned()
            }
            other => other.to_string(),
        };
        BatchResult {
            line,
            status: kind.status().as_u16(),
            result: "error",
            id: None,
            slug: None,
            location: None,
            problem: Some(Problem::new(kind, detail)),
        }
    }

    fn to_line(&self) -> Bytes {
        let mut line = serde_json::to_vec(self).unwrap_or_default();
        line.push(b'\n');
        Bytes::from(line)
    }
}

/// Ingest many articles: NDJSON, one JSON envelope per line.
///
/// The answer streams back one NDJSON result per non-empty input line, in order: `created`
/// (201), `duplicate` (200) or `error` with its problem document. A bad line never stops the
/// others; articles are written in transactions of up to 64.
#[utoipa::path(post, path = "/v1/ingest/batch", tag = "ingest",
    params(("status" = Option<String>, Query, description = "`published` (default), `draft` or `scheduled` for every article (dates ahead are scheduled as in `POST /v1/ingest`)")),
    request_body(content = Vec<Envelope>, content_type = "application/x-ndjson",
        description = "NDJSON: one JSON envelope (as `POST /v1/ingest` takes) a line, each line a JSON object on its own; blank lines are skipped. The schema describes the lines as an array's items."),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "NDJSON, one result a line for each non-blank input line, in order (the schema describes the lines as an array's items)", body = Vec<BatchResult>, content_type = "application/x-ndjson"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not write", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the batch limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not NDJSON", body = Problem, content_type = "application/problem+json")))]
async fn ingest_batch(
    State(state): State<AppState>,
    _editor: Editor,
    RawQuery(raw): RawQuery,
    request: Request,
) -> ApiResult<Response> {
    let params = QueryPairs::parse(raw.as_deref());
    let status = parse_status(params.one("status"))?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !matches!(
        content_type.as_str(),
        "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
    ) {
        return Err(ApiError::UnsupportedMediaType(
            "Send NDJSON (`Content-Type: application/x-ndjson`), one JSON envelope per line."
                .into(),
        ));
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(BATCH_RESULTS_BUFFERED);
    let mut body = request.into_body().into_data_stream();
    // curl asks for `100 Continue` before a large upload and otherwise waits a second. hyper
    // sends it once the body is polled, but only before the answer's head: so poll the body
    // once (nothing is lost when no data is there yet) and let the connection run before
    // answering.
    let first = body.next().now_or_never().flatten();
    tokio::task::yield_now().await;
    let body = futures_util::stream::iter(first).chain(body);
    tokio::spawn(run_batch(state, status, body, tx));
    let stream = tokio_stream_from(rx);
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    Ok(response)
}

fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Bytes>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::convert::Infallible>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|o| o.map(Ok)))
}

/// Reads lines as they arrive, normalizes and stores them chunk by chunk, and sends each
/// line's result.
async fn run_batch(
    state: AppState,
    status: ArticleStatus,
    mut stream: impl futures_util::Stream<Item = Result<Bytes, axum::Error>> + Unpin,
    tx: tokio::sync::mpsc::Sender<Bytes>,
) {
    // A line may carry a whole page (`html`); a text line is still held to `--body-limit`.
    let text_limit = state.config.body_limit;
    let line_limit = state.config.html_body_limit.max(text_limit);
    // Articles a transaction (`--batch-chunk`). Each commit writes the hot pages of every index
    // and a full-text segment, so small chunks cost: 64 a chunk stored 520–590 articles/s where
    // 256 stored 730–825 (`bench/batch.sh`, loaded machine), and 512 took 10 % less server CPU
    // an article than 256, for 20 MB more at the peak.
    let full_chunk = state.config.batch_chunk.max(1) as usize;
    // The first chunks are small and each is twice the last, up to the full size: the writer
    // starts after 64 lines are normalized instead of a full chunk, while normalizing the next
    // chunk overlaps it.
    let mut chunk = full_chunk.min(FIRST_BATCH_CHUNK);
    let mut buffer: Vec<u8> = Vec::new();
    let mut skipping = false;
    let mut line_no = 0usize;
    let mut pending: Vec<(usize, Result<Envelope, ApiError>)> = Vec::new();
    // The chunk being stored; it answers true while the client still listens.
    let mut storing: Option<tokio::task::JoinHandle<bool>> = None;
    let deadline = tokio::time::Instant::now() + state.config.batch_timeout();

    loop {
        // Lines wait for a full chunk only while more keep coming: a slow sender's lines are
        // stored (and answered) once the body has been quiet for a moment.
        // `None`: nothing came in that moment.
        // The body may pause for up to the request timeout, and must have arrived whole by
        // the batch deadline: a sender trickling bytes cannot hold the batch open forever.
        let patience = state
            .config
            .request_timeout()
            .min(deadline.saturating_duration_since(tokio::time::Instant::now()));
        let next = if pending.is_empty() {
            match tokio::time::timeout(patience, stream.next()).await {
                Ok(next) => Some(Some(next)),
                Err(_) => Some(None),
            }
        } else {
            match tokio::time::timeout(BATCH_IDLE_FLUSH.min(patience), stream.next()).await {
                Ok(next) => Some(Some(next)),
                Err(_) if patience <= BATCH_IDLE_FLUSH => Some(None),
                Err(_) => None,
            }
        };
        let idle = next.is_none();
        let finished = match next {
            None => false,
            Some(None) => {
                line_no += 1;
                pending.push((
                    line_no,
                    Err(ApiError::RequestTimeout(format!(
                        "The batch body stalled or took longer than allowed ({} s in all, {} s \
                         without data); lines after this one were not read.",
                        state.config.batch_timeout().as_secs(),
                        state.config.request_timeout().as_secs()
                    ))),
                ));
                true
            }
            Some(Some(next)) => match next {
                Some(Ok(bytes)) => {
                    let mut rest: &[u8] = &bytes;
                    while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
                        let (head, tail) = rest.split_at(pos);
                        rest = &tail[1..];
                        if skipping {
                            skipping = false;
                            buffer.clear();
                            continue;
                        }
                        buffer.extend_from_slice(head);
                        if let Some(item) =
                            take_line(&mut buffer, &mut line_no, line_limit, text_limit)
                        {
                            pending.push(item);
                        }
                    }
                    if !skipping {
                        buffer.extend_from_slice(rest);
                        if buffer.len() > line_limit {
                            line_no += 1;
                            pending.push((
                                line_no,
                                Err(ApiError::PayloadTooLarge(format!(
                                    "The line is longer than the limit of {line_limit} bytes."
                                ))),
                            ));
                            buffer.clear();
                            skipping = true;
                        }
                    }
                    false
                }
                Some(Err(err)) => {
                    // Over the batch limit, or the client went away: answer what was read.
                    line_no += 1;
                    let error = if is_length_limit(&err) {
                        ApiError::PayloadTooLarge(format!(
                        "The batch exceeds the limit of {} bytes; lines after this one were not read.",
                        state.config.batch_body_limit
                    ))
                    } else {
                        ApiError::BadRequest(
                            "The request body could not be read to the end.".into(),
                        )
                    };
                    pending.push((line_no, Err(error)));
                    true
                }
                None => {
                    if !skipping {
                        if let Some(item) =
                            take_line(&mut buffer, &mut line_no, line_limit, text_limit)
                        {
                            pending.push(item);
                        }
                    }
                    true
                }
            },
        };
        if pending.len() >= chunk || ((finished || idle) && !pending.is_empty()) {
            chunk = (chunk * 2).min(full_chunk);
            let normalized = normalize_chunk(&state, std::mem::take(&mut pending)).await;
            // Storing the previous chunk (and answering it, as soon as it is stored) overlapped
            // reading and normalizing this one; the writer takes chunks one at a time, in order.
            if let Some(previous) = storing.take() {
                if !previous.await.unwrap_or(false) {
                    return;
                }
            }
            let (state, tx) = (state.clone(), tx.clone());
            storing = Some(tokio::spawn(async move {
                let results = store_chunk(state.clone(), status, normalized).await;
                send_results(&state, &tx, results).await
            }));
        }
        if finished {
            if let Some(previous) = storing.take() {
                let _ = previous.await;
            }
            return;
        }
    }
}

/// Sends a stored chunk's answers; false when the client has gone, or has not read answers for
/// the request timeout (the buffer between them is bounded, so a sender that never reads stops
/// the batch instead of growing the server's memory).
async fn send_results(
    state: &AppState,
    tx: &tokio::sync::mpsc::Sender<Bytes>,
    results: Vec<BatchResult>,
) -> bool {
    for result in results {
        match result.result {
            "created" => state.metrics.ingested(true),
            "duplicate" => state.metrics.ingested(false),
            _ => state.metrics.ingest_error(),
        }
        if tx
            .send_timeout(result.to_line(), state.config.request_timeout())
            .await
            .is_err()
        {
            tracing::info!("batch stopped: its client stopped reading the answers");
            return false;
        }
    }
    true
}

fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// The buffered line as an envelope (or its error); `None` for a blank line.
fn take_line(
    buffer: &mut Vec<u8>,
    line_no: &mut usize,
    line_limit: usize,
    text_limit: usize,
) -> Option<(usize, Result<Envelope, ApiError>)> {
    let line = std::mem::take(buffer);
    let trimmed = line.trim_ascii();
    if trimmed.is_empty() {
        return None;
    }
    *line_no += 1;
    if trimmed.len() > line_limit {
        return Some((
            *line_no,
            Err(ApiError::PayloadTooLarge(format!(
                "The line is longer than the limit of {line_limit} bytes."
            ))),
        ));
    }
    let parsed = parse_json_envelope(trimmed).and_then(|envelope| {
        if envelope.html.is_none() && trimmed.len() > text_limit {
            return Err(ApiError::PayloadTooLarge(format!(
                "The line is longer than the limit of {text_limit} bytes for text; only lines \
                 with `html` may be larger."
            )));
        }
        Ok(envelope)
    });
    Some((*line_no, parsed))
}

/// A chunk's lines, normalized (or their errors), in order.
type NormalizedChunk = Vec<(usize, Result<NormalizedArticle, ApiError>)>;

/// Lines of a batch normalized by one job, and input bytes after which a job takes no more: a
/// normalizer is handed back between jobs, so single ingests are not starved by a batch of pages.
const LINES_A_JOB: usize = 64;
const BYTES_A_JOB: usize = 1024 * 1024;

/// Normalizes a chunk on the normalizer threads, a job of a few lines at a time, in order.
async fn normalize_chunk(
    state: &AppState,
    chunk: Vec<(usize, Result<Envelope, ApiError>)>,
) -> NormalizedChunk {
    let mut out = Vec::with_capacity(chunk.len());
    let mut lines = chunk.into_iter().peekable();
    while lines.peek().is_some() {
        let mut job = Vec::new();
        let mut bytes = 0;
        while job.len() < LINES_A_JOB && bytes < BYTES_A_JOB {
            let Some(line) = lines.next() else { break };
            if let (_, Ok(envelope)) = &line {
                bytes += envelope.text.len() + envelope.html.as_ref().map_or(0, String::len);
            }
            job.push(line);
        }
        let numbers: Vec<usize> = job.iter().map(|(line, _)| *line).collect();
        let worker = state.clone();
        let normalized = state
            .workers
            .run_waiting(move || {
                job.into_iter()
                    .map(|(line, envelope)| {
                        (
                            line,
                            envelope.and_then(|e| worker.normalize(&e).map_err(ApiError::from)),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .await;
        match normalized {
            Ok(done) => out.extend(done),
            Err(e) => {
                tracing::error!(error = %e, "batch normalizer task failed");
                out.extend(numbers.into_iter().map(|line| {
                    (
                        line,
                        Err(ApiError::Internal("normalizer task failed".into())),
                    )
                }));
            }
        }
    }
    out
}

/// Stores what normalized in one transaction and answers every line in order.
async fn store_chunk(
    state: AppState,
    status: ArticleStatus,
    normalized: NormalizedChunk,
) -> Vec<BatchResult> {
    let mut to_store: Vec<(NormalizedArticle, ArticleStatus)> = Vec::new();
    let mut order: Vec<(usize, Option<ApiError>)> = Vec::new();
    for (line, result) in normalized {
        match result {
            Ok(article) => match super::schedule::effective_status(
                status,
                true,
                article.published_at,
                time::OffsetDateTime::now_utc(),
                state.config.distribution.schedule_horizon(),
            ) {
                Ok(status) => {
                    to_store.push((article, status));
                    order.push((line, None));
                }
                Err(err) => order.push((line, Some(err))),
            },
            Err(err) => order.push((line, Some(err))),
        }
    }
    let stored = if to_store.is_empty() {
        Ok(Vec::new())
    } else {
        state.store.insert_articles(to_store).await
    };
    let mut stored = match stored {
        Ok(results) => results.into_iter(),
        Err(err) => {
            let err = ApiError::from(err);
            return order
                .into_iter()
                .map(|(line, e)| BatchResult::failed(line, e.as_ref().unwrap_or(&err)))
                .collect();
        }
    };
    order
        .into_iter()
        .map(|(line, err)| match err {
            Some(err) => BatchResult::failed(line, &err),
            None => match stored.next() {
                Some(Ok(inserted)) => BatchResult::stored(line, &inserted),
                Some(Err(store_err)) => BatchResult::failed(line, &ApiError::from(store_err)),
                None => {
                    BatchResult::failed(line, &ApiError::Internal("missing batch result".into()))
                }
            },
        })
        .collect()
}
