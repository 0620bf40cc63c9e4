//! The `keybound-server` binary: exit codes and `serve` start-up.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_keybound-server");

/// Starts `command` (a `serve`) and returns it with the first line it
/// printed (`listening on http://ADDR` once it is bound).
#[allow(
    clippy::unwrap_used,
    reason = "a test helper: a failure is the test failing"
)]
fn start_serving(command: &mut Command) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    (child, first)
}

fn testdata(rel: &str) -> String {
    format!(
        "{}/testdata/key-attestation/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn verify_attestation_exit_codes() {
    let out = Command::new(BIN)
        .args([
            "verify-attestation",
            "--chain",
            &testdata("akita/sdk34/TEE_EC_NONE.pem"),
            "--at",
            "1795824000",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["error"], "expired");
    assert_eq!(line["root"], "google-rsa-4096");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);

    let out = Command::new(BIN)
        .args(["verify-attestation", "--chain", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["verify-attestation"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "missing --chain is a usage error"
    );
    let out = Command::new(BIN)
        .args(["no-such-command"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn verify_token_reads_stdin() {
    let jwk = std::env::temp_dir().join(format!("keybound-bin-jwk-{}", std::process::id()));
    std::fs::write(&jwk, r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "verify-token",
            "--jwk",
            jwk.to_str().unwrap(),
            "--audience",
            "a",
            "--nonce",
            "n",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"not-a-token\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"{"error":"malformed","valid":false}"#
    );
    std::fs::remove_file(jwk).unwrap();
}

#[test]
fn serve_prints_the_bound_address_and_answers_health() {
    let (mut child, first) = start_serving(Command::new(BIN).args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--audience",
        "https://a.example",
    ]));
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"status":"ok"}"#), "{response}");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `serve` with its settings in a file named by KEYBOUND_CONFIG (no flags),
/// and a refused file: exit 2 before anything is bound.
#[test]
fn serve_reads_a_config_file_and_refuses_a_bad_one_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("keybound-bin-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        "listen = \"127.0.0.1:0\"\naudience = \"https://a.example\"\n",
    )
    .unwrap();
    let (mut child, first) =
        start_serving(Command::new(BIN).arg("serve").env("KEYBOUND_CONFIG", &good));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first}"
    );

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "listen = \"127.0.0.1:0\"\nlewey = 5\n").unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--audience", "a", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing is served");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.toml") && stderr.contains("`lewey`"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
