//! The lookup screen: the query line and the result list, the matched phone digits
//! highlighted.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::i18n::Msg;
use crate::model::Alert;
use crate::search::phone::masked;
use crate::search::SearchHit;

use super::{alert_marker, column_widths, fit_cells, marker_spans, spinner, tail, width, Theme};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Mode};

/// Which columns fit: all from 70 columns, the essentials below.
struct Columns {
    greet: bool,
    last_stay: bool,
    /// Some hit is in house, arriving or leaving: the stay column says so instead of the
    /// last stay's date, and is wider.
    stay_now: bool,
    alerts: bool,
}

impl Columns {
    fn for_width(w: u16, hits: &[SearchHit]) -> Columns {
        Columns {
            greet: w >= 70,
            last_stay: w >= 70,
            stay_now: hits.iter().any(|h| h.stay.is_some()),
            alerts: w >= 45,
        }
    }

    fn widths(&self, total: u16) -> Vec<Constraint> {
        let mut widths = vec![Constraint::Length(3), Constraint::Fill(1)];
        if self.greet {
            widths.push(Constraint::Length(if total >= 110 { 14 } else { 10 }));
        }
        widths.push(Constraint::Length(15));
        if self.last_stay {
            widths.push(Constraint::Length(match (self.stay_now, total >= 110) {
                (true, true) => 30,
                (true, false) => 20,
                (false, _) => 10,
            }));
        }
        if self.alerts {
            widths.push(Constraint::Length(if total >= 110 { 20 } else { 13 }));
        }
        widths
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [prompt, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    draw_prompt(frame, prompt, app, theme);
    let lookup = &app.lookup;
    let query = lookup.query.trim();
    if query.is_empty() {
        let text = Paragraph::new(app.text(Msg::TuiLookupWelcome))
            .style(theme.dim())
            .wrap(Wrap { trim: true });
        frame.render_widget(text, inset(list));
    } else if lookup.hits.is_empty() && lookup.pending.is_none() {
        // The key to create a profile is offered only to a role that may create one.
        let key = app.settings.keymap.hint(Mode::Lookup, Action::NewGuest);
        let text = if crate::privacy::Action::AddGuest.allowed(app.settings.role) && key != "-" {
            app.fill(Msg::TuiNoMatchesNew, &[("query", &query), ("key", &key)])
        } else {
            app.fill(Msg::TuiNoMatches, &[("query", &query)])
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inset(list));
    } else {
        draw_hits(frame, list, app, theme);
    }
}

fn inset(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1).min(area.right()),
        width: area.width.saturating_sub(1),
        ..area
    }
}

/// `Find › query` with the hit count on the right. A query longer than the line scrolls: its
/// end and the cursor after it stay in view, and so does the count while there is room.
fn draw_prompt(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let label = format!("{} › ", app.text(Msg::TuiFind));
    let query = &app.lookup.query;
    let count = if app.lookup.hits_for.is_empty() {
        String::new()
    } else {
        app.fill(Msg::TuiMatches, &[("n", &app.lookup.hits.len())])
    };
    let total = area.width as usize;
    // One column stays free for the cursor after the last character.
    let room = |right: &str| total.saturating_sub(width(&label) + width(right) + 1);
    let mut right = format!("{} {count} ", spinner(app));
    if room(&right) < width(query).min(MIN_QUERY_COLUMNS) {
        right.clear();
    }
    let shown = tail(query, room(&right));
    let used = width(&label) + width(&shown);
    let gap = total.saturating_sub(used + width(&right));
    let line = Line::from(vec![
        Span::styled(label.clone(), theme.title()),
        Span::raw(shown),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    if !app.locked && app.help.is_none() {
        let x = area.x + (used as u16).min(area.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(x, area.y));
    }
}

/// Columns of the query worth keeping in view before the hit count.
const MIN_QUERY_COLUMNS: usize = 12;

fn draw_hits(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let columns = Columns::for_width(area.width, &app.lookup.hits);
    let show_header = area.height >= 4;
    let constraints = columns.widths(area.width);
    let widths = column_widths(&constraints, area.width);
    let rows: Vec<Row> = app
        .lookup
        .hits
        .iter()
        .map(|hit| Row::new(fit_cells(hit_cells(hit, app, theme, &columns), &widths)))
        .collect();
    let mut table = Table::new(rows, constraints)
        .column_spacing(1)
        .row_highlight_style(theme.selected());
    if show_header {
        let cells = header_cells(app, &columns);
        table = table.header(Row::new(fit_cells(cells, &widths)).style(theme.dim()));
    }
    let visible = area.height.saturating_sub(u16::from(show_header));
    app.lookup.page.set(visible as usize);
    let mut state = TableState::default().with_selected(Some(app.lookup.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn header_cells<'a>(app: &App, columns: &Columns) -> Vec<Line<'a>> {
    let mut cells = vec![app.text(Msg::Vip), app.text(Msg::Name)];
    if columns.greet {
        cells.push(app.text(Msg::TuiGreetAs));
    }
    cells.push(app.text(Msg::TuiPhone));
    if columns.last_stay {
        cells.push(app.text(match columns.stay_now {
            true => Msg::TuiStayNow,
            false => Msg::TuiLastStay,
        }));
    }
    if columns.alerts {
        cells.push(app.text(Msg::AlertsWord));
    }
    cells.into_iter().map(Line::raw).collect()
}

fn hit_cells<'a>(hit: &SearchHit, app: &App, theme: &Theme, columns: &Columns) -> Vec<Line<'a>> {
    let vip = Span::styled(hit.vip.clone().unwrap_or_default(), theme.vip());
    let mut name = Vec::new();
    if hit.matched.is_near_miss() {
        name.push(Span::styled(
            format!("{} ", app.text(Msg::TuiDidYouMean)),
            theme.dim(),
        ));
    }
    name.push(Span::raw(hit.name.clone()));
    if let Some(latin) = hit.name_latin.as_ref().filter(|l| **l != hit.name) {
        name.push(Span::styled(format!(" {latin}"), theme.dim()));
    }
    let mut cells = vec![Line::from(vip), Line::from(name)];
    if columns.greet {
        cells.push(Line::raw(hit.preferred_address.clone().unwrap_or_default()));
    }
    let phone = match &hit.matched_phone {
        Some(p) => Some(masked(p, hit.matched_digits)),
        None => hit.phones.first().map(|p| masked(p, 0)),
    };
    let query = &app.lookup.hits_for;
    cells.push(phone.map_or_else(Line::default, |p| phone_line(&p, query, theme)));
    if columns.last_stay {
        let stay = match &hit.stay {
            Some(now) => Some(now.text_in(app.lang(), app.today())),
            None => hit.last_stay.map(|d| d.format("%Y-%m-%d").to_string()),
        };
        cells.push(Line::raw(stay.unwrap_or_default()));
    }
    if columns.alerts {
        cells.push(Line::from(marker_spans(hit_markers(hit, app), theme)));
    }
    cells
}

fn hit_markers(hit: &SearchHit, app: &App) -> Vec<String> {
    let mut alerts = Vec::new();
    if hit.do_not_rent {
        alerts.push(Alert::DoNotRent);
    }
    if hit.open_complaints > 0 {
        alerts.push(Alert::OpenComplaint {
            count: hit.open_complaints,
        });
    }
    alerts.iter().map(|a| alert_marker(app, a)).collect()
}

/// The phone with the digits the query matched highlighted (the last digits a caller gave,
/// or the whole number).
pub fn phone_line<'a>(phone: &str, query: &str, theme: &Theme) -> Line<'a> {
    let Some(range) = matched_range(phone, query) else {
        return Line::raw(phone.to_string());
    };
    let chars: Vec<char> = phone.chars().collect();
    let part = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    Line::from(vec![
        Span::raw(part(0, range.0)),
        Span::styled(part(range.0, range.1), theme.matched()),
        Span::raw(part(range.1, chars.len())),
    ])
}

/// Character range in `phone` covered by the query's digits: a suffix if the phone ends with
/// them, else their last occurrence. Fewer than three digits highlight nothing.
pub fn matched_range(phone: &str, query: &str) -> Option<(usize, usize)> {
    let wanted: String = query.chars().filter(char::is_ascii_digit).collect();
    if wanted.len() < 3 {
        return None;
    }
    let positions: Vec<usize> = phone
        .chars()
        .enumerate()
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let trimmed = wanted.trim_start_matches('0');
    let start = [wanted.as_str(), trimmed]
        .iter()
        .filter(|w| w.len() >= 3)
        .find_map(|w| digits.rfind(w).map(|s| (s, w.len())))?;
    let (first, len) = start;
    Some((positions[first], positions[first + len - 1] + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_digits_highlight_the_end_of_the_number() {
        assert_eq!(matched_range("+8613800138000", "8000"), Some((10, 14)));
    }

    #[test]
    fn whole_number_with_spaces_highlights_all_digits() {
        assert_eq!(
            matched_range("+8613800138000", "138 0013 8000"),
            Some((3, 14))
        );
    }

    #[test]
    fn national_trunk_zero_is_ignored() {
        assert_eq!(
            matched_range("+861088886666", "010 8888 6666"),
            Some((3, 13))
        );
    }

    #[test]
    fn names_and_short_queries_highlight_nothing() {
        assert_eq!(matched_range("+8613800138000", "zhang"), None);
        assert_eq!(matched_range("+8613800138000", "80"), None);
        assert_eq!(matched_range("+8613800138000", "999"), None);
    }
}
