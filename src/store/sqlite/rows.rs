//! Row mapping: how guests, stays, preferences and feedback are read from and written to
//! their tables, one small function a statement.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, params_from_iter, types::Value, Connection, OptionalExtension, Row};

use super::keys::queue_keys;
use super::postings;
use super::schema::*;
use crate::model::*;
use crate::store::{Entity, StoreError};

/// A JSON array of row ids, for `IN (SELECT value FROM json_each(?))` or a join from
/// `json_each(?)`: one statement for a whole set instead of one per row. Each id is listed
/// once, in ascending order, so a join counts a row once and reads the index in order.
pub fn id_list(gids: &[i64]) -> String {
    let mut set = gids.to_vec();
    set.sort_unstable();
    set.dedup();
    serde_json::to_string(&set).unwrap_or_else(|_| "[]".into())
}

pub fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub fn parse_date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

pub fn join(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(";"))
}

pub fn split(s: Option<String>) -> Vec<String> {
    s.map(|s| {
        s.split(';')
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    })
    .unwrap_or_default()
}

fn flags_of(text: Option<String>) -> Vec<Flag> {
    split(text).iter().filter_map(|f| Flag::parse(f)).collect()
}

fn phones_of(json: &str) -> Vec<Phone> {
    serde_json::from_str(json).unwrap_or_default()
}

pub fn guest_from_row(r: &Row) -> rusqlite::Result<(i64, Guest)> {
    let phones: String = r.get(11)?;
    let flags = flags_of(r.get(15)?);
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
            phones: phones_of(&phones),
            emails: split(r.get(12)?),
            company: r.get(13)?,
            vip: r.get(14)?,
            flags,
            notes: r.get(16)?,
            version: r.get(17)?,
            created_at: parse_ts(&r.get::<_, String>(18)?),
            updated_at: parse_ts(&r.get::<_, String>(19)?),
            updated_by: r.get(20)?,
            pseudonym: r.get(21)?,
            masked: Vec::new(),
        },
    ))
}

/// A lookup candidate from [`CANDIDATES_OF_GIDS`]: row id, the guest with only the fields
/// scoring, masking and a hit read (name, Latin name, address, phones, e-mails, VIP, flags,
/// pseudonym; the rest left empty), and the last stay.
pub fn candidate_from_row(r: &Row) -> rusqlite::Result<(i64, Guest, Option<NaiveDate>)> {
    let phones: String = r.get(5)?;
    let last_stay: Option<String> = r.get(10)?;
    let guest = Guest {
        name_latin: r.get(3)?,
        preferred_address: r.get(4)?,
        phones: phones_of(&phones),
        emails: split(r.get(6)?),
        vip: r.get(7)?,
        flags: flags_of(r.get(8)?),
        pseudonym: r.get(9)?,
        ..Guest::new(GuestId(r.get(1)?), &r.get::<_, String>(2)?)
    };
    Ok((r.get(0)?, guest, last_stay.map(|s| parse_date(&s))))
}

pub fn stay_from_row(r: &Row) -> rusqlite::Result<Stay> {
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

pub fn pref_from_row(r: &Row) -> rusqlite::Result<Preference> {
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

pub fn feedback_from_row(r: &Row) -> rusqlite::Result<Feedback> {
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

pub fn guest_by_id(conn: &Connection, id: &GuestId) -> Result<Option<(i64, Guest)>, StoreError> {
    let sql = format!("SELECT {GUEST_COLUMNS} FROM guests WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([&id.0], guest_from_row)
        .optional()?)
}

/// A guest by row id (which exists: row ids come from the database itself).
pub fn guest_by_gid(conn: &Connection, gid: i64) -> Result<(i64, Guest), StoreError> {
    let sql = format!("SELECT {GUEST_COLUMNS} FROM guests WHERE gid = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([gid], guest_from_row)?)
}

pub fn gid_of(conn: &Connection, id: &GuestId) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT gid FROM guests WHERE id = ?1")?
        .query_row([&id.0], |r| r.get(0))
        .optional()?)
}

pub fn phones_json(g: &Guest) -> String {
    serde_json::to_string(&g.phones).unwrap_or_else(|_| "[]".into())
}

/// The columns a person enters, `name` to `notes`, in the order of the guests table.
pub fn entered_columns(g: &Guest) -> [Value; 16] {
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
        text(&g.pseudonym),
    ]
}

pub fn insert_guest(
    tx: &Connection,
    g: &Guest,
    names: &mut postings::Batch,
) -> Result<(i64, GuestId), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO guests (id, name, name_latin, preferred_address, gender, birth_date, nationality, \
         language, id_doc_type, id_doc_number, phones, emails, company, vip, flags, notes, pseudonym, \
         version, created_at, updated_at, updated_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 1, ?18, ?18, ?19)",
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

pub fn assign_id(tx: &Connection, gid: i64) -> Result<GuestId, StoreError> {
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

pub fn update_guest_row(
    tx: &Connection,
    gid: i64,
    g: &Guest,
    user: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE guests SET name = ?2, name_latin = ?3, preferred_address = ?4, gender = ?5, \
         birth_date = ?6, nationality = ?7, language = ?8, id_doc_type = ?9, id_doc_number = ?10, \
         phones = ?11, emails = ?12, company = ?13, vip = ?14, flags = ?15, notes = ?16, \
         pseudonym = ?17, version = version + 1, updated_at = ?18, updated_by = ?19 WHERE gid = ?1",
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
pub fn same_content(a: &Guest, b: &Guest) -> bool {
    let strip = |g: &Guest| Guest {
        version: 0,
        created_at: DateTime::default(),
        updated_at: DateTime::default(),
        updated_by: None,
        ..g.clone()
    };
    strip(a) == strip(b)
}

/// Where this process acts from, for the audit: the host name, and over SSH the address the
/// session came from (`fo-1 via 10.0.0.5`). A server records its own host.
fn origin() -> &'static str {
    static ORIGIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ORIGIN.get_or_init(|| {
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        let ssh = std::env::var("SSH_CONNECTION").ok();
        match ssh.as_deref().and_then(|c| c.split_whitespace().next()) {
            Some(from) => format!("{host} via {from}"),
            None => host,
        }
    })
}

/// The columns [`audit_entry_from_row`] reads, in its order.
pub const AUDIT_COLUMNS: &str = "id, at, user, action, guest_id, detail, host";

/// An audit row read with [`AUDIT_COLUMNS`].
pub fn audit_entry_from_row(r: &Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: parse_ts(&r.get::<_, String>(1)?),
        user: r.get(2)?,
        action: r.get(3)?,
        guest_id: r.get::<_, Option<String>>(4)?.map(GuestId),
        detail: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        host: r.get(6)?,
    })
}

/// Appends to the audit log (append-only: triggers refuse any change). `detail` never holds
/// a guest's personal values (names, phones, e-mails, documents): only field names, codes
/// and counts, so an erased guest leaves nothing personal behind in the log.
pub fn audit(
    tx: &Connection,
    user: &str,
    action: &str,
    guest: Option<&GuestId>,
    detail: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit (at, user, action, guest_id, detail, host) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        ts(&Utc::now()),
        user,
        action,
        guest.map(|g| g.0.as_str()),
        detail,
        origin()
    ])?;
    Ok(())
}

// ---------------------------------------------------------------- profile parts

pub fn stay_count(conn: &Connection, gid: i64) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM stays WHERE gid = ?1 AND {COUNTED_STAY}"
        ))?
        .query_row([gid], |r| r.get(0))?)
}

pub fn preferences_of(conn: &Connection, gid: i64) -> Result<Vec<Preference>, StoreError> {
    let sql = format!(
        "SELECT {PREF_COLUMNS} FROM preferences p JOIN guests g ON g.gid = p.gid \
         WHERE p.gid = ?1 ORDER BY p.observed_at DESC, p.id DESC"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([gid], pref_from_row)?
        .collect::<Result<_, _>>()?)
}

pub fn stays_of(conn: &Connection, gid: i64) -> Result<Vec<Stay>, StoreError> {
    let sql = format!(
        "SELECT {STAY_COLUMNS} FROM stays s JOIN guests g ON g.gid = s.gid \
         WHERE s.gid = ?1 ORDER BY s.arrival DESC"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([gid], stay_from_row)?
        .collect::<Result<_, _>>()?)
}

pub fn feedback_of(conn: &Connection, gid: i64) -> Result<Vec<Feedback>, StoreError> {
    let sql = format!(
        "SELECT {FEEDBACK_COLUMNS} FROM feedback f JOIN guests g ON g.gid = f.gid \
         WHERE f.gid = ?1 ORDER BY f.at DESC, f.id DESC"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([gid], feedback_from_row)?
        .collect::<Result<_, _>>()?)
}

pub fn preference_by_id(
    conn: &Connection,
    guest: &GuestId,
    id: i64,
) -> Result<Preference, StoreError> {
    let sql = format!("SELECT {PREF_COLUMNS} FROM preferences p JOIN guests g ON g.gid = p.gid WHERE p.id = ?1 AND g.id = ?2");
    conn.prepare_cached(&sql)?
        .query_row(params![id, guest.0], pref_from_row)
        .optional()?
        .ok_or(StoreError::NotFound {
            what: Entity::Preference,
            id: id.to_string(),
        })
}

pub fn insert_preference(tx: &Connection, gid: i64, p: &NewPreference) -> Result<i64, StoreError> {
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

#[cfg(test)]
mod tests {
    use super::id_list;

    #[test]
    fn an_id_list_names_each_row_once_in_order() {
        // A guest found by two phones that share the typed digits is one guest.
        assert_eq!(id_list(&[7, 3, 7, 1]), "[1,3,7]");
        assert_eq!(id_list(&[]), "[]");
    }
}
