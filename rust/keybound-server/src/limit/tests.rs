#![allow(clippy::unwrap_used, reason = "tests")]

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::Instant;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

use super::*;
use crate::attestation::chain::{ChainVerifier, TrustRoots};
use crate::clock::FixedClock;
use crate::http::{app, AppState, ServerConfig};
use crate::store::memory::{MemoryChallengeStore, MemoryKeyRegistry, MemoryReplayStore};
use crate::store::Stores;

const NOW: i64 = 1_750_000_000;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn router(
    challenges: MemoryChallengeStore,
    ttl: i64,
    limiter: ChallengeLimiter,
    clock: Arc<FixedClock>,
) -> Router {
    let mut config = ServerConfig::new("https://bank.example");
    config.challenge_ttl_secs = ttl;
    let stores = Stores {
        challenges: Arc::new(challenges),
        replay: Arc::new(MemoryReplayStore::default()),
        keys: Arc::new(MemoryKeyRegistry::default()),
    };
    let state = AppState::new(
        config,
        stores,
        ChainVerifier::new(TrustRoots::google(), None),
        clock,
    )
    .with_challenge_limiter(limiter);
    app(state)
}

/// POST /v1/challenges from `peer` (as conn.rs would set it) with the given
/// X-Forwarded-For fields: (status, Retry-After, body).
async fn challenge(app: &Router, peer: &str, xff: &[&str]) -> (StatusCode, Option<u64>, Value) {
    let peer: SocketAddr = SocketAddr::new(ip(peer), 40_000);
    let mut req = Request::builder().method("POST").uri("/v1/challenges");
    for v in xff {
        req = req.header("x-forwarded-for", *v);
    }
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        retry,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_flood_from_one_address_is_429_and_others_still_get_challenges() {
    const FLOOD: usize = 10_000;
    // (rate, burst): the documented default, and a strict one.
    for rate in [ChallengeRate::default(), ChallengeRate::new(1, 20)] {
        let clock = Arc::new(FixedClock::new(NOW));
        let app = router(
            MemoryChallengeStore::default(),
            300,
            ChallengeLimiter::new(rate, TrustedProxies::none()),
            clock,
        );
        let start = Instant::now();
        let (mut ok, mut limited) = (0u64, 0u64);
        for _ in 0..FLOOD {
            let (status, retry, body) = challenge(&app, "192.0.2.10", &[]).await;
            match status {
                StatusCode::CREATED => ok += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    assert_eq!(body, json!({"error": "rate_limited"}));
                    assert!(retry.is_some_and(|s| s >= 1), "{retry:?}");
                    limited += 1;
                }
                other => panic!("unexpected {other} {body}"),
            }
        }
        let elapsed = start.elapsed().as_secs() + 1;
        let per_second = u64::from(rate.per_second.unwrap().get());
        let burst = u64::from(rate.burst.get());
        assert!(ok >= burst, "{rate:?}: only {ok} issued");
        assert!(
            ok <= burst + per_second * elapsed,
            "{rate:?}: {ok} issued in {elapsed} s"
        );
        assert_eq!(ok + limited, FLOOD as u64);
        // Another address (and another IPv6 /64) is not affected.
        for other in ["192.0.2.11", "2001:db8:1::1"] {
            let (status, _, body) = challenge(&app, other, &[]).await;
            assert_eq!(status, StatusCode::CREATED, "{other}: {body}");
            assert_eq!(body["nonce"].as_str().unwrap().len(), 43);
        }
    }
}

#[tokio::test]
async fn ipv6_addresses_of_one_64_share_a_budget() {
    let app = router(
        MemoryChallengeStore::default(),
        300,
        ChallengeLimiter::new(ChallengeRate::new(1, 2), TrustedProxies::none()),
        Arc::new(FixedClock::new(NOW)),
    );
    let cases = [
        ("2001:db8:5:6::1", StatusCode::CREATED),
        ("2001:db8:5:6::2", StatusCode::CREATED),
        ("2001:db8:5:6:ffff::3", StatusCode::TOO_MANY_REQUESTS),
        ("2001:db8:5:7::1", StatusCode::CREATED),
    ];
    for (peer, want) in cases {
        assert_eq!(challenge(&app, peer, &[]).await.0, want, "{peer}");
    }
}

#[test]
fn client_address_from_forwarded_for_only_behind_a_trusted_proxy() {
    let cases: &[(&[&str], &str, &[&str], &str)] = &[
        // (trusted proxies, peer, X-Forwarded-For fields, client)
        (&[], "10.0.0.9", &["198.51.100.1"], "10.0.0.9"),
        (&["10.0.0.9"], "10.0.0.8", &["198.51.100.1"], "10.0.0.8"),
        (&["10.0.0.9"], "10.0.0.9", &["198.51.100.1"], "198.51.100.1"),
        (&["10.0.0.9"], "10.0.0.9", &[], "10.0.0.9"),
        // What the client wrote left of the proxy's hop is not believed.
        (
            &["10.0.0.9"],
            "10.0.0.9",
            &["6.6.6.6, 198.51.100.1"],
            "198.51.100.1",
        ),
        (
            &["10.0.0.9"],
            "10.0.0.9",
            &["6.6.6.6", "198.51.100.1"],
            "198.51.100.1",
        ),
        // Two trusted proxies in a row.
        (
            &["10.0.0.9", "10.0.0.7"],
            "10.0.0.9",
            &["6.6.6.6, 198.51.100.1, 10.0.0.7"],
            "198.51.100.1",
        ),
        (
            &["10.0.0.9", "10.0.0.7"],
            "10.0.0.9",
            &["10.0.0.7"],
            "10.0.0.7",
        ),
        // Unparseable hop: the walk stops at the last trusted address.
        (&["10.0.0.9"], "10.0.0.9", &["6.6.6.6, unknown"], "10.0.0.9"),
        (
            &["10.0.0.9"],
            "10.0.0.9",
            &["198.51.100.1:5555"],
            "198.51.100.1",
        ),
        (
            &["10.0.0.9"],
            "10.0.0.9",
            &["[2001:db8::1]:443"],
            "2001:db8::1",
        ),
        (&["10.0.0.9"], "10.0.0.9", &["2001:db8::2"], "2001:db8::2"),
        // IPv4-mapped peer and hop count as IPv4.
        (
            &["10.0.0.9"],
            "::ffff:10.0.0.9",
            &["::ffff:198.51.100.1"],
            "198.51.100.1",
        ),
        (
            &["::ffff:10.0.0.9"],
            "10.0.0.9",
            &["198.51.100.1"],
            "198.51.100.1",
        ),
    ];
    for (trusted, peer, xff, want) in cases {
        let proxies = TrustedProxies::new(trusted.iter().map(|s| ip(s)));
        let mut headers = HeaderMap::new();
        for v in *xff {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        assert_eq!(
            proxies.client_address(ip(peer), &headers),
            ip(want),
            "trusted {trusted:?}, peer {peer}, xff {xff:?}"
        );
    }
}

#[tokio::test]
async fn the_proxy_header_counts_only_when_the_flag_names_the_peer() {
    let proxy = "10.0.0.9";
    // (trusted proxies, whether the second client still gets a challenge)
    let cases: &[(&[&str], StatusCode)] = &[
        (&[], StatusCode::TOO_MANY_REQUESTS),
        (&["10.0.0.1"], StatusCode::TOO_MANY_REQUESTS),
        (&[proxy], StatusCode::CREATED),
    ];
    for (trusted, second) in cases {
        let app = router(
            MemoryChallengeStore::default(),
            300,
            ChallengeLimiter::new(
                ChallengeRate::new(1, 3),
                TrustedProxies::new(trusted.iter().map(|s| ip(s))),
            ),
            Arc::new(FixedClock::new(NOW)),
        );
        for _ in 0..3 {
            let (status, _, _) = challenge(&app, proxy, &["198.51.100.1"]).await;
            assert_eq!(status, StatusCode::CREATED, "{trusted:?}");
        }
        let (status, _, _) = challenge(&app, proxy, &["198.51.100.1"]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{trusted:?}");
        // A spoofed header cannot buy a fresh budget either.
        let (status, _, _) = challenge(&app, proxy, &["198.51.100.2, 198.51.100.1"]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{trusted:?}");
        let (status, _, _) = challenge(&app, proxy, &["198.51.100.2"]).await;
        assert_eq!(status, *second, "{trusted:?}");
    }
}

#[tokio::test]
async fn a_full_store_accepts_again_once_challenges_expire() {
    const CAPACITY: usize = 3;
    const TTL: i64 = 10;
    let clock = Arc::new(FixedClock::new(NOW));
    let app = router(
        MemoryChallengeStore::new(CAPACITY),
        TTL,
        ChallengeLimiter::new(ChallengeRate::new(0, 1), TrustedProxies::none()),
        clock.clone(),
    );
    // (seconds after NOW, expected status): full until the first ones expire
    // (a challenge lives through its expiresAt second).
    let steps = [
        (0, StatusCode::CREATED),
        (0, StatusCode::CREATED),
        (1, StatusCode::CREATED),
        (1, StatusCode::SERVICE_UNAVAILABLE),
        (TTL, StatusCode::SERVICE_UNAVAILABLE),
        (TTL + 1, StatusCode::CREATED),
        (TTL + 1, StatusCode::CREATED),
        (TTL + 1, StatusCode::SERVICE_UNAVAILABLE),
        (3 * TTL, StatusCode::CREATED),
    ];
    for (at, want) in steps {
        clock.set(NOW + at);
        let (status, _, body) = challenge(&app, "192.0.2.10", &[]).await;
        assert_eq!(status, want, "at +{at}: {body}");
        if want == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(body, json!({"error": "store_unavailable"}));
        }
    }
}

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

impl Capture {
    fn count(&self, needle: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock())
            .matches(needle)
            .count()
    }
}

#[test]
fn store_full_is_logged_once_per_interval() {
    const INTERVAL: i64 = 60;
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let clock = Arc::new(FixedClock::new(NOW));
    let app = router(
        MemoryChallengeStore::new(1).with_full_log_interval(INTERVAL),
        10 * INTERVAL,
        ChallengeLimiter::new(ChallengeRate::new(0, 1), TrustedProxies::none()),
        clock.clone(),
    );
    tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            assert_eq!(
                challenge(&app, "192.0.2.1", &[]).await.0,
                StatusCode::CREATED
            );
            // (seconds after NOW, refused requests, "store full" lines so far)
            let steps = [
                (0, 100, 1),
                (1, 100, 1),
                (INTERVAL - 1, 10, 1),
                (INTERVAL, 1, 2),
                (INTERVAL + 1, 50, 2),
                (3 * INTERVAL, 5, 3),
            ];
            for (at, refused, lines) in steps {
                clock.set(NOW + at);
                for _ in 0..refused {
                    let (status, _, _) = challenge(&app, "192.0.2.1", &[]).await;
                    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
                }
                assert_eq!(capture.count("store full"), lines, "at +{at}");
            }
        });
    });
    // The second line counts the refusals since the first (99 + 100 + 10 + 1).
    assert_eq!(capture.count("refused=210"), 1);
}

#[test]
fn log_every_lets_one_event_per_interval_through() {
    // (now, logged?, count returned)
    let steps = [
        (100, Some(1)),
        (100, None),
        (159, None),
        (160, Some(3)),
        (219, None),
        (400, Some(2)),
        // A clock that goes back logs nothing until the interval passes.
        (10, None),
        (460, Some(2)),
    ];
    let throttle = LogEvery::new(60);
    for (now, want) in steps {
        assert_eq!(throttle.take(now), want, "at {now}");
    }
}

#[test]
fn the_limiter_map_is_swept() {
    // Budget refilled after 1 ms: an address is forgettable right away.
    let limiter = ChallengeLimiter::new(ChallengeRate::new(1000, 1), TrustedProxies::none());
    let per_round = u32::try_from(SWEEP_EVERY).unwrap();
    for round in 0..5u32 {
        for i in 0..per_round {
            let addr = IpAddr::from((round << 16 | i).to_be_bytes());
            assert_eq!(limiter.check(addr), Ok(()));
        }
        assert!(
            limiter.tracked() <= per_round as usize + 1,
            "round {round}: {} tracked",
            limiter.tracked()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
