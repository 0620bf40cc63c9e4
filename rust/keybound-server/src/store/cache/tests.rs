use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::*;
use crate::store::memory::MemoryKeyRegistry;
use crate::testkeys::DeviceKey;

const T0: i64 = 1_800_000_000;

/// A memory registry that counts the lookups and touches reaching it.
#[derive(Debug, Default)]
struct Counting {
    inner: MemoryKeyRegistry,
    gets: AtomicUsize,
    touches: AtomicUsize,
}

#[async_trait]
impl KeyRegistry for Counting {
    async fn register(&self, key: &RegisteredKey) -> Result<Registration, StoreError> {
        self.inner.register(key).await
    }
    async fn replace(&self, key: &RegisteredKey) -> Result<Replacement, StoreError> {
        self.inner.replace(key).await
    }
    async fn get(&self, kid: &str) -> Result<Option<RegisteredKey>, StoreError> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        self.inner.get(kid).await
    }
    async fn list_for_user(&self, user_id: &str) -> Result<Vec<RegisteredKey>, StoreError> {
        self.inner.list_for_user(user_id).await
    }
    async fn revoke(&self, kid: &str, now_unix: i64) -> Result<Revocation, StoreError> {
        self.inner.revoke(kid, now_unix).await
    }
    async fn touch(&self, kid: &str, now_unix: i64) -> Result<(), StoreError> {
        self.touches.fetch_add(1, Ordering::SeqCst);
        self.inner.touch(kid, now_unix).await
    }
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

async fn setup(ttl: Duration) -> (Arc<Counting>, CachedKeyRegistry, String) {
    let counting = Arc::new(Counting {
        inner: MemoryKeyRegistry::new(10),
        ..Default::default()
    });
    let cache = CachedKeyRegistry::new(counting.clone(), ttl);
    let key = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, T0);
    let kid = key.kid().to_owned();
    cache.register(&key).await.unwrap();
    (counting, cache, kid)
}

#[tokio::test]
async fn lookups_are_served_from_the_cache_within_the_ttl_only() {
    // (ttl, registry lookups after three gets)
    for (ttl, expected) in [(Duration::from_secs(30), 1), (Duration::ZERO, 3)] {
        let (counting, cache, kid) = setup(ttl).await;
        for _ in 0..3 {
            assert_eq!(cache.get(&kid).await.unwrap().unwrap().kid(), kid);
        }
        assert_eq!(
            counting.gets.load(Ordering::SeqCst),
            expected,
            "ttl {ttl:?}"
        );
        // An unknown kid is never cached: asked every time.
        let before = counting.gets.load(Ordering::SeqCst);
        assert!(cache.get("nobody").await.unwrap().is_none());
        assert!(cache.get("nobody").await.unwrap().is_none());
        assert_eq!(counting.gets.load(Ordering::SeqCst), before + 2);
    }
}

#[tokio::test]
async fn writes_through_this_node_and_forget_drop_the_entry() {
    let (counting, cache, kid) = setup(Duration::from_secs(30)).await;
    assert!(!cache.get(&kid).await.unwrap().unwrap().is_revoked());
    cache.revoke(&kid, T0 + 1).await.unwrap();
    assert!(
        cache.get(&kid).await.unwrap().unwrap().is_revoked(),
        "a revocation through the cache is seen at once"
    );
    let gets = counting.gets.load(Ordering::SeqCst);
    cache.forget(&kid);
    cache.get(&kid).await.unwrap();
    assert_eq!(
        counting.gets.load(Ordering::SeqCst),
        gets + 1,
        "forget drops the entry"
    );
    // A revocation that bypassed this cache (another node) stays unseen
    // until forget or the TTL: what the revocation marker is for.
    let key = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, T0);
    cache.register(&key).await.unwrap();
    cache.get(key.kid()).await.unwrap();
    counting.inner.revoke(key.kid(), T0 + 2).await.unwrap();
    assert!(!cache.get(key.kid()).await.unwrap().unwrap().is_revoked());
    cache.forget(key.kid());
    assert!(cache.get(key.kid()).await.unwrap().unwrap().is_revoked());
}

#[tokio::test]
async fn touches_reach_the_registry_once_per_granularity() {
    let (counting, cache, kid) = setup(Duration::from_secs(30)).await;
    // (second, touches forwarded so far)
    for (at, forwarded) in [
        (0, 1),
        (1, 1),
        (TOUCH_GRANULARITY_SECS - 1, 1),
        (TOUCH_GRANULARITY_SECS, 2),
        (TOUCH_GRANULARITY_SECS + 5, 2),
    ] {
        cache.touch(&kid, T0 + at).await.unwrap();
        assert_eq!(
            counting.touches.load(Ordering::SeqCst),
            forwarded,
            "at +{at}s"
        );
    }
    assert_eq!(
        counting
            .inner
            .get(&kid)
            .await
            .unwrap()
            .unwrap()
            .last_used_at(),
        Some(T0 + TOUCH_GRANULARITY_SECS)
    );
}
