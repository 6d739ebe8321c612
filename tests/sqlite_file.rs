//! What only a SQLite file can do or suffer, and the command line over one: another
//! program's file, a mistyped path, a read-only or deleted file, a damaged row for `check`,
//! a lock held past the busy timeout, and the files of every earlier schema version. The
//! behaviour every backend shares is the contract suite (tests/contract/).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::Utc;
use common::{add_account, import};
use guestbook::model::*;
use guestbook::search::{phone, MatchKind};
use guestbook::store::{
    self, Credentials, ImportItem, Kind, OpenOptions, Store, StoreError, Target,
};

fn hotel(path: &Path) -> Box<dyn Store> {
    let mut s = store::open_file(path, "admin").unwrap();
    let mut g = Guest::new(GuestId::from("G1"), "张伟");
    g.phones =
        vec![guestbook::search::phone::phone("13800138000", phonenumber::country::Id::CN).unwrap()];
    g.emails = vec!["zhang.wei@example.com".into()];
    common::import(&mut s, Kind::Guests, vec![ImportItem::Guest(g)]);
    s
}

fn cli(db: &Path, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .arg("--db")
        .arg(db)
        .args(["--user", user])
        .args(args)
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap()
}

#[test]
fn add_and_edit_from_the_command_line_refuse_a_stale_edit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let out = cli(
        &path,
        "fo.amy",
        &["add", "王芳", "phones=13900139000", "vip=V2", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added: Profile = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added.guest.vip.as_deref(), Some("V2"));
    let id = added.guest.id.0.clone();
    let v = added.guest.version.to_string();
    let ok = cli(
        &path,
        "fo.amy",
        &["edit", &id, "company=Acme", "--if-version", &v],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stale = cli(
        &path,
        "fo.bob",
        &["edit", &id, "company=", "--if-version", &v],
    );
    assert_eq!(stale.status.code(), Some(3));
    let err = String::from_utf8_lossy(&stale.stderr);
    assert!(err.contains("fo.amy"), "{err}");
    // A complaint taken on the phone is on the profile at once, and can be resolved.
    let fb = cli(
        &path,
        "fo.amy",
        &["feedback", "add", &id, "complaint", "noisy room", "--json"],
    );
    let fb: Feedback = serde_json::from_slice(&fb.stdout).unwrap();
    assert_eq!(fb.status, Some(FeedbackStatus::Open));
    let n = fb.id.to_string();
    let done = cli(
        &path,
        "fo.amy",
        &["feedback", "resolve", &n, "--resolution", "moved", "--json"],
    );
    let done: Feedback = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(done.status, Some(FeedbackStatus::Resolved));
}

#[test]
fn another_programs_sqlite_file_is_never_modified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let err = store::open_file(&path, "admin").err().unwrap();
    assert_eq!(err, StoreError::NotGuestbook);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("crm.sqlite-wal").exists());
    let out = cli(&path, "admin", &["search", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a guestbook database"), "{err}");
}

#[test]
fn a_mistyped_db_creates_nothing_for_a_command_that_does_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo/hotel.db");
    let out = cli(
        &path,
        "admin",
        &["pref", "add", "G1", "pillow", "buckwheat"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database"));
    assert!(!dir.path().join("typo").exists());
}

#[test]
fn a_read_only_database_serves_reads_and_refuses_writes_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    drop(hotel(&path));
    let who = Credentials {
        user: "admin".into(),
        password: None,
    };
    let opts = OpenOptions {
        create: false,
        read_only: true,
    };
    let mut s = store::open(&Target::File(path.clone()), &who, opts, &mut |_| {}).unwrap();
    assert_eq!(s.search("13800138000", 5).unwrap()[0].id.0, "G1");
    let err = s.add_feedback(NewFeedback {
        guest_id: "G1".into(),
        kind: FeedbackKind::Praise,
        text: "lovely".into(),
        department: None,
    });
    assert_eq!(err.unwrap_err(), StoreError::ReadOnly);
}

#[test]
fn a_database_deleted_under_an_open_store_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut s = hotel(&path);
    std::fs::remove_file(&path).unwrap();
    let err = s
        .add_preference(NewPreference {
            guest_id: "G1".into(),
            category: "tea".into(),
            value: "longjing".into(),
            note: None,
            observed_by: None,
            observed_at: Utc::now(),
            source: None,
        })
        .unwrap_err();
    assert_eq!(err, StoreError::FileGone);
    // Replaced by another file: refused too.
    drop(hotel(&path));
    assert_eq!(s.erase(&"G1".into()).unwrap_err(), StoreError::FileGone);
}

#[test]
fn check_reports_a_stay_whose_guest_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    drop(hotel(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Another program, or a restore from a damaged copy, without foreign keys enforced.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn.execute(
        "INSERT INTO stays (reservation_id, gid, arrival, departure, status) \
         VALUES ('R9', 999, '2026-06-15', '2026-06-16', 'expected')",
        [],
    )
    .unwrap();
    drop(conn);
    let out = cli(&path, "admin", &["check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: CheckReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!report.ok);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("stays"),
        "{:?}",
        report.problems
    );
}

fn guest(id: &str, name: &str, phones: &[&str]) -> Guest {
    let mut g = Guest::new(GuestId::from(id), name);
    g.phones = phones
        .iter()
        .map(|p| phone::phone(p, phonenumber::country::Id::CN).unwrap())
        .collect();
    g
}

#[test]
fn a_newer_schema_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    drop(open(&path));
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = guestbook::store::open_file(&path, "test").err().unwrap();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn a_file_with_the_older_key_layout_is_migrated_and_still_finds_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut store = open(&path);
    let mut smith = guest("G2", "John Smith", &["+1 415 555 0132"]);
    smith.emails = vec!["J.Smith@example.com".into()];
    import(
        &mut store,
        Kind::Guests,
        vec![
            ImportItem::Guest(guest("G1", "张伟", &["13800138000"])),
            ImportItem::Guest(smith),
        ],
    );
    drop(store);
    // Version 5 kept one row per (key, guest), and none of them for these guests.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE name_keys; \
         CREATE TABLE name_keys (key TEXT NOT NULL, gid INTEGER NOT NULL, \
         PRIMARY KEY (key, gid)) WITHOUT ROWID; \
         DELETE FROM phone_keys; PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);

    let mut store = open(&path);
    for (query, id) in [
        ("张伟", "G1"),
        ("zw", "G1"),
        ("8000", "G1"),
        ("smith john", "G2"),
        ("j.smith@example.com", "G2"),
        ("415 555 0132", "G2"),
    ] {
        let hits = store.search(query, 5).unwrap();
        assert_eq!(hits.first().map(|h| h.id.0.as_str()), Some(id), "{query}");
    }
}

#[test]
fn the_command_line_refuses_a_role_in_one_sentence_with_status_4() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut admin = hotel(&path);
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "cc.amy", Role::Agent);
    let out = cli(&path, "cc.amy", &["erase", "G1"]);
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("may not erase"), "{err}");
}

#[test]
fn the_command_line_shows_and_changes_the_settings_of_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut s = hotel(&path);
    let out = cli(
        &path,
        "admin",
        &["settings", "rollover_hour", "5", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.settings().unwrap().rollover_hour, 5);
    let out = cli(&path, "admin", &["settings", "time_zone", "Mars/Olympus"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("time_zone"));
}

// ---------------------------------------------------------------- a lock held too long

/// Every row of every table, read without the store: the database as a file holds it.
fn every_table(conn: &rusqlite::Connection) -> Vec<String> {
    let mut tables = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut rows = Vec::new();
    for table in names {
        let mut select = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let width = select.column_count();
        let mut found = select.query([]).unwrap();
        while let Some(row) = found.next().unwrap() {
            let values: Vec<String> = (0..width)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            rows.push(format!("{table}: {}", values.join(", ")));
        }
    }
    rows
}

/// Another program holds the write lock (`BEGIN IMMEDIATE`) until `write` has given up.
fn with_the_write_lock_held<T>(path: &Path, write: impl FnOnce() -> T) -> (Vec<String>, T) {
    let holder = rusqlite::Connection::open(path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let before = every_table(&holder);
    let result = write();
    holder.execute_batch("ROLLBACK").unwrap();
    (before, result)
}

const BUSY: &str = "The database is busy (another terminal is writing); try again in a moment.";

#[test]
fn a_write_lock_held_past_the_busy_timeout_is_busy_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut s = hotel(&path);
    let (before, result) = with_the_write_lock_held(&path, || {
        let pref = NewPreference {
            guest_id: "G1".into(),
            category: "tea".into(),
            value: "longjing".into(),
            note: None,
            observed_by: None,
            observed_at: Utc::now(),
            source: None,
        };
        let write = s.add_preference(pref);
        // Reads go on while another terminal holds the lock.
        let read = s.search("13800138000", 5).map(|hits| hits[0].id.clone());
        (write, read)
    });
    let (write, read) = result;
    assert_eq!(read, Ok(GuestId::from("G1")));
    let err = write.unwrap_err();
    assert_eq!(err, StoreError::Busy);
    assert_eq!(err.text_in(guestbook::i18n::Lang::En, "g.db"), BUSY);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(every_table(&conn), before);
    // Once the lock is free, the same write goes through.
    assert!(s.profile(&"G1".into()).unwrap().preferences.is_empty());
    s.add_preference(NewPreference {
        guest_id: "G1".into(),
        category: "tea".into(),
        value: "longjing".into(),
        note: None,
        observed_by: None,
        observed_at: Utc::now(),
        source: None,
    })
    .unwrap();
    assert_eq!(s.profile(&"G1".into()).unwrap().preferences.len(), 1);
}

#[test]
fn an_import_that_cannot_get_the_lock_is_busy_and_writes_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut s = hotel(&path);
    let (before, result) = with_the_write_lock_held(&path, || {
        let mut rows = (0..200).map(|i| guestbook::store::ImportRow {
            line: i + 2,
            item: Ok(ImportItem::Guest(guest(&format!("N{i}"), "王芳", &[]))),
        });
        s.import(Kind::Guests, &mut rows, guestbook::store::BadRows::Refuse)
    });
    assert_eq!(result.unwrap_err(), StoreError::Busy);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(every_table(&conn), before);
    assert!(s.search("王芳", 5).unwrap().is_empty());
}

fn open(path: &Path) -> Box<dyn Store> {
    store::open_file(path, "test").unwrap()
}

// ---------------------------------------------------------------- files of earlier versions

/// The schema versions of released guestbooks whose files are kept under
/// tests/fixtures/old-schema/ (made by that version's own program: see make.sh there).
const OLD_VERSIONS: &[i64] = &[2, 3, 4, 5, 6, 7];

fn old_schema_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/old-schema")
}

/// The same CSV files the old files were made from, imported by this program.
fn made_today(path: &Path) -> Box<dyn Store> {
    let mut s = store::open_file(path, "import").unwrap();
    let opts = guestbook::interchange::ImportOptions::new(&s.settings().unwrap()).unwrap();
    for kind in ["guests", "preferences", "stays", "feedback"] {
        let kind_of = |k: &str| match k {
            "guests" => Kind::Guests,
            "preferences" => Kind::Preferences,
            "stays" => Kind::Stays,
            _ => Kind::Feedback,
        };
        let file = old_schema_dir().join(format!("{kind}.csv"));
        let outcome =
            guestbook::interchange::import_file(s.as_mut(), kind_of(kind), &file, &opts).unwrap();
        assert!(outcome.report.committed, "{:?}", outcome.errors);
    }
    s
}

/// A profile without when and by whom its rows were written (an import's own time).
fn as_imported(mut p: Profile) -> Profile {
    let epoch = chrono::DateTime::<Utc>::UNIX_EPOCH;
    p.guest.created_at = epoch;
    p.guest.updated_at = epoch;
    p.guest.updated_by = None;
    p
}

/// Every kind of query, each with the guest it must put first and why.
const OLD_FILE_QUERIES: &[(&str, &str, MatchKind)] = &[
    ("13800138000", "G1", MatchKind::Phone),
    ("+86 138-0013-8000", "G1", MatchKind::Phone),
    ("8000", "G1", MatchKind::Phone),
    ("张伟", "G1", MatchKind::Name),
    ("zhangwei", "G1", MatchKind::Pinyin),
    ("zw", "G1", MatchKind::Pinyin),
    ("张伟 8000", "G1", MatchKind::Name),
    ("陈大文", "G2", MatchKind::Name),
    ("陳大文", "G2", MatchKind::Name),
    ("chan tai man", "G2", MatchKind::Name),
    ("+852 9123 4567", "G2", MatchKind::Phone),
    ("smith john", "G3", MatchKind::Name),
    ("smith 0132", "G3", MatchKind::Name),
    ("john.smith@example.com", "G3", MatchKind::Email),
    ("4155550132", "G3", MatchKind::Phone),
    ("muller", "G4", MatchKind::Name),
    ("mueller", "G4", MatchKind::Name),
    ("zeng zhiwei", "G5", MatchKind::Pinyin),
];

#[test]
fn a_file_of_every_earlier_version_is_migrated_and_reads_as_if_made_today() {
    let dir = tempfile::tempdir().unwrap();
    let mut today = made_today(&dir.path().join("today.db"));
    let day = common::date("2026-06-15");
    for version in OLD_VERSIONS {
        let path = dir.path().join(format!("v{version}.db"));
        std::fs::copy(old_schema_dir().join(format!("v{version}.db")), &path).unwrap();
        let found: i64 = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(found, *version);

        let mut notices = Vec::new();
        let who = Credentials {
            user: "fo.amy".into(),
            password: None,
        };
        let target = Target::File(path.clone());
        let mut old = store::open(&target, &who, OpenOptions::default(), &mut |n| {
            notices.push(n)
        })
        .unwrap_or_else(|e| panic!("v{version}: {e:?}"));
        assert_eq!(notices, [store::Notice::Migrating], "v{version}");

        let mut failures = Vec::new();
        for (query, id, kind) in OLD_FILE_QUERIES {
            let hits = old.search(query, 5).unwrap();
            let first = hits.first().map(|h| (h.id.0.as_str(), h.matched));
            if first != Some((id, *kind)) || hits != today.search(query, 5).unwrap() {
                failures.push(format!("{query:?}: {first:?}"));
            }
        }
        assert!(failures.is_empty(), "v{version}:\n{}", failures.join("\n"));

        let board = old.board(day, false).unwrap();
        assert_eq!(reservations(&board.arrivals), ["R2"], "v{version}");
        assert_eq!(reservations(&board.in_house), ["R1"], "v{version}");
        assert_eq!(reservations(&board.departures), ["R3"], "v{version}");
        assert_eq!(
            board.in_house[0].alerts,
            [
                Alert::OpenComplaint { count: 1 },
                Alert::Birthday {
                    date: common::date("2026-06-16")
                }
            ],
            "v{version}"
        );
        assert_eq!(board, today.board(day, false).unwrap(), "v{version}");

        let g1 = old.profile(&"G1".into()).unwrap();
        assert_eq!(g1.guest.vip.as_deref(), Some("V1"), "v{version}");
        assert_eq!(
            (g1.preferences.len(), g1.stays.len(), g1.feedback.len()),
            (2, 1, 1),
            "v{version}"
        );
        for id in ["G1", "G2", "G3", "G4", "G5"] {
            assert_eq!(
                as_imported(old.profile(&id.into()).unwrap()),
                as_imported(today.profile(&id.into()).unwrap()),
                "v{version} {id}"
            );
        }
        drop(old);

        // Migrated once: opened again, it is current and nothing more happens.
        let mut again = Vec::new();
        drop(
            store::open(&target, &who, OpenOptions::default(), &mut |n| {
                again.push(n)
            })
            .unwrap(),
        );
        assert!(again.is_empty(), "v{version}: {again:?}");
    }
}

fn reservations(rows: &[BoardRow]) -> Vec<&str> {
    rows.iter().map(|r| r.reservation_id.as_str()).collect()
}
/// Serialises and reads back, asserting equality: the one definition of each `--json` shape
/// serves the CLI, the server and the remote client without loss.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
}

#[test]
fn every_json_shape_reads_back_equal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut s = guestbook::cli::create_demo(&path, "admin", common::date("2026-06-15")).unwrap();
    let hits = s.search("陆建华", 5).unwrap();
    round_trip(&hits);
    let profile = s.profile(&hits[0].id).unwrap();
    assert!(!profile.preferences.is_empty() && !profile.stays.is_empty());
    round_trip(&profile);
    round_trip(&profile.preferences[0]);
    round_trip(&profile.stays[0]);
    let board = s.board(common::date("2026-06-15"), false).unwrap();
    assert!(board.arrivals.iter().any(|r| !r.alerts.is_empty()));
    round_trip(&board);
    let feedback = s
        .add_feedback(NewFeedback {
            guest_id: hits[0].id.clone(),
            kind: FeedbackKind::Complaint,
            text: "空调太吵".into(),
            department: Some(Source::Housekeeping),
        })
        .unwrap();
    round_trip(&feedback);
    round_trip(&s.check().unwrap());
    round_trip(&s.settings().unwrap());
    add_account(&mut s, "admin", Role::Admin);
    round_trip(&s.accounts().unwrap());
    let summary = guestbook::store::ImportReport {
        imported: 3,
        updated: 2,
        rejected: 0,
        warnings: 1,
        ..Default::default()
    };
    round_trip(&summary);
    let patch = GuestPatch {
        company: Some(None),
        vip: Some(Some("V2".into())),
        ..GuestPatch::default()
    };
    round_trip(&patch);
    for err in [
        StoreError::no_guest(&"G1".into()),
        StoreError::invalid("vip", Problem::MaskedValue),
    ] {
        round_trip(&err);
    }
}

#[test]
fn mistakes_a_reviewer_found_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut admin = hotel(&path);
    add_account(&mut admin, "boss", Role::Admin);
    add_account(&mut admin, "hk", Role::Housekeeping);

    // A phones value with no number in it is refused; the stored phones stay.
    let out = cli(&path, "boss", &["edit", "G1", "phones=abc"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'abc' is not a phone number"));
    assert_eq!(admin.profile(&"G1".into()).unwrap().guest.phones.len(), 1);

    // The only administrator cannot make themselves an agent or disable themselves.
    for args in [
        &["user", "role", "boss", "agent"][..],
        &["user", "disable", "boss"][..],
    ] {
        let out = cli(&path, "boss", args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("only administrator"));
    }
    assert_eq!(admin.accounts().unwrap()[0].role, Role::Admin);

    // A role that may not export gets status 4, no output and no partial file.
    let out = cli(&path, "hk", &["export", "guests"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty());
    let file = dir.path().join("hk.csv");
    let out = cli(
        &path,
        "hk",
        &["export", "guests", "-o", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(!file.exists() && !dir.path().join("hk.partial").exists());

    // Only an open complaint is resolved, once.
    let praise = admin
        .add_feedback(NewFeedback {
            guest_id: "G1".into(),
            kind: FeedbackKind::Praise,
            text: "lovely".into(),
            department: None,
        })
        .unwrap();
    assert!(admin.resolve_feedback(praise.id, "thanks").is_err());
    let complaint = admin
        .add_feedback(NewFeedback {
            guest_id: "G1".into(),
            kind: FeedbackKind::Complaint,
            text: "noisy".into(),
            department: None,
        })
        .unwrap();
    admin.resolve_feedback(complaint.id, "moved room").unwrap();
    let again = admin.resolve_feedback(complaint.id, "again").unwrap_err();
    assert!(matches!(
        again,
        StoreError::Invalid {
            problem: Problem::NotAnOpenComplaint,
            ..
        }
    ));

    // No VIP codes at all would make every stored code invalid.
    let out = cli(&path, "boss", &["settings", "vip_codes", ""]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(admin.settings().unwrap().vip_codes.len(), 5);
}

#[test]
fn an_empty_file_is_no_database_for_a_command_that_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("touched.db");
    std::fs::write(&path, b"").unwrap();
    let out = cli(&path, "admin", &["search", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database"));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
}

#[test]
fn sign_in_cannot_lock_out_an_account_without_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut admin = hotel(&path);
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "cc.amy", Role::Agent);
    let require = Settings {
        require_sign_in: true,
        ..admin.settings().unwrap()
    };
    // The admin has no password: turning sign-in on would lock them out.
    let err = admin.set_settings(&require).unwrap_err();
    assert!(matches!(
        err,
        StoreError::Invalid {
            problem: Problem::SignInWithoutPassword,
            ..
        }
    ));
    admin
        .change_account(
            "admin",
            &guestbook::store::AccountChange::Password(Some("pw-admin".into())),
        )
        .unwrap();
    admin.set_settings(&require).unwrap();
    // An agent without a password is told an administrator must set one, not "wrong password".
    let who = Credentials {
        user: "cc.amy".into(),
        password: Some("guess".into()),
    };
    let err = store::open(
        &Target::File(path.clone()),
        &who,
        OpenOptions::default(),
        &mut |_| {},
    )
    .err()
    .unwrap();
    assert!(
        err.to_string().contains("guestbook user passwd cc.amy"),
        "{err}"
    );
    // A folder given as the database is refused as not a guestbook database.
    let err = store::open_file(dir.path(), "admin").err().unwrap();
    assert_eq!(err, StoreError::NotGuestbook);
}

/// The restore drill: a backup taken while four terminals keep recording opens, passes
/// `check` and holds every write acknowledged before it began; restored over a database it
/// equals the source as of the backup.
#[test]
fn a_backup_under_four_writers_restores_every_acknowledged_write() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    drop(hotel(&path));
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let (path, stop, acknowledged) = (path.clone(), stop.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                let mut s = store::open_file(&path, "admin").unwrap();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let note = format!("w{t}-{n}");
                    let pref = NewPreference {
                        guest_id: GuestId::from("G1"),
                        category: "tea".into(),
                        value: "longjing".into(),
                        note: Some(note.clone()),
                        observed_by: None,
                        observed_at: Utc::now(),
                        source: None,
                    };
                    // Busy is a refusal, not a loss: only acknowledged writes are counted.
                    if s.add_preference(pref).is_ok() {
                        acknowledged.lock().unwrap().push(note);
                    }
                    n += 1;
                    // A terminal saves and then takes a breath; four writers in a loop with
                    // none can starve SQLite's busy handler past its 5 s for anyone else.
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            })
        })
        .collect();
    let wait_for = |count: usize| {
        while acknowledged.lock().unwrap().len() < count {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    wait_for(40);
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let copy = dir.path().join("copy.db");
    let mut admin = store::open_file(&path, "admin").unwrap();
    let summary = admin.backup(&copy).unwrap();
    let during = acknowledged.lock().unwrap().len();
    wait_for(during + 20);
    stop.store(true, Ordering::Relaxed);
    writers.into_iter().for_each(|w| w.join().unwrap());
    assert_eq!(summary.guests, 1);

    let notes = |s: &mut Box<dyn Store>| -> Vec<String> {
        let mut notes: Vec<String> = s
            .profile(&GuestId::from("G1"))
            .unwrap()
            .preferences
            .into_iter()
            .filter_map(|p| p.note)
            .collect();
        notes.sort();
        notes
    };
    let mut backed_up = store::open_file(&copy, "admin").unwrap();
    assert!(backed_up.check().unwrap().ok);
    let in_copy = notes(&mut backed_up);
    for note in &before {
        assert!(
            in_copy.contains(note),
            "{note} was acknowledged before the backup"
        );
    }
    // Writes kept coming after the copy began; the copy does not have them all.
    let mut live = store::open_file(&path, "admin").unwrap();
    assert!(notes(&mut live).len() > in_copy.len());

    // Restoring over the live database loses those later writes: refused without --force.
    let refused = live.restore(&copy, false);
    assert!(
        matches!(refused, Err(StoreError::NewerThanBackup { .. })),
        "{refused:?}"
    );
    let restored = live.restore(&copy, true).unwrap();
    assert_eq!(restored, summary);
    assert_eq!(notes(&mut live), in_copy);
    // Another terminal that had the file open reads the restored data too.
    assert_eq!(notes(&mut backed_up), in_copy);
    assert!(live.check().unwrap().ok);
}

#[test]
fn only_an_admin_backs_up_or_restores_and_a_foreign_file_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    let mut s = hotel(&path);
    add_account(&mut s, "admin", Role::Admin);
    add_account(&mut s, "mgr", Role::Manager);
    let copy = dir.path().join("copy.db");
    let mut manager = store::open_file(&path, "mgr").unwrap();
    assert!(matches!(
        manager.backup(&copy),
        Err(StoreError::Forbidden { .. })
    ));
    let foreign = dir.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    assert!(matches!(
        manager.restore(&foreign, true),
        Err(StoreError::Forbidden { .. })
    ));
    let mut admin = store::open_file(&path, "admin").unwrap();
    assert_eq!(admin.restore(&foreign, true), Err(StoreError::NotGuestbook));
    let mut garbage = std::fs::read(&path).unwrap();
    garbage.truncate(garbage.len() / 2);
    let torn = dir.path().join("torn.db");
    std::fs::write(&torn, &garbage).unwrap();
    let torn_result = admin.restore(&torn, true);
    assert!(
        matches!(
            torn_result,
            Err(StoreError::BackupDamaged | StoreError::NotGuestbook)
        ),
        "{torn_result:?}"
    );
    // Nothing was restored: the guest is still there.
    assert!(admin.profile(&GuestId::from("G1")).is_ok());
}

#[test]
fn the_audit_log_refuses_to_be_changed_or_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hotel.db");
    drop(hotel(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let entries = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap()
    };
    let before = entries(&conn);
    assert!(before > 0);
    for tamper in ["UPDATE audit SET user = 'nobody'", "DELETE FROM audit"] {
        let err = conn.execute(tamper, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{tamper}: {err}");
    }
    assert_eq!(entries(&conn), before);
}
