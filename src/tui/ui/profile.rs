//! The profile screen: who the guest is and how to greet them, alerts that cannot be missed,
//! preferences by category, stays, complaints and praise; and the one-key entry popup.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::catalog::{Category, PAGE_SIZE};
use crate::i18n::Msg;
use crate::model::HitStay;
use crate::model::{
    Alert, Feedback, FeedbackKind, FeedbackStatus, Preference, Profile, Source, Stay, StayStatus,
    NOTE_MAX_CHARS,
};
use crate::rules::{current_stay, StayRow};
use crate::search::phone::masked;
use chrono::NaiveDate;

use super::{centered, fit, spinner, tail, width, wrap, Theme};
use crate::tui::app::{last_stay, next_stay, profile_alerts, App, Entry};
use crate::tui::keymap::{Action, Mode};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(profile) = &app.profile.profile else {
        let text = format!(" {} {}", spinner(app), app.text(Msg::TuiLoading));
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    if profile.erased_at.is_some() {
        return draw_erased(frame, area, profile, app, theme);
    }
    let header = header_lines(profile, app, theme, area.width.into());
    let header_height = (header.len() as u16).min(area.height);
    let [top, body] =
        Layout::vertical([Constraint::Length(header_height), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(header), top);
    draw_body(frame, body, profile, app, theme);
    if let Some(entry) = &app.profile.entry {
        draw_entry(frame, area, entry, app, theme);
    }
}

/// An erased guest: that it was erased and when, and the stays kept as anonymous statistics;
/// nothing that names the person (the tombstone holds nothing).
fn draw_erased(frame: &mut Frame, area: Rect, profile: &Profile, app: &App, theme: &Theme) {
    let max = usize::from(area.width.saturating_sub(1));
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" {} ", app.text(Msg::TuiErasedMark)), theme.alert()),
        Span::styled(format!("  {}", profile.guest.id), theme.dim()),
    ])];
    lines.push(Line::raw(""));
    for part in wrap(&app.erased_text(profile), max) {
        lines.push(Line::raw(part));
    }
    lines.push(Line::raw(""));
    lines.extend(stay_lines(profile, app, theme));
    let limit = (lines.len() as u16).saturating_sub(area.height);
    app.profile.scroll_limit.set(limit);
    app.profile.page.set(area.height.saturating_sub(1));
    let scroll = app.profile.scroll.min(limit);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

/// Where the guest stands today, by the lookup's own rule.
pub fn stay_now(profile: &Profile, today: NaiveDate) -> Option<HitStay> {
    let rows: Vec<StayRow> = profile
        .stays
        .iter()
        .map(|s| StayRow {
            arrival: s.arrival,
            departure: s.departure,
            room: s.room.clone(),
            status: s.status,
        })
        .collect();
    current_stay(&rows, today)
}

fn header_lines<'a>(profile: &Profile, app: &App, theme: &Theme, max: usize) -> Vec<Line<'a>> {
    let guest = &profile.guest;
    let today = app.today();
    let mut first = Vec::new();
    if let Some(vip) = &guest.vip {
        first.push(Span::styled(format!("[{vip}] "), theme.vip()));
    }
    first.push(Span::styled(guest.name.clone(), theme.title()));
    if let Some(latin) = guest.name_latin.as_ref().filter(|l| **l != guest.name) {
        first.push(Span::raw(format!("  {latin}")));
    }
    first.push(Span::styled(format!("  {}", guest.id), theme.dim()));
    let mut lines = vec![Line::from(first)];
    let mut facts: Vec<Vec<Span>> = Vec::new();
    if let Some(address) = &guest.preferred_address {
        facts.push(vec![
            Span::styled(format!("{} ", app.text(Msg::TuiGreetAs)), theme.dim()),
            Span::styled(address.clone(), theme.title()),
        ]);
    }
    facts.push(vec![Span::raw(
        app.fill(Msg::TuiStayCount, &[("n", &profile.stay_count)]),
    )]);
    let now = stay_now(profile, today);
    if let Some(now) = &now {
        facts.push(vec![Span::styled(
            now.text_in(app.lang(), today),
            theme.title(),
        )]);
    }
    let current = |s: &Stay| now.as_ref().is_some_and(|n| n.arrival == s.arrival);
    if let Some(stay) = last_stay(profile, today).filter(|s| !current(s)) {
        facts.push(vec![Span::raw(format!(
            "{} {}",
            app.text(Msg::TuiLastStay),
            stay.arrival.format("%Y-%m-%d")
        ))]);
    }
    if let Some(stay) = next_stay(profile, today).filter(|s| !current(s)) {
        let room = stay
            .room
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        facts.push(vec![Span::raw(format!(
            "{} {}{room}",
            app.text(Msg::TuiNextStay),
            stay.arrival.format("%Y-%m-%d")
        ))]);
    }
    lines.extend(flow(facts, max));
    lines.extend(banner(profile, app, theme, max));
    lines.extend(flow(contact_items(profile, app, theme), max));
    lines.push(Line::raw(""));
    lines
}

/// Alerts and flags as solid blocks: do-not-rent, open complaints, birthday this week. They
/// are never cut: a block that does not fit on the line goes on to the next.
fn banner<'a>(profile: &Profile, app: &App, theme: &Theme, max: usize) -> Vec<Line<'a>> {
    let words: Vec<String> = profile_alerts(profile, app.today())
        .iter()
        .map(|alert| alert_text(app, alert))
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    let mut used = 0;
    for word in words {
        let block = format!(" {word} ");
        let w = width(&block) + 1;
        if lines.is_empty() || (used + w > max && used > 0) {
            lines.push(Line::default());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push_span(Span::styled(block, theme.alert()));
            line.push_span(Span::raw(" "));
        }
        used += w;
    }
    lines
}

pub fn alert_text(app: &App, alert: &Alert) -> String {
    match alert {
        Alert::DoNotRent => app.text(Msg::AlertDoNotRent).to_string(),
        Alert::Flag { flag } => crate::i18n::flag_label(*flag, app.lang()).to_string(),
        Alert::OpenComplaint { count } => app.fill(Msg::TuiOpenComplaints, &[("count", count)]),
        Alert::Birthday { date } => {
            app.fill(Msg::AlertBirthday, &[("date", &date.format("%m-%d"))])
        }
        Alert::Anniversary { date } => {
            app.fill(Msg::AlertAnniversary, &[("date", &date.format("%m-%d"))])
        }
    }
}

/// Items left to right, two spaces apart; an item that does not fit on the line goes whole to
/// the next, so a narrow window (60 columns over SSH) never shows half a date or a name.
fn flow(items: Vec<Vec<Span<'_>>>, max: usize) -> Vec<Line<'_>> {
    let mut lines: Vec<Line> = Vec::new();
    let mut used = 0;
    for item in items {
        let w: usize = item.iter().map(|s| width(&s.content)).sum();
        match lines.last_mut() {
            Some(line) if used + 2 + w <= max => {
                line.push_span(Span::raw("  "));
                line.spans.extend(item);
                used += 2 + w;
            }
            _ => {
                lines.push(Line::from(item));
                used = w;
            }
        }
    }
    lines
}

/// The phones (one item) and the company.
fn contact_items<'a>(profile: &Profile, app: &App, theme: &Theme) -> Vec<Vec<Span<'a>>> {
    let guest = &profile.guest;
    let mut spans = vec![Span::styled(
        format!("{} ", app.text(Msg::TuiPhone)),
        theme.dim(),
    )];
    if guest.phones.is_empty() {
        spans.push(Span::raw("-"));
    }
    for (i, phone) in guest.phones.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(", "));
        }
        spans.push(Span::raw(masked(&phone.e164, 0)));
        if let Some(extension) = &phone.extension {
            spans.push(Span::raw(format!(" ext. {extension}")));
        }
        // A number the numbering plan does not know may be mistyped: say so before it is
        // dialled (as the printed profile does).
        if !phone.verified {
            spans.push(Span::styled(
                format!(" [{}]", app.text(Msg::PhoneUnverified)),
                theme.marker(),
            ));
        }
    }
    let mut items = vec![spans];
    if let Some(company) = &guest.company {
        items.push(vec![
            Span::styled(format!("{} ", app.text(Msg::TuiCompany)), theme.dim()),
            Span::raw(company.clone()),
        ]);
    }
    items
}

fn draw_body(frame: &mut Frame, area: Rect, profile: &Profile, app: &App, theme: &Theme) {
    let mut lines = preference_lines(profile, app, theme, area.width as usize);
    lines.push(Line::raw(""));
    lines.extend(stay_lines(profile, app, theme));
    lines.push(Line::raw(""));
    lines.extend(feedback_lines(profile, app, theme, area.width as usize));
    if let Some(notes) = &profile.guest.notes {
        lines.push(Line::raw(""));
        lines.push(Line::styled(app.text(Msg::TuiNotes), theme.title()));
        let max = (area.width as usize).saturating_sub(2);
        lines.extend(
            wrap(notes, max)
                .into_iter()
                .map(|l| Line::raw(format!("  {l}"))),
        );
    }
    let limit = (lines.len() as u16).saturating_sub(area.height);
    app.profile.scroll_limit.set(limit);
    app.profile.page.set(area.height.saturating_sub(1));
    let scroll = app.profile.scroll.min(limit);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

/// Preferences grouped by category in catalogue order, each with department, who and when.
fn preference_lines<'a>(profile: &Profile, app: &App, theme: &Theme, max: usize) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(app.text(Msg::TuiPreferences), theme.title())];
    let active: Vec<&Preference> = profile.active_preferences().collect();
    if active.is_empty() {
        let key = app.settings.keymap.hint(Mode::Profile, Action::Record);
        lines.push(Line::styled(
            format!("  {}", app.fill(Msg::TuiNoPreferences, &[("key", &key)])),
            theme.dim(),
        ));
        return lines;
    }
    let mut categories: Vec<&str> = app
        .settings
        .catalog
        .categories
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    for p in &active {
        if !categories.contains(&p.category.as_str()) {
            categories.push(&p.category);
        }
    }
    let label_width = categories
        .iter()
        .filter(|c| active.iter().any(|p| p.category == **c))
        .map(|c| width(&app.category_label(c)))
        .max()
        .unwrap_or(0)
        .min(max / 4);
    let value_width = 16.min(max / 3);
    for category in categories {
        let mut values: Vec<&str> = Vec::new();
        // Newest first; an older observation of the same value adds nothing to read.
        for pref in active.iter().filter(|p| p.category == category) {
            if values.contains(&pref.value.as_str()) {
                continue;
            }
            let label = if values.is_empty() {
                app.category_label(category)
            } else {
                String::new()
            };
            values.push(&pref.value);
            let value = app.value_label(category, &pref.value);
            let spans = vec![
                Span::styled(format!("  {}", fit(&label, label_width)), theme.dim()),
                Span::raw("  "),
                Span::styled(fit(&value, value_width), theme.title()),
                Span::raw(" "),
                Span::styled(observed(pref, app), theme.dim()),
            ];
            let line = Line::from(spans);
            let indent = 2 + label_width + 2;
            match pref.note.as_deref().map(|n| format!("“{n}”")) {
                Some(note) if line.width() + 2 + width(&note) <= max => {
                    let mut line = line;
                    line.push_span(Span::raw(format!("  {note}")));
                    lines.push(line);
                }
                Some(note) => {
                    lines.push(line);
                    for part in wrap(&note, max.saturating_sub(indent)) {
                        lines.push(Line::raw(format!("{}{part}", " ".repeat(indent))));
                    }
                }
                None => lines.push(line),
            }
        }
    }
    lines
}

/// `Housekeeping · lihua · 2026-05-01`
fn observed(pref: &Preference, app: &App) -> String {
    let mut parts = Vec::new();
    if let Some(source) = pref.source {
        parts.push(source_label(app, source).to_string());
    }
    if let Some(by) = &pref.observed_by {
        parts.push(by.clone());
    }
    let local = pref.observed_at.with_timezone(&app.clock.offset);
    parts.push(local.format("%Y-%m-%d").to_string());
    parts.join(" · ")
}

pub fn source_label(app: &App, source: Source) -> &'static str {
    app.text(match source {
        Source::FrontOffice => Msg::TuiSourceFrontOffice,
        Source::Housekeeping => Msg::TuiSourceHousekeeping,
        Source::Fnb => Msg::TuiSourceFnb,
        Source::Concierge => Msg::TuiSourceConcierge,
        Source::CallCentre => Msg::TuiSourceCallCentre,
        Source::Guest => Msg::TuiSourceGuest,
    })
}

fn stay_lines<'a>(profile: &Profile, app: &App, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(app.text(Msg::TuiStayHistory), theme.title())];
    if profile.stays.is_empty() {
        lines.push(Line::styled(
            format!("  {}", app.text(Msg::NoneToday)),
            theme.dim(),
        ));
    }
    for stay in &profile.stays {
        lines.push(stay_line(stay, app, theme));
    }
    lines
}

fn stay_line<'a>(stay: &Stay, app: &App, theme: &Theme) -> Line<'a> {
    let room = stay.room.clone().unwrap_or_else(|| "-".into());
    let status = stay_status_label(app, stay.status);
    let mut spans = vec![
        Span::raw(format!(
            "  {} → {}  ",
            stay.arrival.format("%Y-%m-%d"),
            stay.departure.format("%m-%d")
        )),
        Span::raw(fit(&room, 5)),
        Span::raw(" "),
        Span::raw(fit(status, status_width(app))),
        Span::styled(format!(" {}", stay.reservation_id), theme.dim()),
    ];
    if let Some(vip) = &stay.vip {
        spans.push(Span::styled(format!(" [{vip}]"), theme.vip()));
    }
    if let Some(room_type) = &stay.room_type {
        spans.push(Span::styled(format!(" {room_type}"), theme.dim()));
    }
    Line::from(spans)
}

/// The stay history's status column: as wide as the longest status in the user's language,
/// so that none is cut (`Cancelled`).
fn status_width(app: &App) -> usize {
    StayStatus::ALL
        .iter()
        .map(|s| width(stay_status_label(app, *s)))
        .max()
        .unwrap_or(0)
}

pub fn stay_status_label(app: &App, status: StayStatus) -> &'static str {
    app.text(match status {
        StayStatus::Expected => Msg::TuiStayExpected,
        StayStatus::InHouse => Msg::InHouse,
        StayStatus::Departed => Msg::TuiStayDeparted,
        StayStatus::Cancelled => Msg::TuiStayCancelled,
        StayStatus::NoShow => Msg::TuiStayNoShow,
    })
}

fn feedback_lines<'a>(profile: &Profile, app: &App, theme: &Theme, max: usize) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(app.text(Msg::TuiFeedback), theme.title())];
    if profile.feedback.is_empty() {
        lines.push(Line::styled(
            format!("  {}", app.text(Msg::NoneToday)),
            theme.dim(),
        ));
    }
    for item in &profile.feedback {
        lines.extend(feedback_item(item, app, theme, max));
    }
    lines
}

/// `! 2026-05-02 Complaint Housekeeping (open)` and the text wrapped below it.
fn feedback_item<'a>(item: &Feedback, app: &App, theme: &Theme, max: usize) -> Vec<Line<'a>> {
    let (mark, kind) = match item.kind {
        FeedbackKind::Complaint => ("!", app.text(Msg::TuiComplaint)),
        FeedbackKind::Praise => ("+", app.text(Msg::TuiPraise)),
    };
    let date = item.at.with_timezone(&app.clock.offset).format("%Y-%m-%d");
    let department = item.department.map(|d| source_label(app, d)).unwrap_or("");
    let head = format!("  {mark} {date} {kind} {department}");
    let style = if item.is_open_complaint() {
        theme.marker()
    } else {
        theme.dim()
    };
    let mut first = vec![Span::styled(head, style)];
    match item.status {
        Some(FeedbackStatus::Open) => {
            first.push(Span::styled(
                format!(" ({})", app.text(Msg::TuiOpen)),
                theme.marker(),
            ));
        }
        Some(FeedbackStatus::Resolved) => {
            first.push(Span::styled(
                format!(" ({})", app.text(Msg::TuiResolved)),
                theme.dim(),
            ));
        }
        None => {}
    }
    let mut lines = vec![Line::from(first)];
    let text_width = max.saturating_sub(6);
    for part in wrap(&item.text, text_width) {
        lines.push(Line::raw(format!("      {part}")));
    }
    if let Some(resolution) = item
        .resolution
        .as_deref()
        .filter(|_| item.status == Some(FeedbackStatus::Resolved))
    {
        for part in wrap(&format!("→ {resolution}"), text_width) {
            lines.push(Line::styled(format!("      {part}"), theme.dim()));
        }
    }
    lines
}

// ---------------------------------------------------------------- one-key entry popup

fn draw_entry(frame: &mut Frame, area: Rect, entry: &Entry, app: &App, theme: &Theme) {
    let catalog = &app.settings.catalog;
    let popup_width = area.width.saturating_sub(4).min(POPUP_WIDTH);
    let inner_width = popup_width.saturating_sub(2);
    let (title, lines, input) = match entry {
        Entry::Category => (
            app.text(Msg::TuiRecordTitle).to_string(),
            category_grid(app, theme, inner_width),
            None,
        ),
        Entry::Options { category, page } => match catalog.get(category) {
            Some(cat) => option_list(cat, *page, app, theme, inner_width),
            None => return,
        },
        Entry::Number { category, text } => {
            let title = app.category_label(category);
            let lines = vec![Line::raw(app.number_range(category))];
            (title, lines, Some(text.clone()))
        }
        Entry::Note { pref, text } => {
            let title = app.fill(
                Msg::TuiNoteTitle,
                &[
                    ("category", &app.category_label(&pref.category)),
                    ("value", &app.value_label(&pref.category, &pref.value)),
                ],
            );
            (title, Vec::new(), Some(text.clone()))
        }
    };
    let mut lines: Vec<Line> = lines.into_iter().map(|l| pad_left(l)).collect();
    let input_rows = u16::from(input.is_some());
    let popup = centered(area, popup_width, lines.len() as u16 + input_rows + 2);
    frame.render_widget(Clear, popup);
    let mut block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme.title()));
    // A grid taller than the popup scrolls (record mode's page keys); the frame says so.
    let room = usize::from(popup.height.saturating_sub(2 + input_rows));
    let total = lines.len();
    let scroll = app.profile.entry_scroll.min(total.saturating_sub(room));
    app.profile.entry_rows.set((room, total));
    if total > room {
        let key = app.settings.keymap.hint(Mode::Record, Action::NextPage);
        let more = app.fill(Msg::TuiMoreKey, &[("key", &key)]);
        let shown = format!("{}-{}/{total}", scroll + 1, (scroll + room).min(total));
        block = block.title_bottom(Span::styled(format!(" {shown} · {more} "), theme.vip()));
    }
    if let Entry::Note { text, .. } = entry {
        let n = text.chars().count();
        let count = app.fill(Msg::TuiNoteCount, &[("n", &n), ("max", &NOTE_MAX_CHARS)]);
        let style = if n > NOTE_MAX_CHARS {
            theme.error()
        } else {
            theme.dim()
        };
        block = block.title_bottom(Span::styled(format!(" {count} "), style));
    }
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    lines = lines.into_iter().skip(scroll).take(room).collect();
    let prompt = " › ";
    if let Some(text) = &input {
        // The end of a long input and the cursor after it stay in view.
        let shown = tail(
            text,
            usize::from(inner.width).saturating_sub(width(prompt) + 1),
        );
        let x = inner.x + (width(prompt) + width(&shown)) as u16;
        lines.push(Line::from(vec![
            Span::styled(prompt, theme.key()),
            Span::raw(shown),
        ]));
        let y = inner.y + inner.height.saturating_sub(1);
        if inner.width > 0 && inner.height > 0 {
            frame.set_cursor_position(Position::new(x.min(inner.right().saturating_sub(1)), y));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

const POPUP_WIDTH: u16 = 92;

/// One column of space inside the popup's border.
fn pad_left(line: Line<'_>) -> Line<'_> {
    let mut spans = vec![Span::raw(" ")];
    spans.extend(line.spans);
    Line::from(spans)
}

/// Every category as `letter label`, in as many columns of 22 as fit in the popup's `inner`
/// width (at most four).
fn category_grid<'a>(app: &App, theme: &Theme, inner: u16) -> Vec<Line<'a>> {
    let cats = &app.settings.catalog.categories;
    let cell = 22;
    let per_row = (usize::from(inner.saturating_sub(1)) / cell).clamp(1, 4);
    let cell = cell.min(usize::from(inner.saturating_sub(1)));
    cats.chunks(per_row)
        .map(|row| {
            let mut spans = Vec::new();
            for cat in row {
                spans.push(Span::styled(format!("{} ", cat.letter), theme.key()));
                spans.push(Span::raw(fit(
                    cat.label(app.lang()),
                    cell.saturating_sub(2),
                )));
            }
            Line::from(spans)
        })
        .collect()
}

/// The options on one page as `digit label`, in as many columns of 24 as fit in the popup's
/// `inner` width (at most three), with the page and how to turn it.
fn option_list<'a>(
    cat: &Category,
    page: usize,
    app: &App,
    theme: &Theme,
    inner: u16,
) -> (String, Vec<Line<'a>>, Option<String>) {
    let cell = 24;
    let per_row = (usize::from(inner.saturating_sub(1)) / cell).clamp(1, 3);
    let label_width = (cell - 2).min(usize::from(inner.saturating_sub(3)));
    let mut title = cat.label(app.lang()).to_string();
    let pages = cat.pages();
    if pages > 1 {
        let key = app.settings.keymap.hint(Mode::Record, Action::NextPage);
        let turn = app.fill(
            Msg::TuiPage,
            &[("page", &(page + 1)), ("pages", &pages), ("key", &key)],
        );
        title = format!("{title} · {turn}");
    }
    let lines = (1..=PAGE_SIZE as u32)
        .filter_map(|digit| cat.choice_at(page, digit).map(|c| (digit, c)))
        .collect::<Vec<_>>()
        .chunks(per_row)
        .map(|row| {
            let mut spans = Vec::new();
            for (digit, choice) in row {
                spans.push(Span::styled(format!("{digit} "), theme.key()));
                spans.push(Span::raw(fit(choice.label(app.lang()), label_width)));
            }
            Line::from(spans)
        })
        .collect();
    (title, lines, None)
}
