#!/usr/bin/env bash
# keybound-server's Redis-backed store tests need a real redis-server binary
# (the tests start it themselves on a free loopback port). Idempotent: does
# nothing when redis-server is already installed.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "backend: redis-server present: $(redis-server --version)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# Refresh the package lists only when apt does not know the package yet.
if ! apt-cache show redis-server >/dev/null 2>&1; then
  $SUDO apt-get update -qq
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends redis-server; then
  # Lists may be stale (404 on a superseded version): refresh once and retry.
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends redis-server
fi
# Debian's package starts a system service on :6379; the tests never use it,
# they start their own instance on a free loopback port.
command -v redis-server >/dev/null
echo "backend: installed $(redis-server --version)"
