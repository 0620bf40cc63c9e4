//! `POST /v1/tokens/verify` request bodies, against a server where the fuzz
//! device key is registered and the seed tokens' challenge is live, so the
//! seeds are accepted and mutations reach every stage.
#![no_main]

use axum::http::StatusCode;
use keybound_fuzz::{call, check_response, fresh_server, register_device_key, runtime, NOW};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let body = data.to_vec();
    runtime().block_on(async {
        let server = fresh_server(NOW, true).await;
        register_device_key(&server).await;
        let (status, response) = call(
            &server,
            "POST",
            "/v1/tokens/verify",
            "application/json",
            body.clone(),
        )
        .await;
        check_response(status, &response);
        let value: serde_json::Value = serde_json::from_slice(&response).expect("JSON");
        if status == StatusCode::OK {
            assert_eq!(value["valid"], serde_json::Value::Bool(true));
            // One token, one acceptance: the same body again is refused.
            let (again, response) = call(
                &server,
                "POST",
                "/v1/tokens/verify",
                "application/json",
                body,
            )
            .await;
            check_response(again, &response);
            assert_eq!(
                again,
                StatusCode::UNAUTHORIZED,
                "a token was accepted twice"
            );
        } else {
            assert!(status.is_client_error(), "unexpected status {status}");
            assert_ne!(value["valid"], serde_json::Value::Bool(true));
        }
    });
});
