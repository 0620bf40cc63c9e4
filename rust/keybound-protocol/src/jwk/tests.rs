use super::*;

/// RFC 7517 Appendix A.1's example P-256 public key.
const RFC_X: &str = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4";
const RFC_Y: &str = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM";
/// Its RFC 7638 thumbprint, computed independently with Python jwcrypto 1.5:
/// `jwk.JWK(kty="EC", crv="P-256", x=RFC_X, y=RFC_Y).thumbprint()`.
const RFC_THUMBPRINT: &str = "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s";

/// `KeyPairGenerator.getInstance("EC")` with `ECGenParameterSpec("secp256r1")`
/// on OpenJDK 17, `getPublic().getEncoded()` (format "X.509"), hex.
const JDK_SPKI_HEX: &str = "3059301306072a8648ce3d020106082a8648ce3d03010703420004303a698d9e43101de685a81dbc1668b5e14ddae63784e96a59d2836aac2171ff1b18c7d6716815225864f7d56ff72f2012478ad8ce7f10c9fea46ce2f0ee9cd9";
/// The same key as jwcrypto exports it (`JWK.from_pyca(load_der_public_key(der))`),
/// and its jwcrypto thumbprint.
const JDK_X: &str = "MDppjZ5DEB3mhagdvBZoteFN2uY3hOlqWdKDaqwhcf8";
const JDK_Y: &str = "GxjH1nFoFSJYZPfVb_cvIBJHitjOfxDJ_qRs4vDunNk";
const JDK_THUMBPRINT: &str = "8qenvUgnM2I__OS6oG4x1rAGQ6ObsadYEGOCymLpA5Q";

/// The P-256 field prime p, big-endian.
const P: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
];

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn rfc_jwk() -> Jwk {
    Jwk {
        crv: "P-256".into(),
        kty: "EC".into(),
        x: RFC_X.into(),
        y: RFC_Y.into(),
    }
}

fn rfc_sec1() -> Vec<u8> {
    [
        &[4u8][..],
        &b64::decode(RFC_X).unwrap(),
        &b64::decode(RFC_Y).unwrap(),
    ]
    .concat()
}

#[test]
fn thumbprint_matches_jwcrypto() {
    assert_eq!(rfc_jwk().thumbprint(), RFC_THUMBPRINT);
}

#[test]
fn thumbprint_is_sha256_of_the_canonical_json() {
    // RFC 7638 §3, done by hand: required members, lexicographic order, no
    // whitespace.
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{RFC_X}","y":"{RFC_Y}"}}"#);
    assert_eq!(rfc_jwk().to_json(), canonical);
    let digest = digest::digest(&digest::SHA256, canonical.as_bytes());
    assert_eq!(rfc_jwk().thumbprint(), b64::encode(digest.as_ref()));
    assert_eq!(rfc_jwk().thumbprint().len(), 43);
}

#[test]
fn from_spki_der_of_a_jdk_key() {
    let jwk = Jwk::from_spki_der(&hex(JDK_SPKI_HEX)).unwrap();
    assert_eq!(jwk.x, JDK_X);
    assert_eq!(jwk.y, JDK_Y);
    assert_eq!(jwk.thumbprint(), JDK_THUMBPRINT);
}

#[test]
fn from_spki_der_rejects_other_shapes() {
    let spki = hex(JDK_SPKI_HEX);
    let mut p384_oid = spki.clone();
    p384_oid[22] = 0x22; // ...03 01 07 -> ...03 01 22 isn't P-256
    let mut compressed = spki[..26].to_vec();
    compressed[1] = 0x39;
    compressed[24] = 0x22;
    compressed.extend_from_slice(&[0x02; 33]);
    for bad in [
        vec![],
        spki[..90].to_vec(),
        [&spki[..], &[0]].concat(),
        p384_oid,
        compressed,
        spki[26..].to_vec(), // a bare SEC1 point is not an SPKI
    ] {
        assert_eq!(Jwk::from_spki_der(&bad), Err(KeyError::UnsupportedSpki));
    }
    // Right shape, point not on the curve.
    let mut off_curve = spki.clone();
    off_curve[90] ^= 1;
    assert_eq!(Jwk::from_spki_der(&off_curve), Err(KeyError::NotOnCurve));
}

#[test]
fn from_sec1_validates_the_point() {
    let good = rfc_sec1();
    assert_eq!(Jwk::from_sec1(&good).unwrap(), rfc_jwk());

    let mut off_curve = good.clone();
    off_curve[64] ^= 1;
    assert_eq!(Jwk::from_sec1(&off_curve), Err(KeyError::NotOnCurve));

    // x = p is not a field element: coordinates must be below p (x = p
    // would otherwise alias x = 0).
    let x_is_p = [&[4u8][..], &P, &good[33..]].concat();
    assert_eq!(Jwk::from_sec1(&x_is_p), Err(KeyError::NotOnCurve));

    // The point at infinity has no affine form; all zeros is not on the curve.
    assert_eq!(
        Jwk::from_sec1(&[&[4u8][..], &[0; 64]].concat()),
        Err(KeyError::NotOnCurve)
    );

    let mut compressed = good.clone();
    compressed[0] = 0x02;
    assert_eq!(Jwk::from_sec1(&compressed), Err(KeyError::NotUncompressed));
    assert_eq!(Jwk::from_sec1(&good[..33]), Err(KeyError::InvalidLength));
    assert_eq!(Jwk::from_sec1(&[]), Err(KeyError::InvalidLength));
}

#[test]
fn to_sec1_round_trips() {
    assert_eq!(rfc_jwk().to_sec1().unwrap().to_vec(), rfc_sec1());
    let bad_kty = Jwk {
        kty: "RSA".into(),
        ..rfc_jwk()
    };
    assert_eq!(bad_kty.to_sec1(), Err(KeyError::UnsupportedKeyType));
    let bad_crv = Jwk {
        crv: "P-384".into(),
        ..rfc_jwk()
    };
    assert_eq!(bad_crv.to_sec1(), Err(KeyError::UnsupportedCurve));
    let short = Jwk {
        x: RFC_X[..42].into(),
        ..rfc_jwk()
    };
    assert_eq!(short.to_sec1(), Err(KeyError::InvalidCoordinate));
}

#[test]
fn from_json_accepts_a_public_jwk_with_extra_members() {
    let json = format!(
        r#"{{"kty":"EC","use":"sig","crv":"P-256","kid":"whatever","x":"{RFC_X}","y":"{RFC_Y}"}}"#
    );
    assert_eq!(Jwk::from_json(&json).unwrap(), rfc_jwk());
    assert_eq!(Jwk::from_json(&rfc_jwk().to_json()).unwrap(), rfc_jwk());
}

#[test]
fn from_json_rejects() {
    let with = |kty: &str, crv: &str, x: &str, y: &str| {
        format!(r#"{{"kty":{kty},"crv":{crv},"x":{x},"y":{y}}}"#)
    };
    let x = format!("\"{RFC_X}\"");
    let y = format!("\"{RFC_Y}\"");
    // Flip the last y character: same length, different (off-curve) point.
    let y_off = format!("\"{}I\"", &RFC_Y[..42]);
    let cases: Vec<(String, KeyError)> = vec![
        (
            with("\"RSA\"", "\"P-256\"", &x, &y),
            KeyError::UnsupportedKeyType,
        ),
        (
            with("\"OKP\"", "\"Ed25519\"", &x, &y),
            KeyError::UnsupportedKeyType,
        ),
        (
            with("\"EC\"", "\"P-384\"", &x, &y),
            KeyError::UnsupportedCurve,
        ),
        (
            with("\"EC\"", "\"p-256\"", &x, &y),
            KeyError::UnsupportedCurve,
        ),
        (
            with("\"EC\"", "\"P-256\"", &format!("\"{RFC_X}=\""), &y),
            KeyError::InvalidCoordinate,
        ),
        (
            with("\"EC\"", "\"P-256\"", &format!("\"{}\"", &RFC_X[1..]), &y),
            KeyError::InvalidCoordinate,
        ),
        (
            with("\"EC\"", "\"P-256\"", &format!("\"A{RFC_X}\""), &y),
            KeyError::InvalidCoordinate,
        ),
        // Non-canonical: last character with non-zero trailing bits.
        (
            with("\"EC\"", "\"P-256\"", &format!("\"{}F\"", &RFC_X[..42]), &y),
            KeyError::InvalidCoordinate,
        ),
        (
            with("\"EC\"", "\"P-256\"", &x, &y_off),
            KeyError::NotOnCurve,
        ),
        (with("\"EC\"", "\"P-256\"", "1", &y), KeyError::InvalidJson),
        (
            format!(r#"{{"kty":"EC","crv":"P-256","x":{x}}}"#),
            KeyError::InvalidJson,
        ),
        (
            format!(r#"{{"kty":"EC","kty":"EC","crv":"P-256","x":{x},"y":{y}}}"#),
            KeyError::InvalidJson,
        ),
        (
            format!(r#"{{"kty":"EC","crv":"P-256","x":{x},"y":{y},"d":"AAAA"}}"#),
            KeyError::PrivateKeyMaterial,
        ),
        ("[]".into(), KeyError::InvalidJson),
        ("".into(), KeyError::InvalidJson),
        (" ".repeat(MAX_JWK_BYTES + 1), KeyError::TooLarge),
    ];
    for (json, expected) in cases {
        assert_eq!(Jwk::from_json(&json), Err(expected), "{json}");
    }
}

#[test]
fn serde_round_trip_is_canonical_and_validates() {
    let json = serde_json::to_string(&rfc_jwk()).unwrap();
    assert_eq!(json, rfc_jwk().to_json());
    let back: Jwk = serde_json::from_str(&json).unwrap();
    assert_eq!(back, rfc_jwk());
    let off_curve = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{RFC_X}","y":"{}I"}}"#,
        &RFC_Y[..42]
    );
    assert!(serde_json::from_str::<Jwk>(&off_curve).is_err());
    let private = format!(r#"{{"kty":"EC","crv":"P-256","x":"{RFC_X}","y":"{RFC_Y}","d":"x"}}"#);
    assert!(serde_json::from_str::<Jwk>(&private).is_err());
}
