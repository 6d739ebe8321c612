//! Printed views for people: the VIP reception board and a whole profile as plain text,
//! watermarked with who printed them and when.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::catalog::Catalog;
use crate::i18n::{Lang, Msg};
use crate::model::{Alert, Board, BoardRow, Phone, Profile};

/// Who printed a sheet and when: every printed sheet carries it (the paper watermark).
pub struct Watermark {
    pub user: String,
    pub at: String,
}

/// Pads or cuts `s` to exactly `width` terminal columns (CJK counts double); a cut ends in `…`.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return format!("{s}{}", " ".repeat(width - s.width()));
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
        used += 1;
    }
    out + &" ".repeat(width.saturating_sub(used))
}

/// One alert as staff read it.
pub fn alert_text(alert: &Alert, lang: Lang) -> String {
    match alert {
        Alert::DoNotRent => Msg::AlertDoNotRent.text_in(lang).to_string(),
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

/// The board as a plain-text sheet, `width` columns wide.
pub fn board_text(
    board: &Board,
    catalog: &Catalog,
    lang: Lang,
    mark: &Watermark,
    width: usize,
) -> String {
    let mut out = String::new();
    let title = format!(
        "{} — {} {}",
        Msg::Board.text_in(lang),
        Msg::BusinessDate.text_in(lang),
        board.date
    );
    let printed = Msg::PrintedBy.fill_in(lang, &[("user", &mark.user), ("at", &mark.at)]);
    let _ = writeln!(out, "{title}   {printed}");
    let sections = [
        (Msg::Arrivals, &board.arrivals),
        (Msg::InHouse, &board.in_house),
        (Msg::Departures, &board.departures),
    ];
    // room 6, name 22, vip 4, stays 5, alerts 18: the rest goes to preferences.
    let prefs_width = width.saturating_sub(6 + 22 + 4 + 5 + 18 + 5).max(10);
    for (heading, rows) in sections {
        let _ = writeln!(out, "\n{} ({})", heading.text_in(lang), rows.len());
        let _ = writeln!(
            out,
            "{} {} {} {} {} {}",
            fit(Msg::Room.text_in(lang), 6),
            fit(Msg::Name.text_in(lang), 22),
            fit(Msg::Vip.text_in(lang), 4),
            fit(Msg::Stays.text_in(lang), 5),
            fit(Msg::KeyPreferences.text_in(lang), prefs_width),
            Msg::AlertsWord.text_in(lang)
        );
        if rows.is_empty() {
            let _ = writeln!(out, "{}", Msg::NoneToday.text_in(lang));
        }
        for row in rows.iter() {
            let name = match &row.name_latin {
                Some(latin) if latin != &row.name => format!("{} {latin}", row.name),
                _ => row.name.clone(),
            };
            let alerts: Vec<String> = row.alerts.iter().map(|a| alert_text(a, lang)).collect();
            let line = format!(
                "{} {} {} {} {} {}",
                fit(row.room.as_deref().unwrap_or("-"), 6),
                fit(&name, 22),
                fit(row.vip.as_deref().unwrap_or(""), 4),
                fit(&row.stay_count.to_string(), 5),
                fit(&preferences_line(row, catalog, lang), prefs_width),
                alerts.join("; ")
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    let _ = writeln!(out, "\n{printed}");
    out
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
    facts.extend(g.flags.iter().map(|f| f.as_str().to_uppercase()));
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
    out
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

    #[test]
    fn fit_counts_cjk_as_double_width() {
        assert_eq!(fit("张伟", 6), "张伟  ");
        assert_eq!(fit("欧阳娜娜", 5).width(), 5);
        assert_eq!(fit("Smith", 3), "Sm…");
    }
}
