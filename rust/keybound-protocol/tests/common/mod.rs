//! Test support: a ring-generated P-256 key that signs like the device does
//! (DER from SHA256withECDSA, converted with `der_to_raw`), and builders for
//! valid and deliberately broken tokens.
#![allow(dead_code)] // each integration test binary uses a different subset

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use keybound_protocol::{
    assemble, der_to_raw, signing_input, AuthMethod, Claims, Expectations, ExpectedNonce, Jwk,
};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use serde_json::{json, Value};

/// The verifier's clock in the tests.
pub const NOW: i64 = 1_700_000_000;
pub const AUD: &str = "https://api.example.com";
pub const NONCE: &str = "c2VydmVyLWNoYWxsZW5nZS0x";
pub const JTI: &str = "AAECAwQFBgcICQoLDA0ODw";

/// The P-256 group order n, big-endian.
pub const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).unwrap()
}

pub struct Signer {
    pub key_pair: EcdsaKeyPair,
    pub jwk: Jwk,
    rng: SystemRandom,
}

impl Signer {
    pub fn new() -> Signer {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let key_pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
                .unwrap();
        let jwk = Jwk::from_sec1(key_pair.public_key().as_ref()).unwrap();
        Signer { key_pair, jwk, rng }
    }

    pub fn kid(&self) -> String {
        self.jwk.thumbprint()
    }

    /// The DER signature, as Android Keystore returns it.
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        self.key_pair
            .sign(&self.rng, message)
            .unwrap()
            .as_ref()
            .to_vec()
    }

    /// r || s, as the device puts it in the token.
    pub fn sign_raw(&self, message: &[u8]) -> [u8; 64] {
        der_to_raw(&self.sign_der(message)).unwrap()
    }

    /// A token built through the public device API.
    pub fn token(&self, claims: &Claims) -> String {
        let input = signing_input(&self.kid(), claims).unwrap();
        assemble(&input, &self.sign_raw(input.as_bytes()))
    }

    /// A validly signed token over arbitrary header and payload text (for
    /// tokens the device API refuses to build).
    pub fn token_from_parts(&self, header: &str, payload: &str) -> String {
        let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
        let signature = self.sign_raw(input.as_bytes());
        format!("{input}.{}", b64(&signature))
    }

    /// A validly signed token with this key's standard header.
    pub fn token_with_payload(&self, payload: &str) -> String {
        self.token_from_parts(&self.header_json(), payload)
    }

    /// A validly signed token with the standard payload.
    pub fn token_with_header(&self, header: &str) -> String {
        self.token_from_parts(header, &claims_json(&claims()))
    }

    pub fn header_json(&self) -> String {
        format!(
            r#"{{"alg":"ES256","typ":"keybound+jwt","kid":"{}"}}"#,
            self.kid()
        )
    }

    pub fn header_value(&self) -> Value {
        json!({"alg": "ES256", "typ": "keybound+jwt", "kid": self.kid()})
    }
}

/// The claims of a test token, field by field: [`Claims`] itself is built
/// only through its constructor, so tests that change one claim spell
/// `ClaimSet { exp: ..., ..ClaimSet::default() }.build()`.
#[derive(Clone)]
pub struct ClaimSet {
    pub aud: String,
    pub nonce: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub auth: AuthMethod,
    pub txn: Option<String>,
}

/// Valid claims at `NOW`: issued 10 s ago, living 120 s.
impl Default for ClaimSet {
    fn default() -> Self {
        ClaimSet {
            aud: AUD.to_owned(),
            nonce: NONCE.to_owned(),
            iat: NOW - 10,
            exp: NOW + 110,
            jti: JTI.to_owned(),
            auth: AuthMethod::Biometric,
            txn: None,
        }
    }
}

impl ClaimSet {
    pub fn build(self) -> Claims {
        let claims = Claims::new(
            self.aud, self.nonce, self.iat, self.exp, self.jti, self.auth,
        );
        match self.txn {
            Some(txn) => claims.with_txn(txn),
            None => claims,
        }
    }
}

/// Valid claims at `NOW`: issued 10 s ago, living 120 s.
pub fn claims() -> Claims {
    ClaimSet::default().build()
}

pub fn claims_json(claims: &Claims) -> String {
    serde_json::to_string(claims).unwrap()
}

pub fn claims_value() -> Value {
    serde_json::to_value(claims()).unwrap()
}

/// What the standard claims pass.
pub fn expect() -> Expectations {
    Expectations::new(AUD, ExpectedNonce::Exactly(NONCE.to_owned()))
}

/// Splits a token into its three segments.
pub fn segments(token: &str) -> [String; 3] {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    [parts[0].into(), parts[1].into(), parts[2].into()]
}

/// The token with its signature segment replaced by `signature` (base64url).
pub fn with_signature(token: &str, signature: &[u8]) -> String {
    let [h, p, _] = segments(token);
    format!("{h}.{p}.{}", b64(signature))
}

/// n - v for 0 < v < n (big-endian).
pub fn order_minus(v: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(ORDER[i]) - i16::from(v[i]) - borrow;
        borrow = 0;
        if d < 0 {
            d += 256;
            borrow = 1;
        }
        out[i] = d as u8;
    }
    assert_eq!(borrow, 0, "v must be below n");
    out
}
