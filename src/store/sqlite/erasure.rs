//! Erasure and retention on the SQLite file: the one code path that turns a profile into a
//! tombstone (used by `erase` on request and by `purge` for the retention rule), the
//! destruction record, the retention query, the access-request export, and the compaction
//! that leaves no erased byte in the file.
//!
//! Where a guest's personal values can be, and what happens to each on erasure:
//! the `guests` row (overwritten with the tombstone; `secure_delete` zeroes the old cell),
//! rows of profiles merged into it (erased with it: they are the same person), name postings
//! and phone keys (removed), preferences and feedback (deleted), stay notes (cleared), the
//! server's stored answers to retried writes (those naming the guest are deleted), and the
//! WAL (checkpointed and truncated after the commit). The audit log and the destruction
//! record never hold personal values; sessions hold none.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::keys::delete_keys;
use super::rows::*;
use crate::model::*;
use crate::rules::merge;
use crate::store::StoreError;

/// The profile and every profile merged into it, directly or through others: one person.
fn same_person(tx: &Connection, gid: i64) -> Result<Vec<i64>, StoreError> {
    Ok(tx
        .prepare_cached(
            "WITH RECURSIVE person(gid) AS (SELECT ?1 \
             UNION SELECT g.gid FROM guests g JOIN person p ON g.merged_into = p.gid) \
             SELECT gid FROM person",
        )?
        .query_map([gid], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Erases one person's personal data (the profile at `gid` and those merged into it) and
/// returns what went and what stayed; `ids` collects their ids, for [`forget_answers_about`].
/// Refused with `LegalHold` when a legal hold is on the profile. The one path for `erase`
/// and `purge`.
pub fn erase_gid(
    tx: &Connection,
    gid: i64,
    user: &str,
    ids: &mut HashSet<String>,
) -> Result<DestructionCounts, StoreError> {
    let mut counts = DestructionCounts::default();
    let now = ts(&Utc::now());
    for gid in same_person(tx, gid)? {
        let (_, guest) = guest_by_gid(tx, gid)?;
        if guest.flags.contains(&Flag::LegalHold) {
            return Err(StoreError::invalid(guest.id.0.clone(), Problem::LegalHold));
        }
        // Phone keys are found by their digits (there is no index by guest): the row's own
        // phones name them, as migrations keep every key in the current scheme.
        delete_keys(tx, gid, &guest)?;
        update_guest_row(tx, gid, &merge::erased_guest(&guest), user)?;
        tx.prepare_cached("UPDATE guests SET erased_at = coalesce(erased_at, ?2) WHERE gid = ?1")?
            .execute(params![gid, now])?;
        counts.guests += 1;
        counts.preferences += tx
            .prepare_cached("DELETE FROM preferences WHERE gid = ?1")?
            .execute([gid])? as u64;
        counts.feedback += tx
            .prepare_cached("DELETE FROM feedback WHERE gid = ?1")?
            .execute([gid])? as u64;
        tx.prepare_cached("UPDATE stays SET notes = NULL WHERE gid = ?1 AND notes IS NOT NULL")?
            .execute([gid])?;
        counts.stays_kept += tx
            .prepare_cached("SELECT count(*) FROM stays WHERE gid = ?1")?
            .query_row([gid], |r| r.get::<_, i64>(0))? as u64;
        ids.insert(guest.id.0);
    }
    Ok(counts)
}

/// Deletes the server's stored answers to retried writes that name any of `ids` (an answer
/// is a response body: a profile, a preference, a feedback entry, with personal data).
/// One pass over the answers, which the server keeps for minutes only.
pub fn forget_answers_about(tx: &Connection, ids: &HashSet<String>) -> Result<u64, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let answers: Vec<(String, String, Vec<u8>)> = tx
        .prepare("SELECT user, key, body FROM idempotent_answers")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut gone = 0;
    for (user, key, body) in answers {
        let body = String::from_utf8_lossy(&body);
        // Every other piece between quotes is a JSON string: an id is one of them whole.
        let names_one = body.split('"').skip(1).step_by(2).any(|s| ids.contains(s));
        if names_one {
            gone += tx.execute(
                "DELETE FROM idempotent_answers WHERE user = ?1 AND key = ?2",
                params![user, key],
            )? as u64;
        }
    }
    Ok(gone)
}

/// Appends to the destruction record (append-only: triggers refuse any change).
pub fn record_destruction(
    tx: &Connection,
    user: &str,
    reason: DestructionReason,
    note: Option<&str>,
    counts: DestructionCounts,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO destructions (at, user, reason, note, guests, stays_kept, preferences, feedback) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        ts(&Utc::now()),
        user,
        reason.as_str(),
        note,
        counts.guests as i64,
        counts.stays_kept as i64,
        counts.preferences as i64,
        counts.feedback as i64
    ])?;
    Ok(())
}

/// The destruction record, newest first.
pub fn destructions(conn: &Connection) -> Result<Vec<Destruction>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT at, user, reason, note, guests, stays_kept, preferences, feedback \
             FROM destructions ORDER BY id DESC",
        )?
        .query_map([], |r| {
            Ok(Destruction {
                at: parse_ts(&r.get::<_, String>(0)?),
                user: r.get(1)?,
                reason: DestructionReason::parse(&r.get::<_, String>(2)?)
                    .unwrap_or(DestructionReason::Request),
                note: r.get(3)?,
                counts: DestructionCounts {
                    guests: r.get::<_, i64>(4)? as u64,
                    stays_kept: r.get::<_, i64>(5)? as u64,
                    preferences: r.get::<_, i64>(6)? as u64,
                    feedback: r.get::<_, i64>(7)? as u64,
                },
            })
        })?
        .collect::<Result<_, _>>()?)
}

/// The store's own compaction after an erasure: the WAL's frames (which still hold the
/// pages as they were before) are copied into the file and the WAL truncated to nothing.
/// `secure_delete` has already zeroed the freed cells and pages. A reader still inside a
/// transaction on another connection can keep the last frames alive until its next
/// checkpoint; the next erasure or the automatic checkpoint then finishes the job.
pub fn compact(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// The retention rule's cutoff: profiles whose last activity is before it are past retention.
pub fn cutoff(today: NaiveDate, retention_days: u32) -> NaiveDate {
    today - Duration::days(i64::from(retention_days))
}

/// The profiles past retention on `cutoff`, in id order, streamed to `each` with their row
/// id, last activity (the later of the last departure of a stay that took place and the
/// creation day) and what blocks them. One pass over `guests` (its stored last arrival
/// filters first), an index probe into `stays` per old profile; nothing is held in memory.
pub fn past_retention(
    conn: &Connection,
    cutoff: NaiveDate,
    each: &mut dyn FnMut(i64, PurgeCandidate) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let cutoff = cutoff.to_string();
    let mut stmt = conn.prepare(
        "SELECT gid, id, max(substr(created_at, 1, 10), coalesce(( \
             SELECT max(departure) FROM stays s WHERE s.gid = g.gid \
             AND s.status IN ('in_house', 'departed')), '')), \
           EXISTS (SELECT 1 FROM stays s WHERE s.gid = g.gid AND s.status IN ('expected', 'in_house')), \
           coalesce(flags, '') \
         FROM guests g \
         WHERE merged_into IS NULL AND erased_at IS NULL \
           AND substr(created_at, 1, 10) < ?1 AND coalesce(last_stay, '') < ?1 \
           AND NOT EXISTS (SELECT 1 FROM stays s WHERE s.gid = g.gid \
               AND s.status IN ('in_house', 'departed') AND s.departure >= ?1) \
         ORDER BY id",
    )?;
    let mut rows = stmt.query([&cutoff])?;
    while let Some(r) = rows.next()? {
        let flags = split(r.get(4)?);
        let mut blocked_by = Vec::new();
        if r.get::<_, bool>(3)? {
            blocked_by.push(Blocker::CurrentStay);
        }
        if flags.iter().any(|f| f == Flag::LegalHold.as_str()) {
            blocked_by.push(Blocker::LegalHold);
        }
        if flags.iter().any(|f| f == Flag::DoNotRent.as_str()) {
            blocked_by.push(Blocker::DoNotRent);
        }
        let candidate = PurgeCandidate {
            id: GuestId(r.get(1)?),
            last_activity: parse_date(&r.get::<_, String>(2)?),
            blocked_by,
        };
        each(r.get(0)?, candidate)?;
    }
    Ok(())
}

/// When the guest at `gid` was erased, if it was.
pub fn erased_at(conn: &Connection, gid: i64) -> Result<Option<chrono::DateTime<Utc>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT erased_at FROM guests WHERE gid = ?1")?
        .query_row([gid], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .map(|t| parse_ts(&t)))
}

/// Everything held about the person at `gid` (and the profiles merged into it): unmasked,
/// withdrawn preferences included, and the audit entries about each of their ids.
pub fn guest_record(conn: &Connection, gid: i64, user: &str) -> Result<GuestRecord, StoreError> {
    let (_, guest) = guest_by_gid(conn, gid)?;
    let mut merged_ids = Vec::new();
    let mut audit = Vec::new();
    let mut audit_of = |id: &str| -> Result<(), StoreError> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit WHERE guest_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([id], audit_entry_from_row)?;
        for row in rows {
            audit.push(row?);
        }
        Ok(())
    };
    for other in same_person(conn, gid)? {
        let id = if other == gid {
            guest.id.clone()
        } else {
            let (_, merged) = guest_by_gid(conn, other)?;
            merged_ids.push(merged.id.clone());
            merged.id
        };
        audit_of(&id.0)?;
    }
    audit.sort_by_key(|e| e.id);
    Ok(GuestRecord {
        exported_at: Utc::now(),
        exported_by: user.to_string(),
        erased_at: erased_at(conn, gid)?,
        merged_ids,
        preferences: preferences_of(conn, gid)?,
        stays: stays_of(conn, gid)?,
        feedback: feedback_of(conn, gid)?,
        guest,
        audit,
    })
}
