//! The API Dart sees (flutter_rust_bridge `rust_input`). Everything here is
//! plain data or a thin async function over [`crate::session::AuthSession`].
pub mod error;
pub mod keybound;
pub mod types;
