//! The route handlers: each parses its request (size first), does its one
//! job, and answers with a typed body of `body`. Each is annotated for
//! the OpenAPI document (`openapi`); the module is private, so the unit
//! structs `utoipa::path` generates are not part of the crate's API.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use keybound_protocol::{Jwk, TokenError, MAX_TOKEN_BYTES};

use super::{body, manage, ApiError, AppState};
use crate::attestation::chain::{MAX_CERT_LEN, MAX_CHAIN_LEN};
use crate::attestation::policy::{verify_attestation, AttestationError};
use crate::store::{
    is_valid_user_id, Challenge, Consumed, RegisteredKey, Registration, Replacement,
};

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::MalformedRequest)
}

const OK: body::Status = body::Status { status: "ok" };

/// `GET /`: the process is up (same as `/healthz`).
#[utoipa::path(get, path = "/", tag = "operations",
    responses((status = 200, description = "The process is up", body = body::Status)))]
pub(super) async fn root() -> Json<body::Status> {
    Json(OK)
}

/// `GET /healthz`: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up", body = body::Status)))]
pub(super) async fn healthz() -> Json<body::Status> {
    Json(OK)
}

/// `POST /v1/challenges`: a one-time nonce, rate-limited per client address.
#[utoipa::path(post, path = "/v1/challenges", tag = "app",
    responses(
        (status = 201, description = "A fresh challenge", body = body::ChallengeCreated<'static>),
        (status = 429, description = "`rate_limited`: too many challenges from this client address",
            body = body::Error,
            headers(("Retry-After" = u64, description = "Seconds until a request can succeed"))),
        (status = 503, description = "`store_unavailable`", body = body::Error),
    ))]
pub(super) async fn create_challenge(State(state): State<AppState>) -> Result<Response, ApiError> {
    let now = state.clock.now_unix();
    let challenge =
        Challenge::generate(now, state.config.challenge_ttl_secs).map_err(ApiError::Store)?;
    state
        .metrics
        .time("challenge_insert", state.challenges.insert(&challenge, now))
        .await
        .map_err(ApiError::Store)?;
    Ok((
        StatusCode::CREATED,
        Json(body::ChallengeCreated {
            nonce: challenge.nonce(),
            expires_at: challenge.expires_at(),
        }),
    )
        .into_response())
}

fn decode_cert_b64(s: &str) -> Result<Vec<u8>, ApiError> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    // Size before decoding.
    if s.len() > MAX_CERT_LEN.div_ceil(3) * 4 {
        return Err(ApiError::Attestation(AttestationError::Chain(
            crate::attestation::ChainError::CertTooLarge { index: 0 },
        )));
    }
    STANDARD
        .decode(s)
        .or_else(|_| STANDARD_NO_PAD.decode(s))
        .map_err(|_| ApiError::MalformedRequest)
}

/// `POST /v1/keys`: registers an attested key for a user.
#[utoipa::path(post, path = "/v1/keys", tag = "app",
    request_body(content = body::RegisterRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The key is registered", body = body::KeyRegistered<'static>),
        (status = 400, description = "`malformed_request`, `missing_user_id`, `invalid_user_id`", body = body::Error),
        (status = 401, description = "`unauthorized`: `replace` without the operator secret", body = body::Error),
        (status = 403, description = "`unattested_not_allowed`: a bare JWK without --allow-unattested", body = body::Error),
        (status = 409, description = "`key_exists`, `downgrade_refused`", body = body::Error),
        (status = 422, description = "`invalid_jwk`, `nonce_mismatch`, or the attestation's stage code \
            (`policy_violation` lists `violations`)", body = body::Error),
        (status = 503, description = "`store_unavailable`", body = body::Error),
    ))]
pub(super) async fn register_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let req: body::RegisterRequest = parse(&body?)?;
    if req.nonce.is_empty() || req.nonce.len() > keybound_protocol::MAX_NONCE_CHARS {
        return Err(ApiError::MalformedRequest);
    }
    let user_id = req.user_id.ok_or(ApiError::MissingUserId)?;
    if !is_valid_user_id(&user_id) {
        return Err(ApiError::InvalidUserId);
    }
    if req.replace {
        manage::authorize(&state, &headers)?;
    }
    let now = state.clock.now_unix();
    let key = match (req.attestation_chain, req.jwk) {
        (Some(chain), None) => {
            if chain.is_empty() {
                return Err(ApiError::MalformedRequest);
            }
            if chain.len() > MAX_CHAIN_LEN {
                return Err(ApiError::Attestation(AttestationError::Chain(
                    crate::attestation::ChainError::TooLong,
                )));
            }
            let ders = chain
                .iter()
                .map(|c| decode_cert_b64(c))
                .collect::<Result<Vec<_>, _>>()?;
            // The attestation challenge is the nonce's UTF-8 bytes.
            let policy = state.config.policy(req.nonce.as_bytes());
            // RSA-4096 and ECDSA verifications are CPU work: off the async threads.
            let chains = state.chains.clone();
            let verified = tokio::task::spawn_blocking(move || {
                verify_attestation(&chains, &policy, &ders, now)
            })
            .await
            .map_err(|_| ApiError::Internal("attestation task failed"))?
            .map_err(ApiError::Attestation)?;
            RegisteredKey::from_attestation(&verified, now)
                .map_err(|_| ApiError::Internal("attested key not convertible to a JWK"))?
        }
        (None, Some(jwk)) => {
            if !state.allow_unattested {
                return Err(ApiError::UnattestedNotAllowed);
            }
            let jwk = Jwk::from_json(&jwk.to_string()).map_err(|_| ApiError::InvalidJwk)?;
            tracing::warn!("registering an UNATTESTED key (--allow-unattested)");
            RegisteredKey::dangerous_unattested(jwk, now)
        }
        _ => return Err(ApiError::MalformedRequest),
    };
    let key = key.for_user(user_id);
    // A kid is registered once: refuse before using up the challenge (a
    // refused request changes nothing). The store's insert-if-absent below
    // settles a race between two registrations of one kid.
    let existing = state
        .metrics
        .time("key_get", state.keys.get(key.kid()))
        .await
        .map_err(ApiError::Store)?;
    match (&existing, req.replace) {
        (Some(_), false) => return Err(ApiError::KeyExists),
        (Some(old), true) if old.assurance().is_attested() && !key.assurance().is_attested() => {
            return Err(ApiError::Downgrade)
        }
        _ => {}
    }
    // Only a key that passed is allowed to use up the challenge.
    let consumer = format!("registration:{}", key.kid());
    let consumed = state
        .metrics
        .time(
            "challenge_consume",
            state.challenges.consume(&req.nonce, &consumer, now),
        )
        .await
        .map_err(ApiError::Store)?;
    if consumed != Consumed::Now {
        return Err(ApiError::NonceMismatch);
    }
    if req.replace {
        match state
            .metrics
            .time("key_replace", state.keys.replace(&key))
            .await
            .map_err(ApiError::Store)?
        {
            Replacement::Replaced => {}
            Replacement::Downgrade => return Err(ApiError::Downgrade),
        }
    } else {
        match state
            .metrics
            .time("key_register", state.keys.register(&key))
            .await
            .map_err(ApiError::Store)?
        {
            Registration::Registered => {}
            Registration::AlreadyRegistered => return Err(ApiError::KeyExists),
        }
    }
    state.metrics.registration(key.assurance().as_str());
    tracing::info!(
        kid = key.kid(),
        level = key.assurance().as_str(),
        replaced = req.replace,
        "key registered"
    );
    Ok((
        StatusCode::CREATED,
        Json(body::KeyRegistered {
            kid: key.kid(),
            user_id: key.user_id(),
            security_level: key.assurance().as_str(),
        }),
    )
        .into_response())
}

/// `POST /v1/tokens/verify`: verifies and uses up a token.
#[utoipa::path(post, path = "/v1/tokens/verify", tag = "app",
    request_body(content = body::VerifyRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The token is valid (and now used up)", body = body::TokenVerified<'static>),
        (status = 400, description = "`malformed_request`", body = body::Error),
        (status = 401, description = "The token is refused: `valid` is false, `error` one of the codes of \
            docs/token-format.md", body = body::Error),
        (status = 503, description = "`store_unavailable`", body = body::Error),
    ))]
pub(super) async fn verify_token(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let result = verify_token_inner(&state, body).await;
    state.metrics.verification(match &result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    });
    result
}

async fn verify_token_inner(
    state: &AppState,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body?;
    // A token is at most 4 KiB: refuse anything much larger before parsing.
    if body.len() > MAX_TOKEN_BYTES * 2 + 1024 {
        return Err(ApiError::Token(TokenError::TooLarge));
    }
    let req: body::VerifyRequest = parse(&body)?;
    // The verification's store work (key lookup, nonce and jti) is timed as one.
    let accepted = state
        .metrics
        .time(
            "token_verify",
            state.tokens.verify(&req.token, req.txn.as_deref()),
        )
        .await
        .map_err(ApiError::Token)?;
    // Bookkeeping only: the token is accepted whether or not this is noted.
    if let Err(e) = state
        .metrics
        .time(
            "key_touch",
            state
                .keys
                .touch(accepted.token().kid(), state.clock.now_unix()),
        )
        .await
    {
        tracing::warn!(error = %e, "could not note the key's last use");
    }
    Ok((
        StatusCode::OK,
        Json(body::TokenVerified {
            valid: true,
            kid: accepted.token().kid(),
            user_id: accepted.key().user_id(),
            claims: accepted.token().claims(),
        }),
    )
        .into_response())
}

/// `GET /metrics`.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "The metrics, Prometheus/OpenMetrics text", body = String,
            content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8"),
        (status = 500, description = "Encoding failed (empty body)"),
    ))]
pub(super) async fn metrics(state: State<std::sync::Arc<crate::metrics::Metrics>>) -> Response {
    crate::metrics::serve(state).await
}

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object)))]
pub(super) async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        super::openapi::document(),
    )
        .into_response()
}
