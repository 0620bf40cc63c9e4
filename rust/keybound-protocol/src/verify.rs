//! Stateless token verification, in the fixed order of docs/token-format.md.

use core::fmt;

use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};

use crate::claims::{lifetime_violated, Claims};
use crate::ct::ct_eq;
use crate::ecdsa::raw_scalars_in_range;
use crate::error::TokenError;
use crate::json;
use crate::jwk::Jwk;
use crate::jws;
use crate::DEFAULT_LEEWAY_SECS;

/// How [`verify`] treats the `nonce` claim.
#[derive(Clone, PartialEq, Eq)]
pub enum ExpectedNonce {
    /// The nonce must equal this challenge (compared in constant time). The
    /// caller still marks the challenge used after a successful verify.
    Exactly(String),
    /// The caller looks `claims().nonce` up in its challenge store and
    /// consumes it after [`verify`] succeeded (a mismatch or an already used
    /// challenge is then `nonce_mismatch`, a store failure
    /// `store_unavailable`).
    CheckedByCaller,
}

impl fmt::Debug for ExpectedNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedNonce::Exactly(_) => f.write_str("Exactly(<redacted>)"),
            ExpectedNonce::CheckedByCaller => f.write_str("CheckedByCaller"),
        }
    }
}

/// What the verifier expects of a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectations {
    /// The `aud` the token must carry, byte for byte.
    pub audience: String,
    /// The challenge check, see [`ExpectedNonce`].
    pub nonce: ExpectedNonce,
    /// The [`txn_hash`](crate::txn_hash) the token must carry, or `None`
    /// when the token must carry none.
    pub txn: Option<String>,
    /// Clock skew tolerated on `exp` and `iat`, in seconds.
    pub leeway_secs: i64,
}

impl Expectations {
    /// Expect `audience` and `nonce`, no transaction, the default leeway
    /// ([`DEFAULT_LEEWAY_SECS`]).
    pub fn new(audience: impl Into<String>, nonce: ExpectedNonce) -> Self {
        Expectations {
            audience: audience.into(),
            nonce,
            txn: None,
            leeway_secs: DEFAULT_LEEWAY_SECS,
        }
    }

    /// Also expect this transaction hash ([`txn_hash`](crate::txn_hash)).
    #[must_use]
    pub fn with_txn(mut self, txn_hash: impl Into<String>) -> Self {
        self.txn = Some(txn_hash.into());
        self
    }

    /// Use another leeway (seconds).
    #[must_use]
    pub fn with_leeway_secs(mut self, leeway_secs: i64) -> Self {
        self.leeway_secs = leeway_secs;
        self
    }
}

/// A token whose signature, claims, time, audience, transaction and (if
/// [`ExpectedNonce::Exactly`]) nonce were verified. Only [`verify`] makes one.
///
/// Still to do by the caller, in this order: consume the nonce (with
/// [`ExpectedNonce::CheckedByCaller`]), then record (kid, jti), e.g. with
/// [`MemoryReplayCache::record`](crate::MemoryReplayCache::record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedToken {
    kid: String,
    claims: Claims,
    accept_until: i64,
}

impl VerifiedToken {
    /// The verified key id (the thumbprint of the key it was verified with).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The verified claims.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The claims, consuming the token.
    pub fn into_claims(self) -> Claims {
        self.claims
    }

    /// The last second (Unix time) at which this token is still accepted:
    /// `exp + leeway` (saturating). A replay record must live at least this
    /// long.
    pub fn accept_until(&self) -> i64 {
        self.accept_until
    }
}

/// Verifies `token` against the registered `key` at time `now_unix`.
///
/// Order (docs/token-format.md, "Order of checks"): size → segments/base64url →
/// header (alg, typ, crit/key members, kid) → kid equals `key.thumbprint()`
/// (`unknown_key`) → signature (64 bytes, r and s in `1..n`, ECDSA P-256
/// SHA-256: `bad_signature`) → payload JSON and claim types → time (expired,
/// not yet valid, lifetime) → aud → txn → nonce (if
/// [`ExpectedNonce::Exactly`]). The first failing check decides the error.
///
/// Stateless: consuming the challenge and recording (kid, jti) are the
/// caller's next steps (see [`VerifiedToken`]).
pub fn verify(
    token: &str,
    key: &Jwk,
    expect: &Expectations,
    now_unix: i64,
) -> Result<VerifiedToken, TokenError> {
    let parts = jws::decode(token)?;

    // The kid is public (a key's thumbprint): a plain comparison is fine.
    if parts.header.kid() != key.thumbprint() {
        return Err(TokenError::UnknownKey);
    }
    // A registered key that is not a P-256 JWK cannot be the token's key.
    let public_key = key.to_sec1().map_err(|_| TokenError::UnknownKey)?;

    let signature: [u8; 64] = parts
        .signature
        .as_slice()
        .try_into()
        .map_err(|_| TokenError::BadSignature)?;
    if !raw_scalars_in_range(&signature) {
        return Err(TokenError::BadSignature);
    }
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &public_key)
        .verify(parts.signing_input.as_bytes(), &signature)
        .map_err(|_| TokenError::BadSignature)?;

    // Only now is the payload parsed.
    let payload = json::parse_object(&parts.payload).map_err(|_| TokenError::Malformed)?;
    let claims = Claims::from_payload(&payload)?;

    check_time(&claims, expect.leeway_secs, now_unix)?;

    // The audience is public: a plain comparison is fine.
    if claims.aud != expect.audience {
        return Err(TokenError::AudienceMismatch);
    }

    match (&expect.txn, &claims.txn) {
        (None, None) => {}
        (Some(expected), Some(actual)) if ct_eq(expected.as_bytes(), actual.as_bytes()) => {}
        _ => return Err(TokenError::TxnMismatch),
    }

    if let ExpectedNonce::Exactly(expected) = &expect.nonce {
        if !ct_eq(expected.as_bytes(), claims.nonce.as_bytes()) {
            return Err(TokenError::NonceMismatch);
        }
    }

    let accept_until = claims.exp.saturating_add(expect.leeway_secs);
    Ok(VerifiedToken {
        kid: parts.header.kid().to_owned(),
        claims,
        accept_until,
    })
}

/// `now > exp + leeway` → expired; `iat > now + leeway` → not yet valid;
/// `exp <= iat` or `exp - iat > 300` → lifetime too long. In i128, so no
/// input can overflow.
fn check_time(claims: &Claims, leeway_secs: i64, now_unix: i64) -> Result<(), TokenError> {
    let now = i128::from(now_unix);
    let leeway = i128::from(leeway_secs);
    if now > i128::from(claims.exp) + leeway {
        return Err(TokenError::Expired);
    }
    if i128::from(claims.iat) > now + leeway {
        return Err(TokenError::NotYetValid);
    }
    if lifetime_violated(claims.iat, claims.exp) {
        return Err(TokenError::LifetimeTooLong);
    }
    Ok(())
}
