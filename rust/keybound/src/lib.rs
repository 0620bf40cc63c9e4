//! keybound device core: biometrics unlock a hardware key for one
//! signature, and the app gets a short-lived one-time token, never a bare
//! boolean.
//!
//! keybound is the Rust half of a Flutter plugin. On Android the app's
//! Dart code calls it through flutter_rust_bridge; the key lives in the
//! Android Keystore (StrongBox when present, else the TEE), and each
//! successful prompt signs one server challenge into a JWS token that the
//! backend verifies (`keybound-server`, or any JOSE library, with the
//! `keybound-protocol` rules). On other hosts the same calls run on a
//! simulated device, for desktop development and tests.
//!
//! # Public modules
//!
//! Everything public is in [`api`], which is also exactly what Dart sees:
//!
//! - [`api::keybound`]: the calls: [`status`](api::keybound::status),
//!   [`enroll`](api::keybound::enroll),
//!   [`authenticate`](api::keybound::authenticate),
//!   [`cancel`](api::keybound::cancel) and
//!   [`delete_key`](api::keybound::delete_key);
//! - [`api::types`]: their options and results;
//! - [`api::error`]: the one error type, [`KeyboundError`](api::error::KeyboundError),
//!   with a stable [`ErrorCode`](api::error::ErrorCode).
//!
//! The session (one prompt at a time, timeouts, cooldowns and lockouts),
//! the platform boundary, the JNI bridge and the runtime are internal and
//! may change in any release. Enums and result structs may gain variants
//! and fields: match with a default arm; the option structs
//! ([`EnrollOptions`](api::types::EnrollOptions),
//! [`AuthenticateRequest`](api::types::AuthenticateRequest),
//! [`PromptOptions`](api::types::PromptOptions)) are plain data that
//! callers build, so a field added to them is a breaking change and gets a
//! new major version.
//!
//! # Example
//!
//! Enrol a key, then sign a server challenge with it. The calls are
//! `async` and run on keybound's own runtime, so any executor can await
//! them; on a host this runs against the simulated device, whose prompt
//! succeeds after 50 ms.
//!
//! ```
//! use keybound::api::error::{ErrorCode, KeyboundError};
//! use keybound::api::keybound::{authenticate, delete_key, enroll, status};
//! use keybound::api::types::{AuthenticateRequest, EnrollOptions, PromptOptions};
//!
//! async fn sign_in(challenge: String) -> Result<String, KeyboundError> {
//!     if !status("login".into()).await?.key_enrolled {
//!         let registration = enroll(EnrollOptions {
//!             alias: "login".into(),
//!             // From the backend's registration call.
//!             attestation_challenge: b"registration nonce".to_vec(),
//!             allow_device_credential: false,
//!             prefer_strong_box: true,
//!         })
//!         .await?;
//!         // Send registration.public_key_jwk and attestation_chain to the backend.
//!         assert!(!registration.key_id.is_empty());
//!     }
//!     let token = authenticate(AuthenticateRequest {
//!         alias: "login".into(),
//!         challenge,
//!         audience: "https://api.example.com".into(),
//!         prompt: PromptOptions {
//!             title: "Sign in".into(),
//!             subtitle: None,
//!             description: None,
//!             negative_button: "Cancel".into(),
//!         },
//!         transaction: None,
//!         allow_device_credential: false,
//!         ttl_seconds: 60,
//!     })
//!     .await?;
//!     Ok(token.token) // the JWS for the backend; never log it
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let executor = tokio::runtime::Builder::new_current_thread().build()?;
//! let token = executor.block_on(sign_in("server challenge".into()))?;
//! assert_eq!(token.split('.').count(), 3);
//! match executor.block_on(delete_key("not a valid alias".into())) {
//!     Err(e) if e.code == ErrorCode::InvalidArgument => {}
//!     other => panic!("{other:?}"),
//! }
//! # Ok(())
//! # }
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::exhaustive_structs, clippy::exhaustive_enums)]

pub mod api;

// Internal modules: their `pub` items are for the rest of the crate only,
// unless the `test-support` feature re-exports them through `testing` for
// the crate's own tests, bench, demo and fuzz targets. That is never API, so
// the exhaustiveness lints (which look at whatever is exported) do not apply.
//
// Without `test-support` (the shipped library) the test hooks, the
// simulator's scripting and, on hosts, the JNI backend (compiled there for
// the JVM tests) have no caller; every `--all-targets` build enables the
// feature, and there dead code is linted as usual.
#[cfg_attr(not(feature = "test-support"), allow(dead_code, unused_imports))]
#[allow(
    clippy::exhaustive_structs,
    clippy::exhaustive_enums,
    reason = "internal"
)]
mod clock;
mod error;
#[allow(unsafe_code)] // the one module that talks to the JVM; every block has a SAFETY note
#[cfg_attr(not(feature = "test-support"), allow(dead_code, unused_imports))]
#[allow(
    clippy::exhaustive_structs,
    clippy::exhaustive_enums,
    reason = "internal"
)]
mod jni;
#[cfg_attr(not(feature = "test-support"), allow(dead_code, unused_imports))]
#[allow(
    clippy::exhaustive_structs,
    clippy::exhaustive_enums,
    reason = "internal"
)]
mod platform;
#[cfg_attr(not(feature = "test-support"), allow(dead_code))]
mod runtime;
#[cfg_attr(not(feature = "test-support"), allow(dead_code))]
#[allow(
    clippy::exhaustive_structs,
    clippy::exhaustive_enums,
    reason = "internal"
)]
mod session;
mod validate;

/// Tests only: the crate's internals, for its own integration tests,
/// benches, demo and fuzz targets (feature `test-support`, which nothing
/// else may enable). Not API: anything here changes without notice.
#[cfg(feature = "test-support")]
#[doc(hidden)]
pub mod testing {
    /// See `crate::clock`.
    pub mod clock {
        pub use crate::clock::*;
    }
    /// See `crate::jni`.
    pub mod jni {
        pub use crate::jni::*;
    }
    /// See `crate::platform`.
    pub mod platform {
        pub use crate::platform::*;
    }
    /// See `crate::runtime`.
    pub mod runtime {
        pub use crate::runtime::*;
    }
    /// See `crate::session`.
    pub mod session {
        pub use crate::session::*;
    }
}

// Generated by flutter_rust_bridge (`make codegen`); its FFI glue needs unsafe.
// Left out of the unit-test binary: that binary also links the library
// itself (the dev-dependency that enables `test-support`), and the glue's
// exported `frb_*` symbols would be defined twice (rust-lld refuses that
// when CI builds without incremental caches). No unit test calls the glue;
// it is generated, and `make check-bindings` keeps it in step with `api`.
#[cfg(not(test))]
#[allow(
    unsafe_code,
    missing_docs,
    clippy::all,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::unimplemented,
    clippy::todo,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]
mod frb_generated;
