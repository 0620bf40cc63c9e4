//! The operator's routes over the credential registry (not for phones):
//!
//! | route | success | errors |
//! |---|---|---|
//! | `GET /v1/users/{userId}/keys` | 200 `{"userId","keys":[...]}` | 400, 401, 503 |
//! | `DELETE /v1/keys/{kid}` | 200 `{"kid","revokedAt"}` | 401, 404, 503 |
//!
//! and `POST /v1/keys` with `"replace": true` (replace an existing record).
//! Each needs `Authorization: Bearer <operator secret>`; the secret comes
//! from a file or the environment and is compared in constant time (the
//! SHA-256 of both sides, so neither the length nor a prefix leaks). With
//! no secret configured the routes do not exist (404).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::{body, ApiError, AppState};
use crate::store::{is_valid_user_id, Revocation};

/// Shortest accepted operator secret, in bytes.
pub const MIN_OPERATOR_SECRET_BYTES: usize = 16;

/// The operator's bearer secret, kept as its SHA-256. `Debug` shows nothing.
pub struct OperatorSecret {
    digest: Zeroizing<[u8; 32]>,
}

impl core::fmt::Debug for OperatorSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("OperatorSecret(<redacted>)")
    }
}

/// Why a secret was not accepted.
#[derive(Debug, thiserror::Error)]
#[error("the operator secret must be at least {MIN_OPERATOR_SECRET_BYTES} bytes without control characters")]
#[non_exhaustive]
pub struct WeakSecret;

fn digest(bytes: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    out
}

impl OperatorSecret {
    /// From the secret's text (a trailing newline, as files have, is
    /// dropped).
    pub fn new(secret: &str) -> Result<Self, WeakSecret> {
        let secret = secret.trim_end_matches(['\r', '\n']);
        if secret.len() < MIN_OPERATOR_SECRET_BYTES || secret.chars().any(char::is_control) {
            return Err(WeakSecret);
        }
        Ok(Self {
            digest: digest(secret.as_bytes()),
        })
    }

    /// Whether `candidate` is the secret (constant time).
    pub fn matches(&self, candidate: &[u8]) -> bool {
        bool::from(digest(candidate).ct_eq(self.digest.as_ref()))
    }
}

/// Refuses the request unless it carries the operator's bearer secret.
pub(super) fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(secret) = &state.operator else {
        // Not reachable through the router (the routes are off), but the
        // replace flag of POST /v1/keys lands here.
        return Err(ApiError::Unauthorized);
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
    match presented {
        Some(token) if secret.matches(token) => Ok(()),
        _ => {
            tracing::warn!("operator route refused: missing or wrong bearer secret");
            Err(ApiError::Unauthorized)
        }
    }
}

/// The JSON of a record for the operator.
/// `GET /readyz`: every store answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Every store answers (`ready`)", body = body::Status),
        (status = 503, description = "A store does not answer", body = body::NotReady),
    ))]
pub(super) async fn ready(State(state): State<AppState>) -> Response {
    let mut failing = Vec::new();
    for (name, store) in &state.probes {
        if let Err(e) = store.ping().await {
            tracing::warn!(store = name, error = %e, "not ready");
            failing.push(*name);
        }
    }
    if failing.is_empty() {
        (StatusCode::OK, Json(body::Status { status: "ready" })).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(body::NotReady {
                status: "unavailable",
                failing,
            }),
        )
            .into_response()
    }
}

/// `GET /v1/users/{userId}/keys` (operator).
#[utoipa::path(get, path = "/v1/users/{userId}/keys", tag = "operator",
    params(("userId" = String, Path, description = "The account")),
    security(("operator" = [])),
    responses(
        (status = 200, description = "The user's keys, revoked ones included", body = body::UserKeys<'static>),
        (status = 400, description = "`invalid_user_id`", body = body::Error),
        (status = 401, description = "`unauthorized`: no or a wrong operator secret", body = body::Error),
        (status = 503, description = "`store_unavailable`", body = body::Error),
    ))]
pub(super) async fn list_user_keys(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    if !is_valid_user_id(&user_id) {
        return Err(ApiError::InvalidUserId);
    }
    let keys = state
        .keys
        .list_for_user(&user_id)
        .await
        .map_err(ApiError::Store)?;
    Ok((
        StatusCode::OK,
        Json(body::UserKeys {
            user_id: &user_id,
            keys: keys.iter().map(body::KeyRecord::of).collect(),
        }),
    )
        .into_response())
}

#[utoipa::path(delete, path = "/v1/keys/{kid}", tag = "operator",
    params(("kid" = String, Path, description = "The key's id")),
    security(("operator" = [])),
    responses(
        (status = 200, description = "Revoked: its tokens are `unknown_key` from now on, on every node",
            body = body::KeyRevoked<'static>),
        (status = 401, description = "`unauthorized`: no or a wrong operator secret", body = body::Error),
        (status = 404, description = "`unknown_key`", body = body::Error),
        (status = 503, description = "`store_unavailable`", body = body::Error),
    ))]
pub(super) async fn revoke_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kid): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    // A kid is a base64url SHA-256 (43 characters); anything else is unknown.
    if kid.len() > 64 {
        return Err(ApiError::KeyNotFound);
    }
    let now = state.clock.now_unix();
    match state
        .keys
        .revoke(&kid, now)
        .await
        .map_err(ApiError::Store)?
    {
        Revocation::Unknown => Err(ApiError::KeyNotFound),
        Revocation::Revoked(at) => {
            tracing::info!(kid, "key revoked by the operator");
            // The registry is the truth; the marker makes nodes that cached
            // the key refuse it from their next request on. Without it they
            // refuse it once their cache entry expires.
            if let Err(e) = state.challenges.note_revoked(&kid, now).await {
                tracing::warn!(kid, error = %e,
                    "revocation marker not written: other nodes refuse the key within the key cache TTL");
            }
            Ok((
                StatusCode::OK,
                Json(body::KeyRevoked {
                    kid: &kid,
                    revoked_at: at,
                }),
            )
                .into_response())
        }
    }
}

#[cfg(test)]
mod tests;
