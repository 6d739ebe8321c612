//! Erasure on a SQLite file, down to its bytes: after `erase` or `purge` (which end with the
//! store's own compaction, a WAL checkpoint that truncates the WAL), the erased guest's
//! name, phone, e-mail, ID number and free texts appear nowhere in the database file or its
//! WAL, while another guest's values still do. And the command line over it: `purge`,
//! `destructions`, `export-guest` with their exit codes and files.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::Utc;
use common::{import, stay};
use guestbook::model::*;
use guestbook::search::phone;
use guestbook::store::{self, ImportItem, Kind, SessionBook, Store};

/// A guest whose every value is unique to it, so finding any of its bytes means a leak.
fn unique_guest(id: &str, tag: &str, mobile: &str) -> Guest {
    let mut g = Guest::new(GuestId::from(id), &format!("琥珀{tag}鸾"));
    g.name_latin = Some(format!("Zebulon {tag}quartzfeather"));
    g.phones = vec![phone::phone(mobile, phonenumber::country::Id::CN).unwrap()];
    g.emails = vec![format!("{tag}.quill@example.org")];
    g.id_doc_type = Some(IdDocType::Passport);
    g.id_doc_number = Some(format!("PX{tag}7731"));
    g.company = Some(format!("{tag} Marmoset Holdings"));
    g.notes = Some(format!("{tag} likes the harbour view"));
    g
}

/// The values of `unique_guest` as they could be stored: as entered, E.164, the national
/// digits, the reversed digits of the phone keys, and the free texts around the guest.
fn traces(tag: &str, mobile: &str) -> Vec<String> {
    let e164 = format!("+86{mobile}");
    let reversed: String = format!("86{mobile}").chars().rev().collect();
    vec![
        format!("琥珀{tag}鸾"),
        format!("{tag}quartzfeather"),
        format!("{tag}.quill@example.org"),
        format!("PX{tag}7731"),
        format!("{tag} Marmoset"),
        format!("{tag} likes the harbour"),
        format!("{tag} pref note"),
        format!("{tag} stay note"),
        format!("{tag} complaint text"),
        e164,
        mobile.to_string(),
        reversed,
    ]
}

/// The bytes of the database file and of its WAL (absent counts as empty).
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Records the guest's free texts: a preference note, a stay note, a complaint, and a
/// server's stored answer to a retried write about it.
fn record_around(store: &mut Box<dyn Store>, db: &Path, id: &str, tag: &str, room: &str) {
    let pref = store
        .add_preference(NewPreference {
            guest_id: id.into(),
            category: "pillow".into(),
            value: "buckwheat".into(),
            note: Some(format!("{tag} pref note")),
            observed_by: None,
            observed_at: Utc::now(),
            source: None,
        })
        .unwrap();
    let mut s = stay(
        &format!("R-{id}"),
        id,
        "2019-01-01",
        "2019-01-03",
        StayStatus::Departed,
        room,
    );
    s.notes = Some(format!("{tag} stay note"));
    import(store, Kind::Stays, vec![ImportItem::Stay(s)]);
    store
        .add_feedback(NewFeedback {
            guest_id: id.into(),
            kind: FeedbackKind::Complaint,
            text: format!("{tag} complaint text"),
            department: None,
        })
        .unwrap();
    let profile = store.profile(&id.into()).unwrap();
    let body = serde_json::to_vec(&(profile, pref)).unwrap();
    let mut book = SessionBook::open(db).unwrap();
    let answer = guestbook::store::KeptAnswer {
        status: 200,
        body,
        request: Some(vec![7; 32]),
    };
    book.remember("admin", &format!("key-{id}"), &answer, Utc::now())
        .unwrap();
}

/// Many ordinary guests around the ones under test, so their rows share pages with others.
fn filler(store: &mut Box<dyn Store>) {
    let others: Vec<ImportItem> = (0..300)
        .map(|i| {
            let mut g = Guest::new(GuestId(format!("F{i:04}")), &format!("王{i}"));
            g.phones = vec![
                phone::phone(&format!("1370000{i:04}"), phonenumber::country::Id::CN).unwrap(),
            ];
            g.notes = Some(format!(
                "filler guest number {i} with a longer note to fill pages"
            ));
            ImportItem::Guest(g)
        })
        .collect();
    import(store, Kind::Guests, others);
}

#[test]
fn erased_values_are_nowhere_in_the_file_or_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotel.db");
    let mut s = store::open_file(&db, "admin").unwrap();
    filler(&mut s);
    let (gone, kept) = (
        unique_guest("E1", "Xyzzy", "13955501234"),
        unique_guest("C1", "Plugh", "13966607788"),
    );
    import(
        &mut s,
        Kind::Guests,
        vec![ImportItem::Guest(gone), ImportItem::Guest(kept)],
    );
    record_around(&mut s, &db, "E1", "Xyzzy", "901");
    record_around(&mut s, &db, "C1", "Plugh", "902");
    // Edits leave older versions of the row behind in freed cells: they must go too.
    let patch = GuestPatch {
        company: Some(Some("Xyzzy Marmoset Holdings Ltd".into())),
        ..GuestPatch::default()
    };
    s.update_guest(&"E1".into(), &patch, None).unwrap();
    filler_edit(&mut s);

    let before = file_bytes(&db);
    for t in traces("Xyzzy", "13955501234") {
        assert!(contains(&before, &t), "the test data is there before: {t}");
    }

    s.erase_because(&"E1".into(), Some("DSR-1")).unwrap();
    // Read while the store is still open: closing the last connection would checkpoint
    // the WAL by itself and hide a store that forgot to.
    let after = file_bytes(&db);
    for t in traces("Xyzzy", "13955501234") {
        assert!(!contains(&after, &t), "erased value still in the file: {t}");
    }
    // The control guest's values are all still there: the search above can find things.
    for t in traces("Plugh", "13966607788") {
        assert!(contains(&after, &t), "control value missing: {t}");
    }
    // The stored answer about the erased guest is gone, the other one kept.
    let mut book = SessionBook::open(&db).unwrap();
    assert!(book.answer("admin", "key-E1").unwrap().is_none());
    assert!(book.answer("admin", "key-C1").unwrap().is_some());
    drop(s);
}

/// Every filler guest edited once, so pages are rewritten after the guest under test.
fn filler_edit(store: &mut Box<dyn Store>) {
    for i in (0..300).step_by(7) {
        let patch = GuestPatch {
            vip: Some(Some("V1".into())),
            ..GuestPatch::default()
        };
        store
            .update_guest(&GuestId(format!("F{i:04}")), &patch, None)
            .unwrap();
    }
}

#[test]
fn purged_values_are_nowhere_in_the_file_or_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotel.db");
    let mut s = store::open_file(&db, "admin").unwrap();
    filler(&mut s);
    let mut kept = unique_guest("C1", "Plugh", "13966607788");
    kept.flags = vec![Flag::LegalHold];
    import(
        &mut s,
        Kind::Guests,
        vec![
            ImportItem::Guest(unique_guest("E1", "Xyzzy", "13955501234")),
            ImportItem::Guest(kept),
        ],
    );
    record_around(&mut s, &db, "E1", "Xyzzy", "901");
    record_around(&mut s, &db, "C1", "Plugh", "902");
    let today = Utc::now().date_naive() + chrono::Duration::days(1826 + 10);
    let report = s.purge(today, false).unwrap();
    // Every filler guest and E1 go; C1's legal hold keeps it.
    assert_eq!((report.anonymized, report.blocked), (301, 1));
    let after = file_bytes(&db);
    for t in traces("Xyzzy", "13955501234") {
        assert!(!contains(&after, &t), "purged value still in the file: {t}");
    }
    for t in traces("Plugh", "13966607788") {
        assert!(contains(&after, &t), "control value missing: {t}");
    }
    assert!(!contains(&after, "filler guest number 17 with"));
    drop(s);
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

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn purge_destructions_and_export_guest_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotel.db");
    let mut s = store::open_file(&db, "admin").unwrap();
    common::add_account(&mut s, "admin", Role::Admin);
    common::add_account(&mut s, "mgr", Role::Manager);
    common::add_account(&mut s, "fo", Role::FrontOffice);
    import(
        &mut s,
        Kind::Guests,
        vec![ImportItem::Guest(unique_guest(
            "E1",
            "Xyzzy",
            "13955501234",
        ))],
    );
    drop(s);
    let future = (Utc::now().date_naive() + chrono::Duration::days(1900)).to_string();

    // The dry run: manager may; JSON as cli.md says, plus the list.
    let out = cli(
        &db,
        "mgr",
        &["--today", &future, "purge", "--dry-run", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (json["anonymized"].as_u64(), json["blocked"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(json["guests"][0]["id"], "E1");
    // The real purge is the admin's: refused for the manager with exit 4.
    let out = cli(&db, "mgr", &["--today", &future, "purge"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("may not purge profiles past retention"),
        "{}",
        text(&out.stderr)
    );

    // The export: the front desk may not; a manager writes a file only its owner reads.
    let file = dir.path().join("E1.json");
    let out = cli(
        &db,
        "fo",
        &["export-guest", "E1", "-o", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(!file.exists());
    let out = cli(
        &db,
        "mgr",
        &["export-guest", "E1", "-o", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(record["guest"]["id_doc_number"], "PXXyzzy7731");
    assert_eq!(
        record["audit"].as_array().unwrap().last().unwrap()["action"],
        "export_guest"
    );

    let out = cli(&db, "admin", &["--today", &future, "purge"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("Anonymised 1 profiles"),
        "{}",
        text(&out.stdout)
    );
    let out = cli(&db, "admin", &["erase", "E1", "--reason", "DSR-9"]);
    assert!(
        out.status.success(),
        "erasing a tombstone again is harmless: {}",
        text(&out.stderr)
    );

    // Staff see that the guest was erased, not a profile called [erased].
    let out = cli(&db, "fo", &["show", "E1"]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).starts_with("Guest E1: personal data erased on "),
        "{}",
        text(&out.stdout)
    );

    let out = cli(&db, "mgr", &["destructions", "--json"]);
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reasons: Vec<&str> = records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, vec!["request", "retention"]);
    assert_eq!(records[1]["counts"]["guests"], 1);
    assert_eq!(records[0]["note"], "DSR-9");
    let out = cli(&db, "fo", &["destructions"]);
    assert_eq!(out.status.code(), Some(4));

    // A PMS import of the erased id is left out with a warning naming line and id.
    let csv = dir.path().join("guests.csv");
    std::fs::write(&csv, "id,name\nE1,琥珀Xyzzy鸾\nN1,New Guest\n").unwrap();
    let out = cli(
        &db,
        "admin",
        &["import", "guests", csv.to_str().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (summary["imported"].as_u64(), summary["erased"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        text(&out.stderr).contains("guests.csv:2: column id: guest E1 was erased"),
        "{}",
        text(&out.stderr)
    );
}
