use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use keybound_protocol as protocol;

use super::*;
use crate::api::types::PromptOptions;
use crate::clock::ManualClock;
use crate::platform::android_codes;
use crate::platform::simulated::{Scripted, SimulatedPlatform};
use crate::platform::{CreatedKey, PlatformStatus, SignOutcome};

const T0_MS: u64 = 1_790_000_000_000;
const ALIAS: &str = "default";

struct Fixture {
    platform: Arc<SimulatedPlatform>,
    clock: Arc<ManualClock>,
    session: Arc<AuthSession>,
}

fn fixture() -> Fixture {
    fixture_with(SessionConfig::default())
}

fn fixture_with(config: SessionConfig) -> Fixture {
    let platform = Arc::new(SimulatedPlatform::new());
    let clock = Arc::new(ManualClock::new(T0_MS));
    let session = Arc::new(AuthSession::new(platform.clone(), config, clock.clone()));
    Fixture {
        platform,
        clock,
        session,
    }
}

fn enroll_options() -> EnrollOptions {
    EnrollOptions {
        alias: ALIAS.into(),
        attestation_challenge: b"registration-nonce".to_vec(),
        allow_device_credential: false,
        prefer_strong_box: true,
    }
}

fn auth_request() -> AuthenticateRequest {
    AuthenticateRequest {
        alias: ALIAS.into(),
        challenge: "server-challenge-123".into(),
        audience: "https://bank.example".into(),
        prompt: PromptOptions {
            title: "Confirm payment".into(),
            subtitle: None,
            description: Some("Pay 10 EUR".into()),
            negative_button: "Cancel".into(),
        },
        transaction: None,
        allow_device_credential: false,
        ttl_seconds: 60,
    }
}

async fn enrolled() -> (Fixture, KeyRegistration) {
    let f = fixture();
    let reg = f.session.enroll(enroll_options()).await.unwrap();
    (f, reg)
}

fn verify(
    token: &str,
    reg: &KeyRegistration,
    req: &AuthenticateRequest,
    now: i64,
) -> protocol::VerifiedToken {
    let jwk = protocol::Jwk::from_json(&reg.public_key_jwk).unwrap();
    let expect = protocol::Expectations::new(
        req.audience.clone(),
        protocol::ExpectedNonce::Exactly(req.challenge.clone()),
    );
    let expect = match req.transaction.as_deref() {
        Some(transaction) => expect.with_txn(protocol::txn_hash(transaction)),
        None => expect,
    };
    protocol::verify(token, &jwk, &expect, now).unwrap()
}

fn code_of<T: std::fmt::Debug>(result: Result<T, KeyboundError>) -> ErrorCode {
    result.unwrap_err().code
}

#[tokio::test]
async fn status_reports_capabilities_and_key_presence() {
    let f = fixture();
    let before = f.session.status(ALIAS).await.unwrap();
    assert!(before.supported && before.class3_available && before.device_secure);
    assert!(
        before.device_credential_fallback,
        "API 34 with a lock screen"
    );
    assert!(!before.key_enrolled);
    f.session.enroll(enroll_options()).await.unwrap();
    assert!(f.session.status(ALIAS).await.unwrap().key_enrolled);
    assert!(!f.session.status("other").await.unwrap().key_enrolled);
}

#[tokio::test]
async fn status_on_old_or_insecure_devices_says_so() {
    let f = fixture();
    f.platform.set_status(PlatformStatus {
        api_level: Some(27),
        ..PlatformStatus::default()
    });
    let s = f.session.status(ALIAS).await.unwrap();
    assert!(!s.supported);
    assert!(!s.device_credential_fallback);
    f.platform.set_status(PlatformStatus {
        api_level: Some(29),
        device_secure: true,
        ..PlatformStatus::default()
    });
    let s = f.session.status(ALIAS).await.unwrap();
    assert!(s.supported);
    assert!(
        !s.device_credential_fallback,
        "API 29 cannot combine credential with a crypto prompt"
    );
}

#[tokio::test]
async fn enroll_returns_a_p256_jwk_whose_thumbprint_is_the_key_id() {
    let (_f, reg) = enrolled().await;
    let jwk = protocol::Jwk::from_json(&reg.public_key_jwk).unwrap();
    assert_eq!(jwk.kty(), "EC");
    assert_eq!(jwk.crv(), "P-256");
    assert_eq!(jwk.thumbprint(), reg.key_id);
    assert_eq!(reg.alias, ALIAS);
    assert_eq!(reg.security_level, KeySecurityLevel::StrongBox);
}

#[tokio::test]
async fn enroll_falls_back_to_the_tee_and_reports_it() {
    let f = fixture();
    f.platform.set_strongbox_fails(true);
    let reg = f.session.enroll(enroll_options()).await.unwrap();
    assert_eq!(reg.security_level, KeySecurityLevel::TrustedEnvironment);

    let f = fixture();
    let reg = f
        .session
        .enroll(EnrollOptions {
            prefer_strong_box: false,
            ..enroll_options()
        })
        .await
        .unwrap();
    assert_eq!(reg.security_level, KeySecurityLevel::TrustedEnvironment);
}

#[tokio::test]
async fn enroll_refuses_devices_that_cannot_do_class3() {
    let capable = PlatformStatus {
        api_level: Some(34),
        hardware_present: true,
        biometrics_enrolled: true,
        class3_available: true,
        device_secure: true,
        strongbox_present: false,
    };
    let cases = [
        (
            PlatformStatus {
                api_level: Some(27),
                ..capable
            },
            ErrorCode::Unsupported,
        ),
        (
            PlatformStatus {
                hardware_present: false,
                ..capable
            },
            ErrorCode::NoHardware,
        ),
        (
            PlatformStatus {
                biometrics_enrolled: false,
                ..capable
            },
            ErrorCode::NotEnrolled,
        ),
        (
            PlatformStatus {
                class3_available: false,
                ..capable
            },
            ErrorCode::HardwareUnavailable,
        ),
    ];
    for (status, expected) in cases {
        let f = fixture();
        f.platform.set_status(status);
        assert_eq!(
            code_of(f.session.enroll(enroll_options()).await),
            expected,
            "{status:?}"
        );
        assert!(!f.session.status(ALIAS).await.unwrap().key_enrolled);
    }
}

#[tokio::test]
async fn device_credential_needs_api_30_and_a_lock_screen() {
    let f = fixture();
    f.platform.set_status(PlatformStatus {
        api_level: Some(29),
        hardware_present: true,
        biometrics_enrolled: true,
        class3_available: true,
        device_secure: true,
        strongbox_present: false,
    });
    let opts = EnrollOptions {
        allow_device_credential: true,
        ..enroll_options()
    };
    assert_eq!(
        code_of(f.session.enroll(opts.clone()).await),
        ErrorCode::Unsupported
    );

    let f = fixture();
    f.platform.set_status(PlatformStatus {
        device_secure: false,
        ..PlatformStatus {
            api_level: Some(33),
            hardware_present: true,
            biometrics_enrolled: true,
            class3_available: true,
            device_secure: true,
            strongbox_present: false,
        }
    });
    assert_eq!(
        code_of(f.session.enroll(opts).await),
        ErrorCode::NoDeviceCredential
    );
}

#[tokio::test(start_paused = true)]
async fn authenticate_returns_a_token_that_verifies_with_the_enrolled_key() {
    let (f, reg) = enrolled().await;
    let mut req = auth_request();
    req.transaction = Some(b"pay 10 EUR to Alice".to_vec());
    let token = f.session.authenticate(req.clone()).await.unwrap();
    assert_eq!(token.key_id, reg.key_id);
    assert_eq!(token.auth_method, AuthMethod::Biometric);
    let now = f.clock.now_secs();
    assert_eq!(token.expires_at_unix, now + 60);
    let verified = verify(&token.token, &reg, &req, now);
    let claims = verified.claims();
    assert_eq!(claims.aud(), req.audience);
    assert_eq!(claims.nonce(), req.challenge);
    assert_eq!(claims.exp() - claims.iat(), 60);
    assert_eq!(claims.auth(), protocol::AuthMethod::Biometric);
    assert_eq!(
        claims.txn(),
        Some(protocol::txn_hash(b"pay 10 EUR to Alice").as_str())
    );
    assert_eq!(f.platform.prompts_shown(), 1);
}

#[tokio::test(start_paused = true)]
async fn each_token_has_a_fresh_jti() {
    let (f, reg) = enrolled().await;
    let req = auth_request();
    let a = f.session.authenticate(req.clone()).await.unwrap();
    let b = f.session.authenticate(req.clone()).await.unwrap();
    let now = f.clock.now_secs();
    let (ja, jb) = (
        verify(&a.token, &reg, &req, now).claims().jti().to_owned(),
        verify(&b.token, &reg, &req, now).claims().jti().to_owned(),
    );
    assert_ne!(ja, jb);
}

#[tokio::test(start_paused = true)]
async fn device_credential_tokens_say_so_in_the_signed_claims() {
    let f = fixture();
    let reg = f
        .session
        .enroll(EnrollOptions {
            allow_device_credential: true,
            ..enroll_options()
        })
        .await
        .unwrap();
    f.platform.script([Scripted::Succeed {
        after: Duration::from_millis(10),
        auth: AuthType::DeviceCredential,
    }]);
    let req = AuthenticateRequest {
        allow_device_credential: true,
        ..auth_request()
    };
    let token = f.session.authenticate(req.clone()).await.unwrap();
    assert_eq!(token.auth_method, AuthMethod::DeviceCredential);
    let verified = verify(&token.token, &reg, &req, f.clock.now_secs());
    assert_eq!(
        verified.claims().auth(),
        protocol::AuthMethod::DeviceCredential
    );
}

#[tokio::test(start_paused = true)]
async fn a_thousand_concurrent_calls_show_exactly_one_prompt() {
    let (f, _reg) = enrolled().await;
    f.platform.script([Scripted::succeed_after_ms(1_000)]);
    let mut tasks = Vec::new();
    for _ in 0..1_000 {
        let session = f.session.clone();
        tasks.push(tokio::spawn(async move {
            session.authenticate(auth_request()).await
        }));
    }
    let mut ok = 0;
    let mut in_progress = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) if e.code == ErrorCode::InProgress => in_progress += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((ok, in_progress), (1, 999));
    assert_eq!(f.platform.prompts_shown(), 1);
}

#[tokio::test(start_paused = true)]
async fn cancel_ends_the_prompt_in_flight() {
    let (f, _reg) = enrolled().await;
    f.platform.script([Scripted::NeverAnswer]);
    let session = f.session.clone();
    let pending = tokio::spawn(async move { session.authenticate(auth_request()).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(f.platform.active_prompts(), 1);
    f.session.cancel();
    let err = pending.await.unwrap().unwrap_err();
    assert_eq!(err.code, ErrorCode::UserCanceled);
    assert_eq!(f.platform.active_prompts(), 0, "the prompt was dismissed");
    // The session is free again.
    f.session.authenticate(auth_request()).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_request_never_cancels_the_next_one() {
    let (f, _reg) = enrolled().await;
    f.platform
        .script([Scripted::NeverAnswer, Scripted::NeverAnswer]);
    let session = f.session.clone();
    let first = tokio::spawn(async move { session.authenticate(auth_request()).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(f.platform.active_prompts(), 1);
    f.session.cancel();
    // The first request was told to end but its task has not run yet: a
    // second request comes in right now (polled once, before the first
    // finishes its clean-up).
    let mut second = std::pin::pin!(f.session.authenticate(auth_request()));
    let early = tokio::select! {
        biased;
        result = &mut second => Some(result),
        () = std::future::ready(()) => None,
    };
    assert_eq!(
        first.await.unwrap().unwrap_err().code,
        ErrorCode::UserCanceled
    );
    match early {
        // Refused while the first prompt was still ending: fine.
        Some(result) => assert_eq!(code_of(result), ErrorCode::InProgress),
        // Admitted: the first request's clean-up must not end it.
        None => {
            let late = tokio::time::timeout(Duration::from_secs(1), &mut second).await;
            assert!(
                late.is_err(),
                "the second prompt was ended by the first request's cancel: {late:?}"
            );
        }
    }
}

#[tokio::test]
async fn cancel_with_nothing_in_flight_does_nothing() {
    let (f, _reg) = enrolled().await;
    f.session.cancel();
    f.session.app_backgrounded();
    assert_eq!(f.platform.prompts_shown(), 0);
}

#[tokio::test(start_paused = true)]
async fn going_to_the_background_cancels_with_system_canceled() {
    let (f, _reg) = enrolled().await;
    f.platform.script([
        Scripted::NeverAnswer,
        Scripted::NeverAnswer,
        Scripted::NeverAnswer,
        Scripted::NeverAnswer,
    ]);
    for _ in 0..4 {
        let session = f.session.clone();
        let pending = tokio::spawn(async move { session.authenticate(auth_request()).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        f.session.app_backgrounded();
        assert_eq!(
            pending.await.unwrap().unwrap_err().code,
            ErrorCode::SystemCanceled
        );
        assert_eq!(f.platform.active_prompts(), 0);
    }
    // Backgrounding is not the user failing: no cooldown after four.
    f.session.authenticate(auth_request()).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_prompt_that_never_answers_times_out() {
    let f = fixture_with(SessionConfig {
        prompt_timeout: Duration::from_secs(30),
        ..SessionConfig::default()
    });
    f.session.enroll(enroll_options()).await.unwrap();
    f.platform.script([Scripted::NeverAnswer]);
    let started = tokio::time::Instant::now();
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert_eq!(started.elapsed(), Duration::from_secs(30));
    assert_eq!(f.platform.active_prompts(), 0, "the prompt was dismissed");
}

#[tokio::test(start_paused = true)]
async fn dropping_the_call_dismisses_the_prompt_and_frees_the_session() {
    let (f, _reg) = enrolled().await;
    f.platform.script([Scripted::NeverAnswer]);
    let call = f.session.authenticate(auth_request());
    let _ = tokio::time::timeout(Duration::from_millis(100), call).await;
    assert_eq!(f.platform.active_prompts(), 0);
    f.session.authenticate(auth_request()).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn consecutive_failures_start_a_growing_cooldown_and_success_resets_it() {
    let (f, _reg) = enrolled().await;
    f.platform
        .set_default_outcome(Scripted::android_error(android_codes::UNABLE_TO_PROCESS));
    // Three failures are tolerated; the third starts the first cooldown.
    for attempt in 1..=3 {
        let err = f.session.authenticate(auth_request()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::UnableToProcess, "attempt {attempt}");
        assert_eq!(
            err.retry_after_ms,
            if attempt < 3 { None } else { Some(2_000) }
        );
    }
    let shown = f.platform.prompts_shown();
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CoolingDown);
    assert_eq!(err.retry_after_ms, Some(2_000));
    f.clock.advance_ms(500);
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(
        (err.code, err.retry_after_ms),
        (ErrorCode::CoolingDown, Some(1_500))
    );
    assert_eq!(
        f.platform.prompts_shown(),
        shown,
        "no prompt while cooling down"
    );

    // Each further failure doubles the wait.
    let mut expected = 4_000;
    for _ in 0..3 {
        f.clock.advance_ms(300_000);
        let err = f.session.authenticate(auth_request()).await.unwrap_err();
        assert_eq!(
            (err.code, err.retry_after_ms),
            (ErrorCode::UnableToProcess, Some(expected))
        );
        expected *= 2;
    }
    // Success resets everything.
    f.clock.advance_ms(300_000);
    f.platform.script([Scripted::succeed_after_ms(10)]);
    f.session.authenticate(auth_request()).await.unwrap();
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(
        (err.code, err.retry_after_ms),
        (ErrorCode::UnableToProcess, None)
    );
}

#[tokio::test(start_paused = true)]
async fn the_cooldown_is_capped() {
    let f = fixture_with(SessionConfig {
        failures_before_cooldown: 1,
        cooldown_base: Duration::from_secs(10),
        cooldown_max: Duration::from_secs(25),
        ..SessionConfig::default()
    });
    f.session.enroll(enroll_options()).await.unwrap();
    f.platform.set_default_outcome(Scripted::NegativeButton {
        after: Duration::ZERO,
    });
    let mut waits = Vec::new();
    for _ in 0..4 {
        let err = f.session.authenticate(auth_request()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::UserCanceled);
        waits.push(err.retry_after_ms.unwrap());
        f.clock.advance_ms(60_000);
    }
    assert_eq!(waits, vec![10_000, 20_000, 25_000, 25_000]);
}

#[tokio::test(start_paused = true)]
async fn temporary_lockout_blocks_prompts_for_its_window() {
    let (f, _reg) = enrolled().await;
    f.platform
        .script([Scripted::android_error(android_codes::LOCKOUT)]);
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::LockedOut);
    assert_eq!(err.platform_code, Some(7));
    assert_eq!(err.retry_after_ms, Some(30_000));
    f.clock.advance_ms(29_000);
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(
        (err.code, err.retry_after_ms),
        (ErrorCode::LockedOut, Some(1_000))
    );
    assert_eq!(
        f.platform.prompts_shown(),
        1,
        "no prompt during the lockout"
    );
    f.clock.advance_ms(1_000);
    f.session.authenticate(auth_request()).await.unwrap();
    assert_eq!(f.platform.prompts_shown(), 2);
}

#[tokio::test]
async fn permanent_lockout_says_the_device_credential_is_needed() {
    let (f, _reg) = enrolled().await;
    f.platform
        .script([Scripted::android_error(android_codes::LOCKOUT_PERMANENT)]);
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::LockedOutPermanent);
    assert_eq!(err.platform_code, Some(9));
}

#[tokio::test]
async fn every_android_error_reaches_the_caller_as_its_typed_code() {
    for code in android_codes::ALL {
        let f = fixture_with(SessionConfig {
            failures_before_cooldown: 100,
            ..SessionConfig::default()
        });
        f.session.enroll(enroll_options()).await.unwrap();
        f.platform.script([Scripted::android_error(code)]);
        let err = f.session.authenticate(auth_request()).await.unwrap_err();
        assert_eq!(
            err.code,
            android_codes::map_prompt_error(code),
            "android code {code}"
        );
        assert_eq!(err.platform_code, Some(code));
    }
    // A code Android may add later is a PlatformError with the raw code.
    let (f, _reg) = enrolled().await;
    f.platform.script([Scripted::android_error(42)]);
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(
        (err.code, err.platform_code),
        (ErrorCode::PlatformError, Some(42))
    );
}

#[tokio::test]
async fn a_failed_read_is_not_an_end() {
    let (f, _reg) = enrolled().await;
    f.platform.script([Scripted::FailedReadsThenSucceed {
        failed_reads: 2,
        each: Duration::from_millis(1),
    }]);
    f.session.authenticate(auth_request()).await.unwrap();
    assert_eq!(f.platform.failed_reads(), 2);
    assert_eq!(f.platform.prompts_shown(), 1);
}

#[tokio::test]
async fn an_invalidated_key_is_deleted_and_reported() {
    let (f, _reg) = enrolled().await;
    f.platform.enrol_new_biometric();
    let err = f.session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::KeyInvalidated);
    assert!(!f.session.status(ALIAS).await.unwrap().key_enrolled);
    assert_eq!(
        code_of(f.session.authenticate(auth_request()).await),
        ErrorCode::KeyNotFound
    );
    // The app can enrol again under the same alias.
    f.session.enroll(enroll_options()).await.unwrap();
    f.session.authenticate(auth_request()).await.unwrap();
}

#[tokio::test]
async fn authenticate_without_a_key_is_key_not_found_and_shows_nothing() {
    let f = fixture();
    assert_eq!(
        code_of(f.session.authenticate(auth_request()).await),
        ErrorCode::KeyNotFound
    );
    assert_eq!(f.platform.prompts_shown(), 0);
}

#[tokio::test]
async fn delete_key_reports_whether_there_was_one() {
    let (f, _reg) = enrolled().await;
    assert!(f.session.delete_key(ALIAS).await.unwrap());
    assert!(!f.session.delete_key(ALIAS).await.unwrap());
    assert_eq!(
        code_of(f.session.authenticate(auth_request()).await),
        ErrorCode::KeyNotFound
    );
}

#[tokio::test(start_paused = true)]
async fn key_operations_wait_for_the_prompt() {
    let (f, _reg) = enrolled().await;
    f.platform.script([Scripted::NeverAnswer]);
    let session = f.session.clone();
    let pending = tokio::spawn(async move { session.authenticate(auth_request()).await });
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(
        code_of(f.session.enroll(enroll_options()).await),
        ErrorCode::InProgress
    );
    assert_eq!(
        code_of(f.session.delete_key(ALIAS).await),
        ErrorCode::InProgress
    );
    f.session.cancel();
    assert_eq!(
        pending.await.unwrap().unwrap_err().code,
        ErrorCode::UserCanceled
    );
    assert!(f.session.delete_key(ALIAS).await.unwrap());
}

#[tokio::test]
async fn device_credential_requests_are_refused_where_the_os_cannot() {
    let (f, _reg) = enrolled().await;
    f.platform.set_status(PlatformStatus {
        api_level: Some(29),
        hardware_present: true,
        biometrics_enrolled: true,
        class3_available: true,
        device_secure: true,
        strongbox_present: false,
    });
    let req = AuthenticateRequest {
        allow_device_credential: true,
        ..auth_request()
    };
    assert_eq!(
        code_of(f.session.authenticate(req).await),
        ErrorCode::Unsupported
    );
    assert_eq!(f.platform.prompts_shown(), 0);
}

#[tokio::test]
async fn every_invalid_argument_names_its_field_and_shows_nothing() {
    let (f, _reg) = enrolled().await;
    let long = |n: usize| "x".repeat(n);
    let cases: Vec<(&str, AuthenticateRequest)> = vec![
        (
            "alias",
            AuthenticateRequest {
                alias: String::new(),
                ..auth_request()
            },
        ),
        (
            "alias",
            AuthenticateRequest {
                alias: long(65),
                ..auth_request()
            },
        ),
        (
            "alias",
            AuthenticateRequest {
                alias: "has space".into(),
                ..auth_request()
            },
        ),
        (
            "alias",
            AuthenticateRequest {
                alias: "ключ".into(),
                ..auth_request()
            },
        ),
        (
            "challenge",
            AuthenticateRequest {
                challenge: String::new(),
                ..auth_request()
            },
        ),
        (
            "challenge",
            AuthenticateRequest {
                challenge: long(257),
                ..auth_request()
            },
        ),
        (
            "challenge",
            AuthenticateRequest {
                challenge: "a\nb".into(),
                ..auth_request()
            },
        ),
        (
            "audience",
            AuthenticateRequest {
                audience: String::new(),
                ..auth_request()
            },
        ),
        (
            "audience",
            AuthenticateRequest {
                audience: long(257),
                ..auth_request()
            },
        ),
        (
            "ttl_seconds",
            AuthenticateRequest {
                ttl_seconds: 0,
                ..auth_request()
            },
        ),
        (
            "ttl_seconds",
            AuthenticateRequest {
                ttl_seconds: 301,
                ..auth_request()
            },
        ),
        (
            "transaction",
            AuthenticateRequest {
                transaction: Some(Vec::new()),
                ..auth_request()
            },
        ),
        (
            "transaction",
            AuthenticateRequest {
                transaction: Some(vec![0; 64 * 1024 + 1]),
                ..auth_request()
            },
        ),
        (
            "prompt.title",
            AuthenticateRequest {
                prompt: PromptOptions {
                    title: String::new(),
                    ..auth_request().prompt
                },
                ..auth_request()
            },
        ),
        (
            "prompt.title",
            AuthenticateRequest {
                prompt: PromptOptions {
                    title: long(101),
                    ..auth_request().prompt
                },
                ..auth_request()
            },
        ),
        (
            "prompt.subtitle",
            AuthenticateRequest {
                prompt: PromptOptions {
                    subtitle: Some(long(101)),
                    ..auth_request().prompt
                },
                ..auth_request()
            },
        ),
        (
            "prompt.description",
            AuthenticateRequest {
                prompt: PromptOptions {
                    description: Some(long(501)),
                    ..auth_request().prompt
                },
                ..auth_request()
            },
        ),
        (
            "prompt.negative_button",
            AuthenticateRequest {
                prompt: PromptOptions {
                    negative_button: String::new(),
                    ..auth_request().prompt
                },
                ..auth_request()
            },
        ),
        (
            "prompt.negative_button",
            AuthenticateRequest {
                prompt: PromptOptions {
                    negative_button: long(41),
                    ..auth_request().prompt
                },
                ..auth_request()
            },
        ),
    ];
    for (field, req) in cases {
        let err = f.session.authenticate(req).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{field}");
        assert!(
            err.message.starts_with(&format!("{field}:")),
            "{field}: {}",
            err.message
        );
    }
    // The limits themselves are accepted.
    let edge = AuthenticateRequest {
        alias: ALIAS.into(),
        challenge: long(256),
        audience: long(256),
        ttl_seconds: 300,
        transaction: Some(vec![7; 64 * 1024]),
        ..auth_request()
    };
    f.session.authenticate(edge).await.unwrap();
    assert_eq!(
        f.platform.prompts_shown(),
        1,
        "only the valid request showed a prompt"
    );

    let enroll_cases: Vec<(&str, EnrollOptions)> = vec![
        (
            "alias",
            EnrollOptions {
                alias: "a/b".into(),
                ..enroll_options()
            },
        ),
        (
            "attestation_challenge",
            EnrollOptions {
                attestation_challenge: Vec::new(),
                ..enroll_options()
            },
        ),
        (
            "attestation_challenge",
            EnrollOptions {
                attestation_challenge: vec![1; 129],
                ..enroll_options()
            },
        ),
    ];
    for (field, opts) in enroll_cases {
        let err = f.session.enroll(opts).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{field}");
        assert!(
            err.message.starts_with(&format!("{field}:")),
            "{}",
            err.message
        );
    }
    for bad in ["", "a b", "x/../y"] {
        assert_eq!(
            code_of(f.session.status(bad).await),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            code_of(f.session.delete_key(bad).await),
            ErrorCode::InvalidArgument
        );
    }
}

/// A platform that signs the wrong bytes: the session must not hand out
/// its token.
struct WrongBytesPlatform(SimulatedPlatform);

#[async_trait]
impl Platform for WrongBytesPlatform {
    async fn status(&self) -> Result<PlatformStatus, PlatformError> {
        self.0.status().await
    }
    async fn key_exists(&self, alias: &str) -> Result<bool, PlatformError> {
        self.0.key_exists(alias).await
    }
    async fn create_key(&self, req: CreateKeyRequest) -> Result<CreatedKey, PlatformError> {
        self.0.create_key(req).await
    }
    async fn public_key(&self, alias: &str) -> Result<Vec<u8>, PlatformError> {
        self.0.public_key(alias).await
    }
    async fn sign_with_prompt(&self, mut req: SignRequest) -> Result<SignOutcome, PlatformError> {
        req.payload = Zeroizing::new(b"something else".to_vec());
        self.0.sign_with_prompt(req).await
    }
    fn cancel(&self) {
        self.0.cancel();
    }
    async fn delete_key(&self, alias: &str) -> Result<bool, PlatformError> {
        self.0.delete_key(alias).await
    }
}

#[tokio::test]
async fn a_signature_over_other_bytes_never_becomes_a_token() {
    let platform = Arc::new(WrongBytesPlatform(SimulatedPlatform::new()));
    let session = AuthSession::new(
        platform,
        SessionConfig::default(),
        Arc::new(ManualClock::new(T0_MS)),
    );
    session.enroll(enroll_options()).await.unwrap();
    let err = session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::PlatformError);
    assert!(err.message.contains("does not verify"), "{}", err.message);
}

/// A platform whose bridge refuses the next `busy` prompts as already
/// showing (Android's `START_BUSY`, e.g. a cancelled prompt still closing on
/// the main thread), then behaves like the simulator.
struct BusyPlatform {
    inner: SimulatedPlatform,
    busy: std::sync::atomic::AtomicUsize,
}

#[async_trait]
impl Platform for BusyPlatform {
    async fn status(&self) -> Result<PlatformStatus, PlatformError> {
        self.inner.status().await
    }
    async fn key_exists(&self, alias: &str) -> Result<bool, PlatformError> {
        self.inner.key_exists(alias).await
    }
    async fn create_key(&self, req: CreateKeyRequest) -> Result<CreatedKey, PlatformError> {
        self.inner.create_key(req).await
    }
    async fn public_key(&self, alias: &str) -> Result<Vec<u8>, PlatformError> {
        self.inner.public_key(alias).await
    }
    async fn sign_with_prompt(&self, req: SignRequest) -> Result<SignOutcome, PlatformError> {
        let was_busy = self
            .busy
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if was_busy {
            return Err(PlatformError::Prompt {
                code: ErrorCode::InProgress,
                platform_code: None,
                message: "another prompt is showing".into(),
            });
        }
        self.inner.sign_with_prompt(req).await
    }
    fn cancel(&self) {
        self.inner.cancel();
    }
    async fn delete_key(&self, alias: &str) -> Result<bool, PlatformError> {
        self.inner.delete_key(alias).await
    }
}

#[tokio::test]
async fn a_prompt_the_platform_refused_as_busy_is_not_a_failed_attempt() {
    let platform = Arc::new(BusyPlatform {
        inner: SimulatedPlatform::new(),
        busy: std::sync::atomic::AtomicUsize::new(5),
    });
    platform
        .inner
        .set_default_outcome(Scripted::android_error(android_codes::UNABLE_TO_PROCESS));
    let session = AuthSession::new(
        platform.clone(),
        SessionConfig::default(),
        Arc::new(ManualClock::new(T0_MS)),
    );
    session.enroll(enroll_options()).await.unwrap();
    for _ in 0..5 {
        let err = session.authenticate(auth_request()).await.unwrap_err();
        assert_eq!(
            (err.code, err.retry_after_ms),
            (ErrorCode::InProgress, None)
        );
    }
    assert_eq!(platform.inner.prompts_shown(), 0);
    // No prompt was shown, so no attempt was used up: the first real
    // failure is the first of the three tolerated ones.
    let err = session.authenticate(auth_request()).await.unwrap_err();
    assert_eq!(
        (err.code, err.retry_after_ms),
        (ErrorCode::UnableToProcess, None)
    );
}
