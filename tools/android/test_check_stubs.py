#!/usr/bin/env python3
"""The stub checker catches planted mistakes (and passes the real tree).

Each case copies the stubs (or the main sources), plants one mistake,
compiles, runs check_stubs.py and expects a failure that names the mistake.
Prints `checker-tests: N passed, N failed` last.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
import check_stubs  # noqa: E402

STUB_SRC = ROOT / "android" / "stubs" / "src"
MAIN_SRC = ROOT / "android" / "src" / "main" / "java"
FACTS = ROOT / "docs/android-facts.md"

# (name, file to edit ("stub:" or "main:" + relative path, "add-stub:" path, or
# "facts:" for docs/android-facts.md), old, new, expected text)
CASES = [
    ("wrong parameter type", "stub:android/hardware/biometrics/BiometricPrompt.java",
     "setAllowedAuthenticators(int authenticators)", "setAllowedAuthenticators(long authenticators)",
     "setAllowedAuthenticators(long) does not match API 36"),
    ("wrong return type", "stub:android/app/KeyguardManager.java",
     "public boolean isDeviceSecure()", "public int isDeviceSecure()",
     "int isDeviceSecure() does not match API 36"),
    ("static where the real one is not", "stub:android/app/Activity.java",
     "public boolean isChangingConfigurations()", "public static boolean isChangingConfigurations()",
     "static boolean isChangingConfigurations() does not match"),
    ("instance where the real one is static", "stub:android/os/Looper.java",
     "public static Looper getMainLooper()", "public Looper getMainLooper()",
     "android.os.Looper getMainLooper() does not match"),
    ("varargs turned into one String", "stub:android/security/keystore/KeyGenParameterSpec.java",
     "setDigests(String... digests)", "setDigests(String digests)",
     "setDigests(java.lang.String) does not match"),
    ("method that does not exist", "stub:android/os/CancellationSignal.java",
     "public void cancel() {", "public void cancelNow() {\n        throw new RuntimeException();\n    }\n\n    public void cancel() {",
     "no method cancelNow in API 36"),
    ("wrong constructor", "stub:android/os/CancellationSignal.java",
     "public CancellationSignal() {", "public CancellationSignal(boolean now) {",
     "constructor (boolean) does not match"),
    ("wrong superclass", "stub:android/app/Activity.java",
     "extends android.view.ContextThemeWrapper {\n    public Activity() {\n",
     "extends android.content.ContextWrapper {\n    public Activity() {\n        super(null);\n",
     "stub extends android.content.ContextWrapper"),
    ("interface the real class lacks", "stub:android/os/CancellationSignal.java",
     "public final class CancellationSignal {", "public final class CancellationSignal implements Runnable {\n    public void run() {}",
     "stub implements java.lang.Runnable"),
    ("wrong string constant", "stub:android/content/pm/PackageManager.java",
     '"android.hardware.strongbox_keystore"', '"android.hardware.strongbox"',
     "FEATURE_STRONGBOX_KEYSTORE: stub value"),
    ("unused stub class", "add-stub:android/os/SystemClock.java", "",
     "package android.os;\n\npublic final class SystemClock {\n    private SystemClock() {}\n}\n",
     "android.os.SystemClock: stub class not used"),
    ("flutter method not in the embedding", "stub:io/flutter/embedding/engine/plugins/FlutterPlugin.java",
     "public android.content.Context getApplicationContext() {",
     "public android.content.Context getContext() {\n            throw new RuntimeException();\n        }\n\n"
     "        public android.content.Context getApplicationContext() {",
     "android.content.Context getContext() is not in the embedding"),
    ("flutter interface incomplete", "stub:io/flutter/embedding/engine/plugins/activity/ActivityAware.java",
     "    void onDetachedFromActivity();\n", "",
     "stub lacks void onDetachedFromActivity()"),
    ("flutter constructor not in the embedding", "stub:io/flutter/plugin/common/MethodChannel.java",
     "public MethodChannel(BinaryMessenger messenger, String name) {",
     "public MethodChannel(String name) {\n        throw new RuntimeException(\"Stub!\");\n    }\n\n"
     "    public MethodChannel(BinaryMessenger messenger, String name) {",
     "constructor (java.lang.String) is not in the embedding"),
    ("flutter field of the wrong type", "stub:io/flutter/plugin/common/MethodCall.java",
     "public final String method;", "public final Object method;",
     "MethodCall.method: stub field java.lang.Object is not in the embedding"),
    ("wrong mirrored constant", "main:dev/keybound/PromptPolicy.java",
     "BIOMETRIC_STRONG = 15;", "BIOMETRIC_STRONG = 255;",
     "PromptPolicy.BIOMETRIC_STRONG = 255 copies android.hardware.biometrics.BiometricManager.Authenticators"),
    ("mirror of a constant that does not exist", "main:dev/keybound/KeyPolicy.java",
     '@Mirrors("android.security.keystore.KeyProperties.PURPOSE_SIGN")',
     '@Mirrors("android.security.keystore.KeyProperties.PURPOSE_SIGNING")',
     "PURPOSE_SIGNING: no row in constants.tsv"),
    ("negative button code drifts from docs/android-facts.md", "main:dev/keybound/PromptErrors.java",
     "NEGATIVE_BUTTON = 13;", "NEGATIVE_BUTTON = 12;",
     "dev.keybound.PromptErrors.NEGATIVE_BUTTON = 12"),
    ("docs/android-facts.md records a wrong value", "facts:",
     "| `BIOMETRIC_ERROR_USER_CANCELED` | 10 |", "| `BIOMETRIC_ERROR_USER_CANCELED` | 11 |",
     "PromptErrors.USER_CANCELED = 10 copies android.hardware.biometrics.BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED,"
     " but docs/android-facts.md (BiometricPrompt) says 11"),
    ("docs/android-facts.md loses a table row", "facts:",
     "| `BIOMETRIC_STRONG` | 15 |", "| BIOMETRIC_STRONG | 15 |",
     "gives nothing in docs/android-facts.md 'BiometricManager'"),
]


def javac(out: Path, sources: list, classpath: str | None = None) -> None:
    cmd = ["javac", "--release", "11", "-nowarn", "-d", str(out)]
    if classpath:
        cmd += ["-cp", classpath]
    subprocess.run(cmd + [str(s) for s in sources], check=True, capture_output=True, text=True)


def compile_stubs(work: Path, stub_src: Path) -> Path:
    stubs_dir = work / "stubs"
    stubs_dir.mkdir()
    javac(stubs_dir, sorted(stub_src.rglob("*.java")))
    jar = work / "stubs.jar"
    subprocess.run(["jar", "cf", str(jar), "-C", str(stubs_dir), "."], check=True)
    return jar


def compile_main(work: Path, main_src: Path, jar: Path) -> Path:
    main_dir = work / "main"
    main_dir.mkdir()
    javac(main_dir, sorted(main_src.rglob("*.java")), classpath=str(jar))
    return main_dir


def run_checker(jar: Path, main_dir: Path, main_src: Path, facts: Path = FACTS) -> tuple[bool, str]:
    errors, summary = check_stubs.run(
        ["--stubs", str(jar), "--main", str(main_dir), "--main-src", str(main_src), "--facts", str(facts)])
    return not errors, "\n".join(["MISMATCH: " + e for e in errors] + [summary])


def run_case(base_jar: Path, base_main: Path, case) -> str | None:
    """Plants one mistake. A stub mistake is checked against the main classes
    compiled from the real stubs (the checker reads them without linking), so
    mistakes that would stop main from compiling are still checked."""
    _name, target, old, new, expected = case
    with tempfile.TemporaryDirectory(prefix="kb-stubcheck-") as tmp:
        work = Path(tmp)
        kind, _, rel = target.partition(":")
        jar, main_dir, main_src, facts = base_jar, base_main, MAIN_SRC, FACTS
        try:
            if kind == "facts":
                facts = work / "planted-facts.txt"
                text = FACTS.read_text(encoding="utf-8")
                if old not in text:
                    return f"could not plant: {old!r} not in docs/android-facts.md"
                facts.write_text(text.replace(old, new, 1), encoding="utf-8")
            elif kind in ("stub", "add-stub"):
                stub_src = work / "stub-src"
                shutil.copytree(STUB_SRC, stub_src)
                path = stub_src / rel
                if kind == "add-stub":
                    path.write_text(new)
                elif old not in path.read_text():
                    return f"could not plant: {old!r} not in {rel}"
                else:
                    path.write_text(path.read_text().replace(old, new, 1))
                jar = compile_stubs(work, stub_src)
            else:
                main_src = work / "main-src"
                shutil.copytree(MAIN_SRC, main_src)
                path = main_src / rel
                if old not in path.read_text():
                    return f"could not plant: {old!r} not in {rel}"
                path.write_text(path.read_text().replace(old, new, 1))
                main_dir = compile_main(work, main_src, jar)
        except subprocess.CalledProcessError as e:
            return f"planted tree did not compile: {e.stderr[-500:]}"
        ok, out = run_checker(jar, main_dir, main_src, facts)
        if ok:
            return "checker passed a planted mistake"
        if expected not in out:
            return f"checker failed without naming the mistake ({expected!r}):\n{out}"
        return None


def main() -> int:
    from concurrent.futures import ThreadPoolExecutor

    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="kb-stubcheck-") as tmp:
        work = Path(tmp)
        base_jar = compile_stubs(work, STUB_SRC)
        base_main = compile_main(work, MAIN_SRC, base_jar)
        ok, out = run_checker(base_jar, base_main, MAIN_SRC)
        if ok:
            passed += 1
            print("ok   real stubs pass")
        else:
            failed += 1
            print("FAIL real stubs pass\n" + out)
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda c: run_case(base_jar, base_main, c), CASES))
    for case, problem in zip(CASES, results):
        if problem is None:
            passed += 1
            print(f"ok   catches: {case[0]}")
        else:
            failed += 1
            print(f"FAIL catches: {case[0]}: {problem}")
    print(f"checker-tests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
