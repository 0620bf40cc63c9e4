//! Stores: [`ChallengeStore`] (one-time server nonces with a TTL),
//! [`ReplayStore`] (each (kid, jti) accepted once) and [`KeyRegistry`]
//! (registered public keys, by user: [`registry`]). In memory ([`memory`],
//! bounded and expiring: the default, one instance) or in Redis ([`redis`],
//! atomic commands, for several instances); the registry durably in
//! PostgreSQL ([`postgres`], `--database`), so Redis keeps only what is
//! short-lived.
//!
//! Failures are [`StoreError`]s, which the token verifier maps to
//! `store_unavailable`: a store that cannot answer never lets a token
//! through (fail closed). Stores hold no raw nonce: a challenge is stored
//! under the SHA-256 of its nonce.

pub mod cache;
pub mod memory;
pub mod postgres;
pub mod redis;
pub mod registry;

use std::sync::Arc;

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use keybound_protocol::VerifiedToken;
use zeroize::Zeroizing;

pub use registry::{
    is_valid_user_id, AttestationSummary, KeyAssurance, KeyRegistry, RegisteredKey, Registration,
    Replacement, Revocation, UnusableKey,
};

/// Random bytes in a challenge nonce (256 bits; base64url gives 43 characters).
pub const NONCE_BYTES: usize = 32;

/// A store could not answer. Always mapped to `store_unavailable`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend (Redis) is unreachable, timed out or answered an error.
    #[error("store backend unavailable: {0}")]
    Unavailable(String),
    /// A bounded in-memory store is full of live entries.
    #[error("store full")]
    Full,
    /// The system random generator failed.
    #[error("random generator failed")]
    Random,
    /// A stored record does not decode.
    #[error("stored record corrupt")]
    Corrupt,
}

/// A freshly issued challenge. `Debug` hides the nonce.
pub struct Challenge {
    nonce: Zeroizing<String>,
    expires_at: i64,
}

impl core::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Challenge")
            .field("nonce", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Challenge {
    /// A new random nonce ([`NONCE_BYTES`] bytes, base64url) living until
    /// `now_unix + ttl_secs`.
    pub fn generate(now_unix: i64, ttl_secs: i64) -> Result<Self, StoreError> {
        use ring::rand::SecureRandom as _;
        let mut bytes = Zeroizing::new([0u8; NONCE_BYTES]);
        ring::rand::SystemRandom::new()
            .fill(bytes.as_mut())
            .map_err(|_| StoreError::Random)?;
        Ok(Self {
            nonce: Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes.as_ref())),
            expires_at: now_unix.saturating_add(ttl_secs),
        })
    }

    /// A challenge with a caller-chosen nonce. Tests and fixtures only: a
    /// predictable nonce defeats the challenge.
    pub fn dangerous_with_nonce(nonce: impl Into<String>, expires_at: i64) -> Self {
        Self {
            nonce: Zeroizing::new(nonce.into()),
            expires_at,
        }
    }

    /// The nonce (give it to the client; never log it).
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// Last second at which it can be consumed.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }
}

/// The storage key of a nonce: base64url(SHA-256(nonce)).
pub(crate) fn nonce_key(nonce: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        nonce.as_bytes(),
    ))
}

/// One-time challenges.
#[async_trait]
pub trait ChallengeStore: Send + Sync + core::fmt::Debug {
    /// Stores a new challenge until its `expires_at`.
    async fn insert(&self, challenge: &Challenge, now_unix: i64) -> Result<(), StoreError>;
    /// Consumes `nonce` on behalf of `consumer` (an opaque fingerprint of
    /// what used it, e.g. [`token_consumer`]). Exactly one call per live
    /// challenge gets [`Consumed::Now`]; later calls learn whether the same
    /// consumer used it. A used challenge is kept (marked) until it expires.
    async fn consume(
        &self,
        nonce: &str,
        consumer: &str,
        now_unix: i64,
    ) -> Result<Consumed, StoreError>;
    /// For a token that passed every stateless check: in ONE atomic step,
    /// refuses it if its (kid, jti) was already accepted
    /// ([`TokenUse::Replayed`], the challenge untouched), else consumes its
    /// `nonce` on behalf of its [`token_consumer`] and records the (kid, jti)
    /// until the token's `accept_until`. A refused token changes nothing, so
    /// a token reusing a jti cannot burn a fresh challenge. A store shared by
    /// several nodes also refuses a kid marked by [`note_revoked`]
    /// ([`TokenUse::Revoked`]).
    ///
    /// [`note_revoked`]: ChallengeStore::note_revoked
    async fn consume_for_token(
        &self,
        token: &VerifiedToken,
        now_unix: i64,
    ) -> Result<TokenUse, StoreError>;
    /// Marks `kid` revoked for [`REVOCATION_MARKER_SECS`], so that every node
    /// sharing this store refuses its tokens from the next request on, even
    /// one whose key cache still holds it ([`cache`]). A store of one
    /// process has nothing to tell other nodes: the default does nothing.
    async fn note_revoked(&self, _kid: &str, _now_unix: i64) -> Result<(), StoreError> {
        Ok(())
    }
}

/// How long a revocation marker ([`ChallengeStore::note_revoked`]) lives:
/// far longer than any node keeps a key cached
/// ([`cache::DEFAULT_KEY_CACHE_TTL`]).
pub const REVOCATION_MARKER_SECS: i64 = 3600;

/// The outcome of [`ChallengeStore::consume_for_token`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenUse {
    /// The challenge was consumed and the (kid, jti) recorded.
    Accepted,
    /// The (kid, jti) was already accepted, or this very token already used
    /// the challenge: `replayed`. Nothing changed.
    Replayed,
    /// No live challenge with this nonce, or one used by another token:
    /// `nonce_mismatch`. Nothing changed.
    NonceMismatch,
    /// The kid was revoked on another node (its marker is set): the key is
    /// unknown from now on. Nothing changed.
    Revoked,
}

/// The outcome of [`ChallengeStore::consume`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Consumed {
    /// This call consumed the live challenge.
    Now,
    /// No live challenge with this nonce (never issued, or expired).
    Unknown,
    /// Already consumed: by the same consumer (`true`), e.g. the very same
    /// token submitted again, or by another one (`false`).
    Already {
        /// Whether the earlier consumer was this one.
        same_consumer: bool,
    },
}

/// The consumer fingerprint of a token: base64url(SHA-256(kid NUL jti)).
pub fn token_consumer(kid: &str, jti: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"token\0");
    ctx.update(kid.as_bytes());
    ctx.update(b"\0");
    ctx.update(jti.as_bytes());
    URL_SAFE_NO_PAD.encode(ctx.finish())
}

/// Accepted (kid, jti) pairs.
#[async_trait]
pub trait ReplayStore: Send + Sync + core::fmt::Debug {
    /// Records the verified token's (kid, jti) until its `exp + leeway`:
    /// `Ok(true)` the first time, `Ok(false)` if already recorded.
    async fn record(&self, token: &VerifiedToken, now_unix: i64) -> Result<bool, StoreError>;
}

/// The three stores a server needs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Stores {
    /// Challenges.
    pub challenges: Arc<dyn ChallengeStore>,
    /// Accepted (kid, jti).
    pub replay: Arc<dyn ReplayStore>,
    /// Registered keys.
    pub keys: Arc<dyn KeyRegistry>,
}

#[cfg(test)]
mod tests;
