//! keybound device core. Placeholder while the core is written.
#![deny(unsafe_code)]
pub mod api;
#[allow(unsafe_code)] // the one module that talks to the JVM; every block has a SAFETY note
pub mod jni;
pub mod platform;
