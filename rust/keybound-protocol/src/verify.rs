//! Stateless token verification, in the fixed order of docs/token-format.md.

use core::fmt;

use crate::backend::PublicKey;
use crate::claims::{lifetime_violated, Claims};
use crate::ct::ct_eq;
use crate::ecdsa::raw_scalars_in_range;
use crate::error::{KeyError, TokenError};
use crate::json;
use crate::jwk::Jwk;
use crate::jws::{self, Parts};
use crate::DEFAULT_LEEWAY_SECS;

/// How [`verify`] treats the `nonce` claim.
#[non_exhaustive]
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

/// What the verifier expects of a token: built with [`Expectations::new`]
/// and the `with_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectations {
    /// The `aud` the token must carry, byte for byte.
    pub(crate) audience: String,
    /// The challenge check, see [`ExpectedNonce`].
    pub(crate) nonce: ExpectedNonce,
    /// The [`txn_hash`](crate::txn_hash) the token must carry, or `None`
    /// when the token must carry none.
    pub(crate) txn: Option<String>,
    /// Clock skew tolerated on `exp` and `iat`, in seconds.
    pub(crate) leeway_secs: i64,
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

/// A registered key prepared for verification: its kid (thumbprint) and
/// decoded point are computed once, when the key is registered or loaded,
/// instead of on every token ([`verify`] with a [`Jwk`] does it each call).
/// Keep one next to each registration and use [`verify_with`] or
/// [`DecodedToken::verify`].
#[derive(Clone)]
pub struct VerifyingKey {
    jwk: Jwk,
    kid: String,
    key: PublicKey,
}

impl VerifyingKey {
    /// Prepares `jwk`. Checks `kty`, `crv` and the coordinates' encoding
    /// (like [`Jwk::to_sec1`]); whether the point is on the curve is checked
    /// here with the `aws-lc-rs` backend and at verification with ring, and
    /// either way a key that is not is never accepted
    /// ([`KeyError::NotOnCurve`] here, `bad_signature` there).
    pub fn new(jwk: &Jwk) -> Result<VerifyingKey, KeyError> {
        let key = PublicKey::new(jwk.to_sec1()?).ok_or(KeyError::NotOnCurve)?;
        Ok(VerifyingKey {
            jwk: jwk.clone(),
            kid: jwk.thumbprint(),
            key,
        })
    }

    /// The key's JWK.
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// The key's thumbprint, i.e. the `kid` of its tokens.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.jwk == other.jwk
    }
}

impl Eq for VerifyingKey {}

/// A token whose size, segments, base64url and header passed (the first
/// stages of [`verify`]), decoded once: look its [`kid`](Self::kid) up, then
/// [`verify`](Self::verify) it without decoding it again. Nothing in it is
/// verified beyond the header's form.
pub struct DecodedToken<'a> {
    parts: Parts<'a>,
}

impl fmt::Debug for DecodedToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodedToken")
            .field("kid", &self.parts.header.kid())
            .finish_non_exhaustive()
    }
}

impl DecodedToken<'_> {
    /// The header's `kid` (unverified until [`verify`](Self::verify)).
    pub fn kid(&self) -> &str {
        self.parts.header.kid()
    }

    /// The remaining stages of [`verify`] (from the kid check on) with a
    /// prepared key.
    pub fn verify(
        self,
        key: &VerifyingKey,
        expect: &Expectations,
        now_unix: i64,
    ) -> Result<VerifiedToken, TokenError> {
        check(self.parts, key, expect, now_unix)
    }
}

/// The header stages of [`verify`] (size, segments, base64url, header), for
/// a caller that looks the key up by `kid` next; see [`DecodedToken`].
pub fn decode_token(token: &str) -> Result<DecodedToken<'_>, TokenError> {
    Ok(DecodedToken {
        parts: jws::decode(token)?,
    })
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
/// caller's next steps (see [`VerifiedToken`]). A verifier that sees the
/// same key often keeps a [`VerifyingKey`] and calls [`verify_with`].
pub fn verify(
    token: &str,
    key: &Jwk,
    expect: &Expectations,
    now_unix: i64,
) -> Result<VerifiedToken, TokenError> {
    let parts = jws::decode(token)?;
    // A registered key that is not a P-256 JWK cannot be the token's key.
    let key = VerifyingKey::new(key).map_err(|_| TokenError::UnknownKey)?;
    check(parts, &key, expect, now_unix)
}

/// [`verify`] with a prepared key.
pub fn verify_with(
    token: &str,
    key: &VerifyingKey,
    expect: &Expectations,
    now_unix: i64,
) -> Result<VerifiedToken, TokenError> {
    check(jws::decode(token)?, key, expect, now_unix)
}

/// Every stage after the header, in order: the one code path of all entry
/// points.
fn check(
    parts: Parts<'_>,
    key: &VerifyingKey,
    expect: &Expectations,
    now_unix: i64,
) -> Result<VerifiedToken, TokenError> {
    // The kid is public (a key's thumbprint): a plain comparison is fine.
    if parts.header.kid() != key.kid() {
        return Err(TokenError::UnknownKey);
    }

    let signature: [u8; 64] = parts
        .signature
        .as_slice()
        .try_into()
        .map_err(|_| TokenError::BadSignature)?;
    if !raw_scalars_in_range(&signature) {
        return Err(TokenError::BadSignature);
    }
    if !key.key.verifies(parts.signing_input.as_bytes(), &signature) {
        return Err(TokenError::BadSignature);
    }

    // Only now is the payload parsed.
    let payload = json::parse_object(&parts.payload).map_err(|_| TokenError::Malformed)?;
    let claims = Claims::from_payload(&payload)?;

    check_time(&claims, expect.leeway_secs, now_unix)?;

    // The audience is public: a plain comparison is fine.
    if claims.aud() != expect.audience {
        return Err(TokenError::AudienceMismatch);
    }

    match (expect.txn.as_deref(), claims.txn()) {
        (None, None) => {}
        (Some(expected), Some(actual)) if ct_eq(expected.as_bytes(), actual.as_bytes()) => {}
        _ => return Err(TokenError::TxnMismatch),
    }

    if let ExpectedNonce::Exactly(expected) = &expect.nonce {
        if !ct_eq(expected.as_bytes(), claims.nonce().as_bytes()) {
            return Err(TokenError::NonceMismatch);
        }
    }

    let accept_until = claims.exp().saturating_add(expect.leeway_secs);
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
    if now > i128::from(claims.exp()) + leeway {
        return Err(TokenError::Expired);
    }
    if i128::from(claims.iat()) > now + leeway {
        return Err(TokenError::NotYetValid);
    }
    if lifetime_violated(claims.iat(), claims.exp()) {
        return Err(TokenError::LifetimeTooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{assemble, new_jti, signing_input, AuthMethod};

    /// Outside this crate no unusable `Jwk` can be built; should one exist
    /// (a future constructor, deserialized data of an older version), the
    /// verifier still answers `unknown_key` instead of trying it.
    #[test]
    fn unknown_key_when_the_registered_jwk_is_unusable() {
        let broken = Jwk {
            kty: "RSA".into(),
            crv: "P-256".into(),
            x: "AAAA".into(),
            y: "AAAA".into(),
        };
        let claims = Claims::new(
            "aud",
            "nonce",
            100,
            200,
            new_jti().unwrap(),
            AuthMethod::Biometric,
        );
        let token = assemble(
            &signing_input(&broken.thumbprint(), &claims).unwrap(),
            &[1; 64],
        );
        let expect = Expectations::new("aud", ExpectedNonce::Exactly("nonce".into()));
        assert_eq!(
            verify(&token, &broken, &expect, 150).unwrap_err(),
            TokenError::UnknownKey
        );
    }
}
