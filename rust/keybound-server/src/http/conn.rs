//! The accept loop of `serve`, with its connection limits.
//!
//! Hand-written on hyper's http1 builder rather than `axum::serve`, which
//! has no header-read timeout and no connection limits. A connection is
//! bounded four ways:
//! - at most [`ConnectionLimits::max_connections`] at once (further clients
//!   wait in the listen backlog), and at most
//!   [`ConnectionLimits::max_per_address`] from one client address (IPv4
//!   address, or IPv6 /64: one host usually holds a whole /64), so that one
//!   address cannot take every slot: its extra connections are closed at
//!   once instead of queuing in front of other clients;
//! - [`ConnectionLimits::idle_timeout`]: the request headers must arrive
//!   within it, and a keep-alive connection waiting for its next request is
//!   closed after it (hyper's header-read timer runs while a connection is
//!   idle);
//! - [`ConnectionLimits::max_lifetime`]: after it, the connection finishes
//!   the request in flight and closes (so a client that keeps sending one
//!   request every few seconds cannot hold a slot forever);
//! - [`ConnectionLimits::max_requests`]: the response to the last allowed
//!   request carries `Connection: close`.
//!
//! Each request carries the peer's [`axum::extract::ConnectInfo`]`<SocketAddr>`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use parking_lot::Mutex;
use tower::Service as _;

/// The bounds of the accept loop (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Connections served at once for one client address (IPv6: one /64).
    pub max_per_address: usize,
    /// Time allowed for a request's headers, and for an idle keep-alive
    /// connection to send its next request.
    pub idle_timeout: Duration,
    /// Age after which a connection closes once its request in flight is done.
    pub max_lifetime: Duration,
    /// Requests served on one connection.
    pub max_requests: u64,
    /// How long in-flight requests may finish after the shutdown signal.
    pub shutdown_grace: Duration,
}

/// Default [`ConnectionLimits::max_connections`].
pub const MAX_CONNECTIONS: usize = 1024;
/// Default [`ConnectionLimits::max_per_address`].
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = 64;
/// Default [`ConnectionLimits::idle_timeout`].
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`ConnectionLimits::max_lifetime`].
pub const MAX_CONNECTION_LIFETIME: Duration = Duration::from_secs(120);
/// Default [`ConnectionLimits::max_requests`].
pub const MAX_REQUESTS_PER_CONNECTION: u64 = 1000;
/// Default [`ConnectionLimits::shutdown_grace`].
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: MAX_CONNECTIONS,
            max_per_address: MAX_CONNECTIONS_PER_ADDRESS,
            idle_timeout: HEADER_READ_TIMEOUT,
            max_lifetime: MAX_CONNECTION_LIFETIME,
            max_requests: MAX_REQUESTS_PER_CONNECTION,
            shutdown_grace: SHUTDOWN_GRACE,
        }
    }
}

/// The address a per-address bound counts: IPv4 (also when IPv4-mapped),
/// or the /64 prefix of an IPv6 address.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Open connections per address key.
#[derive(Debug, Default)]
struct AddressSlots {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection of an address; released on drop.
struct AddressSlot {
    slots: Arc<AddressSlots>,
    key: IpAddr,
}

impl AddressSlots {
    fn acquire(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let key = address_key(ip);
        let mut open = self.open.lock();
        let n = open.entry(key).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            slots: Arc::clone(self),
            key,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock();
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes,
/// then lets in-flight requests finish for up to `limits.shutdown_grace`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let max = limits.max_connections.clamp(1, u32::MAX as usize);
    let permits = Arc::new(tokio::sync::Semaphore::new(max));
    let addresses = Arc::new(AddressSlots::default());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // the semaphore is never closed
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead
                    // of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Some(slot) = addresses.acquire(peer.ip(), limits.max_per_address) else {
            // Closed at once (dropping the stream and the permit): waiting
            // would let one address queue in front of everyone else.
            tracing::debug!(
                address = %address_key(peer.ip()),
                "connection refused: per-address limit reached"
            );
            continue;
        };
        let stop = stop_rx.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _slot = slot;
            serve_one(stream, peer, app, limits, stop).await;
        });
    }
    let _ = stop_tx.send(true);
    // Every connection holds a permit until it ends: all permits back means
    // all connections are done.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    tokio::select! {
        _ = permits.acquire_many(all) => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("connections still open after the shutdown grace period");
        }
    }
}

async fn serve_one(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: axum::Router,
    limits: ConnectionLimits,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let served = Arc::new(AtomicU64::new(0));
    let max_requests = limits.max_requests.max(1);
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let n = served.fetch_add(1, Ordering::Relaxed) + 1;
            let mut app = app.clone();
            async move {
                let mut resp = app.call(req).await?;
                if n >= max_requests {
                    resp.headers_mut().insert(
                        axum::http::header::CONNECTION,
                        axum::http::HeaderValue::from_static("close"),
                    );
                }
                Ok::<_, std::convert::Infallible>(resp)
            }
        });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.idle_timeout)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::pin!(connection);
    let lifetime = tokio::time::sleep(limits.max_lifetime);
    tokio::pin!(lifetime);
    let mut closing = false;
    let result = loop {
        tokio::select! {
            result = connection.as_mut() => break result,
            () = &mut lifetime, if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            changed = stop.changed(), if !closing => {
                // A closed channel also means the server is going away.
                let _ = changed;
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

#[cfg(test)]
mod tests;
