//! The keybound token, version 1: a JWS (RFC 7515) in compact serialization,
//! signed ES256, typed `keybound+jwt`, proving that the holder of a hardware
//! key passed a biometric (or device-credential) check for one server
//! challenge. The contract is docs/token-format.md; this crate implements it for
//! both sides:
//!
//! - device: [`Jwk::from_spki_der`] → [`Jwk::thumbprint`] (the `kid`),
//!   [`new_jti`], [`Claims`], [`signing_input`], sign with the Keystore,
//!   [`der_to_raw`], [`assemble`];
//! - backend: [`decode_header`] (for the `kid`) → look up the registered
//!   [`Jwk`] → [`verify()`] → consume the challenge → record (kid, jti), e.g. in
//!   a [`MemoryReplayCache`]. A busy verifier decodes once and keeps each
//!   registered key prepared: [`decode_token`] → look up the
//!   [`VerifyingKey`] by [`DecodedToken::kid`] → [`DecodedToken::verify`]. [`TokenError::code`] gives the stable error
//!   codes.
//!
//! ```
//! use keybound_protocol::*;
//! use ring::{rand::SystemRandom, signature::*};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let rng = SystemRandom::new();
//! # let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).map_err(|_| "ring")?;
//! # let keystore = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).map_err(|_| "ring")?;
//! # let spki: Vec<u8> = [&[0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
//! #     0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00][..],
//! #     keystore.public_key().as_ref()].concat();
//! let now = 1_700_000_000;
//! // Device: the Keystore key's SPKI (PublicKey.getEncoded()) gives the JWK and kid.
//! let jwk = Jwk::from_spki_der(&spki)?;
//! let claims = Claims::new(
//!     "https://api.example.com",
//!     "challenge-from-server",
//!     now,
//!     now + 120,
//!     new_jti()?,
//!     AuthMethod::Biometric,
//! );
//! let input = signing_input(&jwk.thumbprint(), &claims)?;
//! let der = keystore.sign(&rng, input.as_bytes()).map_err(|_| "ring")?; // SHA256withECDSA after the prompt
//! let token = assemble(&input, &der_to_raw(der.as_ref())?);
//!
//! // Backend: kid → registered key → verify → consume challenge → record (kid, jti).
//! let kid = decode_header(&token)?.kid().to_owned();
//! assert_eq!(kid, jwk.thumbprint()); // look the key up by kid
//! let expect = Expectations::new(
//!     "https://api.example.com",
//!     ExpectedNonce::Exactly("challenge-from-server".into()),
//! );
//! let verified = verify(&token, &jwk, &expect, now)?;
//! let replay = MemoryReplayCache::new(10_000);
//! replay.record(&verified, now)?;
//! assert_eq!(replay.record(&verified, now), Err(TokenError::Replayed));
//! # Ok(())
//! # }
//! ```
//!
//! # API
//! Everything is at the crate root; the modules are private, so their
//! layout can change without breaking a user. Values are built through
//! constructors ([`Claims::new`], [`Expectations::new`], the [`Jwk`]
//! constructors, which validate the key) and read through accessors; the
//! error enums and [`ExpectedNonce`] are `#[non_exhaustive]`, [`AuthMethod`]
//! is closed by version 1 of the token format. The lints
//! `clippy::exhaustive_structs` and `clippy::exhaustive_enums` keep it so.
//!
//! Inside: `error` (all error types), `jwk` (keys, thumbprint), `ecdsa` (DER
//! → r||s), `jws` (encoding, header stage), `claims`, `verify`, `replay`,
//! `ct` (constant-time comparison), `json` (duplicate-rejecting parser) and
//! `b64` (strict base64url).
//!
//! # ring by default, aws-lc-rs for servers
//! ring builds with only a C compiler through the `cc` crate: no cmake, no
//! clang/bindgen, no Go or NASM, which keeps the Android NDK cross builds and
//! CI images simple. It is small, has a long audit and fuzzing history, and
//! provides everything needed here: ECDSA P-256 verification in the fixed
//! (r||s) encoding, P-256 key generation and signing (tests), SHA-256, a
//! CSPRNG, and ECDH whose peer-key validation we use to check points
//! ([`Jwk::from_sec1`]). It is the device's backend.
//!
//! The feature `aws-lc-rs` makes signature verification (only that: one
//! private primitive, so every check stays on one code path) use aws-lc-rs,
//! whose parsed public key a [`VerifyingKey`] keeps: `make bench` measures
//! it faster than ring on the server (BENCHMARKS.md). aws-lc-rs builds a
//! large C library (cmake, or its `cc` fallback), which a device build does
//! not need to pay for.
//!
//! Constant-time comparison uses `subtle` ([`ct_eq`]): ring 0.17 deprecated
//! its `constant_time` module. Duplicate JSON member names are detected by a
//! small serde visitor (`serde_json` keeps the last duplicate silently).
//!
//! # Decisions where docs/token-format.md leaves room
//! - Verification is strict where the page says "exactly": `alg`, `typ`, the
//!   header members and base64url (no padding, no whitespace, and no
//!   non-canonical spelling with non-zero trailing bits: each token has one
//!   spelling).
//! - An empty segment (e.g. `header.payload.`) is `malformed`.
//! - A missing or non-string `alg` is `unsupported_alg` ("anything else");
//!   a missing, non-string or empty `kid` is `bad_header`; a `kid` that is a
//!   string but not the registered key's thumbprint is `unknown_key`.
//! - Duplicated member names are rejected at every nesting level, compared
//!   after JSON unescaping.
//! - A payload that is not a JSON object is `malformed` (checked only after
//!   the signature verified).
//! - Claim format violations are `missing_claim`, like a wrong type: a nonce
//!   of 0 or more than 256 characters, a jti that is not 16..=64 base64url
//!   characters, an `auth` other than `biometric`/`device_credential`, a
//!   `txn` that is not a string (including `null`). An integer outside i64
//!   is the wrong type.
//! - Time checks run in the page's order: expired, then not yet valid, then
//!   lifetime. `exp <= iat` is `lifetime_too_long` (the lifetime is not in
//!   `(0, 300]`). Arithmetic is done in i128, so extreme values cannot
//!   overflow.
//! - r or s zero or `>= n` is `bad_signature` (checked explicitly, and again
//!   by ring); high-S signatures are accepted, as ECDSA specifies.
//! - A registered key that is not a usable P-256 JWK is `unknown_key`.
//!
//! # Secrets
//! Nothing here logs. Errors carry no input bytes. `Debug` of [`Claims`] and
//! [`ExpectedNonce`] hides the nonce. The nonce and txn are compared in
//! constant time. The decoded payload buffers are zeroized on drop; copies
//! inside `serde_json` values are not (best effort: the nonce is a one-time
//! challenge, consumed right after verification).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::exhaustive_structs, clippy::exhaustive_enums)]

mod b64;
mod backend;
mod claims;
mod ct;
mod ecdsa;
mod error;
mod json;
mod jwk;
mod jws;
mod replay;
mod verify;

pub use claims::{
    new_jti, txn_hash, AuthMethod, Claims, MAX_JTI_CHARS, MAX_NONCE_CHARS, MIN_JTI_CHARS,
};
pub use ct::ct_eq;
pub use ecdsa::der_to_raw;
pub use error::{BuildError, KeyError, SignatureFormatError, TokenError, UnknownErrorCode};
pub use jwk::{Jwk, MAX_JWK_BYTES};
pub use jws::{assemble, decode_header, signing_input, VerifiedHeader, ALG};
pub use replay::MemoryReplayCache;
pub use verify::{
    decode_token, verify, verify_with, DecodedToken, Expectations, ExpectedNonce, VerifiedToken,
    VerifyingKey,
};

/// Largest accepted token, in bytes; checked before any decoding.
pub const MAX_TOKEN_BYTES: usize = 4096;
/// The header's `typ` (RFC 8725 §3.11 explicit typing).
pub const TOKEN_TYPE: &str = "keybound+jwt";
/// Longest accepted lifetime `exp - iat`, in seconds.
pub const MAX_LIFETIME_SECS: i64 = 300;
/// Default clock-skew leeway for `exp` and `iat`, in seconds.
pub const DEFAULT_LEEWAY_SECS: i64 = 60;
