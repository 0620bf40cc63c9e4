//! `make bench`'s device-side figures, on the host JVM through the real JNI
//! backend and Java `NativeBridge` (the harness of the JNI tests):
//!
//! - `bridge_overhead_p50_us`, `bridge_overhead_p99_us`: `authenticate()`
//!   through the session, JNI and Java bridge with a zero-delay scripted
//!   prompt and JDK signing, minus a bare JDK `SHA256withECDSA` sign (key
//!   generated once; `Signature.getInstance`, `initSign`, `update`, `sign`
//!   per call, as the host Keystore stand-in does) timed in the same JVM,
//!   interleaved one for one. Percentiles of each series, then subtracted.
//! - `concurrent_10k_ms`: with one prompt held open, 10,000 concurrent
//!   `authenticate()` calls, all answered `InProgress`, from spawn to the
//!   last answer.
//!
//! A benchmark (`harness = false`, so `cargo test` never builds or runs it):
//! it prints figures and asserts no time. `cargo bench -p keybound --bench
//! bridge`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench binary: failing loudly is the point

#[path = "../tests/jvm_util/mod.rs"]
mod jvm_util;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jni::objects::{JByteArray, JObject};
use jni::refs::Global;
use jni::{jni_sig, jni_str, JValue};
use keybound::api::error::ErrorCode;
use keybound::api::types::{AuthenticateRequest, EnrollOptions, PromptOptions};
use keybound::testing::clock::SystemClock;
use keybound::testing::session::{AuthSession, SessionConfig};

const ALIAS: &str = "bench-key";
const AUDIENCE: &str = "https://bench.keybound.invalid";
const SAMPLES: usize = 2_000;
const WARMUP: usize = 300;
const CONCURRENT: usize = 10_000;

fn request(challenge: &str) -> AuthenticateRequest {
    AuthenticateRequest {
        alias: ALIAS.into(),
        challenge: challenge.into(),
        audience: AUDIENCE.into(),
        prompt: PromptOptions {
            title: "Sign in".into(),
            subtitle: None,
            description: None,
            negative_button: "Cancel".into(),
        },
        transaction: None,
        allow_device_credential: false,
        ttl_seconds: 60,
    }
}

fn percentile(sorted_us: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * (sorted_us.len() - 1) as f64).round() as usize;
    sorted_us[rank.min(sorted_us.len() - 1)]
}

/// A JDK EC private key, made once.
fn jdk_private_key() -> Global<JObject<'static>> {
    jvm_util::with_env(|env| {
        let alg = env.new_string("EC")?;
        let generator = env
            .call_static_method(
                jni_str!("java/security/KeyPairGenerator"),
                jni_str!("getInstance"),
                jni_sig!((alg: JString) -> java.security.KeyPairGenerator),
                &[JValue::Object(&alg)],
            )?
            .l()?;
        env.call_method(
            &generator,
            jni_str!("initialize"),
            jni_sig!((size: jint) -> void),
            &[JValue::Int(256)],
        )?;
        let pair = env
            .call_method(
                &generator,
                jni_str!("generateKeyPair"),
                jni_sig!(() -> java.security.KeyPair),
                &[],
            )?
            .l()?;
        let private = env
            .call_method(
                &pair,
                jni_str!("getPrivate"),
                jni_sig!(() -> java.security.PrivateKey),
                &[],
            )?
            .l()?;
        env.new_global_ref(&private)
    })
}

/// One bare JDK `SHA256withECDSA` sign, timed from Rust (its few JNI calls
/// included, a microsecond or so).
fn time_jdk_sign(private: &Global<JObject<'static>>, payload: &[u8]) -> Duration {
    jvm_util::with_env(|env| {
        let start = Instant::now();
        let alg = env.new_string("SHA256withECDSA")?;
        let signature = env
            .call_static_method(
                jni_str!("java/security/Signature"),
                jni_str!("getInstance"),
                jni_sig!((alg: JString) -> java.security.Signature),
                &[JValue::Object(&alg)],
            )?
            .l()?;
        env.call_method(
            &signature,
            jni_str!("initSign"),
            jni_sig!((key: java.security.PrivateKey) -> void),
            &[JValue::Object(private.as_obj())],
        )?;
        let data: JByteArray<'_> = env.byte_array_from_slice(payload)?;
        env.call_method(
            &signature,
            jni_str!("update"),
            jni_sig!((data: jbyte[]) -> void),
            &[JValue::Object(&data)],
        )?;
        let _der = env
            .call_method(&signature, jni_str!("sign"), jni_sig!(() -> jbyte[]), &[])?
            .l()?;
        Ok(start.elapsed())
    })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let t = jvm_util::exclusive();
    let config = SessionConfig {
        prompt_timeout: Duration::from_secs(20),
        failures_before_cooldown: 1_000_000,
        cooldown_base: Duration::ZERO,
        cooldown_max: Duration::ZERO,
        lockout: Duration::ZERO,
    };
    let session = Arc::new(AuthSession::new(
        Arc::clone(&t.platform),
        config,
        Arc::new(SystemClock),
    ));
    session
        .enroll(EnrollOptions {
            alias: ALIAS.into(),
            attestation_challenge: b"bench-enrol".to_vec(),
            allow_device_credential: false,
            prefer_strong_box: false,
        })
        .await
        .expect("enroll");

    // Bridge overhead: authenticate() (immediate scripted success, the
    // default of the host prompter) against a bare JDK sign, alternating.
    let private = jdk_private_key();
    let payload = vec![0x5a_u8; 300]; // about a token's signing input
    let mut full = Vec::with_capacity(SAMPLES);
    let mut bare = Vec::with_capacity(SAMPLES);
    for i in 0..WARMUP + SAMPLES {
        let challenge = format!("bench-challenge-{i}");
        let start = Instant::now();
        let token = session.authenticate(request(&challenge)).await;
        let elapsed = start.elapsed();
        token.expect("authenticate");
        let jdk = time_jdk_sign(&private, &payload);
        if i >= WARMUP {
            full.push(elapsed.as_secs_f64() * 1e6);
            bare.push(jdk.as_secs_f64() * 1e6);
        }
    }
    full.sort_by(f64::total_cmp);
    bare.sort_by(f64::total_cmp);
    for (name, series) in [("authenticate", &full), ("bare JDK sign", &bare)] {
        eprintln!(
            "bench: {name}: p50 {:.1} us, p99 {:.1} us, max {:.1} us ({SAMPLES} samples)",
            percentile(series, 50.0),
            percentile(series, 99.0),
            percentile(series, 100.0)
        );
    }
    println!(
        "bridge_overhead_p50_us: {:.1}",
        percentile(&full, 50.0) - percentile(&bare, 50.0)
    );
    println!(
        "bridge_overhead_p99_us: {:.1}",
        percentile(&full, 99.0) - percentile(&bare, 99.0)
    );

    // 10,000 concurrent calls while one prompt is held open.
    jvm_util::script_hang();
    let before = jvm_util::prompts_shown();
    let holder = {
        let s = Arc::clone(&session);
        tokio::spawn(async move { s.authenticate(request("held")).await })
    };
    assert!(
        jvm_util::wait_until(Duration::from_secs(10), || jvm_util::prompts_shown()
            == before + 1),
        "the held prompt never showed"
    );
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENT)
        .map(|i| {
            let s = Arc::clone(&session);
            tokio::spawn(async move { s.authenticate(request(&format!("c-{i}"))).await })
        })
        .collect();
    let mut in_progress = 0usize;
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            if e.code == ErrorCode::InProgress {
                in_progress += 1;
            }
        }
    }
    let elapsed = start.elapsed();
    assert!(jvm_util::release_hang(), "no prompt was hanging");
    let _ = tokio::time::timeout(Duration::from_secs(10), holder).await;
    eprintln!("bench: concurrent: {in_progress} of {CONCURRENT} answered InProgress");
    if in_progress == CONCURRENT {
        println!("concurrent_10k_ms: {:.1}", elapsed.as_secs_f64() * 1e3);
    } else {
        // Not the figure asked for: say so rather than print it.
        eprintln!(
            "bench: concurrent_10k_ms not printed: only {in_progress} of {CONCURRENT} were InProgress"
        );
    }
}
