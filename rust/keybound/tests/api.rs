//! The frb API functions (what Dart calls) over the process-wide session
//! and keybound's own runtime.

use std::sync::Arc;

use keybound::api::error::ErrorCode;
use keybound::api::keybound as api;
use keybound::api::types::{AuthenticateRequest, EnrollOptions, PromptOptions};
use keybound::testing::platform::simulated::{Scripted, SimulatedPlatform};
use keybound::testing::session::SessionConfig;
use keybound_protocol as protocol;

fn request(challenge: &str) -> AuthenticateRequest {
    AuthenticateRequest {
        alias: "api".into(),
        challenge: challenge.into(),
        audience: "aud".into(),
        prompt: PromptOptions {
            title: "t".into(),
            subtitle: None,
            description: None,
            negative_button: "Cancel".into(),
        },
        transaction: None,
        allow_device_credential: false,
        ttl_seconds: 30,
    }
}

// One test: the API works on one process-wide session.
#[test]
fn the_api_runs_the_whole_flow_on_its_own_runtime() {
    let platform = Arc::new(SimulatedPlatform::new());
    keybound::testing::runtime::install_platform(platform.clone(), SessionConfig::default());
    // The caller's executor does not matter (frb polls with its own): a
    // bare futures-style block_on on a runtime without timers works, since
    // keybound runs everything on its own runtime.
    let caller = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    let status = caller.block_on(api::status("api".into())).unwrap();
    assert!(!status.key_enrolled);
    let reg = caller
        .block_on(api::enroll(EnrollOptions {
            alias: "api".into(),
            attestation_challenge: vec![1, 2, 3],
            allow_device_credential: false,
            prefer_strong_box: false,
        }))
        .unwrap();
    assert!(
        caller
            .block_on(api::status("api".into()))
            .unwrap()
            .key_enrolled
    );

    let token = caller.block_on(api::authenticate(request("c-1"))).unwrap();
    let key = protocol::Jwk::from_json(&reg.public_key_jwk).unwrap();
    let expect = protocol::Expectations::new("aud", protocol::ExpectedNonce::Exactly("c-1".into()));
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    protocol::verify(&token.token, &key, &expect, now).unwrap();

    // cancel() ends a pending prompt through the API.
    platform.script([Scripted::NeverAnswer]);
    let pending = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(api::authenticate(request("c-2")))
    });
    while platform.active_prompts() == 0 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second = caller
        .block_on(api::authenticate(request("c-3")))
        .unwrap_err();
    assert_eq!(second.code, ErrorCode::InProgress);
    api::cancel().unwrap();
    assert_eq!(
        pending.join().unwrap().unwrap_err().code,
        ErrorCode::UserCanceled
    );

    let bad = caller
        .block_on(api::delete_key("no spaces allowed".into()))
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidArgument);
    assert!(caller.block_on(api::delete_key("api".into())).unwrap());
    let gone = caller
        .block_on(api::authenticate(request("c-4")))
        .unwrap_err();
    assert_eq!(gone.code, ErrorCode::KeyNotFound);
}
