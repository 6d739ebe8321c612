//! The routes of `/api/v1`, one per store call, each run on the caller's session store in a
//! blocking task; bodies are read here so that a bad or oversized one answers in the API's
//! own error shape.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Sessions;
use crate::i18n::{Lang, Msg};
use crate::model::*;
use crate::store::wire::*;
use crate::store::{
    AccountChange, Credentials, ImportItem, ImportRow, KeptAnswer, Kind, NewAccount, Principal,
    Store, StoreError,
};

type App = State<Arc<Sessions>>;

/// The routes, with the body limits of the server's settings.
pub fn routes(sessions: Arc<Sessions>) -> Router {
    let body_limit = sessions.config().body_limit;
    let import_limit = sessions.config().import_limit;
    let api = Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/session", get(session))
        .route("/settings", get(settings).put(set_settings))
        .route("/guests", get(search).post(add_guest))
        .route("/guests/{id}", get(profile).patch(update_guest))
        .route("/guests/{id}/erase", post(erase))
        .route("/guests/{id}/preferences", post(add_preference))
        .route(
            "/guests/{id}/preferences/{number}",
            delete(retire_preference),
        )
        .route(
            "/guests/{id}/preferences/{number}/note",
            put(note_preference),
        )
        .route("/feedback", post(add_feedback))
        .route("/feedback/{number}/resolve", post(resolve_feedback))
        .route("/board", get(board))
        .route("/reports/vip", get(vip_sheet))
        .route("/flagged", get(flagged))
        .route("/audit", get(audit))
        .route(
            "/import/{kind}",
            post(import).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/export/{kind}", get(export))
        .route("/merge", post(merge))
        .route("/accounts", get(accounts).post(add_account))
        .route("/accounts/{user}", axum::routing::patch(change_account))
        .route("/check", get(check))
        .route("/sample/shift", post(shift_sample_dates))
        .route("/data_version", get(data_version))
        .route("/guests/{id}/reveal", post(reveal))
        .route("/dupes", get(dupes))
        .route("/dupes/never", post(never_dupes))
        .route("/guests/{id}/dupes", get(dupes_of))
        .route("/guests/{id}/erasure", post(erase_because))
        .route("/guests/{id}/record", get(export_guest))
        .route("/purge", post(purge))
        .route("/destructions", get(destructions))
        .fallback(no_route)
        .layer(axum::middleware::from_fn_with_state(
            sessions.clone(),
            idempotent,
        ));
    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(super::openapi::document))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(log_request))
        .with_state(sessions)
}

/// The caller's language: Chinese when `Accept-Language` starts with zh, else English.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::parse)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// The status of an error, as api.md lists them.
fn status_of(err: &StoreError) -> StatusCode {
    match err {
        StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
        StoreError::Stale { .. } => StatusCode::CONFLICT,
        StoreError::Invalid { .. } | StoreError::BackupDamaged | StoreError::OnServerHostOnly => {
            StatusCode::BAD_REQUEST
        }
        StoreError::NewerThanBackup { .. } => StatusCode::CONFLICT,
        StoreError::Forbidden { .. } => StatusCode::FORBIDDEN,
        StoreError::SignInRequired { .. }
        | StoreError::WrongPassword { .. }
        | StoreError::NoPasswordSet { .. }
        | StoreError::UnknownUser { .. }
        | StoreError::AccountDisabled { .. }
        | StoreError::SessionEnded => StatusCode::UNAUTHORIZED,
        StoreError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        StoreError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        StoreError::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
        StoreError::Backend => StatusCode::INTERNAL_SERVER_ERROR,
        StoreError::Busy
        | StoreError::Unavailable
        | StoreError::Untrusted
        | StoreError::FileGone
        | StoreError::ReadOnly
        | StoreError::NotGuestbook
        | StoreError::NoDatabase
        | StoreError::SchemaTooNew { .. }
        | StoreError::DiskFull => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// An error answer: its status, one sentence in `lang`, the structured error, and for a
/// rate limit the `Retry-After` header.
pub fn error_response(err: StoreError, lang: Lang) -> Response {
    let status = status_of(&err);
    let body = ErrorBody {
        error: err.text_in(lang, Msg::TheServer.text_in(lang)),
        reason: err.clone(),
    };
    let mut response = (status, Json(body)).into_response();
    if let StoreError::TooManyAttempts { retry_after } = err {
        if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

/// The user a call ran as, left on its answer for the request log.
#[derive(Clone)]
struct SessionUser(String);

/// One log line per request: user, method, route (the template, `/api/v1/guests/{id}`, so no
/// id, name or phone from the path), status and latency. Bodies and queries are never logged.
async fn log_request(req: Request, next: axum::middleware::Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(no route)".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let user = response
        .extensions()
        .get::<SessionUser>()
        .map_or("-", |u| u.0.as_str());
    tracing::info!(
        user,
        method = %method,
        route,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// Writes with an `Idempotency-Key` header: the first answer (unless a 5xx, which a retry
/// should try again) is kept per user and key for a day, and a retry of the same write is
/// answered with it instead of being applied again. The key names one request: sent again
/// with another method, path or body it is refused with 422 and nothing is applied.
async fn idempotent(State(app): App, req: Request, next: axum::middleware::Next) -> Response {
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_string);
    let token = bearer(req.headers());
    let (Some(key), Some(token)) = (key, token) else {
        return next.run(req).await;
    };
    if req.method() == axum::http::Method::GET {
        return next.run(req).await;
    }
    let lang = lang_of(req.headers());
    // The body is read here to know the request; the route's own limit still applies.
    let limit = if req.uri().path().starts_with("/import/") {
        app.config().import_limit
    } else {
        app.config().body_limit
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return error_response(StoreError::TooLarge, lang);
    };
    let fingerprint = request_hash(&parts, &bytes);
    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
    let (seen_app, seen_key) = (app.clone(), key.clone());
    let seen = tokio::task::spawn_blocking(move || {
        let live = seen_app.find(&token)?;
        let answer = seen_app.answer(&live.user, &seen_key)?;
        Ok::<_, StoreError>((live.user.clone(), answer))
    })
    .await;
    let user = match seen {
        Ok(Ok((_, Some(kept)))) => {
            if kept.request.as_ref().is_some_and(|r| *r != fingerprint) {
                return error_response(StoreError::KeyReused, lang);
            }
            let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
            let mut response = (status, kept.body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return response;
        }
        Ok(Ok((user, None))) => user,
        Ok(Err(err)) => return error_response(err, lang),
        Err(_) => return error_response(StoreError::Backend, lang),
    };
    let response = next.run(req).await;
    if response.status().is_server_error() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return error_response(StoreError::Backend, lang);
    };
    let kept = KeptAnswer {
        status: parts.status.as_u16(),
        body: bytes.to_vec(),
        request: Some(fingerprint),
    };
    let _ = tokio::task::spawn_blocking(move || app.remember(&user, &key, &kept)).await;
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The SHA-256 of a request's method, path (with its query) and body: what an
/// `Idempotency-Key` is bound to.
fn request_hash(parts: &axum::http::request::Parts, body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str().as_bytes());
    hash.update([0]);
    let target = parts.uri.path_and_query().map_or("", |p| p.as_str());
    hash.update(target.as_bytes());
    hash.update([0]);
    hash.update(body);
    hash.finalize().to_vec()
}

/// The client's address for the sign-in limit: the connection's, or behind a trusted proxy
/// (`--trust-proxy`) the last hop of `X-Forwarded-For`, which that proxy appended (the hops
/// before it are whatever the client wrote). No usable header falls back to the connection.
fn client_address(
    headers: &HeaderMap,
    connection: std::net::IpAddr,
    trust_proxy: bool,
) -> std::net::IpAddr {
    if !trust_proxy {
        return connection;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|hop| hop.trim().parse().ok())
        .unwrap_or(connection)
}

/// A JSON body read in the API's terms: too large is 413, unreadable is 400 naming the field.
pub struct Body<T>(pub T);

/// The field a serde error names (`missing field `user``), else the body as a whole.
fn field_of(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let mut parts = text.split('`');
    match (parts.next(), parts.next()) {
        (Some(_), Some(field)) if !field.is_empty() && field.len() < 64 => field.to_string(),
        _ => "body".to_string(),
    }
}

fn malformed(field: String) -> StoreError {
    StoreError::invalid(field, Problem::Malformed)
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let lang = lang_of(req.headers());
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let err = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                StoreError::TooLarge
            } else {
                malformed("body".into())
            };
            error_response(err, lang)
        })?;
        serde_json::from_slice(&bytes)
            .map(Body)
            .map_err(|e| error_response(malformed(field_of(&e)), lang))
    }
}

/// Runs `f` on the store of the caller's session, in a blocking task.
async fn call<T, F>(app: Arc<Sessions>, headers: HeaderMap, f: F) -> Response
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut dyn Store) -> Result<T, StoreError> + Send + 'static,
{
    let lang = lang_of(&headers);
    let token = bearer(&headers);
    let done = tokio::task::spawn_blocking(move || {
        let token = token.ok_or((StoreError::SessionEnded, None))?;
        let live = app.find(&token).map_err(|e| (e, None))?;
        let mut store = live
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let user = Some(live.user.clone());
        match f(store.as_mut()) {
            Ok(value) => Ok((value, user)),
            Err(e) => Err((e, user)),
        }
    })
    .await;
    let (mut response, user) = match done {
        Ok(Ok((value, user))) => (Json(value).into_response(), user),
        Ok(Err((err, user))) => (error_response(err, lang), user),
        Err(_) => (error_response(StoreError::Backend, lang), None),
    };
    if let Some(user) = user {
        response.extensions_mut().insert(SessionUser(user));
    }
    response
}

/// A query string read in the API's terms: one that does not parse answers like a bad body.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Params(v))
            .map_err(|_| error_response(malformed("query".into()), lang_of(&parts.headers)))
    }
}

/// Path parameters read in the API's terms: one that does not parse (a record number that is
/// not a number) answers like a bad body, naming the path.
pub struct Segments<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Segments<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Segments(v))
            .map_err(|_| error_response(malformed("path".into()), lang_of(&parts.headers)))
    }
}

fn kind_of(text: &str) -> Result<Kind, StoreError> {
    match text {
        "guests" => Ok(Kind::Guests),
        "preferences" => Ok(Kind::Preferences),
        "stays" => Ok(Kind::Stays),
        "feedback" => Ok(Kind::Feedback),
        _ => Err(malformed("kind".into())),
    }
}

const OK: Ok = Ok { ok: true };

#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Ok)), security(()))]
pub async fn healthz() -> Json<Ok> {
    Json(OK)
}

async fn no_route(headers: HeaderMap) -> Response {
    let err = malformed("path".into());
    let mut response = error_response(err, lang_of(&headers));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest, responses((status = 200, body = LoginResponse), (status = 401, description = "Wrong password", body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, description = "Rate-limited; see Retry-After", body = ErrorBody)), security(()))]
pub async fn login(
    State(app): App,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(req): Body<LoginRequest>,
) -> Response {
    let lang = lang_of(&headers);
    let who = Credentials {
        user: req.user,
        password: req.password,
    };
    let from = client_address(&headers, from.ip(), app.config().trust_proxy);
    let done = tokio::task::spawn_blocking(move || app.login(&who, from)).await;
    match done {
        Ok(Ok(begun)) => Json(LoginResponse {
            token: begun.token,
            expires_at: begun.expires_at,
            role: begun.principal.role,
            principal: begun.principal,
        })
        .into_response(),
        Ok(Err(err)) => error_response(err, lang),
        Err(_) => error_response(StoreError::Backend, lang),
    }
}

#[utoipa::path(post, path = "/api/v1/logout", responses((status = 200, body = Ok), (status = 401, body = ErrorBody)))]
pub async fn logout(State(app): App, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let token = bearer(&headers);
    let done =
        tokio::task::spawn_blocking(move || app.logout(&token.ok_or(StoreError::SessionEnded)?))
            .await;
    match done {
        Ok(Ok(())) => Json(OK).into_response(),
        Ok(Err(err)) => error_response(err, lang),
        Err(_) => error_response(StoreError::Backend, lang),
    }
}

#[utoipa::path(get, path = "/api/v1/session", responses((status = 200, body = Principal), (status = 401, body = ErrorBody)))]
pub async fn session(State(app): App, headers: HeaderMap) -> Response {
    call(app, headers, |s| Ok(s.principal().clone())).await
}

#[utoipa::path(get, path = "/api/v1/settings", responses((status = 200, body = Settings), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn settings(State(app): App, headers: HeaderMap) -> Response {
    call(app, headers, |s| s.settings()).await
}

#[utoipa::path(put, path = "/api/v1/settings", request_body = Settings, responses((status = 200, body = Settings), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn set_settings(
    State(app): App,
    headers: HeaderMap,
    Body(v): Body<Settings>,
) -> Response {
    call(app, headers, move |s| s.set_settings(&v)).await
}

#[utoipa::path(get, path = "/api/v1/guests", params(SearchParams), responses((status = 200, body = Vec<SearchHit>), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn search(
    State(app): App,
    headers: HeaderMap,
    Params(p): Params<SearchParams>,
) -> Response {
    call(app, headers, move |s| {
        s.search_on(&p.q, p.limit.unwrap_or(20), p.today)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/guests/{id}", params(("id" = String, Path, description = "Guest id")), responses((status = 200, body = Profile), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn profile(
    State(app): App,
    headers: HeaderMap,
    Segments(id): Segments<String>,
) -> Response {
    call(app, headers, move |s| s.profile(&GuestId(id))).await
}

#[utoipa::path(post, path = "/api/v1/guests", request_body = NewGuestRequest, responses((status = 200, body = Guest), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn add_guest(
    State(app): App,
    headers: HeaderMap,
    Body(req): Body<NewGuestRequest>,
) -> Response {
    call(app, headers, move |s| s.add_guest(req.id, &req.patch)).await
}

/// The version an edit read: the body's, else `If-Match`.
fn if_match(headers: &HeaderMap) -> Option<i64> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?;
    v.trim().trim_matches('"').parse().ok()
}

#[utoipa::path(patch, path = "/api/v1/guests/{id}", params(("id" = String, Path, description = "Guest id"), ("If-Match" = Option<i64>, Header, description = "The version read")), request_body = EditGuestRequest, responses((status = 200, body = Guest), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn update_guest(
    State(app): App,
    headers: HeaderMap,
    Segments(id): Segments<String>,
    Body(req): Body<EditGuestRequest>,
) -> Response {
    let version = req.version.or_else(|| if_match(&headers));
    call(app, headers, move |s| {
        s.update_guest(&GuestId(id), &req.patch, version)
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/guests/{id}/erase", params(("id" = String, Path, description = "Guest id")), responses((status = 200, body = Ok), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn erase(
    State(app): App,
    headers: HeaderMap,
    Segments(id): Segments<String>,
) -> Response {
    call(app, headers, move |s| s.erase(&GuestId(id)).map(|()| OK)).await
}

#[utoipa::path(post, path = "/api/v1/guests/{id}/preferences", params(("id" = String, Path, description = "Guest id")), request_body = NewPreference, responses((status = 200, body = Preference), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn add_preference(
    State(app): App,
    headers: HeaderMap,
    Segments(id): Segments<String>,
    Body(mut pref): Body<NewPreference>,
) -> Response {
    // The path names the guest; who observed it and for which department are the session's
    // (the store records them), and it was observed when the server took it: a client can
    // neither backdate an observation nor date it ahead, where it would stay "newest".
    pref.guest_id = GuestId(id);
    pref.observed_by = None;
    pref.source = None;
    pref.observed_at = chrono::Utc::now();
    call(app, headers, move |s| s.add_preference(pref)).await
}

#[utoipa::path(delete, path = "/api/v1/guests/{id}/preferences/{number}", params(("id" = String, Path, description = "Guest id"), ("number" = i64, Path, description = "Record number")), responses((status = 200, body = Ok), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn retire_preference(
    State(app): App,
    headers: HeaderMap,
    Segments((id, number)): Segments<(String, i64)>,
) -> Response {
    call(app, headers, move |s| {
        s.retire_preference(&GuestId(id), number).map(|()| OK)
    })
    .await
}

#[utoipa::path(put, path = "/api/v1/guests/{id}/preferences/{number}/note", params(("id" = String, Path, description = "Guest id"), ("number" = i64, Path, description = "Record number")), request_body = NoteRequest, responses((status = 200, body = Preference), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn note_preference(
    State(app): App,
    headers: HeaderMap,
    Segments((id, number)): Segments<(String, i64)>,
    Body(req): Body<NoteRequest>,
) -> Response {
    call(app, headers, move |s| {
        s.note_preference(&GuestId(id), number, &req.note)
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/feedback", request_body = NewFeedback, responses((status = 200, body = Feedback), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn add_feedback(
    State(app): App,
    headers: HeaderMap,
    Body(feedback): Body<NewFeedback>,
) -> Response {
    call(app, headers, move |s| s.add_feedback(feedback)).await
}

#[utoipa::path(post, path = "/api/v1/feedback/{number}/resolve", params(("number" = i64, Path, description = "Record number")), request_body = ResolveRequest, responses((status = 200, body = Feedback), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn resolve_feedback(
    State(app): App,
    headers: HeaderMap,
    Segments(number): Segments<i64>,
    Body(req): Body<ResolveRequest>,
) -> Response {
    call(app, headers, move |s| {
        s.resolve_feedback(number, &req.resolution)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/board", params(BoardParams), responses((status = 200, body = Board), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn board(
    State(app): App,
    headers: HeaderMap,
    Params(p): Params<BoardParams>,
) -> Response {
    call(app, headers, move |s| s.board(p.date, p.vip_only)).await
}

#[utoipa::path(get, path = "/api/v1/reports/vip", params(DateParams), responses((status = 200, body = VipSheet), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn vip_sheet(
    State(app): App,
    headers: HeaderMap,
    Params(p): Params<DateParams>,
) -> Response {
    call(app, headers, move |s| s.vip_sheet(p.date)).await
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses((status = 200, body = Vec<AuditEntry>), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn audit(State(app): App, headers: HeaderMap, Params(q): Params<AuditQuery>) -> Response {
    call(app, headers, move |s| s.audit(&q)).await
}

#[utoipa::path(get, path = "/api/v1/flagged", responses((status = 200, body = Vec<Guest>), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn flagged(State(app): App, headers: HeaderMap) -> Response {
    call(app, headers, move |s| s.flagged()).await
}

#[utoipa::path(post, path = "/api/v1/import/{kind}", params(("kind" = String, Path, description = "guests, preferences, stays or feedback")), request_body = ImportRequest, responses((status = 200, body = ImportOutcome), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn import(
    State(app): App,
    headers: HeaderMap,
    Segments(kind): Segments<String>,
    Body(req): Body<ImportRequest>,
) -> Response {
    call(app, headers, move |s| {
        let kind = kind_of(&kind)?;
        let mut rows = req.rows.into_iter().map(|row| ImportRow {
            line: row.line,
            item: match (row.item, row.problem) {
                (Some(item), _) => Ok(item),
                (None, Some(problem)) => Err(problem),
                (None, None) => Err(crate::store::RowProblem {
                    column: "row".into(),
                    reason: Problem::Malformed.text_in(crate::i18n::Lang::En),
                }),
            },
        });
        s.import(kind, &mut rows, req.bad.into())
            .map(ImportOutcome::from)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/export/{kind}", params(("kind" = String, Path, description = "guests, preferences, stays or feedback")), responses((status = 200, body = Vec<ImportItem>), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn export(
    State(app): App,
    headers: HeaderMap,
    Segments(kind): Segments<String>,
) -> Response {
    call(app, headers, move |s| {
        let kind = kind_of(&kind)?;
        let mut items: Vec<ImportItem> = Vec::new();
        s.export(kind, &mut |item| {
            items.push(item);
            Ok(())
        })?;
        Ok(items)
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/merge", request_body = MergeRequest, responses((status = 200, body = Profile), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn merge(State(app): App, headers: HeaderMap, Body(req): Body<MergeRequest>) -> Response {
    call(app, headers, move |s| s.merge(&req.keep, &req.other)).await
}

#[utoipa::path(get, path = "/api/v1/accounts", responses((status = 200, body = Vec<Account>), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn accounts(State(app): App, headers: HeaderMap) -> Response {
    call(app, headers, |s| s.accounts()).await
}

#[utoipa::path(post, path = "/api/v1/accounts", request_body = NewAccount, responses((status = 200, body = Account), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn add_account(
    State(app): App,
    headers: HeaderMap,
    Body(req): Body<NewAccount>,
) -> Response {
    call(app, headers, move |s| s.add_account(&req)).await
}

#[utoipa::path(patch, path = "/api/v1/accounts/{user}", params(("user" = String, Path)), request_body = AccountChange, responses((status = 200, body = Account), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn change_account(
    State(app): App,
    headers: HeaderMap,
    Segments(user): Segments<String>,
    Body(change): Body<AccountChange>,
) -> Response {
    call(app, headers, move |s| s.change_account(&user, &change)).await
}

#[utoipa::path(get, path = "/api/v1/check", responses((status = 200, body = CheckReport), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn check(State(app): App, headers: HeaderMap) -> Response {
    call(app, headers, |s| s.check()).await
}

#[utoipa::path(post, path = "/api/v1/sample/shift", request_body = ShiftRequest, responses((status = 200, body = Ok), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 409, description = "Stale edit: who changed it and when", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn shift_sample_dates(
    State(app): App,
    headers: HeaderMap,
    Body(req): Body<ShiftRequest>,
) -> Response {
    call(app, headers, move |s| {
        s.shift_sample_dates(req.days).map(|()| OK)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/data_version", responses((status = 200, body = DataVersion), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn data_version(State(app): App, headers: HeaderMap) -> Response {
    call(app, headers, |s| {
        s.data_version().map(|version| DataVersion { version })
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/guests/{id}/reveal", params(("id" = String, Path, description = "Guest id")), request_body = RevealRequest, responses((status = 200, description = "The guest with the field in full; the reveal is audited", body = Guest), (status = 400, description = "Bad input, or a field the role may not reveal", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn reveal(
    State(app): App,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(req): Body<RevealRequest>,
) -> Response {
    call(app, headers, move |s| {
        s.reveal(&GuestId(id), req.field, &req.reason)
    })
    .await
}
#[utoipa::path(get, path = "/api/v1/dupes", params(DupesParams), responses((status = 200, body = Vec<DupePair>), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn dupes(
    State(app): App,
    headers: HeaderMap,
    Params(p): Params<DupesParams>,
) -> Response {
    call(app, headers, move |s| s.dupes(p.limit.unwrap_or(50))).await
}

#[utoipa::path(get, path = "/api/v1/guests/{id}/dupes", params(("id" = String, Path, description = "Guest id")), responses((status = 200, body = Vec<DupePair>), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn dupes_of(State(app): App, headers: HeaderMap, Path(id): Path<String>) -> Response {
    call(app, headers, move |s| s.dupes_of(&GuestId(id))).await
}

#[utoipa::path(post, path = "/api/v1/dupes/never", request_body = NeverRequest, responses((status = 200, body = Ok), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn never_dupes(
    State(app): App,
    headers: HeaderMap,
    Body(req): Body<NeverRequest>,
) -> Response {
    call(app, headers, move |s| {
        s.never_dupes(&req.a, &req.b).map(|()| OK)
    })
    .await
}
#[utoipa::path(post, path = "/api/v1/guests/{id}/erasure", params(("id" = String, Path, description = "Guest id")), request_body = EraseRequest, responses((status = 200, body = DestructionCounts), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn erase_because(
    State(app): App,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(req): Body<EraseRequest>,
) -> Response {
    call(app, headers, move |s| {
        s.erase_because(&GuestId(id), req.note.as_deref())
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/guests/{id}/record", params(("id" = String, Path, description = "Guest id")), responses((status = 200, body = GuestRecord), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 404, description = "Unknown id", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn export_guest(State(app): App, headers: HeaderMap, Path(id): Path<String>) -> Response {
    call(app, headers, move |s| s.export_guest(&GuestId(id))).await
}

#[utoipa::path(post, path = "/api/v1/purge", request_body = PurgeRequest, responses((status = 200, body = PurgeReport), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 413, description = "Body too large", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn purge(State(app): App, headers: HeaderMap, Body(req): Body<PurgeRequest>) -> Response {
    call(app, headers, move |s| s.purge(req.date, req.dry_run)).await
}

#[utoipa::path(get, path = "/api/v1/destructions", responses((status = 200, body = Vec<Destruction>), (status = 400, description = "Bad input", body = ErrorBody), (status = 401, description = "No session", body = ErrorBody), (status = 403, description = "The role may not", body = ErrorBody), (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub async fn destructions(State(app): App, headers: HeaderMap) -> Response {
    call(app, headers, |s| s.destructions()).await
}
