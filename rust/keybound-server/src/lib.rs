//! Placeholder: being written (see issue "Backend verifier").
#![forbid(unsafe_code)]
