//! The background thread that owns the store: the UI sends it tagged requests and gets tagged
//! replies, so a slow or failing store never freezes the screen.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use chrono::NaiveDate;

use crate::i18n::{Lang, Msg};
use crate::model::{
    AuditEntry, AuditQuery, Board, Destruction, DestructionCounts, DupePair, Feedback, Guest,
    GuestId, GuestPatch, NewFeedback, NewPreference, Preference, Profile, PurgeReport,
};
use crate::report::PrintError;
use crate::search::SearchHit;
use crate::store::{Credentials, Principal, Store, StoreError};

/// Something for the store to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Search {
        query: String,
        limit: usize,
        /// The terminal's business date: rooms and stays are looked up on it.
        today: NaiveDate,
    },
    Profile(GuestId),
    Board {
        date: NaiveDate,
        vip_only: bool,
    },
    AddPreference(NewPreference),
    RetirePreference {
        guest: GuestId,
        id: i64,
    },
    NotePreference {
        guest: GuestId,
        id: i64,
        note: String,
    },
    /// A new profile; the store assigns the id.
    AddGuest(Box<GuestPatch>),
    /// Only the changed fields, refused as stale unless the profile is still at `if_version`.
    UpdateGuest {
        id: GuestId,
        patch: Box<GuestPatch>,
        if_version: i64,
    },
    AddFeedback(NewFeedback),
    /// The next person on a shared terminal.
    SignIn(Credentials),
    /// Whether anyone changed the data since last asked (`Store::data_version`): a live
    /// screen polls this and re-reads only when it moved.
    DataVersion,
    /// The profiles of a user's recent list, in its order; those gone since are left out.
    Recent(Vec<GuestId>),
    /// One field of a profile in full, with the reason that goes on record.
    Reveal {
        guest: GuestId,
        field: crate::model::GuestField,
        reason: String,
    },
    /// A profile and its likely duplicates, each read whole (the TUI's "merge with…").
    DupesOf(GuestId),
    /// Merges OTHER into KEEP.
    Merge {
        keep: GuestId,
        other: GuestId,
    },
    /// A profile's history from the audit log.
    History(GuestId),
    /// Prints the VIP sheet of `date` to `vip-DATE.html` in `dir`, else the current
    /// directory, else the home directory.
    PrintVip {
        date: NaiveDate,
        today: NaiveDate,
        lang: Lang,
        catalog: Box<crate::catalog::Catalog>,
        dir: Option<std::path::PathBuf>,
    },
    /// Erases a guest's personal data on request, with the reference staff gave.
    Erase {
        guest: GuestId,
        reason: String,
    },
    /// Writes everything held about a guest to `guest-ID-DATE.json` in `dir`, else the
    /// current directory, else the home directory (as the VIP sheet is printed).
    ExportGuest {
        guest: GuestId,
        dir: Option<std::path::PathBuf>,
    },
    /// What the retention rule would anonymise on `today` (a dry run) and the destruction
    /// record.
    Retention {
        today: NaiveDate,
    },
    /// The retention rule applied on `today`.
    Purge {
        today: NaiveDate,
    },
}

impl Job {
    /// Reads only: an older read superseded by a newer one of the same kind can be skipped.
    fn supersedes(&self, older: &Job) -> bool {
        matches!(
            (self, older),
            (Job::Search { .. }, Job::Search { .. })
                | (Job::Profile(_), Job::Profile(_))
                | (Job::Board { .. }, Job::Board { .. })
                | (Job::Recent(_), Job::Recent(_))
                | (Job::Retention { .. }, Job::Retention { .. })
        )
    }

    /// Whether the job only reads: a read that found the server unreachable is tried again
    /// until it answers, a write is not (the user decides whether to send it again).
    fn is_read(&self) -> bool {
        matches!(
            self,
            Job::Search { .. }
                | Job::Profile(_)
                | Job::Board { .. }
                | Job::DataVersion
                | Job::Recent(_)
                | Job::Retention { .. }
        )
    }
}

/// A job tagged with the generation the UI gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub gen: u64,
    pub job: Job,
}

/// What the store answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Hits(Vec<SearchHit>),
    Profile(Box<Profile>),
    Board(Box<Board>),
    Added(Preference),
    Retired {
        guest: GuestId,
        id: i64,
    },
    Noted(Preference),
    /// A profile created or changed: the stored guest with its new version.
    GuestSaved(Box<Guest>),
    FeedbackAdded(Feedback),
    SignedIn(Principal),
    /// The store's data version: it differs from the last one read when another terminal or
    /// process committed a change in between.
    DataVersion(u64),
    /// The recent profiles still on file, each once (a merged-away id reads as the profile it
    /// went into).
    Recent(Vec<Profile>),
    /// The guest with the field asked for in full.
    Revealed {
        guest: Box<Guest>,
        field: crate::model::GuestField,
    },
    /// A profile and its likely duplicates with their profiles, best first.
    Dupes {
        of: Box<Profile>,
        others: Vec<(DupePair, Profile)>,
    },
    /// KEEP's profile after a merge.
    Merged(Box<Profile>),
    /// The audit entries about one profile, newest first.
    History {
        id: GuestId,
        entries: Vec<AuditEntry>,
    },
    /// Where the VIP sheet was written.
    Printed(std::path::PathBuf),
    /// A guest's personal data erased: what went and what stayed.
    Erased {
        id: GuestId,
        counts: DestructionCounts,
    },
    /// Where a guest's whole record was written.
    Exported {
        id: GuestId,
        path: std::path::PathBuf,
    },
    /// The retention rule's dry run and the destruction record, newest first.
    Retention {
        report: Box<PurgeReport>,
        destructions: Vec<Destruction>,
    },
    /// What a purge did.
    Purged(Box<PurgeReport>),
}

/// Why a request failed, as data: the UI turns it into one sentence in its user's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Store(StoreError),
    /// An edit refused because another terminal changed the profile, with the profile as it
    /// is now, so the UI can show it and keep what was typed.
    Stale {
        error: StoreError,
        newer: Box<Profile>,
    },
    /// The store panicked; the text is the panic's.
    Internal(String),
    /// A printed sheet could not be written to a file (the reason from the system).
    NotWritten(String),
    /// A guest's record could not be written to a file (the reason from the system).
    RecordNotWritten(String),
    /// The server does not answer: the worker keeps trying this read and replies again with
    /// its answer when the server is back (the request is still in flight).
    Retrying,
}

impl Failure {
    /// One sentence in `lang`; `db` names the database for errors about the database itself.
    pub fn text_in(&self, lang: Lang, db: &str) -> String {
        match self {
            Failure::Store(error) | Failure::Stale { error, .. } => error.text_in(lang, db),
            Failure::Internal(reason) => Msg::TuiInternal.fill_in(lang, &[("reason", reason)]),
            Failure::NotWritten(reason) => {
                Msg::TuiVipNotWritten.fill_in(lang, &[("reason", reason)])
            }
            Failure::RecordNotWritten(reason) => {
                Msg::TuiRecordNotWritten.fill_in(lang, &[("reason", reason)])
            }
            Failure::Retrying => Msg::TuiServerRetrying.text_in(lang).to_string(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        Failure::Store(error)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lang = crate::i18n::lang();
        f.write_str(&self.text_in(lang, Msg::TheDatabase.text_in(lang)))
    }
}

/// A reply to the request with the same generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub gen: u64,
    pub result: Result<Answer, Failure>,
}

/// Runs one request against the store; a panic in the store becomes an error reply.
pub fn serve(store: &mut dyn Store, request: Request) -> Reply {
    let Request { gen, job } = request;
    let result = match catch_unwind(AssertUnwindSafe(|| run_job(store, job))) {
        Ok(answer) => answer,
        Err(panic) => Err(Failure::Internal(panic_text(&panic))),
    };
    Reply { gen, result }
}

fn run_job(store: &mut dyn Store, job: Job) -> Result<Answer, Failure> {
    match job {
        Job::UpdateGuest {
            id,
            patch,
            if_version,
        } => match store.update_guest(&id, &patch, Some(if_version)) {
            Ok(guest) => Ok(Answer::GuestSaved(Box::new(guest))),
            // The newer profile travels with the refusal, read in the same turn.
            Err(error @ StoreError::Stale { .. }) => match store.profile(&id) {
                Ok(newer) => Err(Failure::Stale {
                    error,
                    newer: Box::new(newer),
                }),
                Err(_) => Err(Failure::Store(error)),
            },
            Err(error) => Err(Failure::Store(error)),
        },
        job => run_simple(store, job),
    }
}

fn run_simple(store: &mut dyn Store, job: Job) -> Result<Answer, Failure> {
    let answer = match job {
        Job::Search {
            query,
            limit,
            today,
        } => Answer::Hits(store.search_on(&query, limit, Some(today))?),
        Job::Profile(id) => Answer::Profile(Box::new(store.profile(&id)?)),
        Job::Board { date, vip_only } => Answer::Board(Box::new(store.board(date, vip_only)?)),
        Job::AddPreference(pref) => Answer::Added(store.add_preference(pref)?),
        Job::RetirePreference { guest, id } => {
            store.retire_preference(&guest, id)?;
            Answer::Retired { guest, id }
        }
        Job::NotePreference { guest, id, note } => {
            Answer::Noted(store.note_preference(&guest, id, &note)?)
        }
        Job::AddGuest(patch) => Answer::GuestSaved(Box::new(store.add_guest(None, &patch)?)),
        Job::UpdateGuest {
            id,
            patch,
            if_version,
        } => Answer::GuestSaved(Box::new(store.update_guest(
            &id,
            &patch,
            Some(if_version),
        )?)),
        Job::AddFeedback(feedback) => Answer::FeedbackAdded(store.add_feedback(feedback)?),
        Job::SignIn(who) => Answer::SignedIn(store.sign_in(&who)?),
        Job::DataVersion => Answer::DataVersion(store.data_version()?),
        Job::Recent(ids) => Answer::Recent(recent_profiles(store, &ids)?),
        Job::Reveal {
            guest,
            field,
            reason,
        } => Answer::Revealed {
            guest: Box::new(store.reveal(&guest, field, &reason)?),
            field,
        },
        Job::DupesOf(id) => {
            let of = Box::new(store.profile(&id)?);
            let mut others = Vec::new();
            for pair in store.dupes_of(&of.guest.id)? {
                let profile = store.profile(&pair.b)?;
                others.push((pair, profile));
            }
            Answer::Dupes { of, others }
        }
        Job::Merge { keep, other } => Answer::Merged(Box::new(store.merge(&keep, &other)?)),
        Job::History(id) => {
            let query = AuditQuery {
                guest: Some(id.clone()),
                ..AuditQuery::default()
            };
            Answer::History {
                entries: store.audit(&query)?,
                id,
            }
        }
        Job::PrintVip {
            date,
            today,
            lang,
            catalog,
            dir,
        } => {
            let format = crate::report::SheetFormat::Html;
            let dirs = print_dirs(dir);
            match crate::report::print_vip(store, date, today, &catalog, lang, format, &dirs) {
                Ok(path) => Answer::Printed(path),
                Err(PrintError::Store(e)) => return Err(Failure::Store(e)),
                Err(PrintError::Write(e)) => return Err(Failure::NotWritten(e.to_string())),
            }
        }
        Job::Erase { guest, reason } => Answer::Erased {
            counts: store.erase_because(&guest, Some(&reason))?,
            id: guest,
        },
        Job::ExportGuest { guest, dir } => {
            match crate::report::export_guest(store, &guest, &print_dirs(dir)) {
                Ok(path) => Answer::Exported { id: guest, path },
                Err(PrintError::Store(e)) => return Err(Failure::Store(e)),
                Err(PrintError::Write(e)) => return Err(Failure::RecordNotWritten(e.to_string())),
            }
        }
        Job::Retention { today } => Answer::Retention {
            report: Box::new(store.purge(today, true)?),
            destructions: store.destructions()?,
        },
        Job::Purge { today } => Answer::Purged(Box::new(store.purge(today, false)?)),
    };
    Ok(answer)
}

/// Where the TUI writes a file for the user: the folder it was given, else the current
/// directory, else the home directory.
fn print_dirs(dir: Option<std::path::PathBuf>) -> Vec<std::path::PathBuf> {
    dir.into_iter()
        .chain(std::env::current_dir().ok())
        .chain(std::env::var_os("HOME").map(Into::into))
        .collect()
}

/// Reads each recent profile, each person once: a merged-away id reads as the profile it went
/// into, an erased one as its tombstone (`erased_at` set, no personal data); one gone since
/// is skipped, any other failure is the answer.
fn recent_profiles(store: &mut dyn Store, ids: &[GuestId]) -> Result<Vec<Profile>, StoreError> {
    let mut profiles: Vec<Profile> = Vec::new();
    for id in ids {
        match store.profile(id) {
            Ok(p) if profiles.iter().any(|q| q.guest.id == p.guest.id) => {}
            Ok(p) => profiles.push(p),
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(profiles)
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// The worker thread's name (the panic hook leaves its panics to the error reply).
pub const THREAD_NAME: &str = "guestbook-store";

/// The sending end the UI keeps; dropping it stops the worker.
pub struct Worker {
    requests: Sender<Request>,
}

impl Worker {
    /// Starts the thread; every reply is handed to `deliver` (which forwards it to the UI).
    pub fn spawn(
        store: Box<dyn Store>,
        deliver: impl Fn(Reply) + Send + 'static,
    ) -> std::io::Result<Worker> {
        let (requests, inbox) = mpsc::channel();
        thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || work(store, inbox, deliver))?;
        Ok(Worker { requests })
    }

    /// Queues a request; false if the worker has stopped.
    pub fn send(&self, request: Request) -> bool {
        self.requests.send(request).is_ok()
    }
}

/// How long the worker waits before trying a read again while the server does not answer
/// (on top of the remote store's own quick retries); a new request cuts the wait short.
const UNREACHABLE_RETRY: Duration = Duration::from_secs(1);

fn work(mut store: Box<dyn Store>, inbox: Receiver<Request>, deliver: impl Fn(Reply)) {
    let mut queue: VecDeque<Request> = VecDeque::new();
    // Requests refused because the session ended, kept for after the same user signs in.
    let mut parked: Vec<Request> = Vec::new();
    let mut retrying = false;
    loop {
        if queue.is_empty() {
            match inbox.recv() {
                Ok(first) => queue.push_back(first),
                Err(_) => return,
            }
        }
        queue.extend(inbox.try_iter());
        queue = without_superseded(queue.into_iter().collect()).into();
        let Some(request) = queue.pop_front() else {
            continue;
        };
        let read = request.job.is_read();
        let signing_in = matches!(request.job, Job::SignIn(_));
        let user_before = store.principal().user.clone();
        let reply = serve(store.as_mut(), request.clone());
        match &reply.result {
            Err(Failure::Store(StoreError::Unavailable)) if read => {
                if !retrying {
                    retrying = true;
                    deliver(Reply {
                        gen: reply.gen,
                        result: Err(Failure::Retrying),
                    });
                }
                queue.push_front(request);
                // Wait, but let a newer request (a key typed meanwhile) in at once.
                match inbox.recv_timeout(UNREACHABLE_RETRY) {
                    Ok(newer) => queue.push_back(newer),
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
                continue;
            }
            Err(Failure::Store(StoreError::SessionEnded)) => {
                retrying = false;
                parked.push(request);
                deliver(reply);
                continue;
            }
            _ => retrying = false,
        }
        let signed_in_again = signing_in && reply.result.is_ok();
        deliver(reply);
        if signed_in_again {
            // The same user carries on where they were; anyone else starts afresh.
            let parked_now = std::mem::take(&mut parked);
            if store.principal().user == user_before {
                for (at, request) in parked_now.into_iter().enumerate() {
                    queue.insert(at, request);
                }
            }
        }
    }
}

/// Drops reads that a later read of the same kind in the batch makes pointless (typing fast
/// queues a search per key; only the last one matters). Writes always run, in order.
fn without_superseded(batch: Vec<Request>) -> Vec<Request> {
    let keep: Vec<bool> = (0..batch.len())
        .map(|i| {
            !batch[i + 1..]
                .iter()
                .any(|later| later.job.supersedes(&batch[i].job))
        })
        .collect();
    batch
        .into_iter()
        .zip(keep)
        .filter_map(|(r, keep)| keep.then_some(r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(gen: u64, query: &str) -> Request {
        Request {
            gen,
            job: Job::Search {
                query: query.into(),
                limit: 10,
                today: NaiveDate::default(),
            },
        }
    }

    #[test]
    fn only_the_last_queued_search_runs() {
        let retire = Request {
            gen: 3,
            job: Job::RetirePreference {
                guest: GuestId::from("G1"),
                id: 1,
            },
        };
        let batch = vec![
            search(1, "1"),
            search(2, "13"),
            retire.clone(),
            search(4, "138"),
        ];
        let kept: Vec<u64> = without_superseded(batch).iter().map(|r| r.gen).collect();
        assert_eq!(kept, vec![3, 4]);
    }
}
