#!/usr/bin/env bash
# `make fuzz-smoke` (mk/fuzz.mk, not part of `make test`) needs cargo-fuzz
# (libFuzzer through libfuzzer-sys). Idempotent: does nothing when the pinned
# version is installed. cargo-fuzz itself builds with the stable toolchain;
# the fuzz targets need nightly compiler flags (-Z sanitizer, -Z
# instrument-coverage...), which mk/fuzz.mk takes from a nightly toolchain
# when one is installed and otherwise from stable with RUSTC_BOOTSTRAP=1
# (no toolchain download needed).
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" = "$CARGO_FUZZ_VERSION" ]; then
  echo "fuzz: cargo-fuzz $CARGO_FUZZ_VERSION present"
  exit 0
fi
cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
echo "fuzz: installed $(cargo fuzz --version)"
