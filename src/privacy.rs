//! Who may do what: the actions a store call performs and the roles allowed each. The store
//! checks this at the start of every call, so no front end can forget it.

use serde::{Deserialize, Serialize};

use crate::model::Role;

/// What a store call does, as a permission is checked against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Look guests up and read profiles.
    ReadGuests,
    /// Read the arrivals, in-house and departures board.
    ReadBoard,
    /// Record, withdraw or annotate a preference.
    RecordPreference,
    /// Create a profile.
    AddGuest,
    /// Change a profile's identity fields.
    EditGuest,
    /// Record a complaint or praise.
    RecordFeedback,
    /// Close a complaint with its resolution.
    ResolveFeedback,
    /// Import interchange files.
    Import,
    /// Export interchange files.
    Export,
    /// Print the VIP reception sheet (names, rooms, preferences and complaints of every VIP).
    PrintVipSheet,
    /// Merge two profiles of one person.
    Merge,
    /// Erase a guest's personal data.
    Erase,
    /// Add accounts, change roles, disable accounts, set passwords of others.
    ManageAccounts,
    /// List the accounts.
    ReadAccounts,
    /// Change the hotel's settings.
    ChangeSettings,
    /// Check the database's integrity.
    Check,
    /// Copy the whole database to a file (every guest's personal data).
    Backup,
    /// Read the audit log.
    ReadAudit,
    /// Replace the database with a backup.
    Restore,
    /// Move every date of a sample database (the demo).
    ShiftSampleDates,
    /// Anonymise the profiles past the retention period (issue 11: admin).
    Purge,
    /// List what the retention rule would anonymise, writing nothing (issue 11: manager).
    PurgeDryRun,
    /// Read the destruction record.
    ReadDestructions,
    /// Export everything held about one guest, for an access request (a privacy officer's
    /// or manager's job, not the front desk's: the export is the whole unmasked record).
    ExportGuest,
}

impl Action {
    /// The roles allowed the action. Defaults of the role matrix in docs/cli.md: the call
    /// centre and front office look after guests, housekeeping records what it observes,
    /// managers also merge and check, admins also manage accounts, settings and erasure.
    pub fn allowed(self, role: Role) -> bool {
        use Role::*;
        match self {
            Action::ReadGuests
            | Action::ReadBoard
            | Action::RecordPreference
            | Action::ReadAccounts => true,
            Action::AddGuest | Action::EditGuest | Action::RecordFeedback => {
                matches!(role, Agent | FrontOffice | Manager | Admin)
            }
            Action::ResolveFeedback | Action::Import | Action::Export | Action::PrintVipSheet => {
                matches!(role, FrontOffice | Manager | Admin)
            }
            Action::Merge | Action::Check | Action::ReadAudit => matches!(role, Manager | Admin),
            Action::Erase
            | Action::ManageAccounts
            | Action::ChangeSettings
            | Action::Backup
            | Action::Restore
            | Action::ShiftSampleDates => role == Admin,
            Action::Purge => role == Admin,
            Action::PurgeDryRun | Action::ReadDestructions | Action::ExportGuest => {
                matches!(role, Manager | Admin)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn housekeeping_records_preferences_but_edits_no_profile() {
        assert!(Action::RecordPreference.allowed(Role::Housekeeping));
        assert!(!Action::EditGuest.allowed(Role::Housekeeping));
        assert!(!Action::Import.allowed(Role::Agent));
        assert!(Action::Import.allowed(Role::FrontOffice));
        assert!(!Action::Erase.allowed(Role::Manager));
        assert!(Action::ManageAccounts.allowed(Role::Admin));
    }

    #[test]
    fn managers_look_at_retention_and_only_admins_purge() {
        let allowed = |action: Action| -> Vec<Role> {
            [
                Role::Agent,
                Role::Housekeeping,
                Role::FrontOffice,
                Role::Manager,
                Role::Admin,
            ]
            .into_iter()
            .filter(|r| action.allowed(*r))
            .collect()
        };
        assert_eq!(allowed(Action::Purge), vec![Role::Admin]);
        for action in [
            Action::PurgeDryRun,
            Action::ReadDestructions,
            Action::ExportGuest,
        ] {
            assert_eq!(
                allowed(action),
                vec![Role::Manager, Role::Admin],
                "{action:?}"
            );
        }
    }
}

/// An argon2id hash of a password, in the PHC string format (salt and parameters included).
pub fn hash_password(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use rand_core::OsRng;
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails for parameters out of range; the defaults are not.
        .unwrap_or_default()
}

/// Whether `password` matches a hash made by [`hash_password`] (in constant time).
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("longjing-22");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("longjing-22", &hash));
        assert!(!verify_password("longjing-23", &hash));
        assert!(!verify_password("longjing-22", "not a hash"));
    }
}
