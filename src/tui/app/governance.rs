//! The TUI's governance actions: "merge with…" from a profile (its likely duplicates, then
//! both side by side, then the merge), a profile's history from the audit log, printing the
//! VIP sheet from the board, erasing a guest on request and exporting their whole record, and
//! the retention screen (dry run, purge, destruction record). The store decides who may; a
//! refusal is a status sentence.

use std::cell::Cell;

use crate::i18n::Msg;
use crate::model::{AuditEntry, Destruction, DupePair, GuestId, Profile, PurgeReport};
use crate::privacy::Action as Permission;

use super::{App, Effect, Screen};
use crate::tui::form::Form;
use crate::tui::keymap::{Action, Mode};
use crate::tui::worker::{Answer, Job, Reply};

/// "Merge with…": the profile it started from, its likely duplicates, and whether one is
/// being compared side by side.
#[derive(Debug, Default)]
pub struct MergeView {
    /// The profile the merge started from.
    pub of: Option<Profile>,
    /// Its likely duplicates, best first, each read whole.
    pub candidates: Vec<(DupePair, Profile)>,
    pub selected: usize,
    /// Both profiles side by side (after Enter on a candidate).
    pub comparing: bool,
    /// False: the profile the merge started from is kept (the left one).
    pub swapped: bool,
    pub pending: Option<u64>,
}

impl MergeView {
    /// The pair being compared as (kept: left, merged in: right), with the reasons.
    pub fn sides(&self) -> Option<(&Profile, &Profile, &DupePair)> {
        let of = self.of.as_ref()?;
        let (pair, other) = self.candidates.get(self.selected)?;
        Some(match self.swapped {
            false => (of, other, pair),
            true => (other, of, pair),
        })
    }
}

/// A profile's history: the audit entries about it, newest first.
#[derive(Debug, Default)]
pub struct HistoryView {
    pub id: Option<GuestId>,
    pub entries: Vec<AuditEntry>,
    pub scroll: usize,
    pub pending: Option<u64>,
}

/// The retention screen: what the retention rule would anonymise today (a dry run), the
/// destruction record, and an admin's purge once confirmed.
#[derive(Debug, Default)]
pub struct RetentionView {
    pub report: Option<PurgeReport>,
    /// Newest first.
    pub destructions: Vec<Destruction>,
    /// Lines scrolled past.
    pub scroll: usize,
    /// The largest useful scroll and the lines shown, as the screen last measured them.
    pub scroll_limit: Cell<usize>,
    pub page: Cell<usize>,
    /// The purge was asked for and waits for its confirmation.
    pub confirming: bool,
    pub pending: Option<u64>,
}

impl App {
    /// Asks for the open profile's likely duplicates; the list opens when they come.
    pub(super) fn open_merge(&mut self) -> Vec<Effect> {
        let Some(id) = self.profile.profile.as_ref().map(|p| p.guest.id.clone()) else {
            return Vec::new();
        };
        let (gen, effect) = self.request(Job::DupesOf(id));
        self.merge = MergeView {
            pending: Some(gen),
            ..MergeView::default()
        };
        vec![effect]
    }

    /// Asks for the open profile's history; it opens when it comes.
    pub(super) fn open_history(&mut self) -> Vec<Effect> {
        let Some(id) = self.profile.profile.as_ref().map(|p| p.guest.id.clone()) else {
            return Vec::new();
        };
        let (gen, effect) = self.request(Job::History(id.clone()));
        self.history = HistoryView {
            id: Some(id),
            pending: Some(gen),
            ..HistoryView::default()
        };
        vec![effect]
    }

    /// Prints the board day's VIP sheet (HTML) to a file; the path shows when written.
    pub(super) fn print_vip(&mut self) -> Vec<Effect> {
        let (gen, effect) = self.request(Job::PrintVip {
            date: self.board_date(),
            today: self.today(),
            lang: self.lang(),
            catalog: Box::new(self.settings.catalog.clone()),
            dir: self.print_dir.clone(),
        });
        self.printing = Some(gen);
        vec![effect]
    }

    /// The erase form for the open profile, for a role that may erase; a profile already
    /// erased says so instead.
    pub(super) fn open_erase(&mut self) -> Vec<Effect> {
        let erased = self
            .profile
            .profile
            .as_ref()
            .filter(|p| p.erased_at.is_some());
        if let Some(profile) = erased {
            let text = self.erased_text(profile);
            self.info(text);
            return Vec::new();
        }
        self.open_form(Permission::Erase, |app| {
            app.profile.profile.as_ref().map(|p| Form::erase(&p.guest))
        })
    }

    /// "Guest G0042: personal data erased on 2026-06-15; 3 stays kept as anonymous
    /// statistics." (the day in this terminal's time), as `show` says it.
    pub fn erased_text(&self, profile: &Profile) -> String {
        self.fill(
            Msg::ShowErased,
            &[
                ("id", &profile.guest.id),
                ("date", &self.erased_day(profile)),
                ("stays", &profile.stays.len()),
            ],
        )
    }

    /// "G0042: personal data erased on 2026-06-15", for a row.
    pub fn erased_short(&self, profile: &Profile) -> String {
        self.fill(
            Msg::TuiRecentErased,
            &[
                ("id", &profile.guest.id),
                ("date", &self.erased_day(profile)),
            ],
        )
    }

    /// The day a profile was erased, in this terminal's time.
    fn erased_day(&self, profile: &Profile) -> String {
        profile
            .erased_at
            .map(|at| {
                at.with_timezone(&self.clock.offset)
                    .date_naive()
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// Writes everything held about the open profile to a private JSON file, as
    /// `export-guest` does; the store decides who may and puts it on record.
    pub(super) fn export_guest(&mut self) -> Vec<Effect> {
        let Some(id) = self.profile.profile.as_ref().map(|p| p.guest.id.clone()) else {
            return Vec::new();
        };
        let (gen, effect) = self.request(Job::ExportGuest {
            guest: id,
            dir: self.print_dir.clone(),
        });
        self.printing = Some(gen);
        vec![effect]
    }

    /// Asks for the retention rule's dry run and the destruction record; the screen opens
    /// when they come (a role that may not see them gets the store's sentence).
    pub(super) fn open_retention(&mut self) -> Vec<Effect> {
        self.help = None;
        self.retention.confirming = false;
        let (gen, effect) = self.request(Job::Retention {
            today: self.today(),
        });
        self.retention.pending = Some(gen);
        vec![effect]
    }

    pub(super) fn retention_action(&mut self, action: Action) -> Vec<Effect> {
        let view = &mut self.retention;
        let last = view.scroll_limit.get();
        let page = view.page.get().max(1);
        if view.confirming {
            match action {
                Action::Confirm if view.pending.is_none() => {
                    let (gen, effect) = self.request(Job::Purge {
                        today: self.today(),
                    });
                    self.retention.pending = Some(gen);
                    return vec![effect];
                }
                Action::Back => view.confirming = false,
                _ => {}
            }
            return Vec::new();
        }
        let scroll = &mut view.scroll;
        match action {
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = (*scroll + 1).min(last),
            Action::PageUp => *scroll = scroll.saturating_sub(page),
            Action::PageDown => *scroll = (*scroll + page).min(last),
            Action::Top => *scroll = 0,
            Action::Bottom => *scroll = last,
            Action::Reload => return self.open_retention(),
            Action::Purge => self.ask_to_purge(),
            Action::Back => self.pop(),
            _ => {}
        }
        Vec::new()
    }

    /// The purge key: refused for a role that may not purge, a sentence when nothing is past
    /// retention, else the confirmation.
    fn ask_to_purge(&mut self) {
        if self.refused(Permission::Purge) {
            return;
        }
        match &self.retention.report {
            Some(r) if r.anonymized > 0 => self.retention.confirming = true,
            _ => self.info(self.text(Msg::TuiNothingToPurge).to_string()),
        }
    }

    /// The confirmation the purge waits for, naming how many profiles go and the keys.
    pub fn purge_question(&self) -> String {
        let n = self.retention.report.as_ref().map_or(0, |r| r.anonymized);
        let keymap = &self.settings.keymap;
        self.fill(
            Msg::TuiPurgeConfirm,
            &[
                ("n", &n),
                ("yes", &keymap.hint(Mode::Retention, Action::Confirm)),
                ("no", &keymap.hint(Mode::Retention, Action::Back)),
            ],
        )
    }

    pub(super) fn merge_action(&mut self, action: Action) -> Vec<Effect> {
        let view = &mut self.merge;
        let last = view.candidates.len().saturating_sub(1);
        match action {
            Action::Up if !view.comparing => view.selected = view.selected.saturating_sub(1),
            Action::Down if !view.comparing => view.selected = (view.selected + 1).min(last),
            Action::Open if !view.candidates.is_empty() => view.comparing = true,
            Action::Swap if view.comparing => view.swapped = !view.swapped,
            Action::Confirm if view.comparing && view.pending.is_none() => {
                let Some((keep, other, _)) = view.sides() else {
                    return Vec::new();
                };
                let job = Job::Merge {
                    keep: keep.guest.id.clone(),
                    other: other.guest.id.clone(),
                };
                let (gen, effect) = self.request(job);
                self.merge.pending = Some(gen);
                return vec![effect];
            }
            Action::Back if view.comparing => {
                view.comparing = false;
                view.swapped = false;
            }
            Action::Back => self.pop(),
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn history_action(&mut self, action: Action) {
        let last = self.history.entries.len().saturating_sub(1);
        let scroll = &mut self.history.scroll;
        match action {
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = (*scroll + 1).min(last),
            Action::PageUp => *scroll = scroll.saturating_sub(10),
            Action::PageDown => *scroll = (*scroll + 10).min(last),
            Action::Top => *scroll = 0,
            Action::Bottom => *scroll = last,
            Action::Back => self.pop(),
            _ => {}
        }
    }

    /// Whether the reply `gen` is one these actions wait for.
    pub(super) fn governance_awaits(&self, gen: u64) -> bool {
        [
            self.merge.pending,
            self.history.pending,
            self.retention.pending,
            self.printing,
        ]
        .contains(&Some(gen))
    }

    /// Takes a reply these actions wait for ([`App::governance_awaits`]).
    pub(super) fn on_governance_reply(&mut self, reply: Reply) -> Vec<Effect> {
        let gen = Some(reply.gen);
        self.dirty = true;
        if gen == self.merge.pending {
            self.merge.pending = None;
        }
        if gen == self.history.pending {
            self.history.pending = None;
        }
        if gen == self.printing {
            self.printing = None;
        }
        if gen == self.retention.pending {
            self.retention.pending = None;
        }
        match reply.result {
            Ok(Answer::Dupes { of, others }) => {
                if others.is_empty() {
                    let text = self.fill(Msg::TuiNoDupes, &[("id", &of.guest.id)]);
                    self.info(text);
                } else {
                    self.merge.of = Some(*of);
                    self.merge.candidates = others;
                    self.push(Screen::Merge);
                }
            }
            Ok(Answer::Merged(kept)) => {
                let other = self.merge.sides().map(|(_, o, _)| o.guest.id.clone());
                let text = self.fill(
                    Msg::GuestsMerged,
                    &[
                        ("other", &other.map(|o| o.0).unwrap_or_default()),
                        ("keep", &kept.guest.id),
                        ("name", &kept.guest.name),
                    ],
                );
                self.merge = MergeView::default();
                self.stack.retain(|s| *s != Screen::Merge);
                let effects = self.open_profile(kept.guest.id.clone());
                self.info(text);
                return effects;
            }
            Ok(Answer::History { id, entries }) => {
                self.history.id = Some(id);
                self.history.entries = entries;
                self.history.scroll = 0;
                self.push(Screen::History);
            }
            Ok(Answer::Printed(path)) => {
                let text = self.fill(Msg::TuiVipPrinted, &[("path", &path.display())]);
                self.info(text);
            }
            Ok(Answer::Exported { id, path }) => {
                let text = self.fill(
                    Msg::GuestExported,
                    &[("id", &id), ("path", &path.display())],
                );
                self.info(text);
            }
            Ok(Answer::Retention {
                report,
                destructions,
            }) => {
                self.retention.report = Some(*report);
                self.retention.destructions = destructions;
                self.retention.scroll = 0;
                self.push(Screen::Retention);
            }
            Ok(Answer::Purged(report)) => {
                self.retention.confirming = false;
                let text = crate::report::retention::purge_summary(&report, self.lang());
                let effects = self.open_retention();
                self.info(text);
                return effects;
            }
            Ok(_) => {}
            Err(failure) => {
                self.retention.confirming = false;
                let text = self.failure_text(&failure);
                self.error(text);
            }
        }
        Vec::new()
    }
}
