//! Decoding of the Android KeyDescription extension (OID 1.3.6.1.4.1.11129.2.1.17).
//!
//! This module knows ASN.1 only: it trusts nothing and checks no policy.
//! Real devices emit AuthorizationList tags out of order, repeat them and put
//! SET OF members in any order, so every SEQUENCE and SET is read element by
//! element as [`AnyRef`] and each context-specific EXPLICIT tag is dispatched
//! here. Unknown tags are kept (raw), never fatal. A known tag whose content
//! does not decode is kept raw as well and listed in
//! [`AuthorizationList::malformed_tags`]: the policy stage reads a required
//! tag that did not decode as absent (which fails it) and a forbidden tag
//! (noAuthRequired, authTimeout) that did not decode as present (fail closed
//! both ways).
//!
//! The JSON form ([`serde::Serialize`]) has the shape and value encodings of
//! the upstream android/keyattestation verifier: integers as decimal strings,
//! bytes as standard base64, enums by name, presence-only tags as `true`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, TagNumber, Tagged};
use serde::{Serialize, Serializer};

/// The KeyDescription extension's OID.
pub const KEY_DESCRIPTION_OID: &str = "1.3.6.1.4.1.11129.2.1.17";

/// Largest KeyDescription extension value decoded, in bytes.
pub const MAX_KEY_DESCRIPTION_LEN: usize = 16 * 1024;

/// Why a KeyDescription could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyDescriptionError {
    /// Larger than [`MAX_KEY_DESCRIPTION_LEN`].
    #[error("KeyDescription larger than {MAX_KEY_DESCRIPTION_LEN} bytes")]
    TooLarge,
    /// Not DER, or a required top-level field is missing or of the wrong type.
    #[error("malformed KeyDescription: {0}")]
    Malformed(&'static str),
}

type Result<T> = core::result::Result<T, KeyDescriptionError>;

/// A KeyMint security level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecurityLevel {
    /// 0: software (no hardware protection).
    Software,
    /// 1: the TEE.
    TrustedEnvironment,
    /// 2: a StrongBox secure element.
    StrongBox,
    /// Any other value, kept as is.
    Unknown(i64),
}

impl SecurityLevel {
    fn from_value(v: i64) -> Self {
        match v {
            0 => Self::Software,
            1 => Self::TrustedEnvironment,
            2 => Self::StrongBox,
            other => Self::Unknown(other),
        }
    }

    /// The upstream JSON name (`TRUSTED_ENVIRONMENT`), or the number.
    pub fn name(&self) -> String {
        match self {
            Self::Software => "SOFTWARE".into(),
            Self::TrustedEnvironment => "TRUSTED_ENVIRONMENT".into(),
            Self::StrongBox => "STRONG_BOX".into(),
            Self::Unknown(v) => v.to_string(),
        }
    }
}

impl Serialize for SecurityLevel {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// A key's origin (tag 702).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// 0: generated inside the secure hardware.
    Generated,
    /// 1: derived.
    Derived,
    /// 2: imported.
    Imported,
    /// 3: reserved.
    Reserved,
    /// 4: securely imported.
    SecurelyImported,
    /// Any other value.
    Unknown(i64),
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let name = match self {
            Self::Generated => "GENERATED".to_owned(),
            Self::Derived => "DERIVED".to_owned(),
            Self::Imported => "IMPORTED".to_owned(),
            Self::Reserved => "RESERVED".to_owned(),
            Self::SecurelyImported => "SECURELY_IMPORTED".to_owned(),
            Self::Unknown(v) => v.to_string(),
        };
        s.serialize_str(&name)
    }
}

/// Verified boot state in the RootOfTrust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifiedBootState {
    /// 0: the full chain of trust was verified.
    Verified,
    /// 1: verified with a user-installed key.
    SelfSigned,
    /// 2: not verified (unlocked bootloader).
    Unverified,
    /// 3: verification failed.
    Failed,
    /// Any other value.
    Unknown(i64),
}

impl Serialize for VerifiedBootState {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let name = match self {
            Self::Verified => "VERIFIED".to_owned(),
            Self::SelfSigned => "SELF_SIGNED".to_owned(),
            Self::Unverified => "UNVERIFIED".to_owned(),
            Self::Failed => "FAILED".to_owned(),
            Self::Unknown(v) => v.to_string(),
        };
        s.serialize_str(&name)
    }
}

/// The RootOfTrust sequence (tag 704).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RootOfTrust {
    /// Digest of the verified boot key.
    #[serde(serialize_with = "ser_b64")]
    pub verified_boot_key: Vec<u8>,
    /// Whether the bootloader is locked.
    pub device_locked: bool,
    /// The verified boot state.
    pub verified_boot_state: VerifiedBootState,
    /// Digest of the verified boot data (attestation version 3+).
    #[serde(
        serialize_with = "ser_opt_b64",
        skip_serializing_if = "Option::is_none"
    )]
    pub verified_boot_hash: Option<Vec<u8>>,
}

/// One package of the AttestationApplicationId.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PackageInfo {
    /// The package name.
    pub name: String,
    /// Its version code.
    #[serde(serialize_with = "ser_int")]
    pub version: i128,
}

/// The AttestationApplicationId (tag 709): which app asked for the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AttestationApplicationId {
    /// Packages sharing the calling UID.
    pub packages: Vec<PackageInfo>,
    /// SHA-256 digests of the signing certificates.
    #[serde(serialize_with = "ser_b64_list")]
    pub signatures: Vec<Vec<u8>>,
}

/// A tag kept without interpretation (unknown, or known but malformed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RawTag {
    /// The context-specific tag number.
    pub tag: u32,
    /// The DER of the explicitly tagged value.
    #[serde(serialize_with = "ser_b64")]
    pub value: Vec<u8>,
}

/// An AuthorizationList (softwareEnforced or hardwareEnforced).
///
/// For a repeated tag the last occurrence wins (as upstream); repeated tag
/// numbers are listed in `duplicate_tags`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // Field names are the KeyMint tag names; see the tag list in docs/android-facts.md.
#[non_exhaustive]
pub struct AuthorizationList {
    #[serde(
        serialize_with = "ser_opt_int_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub purposes: Option<Vec<i128>>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub algorithms: Option<i128>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub key_size: Option<i128>,
    #[serde(
        serialize_with = "ser_opt_int_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub digests: Option<Vec<i128>>,
    #[serde(
        serialize_with = "ser_opt_int_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub paddings: Option<Vec<i128>>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub ec_curve: Option<i128>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub rsa_public_exponent: Option<i128>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub active_date_time: Option<i128>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub origination_expire_date_time: Option<i128>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage_expire_date_time: Option<i128>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_auth_required: Option<bool>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_auth_type: Option<i128>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_timeout: Option<i128>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_while_on_body: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_user_presence_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlocked_device_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_applications: Option<bool>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_date_time: Option<i128>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_resistant: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_of_trust: Option<RootOfTrust>,
    #[serde(
        serialize_with = "ser_opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<i128>,
    #[serde(serialize_with = "ser_opt_patch", skip_serializing_if = "is_no_patch")]
    pub os_patch_level: Option<i128>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_application_id: Option<AttestationApplicationId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_brand: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_serial: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_imei: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_meid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_manufacturer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_model: Option<String>,
    #[serde(serialize_with = "ser_opt_patch", skip_serializing_if = "is_no_patch")]
    pub vendor_patch_level: Option<i128>,
    #[serde(serialize_with = "ser_opt_patch", skip_serializing_if = "is_no_patch")]
    pub boot_patch_level: Option<i128>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_unique_attestation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation_id_second_imei: Option<String>,
    #[serde(
        serialize_with = "ser_opt_b64",
        skip_serializing_if = "Option::is_none"
    )]
    pub module_hash: Option<Vec<u8>>,
    /// Whether the tags appeared in strictly ascending order (DER's rule).
    pub are_tags_ordered: bool,
    /// Tags this decoder does not know, kept raw.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_tags: Vec<RawTag>,
    /// Known tags whose content did not decode (kept raw in `unknown_tags`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub malformed_tags: Vec<u32>,
    /// Tag numbers that appeared more than once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicate_tags: Vec<u32>,
}

/// The decoded KeyDescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct KeyDescription {
    /// Attestation format version.
    #[serde(serialize_with = "ser_int")]
    pub attestation_version: i128,
    /// Where the attestation was produced.
    pub attestation_security_level: SecurityLevel,
    /// KeyMint / Keymaster version.
    #[serde(serialize_with = "ser_int")]
    pub key_mint_version: i128,
    /// Where the key lives.
    pub key_mint_security_level: SecurityLevel,
    /// The challenge the app passed to `setAttestationChallenge`.
    #[serde(serialize_with = "ser_b64")]
    pub attestation_challenge: Vec<u8>,
    /// The unique id (usually empty).
    #[serde(serialize_with = "ser_b64")]
    pub unique_id: Vec<u8>,
    /// Tags enforced by Android (not by the secure hardware).
    pub software_enforced: AuthorizationList,
    /// Tags enforced by the TEE or StrongBox.
    pub hardware_enforced: AuthorizationList,
}

impl KeyDescription {
    /// Decodes the extension value (the DER inside the extension's OCTET STRING).
    pub fn from_der(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_KEY_DESCRIPTION_LEN {
            return Err(KeyDescriptionError::TooLarge);
        }
        let top = AnyRef::from_der(bytes).map_err(|_| malformed("not DER"))?;
        if top.tag() != Tag::Sequence {
            return Err(malformed("not a SEQUENCE"));
        }
        let items = elements(top.value()).ok_or(malformed("bad SEQUENCE"))?;
        // Later attestation versions may append fields: ignore what follows.
        let [version, sec_level, km_version, km_level, challenge, unique_id, sw, hw, ..] =
            items.as_slice()
        else {
            return Err(malformed("fewer than 8 fields"));
        };
        Ok(Self {
            attestation_version: integer(version).ok_or(malformed("attestationVersion"))?,
            attestation_security_level: security_level(sec_level)
                .ok_or(malformed("attestationSecurityLevel"))?,
            key_mint_version: integer(km_version).ok_or(malformed("keyMintVersion"))?,
            key_mint_security_level: security_level(km_level)
                .ok_or(malformed("keyMintSecurityLevel"))?,
            attestation_challenge: octets(challenge)
                .ok_or(malformed("attestationChallenge"))?
                .to_vec(),
            unique_id: octets(unique_id).ok_or(malformed("uniqueId"))?.to_vec(),
            software_enforced: authorization_list(sw).ok_or(malformed("softwareEnforced"))?,
            hardware_enforced: authorization_list(hw).ok_or(malformed("hardwareEnforced"))?,
        })
    }

    /// The JSON form (same shape as the upstream verifier's output).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

fn malformed(what: &'static str) -> KeyDescriptionError {
    KeyDescriptionError::Malformed(what)
}

/// The elements of a constructed value's contents, in order, leniently.
fn elements(contents: &[u8]) -> Option<Vec<AnyRef<'_>>> {
    let mut reader = SliceReader::new(contents).ok()?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(reader.decode::<AnyRef<'_>>().ok()?);
    }
    Some(out)
}

/// A two's-complement INTEGER or ENUMERATED of at most 16 bytes.
fn integer(any: &AnyRef<'_>) -> Option<i128> {
    if any.tag() != Tag::Integer && any.tag() != Tag::Enumerated {
        return None;
    }
    let bytes = any.value();
    if bytes.is_empty() || bytes.len() > 16 {
        return None;
    }
    let negative = bytes[0] & 0x80 != 0;
    let mut buf = if negative { [0xffu8; 16] } else { [0u8; 16] };
    buf[16 - bytes.len()..].copy_from_slice(bytes);
    Some(i128::from_be_bytes(buf))
}

fn small(any: &AnyRef<'_>) -> Option<i64> {
    integer(any).and_then(|v| i64::try_from(v).ok())
}

fn security_level(any: &AnyRef<'_>) -> Option<SecurityLevel> {
    small(any).map(SecurityLevel::from_value)
}

fn octets<'a>(any: &AnyRef<'a>) -> Option<&'a [u8]> {
    (any.tag() == Tag::OctetString).then(|| any.value())
}

fn boolean(any: &AnyRef<'_>) -> Option<bool> {
    match (any.tag(), any.value()) {
        (Tag::Boolean, [0]) => Some(false),
        (Tag::Boolean, [_]) => Some(true),
        _ => None,
    }
}

fn int_set(any: &AnyRef<'_>) -> Option<Vec<i128>> {
    if any.tag() != Tag::Set {
        return None;
    }
    let mut out: Vec<i128> = Vec::new();
    for el in elements(any.value())? {
        let v = integer(&el)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Some(out)
}

fn utf8(any: &AnyRef<'_>) -> Option<String> {
    octets(any).and_then(|b| String::from_utf8(b.to_vec()).ok())
}

fn root_of_trust(any: &AnyRef<'_>) -> Option<RootOfTrust> {
    if any.tag() != Tag::Sequence {
        return None;
    }
    let items = elements(any.value())?;
    let (key, locked, state, hash) = match items.as_slice() {
        [k, l, s] => (k, l, s, None),
        [k, l, s, h, ..] => (k, l, s, Some(h)),
        _ => return None,
    };
    let state = match small(state)? {
        0 => VerifiedBootState::Verified,
        1 => VerifiedBootState::SelfSigned,
        2 => VerifiedBootState::Unverified,
        3 => VerifiedBootState::Failed,
        other => VerifiedBootState::Unknown(other),
    };
    Some(RootOfTrust {
        verified_boot_key: octets(key)?.to_vec(),
        device_locked: boolean(locked)?,
        verified_boot_state: state,
        verified_boot_hash: match hash {
            Some(h) => Some(octets(h)?.to_vec()),
            None => None,
        },
    })
}

fn application_id(any: &AnyRef<'_>) -> Option<AttestationApplicationId> {
    // OCTET STRING wrapping SEQUENCE { SET OF PackageInfo, SET OF OCTET STRING }.
    let inner = AnyRef::from_der(octets(any)?).ok()?;
    if inner.tag() != Tag::Sequence {
        return None;
    }
    let items = elements(inner.value())?;
    let [packages, signatures, ..] = items.as_slice() else {
        return None;
    };
    if packages.tag() != Tag::Set || signatures.tag() != Tag::Set {
        return None;
    }
    let mut out_packages: Vec<PackageInfo> = Vec::new();
    for pkg in elements(packages.value())? {
        if pkg.tag() != Tag::Sequence {
            return None;
        }
        let fields = elements(pkg.value())?;
        let [name, version, ..] = fields.as_slice() else {
            return None;
        };
        let info = PackageInfo {
            name: utf8(name)?,
            version: integer(version)?,
        };
        if !out_packages.contains(&info) {
            out_packages.push(info);
        }
    }
    let mut out_signatures: Vec<Vec<u8>> = Vec::new();
    for sig in elements(signatures.value())? {
        let digest = octets(&sig)?.to_vec();
        if !out_signatures.contains(&digest) {
            out_signatures.push(digest);
        }
    }
    Some(AttestationApplicationId {
        packages: out_packages,
        signatures: out_signatures,
    })
}

/// Decodes one AuthorizationList SEQUENCE; `None` only when it is not a
/// SEQUENCE of context-specific tagged values at all.
fn authorization_list(any: &AnyRef<'_>) -> Option<AuthorizationList> {
    if any.tag() != Tag::Sequence {
        return None;
    }
    let mut list = AuthorizationList {
        are_tags_ordered: true,
        ..AuthorizationList::default()
    };
    let mut seen: Vec<u32> = Vec::new();
    for el in elements(any.value())? {
        let number = match el.tag() {
            Tag::ContextSpecific {
                constructed: true,
                number: TagNumber(n),
            } => n,
            _ => return None,
        };
        if let Some(&last) = seen.last() {
            if number <= last {
                list.are_tags_ordered = false;
            }
        }
        if seen.contains(&number) && !list.duplicate_tags.contains(&number) {
            list.duplicate_tags.push(number);
        }
        seen.push(number);
        // EXPLICIT tagging: the contents are exactly one inner TLV.
        let inner = AnyRef::from_der(el.value()).ok();
        let known = match inner {
            Some(inner) => apply_tag(&mut list, number, &inner),
            None => TagOutcome::Malformed,
        };
        match known {
            TagOutcome::Decoded => {}
            TagOutcome::Unknown | TagOutcome::Malformed => {
                if known == TagOutcome::Malformed {
                    list.malformed_tags.push(number);
                }
                list.unknown_tags.push(RawTag {
                    tag: number,
                    value: el.value().to_vec(),
                });
            }
        }
    }
    Some(list)
}

#[derive(PartialEq, Eq)]
enum TagOutcome {
    Decoded,
    Unknown,
    Malformed,
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> TagOutcome {
    match value {
        Some(v) => {
            *slot = Some(v);
            TagOutcome::Decoded
        }
        None => TagOutcome::Malformed,
    }
}

fn apply_tag(list: &mut AuthorizationList, number: u32, v: &AnyRef<'_>) -> TagOutcome {
    // Presence-only (NULL) tags count as present whatever their content:
    // that is the fail-closed reading for tags like noAuthRequired.
    let present = Some(true);
    match number {
        1 => set(&mut list.purposes, int_set(v)),
        2 => set(&mut list.algorithms, integer(v)),
        3 => set(&mut list.key_size, integer(v)),
        5 => set(&mut list.digests, int_set(v)),
        6 => set(&mut list.paddings, int_set(v)),
        10 => set(&mut list.ec_curve, integer(v)),
        200 => set(&mut list.rsa_public_exponent, integer(v)),
        400 => set(&mut list.active_date_time, integer(v)),
        401 => set(&mut list.origination_expire_date_time, integer(v)),
        402 => set(&mut list.usage_expire_date_time, integer(v)),
        503 => set(&mut list.no_auth_required, present),
        504 => set(&mut list.user_auth_type, integer(v)),
        505 => set(&mut list.auth_timeout, integer(v)),
        506 => set(&mut list.allow_while_on_body, present),
        507 => set(&mut list.trusted_user_presence_required, present),
        509 => set(&mut list.unlocked_device_required, present),
        600 => set(&mut list.all_applications, present),
        701 => set(&mut list.creation_date_time, integer(v)),
        702 => set(
            &mut list.origin,
            small(v).map(|o| match o {
                0 => Origin::Generated,
                1 => Origin::Derived,
                2 => Origin::Imported,
                3 => Origin::Reserved,
                4 => Origin::SecurelyImported,
                other => Origin::Unknown(other),
            }),
        ),
        703 => set(&mut list.rollback_resistant, present),
        704 => set(&mut list.root_of_trust, root_of_trust(v)),
        705 => set(&mut list.os_version, integer(v)),
        706 => set(&mut list.os_patch_level, integer(v)),
        709 => set(&mut list.attestation_application_id, application_id(v)),
        710 => set(&mut list.attestation_id_brand, utf8(v)),
        711 => set(&mut list.attestation_id_device, utf8(v)),
        712 => set(&mut list.attestation_id_product, utf8(v)),
        713 => set(&mut list.attestation_id_serial, utf8(v)),
        714 => set(&mut list.attestation_id_imei, utf8(v)),
        715 => set(&mut list.attestation_id_meid, utf8(v)),
        716 => set(&mut list.attestation_id_manufacturer, utf8(v)),
        717 => set(&mut list.attestation_id_model, utf8(v)),
        718 => set(&mut list.vendor_patch_level, integer(v)),
        719 => set(&mut list.boot_patch_level, integer(v)),
        720 => set(&mut list.device_unique_attestation, present),
        723 => set(&mut list.attestation_id_second_imei, utf8(v)),
        724 => set(&mut list.module_hash, octets(v).map(<[u8]>::to_vec)),
        _ => TagOutcome::Unknown,
    }
}

/// A patch level as upstream prints it: `yyyyMM` or `yyyyMMdd`, else absent.
fn patch_level_string(v: i128) -> Option<String> {
    let s = v.to_string();
    if s.len() != 6 && s.len() != 8 {
        return None;
    }
    let month: u32 = s.get(4..6)?.parse().ok()?;
    (1..=12).contains(&month).then_some(s)
}

// The serializers below are used through `#[serde(serialize_with)]`.

fn ser_int<S: Serializer>(v: &i128, s: S) -> core::result::Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

fn ser_opt_int<S: Serializer>(v: &Option<i128>, s: S) -> core::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
    }
}

fn ser_opt_int_list<S: Serializer>(
    v: &Option<Vec<i128>>,
    s: S,
) -> core::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_seq(v.iter().map(i128::to_string)),
        None => s.serialize_none(),
    }
}

fn ser_opt_patch<S: Serializer>(v: &Option<i128>, s: S) -> core::result::Result<S::Ok, S::Error> {
    match v.and_then(patch_level_string) {
        Some(p) => s.serialize_str(&p),
        None => s.serialize_none(),
    }
}

fn is_no_patch(v: &Option<i128>) -> bool {
    v.and_then(patch_level_string).is_none()
}

fn ser_b64<S: Serializer>(v: &[u8], s: S) -> core::result::Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(v))
}

fn ser_opt_b64<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> core::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&STANDARD.encode(v)),
        None => s.serialize_none(),
    }
}

fn ser_b64_list<S: Serializer>(v: &[Vec<u8>], s: S) -> core::result::Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|b| STANDARD.encode(b)))
}

#[cfg(test)]
mod tests;
