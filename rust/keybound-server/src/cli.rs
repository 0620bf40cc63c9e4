//! The `keybound-server` command line (clap). Each command is a function
//! writing to the given output and returning its exit code (0 = all good,
//! 1 = rejected); [`CliError`] means a usage or I/O error (exit 2).
//!
//! `serve` takes each setting from its flag, else its environment variable,
//! else the `--config` TOML file ([`config_file`]), else the default.

use std::io::{BufRead, Read as _, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use clap::{ArgMatches, Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use keybound_protocol::{Jwk, TokenError};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::attestation::chain::{parse_chain, read_chain, ChainVerifier, TrustRoots};
use crate::attestation::key_description::KeyDescription;
use crate::attestation::{KeyPolicy, RevocationList};
use crate::clock::{Clock, FixedClock, SystemClock};
use crate::http::OperatorSecret;
use crate::http::{app, AppState, ServerConfig};
use crate::store::memory::{MemoryKeyRegistry, MemoryReplayStore};
use crate::store::postgres::PgKeyRegistry;
use crate::store::redis::production::RedisOptions;
use crate::store::redis::RedisStore;
use crate::store::{KeyRegistry, RegisteredKey, StoreError};
use crate::token::{NonceCheck, TokenVerifier};

mod config_file;

/// Largest file read by a command (chain, JWK, revocation list).
pub const MAX_INPUT_FILE: u64 = 16 * 1024 * 1024;

/// Longest `verify-token` input line buffered: a token and its `\r\n`.
const MAX_TOKEN_LINE: u64 = keybound_protocol::MAX_TOKEN_BYTES as u64 + 2;

/// keybound backend: verify Android key attestations and keybound tokens, or
/// serve the HTTP API.
#[derive(Debug, Parser)]
#[command(name = "keybound-server", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "parsed once at start-up; boxing would only complicate the clap derive"
)]
pub enum Command {
    /// Verify an attestation chain (PEM or DER, leaf first) against Google's roots and keybound's policy.
    VerifyAttestation(VerifyAttestationArgs),
    /// Verify tokens read from stdin, one per line, with one replay store.
    VerifyToken(VerifyTokenArgs),
    /// Print a token's header and claims WITHOUT verifying anything.
    Inspect(InspectArgs),
    /// Serve the HTTP API.
    Serve(ServeArgs),
    /// Apply the credential registry's database migrations (PostgreSQL).
    Migrate(MigrateArgs),
}

/// `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// PostgreSQL URL (postgres://user:password@host:port/db).
    #[arg(long, env = "KEYBOUND_DATABASE_URL", hide_env_values = true)]
    pub database: String,
    /// PEM CA certificate(s) for TLS to PostgreSQL (with sslmode=require in the URL);
    /// default: the system's roots.
    #[arg(long, env = "KEYBOUND_DATABASE_CA_FILE")]
    pub database_ca_file: Option<PathBuf>,
}

/// `verify-attestation`.
#[derive(Debug, Args)]
pub struct VerifyAttestationArgs {
    /// The chain file.
    #[arg(long)]
    pub chain: PathBuf,
    /// Verification time (Unix seconds; default: now).
    #[arg(long)]
    pub at: Option<i64>,
    /// Expected attestation challenge, base64url. Without it the challenge is not checked.
    #[arg(long)]
    pub challenge: Option<String>,
    /// Required package name.
    #[arg(long)]
    pub package: Option<String>,
    /// Google attestation status JSON (revocation list).
    #[arg(long)]
    pub revocations: Option<PathBuf>,
    /// One JSON line instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `verify-token`.
#[derive(Debug, Args)]
pub struct VerifyTokenArgs {
    /// The registered public key (JWK JSON file).
    #[arg(long)]
    pub jwk: PathBuf,
    /// Expected audience.
    #[arg(long)]
    pub audience: String,
    /// Expected nonce (compared, not consumed: the replay store still accepts each (kid, jti) once).
    #[arg(long)]
    pub nonce: String,
    /// Expected transaction hash (base64url SHA-256).
    #[arg(long)]
    pub txn: Option<String>,
    /// Verification time (Unix seconds; default: now).
    #[arg(long)]
    pub at: Option<i64>,
    /// Clock-skew leeway in seconds.
    #[arg(long, default_value_t = keybound_protocol::DEFAULT_LEEWAY_SECS)]
    pub leeway: i64,
    /// JSON lines instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The token.
    pub token: String,
}

/// `serve`. Each setting is taken from its flag, else its environment
/// variable, else the `--config` file, else its default.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// TOML file with settings for the flags below, keys named like the long
    /// flags (`listen = "0.0.0.0:8080"`, `trusted-proxy = ["10.0.0.9"]`).
    /// Flags and environment variables override it. Secrets are refused in
    /// it: the database URL, a password in the Redis URL, the operator token.
    #[arg(long, env = "KEYBOUND_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port; the bound address is printed).
    /// Required, here or in the config file.
    #[arg(long, env = "KEYBOUND_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Redis URL (redis://host:port/db) shared by several instances; default: in-memory stores.
    #[arg(long, env = "KEYBOUND_REDIS", hide_env_values = true)]
    pub redis: Option<String>,
    /// Key prefix in Redis.
    #[arg(long, env = "KEYBOUND_REDIS_PREFIX", default_value = "keybound")]
    pub redis_prefix: String,
    /// PEM CA certificate(s) for a rediss:// (TLS) Redis; default: the system's roots.
    #[arg(long, env = "KEYBOUND_REDIS_CA_FILE")]
    pub redis_ca_file: Option<PathBuf>,
    /// Redis ACL user (overrides the URL's). The password comes from the URL or
    /// KEYBOUND_REDIS_PASSWORD (never a flag: flags are visible to other local users).
    #[arg(long, env = "KEYBOUND_REDIS_USERNAME")]
    pub redis_username: Option<String>,
    /// --redis names a Redis Cluster: a comma-separated list of seed node URLs.
    #[arg(long, env = "KEYBOUND_REDIS_CLUSTER")]
    pub redis_cluster: bool,
    /// Start even if Redis's maxmemory-policy is not noeviction (Redis may then
    /// silently drop challenges, seen token ids and, without --database, keys).
    #[arg(long, env = "KEYBOUND_REDIS_ACCEPT_EVICTION")]
    pub redis_accept_eviction: bool,
    /// PostgreSQL URL of the credential registry (postgres://user:password@host:port/db),
    /// shared by every node; run `keybound-server migrate` first. Default: the
    /// registry is in Redis (with --redis) or in memory. Never read from the config file.
    #[arg(long, env = "KEYBOUND_DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
    /// PEM CA certificate(s) for TLS to PostgreSQL (with sslmode=require in the URL);
    /// default: the system's roots.
    #[arg(long, env = "KEYBOUND_DATABASE_CA_FILE")]
    pub database_ca_file: Option<PathBuf>,
    /// File holding the operator's bearer secret (at least 16 bytes), which turns on
    /// GET /v1/users/{userId}/keys, DELETE /v1/keys/{kid} and replacing a key. Or set
    /// KEYBOUND_OPERATOR_TOKEN. Without either, those routes are off.
    #[arg(long, env = "KEYBOUND_OPERATOR_TOKEN_FILE")]
    pub operator_token_file: Option<PathBuf>,
    /// The token audience this server accepts. Required, here or in the config file.
    #[arg(long, env = "KEYBOUND_AUDIENCE")]
    pub audience: Option<String>,
    /// DANGEROUS: accept bare JWKs without attestation (simulators, development).
    #[arg(long, env = "KEYBOUND_ALLOW_UNATTESTED")]
    pub allow_unattested: bool,
    /// Required package name in attestations.
    #[arg(long, env = "KEYBOUND_PACKAGE")]
    pub package: Option<String>,
    /// Required signing certificate SHA-256 (hex), in attestations (repeatable;
    /// comma-separated in the environment variable).
    #[arg(long, env = "KEYBOUND_SIGNING_CERT_SHA256", value_delimiter = ',')]
    pub signing_cert_sha256: Vec<String>,
    /// Google attestation status JSON (revocation list), read at start.
    #[arg(long, env = "KEYBOUND_REVOCATIONS")]
    pub revocations: Option<PathBuf>,
    /// Accept StrongBox keys only.
    #[arg(long, env = "KEYBOUND_STRONGBOX_ONLY")]
    pub strongbox_only: bool,
    /// Require verified boot (VERIFIED).
    #[arg(long, env = "KEYBOUND_REQUIRE_VERIFIED_BOOT")]
    pub require_verified_boot: bool,
    /// Require a locked bootloader.
    #[arg(long, env = "KEYBOUND_REQUIRE_LOCKED_BOOTLOADER")]
    pub require_locked_bootloader: bool,
    /// Challenge lifetime in seconds.
    #[arg(long, env = "KEYBOUND_CHALLENGE_TTL", default_value_t = crate::http::DEFAULT_CHALLENGE_TTL_SECS)]
    pub challenge_ttl: i64,
    /// Token clock-skew leeway in seconds.
    #[arg(long, env = "KEYBOUND_LEEWAY", default_value_t = keybound_protocol::DEFAULT_LEEWAY_SECS)]
    pub leeway: i64,
    /// Connections served at once for one client address (IPv6: one /64).
    /// Behind a reverse proxy every client has the proxy's address: raise it
    /// to the proxy's connection pool size.
    #[arg(long, env = "KEYBOUND_MAX_CONNECTIONS_PER_ADDRESS",
          default_value_t = crate::http::conn::MAX_CONNECTIONS_PER_ADDRESS as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections_per_address: u32,
    /// Challenges (POST /v1/challenges) one client address (IPv6: one /64)
    /// may obtain per second, sustained; over it: 429 rate_limited. 0: no limit.
    #[arg(long, env = "KEYBOUND_CHALLENGE_RATE_PER_ADDRESS",
          default_value_t = crate::limit::DEFAULT_CHALLENGES_PER_SECOND)]
    pub challenge_rate_per_address: u32,
    /// Challenges one client address may obtain at once before the
    /// per-second rate applies.
    #[arg(long, env = "KEYBOUND_CHALLENGE_BURST_PER_ADDRESS",
          default_value_t = crate::limit::DEFAULT_CHALLENGE_BURST,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub challenge_burst_per_address: u32,
    /// Address of a reverse proxy whose X-Forwarded-For header names the
    /// client (repeatable; comma-separated in the environment variable; the
    /// rightmost hop that is not a trusted proxy is the client). Without it
    /// the header is ignored and the client is the TCP peer.
    #[arg(
        long = "trusted-proxy",
        value_name = "IP",
        env = "KEYBOUND_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl ServeArgs {
    /// The two settings without a default: `--listen` and `--audience`.
    fn listen_and_audience(&self) -> Result<(SocketAddr, &str), CliError> {
        let missing = |flag: &str, env: &str| {
            CliError::Usage(format!(
                "serve needs --{flag}: pass it, set {env} or put `{flag}` in the --config file"
            ))
        };
        let listen = self
            .listen
            .ok_or_else(|| missing("listen", "KEYBOUND_LISTEN"))?;
        let audience = self
            .audience
            .as_deref()
            .ok_or_else(|| missing("audience", "KEYBOUND_AUDIENCE"))?;
        Ok((listen, audience))
    }
}

/// A usage or I/O error: exit status 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// Reading the input (stdin) failed.
    #[error("cannot read input: {0}")]
    Input(std::io::Error),
    /// A bad argument or input file.
    #[error("{0}")]
    Usage(String),
    /// A store could not be reached at start.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The `serve --config` file was refused.
    #[error("config file {path}: {source}")]
    Config {
        /// The file.
        path: PathBuf,
        /// Why.
        source: config_file::ConfigError,
    },
}

/// The `keybound-server` binary: parses the arguments, sets up logging to
/// stderr (`RUST_LOG`, default `info` for `serve`, `warn` otherwise), runs
/// the command. Exit status: 0 success, 1 rejected (a chain, policy or token
/// failed), 2 usage or I/O error.
pub fn run_cli() -> std::process::ExitCode {
    // As Cli::parse(), keeping the matches: they tell where each value came from.
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches)
        .map_err(|e| e.format(&mut Cli::command()))
        .unwrap_or_else(|e| e.exit());
    let default_level = match cli.command {
        Command::Serve(_) => "info",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .init();
    match with_config_file(cli, &matches).and_then(|cli| run(&cli)) {
        Ok(code) => std::process::ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "keybound-server: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// `cli` with, for `serve`, the settings of its `--config` file that no flag
/// or environment variable gave (`matches`: clap's parse of `cli`).
fn with_config_file(mut cli: Cli, matches: &ArgMatches) -> Result<Cli, CliError> {
    if let (Command::Serve(args), Some(serve)) =
        (&mut cli.command, matches.subcommand_matches("serve"))
    {
        config_file::apply(args, serve)?;
    }
    Ok(cli)
}

fn run(cli: &Cli) -> Result<u8, CliError> {
    let mut stdout = std::io::stdout().lock();
    let current_thread = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(CliError::Runtime)
    };
    match &cli.command {
        Command::VerifyAttestation(args) => verify_attestation(args, &mut stdout),
        Command::Inspect(args) => inspect(args, &mut stdout),
        Command::VerifyToken(args) => {
            let mut stdin = std::io::stdin().lock();
            current_thread()?.block_on(verify_token(args, &mut stdin, &mut stdout))
        }
        Command::Migrate(args) => current_thread()?.block_on(migrate(args, &mut stdout)),
        Command::Serve(args) => {
            drop(stdout);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(CliError::Runtime)?;
            runtime.block_on(serve(args))?;
            Ok(0)
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let io = |source| CliError::Io {
        path: path.to_owned(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_INPUT_FILE {
        return Err(CliError::Usage(format!("{} is too large", path.display())));
    }
    std::fs::read(path).map_err(io)
}

fn load_revocations(path: Option<&Path>) -> Result<Option<RevocationList>, CliError> {
    path.map(|p| {
        RevocationList::from_json(&read_file(p)?)
            .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))
    })
    .transpose()
}

fn clock_at(at: Option<i64>) -> Arc<dyn Clock> {
    match at {
        Some(t) => Arc::new(FixedClock::new(t)),
        None => Arc::new(SystemClock),
    }
}

/// `verify-attestation`: exit 0 when the chain is valid and no policy is violated.
pub fn verify_attestation(
    args: &VerifyAttestationArgs,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let bytes = read_file(&args.chain)?;
    let revocations = load_revocations(args.revocations.as_deref())?;
    let policy = match &args.challenge {
        Some(c) => {
            let raw = URL_SAFE_NO_PAD
                .decode(c.trim_end_matches('='))
                .or_else(|_| URL_SAFE.decode(c))
                .map_err(|_| CliError::Usage("--challenge is not base64url".into()))?;
            KeyPolicy::new(raw)
        }
        None => KeyPolicy::dangerous_any_challenge(),
    };
    let policy = match &args.package {
        Some(p) => policy.with_package(p.clone()),
        None => policy,
    };
    let now = clock_at(args.at).now_unix();
    let roots = TrustRoots::google();
    let verifier = ChainVerifier::new(roots.clone(), revocations);

    let mut key_description = None;
    let mut root = None;
    let mut violations = Vec::new();
    let result = read_chain(&bytes).and_then(|ders| {
        // Decoded and judged even when the chain does not verify.
        if let Ok(certs) = parse_chain(&ders) {
            if let Some(last) = certs.last() {
                root = roots.identify(last.cert()).map(|r| r.name);
            }
            if let Some(leaf) = certs.first() {
                if let Some(kd) = leaf
                    .key_description_der()
                    .and_then(|ext| KeyDescription::from_der(ext).ok())
                {
                    violations = policy.violations(&kd, leaf.spki_der().as_deref());
                    key_description = Some(kd);
                }
            }
        }
        verifier.verify(&ders, now)
    });
    let chain_valid = result.is_ok();
    let error = match &result {
        Err(e) => Some(e.code()),
        Ok(_) if !violations.is_empty() => Some("policy_violation"),
        Ok(_) => None,
    };
    let codes: Vec<&str> = violations.iter().map(|v| v.code()).collect();
    if args.json {
        let line = json!({
            "chainValid": chain_valid,
            "root": root,
            "keyDescription": key_description.as_ref().map(KeyDescription::to_json),
            "policyViolations": codes,
            "error": error,
        });
        writeln!(out, "{line}")?;
    } else {
        writeln!(
            out,
            "chain: {}",
            if chain_valid { "valid" } else { "INVALID" }
        )?;
        if let Err(e) = &result {
            writeln!(out, "error: {} ({e})", e.code())?;
        }
        writeln!(out, "root: {}", root.unwrap_or("none"))?;
        match &key_description {
            Some(kd) => writeln!(
                out,
                "key description: {}",
                serde_json::to_string_pretty(&kd.to_json()).unwrap_or_default()
            )?,
            None => writeln!(out, "key description: none")?,
        }
        if codes.is_empty() {
            writeln!(out, "policy: satisfied")?;
        } else {
            writeln!(out, "policy violations: {}", codes.join(", "))?;
        }
    }
    Ok(if chain_valid && codes.is_empty() {
        0
    } else {
        1
    })
}

/// `verify-token`: tokens from `input`, one per line (blank lines skipped).
pub async fn verify_token(
    args: &VerifyTokenArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let jwk_text = String::from_utf8(read_file(&args.jwk)?)
        .map_err(|_| CliError::Usage("the JWK file is not UTF-8".into()))?;
    let jwk = Jwk::from_json(jwk_text.trim())
        .map_err(|e| CliError::Usage(format!("{}: {e}", args.jwk.display())))?;
    let clock = clock_at(args.at);
    let keys = Arc::new(MemoryKeyRegistry::new(1));
    // The operator supplied this key: no attestation to check here.
    keys.register(&RegisteredKey::dangerous_unattested(jwk, clock.now_unix()))
        .await?;
    let verifier = TokenVerifier::new(
        args.audience.clone(),
        clock,
        keys,
        NonceCheck::Fixed(args.nonce.clone()),
        Arc::new(MemoryReplayStore::default()),
    )
    .with_leeway_secs(args.leeway)
    // The operator supplied this key (registered unattested above).
    .dangerous_accept_unattested();
    let mut all_valid = true;
    let mut line = Vec::new();
    loop {
        line.clear();
        // At most one token and its line ending are buffered: the rest of a
        // longer line is skipped, and the line is too_large.
        let read = (&mut *input)
            .take(MAX_TOKEN_LINE + 1)
            .read_until(b'\n', &mut line)
            .map_err(CliError::Input)?;
        if read == 0 {
            break;
        }
        let overlong = line.len() as u64 > MAX_TOKEN_LINE;
        if overlong && line.last() != Some(&b'\n') {
            input.skip_until(b'\n').map_err(CliError::Input)?;
        }
        let result = if overlong {
            Err(TokenError::TooLarge)
        } else {
            match core::str::from_utf8(&line) {
                // Not UTF-8: not a token (its three segments are ASCII).
                Err(_) => Err(TokenError::Malformed),
                Ok(text) => {
                    let token = text.trim_end_matches(['\r', '\n']);
                    if token.trim().is_empty() {
                        continue;
                    }
                    verifier.verify(token, args.txn.as_deref()).await
                }
            }
        };
        match result {
            Ok(accepted) => {
                let t = accepted.token();
                if args.json {
                    let claims = serde_json::to_value(t.claims()).unwrap_or(Value::Null);
                    writeln!(
                        out,
                        "{}",
                        json!({"valid": true, "kid": t.kid(), "claims": claims})
                    )?;
                } else {
                    writeln!(out, "valid kid={} jti={}", t.kid(), t.claims().jti())?;
                }
            }
            Err(e) => {
                all_valid = false;
                if args.json {
                    writeln!(out, "{}", json!({"valid": false, "error": e.code()}))?;
                } else {
                    writeln!(out, "invalid {}", e.code())?;
                }
            }
        }
    }
    Ok(if all_valid { 0 } else { 1 })
}

/// `inspect`: the header and claims, decoded but NOT verified.
pub fn inspect(args: &InspectArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let token = args.token.trim();
    if token.len() > keybound_protocol::MAX_TOKEN_BYTES {
        writeln!(out, "error: too_large")?;
        return Ok(1);
    }
    let parts: Vec<&str> = token.split('.').collect();
    let decode = |s: &str| -> Option<Value> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    let (Some(header), Some(claims)) = (
        parts.first().and_then(|h| decode(h)),
        parts.get(1).and_then(|p| decode(p)),
    ) else {
        writeln!(
            out,
            "error: malformed (not a JWS with JSON header and payload)"
        )?;
        return Ok(1);
    };
    writeln!(out, "UNVERIFIED header: {header}")?;
    writeln!(out, "UNVERIFIED claims: {claims}")?;
    writeln!(
        out,
        "(nothing above is verified: use verify-token or the HTTP API)"
    )?;
    Ok(0)
}

/// `serve`: binds, prints `listening on http://ADDR` on stdout, serves until
/// SIGINT/SIGTERM.
pub async fn serve(args: &ServeArgs) -> Result<(), CliError> {
    let (listen, audience) = args.listen_and_audience()?;
    let revocations = load_revocations(args.revocations.as_deref())?;
    let mut config = ServerConfig::new(audience.to_owned());
    config.package = args.package.clone();
    config.strongbox_only = args.strongbox_only;
    config.require_verified_boot = args.require_verified_boot;
    config.require_locked_bootloader = args.require_locked_bootloader;
    config.challenge_ttl_secs = args.challenge_ttl;
    config.leeway_secs = args.leeway;
    for hex_digest in &args.signing_cert_sha256 {
        let digest = hex::decode(hex_digest)
            .ok()
            .filter(|d| d.len() == 32)
            .ok_or_else(|| CliError::Usage("--signing-cert-sha256 takes 64 hex digits".into()))?;
        config.signing_cert_digests.push(digest);
    }
    let operator = operator_secret(args.operator_token_file.as_deref())?;
    let mut redis_probe = None;
    let mut stores = match &args.redis {
        Some(url) => {
            let mut options = RedisOptions::new(
                url.as_str(),
                args.redis_prefix.as_str(),
                crate::store::redis::DEFAULT_TIMEOUT,
            );
            options.ca_pem = args.redis_ca_file.as_deref().map(read_file).transpose()?;
            options.username = args.redis_username.clone();
            options.password = std::env::var("KEYBOUND_REDIS_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
                .map(Zeroizing::new);
            let store = if args.redis_cluster {
                let seeds: Vec<String> = url
                    .split(',')
                    .map(|u| u.trim().to_owned())
                    .filter(|u| !u.is_empty())
                    .collect();
                RedisStore::connect_cluster(&seeds, &options).await?
            } else {
                RedisStore::connect_with(&options).await?
            };
            match store.check_eviction_policy().await {
                Ok(()) => {}
                Err(risk) if args.redis_accept_eviction => {
                    tracing::warn!(policy = risk.policy, "--redis-accept-eviction: {risk}");
                }
                Err(risk) => return Err(CliError::Usage(risk.to_string())),
            }
            redis_probe = Some(store.clone());
            store.stores()
        }
        None => crate::store::memory::stores(),
    };
    if let Some(url) = &args.database {
        let ca = args
            .database_ca_file
            .as_deref()
            .map(read_file)
            .transpose()?;
        let registry =
            PgKeyRegistry::connect_with(url, crate::store::redis::DEFAULT_TIMEOUT, ca.as_deref())?;
        registry
            .check_schema()
            .await
            .map_err(|e| CliError::Usage(format!("database: {e}")))?;
        stores.keys = Arc::new(registry);
    }
    let mut state = AppState::new(
        config,
        stores,
        ChainVerifier::new(TrustRoots::google(), revocations),
        Arc::new(SystemClock),
    );
    if args.allow_unattested {
        state = state.dangerous_allow_unattested();
    }
    if let (Some(redis), Some(_)) = (redis_probe, &args.database) {
        // The keys probe is PostgreSQL then: check Redis too.
        state = state.with_readiness_probe("redis", Arc::new(redis));
    }
    if let Some(secret) = operator {
        state = state.with_operator_secret(secret);
    }
    state = state.with_challenge_limiter(crate::limit::ChallengeLimiter::new(
        crate::limit::ChallengeRate::new(
            args.challenge_rate_per_address,
            args.challenge_burst_per_address,
        ),
        crate::limit::TrustedProxies::new(args.trusted_proxies.iter().copied()),
    ));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(CliError::Output)?;
    let local = listener.local_addr().map_err(CliError::Output)?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{local}")?;
        stdout.flush()?;
    }
    tracing::info!(
        %local,
        redis = args.redis.is_some(),
        database = args.database.is_some(),
        config = args.config.as_ref().map(|p| p.display().to_string()),
        "keybound-server listening"
    );
    let limits = crate::http::conn::ConnectionLimits {
        max_per_address: usize::try_from(args.max_connections_per_address).unwrap_or(usize::MAX),
        ..crate::http::conn::ConnectionLimits::default()
    };
    crate::http::conn::serve(listener, app(state), limits, shutdown_signal()).await;
    Ok(())
}

/// The operator secret from `file`, else from `KEYBOUND_OPERATOR_TOKEN`.
fn operator_secret(file: Option<&Path>) -> Result<Option<OperatorSecret>, CliError> {
    let text = match file {
        Some(path) => Zeroizing::new(
            String::from_utf8(read_file(path)?)
                .map_err(|_| CliError::Usage(format!("{} is not UTF-8", path.display())))?,
        ),
        None => match std::env::var("KEYBOUND_OPERATOR_TOKEN") {
            Ok(v) if !v.is_empty() => Zeroizing::new(v),
            _ => return Ok(None),
        },
    };
    OperatorSecret::new(&text)
        .map(Some)
        .map_err(|e| CliError::Usage(format!("operator secret: {e}")))
}

/// `migrate`: applies the missing migrations, printing each one's name.
pub async fn migrate(args: &MigrateArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let ca = args
        .database_ca_file
        .as_deref()
        .map(read_file)
        .transpose()?;
    let applied = crate::store::postgres::migrate_with(
        &args.database,
        Duration::from_secs(30),
        ca.as_deref(),
    )
    .await
    .map_err(|e| CliError::Usage(format!("database: {e}")))?;
    if applied.is_empty() {
        writeln!(out, "database schema is up to date")?;
    }
    for name in applied {
        writeln!(out, "applied {name}")?;
    }
    Ok(0)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    // Give in-flight requests a moment; axum waits for them.
    tokio::time::sleep(Duration::from_millis(10)).await;
}

#[cfg(test)]
mod registry_tests;
#[cfg(test)]
mod tests;
