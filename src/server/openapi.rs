//! The OpenAPI 3.1 document of the API, generated from the route and shape definitions.

use axum::Json;
use utoipa::OpenApi;

use crate::store::wire::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guestbook",
        description = "A hotel's guest history: the Store trait over HTTP."
    ),
    components(schemas(LoginRequest, LoginResponse, ErrorBody, Ok))
)]
struct Document;

/// `GET /openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(Document::openapi())
}
