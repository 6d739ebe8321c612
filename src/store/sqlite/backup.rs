//! What a backup holds and whether one can be restored: SQLite files only (encryption is the
//! CLI's business, on the file this writes or reads).

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::rows::parse_ts;
use super::schema::{file_kind, FileKind, SCHEMA_VERSION};
use crate::model::BackupSummary;
use crate::store::StoreError;

/// How many guests a database holds and when its data last changed (its newest audit entry:
/// every write is audited, and audit ids only grow).
pub fn summary(conn: &Connection) -> Result<BackupSummary, StoreError> {
    let guests: i64 = conn.query_row("SELECT count(*) FROM guests", [], |r| r.get(0))?;
    let last: Option<String> = conn
        .query_row("SELECT at FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(BackupSummary {
        guests: guests as u64,
        last_change: last.map(|at| parse_ts(&at)),
    })
}

/// The summary of the backup at `from` once it is known to be a whole guestbook database
/// this version can read: another file is [`StoreError::NotGuestbook`], a newer schema
/// [`StoreError::SchemaTooNew`], a damaged one [`StoreError::BackupDamaged`].
pub fn readable(from: &Path) -> Result<BackupSummary, StoreError> {
    if !from.is_file() {
        return Err(StoreError::NotGuestbook);
    }
    let conn = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|_| StoreError::NotGuestbook)?;
    match file_kind(&conn).map_err(|_| StoreError::NotGuestbook)? {
        FileKind::Guestbook(v) if v > SCHEMA_VERSION => {
            return Err(StoreError::SchemaTooNew {
                found: v,
                known: SCHEMA_VERSION,
            })
        }
        FileKind::Guestbook(_) => {}
        FileKind::Empty | FileKind::Foreign => return Err(StoreError::NotGuestbook),
    }
    let verdict: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|_| StoreError::BackupDamaged)?;
    if verdict != "ok" {
        crate::store::debug_log(&verdict);
        return Err(StoreError::BackupDamaged);
    }
    summary(&conn)
}
