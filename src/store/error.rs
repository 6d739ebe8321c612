//! What a store call can fail with, as data: the server sends it, a remote client rebuilds it,
//! and each front end turns it into one sentence in its user's language ([`StoreError::text_in`]).
//! No variant carries SQL, a backend's own error text, a table name or a source path.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::{local_time, Lang, Msg};
use crate::model::{GuestId, Problem, Role};
use crate::privacy::Action;

/// Which kind of record a [`StoreError::NotFound`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Guest,
    Preference,
    Feedback,
    Account,
    Setting,
}

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error, utoipa::ToSchema)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum StoreError {
    /// No such record (or one the role may not see: the two answer alike).
    NotFound { what: Entity, id: String },
    /// The profile changed after it was read: who changed it and when.
    Stale {
        id: GuestId,
        by: String,
        at: DateTime<Utc>,
    },
    /// A value was refused: which field and why.
    Invalid { field: String, problem: Problem },
    /// The acting user's role may not do this.
    Forbidden { action: Action, role: Role },
    /// The hotel requires a password and none was given.
    SignInRequired { user: String },
    /// The password did not match.
    WrongPassword { user: String },
    /// The hotel requires sign-in and the account has no password yet.
    NoPasswordSet { user: String },
    /// Accounts exist and this user has none.
    UnknownUser { user: String },
    /// The account was disabled by an admin.
    AccountDisabled { user: String },
    /// Another terminal held the database longer than the busy timeout.
    Busy,
    /// The store cannot be reached (a server that does not answer).
    Unavailable,
    /// The server's TLS certificate failed verification (an unknown CA, expired, or for
    /// another name); not retried, as waiting does not change it.
    Untrusted,
    /// The database file was deleted or replaced while open; nothing more is written to it.
    FileGone,
    /// The database (or its folder) is read-only: reads work, writes do not.
    ReadOnly,
    /// The file is not a guestbook database; it was left untouched.
    NotGuestbook,
    /// There is no database there, and this command does not create one.
    NoDatabase,
    /// Written by a newer guestbook.
    SchemaTooNew { found: i64, known: i64 },
    /// The disk is full; the change was not written.
    DiskFull,
    /// A backup to restore fails the integrity check; the database was left as it was.
    BackupDamaged,
    /// Backup and restore work on the database file, so they run on the server's host.
    OnServerHostOnly,
    /// The database changed after the backup was taken: restoring would lose those changes
    /// (`--force` restores anyway).
    NewerThanBackup {
        database: DateTime<Utc>,
        backup: Option<DateTime<Utc>>,
    },
    /// Any other failure of the backend; its detail went to the debug log.
    Backend,
    /// The server session is over (signed out, idle too long, or too old): sign in again.
    SessionEnded,
    /// A request was larger than the server takes.
    TooLarge,
    /// Too many sign-in attempts: the next one is taken after `retry_after` seconds.
    TooManyAttempts { retry_after: u64 },
    /// An `Idempotency-Key` sent again with another request than the one it first came with
    /// (api.md: a key names one write); nothing was applied.
    KeyReused,
}

impl StoreError {
    /// The error as one sentence in `lang`; `db` is how the user named the database (the
    /// `--db` path or the server's URL), for the errors that are about the database itself.
    pub fn text_in(&self, lang: Lang, db: &str) -> String {
        let fill = |msg: Msg, args: &[(&str, &dyn std::fmt::Display)]| msg.fill_in(lang, args);
        match self {
            StoreError::NotFound { what, id } => {
                let msg = match what {
                    Entity::Guest => Msg::GuestNotFound,
                    Entity::Preference => Msg::PreferenceNotFound,
                    Entity::Feedback => Msg::FeedbackNotFound,
                    Entity::Account => Msg::AccountNotFound,
                    Entity::Setting => Msg::SettingNotFound,
                };
                fill(msg, &[("id", id)])
            }
            StoreError::Stale { id, by, at } => fill(
                Msg::StaleEdit,
                &[("id", id), ("user", by), ("at", &local_time(at))],
            ),
            StoreError::Invalid { field, problem } => fill(
                Msg::InvalidField,
                &[("field", field), ("reason", &problem.text_in(lang))],
            ),
            StoreError::Forbidden { action, role } => fill(
                Msg::Forbidden,
                &[
                    ("role", &crate::i18n::role_label(*role, lang)),
                    ("action", &action_text(*action, lang)),
                ],
            ),
            StoreError::SignInRequired { user } => fill(Msg::SignInRequired, &[("user", user)]),
            StoreError::WrongPassword { user } => fill(Msg::WrongPassword, &[("user", user)]),
            StoreError::NoPasswordSet { user } => fill(Msg::NoPasswordSet, &[("user", user)]),
            StoreError::UnknownUser { user } => fill(Msg::UnknownUser, &[("user", user)]),
            StoreError::AccountDisabled { user } => fill(Msg::AccountDisabled, &[("user", user)]),
            StoreError::Busy => Msg::DatabaseBusy.text_in(lang).into(),
            StoreError::Unavailable => fill(Msg::StoreUnavailable, &[("db", &db)]),
            StoreError::Untrusted => fill(Msg::CertificateUntrusted, &[("db", &db)]),
            StoreError::FileGone => fill(Msg::DatabaseGone, &[("db", &db)]),
            StoreError::ReadOnly => fill(Msg::DatabaseReadOnly, &[("db", &db)]),
            StoreError::NotGuestbook => fill(Msg::NotGuestbook, &[("db", &db)]),
            StoreError::NoDatabase => fill(Msg::NoDatabase, &[("path", &db)]),
            StoreError::SchemaTooNew { found, known } => fill(
                Msg::DatabaseNewer,
                &[("path", &db), ("found", found), ("known", known)],
            ),
            StoreError::DiskFull => fill(Msg::DiskFull, &[("db", &db)]),
            StoreError::BackupDamaged => fill(Msg::BackupDamaged, &[("db", &db)]),
            StoreError::OnServerHostOnly => fill(Msg::OnServerHostOnly, &[("db", &db)]),
            StoreError::NewerThanBackup { database, backup } => {
                let never = Msg::BackupEmpty.text_in(lang).to_string();
                fill(
                    Msg::NewerThanBackup,
                    &[
                        ("db", &db),
                        ("database", &local_time(database)),
                        ("backup", &backup.as_ref().map_or(never, local_time)),
                    ],
                )
            }
            StoreError::Backend => fill(Msg::BackendFailed, &[("db", &db)]),
            StoreError::SessionEnded => fill(Msg::SessionEnded, &[("db", &db)]),
            StoreError::TooLarge => Msg::RequestTooLarge.text_in(lang).into(),
            StoreError::TooManyAttempts { retry_after } => {
                fill(Msg::TooManyAttempts, &[("seconds", retry_after)])
            }
            StoreError::KeyReused => Msg::IdempotencyKeyReused.text_in(lang).into(),
        }
    }

    /// Shorthand for a refused value.
    pub fn invalid(field: impl Into<String>, problem: Problem) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            problem,
        }
    }

    /// Shorthand for a guest that is not there.
    pub fn no_guest(id: &GuestId) -> StoreError {
        StoreError::NotFound {
            what: Entity::Guest,
            id: id.0.clone(),
        }
    }
}

impl From<crate::model::Invalid> for StoreError {
    fn from(i: crate::model::Invalid) -> Self {
        StoreError::Invalid {
            field: i.field,
            problem: i.problem,
        }
    }
}

/// In the process's language, naming the database generically (the CLI names it exactly).
impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lang = crate::i18n::lang();
        f.write_str(&self.text_in(lang, Msg::TheDatabase.text_in(lang)))
    }
}

/// What the action is, for a refusal (`merge profiles`).
fn action_text(action: Action, lang: Lang) -> &'static str {
    let msg = match action {
        Action::ReadGuests => Msg::ActReadGuests,
        Action::ReadBoard => Msg::ActReadBoard,
        Action::RecordPreference => Msg::ActRecordPreference,
        Action::AddGuest => Msg::ActAddGuest,
        Action::EditGuest => Msg::ActEditGuest,
        Action::RecordFeedback => Msg::ActRecordFeedback,
        Action::ResolveFeedback => Msg::ActResolveFeedback,
        Action::Import => Msg::ActImport,
        Action::Export => Msg::ActExport,
        Action::PrintVipSheet => Msg::ActPrintVipSheet,
        Action::Backup => Msg::ActBackup,
        Action::ReadAudit => Msg::ActReadAudit,
        Action::Restore => Msg::ActRestore,
        Action::Merge => Msg::ActMerge,
        Action::Erase => Msg::ActErase,
        Action::ManageAccounts => Msg::ActManageAccounts,
        Action::ReadAccounts => Msg::ActReadAccounts,
        Action::ChangeSettings => Msg::ActChangeSettings,
        Action::Check => Msg::ActCheck,
        Action::ShiftSampleDates => Msg::ActShiftSampleDates,
        Action::Reveal => Msg::ActReveal,
        Action::Purge => Msg::ActPurge,
        Action::PurgeDryRun => Msg::ActPurgeDryRun,
        Action::ReadDestructions => Msg::ActReadDestructions,
        Action::ExportGuest => Msg::ActExportGuest,
        Action::SetPseudonym => Msg::ActSetPseudonym,
        Action::ReviewDupes => Msg::ActReviewDupes,
    };
    msg.text_in(lang)
}

/// Writes a backend's own error detail where an administrator can find it, never to a user:
/// standard error when `GUESTBOOK_DEBUG` is set.
pub fn debug_log(detail: &dyn std::fmt::Display) {
    if std::env::var_os("GUESTBOOK_DEBUG").is_some() {
        eprintln!("guestbook debug: {detail}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, with data that would show if leaked.
    fn every_error() -> Vec<StoreError> {
        let problems = vec![
            Problem::Required,
            Problem::TooLong { max: 2000 },
            Problem::NotOneOf {
                value: "V9".into(),
                choices: "V1, V2".into(),
            },
            Problem::MaskedValue,
            Problem::MergeSelf,
            Problem::SamePair,
        ];
        let mut all: Vec<StoreError> = problems
            .into_iter()
            .map(|p| StoreError::invalid("vip", p))
            .collect();
        all.extend([
            StoreError::no_guest(&GuestId("G1".into())),
            StoreError::Stale {
                id: GuestId("G1".into()),
                by: "amy".into(),
                at: DateTime::default(),
            },
            StoreError::Forbidden {
                action: Action::Erase,
                role: Role::Agent,
            },
            StoreError::SignInRequired { user: "amy".into() },
            StoreError::WrongPassword { user: "amy".into() },
            StoreError::NoPasswordSet { user: "amy".into() },
            StoreError::UnknownUser { user: "amy".into() },
            StoreError::AccountDisabled { user: "amy".into() },
            StoreError::Busy,
            StoreError::Unavailable,
            StoreError::Untrusted,
            StoreError::FileGone,
            StoreError::ReadOnly,
            StoreError::NotGuestbook,
            StoreError::NoDatabase,
            StoreError::SchemaTooNew { found: 9, known: 8 },
            StoreError::DiskFull,
            StoreError::BackupDamaged,
            StoreError::OnServerHostOnly,
            StoreError::NewerThanBackup {
                database: Utc::now(),
                backup: None,
            },
            StoreError::Backend,
            StoreError::SessionEnded,
            StoreError::TooLarge,
            StoreError::TooManyAttempts { retry_after: 60 },
            StoreError::KeyReused,
        ]);
        all
    }

    #[test]
    fn no_message_carries_sql_or_a_path_from_inside_the_program() {
        for err in every_error() {
            for lang in [Lang::En, Lang::Zh] {
                let text = err.text_in(lang, "hotel.db");
                let lower = text.to_lowercase();
                for leak in [
                    "select ", "insert ", "sqlite", "table", "src/", ".rs", "panicked",
                ] {
                    assert!(!lower.contains(leak), "{err:?} says {text}");
                }
                assert!(!text.trim().is_empty() && !text.contains('{'), "{text}");
            }
        }
    }

    #[test]
    fn errors_travel_as_json_and_come_back_equal() {
        for err in every_error() {
            let json = serde_json::to_string(&err).unwrap();
            let back: StoreError = serde_json::from_str(&json).unwrap();
            assert_eq!(back, err, "{json}");
        }
    }
}
