#!/usr/bin/env python3
"""Checks the demo's closing JSON line with another JOSE library (PyJWT).

Reads the demo's output on stdin, takes its last line, and verifies the
token with the JWK, audience and nonce it names. Exit 0 only when PyJWT
accepts the token and its header and claims follow docs/token-format.md.
"""
import json
import sys

import jwt
from jwt.algorithms import ECAlgorithm


def main() -> int:
    lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
    if not lines:
        print("no demo output", file=sys.stderr)
        return 1
    last = json.loads(lines[-1])
    key = ECAlgorithm.from_jwk(json.dumps(last["jwk"]))
    header = jwt.get_unverified_header(last["token"])
    claims = jwt.decode(
        last["token"],
        key,
        algorithms=["ES256"],
        audience=last["audience"],
        options={"require": ["aud", "iat", "exp", "jti", "nonce", "auth"]},
    )
    problems = []
    if header.get("typ") != "keybound+jwt":
        problems.append(f"typ is {header.get('typ')!r}")
    if claims["nonce"] != last["nonce"]:
        problems.append("nonce differs")
    if not 0 < claims["exp"] - claims["iat"] <= 300:
        problems.append("lifetime out of range")
    if claims["auth"] not in ("biometric", "device_credential"):
        problems.append(f"auth is {claims['auth']!r}")
    if problems:
        print("PyJWT check failed: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"PyJWT {jwt.__version__} verified the demo token (kid {header['kid']}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
