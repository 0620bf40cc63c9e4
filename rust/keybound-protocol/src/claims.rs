//! The token's claims (its payload), their JSON types and format rules.

use core::fmt;

use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::b64;
use crate::error::{BuildError, TokenError};
use crate::MAX_LIFETIME_SECS;

/// Longest accepted `nonce`, in characters (Unicode scalar values).
pub const MAX_NONCE_CHARS: usize = 256;
/// Shortest accepted `jti`, in base64url characters (16 characters carry 96
/// bits; [`new_jti`] makes 22 characters = 128 random bits).
pub const MIN_JTI_CHARS: usize = 16;
/// Longest accepted `jti`, in base64url characters.
pub const MAX_JTI_CHARS: usize = 64;
/// Random bytes in a [`new_jti`] (128 bits).
const JTI_RANDOM_BYTES: usize = 16;
/// Length of a `txn` claim: base64url of a 32-byte SHA-256 digest.
const TXN_CHARS: usize = 43;

/// How the user authenticated for the key use (`auth` claim).
///
/// Closed by version 1 of the token format: a new method is a new format
/// version, so matching on it exhaustively is intended.
#[allow(clippy::exhaustive_enums)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// A Class 3 (strong) biometric: `"biometric"`.
    Biometric,
    /// The device PIN, pattern or password: `"device_credential"`.
    DeviceCredential,
}

impl AuthMethod {
    /// The claim value: `"biometric"` or `"device_credential"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            AuthMethod::Biometric => "biometric",
            AuthMethod::DeviceCredential => "device_credential",
        }
    }

    fn from_claim(s: &str) -> Option<AuthMethod> {
        match s {
            "biometric" => Some(AuthMethod::Biometric),
            "device_credential" => Some(AuthMethod::DeviceCredential),
            _ => None,
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The claims of a keybound token (docs/token-format.md, "Payload").
///
/// Serializes as the token payload (`txn` omitted when `None`). `Debug`
/// does not print the nonce (it is the server's one-time challenge).
///
/// `Deserialize` is for the caller's own data (e.g. claims handed between
/// layers); a token's payload is read only by [`verify`](crate::verify()),
/// which applies the strict rules of docs/token-format.md (duplicate names, JSON
/// types, formats) that derived deserialization would not.
///
/// Built with [`Claims::new`] (and [`Claims::with_txn`]), read through its
/// accessors: a later format version can add a claim without breaking users.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub(crate) aud: String,
    pub(crate) nonce: String,
    pub(crate) iat: i64,
    pub(crate) exp: i64,
    pub(crate) jti: String,
    pub(crate) auth: AuthMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) txn: Option<String>,
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claims")
            .field("aud", &self.aud)
            .field("nonce", &"<redacted>")
            .field("iat", &self.iat)
            .field("exp", &self.exp)
            .field("jti", &self.jti)
            .field("auth", &self.auth)
            .field("txn", &self.txn)
            .finish()
    }
}

impl Claims {
    /// Claims for one token, without a transaction. Nothing is checked
    /// here; [`validate`](Self::validate) (called by
    /// [`signing_input`](crate::signing_input)) applies the format rules.
    pub fn new(
        aud: impl Into<String>,
        nonce: impl Into<String>,
        iat: i64,
        exp: i64,
        jti: impl Into<String>,
        auth: AuthMethod,
    ) -> Claims {
        Claims {
            aud: aud.into(),
            nonce: nonce.into(),
            iat,
            exp,
            jti: jti.into(),
            auth,
            txn: None,
        }
    }

    /// The same claims bound to a transaction: `txn` is its [`txn_hash`].
    #[must_use]
    pub fn with_txn(mut self, txn: impl Into<String>) -> Claims {
        self.txn = Some(txn.into());
        self
    }

    /// The audience: the backend this token is for.
    pub fn aud(&self) -> &str {
        &self.aud
    }

    /// The server challenge, 1..=[`MAX_NONCE_CHARS`] characters.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// Issued at, seconds since the Unix epoch.
    pub fn iat(&self) -> i64 {
        self.iat
    }

    /// Expires at, seconds since the Unix epoch; `iat < exp <= iat + 300`.
    pub fn exp(&self) -> i64 {
        self.exp
    }

    /// Token id: [`MIN_JTI_CHARS`]..=[`MAX_JTI_CHARS`] base64url characters,
    /// at least 128 random bits (see [`new_jti`]).
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// How the user authenticated.
    pub fn auth(&self) -> AuthMethod {
        self.auth
    }

    /// The [`txn_hash`] of the transaction the app asked to sign, if any.
    pub fn txn(&self) -> Option<&str> {
        self.txn.as_deref()
    }

    /// Checks the rules a device must follow before signing: the format
    /// rules a verifier applies at its claim stage (nonce length, jti
    /// length and alphabet, txn shape) and `iat < exp <= iat + 300`.
    /// [`signing_input`](crate::signing_input) calls this.
    pub fn validate(&self) -> Result<(), BuildError> {
        if !nonce_ok(&self.nonce) {
            return Err(BuildError::InvalidClaim("nonce"));
        }
        if !jti_ok(&self.jti) {
            return Err(BuildError::InvalidClaim("jti"));
        }
        if lifetime_violated(self.iat, self.exp) {
            return Err(BuildError::InvalidClaim("exp"));
        }
        if let Some(txn) = &self.txn {
            if txn.len() != TXN_CHARS || b64::decode(txn).is_none() {
                return Err(BuildError::InvalidClaim("txn"));
            }
        }
        Ok(())
    }

    /// Reads the claims of a verified payload object: every required claim
    /// present with its JSON type and format rule, else `missing_claim`.
    /// Unknown claims are ignored.
    pub(crate) fn from_payload(map: &Map<String, Value>) -> Result<Claims, TokenError> {
        let string = |name: &str| match map.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(TokenError::MissingClaim),
        };
        // `as_i64` is `None` for floats (`1.0`, `1e3`) and for integers
        // outside i64: both are the wrong type.
        let integer = |name: &str| {
            map.get(name)
                .and_then(Value::as_i64)
                .ok_or(TokenError::MissingClaim)
        };
        let aud = string("aud")?;
        let nonce = string("nonce")?;
        if !nonce_ok(&nonce) {
            return Err(TokenError::MissingClaim);
        }
        let iat = integer("iat")?;
        let exp = integer("exp")?;
        let jti = string("jti")?;
        if !jti_ok(&jti) {
            return Err(TokenError::MissingClaim);
        }
        let auth = AuthMethod::from_claim(&string("auth")?).ok_or(TokenError::MissingClaim)?;
        let txn = match map.get("txn") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            // Including `null`: the claim is optional, not nullable.
            Some(_) => return Err(TokenError::MissingClaim),
        };
        Ok(Claims {
            aud,
            nonce,
            iat,
            exp,
            jti,
            auth,
            txn,
        })
    }
}

fn nonce_ok(nonce: &str) -> bool {
    (1..=MAX_NONCE_CHARS).contains(&nonce.chars().count())
}

fn jti_ok(jti: &str) -> bool {
    (MIN_JTI_CHARS..=MAX_JTI_CHARS).contains(&jti.len()) && b64::is_alphabet(jti)
}

/// `exp <= iat` or `exp - iat > 300`, without overflow.
pub(crate) fn lifetime_violated(iat: i64, exp: i64) -> bool {
    let lifetime = i128::from(exp) - i128::from(iat);
    lifetime <= 0 || lifetime > i128::from(MAX_LIFETIME_SECS)
}

/// The `txn` claim for a transaction: unpadded base64url of SHA-256 over the
/// exact bytes the app asked to sign (43 characters).
pub fn txn_hash(transaction: &[u8]) -> String {
    b64::encode(digest::digest(&digest::SHA256, transaction).as_ref())
}

/// A fresh `jti`: 16 bytes (128 bits) from the system CSPRNG
/// (`ring::rand::SystemRandom`), unpadded base64url (22 characters).
pub fn new_jti() -> Result<String, BuildError> {
    let mut bytes = [0u8; JTI_RANDOM_BYTES];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| BuildError::Random)?;
    Ok(b64::encode(&bytes))
}

#[cfg(test)]
mod tests;
