//! The TUI's state and `update()`: each key, reply or clock tick becomes a state change plus the
//! requests and effects it causes; no I/O and no clock reads happen here.

mod governance;

pub use governance::{HistoryView, MergeView, RetentionView};

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::catalog::Catalog;
use crate::config::AmbiguousWidth;
use crate::i18n::{Lang, Msg};
use crate::interchange::ImportOptions;
use crate::model::{
    Alert, Board, BoardRow, FeedbackKind, GuestField, GuestId, NewFeedback, NewPreference,
    Preference, Profile, Role, Source, Stay, NOTE_MAX_CHARS,
};
use crate::privacy::Action as Permission;
use crate::rules::settings::date_after_rollover as business_date;
use crate::search::SearchHit;
use crate::store::{Credentials, Principal, StoreError};

use super::form::{FieldKey, Form, FormKind};
use super::keymap::{Action, Key, Keymap, Mode};
use super::worker::{Answer, Failure, Job, Reply, Request};

/// Results asked for per keystroke; more than any screen shows.
pub const SEARCH_LIMIT: usize = 50;
/// The longest query accepted, in characters: longer than any name or number.
pub const QUERY_MAX_CHARS: usize = 200;
/// Digits a numeric preference takes: more than any value in range.
const NUMBER_MAX_CHARS: usize = 6;
/// How often the TUI asks the store whether anyone changed the data, so the board and an open
/// profile show a change made elsewhere within two seconds. One poll is a single cheap
/// read (`PRAGMA data_version` on a file).
pub const POLL_EVERY: Duration = Duration::seconds(1);
/// How long a request is outstanding before the screen says so (spinner, "Searching…"): an
/// answer within it would only flash them on every keystroke.
pub const SLOW_AFTER: Duration = Duration::milliseconds(300);

/// The time, injected so tests render the same screen every run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    pub utc: DateTime<Utc>,
    /// The local offset, for the clock in the status bar and dates of observations.
    pub offset: FixedOffset,
}

impl Clock {
    /// A clock at a local wall time in a fixed offset (tests, benchmarks).
    pub fn at(local: NaiveDateTime, offset: FixedOffset) -> Clock {
        Clock {
            utc: (local - Duration::seconds(offset.local_minus_utc().into())).and_utc(),
            offset,
        }
    }

    pub fn local(&self) -> NaiveDateTime {
        self.utc.with_timezone(&self.offset).naive_local()
    }
}

/// Everything the TUI needs to know besides the data: who, where, how.
#[derive(Debug, Clone)]
pub struct Settings {
    pub user: String,
    pub role: Role,
    /// The acting user's department: complaints are filed under it unless changed.
    pub department: Source,
    /// The hotel asks for a password: the idle lock signs the user out, and the next person
    /// signs in.
    pub require_sign_in: bool,
    /// How typed profile fields are read: the hotel's VIP codes and phone region, as an
    /// import reads them (the store checks again).
    pub fields: ImportOptions,
    /// The backend as the status bar shows it (`file: /path/guestbook.db`).
    pub backend: String,
    pub lang: Lang,
    /// False under `NO_COLOR`: emphasis by bold, underline and reverse only.
    pub color: bool,
    /// Wide: the terminal draws `° · › …` in two columns, so ASCII stand-ins are drawn.
    pub ambiguous_width: AmbiguousWidth,
    /// A fixed business date (`--today`); otherwise from the clock and the rollover hour.
    pub today: Option<NaiveDate>,
    pub rollover_hour: u32,
    /// Time without a key before the screen locks; `None` never locks.
    pub idle_lock: Option<Duration>,
    pub catalog: Catalog,
    pub keymap: Keymap,
    /// Where each user's recent profiles are kept between runs; `None` keeps them only
    /// while the TUI runs.
    pub recent_file: Option<super::recent::RecentFile>,
}

/// What reaches `update()`.
#[derive(Debug, Clone)]
pub enum Input {
    Key(KeyEvent),
    Paste(String),
    Reply(Reply),
    Tick(Clock),
    Resize,
    /// The process was told to stop (SIGTERM, SIGHUP, SIGINT): the event loop ends.
    Signal(i32),
    /// A caller's number from the phone system (`guestbook pop`), already checked.
    Pop(String),
}

/// What `update()` asks the event loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send(Request),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Keep `user`'s recent profiles (newest first) in `Settings::recent_file`.
    SaveRecent {
        user: String,
        ids: Vec<GuestId>,
    },
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Lookup,
    Profile,
    Board,
    /// A new-profile, edit or feedback form (`App::form`).
    Form,
    /// The profiles last opened here (`App::recent`).
    Recent,
    /// "Merge with…": a profile's likely duplicates, then two side by side (`App::merge`).
    Merge,
    /// A profile's history from the audit log (`App::history`).
    History,
    /// What the retention rule would anonymise, the purge, the destruction record
    /// (`App::retention`).
    Retention,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Error,
}

/// One line for the staff member: what just happened or what went wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct LookupView {
    pub query: String,
    pub hits: Vec<SearchHit>,
    /// The query the shown hits answer.
    pub hits_for: String,
    pub selected: usize,
    pub pending: Option<u64>,
    /// What to open when the pending results come.
    pub open_when_ready: Option<OpenWhenReady>,
    /// Result rows the screen showed last time, for page up/down.
    pub page: Cell<usize>,
}

/// A profile to open as soon as the results of the query typed so far arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenWhenReady {
    /// A caller's number (`--phone`): open it only if exactly one guest matches.
    OnlyMatch,
    /// Enter was pressed before the results came: do what Enter does on them.
    Selected,
}

/// The three-key preference entry, step by step.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// `p` pressed: the next letter picks a category.
    Category,
    /// A category with options: the next digit picks one on `page`.
    Options { category: String, page: usize },
    /// A numeric category: digits, then Enter.
    Number { category: String, text: String },
    /// A note for a preference just recorded.
    Note { pref: Preference, text: String },
}

#[derive(Debug, Default)]
pub struct ProfileView {
    pub id: Option<GuestId>,
    pub profile: Option<Profile>,
    pub pending: Option<u64>,
    pub scroll: u16,
    /// The largest useful scroll, as the screen last measured it.
    pub scroll_limit: Cell<u16>,
    /// Body rows the screen showed last time, for page up/down.
    pub page: Cell<u16>,
    pub entry: Option<Entry>,
    /// Rows of the entry popup's grid scrolled past (small windows show part of it).
    pub entry_scroll: usize,
    /// The grid rows the popup showed last time and how many there are.
    pub entry_rows: Cell<(usize, usize)>,
    /// Preferences recorded here in this visit, newest last: `n` notes and `u` undoes these.
    pub recorded: Vec<Preference>,
    /// A re-read after a change made elsewhere: the profile stays on screen meanwhile, no
    /// spinner.
    pub refreshing: Option<u64>,
}

#[derive(Debug, Default)]
pub struct BoardView {
    /// Days from the business date (`[` and `]`).
    pub offset_days: i64,
    pub vip_only: bool,
    pub board: Option<Board>,
    pub pending: Option<u64>,
    /// 0 arrivals, 1 in house, 2 departures.
    pub panel: usize,
    pub selected: [usize; 3],
    /// A re-read after a change made elsewhere: the board stays on screen meanwhile, no
    /// spinner.
    pub refreshing: Option<u64>,
}

/// The profiles each user last opened on this terminal.
#[derive(Debug, Default)]
pub struct RecentView {
    /// Ids by user, newest first (`tui::recent`).
    pub by_user: HashMap<String, Vec<GuestId>>,
    /// The acting user's list as last read from the store.
    pub profiles: Vec<Profile>,
    pub selected: usize,
    pub pending: Option<u64>,
}

/// Watching the store for changes made elsewhere (another terminal, an import).
#[derive(Debug, Default)]
pub struct Live {
    /// The data version last read; `None` before the first answer.
    pub version: Option<u64>,
    /// The poll in flight.
    pub pending: Option<u64>,
    pub last_poll: Option<DateTime<Utc>>,
    /// A re-read failed: the next poll re-reads even if nothing changed since.
    pub retry: bool,
}

/// A write in flight, to explain its failure and put things back.
#[derive(Debug, Clone)]
enum Write {
    Add,
    Retire(Preference),
    Note,
}

/// The whole state of the TUI.
#[derive(Debug)]
pub struct App {
    pub settings: Settings,
    pub clock: Clock,
    /// Screens from the bottom (always the lookup) to the one shown.
    pub stack: Vec<Screen>,
    pub lookup: LookupView,
    pub profile: ProfileView,
    pub board: BoardView,
    /// The help overlay's scroll, when it is open.
    pub help: Option<u16>,
    /// The form on the `Form` screen.
    pub form: Option<Form>,
    pub recent: RecentView,
    /// Who signs in next, while the screen is locked on a sign-in terminal.
    pub sign_in: Option<Form>,
    /// A call from the phone system held while something is being typed (a note, a form) or
    /// the screen is locked; a newer call replaces it.
    pub held_call: Option<String>,
    pub locked: bool,
    /// The server does not answer: the status bar says so while the worker keeps trying.
    pub unreachable: bool,
    pub message: Option<Message>,
    /// Set when something visible changed; the loop draws and clears it.
    pub dirty: bool,
    pub spinner: usize,
    /// When a tick first saw a request outstanding; cleared once none is.
    busy_since: Option<DateTime<Utc>>,
    /// The poll that keeps the board and an open profile current.
    pub live: Live,
    /// "Merge with…" and a profile's history (`governance.rs`).
    pub merge: MergeView,
    pub history: HistoryView,
    pub retention: RetentionView,
    /// The VIP sheet printed from the board, or a guest's record exported, in flight.
    pub printing: Option<u64>,
    /// Where the board prints the VIP sheet; `None`: the current directory, else `$HOME`.
    pub print_dir: Option<std::path::PathBuf>,
    writes: Vec<(u64, Write)>,
    /// Keys typed while waiting for what they act on (Enter's results, a profile opening),
    /// applied in order once it has come.
    held: VecDeque<Input>,
    next_gen: u64,
    last_key: DateTime<Utc>,
    /// Ctrl-C was pressed once over unsaved typing: the next Ctrl-C quits.
    quit_armed: bool,
}

impl App {
    pub fn new(settings: Settings, clock: Clock) -> App {
        App {
            settings,
            clock,
            quit_armed: false,
            stack: vec![Screen::Lookup],
            lookup: LookupView::default(),
            profile: ProfileView::default(),
            board: BoardView::default(),
            help: None,
            form: None,
            recent: RecentView::default(),
            sign_in: None,
            held_call: None,
            locked: false,
            unreachable: false,
            message: None,
            dirty: true,
            spinner: 0,
            busy_since: None,
            live: Live::default(),
            merge: MergeView::default(),
            history: HistoryView::default(),
            retention: RetentionView::default(),
            printing: None,
            print_dir: None,
            writes: Vec::new(),
            held: VecDeque::new(),
            next_gen: 0,
            last_key: clock.utc,
        }
    }

    /// Starts on a query (`--find`) or a caller's number (`--phone`, which opens a single
    /// match straight away).
    ///
    /// The first poll goes first, so every screen read later is at least as new as the data
    /// version it is compared against.
    pub fn start(&mut self, query: Option<&str>, open_single: bool) -> Vec<Effect> {
        let mut effects = self.poll();
        let Some(query) = query.map(str::trim).filter(|q| !q.is_empty()) else {
            return effects;
        };
        self.lookup.query = query.chars().take(QUERY_MAX_CHARS).collect();
        self.lookup.open_when_ready = open_single.then_some(OpenWhenReady::OnlyMatch);
        effects.extend(self.search());
        effects
    }

    pub fn lang(&self) -> Lang {
        self.settings.lang
    }

    pub fn text(&self, msg: Msg) -> &'static str {
        msg.text_in(self.settings.lang)
    }

    pub fn fill(&self, msg: Msg, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        msg.fill_in(self.settings.lang, args)
    }

    pub fn screen(&self) -> Screen {
        *self.stack.last().unwrap_or(&Screen::Lookup)
    }

    /// The business date: `--today`, else from the clock and the rollover hour.
    pub fn today(&self) -> NaiveDate {
        self.settings
            .today
            .unwrap_or_else(|| business_date(self.clock.local(), self.settings.rollover_hour))
    }

    pub fn board_date(&self) -> NaiveDate {
        self.today() + Duration::days(self.board.offset_days)
    }

    /// Where the keyboard is.
    pub fn mode(&self) -> Mode {
        if self.locked {
            return match self.sign_in {
                Some(_) => Mode::Form,
                None => Mode::Locked,
            };
        }
        if self.help.is_some() {
            return Mode::Help;
        }
        match self.screen() {
            Screen::Lookup => Mode::Lookup,
            Screen::Board => Mode::Board,
            Screen::Form => Mode::Form,
            Screen::Recent => Mode::Recent,
            Screen::Merge => Mode::Merge,
            Screen::History => Mode::History,
            Screen::Retention => Mode::Retention,
            Screen::Profile => match self.profile.entry {
                None => Mode::Profile,
                Some(Entry::Category | Entry::Options { .. }) => Mode::Record,
                Some(Entry::Number { .. } | Entry::Note { .. }) => Mode::Input,
            },
        }
    }

    /// Whether a request is outstanding (the screen shows a spinner once it is `slow`).
    pub fn busy(&self) -> bool {
        self.lookup.pending.is_some()
            || self.profile.pending.is_some()
            || self.board.pending.is_some()
            || self.recent.pending.is_some()
            || self.merge.pending.is_some()
            || self.history.pending.is_some()
            || self.retention.pending.is_some()
            || self.printing.is_some()
            || self.active_form().is_some_and(|f| f.pending.is_some())
            || !self.writes.is_empty()
    }

    /// Whether a request has been outstanding for `SLOW_AFTER` or more: the screen shows a
    /// spinner and says what the store is doing.
    pub fn slow(&self) -> bool {
        self.busy()
            && self
                .busy_since
                .is_some_and(|since| self.clock.utc - since >= SLOW_AFTER)
    }

    /// Whether typed keys must wait: Enter waits for the results of the query typed so far,
    /// and keys typed after it are meant for the profile it opens.
    pub fn waiting(&self) -> bool {
        let results = self.lookup.open_when_ready.is_some() && self.lookup.pending.is_some();
        let profile = self.screen() == Screen::Profile
            && self.profile.profile.is_none()
            && self.profile.pending.is_some();
        !self.locked && (results || profile)
    }

    /// Keys typed but not applied yet.
    pub fn held_keys(&self) -> usize {
        self.held.len()
    }

    /// Applies one input; returns what the event loop must do.
    pub fn update(&mut self, input: Input) -> Vec<Effect> {
        let mut effects = self.apply(input);
        if !self.busy() {
            self.busy_since = None;
        }
        if self.held_call.is_some() && self.can_take_call() && !effects.contains(&Effect::Quit) {
            effects.extend(self.take_call());
        }
        effects
    }

    /// Whether a call can come up now without taking anything half-typed away: no note or
    /// number being entered, no preference half chosen, no form, not locked, no keys waiting.
    pub fn can_take_call(&self) -> bool {
        !self.locked
            && self.profile.entry.is_none()
            && !self.stack.contains(&Screen::Form)
            && !self.waiting()
    }

    /// The held call comes up as `--phone` would: the lookup on its number, the only match
    /// opened.
    fn take_call(&mut self) -> Vec<Effect> {
        let Some(number) = self.held_call.take() else {
            return Vec::new();
        };
        self.help = None;
        self.stack = vec![Screen::Lookup];
        self.message = None;
        self.dirty = true;
        self.lookup.query = number;
        self.lookup.selected = 0;
        self.lookup.open_when_ready = Some(OpenWhenReady::OnlyMatch);
        self.search()
    }

    fn apply(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Key(event) if self.waiting() && !is_ctrl_c(&event) => {
                if event.kind == KeyEventKind::Press {
                    self.last_key = self.clock.utc;
                    self.held.push_back(Input::Key(event));
                }
                Vec::new()
            }
            Input::Paste(text) if self.waiting() => {
                self.held.push_back(Input::Paste(text));
                Vec::new()
            }
            Input::Key(event) => self.on_key(event),
            Input::Paste(text) => self.on_paste(&text),
            Input::Reply(reply) => {
                let mut effects = self.on_reply(reply);
                effects.extend(self.release_held());
                effects
            }
            Input::Tick(clock) => self.on_tick(clock),
            Input::Resize => {
                self.dirty = true;
                Vec::new()
            }
            Input::Signal(_) => vec![Effect::Quit],
            Input::Pop(number) => {
                self.held_call = Some(number);
                self.dirty = true;
                Vec::new()
            }
        }
    }

    /// Applies held keys in the order typed, until one of them makes the app wait again.
    fn release_held(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        while !self.waiting() && !effects.contains(&Effect::Quit) {
            let Some(input) = self.held.pop_front() else {
                break;
            };
            effects.extend(match input {
                Input::Key(event) => self.on_key(event),
                Input::Paste(text) => self.on_paste(&text),
                _ => Vec::new(),
            });
        }
        effects
    }

    fn request(&mut self, job: Job) -> (u64, Effect) {
        self.next_gen += 1;
        let gen = self.next_gen;
        (gen, Effect::Send(Request { gen, job }))
    }

    fn info(&mut self, text: String) {
        self.message = Some(Message {
            kind: MessageKind::Info,
            text,
        });
    }

    fn error(&mut self, text: String) {
        self.message = Some(Message {
            kind: MessageKind::Error,
            text,
        });
    }

    // ------------------------------------------------------------ keys

    fn on_key(&mut self, event: KeyEvent) -> Vec<Effect> {
        // Windows reports releases and repeats too; only a press is a keystroke.
        if event.kind != KeyEventKind::Press {
            return Vec::new();
        }
        self.last_key = self.clock.utc;
        self.dirty = true;
        if is_ctrl_c(&event) {
            return self.quit_unless_unsaved();
        }
        self.quit_armed = false;
        let key = Key::from_event(&event);
        let mode = self.mode();
        if mode != Mode::Locked {
            self.message = None;
        }
        if let Some(action) = self.settings.keymap.action(mode, key) {
            return self.act(mode, action);
        }
        if mode.reserves_alphanumerics() {
            if let Some(c) = key.typed() {
                return self.type_char(mode, c);
            }
        }
        if matches!(mode, Mode::Record | Mode::Input | Mode::Form | Mode::Locked) {
            return Vec::new();
        }
        match self.settings.keymap.action(Mode::Global, key) {
            Some(action) => self.act(Mode::Global, action),
            None => Vec::new(),
        }
    }

    /// Ctrl-C quits from anywhere, except that over typing not yet saved (a changed form, a
    /// note or number being typed) the first press only warns, so a habit of Ctrl-C to copy
    /// does not throw away a complaint half written; the second press quits.
    fn quit_unless_unsaved(&mut self) -> Vec<Effect> {
        if self.quit_armed || !self.unsaved_typing() {
            return vec![Effect::Quit];
        }
        self.quit_armed = true;
        self.error(self.text(Msg::TuiQuitUnsaved).to_string());
        Vec::new()
    }

    /// Whether the screen holds typing that leaving would lose (signing in holds none worth
    /// keeping).
    fn unsaved_typing(&self) -> bool {
        match self.mode() {
            Mode::Form => self.active_form().is_some_and(|form| {
                form.kind != FormKind::SignIn && form.fields.iter().any(|f| f.changed())
            }),
            Mode::Input => matches!(
                &self.profile.entry,
                Some(Entry::Number { text, .. } | Entry::Note { text, .. }) if !text.trim().is_empty()
            ),
            _ => false,
        }
    }

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        self.dirty = true;
        match self.mode() {
            Mode::Lookup => self.type_into_query(&clean),
            Mode::Input | Mode::Form => {
                for c in clean.chars() {
                    self.type_char(self.mode(), c);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn act(&mut self, mode: Mode, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Help => {
                self.help = Some(0);
                return Vec::new();
            }
            Action::Board => return self.open_board(),
            Action::Recent => return self.open_recent(),
            Action::Retention => return self.open_retention(),
            Action::Lock => {
                self.lock();
                return Vec::new();
            }
            _ => {}
        }
        match mode {
            Mode::Lookup => self.lookup_action(action),
            Mode::Profile => self.profile_action(action),
            Mode::Board => self.board_action(action),
            Mode::Help => {
                self.help_action(action);
                Vec::new()
            }
            Mode::Record => {
                self.record_action(action);
                Vec::new()
            }
            Mode::Input => self.input_action(action),
            Mode::Form => self.form_action(action),
            Mode::Recent => self.recent_action(action),
            Mode::Merge => self.merge_action(action),
            Mode::History => {
                self.history_action(action);
                Vec::new()
            }
            Mode::Retention => self.retention_action(action),
            Mode::Locked => {
                if action == Action::Unlock {
                    self.locked = false;
                }
                Vec::new()
            }
            Mode::Global => Vec::new(),
        }
    }

    fn type_char(&mut self, mode: Mode, c: char) -> Vec<Effect> {
        if mode == Mode::Form {
            if let Some(form) = self.active_form_mut() {
                form.type_char(c);
            }
            return Vec::new();
        }
        match (mode, &mut self.profile.entry) {
            (Mode::Lookup, _) => self.type_into_query(&c.to_string()),
            (Mode::Record, _) => self.record_char(c),
            (Mode::Input, Some(Entry::Number { text, .. })) => {
                let room = text.chars().count() < NUMBER_MAX_CHARS;
                if room && (c.is_ascii_digit() || (c == '-' && text.is_empty())) {
                    text.push(c);
                }
                Vec::new()
            }
            // Never cut: a note over the limit is refused when submitted, limit shown.
            (Mode::Input, Some(Entry::Note { text, .. })) => {
                text.push(c);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Adds typed or pasted text to the query, up to its limit, saying so when some of it
    /// did not fit.
    fn type_into_query(&mut self, add: &str) -> Vec<Effect> {
        let room = QUERY_MAX_CHARS.saturating_sub(self.lookup.query.chars().count());
        if add.chars().count() > room {
            self.error(self.fill(Msg::TuiQueryTooLong, &[("max", &QUERY_MAX_CHARS)]));
        }
        if room == 0 {
            return Vec::new();
        }
        self.lookup.query.extend(add.chars().take(room));
        self.search()
    }

    fn lock(&mut self) {
        // Keys typed before the lock are not for whoever unlocks it.
        self.held.clear();
        self.locked = true;
        self.help = None;
        self.profile.entry = None;
        self.message = None;
        self.dirty = true;
        // On a shared terminal the lock signs the user out: whoever comes next signs in.
        if self.settings.require_sign_in {
            self.sign_in = Some(Form::sign_in());
        }
    }

    // ------------------------------------------------------------ lookup

    fn search(&mut self) -> Vec<Effect> {
        let query = self.lookup.query.trim().to_string();
        if query.is_empty() {
            self.lookup.hits.clear();
            self.lookup.hits_for.clear();
            self.lookup.selected = 0;
            self.lookup.pending = None;
            self.lookup.open_when_ready = None;
            return Vec::new();
        }
        let (gen, effect) = self.request(Job::Search {
            query,
            limit: SEARCH_LIMIT,
            today: self.today(),
        });
        self.lookup.pending = Some(gen);
        vec![effect]
    }

    fn lookup_action(&mut self, action: Action) -> Vec<Effect> {
        let last = self.lookup.hits.len().saturating_sub(1);
        let page = self.lookup.page.get().max(1);
        let sel = &mut self.lookup.selected;
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(last),
            Action::PageUp => *sel = sel.saturating_sub(page),
            Action::PageDown => *sel = (*sel + page).min(last),
            Action::Open => return self.open_selected_hit(),
            Action::DeleteChar => {
                self.lookup.query.pop();
                return self.search();
            }
            Action::Clear => {
                self.lookup.query.clear();
                return self.search();
            }
            Action::Back if !self.lookup.query.is_empty() => {
                self.lookup.query.clear();
                return self.search();
            }
            Action::Copy => {
                let phone = self.lookup.hits.get(self.lookup.selected).and_then(|h| {
                    h.matched_phone
                        .clone()
                        .or_else(|| h.phones.first().cloned())
                });
                return self.copy(phone.map(|p| p.0));
            }
            Action::NewGuest => {
                return self.open_form(Permission::AddGuest, |app| {
                    Some(Form::new_guest(&app.lookup.query))
                })
            }
            _ => {}
        }
        Vec::new()
    }

    fn open_selected_hit(&mut self) -> Vec<Effect> {
        if self.lookup.pending.is_some() {
            self.lookup.open_when_ready = Some(OpenWhenReady::Selected);
            return Vec::new();
        }
        match self.lookup.hits.get(self.lookup.selected) {
            Some(hit) => {
                let id = hit.id.clone();
                self.open_profile(id)
            }
            None => Vec::new(),
        }
    }

    fn on_hits(&mut self, hits: Vec<SearchHit>) -> Vec<Effect> {
        let query = self.lookup.query.trim().to_string();
        if query != self.lookup.hits_for {
            self.lookup.selected = 0;
        }
        self.lookup.selected = self.lookup.selected.min(hits.len().saturating_sub(1));
        self.lookup.hits = hits;
        self.lookup.hits_for = query;
        let chosen = match (
            self.lookup.open_when_ready.take(),
            self.lookup.hits.as_slice(),
        ) {
            (Some(OpenWhenReady::OnlyMatch), [only]) => Some(only),
            (Some(OpenWhenReady::Selected), hits) => hits.get(self.lookup.selected),
            _ => None,
        };
        // A "did you mean" is a guess: the agent picks it, it is never opened for them.
        let chosen = chosen.filter(|hit| !hit.matched.is_near_miss());
        match chosen {
            Some(hit) => {
                let id = hit.id.clone();
                self.open_profile(id)
            }
            None => Vec::new(),
        }
    }

    // ------------------------------------------------------------ screens

    fn push(&mut self, screen: Screen) {
        if screen != Screen::Lookup {
            self.stack.retain(|s| *s != screen);
            self.stack.push(screen);
        }
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    fn open_profile(&mut self, id: GuestId) -> Vec<Effect> {
        if self.profile.id.as_ref() != Some(&id) {
            self.profile = ProfileView {
                id: Some(id.clone()),
                ..ProfileView::default()
            };
        }
        self.profile.entry = None;
        self.push(Screen::Profile);
        self.load_profile()
    }

    fn load_profile(&mut self) -> Vec<Effect> {
        let Some(id) = self.profile.id.clone() else {
            return Vec::new();
        };
        let (gen, effect) = self.request(Job::Profile(id));
        self.profile.pending = Some(gen);
        self.profile.refreshing = None;
        vec![effect]
    }

    fn open_board(&mut self) -> Vec<Effect> {
        self.help = None;
        self.push(Screen::Board);
        self.load_board()
    }

    fn load_board(&mut self) -> Vec<Effect> {
        let (gen, effect) = self.request(Job::Board {
            date: self.board_date(),
            vip_only: self.board.vip_only,
        });
        self.board.pending = Some(gen);
        self.board.refreshing = None;
        vec![effect]
    }

    // ------------------------------------------------------------ live

    /// Asks whether the data changed, unless a poll is already on its way.
    fn poll(&mut self) -> Vec<Effect> {
        if self.live.pending.is_some() {
            return Vec::new();
        }
        let (gen, effect) = self.request(Job::DataVersion);
        self.live.pending = Some(gen);
        self.live.last_poll = Some(self.clock.utc);
        vec![effect]
    }

    fn on_data_version(&mut self, result: Result<Answer, Failure>) -> Vec<Effect> {
        self.live.pending = None;
        // A failed poll changes nothing on screen: the next one asks again.
        let Ok(Answer::DataVersion(version)) = result else {
            return Vec::new();
        };
        let changed = self.live.version.is_some_and(|seen| seen != version);
        self.live.version = Some(version);
        if changed || self.live.retry {
            self.live.retry = false;
            return self.refresh();
        }
        Vec::new()
    }

    /// Re-reads the board and the open profile after a change made elsewhere, quietly: what is
    /// on screen stays until the new data replaces it, and a load the user asked for that is
    /// on its way already answers with the new data.
    fn refresh(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.stack.contains(&Screen::Board) && self.board.pending.is_none() {
            let (gen, effect) = self.request(Job::Board {
                date: self.board_date(),
                vip_only: self.board.vip_only,
            });
            self.board.refreshing = Some(gen);
            effects.push(effect);
        }
        let open = self.stack.contains(&Screen::Profile) && self.profile.pending.is_none();
        if let Some(id) = self.profile.id.clone().filter(|_| open) {
            let (gen, effect) = self.request(Job::Profile(id));
            self.profile.refreshing = Some(gen);
            effects.push(effect);
        }
        effects
    }

    /// The answer to a quiet re-read, if `gen` is one: shown only when something differs, so
    /// an unchanged screen is not redrawn.
    fn on_refreshed(&mut self, gen: u64, result: &mut Option<Result<Answer, Failure>>) -> bool {
        let board = self.board.refreshing == Some(gen);
        let profile = self.profile.refreshing == Some(gen);
        if !board && !profile {
            return false;
        }
        if board {
            self.board.refreshing = None;
        } else {
            self.profile.refreshing = None;
        }
        match result.take() {
            Some(Ok(Answer::Board(board))) => {
                if self.board.board.as_ref() != Some(&*board) {
                    self.on_board(*board);
                    self.dirty = true;
                }
            }
            Some(Ok(Answer::Profile(profile))) => {
                if self.profile.profile.as_ref() != Some(&*profile) {
                    self.profile.profile = Some(*profile);
                    self.dirty = true;
                }
            }
            // Read again on the next poll; a refusal is said when the user asks (F5).
            _ => self.live.retry = true,
        }
        true
    }

    fn copy(&mut self, text: Option<String>) -> Vec<Effect> {
        match text.filter(|t| !t.is_empty()) {
            Some(text) => {
                self.info(self.fill(Msg::TuiCopied, &[("text", &text)]));
                vec![Effect::Copy(text)]
            }
            None => {
                self.info(self.text(Msg::TuiNothingToCopy).to_string());
                Vec::new()
            }
        }
    }

    // ------------------------------------------------------------ recent profiles

    /// The acting user's recent profiles, newest first.
    pub fn recent_ids(&self) -> &[GuestId] {
        self.recent
            .by_user
            .get(&self.settings.user)
            .map_or(&[], Vec::as_slice)
    }

    /// Puts a profile just opened first in the user's recent list, and has it kept.
    fn remember(&mut self, id: GuestId) -> Vec<Effect> {
        let user = self.settings.user.clone();
        let list = self.recent.by_user.entry(user.clone()).or_default();
        if list.first() == Some(&id) {
            return Vec::new();
        }
        super::recent::push_front(list, id);
        let ids = list.clone();
        match self.settings.recent_file {
            Some(_) => vec![Effect::SaveRecent { user, ids }],
            None => Vec::new(),
        }
    }

    /// The user's list as the store answered it: a merged-away id becomes the profile it went
    /// into (once), one gone since leaves; kept for the next run when it changed.
    fn resolve_recent(&mut self) -> Vec<Effect> {
        let user = self.settings.user.clone();
        let ids: Vec<GuestId> = self
            .recent
            .profiles
            .iter()
            .map(|p| p.guest.id.clone())
            .collect();
        let list = self.recent.by_user.entry(user.clone()).or_default();
        if *list == ids {
            return Vec::new();
        }
        *list = ids.clone();
        match self.settings.recent_file {
            Some(_) => vec![Effect::SaveRecent { user, ids }],
            None => Vec::new(),
        }
    }

    fn open_recent(&mut self) -> Vec<Effect> {
        self.help = None;
        self.recent.selected = 0;
        self.push(Screen::Recent);
        // Never the list as it was last read: a guest erased or merged since would show
        // their old name and number until the store answers.
        self.recent.profiles.clear();
        let ids = self.recent_ids().to_vec();
        if ids.is_empty() {
            self.recent.pending = None;
            return Vec::new();
        }
        let (gen, effect) = self.request(Job::Recent(ids));
        self.recent.pending = Some(gen);
        vec![effect]
    }

    fn recent_action(&mut self, action: Action) -> Vec<Effect> {
        let last = self.recent.profiles.len().saturating_sub(1);
        let sel = &mut self.recent.selected;
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(last),
            Action::PageUp | Action::Top => *sel = 0,
            Action::PageDown | Action::Bottom => *sel = last,
            Action::Open => {
                if let Some(p) = self.recent.profiles.get(self.recent.selected) {
                    let id = p.guest.id.clone();
                    // The list is a way in, not a screen to come back to.
                    self.stack.retain(|s| *s != Screen::Recent);
                    return self.open_profile(id);
                }
            }
            Action::Back => self.pop(),
            _ => {}
        }
        Vec::new()
    }

    // ------------------------------------------------------------ profile

    fn profile_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.profile.page.get().max(1);
        let limit = self.profile.scroll_limit.get();
        let scroll = &mut self.profile.scroll;
        match action {
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = (*scroll + 1).min(limit),
            Action::PageUp => *scroll = scroll.saturating_sub(page),
            Action::PageDown => *scroll = scroll.saturating_add(page).min(limit),
            Action::Top => *scroll = 0,
            Action::Bottom => *scroll = limit,
            Action::Record if self.profile.profile.is_some() => {
                self.profile.entry = Some(Entry::Category);
                self.profile.entry_scroll = 0;
            }
            Action::Note => self.start_note(),
            Action::Undo => return self.undo(),
            Action::Copy => {
                let phone = self
                    .profile
                    .profile
                    .as_ref()
                    .and_then(|p| p.guest.phones.first());
                return self.copy(phone.map(|p| p.e164.0.clone()));
            }
            Action::CopyReservation => {
                let today = self.today();
                let stay = self
                    .profile
                    .profile
                    .as_ref()
                    .and_then(|p| key_stay(p, today));
                return self.copy(stay.map(|s| s.reservation_id.clone()));
            }
            Action::Reload => return self.load_profile(),
            Action::Back => self.pop(),
            Action::Edit => {
                return self.open_form(Permission::EditGuest, |app| {
                    app.profile.profile.as_ref().map(|p| Form::edit(&p.guest))
                })
            }
            Action::Feedback => {
                let department = self.settings.department;
                return self.open_form(Permission::RecordFeedback, |app| {
                    let p = app.profile.profile.as_ref()?;
                    Some(Form::feedback(&p.guest, department))
                });
            }
            Action::Reveal => {
                return self.open_form(Permission::Reveal, |app| {
                    let p = app.profile.profile.as_ref()?;
                    Some(Form::reveal(&p.guest))
                });
            }
            Action::MergeWith => return self.open_merge(),
            Action::History => return self.open_history(),
            Action::Erase => return self.open_erase(),
            Action::ExportGuest => return self.export_guest(),
            _ => {}
        }
        Vec::new()
    }

    fn start_note(&mut self) {
        match self.profile.recorded.last() {
            Some(pref) => {
                self.profile.entry = Some(Entry::Note {
                    text: pref.note.clone().unwrap_or_default(),
                    pref: pref.clone(),
                });
            }
            None => self.info(self.text(Msg::TuiNothingToNote).to_string()),
        }
    }

    fn undo(&mut self) -> Vec<Effect> {
        let Some(pref) = self.profile.recorded.pop() else {
            self.info(self.text(Msg::TuiNothingToUndo).to_string());
            return Vec::new();
        };
        let (gen, effect) = self.request(Job::RetirePreference {
            guest: pref.guest_id.clone(),
            id: pref.id,
        });
        self.writes.push((gen, Write::Retire(pref)));
        vec![effect]
    }

    fn record_action(&mut self, action: Action) {
        match action {
            Action::Cancel => self.profile.entry = None,
            Action::NextPage => self.turn(true),
            Action::PrevPage => self.turn(false),
            _ => {}
        }
    }

    /// The page keys scroll a grid the popup cannot show whole, then turn the option page;
    /// past the end they start over.
    fn turn(&mut self, forward: bool) {
        let (room, total) = self.profile.entry_rows.get();
        let room = room.max(1);
        let scroll = &mut self.profile.entry_scroll;
        let more_below = *scroll + room < total;
        match (forward, more_below, *scroll > 0) {
            (true, true, _) => *scroll += room,
            (false, _, true) => *scroll = scroll.saturating_sub(room),
            _ => {
                *scroll = 0;
                let catalog = &self.settings.catalog;
                match &mut self.profile.entry {
                    Some(Entry::Options { category, page }) => {
                        let pages = catalog.get(category).map_or(1, |c| c.pages());
                        *page = if forward {
                            (*page + 1) % pages
                        } else {
                            (*page + pages - 1) % pages
                        };
                    }
                    // Back from the top of the category menu: its last rows.
                    Some(Entry::Category) if !forward => {
                        *scroll = total.saturating_sub(room);
                    }
                    _ => {}
                }
            }
        }
    }

    /// A letter picks the category (also while choosing an option, to correct it); a digit
    /// picks the option and records it at once.
    fn record_char(&mut self, c: char) -> Vec<Effect> {
        if let (Some(Entry::Options { category, page }), Some(digit)) =
            (&self.profile.entry, c.to_digit(10))
        {
            let choice = self
                .settings
                .catalog
                .get(category)
                .and_then(|cat| cat.choice_at(*page, digit));
            return match choice {
                Some(choice) => {
                    let (category, value) = (category.clone(), choice.key.clone());
                    self.record(category, value)
                }
                None => {
                    self.info(self.fill(Msg::TuiNoOptionDigit, &[("digit", &digit)]));
                    Vec::new()
                }
            };
        }
        match self.settings.catalog.by_letter(c) {
            Some(cat) if c.is_alphabetic() => {
                let category = cat.key.clone();
                self.profile.entry_scroll = 0;
                self.profile.entry = Some(if cat.is_numeric() {
                    Entry::Number {
                        category,
                        text: String::new(),
                    }
                } else {
                    Entry::Options { category, page: 0 }
                });
            }
            _ => self.info(self.fill(Msg::TuiNoCategoryLetter, &[("key", &c)])),
        }
        Vec::new()
    }

    fn record(&mut self, category: String, value: String) -> Vec<Effect> {
        let Some(guest_id) = self.profile.id.clone() else {
            return Vec::new();
        };
        self.profile.entry = None;
        let pref = NewPreference {
            guest_id,
            category,
            value,
            note: None,
            observed_by: Some(self.settings.user.clone()),
            observed_at: self.clock.utc,
            source: Some(self.settings.department),
        };
        let (gen, effect) = self.request(Job::AddPreference(pref));
        self.writes.push((gen, Write::Add));
        vec![effect]
    }

    fn input_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(entry) = &mut self.profile.entry else {
            return Vec::new();
        };
        let text = match entry {
            Entry::Number { text, .. } | Entry::Note { text, .. } => text,
            _ => return Vec::new(),
        };
        match action {
            Action::DeleteChar => {
                text.pop();
            }
            Action::Clear => text.clear(),
            Action::Cancel => self.profile.entry = None,
            Action::Submit => return self.submit_entry(),
            _ => {}
        }
        Vec::new()
    }

    fn submit_entry(&mut self) -> Vec<Effect> {
        match self.profile.entry.clone() {
            Some(Entry::Number { category, text }) => {
                let checked = self
                    .settings
                    .catalog
                    .get(&category)
                    .map(|c| c.validate(&text));
                match checked {
                    Some(Ok(value)) => self.record(category, value),
                    _ => {
                        let range = self.number_range(&category);
                        self.error(range);
                        Vec::new()
                    }
                }
            }
            Some(Entry::Note { text, .. }) if text.chars().count() > NOTE_MAX_CHARS => {
                let n = text.chars().count();
                self.error(self.fill(Msg::TuiNoteTooLong, &[("max", &NOTE_MAX_CHARS), ("n", &n)]));
                Vec::new()
            }
            Some(Entry::Note { pref, text }) => {
                self.profile.entry = None;
                let (gen, effect) = self.request(Job::NotePreference {
                    guest: pref.guest_id.clone(),
                    id: pref.id,
                    note: text,
                });
                self.writes.push((gen, Write::Note));
                vec![effect]
            }
            _ => Vec::new(),
        }
    }

    /// "Type a whole number from 16 to 30 °C" for a numeric category.
    pub fn number_range(&self, category: &str) -> String {
        match self.settings.catalog.get(category).map(|c| &c.values) {
            Some(crate::catalog::Values::Numeric { min, max, unit }) => self.fill(
                Msg::TuiNumberRange,
                &[("min", min), ("max", max), ("unit", unit)],
            ),
            _ => String::new(),
        }
    }

    // ------------------------------------------------------------ forms

    /// The form the keyboard is in: the sign-in form while locked, else the form screen's.
    pub fn active_form(&self) -> Option<&Form> {
        if self.locked {
            self.sign_in.as_ref()
        } else {
            self.form.as_ref().filter(|_| self.screen() == Screen::Form)
        }
    }

    fn active_form_mut(&mut self) -> Option<&mut Form> {
        if self.locked {
            self.sign_in.as_mut()
        } else if self.screen() == Screen::Form {
            self.form.as_mut()
        } else {
            None
        }
    }

    /// A failure as one sentence in this terminal's language.
    pub fn failure_text(&self, failure: &Failure) -> String {
        let lang = self.lang();
        failure.text_in(lang, Msg::TheDatabase.text_in(lang))
    }

    fn store_error_text(&self, error: &StoreError) -> String {
        self.failure_text(&Failure::Store(error.clone()))
    }

    /// Whether the user's role may not do `permission` (`privacy::Action::allowed`, the
    /// store's own rule); if so the key says so in the store's words, and nothing is asked.
    fn refused(&mut self, permission: Permission) -> bool {
        if permission.allowed(self.settings.role) {
            return false;
        }
        let refusal = StoreError::Forbidden {
            action: permission,
            role: self.settings.role,
        };
        self.error(self.store_error_text(&refusal));
        true
    }

    /// Opens a form, unless the user's role may not do what it is for: then the key says so,
    /// as the store would.
    fn open_form(
        &mut self,
        permission: Permission,
        build: impl FnOnce(&App) -> Option<Form>,
    ) -> Vec<Effect> {
        if self.refused(permission) {
            return Vec::new();
        }
        if let Some(form) = build(self) {
            self.form = Some(form);
            self.push(Screen::Form);
        }
        Vec::new()
    }

    fn form_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(form) = self.active_form_mut() else {
            return Vec::new();
        };
        match action {
            Action::NextField => form.step_focus(true),
            Action::PrevField => form.step_focus(false),
            Action::NextChoice => form.step_choice(true),
            Action::PrevChoice => form.step_choice(false),
            Action::DeleteChar => {
                if let Some(field) = form.focused() {
                    field.text.pop();
                }
            }
            Action::Clear => {
                if let Some(field) = form.focused() {
                    field.text.clear();
                }
            }
            Action::Submit if form.pending.is_none() => return self.submit_form(),
            // A save in flight finishes first, so its answer is not lost; signing in has
            // nothing to go back to.
            Action::Cancel if form.pending.is_none() && !self.locked => {
                self.form = None;
                self.pop();
            }
            _ => {}
        }
        Vec::new()
    }

    fn submit_form(&mut self) -> Vec<Effect> {
        let fields = self.settings.fields.clone();
        let lang = self.lang();
        let Some(form) = self.active_form_mut() else {
            return Vec::new();
        };
        form.clear_errors();
        let job = match &form.kind {
            FormKind::NewGuest => form
                .guest_patch(&fields)
                .map(|patch| Job::AddGuest(Box::new(patch))),
            FormKind::Edit { base } => {
                let (id, version) = (base.id.clone(), base.version);
                match form.guest_patch(&fields) {
                    Some(patch) if patch.is_empty() => {
                        self.form = None;
                        self.pop();
                        self.info(self.text(Msg::TuiNothingChanged).to_string());
                        return Vec::new();
                    }
                    Some(patch) => Some(Job::UpdateGuest {
                        id,
                        patch: Box::new(patch),
                        if_version: version,
                    }),
                    None => None,
                }
            }
            FormKind::Feedback { guest, .. } => feedback_job(form, guest.clone(), lang),
            FormKind::Reveal { guest, .. } => reveal_job(form, guest.clone(), lang),
            FormKind::Erase { guest, .. } => erase_job(form, guest.clone(), lang),
            FormKind::SignIn => {
                let user = form.text(FieldKey::User).trim().to_string();
                // Typed once: a refused password is typed again, never kept on screen.
                let password = form
                    .field_mut(FieldKey::Password)
                    .map(|f| std::mem::take(&mut f.text));
                if user.is_empty() {
                    let reason = crate::model::Problem::Required.text_in(lang);
                    form.refuse(FieldKey::User, reason);
                    None
                } else {
                    Some(Job::SignIn(Credentials { user, password }))
                }
            }
        };
        let Some(job) = job else {
            return Vec::new();
        };
        let (gen, effect) = self.request(job);
        if let Some(form) = self.active_form_mut() {
            form.pending = Some(gen);
        }
        vec![effect]
    }

    fn on_form_saved(&mut self, result: Result<Answer, Failure>) -> Vec<Effect> {
        let Some(mut form) = self.form.take() else {
            return Vec::new();
        };
        form.pending = None;
        match result {
            Ok(Answer::GuestSaved(guest)) => {
                self.stack.retain(|s| *s != Screen::Form);
                if form.kind == FormKind::NewGuest {
                    self.info(self.fill(Msg::TuiGuestAdded, &[("id", &guest.id)]));
                    return self.open_profile(guest.id);
                }
                let text = self.fill(
                    Msg::TuiGuestSaved,
                    &[("id", &guest.id), ("version", &guest.version)],
                );
                self.info(text);
                if let Some(profile) = self.shown_profile_of(&guest.id) {
                    profile.guest = *guest;
                }
            }
            Ok(Answer::FeedbackAdded(feedback)) => {
                self.stack.retain(|s| *s != Screen::Form);
                let kind = match feedback.kind {
                    FeedbackKind::Complaint => Msg::TuiComplaint,
                    FeedbackKind::Praise => Msg::TuiPraise,
                };
                self.info(self.fill(Msg::TuiFeedbackAdded, &[("kind", &self.text(kind))]));
                if let Some(profile) = self.shown_profile_of(&feedback.guest_id) {
                    profile.feedback.insert(0, feedback);
                }
            }
            Ok(Answer::Revealed { guest, field }) => {
                self.stack.retain(|s| *s != Screen::Form);
                let value = crate::tui::form::guest_text(&guest, field);
                let name = self.text(FieldKey::Guest(field).label());
                self.info(self.fill(Msg::TuiRevealed, &[("field", &name), ("value", &value)]));
                if let Some(profile) = self.shown_profile_of(&guest.id) {
                    profile.guest = *guest;
                }
            }
            Ok(Answer::Erased { id, counts }) => {
                self.stack.retain(|s| *s != Screen::Form);
                let text = self.fill(
                    Msg::TuiErased,
                    &[
                        ("id", &id),
                        ("stays", &counts.stays_kept),
                        ("prefs", &counts.preferences),
                        ("feedback", &counts.feedback),
                    ],
                );
                self.info(text);
                // Read again: the profile now shows as erased, with nothing personal kept.
                if self.profile.id.as_ref() == Some(&id) {
                    return self.load_profile();
                }
            }
            Ok(_) => self.stack.retain(|s| *s != Screen::Form),
            Err(Failure::Stale { error, newer }) => {
                form.rebase(&newer.guest);
                form.notice = Some(match &error {
                    StoreError::Stale { by, at, .. } => {
                        let key = self.settings.keymap.hint(Mode::Form, Action::Submit);
                        let at = at
                            .with_timezone(&self.clock.offset)
                            .format("%Y-%m-%d %H:%M");
                        self.fill(
                            Msg::TuiStaleKept,
                            &[("user", by), ("at", &at), ("key", &key)],
                        )
                    }
                    other => self.store_error_text(other),
                });
                if self.profile.id.as_ref() == Some(&newer.guest.id) {
                    self.profile.profile = Some(*newer);
                }
                self.form = Some(form);
            }
            Err(failure) => {
                self.show_refusal(&mut form, &failure);
                self.form = Some(form);
            }
        }
        Vec::new()
    }

    /// A refused value goes on its field; anything else is a sentence above the form.
    fn show_refusal(&self, form: &mut Form, failure: &Failure) {
        if let Failure::Store(StoreError::Invalid { field, problem }) = failure {
            let key = match field.as_str() {
                "text" => Some(FieldKey::Text),
                "reason" => Some(FieldKey::Reason),
                "department" => Some(FieldKey::Department),
                other => GuestField::parse(other).map(FieldKey::Guest),
            };
            if let Some(key) = key {
                if form.refuse(key, problem.text_in(self.lang())) {
                    return;
                }
            }
        }
        form.notice = Some(self.failure_text(failure));
    }

    fn on_signed_in(&mut self, result: Result<Answer, Failure>) {
        let Some(mut form) = self.sign_in.take() else {
            return;
        };
        form.pending = None;
        match result {
            Ok(Answer::SignedIn(principal)) => self.become_user(principal),
            Ok(_) => {}
            Err(failure) => {
                form.notice = Some(self.failure_text(&failure));
                let wrong_password =
                    matches!(failure, Failure::Store(StoreError::WrongPassword { .. }));
                form.focus = usize::from(wrong_password);
                self.sign_in = Some(form);
            }
        }
    }

    /// The next person at a shared terminal: someone else starts on a fresh screen, with
    /// nothing of the previous user's guests kept; the same person comes back to theirs.
    fn become_user(&mut self, principal: Principal) {
        if principal.user != self.settings.user {
            self.stack = vec![Screen::Lookup];
            self.lookup = LookupView::default();
            self.profile = ProfileView::default();
            self.board = BoardView::default();
            self.retention = RetentionView::default();
            self.form = None;
            self.help = None;
            self.recent.profiles.clear();
            self.recent.selected = 0;
            self.recent.pending = None;
            // Answers to the previous user's requests are dropped when they come.
            self.writes.clear();
            self.held.clear();
            // A poll refused with the previous session is not answered: ask afresh.
            self.live.pending = None;
        }
        self.settings.user = principal.user;
        self.settings.role = principal.role;
        self.settings.department = principal.department;
        self.locked = false;
        self.sign_in = None;
        self.last_key = self.clock.utc;
        let text = self.fill(Msg::TuiSignedIn, &[("user", &self.settings.user)]);
        self.info(text);
    }

    // ------------------------------------------------------------ board

    fn board_action(&mut self, action: Action) -> Vec<Effect> {
        let panel = self.board.panel;
        let len = self
            .board
            .board
            .as_ref()
            .map_or(0, |b| panel_rows(b, panel).len());
        let last = len.saturating_sub(1);
        let sel = &mut self.board.selected[panel];
        match action {
            Action::Up if *sel == 0 => self.step_panel(false),
            Action::Down if *sel >= last => self.step_panel(true),
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(last),
            Action::PageUp | Action::Top => *sel = 0,
            Action::PageDown | Action::Bottom => *sel = last,
            Action::NextPanel => self.board.panel = (panel + 1) % 3,
            Action::PrevPanel => self.board.panel = (panel + 2) % 3,
            Action::Open => {
                if let Some(row) = self.selected_row() {
                    let id = row.guest_id.clone();
                    return self.open_profile(id);
                }
            }
            Action::VipOnly => {
                self.board.vip_only = !self.board.vip_only;
                return self.load_board();
            }
            Action::PrevDay | Action::NextDay | Action::Today => {
                self.board.offset_days = match action {
                    Action::PrevDay => self.board.offset_days - 1,
                    Action::NextDay => self.board.offset_days + 1,
                    _ => 0,
                };
                return self.load_board();
            }
            Action::Copy => {
                let id = self.selected_row().map(|r| r.reservation_id.clone());
                return self.copy(id);
            }
            Action::Reload => return self.load_board(),
            Action::Back => self.pop(),
            Action::PrintVip => return self.print_vip(),
            _ => {}
        }
        Vec::new()
    }

    /// Down past a panel's last row goes on to the first row of the next panel with rows, up
    /// past the first back to the last row of the one before, so arrows reach every row.
    fn step_panel(&mut self, down: bool) {
        let Some(board) = &self.board.board else {
            return;
        };
        let from = self.board.panel;
        let next = if down {
            (from + 1..3).find(|p| !panel_rows(board, *p).is_empty())
        } else {
            (0..from).rev().find(|p| !panel_rows(board, *p).is_empty())
        };
        if let Some(panel) = next {
            let len = panel_rows(board, panel).len();
            self.board.panel = panel;
            self.board.selected[panel] = if down { 0 } else { len - 1 };
        }
    }

    pub fn selected_row(&self) -> Option<&BoardRow> {
        let board = self.board.board.as_ref()?;
        panel_rows(board, self.board.panel).get(self.board.selected[self.board.panel])
    }

    /// A new day starts at the top of the first panel with rows; the same day read again keeps
    /// each panel's selected guest selected wherever the rows around it moved.
    fn on_board(&mut self, board: Board) {
        let old = self.board.board.take();
        let new_day = old.as_ref().map(|b| b.date) != Some(board.date);
        if new_day {
            self.board.selected = [0; 3];
            self.board.panel = (0..3)
                .find(|p| !panel_rows(&board, *p).is_empty())
                .unwrap_or(0);
        }
        for (panel, sel) in self.board.selected.iter_mut().enumerate() {
            let rows = panel_rows(&board, panel);
            let was = old
                .as_ref()
                .filter(|_| !new_day)
                .and_then(|b| panel_rows(b, panel).get(*sel));
            let same = |r: &&BoardRow| {
                was.is_some_and(|w| {
                    r.reservation_id == w.reservation_id && r.guest_id == w.guest_id
                })
            };
            let same_guest = |r: &&BoardRow| was.is_some_and(|w| r.guest_id == w.guest_id);
            let kept = rows
                .iter()
                .position(|r| same(&r))
                .or_else(|| rows.iter().position(|r| same_guest(&r)));
            *sel = kept.unwrap_or(*sel).min(rows.len().saturating_sub(1));
        }
        self.board.board = Some(board);
    }

    // ------------------------------------------------------------ help

    fn help_action(&mut self, action: Action) {
        let Some(scroll) = &mut self.help else {
            return;
        };
        match action {
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::PageUp => *scroll = scroll.saturating_sub(10),
            Action::PageDown => *scroll = scroll.saturating_add(10),
            Action::Back => self.help = None,
            _ => {}
        }
    }

    // ------------------------------------------------------------ replies and time

    fn on_reply(&mut self, reply: Reply) -> Vec<Effect> {
        if self.on_connection(&reply.result) {
            return Vec::new();
        }
        if self.governance_awaits(reply.gen) {
            return self.on_governance_reply(reply);
        }
        if self.sign_in.as_ref().and_then(|f| f.pending) == Some(reply.gen) {
            self.dirty = true;
            self.on_signed_in(reply.result);
            return Vec::new();
        }
        if self.form.as_ref().and_then(|f| f.pending) == Some(reply.gen) {
            self.dirty = true;
            return self.on_form_saved(reply.result);
        }
        if let Some(at) = self.writes.iter().position(|(gen, _)| *gen == reply.gen) {
            let (_, write) = self.writes.remove(at);
            self.dirty = true;
            self.on_write(write, reply.result);
            return Vec::new();
        }
        let Reply { gen, result } = reply;
        if self.live.pending == Some(gen) {
            return self.on_data_version(result);
        }
        let mut result = Some(result);
        if self.on_refreshed(gen, &mut result) {
            return Vec::new();
        }
        let Some(result) = result else {
            return Vec::new();
        };
        let which = [
            self.lookup.pending,
            self.profile.pending,
            self.board.pending,
            self.recent.pending,
        ]
        .iter()
        .position(|p| *p == Some(gen));
        // A reply no view waits for answers a request that a newer one replaced.
        let Some(which) = which else {
            return Vec::new();
        };
        self.dirty = true;
        match which {
            0 => self.lookup.pending = None,
            1 => self.profile.pending = None,
            2 => self.board.pending = None,
            _ => self.recent.pending = None,
        }
        match result {
            Ok(Answer::Hits(hits)) => return self.on_hits(hits),
            Ok(Answer::Profile(profile)) => {
                let id = profile.guest.id.clone();
                self.profile.profile = Some(*profile);
                return self.remember(id);
            }
            Ok(Answer::Board(board)) => self.on_board(*board),
            Ok(Answer::Recent(profiles)) => {
                self.recent.selected = self.recent.selected.min(profiles.len().saturating_sub(1));
                self.recent.profiles = profiles;
                return self.resolve_recent();
            }
            Ok(_) => {}
            Err(failure) => {
                let text = self.failure_text(&failure);
                if which == 0 {
                    self.lookup.open_when_ready = None;
                }
                if which == 1 && self.profile.profile.is_none() {
                    self.stack.retain(|s| *s != Screen::Profile);
                }
                self.error(text);
            }
        }
        Vec::new()
    }

    /// Follows the server's state from a reply: unreachable (the worker retries the read, which
    /// stays in flight) or answering again, and a session that ended, after which the worker
    /// keeps the refused requests until the same user signs in. True when the reply is only
    /// about that and nothing else is to be done with it.
    fn on_connection(&mut self, result: &Result<Answer, Failure>) -> bool {
        let unreachable = matches!(
            result,
            Err(Failure::Retrying | Failure::Store(StoreError::Unavailable))
        );
        if unreachable != self.unreachable {
            self.unreachable = unreachable;
            self.dirty = true;
        }
        match result {
            Err(Failure::Retrying) => true,
            Err(Failure::Store(StoreError::SessionEnded)) => {
                self.session_ended();
                true
            }
            _ => false,
        }
    }

    /// Asks the same user for their password, over the screen as it is: the query, the open
    /// profile, a half-typed note and keys waiting stay, and the refused requests run again
    /// once signed in.
    fn session_ended(&mut self) {
        self.dirty = true;
        if self.sign_in.is_some() {
            return;
        }
        let mut form = Form::sign_in();
        if let Some(user) = form.field_mut(FieldKey::User) {
            user.text = self.settings.user.clone();
        }
        form.focus = 1;
        form.notice = Some(self.text(Msg::TuiSessionEnded).to_string());
        self.sign_in = Some(form);
        self.locked = true;
    }

    fn on_write(&mut self, write: Write, result: Result<Answer, Failure>) {
        match (write, result) {
            (_, Ok(Answer::Added(pref))) => {
                let text = self.fill(
                    Msg::TuiRecorded,
                    &[
                        ("category", &self.category_label(&pref.category)),
                        ("value", &self.value_label(&pref.category, &pref.value)),
                        (
                            "note",
                            &self.settings.keymap.hint(Mode::Profile, Action::Note),
                        ),
                        (
                            "undo",
                            &self.settings.keymap.hint(Mode::Profile, Action::Undo),
                        ),
                    ],
                );
                self.info(text);
                if let Some(profile) = self.shown_profile_of(&pref.guest_id) {
                    profile.preferences.insert(0, pref.clone());
                    self.profile.recorded.push(pref);
                }
            }
            (Write::Retire(pref), Ok(_)) => {
                let text = self.fill(
                    Msg::TuiUndone,
                    &[
                        ("category", &self.category_label(&pref.category)),
                        ("value", &self.value_label(&pref.category, &pref.value)),
                    ],
                );
                self.info(text);
                if let Some(profile) = self.shown_profile_of(&pref.guest_id) {
                    let stored = profile.preferences.iter_mut().find(|p| p.id == pref.id);
                    if let Some(stored) = stored {
                        stored.retired = true;
                    }
                }
            }
            (_, Ok(Answer::Noted(pref))) => {
                self.info(self.text(Msg::TuiNoted).to_string());
                for p in self.profile.recorded.iter_mut().filter(|p| p.id == pref.id) {
                    *p = pref.clone();
                }
                if let Some(profile) = self.shown_profile_of(&pref.guest_id) {
                    for p in profile.preferences.iter_mut().filter(|p| p.id == pref.id) {
                        *p = pref.clone();
                    }
                }
            }
            (write, Err(failure)) => {
                if let Write::Retire(pref) = write {
                    self.profile.recorded.push(pref);
                }
                self.error(self.failure_text(&failure));
            }
            (Write::Add | Write::Note, Ok(_)) => {}
        }
    }

    fn shown_profile_of(&mut self, id: &GuestId) -> Option<&mut Profile> {
        self.profile.profile.as_mut().filter(|p| &p.guest.id == id)
    }

    pub fn category_label(&self, category: &str) -> String {
        let catalog = &self.settings.catalog;
        catalog.category_label(category, self.lang()).to_string()
    }

    pub fn value_label(&self, category: &str, value: &str) -> String {
        self.settings
            .catalog
            .value_label(category, value, self.lang())
    }

    fn on_tick(&mut self, clock: Clock) -> Vec<Effect> {
        let minute = |c: &Clock| c.local().format("%Y%m%d%H%M").to_string();
        if minute(&clock) != minute(&self.clock) {
            self.dirty = true;
        }
        let day_before = self.today();
        self.clock = clock;
        if self.busy() {
            self.busy_since.get_or_insert(clock.utc);
        }
        if self.slow() {
            self.spinner = self.spinner.wrapping_add(1);
            self.dirty = true;
        }
        if let Some(limit) = self.settings.idle_lock {
            if !self.locked && clock.utc - self.last_key >= limit {
                self.lock();
            }
        }
        if self.today() != day_before && self.stack.contains(&Screen::Board) {
            return self.load_board();
        }
        let due = self
            .live
            .last_poll
            .is_none_or(|last| clock.utc - last >= POLL_EVERY);
        if due && !self.locked {
            return self.poll();
        }
        Vec::new()
    }
}

/// The complaint or praise the form describes, or `None` with the reason on its field.
fn feedback_job(form: &mut Form, guest_id: GuestId, lang: Lang) -> Option<Job> {
    let text = form.text(FieldKey::Text).trim().to_string();
    let n = text.chars().count();
    if text.is_empty() {
        form.refuse(
            FieldKey::Text,
            crate::model::Problem::Required.text_in(lang),
        );
        return None;
    }
    if n > NOTE_MAX_CHARS {
        let reason = Msg::TuiTextTooLong.fill_in(lang, &[("max", &NOTE_MAX_CHARS), ("n", &n)]);
        form.refuse(FieldKey::Text, reason);
        return None;
    }
    let kind = FeedbackKind::parse(form.text(FieldKey::Kind)).unwrap_or(FeedbackKind::Complaint);
    let department = Source::parse(form.text(FieldKey::Department));
    Some(Job::AddFeedback(NewFeedback {
        guest_id,
        kind,
        text,
        department,
    }))
}

/// The reveal a filled-in reveal form asks for; an empty reason is refused on its field.
fn reveal_job(form: &mut Form, guest: GuestId, lang: Lang) -> Option<Job> {
    let reason = required_reason(form, lang)?;
    let field = GuestField::parse(form.text(FieldKey::RevealField))?;
    Some(Job::Reveal {
        guest,
        field,
        reason,
    })
}

/// The reason typed in a form, trimmed; an empty one is refused on its field.
fn required_reason(form: &mut Form, lang: Lang) -> Option<String> {
    let reason = form.text(FieldKey::Reason).trim().to_string();
    if reason.is_empty() {
        form.refuse(
            FieldKey::Reason,
            crate::model::Problem::Required.text_in(lang),
        );
        return None;
    }
    Some(reason)
}

/// The erasure a filled-in erase form asks for: a reason is required (it goes into the
/// destruction record), and the guest's id typed again, so nobody erases a guest by a slip.
fn erase_job(form: &mut Form, guest: GuestId, lang: Lang) -> Option<Job> {
    let reason = required_reason(form, lang)?;
    if form.text(FieldKey::Confirm).trim() != guest.0 {
        let text = Msg::TuiEraseMismatch.fill_in(lang, &[("id", &guest)]);
        form.refuse(FieldKey::Confirm, text);
        return None;
    }
    Some(Job::Erase { guest, reason })
}

/// A board panel's rows: 0 arrivals, 1 in house, 2 departures.
pub fn panel_rows(board: &Board, panel: usize) -> &[BoardRow] {
    match panel {
        0 => &board.arrivals,
        1 => &board.in_house,
        _ => &board.departures,
    }
}

fn is_ctrl_c(event: &KeyEvent) -> bool {
    event.code == KeyCode::Char('c') && event.modifiers.contains(KeyModifiers::CONTROL)
}

/// The stay that matters now: the one in progress, else the next, else the latest.
pub fn key_stay(profile: &Profile, today: NaiveDate) -> Option<&Stay> {
    let real = || profile.stays.iter().filter(|s| s.is_real());
    real()
        .find(|s| s.arrival <= today && today < s.departure)
        .or_else(|| {
            real()
                .filter(|s| s.arrival >= today)
                .min_by_key(|s| s.arrival)
        })
        .or_else(|| real().max_by_key(|s| s.arrival))
}

/// The last stay that began before today.
pub fn last_stay(profile: &Profile, today: NaiveDate) -> Option<&Stay> {
    let real = profile.stays.iter().filter(|s| s.is_real());
    real.filter(|s| s.arrival < today).max_by_key(|s| s.arrival)
}

/// The next stay arriving today or later.
pub fn next_stay(profile: &Profile, today: NaiveDate) -> Option<&Stay> {
    let real = profile.stays.iter().filter(|s| s.is_real());
    real.filter(|s| s.arrival >= today)
        .min_by_key(|s| s.arrival)
}

/// What the profile header must not let anyone miss: do-not-rent, open complaints, and a
/// birthday or anniversary within the seven days from `today` (`rules::alerts`).
pub fn profile_alerts(profile: &Profile, today: NaiveDate) -> Vec<Alert> {
    let open = profile
        .feedback
        .iter()
        .filter(|f| f.is_open_complaint())
        .count() as u32;
    let week_end = today + Duration::days(6);
    crate::rules::alerts(&profile.guest, &profile.preferences, open, today, week_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_at_keeps_the_local_wall_time() {
        let local = NaiveDate::from_ymd_opt(2026, 6, 15)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap();
        let offset = FixedOffset::east_opt(8 * 3600).unwrap();
        let clock = Clock::at(local, offset);
        assert_eq!(clock.local(), local);
        assert_eq!(clock.utc.format("%H:%M").to_string(), "02:30");
    }
}
