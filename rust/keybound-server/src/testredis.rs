//! Test-only: a private `redis-server` on a free loopback port, stopped on
//! drop. Missing binary: the test fails under CI (CI=true) and is skipped
//! loudly elsewhere.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct RedisServer {
    child: Option<Child>,
    pub port: u16,
}

impl RedisServer {
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// `None` (and a loud message) when redis-server is not installed and
    /// this is not CI.
    pub(crate) fn start() -> Option<Self> {
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        if !server_binary_present(&binary, "redis-server", ".ci/install.d/backend.sh") {
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self { child: None, port };
        server.spawn(&binary);
        Some(server)
    }

    fn spawn(&mut self, binary: &str) {
        let port = self.port;
        let child = Command::new(binary)
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts it again on the same port (after [`stop`](Self::stop)), empty:
    /// the "Redis is back" case.
    pub(crate) fn restart(&mut self) {
        self.stop();
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        self.spawn(&binary);
    }

    /// Stops the server now (the "Redis went away" case).
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether the server program `binary` runs (`--version`). Under CI a
/// missing server is a failure, never a silent skip; elsewhere the test
/// says loudly that it skips itself.
pub(crate) fn server_binary_present(
    binary: impl AsRef<std::ffi::OsStr>,
    name: &str,
    install_step: &str,
) -> bool {
    if Command::new(binary)
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok()
    {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        !ci,
        "{name} not found under CI: {install_step} must install it"
    );
    eprintln!("SKIPPING test: {name} not installed (run {install_step})");
    false
}
