//! `serve --config FILE`: settings from a TOML file, below flags and the
//! environment.
//!
//! Each `serve` setting comes from, in order: its flag, its environment
//! variable (`KEYBOUND_<FLAG>`, both handled by clap), this file, the
//! built-in default. The file's keys are the long flags (`leeway = 60`,
//! `trusted-proxy = ["10.0.0.9"]`); a file value is used only when clap
//! reports that the setting came from neither the command line nor the
//! environment ([`ArgMatches::value_source`]).
//!
//! Secrets are never read from the file: `database` (a URL with its
//! password), `redis-password` and `operator-token` are refused, and so is a
//! `redis` URL that holds a password. Paths to files holding secrets
//! (`operator-token-file`) are fine; relative paths are taken from the
//! config file's directory.
//!
//! The whole file is read (at most [`MAX_CONFIG_FILE`] bytes) and checked
//! before anything is applied, so a refused file changes nothing.

use std::io::Read as _;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::Deserialize;

use super::{CliError, ServeArgs};

/// Largest config file read; a larger one is refused unparsed.
pub const MAX_CONFIG_FILE: u64 = 64 * 1024;

/// Why a config file was refused (shown after the file's name).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be opened or read.
    #[error("cannot read it: {0}")]
    Read(std::io::Error),
    /// Over [`MAX_CONFIG_FILE`].
    #[error("larger than {MAX_CONFIG_FILE} bytes")]
    TooLarge,
    /// Not UTF-8 (TOML is).
    #[error("not UTF-8")]
    NotUtf8,
    /// Not TOML.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based.
        line: usize,
        /// 1-based, in characters.
        column: usize,
        /// The parser's message (without the offending line, which could
        /// hold a secret).
        message: String,
    },
    /// A key naming a secret, which only the environment (or a file it
    /// names) may hold.
    #[error("`{key}` is a secret and is not read from a config file: {instead}")]
    Secret {
        /// The key.
        key: &'static str,
        /// Where to put it.
        instead: &'static str,
    },
    /// A `redis` URL with a password in it.
    #[error("the `redis` URL holds a password, which is not read from a config file: leave it out of the URL and set KEYBOUND_REDIS_PASSWORD")]
    PasswordInUrl,
    /// An unknown key or a value of the wrong type.
    #[error("key `{key}`: {message}")]
    Key {
        /// The key.
        key: String,
        /// What is wrong (serde's message).
        message: String,
    },
}

/// The file's settings: every `serve` flag except the secrets and `config`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    listen: Option<SocketAddr>,
    redis: Option<String>,
    redis_prefix: Option<String>,
    redis_ca_file: Option<PathBuf>,
    redis_username: Option<String>,
    redis_cluster: Option<bool>,
    redis_accept_eviction: Option<bool>,
    database_ca_file: Option<PathBuf>,
    operator_token_file: Option<PathBuf>,
    audience: Option<String>,
    allow_unattested: Option<bool>,
    package: Option<String>,
    signing_cert_sha256: Option<Vec<String>>,
    revocations: Option<PathBuf>,
    strongbox_only: Option<bool>,
    require_verified_boot: Option<bool>,
    require_locked_bootloader: Option<bool>,
    challenge_ttl: Option<i64>,
    leeway: Option<i64>,
    max_connections_per_address: Option<NonZeroU32>,
    challenge_rate_per_address: Option<u32>,
    challenge_burst_per_address: Option<NonZeroU32>,
    #[serde(rename = "trusted-proxy")]
    trusted_proxies: Option<Vec<IpAddr>>,
}

/// Keys refused as secrets, and where their values belong instead.
const SECRET_KEYS: [(&str, &str); 3] = [
    ("database", "use --database or KEYBOUND_DATABASE_URL"),
    ("redis-password", "set KEYBOUND_REDIS_PASSWORD"),
    (
        "operator-token",
        "set KEYBOUND_OPERATOR_TOKEN or name a file in operator-token-file",
    ),
];

/// Fills the settings of `args` that `matches` (clap's parse of `serve`)
/// has from no flag and no environment variable with the values of
/// `args.config`, if any. On error `args` is unchanged.
pub fn apply(args: &mut ServeArgs, matches: &ArgMatches) -> Result<(), CliError> {
    let Some(path) = args.config.clone() else {
        return Ok(());
    };
    let file = load(&path).map_err(|source| CliError::Config {
        path: path.clone(),
        source,
    })?;
    merge(args, file, matches, path.parent().unwrap_or(Path::new("")));
    Ok(())
}

fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_FILE + 1).read_to_end(&mut bytes))
        .map_err(ConfigError::Read)?;
    if bytes.len() as u64 > MAX_CONFIG_FILE {
        return Err(ConfigError::TooLarge);
    }
    let text = String::from_utf8(bytes).map_err(|_| ConfigError::NotUtf8)?;
    parse(&text)
}

fn parse(text: &str) -> Result<FileConfig, ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let offset = e.span().map_or(0, |s| s.start).min(text.len());
        let before = text.get(..offset).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        ConfigError::Syntax {
            line: before.matches('\n').count() + 1,
            column: before.get(line_start..).unwrap_or_default().chars().count() + 1,
            message: e.message().trim_end().to_owned(),
        }
    })?;
    if let Some(&(key, instead)) = SECRET_KEYS.iter().find(|(k, _)| table.contains_key(*k)) {
        return Err(ConfigError::Secret { key, instead });
    }
    if let Some(toml::Value::String(url)) = table.get("redis") {
        if url.split(',').any(url_has_password) {
            return Err(ConfigError::PasswordInUrl);
        }
    }
    match table.clone().try_into() {
        Ok(config) => Ok(config),
        Err(whole) => {
            // Name the key: the first one that is refused on its own.
            for (key, value) in table {
                let single = toml::Table::from_iter([(key.clone(), value)]);
                if let Err(e) = single.try_into::<FileConfig>() {
                    return Err(ConfigError::Key {
                        key,
                        message: e.message().trim_end().to_owned(),
                    });
                }
            }
            Err(ConfigError::Key {
                key: String::new(),
                message: whole.message().trim_end().to_owned(),
            })
        }
    }
}

/// `scheme://user:password@host...`: a password in the authority.
fn url_has_password(url: &str) -> bool {
    let rest = url.trim().split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

fn merge(args: &mut ServeArgs, file: FileConfig, matches: &ArgMatches, base: &Path) {
    // Destructured, so that a key added to FileConfig and not merged here
    // is an unused variable.
    let FileConfig {
        listen,
        redis,
        redis_prefix,
        redis_ca_file,
        redis_username,
        redis_cluster,
        redis_accept_eviction,
        database_ca_file,
        operator_token_file,
        audience,
        allow_unattested,
        package,
        signing_cert_sha256,
        revocations,
        strongbox_only,
        require_verified_boot,
        require_locked_bootloader,
        challenge_ttl,
        leeway,
        max_connections_per_address,
        challenge_rate_per_address,
        challenge_burst_per_address,
        trusted_proxies,
    } = file;
    let path = |p: PathBuf| Some(base.join(p));
    // `args.field` from `field` (mapped): clap's id of a field is its name.
    macro_rules! take {
        ($field:ident) => {
            fill(&mut args.$field, $field, matches, stringify!($field))
        };
        ($field:ident, $map:expr) => {
            fill(
                &mut args.$field,
                $field.map($map),
                matches,
                stringify!($field),
            )
        };
    }
    take!(listen, Some);
    take!(redis, Some);
    take!(redis_prefix);
    take!(redis_ca_file, path);
    take!(redis_username, Some);
    take!(redis_cluster);
    take!(redis_accept_eviction);
    take!(database_ca_file, path);
    take!(operator_token_file, path);
    take!(audience, Some);
    take!(allow_unattested);
    take!(package, Some);
    take!(signing_cert_sha256);
    take!(revocations, path);
    take!(strongbox_only);
    take!(require_verified_boot);
    take!(require_locked_bootloader);
    take!(challenge_ttl);
    take!(leeway);
    take!(max_connections_per_address, NonZeroU32::get);
    take!(challenge_rate_per_address);
    take!(challenge_burst_per_address, NonZeroU32::get);
    take!(trusted_proxies);
}

/// `slot = from_file` unless the setting came from a flag or the
/// environment. `id` is the clap argument id (the field's name).
fn fill<T>(slot: &mut T, from_file: Option<T>, matches: &ArgMatches, id: &str) {
    let from_user = matches!(
        matches.value_source(id),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    );
    if let (Some(value), false) = (from_file, from_user) {
        *slot = value;
    }
}

#[cfg(test)]
mod tests;
