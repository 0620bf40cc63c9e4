//! ECDSA P-256 signature formats: the DER `SEQUENCE { r, s }` that Android
//! Keystore's `SHA256withECDSA` produces, and the fixed 64-byte `r || s` that
//! JWS ES256 requires (RFC 7518 §3.4).

use crate::error::SignatureFormatError;

/// The order n of the P-256 group, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Length of a P-256 scalar in bytes.
const SCALAR_LEN: usize = 32;

const TAG_SEQUENCE: u8 = 0x30;
const TAG_INTEGER: u8 = 0x02;

/// Converts a DER ECDSA P-256 signature to the JWS form `r || s`.
///
/// Strict DER: a SEQUENCE of exactly two INTEGERs, definite minimal lengths
/// (a valid P-256 signature is at most 72 bytes, so only the short length
/// form is ever minimal), minimal non-negative integers, nothing after the
/// SEQUENCE. Each of r and s must fit in 32 bytes and lie in `1..n`; it is
/// left-padded with zeros to 32 bytes.
pub fn der_to_raw(der: &[u8]) -> Result<[u8; 64], SignatureFormatError> {
    let mut outer = Reader(der);
    let mut body = Reader(outer.tlv(TAG_SEQUENCE)?);
    if !outer.is_empty() {
        return Err(SignatureFormatError::TrailingData);
    }
    let r = body.integer()?;
    let s = body.integer()?;
    if !body.is_empty() {
        return Err(SignatureFormatError::TrailingData);
    }
    let mut raw = [0u8; 64];
    raw[..SCALAR_LEN].copy_from_slice(&r);
    raw[SCALAR_LEN..].copy_from_slice(&s);
    if !raw_scalars_in_range(&raw) {
        return Err(SignatureFormatError::OutOfRange);
    }
    Ok(raw)
}

/// Whether r and s of a raw `r || s` signature both lie in `1..n`.
///
/// ring's verifier checks this too; it is repeated here so the rule of
/// docs/token-format.md does not rest on a dependency's internals. Signatures are
/// public, so a plain (variable-time) comparison is fine.
pub(crate) fn raw_scalars_in_range(raw: &[u8; 64]) -> bool {
    let (r, s) = raw.split_at(SCALAR_LEN);
    scalar_in_range(r) && scalar_in_range(s)
}

fn scalar_in_range(v: &[u8]) -> bool {
    // Big-endian byte strings of equal length compare like the numbers.
    v.iter().any(|&b| b != 0) && v < &P256_ORDER[..]
}

/// A cursor over DER input.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn byte(&mut self) -> Result<u8, SignatureFormatError> {
        let (&first, rest) = self
            .0
            .split_first()
            .ok_or(SignatureFormatError::InvalidStructure)?;
        self.0 = rest;
        Ok(first)
    }

    /// Reads one tag-length-value with the given tag and returns the value.
    fn tlv(&mut self, tag: u8) -> Result<&'a [u8], SignatureFormatError> {
        if self.byte()? != tag {
            return Err(SignatureFormatError::InvalidStructure);
        }
        let len = self.byte()?;
        if len & 0x80 != 0 {
            // Long form (or the indefinite form 0x80). Contents here are never
            // longer than 70 bytes, so the long form is never minimal.
            return Err(SignatureFormatError::NonMinimalEncoding);
        }
        let len = usize::from(len);
        if len > self.0.len() {
            return Err(SignatureFormatError::InvalidStructure);
        }
        let (value, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(value)
    }

    /// Reads a minimal non-negative INTEGER of at most 32 bytes, left-padded.
    fn integer(&mut self) -> Result<[u8; SCALAR_LEN], SignatureFormatError> {
        let value = self.tlv(TAG_INTEGER)?;
        let (&first, rest) = value
            .split_first()
            .ok_or(SignatureFormatError::InvalidStructure)?;
        if first & 0x80 != 0 {
            return Err(SignatureFormatError::NegativeInteger);
        }
        let magnitude = if first == 0 {
            match rest.first() {
                // A leading zero is allowed only in front of a byte whose high
                // bit is set (otherwise the encoding is not minimal).
                Some(&next) if next & 0x80 == 0 => {
                    return Err(SignatureFormatError::NonMinimalEncoding)
                }
                Some(_) => rest,
                None => value, // the integer 0: rejected by the range check
            }
        } else {
            value
        };
        if magnitude.len() > SCALAR_LEN {
            return Err(SignatureFormatError::IntegerTooLarge);
        }
        let mut out = [0u8; SCALAR_LEN];
        out[SCALAR_LEN - magnitude.len()..].copy_from_slice(magnitude);
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
