//! An in-memory, bounded, expiring record of accepted (kid, jti) pairs.

use std::collections::{BTreeSet, HashMap};

use parking_lot::Mutex;

use crate::error::TokenError;
use crate::verify::VerifiedToken;

/// (kid, jti)
type ReplayKey = (String, String);

/// Remembers each accepted (kid, jti) until the token could no longer be
/// accepted anyway, so a token is accepted at most once.
///
/// Bounded: at most `capacity` live entries. When it is full of entries that
/// have not expired, [`check_and_record`](Self::check_and_record) fails
/// closed with `store_unavailable` rather than forgetting one (which would
/// re-open a replay window). Expired entries are dropped on every call, in
/// expiry order, in O(log n) each.
///
/// Single process only: several backend instances need a shared store with
/// the same semantics (an atomic insert-if-absent with a TTL).
///
/// Lookups hash the (kid, jti) with std's randomly keyed SipHash, so clients
/// cannot flood one bucket; only tokens that passed [`verify`](crate::verify())
/// reach the cache.
#[derive(Debug)]
pub struct MemoryReplayCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// (kid, jti) → last second at which the token is accepted.
    entries: HashMap<ReplayKey, i64>,
    /// The same entries ordered by expiry, for purging.
    by_expiry: BTreeSet<(i64, ReplayKey)>,
    /// The latest `now` seen: entries are purged by it, so a clock that
    /// steps back cannot revive a purged (kid, jti).
    clock: i64,
}

impl MemoryReplayCache {
    /// An empty cache holding at most `capacity` unexpired entries (a
    /// capacity of 0 refuses everything: fail closed).
    pub fn new(capacity: usize) -> Self {
        MemoryReplayCache {
            capacity,
            inner: Mutex::new(Inner {
                clock: i64::MIN,
                ..Inner::default()
            }),
        }
    }

    /// The maximum number of unexpired entries.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The number of entries held (expired ones are dropped on the next
    /// [`check_and_record`](Self::check_and_record)).
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records a verified token: (kid, jti) until
    /// [`accept_until`](VerifiedToken::accept_until).
    pub fn record(&self, token: &VerifiedToken, now_unix: i64) -> Result<(), TokenError> {
        self.check_and_record(
            token.kid(),
            token.claims().jti(),
            token.accept_until(),
            now_unix,
        )
    }

    /// Accepts (kid, jti) once: `replayed` if it is already held.
    ///
    /// `expires_at_unix` is the last second at which the token would still
    /// be accepted, i.e. `exp + leeway` ([`VerifiedToken::accept_until`]);
    /// passing a bare `exp` would let a token be replayed within the leeway.
    /// An entry is held while `now <= expires_at_unix`.
    ///
    /// Errors: `replayed`; `store_unavailable` when `capacity` unexpired
    /// entries are held; `expired` when `now` (or a later time this cache
    /// has already seen) is past `expires_at_unix`, since such a pair might
    /// already have been purged.
    pub fn check_and_record(
        &self,
        kid: &str,
        jti: &str,
        expires_at_unix: i64,
        now_unix: i64,
    ) -> Result<(), TokenError> {
        let mut inner = self.inner.lock();
        inner.clock = inner.clock.max(now_unix);
        let now = inner.clock;
        inner.purge(now);
        if now > expires_at_unix {
            return Err(TokenError::Expired);
        }
        let key = (kid.to_owned(), jti.to_owned());
        if inner.entries.contains_key(&key) {
            return Err(TokenError::Replayed);
        }
        if inner.entries.len() >= self.capacity {
            return Err(TokenError::StoreUnavailable);
        }
        inner.by_expiry.insert((expires_at_unix, key.clone()));
        inner.entries.insert(key, expires_at_unix);
        Ok(())
    }
}

impl Inner {
    /// Drops every entry whose last accepted second is before `now`.
    fn purge(&mut self, now: i64) {
        while let Some((expires_at, _)) = self.by_expiry.first() {
            if *expires_at >= now {
                break;
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.entries.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests;
