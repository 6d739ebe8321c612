//! The [`Store`] trait over HTTP: every call is one request to a guestbook server
//! (`guestbook serve`), answered with the shapes of `model.rs`; an error comes back as the
//! same structured [`StoreError`] the server's store raised, so a front end cannot tell a
//! remote store from a file except by speed.
//!
//! The client is blocking (ureq): the TUI worker and the CLI are plain threads, and a
//! blocking client needs no async runtime on the terminals.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::{Method, Request, StatusCode};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use super::wire::*;
use super::{
    AccountChange, BadRows, Credentials, ImportItem, ImportReport, ImportRow, Kind, NewAccount,
    Principal, Store, StoreError,
};
use crate::model::*;
use crate::server::tls::TlsFileError;

/// The largest answer read (a whole export travels as one).
const MAX_ANSWER_BYTES: u64 = 1 << 30;
/// Waits before each retry of a call that found the server unreachable or unavailable.
const READ_RETRIES: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(300),
    Duration::from_millis(900),
];

/// A session on a guestbook server.
pub struct RemoteStore {
    agent: ureq::Agent,
    /// The base URL, without a trailing slash.
    base: String,
    token: String,
    principal: Principal,
}

fn kind_path(kind: Kind) -> &'static str {
    match kind {
        Kind::Guests => "guests",
        Kind::Preferences => "preferences",
        Kind::Stays => "stays",
        Kind::Feedback => "feedback",
    }
}

/// Percent-encodes one path segment or query value (guest ids, user names and queries are
/// free text): every byte but the URL's unreserved characters as `%XX`.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether `url` is plain `http://` to a host other than this machine (`localhost`,
/// 127.0.0.0/8, `::1`): what is sent there (a password, the session token, guest data)
/// crosses the network unencrypted. Names other than `localhost` are not resolved: a name
/// may point anywhere.
pub fn plain_http_off_loopback(url: &str) -> bool {
    let Ok(uri) = url.trim().parse::<ureq::http::Uri>() else {
        return false;
    };
    if !uri
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("http"))
    {
        return false;
    }
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    !(host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()))
}

/// The CA certificates in the PEM file at `path` (a hotel's own CA, for `--ca`); refused
/// with a sentence naming the file when it is missing, unreadable or holds none.
pub fn ca_certificates(path: &Path) -> Result<Vec<Certificate<'static>>, TlsFileError> {
    let pem = std::fs::read(path).map_err(|e| TlsFileError::Unreadable {
        file: path.to_path_buf(),
        reason: crate::i18n::io_reason(&e),
    })?;
    let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(Ok(cert)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()
        .map_err(|_| TlsFileError::NoCa {
            file: path.to_path_buf(),
        })?;
    if certs.is_empty() {
        return Err(TlsFileError::NoCa {
            file: path.to_path_buf(),
        });
    }
    Ok(certs)
}

/// The client: certificates are verified against `ca` when given, else the public web roots.
fn agent(ca: Option<Vec<Certificate<'static>>>) -> ureq::Agent {
    let roots = match ca {
        Some(certs) => RootCerts::Specific(Arc::new(certs)),
        None => RootCerts::WebPki,
    };
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(300)))
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .build()
        .into()
}

/// Whether `e` is a certificate the client refused (rather than a server not answering).
fn certificate_refused(e: &ureq::Error) -> bool {
    let rustls_error = match e {
        ureq::Error::Rustls(e) => Some(e),
        ureq::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        _ => None,
    };
    matches!(
        rustls_error,
        Some(
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::UnsupportedNameType
        )
    )
}

/// Turns a transport failure into what the front end shows: a certificate that failed
/// verification, or else a server that does not answer.
fn unreachable(e: ureq::Error) -> StoreError {
    super::debug_log(&e);
    if certificate_refused(&e) {
        StoreError::Untrusted
    } else {
        StoreError::Unavailable
    }
}

/// One request, its answer read as `T` or its error rebuilt.
fn exchange<T: DeserializeOwned>(
    agent: &ureq::Agent,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
    idempotency_key: Option<&str>,
) -> Result<T, StoreError> {
    let mut builder = Request::builder()
        .method(method)
        .uri(url)
        .header("Accept", "application/json")
        .header("Accept-Language", crate::i18n::lang_tag());
    if let Some(token) = token {
        builder = builder.header("Authorization", format!("Bearer {token}"));
    }
    if let Some(key) = idempotency_key {
        builder = builder.header("Idempotency-Key", key);
    }
    let answer = match body {
        Some(bytes) => {
            let request = builder
                .header("Content-Type", "application/json")
                .body(bytes)
                .map_err(|_| StoreError::Unavailable)?;
            agent.run(request)
        }
        None => {
            let request = builder.body(()).map_err(|_| StoreError::Unavailable)?;
            agent.run(request)
        }
    };
    let mut answer = answer.map_err(unreachable)?;
    let status = answer.status();
    let text = answer
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_vec()
        .map_err(unreachable)?;
    if status.is_success() {
        return serde_json::from_slice(&text).map_err(|e| {
            super::debug_log(&e);
            StoreError::Backend
        });
    }
    Err(match serde_json::from_slice::<ErrorBody>(&text) {
        Ok(body) => body.reason,
        Err(_) => match status {
            StatusCode::UNAUTHORIZED => StoreError::SessionEnded,
            StatusCode::PAYLOAD_TOO_LARGE => StoreError::TooLarge,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::BAD_GATEWAY => StoreError::Unavailable,
            _ => StoreError::Backend,
        },
    })
}

/// Signs in: a new session for `who`.
fn login(agent: &ureq::Agent, base: &str, who: &Credentials) -> Result<LoginResponse, StoreError> {
    let body = LoginRequest {
        user: who.user.clone(),
        password: who.password.clone(),
    };
    exchange(
        agent,
        Method::POST,
        &format!("{base}/api/v1/login"),
        None,
        Some(serde_json::to_vec(&body).map_err(|_| StoreError::Backend)?),
        None,
    )
}

impl RemoteStore {
    /// Opens the server at `url` with the session `token`, or, without one, signs `who` in;
    /// an `https://` server's certificate is verified against the CA in the PEM file `ca`
    /// when given, else the public web roots. Fails with `Unavailable` when the server does
    /// not answer, `Untrusted` when its certificate fails verification (or `ca` holds no
    /// certificate: check it first with [`ca_certificates`]), `SessionEnded` when the
    /// token's session is over, and the sign-in errors of [`super::open`].
    pub fn open(
        url: &str,
        token: Option<&str>,
        who: &Credentials,
        ca: Option<&Path>,
    ) -> Result<RemoteStore, StoreError> {
        let ca = match ca {
            Some(path) => Some(ca_certificates(path).map_err(|e| {
                super::debug_log(&e);
                StoreError::Untrusted
            })?),
            None => None,
        };
        let agent = agent(ca);
        let base = url.trim_end_matches('/').to_string();
        let (token, principal) = match token {
            Some(token) => {
                let principal: Principal = exchange(
                    &agent,
                    Method::GET,
                    &format!("{base}/api/v1/session"),
                    Some(token),
                    None,
                    None,
                )?;
                (token.to_string(), principal)
            }
            None => {
                let session = login(&agent, &base, who)?;
                (session.token, session.principal)
            }
        };
        Ok(RemoteStore {
            agent,
            base,
            token,
            principal,
        })
    }

    /// The session's token (for `guestbook login` to keep).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Ends the session on the server at once.
    pub fn logout(&mut self) -> Result<(), StoreError> {
        let _: Ok = self.send(Method::POST, "/logout", &())?;
        Ok(())
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// A read: retried with backoff while the server is unreachable or unavailable.
    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, StoreError> {
        let url = self.url(path);
        let mut waits = READ_RETRIES.iter();
        loop {
            match exchange(
                &self.agent,
                Method::GET,
                &url,
                Some(&self.token),
                None,
                None,
            ) {
                Err(StoreError::Unavailable) => match waits.next() {
                    Some(wait) => std::thread::sleep(*wait),
                    None => return Err(StoreError::Unavailable),
                },
                other => return other,
            }
        }
    }

    /// A write, with an idempotency key of its own: retried with backoff while the server is
    /// unreachable or unavailable, and the server answers a retry of a write it already
    /// applied with its first answer, so it is never applied twice.
    fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, StoreError> {
        let bytes = serde_json::to_vec(body).map_err(|_| StoreError::Backend)?;
        let key = idempotency_key();
        let url = self.url(path);
        let mut waits = READ_RETRIES.iter();
        loop {
            let sent = exchange(
                &self.agent,
                method.clone(),
                &url,
                Some(&self.token),
                Some(bytes.clone()),
                Some(&key),
            );
            match sent {
                Err(StoreError::Unavailable) => match waits.next() {
                    Some(wait) => std::thread::sleep(*wait),
                    None => return Err(StoreError::Unavailable),
                },
                other => return other,
            }
        }
    }
}

/// A fresh random key for one write (128 bits, hex).
fn idempotency_key() -> String {
    use rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A query string from pairs, percent-encoded.
fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", segment(v)))
        .collect();
    parts.join("&")
}

impl Store for RemoteStore {
    fn principal(&self) -> &Principal {
        &self.principal
    }

    fn sign_in(&mut self, who: &Credentials) -> Result<Principal, StoreError> {
        let session = login(&self.agent, &self.base, who)?;
        // The terminal's previous session is over: it would otherwise stay valid until idle.
        let _ = self.logout();
        self.token = session.token;
        self.principal = session.principal;
        Ok(self.principal.clone())
    }

    fn settings(&mut self) -> Result<Settings, StoreError> {
        self.get("/settings")
    }

    fn set_settings(&mut self, settings: &Settings) -> Result<Settings, StoreError> {
        self.send(Method::PUT, "/settings", settings)
    }

    fn search_on(
        &mut self,
        query_text: &str,
        limit: usize,
        today: Option<NaiveDate>,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let mut pairs = vec![("q", query_text.to_string()), ("limit", limit.to_string())];
        if let Some(today) = today {
            pairs.push(("today", today.to_string()));
        }
        self.get(&format!("/guests?{}", query(&pairs)))
    }

    fn profile(&mut self, id: &GuestId) -> Result<Profile, StoreError> {
        self.get(&format!("/guests/{}", segment(&id.0)))
    }

    fn add_guest(&mut self, id: Option<GuestId>, patch: &GuestPatch) -> Result<Guest, StoreError> {
        let body = NewGuestRequest {
            id,
            patch: patch.clone(),
        };
        self.send(Method::POST, "/guests", &body)
    }

    fn update_guest(
        &mut self,
        id: &GuestId,
        patch: &GuestPatch,
        if_version: Option<i64>,
    ) -> Result<Guest, StoreError> {
        let body = EditGuestRequest {
            patch: patch.clone(),
            version: if_version,
        };
        self.send(Method::PATCH, &format!("/guests/{}", segment(&id.0)), &body)
    }

    fn add_preference(&mut self, pref: NewPreference) -> Result<Preference, StoreError> {
        let path = format!("/guests/{}/preferences", segment(&pref.guest_id.0));
        self.send(Method::POST, &path, &pref)
    }

    fn retire_preference(&mut self, guest: &GuestId, id: i64) -> Result<(), StoreError> {
        let path = format!("/guests/{}/preferences/{id}", segment(&guest.0));
        let _: Ok = self.send(Method::DELETE, &path, &())?;
        Ok(())
    }

    fn note_preference(
        &mut self,
        guest: &GuestId,
        id: i64,
        note: &str,
    ) -> Result<Preference, StoreError> {
        let path = format!("/guests/{}/preferences/{id}/note", segment(&guest.0));
        let body = NoteRequest {
            note: note.to_string(),
        };
        self.send(Method::PUT, &path, &body)
    }

    fn add_feedback(&mut self, feedback: NewFeedback) -> Result<Feedback, StoreError> {
        self.send(Method::POST, "/feedback", &feedback)
    }

    fn resolve_feedback(&mut self, id: i64, resolution: &str) -> Result<Feedback, StoreError> {
        let body = ResolveRequest {
            resolution: resolution.to_string(),
        };
        self.send(Method::POST, &format!("/feedback/{id}/resolve"), &body)
    }

    fn board(&mut self, date: NaiveDate, vip_only: bool) -> Result<Board, StoreError> {
        let pairs = [
            ("date", date.to_string()),
            ("vip_only", vip_only.to_string()),
        ];
        self.get(&format!("/board?{}", query(&pairs)))
    }

    fn import(
        &mut self,
        kind: Kind,
        rows: &mut dyn Iterator<Item = ImportRow>,
        bad: BadRows,
    ) -> Result<ImportReport, StoreError> {
        let rows = rows
            .map(|row| match row.item {
                Ok(item) => WireRow {
                    line: row.line,
                    item: Some(item),
                    problem: None,
                },
                Err(problem) => WireRow {
                    line: row.line,
                    item: None,
                    problem: Some(problem),
                },
            })
            .collect();
        let body = ImportRequest {
            bad: bad.into(),
            rows,
        };
        let outcome: ImportOutcome =
            self.send(Method::POST, &format!("/import/{}", kind_path(kind)), &body)?;
        Ok(outcome.into())
    }

    fn export(
        &mut self,
        kind: Kind,
        sink: &mut dyn FnMut(ImportItem) -> std::io::Result<()>,
    ) -> Result<u64, StoreError> {
        let items: Vec<ImportItem> = self.get(&format!("/export/{}", kind_path(kind)))?;
        let mut count = 0;
        for item in items {
            sink(item).map_err(|e| {
                super::debug_log(&e);
                StoreError::Backend
            })?;
            count += 1;
        }
        Ok(count)
    }

    fn merge(&mut self, keep: &GuestId, other: &GuestId) -> Result<Profile, StoreError> {
        let body = MergeRequest {
            keep: keep.clone(),
            other: other.clone(),
        };
        self.send(Method::POST, "/merge", &body)
    }

    fn erase(&mut self, id: &GuestId) -> Result<(), StoreError> {
        let _: Ok = self.send(
            Method::POST,
            &format!("/guests/{}/erase", segment(&id.0)),
            &(),
        )?;
        Ok(())
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        self.get("/accounts")
    }

    fn add_account(&mut self, account: &NewAccount) -> Result<Account, StoreError> {
        self.send(Method::POST, "/accounts", account)
    }

    fn change_account(
        &mut self,
        user: &str,
        change: &AccountChange,
    ) -> Result<Account, StoreError> {
        self.send(
            Method::PATCH,
            &format!("/accounts/{}", segment(user)),
            change,
        )
    }

    fn check(&mut self) -> Result<CheckReport, StoreError> {
        self.get("/check")
    }

    fn audit(&mut self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let mut pairs = Vec::new();
        pairs.extend(q.guest.as_ref().map(|g| ("guest", g.0.clone())));
        pairs.extend(q.by.clone().map(|u| ("by", u)));
        pairs.extend(q.since.map(|d| ("since", d.to_string())));
        pairs.extend(q.limit.map(|n| ("limit", n.to_string())));
        self.get(&format!("/audit?{}", query(&pairs)))
    }

    fn flagged(&mut self) -> Result<Vec<Guest>, StoreError> {
        self.get("/flagged")
    }

    fn vip_sheet(&mut self, date: NaiveDate) -> Result<VipSheet, StoreError> {
        self.get(&format!(
            "/reports/vip?{}",
            query(&[("date", date.to_string())])
        ))
    }

    /// A backup is a copy of the server's file: it is made on the server's host.
    fn backup(&mut self, _to: &std::path::Path) -> Result<BackupSummary, StoreError> {
        Err(StoreError::OnServerHostOnly)
    }

    fn restore(
        &mut self,
        _from: &std::path::Path,
        _force: bool,
    ) -> Result<BackupSummary, StoreError> {
        Err(StoreError::OnServerHostOnly)
    }

    fn shift_sample_dates(&mut self, days: i64) -> Result<(), StoreError> {
        let _: Ok = self.send(Method::POST, "/sample/shift", &ShiftRequest { days })?;
        Ok(())
    }

    fn data_version(&mut self) -> Result<u64, StoreError> {
        let v: DataVersion = self.get("/data_version")?;
        Ok(v.version)
    }

    fn reveal(
        &mut self,
        id: &GuestId,
        field: GuestField,
        reason: &str,
    ) -> Result<Guest, StoreError> {
        let body = RevealRequest {
            field,
            reason: reason.to_string(),
        };
        self.send(
            Method::POST,
            &format!("/guests/{}/reveal", segment(&id.0)),
            &body,
        )
    }
    fn dupes(&mut self, limit: usize) -> Result<Vec<DupePair>, StoreError> {
        self.get(&format!(
            "/dupes?{}",
            query(&[("limit", limit.to_string())])
        ))
    }

    fn dupes_of(&mut self, id: &GuestId) -> Result<Vec<DupePair>, StoreError> {
        self.get(&format!("/guests/{}/dupes", segment(&id.0)))
    }

    fn never_dupes(&mut self, a: &GuestId, b: &GuestId) -> Result<(), StoreError> {
        let body = NeverRequest {
            a: a.clone(),
            b: b.clone(),
        };
        let _: Ok = self.send(Method::POST, "/dupes/never", &body)?;
        Ok(())
    }

    fn erase_because(
        &mut self,
        id: &GuestId,
        note: Option<&str>,
    ) -> Result<DestructionCounts, StoreError> {
        let body = EraseRequest {
            note: note.map(String::from),
        };
        self.send(
            Method::POST,
            &format!("/guests/{}/erasure", segment(&id.0)),
            &body,
        )
    }

    fn purge(&mut self, today: NaiveDate, dry_run: bool) -> Result<PurgeReport, StoreError> {
        let body = PurgeRequest {
            date: today,
            dry_run,
        };
        self.send(Method::POST, "/purge", &body)
    }

    fn destructions(&mut self) -> Result<Vec<Destruction>, StoreError> {
        self.get("/destructions")
    }

    fn export_guest(&mut self, id: &GuestId) -> Result<GuestRecord, StoreError> {
        self.get(&format!("/guests/{}/record", segment(&id.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::plain_http_off_loopback;

    #[test]
    fn plain_http_is_unencrypted_only_off_this_machine() {
        for url in [
            "http://10.0.0.5:8731",
            "http://hotel-server:8731/",
            "HTTP://192.168.1.20",
            "http://[2001:db8::1]:8731",
        ] {
            assert!(plain_http_off_loopback(url), "{url}");
        }
        for url in [
            "http://127.0.0.1:8731",
            "http://127.9.9.9:8731",
            "http://localhost:8731",
            "http://LOCALHOST",
            "http://[::1]:8731",
            "https://10.0.0.5:8731",
            "https://hotel-server",
        ] {
            assert!(!plain_http_off_loopback(url), "{url}");
        }
    }
}
