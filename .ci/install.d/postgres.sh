#!/usr/bin/env bash
# keybound-server's credential-registry tests need PostgreSQL's server
# binaries (initdb, postgres, pg_isready): the tests create their own
# cluster in a temporary directory on a free loopback port and remove it.
# Debian installs them under /usr/lib/postgresql/<version>/bin (not on
# PATH); the tests look there. Idempotent: does nothing when present.
set -euo pipefail
have_pg() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/pg_isready" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}
if dir=$(have_pg); then
  echo "postgres: present: $("$dir/postgres" --version)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! apt-cache show postgresql >/dev/null 2>&1; then
  $SUDO apt-get update -qq
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends postgresql; then
  # Lists may be stale (404 on a superseded version): refresh once and retry.
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi
# The package may start a system cluster on :5432; the tests never use it.
dir=$(have_pg)
echo "postgres: installed $("$dir/postgres" --version)"
