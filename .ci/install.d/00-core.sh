#!/usr/bin/env bash
# Rust toolchain parts and the flutter_rust_bridge codegen (with cargo-expand,
# which it runs) for the bindings-sync check; PyJWT for the demo's
# cross-check with another JOSE library. Idempotent and quick when present.
set -euo pipefail

FRB_VERSION=2.13.0
CARGO_EXPAND_VERSION=1.0.127

cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

if [ "$(flutter_rust_bridge_codegen --version 2>/dev/null | awk '{print $2}')" != "$FRB_VERSION" ]; then
  cargo install flutter_rust_bridge_codegen --version "$FRB_VERSION" --locked
fi
if ! cargo expand --version >/dev/null 2>&1; then
  cargo install cargo-expand --version "$CARGO_EXPAND_VERSION" --locked
fi

if ! python3 -c 'import jwt, cryptography' >/dev/null 2>&1; then
  python3 -m pip install --quiet 'PyJWT[crypto]==2.15.1'
fi
