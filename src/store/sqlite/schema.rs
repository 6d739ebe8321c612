//! The SQLite schema: the tables of every version and the migrations between them, and the
//! column lists the row mapping reads.

use rusqlite::{Connection, TransactionBehavior};

use super::postings;
use crate::store::StoreError;

/// Reversed phone digits (trailing digits are a prefix range scan) with what ties between
/// guests sharing them are broken on; `last_stay` as `yyyymmdd`, which sorts as a date.
pub const PHONE_KEYS: &str = "CREATE TABLE phone_keys (rev TEXT NOT NULL, gid INTEGER NOT NULL, \
    vip TEXT, last_stay INTEGER, PRIMARY KEY (rev, gid)) WITHOUT ROWID;";

/// A guest's tie-breaks as a phone key holds them (`vip`, last stay as an integer YYYYMMDD),
/// from its row in `guests`.
macro_rules! phone_rank_columns {
    () => {
        "vip, CAST(strftime('%Y%m%d', last_stay) AS INTEGER)"
    };
}

/// The phone-key tie-breaks of the guest `?1`.
pub const PHONE_RANK_OF_GID: &str = concat!(
    "SELECT ",
    phone_rank_columns!(),
    " FROM guests WHERE gid = ?1"
);

/// The phone-key tie-breaks of the guests an import touched, into `temp.import_ranks`.
pub const PHONE_RANKS_OF_TOUCHED: &str = concat!(
    "INSERT INTO temp.import_ranks (gid, vip, last_stay) SELECT gid, ",
    phone_rank_columns!(),
    " FROM guests WHERE gid IN (SELECT gid FROM temp.import_touched)"
);

/// The schema this build writes; older files are migrated on open.
pub const SCHEMA_VERSION: i64 = 18;

/// `PRAGMA application_id` of a guestbook file ("GBk1"), set from version 8 on.
pub const APPLICATION_ID: i64 = 0x47426b31;

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
pub const CACHE_KIB: &str = "-16000";
pub const IMPORT_CACHE_KIB: &str = "-131072";
/// How much of the file a server's session maps (SQLite's own ceiling, just under 2 GiB; the
/// rest of a larger file is read as usual).
pub const SERVER_MMAP_BYTES: &str = "2147418112";

pub const GUEST_COLUMNS: &str =
    "gid, id, name, name_latin, preferred_address, gender, birth_date, \
    nationality, language, id_doc_type, id_doc_number, phones, emails, company, vip, flags, notes, \
    version, created_at, updated_at, updated_by, pseudonym";

/// Lookup candidates by row id (`?1` a JSON array), guests retired by a merge left out: only
/// the columns scoring, masking and the result card read (a guest's notes, documents and
/// timestamps are most of its row and no hit shows them). Read by
/// [`super::rows::candidate_from_row`]. The list drives the join (`CROSS JOIN` keeps it
/// outer): a row-id descent per id, where `gid IN (SELECT value FROM json_each(?1))` first
/// builds a temporary index of the ids, a B-tree and its pages for every statement.
pub const CANDIDATES_OF_GIDS: &str = "SELECT g.gid, g.id, g.name, g.name_latin, \
    g.preferred_address, g.phones, g.emails, g.vip, g.flags, g.pseudonym, g.last_stay \
    FROM json_each(?1) AS j CROSS JOIN guests AS g ON g.gid = j.value \
    WHERE g.merged_into IS NULL";

/// The open complaints of the guests in a JSON list (`?1`), one row each: an index descent
/// per guest, driven by the list as [`CANDIDATES_OF_GIDS`] is.
pub const OPEN_COMPLAINTS_OF_GIDS: &str = "SELECT f.gid \
    FROM json_each(?1) AS j CROSS JOIN feedback AS f ON f.gid = j.value \
    WHERE f.kind = 'complaint' AND f.status = 'open'";

pub const STAY_COLUMNS: &str = "s.reservation_id, g.id, s.arrival, s.departure, s.status, s.room, \
    s.room_type, s.vip, s.adults, s.spend_room, s.spend_fnb, s.spend_other, s.notes";

pub const PREF_COLUMNS: &str =
    "p.id, g.id, p.category, p.value, p.note, p.observed_by, p.observed_at, p.source, p.retired";

pub const FEEDBACK_COLUMNS: &str =
    "f.id, g.id, f.kind, f.at, f.department, f.text, f.resolution, f.status";

/// The stays that count as stays ([`crate::rules::counts_as_stay`]), as SQL over `stays`.
pub const COUNTED_STAY: &str = "status IN ('in_house', 'departed')";

/// A guest's last stay that took place (arrival date), for `guests.last_stay`.
pub const LAST_STAY_OF_GID: &str = "SELECT max(arrival) FROM stays s WHERE s.gid = guests.gid \
    AND s.status IN ('in_house', 'departed')";

/// Version 8: staff accounts (argon2id password hashes) and the hotel's settings (JSON values).
const ACCOUNTS_AND_SETTINGS: &str = "
CREATE TABLE IF NOT EXISTS accounts (
    user TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    department TEXT NOT NULL,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
";

/// Version 12: a server's sign-in sessions, kept by the SHA-256 hash of their token only (the
/// token itself is never stored), so a restarted server keeps everyone signed in. Times are
/// Unix seconds.
const SESSIONS: &str = "
CREATE TABLE IF NOT EXISTS sessions (
    token_hash BLOB PRIMARY KEY,
    user TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Version 13: the first answer to each write sent to a server with an `Idempotency-Key`, so
/// a retried write is answered again instead of applied twice. Times are Unix seconds.
const IDEMPOTENT_ANSWERS: &str = "
CREATE TABLE IF NOT EXISTS idempotent_answers (
    user TEXT NOT NULL,
    key TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (user, key)
) WITHOUT ROWID;
";

/// Version 14: the audit log says from which host each entry came, is read by guest and by
/// user through indexes, and is append-only: no statement may change or delete an entry (a
/// restore replaces the whole file, log included, through the backup API).
const AUDIT_APPEND_ONLY: &str = "
CREATE INDEX IF NOT EXISTS audit_guest ON audit(guest_id, id);
CREATE INDEX IF NOT EXISTS audit_user ON audit(user, id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// Version 17: erasure. `guests.erased_at` marks a tombstone (an erased id kept without
/// personal data, so an import cannot bring the guest back); `destructions` is the record of
/// every erasure and retention purge (when, who, why, counts; no personal data), append-only
/// like the audit log; erasing a profile finds the profiles merged into it by index.
const ERASURE: &str = "
CREATE INDEX IF NOT EXISTS guests_merged_into ON guests(merged_into) WHERE merged_into IS NOT NULL;
CREATE TABLE IF NOT EXISTS destructions (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT,
    guests INTEGER NOT NULL,
    stays_kept INTEGER NOT NULL,
    preferences INTEGER NOT NULL,
    feedback INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS destructions_no_update BEFORE UPDATE ON destructions
    BEGIN SELECT RAISE(ABORT, 'the destruction record is append-only'); END;
CREATE TRIGGER IF NOT EXISTS destructions_no_delete BEFORE DELETE ON destructions
    BEGIN SELECT RAISE(ABORT, 'the destruction record is append-only'); END;
";

/// Version 9: the longest stay in nights, which bounds the board's in-house scan.
const LONGEST_STAY: &str = "
CREATE TABLE IF NOT EXISTS longest_stay (nights INTEGER NOT NULL);
DELETE FROM longest_stay;
INSERT INTO longest_stay (nights)
    SELECT coalesce(max(julianday(departure) - julianday(arrival)), 0) FROM stays;
";

/// Keeps `longest_stay` at least `?1` nights. The board finds in-house guests by scanning
/// departures from the date to the date plus the longest stay ever written: on a million
/// guests, a few days of the departure index instead of every future departure.
pub const RAISE_LONGEST_STAY: &str = "UPDATE longest_stay SET nights = max(nights, ?1)";

/// The board's stays of a date (`?1`): arriving, departing, or in house (arrived before and
/// leaving after; `?2` is the longest stay in nights, which bounds the departures to scan).
/// Each branch is one index range.
pub const BOARD_STAYS: &str =
    "SELECT reservation_id, gid, arrival, departure, room, vip, status FROM stays \
    WHERE arrival = ?1 \
    UNION SELECT reservation_id, gid, arrival, departure, room, vip, status FROM stays \
    WHERE departure = ?1 \
    UNION SELECT reservation_id, gid, arrival, departure, room, vip, status FROM stays \
    WHERE departure > ?1 AND departure <= date(?1, '+' || ?2 || ' days') AND arrival < ?1";

/// The stays, with what tells where each stands, of the guests in a JSON list (`?1`) that
/// may stand on `?2`: leaving on it or later and arriving by `?3`, not cancelled. Driven by
/// the list, one `stays_gid_departure` range per guest (see [`CANDIDATES_OF_GIDS`]).
pub const STAYS_AROUND_OF_GIDS: &str = "SELECT s.gid, s.arrival, s.departure, s.room, s.status \
    FROM json_each(?1) AS j CROSS JOIN stays AS s ON s.gid = j.value \
    WHERE s.departure >= ?2 AND s.arrival <= ?3 AND s.status NOT IN ('cancelled', 'no_show')";

/// The guests with such a stay on `?1` (arriving by `?2`): one range of the covering
/// `stays_standing` index (departures from `?1` to `?2` plus the longest stay), never a row.
pub const STAYING_GIDS: &str = "SELECT gid FROM stays \
    WHERE departure >= ?1 AND departure <= date(?2, '+' || (SELECT nights FROM longest_stay) || ' days') \
    AND arrival <= ?2 AND status NOT IN ('cancelled', 'no_show')";

/// The stays in room `?1` that touch `?2` (arrived by it, leaving on it or later).
pub const ROOM_STAYS: &str = "SELECT gid, arrival, departure, room, status FROM stays \
    WHERE room = ?1 AND departure >= ?2 AND arrival <= ?2 \
    AND status NOT IN ('cancelled', 'no_show')";

/// Version 11: the lookup finds guests by room and ranks those staying now first.
const STANDING_INDEXES: &str = "
DROP INDEX IF EXISTS stays_departure_arrival;
CREATE INDEX IF NOT EXISTS stays_standing ON stays(departure, arrival, status, gid);
CREATE INDEX IF NOT EXISTS stays_gid_departure ON stays(gid, departure);
CREATE INDEX IF NOT EXISTS stays_room ON stays(room, departure);
";

/// What a file holds before anything is changed in it.
#[derive(Debug, PartialEq, Eq)]
pub enum FileKind {
    /// An empty database (a new file).
    Empty,
    /// A guestbook database of this schema version.
    Guestbook(i64),
    /// Another program's database.
    Foreign,
}

/// Looks at a database without writing to it: its application id, schema version and tables.
pub fn file_kind(conn: &Connection) -> Result<FileKind, StoreError> {
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    let has_guests: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'guests')",
        [],
        |r| r.get(0),
    )?;
    Ok(match (app, version, tables) {
        (0, 0, 0) => FileKind::Empty,
        (APPLICATION_ID, v, _) => FileKind::Guestbook(v),
        // Files of versions 1 to 7 carry no application id.
        (0, v @ 1..=7, _) if has_guests => FileKind::Guestbook(v),
        _ => FileKind::Foreign,
    })
}

/// Version 15: incognito guests carry the name staff below manager see, search and print.
/// Also run before an older migration rebuilds the keys (it reads every guest column).
pub fn add_pseudonym(tx: &Connection) -> Result<(), StoreError> {
    let has: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('guests') WHERE name = 'pseudonym')",
        [],
        |r| r.get(0),
    )?;
    if !has {
        tx.execute_batch("ALTER TABLE guests ADD COLUMN pseudonym TEXT;")?;
    }
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    // Checked without a lock first, so opening a current file never waits on a long import.
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
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
        super::keys::rebuild_keys(&tx)?;
    }
    if version < 8 {
        // Version 8: who may act comes from the database, and so do the hotel's settings;
        // the application id tells a guestbook file from any other SQLite file.
        tx.execute_batch(ACCOUNTS_AND_SETTINGS)?;
    }
    if version < 9 {
        tx.execute_batch(LONGEST_STAY)?;
    }
    if version < 11 {
        // Version 11: a room number finds today's guest in it, and guests in house or
        // arriving within the week are looked up by their stays: each an index range.
        // `stays_standing` also serves the board's in-house range, as (departure, arrival)
        // did, and covers the read of every stay standing today.
        tx.execute_batch(STANDING_INDEXES)?;
    }
    if version < 12 {
        tx.execute_batch(SESSIONS)?;
    }
    if version < 13 {
        tx.execute_batch(IDEMPOTENT_ANSWERS)?;
    }
    if version < 14 {
        // Only where the column is missing: a file marked older than it is may come back.
        let has_host: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('audit') WHERE name = 'host')",
            [],
            |r| r.get(0),
        )?;
        if !has_host {
            tx.execute_batch("ALTER TABLE audit ADD COLUMN host TEXT;")?;
        }
        tx.execute_batch(AUDIT_APPEND_ONLY)?;
    }
    if version < 15 {
        add_pseudonym(&tx)?;
    }
    if version < 16 {
        // Version 16: likely duplicates are found by grouping keys, and pairs marked "not the
        // same person" stay apart.
        tx.execute_batch(super::dupes::SCHEMA)?;
        super::dupes::rebuild(&tx)?;
    }
    if version < 17 {
        tx.execute_batch(ERASURE)?;
        let has_erased: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('guests') WHERE name = 'erased_at')",
            [],
            |r| r.get(0),
        )?;
        if !has_erased {
            tx.execute_batch("ALTER TABLE guests ADD COLUMN erased_at TEXT;")?;
            // Guests erased before version 17 carry the placeholder name only.
            tx.execute(
                "UPDATE guests SET erased_at = updated_at WHERE name = ?1",
                [crate::rules::merge::ERASED_NAME],
            )?;
        }
    }
    if version < 18 {
        // Version 18: the SHA-256 of the request each kept answer answered (method, path and
        // body), so a key sent again with another request is refused instead of answered.
        let has_request: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('idempotent_answers') \
             WHERE name = 'request')",
            [],
            |r| r.get(0),
        )?;
        if !has_request {
            tx.execute_batch("ALTER TABLE idempotent_answers ADD COLUMN request BLOB;")?;
        }
    }
    if (7..10).contains(&version) {
        // Version 10: names are keyed in every reading of their characters, dotted names by
        // parts, ü as both v and u, compatibility forms folded (older files were rebuilt by v7).
        super::keys::rebuild_keys(&tx)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}
