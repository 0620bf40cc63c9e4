//! `POST /v1/keys` request bodies (registration with an attestation chain or,
//! on an `--allow-unattested` server, a bare JWK).
//!
//! Input: 4 bytes (little-endian u32) for the server's clock in Unix
//! seconds, one byte for the mode (bit 0: allow unattested keys), then the
//! JSON body. The server knows the challenge `REGISTRATION_NONCE`.
#![no_main]

use axum::http::StatusCode;
use keybound_fuzz::{call, check_response, fresh_server, runtime, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let now = i64::from(input.u32());
    let allow_unattested = input.u8() & 1 == 1;
    let body = input.rest().to_vec();
    runtime().block_on(async {
        let server = fresh_server(now, allow_unattested).await;
        let (status, response) = call(
            &server,
            "POST",
            "/v1/keys",
            "application/json",
            body.clone(),
        )
        .await;
        check_response(status, &response);
        if status == StatusCode::CREATED {
            let value: serde_json::Value = serde_json::from_slice(&response).expect("JSON");
            assert_eq!(value["kid"].as_str().map(str::len), Some(43));
            // A key is registered for a named user, never for none.
            assert!(
                value["userId"].as_str().is_some_and(|u| !u.is_empty()),
                "a key registered without a user"
            );
            // The challenge is used up: the same registration never passes twice.
            let (again, response) =
                call(&server, "POST", "/v1/keys", "application/json", body).await;
            check_response(again, &response);
            assert_ne!(
                again,
                StatusCode::CREATED,
                "a registration nonce was accepted twice"
            );
        } else {
            assert!(
                status.is_client_error() || status == StatusCode::SERVICE_UNAVAILABLE,
                "unexpected status {status}"
            );
        }
    });
});
