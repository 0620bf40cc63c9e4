//! Token verification with the backend's stateful stages, on top of
//! [`keybound_protocol::decode_token`] and [`DecodedToken::verify`] (which
//! do every stateless stage): the token is decoded once, its `kid` looked
//! up, and the rest checked against the [`VerifyingKey`] kept with the
//! registration ([`RegisteredKey::verifying_key`]), so neither the header
//! nor the key's point is decoded twice.
//!
//! Order (docs/token-format.md): size → segments → header → the `kid` is looked
//! up in the [`KeyRegistry`] (absent, revoked, or registered without
//! attestation unless [`TokenVerifier::dangerous_accept_unattested`]:
//! `unknown_key`) →
//! signature → claims →
//! time → aud → txn → then, in ONE atomic step of the [`ChallengeStore`]
//! ([`ChallengeStore::consume_for_token`]): (kid, jti) already accepted, or
//! this same token already used the challenge: `replayed`; nonce unknown,
//! expired or used by another token: `nonce_mismatch`; else the challenge is
//! consumed and the (kid, jti) recorded. A refused token changes nothing.
//! With [`NonceCheck::Fixed`] (offline) the nonce is compared and the
//! (kid, jti) recorded in the [`ReplayStore`] (seen: `replayed`). State is
//! touched only for a token that is otherwise valid; any store failure is
//! `store_unavailable` and the token is refused (fail closed).

use std::sync::Arc;

use keybound_protocol::{
    decode_token, Expectations, ExpectedNonce, TokenError, VerifiedToken, DEFAULT_LEEWAY_SECS,
};
#[cfg(doc)]
use keybound_protocol::{DecodedToken, VerifyingKey};

use crate::clock::Clock;
use crate::store::{
    ChallengeStore, KeyAssurance, KeyRegistry, RegisteredKey, ReplayStore, StoreError, TokenUse,
};

/// How the nonce claim is checked.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum NonceCheck {
    /// Consumed from the challenge store (the server's normal mode), which
    /// also records the (kid, jti), in the same atomic step: the replay
    /// store is not used in this mode.
    Consume(Arc<dyn ChallengeStore>),
    /// Compared with a fixed value (offline `verify-token --nonce`); the
    /// replay store still accepts each (kid, jti) once.
    Fixed(String),
}

/// Verifies tokens for one audience.
#[derive(Debug, Clone)]
pub struct TokenVerifier {
    audience: String,
    leeway_secs: i64,
    clock: Arc<dyn Clock>,
    keys: Arc<dyn KeyRegistry>,
    nonces: NonceCheck,
    replay: Arc<dyn ReplayStore>,
    accept_unattested: bool,
}

/// A token that passed every stage, including the stateful ones.
#[derive(Debug, Clone)]
pub struct AcceptedToken {
    token: VerifiedToken,
    key: RegisteredKey,
}

impl AcceptedToken {
    /// The verified token (kid and claims).
    pub fn token(&self) -> &VerifiedToken {
        &self.token
    }

    /// The registered key that signed it.
    pub fn key(&self) -> &RegisteredKey {
        &self.key
    }
}

fn store_failed(stage: &'static str, e: &StoreError) -> TokenError {
    // A full in-memory store logs that itself, at most once per interval.
    if !matches!(e, StoreError::Full) {
        tracing::error!(stage, error = %e, "store failed: refusing the token (store_unavailable)");
    }
    TokenError::StoreUnavailable
}

impl TokenVerifier {
    /// A verifier for `audience` with the default leeway (60 s).
    pub fn new(
        audience: impl Into<String>,
        clock: Arc<dyn Clock>,
        keys: Arc<dyn KeyRegistry>,
        nonces: NonceCheck,
        replay: Arc<dyn ReplayStore>,
    ) -> Self {
        Self {
            audience: audience.into(),
            leeway_secs: DEFAULT_LEEWAY_SECS,
            clock,
            keys,
            nonces,
            replay,
            accept_unattested: false,
        }
    }

    /// Also accepts tokens from keys registered without attestation
    /// ([`RegisteredKey::dangerous_unattested`]): simulators, development, or
    /// a key the operator supplied (`verify-token --jwk`). By default such a
    /// key is `unknown_key`, so keys left in a shared registry by a server
    /// that ran with `--allow-unattested` are not honoured by one that does
    /// not.
    pub fn dangerous_accept_unattested(mut self) -> Self {
        self.accept_unattested = true;
        self
    }

    /// Sets the clock-skew leeway for `exp` and `iat` (seconds, >= 0).
    pub fn with_leeway_secs(mut self, leeway_secs: i64) -> Self {
        self.leeway_secs = leeway_secs.max(0);
        self
    }

    /// The expected audience.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Verifies `token`; `txn` is the expected transaction hash (base64url
    /// SHA-256), if the caller expects one.
    pub async fn verify(
        &self,
        token: &str,
        txn: Option<&str>,
    ) -> Result<AcceptedToken, TokenError> {
        let decoded = decode_token(token)?;
        let key = self
            .keys
            .get(decoded.kid())
            .await
            .map_err(|e| store_failed("key_registry", &e))?
            .ok_or(TokenError::UnknownKey)?;
        if key.is_revoked() {
            // Revoked (DELETE /v1/keys/{kid}): unknown from then on.
            return Err(TokenError::UnknownKey);
        }
        if key.assurance() == KeyAssurance::Unattested && !self.accept_unattested {
            tracing::warn!(
                kid = key.kid(),
                "token of an UNATTESTED key refused (unattested keys are not accepted)"
            );
            return Err(TokenError::UnknownKey);
        }
        let nonce = match &self.nonces {
            NonceCheck::Consume(_) => ExpectedNonce::CheckedByCaller,
            NonceCheck::Fixed(n) => ExpectedNonce::Exactly(n.clone()),
        };
        let mut expect =
            Expectations::new(self.audience.clone(), nonce).with_leeway_secs(self.leeway_secs);
        if let Some(txn) = txn {
            expect = expect.with_txn(txn);
        }
        let now = self.clock.now_unix();
        // A registered key that is not a P-256 JWK cannot be the token's key.
        let verifying = key.verifying_key().ok_or(TokenError::UnknownKey)?;
        let verified = decoded.verify(verifying, &expect, now)?;

        match &self.nonces {
            // One atomic step: the jti is checked, the challenge consumed
            // and the jti recorded together, so a refused token (a reused
            // jti above all) leaves the challenge live.
            NonceCheck::Consume(challenges) => {
                match challenges
                    .consume_for_token(&verified, now)
                    .await
                    .map_err(|e| store_failed("challenge_store", &e))?
                {
                    TokenUse::Accepted => {}
                    TokenUse::Replayed => return Err(TokenError::Replayed),
                    TokenUse::NonceMismatch => return Err(TokenError::NonceMismatch),
                    TokenUse::Revoked => {
                        // Revoked on another node: drop this node's cached copy.
                        self.keys.forget(verified.kid());
                        return Err(TokenError::UnknownKey);
                    }
                }
            }
            NonceCheck::Fixed(_) => {
                let first = self
                    .replay
                    .record(&verified, now)
                    .await
                    .map_err(|e| store_failed("replay_store", &e))?;
                if !first {
                    return Err(TokenError::Replayed);
                }
            }
        }
        Ok(AcceptedToken {
            token: verified,
            key,
        })
    }
}

#[cfg(test)]
mod tests;
