use super::*;
use crate::attestation::chain::{parse_chain, read_chain};
use crate::attestation::testgen::{explicit, int, null, octets, seq, set, KdSpec};
use crate::testdata;

fn leaf_key_description(pem: &[u8]) -> KeyDescription {
    let certs = parse_chain(&read_chain(pem).unwrap()).unwrap();
    KeyDescription::from_der(certs[0].key_description_der().unwrap()).unwrap()
}

/// The upstream files predate `areTagsOrdered`; its upstream default is
/// `true`, so a golden file without it expects `true`.
fn with_default_tag_order(mut expected: serde_json::Value) -> serde_json::Value {
    for list in ["softwareEnforced", "hardwareEnforced"] {
        if let Some(obj) = expected[list].as_object_mut() {
            obj.entry("areTagsOrdered")
                .or_insert(serde_json::Value::Bool(true));
        }
    }
    expected
}

#[test]
fn every_golden_chain_decodes_equal_to_its_json() {
    for (name, pem, expected) in testdata::golden_cases() {
        let kd = leaf_key_description(&pem);
        assert_eq!(kd.to_json(), with_default_tag_order(expected), "{name}");
    }
}

#[test]
fn golden_values_are_interpreted_not_just_printed() {
    let cases = testdata::golden_cases();
    let (_, pem, _) = cases.iter().find(|c| c.0.contains("SB_RSA_NONE")).unwrap();
    let kd = leaf_key_description(pem);
    assert_eq!(kd.key_mint_security_level, SecurityLevel::StrongBox);
    assert_eq!(kd.attestation_challenge, b"challenge");
    assert_eq!(kd.hardware_enforced.algorithms, Some(1));
    assert_eq!(kd.hardware_enforced.no_auth_required, Some(true));
    assert_eq!(kd.hardware_enforced.origin, Some(Origin::Generated));
}

#[test]
fn out_of_order_tags_decode_leniently() {
    let kd = leaf_key_description(&testdata::invalid_tags_order_pem());
    let ordered = kd.software_enforced.are_tags_ordered && kd.hardware_enforced.are_tags_ordered;
    assert!(!ordered, "the invalid/ chain has out-of-order tags");
    assert!(kd.hardware_enforced.purposes.is_some());
    assert_eq!(
        kd.to_json()["attestationSecurityLevel"],
        "TRUSTED_ENVIRONMENT"
    );
}

#[test]
fn unknown_duplicated_and_unsorted_tags_are_kept_not_fatal() {
    let spec = KdSpec::good(b"abc")
        .hw_set(9999, int(5))
        .hw_set(1, set(&[int(3), int(2)]))
        .sw_set(701, int(1_800_000_000_000));
    let kd = KeyDescription::from_der(&spec.to_der()).unwrap();
    let hw = &kd.hardware_enforced;
    assert_eq!(hw.unknown_tags.len(), 1);
    assert_eq!(hw.unknown_tags[0].tag, 9999);
    assert_eq!(hw.unknown_tags[0].value, int(5));
    assert_eq!(hw.purposes, Some(vec![3, 2]));
    // Duplicate 701: last wins, duplicates listed, order flag cleared.
    let sw = &kd.software_enforced;
    assert_eq!(sw.creation_date_time, Some(1_800_000_000_000));
    assert_eq!(sw.duplicate_tags, vec![701]);
    assert!(!sw.are_tags_ordered);
    assert!(hw.are_tags_ordered);
    assert_eq!(
        kd.to_json()["hardwareEnforced"]["unknownTags"][0]["tag"],
        9999
    );
}

#[test]
fn a_malformed_known_tag_is_kept_raw_and_reads_as_absent() {
    let spec = KdSpec::good(b"abc").hw_set(10, octets(b"not an integer"));
    let kd = KeyDescription::from_der(&spec.to_der()).unwrap();
    assert_eq!(kd.hardware_enforced.ec_curve, None);
    assert_eq!(kd.hardware_enforced.malformed_tags, vec![10]);
    // Presence-only tags count whatever their content (fail closed).
    let spec = KdSpec::good(b"abc").hw_set(503, int(0));
    let kd = KeyDescription::from_der(&spec.to_der()).unwrap();
    assert_eq!(kd.hardware_enforced.no_auth_required, Some(true));
    let spec = KdSpec::good(b"abc").hw_set(503, null());
    let kd = KeyDescription::from_der(&spec.to_der()).unwrap();
    assert_eq!(kd.to_json()["hardwareEnforced"]["noAuthRequired"], true);
}

#[test]
fn broken_top_level_structures_are_errors() {
    assert_eq!(
        KeyDescription::from_der(&[]),
        Err(KeyDescriptionError::Malformed("not DER"))
    );
    assert!(KeyDescription::from_der(&set(&[int(1)])).is_err());
    assert!(KeyDescription::from_der(&seq(&[int(1), int(2)])).is_err());
    let mut good = KdSpec::good(b"x").to_der();
    good.push(0);
    assert!(KeyDescription::from_der(&good).is_err(), "trailing data");
    // A non-tagged element inside an AuthorizationList.
    let bad = seq(&[
        int(3),
        crate::attestation::testgen::enumerated(1),
        int(4),
        crate::attestation::testgen::enumerated(1),
        octets(b"c"),
        octets(b""),
        seq(&[int(1)]),
        seq(&[explicit(1, set(&[int(2)]))]),
    ]);
    assert_eq!(
        KeyDescription::from_der(&bad),
        Err(KeyDescriptionError::Malformed("softwareEnforced"))
    );
    assert_eq!(
        KeyDescription::from_der(&vec![0u8; MAX_KEY_DESCRIPTION_LEN + 1]),
        Err(KeyDescriptionError::TooLarge)
    );
}

#[test]
fn integers_and_patch_levels_encode_like_upstream() {
    assert_eq!(patch_level_string(202408).as_deref(), Some("202408"));
    assert_eq!(patch_level_string(20240805).as_deref(), Some("20240805"));
    assert_eq!(patch_level_string(0), None);
    assert_eq!(patch_level_string(202413), None);
    let spec = KdSpec::good(b"x").hw_set(718, int(0)).hw_set(3, int(-1));
    let json = KeyDescription::from_der(&spec.to_der()).unwrap().to_json();
    assert!(json["hardwareEnforced"].get("vendorPatchLevel").is_none());
    assert_eq!(json["hardwareEnforced"]["keySize"], "-1");
    assert_eq!(json["hardwareEnforced"]["bootPatchLevel"], "20250105");
}
