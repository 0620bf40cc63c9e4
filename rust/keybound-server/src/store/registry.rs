//! The credential registry: [`KeyRegistry`] (registered device keys by kid,
//! bound to a user), its record [`RegisteredKey`], and the in-memory
//! implementation [`MemoryKeyRegistry`] (the embedded default). The
//! durable, multi-node implementation is [`super::postgres`]; the Redis one
//! ([`super::redis`]) is kept for deployments that ran before PostgreSQL.
//!
//! Rules every implementation keeps (tested against each one):
//! - a kid is registered once: [`KeyRegistry::register`] inserts only when
//!   the kid is absent, revoked kids included (a revoked record stays as a
//!   tombstone), so nobody can overwrite a key by registering it again;
//! - replacing a record is a separate operation,
//!   [`KeyRegistry::replace`], which the HTTP API offers to the operator
//!   only, and which never lets an unattested record replace an attested
//!   one;
//! - [`KeyRegistry::get`] returns revoked records too (with
//!   [`RegisteredKey::revoked_at`]): the token verifier refuses them as
//!   `unknown_key`.

use std::collections::HashMap;

use async_trait::async_trait;
use keybound_protocol::{Jwk, VerifyingKey};
use parking_lot::RwLock;

use super::StoreError;
use crate::attestation::VerifiedAttestation;

/// Longest accepted user id, in bytes.
pub const MAX_USER_ID_BYTES: usize = 256;

/// Whether `user_id` is acceptable: 1 to [`MAX_USER_ID_BYTES`] bytes, no
/// control characters (it is an opaque account id the app's backend vouches
/// for; it ends up in URLs and logs of the operator).
pub fn is_valid_user_id(user_id: &str) -> bool {
    !user_id.is_empty()
        && user_id.len() <= MAX_USER_ID_BYTES
        && !user_id.chars().any(char::is_control)
}

/// How a registered key was vouched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum KeyAssurance {
    /// Attested, in the TEE.
    TrustedEnvironment,
    /// Attested, in StrongBox.
    StrongBox,
    /// Not attested (`--allow-unattested`: simulators, development).
    Unattested,
}

impl KeyAssurance {
    /// The API name (`TRUSTED_ENVIRONMENT`, `STRONG_BOX`, `UNATTESTED`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::TrustedEnvironment => "TRUSTED_ENVIRONMENT",
            Self::StrongBox => "STRONG_BOX",
            Self::Unattested => "UNATTESTED",
        }
    }

    /// The inverse of [`as_str`](Self::as_str).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "TRUSTED_ENVIRONMENT" => Some(Self::TrustedEnvironment),
            "STRONG_BOX" => Some(Self::StrongBox),
            "UNATTESTED" => Some(Self::Unattested),
            _ => None,
        }
    }

    /// Whether an attestation vouched for the key.
    pub fn is_attested(&self) -> bool {
        !matches!(self, Self::Unattested)
    }
}

/// What the attestation said about the app and device at registration.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AttestationSummary {
    /// Package names of the AttestationApplicationId.
    pub packages: Vec<String>,
    /// SHA-256 digests (hex) of the app's signing certificates.
    pub signing_cert_sha256: Vec<String>,
    /// OS patch level (YYYYMM), if attested.
    pub os_patch_level: Option<i64>,
    /// Verified boot state (`VERIFIED`, `SELF_SIGNED`, `UNVERIFIED`,
    /// `FAILED`, or the raw number), if attested.
    pub verified_boot_state: Option<String>,
}

impl AttestationSummary {
    fn of(att: &VerifiedAttestation) -> Self {
        let kd = att.key_description();
        let (hw, sw) = (&kd.hardware_enforced, &kd.software_enforced);
        let app = sw
            .attestation_application_id
            .as_ref()
            .or(hw.attestation_application_id.as_ref());
        Self {
            packages: app
                .map(|a| a.packages.iter().map(|p| p.name.clone()).collect())
                .unwrap_or_default(),
            signing_cert_sha256: app
                .map(|a| a.signatures.iter().map(hex::encode).collect())
                .unwrap_or_default(),
            os_patch_level: hw
                .os_patch_level
                .or(sw.os_patch_level)
                .and_then(|p| i64::try_from(p).ok()),
            verified_boot_state: hw.root_of_trust.as_ref().and_then(|r| {
                serde_json::to_value(r.verified_boot_state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            }),
        }
    }
}

/// A key the registry holds: built only from a [`VerifiedAttestation`] or
/// through the explicitly dangerous unattested path (or read back from a
/// store, which holds only what those wrote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredKey {
    jwk: Jwk,
    kid: String,
    /// The key prepared for verification once, when the record is built
    /// (registered or read back), instead of per token. `None` if the JWK
    /// is not a usable P-256 key: its tokens are then `unknown_key`.
    verifying: Option<VerifyingKey>,
    user_id: Option<String>,
    assurance: KeyAssurance,
    attestation: Option<AttestationSummary>,
    registered_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

/// Why an attested key could not become a [`RegisteredKey`].
#[derive(Debug, thiserror::Error)]
#[error("attested key is not a usable P-256 key")]
#[non_exhaustive]
pub struct UnusableKey;

impl RegisteredKey {
    /// The key of a verified attestation.
    pub fn from_attestation(att: &VerifiedAttestation, now_unix: i64) -> Result<Self, UnusableKey> {
        use crate::attestation::SecurityLevel;
        let jwk = Jwk::from_spki_der(att.public_key_spki()).map_err(|_| UnusableKey)?;
        let assurance = match att.security_level() {
            SecurityLevel::StrongBox => KeyAssurance::StrongBox,
            SecurityLevel::TrustedEnvironment => KeyAssurance::TrustedEnvironment,
            // The policy admits only TEE and StrongBox.
            _ => return Err(UnusableKey),
        };
        let mut key = Self::new(jwk, assurance, now_unix);
        key.attestation = Some(AttestationSummary::of(att));
        Ok(key)
    }

    /// A key nobody vouched for. Only for simulators and development
    /// (`--allow-unattested`): any software key can then obtain tokens.
    pub fn dangerous_unattested(jwk: Jwk, now_unix: i64) -> Self {
        Self::new(jwk, KeyAssurance::Unattested, now_unix)
    }

    /// The same key, registered for `user_id` (see [`is_valid_user_id`]).
    pub fn for_user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    fn new(jwk: Jwk, assurance: KeyAssurance, registered_at: i64) -> Self {
        Self {
            kid: jwk.thumbprint(),
            verifying: VerifyingKey::new(&jwk).ok(),
            jwk,
            user_id: None,
            assurance,
            attestation: None,
            registered_at,
            last_used_at: None,
            revoked_at: None,
        }
    }

    /// Rebuilds a stored record (stores only; the kid is recomputed from
    /// the JWK, so a record cannot claim another key's kid).
    pub(crate) fn from_parts(parts: KeyParts) -> Self {
        let mut key = Self::new(parts.jwk, parts.assurance, parts.registered_at);
        key.user_id = parts.user_id;
        key.attestation = parts.attestation;
        key.last_used_at = parts.last_used_at;
        key.revoked_at = parts.revoked_at;
        key
    }

    /// The key id (RFC 7638 thumbprint).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key.
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// The public key prepared for [`keybound_protocol::DecodedToken::verify`]
    /// (`None` if it is not a usable P-256 key).
    pub fn verifying_key(&self) -> Option<&VerifyingKey> {
        self.verifying.as_ref()
    }

    /// The account the key was registered for (`None`: registered before
    /// keys had users, or an operator-supplied key of `verify-token`).
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// How it was vouched for.
    pub fn assurance(&self) -> KeyAssurance {
        self.assurance
    }

    /// What the attestation said (attested keys only).
    pub fn attestation(&self) -> Option<&AttestationSummary> {
        self.attestation.as_ref()
    }

    /// When it was registered (Unix seconds).
    pub fn registered_at(&self) -> i64 {
        self.registered_at
    }

    /// When a token of it was last accepted (Unix seconds), as far as the
    /// store tracks it (coarse: see [`KeyRegistry::touch`]).
    pub fn last_used_at(&self) -> Option<i64> {
        self.last_used_at
    }

    /// When it was revoked (Unix seconds); a revoked key verifies nothing.
    pub fn revoked_at(&self) -> Option<i64> {
        self.revoked_at
    }

    /// Whether it was revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }

    pub(crate) fn to_stored_json(&self) -> Result<String, StoreError> {
        serde_json::to_string(&StoredKey {
            jwk: self.jwk.clone(),
            assurance: self.assurance,
            registered_at: self.registered_at,
            user_id: self.user_id.clone(),
            attestation: self.attestation.clone(),
            revoked_at: self.revoked_at,
        })
        .map_err(|_| StoreError::Corrupt)
    }

    /// Reads back what [`to_stored_json`](Self::to_stored_json) wrote (the
    /// store is trusted as much as this process: it holds only what was
    /// registered through the constructors above).
    pub(crate) fn from_stored_json(json: &str) -> Result<Self, StoreError> {
        let s: StoredKey = serde_json::from_str(json).map_err(|_| StoreError::Corrupt)?;
        Ok(Self::from_parts(KeyParts {
            jwk: s.jwk,
            user_id: s.user_id,
            assurance: s.assurance,
            attestation: s.attestation,
            registered_at: s.registered_at,
            last_used_at: None,
            revoked_at: s.revoked_at,
        }))
    }

    /// This record, revoked at `now_unix` (kept if already revoked).
    pub(crate) fn revoked(mut self, now_unix: i64) -> Self {
        self.revoked_at.get_or_insert(now_unix);
        self
    }

    /// This record with a last-use time (stores only).
    pub(crate) fn with_last_used(mut self, at: Option<i64>) -> Self {
        self.last_used_at = at;
        self
    }
}

/// The fields of a stored record (stores only).
pub(crate) struct KeyParts {
    pub jwk: Jwk,
    pub user_id: Option<String>,
    pub assurance: KeyAssurance,
    pub attestation: Option<AttestationSummary>,
    pub registered_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The Redis (and memory) form of a record. Fields added after the first
/// release are optional, so records written before still read.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredKey {
    jwk: Jwk,
    assurance: KeyAssurance,
    registered_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attestation: Option<AttestationSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revoked_at: Option<i64>,
}

/// The outcome of [`KeyRegistry::register`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Registration {
    /// The kid was absent: the key is now registered.
    Registered,
    /// The kid is already registered (or revoked): nothing changed.
    AlreadyRegistered,
}

/// The outcome of [`KeyRegistry::replace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replacement {
    /// The record now is the new one (it was absent, or replaced).
    Replaced,
    /// Refused: an unattested record never replaces an attested one.
    Downgrade,
}

/// The outcome of [`KeyRegistry::revoke`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// Revoked now, or already revoked, at this time (Unix seconds).
    Revoked(i64),
    /// No such kid.
    Unknown,
}

/// Registered device keys, by kid.
#[async_trait]
pub trait KeyRegistry: Send + Sync + core::fmt::Debug {
    /// Registers `key` if its kid is absent (revoked kids are present).
    async fn register(&self, key: &RegisteredKey) -> Result<Registration, StoreError>;
    /// Replaces the record of `key`'s kid (or inserts it), clearing a
    /// revocation; refused ([`Replacement::Downgrade`]) when `key` is
    /// unattested and the current record is attested. An operator action.
    async fn replace(&self, key: &RegisteredKey) -> Result<Replacement, StoreError>;
    /// The record with this kid, revoked or not.
    async fn get(&self, kid: &str) -> Result<Option<RegisteredKey>, StoreError>;
    /// The records of `user_id`, revoked ones included, oldest first.
    async fn list_for_user(&self, user_id: &str) -> Result<Vec<RegisteredKey>, StoreError>;
    /// Revokes the kid from now on, for every node sharing the store.
    async fn revoke(&self, kid: &str, now_unix: i64) -> Result<Revocation, StoreError>;
    /// Notes that a token of `kid` was accepted at `now_unix`. Stores may
    /// keep it coarse (at most one write per key and minute).
    async fn touch(&self, kid: &str, now_unix: i64) -> Result<(), StoreError>;
    /// Whether the store answers (readiness).
    async fn ping(&self) -> Result<(), StoreError>;
    /// Drops what this process keeps of `kid` (a cache's entry), after
    /// another node revoked it. Nothing to do for a registry that keeps
    /// nothing in process.
    fn forget(&self, _kid: &str) {}
}

/// Seconds within which [`KeyRegistry::touch`] may skip a write.
pub const TOUCH_GRANULARITY_SECS: i64 = 60;

/// Registered keys in memory (one process).
#[derive(Debug)]
pub struct MemoryKeyRegistry {
    capacity: usize,
    keys: RwLock<HashMap<String, RegisteredKey>>,
}

impl MemoryKeyRegistry {
    /// At most `capacity` keys (revoked ones included).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            keys: RwLock::new(HashMap::new()),
        }
    }
}

impl Default for MemoryKeyRegistry {
    fn default() -> Self {
        Self::new(super::memory::DEFAULT_CAPACITY)
    }
}

#[async_trait]
impl KeyRegistry for MemoryKeyRegistry {
    async fn register(&self, key: &RegisteredKey) -> Result<Registration, StoreError> {
        let mut keys = self.keys.write();
        if keys.contains_key(key.kid()) {
            return Ok(Registration::AlreadyRegistered);
        }
        if keys.len() >= self.capacity {
            return Err(StoreError::Full);
        }
        keys.insert(key.kid().to_owned(), key.clone());
        Ok(Registration::Registered)
    }

    async fn replace(&self, key: &RegisteredKey) -> Result<Replacement, StoreError> {
        let mut keys = self.keys.write();
        match keys.get(key.kid()) {
            Some(old) if old.assurance().is_attested() && !key.assurance().is_attested() => {
                return Ok(Replacement::Downgrade)
            }
            Some(_) => {}
            None if keys.len() >= self.capacity => return Err(StoreError::Full),
            None => {}
        }
        keys.insert(key.kid().to_owned(), key.clone());
        Ok(Replacement::Replaced)
    }

    async fn get(&self, kid: &str) -> Result<Option<RegisteredKey>, StoreError> {
        Ok(self.keys.read().get(kid).cloned())
    }

    async fn list_for_user(&self, user_id: &str) -> Result<Vec<RegisteredKey>, StoreError> {
        let mut found: Vec<RegisteredKey> = self
            .keys
            .read()
            .values()
            .filter(|k| k.user_id() == Some(user_id))
            .cloned()
            .collect();
        found.sort_by(|a, b| (a.registered_at, &a.kid).cmp(&(b.registered_at, &b.kid)));
        Ok(found)
    }

    async fn revoke(&self, kid: &str, now_unix: i64) -> Result<Revocation, StoreError> {
        let mut keys = self.keys.write();
        Ok(match keys.get_mut(kid) {
            None => Revocation::Unknown,
            Some(key) => Revocation::Revoked(*key.revoked_at.get_or_insert(now_unix)),
        })
    }

    async fn touch(&self, kid: &str, now_unix: i64) -> Result<(), StoreError> {
        if let Some(key) = self.keys.write().get_mut(kid) {
            key.last_used_at = Some(now_unix);
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
