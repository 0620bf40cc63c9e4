//! Strict JSON object parsing: duplicated member names are an error.
//!
//! `serde_json` silently keeps the *last* of two members with the same name,
//! while other JOSE libraries keep the first or reject the input. A token such
//! as `{"alg":"ES256",...,"alg":"none"}` would then be read differently by two
//! verifiers (a parser differential), so docs/token-format.md makes a duplicated
//! name `malformed`. `serde_json` has no option for this, hence the small
//! visitor below: it builds a [`serde_json::Value`] like `serde_json` does,
//! but fails when a map key repeats, at every nesting level. Names are
//! compared after JSON unescaping, so `"alg"` and `"\u0061lg"` are the same
//! name. Nesting depth stays bounded by `serde_json`'s recursion limit (128).

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why [`parse_object`] failed. Every variant maps to `malformed` for tokens
/// and to [`KeyError::InvalidJson`](crate::KeyError::InvalidJson) for JWKs;
/// the split exists for tests.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not UTF-8 JSON, trailing data, a duplicated member name, or nesting
    /// beyond the recursion limit.
    Invalid,
    /// Valid JSON, but not an object.
    NotObject,
}

/// Parses `bytes` as one JSON object whose member names are unique at every
/// level.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    let StrictValue(value) = serde_json::from_slice(bytes).map_err(|_| JsonError::Invalid)?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(JsonError::NotObject),
    }
}

/// A JSON value deserialized with duplicate-name detection.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value without duplicated member names")
    }

    fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<StrictValue, E> {
        Number::from_f64(v)
            .map(|n| StrictValue(Value::Number(n)))
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_none<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(StrictValue(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StrictValue, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                // The name is not echoed: it comes from untrusted input.
                return Err(de::Error::custom("duplicated member name"));
            }
            let StrictValue(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(StrictValue(Value::Object(map)))
    }
}

#[cfg(test)]
mod tests;
