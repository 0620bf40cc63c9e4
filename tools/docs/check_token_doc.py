#!/usr/bin/env python3
"""docs/token-format.md says what rust/keybound-protocol does.

The token page is the contract other backends implement, so its numbers and
codes must be the code's. This check reads them from the protocol crate's
sources (no build needed) and fails when the page disagrees:

  - the error codes table (section "Error codes") lists exactly the codes of
    `TokenError::code` in `rust/keybound-protocol/src/error.rs`, in order;
  - the limits the page states are the crate's constants: the token size
    (`MAX_TOKEN_BYTES`), the `typ` (`TOKEN_TYPE`), the longest lifetime
    (`MAX_LIFETIME_SECS`), the default leeway (`DEFAULT_LEEWAY_SECS`) in
    `src/lib.rs`; the `nonce` and `jti` lengths in `src/claims.rs`; `ALG`
    and the forbidden header members in `src/jws.rs`.

Before the real files it runs its own cases (the real page passes; a page
with a code missing, a wrong limit or a missing header member fails), so the
check is shown to be able to fail. Prints `check-token-doc: N passed,
N failed` last. Plain python3, reads only.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs/token-format.md"
PROTOCOL = ROOT / "rust" / "keybound-protocol" / "src"


def const(source: str, name: str) -> str:
    m = re.search(rf"pub(?:\(crate\))? const {name}: [^=]+= ([^;]+);", source)
    if not m:
        raise SystemExit(f"check-token-doc: constant {name} not found in the protocol crate")
    return m.group(1).strip().strip('"')


def code_facts() -> dict:
    lib = (PROTOCOL / "lib.rs").read_text(encoding="utf-8")
    claims = (PROTOCOL / "claims.rs").read_text(encoding="utf-8")
    jws = (PROTOCOL / "jws.rs").read_text(encoding="utf-8")
    error = (PROTOCOL / "error.rs").read_text(encoding="utf-8")
    code_fn = error[error.index("pub fn code(&self)"):]
    code_fn = code_fn[:code_fn.index("\n    }\n")]
    forbidden = re.search(r"FORBIDDEN_HEADER_MEMBERS: \[&str; \d+\] = \[([^\]]*)\]", jws)
    if not forbidden:
        raise SystemExit("check-token-doc: FORBIDDEN_HEADER_MEMBERS not found in jws.rs")
    return {
        "codes": re.findall(r'TokenError::\w+ => "([a-z_]+)"', code_fn),
        "max_token_bytes": const(lib, "MAX_TOKEN_BYTES"),
        "token_type": const(lib, "TOKEN_TYPE"),
        "max_lifetime": const(lib, "MAX_LIFETIME_SECS"),
        "leeway": const(lib, "DEFAULT_LEEWAY_SECS"),
        "max_nonce": const(claims, "MAX_NONCE_CHARS"),
        "min_jti": const(claims, "MIN_JTI_CHARS"),
        "max_jti": const(claims, "MAX_JTI_CHARS"),
        "alg": const(jws, "ALG"),
        "forbidden": re.findall(r'"([^"]+)"', forbidden.group(1)),
    }


def section(doc: str, title: str) -> str:
    m = re.search(rf"^## (?:\d+\. )?{re.escape(title)}\b.*?$(.*?)(?=^## |\Z)", doc, re.M | re.S)
    return m.group(1) if m else ""


def problems(doc: str, facts: dict) -> list[str]:
    found = []
    table = section(doc, "Error codes")
    listed = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
    if listed != facts["codes"]:
        found.append(f"error codes table lists {listed}, TokenError::code gives {facts['codes']}")
    expected_phrases = {
        "token size": f"At most **{facts['max_token_bytes']} bytes**",
        "typ": f'"typ":"{facts["token_type"]}"',
        "alg": f"exactly `{facts['alg']}`",
        "lifetime": f"`iat < exp <= iat + {facts['max_lifetime']}`",
        "lifetime check": f"`exp - iat > {facts['max_lifetime']}`",
        "leeway": f"default {facts['leeway']} s",
        "nonce length": f"1 to {facts['max_nonce']} characters",
        "jti length": f"{facts['min_jti']} to {facts['max_jti']} characters",
    }
    for what, phrase in expected_phrases.items():
        if phrase not in doc:
            found.append(f"the {what} does not read {phrase!r}")
    header = section(doc, "Protected header")
    for member in facts["forbidden"]:
        if f"`{member}`" not in header:
            found.append(f"forbidden header member `{member}` is not in the header section")
    return found


def main() -> int:
    facts = code_facts()
    doc = DOC.read_text(encoding="utf-8")
    first_code = facts["codes"][0] if facts["codes"] else "malformed"
    cases = [
        ("the page as it is", doc, False),
        ("an error code missing from the table", re.sub(rf"^\| `{first_code}` \|.*\n", "", doc, count=1,
                                                        flags=re.M), True),
        ("a wrong size limit", doc.replace(f"**{facts['max_token_bytes']} bytes**", "**8192 bytes**"), True),
        ("a forbidden header member missing", doc.replace("`x5t#S256`", "`x5t256`"), True),
        ("a wrong leeway", doc.replace(f"default {facts['leeway']} s", "default 30 s"), True),
    ]
    passed = failed = 0
    for what, text, must_fail in cases:
        got = problems(text, facts)
        if bool(got) == must_fail:
            passed += 1
            print(f"ok   {what}")
        else:
            failed += 1
            print(f"FAIL {what}: expected {'a problem' if must_fail else 'none'}, got {got}")
    if not facts["codes"]:
        failed += 1
        print("FAIL no error codes read from error.rs")
    print(f"check-token-doc: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
