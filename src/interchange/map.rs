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
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use super::{column_index, Column, InterchangeError};

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
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        toml::from_str(&text).map_err(|e| err(e.message().to_string()))
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
    /// Our column's slot, where its value comes from, and the value map to apply.
    sources: Vec<(usize, Source, Option<ValueMap>)>,
}

/// Their values for ours, of one column.
type ValueMap = BTreeMap<String, String>;

/// What went wrong laying a map over a header: a column it names is not there, or one of
/// ours it names does not exist.
pub enum MapFault {
    TheirsMissing(String),
    OursUnknown(String),
    RequiredMissing(&'static str),
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
        let sources = sources
            .into_iter()
            .map(|(slot, source)| {
                let values = map
                    .values
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(columns[slot].name))
                    .map(|(_, v)| v.clone());
                (slot, source, values)
            })
            .collect();
        Ok(Mapped { sources })
    }

    /// Our columns' values from one record of theirs.
    pub fn apply<'a>(&'a self, fields: &'a [String]) -> impl Iterator<Item = (usize, String)> + 'a {
        let cell = |i: usize| super::unprefixed(fields.get(i).map_or("", String::as_str)).trim();
        self.sources.iter().map(move |(slot, source, values)| {
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
    fn names_join_in_their_own_order() {
        assert_eq!(full_name("张", "伟"), "张伟");
        assert_eq!(full_name("欧阳", "娜娜"), "欧阳娜娜");
        assert_eq!(full_name("Smith", "John"), "John Smith");
        assert_eq!(full_name("", "Madonna"), "Madonna");
        assert_eq!(full_name("Suharto", ""), "Suharto");
    }
}
