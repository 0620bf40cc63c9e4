//! `keybound-server`: see `keybound-server --help` and the crate docs.
//! Exit status: 0 success, 1 rejected (a chain, policy or token failed),
//! 2 usage or I/O error.

fn main() -> std::process::ExitCode {
    keybound_server::run_cli()
}
