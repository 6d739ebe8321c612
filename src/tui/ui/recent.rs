//! The recent-profiles list: the profiles the acting user last opened on this terminal, newest
//! first, each with where the guest stands today and the alerts not to miss.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::i18n::Msg;
use crate::model::Profile;
use crate::search::phone::masked;

use super::profile::stay_now;
use super::{alert_marker, column_widths, cut_line, fit_cells, marker_spans, spinner, Theme};
use crate::tui::app::{last_stay, profile_alerts, App};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [title, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let user = &app.settings.user;
    let heading = Line::from(vec![
        Span::styled(
            format!(" {} ", app.fill(Msg::TuiRecentTitle, &[("user", user)])),
            theme.title(),
        ),
        Span::raw(format!(" {}", spinner(app))),
    ]);
    frame.render_widget(Paragraph::new(cut_line(heading, title.width.into())), title);
    let recent = &app.recent;
    if recent.profiles.is_empty() {
        if recent.pending.is_none() {
            let none = app.fill(Msg::TuiRecentNone, &[("user", user)]);
            let text = Paragraph::new(format!(" {none}"))
                .style(theme.dim())
                .wrap(Wrap { trim: false });
            frame.render_widget(text, list);
        }
        return;
    }
    let wide = list.width >= 70;
    let rows: Vec<Vec<Line>> = recent
        .profiles
        .iter()
        .map(|p| cells(p, app, theme, wide))
        .collect();
    // The stay and the alerts take what their longest row needs (alerts are never cut); the
    // name takes the rest.
    let widest = |col: usize, cap: usize| {
        let w = rows.iter().map(|r| r.get(col).map_or(0, Line::width)).max();
        w.unwrap_or(0).min(cap) as u16
    };
    let mut constraints = vec![
        Constraint::Length(3),
        Constraint::Fill(1),
        Constraint::Length(15),
    ];
    if wide {
        let cap = if list.width >= 100 { 30 } else { 22 };
        constraints.push(Constraint::Length(widest(3, cap)));
    }
    constraints.push(Constraint::Length(widest(constraints.len(), 24)));
    let widths = column_widths(&constraints, list.width);
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|cells| Row::new(fit_cells(cells, &widths)))
        .collect();
    let table = Table::new(rows, constraints)
        .column_spacing(1)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(recent.selected));
    frame.render_stateful_widget(table, list, &mut state);
}

/// VIP, name, phone, (where the guest stands today or the last stay), alerts; an erased
/// guest is marked so by its id, with the day it was erased in place of the stay.
fn cells<'a>(profile: &Profile, app: &App, theme: &Theme, wide: bool) -> Vec<Line<'a>> {
    let guest = &profile.guest;
    let today = app.today();
    // Erased since it was opened: nothing of the person is left to show.
    if profile.erased_at.is_some() {
        let mut cells = vec![
            Line::raw(""),
            Line::from(vec![
                Span::styled(app.text(Msg::TuiErasedMark), theme.marker()),
                Span::styled(format!(" {}", guest.id), theme.dim()),
            ]),
            Line::raw(""),
        ];
        if wide {
            cells.push(Line::styled(app.erased_short(profile), theme.dim()));
        }
        cells.push(Line::raw(""));
        return cells;
    }
    let mut name = vec![Span::raw(guest.name.clone())];
    if let Some(latin) = guest.name_latin.as_ref().filter(|l| **l != guest.name) {
        name.push(Span::styled(format!(" {latin}"), theme.dim()));
    }
    let phone = guest
        .phones
        .first()
        .map(|p| masked(&p.e164, 0))
        .unwrap_or_default();
    let mut cells = vec![
        Line::styled(guest.vip.clone().unwrap_or_default(), theme.vip()),
        Line::from(name),
        Line::raw(phone),
    ];
    if wide {
        let stay = match stay_now(profile, today) {
            Some(now) => now.text_in(app.lang(), today),
            None => last_stay(profile, today)
                .map(|s| s.arrival.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        };
        cells.push(Line::raw(stay));
    }
    let markers = profile_alerts(profile, today)
        .iter()
        .map(|a| alert_marker(app, a))
        .collect();
    cells.push(Line::from(marker_spans(markers, theme)));
    cells
}
