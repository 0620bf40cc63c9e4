//! The registry over HTTP: user binding, insert-once, replace, the
//! operator's routes, and several nodes sharing PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

use super::*;
use crate::attestation::chain::{ChainVerifier, TrustRoots};
use crate::attestation::testgen::{synthetic_chain, KdSpec, SYNTH_INSIDE};
use crate::clock::FixedClock;
use crate::http::{app, ServerConfig};
use crate::store::postgres::{migrate, PgKeyRegistry};
use crate::store::redis::RedisStore;
use crate::store::{memory, Stores};
use crate::testhttp::respond;
use crate::testkeys::{claims, DeviceKey};
use crate::testpg::PgServer;
use crate::testredis::RedisServer;

const AUD: &str = "https://bank.example";
const NOW: i64 = SYNTH_INSIDE;
const SECRET: &str = "operator-secret-0123456789";

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<Value>,
    bearer: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(b) = bearer {
        req = req.header("authorization", format!("Bearer {b}"));
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    respond(app, req.body(Body::from(body)).unwrap()).await
}

async fn nonce(app: &Router) -> String {
    let (status, body) = call(app, "POST", "/v1/challenges", None, None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["nonce"].as_str().unwrap().to_owned()
}

/// A node over `stores` trusting `roots`, with the operator secret.
fn node(stores: Stores, roots: TrustRoots, unattested: bool) -> Router {
    let mut state = AppState::new(
        ServerConfig::new(AUD),
        stores,
        ChainVerifier::new(roots, None),
        Arc::new(FixedClock::new(NOW)),
    )
    .with_operator_secret(OperatorSecret::new(SECRET).unwrap());
    if unattested {
        state = state.dangerous_allow_unattested();
    }
    app(state)
}

/// A synthetic attested device for `challenge`: its chain (base64) and key.
fn attested_device(challenge: &str) -> (Vec<String>, DeviceKey, TrustRoots) {
    let synth = synthetic_chain(&KdSpec::good(challenge.as_bytes()).to_der());
    let chain = synth.ders.iter().map(|d| STANDARD.encode(d)).collect();
    (
        chain,
        DeviceKey::from_pkcs8(&synth.leaf_pkcs8),
        TrustRoots::dangerous_custom(vec![synth.root_pin.clone()]),
    )
}

fn jwk_json(key: &DeviceKey) -> Value {
    serde_json::from_str(&key.jwk.to_json()).unwrap()
}

async fn verify(app: &Router, key: &DeviceKey) -> (StatusCode, Value) {
    let n = nonce(app).await;
    let token = key.token(&claims(AUD, &n, NOW));
    call(
        app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": token})),
        None,
    )
    .await
}

#[tokio::test]
async fn registration_needs_a_user_registers_a_kid_once_and_refusals_keep_the_nonce() {
    let stores = memory::stores();
    let probe = node(stores.clone(), TrustRoots::dangerous_custom(vec![]), false);
    let n = nonce(&probe).await;
    let (chain, device, roots) = attested_device(&n);
    let prod = node(stores.clone(), roots.clone(), false);
    let dev = node(stores.clone(), roots, true);

    // No or a bad userId: 400, and the nonce is still live.
    let cases = [
        (
            json!({"nonce": n, "attestationChain": chain}),
            "missing_user_id",
        ),
        (
            json!({"nonce": n, "attestationChain": chain, "userId": ""}),
            "invalid_user_id",
        ),
        (
            json!({"nonce": n, "attestationChain": chain, "userId": "a\u{7}b"}),
            "invalid_user_id",
        ),
        (
            json!({"nonce": n, "attestationChain": chain, "userId": "x".repeat(257)}),
            "invalid_user_id",
        ),
        (
            json!({"nonce": n, "attestationChain": chain, "userId": 42}),
            "malformed_request",
        ),
    ];
    for (body, code) in cases {
        let (status, got) = call(&prod, "POST", "/v1/keys", Some(body), None).await;
        assert_eq!(
            (status, got),
            (StatusCode::BAD_REQUEST, json!({"error": code}))
        );
    }
    let body = json!({"nonce": n, "attestationChain": chain, "userId": "alice"});
    let (status, got) = call(&prod, "POST", "/v1/keys", Some(body), None).await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    assert_eq!(
        got,
        json!({"kid": device.kid, "userId": "alice", "securityLevel": "TRUSTED_ENVIRONMENT"})
    );

    // The same public key again: unattested through the development node
    // (the outside run's lockout/downgrade) or for another user: 409, the
    // record is unchanged and the fresh nonce is not used up.
    let fresh = nonce(&prod).await;
    let attempts = [
        (
            &dev,
            json!({"nonce": fresh, "jwk": jwk_json(&device), "userId": "mallory"}),
        ),
        (
            &dev,
            json!({"nonce": fresh, "jwk": jwk_json(&device), "userId": "alice"}),
        ),
    ];
    for (node, body) in attempts {
        let (status, got) = call(node, "POST", "/v1/keys", Some(body), None).await;
        assert_eq!(
            (status, got),
            (StatusCode::CONFLICT, json!({"error": "key_exists"}))
        );
    }
    let record = stores.keys.get(&device.kid).await.unwrap().unwrap();
    assert_eq!(record.user_id(), Some("alice"));
    assert_eq!(record.assurance().as_str(), "TRUSTED_ENVIRONMENT");
    let other = DeviceKey::generate();
    let (status, got) = call(
        &dev,
        "POST",
        "/v1/keys",
        Some(json!({"nonce": fresh, "jwk": jwk_json(&other), "userId": "bob"})),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the refused requests kept the nonce: {got}"
    );

    // Replacing is the operator's: 401 without the secret, and even with
    // it an unattested key does not replace the attested one.
    let fresh = nonce(&prod).await;
    let replace =
        json!({"nonce": fresh, "jwk": jwk_json(&device), "userId": "mallory", "replace": true});
    let (status, _) = call(&dev, "POST", "/v1/keys", Some(replace.clone()), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &dev,
        "POST",
        "/v1/keys",
        Some(replace.clone()),
        Some("wrong-secret-0123456789"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, got) = call(&dev, "POST", "/v1/keys", Some(replace), Some(SECRET)).await;
    assert_eq!(
        (status, got),
        (StatusCode::CONFLICT, json!({"error": "downgrade_refused"}))
    );
    // But it moves an unattested key to another user.
    let replace =
        json!({"nonce": fresh, "jwk": jwk_json(&other), "userId": "carol", "replace": true});
    let (status, got) = call(&dev, "POST", "/v1/keys", Some(replace), Some(SECRET)).await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    assert_eq!(got["userId"], "carol");

    // Verification answers with the key's user.
    let (status, got) = verify(&prod, &device).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(
        (got["kid"].as_str(), got["userId"].as_str()),
        (Some(device.kid.as_str()), Some("alice"))
    );
}

#[tokio::test]
async fn operator_routes_are_off_without_a_secret_and_need_the_bearer() {
    let plain = app(AppState::new(
        ServerConfig::new(AUD),
        memory::stores(),
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(FixedClock::new(NOW)),
    ));
    for (method, path) in [("GET", "/v1/users/alice/keys"), ("DELETE", "/v1/keys/abc")] {
        let (status, _) = call(&plain, method, path, None, Some(SECRET)).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status}"
        );
    }

    let stores = memory::stores();
    let dev = node(stores, TrustRoots::google(), true);
    let device = DeviceKey::generate();
    let n = nonce(&dev).await;
    let (status, _) = call(
        &dev,
        "POST",
        "/v1/keys",
        Some(json!({"nonce": n, "jwk": jwk_json(&device), "userId": "alice"})),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let list = "/v1/users/alice/keys";
    let revoke = format!("/v1/keys/{}", device.kid);
    for bearer in [None, Some("wrong-secret-0123456789"), Some("")] {
        for (method, path) in [("GET", list), ("DELETE", revoke.as_str())] {
            let (status, got) = call(&dev, method, path, None, bearer).await;
            assert_eq!(
                (status, got),
                (StatusCode::UNAUTHORIZED, json!({"error": "unauthorized"})),
                "{method} {path} {bearer:?}"
            );
        }
    }
    assert_eq!(
        verify(&dev, &device).await.0,
        StatusCode::OK,
        "nothing was revoked"
    );

    let (status, got) = call(&dev, "GET", list, None, Some(SECRET)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["userId"], "alice");
    let keys = got["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kid"], device.kid.as_str());
    assert_eq!(keys[0]["securityLevel"], "UNATTESTED");
    assert_eq!(keys[0]["publicKey"], jwk_json(&device));
    assert_eq!(keys[0]["createdAt"], NOW);
    assert_eq!(keys[0]["lastUsedAt"], NOW, "the accepted token was noted");
    assert_eq!(keys[0]["revokedAt"], Value::Null);

    let (status, got) = call(&dev, "DELETE", "/v1/keys/no-such-kid", None, Some(SECRET)).await;
    assert_eq!(
        (status, got),
        (StatusCode::NOT_FOUND, json!({"error": "unknown_key"}))
    );
    let (status, got) = call(&dev, "DELETE", &revoke, None, Some(SECRET)).await;
    assert_eq!(
        (status, got),
        (StatusCode::OK, json!({"kid": device.kid, "revokedAt": NOW}))
    );
    let (status, got) = verify(&dev, &device).await;
    assert_eq!(
        (status, got),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "unknown_key"})
        )
    );
    let (_, got) = call(&dev, "GET", list, None, Some(SECRET)).await;
    assert_eq!(got["keys"][0]["revokedAt"], NOW);
}

#[test]
fn operator_secrets_are_long_enough_and_compared_whole() {
    assert!(OperatorSecret::new("short").is_err());
    assert!(OperatorSecret::new("has a\ttab in it 0123").is_err());
    let s = OperatorSecret::new(&format!("{SECRET}\n")).unwrap();
    assert!(s.matches(SECRET.as_bytes()));
    for wrong in [
        "",
        "operator-secret-012345678",
        "operator-secret-01234567890",
        "Operator-secret-0123456789",
    ] {
        assert!(!s.matches(wrong.as_bytes()), "{wrong}");
    }
    assert!(!format!("{s:?}").contains(SECRET));
}

/// Challenges in `redis`, keys in `pg`: one node.
async fn shared_node(redis: &RedisServer, pg: &PgServer, roots: TrustRoots) -> Router {
    shared_node_at(&redis.url(), pg, roots).await
}

async fn shared_node_at(redis_url: &str, pg: &PgServer, roots: TrustRoots) -> Router {
    let store = RedisStore::connect(redis_url, "kbnodes", Duration::from_millis(800))
        .await
        .unwrap();
    let mut stores = store.stores();
    let registry = PgKeyRegistry::connect(&pg.url(), Duration::from_secs(5)).unwrap();
    registry.check_schema().await.unwrap();
    stores.keys = Arc::new(registry);
    node(stores, roots, false)
}

#[tokio::test]
async fn nodes_sharing_postgres_see_each_others_keys_and_revocations() {
    let (Some(redis), Some(pg)) = (RedisServer::start(), PgServer::start()) else {
        return;
    };
    migrate(&pg.url(), Duration::from_secs(10)).await.unwrap();
    let probe = shared_node(&redis, &pg, TrustRoots::dangerous_custom(vec![])).await;
    let n = nonce(&probe).await;
    let (chain, device, roots) = attested_device(&n);
    let a = shared_node(&redis, &pg, roots.clone()).await;
    let b = shared_node(&redis, &pg, roots).await;

    let body = json!({"nonce": n, "attestationChain": chain, "userId": "alice"});
    let (status, got) = call(&a, "POST", "/v1/keys", Some(body), None).await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    // Registered on A, verified on B; again on B: refused as existing.
    let (status, got) = verify(&b, &device).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["userId"], "alice");
    let fresh = nonce(&b).await;
    let (chain_again, _, _) = attested_device(&fresh);
    let (status, got) = call(
        &b,
        "POST",
        "/v1/keys",
        Some(json!({"nonce": fresh, "attestationChain": chain_again, "userId": "mallory"})),
        None,
    )
    .await;
    // A new synthetic chain is a new key under another root: B does not
    // trust it (only the first root), which is a 422, not a conflict.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{got}");
    let (status, got) = call(
        &b,
        "POST",
        "/v1/keys",
        Some(json!({"nonce": fresh, "attestationChain": chain, "userId": "mallory"})),
        None,
    )
    .await;
    // The original chain carries the old challenge: the policy refuses it
    // before the registry is asked.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{got}");

    // Listed on both.
    for node in [&a, &b] {
        let (status, got) = call(node, "GET", "/v1/users/alice/keys", None, Some(SECRET)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(got["keys"][0]["kid"], device.kid.as_str());
        assert_eq!(
            got["keys"][0]["attestation"]["packages"],
            json!(["com.example.bank"])
        );
        assert_eq!(
            got["keys"][0]["attestation"]["signingCertSha256"],
            json!(["07".repeat(32)])
        );
        assert_eq!(
            got["keys"][0]["attestation"]["verifiedBootState"],
            "VERIFIED"
        );
    }

    // A verifies a token too, so both nodes hold the key in their caches.
    let (status, got) = verify(&a, &device).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    // Tokens issued before the revocation, verified right after it on
    // either node: the very next request is refused (the node that did not
    // revoke still has the key cached: the revocation marker refuses it).
    let na = nonce(&a).await;
    let nb = nonce(&b).await;
    let ta = device.token(&claims(AUD, &na, NOW));
    let tb = device.token(&claims(AUD, &nb, NOW));
    let (status, got) = call(
        &b,
        "DELETE",
        &format!("/v1/keys/{}", device.kid),
        None,
        Some(SECRET),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{got}");
    for (node, token) in [(&a, ta), (&b, tb)] {
        let (status, got) = call(
            node,
            "POST",
            "/v1/tokens/verify",
            Some(json!({"token": token})),
            None,
        )
        .await;
        assert_eq!(
            (status, got),
            (
                StatusCode::UNAUTHORIZED,
                json!({"valid": false, "error": "unknown_key"})
            )
        );
    }
}

#[tokio::test]
async fn redis_restarted_without_persistence_loses_no_registered_key() {
    use crate::testredis_custom::{free_port, CustomRedis};
    let port = free_port();
    // No persistence (the harness adds --save "" --appendonly no).
    let redis_args = vec!["--port".to_owned(), port.to_string()];
    let (Some(redis), Some(pg)) = (CustomRedis::start(port, &redis_args), PgServer::start()) else {
        return;
    };
    let url = format!("redis://127.0.0.1:{port}/");
    migrate(&pg.url(), Duration::from_secs(10)).await.unwrap();
    let probe = shared_node_at(&url, &pg, TrustRoots::dangerous_custom(vec![])).await;
    let n = nonce(&probe).await;
    let (chain, device, roots) = attested_device(&n);
    let node = shared_node_at(&url, &pg, roots).await;
    let body = json!({"nonce": n, "attestationChain": chain, "userId": "alice"});
    let (status, got) = call(&node, "POST", "/v1/keys", Some(body), None).await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    let before_restart = nonce(&node).await;

    // Redis restarts on the same port with nothing in it.
    drop(redis);
    let Some(_restarted) = CustomRedis::start(port, &redis_args) else {
        return;
    };
    // The same node reconnects on its own (bounded wait).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = call(&node, "POST", "/v1/challenges", None, None).await;
        if status == StatusCode::CREATED {
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(std::time::Instant::now() < deadline, "no reconnect");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Redis really lost its state: the challenge issued before is gone...
    let stale = device.token(&claims(AUD, &before_restart, NOW));
    let (status, got) = call(
        &node,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": stale})),
        None,
    )
    .await;
    assert_eq!(
        (status, got),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "nonce_mismatch"})
        )
    );
    // ...but the key, in PostgreSQL, still verifies: nobody must enrol again.
    let (status, got) = verify(&node, &device).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["userId"], "alice");
}

#[tokio::test]
async fn healthz_is_up_and_readyz_follows_the_stores() {
    let memory_node = node(memory::stores(), TrustRoots::google(), false);
    assert_eq!(
        call(&memory_node, "GET", "/healthz", None, None).await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    assert_eq!(
        call(&memory_node, "GET", "/readyz", None, None).await,
        (StatusCode::OK, json!({"status": "ready"}))
    );

    let (Some(mut redis), Some(mut pg)) = (RedisServer::start(), PgServer::start()) else {
        return;
    };
    migrate(&pg.url(), Duration::from_secs(10)).await.unwrap();
    let store = RedisStore::connect(&redis.url(), "kbready", Duration::from_millis(500))
        .await
        .unwrap();
    let mut stores = store.stores();
    let registry = PgKeyRegistry::connect(&pg.url(), Duration::from_millis(800)).unwrap();
    stores.keys = Arc::new(registry);
    let state = AppState::new(
        ServerConfig::new(AUD),
        stores,
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(FixedClock::new(NOW)),
    )
    .with_readiness_probe("redis", Arc::new(store));
    let app = app(state);
    assert_eq!(
        call(&app, "GET", "/readyz", None, None).await,
        (StatusCode::OK, json!({"status": "ready"}))
    );
    redis.stop();
    assert_eq!(
        call(&app, "GET", "/readyz", None, None).await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "unavailable", "failing": ["redis"]})
        )
    );
    pg.stop();
    assert_eq!(
        call(&app, "GET", "/readyz", None, None).await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "unavailable", "failing": ["keys", "redis"]})
        )
    );
    // Down stores do not make the process look dead.
    assert_eq!(
        call(&app, "GET", "/healthz", None, None).await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
}
