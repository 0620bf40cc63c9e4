//! Test helpers: the real attestation chains under `testdata/key-attestation`
//! (copied from android/keyattestation, see `testdata/key-attestation/README.md`).

use std::path::PathBuf;

pub(crate) fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/key-attestation")
}

/// `(name, pem bytes, expected JSON)` for every chain with a golden file.
pub(crate) fn golden_cases() -> Vec<(String, Vec<u8>, serde_json::Value)> {
    let mut out = Vec::new();
    let mut stack = vec![dir()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "pem") {
                let json = path.with_extension("json");
                if json.exists() {
                    let name = path.strip_prefix(dir()).unwrap().display().to_string();
                    let pem = std::fs::read(&path).unwrap();
                    let text = std::fs::read_to_string(&json).unwrap();
                    out.push((name, pem, parse_commented_json(&text)));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    // Every golden file of the shared data set (9 chains) must be found.
    assert_eq!(
        out.len(),
        9,
        "golden cases found: {:?}",
        out.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    out
}

/// Whether a golden chain is factory provisioned (its intermediates name a
/// `serialNumber`): the Pixel 3 chains, as in android/keyattestation's
/// `bluelineSdk28_factoryProvisioned_expiryIgnored`. The others are
/// remotely provisioned (RKP, "Droid CA2" under the root).
pub(crate) fn is_factory_provisioned(name: &str) -> bool {
    name.starts_with("blueline/")
}

pub(crate) fn invalid_tags_order_pem() -> Vec<u8> {
    std::fs::read(dir().join("invalid/tags_not_in_ascending_order.pem")).unwrap()
}

/// JSON with `//` line comments (outside strings) stripped.
pub(crate) fn parse_commented_json(text: &str) -> serde_json::Value {
    let mut cleaned = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        let bytes = line.as_bytes();
        for i in 0..bytes.len() {
            let c = bytes[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_string = false;
                }
            } else if c == b'"' {
                in_string = true;
            } else if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
                cut = i;
                break;
            }
        }
        cleaned.push_str(&line[..cut]);
        cleaned.push('\n');
    }
    serde_json::from_str(&cleaned).unwrap()
}

/// Unix seconds inside every certificate's validity: the latest notBefore.
pub(crate) fn time_inside_validity(pem: &[u8]) -> i64 {
    let ders = crate::attestation::chain::read_chain(pem).unwrap();
    let certs = crate::attestation::chain::parse_chain(&ders).unwrap();
    certs
        .iter()
        .map(|c| {
            c.cert()
                .tbs_certificate()
                .validity()
                .not_before
                .to_unix_duration()
                .as_secs() as i64
        })
        .max()
        .unwrap()
        + 60
}

/// 2026-11-28T00:00:00Z.
pub(crate) const TODAY: i64 = 1_795_824_000;
