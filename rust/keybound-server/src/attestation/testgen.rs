//! Test-only generator of KeyDescription DER and synthetic attestation
//! chains (a private CA made here, trusted through
//! `TrustRoots::dangerous_custom`).

use ::der::asn1::Any;
use ::der::{Encode, Tag, TagNumber};

pub(crate) fn tlv(tag: Tag, content: &[u8]) -> Vec<u8> {
    Any::new(tag, content.to_vec()).unwrap().to_der().unwrap()
}
pub(crate) fn int(v: i64) -> Vec<u8> {
    v.to_der().unwrap()
}
pub(crate) fn enumerated(v: u8) -> Vec<u8> {
    tlv(Tag::Enumerated, &[v])
}
pub(crate) fn octets(b: &[u8]) -> Vec<u8> {
    tlv(Tag::OctetString, b)
}
pub(crate) fn null() -> Vec<u8> {
    tlv(Tag::Null, &[])
}
pub(crate) fn boolean(b: bool) -> Vec<u8> {
    tlv(Tag::Boolean, &[if b { 0xff } else { 0 }])
}
pub(crate) fn seq(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(Tag::Sequence, &items.concat())
}
/// A SET in the given order (not sorted: devices do that too).
pub(crate) fn set(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(Tag::Set, &items.concat())
}
pub(crate) fn explicit(n: u32, inner: Vec<u8>) -> Vec<u8> {
    tlv(
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(n),
        },
        &inner,
    )
}

/// The parts of a KeyDescription, starting from one keybound accepts.
#[derive(Clone)]
pub(crate) struct KdSpec {
    pub attestation_level: u8,
    pub keymint_level: u8,
    pub challenge: Vec<u8>,
    pub hw: Vec<(u32, Vec<u8>)>,
    pub sw: Vec<(u32, Vec<u8>)>,
}

pub(crate) const PACKAGE: &str = "com.example.bank";
pub(crate) const SIGNING_DIGEST: [u8; 32] = [7u8; 32];

impl KdSpec {
    pub(crate) fn good(challenge: &[u8]) -> Self {
        let app_id = seq(&[
            set(&[seq(&[octets(PACKAGE.as_bytes()), int(42)])]),
            set(&[octets(&SIGNING_DIGEST)]),
        ]);
        Self {
            attestation_level: 1,
            keymint_level: 1,
            challenge: challenge.to_vec(),
            hw: vec![
                (1, set(&[int(2)])),
                (2, int(3)),
                (3, int(256)),
                (5, set(&[int(4)])),
                (10, int(1)),
                (504, int(2)),
                (702, int(0)),
                (
                    704,
                    seq(&[
                        octets(&[1u8; 32]),
                        boolean(true),
                        enumerated(0),
                        octets(&[2u8; 32]),
                    ]),
                ),
                (705, int(150000)),
                (706, int(202501)),
                (718, int(20250105)),
                (719, int(20250105)),
            ],
            sw: vec![(701, int(1_735_689_600_000)), (709, octets(&app_id))],
        }
    }

    /// Replaces (or adds, at the end) hardware tag `n`.
    pub(crate) fn hw_set(mut self, n: u32, value: Vec<u8>) -> Self {
        match self.hw.iter_mut().find(|(t, _)| *t == n) {
            Some(slot) => slot.1 = value,
            None => self.hw.push((n, value)),
        }
        self
    }

    pub(crate) fn hw_remove(mut self, n: u32) -> Self {
        self.hw.retain(|(t, _)| *t != n);
        self
    }

    pub(crate) fn sw_set(mut self, n: u32, value: Vec<u8>) -> Self {
        self.sw.push((n, value));
        self
    }

    pub(crate) fn to_der(&self) -> Vec<u8> {
        let list = |tags: &[(u32, Vec<u8>)]| {
            seq(&tags
                .iter()
                .map(|(n, v)| explicit(*n, v.clone()))
                .collect::<Vec<_>>())
        };
        seq(&[
            int(300),
            enumerated(self.attestation_level),
            int(300),
            enumerated(self.keymint_level),
            octets(&self.challenge),
            octets(&[]),
            list(&self.sw),
            list(&self.hw),
        ])
    }
}

/// A synthetic CA: root → intermediate → leaf with the KeyDescription.
pub(crate) struct SyntheticChain {
    pub ders: Vec<Vec<u8>>,
    pub root_pin: crate::attestation::chain::PinnedRoot,
    /// PKCS#8 of the leaf's private key (the "device key").
    pub leaf_pkcs8: Vec<u8>,
}

/// Inside the synthetic validity (2025-01-01 to 2035-01-01).
pub(crate) const SYNTH_INSIDE: i64 = 1_760_000_000;

pub(crate) fn synthetic_chain(kd_der: &[u8]) -> SyntheticChain {
    synthetic_chain_with(kd_der, false)
}

pub(crate) fn synthetic_chain_with(
    kd_der: &[u8],
    extension_in_intermediate: bool,
) -> SyntheticChain {
    use rcgen::{
        BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa,
        KeyPair, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384,
    };
    let oid = [1u64, 3, 6, 1, 4, 1, 11129, 2, 1, 17];
    let validity = |p: &mut CertificateParams| {
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    };
    let name = |cn: &str| {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        dn
    };
    let root_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).unwrap();
    let mut root_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root_params.distinguished_name = name("synthetic root");
    validity(&mut root_params);
    let root = root_params.self_signed(&root_key).unwrap();

    let int_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut int_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    int_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    int_params.distinguished_name = name("synthetic intermediate");
    if extension_in_intermediate {
        int_params
            .custom_extensions
            .push(CustomExtension::from_oid_content(&oid, kd_der.to_vec()));
    }
    validity(&mut int_params);
    let int = int_params.signed_by(&int_key, &root, &root_key).unwrap();

    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &rng,
    )
    .unwrap();
    let leaf_key_pair = KeyPair::try_from(pkcs8.as_ref()).unwrap();
    let mut leaf_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    leaf_params.distinguished_name = name("Android Keystore Key");
    leaf_params
        .custom_extensions
        .push(CustomExtension::from_oid_content(&oid, kd_der.to_vec()));
    validity(&mut leaf_params);
    let leaf = leaf_params
        .signed_by(&leaf_key_pair, &int, &int_key)
        .unwrap();

    let spki = root_key.public_key_der();
    let digest = ring::digest::digest(&ring::digest::SHA256, &spki);
    let mut pin = [0u8; 32];
    pin.copy_from_slice(digest.as_ref());
    SyntheticChain {
        ders: vec![leaf.der().to_vec(), int.der().to_vec(), root.der().to_vec()],
        root_pin: crate::attestation::chain::PinnedRoot {
            name: "synthetic-test-root",
            spki_sha256: pin,
        },
        leaf_pkcs8: pkcs8.as_ref().to_vec(),
    }
}

/// One certificate of a [`custom_chain`]: subject attributes (OID arcs,
/// value) and validity years (1 January to 1 January).
pub(crate) struct CertSpec {
    pub subject: Vec<(Vec<u64>, &'static str)>,
    pub years: (i32, i32),
}

pub(crate) const CN: [u64; 4] = [2, 5, 4, 3];
pub(crate) const O: [u64; 4] = [2, 5, 4, 10];
pub(crate) const SERIAL_NUMBER: [u64; 4] = [2, 5, 4, 5];
pub(crate) const TITLE: [u64; 4] = [2, 5, 4, 12];

/// A chain `specs[0]` (the leaf, carrying `kd_der`) … `specs[last]` (a
/// self-signed root), each certificate signed by the next one's fresh key:
/// real chains' names and KeyDescriptions re-signed with other dates.
pub(crate) fn custom_chain(kd_der: &[u8], specs: &[CertSpec]) -> SyntheticChain {
    use rcgen::{
        BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa,
        KeyPair, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384,
    };
    let oid = [1u64, 3, 6, 1, 4, 1, 11129, 2, 1, 17];
    let params = |spec: &CertSpec, ca: bool| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        let mut dn = DistinguishedName::new();
        for (arcs, value) in &spec.subject {
            dn.push(DnType::CustomDnType(arcs.clone()), *value);
        }
        p.distinguished_name = dn;
        p.not_before = rcgen::date_time_ymd(spec.years.0, 1, 1);
        p.not_after = rcgen::date_time_ymd(spec.years.1, 1, 1);
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        p
    };
    let last = specs.len() - 1;
    let root_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).unwrap();
    let root = params(&specs[last], true).self_signed(&root_key).unwrap();
    let digest = ring::digest::digest(&ring::digest::SHA256, &root_key.public_key_der());
    let mut pin = [0u8; 32];
    pin.copy_from_slice(digest.as_ref());
    let mut ders = vec![root.der().to_vec()];
    let (mut issuer, mut issuer_key) = (root, root_key);
    for spec in specs[1..last].iter().rev() {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = params(spec, true)
            .signed_by(&key, &issuer, &issuer_key)
            .unwrap();
        ders.push(cert.der().to_vec());
        (issuer, issuer_key) = (cert, key);
    }
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &rng,
    )
    .unwrap();
    let leaf_key = KeyPair::try_from(pkcs8.as_ref()).unwrap();
    let mut leaf_params = params(&specs[0], false);
    leaf_params
        .custom_extensions
        .push(CustomExtension::from_oid_content(&oid, kd_der.to_vec()));
    let leaf = leaf_params
        .signed_by(&leaf_key, &issuer, &issuer_key)
        .unwrap();
    ders.push(leaf.der().to_vec());
    ders.reverse();
    SyntheticChain {
        ders,
        root_pin: crate::attestation::chain::PinnedRoot {
            name: "synthetic-test-root",
            spki_sha256: pin,
        },
        leaf_pkcs8: pkcs8.as_ref().to_vec(),
    }
}
