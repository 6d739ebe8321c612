//! The help overlay, generated from the active keymap: the current mode's keys first, then
//! the keys that work everywhere.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::i18n::Msg;

use super::{centered, fit, Theme};
use crate::tui::app::{App, Screen};
use crate::tui::keymap::{Action, Key, Keymap, Mode};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let popup = centered(area, area.width.saturating_sub(4).min(72), area.height);
    frame.render_widget(Clear, popup);
    let title = app.fill(Msg::TuiHelpTitle, &[("keymap", &app.settings.keymap.name)]);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let lines = help_lines(app, theme);
    let limit = (lines.len() as u16).saturating_sub(inner.height);
    let scroll = app.help.unwrap_or(0).min(limit);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

/// The screen under the overlay decides which mode's keys come first.
fn screen_mode(app: &App) -> Mode {
    match app.screen() {
        Screen::Lookup => Mode::Lookup,
        Screen::Profile => Mode::Profile,
        Screen::Board => Mode::Board,
        Screen::Form => Mode::Form,
        Screen::Recent => Mode::Recent,
        Screen::Merge => Mode::Merge,
        Screen::History => Mode::History,
        Screen::Retention => Mode::Retention,
    }
}

pub fn help_lines<'a>(app: &App, theme: &Theme) -> Vec<Line<'a>> {
    let keymap = &app.settings.keymap;
    let first = screen_mode(app);
    let mut modes = vec![first, Mode::Global];
    if first == Mode::Profile {
        modes.extend([Mode::Record, Mode::Input]);
    }
    modes.extend(
        [
            Mode::Lookup,
            Mode::Profile,
            Mode::Board,
            Mode::Recent,
            Mode::Merge,
            Mode::History,
            Mode::Retention,
            Mode::Help,
            Mode::Form,
            Mode::Locked,
        ]
        .into_iter()
        .filter(|m| *m != first),
    );
    let mut lines = Vec::new();
    for mode in modes {
        lines.push(Line::styled(app.text(mode.title()), theme.title()));
        if mode == Mode::Record {
            let hint = app.fill(
                Msg::TuiRecordHelp,
                &[("key", &keymap.hint(Mode::Profile, Action::Record))],
            );
            lines.push(Line::styled(format!("  {hint}"), theme.dim()));
        }
        lines.extend(mode_lines(keymap, mode, app, theme));
        lines.push(Line::raw(""));
    }
    lines
}

/// One line per action: all its keys, then what it does.
fn mode_lines<'a>(keymap: &Keymap, mode: Mode, app: &App, theme: &Theme) -> Vec<Line<'a>> {
    Action::ALL
        .iter()
        .filter_map(|action| {
            let keys = shown_keys(keymap, mode, *action);
            if keys.is_empty() {
                return None;
            }
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            Some(Line::from(vec![
                Span::styled(format!("  {}", fit(&keys.join(" / "), 22)), theme.key()),
                Span::raw(format!(" {}", app.text(action.describe()))),
            ]))
        })
        .collect()
}

/// The keys listed for an action in a mode. A global key that types a character (`b`, `?`)
/// is not global where letters are text (the lookup field): it is listed under each mode where
/// it acts instead.
fn shown_keys(keymap: &Keymap, mode: Mode, action: Action) -> Vec<Key> {
    let global = keymap.keys_for(Mode::Global, action);
    if mode == Mode::Global {
        return global.into_iter().filter(|k| k.typed().is_none()).collect();
    }
    let mut keys = keymap.keys_for(mode, action);
    let falls_through = matches!(
        mode,
        Mode::Profile
            | Mode::Board
            | Mode::Help
            | Mode::Recent
            | Mode::Merge
            | Mode::History
            | Mode::Retention
    );
    if falls_through {
        let acts_here = |k: &Key| k.typed().is_some() && keymap.action(mode, *k).is_none();
        keys.extend(global.into_iter().filter(acts_here));
    }
    keys
}
