//! Placeholder: being written (see issue "Rust core").
#![forbid(unsafe_code)]
