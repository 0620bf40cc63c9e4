use std::sync::Arc;

use super::memory::{MemoryChallengeStore, MemoryKeyRegistry};
use super::*;
use crate::testkeys::DeviceKey;

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
