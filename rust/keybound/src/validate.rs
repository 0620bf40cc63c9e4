//! Input validation for everything that arrives through the API. Each
//! failure is an `InvalidArgument` naming the field, and nothing is
//! truncated or normalised silently.

use crate::api::types::{AuthenticateRequest, EnrollOptions, PromptOptions};
use crate::error::KeyboundError;

/// Longest alias.
pub const MAX_ALIAS_CHARS: usize = 64;
/// Longest attestation challenge (Keystore accepts up to 128 bytes).
pub const MAX_ATTESTATION_CHALLENGE_BYTES: usize = 128;
/// Longest server challenge (docs/token-format.md: `nonce` 1..=256 chars).
pub const MAX_CHALLENGE_CHARS: usize = 256;
/// Longest audience.
pub const MAX_AUDIENCE_CHARS: usize = 256;
/// Longest prompt title.
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest prompt subtitle.
pub const MAX_SUBTITLE_CHARS: usize = 100;
/// Longest prompt description.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Longest negative button label.
pub const MAX_NEGATIVE_BUTTON_CHARS: usize = 40;
/// Largest transaction to bind.
pub const MAX_TRANSACTION_BYTES: usize = 64 * 1024;
/// Token lifetime bounds, seconds (docs/token-format.md caps it at 300).
pub const TTL_RANGE_SECS: std::ops::RangeInclusive<u32> = 1..=300;

/// `[A-Za-z0-9_.-]{1,64}`.
pub fn alias(value: &str) -> Result<(), KeyboundError> {
    if value.is_empty() {
        return Err(KeyboundError::invalid_argument(
            "alias",
            "must not be empty",
        ));
    }
    if value.len() > MAX_ALIAS_CHARS {
        return Err(KeyboundError::invalid_argument(
            "alias",
            "must be at most 64 characters",
        ));
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(KeyboundError::invalid_argument(
            "alias",
            "may contain only A-Z, a-z, 0-9, '_', '.' and '-'",
        ));
    }
    Ok(())
}

/// A required text field: 1..=max characters, no control characters.
fn text(field: &str, value: &str, max: usize) -> Result<(), KeyboundError> {
    if value.is_empty() {
        return Err(KeyboundError::invalid_argument(field, "must not be empty"));
    }
    optional_text(field, value, max)
}

/// An optional text field: at most `max` characters, no control characters.
fn optional_text(field: &str, value: &str, max: usize) -> Result<(), KeyboundError> {
    if value.chars().count() > max {
        return Err(KeyboundError::invalid_argument(
            field,
            &format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(KeyboundError::invalid_argument(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Enrolment options.
pub fn enroll_options(options: &EnrollOptions) -> Result<(), KeyboundError> {
    alias(&options.alias)?;
    let len = options.attestation_challenge.len();
    if len == 0 {
        return Err(KeyboundError::invalid_argument(
            "attestation_challenge",
            "must not be empty",
        ));
    }
    if len > MAX_ATTESTATION_CHALLENGE_BYTES {
        return Err(KeyboundError::invalid_argument(
            "attestation_challenge",
            "must be at most 128 bytes",
        ));
    }
    Ok(())
}

/// Prompt text.
pub fn prompt(prompt: &PromptOptions) -> Result<(), KeyboundError> {
    text("prompt.title", &prompt.title, MAX_TITLE_CHARS)?;
    if let Some(subtitle) = &prompt.subtitle {
        optional_text("prompt.subtitle", subtitle, MAX_SUBTITLE_CHARS)?;
    }
    if let Some(description) = &prompt.description {
        optional_text("prompt.description", description, MAX_DESCRIPTION_CHARS)?;
    }
    text(
        "prompt.negative_button",
        &prompt.negative_button,
        MAX_NEGATIVE_BUTTON_CHARS,
    )
}

/// An authentication request.
pub fn authenticate_request(request: &AuthenticateRequest) -> Result<(), KeyboundError> {
    alias(&request.alias)?;
    text("challenge", &request.challenge, MAX_CHALLENGE_CHARS)?;
    text("audience", &request.audience, MAX_AUDIENCE_CHARS)?;
    prompt(&request.prompt)?;
    if let Some(transaction) = &request.transaction {
        if transaction.is_empty() {
            return Err(KeyboundError::invalid_argument(
                "transaction",
                "must not be empty when given (omit it instead)",
            ));
        }
        if transaction.len() > MAX_TRANSACTION_BYTES {
            return Err(KeyboundError::invalid_argument(
                "transaction",
                "must be at most 65536 bytes",
            ));
        }
    }
    if !TTL_RANGE_SECS.contains(&request.ttl_seconds) {
        return Err(KeyboundError::invalid_argument(
            "ttl_seconds",
            "must be between 1 and 300",
        ));
    }
    Ok(())
}
