"""Shared tree-sitter-dart helpers for the Dart checks (no Dart SDK needed).

Pinned: tree-sitter==0.26.1 with tree-sitter-dart==0.1.0 (grammar ABI 15,
which the 0.26 runtime loads); .ci/install.d/dart.sh installs them.
"""
from __future__ import annotations

import sys

try:
    import tree_sitter
    import tree_sitter_dart
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"tree-sitter is missing ({exc}); run .ci/install.d/dart.sh "
        "(pip install tree-sitter==0.26.1 tree-sitter-dart==0.1.0)\n"
    )
    raise SystemExit(2) from exc

LANGUAGE = tree_sitter.Language(tree_sitter_dart.language())


def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(LANGUAGE)


def parse(source: bytes) -> tree_sitter.Tree:
    return parser().parse(source)


def syntax_errors(source: bytes, limit: int = 5) -> list[str]:
    """`line:col: ERROR|MISSING text` for the first error nodes, [] if none."""
    tree = parse(source)
    if not tree.root_node.has_error:
        return []
    found: list[str] = []

    def walk(node) -> None:
        if len(found) >= limit:
            return
        if node.is_error or node.is_missing:
            kind = "MISSING" if node.is_missing else "ERROR"
            text = node.text.decode("utf-8", "replace").splitlines()
            snippet = (text[0] if text else "")[:60]
            row, col = node.start_point
            found.append(f"{row + 1}:{col + 1}: {kind} {node.type} {snippet!r}")
            return
        if node.has_error:
            for child in node.children:
                walk(child)

    walk(tree.root_node)
    return found or ["parse error (location unknown)"]


def text(node) -> str:
    return node.text.decode("utf-8")


def walk(node):
    """Every node under `node`, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))
