//! Callback storm on the host JVM: 10,000 prompt requests through the real
//! JNI bridge and Java `NativeBridge` (successes, every Android error code,
//! cancels, abandoned requests), while another thread keeps calling
//! `NativeBridge.nativeOnResult` itself with late, duplicate and unknown
//! request ids (finished requests, ids that were issued but never
//! registered, 0, negative and never-issued ids), carrying a forged
//! outcome. Every request must end with its own outcome, no forged one ever
//! reaches a waiter, and afterwards nothing is left: no registry entry, no
//! pending Java request, no extra JNI global reference. All of it bounded
//! in time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of a test binary: failing is the point

mod jvm_util;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jni::objects::JByteArray;
use jni::{jni_sig, jni_str, JValue};
use keybound::api::error::ErrorCode;
use keybound::testing::platform::android_codes::{self, map_prompt_error};
use keybound::testing::platform::PlatformError;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use parking_lot::Mutex;

const ALIAS: &str = "storm-key";
const REQUESTS: usize = 10_000;
/// The forged outcome's message: a waiter that sees it got a wrong completion.
const FORGED: &str = "forged-by-the-storm";
/// Ids above this are never issued in this process (10,000 requests).
const NEVER_ISSUED: i64 = 1 << 40;

/// Calls `NativeBridge.nativeOnResult` (private, but JNI does not check
/// access) as Java would, with a forged outcome for `id`: a "success" with a
/// garbage signature, or a vendor error.
fn inject(id: i64, success: bool) {
    let jvm = jvm_util::jvm();
    jvm_util::with_env(|env| {
        let message = env.new_string(FORGED)?;
        let signature = if success {
            env.byte_array_from_slice(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])?
        } else {
            JByteArray::default()
        };
        let outcome = if success { 0 } else { android_codes::VENDOR };
        env.call_static_method(
            &jvm.bridge_class,
            jni_str!("nativeOnResult"),
            jni_sig!((id: jlong, outcome: jint, der: jbyte[], auth: jint, message: JString) -> void),
            &[
                JValue::Long(id),
                JValue::Int(outcome),
                JValue::Object(&signature),
                JValue::Int(2),
                JValue::Object(&message),
            ],
        )?;
        // This thread stays attached: free the local references now.
        env.delete_local_ref(message);
        env.delete_local_ref(signature);
        Ok(())
    });
}

/// What one request does, and so how it must end.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Success,
    Error(i32),
    Cancelled,
    Abandoned,
}

fn kind(i: usize) -> Kind {
    match i % 5 {
        0 | 4 => Kind::Success,
        1 => Kind::Error(android_codes::ALL[(i / 5) % android_codes::ALL.len()]),
        2 => Kind::Cancelled,
        _ => Kind::Abandoned,
    }
}

fn wait_idle() {
    assert!(
        jvm_util::wait_until(Duration::from_secs(10), || {
            jvm_util::pending_java_requests() == 0 && !jvm_util::prompt_showing()
        }),
        "Java did not settle"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_duplicate_and_unknown_callbacks_never_complete_the_wrong_request() {
    let t = jvm_util::exclusive();
    let platform = Arc::clone(&t.platform);
    let public_key = platform
        .create_key(jvm_util::create_request(ALIAS, b"storm"))
        .await
        .unwrap()
        .public_key_sec1;
    let verifying_key = VerifyingKey::from_sec1_bytes(&public_key).unwrap();
    let registry = Arc::clone(keybound::testing::jni::bridge().unwrap().registry());

    // Warm-up (class init, caches, the storm's own JNI path) before the
    // baselines are taken.
    for i in 0..50 {
        platform
            .sign_with_prompt(jvm_util::sign_request(
                ALIAS,
                format!("warm-{i}").as_bytes(),
            ))
            .await
            .unwrap();
        inject(NEVER_ISSUED + i, i % 2 == 0);
    }
    wait_idle();
    jvm_util::drain_main();
    let refs_before = jvm_util::jni_global_refs();
    let ignored_before = registry.ignored_callbacks();
    let failures_before = keybound::testing::jni::callback_failures();

    // Ids no callback may complete any more: finished requests and ids that
    // were issued but never registered.
    let dead: Arc<Mutex<Vec<i64>>> = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let injected = Arc::new(AtomicU64::new(0));
    let storm = {
        let (dead, done, injected) = (Arc::clone(&dead), Arc::clone(&done), Arc::clone(&injected));
        std::thread::spawn(move || {
            let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
            while !done.load(Ordering::SeqCst) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let pick = seed >> 33;
                let id = match pick % 8 {
                    0 => -1 - i64::try_from(pick % 1000).unwrap(),
                    1 => 0,
                    2 => NEVER_ISSUED + i64::try_from(pick % 1_000_000).unwrap(),
                    3 => i64::MIN,
                    _ => {
                        let dead = dead.lock();
                        if dead.is_empty() {
                            continue;
                        }
                        // Mostly the most recent ones: late callbacks.
                        let recent = dead.len().min(16);
                        let index = if pick % 2 == 0 {
                            dead.len() - 1 - usize::try_from(pick).unwrap() % recent
                        } else {
                            usize::try_from(pick).unwrap() % dead.len()
                        };
                        dead[index]
                    }
                };
                inject(id, pick % 3 != 0);
                injected.fetch_add(1, Ordering::SeqCst);
                if pick % 4 == 0 {
                    std::thread::yield_now();
                }
            }
        })
    };

    let drive = async {
        let mut abandoned = 0u64;
        let mut counts = [0usize; 4];
        for i in 0..REQUESTS {
            let kind = kind(i);
            let payload = format!("request-{i}").into_bytes();
            // The request's id is the next one the registry issues; the
            // probe before it is issued but never registered.
            let probe = registry.next_id();
            let id = probe + 1;
            match kind {
                Kind::Success => jvm_util::script_success(0),
                Kind::Error(code) => jvm_util::script_error(code, 0),
                Kind::Cancelled => jvm_util::script_success(60_000),
                Kind::Abandoned => {}
            }
            let call = {
                let platform = Arc::clone(&platform);
                let payload = payload.clone();
                async move {
                    platform
                        .sign_with_prompt(jvm_util::sign_request(ALIAS, &payload))
                        .await
                }
            };
            match kind {
                Kind::Success => {
                    let signed = call.await.unwrap_or_else(|e| panic!("request {i}: {e:?}"));
                    let signature = Signature::from_der(&signed.der_signature)
                        .unwrap_or_else(|e| panic!("request {i}: not its signature: {e}"));
                    assert!(
                        verifying_key.verify(&payload, &signature).is_ok(),
                        "request {i} completed with a signature over other bytes"
                    );
                    counts[0] += 1;
                }
                Kind::Error(code) => match call.await {
                    Err(PlatformError::Prompt {
                        code: typed,
                        platform_code,
                        message,
                    }) => {
                        assert_eq!(
                            (typed, platform_code),
                            (map_prompt_error(code), Some(code)),
                            "request {i}"
                        );
                        assert_ne!(message, FORGED, "request {i}");
                        counts[1] += 1;
                    }
                    other => panic!("request {i} (error {code}): {other:?}"),
                },
                Kind::Cancelled => {
                    let shown_before = jvm_util::prompts_shown();
                    let task = tokio::spawn(call);
                    // Cancel once the prompter shows it (Platform::cancel
                    // ends the prompt showing now; a cancel racing the
                    // start is the session's business: it drops the call).
                    // Shown also means the scripted step was used up.
                    assert!(
                        jvm_util::wait_until(Duration::from_secs(10), || {
                            jvm_util::prompts_shown() > shown_before
                        }),
                        "request {i} never showed its prompt"
                    );
                    platform.cancel();
                    match task.await.unwrap() {
                        Err(PlatformError::Prompt {
                            code: ErrorCode::UserCanceled,
                            platform_code: Some(10),
                            message,
                        }) => assert_ne!(message, FORGED, "request {i}"),
                        other => panic!("request {i} (cancelled): {other:?}"),
                    }
                    counts[2] += 1;
                }
                Kind::Abandoned => {
                    let shown_before = jvm_util::prompts_shown();
                    let cancels_before = jvm_util::cancels_received();
                    let _ = tokio::time::timeout(Duration::ZERO, call).await;
                    // The start runs off the runtime and reaches Java after
                    // the drop (then it is shown and ends, or is cancelled
                    // by whichever side sees Java accept it): give it that
                    // moment before the idle check below, or the next
                    // request meets this prompt still closing (inProgress).
                    let _ = jvm_util::wait_until(Duration::from_secs(2), || {
                        jvm_util::prompts_shown() > shown_before
                            || jvm_util::cancels_received() > cancels_before
                    });
                    abandoned += 1;
                    counts[3] += 1;
                }
            }
            assert!(
                !registry.waiting_ids().contains(&id),
                "request {i} left its entry"
            );
            {
                let mut dead = dead.lock();
                dead.push(i64::try_from(probe).unwrap());
                dead.push(i64::try_from(id).unwrap());
            }
            if matches!(kind, Kind::Abandoned | Kind::Cancelled) {
                // The next prompt must not meet the one still closing.
                wait_idle();
            }
        }
        (abandoned, counts)
    };
    let (abandoned, counts) = tokio::time::timeout(Duration::from_secs(600), drive)
        .await
        .expect("10,000 requests within 10 minutes");
    done.store(true, Ordering::SeqCst);
    storm.join().unwrap();
    assert_eq!(counts.iter().sum::<usize>(), REQUESTS);

    wait_idle();
    jvm_util::drain_main();
    let injected = injected.load(Ordering::SeqCst);
    assert!(
        injected >= 1_000,
        "the storm sent only {injected} callbacks"
    );
    assert!(
        registry.is_empty(),
        "registry has {} entries",
        registry.len()
    );
    // Every forged callback was ignored; so was each abandoned request's
    // own late outcome, unless it arrived before the drop.
    let ignored = registry.ignored_callbacks() - ignored_before;
    assert!(
        (injected..=injected + abandoned).contains(&ignored),
        "{ignored} callbacks ignored, {injected} injected, {abandoned} abandoned"
    );
    assert_eq!(
        keybound::testing::jni::callback_failures(),
        failures_before,
        "a callback failed inside Rust"
    );
    println!(
        "storm: {REQUESTS} requests {counts:?} (success, error, cancelled, abandoned), \
         {injected} forged callbacks, {ignored} callbacks ignored"
    );
    let refs_after = jvm_util::jni_global_refs();
    assert!(
        refs_after <= refs_before + 2,
        "JNI global refs grew from {refs_before} to {refs_after}"
    );
}
