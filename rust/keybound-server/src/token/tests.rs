use std::sync::Arc;

use keybound_protocol::{txn_hash, TokenError};
use serde_json::json;

use super::*;
use crate::clock::FixedClock;
use crate::store::memory::{MemoryChallengeStore, MemoryKeyRegistry, MemoryReplayStore};
use crate::store::{Challenge, RegisteredKey};
use crate::testkeys::{claims, jti, DeviceKey};

const AUD: &str = "https://bank.example";
const NOW: i64 = 1_800_000_000;

struct Fixture {
    clock: Arc<FixedClock>,
    challenges: Arc<MemoryChallengeStore>,
    verifier: TokenVerifier,
    key: DeviceKey,
}

async fn fixture() -> Fixture {
    let clock = Arc::new(FixedClock::new(NOW));
    let challenges = Arc::new(MemoryChallengeStore::new(100));
    let keys = Arc::new(MemoryKeyRegistry::new(100));
    let key = DeviceKey::generate();
    keys.register(&RegisteredKey::dangerous_unattested(key.jwk.clone(), NOW))
        .await
        .unwrap();
    let verifier = TokenVerifier::new(
        AUD,
        clock.clone(),
        keys,
        NonceCheck::Consume(challenges.clone()),
        Arc::new(MemoryReplayStore::new(100)),
    )
    .dangerous_accept_unattested();
    Fixture {
        clock,
        challenges,
        verifier,
        key,
    }
}

impl Fixture {
    async fn challenge(&self) -> String {
        let c = Challenge::generate(self.clock.now_unix(), 300).unwrap();
        self.challenges
            .insert(&c, self.clock.now_unix())
            .await
            .unwrap();
        c.nonce().to_owned()
    }

    async fn code(&self, token: &str, txn: Option<&str>) -> &'static str {
        match self.verifier.verify(token, txn).await {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }
}

#[tokio::test]
async fn a_valid_token_is_accepted_once() {
    let f = fixture().await;
    let nonce = f.challenge().await;
    let token = f.key.token(&claims(AUD, &nonce, NOW));
    let accepted = f.verifier.verify(&token, None).await.unwrap();
    assert_eq!(accepted.token().kid(), f.key.kid);
    assert_eq!(accepted.token().claims().nonce(), nonce);
    assert_eq!(accepted.key().kid(), f.key.kid);
    // Same token again: a replay.
    assert_eq!(f.code(&token, None).await, "replayed");
    // Another valid token for the used challenge: nonce_mismatch.
    let other = f.key.token(&claims(AUD, &nonce, NOW));
    assert_eq!(f.code(&other, None).await, "nonce_mismatch");
}

#[tokio::test]
async fn unattested_keys_are_unknown_unless_dangerously_accepted() {
    let f = fixture().await;
    let keys = Arc::new(MemoryKeyRegistry::new(10));
    keys.register(&RegisteredKey::dangerous_unattested(f.key.jwk.clone(), NOW))
        .await
        .unwrap();
    let strict = TokenVerifier::new(
        AUD,
        f.clock.clone(),
        keys,
        NonceCheck::Consume(f.challenges.clone()),
        Arc::new(MemoryReplayStore::new(10)),
    );
    let nonce = f.challenge().await;
    let token = f.key.token(&claims(AUD, &nonce, NOW));
    assert_eq!(
        strict.verify(&token, None).await.unwrap_err(),
        TokenError::UnknownKey
    );
    // Nothing was consumed: the same token is still good where allowed.
    assert!(f.verifier.verify(&token, None).await.is_ok());
}

#[tokio::test]
async fn a_reused_jti_with_a_fresh_challenge_is_replayed() {
    let f = fixture().await;
    let mut c = claims(AUD, &f.challenge().await, NOW);
    assert_eq!(f.code(&f.key.token(&c), None).await, "ok");
    let fresh = f.challenge().await;
    c["nonce"] = json!(fresh);
    assert_eq!(f.code(&f.key.token(&c), None).await, "replayed");
    // The refused token did not burn the fresh challenge: a token with a
    // new jti still uses it.
    assert_eq!(
        f.code(&f.key.token(&claims(AUD, &fresh, NOW)), None).await,
        "ok"
    );
    // The same jti under another key is another pair.
    let f2 = fixture().await;
    c["nonce"] = json!(f2.challenge().await);
    assert_eq!(f2.code(&f2.key.token(&c), None).await, "ok");
}

#[tokio::test]
async fn every_stateless_error_code_surfaces_and_leaves_the_challenge_unconsumed() {
    let f = fixture().await;
    let nonce = f.challenge().await;
    let good = || claims(AUD, &nonce, NOW);
    let other_key = DeviceKey::generate();
    let mut cases: Vec<(&str, String, Option<String>)> = Vec::new();
    cases.push(("malformed", "a.b".into(), None));
    cases.push(("too_large", "a".repeat(5000), None));
    let header =
        |alg: &str, typ: &str| json!({"alg": alg, "typ": typ, "kid": f.key.kid}).to_string();
    cases.push((
        "unsupported_alg",
        f.key
            .raw(&header("HS256", "keybound+jwt"), &good().to_string()),
        None,
    ));
    cases.push((
        "bad_header",
        f.key.raw(&header("ES256", "JWT"), &good().to_string()),
        None,
    ));
    cases.push(("unknown_key", other_key.token(&good()), None));
    // Signed by another key under our kid.
    cases.push((
        "bad_signature",
        other_key.raw(&f.key.header(), &good().to_string()),
        None,
    ));
    let mut c = good();
    c.as_object_mut().unwrap().remove("jti");
    cases.push(("missing_claim", f.key.token(&c), None));
    let mut c = good();
    c["iat"] = json!(NOW - 400);
    c["exp"] = json!(NOW - 100);
    cases.push(("expired", f.key.token(&c), None));
    let mut c = good();
    c["iat"] = json!(NOW + 100);
    c["exp"] = json!(NOW + 200);
    cases.push(("not_yet_valid", f.key.token(&c), None));
    let mut c = good();
    c["exp"] = json!(NOW + 301);
    cases.push(("lifetime_too_long", f.key.token(&c), None));
    let mut c = good();
    c["aud"] = json!("https://evil.example");
    cases.push(("audience_mismatch", f.key.token(&c), None));
    let mut c = good();
    c["txn"] = json!(txn_hash(b"pay 10 EUR"));
    cases.push((
        "txn_mismatch",
        f.key.token(&c),
        Some(txn_hash(b"pay 9999 EUR")),
    ));
    cases.push((
        "txn_mismatch",
        f.key.token(&good()),
        Some(txn_hash(b"pay 10 EUR")),
    ));
    cases.push(("txn_mismatch", f.key.token(&c), None));
    for (want, token, txn) in &cases {
        assert_eq!(f.code(token, txn.as_deref()).await, *want, "{want}");
    }
    // None of them consumed the challenge: a valid token still can.
    let mut c = good();
    c["txn"] = json!(txn_hash(b"pay 10 EUR"));
    assert_eq!(
        f.code(&f.key.token(&c), Some(&txn_hash(b"pay 10 EUR")))
            .await,
        "ok"
    );
}

#[tokio::test]
async fn unknown_expired_or_used_challenges_are_nonce_mismatch() {
    let f = fixture().await;
    assert_eq!(
        f.code(&f.key.token(&claims(AUD, "never-issued", NOW)), None)
            .await,
        "nonce_mismatch"
    );
    let nonce = f.challenge().await;
    f.clock.advance(301);
    let now = f.clock.now_unix();
    assert_eq!(
        f.code(&f.key.token(&claims(AUD, &nonce, now)), None).await,
        "nonce_mismatch"
    );
}

#[tokio::test]
async fn leeway_is_configurable() {
    let f = fixture().await;
    let verifier = f.verifier.clone().with_leeway_secs(0);
    let nonce = f.challenge().await;
    let mut c = claims(AUD, &nonce, NOW);
    c["iat"] = json!(NOW - 130);
    c["exp"] = json!(NOW - 10);
    // Default leeway (60 s) accepts 10 s past exp; zero leeway does not.
    assert_eq!(
        verifier.verify(&f.key.token(&c), None).await.unwrap_err(),
        TokenError::Expired
    );
    assert!(f.verifier.verify(&f.key.token(&c), None).await.is_ok());
}

#[tokio::test]
async fn a_fixed_nonce_is_compared_and_the_replay_store_still_applies() {
    let f = fixture().await;
    let keys = Arc::new(MemoryKeyRegistry::new(10));
    keys.register(&RegisteredKey::dangerous_unattested(f.key.jwk.clone(), NOW))
        .await
        .unwrap();
    let v = TokenVerifier::new(
        AUD,
        f.clock.clone(),
        keys,
        NonceCheck::Fixed("n-1".into()),
        Arc::new(MemoryReplayStore::new(10)),
    )
    .dangerous_accept_unattested();
    let token = f.key.token(&claims(AUD, "n-1", NOW));
    assert!(v.verify(&token, None).await.is_ok());
    assert_eq!(
        v.verify(&token, None).await.unwrap_err(),
        TokenError::Replayed
    );
    assert!(v
        .verify(&f.key.token(&claims(AUD, "n-1", NOW)), None)
        .await
        .is_ok());
    assert_eq!(
        v.verify(&f.key.token(&claims(AUD, "n-2", NOW)), None)
            .await
            .unwrap_err(),
        TokenError::NonceMismatch
    );
}

use crate::testdown::Down;

#[tokio::test]
async fn any_store_failure_is_store_unavailable() {
    let f = fixture().await;
    let keys = Arc::new(MemoryKeyRegistry::new(10));
    keys.register(&RegisteredKey::dangerous_unattested(f.key.jwk.clone(), NOW))
        .await
        .unwrap();
    let replay_ok: Arc<dyn ReplayStore> = Arc::new(MemoryReplayStore::new(10));
    let nonce = f.challenge().await;
    let token = f.key.token(&claims(AUD, &nonce, NOW));

    let v = TokenVerifier::new(
        AUD,
        f.clock.clone(),
        Arc::new(Down),
        NonceCheck::Consume(f.challenges.clone()),
        replay_ok.clone(),
    )
    .dangerous_accept_unattested();
    assert_eq!(
        v.verify(&token, None).await.unwrap_err(),
        TokenError::StoreUnavailable
    );
    let v = TokenVerifier::new(
        AUD,
        f.clock.clone(),
        keys.clone(),
        NonceCheck::Consume(Arc::new(Down)),
        replay_ok.clone(),
    )
    .dangerous_accept_unattested();
    assert_eq!(
        v.verify(&token, None).await.unwrap_err(),
        TokenError::StoreUnavailable
    );
    // The replay store serves the fixed-nonce mode.
    let v = TokenVerifier::new(
        AUD,
        f.clock.clone(),
        keys.clone(),
        NonceCheck::Fixed(nonce.clone()),
        Arc::new(Down),
    )
    .dangerous_accept_unattested();
    assert_eq!(
        v.verify(&token, None).await.unwrap_err(),
        TokenError::StoreUnavailable
    );
    // A challenge store whose record of accepted tokens is full fails
    // closed, and consumes nothing.
    let challenges = Arc::new(MemoryChallengeStore::new(1));
    let full = TokenVerifier::new(
        AUD,
        f.clock.clone(),
        keys,
        NonceCheck::Consume(challenges.clone()),
        replay_ok,
    )
    .dangerous_accept_unattested();
    let first = Challenge::generate(NOW, 10).unwrap();
    challenges.insert(&first, NOW).await.unwrap();
    let token = f.key.token(&claims(AUD, first.nonce(), NOW));
    assert!(full.verify(&token, None).await.is_ok());
    // The first challenge expires; its token's record (until exp + leeway) stays.
    f.clock.set(NOW + 20);
    let second = Challenge::generate(NOW + 20, 300).unwrap();
    challenges.insert(&second, NOW + 20).await.unwrap();
    let token = f.key.token(&json!({"aud": AUD, "nonce": second.nonce(), "iat": NOW + 20, "exp": NOW + 80, "jti": jti(), "auth": "device_credential"}));
    assert_eq!(
        full.verify(&token, None).await.unwrap_err(),
        TokenError::StoreUnavailable
    );
    assert_eq!(
        challenges
            .consume(second.nonce(), "probe", NOW + 20)
            .await
            .unwrap(),
        crate::store::Consumed::Now
    );
}
