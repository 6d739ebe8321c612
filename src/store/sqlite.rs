//! The SQLite store: schema and migrations, pragmas, and every SQL statement guestbook runs.
//!
//! One file is shared by several terminals on one host: WAL, a 5 s busy timeout, writes in
//! `BEGIN IMMEDIATE`, and search keys written in the same transaction as the data they index.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use rusqlite::{
    params, params_from_iter, types::Value, Connection, OpenFlags, OptionalExtension, Row,
    Transaction, TransactionBehavior,
};

use super::{BadRows, ImportItem, ImportReport, ImportRow, Kind, RowError, Store, StoreError};
use crate::i18n::Msg;
use crate::model::*;
use crate::search::{self, phone, SearchHit};

mod postings;

/// Reversed phone digits (trailing digits are a prefix range scan) with what ties between
/// guests sharing them are broken on; `last_stay` as `yyyymmdd`, which sorts as a date.
const PHONE_KEYS: &str = "CREATE TABLE phone_keys (rev TEXT NOT NULL, gid INTEGER NOT NULL, \
    vip TEXT, last_stay INTEGER, PRIMARY KEY (rev, gid)) WITHOUT ROWID;";

/// A guest's tie-breaks as a phone key holds them, from its row in `guests`.
const PHONE_RANK_OF_GID: &str =
    "SELECT vip, CAST(strftime('%Y%m%d', last_stay) AS INTEGER) FROM guests WHERE gid = ?1";

/// The schema this build writes; older files are migrated on open.
const SCHEMA_VERSION: i64 = 7;

const SCHEMA_V1: &str = "
CREATE TABLE guests (
    gid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_latin TEXT,
    preferred_address TEXT,
    gender TEXT,
    birth_date TEXT,
    nationality TEXT,
    language TEXT,
    id_doc_type TEXT,
    id_doc_number TEXT,
    phones TEXT NOT NULL DEFAULT '[]',
    emails TEXT,
    company TEXT,
    vip TEXT,
    flags TEXT,
    notes TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT
);
-- Search keys: reversed phone digits (last-N lookups are prefix range scans) and name tokens.
CREATE TABLE phone_keys (rev TEXT NOT NULL, gid INTEGER NOT NULL, PRIMARY KEY (rev, gid)) WITHOUT ROWID;
CREATE TABLE name_keys (key TEXT NOT NULL, gid INTEGER NOT NULL, PRIMARY KEY (key, gid)) WITHOUT ROWID;
CREATE TABLE preferences (
    id INTEGER PRIMARY KEY,
    gid INTEGER NOT NULL REFERENCES guests(gid),
    category TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT,
    observed_by TEXT,
    observed_at TEXT NOT NULL,
    source TEXT,
    retired INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX preferences_gid ON preferences(gid, observed_at);
CREATE TABLE stays (
    reservation_id TEXT PRIMARY KEY,
    gid INTEGER NOT NULL REFERENCES guests(gid),
    arrival TEXT NOT NULL,
    departure TEXT NOT NULL,
    status TEXT NOT NULL,
    room TEXT,
    room_type TEXT,
    vip TEXT,
    adults INTEGER,
    spend_room TEXT,
    spend_fnb TEXT,
    spend_other TEXT,
    notes TEXT
) WITHOUT ROWID;
CREATE INDEX stays_gid ON stays(gid, arrival);
CREATE INDEX stays_arrival ON stays(arrival);
CREATE INDEX stays_departure ON stays(departure);
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    gid INTEGER NOT NULL REFERENCES guests(gid),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    department TEXT,
    text TEXT NOT NULL,
    resolution TEXT,
    status TEXT
);
CREATE INDEX feedback_gid ON feedback(gid, at);
-- Append-only: every change and every reveal.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    guest_id TEXT,
    detail TEXT
);
CREATE INDEX audit_guest ON audit(guest_id, at);
";

/// Page cache sizes (negative: KiB): lookups touch a few pages; an import touches many.
const CACHE_KIB: &str = "-16000";
const IMPORT_CACHE_KIB: &str = "-131072";

const GUEST_COLUMNS: &str = "gid, id, name, name_latin, preferred_address, gender, birth_date, \
    nationality, language, id_doc_type, id_doc_number, phones, emails, company, vip, flags, notes, \
    version, created_at, updated_at, updated_by";

const STAY_COLUMNS: &str = "s.reservation_id, g.id, s.arrival, s.departure, s.status, s.room, \
    s.room_type, s.vip, s.adults, s.spend_room, s.spend_fnb, s.spend_other, s.notes";

const PREF_COLUMNS: &str =
    "p.id, g.id, p.category, p.value, p.note, p.observed_by, p.observed_at, p.source, p.retired";

const FEEDBACK_COLUMNS: &str =
    "f.id, g.id, f.kind, f.at, f.department, f.text, f.resolution, f.status";

/// Stays that count: everything but cancellations and no-shows.
const REAL_STAY: &str = "s.status NOT IN ('cancelled', 'no_show')";
/// A guest's last stay that took place (arrival date), for `guests.last_stay`.
const LAST_STAY_OF_GID: &str = "SELECT max(arrival) FROM stays s WHERE s.gid = guests.gid \
    AND s.status IN ('in_house', 'departed')";

pub struct SqliteStore {
    conn: Connection,
    region: phonenumber::country::Id,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

impl SqliteStore {
    /// Whether the file holds data in an older schema, which opening will migrate (a large
    /// file takes a while, so the caller may say so first).
    pub fn schema_behind(path: &Path) -> bool {
        let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
            return false;
        };
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|v| (1..SCHEMA_VERSION).contains(&v))
    }

    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path, region: phonenumber::country::Id) -> Result<SqliteStore, StoreError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let mut store = SqliteStore { conn, region };
        store.configure().map_err(|e| match e {
            StoreError::Database(reason) => StoreError::Open {
                path: shown.clone(),
                reason,
            },
            other => other,
        })?;
        store.migrate(&shown)?;
        Ok(store)
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        // journal_mode needs the write lock once; the busy timeout covers a racing terminal.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        for (name, value) in [
            ("synchronous", "FULL"),
            ("foreign_keys", "ON"),
            ("secure_delete", "ON"),
            ("temp_store", "FILE"),
            // Not memory-mapped: every page a lookup ever touched would count in the resident
            // size of each terminal (440 MB after a few dozen lookups on a million guests).
            ("mmap_size", "0"),
            ("cache_size", CACHE_KIB),
        ] {
            self.conn.pragma_update(None, name, value)?;
        }
        Ok(())
    }

    fn import_in_one_transaction(
        &mut self,
        kind: Kind,
        rows: &mut dyn Iterator<Item = ImportRow>,
        bad: BadRows,
        user: &str,
    ) -> Result<ImportReport, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS import_seen (id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.import_seen;")?;
        let mut report = ImportReport::default();
        let mut names = postings::Batch::default();
        for row in rows {
            let outcome = match row.item {
                Ok(item) => import_item(&tx, item, &mut names, &mut report, user),
                Err(problem) => Err((problem.column, problem.reason)),
            };
            if let Err((column, reason)) = outcome {
                report.rejected += 1;
                report.errors.push(RowError {
                    line: row.line,
                    column,
                    reason,
                });
            }
        }
        tx.execute_batch("DELETE FROM temp.import_seen;")?;
        names.flush(&tx)?;
        if report.rejected > 0 && bad == BadRows::Refuse {
            tx.rollback()?;
            return Ok(report);
        }
        let detail = format!(
            "{kind:?}: {} imported, {} updated, {} rejected",
            report.imported, report.updated, report.rejected
        );
        audit(&tx, user, "import", None, &detail)?;
        tx.commit()?;
        report.committed = true;
        Ok(report)
    }

    fn migrate(&mut self, shown: &str) -> Result<(), StoreError> {
        // Checked without a lock first, so opening a current file never waits on a long import.
        let current: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                path: shown.to_string(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        if version < 1 {
            tx.execute_batch(SCHEMA_V1)?;
        }
        if version < 2 {
            // Version 2: merged profiles are retired, not deleted; keys in the slimmer scheme
            // (rebuilt by version 6).
            tx.execute_batch("ALTER TABLE guests ADD COLUMN merged_into INTEGER;")?;
        }
        if version < 3 {
            // Version 3: a lookup ranks every candidate by its last stay; with the status in
            // the index that is one index descent, not one per stay row.
            tx.execute_batch(
                "DROP INDEX IF EXISTS stays_gid; \
                 CREATE INDEX stays_gid_status ON stays(gid, status, arrival);",
            )?;
        }
        if version < 4 {
            // Version 4: each guest row carries its last stay, so ranking a lookup candidate
            // reads one row instead of also descending the stays index.
            tx.execute_batch("ALTER TABLE guests ADD COLUMN last_stay TEXT;")?;
            tx.execute(
                &format!("UPDATE guests SET last_stay = ({LAST_STAY_OF_GID})"),
                [],
            )?;
        }
        if version < 5 {
            // Version 5: in-house on a date is `departure > d AND arrival < d`; with both dates
            // in one index the board checks arrival without reading every future stay's row.
            tx.execute_batch(
                "DROP INDEX IF EXISTS stays_departure; \
                 CREATE INDEX stays_departure_arrival ON stays(departure, arrival);",
            )?;
        }
        if version < 6 {
            // Version 6: name keys as postings, one row per key and block of guests; a row
            // per (key, guest) spent more on row overhead than on keys (122 MB per 1M guests).
            tx.execute_batch("DROP TABLE name_keys;")?;
            tx.execute_batch(postings::SCHEMA)?;
        }
        if version < 7 {
            // Version 7: phone keys carry the guest's VIP code and last stay, so guests sharing
            // trailing digits are ranked without reading ~120 guest rows; a VIP's name keys are
            // also filed behind a mark, so namesakes never hide a VIP.
            tx.execute_batch(&format!("DROP TABLE phone_keys; {PHONE_KEYS}"))?;
            rebuild_keys(&tx)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    /// Writes go through here: `BEGIN IMMEDIATE`, so two terminals queue instead of failing
    /// half-way, and a lock held longer than the busy timeout surfaces as `Busy`.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The phone region numbers without a country code belong to.
    pub fn region(&self) -> phonenumber::country::Id {
        self.region
    }

    /// Runs `PRAGMA integrity_check` and `foreign_key_check`; returns the problems found.
    pub fn check(&self) -> Result<Vec<String>, StoreError> {
        let mut problems: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|p| p != "ok")
            .collect();
        let fk = self
            .conn
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |r| {
                Ok(format!(
                    "{} row {} refers to a missing {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        problems.extend(fk);
        Ok(problems)
    }

    /// Moves every date of a sample database by `days`: stays, observations, feedback,
    /// birthdays and anniversary notes, so `demo` shows the sample's reference day as today.
    pub fn shift_sample_dates(&mut self, days: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            let shift = format!("{days:+} days");
            tx.execute(
                "UPDATE stays SET arrival = date(arrival, ?1), departure = date(departure, ?1)",
                params![shift],
            )?;
            tx.execute(
                "UPDATE guests SET last_stay = date(last_stay, ?1) WHERE last_stay IS NOT NULL",
                params![shift],
            )?;
            tx.execute(
                "UPDATE phone_keys SET last_stay = CAST(strftime('%Y%m%d', \
                 (SELECT last_stay FROM guests g WHERE g.gid = phone_keys.gid)) AS INTEGER)",
                [],
            )?;
            tx.execute(
                "UPDATE preferences SET observed_at = strftime('%Y-%m-%dT%H:%M:%SZ', observed_at, ?1)",
                params![shift],
            )?;
            tx.execute(
                "UPDATE feedback SET at = strftime('%Y-%m-%dT%H:%M:%SZ', at, ?1)",
                params![shift],
            )?;
            tx.execute(
                "UPDATE guests SET birth_date = date(birth_date, ?1) WHERE birth_date IS NOT NULL",
                params![shift],
            )?;
            let notes: Vec<(i64, String)> = tx
                .prepare(
                    "SELECT id, note FROM preferences WHERE category = 'celebration' \
                     AND value = 'anniversary' AND note IS NOT NULL",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (id, note) in notes {
                if let Some(moved) = shift_month_day(&note, days) {
                    tx.execute("UPDATE preferences SET note = ?1 WHERE id = ?2", params![moved, id])?;
                }
            }
            Ok(())
        })
    }
}

// ---------------------------------------------------------------- row mapping

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn parse_date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn join(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(";"))
}

fn split(s: Option<String>) -> Vec<String> {
    s.map(|s| {
        s.split(';')
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    })
    .unwrap_or_default()
}

fn guest_from_row(r: &Row) -> rusqlite::Result<(i64, Guest)> {
    let phones: String = r.get(11)?;
    let flags = split(r.get(15)?)
        .iter()
        .filter_map(|f| Flag::parse(f))
        .collect();
    Ok((
        r.get(0)?,
        Guest {
            id: GuestId(r.get(1)?),
            name: r.get(2)?,
            name_latin: r.get(3)?,
            preferred_address: r.get(4)?,
            gender: r
                .get::<_, Option<String>>(5)?
                .and_then(|s| Gender::parse(&s)),
            birth_date: r.get::<_, Option<String>>(6)?.map(|s| parse_date(&s)),
            nationality: r.get(7)?,
            language: r.get(8)?,
            id_doc_type: r
                .get::<_, Option<String>>(9)?
                .and_then(|s| IdDocType::parse(&s)),
            id_doc_number: r.get(10)?,
            phones: serde_json::from_str(&phones).unwrap_or_default(),
            emails: split(r.get(12)?),
            company: r.get(13)?,
            vip: r.get(14)?,
            flags,
            notes: r.get(16)?,
            version: r.get(17)?,
            created_at: parse_ts(&r.get::<_, String>(18)?),
            updated_at: parse_ts(&r.get::<_, String>(19)?),
            updated_by: r.get(20)?,
        },
    ))
}

fn stay_from_row(r: &Row) -> rusqlite::Result<Stay> {
    Ok(Stay {
        reservation_id: r.get(0)?,
        guest_id: GuestId(r.get(1)?),
        arrival: parse_date(&r.get::<_, String>(2)?),
        departure: parse_date(&r.get::<_, String>(3)?),
        status: StayStatus::parse(&r.get::<_, String>(4)?).unwrap_or(StayStatus::Expected),
        room: r.get(5)?,
        room_type: r.get(6)?,
        vip: r.get(7)?,
        adults: r.get(8)?,
        spend_room: r.get(9)?,
        spend_fnb: r.get(10)?,
        spend_other: r.get(11)?,
        notes: r.get(12)?,
    })
}

fn pref_from_row(r: &Row) -> rusqlite::Result<Preference> {
    Ok(Preference {
        id: r.get(0)?,
        guest_id: GuestId(r.get(1)?),
        category: r.get(2)?,
        value: r.get(3)?,
        note: r.get(4)?,
        observed_by: r.get(5)?,
        observed_at: parse_ts(&r.get::<_, String>(6)?),
        source: r
            .get::<_, Option<String>>(7)?
            .and_then(|s| Source::parse(&s)),
        retired: r.get(8)?,
    })
}

fn feedback_from_row(r: &Row) -> rusqlite::Result<Feedback> {
    Ok(Feedback {
        id: r.get(0)?,
        guest_id: GuestId(r.get(1)?),
        kind: FeedbackKind::parse(&r.get::<_, String>(2)?).unwrap_or(FeedbackKind::Complaint),
        at: parse_ts(&r.get::<_, String>(3)?),
        department: r
            .get::<_, Option<String>>(4)?
            .and_then(|s| Source::parse(&s)),
        text: r.get(5)?,
        resolution: r.get(6)?,
        status: r
            .get::<_, Option<String>>(7)?
            .and_then(|s| FeedbackStatus::parse(&s)),
    })
}

// ---------------------------------------------------------------- guests and keys

fn guest_by_id(conn: &Connection, id: &GuestId) -> Result<Option<(i64, Guest)>, StoreError> {
    let sql = format!("SELECT {GUEST_COLUMNS} FROM guests WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([&id.0], guest_from_row)
        .optional()?)
}

fn gid_of(conn: &Connection, id: &GuestId) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT gid FROM guests WHERE id = ?1")?
        .query_row([&id.0], |r| r.get(0))
        .optional()?)
}

fn require_gid(conn: &Connection, id: &GuestId) -> Result<i64, StoreError> {
    gid_of(conn, id)?.ok_or_else(|| StoreError::GuestNotFound(id.clone()))
}

/// The name keys of a guest (a VIP's twice, see [`search::vip_key`]); a `name_latin` that only
/// repeats the pinyin adds nothing.
fn name_keys_of(g: &Guest) -> Vec<String> {
    let mut keys = search::name::guest_keys(&g.name, g.name_latin.as_deref(), &g.emails);
    if g.vip.is_some() {
        let marked: Vec<String> = keys.iter().map(|k| search::vip_key(k)).collect();
        keys.extend(marked);
    }
    keys
}

fn phone_keys_of(phones: &[Phone]) -> Vec<String> {
    let mut keys: Vec<String> = phones
        .iter()
        .map(|p| phone::reversed_digits(&p.e164))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn write_keys(tx: &Connection, gid: i64, g: &Guest) -> Result<(), StoreError> {
    let mut names = postings::Batch::default();
    queue_keys(tx, gid, g, &mut names)?;
    names.flush(tx)
}

/// Writes the phone keys and queues the name keys on `names`, for a long write to file later.
fn queue_keys(
    tx: &Connection,
    gid: i64,
    g: &Guest,
    names: &mut postings::Batch,
) -> Result<(), StoreError> {
    if g.name == ERASED_NAME {
        return Ok(());
    }
    for key in name_keys_of(g) {
        names.add(tx, key, gid)?;
    }
    let mut phones = tx.prepare_cached(&format!(
        "INSERT OR IGNORE INTO phone_keys (rev, gid, vip, last_stay) \
         SELECT ?2, ?1, r.* FROM ({PHONE_RANK_OF_GID}) r"
    ))?;
    for key in phone_keys_of(&g.phones) {
        phones.execute(params![gid, key])?;
    }
    Ok(())
}

/// Recomputes every key of every guest still in use (after a change of key scheme).
fn rebuild_keys(tx: &Connection) -> Result<(), StoreError> {
    tx.execute_batch("DELETE FROM name_keys; DELETE FROM phone_keys;")?;
    let sql = format!("SELECT {GUEST_COLUMNS} FROM guests WHERE merged_into IS NULL");
    let mut stmt = tx.prepare(&sql)?;
    let guests = stmt.query_map([], guest_from_row)?;
    let mut names = postings::Batch::default();
    for row in guests {
        let (gid, guest) = row?;
        queue_keys(tx, gid, &guest, &mut names)?;
    }
    names.flush(tx)
}

/// Removes the keys an older version of the guest was indexed under (recomputed, so the key
/// tables need no index by guest).
fn delete_keys(tx: &Connection, gid: i64, old: &Guest) -> Result<(), StoreError> {
    for key in name_keys_of(old) {
        postings::remove(tx, &key, gid)?;
    }
    let mut phones = tx.prepare_cached("DELETE FROM phone_keys WHERE rev = ?1 AND gid = ?2")?;
    for key in phone_keys_of(&old.phones) {
        phones.execute(params![key, gid])?;
    }
    Ok(())
}

fn refresh_last_stay(tx: &Connection, gid: i64) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "UPDATE guests SET last_stay = ({LAST_STAY_OF_GID}) WHERE gid = ?1"
    ))?
    .execute([gid])?;
    rank_phone_keys(tx, gid)
}

/// Copies a guest's VIP code and last stay onto its phone keys after the last stay changed.
fn rank_phone_keys(tx: &Connection, gid: i64) -> Result<(), StoreError> {
    let phones: Option<String> = tx
        .prepare_cached("SELECT phones FROM guests WHERE gid = ?1")?
        .query_row([gid], |r| r.get(0))
        .optional()?;
    let phones: Vec<Phone> = phones
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default();
    let mut update = tx.prepare_cached(&format!(
        "UPDATE phone_keys SET (vip, last_stay) = ({PHONE_RANK_OF_GID}) WHERE rev = ?2 AND gid = ?1"
    ))?;
    for key in phone_keys_of(&phones) {
        update.execute(params![gid, key])?;
    }
    Ok(())
}

fn phones_json(g: &Guest) -> String {
    serde_json::to_string(&g.phones).unwrap_or_else(|_| "[]".into())
}

/// The columns a person enters, `name` to `notes`, in the order of the guests table.
fn entered_columns(g: &Guest) -> [Value; 15] {
    let flags: Vec<String> = g.flags.iter().map(|f| f.as_str().to_string()).collect();
    let text = |s: &Option<String>| Value::from(s.clone());
    [
        g.name.clone().into(),
        text(&g.name_latin),
        text(&g.preferred_address),
        text(&g.gender.as_ref().map(|x| x.as_str().to_string())),
        text(&g.birth_date.map(|d| d.to_string())),
        text(&g.nationality),
        text(&g.language),
        text(&g.id_doc_type.as_ref().map(|x| x.as_str().to_string())),
        text(&g.id_doc_number),
        phones_json(g).into(),
        text(&join(&g.emails)),
        text(&g.company),
        text(&g.vip),
        text(&join(&flags)),
        text(&g.notes),
    ]
}

fn insert_guest(
    tx: &Connection,
    g: &Guest,
    names: &mut postings::Batch,
) -> Result<(i64, GuestId), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO guests (id, name, name_latin, preferred_address, gender, birth_date, nationality, \
         language, id_doc_type, id_doc_number, phones, emails, company, vip, flags, notes, version, \
         created_at, updated_at, updated_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 1, ?17, ?17, ?18)",
    )?;
    // An absent id is assigned from the row number once the row exists.
    let placeholder = if g.id.0.is_empty() {
        format!("new-{}", Utc::now().timestamp_nanos_opt().unwrap_or(0))
    } else {
        g.id.0.clone()
    };
    let row = [Value::from(placeholder)]
        .into_iter()
        .chain(entered_columns(g))
        .chain([ts(&g.updated_at).into(), g.updated_by.clone().into()]);
    stmt.execute(params_from_iter(row))?;
    let gid = tx.last_insert_rowid();
    let id = if g.id.0.is_empty() {
        assign_id(tx, gid)?
    } else {
        g.id.clone()
    };
    queue_keys(tx, gid, g, names)?;
    Ok((gid, id))
}

fn assign_id(tx: &Connection, gid: i64) -> Result<GuestId, StoreError> {
    let mut candidate = format!("G{gid:07}");
    let mut n = 1;
    while gid_of(tx, &GuestId(candidate.clone()))?.is_some() {
        n += 1;
        candidate = format!("G{gid:07}-{n}");
    }
    tx.execute(
        "UPDATE guests SET id = ?1 WHERE gid = ?2",
        params![candidate, gid],
    )?;
    Ok(GuestId(candidate))
}

fn update_guest_row(tx: &Connection, gid: i64, g: &Guest, user: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE guests SET name = ?2, name_latin = ?3, preferred_address = ?4, gender = ?5, \
         birth_date = ?6, nationality = ?7, language = ?8, id_doc_type = ?9, id_doc_number = ?10, \
         phones = ?11, emails = ?12, company = ?13, vip = ?14, flags = ?15, notes = ?16, \
         version = version + 1, updated_at = ?17, updated_by = ?18 WHERE gid = ?1",
    )?
    .execute(params_from_iter(
        [Value::from(gid)]
            .into_iter()
            .chain(entered_columns(g))
            .chain([ts(&Utc::now()).into(), user.to_string().into()]),
    ))?;
    Ok(())
}

/// Whether two versions of a profile differ in anything a person entered.
fn same_content(a: &Guest, b: &Guest) -> bool {
    let strip = |g: &Guest| Guest {
        version: 0,
        created_at: DateTime::default(),
        updated_at: DateTime::default(),
        updated_by: None,
        ..g.clone()
    };
    strip(a) == strip(b)
}

fn audit(
    tx: &Connection,
    user: &str,
    action: &str,
    guest: Option<&GuestId>,
    detail: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit (at, user, action, guest_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        ts(&Utc::now()),
        user,
        action,
        guest.map(|g| g.0.as_str()),
        detail
    ])?;
    Ok(())
}

// ---------------------------------------------------------------- profile parts

fn stay_count(conn: &Connection, gid: i64) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM stays WHERE gid = ?1 AND status IN ('in_house', 'departed')",
        )?
        .query_row([gid], |r| r.get(0))?)
}

fn preferences_of(conn: &Connection, gid: i64) -> Result<Vec<Preference>, StoreError> {
    let sql = format!(
        "SELECT {PREF_COLUMNS} FROM preferences p JOIN guests g ON g.gid = p.gid \
         WHERE p.gid = ?1 ORDER BY p.observed_at DESC, p.id DESC"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([gid], pref_from_row)?
        .collect::<Result<_, _>>()?)
}

fn stays_of(conn: &Connection, gid: i64) -> Result<Vec<Stay>, StoreError> {
    let sql = format!(
        "SELECT {STAY_COLUMNS} FROM stays s JOIN guests g ON g.gid = s.gid \
         WHERE s.gid = ?1 ORDER BY s.arrival DESC"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([gid], stay_from_row)?
        .collect::<Result<_, _>>()?)
}

fn feedback_of(conn: &Connection, gid: i64) -> Result<Vec<Feedback>, StoreError> {
    let sql = format!(
        "SELECT {FEEDBACK_COLUMNS} FROM feedback f JOIN guests g ON g.gid = f.gid \
         WHERE f.gid = ?1 ORDER BY f.at DESC, f.id DESC"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([gid], feedback_from_row)?
        .collect::<Result<_, _>>()?)
}

fn preference_by_id(conn: &Connection, guest: &GuestId, id: i64) -> Result<Preference, StoreError> {
    let sql = format!("SELECT {PREF_COLUMNS} FROM preferences p JOIN guests g ON g.gid = p.gid WHERE p.id = ?1 AND g.id = ?2");
    conn.prepare_cached(&sql)?
        .query_row(params![id, guest.0], pref_from_row)
        .optional()?
        .ok_or(StoreError::PreferenceNotFound {
            guest: guest.clone(),
            id,
        })
}

fn insert_preference(tx: &Connection, gid: i64, p: &NewPreference) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO preferences (gid, category, value, note, observed_by, observed_at, source) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        gid,
        p.category,
        p.value,
        p.note,
        p.observed_by,
        ts(&p.observed_at),
        p.source.map(Source::as_str)
    ])?;
    Ok(tx.last_insert_rowid())
}

// ---------------------------------------------------------------- board

/// Alerts for one stay: do-not-rent, open complaints, a birthday or anniversary in the stay.
fn alerts_for(
    conn: &Connection,
    gid: i64,
    guest: &Guest,
    prefs: &[Preference],
    arrival: NaiveDate,
    departure: NaiveDate,
) -> Result<Vec<Alert>, StoreError> {
    let mut alerts = Vec::new();
    if guest.has_flag(Flag::DoNotRent) {
        alerts.push(Alert::DoNotRent);
    }
    let open: u32 = conn
        .prepare_cached("SELECT count(*) FROM feedback WHERE gid = ?1 AND kind = 'complaint' AND status = 'open'")?
        .query_row([gid], |r| r.get(0))?;
    if open > 0 {
        alerts.push(Alert::OpenComplaint { count: open });
    }
    if let Some(date) = guest
        .birth_date
        .and_then(|b| day_in_stay(b.month(), b.day(), arrival, departure))
    {
        alerts.push(Alert::Birthday { date });
    }
    let anniversaries = prefs
        .iter()
        .filter(|p| p.category == "celebration" && p.value == "anniversary");
    for (month, day) in anniversaries.filter_map(|p| p.note.as_deref().and_then(month_day_in)) {
        if let Some(date) = day_in_stay(month, day, arrival, departure) {
            alerts.push(Alert::Anniversary { date });
            break;
        }
    }
    Ok(alerts)
}

/// The date in [arrival, departure] that falls on month/day, if any.
fn day_in_stay(
    month: u32,
    day: u32,
    arrival: NaiveDate,
    departure: NaiveDate,
) -> Option<NaiveDate> {
    (arrival.year()..=departure.year())
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| (arrival..=departure).contains(d))
}

/// The first `MM-DD` in a note (`wedding anniversary 06-17`).
fn month_day_in(note: &str) -> Option<(u32, u32)> {
    month_day_at(note).map(|(_, m, d)| (m, d))
}

/// Where the first `MM-DD` in a note starts, and its month and day.
fn month_day_at(note: &str) -> Option<(usize, u32, u32)> {
    (0..note.len().saturating_sub(4)).find_map(|i| {
        let w = note.get(i..i + 5)?;
        let (m, d) = w.split_once('-')?;
        let digits = w
            .bytes()
            .enumerate()
            .all(|(j, b)| j == 2 || b.is_ascii_digit());
        if m.len() != 2 || d.len() != 2 || !digits {
            return None;
        }
        let (m, d) = (m.parse().ok()?, d.parse().ok()?);
        NaiveDate::from_ymd_opt(2000, m, d).map(|_| (i, m, d))
    })
}

/// The note with its `MM-DD` moved by `days` (counted in a leap year, so 02-29 survives).
fn shift_month_day(note: &str, days: i64) -> Option<String> {
    let (at, m, d) = month_day_at(note)?;
    let moved = NaiveDate::from_ymd_opt(2000, m, d)? + chrono::Duration::days(days);
    Some(format!(
        "{}{}{}",
        &note[..at],
        moved.format("%m-%d"),
        &note[at + 5..]
    ))
}

/// VIP codes sort V1 first; no code last.
fn vip_rank(vip: &Option<String>) -> (bool, String) {
    (vip.is_none(), vip.clone().unwrap_or_default())
}

/// The preferences that matter for the board: the newest active one per category and value.
fn key_preferences(prefs: &[Preference]) -> Vec<BoardPreference> {
    let mut out: Vec<BoardPreference> = Vec::new();
    for p in prefs.iter().filter(|p| !p.retired) {
        if !out
            .iter()
            .any(|o| o.category == p.category && o.value == p.value)
        {
            out.push(BoardPreference {
                category: p.category.clone(),
                value: p.value.clone(),
                note: p.note.clone(),
            });
        }
    }
    out
}

impl SqliteStore {
    fn board_rows(
        &self,
        filter: &str,
        date: NaiveDate,
        vip_only: bool,
    ) -> Result<Vec<BoardRow>, StoreError> {
        let sql = format!(
            "SELECT s.reservation_id, s.gid, s.arrival, s.departure, s.room, s.vip FROM stays s \
             WHERE {filter} AND {REAL_STAY}"
        );
        type StayRow = (String, i64, String, String, Option<String>, Option<String>);
        let stays: Vec<StayRow> = self
            .conn
            .prepare_cached(&sql)?
            .query_map([date.to_string()], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let guest_sql = format!("SELECT {GUEST_COLUMNS} FROM guests WHERE gid = ?1");
        let mut rows = Vec::new();
        for (reservation_id, gid, arrival, departure, room, stay_vip) in stays {
            let (_, guest) = self
                .conn
                .prepare_cached(&guest_sql)?
                .query_row([gid], guest_from_row)?;
            let vip = stay_vip.or(guest.vip.clone());
            if vip_only && vip.is_none() {
                continue;
            }
            let (arrival, departure) = (parse_date(&arrival), parse_date(&departure));
            let prefs = preferences_of(&self.conn, gid)?;
            rows.push(BoardRow {
                alerts: alerts_for(&self.conn, gid, &guest, &prefs, arrival, departure)?,
                preferences: key_preferences(&prefs),
                stay_count: stay_count(&self.conn, gid)?,
                guest_id: guest.id,
                name: guest.name,
                name_latin: guest.name_latin,
                preferred_address: guest.preferred_address,
                reservation_id,
                room,
                vip,
                arrival,
                departure,
            });
        }
        rows.sort_by(|a, b| {
            (vip_rank(&a.vip), &a.room, &a.name).cmp(&(vip_rank(&b.vip), &b.room, &b.name))
        });
        Ok(rows)
    }
}

// ---------------------------------------------------------------- import

/// A stay by its key, as `stay_from_row` reads it. No JOIN on purpose: SQLite re-prepares a
/// joined statement each time `?1` is bound to a new value (measured: every call), which was a
/// fifth of a stays import; the scalar subquery keeps one plan.
const STAY_BY_RESERVATION: &str = "SELECT s.reservation_id, \
    (SELECT g.id FROM guests g WHERE g.gid = s.gid), s.arrival, s.departure, s.status, s.room, \
    s.room_type, s.vip, s.adults, s.spend_room, s.spend_fnb, s.spend_other, s.notes \
    FROM stays s WHERE s.reservation_id = ?1";

fn import_item(
    tx: &Connection,
    item: ImportItem,
    names: &mut postings::Batch,
    report: &mut ImportReport,
    user: &str,
) -> Result<(), (String, String)> {
    let db = |e: StoreError| ("-".to_string(), e.to_string());
    match item {
        ImportItem::Guest(g) => {
            if !g.id.0.is_empty() {
                let fresh = tx
                    .prepare_cached("INSERT OR IGNORE INTO temp.import_seen (id) VALUES (?1)")
                    .and_then(|mut s| s.execute([&g.id.0]))
                    .map_err(|e| db(e.into()))?;
                if fresh == 0 {
                    return Err(("id".into(), Msg::RowDuplicateId.fill(&[("id", &g.id)])));
                }
            }
            match guest_by_id(tx, &g.id).map_err(db)? {
                Some((gid, old)) => {
                    if !same_content(&old, &g) {
                        delete_keys(tx, gid, &old).map_err(db)?;
                        update_guest_row(tx, gid, &g, user).map_err(db)?;
                        queue_keys(tx, gid, &g, names).map_err(db)?;
                        report.updated += 1;
                    }
                }
                None => {
                    let g = Guest {
                        updated_by: Some(user.to_string()),
                        ..g
                    };
                    insert_guest(tx, &g, names).map_err(db)?;
                    report.imported += 1;
                }
            }
        }
        ImportItem::Preference(p) => {
            let gid = import_gid(tx, &p.guest_id)?;
            let exists: bool = tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM preferences WHERE gid = ?1 AND observed_at = ?2 AND category = ?3 AND value = ?4)")
                    .and_then(|mut s| s.query_row(params![gid, ts(&p.observed_at), p.category, p.value], |r| r.get(0)))
                    .map_err(|e| db(e.into()))?;
            if !exists {
                insert_preference(tx, gid, &p).map_err(db)?;
                report.imported += 1;
            }
        }
        ImportItem::Stay(s) => {
            let gid = import_gid(tx, &s.guest_id)?;
            let old = tx
                .prepare_cached(STAY_BY_RESERVATION)
                .and_then(|mut st| st.query_row([&s.reservation_id], stay_from_row).optional())
                .map_err(|e| db(e.into()))?;
            if old.as_ref() == Some(&s) {
                return Ok(());
            }
            tx.prepare_cached(
                    "INSERT INTO stays (reservation_id, gid, arrival, departure, status, room, room_type, vip, adults, \
                     spend_room, spend_fnb, spend_other, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
                     ON CONFLICT (reservation_id) DO UPDATE SET gid = excluded.gid, arrival = excluded.arrival, \
                     departure = excluded.departure, status = excluded.status, room = excluded.room, \
                     room_type = excluded.room_type, vip = excluded.vip, adults = excluded.adults, \
                     spend_room = excluded.spend_room, spend_fnb = excluded.spend_fnb, \
                     spend_other = excluded.spend_other, notes = excluded.notes",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        s.reservation_id, gid, s.arrival.to_string(), s.departure.to_string(), s.status.as_str(),
                        s.room, s.room_type, s.vip, s.adults, s.spend_room, s.spend_fnb, s.spend_other, s.notes
                    ])
                })
                .map_err(|e| db(e.into()))?;
            match &old {
                Some(old) => {
                    // The stay may have moved to another guest or stopped counting.
                    refresh_last_stay(tx, gid).map_err(db)?;
                    if old.guest_id != s.guest_id {
                        let old_gid = import_gid(tx, &old.guest_id)?;
                        refresh_last_stay(tx, old_gid).map_err(db)?;
                    }
                    report.updated += 1;
                }
                None => {
                    if matches!(s.status, StayStatus::InHouse | StayStatus::Departed) {
                        tx.prepare_cached(
                            "UPDATE guests SET last_stay = ?2 WHERE gid = ?1 \
                             AND (last_stay IS NULL OR last_stay < ?2)",
                        )
                        .and_then(|mut st| st.execute(params![gid, s.arrival.to_string()]))
                        .map_err(|e| db(e.into()))
                        .and_then(|raised| match raised {
                            0 => Ok(()),
                            _ => rank_phone_keys(tx, gid).map_err(db),
                        })?;
                    }
                    report.imported += 1;
                }
            }
        }
        ImportItem::Feedback(f) => {
            let gid = import_gid(tx, &f.guest_id)?;
            let exists: bool = tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM feedback WHERE gid = ?1 AND at = ?2 AND kind = ?3 AND text = ?4)")
                    .and_then(|mut s| s.query_row(params![gid, ts(&f.at), f.kind.as_str(), f.text], |r| r.get(0)))
                    .map_err(|e| db(e.into()))?;
            if exists {
                // Same complaint again: only its handling may have moved on.
                let changed = tx
                        .prepare_cached("UPDATE feedback SET department = ?5, resolution = ?6, status = ?7 WHERE gid = ?1 AND at = ?2 AND kind = ?3 AND text = ?4 AND (department IS NOT ?5 OR resolution IS NOT ?6 OR status IS NOT ?7)")
                        .and_then(|mut s| s.execute(params![gid, ts(&f.at), f.kind.as_str(), f.text, f.department.map(Source::as_str), f.resolution, f.status.map(FeedbackStatus::as_str)]))
                        .map_err(|e| db(e.into()))?;
                report.updated += changed as u64;
            } else {
                tx.prepare_cached("INSERT INTO feedback (gid, kind, at, department, text, resolution, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                        .and_then(|mut s| s.execute(params![gid, f.kind.as_str(), ts(&f.at), f.department.map(Source::as_str), f.text, f.resolution, f.status.map(FeedbackStatus::as_str)]))
                        .map_err(|e| db(e.into()))?;
                report.imported += 1;
            }
        }
    }
    Ok(())
}

fn import_gid(tx: &Connection, id: &GuestId) -> Result<i64, (String, String)> {
    gid_of(tx, id)
        .map_err(|e| ("-".to_string(), e.to_string()))?
        .ok_or_else(|| {
            (
                "guest_id".to_string(),
                Msg::RowUnknownGuest.fill(&[("id", id)]),
            )
        })
}

// ---------------------------------------------------------------- the trait

impl Store for SqliteStore {
    fn profile(&mut self, id: &GuestId) -> Result<Profile, StoreError> {
        let (gid, guest) =
            guest_by_id(&self.conn, id)?.ok_or_else(|| StoreError::GuestNotFound(id.clone()))?;
        Ok(Profile {
            guest,
            stay_count: stay_count(&self.conn, gid)?,
            preferences: preferences_of(&self.conn, gid)?,
            stays: stays_of(&self.conn, gid)?,
            feedback: feedback_of(&self.conn, gid)?,
        })
    }

    fn update_guest(&mut self, guest: &Guest, user: &str) -> Result<Guest, StoreError> {
        let id = guest.id.clone();
        self.write(|tx| {
            let (gid, current) =
                guest_by_id(tx, &id)?.ok_or_else(|| StoreError::GuestNotFound(id.clone()))?;
            if current.version != guest.version {
                return Err(StoreError::Stale {
                    id: id.clone(),
                    by: current.updated_by.clone().unwrap_or_else(|| "?".into()),
                    at: current.updated_at,
                });
            }
            delete_keys(tx, gid, &current)?;
            update_guest_row(tx, gid, guest, user)?;
            write_keys(tx, gid, guest)?;
            audit(
                tx,
                user,
                "edit",
                Some(&id),
                &format!("version {}", guest.version + 1),
            )?;
            guest_by_id(tx, &id)?
                .map(|(_, g)| g)
                .ok_or_else(|| StoreError::GuestNotFound(id.clone()))
        })
    }

    fn add_preference(
        &mut self,
        pref: NewPreference,
        user: &str,
    ) -> Result<Preference, StoreError> {
        self.write(|tx| {
            let gid = require_gid(tx, &pref.guest_id)?;
            let id = insert_preference(tx, gid, &pref)?;
            audit(
                tx,
                user,
                "preference_add",
                Some(&pref.guest_id),
                &format!("{}={}", pref.category, pref.value),
            )?;
            preference_by_id(tx, &pref.guest_id, id)
        })
    }

    fn retire_preference(
        &mut self,
        guest: &GuestId,
        id: i64,
        user: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let pref = preference_by_id(tx, guest, id)?;
            tx.execute("UPDATE preferences SET retired = 1 WHERE id = ?1", [id])?;
            audit(
                tx,
                user,
                "preference_retire",
                Some(guest),
                &format!("{}={}", pref.category, pref.value),
            )
        })
    }

    fn note_preference(
        &mut self,
        guest: &GuestId,
        id: i64,
        note: &str,
        user: &str,
    ) -> Result<Preference, StoreError> {
        self.write(|tx| {
            preference_by_id(tx, guest, id)?;
            let note = Some(note.trim()).filter(|n| !n.is_empty());
            tx.execute(
                "UPDATE preferences SET note = ?1 WHERE id = ?2",
                params![note, id],
            )?;
            audit(tx, user, "preference_note", Some(guest), &id.to_string())?;
            preference_by_id(tx, guest, id)
        })
    }

    fn board(&mut self, date: NaiveDate, vip_only: bool) -> Result<Board, StoreError> {
        Ok(Board {
            date,
            arrivals: self.board_rows("s.arrival = ?1", date, vip_only)?,
            in_house: self.board_rows("s.departure > ?1 AND s.arrival < ?1", date, vip_only)?,
            departures: self.board_rows("s.departure = ?1", date, vip_only)?,
        })
    }

    fn search(&mut self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        search(&self.conn, self.region, query, limit)
    }

    fn merge(
        &mut self,
        keep: &GuestId,
        other: &GuestId,
        user: &str,
    ) -> Result<Profile, StoreError> {
        self.write(|tx| merge_guests(tx, keep, other, user))?;
        self.profile(keep)
    }

    fn erase(&mut self, id: &GuestId, user: &str) -> Result<(), StoreError> {
        self.write(|tx| erase_guest(tx, id, user))
    }

    fn import(
        &mut self,
        kind: Kind,
        rows: &mut dyn Iterator<Item = ImportRow>,
        bad: BadRows,
        user: &str,
    ) -> Result<ImportReport, StoreError> {
        // A large file touches pages all over several B-trees; with the lookup-sized cache
        // most of them would be read and spilled again and again.
        self.conn
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        let result = self.import_in_one_transaction(kind, rows, bad, user);
        self.conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        result
    }

    fn export(
        &mut self,
        kind: Kind,
        sink: &mut dyn FnMut(ImportItem) -> std::io::Result<()>,
    ) -> Result<u64, StoreError> {
        let write_err = |e: std::io::Error| StoreError::Database(e.to_string());
        let mut n = 0;
        match kind {
            Kind::Guests => {
                let sql = format!("SELECT {GUEST_COLUMNS} FROM guests ORDER BY id");
                let mut stmt = self.conn.prepare(&sql)?;
                for row in stmt.query_map([], guest_from_row)? {
                    sink(ImportItem::Guest(row?.1)).map_err(write_err)?;
                    n += 1;
                }
            }
            Kind::Preferences => {
                let sql = format!("SELECT {PREF_COLUMNS} FROM preferences p JOIN guests g ON g.gid = p.gid ORDER BY g.id, p.observed_at, p.category, p.value, p.id");
                let mut stmt = self.conn.prepare(&sql)?;
                for row in stmt.query_map([], pref_from_row)? {
                    let p = row?;
                    let new = NewPreference {
                        guest_id: p.guest_id,
                        category: p.category,
                        value: p.value,
                        note: p.note,
                        observed_by: p.observed_by,
                        observed_at: p.observed_at,
                        source: p.source,
                    };
                    sink(ImportItem::Preference(new)).map_err(write_err)?;
                    n += 1;
                }
            }
            Kind::Stays => {
                let sql = format!("SELECT {STAY_COLUMNS} FROM stays s JOIN guests g ON g.gid = s.gid ORDER BY s.reservation_id");
                let mut stmt = self.conn.prepare(&sql)?;
                for row in stmt.query_map([], stay_from_row)? {
                    sink(ImportItem::Stay(row?)).map_err(write_err)?;
                    n += 1;
                }
            }
            Kind::Feedback => {
                let sql = format!("SELECT {FEEDBACK_COLUMNS} FROM feedback f JOIN guests g ON g.gid = f.gid ORDER BY g.id, f.at, f.id");
                let mut stmt = self.conn.prepare(&sql)?;
                for row in stmt.query_map([], feedback_from_row)? {
                    sink(ImportItem::Feedback(row?)).map_err(write_err)?;
                    n += 1;
                }
            }
        }
        Ok(n)
    }
}

// ---------------------------------------------------------------- merge and erase

/// What an erased profile is called; it has no search keys.
pub const ERASED_NAME: &str = "[erased]";

fn merged_into(conn: &Connection, gid: i64) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT merged_into FROM guests WHERE gid = ?1")?
        .query_row([gid], |r| r.get(0))?)
}

/// A guest that is still in use (not retired by a merge), with its row id.
fn live_guest(conn: &Connection, id: &GuestId) -> Result<(i64, Guest), StoreError> {
    let (gid, guest) =
        guest_by_id(conn, id)?.ok_or_else(|| StoreError::GuestNotFound(id.clone()))?;
    if merged_into(conn, gid)?.is_some() {
        return Err(StoreError::Invalid(
            crate::i18n::Msg::MergeRetired.fill(&[("id", id)]),
        ));
    }
    Ok((gid, guest))
}

/// KEEP with OTHER's phones (one per E.164) and e-mails added, its blanks filled from OTHER,
/// flags joined (a do-not-rent mark must survive a merge).
fn merged_guest(keep: &Guest, other: &Guest) -> Guest {
    let mut g = keep.clone();
    for p in &other.phones {
        if !g.phones.iter().any(|q| q.e164 == p.e164) {
            g.phones.push(p.clone());
        }
    }
    for e in &other.emails {
        if !g.emails.iter().any(|f| f.eq_ignore_ascii_case(e)) {
            g.emails.push(e.clone());
        }
    }
    for f in &other.flags {
        if !g.flags.contains(f) {
            g.flags.push(*f);
        }
    }
    let fill = |mine: &mut Option<String>, theirs: &Option<String>| {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    };
    fill(&mut g.name_latin, &other.name_latin);
    fill(&mut g.preferred_address, &other.preferred_address);
    fill(&mut g.nationality, &other.nationality);
    fill(&mut g.language, &other.language);
    fill(&mut g.id_doc_number, &other.id_doc_number);
    fill(&mut g.company, &other.company);
    fill(&mut g.vip, &other.vip);
    fill(&mut g.notes, &other.notes);
    g.gender = g.gender.or(other.gender);
    g.birth_date = g.birth_date.or(other.birth_date);
    g.id_doc_type = g.id_doc_type.or(other.id_doc_type);
    g
}

fn merge_guests(
    tx: &Connection,
    keep: &GuestId,
    other: &GuestId,
    user: &str,
) -> Result<(), StoreError> {
    if keep == other {
        return Err(StoreError::Invalid(
            crate::i18n::Msg::MergeSelf.fill(&[("id", keep)]),
        ));
    }
    let (keep_gid, keep_guest) = live_guest(tx, keep)?;
    let (other_gid, other_guest) = live_guest(tx, other)?;
    delete_keys(tx, keep_gid, &keep_guest)?;
    delete_keys(tx, other_gid, &other_guest)?;
    let merged = merged_guest(&keep_guest, &other_guest);
    update_guest_row(tx, keep_gid, &merged, user)?;
    write_keys(tx, keep_gid, &merged)?;
    for table in ["preferences", "stays", "feedback"] {
        tx.execute(
            &format!("UPDATE {table} SET gid = ?1 WHERE gid = ?2"),
            [keep_gid, other_gid],
        )?;
    }
    refresh_last_stay(tx, keep_gid)?;
    tx.prepare_cached(
        "UPDATE guests SET merged_into = ?1, version = version + 1, updated_at = ?2, \
         updated_by = ?3 WHERE gid = ?4",
    )?
    .execute(params![keep_gid, ts(&Utc::now()), user, other_gid])?;
    audit(
        tx,
        user,
        "merge",
        Some(keep),
        &format!("{other} merged into {keep}"),
    )
}

/// The guest with its personal data replaced: only what an anonymous stay history needs.
fn erased_guest(g: &Guest) -> Guest {
    Guest {
        name: ERASED_NAME.to_string(),
        name_latin: None,
        preferred_address: None,
        birth_date: None,
        id_doc_type: None,
        id_doc_number: None,
        phones: Vec::new(),
        emails: Vec::new(),
        company: None,
        notes: None,
        flags: Vec::new(),
        ..g.clone()
    }
}

fn erase_guest(tx: &Connection, id: &GuestId, user: &str) -> Result<(), StoreError> {
    let (gid, guest) = guest_by_id(tx, id)?.ok_or_else(|| StoreError::GuestNotFound(id.clone()))?;
    delete_keys(tx, gid, &guest)?;
    update_guest_row(tx, gid, &erased_guest(&guest), user)?;
    let prefs = tx.execute("DELETE FROM preferences WHERE gid = ?1", [gid])?;
    let feedback = tx.execute("DELETE FROM feedback WHERE gid = ?1", [gid])?;
    let stays = tx.execute("UPDATE stays SET notes = NULL WHERE gid = ?1", [gid])?;
    audit(
        tx,
        user,
        "erase",
        Some(id),
        &format!(
            "personal data erased; {stays} stays kept anonymously; \
             {prefs} preferences and {feedback} feedback removed"
        ),
    )
}

// ---------------------------------------------------------------- search

/// Upper bound for a prefix range: every key starting with `p` is in [p, p + U+10FFFF).
fn prefix_end(p: &str) -> String {
    format!("{p}\u{10FFFF}")
}

/// The key tables as the lookup sees them: bounded index range scans, guests by row id.
struct SqliteKeys<'c>(&'c Connection);

impl search::KeyIndex for SqliteKeys<'_> {
    fn name_exact(&mut self, key: &str, cap: usize) -> Result<Vec<(String, i64)>, StoreError> {
        postings::exact(self.0, key, cap)
    }

    fn name_range(
        &mut self,
        prefix: &str,
        with_equal: bool,
        cap: usize,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        postings::range(self.0, prefix, with_equal, &prefix_end(prefix), cap)
    }

    fn name_filed(&mut self, key: &str, gids: &[i64]) -> Result<Vec<i64>, StoreError> {
        postings::filed(self.0, key, gids)
    }

    fn phone_scan(
        &mut self,
        rev: &str,
        exact: bool,
        cap: usize,
    ) -> Result<Vec<(i64, search::TieBreak)>, StoreError> {
        let end = if exact {
            format!("{rev}\0")
        } else {
            prefix_end(rev)
        };
        let mut stmt = self.0.prepare_cached(
            "SELECT gid, vip, last_stay FROM phone_keys WHERE rev >= ?1 AND rev < ?2 LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![rev, end, cap as i64], |r| {
            let last: Option<i64> = r.get(2)?;
            let date = |d: i64| {
                NaiveDate::from_ymd_opt(
                    (d / 10000) as i32,
                    (d / 100 % 100) as u32,
                    (d % 100) as u32,
                )
            };
            Ok((
                r.get(0)?,
                search::TieBreak {
                    vip: r.get(1)?,
                    last_stay: last.and_then(date),
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn candidate(&mut self, gid: i64) -> Result<Option<search::Candidate>, StoreError> {
        let sql = format!(
            "SELECT {GUEST_COLUMNS}, last_stay FROM guests WHERE gid = ?1 AND merged_into IS NULL"
        );
        let found = self
            .0
            .prepare_cached(&sql)?
            .query_row([gid], |r| {
                let (gid, guest) = guest_from_row(r)?;
                let last: Option<String> = r.get(GUEST_COLUMN_COUNT)?;
                Ok(search::Candidate {
                    gid,
                    guest,
                    last_stay: last.map(|s| parse_date(&s)),
                })
            })
            .optional()?;
        Ok(found)
    }

    fn open_complaints(&mut self, gid: i64) -> Result<u32, StoreError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT count(*) FROM feedback WHERE gid = ?1 AND kind = 'complaint' AND status = 'open'",
            )?
            .query_row([gid], |r| r.get(0))?)
    }
}

/// How many columns `GUEST_COLUMNS` lists.
const GUEST_COLUMN_COUNT: usize = 21;

/// The lookup over this database's key tables.
pub(crate) fn search(
    conn: &Connection,
    region: phonenumber::country::Id,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>, StoreError> {
    // One read transaction: the lock is taken once, not once per index scan.
    let tx = conn.unchecked_transaction()?;
    let hits = search::run(&mut SqliteKeys(&tx), region, query, limit)?;
    tx.commit()?;
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anniversary_note_moves_with_the_demo_day() {
        assert_eq!(
            shift_month_day("wedding anniversary 06-17", 161).as_deref(),
            Some("wedding anniversary 11-25")
        );
        assert_eq!(
            shift_month_day("结婚纪念日 12-31", 1).as_deref(),
            Some("结婚纪念日 01-01")
        );
        assert_eq!(shift_month_day("no date", 5), None);
    }

    #[test]
    fn month_day_found_in_notes() {
        assert_eq!(month_day_in("wedding anniversary 06-17"), Some((6, 17)));
        assert_eq!(month_day_in("结婚纪念日 12-31，送花"), Some((12, 31)));
        assert_eq!(month_day_in("no date 13-45"), None);
        assert_eq!(month_day_in("x"), None);
    }

    #[test]
    fn birthday_in_stay_across_new_year() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            day_in_stay(1, 2, d("2026-12-30"), d("2027-01-03")),
            Some(d("2027-01-02"))
        );
        assert_eq!(day_in_stay(2, 29, d("2026-02-27"), d("2026-03-02")), None);
    }
}
