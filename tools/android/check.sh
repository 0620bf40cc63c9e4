#!/usr/bin/env bash
# `make check-android`: everything about the Android part that can run
# without an Android SDK or device.
#   1. compile the hand-written android.* / io.flutter.* stubs (compile-only);
#   2. compile every Java file under android/src/main against them with
#      javac --release 11 -Xlint:all -Werror;
#   3. check the stubs against the real API 36 platform (chaquopy-stubs-android)
#      and the Flutter embedding reference, and the constants against
#      docs/android-facts.md, plus the checker's own tests (planted mistakes);
#   4. JUnit 5 host tests: the pure-Java decision classes, and AndroidPrompter
#      wired to host fakes of the framework prompt.
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
JAVA_LIB="${JAVA_LIB:-/usr/share/java}"
CONSOLE="$JAVA_LIB/junit-platform-console-standalone.jar"
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

# 4. JUnit 5 host tests (ours only: the bridge engineer's host tests run in their own target).
if [ ! -f "$CONSOLE" ]; then
  echo "!! android: $CONSOLE missing: run bash .ci/install.d/android.sh (Debian junit5)"
  failed=$((failed + 1))
  finish
fi
JUNIT_CP=""
for j in junit-jupiter-api junit-jupiter-params apiguardian-api opentest4j junit-platform-commons; do
  JUNIT_CP="$JUNIT_CP:$JAVA_LIB/$j.jar"
done

run_junit() { # name, test classes dir, runtime classpath
  local name="$1" dir="$2" cp="$3" log="$OUT/junit-$1.txt" rc ok ko
  echo "== android: JUnit $name"
  java -jar "$CONSOLE" -cp "$dir:$cp" --scan-classpath "$dir" \
    --disable-banner --disable-ansi-colors --details=tree >"$log" 2>&1
  rc=$?
  cat "$log"
  ok=$(sed -n 's/^\[ *\([0-9]*\) tests successful *\]$/\1/p' "$log")
  ko=$(sed -n 's/^\[ *\([0-9]*\) tests failed *\]$/\1/p' "$log")
  if [ -z "$ok" ] || [ -z "$ko" ]; then ok=0; ko=1; fi
  if [ "$rc" -ne 0 ] && [ "$ko" -eq 0 ]; then ko=1; fi
  if [ "$ok" -eq 0 ]; then
    echo "!! android: JUnit $name ran no test"
    ko=$((ko + 1))
  fi
  passed=$((passed + ok)); failed=$((failed + ko))
}

# 4a. The pure-Java decision classes, compiled with the rest of src/main.
mapfile -t tests < <(find android/src/test/java -name '*Test.java' -not -path '*/host/*' \
  -not -name '*Bridge*Test.java' -not -name 'Host*Test.java' | sort)
if javac "${JAVAC_FLAGS[@]}" -cp "$OUT/main:$OUT/android-stubs.jar$JUNIT_CP" -d "$OUT/test" "${tests[@]}"; then
  run_junit policies "$OUT/test" "$OUT/main"
else
  echo "!! android: compiling the policy tests FAILED"
  failed=$((failed + 1))
fi

# 4b. The Android adapters and KeyboundPlugin (with the real NativeBridge)
# against host fakes of the framework (src/test/fakes): compiled again,
# against the fakes instead of the stubs.
mkdir -p "$OUT/fakes" "$OUT/adapter-main" "$OUT/adapter-test"
if javac "${JAVAC_FLAGS[@]}" -d "$OUT/fakes" $(find android/src/test/fakes -name '*.java' | sort) &&
  javac "${JAVAC_FLAGS[@]}" -cp "$OUT/fakes" -sourcepath android/src/main/java -d "$OUT/adapter-main" \
    android/src/main/java/dev/keybound/{AndroidPrompter,AndroidKeyVault,AndroidDeviceInfo,KeyboundPlugin}.java &&
  javac "${JAVAC_FLAGS[@]}" -cp "$OUT/adapter-main:$OUT/fakes$JUNIT_CP" -d "$OUT/adapter-test" \
    $(find android/src/test/adapters -name '*.java' | sort); then
  run_junit adapters "$OUT/adapter-test" "$OUT/adapter-main:$OUT/fakes"
else
  echo "!! android: compiling the adapter tests against the fakes FAILED"
  failed=$((failed + 1))
fi
finish
