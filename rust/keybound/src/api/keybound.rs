//! The five calls of keybound, as Dart sees them (`lib/src/rust/api/keybound.dart`).
//! Each one validates its input, then runs on keybound's session.

use crate::api::error::KeyboundError;
use crate::api::types::{
    AuthenticateRequest, BiometricToken, DeviceStatus, EnrollOptions, KeyRegistration,
};
use crate::runtime;

/// Called once by the generated `RustLib.init()`.
#[flutter_rust_bridge::frb(init)]
pub fn init_app() {
    flutter_rust_bridge::setup_default_user_utils();
}

/// The enrol check: what the device can do now and whether a key exists
/// under `alias`.
pub async fn status(alias: String) -> Result<DeviceStatus, KeyboundError> {
    runtime::run(async move { runtime::session()?.status(&alias).await }).await
}

/// Creates a hardware key (StrongBox when preferred and present, else TEE),
/// attested with the server's challenge, and returns what the backend needs
/// to register it.
pub async fn enroll(options: EnrollOptions) -> Result<KeyRegistration, KeyboundError> {
    runtime::run(async move { runtime::session()?.enroll(options).await }).await
}

/// Shows the system prompt bound to the key, signs the server challenge
/// with the key it unlocks, and returns a one-time token. Only one prompt
/// runs at a time: a second call gets `InProgress`.
pub async fn authenticate(request: AuthenticateRequest) -> Result<BiometricToken, KeyboundError> {
    runtime::run(async move { runtime::session()?.authenticate(request).await }).await
}

/// Cancels the prompt in flight, if any; it ends with `UserCanceled`.
pub fn cancel() -> Result<(), KeyboundError> {
    runtime::session()?.cancel();
    Ok(())
}

/// Deletes the key under `alias`; `false` when there was none.
pub async fn delete_key(alias: String) -> Result<bool, KeyboundError> {
    runtime::run(async move { runtime::session()?.delete_key(&alias).await }).await
}
