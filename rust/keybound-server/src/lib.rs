//! keybound backend: Android key attestation (registration), keybound token
//! verification with its stateful stages (challenge consumed, replay
//! recorded), challenge / replay / key stores (in memory or Redis), an axum
//! HTTP API and the `keybound-server` command line.
//!
//! Modules: [`attestation`] (`key_description` → `chain` → `policy`, `revocation`),
//! [`token`], [`store`] (`memory`, `redis`, `postgres`, `registry`), [`http`]
//! (the routes and their OpenAPI document, `conn`: the accept loop),
//! [`limit`] (abuse limits), [`metrics`], [`clock`]; [`run_cli`] is the
//! `keybound-server` command line (its module is private: the flags are the
//! binary's interface, not the library's).
//! See `SECURITY.md` beside this crate for the reasons behind the defaults.
//!
//! Embedding the HTTP API in a program of your own, with the in-memory
//! stores (one node; `store::redis` and `store::postgres` for several):
//!
//! ```
//! use std::sync::Arc;
//!
//! use keybound_server::attestation::{ChainVerifier, TrustRoots};
//! use keybound_server::clock::SystemClock;
//! use keybound_server::http::{app, AppState, ServerConfig};
//! use keybound_server::store::memory;
//!
//! let config = ServerConfig::new("https://bank.example");
//! let chains = ChainVerifier::new(TrustRoots::google(), None);
//! let state = AppState::new(config, memory::stores(), chains, Arc::new(SystemClock));
//! let router: axum::Router = app(state);
//! // Serve it with `keybound_server::http::serve(listener, router, shutdown)`,
//! // which adds header-read timeouts and connection caps.
//! # drop(router);
//! ```
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
pub(crate) mod testhttp;
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
