//! The Android KeyDescription (attestation extension) decoder, then the key
//! policy over what it decoded.
#![no_main]

use keybound_server::attestation::{KeyDescription, KeyPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(kd) = KeyDescription::from_der(data) else {
        return;
    };
    assert!(
        !kd.to_json().is_null(),
        "a decoded KeyDescription serializes"
    );
    let policy = KeyPolicy::new(kd.attestation_challenge.clone())
        .require_verified_boot()
        .require_locked_bootloader();
    let _ = policy.violations(&kd, None);
    let _ = KeyPolicy::new(b"another challenge".to_vec())
        .strongbox_only()
        .violations(&kd, None);
});
