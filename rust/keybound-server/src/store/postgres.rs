//! The credential registry in PostgreSQL (`--database postgres://...`): the
//! durable store several server nodes share. Redis (or memory) then keeps
//! only what is short-lived: challenges and seen jtis.
//!
//! Driver: `tokio-postgres` with a `deadpool-postgres` pool, TLS through
//! rustls (`tokio-postgres-rustls`): the URL's `sslmode` decides
//! (`require` to insist; libpq's default `prefer` uses TLS when the server
//! offers it), verified against the system's roots or a CA file. Every
//! statement is a single atomic SQL statement: register is
//! `INSERT ... ON CONFLICT (kid) DO NOTHING` (a kid is registered once),
//! replace is an upsert whose `WHERE` refuses an unattested row over an
//! attested one, revoke is an `UPDATE ... WHERE revoked_at IS NULL`. No key
//! is cached by a node, so a revocation holds on every node from the next
//! request on. Every call is bounded by the store timeout; any failure is a
//! [`StoreError::Unavailable`] (→ `store_unavailable`, fail closed).
//!
//! Migrations are the SQL files of `migrations/`, embedded in the binary
//! and applied by `keybound-server migrate` ([`migrate`]); `serve` checks at
//! start that the database has all of them ([`PgKeyRegistry::check_schema`]).
//! The runner is hand-written (about fifty lines: a version table, one
//! transaction per file under an advisory lock, a SHA-256 of each file to
//! catch an edited migration) rather than a migration crate, whose
//! proc-macro and configuration dependencies would double this module's
//! build cost for what one function does.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use keybound_protocol::Jwk;
use tokio_postgres::types::ToSql;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::registry::{
    AttestationSummary, KeyAssurance, KeyParts, KeyRegistry, RegisteredKey, Registration,
    Replacement, Revocation, TOUCH_GRANULARITY_SECS,
};
use super::StoreError;

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Migration {
    /// Its version (the file's number).
    pub version: i32,
    /// Its file name.
    pub name: &'static str,
    /// Its SQL.
    pub sql: &'static str,
}

/// The migrations, in order (files under `migrations/`).
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "0001_keys.sql",
    sql: include_str!("../../migrations/0001_keys.sql"),
}];

/// The advisory lock id every `migrate` takes.
const MIGRATION_LOCK: i64 = 0x6b65_7962_6f75_6e64; // "keybound"

const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS keybound_schema_migrations (\
     version integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, \
     applied_at timestamptz NOT NULL DEFAULT now())";

/// Default size of a node's connection pool.
pub const DEFAULT_POOL_SIZE: usize = 16;

fn unavailable(e: impl core::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn checksum(sql: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, sql.as_bytes()))
}

/// The registry over a pool of connections to one database.
#[derive(Clone)]
pub struct PgKeyRegistry {
    pool: Pool,
    timeout: Duration,
}

impl core::fmt::Debug for PgKeyRegistry {
    // The URL may hold a password: never printed.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PgKeyRegistry")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why the database schema is not usable by this server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The database could not be reached or answered an error.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Migrations this server needs are not applied.
    #[error(
        "the database lacks migration {version} ({name}): run `keybound-server migrate --database ...` first"
    )]
    Missing {
        /// The first missing version.
        version: i32,
        /// Its file name.
        name: &'static str,
    },
    /// An applied migration differs from the one in this binary.
    #[error("migration {version} in the database differs from this server's {name} (edited after it was applied?)")]
    Changed {
        /// The version.
        version: i32,
        /// Its file name.
        name: &'static str,
    },
}

/// The TLS connector: certificates from `ca_pem` (PEM) if given, else the
/// system's roots.
fn tls(ca_pem: Option<&[u8]>) -> Result<MakeRustlsConnect, StoreError> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore::empty();
    match ca_pem {
        Some(pem) => {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|_| {
                    StoreError::Unavailable("the database CA file is not PEM".into())
                })?;
                roots.add(cert).map_err(unavailable)?;
            }
            if roots.is_empty() {
                return Err(StoreError::Unavailable(
                    "the database CA file holds no certificate".into(),
                ));
            }
        }
        None => {
            // Unreadable system certificates only matter if TLS is used.
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(unavailable)?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

impl PgKeyRegistry {
    /// [`connect_with`](Self::connect_with) the system's roots for TLS.
    pub fn connect(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        Self::connect_with(url, timeout, None)
    }

    /// A pool on `url` (`postgres://user:password@host:port/db`, or the
    /// libpq key=value form); each call waits at most `timeout`. Connects
    /// lazily: call [`ping`](KeyRegistry::ping) or
    /// [`check_schema`](Self::check_schema) to fail fast.
    pub fn connect_with(
        url: &str,
        timeout: Duration,
        ca_pem: Option<&[u8]>,
    ) -> Result<Self, StoreError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            // The parse error names no secret.
            .map_err(|e| StoreError::Unavailable(format!("bad database URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(timeout);
        }
        if config.get_application_name().is_none() {
            config.application_name("keybound-server");
        }
        let manager = Manager::from_config(
            config,
            tls(ca_pem)?,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(DEFAULT_POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout))
            .recycle_timeout(Some(timeout))
            .build()
            .map_err(unavailable)?;
        Ok(Self { pool, timeout })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(unavailable)
    }

    /// Runs `f` within the timeout.
    async fn bounded<T>(
        &self,
        f: impl std::future::Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        tokio::time::timeout(self.timeout, f)
            .await
            .map_err(|_| StoreError::Unavailable("database call timed out".into()))?
    }

    /// One prepared statement within the timeout: the number of rows it
    /// changed.
    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        self.bounded(async {
            let client = self.client().await?;
            let stmt = client.prepare_cached(sql).await.map_err(unavailable)?;
            client.execute(&stmt, params).await.map_err(unavailable)
        })
        .await
    }

    /// One prepared query within the timeout: its rows.
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        self.bounded(async {
            let client = self.client().await?;
            let stmt = client.prepare_cached(sql).await.map_err(unavailable)?;
            client.query(&stmt, params).await.map_err(unavailable)
        })
        .await
    }

    /// Fails unless every migration of [`MIGRATIONS`] is applied unchanged.
    /// Versions newer than this binary's are accepted (a newer node migrated
    /// first during a rolling upgrade; migrations only add).
    pub async fn check_schema(&self) -> Result<(), SchemaError> {
        let applied = self
            .bounded(async {
                let client = self.client().await?;
                let exists = client
                    .query_one(
                        "SELECT to_regclass('keybound_schema_migrations') IS NOT NULL",
                        &[],
                    )
                    .await
                    .map_err(unavailable)?;
                if !exists.get::<_, bool>(0) {
                    return Ok(Vec::new());
                }
                let rows = client
                    .query(
                        "SELECT version, sha256 FROM keybound_schema_migrations",
                        &[],
                    )
                    .await
                    .map_err(unavailable)?;
                Ok(rows
                    .iter()
                    .map(|r| (r.get::<_, i32>(0), r.get::<_, String>(1)))
                    .collect::<Vec<_>>())
            })
            .await?;
        for m in MIGRATIONS {
            match applied.iter().find(|(v, _)| *v == m.version) {
                None => {
                    return Err(SchemaError::Missing {
                        version: m.version,
                        name: m.name,
                    })
                }
                Some((_, sum)) if *sum != checksum(m.sql) => {
                    return Err(SchemaError::Changed {
                        version: m.version,
                        name: m.name,
                    })
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// Applies the missing [`MIGRATIONS`] to the database at `url`, each in its
/// own transaction, under an advisory lock (two `migrate` runs at once are
/// safe: the second waits, then finds nothing to do). Returns the names applied now.
pub async fn migrate(url: &str, timeout: Duration) -> Result<Vec<&'static str>, SchemaError> {
    migrate_with(url, timeout, None).await
}

/// [`migrate`], with `ca_pem` as the TLS roots.
pub async fn migrate_with(
    url: &str,
    timeout: Duration,
    ca_pem: Option<&[u8]>,
) -> Result<Vec<&'static str>, SchemaError> {
    let config: tokio_postgres::Config = url
        .parse()
        .map_err(|e| StoreError::Unavailable(format!("bad database URL: {e}")))?;
    let mut config = config;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(timeout);
    }
    let (mut client, connection) = config.connect(tls(ca_pem)?).await.map_err(unavailable)?;
    let driver = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "migration connection ended with an error");
        }
    });
    let result = async {
        // Session-level: held until this connection closes, so the version
        // table's creation is serialised too.
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(unavailable)?;
        client.batch_execute(VERSION_TABLE).await.map_err(unavailable)?;
        let mut done = Vec::new();
        for m in MIGRATIONS {
            let tx = client.transaction().await.map_err(unavailable)?;
            let row = tx
                .query_opt(
                    "SELECT sha256 FROM keybound_schema_migrations WHERE version = $1",
                    &[&m.version],
                )
                .await
                .map_err(unavailable)?;
            match row {
                Some(r) if r.get::<_, String>(0) == checksum(m.sql) => continue,
                Some(_) => {
                    return Err(SchemaError::Changed {
                        version: m.version,
                        name: m.name,
                    })
                }
                None => {}
            }
            tx.batch_execute(m.sql).await.map_err(unavailable)?;
            tx.execute(
                "INSERT INTO keybound_schema_migrations (version, name, sha256) VALUES ($1, $2, $3)",
                &[&m.version, &m.name, &checksum(m.sql)],
            )
            .await
            .map_err(unavailable)?;
            tx.commit().await.map_err(unavailable)?;
            done.push(m.name);
        }
        Ok(done)
    }
    .await;
    drop(client);
    let _ = driver.await;
    result
}

/// The columns every read selects, in [`row_to_key`]'s order.
const COLUMNS: &str = "public_key, user_id, security_level, packages, signing_cert_sha256, \
     os_patch_level, verified_boot_state, \
     extract(epoch from created_at)::bigint, \
     extract(epoch from last_used_at)::bigint, \
     extract(epoch from revoked_at)::bigint";

/// The values every write binds ($1..$9), in [`INSERT`]'s order.
const INSERT: &str = "INSERT INTO keybound_keys (kid, user_id, public_key, security_level, \
     packages, signing_cert_sha256, os_patch_level, verified_boot_state, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9::bigint))";

fn row_to_key(row: &tokio_postgres::Row) -> Result<RegisteredKey, StoreError> {
    let get = |e: tokio_postgres::Error| {
        tracing::error!(error = %e, "key row does not decode");
        StoreError::Corrupt
    };
    let jwk: String = row.try_get(0).map_err(get)?;
    let level: String = row.try_get(2).map_err(get)?;
    let assurance = KeyAssurance::from_name(&level).ok_or(StoreError::Corrupt)?;
    let attestation = assurance
        .is_attested()
        .then(|| -> Result<AttestationSummary, StoreError> {
            Ok(AttestationSummary {
                packages: row.try_get(3).map_err(get)?,
                signing_cert_sha256: row.try_get(4).map_err(get)?,
                os_patch_level: row
                    .try_get::<_, Option<i32>>(5)
                    .map_err(get)?
                    .map(i64::from),
                verified_boot_state: row.try_get(6).map_err(get)?,
            })
        })
        .transpose()?;
    Ok(RegisteredKey::from_parts(KeyParts {
        jwk: Jwk::from_json(&jwk).map_err(|_| StoreError::Corrupt)?,
        user_id: row.try_get(1).map_err(get)?,
        assurance,
        attestation,
        registered_at: row.try_get(7).map_err(get)?,
        last_used_at: row.try_get(8).map_err(get)?,
        revoked_at: row.try_get(9).map_err(get)?,
    }))
}

/// The bound values of a key, for [`INSERT`].
struct Values {
    kid: String,
    user_id: Option<String>,
    jwk: String,
    level: &'static str,
    packages: Vec<String>,
    digests: Vec<String>,
    patch: Option<i32>,
    boot: Option<String>,
    created: i64,
}

impl Values {
    fn of(key: &RegisteredKey) -> Self {
        let att = key.attestation();
        Self {
            kid: key.kid().to_owned(),
            user_id: key.user_id().map(str::to_owned),
            jwk: key.jwk().to_json(),
            level: key.assurance().as_str(),
            packages: att.map(|a| a.packages.clone()).unwrap_or_default(),
            digests: att
                .map(|a| a.signing_cert_sha256.clone())
                .unwrap_or_default(),
            patch: att
                .and_then(|a| a.os_patch_level)
                .and_then(|p| i32::try_from(p).ok()),
            boot: att.and_then(|a| a.verified_boot_state.clone()),
            created: key.registered_at(),
        }
    }

    fn params(&self) -> [&(dyn ToSql + Sync); 9] {
        [
            &self.kid,
            &self.user_id,
            &self.jwk,
            &self.level,
            &self.packages,
            &self.digests,
            &self.patch,
            &self.boot,
            &self.created,
        ]
    }
}

#[async_trait]
impl KeyRegistry for PgKeyRegistry {
    async fn register(&self, key: &RegisteredKey) -> Result<Registration, StoreError> {
        let values = Values::of(key);
        let sql = format!("{INSERT} ON CONFLICT (kid) DO NOTHING");
        let n = self.execute(&sql, &values.params()).await?;
        Ok(if n == 1 {
            Registration::Registered
        } else {
            Registration::AlreadyRegistered
        })
    }

    async fn replace(&self, key: &RegisteredKey) -> Result<Replacement, StoreError> {
        let values = Values::of(key);
        // The WHERE makes the update a no-op (0 rows) on a downgrade.
        let sql = format!(
            "{INSERT} ON CONFLICT (kid) DO UPDATE SET user_id = EXCLUDED.user_id, \
             public_key = EXCLUDED.public_key, security_level = EXCLUDED.security_level, \
             packages = EXCLUDED.packages, signing_cert_sha256 = EXCLUDED.signing_cert_sha256, \
             os_patch_level = EXCLUDED.os_patch_level, \
             verified_boot_state = EXCLUDED.verified_boot_state, \
             created_at = EXCLUDED.created_at, last_used_at = NULL, revoked_at = NULL \
             WHERE keybound_keys.security_level = 'UNATTESTED' \
                OR EXCLUDED.security_level <> 'UNATTESTED'"
        );
        let n = self.execute(&sql, &values.params()).await?;
        Ok(if n == 1 {
            Replacement::Replaced
        } else {
            Replacement::Downgrade
        })
    }

    async fn get(&self, kid: &str) -> Result<Option<RegisteredKey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM keybound_keys WHERE kid = $1");
        // kid is the primary key: at most one row.
        let rows = self.query(&sql, &[&kid]).await?;
        rows.first().map(row_to_key).transpose()
    }

    async fn list_for_user(&self, user_id: &str) -> Result<Vec<RegisteredKey>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM keybound_keys WHERE user_id = $1 ORDER BY created_at, kid"
        );
        let rows = self.query(&sql, &[&user_id]).await?;
        rows.iter().map(row_to_key).collect()
    }

    async fn revoke(&self, kid: &str, now_unix: i64) -> Result<Revocation, StoreError> {
        // Sets revoked_at once; either way answers the revocation time.
        let sql = "WITH upd AS (UPDATE keybound_keys SET revoked_at = to_timestamp($2::bigint) \
                   WHERE kid = $1 AND revoked_at IS NULL RETURNING revoked_at) \
                   SELECT extract(epoch from coalesce((SELECT revoked_at FROM upd), revoked_at))::bigint \
                   FROM keybound_keys WHERE kid = $1";
        let rows = self.query(sql, &[&kid, &now_unix]).await?;
        Ok(match rows.first() {
            None => Revocation::Unknown,
            Some(r) => Revocation::Revoked(
                r.try_get::<_, Option<i64>>(0)
                    .map_err(|_| StoreError::Corrupt)?
                    .unwrap_or(now_unix),
            ),
        })
    }

    async fn touch(&self, kid: &str, now_unix: i64) -> Result<(), StoreError> {
        // At most one write per key and TOUCH_GRANULARITY_SECS.
        let sql = "UPDATE keybound_keys SET last_used_at = to_timestamp($2::bigint) \
                   WHERE kid = $1 AND (last_used_at IS NULL \
                   OR last_used_at < to_timestamp($2::bigint - $3::bigint))";
        self.execute(sql, &[&kid, &now_unix, &TOUCH_GRANULARITY_SECS])
            .await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.bounded(async {
            let client = self.client().await?;
            client.simple_query("SELECT 1").await.map_err(unavailable)?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests;
