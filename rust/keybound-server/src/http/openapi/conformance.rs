//! Test-only: every response of every test that builds [`crate::http::app`]
//! must be one the OpenAPI document lists for its route (status, media type,
//! and the JSON body valid against the listed schema, with `jsonschema`).
//! [`check`] is the outermost layer of the test build's router, so it sees
//! the 408, 413 and 415 of the other layers too; a response that does not
//! conform fails the test that caused it.

use std::collections::HashMap;
use std::sync::OnceLock;

use parking_lot::Mutex;

use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use super::document;

fn doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(document()).expect("the document is JSON"))
}

/// The layer: passes the response on unchanged, or panics with why it does
/// not conform.
pub(crate) async fn check(req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_ascii_lowercase();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let response = next.run(req).await;
    // No route matched: the router's own 404 (an unknown path, or the
    // registry routes switched off), not an operation of the document.
    let Some(route) = route else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .expect("a test response's body");
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if let Err(why) = conforms(&method, &route, parts.status, content_type, &bytes) {
        panic!(
            "{} {route} answered {}, which docs/openapi.json does not allow: {why}",
            method.to_uppercase(),
            parts.status
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// JSON Pointer escaping of one reference token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a response conforms to the document, and if not why.
pub(crate) fn conforms(
    method: &str,
    route: &str,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), String> {
    let doc = doc();
    let op_pointer = format!("/paths/{}/{method}", escape(route));
    let Some(op) = doc.pointer(&op_pointer) else {
        // axum's answer to a method the route does not have.
        if status == StatusCode::METHOD_NOT_ALLOWED
            && doc.pointer(&format!("/paths/{}", escape(route))).is_some()
        {
            return Ok(());
        }
        return Err("the document has no such operation".into());
    };
    let mut pointer = format!("{op_pointer}/responses/{}", status.as_str());
    let Some(mut response) = doc.pointer(&pointer) else {
        let listed: Vec<&String> = op["responses"]
            .as_object()
            .map(|r| r.keys().collect())
            .unwrap_or_default();
        return Err(format!("the status is not listed (listed: {listed:?})"));
    };
    if let Some(target) = response.get("$ref").and_then(Value::as_str) {
        pointer = target.trim_start_matches('#').to_owned();
        response = doc
            .pointer(&pointer)
            .ok_or_else(|| format!("dangling $ref {target}"))?;
    }
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if body.is_empty() {
            Ok(())
        } else {
            Err("a body where the document lists none".into())
        };
    };
    let actual = content_type.ok_or("no Content-Type")?;
    let listed = content
        .keys()
        .find(|k| essence(k) == essence(actual))
        .ok_or_else(|| format!("Content-Type {actual} is not listed ({:?})", content.keys()))?;
    if essence(listed) != "application/json" {
        return Ok(());
    }
    let instance: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    validate(
        &format!("#{pointer}/content/{}/schema", escape(listed)),
        &instance,
    )
}

/// Validates `instance` against the schema at `pointer` of the document
/// (its `$ref`s into `components` resolve against the document itself).
fn validate(pointer: &str, instance: &Value) -> Result<(), String> {
    static VALIDATORS: OnceLock<Mutex<HashMap<String, &'static jsonschema::Validator>>> =
        OnceLock::new();
    let cache = VALIDATORS.get_or_init(Default::default);
    let validator = {
        let mut cache = cache.lock();
        match cache.get(pointer) {
            Some(v) => *v,
            None => {
                let mut root = doc().clone();
                // A URI fragment: the route's braces percent-encoded.
                root["$ref"] = Value::String(pointer.replace('{', "%7B").replace('}', "%7D"));
                let built = jsonschema::validator_for(&root)
                    .map_err(|e| format!("the schema at {pointer} does not compile: {e}"))?;
                let leaked: &'static jsonschema::Validator = Box::leak(Box::new(built));
                cache.insert(pointer.to_owned(), leaked);
                leaked
            }
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the body {instance} does not match {pointer}: {}",
            errors.join("; ")
        ))
    }
}
