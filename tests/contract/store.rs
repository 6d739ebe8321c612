//! Profiles, preferences, feedback and the board: what a terminal reads and records.

use chrono::Utc;
use guestbook::model::*;
use guestbook::search::phone;
use guestbook::store::{Entity, ImportItem, Kind, Store, StoreError};

use crate::common::{add_account, date, import, stay};
use crate::Db;

pub fn guest(id: &str, name: &str, phones: &[&str]) -> Guest {
    let mut g = Guest::new(GuestId::from(id), name);
    g.phones = phones
        .iter()
        .map(|p| phone::phone(p, phonenumber::country::Id::CN).unwrap())
        .collect();
    g
}

/// One guest, 张伟 with a phone and an e-mail, in a database opened by its admin.
pub fn hotel(db: &Db) -> Box<dyn Store> {
    let mut s = db.open("admin");
    let mut g = guest("G1", "张伟", &["13800138000"]);
    g.emails = vec!["zhang.wei@example.com".into()];
    import(&mut s, Kind::Guests, vec![ImportItem::Guest(g)]);
    s
}

pub fn preference(guest: &str, category: &str, value: &str) -> NewPreference {
    NewPreference {
        guest_id: GuestId::from(guest),
        category: category.into(),
        value: value.into(),
        note: None,
        observed_by: None,
        observed_at: Utc::now(),
        source: None,
    }
}

pub fn preference_for_unknown_guest_is_refused(db: &Db) {
    let mut store = db.open("test");
    let err = store
        .add_preference(preference("nobody", "pillow", "buckwheat"))
        .unwrap_err();
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

pub fn undo_retires_but_keeps_the_record(db: &Db) {
    let mut store = db.open("test");
    import(
        &mut store,
        Kind::Guests,
        vec![ImportItem::Guest(guest("G1", "李娜", &[]))],
    );
    let pref = NewPreference {
        observed_by: Some("hk.liping".into()),
        source: Some(Source::Housekeeping),
        ..preference("G1", "tea", "longjing")
    };
    let stored = store.add_preference(pref).unwrap();
    // The caller cannot say who observed it: the acting user and their department are recorded.
    assert_eq!(stored.observed_by.as_deref(), Some("test"));
    assert_eq!(stored.source, Some(store.principal().department));
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

pub fn board_sorts_stays_into_arrivals_in_house_and_departures_with_alerts(db: &Db) {
    let mut store = board_hotel(db);
    let board = store.board(date("2026-06-15"), false).unwrap();
    assert_eq!(reservations(&board.arrivals), ["R2"]);
    assert_eq!(reservations(&board.in_house), ["R3"]);
    assert_eq!(reservations(&board.departures), ["R4"]);
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
    assert_eq!(reservations(&vip_only.arrivals), ["R2"]);
    assert!(vip_only.in_house.is_empty() && vip_only.departures.is_empty());
}

/// The VIP sheet is the VIP board with every complaint (open and resolved, newest first),
/// and only the roles that prepare arrivals get it.
pub fn vip_sheet_carries_past_complaints_for_the_roles_that_print_it(db: &Db) {
    let mut store = board_hotel(db);
    let resolved = Feedback {
        id: 0,
        guest_id: GuestId::from("G1"),
        kind: FeedbackKind::Complaint,
        at: date("2025-03-18").and_hms_opt(9, 0, 0).unwrap().and_utc(),
        department: Some(Source::Fnb),
        text: "早餐面条加了醋".into(),
        resolution: Some("面条重做".into()),
        status: Some(FeedbackStatus::Resolved),
    };
    let praise = Feedback {
        kind: FeedbackKind::Praise,
        text: "早餐很好".into(),
        resolution: None,
        status: None,
        ..resolved.clone()
    };
    import(
        &mut store,
        Kind::Feedback,
        vec![ImportItem::Feedback(resolved), ImportItem::Feedback(praise)],
    );
    let sheet = store.vip_sheet(date("2026-06-15")).unwrap();
    assert_eq!(sheet.date, date("2026-06-15"));
    let rows: Vec<&BoardRow> = sheet.arrivals.iter().map(|e| &e.row).collect();
    assert_eq!(
        rows,
        [&store.board(date("2026-06-15"), true).unwrap().arrivals[0]]
    );
    assert!(sheet.in_house.is_empty() && sheet.departures.is_empty());
    let texts: Vec<(&str, Option<&str>)> = sheet.arrivals[0]
        .complaints
        .iter()
        .map(|c| (c.text.as_str(), c.resolution.as_deref()))
        .collect();
    assert_eq!(
        texts,
        [("枕头太高", None), ("早餐面条加了醋", Some("面条重做"))]
    );
    // Printing is on record.
    let printed = store.audit(&AuditQuery::default()).unwrap();
    assert_eq!(
        (printed[0].action.as_str(), printed[0].detail.as_str()),
        ("report_vip", "date 2026-06-15")
    );

    add_account(&mut store, "test", Role::Admin);
    for (user, role, allowed) in [
        ("fo", Role::FrontOffice, true),
        ("mgr", Role::Manager, true),
        ("hk", Role::Housekeeping, false),
        ("agent", Role::Agent, false),
    ] {
        add_account(&mut store, user, role);
        let got = db.open(user).vip_sheet(date("2026-06-15"));
        match allowed {
            true => assert_eq!(got.unwrap(), sheet, "{user}"),
            false => assert!(
                matches!(got, Err(StoreError::Forbidden { .. })),
                "{user}: {got:?}"
            ),
        }
    }
}

/// A VIP arriving with a complaint and a birthday, a guest flagged do-not-rent in house, a
/// departure, and a cancelled stay, around 2026-06-15; opened by its only user.
fn board_hotel(db: &Db) -> Box<dyn Store> {
    let mut store = db.open("test");
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
    let stays = [
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
    ];
    import(
        &mut store,
        Kind::Stays,
        stays.into_iter().map(ImportItem::Stay).collect(),
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

    store
}

pub fn reservations(rows: &[BoardRow]) -> Vec<String> {
    rows.iter().map(|r| r.reservation_id.clone()).collect()
}

pub fn a_long_stay_resident_is_in_house_on_the_board(db: &Db) {
    let mut s = hotel(db);
    let resident = |id: &str, arrival: &str, departure: &str| {
        stay(id, "G1", arrival, departure, StayStatus::InHouse, "2112")
    };
    import(
        &mut s,
        Kind::Stays,
        vec![ImportItem::Stay(resident("R1", "2025-03-01", "2027-02-28"))],
    );
    // A later import of short stays does not shorten how far the board looks.
    import(
        &mut s,
        Kind::Stays,
        vec![ImportItem::Stay(resident("R2", "2024-01-01", "2024-01-03"))],
    );
    let board = s.board(date("2026-06-15"), false).unwrap();
    assert_eq!(board.in_house.len(), 1);
    assert_eq!(board.in_house[0].reservation_id, "R1");
    assert!(board.arrivals.is_empty() && board.departures.is_empty());
    let leaving = s.board(date("2027-02-28"), false).unwrap();
    assert_eq!(leaving.departures.len(), 1);
}

pub fn an_unknown_guest_is_not_found_alike_for_every_call(db: &Db) {
    let mut s = hotel(db);
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

pub fn a_profile_reads_back_equal_from_its_json(db: &Db) {
    let mut s = hotel(db);
    let p = s.profile(&"G1".into()).unwrap();
    let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["phones"][0], "+8613800138000");
}

/// Every flag is an alert where the guest appears, a deceased guest gets no birthday, and
/// `flagged` lists exactly the flagged profiles.
pub fn flags_are_alerts_and_the_flagged_list_holds_them_all(db: &Db) {
    let mut store = db.open("admin");
    let flagged = |id: &str, name: &str, flags: Vec<Flag>| {
        let mut g = guest(id, name, &[]);
        g.flags = flags;
        g.birth_date = Some(date("1950-06-16"));
        ImportItem::Guest(g)
    };
    import(
        &mut store,
        Kind::Guests,
        vec![
            flagged("G1", "王建国", vec![Flag::Deceased, Flag::LegalHold]),
            flagged("G2", "Tom Jones", vec![Flag::DoNotRent]),
            flagged("G3", "山田太郎", Vec::new()),
        ],
    );
    let stays = ["G1", "G2", "G3"]
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let room = format!("18{i:02}");
            ImportItem::Stay(stay(
                &format!("R{i}"),
                g,
                "2026-06-15",
                "2026-06-18",
                StayStatus::Expected,
                &room,
            ))
        })
        .collect();
    import(&mut store, Kind::Stays, stays);
    let board = store.board(date("2026-06-15"), false).unwrap();
    let alerts = |id: &str| {
        board
            .arrivals
            .iter()
            .find(|r| r.guest_id == GuestId::from(id))
            .unwrap()
            .alerts
            .clone()
    };
    assert_eq!(
        alerts("G1"),
        [
            Alert::Flag {
                flag: Flag::Deceased
            },
            Alert::Flag {
                flag: Flag::LegalHold
            }
        ]
    );
    let birthday = Alert::Birthday {
        date: date("2026-06-16"),
    };
    assert_eq!(alerts("G2"), [Alert::DoNotRent, birthday.clone()]);
    assert_eq!(alerts("G3"), [birthday]);
    let ids: Vec<String> = store
        .flagged()
        .unwrap()
        .into_iter()
        .map(|g| g.id.0)
        .collect();
    assert_eq!(ids, ["G2", "G1"], "by name: Tom Jones, 王建国");
}
