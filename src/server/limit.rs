//! Sign-in attempts limited per account and per address: after too many failures in a window
//! the next attempt is refused with how long to wait, before any password is checked.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::store::StoreError;

/// Failures counted in one window for one key.
struct Count {
    since: DateTime<Utc>,
    failures: u32,
}

/// Counts failed sign-ins per key (`user:NAME`, `addr:IP`) in fixed windows.
pub struct Limiter {
    window: Duration,
    counts: Mutex<HashMap<String, Count>>,
}

impl Limiter {
    pub fn new(window: Duration) -> Limiter {
        Limiter {
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Refuses with `TooManyAttempts` when `key` already failed `max` times in its window.
    pub fn check(&self, key: &str, max: u32, now: DateTime<Utc>) -> Result<(), StoreError> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        match counts.get(key) {
            Some(c) if now - c.since < self.window && c.failures >= max => {
                let left = (c.since + self.window - now).num_seconds().max(1);
                Err(StoreError::TooManyAttempts {
                    retry_after: left as u64,
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure of `key`.
    pub fn fail(&self, key: &str, now: DateTime<Utc>) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        // Old windows go, so guessed names cannot grow the map without end.
        if counts.len() > 10_000 {
            counts.retain(|_, c| now - c.since < self.window);
        }
        let count = counts.entry(key.to_string()).or_insert(Count {
            since: now,
            failures: 0,
        });
        if now - count.since >= self.window {
            *count = Count {
                since: now,
                failures: 0,
            };
        }
        count.failures += 1;
    }

    /// Forgets the failures of `key` (a successful sign-in).
    pub fn clear(&self, key: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.remove(key);
    }
}
