#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

use crate::attestation::chain::{ChainVerifier, TrustRoots};
use crate::clock::FixedClock;
use crate::http::{app, AppState, ServerConfig};
use crate::limit::{ChallengeLimiter, ChallengeRate, TrustedProxies};
use crate::store::memory;
use crate::testhttp::respond;
use crate::testkeys::{claims, DeviceKey};

const AUD: &str = "https://bank.example";
const NOW: i64 = 1_750_000_000;

/// One sample: metric name and its labels, sorted.
type Series = (String, BTreeMap<String, String>);

/// A strict reader of the text exposition: every line is a `# HELP`,
/// `# TYPE` or `# UNIT` comment, a sample `name{k="v",...} value`, or the
/// closing `# EOF`, which must be last. Each sample's family must have been
/// declared by a `# TYPE` line before it; a series appears once.
fn parse_exposition(text: &str) -> BTreeMap<Series, f64> {
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.pop(), Some("# EOF"), "exposition must end with # EOF");
    let mut families: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = BTreeMap::new();
    for line in lines {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let kind = parts.next().unwrap();
            let name = parts.next().unwrap();
            let value = parts.next().unwrap_or_default();
            assert!(valid_name(name), "bad family name in {line:?}");
            match kind {
                "TYPE" => {
                    assert!(
                        [
                            "counter",
                            "gauge",
                            "histogram",
                            "summary",
                            "info",
                            "unknown"
                        ]
                        .contains(&value),
                        "bad type in {line:?}"
                    );
                    assert!(families.insert(name.to_owned(), value.to_owned()).is_none());
                }
                "HELP" | "UNIT" => {}
                _ => panic!("unexpected comment {line:?}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line:?}")),
        };
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').unwrap();
                let mut labels = BTreeMap::new();
                for pair in body.split(',').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap();
                    assert!(valid_name(k), "bad label name in {line:?}");
                    let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
                    let v = v.unwrap_or_else(|| panic!("unquoted label in {line:?}"));
                    assert!(labels.insert(k.to_owned(), v.to_owned()).is_none());
                }
                (name, labels)
            }
        };
        assert!(valid_name(name), "bad sample name in {line:?}");
        let family = families
            .keys()
            .filter(|f| name.starts_with(f.as_str()))
            .max_by_key(|f| f.len())
            .unwrap_or_else(|| panic!("sample without # TYPE: {line:?}"));
        let suffix = &name[family.len()..];
        let allowed: &[&str] = match families[family].as_str() {
            "counter" => &["_total", "_created"],
            "histogram" => &["_bucket", "_sum", "_count", "_created"],
            _ => &[""],
        };
        assert!(allowed.contains(&suffix), "bad suffix in {line:?}");
        assert!(
            samples.insert((name.to_owned(), labels), value).is_none(),
            "duplicate series {line:?}"
        );
    }
    samples
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn series(name: &str, labels: &[(&str, &str)]) -> Series {
    (
        name.to_owned(),
        labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

async fn call(app: &Router, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(
            body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        ))
        .unwrap();
    respond(app, req).await
}

async fn scrape(app: &Router) -> (String, BTreeMap<Series, f64>) {
    let req = Request::builder()
        .uri("/metrics")
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()[header::CONTENT_TYPE],
        super::CONTENT_TYPE,
        "content type"
    );
    let text = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let samples = parse_exposition(&text);
    (text, samples)
}

fn state(burst: u32) -> AppState {
    AppState::new(
        ServerConfig::new(AUD),
        memory::stores(),
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(FixedClock::new(NOW)),
    )
    // One request per second sustained: the burst runs out within the test.
    .with_challenge_limiter(ChallengeLimiter::new(
        ChallengeRate::new(1, burst),
        TrustedProxies::none(),
    ))
    .dangerous_allow_unattested()
}

#[tokio::test]
async fn metrics_count_routes_results_levels_latency_and_429s() {
    let app = app(state(4));

    // A registration (one challenge), a token that verifies, then its replay.
    let key = DeviceKey::generate();
    let (status, body) = call(&app, "POST", "/v1/challenges", None).await;
    assert_eq!(status, StatusCode::CREATED);
    let jwk: Value = serde_json::from_str(&key.jwk.to_json()).unwrap();
    let (status, reg) = call(
        &app,
        "POST",
        "/v1/keys",
        Some(json!({"userId": "alice", "nonce": body["nonce"], "jwk": jwk})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{reg}");
    let level = reg["securityLevel"].as_str().unwrap().to_owned();

    let (status, body) = call(&app, "POST", "/v1/challenges", None).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = key.token(&claims(AUD, body["nonce"].as_str().unwrap(), NOW));
    let verify = Some(json!({"token": token}));
    assert_eq!(
        call(&app, "POST", "/v1/tokens/verify", verify.clone())
            .await
            .0,
        StatusCode::OK
    );
    let (status, body) = call(&app, "POST", "/v1/tokens/verify", verify).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::UNAUTHORIZED, &json!("replayed"))
    );
    // A malformed verify body counts under its own code.
    assert_eq!(
        call(&app, "POST", "/v1/tokens/verify", Some(json!({"nope": 1})))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );

    // Challenges until the limiter refuses one (bounded).
    let mut issued = 2u32;
    let mut refused = 0u32;
    for _ in 0..100 {
        match call(&app, "POST", "/v1/challenges", None).await.0 {
            StatusCode::CREATED => issued += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(refused, 1, "the limiter never answered 429");
    // An operator route that is off (no secret): no matched route.
    let kid_path = format!("/v1/keys/{}", key.kid);
    assert_eq!(
        call(&app, "DELETE", &kid_path, None).await.0,
        StatusCode::NOT_FOUND
    );

    let (text, samples) = scrape(&app).await;
    // Nothing identifying a key or token is a label.
    assert!(!text.contains(&key.kid), "kid leaked into metrics");
    assert!(!text.contains(&token), "token leaked into metrics");

    let cases: Vec<(Series, f64)> = vec![
        (
            series(
                "keybound_http_requests_total",
                &[
                    ("method", "POST"),
                    ("route", "/v1/challenges"),
                    ("status", "201"),
                ],
            ),
            f64::from(issued),
        ),
        (
            series(
                "keybound_http_requests_total",
                &[
                    ("method", "POST"),
                    ("route", "/v1/challenges"),
                    ("status", "429"),
                ],
            ),
            f64::from(refused),
        ),
        (
            series(
                "keybound_http_requests_total",
                &[("method", "POST"), ("route", "/v1/keys"), ("status", "201")],
            ),
            1.0,
        ),
        (
            series(
                "keybound_http_requests_total",
                &[
                    ("method", "POST"),
                    ("route", "/v1/tokens/verify"),
                    ("status", "200"),
                ],
            ),
            1.0,
        ),
        (
            series(
                "keybound_http_requests_total",
                &[
                    ("method", "POST"),
                    ("route", "/v1/tokens/verify"),
                    ("status", "401"),
                ],
            ),
            1.0,
        ),
        (
            series(
                "keybound_http_requests_total",
                &[
                    ("method", "POST"),
                    ("route", "/v1/tokens/verify"),
                    ("status", "400"),
                ],
            ),
            1.0,
        ),
        (
            series(
                "keybound_http_requests_total",
                &[
                    ("method", "DELETE"),
                    ("route", "unmatched"),
                    ("status", "404"),
                ],
            ),
            1.0,
        ),
        (
            series("keybound_token_verifications_total", &[("result", "ok")]),
            1.0,
        ),
        (
            series(
                "keybound_token_verifications_total",
                &[("result", "replayed")],
            ),
            1.0,
        ),
        (
            series(
                "keybound_token_verifications_total",
                &[("result", "malformed_request")],
            ),
            1.0,
        ),
        (
            series(
                "keybound_key_registrations_total",
                &[("security_level", level.as_str())],
            ),
            1.0,
        ),
        (
            series(
                "keybound_rate_limited_total",
                &[("route", "/v1/challenges")],
            ),
            f64::from(refused),
        ),
        (
            series(
                "keybound_store_operation_duration_seconds_count",
                &[("operation", "challenge_insert")],
            ),
            f64::from(issued),
        ),
        (
            series(
                "keybound_store_operation_duration_seconds_count",
                &[("operation", "key_register")],
            ),
            1.0,
        ),
        (
            series(
                "keybound_store_operation_duration_seconds_count",
                &[("operation", "challenge_consume")],
            ),
            1.0,
        ),
        (
            series(
                "keybound_store_operation_duration_seconds_count",
                &[("operation", "token_verify")],
            ),
            2.0,
        ),
        (
            series(
                "keybound_store_operation_duration_seconds_count",
                &[("operation", "key_touch")],
            ),
            1.0,
        ),
    ];
    for (key, want) in &cases {
        assert_eq!(samples.get(key), Some(want), "{key:?} in\n{text}");
    }
    // Every http request series is one of the above (nothing else counted,
    // e.g. the scrape itself is counted only after it answers).
    let http: BTreeSet<&Series> = samples
        .keys()
        .filter(|(n, _)| n == "keybound_http_requests_total")
        .collect();
    let expected: BTreeSet<&Series> = cases
        .iter()
        .map(|(k, _)| k)
        .filter(|(n, _)| n == "keybound_http_requests_total")
        .collect();
    assert_eq!(http, expected);
    // The histogram's +Inf bucket holds every observation.
    assert_eq!(
        samples.get(&series(
            "keybound_store_operation_duration_seconds_bucket",
            &[("operation", "challenge_insert"), ("le", "+Inf")],
        )),
        Some(&f64::from(issued))
    );

    // A second scrape counts the first one.
    let (_, again) = scrape(&app).await;
    assert_eq!(
        again.get(&series(
            "keybound_http_requests_total",
            &[("method", "GET"), ("route", "/metrics"), ("status", "200")],
        )),
        Some(&1.0)
    );
}

#[tokio::test]
async fn a_fresh_server_has_no_samples_and_the_first_scrape_counts_once() {
    let app = app(state(1));
    // prometheus-client writes a family only once it has a series.
    let (text, samples) = scrape(&app).await;
    assert_eq!(text, "# EOF\n");
    assert!(samples.is_empty(), "{samples:?}");
    let (text, samples) = scrape(&app).await;
    let want: BTreeMap<Series, f64> = [(
        series(
            "keybound_http_requests_total",
            &[("method", "GET"), ("route", "/metrics"), ("status", "200")],
        ),
        1.0,
    )]
    .into_iter()
    .collect();
    assert_eq!(samples, want, "{text}");
}
