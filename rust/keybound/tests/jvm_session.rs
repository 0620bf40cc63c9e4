//! The Rust session core driving the real JNI backend, the real Java
//! `NativeBridge` and the host Java platform, end to end: tokens it returns
//! verify with the protocol crate against the enrolled key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of a test binary: failing is the point

mod jvm_util;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keybound::api::error::{ErrorCode, KeyboundError};
use keybound::api::types::{
    AuthMethod, AuthenticateRequest, BiometricToken, EnrollOptions, KeyRegistration,
    KeySecurityLevel, PromptOptions,
};
use keybound::testing::clock::SystemClock;
use keybound::testing::platform::android_codes;
use keybound::testing::session::{AuthSession, SessionConfig};
use keybound_protocol::{verify, Expectations, ExpectedNonce, Jwk, TokenError};

const ALIAS: &str = "session-key";
const AUDIENCE: &str = "https://bank.example/login";

/// No cooldown, no lockout: each test decides what it provokes.
fn config() -> SessionConfig {
    SessionConfig {
        prompt_timeout: Duration::from_secs(20),
        failures_before_cooldown: 1_000_000,
        cooldown_base: Duration::ZERO,
        cooldown_max: Duration::ZERO,
        lockout: Duration::ZERO,
    }
}

fn session(t: &jvm_util::Exclusive, config: SessionConfig) -> Arc<AuthSession> {
    Arc::new(AuthSession::new(
        Arc::clone(&t.platform),
        config,
        Arc::new(SystemClock),
    ))
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

async fn enroll(session: &AuthSession) -> KeyRegistration {
    session
        .enroll(EnrollOptions {
            alias: ALIAS.into(),
            attestation_challenge: b"enrol-challenge-42".to_vec(),
            allow_device_credential: false,
            prefer_strong_box: true,
        })
        .await
        .expect("enroll")
}

fn request(challenge: &str) -> AuthenticateRequest {
    AuthenticateRequest {
        alias: ALIAS.into(),
        challenge: challenge.into(),
        audience: AUDIENCE.into(),
        prompt: PromptOptions {
            title: "Sign in".into(),
            subtitle: None,
            description: Some("Confirm it is you".into()),
            negative_button: "Cancel".into(),
        },
        transaction: None,
        allow_device_credential: false,
        ttl_seconds: 60,
    }
}

fn check(token: &BiometricToken, reg: &KeyRegistration, challenge: &str) -> Result<(), TokenError> {
    let jwk = Jwk::from_json(&reg.public_key_jwk).unwrap();
    let expect = Expectations::new(AUDIENCE, ExpectedNonce::Exactly(challenge.into()));
    verify(&token.token, &jwk, &expect, now()).map(|_| ())
}

fn code(result: Result<BiometricToken, KeyboundError>) -> (ErrorCode, Option<i32>) {
    let e = result.expect_err("expected an error");
    (e.code, e.platform_code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_enrol_go_through_java() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    let before = s.status(ALIAS).await.unwrap();
    assert!(before.supported && before.strong_box_present && !before.key_enrolled);
    assert_eq!(before.api_level, Some(33));

    let reg = enroll(&s).await;
    assert_eq!(reg.alias, ALIAS);
    assert_eq!(reg.security_level, KeySecurityLevel::StrongBox);
    assert_eq!(reg.attestation_chain.len(), 2);
    assert!(reg.attestation_chain[0]
        .windows(18)
        .any(|w| w == b"enrol-challenge-42"));
    let jwk = Jwk::from_json(&reg.public_key_jwk).unwrap();
    assert_eq!(jwk.thumbprint(), reg.key_id);
    assert!(s.status(ALIAS).await.unwrap().key_enrolled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authenticate_returns_a_token_the_protocol_crate_verifies() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    let reg = enroll(&s).await;
    let token = s.authenticate(request("challenge-abc")).await.unwrap();
    assert_eq!(token.key_id, reg.key_id);
    assert_eq!(token.auth_method, AuthMethod::Biometric);
    check(&token, &reg, "challenge-abc").unwrap();
    assert_eq!(
        check(&token, &reg, "another-challenge"),
        Err(TokenError::NonceMismatch)
    );
    // A key enrolled later (same alias) does not verify the old token.
    let reg2 = enroll(&s).await;
    assert!(check(&token, &reg2, "challenge-abc").is_err());
    assert_eq!(jvm_util::last_prompt_title().as_deref(), Some("Sign in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_credential_tokens_say_so_and_verify() {
    let t = jvm_util::exclusive();
    jvm_util::set_device(33, 0, true, true);
    let s = session(&t, config());
    let reg = enroll(&s).await;
    jvm_util::script_device_credential_success();
    let mut req = request("dc-challenge");
    req.allow_device_credential = true;
    let token = s.authenticate(req).await.unwrap();
    assert_eq!(token.auth_method, AuthMethod::DeviceCredential);
    check(&token, &reg, "dc-challenge").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_android_error_code_through_the_whole_path() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    enroll(&s).await;
    for android in android_codes::ALL {
        jvm_util::script_error(android, 1);
        let (typed, raw) = code(s.authenticate(request("c")).await);
        assert_eq!(
            typed,
            android_codes::map_prompt_error(android),
            "code {android}"
        );
        assert_eq!(raw, Some(android), "code {android}");
    }
    assert!(s.authenticate(request("c")).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_prompt() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    enroll(&s).await;
    jvm_util::script_success(30_000);
    let s2 = Arc::clone(&s);
    let task = tokio::spawn(async move { s2.authenticate(request("c")).await });
    assert!(jvm_util::wait_until(Duration::from_secs(5), || {
        jvm_util::prompts_shown() == 1
    }));
    s.cancel();
    let result = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code(result).0, ErrorCode::UserCanceled);
    // Java was told, and the bridge is idle again.
    assert!(jvm_util::wait_until(Duration::from_secs(5), || {
        jvm_util::cancels_received() >= 1 && !jvm_util::prompt_showing()
    }));
    assert!(keybound::testing::jni::bridge()
        .unwrap()
        .registry()
        .is_empty());
    assert!(s.authenticate(request("c")).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backgrounding_from_rust_or_from_java_is_system_canceled() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    enroll(&s).await;
    for from_java in [false, true] {
        jvm_util::script_success(30_000);
        let before = jvm_util::prompts_shown();
        let s2 = Arc::clone(&s);
        let task = tokio::spawn(async move { s2.authenticate(request("c")).await });
        assert!(jvm_util::wait_until(Duration::from_secs(5), || {
            jvm_util::prompts_shown() == before + 1
        }));
        if from_java {
            jvm_util::background(); // NativeBridge.onBackgrounded(): code 5 to Rust
        } else {
            s.app_backgrounded();
        }
        let result = tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
        let (typed, raw) = code(result);
        assert_eq!(typed, ErrorCode::SystemCanceled, "from_java={from_java}");
        if from_java {
            assert_eq!(raw, Some(5));
        }
        assert!(jvm_util::wait_until(Duration::from_secs(5), || {
            !jvm_util::prompt_showing()
        }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_while_java_hangs_then_the_late_callback_is_ignored() {
    let t = jvm_util::exclusive();
    let s = session(
        &t,
        SessionConfig {
            prompt_timeout: Duration::from_millis(300),
            ..config()
        },
    );
    let reg = enroll(&s).await;
    let registry = Arc::clone(keybound::testing::jni::bridge().unwrap().registry());
    let ignored_before = registry.ignored_callbacks();
    jvm_util::script_hang();
    let (typed, _) = code(s.authenticate(request("c")).await);
    assert_eq!(typed, ErrorCode::Timeout);
    assert!(registry.is_empty());
    assert!(jvm_util::release_hang());
    assert!(jvm_util::wait_until(Duration::from_secs(5), || {
        registry.ignored_callbacks() == ignored_before + 1
    }));
    // The late signature went nowhere; the next prompt works.
    let token = s.authenticate(request("after")).await.unwrap();
    check(&token, &reg, "after").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_authenticate_show_one_prompt() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    let reg = enroll(&s).await;
    jvm_util::script_success(300);
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let s = Arc::clone(&s);
        tasks.push(tokio::spawn(async move {
            s.authenticate(request(&format!("c{i}"))).await
        }));
    }
    let mut tokens = Vec::new();
    let mut in_progress = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(token) => tokens.push(token),
            Err(e) if e.code == ErrorCode::InProgress => in_progress += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((tokens.len(), in_progress), (1, 999));
    assert_eq!(jvm_util::prompts_shown(), 1);
    let jwk = Jwk::from_json(&reg.public_key_jwk).unwrap();
    let expect = Expectations::new(AUDIENCE, ExpectedNonce::CheckedByCaller);
    assert!(verify(&tokens[0].token, &jwk, &expect, now()).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_mixed_session_operations_leave_nothing_behind() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    enroll(&s).await;
    let registry = Arc::clone(keybound::testing::jni::bridge().unwrap().registry());

    async fn op(s: &Arc<AuthSession>, i: usize) {
        match i % 5 {
            0 => assert!(s.status(ALIAS).await.unwrap().key_enrolled),
            // The other worker's cancel may end this one: also expected.
            1 | 2 => match s.authenticate(request("m")).await {
                Ok(_) => {}
                Err(e) if matches!(e.code, ErrorCode::InProgress | ErrorCode::UserCanceled) => {}
                Err(e) => panic!("unexpected {e}"),
            },
            3 => {
                // Cancelled at once (may race the success): never an unexpected error.
                let s2 = Arc::clone(s);
                let task = tokio::spawn(async move { s2.authenticate(request("m")).await });
                s.cancel();
                match task.await.unwrap() {
                    Ok(_) => {}
                    Err(e) if matches!(e.code, ErrorCode::UserCanceled | ErrorCode::InProgress) => {
                    }
                    Err(e) => panic!("unexpected {e}"),
                }
            }
            // Refused while the other worker's prompt is up, else nothing to delete.
            _ => match s.delete_key("missing-alias").await {
                Ok(deleted) => assert!(!deleted),
                Err(e) => assert_eq!(e.code, ErrorCode::InProgress, "{e}"),
            },
        }
    }
    async fn run(s: &Arc<AuthSession>, n: usize) {
        let mut tasks = Vec::new();
        for worker in 0..2 {
            let s = Arc::clone(s);
            tasks.push(tokio::spawn(async move {
                for i in 0..n {
                    op(&s, worker * n + i).await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }

    run(&s, 250).await;
    jvm_util::jni_global_refs();
    jvm_util::drain_main();
    let refs_before = jvm_util::jni_global_refs();
    run(&s, 5000).await;
    assert!(jvm_util::wait_until(Duration::from_secs(10), || {
        jvm_util::drain_main();
        jvm_util::pending_java_requests() == 0 && !jvm_util::prompt_showing()
    }));
    assert!(
        registry.is_empty(),
        "registry has {} entries",
        registry.len()
    );
    // HotSpot's own count moves by one either way between samples; a leak
    // per operation would add thousands.
    let refs_after = jvm_util::jni_global_refs();
    assert!(
        refs_after <= refs_before + 2,
        "JNI global refs grew from {refs_before} to {refs_after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_exception_is_a_typed_error_and_the_next_call_works() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    enroll(&s).await;
    jvm_util::fail_next_device_call("binder died");
    let e = s.authenticate(request("c")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::PlatformError);
    assert!(
        e.message.contains("java.lang.IllegalStateException") && e.message.contains("binder died"),
        "{e}"
    );
    assert!(s.authenticate(request("c")).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_callback_is_an_error_not_a_crash() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    let reg = enroll(&s).await;
    keybound::testing::jni::inject_panic_in_next_callback();
    let e = s.authenticate(request("c")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::PlatformError);
    let token = s.authenticate(request("c2")).await.unwrap();
    check(&token, &reg, "c2").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalidated_key_is_reported_and_gone() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    enroll(&s).await;
    jvm_util::invalidate(ALIAS);
    let e = s.authenticate(request("c")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::KeyInvalidated);
    assert!(!s.status(ALIAS).await.unwrap().key_enrolled);
    assert_eq!(jvm_util::prompts_shown(), 0);
    let e = s.authenticate(request("c")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::KeyNotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_only_with_the_authorised_instance_fails_closed() {
    let t = jvm_util::exclusive();
    let s = session(&t, config());
    enroll(&s).await;
    jvm_util::script_wrong_signature();
    let e = s.authenticate(request("c")).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::PlatformError);
    assert!(e.message.contains("Key user not authenticated"), "{e}");
}
