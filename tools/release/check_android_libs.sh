#!/usr/bin/env bash
# Checks the prebuilt Android libraries: every ABI's libkeybound.so is there,
# is an ELF shared object, and every LOAD segment of the 64-bit ABIs is
# aligned to at least 16 KB (Google Play requires 16 KB pages for apps that
# target Android 15; 32-bit armeabi-v7a devices use 4 KB pages, so it only
# needs 4 KB). Reads the program headers with `readelf -lW` (binutils).
#
# Usage: check_android_libs.sh [JNILIBS_DIR]          (default android/src/main/jniLibs)
#        check_android_libs.sh --file LIB MIN_ALIGN   (one library; for the self-test)
# Ends with `N passed, N failed`; exits 1 when any check failed.
set -uo pipefail

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

command -v readelf >/dev/null 2>&1 || { echo "FAIL readelf not found (apt-get install binutils)"; echo "0 passed, 1 failed"; exit 1; }

# check_lib LABEL FILE MIN_ALIGN
check_lib() {
  local label="$1" lib="$2" min="$3" headers aligns a bad=0 n=0
  if [ ! -f "$lib" ]; then
    fail "$label: $lib is missing"
    return
  fi
  if ! headers="$(readelf -hlW "$lib" 2>&1)"; then
    fail "$label: readelf cannot read $lib"
    return
  fi
  if ! grep -Eq '^ *Type: +DYN' <<<"$headers"; then
    fail "$label: $lib is not an ELF shared object"
    return
  fi
  # LOAD lines: Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align; the
  # flags may be one to three words, so the alignment is the last field.
  aligns="$(awk '$1 == "LOAD" { print $NF }' <<<"$headers")"
  if [ -z "$aligns" ]; then
    fail "$label: $lib has no LOAD segment"
    return
  fi
  for a in $aligns; do
    n=$((n + 1))
    if [ $((a)) -lt "$min" ]; then bad=$((bad + 1)); fi
  done
  if [ "$bad" -eq 0 ]; then
    ok "$label: $n LOAD segment(s) aligned to >= $min ($(tr '\n' ' ' <<<"$aligns"| sed 's/ $//'))"
  else
    fail "$label: $bad of $n LOAD segment(s) aligned below $min ($(tr '\n' ' ' <<<"$aligns" | sed 's/ $//'))"
  fi
}

if [ "${1:-}" = "--file" ]; then
  [ $# -eq 3 ] || { echo "usage: $0 --file LIB MIN_ALIGN" >&2; exit 2; }
  check_lib "$(basename "$2")" "$2" "$3"
else
  dir="${1:-android/src/main/jniLibs}"
  for abi in arm64-v8a armeabi-v7a x86_64; do
    case "$abi" in
      armeabi-v7a) min=4096 ;;
      *) min=16384 ;;
    esac
    check_lib "$abi" "$dir/$abi/libkeybound.so" "$min"
  done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
