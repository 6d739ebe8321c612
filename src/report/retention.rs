//! The retention rule's findings and the destruction record as lines of text: the one way
//! the CLI (`purge`, `purge --dry-run`, `destructions`) and the TUI's retention screen
//! write them. Times are shown in the reader's time zone.

use chrono::{DateTime, TimeZone, Utc};

use crate::i18n::{flag_label, printable, Lang, Msg};
use crate::model::{Blocker, Destruction, DestructionReason, Flag, PurgeCandidate, PurgeReport};

/// What a purge did, or in a dry run would do: counts and the cutoff, one sentence.
pub fn purge_summary(report: &PurgeReport, lang: Lang) -> String {
    let head = if report.dry_run {
        Msg::PurgeDryRunSummary
    } else {
        Msg::PurgeSummary
    };
    head.fill_in(
        lang,
        &[
            ("n", &report.anonymized),
            ("blocked", &report.blocked),
            ("cutoff", &report.cutoff),
        ],
    )
}

/// One profile the rule reached: id, last activity and, when blocked, why.
pub fn candidate_line(c: &PurgeCandidate, lang: Lang) -> String {
    let why: Vec<&str> = c
        .blocked_by
        .iter()
        .map(|b| match b {
            Blocker::CurrentStay => Msg::BlockedByStay.text_in(lang),
            Blocker::LegalHold => flag_label(Flag::LegalHold, lang),
            Blocker::DoNotRent => flag_label(Flag::DoNotRent, lang),
        })
        .collect();
    let line = format!(
        "{}  {}  {}",
        super::fit(&c.id.0, 12),
        c.last_activity,
        why.join(", ")
    );
    printable(line.trim_end(), false).into_owned()
}

/// One entry of the destruction record in three parts: when (in `tz`), who and why; the
/// counts; the reference staff gave (empty when none). A wide line puts them in that order;
/// a narrow screen puts the counts under the rest.
pub fn destruction_parts<Tz: TimeZone>(
    d: &Destruction,
    lang: Lang,
    tz: &Tz,
) -> (String, String, String)
where
    Tz::Offset: std::fmt::Display,
{
    let reason = match d.reason {
        DestructionReason::Request => Msg::DestroyedOnRequest,
        DestructionReason::Retention => Msg::DestroyedByRetention,
    };
    let head = format!(
        "{}  {}  {}",
        local(&d.at, tz),
        super::fit(&d.user, 12),
        super::fit(reason.text_in(lang), 10),
    );
    let counts = Msg::DestructionCounts.fill_in(
        lang,
        &[
            ("guests", &d.counts.guests),
            ("stays", &d.counts.stays_kept),
            ("prefs", &d.counts.preferences),
            ("feedback", &d.counts.feedback),
        ],
    );
    let note = printable(d.note.as_deref().unwrap_or(""), false).into_owned();
    (head, counts, note)
}

/// One entry of the destruction record on one line: when, who, why, the counts, the
/// reference.
pub fn destruction_line<Tz: TimeZone>(d: &Destruction, lang: Lang, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let (head, counts, note) = destruction_parts(d, lang, tz);
    format!("{head}  {counts}  {note}").trim_end().to_string()
}

fn local<Tz: TimeZone>(at: &DateTime<Utc>, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.with_timezone(tz).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A purge's summary, and for a dry run every profile that would go and every blocked one.
pub fn purge_text(report: &PurgeReport, lang: Lang) -> String {
    let mut lines = vec![purge_summary(report, lang)];
    let reached = report.guests.iter().chain(&report.blocked_guests);
    lines.extend(reached.map(|c| candidate_line(c, lang)));
    lines.join("\n")
}

/// The destruction record, one line an entry, newest first; says so when it is empty.
pub fn destructions_text<Tz: TimeZone>(records: &[Destruction], lang: Lang, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    if records.is_empty() {
        return Msg::NoDestructions.text_in(lang).to_string();
    }
    let lines: Vec<String> = records
        .iter()
        .map(|d| destruction_line(d, lang, tz))
        .collect();
    lines.join("\n")
}
