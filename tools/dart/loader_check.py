#!/usr/bin/env python3
"""The Dart loader finds a host build of the Rust core where Cargo puts it.

flutter_rust_bridge 2.13 writes the generated loader's default
`ioDirectory` as `<rust_root>/target/release/` (rust/keybound/target/release/
here) and has no config option to change it, while the Cargo workspace's
target folder is at the repository root. lib/src/runtime.dart therefore
loads the library itself with `hostLibraryDirectory`. This check fails when:
  * `hostLibraryDirectory` is not the workspace's target folder (from
    `cargo metadata`, CARGO_TARGET_DIR unset) plus `release/`;
  * the loader config in lib/src/runtime.dart does not use it;
  * any `RustLib.init(` in lib/ (outside the generated lib/src/rust) does
    not pass `externalLibrary:` (it would fall back to the wrong default).
It only reads source text (comments stripped); no Dart SDK is needed.

Usage: loader_check.py [--root DIR] [--self-test]. Ends with
`N passed, N failed`.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

RUNTIME = "lib/src/runtime.dart"
GENERATED = "lib/src/rust/frb_generated.dart"
CONST_RE = re.compile(r"\bconst\s+String\s+hostLibraryDirectory\s*=\s*'([^']*)'\s*;")
USES_RE = re.compile(r"\bioDirectory\s*:\s*hostLibraryDirectory\b")
INIT_RE = re.compile(r"\bRustLib\s*\.\s*init\s*\(")
GENERATED_RE = re.compile(r"\bioDirectory\s*:\s*'([^']*)'")


def strip_comments(source: str) -> str:
    """Removes // and /* */ comments (not inside single-quoted strings)."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        if source.startswith("//", i):
            j = source.find("\n", i)
            i = n if j < 0 else j
        elif source.startswith("/*", i):
            j = source.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif source[i] in "'\"":
            quote = source[i]
            j = i + 1
            while j < n and source[j] != quote and source[j] != "\n":
                j += 2 if source[j] == "\\" else 1
            out.append(source[i : j + 1])
            i = j + 1
        else:
            out.append(source[i])
            i += 1
    return "".join(out)


def init_args(source: str, start: int) -> str:
    """The argument text of the call whose `(` ends at `start`."""
    depth, i = 1, start
    while i < len(source) and depth:
        depth += {"(": 1, ")": -1}.get(source[i], 0)
        i += 1
    return source[start : i - 1]


def workspace_release_dir(root: Path) -> str:
    """`<target_directory relative to root>/release/` per `cargo metadata`."""
    env = dict(os.environ)
    env.pop("CARGO_TARGET_DIR", None)
    env.pop("CARGO_BUILD_TARGET_DIR", None)
    out = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=root, env=env, check=True, capture_output=True, text=True,
    ).stdout
    target = Path(json.loads(out)["target_directory"]).resolve()
    rel = os.path.relpath(target, root.resolve()).replace(os.sep, "/")
    return f"{rel}/release/"


def check(root: Path, expected: str) -> list[tuple[str, str | None]]:
    """(name, failure or None) for every rule."""
    results: list[tuple[str, str | None]] = []
    runtime_path = root / RUNTIME
    runtime = strip_comments(runtime_path.read_text()) if runtime_path.exists() else ""
    found = CONST_RE.findall(runtime)
    if len(found) != 1:
        results.append(("hostLibraryDirectory is defined once",
                        f"{RUNTIME}: {len(found)} definitions of hostLibraryDirectory"))
    else:
        results.append(("hostLibraryDirectory is defined once", None))
        results.append((
            f"hostLibraryDirectory is the workspace target folder ({expected})",
            None if found[0] == expected else f"{RUNTIME}: '{found[0]}', expected '{expected}'",
        ))
    results.append((
        "the loader config uses hostLibraryDirectory",
        None if USES_RE.search(runtime) else f"{RUNTIME}: no `ioDirectory: hostLibraryDirectory`",
    ))
    calls = 0
    for path in sorted((root / "lib").rglob("*.dart")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("lib/src/rust/"):
            continue
        source = strip_comments(path.read_text())
        for m in INIT_RE.finditer(source):
            calls += 1
            args = init_args(source, m.end())
            line = source.count("\n", 0, m.start()) + 1
            results.append((
                f"{rel}:{line}: RustLib.init passes externalLibrary",
                None if re.search(r"\bexternalLibrary\s*:", args)
                else f"{rel}:{line}: RustLib.init({args.strip()}) loads from the generated default",
            ))
    results.append((
        "lib/ initialises RustLib somewhere",
        None if calls else "no RustLib.init( call in lib/ outside lib/src/rust",
    ))
    return results


def report(results: list[tuple[str, str | None]], root: Path) -> int:
    failed = [r for r in results if r[1] is not None]
    for name, failure in results:
        print(f"{'ok  ' if failure is None else 'FAIL'} {name}" + (f": {failure}" if failure else ""))
    generated = root / GENERATED
    if generated.exists():
        g = GENERATED_RE.findall(generated.read_text())
        if g:
            print(f"info: the generated default ioDirectory is {g[0]!r} (not used by keybound)")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


GOOD_RUNTIME = """
import 'rust/frb_generated.dart' show RustLib;
const String hostLibraryDirectory = 'target/release/';
final loaderConfig = ExternalLibraryLoaderConfig(
  stem: 'keybound', ioDirectory: hostLibraryDirectory, webPrefix: 'pkg/');
Future<void> _initialize() async {
  final library = await loadExternalLibrary(loaderConfig);
  await RustLib.init(externalLibrary: library);
}
"""

# (case, runtime.dart text, extra lib file or None, should pass)
SELF_TESTS = [
    ("the fixed loader passes", GOOD_RUNTIME, None, True),
    ("the generated default (no override) fails",
     "Future<void> f() => RustLib.init();\n", None, False),
    ("a directory under rust_root fails",
     GOOD_RUNTIME.replace("'target/release/'", "'rust/keybound/target/release/'"), None, False),
    ("a config that ignores the constant fails",
     GOOD_RUNTIME.replace("ioDirectory: hostLibraryDirectory", "ioDirectory: 'target/release/'"),
     None, False),
    ("a second RustLib.init without externalLibrary fails",
     GOOD_RUNTIME, "void g() { RustLib.init(handler: h); }\n", False),
    ("a commented-out constant does not count",
     GOOD_RUNTIME.replace("const String", "// const String"), None, False),
    ("an init with the argument in a comment only fails",
     GOOD_RUNTIME.replace("RustLib.init(externalLibrary: library)",
                          "RustLib.init(/* externalLibrary: library */)"), None, False),
    ("no RustLib.init at all fails",
     GOOD_RUNTIME.replace("await RustLib.init(externalLibrary: library);", ""), None, False),
]


def self_test_tally(outcomes) -> int:
    """Prints one line per planted case (name, check results, whether the
    check should pass), then `N passed, N failed`; the exit code."""
    passed = failed = 0
    for name, results, should_pass in outcomes:
        ok = all(f is None for _, f in results)
        if ok == should_pass:
            passed += 1
            print(f"ok   self-test: {name}")
        else:
            failed += 1
            print(f"FAIL self-test: {name}: check {'passed' if ok else 'failed'}: {results}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def self_test() -> int:
    outcomes = []
    for name, runtime, extra, should_pass in SELF_TESTS:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "lib/src/rust").mkdir(parents=True)
            (root / RUNTIME).write_text(runtime)
            # The generated code may call anything: never inspected.
            (root / GENERATED).write_text("Future<void> x() => RustLib.init();\n")
            if extra is not None:
                (root / "lib/src/other.dart").write_text(extra)
            outcomes.append((name, check(root, "target/release/"), should_pass))
    return self_test_tally(outcomes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--self-test", action="store_true", help="run the checker on planted cases")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    try:
        expected = workspace_release_dir(args.root)
    except (OSError, subprocess.CalledProcessError, KeyError, ValueError) as e:
        print(f"FAIL cargo metadata: {e}")
        print("0 passed, 1 failed")
        return 1
    return report(check(args.root, expected), args.root)


if __name__ == "__main__":
    sys.exit(main())
