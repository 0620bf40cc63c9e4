//! The key registry in Redis (deployments without `--database`).
//!
//! Layout under the prefix: `key:<kid>` the record (JSON, as before users
//! existed, so old records still read), `user:<userId>` a set of the user's
//! kids (an index: listing re-checks each record's user, so a stale entry
//! is harmless), `used:<kid>` the last accepted token's time.
//!
//! Register is `SET NX` (a kid is registered once); replace and revoke
//! read the record, decide in Rust, and write with a compare-and-set script
//! (the write happens only if the record is still what was read), retried a
//! few times under contention. Each command touches one key.

use async_trait::async_trait;

use super::RedisStore;
use crate::store::registry::{KeyRegistry, RegisteredKey, Registration, Replacement, Revocation};
use crate::store::StoreError;

/// Atomically: if the key's value is ARGV[1] (or the key is absent and
/// ARGV[3] is "absent"), set it to ARGV[2]. 1 if written.
const CAS_SCRIPT: &str = "local v = redis.call('GET', KEYS[1]) \
if (v == false and ARGV[3] == 'absent') or (v ~= false and v == ARGV[1]) then \
redis.call('SET', KEYS[1], ARGV[2]) return 1 end \
return 0";

/// [`CAS_SCRIPT`], run by its SHA-1.
static CAS: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(CAS_SCRIPT));

/// Compare-and-set attempts before giving up (contention on one kid).
const CAS_ATTEMPTS: usize = 5;

impl RedisStore {
    fn key_key(&self, kid: &str) -> String {
        format!("{}:key:{kid}", self.prefix)
    }

    fn user_key(&self, user_id: &str) -> String {
        format!("{}:user:{user_id}", self.prefix)
    }

    fn used_key(&self, kid: &str) -> String {
        format!("{}:used:{kid}", self.prefix)
    }

    async fn get_raw(&self, kid: &str) -> Result<Option<String>, StoreError> {
        let mut cmd = redis::cmd("GET");
        cmd.arg(self.key_key(kid));
        self.run(cmd).await
    }

    /// Writes `new` if the record is still `old`.
    async fn cas(&self, kid: &str, old: Option<&str>, new: &str) -> Result<bool, StoreError> {
        let mut invocation = CAS.prepare_invoke();
        invocation
            .key(self.key_key(kid))
            .arg(old.unwrap_or(""))
            .arg(new)
            .arg(if old.is_none() { "absent" } else { "present" });
        let written: i64 = self.run_script(&invocation).await?;
        Ok(written == 1)
    }

    async fn index_user(&self, key: &RegisteredKey) -> Result<(), StoreError> {
        if let Some(user) = key.user_id() {
            let mut cmd = redis::cmd("SADD");
            cmd.arg(self.user_key(user)).arg(key.kid());
            let _: i64 = self.run(cmd).await?;
        }
        Ok(())
    }
}

fn contended() -> StoreError {
    StoreError::Unavailable("key record under concurrent update".into())
}

#[async_trait]
impl KeyRegistry for RedisStore {
    async fn register(&self, key: &RegisteredKey) -> Result<Registration, StoreError> {
        // Index first: a crash in between leaves a harmless stale entry.
        self.index_user(key).await?;
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key_key(key.kid()))
            .arg(key.to_stored_json()?)
            .arg("NX");
        let reply: Option<String> = self.run(cmd).await?;
        Ok(if reply.is_some() {
            Registration::Registered
        } else {
            Registration::AlreadyRegistered
        })
    }

    async fn replace(&self, key: &RegisteredKey) -> Result<Replacement, StoreError> {
        self.index_user(key).await?;
        let new = key.to_stored_json()?;
        for _ in 0..CAS_ATTEMPTS {
            let old = self.get_raw(key.kid()).await?;
            if let Some(json) = &old {
                let current = RegisteredKey::from_stored_json(json)?;
                if current.assurance().is_attested() && !key.assurance().is_attested() {
                    return Ok(Replacement::Downgrade);
                }
            }
            if self.cas(key.kid(), old.as_deref(), &new).await? {
                return Ok(Replacement::Replaced);
            }
        }
        Err(contended())
    }

    async fn get(&self, kid: &str) -> Result<Option<RegisteredKey>, StoreError> {
        self.get_raw(kid)
            .await?
            .map(|j| RegisteredKey::from_stored_json(&j))
            .transpose()
    }

    async fn list_for_user(&self, user_id: &str) -> Result<Vec<RegisteredKey>, StoreError> {
        let mut cmd = redis::cmd("SMEMBERS");
        cmd.arg(self.user_key(user_id));
        let kids: Vec<String> = self.run(cmd).await?;
        let mut found = Vec::new();
        for kid in kids {
            let Some(key) = self.get(&kid).await? else {
                continue;
            };
            if key.user_id() != Some(user_id) {
                continue;
            }
            let mut cmd = redis::cmd("GET");
            cmd.arg(self.used_key(&kid));
            let used: Option<i64> = self.run(cmd).await?;
            found.push(key.with_last_used(used));
        }
        found.sort_by(|a, b| (a.registered_at(), a.kid()).cmp(&(b.registered_at(), b.kid())));
        Ok(found)
    }

    async fn revoke(&self, kid: &str, now_unix: i64) -> Result<Revocation, StoreError> {
        for _ in 0..CAS_ATTEMPTS {
            let Some(old) = self.get_raw(kid).await? else {
                return Ok(Revocation::Unknown);
            };
            let current = RegisteredKey::from_stored_json(&old)?;
            if let Some(at) = current.revoked_at() {
                return Ok(Revocation::Revoked(at));
            }
            let new = current.revoked(now_unix).to_stored_json()?;
            if self.cas(kid, Some(&old), &new).await? {
                return Ok(Revocation::Revoked(now_unix));
            }
        }
        Err(contended())
    }

    async fn touch(&self, kid: &str, now_unix: i64) -> Result<(), StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.used_key(kid)).arg(now_unix);
        let _: String = self.run(cmd).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        RedisStore::ping(self).await
    }
}
