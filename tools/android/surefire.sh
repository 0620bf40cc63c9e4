#!/usr/bin/env bash
# The one way Java tests run here: Maven + Surefire on android/host-tests/pom.xml,
# offline (what it needs was fetched by .ci/install.d/android.sh), with a
# JDK >= 21 (Robolectric runs API 36 only on Java 21+; javac must read the
# API 36 android-all jar, whose classes are Java 21 class files).
#
#   tools/android/surefire.sh BUILD_DIR TESTS [maven args...]
#
# BUILD_DIR: Maven's build directory (a fresh one per caller: several
#   `make` runs may share a working tree); TESTS: Surefire's -Dtest filter.
# Prints Maven's output (ending in Surefire's "Tests run: ..." summary),
# then one line `surefire: N passed, N failed` (failed = failures + errors,
# plus 1 when Maven failed without a test summary or ran no test).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="$1"; TESTS="$2"; shift 2

java_feature() { # JAVA_HOME → feature version (17, 21, 25...), empty if not a JDK
  [ -x "$1/bin/javac" ] && [ -x "$1/bin/java" ] || return 1
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
find_jdk21() {
  local h v
  for h in "${KEYBOUND_JDK21:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$h" ] && [ -d "$h" ] || continue
    v="$(java_feature "$h" 2>/dev/null)" || continue
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$h"; return 0; fi
  done
  return 1
}

if ! JDK="$(find_jdk21)"; then
  echo "!! surefire: no JDK 21+ found (KEYBOUND_JDK21, JAVA_HOME, /usr/lib/jvm/*): run bash .ci/install.d/android.sh"
  echo "surefire: 0 passed, 1 failed"
  exit 1
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "!! surefire: mvn missing: run bash .ci/install.d/android.sh"
  echo "surefire: 0 passed, 1 failed"
  exit 1
fi

log="$(mktemp)"
JAVA_HOME="$JDK" mvn -B -o -f android/host-tests/pom.xml \
  -Dkeybound.build.dir="$BUILD_DIR" -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
  "$@" test 2>&1 | grep -v -e 'sun\.misc\.Unsafe' -e 'terminally deprecated method in sun.misc' \
    -e 'Please consider reporting this to the maintainers of class com.google' | tee "$log"
rc=${PIPESTATUS[0]}
# Surefire's closing summary: "Tests run: N, Failures: F, Errors: E, Skipped: S" without "-- in".
summary="$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" | tail -n 1)"
rm -f "$log"
if [ -z "$summary" ]; then
  echo "!! surefire: Maven ended without a test summary (exit $rc)"
  echo "surefire: 0 passed, 1 failed"
  exit 1
fi
read -r run failures errors skipped < <(echo "$summary" | sed 's/.*Tests run: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\), Skipped: \([0-9]*\)$/\1 \2 \3 \4/')
passed=$((run - failures - errors - skipped))
failed=$((failures + errors))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$run" -eq 0 ]; then echo "!! surefire: no test ran"; failed=$((failed + 1)); fi
echo "surefire: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
