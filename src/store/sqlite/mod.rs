//! The SQLite store: one file shared by the terminals of one host. WAL, a 5 s busy timeout,
//! writes in `BEGIN IMMEDIATE`, search keys written in the same transaction as the data they
//! index. This module opens the file and answers the [`Store`] trait; the rules it applies
//! are in `crate::rules`, the SQL in its child modules.

mod backup;
mod dupes;
mod erasure;
mod import;
mod keys;
mod postings;
mod rows;
mod schema;
pub mod sessions;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use rusqlite::{
    config::DbConfig, params, Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction,
    TransactionBehavior,
};

use super::{
    AccountChange, BadRows, Credentials, Entity, ImportItem, ImportReport, ImportRow, Kind,
    NewAccount, Notice, OpenOptions, Principal, Store, StoreError,
};
use crate::catalog::Catalog;
use crate::model::*;
use crate::privacy::{self, Action};
use crate::rules::{self, board::BoardStay, board::GuestFacts, merge, validate};
use keys::*;
use rows::*;
use schema::*;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::NotADatabase) => StoreError::NotGuestbook,
            _ => {
                super::debug_log(&e);
                StoreError::Backend
            }
        }
    }
}

/// Which file is open: a file deleted or replaced under an open store is noticed before the
/// next write (a TUI kept recording into a deleted file, and the entries were lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    dev: u64,
    ino: u64,
}

impl FileIdentity {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| FileIdentity {
            dev: m.dev(),
            ino: m.ino(),
        })
    }

    #[cfg(not(unix))]
    fn of(path: &Path) -> Option<FileIdentity> {
        std::fs::metadata(path)
            .ok()
            .map(|_| FileIdentity { dev: 0, ino: 0 })
    }
}

/// How an open checks the user's password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// As the hotel's `require_sign_in` setting says (a terminal on the file).
    Hotel,
    /// Always: the user must have an account and give its password (a server's sign-in).
    Password,
    /// Never: the server checked it when the session began.
    Session,
}

/// A guestbook database in a SQLite file.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    identity: Option<FileIdentity>,
    principal: Principal,
    settings: Settings,
    catalog: Catalog,
    /// The lookup's list of guests staying today, kept while the data is unchanged.
    staying: keys::StayingCache,
}

/// Page cache sizes: lookups touch a few pages; an import touches many.
fn open_connection(path: &Path, opts: OpenOptions) -> Result<Connection, StoreError> {
    // A file of no bytes is no database either (a `touch`ed or truncated --db).
    if path.is_dir() {
        return Err(StoreError::NotGuestbook);
    }
    let exists = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
    if !exists && !opts.create {
        return Err(StoreError::NoDatabase);
    }
    if !exists {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io_failure)?;
        }
    }
    if !exists && opts.create && !opts.read_only {
        // Guest data from the first byte: SQLite would create the file (and so its -wal and
        // -shm, which take the file's mode) readable by everyone on the host.
        made_private(path)?;
    }
    let base = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let read_only = base | OpenFlags::SQLITE_OPEN_READ_ONLY;
    if opts.read_only {
        return Ok(Connection::open_with_flags(path, read_only)?);
    }
    let mut flags = base | OpenFlags::SQLITE_OPEN_READ_WRITE;
    if opts.create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    match Connection::open_with_flags(path, flags) {
        Ok(conn) => Ok(conn),
        // A read-only file or folder still serves reads.
        Err(e)
            if exists
                && matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)
                ) =>
        {
            Ok(Connection::open_with_flags(path, read_only)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// Makes `path` an empty file only its owner may read and write (0600), or narrows an
/// existing one to that: a database and its copies hold every guest's personal data.
/// SQLite gives the `-wal` and `-shm` files it creates beside a database the database's mode.
pub fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    drop(file);
    Ok(())
}

/// A file system failure as a store call fails: a folder or file the user may not change is
/// `ReadOnly`, anything else goes to the debug log.
fn io_failure(e: std::io::Error) -> StoreError {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            StoreError::ReadOnly
        }
        _ => {
            super::debug_log(&e);
            StoreError::Backend
        }
    }
}

/// [`private_file`] as a store call.
fn made_private(path: &Path) -> Result<(), StoreError> {
    private_file(path).map_err(io_failure)
}

impl SqliteStore {
    /// Opens the file for `who` (see [`super::open`]); a file of another program is refused
    /// before anything is written to it, an older guestbook file is migrated.
    pub fn open(
        path: &Path,
        who: &Credentials,
        opts: OpenOptions,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<SqliteStore, StoreError> {
        Self::open_as(path, who, opts, notice, Trust::Hotel)
    }

    /// Opens the file for `who`, checking the password as `trust` says.
    pub fn open_as(
        path: &Path,
        who: &Credentials,
        opts: OpenOptions,
        notice: &mut dyn FnMut(Notice),
        trust: Trust,
    ) -> Result<SqliteStore, StoreError> {
        let mut conn = open_connection(path, opts)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let version = match file_kind(&conn)? {
            FileKind::Foreign => return Err(StoreError::NotGuestbook),
            FileKind::Empty => 0,
            FileKind::Guestbook(v) if v > SCHEMA_VERSION => {
                return Err(StoreError::SchemaTooNew {
                    found: v,
                    known: SCHEMA_VERSION,
                })
            }
            FileKind::Guestbook(v) => v,
        };
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            if version < SCHEMA_VERSION {
                return Err(StoreError::ReadOnly);
            }
        } else {
            configure(&conn)?;
            if (1..SCHEMA_VERSION).contains(&version) {
                notice(Notice::Migrating);
            }
            migrate(&mut conn)?;
        }
        tune(&conn)?;
        let settings = read_settings(&conn)?;
        let catalog = rules::settings::catalog(&settings)?;
        let mut store = SqliteStore {
            identity: FileIdentity::of(path),
            path: path.to_path_buf(),
            principal: Principal {
                user: who.user.clone(),
                role: Role::Admin,
                department: Source::FrontOffice,
            },
            conn,
            settings,
            catalog,
            staying: keys::StayingCache::default(),
        };
        let resolved = store.resolve_as(who, trust);
        // A sign-in with a password (a server's, a shared terminal's) is on record, and so
        // is every refused one.
        if who.password.is_some() || trust == Trust::Password || resolved.is_err() {
            store.record_sign_in(&who.user, &resolved);
        }
        store.principal = resolved?;
        Ok(store)
    }

    /// For a server's session: reads the file through a memory map. The sessions of one
    /// server then share the system's copy of each page instead of each copying the pages it
    /// reads into a cache of its own, a system call per page (a lookup on a million guests
    /// reads dozens of scattered pages). Terminals do not map the file: every page a lookup
    /// ever touched would count in each terminal's resident size.
    pub fn map_for_server(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "mmap_size", SERVER_MMAP_BYTES)?;
        Ok(())
    }

    /// Who `who` is by the accounts table. A database without accounts is a single-user
    /// install whose user acts as an admin.
    fn resolve(&self, who: &Credentials) -> Result<Principal, StoreError> {
        self.resolve_as(who, Trust::Hotel)
    }

    /// The sign-in facts of `user`'s account: role, department, password hash, disabled.
    fn sign_in_row(&self, user: &str) -> Result<Option<SignInRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT role, department, password_hash, disabled FROM accounts WHERE user = ?1",
            )?
            .query_row([user], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })
            .optional()?)
    }

    /// Who `who` is, checking the password as `trust` says.
    fn resolve_as(&self, who: &Credentials, trust: Trust) -> Result<Principal, StoreError> {
        if trust == Trust::Password {
            return self.resolve_by_password(who);
        }
        let account = self.sign_in_row(&who.user)?;
        let Some((role, department, hash, disabled)) = account else {
            let any: bool =
                self.conn
                    .query_row("SELECT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))?;
            if any {
                return Err(StoreError::UnknownUser {
                    user: who.user.clone(),
                });
            }
            return Ok(Principal {
                user: who.user.clone(),
                role: Role::Admin,
                department: Source::FrontOffice,
            });
        };
        if disabled {
            return Err(StoreError::AccountDisabled {
                user: who.user.clone(),
            });
        }
        // A session's user was checked when the session began.
        let check = trust == Trust::Hotel && self.settings.require_sign_in;
        // A password given must be right, even where the hotel asks for none.
        if let (Some(pw), Some(hash)) = (&who.password, &hash) {
            if !privacy::verify_password(pw, hash) {
                return Err(StoreError::WrongPassword {
                    user: who.user.clone(),
                });
            }
        }
        if check {
            match (&who.password, &hash) {
                // Asking for a password the account does not have would help nobody.
                (_, None) => {
                    return Err(StoreError::NoPasswordSet {
                        user: who.user.clone(),
                    })
                }
                (None, Some(_)) => {
                    return Err(StoreError::SignInRequired {
                        user: who.user.clone(),
                    })
                }
                (Some(pw), Some(hash)) if privacy::verify_password(pw, hash) => {}
                _ => {
                    return Err(StoreError::WrongPassword {
                        user: who.user.clone(),
                    })
                }
            }
        }
        Ok(principal_of(&who.user, &role, &department))
    }

    /// A server's sign-in, where whoever asks may be guessing names: only the right password
    /// tells anything about an account. Without a password every name answers
    /// `SignInRequired`; with a wrong one, an unknown name, an account without a password
    /// and a disabled account all answer `WrongPassword`, after the same argon2id work; that
    /// an account is disabled is told only to whoever gave its password.
    fn resolve_by_password(&self, who: &Credentials) -> Result<Principal, StoreError> {
        let account = self.sign_in_row(&who.user)?;
        let Some(password) = &who.password else {
            return Err(StoreError::SignInRequired {
                user: who.user.clone(),
            });
        };
        let right = match account.as_ref().and_then(|a| a.2.as_deref()) {
            Some(hash) => privacy::verify_password(password, hash),
            None => privacy::verify_against_nothing(password),
        };
        let wrong = || StoreError::WrongPassword {
            user: who.user.clone(),
        };
        let (role, department, _, disabled) = account.filter(|_| right).ok_or_else(wrong)?;
        if disabled {
            return Err(StoreError::AccountDisabled {
                user: who.user.clone(),
            });
        }
        Ok(principal_of(&who.user, &role, &department))
    }

    /// Refuses what the acting role may not do.
    fn allow(&self, action: Action) -> Result<(), StoreError> {
        if action.allowed(self.principal.role) {
            Ok(())
        } else {
            Err(StoreError::Forbidden {
                action,
                role: self.principal.role,
            })
        }
    }

    /// Writes go through here: the file must still be the one opened, then `BEGIN
    /// IMMEDIATE`, so two terminals queue instead of failing half-way, and a lock held longer
    /// than the busy timeout surfaces as `Busy`.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction, &Principal) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if FileIdentity::of(&self.path) != self.identity {
            return Err(StoreError::FileGone);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &self.principal)?;
        tx.commit()?;
        Ok(out)
    }

    /// What the acting role sees of governed fields (the role matrix and the hotel's
    /// `field_access` setting).
    fn rules(&self) -> privacy::FieldRules {
        privacy::FieldRules::new(self.principal.role, &self.settings.field_access)
    }

    /// The business date by the store's own clock: a role's reach (housekeeping's in-house
    /// guests) never depends on a date a client sends.
    fn business_date(&self) -> NaiveDate {
        rules::settings::business_date(&self.settings, Utc::now())
    }

    /// For roles that only see guests staying on the business date (housekeeping): the ids of
    /// guests arriving, in house or departing on it; `None` for every other role.
    fn reach(&self) -> Result<Option<std::collections::HashSet<GuestId>>, StoreError> {
        if !privacy::reaches_in_house_only(self.principal.role) {
            return Ok(None);
        }
        let date = self.business_date().format("%Y-%m-%d").to_string();
        let ids = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT g.id FROM stays s JOIN guests g ON g.gid = s.gid \
                 WHERE s.arrival <= ?1 AND s.departure >= ?1 \
                 AND s.status NOT IN ('cancelled', 'no_show')",
            )?
            .query_map([date], |r| r.get::<_, String>(0).map(GuestId))?
            .collect::<Result<_, _>>()?;
        Ok(Some(ids))
    }

    /// A guest as the acting role may see it.
    fn shown(&self, mut guest: Guest) -> Guest {
        self.rules().guest(&mut guest);
        guest
    }

    /// A guest still in use: a merged-away id is refused with the profile it went into.
    fn live_gid(tx: &Connection, id: &GuestId) -> Result<(i64, Guest), StoreError> {
        let (gid, guest) = guest_by_id(tx, id)?.ok_or_else(|| StoreError::no_guest(id))?;
        if let Some(into) = merged_into(tx, gid)? {
            return Err(StoreError::invalid(
                "id",
                Problem::Retired {
                    into: guest_id_of(tx, into)?,
                },
            ));
        }
        if erasure::erased_at(tx, gid)?.is_some() {
            return Err(StoreError::invalid(id.0.clone(), Problem::Erased));
        }
        Ok((gid, guest))
    }
}

/// An account's role, department, password hash and whether it is disabled, as stored.
type SignInRow = (String, String, Option<String>, bool);

/// The principal of `user` from its account's stored role and department (an unknown
/// department is the role's own).
fn principal_of(user: &str, role: &str, department: &str) -> Principal {
    let role = Role::parse(role).unwrap_or(Role::Agent);
    Principal {
        user: user.to_string(),
        role,
        department: Source::parse(department).unwrap_or(role.source()),
    }
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    // journal_mode needs the write lock once; the busy timeout covers a racing terminal.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    for (name, value) in [("synchronous", "FULL"), ("secure_delete", "ON")] {
        conn.pragma_update(None, name, value)?;
    }
    Ok(())
}

/// Per-connection settings that write nothing to the file.
fn tune(conn: &Connection) -> Result<(), StoreError> {
    for (name, value) in [
        ("foreign_keys", "ON"),
        ("temp_store", "MEMORY"),
        // Not memory-mapped: every page a lookup ever touched would count in the resident
        // size of each terminal (440 MB after a few dozen lookups on a million guests).
        ("mmap_size", "0"),
        ("cache_size", CACHE_KIB),
    ] {
        conn.pragma_update(None, name, value)?;
    }
    // Plans never depend on bound values. Otherwise SQLite (3.54) marks every `col = ?`
    // statement as "re-plan when rebound", and rusqlite's statement cache clears the
    // bindings of each statement it takes back, so every cached statement was parsed and
    // planned again on its next use: three times the cost of a key lookup. No statement here
    // binds a LIKE pattern, and no file has STAT4 samples, so no plan is lost.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

fn read_settings(conn: &Connection) -> Result<Settings, StoreError> {
    let pairs: Vec<(String, String)> = conn
        .prepare_cached("SELECT key, value FROM settings")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut map = serde_json::Map::new();
    for (key, value) in pairs {
        if let Ok(v) = serde_json::from_str(&value) {
            map.insert(key, v);
        }
    }
    // A value this build does not understand leaves the default rather than locking everyone out.
    Ok(serde_json::from_value(serde_json::Value::Object(map)).unwrap_or_default())
}

fn merged_into(conn: &Connection, gid: i64) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT merged_into FROM guests WHERE gid = ?1")?
        .query_row([gid], |r| r.get(0))?)
}

fn guest_id_of(conn: &Connection, gid: i64) -> Result<Option<GuestId>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM guests WHERE gid = ?1")?
        .query_row([gid], |r| r.get::<_, String>(0).map(GuestId))
        .optional()?)
}

fn account_of(conn: &Connection, user: &str) -> Result<Account, StoreError> {
    conn.prepare_cached(
        "SELECT user, role, department, disabled, password_hash IS NOT NULL FROM accounts \
         WHERE user = ?1",
    )?
    .query_row([user], account_from_row)
    .optional()?
    .ok_or_else(|| StoreError::NotFound {
        what: Entity::Account,
        id: user.to_string(),
    })
}

fn account_from_row(r: &rusqlite::Row) -> rusqlite::Result<Account> {
    let role = Role::parse(&r.get::<_, String>(1)?).unwrap_or(Role::Agent);
    Ok(Account {
        user: r.get(0)?,
        role,
        department: Source::parse(&r.get::<_, String>(2)?).unwrap_or(role.source()),
        disabled: r.get(3)?,
        has_password: r.get(4)?,
    })
}

fn feedback_by_id(conn: &Connection, id: i64) -> Result<Feedback, StoreError> {
    let sql = format!(
        "SELECT {FEEDBACK_COLUMNS} FROM feedback f JOIN guests g ON g.gid = f.gid WHERE f.id = ?1"
    );
    conn.prepare_cached(&sql)?
        .query_row([id], feedback_from_row)
        .optional()?
        .ok_or(StoreError::NotFound {
            what: Entity::Feedback,
            id: id.to_string(),
        })
}

/// The board's stays of `date` (arrivals, in house, departures) and the facts of their guests,
/// in five statements whatever the number of rows.
fn board_input(
    conn: &Connection,
    date: NaiveDate,
) -> Result<(Vec<BoardStay>, HashMap<GuestId, GuestFacts>), StoreError> {
    let nights: i64 = conn
        .prepare_cached("SELECT nights FROM longest_stay")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let mut gids = Vec::new();
    type StayRow = (i64, String, String, String, Option<String>, Option<String>);
    let stays: Vec<StayRow> = conn
        .prepare_cached(BOARD_STAYS)?
        .query_map(params![date.to_string(), nights], |r| {
            let status: String = r.get(6)?;
            Ok((
                (r.get(1)?, r.get(0)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
                status,
            ))
        })?
        .filter(|row| {
            // Cancelled and no-show reservations never were stays.
            !matches!(row, Ok((_, status)) if StayStatus::parse(status).is_some_and(|s| !s.is_real()))
        })
        .map(|row| row.map(|(stay, _)| stay))
        .collect::<Result<_, _>>()?;
    for s in &stays {
        gids.push(s.0);
    }
    gids.sort_unstable();
    gids.dedup();
    let list = id_list(&gids);
    let in_list = "IN (SELECT value FROM json_each(?1))";
    let guests: HashMap<i64, Guest> = conn
        .prepare_cached(&format!(
            "SELECT {GUEST_COLUMNS} FROM guests WHERE gid {in_list}"
        ))?
        .query_map([&list], guest_from_row)?
        .collect::<Result<_, _>>()?;
    let mut prefs: HashMap<i64, Vec<Preference>> = HashMap::new();
    let pref_sql = format!(
        "SELECT {PREF_COLUMNS}, p.gid FROM preferences p JOIN guests g ON g.gid = p.gid \
         WHERE p.gid {in_list} AND p.retired = 0 ORDER BY p.gid, p.observed_at DESC, p.id DESC"
    );
    let mut stmt = conn.prepare_cached(&pref_sql)?;
    let mut rows = stmt.query([&list])?;
    while let Some(r) = rows.next()? {
        prefs.entry(r.get(9)?).or_default().push(pref_from_row(r)?);
    }
    let counts = |sql: &str| -> Result<HashMap<i64, u32>, StoreError> {
        Ok(conn
            .prepare_cached(sql)?
            .query_map([&list], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    };
    let complaints = counts(&format!(
        "SELECT gid, count(*) FROM feedback WHERE gid {in_list} AND kind = 'complaint' \
         AND status = 'open' GROUP BY gid"
    ))?;
    let stay_counts = counts(&format!(
        "SELECT gid, count(*) FROM stays WHERE gid {in_list} AND {COUNTED_STAY} GROUP BY gid"
    ))?;
    let mut facts = HashMap::new();
    let mut ids = HashMap::new();
    for (gid, guest) in guests {
        ids.insert(gid, guest.id.clone());
        facts.insert(
            guest.id.clone(),
            GuestFacts {
                preferences: prefs.remove(&gid).unwrap_or_default(),
                open_complaints: complaints.get(&gid).copied().unwrap_or(0),
                stay_count: stay_counts.get(&gid).copied().unwrap_or(0),
                guest,
            },
        );
    }
    let stays = stays
        .into_iter()
        .filter_map(|(gid, reservation_id, arrival, departure, room, vip)| {
            Some(BoardStay {
                guest_id: ids.get(&gid)?.clone(),
                reservation_id,
                arrival: parse_date(&arrival),
                departure: parse_date(&departure),
                room,
                vip,
            })
        })
        .collect();
    Ok((stays, facts))
}

impl SqliteStore {
    /// A whole profile as stored (masking is the caller's); housekeeping reaches only the
    /// guests staying on the business date, any other id answers as unknown.
    fn read_profile(&mut self, id: &GuestId) -> Result<Profile, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let (mut gid, mut guest) = guest_by_id(&tx, id)?.ok_or_else(|| StoreError::no_guest(id))?;
        while let Some(into) = merged_into(&tx, gid)? {
            let (g, kept) = guest_by_gid(&tx, into)?;
            (gid, guest) = (g, kept);
        }
        let profile = Profile {
            guest,
            stay_count: stay_count(&tx, gid)?,
            preferences: preferences_of(&tx, gid)?
                .into_iter()
                .filter(|p| !p.retired)
                .collect(),
            stays: stays_of(&tx, gid)?,
            feedback: feedback_of(&tx, gid)?,
            erased_at: erasure::erased_at(&tx, gid)?,
        };
        tx.commit()?;
        if self
            .reach()?
            .is_some_and(|ids| !ids.contains(&profile.guest.id))
        {
            return Err(StoreError::no_guest(id));
        }
        Ok(profile)
    }

    /// Shows one governed field of a profile in full to a role allowed to reveal it, and
    /// puts who, when, from where, which field and why on record (never the value).
    fn reveal_field(
        &mut self,
        id: &GuestId,
        field: GuestField,
        reason: &str,
    ) -> Result<Guest, StoreError> {
        self.allow(Action::Reveal)?;
        let governed = privacy::Governed::of_field(field).ok_or_else(|| {
            StoreError::invalid(
                "field",
                Problem::NotOneOf {
                    value: field.as_str().into(),
                    choices: "name, phones, emails, id_doc_number, birth_date".into(),
                },
            )
        })?;
        if reason.trim().is_empty() {
            return Err(StoreError::invalid("reason", Problem::Required));
        }
        validate::text("reason", reason, NOTE_MAX_CHARS, true)?;
        let profile = self.read_profile(id)?;
        if !privacy::may_reveal(self.principal.role, governed) {
            return Err(StoreError::invalid(
                field.as_str(),
                Problem::RevealNotAllowed,
            ));
        }
        let shown_id = profile.guest.id.clone();
        let detail = format!("{field}: {}", reason.trim());
        self.write(|tx, who| audit(tx, &who.user, "reveal", Some(&shown_id), &detail))?;
        let mut guest = profile.guest;
        self.rules().revealing(governed).guest(&mut guest);
        Ok(guest)
    }

    /// Puts a sign-in on record: `login`, or `login_failed` for credentials refused (the
    /// user name only, never a password). A read-only file keeps no record.
    fn record_sign_in(&mut self, user: &str, result: &Result<Principal, StoreError>) {
        let action = match result {
            Ok(_) => "login",
            Err(
                StoreError::WrongPassword { .. }
                | StoreError::SignInRequired { .. }
                | StoreError::UnknownUser { .. }
                | StoreError::NoPasswordSet { .. }
                | StoreError::AccountDisabled { .. },
            ) => "login_failed",
            Err(_) => return,
        };
        let user = user.to_string();
        if let Err(e) = self.write(|tx, _| audit(tx, &user, action, None, "")) {
            super::debug_log(&e);
        }
    }

    fn add_guest_unmasked(
        &mut self,
        id: Option<GuestId>,
        patch: &GuestPatch,
    ) -> Result<Guest, StoreError> {
        self.allow(Action::AddGuest)?;
        let mut guest = patch.apply_to(&Guest::new(
            id.clone().unwrap_or(GuestId(String::new())),
            "",
        ));
        guest.updated_by = Some(self.principal.user.clone());
        validate::guest(&guest, &self.settings)?;
        if let Some(id) = &id {
            validate::text("id", &id.0, validate::LINE_MAX_CHARS, false)?;
        }
        self.write(|tx, who| {
            if let Some(id) = &id {
                if let Some(gid) = gid_of(tx, id)? {
                    // An erased id is a tombstone: the guest is not brought back under it.
                    if erasure::erased_at(tx, gid)?.is_some() {
                        return Err(StoreError::invalid(id.0.clone(), Problem::Erased));
                    }
                    return Err(StoreError::invalid(
                        "id",
                        Problem::Duplicate {
                            value: id.0.clone(),
                        },
                    ));
                }
            }
            let mut names = postings::Batch::default();
            let (_, id) = insert_guest(tx, &guest, &mut names)?;
            names.flush(tx)?;
            audit(tx, &who.user, "add", Some(&id), "")?;
            guest_by_id(tx, &id)?
                .map(|(_, g)| g)
                .ok_or_else(|| StoreError::no_guest(&id))
        })
    }

    fn update_guest_unmasked(
        &mut self,
        id: &GuestId,
        patch: &GuestPatch,
        if_version: Option<i64>,
    ) -> Result<Guest, StoreError> {
        self.allow(Action::EditGuest)?;
        if patch.pseudonym.is_some() {
            self.allow(Action::SetPseudonym)?;
        }
        let settings = self.settings.clone();
        let hides_real_names = self.rules().hides_real_names();
        self.write(|tx, who| {
            let (gid, current) = Self::live_gid(tx, id)?;
            // A role that sees an incognito guest by the pseudonym cannot see the names it
            // would overwrite.
            if hides_real_names && current.pseudonym.is_some() {
                let names = [
                    ("name", patch.name.is_some()),
                    ("name_latin", patch.name_latin.is_some()),
                    ("preferred_address", patch.preferred_address.is_some()),
                ];
                if let Some((field, _)) = names.iter().find(|(_, touched)| *touched) {
                    return Err(StoreError::invalid(*field, Problem::MaskedValue));
                }
            }
            if let Some(version) = if_version {
                if current.version != version {
                    return Err(StoreError::Stale {
                        id: id.clone(),
                        by: current.updated_by.clone().unwrap_or_else(|| "?".into()),
                        at: current.updated_at,
                    });
                }
            }
            let changed = patch.apply_to(&current);
            validate::guest(&changed, &settings)?;
            if same_content(&current, &changed) {
                return Ok(current);
            }
            delete_keys(tx, gid, &current)?;
            update_guest_row(tx, gid, &changed, &who.user)?;
            write_keys(tx, gid, &changed)?;
            let fields: Vec<&str> = patch.fields().iter().map(|f| f.as_str()).collect();
            audit(tx, &who.user, "edit", Some(id), &fields.join(","))?;
            guest_by_id(tx, id)?
                .map(|(_, g)| g)
                .ok_or_else(|| StoreError::no_guest(id))
        })
    }
}

impl Store for SqliteStore {
    fn principal(&self) -> &Principal {
        &self.principal
    }

    fn sign_in(&mut self, who: &Credentials) -> Result<Principal, StoreError> {
        self.settings = read_settings(&self.conn)?;
        let resolved = self.resolve(who);
        self.record_sign_in(&who.user, &resolved);
        self.principal = resolved?;
        Ok(self.principal.clone())
    }

    fn settings(&mut self) -> Result<Settings, StoreError> {
        self.settings = read_settings(&self.conn)?;
        Ok(self.settings.clone())
    }

    fn set_settings(&mut self, settings: &Settings) -> Result<Settings, StoreError> {
        self.allow(Action::ChangeSettings)?;
        rules::settings::check(settings)?;
        if settings.require_sign_in {
            // The admin turning sign-in on must be able to sign in afterwards.
            let has_password: Option<bool> = self
                .conn
                .prepare_cached("SELECT password_hash IS NOT NULL FROM accounts WHERE user = ?1")?
                .query_row([&self.principal.user], |r| r.get(0))
                .optional()?;
            if has_password != Some(true) {
                return Err(StoreError::invalid(
                    "require_sign_in",
                    Problem::SignInWithoutPassword,
                ));
            }
        }
        let value = serde_json::to_value(settings).map_err(|_| StoreError::Backend)?;
        let before = read_settings(&self.conn)?;
        let before = serde_json::to_value(&before).map_err(|_| StoreError::Backend)?;
        self.write(|tx, who| {
            if let serde_json::Value::Object(map) = value {
                for (key, v) in map {
                    if before.get(&key) == Some(&v) {
                        continue;
                    }
                    tx.execute(
                        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        params![key, v.to_string()],
                    )?;
                    audit(tx, &who.user, "settings", None, &format!("{key} = {v}"))?;
                }
            }
            Ok(())
        })?;
        self.catalog = rules::settings::catalog(settings)?;
        self.settings = settings.clone();
        Ok(self.settings.clone())
    }

    fn search_on(
        &mut self,
        query: &str,
        limit: usize,
        today: Option<NaiveDate>,
    ) -> Result<Vec<SearchHit>, StoreError> {
        self.allow(Action::ReadGuests)?;
        let rules = self.rules();
        let reach = self.reach()?;
        // Housekeeping's hits are the guests staying today: the others are filtered out
        // before the limit, so a full page of strangers never hides them.
        let fetch = if reach.is_some() {
            limit.max(200)
        } else {
            limit
        };
        let mut hits = keys::search(
            &self.conn,
            rules::settings::region(&self.settings),
            query,
            fetch,
            today,
            &rules,
            &mut self.staying,
        )?;
        if let Some(ids) = &reach {
            hits.retain(|h| ids.contains(&h.id));
            hits.truncate(limit);
        }
        hits.iter_mut().for_each(|h| rules.hit(h));
        Ok(hits)
    }

    fn profile(&mut self, id: &GuestId) -> Result<Profile, StoreError> {
        self.allow(Action::ReadGuests)?;
        let mut profile = self.read_profile(id)?;
        self.rules().profile(&mut profile);
        Ok(profile)
    }

    fn add_guest(&mut self, id: Option<GuestId>, patch: &GuestPatch) -> Result<Guest, StoreError> {
        let guest = self.add_guest_unmasked(id, patch)?;
        Ok(self.shown(guest))
    }

    fn update_guest(
        &mut self,
        id: &GuestId,
        patch: &GuestPatch,
        if_version: Option<i64>,
    ) -> Result<Guest, StoreError> {
        let guest = self.update_guest_unmasked(id, patch, if_version)?;
        Ok(self.shown(guest))
    }

    // A merged-away id reads as the profile it went into.

    fn add_preference(&mut self, pref: NewPreference) -> Result<Preference, StoreError> {
        self.allow(Action::RecordPreference)?;
        let mut pref = validate::preference(&pref, &self.catalog)?;
        // Who observed it is who is acting: a front end (or a request body) cannot say
        // otherwise. Only an import carries the file's observers.
        pref.observed_by = Some(self.principal.user.clone());
        pref.source = Some(self.principal.department);
        self.write(|tx, who| {
            let (gid, _) = Self::live_gid(tx, &pref.guest_id)?;
            let id = insert_preference(tx, gid, &pref)?;
            audit(
                tx,
                &who.user,
                "preference_add",
                Some(&pref.guest_id),
                &format!("{}={}", pref.category, pref.value),
            )?;
            preference_by_id(tx, &pref.guest_id, id)
        })
    }

    fn retire_preference(&mut self, guest: &GuestId, id: i64) -> Result<(), StoreError> {
        self.allow(Action::RecordPreference)?;
        self.write(|tx, who| {
            Self::live_gid(tx, guest)?;
            let pref = preference_by_id(tx, guest, id)?;
            tx.execute("UPDATE preferences SET retired = 1 WHERE id = ?1", [id])?;
            audit(
                tx,
                &who.user,
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
    ) -> Result<Preference, StoreError> {
        self.allow(Action::RecordPreference)?;
        validate::text("note", note, NOTE_MAX_CHARS, true)?;
        self.write(|tx, who| {
            Self::live_gid(tx, guest)?;
            preference_by_id(tx, guest, id)?;
            let note = Some(note.trim()).filter(|n| !n.is_empty());
            tx.execute(
                "UPDATE preferences SET note = ?1 WHERE id = ?2",
                params![note, id],
            )?;
            audit(
                tx,
                &who.user,
                "preference_note",
                Some(guest),
                &id.to_string(),
            )?;
            preference_by_id(tx, guest, id)
        })
    }

    fn add_feedback(&mut self, feedback: NewFeedback) -> Result<Feedback, StoreError> {
        self.allow(Action::RecordFeedback)?;
        validate::feedback(&feedback)?;
        self.write(|tx, who| {
            let (gid, _) = Self::live_gid(tx, &feedback.guest_id)?;
            let status = match feedback.kind {
                FeedbackKind::Complaint => Some(FeedbackStatus::Open),
                FeedbackKind::Praise => None,
            };
            tx.prepare_cached(
                "INSERT INTO feedback (gid, kind, at, department, text, status) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                gid,
                feedback.kind.as_str(),
                ts(&Utc::now()),
                feedback.department.unwrap_or(who.department).as_str(),
                feedback.text.trim(),
                status.map(FeedbackStatus::as_str)
            ])?;
            let id = tx.last_insert_rowid();
            audit(
                tx,
                &who.user,
                "feedback_add",
                Some(&feedback.guest_id),
                &format!("{} {id}", feedback.kind),
            )?;
            feedback_by_id(tx, id)
        })
    }

    fn resolve_feedback(&mut self, id: i64, resolution: &str) -> Result<Feedback, StoreError> {
        self.allow(Action::ResolveFeedback)?;
        if resolution.trim().is_empty() {
            return Err(StoreError::invalid("resolution", Problem::Required));
        }
        validate::text("resolution", resolution, NOTE_MAX_CHARS, true)?;
        self.write(|tx, who| {
            let before = feedback_by_id(tx, id)?;
            if !before.is_open_complaint() {
                return Err(StoreError::invalid(
                    id.to_string(),
                    Problem::NotAnOpenComplaint,
                ));
            }
            tx.execute(
                "UPDATE feedback SET resolution = ?2, status = 'resolved' WHERE id = ?1",
                params![id, resolution.trim()],
            )?;
            audit(
                tx,
                &who.user,
                "feedback_resolve",
                Some(&before.guest_id),
                &id.to_string(),
            )?;
            feedback_by_id(tx, id)
        })
    }

    fn board(&mut self, date: NaiveDate, vip_only: bool) -> Result<Board, StoreError> {
        self.allow(Action::ReadBoard)?;
        let tx = self.conn.unchecked_transaction()?;
        let (stays, mut facts) = board_input(&tx, date)?;
        tx.commit()?;
        let rules = self.rules();
        facts.values_mut().for_each(|f| {
            rules.alias_name(&mut f.guest);
        });
        let mut board = rules::board::assemble(date, vip_only, stays, &facts);
        // Housekeeping sees the guests it may open and no others, whatever day it asks for.
        if let Some(ids) = self.reach()? {
            for panel in [
                &mut board.arrivals,
                &mut board.in_house,
                &mut board.departures,
            ] {
                panel.retain(|row| ids.contains(&row.guest_id));
            }
        }
        Ok(board)
    }

    fn flagged(&mut self) -> Result<Vec<Guest>, StoreError> {
        self.allow(Action::ReadGuests)?;
        let sql = format!(
            "SELECT {GUEST_COLUMNS} FROM guests \
             WHERE flags IS NOT NULL AND flags != '' AND merged_into IS NULL ORDER BY name, id"
        );
        let rows = self
            .conn
            .prepare(&sql)?
            .query_map([], guest_from_row)?
            .map(|row| row.map(|(_, guest)| guest))
            .collect::<Result<Vec<_>, _>>()?;
        let reach = self.reach()?;
        Ok(rows
            .into_iter()
            .filter(|g| !g.flags.is_empty())
            .filter(|g| reach.as_ref().is_none_or(|ids| ids.contains(&g.id)))
            .map(|g| self.shown(g))
            .collect())
    }

    fn vip_sheet(&mut self, date: NaiveDate) -> Result<VipSheet, StoreError> {
        self.allow(Action::PrintVipSheet)?;
        let tx = self.conn.unchecked_transaction()?;
        let (stays, mut facts) = board_input(&tx, date)?;
        // A printed sheet shows pseudonyms whoever prints it.
        let print = self.rules().printing();
        facts.values_mut().for_each(|f| {
            print.alias_name(&mut f.guest);
        });
        let board = rules::board::assemble(date, true, stays, &facts);
        // A VIP sheet holds dozens of rows: one complaint query per guest is cheap.
        let mut complaints: HashMap<GuestId, Vec<Feedback>> = HashMap::new();
        for row in board
            .arrivals
            .iter()
            .chain(&board.in_house)
            .chain(&board.departures)
        {
            if complaints.contains_key(&row.guest_id) {
                continue;
            }
            let found = match guest_by_id(&tx, &row.guest_id)? {
                Some((gid, _)) => feedback_of(&tx, gid)?
                    .into_iter()
                    .filter(|f| f.kind == FeedbackKind::Complaint)
                    .map(|mut f| {
                        print.feedback(&mut f);
                        f
                    })
                    .collect(),
                None => Vec::new(),
            };
            complaints.insert(row.guest_id.clone(), found);
        }
        tx.commit()?;
        // A printed sheet leaves the building on paper and in photographs: on record.
        let detail = format!("date {date}");
        self.write(|tx, who| audit(tx, &who.user, "report_vip", None, &detail))?;
        Ok(rules::board::vip_sheet(board, &complaints))
    }

    fn import(
        &mut self,
        kind: Kind,
        rows: &mut dyn Iterator<Item = ImportRow>,
        bad: BadRows,
    ) -> Result<ImportReport, StoreError> {
        self.allow(Action::Import)?;
        if FileIdentity::of(&self.path) != self.identity {
            return Err(StoreError::FileGone);
        }
        if self.conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError::ReadOnly);
        }
        // A large file touches pages all over several B-trees; with the lookup-sized cache
        // most of them would be read and spilled again and again.
        self.conn
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        // Every stay, preference and feedback row is written for a guest the import has just
        // read in the same transaction (`import::import_gid`), and an import deletes no
        // guest. SQLite's own check would read each guest's page again, at random: for a
        // first import of two million stays that was a quarter of the time.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let user = self.principal.user.clone();
        let result = import::import_in_one_transaction(&mut self.conn, kind, rows, bad, &user);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        result
    }

    fn export(
        &mut self,
        kind: Kind,
        sink: &mut dyn FnMut(ImportItem) -> std::io::Result<()>,
    ) -> Result<u64, StoreError> {
        self.allow(Action::Export)?;
        let rules = self.rules();
        let write_err = |e: std::io::Error| {
            super::debug_log(&e);
            StoreError::Backend
        };
        let mut n = 0;
        match kind {
            Kind::Guests => {
                let sql = format!("SELECT {GUEST_COLUMNS} FROM guests ORDER BY id");
                let mut stmt = self.conn.prepare(&sql)?;
                for row in stmt.query_map([], guest_from_row)? {
                    let mut guest = row?.1;
                    rules.guest(&mut guest);
                    // A file has no list of masked fields: the masks themselves say it.
                    guest.masked.clear();
                    sink(ImportItem::Guest(guest)).map_err(write_err)?;
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
                    let mut stay = row?;
                    rules.exported_stay(&mut stay);
                    sink(ImportItem::Stay(stay)).map_err(write_err)?;
                    n += 1;
                }
            }
            Kind::Feedback => {
                let sql = format!("SELECT {FEEDBACK_COLUMNS} FROM feedback f JOIN guests g ON g.gid = f.gid ORDER BY g.id, f.at, f.id");
                let mut stmt = self.conn.prepare(&sql)?;
                for row in stmt.query_map([], feedback_from_row)? {
                    let mut feedback = row?;
                    rules.feedback(&mut feedback);
                    sink(ImportItem::Feedback(feedback)).map_err(write_err)?;
                    n += 1;
                }
            }
        }
        // What left the building, and how much of it (no values).
        let detail = format!(
            "{} {n}",
            serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        );
        self.write(|tx, who| audit(tx, &who.user, "export", None, &detail))?;
        Ok(n)
    }

    fn merge(&mut self, keep: &GuestId, other: &GuestId) -> Result<Profile, StoreError> {
        self.allow(Action::Merge)?;
        if keep == other {
            return Err(StoreError::invalid(keep.0.clone(), Problem::MergeSelf));
        }
        self.write(|tx, who| {
            let (keep_gid, keep_guest) = Self::live_gid(tx, keep)?;
            let (other_gid, other_guest) = Self::live_gid(tx, other)?;
            delete_keys(tx, keep_gid, &keep_guest)?;
            delete_keys(tx, other_gid, &other_guest)?;
            let merged = merge::merged_guest(&keep_guest, &other_guest);
            update_guest_row(tx, keep_gid, &merged, &who.user)?;
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
            .execute(params![keep_gid, ts(&Utc::now()), who.user, other_gid])?;
            audit(
                tx,
                &who.user,
                "merge",
                Some(keep),
                &format!("{other} merged into {keep}"),
            )
        })?;
        self.profile(keep)
    }

    fn erase(&mut self, id: &GuestId) -> Result<(), StoreError> {
        self.erase_because(id, None).map(|_| ())
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        self.allow(Action::ReadAccounts)?;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT user, role, department, disabled, password_hash IS NOT NULL \
                 FROM accounts ORDER BY user",
            )?
            .query_map([], account_from_row)?
            .collect::<Result<_, _>>()?)
    }

    fn add_account(&mut self, account: &NewAccount) -> Result<Account, StoreError> {
        let first: bool =
            !self
                .conn
                .query_row("SELECT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))?;
        if !first {
            self.allow(Action::ManageAccounts)?;
        }
        let user = account.user.trim();
        if user.is_empty() {
            return Err(StoreError::invalid("user", Problem::Required));
        }
        validate::text("user", user, 64, false)?;
        // The first account of a database administers it: nobody else could add accounts.
        let role = if first { Role::Admin } else { account.role };
        let department = account.department.unwrap_or(account.role.source());
        let hash = account.password.as_deref().map(privacy::hash_password);
        self.write(|tx, who| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE user = ?1)",
                [user],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StoreError::invalid(
                    "user",
                    Problem::Duplicate { value: user.into() },
                ));
            }
            tx.execute(
                "INSERT INTO accounts (user, role, department, password_hash, created_at, created_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![user, role.as_str(), department.as_str(), hash, ts(&Utc::now()), who.user],
            )?;
            audit(tx, &who.user, "user_add", None, &format!("{user} {role}"))?;
            account_of(tx, user)
        })
    }

    fn change_account(
        &mut self,
        user: &str,
        change: &AccountChange,
    ) -> Result<Account, StoreError> {
        let own_password =
            matches!(change, AccountChange::Password(_)) && user == self.principal.user;
        if !own_password {
            self.allow(Action::ManageAccounts)?;
        }
        self.write(|tx, who| {
            let before = account_of(tx, user)?;
            let demotes = matches!(change, AccountChange::Disable)
                || matches!(change, AccountChange::Role(r) if *r != Role::Admin);
            if demotes && before.role == Role::Admin && !before.disabled {
                let admins: i64 = tx.query_row(
                    "SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled = 0",
                    [],
                    |r| r.get(0),
                )?;
                // Nobody could manage accounts or settings again.
                if admins <= 1 {
                    return Err(StoreError::invalid(user, Problem::LastAdmin));
                }
            }
            let (sql, value, detail): (&str, Option<String>, String) = match change {
                AccountChange::Role(role) => (
                    "UPDATE accounts SET role = ?2 WHERE user = ?1",
                    Some(role.as_str().into()),
                    format!("role {role}"),
                ),
                AccountChange::Disable => (
                    "UPDATE accounts SET disabled = 1 WHERE user = ?1 AND ?2 IS NULL",
                    None,
                    "disabled".into(),
                ),
                AccountChange::Enable => (
                    "UPDATE accounts SET disabled = 0 WHERE user = ?1 AND ?2 IS NULL",
                    None,
                    "enabled".into(),
                ),
                AccountChange::Password(pw) => (
                    "UPDATE accounts SET password_hash = ?2 WHERE user = ?1",
                    pw.as_deref().map(privacy::hash_password),
                    "password".into(),
                ),
            };
            tx.execute(sql, params![user, value])?;
            // A new role, a new password or a disabled account ends the user's sessions
            // on a server at once: they sign in again as what they now are.
            if !matches!(change, AccountChange::Enable) {
                tx.execute("DELETE FROM sessions WHERE user = ?1", [user])?;
            }
            audit(
                tx,
                &who.user,
                "user_change",
                None,
                &format!("{user}: {detail}"),
            )?;
            account_of(tx, user)
        })
    }

    fn check(&mut self) -> Result<CheckReport, StoreError> {
        self.allow(Action::Check)?;
        let mut problems = Vec::new();
        // Each check reports what it finds, including that it could not run (a damaged page).
        let mut run = |sql: &str, row: fn(&rusqlite::Row) -> rusqlite::Result<String>| {
            let found = self
                .conn
                .prepare(sql)
                .and_then(|mut s| s.query_map([], row)?.collect::<Result<Vec<_>, _>>());
            match found {
                Ok(found) => problems.extend(found.into_iter().filter(|p| p != "ok")),
                Err(e) => {
                    super::debug_log(&e);
                    problems.push(crate::i18n::Msg::CheckCouldNotRead.text().to_string());
                }
            }
        };
        run("PRAGMA integrity_check", |r| {
            let found: String = r.get(0)?;
            if found == "ok" {
                return Ok(found);
            }
            // The engine's own words go to the debug log; staff read ours.
            super::debug_log(&found);
            Ok(crate::i18n::Msg::CheckDamaged.text().to_string())
        });
        run("PRAGMA foreign_key_check", |r| {
            Ok(crate::i18n::Msg::CheckMissingGuest.fill(&[
                ("table", &r.get::<_, String>(0)?),
                // WITHOUT ROWID tables (stays) have no row number to give.
                (
                    "row",
                    &r.get::<_, Option<i64>>(1)?
                        .map(|n| format!(" #{n}"))
                        .unwrap_or_default(),
                ),
            ]))
        });
        Ok(CheckReport {
            ok: problems.is_empty(),
            problems,
        })
    }

    fn audit(&mut self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        self.allow(Action::ReadAudit)?;
        let since = query.since.map(|d| d.format("%Y-%m-%d").to_string());
        let limit = query.limit.unwrap_or(200).min(10_000);
        let rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit \
                 WHERE (?1 IS NULL OR guest_id = ?1) AND (?2 IS NULL OR user = ?2) \
                 AND (?3 IS NULL OR at >= ?3) ORDER BY id DESC LIMIT ?4"
            ))?
            .query_map(
                params![
                    query.guest.as_ref().map(|g| g.0.as_str()),
                    query.by.as_deref(),
                    since,
                    limit
                ],
                audit_entry_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn backup(&mut self, to: &Path) -> Result<BackupSummary, StoreError> {
        self.allow(Action::Backup)?;
        self.write(|tx, who| audit(tx, &who.user, "backup", None, ""))?;
        made_private(to)?;
        let mut copy = Connection::open(to)?;
        // All pages in one step, under one read lock: a consistent copy while other
        // terminals keep writing (a stepwise copy would restart at each of their writes).
        let step = rusqlite::backup::Backup::new(&self.conn, &mut copy)?.step(-1)?;
        if step != rusqlite::backup::StepResult::Done {
            return Err(StoreError::Busy);
        }
        // A file that stands alone, compacted so erased data does not linger in free pages.
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        copy.execute_batch("VACUUM")?;
        backup::summary(&copy)
    }

    fn restore(&mut self, from: &Path, force: bool) -> Result<BackupSummary, StoreError> {
        self.allow(Action::Restore)?;
        if self.conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError::ReadOnly);
        }
        let theirs = backup::readable(from)?;
        let ours = backup::summary(&self.conn)?;
        if let (false, Some(database)) = (force, ours.last_change) {
            if theirs.last_change.is_none_or(|backup| backup < database) {
                return Err(StoreError::NewerThanBackup {
                    database,
                    backup: theirs.last_change,
                });
            }
        }
        if FileIdentity::of(&self.path) != self.identity {
            return Err(StoreError::FileGone);
        }
        // Page by page into this connection's file, under SQLite's locks: terminals that
        // have it open read the restored data next, nobody is left on a replaced file.
        self.conn.restore(
            rusqlite::MAIN_DB,
            from,
            None::<fn(rusqlite::backup::Progress)>,
        )?;
        migrate(&mut self.conn)?;
        // Restored over a file an older version created readable by everyone: guest data.
        for part in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{part}", self.path.display()));
            if file.exists() {
                made_private(&file)?;
            }
        }
        // Nobody stays signed in through a restore (a session ended since the backup would
        // come back), and no stored answer outlives the data it answered about.
        self.conn
            .execute_batch("DELETE FROM sessions; DELETE FROM idempotent_answers;")?;
        self.settings = read_settings(&self.conn)?;
        self.catalog = rules::settings::catalog(&self.settings)?;
        self.staying.clear();
        let detail = theirs.last_change.map(|t| ts(&t)).unwrap_or_default();
        self.write(|tx, who| audit(tx, &who.user, "restore", None, &detail))?;
        Ok(theirs)
    }

    fn shift_sample_dates(&mut self, days: i64) -> Result<(), StoreError> {
        self.allow(Action::ShiftSampleDates)?;
        // A century either way keeps every date a date (SQLite's range ends at year 9999).
        const MOST_DAYS: i64 = 36_600;
        if !(-MOST_DAYS..=MOST_DAYS).contains(&days) {
            return Err(StoreError::invalid(
                "days",
                Problem::OutOfRange {
                    min: -MOST_DAYS,
                    max: MOST_DAYS,
                },
            ));
        }
        self.write(|tx, who| {
            let shift = format!("{days:+} days");
            // Every date in the file moves: on record like any other write.
            audit(tx, &who.user, "sample_shift", None, &shift)?;
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
                if let Some(moved) = rules::celebrate::shift_month_day(&note, days) {
                    tx.execute(
                        "UPDATE preferences SET note = ?1 WHERE id = ?2",
                        params![moved, id],
                    )?;
                }
            }
            Ok(())
        })
    }

    fn data_version(&mut self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))? as u64)
    }

    fn reveal(
        &mut self,
        id: &GuestId,
        field: GuestField,
        reason: &str,
    ) -> Result<Guest, StoreError> {
        self.reveal_field(id, field, reason)
    }
    fn dupes(&mut self, limit: usize) -> Result<Vec<DupePair>, StoreError> {
        self.allow(Action::ReviewDupes)?;
        let tx = self.conn.unchecked_transaction()?;
        let pairs = dupes::all(&tx, limit)?;
        tx.commit()?;
        Ok(pairs)
    }

    fn dupes_of(&mut self, id: &GuestId) -> Result<Vec<DupePair>, StoreError> {
        self.allow(Action::AddGuest)?;
        let tx = self.conn.unchecked_transaction()?;
        let (mut gid, mut guest) = guest_by_id(&tx, id)?.ok_or_else(|| StoreError::no_guest(id))?;
        while let Some(into) = merged_into(&tx, gid)? {
            (gid, guest) = guest_by_gid(&tx, into)?;
        }
        let pairs = dupes::of(&tx, gid, &guest)?;
        tx.commit()?;
        Ok(pairs)
    }

    fn never_dupes(&mut self, a: &GuestId, b: &GuestId) -> Result<(), StoreError> {
        self.allow(Action::ReviewDupes)?;
        if a == b {
            return Err(StoreError::invalid(a.0.clone(), Problem::SamePair));
        }
        self.write(|tx, who| {
            let (a_gid, _) = Self::live_gid(tx, a)?;
            let (b_gid, _) = Self::live_gid(tx, b)?;
            if dupes::never(tx, a_gid, b_gid, &who.user)? {
                audit(
                    tx,
                    &who.user,
                    "dupes_never",
                    Some(a),
                    &format!("{a} and {b} are not the same person"),
                )?;
                audit(
                    tx,
                    &who.user,
                    "dupes_never",
                    Some(b),
                    &format!("{a} and {b} are not the same person"),
                )?;
            }
            Ok(())
        })
    }

    fn erase_because(
        &mut self,
        id: &GuestId,
        note: Option<&str>,
    ) -> Result<DestructionCounts, StoreError> {
        self.allow(Action::Erase)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(note) = note {
            validate::text("reason", note, NOTE_MAX_CHARS, false)?;
        }
        let counts = self.write(|tx, who| {
            let (gid, _) = guest_by_id(tx, id)?.ok_or_else(|| StoreError::no_guest(id))?;
            // A merged-away id erases the person it was merged into.
            let mut gid = gid;
            while let Some(into) = merged_into(tx, gid)? {
                gid = into;
            }
            let mut ids = std::collections::HashSet::new();
            let counts = erasure::erase_gid(tx, gid, &who.user, &mut ids)?;
            erasure::forget_answers_about(tx, &ids)?;
            erasure::record_destruction(tx, &who.user, DestructionReason::Request, note, counts)?;
            audit(
                tx,
                &who.user,
                "erase",
                Some(id),
                &format!(
                    "personal data erased; {} stays kept anonymously; \
                     {} preferences and {} feedback removed",
                    counts.stays_kept, counts.preferences, counts.feedback
                ),
            )?;
            Ok(counts)
        })?;
        erasure::compact(&self.conn)?;
        Ok(counts)
    }

    fn purge(&mut self, today: NaiveDate, dry_run: bool) -> Result<PurgeReport, StoreError> {
        self.allow(if dry_run {
            Action::PurgeDryRun
        } else {
            Action::Purge
        })?;
        self.settings = read_settings(&self.conn)?;
        let cutoff = erasure::cutoff(today, self.settings.retention_days);
        let mut report = PurgeReport {
            anonymized: 0,
            blocked: 0,
            dry_run,
            cutoff,
            guests: Vec::new(),
            blocked_guests: Vec::new(),
        };
        if dry_run {
            let tx = self.conn.unchecked_transaction()?;
            erasure::past_retention(&tx, cutoff, &mut |_, candidate| {
                if candidate.blocked_by.is_empty() {
                    report.anonymized += 1;
                    report.guests.push(candidate);
                } else {
                    report.blocked += 1;
                    report.blocked_guests.push(candidate);
                }
                Ok(())
            })?;
            tx.commit()?;
            return Ok(report);
        }
        self.write(|tx, who| {
            // Row ids only: the candidates are read first, then erased one by one.
            let mut gids = Vec::new();
            erasure::past_retention(tx, cutoff, &mut |gid, candidate| {
                if candidate.blocked_by.is_empty() {
                    gids.push(gid);
                } else {
                    report.blocked += 1;
                }
                Ok(())
            })?;
            let mut counts = DestructionCounts::default();
            let mut ids = std::collections::HashSet::new();
            for gid in gids {
                counts.add(erasure::erase_gid(tx, gid, &who.user, &mut ids)?);
                report.anonymized += 1;
            }
            erasure::forget_answers_about(tx, &ids)?;
            if report.anonymized > 0 {
                erasure::record_destruction(
                    tx,
                    &who.user,
                    DestructionReason::Retention,
                    None,
                    counts,
                )?;
            }
            audit(
                tx,
                &who.user,
                "purge",
                None,
                &format!(
                    "before {cutoff}: {} anonymized, {} blocked",
                    report.anonymized, report.blocked
                ),
            )
        })?;
        erasure::compact(&self.conn)?;
        Ok(report)
    }

    fn destructions(&mut self) -> Result<Vec<Destruction>, StoreError> {
        self.allow(Action::ReadDestructions)?;
        erasure::destructions(&self.conn)
    }

    fn export_guest(&mut self, id: &GuestId) -> Result<GuestRecord, StoreError> {
        self.allow(Action::ExportGuest)?;
        self.write(|tx, who| {
            let (mut gid, _) = guest_by_id(tx, id)?.ok_or_else(|| StoreError::no_guest(id))?;
            while let Some(into) = merged_into(tx, gid)? {
                gid = into;
            }
            // On record before it leaves: an access request's export is the whole profile.
            audit(tx, &who.user, "export_guest", Some(id), "")?;
            erasure::guest_record(tx, gid, &who.user)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new file at `path` holding one guest, G1 张伟, opened by the admin.
    fn one_guest(path: &Path) -> SqliteStore {
        let mut store = super::super::open_file(path, "admin").unwrap();
        store
            .add_guest(
                Some(GuestId::from("G1")),
                &GuestPatch {
                    name: Some("张伟".into()),
                    ..GuestPatch::default()
                },
            )
            .unwrap();
        drop(store);
        let who = Credentials {
            user: "admin".into(),
            password: None,
        };
        SqliteStore::open(path, &who, OpenOptions::default(), &mut |_| {}).unwrap()
    }

    /// An import checks each row's guest itself (SQLite's foreign-key check is off while it
    /// runs): a stay of an unknown guest is refused, and afterwards the check is on again.
    #[test]
    fn an_import_refuses_unknown_guests_and_leaves_foreign_keys_checked() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = one_guest(&dir.path().join("fk.db"));
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
        let stay = |reservation: &str, guest: &str| Stay {
            reservation_id: reservation.into(),
            guest_id: GuestId::from(guest),
            arrival: day(1),
            departure: day(3),
            status: StayStatus::Departed,
            room: None,
            room_type: None,
            vip: None,
            adults: None,
            spend_room: None,
            spend_fnb: None,
            spend_other: None,
            notes: None,
        };
        let mut rows = [stay("R1", "G1"), stay("R2", "G404")]
            .into_iter()
            .zip(2..)
            .map(|(s, line)| ImportRow {
                line,
                item: Ok(ImportItem::Stay(s)),
            });
        let report = store.import(Kind::Stays, &mut rows, BadRows::Skip).unwrap();
        assert_eq!((report.imported, report.rejected), (1, 1));
        assert_eq!(report.errors[0].line, 3);
        assert_eq!(report.errors[0].column, "guest_id");
        let checked: bool = store
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(checked);
        let orphan = store.conn.execute(
            "INSERT INTO stays (reservation_id, gid, arrival, departure, status) \
             VALUES ('R3', 404, '2026-06-01', '2026-06-02', 'departed')",
            [],
        );
        assert!(orphan.is_err());
    }

    /// A full disk, as SQLite meets it: the file may grow no further (`max_page_count` gives
    /// the same SQLITE_FULL a full file system does).
    #[test]
    fn a_full_disk_names_the_database_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = one_guest(&dir.path().join("full.db"));
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        store
            .conn
            .pragma_update(None, "max_page_count", pages)
            .unwrap();
        let long_note = "备注".repeat(900);
        let mut failed = None;
        for i in 0..200 {
            let patch = GuestPatch {
                name: Some(format!("客人{i}")),
                notes: Some(Some(long_note.clone())),
                ..GuestPatch::default()
            };
            if let Err(e) = store.add_guest(None, &patch) {
                failed = Some(e);
                break;
            }
        }
        let err = failed.expect("the file filled up");
        assert_eq!(err, StoreError::DiskFull);
        let text = err.text_in(crate::i18n::Lang::En, "hotel.db");
        assert!(
            text.contains("hotel.db") && text.contains("nothing was changed"),
            "{text}"
        );
        // The guest written before the disk filled is still there, and the store still reads.
        assert_eq!(store.search("张伟", 5).unwrap()[0].id.0, "G1");
    }
}
