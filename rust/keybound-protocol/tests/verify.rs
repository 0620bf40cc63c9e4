//! `verify` and `decode_header` through the public API, as the backend uses
//! them: one accepted round trip, then each rule of docs/token-format.md broken on
//! its own, then the order in which rules are checked.

// Test code (helpers included, which clippy's allow-unwrap-in-tests does not
// cover): an unwrap that fails is a failing test.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use keybound_protocol::{
    decode_header, decode_token, verify, verify_with, AuthMethod, Expectations, ExpectedNonce, Jwk,
    KeyError, MemoryReplayCache, TokenError, VerifiedToken, VerifyingKey, MAX_TOKEN_BYTES,
};
use serde_json::{json, Value};

/// `verify`, after checking that the prepared-key entry points
/// (`verify_with`, `decode_token` then `DecodedToken::verify`) give exactly
/// the same result: every case of this file runs through all three.
fn all_paths(
    jwk: &Jwk,
    token: &str,
    e: &Expectations,
    now: i64,
) -> Result<VerifiedToken, TokenError> {
    let plain = verify(token, jwk, e, now);
    match VerifyingKey::new(jwk) {
        Ok(key) => {
            assert_eq!(verify_with(token, &key, e, now), plain, "verify_with");
            let decoded = decode_token(token).and_then(|d| d.verify(&key, e, now));
            assert_eq!(decoded, plain, "decode_token + verify");
        }
        // A key that cannot be prepared is one `verify` refuses too.
        Err(_) => assert!(plain.is_err()),
    }
    plain
}

fn verify_ok(signer: &Signer, token: &str) -> VerifiedToken {
    all_paths(&signer.jwk, token, &expect(), NOW).unwrap()
}

fn verify_err(signer: &Signer, token: &str) -> TokenError {
    all_paths(&signer.jwk, token, &expect(), NOW).unwrap_err()
}

#[test]
fn a_prepared_key_has_the_thumbprint_as_kid_and_no_unusable_jwk_exists() {
    let signer = Signer::new();
    let key = VerifyingKey::new(&signer.jwk).unwrap();
    assert_eq!(key.kid(), signer.jwk.thumbprint());
    assert_eq!(key.jwk(), &signer.jwk);
    // A `Jwk` is made only by its validating constructors, so an unusable
    // key never reaches `VerifyingKey::new`: the JSON is refused first.
    let cases: [(&str, Value, KeyError); 4] = [
        ("kty", json!("RSA"), KeyError::UnsupportedKeyType),
        ("crv", json!("P-384"), KeyError::UnsupportedCurve),
        ("x", json!("AAAA"), KeyError::InvalidCoordinate),
        (
            "y",
            json!(format!("{}A", signer.jwk.y())),
            KeyError::InvalidCoordinate,
        ),
    ];
    for (member, value, expected) in cases {
        let mut json = serde_json::to_value(&signer.jwk).unwrap();
        json[member] = value;
        assert_eq!(
            Jwk::from_json(&json.to_string()).unwrap_err(),
            expected,
            "{member}"
        );
    }
}

#[test]
fn decode_token_gives_the_header_kid_and_the_header_errors() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    assert_eq!(
        decode_token(&token).unwrap().kid(),
        decode_header(&token).unwrap().kid()
    );
    for bad in ["", "a.b", "a.b.c.d", "!!.e30.AA"] {
        assert_eq!(
            decode_token(bad).unwrap_err(),
            decode_header(bad).unwrap_err()
        );
    }
}

fn payload_with(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut value = claims_value();
    edit(value.as_object_mut().unwrap());
    value.to_string()
}

fn header_with(signer: &Signer, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut value = signer.header_value();
    edit(value.as_object_mut().unwrap());
    value.to_string()
}

// ---------------------------------------------------------------- accepted

#[test]
fn round_trip_device_build_backend_verify() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    let verified = verify_ok(&signer, &token);
    assert_eq!(verified.kid(), signer.kid());
    assert_eq!(verified.claims(), &claims());
    assert_eq!(verified.accept_until(), claims().exp() + 60);

    let [h, _, s] = segments(&token);
    assert_eq!(
        String::from_utf8(unb64(&h)).unwrap(),
        format!(
            r#"{{"alg":"ES256","typ":"keybound+jwt","kid":"{}"}}"#,
            signer.kid()
        )
    );
    assert_eq!(unb64(&s).len(), 64);
}

#[test]
fn round_trip_with_txn_and_device_credential() {
    let signer = Signer::new();
    let txn = keybound_protocol::txn_hash(b"pay 10 EUR to Bob");
    let claims = ClaimSet {
        auth: AuthMethod::DeviceCredential,
        txn: Some(txn.clone()),
        jti: keybound_protocol::new_jti().unwrap(),
        ..ClaimSet::default()
    }
    .build();
    let token = signer.token(&claims);
    let verified = verify(&token, &signer.jwk, &expect().with_txn(txn), NOW).unwrap();
    assert_eq!(verified.claims(), &claims);
}

#[test]
fn unknown_header_members_and_claims_are_ignored() {
    let signer = Signer::new();
    let header = header_with(&signer, |h| {
        h.insert("cty".into(), json!("x"));
    });
    let payload = payload_with(|p| {
        p.insert("extra".into(), json!({"nested": [1, 2.5, null, true]}));
    });
    let token = signer.token_from_parts(&header, &payload);
    assert_eq!(verify_ok(&signer, &token).claims(), &claims());
}

#[test]
fn nonce_checked_by_caller_is_not_compared() {
    let signer = Signer::new();
    let token = signer.token(
        &ClaimSet {
            nonce: "another-challenge".into(),
            ..ClaimSet::default()
        }
        .build(),
    );
    let expect = keybound_protocol::Expectations::new(AUD, ExpectedNonce::CheckedByCaller);
    let verified = verify(&token, &signer.jwk, &expect, NOW).unwrap();
    assert_eq!(verified.claims().nonce(), "another-challenge");
}

#[test]
fn high_s_signature_is_accepted() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    let [_, _, s] = segments(&token);
    let raw = unb64(&s);
    let mut flipped = raw.clone();
    flipped[32..].copy_from_slice(&order_minus(&raw[32..]));
    assert_ne!(flipped, raw);
    // (r, n - s) is the other valid signature of the same message; exactly
    // one of s and n - s is "high".
    verify_ok(&signer, &with_signature(&token, &flipped));
    verify_ok(&signer, &token);
}

#[test]
fn time_boundaries_are_inclusive() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    let exp = claims().exp();
    let iat = claims().iat();
    let e = expect();
    // Last accepted second: now == exp + leeway.
    assert!(verify(&token, &signer.jwk, &e, exp + 60).is_ok());
    assert_eq!(
        verify(&token, &signer.jwk, &e, exp + 61).unwrap_err(),
        TokenError::Expired
    );
    // First accepted second: iat == now + leeway.
    assert!(verify(&token, &signer.jwk, &e, iat - 60).is_ok());
    assert_eq!(
        verify(&token, &signer.jwk, &e, iat - 61).unwrap_err(),
        TokenError::NotYetValid
    );
    // Leeway 0.
    let strict = expect().with_leeway_secs(0);
    assert!(verify(&token, &signer.jwk, &strict, exp).is_ok());
    assert_eq!(
        verify(&token, &signer.jwk, &strict, exp + 1).unwrap_err(),
        TokenError::Expired
    );
}

#[test]
fn lifetime_of_exactly_300_is_accepted() {
    let signer = Signer::new();
    let token = signer.token(
        &ClaimSet {
            iat: NOW,
            exp: NOW + 300,
            ..ClaimSet::default()
        }
        .build(),
    );
    verify_ok(&signer, &token);
}

// ------------------------------------------------------- one test per code

#[test]
fn malformed_segments_and_encoding() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    let [h, p, s] = segments(&token);
    let cases = [
        format!("{h}.{p}"),
        format!("{h}.{p}.{s}.{s}"),
        format!("{h}.{p}."),
        format!(".{p}.{s}"),
        format!("{h}..{s}"),
        format!("{h}.{p}.{s}="),
        format!("{h}=.{p}.{s}"),
        format!("{h}.{p}.{s} "),
        format!(" {h}.{p}.{s}"),
        format!("{h}.{p}.{s}\n"),
        format!("{h}.{p}\t.{s}"),
        format!("{}.{p}.{s}", h.replacen('e', "+", 1)),
        format!("{}.{p}.{s}", h.replacen('e', "/", 1)),
        format!("{h}.{p}.{}", &s[..s.len() - 1]), // 85 chars: 4k+1
        String::new(),
        "..".into(),
    ];
    for case in &cases {
        assert_eq!(verify_err(&signer, case), TokenError::Malformed, "{case:?}");
        assert_eq!(decode_header(case).unwrap_err(), TokenError::Malformed);
    }
}

#[test]
fn malformed_non_canonical_base64url() {
    // 64 signature bytes end in a 4-bit tail; setting a tail bit spells the
    // same bytes differently. Exactly one spelling per token is accepted.
    let signer = Signer::new();
    let token = signer.token(&claims());
    let [h, p, s] = segments(&token);
    let last = s.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.find(last).unwrap();
    assert_eq!(index % 16, 0, "canonical: low 4 bits zero");
    let sloppy = alphabet.as_bytes()[index + 1] as char;
    let token2 = format!("{h}.{p}.{}{sloppy}", &s[..s.len() - 1]);
    assert_eq!(verify_err(&signer, &token2), TokenError::Malformed);
}

#[test]
fn malformed_header_not_a_json_object() {
    let signer = Signer::new();
    for header in [
        "[]",
        "\"ES256\"",
        "null",
        "42",
        "{",
        "{\"alg\":\"ES256\"} x",
        "\u{feff}{}",
    ] {
        let token = signer.token_from_parts(header, &claims_json(&claims()));
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::Malformed,
            "{header}"
        );
    }
    // Not UTF-8.
    let payload = b64(claims_json(&claims()).as_bytes());
    let input = format!("{}.{payload}", b64(b"{\"alg\":\"ES256\xff\"}"));
    let token = format!("{input}.{}", b64(&signer.sign_raw(input.as_bytes())));
    assert_eq!(verify_err(&signer, &token), TokenError::Malformed);
}

#[test]
fn malformed_duplicate_member_in_header() {
    let signer = Signer::new();
    let kid = signer.kid();
    // serde_json alone would keep the last alg and accept this token.
    let header = format!(r#"{{"alg":"none","typ":"keybound+jwt","kid":"{kid}","alg":"ES256"}}"#);
    let token = signer.token_with_header(&header);
    assert_eq!(verify_err(&signer, &token), TokenError::Malformed);
    assert_eq!(decode_header(&token).unwrap_err(), TokenError::Malformed);

    // Same name spelled with an escape.
    let header = format!(r#"{{"alg":"ES256","typ":"keybound+jwt","kid":"{kid}","\u006bid":"x"}}"#);
    let token = signer.token_with_header(&header);
    assert_eq!(verify_err(&signer, &token), TokenError::Malformed);
}

#[test]
fn malformed_duplicate_member_in_payload() {
    let signer = Signer::new();
    let good = claims_json(&claims());
    // A second aud after a valid one: serde_json would read "evil".
    let payload = format!(
        r#"{},"aud":"https://evil.example"}}"#,
        &good[..good.len() - 1]
    );
    let token = signer.token_with_payload(&payload);
    assert_eq!(verify_err(&signer, &token), TokenError::Malformed);

    // Nested duplicate inside an ignored claim.
    let payload = format!(r#"{},"extra":{{"a":1,"a":2}}}}"#, &good[..good.len() - 1]);
    let token = signer.token_with_payload(&payload);
    assert_eq!(verify_err(&signer, &token), TokenError::Malformed);
}

#[test]
fn malformed_payload_not_object() {
    let signer = Signer::new();
    for payload in ["[]", "\"x\"", "1", "{\"aud\":", "{} {}"] {
        let token = signer.token_with_payload(payload);
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::Malformed,
            "{payload}"
        );
    }
}

/// A validly signed token of exactly `len` bytes (padding an ignored header
/// member and an ignored claim).
fn token_of_len(signer: &Signer, len: usize) -> String {
    for extra in 0..len {
        for header_pad in 0..4 {
            let header = header_with(signer, |h| {
                h.insert("pad".into(), json!("h".repeat(header_pad)));
            });
            let payload = payload_with(|p| {
                p.insert("pad".into(), json!("p".repeat(extra)));
            });
            let token = signer.token_from_parts(&header, &payload);
            if token.len() == len {
                return token;
            }
        }
    }
    panic!("no token of length {len}");
}

#[test]
fn too_large_boundary() {
    let signer = Signer::new();
    let at_limit = token_of_len(&signer, MAX_TOKEN_BYTES);
    verify_ok(&signer, &at_limit);
    let over = token_of_len(&signer, MAX_TOKEN_BYTES + 1);
    assert_eq!(verify_err(&signer, &over), TokenError::TooLarge);
    assert_eq!(decode_header(&over).unwrap_err(), TokenError::TooLarge);
}

#[test]
fn too_large_is_checked_before_anything_else() {
    let signer = Signer::new();
    // Garbage over the limit is too_large, not malformed.
    let garbage = " ".repeat(MAX_TOKEN_BYTES + 1);
    assert_eq!(verify_err(&signer, &garbage), TokenError::TooLarge);
    assert_eq!(decode_header(&garbage).unwrap_err(), TokenError::TooLarge);
    // The same garbage at the limit is malformed.
    let garbage = " ".repeat(MAX_TOKEN_BYTES);
    assert_eq!(decode_header(&garbage).unwrap_err(), TokenError::Malformed);
}

#[test]
fn unsupported_alg() {
    let signer = Signer::new();
    let algs = [
        json!("none"),
        json!("HS256"),
        json!("ES384"),
        json!("RS256"),
        json!("EdDSA"),
        json!("es256"),
        json!("ES256 "),
        json!(""),
        json!(null),
        json!(["ES256"]),
    ];
    for alg in algs {
        let header = header_with(&signer, |h| {
            h.insert("alg".into(), alg.clone());
        });
        let token = signer.token_with_header(&header);
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::UnsupportedAlg,
            "{alg}"
        );
    }
    let header = header_with(&signer, |h| {
        h.remove("alg");
    });
    assert_eq!(
        verify_err(&signer, &signer.token_with_header(&header)),
        TokenError::UnsupportedAlg
    );
}

#[test]
fn bad_header_typ() {
    let signer = Signer::new();
    for typ in [
        json!("JWT"),
        json!("Keybound+JWT"),
        json!("keybound+jwt "),
        json!(1),
    ] {
        let header = header_with(&signer, |h| {
            h.insert("typ".into(), typ.clone());
        });
        let token = signer.token_with_header(&header);
        assert_eq!(verify_err(&signer, &token), TokenError::BadHeader, "{typ}");
    }
    let header = header_with(&signer, |h| {
        h.remove("typ");
    });
    assert_eq!(
        verify_err(&signer, &signer.token_with_header(&header)),
        TokenError::BadHeader
    );
}

#[test]
fn bad_header_forbidden_members() {
    let signer = Signer::new();
    for member in ["crit", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256"] {
        let header = header_with(&signer, |h| {
            h.insert(member.into(), json!([]));
        });
        let token = signer.token_with_header(&header);
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::BadHeader,
            "{member}"
        );
        assert_eq!(decode_header(&token).unwrap_err(), TokenError::BadHeader);
    }
}

#[test]
fn bad_header_kid_missing_or_not_a_string() {
    let signer = Signer::new();
    for kid in [None, Some(json!(null)), Some(json!(7)), Some(json!(""))] {
        let header = header_with(&signer, |h| match &kid {
            None => {
                h.remove("kid");
            }
            Some(v) => {
                h.insert("kid".into(), v.clone());
            }
        });
        let token = signer.token_with_header(&header);
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::BadHeader,
            "{kid:?}"
        );
    }
}

#[test]
fn unknown_key() {
    let signer = Signer::new();
    let other = Signer::new();
    // Signed by `signer`, verified against `other`'s registered key.
    let token = signer.token(&claims());
    assert_eq!(
        verify(&token, &other.jwk, &expect(), NOW).unwrap_err(),
        TokenError::UnknownKey
    );
    // kid of another key, signature by the registered key.
    let header = header_with(&signer, |h| {
        h.insert("kid".into(), json!(other.kid()));
    });
    assert_eq!(
        verify_err(&signer, &signer.token_with_header(&header)),
        TokenError::UnknownKey
    );
}

#[test]
fn bad_signature_wrong_key_or_tampered() {
    let signer = Signer::new();
    let other = Signer::new();
    let token = signer.token(&claims());
    let [h, p, _] = segments(&token);
    // Right kid, signature by another key.
    let forged = format!(
        "{h}.{p}.{}",
        b64(&other.sign_raw(format!("{h}.{p}").as_bytes()))
    );
    assert_eq!(verify_err(&signer, &forged), TokenError::BadSignature);
    // Payload changed after signing.
    let [_, p2, _] = segments(
        &signer.token(
            &ClaimSet {
                aud: "https://other.example".into(),
                ..ClaimSet::default()
            }
            .build(),
        ),
    );
    let [_, _, s] = segments(&token);
    assert_eq!(
        verify_err(&signer, &format!("{h}.{p2}.{s}")),
        TokenError::BadSignature
    );
}

#[test]
fn bad_signature_encodings() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    let [h, p, s] = segments(&token);
    let raw = unb64(&s);
    let der = signer.sign_der(format!("{h}.{p}").as_bytes());
    let mut order_plus_one = ORDER;
    order_plus_one[31] += 1;
    let cases: Vec<Vec<u8>> = vec![
        der,                                                    // DER instead of r || s
        raw[..63].to_vec(),                                     // too short
        [raw.clone(), vec![0]].concat(),                        // too long
        [vec![0], raw.clone()].concat(),                        // too long, left
        vec![0; 64],                                            // r = s = 0
        [vec![0; 32], raw[32..].to_vec()].concat(),             // r = 0
        [raw[..32].to_vec(), vec![0; 32]].concat(),             // s = 0
        [raw[..32].to_vec(), ORDER.to_vec()].concat(),          // s = n
        [ORDER.to_vec(), raw[32..].to_vec()].concat(),          // r = n
        [raw[..32].to_vec(), vec![0xff; 32]].concat(),          // s > n
        [raw[..32].to_vec(), order_plus_one.to_vec()].concat(), // s = n + 1 ≡ 1 (mod n)
    ];
    for (i, sig) in cases.iter().enumerate() {
        assert_eq!(
            verify_err(&signer, &with_signature(&token, sig)),
            TokenError::BadSignature,
            "case {i}"
        );
    }
}

#[test]
fn missing_claim_absent() {
    let signer = Signer::new();
    for name in ["aud", "nonce", "iat", "exp", "jti", "auth"] {
        let payload = payload_with(|p| {
            p.remove(name);
        });
        let token = signer.token_with_payload(&payload);
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::MissingClaim,
            "{name}"
        );
    }
}

#[test]
fn missing_claim_wrong_type_or_format() {
    let signer = Signer::new();
    let cases: Vec<(&str, Value)> = vec![
        ("aud", json!([AUD])),
        ("aud", json!(null)),
        ("nonce", json!(1)),
        ("nonce", json!("")),
        ("nonce", json!("n".repeat(257))),
        ("iat", json!((NOW - 10) as f64)), // 1699999990.0: a float
        ("iat", json!((NOW - 10).to_string())),
        ("iat", json!(u64::MAX)),
        ("exp", json!(1.5e9)),
        ("exp", json!(true)),
        ("jti", json!("AAECAwQFBgcICQo")), // 15 chars
        ("jti", json!("A".repeat(65))),
        ("jti", json!("AAECAwQFBgcICQoLDA0OD+")),
        ("jti", json!("AAECAwQFBgcICQoLDA0OD=")),
        ("jti", json!(12345678901234567_u64)),
        ("auth", json!("face")),
        ("auth", json!("Biometric")),
        ("auth", json!(1)),
        ("txn", json!(null)),
        ("txn", json!(["x"])),
    ];
    for (name, value) in cases {
        let payload = payload_with(|p| {
            p.insert(name.into(), value.clone());
        });
        let token = signer.token_with_payload(&payload);
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::MissingClaim,
            "{name}: {value}"
        );
    }
    // Raw JSON float spelling of an integer value.
    let good = claims_json(&claims());
    let payload = good.replace(
        &format!("\"iat\":{}", NOW - 10),
        &format!("\"iat\":{}.0", NOW - 10),
    );
    assert_ne!(payload, good);
    assert_eq!(
        verify_err(&signer, &signer.token_with_payload(&payload)),
        TokenError::MissingClaim
    );
}

#[test]
fn nonce_of_256_chars_and_jti_of_64_are_accepted() {
    let signer = Signer::new();
    let nonce = "é".repeat(256); // 256 characters, 512 bytes
    let payload = payload_with(|p| {
        p.insert("nonce".into(), json!(nonce));
        p.insert("jti".into(), json!("A".repeat(64)));
    });
    let token = signer.token_with_payload(&payload);
    let e = keybound_protocol::Expectations::new(AUD, ExpectedNonce::Exactly(nonce.clone()));
    assert!(verify(&token, &signer.jwk, &e, NOW).is_ok());
}

#[test]
fn expired() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    assert_eq!(
        verify(&token, &signer.jwk, &expect(), NOW + 1000).unwrap_err(),
        TokenError::Expired
    );
}

#[test]
fn not_yet_valid() {
    let signer = Signer::new();
    let token = signer.token(
        &ClaimSet {
            iat: NOW + 61,
            exp: NOW + 120,
            ..ClaimSet::default()
        }
        .build(),
    );
    assert_eq!(verify_err(&signer, &token), TokenError::NotYetValid);
}

#[test]
fn lifetime_too_long() {
    let signer = Signer::new();
    let cases = [
        (NOW, NOW + 301),
        (NOW, NOW),     // exp == iat: no lifetime
        (NOW, NOW - 1), // exp < iat
    ];
    for (iat, exp) in cases {
        let payload = payload_with(|p| {
            p.insert("iat".into(), json!(iat));
            p.insert("exp".into(), json!(exp));
        });
        let token = signer.token_with_payload(&payload);
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::LifetimeTooLong,
            "iat {iat} exp {exp}"
        );
    }
}

#[test]
fn extreme_times_do_not_overflow() {
    let signer = Signer::new();
    let payload = payload_with(|p| {
        p.insert("iat".into(), json!(i64::MIN));
        p.insert("exp".into(), json!(i64::MAX));
    });
    let token = signer.token_with_payload(&payload);
    assert_eq!(verify_err(&signer, &token), TokenError::LifetimeTooLong);
    let e = expect().with_leeway_secs(i64::MAX);
    assert_eq!(
        verify(&token, &signer.jwk, &e, i64::MIN).unwrap_err(),
        TokenError::LifetimeTooLong
    );
    let payload = payload_with(|p| {
        p.insert("iat".into(), json!(i64::MAX - 10));
        p.insert("exp".into(), json!(i64::MAX));
    });
    let token = signer.token_with_payload(&payload);
    let e = expect().with_leeway_secs(i64::MAX);
    let verified = verify(&token, &signer.jwk, &e, i64::MAX).unwrap();
    assert_eq!(verified.accept_until(), i64::MAX);
}

#[test]
fn audience_mismatch() {
    let signer = Signer::new();
    for aud in ["https://api.example.com/", "https://API.example.com", ""] {
        let token = signer.token(
            &ClaimSet {
                aud: aud.into(),
                ..ClaimSet::default()
            }
            .build(),
        );
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::AudienceMismatch,
            "{aud}"
        );
    }
}

#[test]
fn nonce_mismatch() {
    let signer = Signer::new();
    for nonce in ["c2VydmVyLWNoYWxsZW5nZS0y", "c2VydmVyLWNoYWxsZW5nZS0", "x"] {
        let token = signer.token(
            &ClaimSet {
                nonce: nonce.into(),
                ..ClaimSet::default()
            }
            .build(),
        );
        assert_eq!(
            verify_err(&signer, &token),
            TokenError::NonceMismatch,
            "{nonce}"
        );
    }
}

#[test]
fn txn_mismatch() {
    let signer = Signer::new();
    let txn = keybound_protocol::txn_hash(b"transfer 1");
    let other = keybound_protocol::txn_hash(b"transfer 2");
    let with_txn = signer.token(
        &ClaimSet {
            txn: Some(txn.clone()),
            ..ClaimSet::default()
        }
        .build(),
    );
    let without = signer.token(&claims());
    // Expected but absent.
    assert_eq!(
        verify(&without, &signer.jwk, &expect().with_txn(txn.clone()), NOW).unwrap_err(),
        TokenError::TxnMismatch
    );
    // Present but not expected.
    assert_eq!(verify_err(&signer, &with_txn), TokenError::TxnMismatch);
    // Different.
    assert_eq!(
        verify(&with_txn, &signer.jwk, &expect().with_txn(other), NOW).unwrap_err(),
        TokenError::TxnMismatch
    );
    // Equal.
    assert!(verify(&with_txn, &signer.jwk, &expect().with_txn(txn), NOW).is_ok());
}

#[test]
fn replayed_after_record() {
    let signer = Signer::new();
    let cache = MemoryReplayCache::new(16);
    let token = signer.token(&claims());
    let first = verify_ok(&signer, &token);
    cache.record(&first, NOW).unwrap();
    // The same token again: it still verifies statelessly, the store refuses.
    let again = verify_ok(&signer, &token);
    assert_eq!(
        cache.record(&again, NOW + 1).unwrap_err(),
        TokenError::Replayed
    );
    // A different signature of the same claims (a new token string, e.g.
    // the high-S twin) is still the same (kid, jti).
    let resigned = signer.token(&claims());
    assert_ne!(resigned, token);
    let third = verify_ok(&signer, &resigned);
    assert_eq!(
        cache.record(&third, NOW + 2).unwrap_err(),
        TokenError::Replayed
    );
}

#[test]
fn store_unavailable_when_replay_cache_full() {
    let signer = Signer::new();
    let cache = MemoryReplayCache::new(1);
    let a = verify_ok(&signer, &signer.token(&claims()));
    cache.record(&a, NOW).unwrap();
    let b = verify_ok(
        &signer,
        &signer.token(
            &ClaimSet {
                jti: "ZZECAwQFBgcICQoLDA0ODw".into(),
                ..ClaimSet::default()
            }
            .build(),
        ),
    );
    assert_eq!(
        cache.record(&b, NOW).unwrap_err(),
        TokenError::StoreUnavailable
    );
    // Once `a` can no longer be accepted, its slot frees up for a later token.
    let later = NOW + 1000;
    let c = verify(
        &signer.token(
            &ClaimSet {
                iat: later,
                exp: later + 60,
                ..ClaimSet::default()
            }
            .build(),
        ),
        &signer.jwk,
        &expect(),
        later,
    )
    .unwrap();
    cache.record(&c, later).unwrap();
    assert_eq!(cache.len(), 1);
}

// ------------------------------------------------------------ check order

#[test]
fn order_expired_before_audience() {
    let signer = Signer::new();
    let token = signer.token(
        &ClaimSet {
            aud: "https://evil.example".into(),
            ..ClaimSet::default()
        }
        .build(),
    );
    assert_eq!(verify_err(&signer, &token), TokenError::AudienceMismatch);
    assert_eq!(
        verify(&token, &signer.jwk, &expect(), NOW + 1000).unwrap_err(),
        TokenError::Expired
    );
}

#[test]
fn order_audience_before_txn_before_nonce() {
    let signer = Signer::new();
    let all_wrong = signer.token(
        &ClaimSet {
            aud: "https://evil.example".into(),
            nonce: "wrong".into(),
            txn: Some(keybound_protocol::txn_hash(b"evil")),
            ..ClaimSet::default()
        }
        .build(),
    );
    assert_eq!(
        verify_err(&signer, &all_wrong),
        TokenError::AudienceMismatch
    );
    let txn_and_nonce = signer.token(
        &ClaimSet {
            nonce: "wrong".into(),
            txn: Some(keybound_protocol::txn_hash(b"evil")),
            ..ClaimSet::default()
        }
        .build(),
    );
    assert_eq!(verify_err(&signer, &txn_and_nonce), TokenError::TxnMismatch);
}

#[test]
fn order_time_checks_expired_not_yet_valid_lifetime() {
    let signer = Signer::new();
    // iat in the future and lifetime too long: not_yet_valid first.
    let payload = payload_with(|p| {
        p.insert("iat".into(), json!(NOW + 1000));
        p.insert("exp".into(), json!(NOW + 5000));
    });
    let token = signer.token_with_payload(&payload);
    assert_eq!(verify_err(&signer, &token), TokenError::NotYetValid);
    // exp in the past and exp <= iat: expired first.
    let payload = payload_with(|p| {
        p.insert("iat".into(), json!(NOW - 1000));
        p.insert("exp".into(), json!(NOW - 2000));
    });
    let token = signer.token_with_payload(&payload);
    assert_eq!(verify_err(&signer, &token), TokenError::Expired);
}

#[test]
fn order_claim_types_before_time_and_signature_before_claims() {
    let signer = Signer::new();
    let other = Signer::new();
    // Expired and a missing claim: missing_claim.
    let payload = payload_with(|p| {
        p.remove("auth");
        p.insert("exp".into(), json!(NOW - 1000));
    });
    let token = signer.token_with_payload(&payload);
    assert_eq!(verify_err(&signer, &token), TokenError::MissingClaim);
    // The same broken payload with a bad signature: bad_signature (claims
    // are not looked at before the signature verifies).
    let input = format!(
        "{}.{}",
        b64(signer.header_json().as_bytes()),
        b64(payload.as_bytes())
    );
    let forged = format!("{input}.{}", b64(&other.sign_raw(input.as_bytes())));
    assert_eq!(verify_err(&signer, &forged), TokenError::BadSignature);
    // Not even a JSON payload, badly signed: bad_signature, not malformed.
    let input = format!(
        "{}.{}",
        b64(signer.header_json().as_bytes()),
        b64(b"not json")
    );
    let forged = format!("{input}.{}", b64(&other.sign_raw(input.as_bytes())));
    assert_eq!(verify_err(&signer, &forged), TokenError::BadSignature);
}

#[test]
fn order_header_stages() {
    let signer = Signer::new();
    let other = Signer::new();
    // Unsupported alg and bad typ and forbidden member and no kid: alg first.
    let header = r#"{"alg":"none","typ":"JWT","jwk":{}}"#;
    assert_eq!(
        verify_err(&signer, &signer.token_with_header(header)),
        TokenError::UnsupportedAlg
    );
    // Bad typ and forbidden member, right alg: bad_header.
    let header = r#"{"alg":"ES256","typ":"JWT","jku":"https://x"}"#;
    assert_eq!(
        verify_err(&signer, &signer.token_with_header(header)),
        TokenError::BadHeader
    );
    // Header problems come before the key lookup: alg none with a foreign
    // kid is unsupported_alg, not unknown_key.
    let header = format!(
        r#"{{"alg":"none","typ":"keybound+jwt","kid":"{}"}}"#,
        other.kid()
    );
    assert_eq!(
        verify_err(&signer, &signer.token_with_header(&header)),
        TokenError::UnsupportedAlg
    );
    // Unknown kid and a bad signature: unknown_key.
    let token = with_signature(&signer.token(&claims()), &[0u8; 64]);
    assert_eq!(
        verify(&token, &other.jwk, &expect(), NOW).unwrap_err(),
        TokenError::UnknownKey
    );
    // Malformed segments beat a bad header.
    let token = signer.token_with_header(r#"{"alg":"none"}"#);
    assert_eq!(
        verify_err(&signer, &format!("{token}.")),
        TokenError::Malformed
    );
}

// ---------------------------------------------------------- decode_header

#[test]
fn decode_header_gives_kid_without_verifying() {
    let signer = Signer::new();
    let token = signer.token(&claims());
    assert_eq!(decode_header(&token).unwrap().kid(), signer.kid());
    // The header stage does not look at the signature or claims.
    let garbage_sig = with_signature(&token, &[0u8; 64]);
    assert_eq!(decode_header(&garbage_sig).unwrap().kid(), signer.kid());
    let header = header_with(&signer, |h| {
        h.insert("alg".into(), json!("HS256"));
    });
    assert_eq!(
        decode_header(&signer.token_with_header(&header)).unwrap_err(),
        TokenError::UnsupportedAlg
    );
}
