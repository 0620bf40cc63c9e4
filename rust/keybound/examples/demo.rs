//! `make demo`: the whole keybound flow on this machine.
//!
//! A phone stand-in talks to the reference server (`keybound-server serve`,
//! started here on a loopback port): challenge → enrol → challenge →
//! authenticate → verify (accepted) → the same token again (rejected) → an
//! expired token (rejected). The token is also checked locally with the
//! protocol crate. The last line is one JSON object with the JWK, the
//! accepted token, its audience and nonce, so any JOSE library can check it.
//!
//! The phone, behind the same API that Dart calls, is by default the real
//! JNI bridge and Java `NativeBridge` on a host JVM with the host Java
//! platform (JDK EC keys, a scripted prompt, a self-signed attestation
//! chain) — everything of the Android path except the Android adapters.
//! `--platform simulated` uses the pure-Rust simulator instead.
//!
//! Usage: `demo --server-bin PATH [--platform jvm|simulated]` (or
//! `--offline` to skip the server).

#[path = "../tests/jvm_util/mod.rs"]
mod jvm_util;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use keybound::api::keybound as api;
use keybound::api::types::{AuthenticateRequest, BiometricToken, EnrollOptions, PromptOptions};
use keybound::testing::clock::ManualClock;
use keybound::testing::clock::{Clock, SystemClock};
use keybound::testing::platform::simulated::SimulatedPlatform;
use keybound::testing::platform::Platform;
use keybound::testing::session::{AuthSession, SessionConfig};
use keybound_protocol as protocol;
use serde_json::{json, Value};

const AUDIENCE: &str = "https://bank.example/keybound";
const ALIAS: &str = "demo";
/// The account the demo registers its key for (the app backend's user id).
const DEMO_USER: &str = "demo-user";

/// The reference server, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(bin: &str) -> Result<Self> {
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--audience",
                AUDIENCE,
                "--allow-unattested",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {bin}"))?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading the server's address")?;
        let addr = line
            .split_whitespace()
            .find(|w| w.starts_with("127.0.0.1:") || w.starts_with("http://127.0.0.1:"))
            .with_context(|| format!("no address in the server's first line: {line:?}"))?
            .trim_start_matches("http://")
            .to_owned();
        Ok(Self {
            child,
            base: format!("http://{addr}"),
        })
    }

    fn post(&self, path: &str, body: &Value) -> Result<(u16, Value)> {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(10))
            .build();
        match agent
            .post(&format!("{}{path}", self.base))
            .send_json(body.clone())
        {
            Ok(resp) => Ok((resp.status(), resp.into_json()?)),
            Err(ureq::Error::Status(code, resp)) => Ok((code, resp.into_json()?)),
            Err(e) => Err(e.into()),
        }
    }

    /// Submits `token` and fails unless the server rejects it with `code`.
    fn expect_rejected(&self, token: &str, code: &str) -> Result<()> {
        let (status, body) = self.post("/v1/tokens/verify", &json!({"token": token}))?;
        println!(
            "    HTTP {status}: valid={} error={}",
            plain(&body["valid"]),
            plain(&body["error"])
        );
        if status == 200 || body["error"] != json!(code) {
            bail!("the server did not reject the token as {code}: {body}");
        }
        Ok(())
    }

    fn challenge(&self) -> Result<String> {
        let (status, body) = self.post("/v1/challenges", &json!({}))?;
        if status != 201 {
            bail!("challenge: HTTP {status} {body}");
        }
        Ok(body["nonce"].as_str().context("nonce")?.to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn step(n: u32, text: &str) {
    println!("[{n}] {text}");
}

fn request(challenge: &str) -> AuthenticateRequest {
    AuthenticateRequest {
        alias: ALIAS.into(),
        challenge: challenge.into(),
        audience: AUDIENCE.into(),
        prompt: PromptOptions {
            title: "Confirm sign-in".into(),
            subtitle: None,
            description: Some("keybound demo".into()),
            negative_button: "Cancel".into(),
        },
        transaction: None,
        allow_device_credential: false,
        ttl_seconds: 60,
    }
}

/// A JSON value as a person reads it: strings without quotes, `-` for none.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn shorten(token: &str) -> String {
    format!("{}… ({} bytes)", &token[..token.len().min(24)], token.len())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let offline = args.iter().any(|a| a == "--offline");
    let server_bin = args
        .iter()
        .position(|a| a == "--server-bin")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let server = match (offline, server_bin) {
        (true, _) => None,
        (false, Some(bin)) => Some(Server::start(&bin)?),
        (false, None) => bail!("usage: demo --server-bin PATH | --offline"),
    };
    let platform_name = args
        .iter()
        .position(|a| a == "--platform")
        .and_then(|i| args.get(i + 1))
        .map_or("jvm", String::as_str);
    let rt = tokio::runtime::Runtime::new()?;

    // The phone, behind the same API Dart calls.
    let (phone, phone_name): (Arc<dyn Platform>, &str) = match platform_name {
        "jvm" => (
            jvm_util::exclusive().platform,
            "JNI bridge → Java NativeBridge on a host JVM (JDK EC keys, scripted prompt)",
        ),
        "simulated" => (
            Arc::new(SimulatedPlatform::new()),
            "Rust simulated platform",
        ),
        other => bail!("--platform must be jvm or simulated, not {other}"),
    };
    keybound::testing::runtime::install_platform(phone.clone(), SessionConfig::default());
    println!("keybound demo");
    println!("    phone:   {phone_name}");
    match &server {
        Some(s) => println!("    backend: keybound-server at {}", s.base),
        None => println!("    backend: none (offline), local verification only"),
    }

    step(1, "status (the enrol check)");
    let status = rt.block_on(api::status(ALIAS.into()))?;
    println!(
        "    API {}, Class 3 biometrics {}, lock screen {}, StrongBox {}, key enrolled {}",
        status
            .api_level
            .map_or_else(|| "unknown".to_owned(), |level| level.to_string()),
        status.class3_available,
        status.device_secure,
        status.strong_box_present,
        status.key_enrolled
    );

    step(
        2,
        "enrol: server challenge → hardware key → register the public key",
    );
    let reg_nonce = match &server {
        Some(s) => s.challenge()?,
        None => "offline-registration-nonce".into(),
    };
    let reg = rt.block_on(api::enroll(EnrollOptions {
        alias: ALIAS.into(),
        attestation_challenge: reg_nonce.as_bytes().to_vec(),
        allow_device_credential: false,
        prefer_strong_box: true,
    }))?;
    let jwk: Value = serde_json::from_str(&reg.public_key_jwk)?;
    println!(
        "    key id {} ({:?}, attestation chain of {} certificates)",
        reg.key_id,
        reg.security_level,
        reg.attestation_chain.len()
    );
    if let Some(s) = &server {
        if !reg.attestation_chain.is_empty() {
            // The host platform's chain is self-signed, not Google's: the
            // server must refuse it, which shows attestation is enforced.
            let chain: Vec<String> = reg
                .attestation_chain
                .iter()
                .map(|der| base64::engine::general_purpose::STANDARD.encode(der))
                .collect();
            let (code, body) = s.post(
                "/v1/keys",
                &json!({"nonce": reg_nonce, "userId": DEMO_USER, "attestationChain": chain}),
            )?;
            println!(
                "    attested registration with the host's self-signed chain: HTTP {code} {}",
                plain(&body["error"])
            );
            if code == 201 {
                bail!("the server accepted an attestation chain that is not Google's");
            }
        }
        // Neither stand-in has a Google-rooted attestation: register the
        // bare public key, which the server allows only with
        // --allow-unattested (development only; it logs that loudly).
        let (code, body) = s.post(
            "/v1/keys",
            &json!({"nonce": reg_nonce, "userId": DEMO_USER, "jwk": jwk}),
        )?;
        if code != 201 {
            bail!("register: HTTP {code} {body}");
        }
        println!("    server registered kid {}", plain(&body["kid"]));
    }

    step(
        3,
        "authenticate: server challenge → prompt → signed one-time token",
    );
    let nonce = match &server {
        Some(s) => s.challenge()?,
        None => "offline-challenge".into(),
    };
    let token: BiometricToken = rt.block_on(api::authenticate(request(&nonce)))?;
    println!(
        "    token {} expires at {}",
        shorten(&token.token),
        token.expires_at_unix
    );

    step(4, "verify locally with keybound-protocol");
    let key = protocol::Jwk::from_json(&reg.public_key_jwk)?;
    let expect =
        protocol::Expectations::new(AUDIENCE, protocol::ExpectedNonce::Exactly(nonce.clone()));
    let replay = protocol::MemoryReplayCache::new(1024);
    let now = SystemClock.now_secs();
    let verified = protocol::verify(&token.token, &key, &expect, now)?;
    replay.record(&verified, now)?;
    println!(
        "    valid: kid {}, auth {}",
        verified.kid(),
        verified.claims().auth()
    );
    let again =
        protocol::verify(&token.token, &key, &expect, now).and_then(|v| replay.record(&v, now));
    match again {
        Err(protocol::TokenError::Replayed) => {
            println!("    the same token again: rejected (replayed)")
        }
        other => bail!("replay was not rejected locally: {other:?}"),
    }

    if let Some(s) = &server {
        step(5, "the backend verifies the token");
        let (code, body) = s.post("/v1/tokens/verify", &json!({"token": token.token}))?;
        println!(
            "    HTTP {code}: valid={} kid={}",
            plain(&body["valid"]),
            plain(&body["kid"])
        );
        if code != 200 || body["valid"] != json!(true) {
            bail!("the server did not accept a fresh token: {body}");
        }

        step(6, "the same token again");
        s.expect_rejected(&token.token, "replayed")?;

        step(
            7,
            "an expired token (signed by the same key ten minutes ago)",
        );
        let stale_nonce = s.challenge()?;
        let past = Arc::new(ManualClock::new(SystemClock.now_ms() - 600_000));
        let stale_session = AuthSession::new(phone.clone(), SessionConfig::default(), past);
        let stale = rt.block_on(stale_session.authenticate(request(&stale_nonce)))?;
        s.expect_rejected(&stale.token, "expired")?;
    }

    println!(
        "done: every step behaved as it should. Check the token yourself with the JSON below."
    );
    println!(
        "{}",
        json!({"jwk": jwk, "token": token.token, "audience": AUDIENCE, "nonce": nonce})
    );
    Ok(())
}
