//! Who is signed in: sessions begun by a password, found again by their token's SHA-256
//! hash, ended by logout, by the idle timeout or by the absolute one, on the server's clock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine as _;
use chrono::{DateTime, Utc};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use super::limit::Limiter;
use super::ServerConfig;
use crate::store::{self, Credentials, KeptAnswer, Principal, SessionBook, Store, StoreError};

/// How long after its last request a session's activity is written to the database again:
/// a read is not a write each time, and a restart loses at most this much idleness.
const TOUCH_EVERY_SECS: i64 = 60;

/// A session the server is serving: its store, opened for its user, and its times.
pub struct Live {
    pub user: String,
    created: DateTime<Utc>,
    last_seen: Mutex<DateTime<Utc>>,
    touched: Mutex<DateTime<Utc>>,
    /// The book's data version when the session's row was last seen in the database.
    confirmed: AtomicU64,
    /// The session's own store: one terminal's worth, so its principal is fixed at sign-in
    /// exactly as a terminal's is when it opens the file.
    pub store: Mutex<Box<dyn Store>>,
}

/// A session just begun.
pub struct Begun {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub principal: Principal,
}

/// The sessions of one database.
pub struct Sessions {
    path: PathBuf,
    config: ServerConfig,
    live: Mutex<HashMap<[u8; 32], Arc<Live>>>,
    book: Mutex<SessionBook>,
    limiter: Limiter,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The SHA-256 of a token: what the database keeps instead of it.
fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Sessions {
    pub fn open(path: PathBuf, config: ServerConfig) -> Result<Sessions, StoreError> {
        let book = SessionBook::open(&path)?;
        Ok(Sessions {
            path,
            live: Mutex::new(HashMap::new()),
            book: Mutex::new(book),
            limiter: Limiter::new(config.login_window),
            config,
        })
    }

    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Checks the password and begins a session: a 128-bit random token, kept only hashed.
    /// Too many failures for the account or from the address `from` are refused before any
    /// password is checked.
    pub fn login(&self, who: &Credentials, from: IpAddr) -> Result<Begun, StoreError> {
        let now = (self.config.clock)();
        // Sign-ins are rare enough to clear out ended sessions on.
        self.sweep()?;
        let user_key = format!("user:{}", who.user);
        let addr_key = format!("addr:{from}");
        self.limiter
            .check(&user_key, self.config.login_failures_per_user, now)?;
        self.limiter
            .check(&addr_key, self.config.login_failures_per_address, now)?;
        let store = match self.open_checked(who) {
            Ok(store) => store,
            Err(e) => {
                if matches!(
                    e,
                    StoreError::WrongPassword { .. }
                        | StoreError::SignInRequired { .. }
                        | StoreError::UnknownUser { .. }
                        | StoreError::NoPasswordSet { .. }
                        | StoreError::AccountDisabled { .. }
                ) {
                    self.limiter.fail(&user_key, now);
                    self.limiter.fail(&addr_key, now);
                }
                return Err(e);
            }
        };
        self.limiter.clear(&user_key);
        self.begin(who, store, now)
    }

    /// The store of a sign-in whose password was checked (whether an account exists, has a
    /// password or is disabled is not told to whoever guesses: see
    /// [`store::open_for_sign_in`]).
    fn open_checked(&self, who: &Credentials) -> Result<Box<dyn Store>, StoreError> {
        store::open_for_sign_in(&self.path, who, self.config.require_password)
    }

    fn begin(
        &self,
        who: &Credentials,
        store: Box<dyn Store>,
        now: DateTime<Utc>,
    ) -> Result<Begun, StoreError> {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let key = hash(&token);
        let confirmed = {
            let mut book = lock(&self.book);
            book.begin(&key, &who.user, now)?;
            book.data_version()?
        };
        let principal = store.principal().clone();
        let live = Arc::new(Live {
            user: who.user.clone(),
            created: now,
            last_seen: Mutex::new(now),
            touched: Mutex::new(now),
            confirmed: AtomicU64::new(confirmed),
            store: Mutex::new(store),
        });
        lock(&self.live).insert(key, live);
        Ok(Begun {
            token,
            expires_at: now + self.config.absolute,
            principal,
        })
    }

    /// The session of `token`, still in force; its idle time starts again.
    pub fn find(&self, token: &str) -> Result<Arc<Live>, StoreError> {
        let key = hash(token);
        let now = (self.config.clock)();
        let known = lock(&self.live).get(&key).cloned();
        let live = match known {
            Some(live) if self.still_stands(&key, &live)? => live,
            Some(_) => {
                lock(&self.live).remove(&key);
                return Err(StoreError::SessionEnded);
            }
            None => self.resume(&key)?,
        };
        let last_seen = *lock(&live.last_seen);
        if now - last_seen > self.config.idle || now - live.created > self.config.absolute {
            self.end_key(&key)?;
            return Err(StoreError::SessionEnded);
        }
        *lock(&live.last_seen) = now;
        let mut touched = lock(&live.touched);
        if (now - *touched).num_seconds() >= TOUCH_EVERY_SECS {
            lock(&self.book).touch(&key, now)?;
            *touched = now;
        }
        Ok(live.clone())
    }

    /// Whether the session `live` of `key` still stands. The database decides: an admin's
    /// change to the account, a restore, a logout on another server process may have ended
    /// it. Its row is read again only when the database changed since it was last seen
    /// there (the book's data version moved): a lookup costs one pragma, not a query, and
    /// a session ended by anyone else is still refused on its next request.
    fn still_stands(&self, key: &[u8; 32], live: &Live) -> Result<bool, StoreError> {
        let mut book = lock(&self.book);
        let version = book.data_version()?;
        if live.confirmed.load(Ordering::Acquire) == version {
            return Ok(true);
        }
        let stands = book.find(key)?.is_some();
        if stands {
            live.confirmed.store(version, Ordering::Release);
        }
        Ok(stands)
    }

    /// A session this server process has not served yet (it was restarted): from the
    /// database, its store opened again for its user, who must still be enabled.
    fn resume(&self, key: &[u8; 32]) -> Result<Arc<Live>, StoreError> {
        let (stored, confirmed) = {
            let mut book = lock(&self.book);
            // Read before the row: a change in between makes the next request look again.
            let version = book.data_version()?;
            (book.find(key)?.ok_or(StoreError::SessionEnded)?, version)
        };
        let store = match store::open_for_session(&self.path, &stored.user) {
            Ok(store) => store,
            Err(StoreError::UnknownUser { .. } | StoreError::AccountDisabled { .. }) => {
                lock(&self.book).end(key)?;
                return Err(StoreError::SessionEnded);
            }
            Err(other) => return Err(other),
        };
        let live = Arc::new(Live {
            user: stored.user,
            created: stored.created_at,
            last_seen: Mutex::new(stored.last_seen),
            touched: Mutex::new(stored.last_seen),
            confirmed: AtomicU64::new(confirmed),
            store: Mutex::new(store),
        });
        Ok(lock(&self.live).entry(*key).or_insert(live).clone())
    }

    /// Ends the session of `token` at once.
    pub fn logout(&self, token: &str) -> Result<(), StoreError> {
        self.find(token)?;
        self.end_key(&hash(token))
    }

    fn end_key(&self, key: &[u8; 32]) -> Result<(), StoreError> {
        lock(&self.live).remove(key);
        lock(&self.book).end(key)
    }

    /// The first answer to `user`'s write with `key`, if it was already answered.
    pub fn answer(&self, user: &str, key: &str) -> Result<Option<KeptAnswer>, StoreError> {
        lock(&self.book).answer(user, key)
    }

    /// Keeps the answer to `user`'s write with `key`, for a retry of it.
    pub fn remember(&self, user: &str, key: &str, answer: &KeptAnswer) -> Result<(), StoreError> {
        let now = (self.config.clock)();
        let mut book = lock(&self.book);
        book.remember(user, key, answer, now)?;
        book.forget_answers(now - chrono::Duration::hours(24))
    }

    /// Forgets every session past its time, in memory and in the database.
    pub fn sweep(&self) -> Result<(), StoreError> {
        let now = (self.config.clock)();
        lock(&self.live).retain(|_, live| {
            now - *lock(&live.last_seen) <= self.config.idle
                && now - live.created <= self.config.absolute
        });
        lock(&self.book).sweep(now - self.config.idle, now - self.config.absolute)
    }
}
