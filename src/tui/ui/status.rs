//! The status bar (the watermark: user, role, backend, business date, clock, always visible)
//! and the message line above it.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::i18n::Msg;
use crate::model::Role;

use super::{fit, spinner, width, Theme};
use crate::tui::app::{App, MessageKind, Screen};
use crate::tui::keymap::{Action, Mode};

/// The watermark line. When the window is narrow the backend goes first, then the role and
/// the label, so user, date and clock stay.
///
/// While the server does not answer, the bar says so first, in the error style, and the
/// watermark takes the rest of the line.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let max = area.width as usize;
    let mut spans = Vec::new();
    if app.unreachable {
        let notice = format!(" {} ", app.text(Msg::TuiServerRetrying));
        let notice = fit(&notice, width(&notice).min(max));
        spans.push(Span::styled(notice, theme.error()));
    }
    let rest = max.saturating_sub(spans.iter().map(|s| width(&s.content)).sum());
    if rest > 0 {
        let text = watermark(app, rest);
        spans.push(Span::styled(fit(&text, rest), theme.status()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn watermark(app: &App, max: usize) -> String {
    let s = &app.settings;
    // Signed out on a shared terminal: nobody is acting until the next person signs in.
    let (user, role) = if app.locked && app.sign_in.is_some() {
        ("-", app.text(Msg::TuiSignedOut))
    } else {
        (s.user.as_str(), role_label(app, s.role))
    };
    let date = app.today().format("%Y-%m-%d").to_string();
    let label = app.text(Msg::BusinessDate);
    let clock = app.clock.local().format("%H:%M").to_string();
    let candidates = [
        format!(
            " {user} · {role} · {} · {label} {date} · {clock} ",
            s.backend
        ),
        format!(
            " {user} · {role} · {} · {label} {date} · {clock} ",
            short_backend(&s.backend)
        ),
        format!(
            " {user} · {role} · {} · {date} {clock} ",
            short_backend(&s.backend)
        ),
        format!(" {user} · {role} · {label} {date} · {clock} "),
        format!(" {user} · {date} {clock} · {role} "),
        format!(" {user} · {date} {clock} "),
        format!(" {user} {date}"),
    ];
    let fallback = candidates[candidates.len() - 1].clone();
    candidates
        .into_iter()
        .find(|c| width(c) <= max)
        .unwrap_or(fallback)
}

/// `file: /srv/hotel/guestbook.db` -> `file: guestbook.db`, for narrow windows.
fn short_backend(backend: &str) -> String {
    match (backend.find('/'), backend.rfind('/')) {
        (Some(first), Some(last)) => format!("{}{}", &backend[..first], &backend[last + 1..]),
        _ => backend.to_string(),
    }
}

pub fn role_label(app: &App, role: Role) -> &'static str {
    crate::i18n::role_label(role, app.settings.lang)
}

/// The line above the status bar: the last message, else what the store is doing (once it is
/// slow), else the main keys of the current mode (from the active keymap).
pub fn draw_message(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let max = area.width as usize;
    let line = match &app.message {
        Some(m) if !app.locked => {
            let style = match m.kind {
                MessageKind::Info => theme.title(),
                MessageKind::Error => theme.error(),
            };
            Line::styled(fit(&m.text, max), style)
        }
        // A call held back so as not to take a half-typed note or form away.
        _ if app.held_call.is_some() && !app.locked => {
            let number = app.held_call.as_deref().unwrap_or_default();
            let text = app.fill(Msg::TuiCallWaiting, &[("number", &number)]);
            Line::styled(fit(&text, max), theme.vip())
        }
        _ if app.slow() && !app.locked => {
            let doing = app.text(busy_word(app));
            Line::raw(fit(&format!("{} {doing}", spinner(app)), max))
        }
        _ => hints(app, theme, max),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn busy_word(app: &App) -> Msg {
    if app.lookup.pending.is_some() && app.screen() == Screen::Lookup {
        Msg::TuiSearching
    } else if app.profile.pending.is_some() || app.board.pending.is_some() {
        Msg::TuiLoading
    } else {
        Msg::TuiSaving
    }
}

/// The few actions worth showing per mode, in order.
fn hint_actions(mode: Mode) -> &'static [Action] {
    match mode {
        Mode::Lookup => &[
            Action::Open,
            Action::Board,
            Action::Help,
            Action::Quit,
            Action::Copy,
            Action::NewGuest,
        ],
        Mode::Profile => &[
            Action::Record,
            Action::Note,
            Action::Undo,
            Action::Edit,
            Action::Feedback,
            Action::Copy,
            Action::Board,
            Action::Back,
            Action::Help,
        ],
        Mode::Board => &[
            Action::Open,
            Action::VipOnly,
            Action::PrevDay,
            Action::NextDay,
            Action::NextPanel,
            Action::Back,
            Action::Help,
        ],
        // The list is longer than a 24-line screen: say that it scrolls.
        Mode::Help => &[Action::Down, Action::Back],
        Mode::Record => &[Action::NextPage, Action::Cancel],
        Mode::Input => &[Action::Submit, Action::Cancel],
        Mode::Form => &[Action::Submit, Action::NextField, Action::Cancel],
        Mode::Locked => &[Action::Unlock],
        Mode::Recent => &[Action::Open, Action::Back],
        Mode::Merge => &[Action::Confirm, Action::Swap, Action::Open, Action::Back],
        Mode::History => &[Action::Back],
        Mode::Retention => &[Action::Purge, Action::Back, Action::Reload, Action::Help],
        Mode::Global => &[],
    }
}

/// Whether the user's role may do what the action starts.
fn permitted(app: &App, action: Action) -> bool {
    use crate::privacy::Action as P;
    let needs = match action {
        Action::NewGuest => P::AddGuest,
        Action::Edit => P::EditGuest,
        Action::Feedback => P::RecordFeedback,
        Action::MergeWith | Action::Confirm => P::Merge,
        Action::History => P::ReadAudit,
        Action::PrintVip => P::PrintVipSheet,
        Action::Erase => P::Erase,
        Action::ExportGuest => P::ExportGuest,
        Action::Retention => P::PurgeDryRun,
        Action::Purge => P::Purge,
        _ => return true,
    };
    needs.allowed(app.settings.role)
}

/// `key action · key action`, as many whole items as fit.
fn hints<'a>(app: &App, theme: &Theme, max: usize) -> Line<'a> {
    let mode = app.mode();
    let keymap = &app.settings.keymap;
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for action in hint_actions(mode) {
        let key = keymap.hint(mode, *action);
        // Signing in on a locked terminal has nothing to cancel back to, and a key the
        // user's role may not use is not offered (it still answers with the refusal).
        if key == "-" || (app.locked && *action == Action::Cancel) || !permitted(app, *action) {
            continue;
        }
        let words = app.text(action.describe()).to_string();
        let sep = if spans.is_empty() { " " } else { " · " };
        let item = width(sep) + width(&key) + 1 + width(&words);
        if used + item > max {
            break;
        }
        used += item;
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {words}"), theme.dim()));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::short_backend;

    #[test]
    fn short_backend_keeps_the_label_and_the_file_name() {
        assert_eq!(
            short_backend("file: /srv/hotel/guestbook.db"),
            "file: guestbook.db"
        );
        assert_eq!(short_backend("文件：/srv/hotel/客史.db"), "文件：客史.db");
        assert_eq!(short_backend("file: guestbook.db"), "file: guestbook.db");
    }
}
