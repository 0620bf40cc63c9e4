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

# libfuzzer-sys compiles libFuzzer (C++) in its build script; `make
# check-fuzz` (part of `make test`) builds the targets too.
if ! command -v c++ >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -qq --no-install-recommends g++ ||
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends g++; }
fi

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" = "$CARGO_FUZZ_VERSION" ]; then
  echo "fuzz: cargo-fuzz $CARGO_FUZZ_VERSION present"
  exit 0
fi
cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
echo "fuzz: installed $(cargo fuzz --version)"
