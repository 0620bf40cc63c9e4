//! Shared pieces of the keybound fuzz targets: the fixed device key the seed
//! tokens are signed with, the fixed times, an in-process HTTP client for the
//! axum router, and small readers for the binary input layouts.
//!
//! The seed corpora under `corpus/` are made by `make_seeds.py` with the same
//! key and constants; change both together.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use keybound_protocol::Jwk;
use keybound_server::attestation::{ChainVerifier, TrustRoots};
use keybound_server::clock::FixedClock;
use keybound_server::http::{app, AppState, ServerConfig};
use keybound_server::store::{memory, Challenge};
use tower::ServiceExt as _;

/// The fuzz device key's private scalar (a test key, public on purpose).
pub const DEVICE_KEY_SCALAR: [u8; 32] = [0x42; 32];
/// The verifier's clock for tokens: 2026-12-01T19:33:20Z.
pub const NOW: i64 = 1_796_240_000;
/// The audience of the seed tokens and of the fuzzed server.
pub const AUDIENCE: &str = "https://fuzz.keybound.example";
/// The challenge the seed tokens carry; the fuzzed server knows it.
pub const TOKEN_NONCE: &str = "ZnV6ei1jaGFsbGVuZ2UtMDEyMzQ1Njc4OWFi";
/// The registration challenge the fuzzed server knows (`POST /v1/keys`).
pub const REGISTRATION_NONCE: &str = "ZnV6ei1yZWdpc3RyYXRpb24tbm9uY2UtMDE";
/// The user the fuzz key is registered for (every registration names one).
pub const USER_ID: &str = "fuzz-user";

/// The JWK of [`DEVICE_KEY_SCALAR`].
pub fn device_jwk() -> &'static Jwk {
    static JWK: OnceLock<Jwk> = OnceLock::new();
    JWK.get_or_init(|| {
        let secret = p256::SecretKey::from_slice(&DEVICE_KEY_SCALAR).expect("valid scalar");
        let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
            &secret.public_key(),
            false,
        );
        Jwk::from_sec1(point.as_bytes()).expect("valid point")
    })
}

/// One current-thread runtime per fuzzer process (time enabled for the
/// router's timeout layer, a blocking pool for attestation checks).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime")
    })
}

/// A fresh server (in-memory stores, so every input starts from the same
/// state) at `now`, optionally accepting unattested keys, with the two fuzz
/// challenges issued.
pub async fn fresh_server(now: i64, allow_unattested: bool) -> axum::Router {
    let stores = memory::stores();
    for nonce in [TOKEN_NONCE, REGISTRATION_NONCE] {
        stores
            .challenges
            .insert(&Challenge::dangerous_with_nonce(nonce, now + 300), now)
            .await
            .expect("memory store");
    }
    let mut state = AppState::new(
        ServerConfig::new(AUDIENCE),
        stores,
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(FixedClock::new(now)),
    );
    if allow_unattested {
        state = state.dangerous_allow_unattested();
    }
    app(state)
}

/// Sends one request through the router and returns the status and body.
pub async fn call(
    router: &axum::Router,
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("in-memory body")
        .to_bytes();
    (status, bytes.to_vec())
}

/// Registers [`device_jwk`] through the API (the server must allow
/// unattested keys); consumes [`REGISTRATION_NONCE`].
pub async fn register_device_key(router: &axum::Router) {
    let body = format!(
        r#"{{"nonce":"{REGISTRATION_NONCE}","userId":"{USER_ID}","jwk":{}}}"#,
        device_jwk().to_json()
    );
    let (status, _) = call(
        router,
        "POST",
        "/v1/keys",
        "application/json",
        body.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "fuzz key registration");
}

/// Every response of the API is JSON with a status the API documents; a 500
/// means a handler hit an internal error on hostile input.
pub fn check_response(status: StatusCode, body: &[u8]) {
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    assert!(
        serde_json::from_slice::<serde_json::Value>(body).is_ok(),
        "non-JSON response body with status {status}"
    );
}

/// A little-endian reader over fuzz input; every read past the end yields
/// zeros / empty, so any input maps to some structure.
pub struct Input<'a>(pub &'a [u8]);

impl<'a> Input<'a> {
    /// The next `n` bytes (fewer at the end).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }

    /// The next byte, 0 at the end.
    pub fn u8(&mut self) -> u8 {
        self.bytes(1).first().copied().unwrap_or(0)
    }

    /// The next little-endian u16.
    pub fn u16(&mut self) -> u16 {
        let mut b = [0u8; 2];
        let got = self.bytes(2);
        b[..got.len()].copy_from_slice(got);
        u16::from_le_bytes(b)
    }

    /// The next little-endian u32.
    pub fn u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        let got = self.bytes(4);
        b[..got.len()].copy_from_slice(got);
        u32::from_le_bytes(b)
    }

    /// The next little-endian i32.
    pub fn i32(&mut self) -> i32 {
        let mut b = [0u8; 4];
        let got = self.bytes(4);
        b[..got.len()].copy_from_slice(got);
        i32::from_le_bytes(b)
    }

    /// The next u16-length-prefixed byte string.
    pub fn prefixed(&mut self) -> &'a [u8] {
        let n = usize::from(self.u16());
        self.bytes(n)
    }

    /// Whatever is left.
    pub fn rest(&mut self) -> &'a [u8] {
        self.bytes(self.0.len())
    }

    /// Whether nothing is left.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
