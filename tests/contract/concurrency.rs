//! Several terminals on one database at once: writers queue and lose nothing, and readers
//! are never stopped or shown half an import.

use guestbook::model::*;
use guestbook::search::phone;
use guestbook::store::{BadRows, Credentials, ImportItem, ImportRow, Kind};

use crate::common::import;
use crate::store::{guest, hotel, preference};
use crate::Db;

pub fn four_terminals_recording_at_once_lose_nothing(db: &Db) {
    {
        let mut store = db.open("test");
        import(
            &mut store,
            Kind::Guests,
            vec![ImportItem::Guest(guest("G1", "王芳", &[]))],
        );
    }
    // 100 each, back to back: four supervisors recording flat out for a while. SQLite's
    // busy wait is not fair, so far longer bursts on a loaded 2-core machine can leave one
    // writer waiting past the 5 s busy timeout (it is told `Busy`; nothing is lost).
    std::thread::scope(|scope| {
        for w in 0..4 {
            let mut terminal = db.open(&format!("hk{w}"));
            scope.spawn(move || {
                for i in 1..=100 {
                    let pref = NewPreference {
                        note: Some(format!("w{w} {i}")),
                        ..preference("G1", "room_temp", "22")
                    };
                    terminal
                        .add_preference(pref)
                        .unwrap_or_else(|e| panic!("writer {w} saw an error: {e:?}"));
                }
            });
        }
    });
    let profile = db.open("test").profile(&GuestId::from("G1")).unwrap();
    assert_eq!(profile.preferences.len(), 400);
    let mut notes: Vec<String> = profile
        .preferences
        .iter()
        .map(|p| p.note.clone().unwrap())
        .collect();
    notes.sort();
    notes.dedup();
    assert_eq!(notes.len(), 400);
}

/// What a second terminal reads while an import of 3,000 guests is under way.
#[derive(Debug)]
struct MidImport {
    profile: Profile,
    own_phone: Vec<GuestId>,
    new_name: usize,
    new_phone: usize,
    board: Board,
    late_terminal: Profile,
}

pub fn reads_during_a_large_import_see_the_old_data(db: &Db) {
    let mut importer = hotel(db);
    let mut reader = db.open("cc.amy");
    let g1 = GuestId::from("G1");
    let today = crate::common::date("2026-06-15");
    let profile_before = reader.profile(&g1).unwrap();
    let board_before = reader.board(today, false).unwrap();

    // The first row changes G1, then come 3,000 new guests; halfway, the other terminal reads.
    let mut changed = guest("G1", "张伟", &[]);
    changed.preferred_address = Some("张总".into());
    let newcomers = (0..3000).map(|i| {
        let mut g = Guest::new(GuestId(format!("N{i:04}")), "王芳");
        g.phones =
            vec![phone::phone(&format!("1390001{i:04}"), phonenumber::country::Id::CN).unwrap()];
        g
    });
    let items = std::iter::once(changed)
        .chain(newcomers)
        .map(ImportItem::Guest);
    let mut seen = None;
    let mut rows = items.enumerate().map(|(i, item)| {
        if i == 1500 {
            let late = Credentials {
                user: "cc.bob".into(),
                password: None,
            };
            seen = Some((|| {
                Ok::<_, guestbook::store::StoreError>(MidImport {
                    profile: reader.profile(&g1)?,
                    own_phone: reader
                        .search("13800138000", 5)?
                        .into_iter()
                        .map(|h| h.id)
                        .collect(),
                    new_name: reader.search("王芳", 5)?.len(),
                    new_phone: reader.search("13900011499", 5)?.len(),
                    board: reader.board(today, false)?,
                    late_terminal: db.try_open(&late)?.profile(&g1)?,
                })
            })());
        }
        ImportRow {
            line: i as u64 + 2,
            item: Ok(item),
        }
    });
    let report = importer
        .import(Kind::Guests, &mut rows, BadRows::Refuse)
        .unwrap();
    drop(rows);
    assert!(report.committed);
    assert_eq!((report.imported, report.updated), (3000, 1));

    let seen = seen.expect("the reads ran").expect("reads never fail");
    assert_eq!(seen.profile, profile_before);
    assert_eq!(seen.own_phone, [GuestId::from("G1")]);
    assert_eq!((seen.new_name, seen.new_phone), (0, 0));
    assert_eq!(seen.board, board_before);
    assert_eq!(seen.late_terminal, profile_before);

    // Once committed, everyone sees all of it.
    let after = reader.profile(&g1).unwrap().guest;
    assert_eq!(after.preferred_address.as_deref(), Some("张总"));
    assert_eq!(reader.search("王芳", 5).unwrap().len(), 5);
    assert_eq!(
        reader.search("13900011499", 5).unwrap()[0].id,
        GuestId::from("N1499")
    );
}
