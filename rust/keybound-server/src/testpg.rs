//! Test-only: a private PostgreSQL cluster (initdb in a temporary
//! directory, `postgres` on a free loopback port), stopped and removed on
//! drop. PostgreSQL refuses to run as root: as root the cluster belongs to
//! the `postgres` system user and its programs run through `setpriv`.
//! Missing binaries: the test fails under CI (CI=true) and is skipped
//! loudly elsewhere.
//!
//! Binaries: `$PG_BIN` if set, else the newest `/usr/lib/postgresql/*/bin`
//! (Debian's layout), else `PATH`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct PgServer {
    child: Option<Child>,
    dir: PathBuf,
    pub port: u16,
}

fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn program(dir: &Option<PathBuf>, name: &str) -> PathBuf {
    match dir {
        Some(d) => d.join(name),
        None => PathBuf::from(name),
    }
}

fn is_root() -> bool {
    // The numeric uid, without libc: `id -u`.
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args`, as the `postgres` user when this process is root.
fn command(program: &Path, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl PgServer {
    /// A libpq URL of the cluster's `postgres` database.
    pub(crate) fn url(&self) -> String {
        format!(
            "postgres://keybound@127.0.0.1:{}/postgres?connect_timeout=5",
            self.port
        )
    }

    /// `None` (and a loud message) when PostgreSQL is not installed and
    /// this is not CI.
    pub(crate) fn start() -> Option<Self> {
        Self::start_with(None)
    }

    /// With TLS on (`ssl=on`), serving `server.pem` / `server.key` of `pki`.
    pub(crate) fn start_tls(pki: &crate::testredis_custom::TestPki) -> Option<Self> {
        Self::start_with(Some(pki))
    }

    fn start_with(pki: Option<&crate::testredis_custom::TestPki>) -> Option<Self> {
        let bins = bin_dir();
        let initdb = program(&bins, "initdb");
        if !crate::testredis::server_binary_present(
            &initdb,
            "PostgreSQL (initdb)",
            ".ci/install.d/postgres.sh",
        ) {
            return None;
        }
        let root = is_root();
        let dir = std::env::temp_dir().join(format!(
            "keybound-pg-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir(&dir).unwrap();
        if root {
            let status = Command::new("chown")
                .arg("postgres:postgres")
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown of {} failed", dir.display());
        }
        let data = dir.join("data");
        let out = command(&initdb, root)
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "keybound",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut tls_args = Vec::new();
        if let Some(pki) = pki {
            // PostgreSQL wants its key private to the server's user.
            for name in ["server.pem", "server.key"] {
                std::fs::copy(pki.path(name), dir.join(name)).unwrap();
            }
            let key = dir.join("server.key");
            let mut chmod = Command::new("chmod");
            chmod.arg("600").arg(&key);
            assert!(chmod.status().unwrap().success());
            if root {
                let mut chown = Command::new("chown");
                chown
                    .arg("postgres:postgres")
                    .arg(&key)
                    .arg(dir.join("server.pem"));
                assert!(chown.status().unwrap().success());
            }
            tls_args = vec![
                "-c".to_owned(),
                "ssl=on".to_owned(),
                "-c".to_owned(),
                format!("ssl_cert_file={}", dir.join("server.pem").display()),
                "-c".to_owned(),
                format!("ssl_key_file={}", key.display()),
            ];
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = command(&program(&bins, "postgres"), root)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", dir.display()))
            .args(["-c", "fsync=off", "-c", "max_connections=100"])
            .args(&tls_args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Self {
            child: Some(child),
            dir,
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            // Accepting TCP is not enough: wait until it answers queries.
            let ready = Command::new(program(&bins, "pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "keybound"])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                break;
            }
            if let Some(child) = server.child.as_mut() {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "postgres exited at start"
                );
            }
            assert!(
                Instant::now() < deadline,
                "postgres did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// Stops the server now (fast shutdown).
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGINT is PostgreSQL's fast shutdown; the child is postgres
            // itself (setpriv execs it).
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
