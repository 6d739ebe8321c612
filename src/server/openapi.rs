//! The OpenAPI 3.1 document of the API, generated from the route and shape definitions.

use axum::Json;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// Every route needs `Authorization: Bearer TOKEN` except those marked otherwise.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The error answers a route can give besides its own, in the API's error shape: every route
/// under `/api/v1` can meet bad input, no session, a role that may not, an unknown id and a
/// store that is unavailable; a write also a stale edit, a body too large and a reused
/// `Idempotency-Key`; signing in also too many attempts. Added here once rather than on each
/// route, so no route can leave one out.
struct Errors;

const COMMON: &[(&str, &str)] = &[
    ("400", "Bad input: names the field"),
    ("401", "No session, or it ended"),
    ("403", "The role may not"),
    ("404", "Unknown id (or one the role may not see)"),
    ("503", "The store is unavailable; clients retry reads"),
];
const WRITES: &[(&str, &str)] = &[
    ("409", "Stale edit: who changed it and when"),
    ("413", "Body too large"),
    ("422", "Idempotency-Key already used for another request"),
];
const SIGN_IN: &[(&str, &str)] = &[
    ("400", "Bad input: names the field"),
    ("401", "Wrong user or password"),
    ("413", "Body too large"),
    ("429", "Too many sign-ins; see Retry-After"),
    ("503", "The store is unavailable"),
];

fn add_errors(operation: &mut Operation, errors: &[(&str, &str)]) {
    for (status, description) in errors {
        if operation.responses.responses.contains_key(*status) {
            continue;
        }
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        let response = ResponseBuilder::new()
            .description(*description)
            .content("application/json", content)
            .build();
        operation
            .responses
            .responses
            .insert((*status).to_string(), response.into());
    }
}

impl Modify for Errors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let methods = [
                (HttpMethod::Get, &mut item.get),
                (HttpMethod::Post, &mut item.post),
                (HttpMethod::Put, &mut item.put),
                (HttpMethod::Patch, &mut item.patch),
                (HttpMethod::Delete, &mut item.delete),
            ];
            for (method, operation) in methods {
                let Some(operation) = operation.as_mut() else {
                    continue;
                };
                if path == "/api/v1/login" {
                    add_errors(operation, SIGN_IN);
                    continue;
                }
                add_errors(operation, COMMON);
                if method != HttpMethod::Get {
                    add_errors(operation, WRITES);
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guestbook",
        description = "A hotel's guest history: the Store trait over HTTP (see docs/server.md)."
    ),
    paths(super::api::healthz, super::api::login, super::api::logout, super::api::session, super::api::settings, super::api::set_settings, super::api::search, super::api::profile, super::api::add_guest, super::api::update_guest, super::api::erase, super::api::add_preference, super::api::retire_preference, super::api::note_preference, super::api::add_feedback, super::api::resolve_feedback, super::api::board, super::api::vip_sheet, super::api::flagged, super::api::audit, super::api::import, super::api::export, super::api::merge, super::api::accounts, super::api::add_account, super::api::change_account, super::api::check, super::api::shift_sample_dates, super::api::data_version, super::api::reveal, super::api::dupes, super::api::dupes_of, super::api::never_dupes, super::api::erase_because, super::api::export_guest, super::api::purge, super::api::destructions),
    modifiers(&Bearer, &Errors),
    security(("bearer" = []))
)]
struct Document;

/// `GET /openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(Document::openapi())
}
