//! Drawing: one function per screen, all reading the `App` and never changing what it means.

pub mod board;
pub mod form;
pub mod governance;
pub mod help;
pub mod lookup;
pub mod profile;
pub mod recent;
pub mod status;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::config::AmbiguousWidth;
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
    if let (true, Some(sign_in)) = (app.locked, &app.sign_in) {
        form::draw(frame, body, app, sign_in, &theme);
    } else if app.locked {
        draw_locked(frame, body, app, &theme);
    } else {
        match app.screen() {
            Screen::Lookup => lookup::draw(frame, body, app, &theme),
            Screen::Profile => profile::draw(frame, body, app, &theme),
            Screen::Board => board::draw(frame, body, app, &theme),
            Screen::Recent => recent::draw(frame, body, app, &theme),
            Screen::Merge => governance::draw_merge(frame, body, app, &theme),
            Screen::History => governance::draw_history(frame, body, app, &theme),
            Screen::Retention => governance::draw_retention(frame, body, app, &theme),
            Screen::Form => match &app.form {
                Some(f) => form::draw(frame, body, app, f, &theme),
                None => lookup::draw(frame, body, app, &theme),
            },
        }
        if app.help.is_some() {
            help::draw(frame, body, app, &theme);
        }
    }
    if let Some(message) = message {
        status::draw_message(frame, message, app, &theme);
    }
    status::draw(frame, status, app, &theme);
    if app.settings.ambiguous_width == AmbiguousWidth::Wide {
        ascii_stand_ins(frame.buffer_mut());
    }
}

/// Replaces every character a wide-ambiguous terminal would draw in two columns (where
/// ratatui counts one) by a one-column ASCII stand-in, so rows never overflow and the screen
/// never scrolls. Done on the finished frame, so no screen can forget it.
fn ascii_stand_ins(buffer: &mut Buffer) {
    for cell in buffer.content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        let mut chars = symbol.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if let Some(stand_in) = crate::text::ascii_stand_in(c) {
                cell.set_char(stand_in);
            }
        }
    }
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

pub use crate::text::{cut, fit, prefix, tail, width, wrap};

/// The widths ratatui's `Table` gives columns with these constraints in `width` columns (no
/// selection symbol, one column between columns), so cells can be cut with `…` before the
/// table cuts them silently.
pub fn column_widths(constraints: &[Constraint], width: u16) -> Vec<usize> {
    Layout::horizontal(constraints.to_vec())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| usize::from(r.width))
        .collect()
}

/// A line cut to `max` columns, ending in `…` (in the style of the span it cuts) when anything
/// was left out.
pub fn cut_line(line: Line<'_>, max: usize) -> Line<'_> {
    let total: usize = line.spans.iter().map(|s| width(&s.content)).sum();
    if total <= max {
        return line;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    let room = max.saturating_sub(1);
    for span in line.spans {
        let w = width(&span.content);
        if used + w <= room {
            used += w;
            spans.push(span);
            continue;
        }
        let part = prefix(&span.content, room - used);
        if max > 0 {
            spans.push(Span::styled(format!("{part}…"), span.style));
        }
        break;
    }
    Line::from(spans).style(line.style)
}

/// Table cells cut to their columns' widths.
pub fn fit_cells<'a>(cells: Vec<Line<'a>>, widths: &[usize]) -> Vec<Line<'a>> {
    cells
        .into_iter()
        .zip(widths.iter().chain(std::iter::repeat(&0)))
        .map(|(cell, w)| cut_line(cell, *w))
        .collect()
}

/// A short marker per alert, for rows (`DNR`, `Complaint×2`, `Birthday`).
pub fn alert_marker(app: &App, alert: &Alert) -> String {
    match alert {
        Alert::DoNotRent => app.text(Msg::TuiMarkDnr).to_string(),
        Alert::Flag { flag } => crate::i18n::flag_label(*flag, app.lang()).to_string(),
        Alert::OpenComplaint { count: 1 } => app.text(Msg::TuiMarkComplaint).to_string(),
        Alert::OpenComplaint { count } => app.fill(Msg::TuiMarkComplaints, &[("count", count)]),
        Alert::Birthday { .. } => app.text(Msg::TuiMarkBirthday).to_string(),
        Alert::Anniversary { .. } => app.text(Msg::TuiMarkAnniversary).to_string(),
    }
}

/// The markers that fit `columns` columns (separated by spaces), the rest counted as `+N`;
/// the first always shows, as the most urgent (a do-not-rent mark comes first).
pub fn fit_markers(markers: Vec<String>, columns: usize) -> Vec<String> {
    let total = markers.len();
    let mut kept: Vec<String> = Vec::new();
    let mut used = 0;
    for (i, marker) in markers.into_iter().enumerate() {
        let gap = usize::from(!kept.is_empty());
        let rest = total - i - 1;
        let tail = if rest > 0 {
            1 + width_of_count(rest)
        } else {
            0
        };
        if !kept.is_empty() && used + gap + width(&marker) + tail > columns {
            kept.push(format!("+{}", total - i));
            return kept;
        }
        used += gap + width(&marker);
        kept.push(marker);
    }
    kept
}

/// Columns of `+N`.
fn width_of_count(n: usize) -> usize {
    1 + n.to_string().len()
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

/// The spinner frame while the store is slow to answer.
pub fn spinner(app: &App) -> &'static str {
    const FRAMES: [&str; 4] = ["-", "\\", "|", "/"];
    if app.slow() {
        FRAMES[app.spinner % FRAMES.len()]
    } else {
        " "
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_that_do_not_fit_are_counted() {
        let marks = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = marks(&["DNR", "Deceased", "Legal hold", "Complaint"]);
        assert_eq!(fit_markers(all.clone(), 40), all);
        assert_eq!(
            fit_markers(all.clone(), 15),
            marks(&["DNR", "Deceased", "+2"])
        );
        assert_eq!(fit_markers(all.clone(), 8), marks(&["DNR", "+3"]));
        assert_eq!(fit_markers(all, 2), marks(&["DNR", "+3"]));
        assert_eq!(
            fit_markers(marks(&["免打扰", "已故"]), 8),
            marks(&["免打扰", "+1"])
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
