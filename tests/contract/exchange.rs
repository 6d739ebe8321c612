//! Import and export through the store: what one database exports, a fresh database of the
//! same backend imports and exports back unchanged; a refused import writes nothing.

use std::path::{Path, PathBuf};

use guestbook::interchange::{self, Format, ImportOptions};
use guestbook::store::{BadRows, ImportItem, ImportRow, Kind, RowProblem, Store};

use crate::common::snapshot;
use crate::store::{guest, hotel};
use crate::Db;

const KINDS: [Kind; 4] = [Kind::Guests, Kind::Preferences, Kind::Stays, Kind::Feedback];

fn name(kind: Kind) -> String {
    format!("{kind:?}").to_lowercase()
}

fn import_file(store: &mut Box<dyn Store>, kind: Kind, path: &Path) {
    let opts = ImportOptions::new(&store.settings().unwrap()).unwrap();
    let outcome = interchange::import_file(store.as_mut(), kind, path, &opts).unwrap();
    assert!(
        outcome.report.committed && outcome.errors.is_empty(),
        "{kind:?}: {:?}",
        outcome.errors
    );
}

fn export(store: &mut Box<dyn Store>, kind: Kind, format: Format) -> String {
    let mut out = Vec::new();
    interchange::export(store.as_mut(), kind, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The sample hotel: 337 guests, their preferences, stays and feedback.
pub fn sample_hotel(db: &Db) -> Box<dyn Store> {
    let mut store = db.open("admin");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for kind in KINDS {
        import_file(&mut store, kind, &dir.join(format!("{}.csv", name(kind))));
    }
    store
}

pub fn export_then_import_into_a_fresh_database_exports_the_same(db: &Db) {
    let mut original = sample_hotel(db);
    let files = tempfile::tempdir().unwrap();
    for format in [Format::Csv, Format::Jsonl] {
        let copy_db = db.another("copy");
        let mut copy = copy_db.open("admin");
        let ext = format.extension();
        let first: Vec<String> = KINDS
            .iter()
            .map(|k| export(&mut original, *k, format))
            .collect();
        for (kind, text) in KINDS.iter().zip(&first) {
            let path = files.path().join(format!("{}.{ext}", name(*kind)));
            std::fs::write(&path, text).unwrap();
            import_file(&mut copy, *kind, &path);
        }
        for (kind, text) in KINDS.iter().zip(&first) {
            assert_eq!(&export(&mut copy, *kind, format), text, "{kind:?} {ext}");
        }
        // And the copy reads the same profiles and board.
        for id in ["G0001", "G0002", "G0161"] {
            let a = original.profile(&id.into()).unwrap();
            let b = copy.profile(&id.into()).unwrap();
            assert_eq!(
                (&a.preferences, &a.stays, &a.feedback),
                (&b.preferences, &b.stays, &b.feedback),
                "{id}"
            );
        }
    }
}

pub fn a_refused_import_writes_nothing(db: &Db) {
    let mut store = hotel(db);
    let before = snapshot(&mut store);
    let mut rows = vec![
        ImportRow {
            line: 2,
            item: Ok(ImportItem::Guest(guest("G2", "李娜", &["13900139000"]))),
        },
        ImportRow {
            line: 3,
            item: Err(RowProblem {
                column: "phones".into(),
                reason: "not a phone number".into(),
            }),
        },
    ]
    .into_iter();
    let report = store
        .import(Kind::Guests, &mut rows, BadRows::Refuse)
        .unwrap();
    assert!(!report.committed);
    assert_eq!(report.rejected, 1);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, 3);
    assert_eq!(report.errors[0].column, "phones");
    assert_eq!(snapshot(&mut store), before);
    assert!(store.search("13900139000", 5).unwrap().is_empty());
}
