#!/usr/bin/env bash
# Self-test of check_android_libs.sh on libraries built on this host (no NDK
# here, so no Android library can be built): libkeybound.so linked once with
# 16 KB pages (-z max-page-size=16384, the flag android-libs.sh gives the
# 64-bit ABIs), once with 4 KB pages (what an older NDK produces), and once
# with the host's default; plus a missing file, a file that is not ELF and a
# jniLibs tree with an ABI missing. `cargo rustc` passes the link flag to the
# keybound crate alone, so only it is relinked. Ends with `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
CARGO="${CARGO:-cargo}"
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
CHECK=tools/release/check_android_libs.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
expect() { # name want(pass|fail) cmd...
  local name="$1" want="$2" got out
  shift 2
  if out="$("$@" 2>&1)"; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1)); echo "ok   $name (check: $got)"
  else
    failed=$((failed + 1)); echo "FAIL $name: the check said $got, expected $want"; echo "$out" | sed 's/^/     /'
  fi
}

# build NAME [LINK-ARG]: the keybound cdylib, copied to $work/NAME.so
build() {
  local name="$1" arg="${2:-}"
  local extra=()
  [ -n "$arg" ] && extra=(-- -C "link-arg=$arg")
  if ! "$CARGO" rustc -q -p keybound --lib --crate-type cdylib --locked "${extra[@]}"; then
    echo "FAIL building libkeybound.so ($name)"; failed=$((failed + 1)); return 1
  fi
  cp "$TARGET_DIR/debug/libkeybound.so" "$work/$name.so"
}

build aligned16k -Wl,-z,max-page-size=16384
build aligned4k -Wl,-z,max-page-size=4096
build default

if [ -f "$work/aligned16k.so" ]; then
  expect "16 KB pages pass the 64-bit rule" pass bash "$CHECK" --file "$work/aligned16k.so" 16384
fi
if [ -f "$work/aligned4k.so" ]; then
  expect "4 KB pages fail the 64-bit rule" fail bash "$CHECK" --file "$work/aligned4k.so" 16384
  expect "4 KB pages pass the 32-bit rule" pass bash "$CHECK" --file "$work/aligned4k.so" 4096
fi
if [ -f "$work/default.so" ]; then
  # The host linker's default page size decides; the check must agree with
  # the alignments readelf reports.
  min_align=$(readelf -lW "$work/default.so" | awk '$1 == "LOAD" { print $NF }' | sort -n | head -1)
  want=fail; [ $((min_align)) -ge 16384 ] && want=pass
  expect "the host default ($min_align) is judged by its alignment" "$want" bash "$CHECK" --file "$work/default.so" 16384
fi
expect "a missing library fails" fail bash "$CHECK" --file "$work/none.so" 16384
printf 'not an ELF file\n' >"$work/text.so"
expect "a file that is not ELF fails" fail bash "$CHECK" --file "$work/text.so" 16384

# Whole jniLibs trees.
if [ -f "$work/aligned16k.so" ] && [ -f "$work/aligned4k.so" ]; then
  tree() { # dir arm64 armv7 x86_64 (source names, or - for missing)
    local dir="$work/$1"; shift
    local abi src
    for abi in arm64-v8a armeabi-v7a x86_64; do
      src="$1"; shift
      mkdir -p "$dir/$abi"
      [ "$src" != - ] && cp "$work/$src.so" "$dir/$abi/libkeybound.so"
    done
    echo "$dir"
  }
  expect "a complete, aligned tree passes" pass bash "$CHECK" "$(tree good aligned16k aligned4k aligned16k)"
  expect "a tree with an ABI missing fails" fail bash "$CHECK" "$(tree missing aligned16k - aligned16k)"
  expect "a tree with a 4 KB arm64 library fails" fail bash "$CHECK" "$(tree misaligned aligned4k aligned4k aligned16k)"
  expect "a tree with a 4 KB x86_64 library fails" fail bash "$CHECK" "$(tree misaligned-x86 aligned16k aligned4k aligned4k)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
