//! Error construction and conversions. The types themselves live in
//! [`crate::api::error`] because flutter_rust_bridge only generates Dart for
//! what is under `crate::api`; their methods live here so the generator does
//! not turn them into API calls.

pub(crate) use crate::api::error::{ErrorCode, KeyboundError};

impl ErrorCode {
    /// Every code, in declaration order (for exhaustive tests). Not public:
    /// its length would make every new code a breaking change.
    #[cfg(test)]
    pub(crate) const ALL: [ErrorCode; 22] = [
        ErrorCode::InvalidArgument,
        ErrorCode::InProgress,
        ErrorCode::CoolingDown,
        ErrorCode::LockedOut,
        ErrorCode::LockedOutPermanent,
        ErrorCode::UserCanceled,
        ErrorCode::SystemCanceled,
        ErrorCode::Timeout,
        ErrorCode::HardwareUnavailable,
        ErrorCode::NoHardware,
        ErrorCode::NotEnrolled,
        ErrorCode::NoDeviceCredential,
        ErrorCode::SecurityUpdateRequired,
        ErrorCode::UnableToProcess,
        ErrorCode::NoSpace,
        ErrorCode::VendorError,
        ErrorCode::KeyNotFound,
        ErrorCode::KeyInvalidated,
        ErrorCode::UnlockRequired,
        ErrorCode::Unsupported,
        ErrorCode::PlatformError,
        ErrorCode::Internal,
    ];
}

impl KeyboundError {
    /// An error with a code and message only.
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_ms: None,
            platform_code: None,
        }
    }

    /// An `InvalidArgument` naming the field.
    pub(crate) fn invalid_argument(field: &str, why: &str) -> Self {
        Self::new(ErrorCode::InvalidArgument, format!("{field}: {why}"))
    }

    /// Adds a retry-after.
    #[must_use]
    pub(crate) fn with_retry_after_ms(mut self, ms: u32) -> Self {
        self.retry_after_ms = Some(ms);
        self
    }

    /// Replaces the code, keeping the message.
    #[must_use]
    pub(crate) fn with_code(mut self, code: ErrorCode) -> Self {
        self.code = code;
        self
    }

    /// Adds the raw OS code.
    #[must_use]
    pub(crate) fn with_platform_code(mut self, code: Option<i32>) -> Self {
        self.platform_code = code;
        self
    }
}

impl std::fmt::Display for KeyboundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for KeyboundError {}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn all_lists_every_code_once_in_declaration_order() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i, "{code:?}");
        }
        // Internal is declared last: a code added after it must join ALL.
        assert_eq!(ErrorCode::Internal as usize + 1, ErrorCode::ALL.len());
    }
}
