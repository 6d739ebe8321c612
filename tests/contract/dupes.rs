//! Likely duplicates and merging: which pairs are proposed and why, pairs marked "not the
//! same person" stay apart, imports name the rows that look like other profiles, and after a
//! merge every read agrees while writes to the merged-away id are refused naming KEEP.

use guestbook::interchange::{self, ImportOptions};
use guestbook::model::*;
use guestbook::store::{ImportItem, ImportRow, Kind, RowDuplicate, Store, StoreError};

use crate::common::{add_account, import, stay};
use crate::exchange::sample_hotel;
use crate::store::{guest, preference};
use crate::Db;

fn pair(a: &str, b: &str, reasons: &[DupeReason]) -> DupePair {
    DupePair {
        a: a.into(),
        b: b.into(),
        score: guestbook::rules::dupes::score(reasons),
        reasons: reasons.to_vec(),
    }
}

fn born(g: &mut Guest, day: &str) -> Guest {
    g.birth_date = Some(crate::common::date(day));
    g.clone()
}

/// Five guests: G1 and G2 are one person (same passport, same e-mail in another case),
/// G3 is G1's namesake born another day with another phone, G4 shares G1's name and birth
/// date, G5 shares G3's name and the last 4 digits of another number.
fn hotel(db: &Db) -> Box<dyn Store> {
    let mut s = db.open("admin");
    let mut g1 = guest("G1", "张伟", &["13800138000"]);
    g1.id_doc_type = Some(IdDocType::Passport);
    g1.id_doc_number = Some("E12345678".into());
    g1.emails = vec!["zhang.wei@example.com".into()];
    let mut g2 = guest("G2", "張偉", &["13900139000"]);
    g2.id_doc_type = Some(IdDocType::Passport);
    g2.id_doc_number = Some("e1234 5678".into());
    g2.emails = vec!["Zhang.Wei@Example.com".into()];
    let g3 = born(&mut guest("G3", "张伟", &["13700137000"]), "1990-01-01");
    let g4 = born(&mut guest("G4", "张伟", &[]), "1970-04-28");
    let g5 = born(&mut guest("G5", "张伟", &["18600137000"]), "1991-02-02");
    let g1 = born(&mut g1, "1970-04-28");
    let items = Vec::from([g1, g2, g3, g4, g5].map(ImportItem::Guest));
    import(&mut s, Kind::Guests, items);
    s
}

pub fn dupes_are_scored_best_first_and_namesakes_are_not_flagged(db: &Db) {
    let mut store = hotel(db);
    use DupeReason::*;
    assert_eq!(
        store.dupes(50).unwrap(),
        [
            pair("G1", "G2", &[IdDocument, Email]),
            pair("G1", "G4", &[NameBirthDate]),
            pair("G3", "G5", &[NameLastFour]),
        ]
    );
    assert_eq!(store.dupes(1).unwrap().len(), 1);
    // One profile's duplicates read with that profile first.
    assert_eq!(
        store.dupes_of(&"G2".into()).unwrap(),
        [pair("G2", "G1", &[IdDocument, Email])]
    );
    assert_eq!(store.dupes_of(&"G3".into()).unwrap().len(), 1);
}

/// The sample hotel's namesakes (13 names shared by different people) are not flagged: the
/// only pair is two colleagues sharing their company's switchboard number.
pub fn the_sample_hotel_flags_its_shared_line_and_no_namesakes(db: &Db) {
    let mut store = sample_hotel(db);
    assert_eq!(
        store.dupes(100).unwrap(),
        [pair("G0233", "G0280", &[DupeReason::Phone])]
    );
}

pub fn a_pair_marked_never_stays_away_whatever_reason_finds_it(db: &Db) {
    let mut store = hotel(db);
    store.never_dupes(&"G2".into(), &"G1".into()).unwrap();
    // Marking again changes nothing and writes no second entry.
    store.never_dupes(&"G1".into(), &"G2".into()).unwrap();
    let listed = |s: &mut Box<dyn Store>| -> Vec<(String, String)> {
        s.dupes(50)
            .unwrap()
            .into_iter()
            .map(|p| (p.a.0, p.b.0))
            .collect()
    };
    let others = vec![("G1".into(), "G4".into()), ("G3".into(), "G5".into())];
    assert_eq!(listed(&mut store), others);
    assert_eq!(store.dupes_of(&"G2".into()).unwrap(), []);
    // Found again by another reason (now the same phone too): still apart.
    let patch = GuestPatch {
        phones: Some(vec![guest("x", "x", &["13800138000"]).phones[0].clone()]),
        ..GuestPatch::default()
    };
    store.update_guest(&"G2".into(), &patch, None).unwrap();
    assert_eq!(listed(&mut store), others);

    let entries = store
        .audit(&AuditQuery {
            guest: Some("G2".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    let never: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == "dupes_never")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(never, ["G2 and G1 are not the same person"]);

    let err = store
        .never_dupes(&"G3".into(), &"G3".into())
        .expect_err("a profile with itself");
    assert_eq!(err, StoreError::invalid("G3", Problem::SamePair));
    let err = store
        .never_dupes(&"G3".into(), &"G404".into())
        .expect_err("unknown");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

pub fn only_managers_list_dupes_and_mark_pairs(db: &Db) {
    let mut admin = hotel(db);
    add_account(&mut admin, "admin", Role::Admin);
    add_account(&mut admin, "desk", Role::FrontOffice);
    add_account(&mut admin, "boss", Role::Manager);
    let mut desk = db.open("desk");
    for err in [
        desk.dupes(10).unwrap_err(),
        desk.never_dupes(&"G1".into(), &"G2".into()).unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                StoreError::Forbidden {
                    role: Role::FrontOffice,
                    action: guestbook::privacy::Action::ReviewDupes,
                }
            ),
            "{err:?}"
        );
    }
    // Who creates profiles is warned of duplicates.
    assert_eq!(desk.dupes_of(&"G4".into()).unwrap().len(), 1);
    let mut boss = db.open("boss");
    assert_eq!(boss.dupes(10).unwrap().len(), 3);
    add_account(&mut admin, "hk", Role::Housekeeping);
    let err = db.open("hk").dupes_of(&"G4".into()).unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
}

pub fn merged_and_erased_profiles_are_never_listed(db: &Db) {
    let mut store = hotel(db);
    store.merge(&"G1".into(), &"G2".into()).unwrap();
    // KEEP took G2's phone; G2 itself is gone from every pair.
    let pairs = store.dupes(50).unwrap();
    assert!(
        pairs.iter().all(|p| p.a.0 != "G2" && p.b.0 != "G2"),
        "{pairs:?}"
    );
    assert_eq!(pairs.len(), 2);
    // The merged-away id reads as KEEP.
    let of_g2 = store.dupes_of(&"G2".into()).unwrap();
    assert_eq!(of_g2, [pair("G1", "G4", &[DupeReason::NameBirthDate])]);
    store.erase(&"G4".into()).unwrap();
    assert_eq!(
        store.dupes(50).unwrap(),
        [pair("G3", "G5", &[DupeReason::NameLastFour])]
    );
}

pub fn an_import_names_the_rows_that_look_like_other_profiles(db: &Db) {
    let mut store = hotel(db);
    let mut twin = guest("G10", "Li Na", &["13800138000"]);
    twin.emails = vec!["LINA@example.org".into()];
    let mut again = guest("G11", "Lina Other", &[]);
    again.emails = vec!["lina@example.org".into()];
    let fresh = guest("G12", "Nobody Alike", &["13512345678"]);
    let items = [twin, again, fresh].map(ImportItem::Guest);
    let mut rows = items.into_iter().enumerate().map(|(i, item)| ImportRow {
        line: i as u64 + 2,
        item: Ok(item),
    });
    let report = store
        .import(Kind::Guests, &mut rows, guestbook::store::BadRows::Refuse)
        .unwrap();
    assert_eq!(report.imported, 3);
    assert_eq!(
        report.duplicates,
        [
            RowDuplicate {
                line: 2,
                id: "G10".into(),
                other: "G1".into(),
                reasons: vec![DupeReason::Phone],
            },
            RowDuplicate {
                line: 3,
                id: "G11".into(),
                other: "G10".into(),
                reasons: vec![DupeReason::Email],
            },
        ]
    );

    // Through a file: each is a warning naming its line and the other profile.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guests.csv");
    std::fs::write(&path, "id,name,phones\nG20,Wang Fang,+86 138 0013 8000\n").unwrap();
    let opts = ImportOptions::new(&store.settings().unwrap()).unwrap();
    let outcome = interchange::import_file(store.as_mut(), Kind::Guests, &path, &opts).unwrap();
    let warnings: Vec<String> = outcome.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(outcome.summary().report.warnings, 2);
    assert!(warnings[0].contains(":2:"), "{warnings:?}");
    let others: Vec<bool> = ["G1", "G10"]
        .iter()
        .map(|o| {
            warnings
                .iter()
                .any(|w| w.contains(&format!("same person as {o} (same phone)")))
        })
        .collect();
    assert_eq!(others, [true, true], "{warnings:?}");
}

/// After a merge, search, show and the board agree on KEEP; every write addressed to the
/// merged-away id is refused with a sentence naming KEEP, through every kind of call.
pub fn after_a_merge_reads_agree_and_writes_to_the_old_id_name_keep(db: &Db) {
    let mut store = hotel(db);
    let today = crate::common::date("2026-06-15");
    let stays = vec![
        ImportItem::Stay(stay(
            "R1",
            "G2",
            "2026-06-14",
            "2026-06-17",
            StayStatus::InHouse,
            "1201",
        )),
        ImportItem::Stay(stay(
            "R0",
            "G1",
            "2025-01-01",
            "2025-01-03",
            StayStatus::Departed,
            "802",
        )),
    ];
    import(&mut store, Kind::Stays, stays);
    let pref = store
        .add_preference(preference("G2", "pillow", "buckwheat"))
        .unwrap();
    store.merge(&"G1".into(), &"G2".into()).unwrap();

    let hits = store.search_on("13900139000", 5, Some(today)).unwrap();
    let found: Vec<&str> = hits.iter().map(|h| h.id.0.as_str()).collect();
    assert_eq!(found, ["G1"]);
    let shown = store.profile(&"G2".into()).unwrap();
    assert_eq!(shown.guest.id.0, "G1");
    assert_eq!(shown.stay_count, 2);
    assert_eq!(shown.preferences.len(), 1);
    let board = store.board(today, false).unwrap();
    let row = &board.in_house[0];
    assert_eq!((row.guest_id.0.as_str(), row.stay_count), ("G1", 2));

    let keep_named = |err: StoreError| {
        let text = err.to_string();
        assert!(text.contains("merged into G1"), "{text}");
    };
    let patch = GuestPatch {
        vip: Some(Some("V1".into())),
        ..GuestPatch::default()
    };
    keep_named(store.update_guest(&"G2".into(), &patch, None).unwrap_err());
    keep_named(
        store
            .add_preference(preference("G2", "pillow", "down"))
            .unwrap_err(),
    );
    keep_named(store.retire_preference(&"G2".into(), pref.id).unwrap_err());
    keep_named(
        store
            .note_preference(&"G2".into(), pref.id, "n")
            .unwrap_err(),
    );
    keep_named(
        store
            .add_feedback(NewFeedback {
                guest_id: "G2".into(),
                kind: FeedbackKind::Complaint,
                text: "noise".into(),
                department: None,
            })
            .unwrap_err(),
    );
    keep_named(store.merge(&"G3".into(), &"G2".into()).unwrap_err());
    keep_named(store.never_dupes(&"G3".into(), &"G2".into()).unwrap_err());
    // An import row addressed to it is refused the same way.
    let mut rows = std::iter::once(ImportRow {
        line: 2,
        item: Ok(ImportItem::Stay(stay(
            "R9",
            "G2",
            "2026-07-01",
            "2026-07-02",
            StayStatus::Expected,
            "301",
        ))),
    });
    let report = store
        .import(Kind::Stays, &mut rows, guestbook::store::BadRows::Refuse)
        .unwrap();
    assert_eq!(report.rejected, 1);
    assert!(
        report.errors[0].reason.contains("merged into G1"),
        "{:?}",
        report.errors
    );
}
