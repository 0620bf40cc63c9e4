//! Abuse limits: challenge issuance rate-limited per client address, the
//! client's address (from the connection, or from `X-Forwarded-For` only
//! when the connection comes from a trusted proxy), and a log throttle for
//! "store full".
//!
//! # Rate limit
//! `POST /v1/challenges` is limited per client address key
//! ([`crate::http::conn::address_key`]: the IPv4 address, or the /64 of an IPv6
//! address) by a GCRA keyed limiter (`governor`): [`DEFAULT_CHALLENGES_PER_SECOND`]
//! sustained with bursts of [`DEFAULT_CHALLENGE_BURST`], by default. A request
//! over the limit is answered 429 `rate_limited` with `Retry-After`, issues
//! nothing and touches no store; other addresses are not affected. One
//! address can then hold at most about `rate × challenge TTL + burst` live
//! challenges (3,100 with the defaults), far below the in-memory store's
//! capacity.
//!
//! The limiter's map holds one entry per recently seen address key. Every
//! [`SWEEP_EVERY`] checks it drops the entries whose bucket is full again
//! (`retain_recent`: such an address is indistinguishable from a new one)
//! and gives the memory back, so the map holds at most the addresses seen
//! within one refill period (burst / rate seconds) plus [`SWEEP_EVERY`].
//!
//! # Client address
//! The address is the TCP peer's (`ConnectInfo`, set by [`crate::http::conn`]).
//! Only when the peer is one of the configured trusted proxies
//! (`--trusted-proxy`) is `X-Forwarded-For` read, right to left: the
//! rightmost hop that is not itself a trusted proxy is the client. A
//! client can put anything at the left of that header, so nothing left of
//! the first untrusted hop is believed. An unparseable hop stops the walk at
//! the last trusted address (all such requests then share that proxy's
//! budget: limited, never unlimited).
//!
//! # Log throttle
//! [`LogEvery`] is hand-written (one atomic compare-and-swap on a Unix
//! second): the stores log "store full" at most once per
//! [`STORE_FULL_LOG_INTERVAL_SECS`] with the count of refusals since the
//! previous line, instead of one ERROR line per refused request.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::http::conn::address_key;
use crate::http::ApiError;

/// Default sustained challenge issuance per client address, per second.
pub const DEFAULT_CHALLENGES_PER_SECOND: u32 = 10;
/// Default burst of challenges one client address may take at once.
pub const DEFAULT_CHALLENGE_BURST: u32 = 100;
/// The limiter forgets addresses whose budget is full again every this many checks.
pub const SWEEP_EVERY: u64 = 4096;
/// "store full" is logged at most once per this many seconds (per store).
pub const STORE_FULL_LOG_INTERVAL_SECS: i64 = 60;
/// Most `X-Forwarded-For` hops looked at (a longer chain stops at the last trusted one).
pub const MAX_FORWARDED_HOPS: usize = 32;

/// The client address a request was attributed to (a request extension
/// set by the challenge limiter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientAddr(pub IpAddr);

/// Which peers may tell the client's address in `X-Forwarded-For`.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    addresses: HashSet<IpAddr>,
}

impl TrustedProxies {
    /// No trusted proxy: the header is never read.
    pub fn none() -> Self {
        Self::default()
    }

    /// These proxy addresses (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn new(addresses: impl IntoIterator<Item = IpAddr>) -> Self {
        Self {
            addresses: addresses.into_iter().map(canonical).collect(),
        }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.addresses.contains(&canonical(ip))
    }

    /// The client address of a request from `peer` with `headers` (see the
    /// module docs).
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        // Every X-Forwarded-For field, in order, as one list (RFC 9110 5.3).
        let mut hops: Vec<&str> = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            let Ok(text) = value.to_str() else {
                return client;
            };
            hops.extend(text.split(','));
        }
        for hop in hops.iter().rev().take(MAX_FORWARDED_HOPS) {
            match parse_hop(hop) {
                Some(ip) => client = ip,
                None => return client,
            }
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// One hop: an IP address, optionally with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(canonical)
}

/// The challenge rate per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChallengeRate {
    /// Sustained challenges per second; `None`: no limit.
    pub per_second: Option<NonZeroU32>,
    /// Challenges one address may take at once.
    pub burst: NonZeroU32,
}

impl Default for ChallengeRate {
    fn default() -> Self {
        Self {
            per_second: NonZeroU32::new(DEFAULT_CHALLENGES_PER_SECOND),
            burst: NonZeroU32::new(DEFAULT_CHALLENGE_BURST).unwrap_or(NonZeroU32::MIN),
        }
    }
}

impl ChallengeRate {
    /// `per_second` sustained (0: unlimited) with bursts of `burst` (0 counts as 1).
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second: NonZeroU32::new(per_second),
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// The per-address challenge limiter (shared by every request).
#[derive(Debug)]
pub struct ChallengeLimiter {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    proxies: TrustedProxies,
    checks: AtomicU64,
    refused: AtomicU64,
    refused_log: LogEvery,
}

impl Default for ChallengeLimiter {
    fn default() -> Self {
        Self::new(ChallengeRate::default(), TrustedProxies::none())
    }
}

impl ChallengeLimiter {
    /// A limiter at `rate`, trusting `proxies` for `X-Forwarded-For`.
    pub fn new(rate: ChallengeRate, proxies: TrustedProxies) -> Self {
        let limiter = rate
            .per_second
            .map(|r| RateLimiter::dashmap(Quota::per_second(r).allow_burst(rate.burst)));
        Self {
            limiter,
            proxies,
            checks: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            refused_log: LogEvery::new(STORE_FULL_LOG_INTERVAL_SECS),
        }
    }

    /// Address keys currently tracked.
    pub fn tracked(&self) -> usize {
        self.limiter.as_ref().map_or(0, |l| l.len())
    }

    /// Counts one challenge for `client`: `Err(seconds to wait)` when over the limit.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter
            .check_key(&address_key(client))
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
            })
    }

    fn note_refused(&self, now_unix: i64) {
        let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        if self.refused_log.should_log(now_unix) {
            // The address is not logged: one line per interval, a count.
            tracing::warn!(
                refused_total = refused,
                "challenge requests over the per-address rate limit (429 rate_limited)"
            );
        }
    }
}

fn unix_now() -> i64 {
    use crate::clock::Clock as _;
    crate::clock::SystemClock.now_unix()
}

/// Middleware on `POST /v1/challenges`: attributes the request to a client
/// address ([`ClientAddr`]) and refuses it with 429 when over the limit.
pub async fn limit_challenges(
    State(limiter): State<Arc<ChallengeLimiter>>,
    mut req: Request,
    next: Next,
) -> Response {
    // conn.rs sets ConnectInfo on every request; without it (an embedding
    // that serves the router otherwise) all such requests share one budget.
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let client = limiter.proxies.client_address(peer, req.headers());
    req.extensions_mut().insert(ClientAddr(client));
    match limiter.check(client) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => {
            limiter.note_refused(unix_now());
            ApiError::RateLimited { retry_after_secs }.into_response()
        }
    }
}

/// "At most once per interval" for a log line, on Unix seconds given by the
/// caller (the stores pass their injected "now").
#[derive(Debug)]
pub struct LogEvery {
    interval_secs: i64,
    /// The second of the last line; `i64::MIN`: never.
    last: AtomicI64,
    /// Events since the last line.
    suppressed: AtomicU64,
}

impl LogEvery {
    /// At most one line per `interval_secs`.
    pub fn new(interval_secs: i64) -> Self {
        Self {
            interval_secs,
            last: AtomicI64::new(i64::MIN),
            suppressed: AtomicU64::new(0),
        }
    }

    /// Whether to log the event happening at `now_unix` (exactly one caller
    /// per interval gets `true`).
    pub fn should_log(&self, now_unix: i64) -> bool {
        self.take(now_unix).is_some()
    }

    /// Like [`Self::should_log`], returning the number of events since the
    /// previous line (this one included).
    pub fn take(&self, now_unix: i64) -> Option<u64> {
        self.suppressed.fetch_add(1, Ordering::Relaxed);
        let last = self.last.load(Ordering::Relaxed);
        let due = last == i64::MIN || now_unix.saturating_sub(last) >= self.interval_secs;
        if due
            && self
                .last
                .compare_exchange(last, now_unix, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            Some(self.suppressed.swap(0, Ordering::Relaxed))
        } else {
            None
        }
    }
}

impl Default for LogEvery {
    fn default() -> Self {
        Self::new(STORE_FULL_LOG_INTERVAL_SECS)
    }
}

/// Logs that the store `store` refused an entry because it is full, at most
/// once per interval of `throttle`.
pub(crate) fn log_store_full(throttle: &LogEvery, store: &'static str, capacity: usize, now: i64) {
    if let Some(refused) = throttle.take(now) {
        tracing::error!(
            store,
            capacity,
            refused,
            interval_secs = throttle.interval_secs,
            "store full: refusing new entries (503 store_unavailable) until live ones expire"
        );
    }
}

#[cfg(test)]
mod tests;
