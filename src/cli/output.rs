//! What the command line prints for people (tables fitted to the terminal) and for scripts
//! (`--json`, the types of `model.rs`). Guest text is printed with control characters
//! escaped, so a hostile name cannot drive the terminal.

use std::io::Write;

use crate::model::{Account, AuditEntry, Guest, SearchHit};
use crate::report;

use super::CliError;

/// Prints to stdout, reporting a closed pipe as an error instead of panicking like `print!`.
pub fn say(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| CliError::Io(e.into()))?;
    writeln!(out)?;
    Ok(())
}

/// The lookup as a table: id, name, VIP, the phone that matched (or the first), last stay.
pub fn hits(hits: &[SearchHit]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    for hit in hits {
        let phone = hit
            .matched_phone
            .as_ref()
            .or(hit.phones.first())
            .map(|p| p.0.as_str())
            .unwrap_or("");
        writeln!(
            out,
            "{}  {}  {}  {}  {}",
            report::fit(&hit.id.0, 9),
            report::fit(
                &format!("{} {}", hit.name, hit.name_latin.as_deref().unwrap_or("")),
                30
            ),
            report::fit(hit.vip.as_deref().unwrap_or(""), 3),
            report::fit(phone, 16),
            hit.last_stay.map(|d| d.to_string()).unwrap_or_default()
        )?;
    }
    Ok(())
}

/// Audit entries, one a line: local time, user, host, action, guest, detail.
pub fn audit_table(entries: &[AuditEntry], lang: crate::i18n::Lang) -> String {
    if entries.is_empty() {
        return crate::i18n::Msg::AuditEmpty.text_in(lang).to_string();
    }
    fn action(e: &AuditEntry, lang: crate::i18n::Lang) -> &str {
        crate::i18n::audit_action_label(&e.action, lang)
    }
    let action_width = entries
        .iter()
        .map(|e| crate::text::width(action(e, lang)))
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = entries
        .iter()
        .map(|e| {
            let at =
                e.at.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S");
            let guest = e.guest_id.as_ref().map_or("", |g| g.0.as_str());
            let line = format!(
                "{at}  {}  {}  {}  {}  {}",
                report::fit(&e.user, 12),
                report::fit(e.host.as_deref().unwrap_or("-"), 14),
                report::fit(action(e, lang), action_width),
                report::fit(guest, 9),
                e.detail
            );
            crate::i18n::printable(line.trim_end(), false).into_owned()
        })
        .collect();
    lines.join("\n")
}

/// Flagged profiles fitted to `width` columns: id, name and the flags as staff call them on
/// one line, the notes (where the reason usually is) wrapped under them. Says so when there
/// are none.
pub fn flagged_table(guests: &[Guest], lang: crate::i18n::Lang, width: usize) -> String {
    if guests.is_empty() {
        return crate::i18n::Msg::NoFlaggedGuests.text_in(lang).to_string();
    }
    const ID: usize = 9;
    let indent = " ".repeat(ID + 2);
    let mut lines = Vec::new();
    for g in guests {
        let flags: Vec<&str> = g
            .flags
            .iter()
            .map(|f| crate::i18n::flag_label(*f, lang))
            .collect();
        let flags = flags.join(", ");
        let name = format!("{} {}", g.name, g.name_latin.as_deref().unwrap_or(""));
        // The flags are what the list is for: the name gives way to them.
        let room = width.saturating_sub(ID + 2 + 2 + crate::text::width(&flags));
        let line = format!(
            "{}  {}  {flags}",
            report::fit(&g.id.0, ID),
            report::fit(name.trim_end(), room.clamp(8, 30)),
        );
        let line = crate::i18n::printable(line.trim_end(), false).into_owned();
        lines.push(crate::text::cut(&line, width));
        if let Some(notes) = &g.notes {
            let notes = crate::i18n::printable(notes, false);
            for part in crate::text::wrap(&notes, width.saturating_sub(indent.len()).max(20)) {
                lines.push(format!("{indent}{part}"));
            }
        }
    }
    lines.join("\n")
}

/// Accounts, one a line: user, role, department, and whether disabled or without password.
pub fn accounts(accounts: &[Account]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    for a in accounts {
        let mut marks = Vec::new();
        if a.disabled {
            marks.push(crate::i18n::Msg::AccountDisabledMark.text());
        }
        if !a.has_password {
            marks.push(crate::i18n::Msg::AccountNoPasswordMark.text());
        }
        writeln!(
            out,
            "{}  {}  {}  {}",
            report::fit(&a.user, 16),
            report::fit(a.role.as_str(), 12),
            report::fit(a.department.as_str(), 12),
            marks.join(", ")
        )?;
    }
    Ok(())
}

/// Settings as `key = value` lines, values in JSON.
pub fn settings(values: &serde_json::Value) -> String {
    let mut out = String::new();
    if let serde_json::Value::Object(map) = values {
        for (k, v) in map {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
    out
}

/// Likely duplicate pairs, one a line: score, both ids with their names, the reasons.
/// Says so when there are none.
pub fn dupes_table(
    pairs: &[crate::model::DupePair],
    names: &std::collections::HashMap<crate::model::GuestId, String>,
    lang: crate::i18n::Lang,
) -> String {
    if pairs.is_empty() {
        return crate::i18n::Msg::DupesNone.text_in(lang).to_string();
    }
    let name = |id: &crate::model::GuestId| names.get(id).map_or("", String::as_str).to_string();
    let lines: Vec<String> = pairs
        .iter()
        .map(|p| {
            let line = format!(
                "{:>3}  {} {}  {} {}  {}",
                p.score,
                report::fit(&p.a.0, 8),
                report::fit(&name(&p.a), 14),
                report::fit(&p.b.0, 8),
                report::fit(&name(&p.b), 14),
                crate::i18n::dupe_reasons(&p.reasons, lang)
            );
            crate::i18n::printable(line.trim_end(), false).into_owned()
        })
        .collect();
    lines.join("\n")
}
