use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};

use super::conformance::conforms;
use super::document;
use crate::attestation::{ChainVerifier, TrustRoots};
use crate::clock::FixedClock;
use crate::http::OperatorSecret;
use crate::http::{app, AppState, ServerConfig};
use crate::limit::{ChallengeLimiter, ChallengeRate, TrustedProxies};
use crate::store::{memory, Stores};
use crate::testdown::Down;
use crate::testhttp::respond;
use crate::testkeys::{claims, DeviceKey};

const AUD: &str = "https://bank.example";
const NOW: i64 = 1_800_000_000;
const SECRET: &str = "operator-secret-0123456789";

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

fn doc() -> Value {
    serde_json::from_str(document()).unwrap()
}

/// docs/openapi.json is the document the server serves, byte for byte.
/// `KEYBOUND_UPDATE_OPENAPI=1` rewrites it instead.
#[test]
fn docs_openapi_json_is_the_served_document() {
    let path = committed_path();
    if std::env::var_os("KEYBOUND_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, document()).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == document(),
        "docs/openapi.json differs from the document the code builds; run \
         `KEYBOUND_UPDATE_OPENAPI=1 cargo test -p keybound-server openapi` and review the diff"
    );
    assert_eq!(doc()["openapi"], "3.1.0");
}

/// The conformance check refuses each kind of drift between a response and
/// the document (it is what every other HTTP test runs through).
#[test]
fn the_conformance_check_refuses_each_kind_of_drift() {
    let json = Some("application/json");
    /// (case, method, route, status, content type, body, expected error)
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        u16,
        Option<&'a str>,
        &'a str,
        &'a str,
    );
    let cases: &[Case<'_>] = &[
        (
            "a documented answer",
            "post",
            "/v1/challenges",
            201,
            json,
            r#"{"nonce":"n","expiresAt":1}"#,
            "",
        ),
        (
            "an undocumented status",
            "post",
            "/v1/challenges",
            400,
            json,
            r#"{"error":"malformed_request"}"#,
            "the status is not listed",
        ),
        (
            "an undocumented route",
            "get",
            "/v1/secret",
            200,
            json,
            "{}",
            "no such operation",
        ),
        (
            "an extra field",
            "post",
            "/v1/challenges",
            201,
            json,
            r#"{"nonce":"n","expiresAt":1,"debug":true}"#,
            "does not match",
        ),
        (
            "a missing field",
            "post",
            "/v1/challenges",
            201,
            json,
            r#"{"nonce":"n"}"#,
            "does not match",
        ),
        (
            "a field of the wrong type",
            "post",
            "/v1/challenges",
            201,
            json,
            r#"{"nonce":"n","expiresAt":"soon"}"#,
            "does not match",
        ),
        (
            "an error body without its code",
            "post",
            "/v1/keys",
            409,
            json,
            r#"{"valid":false}"#,
            "does not match",
        ),
        (
            "another media type",
            "post",
            "/v1/challenges",
            201,
            Some("text/plain"),
            "n",
            "is not listed",
        ),
        (
            "not JSON",
            "post",
            "/v1/challenges",
            201,
            json,
            "nonce",
            "not JSON",
        ),
        (
            "a body where none is listed",
            "get",
            "/metrics",
            500,
            None,
            "oops",
            "a body where",
        ),
        (
            "a shared answer through its $ref",
            "get",
            "/healthz",
            413,
            json,
            r#"{"error":"body_too_large"}"#,
            "",
        ),
        (
            "a shared answer with a wrong body",
            "post",
            "/v1/keys",
            415,
            json,
            r#"{"code":415}"#,
            "does not match",
        ),
        (
            "a wrong method on a documented path",
            "delete",
            "/healthz",
            405,
            None,
            "",
            "",
        ),
    ];
    for (case, method, route, status, ct, body, expected) in cases {
        let result = conforms(
            method,
            route,
            StatusCode::from_u16(*status).unwrap(),
            *ct,
            body.as_bytes(),
        );
        match (expected.is_empty(), result) {
            (true, Ok(())) => {}
            (false, Err(why)) => assert!(why.contains(expected), "{case}: {why}"),
            (true, Err(why)) => panic!("{case}: refused: {why}"),
            (false, Ok(())) => panic!("{case}: accepted, expected {expected:?}"),
        }
    }
}

/// One node over `stores`, with the operator secret and unattested keys
/// allowed (so every route and branch is reachable without a device).
fn node(stores: Stores, limiter: ChallengeLimiter, unattested: bool) -> Router {
    let mut state = AppState::new(
        ServerConfig::new(AUD),
        stores,
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(FixedClock::new(NOW)),
    )
    .with_operator_secret(OperatorSecret::new(SECRET).unwrap())
    .with_challenge_limiter(limiter);
    if unattested {
        state = state.dangerous_allow_unattested();
    }
    app(state)
}

fn down() -> Stores {
    Stores {
        challenges: Arc::new(Down),
        replay: Arc::new(Down),
        keys: Arc::new(Down),
    }
}

/// Sends one request; `body` is sent as JSON unless it is a string.
async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let bytes = match body {
        Some(Value::String(raw)) => raw.into_bytes(),
        Some(v) => {
            req = req.header("content-type", "application/json");
            v.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    respond(app, req.body(Body::from(bytes)).unwrap()).await
}

const BEARER: (&str, &str) = ("authorization", "Bearer operator-secret-0123456789");

/// Every status the document lists is produced by a real request (each one
/// also passes the conformance check): a status listed but never returned
/// fails here, as a status returned but not listed fails every test.
#[tokio::test]
async fn every_listed_status_of_every_route_is_produced() {
    let memory = node(memory::stores(), ChallengeLimiter::default(), true);
    let strict = node(memory::stores(), ChallengeLimiter::default(), false);
    let failing = node(down(), ChallengeLimiter::default(), true);
    let limited = node(
        memory::stores(),
        ChallengeLimiter::new(ChallengeRate::new(1, 1), TrustedProxies::none()),
        true,
    );
    let key = DeviceKey::generate();
    let jwk: Value = serde_json::from_str(&key.jwk.to_json()).unwrap();
    let users_keys = "/v1/users/{userId}/keys";
    let mut produced: BTreeSet<(String, String, u16)> = BTreeSet::new();
    let mut note = |method: &str, route: &str, (status, _): (StatusCode, Value), expected: u16| {
        assert_eq!(status.as_u16(), expected, "{method} {route}");
        produced.insert((method.to_owned(), route.to_owned(), expected));
    };
    async fn nonce(app: &Router) -> String {
        let (status, body) = send(app, "POST", "/v1/challenges", &[], None).await;
        assert_eq!(status, StatusCode::CREATED);
        body["nonce"].as_str().unwrap().to_owned()
    }

    for (route, app, expected) in [
        ("/", &memory, 200),
        ("/healthz", &memory, 200),
        ("/readyz", &memory, 200),
        ("/readyz", &failing, 503),
        ("/metrics", &memory, 200),
        ("/openapi.json", &memory, 200),
    ] {
        note(
            "get",
            route,
            send(app, "GET", route, &[], None).await,
            expected,
        );
    }

    note(
        "post",
        "/v1/challenges",
        send(&memory, "POST", "/v1/challenges", &[], None).await,
        201,
    );
    note(
        "post",
        "/v1/challenges",
        send(&failing, "POST", "/v1/challenges", &[], None).await,
        503,
    );
    send(&limited, "POST", "/v1/challenges", &[], None).await;
    note(
        "post",
        "/v1/challenges",
        send(&limited, "POST", "/v1/challenges", &[], None).await,
        429,
    );

    let register = |nonce: String, extra: Value| {
        let mut body = json!({"nonce": nonce, "userId": "user-1", "jwk": jwk.clone()});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let keys = "/v1/keys";
    let n = nonce(&memory).await;
    note(
        "post",
        keys,
        send(&memory, "POST", keys, &[], Some(register(n, json!({})))).await,
        201,
    );
    let n = nonce(&memory).await;
    note(
        "post",
        keys,
        send(&memory, "POST", keys, &[], Some(register(n, json!({})))).await,
        409,
    );
    note(
        "post",
        keys,
        send(&memory, "POST", keys, &[], Some(json!({"nonce": "n"}))).await,
        400,
    );
    let n = nonce(&memory).await;
    note(
        "post",
        keys,
        send(
            &memory,
            "POST",
            keys,
            &[],
            Some(register(n, json!({"replace": true}))),
        )
        .await,
        401,
    );
    let n = nonce(&strict).await;
    note(
        "post",
        keys,
        send(&strict, "POST", keys, &[], Some(register(n, json!({})))).await,
        403,
    );
    let n = nonce(&memory).await;
    note(
        "post",
        keys,
        send(
            &memory,
            "POST",
            keys,
            &[],
            Some(register(n, json!({"jwk": {"kty": "RSA"}}))),
        )
        .await,
        422,
    );
    note(
        "post",
        keys,
        send(
            &failing,
            "POST",
            keys,
            &[],
            Some(register("n".into(), json!({}))),
        )
        .await,
        503,
    );

    let verify = "/v1/tokens/verify";
    let token = key.token(&claims(AUD, &nonce(&memory).await, NOW));
    note(
        "post",
        verify,
        send(&memory, "POST", verify, &[], Some(json!({"token": token}))).await,
        200,
    );
    note(
        "post",
        verify,
        send(&memory, "POST", verify, &[], Some(json!({"token": token}))).await,
        401,
    );
    note(
        "post",
        verify,
        send(&memory, "POST", verify, &[], Some(json!({"tok": token}))).await,
        400,
    );
    note(
        "post",
        verify,
        send(&failing, "POST", verify, &[], Some(json!({"token": token}))).await,
        503,
    );

    let list = "/v1/users/user-1/keys";
    note(
        "get",
        users_keys,
        send(&memory, "GET", list, &[BEARER], None).await,
        200,
    );
    note(
        "get",
        users_keys,
        send(&memory, "GET", list, &[], None).await,
        401,
    );
    let too_long = format!("/v1/users/{}/keys", "u".repeat(300));
    note(
        "get",
        users_keys,
        send(&memory, "GET", &too_long, &[BEARER], None).await,
        400,
    );
    note(
        "get",
        users_keys,
        send(&failing, "GET", list, &[BEARER], None).await,
        503,
    );

    let revoke = format!("/v1/keys/{}", key.kid);
    note(
        "delete",
        "/v1/keys/{kid}",
        send(&memory, "DELETE", &revoke, &[], None).await,
        401,
    );
    note(
        "delete",
        "/v1/keys/{kid}",
        send(&memory, "DELETE", &revoke, &[BEARER], None).await,
        200,
    );
    note(
        "delete",
        "/v1/keys/{kid}",
        send(&memory, "DELETE", "/v1/keys/nobody", &[BEARER], None).await,
        404,
    );
    note(
        "delete",
        "/v1/keys/{kid}",
        send(&failing, "DELETE", &revoke, &[BEARER], None).await,
        503,
    );

    // The shared answers, on every operation: 413 for a declared body over
    // the limit, 415 for a POST body that is not JSON.
    let doc = doc();
    let mut listed = BTreeSet::new();
    for (route, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let uri = route
                .replace("{userId}", "user-1")
                .replace("{kid}", &key.kid);
            let big = send(
                &memory,
                &method.to_uppercase(),
                &uri,
                &[
                    ("content-length", "300000"),
                    ("content-type", "application/json"),
                ],
                None,
            )
            .await;
            note(method, route, big, 413);
            if method == "post" {
                let text = send(
                    &memory,
                    "POST",
                    &uri,
                    &[("content-type", "text/plain")],
                    Some(Value::String("x".into())),
                )
                .await;
                note(method, route, text, 415);
            }
            for status in op["responses"].as_object().unwrap().keys() {
                listed.insert((
                    method.clone(),
                    route.clone(),
                    status.parse::<u16>().unwrap(),
                ));
            }
        }
    }
    // Listed, and not produced here: the request timeout (every route; the
    // fault tests hit it through a slow store) and a metrics encoding
    // failure (a bug in the encoder, no request can cause it).
    listed.retain(|(method, route, status)| {
        *status != 408 && !(method == "get" && route == "/metrics" && *status == 500)
    });
    assert_eq!(
        listed, produced,
        "listed statuses (left) and produced ones (right) differ"
    );
}
