//! Likely duplicates in SQLite: the `dupe_keys` table written with each guest's other keys,
//! candidates found by grouping keys (an index scan, never all guests pairwise), confirmed
//! and scored by [`rules::dupes`]; and the pairs marked "not the same person".

use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::{params, Connection};

use super::keys::phone_keys_of;
use super::rows::*;
use super::schema::GUEST_COLUMNS;
use crate::model::{DupePair, Guest};
use crate::rules::dupes as rule;
use crate::rules::merge::ERASED_NAME;
use crate::store::StoreError;

/// Version 16: a profile's duplicate keys ([`rule::keys`]; its phones are in `phone_keys`),
/// and the pairs staff marked as different people (`a` < `b`, row ids).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS dupe_keys (key TEXT NOT NULL, gid INTEGER NOT NULL,
    PRIMARY KEY (key, gid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS never_dupes (a INTEGER NOT NULL, b INTEGER NOT NULL,
    at TEXT NOT NULL, by TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
";

/// Every group of at least two and at most [`rule::SHARED_KEY_MAX`] profiles sharing a
/// phone or another duplicate key, as a JSON list of row ids: two scans of the keys'
/// primary indexes, grouped in key order.
const SHARED_KEYS: &str = "
SELECT json_group_array(gid) FROM phone_keys GROUP BY rev HAVING count(*) BETWEEN 2 AND ?1
UNION ALL
SELECT json_group_array(gid) FROM dupe_keys GROUP BY key HAVING count(*) BETWEEN 2 AND ?1";

/// Files `g` under its duplicate keys.
pub fn write(tx: &Connection, gid: i64, g: &Guest) -> Result<(), StoreError> {
    let mut stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO dupe_keys (key, gid) VALUES (?1, ?2)")?;
    for key in rule::keys(g) {
        stmt.execute(params![key, gid])?;
    }
    Ok(())
}

/// Removes the keys an older version of the guest was filed under.
pub fn delete(tx: &Connection, gid: i64, old: &Guest) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached("DELETE FROM dupe_keys WHERE key = ?1 AND gid = ?2")?;
    for key in rule::keys(old) {
        stmt.execute(params![key, gid])?;
    }
    Ok(())
}

/// Files every profile still in use again (the migration to version 16).
pub fn rebuild(tx: &Connection) -> Result<(), StoreError> {
    tx.execute_batch("DELETE FROM dupe_keys;")?;
    let sql = format!("SELECT {GUEST_COLUMNS} FROM guests WHERE merged_into IS NULL");
    let mut stmt = tx.prepare(&sql)?;
    let guests = stmt.query_map([], guest_from_row)?;
    for row in guests {
        let (gid, guest) = row?;
        write(tx, gid, &guest)?;
    }
    Ok(())
}

/// The pairs marked "not the same person".
fn never_pairs(conn: &Connection) -> Result<HashSet<(i64, i64)>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT a, b FROM never_dupes")?;
    let pairs = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(pairs.collect::<Result<_, _>>()?)
}

fn ordered(x: i64, y: i64) -> (i64, i64) {
    (x.min(y), x.max(y))
}

/// The profiles still in use among `gids` (not merged away, not erased), by row id.
fn live_guests(conn: &Connection, gids: &[i64]) -> Result<HashMap<i64, Guest>, StoreError> {
    let sql = format!(
        "SELECT {GUEST_COLUMNS} FROM guests \
         WHERE gid IN (SELECT value FROM json_each(?1)) AND merged_into IS NULL AND name != ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut out = HashMap::new();
    for chunk in gids.chunks(10_000) {
        let rows = stmt.query_map(params![id_list(chunk), ERASED_NAME], guest_from_row)?;
        for row in rows {
            let (gid, guest) = row?;
            out.insert(gid, guest);
        }
    }
    Ok(out)
}

/// The candidate pairs confirmed by the rule, scored, never-pairs left out, best first
/// (ties: older `a`, then older `b`).
fn confirmed(
    conn: &Connection,
    candidates: BTreeSet<(i64, i64)>,
) -> Result<Vec<DupePair>, StoreError> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let never = never_pairs(conn)?;
    let candidates: Vec<(i64, i64)> = candidates
        .into_iter()
        .filter(|p| !never.contains(p))
        .collect();
    let gids: Vec<i64> = candidates
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let guests = live_guests(conn, &gids)?;
    let mut pairs: Vec<(i64, i64, DupePair)> = candidates
        .into_iter()
        .filter_map(|(a, b)| {
            let (ga, gb) = (guests.get(&a)?, guests.get(&b)?);
            let reasons = rule::reasons(ga, gb);
            (!reasons.is_empty()).then(|| {
                let pair = DupePair {
                    a: ga.id.clone(),
                    b: gb.id.clone(),
                    score: rule::score(&reasons),
                    reasons,
                };
                (a, b, pair)
            })
        })
        .collect();
    pairs.sort_by(|x, y| y.2.score.cmp(&x.2.score).then((x.0, x.1).cmp(&(y.0, y.1))));
    Ok(pairs.into_iter().map(|(_, _, p)| p).collect())
}

/// Every likely duplicate pair in the database, best first, at most `limit`.
pub fn all(conn: &Connection, limit: usize) -> Result<Vec<DupePair>, StoreError> {
    let mut candidates = BTreeSet::new();
    let mut stmt = conn.prepare_cached(SHARED_KEYS)?;
    let groups = stmt.query_map([rule::SHARED_KEY_MAX as i64], |r| r.get::<_, String>(0))?;
    for group in groups {
        let gids: Vec<i64> = serde_json::from_str(&group?).unwrap_or_default();
        for (i, &x) in gids.iter().enumerate() {
            for &y in &gids[i + 1..] {
                candidates.insert(ordered(x, y));
            }
        }
    }
    let mut pairs = confirmed(conn, candidates)?;
    pairs.truncate(limit);
    Ok(pairs)
}

/// The likely duplicates of the profile `gid` (as `g`), best first: one index lookup per key
/// of the profile.
pub fn of(conn: &Connection, gid: i64, g: &Guest) -> Result<Vec<DupePair>, StoreError> {
    let cap = rule::SHARED_KEY_MAX as i64 + 1;
    let mut others = BTreeSet::new();
    let mut by_phone =
        conn.prepare_cached("SELECT gid FROM phone_keys WHERE rev = ?1 AND gid != ?2 LIMIT ?3")?;
    for rev in phone_keys_of(&g.phones) {
        let found = by_phone.query_map(params![rev, gid, cap], |r| r.get::<_, i64>(0))?;
        let found: Vec<i64> = found.collect::<Result<_, _>>()?;
        if found.len() < cap as usize {
            others.extend(found);
        }
    }
    let mut by_key =
        conn.prepare_cached("SELECT gid FROM dupe_keys WHERE key = ?1 AND gid != ?2 LIMIT ?3")?;
    for key in rule::keys(g) {
        let found = by_key.query_map(params![key, gid, cap], |r| r.get::<_, i64>(0))?;
        let found: Vec<i64> = found.collect::<Result<_, _>>()?;
        if found.len() < cap as usize {
            others.extend(found);
        }
    }
    let candidates = others.into_iter().map(|o| ordered(gid, o)).collect();
    let mut pairs = confirmed(conn, candidates)?;
    // The profile asked about reads first in each pair.
    for p in &mut pairs {
        if p.a != g.id {
            std::mem::swap(&mut p.a, &mut p.b);
        }
    }
    Ok(pairs)
}

/// Marks `a` and `b` (row ids) as different people; true when they were not marked yet.
pub fn never(tx: &Connection, a: i64, b: i64, user: &str) -> Result<bool, StoreError> {
    let (a, b) = ordered(a, b);
    let n = tx
        .prepare_cached("INSERT OR IGNORE INTO never_dupes (a, b, at, by) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![a, b, ts(&chrono::Utc::now()), user])?;
    Ok(n == 1)
}
