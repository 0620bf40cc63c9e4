#!/usr/bin/env bash
# The package/prebuilt-library checks (mk/android-libs.mk) read ELF program
# headers with readelf (binutils). Idempotent: nothing to do when present.
set -euo pipefail
if command -v readelf >/dev/null 2>&1; then
  echo "release: $(readelf --version | head -1) present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! $SUDO apt-get install -y -qq --no-install-recommends binutils; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends binutils
fi
readelf --version | head -1
