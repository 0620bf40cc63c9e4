//! A software stand-in for the phone, for tests and desktop development.
//!
//! Keys are software P-256 keys made with ring, the library's one crypto
//! backend (ring does not wipe its PKCS#8 document or key pair on drop:
//! acceptable for the throwaway keys of a simulator that Android builds never
//! contain); prompts follow a script. It behaves like the Android implementation where that matters to
//! the session: errors come as Android codes through the same mapping, the
//! key refuses nothing but requires a prompt for every signature, a new
//! enrolment invalidates keys, StrongBox can be made to fail.
//!
//! This module is compiled out of Android builds (`cfg(not(target_os =
//! "android"))` in `platform/mod.rs`), so an app can never end up with it.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use parking_lot::Mutex;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING};
use tokio::sync::Notify;

use super::android_codes::{self, prompt_error};
use super::{
    AuthType, CreateKeyRequest, CreatedKey, Platform, PlatformError, PlatformStatus, SecurityLevel,
    SignOutcome, SignRequest,
};

/// What the next prompt does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scripted {
    /// The user authenticates after `after`.
    Succeed {
        /// Delay before the user authenticates.
        after: Duration,
        /// How the user authenticates.
        auth: AuthType,
    },
    /// Wrong fingers `failed_reads` times (the prompt stays up), then success.
    FailedReadsThenSucceed {
        /// How many unrecognised reads come first.
        failed_reads: usize,
        /// Delay between reads.
        each: Duration,
    },
    /// The prompt ends with an Android `BIOMETRIC_ERROR_*` code after `after`.
    AndroidError {
        /// The Android code (see [`android_codes`]).
        code: i32,
        /// Delay before the error.
        after: Duration,
    },
    /// The user presses the negative button after `after`.
    NegativeButton {
        /// Delay before the press.
        after: Duration,
    },
    /// The prompt stays up until cancelled.
    NeverAnswer,
}

impl Scripted {
    /// Success with a biometric after `ms` milliseconds.
    pub fn succeed_after_ms(ms: u64) -> Self {
        Scripted::Succeed {
            after: Duration::from_millis(ms),
            auth: AuthType::Biometric,
        }
    }

    /// An Android error code right away.
    pub fn android_error(code: i32) -> Self {
        Scripted::AndroidError {
            code,
            after: Duration::ZERO,
        }
    }
}

/// A software key (see the module docs on wiping).
struct SimKey {
    signing: EcdsaKeyPair,
    allow_device_credential: bool,
    invalidated: bool,
}

/// The simulated platform. Cheap to create; share it as `Arc`.
pub struct SimulatedPlatform {
    status: Mutex<PlatformStatus>,
    keys: Mutex<HashMap<String, SimKey>>,
    script: Mutex<VecDeque<Scripted>>,
    default_outcome: Mutex<Scripted>,
    strongbox_fails: Mutex<bool>,
    cancel: Notify,
    prompts_shown: AtomicUsize,
    failed_reads: AtomicUsize,
    active_prompts: AtomicUsize,
}

impl Default for SimulatedPlatform {
    fn default() -> Self {
        Self::new()
    }
}

impl SimulatedPlatform {
    /// A capable device: API 34, Class 3 biometrics enrolled, lock screen
    /// set, StrongBox present; prompts succeed after 50 ms unless scripted.
    pub fn new() -> Self {
        Self {
            status: Mutex::new(PlatformStatus {
                api_level: Some(34),
                hardware_present: true,
                biometrics_enrolled: true,
                class3_available: true,
                device_secure: true,
                strongbox_present: true,
            }),
            keys: Mutex::new(HashMap::new()),
            script: Mutex::new(VecDeque::new()),
            default_outcome: Mutex::new(Scripted::succeed_after_ms(50)),
            strongbox_fails: Mutex::new(false),
            cancel: Notify::new(),
            prompts_shown: AtomicUsize::new(0),
            failed_reads: AtomicUsize::new(0),
            active_prompts: AtomicUsize::new(0),
        }
    }

    /// Replaces the device capabilities.
    pub fn set_status(&self, status: PlatformStatus) {
        *self.status.lock() = status;
    }

    /// Queues outcomes for the next prompts, in order.
    pub fn script(&self, outcomes: impl IntoIterator<Item = Scripted>) {
        self.script.lock().extend(outcomes);
    }

    /// What prompts do once the script is used up.
    pub fn set_default_outcome(&self, outcome: Scripted) {
        *self.default_outcome.lock() = outcome;
    }

    /// Makes StrongBox key generation fail (`StrongBoxUnavailableException`).
    pub fn set_strongbox_fails(&self, fails: bool) {
        *self.strongbox_fails.lock() = fails;
    }

    /// A biometric was enrolled or removed: every key is now invalidated.
    pub fn enrol_new_biometric(&self) {
        for key in self.keys.lock().values_mut() {
            key.invalidated = true;
        }
    }

    /// How many prompts were shown so far.
    pub fn prompts_shown(&self) -> usize {
        self.prompts_shown.load(Ordering::SeqCst)
    }

    /// How many prompts are showing now.
    pub fn active_prompts(&self) -> usize {
        self.active_prompts.load(Ordering::SeqCst)
    }

    /// How many unrecognised reads happened (the prompt stayed up each time).
    pub fn failed_reads(&self) -> usize {
        self.failed_reads.load(Ordering::SeqCst)
    }

    fn next_outcome(&self) -> Scripted {
        self.script
            .lock()
            .pop_front()
            .unwrap_or_else(|| self.default_outcome.lock().clone())
    }

    /// Signs after a successful prompt, with Keystore's output format (DER).
    fn sign(&self, req: &SignRequest, auth: AuthType) -> Result<SignOutcome, PlatformError> {
        let keys = self.keys.lock();
        let key = keys.get(&req.alias).ok_or(PlatformError::KeyNotFound)?;
        if auth == AuthType::DeviceCredential && !key.allow_device_credential {
            return Err(PlatformError::Bridge(
                "key does not accept device credential".into(),
            ));
        }
        let payload = match auth {
            AuthType::Biometric => &req.payload,
            AuthType::DeviceCredential => {
                req.payload_device_credential.as_ref().ok_or_else(|| {
                    PlatformError::Bridge("device credential used but not allowed".into())
                })?
            }
        };
        // SHA256withECDSA in DER, as Keystore returns it.
        let signature = key
            .signing
            .sign(&SystemRandom::new(), payload)
            .map_err(|_| PlatformError::Bridge("software signing failed".into()))?;
        Ok(SignOutcome {
            der_signature: signature.as_ref().to_vec(),
            auth_type: auth,
        })
    }

    async fn wait_or_cancel(&self, delay: Duration) -> Result<(), PlatformError> {
        tokio::select! {
            () = tokio::time::sleep(delay) => Ok(()),
            () = self.cancel.notified() => Err(prompt_error(android_codes::CANCELED, "Canceled")),
        }
    }

    async fn run_prompt(&self, req: &SignRequest) -> Result<SignOutcome, PlatformError> {
        match self.next_outcome() {
            Scripted::Succeed { after, auth } => {
                self.wait_or_cancel(after).await?;
                self.sign(req, auth)
            }
            Scripted::FailedReadsThenSucceed { failed_reads, each } => {
                for _ in 0..failed_reads {
                    self.wait_or_cancel(each).await?;
                    self.failed_reads.fetch_add(1, Ordering::SeqCst);
                }
                self.wait_or_cancel(each).await?;
                self.sign(req, AuthType::Biometric)
            }
            Scripted::AndroidError { code, after } => {
                self.wait_or_cancel(after).await?;
                Err(prompt_error(code, format!("simulated error {code}")))
            }
            Scripted::NegativeButton { after } => {
                self.wait_or_cancel(after).await?;
                Err(prompt_error(android_codes::NEGATIVE_BUTTON, "Cancel"))
            }
            Scripted::NeverAnswer => {
                self.cancel.notified().await;
                Err(prompt_error(android_codes::CANCELED, "Canceled"))
            }
        }
    }
}

/// Decrements the active-prompt count however the prompt ends (also when
/// its future is dropped, which is how the session cancels).
struct ActivePrompt<'a>(&'a AtomicUsize);

impl Drop for ActivePrompt<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl Platform for SimulatedPlatform {
    async fn status(&self) -> Result<PlatformStatus, PlatformError> {
        Ok(*self.status.lock())
    }

    async fn key_exists(&self, alias: &str) -> Result<bool, PlatformError> {
        Ok(self.keys.lock().contains_key(alias))
    }

    async fn create_key(&self, req: CreateKeyRequest) -> Result<CreatedKey, PlatformError> {
        let status = *self.status.lock();
        if req.allow_device_credential && status.api_level.is_some_and(|l| l < 30) {
            return Err(PlatformError::Unsupported(
                "device credential keys need API 30".into(),
            ));
        }
        let security_level =
            if req.prefer_strongbox && status.strongbox_present && !*self.strongbox_fails.lock() {
                SecurityLevel::StrongBox
            } else {
                SecurityLevel::TrustedEnvironment
            };
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| PlatformError::Bridge("software key generation failed".into()))?;
        let signing =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
                .map_err(|_| PlatformError::Bridge("software key import failed".into()))?;
        // Uncompressed SEC1 `04 || x || y`.
        let public_key_sec1 = signing.public_key().as_ref().to_vec();
        self.keys.lock().insert(
            req.alias,
            SimKey {
                signing,
                allow_device_credential: req.allow_device_credential,
                invalidated: false,
            },
        );
        Ok(CreatedKey {
            public_key_sec1,
            attestation_chain: Vec::new(),
            security_level,
        })
    }

    async fn public_key(&self, alias: &str) -> Result<Vec<u8>, PlatformError> {
        let keys = self.keys.lock();
        let key = keys.get(alias).ok_or(PlatformError::KeyNotFound)?;
        Ok(key.signing.public_key().as_ref().to_vec())
    }

    async fn sign_with_prompt(&self, req: SignRequest) -> Result<SignOutcome, PlatformError> {
        {
            // Keystore checks the key when the Signature is initialised,
            // before any prompt: an invalidated key is deleted there.
            let mut keys = self.keys.lock();
            match keys.get(&req.alias) {
                None => return Err(PlatformError::KeyNotFound),
                Some(key) if key.invalidated => {
                    keys.remove(&req.alias);
                    return Err(PlatformError::KeyInvalidated);
                }
                Some(_) => {}
            }
        }
        self.prompts_shown.fetch_add(1, Ordering::SeqCst);
        self.active_prompts.fetch_add(1, Ordering::SeqCst);
        let _active = ActivePrompt(&self.active_prompts);
        self.run_prompt(&req).await
    }

    fn cancel(&self) {
        self.cancel.notify_waiters();
    }

    async fn delete_key(&self, alias: &str) -> Result<bool, PlatformError> {
        Ok(self.keys.lock().remove(alias).is_some())
    }
}
