use super::*;
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_ASN1_SIGNING,
    ECDSA_P256_SHA256_FIXED,
};

/// DER INTEGER of a big-endian magnitude, written independently of the code
/// under test: strip leading zeros, add one zero if the high bit is set.
fn der_int(magnitude: &[u8]) -> Vec<u8> {
    let first = magnitude.iter().position(|&b| b != 0);
    let mut v: Vec<u8> = match first {
        Some(i) => magnitude[i..].to_vec(),
        None => vec![0],
    };
    if v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    let mut out = vec![0x02, v.len() as u8];
    out.extend(v);
    out
}

fn der_seq(content: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30, content.len() as u8];
    out.extend_from_slice(content);
    out
}

fn der_sig(r: &[u8], s: &[u8]) -> Vec<u8> {
    der_seq(&[der_int(r), der_int(s)].concat())
}

fn scalar(last: u8) -> [u8; 32] {
    let mut v = [0u8; 32];
    v[31] = last;
    v
}

#[test]
fn ring_der_signatures_convert_and_verify() {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let key =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.public_key().as_ref());
    // Many signatures, so both 32- and 33-byte DER integers occur.
    for i in 0..64u8 {
        let message = [i; 10];
        let der = key.sign(&rng, &message).unwrap();
        let raw = der_to_raw(der.as_ref()).unwrap();
        public.verify(&message, &raw).unwrap();
        assert!(public.verify(b"other", &raw).is_err());
    }
}

#[test]
fn leading_zero_before_high_bit_is_stripped() {
    let mut r = [0x11u8; 32];
    r[0] = 0x80;
    let s = [0x22u8; 32];
    let der = der_sig(&r, &s);
    assert_eq!(&der[2..5], &[0x02, 0x21, 0x00]);
    let raw = der_to_raw(&der).unwrap();
    assert_eq!(&raw[..32], &r);
    assert_eq!(&raw[32..], &s);
}

#[test]
fn short_integers_are_left_padded() {
    let der = der_sig(&scalar(1), &[0x7f; 31]);
    assert_eq!(
        der,
        [0x30, 0x24, 0x02, 0x01, 0x01, 0x02, 0x1f]
            .iter()
            .copied()
            .chain([0x7f; 31])
            .collect::<Vec<u8>>()
    );
    let raw = der_to_raw(&der).unwrap();
    assert_eq!(raw[..32], scalar(1));
    assert_eq!(raw[32], 0);
    assert_eq!(raw[33..], [0x7f; 31]);
}

#[test]
fn range_is_one_to_order_minus_one() {
    let mut n_minus_1 = P256_ORDER;
    n_minus_1[31] -= 1;
    assert!(der_to_raw(&der_sig(&n_minus_1, &n_minus_1)).is_ok());
    for (r, s) in [
        (scalar(0), scalar(1)),
        (scalar(1), scalar(0)),
        (P256_ORDER, scalar(1)),
        (scalar(1), P256_ORDER),
        (scalar(1), [0xff; 32]),
    ] {
        assert_eq!(
            der_to_raw(&der_sig(&r, &s)),
            Err(SignatureFormatError::OutOfRange)
        );
    }
}

#[test]
fn strict_der_violations() {
    use SignatureFormatError::*;
    let good = der_sig(&[0x11; 32], &[0x22; 32]);
    let body = &good[2..];
    let r = der_int(&[0x11; 32]);
    let s = der_int(&[0x22; 32]);
    let cases: Vec<(Vec<u8>, SignatureFormatError)> = vec![
        (vec![], InvalidStructure),
        (vec![0x30], InvalidStructure),
        (vec![0x30, 0x00], InvalidStructure),
        ([&[0x31, good[1]], body].concat(), InvalidStructure), // SET, not SEQUENCE
        (good[..good.len() - 1].to_vec(), InvalidStructure),   // truncated
        ([&good[..], &[0x00]].concat(), TrailingData),         // garbage after
        (
            der_seq(&[&r[..], &s, &[0x02, 0x01, 0x01]].concat()),
            TrailingData,
        ),
        // Long-form lengths where the short form fits.
        ([&[0x30, 0x81, good[1]], body].concat(), NonMinimalEncoding),
        ([&[0x30, 0x80], body, &[0, 0]].concat(), NonMinimalEncoding),
        (
            der_seq(&[&[0x02, 0x81, 0x20][..], &[0x11; 32], &s].concat()),
            NonMinimalEncoding,
        ),
        // Integer with a superfluous leading zero.
        (
            der_seq(&[&[0x02, 0x21, 0x00][..], &[0x11; 32], &s].concat()),
            NonMinimalEncoding,
        ),
        (
            der_seq(&[&[0x02, 0x02, 0x00, 0x01][..], &s].concat()),
            NonMinimalEncoding,
        ),
        // Negative integer.
        (
            der_seq(&[&[0x02, 0x01, 0x80][..], &s].concat()),
            NegativeInteger,
        ),
        (
            der_seq(&[&[0x02, 0x20][..], &[0xff; 32], &s].concat()),
            NegativeInteger,
        ),
        // 33-byte magnitude.
        (
            der_seq(&[&[0x02, 0x21, 0x01][..], &[0x11; 32], &s].concat()),
            IntegerTooLarge,
        ),
        // Empty INTEGER, wrong inner tag, one integer only.
        (der_seq(&[&[0x02, 0x00][..], &s].concat()), InvalidStructure),
        (
            der_seq(&[&[0x03, 0x01, 0x01][..], &s].concat()),
            InvalidStructure,
        ),
        (der_seq(&r), InvalidStructure),
    ];
    for (i, (input, expected)) in cases.iter().enumerate() {
        assert_eq!(der_to_raw(input), Err(*expected), "case {i}: {input:02x?}");
    }
}

#[test]
fn raw_range_check() {
    let mut raw = [0x11u8; 64];
    assert!(raw_scalars_in_range(&raw));
    raw[..32].copy_from_slice(&P256_ORDER);
    assert!(!raw_scalars_in_range(&raw));
    raw[..32].copy_from_slice(&[0; 32]);
    assert!(!raw_scalars_in_range(&raw));
}
