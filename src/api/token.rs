//! `GET /v1/token`: what the bearer token of the request is (its name and role, never its
//! secret), so a client can adapt to it: the desk shows a reader token everything read-only.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::Principal;
use super::{AppState, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(current_token))
}

/// A token as its holder sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    id: String,
    name: String,
    /// `reader` (reads, drafts included), `editor` (every write) or `admin`.
    role: &'static str,
    /// Whether the token may write (editor or admin).
    can_write: bool,
}

/// The token this request carries.
#[utoipa::path(get, path = "/v1/token", tag = "meta",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token's name and role", body = TokenView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")))]
async fn current_token(Principal(token): Principal) -> Json<TokenView> {
    Json(TokenView {
        can_write: token.role >= crate::store::tokens::Role::Editor,
        role: token.role.as_str(),
        id: token.id,
        name: token.name,
    })
}
