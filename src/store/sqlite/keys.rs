//! Search keys: writing a guest's phone and name keys in the same transaction as the guest,
//! and the key tables as the lookup reads them ([`crate::search::KeyIndex`]).

use chrono::NaiveDate;
use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::postings;
use super::rows::*;
use super::schema::*;
use crate::model::*;
use crate::privacy::FieldRules;
use crate::rules::merge::ERASED_NAME;
use crate::rules::StayRow;
use crate::search::{self, phone, SearchHit};
use crate::store::StoreError;

/// The name keys of a guest (a VIP's twice, see [`search::vip_key`]); a `name_latin` that only
/// repeats the pinyin adds nothing.
pub fn name_keys_of(g: &Guest) -> Vec<String> {
    let mut keys = search::name::guest_keys(&g.name, g.name_latin.as_deref(), &g.emails);
    // An incognito guest is found by the pseudonym by everyone (the lookup drops real-name
    // matches for roles that may not see the name).
    if let Some(alias) = &g.pseudonym {
        keys.extend(search::name::guest_keys(alias, None, &[]));
        keys.sort();
        keys.dedup();
    }
    if g.vip.is_some() {
        let marked: Vec<String> = keys.iter().map(|k| search::vip_key(k)).collect();
        keys.extend(marked);
    }
    keys
}

pub fn phone_keys_of(phones: &[Phone]) -> Vec<String> {
    let mut keys: Vec<String> = phones
        .iter()
        .map(|p| phone::reversed_digits(&p.e164))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

pub fn write_keys(tx: &Connection, gid: i64, g: &Guest) -> Result<(), StoreError> {
    let mut names = postings::Batch::default();
    queue_keys(tx, gid, g, &mut names)?;
    names.flush(tx)
}

/// Writes the phone keys and queues the name keys on `names`, for a long write to file later.
pub fn queue_keys(
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
    super::dupes::write(tx, gid, g)
}

/// Recomputes every key of every guest still in use (after a change of key scheme).
pub fn rebuild_keys(tx: &Connection) -> Result<(), StoreError> {
    add_pseudonym(tx)?;
    // A file older than version 16 gets its duplicate keys here too (then again at 16).
    tx.execute_batch(super::dupes::SCHEMA)?;
    tx.execute_batch("DELETE FROM name_keys; DELETE FROM phone_keys; DELETE FROM dupe_keys;")?;
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
pub fn delete_keys(tx: &Connection, gid: i64, old: &Guest) -> Result<(), StoreError> {
    for key in name_keys_of(old) {
        postings::remove(tx, &key, gid)?;
    }
    let mut phones = tx.prepare_cached("DELETE FROM phone_keys WHERE rev = ?1 AND gid = ?2")?;
    for key in phone_keys_of(&old.phones) {
        phones.execute(params![key, gid])?;
    }
    super::dupes::delete(tx, gid, old)
}

pub fn refresh_last_stay(tx: &Connection, gid: i64) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "UPDATE guests SET last_stay = ({LAST_STAY_OF_GID}) WHERE gid = ?1"
    ))?
    .execute([gid])?;
    rank_phone_keys(tx, gid)
}

/// Copies a guest's VIP code and last stay onto its phone keys after the last stay changed.
pub fn rank_phone_keys(tx: &Connection, gid: i64) -> Result<(), StoreError> {
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

pub fn prefix_end(p: &str) -> String {
    format!("{p}\u{10FFFF}")
}

/// The key tables as the lookup sees them: bounded index range scans, guests by row id.
struct SqliteKeys<'c>(&'c Connection, &'c FieldRules, &'c mut StayingCache);

/// The guests staying on a business date, kept between lookups while nobody changes the data.
/// A busy hotel has thousands (20,000 at 2,000 arrivals a day): read from the index on every
/// keystroke, they were most of a short prefix's lookup.
#[derive(Debug, Default)]
pub struct StayingCache {
    /// What the list holds: the business date and the last arrival day it was read for, the
    /// file's `data_version` and this connection's own change count when it was read.
    read_for: Option<(NaiveDate, NaiveDate, i64, u64)>,
    gids: search::Staying,
}

impl StayingCache {
    /// Forgets the list (the database was replaced under the connection, as by a restore).
    pub fn clear(&mut self) {
        *self = StayingCache::default();
    }

    /// The list for `today`, read again when the data changed since (another connection's
    /// commit moves `data_version`, one of ours `total_changes`).
    fn get(
        &mut self,
        conn: &Connection,
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<search::Staying, StoreError> {
        let version: i64 = conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        let read_for = Some((today, until, version, conn.total_changes()));
        if self.read_for != read_for {
            let mut stmt = conn.prepare_cached(STAYING_GIDS)?;
            let rows = stmt.query_map(params![date_text(today), date_text(until)], |r| r.get(0))?;
            let mut gids: Vec<i64> = rows.collect::<Result<_, _>>()?;
            gids.sort_unstable();
            gids.dedup();
            self.gids = gids.into();
            self.read_for = read_for;
        }
        Ok(self.gids.clone())
    }
}

impl search::KeyIndex for SqliteKeys<'_> {
    type Error = StoreError;

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

    fn candidates(&mut self, gids: &[i64]) -> Result<Vec<search::Candidate>, StoreError> {
        let mut found: HashMap<i64, search::Candidate> = self
            .0
            .prepare_cached(CANDIDATES_OF_GIDS)?
            .query_map([id_list(gids)], |r| {
                let (gid, mut guest, last_stay) = candidate_from_row(r)?;
                self.1.alias_name(&mut guest);
                Ok((
                    gid,
                    search::Candidate {
                        gid,
                        guest,
                        last_stay,
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        Ok(gids.iter().filter_map(|gid| found.remove(gid)).collect())
    }

    fn open_complaints(&mut self, gids: &[i64]) -> Result<HashMap<i64, u32>, StoreError> {
        let mut open = HashMap::new();
        let mut stmt = self.0.prepare_cached(OPEN_COMPLAINTS_OF_GIDS)?;
        let mut rows = stmt.query([id_list(gids)])?;
        while let Some(row) = rows.next()? {
            *open.entry(row.get(0)?).or_default() += 1;
        }
        Ok(open)
    }

    fn stays_of(
        &mut self,
        gids: &[i64],
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<(i64, StayRow)>, StoreError> {
        let mut stmt = self.0.prepare_cached(STAYS_AROUND_OF_GIDS)?;
        let rows = stmt.query_map(
            params![id_list(gids), date_text(today), date_text(until)],
            stay_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn staying(
        &mut self,
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<search::Staying, StoreError> {
        self.2.get(self.0, today, until)
    }

    fn room_stays(
        &mut self,
        room: &str,
        today: NaiveDate,
    ) -> Result<Vec<(i64, StayRow)>, StoreError> {
        let mut stmt = self.0.prepare_cached(ROOM_STAYS)?;
        let rows = stmt.query_map(params![room, date_text(today)], stay_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `(gid, stay)` from `gid, arrival, departure, room, status`.
fn stay_row(r: &rusqlite::Row) -> rusqlite::Result<(i64, StayRow)> {
    let status: String = r.get(4)?;
    Ok((
        r.get(0)?,
        StayRow {
            arrival: parse_date(&r.get::<_, String>(1)?),
            departure: parse_date(&r.get::<_, String>(2)?),
            room: r.get(3)?,
            // Statuses are checked on the way in; an unknown one is treated as booked.
            status: StayStatus::parse(&status).unwrap_or(StayStatus::Expected),
        },
    ))
}

/// The lookup over this database's key tables; `staying` is kept between lookups.
pub fn search(
    conn: &Connection,
    region: phonenumber::country::Id,
    query: &str,
    limit: usize,
    today: Option<NaiveDate>,
    rules: &FieldRules,
    staying: &mut StayingCache,
) -> Result<Vec<SearchHit>, StoreError> {
    // One read transaction: the lock is taken once, not once per index scan.
    let tx = conn.unchecked_transaction()?;
    let mut keys = SqliteKeys(&tx, rules, staying);
    let hits = search::run(&mut keys, region, query, limit, today)?;
    tx.commit()?;
    Ok(hits)
}
