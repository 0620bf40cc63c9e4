"""One timed round of PyJWT (cryptography backend) over keybound tokens.

Usage: pyjwt_round.py TOKENS_FILE JWK_FILE AUDIENCE
Prints the verifications per second on stdout. The key is imported once,
outside the timing, as a server would keep it; every token is fully
verified (ES256 signature, exp, iat, aud). The first 200 tokens warm up.
"""
import json
import sys
import time

import jwt

tokens_path, jwk_path, audience = sys.argv[1:4]
with open(tokens_path) as f:
    tokens = [line.strip() for line in f if line.strip()]
with open(jwk_path) as f:
    key = jwt.PyJWK(json.load(f), algorithm="ES256").key


def check(token):
    claims = jwt.decode(token, key, algorithms=["ES256"], audience=audience,
                        options={"require": ["exp", "iat", "aud"]})
    if not claims.get("jti"):
        raise SystemExit("token without jti")


for t in tokens[:200]:
    check(t)
start = time.perf_counter()
for t in tokens:
    check(t)
elapsed = time.perf_counter() - start
print(f"{len(tokens) / elapsed:.1f}")
