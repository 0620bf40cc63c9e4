//! Log hygiene: every backend flow (challenge, attested and unattested
//! registration, verification accepted / replayed / refused, request
//! errors, Redis down) runs over real TCP and Redis with a process-wide
//! tracing subscriber at TRACE for every target, with `log` records (the
//! redis crate logs through `log` when its cluster support is on) bridged
//! in; no token, signature, nonce, JWK coordinate or attestation byte may
//! appear in the captured output, in any usual encoding (the string itself,
//! base64, base64url, hex, `Debug` byte lists), whole or in part.
//!
//! hyper compiles its own log statements out unless built with
//! `--cfg hyper_unstable_tracing` and its `tracing` feature; whatever a
//! dependency does emit at TRACE is captured here.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::attestation::testgen::{synthetic_chain, KdSpec, SYNTH_INSIDE};
use crate::attestation::{ChainVerifier, TrustRoots};
use crate::clock::FixedClock;
use crate::http::{app, AppState, ServerConfig};
use crate::store::redis::RedisStore;
use crate::store::Stores;
use crate::testkeys::{claims, DeviceKey};
use crate::testredis::RedisServer;

const AUD: &str = "https://bank.example";
const NOW: i64 = SYNTH_INSIDE;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process-wide capture (installed once: other tests running at the
/// same time log into it too, which only widens what is checked).
fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_target(true)
            .with_writer(move || writer.clone())
            // Also installs the `log` → tracing bridge.
            .try_init()
            .expect("no other global subscriber in this test binary");
        capture
    })
}

async fn serve(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(crate::http::conn::serve(
        listener,
        app(state),
        crate::http::conn::ConnectionLimits::default(),
        std::future::pending(),
    ));
    addr
}

/// One request on a fresh connection: status and JSON body.
async fn post(addr: SocketAddr, path: &str, content_type: &str, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8(response).unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn json_post(addr: SocketAddr, path: &str, body: &Value) -> (u16, Value) {
    post(addr, path, "application/json", &body.to_string()).await
}

async fn nonce(addr: SocketAddr) -> String {
    let (status, body) = post(addr, "/v1/challenges", "application/json", "").await;
    assert_eq!(status, 201, "{body}");
    body["nonce"].as_str().unwrap().to_owned()
}

fn state(stores: Stores, roots: TrustRoots) -> AppState {
    AppState::new(
        ServerConfig::new(AUD),
        stores,
        ChainVerifier::new(roots, None),
        Arc::new(FixedClock::new(NOW)),
    )
    .dangerous_allow_unattested()
}

/// The encodings under which `bytes` could show up in a log line, whole and
/// in 18-byte windows (18: a multiple of 3, so each window's base64 is a
/// substring of the whole's).
fn byte_forms(bytes: &[u8]) -> Vec<String> {
    let mut forms = Vec::new();
    let mut add = |b: &[u8]| {
        forms.push(STANDARD.encode(b));
        forms.push(URL_SAFE_NO_PAD.encode(b));
        forms.push(hex::encode(b));
        forms.push(hex::encode_upper(b));
        let debug = format!("{b:?}");
        forms.push(
            debug
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
        );
    };
    add(bytes);
    for window in bytes.chunks_exact(18) {
        add(window);
    }
    forms
}

/// A secret string and, when it is base64url, its bytes' forms; long
/// strings also in 24-character windows.
fn text_forms(text: &str) -> Vec<String> {
    let mut forms = vec![text.to_owned()];
    let chars: Vec<char> = text.chars().collect();
    for window in chars.chunks_exact(24) {
        forms.push(window.iter().collect());
    }
    if let Ok(bytes) = URL_SAFE_NO_PAD.decode(text) {
        forms.extend(byte_forms(&bytes));
    }
    forms
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs_at_trace() {
    let capture = capture();
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(&redis.url(), "kblog", Duration::from_millis(500))
        .await
        .unwrap();
    let stores = store.stores();
    let mut secrets: Vec<(&'static str, String)> = Vec::new();
    let mut secret = |what: &'static str, forms: Vec<String>| {
        secrets.extend(forms.into_iter().map(|f| (what, f)));
    };

    // Attested registration: the nonce must be in the chain, so a first
    // instance issues it and a second one, trusting the test root, registers.
    let probe = serve(state(stores.clone(), TrustRoots::google())).await;
    let reg_nonce = nonce(probe).await;
    let synth = synthetic_chain(&KdSpec::good(reg_nonce.as_bytes()).to_der());
    let addr = serve(state(
        stores.clone(),
        TrustRoots::dangerous_custom(vec![synth.root_pin.clone()]),
    ))
    .await;
    let chain: Vec<String> = synth.ders.iter().map(|d| STANDARD.encode(d)).collect();
    let (status, body) = json_post(
        addr,
        "/v1/keys",
        &json!({"nonce": reg_nonce, "attestationChain": chain, "userId": "hygiene-user"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // The same chain again: a refused registration (the kid exists).
    let (status, _) = json_post(
        addr,
        "/v1/keys",
        &json!({"nonce": reg_nonce, "attestationChain": chain, "userId": "hygiene-user"}),
    )
    .await;
    assert_eq!(status, 409);
    secret("registration nonce", text_forms(&reg_nonce));
    for der in &synth.ders {
        secret("attestation certificate", byte_forms(der));
    }
    let device = DeviceKey::from_pkcs8(&synth.leaf_pkcs8);
    secret("JWK x", text_forms(device.jwk.x()));
    secret("JWK y", text_forms(device.jwk.y()));
    secret("device private key", byte_forms(&synth.leaf_pkcs8));

    // Unattested registration (a bare JWK).
    let bare = DeviceKey::generate();
    let bare_nonce = nonce(addr).await;
    let jwk: Value = serde_json::from_str(&bare.jwk.to_json()).unwrap();
    let (status, body) = json_post(
        addr,
        "/v1/keys",
        &json!({"nonce": bare_nonce, "jwk": jwk, "userId": "hygiene-user"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    secret("bare nonce", text_forms(&bare_nonce));
    secret("bare JWK x", text_forms(bare.jwk.x()));
    secret("bare JWK y", text_forms(bare.jwk.y()));

    // Verification: accepted, replayed, and refused ones.
    let mut tokens = Vec::new();
    for (label, key) in [("attested", &device), ("bare", &bare)] {
        let login = nonce(addr).await;
        let token = key.token(&claims(AUD, &login, NOW));
        let (status, body) = json_post(addr, "/v1/tokens/verify", &json!({"token": token})).await;
        assert_eq!(status, 200, "{label}: {body}");
        let (status, body) = json_post(addr, "/v1/tokens/verify", &json!({"token": token})).await;
        assert_eq!(
            (status, &body["error"]),
            (401, &json!("replayed")),
            "{label}"
        );
        secret("login nonce", text_forms(&login));
        tokens.push(token);
    }
    let login = nonce(addr).await;
    secret("unused login nonce", text_forms(&login));
    let mut refused = vec![
        device.token(&claims("https://other.example", &login, NOW)),
        device.token(&claims(AUD, "never-issued-nonce-value", NOW)),
        DeviceKey::generate().token(&claims(AUD, &login, NOW)),
    ];
    let good = device.token(&claims(AUD, &login, NOW));
    let (head, sig) = good.rsplit_once('.').unwrap();
    let mut sig_bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
    sig_bytes[10] ^= 1;
    refused.push(format!("{head}.{}", URL_SAFE_NO_PAD.encode(&sig_bytes)));
    refused.push(format!("{good}x"));
    for token in &refused {
        let (status, body) = json_post(addr, "/v1/tokens/verify", &json!({"token": token})).await;
        assert_eq!(status, 401, "{body}");
    }
    // Request errors carrying a token: wrong type, malformed JSON.
    let (status, _) = post(
        addr,
        "/v1/tokens/verify",
        "text/plain",
        &json!({"token": good}).to_string(),
    )
    .await;
    assert_eq!(status, 415);
    let (status, _) = post(
        addr,
        "/v1/tokens/verify",
        "application/json",
        &format!("{{\"token\": \"{good}\""),
    )
    .await;
    assert_eq!(status, 400);
    tokens.extend(refused);
    tokens.push(good);

    // Redis down: errors are logged, the token is refused.
    redis.stop();
    let token = device.token(&claims(AUD, &login, NOW));
    let (status, _) = json_post(addr, "/v1/tokens/verify", &json!({"token": token})).await;
    assert_eq!(status, 503);
    tokens.push(token);

    for token in &tokens {
        secret("token", text_forms(token));
        for segment in token.split('.').skip(1) {
            secret("token segment", text_forms(segment));
        }
    }

    // Controls, not secrets of the flows: a byte string logged as `Debug`
    // and a piece of a token, at TRACE. The check must find both.
    let control_bytes: Vec<u8> = (0u8..64).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
    let control_token = DeviceKey::generate().token(&claims(AUD, &login, NOW));
    tracing::trace!(target: "log_hygiene_control", bytes = ?&control_bytes[5..45], "control");
    tracing::trace!(target: "log_hygiene_control", piece = &control_token[40..90], "control");

    let output = String::from_utf8_lossy(&capture.0.lock()).into_owned();
    let leaked = |forms: &[String]| {
        forms
            .iter()
            .find(|f| f.len() >= 16 && output.contains(f.as_str()))
            .cloned()
    };
    assert!(
        leaked(&byte_forms(&control_bytes)).is_some(),
        "control bytes not found"
    );
    assert!(
        leaked(&text_forms(&control_token)).is_some(),
        "control token not found"
    );
    // The capture is live: our own events are in it.
    for expected in ["key registered", "store failed", "UNATTESTED"] {
        assert!(
            output.contains(expected),
            "no {expected:?} in the captured log"
        );
    }
    // Which targets logged (shown with --nocapture).
    let mut targets: Vec<&str> = output
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|t| t.ends_with(':'))
        .collect();
    targets.sort_unstable();
    targets.dedup();
    eprintln!("{} bytes of log from {targets:?}", output.len());
    for (what, form) in &secrets {
        // Forms under 16 characters could match by chance.
        if let Some(found) = leaked(std::slice::from_ref(form)) {
            panic!("{what} in the log: {found}");
        }
    }
}
