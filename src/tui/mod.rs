//! The terminal UI: sets the terminal up and always restores it (guard, panic hook, signals),
//! and runs the event loop between the keyboard, the store worker and the screen.

pub mod app;
pub mod form;
pub mod keymap;
pub mod pop;
pub mod recent;
pub mod ui;
pub mod wide;
pub mod worker;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Once;
use std::thread;
use std::time::Duration as StdDuration;

use base64::Engine;
use chrono::{Local, NaiveDate, Utc};
use crossterm::event::{self as ct, DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::CrosstermBackend;

use ratatui::Terminal;
use wide::WideAware;

use crate::config::Config;
use crate::i18n::Msg;
use crate::store::{Principal, Store, StoreError};

use app::{App, Clock, Effect, Input, Settings};
use keymap::{Keymap, KeymapError};
use worker::Worker;

/// How the TUI starts: on an empty lookup, a query (`--find`) or a caller (`--phone`).
#[derive(Debug, Clone, Default)]
pub struct Start {
    pub query: Option<String>,
    /// A caller's number from the telephone system; a single match opens at once.
    pub phone: Option<String>,
    /// The backend as the status bar shows it, e.g. `file: /path/guestbook.db`.
    pub backend: String,
    /// The database as the user named it (`/path/guestbook.db`), the same in every
    /// language: recent profiles are kept under it.
    pub database: String,
    /// Business-date override (`--today`).
    pub today: Option<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("{}", Msg::TuiTerminal.fill(&[("reason", .0)]))]
    Terminal(#[from] io::Error),
    #[error("{}", Msg::TuiNotATerminal.text())]
    NotATerminal,
    #[error("{0}")]
    Keymap(#[from] KeymapError),
    #[error("{}", Msg::TuiCatalog.fill(&[("reason", .0)]))]
    Catalog(String),
    /// Stopped by a signal; the terminal was restored first. Exits with 128 + the signal.
    #[error("{}", Msg::TuiSignal.fill(&[("signal", .0)]))]
    Signal(i32),
}

impl TuiError {
    /// The exit status a shell expects after a signal (143 for SIGTERM), else none.
    pub fn signal_status(&self) -> Option<u8> {
        match self {
            TuiError::Signal(n) => u8::try_from(128 + n).ok(),
            _ => None,
        }
    }
}

/// Opens the TUI on `store` until the user quits.
pub fn run(mut store: Box<dyn Store>, config: &Config, start: Start) -> Result<(), TuiError> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(TuiError::NotATerminal);
    }
    let hotel = store
        .settings()
        .map_err(|e| TuiError::Catalog(e.to_string()))?;
    let principal = store.principal().clone();
    let mut app = App::new(settings(config, &start, &principal, &hotel)?, clock_now());
    if let Some(file) = &app.settings.recent_file {
        app.recent.by_user = recent::load(&file.path, &file.database);
    }
    let (events, inbox) = mpsc::channel();
    let replies = events.clone();
    let worker = Worker::spawn(store, move |reply| {
        let _ = replies.send(Input::Reply(reply));
    })?;
    // Masking phones on screen and parsing a caller's number need phonenumber's numbering
    // plan, whose first use costs ~80 ms: load it now on a spare thread, not on a keystroke.
    let region = crate::rules::settings::region(&hotel);
    std::thread::spawn(move || crate::search::phone::normalize("+8613800138000", region));
    let guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(WideAware::new(CrosstermBackend::new(
        BufWriter::with_capacity(1 << 16, io::stdout()),
    )))?;
    // `guestbook pop NUMBER` from the phone system reaches this window through the socket.
    let pops = events.clone();
    let _listener = match pop::listen(move |number| pops.send(Input::Pop(number)).is_ok()) {
        Ok(listener) => Some(listener),
        Err(e) => {
            app.message = Some(app::Message {
                kind: app::MessageKind::Error,
                text: app.fill(Msg::TuiPopUnavailable, &[("reason", &e)]),
            });
            None
        }
    };
    // From here on the key thread owns terminal input: nothing may query the terminal (a
    // cursor-position query would wait for an answer the key thread swallows).
    spawn_keys(events.clone())?;
    watch_signals(events)?;
    let effects = match (&start.phone, &start.query) {
        (Some(phone), _) => app.start(Some(phone), true),
        (None, query) => app.start(query.as_deref(), false),
    };
    let result = event_loop(&mut terminal, &mut app, &worker, &inbox, effects);
    drop(terminal);
    drop(guard);
    result
}

/// The settings this terminal's config, the acting user, the hotel's settings and the start
/// options give.
pub fn settings(
    config: &Config,
    start: &Start,
    principal: &Principal,
    hotel: &crate::model::Settings,
) -> Result<Settings, TuiError> {
    let minutes = i64::from(config.idle_lock_minutes);
    Ok(Settings {
        user: principal.user.clone(),
        role: principal.role,
        department: principal.department,
        require_sign_in: hotel.require_sign_in,
        fields: crate::interchange::ImportOptions::new(hotel)
            .map_err(|e| TuiError::Catalog(e.to_string()))?,
        backend: start.backend.clone(),
        lang: config.lang(),
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        ambiguous_width: config.ambiguous_width(),
        today: start.today,
        rollover_hour: hotel.rollover_hour,
        idle_lock: (minutes > 0).then(|| chrono::Duration::minutes(minutes)),
        catalog: crate::rules::settings::catalog(hotel)
            .map_err(|e| TuiError::Catalog(StoreError::from(e).to_string()))?,
        keymap: Keymap::load(&config.keymap, user_keymap().as_deref())?,
        recent_file: recent::default_path().map(|path| recent::RecentFile {
            path,
            database: start.database.clone(),
        }),
    })
}

/// `keymap.toml` beside the config file in use (`GUESTBOOK_CONFIG`), else in the platform
/// config directory.
fn user_keymap() -> Option<PathBuf> {
    match std::env::var_os("GUESTBOOK_CONFIG") {
        Some(config) => PathBuf::from(config)
            .parent()
            .map(|dir| dir.join("keymap.toml")),
        None => crate::config::dirs().map(|d| d.config_dir().join("keymap.toml")),
    }
}

fn clock_now() -> Clock {
    let now = Local::now();
    Clock {
        utc: now.with_timezone(&Utc),
        offset: *now.offset(),
    }
}

/// Runs until the user quits or a signal arrives: applies every input queued in `inbox` (keys,
/// store replies) in order, sends the requests they cause to `worker` and draws when something
/// changed. Public so tests can feed it whole bursts of keys.
pub fn event_loop<W: Write>(
    terminal: &mut Terminal<WideAware<W>>,
    app: &mut App,
    worker: &Worker,
    inbox: &Receiver<Input>,
    mut effects: Vec<Effect>,
) -> Result<(), TuiError> {
    loop {
        for effect in effects.drain(..) {
            match effect {
                Effect::Send(request) => {
                    // The worker only stops if it panicked outside a store call.
                    if !worker.send(request) {
                        return Ok(());
                    }
                }
                Effect::Copy(text) => copy_osc52(terminal.backend_mut(), &text)?,
                Effect::SaveRecent { user, ids } => {
                    // A state directory that cannot be written costs the list, not the work.
                    if let Some(file) = &app.settings.recent_file {
                        let _ = recent::save(&file.path, &file.database, &user, &ids);
                    }
                }
                Effect::Quit => return Ok(()),
            }
        }
        if app.dirty {
            draw(terminal, app)?;
            app.dirty = false;
        }
        // Idle, the loop still wakes twice a second: the clock, the idle lock and the poll that
        // keeps the board live (`app::POLL_EVERY`) run on these ticks.
        let wait = if app.busy() { 100 } else { 500 };
        let first = match inbox.recv_timeout(StdDuration::from_millis(wait)) {
            Ok(input) => Some(input),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        // Everything already queued is applied before the next frame, so a burst of keys
        // renders once.
        for input in first.into_iter().chain(inbox.try_iter()) {
            if let Input::Signal(signal) = input {
                return Err(TuiError::Signal(signal));
            }
            effects.extend(app.update(input));
        }
        effects.extend(app.update(Input::Tick(clock_now())));
    }
}

/// One frame, inside a synchronized update so terminals that support it never show half.
fn draw<W: Write>(terminal: &mut Terminal<WideAware<W>>, app: &App) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| ui::draw(frame, app))?;
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)
}

/// Puts text on the clipboard of the terminal the user sits at, also over SSH; tmux and
/// screen get the sequence passed through to their outer terminal as well.
fn copy_osc52(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(osc52(text, std::env::var_os("TMUX").is_some(), in_screen()).as_bytes())?;
    out.flush()
}

fn in_screen() -> bool {
    std::env::var("TERM").is_ok_and(|t| t.starts_with("screen"))
        && std::env::var_os("STY").is_some()
}

pub fn osc52(text: &str, tmux: bool, screen: bool) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let plain = format!("\x1b]52;c;{encoded}\x07");
    if tmux {
        // tmux takes the plain form with set-clipboard on, the wrapped one with passthrough.
        let wrapped = format!("\x1bPtmux;{}\x1b\\", plain.replace('\x1b', "\x1b\x1b"));
        format!("{plain}{wrapped}")
    } else if screen {
        format!("\x1bP{plain}\x1b\\")
    } else {
        plain
    }
}

/// Reads keys on their own thread, so waiting for a key never delays a store reply.
fn spawn_keys(events: Sender<Input>) -> io::Result<()> {
    thread::Builder::new()
        .name("guestbook-keys".into())
        .spawn(move || loop {
            let input = match ct::read() {
                Ok(ct::Event::Key(key)) => Input::Key(key),
                Ok(ct::Event::Paste(text)) => Input::Paste(text),
                Ok(ct::Event::Resize(..)) => Input::Resize,
                Ok(_) => continue,
                // The terminal is gone: stop like Ctrl-C.
                Err(_) => Input::Key(ctrl_c()),
            };
            if events.send(input).is_err() {
                return;
            }
        })?;
    Ok(())
}

fn ctrl_c() -> ct::KeyEvent {
    ct::KeyEvent::new(ct::KeyCode::Char('c'), ct::KeyModifiers::CONTROL)
}

/// SIGTERM, SIGHUP and SIGINT end the loop, so the guard restores the terminal; the process
/// then exits with 128 + the signal, as a shell reports a process a signal stopped.
#[cfg(unix)]
fn watch_signals(events: Sender<Input>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    thread::Builder::new()
        .name("guestbook-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if events.send(Input::Signal(signal)).is_err() {
                    return;
                }
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
fn watch_signals(_events: Sender<Input>) -> io::Result<()> {
    Ok(())
}

/// Raw mode and the alternate screen while alive; the normal terminal back when dropped,
/// and from the panic hook.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        let guard = TerminalGuard;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            terminal::Clear(terminal::ClearType::All),
            EnableBracketedPaste,
            cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn restore_terminal() {
    let _ = execute!(
        io::stdout(),
        EndSynchronizedUpdate,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
}

/// Restores the terminal before the panic message is printed, so it is readable and the
/// shell works. A store panic on the worker thread is not a UI panic: the worker turns it
/// into an error line on screen instead.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if thread::current().name() == Some(worker::THREAD_NAME) {
                return;
            }
            restore_terminal();
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_and_wraps_for_multiplexers() {
        assert_eq!(osc52("+86138", false, false), "\x1b]52;c;Kzg2MTM4\x07");
        let tmux = osc52("+86138", true, false);
        assert!(tmux.starts_with("\x1b]52;c;Kzg2MTM4\x07\x1bPtmux;\x1b\x1b]52;"));
        assert!(tmux.ends_with("\x1b\\"));
        assert_eq!(osc52("R1", false, true), "\x1bP\x1b]52;c;UjE=\x07\x1b\\");
    }
}
