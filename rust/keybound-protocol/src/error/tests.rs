use super::*;

#[test]
fn codes_are_exactly_those_of_token_format() {
    let codes: Vec<&str> = TokenError::ALL.iter().map(TokenError::code).collect();
    assert_eq!(
        codes,
        [
            "malformed",
            "too_large",
            "unsupported_alg",
            "bad_header",
            "unknown_key",
            "bad_signature",
            "missing_claim",
            "expired",
            "not_yet_valid",
            "lifetime_too_long",
            "audience_mismatch",
            "nonce_mismatch",
            "replayed",
            "txn_mismatch",
            "store_unavailable",
        ]
    );
}

#[test]
fn code_round_trips_through_from_str() {
    for error in TokenError::ALL {
        assert_eq!(error.code().parse::<TokenError>(), Ok(error));
        // Display leads with the code, so logs and bodies agree.
        assert!(error.to_string().starts_with(error.code()));
    }
    for unknown in ["", "Malformed", "malformed ", "bad signature", "ok"] {
        assert_eq!(unknown.parse::<TokenError>(), Err(UnknownErrorCode));
    }
}

#[test]
fn build_error_names_the_claim_but_not_its_value() {
    let error = BuildError::InvalidClaim("nonce");
    assert_eq!(error.to_string(), "invalid claim `nonce`");
}
