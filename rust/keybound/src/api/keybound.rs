//! The five calls of keybound.
use crate::api::error::{ErrorCode, KeyboundError};
use crate::api::types::{AuthenticateRequest, BiometricToken, DeviceStatus, EnrollOptions, KeyRegistration};

/// Called once by the generated `RustLib.init()`.
#[flutter_rust_bridge::frb(init)]
pub fn init_app() {
    flutter_rust_bridge::setup_default_user_utils();
}

/// The enrol check for `alias`.
pub async fn status(alias: String) -> Result<DeviceStatus, KeyboundError> {
    let _ = alias;
    Err(KeyboundError::new(ErrorCode::Internal, "not yet"))
}

/// Creates a hardware key and returns what the backend needs to register it.
pub async fn enroll(options: EnrollOptions) -> Result<KeyRegistration, KeyboundError> {
    let _ = options;
    Err(KeyboundError::new(ErrorCode::Internal, "not yet"))
}

/// Shows the prompt, signs the challenge with the key it unlocks, returns a token.
pub async fn authenticate(request: AuthenticateRequest) -> Result<BiometricToken, KeyboundError> {
    let _ = request;
    Err(KeyboundError::new(ErrorCode::Internal, "not yet"))
}

/// Cancels the prompt in flight, if any.
pub fn cancel() {}

/// Deletes the key; `false` when there was none.
pub async fn delete_key(alias: String) -> Result<bool, KeyboundError> {
    let _ = alias;
    Err(KeyboundError::new(ErrorCode::Internal, "not yet"))
}
