//! `guestbook serve` as a client meets it over HTTP on loopback: sessions (401 without one,
//! logout, idle and absolute expiry on an injected clock, a restart), roles enforced from the
//! session whatever a body says, ids that answer 404 alike, the body limit, the sign-in rate
//! limit and the fixed routes of api.md. What every store call does is the contract suite's.

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use guestbook::model::{Guest, GuestId, Role};
use guestbook::server::ServerConfig;
use guestbook::store::{self, ImportItem, Kind, NewAccount};
use serde_json::{json, Value};

/// A server's clock, moved by hand: seconds after 2026-06-15 08:00 UTC.
#[derive(Clone, Default)]
struct Clock(Arc<AtomicI64>);

impl Clock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(1_781_510_400 + self.0.load(Ordering::SeqCst), 0).unwrap()
    }
    fn advance_minutes(&self, minutes: i64) {
        self.0.fetch_add(minutes * 60, Ordering::SeqCst);
    }
}

const PASSWORD: &str = "longjing-22";

/// A hotel with one guest (G1) and an account per role, each with the password above.
fn hotel(path: &Path) {
    let mut s = store::open_file(path, "admin").unwrap();
    for (user, role) in [
        ("admin", Role::Admin),
        ("agent", Role::Agent),
        ("hk", Role::Housekeeping),
        ("fo", Role::FrontOffice),
        ("manager", Role::Manager),
    ] {
        s.add_account(&NewAccount {
            user: user.into(),
            role,
            department: None,
            password: Some(PASSWORD.into()),
        })
        .unwrap();
    }
    let g = Guest::new(GuestId::from("G1"), "张伟");
    common::import(&mut s, Kind::Guests, vec![ImportItem::Guest(g)]);
}

/// A server on 127.0.0.1 over the database at `path`, on `clock`; its URL.
fn serve(path: &Path, clock: &Clock) -> String {
    let clock = clock.clone();
    let config = ServerConfig {
        clock: Arc::new(move || clock.now()),
        ..Default::default()
    };
    let router = guestbook::server::router(path.to_path_buf(), config).expect("the server starts");
    let listener = common::runtime()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    common::runtime().spawn(guestbook::server::serve(
        listener,
        router,
        std::future::pending(),
    ));
    url
}

/// A fresh hotel behind its own server.
struct Hotel {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    url: String,
    clock: Clock,
}

fn start() -> Hotel {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    hotel(&path);
    let clock = Clock::default();
    let url = serve(&path, &clock);
    Hotel {
        _dir: dir,
        path,
        url,
        clock,
    }
}

/// The hotel most tests share (their sessions are their own; nobody moves its clock).
fn shared() -> &'static Hotel {
    static HOTEL: OnceLock<Hotel> = OnceLock::new();
    HOTEL.get_or_init(start)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// One request: its status and JSON answer.
fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    lang: &str,
    body: Option<Vec<u8>>,
) -> (u16, Value) {
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Accept-Language", lang);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let answer = match body {
        Some(body) => agent().run(
            request
                .header("Content-Type", "application/json")
                .body(body)
                .unwrap(),
        ),
        None => agent().run(request.body(()).unwrap()),
    };
    let mut answer = answer.expect("the server answers");
    let status = answer.status().as_u16();
    let text = answer.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A PUT written on a plain socket: a server that refuses a body before reading it may close
/// the connection while a client is still writing, which a client library reports as a
/// broken pipe instead of the answer.
fn raw_put(hotel: &Hotel, path: &str, token: &str, body: &str) -> (u16, Value) {
    use std::io::{Read, Write};
    let addr = hotel.url.trim_start_matches("http://");
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = socket.write_all(head.as_bytes());
    let _ = socket.write_all(body.as_bytes());
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text[9..12].parse().unwrap();
    let json = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

fn get(hotel: &Hotel, path: &str, token: &str) -> (u16, Value) {
    call(
        "GET",
        &format!("{}{path}", hotel.url),
        Some(token),
        "en",
        None,
    )
}

fn send(hotel: &Hotel, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
    let body = serde_json::to_vec(&body).unwrap();
    call(
        method,
        &format!("{}{path}", hotel.url),
        Some(token),
        "en",
        Some(body),
    )
}

fn login_as(hotel: &Hotel, body: Value) -> (u16, Value) {
    let body = serde_json::to_vec(&body).unwrap();
    call(
        "POST",
        &format!("{}/api/v1/login", hotel.url),
        None,
        "en",
        Some(body),
    )
}

/// Signs `user` in with the right password; the token.
fn login(hotel: &Hotel, user: &str) -> String {
    let (status, answer) = login_as(hotel, json!({"user": user, "password": PASSWORD}));
    assert_eq!(status, 200, "{answer}");
    answer["token"].as_str().unwrap().to_string()
}

#[test]
fn health_and_the_openapi_document_need_no_session_and_the_api_does() {
    let hotel = shared();
    let (status, answer) = call("GET", &format!("{}/healthz", hotel.url), None, "en", None);
    assert_eq!((status, answer), (200, json!({"ok": true})));
    let (status, doc) = call(
        "GET",
        &format!("{}/openapi.json", hotel.url),
        None,
        "en",
        None,
    );
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{doc}");
    // The fixed routes of api.md, each described with its method.
    for (path, method) in [
        ("/api/v1/login", "post"),
        ("/api/v1/logout", "post"),
        ("/api/v1/guests", "get"),
        ("/api/v1/guests/{id}", "get"),
        ("/api/v1/guests/{id}/preferences", "post"),
        ("/api/v1/board", "get"),
        ("/healthz", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    for path in [
        "/api/v1/guests?q=zhang",
        "/api/v1/guests/G1",
        "/api/v1/board?date=2026-06-15",
    ] {
        let (status, answer) = call("GET", &format!("{}{path}", hotel.url), None, "en", None);
        assert_eq!(status, 401, "{path}");
        assert_eq!(answer["reason"], json!({"error": "session_ended"}));
    }
    let (status, _) = get(hotel, "/api/v1/guests?q=zhang", "not-a-token");
    assert_eq!(status, 401);
}

#[test]
fn a_sign_in_answers_token_expiry_and_role_and_a_wrong_password_is_401() {
    let hotel = shared();
    let (status, answer) = login_as(hotel, json!({"user": "fo", "password": PASSWORD}));
    assert_eq!(status, 200);
    // 128 random bits, base64url without padding.
    assert_eq!(answer["token"].as_str().unwrap().len(), 22);
    assert_eq!(answer["role"], "front_office");
    assert!(answer["expires_at"].is_string());
    let (status, answer) = login_as(hotel, json!({"user": "manager", "password": "nope"}));
    assert_eq!(status, 401);
    assert_eq!(answer["error"], "Wrong password for manager.");
    // Whether an account exists is not given away.
    let (status, answer) = login_as(hotel, json!({"user": "nobody", "password": "nope"}));
    assert_eq!(status, 401);
    assert_eq!(answer["reason"]["error"], "wrong_password");
}

/// Someone guessing names learns nothing from the answers: without the right password a
/// disabled account, one without a password and no account at all answer as a wrong
/// password does; a disabled account is named only to whoever gives its password.
#[test]
fn sign_in_answers_tell_a_guesser_nothing_about_accounts() {
    let hotel = start();
    let mut admin = store::open_file(&hotel.path, "admin").unwrap();
    admin
        .change_account("manager", &store::AccountChange::Disable)
        .unwrap();
    admin
        .add_account(&NewAccount {
            user: "nopw".into(),
            role: Role::Agent,
            department: None,
            password: None,
        })
        .unwrap();
    for user in ["manager", "nopw", "nobody", "agent"] {
        let (status, answer) = login_as(&hotel, json!({"user": user, "password": "guess-1"}));
        assert_eq!(status, 401, "{user}");
        assert_eq!(
            answer,
            json!({"error": format!("Wrong password for {user}."),
                   "reason": {"error": "wrong_password", "user": user}}),
            "{user}"
        );
        let (status, answer) = login_as(&hotel, json!({"user": user}));
        assert_eq!(status, 401, "{user}");
        assert_eq!(
            answer["reason"],
            json!({"error": "sign_in_required", "user": user}),
            "{user}"
        );
    }
    let (status, answer) = login_as(&hotel, json!({"user": "manager", "password": PASSWORD}));
    assert_eq!(status, 401);
    assert_eq!(
        answer["reason"],
        json!({"error": "account_disabled", "user": "manager"})
    );
}

#[test]
fn housekeeping_records_a_preference_as_itself_but_may_not_edit_a_profile() {
    let hotel = shared();
    let token = login(hotel, "hk");
    let (status, answer) = send(
        hotel,
        "PATCH",
        "/api/v1/guests/G1",
        &token,
        json!({"patch": {"vip": "V1"}}),
    );
    assert_eq!(status, 403);
    assert_eq!(
        answer["error"],
        "Your role (housekeeping) may not change profiles; ask someone whose role may."
    );
    assert_eq!(answer["reason"]["error"], "forbidden");
    // Who observed it and for which department come from the session, not the body.
    let (status, pref) = send(
        hotel,
        "POST",
        "/api/v1/guests/G1/preferences",
        &token,
        json!({"guest_id": "G1", "category": "pillow", "value": "buckwheat", "note": null,
               "observed_by": "admin", "observed_at": "2026-06-15T08:00:00Z",
               "source": "front_office"}),
    );
    assert_eq!(status, 200, "{pref}");
    assert_eq!(pref["observed_by"], "hk");
    assert_eq!(pref["source"], "housekeeping");
}

#[test]
fn a_role_sent_in_a_body_is_ignored() {
    let hotel = shared();
    let (status, answer) = login_as(
        hotel,
        json!({"user": "agent", "password": PASSWORD, "role": "admin", "principal": {"role": "admin"}}),
    );
    assert_eq!((status, &answer["role"]), (200, &json!("agent")));
    let token = answer["token"].as_str().unwrap();
    let (status, answer) = send(
        hotel,
        "POST",
        "/api/v1/accounts",
        token,
        json!({"user": "mallory", "role": "admin", "department": null, "password": "x", "principal": {"user": "admin", "role": "admin"}}),
    );
    assert_eq!(status, 403, "{answer}");
    let (status, answer) = send(
        hotel,
        "POST",
        "/api/v1/guests/G1/erase",
        token,
        json!({"role": "admin"}),
    );
    assert_eq!(
        (status, &answer["reason"]["error"]),
        (403, &json!("forbidden"))
    );
}

#[test]
fn guessed_ids_answer_404_alike_in_the_callers_language() {
    let hotel = shared();
    let token = login(hotel, "agent");
    let (status, answer) = get(hotel, "/api/v1/guests/G999", &token);
    assert_eq!(status, 404);
    assert_eq!(answer["error"], "No guest with id G999.");
    assert_eq!(
        answer["reason"],
        json!({"error": "not_found", "what": "guest", "id": "G999"})
    );
    let url = format!("{}/api/v1/guests/G998", hotel.url);
    let (status, answer) = call("GET", &url, Some(&token), "zh-CN,zh;q=0.9", None);
    assert_eq!(status, 404);
    assert!(
        answer["error"].as_str().unwrap().contains("G998"),
        "{answer}"
    );
    assert!(!answer["error"].as_str().unwrap().is_ascii(), "{answer}");
}

#[test]
fn a_stale_edit_is_409_naming_who_changed_it() {
    let hotel = shared();
    let fo = login(hotel, "fo");
    let (_, profile) = get(hotel, "/api/v1/guests/G1", &fo);
    let version = profile["version"].as_i64().unwrap();
    let manager = login(hotel, "manager");
    let edit = |token: &str, company: &str| {
        send(
            hotel,
            "PATCH",
            "/api/v1/guests/G1",
            token,
            json!({"patch": {"company": company}, "version": version}),
        )
    };
    assert_eq!(edit(&manager, "Acme").0, 200);
    let (status, answer) = edit(&fo, "Other");
    assert_eq!(status, 409);
    assert_eq!(answer["reason"]["by"], "manager");
    assert!(
        answer["error"].as_str().unwrap().contains("manager"),
        "{answer}"
    );
}

#[test]
fn logout_ends_the_session_at_once() {
    let hotel = shared();
    let token = login(hotel, "agent");
    assert_eq!(get(hotel, "/api/v1/session", &token).0, 200);
    assert_eq!(
        send(hotel, "POST", "/api/v1/logout", &token, json!({})).0,
        200
    );
    let (status, answer) = get(hotel, "/api/v1/guests?q=zhang", &token);
    assert_eq!(
        (status, &answer["reason"]["error"]),
        (401, &json!("session_ended"))
    );
}

#[test]
fn a_body_over_the_limit_is_413_in_the_apis_shape() {
    let hotel = shared();
    let token = login(hotel, "admin");
    // Just over the 1 MiB limit, so the whole request fits the loopback socket's buffers
    // before the server answers without reading it.
    let big = format!("{{\"note\": \"{}\"}}", "x".repeat(1 << 20));
    let (status, answer) = raw_put(hotel, "/api/v1/guests/G1/preferences/1/note", &token, &big);
    assert_eq!(status, 413);
    assert_eq!(answer["reason"], json!({"error": "too_large"}));
    // A body that is not the shape asked for names its field.
    let (status, answer) = send(
        hotel,
        "POST",
        "/api/v1/merge",
        &token,
        json!({"keep": "G1"}),
    );
    assert_eq!(status, 400);
    assert_eq!(answer["reason"]["field"], "other");
}

#[test]
fn sessions_end_after_30_minutes_idle_or_12_hours_however_busy() {
    let hotel = start();
    let idle = login(&hotel, "agent");
    let busy = login(&hotel, "fo");
    for _ in 0..24 {
        hotel.clock.advance_minutes(29);
        assert_eq!(get(&hotel, "/api/v1/session", &busy).0, 200);
    }
    // 11 h 36 min: the idle one has long gone, the busy one is still in.
    assert_eq!(get(&hotel, "/api/v1/session", &idle).0, 401);
    hotel.clock.advance_minutes(20);
    assert_eq!(get(&hotel, "/api/v1/session", &busy).0, 200);
    hotel.clock.advance_minutes(25);
    // 12 h 21 min after sign-in.
    assert_eq!(get(&hotel, "/api/v1/session", &busy).0, 401);
}

#[test]
fn a_session_outlives_a_restart_of_the_server() {
    let hotel = start();
    let token = login(&hotel, "agent");
    let second = serve(&hotel.path, &hotel.clock);
    let url = format!("{second}/api/v1/guests/G1");
    let (status, profile) = call("GET", &url, Some(&token), "en", None);
    assert_eq!((status, &profile["name"]), (200, &json!("张伟")));
}

#[test]
fn sign_ins_are_limited_per_account_with_retry_after() {
    let hotel = start();
    for _ in 0..5 {
        let (status, _) = login_as(&hotel, json!({"user": "manager", "password": "guess"}));
        assert_eq!(status, 401);
    }
    let (status, answer) = login_as(&hotel, json!({"user": "manager", "password": PASSWORD}));
    assert_eq!(status, 429);
    assert_eq!(
        answer["reason"],
        json!({"error": "too_many_attempts", "retry_after": 900})
    );
    // Another account is not locked out by the guesses at this one.
    login(&hotel, "agent");
    hotel.clock.advance_minutes(15);
    login(&hotel, "manager");
}

#[test]
fn a_write_retried_with_its_idempotency_key_is_answered_again_not_applied_twice() {
    let hotel = shared();
    let token = login(hotel, "fo");
    let body = serde_json::to_vec(&json!({"guest_id": "G1", "kind": "praise",
        "text": "remembered my name", "department": null}))
    .unwrap();
    let post = |key: &str| {
        let request = ureq::http::Request::builder()
            .method("POST")
            .uri(format!("{}/api/v1/feedback", hotel.url))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .body(body.clone())
            .unwrap();
        let mut answer = agent().run(request).unwrap();
        let status = answer.status().as_u16();
        let json: Value =
            serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap();
        (status, json)
    };
    let (first_status, first) = post("retry-me-1");
    let (again_status, again) = post("retry-me-1");
    assert_eq!((first_status, again_status), (200, 200));
    assert_eq!(first, again);
    let (_, other) = post("another-write");
    assert_ne!(other["id"], first["id"]);
    let (_, profile) = get(hotel, "/api/v1/guests/G1", &token);
    let praised = profile["feedback"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["text"] == "remembered my name")
        .count();
    assert_eq!(praised, 2);
}

/// A new role, a new password or a disabled account ends the user's sessions at once; a
/// restore ends everyone's (a session ended since the backup would otherwise come back).
#[test]
fn account_changes_and_a_restore_end_sessions() {
    let hotel = start();
    let token = login(&hotel, "fo");
    let other = login(&hotel, "agent");
    let mut admin = store::open_file(&hotel.path, "admin").unwrap();
    admin
        .change_account(
            "fo",
            &guestbook::store::AccountChange::Role(Role::Housekeeping),
        )
        .unwrap();
    let (status, answer) = get(&hotel, "/api/v1/guests?q=zhang", &token);
    assert_eq!(
        (status, &answer["reason"]["error"]),
        (401, &json!("session_ended"))
    );
    assert_eq!(get(&hotel, "/api/v1/session", &other).0, 200);

    let copy = hotel.path.with_file_name("copy.db");
    admin.backup(&copy).unwrap();
    admin.restore(&copy, true).unwrap();
    assert_eq!(get(&hotel, "/api/v1/session", &other).0, 401);
}

/// A session is looked up in the database again only when the database changed; any change
/// made elsewhere still ends it before its next request: a logout on another server process
/// on the same file, an admin disabling the account through this very server.
#[test]
fn a_session_ended_elsewhere_is_refused_on_its_next_request() {
    let hotel = start();
    let other_server = serve(&hotel.path, &hotel.clock);
    let token = login(&hotel, "agent");
    for _ in 0..3 {
        assert_eq!(get(&hotel, "/api/v1/guests?q=zhang", &token).0, 200);
    }
    let logout = format!("{other_server}/api/v1/logout");
    assert_eq!(call("POST", &logout, Some(&token), "en", None).0, 200);
    let (status, answer) = get(&hotel, "/api/v1/guests?q=zhang", &token);
    assert_eq!(
        (status, &answer["reason"]["error"]),
        (401, &json!("session_ended"))
    );

    let fo = login(&hotel, "fo");
    let admin = login(&hotel, "admin");
    assert_eq!(get(&hotel, "/api/v1/guests/G1", &fo).0, 200);
    let (status, _) = send(
        &hotel,
        "PATCH",
        "/api/v1/accounts/fo",
        &admin,
        json!("Disable"),
    );
    assert_eq!(status, 200);
    assert_eq!(get(&hotel, "/api/v1/guests/G1", &fo).0, 401);
    assert_eq!(get(&hotel, "/api/v1/guests/G1", &admin).0, 200);
}

/// A test CA and a server certificate it signed for 127.0.0.1 and localhost, as PEM files
/// in `dir`: (ca, cert, key).
fn test_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Test Hotel CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    let files = (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    );
    std::fs::write(&files.0, ca_cert.pem()).unwrap();
    std::fs::write(&files.1, server_cert.pem()).unwrap();
    std::fs::write(&files.2, server_key.serialize_pem()).unwrap();
    files
}

/// A hotel served over HTTPS on 127.0.0.1 with the test certificates.
struct TlsHotel {
    dir: tempfile::TempDir,
    ca: PathBuf,
    addr: std::net::SocketAddr,
}

impl TlsHotel {
    fn url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.addr.port())
    }
}

fn start_tls() -> TlsHotel {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    hotel(&path);
    let (ca, cert, key) = test_certificates(dir.path());
    let tls = guestbook::server::tls::server_config(&cert, &key).expect("the certificate loads");
    let router = guestbook::server::router(path, ServerConfig::default()).unwrap();
    let listener = common::runtime()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let addr = listener.local_addr().unwrap();
    common::runtime().spawn(guestbook::server::serve_tls(
        listener,
        router,
        tls,
        std::future::pending(),
    ));
    TlsHotel { dir, ca, addr }
}

fn credentials(user: &str) -> store::Credentials {
    store::Credentials {
        user: user.into(),
        password: Some(PASSWORD.into()),
    }
}

#[test]
fn over_https_the_hotels_ca_signs_in_and_searches_and_without_it_the_server_is_refused() {
    let hotel = start_tls();
    for host in ["127.0.0.1", "localhost"] {
        let url = hotel.url(host);
        let mut remote =
            store::remote::RemoteStore::open(&url, None, &credentials("agent"), Some(&hotel.ca))
                .expect("signed in over HTTPS");
        use guestbook::store::Store;
        let hits = remote.search("张伟", 10).expect("a search over HTTPS");
        assert_eq!(hits.first().map(|h| h.id.0.as_str()), Some("G1"));
        // The same store through the front ends' door, Target::Remote.
        let target = store::Target::Remote {
            url: url.clone(),
            token: Some(remote.token().to_string()),
            ca: Some(hotel.ca.clone()),
        };
        let mut again = store::open(
            &target,
            &credentials("agent"),
            Default::default(),
            &mut |_| {},
        )
        .expect("the session reopens over HTTPS");
        assert_eq!(again.search("张伟", 10).unwrap().len(), hits.len());
    }
    // Without the hotel's CA the public roots do not know it: refused at once, not retried.
    let started = std::time::Instant::now();
    let refused = store::remote::RemoteStore::open(
        &hotel.url("127.0.0.1"),
        None,
        &credentials("agent"),
        None,
    )
    .err()
    .expect("an unknown CA is refused");
    assert_eq!(refused, store::StoreError::Untrusted);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let text = refused.text_in(guestbook::i18n::Lang::En, &hotel.url("127.0.0.1"));
    assert!(text.contains("could not be verified"), "{text}");
    assert!(text.contains("--ca"), "{text}");
}

#[test]
fn the_cli_trusts_ca_and_names_an_unverified_certificate_in_one_sentence() {
    let hotel = start_tls();
    let url = hotel.url("localhost");
    let run = |extra: &[&str]| {
        let args = [
            &["--remote", url.as_str()],
            extra,
            &["search", "张伟", "--json"],
        ]
        .concat();
        agent_cli(hotel.dir.path(), &args)
    };
    let ca = hotel.ca.display().to_string();
    let trusted = run(&["--ca", &ca]);
    assert!(
        trusted.status.success(),
        "{}",
        String::from_utf8_lossy(&trusted.stderr)
    );
    assert!(String::from_utf8_lossy(&trusted.stdout).contains("G1"));
    let refused = run(&[]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("could not be verified") && err.lines().count() == 1,
        "{err}"
    );
}

/// A terminal refuses plain HTTP to another machine as the server refuses to serve it: the
/// password would cross the network in clear. Nothing is sent and no session is kept; with
/// `--insecure-http` it goes ahead (here to a name that does not resolve, so nobody answers).
#[test]
fn the_cli_refuses_plain_http_to_another_machine_unless_insecure_http() {
    let dir = tempfile::tempdir().unwrap();
    let url = "http://hotel-server.invalid:8731";
    let run = |args: &[&str]| {
        let out = agent_cli(dir.path(), args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let refusal = format!(
        "guestbook: Refusing plain HTTP to {url}, which is not this machine: the password, the session \
         and guest data would cross the network unencrypted. Use https:// (with --ca for the \
         hotel's own CA), or --insecure-http.\n"
    );
    for args in [vec!["login", url], vec!["--remote", url, "search", "张伟"]] {
        assert_eq!(run(&args), (Some(1), refusal.clone()), "{args:?}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let (code, err) = run(&["--insecure-http", "login", url]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!(
            "guestbook: The guestbook server at {url} does not answer; try again in a moment.\n"
        )
    );
}

/// The CLI as the agent, the password on stdin, `home` as every folder it keeps state in and
/// no session, token, remote or CA from the environment; bounded by [`bounded`].
fn agent_cli(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .args(["--user", "agent", "--password-stdin"])
        .args(args)
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("XDG_STATE_HOME", home)
        .env("XDG_DATA_HOME", home)
        .env("HOME", home)
        .env("LANG", "en_US.UTF-8")
        .env_remove("GUESTBOOK_TOKEN")
        .env_remove("GUESTBOOK_REMOTE")
        .env_remove("GUESTBOOK_CA")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    // A refusal may come before the password is read: the process may be gone already.
    let _ = writeln!(child.stdin.take().unwrap(), "{PASSWORD}");
    bounded(child)
}

/// Waits for `child` at most 30 seconds (killing it then) and returns its output.
fn bounded(mut child: std::process::Child) -> std::process::Output {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("guestbook did not finish within 30 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn the_server_speaks_tls_1_2_and_1_3_and_refuses_a_tls_1_1_client() {
    use std::io::{Read, Write};
    let hotel = start_tls();
    let versions: Vec<_> = guestbook::server::tls::PROTOCOL_VERSIONS
        .iter()
        .map(|v| v.version)
        .collect();
    use rustls::ProtocolVersion::{TLSv1_2, TLSv1_3};
    assert_eq!(versions, [TLSv1_3, TLSv1_2]);
    // An old client's ClientHello (no supported_versions extension): the first byte of the
    // answer is 0x16 for a ServerHello, 0x15 for an alert.
    let answer = |version: u8| {
        let mut hello = vec![0x03, version];
        hello.extend([0x5a; 32]); // the client's random
        hello.push(0); // no session id
                       // Suites the server has (ECDHE-ECDSA/RSA-AES128-GCM-SHA256), so only the version
                       // differs between the two hellos.
        hello.extend([0x00, 0x04, 0xc0, 0x2b, 0xc0, 0x2f]);
        hello.extend([0x01, 0x00]); // no compression
                                    // Extensions: signature_algorithms (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256,
                                    // rsa_pkcs1_sha256) and supported_groups (x25519, secp256r1).
        hello.extend([0x00, 0x16]);
        hello.extend([
            0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
        ]);
        hello.extend([0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17]);
        let mut record = vec![0x16, 0x03, 0x01, 0x00, hello.len() as u8 + 4];
        record.extend([0x01, 0x00, 0x00, hello.len() as u8]);
        record.extend(hello);
        let mut tcp = std::net::TcpStream::connect(hotel.addr).unwrap();
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        tcp.write_all(&record).unwrap();
        let mut answer = [0u8; 7];
        let _ = tcp.read_exact(&mut answer);
        answer
    };
    let tls12 = answer(0x03);
    assert_eq!(
        tls12[0], 0x16,
        "TLS 1.2 answers a ServerHello: {tls12:02x?}"
    );
    let tls11 = answer(0x02);
    // A fatal protocol_version alert, never a ServerHello.
    assert_eq!(tls11[0], 0x15, "{tls11:02x?}");
    assert_eq!(tls11[6], 70, "{tls11:02x?}");
}

#[test]
fn serve_refuses_a_missing_or_non_pem_certificate_file_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotel.db");
    hotel(&db);
    let (_, _, key) = test_certificates(dir.path());
    let missing = dir.path().join("missing.pem");
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    for (cert, sentence) in [
        (&missing, "Cannot read the TLS file"),
        (&not_pem, "holds no PEM certificate"),
    ] {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_guestbook"))
            .arg("--db")
            .arg(&db)
            .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(cert)
            .arg("--tls-key")
            .arg(&key)
            .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
            .env("LANG", "en_US.UTF-8")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = bounded(child);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains(sentence), "{err}");
        assert!(err.contains(&cert.display().to_string()), "{err}");
        assert!(
            err.lines().count() == 1 && !err.contains("panicked"),
            "{err}"
        );
    }
}

#[test]
fn serve_with_tls_answers_https_and_exits_cleanly_on_sigterm() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotel.db");
    hotel(&db);
    let (ca, cert, key) = test_certificates(dir.path());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("LANG", "en_US.UTF-8")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("https://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no https URL in {line:?}"))
        .to_string();
    let remote = store::remote::RemoteStore::open(&url, None, &credentials("agent"), Some(&ca));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = bounded(child);
    assert!(remote.is_ok(), "signed in over HTTPS: {:?}", remote.err());
    assert!(out.status.success(), "SIGTERM ends the server cleanly");
}

#[test]
fn sigterm_over_tls_finishes_a_request_in_flight() {
    use rustls::pki_types::pem::PemObject;
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    hotel(&path);
    let (ca, cert, key) = test_certificates(dir.path());
    let tls = guestbook::server::tls::server_config(&cert, &key).unwrap();
    let router = guestbook::server::router(path, ServerConfig::default()).unwrap();
    let listener = common::runtime()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = common::runtime().spawn(guestbook::server::serve_tls(
        listener,
        router,
        tls,
        async move {
            let _ = stopped.await;
        },
    ));
    // A client that sends half a sign-in, then the rest after the server was told to stop.
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_file(&ca).unwrap())
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let body = format!(r#"{{"user":"agent","password":"{PASSWORD}"}}"#);
    let (first, rest) = body.split_at(10);
    write!(
        tls,
        "POST /api/v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    tls.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    stop.send(()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    tls.write_all(rest.as_bytes()).unwrap();
    tls.flush().unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"token\""), "{answer}");
    // And then the server is done.
    let done = common::runtime()
        .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(10), server).await });
    assert!(matches!(done, Ok(Ok(Ok(())))), "{done:?}");
}
