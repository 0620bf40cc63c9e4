//! The one ECDSA P-256 verification primitive behind [`crate::verify()`], so
//! that every check runs on one code path whatever the backend:
//!
//! - ring (default, the device's backend): ring has no parsed public-key
//!   type, so the 65-byte point is kept and parsed by each verification;
//! - aws-lc-rs (feature `aws-lc-rs`, for servers): the point is parsed
//!   once into aws-lc's key object and each verification reuses it, which
//!   `make bench` measures faster (see BENCHMARKS.md). aws-lc-rs builds a C
//!   library with cmake, which is why it is not the device default.

/// A P-256 public key ready for signature verification.
#[derive(Clone)]
pub(crate) struct PublicKey(Inner);

#[cfg(not(feature = "aws-lc-rs"))]
type Inner = [u8; 65];
#[cfg(feature = "aws-lc-rs")]
type Inner = aws_lc_rs::signature::ParsedPublicKey;

impl PublicKey {
    /// The key of an uncompressed SEC1 point; `None` if the backend refuses
    /// it now (aws-lc-rs checks the point here, ring at verification).
    pub(crate) fn new(sec1: [u8; 65]) -> Option<PublicKey> {
        #[cfg(not(feature = "aws-lc-rs"))]
        {
            Some(PublicKey(sec1))
        }
        #[cfg(feature = "aws-lc-rs")]
        {
            aws_lc_rs::signature::ParsedPublicKey::new(
                &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
                sec1,
            )
            .ok()
            .map(PublicKey)
        }
    }

    /// Whether `signature` (`r || s`) is a valid ECDSA P-256 SHA-256
    /// signature of `message` by this key.
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        #[cfg(not(feature = "aws-lc-rs"))]
        {
            use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &self.0)
                .verify(message, signature)
                .is_ok()
        }
        #[cfg(feature = "aws-lc-rs")]
        {
            self.0.verify_sig(message, signature).is_ok()
        }
    }
}
