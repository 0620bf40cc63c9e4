//! The DER -> raw (r || s) signature conversion the device applies to what
//! Keystore returns (`keybound_protocol::der_to_raw`).
//!
//! Differential check against the `p256` crate: whatever is accepted is the
//! one strict-DER encoding of its (r, s), so p256's encoder reproduces the
//! input byte for byte.
#![no_main]

use keybound_protocol::der_to_raw;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = der_to_raw(data) else {
        return;
    };
    let signature = p256::ecdsa::Signature::from_slice(&raw)
        .expect("accepted scalars are in 1..n, which p256 accepts too");
    assert_eq!(
        signature.to_der().as_bytes(),
        data,
        "accepted DER is not the canonical encoding of its (r, s)"
    );
});
