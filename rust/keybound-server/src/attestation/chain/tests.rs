use super::*;
use crate::attestation::revocation::RevocationList;
use crate::attestation::testgen::{
    custom_chain, synthetic_chain, synthetic_chain_with, CertSpec, KdSpec, CN, O, SERIAL_NUMBER,
    SYNTH_INSIDE, TITLE,
};
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
                let _ = crate::attestation::key_description::KeyDescription::from_der(ext);
            }
        }
        let mut text = pem.clone();
        let cut = (next() as usize) % text.len();
        text.truncate(cut);
        let _ = read_chain(&text).map(|d| google().verify(&d, at));
        let garbage: Vec<u8> = (0..(next() % 512)).map(|_| next() as u8).collect();
        let _ = read_chain(&garbage).map(|d| google().verify(&d, at));
        let _ = crate::attestation::key_description::KeyDescription::from_der(&garbage);
    }
}

/// 2030-01-01 and 2107-01-01 (after the Pixel 3 leaf's notAfter,
/// 2106-02-07), and 1969-12-31 (before every leaf's notBefore).
const Y2030: i64 = 1_893_456_000;
const Y2107: i64 = 4_323_283_200;
const Y1969: i64 = -86_400;

/// android/keyattestation's `bluelineSdk28_factoryProvisioned_expiryIgnored`
/// and `caimanSdk36_remoteProvisioned_expiryHonored`, on every real chain,
/// also outside the leaf's own dates.
#[test]
fn real_chains_at_times_outside_their_leaf_and_intermediate_dates() {
    let mut seen = (0, 0);
    for (name, pem, _) in golden_cases() {
        let ders = read_chain(&pem).unwrap();
        let at = |t| google().verify(&ders, t).map(|_| ()).map_err(|e| e.code());
        if testdata::is_factory_provisioned(&name) {
            seen.0 += 1;
            // Expired intermediates and root, and a leaf past its notAfter.
            assert_eq!(at(Y2030), Ok(()), "{name}");
            assert_eq!(at(Y2107), Ok(()), "{name}");
        } else {
            seen.1 += 1;
            assert_eq!(at(Y2030), Err("expired"), "{name}");
            assert_eq!(at(Y2107), Err("expired"), "{name}");
        }
        // Before the leaf's notBefore: its dates do not count, but the
        // intermediates had not started yet.
        assert_eq!(at(Y1969), Err("not_yet_valid"), "{name}");
    }
    assert!(seen.0 > 0 && seen.1 > 0, "{seen:?}");
}

fn leaf_extension(path: &str) -> Vec<u8> {
    let pem = std::fs::read(testdata::dir().join(path)).unwrap();
    let certs = parse_chain(&read_chain(&pem).unwrap()).unwrap();
    certs[0].key_description_der().unwrap().to_vec()
}

fn spec(subject: Vec<(Vec<u64>, &'static str)>, years: (i32, i32)) -> CertSpec {
    CertSpec { subject, years }
}

/// The names of a factory chain (Pixel 3): leaf → attestation →
/// intermediate → root, all valid 2020-2030 unless `dates` says otherwise.
fn factory_specs(dates: &[(usize, (i32, i32))]) -> Vec<CertSpec> {
    let mut specs = vec![
        spec(vec![(CN.to_vec(), "Android Keystore Key")], (2020, 2030)),
        spec(
            vec![
                (SERIAL_NUMBER.to_vec(), "a0b63a35743673b7"),
                (TITLE.to_vec(), "TEE"),
            ],
            (2020, 2030),
        ),
        spec(
            vec![
                (SERIAL_NUMBER.to_vec(), "e18c4f2ca699739a"),
                (TITLE.to_vec(), "TEE"),
            ],
            (2020, 2030),
        ),
        spec(
            vec![(SERIAL_NUMBER.to_vec(), "f92009e853b6b045")],
            (2020, 2030),
        ),
    ];
    for (i, years) in dates {
        specs[*i].years = *years;
    }
    specs
}

/// The names of a remotely provisioned chain (Pixel 9 Pro XL): leaf →
/// attestation → Droid CA3 → Droid CA2 → root.
fn rkp_specs(dates: &[(usize, (i32, i32))]) -> Vec<CertSpec> {
    let mut specs = vec![
        spec(vec![(CN.to_vec(), "Android Keystore Key")], (2020, 2030)),
        spec(
            vec![
                (O.to_vec(), "TEE"),
                (CN.to_vec(), "f165849ef08b4658dd0a8ab95be53006"),
            ],
            (2020, 2030),
        ),
        spec(
            vec![(CN.to_vec(), "Droid CA3"), (O.to_vec(), "Google LLC")],
            (2020, 2030),
        ),
        spec(
            vec![(CN.to_vec(), "Droid CA2"), (O.to_vec(), "Google LLC")],
            (2020, 2030),
        ),
        spec(
            vec![(SERIAL_NUMBER.to_vec(), "f92009e853b6b045")],
            (2020, 2030),
        ),
    ];
    for (i, years) in dates {
        specs[*i].years = *years;
    }
    specs
}

fn verify_custom(kd: &[u8], specs: &[CertSpec], at: i64) -> Result<(), ChainError> {
    let chain = custom_chain(kd, specs);
    ChainVerifier::new(TrustRoots::dangerous_custom(vec![chain.root_pin]), None)
        .verify(&chain.ders, at)
        .map(|_| ())
}

/// Real leaves' KeyDescriptions and real chains' names, re-signed under a
/// test root with the dates of each case, verified in 2025: the leaf's and
/// the root's dates never count; an intermediate that has not started is
/// refused; an expired one only in a remotely provisioned chain.
#[test]
fn re_signed_chains_follow_the_date_rules_of_googles_verifier() {
    const AT: i64 = 1_735_689_600; // 2025-01-01
    let factory_kd = leaf_extension("blueline/sdk28/TEE_EC_NONE.pem");
    let rkp_kd = leaf_extension("caiman/sdk36/TEE_EC_RKP.pem");
    let expired = (2010, 2020);
    let not_yet = (2026, 2030);
    // (case, factory chain?, certificate changed, its years, outcome)
    type Case = (
        &'static str,
        bool,
        usize,
        (i32, i32),
        Result<(), ChainError>,
    );
    let cases: &[Case] = &[
        ("factory, all valid", true, 0, (2020, 2030), Ok(())),
        ("factory, leaf expired", true, 0, expired, Ok(())),
        ("factory, leaf not yet valid", true, 0, not_yet, Ok(())),
        ("factory, attestation expired", true, 1, expired, Ok(())),
        ("factory, intermediate expired", true, 2, expired, Ok(())),
        ("factory, root expired", true, 3, expired, Ok(())),
        ("factory, root not yet valid", true, 3, not_yet, Ok(())),
        (
            "factory, attestation not yet valid",
            true,
            1,
            not_yet,
            Err(ChainError::NotYetValid { index: 1 }),
        ),
        (
            "factory, intermediate not yet valid",
            true,
            2,
            not_yet,
            Err(ChainError::NotYetValid { index: 2 }),
        ),
        ("rkp, all valid", false, 0, (2020, 2030), Ok(())),
        ("rkp, leaf expired", false, 0, expired, Ok(())),
        ("rkp, leaf not yet valid", false, 0, not_yet, Ok(())),
        ("rkp, root expired", false, 4, expired, Ok(())),
        (
            "rkp, attestation expired",
            false,
            1,
            expired,
            Err(ChainError::Expired { index: 1 }),
        ),
        (
            "rkp, Droid CA3 expired",
            false,
            2,
            expired,
            Err(ChainError::Expired { index: 2 }),
        ),
        (
            "rkp, Droid CA2 expired",
            false,
            3,
            expired,
            Err(ChainError::Expired { index: 3 }),
        ),
        (
            "rkp, attestation not yet valid",
            false,
            1,
            not_yet,
            Err(ChainError::NotYetValid { index: 1 }),
        ),
    ];
    for (name, factory, index, years, expected) in cases {
        let (kd, specs) = if *factory {
            (&factory_kd, factory_specs(&[(*index, *years)]))
        } else {
            (&rkp_kd, rkp_specs(&[(*index, *years)]))
        };
        assert_eq!(&verify_custom(kd, &specs, AT), expected, "{name}");
    }
}

/// android/keyattestation's `forgedKeybox_throwsCertPathValidatorException`:
/// a chain longer (or shorter) than its provisioning method's is refused,
/// whatever its signatures.
#[test]
fn chains_of_the_wrong_length_for_their_provisioning_are_refused() {
    const AT: i64 = 1_735_689_600;
    let kd = leaf_extension("blueline/sdk28/TEE_EC_NONE.pem");
    // A leaked factory attestation key posing as a CA: one more certificate.
    let mut forged = factory_specs(&[]);
    forged.insert(
        1,
        spec(
            vec![(O.to_vec(), "Honest Achmed's Used Cars and Certificates")],
            (2020, 2030),
        ),
    );
    let mut rkp_short = rkp_specs(&[]);
    rkp_short.remove(2);
    let mut rkp_long = rkp_specs(&[]);
    rkp_long.insert(
        1,
        spec(
            vec![(O.to_vec(), "TEE"), (CN.to_vec(), "extra")],
            (2020, 2030),
        ),
    );
    let mut factory_short = factory_specs(&[]);
    factory_short.remove(1);
    let unknown = |n: usize| {
        (0..n)
            .map(|i| {
                spec(
                    vec![(CN.to_vec(), ["leaf", "a", "b", "c", "root"][i])],
                    (2020, 2030),
                )
            })
            .collect::<Vec<_>>()
    };
    let cases: Vec<(&str, Vec<CertSpec>, Result<(), ChainError>)> = vec![
        ("factory, 4", factory_specs(&[]), Ok(())),
        ("rkp, 5", rkp_specs(&[]), Ok(())),
        ("unknown, 3", unknown(3), Ok(())),
        ("unknown, 4", unknown(4), Ok(())),
        (
            "forged keybox (factory, 5)",
            forged,
            Err(ChainError::UnexpectedLength {
                provisioning: "factory",
                len: 5,
            }),
        ),
        (
            "factory, 3",
            factory_short,
            Err(ChainError::UnexpectedLength {
                provisioning: "factory",
                len: 3,
            }),
        ),
        (
            "rkp, 4",
            rkp_short,
            Err(ChainError::UnexpectedLength {
                provisioning: "remote",
                len: 4,
            }),
        ),
        (
            "rkp, 6",
            rkp_long,
            Err(ChainError::UnexpectedLength {
                provisioning: "remote",
                len: 6,
            }),
        ),
        (
            "unknown, 5",
            unknown(5),
            Err(ChainError::UnexpectedLength {
                provisioning: "unknown",
                len: 5,
            }),
        ),
    ];
    for (name, specs, expected) in cases {
        let got = verify_custom(&kd, &specs, AT);
        assert_eq!(got, expected, "{name}");
        if let Err(e) = got {
            assert_eq!(e.code(), "unexpected_chain_length");
        }
    }
}
