//! Unpadded base64url (RFC 7515 §2), strict.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Encodes bytes as unpadded base64url.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether every byte is in the base64url alphabet `A-Z a-z 0-9 - _`
/// (so no padding, whitespace or `+`/`/`).
pub(crate) fn is_alphabet(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Decodes unpadded, canonical base64url: padding, whitespace, characters
/// outside the alphabet, an impossible length (4k+1) and non-zero trailing
/// bits (a second spelling of the same bytes) are all rejected.
pub(crate) fn decode(s: &str) -> Option<Vec<u8>> {
    if !is_alphabet(s) {
        return None;
    }
    URL_SAFE_NO_PAD.decode(s).ok()
}
