#!/usr/bin/env bash
# `make bench` installs what its comparisons need, lazily (not part of
# `make test`): wrk (Debian), a venv with PyJWT[crypto], a node folder with
# `jose`. Idempotent: each step does nothing when its result is there.
# Usage: tools/bench/setup.sh DIR   (DIR gets venv/ and node/)
set -euo pipefail
dir=${1:?usage: setup.sh DIR}
PYJWT_VERSION=2.15.1
JOSE_VERSION=6.2.17
mkdir -p "$dir"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show "$@" >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
  if ! $SUDO apt-get install -y -qq --no-install-recommends "$@"; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "$@"
  fi
}
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
command -v strip >/dev/null 2>&1 || apt_install binutils

venv="$dir/venv"
if ! "$venv/bin/python" -c "import jwt, cryptography, sys; sys.exit(jwt.__version__ != '$PYJWT_VERSION')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "PyJWT[crypto]==$PYJWT_VERSION"
fi

node_dir="$dir/node"
if [ "$(node -p "try{require('$node_dir/node_modules/jose/package.json').version}catch(e){''}" 2>/dev/null)" != "$JOSE_VERSION" ]; then
  mkdir -p "$node_dir"
  [ -f "$node_dir/package.json" ] || echo '{"name":"keybound-bench-node","private":true}' > "$node_dir/package.json"
  npm install --silent --no-audit --no-fund --prefix "$node_dir" "jose@$JOSE_VERSION"
fi
echo "bench setup: $(wrk --version 2>&1 | head -1 | cut -c1-40); PyJWT $("$venv/bin/python" -c 'import jwt; print(jwt.__version__)'); jose $(node -p "require('$node_dir/node_modules/jose/package.json').version")"
