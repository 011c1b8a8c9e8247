//! Bearer tokens. Published content is public; drafts (and what only drafts mention) need any
//! valid token (`reader` and up); writes need an editor (or admin) token. Missing or unknown
//! tokens are 401 with `WWW-Authenticate`; a token whose role is too low is 403. Secrets are
//! compared as SHA-256 hashes, in constant time for the environment's admin token, and never
//! logged. Each stored token's last use is recorded, to the minute ([`TokenUse`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};
use crate::store::tokens::{hash_token, Role, TokenInfo};

/// A token's `last_used_at` is written at most this often (per token and app server), so
/// authenticated reads do not each become a write.
const LAST_USED_EVERY: Duration = Duration::from_secs(60);

/// Tokens whose last write this server remembers, at most (then it forgets them all, and the
/// next use of each is written again).
const LAST_USED_TOKENS: usize = 10_000;

/// When this server last wrote each token's use.
#[derive(Debug, Default)]
pub struct TokenUse {
    written: Mutex<HashMap<String, Instant>>,
}

impl TokenUse {
    /// Whether the use of token `id` at `now` is to be written (and, if so, remembers it).
    pub fn due(&self, id: &str, now: Instant) -> bool {
        let mut written = match self.written.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        match written.get(id) {
            Some(at) if now.saturating_duration_since(*at) < LAST_USED_EVERY => false,
            _ => {
                if written.len() >= LAST_USED_TOKENS {
                    written.clear();
                }
                written.insert(id.to_owned(), now);
                true
            }
        }
    }
}

/// Records a stored token's use off the request's path (a failed write is logged; the
/// request never waits for it).
fn record_use(state: &AppState, token: &TokenInfo) {
    if !state.token_use.due(&token.id, Instant::now()) {
        return;
    }
    let store = state.store.clone();
    let id = token.id.clone();
    tokio::spawn(async move {
        let at = crate::store::time::now_timestamp();
        if let Err(e) = store.touch_token(&id, &at).await {
            tracing::warn!(error = %e, token = %id, "could not record the token's last use");
        }
    });
}

/// Whoever a valid token identifies.
#[derive(Debug, Clone)]
pub struct Principal(pub TokenInfo);

/// A principal with at least the editor role.
#[derive(Debug, Clone)]
pub struct Editor(pub TokenInfo);

/// A principal with the admin role.
#[derive(Debug, Clone)]
pub struct Admin(pub TokenInfo);

/// The principal when a token was sent (a bad token is still a 401), `None` otherwise.
#[derive(Debug, Clone)]
pub struct MaybePrincipal(pub Option<TokenInfo>);

impl MaybePrincipal {
    pub fn role(&self) -> Option<Role> {
        self.0.as_ref().map(|t| t.role)
    }

    /// Whether the caller sees what is not published: drafts, and the tags and entities only
    /// drafts carry. Any valid token does (the `reader` role exists for this: preview apps and
    /// dashboards that read drafts and write nothing); anonymous callers see published content only.
    pub fn sees_unpublished(&self) -> bool {
        self.0.is_some()
    }
}

/// The token of the environment's admin secret.
pub const ENV_ADMIN_ID: &str = "env-admin";

/// The answer of a token check made before the handler (by the rate limiter), kept in the
/// request's extensions so the token is looked up once.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Result<Option<TokenInfo>, AuthFailure>);

/// Why a token was not accepted.
#[derive(Debug, Clone)]
pub enum AuthFailure {
    /// Malformed, unknown or revoked (a 401 with this detail).
    Invalid(String),
    /// The database could not be asked (a 503).
    Unchecked(String),
}

impl From<AuthFailure> for ApiError {
    fn from(failure: AuthFailure) -> ApiError {
        match failure {
            AuthFailure::Invalid(detail) => ApiError::Unauthorized(detail),
            AuthFailure::Unchecked(detail) => ApiError::Unavailable(detail),
        }
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<TokenInfo>, ApiError> {
    if let Some(Authenticated(checked)) = parts.extensions.get::<Authenticated>() {
        return checked.clone().map_err(ApiError::from);
    }
    authenticate_headers(&parts.headers, state)
        .await
        .map_err(ApiError::from)
}

/// Checks the request's bearer token: `Ok(None)` when none was sent.
pub async fn authenticate_headers(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<TokenInfo>, AuthFailure> {
    match check_bearer(headers, state).await {
        Ok(found) => Ok(found),
        Err(ApiError::Unauthorized(detail)) => Err(AuthFailure::Invalid(detail)),
        Err(other) => Err(AuthFailure::Unchecked(other.to_string())),
    }
}

async fn check_bearer(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<TokenInfo>, ApiError> {
    let Some(header) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = header.to_str().map_err(|_| {
        ApiError::Unauthorized("The Authorization header is not valid text.".into())
    })?;
    let (scheme, secret) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| ApiError::Unauthorized("Use `Authorization: Bearer <token>`.".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::Unauthorized(
            "Only Bearer tokens are accepted: `Authorization: Bearer <token>`.".into(),
        ));
    }
    let secret = secret.trim();
    if secret.is_empty() || secret.len() > 512 {
        return Err(ApiError::Unauthorized(
            "The bearer token is empty or malformed.".into(),
        ));
    }
    let hash = hash_token(secret);
    if let Some(admin_hash) = &state.admin_token_hash {
        if bool::from(admin_hash.as_bytes().ct_eq(hash.as_bytes())) {
            return Ok(Some(TokenInfo {
                id: ENV_ADMIN_ID.to_owned(),
                name: "NEWSDESK_ADMIN_TOKEN".to_owned(),
                role: Role::Admin,
            }));
        }
    }
    match state.store.find_token(&hash).await? {
        Some(token) => {
            record_use(state, &token);
            Ok(Some(token))
        }
        None => Err(ApiError::Unauthorized(
            "The bearer token is not valid (unknown or revoked).".into(),
        )),
    }
}

async fn require(parts: &Parts, state: &AppState, role: Role) -> Result<TokenInfo, ApiError> {
    let token = authenticate(parts, state).await?.ok_or_else(|| {
        ApiError::Unauthorized(format!(
            "This action needs an {} token: send `Authorization: Bearer <token>`.",
            role.as_str()
        ))
    })?;
    if token.role < role {
        return Err(ApiError::Forbidden(format!(
            "This action needs the {} role; the token `{}` has the {} role.",
            role.as_str(),
            token.name,
            token.role.as_str()
        )));
    }
    Ok(token)
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, Role::Reader).await.map(Principal)
    }
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, Role::Editor).await.map(Editor)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, Role::Admin).await.map(Admin)
    }
}

impl FromRequestParts<AppState> for MaybePrincipal {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(parts, state).await.map(MaybePrincipal)
    }
}

#[cfg(test)]
mod tests {
    use super::{TokenUse, LAST_USED_EVERY, LAST_USED_TOKENS};
    use std::time::Instant;

    #[test]
    fn a_tokens_use_is_written_at_most_once_a_minute() {
        let uses = TokenUse::default();
        let start = Instant::now();
        assert!(uses.due("a", start));
        assert!(!uses.due("a", start));
        assert!(uses.due("b", start), "each token has its own minute");
        assert!(!uses.due("a", start + LAST_USED_EVERY / 2));
        assert!(uses.due("a", start + LAST_USED_EVERY));
        // Past the bound it forgets, and writes again rather than grow.
        for n in 0..LAST_USED_TOKENS {
            uses.due(&n.to_string(), start);
        }
        assert!(uses.written.lock().unwrap().len() <= LAST_USED_TOKENS);
        assert!(uses.due("b", start));
    }
}
