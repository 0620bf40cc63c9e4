//! The one error type that crosses into Dart: a struct with a plain enum
//! code (no enums with data in the frb API, they would need `freezed`).

/// Stable, machine-readable error codes. Codes may be added in later
/// versions: callers keep a default branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An argument was empty, too long, out of range or badly formed; the
    /// message names the field.
    InvalidArgument,
    /// Another prompt is in flight; nothing was shown.
    InProgress,
    /// Too many failed prompts in a row; retry after `retry_after_ms`.
    CoolingDown,
    /// Biometrics are temporarily locked out (Android code 7); retry after
    /// `retry_after_ms`.
    LockedOut,
    /// Biometrics are locked until the user unlocks with the device
    /// credential (Android code 9).
    LockedOutPermanent,
    /// The user dismissed the prompt or pressed its negative button
    /// (Android codes 10 and 13).
    UserCanceled,
    /// The system dismissed the prompt, e.g. the app went to the background
    /// (Android code 5).
    SystemCanceled,
    /// The prompt timed out, on the OS side (Android code 3) or keybound's.
    Timeout,
    /// The biometric sensor cannot be used now (Android code 1).
    HardwareUnavailable,
    /// The device has no biometric sensor (Android code 12).
    NoHardware,
    /// No biometric is enrolled (Android code 11).
    NotEnrolled,
    /// Device credential was allowed but none is set (Android code 14).
    NoDeviceCredential,
    /// A security update is required before biometrics work (Android code 15).
    SecurityUpdateRequired,
    /// The sensor could not process the input (Android code 2).
    UnableToProcess,
    /// Not enough storage to finish (Android code 4).
    NoSpace,
    /// A vendor-specific error (Android code 8).
    VendorError,
    /// No key under this alias: enrol first.
    KeyNotFound,
    /// The key was invalidated by a biometric enrolment change and has been
    /// deleted: enrol again and tell the backend.
    KeyInvalidated,
    /// The key is intact but the Keystore will not use it until the device
    /// is unlocked with its PIN, pattern or password (Android
    /// `UserNotAuthenticatedException`, seen after a restart on some
    /// vendors' builds): ask the user to lock and unlock the device with
    /// the credential, then try again; if it keeps happening, enrol again.
    UnlockRequired,
    /// The OS cannot do this (e.g. Android below API 28, or device credential
    /// requested below API 30).
    Unsupported,
    /// The native platform failed unexpectedly (an unknown OS code, a
    /// Java exception); `platform_code` may say more.
    PlatformError,
    /// A bug in keybound; please report it.
    Internal,
}

/// A failed keybound call: a code, a message for developers (no secrets in
/// it), and optional details. keybound builds it; more details may be added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyboundError {
    /// What went wrong.
    pub code: ErrorCode,
    /// For developers and logs; never contains tokens, challenges or keys.
    pub message: String,
    /// When retrying makes sense, after how many milliseconds.
    pub retry_after_ms: Option<u32>,
    /// The raw OS code, where one exists.
    pub platform_code: Option<i32>,
}
