//! A store that is down: every call of every store trait answers
//! `StoreError::Unavailable` (tests of the fail-closed paths).

use async_trait::async_trait;

use crate::store::{
    Challenge, ChallengeStore, Consumed, KeyRegistry, RegisteredKey, Registration, Replacement,
    ReplayStore, Revocation, StoreError, TokenUse,
};
use keybound_protocol::VerifiedToken;

#[derive(Debug)]
pub(crate) struct Down;

#[async_trait]
impl ChallengeStore for Down {
    async fn insert(&self, _: &Challenge, _: i64) -> Result<(), StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn consume(&self, _: &str, _: &str, _: i64) -> Result<Consumed, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn consume_for_token(&self, _: &VerifiedToken, _: i64) -> Result<TokenUse, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
}

#[async_trait]
impl ReplayStore for Down {
    async fn record(&self, _: &VerifiedToken, _: i64) -> Result<bool, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
}

#[async_trait]
impl KeyRegistry for Down {
    async fn register(&self, _: &RegisteredKey) -> Result<Registration, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn replace(&self, _: &RegisteredKey) -> Result<Replacement, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn get(&self, _: &str) -> Result<Option<RegisteredKey>, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn list_for_user(&self, _: &str) -> Result<Vec<RegisteredKey>, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn revoke(&self, _: &str, _: i64) -> Result<Revocation, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn touch(&self, _: &str, _: i64) -> Result<(), StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn ping(&self) -> Result<(), StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
}
