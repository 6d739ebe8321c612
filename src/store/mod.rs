//! The `Store` trait: the one way the TUI, the CLI and the server reach guest data, who is
//! acting ([`Principal`]), and what a call can fail with ([`StoreError`]).
//!
//! A store is opened for a user with [`open`]; it resolves the user's account from the
//! database once, checks the role before every call, validates every write against the
//! hotel's settings and records who made it. Front ends only ask and show.

mod error;
pub mod remote;
mod sqlite;
pub mod wire;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use error::{debug_log, Entity, StoreError};
pub use sqlite::sessions::{KeptAnswer, SessionBook, StoredSession};

use crate::model::{
    Account, AuditEntry, AuditQuery, BackupSummary, Board, CheckReport, DupePair, Feedback, Guest,
    GuestField, GuestId, GuestPatch, NewFeedback, NewPreference, Preference, Profile, Role,
    SearchHit, Settings, Source, VipSheet,
};
use crate::model::{Destruction, DestructionCounts, GuestRecord, PurgeReport};

/// Where the data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A SQLite file shared by the terminals of one host.
    File(PathBuf),
    /// A guestbook server (`guestbook serve`), by its base URL (`http://127.0.0.1:8731`),
    /// with the token of a session begun by `guestbook login` when there is one; without
    /// one, opening signs in with the credentials.
    /// `ca` is the PEM file of a CA to trust for an `https://` URL (a hotel's own), instead
    /// of the public web roots.
    Remote {
        url: String,
        token: Option<String>,
        ca: Option<PathBuf>,
    },
}

impl Target {
    /// How the user named it, for messages (`hotel.db`).
    pub fn shown(&self) -> String {
        match self {
            Target::File(path) => path.display().to_string(),
            Target::Remote { url, .. } => url.clone(),
        }
    }
}

/// How a store is opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Create the database when there is none (only `import`, `add`, `demo`, `user add` and
    /// `restore` do): every other command says there is no database instead.
    pub create: bool,
    /// Open for reading only.
    pub read_only: bool,
}

/// Who asks to act: a user name (`--user`, `GUESTBOOK_USER`, else the login name) and,
/// where the hotel requires sign-in, the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: Option<String>,
}

/// Never prints the password: credentials travel in the TUI's jobs, which are logged in debug.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish()
    }
}

/// Who is acting, as the database's accounts say: resolved once when the store is opened
/// (or a user signs in), never taken from a terminal's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Principal {
    pub user: String,
    pub role: Role,
    /// Observations this user records are filed under this department.
    pub department: Source,
}

/// Something a store reports while opening, for the front end to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// An older file is being brought up to date (a large one takes a while).
    Migrating,
}

/// Opens the store at `target` for the user in `who`. Fails with `UnknownUser`,
/// `AccountDisabled`, `SignInRequired` or `WrongPassword` when the database's accounts do
/// not let them in, `NoDatabase` when there is none and `opts.create` is off,
/// `NotGuestbook` for another program's file (left untouched).
pub fn open(
    target: &Target,
    who: &Credentials,
    opts: OpenOptions,
    notice: &mut dyn FnMut(Notice),
) -> Result<Box<dyn Store>, StoreError> {
    match target {
        Target::File(path) => Ok(Box::new(sqlite::SqliteStore::open(
            path, who, opts, notice,
        )?)),
        Target::Remote { url, token, ca } => Ok(Box::new(remote::RemoteStore::open(
            url,
            token.as_deref(),
            who,
            ca.as_deref(),
        )?)),
    }
}

/// For the server: opens the file at `path` for a sign-in, which always needs the account's
/// password (`require_password`) or follows the hotel's setting like a terminal does. With
/// `require_password` only the right password tells anything about an account: without a
/// password every name fails with `SignInRequired`; with a wrong one an unknown name, an
/// account without a password and a disabled one all fail with `WrongPassword`, after the
/// same password-hashing work; `AccountDisabled` is told only after the right password.
pub fn open_for_sign_in(
    path: &std::path::Path,
    who: &Credentials,
    require_password: bool,
) -> Result<Box<dyn Store>, StoreError> {
    let trust = if require_password {
        sqlite::Trust::Password
    } else {
        sqlite::Trust::Hotel
    };
    let opts = OpenOptions::default();
    let store = sqlite::SqliteStore::open_as(path, who, opts, &mut |_| {}, trust)?;
    store.map_for_server()?;
    Ok(Box::new(store))
}

/// For the server: opens the file at `path` for the user of a session it already checked
/// (after a restart); the account must still exist and be enabled.
pub fn open_for_session(path: &std::path::Path, user: &str) -> Result<Box<dyn Store>, StoreError> {
    let who = Credentials {
        user: user.to_string(),
        password: None,
    };
    let store = sqlite::SqliteStore::open_as(
        path,
        &who,
        OpenOptions::default(),
        &mut |_| {},
        sqlite::Trust::Session,
    )?;
    store.map_for_server()?;
    Ok(Box::new(store))
}

/// Opens the file at `path` for `user`, creating it when there is none: for the tools beside
/// the program (the generator, benchmarks, tests) that act as the file's only user.
pub fn open_file(path: &std::path::Path, user: &str) -> Result<Box<dyn Store>, StoreError> {
    let who = Credentials {
        user: user.to_string(),
        password: None,
    };
    let opts = OpenOptions {
        create: true,
        read_only: false,
    };
    open(&Target::File(path.to_path_buf()), &who, opts, &mut |_| {})
}

/// A new staff account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewAccount {
    pub user: String,
    pub role: Role,
    /// By default the role's department.
    pub department: Option<Source>,
    pub password: Option<String>,
}

/// A change to an account (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum AccountChange {
    Role(Role),
    Disable,
    Enable,
    /// Sets (or with `None` removes) the password; users may change their own.
    Password(Option<String>),
}

/// The one interface to guest data, whether in a local file or on a server. Every call checks
/// the acting principal's role first and fails with `Forbidden` when it may not.
pub trait Store: Send {
    /// Who is acting.
    fn principal(&self) -> &Principal;

    /// Signs another user in on the same store (a shared front-desk terminal after the idle
    /// lock); the principal changes only when the credentials are accepted.
    fn sign_in(&mut self, who: &Credentials) -> Result<Principal, StoreError>;

    /// The hotel's settings.
    fn settings(&mut self) -> Result<Settings, StoreError>;

    /// Replaces the hotel's settings (admin); every value is checked first.
    fn set_settings(&mut self, settings: &Settings) -> Result<Settings, StoreError>;

    /// The caller lookup, best first, without a business date: no room numbers, no stays on
    /// the hits.
    fn search(&mut self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        self.search_on(query, limit, None)
    }

    /// The caller lookup, best first, on the business date `today` (the front end's own):
    /// a room number finds the guest in that room today, and among equals the guests in house
    /// or arriving within the week come first; each hit carries its current or next stay.
    fn search_on(
        &mut self,
        query: &str,
        limit: usize,
        today: Option<NaiveDate>,
    ) -> Result<Vec<SearchHit>, StoreError>;

    /// A whole profile: guest, active preferences (newest first), stays (newest first),
    /// feedback (newest first). A merged-away id reads as the profile it was merged into.
    fn profile(&mut self, id: &GuestId) -> Result<Profile, StoreError>;

    /// Creates a profile from a patch (name required); the id is assigned when `id` is None.
    fn add_guest(&mut self, id: Option<GuestId>, patch: &GuestPatch) -> Result<Guest, StoreError>;

    /// Applies a patch to a profile. With `if_version`, refuses with `Stale` (who changed it
    /// and when) unless the stored version is still that one.
    fn update_guest(
        &mut self,
        id: &GuestId,
        patch: &GuestPatch,
        if_version: Option<i64>,
    ) -> Result<Guest, StoreError>;

    /// Appends a preference observation: `observed_by` and `source` are the acting user's
    /// name and department, whatever the caller says (an import keeps the file's).
    fn add_preference(&mut self, pref: NewPreference) -> Result<Preference, StoreError>;

    /// Withdraws a preference (the TUI's undo); it stays on record as retired.
    fn retire_preference(&mut self, guest: &GuestId, id: i64) -> Result<(), StoreError>;

    /// Sets the note of a preference just recorded.
    fn note_preference(
        &mut self,
        guest: &GuestId,
        id: i64,
        note: &str,
    ) -> Result<Preference, StoreError>;

    /// Records a complaint (open) or praise.
    fn add_feedback(&mut self, feedback: NewFeedback) -> Result<Feedback, StoreError>;

    /// Closes a complaint with how it was resolved.
    fn resolve_feedback(&mut self, id: i64, resolution: &str) -> Result<Feedback, StoreError>;

    /// Every current profile that carries a flag (do not rent, deceased, legal hold, …), by
    /// name: the "unsuitable guests" list of seed 001 and the register of held profiles.
    fn flagged(&mut self) -> Result<Vec<Guest>, StoreError>;

    /// Arrivals, in-house guests and departures for a business date.
    fn board(&mut self, date: NaiveDate, vip_only: bool) -> Result<Board, StoreError>;

    /// The VIP reception sheet's data for a business date: the VIP rows of the board, each
    /// with the guest's complaints. Only roles that may print the sheet get it.
    fn vip_sheet(&mut self, date: NaiveDate) -> Result<VipSheet, StoreError>;

    /// Imports rows in one transaction; with `BadRows::Refuse` a single bad row writes nothing.
    fn import(
        &mut self,
        kind: Kind,
        rows: &mut dyn Iterator<Item = ImportRow>,
        bad: BadRows,
    ) -> Result<ImportReport, StoreError>;

    /// Streams every row of a kind, in a stable order, to `sink`; returns the count.
    fn export(
        &mut self,
        kind: Kind,
        sink: &mut dyn FnMut(ImportItem) -> std::io::Result<()>,
    ) -> Result<u64, StoreError>;

    /// Merges OTHER into KEEP (see `rules::merge`); OTHER is retired, its id then reads as
    /// KEEP. Returns KEEP's merged profile.
    fn merge(&mut self, keep: &GuestId, other: &GuestId) -> Result<Profile, StoreError>;

    /// Erases a guest's personal data on request: the stays stay, anonymous; preferences and
    /// feedback go; the audit row is the destruction record.
    fn erase(&mut self, id: &GuestId) -> Result<(), StoreError>;

    /// The staff accounts.
    fn accounts(&mut self) -> Result<Vec<Account>, StoreError>;

    /// Adds an account (admin; anyone for the first account of a database, which is made an
    /// admin whatever role was asked for).
    fn add_account(&mut self, account: &NewAccount) -> Result<Account, StoreError>;

    /// Changes an account (admin; a user may change their own password).
    fn change_account(&mut self, user: &str, change: &AccountChange)
        -> Result<Account, StoreError>;

    /// Integrity and consistency check; always reports, never fails on what it finds.
    fn check(&mut self) -> Result<CheckReport, StoreError>;

    /// The audit log, newest first, filtered by guest, user and first day (at most
    /// `query.limit`, default 200). Managers and admins only.
    fn audit(&mut self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    /// Writes a consistent, compacted copy of the whole database to `to` (a path that does
    /// not exist yet) while other terminals keep working; the copy holds every write
    /// committed before it began. Admin only, and audited.
    fn backup(&mut self, to: &std::path::Path) -> Result<BackupSummary, StoreError>;

    /// Replaces the database's contents with the backup at `from` (a plain guestbook
    /// database file; an older schema is brought up to date). Refused with
    /// [`StoreError::NewerThanBackup`] when the database changed after the backup was taken,
    /// unless `force`; [`StoreError::BackupDamaged`] when the backup fails the integrity
    /// check. Other terminals see the restored data at their next read. Admin only.
    fn restore(&mut self, from: &std::path::Path, force: bool)
        -> Result<BackupSummary, StoreError>;

    /// Moves every date of a sample database by `days` (the demo shows its reference day as
    /// today): stays, observations, feedback, birthdays and anniversary notes.
    fn shift_sample_dates(&mut self, days: i64) -> Result<(), StoreError>;

    /// A number that changes whenever any terminal commits a change (live screens poll it).
    fn data_version(&mut self) -> Result<u64, StoreError>;

    /// The guest with one governed field (`name`, `phones`, `emails`, `id_doc_number`,
    /// `birth_date`) shown in full, for a role allowed to reveal it (`privacy::may_reveal`;
    /// `Invalid{field, RevealNotAllowed}` otherwise). `reason` is required and goes to the
    /// audit with who, when, host and field, never the value. Unknown or unreachable ids
    /// answer `NotFound` as everywhere.
    fn reveal(
        &mut self,
        id: &GuestId,
        field: GuestField,
        reason: &str,
    ) -> Result<Guest, StoreError>;
    /// Likely duplicate profiles, best first, at most `limit` (reasons and scores of
    /// [`crate::rules::dupes`]). Merged-away and erased profiles, and pairs marked "not the
    /// same person", never appear. Roles that may merge (manager, admin): finding duplicates
    /// is the first step of a merge.
    fn dupes(&mut self, limit: usize) -> Result<Vec<DupePair>, StoreError>;

    /// The likely duplicates of one profile, best first, each with that profile as `a` (a
    /// merged-away id reads as the profile it went into). Roles that may add profiles: it is
    /// the warning `add` gives, and the list of the TUI's "merge with…".
    fn dupes_of(&mut self, id: &GuestId) -> Result<Vec<DupePair>, StoreError>;

    /// Marks A and B as not the same person, so the pair is never proposed again, whatever
    /// reason would find it; audited. Refused for a merged-away id (naming the profile it
    /// went into) and for A = B. Roles that may merge.
    fn never_dupes(&mut self, a: &GuestId, b: &GuestId) -> Result<(), StoreError>;
    /// Erases a guest's personal data on request (admin), as [`Store::erase`] does, with the
    /// reference staff gave (a request's case number) kept in the destruction record. The
    /// profile and those merged into it become tombstones; stays stay as anonymous
    /// statistics; preferences and feedback go; the file is compacted so no erased value
    /// stays in its bytes. Refused with `Invalid{problem: LegalHold}` under a legal hold.
    fn erase_because(
        &mut self,
        id: &GuestId,
        note: Option<&str>,
    ) -> Result<DestructionCounts, StoreError>;

    /// The retention rule on the business date `today`: anonymises, through the same path as
    /// erase, every profile whose last activity (last departure of a stay that took place,
    /// or creation if later) is more than the `retention_days` setting before `today`;
    /// blocked (kept, counted, listed in a dry run) are those with an expected or in-house
    /// stay or flagged `legal_hold` or `do_not_rent`. Admin; a `dry_run` (which writes
    /// nothing) also managers.
    fn purge(&mut self, today: NaiveDate, dry_run: bool) -> Result<PurgeReport, StoreError>;

    /// The destruction record, newest first (managers and admins).
    fn destructions(&mut self) -> Result<Vec<Destruction>, StoreError>;

    /// Everything held about one guest for an access request, unmasked (managers and
    /// admins); the export itself is audited.
    fn export_guest(&mut self, id: &GuestId) -> Result<GuestRecord, StoreError>;
}

/// Which interchange file an import or export is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Guests,
    Preferences,
    Stays,
    Feedback,
}

/// One parsed row of an import, or the reason it could not be parsed.
#[derive(Debug)]
pub struct ImportRow {
    /// 1-based line of the row in its file, for error messages.
    pub line: u64,
    pub item: Result<ImportItem, RowProblem>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "row", rename_all = "snake_case")]
pub enum ImportItem {
    Guest(Guest),
    Preference(NewPreference),
    Stay(crate::model::Stay),
    Feedback(crate::model::Feedback),
}

/// Why a row was refused: which column and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub column: String,
    pub reason: String,
}

/// A refused row with where it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

/// A guest row of an import that looks like another profile: its line, its id, the other
/// profile's id and why, strongest reason first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowDuplicate {
    pub line: u64,
    pub id: GuestId,
    pub other: GuestId,
    pub reasons: Vec<crate::model::DupeReason>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub imported: u64,
    pub updated: u64,
    pub rejected: u64,
    /// Rows identical to what is stored (or repeating an earlier row): nothing to change.
    #[serde(default)]
    pub unchanged: u64,
    /// Rows taken with a warning (an unverified phone, a placeholder ignored), counted by the
    /// reader of the file.
    #[serde(default)]
    pub warnings: u64,
    #[serde(skip)]
    pub errors: Vec<RowError>,
    /// Guest rows that look like another profile (see [`crate::rules::dupes`]): taken, and
    /// named in the summary as warnings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<RowDuplicate>,
    /// Rows about erased guests, left out so a PMS import cannot bring a guest back; each is
    /// one of `notices` (and counted with the warnings).
    #[serde(default)]
    pub erased: u64,
    /// Rows left out with a warning rather than refused: they stop no import.
    #[serde(skip)]
    pub notices: Vec<RowError>,
    /// Whether the good rows were written (false when bad rows stopped the import).
    #[serde(skip)]
    pub committed: bool,
}

/// How an import treats bad rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRows {
    /// Any bad row and nothing is written.
    Refuse,
    /// Good rows are written, bad ones reported.
    Skip,
    /// Every row is checked as for a write and counted, and nothing is written (`--dry-run`).
    Check,
}
