//! Certificate chain verification: parsing, signatures, validity, pinned roots,
//! revocation. A chain that passes is a [`VerifiedChain`], constructible only
//! here.
//!
//! Stages, in this fixed order (each failure is a [`ChainError`]):
//! size limits → parse (PEM or DER list, leaf first) → the last certificate's
//! public key is a pinned root → every signature (each certificate by the next
//! one, the root by itself) → names chain → validity at the injected time
//! (see below) → revocation of every serial → the KeyDescription extension
//! is in the leaf and only there, and decodes → the chain has the length of
//! its provisioning method.
//!
//! Validity follows Google's own verifier (android/keyattestation,
//! `KeyAttestationCertPathValidator`), because real devices emit chains a
//! strict RFC 5280 check refuses:
//! - the leaf's dates are not checked: the device sets them (Keystore keys
//!   carry 1970 → 2048 or the like), so they are subject to tampering and
//!   clock skew and prove nothing;
//! - the root's dates are not checked: the root is pinned by key, and its
//!   certificates are re-issued with new dates under the same key (Google's
//!   verifier uses it as a trust anchor, whose dates it never checks);
//! - every certificate in between must have started (`not_yet_valid`), and
//!   must not have expired (`expired`) unless the chain is factory
//!   provisioned (the certificate under the root names a `serialNumber`):
//!   factory keys cannot be rotated, so their certificates outlive their
//!   dates on real devices. Remotely provisioned (RKP) chains are short-lived
//!   and an expired one is refused.
//!
//! The length rule is that validator's too: a factory chain is leaf →
//! attestation → intermediate → root (4), a remotely provisioned one (the
//! certificate under the root is "Droid CA2", "Google LLC") has one more
//! intermediate (5), any other 3 or 4. A longer chain is a key that signed
//! further certificates, e.g. a leaked attestation key posing as a CA
//! ("forged keybox"): `unexpected_chain_length`.

use ::der::asn1::{AnyRef, ObjectIdentifier};
use ::der::{Decode, Encode, Reader, SliceReader};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_cert::Certificate;

use super::key_description::{KeyDescription, KEY_DESCRIPTION_OID};
use super::revocation::RevocationList;

/// Most certificates accepted in one chain (real chains have 3 to 5).
pub const MAX_CHAIN_LEN: usize = 10;
/// Largest DER certificate accepted, in bytes.
pub const MAX_CERT_LEN: usize = 16 * 1024;
/// Largest PEM input accepted, in bytes.
pub const MAX_PEM_LEN: usize = 256 * 1024;

const OID_RSA_SHA256: &str = "1.2.840.113549.1.1.11";
const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const OID_ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

/// Why a chain was rejected. Each variant has a stable [`code`](Self::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// No certificate given.
    #[error("empty chain")]
    Empty,
    /// More than [`MAX_CHAIN_LEN`] certificates, or PEM larger than [`MAX_PEM_LEN`].
    #[error("chain too long")]
    TooLong,
    /// A certificate larger than [`MAX_CERT_LEN`].
    #[error("certificate {index} too large")]
    CertTooLarge {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// Not PEM, or a certificate that is not DER X.509.
    #[error("certificate {index} malformed")]
    Malformed {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// The last certificate's public key is not one of the pinned roots.
    #[error("chain does not end in a trusted root")]
    UntrustedRoot,
    /// A signature or key algorithm this verifier does not accept.
    #[error("certificate {index}: unsupported algorithm")]
    UnsupportedAlgorithm {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// A signature does not verify with the issuer's key.
    #[error("certificate {index}: bad signature")]
    BadSignature {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// A certificate's issuer is not the next certificate's subject.
    #[error("certificate {index}: issuer does not match the next subject")]
    NameMismatch {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// A certificate is past its notAfter.
    #[error("certificate {index} expired")]
    Expired {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// A certificate is before its notBefore.
    #[error("certificate {index} not yet valid")]
    NotYetValid {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// A serial number is on the revocation list.
    #[error("certificate {index} revoked")]
    Revoked {
        /// Position in the chain (0 = leaf).
        index: usize,
    },
    /// The leaf has no KeyDescription extension.
    #[error("leaf has no key attestation extension")]
    MissingExtension,
    /// A certificate other than the leaf carries the KeyDescription extension
    /// (a key attesting another key: never trusted).
    #[error("certificate {index} is not the leaf but carries a key attestation extension")]
    ExtensionNotInLeaf {
        /// Position in the chain.
        index: usize,
    },
    /// The KeyDescription does not decode.
    #[error("key attestation extension malformed")]
    MalformedExtension,
    /// The chain is not as long as its provisioning method's chains are
    /// (see the module docs).
    #[error("a {provisioning} chain of {len} certificates")]
    UnexpectedLength {
        /// How the chain was provisioned (`factory`, `remote`, `unknown`).
        provisioning: &'static str,
        /// Certificates in the chain.
        len: usize,
    },
}

impl ChainError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_chain",
            Self::TooLong => "chain_too_long",
            Self::CertTooLarge { .. } => "cert_too_large",
            Self::Malformed { .. } => "malformed_chain",
            Self::UntrustedRoot => "untrusted_root",
            Self::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Self::BadSignature { .. } => "bad_signature",
            Self::NameMismatch { .. } => "name_mismatch",
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::Revoked { .. } => "revoked",
            Self::MissingExtension => "missing_attestation_extension",
            Self::ExtensionNotInLeaf { .. } => "attestation_extension_not_in_leaf",
            Self::MalformedExtension => "malformed_attestation_extension",
            Self::UnexpectedLength { .. } => "unexpected_chain_length",
        }
    }
}

/// A pinned root: a name and the SHA-256 of its SubjectPublicKeyInfo DER.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinnedRoot {
    /// Stable name, e.g. `google-rsa-4096`.
    pub name: &'static str,
    /// SHA-256 of the root's SPKI (DER).
    pub spki_sha256: [u8; 32],
}

/// The set of trusted roots, pinned by public key (not by certificate: the
/// RSA root was re-issued with the same key).
#[derive(Debug, Clone)]
pub struct TrustRoots {
    roots: Vec<PinnedRoot>,
}

/// Google's RSA-4096 attestation root key (certificates 2016-2026, 2019-2034, 2022-2042).
pub const GOOGLE_RSA_4096: PinnedRoot = PinnedRoot {
    name: "google-rsa-4096",
    spki_sha256: hex_literal("feb2ea7551ee316ed4bb443c8293b884dbfdea40b603ee3e4f4a897e4580fbae"),
};

/// Google's ECDSA P-384 "Key Attestation CA1" root key (2025-2035).
pub const GOOGLE_P384_CA1: PinnedRoot = PinnedRoot {
    name: "google-p384-ca1",
    spki_sha256: hex_literal("3ee44512a1af2beb39c889490c60ea3f82e43f5d5a5532f5ab9419f676cd07ec"),
};

const fn hex_literal(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            // Only used on the literals above; a bad literal fails to compile.
            _ => panic!("bad hex literal"),
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

impl TrustRoots {
    /// Google's two attestation roots: the production default.
    pub fn google() -> Self {
        Self {
            roots: vec![GOOGLE_RSA_4096, GOOGLE_P384_CA1],
        }
    }

    /// Trusts exactly the given keys. Tests and private PKIs only: a
    /// verifier with other roots accepts attestations Google never made.
    pub fn dangerous_custom(roots: Vec<PinnedRoot>) -> Self {
        Self { roots }
    }

    /// The pinned root whose key this SPKI DER is, if any.
    pub fn identify_spki(&self, spki_der: &[u8]) -> Option<&PinnedRoot> {
        let digest = ring::digest::digest(&ring::digest::SHA256, spki_der);
        self.roots
            .iter()
            .find(|r| r.spki_sha256.as_slice() == digest.as_ref())
    }

    /// The pinned root whose key this certificate carries, if any.
    pub fn identify(&self, cert: &Certificate) -> Option<&PinnedRoot> {
        let spki = cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .ok()?;
        self.identify_spki(&spki)
    }
}

/// A parsed certificate with its DER.
#[derive(Debug, Clone)]
pub struct ParsedCert {
    der: Vec<u8>,
    cert: Certificate,
}

impl ParsedCert {
    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The parsed certificate.
    pub fn cert(&self) -> &Certificate {
        &self.cert
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> Option<Vec<u8>> {
        self.cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .ok()
    }

    /// The raw KeyDescription extension value, if present (first occurrence).
    pub fn key_description_der(&self) -> Option<&[u8]> {
        let oid = ObjectIdentifier::new_unwrap(KEY_DESCRIPTION_OID);
        self.cert
            .tbs_certificate()
            .extensions()?
            .iter()
            .find(|e| e.extn_id == oid)
            .map(|e| e.extn_value.as_bytes())
    }
}

/// Splits PEM text (concatenated `CERTIFICATE` blocks, leaf first) into DER.
pub fn pem_to_der_list(pem: &[u8]) -> Result<Vec<Vec<u8>>, ChainError> {
    if pem.len() > MAX_PEM_LEN {
        return Err(ChainError::TooLong);
    }
    let text = core::str::from_utf8(pem).map_err(|_| ChainError::Malformed { index: 0 })?;
    let mut out = Vec::new();
    let mut rest = text;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    while let Some(start) = rest.find(BEGIN) {
        let index = out.len();
        if index >= MAX_CHAIN_LEN {
            return Err(ChainError::TooLong);
        }
        let after = &rest[start..];
        let end = after.find(END).ok_or(ChainError::Malformed { index })?;
        let block = &after[..end + END.len()];
        let (label, der) =
            pem_rfc7468_decode(block.as_bytes()).ok_or(ChainError::Malformed { index })?;
        if label != "CERTIFICATE" {
            return Err(ChainError::Malformed { index });
        }
        out.push(der);
        rest = &after[end + END.len()..];
    }
    if out.is_empty() {
        return Err(ChainError::Empty);
    }
    Ok(out)
}

fn pem_rfc7468_decode(block: &[u8]) -> Option<(String, Vec<u8>)> {
    let (label, der) = ::der::pem::decode_vec(block).ok()?;
    Some((label.to_owned(), der))
}

/// Reads a chain file: PEM if it looks like PEM, else one DER certificate
/// or several concatenated DER certificates.
pub fn read_chain(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ChainError> {
    if bytes.len() > MAX_PEM_LEN {
        return Err(ChainError::TooLong);
    }
    let trimmed = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if bytes[trimmed..].starts_with(b"-----BEGIN") {
        return pem_to_der_list(bytes);
    }
    let mut out = Vec::new();
    let mut reader = SliceReader::new(bytes).map_err(|_| ChainError::Malformed { index: 0 })?;
    while !reader.is_finished() {
        let index = out.len();
        if index >= MAX_CHAIN_LEN {
            return Err(ChainError::TooLong);
        }
        let tlv = reader
            .tlv_bytes()
            .map_err(|_| ChainError::Malformed { index })?;
        out.push(tlv.to_vec());
    }
    if out.is_empty() {
        return Err(ChainError::Empty);
    }
    Ok(out)
}

/// Parses DER certificates (leaf first), enforcing the size limits.
pub fn parse_chain(ders: &[Vec<u8>]) -> Result<Vec<ParsedCert>, ChainError> {
    if ders.is_empty() {
        return Err(ChainError::Empty);
    }
    if ders.len() > MAX_CHAIN_LEN {
        return Err(ChainError::TooLong);
    }
    ders.iter()
        .enumerate()
        .map(|(index, der)| {
            if der.len() > MAX_CERT_LEN {
                return Err(ChainError::CertTooLarge { index });
            }
            let cert = Certificate::from_der(der).map_err(|_| ChainError::Malformed { index })?;
            Ok(ParsedCert {
                der: der.clone(),
                cert,
            })
        })
        .collect()
}

/// A chain that passed every stage. Constructible only in this module.
#[derive(Debug, Clone)]
pub struct VerifiedChain {
    certs: Vec<ParsedCert>,
    root: PinnedRoot,
    key_description: KeyDescription,
}

impl VerifiedChain {
    /// The leaf (the attested key's certificate).
    pub fn leaf(&self) -> &ParsedCert {
        // `verify_chain` never builds an empty chain.
        &self.certs[0]
    }

    /// The pinned root the chain ends in.
    pub fn root(&self) -> &PinnedRoot {
        &self.root
    }

    /// The leaf's decoded KeyDescription.
    pub fn key_description(&self) -> &KeyDescription {
        &self.key_description
    }

    /// The chain's certificates, leaf first.
    pub fn certs(&self) -> &[ParsedCert] {
        &self.certs
    }
}

/// Verifies chains against injected roots and revocation data.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    roots: TrustRoots,
    revocations: Option<RevocationList>,
}

impl ChainVerifier {
    /// A verifier trusting `roots`, checking serials against `revocations`.
    pub fn new(roots: TrustRoots, revocations: Option<RevocationList>) -> Self {
        Self { roots, revocations }
    }

    /// The trust roots.
    pub fn roots(&self) -> &TrustRoots {
        &self.roots
    }

    /// Runs every stage at time `now_unix` (seconds).
    pub fn verify(&self, ders: &[Vec<u8>], now_unix: i64) -> Result<VerifiedChain, ChainError> {
        let certs = parse_chain(ders)?;
        let last = certs.len() - 1;
        let root = self
            .roots
            .identify(&certs[last].cert)
            .cloned()
            .ok_or(ChainError::UntrustedRoot)?;

        for index in 0..certs.len() {
            let issuer = &certs[(index + 1).min(last)];
            verify_signature(&certs[index], issuer, index)?;
        }
        for index in 0..last {
            let tbs = certs[index].cert.tbs_certificate();
            let next = certs[index + 1].cert.tbs_certificate();
            if tbs.issuer().to_der().ok() != next.subject().to_der().ok() {
                return Err(ChainError::NameMismatch { index });
            }
        }
        let provisioning = Provisioning::of(&certs);
        // Neither the leaf's nor the root's dates: see the module docs.
        for (index, c) in certs.iter().enumerate().take(last).skip(1) {
            let validity = c.cert.tbs_certificate().validity();
            if now_unix < unix_secs(validity.not_before) {
                return Err(ChainError::NotYetValid { index });
            }
            if now_unix > unix_secs(validity.not_after) && provisioning != Provisioning::Factory {
                return Err(ChainError::Expired { index });
            }
        }
        if let Some(list) = &self.revocations {
            for (index, c) in certs.iter().enumerate() {
                if list.is_revoked(c.cert.tbs_certificate().serial_number().as_bytes()) {
                    return Err(ChainError::Revoked { index });
                }
            }
        }
        for (index, c) in certs.iter().enumerate().skip(1) {
            if c.key_description_der().is_some() {
                return Err(ChainError::ExtensionNotInLeaf { index });
            }
        }
        let ext = certs[0]
            .key_description_der()
            .ok_or(ChainError::MissingExtension)?;
        let key_description =
            KeyDescription::from_der(ext).map_err(|_| ChainError::MalformedExtension)?;
        if !provisioning.admits_length(certs.len()) {
            return Err(ChainError::UnexpectedLength {
                provisioning: provisioning.name(),
                len: certs.len(),
            });
        }
        Ok(VerifiedChain {
            certs,
            root,
            key_description,
        })
    }
}

/// How a chain's attestation key was provisioned, told (as Google's
/// verifier tells it) by the subject of the certificate under the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provisioning {
    /// The subject names a `serialNumber` (2.5.4.5): a factory keybox.
    Factory,
    /// The subject is CN "Droid CA2", O "Google LLC": remote key provisioning.
    Remote,
    /// Neither.
    Unknown,
}

const OID_SERIAL_NUMBER: &str = "2.5.4.5";
const OID_COMMON_NAME: &str = "2.5.4.3";
const OID_ORGANIZATION: &str = "2.5.4.10";

impl Provisioning {
    fn of(certs: &[ParsedCert]) -> Self {
        let Some(under_root) = certs.len().checked_sub(2).and_then(|i| certs.get(i)) else {
            return Self::Unknown;
        };
        let subject = under_root.cert.tbs_certificate().subject();
        let attrs: Vec<(String, Option<String>)> = subject
            .iter()
            .map(|atv| (atv.oid.to_string(), directory_string(&atv.value)))
            .collect();
        let value = |oid: &str| {
            attrs
                .iter()
                .find(|(o, _)| o == oid)
                .and_then(|(_, v)| v.as_deref())
        };
        if attrs.iter().any(|(o, _)| o == OID_SERIAL_NUMBER) {
            Self::Factory
        } else if value(OID_COMMON_NAME) == Some("Droid CA2")
            && value(OID_ORGANIZATION) == Some("Google LLC")
        {
            Self::Remote
        } else {
            Self::Unknown
        }
    }

    fn admits_length(self, len: usize) -> bool {
        match self {
            Self::Factory => len == 4,
            Self::Remote => len == 5,
            Self::Unknown => len == 3 || len == 4,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Factory => "factory",
            Self::Remote => "remote",
            Self::Unknown => "unknown",
        }
    }
}

/// The text of a name attribute (UTF8String, PrintableString, IA5String).
fn directory_string(value: &::der::asn1::Any) -> Option<String> {
    use ::der::{Tag, Tagged as _};
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String => {
            core::str::from_utf8(value.value()).ok().map(str::to_owned)
        }
        _ => None,
    }
}

fn unix_secs(t: x509_cert::time::Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// The exact DER bytes of the TBSCertificate (signed bytes), sliced from the
/// certificate rather than re-encoded.
fn tbs_bytes(cert_der: &[u8]) -> Option<&[u8]> {
    let outer = AnyRef::from_der(cert_der).ok()?;
    let mut reader = SliceReader::new(outer.value()).ok()?;
    reader.tlv_bytes().ok()
}

fn verify_signature(
    subject: &ParsedCert,
    issuer: &ParsedCert,
    index: usize,
) -> Result<(), ChainError> {
    let unsupported = ChainError::UnsupportedAlgorithm { index };
    let sig_alg = subject.cert.signature_algorithm();
    if sig_alg != subject.cert.tbs_certificate().signature() {
        return Err(ChainError::BadSignature { index });
    }
    let key_info = issuer.cert.tbs_certificate().subject_public_key_info();
    let key_alg = key_info.algorithm.oid.to_string();
    let curve = key_info
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .map(|o| o.to_string());
    let algorithm: &'static dyn VerificationAlgorithm = match (
        sig_alg.oid.to_string().as_str(),
        key_alg.as_str(),
        curve.as_deref(),
    ) {
        (OID_RSA_SHA256, OID_RSA_ENCRYPTION, _) => &signature::RSA_PKCS1_2048_8192_SHA256,
        (OID_ECDSA_SHA256, OID_EC_PUBLIC_KEY, Some(OID_P256)) => &signature::ECDSA_P256_SHA256_ASN1,
        (OID_ECDSA_SHA256, OID_EC_PUBLIC_KEY, Some(OID_P384)) => &signature::ECDSA_P384_SHA256_ASN1,
        (OID_ECDSA_SHA384, OID_EC_PUBLIC_KEY, Some(OID_P256)) => &signature::ECDSA_P256_SHA384_ASN1,
        (OID_ECDSA_SHA384, OID_EC_PUBLIC_KEY, Some(OID_P384)) => &signature::ECDSA_P384_SHA384_ASN1,
        _ => return Err(unsupported),
    };
    let signed = tbs_bytes(&subject.der).ok_or(ChainError::Malformed { index })?;
    let sig = subject
        .cert
        .signature()
        .as_bytes()
        .ok_or(ChainError::BadSignature { index })?;
    let key = key_info
        .subject_public_key
        .as_bytes()
        .ok_or(ChainError::BadSignature { index })?;
    UnparsedPublicKey::new(algorithm, key)
        .verify(signed, sig)
        .map_err(|_| ChainError::BadSignature { index })
}

#[cfg(test)]
mod tests;
