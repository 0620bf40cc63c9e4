//! The API Dart sees (flutter_rust_bridge `rust_input`). Everything here is
//! plain data or a thin async function over keybound's internal session
//! (one per process, on keybound's own runtime).
pub mod error;
pub mod keybound;
pub mod types;
