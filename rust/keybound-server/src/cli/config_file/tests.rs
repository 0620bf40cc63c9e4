//! `serve --config`: precedence (flag, environment, file, default), refused
//! files, and `--help`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::CommandFactory as _;

use super::super::tests::{parse_serve, with_env, Refused};
use super::super::{Cli, ServeArgs};
use super::*;

/// A fresh directory for one test's config files.
fn temp_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "keybound-config-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

/// One setting given three different values, by a file line, an
/// environment variable and flags, and read back as text.
struct Setting {
    file: &'static str,
    env: (&'static str, &'static str),
    flags: &'static [&'static str],
    read: fn(&ServeArgs) -> String,
    /// Read back with nothing given, from the file, the environment, the flags.
    want: [String; 4],
}

fn settings(dir: &Path) -> Vec<Setting> {
    let s = |v: &str| v.to_owned();
    vec![
        Setting {
            file: "leeway = 11",
            env: ("KEYBOUND_LEEWAY", "22"),
            flags: &["--leeway", "33"],
            read: |a| a.leeway.to_string(),
            want: [
                keybound_protocol::DEFAULT_LEEWAY_SECS.to_string(),
                s("11"),
                s("22"),
                s("33"),
            ],
        },
        Setting {
            file: r#"listen = "127.0.0.1:1111""#,
            env: ("KEYBOUND_LISTEN", "127.0.0.1:2222"),
            flags: &["--listen", "127.0.0.1:3333"],
            read: |a| format!("{:?}", a.listen.map(|l| l.port())),
            want: [s("None"), s("Some(1111)"), s("Some(2222)"), s("Some(3333)")],
        },
        Setting {
            file: r#"package = "com.file""#,
            env: ("KEYBOUND_PACKAGE", "com.env"),
            flags: &["--package", "com.flag"],
            read: |a| format!("{:?}", a.package),
            want: [
                s("None"),
                s(r#"Some("com.file")"#),
                s(r#"Some("com.env")"#),
                s(r#"Some("com.flag")"#),
            ],
        },
        Setting {
            // A file's true is turned off by the environment's false.
            file: "strongbox-only = true",
            env: ("KEYBOUND_STRONGBOX_ONLY", "false"),
            flags: &["--strongbox-only"],
            read: |a| a.strongbox_only.to_string(),
            want: [s("false"), s("true"), s("false"), s("true")],
        },
        Setting {
            file: "challenge-burst-per-address = 5",
            env: ("KEYBOUND_CHALLENGE_BURST_PER_ADDRESS", "6"),
            flags: &["--challenge-burst-per-address", "7"],
            read: |a| a.challenge_burst_per_address.to_string(),
            want: [
                crate::limit::DEFAULT_CHALLENGE_BURST.to_string(),
                s("5"),
                s("6"),
                s("7"),
            ],
        },
        Setting {
            file: r#"trusted-proxy = ["10.0.0.1", "10.0.0.2"]"#,
            env: ("KEYBOUND_TRUSTED_PROXY", "10.0.0.3,::1"),
            flags: &["--trusted-proxy", "10.0.0.5", "--trusted-proxy", "10.0.0.6"],
            read: |a| format!("{:?}", a.trusted_proxies),
            want: [
                s("[]"),
                s("[10.0.0.1, 10.0.0.2]"),
                s("[10.0.0.3, ::1]"),
                s("[10.0.0.5, 10.0.0.6]"),
            ],
        },
        Setting {
            file: r#"signing-cert-sha256 = ["aa", "bb"]"#,
            env: ("KEYBOUND_SIGNING_CERT_SHA256", "cc,dd"),
            flags: &["--signing-cert-sha256", "ee"],
            read: |a| a.signing_cert_sha256.join(" "),
            want: [s(""), s("aa bb"), s("cc dd"), s("ee")],
        },
        Setting {
            // Relative to the config file's directory.
            file: r#"redis-ca-file = "ca.pem""#,
            env: ("KEYBOUND_REDIS_CA_FILE", "/env/ca.pem"),
            flags: &["--redis-ca-file", "/flag/ca.pem"],
            read: |a| format!("{:?}", a.redis_ca_file),
            want: [
                s("None"),
                format!("{:?}", Some(dir.join("ca.pem"))),
                s(r#"Some("/env/ca.pem")"#),
                s(r#"Some("/flag/ca.pem")"#),
            ],
        },
    ]
}

#[test]
fn each_setting_comes_from_its_flag_then_environment_then_file_then_default() {
    let dir = temp_dir();
    let settings = settings(&dir);
    let lines: Vec<&str> = settings.iter().map(|s| s.file).collect();
    let config = write(&dir, "serve.toml", lines.join("\n").as_bytes());
    for (file, env, flags) in [
        (false, false, false),
        (true, false, false),
        (false, true, false),
        (true, true, false),
        (false, false, true),
        (true, false, true),
        (false, true, true),
        (true, true, true),
    ] {
        let mut argv: Vec<&str> = Vec::new();
        let mut vars = Vec::new();
        if file {
            argv.extend(["--config", &config]);
        }
        for s in &settings {
            if env {
                vars.push(s.env);
            }
            if flags {
                argv.extend_from_slice(s.flags);
            }
        }
        let args = parse_serve(&argv, &vars).unwrap();
        let source = [flags, env, file]
            .iter()
            .position(|given| *given)
            .map_or(0, |p| 3 - p);
        for s in &settings {
            assert_eq!(
                (s.read)(&args),
                s.want[source],
                "{} with file={file} env={env} flags={flags}",
                s.file
            );
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_config_file_is_named_by_its_flag_or_environment_variable() {
    let dir = temp_dir();
    let one = write(&dir, "one.toml", b"leeway = 1");
    let two = write(&dir, "two.toml", b"leeway = 2");
    // (flags, environment, the leeway read)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], i64);
    let cases: [Case<'_>; 3] = [
        (&[], &[("KEYBOUND_CONFIG", one.as_str())], 1),
        (&["--config", &two], &[], 2),
        (&["--config", &two], &[("KEYBOUND_CONFIG", one.as_str())], 2),
    ];
    for (argv, env, want) in cases {
        assert_eq!(
            parse_serve(argv, env).unwrap().leeway,
            want,
            "{argv:?} {env:?}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn listen_and_audience_may_come_from_the_file_but_must_come_from_somewhere() {
    let dir = temp_dir();
    let both = write(
        &dir,
        "both.toml",
        b"listen = \"127.0.0.1:0\"\naudience = \"https://file.example\"\n",
    );
    let args = parse_serve(&["--config", &both], &[]).unwrap();
    let (listen, audience) = args.listen_and_audience().unwrap();
    assert_eq!(
        (listen.to_string().as_str(), audience),
        ("127.0.0.1:0", "https://file.example")
    );
    for (argv, missing) in [
        (vec!["--listen", "127.0.0.1:0"], "--audience"),
        (vec!["--audience", "a"], "--listen"),
    ] {
        let err = parse_serve(&argv, &[])
            .unwrap()
            .listen_and_audience()
            .unwrap_err();
        assert!(err.to_string().contains(missing), "{err}");
        assert!(err.to_string().contains("--config"), "{err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// What a refused file must be refused as.
#[derive(Debug)]
enum Want {
    TooLarge,
    NotUtf8,
    Syntax,
    Secret(&'static str),
    PasswordInUrl,
    Key(&'static str),
}

#[test]
fn refused_config_files_name_the_file_and_the_key_and_change_nothing() {
    let dir = temp_dir();
    let mut large = b"leeway = 5\n".to_vec();
    large.resize(usize::try_from(MAX_CONFIG_FILE).unwrap() + 1, b'#');
    let cases: Vec<(&str, Vec<u8>, Want)> = vec![
        (
            "unknown key",
            b"leeway = 5\nlewey = 6\n".to_vec(),
            Want::Key("lewey"),
        ),
        (
            "config in config",
            b"config = \"x.toml\"".to_vec(),
            Want::Key("config"),
        ),
        (
            "wrong type",
            b"leeway = \"soon\"".to_vec(),
            Want::Key("leeway"),
        ),
        ("wrong type", b"listen = 8080".to_vec(), Want::Key("listen")),
        (
            "bad address",
            b"listen = \"localhost\"".to_vec(),
            Want::Key("listen"),
        ),
        (
            "zero",
            b"max-connections-per-address = 0".to_vec(),
            Want::Key("max-connections-per-address"),
        ),
        (
            "negative",
            b"challenge-rate-per-address = -1".to_vec(),
            Want::Key("challenge-rate-per-address"),
        ),
        (
            "a network is not an address",
            b"trusted-proxy = [\"10.0.0.0/8\"]".to_vec(),
            Want::Key("trusted-proxy"),
        ),
        (
            "not a list",
            b"trusted-proxy = \"10.0.0.1\"".to_vec(),
            Want::Key("trusted-proxy"),
        ),
        (
            "secret",
            b"database = \"postgres://u:hunter2@db/k\"".to_vec(),
            Want::Secret("database"),
        ),
        (
            "secret",
            b"redis-password = \"hunter2\"".to_vec(),
            Want::Secret("redis-password"),
        ),
        (
            "secret",
            b"operator-token = \"hunter2\"".to_vec(),
            Want::Secret("operator-token"),
        ),
        (
            "password in the Redis URL",
            b"redis = \"rediss://app:hunter2@redis.internal:6380/0\"".to_vec(),
            Want::PasswordInUrl,
        ),
        (
            "password in a cluster seed",
            b"redis = \"redis://a:6379,redis://:hunter2@b:6379\"".to_vec(),
            Want::PasswordInUrl,
        ),
        ("not TOML", b"leeway = 5\nleeway =\n".to_vec(), Want::Syntax),
        (
            "not TOML, a secret on the line",
            b"redis = \"redis://:hunter2@h\n".to_vec(),
            Want::Syntax,
        ),
        (
            "duplicate key",
            b"leeway = 5\nleeway = 6\n".to_vec(),
            Want::Syntax,
        ),
        ("not UTF-8", b"package = \"\xff\"".to_vec(), Want::NotUtf8),
        ("over the limit", large, Want::TooLarge),
    ];
    for (what, contents, want) in cases {
        let config = write(&dir, "refused.toml", &contents);
        // Parsed by clap, not yet merged: the file must leave it unchanged.
        let mut args = parse_serve(&[], &[]).unwrap();
        let before = format!("{args:?}");
        args.config = Some(PathBuf::from(&config));
        let matches = with_env(&[], || {
            Cli::command().get_matches_from(["keybound-server", "serve", "--config", &config])
        });
        let err = apply(&mut args, matches.subcommand_matches("serve").unwrap()).unwrap_err();
        args.config = None;
        assert_eq!(format!("{args:?}"), before, "{what}: changed");
        let text = err.to_string();
        assert!(text.contains(&config), "{what}: {text}");
        assert!(
            !text.contains("hunter2"),
            "{what}: the secret is shown: {text}"
        );
        let CliError::Config { source, .. } = err else {
            panic!("{what}: {err:?}");
        };
        let ok = match (&want, &source) {
            (Want::TooLarge, ConfigError::TooLarge)
            | (Want::NotUtf8, ConfigError::NotUtf8)
            | (Want::Syntax, ConfigError::Syntax { .. })
            | (Want::PasswordInUrl, ConfigError::PasswordInUrl) => true,
            (Want::Secret(k), ConfigError::Secret { key, .. }) => k == key,
            (Want::Key(k), ConfigError::Key { key, .. }) => k == key && text.contains(k),
            _ => false,
        };
        assert!(ok, "{what}: want {want:?}, got {source:?} ({text})");
    }
    // Through clap, as run_cli: a file that cannot be read.
    let missing = dir.join("missing.toml");
    let refused = parse_serve(&["--config", missing.to_str().unwrap()], &[]).unwrap_err();
    assert!(
        matches!(
            refused,
            Refused::Config(CliError::Config {
                source: ConfigError::Read(_),
                ..
            })
        ),
        "{refused:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_file_of_exactly_the_limit_is_read_and_syntax_errors_say_where() {
    let mut contents = b"leeway = 7\n".to_vec();
    contents.resize(usize::try_from(MAX_CONFIG_FILE).unwrap(), b'#');
    let dir = temp_dir();
    let config = write(&dir, "limit.toml", &contents);
    assert_eq!(parse_serve(&["--config", &config], &[]).unwrap().leeway, 7);
    std::fs::remove_dir_all(dir).unwrap();

    let err = parse("leeway = 1\n  redis-prefix = = 2\n").unwrap_err();
    let ConfigError::Syntax { line, column, .. } = err else {
        panic!("{err:?}");
    };
    assert_eq!((line, column), (2, 18));
}

#[test]
fn a_redis_url_without_a_password_is_accepted() {
    for url in [
        "redis://redis.internal:6379/0",
        "rediss://keybound@redis.internal:6380/0",
        "redis://a:6379,redis://b:6379",
        "redis://h/0?user=a:b@c",
    ] {
        let config = parse(&format!("redis = \"{url}\"")).unwrap();
        assert_eq!(config.redis.as_deref(), Some(url));
    }
}

/// The example in the repository sets every flag that the file may hold.
#[test]
fn the_example_file_parses_and_names_every_setting_but_the_secrets() {
    let text = include_str!("../../../serve.example.toml");
    parse(text).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
    let cmd = Cli::command();
    let serve = cmd.find_subcommand("serve").unwrap();
    let mut flags: Vec<&str> = serve
        .get_arguments()
        .filter_map(|a| a.get_long())
        .filter(|l| !["config", "database", "help"].contains(l))
        .collect();
    keys.sort_unstable();
    flags.sort_unstable();
    assert_eq!(keys, flags);

    // The README's short example too.
    let readme = include_str!("../../../../../README.md");
    let (_, rest) = readme.split_once("```toml\n").unwrap();
    let (example, _) = rest.split_once("```").unwrap();
    let config = parse(example).unwrap();
    assert_eq!(config.trusted_proxies.map(|p| p.len()), Some(1));
}

/// `KEYBOUND_<FLAG>` of every `serve` flag (the database's is older).
const SERVE_ENV: [&str; 25] = [
    "KEYBOUND_CONFIG",
    "KEYBOUND_LISTEN",
    "KEYBOUND_REDIS",
    "KEYBOUND_REDIS_PREFIX",
    "KEYBOUND_REDIS_CA_FILE",
    "KEYBOUND_REDIS_USERNAME",
    "KEYBOUND_REDIS_CLUSTER",
    "KEYBOUND_REDIS_ACCEPT_EVICTION",
    "KEYBOUND_DATABASE_URL",
    "KEYBOUND_DATABASE_CA_FILE",
    "KEYBOUND_OPERATOR_TOKEN_FILE",
    "KEYBOUND_AUDIENCE",
    "KEYBOUND_ALLOW_UNATTESTED",
    "KEYBOUND_PACKAGE",
    "KEYBOUND_SIGNING_CERT_SHA256",
    "KEYBOUND_REVOCATIONS",
    "KEYBOUND_STRONGBOX_ONLY",
    "KEYBOUND_REQUIRE_VERIFIED_BOOT",
    "KEYBOUND_REQUIRE_LOCKED_BOOTLOADER",
    "KEYBOUND_CHALLENGE_TTL",
    "KEYBOUND_LEEWAY",
    "KEYBOUND_MAX_CONNECTIONS_PER_ADDRESS",
    "KEYBOUND_CHALLENGE_RATE_PER_ADDRESS",
    "KEYBOUND_CHALLENGE_BURST_PER_ADDRESS",
    "KEYBOUND_TRUSTED_PROXY",
];

#[test]
fn serve_help_names_every_environment_variable_and_the_config_file() {
    // Secret values set in the environment are not shown by --help.
    let env = [
        ("KEYBOUND_DATABASE_URL", "postgres://u:hunter2@db/k"),
        ("KEYBOUND_REDIS", "redis://:hunter2@r"),
        ("KEYBOUND_LEEWAY", "42"),
    ];
    let help = match parse_serve(&["--help"], &env) {
        Err(Refused::Clap(e)) if e.kind() == clap::error::ErrorKind::DisplayHelp => e.to_string(),
        other => panic!("{other:?}"),
    };
    for name in SERVE_ENV {
        let shown = help.contains(&format!("[env: {name}]")) // value hidden
            || help.contains(&format!("[env: {name}="));
        assert!(shown, "{name} is not in --help:\n{help}");
    }
    // Read by hand (never flags), named in the help text.
    for name in ["KEYBOUND_REDIS_PASSWORD", "KEYBOUND_OPERATOR_TOKEN"] {
        assert!(help.contains(name), "{name} is not in --help:\n{help}");
    }
    assert!(help.contains("--config <FILE>"), "{help}");
    assert!(help.contains("KEYBOUND_LEEWAY=42"), "{help}");
    assert!(!help.contains("hunter2"), "{help}");
    // Each flag has its variable, named after it.
    let cmd = Cli::command();
    let serve = cmd.find_subcommand("serve").unwrap();
    let mut names = Vec::new();
    for arg in serve.get_arguments().filter(|a| a.get_long().is_some()) {
        let long = arg.get_long().unwrap();
        let want = match long {
            "database" => "KEYBOUND_DATABASE_URL".to_owned(),
            _ => format!("KEYBOUND_{}", long.to_uppercase().replace('-', "_")),
        };
        assert_eq!(
            arg.get_env().and_then(|e| e.to_str()),
            Some(want.as_str()),
            "--{long}"
        );
        names.push(want);
    }
    assert_eq!(names, SERVE_ENV);
}
