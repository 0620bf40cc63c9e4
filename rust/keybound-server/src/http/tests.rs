use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

use super::*;
use crate::attestation::chain::TrustRoots;
use crate::attestation::chain::{MAX_CERT_LEN, MAX_CHAIN_LEN};
use crate::attestation::testgen::{int, synthetic_chain, KdSpec, SyntheticChain, SYNTH_INSIDE};
use crate::clock::FixedClock;
use crate::store::memory;
use crate::store::redis::RedisStore;
use crate::store::{Challenge, RegisteredKey};
use crate::testhttp::respond;
use crate::testkeys::{claims, DeviceKey};
use crate::testredis::RedisServer;

const AUD: &str = "https://bank.example";
const NOW: i64 = SYNTH_INSIDE;

fn state_with(stores: Stores, roots: TrustRoots, clock: Arc<FixedClock>) -> AppState {
    AppState::new(
        ServerConfig::new(AUD),
        stores,
        ChainVerifier::new(roots, None),
        clock,
    )
}

fn memory_state() -> AppState {
    state_with(
        memory::stores(),
        TrustRoots::google(),
        Arc::new(FixedClock::new(NOW)),
    )
}

async fn call(app: &Router, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    call_raw(
        app,
        method,
        path,
        body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
    )
    .await
}

async fn call_raw(app: &Router, method: &str, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    respond(app, req).await
}

async fn new_nonce(app: &Router) -> String {
    let (status, body) = call(app, "POST", "/v1/challenges", None).await;
    assert_eq!(status, StatusCode::CREATED);
    body["nonce"].as_str().unwrap().to_owned()
}

fn jwk_of(key: &DeviceKey) -> Value {
    serde_json::from_str(&key.jwk.to_json()).unwrap()
}

async fn register_unattested(app: &Router, key: &DeviceKey) -> Value {
    let nonce = new_nonce(app).await;
    let jwk: Value = serde_json::from_str(&key.jwk.to_json()).unwrap();
    let (status, body) = call(
        app,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "jwk": jwk})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn health_and_challenges() {
    let app = app(memory_state());
    let (status, body) = call(&app, "GET", "/", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));
    let (status, body) = call(&app, "POST", "/v1/challenges", None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["nonce"].as_str().unwrap().len(), 43);
    assert_eq!(body["expiresAt"], NOW + DEFAULT_CHALLENGE_TTL_SECS);
}

fn attested(challenge: &str) -> (SyntheticChain, Vec<String>) {
    let synth = synthetic_chain(&KdSpec::good(challenge.as_bytes()).to_der());
    let b64 = synth.ders.iter().map(|d| STANDARD.encode(d)).collect();
    (synth, b64)
}

#[tokio::test]
async fn attested_registration_then_token_verification() {
    // The nonce is needed inside the chain, so issue it first, then build
    // a chain for it under a test root.
    let clock = Arc::new(FixedClock::new(NOW));
    let stores = memory::stores();
    let probe = state_with(
        stores.clone(),
        TrustRoots::dangerous_custom(vec![]),
        clock.clone(),
    );
    let nonce = new_nonce(&app(probe)).await;
    let (synth, chain) = attested(&nonce);
    let app = app(state_with(
        stores,
        TrustRoots::dangerous_custom(vec![synth.root_pin.clone()]),
        clock,
    ));

    let (status, body) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "attestationChain": chain})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let device = DeviceKey::from_pkcs8(&synth.leaf_pkcs8);
    assert_eq!(
        body,
        json!({"kid": device.kid, "userId": "alice", "securityLevel": "TRUSTED_ENVIRONMENT"})
    );
    // The same registration again: the kid is registered once.
    let (status, body) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "attestationChain": chain})),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::CONFLICT, json!({"error": "key_exists"}))
    );

    let login = new_nonce(&app).await;
    let c = claims(AUD, &login, NOW);
    let token = device.token(&c);
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": token})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"valid": true, "kid": device.kid, "userId": "alice", "claims": c})
    );
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": token})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "replayed"})
        )
    );
    let other = device.token(&claims(AUD, &login, NOW));
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": other})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "nonce_mismatch"})
        )
    );
}

#[tokio::test]
async fn attestation_failures_are_422_with_their_codes_and_keep_the_nonce() {
    let clock = Arc::new(FixedClock::new(NOW));
    let stores = memory::stores();
    let nonce = new_nonce(&app(state_with(
        stores.clone(),
        TrustRoots::google(),
        clock.clone(),
    )))
    .await;
    // A chain with noAuthRequired, for this nonce.
    let bad = synthetic_chain(
        &KdSpec::good(nonce.as_bytes())
            .hw_set(503, crate::attestation::testgen::null())
            .hw_set(505, int(10))
            .to_der(),
    );
    let chain: Vec<String> = bad.ders.iter().map(|d| STANDARD.encode(d)).collect();
    let app_custom = app(state_with(
        stores.clone(),
        TrustRoots::dangerous_custom(vec![bad.root_pin.clone()]),
        clock.clone(),
    ));
    let (status, body) = call(
        &app_custom,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "attestationChain": chain})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"error": "policy_violation", "violations": ["no_auth_required", "auth_timeout"]})
    );
    // Same chain, Google roots only: untrusted.
    let app_google = app(state_with(
        stores.clone(),
        TrustRoots::google(),
        clock.clone(),
    ));
    let (status, body) = call(
        &app_google,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "attestationChain": chain})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "untrusted_root"})
        )
    );
    // A good chain for another challenge: challenge_mismatch.
    let (other, other_chain) = attested("another nonce");
    let app_other = app(state_with(
        stores.clone(),
        TrustRoots::dangerous_custom(vec![other.root_pin.clone()]),
        clock.clone(),
    ));
    let (status, body) = call(
        &app_other,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "attestationChain": other_chain})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["violations"], json!(["challenge_mismatch"]));
    // Real Google chain (expired today, and not keybound's policy anyway).
    let (_, pem, _) = crate::testdata::golden_cases().remove(0);
    let real: Vec<String> = crate::attestation::chain::read_chain(&pem)
        .unwrap()
        .iter()
        .map(|d| STANDARD.encode(d))
        .collect();
    clock.set(crate::testdata::TODAY);
    let (status, body) = call(
        &app_google,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "attestationChain": real})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "expired"})
        )
    );
    clock.set(NOW);
    // None of these used up the nonce: a good chain for it still registers.
    let good = synthetic_chain(&KdSpec::good(nonce.as_bytes()).to_der());
    let chain: Vec<String> = good.ders.iter().map(|d| STANDARD.encode(d)).collect();
    let app_good = app(state_with(
        stores,
        TrustRoots::dangerous_custom(vec![good.root_pin.clone()]),
        clock,
    ));
    let (status, _) = call(
        &app_good,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "attestationChain": chain})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn unattested_registration_needs_the_dangerous_switch() {
    let app_strict = app(memory_state());
    let key = DeviceKey::generate();
    let nonce = new_nonce(&app_strict).await;
    let jwk: Value = serde_json::from_str(&key.jwk.to_json()).unwrap();
    let (status, body) = call(
        &app_strict,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": nonce, "jwk": jwk})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "unattested_not_allowed"})
        )
    );

    let app_dev = app(memory_state().dangerous_allow_unattested());
    let body = register_unattested(&app_dev, &key).await;
    assert_eq!(
        body,
        json!({"kid": key.kid, "userId": "alice", "securityLevel": "UNATTESTED"})
    );
    let nonce = new_nonce(&app_dev).await;
    let (status, body) = call(
        &app_dev,
        "POST",
        "/v1/keys",
        Some(
            json!({"userId": "alice", "nonce": nonce, "jwk": {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}}),
        ),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "invalid_jwk"})
        )
    );
    let (status, body) = call(
        &app_dev,
        "POST",
        "/v1/keys",
        Some(
            json!({"userId": "alice", "nonce": "not-issued", "jwk": jwk_of(&DeviceKey::generate())}),
        ),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "nonce_mismatch"})
        )
    );
}

#[tokio::test]
async fn unattested_keys_are_refused_once_the_dangerous_switch_is_off() {
    // Keys registered under --allow-unattested stay in a shared (e.g. Redis)
    // registry; a server started without the switch must not honour them.
    let stores = memory::stores();
    let clock = Arc::new(FixedClock::new(NOW));
    let dev = app(
        state_with(stores.clone(), TrustRoots::google(), clock.clone())
            .dangerous_allow_unattested(),
    );
    let strict = app(state_with(stores, TrustRoots::google(), clock));
    let key = DeviceKey::generate();
    register_unattested(&dev, &key).await;

    let nonce = new_nonce(&strict).await;
    let token = key.token(&claims(AUD, &nonce, NOW));
    let (status, body) = call(
        &strict,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": token})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "unknown_key"})
        )
    );
    // Refused before any state was touched: the challenge is still live.
    let (status, body) = call(
        &dev,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": token})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn malformed_and_oversized_requests_have_stable_codes() {
    let app = app(memory_state().dangerous_allow_unattested());
    let bad = json!({"error": "malformed_request"});
    for body in [
        b"not json".to_vec(),
        br#"{"userId": "alice", "nonce": "x"}"#.to_vec(),
        br#"{"userId": "alice", "nonce": "x", "jwk": {}, "attestationChain": []}"#.to_vec(),
        br#"{"userId": "alice", "nonce": "", "jwk": {}}"#.to_vec(),
        br#"{"userId": "alice", "nonce": "x", "attestationChain": []}"#.to_vec(),
        br#"{"userId": "alice", "nonce": "x", "attestationChain": ["%%%"]}"#.to_vec(),
        br#"{"userId": "alice", "nonce": "x", "jwk": {}, "extra": 1}"#.to_vec(),
    ] {
        let (status, got) = call_raw(&app, "POST", "/v1/keys", body.clone()).await;
        assert_eq!(
            (status, &got),
            (StatusCode::BAD_REQUEST, &bad),
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
    let (status, got) = call_raw(&app, "POST", "/v1/keys", vec![b' '; MAX_BODY_BYTES + 1]).await;
    assert_eq!(
        (status, got),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"error": "body_too_large"})
        )
    );
    let eleven = vec!["AAAA"; MAX_CHAIN_LEN + 1];
    let (status, got) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": "x", "attestationChain": eleven})),
    )
    .await;
    assert_eq!(
        (status, got),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "chain_too_long"})
        )
    );
    let huge = "A".repeat(MAX_CERT_LEN * 2);
    let (status, got) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": "x", "attestationChain": [huge]})),
    )
    .await;
    assert_eq!(
        (status, got),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "cert_too_large"})
        )
    );

    let (status, got) = call_raw(&app, "POST", "/v1/tokens/verify", b"{".to_vec()).await;
    assert_eq!((status, got), (StatusCode::BAD_REQUEST, bad.clone()));
    let (status, got) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": "x".repeat(20_000)})),
    )
    .await;
    assert_eq!(
        (status, got),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "too_large"})
        )
    );
    let (status, got) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": "a.b.c"})),
    )
    .await;
    assert_eq!(
        (status, got),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "malformed"})
        )
    );
}

async fn call_with_headers(
    app: &Router,
    path: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method("POST").uri(path);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    respond(app, req.body(body).unwrap()).await
}

/// A POST body must be declared `application/json`; a refused request
/// consumes nothing (the token stays good).
#[tokio::test]
async fn post_bodies_must_be_declared_json_else_415() {
    let app = app(memory_state().dangerous_allow_unattested());
    let key = DeviceKey::generate();
    register_unattested(&app, &key).await;
    let nonce = new_nonce(&app).await;
    let token = key.token(&claims(AUD, &nonce, NOW));
    let body = json!({"token": token}).to_string();
    let len = body.len().to_string();
    let unsupported = (
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        json!({"error": "unsupported_media_type"}),
    );
    for (path, content_type) in [
        ("/v1/tokens/verify", Some("text/plain")),
        ("/v1/tokens/verify", Some("text/plain;charset=UTF-8")),
        (
            "/v1/tokens/verify",
            Some("application/x-www-form-urlencoded"),
        ),
        ("/v1/tokens/verify", Some("multipart/form-data; boundary=x")),
        ("/v1/tokens/verify", Some("application/jsonx")),
        ("/v1/tokens/verify", Some("application/json-seq")),
        ("/v1/tokens/verify", None),
        ("/v1/keys", Some("text/plain")),
        ("/v1/keys", None),
        ("/v1/challenges", Some("text/plain")),
    ] {
        let mut headers = vec![("content-length", len.as_str())];
        if let Some(ct) = content_type {
            headers.push(("content-type", ct));
        }
        let got = call_with_headers(&app, path, &headers, Body::from(body.clone())).await;
        assert_eq!(got, unsupported, "{path} {content_type:?}");
    }
    // A bodiless POST needs no Content-Type.
    let (status, _) = call_with_headers(
        &app,
        "/v1/challenges",
        &[("content-length", "0")],
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // JSON, in any case and with parameters, is processed: the token's
    // challenge was not consumed by the refused requests.
    for (content_type, expected) in [
        ("Application/JSON; charset=utf-8", StatusCode::OK),
        (" application/json ", StatusCode::UNAUTHORIZED),
    ] {
        let (status, _) = call_with_headers(
            &app,
            "/v1/tokens/verify",
            &[("content-length", &len), ("content-type", content_type)],
            Body::from(body.clone()),
        )
        .await;
        assert_eq!(status, expected, "{content_type}");
    }
}

/// A declared Content-Length over the limit is 413 before any body byte is
/// read (the empty body here never matches the declared length; the
/// server-level test in `conn` sends no body at all).
#[tokio::test]
async fn a_huge_declared_content_length_is_413_before_the_body() {
    let app = app(memory_state());
    let over = (MAX_BODY_BYTES + 1).to_string();
    for (path, length) in [
        ("/v1/tokens/verify", "1000000000"),
        ("/v1/keys", "18446744073709551615"),
        ("/v1/keys", over.as_str()),
        ("/v1/challenges", over.as_str()),
    ] {
        let got = call_with_headers(
            &app,
            path,
            &[
                ("content-type", "application/json"),
                ("content-length", length),
            ],
            Body::empty(),
        )
        .await;
        assert_eq!(
            got,
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"error": "body_too_large"})
            ),
            "{path} {length}"
        );
    }
}

#[tokio::test]
async fn token_errors_map_to_401_with_their_code() {
    let app = app(memory_state().dangerous_allow_unattested());
    let key = DeviceKey::generate();
    register_unattested(&app, &key).await;
    let nonce = new_nonce(&app).await;
    let mut c = claims(AUD, &nonce, NOW);
    c["aud"] = json!("other");
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": key.token(&c)})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "audience_mismatch"})
        )
    );
    let txn = keybound_protocol::txn_hash(b"pay 5");
    let mut c = claims(AUD, &nonce, NOW);
    c["txn"] = json!(txn);
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": key.token(&c), "txn": keybound_protocol::txn_hash(b"pay 6")})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "txn_mismatch"})
        )
    );
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": key.token(&c), "txn": txn})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["claims"]["txn"], json!(txn));
    let stranger = DeviceKey::generate();
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": stranger.token(&claims(AUD, "n", NOW))})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "unknown_key"})
        )
    );
}

async fn redis_state(server: &RedisServer, prefix: &str, clock: Arc<FixedClock>) -> AppState {
    let store = RedisStore::connect(&server.url(), prefix, Duration::from_millis(500))
        .await
        .unwrap();
    store.ping().await.unwrap();
    state_with(store.stores(), TrustRoots::google(), clock).dangerous_allow_unattested()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_redis_accept_a_token_exactly_once() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let clock = Arc::new(FixedClock::new(NOW));
    let a = app(redis_state(&server, "kbtest", clock.clone()).await);
    let b = app(redis_state(&server, "kbtest", clock.clone()).await);
    let key = DeviceKey::generate();
    // Registered on A, challenge from B: both visible to the other.
    register_unattested(&a, &key).await;
    let nonce = new_nonce(&b).await;
    let token = key.token(&claims(AUD, &nonce, NOW));
    let mut tasks = Vec::new();
    for i in 0..64 {
        let router = if i % 2 == 0 { a.clone() } else { b.clone() };
        let body = json!({"token": token});
        tasks.push(tokio::spawn(async move {
            call(&router, "POST", "/v1/tokens/verify", Some(body)).await
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::OK => accepted += 1,
            StatusCode::UNAUTHORIZED => assert_eq!(body["error"], "replayed"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(accepted, 1);

    // A jti reused under a fresh challenge is refused by the other instance.
    let mut c = claims(AUD, &new_nonce(&a).await, NOW);
    assert_eq!(
        call(
            &a,
            "POST",
            "/v1/tokens/verify",
            Some(json!({"token": key.token(&c)}))
        )
        .await
        .0,
        StatusCode::OK
    );
    c["nonce"] = json!(new_nonce(&a).await);
    let (status, body) = call(
        &b,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": key.token(&c)})),
    )
    .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::UNAUTHORIZED, json!("replayed"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_challenges_expire_and_are_consumed_once() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(&server.url(), "kbexp", Duration::from_millis(500))
        .await
        .unwrap();
    let c = Challenge::generate(NOW, 1).unwrap();
    store.insert(&c, NOW).await.unwrap();
    use crate::store::Consumed;
    assert_eq!(
        store.consume("unknown", "t1", NOW).await.unwrap(),
        Consumed::Unknown
    );
    assert_eq!(
        store.consume(c.nonce(), "t1", NOW).await.unwrap(),
        Consumed::Now
    );
    assert_eq!(
        store.consume(c.nonce(), "t1", NOW).await.unwrap(),
        Consumed::Already {
            same_consumer: true
        }
    );
    assert_eq!(
        store.consume(c.nonce(), "t2", NOW).await.unwrap(),
        Consumed::Already {
            same_consumer: false
        }
    );
    assert_eq!(
        store.consume(c.nonce(), "t1", NOW).await.unwrap(),
        Consumed::Already {
            same_consumer: true
        }
    );

    // TTL: live through second NOW+1, gone after (Redis' own clock).
    let c = Challenge::generate(NOW, 0).unwrap();
    store.insert(&c, NOW).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(
        store.consume(c.nonce(), "t1", NOW).await.unwrap(),
        Consumed::Unknown
    );
    let key = RegisteredKey::dangerous_unattested(DeviceKey::generate().jwk, NOW);
    store.register(&key).await.unwrap();
    assert_eq!(store.get(key.kid()).await.unwrap(), Some(key));
    assert_eq!(store.get("nobody").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_is_store_unavailable_and_fails_fast() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let clock = Arc::new(FixedClock::new(NOW));
    let state = redis_state(&server, "kbdown", clock.clone()).await;
    let app = app(state);
    let key = DeviceKey::generate();
    register_unattested(&app, &key).await;
    let nonce = new_nonce(&app).await;
    let token = key.token(&claims(AUD, &nonce, NOW));
    server.stop();
    let started = std::time::Instant::now();
    let (status, body) = call(
        &app,
        "POST",
        "/v1/tokens/verify",
        Some(json!({"token": token})),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"valid": false, "error": "store_unavailable"})
        )
    );
    let (status, body) = call(&app, "POST", "/v1/challenges", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": "store_unavailable"})
        )
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    // Connecting to a port nobody listens on fails fast too.
    let started = std::time::Instant::now();
    let err = RedisStore::connect(&server.url(), "x", Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)));
    assert!(started.elapsed() < Duration::from_secs(5));
}
