//! The registry contract, run against every store (memory here, Redis
//! here, PostgreSQL in `postgres/tests.rs`).

use std::time::Duration;

use super::*;
use crate::store::redis::RedisStore;
use crate::testkeys::DeviceKey;
use crate::testredis::RedisServer;

const T: i64 = 1_800_000_000;

/// An attested record as a verified attestation would give (tests only).
pub(crate) fn attested(jwk: Jwk, user: &str, at: i64) -> RegisteredKey {
    RegisteredKey::from_parts(KeyParts {
        jwk,
        user_id: Some(user.into()),
        assurance: KeyAssurance::TrustedEnvironment,
        attestation: Some(AttestationSummary {
            packages: vec!["com.example.bank".into()],
            signing_cert_sha256: vec!["ab".repeat(32)],
            os_patch_level: Some(202_405),
            verified_boot_state: Some("VERIFIED".into()),
        }),
        registered_at: at,
        last_used_at: None,
        revoked_at: None,
    })
}

/// Every rule of the module docs, on `reg` (empty at start).
pub(crate) async fn contract(reg: &dyn KeyRegistry) {
    let device = DeviceKey::generate();
    let good = attested(device.jwk.clone(), "alice", T);
    assert_eq!(reg.get(good.kid()).await.unwrap(), None);
    assert_eq!(reg.register(&good).await.unwrap(), Registration::Registered);
    assert_eq!(reg.get(good.kid()).await.unwrap(), Some(good.clone()));

    // A kid is registered once: neither a second attested registration for
    // another user nor an unattested one (the outside run's attack)
    // changes the record.
    let hijack = attested(device.jwk.clone(), "mallory", T + 1);
    let downgrade =
        RegisteredKey::dangerous_unattested(device.jwk.clone(), T + 1).for_user("mallory");
    for attempt in [&hijack, &downgrade] {
        assert_eq!(
            reg.register(attempt).await.unwrap(),
            Registration::AlreadyRegistered
        );
        assert_eq!(reg.get(good.kid()).await.unwrap(), Some(good.clone()));
    }
    // Replacing: never unattested over attested; attested over anything.
    assert_eq!(
        reg.replace(&downgrade).await.unwrap(),
        Replacement::Downgrade
    );
    assert_eq!(reg.get(good.kid()).await.unwrap(), Some(good.clone()));
    let moved = attested(device.jwk.clone(), "bob", T + 2);
    assert_eq!(reg.replace(&moved).await.unwrap(), Replacement::Replaced);
    assert_eq!(reg.get(good.kid()).await.unwrap(), Some(moved.clone()));

    let second = DeviceKey::generate();
    let soft = RegisteredKey::dangerous_unattested(second.jwk.clone(), T + 3).for_user("bob");
    assert_eq!(reg.register(&soft).await.unwrap(), Registration::Registered);
    assert_eq!(reg.get(soft.kid()).await.unwrap(), Some(soft.clone()));
    let soft_again = RegisteredKey::dangerous_unattested(second.jwk.clone(), T + 4).for_user("bob");
    assert_eq!(
        reg.replace(&soft_again).await.unwrap(),
        Replacement::Replaced
    );
    let upgraded = attested(second.jwk.clone(), "bob", T + 5);
    assert_eq!(reg.replace(&upgraded).await.unwrap(), Replacement::Replaced);
    assert_eq!(reg.replace(&soft).await.unwrap(), Replacement::Downgrade);
    // A kid that was never registered can be "replaced" (inserted).
    let third = attested(DeviceKey::generate().jwk, "carol", T + 6);
    assert_eq!(reg.replace(&third).await.unwrap(), Replacement::Replaced);
    assert_eq!(reg.get(third.kid()).await.unwrap(), Some(third.clone()));

    // Listing: the user's keys only, oldest first; "alice" has none left.
    let bob: Vec<String> = reg
        .list_for_user("bob")
        .await
        .unwrap()
        .iter()
        .map(|k| k.kid().to_owned())
        .collect();
    assert_eq!(bob, [moved.kid(), upgraded.kid()]);
    assert!(reg.list_for_user("alice").await.unwrap().is_empty());
    assert!(reg.list_for_user("nobody").await.unwrap().is_empty());

    // Last use is noted.
    reg.touch(upgraded.kid(), T + 100).await.unwrap();
    let listed = reg.list_for_user("bob").await.unwrap();
    assert_eq!(listed[1].last_used_at(), Some(T + 100));
    assert_eq!(listed[0].last_used_at(), None);

    // Revocation: once, kept as a tombstone that registration cannot
    // overwrite; the operator's replace brings the key back.
    assert_eq!(
        reg.revoke(moved.kid(), T + 200).await.unwrap(),
        Revocation::Revoked(T + 200)
    );
    assert_eq!(
        reg.revoke(moved.kid(), T + 300).await.unwrap(),
        Revocation::Revoked(T + 200)
    );
    assert_eq!(
        reg.revoke("no-such-kid", T).await.unwrap(),
        Revocation::Unknown
    );
    let got = reg.get(moved.kid()).await.unwrap().unwrap();
    assert_eq!(got.revoked_at(), Some(T + 200));
    assert!(got.is_revoked());
    assert_eq!(
        reg.register(&moved).await.unwrap(),
        Registration::AlreadyRegistered
    );
    assert!(reg.get(moved.kid()).await.unwrap().unwrap().is_revoked());
    assert_eq!(
        reg.replace(&downgrade).await.unwrap(),
        Replacement::Downgrade,
        "a revoked attested record is still attested"
    );
    assert_eq!(reg.replace(&moved).await.unwrap(), Replacement::Replaced);
    assert!(!reg.get(moved.kid()).await.unwrap().unwrap().is_revoked());
    reg.ping().await.unwrap();
}

#[tokio::test]
async fn the_memory_registry_keeps_the_contract() {
    contract(&MemoryKeyRegistry::default()).await;
}

#[tokio::test]
async fn the_redis_registry_keeps_the_contract() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(&server.url(), "kbreg", Duration::from_millis(500))
        .await
        .unwrap();
    contract(&store).await;
}

#[tokio::test]
async fn the_memory_registry_is_bounded_and_full_changes_nothing() {
    let reg = MemoryKeyRegistry::new(1);
    let k1 = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, 5);
    let k2 = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, 6);
    assert_eq!(reg.register(&k1).await.unwrap(), Registration::Registered);
    assert!(matches!(reg.register(&k2).await, Err(StoreError::Full)));
    assert!(matches!(reg.replace(&k2).await, Err(StoreError::Full)));
    assert_eq!(reg.get(k2.kid()).await.unwrap(), None);
}

#[test]
fn stored_records_round_trip_and_old_records_still_read() {
    let k = attested(DeviceKey::generate().jwk, "alice", 7).revoked(9);
    let json = k.to_stored_json().unwrap();
    assert_eq!(RegisteredKey::from_stored_json(&json).unwrap(), k);
    // A record written before keys had users.
    let jwk = DeviceKey::generate().jwk;
    let old = format!(
        r#"{{"jwk":{},"assurance":"STRONG_BOX","registered_at":3}}"#,
        jwk.to_json()
    );
    let read = RegisteredKey::from_stored_json(&old).unwrap();
    assert_eq!(read.user_id(), None);
    assert_eq!(read.assurance(), KeyAssurance::StrongBox);
    assert_eq!(read.kid(), jwk.thumbprint());
    assert!(!read.is_revoked());
}

#[test]
fn user_ids_are_bounded_and_printable() {
    let cases: &[(&str, bool)] = &[
        ("alice", true),
        ("user-42@bank.example", true),
        ("ünïcødé", true),
        ("", false),
        ("tab\there", false),
        ("line\nbreak", false),
    ];
    for (id, ok) in cases {
        assert_eq!(is_valid_user_id(id), *ok, "{id:?}");
    }
    assert!(is_valid_user_id(&"a".repeat(MAX_USER_ID_BYTES)));
    assert!(!is_valid_user_id(&"a".repeat(MAX_USER_ID_BYTES + 1)));
    for name in ["TRUSTED_ENVIRONMENT", "STRONG_BOX", "UNATTESTED"] {
        assert_eq!(KeyAssurance::from_name(name).unwrap().as_str(), name);
    }
    assert_eq!(KeyAssurance::from_name("tee"), None);
}
