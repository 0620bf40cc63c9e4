//! Google's attestation status list (revocation), read from a file the
//! operator refreshes. Never fetched during a verification.
//!
//! Format: `{"entries": {"<serial, lowercase hex>": {"status": "REVOKED", ...}}}`.
//! Every listed serial is distrusted, whatever its status (`REVOKED` or
//! `SUSPENDED`).

use std::collections::HashSet;

/// Largest status file accepted, in bytes.
pub const MAX_REVOCATION_FILE_LEN: usize = 16 * 1024 * 1024;

/// Why a revocation list could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationError {
    /// Larger than [`MAX_REVOCATION_FILE_LEN`].
    #[error("revocation list too large")]
    TooLarge,
    /// Not the expected JSON shape.
    #[error("revocation list malformed: {0}")]
    Malformed(String),
}

/// A set of distrusted certificate serial numbers.
#[derive(Debug, Clone, Default)]
pub struct RevocationList {
    serials: HashSet<String>,
}

#[derive(serde::Deserialize)]
struct StatusFile {
    entries: std::collections::HashMap<String, serde_json::Value>,
}

/// Canonical form: lowercase hex, no leading zeros (as Google prints them).
fn normalize_hex(s: &str) -> String {
    let lower = s.trim().to_ascii_lowercase();
    let trimmed = lower.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

impl RevocationList {
    /// Parses Google's status JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Self, RevocationError> {
        if bytes.len() > MAX_REVOCATION_FILE_LEN {
            return Err(RevocationError::TooLarge);
        }
        let file: StatusFile =
            serde_json::from_slice(bytes).map_err(|e| RevocationError::Malformed(e.to_string()))?;
        let mut serials = HashSet::new();
        for key in file.entries.keys() {
            if key.is_empty() || !key.trim().chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(RevocationError::Malformed(format!("bad serial {key:?}")));
            }
            serials.insert(normalize_hex(key));
        }
        Ok(Self { serials })
    }

    /// Whether the serial (DER INTEGER content bytes, big-endian) is listed.
    pub fn is_revoked(&self, serial_be: &[u8]) -> bool {
        self.serials
            .contains(&normalize_hex(&hex::encode(serial_be)))
    }

    /// Number of listed serials.
    pub fn len(&self) -> usize {
        self.serials.len()
    }

    /// Whether nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.serials.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_serials_match_regardless_of_case_and_leading_zeros() {
        let list = RevocationList::from_json(
            br#"{"entries":{"0388266760658996860D":{"status":"REVOKED"},"c35747a084470c3135aeefe2b8d40cd6":{"status":"SUSPENDED","reason":"KEY_COMPROMISE"}}}"#,
        )
        .unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.is_revoked(&hex::decode("0388266760658996860d").unwrap()));
        assert!(list.is_revoked(&hex::decode("00c35747a084470c3135aeefe2b8d40cd6").unwrap()));
        assert!(!list.is_revoked(&hex::decode("0388266760658996860e").unwrap()));
    }

    #[test]
    fn malformed_files_are_rejected() {
        assert!(RevocationList::from_json(b"[]").is_err());
        assert!(RevocationList::from_json(br#"{"entries":{"xyz":{}}}"#).is_err());
        assert!(RevocationList::from_json(br#"{"entries":{"":{}}}"#).is_err());
        assert!(RevocationList::from_json(br#"{"entries":{}}"#)
            .unwrap()
            .is_empty());
    }
}
