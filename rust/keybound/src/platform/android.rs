//! Android platform over JNI: every [`Platform`] call goes to
//! `dev.keybound.NativeBridge` through [`crate::jni::Bridge`]; prompt
//! outcomes come back through the bridge's request registry.
//!
//! Compiled on every target: the host tests drive it against a real JVM with
//! the Java bridge and a host Java platform.
//!
//! Threads: every call that can reach the Keystore (key generation, the
//! `initSign` that `NativeBridge.authenticate` does before showing a prompt,
//! reading a public key, `containsAlias`, deletion) blocks its thread, for
//! hundreds of milliseconds on StrongBox. None of them runs on the async
//! runtime's worker threads: `off_runtime` runs them on tokio's blocking
//! pool (`spawn_blocking`), or on a dedicated thread when no tokio runtime is
//! current, and awaits the result. Only `NativeBridge.cancel`, which takes a
//! lock and posts to the main thread, is called in place (it must also run
//! from `Drop`, where nothing can be awaited).

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;

use crate::api::error::ErrorCode;
use crate::jni::{
    self as bridge, Bridge, BridgeError, CallbackResult, JavaKeyInfo, JavaStatus, PromptArgs,
};
use crate::platform::android_codes::prompt_error;
use crate::platform::{
    AuthType, CreateKeyRequest, CreatedKey, Platform, PlatformError, PlatformStatus, SecurityLevel,
    SignOutcome, SignRequest,
};

/// `BiometricManager.BIOMETRIC_SUCCESS`.
const BM_SUCCESS: i32 = 0;
/// `BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED`.
const BM_NONE_ENROLLED: i32 = 11;
/// `BiometricManager.BIOMETRIC_ERROR_NO_HARDWARE`.
const BM_NO_HARDWARE: i32 = 12;
/// `DeviceInfo.STATUS_UNKNOWN` (the OS cannot tell; API 28 asks FingerprintManager).
const BM_UNKNOWN: i32 = -1;

/// DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1,
/// BIT STRING of 66 bytes with no unused bits); the 65-byte point follows.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The platform once the Java side has initialised the bridge
/// (`JNI_OnLoad` on Android, [`crate::jni::init_with_bridge_class`] in tests).
pub fn installed() -> Option<Arc<dyn Platform>> {
    static PLATFORM: OnceLock<Arc<AndroidPlatform>> = OnceLock::new();
    let bridge = bridge::bridge()?;
    let platform = PLATFORM.get_or_init(|| Arc::new(AndroidPlatform::new(Arc::clone(bridge))));
    Some(Arc::clone(platform) as Arc<dyn Platform>)
}

/// [`Platform`] on Android's Keystore and BiometricPrompt, through JNI.
#[derive(Debug, Clone)]
pub struct AndroidPlatform {
    bridge: Arc<Bridge>,
}

impl AndroidPlatform {
    /// A platform over an initialised bridge.
    pub fn new(bridge: Arc<Bridge>) -> Self {
        Self { bridge }
    }

    /// The bridge (registry statistics for diagnostics and tests).
    pub fn bridge(&self) -> &Arc<Bridge> {
        &self.bridge
    }

    /// Runs a blocking bridge call off the async runtime's workers (see the
    /// module docs) and awaits it.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Bridge) -> Result<T, BridgeError> + Send + 'static,
    ) -> Result<T, PlatformError> {
        let bridge = Arc::clone(&self.bridge);
        off_runtime(move || f(&bridge))
            .await?
            .map_err(map_bridge_error)
    }
}

/// Runs `f` on tokio's blocking pool when a tokio runtime is current, else on
/// a thread of its own, and waits for it without blocking the caller's
/// executor. A panic in `f` becomes a [`PlatformError::Bridge`].
pub(crate) async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PlatformError> {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle
            .spawn_blocking(f)
            .await
            .map_err(|e| PlatformError::Bridge(format!("keystore task failed: {e}"))),
        Err(_) => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            std::thread::Builder::new()
                .name("keybound-keystore".into())
                .spawn(move || {
                    // The receiver is gone only when the caller was dropped.
                    let _ = tx.send(f());
                })
                .map_err(|e| PlatformError::Bridge(format!("no keystore thread: {e}")))?;
            rx.await
                .map_err(|_| PlatformError::Bridge("keystore thread failed".into()))
        }
    }
}

/// Where the start of a prompt stands, for a waiter dropped while the
/// (blocking) start runs off the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// `NativeBridge.authenticate` has not returned yet.
    Starting,
    /// Java accepted the request: a cancel now reaches the prompt.
    Started,
    /// The waiter went away before Java answered: whoever sees the
    /// acceptance cancels.
    Abandoned,
}

#[async_trait]
impl Platform for AndroidPlatform {
    async fn status(&self) -> Result<PlatformStatus, PlatformError> {
        let s = self.blocking(|b| b.status()).await?;
        Ok(status_from_java(s))
    }

    async fn key_exists(&self, alias: &str) -> Result<bool, PlatformError> {
        let alias = alias.to_owned();
        self.blocking(move |b| b.key_exists(&alias)).await
    }

    async fn create_key(&self, req: CreateKeyRequest) -> Result<CreatedKey, PlatformError> {
        let info = self
            .blocking(move |b| {
                b.create_key(
                    &req.alias,
                    &req.attestation_challenge,
                    req.allow_device_credential,
                    req.prefer_strongbox,
                )
            })
            .await?;
        created_key_from_java(info)
    }

    async fn public_key(&self, alias: &str) -> Result<Vec<u8>, PlatformError> {
        let alias = alias.to_owned();
        let spki = self.blocking(move |b| b.public_key(&alias)).await?;
        spki_to_sec1(&spki)
    }

    async fn sign_with_prompt(&self, req: SignRequest) -> Result<SignOutcome, PlatformError> {
        let registry = Arc::clone(self.bridge.registry());
        let id = registry.next_id();
        let start = Arc::new(parking_lot::Mutex::new(Start::Starting));
        let on_abandon = {
            let bridge = Arc::clone(&self.bridge);
            let start = Arc::clone(&start);
            Box::new(move |id: u64| {
                let mut state = start.lock();
                match *state {
                    // Java does not know the id yet: the start cancels it
                    // once accepted (below).
                    Start::Starting => *state = Start::Abandoned,
                    Start::Started => {
                        drop(state);
                        // The waiter is gone (cancelled, timed out): stop the prompt.
                        if let Err(e) = bridge.cancel(id) {
                            tracing::warn!(error = %e, "keybound: cancelling an abandoned prompt failed");
                        }
                    }
                    Start::Abandoned => {}
                }
            })
        };
        // Registered before Java can answer. Java's `authenticate` runs
        // `initSign` (a Keystore call), so the start runs off the runtime;
        // a drop of this future meanwhile is resolved through `start`.
        let mut pending = registry.register(id, on_abandon);
        let started = {
            let bridge = Arc::clone(&self.bridge);
            let start = Arc::clone(&start);
            off_runtime(move || {
                let started = bridge.authenticate(
                    id,
                    &PromptArgs {
                        alias: &req.alias,
                        payload: &req.payload,
                        payload_device_credential: req
                            .payload_device_credential
                            .as_deref()
                            .map(Vec::as_slice),
                        title: &req.prompt.title,
                        subtitle: req.prompt.subtitle.as_deref(),
                        description: req.prompt.description.as_deref(),
                        negative_button: &req.prompt.negative_button,
                        allow_device_credential: req.allow_device_credential,
                    },
                );
                if let Ok(bridge::START_ACCEPTED) = started {
                    let mut state = start.lock();
                    if *state == Start::Abandoned {
                        drop(state);
                        if let Err(e) = bridge.cancel(id) {
                            tracing::warn!(error = %e, "keybound: cancelling an abandoned prompt failed");
                        }
                    } else {
                        *state = Start::Started;
                    }
                }
                started
            })
            .await?
        };
        match started {
            Ok(bridge::START_ACCEPTED) => {}
            Ok(bridge::START_BUSY) => {
                pending.disarm();
                return Err(PlatformError::Prompt {
                    code: ErrorCode::InProgress,
                    platform_code: None,
                    message: "another prompt is showing".into(),
                });
            }
            Ok(other) => {
                pending.disarm();
                return Err(PlatformError::Bridge(format!(
                    "authenticate returned unknown start code {other}"
                )));
            }
            Err(e) => {
                pending.disarm();
                return Err(map_bridge_error(e));
            }
        }
        let result = pending
            .outcome()
            .await
            .map_err(|lost| PlatformError::Bridge(lost.to_string()))?;
        outcome_to_result(result)
    }

    fn cancel(&self) {
        for id in self.bridge.registry().waiting_ids() {
            if let Err(e) = self.bridge.cancel(id) {
                tracing::warn!(error = %e, "keybound: cancel failed");
            }
        }
    }

    async fn delete_key(&self, alias: &str) -> Result<bool, PlatformError> {
        let alias = alias.to_owned();
        self.blocking(move |b| b.delete_key(&alias)).await
    }
}

/// What `NativeBridge.status()` reported, as the platform status.
pub fn status_from_java(s: JavaStatus) -> PlatformStatus {
    PlatformStatus {
        api_level: u32::try_from(s.api_level).ok().filter(|l| *l > 0),
        hardware_present: s.strong_biometric != BM_NO_HARDWARE,
        biometrics_enrolled: !matches!(s.strong_biometric, BM_NONE_ENROLLED | BM_NO_HARDWARE),
        // API 28 cannot tell: report usable and let the prompt decide.
        class3_available: matches!(s.strong_biometric, BM_SUCCESS | BM_UNKNOWN),
        device_secure: s.device_secure,
        strongbox_present: s.strongbox,
    }
}

/// What `NativeBridge.createKey` returned, checked: a known security level
/// and a P-256 public key on the curve.
pub fn created_key_from_java(info: JavaKeyInfo) -> Result<CreatedKey, PlatformError> {
    let security_level = match info.security_level {
        0 => SecurityLevel::Software,
        1 => SecurityLevel::TrustedEnvironment,
        2 => SecurityLevel::StrongBox,
        other => {
            return Err(PlatformError::Bridge(format!(
                "unknown security level {other} from KeyInfo"
            )))
        }
    };
    Ok(CreatedKey {
        public_key_sec1: spki_to_sec1(&info.public_key_spki)?,
        attestation_chain: info.attestation_chain,
        security_level,
    })
}

/// One Java outcome as the platform result. Public (hidden) for the fuzz
/// targets in `fuzz/`.
#[doc(hidden)]
pub fn outcome_to_result(result: CallbackResult) -> Result<SignOutcome, PlatformError> {
    let message = result.message.unwrap_or_default();
    match result.outcome {
        bridge::OUTCOME_SUCCESS => {
            let der_signature = result
                .der_signature
                .filter(|der| !der.is_empty())
                .ok_or_else(|| PlatformError::Bridge("success without a signature".into()))?;
            let auth_type = match result.auth_type {
                bridge::AUTH_TYPE_BIOMETRIC => AuthType::Biometric,
                bridge::AUTH_TYPE_DEVICE_CREDENTIAL => AuthType::DeviceCredential,
                other => {
                    return Err(PlatformError::Bridge(format!("unknown auth type {other}")));
                }
            };
            Ok(SignOutcome {
                der_signature,
                auth_type,
            })
        }
        bridge::OUTCOME_SIGN_FAILED => Err(PlatformError::Bridge(format!(
            "signing after the prompt failed: {message}"
        ))),
        bridge::OUTCOME_BRIDGE_FAILED => Err(PlatformError::Bridge(format!(
            "the prompt could not be shown: {message}"
        ))),
        bridge::OUTCOME_USER_NOT_AUTHENTICATED => Err(PlatformError::UnlockRequired(format!(
            "signing after the prompt was refused until the device is unlocked: {message}"
        ))),
        code => Err(prompt_error(code, message)),
    }
}

/// The platform error for a bridge error (KeyVaultException reasons typed).
pub fn map_bridge_error(e: BridgeError) -> PlatformError {
    match e {
        BridgeError::KeyVault { reason, message } => match reason {
            bridge::KV_NOT_FOUND => PlatformError::KeyNotFound,
            bridge::KV_INVALIDATED => PlatformError::KeyInvalidated,
            bridge::KV_UNSUPPORTED => PlatformError::Unsupported(message),
            bridge::KV_NOT_ENROLLED => PlatformError::NotEnrolled(message),
            bridge::KV_USER_NOT_AUTHENTICATED => PlatformError::UnlockRequired(message),
            _ => PlatformError::Bridge(format!("KeyVaultException (reason {reason}): {message}")),
        },
        other => PlatformError::Bridge(other.to_string()),
    }
}

/// Uncompressed SEC1 point of a P-256 SubjectPublicKeyInfo, checked to be
/// on the curve.
pub fn spki_to_sec1(spki: &[u8]) -> Result<Vec<u8>, PlatformError> {
    let point = spki
        .strip_prefix(&P256_SPKI_PREFIX[..])
        .filter(|point| point.len() == 65 && point[0] == 0x04)
        .ok_or_else(|| PlatformError::Bridge("public key is not a P-256 SPKI".into()))?;
    // ring's full public-key validation (through the protocol crate), so
    // the device library needs no second curve implementation.
    keybound_protocol::Jwk::from_sec1(point)
        .map_err(|_| PlatformError::Bridge("public key is not on P-256".into()))?;
    Ok(point.to_vec())
}

#[cfg(test)]
mod tests;
