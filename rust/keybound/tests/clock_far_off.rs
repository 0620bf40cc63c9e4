//! A device whose clock is far off: the device cannot know, so it signs
//! with its own time; the verifier (the backend's stateless stage,
//! `keybound_protocol::verify`) then answers with the right time error.
//! Nothing panics anywhere, down to the clock's extremes. A clock set back
//! during a lockout or cooldown does not stretch the wait beyond its
//! configured length.

// Test code: an unwrap that fails is a failing test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use keybound::api::error::ErrorCode;
use keybound::api::types::{AuthenticateRequest, EnrollOptions, PromptOptions};
use keybound::testing::clock::ManualClock;
use keybound::testing::platform::android_codes;
use keybound::testing::platform::simulated::{Scripted, SimulatedPlatform};
use keybound::testing::session::{AuthSession, SessionConfig};
use keybound_protocol::{verify, Expectations, ExpectedNonce, Jwk, TokenError};

/// The backend's clock: 2026-12-01T19:33:20Z.
const SERVER_NOW: i64 = 1_796_240_000;
const TTL: u32 = 60;
const AUDIENCE: &str = "https://clock.example";
const CHALLENGE: &str = "clock-challenge";

fn ms(secs: i64) -> u64 {
    u64::try_from(secs).unwrap() * 1000
}

fn request() -> AuthenticateRequest {
    AuthenticateRequest {
        alias: "clock".into(),
        challenge: CHALLENGE.into(),
        audience: AUDIENCE.into(),
        prompt: PromptOptions {
            title: "Confirm".into(),
            subtitle: None,
            description: None,
            negative_button: "Cancel".into(),
        },
        transaction: None,
        allow_device_credential: false,
        ttl_seconds: TTL,
    }
}

async fn session_at(
    device_ms: u64,
    config: SessionConfig,
) -> (Arc<SimulatedPlatform>, Arc<ManualClock>, AuthSession, Jwk) {
    let platform = Arc::new(SimulatedPlatform::new());
    platform.set_default_outcome(Scripted::succeed_after_ms(10));
    let clock = Arc::new(ManualClock::new(device_ms));
    let session = AuthSession::new(platform.clone(), config, clock.clone());
    let registration = session
        .enroll(EnrollOptions {
            alias: "clock".into(),
            attestation_challenge: b"clock-enrol".to_vec(),
            allow_device_credential: false,
            prefer_strong_box: false,
        })
        .await
        .unwrap();
    let jwk = Jwk::from_json(&registration.public_key_jwk).unwrap();
    (platform, clock, session, jwk)
}

#[tokio::test(start_paused = true)]
async fn tokens_from_a_clock_far_off_get_the_right_time_error() {
    let leeway = keybound_protocol::DEFAULT_LEEWAY_SECS;
    let ttl = i64::from(TTL);
    // (what, device clock in ms, the verifier's answer at SERVER_NOW)
    let cases: [(&str, u64, Result<(), TokenError>); 12] = [
        ("the epoch", 0, Err(TokenError::Expired)),
        (
            "one second after the epoch",
            1_000,
            Err(TokenError::Expired),
        ),
        ("the year 2000", 946_684_800_000, Err(TokenError::Expired)),
        (
            "a day slow",
            ms(SERVER_NOW - 86_400),
            Err(TokenError::Expired),
        ),
        (
            "slow by one second past ttl and leeway",
            ms(SERVER_NOW - ttl - leeway - 1),
            Err(TokenError::Expired),
        ),
        (
            "slow by exactly ttl and leeway",
            ms(SERVER_NOW - ttl - leeway),
            Ok(()),
        ),
        ("right", ms(SERVER_NOW), Ok(())),
        (
            "fast by exactly the leeway",
            ms(SERVER_NOW + leeway),
            Ok(()),
        ),
        (
            "fast by one second past the leeway",
            ms(SERVER_NOW + leeway + 1),
            Err(TokenError::NotYetValid),
        ),
        (
            "a year fast",
            ms(SERVER_NOW + 365 * 86_400),
            Err(TokenError::NotYetValid),
        ),
        (
            "the year 3000",
            32_503_680_000_000,
            Err(TokenError::NotYetValid),
        ),
        (
            "the clock's largest value",
            u64::MAX,
            Err(TokenError::NotYetValid),
        ),
    ];
    for (what, device_ms, expected) in cases {
        let (_, _, session, jwk) = session_at(device_ms, SessionConfig::default()).await;
        let token = session
            .authenticate(request())
            .await
            .unwrap_or_else(|e| panic!("{what}: the device refused: {e:?}"));
        assert_eq!(
            token.expires_at_unix,
            i64::try_from(device_ms / 1000).unwrap() + ttl,
            "{what}"
        );
        let expect = Expectations::new(AUDIENCE, ExpectedNonce::Exactly(CHALLENGE.into()));
        let got = verify(&token.token, &jwk, &expect, SERVER_NOW).map(|_| ());
        assert_eq!(got, expected, "{what}");
        assert_eq!(
            got.map_err(|e| e.code()),
            expected.map_err(|e| e.code()),
            "{what}: the stable code"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_clock_set_back_never_stretches_a_lockout_or_cooldown() {
    const LOCKOUT_MS: u64 = 30_000;
    const COOLDOWN_MAX_MS: u64 = 8_000;
    let config = SessionConfig {
        failures_before_cooldown: 1,
        cooldown_base: Duration::from_millis(2_000),
        cooldown_max: Duration::from_millis(COOLDOWN_MAX_MS),
        lockout: Duration::from_millis(LOCKOUT_MS),
        ..SessionConfig::default()
    };
    for (what, first, blocked, window) in [
        (
            "lockout",
            Scripted::android_error(android_codes::LOCKOUT),
            ErrorCode::LockedOut,
            LOCKOUT_MS,
        ),
        (
            "cooldown",
            Scripted::android_error(android_codes::TIMEOUT),
            ErrorCode::CoolingDown,
            COOLDOWN_MAX_MS,
        ),
    ] {
        let (platform, clock, session, _) = session_at(ms(SERVER_NOW), config.clone()).await;
        platform.script([first]);
        assert!(session.authenticate(request()).await.is_err(), "{what}");
        let shown = platform.prompts_shown();
        // The user sets the clock back a year during the wait.
        clock.set_ms(ms(SERVER_NOW - 365 * 86_400));
        let err = session.authenticate(request()).await.unwrap_err();
        assert_eq!(err.code, blocked, "{what}: still blocked");
        let retry = u64::from(err.retry_after_ms.unwrap());
        assert!(
            retry <= window,
            "{what}: retry after {retry} ms, longer than the {window} ms window"
        );
        assert_eq!(
            platform.prompts_shown(),
            shown,
            "{what}: no prompt while blocked"
        );
        // Once the window has passed on the new clock, prompts are allowed.
        clock.advance_ms(retry);
        assert!(session.authenticate(request()).await.is_ok(), "{what}");
        assert_eq!(platform.prompts_shown(), shown + 1, "{what}");
    }
}
