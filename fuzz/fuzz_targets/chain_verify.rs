//! Attestation chain reading (PEM or concatenated DER), verification against
//! the pinned Google roots, and the policy stage (`verify_attestation`).
//!
//! Each chain is checked at a fixed date and just inside its own validity
//! (the latest notBefore + 60 s), so date checks do not hide the stages
//! behind them.
#![no_main]

use std::sync::OnceLock;

use keybound_server::attestation::chain::{parse_chain, read_chain};
use keybound_server::attestation::policy::verify_attestation;
use keybound_server::attestation::{ChainVerifier, KeyPolicy, TrustRoots};
use libfuzzer_sys::fuzz_target;

/// 2026-11-28T00:00:00Z.
const TODAY: i64 = 1_795_824_000;

fn verifier() -> &'static ChainVerifier {
    static V: OnceLock<ChainVerifier> = OnceLock::new();
    V.get_or_init(|| ChainVerifier::new(TrustRoots::google(), None))
}

fuzz_target!(|data: &[u8]| {
    let Ok(ders) = read_chain(data) else {
        return;
    };
    let inside = parse_chain(&ders).ok().and_then(|certs| {
        certs
            .iter()
            .map(|c| {
                c.cert()
                    .tbs_certificate()
                    .validity()
                    .not_before
                    .to_unix_duration()
                    .as_secs()
            })
            .max()
            .and_then(|secs| i64::try_from(secs).ok())
            .map(|secs| secs.saturating_add(60))
    });
    for now in [Some(TODAY), inside].into_iter().flatten() {
        match verifier().verify(&ders, now) {
            Ok(chain) => {
                assert_eq!(chain.certs().len(), ders.len());
                assert!(chain.leaf().spki_der().is_some());
                assert!(chain.leaf().key_description_der().is_some());
            }
            Err(e) => assert!(!e.code().is_empty()),
        }
        let policy = KeyPolicy::dangerous_any_challenge();
        if let Ok(verified) = verify_attestation(verifier(), &policy, &ders, now) {
            assert!(!verified.public_key_spki().is_empty());
        }
    }
});
