//! Logs carry request ids, outcomes and timings, and never a token,
//! signature, challenge or key byte.

use std::io::Write;
use std::sync::Arc;

use keybound::api::types::{AuthenticateRequest, EnrollOptions, PromptOptions};
use keybound::testing::clock::SystemClock;
use keybound::testing::platform::simulated::{Scripted, SimulatedPlatform};
use keybound::testing::session::{AuthSession, SessionConfig};

#[derive(Clone, Default)]
struct Capture(Arc<parking_lot::Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_secret_reaches_the_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();

    let platform = Arc::new(SimulatedPlatform::new());
    let session = AuthSession::new(
        platform.clone(),
        SessionConfig::default(),
        Arc::new(SystemClock),
    );
    let challenge = "challenge-7f3a9c1d-secret";
    let registration_challenge = b"registration-secret-nonce".to_vec();
    let reg = rt
        .block_on(session.enroll(EnrollOptions {
            alias: "logged".into(),
            attestation_challenge: registration_challenge.clone(),
            allow_device_credential: false,
            prefer_strong_box: true,
        }))
        .unwrap();
    let request = AuthenticateRequest {
        alias: "logged".into(),
        challenge: challenge.into(),
        audience: "https://aud.example".into(),
        prompt: PromptOptions {
            title: "Sign in".into(),
            subtitle: None,
            description: None,
            negative_button: "Cancel".into(),
        },
        transaction: Some(b"transaction-bytes".to_vec()),
        allow_device_credential: false,
        ttl_seconds: 60,
    };
    let token = rt.block_on(session.authenticate(request.clone())).unwrap();
    platform.script([Scripted::android_error(7)]);
    let _ = rt.block_on(session.authenticate(request));

    let logs = String::from_utf8(capture.0.lock().clone()).unwrap();
    // The logs say what happened...
    assert!(logs.contains("authenticate finished"), "{logs}");
    assert!(logs.contains("outcome=success"), "{logs}");
    assert!(logs.contains("outcome=LockedOut"), "{logs}");
    assert!(logs.contains("request_id=1"), "{logs}");
    assert!(logs.contains("elapsed_ms"), "{logs}");
    // ...and nothing secret.
    let jwk: serde_json::Value = serde_json::from_str(&reg.public_key_jwk).unwrap();
    let parts: Vec<&str> = token.token.split('.').collect();
    let secrets = [
        challenge,
        std::str::from_utf8(&registration_challenge).unwrap(),
        token.token.as_str(),
        parts[1],
        parts[2],
        jwk["x"].as_str().unwrap(),
        jwk["y"].as_str().unwrap(),
        "transaction-bytes",
    ];
    for secret in secrets {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}
