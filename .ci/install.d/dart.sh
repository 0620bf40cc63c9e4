#!/usr/bin/env bash
# The Dart checks (mk/dart.mk) parse Dart with tree-sitter; no Dart SDK.
# Pinned pair: tree-sitter 0.26.1 (Python bindings) loads grammars of ABI
# 13..15; tree-sitter-dart 0.1.0 ships ABI 15 (abi3 wheel). Idempotent: does
# nothing when the pair is already importable at these versions, from the
# system python3 or from the venv .tools/dart-venv (used on Debian 12, whose
# python3 is externally managed, PEP 668).
set -euo pipefail
cd "$(dirname "$0")/../.."
TS=0.26.1
TSD=0.1.0
VENV=.tools/dart-venv

have_pair() {
  "$1" - "$TS" "$TSD" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version
import tree_sitter, tree_sitter_dart
tree_sitter.Parser(tree_sitter.Language(tree_sitter_dart.language()))
assert version("tree-sitter") == sys.argv[1], version("tree-sitter")
assert version("tree-sitter-dart") == sys.argv[2], version("tree-sitter-dart")
PY
}

for py in python3 "$VENV/bin/python"; do
  if command -v "$py" >/dev/null 2>&1 && have_pair "$py"; then
    echo "dart: tree-sitter $TS + tree-sitter-dart $TSD present ($py)"
    exit 0
  fi
done

# python3 -m venv needs ensurepip, which Debian ships in python3-venv.
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  if ! $SUDO apt-get install -y -qq --no-install-recommends python3-venv; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends python3-venv
  fi
fi
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "tree-sitter==$TS" "tree-sitter-dart==$TSD"
have_pair "$VENV/bin/python"
echo "dart: installed tree-sitter $TS + tree-sitter-dart $TSD in $VENV"
