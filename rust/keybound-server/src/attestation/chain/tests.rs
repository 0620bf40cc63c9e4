use super::*;
use crate::attestation::revocation::RevocationList;
use crate::attestation::testgen::{synthetic_chain, synthetic_chain_with, KdSpec, SYNTH_INSIDE};
use crate::testdata::{self, golden_cases, time_inside_validity, TODAY};

fn google() -> ChainVerifier {
    ChainVerifier::new(TrustRoots::google(), None)
}

#[test]
fn every_golden_chain_verifies_inside_its_validity_and_rkp_ones_are_expired_today() {
    for (name, pem, _) in golden_cases() {
        let ders = read_chain(&pem).unwrap();
        let at = time_inside_validity(&pem);
        let verified = google()
            .verify(&ders, at)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let expect_root = if name.contains("2026_ROOT") {
            "google-p384-ca1"
        } else {
            "google-rsa-4096"
        };
        assert_eq!(verified.root().name, expect_root, "{name}");
        assert_eq!(verified.certs().len(), ders.len());
        let today = google().verify(&ders, TODAY).map(|_| ());
        if testdata::is_factory_provisioned(&name) {
            // Its root certificate expired in May 2026: roots are pinned
            // by key, their dates do not count.
            assert_eq!(today, Ok(()), "{name}");
        } else {
            // The RKP intermediates (1: attestation, 2: Droid CA3) expired.
            let err = today.unwrap_err();
            assert!(
                matches!(err, ChainError::Expired { index: 1 | 2 }),
                "{name}: {err:?}"
            );
            assert_eq!(err.code(), "expired");
        }
    }
}

#[test]
fn the_leaf_creation_time_is_inside_validity_too() {
    for (name, pem, expected) in golden_cases() {
        let created_ms: i64 = expected["softwareEnforced"]["creationDateTime"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let ders = read_chain(&pem).unwrap();
        let result = google().verify(&ders, created_ms / 1000);
        // The Pixel 3 chain was created after its intermediates; all others
        // must verify at their creation time.
        assert!(result.is_ok(), "{name}: {result:?}");
    }
}

/// The invalid/ leaf was edited after signing (openssl agrees: "certificate
/// signature failure"): its out-of-order tags must still decode, and the
/// chain must fail on the signature, not on parsing.
#[test]
fn the_out_of_order_chain_parses_and_fails_on_its_edited_leaf_signature() {
    let ders = read_chain(&testdata::invalid_tags_order_pem()).unwrap();
    assert!(parse_chain(&ders).is_ok());
    assert_eq!(
        google().verify(&ders, TODAY).unwrap_err(),
        ChainError::BadSignature { index: 0 }
    );
    // The rest of the chain is genuine and current.
    let rest = ChainVerifier::new(TrustRoots::google(), None);
    let err = rest.verify(&ders[1..], TODAY).unwrap_err();
    assert_eq!(err, ChainError::MissingExtension);
}

#[test]
fn roots_json_matches_the_pins() {
    let text = std::fs::read_to_string(testdata::dir().join("roots.json")).unwrap();
    let pems: Vec<String> = serde_json::from_str(&text).unwrap();
    let mut names = Vec::new();
    for pem in pems {
        let ders = read_chain(pem.as_bytes()).unwrap();
        let certs = parse_chain(&ders).unwrap();
        let root = TrustRoots::google()
            .identify(certs[0].cert())
            .cloned()
            .unwrap();
        names.push(root.name);
        // Self-signed by the pinned key.
        verify_signature(&certs[0], &certs[0], 0).unwrap();
    }
    names.sort_unstable();
    assert_eq!(names, vec!["google-p384-ca1", "google-rsa-4096"]);
}

#[test]
fn every_rsa_root_certificate_in_the_data_shares_the_pinned_key() {
    for (name, pem, _) in golden_cases() {
        let certs = parse_chain(&read_chain(&pem).unwrap()).unwrap();
        assert!(
            TrustRoots::google()
                .identify(certs.last().unwrap().cert())
                .is_some(),
            "{name}"
        );
        // No other certificate is a root.
        for c in &certs[..certs.len() - 1] {
            assert!(TrustRoots::google().identify(c.cert()).is_none(), "{name}");
        }
    }
}

fn akita() -> (Vec<Vec<u8>>, i64) {
    let cases = golden_cases();
    let (_, pem, _) = cases
        .iter()
        .find(|c| c.0.contains("TEE_EC_NONE") && c.0.contains("akita"))
        .unwrap();
    (read_chain(pem).unwrap(), time_inside_validity(pem))
}

#[test]
fn an_unpinned_root_is_untrusted() {
    let (ders, at) = akita();
    let none = ChainVerifier::new(TrustRoots::dangerous_custom(vec![]), None);
    assert_eq!(
        none.verify(&ders, at).unwrap_err(),
        ChainError::UntrustedRoot
    );
    // A chain cut before the root ends in an intermediate: untrusted.
    assert_eq!(
        google().verify(&ders[..ders.len() - 1], at).unwrap_err(),
        ChainError::UntrustedRoot
    );
}

#[test]
fn a_tampered_signature_or_tbs_fails() {
    let (mut ders, at) = akita();
    let last = ders[1].len() - 1;
    ders[1][last] ^= 0x01;
    let err = google().verify(&ders, at).unwrap_err();
    assert!(
        matches!(
            err,
            ChainError::BadSignature { index: 1 } | ChainError::Malformed { index: 1 }
        ),
        "{err:?}"
    );

    // Swap the leaf for another device's leaf: signed by a different key.
    let (ders, at) = akita();
    let cases = golden_cases();
    let other = cases.iter().find(|c| c.0.contains("SB_RSA_NONE")).unwrap();
    let mut mixed = read_chain(&other.1).unwrap();
    mixed[1..].clone_from_slice(&ders[1..]);
    assert_eq!(
        google().verify(&mixed, at).unwrap_err(),
        ChainError::BadSignature { index: 0 }
    );
}

#[test]
fn wrong_order_fails() {
    let (mut ders, at) = akita();
    ders.swap(0, 1);
    let err = google().verify(&ders, at).unwrap_err();
    assert!(matches!(err, ChainError::BadSignature { .. }), "{err:?}");
}

#[test]
fn not_yet_valid_and_expired_name_the_certificate() {
    let (ders, at) = akita();
    // Before the intermediates' notBefore (the leaf is valid from 1970).
    let err = google().verify(&ders, 1_600_000_000).unwrap_err();
    assert!(
        matches!(err, ChainError::NotYetValid { index } if index > 0),
        "{err:?}"
    );
    assert_eq!(err.code(), "not_yet_valid");
    let err = google().verify(&ders, at + 200 * 86_400).unwrap_err();
    assert!(
        matches!(
            err,
            ChainError::Expired { index: 1 } | ChainError::Expired { index: 2 }
        ),
        "{err:?}"
    );
}

#[test]
fn a_revoked_serial_anywhere_in_the_chain_fails() {
    let (ders, at) = akita();
    let certs = parse_chain(&ders).unwrap();
    for (index, cert) in certs.iter().enumerate() {
        let serial = hex::encode(cert.cert().tbs_certificate().serial_number().as_bytes());
        let json = format!(r#"{{"entries":{{"{serial}":{{"status":"REVOKED"}}}}}}"#);
        let list = RevocationList::from_json(json.as_bytes()).unwrap();
        let v = ChainVerifier::new(TrustRoots::google(), Some(list));
        assert_eq!(
            v.verify(&ders, at).unwrap_err(),
            ChainError::Revoked { index }
        );
    }
    let list = RevocationList::from_json(br#"{"entries":{"1234":{"status":"REVOKED"}}}"#).unwrap();
    assert!(ChainVerifier::new(TrustRoots::google(), Some(list))
        .verify(&ders, at)
        .is_ok());
}

#[test]
fn size_limits_apply_before_parsing() {
    assert_eq!(parse_chain(&[]).unwrap_err(), ChainError::Empty);
    let many = vec![vec![0u8; 10]; MAX_CHAIN_LEN + 1];
    assert_eq!(parse_chain(&many).unwrap_err(), ChainError::TooLong);
    let big = vec![vec![0x30u8; MAX_CERT_LEN + 1]];
    assert_eq!(
        parse_chain(&big).unwrap_err(),
        ChainError::CertTooLarge { index: 0 }
    );
    assert_eq!(
        parse_chain(&[vec![0x30, 0x00]]).unwrap_err(),
        ChainError::Malformed { index: 0 }
    );
    assert_eq!(read_chain(b"").unwrap_err(), ChainError::Empty);
    assert_eq!(
        read_chain(b"-----BEGIN CERTIFICATE-----\nAAA").unwrap_err(),
        ChainError::Malformed { index: 0 }
    );
    assert_eq!(
        read_chain(&vec![b' '; MAX_PEM_LEN + 1]).unwrap_err(),
        ChainError::TooLong
    );
}

#[test]
fn der_concatenation_reads_like_pem() {
    let (ders, at) = akita();
    let concatenated = ders.concat();
    assert_eq!(read_chain(&concatenated).unwrap(), ders);
    assert!(google()
        .verify(&read_chain(&concatenated).unwrap(), at)
        .is_ok());
}

#[test]
fn synthetic_chain_verifies_with_its_custom_root_only() {
    let synth = synthetic_chain(&KdSpec::good(b"n").to_der());
    let custom = ChainVerifier::new(
        TrustRoots::dangerous_custom(vec![synth.root_pin.clone()]),
        None,
    );
    let verified = custom.verify(&synth.ders, SYNTH_INSIDE).unwrap();
    assert_eq!(verified.root().name, "synthetic-test-root");
    assert_eq!(verified.key_description().attestation_challenge, b"n");
    assert_eq!(
        google().verify(&synth.ders, SYNTH_INSIDE).unwrap_err(),
        ChainError::UntrustedRoot
    );
}

#[test]
fn the_extension_outside_the_leaf_is_rejected() {
    let kd = KdSpec::good(b"n").to_der();
    let synth = synthetic_chain_with(&kd, true);
    let custom = ChainVerifier::new(
        TrustRoots::dangerous_custom(vec![synth.root_pin.clone()]),
        None,
    );
    assert_eq!(
        custom.verify(&synth.ders, SYNTH_INSIDE).unwrap_err(),
        ChainError::ExtensionNotInLeaf { index: 1 }
    );
    // A chain whose leaf lacks the extension: an intermediate alone.
    let plain = synthetic_chain(&kd);
    let custom = ChainVerifier::new(
        TrustRoots::dangerous_custom(vec![plain.root_pin.clone()]),
        None,
    );
    let short = plain.ders[1..].to_vec();
    assert_eq!(
        custom.verify(&short, SYNTH_INSIDE).unwrap_err(),
        ChainError::MissingExtension
    );
}

#[test]
fn a_malformed_extension_in_a_genuine_chain_is_named() {
    let synth = synthetic_chain(&[0x30, 0x03, 0x02, 0x01, 0x01]);
    let custom = ChainVerifier::new(
        TrustRoots::dangerous_custom(vec![synth.root_pin.clone()]),
        None,
    );
    assert_eq!(
        custom.verify(&synth.ders, SYNTH_INSIDE).unwrap_err(),
        ChainError::MalformedExtension
    );
}

#[test]
fn garbage_and_mutated_chains_never_panic() {
    let (ders, at) = akita();
    let pem = golden_cases().remove(0).1;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..300 {
        let mut mutated = ders.clone();
        let which = (next() as usize) % mutated.len();
        let cert = &mut mutated[which];
        match round % 3 {
            0 => {
                let pos = (next() as usize) % cert.len();
                cert[pos] ^= (next() as u8) | 1;
            }
            1 => {
                let cut = (next() as usize) % cert.len();
                cert.truncate(cut);
            }
            _ => {
                let pos = (next() as usize) % cert.len();
                cert.insert(pos, next() as u8);
            }
        }
        let _ = google().verify(&mutated, at);
        if let Ok(certs) = parse_chain(&mutated) {
            if let Some(ext) = certs[0].key_description_der() {
                let _ = crate::attestation::der::KeyDescription::from_der(ext);
            }
        }
        let mut text = pem.clone();
        let cut = (next() as usize) % text.len();
        text.truncate(cut);
        let _ = read_chain(&text).map(|d| google().verify(&d, at));
        let garbage: Vec<u8> = (0..(next() % 512)).map(|_| next() as u8).collect();
        let _ = read_chain(&garbage).map(|d| google().verify(&d, at));
        let _ = crate::attestation::der::KeyDescription::from_der(&garbage);
    }
}
