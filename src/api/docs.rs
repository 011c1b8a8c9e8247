//! The OpenAPI document (`GET /openapi.json`), generated from the handlers' annotations so the
//! routes and the spec cannot drift, and the explanations of problem types (`GET /problems/{kind}`).

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi;
use utoipa::{OpenApi as _, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::{Problem, ProblemKind};
use super::extract::PathParams;
use super::{ApiError, ApiResult, AppState};

pub use contract::finish;

/// What the annotations cannot say, or would say on every route: the answers any route can
/// give, the exact bounds of shared parameters, and the links between operations.
mod contract;
/// The events POSTed to webhooks, their payloads and signature headers.
pub mod webhooks;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "newsdesk",
        description = "Scraped news text in; clean, searchable, linked articles out. \
                       Every error is an RFC 9457 `application/problem+json` document.",
        license(name = "MIT")
    ),
    components(schemas(Problem, ProblemExplanation))
)]
struct ApiDoc;

/// The document the routes are added to: info, the bearer scheme, shared schemas.
pub fn base_document() -> OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "A token from `newsdesk token create`: `reader` reads drafts, `editor` and `admin` write.",
                ))
                .build(),
        ),
    );
    doc
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(explain_problem))
}

/// `GET /openapi.json`, serving the finished document.
pub fn openapi_route(openapi: Value) -> Router<AppState> {
    Router::new().route("/openapi.json", get(move || async move { Json(openapi) }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemExplanation {
    #[serde(rename = "type")]
    kind: String,
    title: &'static str,
    status: u16,
    description: &'static str,
}

/// What a problem `type` means.
#[utoipa::path(get, path = "/problems/{kind}", tag = "meta",
    params(("kind" = String, Path, description = "The last segment of a problem's `type` (one of the kinds listed)")),
    responses(
        (status = 200, description = "The explanation", body = ProblemExplanation),
        (status = 404, description = "No such problem type", body = Problem, content_type = "application/problem+json")))]
async fn explain_problem(
    PathParams(kind): PathParams<String>,
) -> ApiResult<Json<ProblemExplanation>> {
    let kind = ProblemKind::from_slug(&kind)
        .ok_or_else(|| ApiError::NotFound(format!("There is no problem type `{kind}`.")))?;
    Ok(Json(ProblemExplanation {
        kind: format!("/problems/{}", kind.slug()),
        title: kind.title(),
        status: kind.status().as_u16(),
        description: kind.explanation(),
    }))
}
