#!/usr/bin/env python3
"""Every reference in the repository points inside the repository.

keybound is self-contained: its documents live in docs/, and no tracked file
may send a reader to a file that is not in a clone. This check reads every
tracked text file (`git ls-files`) and fails a file that

  1. names a path outside the working tree (the shared notes folder beside it,
     `shared/testdata`, or an absolute machine path (`/work/...`,
     `/home/...`, `/root/...`);
  2. names a Markdown document (`something.md`) that does not resolve to a
     tracked file, looked up from the file's own directory and from each of
     its parents up to the repository root (so `docs/token-format.md` works
     from anywhere, `token-format.md` only inside docs/, and
     `SECURITY.md` "beside this crate" from inside the crate);
  3. in a Markdown file, links (`[text](target)`) to a relative target that
     does not exist in the repository, or that climbs out of it;
  4. in a Markdown file, names in backticks a repository path (one that
     starts with a top-level folder, e.g. `rust/keybound/src/session.rs`)
     that is not a tracked file or folder, so the documents fail when code
     they point at is renamed or removed.

Before the files, it runs its own table of cases (each rule must catch its
planted mistake and pass the correct spelling), so the check is shown to be
able to fail. Prints every problem, then `check-refs: N passed, N failed`
(one case per rule case and per file). Exit status 1 on any failure.

`--fix` first rewrites, in every tracked file outside docs/, the old
spellings of the project's documents (the shared notes' own path, a
bare `token-format.md`, the same for the other docs/ pages) to their
`docs/` path, then checks. Running it twice changes nothing the second time.
It does not tell comments from code: review its diff.

Plain python3, no dependencies; without `--fix` it only reads.
Usage: check_refs.py [--root DIR] [--fix]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

# This file names the forbidden spellings in its own rules and cases; it is
# the one file the scan skips (its cases run instead).
SELF = PurePosixPath("tools/docs/check_refs.py")
# Checkers whose own self-test cases name made-up files on purpose.
SELF_TESTING = {SELF, PurePosixPath("tools/release/pub_files.py")}
# Ignore files: their `/name/` patterns are relative to their own folder.
IGNORE_FILES = {".gitignore", ".pubignore"}
# Paths that are rightly not in the repository: made by a release build
# (`make android-libs`), or a file of the app that uses keybound.
NOT_TRACKED = {"android/src/main/jniLibs", "android/gradle.properties"}

OUTSIDE = [
    (re.compile(r"(?:\.\./)+shared\b"), "refers to the shared notes folder outside the repository"),
    (re.compile(r"(?<![\w.-])shared/(?:reference|testdata)\b"),
     "refers to the shared notes outside the repository"),
    (re.compile(r"(?<![\w.~:/-])/(?:work|home|root|Users)(?=/|[\"'`\s)]|$)"),
     "refers to an absolute path on one machine"),
]
# A Markdown document name: `docs/token-format.md`, `../README.md`, `SECURITY.md`.
MD_NAME = re.compile(r"(?<![\w/.-])((?:\.{1,2}/)*(?:[\w-]+/)*[\w][\w.-]*\.md)\b(?![\w-])")
MD_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
# `rust/keybound/src/session.rs`, `rust/keybound-server/src/store/`
CODE_PATH = re.compile(r"`([\w.-]+/[\w./-]*)`")


def resolves(name: str, here: PurePosixPath, tracked: set[str], dirs: set[str]) -> bool:
    """Whether `name` (mentioned in file `here`) is a tracked file, from the
    file's directory or one of its parents."""
    base = here.parent
    bases = [base, *base.parents]
    for b in bases:
        p = normalise(b / name)
        if p is not None and (p in tracked or p in dirs):
            return True
    return False


def normalise(p: PurePosixPath) -> str | None:
    """`a/b/../c` → `a/c`; None when it climbs out of the root."""
    parts: list[str] = []
    for part in p.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def problems_in(text: str, here: PurePosixPath, tracked: set[str], dirs: set[str]) -> list[str]:
    found = []
    top = {d for d in dirs if "/" not in d}
    for n, line in enumerate(text.splitlines(), 1):
        for pattern, why in OUTSIDE:
            m = pattern.search(line)
            if m:
                found.append(f"{here}:{n}: `{m.group(0)}` {why}")
        for m in MD_NAME.finditer(line):
            name = m.group(1)
            if not resolves(name, here, tracked, dirs):
                found.append(f"{here}:{n}: `{name}` is not a file of the repository "
                             f"(write its path, e.g. docs/{PurePosixPath(name).name})")
        if here.suffix == ".md":
            for m in MD_LINK.finditer(line):
                target = m.group(1)
                if re.match(r"^(?:[a-z][a-z0-9+.-]*:|#|//)", target):
                    continue  # URL, mailto:, anchor
                path = target.split("#", 1)[0]
                if not path:
                    continue
                p = normalise(here.parent / path)
                if p is None:
                    found.append(f"{here}:{n}: link `{target}` leaves the repository")
                elif p not in tracked and p not in dirs:
                    found.append(f"{here}:{n}: link `{target}` points to nothing in the repository")
            for m in CODE_PATH.finditer(line):
                path = m.group(1)
                if path.split("/", 1)[0] not in top:
                    continue  # not a repository path (`src/rust/`, `owner/repo`)
                if path.rstrip("/") in NOT_TRACKED:
                    continue
                if path.rstrip("/") not in tracked and path.rstrip("/") not in dirs:
                    found.append(f"{here}:{n}: `{path}` names no file or folder of the repository")
    return found


# (what, file it is in, text, must fail)
CASES = [
    ("parent shared path", "README.md", "see ../" "shared/" "reference/notes.md", True),
    ("shared notes path", "rust/x/src/lib.rs", "//! (`shared/" "reference/token-format.md`)", True),
    ("shared/testdata path", "rust/x/src/t.rs", "//! copied from shared/" "testdata", True),
    ("absolute /work path", "tools/a.py", 'Path("/' 'work") / "x"', True),
    ("bare doc name outside docs/", "rust/x/src/lib.rs", "//! The contract is token-format.md.", True),
    ("doc name with docs/ prefix", "rust/x/src/lib.rs", "//! The contract is docs/token-format.md.", False),
    ("bare doc name inside docs/", "docs/architecture.md", "see token-format.md", False),
    ("doc in a parent directory", "rust/keybound-server/src/lib.rs", "See `SECURITY.md` beside this crate", False),
    ("misspelt doc path", "README.md", "see docs/token_format.md", True),
    ("markdown link to a missing file", "README.md", "[x](docs/nothing-here.txt)", True),
    ("markdown link out of the repository", "docs/a.md", "[x](../../elsewhere/README)", True),
    ("markdown link that resolves", "android/README.md", "[facts](../docs/android-facts.md#biometricprompt)", False),
    ("URL and anchor links", "README.md", "[a](https://example.com/x.md) [b](#errors)", False),
    ("a word that only looks like a path", "README.md", "shared by device and backend", False),
    ("code path that exists", "docs/architecture.md", "see `android/README.md` and `docs/`", False),
    ("code path that was renamed", "docs/architecture.md", "see `android/src/Gone.java`", True),
    ("code path outside the top-level folders", "README.md", "`src/rust/` and `owner/repo`", False),
]
# (text, what --fix makes of it); each result must also be a fixed point.
FIX_CASES = [
    ("//! The contract is token-format.md.", "//! The contract is docs/token-format.md."),
    ("(`shared/" "reference/android-facts.md`)", "(`docs/android-facts.md`)"),
    ("see ../" "shared/" "reference/token-format.md", "see docs/token-format.md"),
    ("already docs/token-format.md", "already docs/token-format.md"),
    ("my-token-format.md stays", "my-token-format.md stays"),
]
CASE_TRACKED = {"README.md", "SECURITY.md", "docs/token-format.md", "docs/architecture.md",
                "docs/android-facts.md", "android/README.md", "rust/keybound-server/SECURITY.md"}


DOCS = ("token-format.md", "android-facts.md", "threat-model.md", "architecture.md")
OLD_SPELLING = re.compile(r"(?<![\w/.-])(" + "|".join(
    re.escape(d) for d in DOCS) + r")\b")
OLD_SPELLING_AFTER_SHARED = re.compile(r"(?:\.\./)*shared/" r"reference/(" + "|".join(
    re.escape(d) for d in DOCS) + r")\b")


def fix_text(text: str) -> str:
    """The old spellings of the docs/ pages, rewritten to their docs/ path."""
    text = OLD_SPELLING_AFTER_SHARED.sub(r"docs/\1", text)
    return OLD_SPELLING.sub(r"docs/\1", text)


def tracked_files(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True,
                         capture_output=True).stdout
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def dirs_of(files) -> set[str]:
    dirs = set()
    for f in files:
        for parent in PurePosixPath(f).parents:
            if str(parent) != ".":
                dirs.add(str(parent))
    return dirs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent.parent)
    ap.add_argument("--fix", action="store_true", help="rewrite old spellings of the docs/ pages first")
    args = ap.parse_args(argv)
    passed = failed = 0

    for text, want in FIX_CASES:
        got = fix_text(text)
        if got == want and fix_text(got) == got:
            passed += 1
        else:
            failed += 1
            print(f"FAIL fix case {text!r}: got {got!r}, want {want!r}")

    case_dirs = dirs_of(CASE_TRACKED)
    for what, here, text, must_fail in CASES:
        got = problems_in(text, PurePosixPath(here), CASE_TRACKED, case_dirs)
        if bool(got) == must_fail:
            passed += 1
        else:
            failed += 1
            print(f"FAIL rule case '{what}': expected {'a problem' if must_fail else 'none'}, got {got}")

    files = tracked_files(args.root)
    if args.fix:
        for f in files:
            here = PurePosixPath(f)
            if here == SELF or here.parts[0] == "docs":
                continue
            path = args.root / f
            try:
                data = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                continue
            if b"\0" in data:
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue  # binary without a NUL byte (e.g. a fuzz seed)
            fixed = fix_text(text)
            if fixed != text:
                path.write_text(fixed, encoding="utf-8")
                print(f"fixed {f}")
    tracked = set(files)
    dirs = dirs_of(files)
    for f in sorted(files):
        here = PurePosixPath(f)
        if here in SELF_TESTING or here.name in IGNORE_FILES:
            continue
        path = args.root / f
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue  # deleted in the work tree, or a submodule
        if b"\0" in data:
            continue  # binary
        text = data.decode("utf-8", "replace")
        got = problems_in(text, here, tracked, dirs)
        if got:
            failed += 1
            for p in got:
                print("FAIL " + p)
        else:
            passed += 1
    print(f"check-refs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
