//! The API Dart sees (flutter_rust_bridge `rust_input`).
pub mod error;
