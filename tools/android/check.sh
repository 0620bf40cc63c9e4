#!/usr/bin/env bash
# `make check-android`: everything about the Android part that can run
# without an Android SDK or device.
#   1. compile the hand-written android.* / io.flutter.* stubs (compile-only);
#   2. compile every Java file under android/src/main against them with
#      javac --release 11 -Xlint:all -Werror;
#   3. check the stubs against the real API 36 platform (chaquopy-stubs-android)
#      and the Flutter embedding reference, and the constants against
#      docs/android-facts.md, plus the checker's own tests (planted mistakes);
#   4. Surefire (tools/android/surefire.sh): src/main compiled against the
#      real API 36 framework jar, the JUnit 5 tests of the pure-Java decision
#      classes and the Robolectric tests of the adapters on every API level.
# Prints one closing line `android: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."

# A fresh build directory per run: several people (and their `make test`)
# may run this in one working tree at once. Kept only when something failed.
if [ -n "${ANDROID_CHECK_DIR:-}" ]; then
  OUT="$ANDROID_CHECK_DIR"
  rm -rf "$OUT"
else
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/keybound-android-check.XXXXXX")"
fi
PYTHON="${PYTHON:-python3}"
JAVAC_FLAGS=(--release 11 -Xlint:all -Werror)

passed=0
failed=0
step() { # name, command...
  local name="$1"; shift
  echo "== android: $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "!! android: $name FAILED"
    failed=$((failed + 1))
  fi
}
finish() {
  if [ "$failed" -eq 0 ] && [ -z "${ANDROID_CHECK_DIR:-}" ]; then
    rm -rf "$OUT"
  else
    echo "android: build files kept in $OUT"
  fi
  echo "android: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

mkdir -p "$OUT/stubs" "$OUT/main" "$OUT/test"

compile_stubs() {
  javac "${JAVAC_FLAGS[@]}" -d "$OUT/stubs" $(find android/stubs/src -name '*.java' | sort) &&
    jar cf "$OUT/android-stubs.jar" -C "$OUT/stubs" .
}
compile_main() {
  javac "${JAVAC_FLAGS[@]}" -cp "$OUT/android-stubs.jar" -d "$OUT/main" \
    $(find android/src/main/java -name '*.java' | sort)
}
step "compile stubs" compile_stubs || true
step "compile android/src/main (javac --release 11 -Xlint:all -Werror)" compile_main || true
if [ "$failed" -ne 0 ]; then finish; fi

# 3. The stub checker and its own tests.
if [ -f tools/android/check_stubs.py ]; then
  step "stubs match API 36 and the Flutter embedding; constants match docs/android-facts.md" \
    "$PYTHON" tools/android/check_stubs.py --stubs "$OUT/android-stubs.jar" --main "$OUT/main"
  checker_tests="$OUT/checker-tests.txt"
  if "$PYTHON" tools/android/test_check_stubs.py >"$checker_tests" 2>&1; then :; fi
  cat "$checker_tests"
  n_pass=$(sed -n 's/^checker-tests: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$checker_tests")
  n_fail=$(sed -n 's/^checker-tests: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$checker_tests")
  if [ -z "$n_pass" ]; then n_pass=0; n_fail=1; fi
  passed=$((passed + n_pass)); failed=$((failed + n_fail))
fi

# 4. Surefire (android/host-tests/pom.xml): src/main compiled again, against
# the real API 36 framework classes (android-all); the pure-Java decision
# classes (JUnit 5); the Android adapters and KeyboundPlugin on the real
# framework of every level in android/src/test/resources/robolectric.properties
# (Robolectric). The JNI bridge's tests (NativeBridgeTest, Host*Test,
# EndToEndTest) run in `make test-jvm`.
sf_log="$OUT/surefire.txt"
tools/android/surefire.sh "$OUT/maven" '!NativeBridgeTest,!Host*Test,!EndToEndTest' 2>&1 | tee "$sf_log"
sf_pass=$(sed -n 's/^surefire: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$sf_log")
sf_fail=$(sed -n 's/^surefire: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$sf_log")
if [ -z "$sf_pass" ]; then sf_pass=0; sf_fail=1; fi
passed=$((passed + sf_pass)); failed=$((failed + sf_fail))
finish
