//! The interchange contract: bad input is reported by line and column and writes nothing,
//! `--skip-bad` leaves a rejects file that imports once corrected, re-imports change nothing,
//! and export -> import -> export is byte-identical for all four kinds in both formats.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use guestbook::interchange::{self, Format, ImportOptions, ImportOutcome, InterchangeError};
use guestbook::store::{Kind, Store};
use proptest::prelude::*;

const KINDS: [Kind; 4] = [Kind::Guests, Kind::Preferences, Kind::Stays, Kind::Feedback];

const GUESTS: &str = "\
id,name,name_latin,preferred_address,gender,birth_date,nationality,language,id_doc_type,id_doc_number,phones,emails,company,vip,flags,notes
G0001,张伟,,张总,M,1975-03-08,CN,zh-CN,national_id,110101197503080011,+86 138 0013 8000;(021) 6234 5678,zhang.wei@example.cn,华夏贸易,V1,,\"corner room, high floor\"
G0002,José Álvarez,,Sr. Álvarez,M,,ES,es,passport,XDA123456,+34 612 345 678,jose@example.es,,,no_marketing,
G0003,Anna Müller,,Dr. Müller,F,1988-11-30,de,de,passport,C01X00T47,+49 30 1234567,,Siemens,v3,,\"allergic to \"\"nuts\"\"
keep nuts out of the minibar\"
";

const PREFERENCES: &str = "\
guest_id,category,value,note,observed_by,observed_at,source
G0001,pillow,buckwheat,wants two,hk.liu,2026-06-01T09:30:00+08:00,housekeeping
G0001,room_temp,22,,hk.liu,2026-06-01T01:31:00Z,housekeeping
G0003,tea,Jasmine,,,2026-05-20T18:00:00.5Z,fnb
";

const STAYS: &str = "\
reservation_id,guest_id,arrival,departure,status,room,room_type,vip,adults,spend_room,spend_fnb,spend_other,notes
R1001,G0001,2026-06-15,2026-06-18,expected,1808,DLK,V1,2,,,,
R1002,G0002,2026-06-10,2026-06-12,departed,905,Deluxe King,,1,2560.00,380.5,0,late checkout
";

const FEEDBACK: &str = "\
guest_id,kind,at,department,text,resolution,status
G0001,complaint,2026-06-11T22:10:00+08:00,housekeeping,room not made up,apologised; fruit basket,resolved
G0002,praise,2026-06-12T08:00:00Z,fnb,great breakfast,,
";

fn options() -> ImportOptions {
    ImportOptions::new(&guestbook::model::Settings::default()).unwrap()
}

fn store(dir: &Path, name: &str) -> Box<dyn Store> {
    guestbook::store::open_file(&dir.join(name), "test").unwrap()
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import(store: &mut Box<dyn Store>, kind: Kind, path: &Path) -> ImportOutcome {
    interchange::import_file(store.as_mut(), kind, path, &options()).unwrap()
}

fn import_ok(store: &mut Box<dyn Store>, kind: Kind, path: &Path) -> ImportOutcome {
    let outcome = import(store, kind, path);
    assert!(
        outcome.report.committed && outcome.errors.is_empty(),
        "{:?}",
        outcome.errors
    );
    outcome
}

fn export(store: &mut Box<dyn Store>, kind: Kind, format: Format) -> String {
    let mut out = Vec::new();
    interchange::export(store.as_mut(), kind, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn export_all(store: &mut Box<dyn Store>) -> String {
    KINDS
        .iter()
        .map(|k| export(store, *k, Format::Csv))
        .collect()
}

/// A database holding the four fixture files.
fn hotel(dir: &Path) -> Box<dyn Store> {
    let mut db = store(dir, "hotel.db");
    for (kind, name, text) in [
        (Kind::Guests, "guests.csv", GUESTS),
        (Kind::Preferences, "preferences.csv", PREFERENCES),
        (Kind::Stays, "stays.csv", STAYS),
        (Kind::Feedback, "feedback.csv", FEEDBACK),
    ] {
        let path = write(dir, name, text);
        import_ok(&mut db, kind, &path);
    }
    db
}

fn first_error(outcome: &ImportOutcome) -> String {
    outcome
        .errors
        .first()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- what import makes of a row

#[test]
fn fixture_rows_import_with_canonical_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let guests = export(&mut db, Kind::Guests, Format::Csv);
    let zhang = guests.lines().nth(1).unwrap();
    assert_eq!(
        zhang,
        "G0001,张伟,Zhang Wei,张总,M,1975-03-08,CN,zh-CN,national_id,110101197503080011,\
         '+86 138 0013 8000;(021) 6234 5678,zhang.wei@example.cn,华夏贸易,V1,,\"corner room, high floor\","
    );
    assert!(
        guests.contains("G0003,Anna Müller,,Dr. Müller,F,1988-11-30,DE,de,"),
        "{guests}"
    );
    assert!(
        guests.contains(",Siemens,V3,,\"allergic to \"\"nuts\"\"\nkeep nuts out of the minibar\"")
    );
    assert_eq!(
        export(&mut db, Kind::Preferences, Format::Csv),
        "guest_id,category,value,note,observed_by,observed_at,source\n\
         G0001,pillow,buckwheat,wants two,hk.liu,2026-06-01T01:30:00Z,housekeeping\n\
         G0001,room_temp,22,,hk.liu,2026-06-01T01:31:00Z,housekeeping\n\
         G0003,tea,jasmine,,,2026-05-20T18:00:00.500Z,fnb\n"
    );
}

#[test]
fn header_matches_by_name_in_any_order_and_case_with_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "guests.csv",
        "\u{feff}Phones, NAME ,Id\n13800138000,王芳,G9\n",
    );
    import_ok(&mut db, Kind::Guests, &path);
    assert_eq!(
        export(&mut db, Kind::Guests, Format::Csv).lines().nth(1),
        Some("G9,王芳,Wang Fang,,,,,,,,13800138000,,,,,,")
    );
}

#[test]
fn unknown_columns_are_skipped_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "guests.csv",
        "id,name,loyalty_tier\nG9,Ann Lee,gold\n",
    );
    let opts = ImportOptions {
        ignore_unknown: true,
        ..options()
    };
    let outcome = interchange::import_file(db.as_mut(), Kind::Guests, &path, &opts).unwrap();
    assert_eq!((outcome.report.imported, outcome.report.rejected), (1, 0));
}

#[test]
fn json_lines_take_numbers_lists_and_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = write(
        dir.path(),
        "stays.ndjson",
        "\u{feff}{\"reservation_id\":\"R2001\",\"guest_id\":\"G0003\",\"arrival\":\"2026-07-01\",\
         \"departure\":\"2026-07-03\",\"status\":\"expected\",\"adults\":2,\"spend_room\":1280.5}\r\n\
         \n",
    );
    import_ok(&mut db, Kind::Stays, &path);
    let guests = write(
        dir.path(),
        "guests.jsonl",
        "{\"name\":\"Ann Lee\",\"phones\":[\"+1 (415) 555-0132\",\"13900139000\"],\"gender\":null}\n",
    );
    import_ok(&mut db, Kind::Guests, &guests);
    let exported = export(&mut db, Kind::Guests, Format::Jsonl);
    assert!(
        exported.contains("\"name\":\"Ann Lee\",\"phones\":\"+1 (415) 555-0132;13900139000\"}"),
        "{exported}"
    );
    assert!(export(&mut db, Kind::Stays, Format::Jsonl).contains(
        "{\"reservation_id\":\"R2001\",\"guest_id\":\"G0003\",\"arrival\":\"2026-07-01\",\
         \"departure\":\"2026-07-03\",\"status\":\"expected\",\"adults\":2,\"spend_room\":\"1280.5\"}\n"
    ));
}

#[test]
fn guests_without_id_get_one_assigned() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "guests.csv",
        "name,phones\nAnn Lee,\n李娜,13900139000\n",
    );
    assert_eq!(import_ok(&mut db, Kind::Guests, &path).report.imported, 2);
    let ids: Vec<String> = export(&mut db, Kind::Guests, Format::Csv)
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["G0000001", "G0000002"]);
}

#[test]
fn preferences_without_a_time_are_observed_at_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = write(
        dir.path(),
        "late.csv",
        "guest_id,category,value\nG0002,coffee,espresso\nG0002,pillow,foam\n",
    );
    let before = Utc::now() - chrono::Duration::seconds(1);
    import_ok(&mut db, Kind::Preferences, &path);
    let after = Utc::now();
    let prefs = export(&mut db, Kind::Preferences, Format::Csv);
    let times: Vec<DateTime<Utc>> = prefs
        .lines()
        .filter(|l| l.starts_with("G0002"))
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    assert_eq!(times.len(), 2);
    assert_eq!(times[0], times[1]);
    assert!(before <= times[0] && times[0] <= after, "{times:?}");
}

// ---------------------------------------------------------------- bad input

/// Imports `text` into the fixture hotel and checks the first error and that nothing changed.
fn refused(kind: Kind, name: &str, text: &[u8]) -> (PathBuf, ImportOutcome) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let before = export_all(&mut db);
    let path = write(dir.path(), name, text);
    let outcome = import(&mut db, kind, &path);
    assert!(!outcome.report.committed);
    assert_eq!(export_all(&mut db), before, "the database changed");
    (path, outcome)
}

fn refused_file(kind: Kind, name: &str, text: &str) -> (PathBuf, InterchangeError) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let before = export_all(&mut db);
    let path = write(dir.path(), name, text);
    let err = interchange::import_file(db.as_mut(), kind, &path, &options()).unwrap_err();
    assert_eq!(export_all(&mut db), before, "the database changed");
    (path, err)
}

#[test]
fn bad_rows_name_line_column_and_reason_and_write_nothing() {
    let guests_header = "id,name,birth_date,phones\n";
    let cases: Vec<(Kind, &str, Vec<u8>, &str)> = vec![
        (
            Kind::Guests,
            "guests.csv",
            format!("{guests_header}G10,Ann Lee,,\nG11,,,\n").into(),
            "3: column name: a value is required",
        ),
        (
            Kind::Guests,
            "guests.csv",
            format!("{guests_header}G10,Ann Lee,1980-13-01,\n").into(),
            "2: column birth_date: '1980-13-01' is not a date; write YYYY-MM-DD",
        ),
        (
            Kind::Guests,
            "guests.csv",
            format!("{guests_header}G10,Ann Lee,,13800138000;1.38001E+10\n").into(),
            "2: column phones: '1.38001E+10' is a phone number Excel turned into a rounded \
             number, so its last digits are lost; in Excel format the phone column as Text \
             (or type the numbers with a leading ') and export the file again",
        ),
        (
            Kind::Guests,
            "guests.csv",
            b"id,name,notes\nG10,Ann Lee,\n\"G11\",\"Bo Lee\",\"two\nlines\"\nG10,Ann Again,\n".to_vec(),
            "5: column id: G10 is on line 2 and again on line 5 of this file; keep one of them",
        ),
        (
            Kind::Guests,
            "guests.csv",
            format!("{guests_header}G10,Ann Lee,,,extra\n").into(),
            "2: the row has 5 fields but the header has 4",
        ),
        (
            Kind::Guests,
            "guests.jsonl",
            b"{\"id\":\"G10\",\"name\":\"Ann Lee\"}\n{\"id\":\"G11\",\"name\":\"Bo".to_vec(),
            "2: column 22: invalid JSON: EOF while parsing a string",
        ),
        (
            Kind::Guests,
            "guests.jsonl",
            b"{\"id\":\"G10\",\"name\":\"Ann\",\"shoe\":\"42\"}\n".to_vec(),
            "1: column shoe: unknown field (known fields: id, name, name_latin",
        ),
        (
            Kind::Stays,
            "stays.csv",
            b"reservation_id,guest_id,arrival,departure,status\nR9,G0001,2026-06-15,2026-06-15,expected\n"
                .to_vec(),
            "2: column departure: departure 2026-06-15 is not after arrival 2026-06-15",
        ),
        (
            Kind::Stays,
            "stays.csv",
            b"reservation_id,guest_id,arrival,departure,status\nR9,G0404,2026-06-15,2026-06-16,expected\n"
                .to_vec(),
            "2: column guest_id: no guest with id 'G0404' (import guests first)",
        ),
        (
            Kind::Stays,
            "stays.csv",
            b"reservation_id,guest_id,arrival,departure,status,adults\nR9,G0001,2026-06-15,2026-06-16,booked,2\n"
                .to_vec(),
            "2: column status: 'booked' is not one of: expected, in_house, departed, cancelled, no_show",
        ),
        (
            Kind::Preferences,
            "preferences.csv",
            b"guest_id,category,value\nG0001,shoe,42\n".to_vec(),
            "2: column category: unknown preference category 'shoe' (expected one of: pillow, tea,",
        ),
        (
            Kind::Preferences,
            "preferences.csv",
            b"guest_id,category,value\nG0001,pillow,silk\n".to_vec(),
            "2: column value: unknown pillow option 'silk' (expected one of: buckwheat, foam,",
        ),
        (
            Kind::Feedback,
            "feedback.csv",
            b"guest_id,kind,at,text\nG0001,complaint,yesterday,noisy\n".to_vec(),
            "2: column at: 'yesterday' is not a timestamp; write RFC 3339 like 2026-06-15T14:30:00+08:00",
        ),
    ];
    for (kind, name, text, expected) in cases {
        let (path, outcome) = refused(kind, name, &text);
        let error = first_error(&outcome);
        let expected = format!("{}:{expected}", path.display());
        assert!(
            error.starts_with(&expected),
            "got:  {error}\nwant: {expected}"
        );
    }
}

#[test]
fn every_bad_row_is_reported_not_just_the_first() {
    let (_, outcome) = refused(
        Kind::Guests,
        "guests.csv",
        b"id,name,gender\nG10,,F\nG11,Bo Lee,Q\nG12,Cy Lee,M\n",
    );
    let where_: Vec<(u64, &str)> = outcome
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_str()))
        .collect();
    assert_eq!(where_, [(2, "name"), (3, "gender")]);
    assert_eq!(outcome.report.rejected, 2);
}

#[test]
fn an_unknown_column_refuses_the_file_naming_it() {
    let (path, err) = refused_file(
        Kind::Guests,
        "guests.csv",
        "id,name,shoe_size\nG10,Ann,42\n",
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}:1: unknown column 'shoe_size' (known columns: id, name, name_latin, \
             preferred_address, gender, birth_date, nationality, language, id_doc_type, \
             id_doc_number, phones, emails, company, vip, flags, notes, pseudonym); use --ignore-unknown to skip it.",
            path.display()
        )
    );
}

#[test]
fn a_missing_required_column_refuses_the_file_naming_it() {
    let (path, err) = refused_file(
        Kind::Stays,
        "stays.csv",
        "reservation_id,guest_id,arrival,status\nR9,G0001,2026-06-15,expected\n",
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}:1: the required column 'departure' is missing from the header.",
            path.display()
        )
    );
}

#[test]
fn an_unknown_extension_asks_for_a_format() {
    let (path, err) = refused_file(Kind::Guests, "guests.xlsx", "id,name\n");
    assert_eq!(
        err.to_string(),
        format!(
            "Cannot tell the format of {}; name it .csv or .jsonl, or give --format.",
            path.display()
        )
    );
}

// ---------------------------------------------------------------- skip-bad and rejects

#[test]
fn skip_bad_imports_good_rows_and_the_corrected_rejects_import_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = write(
        dir.path(),
        "more.csv",
        "reservation_id,guest_id,arrival,departure,status,notes\n\
         R7,G0001,2026-07-01,2026-07-02,expected,\n\
         R8,G0404,2026-07-01,2026-07-02,expected,\"two\nlines\"\n\
         R9,G0002,2026-07-05,2026-07-01,expected,\n\
         R10,G0003,2026-07-01,2026-07-03,expected,\n",
    );
    let opts = ImportOptions {
        skip_bad: true,
        ..options()
    };
    let outcome = interchange::import_file(db.as_mut(), Kind::Stays, &path, &opts).unwrap();
    assert_eq!(
        (
            outcome.report.imported,
            outcome.report.rejected,
            outcome.report.committed
        ),
        (2, 2, true)
    );
    let lines: Vec<u64> = outcome.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 5]);
    let rejects = dir.path().join("more.rejects.csv");
    assert_eq!(outcome.rejects_file.as_deref(), Some(rejects.as_path()));
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(
        text,
        "reservation_id,guest_id,arrival,departure,status,notes\n\
         R8,G0404,2026-07-01,2026-07-02,expected,\"two\nlines\"\n\
         R9,G0002,2026-07-05,2026-07-01,expected,\n"
    );
    let fixed = text.replace("G0404", "G0003").replace("07-05", "06-25");
    std::fs::write(&rejects, fixed).unwrap();
    let again = import_ok(&mut db, Kind::Stays, &rejects);
    assert_eq!(again.report.imported, 2);
}

#[test]
fn skip_bad_rejects_of_json_lines_are_the_raw_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "guests.jsonl",
        "{\"id\":\"G1\",\"name\":\"Ann\"}\n{\"id\":\"G2\",\"name\":\"Bo\",\"gender\":\"Q\"}\n{\"id\":\"G3\",\"na\n",
    );
    let opts = ImportOptions {
        skip_bad: true,
        rejects: Some(dir.path().join("fix-me.jsonl")),
        ..options()
    };
    let outcome = interchange::import_file(db.as_mut(), Kind::Guests, &path, &opts).unwrap();
    assert_eq!((outcome.report.imported, outcome.report.rejected), (1, 2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fix-me.jsonl")).unwrap(),
        "{\"id\":\"G2\",\"name\":\"Bo\",\"gender\":\"Q\"}\n{\"id\":\"G3\",\"na\n"
    );
}

// ---------------------------------------------------------------- re-import

#[test]
fn the_same_stays_file_twice_imports_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = dir.path().join("stays.csv");
    let again = import_ok(&mut db, Kind::Stays, &path).report;
    assert_eq!((again.imported, again.updated), (0, 0));
    for kind in [Kind::Guests, Kind::Preferences, Kind::Feedback] {
        let name = format!("{}.csv", format!("{kind:?}").to_lowercase());
        let report = import_ok(&mut db, kind, &dir.path().join(name)).report;
        assert_eq!((report.imported, report.updated), (0, 0), "{kind:?}");
    }
}

#[test]
fn a_changed_stay_row_updates_that_stay() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = write(dir.path(), "tonight.csv", STAYS.replace(",1808,", ",1810,"));
    let report = import_ok(&mut db, Kind::Stays, &path).report;
    assert_eq!((report.imported, report.updated), (0, 1));
    assert!(export(&mut db, Kind::Stays, Format::Csv)
        .contains("R1001,G0001,2026-06-15,2026-06-18,expected,1810,"));
}

// ---------------------------------------------------------------- a large stays file

/// More stay rows than a stays import takes one by one into its indexes (it drops them and
/// builds them once at the end past 50 000 rows).
const BULK_STAYS: usize = 60_000;

/// `BULK_STAYS` stays of the three fixture guests in 2020–2024, all departed but every
/// seventh cancelled; the last one is G0001's, departed on 2030-01-01. `extra` is appended.
fn many_stays(extra: &str) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut text = String::from("reservation_id,guest_id,arrival,departure,status,room\n");
    for i in 0..BULK_STAYS - 1 {
        let arrival = start + chrono::Days::new((i % 1500) as u64);
        let departure = arrival + chrono::Days::new(1 + (i % 5) as u64);
        let status = if i % 7 == 0 { "cancelled" } else { "departed" };
        let guest = 1 + i % 3;
        text += &format!(
            "B{i:06},G000{guest},{arrival},{departure},{status},{}\n",
            100 + i % 900
        );
    }
    text += "B999999,G0001,2030-01-01,2030-01-04,departed,1808\n";
    text + extra
}

/// Every index of the database file, by name, with its definition.
fn indexes(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// Each guest's last stay as stored, and whether it and its phone keys' ranks agree with
/// its stays.
fn last_stays(db: &Path) -> Vec<(String, Option<String>, bool)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare(
            "SELECT g.id, g.last_stay, \
             g.last_stay IS (SELECT max(arrival) FROM stays s WHERE s.gid = g.gid \
                 AND s.status IN ('in_house', 'departed')) \
             AND NOT EXISTS (SELECT 1 FROM phone_keys p WHERE p.gid = g.gid \
                 AND p.last_stay IS NOT CAST(strftime('%Y%m%d', g.last_stay) AS INTEGER)) \
             FROM guests g ORDER BY g.id",
        )
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_large_stays_file_imports_in_bulk_with_every_behaviour_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let file = dir.path().join("hotel.db");
    let schema = indexes(&file);
    let before = export_all(&mut db);

    // A duplicate at the end refuses the whole file: nothing written, every index still there.
    let dup = "B000007,G0002,2026-07-01,2026-07-02,expected,\n";
    let path = write(dir.path(), "dup.csv", many_stays(dup));
    let outcome = import(&mut db, Kind::Stays, &path);
    assert_eq!(
        outcome.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        [format!(
            "{}:60002: column reservation_id: B000007 is on line 9 and again on line 60002 of this file; keep one of them",
            path.display()
        )]
    );
    let r = &outcome.report;
    assert_eq!((r.imported, r.rejected, r.committed), (0, 1, false));
    assert_eq!(export_all(&mut db), before);
    assert_eq!(indexes(&file), schema);

    // A dry run counts and writes nothing.
    let path = write(dir.path(), "many.csv", many_stays(""));
    let outcome = import_with(&mut db, Kind::Stays, &path, |o| o.dry_run = true);
    let r = &outcome.report;
    assert_eq!(
        (r.imported, r.updated, r.rejected, r.committed),
        (60_000, 0, 0, false)
    );
    assert_eq!(export_all(&mut db), before);
    assert_eq!(indexes(&file), schema);

    // Imported: the indexes are built again and each guest's last stay is its latest
    // counted arrival, on the guest and on its phone keys.
    let r = import_ok(&mut db, Kind::Stays, &path).report;
    assert_eq!((r.imported, r.updated, r.unchanged), (60_000, 0, 0));
    assert_eq!(indexes(&file), schema);
    let g = |id: &str, last: &str| (id.to_string(), Some(last.to_string()), true);
    assert_eq!(
        last_stays(&file),
        [
            g("G0001", "2030-01-01"),
            g("G0002", "2026-06-10"),
            g("G0003", "2024-02-08"),
        ]
    );

    // Again, with the 2030 stay moved to G0003: one update, both guests' last stays follow.
    let moved = many_stays("").replace("B999999,G0001", "B999999,G0003");
    let path = write(dir.path(), "moved.csv", moved);
    let r = import_ok(&mut db, Kind::Stays, &path).report;
    assert_eq!((r.imported, r.updated, r.unchanged), (0, 1, 59_999));
    assert_eq!(indexes(&file), schema);
    assert_eq!(
        last_stays(&file),
        [
            g("G0001", "2024-02-06"),
            g("G0002", "2026-06-10"),
            g("G0003", "2030-01-01"),
        ]
    );
}

#[test]
fn a_stays_file_touching_many_guests_ranks_their_phone_keys_in_one_pass() {
    // Above 20,000 touched guests the import ranks their phone keys in one pass over them.
    const MANY: usize = 20_500;
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let file = dir.path().join("hotel.db");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut guests = String::from("id,name,phones\n");
    let mut stays = String::from("reservation_id,guest_id,arrival,departure,status\n");
    for i in 0..MANY {
        guests += &format!("M{i:05},Guest {i},+86139{i:08}\n");
        let arrival = start + chrono::Days::new((i % 700) as u64);
        let departure = arrival + chrono::Days::new(2);
        // Every tenth is still to come: it does not count as a last stay.
        let status = if i % 10 == 0 { "expected" } else { "departed" };
        stays += &format!("S{i:05},M{i:05},{arrival},{departure},{status}\n");
    }
    import_ok(
        &mut db,
        Kind::Guests,
        &write(dir.path(), "many.csv", guests),
    );
    let path = write(dir.path(), "many-stays.csv", stays);
    let r = import_ok(&mut db, Kind::Stays, &path).report;
    assert_eq!((r.imported, r.updated, r.rejected), (MANY as u64, 0, 0));
    let all = last_stays(&file);
    assert_eq!(all.len(), MANY + 3);
    let disagree: Vec<_> = all.iter().filter(|(_, _, agrees)| !agrees).collect();
    assert!(disagree.is_empty(), "{disagree:?}");
    let last = |id: &str| all.iter().find(|g| g.0 == id).unwrap().1.clone();
    assert_eq!(last("M00042").as_deref(), Some("2024-02-12"));
    assert_eq!(last("M00040"), None);
}

// ---------------------------------------------------------------- round trip

/// Exports every kind from `db`, imports the files into a fresh database, exports again.
fn assert_round_trip(dir: &Path, db: &mut Box<dyn Store>, format: Format) {
    let ext = format.extension();
    let mut copy = store(dir, &format!("copy-{ext}.db"));
    let first: Vec<String> = KINDS.iter().map(|k| export(db, *k, format)).collect();
    for (kind, text) in KINDS.iter().zip(&first) {
        let path = write(dir, &format!("{kind:?}.{ext}"), text);
        import_ok(&mut copy, *kind, &path);
    }
    for (kind, text) in KINDS.iter().zip(&first) {
        assert_eq!(&export(&mut copy, *kind, format), text, "{kind:?} {ext}");
    }
}

#[test]
fn export_import_export_is_identical_for_every_kind_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    assert_round_trip(dir.path(), &mut db, Format::Csv);
    assert_round_trip(dir.path(), &mut db, Format::Jsonl);
}

#[test]
fn csv_and_json_lines_exports_carry_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let mut copy = store(dir.path(), "copy.db");
    for kind in KINDS {
        let path = write(
            dir.path(),
            &format!("{kind:?}.jsonl"),
            export(&mut db, kind, Format::Jsonl),
        );
        import_ok(&mut copy, kind, &path);
    }
    assert_eq!(export_all(&mut copy), export_all(&mut db));
}

// ---------------------------------------------------------------- generated guests

const PHONES: &[&str] = &[
    "13800138000",
    "+86 139 0013 9000",
    "(021) 6234 5678",
    "0086 137-0013-7000",
    "+1 (415) 555-0132",
    "+49 30 1234567",
    "+852 9123 4567",
];

fn name_strategy() -> impl Strategy<Value = String> {
    let han = proptest::sample::select(vec![
        '张', '王', '李', '陳', '欧', '阳', '伟', '娜', '曾', '單', '龍',
    ]);
    let latin = proptest::sample::select(vec![
        "José", "Álvarez", "Müller", "Seán", "O'Brien", "Nguyễn", "Zoë", "Smith", "Łukasz", "Ådne",
    ]);
    prop_oneof![
        proptest::collection::vec(han.clone(), 1..5).prop_map(|c| c.into_iter().collect()),
        proptest::collection::vec(latin.clone(), 1..4).prop_map(|w| w.join(" ")),
        (proptest::collection::vec(han, 2..3), latin)
            .prop_map(|(c, w)| format!("{} {w}", c.into_iter().collect::<String>())),
    ]
}

fn optional(s: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), s]
}

fn guest_row() -> impl Strategy<Value = Vec<String>> {
    (
        name_strategy(),
        optional(name_strategy()),
        optional(proptest::sample::select(vec!["F", "M", "X"]).prop_map(String::from)),
        optional(
            (1930..2010i32, 1..13u32, 1..29u32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        ),
        proptest::collection::vec(proptest::sample::select(PHONES.to_vec()), 0..3),
        optional("[a-z]{1,8}@[a-z]{1,8}\\.(cn|de|com)"),
        optional(proptest::sample::select(vec!["V1", "V5"]).prop_map(String::from)),
        optional("[ -~]{0,20}(\n[\"a-z,]{1,10})?"),
    )
        .prop_map(|(name, latin, gender, birth, phones, email, vip, notes)| {
            vec![
                name,
                latin,
                gender,
                birth,
                phones.join(";"),
                email,
                vip,
                notes.trim().to_string(),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_guests_survive_export_and_import(rows in proptest::collection::vec(guest_row(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let mut input = csv::Writer::from_writer(Vec::new());
        input.write_record(["id", "name", "name_latin", "gender", "birth_date", "phones", "emails", "vip", "notes"]).unwrap();
        for (i, row) in rows.iter().enumerate() {
            let id = format!("P{i:03}");
            input.write_record(std::iter::once(&id).chain(row)).unwrap();
        }
        let path = write(dir.path(), "generated.csv", input.into_inner().unwrap());
        let mut db = store(dir.path(), "g.db");
        let outcome = import(&mut db, Kind::Guests, &path);
        prop_assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        prop_assert_eq!(outcome.report.imported, rows.len() as u64);

        let first = export(&mut db, Kind::Guests, Format::Csv);
        let mut reader = csv::Reader::from_reader(first.as_bytes());
        for (record, row) in reader.records().zip(&rows) {
            let record = record.unwrap();
            prop_assert_eq!(&record[1], row[0].as_str());
            prop_assert_eq!(interchange::unprefixed(&record[10]), row[4].as_str());
        }
        let again = write(dir.path(), "again.csv", &first);
        let mut copy = store(dir.path(), "copy.db");
        import_ok(&mut copy, Kind::Guests, &again);
        prop_assert_eq!(export(&mut copy, Kind::Guests, Format::Csv), first);
    }
}

/// The example number of every region libphonenumber knows (fixed line and mobile), written
/// as a hotel abroad writes it: with `+` and its own country code, imported with the hotel's
/// region CN. Each must be stored as its reference E.164, verified.
#[test]
fn every_regions_example_numbers_import_as_their_e164() {
    let dir = tempfile::tempdir().unwrap();
    let examples: Vec<Vec<&str>> = include_str!("fixtures/example_phones.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(examples.len(), 482);
    let mut csv = String::from("id,name,phones\n");
    for (i, row) in examples.iter().enumerate() {
        csv.push_str(&format!("X{i:03},Guest {i},{}\n", row[2]));
    }
    let path = write(dir.path(), "world.csv", csv);
    let mut db = store(dir.path(), "world.db");
    let outcome = import_ok(&mut db, Kind::Guests, &path);
    assert_eq!(outcome.report.imported, 482);
    // Regions sharing a numbering plan share example numbers: those guests are only named as
    // likely duplicates (same phone); no number is taken with a warning of its own.
    let not_shared: Vec<_> = outcome
        .warnings()
        .iter()
        .filter(|w| !(w.column == "id" && w.reason.ends_with("(same phone)")))
        .collect();
    assert_eq!(not_shared, Vec::<&guestbook::interchange::BadRow>::new());
    let mut wrong = Vec::new();
    for (i, row) in examples.iter().enumerate() {
        let guest = db
            .profile(&format!("X{i:03}").as_str().into())
            .unwrap()
            .guest;
        let stored: Vec<(&str, bool)> = guest
            .phones
            .iter()
            .map(|p| (p.e164.0.as_str(), p.verified))
            .collect();
        if stored != [(row[4], true)] {
            wrong.push(format!(
                "{} {}: {stored:?}, want {}",
                row[0], row[2], row[4]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Phone fields as hotels write them: each row's stored phones (`e164 ext N`, `?` when
/// unverified), the warnings the summary lists, and each guest findable by the number.
#[test]
fn phone_fields_as_hotels_write_them_are_kept_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "phones.csv",
        "id,name,phones\n\
         P1,Ann,13812345678/13987654321\n\
         P2,Bob,021-62881234转806\n\
         P3,Cat,＋８６ １３７１２３４５６７８\n\
         P4,Dan,+86 (0)21 6234 5678\n\
         P5,Eve,n/a\n\
         P6,Fay,1380013800\n\
         P7,Gus,13612345678; 0000\n",
    );
    let mut db = store(dir.path(), "phones.db");
    let outcome = import_ok(&mut db, Kind::Guests, &path);
    assert_eq!(outcome.report.imported, 7);
    let warnings: Vec<String> = outcome.warnings().iter().map(|w| w.to_string()).collect();
    let shown = path.display().to_string();
    assert_eq!(
        warnings,
        [
            format!("{shown}:6: column phones: 'n/a' holds no phone number; ignored"),
            format!(
                "{shown}:7: column phones: '1380013800' is not a number the numbering plan \
                 knows; kept unverified as +861380013800"
            ),
            format!("{shown}:8: column phones: '0000' holds no phone number; ignored"),
        ]
    );
    for (id, want) in [
        ("P1", &["+8613812345678", "+8613987654321"][..]),
        ("P2", &["+862162881234 ext 806"]),
        ("P3", &["+8613712345678"]),
        ("P4", &["+862162345678"]),
        ("P5", &[]),
        ("P6", &["+861380013800 ?"]),
        ("P7", &["+8613612345678"]),
    ] {
        let guest = db.profile(&id.into()).unwrap().guest;
        let stored: Vec<String> = guest
            .phones
            .iter()
            .map(|p| {
                let ext = p.extension.as_ref().map(|e| format!(" ext {e}"));
                let unverified = if p.verified { "" } else { " ?" };
                format!("{}{}{unverified}", p.e164, ext.unwrap_or_default())
            })
            .collect();
        assert_eq!(stored, want, "{id}");
    }
    for (query, id) in [
        ("13987654321", "P1"),
        ("021-62881234", "P2"),
        ("021-62881234转806", "P2"),
        ("１３７１２３４５６７８", "P3"),
        ("＋８６ １３７ １２３４ ５６７８", "P3"),
        ("1380013800", "P6"),
        ("3800", "P6"),
    ] {
        let hits = db.search(query, 5).unwrap();
        let ids: Vec<&str> = hits.iter().map(|h| h.id.0.as_str()).collect();
        assert_eq!(ids, [id], "{query}");
    }
}

// ---------------------------------------------------------------- data is never lost or invented

fn import_with(
    store: &mut Box<dyn Store>,
    kind: Kind,
    path: &Path,
    change: impl FnOnce(&mut ImportOptions),
) -> ImportOutcome {
    let mut opts = options();
    change(&mut opts);
    interchange::import_file(store.as_mut(), kind, path, &opts).unwrap()
}

/// `id: name | notes` of every guest, in id order.
fn guest_names(store: &mut Box<dyn Store>) -> Vec<String> {
    let text = export(store, Kind::Guests, Format::Jsonl);
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{}: {} | {}",
                v["id"].as_str().unwrap_or(""),
                v["name"].as_str().unwrap_or(""),
                v["notes"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const UNCLOSED: &str = "unclosed quote: the quoted field opened on this line is not closed by a \
    quote followed by the separator or the line end";

#[test]
fn an_unclosed_quote_refuses_its_own_row_and_swallows_none() {
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        // The issue's file: Z2's quote never closes.
        (
            "id,name,notes\nZ1,Ann,first\nZ2,Bob,\"likes tea\nZ3,Cat,third\nZ4,Dan,fourth\n",
            "3: column notes",
            vec!["Z1: Ann | first", "Z3: Cat | third", "Z4: Dan | fourth"],
        ),
        // A later quote does not close it either: a quote followed by text.
        (
            "id,name,notes\r\nZ1,Ann,first\r\nZ2,Bob,\"likes tea\r\nZ3,Cat,\"third\"\r\nZ4,Dan,fourth\r\n",
            "3: column notes",
            vec!["Z1: Ann | first", "Z3: Cat | third", "Z4: Dan | fourth"],
        ),
        // Text after a closing quote on one line.
        (
            "id,name,notes\nZ1,\"Ann\"x,first\nZ2,Bob,second\n",
            "2: column name",
            vec!["Z2: Bob | second"],
        ),
    ];
    for (text, at, kept) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut db = store(dir.path(), "g.db");
        let path = write(dir.path(), "guests.csv", text);
        let outcome = import(&mut db, Kind::Guests, &path);
        let expected = format!("{}:{at}: {UNCLOSED}", path.display());
        assert_eq!(
            outcome
                .errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>(),
            vec![expected]
        );
        assert_eq!(
            (
                outcome.report.imported,
                outcome.report.rejected,
                outcome.report.committed
            ),
            (0, 1, false)
        );
        assert!(guest_names(&mut db).is_empty());
        let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.skip_bad = true);
        assert_eq!(outcome.report.imported, kept.len() as u64);
        assert_eq!(guest_names(&mut db), kept);
    }
}

#[test]
fn an_unclosed_quote_in_a_stays_file_loses_no_reservation() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = write(
        dir.path(),
        "stays.csv",
        "reservation_id,guest_id,arrival,departure,status,notes\n\
         R7,G0001,2026-07-01,2026-07-02,expected,\"late\n\
         R8,G0002,2026-07-01,2026-07-03,expected,\n\
         R9,G0003,2026-07-02,2026-07-04,expected,\n",
    );
    let outcome = import_with(&mut db, Kind::Stays, &path, |o| o.skip_bad = true);
    assert_eq!(
        outcome.errors[0].to_string(),
        format!("{}:2: column notes: {UNCLOSED}", path.display())
    );
    assert_eq!((outcome.report.imported, outcome.report.rejected), (2, 1));
    let stays = export(&mut db, Kind::Stays, Format::Csv);
    assert!(
        stays.contains("R8,G0002,2026-07-01,2026-07-03,expected"),
        "{stays}"
    );
    assert!(
        stays.contains("R9,G0003,2026-07-02,2026-07-04,expected"),
        "{stays}"
    );
    assert!(!stays.contains("R7"), "{stays}");
}

#[test]
fn a_quoted_field_may_span_lines_when_the_file_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "guests.csv",
        "id,name,notes\r\nZ1,Ann,\"two\r\nlines, \"\"quoted\"\"\"\r\nZ2,Bob,\"\"\r\n",
    );
    import_ok(&mut db, Kind::Guests, &path);
    assert_eq!(
        guest_names(&mut db),
        vec!["Z1: Ann | two\r\nlines, \"quoted\"", "Z2: Bob | "]
    );
}

#[test]
fn fields_over_their_limit_are_refused_with_the_limit() {
    let note = "n".repeat(2001);
    let long_name = "名".repeat(201);
    let huge = "x".repeat(10 << 20);
    let cases: Vec<(String, &str)> = vec![
        (
            format!("id,name,notes\nZ1,Ann,{note}\n"),
            "2: column notes: 2001 characters is longer than the limit of 2000",
        ),
        (
            format!("id,name,notes\nZ1,{long_name},\n"),
            "2: column name: 201 characters is longer than the limit of 200",
        ),
        (
            format!("id,name,notes\nZ1,Ann,\"{huge}\nstill the note\"\nZ2,Bob,\n"),
            "2: column notes: 10485775 characters is longer than the limit of 2000",
        ),
    ];
    for (text, expected) in cases {
        let (path, outcome) = refused(Kind::Guests, "guests.csv", text.as_bytes());
        assert_eq!(
            first_error(&outcome),
            format!("{}:{expected}", path.display())
        );
        assert_eq!(outcome.errors.len(), 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let ok = "n".repeat(2000);
    let path = write(
        dir.path(),
        "guests.csv",
        format!("id,name,notes\nZ1,Ann,{ok}\n"),
    );
    import_ok(&mut db, Kind::Guests, &path);
}

#[test]
fn crlf_files_report_the_line_as_an_editor_shows_it() {
    for end in ["\n", "\r\n"] {
        let text = [
            "id,name,birth_date",
            "Z1,Ann,1990-01-01",
            "Z2,Bob,1990-02-30",
            "",
        ]
        .join(end);
        let (path, outcome) = refused(Kind::Guests, "guests.csv", text.as_bytes());
        assert_eq!(
            first_error(&outcome),
            format!(
                "{}:3: column birth_date: '1990-02-30' is not a date; write YYYY-MM-DD",
                path.display()
            )
        );
        let json = [
            "{\"id\":\"Z1\",\"name\":\"Ann\"}",
            "",
            "{\"id\":\"Z2\",\"name\":\"Bob\",\"birth_date\":\"1990-02-30\"}",
            "",
        ]
        .join(end);
        let (path, outcome) = refused(Kind::Guests, "guests.jsonl", json.as_bytes());
        assert!(
            first_error(&outcome).starts_with(&format!("{}:3: column birth_date", path.display())),
            "{}",
            first_error(&outcome)
        );
    }
}

#[test]
fn control_characters_are_refused_except_tabs_and_breaks_in_free_text() {
    let cases: Vec<(Kind, &str, &str, &str)> = vec![
        (
            Kind::Guests,
            "guests.csv",
            "id,name\nZ1,Ann\u{1b}]52;c;aGk=\u{7}\n",
            "2: column name: control character U+001B is not allowed here (tab and line breaks only in notes, text and resolution)",
        ),
        (
            Kind::Guests,
            "guests.csv",
            "id,name,company\nZ1,Ann,Acme\u{0}Ltd\n",
            "2: column company: control character U+0000 is not allowed here",
        ),
        (
            Kind::Guests,
            "guests.csv",
            "id,name\nZ1,\"Ann\tLee\"\n",
            "2: column name: control character U+0009 is not allowed here",
        ),
        (
            Kind::Guests,
            "guests.jsonl",
            "{\"id\":\"Z1\",\"name\":\"Ann\\u0085Lee\"}\n",
            "1: column name: control character U+0085 is not allowed here",
        ),
        (
            Kind::Feedback,
            "feedback.csv",
            "guest_id,kind,at,text\nG0001,complaint,2026-06-11T22:10:00Z,noisy\u{1b}[2J\n",
            "2: column text: control character U+001B is not allowed here",
        ),
    ];
    for (kind, name, text, expected) in cases {
        let (path, outcome) = refused(kind, name, text.as_bytes());
        let error = first_error(&outcome);
        assert!(
            error.starts_with(&format!("{}:{expected}", path.display())),
            "{error}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(dir.path(), "g.csv", "id,name,notes\nZ1,Ann,\"a\tb\nc\"\n");
    import_ok(&mut db, Kind::Guests, &path);
    assert_eq!(guest_names(&mut db), vec!["Z1: Ann | a\tb\nc"]);
}

#[test]
fn guest_text_printed_to_a_terminal_has_its_control_characters_escaped() {
    use guestbook::model::{Guest, GuestId, Profile};
    let mut guest = Guest::new(GuestId("Z1".into()), "Ann\u{1b}]52;c;aGk=\u{7}");
    guest.company = Some("\u{1b}[2JAcme".into());
    guest.notes = Some("line one\nline two\u{9b}".into());
    let profile = Profile {
        guest,
        stay_count: 0,
        preferences: Vec::new(),
        stays: Vec::new(),
        feedback: Vec::new(),
        erased_at: None,
    };
    let catalog = guestbook::catalog::Catalog::builtin();
    let text = guestbook::report::profile_text(&profile, &catalog, guestbook::i18n::Lang::En);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.starts_with("Ann\\x1B]52;c;aGk=\\x07"), "{text}");
    assert!(text.contains("\\x1B[2JAcme") && text.contains("line one\nline two\\x9B"));
    assert_eq!(guestbook::report::fit("a\u{1b}[2J", 8), "a\\x1B[2J");
    let message = guestbook::i18n::Msg::RowBadDate.fill(&[("value", &"\u{1b}[2J")]);
    assert_eq!(message, "'\\x1B[2J' is not a date; write YYYY-MM-DD");
}

#[test]
fn the_summary_tells_the_truth_about_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    // Refused: 0 imported whatever the good rows were.
    let path = write(
        dir.path(),
        "mixed.csv",
        "id,name,birth_date\nN1,Ann,\nN2,Bob,\nN3,Cat,1990-02-30\n",
    );
    let outcome = import(&mut db, Kind::Guests, &path);
    let r = &outcome.report;
    assert_eq!(
        (r.imported, r.updated, r.unchanged, r.rejected, r.committed),
        (0, 0, 0, 1, false)
    );
    assert!(outcome.took_nothing());
    let summary = serde_json::to_value(outcome.summary()).unwrap();
    assert_eq!(summary["imported"], 0);
    assert_eq!(summary["rejected"], 1);
    assert_eq!(summary["encoding"], "UTF-8");
    // --skip-bad with every row refused took nothing.
    let path = write(
        dir.path(),
        "bad.csv",
        "id,name,birth_date\nN4,Dan,x\nN5,Eve,y\n",
    );
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.skip_bad = true);
    assert_eq!((outcome.report.imported, outcome.report.rejected), (0, 2));
    assert!(outcome.took_nothing());
    // The same rows again: unchanged, and that is success.
    for (kind, name, text) in [
        (Kind::Guests, "guests.csv", GUESTS),
        (Kind::Preferences, "preferences.csv", PREFERENCES),
        (Kind::Stays, "stays.csv", STAYS),
        (Kind::Feedback, "feedback.csv", FEEDBACK),
    ] {
        let before = export_all(&mut db);
        let path = write(dir.path(), name, text);
        let outcome = import_ok(&mut db, kind, &path);
        let r = &outcome.report;
        assert_eq!((r.imported, r.updated, r.rejected), (0, 0, 0), "{name}");
        assert!(r.unchanged > 0, "{name}");
        assert!(!outcome.took_nothing());
        assert_eq!(export_all(&mut db), before);
    }
    // A dry run counts what would happen and writes nothing.
    let before = export_all(&mut db);
    let path = write(dir.path(), "new.csv", "id,name\nN6,Fay\nG0001,张伟\n");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.dry_run = true);
    let r = &outcome.report;
    assert_eq!(
        (r.imported, r.unchanged, r.rejected, r.committed),
        (1, 1, 0, false)
    );
    assert!(outcome.dry_run && !outcome.took_nothing());
    assert_eq!(export_all(&mut db), before);
}

#[test]
fn reimporting_identical_rows_counts_every_one_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    for (kind, name, text, n) in [
        (Kind::Guests, "guests.csv", GUESTS, 3),
        (Kind::Preferences, "preferences.csv", PREFERENCES, 3),
        (Kind::Stays, "stays.csv", STAYS, 2),
        (Kind::Feedback, "feedback.csv", FEEDBACK, 2),
    ] {
        let path = write(dir.path(), name, text);
        let r = import_ok(&mut db, kind, &path).report;
        assert_eq!(
            (r.imported, r.updated, r.unchanged, r.rejected),
            (0, 0, n, 0),
            "{name}"
        );
    }
}

#[test]
fn empty_csv_and_json_lines_files_are_refused_alike() {
    for name in ["guests.csv", "guests.jsonl"] {
        for text in ["", "\n\n", "\u{feff}", "  \r\n"] {
            let (path, err) = refused_file(Kind::Guests, name, text);
            assert_eq!(
                err.to_string(),
                format!(
                    "{} is empty: it has no rows (a CSV file starts with a header line naming its columns).",
                    path.display()
                )
            );
        }
    }
}

#[test]
fn the_same_id_twice_in_one_file_names_both_lines() {
    let (path, outcome) = refused(
        Kind::Stays,
        "stays.csv",
        b"reservation_id,guest_id,arrival,departure,status\n\
          R50,G0001,2026-07-01,2026-07-02,expected\n\
          R51,G0002,2026-07-01,2026-07-02,expected\n\
          R50,G0003,2026-07-05,2026-07-06,expected\n",
    );
    assert_eq!(
        first_error(&outcome),
        format!(
            "{}:4: column reservation_id: R50 is on line 2 and again on line 4 of this file; keep one of them",
            path.display()
        )
    );
    // Repeated preference and feedback rows are counted, not dropped unseen.
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let row = "G0002,pillow,foam,,,2026-07-01T08:00:00Z,\n";
    let path = write(
        dir.path(),
        "p.csv",
        format!("guest_id,category,value,note,observed_by,observed_at,source\n{row}{row}"),
    );
    let r = import_ok(&mut db, Kind::Preferences, &path).report;
    assert_eq!((r.imported, r.unchanged), (1, 1));
}

// ---------------------------------------------------------------- safe to open in a spreadsheet

#[test]
fn csv_export_defuses_formulas_and_import_takes_the_prefix_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "g.jsonl",
        "{\"id\":\"F1\",\"name\":\"Ann\",\"company\":\"=HYPERLINK(\\\"http://x\\\")\",\"notes\":\"-2 pillows\"}\n\
         {\"id\":\"F2\",\"name\":\"@Bob\",\"company\":\"'quoted\",\"notes\":\"'=not a formula\"}\n\
         {\"id\":\"F3\",\"name\":\"Cat\",\"company\":\"+cmd|' /C calc'!A0\",\"phones\":\"+86 138 0013 8000\"}\n",
    );
    import_ok(&mut db, Kind::Guests, &path);
    let csv = export(&mut db, Kind::Guests, Format::Csv);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[1],
        "F1,Ann,,,,,,,,,,,\"'=HYPERLINK(\"\"http://x\"\")\",,,'-2 pillows,"
    );
    assert_eq!(lines[2], "F2,'@Bob,,,,,,,,,,,''quoted,,,''=not a formula,");
    assert_eq!(
        lines[3],
        "F3,Cat,,,,,,,,,'+86 138 0013 8000,,'+cmd|' /C calc'!A0,,,,"
    );
    // JSON Lines is not for spreadsheets: values as they are.
    let jsonl = export(&mut db, Kind::Guests, Format::Jsonl);
    assert!(
        jsonl.contains("\"company\":\"=HYPERLINK(\\\"http://x\\\")\""),
        "{jsonl}"
    );
    // CSV export -> import -> export is identical, and the stored values unchanged.
    let again = write(dir.path(), "again.csv", &csv);
    let mut copy = store(dir.path(), "copy.db");
    import_ok(&mut copy, Kind::Guests, &again);
    assert_eq!(export(&mut copy, Kind::Guests, Format::Csv), csv);
    assert_eq!(export(&mut copy, Kind::Guests, Format::Jsonl), jsonl);
    assert_eq!(interchange::unprefixed("'x"), "'x");
    assert_eq!(interchange::unprefixed("''=x"), "'=x");
}

// ---------------------------------------------------------------- the command line's summary

fn guestbook(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap()
}

#[test]
fn import_exit_status_and_summary_say_what_was_taken() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let good = write(dir.path(), "good.csv", "id,name\nC1,Ann\nC2,Bob\n");
    let bad = write(
        dir.path(),
        "bad.csv",
        "id,name,birth_date\nC3,Cat,x\nC4,Dan,y\n",
    );
    let run = |args: &[&str]| {
        let out = guestbook(&db, args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let g = good.to_str().unwrap();
    let b = bad.to_str().unwrap();
    let (code, out) = run(&["import", "guests", g, "--dry-run"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        format!(
            "Read {g} as UTF-8, columns separated by ','.\n\
             Dry run, nothing written: would import 2, update 0, leave 0 unchanged; 0 bad.\n"
        )
    );
    let (code, out) = run(&["import", "guests", g]);
    assert_eq!(code, Some(0));
    assert!(
        out.ends_with("Imported 2, updated 0, unchanged 0, rejected 0.\n"),
        "{out}"
    );
    let (code, out) = run(&["import", "guests", g, "--json"]);
    assert_eq!(code, Some(0));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            &summary["imported"],
            &summary["unchanged"],
            &summary["encoding"],
            &summary["delimiter"]
        ),
        (&0.into(), &2.into(), &"UTF-8".into(), &",".into())
    );
    let (code, out) = run(&["import", "guests", b, "--json"]);
    assert_eq!(code, Some(1));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&summary["imported"], &summary["rejected"]),
        (&0.into(), &2.into())
    );
    let (code, _) = run(&["import", "guests", b, "--skip-bad"]);
    assert_eq!(
        code,
        Some(1),
        "every row refused: a cron job must see a failure"
    );
    let (code, _) = run(&["import", "guests", b, "--dry-run"]);
    assert_eq!(code, Some(1));
}

// ---------------------------------------------------------------- spreadsheet files

/// Text in an encoding as Excel or a PMS saves it (UTF-16 with its BOM).
fn encoded(text: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "UTF-8" => text.as_bytes().to_vec(),
        "UTF-8 BOM" => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
        "UTF-16LE" => std::iter::once(0xfeff)
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect(),
        "UTF-16BE" => std::iter::once(0xfeff)
            .chain(text.encode_utf16())
            .flat_map(u16::to_be_bytes)
            .collect(),
        name => {
            let encoding = encoding_rs::Encoding::for_label(name.as_bytes()).unwrap();
            let (bytes, _, lossy) = encoding.encode(text);
            assert!(!lossy, "{name} cannot hold {text}");
            bytes.into_owned()
        }
    }
}

#[test]
fn rejects_are_written_in_the_inputs_encoding_separator_and_line_ends() {
    for (encoding, delimiter, end, names) in [
        ("gb18030", ";", "\r\n", ["张伟", "李娜", "欧阳娜娜"]),
        ("gb18030", ",", "\n", ["张伟", "李娜", "欧阳娜娜"]),
        ("UTF-16LE", "\t", "\r\n", ["张伟", "李娜", "Anna Müller"]),
        ("UTF-16BE", "\t", "\n", ["张伟", "李娜", "Anna Müller"]),
        ("UTF-8 BOM", ",", "\r\n", ["张伟", "李娜", "Anna Müller"]),
        ("UTF-8", ",", "\n", ["张伟", "李娜", "Anna Müller"]),
        (
            "windows-1252",
            ";",
            "\r\n",
            ["José Álvarez", "Anna Müller", "François Côté"],
        ),
        ("big5", ",", "\r\n", ["張偉", "李娜", "歐陽娜娜"]),
        (
            "shift_jis",
            ",",
            "\r\n",
            ["佐藤花子", "山田太郎", "鈴木一郎"],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut db = store(dir.path(), "g.db");
        let row = |fields: &[&str]| fields.join(delimiter) + end;
        let [a, b, c] = names;
        let header = row(&["id", "name", "birth_date", "gender"]);
        let bad_date = row(&["Z2", b, "1990-02-30", ""]);
        let bad_gender = row(&["Z4", c, "", "Q"]);
        let text = [
            header.clone(),
            row(&["Z1", a, "1990-01-01", ""]),
            bad_date.clone(),
            row(&["Z3", "Ann", "", ""]),
            bad_gender.clone(),
        ]
        .concat();
        let path = write(dir.path(), "guests.csv", encoded(&text, encoding));
        let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.skip_bad = true);
        let case = format!("{encoding} {delimiter:?} {end:?}");
        assert_eq!(
            (outcome.report.imported, outcome.report.rejected),
            (2, 2),
            "{case}: {:?}",
            outcome.errors
        );
        let rejects = dir.path().join("guests.rejects.csv");
        let written = std::fs::read(&rejects).unwrap();
        let expected = [header.clone(), bad_date.clone(), bad_gender.clone()].concat();
        assert_eq!(written, encoded(&expected, encoding), "{case}");
        // Corrected in the same encoding, the rejects import.
        let fixed = expected
            .replace("02-30", "02-28")
            .replace(&format!("{delimiter}Q{end}"), &format!("{delimiter}F{end}"));
        std::fs::write(&rejects, encoded(&fixed, encoding)).unwrap();
        let again = import_with(&mut db, Kind::Guests, &rejects, |o| {
            o.encoding =
                guestbook::interchange::read::encoding_by_name(encoding.trim_end_matches(" BOM"))
        });
        assert!(again.errors.is_empty(), "{case}: {:?}", again.errors);
        assert_eq!(again.report.imported, 2, "{case}");
        assert_eq!(
            guest_names(&mut db),
            [
                format!("Z1: {a} | "),
                format!("Z2: {b} | "),
                "Z3: Ann | ".to_string(),
                format!("Z4: {c} | ")
            ],
            "{case}"
        );
    }
}

#[test]
fn spreadsheet_files_import_in_every_encoding_line_end_and_separator() {
    let mixed = [
        ("E1", "Anna Müller", "Zimmer mit Aussicht"),
        ("E2", "张伟", "喜欢安静的房间"),
        ("E3", "陳大文", "高樓層"),
    ];
    let simplified = [
        ("E1", "张伟", "喜欢安静的房间，不要靠近电梯"),
        ("E2", "王芳", "对花生过敏，早餐请注意"),
        ("E3", "欧阳娜娜", "常住客人，喜欢高楼层"),
    ];
    let traditional = [
        ("E1", "陳大文", "喜歡安靜的房間，不要靠近電梯"),
        ("E2", "黃志明", "對花生過敏，早餐請注意"),
        ("E3", "林美玲", "常住客人，喜歡高樓層"),
    ];
    let japanese = [
        (
            "E1",
            "佐藤健",
            "静かな部屋が好きです。エレベーターの近くは避けてください",
        ),
        ("E2", "鈴木花子", "ピーナッツアレルギーがあります"),
        ("E3", "高橋一郎", "いつも高層階の部屋を希望します"),
    ];
    let western = [
        (
            "E1",
            "Anna Müller",
            "Zimmer mit Aussicht, bitte ruhig; keine Nüsse",
        ),
        (
            "E2",
            "José Álvarez",
            "habitación tranquila, almohada de plumas",
        ),
        (
            "E3",
            "François Dupré",
            "chambre calme, près de l'ascenseur non merci",
        ),
    ];
    type Rows<'a> = &'a [(&'a str, &'a str, &'a str)];
    let cases: Vec<(&str, &str, Rows)> = vec![
        ("UTF-8", "UTF-8", &mixed),
        ("UTF-8 BOM", "UTF-8", &mixed),
        ("UTF-16LE", "UTF-16LE", &mixed),
        ("UTF-16BE", "UTF-16BE", &mixed),
        ("gb18030", "GB18030", &simplified),
        ("big5", "Big5", &traditional),
        ("shift_jis", "Shift_JIS", &japanese),
        ("windows-1252", "windows-1252", &western),
    ];
    for (encoding, read_as, rows) in cases {
        for end in ["\n", "\r\n"] {
            for sep in [",", ";", "\t"] {
                // Excel's trailing empty columns and a blank row in the middle.
                let mut lines = vec![["id", "name", "notes", "", ""].join(sep)];
                for (i, (id, name, notes)) in rows.iter().enumerate() {
                    let notes = format!("\"{notes}\"");
                    lines.push([*id, name, notes.as_str(), "", ""].join(sep));
                    if i == 0 {
                        lines.push(sep.repeat(4));
                    }
                }
                let text = lines.join(end) + end;
                let dir = tempfile::tempdir().unwrap();
                let mut db = store(dir.path(), "g.db");
                let path = write(dir.path(), "guests.csv", encoded(&text, encoding));
                let outcome = import_ok(&mut db, Kind::Guests, &path);
                let what = format!("{encoding} {end:?} {sep:?}");
                assert_eq!(outcome.encoding, read_as, "{what}");
                assert_eq!(outcome.delimiter, sep.chars().next(), "{what}");
                assert_eq!(outcome.report.imported, 3, "{what}");
                let expected: Vec<String> = rows
                    .iter()
                    .map(|(id, name, notes)| format!("{id}: {name} | {notes}"))
                    .collect();
                assert_eq!(guest_names(&mut db), expected, "{what}");
            }
        }
    }
}

#[test]
fn a_guess_is_named_and_can_be_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "guests.csv",
        encoded("id,name\nE1,Müller\n", "windows-1252"),
    );
    let gb = encoding_rs::Encoding::for_label(b"gb18030");
    let mut db = store(dir.path(), "a.db");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.encoding = gb);
    assert_eq!(outcome.encoding, "GB18030");
    assert_eq!(guest_names(&mut db), vec!["E1: M黮ler | "]);
    let mut db = store(dir.path(), "b.db");
    let latin = encoding_rs::Encoding::for_label(b"windows-1252");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.encoding = latin);
    assert_eq!(outcome.encoding, "windows-1252");
    assert_eq!(guest_names(&mut db), vec!["E1: Müller | "]);
}

#[test]
fn text_that_does_not_decode_is_refused_naming_the_byte_offset() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "guests.csv",
        encoded("id,name\nE1,张伟\nE2,Ann\n", "gb18030"),
    );
    let utf8 = encoding_rs::Encoding::for_label(b"utf-8");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.encoding = utf8);
    assert_eq!(
        first_error(&outcome),
        format!(
            "{}:2: the bytes at offset 11 are not text in UTF-8; give the file's \
             encoding with --encoding",
            path.display()
        )
    );
    assert_eq!((outcome.report.imported, outcome.report.rejected), (0, 1));
    // Shift_JIS forced on bytes it has no character for.
    let path = write(dir.path(), "bad.csv", b"id,name\nE1,A\x85\x40B\n");
    let sjis = encoding_rs::Encoding::for_label(b"shift_jis");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.encoding = sjis);
    assert_eq!(
        first_error(&outcome),
        format!(
            "{}:2: the bytes at offset 12 are not text in Shift_JIS; give the file's \
             encoding with --encoding",
            path.display()
        )
    );
}

#[test]
fn the_separator_comes_from_the_header_or_is_given() {
    let dir = tempfile::tempdir().unwrap();
    // A semicolon file names its own unknown column, not the whole header line.
    let path = write(dir.path(), "g.csv", "id;name;shoe\nE1;Ann;42\n");
    let mut db = store(dir.path(), "g.db");
    let err = interchange::import_file(db.as_mut(), Kind::Guests, &path, &options()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("{}:1: unknown column 'shoe'", path.display())),
        "{err}"
    );
    // Told the wrong separator: no hint to ignore the "column".
    let outcome = interchange::import_file(db.as_mut(), Kind::Guests, &path, &{
        let mut o = options();
        o.delimiter = Some(b',');
        o
    })
    .unwrap_err();
    assert_eq!(
        outcome.to_string(),
        format!(
            "{}:1: the header has a column 'id;name;shoe', so the file is separated by another \
             character than the one read; give it with --delimiter (',', ';' or tab).",
            path.display()
        )
    );
    // A header of one column has no separator to see: --delimiter says it.
    let path = write(dir.path(), "one.csv", "name\nSmith; John\n");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.delimiter = Some(b'\t'));
    assert_eq!(outcome.delimiter, Some('\t'));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
}

// ---------------------------------------------------------------- the reader against the writer

fn read_back(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    use interchange::read::{Lines, Records};
    let lines = Lines::new(bytes, None).unwrap();
    let mut records = Records::new(lines, delimiter, false);
    let mut out = Vec::new();
    while let Some(record) = records.next_record().unwrap() {
        assert_eq!(record.fault, None, "line {}", record.line);
        out.push(
            record
                .fields
                .iter()
                .map(|f| interchange::unprefixed(f).to_string())
                .collect(),
        );
    }
    out
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,8}",
        "[=+@'\\-\t\r\n\",;a-z张伟\u{1b}]{1,10}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_csv_the_writer_produces_reads_back_identically(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 3), 1..8),
        delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
    ) {
        let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
        for row in &rows {
            writer.write_record(row.iter().map(|c| interchange::spreadsheet_safe(c).into_owned())).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        prop_assert_eq!(read_back(&bytes, delimiter), rows);
    }

    #[test]
    fn no_input_makes_the_reader_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        use interchange::read::{Lines, Records};
        for forced in [None, encoding_rs::Encoding::for_label(b"shift_jis")] {
            let lines = Lines::new(bytes.as_slice(), forced).unwrap();
            let mut records = Records::new(lines, b',', true);
            let mut n = 0;
            while let Some(record) = records.next_record().unwrap() {
                n += 1;
                prop_assert!(record.line >= n);
            }
        }
    }

    #[test]
    fn no_file_makes_the_import_panic(
        text in "[a-z,;\"\r\n\t 0-9\u{1b}张]{0,200}",
        header in prop_oneof![Just("id,name,notes\n"), Just("name;notes\r\n"), Just("")],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut db = store(dir.path(), "g.db");
        let path = write(dir.path(), "g.csv", format!("{header}{text}"));
        let _ = interchange::import_file(db.as_mut(), Kind::Guests, &path, &options());
        let path = write(dir.path(), "g.jsonl", &text);
        let _ = interchange::import_file(db.as_mut(), Kind::Guests, &path, &options());
    }
}

// ---------------------------------------------------------------- column maps

fn shipped_map(name: &str) -> guestbook::interchange::map::ColumnMap {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("mappings")
        .join(name);
    guestbook::interchange::map::ColumnMap::load(&path).unwrap()
}

#[test]
fn a_pms_profile_export_imports_through_its_shipped_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "profiles.csv",
        "Name ID;Last Name;First Name;Alternate Name;Title;Gender;Birth Date;Nationality;Language;Passport No.;Mobile;E-Mail;Company;VIP;Comments;;\r\n\
         P1;ZHANG;WEI;张伟;张总;Male;1975-03-08;CN;zh-CN;E12345678;13800138000;zw@example.cn;华夏贸易;V1;corner room;;\r\n\
         P2;Smith;John;;Mr. Smith;Male;;GB;en;;+44 20 7946 0000;;;;;;\r\n\
         ;;;;;;;;;;;;;;;;\r\n\
         P3;Müller;Anna;;Dr. Müller;Female;;DE;de;C01X00T47;;;Siemens;V3;;;\r\n",
    );
    let map = shipped_map("pms-profiles.toml");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.map = Some(map.clone()));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!((outcome.report.imported, outcome.delimiter), (3, Some(';')));
    let csv = export(&mut db, Kind::Guests, Format::Csv);
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(
        lines,
        vec![
            "P1,张伟,ZHANG WEI,张总,M,1975-03-08,CN,zh-CN,passport,E12345678,13800138000,zw@example.cn,华夏贸易,V1,,corner room,",
            "P2,John Smith,,Mr. Smith,M,,GB,en,,,'+44 20 7946 0000,,,,,,",
            "P3,Anna Müller,,Dr. Müller,F,,DE,de,passport,C01X00T47,,,Siemens,V3,,,",
        ]
    );
    // The same export again changes nothing.
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.map = Some(map));
    assert_eq!((outcome.report.imported, outcome.report.unchanged), (0, 3));
}

#[test]
fn a_pms_reservation_export_maps_its_status_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = write(
        dir.path(),
        "reservations.csv",
        "Conf. No.,Name ID,Arrival,Departure,Room,Room Type,Res. Status,Adults,Room Revenue,F&B Revenue,Other Revenue,Comments\n\
         880001,G0001,07/01/2026,07/03/2026,1808,DLK,CHECKED OUT,2,2560.00,380.50,0,late checkout\n\
         880002,G0002,07/02/2026,07/04/2026,,SK,RES,1,,,,\n\
         880003,G0003,07/02/2026,07/05/2026,905,DLK,cxl,1,,,,\n\
         880004,G0003,07/06/2026,07/07/2026,,DLK,WAITLIST,1,,,,\n\
         880005,G0003,2026-07-06,07/07/2026,,DLK,RES,1,,,,\n\
         880006,G0003,07/06/2026,31.07.2026,,DLK,RES,1,,,,\n",
    );
    let map = shipped_map("pms-reservations.toml");
    let outcome = import_with(&mut db, Kind::Stays, &path, |o| {
        o.map = Some(map);
        o.skip_bad = true;
    });
    let shown = path.display();
    assert_eq!(
        outcome.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        [
            format!("{shown}:5: column status: 'WAITLIST' is not one of: expected, in_house, departed, cancelled, no_show"),
            format!("{shown}:6: column arrival: '2026-07-06' is not a date in the map's format MM/DD/YYYY"),
            format!("{shown}:7: column departure: '31.07.2026' is not a date in the map's format MM/DD/YYYY"),
        ]
    );
    assert_eq!(outcome.report.imported, 3);
    let stays = export(&mut db, Kind::Stays, Format::Csv);
    for row in [
        "880001,G0001,2026-07-01,2026-07-03,departed,1808,DLK,,2,2560.00,380.50,0,late checkout",
        "880002,G0002,2026-07-02,2026-07-04,expected,,SK,,1,,,,",
        "880003,G0003,2026-07-02,2026-07-05,cancelled,905,DLK,,1,,,,",
    ] {
        assert!(stays.lines().any(|l| l == row), "{row}\n{stays}");
    }
}

#[test]
fn a_maps_date_formats_turn_their_dates_into_ours() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let map_path = write(
        dir.path(),
        "map.toml",
        "[columns]\nreservation_id = \"Res\"\nguest_id = \"Guest\"\narrival = \"In\"\ndeparture = \"Out\"\n\
         [fixed]\nstatus = \"expected\"\n[dates]\narrival = \"excel\"\ndeparture = \"DD.MM.YYYY\"\n",
    );
    let map = guestbook::interchange::map::ColumnMap::load(&map_path).unwrap();
    let path = write(
        dir.path(),
        "r.csv",
        "Res,Guest,In,Out\nX1,G0001,46096,17.03.2026\nX2,G0002,46096.5,1.4.2026\nX3,G0003,3/15/2026,17.03.2026\n",
    );
    let outcome = import_with(&mut db, Kind::Stays, &path, |o| {
        o.map = Some(map.clone());
        o.skip_bad = true;
    });
    let shown = path.display();
    assert_eq!(
        outcome.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        [
            format!("{shown}:3: column departure: '1.4.2026' is not a date in the map's format DD.MM.YYYY"),
            format!("{shown}:4: column arrival: '3/15/2026' is not a date in the map's format excel"),
        ]
    );
    let stays = export(&mut db, Kind::Stays, Format::Csv);
    assert!(
        stays
            .lines()
            .any(|l| l == "X1,G0001,2026-03-15,2026-03-17,expected,,,,,,,,"),
        "{stays}"
    );
    // In Chinese too.
    let zh = guestbook::i18n::Msg::RowBadMappedDate.fill_in(
        guestbook::i18n::Lang::Zh,
        &[("value", &"1.4.2026"), ("format", &"DD.MM.YYYY")],
    );
    assert_eq!(zh, "“1.4.2026”不是列映射规定格式 DD.MM.YYYY 的日期");
    // A format it cannot read, or a column that holds no date, refuses the map file.
    for (dates, reason) in [
        (
            "arrival = \"MM/DD/YY\"",
            "'MM/DD/YY' for arrival is not a date format: write it with YYYY, MM or M, DD or D and separators (MM/DD/YYYY, DD.MM.YYYY, YYYY/M/D, YYYYMMDD), or excel for serial numbers",
        ),
        (
            "room = \"MM/DD/YYYY\"",
            "'room' is not a date column (date columns: birth_date, arrival, departure)",
        ),
    ] {
        let bad = write(dir.path(), "bad.toml", format!("[dates]\n{dates}\n"));
        let err = guestbook::interchange::map::ColumnMap::load(&bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Cannot use the column map {}: {reason}", bad.display())
        );
    }
}

#[test]
fn a_map_reads_json_lines_keys_as_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = hotel(dir.path());
    let path = write(
        dir.path(),
        "reservations.jsonl",
        concat!(
            r#"{"Conf. No.":"880001","Name ID":"G0001","Arrival":"07/01/2026","Departure":"07/03/2026","Room":1808,"Res. Status":"CHECKED OUT","Adults":2,"Room Revenue":"2560.00","Rate Code":"BAR"}"#,
            "\n",
            r#"{"conf. no.":"880002","name id":"G0002","arrival":"07/02/2026","departure":"07/04/2026","res. status":"RES","Comments":"late arrival","vip":"v1"}"#,
            "\n\n",
            r#"{"Conf. No.":"880003","Name ID":"G0003","Arrival":"2026-07-02","Departure":"07/05/2026","Res. Status":"RES"}"#,
            "\n",
            r#"{"Conf. No.":"880004","Name ID":"G0003","Arrival":"07/06/2026","Departure":"07/07/2026","Res. Status":"WAITLIST"}"#,
            "\n",
            r#"{"Conf. No.":"880005","Name ID":"G0003","Arrival":"07/06/2026","Departure":"07/07/2026"}"#,
            "\n",
        ),
    );
    let map = shipped_map("pms-reservations.toml");
    let outcome = import_with(&mut db, Kind::Stays, &path, |o| {
        o.map = Some(map);
        o.skip_bad = true;
    });
    let shown = path.display();
    assert_eq!(
        outcome.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        [
            format!("{shown}:4: column arrival: '2026-07-02' is not a date in the map's format MM/DD/YYYY"),
            format!("{shown}:5: column status: 'WAITLIST' is not one of: expected, in_house, departed, cancelled, no_show"),
            format!("{shown}:6: column status: a value is required"),
        ]
    );
    assert_eq!(outcome.report.imported, 2);
    let stays = export(&mut db, Kind::Stays, Format::Csv);
    for row in [
        "880001,G0001,2026-07-01,2026-07-03,departed,1808,,,2,2560.00,,,",
        "880002,G0002,2026-07-02,2026-07-04,expected,,,V1,,,,,late arrival",
    ] {
        assert!(stays.lines().any(|l| l == row), "{row}\n{stays}");
    }
    // The profile map's name parts and value codes from JSON keys.
    let path = write(
        dir.path(),
        "profiles.jsonl",
        concat!(
            r#"{"Name ID":"P1","Last Name":"ZHANG","First Name":"WEI","Alternate Name":"张伟","Gender":"Male","Mobile":"13800138000"}"#,
            "\n",
            r#"{"Name ID":"P2","Last Name":"Smith","First Name":"John","Gender":"Female","E-Mail":["js@example.com","john@example.com"]}"#,
            "\n",
            r#"{"Name ID":"P3","Last Name":"Weber","First Name":"Anna","Passport No.":"C01X00T47"}"#,
            "\n",
        ),
    );
    let map = shipped_map("pms-profiles.toml");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.map = Some(map));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let guests = export(&mut db, Kind::Guests, Format::Csv);
    for row in [
        // The map's fixed document type only where the row has a document number.
        "P1,张伟,ZHANG WEI,,M,,,,,,13800138000,,,,,,",
        "P2,John Smith,,,F,,,,,,,js@example.com;john@example.com,,,,,",
        "P3,Anna Weber,,,,,,,passport,C01X00T47,,,,,,,",
    ] {
        assert!(guests.lines().any(|l| l == row), "{row}\n{guests}");
    }
}

#[test]
fn a_map_that_does_not_fit_the_file_says_which_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = store(dir.path(), "g.db");
    let path = write(
        dir.path(),
        "p.csv",
        "Name ID,Surname,First Name\nP1,Li,Na\n",
    );
    let map = shipped_map("pms-profiles.toml");
    let err = interchange::import_file(db.as_mut(), Kind::Guests, &path, &{
        let mut o = options();
        o.map = Some(map);
        o
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:1: the column map names the column 'Birth Date', which this file's header does not have.",
            path.display()
        )
    );
}

#[test]
fn a_last_comma_first_column_becomes_the_name_in_its_own_order() {
    let dir = tempfile::tempdir().unwrap();
    let map_path = write(
        dir.path(),
        "map.toml",
        "kind = \"guests\"\n[columns]\nid = \"Guest No\"\n[name]\ncolumn = \"Guest Name\"\nseparator = \",\"\n",
    );
    let map = guestbook::interchange::map::ColumnMap::load(&map_path).unwrap();
    let path = write(
        dir.path(),
        "g.csv",
        "Guest No,Guest Name,Rate Code\nS1,\"SMITH, John\",BAR\nS2,\"欧阳, 娜娜\",BAR\nS3,Madonna,BAR\n",
    );
    let mut db = store(dir.path(), "g.db");
    let outcome = import_with(&mut db, Kind::Guests, &path, |o| o.map = Some(map.clone()));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(
        guest_names(&mut db),
        vec!["S1: John SMITH | ", "S2: 欧阳娜娜 | ", "S3: Madonna | "]
    );
    // A map for guests refuses a stays file rather than guessing.
    let err = interchange::import_file(db.as_mut(), Kind::Stays, &path, &{
        let mut o = options();
        o.map = Some(map);
        o
    })
    .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("the column map is for guests files"),
        "{err}"
    );
    // A map file with a typo is refused naming it.
    let typo = write(dir.path(), "typo.toml", "[colums]\nid = \"x\"\n");
    let err = guestbook::interchange::map::ColumnMap::load(&typo).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "Cannot use the column map {}: line 1, column 2: unknown field `colums`",
            typo.display()
        )),
        "{err}"
    );
}
