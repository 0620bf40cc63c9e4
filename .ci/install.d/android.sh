#!/usr/bin/env bash
# Android checks (`make check-android`) need, on a fresh Debian 12 machine:
#  - javac (JDK 17, already on the machine) for the stub compile;
#  - Maven, a JDK 21+ and the Robolectric jars: .ci/install.d/android-maven.sh;
#  - the PyPI package chaquopy-stubs-android, pinned: .pyi signatures of the
#    real API 36 android.jar, which tools/android/check_stubs.py compares the
#    compile-only stubs with.
# Idempotent: does nothing that is already done.
set -euo pipefail
STUBS_VERSION="36.20260406"
PYTHON="${PYTHON:-python3}"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  # Debian's python3 comes without pip.
  $SUDO apt-get install -y -qq --no-install-recommends python3-pip ||
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends python3-pip; }
fi

installed="$("$PYTHON" -m pip show chaquopy-stubs-android 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$installed" = "$STUBS_VERSION" ]; then
  echo "android: chaquopy-stubs-android $STUBS_VERSION present"
else
  pip_err="$(mktemp)"
  pip_args=(install --quiet --disable-pip-version-check "chaquopy-stubs-android==$STUBS_VERSION")
  # Debian's own python3 refuses system-wide pip installs (PEP 668).
  if ! "$PYTHON" -m pip "${pip_args[@]}" 2>"$pip_err"; then
    if grep -q externally-managed "$pip_err"; then
      "$PYTHON" -m pip "${pip_args[@]}" --break-system-packages
    else
      cat "$pip_err" >&2
      exit 1
    fi
  fi
  echo "android: installed chaquopy-stubs-android $STUBS_VERSION"
fi
