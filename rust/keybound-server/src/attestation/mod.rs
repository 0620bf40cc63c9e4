//! Android key attestation: the KeyDescription extension ([`key_description`]), chain verification
//! ([`chain`]), keybound's key policy ([`policy`]) and revocation data
//! ([`revocation`]). Parsing is not trusting: the stages are separate and run
//! in a fixed order; only [`policy::VerifiedAttestation`] means "accepted".

pub mod chain;
pub mod key_description;
pub mod policy;
pub mod revocation;

pub use chain::{ChainError, ChainVerifier, TrustRoots, VerifiedChain};
pub use key_description::{KeyDescription, SecurityLevel};
pub use policy::{KeyPolicy, PolicyViolation, VerifiedAttestation};
pub use revocation::RevocationList;

#[cfg(test)]
pub(crate) mod testgen;
