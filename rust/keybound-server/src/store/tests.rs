use std::sync::Arc;

use super::memory::{MemoryChallengeStore, MemoryKeyRegistry};
use super::*;
use crate::testkeys::{claims, DeviceKey};
use crate::testredis::RedisServer;

const AUD: &str = "https://bank.example";
const T0: i64 = 1_800_000_000;

/// A token of `key` for `nonce` with this `jti`, through the stateless checks.
fn verified(key: &DeviceKey, nonce: &str, jti: &str) -> VerifiedToken {
    let mut c = claims(AUD, nonce, T0);
    // A well-formed jti (base64url, 22+ characters) named by `jti`.
    c["jti"] = serde_json::json!(format!("{jti:_>24}"));
    let expect = keybound_protocol::Expectations::new(
        AUD,
        keybound_protocol::ExpectedNonce::CheckedByCaller,
    );
    keybound_protocol::verify(&key.token(&c), &key.jwk, &expect, T0).unwrap()
}

async fn live(store: &dyn ChallengeStore) -> String {
    let c = Challenge::generate(T0, 300).unwrap();
    store.insert(&c, T0).await.unwrap();
    c.nonce().to_owned()
}

/// What `consume_for_token` answers, and that a refused token changed
/// nothing: the challenge stays usable, the jti stays unrecorded.
async fn consume_for_token_refusals_change_nothing(store: &dyn ChallengeStore) {
    let key = DeviceKey::generate();
    let use_ = |nonce: String, jti: &str| {
        let t = verified(&key, &nonce, jti);
        async move { store.consume_for_token(&t, T0).await.unwrap() }
    };
    let a = live(store).await;
    assert_eq!(use_(a.clone(), "j1").await, TokenUse::Accepted);
    // The same token again.
    assert_eq!(use_(a.clone(), "j1").await, TokenUse::Replayed);
    // Its jti with a fresh challenge: refused, and the challenge is kept.
    let b = live(store).await;
    assert_eq!(use_(b.clone(), "j1").await, TokenUse::Replayed);
    assert_eq!(use_(b.clone(), "j2").await, TokenUse::Accepted);
    // Another token for a used challenge: refused, its jti not recorded.
    assert_eq!(use_(a.clone(), "j3").await, TokenUse::NonceMismatch);
    assert_eq!(use_(live(store).await, "j3").await, TokenUse::Accepted);
    // A nonce never issued: refused, its jti not recorded.
    assert_eq!(
        use_("never-issued".into(), "j4").await,
        TokenUse::NonceMismatch
    );
    assert_eq!(use_(live(store).await, "j4").await, TokenUse::Accepted);
    // The same jti under another key is another token.
    let other = DeviceKey::generate();
    let t = verified(&other, &live(store).await, "j1");
    assert_eq!(
        store.consume_for_token(&t, T0).await.unwrap(),
        TokenUse::Accepted
    );
}

/// Racing tokens: two for one challenge, exactly one wins; one jti on two
/// fresh challenges, exactly one wins and the loser's challenge stays live.
async fn consume_for_token_races_have_one_winner(store: Arc<dyn ChallengeStore>) {
    let key = Arc::new(DeviceKey::generate());
    for round in 0..20 {
        let shared = live(&*store).await;
        let (n1, n2) = (live(&*store).await, live(&*store).await);
        let race = |nonce: String, jti: String| {
            let (store, key) = (store.clone(), key.clone());
            tokio::spawn(async move {
                let t = verified(&key, &nonce, &jti);
                store.consume_for_token(&t, T0).await.unwrap()
            })
        };
        let same_challenge = [
            race(shared.clone(), format!("a{round}")),
            race(shared.clone(), format!("b{round}")),
        ];
        let same_jti = [
            race(n1.clone(), format!("c{round}")),
            race(n2.clone(), format!("c{round}")),
        ];
        let mut outcomes = Vec::new();
        for h in same_challenge {
            outcomes.push(h.await.unwrap());
        }
        outcomes.sort_by_key(|o| *o != TokenUse::Accepted);
        assert_eq!(outcomes, [TokenUse::Accepted, TokenUse::NonceMismatch]);
        let mut won = Vec::new();
        for h in same_jti {
            won.push(h.await.unwrap() == TokenUse::Accepted);
        }
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "round {round}");
        let loser = if won[0] { n2 } else { n1 };
        let t = verified(&key, &loser, &format!("d{round}"));
        assert_eq!(
            store.consume_for_token(&t, T0).await.unwrap(),
            TokenUse::Accepted
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_consume_for_token_is_atomic() {
    let store = Arc::new(MemoryChallengeStore::new(1000));
    consume_for_token_refusals_change_nothing(&*store).await;
    consume_for_token_races_have_one_winner(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_consume_for_token_is_atomic() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let redis = redis_store(&server, "kbatomic").await;
    let store: Arc<dyn ChallengeStore> = Arc::new(redis);
    consume_for_token_refusals_change_nothing(&*store).await;
    consume_for_token_races_have_one_winner(store).await;
}

#[test]
fn nonces_are_256_random_bits_base64url_and_debug_hides_them() {
    let a = Challenge::generate(100, 60).unwrap();
    let b = Challenge::generate(100, 60).unwrap();
    assert_eq!(a.nonce().len(), 43);
    assert!(a
        .nonce()
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    assert_ne!(a.nonce(), b.nonce());
    assert_eq!(a.expires_at(), 160);
    assert!(!format!("{a:?}").contains(a.nonce()));
    assert_eq!(nonce_key(a.nonce()).len(), 43);
    assert_ne!(nonce_key(a.nonce()), a.nonce());
}

#[tokio::test]
async fn memory_challenges_are_consumed_once_and_expire() {
    let store = MemoryChallengeStore::new(10);
    let c = Challenge::generate(1000, 60).unwrap();
    store.insert(&c, 1000).await.unwrap();
    assert_eq!(
        store.consume("other", "t1", 1000).await.unwrap(),
        Consumed::Unknown
    );
    assert_eq!(
        store.consume(c.nonce(), "t1", 1060).await.unwrap(),
        Consumed::Now
    );
    assert_eq!(
        store.consume(c.nonce(), "t1", 1060).await.unwrap(),
        Consumed::Already {
            same_consumer: true
        }
    );
    assert_eq!(
        store.consume(c.nonce(), "t2", 1060).await.unwrap(),
        Consumed::Already {
            same_consumer: false
        }
    );
    // A used challenge is forgotten once expired.
    assert_eq!(
        store.consume(c.nonce(), "t1", 1061).await.unwrap(),
        Consumed::Unknown
    );
    let late = Challenge::generate(1000, 60).unwrap();
    store.insert(&late, 1000).await.unwrap();
    assert_eq!(
        store.consume(late.nonce(), "t1", 1061).await.unwrap(),
        Consumed::Unknown
    );
    assert_ne!(token_consumer("k", "j1"), token_consumer("k", "j2"));
    assert_ne!(token_consumer("k1", "j"), token_consumer("k", "1j"));
}

#[tokio::test]
async fn a_full_memory_challenge_store_refuses_but_purges_expired_first() {
    let store = MemoryChallengeStore::new(2);
    for _ in 0..2 {
        store
            .insert(&Challenge::generate(0, 10).unwrap(), 0)
            .await
            .unwrap();
    }
    assert!(matches!(
        store.insert(&Challenge::generate(5, 10).unwrap(), 5).await,
        Err(StoreError::Full)
    ));
    store
        .insert(&Challenge::generate(11, 10).unwrap(), 11)
        .await
        .unwrap();
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn the_memory_registry_round_trips_and_is_bounded() {
    let reg = MemoryKeyRegistry::new(1);
    let k1 = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, 5);
    let k2 = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, 6);
    reg.register(&k1).await.unwrap();
    reg.register(&k1).await.unwrap();
    assert!(matches!(reg.register(&k2).await, Err(StoreError::Full)));
    assert_eq!(reg.get(k1.kid()).await.unwrap(), Some(k1.clone()));
    assert_eq!(reg.get(k2.kid()).await.unwrap(), None);
    assert_eq!(k1.assurance().as_str(), "UNATTESTED");
    assert_eq!(k1.kid(), k1.jwk().thumbprint());
}

#[test]
fn stored_keys_round_trip_and_corruption_is_an_error() {
    let k = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, 7);
    let json = k.to_stored_json().unwrap();
    assert_eq!(RegisteredKey::from_stored_json(&json).unwrap(), k);
    assert!(matches!(
        RegisteredKey::from_stored_json("{"),
        Err(StoreError::Corrupt)
    ));
    let _unused: Arc<dyn KeyRegistry> = Arc::new(MemoryKeyRegistry::default());
}

/// A store on `server` under key prefix `prefix`, with a 1.5 s timeout.
async fn redis_store(server: &RedisServer, prefix: &str) -> super::redis::RedisStore {
    super::redis::RedisStore::connect(
        &server.url(),
        prefix,
        std::time::Duration::from_millis(1500),
    )
    .await
    .unwrap()
}

/// `INFO commandstats` calls of `command` (0 when never called).
async fn calls(conn: &mut ::redis::aio::MultiplexedConnection, command: &str) -> u64 {
    let info: String = ::redis::cmd("INFO")
        .arg("commandstats")
        .query_async(conn)
        .await
        .unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("cmdstat_{command}:calls=")))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |n| n.parse().unwrap())
}

/// The scripts cross the network by SHA-1 (`EVALSHA`, never `EVAL`), and a
/// Redis that lost its script cache (`SCRIPT FLUSH`, as after a restart) is
/// sent the script again without the caller seeing an error.
#[tokio::test]
async fn redis_scripts_run_by_sha_and_survive_a_flushed_script_cache() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let store = redis_store(&server, "kbsha").await;
    let mut admin = ::redis::Client::open(server.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let key = DeviceKey::generate();
    for (round, jti) in ["s1", "s2", "s3"].into_iter().enumerate() {
        if round == 1 {
            let _: String = ::redis::cmd("SCRIPT")
                .arg("FLUSH")
                .query_async(&mut admin)
                .await
                .unwrap();
        }
        let token = verified(&key, &live(&store).await, jti);
        assert_eq!(
            store.consume_for_token(&token, T0).await.unwrap(),
            TokenUse::Accepted,
            "round {round}"
        );
        let nonce = live(&store).await;
        assert_eq!(
            store.consume(&nonce, "registration:k", T0).await.unwrap(),
            Consumed::Now
        );
    }
    assert_eq!(calls(&mut admin, "eval").await, 0, "a script went as EVAL");
    assert!(calls(&mut admin, "evalsha").await >= 6);
}

/// A kid marked revoked on a shared store: its next token is `Revoked`
/// whatever the challenge, nothing is written (the challenge stays live for
/// another key), and another kid is untouched.
#[tokio::test]
async fn redis_revocation_markers_refuse_the_kid_and_change_nothing() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let store = redis_store(&server, "kbrevoked").await;
    let (revoked, other) = (DeviceKey::generate(), DeviceKey::generate());
    store.note_revoked(&revoked.kid, T0).await.unwrap();
    let nonce = live(&store).await;
    assert_eq!(
        store
            .consume_for_token(&verified(&revoked, &nonce, "r1"), T0)
            .await
            .unwrap(),
        TokenUse::Revoked
    );
    assert_eq!(
        store
            .consume_for_token(&verified(&other, &nonce, "r1"), T0)
            .await
            .unwrap(),
        TokenUse::Accepted,
        "the refused token left the challenge live"
    );
    // The memory store (one process) has no markers to share: a no-op.
    let memory = MemoryChallengeStore::new(10);
    memory.note_revoked(&revoked.kid, T0).await.unwrap();
    let nonce = live(&memory).await;
    assert_eq!(
        memory
            .consume_for_token(&verified(&revoked, &nonce, "r2"), T0)
            .await
            .unwrap(),
        TokenUse::Accepted
    );
}
