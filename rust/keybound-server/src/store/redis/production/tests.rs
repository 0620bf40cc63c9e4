use super::*;
use crate::store::{Challenge, ChallengeStore as _};
use crate::testredis_custom::{free_port, CustomRedis, TestPki};

const TIMEOUT: Duration = Duration::from_millis(1500);

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn only_noeviction_is_accepted_at_start() {
    let cases = [
        ("noeviction", true),
        ("allkeys-lru", false),
        ("volatile-lru", false),
        ("allkeys-random", false),
        ("volatile-ttl", false),
    ];
    for (policy, ok) in cases {
        let port = free_port();
        let Some(_redis) = CustomRedis::start(
            port,
            &args(&["--port", &port.to_string(), "--maxmemory-policy", policy]),
        ) else {
            return;
        };
        let store = RedisStore::connect_with(&RedisOptions::new(
            format!("redis://127.0.0.1:{port}/"),
            "kbev",
            TIMEOUT,
        ))
        .await
        .unwrap();
        assert_eq!(store.eviction_policy().await.unwrap(), policy);
        match store.check_eviction_policy().await {
            Ok(()) => assert!(ok, "{policy} accepted"),
            Err(risk) => {
                assert!(!ok, "{policy} refused");
                assert_eq!(risk.policy, policy);
                let why = risk.to_string();
                assert!(
                    why.contains("noeviction") && why.contains("--redis-accept-eviction"),
                    "{why}"
                );
            }
        }
    }
}

#[tokio::test]
async fn acl_credentials_come_from_the_url_or_the_options() {
    let port = free_port();
    let Some(_redis) = CustomRedis::start(
        port,
        &args(&[
            "--port",
            &port.to_string(),
            // One config line per option: its words are separate arguments.
            "--user",
            "default",
            "off",
            "--user",
            "keybound",
            "on",
            ">s3cret-pass",
            "~*",
            "&*",
            "+@all",
        ]),
    ) else {
        return;
    };
    let base = format!("redis://127.0.0.1:{port}/");
    // No credentials, wrong ones: refused at connect, the password never in
    // the error.
    for (url, user, password) in [
        (base.clone(), None, None),
        (
            format!("redis://keybound:wrong-pass@127.0.0.1:{port}/"),
            None,
            None,
        ),
        (base.clone(), Some("keybound"), Some("not-it")),
    ] {
        let mut o = RedisOptions::new(url, "kbacl", TIMEOUT);
        o.username = user.map(str::to_owned);
        o.password = password.map(|p| Zeroizing::new(p.to_owned()));
        let err = RedisStore::connect_with(&o).await.unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)));
        let text = format!("{err} {o:?}");
        assert!(
            !text.contains("wrong-pass") && !text.contains("not-it"),
            "{text}"
        );
    }
    // Right ones, in the URL or as options (the environment's route).
    let from_url = RedisOptions::new(
        format!("redis://keybound:s3cret-pass@127.0.0.1:{port}/"),
        "kbacl",
        TIMEOUT,
    );
    let mut from_options = RedisOptions::new(base, "kbacl", TIMEOUT);
    from_options.username = Some("keybound".into());
    from_options.password = Some(Zeroizing::new("s3cret-pass".into()));
    for o in [from_url, from_options] {
        let store = RedisStore::connect_with(&o).await.unwrap();
        let c = Challenge::generate(100, 60).unwrap();
        store.insert(&c, 100).await.unwrap();
    }
}

#[tokio::test]
async fn rediss_with_the_harness_ca_works_and_other_cas_are_refused() {
    let pki = TestPki::new();
    let port = free_port();
    let Some(_redis) = CustomRedis::start(
        port,
        &args(&[
            "--port",
            "0",
            "--tls-port",
            &port.to_string(),
            "--tls-cert-file",
            &pki.path("server.pem"),
            "--tls-key-file",
            &pki.path("server.key"),
            "--tls-ca-cert-file",
            &pki.path("ca.pem"),
            "--tls-auth-clients",
            "no",
        ]),
    ) else {
        return;
    };
    let url = format!("rediss://127.0.0.1:{port}/");
    let mut good = RedisOptions::new(url.clone(), "kbtls", TIMEOUT);
    good.ca_pem = Some(std::fs::read(pki.path("ca.pem")).unwrap());
    let store = RedisStore::connect_with(&good).await.unwrap();
    let c = Challenge::generate(100, 60).unwrap();
    store.insert(&c, 100).await.unwrap();
    store.check_eviction_policy().await.unwrap();

    // A CA that did not sign the server's certificate, the system roots,
    // plain redis:// to the TLS port: all refused.
    let mut other = RedisOptions::new(url.clone(), "kbtls", TIMEOUT);
    other.ca_pem = Some(std::fs::read(pki.path("other-ca.pem")).unwrap());
    let system = RedisOptions::new(url, "kbtls", TIMEOUT);
    let plain = RedisOptions::new(format!("redis://127.0.0.1:{port}/"), "kbtls", TIMEOUT);
    for o in [other, system, plain] {
        assert!(RedisStore::connect_with(&o).await.is_err(), "{o:?}");
    }
    // A CA file with a plain URL is a usage mistake.
    let mut mixed = RedisOptions::new(format!("redis://127.0.0.1:{port}/"), "kbtls", TIMEOUT);
    mixed.ca_pem = good.ca_pem.clone();
    assert!(RedisStore::connect_with(&mixed).await.is_err());
}

#[tokio::test]
async fn a_three_master_cluster_serves_every_store_operation() {
    use crate::clock::FixedClock;
    use crate::store::registry::tests::contract;
    use crate::store::{Consumed, KeyRegistry as _, RegisteredKey};
    use crate::testkeys::{claims, DeviceKey};
    use crate::testredis_custom::RedisCluster;
    use crate::token::{NonceCheck, TokenVerifier};
    use keybound_protocol::TokenError;
    use std::sync::Arc;

    let Some(cluster) = RedisCluster::start() else {
        return;
    };
    let urls = cluster.urls();
    // Any one node is enough to find the others.
    let options = RedisOptions::new("", "kbcluster", TIMEOUT);
    let store = RedisStore::connect_cluster(&urls[1..2], &options)
        .await
        .unwrap();
    store.check_eviction_policy().await.unwrap();

    // Many challenges, each consumed exactly once.
    let mut nonces = Vec::new();
    for _ in 0..30 {
        let c = Challenge::generate(1000, 60).unwrap();
        store.insert(&c, 1000).await.unwrap();
        nonces.push(c);
    }
    for c in &nonces {
        assert_eq!(
            store.consume(c.nonce(), "t", 1000).await.unwrap(),
            Consumed::Now
        );
        assert_eq!(
            store.consume(c.nonce(), "t", 1000).await.unwrap(),
            Consumed::Already {
                same_consumer: true
            }
        );
    }
    // The (used) challenges are kept until they expire, all in the slot of
    // the prefix's hash tag (the jti-and-challenge script names a challenge
    // key and a jti key, which must share a slot): exactly one master holds
    // them all.
    let mut holders = Vec::new();
    for port in &cluster.ports {
        let out = std::process::Command::new("redis-cli")
            .args(["-p", &port.to_string(), "dbsize"])
            .output()
            .unwrap();
        let n: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        if n > 0 {
            holders.push((*port, n));
        }
    }
    assert_eq!(holders.len(), 1, "challenges spread over {holders:?}");
    assert_eq!(holders[0].1, 30, "{holders:?}");

    contract(&store).await;

    // Two verifiers (two nodes) on the cluster: one token accepted once.
    let now = 1_800_000_000;
    let clock = Arc::new(FixedClock::new(now));
    let device = DeviceKey::generate();
    let key = RegisteredKey::dangerous_unattested(device.jwk.clone(), now).for_user("u");
    store.register(&key).await.unwrap();
    let verifier = |s: &RedisStore| {
        let s = Arc::new(s.clone());
        TokenVerifier::new(
            "aud",
            clock.clone(),
            s.clone(),
            NonceCheck::Consume(s.clone()),
            s,
        )
        .dangerous_accept_unattested()
    };
    let other = RedisStore::connect_cluster(&urls[2..3], &options)
        .await
        .unwrap();
    let (a, b) = (verifier(&store), verifier(&other));
    let c = Challenge::generate(now, 60).unwrap();
    store.insert(&c, now).await.unwrap();
    let token = device.token(&claims("aud", c.nonce(), now));
    let (ra, rb) = tokio::join!(a.verify(&token, None), b.verify(&token, None));
    let accepted = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
    assert_eq!(accepted, 1, "{ra:?} {rb:?}");
    for r in [ra, rb] {
        if let Err(e) = r {
            assert_eq!(e, TokenError::Replayed);
        }
    }
}
