//! `keybound-bench`: the figures of `make bench`, each next to a baseline run
//! in the same process at the same time (the machines are noisy: an absolute
//! time alone means little). Prints one `name: value` line per figure on
//! stdout; rounds, spreads and notes go to stderr. A benchmark, not a test:
//! nothing here asserts a time.
//!
//! Sections (`--only verify,http,attestation`, default all):
//! - verify: keybound's full verification plus the in-memory replay record,
//!   against bare ECDSA P-256 (ring, aws-lc-rs), `jsonwebtoken` (aws-lc-rs),
//!   PyJWT and node `jose`, on the same tokens, in interleaved rounds; the
//!   ratios are medians of the per-round ratios.
//! - http: the reference server (memory, then Redis stores) under wrk on
//!   127.0.0.1, fresh valid tokens, bounded in time; Redis is a private
//!   instance on a free loopback port, stopped at the end.
//! - attestation: median in-process verification of each shared real chain;
//!   the slowest one is the figure.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use keybound_protocol::{
    assemble, decode_token, new_jti, signing_input, verify, AuthMethod, Claims, Expectations,
    ExpectedNonce, Jwk, MemoryReplayCache, VerifyingKey,
};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};

const AUDIENCE: &str = "https://bench.keybound.invalid";

/// Command-line settings (plain flags, no parser crate needed).
struct Settings {
    only: Vec<String>,
    rounds: usize,
    tokens: usize,
    work_dir: PathBuf,
    tools_dir: PathBuf,
    python: Option<PathBuf>,
    node_dir: Option<PathBuf>,
    server_bin: Option<PathBuf>,
    redis_server: String,
    wrk: String,
    http_seconds: u64,
    http_rounds: usize,
    testdata: PathBuf,
}

impl Settings {
    fn parse() -> Result<Settings> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut s = Settings {
            only: vec!["verify".into(), "http".into(), "attestation".into()],
            rounds: 7,
            tokens: 3000,
            work_dir: std::env::temp_dir().join(format!("keybound-bench-{}", std::process::id())),
            tools_dir: root.join("tools/bench"),
            python: None,
            node_dir: None,
            server_bin: None,
            redis_server: "redis-server".into(),
            wrk: "wrk".into(),
            http_seconds: 3,
            http_rounds: 2,
            testdata: root.join("rust/keybound-server/testdata/key-attestation"),
        };
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| anyhow!("{flag} needs a value"));
            match flag.as_str() {
                "--only" => s.only = value()?.split(',').map(str::to_owned).collect(),
                "--rounds" => s.rounds = value()?.parse()?,
                "--tokens" => s.tokens = value()?.parse()?,
                "--work-dir" => s.work_dir = value()?.into(),
                "--python" => s.python = Some(value()?.into()),
                "--node-dir" => s.node_dir = Some(value()?.into()),
                "--server-bin" => s.server_bin = Some(value()?.into()),
                "--redis-server" => s.redis_server = value()?,
                "--wrk" => s.wrk = value()?,
                "--http-seconds" => s.http_seconds = value()?.parse()?,
                "--http-rounds" => s.http_rounds = value()?.parse()?,
                other => bail!("unknown flag {other}"),
            }
        }
        s.rounds = s.rounds.max(1);
        s.http_rounds = s.http_rounds.max(1);
        Ok(s)
    }

    fn wants(&self, section: &str) -> bool {
        self.only.iter().any(|o| o == section)
    }
}

fn main() -> Result<()> {
    let settings = Settings::parse()?;
    std::fs::create_dir_all(&settings.work_dir)?;
    let result = run(&settings);
    let _ = std::fs::remove_dir_all(&settings.work_dir);
    result
}

fn run(s: &Settings) -> Result<()> {
    let signer = Signer::new()?;
    let mut raw_per_s = None;
    if s.wants("verify") {
        raw_per_s = Some(verify_section(s, &signer)?);
    }
    if s.wants("http") {
        http_section(s, &signer, raw_per_s)?;
    }
    if s.wants("attestation") {
        attestation_section(s)?;
    }
    Ok(())
}

/// One figure on stdout.
fn figure(name: &str, value: impl std::fmt::Display) {
    println!("{name}: {value}");
    let _ = std::io::stdout().flush();
}

fn note(text: &str) {
    eprintln!("bench: {text}");
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let med = median(values);
    format!(
        "median {med:.0}, min {min:.0}, max {max:.0} (spread {:.1}%)",
        (max - min) / med * 100.0
    )
}

fn now_unix() -> Result<i64> {
    Ok(i64::try_from(
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs(),
    )?)
}

/// The device side: a software P-256 key signing keybound tokens, as the
/// Keystore would.
struct Signer {
    rng: SystemRandom,
    key: EcdsaKeyPair,
    jwk: Jwk,
    sec1: Vec<u8>,
}

impl Signer {
    fn new() -> Result<Signer> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| anyhow!("key generation failed"))?;
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|_| anyhow!("key import failed"))?;
        let sec1 = key.public_key().as_ref().to_vec();
        let jwk = Jwk::from_sec1(&sec1)?;
        Ok(Signer {
            rng,
            key,
            jwk,
            sec1,
        })
    }

    fn token(&self, nonce: &str, now: i64) -> Result<String> {
        let claims = Claims::new(AUDIENCE, nonce, now, now + 300, new_jti()?, AuthMethod::Biometric);
        let input = signing_input(&self.jwk.thumbprint(), &claims)?;
        let sig = self
            .key
            .sign(&self.rng, input.as_bytes())
            .map_err(|_| anyhow!("signing failed"))?;
        let raw: [u8; 64] = sig
            .as_ref()
            .try_into()
            .map_err(|_| anyhow!("signature not 64 bytes"))?;
        Ok(assemble(&input, &raw))
    }
}

// ---------------------------------------------------------------- verify

/// A contender of the verify section: one timed pass over the tokens,
/// giving verifications per second.
type Round<'a> = Box<dyn Fn() -> Result<f64> + 'a>;

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

fn verify_section(s: &Settings, signer: &Signer) -> Result<f64> {
    let now = now_unix()?;
    let tokens = (0..s.tokens)
        .map(|i| signer.token(&format!("bench-challenge-{i:08}"), now))
        .collect::<Result<Vec<_>>>()?;
    // The signing inputs and raw signatures of the same tokens.
    let pieces = tokens
        .iter()
        .map(|t| -> Result<(&str, Vec<u8>)> {
            let (input, sig) = t.rsplit_once('.').ok_or_else(|| anyhow!("no signature"))?;
            Ok((input, URL_SAFE_NO_PAD.decode(sig)?))
        })
        .collect::<Result<Vec<_>>>()?;
    let tokens_file = s.work_dir.join("tokens.txt");
    std::fs::write(&tokens_file, tokens.join("\n") + "\n")?;
    let jwk_file = s.work_dir.join("jwk.json");
    std::fs::write(&jwk_file, signer.jwk.to_json())?;

    let jwt_key = jsonwebtoken::DecodingKey::from_ec_components(signer.jwk.x(), signer.jwk.y())?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iat", "aud"]);
    let expect = Expectations::new(AUDIENCE, ExpectedNonce::CheckedByCaller);
    // The server's way: decode once, look the prepared key up by kid,
    // verify, record (kid, jti).
    let prepared = VerifyingKey::new(&signer.jwk)?;
    let mut contenders: Vec<(&str, Round<'_>)> = Vec::new();
    contenders.push((
        "keybound",
        Box::new(|| {
            let replay = MemoryReplayCache::new(tokens.len());
            let start = Instant::now();
            for t in &tokens {
                let decoded = decode_token(t)?;
                if decoded.kid() != prepared.kid() {
                    bail!("unknown kid");
                }
                let verified = decoded.verify(&prepared, &expect, now)?;
                replay.record(&verified, now)?;
            }
            Ok(per_second(tokens.len(), start.elapsed()))
        }),
    ));
    // The same with a bare Jwk (thumbprint and point decoded per token).
    contenders.push((
        "keybound_jwk",
        Box::new(|| {
            let replay = MemoryReplayCache::new(tokens.len());
            let start = Instant::now();
            for t in &tokens {
                let verified = verify(t, &signer.jwk, &expect, now)?;
                replay.record(&verified, now)?;
            }
            Ok(per_second(tokens.len(), start.elapsed()))
        }),
    ));
    contenders.push((
        "raw_ring",
        Box::new(|| {
            use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
            let start = Instant::now();
            for (input, sig) in &pieces {
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &signer.sec1)
                    .verify(input.as_bytes(), sig)
                    .map_err(|_| anyhow!("ring refused a valid signature"))?;
            }
            Ok(per_second(pieces.len(), start.elapsed()))
        }),
    ));
    contenders.push((
        "raw_aws_lc",
        Box::new(|| {
            use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
            let start = Instant::now();
            for (input, sig) in &pieces {
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &signer.sec1)
                    .verify(input.as_bytes(), sig)
                    .map_err(|_| anyhow!("aws-lc-rs refused a valid signature"))?;
            }
            Ok(per_second(pieces.len(), start.elapsed()))
        }),
    ));
    contenders.push((
        "raw_aws_lc_parsed",
        Box::new(|| {
            use aws_lc_rs::signature::{ParsedPublicKey, ECDSA_P256_SHA256_FIXED};
            let key = ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &signer.sec1)
                .map_err(|_| anyhow!("aws-lc-rs refused the key"))?;
            let start = Instant::now();
            for (input, sig) in &pieces {
                key.verify_sig(input.as_bytes(), sig)
                    .map_err(|_| anyhow!("aws-lc-rs refused a valid signature"))?;
            }
            Ok(per_second(pieces.len(), start.elapsed()))
        }),
    ));
    contenders.push((
        "jsonwebtoken",
        Box::new(|| {
            let start = Instant::now();
            for t in &tokens {
                let data = jsonwebtoken::decode::<JwtClaims>(t, &jwt_key, &validation)?;
                if data.claims.jti.is_empty() || data.claims.nonce.is_empty() {
                    bail!("jsonwebtoken: empty claims");
                }
            }
            Ok(per_second(tokens.len(), start.elapsed()))
        }),
    ));
    if let Some(python) = &s.python {
        let script = s.tools_dir.join("pyjwt_round.py");
        let (tokens_file, jwk_file) = (tokens_file.clone(), jwk_file.clone());
        contenders.push((
            "pyjwt",
            Box::new(move || {
                external_round(
                    Command::new(python)
                        .arg(&script)
                        .arg(&tokens_file)
                        .arg(&jwk_file)
                        .arg(AUDIENCE),
                )
            }),
        ));
    }
    if let Some(node_dir) = &s.node_dir {
        let script = s.tools_dir.join("jose_round.mjs");
        let (tokens_file, jwk_file) = (tokens_file.clone(), jwk_file.clone());
        contenders.push((
            "node_jose",
            Box::new(move || {
                external_round(
                    Command::new("node")
                        .arg(&script)
                        .arg(node_dir)
                        .arg(&tokens_file)
                        .arg(&jwk_file)
                        .arg(AUDIENCE),
                )
            }),
        ));
    }

    // Warm-up pass of the in-process contenders, then interleaved rounds.
    for (name, round) in contenders.iter().take(6) {
        round().with_context(|| format!("warm-up of {name}"))?;
    }
    let mut results: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    for r in 0..s.rounds {
        let mut line = format!("verify round {}/{}:", r + 1, s.rounds);
        for (i, (name, round)) in contenders.iter().enumerate() {
            let v = round().with_context(|| format!("round of {name}"))?;
            results[i].push(v);
            let _ = write!(line, " {name} {v:.0}/s");
        }
        note(&line);
    }
    for (i, (name, _)) in contenders.iter().enumerate() {
        note(&format!("verify {name}: {}", spread(&results[i])));
    }
    let series = |name: &str| -> Option<&Vec<f64>> {
        contenders
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| &results[i])
    };
    let keybound = series("keybound").ok_or_else(|| anyhow!("no keybound series"))?;
    // The fastest bare backend (by median) is the raw baseline.
    let (raw_name, raw) = ["raw_ring", "raw_aws_lc", "raw_aws_lc_parsed"]
        .iter()
        .filter_map(|n| series(n).map(|v| (*n, v)))
        .max_by(|a, b| median(a.1).total_cmp(&median(b.1)))
        .ok_or_else(|| anyhow!("no raw series"))?;
    note(&format!("verify: raw baseline is {raw_name}"));
    let ratio = |other: &[f64]| {
        let per_round: Vec<f64> = keybound.iter().zip(other).map(|(k, o)| k / o).collect();
        median(&per_round)
    };
    figure("verify_per_s_keybound", format!("{:.0}", median(keybound)));
    figure("verify_per_s_raw", format!("{:.0}", median(raw)));
    figure("verify_ratio_vs_raw", format!("{:.3}", ratio(raw)));
    for (name, figure_name) in [
        ("jsonwebtoken", "verify_ratio_vs_jsonwebtoken"),
        ("pyjwt", "verify_ratio_vs_pyjwt"),
        ("node_jose", "verify_ratio_vs_node_jose"),
    ] {
        match series(name) {
            Some(other) => figure(figure_name, format!("{:.3}", ratio(other))),
            None => note(&format!("{figure_name}: not measured (no {name} given)")),
        }
    }
    Ok(median(raw))
}

/// The claims `jsonwebtoken` deserializes (typed, as keybound's are).
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read by serde: deserializing them is part of the work compared
struct JwtClaims {
    aud: String,
    nonce: String,
    iat: i64,
    exp: i64,
    jti: String,
    auth: String,
}

/// Runs a script that times itself and prints verifications per second.
fn external_round(cmd: &mut Command) -> Result<f64> {
    let out = cmd.stderr(Stdio::inherit()).output()?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", out.status);
    }
    let text = String::from_utf8(out.stdout)?;
    Ok(text.trim().parse()?)
}

// ---------------------------------------------------------------- http

/// A child process of this bench, killed when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start_redis(binary: &str) -> Result<(Guard, String)> {
    let port = free_port()?;
    let child = Command::new(binary)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {binary}"))?;
    let guard = Guard(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("redis-server did not start on port {port}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((guard, format!("redis://127.0.0.1:{port}/")))
}

fn start_server(bin: &Path, redis: Option<(&str, &str)>) -> Result<(Guard, String)> {
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--audience", AUDIENCE])
        .arg("--allow-unattested")
        // One loopback address prepares thousands of challenges and opens
        // every wrk connection: no per-address limits in the bench.
        .args(["--challenge-rate-per-address", "0"])
        .args(["--max-connections-per-address", "4096"])
        // The bench measures the server, not its log: warnings only.
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some((url, prefix)) = redis {
        cmd.args(["--redis", url, "--redis-prefix", prefix]);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
    let guard = Guard(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .ok_or_else(|| anyhow!("server said {line:?}"))?
        .to_owned();
    Ok((guard, format!("http://{addr}")))
}

fn challenge(agent: &ureq::Agent, base: &str) -> Result<String> {
    let body: serde_json::Value = agent
        .post(&format!("{base}/v1/challenges"))
        .send_string("")?
        .into_json()?;
    body["nonce"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("challenge without nonce"))
}

/// Registers the signer's key and returns `count` fresh valid tokens.
fn prepare_tokens(base: &str, signer: &Signer, count: usize) -> Result<Vec<String>> {
    let agent = ureq::AgentBuilder::new().build();
    let nonce = challenge(&agent, base)?;
    let jwk: serde_json::Value = serde_json::from_str(&signer.jwk.to_json())?;
    agent
        .post(&format!("{base}/v1/keys"))
        .send_json(serde_json::json!({"nonce": nonce, "userId": "bench-user", "jwk": jwk}))
        .context("registering the bench key")?;
    let threads = 4;
    let nonces = std::thread::scope(|scope| -> Result<Vec<String>> {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let n = count / threads + usize::from(i < count % threads);
                scope.spawn(move || -> Result<Vec<String>> {
                    let agent = ureq::AgentBuilder::new().build();
                    (0..n).map(|_| challenge(&agent, base)).collect()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(count);
        for h in handles {
            all.extend(
                h.join()
                    .map_err(|_| anyhow!("challenge thread panicked"))??,
            );
        }
        Ok(all)
    })?;
    let now = now_unix()?;
    nonces.iter().map(|n| signer.token(n, now)).collect()
}

/// What wrk reported.
struct Load {
    ok_per_s: f64,
    requests: u64,
    non_2xx: u64,
}

fn run_wrk(s: &Settings, url: &str, tokens: &[String], label: &str) -> Result<Load> {
    let file = s.work_dir.join(format!("http-{label}.txt"));
    std::fs::write(&file, tokens.join("\n") + "\n")?;
    let threads = 2;
    let out = Command::new(&s.wrk)
        .args(["-t", &threads.to_string(), "-c", "64"])
        .args(["-d", &format!("{}s", s.http_seconds), "--timeout", "5s"])
        .arg("-s")
        .arg(s.tools_dir.join("verify_load.lua"))
        .arg(format!("{url}/v1/tokens/verify"))
        .args(["--", &threads.to_string()])
        .env("KEYBOUND_BENCH_TOKENS", &file)
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {}", s.wrk))?;
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8(out.stdout)?;
    if !out.status.success() {
        bail!("wrk failed: {}\n{text}", out.status);
    }
    // "  123456 requests in 3.00s, 45.67MB read"
    let (requests, seconds) = text
        .lines()
        .find_map(|l| {
            let (n, rest) = l.trim().split_once(" requests in ")?;
            let secs = rest.split(',').next()?.trim();
            let secs = match secs.strip_suffix("ms") {
                Some(ms) => ms.parse::<f64>().ok()? / 1000.0,
                None => secs.strip_suffix('s')?.parse::<f64>().ok()?,
            };
            Some((n.parse::<u64>().ok()?, secs))
        })
        .ok_or_else(|| anyhow!("wrk output not understood:\n{text}"))?;
    let non_2xx = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .map(|n| n.trim().parse::<u64>())
        .transpose()?
        .unwrap_or(0);
    if text.contains("Socket errors") {
        note(&format!(
            "{label}: {}",
            text.lines()
                .find(|l| l.contains("Socket errors"))
                .unwrap_or("")
        ));
    }
    Ok(Load {
        ok_per_s: (requests.saturating_sub(non_2xx)) as f64 / seconds,
        requests,
        non_2xx,
    })
}

fn http_section(s: &Settings, signer: &Signer, raw_per_s: Option<f64>) -> Result<()> {
    let bin = s
        .server_bin
        .as_deref()
        .ok_or_else(|| anyhow!("http needs --server-bin"))?;
    let (_redis, redis_url) = start_redis(&s.redis_server)?;
    // Enough fresh tokens that the run cannot exhaust them (1.5 times what
    // the previous round of the same store got through), within the memory
    // stores' capacity (100,000 live challenges).
    let max_count = 95_000;
    let mut memory: Vec<f64> = Vec::new();
    let mut redis: Vec<f64> = Vec::new();
    for r in 0..s.http_rounds {
        for (label, store) in [("memory", None), ("redis", Some(redis_url.as_str()))] {
            let previous = if store.is_none() { &memory } else { &redis };
            let count = previous.last().map_or(max_count, |per_s| {
                ((per_s * s.http_seconds as f64 * 1.5) as usize).clamp(10_000, max_count)
            });
            let prefix = format!("bench{r}");
            let (server, base) = start_server(bin, store.map(|u| (u, prefix.as_str())))?;
            let prep = Instant::now();
            let tokens = prepare_tokens(&base, signer, count)?;
            note(&format!(
                "http {label} round {}: {} tokens prepared in {:.1}s",
                r + 1,
                tokens.len(),
                prep.elapsed().as_secs_f64()
            ));
            let load = run_wrk(s, &base, &tokens, label)?;
            drop(server);
            note(&format!(
                "http {label} round {}: {:.0} ok/s ({} requests, {} non-2xx{})",
                r + 1,
                load.ok_per_s,
                load.requests,
                load.non_2xx,
                if load.requests > count as u64 {
                    ": TOKENS EXHAUSTED, figure too low"
                } else {
                    ""
                }
            ));
            match label {
                "memory" => memory.push(load.ok_per_s),
                _ => redis.push(load.ok_per_s),
            }
        }
    }
    note(&format!("http memory: {}", spread(&memory)));
    note(&format!("http redis: {}", spread(&redis)));
    let per_round: Vec<f64> = redis.iter().zip(&memory).map(|(r, m)| r / m).collect();
    figure(
        "http_verify_per_s_memory",
        format!("{:.0}", median(&memory)),
    );
    figure("http_verify_per_s_redis", format!("{:.0}", median(&redis)));
    match raw_per_s {
        Some(raw) => figure(
            "http_verify_ratio_vs_floor",
            format!("{:.3}", median(&memory) / (2.0 * raw)),
        ),
        None => note("http_verify_ratio_vs_floor: needs the verify section in the same run"),
    }
    figure("http_redis_ratio", format!("{:.3}", median(&per_round)));
    Ok(())
}

// ---------------------------------------------------------------- attestation

fn attestation_section(s: &Settings) -> Result<()> {
    use keybound_server::attestation::chain::{parse_chain, read_chain};
    use keybound_server::attestation::policy::{verify_attestation, KeyPolicy};
    use keybound_server::attestation::{ChainVerifier, TrustRoots};

    let verifier = ChainVerifier::new(TrustRoots::google(), None);
    let policy = KeyPolicy::dangerous_any_challenge();
    let mut stack = vec![s.testdata.clone()];
    let mut chains = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() && !path.ends_with("invalid") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "pem") {
                chains.push(path);
            }
        }
    }
    chains.sort();
    let mut slowest: Option<(f64, String)> = None;
    for path in &chains {
        let name = path
            .strip_prefix(&s.testdata)
            .unwrap_or(path)
            .display()
            .to_string();
        let ders = read_chain(&std::fs::read(path)?)?;
        // A moment inside every certificate's validity (the chains have expired since).
        let at = parse_chain(&ders)?
            .iter()
            .map(|c| {
                c.cert()
                    .tbs_certificate()
                    .validity()
                    .not_before
                    .to_unix_duration()
                    .as_secs()
            })
            .max()
            .ok_or_else(|| anyhow!("{name}: empty chain"))?;
        let at = i64::try_from(at)? + 60;
        // The full registration check (chain, then the key description
        // against the policy); a chain whose policy check fails is timed by
        // its chain verification alone.
        let full = verify_attestation(&verifier, &policy, &ders, at).is_ok();
        let once = || -> Result<()> {
            if full {
                verify_attestation(&verifier, &policy, &ders, at)
                    .map_err(|e| anyhow!("{name}: {e}"))?;
            } else {
                verifier
                    .verify(&ders, at)
                    .map_err(|e| anyhow!("{name}: {e}"))?;
            }
            Ok(())
        };
        for _ in 0..5 {
            once()?;
        }
        let mut times = Vec::new();
        for _ in 0..51 {
            let start = Instant::now();
            once()?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        let med = median(&times);
        note(&format!(
            "attestation {name}: median {med:.3} ms{}",
            if full { "" } else { " (chain only)" }
        ));
        if slowest.as_ref().is_none_or(|(m, _)| med > *m) {
            slowest = Some((med, name));
        }
    }
    let (ms, name) = slowest.ok_or_else(|| anyhow!("no chains under {}", s.testdata.display()))?;
    note(&format!("attestation: slowest chain is {name}"));
    figure("attestation_verify_ms", format!("{ms:.3}"));
    Ok(())
}
