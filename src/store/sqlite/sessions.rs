//! A server's sign-in sessions, kept in the database by the SHA-256 hash of their token, so
//! a restarted server keeps everyone signed in and a stolen copy of the file signs nobody in.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{open_connection, tune};
use crate::store::{OpenOptions, StoreError};

/// A session as stored: whose it is and its times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub user: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// The sessions table of one database, on a connection of its own.
pub struct SessionBook {
    conn: Connection,
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

impl SessionBook {
    /// Opens the sessions of the database at `path`, which must exist and be current (the
    /// server opens a store on it first).
    pub fn open(path: &Path) -> Result<SessionBook, StoreError> {
        let conn = open_connection(
            path,
            OpenOptions {
                create: false,
                read_only: false,
            },
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        tune(&conn)?;
        // Stored answers hold guest data: when they expire their bytes are zeroed too.
        conn.pragma_update(None, "secure_delete", "ON")?;
        Ok(SessionBook { conn })
    }

    /// Records a new session for `user`.
    pub fn begin(
        &mut self,
        token_hash: &[u8; 32],
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sessions (token_hash, user, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
            params![&token_hash[..], user, now.timestamp()],
        )?;
        Ok(())
    }

    /// The session with this token hash, if there is one.
    pub fn find(&mut self, token_hash: &[u8; 32]) -> Result<Option<StoredSession>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT user, created_at, last_seen FROM sessions WHERE token_hash = ?1",
            )?
            .query_row([&token_hash[..]], |r| {
                Ok(StoredSession {
                    user: r.get(0)?,
                    created_at: at(r.get(1)?),
                    last_seen: at(r.get(2)?),
                })
            })
            .optional()?)
    }

    /// A number that changes whenever another connection (a session's store, a terminal,
    /// another server process, an admin's command) commits a change to the database: while
    /// it stands, no session can have been ended but by this book's own `end`.
    pub fn data_version(&mut self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Moves a session's last activity to `now`.
    pub fn touch(&mut self, token_hash: &[u8; 32], now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
            params![&token_hash[..], now.timestamp()],
        )?;
        Ok(())
    }

    /// Ends a session at once.
    pub fn end(&mut self, token_hash: &[u8; 32]) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            [&token_hash[..]],
        )?;
        Ok(())
    }

    /// The first answer (status and body) to the write `user` sent with `key`, if any, with
    /// the SHA-256 of the request it answered (`None` for answers kept before version 18).
    pub fn answer(&mut self, user: &str, key: &str) -> Result<Option<KeptAnswer>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT status, body, request FROM idempotent_answers \
                 WHERE user = ?1 AND key = ?2",
            )?
            .query_row([user, key], |r| {
                Ok(KeptAnswer {
                    status: r.get(0)?,
                    body: r.get(1)?,
                    request: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Keeps the answer to the write `user` sent with `key` (the first one stays), with the
    /// SHA-256 of the request (method, path and body).
    pub fn remember(
        &mut self,
        user: &str,
        key: &str,
        answer: &KeptAnswer,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO idempotent_answers (user, key, status, body, at, request) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                user,
                key,
                answer.status,
                answer.body,
                now.timestamp(),
                answer.request
            ],
        )?;
        Ok(())
    }

    /// Forgets the answers kept since before `before`.
    pub fn forget_answers(&mut self, before: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM idempotent_answers WHERE at < ?1",
            [before.timestamp()],
        )?;
        Ok(())
    }

    /// Forgets every session idle since before `idle_before` or begun before `begun_before`.
    pub fn sweep(
        &mut self,
        idle_before: DateTime<Utc>,
        begun_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",
            params![idle_before.timestamp(), begun_before.timestamp()],
        )?;
        Ok(())
    }
}

/// The first answer to a write sent with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptAnswer {
    /// The HTTP status it was answered with.
    pub status: u16,
    /// The JSON body it was answered with.
    pub body: Vec<u8>,
    /// The SHA-256 of the request's method, path and body (`None` when kept by a version
    /// before 18, which did not keep it).
    pub request: Option<Vec<u8>>,
}
