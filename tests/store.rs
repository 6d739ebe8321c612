//! The SQLite store's contract: stale edits refused, appended preferences never lost under
//! concurrent writers, the board for the sample hotel's reference day.

mod common;

use common::*;

use std::path::Path;
use std::process::Command;

use chrono::Utc;
use guestbook::model::*;
use guestbook::search::phone;
use guestbook::store::{Entity, ImportItem, Kind, Store, StoreError};

fn open(path: &Path) -> Box<dyn Store> {
    guestbook::store::open_file(path, "test").unwrap()
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
fn stale_edit_is_refused_naming_who_changed_it_and_when() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("g.db"));
    import(
        &mut store,
        Kind::Guests,
        vec![ImportItem::Guest(guest("G1", "张伟", &["13800138000"]))],
    );

    // Two terminals read the same version; the front office saves first.
    let mut front = guestbook::store::open_file(&dir.path().join("g.db"), "fo.chenjie").unwrap();
    let mut agent = guestbook::store::open_file(&dir.path().join("g.db"), "cc.zhaomin").unwrap();
    let mine = agent.profile(&GuestId::from("G1")).unwrap().guest;
    let theirs = GuestPatch {
        preferred_address: Some(Some("张总".into())),
        ..GuestPatch::default()
    };
    let saved = front
        .update_guest(&mine.id, &theirs, Some(mine.version))
        .unwrap();
    assert_eq!(saved.version, mine.version + 1);

    let stale = GuestPatch {
        notes: Some(Some("prefers quiet rooms".into())),
        ..GuestPatch::default()
    };
    let err = agent
        .update_guest(&mine.id, &stale, Some(mine.version))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale { by, .. } if by == "fo.chenjie"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("fo.chenjie") && text.contains("G1"), "{text}");

    let kept = store.profile(&GuestId::from("G1")).unwrap().guest;
    assert_eq!(kept.preferred_address.as_deref(), Some("张总"));
    assert_eq!(kept.notes, None);
}

#[test]
fn edit_moves_search_keys_with_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("g.db"));
    import(
        &mut store,
        Kind::Guests,
        vec![ImportItem::Guest(guest("G1", "张伟", &["13800138000"]))],
    );
    let patch = GuestPatch {
        phones: Some(vec![phone::phone(
            "13912345678",
            phonenumber::country::Id::CN,
        )
        .unwrap()]),
        ..GuestPatch::default()
    };
    store
        .update_guest(&GuestId::from("G1"), &patch, None)
        .unwrap();
    assert!(store.search("13800138000", 5).unwrap().is_empty());
    assert_eq!(store.search("5678", 5).unwrap()[0].id, GuestId::from("G1"));
}

#[test]
fn preference_for_unknown_guest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("g.db"));
    let pref = NewPreference {
        guest_id: GuestId::from("nobody"),
        category: "pillow".into(),
        value: "buckwheat".into(),
        note: None,
        observed_by: None,
        observed_at: Utc::now(),
        source: None,
    };
    let err = store.add_preference(pref).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: Entity::Guest,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn undo_retires_but_keeps_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("g.db"));
    import(
        &mut store,
        Kind::Guests,
        vec![ImportItem::Guest(guest("G1", "李娜", &[]))],
    );
    let pref = NewPreference {
        guest_id: GuestId::from("G1"),
        category: "tea".into(),
        value: "longjing".into(),
        note: None,
        observed_by: Some("hk.liping".into()),
        observed_at: Utc::now(),
        source: Some(Source::Housekeeping),
    };
    let stored = store.add_preference(pref).unwrap();
    let noted = store
        .note_preference(&GuestId::from("G1"), stored.id, "大水杯")
        .unwrap();
    assert_eq!(noted.note.as_deref(), Some("大水杯"));
    store
        .retire_preference(&GuestId::from("G1"), stored.id)
        .unwrap();
    // The profile shows what is in force; the observation stays on record.
    let profile = store.profile(&GuestId::from("G1")).unwrap();
    assert_eq!(profile.preferences.len(), 0);
    let mut kept = 0;
    store
        .export(Kind::Preferences, &mut |_| {
            kept += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(kept, 1);
}

#[test]
fn four_terminals_recording_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    {
        let mut store = open(&db);
        import(
            &mut store,
            Kind::Guests,
            vec![ImportItem::Guest(guest("G1", "王芳", &[]))],
        );
    }
    let exe = env!("CARGO_BIN_EXE_guestbook");
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let script = format!(
                "for i in $(seq 1 500); do \"$0\" --db \"$1\" --user hk{w} pref add G1 room_temp 22 --note \"w{w} $i\" >/dev/null || exit 1; done"
            );
            Command::new("sh").args(["-c", &script, exe, db.to_str().unwrap()]).spawn().unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success(), "a writer saw an error");
    }
    let profile = open(&db).profile(&GuestId::from("G1")).unwrap();
    assert_eq!(profile.preferences.len(), 2000);
}

fn stay(
    res: &str,
    guest: &str,
    arrival: &str,
    departure: &str,
    status: StayStatus,
    room: &str,
) -> ImportItem {
    ImportItem::Stay(Stay {
        reservation_id: res.into(),
        guest_id: GuestId::from(guest),
        arrival: date(arrival),
        departure: date(departure),
        status,
        room: Some(room.into()),
        room_type: None,
        vip: None,
        adults: Some(1),
        spend_room: None,
        spend_fnb: None,
        spend_other: None,
        notes: None,
    })
}

#[test]
fn board_sorts_stays_into_arrivals_in_house_and_departures_with_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("g.db"));
    let mut vip = guest("G1", "王建国", &["13800138000"]);
    vip.vip = Some("V1".into());
    vip.birth_date = Some(date("1970-06-16"));
    let mut banned = guest("G2", "Tom Jones", &[]);
    banned.flags = vec![Flag::DoNotRent];
    import(
        &mut store,
        Kind::Guests,
        vec![
            ImportItem::Guest(vip),
            ImportItem::Guest(banned),
            ImportItem::Guest(guest("G3", "山田太郎", &[])),
        ],
    );
    import(
        &mut store,
        Kind::Stays,
        vec![
            stay(
                "R1",
                "G1",
                "2026-03-01",
                "2026-03-03",
                StayStatus::Departed,
                "1808",
            ),
            stay(
                "R2",
                "G1",
                "2026-06-15",
                "2026-06-18",
                StayStatus::Expected,
                "3501",
            ),
            stay(
                "R3",
                "G2",
                "2026-06-12",
                "2026-06-16",
                StayStatus::InHouse,
                "1203",
            ),
            stay(
                "R4",
                "G3",
                "2026-06-13",
                "2026-06-15",
                StayStatus::InHouse,
                "2216",
            ),
            stay(
                "R5",
                "G3",
                "2026-06-15",
                "2026-06-16",
                StayStatus::Cancelled,
                "2217",
            ),
        ],
    );
    import(
        &mut store,
        Kind::Feedback,
        vec![ImportItem::Feedback(Feedback {
            id: 0,
            guest_id: GuestId::from("G1"),
            kind: FeedbackKind::Complaint,
            at: Utc::now(),
            department: Some(Source::Housekeeping),
            text: "枕头太高".into(),
            resolution: None,
            status: Some(FeedbackStatus::Open),
        })],
    );

    let board = store.board(date("2026-06-15"), false).unwrap();
    let ids = |rows: &[BoardRow]| {
        rows.iter()
            .map(|r| r.reservation_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&board.arrivals), ["R2"]);
    assert_eq!(ids(&board.in_house), ["R3"]);
    assert_eq!(ids(&board.departures), ["R4"]);
    let arrival = &board.arrivals[0];
    assert_eq!(arrival.vip.as_deref(), Some("V1"));
    assert_eq!(arrival.stay_count, 1);
    assert_eq!(
        arrival.alerts,
        [
            Alert::OpenComplaint { count: 1 },
            Alert::Birthday {
                date: date("2026-06-16")
            }
        ]
    );
    assert_eq!(board.in_house[0].alerts, [Alert::DoNotRent]);

    let vip_only = store.board(date("2026-06-15"), true).unwrap();
    assert_eq!(ids(&vip_only.arrivals), ["R2"]);
    assert!(vip_only.in_house.is_empty() && vip_only.departures.is_empty());
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
