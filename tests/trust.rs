//! The store as the one trusted place: who is acting comes from the database, every call is
//! checked against the role, bad files are refused untouched, and nothing is silently lost.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::Utc;
use guestbook::model::*;
use guestbook::store::{
    self, AccountChange, Credentials, Entity, ImportItem, Kind, NewAccount, OpenOptions, Store,
    StoreError, Target,
};

fn open_as(path: &Path, user: &str) -> Result<Box<dyn Store>, StoreError> {
    let who = Credentials {
        user: user.into(),
        password: None,
    };
    store::open(
        &Target::File(path.into()),
        &who,
        OpenOptions::default(),
        &mut |_| {},
    )
}

fn hotel(path: &Path) -> Box<dyn Store> {
    let mut s = store::open_file(path, "admin").unwrap();
    let mut g = Guest::new(GuestId::from("G1"), "张伟");
    g.phones =
        vec![guestbook::search::phone::phone("13800138000", phonenumber::country::Id::CN).unwrap()];
    g.emails = vec!["zhang.wei@example.com".into()];
    common::import(&mut s, Kind::Guests, vec![ImportItem::Guest(g)]);
    s
}

fn add(store: &mut Box<dyn Store>, user: &str, role: Role) {
    store
        .add_account(&NewAccount {
            user: user.into(),
            role,
            department: None,
            password: None,
        })
        .unwrap();
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
fn roles_come_from_the_database_and_every_call_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut admin = hotel(&path);
    add(&mut admin, "admin", Role::Agent); // the first account is the admin, whatever was asked
    add(&mut admin, "hk.liping", Role::Housekeeping);
    assert_eq!(admin.accounts().unwrap()[0].role, Role::Admin);

    let mut hk = open_as(&path, "hk.liping").unwrap();
    assert_eq!(hk.principal().department, Source::Housekeeping);
    let patch = GuestPatch {
        vip: Some(Some("V1".into())),
        ..GuestPatch::default()
    };
    let err = hk.update_guest(&"G1".into(), &patch, None).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Forbidden {
                role: Role::Housekeeping,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(hk.erase(&"G1".into()).is_err());
    // What housekeeping records is filed under housekeeping, by the account's name.
    let pref = hk
        .add_preference(NewPreference {
            guest_id: "G1".into(),
            category: "pillow".into(),
            value: "buckwheat".into(),
            note: None,
            observed_by: None,
            observed_at: Utc::now(),
            source: None,
        })
        .unwrap();
    assert_eq!(pref.observed_by.as_deref(), Some("hk.liping"));
    assert_eq!(pref.source, Some(Source::Housekeeping));

    // A user the database does not know is refused with how to get an account.
    let err = open_as(&path, "stranger").err().unwrap();
    assert!(
        err.to_string().contains("guestbook user add stranger"),
        "{err}"
    );
    // A disabled account is refused too.
    admin
        .change_account("hk.liping", &AccountChange::Disable)
        .unwrap();
    assert!(matches!(
        open_as(&path, "hk.liping").err().unwrap(),
        StoreError::AccountDisabled { .. }
    ));

    // The CLI says it in one sentence with exit status 4.
    add(&mut admin, "cc.amy", Role::Agent);
    let out = cli(&path, "cc.amy", &["erase", "G1"]);
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("may not erase"), "{err}");
}

#[test]
fn sign_in_is_required_when_the_hotel_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut admin = hotel(&path);
    admin
        .add_account(&NewAccount {
            user: "admin".into(),
            role: Role::Admin,
            department: None,
            password: Some("longjing-22".into()),
        })
        .unwrap();
    let settings = Settings {
        require_sign_in: true,
        ..admin.settings().unwrap()
    };
    admin.set_settings(&settings).unwrap();
    assert!(matches!(
        open_as(&path, "admin").err().unwrap(),
        StoreError::SignInRequired { .. }
    ));
    let wrong = Credentials {
        user: "admin".into(),
        password: Some("longjing-23".into()),
    };
    assert!(matches!(
        admin.sign_in(&wrong).unwrap_err(),
        StoreError::WrongPassword { .. }
    ));
    let right = Credentials {
        password: Some("longjing-22".into()),
        ..wrong
    };
    assert_eq!(admin.sign_in(&right).unwrap().role, Role::Admin);
}

#[test]
fn settings_in_the_database_are_checked_on_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut s = hotel(&path);
    let patch = GuestPatch {
        vip: Some(Some("V9".into())),
        ..GuestPatch::default()
    };
    let err = s.update_guest(&"G1".into(), &patch, None).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "vip"),
        "{err:?}"
    );
    let settings = Settings {
        vip_codes: vec!["V1".into(), "V9".into()],
        ..s.settings().unwrap()
    };
    s.set_settings(&settings).unwrap();
    assert_eq!(
        s.update_guest(&"G1".into(), &patch, None)
            .unwrap()
            .vip
            .as_deref(),
        Some("V9")
    );
    // The CLI shows and changes the same settings.
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

#[test]
fn a_guest_import_with_some_columns_leaves_the_others_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.db");
    let mut s = hotel(&path);
    let mut partial = Guest::new(GuestId::from("G1"), "张伟");
    partial.preferred_address = Some("张总".into());
    common::import(&mut s, Kind::Guests, vec![ImportItem::Guest(partial)]);
    let g = s.profile(&"G1".into()).unwrap().guest;
    assert_eq!(g.preferred_address.as_deref(), Some("张总"));
    assert_eq!(g.phones[0].e164.0, "+8613800138000");
    assert_eq!(g.emails, ["zhang.wei@example.com"]);
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
fn a_profile_reads_back_equal_from_its_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = hotel(&dir.path().join("g.db"));
    let p = s.profile(&"G1".into()).unwrap();
    let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["phones"][0], "+8613800138000");
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

#[test]
fn an_unknown_guest_is_not_found_alike_for_every_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = hotel(&dir.path().join("g.db"));
    let missing = GuestId::from("nobody");
    let is_missing = |e: StoreError| {
        matches!(
            e,
            StoreError::NotFound {
                what: Entity::Guest,
                ..
            }
        )
    };
    assert!(is_missing(s.profile(&missing).unwrap_err()));
    assert!(is_missing(s.erase(&missing).unwrap_err()));
    assert!(is_missing(
        s.update_guest(&missing, &GuestPatch::default(), None)
            .unwrap_err()
    ));
}

#[test]
fn a_long_stay_resident_is_in_house_on_the_board() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = hotel(&dir.path().join("g.db"));
    let stay = |id: &str, arrival: &str, departure: &str| Stay {
        reservation_id: id.into(),
        guest_id: "G1".into(),
        arrival: common::date(arrival),
        departure: common::date(departure),
        status: StayStatus::InHouse,
        room: Some("2112".into()),
        room_type: None,
        vip: None,
        adults: None,
        spend_room: None,
        spend_fnb: None,
        spend_other: None,
        notes: None,
    };
    common::import(
        &mut s,
        Kind::Stays,
        vec![ImportItem::Stay(stay("R1", "2025-03-01", "2027-02-28"))],
    );
    // A later import of short stays does not shorten how far the board looks.
    common::import(
        &mut s,
        Kind::Stays,
        vec![ImportItem::Stay(stay("R2", "2024-01-01", "2024-01-03"))],
    );
    let board = s.board(common::date("2026-06-15"), false).unwrap();
    assert_eq!(board.in_house.len(), 1);
    assert_eq!(board.in_house[0].reservation_id, "R1");
    assert!(board.arrivals.is_empty() && board.departures.is_empty());
    let leaving = s.board(common::date("2027-02-28"), false).unwrap();
    assert_eq!(leaving.departures.len(), 1);
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
    add(&mut s, "admin", Role::Admin);
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
