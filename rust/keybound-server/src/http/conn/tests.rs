use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::*;
use crate::attestation::{ChainVerifier, TrustRoots};
use crate::clock::SystemClock;
use crate::http::{app, AppState, ServerConfig};

fn router() -> axum::Router {
    app(AppState::new(
        ServerConfig::new("https://aud.example"),
        crate::store::memory::stores(),
        ChainVerifier::new(TrustRoots::google(), None),
        Arc::new(SystemClock),
    ))
}

struct Server {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn spawn(limits: ConnectionLimits) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, router(), limits, async {
        let _ = stopped.await;
    }));
    Server { addr, stop, task }
}

impl Server {
    async fn shut_down(self) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(15), self.task)
            .await
            .unwrap()
            .unwrap();
    }
}

/// A connection to `to` from the loopback address `from` (Linux routes
/// all of 127.0.0.0/8 to the loopback interface).
async fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    socket.connect(to).await.unwrap()
}

/// One response (status line and headers, lowercased, and the body), or
/// `None` when the server closed the connection first.
async fn read_response(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => buf.push(byte[0]),
        }
    }
    let head = String::from_utf8(buf).unwrap().to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    Some((head, String::from_utf8(body).unwrap()))
}

async fn get(stream: &mut TcpStream, close: bool) -> Option<(String, String)> {
    let connection = if close { "close" } else { "keep-alive" };
    stream
        .write_all(
            format!("GET / HTTP/1.1\r\nHost: x\r\nConnection: {connection}\r\n\r\n").as_bytes(),
        )
        .await
        .ok()?;
    read_response(stream).await
}

/// Whether the server closes `stream` (EOF or reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut rest = Vec::new();
    matches!(
        tokio::time::timeout(within, stream.read_to_end(&mut rest)).await,
        Ok(Ok(_) | Err(_))
    )
}

#[test]
fn address_keys_group_ipv6_by_64_and_unmap_ipv4() {
    let cases: &[(&str, &str)] = &[
        ("127.0.0.1", "127.0.0.1"),
        ("203.0.113.9", "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("2001:db8:1:3::1", "2001:db8:1:3::"),
        ("::1", "::"),
    ];
    for (ip, key) in cases {
        let ip: IpAddr = ip.parse().unwrap();
        let key: IpAddr = key.parse().unwrap();
        assert_eq!(address_key(ip), key, "{ip}");
    }
}

/// One address opens as many connections as the server serves at once and
/// holds them (they never send a request). With a per-address bound, a
/// client on another address is still served; without one (the bound equal
/// to the global cap, as before), it is locked out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_is_served_while_one_address_holds_its_maximum() {
    const TOTAL: usize = 8;
    for (per_address, other_client_served) in [(4, true), (TOTAL, false)] {
        let server = spawn(ConnectionLimits {
            max_connections: TOTAL,
            max_per_address: per_address,
            ..ConnectionLimits::default()
        })
        .await;
        let mut hog = Vec::new();
        for _ in 0..TOTAL {
            hog.push(connect_from("127.0.0.1", server.addr).await);
        }
        if other_client_served {
            // The hog's connections past its bound are closed at once.
            let mut closed = 0;
            for stream in &mut hog[per_address..] {
                if closed_within(stream, Duration::from_secs(5)).await {
                    closed += 1;
                }
            }
            assert_eq!(closed, TOTAL - per_address);
        }
        let mut other = connect_from("127.0.0.2", server.addr).await;
        let answer = tokio::time::timeout(Duration::from_secs(2), get(&mut other, true)).await;
        match answer {
            Ok(Some((head, body))) => {
                assert!(other_client_served, "served without a per-address bound");
                assert!(head.starts_with("http/1.1 200"), "{head}");
                assert_eq!(body, r#"{"status":"ok"}"#);
            }
            Ok(None) => panic!("the other client's connection was closed"),
            Err(_) => assert!(!other_client_served, "the other client was locked out"),
        }
        // The hog's held connections still count: its next one is refused.
        if other_client_served {
            let mut again = connect_from("127.0.0.1", server.addr).await;
            assert!(closed_within(&mut again, Duration::from_secs(5)).await);
        }
        drop(hog);
        drop(other);
        server.shut_down().await;
    }
}

#[tokio::test(start_paused = true)]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let server = spawn(ConnectionLimits::default()).await;
    let mut client = TcpStream::connect(server.addr).await.unwrap();
    let (head, _) = get(&mut client, false).await.unwrap();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let idle_from = tokio::time::Instant::now();
    assert!(closed_within(&mut client, HEADER_READ_TIMEOUT * 3).await);
    assert!(idle_from.elapsed() >= HEADER_READ_TIMEOUT);
    server.shut_down().await;
}

/// A client that keeps its connection busy (a request every half idle
/// timeout, which restarts the idle timer) is closed once the connection is
/// older than its maximum lifetime.
#[tokio::test(start_paused = true)]
async fn a_busy_connection_closes_after_its_lifetime() {
    let limits = ConnectionLimits {
        max_lifetime: Duration::from_secs(60),
        ..ConnectionLimits::default()
    };
    let server = spawn(limits).await;
    let mut client = TcpStream::connect(server.addr).await.unwrap();
    let opened = tokio::time::Instant::now();
    let mut served = 0u32;
    while get(&mut client, false).await.is_some() {
        served += 1;
        assert!(served < 1000, "the connection outlived its lifetime");
        tokio::time::sleep(limits.idle_timeout / 2).await;
    }
    let age = opened.elapsed();
    assert!(age >= limits.max_lifetime, "closed early, after {age:?}");
    assert!(
        age <= limits.max_lifetime + limits.idle_timeout,
        "closed late, after {age:?}"
    );
    // One request per 5 s for 60 s.
    assert!((12..=13).contains(&served), "{served} requests");
    server.shut_down().await;
}

#[tokio::test]
async fn the_last_allowed_request_gets_connection_close() {
    let server = spawn(ConnectionLimits {
        max_requests: 3,
        ..ConnectionLimits::default()
    })
    .await;
    let mut client = TcpStream::connect(server.addr).await.unwrap();
    for n in 1..=3 {
        let (head, _) = get(&mut client, false).await.unwrap();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert_eq!(
            head.contains("connection: close"),
            n == 3,
            "request {n}: {head}"
        );
    }
    assert!(closed_within(&mut client, Duration::from_secs(5)).await);
    server.shut_down().await;
}

/// The headers of a POST declaring a 1 GB body, and no body: 413 at once,
/// not a 408 after the request timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_declared_body_is_refused_without_waiting_for_it() {
    let server = spawn(ConnectionLimits::default()).await;
    let mut client = TcpStream::connect(server.addr).await.unwrap();
    client
        .write_all(
            b"POST /v1/tokens/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 1000000000\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(3), read_response(&mut client))
        .await
        .expect("answered without waiting for the body");
    let (head, body) = answer.unwrap();
    assert!(head.starts_with("http/1.1 413"), "{head}");
    assert_eq!(body, r#"{"error":"body_too_large"}"#);
    server.shut_down().await;
}
