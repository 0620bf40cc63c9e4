#!/usr/bin/env python3
"""Parses every tracked .dart file with tree-sitter-dart; any syntax error fails.

Usage: parse_check.py [FILE...]   (no arguments: every .dart file git tracks,
plus new ones not ignored). Ends with `N passed, N failed`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dartparse  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def dart_files(root: Path) -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", "*.dart"],
            cwd=root, check=True, capture_output=True,
        ).stdout
        names = [n for n in out.decode().split("\0") if n]
        # A file deleted in the work tree but still in the index is not ours to parse.
        return sorted(root / n for n in set(names) if (root / n).is_file())
    except (OSError, subprocess.CalledProcessError):
        skip = {".dart_tool", "build", ".git", "target"}
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in skip and not d.startswith("target-")]
            found += [Path(dirpath) / f for f in filenames if f.endswith(".dart")]
        return sorted(found)


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] if argv else dart_files(ROOT)
    if not files:
        print("parse-check: no .dart files found (a check of nothing proves nothing)")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    for path in files:
        shown = os.path.relpath(path, ROOT) if path.is_absolute() else str(path)
        try:
            errors = dartparse.syntax_errors(path.read_bytes())
        except OSError as exc:
            errors = [f"cannot read: {exc}"]
        if errors:
            failed += 1
            print(f"FAIL {shown}")
            for err in errors:
                print(f"     {shown}:{err}")
        else:
            passed += 1
            print(f"ok   {shown}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
