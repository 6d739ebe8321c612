//! The bodies the server and the remote store exchange besides the shapes of `model.rs`:
//! one definition, so what the server sends is exactly what the client reads back.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{BadRows, ImportItem, ImportReport, Principal, RowError, RowProblem, StoreError};
use crate::model::{GuestId, GuestPatch, Role};

/// `POST /api/v1/login`. Any role or department sent along is ignored.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub user: String,
    /// The account's password (required by a server unless it was started otherwise).
    #[serde(default)]
    pub password: Option<String>,
}

/// A session begun: the opaque token to send as `Authorization: Bearer TOKEN`, when it ends
/// at the latest (the idle timeout may end it sooner) and who it acts as.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub role: Role,
    pub principal: Principal,
}

/// Every error answer: one sentence in the language of `Accept-Language`, and the structured
/// error (`reason`) a client rebuilds exactly.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub reason: StoreError,
}

/// `POST /api/v1/guests`: a new profile.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewGuestRequest {
    #[serde(default)]
    pub id: Option<GuestId>,
    pub patch: GuestPatch,
}

/// `PATCH /api/v1/guests/{id}`: a change, refused as stale unless the profile is still at
/// `version` (or the `If-Match` header's) when one is given.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EditGuestRequest {
    pub patch: GuestPatch,
    #[serde(default)]
    pub version: Option<i64>,
}

/// `PUT /api/v1/guests/{id}/preferences/{number}/note`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoteRequest {
    pub note: String,
}

/// `POST /api/v1/feedback/{number}/resolve`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResolveRequest {
    pub resolution: String,
}

/// `POST /api/v1/merge`: OTHER goes into KEEP.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MergeRequest {
    pub keep: GuestId,
    pub other: GuestId,
}

/// `POST /api/v1/sample/shift`: days to move every date of a sample database by.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShiftRequest {
    pub days: i64,
}

/// `GET /api/v1/data_version`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataVersion {
    pub version: u64,
}

/// `{"ok": true}`: `GET /healthz`, and the answer of calls that return nothing else.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ok {
    pub ok: bool,
}

/// `GET /api/v1/guests`: the lookup (`q`), at most `limit` hits (default 20), on the
/// business date `today` when given.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    pub q: String,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub today: Option<NaiveDate>,
}

/// `GET /api/v1/board`: the day (`YYYY-MM-DD`) and whether to list VIPs only.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::IntoParams)]
pub struct BoardParams {
    pub date: NaiveDate,
    #[serde(default)]
    pub vip_only: bool,
}

/// `GET /api/v1/reports/vip`: the business date (`YYYY-MM-DD`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::IntoParams)]
pub struct DateParams {
    pub date: NaiveDate,
}

/// How an import treats bad rows, as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WireBadRows {
    Refuse,
    Skip,
    Check,
}

impl From<BadRows> for WireBadRows {
    fn from(b: BadRows) -> Self {
        match b {
            BadRows::Refuse => WireBadRows::Refuse,
            BadRows::Skip => WireBadRows::Skip,
            BadRows::Check => WireBadRows::Check,
        }
    }
}

impl From<WireBadRows> for BadRows {
    fn from(b: WireBadRows) -> Self {
        match b {
            WireBadRows::Refuse => BadRows::Refuse,
            WireBadRows::Skip => BadRows::Skip,
            WireBadRows::Check => BadRows::Check,
        }
    }
}

/// One row of an import as sent: the parsed item, or why the client could not parse it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WireRow {
    pub line: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<ImportItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<RowProblem>,
}

/// `POST /api/v1/import/{kind}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportRequest {
    pub bad: WireBadRows,
    pub rows: Vec<WireRow>,
}

/// What an import did, with every refused row and whether anything was written.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportOutcome {
    #[serde(flatten)]
    pub report: ImportReport,
    pub errors: Vec<RowError>,
    pub committed: bool,
    #[serde(default)]
    pub notices: Vec<RowError>,
}

impl From<ImportReport> for ImportOutcome {
    fn from(report: ImportReport) -> Self {
        ImportOutcome {
            errors: report.errors.clone(),
            committed: report.committed,
            notices: report.notices.clone(),
            report,
        }
    }
}

impl From<ImportOutcome> for ImportReport {
    fn from(o: ImportOutcome) -> Self {
        ImportReport {
            errors: o.errors,
            committed: o.committed,
            notices: o.notices,
            ..o.report
        }
    }
}

/// `POST /api/v1/guests/{id}/reveal`: one governed field shown in full, with the reason
/// that goes on record.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RevealRequest {
    pub field: crate::model::GuestField,
    pub reason: String,
}
/// `GET /api/v1/dupes`: at most this many pairs (50 when absent).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::IntoParams)]
pub struct DupesParams {
    pub limit: Option<usize>,
}

/// `POST /api/v1/dupes/never`: A and B are not the same person.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NeverRequest {
    pub a: GuestId,
    pub b: GuestId,
}
/// `POST /api/v1/guests/{id}/erasure`: erase on request, with the request's reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EraseRequest {
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/purge`: the retention rule on the business date `date`; `dry_run` lists
/// and changes nothing.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PurgeRequest {
    pub date: chrono::NaiveDate,
    #[serde(default)]
    pub dry_run: bool,
}
