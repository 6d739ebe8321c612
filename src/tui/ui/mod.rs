//! Drawing: one function per screen, all reading the `App` and never changing what it means.

pub mod board;
pub mod help;
pub mod lookup;
pub mod profile;
pub mod status;

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use crate::i18n::Msg;
use crate::model::Alert;

use super::app::{App, Screen};
use super::keymap::{Action, Mode};

/// Styles, with colour or (under `NO_COLOR`) with bold, underline and reverse only.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn pick(&self, colored: Style, plain: Style) -> Style {
        if self.color {
            colored
        } else {
            plain
        }
    }

    pub fn title(&self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.pick(bold.fg(Color::Cyan), bold)
    }

    pub fn dim(&self) -> Style {
        self.pick(
            Style::new().fg(Color::DarkGray),
            Style::new().add_modifier(Modifier::DIM),
        )
    }

    pub fn vip(&self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.pick(bold.fg(Color::Yellow), bold)
    }

    /// Alerts staff must not miss: a solid bar either way.
    pub fn alert(&self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.pick(
            bold.fg(Color::White).bg(Color::Red),
            bold.add_modifier(Modifier::REVERSED),
        )
    }

    /// Alert markers inside a row (the row may itself be reversed when selected).
    pub fn marker(&self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.pick(bold.fg(Color::Red), bold.add_modifier(Modifier::UNDERLINED))
    }

    pub fn matched(&self) -> Style {
        let strong = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        self.pick(strong.fg(Color::Green), strong)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn status(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Black).bg(Color::Cyan),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    pub fn error(&self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.pick(bold.fg(Color::Red), bold)
    }

    pub fn key(&self) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        self.pick(bold.fg(Color::Cyan), bold)
    }
}

/// Draws the whole screen. The status bar (the watermark) is drawn on every screen, last, so
/// nothing covers it.
pub fn draw(frame: &mut Frame, app: &App) {
    let theme = Theme {
        color: app.settings.color,
    };
    let (body, message, status) = rows(frame.area());
    if app.locked {
        draw_locked(frame, body, app, &theme);
    } else {
        match app.screen() {
            Screen::Lookup => lookup::draw(frame, body, app, &theme),
            Screen::Profile => profile::draw(frame, body, app, &theme),
            Screen::Board => board::draw(frame, body, app, &theme),
        }
        if app.help.is_some() {
            help::draw(frame, body, app, &theme);
        }
    }
    if let Some(message) = message {
        status::draw_message(frame, message, app, &theme);
    }
    status::draw(frame, status, app, &theme);
}

/// Body, message line (if there is room) and status bar; the status bar always gets the
/// bottom line.
fn rows(area: Rect) -> (Rect, Option<Rect>, Rect) {
    let status = Rect {
        y: area.bottom().saturating_sub(1),
        height: area.height.min(1),
        ..area
    };
    let above = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    if above.height == 0 {
        return (above, None, status);
    }
    let [body, message] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(above);
    (body, Some(message), status)
}

fn draw_locked(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let key = app.settings.keymap.hint(Mode::Locked, Action::Unlock);
    let lines = vec![
        Line::styled(app.text(Msg::TuiModeLocked), theme.title()),
        Line::raw(""),
        Line::raw(app.fill(Msg::TuiLocked, &[("key", &key)])),
    ];
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let area = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    let text = Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(ratatui::widgets::Wrap { trim: true });
    frame.render_widget(text, area);
}

/// A rectangle of at most `width` x `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Display width of text (CJK characters take two columns).
pub fn width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Text cut to `max` columns (with `…` when cut) and padded with spaces to exactly `max`.
pub fn fit(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let cut = width(text) > max;
    let room = if cut { max.saturating_sub(1) } else { max };
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if cut && max > 0 {
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', max.saturating_sub(used)));
    out
}

/// Text broken into lines of at most `max` columns, at spaces where possible (CJK text, which
/// has no spaces, breaks between characters).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut used = 0;
        for c in paragraph.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > max {
                let (keep, carry) = if c == ' ' {
                    (line.as_str(), "")
                } else {
                    split_at_space(&line)
                };
                lines.push(keep.trim_end().to_string());
                line = carry.to_string();
                used = width(&line);
            }
            if !(line.is_empty() && c == ' ') {
                line.push(c);
                used += w;
            }
        }
        lines.push(line);
    }
    lines
}

/// Splits an overlong line at its last space, if it has one.
fn split_at_space(line: &str) -> (&str, &str) {
    match line.rfind(' ') {
        Some(at) if at > 0 => (&line[..at], line[at..].trim_start()),
        _ => (line, ""),
    }
}

/// A short marker per alert, for rows (`DNR`, `Complaint×2`, `Birthday`).
pub fn alert_marker(app: &App, alert: &Alert) -> String {
    match alert {
        Alert::DoNotRent => app.text(Msg::TuiMarkDnr).to_string(),
        Alert::OpenComplaint { count: 1 } => app.text(Msg::TuiMarkComplaint).to_string(),
        Alert::OpenComplaint { count } => app.fill(Msg::TuiMarkComplaints, &[("count", count)]),
        Alert::Birthday { .. } => app.text(Msg::TuiMarkBirthday).to_string(),
        Alert::Anniversary { .. } => app.text(Msg::TuiMarkAnniversary).to_string(),
    }
}

/// Markers as spans separated by spaces.
pub fn marker_spans<'a>(markers: Vec<String>, theme: &Theme) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    for (i, m) in markers.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(m, theme.marker()));
    }
    spans
}

/// The spinner frame while the store is working.
pub fn spinner(app: &App) -> &'static str {
    const FRAMES: [&str; 4] = ["-", "\\", "|", "/"];
    if app.busy() {
        FRAMES[app.spinner % FRAMES.len()]
    } else {
        " "
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_cjk_by_columns_and_pads() {
        assert_eq!(fit("张伟", 6), "张伟  ");
        assert_eq!(fit("张伟伟伟", 5), "张伟…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(width(&fit("欧阳娜娜", 4)), 4);
    }

    #[test]
    fn wrap_breaks_latin_at_spaces_and_cjk_anywhere() {
        assert_eq!(
            wrap("room was not ready on arrival", 12),
            vec!["room was not", "ready on", "arrival"]
        );
        assert_eq!(
            wrap("房间没有打扫干净", 6),
            vec!["房间没", "有打扫", "干净"]
        );
    }

    #[test]
    fn status_bar_keeps_the_bottom_line_at_any_height() {
        for h in 0..4 {
            let (body, message, status) = rows(Rect::new(0, 0, 20, h));
            assert_eq!(status.height, h.min(1));
            assert_eq!(
                body.height + message.map_or(0, |m| m.height) + status.height,
                h
            );
        }
    }
}
