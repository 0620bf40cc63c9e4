//! The device side's reading of `NativeBridge.status()`: the `int[]` layout
//! (`JavaStatus::from_layout`) and its meaning (`status_from_java`).
//!
//! Input: little-endian i32 values (trailing bytes ignored).
#![no_main]

use keybound::testing::jni::JavaStatus;
use keybound::testing::platform::android::status_from_java;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let values: Vec<i32> = data
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let Ok(java) = JavaStatus::from_layout(&values) else {
        assert_ne!(values.len(), JavaStatus::LEN);
        return;
    };
    assert_eq!(values.len(), JavaStatus::LEN);
    let status = status_from_java(java);
    // Class 3 usable implies enrolled implies a sensor.
    assert!(!status.class3_available || status.biometrics_enrolled);
    assert!(!status.biometrics_enrolled || status.hardware_present);
    assert!(status.api_level.is_none_or(|l| l > 0));
    assert_eq!(status.device_secure, values[2] != 0);
    // Device credential can stand in only from API 30, with a lock screen.
    if status.device_credential_fallback() {
        assert!(status.device_secure && values[0] >= 30);
    }
});
