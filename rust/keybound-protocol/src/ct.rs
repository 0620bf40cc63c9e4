//! Constant-time comparison of secret bytes.

use subtle::ConstantTimeEq;

/// Compares two byte strings without a data-dependent early exit: the time
/// taken depends on the lengths, never on where the contents differ.
///
/// Used for the nonce (the server challenge) and the transaction hash, and
/// meant for any comparison of secret bytes in keybound (see clippy.toml).
/// Strings of different lengths compare unequal immediately: lengths are not
/// secret here (a nonce's length is chosen by the server, a txn hash is
/// always 43 characters).
///
/// Implemented with `subtle` (the dalek-cryptography constant-time crate,
/// also used by RustCrypto and rustls) rather than
/// `ring::constant_time::verify_slices_are_equal`: ring 0.17 deprecated and
/// hid that module ("internal module not intended for external use, with no
/// promises regarding side channels") and will remove it.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests;
