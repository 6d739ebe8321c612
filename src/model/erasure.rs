//! The shapes of retention and erasure: what a purge did or would do, the destruction
//! record, and everything held about one guest for an access request.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{AuditEntry, Feedback, Guest, GuestId, Preference, Stay};

/// Why personal data was destroyed: on the guest's request (`erase`) or by the retention
/// rule (`purge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DestructionReason {
    Request,
    Retention,
}

impl DestructionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DestructionReason::Request => "request",
            DestructionReason::Retention => "retention",
        }
    }

    pub fn parse(s: &str) -> Option<DestructionReason> {
        match s {
            "request" => Some(DestructionReason::Request),
            "retention" => Some(DestructionReason::Retention),
            _ => None,
        }
    }
}

/// What one erasure or purge destroyed and kept: numbers only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DestructionCounts {
    /// Profiles whose personal data went (a profile merged into an erased one counts too).
    pub guests: u64,
    /// Stays kept as anonymous statistics (dates, room, spend; their notes went).
    pub stays_kept: u64,
    /// Preference observations deleted, retired ones included.
    pub preferences: u64,
    /// Complaints and praise deleted.
    pub feedback: u64,
}

impl DestructionCounts {
    pub fn add(&mut self, other: DestructionCounts) {
        self.guests += other.guests;
        self.stays_kept += other.stays_kept;
        self.preferences += other.preferences;
        self.feedback += other.feedback;
    }
}

/// One entry of the destruction record (`guestbook destructions --json`):
/// `{"at", "user", "reason", "note", "counts"}`. Append-only, and never holds a guest's
/// name, contact or id: the record proves that data was destroyed, not whose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Destruction {
    pub at: DateTime<Utc>,
    pub user: String,
    pub reason: DestructionReason,
    /// The reference staff gave (`--reason`), such as a request's case number.
    pub note: Option<String>,
    pub counts: DestructionCounts,
}

/// Why the retention rule left an old profile alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    /// A stay is expected (booked) or in house.
    CurrentStay,
    LegalHold,
    DoNotRent,
}

/// A profile the retention rule reached: its id and last activity (the later of its last
/// departure and its creation), with what holds it back when it is blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PurgeCandidate {
    pub id: GuestId,
    pub last_activity: NaiveDate,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<Blocker>,
}

/// What `purge` did or, in a dry run, would do (`guestbook purge --json`):
/// `{"anonymized": N, "blocked": N, "dry_run", "cutoff", "guests": [...], "blocked_guests": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PurgeReport {
    /// Profiles anonymised (in a dry run: that would be).
    pub anonymized: u64,
    /// Profiles past retention kept because of a current stay, a legal hold or do-not-rent.
    pub blocked: u64,
    pub dry_run: bool,
    /// Profiles whose last activity is before this day are past retention.
    pub cutoff: NaiveDate,
    /// In a dry run, the profiles that would go, by id; empty after a real purge (the
    /// destruction record has its counts, the tombstones its ids).
    #[serde(default)]
    pub guests: Vec<PurgeCandidate>,
    /// In a dry run, the blocked profiles with their reasons.
    #[serde(default)]
    pub blocked_guests: Vec<PurgeCandidate>,
}

/// Everything held about one guest, for an access request under PIPL or GDPR
/// (`guestbook export-guest ID`): the profile (unmasked, with notes and flags), every phone
/// and e-mail, every preference observation including withdrawn ones, every stay, all
/// feedback, and the audit log's entries about the guest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GuestRecord {
    pub exported_at: DateTime<Utc>,
    pub exported_by: String,
    /// When the guest's personal data was erased (the profile is then a tombstone).
    pub erased_at: Option<DateTime<Utc>>,
    /// Ids of profiles merged into this one: they are the same person.
    pub merged_ids: Vec<GuestId>,
    pub guest: Guest,
    pub preferences: Vec<Preference>,
    pub stays: Vec<Stay>,
    pub feedback: Vec<Feedback>,
    pub audit: Vec<AuditEntry>,
}
