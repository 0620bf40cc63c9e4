#!/usr/bin/env bash
# Builds the prebuilt libkeybound.so that the published package ships, for
# arm64-v8a, armeabi-v7a and x86_64, into android/src/main/jniLibs/, then
# checks them (tools/release/check_android_libs.sh) and the package's file
# list (tools/release/pub_files.py --check --release).
#
# Needs what only a release machine has: the Android NDK (ANDROID_NDK_HOME,
# or ANDROID_HOME/ndk/<version>) and the Rust Android targets; installs the
# pinned cargo-ndk. The 64-bit ABIs are linked with 16 KB pages
# (-z max-page-size=16384: Google Play requires it for apps targeting
# Android 15; NDK r28+ does it by default, and cargo-ndk 4 adds the flag
# itself for older NDKs: passing it here as well keeps it explicit whatever
# the NDK), the 32-bit one with the default 4 KB. The readelf check below
# is what proves the result.
#
# Usage: tools/release/android-libs.sh   (or `make android-libs`)
set -euo pipefail
cd "$(dirname "$0")/../.."

CARGO_NDK_VERSION=4.1.2
API_LEVEL=23                      # = the Android library's minSdk
OUT=android/src/main/jniLibs
PAGE_16K="-C link-arg=-Wl,-z,max-page-size=16384"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if [ "$(cargo ndk --version 2>/dev/null | awk '{print $2}')" != "$CARGO_NDK_VERSION" ]; then
  cargo install cargo-ndk --version "$CARGO_NDK_VERSION" --locked
fi
if [ -z "${ANDROID_NDK_HOME:-}" ] && [ -z "${ANDROID_NDK_ROOT:-}" ] && [ -z "${ANDROID_HOME:-}" ]; then
  echo "android-libs: no Android NDK (set ANDROID_NDK_HOME); this machine cannot cross-build" >&2
  exit 1
fi

# abi rust-target extra-rustflags
build() {
  local abi="$1" target="$2" flags="$3" var
  rustup target add "$target" >/dev/null
  # Per-target flags (CARGO_TARGET_<TRIPLE>_RUSTFLAGS) so the 16 KB flag
  # reaches the 64-bit links only.
  var="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$target")_RUSTFLAGS"
  echo "== $abi ($target) ${flags:+with $flags}"
  env "$var=$flags" cargo ndk -t "$abi" --platform "$API_LEVEL" -o "$OUT" \
    build --profile android-release --locked -p keybound
}

rm -f "$OUT"/*/libkeybound.so
build arm64-v8a aarch64-linux-android "$PAGE_16K"
build armeabi-v7a armv7-linux-androideabi ""
build x86_64 x86_64-linux-android "$PAGE_16K"

bash tools/release/check_android_libs.sh "$OUT"
python3 tools/release/pub_files.py --check --release
