#!/usr/bin/env python3
"""What `dart pub publish` would put in the keybound package, and a check.

Why hand-written: the file list is pub's own logic (pub's `Package.listFiles`
with its `Ignore` class), and there is no Dart SDK on the machines that run
`make test`, so `dart pub publish --dry-run` cannot run here; no Python
library implements pub's variant of the rules (a `.pubignore` in a directory
replaces that directory's `.gitignore`, plus pub's fixed root rules). This
module re-implements those rules:
  * the package is walked on disk from its root (not `git ls-files`);
  * in each directory the ignore file is `.pubignore` if there is one, else
    `.gitignore`; its patterns apply to paths relative to that directory;
  * at the root, pub's fixed rules come first: `.*` (dot-files and
    dot-folders), `!.htaccess`, `pubspec.lock`, `!pubspec.lock/`,
    `/pubspec_overrides.yaml`;
  * a path is decided by the innermost directory's rules first, and within
    one file by the last pattern that matches (`!` re-includes); a directory
    is tested with a trailing `/`, and an ignored directory is not entered;
  * patterns follow gitignore syntax as pub translates it (anchored when
    they contain a `/` other than a trailing one, `*`, `**`, `?`, `[...]`,
    `\\` escapes, trailing-`/` for directories only), case-sensitively
    (pub ignores case only on macOS and Windows).

The check (`--check`) fails when a listed file does not belong in the
published package (the backend, tools, test data, build output, fuzzing,
project docs, host-only Android stubs and tests) or a required part is
missing; `--release` also requires the prebuilt `libkeybound.so` of every
ABI. `--self-test` runs the lister and the check on planted trees. Every
mode ends with `N passed, N failed`.
"""
from __future__ import annotations

import argparse
import fnmatch
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BASIC_RULES = [".*", "!.htaccess", "pubspec.lock", "!pubspec.lock/", "/pubspec_overrides.yaml"]
ABIS = ("arm64-v8a", "armeabi-v7a", "x86_64")
PREBUILT = [f"android/src/main/jniLibs/{abi}/libkeybound.so" for abi in ABIS]

# Every published file must match one of these (fnmatch on the posix path).
ALLOWED = [
    "pubspec.yaml", "README.md", "CHANGELOG.md", "LICENSE", "SECURITY.md",
    "analysis_options.yaml",
    "lib/*.dart", "lib/src/*.dart", "lib/src/*/*.dart", "lib/src/*/*/*.dart",
    "android/build.gradle", "android/settings.gradle", "android/consumer-rules.pro",
    "android/src/main/AndroidManifest.xml", "android/src/main/java/dev/keybound/*.java",
    *PREBUILT,
    "example/*",
]
# Clear reasons for what must never ship (checked before ALLOWED).
FORBIDDEN = [
    ("rust/*", "the Rust sources and the backend (apps get prebuilt libraries)"),
    ("Cargo.toml", "the Cargo workspace"), ("Cargo.lock", "the Cargo workspace"),
    ("target/*", "build output"), ("*/target/*", "build output"), ("*/build/*", "build output"),
    ("build/*", "build output"),
    ("tools/*", "project tools"), ("mk/*", "the project's make fragments"),
    ("Makefile", "the project's make file"), ("fuzz/*", "fuzzing"), ("docs/*", "project documents"),
    ("*testdata*", "test data"), ("integration_test/*", "tests that need a backend"),
    ("android/stubs/*", "host-only compile stubs"), ("android/src/test/*", "host-only tests"),
    ("android/host-tests/*", "host-only tests"), ("android/README.md", "the Android part's developer notes"),
    ("flutter_rust_bridge.yaml", "codegen configuration"),
    ("*.so", "a native library outside jniLibs/<abi>/"),
]
REQUIRED = [
    "pubspec.yaml", "README.md", "CHANGELOG.md", "LICENSE",
    "lib/keybound.dart", "lib/src/rust/frb_generated.dart",
    "android/build.gradle", "android/src/main/AndroidManifest.xml",
    "android/src/main/java/dev/keybound/KeyboundPlugin.java",
    "android/src/main/java/dev/keybound/NativeBridge.java",
]


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern[str]
    negative: bool
    original: str


def parse_pattern(line: str) -> Rule | None:
    """One ignore-file line as pub reads it; None for blanks and comments."""
    if line.startswith("#"):
        return None
    first, end = 0, len(line)
    negative = line.startswith("!")
    if negative:
        first = 1
    while end > 0 and line[end - 1] == " " and (end == 1 or line[end - 2] != "\\"):
        end -= 1
    if first >= end:
        return None
    expr = ""
    anchored = False
    dirs_only = False
    i = first
    while i < end:
        c = line[i]
        i += 1
        if c == "*":
            if i < end and line[i] == "*":
                i += 1
                if i < end and line[i] == "/":
                    i += 1
                    expr += ".*" if i == end else "(?:(?:)|(?:.*/))"
                    if i == end:
                        dirs_only = True
                    else:
                        anchored = True
                else:
                    expr += ".*"
            elif i - 2 >= 0 and line[i - 2] == "/" and i >= end:
                expr += "[^/]+"
            else:
                expr += "[^/]*"
        elif c == "?":
            expr += "[^/]"
        elif c == "[":
            rng, ok, first_in = "", False, True
            while i < end:
                d = line[i]
                i += 1
                if d == "\\" and i < end:
                    rng += "\\-" if line[i] == "-" else re.escape(line[i])
                    i += 1
                elif d == "!" and first_in:
                    rng += "^"
                elif d == "]" and first_in:
                    rng += re.escape(d)
                elif d == "]":
                    ok = True
                    break
                else:
                    rng += d
                first_in = False
            if not ok:
                return None  # pub warns about and skips an invalid range
            expr += f"[{rng}]"
        elif c == "\\":
            if i >= end:
                return None
            expr += re.escape(line[i])
            i += 1
        elif c == "/":
            if i - 1 != first and i != end:
                expr += "/"
            if i == end:
                dirs_only = True
            else:
                anchored = True
        else:
            expr += re.escape(c)
    expr = ("^" if anchored else "(?:^|/)") + expr
    expr += "/$" if dirs_only else "/?$"
    return Rule(re.compile(expr), negative, line)


def parse_rules(texts: list[str]) -> list[Rule]:
    rules = []
    for text in texts:
        for line in re.split(r"\r?\n", text):
            rule = parse_pattern(line)
            if rule is not None:
                rules.append(rule)
    return rules


def ignored(stack: list[tuple[str, list[Rule]]], path: str) -> bool:
    """pub's decision for `path` ('/a/b', '/a/' for a directory)."""
    for prefix, rules in reversed(stack):
        s = path[len(prefix):]
        for rule in reversed(rules):
            if rule.regex.search(s):
                return not rule.negative
    return False


def list_files(root: Path) -> list[str]:
    """The files (posix, relative to `root`) a publish would include."""
    def rules_for(rel_dir: str, is_root: bool) -> list[Rule]:
        d = root / rel_dir if rel_dir else root
        texts = list(BASIC_RULES) if is_root else []
        for name in (".pubignore", ".gitignore"):
            if (d / name).is_file():
                texts.append((d / name).read_text())
                break
        return parse_rules(texts)

    result: list[str] = []

    def walk(rel_dir: str, stack: list[tuple[str, list[Rule]]]) -> None:
        d = root / rel_dir if rel_dir else root
        for entry in sorted(d.iterdir()):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            is_dir = entry.is_dir() and not entry.is_symlink()
            if ignored(stack, f"/{rel}/" if is_dir else f"/{rel}"):
                continue
            if is_dir:
                walk(rel, stack + [(f"/{rel}/", rules_for(rel, False))])
            else:
                result.append(rel)

    walk("", [("/", rules_for("", True))])
    return sorted(result)


def check(files: list[str], release: bool) -> list[tuple[str, str | None]]:
    results: list[tuple[str, str | None]] = []
    listed = set(files)
    for f in files:
        reason = next((why for pat, why in FORBIDDEN if fnmatch.fnmatchcase(f, pat)), None)
        if f in PREBUILT:
            reason = None
        if reason is None and not any(fnmatch.fnmatchcase(f, pat) for pat in ALLOWED):
            reason = "not a part of the published package (add it to the allowed parts or to .pubignore)"
        if reason is not None:
            results.append((f"does not ship {f}", f"{f} would be published: {reason}"))
    results.append(("every published file belongs", None) if not any(r[1] for r in results)
                   else ("every published file belongs", f"{sum(1 for r in results if r[1])} file(s) do not"))
    for req in REQUIRED + (PREBUILT if release else []):
        results.append((f"ships {req}", None if req in listed else f"{req} is missing from the package"))
    if not release:
        # Prebuilt libraries cannot be built here; when present they must ship.
        for lib in PREBUILT:
            if lib in listed:
                results.append((f"ships the prebuilt {lib}", None))
    return results


def report(results: list[tuple[str, str | None]], quiet_ok: bool = True) -> int:
    failed = [r for r in results if r[1]]
    for name, failure in results:
        if failure:
            print(f"FAIL {name}: {failure}")
        elif not quiet_ok or not name.startswith("does not ship"):
            print(f"ok   {name}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


# ----------------------------------------------------------------- self-test

def plant(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


MINIMAL = {f: "x" for f in REQUIRED}

# (name, planted files, expected listing or None, release, check should pass)
LISTER_CASES: list[tuple[str, dict[str, str], list[str]]] = [
    ("dot-files and pubspec.lock never ship",
     {"a.txt": "", ".hidden": "", ".ci/run": "", "pubspec.lock": "", "sub/.env": "", ".htaccess": ""},
     [".htaccess", "a.txt"]),
    ("a .pubignore replaces the .gitignore of its directory",
     {".gitignore": "a.txt\n", ".pubignore": "b.txt\n", "a.txt": "", "b.txt": ""},
     ["a.txt"]),
    ("a subdirectory's .gitignore still applies below a root .pubignore",
     {".pubignore": "x\n", "example/.gitignore": "build/\n", "example/build/out": "", "example/main.dart": ""},
     ["example/main.dart"]),
    ("unanchored patterns match at any depth, anchored ones at the root only",
     {".pubignore": "*.log\n/top.txt\n", "a.log": "", "d/b.log": "", "top.txt": "", "d/top.txt": ""},
     ["d/top.txt"]),
    ("a trailing slash matches directories only",
     {".pubignore": "target/\n", "target/x": "", "d/target": ""},
     ["d/target"]),
    ("negation re-includes, the last matching line wins",
     {".pubignore": "*.so\n!keep/*.so\n", "a.so": "", "keep/b.so": ""},
     ["keep/b.so"]),
    ("an ignored directory is not entered, so a negation below it cannot re-include",
     {".pubignore": "d/\n!d/x\n", "d/x": "", "y": ""},
     ["y"]),
    ("** matches across directories",
     {".pubignore": "**/testdata/**\nsrc/**/gen.txt\n", "a/testdata/b/c": "", "src/k/l/gen.txt": "",
      "src/gen.txt": "", "ok": ""},
     ["ok"]),
    ("character ranges, ? and escapes",
     {".pubignore": "f[0-9].txt\n?.md\n\\#lit\n", "f1.txt": "", "fa.txt": "", "a.md": "", "ab.md": "", "#lit": ""},
     ["ab.md", "fa.txt"]),
    ("comments and blank lines are not patterns; trailing spaces are dropped",
     {".pubignore": "# a.txt\n\nb.txt   \n", "a.txt": "", "b.txt": ""},
     ["a.txt"]),
    ("the inner directory's rules decide first",
     {".pubignore": "*.txt\n", "d/.pubignore": "!keep.txt\n", "d/keep.txt": "", "d/no.txt": ""},
     ["d/keep.txt"]),
]

CHECK_CASES: list[tuple[str, dict[str, str], bool, bool]] = [
    ("the minimal package passes", MINIMAL, False, True),
    ("a missing required part fails", {k: v for k, v in MINIMAL.items() if k != "android/build.gradle"},
     False, False),
    ("the backend would ship: fails", {**MINIMAL, "rust/keybound-server/src/main.rs": ""}, False, False),
    ("test data would ship: fails", {**MINIMAL, "example/testdata/x.pem": ""}, False, False),
    ("tools would ship: fails", {**MINIMAL, "tools/release/x.py": ""}, False, False),
    ("an unknown top-level file fails", {**MINIMAL, "notes.txt": ""}, False, False),
    ("build output fails", {**MINIMAL, "target/debug/libkeybound.so": ""}, False, False),
    ("the prebuilt libraries ship", {**MINIMAL, **{p: "" for p in PREBUILT}}, True, True),
    ("a release without one prebuilt library fails",
     {**MINIMAL, **{p: "" for p in PREBUILT[:2]}}, True, False),
    ("a .pubignore that drops jniLibs fails a release",
     {**MINIMAL, **{p: "" for p in PREBUILT}, ".pubignore": "*.so\n"}, True, False),
]


def self_test() -> int:
    passed = failed = 0

    def outcome(name: str, ok: bool, detail: str) -> None:
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   self-test: {name}")
        else:
            failed += 1
            print(f"FAIL self-test: {name}: {detail}")

    for name, files, expected in LISTER_CASES:
        with tempfile.TemporaryDirectory() as tmp:
            plant(Path(tmp), files)
            got = list_files(Path(tmp))
        # The ignore files themselves are dot-files: never listed.
        outcome(f"lister: {name}", got == sorted(expected), f"listed {got}, expected {sorted(expected)}")
    for name, files, release, should_pass in CHECK_CASES:
        with tempfile.TemporaryDirectory() as tmp:
            plant(Path(tmp), files)
            results = check(list_files(Path(tmp)), release)
        ok = all(f is None for _, f in results)
        outcome(f"check: {name}", ok == should_pass,
                f"check {'passed' if ok else 'failed'}: {[r for r in results if r[1]]}")
    # The repository's own .pubignore: planted forbidden files are dropped.
    repo = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plant(root, {**MINIMAL, **{p: "" for p in PREBUILT},
                     "rust/keybound/src/lib.rs": "", "target/release/libkeybound.so": "",
                     "tools/x.py": "", "fuzz/f.rs": "", "docs/design.md": "", "mk/a.mk": "",
                     "android/stubs/src/A.java": "", "android/src/test/java/T.java": "",
                     "integration_test/t.dart": "", "Cargo.toml": "", "Makefile": ""})
        (root / ".pubignore").write_text((repo / ".pubignore").read_text())
        results = check(list_files(root), True)
        outcome("the repository's .pubignore keeps only the package",
                all(f is None for _, f in results), str([r for r in results if r[1]]))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--check", action="store_true", help="fail on files that do not belong or missing parts")
    ap.add_argument("--release", action="store_true", help="also require the prebuilt libraries")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    files = list_files(args.root)
    if not args.check:
        print("\n".join(files))
        return 0
    by_top: dict[str, int] = {}
    for f in files:
        by_top[f.split("/")[0]] = by_top.get(f.split("/")[0], 0) + 1
    print(f"a publish would include {len(files)} files: "
          + ", ".join(f"{k} ({v})" for k, v in sorted(by_top.items())))
    return report(check(files, args.release))


if __name__ == "__main__":
    sys.exit(main())
