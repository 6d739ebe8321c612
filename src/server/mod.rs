//! `guestbook serve`: the [`Store`] trait as a JSON API under `/api/v1` (axum on tokio), for
//! terminals on other machines (`--remote URL`). Every call runs on the store of the caller's
//! session, so the role that decides what it may do and see is the session's, never one sent
//! in a request; errors leave as one sentence in the caller's language plus the structured
//! [`StoreError`], so a remote store rebuilds exactly the error a file would have given.

mod api;
mod limit;
mod openapi;
mod sessions;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::store::StoreError;
pub use sessions::Sessions;

/// The server's clock (injectable, so tests move time instead of waiting).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How the server treats sessions and requests.
#[derive(Clone)]
pub struct ServerConfig {
    /// A session ends this long after its last request (default 30 minutes).
    pub idle: chrono::Duration,
    /// A session ends this long after sign-in, however busy (default 12 hours).
    pub absolute: chrono::Duration,
    /// Every sign-in needs the account's password, whatever the hotel's setting (default on;
    /// off only for tests and single-host installs that mirror a file's behaviour).
    pub require_password: bool,
    /// The largest request body in bytes, except imports (default 1 MiB).
    pub body_limit: usize,
    /// The largest import body in bytes (default 256 MiB).
    pub import_limit: usize,
    /// Failed sign-ins allowed per account in a `login_window` (default 5) ...
    pub login_failures_per_user: u32,
    /// ... and per client address (default 20), before 429 with `Retry-After`.
    pub login_failures_per_address: u32,
    /// The window failed sign-ins are counted in (default 15 minutes).
    pub login_window: chrono::Duration,
    /// Behind a reverse proxy every connection comes from the proxy: when set, the client's
    /// address (for the per-address sign-in limit) is the last hop of `X-Forwarded-For`,
    /// the one the proxy itself added (default off: a client could write any address there).
    pub trust_proxy: bool,
    pub clock: Clock,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            idle: chrono::Duration::minutes(30),
            absolute: chrono::Duration::hours(12),
            require_password: true,
            body_limit: 1 << 20,
            import_limit: 256 << 20,
            login_failures_per_user: 5,
            login_failures_per_address: 20,
            login_window: chrono::Duration::minutes(15),
            trust_proxy: false,
            clock: Arc::new(Utc::now),
        }
    }
}

/// The API's router over the database at `db`, which must exist (a store is opened on it
/// first, which also brings an older file up to date).
pub fn router(db: PathBuf, config: ServerConfig) -> Result<axum::Router, StoreError> {
    let opts = crate::store::OpenOptions::default();
    let who = crate::store::Credentials {
        user: "guestbook-server".into(),
        password: None,
    };
    // Opening runs the migrations; who opens does not matter, so a refused user is fine.
    match crate::store::open(
        &crate::store::Target::File(db.clone()),
        &who,
        opts,
        &mut |_| {},
    ) {
        Ok(_)
        | Err(
            StoreError::UnknownUser { .. }
            | StoreError::SignInRequired { .. }
            | StoreError::NoPasswordSet { .. },
        ) => {}
        Err(e) => return Err(e),
    }
    let sessions = Arc::new(Sessions::open(db, config)?);
    Ok(api::routes(sessions))
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Serves `router` over HTTPS with `tls` (see [`tls::server_config`]) on `listener` until
/// `shutdown` completes, then finishes the requests in flight, as [`serve`] does over plain
/// HTTP. Handshakes run concurrently and each must finish within 10 seconds.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    tls: Arc<rustls::ServerConfig>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = axum_server::Handle::<SocketAddr>::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        // No deadline: the requests in flight finish, idle connections close at once.
        stopper.graceful_shutdown(None);
    });
    let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(
        axum_server::tls_rustls::RustlsConfig::from_config(tls),
    )
    .handshake_timeout(std::time::Duration::from_secs(10));
    axum_server::Server::<SocketAddr>::from_listener(listener)
        .acceptor(acceptor)
        .handle(handle)
        .http1_only()
        .serve(router.into_make_service_with_connect_info::<SocketAddr>())
        .await
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn terminated() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
