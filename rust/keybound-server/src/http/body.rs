//! The JSON bodies of the HTTP API, as typed structs: the handlers
//! serialize these (no `json!` maps), and [`super::openapi`] derives the
//! document's schemas from the same types, so a field cannot be in one and
//! not the other.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::store::{AttestationSummary, RegisteredKey};

/// `{"status": ...}`: `GET /`, `GET /healthz`, and `GET /readyz` when ready.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Status {
    /// `ok` (the process is up) or `ready` (every store answers).
    pub status: &'static str,
}

/// `GET /readyz` when a store does not answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotReady {
    /// Always `unavailable`.
    pub status: &'static str,
    /// The stores that did not answer (`keys`, `redis`, ...).
    pub failing: Vec<&'static str>,
}

/// A refused request. Token errors (`POST /v1/tokens/verify`) also carry
/// `valid: false`; a failed attestation policy lists its `violations`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Error {
    /// The stable error code (token errors: the codes of docs/token-format.md).
    pub error: &'static str,
    /// `false`, on token verification errors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    /// The attestation policy's violated rules, on `policy_violation` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<&'static str>>,
}

impl Error {
    pub(crate) fn code(error: &'static str) -> Self {
        Self {
            error,
            valid: None,
            violations: None,
        }
    }
}

/// `POST /v1/challenges`: a one-time nonce for a registration or a token.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ChallengeCreated<'a> {
    /// 256 random bits, base64url without padding.
    pub nonce: &'a str,
    /// Unix seconds after which the nonce is refused.
    pub expires_at: i64,
}

/// The body of `POST /v1/keys`: an attestation chain (or, only with
/// `--allow-unattested`, a bare JWK) for the account `userId`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RegisterRequest {
    /// A live challenge's nonce (also the attestation challenge, as UTF-8).
    pub nonce: String,
    /// The account the app's backend vouches for.
    pub user_id: Option<String>,
    /// Replace an existing record (operator secret required).
    #[serde(default)]
    pub replace: bool,
    /// The key's attestation chain, leaf first, each certificate base64 DER.
    pub attestation_chain: Option<Vec<String>>,
    /// A bare P-256 public JWK (`--allow-unattested` only).
    #[schema(value_type = Option<Object>)]
    pub jwk: Option<serde_json::Value>,
}

/// `POST /v1/keys` accepted the key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct KeyRegistered<'a> {
    /// The key's id: the RFC 7638 thumbprint of its JWK.
    pub kid: &'a str,
    /// The account it was registered for.
    pub user_id: Option<&'a str>,
    /// `TRUSTED_ENVIRONMENT`, `STRONG_BOX` or `UNATTESTED`.
    pub security_level: &'static str,
}

/// The body of `POST /v1/tokens/verify`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyRequest {
    /// The compact JWS the app received from keybound.
    pub token: String,
    /// The transaction text the token must be bound to, if any.
    pub txn: Option<String>,
}

/// `POST /v1/tokens/verify` accepted the token (it is now used up).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TokenVerified<'a> {
    /// Always `true`.
    pub valid: bool,
    /// The signing key's id.
    pub kid: &'a str,
    /// The account the key is registered for.
    pub user_id: Option<&'a str>,
    /// The token's claims (docs/token-format.md).
    #[schema(value_type = Object)]
    pub claims: &'a keybound_protocol::Claims,
}

/// One registered key, as the operator routes list it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct KeyRecord<'a> {
    /// The key's id.
    pub kid: &'a str,
    /// The account it is registered for.
    pub user_id: Option<&'a str>,
    /// `TRUSTED_ENVIRONMENT`, `STRONG_BOX` or `UNATTESTED`.
    pub security_level: &'static str,
    /// The public key, a P-256 JWK.
    #[schema(value_type = Object)]
    pub public_key: serde_json::Value,
    /// What the attestation said (absent for unattested keys).
    pub attestation: Option<&'a AttestationSummary>,
    /// Unix seconds of the registration.
    pub created_at: i64,
    /// Unix seconds of the last accepted token, if any.
    pub last_used_at: Option<i64>,
    /// Unix seconds of the revocation, if revoked.
    pub revoked_at: Option<i64>,
}

impl<'a> KeyRecord<'a> {
    pub(crate) fn of(key: &'a RegisteredKey) -> Self {
        Self {
            kid: key.kid(),
            user_id: key.user_id(),
            security_level: key.assurance().as_str(),
            public_key: serde_json::from_str(&key.jwk().to_json())
                .unwrap_or(serde_json::Value::Null),
            attestation: key.attestation(),
            created_at: key.registered_at(),
            last_used_at: key.last_used_at(),
            revoked_at: key.revoked_at(),
        }
    }
}

/// `GET /v1/users/{userId}/keys`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct UserKeys<'a> {
    /// The account.
    pub user_id: &'a str,
    /// Its keys, revoked ones included.
    pub keys: Vec<KeyRecord<'a>>,
}

/// `DELETE /v1/keys/{kid}` revoked the key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct KeyRevoked<'a> {
    /// The key's id.
    pub kid: &'a str,
    /// Unix seconds of the revocation (the first one, when revoked before).
    pub revoked_at: i64,
}
