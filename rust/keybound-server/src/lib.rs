//! keybound backend: Android key attestation (registration), keybound token
//! verification with its stateful stages (challenge consumed, replay
//! recorded), challenge / replay / key stores (in memory or Redis), an axum
//! HTTP API and the `keybound-server` command line.
//!
//! Modules: [`attestation`] (`key_description` → `chain` → `policy`, `revocation`),
//! [`token`], [`store`] (`memory`, `redis`, `postgres`, `registry`), [`http`]
//! (`manage`, `conn`: the accept loop), [`limit`] (abuse limits), [`metrics`], [`clock`];
//! [`run_cli`] is the `keybound-server` command line (its module is private:
//! the flags are the binary's interface, not the library's).
//! See `SECURITY.md` beside this crate for the reasons behind the defaults.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::exhaustive_structs, clippy::exhaustive_enums)]

pub mod attestation;
mod cli;
pub mod clock;
pub mod http;
pub mod limit;
pub mod metrics;
pub mod store;
pub mod token;

pub use cli::run_cli;

#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod log_hygiene_tests;
#[cfg(test)]
pub(crate) mod testdata;
#[cfg(test)]
pub(crate) mod testdown;
#[cfg(test)]
pub(crate) mod testkeys;
#[cfg(test)]
pub(crate) mod testpg;
#[cfg(test)]
pub(crate) mod testproxy;
#[cfg(test)]
pub(crate) mod testredis;
#[cfg(test)]
pub(crate) mod testredis_custom;
