//! keybound device core. Placeholder while the core is written.
#![deny(unsafe_code)]
pub mod api;
pub mod platform;
