use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

use super::*;
use crate::testdata::{golden_cases, time_inside_validity, TODAY};
use crate::testkeys::{claims, DeviceKey};

fn temp_file(contents: &[u8]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "keybound-cli-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, contents).unwrap();
    path
}

fn attestation_args(chain: PathBuf, at: Option<i64>) -> VerifyAttestationArgs {
    VerifyAttestationArgs {
        chain,
        at,
        challenge: None,
        package: None,
        revocations: None,
        json: true,
    }
}

fn run_attestation(args: &VerifyAttestationArgs) -> (u8, Value) {
    let mut out = Vec::new();
    let code = verify_attestation(args, &mut out).unwrap();
    (code, serde_json::from_slice(&out).unwrap())
}

#[test]
fn verify_attestation_json_for_every_golden_chain() {
    for (name, pem, expected) in golden_cases() {
        let file = temp_file(&pem);
        let (code, out) = run_attestation(&attestation_args(
            file.clone(),
            Some(time_inside_validity(&pem)),
        ));
        assert_eq!(code, 1, "{name}: captured keys break keybound's policy");
        assert_eq!(out["chainValid"], true, "{name}");
        let root = if name.contains("2026_ROOT") {
            "google-p384-ca1"
        } else {
            "google-rsa-4096"
        };
        assert_eq!(out["root"], root, "{name}");
        assert_eq!(out["error"], "policy_violation", "{name}");
        assert!(
            out["policyViolations"]
                .as_array()
                .unwrap()
                .contains(&json!("no_auth_required"))
                || name.contains("USERAUTH")
        );
        let mut expected = expected;
        for list in ["softwareEnforced", "hardwareEnforced"] {
            expected[list]
                .as_object_mut()
                .unwrap()
                .entry("areTagsOrdered")
                .or_insert(json!(true));
        }
        assert_eq!(out["keyDescription"], expected, "{name}");
        assert_eq!(out.as_object().unwrap().len(), 5);

        let (code, today) = run_attestation(&attestation_args(file.clone(), Some(TODAY)));
        // Today the remotely provisioned intermediates have expired; the
        // factory-provisioned Pixel 3 chain's expired root does not count.
        let (valid, error) = if crate::testdata::is_factory_provisioned(&name) {
            (json!(true), json!("policy_violation"))
        } else {
            (json!(false), json!("expired"))
        };
        assert_eq!(
            (code, &today["chainValid"], &today["error"]),
            (1, &valid, &error),
            "{name}"
        );
        assert_eq!(
            today["keyDescription"], out["keyDescription"],
            "decoded even when the chain fails"
        );
        std::fs::remove_file(file).unwrap();
    }
}

#[test]
fn verify_attestation_checks_challenge_package_and_revocations() {
    let cases = golden_cases();
    let (_, pem, _) = cases
        .iter()
        .find(|c| c.0.contains("akita") && c.0.contains("TEE_EC_NONE"))
        .unwrap();
    let file = temp_file(pem);
    let at = Some(time_inside_validity(pem));
    let mut args = attestation_args(file.clone(), at);
    args.challenge = Some("Y2hhbGxlbmdl".into()); // "challenge"
    let (_, out) = run_attestation(&args);
    assert!(!out["policyViolations"]
        .as_array()
        .unwrap()
        .contains(&json!("challenge_mismatch")));
    args.challenge = Some("b3RoZXI".into());
    args.package = Some("com.example.bank".into());
    let (_, out) = run_attestation(&args);
    let v = out["policyViolations"].as_array().unwrap();
    assert!(
        v.contains(&json!("challenge_mismatch")) && v.contains(&json!("package_mismatch")),
        "{v:?}"
    );
    args.challenge = Some("not base64!".into());
    assert!(matches!(
        verify_attestation(&args, &mut Vec::new()),
        Err(CliError::Usage(_))
    ));

    let certs = parse_chain(&read_chain(pem).unwrap()).unwrap();
    let serial = hex::encode(certs[2].cert().tbs_certificate().serial_number().as_bytes());
    let revoked =
        temp_file(format!(r#"{{"entries":{{"{serial}":{{"status":"REVOKED"}}}}}}"#).as_bytes());
    let mut args = attestation_args(file.clone(), at);
    args.revocations = Some(revoked.clone());
    let (code, out) = run_attestation(&args);
    assert_eq!(
        (code, out["error"].clone(), out["chainValid"].clone()),
        (1, json!("revoked"), json!(false))
    );
    let broken = temp_file(b"{");
    args.revocations = Some(broken.clone());
    assert!(matches!(
        verify_attestation(&args, &mut Vec::new()),
        Err(CliError::Usage(_))
    ));
    for f in [file, revoked, broken] {
        std::fs::remove_file(f).unwrap();
    }
}

#[test]
fn verify_attestation_on_garbage_reports_instead_of_panicking() {
    let pem = golden_cases().remove(0).1;
    let mut inputs: Vec<Vec<u8>> = vec![
        vec![],
        b"hello".to_vec(),
        b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n".to_vec(),
        vec![0x30, 0x82, 0xff, 0xff],
        pem[..pem.len() / 2].to_vec(),
    ];
    for cut in (0..pem.len()).step_by(97) {
        let mut m = pem.clone();
        m[cut] = b'A' + (cut % 26) as u8;
        inputs.push(m);
    }
    for input in inputs {
        let file = temp_file(&input);
        let (code, out) = run_attestation(&attestation_args(file.clone(), Some(TODAY)));
        assert_eq!(code, 1);
        assert!(out["error"].is_string());
        std::fs::remove_file(file).unwrap();
    }
    let missing = attestation_args(PathBuf::from("/nonexistent/chain.pem"), None);
    assert!(matches!(
        verify_attestation(&missing, &mut Vec::new()),
        Err(CliError::Io { .. })
    ));
}

fn token_args(jwk: PathBuf) -> VerifyTokenArgs {
    VerifyTokenArgs {
        jwk,
        audience: "aud-1".into(),
        nonce: "nonce-1".into(),
        txn: None,
        at: Some(1_800_000_000),
        leeway: 60,
        json: true,
    }
}

#[tokio::test]
async fn verify_token_reads_lines_with_one_replay_store() {
    let key = DeviceKey::generate();
    let jwk = temp_file(key.jwk.to_json().as_bytes());
    let c = claims("aud-1", "nonce-1", 1_800_000_000);
    let good = key.token(&c);
    let other = key.token(&claims("aud-1", "nonce-2", 1_800_000_000));
    let input = format!("{good}\n\n{good}\r\n{other}\ngarbage\n");
    let mut out = Vec::new();
    let code = verify_token(&token_args(jwk.clone()), &mut input.as_bytes(), &mut out)
        .await
        .unwrap();
    assert_eq!(code, 1);
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![
            json!({"valid": true, "kid": key.kid, "claims": c}),
            json!({"valid": false, "error": "replayed"}),
            json!({"valid": false, "error": "nonce_mismatch"}),
            json!({"valid": false, "error": "malformed"}),
        ]
    );
    // All valid: exit 0.
    let fresh = key.token(&claims("aud-1", "nonce-1", 1_800_000_000));
    let mut out = Vec::new();
    assert_eq!(
        verify_token(&token_args(jwk.clone()), &mut fresh.as_bytes(), &mut out)
            .await
            .unwrap(),
        0
    );
    // Expired at a later --at.
    let mut late = token_args(jwk.clone());
    late.at = Some(1_800_001_000);
    let mut out = Vec::new();
    assert_eq!(
        verify_token(&late, &mut fresh.as_bytes(), &mut out)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        String::from_utf8(out).unwrap().trim(),
        r#"{"error":"expired","valid":false}"#
    );
    std::fs::remove_file(&jwk).unwrap();
    let bad_jwk = temp_file(b"{\"kty\":\"RSA\"}");
    assert!(matches!(
        verify_token(
            &token_args(bad_jwk.clone()),
            &mut "".as_bytes(),
            &mut Vec::new()
        )
        .await,
        Err(CliError::Usage(_))
    ));
    std::fs::remove_file(bad_jwk).unwrap();
}

#[tokio::test]
async fn verify_token_reports_non_utf8_and_overlong_lines_as_invalid_tokens() {
    // A bad line on stdin is a bad token (exit 1, one JSON line for it), not
    // a usage or I/O error that aborts the run with exit 2.
    let key = DeviceKey::generate();
    let jwk = temp_file(key.jwk.to_json().as_bytes());
    let good = key.token(&claims("aud-1", "nonce-1", 1_800_000_000));
    let mut input = b"\xff\xfe not utf-8\n".to_vec();
    input.extend(vec![b'a'; 1 << 20]);
    input.push(b'\n');
    input.extend(good.as_bytes());
    input.push(b'\n');
    let mut out = Vec::new();
    let code = verify_token(&token_args(jwk.clone()), &mut input.as_slice(), &mut out)
        .await
        .unwrap();
    assert_eq!(code, 1);
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], json!({"valid": false, "error": "malformed"}));
    assert_eq!(lines[1], json!({"valid": false, "error": "too_large"}));
    assert_eq!(lines[2]["valid"], true);
    std::fs::remove_file(&jwk).unwrap();
}

#[test]
fn inspect_labels_everything_unverified() {
    let key = DeviceKey::generate();
    let token = key.token(&claims("aud-1", "n", 5));
    let mut out = Vec::new();
    assert_eq!(inspect(&InspectArgs { token }, &mut out).unwrap(), 0);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("UNVERIFIED header: {"), "{text}");
    assert!(text.contains(&key.kid));
    assert!(text.contains("UNVERIFIED claims: {"));
    let mut out = Vec::new();
    assert_eq!(
        inspect(
            &InspectArgs {
                token: "x.y".into()
            },
            &mut out
        )
        .unwrap(),
        1
    );
    assert_eq!(
        inspect(
            &InspectArgs {
                token: "a".repeat(5000)
            },
            &mut Vec::new()
        )
        .unwrap(),
        1
    );
}

/// A server on a loopback port with in-memory stores, stopped by the
/// returned sender.
async fn spawn_server() -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let state = AppState::new(
        ServerConfig::new("https://aud.example"),
        crate::store::memory::stores(),
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(SystemClock),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(crate::http::serve(listener, app(state), async {
        let _ = stopped.await;
    }));
    (addr, stop, task)
}

#[tokio::test(start_paused = true)]
async fn a_client_that_never_finishes_its_headers_is_dropped() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (addr, stop, task) = spawn_server().await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut rest = Vec::new();
    // The read ends (EOF, possibly after a 408) only because the server
    // closed the connection; paused time makes the wait instant.
    let read = tokio::time::timeout(
        crate::http::conn::HEADER_READ_TIMEOUT * 3,
        slow.read_to_end(&mut rest),
    )
    .await;
    assert!(read.is_ok(), "the server kept a header-dribbling client");
    assert!(started.elapsed() >= crate::http::conn::HEADER_READ_TIMEOUT);
    let text = String::from_utf8_lossy(&rest);
    assert!(
        rest.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
    stop.send(()).unwrap();
    task.await.unwrap();
}

#[tokio::test]
async fn served_connections_answer_and_shut_down_cleanly() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (addr, stop, task) = spawn_server().await;
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = Vec::new();
    client.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the server stops on its shutdown signal")
        .unwrap();
}

#[test]
fn the_per_address_connection_bound_is_a_positive_flag() {
    let parse = |extra: &[&str]| try_serve_args(extra).map(|s| s.max_connections_per_address);
    assert_eq!(
        parse(&[]).unwrap(),
        crate::http::conn::MAX_CONNECTIONS_PER_ADDRESS as u32
    );
    assert_eq!(
        parse(&["--max-connections-per-address", "500"]).unwrap(),
        500
    );
    assert!(parse(&["--max-connections-per-address", "0"]).is_err());
}

#[test]
fn challenge_limit_and_trusted_proxy_flags() {
    use std::net::IpAddr;
    let parse = |extra: &[&str]| {
        try_serve_args(extra).map(|s| {
            (
                s.challenge_rate_per_address,
                s.challenge_burst_per_address,
                s.trusted_proxies,
            )
        })
    };
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    let default_rate = crate::limit::DEFAULT_CHALLENGES_PER_SECOND;
    let default_burst = crate::limit::DEFAULT_CHALLENGE_BURST;
    // (flags, Some(parsed) or None: refused)
    type Parsed = (u32, u32, Vec<IpAddr>);
    let cases: Vec<(Vec<&str>, Option<Parsed>)> = vec![
        (vec![], Some((default_rate, default_burst, vec![]))),
        (
            vec!["--challenge-rate-per-address", "0"],
            Some((0, default_burst, vec![])),
        ),
        (
            vec![
                "--challenge-rate-per-address",
                "3",
                "--challenge-burst-per-address",
                "7",
            ],
            Some((3, 7, vec![])),
        ),
        (vec!["--challenge-burst-per-address", "0"], None),
        (vec!["--challenge-rate-per-address", "-1"], None),
        (
            vec!["--trusted-proxy", "10.0.0.9", "--trusted-proxy", "::1"],
            Some((default_rate, default_burst, vec![ip("10.0.0.9"), ip("::1")])),
        ),
        (vec!["--trusted-proxy", "10.0.0.0/8"], None),
    ];
    for (flags, want) in cases {
        assert_eq!(parse(&flags).ok(), want, "{flags:?}");
    }
}

/// `keybound-server serve --listen 127.0.0.1:0 --audience https://a.example`
/// and `extra`, as clap parses them (with no KEYBOUND_ variable set).
pub(super) fn try_serve_args(extra: &[&str]) -> Result<ServeArgs, clap::Error> {
    let mut argv = vec!["--listen", "127.0.0.1:0", "--audience", "https://a.example"];
    argv.extend_from_slice(extra);
    parse_serve(&argv, &[]).map_err(|refused| match refused {
        Refused::Clap(e) => e,
        Refused::Config(e) => panic!("no --config here: {e}"),
    })
}

/// Why [`parse_serve`] refused its arguments.
#[derive(Debug)]
pub(super) enum Refused {
    /// clap refused the flags or environment (or printed help).
    Clap(clap::Error),
    /// The config file was refused.
    Config(CliError),
}

/// clap's parse of `keybound-server serve ARGV` with the environment's
/// KEYBOUND_ variables replaced by `env`, and the config file applied, as
/// `run_cli` does.
pub(super) fn parse_serve(argv: &[&str], env: &[(&str, &str)]) -> Result<ServeArgs, Refused> {
    let (cli, matches) = with_env(env, || {
        let matches = Cli::command()
            .try_get_matches_from(["keybound-server", "serve"].iter().chain(argv))
            .map_err(Refused::Clap)?;
        let cli = Cli::from_arg_matches(&matches).map_err(Refused::Clap)?;
        Ok((cli, matches))
    })?;
    match with_config_file(cli, &matches)
        .map_err(Refused::Config)?
        .command
    {
        Command::Serve(args) => Ok(args),
        other => panic!("not serve: {other:?}"),
    }
}

/// Serialises the tests' uses of the process environment: clap reads it
/// when a [`Cli::command`] is built, so every test building one for
/// `serve` takes this lock (through [`with_env`]).
static ENV_LOCK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// `f()` with the KEYBOUND_ variables of the environment being exactly
/// `env`; the environment is restored afterwards, also when `f` panics.
pub(super) fn with_env<T>(env: &[(&str, &str)], f: impl FnOnce() -> T) -> T {
    struct Restore(Vec<(std::ffi::OsString, std::ffi::OsString)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            clear_keybound_env();
            for (k, v) in &self.0 {
                std::env::set_var(k, v);
            }
        }
    }
    let _lock = ENV_LOCK.lock();
    let saved: Vec<_> = std::env::vars_os()
        .filter(|(k, _)| k.to_string_lossy().starts_with("KEYBOUND_"))
        .collect();
    let _restore = Restore(saved);
    clear_keybound_env();
    for (k, v) in env {
        std::env::set_var(k, v);
    }
    f()
}

fn clear_keybound_env() {
    let names: Vec<_> = std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| k.to_string_lossy().starts_with("KEYBOUND_"))
        .collect();
    for k in names {
        std::env::remove_var(k);
    }
}
