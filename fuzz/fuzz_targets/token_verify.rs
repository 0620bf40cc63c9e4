//! Token parse + verify (keybound-protocol): `decode_header` and `verify`.
//!
//! Input: an optional JWK JSON line, then the token. Without a (valid) JWK
//! line the fixed fuzz device key is used, so the seed tokens verify. The
//! token is verified at the fixed time and at its own (unverified) `iat`,
//! so mutations also reach the stages after the time checks.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use keybound_fuzz::{device_jwk, AUDIENCE, NOW, TOKEN_NONCE};
use keybound_protocol::{decode_header, verify, Expectations, ExpectedNonce, Jwk, MAX_TOKEN_BYTES};
use libfuzzer_sys::fuzz_target;

/// The payload's `iat`, read without verifying anything.
fn unverified_iat(token: &str) -> Option<i64> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes).ok()?["iat"].as_i64()
}

fuzz_target!(|data: &[u8]| {
    let (jwk_line, token) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (Some(&data[..i]), &data[i + 1..]),
        None => (None, data),
    };
    let parsed_key = jwk_line
        .and_then(|line| std::str::from_utf8(line).ok())
        .and_then(|text| Jwk::from_json(text).ok());
    if let Some(key) = &parsed_key {
        // A parsed JWK is canonical: its own JSON parses back to itself.
        assert_eq!(Jwk::from_json(&key.to_json()).as_ref(), Ok(key));
        assert_eq!(key.to_sec1().map(|p| p.len()), Ok(65));
    }
    let key = parsed_key.as_ref().unwrap_or_else(|| device_jwk());
    let Ok(token) = std::str::from_utf8(token) else {
        return;
    };

    let header = decode_header(token);
    let own_time = unverified_iat(token).unwrap_or(NOW);
    let expectations = [
        (
            NOW,
            Expectations::new(AUDIENCE, ExpectedNonce::Exactly(TOKEN_NONCE.into())),
        ),
        (
            own_time,
            Expectations::new(AUDIENCE, ExpectedNonce::CheckedByCaller),
        ),
    ];
    for (now, expect) in expectations {
        match verify(token, key, &expect, now) {
            Ok(verified) => {
                assert!(token.len() <= MAX_TOKEN_BYTES);
                let header = header
                    .as_ref()
                    .expect("a verified token has a valid header");
                assert_eq!(header.kid(), verified.kid());
                assert_eq!(verified.kid(), key.thumbprint());
                let claims = verified.claims();
                assert_eq!(claims.aud(), AUDIENCE);
                assert!(claims.txn().is_none(), "no txn was expected");
                // What the verifier accepts, the device-side builder accepts too.
                assert!(claims.validate().is_ok(), "verified claims fail validate()");
                assert!(verified.accept_until() >= claims.exp());
            }
            Err(error) => {
                assert!(!error.code().is_empty());
                // verify repeats the header stages: the same first failure.
                if let Err(header_error) = &header {
                    assert_eq!(&error, header_error);
                }
            }
        }
    }
});
