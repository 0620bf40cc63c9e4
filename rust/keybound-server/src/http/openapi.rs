//! The OpenAPI 3.1 document of the HTTP API, built by `utoipa` from the
//! handlers' `#[utoipa::path]` annotations and the body types of
//! [`super::body`], and the router built from the same annotations
//! (`utoipa-axum`): a route cannot be served and not documented, or
//! documented at another path.
//!
//! The document is served at `GET /openapi.json` and kept in the
//! repository as `docs/openapi.json`; the tests fail when the two differ
//! (`KEYBOUND_UPDATE_OPENAPI=1 cargo test -p keybound-server openapi`
//! rewrites the file), when a response of any HTTP test has a status the
//! document does not list for its route, or a body that does not match the
//! listed schema, and when a listed status cannot be produced.

use std::sync::OnceLock;

use axum::routing::MethodRouter;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{self, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body;
use super::AppState;

/// The document's static part: title, version, the operator's security
/// scheme, the responses every route shares.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "keybound-server",
        description = "Verifies keybound tokens (docs/token-format.md) and Android key attestations. \
                       Phone-facing routes need no credential; the registry routes need the operator's \
                       bearer secret and are off (404) when none is configured.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(body::Error)),
    tags(
        (name = "app", description = "Called by the app (or its backend) for each sign-in"),
        (name = "operator", description = "The credential registry; needs the operator secret"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
struct ApiDoc;

/// The operator's bearer scheme, and the layer-wide answers on every
/// operation: 413 (a declared body over the limit, any method), 415 (a
/// POST body that is not JSON), 408 (the request timeout).
struct Shared;

impl Modify for Shared {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        let error = |what: &str| {
            openapi::ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    openapi::ContentBuilder::new()
                        .schema(Some(openapi::Ref::from_schema_name("Error")))
                        .build(),
                )
                .build()
        };
        for (name, what) in SHARED {
            // The timeout layer answers with an empty body.
            let response = if shared_status(name) == "408" {
                openapi::ResponseBuilder::new().description(*what).build()
            } else {
                error(what)
            };
            components
                .responses
                .insert((*name).to_owned(), RefOr::T(response));
        }
        for (_, item) in doc.paths.paths.iter_mut() {
            let post = item.post.is_some();
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.delete,
                &mut item.put,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                for (name, _) in SHARED {
                    let status = shared_status(name);
                    if status == "415" && !post {
                        continue;
                    }
                    op.responses.responses.insert(
                        status.to_owned(),
                        RefOr::Ref(openapi::Ref::new(format!("#/components/responses/{name}"))),
                    );
                }
            }
        }
    }
}

/// The shared responses (component name, description).
const SHARED: &[(&str, &str)] = &[
    (
        "BodyTooLarge",
        "`body_too_large`: the declared body is larger than 256 KiB",
    ),
    (
        "UnsupportedMediaType",
        "`unsupported_media_type`: a POST body that is not application/json",
    ),
    (
        "RequestTimeout",
        "The request took longer than 10 s (empty body)",
    ),
];

fn shared_status(name: &str) -> &'static str {
    match name {
        "BodyTooLarge" => "413",
        "UnsupportedMediaType" => "415",
        _ => "408",
    }
}

/// Every route, documented. `operator` adds the registry routes (off
/// unless an operator secret is configured); `challenges` wraps the
/// challenge route (its rate limit).
pub(super) fn routes(
    operator: bool,
    challenges: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
) -> OpenApiRouter<AppState> {
    let (schemas, paths, challenge) = routes!(super::handlers::create_challenge);
    let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(super::handlers::root))
        .routes(routes!(super::handlers::healthz))
        .routes(routes!(super::manage::ready))
        .routes((schemas, paths, challenges(challenge)))
        .routes(routes!(super::handlers::register_key))
        .routes(routes!(super::handlers::verify_token))
        .routes(routes!(super::handlers::metrics))
        .routes(routes!(super::handlers::openapi));
    if operator {
        router = router
            .routes(routes!(super::manage::list_user_keys))
            .routes(routes!(super::manage::revoke_key));
    }
    router
}

/// The whole document, every route included, as pretty JSON (what
/// `docs/openapi.json` holds, with a final newline).
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let (_, mut api) = routes(true, |challenges| challenges).split_for_parts();
        // After the routes: it adds the shared answers to every operation.
        Shared.modify(&mut api);
        let mut text = api.to_pretty_json().unwrap_or_else(|_| String::from("{}"));
        text.push('\n');
        text
    })
}

#[cfg(test)]
pub(crate) mod conformance;
#[cfg(test)]
mod tests;
