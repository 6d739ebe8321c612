//! Import benchmark: rows/s, elapsed time and peak RSS for importing generated guests (then
//! their stays and preferences) into a fresh SQLite file, through `interchange::import_file`.
//!
//! ```text
//! cargo bench --bench import                                   # 100k guests
//! GUESTBOOK_IMPORT_GUESTS=1000000 cargo bench --bench import   # 1M guests
//! GUESTBOOK_IMPORT_DIR=/tmp/gen1m cargo bench --bench import   # files already generated
//! GUESTBOOK_IMPORT_FORMAT=jsonl cargo bench --bench import     # JSON Lines instead of CSV
//! ```
//!
//! Without a directory the files are written once by `examples/generate.rs` and cached under
//! `target/bench-data/`. Target: 1M guests in at most 60 s with memory that stays flat.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use guestbook::interchange::{self, ImportOptions};
use guestbook::store::Kind;

fn main() {
    let format = std::env::var("GUESTBOOK_IMPORT_FORMAT").unwrap_or_else(|_| "csv".into());
    let dir = match std::env::var_os("GUESTBOOK_IMPORT_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => generated(guest_count(), &format),
    };
    let db = dir.join("import-bench.db");
    remove_database(&db);
    let mut store = guestbook::store::open_file(&db, "test").expect("open database");
    let opts = ImportOptions::new(&store.settings().expect("settings")).expect("options");
    println!("import from {} into {}", dir.display(), db.display());
    for (kind, name) in [
        (Kind::Guests, "guests"),
        (Kind::Stays, "stays"),
        (Kind::Preferences, "preferences"),
    ] {
        let file = dir.join(format!("{name}.{format}"));
        if !file.exists() {
            continue;
        }
        let started = Instant::now();
        let outcome = interchange::import_file(store.as_mut(), kind, &file, &opts)
            .unwrap_or_else(|e| panic!("{e}"));
        let elapsed = started.elapsed().as_secs_f64();
        let rows = outcome.report.imported + outcome.report.updated;
        assert!(
            outcome.errors.is_empty(),
            "{} bad rows, first: {}",
            outcome.errors.len(),
            outcome.errors[0]
        );
        println!(
            "{name:<12} {rows:>9} rows  {elapsed:>7.1} s  {:>8.0} rows/s  \
             peak RSS {:.0} MB (heap now {:.0} MB, mapped file {:.0} MB)",
            rows as f64 / elapsed,
            status_mb("VmHWM"),
            status_mb("RssAnon"),
            status_mb("RssFile"),
        );
    }
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("database {:.0} MB", size as f64 / 1e6);
    remove_database(&db);
}

fn guest_count() -> u64 {
    std::env::var("GUESTBOOK_IMPORT_GUESTS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100_000)
}

/// The generator's files for `n` guests, written on first use.
fn generated(n: u64, format: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("import-{n}-{format}"));
    if dir.join(format!("guests.{format}")).exists() {
        return dir;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--release", "--quiet", "--example", "generate", "--"])
        .args(["--guests", &n.to_string(), "--format", format, "--out"])
        .arg(&dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run the generator");
    assert!(status.success(), "the generator failed");
    dir
}

fn remove_database(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(path));
    }
}

/// A memory figure of this process from /proc/self/status, in MB: `VmHWM` is the peak
/// resident set; `RssAnon` the heap now; `RssFile` the database pages mapped (mmap_size), which
/// the kernel drops under pressure.
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
