//! `keybound-server`: see `keybound-server --help` and the crate docs.
//! Exit status: 0 success, 1 rejected (a chain, policy or token failed),
//! 2 usage or I/O error.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use keybound_server::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        Command::Serve(_) => "info",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .init();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "keybound-server: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let mut stdout = std::io::stdout().lock();
    let code = match &cli.command {
        Command::VerifyAttestation(args) => cli::verify_attestation(args, &mut stdout)?,
        Command::Inspect(args) => cli::inspect(args, &mut stdout)?,
        Command::VerifyToken(args) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let mut stdin = std::io::stdin().lock();
            runtime.block_on(cli::verify_token(args, &mut stdin, &mut stdout))?
        }
        Command::Migrate(args) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(cli::migrate(args, &mut stdout))?
        }
        Command::Serve(args) => {
            drop(stdout);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(cli::serve(args))?;
            0
        }
    };
    Ok(code)
}
