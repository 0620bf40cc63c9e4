//! Plain data that crosses into Dart. Only structs and field-less enums
//! (flutter_rust_bridge would need `freezed` for enums with data).
//!
//! What keybound returns ([`DeviceStatus`], [`KeyRegistration`],
//! [`BiometricToken`]) and its enums are `#[non_exhaustive]`: later
//! versions may add fields and variants. The options callers pass in
//! ([`EnrollOptions`], [`PromptOptions`], [`AuthenticateRequest`]) are
//! built with struct literals, so they stay exhaustive.

/// The enrol check: what this device can do now, and whether a keybound key
/// exists.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceStatus {
    /// Android API level; `None` on hosts without one (the simulator reports one).
    pub api_level: Option<u32>,
    /// keybound can work on this OS version at all (Android 9 / API 28+).
    pub supported: bool,
    /// A biometric sensor exists.
    pub hardware_present: bool,
    /// At least one biometric is enrolled.
    pub biometrics_enrolled: bool,
    /// A Class 3 (strong) biometric can unlock keys now.
    pub class3_available: bool,
    /// A lock screen (PIN, pattern, password) is set.
    pub device_secure: bool,
    /// The device has a StrongBox secure element.
    pub strong_box_present: bool,
    /// Device credential can stand in for a biometric (API 30+ and secure).
    pub device_credential_fallback: bool,
    /// A key exists under the alias asked about.
    pub key_enrolled: bool,
}

/// Where a key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySecurityLevel {
    /// Software only (never accepted by keybound backends).
    Software,
    /// Trusted Execution Environment.
    TrustedEnvironment,
    /// StrongBox secure element.
    StrongBox,
}

/// How the user authenticated for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMethod {
    /// A Class 3 biometric.
    Biometric,
    /// PIN, pattern or password.
    DeviceCredential,
}

/// Options for [`crate::api::keybound::enroll`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::exhaustive_structs,
    reason = "callers build it with a struct literal (there is no constructor); a new field is a breaking change"
)]
pub struct EnrollOptions {
    /// Key alias: 1 to 64 of `A-Z a-z 0-9 _ . -`.
    pub alias: String,
    /// The server's registration nonce, embedded in the key attestation
    /// (1 to 128 bytes).
    pub attestation_challenge: Vec<u8>,
    /// Let the device credential unlock the key too (Android 11 / API 30+).
    pub allow_device_credential: bool,
    /// Create the key in StrongBox when the device has one (TEE otherwise).
    pub prefer_strong_box: bool,
}

/// A newly enrolled key: send all of it to the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyRegistration {
    /// The alias it was created under.
    pub alias: String,
    /// RFC 7638 thumbprint of the public key (the token's `kid`).
    pub key_id: String,
    /// The public key as JWK JSON (`{"crv":"P-256","kty":"EC","x":..,"y":..}`).
    pub public_key_jwk: String,
    /// Attestation certificates, DER, leaf first (empty on the simulator).
    pub attestation_chain: Vec<Vec<u8>>,
    /// Where the key lives.
    pub security_level: KeySecurityLevel,
}

/// The text of the system prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::exhaustive_structs,
    reason = "callers build it with a struct literal (there is no constructor); a new field is a breaking change"
)]
pub struct PromptOptions {
    /// Title, 1 to 100 characters.
    pub title: String,
    /// Optional subtitle, up to 100 characters.
    pub subtitle: Option<String>,
    /// Optional description, up to 500 characters.
    pub description: Option<String>,
    /// Negative button label, 1 to 40 characters.
    pub negative_button: String,
}

/// Options for [`crate::api::keybound::authenticate`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::exhaustive_structs,
    reason = "callers build it with a struct literal (there is no constructor); a new field is a breaking change"
)]
pub struct AuthenticateRequest {
    /// Key alias (see [`EnrollOptions::alias`]).
    pub alias: String,
    /// The server challenge (the token's `nonce`), 1 to 256 characters.
    pub challenge: String,
    /// Who the token is for (the token's `aud`), 1 to 256 characters.
    pub audience: String,
    /// Prompt text.
    pub prompt: PromptOptions,
    /// Bytes of a transaction to bind (their SHA-256 becomes `txn`), at most
    /// 64 KiB.
    pub transaction: Option<Vec<u8>>,
    /// Offer the device credential (API 30+ and a key enrolled with it).
    pub allow_device_credential: bool,
    /// Token lifetime in seconds, 1 to 300.
    pub ttl_seconds: u32,
}

/// A one-time token to send to the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BiometricToken {
    /// The JWS compact token. Send it; never log it.
    pub token: String,
    /// The key id (`kid`).
    pub key_id: String,
    /// Expiry, Unix seconds.
    pub expires_at_unix: i64,
    /// How the user authenticated.
    pub auth_method: AuthMethod,
}
