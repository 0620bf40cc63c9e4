#!/usr/bin/env bash
# What the Surefire build of the Java side (android/host-tests/pom.xml, run by
# tools/android/surefire.sh in `make check-android` and `make test-jvm`) needs
# on a fresh Debian 12 machine, fetched once so every run is offline:
#  - Maven (Debian's package);
#  - a JDK >= 21: Robolectric runs API 36 only on Java 21+, and javac must read
#    the API 36 android-all jar (Java 21 class files). Debian 12 has only
#    OpenJDK 17, so this uses one already on the machine (KEYBOUND_JDK21,
#    JAVA_HOME, /usr/lib/jvm/*) and fails with a clear message otherwise;
#  - the POM's plugins and dependencies into ~/.m2/repository (the cache);
#  - Robolectric's android-all-instrumented jar of exactly the levels in
#    android/host-tests/android-all.tsv, linked flat into
#    ~/.m2/robolectric-android-all (robolectric.dependency.dir, with
#    robolectric.offline=true: Robolectric never downloads);
#  - classes.jar of androidx.test:monitor and espresso-idling-resource (Robolectric
#    needs them at run time; Maven cannot put an .aar on a classpath).
# Idempotent and quick when done: a stamp records the hash of the POM and
# the level list; nothing is fetched while it matches and the files exist.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
POM=android/host-tests/pom.xml
LEVELS=android/host-tests/android-all.tsv
M2="${HOME}/.m2"
DEPS="$M2/robolectric-android-all"
STAMP="$DEPS/.keybound-stamp"

if command -v mvn >/dev/null 2>&1; then
  echo "android-maven: maven present"
else
  if ! $SUDO apt-get install -y -qq --no-install-recommends maven; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends maven
  fi
  echo "android-maven: installed maven"
fi

java_feature() {
  [ -x "$1/bin/javac" ] && [ -x "$1/bin/java" ] || return 1
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
JDK=""
for h in "${KEYBOUND_JDK21:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$h" ] && [ -d "$h" ] || continue
  v="$(java_feature "$h" 2>/dev/null)" || continue
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then JDK="$h"; break; fi
done
if [ -z "$JDK" ]; then
  echo "android-maven: no JDK 21+ on this machine (Debian 12 ships 17); set KEYBOUND_JDK21 to one" >&2
  exit 1
fi
echo "android-maven: JDK $JDK"

want="$(cat "$POM" "$LEVELS" | sha256sum | cut -d' ' -f1)"
ready=1
[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] || ready=0
while IFS=$'\t' read -r level version _java; do
  case "$level" in ''|'#'*) continue ;; esac
  [ -e "$DEPS/android-all-instrumented-$version.jar" ] || ready=0
done <"$LEVELS"
if [ "$ready" -eq 1 ]; then
  echo "android-maven: Maven cache and android-all jars present"
  exit 0
fi

mkdir -p "$DEPS"
export JAVA_HOME="$JDK"
mvn_get() { mvn -B -q -f "$POM" dependency:get -Dtransitive=false -Dartifact="$1"; }
while IFS=$'\t' read -r level version _java; do
  case "$level" in ''|'#'*) continue ;; esac
  jar="$M2/repository/org/robolectric/android-all-instrumented/$version/android-all-instrumented-$version.jar"
  [ -f "$jar" ] || mvn_get "org.robolectric:android-all-instrumented:$version"
  ln -sf "$jar" "$DEPS/android-all-instrumented-$version.jar"
  echo "android-maven: API $level: android-all-instrumented $version"
done <"$LEVELS"
for aar in androidx.test:monitor:1.8.0 androidx.test.espresso:espresso-idling-resource:3.7.0; do
  IFS=: read -r group artifact version <<<"$aar"
  file="$M2/repository/${group//.//}/$artifact/$version/$artifact-$version.aar"
  [ -f "$file" ] || mvn_get "$group:$artifact:$version:aar"
  tmp="$(mktemp -d)"
  (cd "$tmp" && "$JDK/bin/jar" xf "$file" classes.jar)
  mv "$tmp/classes.jar" "$DEPS/$group-$artifact-$version.jar"
  rm -rf "$tmp"
done
# Plugins, dependencies and Surefire's JUnit Platform provider (resolved only
# when tests run): one online run of a quick pure-Java test.
build="$(mktemp -d)"
mvn -B -q -f "$POM" -Dkeybound.build.dir="$build" -Dtest=SdkLevelsTest -Dsurefire.failIfNoSpecifiedTests=false \
  dependency:go-offline test
rm -rf "$build"
echo "$want" >"$STAMP"
echo "android-maven: fetched; runs are offline now"
