//! Name keys as postings: one row per key and block of guests, not one per (key, guest).
//!
//! A million guests have five million name keys but only ~650 thousand distinct ones (`伟`,
//! `zhangwei`, `wang`…). A row per pair spends ~9 bytes of cell and record overhead on a
//! ~6-byte key; a row per key holding its guests as varint gaps spends ~2 bytes per guest.
//!
//! A row `(key, top, gids)` holds up to [`BLOCK`] guests of one key: `top` is the largest, and
//! `gids` the gaps down from it to each smaller one, so a guest alone under its key (an e-mail)
//! costs no blob at all, and the block that may hold guest `g` is the first with `top >= g`.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row, Rows};

use crate::store::StoreError;

/// Guests per row at most: a row stays a few hundred bytes, well inside one page.
const BLOCK: usize = 128;

pub const SCHEMA: &str = "CREATE TABLE name_keys (key TEXT NOT NULL, top INTEGER NOT NULL, \
     gids BLOB NOT NULL, PRIMARY KEY (key, top)) WITHOUT ROWID;";

/// The guests of one row, largest first.
pub fn decode(top: i64, gids: &[u8]) -> Vec<i64> {
    let mut out = vec![top];
    let (mut current, mut gap, mut shift) = (top, 0i64, 0);
    for &byte in gids {
        gap |= i64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            current -= gap;
            out.push(current);
            (gap, shift) = (0, 0);
        }
    }
    out
}

/// Guests, largest first, as `(top, gids)`.
fn encode(descending: &[i64]) -> (i64, Vec<u8>) {
    let mut blob = Vec::new();
    for pair in descending.windows(2) {
        let mut gap = (pair[0] - pair[1]) as u64;
        loop {
            let byte = (gap & 0x7f) as u8;
            gap >>= 7;
            if gap == 0 {
                blob.push(byte);
                break;
            }
            blob.push(byte | 0x80);
        }
    }
    (descending[0], blob)
}

/// The row that holds `gid` if any row of `key` does: the first whose top is not below it.
fn block_of(tx: &Connection, key: &str, gid: i64) -> Result<Option<(i64, Vec<i64>)>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT top, gids FROM name_keys WHERE key = ?1 AND top >= ?2 ORDER BY top LIMIT 1",
        )?
        .query_row(params![key, gid], |r| block(r, 0))
        .optional()?)
}

fn last_block(tx: &Connection, key: &str) -> Result<Option<(i64, Vec<i64>)>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT top, gids FROM name_keys WHERE key = ?1 ORDER BY top DESC LIMIT 1")?
        .query_row([key], |r| block(r, 0))
        .optional()?)
}

/// A row's top and guests, read from columns `at` (`top`) and `at + 1` (`gids`).
fn block(row: &Row, at: usize) -> rusqlite::Result<(i64, Vec<i64>)> {
    let top = row.get(at)?;
    Ok((top, decode(top, &row.get::<_, Vec<u8>>(at + 1)?)))
}

/// Replaces the row `(key, old_top)` (if any) by rows for `descending`, split into nearly
/// equal parts when it outgrew a block (halves after one insert, full blocks after a batch).
fn store(
    tx: &Connection,
    key: &str,
    old_top: Option<i64>,
    descending: &[i64],
) -> Result<(), StoreError> {
    if let Some(top) = old_top {
        tx.prepare_cached("DELETE FROM name_keys WHERE key = ?1 AND top = ?2")?
            .execute(params![key, top])?;
    }
    let mut insert =
        tx.prepare_cached("INSERT INTO name_keys (key, top, gids) VALUES (?1, ?2, ?3)")?;
    let parts = descending.len().div_ceil(BLOCK);
    for part in descending.chunks(descending.len().div_ceil(parts.max(1)).max(1)) {
        let (top, blob) = encode(part);
        insert.execute(params![key, top, blob])?;
    }
    Ok(())
}

/// Name keys queued by a long write (an import) and filed key by key in key order: one read
/// and a few row writes per key instead of per (key, guest), on neighbouring pages.
#[derive(Default)]
pub struct Batch {
    queued: HashMap<String, Vec<i64>>,
    count: usize,
}

/// Guests queued at most before they are filed (~20 MB of queue).
const BATCH_FLUSH: usize = 500_000;

impl Batch {
    pub fn add(&mut self, tx: &Connection, key: String, gid: i64) -> Result<(), StoreError> {
        self.queued.entry(key).or_default().push(gid);
        self.count += 1;
        if self.count >= BATCH_FLUSH {
            self.flush(tx)?;
        }
        Ok(())
    }

    /// Files everything queued. Must run before the transaction commits.
    pub fn flush(&mut self, tx: &Connection) -> Result<(), StoreError> {
        let mut queued: Vec<(String, Vec<i64>)> = self.queued.drain().collect();
        self.count = 0;
        queued.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (key, gids) in queued {
            let mut last = last_block(tx, &key)?;
            let top = last.as_ref().map_or(0, |(top, _)| *top);
            // Guests filed before (an updated profile) go in one by one; new guests, larger
            // than every one filed, onto the last row and after it.
            let (mut new, old): (Vec<i64>, Vec<i64>) = gids.into_iter().partition(|&g| g > top);
            if !old.is_empty() {
                for gid in old {
                    add(tx, &key, gid)?;
                }
                last = last_block(tx, &key)?;
            }
            new.sort_unstable_by(|a, b| b.cmp(a));
            new.dedup();
            match last {
                _ if new.is_empty() => {}
                Some((top, filed)) if filed.len() < BLOCK => {
                    new.extend(filed);
                    store(tx, &key, Some(top), &new)?;
                }
                _ => store(tx, &key, None, &new)?,
            }
        }
        Ok(())
    }
}

/// Files guest `gid` under `key` (nothing if it is there already).
pub fn add(tx: &Connection, key: &str, gid: i64) -> Result<(), StoreError> {
    let (old_top, mut gids) = match block_of(tx, key, gid)? {
        Some((top, gids)) => (Some(top), gids),
        // Larger than every guest of the key (a new guest): onto the last row while it has room.
        None => match last_block(tx, key)? {
            Some((top, gids)) if gids.len() < BLOCK => (Some(top), gids),
            _ => (None, Vec::new()),
        },
    };
    let Err(at) = gids.binary_search_by(|g| gid.cmp(g)) else {
        return Ok(());
    };
    gids.insert(at, gid);
    store(tx, key, old_top, &gids)
}

/// Takes guest `gid` out of `key` (nothing if it was not there).
pub fn remove(tx: &Connection, key: &str, gid: i64) -> Result<(), StoreError> {
    let Some((top, mut gids)) = block_of(tx, key, gid)? else {
        return Ok(());
    };
    let Ok(at) = gids.binary_search_by(|g| gid.cmp(g)) else {
        return Ok(());
    };
    gids.remove(at);
    store(tx, key, Some(top), &gids)
}

/// Guests looked up by a seek each when there are at most this many; more (the guests staying
/// today, thousands on a busy day) are matched against the key's rows in one pass.
const SEEKS_AT_MOST: usize = 16;

/// Those of `gids` filed under `key`, in ascending order. A few guests cost a seek each; many
/// cost one pass over the key's rows from the smallest of them, decoding only the rows that
/// may hold one.
pub fn filed(conn: &Connection, key: &str, gids: &[i64]) -> Result<Vec<i64>, StoreError> {
    let mut sorted = gids.to_vec();
    if !sorted.is_sorted() {
        sorted.sort_unstable();
    }
    sorted.dedup();
    let Some(&first) = sorted.first() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    if sorted.len() <= SEEKS_AT_MOST {
        let mut block: Option<(i64, Vec<i64>)> = None;
        for gid in sorted {
            if block.as_ref().is_none_or(|(top, _)| gid > *top) {
                block = block_of(conn, key, gid)?;
            }
            let Some((_, filed)) = &block else { break };
            if filed.binary_search_by(|g| gid.cmp(g)).is_ok() {
                out.push(gid);
            }
        }
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT top, gids FROM name_keys WHERE key = ?1 AND top >= ?2 ORDER BY top",
    )?;
    let mut rows = stmt.query(params![key, first])?;
    let mut wanted = sorted.into_iter().peekable();
    while let Some(&next) = wanted.peek() {
        let Some(row) = rows.next()? else { break };
        let top: i64 = row.get(0)?;
        if next > top {
            continue;
        }
        let filed = decode(top, &row.get::<_, Vec<u8>>(1)?);
        while let Some(gid) = wanted.next_if(|&g| g <= top) {
            if filed.binary_search_by(|g| gid.cmp(g)).is_ok() {
                out.push(gid);
            }
        }
    }
    Ok(out)
}

/// `(key, gid)` pairs of one key, newest guest first, at most `cap`.
pub fn exact(conn: &Connection, key: &str, cap: usize) -> Result<Vec<(String, i64)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT key, top, gids FROM name_keys WHERE key = ?1 ORDER BY top DESC")?;
    let found = pairs(stmt.query([key])?, cap);
    found
}

/// `(key, gid)` pairs of the keys in `(low, high)` (`low` itself too when `with_low`), in key
/// order, at most `cap`.
pub fn range(
    conn: &Connection,
    low: &str,
    with_low: bool,
    high: &str,
    cap: usize,
) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = if with_low {
        "SELECT key, top, gids FROM name_keys WHERE key >= ?1 AND key < ?2"
    } else {
        "SELECT key, top, gids FROM name_keys WHERE key > ?1 AND key < ?2"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let found = pairs(stmt.query(params![low, high])?, cap);
    found
}

/// The first `cap` `(key, gid)` pairs of `key, top, gids` rows, reading no row more.
fn pairs(mut rows: Rows, cap: usize) -> Result<Vec<(String, i64)>, StoreError> {
    let mut out = Vec::new();
    while out.len() < cap {
        let Some(row) = rows.next()? else { break };
        let key: String = row.get(0)?;
        let (_, gids) = block(row, 1)?;
        let take = cap - out.len();
        out.extend(gids.into_iter().take(take).map(|g| (key.clone(), g)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(conn: &Connection, key: &str) -> Vec<i64> {
        exact(conn, key, usize::MAX)
            .unwrap()
            .into_iter()
            .map(|(_, g)| g)
            .collect()
    }

    #[test]
    fn gaps_round_trip_with_large_ones() {
        let gids = [5_000_000_000, 1_000_000, 999_872, 300, 1];
        let (top, blob) = encode(&gids);
        assert_eq!(decode(top, &blob), gids);
        assert_eq!(encode(&[42]).1, Vec::<u8>::new());
    }

    #[test]
    fn blocks_split_fill_and_empty_in_any_order() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        // Odd gids upwards (new guests), then even ones into the middle of full blocks.
        let mut expected: Vec<i64> = (1..=600).step_by(2).collect();
        for &g in &expected {
            add(&conn, "wei", g).unwrap();
        }
        for g in (2..=600).step_by(2) {
            add(&conn, "wei", g).unwrap();
            expected.push(g);
        }
        add(&conn, "wei", 7).unwrap();
        add(&conn, "zhang", 7).unwrap();
        expected.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(keys(&conn, "wei"), expected);
        let rows: i64 = conn
            .query_row(
                "SELECT count(*) FROM name_keys WHERE key = 'wei'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!((5..=10).contains(&rows), "{rows} rows for 600 guests");
        assert_eq!(filed(&conn, "wei", &[601, 600, 1, 0]).unwrap(), [1, 600]);

        for g in 1..=600 {
            if g % 3 != 0 {
                remove(&conn, "wei", g).unwrap();
            }
        }
        remove(&conn, "wei", 9999).unwrap();
        let left: Vec<i64> = (1..=600).rev().filter(|g| g % 3 == 0).collect();
        assert_eq!(keys(&conn, "wei"), left);
        // Many guests asked about at once (the day's staying guests) are matched in one pass.
        let asked: Vec<i64> = (0..=700).rev().collect();
        let mut ascending = left.clone();
        ascending.reverse();
        assert_eq!(filed(&conn, "wei", &asked).unwrap(), ascending);
        assert_eq!(
            filed(&conn, "wei", &[601, 602, 603]).unwrap(),
            Vec::<i64>::new()
        );
        assert_eq!(exact(&conn, "wei", 3).unwrap().len(), 3);
        let pairs = range(&conn, "w", true, "z\u{10FFFF}", 1000).unwrap();
        assert_eq!(pairs.len(), left.len() + 1);
        assert_eq!(pairs.last().unwrap(), &("zhang".to_string(), 7));
        for g in left {
            remove(&conn, "wei", g).unwrap();
        }
        assert!(keys(&conn, "wei").is_empty());
    }

    #[test]
    fn a_batch_files_new_guests_after_the_last_and_old_ones_in_place() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        for g in [10, 20, 30] {
            add(&conn, "li", g).unwrap();
        }
        let mut batch = Batch::default();
        for g in (31..=400).chain([15, 20]) {
            batch.add(&conn, "li".into(), g).unwrap();
            batch.add(&conn, format!("k{}", g % 3), g).unwrap();
        }
        batch.flush(&conn).unwrap();
        let mut expected: Vec<i64> = (31..=400).chain([10, 15, 20, 30]).collect();
        expected.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(keys(&conn, "li"), expected);
        let mut k0: Vec<i64> = (31..=400).chain([15]).filter(|g| g % 3 == 0).collect();
        k0.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(keys(&conn, "k0"), k0);

        let mut appended = Batch::default();
        for g in 401..=700 {
            appended.add(&conn, "li".into(), g).unwrap();
        }
        appended.flush(&conn).unwrap();
        assert_eq!(keys(&conn, "li").len(), expected.len() + 300);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM name_keys WHERE key = 'li'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(rows <= 7, "{rows} rows for 674 guests");
    }
}
