//! JWS compact serialization of keybound tokens: building the signing input
//! on the device, and the first verification stages (size, segments,
//! base64url, protected header) on the backend.

use serde_json::Value;
use zeroize::Zeroizing;

use crate::b64;
use crate::claims::Claims;
use crate::error::{BuildError, TokenError};
use crate::json;
use crate::{MAX_TOKEN_BYTES, TOKEN_TYPE};

/// The only accepted `alg`.
pub const ALG: &str = "ES256";

/// Length of an RFC 7638 SHA-256 thumbprint in base64url.
const KID_CHARS: usize = 43;

/// Header members that would let a token choose its own key or add
/// processing rules: their presence is `bad_header` (keys are registered,
/// never taken from the token).
const FORBIDDEN_HEADER_MEMBERS: [&str; 7] = ["crit", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256"];

/// Device side: the JWS signing input `b64(header) "." b64(payload)` for a
/// token signed by key `kid` (its [`Jwk::thumbprint`](crate::Jwk::thumbprint)).
///
/// The header is exactly `{"alg":"ES256","typ":"keybound+jwt","kid":kid}`.
/// Sign the ASCII bytes of the result with SHA256withECDSA, convert the DER
/// output with [`der_to_raw`](crate::der_to_raw) and call [`assemble`].
///
/// Fails (rather than producing a token every verifier rejects) when `kid`
/// is not 43 base64url characters or the claims break
/// [`Claims::validate`].
pub fn signing_input(kid: &str, claims: &Claims) -> Result<String, BuildError> {
    if kid.len() != KID_CHARS || b64::decode(kid).is_none() {
        return Err(BuildError::InvalidKid);
    }
    claims.validate()?;
    // kid is plain base64url (checked above): nothing to escape.
    let header = format!("{{\"alg\":\"{ALG}\",\"typ\":\"{TOKEN_TYPE}\",\"kid\":\"{kid}\"}}");
    let payload = Zeroizing::new(serde_json::to_vec(claims).map_err(BuildError::Serialize)?);
    Ok(format!(
        "{}.{}",
        b64::encode(header.as_bytes()),
        b64::encode(&payload)
    ))
}

/// Device side: the compact token `signing_input "." b64(r || s)`.
pub fn assemble(signing_input: &str, raw_signature: &[u8; 64]) -> String {
    format!("{signing_input}.{}", b64::encode(raw_signature))
}

/// The protected header of a token that passed the header stage: size,
/// segments, base64url, `alg`, `typ`, forbidden members, `kid`.
///
/// The signature is **not** verified yet: use [`kid`](Self::kid) only to look
/// up the registered key, then call [`verify`](crate::verify()).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedHeader {
    kid: String,
}

impl VerifiedHeader {
    /// The key id the token claims to be signed with (unauthenticated until
    /// [`verify`](crate::verify()) succeeds).
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// Backend side, first stages only: size → segments/base64url → header.
/// Gives the `kid` so the caller can look up the registered key (e.g.
/// asynchronously) before [`verify`](crate::verify()), which repeats these
/// stages.
pub fn decode_header(token: &str) -> Result<VerifiedHeader, TokenError> {
    decode(token).map(|parts| parts.header)
}

/// A token split and decoded up to (not including) the signature check.
pub(crate) struct Parts<'a> {
    /// `header_b64 "." payload_b64`: the bytes the signature covers.
    pub(crate) signing_input: &'a str,
    pub(crate) header: VerifiedHeader,
    /// The decoded payload, not parsed until the signature is verified.
    pub(crate) payload: Zeroizing<Vec<u8>>,
    pub(crate) signature: Vec<u8>,
}

/// size → segments/base64url → header JSON (alg, typ, crit and key members,
/// kid).
pub(crate) fn decode(token: &str) -> Result<Parts<'_>, TokenError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::TooLarge);
    }
    let mut segments = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(TokenError::Malformed);
    };
    let segment = |s: &str| match b64::decode(s) {
        // An empty segment is not a segment (and an empty header or payload
        // is not a JSON object anyway).
        Some(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(TokenError::Malformed),
    };
    let header_bytes = segment(header_b64)?;
    let payload = Zeroizing::new(segment(payload_b64)?);
    let signature = segment(signature_b64)?;
    let signing_input = token
        .get(..header_b64.len() + 1 + payload_b64.len())
        .ok_or(TokenError::Malformed)?;
    let header = check_header(&header_bytes)?;
    Ok(Parts {
        signing_input,
        header,
        payload,
        signature,
    })
}

/// The header rules of docs/token-format.md, in its order.
fn check_header(bytes: &[u8]) -> Result<VerifiedHeader, TokenError> {
    let map = json::parse_object(bytes).map_err(|_| TokenError::Malformed)?;
    // A missing or non-string alg is "anything else" than ES256.
    match map.get("alg") {
        Some(Value::String(alg)) if alg == ALG => {}
        _ => return Err(TokenError::UnsupportedAlg),
    }
    match map.get("typ") {
        Some(Value::String(typ)) if typ == TOKEN_TYPE => {}
        _ => return Err(TokenError::BadHeader),
    }
    if FORBIDDEN_HEADER_MEMBERS
        .iter()
        .any(|member| map.contains_key(*member))
    {
        return Err(TokenError::BadHeader);
    }
    match map.get("kid") {
        Some(Value::String(kid)) if !kid.is_empty() => Ok(VerifiedHeader { kid: kid.clone() }),
        _ => Err(TokenError::BadHeader),
    }
}

#[cfg(test)]
mod tests;
