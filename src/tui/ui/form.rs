//! A form on screen (new profile, edit, complaint or praise, sign-in): one labelled line per
//! field, the refusal under the field it is about, and the keys that work.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::i18n::Msg;
use crate::model::{FeedbackKind, GuestField, Source, NOTE_MAX_CHARS};

use super::profile::source_label;
use super::{fit, tail, width, wrap, Theme};
use crate::tui::app::App;
use crate::tui::form::{Field, FieldKey, Form, FormKind};
use crate::tui::keymap::{Action, Mode};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form, theme: &Theme) {
    let max = usize::from(area.width.saturating_sub(2));
    let mut lines = vec![Line::styled(title(app, form), theme.title())];
    // Wrapped here, by display width, so Chinese sentences break between characters.
    if form.kind == FormKind::SignIn {
        let help = wrap(app.text(Msg::TuiSignInHelp), max);
        lines.extend(help.into_iter().map(|l| Line::styled(l, theme.dim())));
    }
    // What erasing does, before anything is typed: it cannot be undone.
    if let FormKind::Erase { guest, .. } = &form.kind {
        let warning = app.fill(Msg::TuiEraseWarning, &[("id", guest)]);
        lines.extend(
            wrap(&warning, max)
                .into_iter()
                .map(|l| Line::styled(l, theme.error())),
        );
    }
    if let Some(notice) = &form.notice {
        let notice = wrap(notice, max);
        lines.extend(notice.into_iter().map(|l| Line::styled(l, theme.error())));
    }
    lines.push(Line::raw(""));
    let label_width = form
        .fields
        .iter()
        .map(|f| width(label(app, f.key)))
        .max()
        .unwrap_or(0);
    let prompt = " › ";
    let room = max.saturating_sub(label_width + width(prompt) + 1);
    let mut cursor = None;
    for (at, field) in form.fields.iter().enumerate() {
        let focused = at == form.focus;
        let (shown, typed_width) = value_text(app, field, focused, room);
        let label_style = if focused { theme.key() } else { theme.dim() };
        if focused && field.key.choices().is_none() {
            let x = label_width + width(prompt) + typed_width;
            cursor = Some((x, lines.len()));
        }
        lines.push(Line::from(vec![
            Span::styled(fit(label(app, field.key), label_width), label_style),
            Span::styled(prompt, label_style),
            Span::raw(shown),
        ]));
        let indent = " ".repeat(label_width + width(prompt));
        if let Some(stored) = &field.stored {
            let text = app.fill(Msg::TuiFieldStored, &[("value", stored)]);
            lines.push(Line::styled(
                format!("{indent}{}", fit(&text, room)),
                theme.vip(),
            ));
        }
        if let Some(error) = &field.error {
            for part in wrap(error, room.max(20)) {
                lines.push(Line::styled(format!("{indent}{part}"), theme.error()));
            }
        }
    }
    // The message line shows the keys every form has; how to change a choice only where
    // there is one.
    if form.fields.iter().any(|f| f.key.choices().is_some()) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(keys_line(app), theme.dim()));
    }
    let inner = Rect {
        x: area.x.saturating_add(1).min(area.right()),
        width: area.width.saturating_sub(1),
        ..area
    };
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        let (x, y) = (inner.x + x as u16, inner.y + y as u16);
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

fn title(app: &App, form: &Form) -> String {
    match &form.kind {
        FormKind::NewGuest => app.text(Msg::TuiNewGuestTitle).to_string(),
        FormKind::Edit { base } => app.fill(
            Msg::TuiEditTitle,
            &[
                ("name", &base.name),
                ("id", &base.id),
                ("version", &base.version),
            ],
        ),
        FormKind::Feedback { name, .. } => app.fill(Msg::TuiFeedbackTitle, &[("name", name)]),
        FormKind::SignIn => app.text(Msg::TuiSignInTitle).to_string(),
        FormKind::Reveal { name, .. } => app.fill(Msg::TuiRevealTitle, &[("name", name)]),
        FormKind::Erase { guest, name } => {
            app.fill(Msg::TuiEraseTitle, &[("name", name), ("id", guest)])
        }
    }
}

fn label(app: &App, key: FieldKey) -> &'static str {
    app.text(key.label())
}

/// What a field shows: a choice by its label between arrows, a password as stars, text with
/// its end in view while typed; the text field counts characters against the limit. Also
/// the width of the typed part, where the cursor goes.
fn value_text(app: &App, field: &Field, focused: bool, room: usize) -> (String, usize) {
    let text = match field.key {
        FieldKey::Kind => {
            let kind = FeedbackKind::parse(&field.text).unwrap_or(FeedbackKind::Complaint);
            let label = match kind {
                FeedbackKind::Complaint => app.text(Msg::TuiComplaint),
                FeedbackKind::Praise => app.text(Msg::TuiPraise),
            };
            return (format!("< {label} >"), 0);
        }
        FieldKey::Department => {
            let label = Source::parse(&field.text).map_or("-", |s| source_label(app, s));
            return (format!("< {label} >"), 0);
        }
        FieldKey::Password => "*".repeat(field.text.chars().count()),
        FieldKey::RevealField => {
            let label =
                GuestField::parse(&field.text).map_or("-", |f| label(app, FieldKey::Guest(f)));
            return (format!("< {label} >"), 0);
        }
        _ => field.text.clone(),
    };
    let count = if field.key == FieldKey::Text && focused {
        let n = field.text.chars().count();
        format!(
            "  ({})",
            app.fill(Msg::TuiNoteCount, &[("n", &n), ("max", &NOTE_MAX_CHARS)])
        )
    } else {
        String::new()
    };
    let room = room.saturating_sub(width(&count));
    let shown = if focused {
        tail(&text, room)
    } else {
        fit(&text, room).trim_end().to_string()
    };
    let typed = width(&shown);
    if count.is_empty() {
        (shown, typed)
    } else {
        (format!("{}{count}", fit(&shown, room)), typed)
    }
}

fn keys_line(app: &App) -> String {
    let keymap = &app.settings.keymap;
    app.fill(
        Msg::TuiFormKeys,
        &[
            ("next", &keymap.hint(Mode::Form, Action::NextField)),
            ("choice", &keymap.hint(Mode::Form, Action::NextChoice)),
            ("submit", &keymap.hint(Mode::Form, Action::Submit)),
            ("cancel", &keymap.hint(Mode::Form, Action::Cancel)),
        ],
    )
}
