//! In-memory stores: bounded (a full store refuses new entries rather than
//! forgetting live ones) and expiring (expired entries are purged in expiry
//! order on every write). One process only.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use keybound_protocol::{MemoryReplayCache, TokenError, VerifiedToken};
use parking_lot::Mutex;

pub use super::registry::MemoryKeyRegistry;
use super::{nonce_key, Challenge, ChallengeStore, Consumed, ReplayStore, StoreError};

/// Default capacity of each in-memory store.
pub const DEFAULT_CAPACITY: usize = 100_000;

#[derive(Debug, Default)]
struct ExpiringSet {
    /// key → (last live second, consumer once used).
    entries: HashMap<String, (i64, Option<String>)>,
    by_expiry: BTreeSet<(i64, String)>,
}

impl ExpiringSet {
    /// Drops entries whose last live second is before `now`.
    fn purge(&mut self, now: i64) {
        while let Some((expiry, key)) = self.by_expiry.first().cloned() {
            if expiry >= now {
                break;
            }
            self.by_expiry.pop_first();
            self.entries.remove(&key);
        }
    }
}

/// Challenges in memory.
#[derive(Debug)]
pub struct MemoryChallengeStore {
    capacity: usize,
    inner: Mutex<ExpiringSet>,
}

impl MemoryChallengeStore {
    /// At most `capacity` live challenges.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(ExpiringSet::default()),
        }
    }

    /// Live or not-yet-purged entries.
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for MemoryChallengeStore {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

#[async_trait]
impl ChallengeStore for MemoryChallengeStore {
    async fn insert(&self, challenge: &Challenge, now_unix: i64) -> Result<(), StoreError> {
        let key = nonce_key(challenge.nonce());
        let mut inner = self.inner.lock();
        inner.purge(now_unix);
        if inner.entries.len() >= self.capacity {
            return Err(StoreError::Full);
        }
        if let Some((old, _)) = inner
            .entries
            .insert(key.clone(), (challenge.expires_at(), None))
        {
            inner.by_expiry.remove(&(old, key.clone()));
        }
        inner.by_expiry.insert((challenge.expires_at(), key));
        Ok(())
    }

    async fn consume(
        &self,
        nonce: &str,
        consumer: &str,
        now_unix: i64,
    ) -> Result<Consumed, StoreError> {
        let key = nonce_key(nonce);
        let mut inner = self.inner.lock();
        inner.purge(now_unix);
        match inner.entries.get_mut(&key) {
            None => Ok(Consumed::Unknown),
            Some((_, used_by @ None)) => {
                *used_by = Some(consumer.to_owned());
                Ok(Consumed::Now)
            }
            Some((_, Some(earlier))) => Ok(Consumed::Already {
                same_consumer: earlier == consumer,
            }),
        }
    }
}

/// Accepted (kid, jti) in memory: keybound_protocol's [`MemoryReplayCache`].
#[derive(Debug)]
pub struct MemoryReplayStore {
    cache: MemoryReplayCache,
}

impl MemoryReplayStore {
    /// At most `capacity` live entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            cache: MemoryReplayCache::new(capacity),
        }
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

#[async_trait]
impl ReplayStore for MemoryReplayStore {
    async fn record(&self, token: &VerifiedToken, now_unix: i64) -> Result<bool, StoreError> {
        match self.cache.record(token, now_unix) {
            Ok(()) => Ok(true),
            Err(TokenError::Replayed) => Ok(false),
            // Full, or a clock that went back past the token's window.
            Err(_) => Err(StoreError::Full),
        }
    }
}

/// The three in-memory stores.
pub fn stores() -> super::Stores {
    use std::sync::Arc;
    super::Stores {
        challenges: Arc::new(MemoryChallengeStore::default()),
        replay: Arc::new(MemoryReplayStore::default()),
        keys: Arc::new(MemoryKeyRegistry::default()),
    }
}
