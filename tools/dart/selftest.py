#!/usr/bin/env python3
"""Self-test of the Dart checks: they must fail on broken input.

A parse check that passes on everything, or a parity check that never
fails, proves nothing. This runs parse_check.py on known-bad and known-good
files and parity.py on temporary copies of lib/ with one thing removed or
added each time. Ends with `N passed, N failed`.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
results: list[bool] = []


def run(script: str, *args: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, str(HERE / script), *args],
                          capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def expect(what: str, rc: int, out: str, want_rc: int, want_text: str | None = None) -> None:
    last = out.strip().splitlines()[-1] if out.strip() else "(no output)"
    ok = rc == want_rc and (want_text is None or want_text in out)
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + f"{what} (exit {rc}; {last})")
    if not ok:
        print("     expected exit %d%s" % (want_rc, f" and {want_text!r}" if want_text else ""))
        print("     " + out.replace("\n", "\n     ")[-2000:])


def parse_cases(tmp: Path) -> None:
    cases = {
        "good.dart": ("class A {\n  final int x = 1;\n}\nvoid main() => print(A().x);\n", 0, "1 passed, 0 failed"),
        "missing_brace.dart": ("class A {\n  void f() {\n    print(1);\n}\n", 1, "FAIL"),
        "unterminated_string.dart": ("void main() {\n  print('abc);\n}\n", 1, "FAIL"),
        "missing_semicolon.dart": ("void main() {\n  final x = 1\n  print(x);\n}\n", 1, "FAIL"),
        "bad_switch_arm.dart": ("int f(int x) => switch (x) { 1 => , _ => 2 };\n", 1, "FAIL"),
    }
    for name, (source, want_rc, want_text) in cases.items():
        path = tmp / name
        path.write_text(source)
        rc, out = run("parse_check.py", str(path))
        expect(f"parse-check on {name} exits {want_rc}", rc, out, want_rc, want_text)
    # One bad file among good ones still fails the whole run.
    rc, out = run("parse_check.py", str(tmp / "good.dart"), str(tmp / "missing_brace.dart"))
    expect("parse-check on good + bad files fails", rc, out, 1, "1 passed, 1 failed")


def mutate(path: Path, pattern: str, replacement: str) -> None:
    """Applies one regex substitution; the pattern must match exactly once."""
    source = path.read_text()
    changed, count = re.subn(pattern, replacement, source, flags=re.MULTILINE)
    if count != 1:
        raise AssertionError(
            f"self-test fixture out of date: {pattern!r} matched {count} times in {path}")
    path.write_text(changed)


# (description, file under lib/, regex, replacement, text the failure must mention).
# Generated-side mutations anchor on names only (class/enum/function), not on
# comments or formatting, so regenerating the bindings does not break them.
PARITY_MUTATIONS = [
    ("a Biometric wrapper removed",
     "src/biometric.dart", r"static Future<void> cancel\(\)", "static Future<void> _cancelGone()",
     "no static Biometric.cancel"),
    ("a wrapper that no longer calls Rust",
     "src/biometric.dart", r"rust_api\.deleteKey\(alias: alias\)", "Future<bool>.value(false)",
     "does not call rust_api.deleteKey"),
    ("a new Rust API function without a wrapper",
     "src/rust/api/keybound.dart", r"\Z",
     "\nFuture<void>  rotateKey({required String alias }) => "
     "RustLib.instance.api.crateApiKeyboundRotateKey(alias: alias);\n",
     "no static Biometric.rotateKey"),
    ("a Rust API function removed but still wrapped",
     "src/rust/api/keybound.dart", r"^Future<void>\s+cancel\(\)[^\n]*\n", "",
     "Biometric.cancel has no generated function"),
    ("a new Rust error code",
     "src/rust/api/error.dart", r"(enum ErrorCode\s*\{)", r"\1\n/// New.\nattestationRevoked,",
     "BiometricErrorCode.attestationRevoked missing"),
    ("a BiometricErrorCode value removed",
     "src/biometric_exception.dart", r"^  coolingDown,\n", "",
     "BiometricErrorCode.coolingDown missing"),
    ("an extra BiometricErrorCode value",
     "src/biometric_exception.dart", r"(enum BiometricErrorCode\s*\{)", r"\1\n  /// Extra.\n  somethingElse,",
     "BiometricErrorCode.somethingElse: no generated ErrorCode.somethingElse"),
    ("an error-code mapping arm removed",
     "src/biometric_exception.dart",
     r"^\s*rust\.ErrorCode\.noSpace => BiometricErrorCode\.noSpace,\n", "",
     "ErrorCode.noSpace: BiometricErrorCode.noSpace exists and is mapped"),
    ("the example missing a user message",
     "../example/lib/messages.dart", r"^\s*BiometricErrorCode\.noSpace =>[^\n]*\n", "",
     "missing: noSpace"),
    ("a new generated KeySecurityLevel value",
     "src/rust/api/types.dart", r"(enum KeySecurityLevel\s*\{)", r"\1\n/// New.\nsecureEnclave,",
     "KeySecurityLevel.secureEnclave missing"),
    ("a new field in a result struct",
     "src/rust/api/types.dart", r"(class DeviceStatus\b[^{]*\{)", r"\1\n/// New.\nfinal bool faceAvailable;",
     "unread: faceAvailable"),
    ("a new field in a request struct",
     "src/rust/api/types.dart", r"(class EnrollOptions\b[^{]*\{)", r"\1\n/// New.\nfinal int validitySeconds;",
     "missing: validitySeconds"),
    ("a new field in the error struct",
     "src/rust/api/error.dart", r"(class KeyboundError\b[^{]*\{)", r"\1\n/// New.\nfinal String? field;",
     "unread: field"),
]


def parity_cases(tmp: Path) -> None:
    def fresh_copy(name: str) -> Path:
        root = tmp / name
        shutil.copytree(ROOT / "lib", root / "lib")
        shutil.copytree(ROOT / "example" / "lib", root / "example" / "lib")
        return root

    rc, out = run("parity.py", "--root", str(fresh_copy("baseline")))
    expect("parity on an unmodified copy passes", rc, out, 0, " 0 failed")
    for i, (what, rel, old, new, want) in enumerate(PARITY_MUTATIONS):
        root = fresh_copy(f"mutation{i}")
        try:
            mutate(root / "lib" / rel, old, new)
        except AssertionError as exc:
            results.append(False)
            print(f"FAIL parity with {what}: {exc}")
            continue
        rc, out = run("parity.py", "--root", str(root))
        expect(f"parity with {what} fails", rc, out, 1, want)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="keybound-dart-selftest-") as tmp:
        tmp_path = Path(tmp)
        parse_cases(tmp_path)
        parity_cases(tmp_path)
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
