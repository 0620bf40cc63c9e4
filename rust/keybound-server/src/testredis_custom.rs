//! Test-only: a `redis-server` started with caller-chosen settings (an
//! eviction policy, TLS, ACL users) on free loopback ports, stopped on
//! drop; and a test CA with a server certificate for 127.0.0.1. Missing
//! binary: failure under CI (CI=true), loud skip elsewhere (as
//! [`crate::testredis`]).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) struct CustomRedis {
    child: Option<Child>,
}

impl CustomRedis {
    /// `redis-server --bind 127.0.0.1 --save "" --appendonly no <args>`,
    /// listening on `port` (plain or TLS, as `args` say).
    pub(crate) fn start(port: u16, args: &[String]) -> Option<Self> {
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        if !crate::testredis::server_binary_present(
            &binary,
            "redis-server",
            ".ci/install.d/backend.sh",
        ) {
            return None;
        }
        let child = Command::new(&binary)
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Self { child: Some(child) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(child) = server.child.as_mut() {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "redis-server exited at start (args {args:?})"
                );
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }
}

impl Drop for CustomRedis {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A temporary directory with `ca.pem`, `server.pem`, `server.key` (for
/// 127.0.0.1 and localhost), and `other-ca.pem` (an unrelated CA); removed
/// on drop.
pub(crate) struct TestPki {
    pub dir: PathBuf,
}

impl TestPki {
    pub(crate) fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
        let dir = std::env::temp_dir().join(format!(
            "keybound-pki-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let ca = |name: &str| {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, name);
            let cert = params.self_signed(&key).unwrap();
            (cert, key)
        };
        let (ca_cert, ca_key) = ca("keybound test CA");
        let (other, _) = ca("unrelated CA");
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        let cert = params.signed_by(&key, &ca_cert, &ca_key).unwrap();
        std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
        std::fs::write(dir.join("other-ca.pem"), other.pem()).unwrap();
        std::fs::write(dir.join("server.pem"), cert.pem()).unwrap();
        std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
        Self { dir }
    }

    pub(crate) fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for TestPki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Redis Cluster of three masters (no replicas) on loopback, created with
/// `redis-cli --cluster create`, its node files in a temporary directory;
/// stopped and removed on drop.
pub(crate) struct RedisCluster {
    _nodes: Vec<CustomRedis>,
    dir: PathBuf,
    pub ports: Vec<u16>,
}

impl RedisCluster {
    pub(crate) fn urls(&self) -> Vec<String> {
        self.ports
            .iter()
            .map(|p| format!("redis://127.0.0.1:{p}/"))
            .collect()
    }

    pub(crate) fn start() -> Option<Self> {
        let dir = std::env::temp_dir().join(format!(
            "keybound-cluster-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut nodes = Vec::new();
        let mut ports = Vec::new();
        for i in 0..3 {
            let port = free_port();
            let args: Vec<String> = [
                "--port".to_owned(),
                port.to_string(),
                "--cluster-enabled".into(),
                "yes".into(),
                "--cluster-config-file".into(),
                dir.join(format!("nodes-{i}.conf"))
                    .to_str()
                    .unwrap()
                    .to_owned(),
                "--cluster-node-timeout".into(),
                "5000".into(),
                "--dir".into(),
                dir.to_str().unwrap().to_owned(),
            ]
            .into();
            nodes.push(CustomRedis::start(port, &args)?);
            ports.push(port);
        }
        let cli = std::env::var("REDIS_CLI").unwrap_or_else(|_| "redis-cli".into());
        let mut create = Command::new(&cli);
        create.arg("--cluster").arg("create");
        for p in &ports {
            create.arg(format!("127.0.0.1:{p}"));
        }
        let out = create
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .expect("redis-cli (redis-tools) is needed for the cluster test");
        assert!(
            out.status.success(),
            "redis-cli --cluster create failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        // Every node must agree the cluster is up (all slots covered).
        let deadline = Instant::now() + Duration::from_secs(20);
        for p in &ports {
            loop {
                let info = Command::new(&cli)
                    .args(["-p", &p.to_string(), "cluster", "info"])
                    .output()
                    .unwrap();
                if String::from_utf8_lossy(&info.stdout).contains("cluster_state:ok") {
                    break;
                }
                assert!(Instant::now() < deadline, "cluster did not come up");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Some(Self {
            _nodes: nodes,
            dir,
            ports,
        })
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        self._nodes.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
