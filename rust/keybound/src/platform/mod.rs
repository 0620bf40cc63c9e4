//! The OS boundary: everything keybound needs from a phone, and nothing more.
//!
//! Android (through JNI and the Java bridge) is one implementation; the
//! simulated platform in [`simulated`] is another, for tests and desktop
//! development. An iOS implementation would be a third. The session core in
//! [`crate::session`] only ever talks to this trait.
//!
//! Rules every implementation follows:
//! - one prompt at a time is the session's job, but a platform must cope with
//!   [`Platform::cancel`] racing a finishing prompt;
//! - dropping the future returned by [`Platform::sign_with_prompt`] cancels the
//!   prompt it showed (timeouts and cancellation rely on it);
//! - key material never leaves the platform: it hands back public keys,
//!   certificates and signatures only.

use async_trait::async_trait;
use zeroize::Zeroizing;

use crate::error::ErrorCode;

pub mod android;
pub mod android_codes;
#[cfg(not(any(target_os = "android", keybound_android_check)))]
pub mod simulated;

/// What the device can do right now (the enrol check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlatformStatus {
    /// OS API level (Android `SDK_INT`), `None` where the notion does not apply.
    pub api_level: Option<u32>,
    /// A biometric sensor of any class exists.
    pub hardware_present: bool,
    /// At least one biometric is enrolled.
    pub biometrics_enrolled: bool,
    /// A Class 3 (`BIOMETRIC_STRONG`) authenticator is usable now; only these
    /// can unlock a Keystore key.
    pub class3_available: bool,
    /// A lock screen (PIN, pattern, password) is set.
    pub device_secure: bool,
    /// The device has a StrongBox secure element.
    pub strongbox_present: bool,
}

impl PlatformStatus {
    /// Device credential may stand in for a biometric on a key-bound prompt:
    /// only from API 30 (`BIOMETRIC_STRONG | DEVICE_CREDENTIAL`), and only with
    /// a lock screen set.
    pub fn device_credential_fallback(&self) -> bool {
        self.device_secure && self.api_level.is_some_and(|l| l >= 30)
    }
}

/// Where a key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityLevel {
    /// Software only (never accepted by keybound's policy, reported for honesty).
    Software,
    /// Trusted Execution Environment.
    TrustedEnvironment,
    /// A discrete secure element (StrongBox).
    StrongBox,
}

/// How the user proved presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthType {
    /// A Class 3 biometric.
    Biometric,
    /// PIN, pattern or password.
    DeviceCredential,
}

/// Parameters for a new hardware key.
#[derive(Debug, Clone)]
pub struct CreateKeyRequest {
    /// Key alias (validated by the API layer: `[A-Za-z0-9_.-]{1,64}`).
    pub alias: String,
    /// Server nonce embedded in the attestation certificate.
    pub attestation_challenge: Vec<u8>,
    /// Let the lock-screen credential unlock the key too (API 30+ only).
    pub allow_device_credential: bool,
    /// Try StrongBox first, fall back to the TEE and report the level.
    pub prefer_strongbox: bool,
}

/// A key that now exists on the device.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// Uncompressed SEC1 P-256 point (65 bytes, `0x04 || x || y`).
    pub public_key_sec1: Vec<u8>,
    /// Attestation chain, DER, leaf first. Empty where the platform has none.
    pub attestation_chain: Vec<Vec<u8>>,
    /// Where the key was created.
    pub security_level: SecurityLevel,
}

/// What the prompt says: the API's prompt options, validated by
/// [`crate::validate::prompt`] before they reach a platform. The negative
/// button label is unused when device credential is allowed (the system
/// shows its own "use PIN" button).
pub use crate::api::types::PromptOptions as PromptText;

/// A request to show the prompt and sign `payload` with the key it unlocks.
#[derive(Debug, Clone)]
pub struct SignRequest {
    /// Which key.
    pub alias: String,
    /// The exact bytes to sign (the JWS signing input) when the user
    /// authenticates with a biometric.
    pub payload: Zeroizing<Vec<u8>>,
    /// The bytes to sign instead when the user authenticates with the device
    /// credential (the token's `auth` claim differs, and it is signed, so the
    /// session prepares both and the platform signs the one matching how the
    /// user authenticated). `Some` exactly when `allow_device_credential`.
    pub payload_device_credential: Option<Zeroizing<Vec<u8>>>,
    /// Prompt text.
    pub prompt: PromptText,
    /// Offer device credential (API 30+; refused earlier by the session).
    pub allow_device_credential: bool,
}

/// A signature made after a successful prompt.
#[derive(Debug, Clone)]
pub struct SignOutcome {
    /// `SHA256withECDSA` output: ASN.1 DER `SEQUENCE { r, s }`.
    pub der_signature: Vec<u8>,
    /// How the user authenticated.
    pub auth_type: AuthType,
}

/// Why a platform call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The prompt ended with an error; `code` is the typed keybound code,
    /// `platform_code` the raw OS code (Android `BIOMETRIC_ERROR_*`).
    #[error("prompt ended: {message}")]
    Prompt {
        /// Typed code (see [`android_codes::map_prompt_error`]).
        code: ErrorCode,
        /// Raw OS code.
        platform_code: Option<i32>,
        /// OS message, for developers (never shown as-is to users).
        message: String,
    },
    /// No key under this alias.
    #[error("no key under this alias")]
    KeyNotFound,
    /// The key was invalidated (biometric enrolment changed or lock screen
    /// removed); the platform has deleted it.
    #[error("key permanently invalidated")]
    KeyInvalidated,
    /// The OS cannot do what was asked (API level, missing hardware).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The Keystore refused a key that needs a biometric for every use:
    /// none is enrolled (API 28: no fingerprint).
    #[error("no biometric enrolled: {0}")]
    NotEnrolled(String),
    /// The Keystore refused the key for now: the device must be unlocked
    /// with its PIN, pattern or password first (Android
    /// `UserNotAuthenticatedException`).
    #[error("unlock required: {0}")]
    UnlockRequired(String),
    /// The native bridge failed (a Java exception, a JNI error).
    #[error("bridge failure: {0}")]
    Bridge(String),
}

/// The OS boundary. See the module docs for the contract.
#[async_trait]
pub trait Platform: Send + Sync + 'static {
    /// Capabilities now.
    async fn status(&self) -> Result<PlatformStatus, PlatformError>;
    /// Whether a key exists under `alias`.
    async fn key_exists(&self, alias: &str) -> Result<bool, PlatformError>;
    /// Create (replacing any existing) key under `req.alias`.
    async fn create_key(&self, req: CreateKeyRequest) -> Result<CreatedKey, PlatformError>;
    /// The public key (uncompressed SEC1) of `alias`.
    async fn public_key(&self, alias: &str) -> Result<Vec<u8>, PlatformError>;
    /// Show the prompt bound to the key and sign on success. Dropping the
    /// returned future cancels the prompt.
    async fn sign_with_prompt(&self, req: SignRequest) -> Result<SignOutcome, PlatformError>;
    /// Cancel the prompt showing now, if any (it then ends with a
    /// `UserCanceled`-class error from the platform or is simply dropped).
    fn cancel(&self);
    /// Delete the key; `Ok(false)` when there was none.
    async fn delete_key(&self, alias: &str) -> Result<bool, PlatformError>;
}
