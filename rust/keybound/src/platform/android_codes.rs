//! Android `BiometricPrompt` error codes and their keybound meaning.
//!
//! Pure data, compiled on every target so the table is tested on the host.
//! Values from `android.hardware.biometrics.BiometricPrompt` (see
//! `docs/android-facts.md`).

use crate::api::error::ErrorCode;

/// `BIOMETRIC_ERROR_HW_UNAVAILABLE`
pub const HW_UNAVAILABLE: i32 = 1;
/// `BIOMETRIC_ERROR_UNABLE_TO_PROCESS`
pub const UNABLE_TO_PROCESS: i32 = 2;
/// `BIOMETRIC_ERROR_TIMEOUT`
pub const TIMEOUT: i32 = 3;
/// `BIOMETRIC_ERROR_NO_SPACE`
pub const NO_SPACE: i32 = 4;
/// `BIOMETRIC_ERROR_CANCELED` (by the system, e.g. app backgrounded)
pub const CANCELED: i32 = 5;
/// `BIOMETRIC_ERROR_LOCKOUT` (temporary, about 30 s)
pub const LOCKOUT: i32 = 7;
/// `BIOMETRIC_ERROR_VENDOR`
pub const VENDOR: i32 = 8;
/// `BIOMETRIC_ERROR_LOCKOUT_PERMANENT`
pub const LOCKOUT_PERMANENT: i32 = 9;
/// `BIOMETRIC_ERROR_USER_CANCELED`
pub const USER_CANCELED: i32 = 10;
/// `BIOMETRIC_ERROR_NO_BIOMETRICS`
pub const NO_BIOMETRICS: i32 = 11;
/// `BIOMETRIC_ERROR_HW_NOT_PRESENT`
pub const HW_NOT_PRESENT: i32 = 12;
/// Negative button. The framework reports it through the button's click
/// listener; keybound's Java bridge reports that click as 13, the androidx
/// value, so one code path handles it.
pub const NEGATIVE_BUTTON: i32 = 13;
/// `BIOMETRIC_ERROR_NO_DEVICE_CREDENTIAL` (API 29)
pub const NO_DEVICE_CREDENTIAL: i32 = 14;
/// `BIOMETRIC_ERROR_SECURITY_UPDATE_REQUIRED` (API 30)
pub const SECURITY_UPDATE_REQUIRED: i32 = 15;

/// Every code Android can report to keybound's callback.
pub const ALL: [i32; 14] = [
    HW_UNAVAILABLE,
    UNABLE_TO_PROCESS,
    TIMEOUT,
    NO_SPACE,
    CANCELED,
    LOCKOUT,
    VENDOR,
    LOCKOUT_PERMANENT,
    USER_CANCELED,
    NO_BIOMETRICS,
    HW_NOT_PRESENT,
    NEGATIVE_BUTTON,
    NO_DEVICE_CREDENTIAL,
    SECURITY_UPDATE_REQUIRED,
];

/// The one typed code for an Android prompt error code. Unknown codes
/// (vendors add some) are `PlatformError`, with the raw code kept by the
/// caller.
pub fn map_prompt_error(code: i32) -> ErrorCode {
    match code {
        HW_UNAVAILABLE => ErrorCode::HardwareUnavailable,
        UNABLE_TO_PROCESS => ErrorCode::UnableToProcess,
        TIMEOUT => ErrorCode::Timeout,
        NO_SPACE => ErrorCode::NoSpace,
        CANCELED => ErrorCode::SystemCanceled,
        LOCKOUT => ErrorCode::LockedOut,
        VENDOR => ErrorCode::VendorError,
        LOCKOUT_PERMANENT => ErrorCode::LockedOutPermanent,
        USER_CANCELED | NEGATIVE_BUTTON => ErrorCode::UserCanceled,
        NO_BIOMETRICS => ErrorCode::NotEnrolled,
        HW_NOT_PRESENT => ErrorCode::NoHardware,
        NO_DEVICE_CREDENTIAL => ErrorCode::NoDeviceCredential,
        SECURITY_UPDATE_REQUIRED => ErrorCode::SecurityUpdateRequired,
        _ => ErrorCode::PlatformError,
    }
}

/// The platform error for an Android prompt error.
pub fn prompt_error(code: i32, message: impl Into<String>) -> crate::platform::PlatformError {
    crate::platform::PlatformError::Prompt {
        code: map_prompt_error(code),
        platform_code: Some(code),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_android_code_maps_to_its_one_typed_code() {
        let table = [
            (1, ErrorCode::HardwareUnavailable),
            (2, ErrorCode::UnableToProcess),
            (3, ErrorCode::Timeout),
            (4, ErrorCode::NoSpace),
            (5, ErrorCode::SystemCanceled),
            (7, ErrorCode::LockedOut),
            (8, ErrorCode::VendorError),
            (9, ErrorCode::LockedOutPermanent),
            (10, ErrorCode::UserCanceled),
            (11, ErrorCode::NotEnrolled),
            (12, ErrorCode::NoHardware),
            (13, ErrorCode::UserCanceled),
            (14, ErrorCode::NoDeviceCredential),
            (15, ErrorCode::SecurityUpdateRequired),
        ];
        assert_eq!(table.len(), ALL.len());
        for (code, expected) in table {
            assert!(ALL.contains(&code), "{code} missing from ALL");
            assert_eq!(map_prompt_error(code), expected, "android code {code}");
        }
    }

    #[test]
    fn unknown_codes_are_platform_errors() {
        for code in [0, 6, 16, 1000, -1, i32::MAX] {
            assert_eq!(map_prompt_error(code), ErrorCode::PlatformError);
        }
    }
}
