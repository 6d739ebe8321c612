//! Printed views for people: the board, the VIP reception sheet (`vip`) and a whole profile,
//! watermarked with who printed them, where and when.

mod print;
pub mod retention;
mod vip;

pub use print::{
    export_guest, print_vip, render_vip, watermark, write_private, write_private_with, PrintError,
    SheetFormat,
};

pub use vip::{complaint_text, department_lists, vip_csv, vip_html, vip_text, PrepLine};

use std::fmt::Write;

use chrono::NaiveDate;

use crate::text::wrap;

use crate::catalog::Catalog;
use crate::i18n::{Lang, Msg};
use crate::model::{Alert, Board, BoardRow, Phone, Profile};

/// Who printed a sheet and when: every printed sheet carries it (the paper watermark).
pub struct Watermark {
    pub user: String,
    /// The machine it was printed on (`fo-1`).
    pub host: String,
    /// Local time, `2026-06-15 22:10`.
    pub at: String,
}

/// Text cut and padded to `max` columns, its control characters escaped first (a name holding
/// `ESC [2J` prints as `\x1B[2J`, and is measured as printed).
pub fn fit(text: &str, max: usize) -> String {
    crate::text::fit(&crate::i18n::printable(text, false), max)
}

/// `张伟 Zhang Wei`: a board row's name as written, then its Latin form when it differs.
pub fn display_name(row: &BoardRow) -> String {
    match &row.name_latin {
        Some(latin) if latin != &row.name => format!("{} {latin}", row.name),
        _ => row.name.clone(),
    }
}

/// One alert as staff read it.
pub fn alert_text(alert: &Alert, lang: Lang) -> String {
    match alert {
        Alert::DoNotRent => Msg::AlertDoNotRent.text_in(lang).to_string(),
        Alert::Flag { flag } => crate::i18n::flag_label(*flag, lang).to_string(),
        Alert::OpenComplaint { count } if *count > 1 => {
            format!("{} ×{count}", Msg::AlertOpenComplaint.text_in(lang))
        }
        Alert::OpenComplaint { .. } => Msg::AlertOpenComplaint.text_in(lang).to_string(),
        Alert::Birthday { date } => {
            Msg::AlertBirthday.fill_in(lang, &[("date", &date.format("%m-%d"))])
        }
        Alert::Anniversary { date } => {
            Msg::AlertAnniversary.fill_in(lang, &[("date", &date.format("%m-%d"))])
        }
    }
}

/// The key preferences of a board row as one line in catalogue order (`荞麦枕, 龙井, 22 °C`).
pub fn preferences_line(row: &BoardRow, catalog: &Catalog, lang: Lang) -> String {
    let mut prefs: Vec<_> = row.preferences.iter().collect();
    prefs.sort_by_key(|p| catalog.position(&p.category));
    prefs
        .iter()
        .map(|p| catalog.value_item(&p.category, &p.value, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Arrivals today`, `明日抵店`, `Departures 06-17`: a board section (0 arrivals, 1 in house,
/// 2 departures) named for the day it lists, relative to the business date `today`.
pub fn section_title(section: usize, date: NaiveDate, today: NaiveDate, lang: Lang) -> String {
    let day = match (date - today).num_days() {
        0 => Msg::DayToday.text_in(lang).to_string(),
        1 => Msg::DayTomorrow.text_in(lang).to_string(),
        -1 => Msg::DayYesterday.text_in(lang).to_string(),
        _ => date.format("%m-%d").to_string(),
    };
    let msg = [Msg::ArrivalsOn, Msg::InHouseOn, Msg::DeparturesOn][section.min(2)];
    msg.fill_in(lang, &[("day", &day)])
}

/// Column widths of the printed board in `width` columns: room, name, VIP, stays, alerts,
/// preferences. Alerts come before preferences, which take the rest.
fn sheet_columns(width: usize) -> [usize; 6] {
    let (room, vip, stays) = (6, 4, 5);
    let rest = width.saturating_sub(room + vip + stays + 5);
    let name = (rest * 3 / 10).clamp(8, 22);
    let alerts = (rest / 4).clamp(8, 18);
    let prefs = rest.saturating_sub(name + alerts).max(8);
    [room, name, vip, stays, alerts, prefs]
}

/// One row of the sheet: each cell wrapped inside its column, as many lines as the tallest.
fn sheet_row(cells: [&str; 6], widths: &[usize; 6]) -> Vec<String> {
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .zip(widths)
        .map(|(cell, w)| wrap(cell, *w))
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    (0..height)
        .map(|i| {
            let parts: Vec<String> = wrapped
                .iter()
                .zip(widths)
                .map(|(lines, w)| fit(lines.get(i).map_or("", String::as_str), *w))
                .collect();
            parts.join(" ").trim_end().to_string()
        })
        .collect()
}

/// The board as a plain-text sheet no line of which is wider than `width` columns (40 at
/// least): text that does not fit its column wraps inside it, so no alert or preference is
/// lost and the terminal never wraps a line. `today` is the business date the sections are
/// named from (`Arrivals tomorrow`).
pub fn board_text(
    board: &Board,
    catalog: &Catalog,
    lang: Lang,
    mark: &Watermark,
    width: usize,
    today: NaiveDate,
) -> String {
    let width = width.max(40);
    let mut out = String::new();
    let title = format!(
        "{} — {} {}",
        Msg::Board.text_in(lang),
        Msg::BusinessDate.text_in(lang),
        board.date
    );
    let printed = Msg::PrintedBy.fill_in(lang, &[("user", &mark.user), ("at", &mark.at)]);
    for line in wrap(&format!("{title}   {printed}"), width) {
        let _ = writeln!(out, "{line}");
    }
    let sections = [&board.arrivals, &board.in_house, &board.departures];
    let widths = sheet_columns(width);
    let header = [
        Msg::Room.text_in(lang),
        Msg::Name.text_in(lang),
        Msg::Vip.text_in(lang),
        Msg::Stays.text_in(lang),
        Msg::AlertsWord.text_in(lang),
        Msg::KeyPreferences.text_in(lang),
    ];
    for (section, rows) in sections.into_iter().enumerate() {
        let heading = section_title(section, board.date, today, lang);
        let _ = writeln!(out, "\n{heading} ({})", rows.len());
        for line in sheet_row(header, &widths) {
            let _ = writeln!(out, "{line}");
        }
        if rows.is_empty() {
            let _ = writeln!(out, "{}", Msg::NoneToday.text_in(lang));
        }
        // In the board's own order (`rules::board`): VIP first, then rooms as numbers.
        for row in rows {
            let name = display_name(row);
            let alerts: Vec<String> = row.alerts.iter().map(|a| alert_text(a, lang)).collect();
            let cells = [
                row.room.as_deref().unwrap_or("-"),
                &name,
                row.vip.as_deref().unwrap_or(""),
                &row.stay_count.to_string(),
                &alerts.join("; "),
                &preferences_line(row, catalog, lang),
            ];
            for line in sheet_row(cells, &widths) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let _ = writeln!(out, "\n{printed}");
    crate::i18n::printable(&out, true).into_owned()
}

/// A whole profile as plain text, for `guestbook show`.
pub fn profile_text(p: &Profile, catalog: &Catalog, lang: Lang) -> String {
    let g = &p.guest;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  [{}]",
        g.name,
        g.name_latin.as_deref().unwrap_or(""),
        g.id
    );
    let mut facts = Vec::new();
    if let Some(a) = &g.preferred_address {
        facts.push(a.clone());
    }
    if let Some(v) = &g.vip {
        facts.push(format!("VIP {v}"));
    }
    facts.push(format!("{}: {}", Msg::Stays.text_in(lang), p.stay_count));
    facts.extend(
        g.flags
            .iter()
            .map(|f| crate::i18n::flag_label(*f, lang).to_uppercase()),
    );
    let _ = writeln!(out, "{}", facts.join("  ·  "));
    for phone in &g.phones {
        let _ = writeln!(out, "  ☎ {}", phone_line(phone, lang));
    }
    for email in &g.emails {
        let _ = writeln!(out, "  ✉ {email}");
    }
    if let Some(company) = &g.company {
        let _ = writeln!(out, "  {company}");
    }
    if let Some(notes) = &g.notes {
        let _ = writeln!(out, "  {notes}");
    }
    let _ = writeln!(out, "\n{}", Msg::KeyPreferences.text_in(lang));
    for pref in p.active_preferences() {
        let _ = writeln!(
            out,
            "  {}: {}{}  — {} {} {}",
            catalog.category_label(&pref.category, lang),
            catalog.value_label(&pref.category, &pref.value, lang),
            pref.note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            pref.observed_by.as_deref().unwrap_or(""),
            pref.source.map(|s| s.as_str()).unwrap_or(""),
            pref.observed_at.format("%Y-%m-%d"),
        );
    }
    let _ = writeln!(out, "\n{}", Msg::Stays.text_in(lang));
    for s in &p.stays {
        let _ = writeln!(
            out,
            "  {} → {}  {}  {}  {}",
            s.arrival,
            s.departure,
            s.room.as_deref().unwrap_or("-"),
            s.status,
            s.reservation_id
        );
    }
    for f in &p.feedback {
        let _ = writeln!(
            out,
            "  [{}{}] {} {}{}",
            f.kind,
            f.status.map(|s| format!(", {s}")).unwrap_or_default(),
            f.at.format("%Y-%m-%d"),
            f.text,
            f.resolution
                .as_deref()
                .map(|r| format!(" → {r}"))
                .unwrap_or_default()
        );
    }
    crate::i18n::printable(&out, true).into_owned()
}

/// `+8613800138000  (138 0013 8000)`, with the extension after the number and `unverified`
/// when the numbering plan does not know it.
fn phone_line(phone: &Phone, lang: Lang) -> String {
    let extension = phone
        .extension
        .as_deref()
        .map(|e| format!(" ext. {e}"))
        .unwrap_or_default();
    let unverified = if phone.verified {
        String::new()
    } else {
        format!("  [{}]", Msg::PhoneUnverified.text_in(lang))
    };
    format!("{}{extension}  ({}){unverified}", phone.e164, phone.raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::E164;

    #[test]
    fn an_unverified_phone_is_marked_and_its_extension_shown() {
        let phone = |verified: bool, extension: Option<&str>| Phone {
            raw: "021-62881234转806".into(),
            e164: E164("+862162881234".into()),
            verified,
            extension: extension.map(String::from),
        };
        assert_eq!(
            phone_line(&phone(true, Some("806")), Lang::En),
            "+862162881234 ext. 806  (021-62881234转806)"
        );
        assert_eq!(
            phone_line(&phone(false, None), Lang::Zh),
            "+862162881234  (021-62881234转806)  [未核实]"
        );
    }

    use crate::model::{BoardPreference, GuestId};
    use crate::text::width;

    #[test]
    fn fit_counts_cjk_as_double_width() {
        assert_eq!(fit("张伟", 6), "张伟  ");
        assert_eq!(width(&fit("欧阳娜娜", 5)), 5);
        assert_eq!(fit("Smith", 3), "Sm…");
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn row(room: &str, name: &str, alerts: Vec<Alert>, prefs: &[(&str, &str)]) -> BoardRow {
        BoardRow {
            guest_id: GuestId::from("G1"),
            name: name.into(),
            name_latin: None,
            preferred_address: None,
            reservation_id: format!("R{room}"),
            room: Some(room.into()),
            vip: Some("V1".into()),
            arrival: day("2026-06-16"),
            departure: day("2026-06-18"),
            stay_count: 12,
            alerts,
            preferences: prefs
                .iter()
                .map(|(c, v)| BoardPreference {
                    category: c.to_string(),
                    value: v.to_string(),
                    note: None,
                })
                .collect(),
        }
    }

    fn sample_board() -> Board {
        let prefs = [
            ("pillow", "buckwheat"),
            ("tea", "longjing"),
            ("room_temp", "22"),
            ("food_taboo", "sour"),
            ("coffee", "latte"),
            ("newspaper", "ft"),
        ];
        let alerts = vec![
            Alert::DoNotRent,
            Alert::OpenComplaint { count: 2 },
            Alert::Birthday {
                date: day("2026-06-17"),
            },
        ];
        Board {
            date: day("2026-06-16"),
            arrivals: vec![
                row("2917", "Mr. Bartholomew O'Brien-Fitzgerald", alerts, &prefs),
                row("802", "张伟", Vec::new(), &prefs[..1]),
            ],
            in_house: Vec::new(),
            departures: Vec::new(),
        }
    }

    fn sheet(width: usize, lang: Lang) -> String {
        let mark = Watermark {
            user: "night.audit".into(),
            host: "fo-1".into(),
            at: "2026-06-16 02:10".into(),
        };
        let catalog = Catalog::builtin();
        board_text(
            &sample_board(),
            &catalog,
            lang,
            &mark,
            width,
            day("2026-06-15"),
        )
    }

    #[test]
    fn printed_board_fits_the_width_and_wraps_inside_columns() {
        for width in [60, 80, 100] {
            let text = sheet(width, Lang::En);
            for line in text.lines() {
                assert!(
                    crate::text::width(line) <= width,
                    "{width}: {line:?}\n{text}"
                );
            }
            // Nothing is lost: every word of the alerts and preferences is printed whole.
            let words: Vec<&str> = text.split_whitespace().collect();
            for word in [
                "DO",
                "NOT",
                "RENT;",
                "×2;",
                "06-17",
                "Buckwheat,",
                "Latte,",
                "ft",
            ] {
                assert!(words.contains(&word), "{width}: {word}\n{text}");
            }
        }
        let text = sheet(80, Lang::En);
        let [room, name, vip, stays, alerts, _] = sheet_columns(80);
        let prefs_at = room + name + vip + stays + alerts + 5;
        let first = text.lines().position(|l| l.starts_with("2917")).unwrap();
        let continued = text.lines().nth(first + 1).unwrap();
        assert!(continued.starts_with("      "), "{text}");
        assert!(
            continued.chars().count() > prefs_at,
            "the preferences go on in their column:\n{text}"
        );
    }

    #[test]
    fn printed_board_keeps_the_boards_order_and_names_the_day() {
        // The order is the board's own (rules::board), the same on screen and on paper.
        let text = sheet(80, Lang::En);
        let rooms: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(rooms, ["2917", "802"]);
        assert!(text.contains("\nArrivals tomorrow (2)\n"), "{text}");
        let zh = sheet(80, Lang::Zh);
        assert!(zh.contains("\n明日抵店 (2)\n"), "{zh}");
        assert!(zh.contains("\n明日在店 (0)\n"), "{zh}");
    }
}
