//! keybound's key policy, applied to a [`VerifiedChain`]: what a key must be
//! for its tokens to mean "a biometric check just happened on secure
//! hardware". Every violation is named ([`PolicyViolation::code`]); the
//! result of a passing check is a [`VerifiedAttestation`], the only thing
//! that registers an attested key.
//!
//! Key properties are read from `hardwareEnforced` only (a tag enforced by
//! Android alone proves nothing about the key). `noAuthRequired` and
//! `authTimeout` are violations wherever they appear, even when their
//! content does not decode (a malformed forbidden tag is not an absent one).

use keybound_protocol::ct_eq;

use super::chain::{ChainError, ChainVerifier, PinnedRoot, VerifiedChain};
use super::key_description::{
    AuthorizationList, KeyDescription, Origin, SecurityLevel, VerifiedBootState,
};

/// KeyMint purpose SIGN.
pub const PURPOSE_SIGN: i128 = 2;
/// KeyMint purpose VERIFY (harmless, set by some devices alongside SIGN).
pub const PURPOSE_VERIFY: i128 = 3;
/// KeyMint algorithm EC.
pub const ALGORITHM_EC: i128 = 3;
/// KeyMint EC curve P-256.
pub const CURVE_P256: i128 = 1;
/// userAuthType bit for biometrics.
pub const USER_AUTH_BIOMETRIC: i128 = 2;
/// KeyMint tag noAuthRequired (forbidden).
const TAG_NO_AUTH_REQUIRED: u32 = 503;
/// KeyMint tag authTimeout (forbidden).
const TAG_AUTH_TIMEOUT: u32 = 505;

/// One way an attested key breaks keybound's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyViolation {
    /// The attestation challenge is not the registration nonce.
    ChallengeMismatch,
    /// The hardware-enforced algorithm is not EC.
    AlgorithmNotEc,
    /// The hardware-enforced curve is not P-256, or the leaf key is not a P-256 key.
    CurveNotP256,
    /// SIGN is missing from the hardware-enforced purposes, or a purpose other
    /// than SIGN/VERIFY is present (e.g. ATTEST_KEY, DECRYPT).
    PurposeNotSign,
    /// `noAuthRequired` is set: the key signs without user authentication.
    NoAuthRequired,
    /// `authTimeout` is set: one authentication unlocks the key for a while
    /// instead of for one use.
    AuthTimeout,
    /// `userAuthType` is absent or lacks the biometric bit.
    NotBiometric,
    /// The key was not generated in the secure hardware.
    OriginNotGenerated,
    /// The attestation or the key is in software (or an unknown level).
    InsecureSecurityLevel,
    /// StrongBox was required and the key (or attestation) is only TEE.
    StrongBoxRequired,
    /// No attestationApplicationId, or the package name differs.
    PackageMismatch,
    /// None of the app's signing certificate digests is the expected one.
    SigningCertificateMismatch,
    /// Verified boot state is not VERIFIED (or RootOfTrust is missing).
    BootNotVerified,
    /// The bootloader is unlocked (or RootOfTrust is missing).
    BootloaderUnlocked,
}

impl PolicyViolation {
    /// The stable machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ChallengeMismatch => "challenge_mismatch",
            Self::AlgorithmNotEc => "algorithm_not_ec",
            Self::CurveNotP256 => "curve_not_p256",
            Self::PurposeNotSign => "purpose_not_sign",
            Self::NoAuthRequired => "no_auth_required",
            Self::AuthTimeout => "auth_timeout",
            Self::NotBiometric => "not_biometric",
            Self::OriginNotGenerated => "origin_not_generated",
            Self::InsecureSecurityLevel => "insecure_security_level",
            Self::StrongBoxRequired => "strongbox_required",
            Self::PackageMismatch => "package_mismatch",
            Self::SigningCertificateMismatch => "signing_certificate_mismatch",
            Self::BootNotVerified => "boot_not_verified",
            Self::BootloaderUnlocked => "bootloader_unlocked",
        }
    }
}

impl core::fmt::Display for PolicyViolation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code())
    }
}

/// What an attested key must satisfy. Strict by default; the optional checks
/// only add requirements.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPolicy {
    /// `None` only through [`KeyPolicy::dangerous_any_challenge`].
    challenge: Option<Vec<u8>>,
    package_name: Option<String>,
    signing_cert_digests: Vec<Vec<u8>>,
    strongbox_only: bool,
    require_verified_boot: bool,
    require_locked_bootloader: bool,
}

impl core::fmt::Debug for KeyPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyPolicy")
            .field("challenge", &"<redacted>")
            .field("package_name", &self.package_name)
            .field("signing_cert_digests", &self.signing_cert_digests.len())
            .field("strongbox_only", &self.strongbox_only)
            .field("require_verified_boot", &self.require_verified_boot)
            .field("require_locked_bootloader", &self.require_locked_bootloader)
            .finish()
    }
}

impl KeyPolicy {
    /// The default policy for a registration whose nonce (attestation
    /// challenge bytes) is `challenge`.
    pub fn new(challenge: impl Into<Vec<u8>>) -> Self {
        Self {
            challenge: Some(challenge.into()),
            package_name: None,
            signing_cert_digests: Vec::new(),
            strongbox_only: false,
            require_verified_boot: false,
            require_locked_bootloader: false,
        }
    }

    /// The default policy WITHOUT the challenge check: for offline
    /// inspection of a chain (`verify-attestation` without `--challenge`).
    /// A registration that skips the challenge accepts replayed chains.
    pub fn dangerous_any_challenge() -> Self {
        Self {
            challenge: None,
            ..Self::new(Vec::new())
        }
    }

    /// Also require this package name in the attestationApplicationId.
    pub fn with_package(mut self, name: impl Into<String>) -> Self {
        self.package_name = Some(name.into());
        self
    }

    /// Also require one of the app's signing certificates to have this
    /// SHA-256 digest (may be called several times: any one matches).
    pub fn with_signing_cert_digest(mut self, sha256: impl Into<Vec<u8>>) -> Self {
        self.signing_cert_digests.push(sha256.into());
        self
    }

    /// Accept StrongBox keys only (not TEE).
    pub fn strongbox_only(mut self) -> Self {
        self.strongbox_only = true;
        self
    }

    /// Require verified boot state VERIFIED.
    pub fn require_verified_boot(mut self) -> Self {
        self.require_verified_boot = true;
        self
    }

    /// Require a locked bootloader.
    pub fn require_locked_bootloader(mut self) -> Self {
        self.require_locked_bootloader = true;
        self
    }

    /// Every violation of this policy by `kd` (and the leaf key `leaf_spki`),
    /// in a fixed order; empty when the key is acceptable.
    pub fn violations(
        &self,
        kd: &KeyDescription,
        leaf_spki: Option<&[u8]>,
    ) -> Vec<PolicyViolation> {
        let hw: &AuthorizationList = &kd.hardware_enforced;
        let sw: &AuthorizationList = &kd.software_enforced;
        let mut v = Vec::new();
        if let Some(challenge) = &self.challenge {
            if !ct_eq(&kd.attestation_challenge, challenge) {
                v.push(PolicyViolation::ChallengeMismatch);
            }
        }
        if hw.algorithms != Some(ALGORITHM_EC) {
            v.push(PolicyViolation::AlgorithmNotEc);
        }
        if hw.ec_curve != Some(CURVE_P256) || !leaf_spki.is_some_and(is_p256_spki) {
            v.push(PolicyViolation::CurveNotP256);
        }
        let purposes_ok = hw.purposes.as_ref().is_some_and(|p| {
            p.contains(&PURPOSE_SIGN)
                && p.iter().all(|x| *x == PURPOSE_SIGN || *x == PURPOSE_VERIFY)
        });
        if !purposes_ok {
            v.push(PolicyViolation::PurposeNotSign);
        }
        // A forbidden tag that is present but does not decode is still
        // present: reading it as absent would let it through (fail open).
        let forbidden =
            |tag: u32| hw.malformed_tags.contains(&tag) || sw.malformed_tags.contains(&tag);
        if hw.no_auth_required.is_some()
            || sw.no_auth_required.is_some()
            || forbidden(TAG_NO_AUTH_REQUIRED)
        {
            v.push(PolicyViolation::NoAuthRequired);
        }
        if hw.auth_timeout.is_some() || sw.auth_timeout.is_some() || forbidden(TAG_AUTH_TIMEOUT) {
            v.push(PolicyViolation::AuthTimeout);
        }
        let biometric = matches!(hw.user_auth_type, Some(t) if t & USER_AUTH_BIOMETRIC != 0);
        if !biometric {
            v.push(PolicyViolation::NotBiometric);
        }
        if hw.origin != Some(Origin::Generated) {
            v.push(PolicyViolation::OriginNotGenerated);
        }
        let hardware = |l: SecurityLevel| {
            matches!(
                l,
                SecurityLevel::TrustedEnvironment | SecurityLevel::StrongBox
            )
        };
        if !hardware(kd.attestation_security_level) || !hardware(kd.key_mint_security_level) {
            v.push(PolicyViolation::InsecureSecurityLevel);
        } else if self.strongbox_only
            && (kd.attestation_security_level != SecurityLevel::StrongBox
                || kd.key_mint_security_level != SecurityLevel::StrongBox)
        {
            v.push(PolicyViolation::StrongBoxRequired);
        }
        let app_id = sw
            .attestation_application_id
            .as_ref()
            .or(hw.attestation_application_id.as_ref());
        if let Some(name) = &self.package_name {
            if !app_id.is_some_and(|a| a.packages.iter().any(|p| &p.name == name)) {
                v.push(PolicyViolation::PackageMismatch);
            }
        }
        if !self.signing_cert_digests.is_empty() {
            let ok = app_id.is_some_and(|a| {
                a.signatures
                    .iter()
                    .any(|s| self.signing_cert_digests.iter().any(|want| ct_eq(s, want)))
            });
            if !ok {
                v.push(PolicyViolation::SigningCertificateMismatch);
            }
        }
        let rot = hw.root_of_trust.as_ref();
        if self.require_verified_boot
            && !rot.is_some_and(|r| r.verified_boot_state == VerifiedBootState::Verified)
        {
            v.push(PolicyViolation::BootNotVerified);
        }
        if self.require_locked_bootloader && !rot.is_some_and(|r| r.device_locked) {
            v.push(PolicyViolation::BootloaderUnlocked);
        }
        v
    }
}

/// Whether SPKI DER is an EC key on P-256 with an uncompressed point.
fn is_p256_spki(spki: &[u8]) -> bool {
    use ::der::asn1::ObjectIdentifier;
    use ::der::Decode;
    let Ok(info) = x509_cert::spki::SubjectPublicKeyInfoRef::from_der(spki) else {
        return false;
    };
    let curve = info
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    info.algorithm.oid == ObjectIdentifier::new_unwrap("1.2.840.10045.2.1")
        && curve == Some(ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"))
        && info
            .subject_public_key
            .as_bytes()
            .is_some_and(|k| k.len() == 65 && k[0] == 0x04)
}

/// Why an attestation was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttestationError {
    /// The chain failed a stage.
    #[error("chain: {0}")]
    Chain(#[from] ChainError),
    /// The chain is genuine but the key breaks the policy.
    #[error("policy violated: {0:?}")]
    Policy(Vec<PolicyViolation>),
}

impl AttestationError {
    /// The stable code: the chain error's code, or `policy_violation`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Chain(e) => e.code(),
            Self::Policy(_) => "policy_violation",
        }
    }
}

/// A key whose chain verified and which satisfies the policy. Constructible
/// only by [`verify_attestation`].
#[derive(Debug, Clone)]
pub struct VerifiedAttestation {
    chain: VerifiedChain,
    leaf_spki: Vec<u8>,
}

impl VerifiedAttestation {
    /// The attested public key (SubjectPublicKeyInfo DER, EC P-256).
    pub fn public_key_spki(&self) -> &[u8] {
        &self.leaf_spki
    }

    /// Where the key lives (TEE or StrongBox).
    pub fn security_level(&self) -> SecurityLevel {
        self.chain.key_description().key_mint_security_level
    }

    /// The root the chain ends in.
    pub fn root(&self) -> &PinnedRoot {
        self.chain.root()
    }

    /// The leaf's KeyDescription.
    pub fn key_description(&self) -> &KeyDescription {
        self.chain.key_description()
    }
}

/// Chain stage then policy stage, at `now_unix`.
pub fn verify_attestation(
    verifier: &ChainVerifier,
    policy: &KeyPolicy,
    chain_der: &[Vec<u8>],
    now_unix: i64,
) -> Result<VerifiedAttestation, AttestationError> {
    let chain = verifier.verify(chain_der, now_unix)?;
    let leaf_spki = chain
        .leaf()
        .spki_der()
        .ok_or(AttestationError::Chain(ChainError::Malformed { index: 0 }))?;
    let violations = policy.violations(chain.key_description(), Some(&leaf_spki));
    if !violations.is_empty() {
        return Err(AttestationError::Policy(violations));
    }
    Ok(VerifiedAttestation { chain, leaf_spki })
}

#[cfg(test)]
mod tests;
