//! The `Store` trait: the one interface the TUI, the CLI and the server use, and its errors.

pub mod sqlite;

use chrono::{DateTime, NaiveDate, Utc};

use crate::i18n::Msg;
use crate::model::{Board, Guest, GuestId, NewPreference, Preference, Profile};
use crate::search::SearchHit;

pub use sqlite::SqliteStore;

/// What a store call can fail with; each variant reads as one sentence for staff.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", Msg::GuestNotFound.fill(&[("id", .0)]))]
    GuestNotFound(GuestId),
    #[error("{}", Msg::StaleEdit.fill(&[("id", .id), ("user", .by), ("at", &.at.format("%Y-%m-%d %H:%M:%S UTC"))]))]
    Stale {
        id: GuestId,
        by: String,
        at: DateTime<Utc>,
    },
    #[error("{}", Msg::DuplicateGuestId.fill(&[("id", .0)]))]
    DuplicateId(GuestId),
    #[error("{}", Msg::PreferenceNotFound.fill(&[("id", .id), ("guest", .guest)]))]
    PreferenceNotFound { guest: GuestId, id: i64 },
    /// A value the store refuses (unknown category, bad phone); the text names the field.
    #[error("{0}")]
    Invalid(String),
    #[error("{}", Msg::DatabaseBusy.text())]
    Busy,
    #[error("{}", Msg::DatabaseNewer.fill(&[("path", .path), ("found", .found), ("known", .known)]))]
    SchemaTooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("{}", Msg::DatabaseOpen.fill(&[("path", .path), ("reason", .reason)]))]
    Open { path: String, reason: String },
    #[error("{}", Msg::DatabaseError.fill(&[("reason", .0)]))]
    Database(String),
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

#[derive(Debug)]
pub enum ImportItem {
    Guest(Guest),
    Preference(NewPreference),
    Stay(crate::model::Stay),
    Feedback(crate::model::Feedback),
}

/// Why a row was refused: which column and what was wrong with it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowProblem {
    pub column: String,
    pub reason: String,
}

/// A refused row with where it was.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ImportReport {
    pub imported: u64,
    pub updated: u64,
    pub rejected: u64,
    #[serde(skip)]
    pub errors: Vec<RowError>,
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
}

/// The one interface to guest data, whether in a local file or on a server.
pub trait Store: Send {
    /// A whole profile: guest, preferences (newest first), stays (newest first), feedback.
    fn profile(&mut self, id: &GuestId) -> Result<Profile, StoreError>;

    /// Saves an edited guest; `guest.version` must be the version that was read.
    fn update_guest(&mut self, guest: &Guest, user: &str) -> Result<Guest, StoreError>;

    /// Appends a preference observation (checked against the catalogue by the caller).
    fn add_preference(&mut self, pref: NewPreference, user: &str)
        -> Result<Preference, StoreError>;

    /// Withdraws a preference (the TUI's undo); it stays on record as retired.
    fn retire_preference(&mut self, guest: &GuestId, id: i64, user: &str)
        -> Result<(), StoreError>;

    /// Sets the note of a preference just recorded.
    fn note_preference(
        &mut self,
        guest: &GuestId,
        id: i64,
        note: &str,
        user: &str,
    ) -> Result<Preference, StoreError>;

    /// Arrivals, in-house guests and departures for a business date.
    fn board(&mut self, date: NaiveDate, vip_only: bool) -> Result<Board, StoreError>;

    /// The caller lookup, best first.
    fn search(&mut self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError>;

    /// Imports rows in one transaction; with `BadRows::Refuse` a single bad row writes nothing.
    fn import(
        &mut self,
        kind: Kind,
        rows: &mut dyn Iterator<Item = ImportRow>,
        bad: BadRows,
        user: &str,
    ) -> Result<ImportReport, StoreError>;

    /// Streams every row of a kind, in a stable order, to `sink`; returns the count.
    fn export(
        &mut self,
        kind: Kind,
        sink: &mut dyn FnMut(ImportItem) -> std::io::Result<()>,
    ) -> Result<u64, StoreError>;

    /// Merges OTHER into KEEP: phones (one per E.164), e-mails, preferences, stays and feedback
    /// move; OTHER is retired (kept, never found again). Returns KEEP's merged profile.
    fn merge(&mut self, keep: &GuestId, other: &GuestId, user: &str)
        -> Result<Profile, StoreError>;

    /// Erases a guest's personal data on request: the stays stay, anonymous; preferences and
    /// feedback go; the audit row is the destruction record.
    fn erase(&mut self, id: &GuestId, user: &str) -> Result<(), StoreError>;
}
