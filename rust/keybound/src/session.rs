//! The authentication session: the heart of keybound on the device.
//!
//! - One prompt at a time: a second `authenticate` while one is in flight
//!   gets `InProgress` at once, and no second prompt is ever shown.
//! - `cancel()` ends the prompt in flight (`UserCanceled`). When the app
//!   goes to the background, the platform ends the prompt and reports
//!   `SystemCanceled` (tests without Java use `app_backgrounded()`). A
//!   prompt that outlives `prompt_timeout` ends with `Timeout`. Ending it
//!   drops the platform's future, which dismisses the system prompt.
//! - No retries in tight loops: after `failures_before_cooldown` consecutive
//!   non-success prompt outcomes, every further failure starts a growing
//!   cooldown (`CoolingDown` + retry-after, no prompt shown). A temporary
//!   lockout (Android code 7) blocks prompts for `lockout` (`LockedOut` +
//!   retry-after). A success resets both. A wall clock set back never
//!   makes either window longer than configured.
//! - A key invalidated by a new biometric enrolment is deleted and reported
//!   as `KeyInvalidated`, so the app can enrol again.
//! - A token is returned only after it verifies with the key's public key:
//!   a platform that signed the wrong bytes cannot produce a bad token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keybound_protocol as protocol;
use parking_lot::Mutex;
use tokio::sync::oneshot;
use tracing::{info, info_span, warn, Instrument};
use zeroize::Zeroizing;

use crate::api::types::{
    AuthMethod, AuthenticateRequest, BiometricToken, DeviceStatus, EnrollOptions, KeyRegistration,
    KeySecurityLevel,
};
use crate::clock::Clock;
use crate::error::{ErrorCode, KeyboundError};
use crate::platform::{
    AuthType, CreateKeyRequest, Platform, PlatformError, PlatformStatus, SecurityLevel, SignRequest,
};
use crate::validate;

/// The first Android API level keybound supports (framework BiometricPrompt).
pub const MIN_API_LEVEL: u32 = 28;
/// The first API level where device credential can unlock a Keystore key
/// through the prompt (`BIOMETRIC_STRONG | DEVICE_CREDENTIAL`).
pub const DEVICE_CREDENTIAL_API_LEVEL: u32 = 30;

/// Tunables of the session. The defaults suit a banking app.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// How long a prompt may stay up before keybound ends it with `Timeout`.
    pub prompt_timeout: Duration,
    /// Consecutive failed prompts tolerated before the cooldown starts.
    pub failures_before_cooldown: u32,
    /// The first cooldown; each further failure doubles it.
    pub cooldown_base: Duration,
    /// The longest cooldown.
    pub cooldown_max: Duration,
    /// How long a temporary lockout (Android code 7) blocks prompts.
    pub lockout: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            prompt_timeout: Duration::from_secs(120),
            failures_before_cooldown: 3,
            cooldown_base: Duration::from_secs(2),
            cooldown_max: Duration::from_secs(300),
            lockout: Duration::from_secs(30),
        }
    }
}

/// Why a prompt in flight is being ended from outside.
#[derive(Debug, Clone, Copy)]
enum Interrupt {
    Cancel,
    #[cfg(any(test, feature = "test-support"))]
    Background,
}

#[derive(Debug, Default)]
struct State {
    /// The request in flight and how to interrupt it. The mark stays until
    /// that request has ended (its guard drops), also after an interrupt
    /// took the sender: until then its prompt may still be ending, and its
    /// clean-up cancels whatever prompt the platform shows.
    in_flight: Option<(u64, Option<oneshot::Sender<Interrupt>>)>,
    /// An enrol or delete is running (no prompt), blocks prompts too.
    key_operation: bool,
    consecutive_failures: u32,
    cooldown_until_ms: u64,
    lockout_until_ms: u64,
}

/// One per app. See the module docs.
pub struct AuthSession {
    platform: Arc<dyn Platform>,
    config: SessionConfig,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
    next_request_id: AtomicU64,
}

/// Clears the in-flight mark however the request ends (including the
/// caller dropping the future).
struct InFlightGuard<'a> {
    state: &'a Mutex<State>,
    request_id: u64,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.state.lock();
        if state
            .in_flight
            .as_ref()
            .is_some_and(|(id, _)| *id == self.request_id)
        {
            state.in_flight = None;
        }
    }
}

/// Clears the key-operation mark.
struct KeyOperationGuard<'a>(&'a Mutex<State>);

impl Drop for KeyOperationGuard<'_> {
    fn drop(&mut self) {
        self.0.lock().key_operation = false;
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn retry_after(until_ms: u64, now_ms: u64) -> u32 {
    u32::try_from(until_ms.saturating_sub(now_ms)).unwrap_or(u32::MAX)
}

/// The typed error for a platform failure.
pub fn platform_error(err: PlatformError) -> KeyboundError {
    match err {
        PlatformError::Prompt {
            code,
            platform_code,
            message,
        } => KeyboundError::new(code, message).with_platform_code(platform_code),
        PlatformError::KeyNotFound => KeyboundError::new(
            ErrorCode::KeyNotFound,
            "no key under this alias: enrol first",
        ),
        PlatformError::KeyInvalidated => KeyboundError::new(
            ErrorCode::KeyInvalidated,
            "the key was invalidated by a biometric enrolment change and deleted: enrol again",
        ),
        PlatformError::Unsupported(message) => KeyboundError::new(ErrorCode::Unsupported, message),
        PlatformError::NotEnrolled(message) => KeyboundError::new(ErrorCode::NotEnrolled, message),
        PlatformError::UnlockRequired(message) => {
            KeyboundError::new(ErrorCode::UnlockRequired, message)
        }
        PlatformError::Bridge(message) => KeyboundError::new(ErrorCode::PlatformError, message),
    }
}

fn internal(what: &str, err: impl std::fmt::Display) -> KeyboundError {
    KeyboundError::new(ErrorCode::Internal, format!("{what}: {err}"))
}

/// `Unsupported` below the first API level keybound supports.
fn os_supported(status: &PlatformStatus) -> Result<(), KeyboundError> {
    if status.api_level.is_some_and(|l| l < MIN_API_LEVEL) {
        return Err(KeyboundError::new(
            ErrorCode::Unsupported,
            "keybound needs Android 9 (API 28) or newer",
        ));
    }
    Ok(())
}

/// Why a device cannot do Class 3 biometrics now, if it cannot.
fn biometric_readiness(status: &PlatformStatus) -> Result<(), KeyboundError> {
    os_supported(status)?;
    if !status.hardware_present {
        return Err(KeyboundError::new(
            ErrorCode::NoHardware,
            "this device has no biometric sensor",
        ));
    }
    if !status.biometrics_enrolled {
        return Err(KeyboundError::new(
            ErrorCode::NotEnrolled,
            "no biometric is enrolled on this device",
        ));
    }
    if !status.class3_available {
        return Err(KeyboundError::new(
            ErrorCode::HardwareUnavailable,
            "no Class 3 (strong) biometric is usable now",
        ));
    }
    Ok(())
}

fn device_credential_readiness(status: &PlatformStatus) -> Result<(), KeyboundError> {
    if status
        .api_level
        .is_some_and(|l| l < DEVICE_CREDENTIAL_API_LEVEL)
    {
        return Err(KeyboundError::invalid_argument(
            "allow_device_credential",
            "device credential with a hardware key needs Android 11 (API 30)",
        )
        .with_code(ErrorCode::Unsupported));
    }
    if !status.device_secure {
        return Err(KeyboundError::new(
            ErrorCode::NoDeviceCredential,
            "no lock screen credential is set",
        ));
    }
    Ok(())
}

/// The claims and signing inputs for one authentication.
struct PreparedToken {
    kid: String,
    claims_biometric: protocol::Claims,
    input_biometric: Zeroizing<String>,
    claims_credential: Option<protocol::Claims>,
    input_credential: Option<Zeroizing<String>>,
}

impl AuthSession {
    /// A session over `platform`.
    pub fn new(platform: Arc<dyn Platform>, config: SessionConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            platform,
            config,
            clock,
            state: Mutex::new(State::default()),
            next_request_id: AtomicU64::new(1),
        }
    }

    /// The platform this session drives.
    pub fn platform(&self) -> &Arc<dyn Platform> {
        &self.platform
    }

    /// The enrol check for `alias`.
    pub async fn status(&self, alias: &str) -> Result<DeviceStatus, KeyboundError> {
        validate::alias(alias)?;
        let status = self.platform.status().await.map_err(platform_error)?;
        let key_enrolled = self
            .platform
            .key_exists(alias)
            .await
            .map_err(platform_error)?;
        Ok(DeviceStatus {
            api_level: status.api_level,
            supported: status.api_level.is_none_or(|l| l >= MIN_API_LEVEL),
            hardware_present: status.hardware_present,
            biometrics_enrolled: status.biometrics_enrolled,
            class3_available: status.class3_available,
            device_secure: status.device_secure,
            strong_box_present: status.strongbox_present,
            device_credential_fallback: status.device_credential_fallback(),
            key_enrolled,
        })
    }

    fn begin_key_operation(&self) -> Result<KeyOperationGuard<'_>, KeyboundError> {
        let mut state = self.state.lock();
        if state.in_flight.is_some() || state.key_operation {
            return Err(KeyboundError::new(
                ErrorCode::InProgress,
                "another keybound operation is in progress",
            ));
        }
        state.key_operation = true;
        Ok(KeyOperationGuard(&self.state))
    }

    /// Creates a hardware key under `options.alias` (replacing any).
    pub async fn enroll(&self, options: EnrollOptions) -> Result<KeyRegistration, KeyboundError> {
        validate::enroll_options(&options)?;
        let _guard = self.begin_key_operation()?;
        let span = info_span!("keybound.enroll", alias = %options.alias);
        async {
            let status = self.platform.status().await.map_err(platform_error)?;
            biometric_readiness(&status)?;
            if options.allow_device_credential {
                device_credential_readiness(&status)?;
            }
            let created = self
                .platform
                .create_key(CreateKeyRequest {
                    alias: options.alias.clone(),
                    attestation_challenge: options.attestation_challenge.clone(),
                    allow_device_credential: options.allow_device_credential,
                    prefer_strongbox: options.prefer_strong_box,
                })
                .await
                .map_err(platform_error)?;
            let jwk = protocol::Jwk::from_sec1(&created.public_key_sec1)
                .map_err(|e| internal("platform returned a bad public key", e))?;
            let security_level = match created.security_level {
                SecurityLevel::Software => KeySecurityLevel::Software,
                SecurityLevel::TrustedEnvironment => KeySecurityLevel::TrustedEnvironment,
                SecurityLevel::StrongBox => KeySecurityLevel::StrongBox,
            };
            info!(
                ?security_level,
                chain_len = created.attestation_chain.len(),
                "key enrolled"
            );
            Ok(KeyRegistration {
                alias: options.alias.clone(),
                key_id: jwk.thumbprint(),
                public_key_jwk: jwk.to_json(),
                attestation_chain: created.attestation_chain,
                security_level,
            })
        }
        .instrument(span)
        .await
    }

    /// Deletes the key under `alias`; `false` when there was none.
    pub async fn delete_key(&self, alias: &str) -> Result<bool, KeyboundError> {
        validate::alias(alias)?;
        let _guard = self.begin_key_operation()?;
        self.platform
            .delete_key(alias)
            .await
            .map_err(platform_error)
    }

    /// Ends the prompt in flight with `UserCanceled`. Does nothing when none is.
    pub fn cancel(&self) {
        self.interrupt(Interrupt::Cancel);
    }

    /// The app went to the background: ends the prompt in flight with
    /// `SystemCanceled`.
    ///
    /// Tests only. On Android the Java plugin ends a backgrounded prompt
    /// itself (`NativeBridge.Installation.onBackgrounded()` from `onStop`),
    /// and the platform reports it to this session as code 5, which maps
    /// to the same `SystemCanceled`. This entry point stands in for that
    /// where there is no Java layer (the simulator and model tests).
    #[cfg(any(test, feature = "test-support"))]
    pub fn app_backgrounded(&self) {
        self.interrupt(Interrupt::Background);
    }

    fn interrupt(&self, why: Interrupt) {
        // Only the sender is taken: the request stays in flight (no second
        // prompt, no key operation) until it has ended.
        let sender = self
            .state
            .lock()
            .in_flight
            .as_mut()
            .and_then(|(_, sender)| sender.take());
        if let Some(sender) = sender {
            // The receiver is gone only if the request already finished.
            let _ = sender.send(why);
            self.platform.cancel();
        }
    }

    /// Shows the prompt, signs the challenge with the key it unlocks and
    /// returns a one-time token.
    pub async fn authenticate(
        &self,
        request: AuthenticateRequest,
    ) -> Result<BiometricToken, KeyboundError> {
        validate::authenticate_request(&request)?;
        let request_id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        let (interrupt_tx, interrupt_rx) = oneshot::channel();
        // Admission is decided synchronously, under one lock, before any
        // await: no two callers can both see "idle".
        let _guard = {
            let mut state = self.state.lock();
            let now = self.clock.now_ms();
            if state.in_flight.is_some() || state.key_operation {
                return Err(KeyboundError::new(
                    ErrorCode::InProgress,
                    "a prompt is already showing",
                ));
            }
            // A window never lasts longer than configured from now: a clock
            // set back (by the user, or a network time correction) would
            // otherwise stretch it by the jump. Stored, so the window ends
            // on the new clock. The OS keeps its own lockout anyway, so
            // ending ours early after a jump is safe.
            state.lockout_until_ms = state
                .lockout_until_ms
                .min(now.saturating_add(millis(self.config.lockout)));
            state.cooldown_until_ms = state
                .cooldown_until_ms
                .min(now.saturating_add(millis(self.config.cooldown_max)));
            let (lockout_until, cooldown_until) = (state.lockout_until_ms, state.cooldown_until_ms);
            if lockout_until > now {
                return Err(KeyboundError::new(
                    ErrorCode::LockedOut,
                    "biometrics are temporarily locked out",
                )
                .with_retry_after_ms(retry_after(lockout_until, now)));
            }
            if cooldown_until > now {
                return Err(KeyboundError::new(
                    ErrorCode::CoolingDown,
                    "too many failed attempts; wait before trying again",
                )
                .with_retry_after_ms(retry_after(cooldown_until, now)));
            }
            state.in_flight = Some((request_id, Some(interrupt_tx)));
            InFlightGuard {
                state: &self.state,
                request_id,
            }
        };
        let span = info_span!(
            "keybound.authenticate",
            request_id,
            alias = %request.alias,
            outcome = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .authenticate_admitted(request, interrupt_rx)
            .instrument(span.clone())
            .await;
        let outcome = match &result {
            Ok(_) => "success".to_owned(),
            Err(e) => format!("{:?}", e.code),
        };
        span.record("outcome", outcome.as_str());
        span.record("elapsed_ms", millis(started.elapsed()));
        span.in_scope(|| info!(outcome = %outcome, "authenticate finished"));
        result
    }

    async fn authenticate_admitted(
        &self,
        request: AuthenticateRequest,
        interrupt_rx: oneshot::Receiver<Interrupt>,
    ) -> Result<BiometricToken, KeyboundError> {
        let status = self.platform.status().await.map_err(platform_error)?;
        os_supported(&status)?;
        if request.allow_device_credential {
            device_credential_readiness(&status)?;
        }
        let public_key = match self.platform.public_key(&request.alias).await {
            Ok(key) => key,
            Err(PlatformError::KeyInvalidated) => {
                return Err(self.key_invalidated(&request.alias).await)
            }
            Err(e) => return Err(platform_error(e)),
        };
        let jwk = protocol::Jwk::from_sec1(&public_key)
            .map_err(|e| internal("platform returned a bad public key", e))?;
        let prepared = self.prepare_token(&request, &jwk)?;
        let sign_request = SignRequest {
            alias: request.alias.clone(),
            payload: Zeroizing::new(prepared.input_biometric.as_bytes().to_vec()),
            payload_device_credential: prepared
                .input_credential
                .as_ref()
                .map(|input| Zeroizing::new(input.as_bytes().to_vec())),
            prompt: request.prompt.clone(),
            allow_device_credential: request.allow_device_credential,
        };

        // Biased: an interrupt wins over the platform's own report of the
        // cancellation it caused (Android answers a cancel with code 5).
        let outcome = tokio::select! {
            biased;
            interrupt = interrupt_rx => Err(match interrupt {
                Ok(Interrupt::Cancel) => Ended::Interrupted(ErrorCode::UserCanceled, "canceled by the app"),
                #[cfg(any(test, feature = "test-support"))]
                Ok(Interrupt::Background) => Ended::Interrupted(ErrorCode::SystemCanceled, "the app went to the background"),
                // The sender lives in the state until an interrupt takes it;
                // dropped without sending cannot happen while we wait, but
                // if it did, ending the prompt is the safe answer.
                Err(_) => Ended::Interrupted(ErrorCode::SystemCanceled, "interrupted"),
            }),
            result = self.platform.sign_with_prompt(sign_request) => result.map_err(Ended::Platform),
            () = tokio::time::sleep(self.config.prompt_timeout) => Err(Ended::Interrupted(ErrorCode::Timeout, "the prompt timed out")),
        };
        // The select dropped the losing platform future, which dismisses the
        // prompt; tell the platform too, for prompts it shows elsewhere.
        match outcome {
            Ok(signed) => {
                let token =
                    self.finish_token(&jwk, prepared, signed.auth_type, &signed.der_signature)?;
                self.record_success();
                Ok(token)
            }
            Err(Ended::Interrupted(code, message)) => {
                self.platform.cancel();
                let err = KeyboundError::new(code, message);
                Err(self.record_failure(err))
            }
            Err(Ended::Platform(PlatformError::KeyInvalidated)) => {
                Err(self.key_invalidated(&request.alias).await)
            }
            Err(Ended::Platform(e)) => Err(self.record_failure(platform_error(e))),
        }
    }

    async fn key_invalidated(&self, alias: &str) -> KeyboundError {
        // Android deletes an invalidated key in the bridge already; make sure
        // of it so the app can enrol again under the same alias.
        if let Err(e) = self.platform.delete_key(alias).await {
            warn!(error = %e, "could not delete an invalidated key");
        }
        platform_error(PlatformError::KeyInvalidated)
    }

    fn prepare_token(
        &self,
        request: &AuthenticateRequest,
        jwk: &protocol::Jwk,
    ) -> Result<PreparedToken, KeyboundError> {
        let kid = jwk.thumbprint();
        let iat = self.clock.now_secs();
        let jti = protocol::new_jti().map_err(|e| internal("no randomness", e))?;
        // The two candidate claim sets differ only in `auth`.
        let claims_for = |auth| {
            let claims = protocol::Claims::new(
                request.audience.clone(),
                request.challenge.clone(),
                iat,
                iat + i64::from(request.ttl_seconds),
                jti.clone(),
                auth,
            );
            match request.transaction.as_deref() {
                Some(transaction) => claims.with_txn(protocol::txn_hash(transaction)),
                None => claims,
            }
        };
        let claims_biometric = claims_for(protocol::AuthMethod::Biometric);
        let input_biometric = Zeroizing::new(
            protocol::signing_input(&kid, &claims_biometric)
                .map_err(|e| internal("token encoding", e))?,
        );
        let (claims_credential, input_credential) = if request.allow_device_credential {
            let claims = claims_for(protocol::AuthMethod::DeviceCredential);
            let input = Zeroizing::new(
                protocol::signing_input(&kid, &claims)
                    .map_err(|e| internal("token encoding", e))?,
            );
            (Some(claims), Some(input))
        } else {
            (None, None)
        };
        Ok(PreparedToken {
            kid,
            claims_biometric,
            input_biometric,
            claims_credential,
            input_credential,
        })
    }

    fn finish_token(
        &self,
        jwk: &protocol::Jwk,
        prepared: PreparedToken,
        auth: AuthType,
        der_signature: &[u8],
    ) -> Result<BiometricToken, KeyboundError> {
        let (claims, input, auth_method) = match auth {
            AuthType::Biometric => (
                prepared.claims_biometric,
                prepared.input_biometric,
                AuthMethod::Biometric,
            ),
            AuthType::DeviceCredential => {
                match (prepared.claims_credential, prepared.input_credential) {
                    (Some(claims), Some(input)) => (claims, input, AuthMethod::DeviceCredential),
                    _ => {
                        return Err(KeyboundError::new(
                            ErrorCode::PlatformError,
                            "the platform reported device credential, which was not allowed",
                        ))
                    }
                }
            }
        };
        let raw = Zeroizing::new(protocol::der_to_raw(der_signature).map_err(|e| {
            KeyboundError::new(
                ErrorCode::PlatformError,
                format!("the platform returned a malformed signature: {e}"),
            )
        })?);
        let token = protocol::assemble(&input, &raw);
        // Never hand out a token that would not verify: this catches a
        // platform that signed other bytes or with another key.
        let expectations = protocol::Expectations::new(
            claims.aud(),
            protocol::ExpectedNonce::Exactly(claims.nonce().to_owned()),
        )
        .with_leeway_secs(0);
        let expectations = match claims.txn() {
            Some(txn) => expectations.with_txn(txn),
            None => expectations,
        };
        protocol::verify(&token, jwk, &expectations, claims.iat()).map_err(|e| {
            KeyboundError::new(
                ErrorCode::PlatformError,
                format!("the platform's signature does not verify ({})", e.code()),
            )
        })?;
        Ok(BiometricToken {
            token,
            key_id: prepared.kid,
            expires_at_unix: claims.exp(),
            auth_method,
        })
    }

    fn record_success(&self) {
        let mut state = self.state.lock();
        state.consecutive_failures = 0;
        state.cooldown_until_ms = 0;
    }

    /// Books a failed prompt and returns the error to report.
    fn record_failure(&self, err: KeyboundError) -> KeyboundError {
        let now = self.clock.now_ms();
        let mut state = self.state.lock();
        match err.code {
            ErrorCode::LockedOut => {
                // The OS locked the sensor (about 30 s): no prompt until then.
                state.lockout_until_ms = now.saturating_add(millis(self.config.lockout));
                return err.with_retry_after_ms(retry_after(state.lockout_until_ms, now));
            }
            // The system ending the prompt (app backgrounded) is not the
            // user failing; nor is a prompt the platform refused to show
            // because its previous one was still closing.
            ErrorCode::SystemCanceled | ErrorCode::InProgress => return err,
            _ => {}
        }
        state.consecutive_failures = state.consecutive_failures.saturating_add(1);
        let over = state
            .consecutive_failures
            .saturating_sub(self.config.failures_before_cooldown);
        if state.consecutive_failures >= self.config.failures_before_cooldown {
            let factor = 1u64.checked_shl(over.min(32)).unwrap_or(u64::MAX);
            let cooldown = millis(self.config.cooldown_base)
                .saturating_mul(factor)
                .min(millis(self.config.cooldown_max));
            state.cooldown_until_ms = now.saturating_add(cooldown);
            if err.retry_after_ms.is_none() {
                return err.with_retry_after_ms(retry_after(state.cooldown_until_ms, now));
            }
        }
        err
    }
}

/// How a prompt ended without a signature.
enum Ended {
    Platform(PlatformError),
    Interrupted(ErrorCode, &'static str),
}

#[cfg(test)]
mod tests;
