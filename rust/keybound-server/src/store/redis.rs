//! Redis stores, for several server instances sharing one Redis. Every
//! operation is one atomic command: `SET key 1 NX PX ttl` (insert if
//! absent, with expiry), a Lua script that marks a live challenge used
//! (consume: exactly one caller sees it unused), and a Lua script that
//! checks a token's (kid, jti) and consumes its challenge together
//! (`consume_for_token`: a refused token writes nothing).
//! The scripts run by `EVALSHA` ([`redis::Script`]: the SHA-1 alone crosses
//! the network; a Redis that lost its script cache, after a restart or a
//! `SCRIPT FLUSH`, is sent the script once and the call retried), so a
//! token verification is one short round trip for its challenge and jti.
//! Connection and response timeouts make an unreachable Redis fail fast;
//! every error is a [`StoreError::Unavailable`] (→ `store_unavailable`).

use std::time::Duration;

use async_trait::async_trait;
use keybound_protocol::VerifiedToken;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{
    nonce_key, token_consumer, Challenge, ChallengeStore, Consumed, ReplayStore, StoreError,
    TokenUse,
};

mod keys;
pub mod production;

/// Atomically: the challenge's value, and if it was unused ("1") it becomes
/// "used:<consumer>" (keeping its TTL).
const CONSUME_SCRIPT: &str = "local v = redis.call('GET', KEYS[1]) \
if v == '1' then redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') end \
return v";

/// Atomically, for a token: KEYS[1] its challenge, KEYS[2] its (kid, jti)
/// record, KEYS[3] its kid's revocation marker, ARGV[1] its consumer
/// marker, ARGV[2] the record's TTL (ms). `revoked` if the marker is set,
/// `replayed` if the jti is recorded or this token already used the
/// challenge, `mismatch` if the challenge is unknown or used by another
/// token (all three: nothing written), else marks the challenge used,
/// records the jti and answers `ok`.
const CONSUME_FOR_TOKEN_SCRIPT: &str =
    "if redis.call('EXISTS', KEYS[3]) == 1 then return 'revoked' end \
if redis.call('EXISTS', KEYS[2]) == 1 then return 'replayed' end \
local v = redis.call('GET', KEYS[1]) \
if v == '1' then \
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') \
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) \
return 'ok' end \
if v == ARGV[1] then return 'replayed' end \
return 'mismatch'";

/// [`CONSUME_SCRIPT`], by its SHA-1.
static CONSUME: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(CONSUME_SCRIPT));
/// [`CONSUME_FOR_TOKEN_SCRIPT`], by its SHA-1.
static CONSUME_FOR_TOKEN: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(CONSUME_FOR_TOKEN_SCRIPT));

/// Default timeout of a connection attempt and of one command.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(1500);

/// All three stores over one Redis connection (multiplexed, reconnecting).
#[derive(Clone)]
pub struct RedisStore {
    conn: production::Conn,
    prefix: String,
    timeout: Duration,
}

impl core::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn unavailable(e: impl core::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`), keys under `prefix`.
    /// Fails if Redis cannot be reached within `timeout`.
    pub async fn connect(url: &str, prefix: &str, timeout: Duration) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        Self::from_client(client, prefix, timeout).await
    }

    /// Connects with `client` (see [`production`] for TLS and ACL options).
    async fn from_client(
        client: redis::Client,
        prefix: &str,
        timeout: Duration,
    ) -> Result<Self, StoreError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(timeout)
            .set_response_timeout(timeout)
            .set_number_of_retries(1)
            .set_max_delay(200);
        let conn = tokio::time::timeout(
            timeout.saturating_mul(2),
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| StoreError::Unavailable("connect timed out".into()))?
        .map_err(unavailable)?;
        Ok(Self {
            conn: production::Conn::Single(conn),
            prefix: prefix.to_owned(),
            timeout,
        })
    }

    async fn run<T: redis::FromRedisValue>(&self, cmd: redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        tokio::time::timeout(self.timeout, cmd.query_async::<T>(&mut conn))
            .await
            .map_err(|_| StoreError::Unavailable("command timed out".into()))?
            .map_err(unavailable)
    }

    /// One `EVALSHA` (loading the script first if Redis does not have
    /// it), under the command timeout.
    async fn run_script<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        tokio::time::timeout(self.timeout, invocation.invoke_async::<T>(&mut conn))
            .await
            .map_err(|_| StoreError::Unavailable("command timed out".into()))?
            .map_err(unavailable)
    }

    /// `SET key 1 NX PX ms`: whether the key was absent (and is now set).
    async fn set_nx_px(&self, key: String, value: &str, ttl_ms: i64) -> Result<bool, StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(key)
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms.max(1));
        let reply: Option<String> = self.run(cmd).await?;
        Ok(reply.is_some())
    }

    /// The record of an accepted token's (kid, jti).
    /// The prefix of challenge and jti keys, as a hash tag: the one script
    /// that checks a jti and consumes a challenge names both keys, and on a
    /// Redis Cluster they must then share a slot. All of a deployment's
    /// short-lived keys live on one master (a replicated, not a sharded,
    /// data set: small, and bounded by the challenge rate).
    fn slot_prefix(&self) -> String {
        production::hash_tag(&self.prefix)
    }

    /// A revoked kid's marker: same slot as the challenges and jtis, since
    /// the token script reads it.
    fn revoked_key(&self, kid: &str) -> String {
        format!("{}:revoked:{kid}", self.slot_prefix())
    }

    fn jti_key(&self, token: &VerifiedToken) -> String {
        format!(
            "{}:jti:{}:{}",
            self.slot_prefix(),
            token.kid(),
            token.claims().jti()
        )
    }

    /// The Redis `PING` answer, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let reply: String = self.run(redis::cmd("PING")).await?;
        if reply == "PONG" {
            Ok(())
        } else {
            Err(StoreError::Unavailable("unexpected PING reply".into()))
        }
    }

    /// The three stores backed by this connection.
    pub fn stores(&self) -> super::Stores {
        use std::sync::Arc;
        let this = Arc::new(self.clone());
        super::Stores {
            challenges: this.clone(),
            replay: this.clone(),
            keys: this,
        }
    }
}

fn ttl_ms(until_unix: i64, now_unix: i64) -> i64 {
    // Live through the whole second `until_unix`.
    until_unix
        .saturating_sub(now_unix)
        .saturating_add(1)
        .saturating_mul(1000)
}

#[async_trait]
impl ChallengeStore for RedisStore {
    async fn insert(&self, challenge: &Challenge, now_unix: i64) -> Result<(), StoreError> {
        let key = format!("{}:ch:{}", self.slot_prefix(), nonce_key(challenge.nonce()));
        if self
            .set_nx_px(key, "1", ttl_ms(challenge.expires_at(), now_unix))
            .await?
        {
            Ok(())
        } else {
            // 256 random bits collided: the generator is broken.
            Err(StoreError::Random)
        }
    }

    async fn consume(
        &self,
        nonce: &str,
        consumer: &str,
        _now_unix: i64,
    ) -> Result<Consumed, StoreError> {
        let key = format!("{}:ch:{}", self.slot_prefix(), nonce_key(nonce));
        let marker = format!("used:{consumer}");
        let mut invocation = CONSUME.prepare_invoke();
        invocation.key(key).arg(&marker);
        let before: Option<String> = self.run_script(&invocation).await?;
        Ok(match before.as_deref() {
            None => Consumed::Unknown,
            Some("1") => Consumed::Now,
            Some(earlier) => Consumed::Already {
                same_consumer: earlier == marker,
            },
        })
    }

    async fn consume_for_token(
        &self,
        token: &VerifiedToken,
        now_unix: i64,
    ) -> Result<TokenUse, StoreError> {
        let challenge = format!(
            "{}:ch:{}",
            self.slot_prefix(),
            nonce_key(token.claims().nonce())
        );
        let marker = format!("used:{}", token_consumer(token.kid(), token.claims().jti()));
        let mut invocation = CONSUME_FOR_TOKEN.prepare_invoke();
        invocation
            .key(challenge)
            .key(self.jti_key(token))
            .key(self.revoked_key(token.kid()))
            .arg(&marker)
            .arg(ttl_ms(token.accept_until(), now_unix).max(1));
        let outcome: String = self.run_script(&invocation).await?;
        match outcome.as_str() {
            "ok" => Ok(TokenUse::Accepted),
            "replayed" => Ok(TokenUse::Replayed),
            "mismatch" => Ok(TokenUse::NonceMismatch),
            "revoked" => Ok(TokenUse::Revoked),
            _ => Err(StoreError::Unavailable("unexpected script reply".into())),
        }
    }

    async fn note_revoked(&self, kid: &str, _now_unix: i64) -> Result<(), StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.revoked_key(kid))
            .arg("1")
            .arg("PX")
            .arg(super::REVOCATION_MARKER_SECS * 1000);
        let _: String = self.run(cmd).await?;
        Ok(())
    }
}

#[async_trait]
impl ReplayStore for RedisStore {
    async fn record(&self, token: &VerifiedToken, now_unix: i64) -> Result<bool, StoreError> {
        self.set_nx_px(
            self.jti_key(token),
            "1",
            ttl_ms(token.accept_until(), now_unix),
        )
        .await
    }
}
