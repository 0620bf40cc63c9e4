//! `migrate` and `serve --database` / `--operator-token-file` start-up.

use std::time::Duration;

use super::*;
use crate::testpg::PgServer;

fn serve_args(extra: &[&str]) -> ServeArgs {
    super::tests::try_serve_args(extra).unwrap()
}

/// `serve` either fails at start (`Err`) or is still serving after a
/// moment (`None`).
async fn start(args: ServeArgs) -> Option<CliError> {
    match tokio::time::timeout(Duration::from_secs(3), async move { serve(&args).await }).await {
        Ok(result) => Some(result.expect_err("serve returned Ok without a signal")),
        Err(_) => None,
    }
}

#[tokio::test]
async fn serve_refuses_an_unmigrated_database_until_migrate_runs() {
    let Some(pg) = PgServer::start() else {
        return;
    };
    let url = pg.url();
    let err = start(serve_args(&["--database", &url])).await.unwrap();
    assert!(err.to_string().contains("keybound-server migrate"), "{err}");

    let args = match Cli::try_parse_from(["keybound-server", "migrate", "--database", &url])
        .unwrap()
        .command
    {
        Command::Migrate(args) => args,
        other => panic!("{other:?}"),
    };
    let mut out = Vec::new();
    assert_eq!(migrate(&args, &mut out).await.unwrap(), 0);
    assert_eq!(String::from_utf8(out).unwrap(), "applied 0001_keys.sql\n");
    let mut out = Vec::new();
    migrate(&args, &mut out).await.unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "database schema is up to date\n"
    );

    assert!(
        start(serve_args(&["--database", &url])).await.is_none(),
        "a migrated database serves"
    );
}

#[tokio::test]
async fn a_weak_or_unreadable_operator_secret_refuses_to_start() {
    let dir = std::env::temp_dir().join(format!("keybound-op-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let weak = dir.join("weak");
    std::fs::write(&weak, "short\n").unwrap();
    let err = start(serve_args(&[
        "--operator-token-file",
        weak.to_str().unwrap(),
    ]))
    .await
    .unwrap();
    assert!(err.to_string().contains("operator secret"), "{err}");
    // The secret itself is never in the message.
    assert!(!err.to_string().contains("short"), "{err}");
    let missing = dir.join("missing");
    let err = start(serve_args(&[
        "--operator-token-file",
        missing.to_str().unwrap(),
    ]))
    .await
    .unwrap();
    assert!(matches!(err, CliError::Io { .. }), "{err}");
    let good = dir.join("good");
    std::fs::write(&good, "0123456789abcdef0123\n").unwrap();
    assert!(start(serve_args(&[
        "--operator-token-file",
        good.to_str().unwrap()
    ]))
    .await
    .is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn serve_refuses_a_redis_that_evicts_unless_told_to_accept_it() {
    use crate::testredis_custom::{free_port, CustomRedis};
    let port = free_port();
    let args: Vec<String> = [
        "--port",
        &port.to_string(),
        "--maxmemory-policy",
        "allkeys-lru",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let Some(_redis) = CustomRedis::start(port, &args) else {
        return;
    };
    let url = format!("redis://127.0.0.1:{port}/");
    let err = start(serve_args(&["--redis", &url])).await.unwrap();
    let why = err.to_string();
    assert!(
        why.contains("allkeys-lru") && why.contains("noeviction") && why.contains("replayed"),
        "{why}"
    );
    assert!(
        start(serve_args(&["--redis", &url, "--redis-accept-eviction"]))
            .await
            .is_none(),
        "the explicit flag accepts the risk"
    );
}

#[tokio::test]
async fn serve_runs_on_a_redis_cluster() {
    use crate::testredis_custom::RedisCluster;
    let Some(cluster) = RedisCluster::start() else {
        return;
    };
    let seeds = cluster.urls().join(",");
    assert!(
        start(serve_args(&["--redis", &seeds, "--redis-cluster"]))
            .await
            .is_none(),
        "serves on the cluster"
    );
    // The same seeds without --redis-cluster are not one Redis URL.
    assert!(start(serve_args(&["--redis", &seeds])).await.is_some());
}
