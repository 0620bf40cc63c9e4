//! Property tests (proptest) of the token format:
//! - any single-byte change to a valid token never verifies;
//! - claims -> signing input -> signed token -> verify gives the claims back,
//!   and the header's kid is the key's thumbprint;
//! - JWK: SEC1 point -> JWK -> JSON / SPKI / serde -> the same JWK;
//! - DER <-> raw (r || s): for every r, s in 1..n, `der_to_raw` of p256's
//!   DER encoding is r || s, and re-encoding what was accepted gives the
//!   same bytes (one spelling per signature); out-of-range scalars are
//!   refused.

// Test code (helpers included): an unwrap that fails is a failing test.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use keybound_protocol::{
    decode_header, der_to_raw, signing_input, txn_hash, verify, AuthMethod, Claims, Expectations,
    ExpectedNonce, Jwk, SignatureFormatError, MAX_JTI_CHARS, MAX_LIFETIME_SECS, MAX_NONCE_CHARS,
    MIN_JTI_CHARS,
};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use proptest::prelude::*;
use ring::digest;

/// The P-256 order n as a big-endian byte string.
fn order() -> [u8; 32] {
    ORDER
}

/// A scalar in 1..n, big-endian, biased towards short values (leading zero
/// bytes exercise the DER padding rules) and values close to n.
fn scalar() -> impl Strategy<Value = [u8; 32]> {
    prop_oneof![
        any::<[u8; 32]>(),
        (1usize..=32, any::<[u8; 32]>()).prop_map(|(len, bytes)| {
            let mut out = [0u8; 32];
            out[32 - len..].copy_from_slice(&bytes[32 - len..]);
            out
        }),
        any::<[u8; 8]>().prop_map(|low| {
            let mut out = order();
            out[24..].copy_from_slice(&low);
            out
        }),
    ]
    .prop_filter("in 1..n", |v| v.iter().any(|&b| b != 0) && v < &order())
}

fn alphabet_string(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".to_vec(),
        ),
        len,
    )
    .prop_map(|bytes| String::from_utf8(bytes).unwrap())
}

/// Claims the device may sign (every format rule of docs/token-format.md).
fn valid_claims() -> impl Strategy<Value = Claims> {
    (
        ".{0,40}",
        proptest::collection::vec(any::<char>(), 1..=MAX_NONCE_CHARS)
            .prop_map(|c| c.into_iter().collect::<String>()),
        -4_000_000_000i64..4_000_000_000i64,
        1..=MAX_LIFETIME_SECS,
        alphabet_string(MIN_JTI_CHARS..=MAX_JTI_CHARS),
        prop_oneof![
            Just(AuthMethod::Biometric),
            Just(AuthMethod::DeviceCredential)
        ],
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
    )
        .prop_map(|(aud, nonce, iat, lifetime, jti, auth, txn)| {
            let claims = Claims::new(aud, nonce, iat, iat + lifetime, jti, auth);
            match txn {
                Some(t) => claims.with_txn(txn_hash(&t)),
                None => claims,
            }
        })
}

/// What `claims` must pass.
fn expectations_for(claims: &Claims) -> Expectations {
    let expect = Expectations::new(claims.aud(), ExpectedNonce::Exactly(claims.nonce().into()))
        .with_leeway_secs(0);
    match claims.txn() {
        Some(txn) => expect.with_txn(txn),
        None => expect,
    }
}

fn p256_point(scalar: &[u8; 32]) -> Vec<u8> {
    let secret = p256::SecretKey::from_slice(scalar).unwrap();
    secret
        .public_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec()
}

const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_single_byte_change_to_a_valid_token_never_verifies(
        claims in valid_claims(),
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let signer = Signer::new();
        let token = signer.token(&claims);
        let expect = expectations_for(&claims);
        prop_assert!(verify(&token, &signer.jwk, &expect, claims.iat()).is_ok());

        let mut bytes = token.clone().into_bytes();
        let i = position.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        // Bytes that are not UTF-8 cannot even be handed to the verifier as
        // a token; everything else must be refused, at any time.
        if let Ok(changed) = String::from_utf8(bytes) {
            for now in [claims.iat(), claims.exp(), NOW] {
                prop_assert!(
                    verify(&changed, &signer.jwk, &expect, now).is_err(),
                    "byte {} changed to {:#04x} still verifies", i, replacement
                );
            }
        }
    }

    #[test]
    fn claims_survive_encode_sign_verify(claims in valid_claims()) {
        let signer = Signer::new();
        let kid = signer.kid();
        let input = signing_input(&kid, &claims).unwrap();
        let token = keybound_protocol::assemble(&input, &signer.sign_raw(input.as_bytes()));
        let header = decode_header(&token).unwrap();
        prop_assert_eq!(header.kid(), kid.as_str());
        let verified = verify(&token, &signer.jwk, &expectations_for(&claims), claims.iat()).unwrap();
        prop_assert_eq!(verified.kid(), kid.as_str());
        prop_assert_eq!(verified.claims(), &claims);
        prop_assert_eq!(verified.accept_until(), claims.exp());
        // Serde (for the caller's own data) round-trips the claims too.
        let json = serde_json::to_string(&claims).unwrap();
        prop_assert_eq!(serde_json::from_str::<Claims>(&json).unwrap(), claims);
    }

    #[test]
    fn a_jwk_round_trips_through_json_spki_and_serde(scalar in scalar()) {
        let point = p256_point(&scalar);
        let jwk = Jwk::from_sec1(&point).unwrap();
        prop_assert_eq!(jwk.to_sec1().unwrap().to_vec(), point.clone());
        prop_assert_eq!(&Jwk::from_json(&jwk.to_json()).unwrap(), &jwk);
        let spki = [&P256_SPKI_PREFIX[..], &point].concat();
        prop_assert_eq!(&Jwk::from_spki_der(&spki).unwrap(), &jwk);
        let serde_text = serde_json::to_string(&jwk).unwrap();
        prop_assert_eq!(&serde_text, &jwk.to_json(), "serde output is the RFC 7638 form");
        prop_assert_eq!(&serde_json::from_str::<Jwk>(&serde_text).unwrap(), &jwk);
        let digest = digest::digest(&digest::SHA256, jwk.to_json().as_bytes());
        prop_assert_eq!(jwk.thumbprint(), b64(digest.as_ref()));
    }

    #[test]
    fn der_and_raw_signatures_round_trip(r in scalar(), s in scalar()) {
        let signature = p256::ecdsa::Signature::from_scalars(r, s).unwrap();
        let der = signature.to_der();
        let raw = der_to_raw(der.as_bytes()).unwrap();
        prop_assert_eq!(&raw[..32], &r[..]);
        prop_assert_eq!(&raw[32..], &s[..]);
        // raw -> DER -> raw, and the DER is the one accepted spelling.
        let again = p256::ecdsa::Signature::from_slice(&raw).unwrap().to_der();
        prop_assert_eq!(again.as_bytes(), der.as_bytes());
        prop_assert_eq!(der_to_raw(again.as_bytes()).unwrap(), raw);
    }

    #[test]
    fn scalars_outside_1_to_n_are_refused(r in scalar(), high in any::<[u8; 32]>(), zero_r in any::<bool>()) {
        // A scalar >= n (or zero) in either position, minimally encoded.
        let mut bad = high;
        if bad < order() {
            bad = order();
        }
        let bad = if zero_r { [0u8; 32] } else { bad };
        for (first, second) in [(bad, r), (r, bad)] {
            let der = der_of(&first, &second);
            prop_assert_eq!(der_to_raw(&der), Err(SignatureFormatError::OutOfRange));
        }
    }
}

/// Minimal DER `SEQUENCE { INTEGER a, INTEGER b }` for unsigned big-endian
/// a, b (independent of the crate's parser and of p256, which refuses to
/// encode out-of-range scalars).
fn der_of(a: &[u8; 32], b: &[u8; 32]) -> Vec<u8> {
    fn integer(v: &[u8]) -> Vec<u8> {
        let first = v.iter().position(|&b| b != 0).unwrap_or(v.len() - 1);
        let mut body = v[first..].to_vec();
        if body[0] & 0x80 != 0 {
            body.insert(0, 0);
        }
        let mut out = vec![0x02, u8::try_from(body.len()).unwrap()];
        out.extend(body);
        out
    }
    let body = [integer(a), integer(b)].concat();
    let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

#[test]
fn every_single_byte_change_of_one_token_is_refused() {
    // Exhaustive over positions for one token, with every character that a
    // compact JWS could contain (the 64 base64url characters, '.', '=') and
    // a few bytes outside it.
    let signer = Signer::new();
    let token = signer.token(&claims());
    let mut replacements: Vec<u8> =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=".to_vec();
    replacements.extend([b' ', b'+', b'/', 0x00, 0x7f]);
    let mut checked = 0usize;
    for i in 0..token.len() {
        for &replacement in &replacements {
            if token.as_bytes()[i] == replacement {
                continue;
            }
            let mut bytes = token.clone().into_bytes();
            bytes[i] = replacement;
            let changed = String::from_utf8(bytes).unwrap();
            assert!(
                verify(&changed, &signer.jwk, &expect(), NOW).is_err(),
                "byte {i} changed to {:?} still verifies",
                replacement as char
            );
            checked += 1;
        }
    }
    assert!(checked > token.len() * 60, "checked {checked} changes");
}
