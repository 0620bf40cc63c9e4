//! `keybound-server` binary.
fn main() {}
