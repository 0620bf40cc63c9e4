#!/usr/bin/env bash
# Prints `cdylib_stripped_bytes: N`: the device library as the Android
# build makes it (`cargo build --profile android-release -p keybound`, the
# Android code paths: JNI platform, logcat, simulator compiled out), built
# for this host (x86_64 as a proxy for arm64), stripped.
# The host has no NDK, so the Android configuration is selected with the
# same cfg that `make check-android-rust` uses, and liblog (logcat, linked by
# tracing-android) is an empty stand-in library: nothing is run, only sized.
# Usage: cdylib_size.sh TARGET_DIR
set -euo pipefail
target=${1:?usage: cdylib_size.sh TARGET_DIR}
stub="$target/liblog-stub"
mkdir -p "$stub"
if [ ! -f "$stub/liblog.so" ]; then
  echo 'int __android_log_write(int p, const char *t, const char *m) { (void)p; (void)t; (void)m; return 0; }' > "$stub/log.c"
  cc -shared -fPIC -o "$stub/liblog.so" "$stub/log.c"
fi
CARGO_TARGET_DIR="$target" RUSTFLAGS="--cfg keybound_android_check -L native=$stub" \
  cargo build --profile android-release --locked -q -p keybound --lib
lib="$target/android-release/libkeybound.so"
strip -o "$target/libkeybound.stripped.so" "$lib"
echo "bench: cdylib $(stat -c %s "$lib") bytes as built, $(stat -c %s "$target/libkeybound.stripped.so") stripped" >&2
echo "cdylib_stripped_bytes: $(stat -c %s "$target/libkeybound.stripped.so")"
