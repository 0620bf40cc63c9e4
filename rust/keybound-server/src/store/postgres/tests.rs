use super::*;
use crate::store::registry::tests::{attested, contract};
use crate::testkeys::DeviceKey;
use crate::testpg::PgServer;

const TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn migrate_then_the_registry_keeps_the_contract() {
    let Some(pg) = PgServer::start() else {
        return;
    };
    let reg = PgKeyRegistry::connect(&pg.url(), TIMEOUT).unwrap();
    reg.ping().await.unwrap();
    // Start-up check: refused before `migrate`, naming the command.
    let err = reg.check_schema().await.unwrap_err();
    assert!(
        matches!(err, SchemaError::Missing { version: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("keybound-server migrate"));

    let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
    assert_eq!(migrate(&pg.url(), TIMEOUT).await.unwrap(), names);
    assert!(
        migrate(&pg.url(), TIMEOUT).await.unwrap().is_empty(),
        "idempotent"
    );
    reg.check_schema().await.unwrap();

    contract(&reg).await;
}

#[tokio::test]
async fn concurrent_migrations_and_registrations_are_safe() {
    let Some(pg) = PgServer::start() else {
        return;
    };
    let url = pg.url();
    // Two `migrate` at once (two nodes deployed together): one applies.
    let (a, b) = tokio::join!(migrate(&url, TIMEOUT), migrate(&url, TIMEOUT));
    let mut applied = a.unwrap();
    applied.extend(b.unwrap());
    assert_eq!(applied, ["0001_keys.sql"]);

    // The same kid registered by 8 nodes at once: exactly one wins.
    let key = attested(DeviceKey::generate().jwk, "alice", 1);
    let mut tasks = Vec::new();
    for user in 0..8 {
        let reg = PgKeyRegistry::connect(&url, TIMEOUT).unwrap();
        let key = attested(key.jwk().clone(), &format!("user{user}"), 1);
        tasks.push(tokio::spawn(async move { reg.register(&key).await }));
    }
    let mut won = 0;
    for t in tasks {
        if t.await.unwrap().unwrap() == Registration::Registered {
            won += 1;
        }
    }
    assert_eq!(won, 1);
}

#[tokio::test]
async fn an_edited_migration_is_refused_and_a_down_database_is_unavailable() {
    let Some(mut pg) = PgServer::start() else {
        return;
    };
    migrate(&pg.url(), TIMEOUT).await.unwrap();
    let (client, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .execute(
            "UPDATE keybound_schema_migrations SET sha256 = 'x' WHERE version = 1",
            &[],
        )
        .await
        .unwrap();
    let reg = PgKeyRegistry::connect(&pg.url(), Duration::from_millis(800)).unwrap();
    assert!(matches!(
        reg.check_schema().await,
        Err(SchemaError::Changed { version: 1, .. })
    ));
    assert!(matches!(
        migrate(&pg.url(), TIMEOUT).await,
        Err(SchemaError::Changed { version: 1, .. })
    ));
    drop(client);

    pg.stop();
    let started = std::time::Instant::now();
    assert!(matches!(
        reg.get("kid").await,
        Err(StoreError::Unavailable(_))
    ));
    assert!(matches!(reg.ping().await, Err(StoreError::Unavailable(_))));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(
        PgKeyRegistry::connect("not a url", TIMEOUT),
        Err(StoreError::Unavailable(_))
    ));
}

#[tokio::test]
async fn tls_to_postgres_is_verified_against_the_ca() {
    let pki = crate::testredis_custom::TestPki::new();
    let Some(pg) = PgServer::start_tls(&pki) else {
        return;
    };
    let ca = std::fs::read(pki.path("ca.pem")).unwrap();
    let other = std::fs::read(pki.path("other-ca.pem")).unwrap();
    let url = format!("{}&sslmode=require", pg.url());
    assert_eq!(
        migrate_with(&url, TIMEOUT, Some(&ca)).await.unwrap(),
        ["0001_keys.sql"]
    );
    let reg = PgKeyRegistry::connect_with(&url, TIMEOUT, Some(&ca)).unwrap();
    reg.check_schema().await.unwrap();
    let key = attested(DeviceKey::generate().jwk, "alice", 1);
    assert_eq!(reg.register(&key).await.unwrap(), Registration::Registered);
    // The session really is encrypted.
    let client = reg.client().await.unwrap();
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
    drop(client);

    // Another CA, or the system's roots: the server's certificate is refused.
    for ca in [Some(other.as_slice()), None] {
        let reg = PgKeyRegistry::connect_with(&url, TIMEOUT, ca).unwrap();
        assert!(matches!(reg.ping().await, Err(StoreError::Unavailable(_))));
        assert!(migrate_with(&url, TIMEOUT, ca).await.is_err());
    }
    assert!(PgKeyRegistry::connect_with(&url, TIMEOUT, Some(b"not pem")).is_err());
}
