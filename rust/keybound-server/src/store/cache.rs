//! An in-process cache in front of a [`KeyRegistry`], so that a token
//! verification does not ask the registry (a Redis or PostgreSQL round
//! trip) for a key it saw moments ago.
//!
//! - [`KeyRegistry::get`] answers from the cache when the entry is younger
//!   than the TTL ([`DEFAULT_KEY_CACHE_TTL`]), else asks the registry.
//! - Every write through this node (register, replace, revoke) drops the
//!   kid's entry first and after, so this node never serves a stale key.
//! - Another node's revocation reaches this node through the short-lived
//!   store, not the cache: the revoking node writes a revocation marker
//!   ([`super::ChallengeStore::note_revoked`]) that the one atomic token step
//!   checks ([`super::TokenUse::Revoked`]), so a revoked key is refused on
//!   every node from the next request on, and the stale entry dropped
//!   ([`KeyRegistry::forget`]). The TTL only bounds how long a node keeps a
//!   key whose marker could not be written (logged by the revoking node).
//! - [`KeyRegistry::touch`] is forwarded at most once per kid and
//!   [`TOUCH_GRANULARITY_SECS`] (the registry keeps last use that coarse).
//!
//! Bounded: at [`MAX_ENTRIES`] expired entries are dropped, and when none
//! are, nothing new is cached (the registry is asked instead).
//! Written here: a map under a mutex is all it needs; a caching crate would
//! add eviction policies this does not use.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use parking_lot::Mutex;

use super::registry::TOUCH_GRANULARITY_SECS;
use super::{KeyRegistry, RegisteredKey, Registration, Replacement, Revocation, StoreError};

/// How long a looked-up key is served from the cache.
pub const DEFAULT_KEY_CACHE_TTL: Duration = Duration::from_secs(30);
/// Most entries kept.
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
struct Entry {
    key: RegisteredKey,
    fetched: Instant,
}

/// A [`KeyRegistry`] with an in-process cache in front (see the module docs).
#[derive(Debug)]
pub struct CachedKeyRegistry {
    inner: Arc<dyn KeyRegistry>,
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
    /// Last forwarded touch per kid (Unix seconds).
    touched: Mutex<HashMap<String, i64>>,
}

impl CachedKeyRegistry {
    /// `inner` with entries kept for `ttl` (zero: no caching).
    pub fn new(inner: Arc<dyn KeyRegistry>, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            entries: Mutex::new(HashMap::new()),
            touched: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, kid: &str) -> Option<RegisteredKey> {
        let entries = self.entries.lock();
        let entry = entries.get(kid)?;
        (entry.fetched.elapsed() < self.ttl).then(|| entry.key.clone())
    }

    fn keep(&self, key: &RegisteredKey, fetched: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock();
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(key.kid()) {
            let ttl = self.ttl;
            entries.retain(|_, e| e.fetched.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(
            key.kid().to_owned(),
            Entry {
                key: key.clone(),
                fetched,
            },
        );
    }
}

#[async_trait]
impl KeyRegistry for CachedKeyRegistry {
    async fn register(&self, key: &RegisteredKey) -> Result<Registration, StoreError> {
        self.forget(key.kid());
        let outcome = self.inner.register(key).await;
        self.forget(key.kid());
        outcome
    }

    async fn replace(&self, key: &RegisteredKey) -> Result<Replacement, StoreError> {
        self.forget(key.kid());
        let outcome = self.inner.replace(key).await;
        self.forget(key.kid());
        outcome
    }

    async fn get(&self, kid: &str) -> Result<Option<RegisteredKey>, StoreError> {
        if let Some(key) = self.cached(kid) {
            return Ok(Some(key));
        }
        // Taken before asking: a write through this node during the
        // lookup drops the entry after the lookup stored it, never before.
        let fetched = Instant::now();
        let key = self.inner.get(kid).await?;
        if let Some(key) = &key {
            self.keep(key, fetched);
        }
        Ok(key)
    }

    async fn list_for_user(&self, user_id: &str) -> Result<Vec<RegisteredKey>, StoreError> {
        self.inner.list_for_user(user_id).await
    }

    async fn revoke(&self, kid: &str, now_unix: i64) -> Result<Revocation, StoreError> {
        self.forget(kid);
        let outcome = self.inner.revoke(kid, now_unix).await;
        self.forget(kid);
        outcome
    }

    async fn touch(&self, kid: &str, now_unix: i64) -> Result<(), StoreError> {
        {
            let mut touched = self.touched.lock();
            if touched
                .get(kid)
                .is_some_and(|&last| now_unix.saturating_sub(last) < TOUCH_GRANULARITY_SECS)
            {
                return Ok(());
            }
            if touched.len() >= MAX_ENTRIES {
                touched
                    .retain(|_, &mut last| now_unix.saturating_sub(last) < TOUCH_GRANULARITY_SECS);
            }
            touched.insert(kid.to_owned(), now_unix);
        }
        self.inner.touch(kid, now_unix).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    fn forget(&self, kid: &str) {
        self.entries.lock().remove(kid);
    }
}

#[cfg(test)]
mod tests;
