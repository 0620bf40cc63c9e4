//! Test driver (cargo feature `jni-test-driver`, never part of a release
//! build): lets a JVM test run the real [`AuthSession`] over the JNI
//! platform from Java, so the Robolectric end-to-end test
//! (`android/src/test/java/dev/keybound/EndToEndTest.java`) drives
//! Rust session → JNI → `NativeBridge` → `AndroidPrompter` → the prompt →
//! signature → token inside one JVM.
//!
//! The JVM resolves the exported `Java_dev_keybound_RustSessionDriver_*`
//! symbols itself. Each operation starts on its own thread and returns at
//! once: the prompt needs the Java main thread, which the test keeps
//! running (Robolectric's paused Looper) while it polls for the outcome.
//! Outcomes are strings for the test to assert on: `ok:<jwk>` after
//! enrolment, `ok:<token>` after an authentication whose token
//! [`keybound_protocol::verify`] accepted with the enrolled key,
//! `unverified:<error>` when it did not, `error:<code>:<platform code>`
//! for a typed error. Errors never carry tokens or key material beyond
//! the test's own.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jni::errors::Error;
use jni::objects::{JByteArray, JClass, JString};
use jni::{native_method, Env, NativeMethod};
use keybound_protocol::{verify, Expectations, ExpectedNonce, Jwk};
use parking_lot::Mutex;

use crate::api::types::{AuthenticateRequest, EnrollOptions, PromptOptions};
use crate::clock::SystemClock;
use crate::platform::android::installed;
use crate::session::{AuthSession, SessionConfig};

/// The outcome of the last operation; `None` while one runs (or none ran).
static OUTCOME: Mutex<Option<String>> = Mutex::new(None);
/// The JWK of the last enrolled key, to verify tokens with.
static ENROLLED_JWK: Mutex<Option<String>> = Mutex::new(None);
static SESSION: OnceLock<Arc<AuthSession>> = OnceLock::new();

/// Exported and resolved by name: `dev.keybound.RustSessionDriver`.
pub const METHODS: &[NativeMethod<'static>] = &[
    native_method! {
        java_type = "dev.keybound.RustSessionDriver",
        static extern fn start_enroll(alias: JString, attestation_challenge: jbyte[]),
        fn = start_enroll,
    },
    native_method! {
        java_type = "dev.keybound.RustSessionDriver",
        static extern fn start_authenticate(alias: JString, audience: JString, challenge: JString),
        fn = start_authenticate,
    },
    native_method! {
        java_type = "dev.keybound.RustSessionDriver",
        static extern fn poll() -> JString,
        fn = poll,
    },
];

fn session() -> Result<Arc<AuthSession>, String> {
    if let Some(s) = SESSION.get() {
        return Ok(Arc::clone(s));
    }
    let platform = installed().ok_or("the JNI bridge is not initialised (System.load first)")?;
    let config = SessionConfig {
        prompt_timeout: Duration::from_secs(60),
        ..SessionConfig::default()
    };
    let s =
        SESSION.get_or_init(|| Arc::new(AuthSession::new(platform, config, Arc::new(SystemClock))));
    Ok(Arc::clone(s))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Runs `op` on a fresh thread with its own runtime; its string is the next outcome.
fn start<F>(op: F)
where
    F: std::future::Future<Output = String> + Send + 'static,
{
    *OUTCOME.lock() = None;
    std::thread::spawn(move || {
        let outcome = match tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
        {
            Ok(rt) => rt.block_on(op),
            Err(e) => format!("error:runtime:{e}"),
        };
        *OUTCOME.lock() = Some(outcome);
    });
}

fn start_enroll<'local>(
    env: &mut Env<'local>,
    _class: JClass<'local>,
    alias: JString<'local>,
    attestation_challenge: JByteArray<'local>,
) -> Result<(), Error> {
    let alias = alias.try_to_string(env)?;
    let attestation_challenge = env.convert_byte_array(&attestation_challenge)?;
    start(async move {
        let s = match session() {
            Ok(s) => s,
            Err(e) => return format!("error:setup:{e}"),
        };
        let options = EnrollOptions {
            alias,
            attestation_challenge,
            allow_device_credential: false,
            prefer_strong_box: true,
        };
        match s.enroll(options).await {
            Ok(reg) => {
                *ENROLLED_JWK.lock() = Some(reg.public_key_jwk.clone());
                format!("ok:{}", reg.public_key_jwk)
            }
            Err(e) => format!("error:{:?}:{:?}", e.code, e.platform_code),
        }
    });
    Ok(())
}

fn start_authenticate<'local>(
    env: &mut Env<'local>,
    _class: JClass<'local>,
    alias: JString<'local>,
    audience: JString<'local>,
    challenge: JString<'local>,
) -> Result<(), Error> {
    let alias = alias.try_to_string(env)?;
    let audience = audience.try_to_string(env)?;
    let challenge = challenge.try_to_string(env)?;
    start(async move {
        let s = match session() {
            Ok(s) => s,
            Err(e) => return format!("error:setup:{e}"),
        };
        let request = AuthenticateRequest {
            alias,
            challenge: challenge.clone(),
            audience: audience.clone(),
            prompt: PromptOptions {
                title: "Sign in".into(),
                subtitle: None,
                description: Some("End-to-end test".into()),
                negative_button: "Cancel".into(),
            },
            transaction: None,
            allow_device_credential: false,
            ttl_seconds: 60,
        };
        let token = match s.authenticate(request).await {
            Ok(token) => token,
            Err(e) => return format!("error:{:?}:{:?}", e.code, e.platform_code),
        };
        let Some(jwk) = ENROLLED_JWK.lock().clone() else {
            return "unverified:no key enrolled".into();
        };
        let jwk = match Jwk::from_json(&jwk) {
            Ok(jwk) => jwk,
            Err(e) => return format!("unverified:{e}"),
        };
        let expect = Expectations::new(audience, ExpectedNonce::Exactly(challenge));
        match verify(&token.token, &jwk, &expect, now()) {
            Ok(_) => format!("ok:{}", token.token),
            Err(e) => format!("unverified:{e}"),
        }
    });
    Ok(())
}

/// The outcome of the last operation, or "" while it runs.
fn poll<'local>(env: &mut Env<'local>, _class: JClass<'local>) -> Result<JString<'local>, Error> {
    let outcome = OUTCOME.lock().take().unwrap_or_default();
    env.new_string(outcome)
}
