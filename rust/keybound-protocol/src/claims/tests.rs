use super::*;
use serde_json::json;

fn claims() -> Claims {
    Claims {
        aud: "https://api.example.com".into(),
        nonce: "challenge".into(),
        iat: 1_700_000_000,
        exp: 1_700_000_120,
        jti: "AAECAwQFBgcICQoLDA0ODw".into(),
        auth: AuthMethod::Biometric,
        txn: None,
    }
}

#[test]
fn txn_hash_vectors() {
    // python3: base64.urlsafe_b64encode(hashlib.sha256(b"abc").digest()).rstrip(b"=")
    assert_eq!(
        txn_hash(b"abc"),
        "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
    );
    assert_eq!(txn_hash(b""), "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
}

#[test]
fn new_jti_is_128_random_bits_base64url() {
    let a = new_jti().unwrap();
    let b = new_jti().unwrap();
    assert_eq!(a.len(), 22);
    assert_eq!(b64::decode(&a).unwrap().len(), 16);
    assert!(jti_ok(&a));
    assert_ne!(a, b);
}

#[test]
fn serializes_as_the_payload() {
    let value = serde_json::to_value(claims()).unwrap();
    assert_eq!(
        value,
        json!({
            "aud": "https://api.example.com",
            "nonce": "challenge",
            "iat": 1_700_000_000,
            "exp": 1_700_000_120,
            "jti": "AAECAwQFBgcICQoLDA0ODw",
            "auth": "biometric",
        })
    );
    let with_txn = Claims {
        auth: AuthMethod::DeviceCredential,
        txn: Some(txn_hash(b"abc")),
        ..claims()
    };
    let value = serde_json::to_value(&with_txn).unwrap();
    assert_eq!(value["auth"], "device_credential");
    assert_eq!(value["txn"], txn_hash(b"abc"));
    assert_eq!(serde_json::from_value::<Claims>(value).unwrap(), with_txn);
}

#[test]
fn debug_hides_the_nonce() {
    let shown = format!("{:?}", claims());
    assert!(!shown.contains("challenge"), "{shown}");
    assert!(shown.contains("<redacted>"));
    assert!(shown.contains("AAECAwQFBgcICQoLDA0ODw"));
}

#[test]
fn validate_accepts_the_boundaries() {
    let max = Claims {
        nonce: "n".repeat(MAX_NONCE_CHARS),
        jti: "A".repeat(MAX_JTI_CHARS),
        exp: claims().iat + MAX_LIFETIME_SECS,
        txn: Some(txn_hash(b"t")),
        ..claims()
    };
    max.validate().unwrap();
    let min = Claims {
        nonce: "n".into(),
        jti: "A".repeat(MIN_JTI_CHARS),
        exp: claims().iat + 1,
        ..claims()
    };
    min.validate().unwrap();
}

#[test]
fn validate_rejects_what_a_verifier_rejects() {
    let cases = [
        (
            Claims {
                nonce: String::new(),
                ..claims()
            },
            "nonce",
        ),
        (
            Claims {
                nonce: "n".repeat(MAX_NONCE_CHARS + 1),
                ..claims()
            },
            "nonce",
        ),
        (
            Claims {
                jti: "A".repeat(MIN_JTI_CHARS - 1),
                ..claims()
            },
            "jti",
        ),
        (
            Claims {
                jti: "A".repeat(MAX_JTI_CHARS + 1),
                ..claims()
            },
            "jti",
        ),
        (
            Claims {
                jti: "AAECAwQFBgcICQoLDA0OD/".into(),
                ..claims()
            },
            "jti",
        ),
        (
            Claims {
                exp: claims().iat,
                ..claims()
            },
            "exp",
        ),
        (
            Claims {
                exp: claims().iat - 1,
                ..claims()
            },
            "exp",
        ),
        (
            Claims {
                exp: claims().iat + MAX_LIFETIME_SECS + 1,
                ..claims()
            },
            "exp",
        ),
        (
            Claims {
                iat: i64::MIN,
                exp: i64::MAX,
                ..claims()
            },
            "exp",
        ),
        (
            Claims {
                txn: Some("abc".into()),
                ..claims()
            },
            "txn",
        ),
        (
            Claims {
                txn: Some(format!("{}=", txn_hash(b"t"))),
                ..claims()
            },
            "txn",
        ),
    ];
    for (claims, name) in cases {
        match claims.validate() {
            Err(BuildError::InvalidClaim(n)) => assert_eq!(n, name),
            other => panic!("{claims:?}: {other:?}"),
        }
    }
}

#[test]
fn from_payload_reads_claims_and_ignores_unknown_ones() {
    let mut value = serde_json::to_value(claims()).unwrap();
    value["unknown"] = json!({"any": ["thing"]});
    let map = value.as_object().unwrap();
    assert_eq!(Claims::from_payload(map).unwrap(), claims());
}

#[test]
fn from_payload_negative_integers_are_integers() {
    // Types, not plausibility, are checked here; time rules come later.
    let mut value = serde_json::to_value(claims()).unwrap();
    value["iat"] = json!(-5);
    value["exp"] = json!(-1);
    let parsed = Claims::from_payload(value.as_object().unwrap()).unwrap();
    assert_eq!((parsed.iat, parsed.exp), (-5, -1));
}

#[test]
fn lifetime_rule() {
    assert!(!lifetime_violated(0, 1));
    assert!(!lifetime_violated(0, 300));
    assert!(lifetime_violated(0, 301));
    assert!(lifetime_violated(0, 0));
    assert!(lifetime_violated(1, 0));
    assert!(lifetime_violated(i64::MIN, i64::MAX));
    assert!(lifetime_violated(i64::MAX, i64::MIN));
}
