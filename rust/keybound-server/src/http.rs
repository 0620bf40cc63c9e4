//! The HTTP API (axum): JSON in and out, body size limit, request timeout.
//!
//! | route | success | errors |
//! |---|---|---|
//! | `GET /` | 200 `{"status":"ok"}` | |
//! | `GET /healthz` | 200 `{"status":"ok"}` (the process is up) | |
//! | `GET /readyz` | 200 `{"status":"ready"}` (every store answers) | 503 `{"status":"unavailable","failing":[...]}` |
//! | `POST /v1/challenges` | 201 `{"nonce","expiresAt"}` | 429, 503 |
//! | `POST /v1/keys` | 201 `{"kid","userId","securityLevel"}` | 400, 401, 403, 409, 413, 415, 422, 503 |
//! | `POST /v1/tokens/verify` | 200 `{"valid":true,"kid","userId","claims"}` | 400, 401, 413, 415, 503 |
//! | `GET /metrics` | 200 Prometheus text ([`crate::metrics`]) | |
//! | `GET /openapi.json` | 200 the OpenAPI 3.1 document ([`openapi_document`], `docs/openapi.json`) | |
//!
//! and, with an operator secret configured, the registry routes of
//! the operator (`GET /v1/users/{userId}/keys`, `DELETE /v1/keys/{kid}`,
//! behind [`OperatorSecret`]).
//! Response bodies are the typed structs of `body`; every route, status and
//! field is in the document [`openapi_document`] builds, and the tests hold every
//! response to it.
//!
//! Before any handler runs, a request whose declared `Content-Length`
//! exceeds [`MAX_BODY_BYTES`] is answered 413 `body_too_large` at once
//! (nothing waits for the body), and a POST that carries a body or a
//! `Content-Type` must be `application/json`, else 415
//! `unsupported_media_type` (so a web page cannot make a browser send a
//! "simple" cross-site `text/plain` POST that the API would process).
//!
//! `POST /v1/challenges` is rate-limited per client address
//! ([`crate::limit`]): over the limit it answers 429 `rate_limited` with a
//! `Retry-After` header, before any store is touched.
//!
//! Every request is counted by method, route template and status for
//! `GET /metrics` (the outermost layer, [`crate::metrics::track`]), as are
//! verification results, registrations and store latency.
//!
//! [`conn`] is the accept loop that serves the router (timeouts and
//! connection caps); [`serve`] runs it with the default limits.
//!
//! 4xx bodies carry a stable `error` code (token errors: the codes of
//! docs/token-format.md); 5xx bodies are generic, details go to the log. Nothing
//! secret (tokens, nonces, keys) is logged.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use keybound_protocol::TokenError;
use tower_http::timeout::TimeoutLayer;

use crate::attestation::policy::AttestationError;
use crate::attestation::{ChainVerifier, KeyPolicy};
use crate::clock::Clock;
use crate::limit::ChallengeLimiter;
use crate::metrics::{Metrics, RateLimitedMark};
use crate::store::cache::{CachedKeyRegistry, DEFAULT_KEY_CACHE_TTL};
use crate::store::{ChallengeStore, KeyRegistry, StoreError, Stores};
use crate::token::{NonceCheck, TokenVerifier};

/// Largest request body accepted, in bytes (a 10-certificate chain of
/// 16 KiB each, base64, fits).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Time allowed for one request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Default challenge lifetime, in seconds.
pub const DEFAULT_CHALLENGE_TTL_SECS: i64 = 300;

/// Server settings (strict defaults; see [`AppState::dangerous_allow_unattested`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The token audience this server accepts.
    pub audience: String,
    /// Required package name in attestations, if any.
    pub package: Option<String>,
    /// Required signing certificate SHA-256 digests (any one), if any.
    pub signing_cert_digests: Vec<Vec<u8>>,
    /// Accept StrongBox keys only.
    pub strongbox_only: bool,
    /// Require verified boot state VERIFIED.
    pub require_verified_boot: bool,
    /// Require a locked bootloader.
    pub require_locked_bootloader: bool,
    /// Challenge lifetime in seconds.
    pub challenge_ttl_secs: i64,
    /// Token clock-skew leeway in seconds.
    pub leeway_secs: i64,
}

impl ServerConfig {
    /// Defaults for `audience`.
    pub fn new(audience: impl Into<String>) -> Self {
        Self {
            audience: audience.into(),
            package: None,
            signing_cert_digests: Vec::new(),
            strongbox_only: false,
            require_verified_boot: false,
            require_locked_bootloader: false,
            challenge_ttl_secs: DEFAULT_CHALLENGE_TTL_SECS,
            leeway_secs: keybound_protocol::DEFAULT_LEEWAY_SECS,
        }
    }

    fn policy(&self, challenge: &[u8]) -> KeyPolicy {
        let mut p = KeyPolicy::new(challenge);
        if let Some(name) = &self.package {
            p = p.with_package(name.clone());
        }
        for d in &self.signing_cert_digests {
            p = p.with_signing_cert_digest(d.clone());
        }
        if self.strongbox_only {
            p = p.strongbox_only();
        }
        if self.require_verified_boot {
            p = p.require_verified_boot();
        }
        if self.require_locked_bootloader {
            p = p.require_locked_bootloader();
        }
        p
    }
}

/// Everything the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    config: Arc<ServerConfig>,
    tokens: TokenVerifier,
    challenges: Arc<dyn ChallengeStore>,
    keys: Arc<dyn KeyRegistry>,
    chains: Arc<ChainVerifier>,
    clock: Arc<dyn Clock>,
    allow_unattested: bool,
    operator: Option<Arc<OperatorSecret>>,
    probes: Vec<(&'static str, Arc<dyn KeyRegistry>)>,
    challenge_limiter: Arc<ChallengeLimiter>,
    metrics: Arc<Metrics>,
}

impl axum::extract::FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

impl AppState {
    /// State over `stores`, verifying chains with `chains`, time from `clock`.
    pub fn new(
        config: ServerConfig,
        stores: Stores,
        chains: ChainVerifier,
        clock: Arc<dyn Clock>,
    ) -> Self {
        // Token verifications look keys up through an in-process cache; a
        // revocation on any node still takes effect at once (store::cache).
        let keys: Arc<dyn KeyRegistry> = Arc::new(CachedKeyRegistry::new(
            stores.keys.clone(),
            DEFAULT_KEY_CACHE_TTL,
        ));
        let tokens = TokenVerifier::new(
            config.audience.clone(),
            clock.clone(),
            keys.clone(),
            NonceCheck::Consume(stores.challenges.clone()),
            stores.replay.clone(),
        )
        .with_leeway_secs(config.leeway_secs);
        Self {
            config: Arc::new(config),
            tokens,
            challenges: stores.challenges,
            keys,
            chains: Arc::new(chains),
            clock,
            allow_unattested: false,
            operator: None,
            probes: vec![("keys", stores.keys)],
            challenge_limiter: Arc::new(ChallengeLimiter::default()),
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// Also checks `store` in `GET /readyz` (e.g. the Redis of the
    /// short-lived stores when the registry is in PostgreSQL).
    pub fn with_readiness_probe(mut self, name: &'static str, store: Arc<dyn KeyRegistry>) -> Self {
        self.probes.push((name, store));
        self
    }

    /// Turns on the operator's registry routes (`GET /v1/users/{userId}/keys`, `DELETE /v1/keys/{kid}`), which then
    /// require `Authorization: Bearer <secret>`.
    pub fn with_operator_secret(mut self, secret: OperatorSecret) -> Self {
        self.operator = Some(Arc::new(secret));
        self
    }

    /// Limits challenge issuance with `limiter` instead of the default
    /// ([`crate::limit::ChallengeRate::default`], no trusted proxy).
    pub fn with_challenge_limiter(mut self, limiter: ChallengeLimiter) -> Self {
        self.challenge_limiter = Arc::new(limiter);
        self
    }

    /// Lets `POST /v1/keys` register a bare JWK without attestation. For
    /// simulators and development only: any software key can then obtain
    /// valid tokens. Logged loudly.
    pub fn dangerous_allow_unattested(mut self) -> Self {
        tracing::warn!(
            "DANGER: unattested key registration is enabled (--allow-unattested); \
             any software key can register and obtain valid tokens. Never use this in production."
        );
        self.allow_unattested = true;
        self.tokens = self.tokens.dangerous_accept_unattested();
        self
    }
}

/// The router with its limits: the routes of the OpenAPI document ([`openapi_document`]) (the registry
/// routes only with an operator secret; off, they answer 404).
pub fn app(state: AppState) -> Router {
    let challenge_limit = axum::middleware::from_fn_with_state(
        state.challenge_limiter.clone(),
        crate::limit::limit_challenges,
    );
    let track = axum::middleware::from_fn_with_state(state.metrics.clone(), crate::metrics::track);
    let (router, _) = openapi::routes(state.operator.is_some(), |challenges| {
        challenges.route_layer(challenge_limit)
    })
    .split_for_parts();
    let router = router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(check_body_headers))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Outermost: counts the 408, 413 and 415 of the layers above too.
        .layer(track);
    // Tests: every response must be one the OpenAPI document lists.
    #[cfg(test)]
    let router = router.layer(axum::middleware::from_fn(openapi::conformance::check));
    router.with_state(state)
}

/// Every error a handler returns.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiError {
    /// A token was rejected: 401 (or 503 for `store_unavailable`).
    Token(TokenError),
    /// The body is not the expected JSON: 400 `malformed_request`.
    MalformedRequest,
    /// The body is (or is declared) larger than [`MAX_BODY_BYTES`]: 413 `body_too_large`.
    BodyTooLarge,
    /// A POST body that is not declared `application/json`: 415 `unsupported_media_type`.
    UnsupportedMediaType,
    /// A bare JWK was sent without `--allow-unattested`: 403.
    UnattestedNotAllowed,
    /// `POST /v1/keys` without `userId`: 400 `missing_user_id`.
    MissingUserId,
    /// A `userId` that is empty, too long or has control characters: 400
    /// `invalid_user_id`.
    InvalidUserId,
    /// The kid is already registered (or revoked): 409 `key_exists`.
    KeyExists,
    /// An unattested key may not replace an attested one: 409
    /// `downgrade_refused`.
    Downgrade,
    /// An operator route without the operator's bearer secret: 401
    /// `unauthorized`.
    Unauthorized,
    /// No key with this kid (operator routes): 404 `unknown_key`.
    KeyNotFound,
    /// The JWK is not a P-256 public key: 422 `invalid_jwk`.
    InvalidJwk,
    /// The registration nonce is not a live challenge: 422 `nonce_mismatch`.
    NonceMismatch,
    /// The attestation chain or policy failed: 422 with the stage's code.
    Attestation(AttestationError),
    /// Too many challenges from this client address: 429 `rate_limited`.
    RateLimited {
        /// Seconds until the next request can succeed (`Retry-After`).
        retry_after_secs: u64,
    },
    /// A store failed: 503 `store_unavailable`.
    Store(StoreError),
    /// A bug or an unexpected failure: 500, generic body.
    Internal(&'static str),
}

impl ApiError {
    /// The stable code in the body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Token(e) => e.code(),
            Self::MalformedRequest => "malformed_request",
            Self::BodyTooLarge => "body_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::UnattestedNotAllowed => "unattested_not_allowed",
            Self::MissingUserId => "missing_user_id",
            Self::InvalidUserId => "invalid_user_id",
            Self::KeyExists => "key_exists",
            Self::Downgrade => "downgrade_refused",
            Self::Unauthorized => "unauthorized",
            Self::KeyNotFound => "unknown_key",
            Self::InvalidJwk => "invalid_jwk",
            Self::NonceMismatch => "nonce_mismatch",
            Self::Attestation(e) => e.code(),
            Self::RateLimited { .. } => "rate_limited",
            Self::Store(_) => "store_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::BodyTooLarge
        } else {
            Self::MalformedRequest
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let plain = body::Error::code(code);
        let (status, body) = match &self {
            Self::Token(TokenError::StoreUnavailable) => (
                StatusCode::SERVICE_UNAVAILABLE,
                body::Error {
                    valid: Some(false),
                    ..plain
                },
            ),
            Self::Token(_) => (
                StatusCode::UNAUTHORIZED,
                body::Error {
                    valid: Some(false),
                    ..plain
                },
            ),
            Self::MalformedRequest | Self::MissingUserId | Self::InvalidUserId => {
                (StatusCode::BAD_REQUEST, plain)
            }
            Self::KeyExists | Self::Downgrade => (StatusCode::CONFLICT, plain),
            Self::KeyNotFound => (StatusCode::NOT_FOUND, plain),
            Self::Unauthorized => {
                return (
                    StatusCode::UNAUTHORIZED,
                    [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
                    Json(plain),
                )
                    .into_response()
            }
            Self::BodyTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, plain),
            Self::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, plain),
            Self::UnattestedNotAllowed => (StatusCode::FORBIDDEN, plain),
            Self::InvalidJwk | Self::NonceMismatch => (StatusCode::UNPROCESSABLE_ENTITY, plain),
            Self::Attestation(AttestationError::Policy(v)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body::Error {
                    violations: Some(v.iter().map(|x| x.code()).collect()),
                    ..plain
                },
            ),
            Self::Attestation(_) => (StatusCode::UNPROCESSABLE_ENTITY, plain),
            Self::RateLimited { retry_after_secs } => {
                let mut resp = (StatusCode::TOO_MANY_REQUESTS, Json(plain)).into_response();
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, (*retry_after_secs).max(1).into());
                resp.extensions_mut().insert(RateLimitedMark);
                return resp;
            }
            // A full in-memory store logs that itself, at most once per interval.
            Self::Store(StoreError::Full) => (StatusCode::SERVICE_UNAVAILABLE, plain),
            Self::Store(e) => {
                tracing::error!(error = %e, "store unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, plain)
            }
            Self::Internal(what) => {
                tracing::error!(what, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, plain)
            }
        };
        (status, Json(body)).into_response()
    }
}

/// Whether a `Content-Type` value is `application/json` (any parameters,
/// e.g. `; charset=utf-8`). Hand-written: one comparison of the media type
/// essence, case-insensitive (RFC 9110 8.3.1), is all that is needed.
fn is_json(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or_default();
    essence
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/json")
}

/// Header checks done before any body byte is read (see the module docs).
fn body_headers_error(method: &Method, headers: &HeaderMap) -> Option<ApiError> {
    let declared = match headers.get(header::CONTENT_LENGTH) {
        None => None,
        // hyper already refuses a malformed Content-Length.
        Some(v) => match v.to_str().ok().and_then(|s| s.trim().parse::<u64>().ok()) {
            Some(n) => Some(n),
            None => return Some(ApiError::MalformedRequest),
        },
    };
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Some(ApiError::BodyTooLarge);
    }
    if method == Method::POST {
        let has_body =
            declared.is_some_and(|n| n > 0) || headers.contains_key(header::TRANSFER_ENCODING);
        match headers.get(header::CONTENT_TYPE) {
            Some(ct) if !is_json(ct.as_bytes()) => return Some(ApiError::UnsupportedMediaType),
            None if has_body => return Some(ApiError::UnsupportedMediaType),
            _ => {}
        }
    }
    None
}

async fn check_body_headers(req: Request, next: Next) -> Response {
    match body_headers_error(req.method(), req.headers()) {
        Some(e) => e.into_response(),
        None => next.run(req).await,
    }
}

mod body;
pub mod conn;
mod handlers;
mod manage;
mod openapi;

pub use manage::{OperatorSecret, WeakSecret, MIN_OPERATOR_SECRET_BYTES};
pub use openapi::document as openapi_document;

/// Serves `app` on `listener` until `shutdown` completes, within the
/// default [`conn::ConnectionLimits`]: see [`conn`] (header-read and
/// keep-alive idle timeout, connection caps overall and per client address,
/// connection lifetime and request count).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    conn::serve(listener, app, conn::ConnectionLimits::default(), shutdown).await;
}

#[cfg(test)]
mod tests;
