//! The API's one error type. Every non-2xx answer is an RFC 9457 `application/problem+json`
//! document; internal failures are logged with their detail and answered without it.
//!
//! Ours, not a crate's: the catalogue of problem types ([`ProblemKind`]: slugs, titles,
//! statuses, the explanations at `/problems/{kind}`) is this API's own vocabulary; a problem
//! crate would give only the document's shape, which is a dozen lines here.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every kind of problem the API reports: a stable `type` URI (`/problems/{slug}`), a title, a
/// status and an explanation served at `GET /problems/{slug}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    BadRequest,
    InvalidParameter,
    UnknownParameter,
    MalformedBody,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PreconditionFailed,
    PayloadTooLarge,
    UriTooLong,
    UnsupportedMediaType,
    HeadersTooLarge,
    UnprocessableArticle,
    InvalidArticleUrl,
    IdempotencyKeyReused,
    TooManyRequests,
    RequestTimeout,
    Internal,
    Unavailable,
    Busy,
    InputTooComplex,
    QueryTimeout,
    DateTooFarAhead,
    NotSchedulable,
    WebhookUrlNotAllowed,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 27] = [
        ProblemKind::BadRequest,
        ProblemKind::InvalidParameter,
        ProblemKind::UnknownParameter,
        ProblemKind::MalformedBody,
        ProblemKind::Unauthorized,
        ProblemKind::Forbidden,
        ProblemKind::NotFound,
        ProblemKind::MethodNotAllowed,
        ProblemKind::Conflict,
        ProblemKind::PreconditionFailed,
        ProblemKind::PayloadTooLarge,
        ProblemKind::UriTooLong,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::HeadersTooLarge,
        ProblemKind::UnprocessableArticle,
        ProblemKind::InvalidArticleUrl,
        ProblemKind::IdempotencyKeyReused,
        ProblemKind::TooManyRequests,
        ProblemKind::RequestTimeout,
        ProblemKind::Internal,
        ProblemKind::Unavailable,
        ProblemKind::Busy,
        ProblemKind::InputTooComplex,
        ProblemKind::QueryTimeout,
        ProblemKind::DateTooFarAhead,
        ProblemKind::NotSchedulable,
        ProblemKind::WebhookUrlNotAllowed,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "bad-request",
            ProblemKind::InvalidParameter => "invalid-parameter",
            ProblemKind::UnknownParameter => "unknown-parameter",
            ProblemKind::MalformedBody => "malformed-body",
            ProblemKind::Unauthorized => "unauthorized",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotFound => "not-found",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::Conflict => "conflict",
            ProblemKind::PreconditionFailed => "precondition-failed",
            ProblemKind::PayloadTooLarge => "payload-too-large",
            ProblemKind::UriTooLong => "uri-too-long",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::HeadersTooLarge => "headers-too-large",
            ProblemKind::UnprocessableArticle => "unprocessable-article",
            ProblemKind::InvalidArticleUrl => "invalid-article-url",
            ProblemKind::IdempotencyKeyReused => "idempotency-key-reused",
            ProblemKind::TooManyRequests => "too-many-requests",
            ProblemKind::RequestTimeout => "request-timeout",
            ProblemKind::Internal => "internal",
            ProblemKind::Unavailable => "unavailable",
            ProblemKind::Busy => "busy",
            ProblemKind::InputTooComplex => "input-too-complex",
            ProblemKind::QueryTimeout => "query-timeout",
            ProblemKind::DateTooFarAhead => "date-too-far-ahead",
            ProblemKind::NotSchedulable => "not-schedulable",
            ProblemKind::WebhookUrlNotAllowed => "webhook-url-not-allowed",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ProblemKind::BadRequest
            | ProblemKind::InvalidParameter
            | ProblemKind::UnknownParameter
            | ProblemKind::MalformedBody => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::Conflict => StatusCode::CONFLICT,
            ProblemKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UriTooLong => StatusCode::URI_TOO_LONG,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ProblemKind::UnprocessableArticle
            | ProblemKind::InvalidArticleUrl
            | ProblemKind::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ProblemKind::Unavailable | ProblemKind::Busy | ProblemKind::QueryTimeout => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ProblemKind::InputTooComplex
            | ProblemKind::DateTooFarAhead
            | ProblemKind::NotSchedulable
            | ProblemKind::WebhookUrlNotAllowed => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "Bad request",
            ProblemKind::InvalidParameter => "Invalid parameter",
            ProblemKind::UnknownParameter => "Unknown query parameter",
            ProblemKind::MalformedBody => "Malformed request body",
            ProblemKind::Unauthorized => "Authentication required",
            ProblemKind::Forbidden => "Not allowed",
            ProblemKind::NotFound => "Not found",
            ProblemKind::MethodNotAllowed => "Method not allowed",
            ProblemKind::Conflict => "Conflict",
            ProblemKind::PreconditionFailed => "Changed since you read it",
            ProblemKind::PayloadTooLarge => "Payload too large",
            ProblemKind::UriTooLong => "URI too long",
            ProblemKind::UnsupportedMediaType => "Unsupported media type",
            ProblemKind::HeadersTooLarge => "Request headers too large",
            ProblemKind::UnprocessableArticle => "No article text found",
            ProblemKind::InvalidArticleUrl => "Invalid article URL",
            ProblemKind::IdempotencyKeyReused => "Idempotency key reused",
            ProblemKind::TooManyRequests => "Too many requests",
            ProblemKind::RequestTimeout => "Request timed out",
            ProblemKind::Internal => "Internal server error",
            ProblemKind::Unavailable => "Service unavailable",
            ProblemKind::Busy => "Server busy",
            ProblemKind::InputTooComplex => "Input too complex",
            ProblemKind::QueryTimeout => "Query took too long",
            ProblemKind::DateTooFarAhead => "Publication date too far ahead",
            ProblemKind::NotSchedulable => "Nothing to schedule",
            ProblemKind::WebhookUrlNotAllowed => "Webhook URL not allowed",
        }
    }

    /// A longer explanation, served at `GET /problems/{slug}`.
    pub fn explanation(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "The request could not be understood as sent.",
            ProblemKind::InvalidParameter => {
                "A path or query parameter has a value the endpoint does not accept; `detail` names the parameter."
            }
            ProblemKind::UnknownParameter => {
                "The query string has a parameter this operation does not take (often a misspelling, which \
                 would otherwise be silently ignored); `detail` names it and lists the ones the operation takes."
            }
            ProblemKind::MalformedBody => {
                "The request body is not valid for its content type: malformed JSON, wrong field types, a field the operation does not take (`detail` names it and lists the fields it takes), invalid UTF-8."
            }
            ProblemKind::Unauthorized => {
                "Writes need `Authorization: Bearer <token>` with a valid editor or admin token."
            }
            ProblemKind::Forbidden => "The token is valid but its role does not allow this action.",
            ProblemKind::NotFound => "No resource exists at this address (or it was deleted).",
            ProblemKind::MethodNotAllowed => {
                "The resource exists but does not support this HTTP method; see the `Allow` header."
            }
            ProblemKind::Conflict => "The request conflicts with the current state of the resource.",
            ProblemKind::PreconditionFailed => {
                "The `If-Match` ETag is not the resource's current one: someone changed it since you read it. \
                 Read it again (the `ETag` header of this answer is the current one), then send your change again."
            }
            ProblemKind::PayloadTooLarge => "The request body is larger than the configured limit.",
            ProblemKind::UriTooLong => {
                "The request target (path and query) is longer than the server reads; send long input in a body."
            }
            ProblemKind::HeadersTooLarge => {
                "The request headers are larger, or more numerous, than the server reads."
            }
            ProblemKind::UnsupportedMediaType => {
                "The endpoint does not accept this Content-Type; `detail` lists the ones it does."
            }
            ProblemKind::UnprocessableArticle => {
                "The text was read, but no publishable article was left after normalization."
            }
            ProblemKind::InvalidArticleUrl => {
                "The envelope's `url`, the article's address, is not an absolute http(s) URL with a host \
                 (such as https://example.com/news/story); fix it or leave it out."
            }
            ProblemKind::IdempotencyKeyReused => {
                "The Idempotency-Key was already used for a different request; use a new key for a new request."
            }
            ProblemKind::TooManyRequests => "Rate limit exceeded; retry after the `Retry-After` seconds.",
            ProblemKind::RequestTimeout => "The request took longer than the server allows.",
            ProblemKind::Internal => {
                "Something failed on the server. The request id in the answer identifies it in the logs."
            }
            ProblemKind::Unavailable => "A dependency of the service (the database) is not answering.",
            ProblemKind::Busy => {
                "Every worker for this kind of request is busy; retry after the `Retry-After` seconds."
            }
            ProblemKind::InputTooComplex => {
                "The input could not be processed within the server's time budget (for example a page of deeply nested or very many elements); send a smaller or simpler document."
            }
            ProblemKind::DateTooFarAhead => {
                "The article's `published_at` lies further ahead than the server's scheduling horizon \
                 (NEWSDESK_SCHEDULE_HORIZON_DAYS, one year by default): most likely a wrong date. Fix the date, \
                 or ask for `status=scheduled` to schedule it that far ahead on purpose."
            }
            ProblemKind::NotSchedulable => {
                "`status=scheduled` asks for an article dated ahead, and this article's `published_at` \
                 (sent, or found in its text, page or URL) is not in the future, or there is none. Send a \
                 future `published_at`, or another status."
            }
            ProblemKind::WebhookUrlNotAllowed => {
                "A webhook URL must be http(s) and resolve only to public addresses: loopback, private, \
                 link-local and other internal addresses are refused (at registration and at every delivery) \
                 unless the host is listed in NEWSDESK_WEBHOOK_ALLOW_HOSTS."
            }
            ProblemKind::QueryTimeout => {
                "The query ran longer than the server allows for one statement and was stopped; narrow it (fewer or longer prefix terms, a filter) or retry later."
            }
        }
    }

    pub fn from_slug(slug: &str) -> Option<ProblemKind> {
        ProblemKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The kind used for a bare status code produced outside the handlers (by the router or a
    /// middleware layer).
    pub fn for_status(status: StatusCode) -> ProblemKind {
        match status.as_u16() {
            400 => ProblemKind::BadRequest,
            401 => ProblemKind::Unauthorized,
            403 => ProblemKind::Forbidden,
            404 => ProblemKind::NotFound,
            405 => ProblemKind::MethodNotAllowed,
            408 => ProblemKind::RequestTimeout,
            409 => ProblemKind::Conflict,
            412 => ProblemKind::PreconditionFailed,
            413 => ProblemKind::PayloadTooLarge,
            414 => ProblemKind::UriTooLong,
            415 => ProblemKind::UnsupportedMediaType,
            431 => ProblemKind::HeadersTooLarge,
            422 => ProblemKind::UnprocessableArticle,
            429 => ProblemKind::TooManyRequests,
            503 => ProblemKind::Unavailable,
            _ if status.is_client_error() => ProblemKind::BadRequest,
            _ => ProblemKind::Internal,
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("/problems/{}", kind.slug()),
            title: kind.title().to_owned(),
            status: kind.status().as_u16(),
            detail: detail.into(),
            request_id: None,
        }
    }

    pub fn into_response_with(self, extra: Vec<(header::HeaderName, HeaderValue)>) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in extra {
            headers.insert(name, value);
        }
        response
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        self.into_response_with(Vec::new())
    }
}

/// Everything a handler can fail with. Handlers return `Result<_, ApiError>` and use `?`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("invalid value for `{name}`: {detail}")]
    InvalidParameter { name: String, detail: String },
    /// A query parameter the operation does not take; the detail names it and lists the others.
    #[error("{0}")]
    UnknownParameter(String),
    #[error("{0}")]
    MalformedBody(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// An `If-Match` precondition failed; answered with the current ETag.
    #[error("{detail}")]
    PreconditionFailed {
        detail: String,
        current_etag: String,
    },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    /// An envelope's `url` that is not an absolute http(s) URL.
    #[error("{0}")]
    InvalidArticleUrl(String),
    #[error("{0}")]
    IdempotencyKeyReused(String),
    #[error("rate limit exceeded")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    /// Every worker of a bounded pool is taken.
    #[error("{detail}")]
    Busy {
        detail: String,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    InputTooComplex(String),
    /// A statement was interrupted at its deadline.
    #[error("{0}")]
    QueryTimeout(String),
    /// The client took too long to send the request.
    #[error("{0}")]
    RequestTimeout(String),
    /// Logged with its detail; answered without it.
    #[error("internal error: {0}")]
    Internal(String),
    #[error("{0}")]
    DateTooFarAhead(String),
    #[error("{0}")]
    NotSchedulable(String),
    #[error("{0}")]
    WebhookUrlNotAllowed(String),
}

impl ApiError {
    pub fn invalid_parameter(name: impl Into<String>, detail: impl Into<String>) -> ApiError {
        ApiError::InvalidParameter {
            name: name.into(),
            detail: detail.into(),
        }
    }

    pub fn not_found(what: impl std::fmt::Display) -> ApiError {
        ApiError::NotFound(format!("{what} does not exist."))
    }

    pub fn kind(&self) -> ProblemKind {
        match self {
            ApiError::BadRequest(_) => ProblemKind::BadRequest,
            ApiError::InvalidParameter { .. } => ProblemKind::InvalidParameter,
            ApiError::UnknownParameter(_) => ProblemKind::UnknownParameter,
            ApiError::MalformedBody(_) => ProblemKind::MalformedBody,
            ApiError::Unauthorized(_) => ProblemKind::Unauthorized,
            ApiError::Forbidden(_) => ProblemKind::Forbidden,
            ApiError::NotFound(_) => ProblemKind::NotFound,
            ApiError::Conflict(_) => ProblemKind::Conflict,
            ApiError::PreconditionFailed { .. } => ProblemKind::PreconditionFailed,
            ApiError::PayloadTooLarge(_) => ProblemKind::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => ProblemKind::UnsupportedMediaType,
            ApiError::Unprocessable(_) => ProblemKind::UnprocessableArticle,
            ApiError::InvalidArticleUrl(_) => ProblemKind::InvalidArticleUrl,
            ApiError::IdempotencyKeyReused(_) => ProblemKind::IdempotencyKeyReused,
            ApiError::TooManyRequests { .. } => ProblemKind::TooManyRequests,
            ApiError::Unavailable(_) => ProblemKind::Unavailable,
            ApiError::Busy { .. } => ProblemKind::Busy,
            ApiError::InputTooComplex(_) => ProblemKind::InputTooComplex,
            ApiError::QueryTimeout(_) => ProblemKind::QueryTimeout,
            ApiError::RequestTimeout(_) => ProblemKind::RequestTimeout,
            ApiError::Internal(_) => ProblemKind::Internal,
            ApiError::DateTooFarAhead(_) => ProblemKind::DateTooFarAhead,
            ApiError::NotSchedulable(_) => ProblemKind::NotSchedulable,
            ApiError::WebhookUrlNotAllowed(_) => ProblemKind::WebhookUrlNotAllowed,
        }
    }
}

impl From<crate::normalize::NormalizeError> for ApiError {
    fn from(err: crate::normalize::NormalizeError) -> ApiError {
        use crate::normalize::NormalizeError;
        // An explicit field the sender got wrong is an invalid parameter naming it; 422 is for
        // a text read whole that holds no article.
        let field = match &err {
            NormalizeError::UndecodableHtml { .. } => {
                return ApiError::MalformedBody(err.to_string())
            }
            // The article's own address: the body was read, the article it names is wrong.
            NormalizeError::InvalidUrl { .. } => {
                return ApiError::InvalidArticleUrl(err.to_string())
            }
            NormalizeError::InvalidPublishedAt { .. } => "published_at",
            NormalizeError::InvalidLanguage { .. } => "language",
            NormalizeError::EmptyText
            | NormalizeError::NoProse
            | NormalizeError::NothingLeft { .. }
            | NormalizeError::TooShort { .. } => return ApiError::Unprocessable(err.to_string()),
        };
        ApiError::invalid_parameter(field, err.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} does not exist.")),
            StoreError::Conflict(detail) => ApiError::Conflict(detail),
            StoreError::PreconditionFailed { current_etag } => ApiError::PreconditionFailed {
                detail: format!(
                    "The article changed since the version in If-Match; its current ETag is {current_etag}."
                ),
                current_etag,
            },
            StoreError::Invalid(detail) => ApiError::BadRequest(detail),
            StoreError::Unavailable(detail) => ApiError::Unavailable(detail),
            StoreError::Timeout(detail) => ApiError::QueryTimeout(detail),
            StoreError::Database(detail) => ApiError::Internal(detail),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let kind = self.kind();
        let mut extra = Vec::new();
        let detail = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "The server failed to answer this request; the request id identifies it in the logs."
                    .to_owned()
            }
            ApiError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "dependency unavailable");
                "The database is not answering; try again shortly.".to_owned()
            }
            ApiError::Unauthorized(detail) => {
                extra.push((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"newsdesk\""),
                ));
                detail.clone()
            }
            ApiError::PreconditionFailed {
                detail,
                current_etag,
            } => {
                if let Ok(value) = HeaderValue::from_str(current_etag) {
                    extra.push((header::ETAG, value));
                }
                detail.clone()
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    extra.push((header::RETRY_AFTER, value));
                }
                format!("Rate limit exceeded; retry in {retry_after_secs} s.")
            }
            ApiError::Busy {
                detail,
                retry_after_secs,
            } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    extra.push((header::RETRY_AFTER, value));
                }
                detail.clone()
            }
            ApiError::QueryTimeout(detail) => {
                tracing::warn!(error = %detail, "statement interrupted at its deadline");
                extra.push((header::RETRY_AFTER, HeaderValue::from_static("1")));
                "The query ran longer than the server allows and was stopped; narrow it or retry later."
                    .to_owned()
            }
            other => other.to_string(),
        };
        Problem::new(kind, detail).into_response_with(extra)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
