//! `GET /metrics`: counters and a store-latency histogram in the Prometheus
//! text exposition format (OpenMetrics flavour), with `prometheus-client`.
//!
//! The [`Metrics`] registry lives in [`crate::http::AppState`], not in a
//! process-wide recorder, so every test (and every router) counts on its own.
//!
//! | series | labels |
//! |---|---|
//! | `keybound_http_requests_total` | `method`, `route` (the matched route template, `unmatched` for a 404 without route), `status` |
//! | `keybound_token_verifications_total` | `result`: `ok` or the error code of `POST /v1/tokens/verify` |
//! | `keybound_key_registrations_total` | `security_level` of the registered key |
//! | `keybound_rate_limited_total` | `route` refused 429 `rate_limited` |
//! | `keybound_store_operation_duration_seconds` (histogram) | `operation` |
//!
//! Label values come from fixed sets (route templates, error codes, levels,
//! operation names): never a token, nonce, kid or user id.

use std::future::Future;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The `Content-Type` of `GET /metrics`.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LevelLabels {
    security_level: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

/// Marks a response as refused by the challenge rate limiter, for
/// `keybound_rate_limited_total` (set by [`crate::http::ApiError`]).
#[derive(Clone, Copy, Debug)]
#[allow(clippy::exhaustive_structs)] // a unit marker: nothing to add
pub struct RateLimitedMark;

/// The registry and its metric families.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    verifications: Family<ResultLabels, Counter>,
    registrations: Family<LevelLabels, Counter>,
    rate_limited: Family<RouteLabels, Counter>,
    store_latency: Family<OperationLabels, Histogram, fn() -> Histogram>,
}

fn latency_histogram() -> Histogram {
    // 100 µs .. ~3.3 s.
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with every family registered (and no samples).
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("keybound");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        let verifications = Family::<ResultLabels, Counter>::default();
        registry.register(
            "token_verifications",
            "Token verifications by result (ok or the error code)",
            verifications.clone(),
        );
        let registrations = Family::<LevelLabels, Counter>::default();
        registry.register(
            "key_registrations",
            "Registered keys by security level",
            registrations.clone(),
        );
        let rate_limited = Family::<RouteLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused 429 rate_limited",
            rate_limited.clone(),
        );
        let store_latency: Family<OperationLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "store_operation_duration_seconds",
            "Latency of store operations",
            store_latency.clone(),
        );
        Self {
            registry,
            requests,
            verifications,
            registrations,
            rate_limited,
            store_latency,
        }
    }

    /// The text exposition of every series.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }

    /// Counts one verification with `result` (`ok` or an error code).
    pub fn verification(&self, result: &'static str) {
        self.verifications
            .get_or_create(&ResultLabels {
                result: result.to_owned(),
            })
            .inc();
    }

    /// Counts one registration at `security_level`.
    pub fn registration(&self, security_level: &'static str) {
        self.registrations
            .get_or_create(&LevelLabels {
                security_level: security_level.to_owned(),
            })
            .inc();
    }

    /// Runs the store operation `fut`, noting its duration under `operation`.
    pub async fn time<T>(&self, operation: &'static str, fut: impl Future<Output = T>) -> T {
        let start = Instant::now();
        let out = fut.await;
        self.store_latency
            .get_or_create(&OperationLabels {
                operation: operation.to_owned(),
            })
            .observe(start.elapsed().as_secs_f64());
        out
    }

    fn request(&self, method: &Method, route: &str, status: StatusCode) {
        // Only the methods the API knows, so a client cannot grow the label set.
        let method = match *method {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::DELETE => "DELETE",
            Method::HEAD => "HEAD",
            _ => "other",
        };
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status: status.as_u16().to_string(),
            })
            .inc();
    }

    fn rate_limited(&self, route: &str) {
        self.rate_limited
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .inc();
    }
}

/// Middleware (outermost layer): counts each request by method, matched
/// route template and status, and the 429s of the rate limiter.
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    // The template (`/v1/keys/{kid}`), never the path with its kid.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = req.method().clone();
    let resp = next.run(req).await;
    metrics.request(&method, &route, resp.status());
    if resp.extensions().get::<RateLimitedMark>().is_some() {
        metrics.rate_limited(&route);
    }
    resp
}

/// `GET /metrics`.
pub async fn serve(State(metrics): State<std::sync::Arc<Metrics>>) -> Response {
    match metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(_) => {
            tracing::error!("metrics encoding failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests;
