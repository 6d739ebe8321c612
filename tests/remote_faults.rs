//! A terminal (`--remote`) against a real loopback server that goes away and comes back: reads
//! retried, a write whose answer was lost applied once, the TUI worker saying "retrying" and
//! carrying on by itself, a session that ended picked up again by the same user; and the
//! server's side of it: an Idempotency-Key bound to one request, the sign-in limit behind a
//! trusted proxy, and a server that does not answer told in one sentence.

#[path = "common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use guestbook::model::*;
use guestbook::server::ServerConfig;
use guestbook::store::{self, Credentials, ImportItem, Kind, NewAccount, Store, StoreError};
use guestbook::tui::worker::{Answer, Failure, Job, Reply, Request, Worker};
use serde_json::{json, Value};

const PASSWORD: &str = "longjing-22";

/// A hotel with one guest (G1, 张伟) and a front-office account besides the admin.
fn hotel(path: &Path) {
    let mut s = store::open_file(path, "admin").unwrap();
    for (user, role) in [("admin", Role::Admin), ("fo", Role::FrontOffice)] {
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

/// A server that can be stopped (its requests in flight finished) and started again on the
/// same port, as a restart of `guestbook serve` does.
struct Server {
    path: std::path::PathBuf,
    addr: SocketAddr,
    config: ServerConfig,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    fn start(path: &Path, config: ServerConfig) -> Server {
        let mut server = Server {
            path: path.to_path_buf(),
            addr: "127.0.0.1:0".parse().unwrap(),
            config,
            stop: None,
            done: None,
        };
        server.run();
        server
    }

    fn run(&mut self) {
        let router = guestbook::server::router(self.path.clone(), self.config.clone())
            .expect("the server starts");
        let listener = common::runtime()
            .block_on(tokio::net::TcpListener::bind(self.addr))
            .expect("the loopback port");
        self.addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        self.stop = Some(stop);
        self.done =
            Some(common::runtime().spawn(guestbook::server::serve(listener, router, shutdown)));
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            common::runtime()
                .block_on(async { tokio::time::timeout(Duration::from_secs(10), done).await })
                .expect("the server stops within 10 s")
                .unwrap()
                .unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn fo() -> Credentials {
    Credentials {
        user: "fo".into(),
        password: Some(PASSWORD.into()),
    }
}

fn remote(url: &str) -> Box<dyn Store> {
    let target = store::Target::Remote {
        url: url.into(),
        token: None,
        ca: None,
    };
    store::open(&target, &fo(), store::OpenOptions::default(), &mut |_| {}).unwrap()
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Server) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    hotel(&path);
    let server = Server::start(&path, ServerConfig::default());
    (dir, path, server)
}

fn search(gen: u64, query: &str) -> Request {
    Request {
        gen,
        job: Job::Search {
            query: query.into(),
            limit: 10,
            today: chrono::NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
        },
    }
}

fn ids(hits: &[guestbook::search::SearchHit]) -> Vec<String> {
    hits.iter().map(|h| h.id.0.clone()).collect()
}

/// The next reply of a worker, within 15 s.
fn next(replies: &mpsc::Receiver<Reply>) -> Reply {
    replies
        .recv_timeout(Duration::from_secs(15))
        .expect("the worker replies within 15 s")
}

#[test]
fn a_read_rides_out_a_restart_of_the_server() {
    let (_dir, _path, mut server) = setup();
    let mut store = remote(&server.url());
    assert_eq!(ids(&store.search_on("张伟", 10, None).unwrap()), ["G1"]);
    server.stop();
    // Back within the client's retries (0.1 + 0.3 + 0.9 s): the read never fails.
    let restarted = std::thread::scope(|s| {
        let back = s.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            server.run();
        });
        let profile = store.profile(&GuestId::from("G1"));
        back.join().unwrap();
        profile
    });
    assert_eq!(restarted.unwrap().guest.name, "张伟");
}

#[test]
fn the_tui_worker_says_retrying_while_the_server_is_down_and_answers_the_last_query_when_back() {
    let (_dir, _path, mut server) = setup();
    let store = remote(&server.url());
    let (tx, replies) = mpsc::channel();
    let deliver = Mutex::new(tx);
    let worker = Worker::spawn(store, move |reply| {
        let _ = deliver.lock().unwrap().send(reply);
    })
    .unwrap();
    server.stop();
    assert!(worker.send(search(1, "张")));
    assert_eq!(
        next(&replies),
        Reply {
            gen: 1,
            result: Err(Failure::Retrying)
        }
    );
    // A key typed while the server is away: its query replaces the one being retried.
    assert!(worker.send(search(2, "张伟")));
    std::thread::sleep(Duration::from_millis(300));
    server.run();
    let back = next(&replies);
    assert_eq!(back.gen, 2);
    match back.result {
        Ok(Answer::Hits(hits)) => assert_eq!(ids(&hits), ["G1"]),
        other => panic!("expected the hits of 张伟, got {other:?}"),
    }
}

#[test]
fn a_session_that_ended_is_picked_up_by_the_same_user_and_the_refused_read_runs_again() {
    let (_dir, _path, server) = setup();
    let store = store::remote::RemoteStore::open(&server.url(), None, &fo(), None).unwrap();
    let token = store.token().to_string();
    let (status, _) = http(
        "POST",
        &format!("{}/api/v1/logout", server.url()),
        &[("Authorization", &format!("Bearer {token}"))],
        Some(b"{}".to_vec()),
    );
    assert_eq!(status, 200);
    let (tx, replies) = mpsc::channel();
    let deliver = Mutex::new(tx);
    let worker = Worker::spawn(Box::new(store), move |reply| {
        let _ = deliver.lock().unwrap().send(reply);
    })
    .unwrap();
    assert!(worker.send(search(1, "张伟")));
    assert_eq!(
        next(&replies),
        Reply {
            gen: 1,
            result: Err(Failure::Store(StoreError::SessionEnded))
        }
    );
    assert!(worker.send(Request {
        gen: 2,
        job: Job::SignIn(fo()),
    }));
    let signed = next(&replies);
    assert_eq!(signed.gen, 2);
    assert!(
        matches!(&signed.result, Ok(Answer::SignedIn(p)) if p.user == "fo"),
        "{signed:?}"
    );
    let again = next(&replies);
    assert_eq!(again.gen, 1);
    match again.result {
        Ok(Answer::Hits(hits)) => assert_eq!(ids(&hits), ["G1"]),
        other => panic!("expected the refused search answered, got {other:?}"),
    }
}

// ---------------------------------------------------------------- a proxy that loses answers

/// One HTTP/1.1 message read off `from` (head and Content-Length body), or `None` at the end
/// of the connection.
fn read_message(from: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut message = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if from.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
        message.extend_from_slice(line.as_bytes());
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    from.read_exact(&mut body).ok()?;
    message.extend(body);
    Some(message)
}

/// A loopback proxy to `upstream` that drops the connection instead of passing on the answer
/// to the first request starting with `lose` (after the server answered it, so the write was
/// committed); the requests starting with `lose` it saw are kept.
fn lossy_proxy(upstream: SocketAddr, lose: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let lost = Arc::new(AtomicUsize::new(0));
    let kept = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().take(50) {
            let Ok(client) = client else { break };
            let (seen, lost) = (kept.clone(), lost.clone());
            std::thread::spawn(move || {
                let mut server = TcpStream::connect(upstream).unwrap();
                let mut from_client = BufReader::new(client.try_clone().unwrap());
                let mut from_server = BufReader::new(server.try_clone().unwrap());
                let mut client = client;
                while let Some(request) = read_message(&mut from_client) {
                    let text = String::from_utf8_lossy(&request).to_string();
                    let ours = text.starts_with(lose);
                    if ours {
                        seen.lock().unwrap().push(text);
                    }
                    server.write_all(&request).unwrap();
                    let Some(answer) = read_message(&mut from_server) else {
                        break;
                    };
                    if ours && lost.fetch_add(1, Ordering::SeqCst) == 0 {
                        let _ = client.shutdown(std::net::Shutdown::Both);
                        break;
                    }
                    client.write_all(&answer).unwrap();
                }
            });
        }
    });
    (url, seen)
}

fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn a_write_whose_answer_was_lost_after_commit_is_sent_again_with_its_key_and_applied_once() {
    let (_dir, path, server) = setup();
    let (url, seen) = lossy_proxy(server.addr, "POST /api/v1/guests/G1/preferences");
    let mut store = remote(&url);
    let pref = store
        .add_preference(NewPreference {
            guest_id: GuestId::from("G1"),
            category: "tea".into(),
            value: "longjing".into(),
            note: Some("once only".into()),
            observed_by: None,
            observed_at: chrono::Utc::now(),
            source: None,
        })
        .unwrap();
    let sent = seen.lock().unwrap().clone();
    assert_eq!(
        sent.len(),
        2,
        "the write was sent again after the lost answer"
    );
    let keys: Vec<_> = sent
        .iter()
        .map(|r| header(r, "idempotency-key").unwrap())
        .collect();
    assert_eq!(keys[0], keys[1]);
    let mut file = store::open_file(&path, "admin").unwrap();
    let stored: Vec<Preference> = file
        .profile(&GuestId::from("G1"))
        .unwrap()
        .preferences
        .into_iter()
        .filter(|p| p.note.as_deref() == Some("once only"))
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, pref.id);
}

// ---------------------------------------------------------------- the server's side

/// One request: its status and JSON answer.
fn http(method: &str, url: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer = match body {
        Some(body) => agent.run(
            request
                .header("Content-Type", "application/json")
                .body(body)
                .unwrap(),
        ),
        None => agent.run(request.body(()).unwrap()),
    };
    let mut answer = answer.expect("the server answers");
    let status = answer.status().as_u16();
    let text = answer.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn login(url: &str, user: &str, password: &str, forwarded: Option<&str>) -> (u16, Value) {
    let mut headers = Vec::new();
    if let Some(hops) = forwarded {
        headers.push(("X-Forwarded-For", hops));
    }
    let body = serde_json::to_vec(&json!({"user": user, "password": password})).unwrap();
    http("POST", &format!("{url}/api/v1/login"), &headers, Some(body))
}

#[test]
fn an_idempotency_key_sent_again_with_another_body_is_422_and_applies_nothing() {
    let (_dir, path, server) = setup();
    let (_, session) = login(&server.url(), "fo", PASSWORD, None);
    let bearer = format!("Bearer {}", session["token"].as_str().unwrap());
    let praise = |text: &str| {
        let body = json!({"guest_id": "G1", "kind": "praise", "text": text, "department": null});
        http(
            "POST",
            &format!("{}/api/v1/feedback", server.url()),
            &[("Authorization", &bearer), ("Idempotency-Key", "one-write")],
            Some(serde_json::to_vec(&body).unwrap()),
        )
    };
    let (status, first) = praise("remembered my name");
    assert_eq!(status, 200, "{first}");
    assert_eq!(praise("remembered my name"), (200, first));
    let (status, refused) = praise("a different praise");
    assert_eq!(status, 422);
    assert_eq!(refused["reason"], json!({"error": "key_reused"}));
    assert_eq!(
        refused["error"],
        "This Idempotency-Key was already used for another request; send a new key with each write."
    );
    let mut file = store::open_file(&path, "admin").unwrap();
    let texts: Vec<String> = file
        .profile(&GuestId::from("G1"))
        .unwrap()
        .feedback
        .into_iter()
        .map(|f| f.text)
        .collect();
    assert_eq!(texts, ["remembered my name"]);
}

#[test]
fn behind_a_trusted_proxy_sign_ins_are_limited_per_forwarded_address_and_otherwise_per_connection()
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    hotel(&path);
    let limited = |trust_proxy| ServerConfig {
        login_failures_per_address: 3,
        trust_proxy,
        ..ServerConfig::default()
    };
    // The proxy appends the address it saw last; what comes before is the client's to write.
    let trusted = Server::start(&path, limited(true));
    for n in 0..3 {
        let (status, _) = login(&trusted.url(), &format!("guess{n}"), "x", Some("127.0.0.7"));
        assert_eq!(status, 401);
    }
    let (status, _) = login(&trusted.url(), "fo", PASSWORD, Some("127.0.0.9, 127.0.0.7"));
    assert_eq!(status, 429, "the last hop is the one counted");
    let (status, _) = login(&trusted.url(), "fo", PASSWORD, Some("127.0.0.7, 127.0.0.8"));
    assert_eq!(status, 200, "another client behind the same proxy signs in");

    // Not trusted (the default): the header is ignored and the connection is counted.
    let direct = Server::start(&path, limited(false));
    for n in 0..3 {
        let hop = format!("127.0.0.{}", 20 + n);
        let (status, _) = login(&direct.url(), &format!("guess{n}"), "x", Some(&hop));
        assert_eq!(status, 401);
    }
    let (status, _) = login(&direct.url(), "fo", PASSWORD, Some("127.0.0.30"));
    assert_eq!(status, 429);
}

#[test]
fn a_server_that_does_not_answer_is_one_sentence_naming_its_url() {
    let home = tempfile::tempdir().unwrap();
    for url in ["http://127.0.0.1:1", "http://no-such-host.invalid:8731"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_guestbook"))
            // Plain HTTP to another machine is refused before anything is sent unless asked for.
            .args([
                "--insecure-http",
                "--remote",
                url,
                "--user",
                "fo",
                "search",
                "张伟",
            ])
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path())
            .env("LANG", "C")
            .env_remove("GUESTBOOK_TOKEN")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "guestbook: The guestbook server at {url} does not answer; try again in a moment.\n"
            )
        );
    }
}
