//! `POST /v1/challenges` with any body and content type: the route takes no
//! body, so whatever is sent must give a fresh challenge or a clean 4xx.
//!
//! Input: one byte choosing the content type, then the body.
#![no_main]

use axum::http::StatusCode;
use keybound_fuzz::{call, check_response, fresh_server, runtime, Input, NOW};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 4] = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/json; charset=utf-8",
];

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let content_type = CONTENT_TYPES[usize::from(input.u8()) % CONTENT_TYPES.len()];
    let body = input.rest().to_vec();
    runtime().block_on(async {
        let server = fresh_server(NOW, false).await;
        let (status, response) = call(&server, "POST", "/v1/challenges", content_type, body).await;
        check_response(status, &response);
        if status == StatusCode::CREATED {
            let value: serde_json::Value = serde_json::from_slice(&response).expect("JSON");
            let nonce = value["nonce"].as_str().expect("nonce");
            assert!(!nonce.is_empty() && nonce.len() <= keybound_protocol::MAX_NONCE_CHARS);
            assert!(value["expiresAt"].as_i64().expect("expiresAt") > NOW);
        } else {
            assert!(status.is_client_error(), "unexpected status {status}");
        }
    });
});
