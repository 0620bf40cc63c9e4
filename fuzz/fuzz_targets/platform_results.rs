//! The device side's reading of what Java hands back: `KeyInfo` after key
//! creation (`created_key_from_java`: security level, SPKI -> point) and a
//! prompt outcome (`outcome_to_result`, then `der_to_raw` as the session
//! does with the signature).
//!
//! Input: one selector byte; even: a KeyInfo (i32 level, u16-prefixed SPKI,
//! then u16-prefixed certificates); odd: an outcome (i32 outcome, i32 auth
//! type, one byte "signature present", u16-prefixed DER, one byte "message
//! present", then the message as UTF-8, lossy).
#![no_main]

use keybound::testing::jni::{CallbackResult, JavaKeyInfo, OUTCOME_SUCCESS};
use keybound::testing::platform::android::{created_key_from_java, outcome_to_result};
use keybound_fuzz::Input;
use keybound_protocol::Jwk;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    if input.u8() % 2 == 0 {
        let security_level = input.i32();
        let public_key_spki = input.prefixed().to_vec();
        let mut attestation_chain = Vec::new();
        while !input.is_empty() {
            attestation_chain.push(input.prefixed().to_vec());
        }
        let chain_len = attestation_chain.len();
        let info = JavaKeyInfo {
            public_key_spki: public_key_spki.clone(),
            attestation_chain,
            security_level,
        };
        if let Ok(created) = created_key_from_java(info) {
            assert!((0..=2).contains(&security_level));
            assert_eq!(created.public_key_sec1.len(), 65);
            assert_eq!(created.attestation_chain.len(), chain_len);
            // The session turns the point into the JWK; the protocol crate's
            // own point check must agree with the platform's.
            let jwk = Jwk::from_sec1(&created.public_key_sec1).expect("point on the curve");
            assert_eq!(Jwk::from_spki_der(&public_key_spki).as_ref(), Ok(&jwk));
        }
    } else {
        let outcome = input.i32();
        let auth_type = input.i32();
        let has_signature = input.u8() & 1 == 1;
        let signature = input.prefixed().to_vec();
        let has_message = input.u8() & 1 == 1;
        let message = String::from_utf8_lossy(input.rest()).into_owned();
        let result = CallbackResult {
            outcome,
            der_signature: has_signature.then_some(signature),
            auth_type,
            message: has_message.then_some(message),
        };
        match outcome_to_result(result) {
            Ok(signed) => {
                assert_eq!(outcome, OUTCOME_SUCCESS);
                assert!(!signed.der_signature.is_empty());
                let _ = keybound_protocol::der_to_raw(&signed.der_signature);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
});
