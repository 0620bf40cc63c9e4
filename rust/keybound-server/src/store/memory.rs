//! In-memory stores: bounded (a full store refuses new entries rather than
//! forgetting live ones) and expiring (expired entries are purged in expiry
//! order on every write, so a store that filled up accepts again as soon
//! as entries expire). One process only. A refusal because a store is full
//! is logged at most once per [`STORE_FULL_LOG_INTERVAL_SECS`] per store
//! (with the number of refusals), not once per request.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use keybound_protocol::{MemoryReplayCache, TokenError, VerifiedToken};
use parking_lot::Mutex;

pub use super::registry::MemoryKeyRegistry;
pub use crate::limit::STORE_FULL_LOG_INTERVAL_SECS;
use crate::limit::{log_store_full, LogEvery};

use super::{
    nonce_key, token_consumer, Challenge, ChallengeStore, Consumed, ReplayStore, StoreError,
    TokenUse,
};

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

/// Challenges in memory, with the (kid, jti) of the tokens that consumed
/// one (see [`ChallengeStore::consume_for_token`]): both under one lock, so
/// checking the jti and consuming the challenge is one critical section.
#[derive(Debug)]
pub struct MemoryChallengeStore {
    capacity: usize,
    inner: Mutex<ChallengeState>,
    full_log: LogEvery,
}

#[derive(Debug, Default)]
struct ChallengeState {
    challenges: ExpiringSet,
    /// [`token_consumer`] fingerprints of accepted tokens, until their
    /// `accept_until`.
    tokens: ExpiringSet,
}

impl MemoryChallengeStore {
    /// At most `capacity` live challenges.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(ChallengeState::default()),
            full_log: LogEvery::default(),
        }
    }

    /// Logs "store full" at most once per `interval_secs` (default
    /// [`STORE_FULL_LOG_INTERVAL_SECS`]).
    pub fn with_full_log_interval(mut self, interval_secs: i64) -> Self {
        self.full_log = LogEvery::new(interval_secs);
        self
    }

    /// Live or not-yet-purged challenges.
    pub fn len(&self) -> usize {
        self.inner.lock().challenges.entries.len()
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
        inner.challenges.purge(now_unix);
        if inner.challenges.entries.len() >= self.capacity {
            drop(inner);
            log_store_full(&self.full_log, "challenges", self.capacity, now_unix);
            return Err(StoreError::Full);
        }
        if let Some((old, _)) = inner
            .challenges
            .entries
            .insert(key.clone(), (challenge.expires_at(), None))
        {
            inner.challenges.by_expiry.remove(&(old, key.clone()));
        }
        inner
            .challenges
            .by_expiry
            .insert((challenge.expires_at(), key));
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
        inner.challenges.purge(now_unix);
        match inner.challenges.entries.get_mut(&key) {
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

    async fn consume_for_token(
        &self,
        token: &VerifiedToken,
        now_unix: i64,
    ) -> Result<TokenUse, StoreError> {
        let key = nonce_key(token.claims().nonce());
        let consumer = token_consumer(token.kid(), token.claims().jti());
        let mut guard = self.inner.lock();
        let state = &mut *guard;
        state.challenges.purge(now_unix);
        state.tokens.purge(now_unix);
        if state.tokens.entries.contains_key(&consumer) {
            return Ok(TokenUse::Replayed);
        }
        match state.challenges.entries.get(&key) {
            None => return Ok(TokenUse::NonceMismatch),
            Some((_, Some(earlier))) => {
                return Ok(if *earlier == consumer {
                    TokenUse::Replayed
                } else {
                    TokenUse::NonceMismatch
                })
            }
            Some((_, None)) => {}
        }
        if state.tokens.entries.len() >= self.capacity {
            drop(guard);
            log_store_full(&self.full_log, "accepted tokens", self.capacity, now_unix);
            return Err(StoreError::Full);
        }
        if let Some((_, used_by)) = state.challenges.entries.get_mut(&key) {
            *used_by = Some(consumer.clone());
        }
        let until = token.accept_until();
        state.tokens.entries.insert(consumer.clone(), (until, None));
        state.tokens.by_expiry.insert((until, consumer));
        Ok(TokenUse::Accepted)
    }
}

/// Accepted (kid, jti) in memory: keybound_protocol's [`MemoryReplayCache`].
#[derive(Debug)]
pub struct MemoryReplayStore {
    cache: MemoryReplayCache,
    capacity: usize,
    full_log: LogEvery,
}

impl MemoryReplayStore {
    /// At most `capacity` live entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            cache: MemoryReplayCache::new(capacity),
            capacity,
            full_log: LogEvery::default(),
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
            Err(_) => {
                log_store_full(&self.full_log, "replay", self.capacity, now_unix);
                Err(StoreError::Full)
            }
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
