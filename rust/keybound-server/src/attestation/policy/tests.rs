use super::*;
use crate::attestation::chain::TrustRoots;
use crate::attestation::key_description::KeyDescription;
use crate::attestation::testgen::{
    enumerated, int, null, octets, seq, set, synthetic_chain, KdSpec, PACKAGE, SIGNING_DIGEST,
    SYNTH_INSIDE,
};
use crate::testdata::{golden_cases, time_inside_validity};

const CHALLENGE: &[u8] = b"registration-nonce";

fn p256_spki() -> Vec<u8> {
    let synth = synthetic_chain(&KdSpec::good(CHALLENGE).to_der());
    crate::attestation::chain::parse_chain(&synth.ders).unwrap()[0]
        .spki_der()
        .unwrap()
}

fn violations_of(spec: &KdSpec, policy: &KeyPolicy) -> Vec<PolicyViolation> {
    let kd = KeyDescription::from_der(&spec.to_der()).unwrap();
    policy.violations(&kd, Some(&p256_spki()))
}

fn only(spec: KdSpec, policy: &KeyPolicy) -> Vec<&'static str> {
    violations_of(&spec, policy)
        .iter()
        .map(|v| v.code())
        .collect()
}

#[test]
fn the_good_key_passes_the_strictest_policy_except_strongbox() {
    let strict = KeyPolicy::new(CHALLENGE)
        .with_package(PACKAGE)
        .with_signing_cert_digest(SIGNING_DIGEST)
        .require_verified_boot()
        .require_locked_bootloader();
    assert!(only(KdSpec::good(CHALLENGE), &strict).is_empty());
    assert_eq!(
        only(KdSpec::good(CHALLENGE), &strict.strongbox_only()),
        ["strongbox_required"]
    );
}

#[test]
fn each_violation_is_named() {
    let p = KeyPolicy::new(CHALLENGE);
    let g = || KdSpec::good(CHALLENGE);
    assert_eq!(only(KdSpec::good(b"other"), &p), ["challenge_mismatch"]);
    assert_eq!(only(g().hw_set(2, int(1)), &p), ["algorithm_not_ec"]);
    assert_eq!(only(g().hw_set(10, int(2)), &p), ["curve_not_p256"]);
    assert_eq!(only(g().hw_remove(10), &p), ["curve_not_p256"]);
    assert_eq!(
        only(g().hw_set(1, set(&[int(3)])), &p),
        ["purpose_not_sign"]
    );
    assert_eq!(
        only(g().hw_set(1, set(&[int(2), int(7)])), &p),
        ["purpose_not_sign"]
    );
    assert_eq!(only(g().hw_remove(1), &p), ["purpose_not_sign"]);
    assert!(
        only(g().hw_set(1, set(&[int(3), int(2)])), &p).is_empty(),
        "SIGN+VERIFY is fine"
    );
    assert_eq!(only(g().hw_set(503, null()), &p), ["no_auth_required"]);
    assert_eq!(only(g().sw_set(503, null()), &p), ["no_auth_required"]);
    assert_eq!(only(g().hw_set(505, int(30)), &p), ["auth_timeout"]);
    assert_eq!(only(g().hw_set(504, int(1)), &p), ["not_biometric"]);
    assert_eq!(only(g().hw_remove(504), &p), ["not_biometric"]);
    assert!(
        only(g().hw_set(504, int(3)), &p).is_empty(),
        "biometric | credential is fine"
    );
    assert_eq!(only(g().hw_set(702, int(2)), &p), ["origin_not_generated"]);
    let mut software = g();
    software.keymint_level = 0;
    assert_eq!(only(software, &p), ["insecure_security_level"]);
    let mut software_attestation = g();
    software_attestation.attestation_level = 0;
    assert_eq!(only(software_attestation, &p), ["insecure_security_level"]);
    let mut strongbox = g();
    strongbox.attestation_level = 2;
    strongbox.keymint_level = 2;
    assert!(only(strongbox, &p.clone().strongbox_only()).is_empty());
    assert_eq!(
        only(g(), &p.clone().with_package("com.other")),
        ["package_mismatch"]
    );
    assert_eq!(
        only(g(), &p.clone().with_signing_cert_digest([9u8; 32])),
        ["signing_certificate_mismatch"]
    );
    let unverified = g().hw_set(
        704,
        seq(&[
            octets(&[0; 32]),
            crate::attestation::testgen::boolean(false),
            enumerated(2),
        ]),
    );
    assert_eq!(
        only(
            unverified,
            &p.clone()
                .require_verified_boot()
                .require_locked_bootloader()
        ),
        ["boot_not_verified", "bootloader_unlocked"]
    );
    assert_eq!(
        only(g().hw_remove(704), &p.clone().require_verified_boot()),
        ["boot_not_verified"]
    );
}

#[test]
fn forbidden_tags_that_do_not_decode_still_count_as_present() {
    // The decoder reads a known tag whose content does not decode as absent.
    // For a required property that fails the policy; for a forbidden one
    // (noAuthRequired, authTimeout) "absent" would mean "allowed": fail open.
    let p = KeyPolicy::new(CHALLENGE);
    let g = || KdSpec::good(CHALLENGE);
    assert_eq!(only(g().hw_set(503, Vec::new()), &p), ["no_auth_required"]);
    assert_eq!(
        only(g().sw_set(503, [null(), null()].concat()), &p),
        ["no_auth_required"]
    );
    assert_eq!(only(g().hw_set(505, octets(b"30")), &p), ["auth_timeout"]);
    assert_eq!(only(g().sw_set(505, Vec::new()), &p), ["auth_timeout"]);
}

#[test]
fn properties_only_in_software_enforced_do_not_count() {
    let p = KeyPolicy::new(CHALLENGE);
    let spec = KdSpec::good(CHALLENGE)
        .hw_remove(504)
        .sw_set(504, int(2))
        .hw_remove(702)
        .sw_set(702, int(0));
    assert_eq!(only(spec, &p), ["not_biometric", "origin_not_generated"]);
}

#[test]
fn a_non_p256_leaf_key_is_rejected_even_if_the_extension_says_p256() {
    let kd = KeyDescription::from_der(&KdSpec::good(CHALLENGE).to_der()).unwrap();
    let p = KeyPolicy::new(CHALLENGE);
    assert_eq!(p.violations(&kd, None), vec![PolicyViolation::CurveNotP256]);
    let rsa_leaf = {
        let cases = golden_cases();
        let (_, pem, _) = cases
            .iter()
            .find(|c| c.0.contains("TEE_RSA_NONE.pem"))
            .unwrap();
        let ders = crate::attestation::chain::read_chain(pem).unwrap();
        crate::attestation::chain::parse_chain(&ders).unwrap()[0]
            .spki_der()
            .unwrap()
    };
    assert_eq!(
        p.violations(&kd, Some(&rsa_leaf)),
        vec![PolicyViolation::CurveNotP256]
    );
}

#[test]
fn real_device_keys_violate_keyboundss_policy_as_expected() {
    for (name, pem, _) in golden_cases() {
        let ders = crate::attestation::chain::read_chain(&pem).unwrap();
        let verifier = ChainVerifier::new(TrustRoots::google(), None);
        let err = verify_attestation(
            &verifier,
            &KeyPolicy::new(b"challenge".to_vec()),
            &ders,
            time_inside_validity(&pem),
        )
        .unwrap_err();
        let AttestationError::Policy(v) = err else {
            panic!("{name}: {err:?}")
        };
        // None of the captured keys requires user auth per use.
        assert!(v.contains(&PolicyViolation::NotBiometric), "{name}: {v:?}");
        if name.contains("RSA") {
            assert!(v.contains(&PolicyViolation::AlgorithmNotEc), "{name}");
        }
        if name.contains("USERAUTH") {
            assert!(v.contains(&PolicyViolation::AuthTimeout), "{name}");
            assert!(!v.contains(&PolicyViolation::NoAuthRequired), "{name}");
        } else {
            assert!(v.contains(&PolicyViolation::NoAuthRequired), "{name}");
        }
        let challenge_ok = !v.contains(&PolicyViolation::ChallengeMismatch);
        assert_eq!(
            challenge_ok,
            !name.contains("caiman") && !name.contains("tegu"),
            "{name}"
        );
    }
}

#[test]
fn verify_attestation_runs_the_chain_stage_first() {
    let synth = synthetic_chain(&KdSpec::good(CHALLENGE).to_der());
    let verifier = ChainVerifier::new(
        TrustRoots::dangerous_custom(vec![synth.root_pin.clone()]),
        None,
    );
    let ok = verify_attestation(
        &verifier,
        &KeyPolicy::new(CHALLENGE),
        &synth.ders,
        SYNTH_INSIDE,
    )
    .unwrap();
    assert_eq!(ok.security_level(), SecurityLevel::TrustedEnvironment);
    assert_eq!(ok.root().name, "synthetic-test-root");
    assert_eq!(ok.public_key_spki(), p256_spki_of(&synth.ders));
    let err =
        verify_attestation(&verifier, &KeyPolicy::new(b"x".to_vec()), &synth.ders, 0).unwrap_err();
    assert_eq!(err.code(), "not_yet_valid");
    let err = verify_attestation(
        &verifier,
        &KeyPolicy::new(b"x".to_vec()),
        &synth.ders,
        SYNTH_INSIDE,
    )
    .unwrap_err();
    assert_eq!(
        err,
        AttestationError::Policy(vec![PolicyViolation::ChallengeMismatch])
    );
    assert_eq!(err.code(), "policy_violation");
}

fn p256_spki_of(ders: &[Vec<u8>]) -> Vec<u8> {
    crate::attestation::chain::parse_chain(ders).unwrap()[0]
        .spki_der()
        .unwrap()
}
