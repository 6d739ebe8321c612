//! Load benchmark of `guestbook serve` on loopback over the lookup bench's generated hotel of
//! a million guests: client threads with keep-alive, each its own session as a terminal has,
//! send a mix of every kind of lookup (full phone, last 4 digits, part of a number, Han name,
//! pinyin, initials, Latin name, room) for a fixed time; then the same with 5 % writes
//! (a preference recorded). Reported: lookups per second, p50/p99 per kind and overall, and
//! the server's CPU time per request (utime + stime from /proc), which is what scales to a
//! bigger machine, since the generator shares the cores. Last, the TUI over `--remote`
//! through a pty, keystroke to last byte, as the TUI bench measures it on a file.
//!
//! ```text
//! cargo bench --bench load                         # 1,000,000 guests, 4 clients, 10 s a run
//! GUESTBOOK_BENCH_GUESTS=10000 GUESTBOOK_BENCH_SECONDS=3 cargo bench --bench load
//! GUESTBOOK_BENCH_DB=path/to/lookup-1000000.db cargo bench --bench load
//! ```
//!
//! The served database is a copy of the cached one (the write run adds to it), in a
//! temporary folder removed at the end; the server is stopped at the end of the run.

#[allow(dead_code)]
#[path = "lookup.rs"]
mod lookup;
#[allow(dead_code)]
#[path = "tui.rs"]
mod tui;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use guestbook::model::{GuestId, Role};
use guestbook::search::name::NameForms;
use guestbook::store::remote::segment;
use guestbook::store::NewAccount;

const BIN: &str = env!("CARGO_BIN_EXE_guestbook");
const TODAY: &str = "2026-06-15";
const PASSWORD: &str = "load-bench-1";
/// Guests whose profiles the queries are made from.
const SAMPLED: u64 = 300;
const KINDS: [&str; 8] = [
    "full phone",
    "last 4",
    "partial",
    "Han",
    "pinyin",
    "initials",
    "Latin",
    "room",
];

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let guests: u64 = env_or("GUESTBOOK_BENCH_GUESTS", 1_000_000);
    let seconds: u64 = env_or("GUESTBOOK_BENCH_SECONDS", 10);
    let clients: usize = env_or("GUESTBOOK_BENCH_CLIENTS", 4);
    let source = std::env::var_os("GUESTBOOK_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| lookup::database(guests));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("served.db");
    std::fs::copy(&source, &db).expect("the bench database copied");
    let (queries, ids) = prepare(&db, guests);
    println!(
        "load benchmark: guestbook serve on loopback, {} ({} queries of {} kinds), \
         {clients} client threads, {seconds} s a run; load average before: {}",
        source.display(),
        queries.len(),
        KINDS.len(),
        loadavg()
    );
    let mut server = Server::start(&db);
    let tokens: Vec<String> = (0..clients).map(|_| server.login()).collect();
    let run = Duration::from_secs(seconds);
    server.measure("read mix", &tokens, &queries, &ids, 0, run);
    server.measure("with 5 % writes", &tokens, &queries, &ids, 5, run);
    println!("load average after: {}", loadavg());
    let typed: Vec<String> = queries
        .iter()
        .step_by((queries.len() / 24).max(1))
        .take(24)
        .map(|(_, q)| q.clone())
        .collect();
    let args = ["--remote", &server.url, "--today", TODAY].map(String::from);
    let token = server.login();
    println!("TUI over --remote:");
    tui::through_pty(&args, &[("GUESTBOOK_TOKEN", &token)], &typed);
    server.stop();
}

// ---------------------------------------------------------------- data

/// An account for the clients, and the queries: every kind, from sampled profiles and the
/// rooms of today's board; the sampled ids are what the writes record preferences on.
fn prepare(db: &Path, guests: u64) -> (Vec<(&'static str, String)>, Vec<GuestId>) {
    let mut store = guestbook::store::open_file(db, "bench").expect("the bench database opens");
    let admin = store
        .accounts()
        .ok()
        .and_then(|a| a.into_iter().find(|a| a.role == Role::Admin))
        .map(|a| a.user);
    if let Some(admin) = admin.filter(|a| a != "bench") {
        store = guestbook::store::open_file(db, &admin).expect("the bench database opens");
    }
    store
        .add_account(&NewAccount {
            user: "loadbench".into(),
            role: Role::FrontOffice,
            department: None,
            password: Some(PASSWORD.into()),
        })
        .expect("the bench account");
    let step = (guests / SAMPLED).max(1);
    let mut queries = Vec::new();
    let mut ids = Vec::new();
    for i in (0..guests).step_by(step as usize).take(SAMPLED as usize) {
        let id = GuestId(format!("B{i:07}"));
        let Ok(profile) = store.profile(&id) else {
            continue;
        };
        let g = profile.guest;
        ids.push(g.id.clone());
        let forms = NameForms::of(&g.name, g.name_latin.as_deref());
        if let Some(phone) = g.phones.first() {
            let digits = phone.e164.digits().to_string();
            let national = digits.strip_prefix("86").unwrap_or(&digits).to_string();
            queries.push(("full phone", national.clone()));
            queries.push(("last 4", digits[digits.len() - 4..].to_string()));
            queries.push(("partial", national[..national.len().min(7)].to_string()));
        }
        let chinese = !forms.han.is_empty() && forms.latin.is_empty();
        if chinese {
            queries.push(("Han", forms.han.clone()));
            queries.push(("pinyin", forms.pinyin()));
            queries.push(("initials", forms.initials()));
        } else if let Some(words) = forms.latin.first() {
            queries.push(("Latin", words.join(" ")));
        }
    }
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date");
    let board = store.board(today, false).expect("today's board");
    for row in board.in_house.iter().take(SAMPLED as usize) {
        if let Some(room) = &row.room {
            queries.push(("room", room.clone()));
        }
    }
    (queries, ids)
}

/// `/proc/loadavg`'s first three figures.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

// ---------------------------------------------------------------- the server

struct Server {
    child: Child,
    url: String,
    agent: ureq::Agent,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// The CPU time the process `pid` used so far: (user, system).
fn cpu_time(pid: u32) -> (Duration, Duration) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces) start with the state.
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let per_second = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100u64);
    let time = |t: u64| Duration::from_secs_f64(t as f64 / per_second as f64);
    (time(ticks(11)), time(ticks(12)))
}

/// One request's outcome: its kind, how long it took, and its status.
type Sample = (&'static str, Duration, u16);

impl Server {
    fn start(db: &Path) -> Server {
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("guestbook serve starts");
        let stderr = child.stderr.take().expect("the server's stderr");
        let mut lines = BufReader::new(stderr).lines();
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let at = line.find("http://")?;
                let url: String = line[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                Some(url)
            })
            .expect("the server names its URL");
        // The request log goes on; read it away so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            url,
            agent: agent(),
        }
    }

    fn login(&self) -> String {
        let body = serde_json::json!({"user": "loadbench", "password": PASSWORD});
        let mut answer = self
            .agent
            .post(format!("{}/api/v1/login", self.url))
            .send_json(&body)
            .expect("sign-in");
        let session: serde_json::Value = answer.body_mut().read_json().expect("session");
        session["token"].as_str().expect("token").to_string()
    }

    /// `tokens.len()` clients for `run`, each sending a lookup (or, `write_percent` times in
    /// a hundred, a preference) and waiting for its answer before the next.
    fn measure(
        &self,
        label: &str,
        tokens: &[String],
        queries: &[(&'static str, String)],
        ids: &[GuestId],
        write_percent: u64,
        run: Duration,
    ) {
        let cpu_before = cpu_time(self.child.id());
        let started = Instant::now();
        let samples: Vec<Sample> = std::thread::scope(|s| {
            let handles: Vec<_> = tokens
                .iter()
                .enumerate()
                .map(|(n, token)| {
                    let url = self.url.clone();
                    s.spawn(move || client(&url, token, queries, ids, write_percent, n, run))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a client thread"))
                .collect()
        });
        let wall = started.elapsed();
        let cpu_after = cpu_time(self.child.id());
        let cpu = (cpu_after.0 - cpu_before.0, cpu_after.1 - cpu_before.1);
        report(label, &samples, wall, cpu);
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// xorshift64: each client its own deterministic stream of choices.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// One client: its own connection (kept alive) and session.
fn client(
    url: &str,
    token: &str,
    queries: &[(&'static str, String)],
    ids: &[GuestId],
    write_percent: u64,
    seed: usize,
    run: Duration,
) -> Vec<Sample> {
    let agent = agent();
    let bearer = format!("Bearer {token}");
    let mut rng = Rng(0x10AD_5EED ^ (seed as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut samples = Vec::new();
    let started = Instant::now();
    while started.elapsed() < run {
        let sent = Instant::now();
        let (kind, status) = if rng.below(100) < write_percent {
            let id = &ids[rng.below(ids.len() as u64) as usize];
            let body = serde_json::json!({
                "guest_id": id, "category": "pillow", "value": "buckwheat", "note": null,
                "observed_by": null, "observed_at": chrono::Utc::now(), "source": null,
            });
            let answer = agent
                .post(format!(
                    "{url}/api/v1/guests/{}/preferences",
                    segment(&id.0)
                ))
                .header("Authorization", &bearer)
                .header(
                    "Idempotency-Key",
                    &format!("bench-{seed}-{}", samples.len()),
                )
                .send_json(&body);
            ("write", answer.map_or(0, |mut a| drain(&mut a)))
        } else {
            let (kind, q) = &queries[rng.below(queries.len() as u64) as usize];
            let answer = agent
                .get(format!(
                    "{url}/api/v1/guests?q={}&limit=20&today={TODAY}",
                    segment(q)
                ))
                .header("Authorization", &bearer)
                .call();
            (*kind, answer.map_or(0, |mut a| drain(&mut a)))
        };
        samples.push((kind, sent.elapsed(), status));
    }
    samples
}

/// Reads the whole answer (so the connection is reused); its status.
fn drain(answer: &mut ureq::http::Response<ureq::Body>) -> u16 {
    let _ = answer.body_mut().read_to_vec();
    answer.status().as_u16()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50 and p99 of `times`, in ms.
fn p50_p99(times: &mut [Duration]) -> (f64, f64) {
    if times.is_empty() {
        return (0.0, 0.0);
    }
    times.sort_unstable();
    let at = |p: usize| ms(times[(times.len() * p / 100).min(times.len() - 1)]);
    (at(50), at(99))
}

/// One run's figures; `cpu` is the server's (user, system) time over the run.
fn report(label: &str, samples: &[Sample], wall: Duration, cpu: (Duration, Duration)) {
    let failed = samples.iter().filter(|s| s.2 != 200).count();
    let lookups: Vec<&Sample> = samples.iter().filter(|s| s.0 != "write").collect();
    let mut all: Vec<Duration> = lookups.iter().map(|s| s.1).collect();
    let (p50, p99) = p50_p99(&mut all);
    let per_request = |d: Duration| d.as_secs_f64() * 1e6 / samples.len().max(1) as f64;
    println!(
        "{label}: {} requests in {:.1} s, {:.0} lookups/s, lookup p50 {p50:.2} ms, p99 {p99:.2} ms; \
         server CPU {:.0} µs per request (user {:.0}, system {:.0}); {failed} not 200",
        samples.len(),
        wall.as_secs_f64(),
        lookups.len() as f64 / wall.as_secs_f64(),
        per_request(cpu.0 + cpu.1),
        per_request(cpu.0),
        per_request(cpu.1),
    );
    for kind in KINDS.iter().copied().chain(["write"]) {
        let mut times: Vec<Duration> = samples
            .iter()
            .filter(|s| s.0 == kind)
            .map(|s| s.1)
            .collect();
        if times.is_empty() {
            continue;
        }
        let n = times.len();
        let (p50, p99) = p50_p99(&mut times);
        println!("  {kind:<11} {n:>7}  p50 {p50:>6.2} ms  p99 {p99:>6.2} ms");
    }
}
