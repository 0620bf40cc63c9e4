//! Faults of the Redis store, end to end through the HTTP API: Redis killed
//! during a run and back, and Redis slower than the store timeout (a delaying
//! proxy). Fail closed (`store_unavailable`, nothing accepted), answer within
//! the store timeout, resume without a restart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

use crate::attestation::{ChainVerifier, TrustRoots};
use crate::clock::FixedClock;
use crate::http::{app, AppState, ServerConfig, REQUEST_TIMEOUT};
use crate::store::redis::RedisStore;
use crate::testkeys::{claims, DeviceKey};
use crate::testproxy::DelayProxy;
use crate::testredis::RedisServer;

const AUD: &str = "https://bank.example";
const NOW: i64 = 1_800_000_000;
/// The store timeout of these tests.
const STORE_TIMEOUT: Duration = Duration::from_millis(300);
/// The longest any request may take while the store is down or slow: a
/// verification makes two store calls, each bounded by the timeout.
const FAIL_FAST: Duration = Duration::from_millis(1500);

async fn redis_app(url: &str, prefix: &str) -> Router {
    let store = RedisStore::connect(url, prefix, STORE_TIMEOUT)
        .await
        .unwrap();
    let state = AppState::new(
        ServerConfig::new(AUD),
        store.stores(),
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(FixedClock::new(NOW)),
    )
    .dangerous_allow_unattested();
    app(state)
}

/// One request: status, JSON body, and how long it took.
async fn call(app: &Router, path: &str, body: Option<Value>) -> (StatusCode, Value, Duration) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
        .unwrap();
    let started = Instant::now();
    let resp = tokio::time::timeout(REQUEST_TIMEOUT * 2, app.clone().oneshot(req))
        .await
        .expect("a request hung past the request timeout")
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value, started.elapsed())
}

async fn challenge(app: &Router) -> (StatusCode, Option<String>) {
    let (status, body, _) = call(app, "/v1/challenges", None).await;
    (status, body["nonce"].as_str().map(str::to_owned))
}

async fn register(app: &Router, key: &DeviceKey, nonce: &str) -> StatusCode {
    let jwk: Value = serde_json::from_str(&key.jwk.to_json()).unwrap();
    call(
        app,
        "/v1/keys",
        Some(json!({"nonce": nonce, "jwk": jwk, "userId": "fault-user"})),
    )
    .await
    .0
}

async fn verify(app: &Router, token: &str) -> (StatusCode, Value, Duration) {
    call(app, "/v1/tokens/verify", Some(json!({"token": token}))).await
}

/// Every phone-facing route answers 503 `store_unavailable`, fast.
/// `reg_nonce` is for the registration attempt: a store command that timed
/// out may still have been applied (here: that challenge used up).
async fn assert_fails_closed_and_fast(app: &Router, key: &DeviceKey, token: &str, reg_nonce: &str) {
    let (status, body, took) = verify(app, token).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"valid": false, "error": "store_unavailable"})
        )
    );
    assert!(took < FAIL_FAST, "verification took {took:?}");
    let (status, body, took) = call(app, "/v1/challenges", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": "store_unavailable"})
        )
    );
    assert!(took < FAIL_FAST, "challenge took {took:?}");
    let started = Instant::now();
    assert_eq!(
        register(app, key, reg_nonce).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(
        started.elapsed() < FAIL_FAST,
        "registration took {:?}",
        started.elapsed()
    );
}

/// Polls until a challenge is issued again (bounded).
async fn wait_until_serving(app: &Router) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let (StatusCode::CREATED, Some(nonce)) = challenge(app).await {
            return nonce;
        }
        assert!(Instant::now() < deadline, "the service did not resume");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A key registered on `app` while its store works, a token it signed over
/// a live challenge, and a second live challenge for a later registration.
async fn registered_key_with_token(app: &Router) -> (DeviceKey, String, String) {
    let key = DeviceKey::generate();
    let (_, nonce) = challenge(app).await;
    assert_eq!(
        register(app, &key, &nonce.unwrap()).await,
        StatusCode::CREATED
    );
    let (_, nonce) = challenge(app).await;
    let token = key.token(&claims(AUD, &nonce.unwrap(), NOW));
    let (_, reg_nonce) = challenge(app).await;
    let reg_nonce = reg_nonce.unwrap();
    (key, token, reg_nonce)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_then_back_fails_closed_then_resumes_without_restart() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let app = redis_app(&server.url(), "kbkill").await;
    let (key, token, reg_nonce) = registered_key_with_token(&app).await;

    server.stop();
    // Repeatedly: the outage is not a one-off error.
    for _ in 0..3 {
        assert_fails_closed_and_fast(&app, &DeviceKey::generate(), &token, &reg_nonce).await;
    }

    // Back, empty (no persistence): the same app serves again.
    server.restart();
    let nonce = wait_until_serving(&app).await;
    assert_eq!(register(&app, &key, &nonce).await, StatusCode::CREATED);
    let (_, nonce) = challenge(&app).await;
    let token = key.token(&claims(AUD, &nonce.unwrap(), NOW));
    let (status, body, _) = verify(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body, _) = verify(&app, &token).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"valid": false, "error": "replayed"})
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_slower_than_the_timeout_fails_closed_fast_then_resumes() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let proxy = DelayProxy::start(server.port).await;
    let app = redis_app(&format!("redis://127.0.0.1:{}/", proxy.port), "kbslow").await;
    let (_key, token, reg_nonce) = registered_key_with_token(&app).await;

    // Replies now take 2 s: far past the 300 ms store timeout.
    proxy.set_delay(Duration::from_secs(2));
    for _ in 0..2 {
        assert_fails_closed_and_fast(&app, &DeviceKey::generate(), &token, &reg_nonce).await;
    }

    proxy.set_delay(Duration::ZERO);
    wait_until_serving(&app).await;
    // The token refused while Redis was slow was refused at the key lookup,
    // before its challenge was touched: it is accepted now, once.
    let (status, body, _) = verify(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, _) = verify(&app, &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
