#!/usr/bin/env bash
# JNI backend tests (`make test-jvm`, part of `make test`) need a JDK (javac +
# libjvm: JDK 17 is on the machine; found via JAVA_HOME or
# `java -XshowSettings:properties`). Its Java tests run through Surefire:
# Maven and the rest are .ci/install.d/android-maven.sh.
# Idempotent: installs nothing that is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_install() {
  if ! apt-cache show "$@" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
  fi
  if ! $SUDO apt-get install -y -qq --no-install-recommends "$@"; then
    # Stale lists (404 on a superseded version): refresh once and retry.
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "$@"
  fi
}

if command -v javac >/dev/null 2>&1; then
  echo "jvm: javac present: $(javac -version 2>&1)"
else
  apt_install openjdk-17-jdk-headless
  echo "jvm: installed $(javac -version 2>&1)"
fi
