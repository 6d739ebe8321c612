//! What the store accepts as data, checked inside the store against the hotel's settings, so
//! a terminal with a stale or hostile config cannot store an unknown category or VIP code.

use crate::catalog::Catalog;
use crate::model::{
    Guest, Invalid, NewFeedback, NewPreference, Problem, Settings, Stay, NOTE_MAX_CHARS,
};

/// The longest name, company or other one-line field, in characters.
pub const LINE_MAX_CHARS: usize = 200;

/// Text a person entered: no control characters (tab and line breaks only where `multiline`),
/// at most `max` characters.
pub fn text(field: &str, value: &str, max: usize, multiline: bool) -> Result<(), Invalid> {
    let allowed = |c: char| multiline && matches!(c, '\t' | '\n' | '\r');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(Invalid::new(field, Problem::ControlCharacter));
    }
    if value.chars().count() > max {
        return Err(Invalid::new(field, Problem::TooLong { max }));
    }
    Ok(())
}

/// A profile as it is about to be stored.
pub fn guest(g: &Guest, settings: &Settings) -> Result<(), Invalid> {
    if g.name.trim().is_empty() {
        return Err(Invalid::new("name", Problem::Required));
    }
    let lines = [
        ("name", Some(&g.name)),
        ("name_latin", g.name_latin.as_ref()),
        ("preferred_address", g.preferred_address.as_ref()),
        ("nationality", g.nationality.as_ref()),
        ("language", g.language.as_ref()),
        ("id_doc_number", g.id_doc_number.as_ref()),
        ("company", g.company.as_ref()),
        ("vip", g.vip.as_ref()),
        ("pseudonym", g.pseudonym.as_ref()),
    ];
    for (field, value) in lines {
        if let Some(v) = value {
            text(field, v, LINE_MAX_CHARS, false)?;
        }
    }
    for e in &g.emails {
        text("emails", e, LINE_MAX_CHARS, false)?;
    }
    for p in &g.phones {
        text("phones", &p.raw, LINE_MAX_CHARS, false)?;
    }
    if let Some(notes) = &g.notes {
        text("notes", notes, NOTE_MAX_CHARS, true)?;
    }
    if let Some(vip) = &g.vip {
        if !settings.vip_codes.iter().any(|c| c == vip) {
            return Err(Invalid::new(
                "vip",
                Problem::NotOneOf {
                    value: vip.clone(),
                    choices: settings.vip_codes.join(", "),
                },
            ));
        }
    }
    if !g.masked.is_empty() {
        return Err(Invalid::new(g.masked[0].as_str(), Problem::MaskedValue));
    }
    masked_text(g)
}

/// Refuses a masked view sent back as data (an export or a remote edit by a role that saw
/// `******1234`, `****-03-15` or a pseudonym in place of the name): it would overwrite the
/// real value with its mask.
pub fn masked_text(g: &Guest) -> Result<(), Invalid> {
    use crate::privacy::{looks_masked, MASKED_YEAR};
    use chrono::Datelike;
    let masked = [
        ("name", g.pseudonym.as_deref() == Some(g.name.as_str())),
        (
            "id_doc_number",
            g.id_doc_number
                .as_deref()
                .is_some_and(|n| looks_masked("id_doc_number", n)),
        ),
        (
            "phones",
            g.phones
                .iter()
                .any(|p| looks_masked("phones", &p.raw) || looks_masked("phones", &p.e164.0)),
        ),
        ("emails", g.emails.iter().any(|e| looks_masked("emails", e))),
        (
            "birth_date",
            g.birth_date.is_some_and(|d| d.year() == MASKED_YEAR),
        ),
    ];
    match masked.iter().find(|(_, is)| *is) {
        Some((field, _)) => Err(Invalid::new(*field, Problem::MaskedValue)),
        None => Ok(()),
    }
}

/// Refuses a stay whose spend holds a masked text (an export by a role without spend).
pub fn masked_stay(s: &Stay) -> Result<(), Invalid> {
    let spend = [
        ("spend_room", &s.spend_room),
        ("spend_fnb", &s.spend_fnb),
        ("spend_other", &s.spend_other),
    ];
    let masked = |(field, v): &&(&str, &Option<String>)| {
        v.as_deref()
            .is_some_and(|v| crate::privacy::looks_masked(field, v))
    };
    match spend.iter().find(masked) {
        Some((field, _)) => Err(Invalid::new(*field, Problem::MaskedValue)),
        None => Ok(()),
    }
}

/// A preference: category and value in the catalogue (returned in their canonical keys), a
/// note within the limit.
pub fn preference(p: &NewPreference, catalog: &Catalog) -> Result<NewPreference, Invalid> {
    let (category, value) = catalog.validate(&p.category, &p.value).map_err(|reason| {
        let field = catalog.field_at_fault(&p.category);
        Invalid::new(field, Problem::Catalogue { reason })
    })?;
    if let Some(note) = &p.note {
        text("note", note, NOTE_MAX_CHARS, true)?;
    }
    Ok(NewPreference {
        category,
        value,
        ..p.clone()
    })
}

/// A complaint or praise: some text, within the limit.
pub fn feedback(f: &NewFeedback) -> Result<(), Invalid> {
    if f.text.trim().is_empty() {
        return Err(Invalid::new("text", Problem::Required));
    }
    if crate::privacy::looks_masked("text", &f.text) {
        return Err(Invalid::new("text", Problem::MaskedValue));
    }
    text("text", &f.text, NOTE_MAX_CHARS, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GuestId;

    #[test]
    fn unknown_vip_codes_and_escape_sequences_are_refused() {
        let settings = Settings::default();
        let mut g = Guest::new(GuestId("G1".into()), "王芳");
        g.vip = Some("V9".into());
        assert!(matches!(guest(&g, &settings), Err(Invalid { field, .. }) if field == "vip"));
        g.vip = Some("V1".into());
        g.name = "\u{1b}]52;c;aGk=\u{7}".into();
        assert!(matches!(
            guest(&g, &settings),
            Err(Invalid {
                problem: Problem::ControlCharacter,
                ..
            })
        ));
        g.name = "王芳".into();
        g.notes = Some("x".repeat(NOTE_MAX_CHARS + 1));
        assert!(matches!(
            guest(&g, &settings),
            Err(Invalid {
                problem: Problem::TooLong {
                    max: NOTE_MAX_CHARS
                },
                ..
            })
        ));
    }
}
