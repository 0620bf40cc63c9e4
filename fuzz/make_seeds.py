#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (committed, small).

Seeds come from the real attestation chains of
rust/keybound-server/testdata/key-attestation and from tokens signed with
the fuzz device key of fuzz/src/lib.rs (same scalar, times, audience and
challenges: change both together), and the token and JWK of a `make demo`
run (made through the real JNI bridge and Java platform on a host JVM),
kept in demo-token.json (--demo-output FILE takes a new run's output and
updates that file).

Needs the `cryptography` package (installed by .ci/install.d/00-core.sh
with PyJWT). Deterministic except for ECDSA signatures, which are random.
"""
import argparse
import base64
import hashlib
import json
import pathlib
import shutil
import struct

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ROOT = pathlib.Path(__file__).resolve().parent
TESTDATA = ROOT.parent / "rust/keybound-server/testdata/key-attestation"
CORPUS = ROOT / "corpus"
DEMO_TOKEN = ROOT / "demo-token.json"

DEVICE_KEY_SCALAR = bytes([0x42] * 32)
NOW = 1_796_240_000
AUDIENCE = "https://fuzz.keybound.example"
TOKEN_NONCE = "ZnV6ei1jaGFsbGVuZ2UtMDEyMzQ1Njc4OWFi"
REGISTRATION_NONCE = "ZnV6ei1yZWdpc3RyYXRpb24tbm9uY2UtMDE"
# Every registration names its user (the server answers 400 missing_user_id).
USER_ID = "fuzz-user"
KEY_DESCRIPTION_OID = x509.ObjectIdentifier("1.3.6.1.4.1.11129.2.1.17")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def write(target: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def device_key() -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(DEVICE_KEY_SCALAR, "big"), ec.SECP256R1())


def jwk_of(public: ec.EllipticCurvePublicKey) -> dict:
    n = public.public_numbers()
    return {
        "crv": "P-256",
        "kty": "EC",
        "x": b64url(n.x.to_bytes(32, "big")),
        "y": b64url(n.y.to_bytes(32, "big")),
    }


def thumbprint(jwk: dict) -> str:
    canonical = json.dumps(
        {k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":")
    )
    return b64url(hashlib.sha256(canonical.encode()).digest())


def raw_of(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def token(key, header: dict, claims: dict) -> tuple[str, bytes]:
    """A compact JWS and the DER signature it was made from."""
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{h}.{p}".encode()
    der = key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
    return f"{h}.{p}.{b64url(raw_of(der))}", der


def chains() -> list[tuple[str, bytes, list[bytes]]]:
    """(name, PEM bytes, DER certificates) of every chain in the test data."""
    out = []
    for pem_path in sorted(TESTDATA.rglob("*.pem")):
        pem = pem_path.read_bytes()
        certs = x509.load_pem_x509_certificates(pem)
        ders = [c.public_bytes(serialization.Encoding.DER) for c in certs]
        out.append((str(pem_path.relative_to(TESTDATA)), pem, ders))
    return out


def inside_validity(ders: list[bytes]) -> int:
    certs = [x509.load_der_x509_certificate(d) for d in ders]
    return max(int(c.not_valid_before_utc.timestamp()) for c in certs) + 60


def token_seeds(demo: dict | None) -> list[tuple[str | None, str]]:
    """(JWK line or None, token) pairs; the second element of each is also
    used for the HTTP verify bodies."""
    key = device_key()
    jwk = jwk_of(key.public_key())
    kid = thumbprint(jwk)
    header = {"alg": "ES256", "typ": "keybound+jwt", "kid": kid}
    base = {
        "aud": AUDIENCE,
        "nonce": TOKEN_NONCE,
        "iat": NOW - 10,
        "exp": NOW + 110,
        "jti": "AAECAwQFBgcICQoLDA0ODw",
        "auth": "biometric",
    }
    out = []
    good, der = token(key, header, base)
    out.append((None, good))
    out.append((json.dumps(jwk, separators=(",", ":")), good))
    out.append((None, token(key, header, {**base, "auth": "device_credential", "jti": "ZnV6ei1qdGktMDAwMDAwMDE"})[0]))
    out.append((None, token(key, header, {**base, "txn": b64url(hashlib.sha256(b"pay 10 EUR").digest())})[0]))
    out.append((None, token(key, header, {**base, "exp": NOW + 600})[0]))
    out.append((None, token(key, {**header, "alg": "none"}, base)[0]))
    out.append((None, token(key, {**header, "crit": ["exp"]}, base)[0]))
    out.append((None, good.rsplit(".", 1)[0] + "."))
    if demo is not None:
        out.append((json.dumps(demo["jwk"], separators=(",", ":")), demo["token"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo-output", type=pathlib.Path, help="output of `make demo`")
    args = ap.parse_args()
    if args.demo_output:
        lines = [l for l in args.demo_output.read_text().splitlines() if l.strip()]
        DEMO_TOKEN.write_text(lines[-1] + "\n")
    demo = json.loads(DEMO_TOKEN.read_text()) if DEMO_TOKEN.exists() else None
    shutil.rmtree(CORPUS, ignore_errors=True)

    tokens = token_seeds(demo)
    for jwk_line, tok in tokens:
        write("token_verify", (f"{jwk_line}\n" if jwk_line else "").encode() + tok.encode())
        write("http_verify", json.dumps({"token": tok}).encode())
    write("http_verify", json.dumps({"token": tokens[3][1], "txn": "pay 10 EUR"}).encode())
    write("http_verify", b'{"token":""}')

    key = device_key()
    for message in (b"a", b"keybound fuzz seed", bytes(range(256))):
        der = key.sign(message, ec.ECDSA(hashes.SHA256()))
        write("der_to_raw", der)
        sig = der
        # Outcome layout: i32 outcome, i32 auth type, flag, u16 DER, flag, message.
        write("platform_results", b"\x01" + struct.pack("<iiBH", 0, 2, 1, len(sig)) + sig + b"\x01ok")
    write("platform_results", b"\x01" + struct.pack("<iiBH", 10, 0, 0, 0) + b"\x01User canceled")
    write("platform_results", b"\x01" + struct.pack("<iiBH", -1, 0, 0, 0) + b"\x01sign failed")

    jwk = jwk_of(key.public_key())
    for name, pem, ders in chains():
        write("chain_verify", pem)
        write("chain_verify", b"".join(ders))
        leaf = x509.load_der_x509_certificate(ders[0])
        try:
            ext = leaf.extensions.get_extension_for_oid(KEY_DESCRIPTION_OID)
            write("key_description", ext.value.value)
        except x509.ExtensionNotFound:
            pass
        body = json.dumps(
            {
                "nonce": REGISTRATION_NONCE,
                "userId": USER_ID,
                "attestationChain": [base64.b64encode(d).decode() for d in ders],
            }
        ).encode()
        write("http_keys", struct.pack("<IB", inside_validity(ders), 0) + body)
        spki = leaf.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if "_EC_" in name:
            # KeyInfo layout: i32 level, u16 SPKI, then u16 certificates.
            level = 2 if name.split("/")[-1].startswith("SB_") else 1
            info = struct.pack("<i", level) + struct.pack("<H", len(spki)) + spki
            for d in ders:
                info += struct.pack("<H", len(d)) + d
            write("platform_results", b"\x00" + info)
    write(
        "http_keys",
        struct.pack("<IB", NOW, 1) + json.dumps({"nonce": REGISTRATION_NONCE, "userId": USER_ID, "jwk": jwk}).encode(),
    )
    write("http_keys", struct.pack("<IB", NOW, 0) + json.dumps({"nonce": REGISTRATION_NONCE, "userId": USER_ID, "jwk": jwk}).encode())

    write("http_challenges", b"\x00")
    write("http_challenges", b"\x01{}")
    write("http_challenges", b'\x00{"nonce":"x"}')

    # status() layouts: api, strong biometric status, secure, strongbox.
    for values in ((34, 0, 1, 1), (28, -1, 1, 0), (30, 11, 0, 0), (33, 12, 1, 1), (29, 0, 1)):
        write("platform_status", struct.pack(f"<{len(values)}i", *values))


if __name__ == "__main__":
    main()
