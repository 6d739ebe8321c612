//! Birthdays and anniversaries: the one parser of the `MM-DD` an anniversary note carries,
//! and whether a celebration falls within a stay or a week.

use chrono::{Datelike, NaiveDate};

use crate::model::{Alert, Guest, Preference};

/// Where the first `MM-DD` in a note starts (in bytes), and its month and day
/// (`wedding anniversary 06-17`, `结婚纪念日 06-17`); not part of a longer number
/// (`room 1806-170`) and a real calendar day.
pub fn month_day_at(note: &str) -> Option<(usize, u32, u32)> {
    let chars: Vec<(usize, char)> = note.char_indices().collect();
    let digit_at = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|(_, c)| c.is_ascii_digit())
    };
    (0..chars.len().saturating_sub(4)).find_map(|i| {
        let w: Vec<char> = chars[i..i + 5].iter().map(|(_, c)| *c).collect();
        let shape = w[2] == '-' && [0, 1, 3, 4].iter().all(|&j| w[j].is_ascii_digit());
        if !shape || digit_at(i.checked_sub(1)) || digit_at(Some(i + 5)) {
            return None;
        }
        let m = w[0].to_digit(10)? * 10 + w[1].to_digit(10)?;
        let d = w[3].to_digit(10)? * 10 + w[4].to_digit(10)?;
        NaiveDate::from_ymd_opt(2000, m, d).map(|_| (chars[i].0, m, d))
    })
}

/// The month and day of the first `MM-DD` in a note.
pub fn month_day(note: &str) -> Option<(u32, u32)> {
    month_day_at(note).map(|(_, m, d)| (m, d))
}

/// The note with its `MM-DD` moved by `days` (counted in a leap year, so 02-29 survives).
pub fn shift_month_day(note: &str, days: i64) -> Option<String> {
    let (at, m, d) = month_day_at(note)?;
    let moved = NaiveDate::from_ymd_opt(2000, m, d)? + chrono::Duration::days(days);
    Some(format!(
        "{}{}{}",
        &note[..at],
        moved.format("%m-%d"),
        &note[at + 5..]
    ))
}

/// The first date in `from..=to` that falls on month/day, if any.
pub fn day_between(month: u32, day: u32, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
    (from.year()..=to.year())
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| (from..=to).contains(d))
}

/// A birthday and the earliest anniversary (from the notes of active `celebration:
/// anniversary` preferences) falling between `from` and `to`.
pub fn celebrations(
    guest: &Guest,
    prefs: &[Preference],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if let Some(date) = guest
        .birth_date
        .and_then(|b| day_between(b.month(), b.day(), from, to))
    {
        alerts.push(Alert::Birthday { date });
    }
    let anniversary = prefs
        .iter()
        .filter(|p| !p.retired && p.category == "celebration" && p.value == "anniversary")
        .filter_map(|p| p.note.as_deref().and_then(month_day))
        .filter_map(|(m, d)| day_between(m, d, from, to))
        .min();
    if let Some(date) = anniversary {
        alerts.push(Alert::Anniversary { date });
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn anniversary_note_gives_month_and_day() {
        assert_eq!(month_day("wedding anniversary 06-17"), Some((6, 17)));
        assert_eq!(month_day("结婚纪念日 12-31，送花"), Some((12, 31)));
        assert_eq!(month_day("room 1806-170"), None);
        assert_eq!(month_day("13-40"), None);
        assert_eq!(month_day("x"), None);
    }

    #[test]
    fn anniversary_note_moves_with_the_demo_day() {
        assert_eq!(
            shift_month_day("wedding anniversary 06-17", 161).as_deref(),
            Some("wedding anniversary 11-25")
        );
        assert_eq!(
            shift_month_day("结婚纪念日 12-31", 1).as_deref(),
            Some("结婚纪念日 01-01")
        );
        assert_eq!(shift_month_day("no date", 5), None);
    }

    #[test]
    fn celebration_in_a_stay_across_new_year() {
        assert_eq!(
            day_between(1, 2, d("2026-12-30"), d("2027-01-03")),
            Some(d("2027-01-02"))
        );
        assert_eq!(day_between(2, 29, d("2026-02-27"), d("2026-03-02")), None);
        assert_eq!(day_between(1, 5, d("2026-12-29"), d("2027-01-04")), None);
    }
}
