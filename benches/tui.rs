//! TUI benchmark on a generated hotel of a million guests: time to the first frame, keystroke
//! to rendered results (p50/p99), profile and board load, bytes written per keystroke, the cost
//! of one live-board poll when nothing changed, and the idle RSS of the real binary measured
//! through a pty.
//!
//! ```text
//! cargo bench --bench tui                          # 1,000,000 guests
//! GUESTBOOK_BENCH_GUESTS=10000 cargo bench --bench tui
//! GUESTBOOK_BENCH_FRAME=/tmp/frame cargo bench --bench tui   # keep the heaviest keystroke's
//!                                                             # bytes (in process, .pty)
//! ```
//!
//! The data comes from `examples/generate.rs` and is imported with the release binary once,
//! cached under `target/bench-data/`. The pty part needs python3 (its `pty` module); without it
//! that part is skipped with a notice.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, NaiveDate};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guestbook::catalog::Catalog;
use guestbook::config::AmbiguousWidth;
use guestbook::i18n::Lang;
use guestbook::model::Role;
use guestbook::store::Store;
use guestbook::tui::app::{App, Clock, Effect, Input, Settings};
use guestbook::tui::keymap::Keymap;
use guestbook::tui::wide::WideAware;
use guestbook::tui::{ui, worker};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const BIN: &str = env!("CARGO_BIN_EXE_guestbook");
const REGION: phonenumber::country::Id = phonenumber::country::Id::CN;
const TODAY: &str = "2026-06-15";
/// Guests sampled from the generated file for queries.
const SAMPLED: usize = 24;

fn main() {
    let guests: u64 = std::env::var("GUESTBOOK_BENCH_GUESTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let (db, generated) = database(guests);
    let queries = queries(&generated.join("guests.csv"));
    println!(
        "TUI benchmark, {guests} guests, {} queries typed key by key",
        queries.len()
    );
    in_process(&db, &queries);
    live_poll(&db);
    let args = ["--db", &db.display().to_string(), "--today", TODAY].map(String::from);
    through_pty(&args, &[], &queries);
}

// ---------------------------------------------------------------- data

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// The cached database and the generated files it was imported from.
fn database(n: u64) -> (PathBuf, PathBuf) {
    let dir = bench_dir();
    let generated = dir.join(format!("tui-gen-{n}"));
    let db = dir.join(format!("tui-v1-{n}.db"));
    if db.exists() {
        return (db, generated);
    }
    if !generated.join("guests.csv").exists() {
        eprintln!("generating {n} guests into {} ...", generated.display());
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["run", "--quiet", "--release", "--example", "generate", "--"])
            .arg("--guests")
            .arg(n.to_string())
            .arg("--out")
            .arg(&generated)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs the generator");
        assert!(status.success(), "the generator failed");
    }
    let partial = db.with_extension("partial");
    for stale in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{stale}", partial.display()));
    }
    let started = Instant::now();
    for kind in ["guests", "stays", "preferences"] {
        eprintln!("importing {kind} ...");
        let status = Command::new(BIN)
            .arg("--db")
            .arg(&partial)
            .args(["import", kind])
            .arg(generated.join(format!("{kind}.csv")))
            .status()
            .expect("guestbook import runs");
        assert!(status.success(), "importing {kind} failed");
    }
    std::fs::rename(&partial, &db).expect("bench database renamed");
    eprintln!("imported in {:.1?}", started.elapsed());
    (db, generated)
}

/// What callers give: the last four digits, the whole number, the Han name, the pinyin.
fn queries(guests_csv: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(guests_csv).expect("generated guests.csv");
    let headers = reader.headers().expect("header row").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (name, latin, phones) = (column("name"), column("name_latin"), column("phones"));
    let rows: Vec<csv::StringRecord> = reader.records().map_while(Result::ok).collect();
    let step = (rows.len() / SAMPLED).max(1);
    rows.iter()
        .step_by(step)
        .take(SAMPLED)
        .enumerate()
        .filter_map(|(i, row)| {
            let phone: String = row[phones]
                .split(';')
                .next()?
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let query = match i % 4 {
                0 => phone[phone.len().saturating_sub(4)..].to_string(),
                1 => phone,
                2 => row[name].to_string(),
                _ => row[latin].to_lowercase(),
            };
            (!query.trim().is_empty()).then_some(query)
        })
        .collect()
}

// ---------------------------------------------------------------- in process

fn settings() -> Settings {
    Settings {
        user: "bench".into(),
        role: Role::Housekeeping,
        department: guestbook::model::Source::Housekeeping,
        require_sign_in: false,
        fields: guestbook::interchange::ImportOptions::new(&guestbook::model::Settings::default())
            .expect("default settings"),
        backend: "file: bench.db".into(),
        lang: Lang::En,
        color: true,
        ambiguous_width: AmbiguousWidth::Narrow,
        today: NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").ok(),
        rollover_hour: 4,
        idle_lock: None,
        catalog: Catalog::builtin(),
        keymap: Keymap::default_keys(),
        recent_file: None,
    }
}

fn clock() -> Clock {
    let noon = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d")
        .expect("date")
        .and_hms_opt(10, 30, 0)
        .expect("time");
    Clock::at(noon, FixedOffset::east_opt(8 * 3600).expect("offset"))
}

/// Keeps what a frame would write to the terminal; shared so it can be read while the
/// backend owns the writer.
#[derive(Clone, Default)]
struct Counter(Rc<RefCell<Vec<u8>>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The binary's own backend, so the bytes counted are the ones a terminal would get.
type Screen = Terminal<WideAware<Counter>>;

fn screen(counter: &Counter) -> Screen {
    let area = Rect::new(0, 0, 80, 24);
    let backend = WideAware::with_area(CrosstermBackend::new(counter.clone()), area);
    let options = TerminalOptions {
        viewport: Viewport::Fixed(area),
    };
    Terminal::with_options(backend, options).expect("terminal")
}

/// Applies an input, runs its requests on the store at once, and draws; returns the bytes
/// the frame wrote.
fn step(
    app: &mut App,
    store: &mut Box<dyn Store>,
    screen: &mut Screen,
    counter: &Counter,
    input: Input,
) -> Vec<u8> {
    let mut effects = app.update(input);
    while let Some(effect) = effects.pop() {
        if let Effect::Send(request) = effect {
            let reply = worker::serve(store.as_mut(), request);
            effects.extend(app.update(Input::Reply(reply)));
        }
    }
    counter.0.borrow_mut().clear();
    screen.draw(|f| ui::draw(f, app)).expect("draw");
    app.dirty = false;
    counter.0.take()
}

/// A frame's bytes by kind: text, style (SGR), cursor moves (CSI moves, CR, LF), erases
/// (`ESC[K`, `ESC[nX`) and cursor shows/hides.
fn kinds(frame: &[u8]) -> String {
    let (mut text, mut style, mut moves, mut erase, mut other) = (0, 0, 0, 0, 0);
    let mut i = 0;
    while i < frame.len() {
        match frame[i] {
            0x1b if frame.get(i + 1) == Some(&b'[') => {
                let end = frame[i + 2..]
                    .iter()
                    .position(|b| (0x40..=0x7e).contains(b))
                    .map_or(frame.len(), |p| i + 2 + p + 1);
                let n = end - i;
                match frame[end - 1] {
                    b'm' => style += n,
                    b'H' | b'A' | b'B' | b'C' | b'D' | b'G' | b'd' => moves += n,
                    b'K' | b'X' => erase += n,
                    _ => other += n,
                }
                i = end;
            }
            b'\r' | b'\n' => {
                moves += 1;
                i += 1;
            }
            _ => {
                text += 1;
                i += 1;
            }
        }
    }
    format!("text {text}, style {style}, moves {moves}, erase {erase}, cursor {other}")
}

fn key(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn in_process(db: &Path, queries: &[String]) {
    // As the binary does at launch on a spare thread: load phonenumber's numbering plan
    // (~80 ms, once), which masking the phones on screen needs.
    let _ = guestbook::search::phone::normalize("+8613800138000", REGION);
    let started = Instant::now();
    let mut store = guestbook::store::open_file(db, "test").expect("bench database opens");
    let opened = started.elapsed();
    let mut app = App::new(settings(), clock());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| ui::draw(f, &app)).expect("draw");
    let first_frame = started.elapsed();

    let counter = Counter::default();
    let mut screen = screen(&counter);
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    let mut profile_times = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    let mut heaviest: (Vec<u8>, String) = (Vec::new(), String::new());
    for query in queries {
        for c in query.chars() {
            let t = Instant::now();
            let frame = step(&mut app, &mut store, &mut screen, &counter, key(c));
            if frame.len() > heaviest.0.len() {
                heaviest = (frame.clone(), app.lookup.query.clone());
            }
            bytes.push(frame.len());
            times.push(t.elapsed());
            slowest.push((t.elapsed(), app.lookup.query.clone()));
        }
        if !app.lookup.hits.is_empty() {
            let t = Instant::now();
            let enter = Input::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
            step(&mut app, &mut store, &mut screen, &counter, enter);
            profile_times.push(t.elapsed());
            let esc = Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            step(&mut app, &mut store, &mut screen, &counter, esc);
        }
        let clear = Input::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        step(&mut app, &mut store, &mut screen, &counter, clear);
    }
    let t = Instant::now();
    let board = Input::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL));
    step(&mut app, &mut store, &mut screen, &counter, board);
    let board_time = t.elapsed();
    let arrivals = app.board.board.as_ref().map_or(0, |b| b.arrivals.len());

    println!("in process (store call + update + draw, 80x24):");
    println!(
        "  first frame (open database, first draw): {:.1} ms, of which opening {:.1} ms",
        ms(first_frame),
        ms(opened)
    );
    println!(
        "  keystroke to rendered results: {}",
        percentiles(&mut times)
    );
    println!(
        "  Enter to rendered profile: {}",
        percentiles(&mut profile_times)
    );
    println!(
        "  board for {TODAY} ({arrivals} arrivals): {:.1} ms",
        ms(board_time)
    );
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let tail: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(d, q)| format!("{q:?} {:.1} ms", ms(*d)))
        .collect();
    println!(
        "  slowest keystrokes (query after the key): {}",
        tail.join(", ")
    );
    bytes.sort_unstable();
    let mean = bytes.iter().sum::<usize>() / bytes.len().max(1);
    println!(
        "  bytes per keystroke frame: mean {mean}, p50 {}, p99 {}, max {}",
        bytes[bytes.len() / 2],
        bytes[bytes.len() * 99 / 100],
        bytes.last().copied().unwrap_or(0)
    );
    println!(
        "  heaviest frame ({:?}): {}",
        heaviest.1,
        kinds(&heaviest.0)
    );
    if let Some(path) = std::env::var_os("GUESTBOOK_BENCH_FRAME") {
        std::fs::write(&path, &heaviest.0).expect("heaviest frame written");
    }
}

/// Polls taken for the live-board figure.
const POLLS: usize = 2000;

/// What the open board costs each second while nothing changes: the tick that asks, the
/// store's answer, and `update()` deciding there is nothing to read again.
fn live_poll(db: &Path) {
    let mut store = guestbook::store::open_file(db, "test").expect("bench database opens");
    let mut app = App::new(settings(), clock());
    let mut clock = clock();
    let board = Input::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL));
    let mut effects = app.update(board);
    let mut times = Vec::with_capacity(POLLS);
    for i in 0..=POLLS {
        let t = Instant::now();
        clock.utc += chrono::Duration::seconds(1);
        effects.extend(app.update(Input::Tick(clock)));
        let mut reads = 0;
        while let Some(effect) = effects.pop() {
            if let Effect::Send(request) = effect {
                reads += 1;
                let reply = worker::serve(store.as_mut(), request);
                effects.extend(app.update(Input::Reply(reply)));
            }
        }
        // The first round loads the board and takes the first data version.
        if i > 0 {
            assert_eq!(reads, 1, "an unchanged store is only polled");
            times.push(t.elapsed());
        }
    }
    times.sort_unstable();
    let us = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)].as_secs_f64() * 1e6;
    println!(
        "  live board poll, nothing changed: p50 {:.1} µs, p99 {:.1} µs ({POLLS} polls)",
        us(50),
        us(99)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentiles(times: &mut [Duration]) -> String {
    if times.is_empty() {
        return "no samples".into();
    }
    times.sort_unstable();
    let at = |p: usize| ms(times[(times.len() * p / 100).min(times.len() - 1)]);
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
        at(50),
        at(99),
        ms(times[times.len() - 1]),
        times.len()
    )
}

// ---------------------------------------------------------------- through a pty

/// Runs the binary in an 80x24 pty: waits for the first frame, then types each query a key
/// at a time, waiting for the output to go quiet after each key.
const PTY_SCRIPT: &str = r#"
import fcntl, json, os, pty, select, struct, sys, termios, time
binary, args, queries = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
start = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.environ.update({"LANG": "C.UTF-8", "TERM": "xterm-256color", "GUESTBOOK_USER": "bench",
                       "GUESTBOOK_CONFIG": "/nonexistent/config.toml"})
    os.execv(binary, [binary] + args)

def read_until(quiet, needle=None, limit=10.0):
    got, last, begin = b"", time.monotonic(), time.monotonic()
    while time.monotonic() - begin < limit:
        if needle is not None and needle in got:
            return got, last
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            if needle is None:
                return got, last
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return got, last
        got += chunk
        last = time.monotonic()
    return got, last

def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

_, first = read_until(0.05, needle=b"Find")
first_frame_ms = (first - start) * 1000
read_until(0.3)
rss_start = rss_kb()
per_key_bytes, per_key_ms, heaviest = [], [], b""
for query in queries:
    for ch in query:
        sent = time.monotonic()
        os.write(fd, ch.encode())
        got, last = read_until(0.12)
        per_key_bytes.append(len(got))
        heaviest = max(heaviest, got, key=len)
        per_key_ms.append((last - sent) * 1000 if got else 0.0)
    os.write(fd, b"\x15")
    read_until(0.12)
time.sleep(1.5)
read_until(0.2)
rss_idle = rss_kb()
os.write(fd, b"\x03")
read_until(0.2)
_, status = os.waitpid(pid, 0)
if os.environ.get("GUESTBOOK_BENCH_FRAME"):
    with open(os.environ["GUESTBOOK_BENCH_FRAME"] + ".pty", "wb") as f:
        f.write(heaviest)
print(json.dumps({"first_frame_ms": first_frame_ms, "rss_start_kb": rss_start, "rss_idle_kb": rss_idle,
                  "bytes": per_key_bytes, "ms": per_key_ms, "exit": os.waitstatus_to_exitcode(status)}))
"#;

/// The binary run with `args` (and `envs`) in a pty, `queries` typed into it.
pub(crate) fn through_pty(args: &[String], envs: &[(&str, &str)], queries: &[String]) {
    let queries_json = serde_json::to_string(queries).expect("queries as JSON");
    let args_json = serde_json::to_string(args).expect("arguments as JSON");
    let out = Command::new("python3")
        .args(["-c", PTY_SCRIPT, BIN, &args_json, &queries_json])
        .envs(envs.iter().copied())
        .output();
    let out = match out {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            println!(
                "pty: skipped ({})",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return;
        }
        Err(e) => {
            println!("pty: skipped, python3 is needed for the pty part ({e})");
            return;
        }
    };
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("pty report");
    let numbers = |key: &str| -> Vec<f64> {
        report[key]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default()
    };
    let mut bytes = numbers("bytes");
    bytes.sort_by(f64::total_cmp);
    let mut latency: Vec<Duration> = numbers("ms")
        .into_iter()
        .map(|m| Duration::from_secs_f64(m / 1000.0))
        .collect();
    let mean = bytes.iter().sum::<f64>() / bytes.len().max(1) as f64;
    println!("through a pty (the release binary at 80x24):");
    println!(
        "  first frame after launch: {:.1} ms",
        report["first_frame_ms"].as_f64().unwrap_or(-1.0)
    );
    println!(
        "  keystroke to last byte on the terminal: {}",
        percentiles(&mut latency)
    );
    println!(
        "  bytes written per keystroke: mean {mean:.0}, p50 {:.0}, p99 {:.0}, max {:.0}",
        bytes.get(bytes.len() / 2).copied().unwrap_or(0.0),
        bytes.get(bytes.len() * 99 / 100).copied().unwrap_or(0.0),
        bytes.last().copied().unwrap_or(0.0)
    );
    println!(
        "  RSS: {:.1} MB after the first frame, {:.1} MB idle after typing; exit status {}",
        report["rss_start_kb"].as_f64().unwrap_or(0.0) / 1024.0,
        report["rss_idle_kb"].as_f64().unwrap_or(0.0) / 1024.0,
        report["exit"]
    );
}
