//! The OpenAPI 3.1 document of the API, generated from the route and shape definitions.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guestbook",
        description = "A hotel's guest history: the Store trait over HTTP (see docs/server.md)."
    ),
    paths(super::api::healthz, super::api::login, super::api::logout, super::api::session, super::api::settings, super::api::set_settings, super::api::search, super::api::profile, super::api::add_guest, super::api::update_guest, super::api::erase, super::api::add_preference, super::api::retire_preference, super::api::note_preference, super::api::add_feedback, super::api::resolve_feedback, super::api::board, super::api::vip_sheet, super::api::flagged, super::api::audit, super::api::import, super::api::export, super::api::merge, super::api::accounts, super::api::add_account, super::api::change_account, super::api::check, super::api::shift_sample_dates, super::api::data_version, super::api::reveal, super::api::dupes, super::api::dupes_of, super::api::never_dupes),
    paths(super::api::healthz, super::api::login, super::api::logout, super::api::session, super::api::settings, super::api::set_settings, super::api::search, super::api::profile, super::api::add_guest, super::api::update_guest, super::api::erase, super::api::add_preference, super::api::retire_preference, super::api::note_preference, super::api::add_feedback, super::api::resolve_feedback, super::api::board, super::api::vip_sheet, super::api::flagged, super::api::audit, super::api::import, super::api::export, super::api::merge, super::api::accounts, super::api::add_account, super::api::change_account, super::api::check, super::api::shift_sample_dates, super::api::data_version, super::api::erase_because, super::api::export_guest, super::api::purge, super::api::destructions),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
struct Document;

/// `GET /openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(Document::openapi())
}
