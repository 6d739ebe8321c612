//! The VIP reception board: arrivals, in-house guests and departures for one business date,
//! each row with room, name, VIP code, stay count, key preferences and alert markers.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

use crate::i18n::Msg;
use crate::model::{Board, BoardRow};

use super::{alert_marker, marker_spans, spinner, Theme};
use crate::tui::app::{panel_rows, App};

const PANELS: [Msg; 3] = [Msg::Arrivals, Msg::InHouse, Msg::Departures];

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
    let mut title_style = theme.title();
    if active {
        title_style = title_style.add_modifier(Modifier::REVERSED);
    }
    let title = format!(" {} ({}) ", app.text(PANELS[panel]), rows.len());
    let [head, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(Span::styled(title, title_style)), head);
    if rows.is_empty() {
        let none = Span::styled(format!("  {}", app.text(Msg::NoneToday)), theme.dim());
        frame.render_widget(Paragraph::new(none), list);
        return;
    }
    let wide = area.width >= 60;
    let table_rows: Vec<Row> = rows
        .iter()
        .map(|r| board_row(r, app, theme, wide))
        .collect();
    let mut table = Table::new(table_rows, widths(area.width, wide)).column_spacing(1);
    if list.height >= 3 {
        table = table.header(header(app, theme, wide));
    }
    if active {
        table = table.row_highlight_style(theme.selected());
    }
    let mut state = TableState::default().with_selected(Some(app.board.selected[panel]));
    frame.render_stateful_widget(table, list, &mut state);
}

fn widths(total: u16, wide: bool) -> Vec<Constraint> {
    let name = if total >= 110 { 26 } else { 18 };
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(name),
        Constraint::Length(3),
    ];
    if wide {
        widths.push(Constraint::Length(3));
        widths.push(Constraint::Fill(1));
        widths.push(Constraint::Length(if total >= 110 { 18 } else { 10 }));
    } else {
        widths[1] = Constraint::Fill(1);
        widths.push(Constraint::Length(6));
    }
    widths
}

fn header<'a>(app: &App, theme: &Theme, wide: bool) -> Row<'a> {
    let mut cells = vec![app.text(Msg::Room), app.text(Msg::Name), app.text(Msg::Vip)];
    if wide {
        cells.push(app.text(Msg::TuiStaysShort));
        cells.push(app.text(Msg::KeyPreferences));
    }
    cells.push(app.text(Msg::AlertsWord));
    Row::new(cells).style(theme.dim())
}

fn board_row<'a>(row: &BoardRow, app: &App, theme: &Theme, wide: bool) -> Row<'a> {
    let mut name = vec![Span::raw(row.name.clone())];
    if let Some(latin) = row.name_latin.as_ref().filter(|l| **l != row.name) {
        name.push(Span::styled(format!(" {latin}"), theme.dim()));
    }
    let mut cells = vec![
        Line::raw(row.room.clone().unwrap_or_else(|| "-".into())),
        Line::from(name),
        Line::styled(row.vip.clone().unwrap_or_default(), theme.vip()),
    ];
    if wide {
        cells.push(Line::raw(format!("{:>3}", row.stay_count)));
        let catalog = &app.settings.catalog;
        let mut ordered: Vec<_> = row.preferences.iter().collect();
        ordered.sort_by_key(|p| catalog.position(&p.category));
        let prefs: Vec<String> = ordered
            .into_iter()
            .map(|p| {
                app.settings
                    .catalog
                    .value_item(&p.category, &p.value, app.lang())
            })
            .collect();
        cells.push(Line::raw(prefs.join(", ")));
    }
    let markers = row.alerts.iter().map(|a| alert_marker(app, a)).collect();
    cells.push(Line::from(marker_spans(markers, theme)));
    Row::new(cells)
}
