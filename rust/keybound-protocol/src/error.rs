//! Errors: the stable token error codes of docs/token-format.md, and the errors of
//! the key, signature-format and build helpers.
//!
//! [`TokenError`] is what untrusted input (a token) can cause; its
//! [`code`](TokenError::code) is the machine-readable contract with clients.
//! [`KeyError`], [`SignatureFormatError`] and [`BuildError`] are about keys
//! and values the caller supplies (registration data, the Keystore's DER
//! signature, the claims a device is about to sign); they are kept apart so a
//! caller's mistake is never reported as a client's bad token.
//!
//! No error carries token, signature, challenge or key bytes: every message is
//! a fixed string.

use core::str::FromStr;

/// Why a token was rejected. The [`code`](Self::code) strings are stable
/// (docs/token-format.md, "Error codes"); new codes may be added in a later
/// protocol version, so match with a default branch.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TokenError {
    /// Not three non-empty base64url segments (padding, whitespace, other
    /// characters, non-canonical base64url), or a header/payload that is not
    /// a UTF-8 JSON object, or a JSON object with a duplicated member name.
    #[error("malformed: the token is not a well-formed keybound JWS")]
    Malformed,
    /// The token is longer than [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES).
    #[error("too_large: the token exceeds the size limit")]
    TooLarge,
    /// The header's `alg` is not exactly `ES256` (or is missing).
    #[error("unsupported_alg: only ES256 is accepted")]
    UnsupportedAlg,
    /// `typ` is not `keybound+jwt`, `kid` is missing, or a forbidden member
    /// (`crit`, `jku`, `jwk`, `x5u`, `x5c`, `x5t`, `x5t#S256`) is present.
    #[error("bad_header: the protected header is not acceptable")]
    BadHeader,
    /// The `kid` is not the thumbprint of the key verified against (or that
    /// key is not a usable P-256 key).
    #[error("unknown_key: the token's key id does not match the registered key")]
    UnknownKey,
    /// The signature is not 64 bytes r||s, r or s is zero or not below the
    /// group order, or ECDSA verification failed.
    #[error("bad_signature: the signature does not verify")]
    BadSignature,
    /// A required claim is missing, has the wrong JSON type, or violates its
    /// format rule (nonce length, jti length/alphabet, auth value).
    #[error("missing_claim: a required claim is missing or invalid")]
    MissingClaim,
    /// `now > exp + leeway`.
    #[error("expired: the token has expired")]
    Expired,
    /// `iat > now + leeway`.
    #[error("not_yet_valid: the token was issued in the future")]
    NotYetValid,
    /// `exp <= iat` or `exp - iat > 300`.
    #[error("lifetime_too_long: the token's lifetime is not within (0, 300] seconds")]
    LifetimeTooLong,
    /// `aud` differs from the expected audience.
    #[error("audience_mismatch: the token is for another audience")]
    AudienceMismatch,
    /// `nonce` differs from the server challenge, or the challenge was
    /// already used.
    #[error("nonce_mismatch: the challenge does not match or was already used")]
    NonceMismatch,
    /// The (kid, jti) pair was accepted before.
    #[error("replayed: the token was already used")]
    Replayed,
    /// A transaction hash was expected but is absent or different, or is
    /// present but was not expected.
    #[error("txn_mismatch: the transaction hash does not match")]
    TxnMismatch,
    /// The challenge or replay store cannot be reached or is full: fail
    /// closed.
    #[error("store_unavailable: the challenge or replay store is unavailable")]
    StoreUnavailable,
}

impl TokenError {
    /// Every error, in the order of docs/token-format.md's "Error codes" list.
    pub const ALL: [TokenError; 15] = [
        TokenError::Malformed,
        TokenError::TooLarge,
        TokenError::UnsupportedAlg,
        TokenError::BadHeader,
        TokenError::UnknownKey,
        TokenError::BadSignature,
        TokenError::MissingClaim,
        TokenError::Expired,
        TokenError::NotYetValid,
        TokenError::LifetimeTooLong,
        TokenError::AudienceMismatch,
        TokenError::NonceMismatch,
        TokenError::Replayed,
        TokenError::TxnMismatch,
        TokenError::StoreUnavailable,
    ];

    /// The stable machine-readable code of docs/token-format.md.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Malformed => "malformed",
            TokenError::TooLarge => "too_large",
            TokenError::UnsupportedAlg => "unsupported_alg",
            TokenError::BadHeader => "bad_header",
            TokenError::UnknownKey => "unknown_key",
            TokenError::BadSignature => "bad_signature",
            TokenError::MissingClaim => "missing_claim",
            TokenError::Expired => "expired",
            TokenError::NotYetValid => "not_yet_valid",
            TokenError::LifetimeTooLong => "lifetime_too_long",
            TokenError::AudienceMismatch => "audience_mismatch",
            TokenError::NonceMismatch => "nonce_mismatch",
            TokenError::Replayed => "replayed",
            TokenError::TxnMismatch => "txn_mismatch",
            TokenError::StoreUnavailable => "store_unavailable",
        }
    }
}

/// A string that is not one of the codes of [`TokenError::ALL`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown token error code")]
pub struct UnknownErrorCode;

impl FromStr for TokenError {
    type Err = UnknownErrorCode;

    /// Parses a code produced by [`TokenError::code`] (exact, case-sensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TokenError::ALL
            .iter()
            .find(|e| e.code() == s)
            .copied()
            .ok_or(UnknownErrorCode)
    }
}

/// A public key that is not an acceptable P-256 key.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// An encoded point or key has the wrong length.
    #[error("the key has the wrong length")]
    InvalidLength,
    /// A JWK JSON text is longer than [`MAX_JWK_BYTES`](crate::MAX_JWK_BYTES)
    /// (checked before parsing).
    #[error("the JWK is too large")]
    TooLarge,
    /// A SEC1 point does not start with 0x04 (compressed or hybrid forms are
    /// not accepted).
    #[error("the key is not an uncompressed SEC1 point")]
    NotUncompressed,
    /// The point is not on P-256, or a coordinate is not below the field
    /// prime.
    #[error("the point is not on the P-256 curve")]
    NotOnCurve,
    /// `kty` is not `EC`.
    #[error("the JWK kty is not EC")]
    UnsupportedKeyType,
    /// `crv` is not `P-256`.
    #[error("the JWK crv is not P-256")]
    UnsupportedCurve,
    /// `x` or `y` is not the canonical unpadded base64url of 32 bytes.
    #[error("a JWK coordinate is not 32 bytes of canonical base64url")]
    InvalidCoordinate,
    /// Not a JSON object with string members kty, crv, x, y (or a duplicated
    /// member name).
    #[error("the JWK is not a valid JSON object")]
    InvalidJson,
    /// The JWK carries private key material (`d`); only public keys are
    /// accepted.
    #[error("the JWK contains private key material")]
    PrivateKeyMaterial,
    /// The DER is not a SubjectPublicKeyInfo of a named-curve P-256 key with
    /// an uncompressed point.
    #[error("the SubjectPublicKeyInfo is not a named-curve P-256 key")]
    UnsupportedSpki,
    /// The system random number generator failed (point validation uses an
    /// ephemeral key, see [`Jwk::from_sec1`](crate::Jwk::from_sec1)).
    #[error("the system random number generator failed")]
    Random,
}

/// A DER ECDSA signature (as Android Keystore's `SHA256withECDSA` outputs)
/// that is not strictly `SEQUENCE { INTEGER r, INTEGER s }` with P-256 sized
/// values.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureFormatError {
    /// Wrong tag, truncated, or a length that does not fit the input.
    #[error("the signature is not a DER SEQUENCE of two INTEGERs")]
    InvalidStructure,
    /// A length or an integer is not in its minimal (DER) encoding.
    #[error("the signature uses a non-minimal DER encoding")]
    NonMinimalEncoding,
    /// An integer is negative.
    #[error("the signature contains a negative integer")]
    NegativeInteger,
    /// An integer is longer than 32 bytes.
    #[error("the signature contains an integer longer than 32 bytes")]
    IntegerTooLarge,
    /// r or s is zero or not below the P-256 group order.
    #[error("r or s is out of range for P-256")]
    OutOfRange,
    /// Bytes follow the SEQUENCE, or follow s inside it.
    #[error("the signature has trailing data")]
    TrailingData,
}

/// A token cannot be built from the values the caller gave.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The kid is not an RFC 7638 thumbprint (43 base64url characters).
    #[error("the kid is not a JWK thumbprint")]
    InvalidKid,
    /// A claim violates docs/token-format.md (the name of the claim is given;
    /// never its value).
    #[error("invalid claim `{0}`")]
    InvalidClaim(&'static str),
    /// The system random number generator failed.
    #[error("the system random number generator failed")]
    Random,
    /// JSON serialization failed.
    #[error("JSON serialization failed")]
    Serialize(#[source] serde_json::Error),
}

#[cfg(test)]
mod tests;
