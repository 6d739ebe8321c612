//! Column maps (`--map FILE`): how a PMS export's own columns become ours — renamed columns,
//! fixed values, their codes for our values, and a name given in parts.
//!
//! ```toml
//! [columns]            # our column = their header
//! id = "Profile No."
//! [fixed]              # our column = one value for every row
//! nationality = "CN"
//! [values.status]      # their value = ours (case-insensitive)
//! CHO = "departed"
//! [name]               # `name` from a surname and a given-name column ...
//! surname = "Last Name"
//! given = "First Name"
//! # ... or from one column written "SURNAME, GIVEN": column = "Guest", separator = ","
//! [dates]              # our date column = how their file writes dates
//! arrival = "MM/DD/YYYY"   # or DD.MM.YYYY, YYYY/M/D, YYYYMMDD, excel (serial numbers)
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::{column_index, Column, InterchangeError};
use crate::i18n::Msg;

/// A column map as its TOML file says it.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMap {
    /// Which kind of file the map is for (documentation; checked when given).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub fixed: BTreeMap<String, String>,
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub name: Option<NameParts>,
    /// Our date columns' formats in their file; values are converted to ISO dates.
    #[serde(default)]
    pub dates: BTreeMap<String, String>,
}

/// How an export writes a guest's name when not in one `name` column.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameParts {
    pub surname: Option<String>,
    pub given: Option<String>,
    /// One column holding `SURNAME<separator>GIVEN`.
    pub column: Option<String>,
    /// A column with the name as the guest writes it (`张伟` beside `ZHANG` / `WEI`): when it
    /// has a value it is the name and the parts, surname first, the romanised name.
    pub alternate: Option<String>,
    #[serde(default = "comma")]
    pub separator: String,
}

fn comma() -> String {
    ",".into()
}

impl ColumnMap {
    pub fn load(path: &Path) -> Result<ColumnMap, InterchangeError> {
        let err = |reason: String| InterchangeError::MapFile {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(crate::i18n::io_reason(&e)))?;
        let map: ColumnMap =
            toml::from_str(&text).map_err(|e| err(crate::config::toml_problem(&text, &e)))?;
        map.date_formats().map_err(err)?;
        Ok(map)
    }

    /// Every column of theirs the map names, in a fixed order: the header a JSON Lines file
    /// is read under, whose objects may leave any key out.
    pub fn their_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.columns.values().cloned().collect();
        if let Some(name) = &self.name {
            names.extend(
                [&name.surname, &name.given, &name.column, &name.alternate]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        names
    }

    /// The `[dates]` formats, checked: only date columns, only formats we can read.
    fn date_formats(&self) -> Result<Vec<(String, DateFormat)>, String> {
        self.dates
            .iter()
            .map(|(column, format)| {
                if !DATE_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(column)) {
                    return Err(Msg::MapNotDateColumn
                        .fill(&[("column", column), ("dates", &DATE_COLUMNS.join(", "))]));
                }
                let parsed = DateFormat::parse(format).ok_or_else(|| {
                    Msg::MapBadDateFormat.fill(&[("column", column), ("format", format)])
                })?;
                Ok((column.to_ascii_lowercase(), parsed))
            })
            .collect()
    }
}

/// Our columns that hold a date.
const DATE_COLUMNS: [&str; 3] = ["birth_date", "arrival", "departure"];

/// How an export writes dates: a pattern of `YYYY`, `MM`/`M`, `DD`/`D` (two digits, or one
/// or two) and separators, or Excel's serial day numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct DateFormat {
    /// As the map wrote it, for messages.
    shown: String,
    pieces: Option<Vec<Piece>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    Year,
    Month { exact: bool },
    Day { exact: bool },
    Literal(char),
}

impl DateFormat {
    pub fn parse(format: &str) -> Option<DateFormat> {
        let shown = format.trim().to_string();
        if shown.eq_ignore_ascii_case("excel") {
            return Some(DateFormat {
                shown,
                pieces: None,
            });
        }
        let mut pieces = Vec::new();
        let mut rest = shown.as_str();
        while !rest.is_empty() {
            let (piece, len) = if rest.starts_with("YYYY") {
                (Piece::Year, 4)
            } else if rest.starts_with("MM") {
                (Piece::Month { exact: true }, 2)
            } else if rest.starts_with('M') {
                (Piece::Month { exact: false }, 1)
            } else if rest.starts_with("DD") {
                (Piece::Day { exact: true }, 2)
            } else if rest.starts_with('D') {
                (Piece::Day { exact: false }, 1)
            } else {
                let c = rest.chars().next()?;
                if c.is_ascii_alphanumeric() {
                    return None;
                }
                (Piece::Literal(c), c.len_utf8())
            };
            pieces.push(piece);
            rest = &rest[len..];
        }
        let once = |f: fn(&Piece) -> bool| pieces.iter().filter(|p| f(p)).count() == 1;
        let whole = once(|p| *p == Piece::Year)
            && once(|p| matches!(p, Piece::Month { .. }))
            && once(|p| matches!(p, Piece::Day { .. }));
        whole.then_some(DateFormat {
            shown,
            pieces: Some(pieces),
        })
    }

    /// `value` as an ISO date (`YYYY-MM-DD`), or the message saying which format it missed.
    pub fn to_iso(&self, value: &str) -> Result<String, String> {
        let date = match &self.pieces {
            None => excel_serial(value),
            Some(pieces) => by_pattern(pieces, value),
        };
        date.map(|d| d.format("%Y-%m-%d").to_string())
            .ok_or_else(|| {
                Msg::RowBadMappedDate.fill(&[("value", &value), ("format", &self.shown)])
            })
    }
}

fn by_pattern(pieces: &[Piece], value: &str) -> Option<NaiveDate> {
    let (mut y, mut m, mut d) = (0, 0, 0);
    let mut rest = value.as_bytes();
    for piece in pieces {
        let digits = |rest: &[u8], min: usize, max: usize| {
            let n = rest
                .iter()
                .take(max)
                .take_while(|b| b.is_ascii_digit())
                .count();
            (n >= min).then(|| {
                let v = rest[..n]
                    .iter()
                    .fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
                (v, n)
            })
        };
        let (v, n) = match *piece {
            Piece::Year => digits(rest, 4, 4)?,
            Piece::Month { exact } | Piece::Day { exact } => {
                digits(rest, if exact { 2 } else { 1 }, 2)?
            }
            Piece::Literal(c) => {
                let mut buf = [0; 4];
                let lit = c.encode_utf8(&mut buf).as_bytes();
                if !rest.starts_with(lit) {
                    return None;
                }
                (0, lit.len())
            }
        };
        match piece {
            Piece::Year => y = v,
            Piece::Month { .. } => m = v,
            Piece::Day { .. } => d = v,
            Piece::Literal(_) => {}
        }
        rest = &rest[n..];
    }
    if !rest.is_empty() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// Excel's day number (1900 date system): 1 is 1900-01-01, and 60 the 29 February 1900 that
/// Excel counts but never was; a fraction is the time of day.
fn excel_serial(value: &str) -> Option<NaiveDate> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || whole.len() > 7 {
        return None;
    }
    let n: u64 = whole.parse().ok()?;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    match n {
        1..=59 => base.checked_add_days(chrono::Days::new(n + 1)),
        61..=2_958_465 => base.checked_add_days(chrono::Days::new(n)),
        _ => None,
    }
}

/// Where one of our columns comes from in a mapped file.
#[derive(Debug, Clone)]
enum Source {
    Their(usize),
    Fixed(String),
    /// The name from its parts, unless the alternate column has one.
    Name {
        parts: Parts,
        alternate: Option<usize>,
    },
    /// The parts as the romanised name, when the alternate column holds the name.
    Latin {
        parts: Parts,
        alternate: usize,
    },
}

#[derive(Debug, Clone)]
enum Parts {
    Two { surname: usize, given: usize },
    Split { column: usize, separator: String },
}

impl Parts {
    /// Surname and given name of a record.
    fn of<'a>(&'a self, cell: &impl Fn(usize) -> &'a str) -> (&'a str, &'a str) {
        match self {
            Parts::Two { surname, given } => (cell(*surname), cell(*given)),
            Parts::Split { column, separator } => {
                let text = cell(*column);
                match text.split_once(separator.as_str()) {
                    Some((surname, given)) => (surname.trim(), given.trim()),
                    None => ("", text),
                }
            }
        }
    }
}

/// A column map laid over one file's header.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// Our column's slot, where its value comes from, the value map to apply, and the date
    /// format their values are written in.
    sources: Vec<(usize, Source, Option<ValueMap>, Option<DateFormat>)>,
}

/// Their values for ours, of one column.
type ValueMap = BTreeMap<String, String>;

/// What went wrong laying a map over a header: a column it names is not there, or one of
/// ours it names does not exist.
pub enum MapFault {
    TheirsMissing(String),
    OursUnknown(String),
    RequiredMissing(&'static str),
    /// `[dates]` names a column that is not a date or a format we cannot read.
    Dates(String),
}

impl Mapped {
    pub fn new(map: &ColumnMap, header: &[String], columns: &[Column]) -> Result<Mapped, MapFault> {
        let theirs = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| MapFault::TheirsMissing(name.to_string()))
        };
        let ours = |name: &str| {
            column_index(columns, name).ok_or_else(|| MapFault::OursUnknown(name.to_string()))
        };
        let mut sources: Vec<(usize, Source)> = Vec::new();
        for (our, their) in &map.columns {
            sources.push((ours(our)?, Source::Their(theirs(their)?)));
        }
        for (our, value) in &map.fixed {
            sources.push((ours(our)?, Source::Fixed(value.clone())));
        }
        if let Some(name) = &map.name {
            let parts = match (&name.column, &name.surname, &name.given) {
                (Some(column), _, _) => Parts::Split {
                    column: theirs(column)?,
                    separator: name.separator.clone(),
                },
                (None, Some(surname), Some(given)) => Parts::Two {
                    surname: theirs(surname)?,
                    given: theirs(given)?,
                },
                _ => return Err(MapFault::TheirsMissing("name.surname / name.given".into())),
            };
            let alternate = name.alternate.as_deref().map(theirs).transpose()?;
            if let Some(alternate) = alternate {
                let latin = Source::Latin {
                    parts: parts.clone(),
                    alternate,
                };
                sources.push((ours("name_latin")?, latin));
            }
            sources.push((ours("name")?, Source::Name { parts, alternate }));
        }
        // Their columns already named as ours are taken as they are.
        for (i, h) in header.iter().enumerate() {
            if let Some(slot) = column_index(columns, h) {
                if !sources.iter().any(|(s, _)| *s == slot) {
                    sources.push((slot, Source::Their(i)));
                }
            }
        }
        for (i, column) in columns.iter().enumerate() {
            if column.required && !sources.iter().any(|(s, _)| *s == i) {
                return Err(MapFault::RequiredMissing(column.name));
            }
        }
        for our in map.values.keys() {
            ours(our)?;
        }
        let dates = map.date_formats().map_err(MapFault::Dates)?;
        let sources = sources
            .into_iter()
            .map(|(slot, source)| {
                let values = map
                    .values
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(columns[slot].name))
                    .map(|(_, v)| v.clone());
                let date = dates
                    .iter()
                    .find(|(c, _)| c == columns[slot].name)
                    .map(|(_, f)| f.clone());
                (slot, source, values, date)
            })
            .collect();
        Ok(Mapped { sources })
    }

    /// Our columns' values from one record of theirs; a date that is not in the column's
    /// format is the message saying so.
    /// `csv`: cells carry the export's `'` before a formula, taken off here (JSON does not).
    pub fn apply<'a>(
        &'a self,
        fields: &'a [String],
        csv: bool,
    ) -> impl Iterator<Item = (usize, Result<String, String>)> + 'a {
        let cell = move |i: usize| {
            let text = fields.get(i).map_or("", String::as_str);
            match csv {
                true => super::unprefixed(text).trim(),
                false => text.trim(),
            }
        };
        self.sources
            .iter()
            .map(move |(slot, source, values, date)| {
                let value = match source {
                    Source::Their(i) => cell(*i).to_string(),
                    Source::Fixed(v) => v.clone(),
                    Source::Name { parts, alternate } => match alternate.map(cell) {
                        Some(written) if !written.is_empty() => written.to_string(),
                        _ => {
                            let (surname, given) = parts.of(&cell);
                            full_name(surname, given)
                        }
                    },
                    Source::Latin { parts, alternate } => {
                        if cell(*alternate).is_empty() {
                            String::new()
                        } else {
                            let (surname, given) = parts.of(&cell);
                            [surname, given].join(" ").trim().to_string()
                        }
                    }
                };
                let value = match values {
                    Some(map) => map
                        .iter()
                        .find(|(theirs, _)| theirs.trim().eq_ignore_ascii_case(value.trim()))
                        .map_or(value, |(_, ours)| ours.clone()),
                    None => value,
                };
                let value = match date {
                    Some(format) if !value.trim().is_empty() => format.to_iso(value.trim()),
                    _ => Ok(value),
                };
                (*slot, value)
            })
    }
}

/// A name from its parts in the order its language writes it: Chinese and other Han names
/// surname first without a space (张 + 伟 = 张伟), others given name first (John Smith).
pub fn full_name(surname: &str, given: &str) -> String {
    let han = |s: &str| s.chars().any(is_han);
    match (surname.is_empty(), given.is_empty()) {
        (true, _) => given.to_string(),
        (_, true) => surname.to_string(),
        _ if han(surname) || han(given) => format!("{surname}{given}"),
        _ => format!("{given} {surname}"),
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_format_the_map_gives() {
        let iso = |format: &str, value: &str| DateFormat::parse(format).unwrap().to_iso(value);
        let ok = |s: &str| Ok(s.to_string());
        assert_eq!(iso("MM/DD/YYYY", "03/15/2026"), ok("2026-03-15"));
        assert_eq!(iso("M/D/YYYY", "3/5/2026"), ok("2026-03-05"));
        assert_eq!(iso("M/D/YYYY", "12/25/2026"), ok("2026-12-25"));
        assert_eq!(iso("DD.MM.YYYY", "15.03.2026"), ok("2026-03-15"));
        assert_eq!(iso("YYYY/M/D", "2026/3/15"), ok("2026-03-15"));
        assert_eq!(iso("YYYYMMDD", "20260315"), ok("2026-03-15"));
        assert_eq!(iso("YYYY年M月D日", "2026年3月15日"), ok("2026-03-15"));
        assert_eq!(iso("excel", "46096"), ok("2026-03-15"));
        assert_eq!(iso("Excel", "46096.75"), ok("2026-03-15"));
        assert_eq!(iso("excel", "1"), ok("1900-01-01"));
        assert_eq!(iso("excel", "59"), ok("1900-02-28"));
        assert_eq!(iso("excel", "61"), ok("1900-03-01"));
        let refused = |format: &str, value: &str| {
            assert_eq!(
                iso(format, value),
                Err(format!(
                    "'{value}' is not a date in the map's format {format}"
                )),
                "{format} {value}"
            )
        };
        refused("MM/DD/YYYY", "15/03/2026");
        refused("MM/DD/YYYY", "3/15/2026");
        refused("MM/DD/YYYY", "2026-03-15");
        refused("MM/DD/YYYY", "02/30/2026");
        refused("MM/DD/YYYY", "03/15/2026 10:00");
        refused("DD.MM.YYYY", "15/03/2026");
        refused("YYYYMMDD", "2026031");
        refused("excel", "60");
        refused("excel", "0");
        refused("excel", "2026-03-15");
        refused("excel", "-5");
        for bad in [
            "",
            "DD/MM",
            "MM/DD/YY",
            "YYYY-MM-DD-DD",
            "QQ/MM/YYYY",
            "iso",
        ] {
            assert_eq!(DateFormat::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_join_in_their_own_order() {
        assert_eq!(full_name("张", "伟"), "张伟");
        assert_eq!(full_name("欧阳", "娜娜"), "欧阳娜娜");
        assert_eq!(full_name("Smith", "John"), "John Smith");
        assert_eq!(full_name("", "Madonna"), "Madonna");
        assert_eq!(full_name("Suharto", ""), "Suharto");
    }
}
