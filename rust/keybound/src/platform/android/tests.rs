use p256::elliptic_curve::sec1::ToEncodedPoint;

use super::*;

fn valid_point() -> Vec<u8> {
    let secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
    secret
        .public_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec()
}

fn spki_of(point: &[u8]) -> Vec<u8> {
    let mut spki = P256_SPKI_PREFIX.to_vec();
    spki.extend_from_slice(point);
    spki
}

#[test]
fn spki_of_a_p256_key_gives_its_uncompressed_point() {
    let point = valid_point();
    assert_eq!(spki_to_sec1(&spki_of(&point)).unwrap(), point);
}

#[test]
fn spki_that_is_not_p256_or_not_on_the_curve_is_refused() {
    let point = valid_point();
    // Truncated, extended, wrong curve OID byte, compressed marker, off-curve point.
    let mut wrong_oid = spki_of(&point);
    wrong_oid[22] = 0x22;
    let mut off_curve = point.clone();
    off_curve[64] ^= 1;
    let mut compressed = point.clone();
    compressed[0] = 0x02;
    for bad in [
        spki_of(&point)[..90].to_vec(),
        [spki_of(&point), vec![0]].concat(),
        wrong_oid,
        spki_of(&off_curve),
        spki_of(&compressed),
        Vec::new(),
    ] {
        assert!(
            matches!(spki_to_sec1(&bad), Err(PlatformError::Bridge(_))),
            "accepted {bad:02x?}"
        );
    }
}

fn result(outcome: i32, der: Option<Vec<u8>>, auth_type: i32) -> CallbackResult {
    CallbackResult {
        outcome,
        der_signature: der,
        auth_type,
        message: Some("msg".into()),
    }
}

#[test]
fn success_outcomes_carry_signature_and_auth_type() {
    let ok = outcome_to_result(result(0, Some(vec![0x30, 1, 2]), 2)).unwrap();
    assert_eq!(ok.der_signature, vec![0x30, 1, 2]);
    assert_eq!(ok.auth_type, AuthType::Biometric);
    let ok = outcome_to_result(result(0, Some(vec![0x30]), 1)).unwrap();
    assert_eq!(ok.auth_type, AuthType::DeviceCredential);
    // Success without signature or with an unknown auth type is a bridge error.
    assert!(matches!(
        outcome_to_result(result(0, None, 2)),
        Err(PlatformError::Bridge(_))
    ));
    assert!(matches!(
        outcome_to_result(result(0, Some(vec![]), 2)),
        Err(PlatformError::Bridge(_))
    ));
    assert!(matches!(
        outcome_to_result(result(0, Some(vec![1]), 3)),
        Err(PlatformError::Bridge(_))
    ));
}

#[test]
fn android_codes_become_typed_prompt_errors() {
    for code in crate::platform::android_codes::ALL {
        match outcome_to_result(result(code, None, 0)) {
            Err(PlatformError::Prompt {
                code: typed,
                platform_code,
                message,
            }) => {
                assert_eq!(
                    typed,
                    crate::platform::android_codes::map_prompt_error(code)
                );
                assert_eq!(platform_code, Some(code));
                assert_eq!(message, "msg");
            }
            other => panic!("code {code}: {other:?}"),
        }
    }
    assert!(
        matches!(outcome_to_result(result(-1, None, 0)), Err(PlatformError::Bridge(m)) if m.contains("msg"))
    );
    assert!(matches!(
        outcome_to_result(result(-2, None, 0)),
        Err(PlatformError::Bridge(_))
    ));
    assert!(matches!(
        outcome_to_result(result(-3, None, 0)),
        Err(PlatformError::UnlockRequired(m)) if m.contains("msg")
    ));
}

#[test]
fn key_vault_reasons_map_to_platform_errors() {
    let kv = |reason| BridgeError::KeyVault {
        reason,
        message: "m".into(),
    };
    assert_eq!(map_bridge_error(kv(1)), PlatformError::KeyNotFound);
    assert_eq!(map_bridge_error(kv(2)), PlatformError::KeyInvalidated);
    assert_eq!(
        map_bridge_error(kv(4)),
        PlatformError::Unsupported("m".into())
    );
    assert!(matches!(map_bridge_error(kv(3)), PlatformError::Bridge(m) if m.contains('m')));
    assert!(matches!(map_bridge_error(kv(5)), PlatformError::Bridge(_)));
    assert_eq!(
        map_bridge_error(kv(6)),
        PlatformError::NotEnrolled("m".into())
    );
    assert_eq!(
        map_bridge_error(kv(7)),
        PlatformError::UnlockRequired("m".into())
    );
    let java = BridgeError::JavaException {
        class: "java.lang.IllegalStateException".into(),
        message: "boom".into(),
    };
    assert_eq!(
        map_bridge_error(java),
        PlatformError::Bridge("java.lang.IllegalStateException: boom".into())
    );
}

/// Polls `fut` to completion on this thread with no tokio runtime around
/// (as an executor other than tokio would).
fn block_on_without_tokio<F: std::future::Future>(fut: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// (the thread that polled the call, the thread the call ran on, its name).
type WhereItRan = (std::thread::ThreadId, std::thread::ThreadId, Option<String>);

/// One way of polling [`where_it_ran`] to completion.
type Executor = fn() -> WhereItRan;

async fn where_it_ran() -> WhereItRan {
    let poller = std::thread::current().id();
    let (ran_on, name) = off_runtime(|| {
        let t = std::thread::current();
        (t.id(), t.name().map(str::to_owned))
    })
    .await
    .unwrap();
    (poller, ran_on, name)
}

#[test]
fn off_runtime_never_runs_the_call_on_the_polling_thread() {
    let cases: [(&str, Executor); 3] = [
        ("no runtime", || block_on_without_tokio(where_it_ran())),
        ("current-thread runtime", || {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(where_it_ran())
        }),
        ("a worker of a 1-worker multi-thread runtime", || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap();
            rt.block_on(async { tokio::spawn(where_it_ran()).await.unwrap() })
        }),
    ];
    for (name, run) in cases {
        let (poller, ran_on, thread_name) = run();
        assert_ne!(poller, ran_on, "{name}: the call ran on the polling thread");
        if name == "no runtime" {
            assert_eq!(thread_name.as_deref(), Some("keybound-keystore"), "{name}");
        }
    }
}

#[test]
fn a_panic_off_the_runtime_is_a_bridge_error() {
    let cases: [(&str, bool); 2] = [("no runtime", false), ("current-thread runtime", true)];
    for (name, with_runtime) in cases {
        let call = off_runtime(|| -> u8 { panic!("keystore call panicked (test)") });
        let result = if with_runtime {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(call)
        } else {
            block_on_without_tokio(call)
        };
        assert!(
            matches!(result, Err(PlatformError::Bridge(_))),
            "{name}: {result:?}"
        );
    }
}
