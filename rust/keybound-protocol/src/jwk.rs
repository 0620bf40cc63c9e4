//! The device's P-256 public key as a JWK (RFC 7517/7518) and its RFC 7638
//! thumbprint, which is the token's `kid`.

use ring::agreement;
use ring::digest;
use ring::rand::SystemRandom;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::b64;
use crate::error::KeyError;
use crate::json;

/// Length of an uncompressed SEC1 P-256 point: `0x04 || x || y`.
const SEC1_LEN: usize = 65;
/// Length of one P-256 coordinate.
const COORD_LEN: usize = 32;

/// The DER prefix of a SubjectPublicKeyInfo holding a named-curve P-256 key,
/// as Java's `PublicKey.getEncoded()` (and OpenSSL) produce it:
///
/// ```text
/// 30 59                                  SEQUENCE, 89 bytes
///    30 13                               SEQUENCE (AlgorithmIdentifier)
///       06 07 2a 86 48 ce 3d 02 01       OID 1.2.840.10045.2.1 id-ecPublicKey
///       06 08 2a 86 48 ce 3d 03 01 07    OID 1.2.840.10045.3.1.7 prime256v1
///    03 42 00                            BIT STRING, 66 bytes, 0 unused bits
///       04 ...                           the 65-byte uncompressed point
/// ```
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// Largest JWK JSON text [`Jwk::from_json`] parses.
pub const MAX_JWK_BYTES: usize = 4096;

/// A P-256 public key as a JWK: `{"crv":"P-256","kty":"EC","x":..,"y":..}`.
///
/// The constructors ([`from_sec1`](Self::from_sec1),
/// [`from_spki_der`](Self::from_spki_der), [`from_json`](Self::from_json) and
/// serde deserialization) validate the key fully, including that the point is
/// on the curve, and they are the only way to make one: every `Jwk` is a
/// valid P-256 public key. The members are read through accessors.
///
/// Fields are declared in RFC 7638 order, so serde output is canonical.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawJwk")]
pub struct Jwk {
    pub(crate) crv: String,
    pub(crate) kty: String,
    pub(crate) x: String,
    pub(crate) y: String,
}

impl Jwk {
    /// Curve: always `P-256`.
    pub fn crv(&self) -> &str {
        &self.crv
    }

    /// Key type: always `EC`.
    pub fn kty(&self) -> &str {
        &self.kty
    }

    /// The x coordinate: 32 bytes big-endian, unpadded base64url.
    pub fn x(&self) -> &str {
        &self.x
    }

    /// The y coordinate: 32 bytes big-endian, unpadded base64url.
    pub fn y(&self) -> &str {
        &self.y
    }

    /// The JWK of an uncompressed SEC1 point `0x04 || x || y` (65 bytes).
    ///
    /// The point must be on P-256 (coordinates below the field prime,
    /// `y² = x³ - 3x + b`). ring has no standalone point check, but its
    /// ECDH performs exactly this validation on the peer key (NIST SP 800-56A
    /// partial public-key validation, the same parser its ECDSA verifier
    /// uses), so we run one ECDH with a throwaway ephemeral key and discard
    /// the shared secret. That costs one key generation and one scalar
    /// multiplication and needs the system RNG ([`KeyError::Random`]).
    pub fn from_sec1(uncompressed: &[u8]) -> Result<Jwk, KeyError> {
        if uncompressed.len() != SEC1_LEN {
            return Err(KeyError::InvalidLength);
        }
        let (&tag, coords) = uncompressed.split_first().ok_or(KeyError::InvalidLength)?;
        if tag != 0x04 {
            return Err(KeyError::NotUncompressed);
        }
        validate_point(uncompressed)?;
        let (x, y) = coords.split_at(COORD_LEN);
        Ok(Jwk {
            crv: CRV.to_owned(),
            kty: KTY.to_owned(),
            x: b64::encode(x),
            y: b64::encode(y),
        })
    }

    /// The JWK of a DER SubjectPublicKeyInfo (Java's
    /// `PublicKey.getEncoded()`) of a P-256 key.
    ///
    /// Only the named-curve form with an uncompressed point is accepted (what
    /// Android Keystore, the JDK and OpenSSL emit); explicit curve parameters
    /// or compressed points are [`KeyError::UnsupportedSpki`].
    pub fn from_spki_der(spki: &[u8]) -> Result<Jwk, KeyError> {
        match spki.strip_prefix(&P256_SPKI_PREFIX[..]) {
            Some(point) if point.len() == SEC1_LEN => Jwk::from_sec1(point),
            _ => Err(KeyError::UnsupportedSpki),
        }
    }

    /// The uncompressed SEC1 point `0x04 || x || y`.
    ///
    /// Checks `kty`, `crv` and the coordinates' encoding, not that the point
    /// is on the curve (see the type's documentation).
    pub fn to_sec1(&self) -> Result<[u8; 65], KeyError> {
        if self.kty != KTY {
            return Err(KeyError::UnsupportedKeyType);
        }
        if self.crv != CRV {
            return Err(KeyError::UnsupportedCurve);
        }
        let x = decode_coordinate(&self.x)?;
        let y = decode_coordinate(&self.y)?;
        let mut out = [0u8; SEC1_LEN];
        out[0] = 0x04;
        out[1..1 + COORD_LEN].copy_from_slice(&x);
        out[1 + COORD_LEN..].copy_from_slice(&y);
        Ok(out)
    }

    /// The RFC 7638 thumbprint: unpadded base64url of SHA-256 over
    /// [`to_json`](Self::to_json) (the required members in lexicographic
    /// order, no whitespace). This is the token's `kid`.
    pub fn thumbprint(&self) -> String {
        let digest = digest::digest(&digest::SHA256, self.to_json().as_bytes());
        b64::encode(digest.as_ref())
    }

    /// `{"crv":"P-256","kty":"EC","x":..,"y":..}`: members in RFC 7638
    /// order, no whitespace.
    pub fn to_json(&self) -> String {
        // `Value`'s Display escapes strings and cannot fail, unlike
        // `serde_json::to_string`.
        format!(
            "{{\"crv\":{},\"kty\":{},\"x\":{},\"y\":{}}}",
            Value::String(self.crv.clone()),
            Value::String(self.kty.clone()),
            Value::String(self.x.clone()),
            Value::String(self.y.clone()),
        )
    }

    /// Parses and validates a JWK JSON object (at most [`MAX_JWK_BYTES`]).
    ///
    /// Requires string members `kty` = `EC`, `crv` = `P-256`, `x`, `y` (32
    /// bytes each, canonical unpadded base64url, a point on the curve);
    /// rejects a private key (`d`) and duplicated member names; ignores other
    /// members (`use`, `alg`, `kid`, ...).
    pub fn from_json(s: &str) -> Result<Jwk, KeyError> {
        if s.len() > MAX_JWK_BYTES {
            return Err(KeyError::TooLarge);
        }
        let map = json::parse_object(s.as_bytes()).map_err(|_| KeyError::InvalidJson)?;
        if map.contains_key("d") {
            return Err(KeyError::PrivateKeyMaterial);
        }
        let member = |name: &str| match map.get(name) {
            Some(Value::String(v)) => Ok(v.as_str()),
            _ => Err(KeyError::InvalidJson),
        };
        from_members(member("kty")?, member("crv")?, member("x")?, member("y")?)
    }
}

const KTY: &str = "EC";
const CRV: &str = "P-256";

/// Validates the members of a public P-256 JWK and builds it.
fn from_members(kty: &str, crv: &str, x: &str, y: &str) -> Result<Jwk, KeyError> {
    let jwk = Jwk {
        crv: crv.to_owned(),
        kty: kty.to_owned(),
        x: x.to_owned(),
        y: y.to_owned(),
    };
    validate_point(&jwk.to_sec1()?)?;
    Ok(jwk)
}

fn decode_coordinate(s: &str) -> Result<[u8; COORD_LEN], KeyError> {
    b64::decode(s)
        .and_then(|bytes| <[u8; COORD_LEN]>::try_from(bytes.as_slice()).ok())
        .ok_or(KeyError::InvalidCoordinate)
}

/// Full public-key validation of an uncompressed point, see
/// [`Jwk::from_sec1`].
fn validate_point(uncompressed: &[u8]) -> Result<(), KeyError> {
    let rng = SystemRandom::new();
    let ephemeral = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
        .map_err(|_| KeyError::Random)?;
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, uncompressed);
    // The shared secret of a throwaway key is not kept.
    agreement::agree_ephemeral(ephemeral, &peer, |_shared_secret| ())
        .map_err(|_| KeyError::NotOnCurve)
}

/// What serde reads before [`Jwk`]'s validation runs.
#[derive(Deserialize)]
struct RawJwk {
    kty: String,
    crv: String,
    x: String,
    y: String,
    #[serde(default)]
    d: Option<serde::de::IgnoredAny>,
}

impl TryFrom<RawJwk> for Jwk {
    type Error = KeyError;

    fn try_from(raw: RawJwk) -> Result<Jwk, KeyError> {
        if raw.d.is_some() {
            return Err(KeyError::PrivateKeyMaterial);
        }
        from_members(&raw.kty, &raw.crv, &raw.x, &raw.y)
    }
}

#[cfg(test)]
mod tests;
