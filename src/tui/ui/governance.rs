//! The governance screens: a profile's likely duplicates, two profiles side by side before a
//! merge (differences marked with `≠` and bold, not by colour alone), a profile's history,
//! and the retention screen.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use super::{column_widths, cut_line, fit_cells, spinner, wrap, Theme};
use crate::i18n::{dupe_reasons, Msg};
use crate::model::{GuestField, Profile};
use crate::tui::app::App;
use crate::tui::form::guest_text;

fn heading<'a>(text: String, app: &App, theme: &Theme, width: u16) -> Paragraph<'a> {
    let line = Line::from(vec![
        Span::styled(format!(" {text} "), theme.title()),
        Span::raw(format!(" {}", spinner(app))),
    ]);
    Paragraph::new(cut_line(line, width.into()))
}

pub fn draw_merge(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if app.merge.comparing {
        return draw_compare(frame, area, app, theme);
    }
    let [title, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let id = app.merge.of.as_ref().map(|p| p.guest.id.0.clone());
    let text = app.fill(Msg::TuiMergeWithTitle, &[("id", &id.unwrap_or_default())]);
    frame.render_widget(heading(text, app, theme, title.width), title);
    let constraints = [
        Constraint::Length(3),
        Constraint::Length(9),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ];
    let widths = column_widths(&constraints, list.width);
    let rows: Vec<Row> = app
        .merge
        .candidates
        .iter()
        .map(|(pair, p)| {
            let cells = vec![
                Line::raw(pair.score.to_string()),
                Line::raw(p.guest.id.0.clone()),
                Line::raw(p.guest.name.clone()),
                Line::styled(dupe_reasons(&pair.reasons, app.lang()), theme.dim()),
            ];
            Row::new(fit_cells(cells, &widths))
        })
        .collect();
    let table = Table::new(rows, constraints)
        .column_spacing(1)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(app.merge.selected));
    frame.render_stateful_widget(table, list, &mut state);
}

/// The key fields of a profile as compared: label and text.
fn fields(app: &App, p: &Profile) -> Vec<(&'static str, String)> {
    let g = &p.guest;
    let text = |f| guest_text(g, f);
    let document = match (g.id_doc_type, &g.id_doc_number) {
        (Some(t), Some(n)) => format!("{t} {n}"),
        (None, Some(n)) => n.clone(),
        _ => String::new(),
    };
    vec![
        (Msg::TuiFieldName, text(GuestField::Name)),
        (Msg::TuiFieldNameLatin, text(GuestField::NameLatin)),
        (Msg::TuiFieldGreeting, text(GuestField::PreferredAddress)),
        (Msg::TuiFieldBorn, text(GuestField::BirthDate)),
        (Msg::TuiFieldPhones, text(GuestField::Phones)),
        (Msg::TuiFieldEmails, text(GuestField::Emails)),
        (Msg::TuiFieldIdDoc, document),
        (Msg::TuiFieldCompany, text(GuestField::Company)),
        (Msg::TuiFieldVip, text(GuestField::Vip)),
        (Msg::TuiFieldFlags, text(GuestField::Flags)),
        (Msg::TuiFieldStays, p.stay_count.to_string()),
    ]
    .into_iter()
    .map(|(m, t)| (app.text(m), t))
    .collect()
}

/// Two columns: the kept profile on the left, the one merged into it on the right; a field
/// that differs is marked `≠` and drawn bold on both sides.
fn draw_compare(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some((keep, other, pair)) = app.merge.sides() else {
        return;
    };
    let [title, reasons, table_area, note] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let text = format!("{} ← {}", keep.guest.id.0, other.guest.id.0);
    frame.render_widget(heading(text, app, theme, title.width), title);
    let why = format!(" {}", dupe_reasons(&pair.reasons, app.lang()));
    frame.render_widget(Paragraph::new(why).style(theme.dim()), reasons);
    let constraints = [
        Constraint::Length(13),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ];
    let widths = column_widths(&constraints, table_area.width);
    let header = Row::new(fit_cells(
        vec![
            Line::raw(""),
            Line::styled(
                format!("{} {}", app.text(Msg::TuiMergeKeep), keep.guest.id.0),
                theme.title(),
            ),
            Line::styled(
                format!("{} {}", app.text(Msg::TuiMergeGoes), other.guest.id.0),
                theme.title(),
            ),
        ],
        &widths,
    ));
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let rows: Vec<Row> = fields(app, keep)
        .into_iter()
        .zip(fields(app, other))
        .map(|((label, left), (_, right))| {
            let differs = left != right;
            let mark = if differs { "≠ " } else { "  " };
            let style = if differs { bold } else { Style::new() };
            Row::new(fit_cells(
                vec![
                    Line::styled(format!("{mark}{label}"), style),
                    Line::styled(left, style),
                    Line::styled(right, style),
                ],
                &widths,
            ))
        })
        .collect();
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, table_area);
    let hint = Paragraph::new(format!(" {}", app.text(Msg::TuiMergeDiffers))).style(theme.dim());
    frame.render_widget(hint, note);
}

pub fn draw_history(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [title, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let id = app
        .history
        .id
        .as_ref()
        .map(|i| i.0.clone())
        .unwrap_or_default();
    let text = app.fill(Msg::TuiHistoryTitle, &[("id", &id)]);
    frame.render_widget(heading(text, app, theme, title.width), title);
    if app.history.entries.is_empty() {
        let none = app.fill(Msg::TuiHistoryEmpty, &[("id", &id)]);
        let text = Paragraph::new(format!(" {none}"))
            .style(theme.dim())
            .wrap(Wrap { trim: false });
        frame.render_widget(text, list);
        return;
    }
    let lines: Vec<Line> = app
        .history
        .entries
        .iter()
        .skip(app.history.scroll)
        .map(|e| {
            let at = e.at.with_timezone(&app.clock.offset);
            let line = Line::from(vec![
                Span::styled(format!(" {} ", at.format("%Y-%m-%d %H:%M")), theme.dim()),
                Span::styled(format!("{} ", e.user), theme.key()),
                Span::styled(
                    format!("{} ", e.host.as_deref().unwrap_or("-")),
                    theme.dim(),
                ),
                Span::styled(
                    format!(
                        "{} ",
                        crate::i18n::audit_action_label(&e.action, app.lang())
                    ),
                    theme.title(),
                ),
                Span::raw(crate::i18n::printable(&e.detail, false).into_owned()),
            ]);
            cut_line(line, list.width.into())
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

/// The retention screen: the dry run's summary, the profiles that would go and those
/// blocked with why, then the destruction record; one scrolling list cut to the width, and
/// under it the purge's question while it waits for its answer.
pub fn draw_retention(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let view = &app.retention;
    let width = usize::from(area.width);
    // The purge's question stays under the list until it is answered; the keys are in the
    // status line, offered to the roles that may use them.
    let footer: Vec<Line> = match view.confirming {
        true => wrap(&app.purge_question(), width.saturating_sub(1))
            .into_iter()
            .map(|l| Line::styled(format!(" {l}"), theme.alert()))
            .collect(),
        false => Vec::new(),
    };
    let [title, list, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(footer.len() as u16),
    ])
    .areas(area);
    let cutoff = view.report.as_ref().map(|r| r.cutoff.to_string());
    let text = app.fill(
        Msg::TuiRetentionTitle,
        &[("cutoff", &cutoff.unwrap_or_default())],
    );
    frame.render_widget(heading(text, app, theme, title.width), title);
    let lines = retention_lines(app, theme, width);
    let height = usize::from(list.height);
    view.page.set(height);
    view.scroll_limit.set(lines.len().saturating_sub(height));
    let shown: Vec<Line> = lines.into_iter().skip(view.scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown), list);
    frame.render_widget(Paragraph::new(footer), foot);
}

/// Every line of the retention screen, each fitted to `width`.
fn retention_lines<'a>(app: &App, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    use crate::report::retention::{candidate_line, destruction_parts, purge_summary};
    let view = &app.retention;
    let lang = app.lang();
    let mut lines = Vec::new();
    let row = |text: String| cut_line(Line::raw(format!("   {text}")), width);
    let title = |msg: Msg| Line::styled(format!(" {}", app.text(msg)), theme.title());
    if let Some(report) = &view.report {
        for part in wrap(&purge_summary(report, lang), width.saturating_sub(2)) {
            lines.push(Line::raw(format!(" {part}")));
        }
        if !report.guests.is_empty() {
            lines.push(Line::raw(""));
            lines.push(title(Msg::TuiRetentionGoes));
            lines.extend(report.guests.iter().map(|c| row(candidate_line(c, lang))));
        }
        if !report.blocked_guests.is_empty() {
            lines.push(Line::raw(""));
            lines.push(title(Msg::TuiRetentionBlocked));
            let blocked = report.blocked_guests.iter();
            lines.extend(blocked.map(|c| row(candidate_line(c, lang))));
        }
    }
    lines.push(Line::raw(""));
    lines.push(title(Msg::TuiDestructionsTitle));
    if view.destructions.is_empty() {
        let none = format!("   {}", app.text(Msg::NoDestructions));
        lines.push(Line::styled(none, theme.dim()));
    }
    // Two lines an entry: when, who, why and the reference; the counts under them.
    let offset = app.clock.offset;
    for d in &view.destructions {
        let (head, counts, note) = destruction_parts(d, lang, &offset);
        lines.push(row(format!("{}  {note}", head.trim_end())));
        let indent = "      ";
        for part in wrap(&counts, width.saturating_sub(3 + indent.len())) {
            lines.push(Line::styled(format!("   {indent}{part}"), theme.dim()));
        }
    }
    lines
}
