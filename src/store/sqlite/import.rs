//! Importing interchange rows: one transaction per file; a guest row changes only the fields
//! it has values for, stays are upserted by reservation id, repeated observations and
//! feedback are recognised and not doubled.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::keys::*;
use super::postings;
use super::rows::*;
use super::schema::{LAST_STAY_OF_GID, PHONE_RANKS_OF_TOUCHED, RAISE_LONGEST_STAY};
use super::{guest_id_of, merged_into};
use crate::i18n::Msg;
use crate::model::*;
use crate::rules::validate;
use crate::store::{
    BadRows, ImportItem, ImportReport, ImportRow, Kind, RowDuplicate, RowError, StoreError,
};

pub fn import_in_one_transaction(
    conn: &mut Connection,
    kind: Kind,
    rows: &mut dyn Iterator<Item = ImportRow>,
    bad: BadRows,
    user: &str,
) -> Result<ImportReport, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(IMPORT_SCRATCH)?;
    let mut report = ImportReport::default();
    let mut file = FileSoFar::new(&tx)?;
    let mut longest = 0i64;
    let mut bulk = match kind {
        Kind::Stays => Some(BulkStays::new(&tx)?),
        _ => None,
    };
    for row in rows {
        if let Ok(ImportItem::Stay(stay)) = &row.item {
            longest = longest.max((stay.departure - stay.arrival).num_days());
            if let Some(bulk) = bulk.as_mut() {
                bulk.count_row(&tx)?;
            }
        }
        let outcome = match row.item {
            Ok(item) => import_item(&tx, item, row.line, &mut file, &mut report, user),
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
    // The file's ids are not needed any more: their memory goes before the stays are
    // written and their indexes built.
    let FileSoFar {
        mut touched,
        mut names,
        new_stays,
        ..
    } = file;
    insert_new_stays(&tx, new_stays, &mut touched, &mut report)?;
    // Nothing of this transaction stays: no index is worth building again.
    if bad == BadRows::Check {
        tx.rollback()?;
        return Ok(report);
    }
    if report.rejected > 0 && bad == BadRows::Refuse {
        tx.rollback()?;
        // Nothing was written: the counts say so.
        report.imported = 0;
        report.updated = 0;
        report.unchanged = 0;
        return Ok(report);
    }
    if let Some(bulk) = bulk {
        bulk.finish(&tx)?;
    }
    finish_last_stays(&tx, touched)?;
    tx.execute_batch(IMPORT_SCRATCH_CLEARED)?;
    names.flush(&tx)?;
    tx.prepare_cached(RAISE_LONGEST_STAY)?.execute([longest])?;
    let detail = format!(
        "{kind:?}: {} imported, {} updated, {} unchanged, {} rejected",
        report.imported, report.updated, report.unchanged, report.rejected
    );
    audit(&tx, user, "import", None, &detail)?;
    tx.commit()?;
    report.committed = true;
    Ok(report)
}

/// The import's scratch tables, filled at the end: the guests whose last stay the file's
/// stays change, so each guest's last stay and phone-key ranks are written once, set-based
/// (`arrival` is the latest counted arrival among the file's new stays; `refresh` says a
/// stored stay changed, so the last stay is computed again from all the guest's stays), and
/// those guests' phone-key ranks when there are many.
const IMPORT_SCRATCH: &str = "\
    CREATE TEMP TABLE IF NOT EXISTS import_touched (gid INTEGER PRIMARY KEY, arrival TEXT, \
        refresh INTEGER NOT NULL DEFAULT 0); \
    CREATE TEMP TABLE IF NOT EXISTS import_ranks (gid INTEGER PRIMARY KEY, vip TEXT, \
        last_stay INTEGER); \
    DELETE FROM temp.import_touched; DELETE FROM temp.import_ranks;";

const IMPORT_SCRATCH_CLEARED: &str =
    "DELETE FROM temp.import_touched; DELETE FROM temp.import_ranks;";

/// What the file has done so far, kept in memory (a hash per row costs far less than a
/// B-tree of scratch rows): the ids it had and on which line (a duplicate names both), the
/// guests whose last stay its stays change, and the guest of the previous row (a PMS export
/// lists a guest's stays together).
struct FileSoFar {
    /// Ids are short: kept inline, not as a million small allocations, which slowed every
    /// allocation after them (SQLite's too) by half.
    seen: HashMap<compact_str::CompactString, u64, foldhash::fast::RandomState>,
    touched: HashMap<i64, Touched>,
    names: postings::Batch,
    /// No stay was stored when the file began: a reservation id new to the file is a new stay.
    no_stays_before: bool,
    last_guest: Option<(compact_str::CompactString, Option<GuestRow>)>,
    /// The file's new stays, inserted when the file is read.
    new_stays: Vec<NewStay>,
}

/// A new stay kept until the file is read (see [`insert_new_stays`]), its text columns packed
/// into one allocation: two million `Stay`s as they are hold about 700 MB, packed about 200.
struct NewStay {
    line: u64,
    gid: i64,
    arrival: chrono::NaiveDate,
    departure: chrono::NaiveDate,
    status: StayStatus,
    adults: Option<u32>,
    /// The text columns in [`NewStay::texts`] order, each as a little-endian u32 length and
    /// its bytes, or [`NewStay::ABSENT`] alone when absent.
    text: Box<[u8]>,
}

impl NewStay {
    const ABSENT: u32 = u32::MAX;

    fn pack(line: u64, gid: i64, s: Stay) -> NewStay {
        let fields = [
            Some(s.reservation_id),
            s.room,
            s.room_type,
            s.vip,
            s.spend_room,
            s.spend_fnb,
            s.spend_other,
            s.notes,
        ];
        let mut text = Vec::with_capacity(
            fields
                .iter()
                .map(|f| 4 + f.as_ref().map_or(0, String::len))
                .sum(),
        );
        for field in &fields {
            match field {
                Some(value) => {
                    text.extend_from_slice(&(value.len() as u32).to_le_bytes());
                    text.extend_from_slice(value.as_bytes());
                }
                None => text.extend_from_slice(&Self::ABSENT.to_le_bytes()),
            }
        }
        NewStay {
            line,
            gid,
            arrival: s.arrival,
            departure: s.departure,
            status: s.status,
            adults: s.adults,
            text: text.into_boxed_slice(),
        }
    }

    /// The text columns: reservation id, room, room type, VIP, the three spends, notes.
    fn texts(&self) -> [Option<&str>; 8] {
        let mut at = 0;
        std::array::from_fn(|_| {
            let len = u32::from_le_bytes(self.text[at..at + 4].try_into().expect("4 bytes"));
            at += 4;
            if len == Self::ABSENT {
                return None;
            }
            let value = &self.text[at..at + len as usize];
            at += len as usize;
            // Packed from `String`s above.
            Some(std::str::from_utf8(value).expect("packed from a String"))
        })
    }

    /// The reservation id's bytes, the stays table's key (SQLite's BINARY order is byte order).
    fn key(&self) -> &[u8] {
        let len = u32::from_le_bytes(self.text[..4].try_into().expect("4 bytes"));
        &self.text[4..4 + len as usize]
    }
}

/// A guest's last-stay effect of the file's stays, written once per guest at the end.
#[derive(Default)]
struct Touched {
    /// The latest arrival among the guest's new stays that count (in house or departed).
    arrival: Option<chrono::NaiveDate>,
    /// A stored stay changed: the last stay is computed again from all the guest's stays.
    refresh: bool,
}

/// The columns of a guest's row an addressed row needs: gid, `merged_into`, erased.
type GuestRow = (i64, Option<i64>, bool);

impl FileSoFar {
    fn new(tx: &Connection) -> Result<FileSoFar, StoreError> {
        let any_stay: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM stays)", [], |r| r.get(0))?;
        Ok(FileSoFar {
            seen: HashMap::default(),
            touched: HashMap::new(),
            names: postings::Batch::default(),
            no_stays_before: !any_stay,
            last_guest: None,
            new_stays: Vec::new(),
        })
    }

    /// Records that this file has `id` on `line`; an error naming both lines when it had it
    /// before.
    fn first_in_file(&mut self, column: &str, id: &str, line: u64) -> Result<(), (String, String)> {
        match self.seen.entry(id.into()) {
            Entry::Vacant(fresh) => {
                fresh.insert(line);
                Ok(())
            }
            Entry::Occupied(first) => Err((
                column.to_string(),
                Msg::RowDuplicateId.fill(&[("id", &id), ("first", first.get()), ("line", &line)]),
            )),
        }
    }

    /// The guest row of `id`, read once for a run of rows addressed to the same guest (the
    /// file's stays, preferences and feedback do not change guests' rows).
    fn guest_row(
        &mut self,
        tx: &Connection,
        id: &GuestId,
    ) -> Result<Option<GuestRow>, rusqlite::Error> {
        if let Some((last, row)) = &self.last_guest {
            if *last == id.0 {
                return Ok(*row);
            }
        }
        let row = tx
            .prepare_cached(
                "SELECT gid, merged_into, erased_at IS NOT NULL FROM guests WHERE id = ?1",
            )?
            .query_row([&id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        self.last_guest = Some((id.0.as_str().into(), row));
        Ok(row)
    }
}

/// Above this many touched guests their phone keys are ranked in one pass over the phone
/// keys rather than a lookup per guest.
const RANK_IN_ONE_PASS: i64 = 20_000;

/// The touched guests' last stays and their phone keys' ranks, once per guest, set-based:
/// the guests go into `temp.import_touched` in gid order (appended, not inserted at random).
fn finish_last_stays(tx: &Connection, touched: HashMap<i64, Touched>) -> Result<(), StoreError> {
    if touched.is_empty() {
        return Ok(());
    }
    let mut touched: Vec<(i64, Touched)> = touched.into_iter().collect();
    touched.sort_unstable_by_key(|(gid, _)| *gid);
    let mut insert = tx.prepare_cached(
        "INSERT INTO temp.import_touched (gid, arrival, refresh) VALUES (?1, ?2, ?3)",
    )?;
    for (gid, t) in &touched {
        insert.execute(params![gid, t.arrival.map(|d| d.to_string()), t.refresh])?;
    }
    let touched = touched.len() as i64;
    tx.execute(
        &format!(
            "UPDATE guests SET last_stay = ({LAST_STAY_OF_GID}) \
             WHERE gid IN (SELECT gid FROM temp.import_touched WHERE refresh = 1)"
        ),
        [],
    )?;
    tx.execute(
        "UPDATE guests SET last_stay = t.arrival FROM temp.import_touched t \
         WHERE t.gid = guests.gid AND t.refresh = 0 \
         AND (guests.last_stay IS NULL OR guests.last_stay < t.arrival)",
        [],
    )?;
    if touched > RANK_IN_ONE_PASS {
        // The ranks are read from the guests in gid order into a small table first: looked
        // up per phone key (in key order), the guests' pages would be read all over again.
        tx.execute(PHONE_RANKS_OF_TOUCHED, [])?;
        tx.execute(
            "UPDATE phone_keys SET (vip, last_stay) = \
                 (SELECT vip, last_stay FROM temp.import_ranks r WHERE r.gid = phone_keys.gid) \
             WHERE gid IN (SELECT gid FROM temp.import_ranks)",
            [],
        )?;
    } else {
        let gids: Vec<i64> = tx
            .prepare("SELECT gid FROM temp.import_touched")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for gid in gids {
            rank_phone_keys(tx, gid)?;
        }
    }
    Ok(())
}

/// Stay rows of one import from which its stays' secondary indexes are dropped, and built
/// again once at the end: two million stays inserted one by one into six indexes keyed by
/// dates, rooms and guests touch pages all over each of them; a sort per index at the end
/// writes each page once. Small files (the nightly export) keep the indexes.
const BULK_MIN_ROWS: u64 = 50_000;

/// A stays import that may become a bulk one: the indexes it dropped, to build again.
struct BulkStays {
    stored: u64,
    rows: u64,
    dropped: Option<Vec<String>>,
}

impl BulkStays {
    fn new(tx: &Connection) -> Result<BulkStays, StoreError> {
        let stored: i64 = tx.query_row("SELECT count(*) FROM stays", [], |r| r.get(0))?;
        Ok(BulkStays {
            stored: stored as u64,
            rows: 0,
            dropped: None,
        })
    }

    /// One more stay row; drops the indexes once the file is large beside what is stored
    /// (rebuilding them then costs less than keeping them up row by row).
    fn count_row(&mut self, tx: &Connection) -> Result<(), StoreError> {
        self.rows += 1;
        if self.dropped.is_none() && self.rows >= BULK_MIN_ROWS.max(self.stored / 4) {
            self.dropped = Some(drop_indexes(tx, "stays")?);
        }
        Ok(())
    }

    fn finish(self, tx: &Connection) -> Result<(), StoreError> {
        for sql in self.dropped.unwrap_or_default() {
            tx.execute_batch(&sql)?;
        }
        Ok(())
    }
}

/// Drops `table`'s own indexes (not those of its constraints); returns their definitions.
/// Read from the schema, so an index a later version adds is built again too.
fn drop_indexes(tx: &Connection, table: &str) -> Result<Vec<String>, StoreError> {
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_schema \
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
        )?
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

pub const STAY_BY_RESERVATION: &str = "SELECT s.reservation_id, \
    (SELECT g.id FROM guests g WHERE g.gid = s.gid), s.arrival, s.departure, s.status, s.room, \
    s.room_type, s.vip, s.adults, s.spend_room, s.spend_fnb, s.spend_other, s.notes, s.gid \
    FROM stays s WHERE s.reservation_id = ?1";

const INSERT_STAY: &str = "INSERT INTO stays (reservation_id, gid, arrival, departure, status, \
    room, room_type, vip, adults, spend_room, spend_fnb, spend_other, notes) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

const UPDATE_STAY: &str = "UPDATE stays SET gid = ?2, arrival = ?3, departure = ?4, status = ?5, \
    room = ?6, room_type = ?7, vip = ?8, adults = ?9, spend_room = ?10, spend_fnb = ?11, \
    spend_other = ?12, notes = ?13 WHERE reservation_id = ?1";

fn import_item(
    tx: &Connection,
    item: ImportItem,
    line: u64,
    file: &mut FileSoFar,
    report: &mut ImportReport,
    user: &str,
) -> Result<(), (String, String)> {
    let db = |e: StoreError| ("-".to_string(), e.to_string());
    // A masked view (an export by a role that may not see the value) is never data.
    let masked = |e: crate::model::Invalid| (e.field, e.problem.to_string());
    match item {
        ImportItem::Guest(g) => {
            validate::masked_text(&g).map_err(masked)?;
            if !g.id.0.is_empty() {
                file.first_in_file("id", &g.id.0, line)?;
            }
            match guest_by_id(tx, &g.id).map_err(db)? {
                Some((gid, _)) if erased(tx, gid, &g.id, line, report)? => {}
                Some((gid, old)) => {
                    // Absent columns and empty cells leave the stored value as it is.
                    let g = GuestPatch::filled_from(&g).apply_to(&old);
                    validate::masked_text(&g).map_err(masked)?;
                    if let Some(into) = merged_into(tx, gid).map_err(db)? {
                        return Err(retired_row(tx, into)?);
                    }
                    if !same_content(&old, &g) {
                        delete_keys(tx, gid, &old).map_err(db)?;
                        update_guest_row(tx, gid, &g, user).map_err(db)?;
                        queue_keys(tx, gid, &g, &mut file.names).map_err(db)?;
                        note_duplicates(tx, gid, &g, line, report).map_err(db)?;
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                }
                None => {
                    let g = Guest {
                        updated_by: Some(user.to_string()),
                        ..g
                    };
                    let (gid, id) = insert_guest(tx, &g, &mut file.names).map_err(db)?;
                    let g = Guest { id, ..g };
                    note_duplicates(tx, gid, &g, line, report).map_err(db)?;
                    report.imported += 1;
                }
            }
        }
        ImportItem::Preference(p) => {
            let Some(gid) = import_gid(tx, file, &p.guest_id, line, report)? else {
                return Ok(());
            };
            let exists: bool = tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM preferences WHERE gid = ?1 AND observed_at = ?2 AND category = ?3 AND value = ?4)")
                    .and_then(|mut s| s.query_row(params![gid, ts(&p.observed_at), p.category, p.value], |r| r.get(0)))
                    .map_err(|e| db(e.into()))?;
            if exists {
                report.unchanged += 1;
            } else {
                insert_preference(tx, gid, &p).map_err(db)?;
                report.imported += 1;
            }
        }
        ImportItem::Stay(s) => {
            validate::masked_stay(&s).map_err(masked)?;
            file.first_in_file("reservation_id", &s.reservation_id, line)?;
            let Some(gid) = import_gid(tx, file, &s.guest_id, line, report)? else {
                return Ok(());
            };
            let old = if file.no_stays_before {
                None
            } else {
                tx.prepare_cached(STAY_BY_RESERVATION)
                    .and_then(|mut st| {
                        st.query_row([&s.reservation_id], |r| {
                            Ok((stay_from_row(r)?, r.get::<_, i64>(13)?))
                        })
                        .optional()
                    })
                    .map_err(|e| db(e.into()))?
            };
            if old.as_ref().is_some_and(|(old, _)| *old == s) {
                report.unchanged += 1;
                return Ok(());
            }
            // The stay's last-stay effects are queued (`file.touched`) and written once per
            // guest when the file is done.
            match &old {
                Some((_, old_gid)) => {
                    tx.prepare_cached(UPDATE_STAY)
                        .and_then(|mut st| update_stay(&mut st, &s, gid))
                        .map_err(|e| db(e.into()))?;
                    // The stay may have moved to another guest or stopped counting.
                    file.touched.entry(gid).or_default().refresh = true;
                    file.touched.entry(*old_gid).or_default().refresh = true;
                    report.updated += 1;
                }
                None => {
                    // Its guest is known; the stay is inserted with the file's other new stays.
                    file.new_stays.push(NewStay::pack(line, gid, s));
                    report.imported += 1;
                }
            }
        }
        ImportItem::Feedback(f) => {
            if crate::privacy::looks_masked("text", &f.text) {
                return Err(masked(Invalid::new("text", Problem::MaskedValue)));
            }
            let Some(gid) = import_gid(tx, file, &f.guest_id, line, report)? else {
                return Ok(());
            };
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
                if changed == 0 {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                }
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

/// Runs `UPDATE_STAY` for the stay `s` of the guest `gid`.
fn update_stay(st: &mut rusqlite::Statement, s: &Stay, gid: i64) -> rusqlite::Result<usize> {
    st.execute(params![
        s.reservation_id,
        gid,
        s.arrival.to_string(),
        s.departure.to_string(),
        s.status.as_str(),
        s.room,
        s.room_type,
        s.vip,
        s.adults,
        s.spend_room,
        s.spend_fnb,
        s.spend_other,
        s.notes
    ])
}

/// Inserts the file's new stays in reservation-id order: the stays table is keyed by it, and
/// appending in key order fills each page once (two million stays inserted in file order
/// split pages all over the table and cost five times the work). A stay that counts raises
/// its guest's last stay. A stay the database refuses is a rejected row of its line.
fn insert_new_stays(
    tx: &Connection,
    mut stays: Vec<NewStay>,
    touched: &mut HashMap<i64, Touched>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    stays.sort_unstable_by(|a, b| a.key().cmp(b.key()));
    let mut insert = tx.prepare_cached(INSERT_STAY)?;
    for s in stays {
        let [reservation_id, room, room_type, vip, spend_room, spend_fnb, spend_other, notes] =
            s.texts();
        let inserted = insert.execute(params![
            reservation_id,
            s.gid,
            s.arrival.to_string(),
            s.departure.to_string(),
            s.status.as_str(),
            room,
            room_type,
            vip,
            s.adults,
            spend_room,
            spend_fnb,
            spend_other,
            notes
        ]);
        if let Err(e) = inserted {
            report.imported -= 1;
            report.rejected += 1;
            report.errors.push(RowError {
                line: s.line,
                column: "-".to_string(),
                reason: StoreError::from(e).to_string(),
            });
            continue;
        }
        if matches!(s.status, StayStatus::InHouse | StayStatus::Departed) {
            let touched = touched.entry(s.gid).or_default();
            touched.arrival = touched.arrival.max(Some(s.arrival));
        }
    }
    // The report lists problems in the file's order.
    report.errors.sort_by_key(|e| e.line);
    Ok(())
}

/// Whether the guest at `gid` was erased: then the row is left out with a notice (see
/// [`note_erased`]).
fn erased(
    tx: &Connection,
    gid: i64,
    id: &GuestId,
    line: u64,
    report: &mut ImportReport,
) -> Result<bool, (String, String)> {
    let at = super::erasure::erased_at(tx, gid).map_err(|e| ("-".to_string(), e.to_string()))?;
    if at.is_some() {
        note_erased(id, line, "id", report);
    }
    Ok(at.is_some())
}

/// A row of an erased guest is left out with a warning naming the line and the id, so a PMS
/// import cannot bring the guest back, and the rest of the file goes in.
fn note_erased(id: &GuestId, line: u64, column: &str, report: &mut ImportReport) {
    report.erased += 1;
    report.notices.push(RowError {
        line,
        column: column.to_string(),
        reason: Msg::RowErasedGuest.fill(&[("id", id)]),
    });
}

/// The guest a row is addressed to, found by one read of its row: refused when unknown or
/// merged away (naming the profile it went into); `None`, with a notice, when erased (the
/// row is left out so the tombstone stays empty).
fn import_gid(
    tx: &Connection,
    file: &mut FileSoFar,
    id: &GuestId,
    line: u64,
    report: &mut ImportReport,
) -> Result<Option<i64>, (String, String)> {
    let found = file
        .guest_row(tx, id)
        .map_err(|e| ("-".to_string(), StoreError::from(e).to_string()))?;
    let Some((gid, merged, erased)) = found else {
        return Err((
            "guest_id".to_string(),
            Msg::RowUnknownGuest.fill(&[("id", id)]),
        ));
    };
    if let Some(into) = merged {
        return Err(retired_row(tx, into)?);
    }
    if erased {
        note_erased(id, line, "guest_id", report);
        return Ok(None);
    }
    Ok(Some(gid))
}

/// The row error of a row addressed to a merged-away profile, naming the one it went into.
fn retired_row(tx: &Connection, into: i64) -> Result<(String, String), (String, String)> {
    let into = guest_id_of(tx, into).map_err(|e| ("-".to_string(), e.to_string()))?;
    let problem = Problem::Retired { into };
    Ok(("guest_id".to_string(), problem.text_in(crate::i18n::lang())))
}

/// Records the likely duplicates of the guest a row just wrote, found by the keys it wrote.
fn note_duplicates(
    tx: &Connection,
    gid: i64,
    g: &Guest,
    line: u64,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    for pair in super::dupes::of(tx, gid, g)? {
        report.duplicates.push(RowDuplicate {
            line,
            id: g.id.clone(),
            other: pair.b,
            reasons: pair.reasons,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------- the trait
