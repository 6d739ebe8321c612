//! The TUI's governance actions: "merge with…" from a profile (its likely duplicates, then
//! both side by side, then the merge), a profile's history from the audit log, and printing
//! the VIP sheet from the board. The store decides who may; a refusal is a status sentence.

use crate::i18n::Msg;
use crate::model::{AuditEntry, DupePair, GuestId, Profile};

use super::{App, Effect, Screen};
use crate::tui::keymap::Action;
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
        [self.merge.pending, self.history.pending, self.printing].contains(&Some(gen))
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
            Ok(_) => {}
            Err(failure) => {
                let text = self.failure_text(&failure);
                self.error(text);
            }
        }
        Vec::new()
    }
}
