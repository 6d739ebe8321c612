//! The VIP reception board: arrivals, in-house guests and departures for one business date,
//! each row with room, name, VIP code, stay count, key preferences and alert markers.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

use crate::i18n::Msg;
use crate::model::{Board, BoardRow};

use super::{
    alert_marker, column_widths, cut_line, fit_cells, fit_markers, marker_spans, spinner, width,
    Theme,
};
use crate::tui::app::{panel_rows, App};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [title, panels] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    draw_title(frame, title, app, theme);
    let Some(board) = &app.board.board else {
        return;
    };
    let areas = Layout::vertical([Constraint::Fill(1); 3]).split(panels);
    for (panel, area) in areas.iter().enumerate() {
        draw_panel(frame, *area, board, panel, app, theme);
    }
}

fn draw_title(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let date = app.board_date();
    let shown = app.board.board.as_ref().map(|b| b.date);
    let filter = if app.board.vip_only {
        Msg::TuiVipOnly
    } else {
        Msg::TuiAllGuests
    };
    let mut spans = vec![
        Span::styled(format!(" {} ", app.text(Msg::Board)), theme.title()),
        Span::styled(
            format!("{} {}", date.format("%Y-%m-%d"), weekday(app, date)),
            theme.title(),
        ),
        Span::raw(format!("  {}", app.text(filter))),
    ];
    if date != app.today() {
        let offset = app.board.offset_days;
        spans.push(Span::styled(
            format!(
                "  ({})",
                app.fill(Msg::TuiDaysFromToday, &[("n", &format!("{offset:+}"))])
            ),
            theme.vip(),
        ));
    }
    if app.board.pending.is_some() || shown != Some(date) {
        spans.push(Span::raw(format!("  {}", spinner(app))));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `Mon` or `周一`.
pub fn weekday(app: &App, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let names = app.text(Msg::TuiWeekdays);
    let index = date.weekday().num_days_from_monday() as usize;
    names.split(' ').nth(index).unwrap_or_default().to_string()
}

/// A board column; which ones show and in what order depends on the width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Room,
    Name,
    Vip,
    Stays,
    Prefs,
    Alerts,
}

/// Columns for a panel `total` wide whose alert markers need `alerts` columns. Below 110
/// columns the alerts come before the preferences, which take what is left; they take at most
/// two fifths of the panel, so a guest with many flags never pushes the names off (the markers
/// that do not fit are counted as `+N`).
fn columns(total: u16, alerts: u16) -> Vec<(Col, Constraint)> {
    use Constraint::{Fill, Length};
    let alerts = alerts.min((total * 2 / 5).max(MIN_ALERTS));
    if total >= 110 {
        return vec![
            (Col::Room, Length(5)),
            (Col::Name, Length(26)),
            (Col::Vip, Length(3)),
            (Col::Stays, Length(3)),
            (Col::Prefs, Fill(1)),
            (Col::Alerts, Length(alerts.max(18))),
        ];
    }
    if total >= 60 {
        return vec![
            (Col::Room, Length(5)),
            (Col::Name, Length(18)),
            (Col::Vip, Length(3)),
            (Col::Stays, Length(3)),
            (Col::Alerts, Length(alerts)),
            (Col::Prefs, Fill(1)),
        ];
    }
    vec![
        (Col::Room, Length(5)),
        (Col::Name, Fill(1)),
        (Col::Vip, Length(3)),
        (Col::Alerts, Length(alerts)),
    ]
}

/// The least room the alerts column gets: the heading, or one marker and a count.
const MIN_ALERTS: u16 = 8;

/// The widest alert markers of any row on the board (so the panels line up), at least the
/// heading.
fn alerts_width(board: &Board, app: &App) -> u16 {
    let rows = (0..3).flat_map(|p| panel_rows(board, p).iter());
    let widest = rows
        .map(|r| width(&markers(r, app).join(" ")))
        .max()
        .unwrap_or(0);
    widest.max(width(app.text(Msg::AlertsWord))) as u16
}

fn markers(row: &BoardRow, app: &App) -> Vec<String> {
    row.alerts.iter().map(|a| alert_marker(app, a)).collect()
}

fn draw_panel(
    frame: &mut Frame,
    area: Rect,
    board: &Board,
    panel: usize,
    app: &App,
    theme: &Theme,
) {
    let rows = panel_rows(board, panel);
    let active = app.board.panel == panel;
    let [head, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let mut hidden = (0, 0);
    if rows.is_empty() {
        let none = Span::styled(format!("  {}", app.text(Msg::NoneToday)), theme.dim());
        frame.render_widget(Paragraph::new(none), list);
    } else {
        let cols = columns(area.width, alerts_width(board, app));
        let constraints: Vec<Constraint> = cols.iter().map(|(_, c)| *c).collect();
        let widths = column_widths(&constraints, area.width);
        let table_rows: Vec<Row> = rows
            .iter()
            .map(|r| {
                Row::new(fit_cells(
                    board_cells(r, app, theme, &cols, &widths),
                    &widths,
                ))
            })
            .collect();
        let mut table = Table::new(table_rows, constraints).column_spacing(1);
        let with_header = list.height >= 3;
        if with_header {
            let cells = header_cells(app, &cols);
            table = table.header(Row::new(fit_cells(cells, &widths)).style(theme.dim()));
        }
        if active {
            table = table.row_highlight_style(theme.selected());
        }
        let mut state = TableState::default().with_selected(Some(app.board.selected[panel]));
        frame.render_stateful_widget(table, list, &mut state);
        let visible = usize::from(list.height.saturating_sub(u16::from(with_header)));
        let above = state.offset().min(rows.len());
        hidden = (above, rows.len().saturating_sub(above + visible));
    }
    let mut title_style = theme.title();
    if active {
        title_style = title_style.add_modifier(Modifier::REVERSED);
    }
    let mut spans = vec![Span::styled(
        format!(" {} ({}) ", panel_title(app, panel), rows.len()),
        title_style,
    )];
    let mut more = Vec::new();
    if hidden.0 > 0 {
        more.push(app.fill(Msg::TuiRowsAbove, &[("n", &hidden.0)]));
    }
    if hidden.1 > 0 {
        more.push(app.fill(Msg::TuiRowsBelow, &[("n", &hidden.1)]));
    }
    if !more.is_empty() {
        spans.push(Span::styled(format!(" {}", more.join(" · ")), theme.vip()));
    }
    frame.render_widget(
        Paragraph::new(cut_line(Line::from(spans), head.width.into())),
        head,
    );
}

/// `Arrivals today`, `明日抵店`, `Departures 06-17`: the panel names the day it shows.
fn panel_title(app: &App, panel: usize) -> String {
    crate::report::section_title(panel, app.board_date(), app.today(), app.lang())
}

fn header_cells<'a>(app: &App, cols: &[(Col, Constraint)]) -> Vec<Line<'a>> {
    cols.iter()
        .map(|(col, _)| {
            Line::raw(app.text(match col {
                Col::Room => Msg::Room,
                Col::Name => Msg::Name,
                Col::Vip => Msg::Vip,
                Col::Stays => Msg::TuiStaysShort,
                Col::Prefs => Msg::KeyPreferences,
                Col::Alerts => Msg::AlertsWord,
            }))
        })
        .collect()
}

fn board_cells<'a>(
    row: &BoardRow,
    app: &App,
    theme: &Theme,
    cols: &[(Col, Constraint)],
    widths: &[usize],
) -> Vec<Line<'a>> {
    cols.iter()
        .zip(widths)
        .map(|((col, _), w)| match col {
            Col::Room => Line::raw(row.room.clone().unwrap_or_else(|| "-".into())),
            Col::Name => {
                let mut name = vec![Span::raw(row.name.clone())];
                if let Some(latin) = row.name_latin.as_ref().filter(|l| **l != row.name) {
                    name.push(Span::styled(format!(" {latin}"), theme.dim()));
                }
                Line::from(name)
            }
            Col::Vip => Line::styled(row.vip.clone().unwrap_or_default(), theme.vip()),
            Col::Stays => Line::raw(format!("{:>3}", row.stay_count)),
            Col::Prefs => Line::raw(crate::report::preferences_line(
                row,
                &app.settings.catalog,
                app.lang(),
            )),
            Col::Alerts => Line::from(marker_spans(fit_markers(markers(row, app), *w), theme)),
        })
        .collect()
}
