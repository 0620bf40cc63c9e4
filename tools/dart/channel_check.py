#!/usr/bin/env python3
"""The Dart and Java ends of keybound's platform channel use the same names.

With no native library, lib/src/runtime.dart asks the Android plugin's
PlatformChannel (android/src/main/java/dev/keybound/PlatformChannel.java)
why keybound is unavailable. A typo on either side would turn every
`unsupported` into `platformError` on a device, and nothing here can run
Dart, so this check compares the two sources' text (comments stripped).
It fails when:
  * runtime.dart creates no `MethodChannel('<PlatformChannel.NAME>')`;
  * it never invokes `'<UNAVAILABLE>'` on it;
  * it does not read the `'<KEY_CODE>'` and `'<KEY_MESSAGE>'` keys;
  * it does not compare the code with `'<CODE_UNSUPPORTED>'` and answer
    `BiometricErrorCode.unsupported`;
  * a code the Java side sends is not a `BiometricErrorCode` value;
  * the `platformError` it raises does not say the library did not load.

Usage: channel_check.py [--root DIR] [--self-test]. Ends with
`N passed, N failed`.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loader_check import self_test_tally, strip_comments  # noqa: E402

RUNTIME = "lib/src/runtime.dart"
EXCEPTION = "lib/src/biometric_exception.dart"
JAVA = "android/src/main/java/dev/keybound/PlatformChannel.java"
JAVA_CONST = re.compile(r'\bstatic\s+final\s+String\s+(\w+)\s*=\s*"([^"]*)"\s*;')
ENUM_RE = re.compile(r"\benum\s+BiometricErrorCode\s*\{([^}]*)\}", re.S)
NAMES = ("NAME", "UNAVAILABLE", "KEY_CODE", "KEY_MESSAGE", "CODE_UNSUPPORTED", "CODE_PLATFORM_ERROR")


def check(root: Path) -> list[tuple[str, str | None]]:
    results: list[tuple[str, str | None]] = []
    java = dict(JAVA_CONST.findall(strip_comments((root / JAVA).read_text())))
    missing = [n for n in NAMES if n not in java]
    results.append(("PlatformChannel.java defines the channel's names",
                    f"{JAVA}: no {', '.join(missing)}" if missing else None))
    if missing:
        return results
    dart = strip_comments((root / RUNTIME).read_text())
    q = lambda s: re.escape(f"'{s}'")  # noqa: E731

    def rule(name: str, pattern: str, why: str) -> None:
        results.append((name, None if re.search(pattern, dart) else f"{RUNTIME}: {why}"))

    rule(f"runtime.dart opens MethodChannel('{java['NAME']}')",
         rf"\bMethodChannel\s*\(\s*{q(java['NAME'])}\s*\)", f"no MethodChannel('{java['NAME']}')")
    rule(f"runtime.dart invokes '{java['UNAVAILABLE']}'",
         rf"\.invokeMethod\s*(<[^>]*>)?\s*\(\s*{q(java['UNAVAILABLE'])}",
         f"no invokeMethod('{java['UNAVAILABLE']}')")
    for key in ("KEY_CODE", "KEY_MESSAGE"):
        rule(f"runtime.dart reads ['{java[key]}']", rf"\[\s*{q(java[key])}\s*\]", f"no ['{java[key]}']")
    rule(f"'{java['CODE_UNSUPPORTED']}' becomes BiometricErrorCode.unsupported",
         rf"==\s*{q(java['CODE_UNSUPPORTED'])}[\s\S]*?BiometricErrorCode\.unsupported\b",
         f"no comparison with '{java['CODE_UNSUPPORTED']}' followed by BiometricErrorCode.unsupported")
    rule("the platformError says the native library did not load",
         r"BiometricErrorCode\.platformError\s*,\s*message\s*:\s*'[^']*native library[^']*did not load",
         "no BiometricErrorCode.platformError whose message says 'native library ... did not load'")
    enum = ENUM_RE.search(strip_comments((root / EXCEPTION).read_text()))
    values = set(re.findall(r"\b([a-z]\w*)\b", enum.group(1))) if enum else set()
    for code in ("CODE_UNSUPPORTED", "CODE_PLATFORM_ERROR"):
        results.append((f"'{java[code]}' is a BiometricErrorCode value",
                        None if java[code] in values else f"{EXCEPTION}: no BiometricErrorCode.{java[code]}"))
    return results


GOOD_JAVA = """final class PlatformChannel {
    static final String NAME = "dev.keybound/platform";
    static final String UNAVAILABLE = "unavailable";
    static final String KEY_CODE = "code";
    static final String KEY_MESSAGE = "message";
    static final String CODE_UNSUPPORTED = "unsupported";
    static final String CODE_PLATFORM_ERROR = "platformError";
}
"""
GOOD_DART = """const MethodChannel platformChannel = MethodChannel('dev.keybound/platform');
Future<BiometricException> f() async {
  final why = await platformChannel.invokeMethod<Object?>('unavailable') as Map;
  if (why['code'] == 'unsupported' && why['message'] is String) {
    return BiometricException(code: BiometricErrorCode.unsupported, message: why['message']);
  }
  return BiometricException(code: BiometricErrorCode.platformError,
      message: 'the keybound native library (libkeybound) did not load: $e');
}
"""
GOOD_ENUM = "enum BiometricErrorCode {\n  /** x */\n  unsupported,\n  platformError,\n  internal,\n}\n"

# (case, java, dart, enum, should pass)
SELF_TESTS = [
    ("matching ends pass", GOOD_JAVA, GOOD_DART, GOOD_ENUM, True),
    ("a renamed channel fails", GOOD_JAVA.replace("dev.keybound/platform", "keybound/platform"),
     GOOD_DART, GOOD_ENUM, False),
    ("a Dart side with no channel fails", GOOD_JAVA,
     "Future<void> f() async { throw BiometricException(code: BiometricErrorCode.platformError); }\n",
     GOOD_ENUM, False),
    ("another method name fails", GOOD_JAVA, GOOD_DART.replace("'unavailable'", "'whyUnavailable'"),
     GOOD_ENUM, False),
    ("a channel only in a comment fails", GOOD_JAVA,
     GOOD_DART.replace("const MethodChannel platformChannel = MethodChannel('dev.keybound/platform');",
                       "// MethodChannel('dev.keybound/platform')"), GOOD_ENUM, False),
    ("another key fails", GOOD_JAVA, GOOD_DART.replace("why['message']", "why['text']"), GOOD_ENUM, False),
    ("unsupported mapped to platformError fails", GOOD_JAVA,
     GOOD_DART.replace("BiometricErrorCode.unsupported", "BiometricErrorCode.internal"), GOOD_ENUM, False),
    ("a Java code Dart does not have fails", GOOD_JAVA.replace('"platformError"', '"platform_error"'),
     GOOD_DART, GOOD_ENUM, False),
    ("a platformError that does not say why fails", GOOD_JAVA,
     GOOD_DART.replace("did not load", "failed"), GOOD_ENUM, False),
    ("a Java side without a name fails", GOOD_JAVA.replace('KEY_MESSAGE = "message"', 'TEXT = "message"'),
     GOOD_DART, GOOD_ENUM, False),
]


def self_test() -> int:
    outcomes = []
    for name, java, dart, enum, should_pass in SELF_TESTS:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for rel, text in ((JAVA, java), (RUNTIME, dart), (EXCEPTION, enum)):
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text)
            outcomes.append((name, check(root), should_pass))
    return self_test_tally(outcomes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--self-test", action="store_true", help="run the checker on planted cases")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    results = check(args.root)
    failed = [r for r in results if r[1] is not None]
    for name, failure in results:
        print(f"{'ok  ' if failure is None else 'FAIL'} {name}" + (f": {failure}" if failure else ""))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
