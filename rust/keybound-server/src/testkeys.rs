//! Test-only device keys and token builders (raw, so malformed tokens can
//! be made too).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use keybound_protocol::Jwk;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

pub(crate) struct DeviceKey {
    pair: EcdsaKeyPair,
    pub jwk: Jwk,
    pub kid: String,
}

impl DeviceKey {
    pub(crate) fn generate() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        Self::from_pkcs8(pkcs8.as_ref())
    }

    pub(crate) fn from_pkcs8(pkcs8: &[u8]) -> Self {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng).unwrap();
        let jwk = Jwk::from_sec1(pair.public_key().as_ref()).unwrap();
        let kid = jwk.thumbprint();
        Self { pair, jwk, kid }
    }

    /// header and payload as given, signed.
    pub(crate) fn raw(&self, header: &str, payload: &str) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let sig = self
            .pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref()))
    }

    pub(crate) fn header(&self) -> String {
        json!({"alg": "ES256", "typ": "keybound+jwt", "kid": self.kid}).to_string()
    }

    /// A token with these claims and the standard header.
    pub(crate) fn token(&self, claims: &Value) -> String {
        self.raw(&self.header(), &claims.to_string())
    }
}

pub(crate) fn jti() -> String {
    keybound_protocol::new_jti().unwrap()
}

/// Valid claims issued at `now` for 120 s.
pub(crate) fn claims(aud: &str, nonce: &str, now: i64) -> Value {
    json!({"aud": aud, "nonce": nonce, "iat": now, "exp": now + 120, "jti": jti(), "auth": "biometric"})
}
