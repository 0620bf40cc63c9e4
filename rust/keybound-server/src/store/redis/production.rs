//! Redis as it runs in production: `rediss://` (TLS, rustls, with the
//! system's roots or a CA file), ACL user and password from the URL or the
//! environment, Redis Cluster ([`RedisStore::connect_cluster`]), and the
//! `maxmemory-policy` check done at start.
//!
//! On a Cluster each command runs on the node owning its key's slot; the
//! one script that names two keys (a jti and a challenge) gets them in one
//! slot through a hash tag on the prefix ([`hash_tag`]).
//!
//! Why the eviction check: keybound keeps challenges and seen jtis in
//! Redis (and, without `--database`, the registered keys). Under any policy
//! but `noeviction`, a Redis under memory pressure silently deletes keys:
//! a forgotten jti lets its still-live token be accepted again, a forgotten
//! key unregisters a user. With `noeviction`, a full Redis refuses writes
//! instead, which keybound turns into `store_unavailable` (fail closed).

use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager};
use redis::cluster_async::ClusterConnection;
use redis::{
    Cmd, ConnectionAddr, IntoConnectionInfo as _, Pipeline, RedisFuture, TlsCertificates, Value,
};
use zeroize::Zeroizing;

use super::{unavailable, RedisStore};
use crate::store::StoreError;

/// How to reach Redis.
#[derive(Clone)]
#[non_exhaustive]
pub struct RedisOptions {
    /// `redis://[user:password@]host:port/db` or `rediss://...` (TLS).
    pub url: String,
    /// Key prefix.
    pub prefix: String,
    /// Connection and command timeout.
    pub timeout: Duration,
    /// PEM CA certificate(s) that sign the server's certificate (TLS only;
    /// default: the system's roots).
    pub ca_pem: Option<Vec<u8>>,
    /// ACL user, overriding the URL's.
    pub username: Option<String>,
    /// ACL password, overriding the URL's.
    pub password: Option<Zeroizing<String>>,
}

impl core::fmt::Debug for RedisOptions {
    // The URL and the password may hold secrets: neither is printed.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RedisOptions")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("ca_pem", &self.ca_pem.is_some())
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl RedisOptions {
    /// Options for `url` with the defaults.
    pub fn new(url: impl Into<String>, prefix: impl Into<String>, timeout: Duration) -> Self {
        Self {
            url: url.into(),
            prefix: prefix.into(),
            timeout,
            ca_pem: None,
            username: None,
            password: None,
        }
    }
}

/// The connection a [`RedisStore`] sends its commands on.
#[derive(Clone)]
pub(super) enum Conn {
    /// One Redis (multiplexed, reconnecting).
    Single(ConnectionManager),
    /// A Redis Cluster (routes each command by its key's slot, follows
    /// MOVED/ASK redirections).
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(c) => c.req_packed_command(cmd),
            Self::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(c) => c.req_packed_commands(cmd, offset, count),
            Self::Cluster(c) => c.req_packed_commands(cmd, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(c) => c.get_db(),
            Self::Cluster(c) => c.get_db(),
        }
    }
}

/// `{tag}`: Redis Cluster hashes only the part between the first `{` and
/// the next `}`, so keys that share a tag share a slot (and one script may
/// use them all). The tag is made brace-free so it cannot end early.
pub fn hash_tag(tag: &str) -> String {
    format!("{{{}}}", tag.replace(['{', '}'], "_"))
}

/// The Redis eviction policy keybound can run on.
pub const REQUIRED_POLICY: &str = "noeviction";

/// Redis would evict keys keybound relies on.
#[derive(Debug, thiserror::Error)]
#[error(
    "Redis maxmemory-policy is {policy}, not noeviction: under memory pressure Redis would silently \
     delete challenges and seen token ids (a replayed token could then be accepted) and, without \
     --database, registered keys. Set `maxmemory-policy noeviction`, or pass \
     --redis-accept-eviction to accept the risk"
)]
#[non_exhaustive]
pub struct EvictionRisk {
    /// The policy Redis reported (or why it could not be read).
    pub policy: String,
}

impl RedisStore {
    /// Connects with `options`; fails if Redis cannot be reached, the TLS
    /// handshake or the ACL login fails, within the timeout.
    pub async fn connect_with(options: &RedisOptions) -> Result<Self, StoreError> {
        let mut info = options
            .url
            .as_str()
            .into_connection_info()
            .map_err(unavailable)?;
        if let Some(user) = &options.username {
            info.redis.username = Some(user.clone());
        }
        if let Some(password) = &options.password {
            info.redis.password = Some(password.as_str().to_owned());
        }
        let tls = matches!(info.addr, ConnectionAddr::TcpTls { .. });
        let client = match &options.ca_pem {
            Some(_) if !tls => {
                return Err(StoreError::Unavailable(
                    "a Redis CA file needs a rediss:// URL".into(),
                ))
            }
            Some(pem) => redis::Client::build_with_tls(
                info,
                TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.clone()),
                },
            ),
            None => redis::Client::open(info),
        }
        .map_err(unavailable)?;
        let store = Self::from_client(client, &options.prefix, options.timeout).await?;
        // The manager connects lazily on some errors: prove the login now.
        store.ping().await?;
        Ok(store)
    }

    /// Connects to a Redis Cluster through any of `nodes` (seed URLs,
    /// `redis://` or `rediss://`); ACL and CA options as for
    /// [`connect_with`](Self::connect_with) (`options.url` is ignored).
    pub async fn connect_cluster(
        nodes: &[String],
        options: &RedisOptions,
    ) -> Result<Self, StoreError> {
        let mut builder = redis::cluster::ClusterClient::builder(nodes.iter().map(String::as_str))
            .connection_timeout(options.timeout)
            .response_timeout(options.timeout)
            .retries(1);
        if let Some(user) = &options.username {
            builder = builder.username(user.clone());
        }
        if let Some(password) = &options.password {
            builder = builder.password(password.as_str().to_owned());
        }
        if let Some(pem) = &options.ca_pem {
            builder = builder.certs(TlsCertificates {
                client_tls: None,
                root_cert: Some(pem.clone()),
            });
        }
        let client = builder.build().map_err(unavailable)?;
        let conn = tokio::time::timeout(
            options.timeout.saturating_mul(2),
            client.get_async_connection(),
        )
        .await
        .map_err(|_| StoreError::Unavailable("cluster connect timed out".into()))?
        .map_err(unavailable)?;
        let store = Self {
            conn: Conn::Cluster(conn),
            prefix: options.prefix.clone(),
            timeout: options.timeout,
        };
        store.ping().await?;
        Ok(store)
    }

    /// Redis's `maxmemory-policy` (on a Cluster: of the node that answers).
    pub async fn eviction_policy(&self) -> Result<String, StoreError> {
        let mut cmd = redis::cmd("CONFIG");
        cmd.arg("GET").arg("maxmemory-policy");
        let reply: Vec<String> = self.run(cmd).await?;
        reply
            .get(1)
            .cloned()
            .ok_or_else(|| StoreError::Unavailable("CONFIG GET gave no maxmemory-policy".into()))
    }

    /// Refuses a Redis that may evict keys (see the module docs). A Redis
    /// that does not let keybound read its configuration (CONFIG disabled
    /// by the provider) is refused too: check the policy there and pass
    /// `--redis-accept-eviction`.
    pub async fn check_eviction_policy(&self) -> Result<(), EvictionRisk> {
        match self.eviction_policy().await {
            Ok(policy) if policy == REQUIRED_POLICY => Ok(()),
            Ok(policy) => Err(EvictionRisk { policy }),
            Err(e) => Err(EvictionRisk {
                policy: format!("unreadable ({e})"),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
