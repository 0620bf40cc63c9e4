//! The Android platform (JNI backend + real Java `NativeBridge` + host Java
//! platform) driven through the `Platform` trait on a host JVM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of a test binary: failing is the point

mod jvm_util;

use std::sync::Arc;
use std::time::Duration;

use jni::jni_str;
use keybound::api::error::ErrorCode;
use keybound::testing::platform::android_codes;
use keybound::testing::platform::{AuthType, Platform, PlatformError, SecurityLevel};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};

const ALIAS: &str = "jvm-test-key";

async fn enrolled(platform: &Arc<dyn Platform>) -> Vec<u8> {
    platform
        .create_key(jvm_util::create_request(ALIAS, b"challenge-1"))
        .await
        .expect("create_key")
        .public_key_sec1
}

fn verify(public_sec1: &[u8], payload: &[u8], der: &[u8]) -> bool {
    let key = VerifyingKey::from_sec1_bytes(public_sec1).unwrap();
    let sig = Signature::from_der(der).unwrap();
    key.verify(payload, &sig).is_ok()
}

fn prompt_code(
    result: Result<keybound::testing::platform::SignOutcome, PlatformError>,
) -> (ErrorCode, Option<i32>) {
    match result {
        Err(PlatformError::Prompt {
            code,
            platform_code,
            ..
        }) => (code, platform_code),
        other => panic!("expected a prompt error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_what_the_java_device_says() {
    let t = jvm_util::exclusive();
    jvm_util::set_device(33, 0, true, true);
    let s = t.platform.status().await.unwrap();
    assert_eq!(s.api_level, Some(33));
    assert!(s.hardware_present && s.biometrics_enrolled && s.class3_available);
    assert!(s.device_secure && s.strongbox_present);

    jvm_util::set_device(30, 11, false, false);
    let s = t.platform.status().await.unwrap();
    assert_eq!(s.api_level, Some(30));
    assert!(s.hardware_present && !s.biometrics_enrolled && !s.class3_available);
    assert!(!s.device_secure && !s.strongbox_present);

    jvm_util::set_device(29, 12, true, false);
    let s = t.platform.status().await.unwrap();
    assert!(!s.hardware_present && !s.class3_available);

    // API 28: no BiometricManager, "unknown, try authenticate".
    jvm_util::set_device(28, -1, true, false);
    let s = t.platform.status().await.unwrap();
    assert_eq!(s.api_level, Some(28));
    assert!(s.class3_available);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_key_returns_the_point_and_an_attestation_chain_with_the_challenge() {
    let t = jvm_util::exclusive();
    let challenge = b"server-nonce-0123456789";
    let key = t
        .platform
        .create_key(jvm_util::create_request(ALIAS, challenge))
        .await
        .unwrap();
    assert_eq!(key.public_key_sec1.len(), 65);
    assert_eq!(key.public_key_sec1[0], 0x04);
    assert_eq!(key.security_level, SecurityLevel::StrongBox);
    assert_eq!(key.attestation_chain.len(), 2);
    let leaf = &key.attestation_chain[0];
    assert!(
        leaf.windows(challenge.len()).any(|w| w == challenge),
        "challenge not in leaf"
    );
    assert!(
        leaf.windows(64).any(|w| w == &key.public_key_sec1[1..]),
        "key not in leaf"
    );
    assert_eq!(key.attestation_chain[1], jvm_util::root_certificate());

    assert_eq!(
        t.platform.public_key(ALIAS).await.unwrap(),
        key.public_key_sec1
    );
    assert!(t.platform.key_exists(ALIAS).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_strongbox_falls_back_to_the_tee_and_says_so() {
    let t = jvm_util::exclusive();
    jvm_util::break_strongbox(true);
    let key = t
        .platform
        .create_key(jvm_util::create_request(ALIAS, b"c"))
        .await
        .unwrap();
    assert_eq!(key.security_level, SecurityLevel::TrustedEnvironment);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_with_prompt_returns_a_der_signature_the_public_key_verifies() {
    let t = jvm_util::exclusive();
    let public = enrolled(&t.platform).await;
    let payload = b"header.payload";
    let out = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, payload))
        .await
        .unwrap();
    assert_eq!(out.auth_type, AuthType::Biometric);
    assert!(verify(&public, payload, &out.der_signature));
    assert!(!verify(&public, b"other bytes", &out.der_signature));
    assert_eq!(jvm_util::prompts_shown(), 1);
    assert_eq!(jvm_util::last_prompt_title().as_deref(), Some("Confirm"));

    // With device credential allowed, Java signs the payload matching how
    // the user authenticated.
    let mut req = jvm_util::sign_request(ALIAS, payload);
    req.allow_device_credential = true;
    req.payload_device_credential = Some(zeroize::Zeroizing::new(b"dc.payload".to_vec()));
    let out = t.platform.sign_with_prompt(req.clone()).await.unwrap();
    assert_eq!(out.auth_type, AuthType::Biometric);
    assert!(verify(&public, payload, &out.der_signature));
    jvm_util::script_device_credential_success();
    let out = t.platform.sign_with_prompt(req).await.unwrap();
    assert_eq!(out.auth_type, AuthType::DeviceCredential);
    assert!(verify(&public, b"dc.payload", &out.der_signature));

    // Device credential used although not allowed: nothing is signed.
    jvm_util::script_device_credential_success();
    let refused = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, payload))
        .await;
    assert!(
        matches!(refused, Err(PlatformError::Bridge(_))),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_android_error_code_arrives_typed() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    for code in android_codes::ALL.into_iter().chain([6, 42]) {
        jvm_util::script_error(code, 1);
        let (typed, raw) = prompt_code(
            t.platform
                .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
                .await,
        );
        assert_eq!(typed, android_codes::map_prompt_error(code), "code {code}");
        assert_eq!(raw, Some(code));
    }
    assert!(t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_read_keeps_the_prompt_up_until_success() {
    let t = jvm_util::exclusive();
    let public = enrolled(&t.platform).await;
    jvm_util::script_failed_then_success(3);
    let out = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"x"))
        .await
        .unwrap();
    assert!(verify(&public, b"x", &out.der_signature));
    assert_eq!(jvm_util::failed_reads(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_prompt_ends_it_as_user_canceled() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    jvm_util::script_success(30_000);
    let platform = Arc::clone(&t.platform);
    let task = tokio::spawn(async move {
        platform
            .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
            .await
    });
    // Wait until the prompter really shows it (not only accepted by the bridge).
    assert!(jvm_util::wait_until(Duration::from_secs(5), || {
        jvm_util::prompts_shown() == 1
    }));
    t.platform.cancel();
    let result = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(prompt_code(result), (ErrorCode::UserCanceled, Some(10)));
    assert_eq!(jvm_util::cancels_received(), 1);
    let bridge = keybound::testing::jni::bridge().unwrap();
    assert!(bridge.registry().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backgrounding_reaches_rust_as_system_canceled() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    jvm_util::script_success(30_000);
    let platform = Arc::clone(&t.platform);
    let task = tokio::spawn(async move {
        platform
            .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
            .await
    });
    assert!(jvm_util::wait_until(
        Duration::from_secs(5),
        jvm_util::prompt_showing
    ));
    jvm_util::background();
    let result = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(prompt_code(result), (ErrorCode::SystemCanceled, Some(5)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_while_java_hangs_cancels_and_the_late_callback_is_ignored() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    let registry = Arc::clone(keybound::testing::jni::bridge().unwrap().registry());
    let ignored_before = registry.ignored_callbacks();
    jvm_util::script_hang();
    let timed_out = tokio::time::timeout(
        Duration::from_millis(200),
        t.platform
            .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p")),
    )
    .await;
    assert!(timed_out.is_err(), "the hung prompt must not finish");
    assert!(registry.is_empty(), "dropping the future removes the entry");
    jvm_util::drain_main();
    assert_eq!(jvm_util::cancels_received(), 1, "Java was told to cancel");
    // Java still shows the wedged prompt: a new one is refused meanwhile.
    let busy = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await;
    assert_eq!(prompt_code(busy).0, ErrorCode::InProgress);

    assert!(jvm_util::release_hang());
    assert!(jvm_util::wait_until(Duration::from_secs(5), || {
        registry.ignored_callbacks() == ignored_before + 1
    }));
    assert_eq!(jvm_util::pending_java_requests(), 0);
    // And the bridge works again.
    assert!(t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_prompts_show_one_and_refuse_the_rest() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    // The first prompt stays up until every other request has been answered
    // (the starts run on the blocking pool, so they are spread in time).
    jvm_util::script_hang();
    let mut tasks = Vec::new();
    for _ in 0..1000 {
        let platform = Arc::clone(&t.platform);
        tasks.push(tokio::spawn(async move {
            platform
                .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
                .await
        }));
    }
    let all_but_one_answered = || tasks.iter().filter(|t| t.is_finished()).count() == 999;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !all_but_one_answered() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        all_but_one_answered(),
        "999 requests must be refused while one shows"
    );
    assert!(jvm_util::release_hang());
    let mut ok = 0;
    let mut busy = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(PlatformError::Prompt {
                code: ErrorCode::InProgress,
                ..
            }) => busy += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((ok, busy), (1, 999));
    assert_eq!(jvm_util::prompts_shown(), 1);
    assert!(keybound::testing::jni::bridge()
        .unwrap()
        .registry()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_mixed_operations_leave_no_entries_and_no_global_refs() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    let registry = Arc::clone(keybound::testing::jni::bridge().unwrap().registry());

    async fn op(platform: &Arc<dyn Platform>, i: usize) {
        match i % 8 {
            0 => drop(platform.status().await.unwrap()),
            1 => assert!(platform.key_exists(ALIAS).await.unwrap()),
            2 => assert_eq!(platform.public_key(ALIAS).await.unwrap().len(), 65),
            3 => assert!(matches!(
                platform.public_key("missing").await,
                Err(PlatformError::KeyNotFound)
            )),
            4 | 5 => {
                // Alone or racing another task: success or a clean refusal.
                match platform
                    .sign_with_prompt(jvm_util::sign_request(ALIAS, b"m"))
                    .await
                {
                    Ok(_) => {}
                    Err(PlatformError::Prompt {
                        code: ErrorCode::InProgress,
                        ..
                    }) => {}
                    Err(other) => panic!("unexpected {other:?}"),
                }
            }
            6 => {
                // Abandoned after the first poll: Java is told to cancel.
                let _ = tokio::time::timeout(
                    Duration::ZERO,
                    platform.sign_with_prompt(jvm_util::sign_request(ALIAS, b"m")),
                )
                .await;
            }
            _ => assert!(!platform.delete_key("missing").await.unwrap()),
        }
    }

    async fn run(platform: &Arc<dyn Platform>, per_worker: usize) {
        let mut tasks = Vec::new();
        for worker in 0..4 {
            let platform = Arc::clone(platform);
            tasks.push(tokio::spawn(async move {
                for i in 0..per_worker {
                    op(&platform, worker * per_worker + i).await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }

    // Warm up the same way (class init, lazily cached classes, thread pool,
    // the diagnostic MBean itself) before taking the baseline.
    run(&t.platform, 200).await;
    jvm_util::jni_global_refs();
    jvm_util::drain_main();
    let refs_before = jvm_util::jni_global_refs();
    assert!(refs_before > 0, "HotSpot reports global refs");

    run(&t.platform, 2500).await;
    assert!(jvm_util::wait_until(Duration::from_secs(10), || {
        jvm_util::drain_main();
        jvm_util::pending_java_requests() == 0 && !jvm_util::prompt_showing()
    }));
    assert!(
        registry.is_empty(),
        "registry has {} entries",
        registry.len()
    );
    // HotSpot's own count moves by one either way between samples (JVM
    // internals); a leak per operation would add hundreds or thousands.
    let refs_after = jvm_util::jni_global_refs();
    assert!(
        refs_after <= refs_before + 2,
        "JNI global refs grew from {refs_before} to {refs_after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_java_exception_becomes_a_typed_error_and_the_thread_stays_usable() {
    let t = jvm_util::exclusive();
    jvm_util::fail_next_device_call("device exploded");
    let platform = Arc::clone(&t.platform);
    // Same OS thread for both calls (no tokio runtime inside: inline calls).
    let (typed, after_first, after_second) = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bridge = keybound::testing::jni::bridge().unwrap();
        let typed = bridge.status();
        let after_first = rt.block_on(platform.status());
        (typed, after_first, rt.block_on(platform.status()))
    })
    .join()
    .unwrap();
    assert_eq!(
        typed,
        Err(keybound::testing::jni::BridgeError::JavaException {
            class: "java.lang.IllegalStateException".into(),
            message: "device exploded".into(),
        })
    );
    assert!(after_first.is_ok(), "{after_first:?}");
    assert!(after_second.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_vault_exceptions_are_typed() {
    let t = jvm_util::exclusive();
    let missing = t
        .platform
        .sign_with_prompt(jvm_util::sign_request("nope", b"p"))
        .await;
    assert_eq!(missing.unwrap_err(), PlatformError::KeyNotFound);
    assert_eq!(
        t.platform.public_key("nope").await.unwrap_err(),
        PlatformError::KeyNotFound
    );

    enrolled(&t.platform).await;
    jvm_util::invalidate(ALIAS);
    let dead = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await;
    assert_eq!(dead.unwrap_err(), PlatformError::KeyInvalidated);
    assert!(
        !t.platform.key_exists(ALIAS).await.unwrap(),
        "the vault deleted it"
    );
    assert_eq!(jvm_util::prompts_shown(), 0, "no prompt for a dead key");
    assert!(keybound::testing::jni::bridge()
        .unwrap()
        .registry()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_inside_the_callback_is_an_error_not_a_crash() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    let failures_before = keybound::testing::jni::callback_failures();
    keybound::testing::jni::inject_panic_in_next_callback();
    let result = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await;
    assert!(
        matches!(result, Err(PlatformError::Bridge(ref m)) if m.contains("lost")),
        "{result:?}"
    );
    // The policy counts the panic just after the waiter saw the sender drop.
    assert!(jvm_util::wait_until(Duration::from_secs(5), || {
        keybound::testing::jni::callback_failures() == failures_before + 1
    }));
    // Java saw a normal return (no exception), and everything still works.
    let callback_failures_in_java = jvm_util::with_env(|env| {
        let jvm = jvm_util::jvm();
        env.call_static_method(
            &jvm.bridge_class,
            jni_str!("callbackFailures"),
            jni::jni_sig!(() -> jlong),
            &[],
        )?
        .j()
    });
    assert_eq!(callback_failures_in_java, 0);
    assert!(t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn java_signs_only_with_the_authorised_signature_instance() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    // The prompter authorises the instance it was given but hands back another.
    jvm_util::script_wrong_signature();
    let result = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await;
    match result {
        Err(PlatformError::Bridge(m)) => assert!(m.contains("Key user not authenticated"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompter_that_throws_leaves_no_stuck_state() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    jvm_util::script_throw();
    let result = t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await;
    assert!(
        matches!(result, Err(PlatformError::Bridge(ref m)) if m.contains("IllegalStateException")),
        "{result:?}"
    );
    assert!(!jvm_util::prompt_showing());
    assert!(t
        .platform
        .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_key_removes_it_once() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    assert!(t.platform.delete_key(ALIAS).await.unwrap());
    assert!(!t.platform.delete_key(ALIAS).await.unwrap());
    assert!(!t.platform.key_exists(ALIAS).await.unwrap());
}

#[test]
fn rust_attached_threads_cannot_find_app_classes_but_the_bridge_works_there() {
    let t = jvm_util::exclusive();
    let platform = Arc::clone(&t.platform);
    std::thread::spawn(move || {
        let found = jvm_util::with_env(|env| {
            let found = env
                .find_class(jni_str!("dev/keybound/NativeBridge"))
                .is_ok();
            Ok(found)
        });
        assert!(!found, "the bridge must not be on the system class path");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(rt.block_on(platform.status()).is_ok());
    })
    .join()
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_init_keeps_the_context_and_is_idempotent() {
    let _t = jvm_util::exclusive();
    jvm_util::with_env(|env| {
        let jvm = jvm_util::jvm();
        let context = env.new_string("a stand-in application context")?;
        for _ in 0..2 {
            env.call_static_method(
                &jvm.bridge_class,
                jni_str!("nativeInit"),
                jni::jni_sig!((context: JObject) -> void),
                &[jni::JValue::Object(&context)],
            )?;
        }
        Ok(())
    });
    assert!(keybound::testing::jni::context_installed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_round_trip_timer_measures_a_successful_prompt() {
    let t = jvm_util::exclusive();
    enrolled(&t.platform).await;
    let before = jvm_util::prompts_shown();
    let elapsed = jvm_util::time_round_trip(t.platform.as_ref(), ALIAS)
        .await
        .unwrap();
    assert!(elapsed > Duration::ZERO);
    assert_eq!(jvm_util::prompts_shown(), before + 1);
}

/// A Keystore call that blocks (the gated vault) must not hold the runtime's
/// only worker: another task runs while Java is blocked in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeystoreOp {
    Create,
    Sign,
    PublicKey,
    Exists,
    Delete,
}

impl KeystoreOp {
    const ALL: [KeystoreOp; 5] = [
        KeystoreOp::Create,
        KeystoreOp::Sign,
        KeystoreOp::PublicKey,
        KeystoreOp::Exists,
        KeystoreOp::Delete,
    ];

    /// The `KeyVault` method the operation blocks in (`signatureFor` is
    /// where `initSign` runs, before the prompt shows).
    fn vault_method(self) -> &'static str {
        match self {
            KeystoreOp::Create => "create",
            KeystoreOp::Sign => "signatureFor",
            KeystoreOp::PublicKey => "publicKey",
            KeystoreOp::Exists => "exists",
            KeystoreOp::Delete => "delete",
        }
    }

    async fn run(self, platform: Arc<dyn Platform>) -> Result<(), PlatformError> {
        match self {
            KeystoreOp::Create => platform
                .create_key(jvm_util::create_request(ALIAS, b"c"))
                .await
                .map(drop),
            KeystoreOp::Sign => platform
                .sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"))
                .await
                .map(drop),
            KeystoreOp::PublicKey => platform.public_key(ALIAS).await.map(drop),
            KeystoreOp::Exists => platform.key_exists(ALIAS).await.map(drop),
            KeystoreOp::Delete => platform.delete_key(ALIAS).await.map(drop),
        }
    }
}

/// The two runtimes where one blocked thread stalls everything: the
/// current-thread runtime (what `#[tokio::test]` and many apps' executors
/// are) and a multi-thread runtime with a single worker.
fn small_runtimes() -> [(&'static str, tokio::runtime::Runtime); 2] {
    [
        (
            "current-thread",
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap(),
        ),
        (
            "multi-thread, 1 worker",
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_time()
                .build()
                .unwrap(),
        ),
    ]
}

#[test]
fn keystore_calls_blocking_in_java_leave_the_runtime_free_for_other_tasks() {
    let t = jvm_util::exclusive();
    let mut failures = Vec::new();
    for (flavour, rt) in small_runtimes() {
        for op in KeystoreOp::ALL {
            jvm_util::gated_install("");
            if op != KeystoreOp::Create {
                rt.block_on(t.platform.create_key(jvm_util::create_request(ALIAS, b"c")))
                    .unwrap();
            }
            jvm_util::gated_arm(op.vault_method());
            let platform = Arc::clone(&t.platform);
            let (probe_saw_java_blocked, result) = rt.block_on(async move {
                let work = tokio::spawn(op.run(platform));
                // Another task of the same runtime: it can only run while the
                // vault call is blocked if that call is not on a worker.
                let probe = tokio::spawn(async {
                    while jvm_util::gated_entered() == 0 {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    jvm_util::gated_inside()
                });
                let probe_saw_java_blocked = probe.await.unwrap();
                jvm_util::gated_release();
                let result = tokio::time::timeout(Duration::from_secs(30), work)
                    .await
                    .expect("the operation finishes once released");
                (probe_saw_java_blocked, result.unwrap())
            });
            let gave_up = jvm_util::gated_gave_up();
            if !probe_saw_java_blocked || gave_up || result.is_err() {
                failures.push(format!(
                    "{flavour}, {op:?}: another task ran while Java blocked: {probe_saw_java_blocked}, \
                     the gate gave up: {gave_up}, result: {result:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_prompt_dropped_while_its_start_blocks_in_java_is_cancelled_once_accepted() {
    let t = jvm_util::exclusive();
    let registry = Arc::clone(keybound::testing::jni::bridge().unwrap().registry());
    for (flavour, rt) in small_runtimes() {
        jvm_util::gated_install("");
        rt.block_on(t.platform.create_key(jvm_util::create_request(ALIAS, b"c")))
            .unwrap();
        // Long enough that only a cancel can end it within the wait below.
        jvm_util::gated_script_slow_success(60_000);
        jvm_util::gated_arm("signatureFor");
        let platform = Arc::clone(&t.platform);
        let dropped = rt.block_on(async move {
            let sign = platform.sign_with_prompt(jvm_util::sign_request(ALIAS, b"p"));
            // Drop the waiter as soon as Java is blocked in initSign.
            tokio::select! {
                result = sign => Some(result),
                () = async {
                    while !jvm_util::gated_inside() {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                } => None,
            }
        });
        assert!(dropped.is_none(), "{flavour}: the start must still block");
        assert!(registry.is_empty(), "{flavour}: the waiter is gone");
        assert_eq!(jvm_util::pending_java_requests(), 0, "{flavour}");
        // Java now accepts the request nobody waits for: it must be cancelled
        // (before it shows or on screen), and its result come back, ignored.
        let ignored_before = registry.ignored_callbacks();
        jvm_util::gated_release();
        assert!(
            jvm_util::wait_until(Duration::from_secs(10), || {
                registry.ignored_callbacks() == ignored_before + 1
            }),
            "{flavour}: the accepted prompt was never cancelled"
        );
        assert_eq!(jvm_util::pending_java_requests(), 0, "{flavour}");
        assert!(!jvm_util::prompt_showing(), "{flavour}");
        assert!(!jvm_util::gated_gave_up(), "{flavour}");
    }
    // Later tests get the ordinary host platform again.
    jvm_util::reset();
}
