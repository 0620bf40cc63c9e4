//! Model-based test of the authentication session (proptest): random
//! interleavings of `authenticate`, `cancel`, `app_backgrounded`, time
//! passing and the platform's outcomes (success, every Android error code,
//! the negative button, a prompt that never answers) run against the
//! session over the simulated platform and against a small reference model
//! of the documented rules. After every step:
//! - the platform never shows more than one prompt, and shows one exactly
//!   when the model has a request in flight;
//! - every call that ended did so at the step the model says, with the
//!   error code the model says (or a token that verifies);
//! - the number of prompts shown is the number the model admitted.
//!
//! Time is tokio's paused clock, moved in lockstep with the session's
//! `ManualClock`, so every run is deterministic.

// Test code: an unwrap that fails is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use keybound::api::error::{ErrorCode, KeyboundError};
use keybound::api::types::{AuthenticateRequest, BiometricToken, EnrollOptions, PromptOptions};
use keybound::testing::clock::ManualClock;
use keybound::testing::platform::android_codes::{self, map_prompt_error};
use keybound::testing::platform::simulated::{Scripted, SimulatedPlatform};
use keybound::testing::platform::AuthType;
use keybound::testing::session::{AuthSession, SessionConfig};
use proptest::prelude::*;
use tokio::task::JoinHandle;

const T0_MS: u64 = 1_790_000_000_000;
const ALIAS: &str = "model";
const AUDIENCE: &str = "https://model.example";
const PROMPT_TIMEOUT_MS: u64 = 5_000;
const FAILURES_BEFORE_COOLDOWN: u32 = 3;
const COOLDOWN_BASE_MS: u64 = 200;
const COOLDOWN_MAX_MS: u64 = 1_000;
const LOCKOUT_MS: u64 = 700;

fn config() -> SessionConfig {
    SessionConfig {
        prompt_timeout: Duration::from_millis(PROMPT_TIMEOUT_MS),
        failures_before_cooldown: FAILURES_BEFORE_COOLDOWN,
        cooldown_base: Duration::from_millis(COOLDOWN_BASE_MS),
        cooldown_max: Duration::from_millis(COOLDOWN_MAX_MS),
        lockout: Duration::from_millis(LOCKOUT_MS),
    }
}

/// What the platform does with the next prompt.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    Succeed { after_ms: u64 },
    AndroidError { code: i32, after_ms: u64 },
    NegativeButton { after_ms: u64 },
    NeverAnswer,
}

impl Outcome {
    fn script(self) -> Scripted {
        match self {
            Outcome::Succeed { after_ms } => Scripted::Succeed {
                after: Duration::from_millis(after_ms),
                auth: AuthType::Biometric,
            },
            Outcome::AndroidError { code, after_ms } => Scripted::AndroidError {
                code,
                after: Duration::from_millis(after_ms),
            },
            Outcome::NegativeButton { after_ms } => Scripted::NegativeButton {
                after: Duration::from_millis(after_ms),
            },
            Outcome::NeverAnswer => Scripted::NeverAnswer,
        }
    }

    /// When the platform answers, counted from the prompt's start.
    fn answers_after_ms(self) -> Option<u64> {
        match self {
            Outcome::Succeed { after_ms }
            | Outcome::AndroidError { after_ms, .. }
            | Outcome::NegativeButton { after_ms } => Some(after_ms),
            Outcome::NeverAnswer => None,
        }
    }

    /// The session's result when the platform answers: `None` is a token.
    fn answer(self) -> Option<ErrorCode> {
        match self {
            Outcome::Succeed { .. } => None,
            Outcome::AndroidError { code, .. } => Some(map_prompt_error(code)),
            Outcome::NegativeButton { .. } => Some(ErrorCode::UserCanceled),
            Outcome::NeverAnswer => unreachable!("never answers"),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Authenticate(Outcome),
    Cancel,
    Background,
    Advance(u64),
}

fn outcome() -> impl Strategy<Value = Outcome> {
    // At least 1 ms: an answer due at the very instant the prompt starts
    // would race the step boundary (tokio may fire a zero sleep while the
    // test settles), and the model works in steps.
    let after = 1u64..3_000;
    prop_oneof![
        3 => after.clone().prop_map(|after_ms| Outcome::Succeed { after_ms }),
        3 => (proptest::sample::select(android_codes::ALL.to_vec()), after.clone())
            .prop_map(|(code, after_ms)| Outcome::AndroidError { code, after_ms }),
        1 => (any::<i32>(), after.clone())
            .prop_map(|(code, after_ms)| Outcome::AndroidError { code, after_ms }),
        1 => after.prop_map(|after_ms| Outcome::NegativeButton { after_ms }),
        1 => Just(Outcome::NeverAnswer),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => outcome().prop_map(Op::Authenticate),
        1 => Just(Op::Cancel),
        1 => Just(Op::Background),
        3 => prop_oneof![1u64..50, 50u64..1_500, Just(PROMPT_TIMEOUT_MS)].prop_map(Op::Advance),
    ]
}

/// The reference model: the session's rules as documented in session.rs,
/// stated directly.
#[derive(Debug, Default)]
struct Model {
    now_ms: u64,
    /// The request in flight: its call index, outcome and start time.
    in_flight: Option<(usize, Outcome, u64)>,
    consecutive_failures: u32,
    cooldown_until_ms: u64,
    lockout_until_ms: u64,
    prompts_admitted: usize,
}

/// How a call ends, as the model predicts it: `None` is a token.
type Expected = Option<ErrorCode>;

impl Model {
    /// A new call `index`: refused at once (`Some`) or admitted (`None`).
    fn authenticate(&mut self, index: usize, outcome: Outcome) -> Option<ErrorCode> {
        if self.in_flight.is_some() {
            return Some(ErrorCode::InProgress);
        }
        if self.lockout_until_ms > self.now_ms {
            return Some(ErrorCode::LockedOut);
        }
        if self.cooldown_until_ms > self.now_ms {
            return Some(ErrorCode::CoolingDown);
        }
        self.in_flight = Some((index, outcome, self.now_ms));
        self.prompts_admitted += 1;
        None
    }

    /// Ends the request in flight with `result`, booking it like the session.
    fn end(&mut self, result: Expected) -> (usize, Expected) {
        let (index, _, _) = self.in_flight.take().expect("a request in flight");
        match result {
            None => {
                self.consecutive_failures = 0;
                self.cooldown_until_ms = 0;
            }
            Some(ErrorCode::LockedOut) => self.lockout_until_ms = self.now_ms + LOCKOUT_MS,
            Some(ErrorCode::SystemCanceled | ErrorCode::InProgress) => {}
            Some(_) => {
                self.consecutive_failures += 1;
                if self.consecutive_failures >= FAILURES_BEFORE_COOLDOWN {
                    let over = self.consecutive_failures - FAILURES_BEFORE_COOLDOWN;
                    let cooldown = COOLDOWN_BASE_MS
                        .saturating_mul(1u64 << over.min(32))
                        .min(COOLDOWN_MAX_MS);
                    self.cooldown_until_ms = self.now_ms + cooldown;
                }
            }
        }
        (index, result)
    }

    fn interrupt(&mut self, code: ErrorCode) -> Option<(usize, Expected)> {
        self.in_flight.is_some().then(|| self.end(Some(code)))
    }

    /// Time passes: the request in flight ends when the platform answers,
    /// or with `Timeout` (an answer due at the same instant wins).
    fn advance(&mut self, ms: u64) -> Option<(usize, Expected)> {
        self.now_ms += ms;
        let (_, outcome, started) = self.in_flight?;
        match outcome.answers_after_ms() {
            Some(after) if started + after <= self.now_ms => Some(self.end(outcome.answer())),
            _ if started + PROMPT_TIMEOUT_MS <= self.now_ms => {
                Some(self.end(Some(ErrorCode::Timeout)))
            }
            _ => None,
        }
    }
}

fn request(index: usize) -> AuthenticateRequest {
    AuthenticateRequest {
        alias: ALIAS.into(),
        challenge: format!("challenge-{index}"),
        audience: AUDIENCE.into(),
        prompt: PromptOptions {
            title: "Confirm".into(),
            subtitle: None,
            description: None,
            negative_button: "Cancel".into(),
        },
        transaction: None,
        allow_device_credential: false,
        ttl_seconds: 60,
    }
}

/// Lets every task run until it waits on time or on a prompt.
async fn settle() {
    for _ in 0..64 {
        tokio::task::yield_now().await;
    }
}

type Call = JoinHandle<Result<BiometricToken, KeyboundError>>;

/// Runs `ops` against the session and the model; returns a description of
/// the first disagreement.
async fn run(ops: Vec<Op>) -> Result<(), String> {
    let platform = Arc::new(SimulatedPlatform::new());
    let clock = Arc::new(ManualClock::new(T0_MS));
    let session = Arc::new(AuthSession::new(platform.clone(), config(), clock.clone()));
    let registration = session
        .enroll(EnrollOptions {
            alias: ALIAS.into(),
            attestation_challenge: b"model-enrol".to_vec(),
            allow_device_credential: false,
            prefer_strong_box: false,
        })
        .await
        .map_err(|e| format!("enroll: {e:?}"))?;
    let jwk = keybound_protocol::Jwk::from_json(&registration.public_key_jwk).unwrap();

    let mut model = Model::default();
    let mut calls: Vec<Option<Call>> = Vec::new();
    for (step, op) in ops.into_iter().enumerate() {
        // The calls the model says end at this step, with their results.
        let mut ending: Vec<(usize, Expected)> = Vec::new();
        match op {
            Op::Authenticate(outcome) => {
                let index = calls.len();
                if let Some(code) = model.authenticate(index, outcome) {
                    ending.push((index, Some(code)));
                }
                platform.set_default_outcome(outcome.script());
                let session = Arc::clone(&session);
                calls.push(Some(tokio::spawn(async move {
                    session.authenticate(request(index)).await
                })));
            }
            Op::Cancel => {
                ending.extend(model.interrupt(ErrorCode::UserCanceled));
                session.cancel();
            }
            Op::Background => {
                ending.extend(model.interrupt(ErrorCode::SystemCanceled));
                session.app_backgrounded();
            }
            Op::Advance(ms) => {
                ending.extend(model.advance(ms));
                clock.advance_ms(ms);
                tokio::time::advance(Duration::from_millis(ms)).await;
            }
        }
        settle().await;

        let active = platform.active_prompts();
        if active > 1 {
            return Err(format!("step {step} ({op:?}): {active} prompts at once"));
        }
        if active != usize::from(model.in_flight.is_some()) {
            return Err(format!(
                "step {step} ({op:?}): {active} prompts showing, model in flight: {:?}",
                model.in_flight
            ));
        }
        if platform.prompts_shown() != model.prompts_admitted {
            return Err(format!(
                "step {step} ({op:?}): {} prompts shown, model admitted {}",
                platform.prompts_shown(),
                model.prompts_admitted
            ));
        }
        for (index, call) in calls.iter_mut().enumerate() {
            let finished = call.as_ref().is_some_and(JoinHandle::is_finished);
            let expected = ending.iter().find(|(i, _)| *i == index).map(|(_, e)| *e);
            match (finished, expected) {
                (false, None) => {}
                (true, Some(expected)) => {
                    let result = call.take().unwrap().await.unwrap();
                    match (result, expected) {
                        (Ok(token), None) => {
                            let req = request(index);
                            let expect = keybound_protocol::Expectations::new(
                                AUDIENCE,
                                keybound_protocol::ExpectedNonce::Exactly(req.challenge),
                            );
                            let now = i64::try_from((T0_MS + model.now_ms) / 1000).unwrap();
                            keybound_protocol::verify(&token.token, &jwk, &expect, now).map_err(
                                |e| format!("step {step}: call {index}'s token: {e:?}"),
                            )?;
                        }
                        (Err(e), Some(code)) if e.code == code => {}
                        (other, expected) => {
                            return Err(format!(
                                "step {step} ({op:?}): call {index} ended with {:?}, model says {expected:?}",
                                other.map(|_| "token").map_err(|e| e.code)
                            ))
                        }
                    }
                }
                (true, None) => {
                    let result = call.take().unwrap().await.unwrap();
                    return Err(format!(
                        "step {step} ({op:?}): call {index} ended unexpectedly with {:?}",
                        result.map(|_| "token").map_err(|e| e.code)
                    ));
                }
                (false, Some(expected)) => {
                    return Err(format!(
                        "step {step} ({op:?}): call {index} still running, model says it ended with {expected:?}"
                    ))
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_session_follows_the_model_and_never_shows_two_prompts(
        ops in proptest::collection::vec(op(), 1..60)
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let outcome = runtime.block_on(run(ops));
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }
}
