//! The VIP reception sheet (seed 004): every VIP arriving, in house or departing on a business
//! date with what staff need to greet and serve them, then a preparation list per department
//! (from the catalogue's department of each preference), as text, CSV or a printable A4 page.
//!
//! Sheets get photographed and shared, so every page carries who printed it, where and when,
//! and "confidential"; the HTML page also as a faint pattern behind the text.

use std::fmt::Write;

use chrono::NaiveDate;

use super::{alert_text, display_name, section_title, Watermark};
use crate::catalog::Catalog;
use crate::i18n::{department_label, labelled, printable, Lang, Msg};
use crate::model::{BoardPreference, Department, Feedback, FeedbackStatus, VipEntry, VipSheet};
use crate::text::wrap;

/// What one department prepares for one guest.
#[derive(Debug, Clone, PartialEq)]
pub struct PrepLine {
    pub room: String,
    pub name: String,
    /// `arrives 06-16`, `in house · until 06-18`, `leaves 06-16`.
    pub when: String,
    pub items: Vec<String>,
}

/// The preparation lists: front office first (greeting, alerts, past complaints,
/// celebrations), then every department the catalogue gives a category, each with the
/// guests it has something to prepare for, in the sheet's order.
pub fn department_lists(
    sheet: &VipSheet,
    catalog: &Catalog,
    lang: Lang,
) -> Vec<(Department, Vec<PrepLine>)> {
    let mut departments = vec![Department::FrontOffice];
    for category in &catalog.categories {
        if !departments.contains(&category.department) {
            departments.push(category.department);
        }
    }
    departments
        .into_iter()
        .map(|department| {
            let lines = entries(sheet)
                .filter_map(|(section, entry)| {
                    let items = prep_items(entry, department, catalog, lang);
                    (!items.is_empty()).then(|| PrepLine {
                        room: entry.row.room.clone().unwrap_or_else(|| "-".into()),
                        name: display_name(&entry.row),
                        when: when(section, entry, lang),
                        items,
                    })
                })
                .collect();
            (department, lines)
        })
        .collect()
}

/// Every entry with its section (0 arrivals, 1 in house, 2 departures), in print order.
fn entries(sheet: &VipSheet) -> impl Iterator<Item = (usize, &VipEntry)> {
    sheet
        .sections()
        .into_iter()
        .enumerate()
        .flat_map(|(section, rows)| rows.iter().map(move |entry| (section, entry)))
}

/// What `department` prepares for one guest: the preferences the catalogue files under it;
/// the front office also greets, watches the alerts and knows the past complaints.
fn prep_items(
    entry: &VipEntry,
    department: Department,
    catalog: &Catalog,
    lang: Lang,
) -> Vec<String> {
    let row = &entry.row;
    let mut items = Vec::new();
    if department == Department::FrontOffice {
        if let Some(greeting) = &row.preferred_address {
            items.push(labelled(lang, Msg::TuiGreetAs.text_in(lang), greeting));
        }
        items.extend(row.alerts.iter().map(|a| alert_text(a, lang)));
    }
    items.extend(grouped_preferences(
        row.preferences
            .iter()
            .filter(|p| catalog.get(&p.category).map(|c| c.department) == Some(department)),
        catalog,
        lang,
    ));
    if department == Department::FrontOffice {
        items.extend(entry.complaints.iter().map(|c| complaint_text(c, lang)));
    }
    items
}

/// Preferences grouped by category in catalogue order, one item per category with its
/// notes: `Pillow: Foam, Buckwheat`, `Room temperature: 22 °C (window open)`. On paper the
/// category says what a bare value (`06:30`, `Brings own`) means.
fn grouped_preferences<'a>(
    prefs: impl Iterator<Item = &'a BoardPreference>,
    catalog: &Catalog,
    lang: Lang,
) -> Vec<String> {
    let mut prefs: Vec<&BoardPreference> = prefs.collect();
    prefs.sort_by_key(|p| catalog.position(&p.category));
    let mut items: Vec<(String, Vec<String>)> = Vec::new();
    for p in prefs {
        let mut value = catalog.value_label(&p.category, &p.value, lang);
        if let Some(note) = &p.note {
            let _ = write!(value, " ({note})");
        }
        match items.last_mut() {
            Some((category, values)) if category == &p.category => values.push(value),
            _ => items.push((p.category.clone(), vec![value])),
        }
    }
    items
        .into_iter()
        .map(|(category, values)| {
            let label = catalog.category_label(&category, lang);
            labelled(lang, label, &values.join(", "))
        })
        .collect()
}

/// `Complaint 2026-03-02 (resolved): noisy corridor → moved to 2312`.
pub fn complaint_text(complaint: &Feedback, lang: Lang) -> String {
    let status = match complaint.status {
        Some(FeedbackStatus::Open) | None => Msg::TuiOpen,
        Some(_) => Msg::TuiResolved,
    };
    let head = format!(
        "{} {} ({})",
        Msg::TuiComplaint.text_in(lang),
        complaint.at.format("%Y-%m-%d"),
        status.text_in(lang),
    );
    let mut text = labelled(lang, &head, &complaint.text);
    if let Some(resolution) = &complaint.resolution {
        let _ = write!(text, " → {resolution}");
    }
    text
}

/// When the guest is here, as the department lists say it.
fn when(section: usize, entry: &VipEntry, lang: Lang) -> String {
    let day = |d: NaiveDate| d.format("%m-%d").to_string();
    match section {
        0 => Msg::StayArrives.fill_in(lang, &[("date", &day(entry.row.arrival))]),
        1 => format!(
            "{} · {}",
            Msg::StayInHouse.text_in(lang),
            Msg::StayUntil.fill_in(lang, &[("date", &day(entry.row.departure))])
        ),
        _ => Msg::VipLeaves.fill_in(lang, &[("date", &day(entry.row.departure))]),
    }
}

/// `CONFIDENTIAL · printed by night.audit on fo-1 at 2026-06-15 22:10`: the line every page
/// of every format carries.
pub fn watermark_line(mark: &Watermark, lang: Lang) -> String {
    Msg::VipWatermark.fill_in(
        lang,
        &[("user", &mark.user), ("host", &mark.host), ("at", &mark.at)],
    )
}

/// The title: `VIP reception sheet — 2026-06-16`.
fn title(sheet: &VipSheet, lang: Lang) -> String {
    format!("{} — {}", Msg::VipSheetTitle.text_in(lang), sheet.date)
}

/// The guest facts of one entry as labelled lines (dates and stays, alerts, preferences,
/// complaints), shared by the text and HTML sheets.
fn entry_lines(entry: &VipEntry, catalog: &Catalog, lang: Lang) -> Vec<String> {
    let row = &entry.row;
    let mut head = vec![display_name(&entry.row)];
    head.extend(row.vip.as_ref().map(|v| format!("VIP {v}")));
    head.push(Msg::TuiStayCount.fill_in(lang, &[("n", &row.stay_count)]));
    let mut dates = format!(
        "{} → {}",
        row.arrival.format("%m-%d"),
        row.departure.format("%m-%d")
    );
    if let Some(greeting) = &row.preferred_address {
        let greet = labelled(lang, Msg::TuiGreetAs.text_in(lang), greeting);
        let _ = write!(dates, " · {greet}");
    }
    let mut lines = vec![head.join(" · "), dates];
    if !row.alerts.is_empty() {
        let alerts: Vec<String> = row.alerts.iter().map(|a| alert_text(a, lang)).collect();
        lines.push(format!("! {}", alerts.join("; ")));
    }
    let prefs = grouped_preferences(row.preferences.iter(), catalog, lang);
    if !prefs.is_empty() {
        lines.push(prefs.join("; "));
    }
    lines.extend(entry.complaints.iter().map(|c| complaint_text(c, lang)));
    lines
}

/// `text` wrapped to `width` columns, the first line after `lead` (padded to `indent`), the
/// rest indented by `indent`.
fn hanging(out: &mut String, lead: &str, text: &str, indent: usize, width: usize) {
    for (i, line) in wrap(text, width.saturating_sub(indent)).iter().enumerate() {
        let lead = if i == 0 { lead } else { "" };
        let pad = indent.saturating_sub(crate::text::width(lead));
        let _ = writeln!(out, "{lead}{}{line}", " ".repeat(pad));
    }
}

/// The sheet as plain text no line of which is wider than `width` columns (60 at least):
/// the guests by section, then each department's list after a cut line, each list headed by
/// the watermark so it can be handed out on its own. `today` names the sections' days.
pub fn vip_text(
    sheet: &VipSheet,
    catalog: &Catalog,
    lang: Lang,
    mark: &Watermark,
    width: usize,
    today: NaiveDate,
) -> String {
    let width = width.max(60);
    let indent = 6;
    let mut out = String::new();
    let banner = |out: &mut String, heading: &str| {
        for line in wrap(heading, width) {
            let _ = writeln!(out, "{line}");
        }
        for line in wrap(&watermark_line(mark, lang), width) {
            let _ = writeln!(out, "{line}");
        }
    };
    banner(&mut out, &title(sheet, lang));
    for (section, rows) in sheet.sections().into_iter().enumerate() {
        let heading = section_title(section, sheet.date, today, lang);
        let _ = writeln!(out, "\n{heading} ({})", rows.len());
        if rows.is_empty() {
            let _ = writeln!(out, "{}", Msg::NoneToday.text_in(lang));
        }
        for entry in rows {
            let room = entry.row.room.as_deref().unwrap_or("-");
            for (i, line) in entry_lines(entry, catalog, lang).iter().enumerate() {
                hanging(
                    &mut out,
                    if i == 0 { room } else { "" },
                    line,
                    indent,
                    width,
                );
            }
        }
    }
    for (department, lines) in department_lists(sheet, catalog, lang) {
        let _ = writeln!(out, "\n{}", "-".repeat(width));
        let heading = Msg::VipPrepFor.fill_in(
            lang,
            &[
                ("department", &department_label(department, lang)),
                ("date", &sheet.date),
            ],
        );
        banner(&mut out, &heading);
        if lines.is_empty() {
            let _ = writeln!(out, "{}", Msg::VipNothingToPrepare.text_in(lang));
        }
        for line in lines {
            hanging(
                &mut out,
                &line.room,
                &format!("{} · {}", line.name, line.when),
                indent,
                width,
            );
            hanging(&mut out, "", &line.items.join("; "), indent, width);
        }
    }
    let _ = writeln!(out);
    for line in wrap(&watermark_line(mark, lang), width) {
        let _ = writeln!(out, "{line}");
    }
    printable(&out, true).into_owned()
}

/// The sheet as CSV: the watermark in the first row, then a header and one row per VIP with
/// a column per department's preparation. Cells are spreadsheet-safe (no formula runs).
pub fn vip_csv(sheet: &VipSheet, catalog: &Catalog, lang: Lang, mark: &Watermark) -> String {
    let lists = department_lists(sheet, catalog, lang);
    let mut header: Vec<String> = [
        "section",
        "room",
        "name",
        "name_latin",
        "greeting",
        "vip",
        "arrival",
        "departure",
        "stays",
        "alerts",
        "preferences",
        "complaints",
    ]
    .map(String::from)
    .to_vec();
    header.extend(lists.iter().map(|(d, _)| d.as_str().to_string()));
    let mut rows = vec![vec![watermark_line(mark, lang)], header];
    let sections = ["arrival", "in_house", "departure"];
    for (section, entry) in entries(sheet) {
        let row = &entry.row;
        let alerts: Vec<String> = row.alerts.iter().map(|a| alert_text(a, lang)).collect();
        let complaints: Vec<String> = entry
            .complaints
            .iter()
            .map(|c| complaint_text(c, lang))
            .collect();
        let mut cells = vec![
            sections[section].to_string(),
            row.room.clone().unwrap_or_default(),
            row.name.clone(),
            row.name_latin.clone().unwrap_or_default(),
            row.preferred_address.clone().unwrap_or_default(),
            row.vip.clone().unwrap_or_default(),
            row.arrival.to_string(),
            row.departure.to_string(),
            row.stay_count.to_string(),
            alerts.join("; "),
            grouped_preferences(row.preferences.iter(), catalog, lang).join("; "),
            complaints.join("; "),
        ];
        cells.extend(
            lists
                .iter()
                .map(|(department, _)| prep_items(entry, *department, catalog, lang).join("; ")),
        );
        rows.push(cells);
    }
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<_> = row
            .iter()
            .map(|c| crate::interchange::spreadsheet_safe(c))
            .collect();
        // Writing to memory cannot fail.
        let _ = writer.write_record(cells.iter().map(|c| c.as_bytes()));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Text made safe inside HTML (element content and quoted attributes).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text inside a CSS string (`content: "…"`): quotes, backslashes and line ends escaped, and
/// `<` too, so nothing can end the style element.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '\\' | '<' | '>' => {
                let _ = write!(out, "\\{:x} ", c as u32);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The printable sheet: an A4 HTML page with the guests first and each department on a page
/// of its own. Every printed page carries the watermark line in its top margin (a page
/// margin box; on screen, at the head of each list) and a faint diagonal pattern of it
/// behind the text (inline SVG, so it prints without "background graphics").
pub fn vip_html(
    sheet: &VipSheet,
    catalog: &Catalog,
    lang: Lang,
    mark: &Watermark,
    today: NaiveDate,
) -> String {
    let mark_line = escape(&watermark_line(mark, lang));
    let mut out = String::new();
    let html_lang = match lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    };
    let _ = write!(
        out,
        r##"<!DOCTYPE html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 18mm 12mm 14mm; @top-left {{ content: "{page_mark}"; font-size: 7.5pt; color: #555; }} @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 7.5pt; color: #555; }} }}
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 10pt; color: #111; margin: 0; }}
@media screen {{ body {{ max-width: 186mm; margin: 12px auto; }} }}
.wm {{ position: fixed; inset: 0; z-index: 0; pointer-events: none; }}
.wm svg {{ width: 100%; height: 100%; }}
.page {{ position: relative; z-index: 1; }}
@media print {{ .mark {{ display: none; }} }}
.page + .page {{ break-before: page; }}
.mark {{ font-size: 8pt; color: #555; border-bottom: 1px solid #999; padding-bottom: 2pt; margin-bottom: 6pt; }}
h1 {{ font-size: 15pt; margin: 0 0 4pt; }}
h2 {{ font-size: 12pt; margin: 10pt 0 4pt; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ text-align: left; vertical-align: top; padding: 3pt 4pt; border-bottom: 1px solid #ccc; }}
th {{ font-size: 8.5pt; color: #333; border-bottom: 1.5px solid #333; }}
td.room {{ font-weight: bold; white-space: nowrap; }}
.alert {{ font-weight: bold; }}
tr {{ break-inside: avoid; }}
.none {{ color: #555; font-style: italic; }}
</style>
</head>
<body>
<div class="wm" aria-hidden="true"><svg xmlns="http://www.w3.org/2000/svg"><defs><pattern id="wm" width="420" height="190" patternUnits="userSpaceOnUse" patternTransform="rotate(-28)"><text x="10" y="95" font-size="13" fill="#000" fill-opacity="0.07">{mark_line}</text></pattern></defs><rect width="100%" height="100%" fill="url(#wm)"/></svg></div>
"##,
        title = escape(&title(sheet, lang)),
        page_mark = css_string(&watermark_line(mark, lang)),
    );
    let _ = write!(
        out,
        "<section class=\"page\">\n<div class=\"mark\">{mark_line}</div>\n<h1>{}</h1>\n",
        escape(&title(sheet, lang))
    );
    for (section, rows) in sheet.sections().into_iter().enumerate() {
        let heading = section_title(section, sheet.date, today, lang);
        let _ = writeln!(out, "<h2>{} ({})</h2>", escape(&heading), rows.len());
        if rows.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"none\">{}</p>",
                escape(Msg::NoneToday.text_in(lang))
            );
            continue;
        }
        let _ = writeln!(
            out,
            "<table><tr><th>{}</th><th>{}</th></tr>",
            escape(Msg::Room.text_in(lang)),
            escape(Msg::Name.text_in(lang))
        );
        for entry in rows {
            let lines = entry_lines(entry, catalog, lang);
            let body: Vec<String> = lines
                .iter()
                .enumerate()
                .map(|(i, l)| match i {
                    0 => format!("<strong>{}</strong>", escape(l)),
                    _ if l.starts_with("! ") => {
                        format!("<span class=\"alert\">{}</span>", escape(l))
                    }
                    _ => escape(l),
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr><td class=\"room\">{}</td><td>{}</td></tr>",
                escape(entry.row.room.as_deref().unwrap_or("-")),
                body.join("<br>")
            );
        }
        let _ = writeln!(out, "</table>");
    }
    let _ = writeln!(out, "</section>");
    for (department, lines) in department_lists(sheet, catalog, lang) {
        let heading = Msg::VipPrepFor.fill_in(
            lang,
            &[
                ("department", &department_label(department, lang)),
                ("date", &sheet.date),
            ],
        );
        let _ = write!(
            out,
            "<section class=\"page\">\n<div class=\"mark\">{mark_line}</div>\n<h1>{}</h1>\n",
            escape(&heading)
        );
        if lines.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"none\">{}</p>",
                escape(Msg::VipNothingToPrepare.text_in(lang))
            );
        } else {
            let _ = writeln!(out, "<table>");
            for line in lines {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"room\">{}</td><td><strong>{}</strong> · {}<br>{}</td></tr>",
                    escape(&line.room),
                    escape(&line.name),
                    escape(&line.when),
                    escape(&line.items.join("; "))
                );
            }
            let _ = writeln!(out, "</table>");
        }
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(out, "</body>\n</html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Alert;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn mark() -> Watermark {
        Watermark {
            user: "fo.lin".into(),
            host: "fo-1".into(),
            at: "2026-06-14 16:30".into(),
        }
    }

    /// The sample hotel's sheet for its reference day, as the store gives it.
    fn sample_sheet() -> VipSheet {
        let dir = tempfile::tempdir().unwrap();
        let today = day(crate::cli::SAMPLE_REFERENCE_DAY);
        let mut store = crate::cli::create_demo(&dir.path().join("demo.db"), "fo", today).unwrap();
        store.vip_sheet(today).unwrap()
    }

    #[test]
    fn the_sample_days_sheet_in_both_languages() {
        let sheet = sample_sheet();
        let catalog = Catalog::builtin();
        for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
            let text = vip_text(&sheet, &catalog, lang, &mark(), 80, sheet.date);
            insta::assert_snapshot!(format!("vip_sheet_sample_day_{tag}"), text);
        }
    }

    /// A guest whose name, greeting and complaint try to be markup or a formula.
    fn hostile_sheet() -> VipSheet {
        let mut sheet = sample_sheet();
        let entry = &mut sheet.arrivals[0];
        entry.row.name = "<script>alert(1)</script>".into();
        entry.row.preferred_address = Some("=HYPERLINK(\"http://x\")".into());
        entry.row.alerts.push(Alert::DoNotRent);
        sheet
    }

    #[test]
    fn text_fits_every_width_and_loses_no_word() {
        let sheet = sample_sheet();
        let catalog = Catalog::builtin();
        let full = vip_text(&sheet, &catalog, Lang::Zh, &mark(), 400, sheet.date);
        for width in [60, 80, 120] {
            let text = vip_text(&sheet, &catalog, Lang::Zh, &mark(), width, sheet.date);
            for line in text.lines() {
                assert!(crate::text::width(line) <= width, "{width}: {line:?}");
            }
            // Wrapping only moves words between lines (CJK runs may break anywhere).
            let joined = |t: &str| t.split_whitespace().collect::<String>();
            let strip = |t: &str| joined(t).replace('-', "");
            assert_eq!(strip(&text), strip(&full), "{width}");
        }
    }

    #[test]
    fn every_department_gets_its_own_list_under_the_watermark() {
        let sheet = sample_sheet();
        let catalog = Catalog::builtin();
        let lists = department_lists(&sheet, &catalog, Lang::En);
        let departments: Vec<Department> = lists.iter().map(|(d, _)| *d).collect();
        assert_eq!(
            departments,
            [
                Department::FrontOffice,
                Department::Housekeeping,
                Department::Fnb,
                Department::Engineering
            ]
        );
        let of = |department: Department, room: &str| -> String {
            let (_, lines) = lists.iter().find(|(d, _)| *d == department).unwrap();
            lines
                .iter()
                .find(|l| l.room == room)
                .map(|l| l.items.join("; "))
                .unwrap_or_default()
        };
        // 陆建华 (3501): the pillows for housekeeping, the tea and the taboo for F&B, the
        // greeting and the past complaint for the front office.
        assert!(of(Department::Housekeeping, "3501").starts_with("Pillow: Foam"));
        assert!(of(Department::Fnb, "3501").contains("Food taboo: Sour food"));
        assert!(!of(Department::Fnb, "3501").contains("Pillow"));
        let front = of(Department::FrontOffice, "3501");
        assert!(front.starts_with("Greet as: 陆总"), "{front}");
        assert!(front.contains("(resolved): 早餐面条加了醋"), "{front}");
        // Every page of the printable sheet carries the watermark.
        let html = vip_html(&sheet, &catalog, Lang::En, &mark(), sheet.date);
        let pages = html.matches("<section class=\"page\">").count();
        assert_eq!(pages, 1 + lists.len());
        assert_eq!(
            html.matches("<div class=\"mark\">CONFIDENTIAL").count(),
            pages
        );
        assert!(html.contains("fo.lin on fo-1 at 2026-06-14 16:30"));
    }

    #[test]
    fn markup_and_formulas_from_a_profile_stay_text() {
        let sheet = hostile_sheet();
        let catalog = Catalog::builtin();
        let html = vip_html(&sheet, &catalog, Lang::En, &mark(), sheet.date);
        assert!(!html.contains("<script>"));
        // A user name is printed inside CSS (the page margin) and SVG too.
        let odd = Watermark {
            user: "x\"</style><script>".into(),
            ..mark()
        };
        let html_odd = vip_html(&sheet, &catalog, Lang::En, &odd, sheet.date);
        assert_eq!(html_odd.matches("</style>").count(), 1);
        assert!(!html_odd.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let csv = vip_csv(&sheet, &catalog, Lang::En, &mark());
        let mut rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert!(rows[0][0].starts_with("CONFIDENTIAL · printed by fo.lin on fo-1"));
        assert_eq!(&rows[1][4], "greeting");
        assert_eq!(&rows[2][4], "'=HYPERLINK(\"http://x\")");
        assert!(rows[2][9].contains("DO NOT RENT"), "{:?}", &rows[2]);
    }

    #[test]
    fn an_empty_day_says_so_in_every_list() {
        let sheet = VipSheet {
            date: day("2026-06-16"),
            arrivals: Vec::new(),
            in_house: Vec::new(),
            departures: Vec::new(),
        };
        let catalog = Catalog::builtin();
        let text = vip_text(&sheet, &catalog, Lang::En, &mark(), 80, day("2026-06-15"));
        assert!(text.contains("Arrivals tomorrow (0)"), "{text}");
        assert_eq!(text.matches("Nothing to prepare.").count(), 4, "{text}");
    }
}
