//! Importing interchange rows: one transaction per file; a guest row changes only the fields
//! it has values for, stays are upserted by reservation id, repeated observations and
//! feedback are recognised and not doubled.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::keys::*;
use super::postings;
use super::rows::*;
use super::schema::RAISE_LONGEST_STAY;
use crate::i18n::Msg;
use crate::model::*;
use crate::store::{BadRows, ImportItem, ImportReport, ImportRow, Kind, RowError, StoreError};

pub fn import_in_one_transaction(
    conn: &mut Connection,
    kind: Kind,
    rows: &mut dyn Iterator<Item = ImportRow>,
    bad: BadRows,
    user: &str,
) -> Result<ImportReport, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS import_seen (id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID; DELETE FROM temp.import_seen;")?;
    let mut report = ImportReport::default();
    let mut names = postings::Batch::default();
    let mut longest = 0i64;
    for row in rows {
        if let Ok(ImportItem::Stay(stay)) = &row.item {
            longest = longest.max((stay.departure - stay.arrival).num_days());
        }
        let outcome = match row.item {
            Ok(item) => import_item(&tx, item, row.line, &mut names, &mut report, user),
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
    tx.prepare_cached(RAISE_LONGEST_STAY)?.execute([longest])?;
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
    let detail = format!(
        "{kind:?}: {} imported, {} updated, {} unchanged, {} rejected",
        report.imported, report.updated, report.unchanged, report.rejected
    );
    audit(&tx, user, "import", None, &detail)?;
    tx.commit()?;
    report.committed = true;
    Ok(report)
}

pub const STAY_BY_RESERVATION: &str = "SELECT s.reservation_id, \
    (SELECT g.id FROM guests g WHERE g.gid = s.gid), s.arrival, s.departure, s.status, s.room, \
    s.room_type, s.vip, s.adults, s.spend_room, s.spend_fnb, s.spend_other, s.notes \
    FROM stays s WHERE s.reservation_id = ?1";

/// Records that this file has `id` on `line`; an error naming both lines when it had it before.
fn first_in_file(
    tx: &Connection,
    column: &str,
    id: &str,
    line: u64,
) -> Result<(), (String, String)> {
    let db = |e: rusqlite::Error| ("-".to_string(), StoreError::from(e).to_string());
    let fresh = tx
        .prepare_cached("INSERT OR IGNORE INTO temp.import_seen (id, line) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![id, line as i64]))
        .map_err(db)?;
    if fresh == 1 {
        return Ok(());
    }
    let first: i64 = tx
        .prepare_cached("SELECT line FROM temp.import_seen WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .map_err(db)?;
    Err((
        column.to_string(),
        Msg::RowDuplicateId.fill(&[("id", &id), ("first", &first), ("line", &line)]),
    ))
}

pub fn import_item(
    tx: &Connection,
    item: ImportItem,
    line: u64,
    names: &mut postings::Batch,
    report: &mut ImportReport,
    user: &str,
) -> Result<(), (String, String)> {
    let db = |e: StoreError| ("-".to_string(), e.to_string());
    match item {
        ImportItem::Guest(g) => {
            if !g.id.0.is_empty() {
                first_in_file(tx, "id", &g.id.0, line)?;
            }
            match guest_by_id(tx, &g.id).map_err(db)? {
                Some((gid, old)) => {
                    // Absent columns and empty cells leave the stored value as it is.
                    let g = GuestPatch::filled_from(&g).apply_to(&old);
                    if !same_content(&old, &g) {
                        delete_keys(tx, gid, &old).map_err(db)?;
                        update_guest_row(tx, gid, &g, user).map_err(db)?;
                        queue_keys(tx, gid, &g, names).map_err(db)?;
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
            if exists {
                report.unchanged += 1;
            } else {
                insert_preference(tx, gid, &p).map_err(db)?;
                report.imported += 1;
            }
        }
        ImportItem::Stay(s) => {
            first_in_file(tx, "reservation_id", &s.reservation_id, line)?;
            let gid = import_gid(tx, &s.guest_id)?;
            let old = tx
                .prepare_cached(STAY_BY_RESERVATION)
                .and_then(|mut st| st.query_row([&s.reservation_id], stay_from_row).optional())
                .map_err(|e| db(e.into()))?;
            if old.as_ref() == Some(&s) {
                report.unchanged += 1;
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

pub fn import_gid(tx: &Connection, id: &GuestId) -> Result<i64, (String, String)> {
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
