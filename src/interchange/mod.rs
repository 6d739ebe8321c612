//! CSV / JSONL import and export per shared/spec/interchange.md.
//!
//! Import streams: a row is read, checked and handed to the store before the next is read, so
//! a million guests import in flat memory. Every problem with a row becomes a `RowProblem`
//! naming its column; problems with the file as a whole (cannot open, bad header) are an
//! `InterchangeError`. Export writes the same columns in the spec's order, so an export imports
//! again unchanged.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use indicatif::{ProgressBar, ProgressStyle};

pub mod map;
pub mod read;

use read::{Lines, Record, RecordFault, Records};

use crate::catalog::Catalog;
use crate::i18n::Msg;
use crate::model::*;
use crate::rules::validate::LINE_MAX_CHARS;
use crate::search::{name::latin_from_han, phone};
use crate::store::{
    BadRows, ImportItem, ImportReport, ImportRow, Kind, RowProblem, Store, StoreError,
};

// ---------------------------------------------------------------- formats and columns

/// The two interchange encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    /// The format a file's extension names (`.csv`, and `.txt`/`.tsv`, the names Excel's
    /// "Unicode text" and tab-separated saves get; `.jsonl`, `.ndjson`, `.json`), if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The format given explicitly, else the one the extension names, else an error.
    pub fn choose(path: &Path, explicit: Option<Format>) -> Result<Format, InterchangeError> {
        explicit.or_else(|| Format::from_path(path)).ok_or_else(|| {
            InterchangeError::FormatUnknown {
                path: path.display().to_string(),
            }
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// One column of an interchange file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// Written as a JSON number rather than a string in JSON Lines.
    pub numeric: bool,
}

const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
        numeric: false,
    }
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
        numeric: false,
    }
}

const fn num(name: &'static str) -> Column {
    Column {
        name,
        required: false,
        numeric: true,
    }
}

const GUESTS: &[Column] = &[
    opt("id"),
    req("name"),
    opt("name_latin"),
    opt("preferred_address"),
    opt("gender"),
    opt("birth_date"),
    opt("nationality"),
    opt("language"),
    opt("id_doc_type"),
    opt("id_doc_number"),
    opt("phones"),
    opt("emails"),
    opt("company"),
    opt("vip"),
    opt("flags"),
    opt("notes"),
    opt("pseudonym"),
];

const PREFERENCES: &[Column] = &[
    req("guest_id"),
    req("category"),
    req("value"),
    opt("note"),
    opt("observed_by"),
    opt("observed_at"),
    opt("source"),
];

const STAYS: &[Column] = &[
    req("reservation_id"),
    req("guest_id"),
    req("arrival"),
    req("departure"),
    req("status"),
    opt("room"),
    opt("room_type"),
    opt("vip"),
    num("adults"),
    opt("spend_room"),
    opt("spend_fnb"),
    opt("spend_other"),
    opt("notes"),
];

const FEEDBACK: &[Column] = &[
    req("guest_id"),
    req("kind"),
    req("at"),
    opt("department"),
    req("text"),
    opt("resolution"),
    opt("status"),
];

/// The columns of a kind, in the spec's order (the order export writes them in).
pub fn columns(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Guests => GUESTS,
        Kind::Preferences => PREFERENCES,
        Kind::Stays => STAYS,
        Kind::Feedback => FEEDBACK,
    }
}

fn column_index(columns: &[Column], name: &str) -> Option<usize> {
    let name = name.trim();
    columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(name))
}

fn column_names(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------- errors and outcome

/// A problem with the file as a whole, or with the database behind it.
#[derive(Debug, thiserror::Error)]
pub enum InterchangeError {
    #[error("{}", Msg::ImportFileOpen.fill(&[("path", .path), ("reason", .reason)]))]
    Open { path: String, reason: String },
    #[error("{}", Msg::ImportFormatUnknown.fill(&[("path", .path)]))]
    FormatUnknown { path: String },
    #[error("{}", Msg::ImportEmptyFile.fill(&[("path", .path)]))]
    Empty { path: String },
    #[error("{}", Msg::ImportUndecodable.fill(&[("path", .path), ("offset", .offset), ("encoding", .encoding)]))]
    Undecodable {
        path: String,
        offset: u64,
        encoding: String,
    },
    #[error("{}", Msg::ImportMapFile.fill(&[("path", .path), ("reason", .reason)]))]
    MapFile { path: String, reason: String },
    #[error("{}", Msg::ImportMapTheirs.fill(&[("path", .path), ("line", .line), ("column", .column)]))]
    MapTheirsMissing {
        path: String,
        line: u64,
        column: String,
    },
    #[error("{}", Msg::ImportMapOurs.fill(&[("column", .column), ("expected", .expected)]))]
    MapOursUnknown { column: String, expected: String },
    #[error("{}", Msg::ImportMapDates.fill(&[("reason", .reason)]))]
    MapDates { reason: String },
    #[error("{}", Msg::ImportHeaderUnclosedQuote.fill(&[("path", .path), ("line", .line)]))]
    HeaderUnclosedQuote { path: String, line: u64 },
    #[error("{}", Msg::ImportUnknownColumn.fill(&[("path", .path), ("line", .line), ("column", .column), ("expected", .expected)]))]
    UnknownColumn {
        path: String,
        line: u64,
        column: String,
        expected: String,
    },
    #[error("{}", Msg::ImportWrongSeparator.fill(&[("path", .path), ("line", .line), ("column", .column)]))]
    WrongSeparator {
        path: String,
        line: u64,
        column: String,
    },
    #[error("{}", Msg::ImportMissingColumn.fill(&[("path", .path), ("line", .line), ("column", .column)]))]
    MissingColumn {
        path: String,
        line: u64,
        column: String,
    },
    #[error("{}", Msg::ImportDuplicateColumn.fill(&[("path", .path), ("line", .line), ("column", .column)]))]
    DuplicateColumn {
        path: String,
        line: u64,
        column: String,
    },
    /// The rejects file could not be written (the good rows are already imported).
    #[error("{}", Msg::ImportRejectsWrite.fill(&[("path", .path), ("reason", .reason)]))]
    Rejects { path: String, reason: String },
    /// Writing the export failed (a closed pipe shows up here too; see `is_broken_pipe`).
    #[error("{}", Msg::ExportWrite.fill(&[("reason", .0)]))]
    Output(#[source] io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl InterchangeError {
    /// Whether an export stopped because its reader went away (`export | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, InterchangeError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// A refused row with the file it came from; displays as `path:line: column X: reason`, or
/// `path:line: reason` when the fault is the whole row's (`column` is `-`: undecodable bytes,
/// a wrong number of fields).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BadRow {
    pub path: String,
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole_row = self.column.is_empty() || self.column == "-";
        let (msg, column) = if whole_row {
            (Msg::RowErrorWhole, "")
        } else {
            (Msg::RowError, self.column.as_str())
        };
        f.write_str(&msg.fill(&[
            ("path", &self.path),
            ("line", &self.line),
            ("column", &column),
            ("reason", &self.reason),
        ]))
    }
}

/// What an import did: the store's counts, every bad row, and where the rejects went.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    pub report: ImportReport,
    /// Every bad row, in file order.
    pub errors: Vec<BadRow>,
    /// The rejects file written with `skip_bad` when some rows were bad.
    pub rejects_file: Option<PathBuf>,
    /// What was imported with a remark (a phone kept unverified, a placeholder ignored), in
    /// file order; rows that were refused have none. See [`ImportOutcome::warnings`].
    pub warnings: Vec<BadRow>,
    /// The encoding the file was read in (`UTF-8`, `GB18030`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// The separator of a CSV file.
    pub delimiter: Option<char>,
    /// Whether this was a check that wrote nothing.
    pub dry_run: bool,
}

/// What the import summary says, as `--json` prints it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    #[serde(flatten)]
    pub report: ImportReport,
    pub encoding: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    pub dry_run: bool,
}

impl ImportOutcome {
    /// The warnings the import summary counts and lists, each `path:line: column: reason`.
    pub fn warnings(&self) -> &[BadRow] {
        &self.warnings
    }

    /// The summary: the store's counts with the warnings counted, and how the file was read.
    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            report: ImportReport {
                warnings: self.warnings.len() as u64,
                ..self.report.clone()
            },
            encoding: self.encoding,
            delimiter: self.delimiter,
            dry_run: self.dry_run,
        }
    }

    /// Whether the import took nothing although the file had rows: every row was refused, or
    /// nothing was written because of them. A file of unchanged rows took them all.
    pub fn took_nothing(&self) -> bool {
        let r = &self.report;
        r.rejected > 0
            && (!r.committed && !self.dry_run || r.imported + r.updated + r.unchanged == 0)
    }
}

/// How to import: what the command line and the config say.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The format; `None` takes it from the file's extension.
    pub format: Option<Format>,
    /// Skip columns the format does not know instead of refusing the file.
    pub ignore_unknown: bool,
    /// Import the good rows and write the bad ones to a rejects file.
    pub skip_bad: bool,
    /// Where the rejects go; default `<stem>.rejects.<ext>` beside the input.
    pub rejects: Option<PathBuf>,
    pub catalog: Catalog,
    /// Region of phone numbers written without a country code.
    pub region: phonenumber::country::Id,
    pub vip_codes: Vec<String>,
    /// Show a progress bar (only ever drawn when stderr is a terminal).
    pub progress: bool,
    /// The file's encoding when it has no BOM; `None` guesses.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The CSV separator; `None` takes it from the header.
    pub delimiter: Option<u8>,
    /// Check every row and write nothing.
    pub dry_run: bool,
    /// How a PMS export's columns become ours (`--map`).
    pub map: Option<map::ColumnMap>,
}

impl ImportOptions {
    /// Strict defaults under the hotel's settings (the store checks every row again):
    /// known columns only, bad rows refuse the file, no progress bar.
    pub fn new(settings: &Settings) -> Result<ImportOptions, StoreError> {
        Ok(ImportOptions {
            format: None,
            ignore_unknown: false,
            skip_bad: false,
            rejects: None,
            catalog: crate::rules::settings::catalog(settings).map_err(StoreError::from)?,
            region: crate::rules::settings::region(settings),
            vip_codes: settings.vip_codes.clone(),
            progress: false,
            encoding: None,
            delimiter: None,
            dry_run: false,
            map: None,
        })
    }
}

// ---------------------------------------------------------------- import

/// Imports one file of `kind` into `store`: every row or none, or with `skip_bad` the good
/// rows plus a rejects file holding exactly the bad ones.
pub fn import_file(
    store: &mut dyn Store,
    kind: Kind,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportOutcome, InterchangeError> {
    let format = Format::choose(path, opts.format)?;
    // Only guest rows carry phone numbers. Touching the pattern cache loads phonenumber's
    // whole numbering plan (~100 ms), which would be most of the cost of the small stays
    // imports a PMS interface pushes every minute.
    if kind == Kind::Guests {
        widen_phone_pattern_cache();
    }
    let shown = path.display().to_string();
    let (file, len) = open(path)?;
    let progress = progress_bar(opts.progress, len);
    let input = BufReader::with_capacity(1 << 16, progress.wrap_read(file));
    let parser = RowParser::new(kind, opts);
    let bad = if opts.dry_run {
        BadRows::Check
    } else if opts.skip_bad {
        BadRows::Skip
    } else {
        BadRows::Refuse
    };
    if let Some(map) = &opts.map {
        let refuse = |reason: &str| InterchangeError::MapFile {
            path: shown.clone(),
            reason: reason.to_string(),
        };
        if map
            .kind
            .as_deref()
            .is_some_and(|k| !format!("{kind:?}").eq_ignore_ascii_case(k.trim()))
        {
            return Err(refuse(
                &Msg::ImportMapKind.fill(&[("kind", &map.kind.clone().unwrap_or_default())]),
            ));
        }
    }
    let (mut records, first) = open_text(input, opts, &shown)?;
    let encoding = read::encoding_name(records.encoding());
    let (report, delimiter) = match format {
        Format::Csv => {
            let delimiter = opts
                .delimiter
                .unwrap_or_else(|| read::detect_delimiter(&first));
            records.set_delimiter(delimiter);
            let rows = CsvRows::new(records, &parser, &shown)?;
            let report = import_parsed_aside(store, kind, rows, bad)?;
            (report, Some(char::from(delimiter)))
        }
        Format::Jsonl => {
            let rows = JsonRows::new(records, &parser, &shown)?;
            (import_parsed_aside(store, kind, rows, bad)?, None)
        }
    };
    progress.finish_and_clear();
    let errors = located(&report, &shown);
    let mut warnings = parser.warnings_outside(&errors, &shown);
    warnings.extend(report.duplicates.iter().map(|d| BadRow {
        path: shown.clone(),
        line: d.line,
        column: "id".to_string(),
        reason: Msg::RowLikelyDuplicate.fill(&[
            ("other", &d.other),
            (
                "reasons",
                &crate::i18n::dupe_reasons(&d.reasons, crate::i18n::lang()),
            ),
        ]),
    }));
    // Rows the store left out (about erased guests) are warnings, in file order.
    warnings.extend(report.notices.iter().map(|e| BadRow {
        path: shown.clone(),
        line: e.line,
        column: e.column.clone(),
        reason: e.reason.clone(),
    }));
    warnings.sort_by_key(|w| w.line);
    let rejects_file = if opts.skip_bad && !opts.dry_run && !errors.is_empty() {
        let target = opts
            .rejects
            .clone()
            .unwrap_or_else(|| default_rejects_path(path, format));
        let lines: BTreeSet<u64> = errors.iter().map(|e| e.line).collect();
        let how = ReadAs {
            format,
            encoding: records_encoding(encoding),
            delimiter: delimiter.map_or(b',', |d| d as u8),
        };
        write_rejects(path, &how, &target, &lines)?;
        Some(target)
    } else {
        None
    };
    Ok(ImportOutcome {
        report,
        errors,
        rejects_file,
        warnings,
        encoding,
        delimiter,
        dry_run: opts.dry_run,
    })
}

/// How a file was read, so its rejects are read the same way.
struct ReadAs {
    format: Format,
    encoding: Option<&'static encoding_rs::Encoding>,
    delimiter: u8,
}

fn records_encoding(name: &str) -> Option<&'static encoding_rs::Encoding> {
    read::encoding_by_name(name)
}

/// Rows in flight between the parsing thread and the writing one, in batches: a channel
/// message per row cost the two threads more in waking each other than the rows themselves.
const PIPELINE_BATCHES: usize = 16;
const BATCH_ROWS: usize = 256;

/// Reads, checks and normalises rows on a second thread while the store writes on this one,
/// so an import takes about as long as the slower half instead of both. The channel is
/// bounded: memory stays flat however long the file.
fn import_parsed_aside(
    store: &mut dyn Store,
    kind: Kind,
    rows: impl Iterator<Item = ImportRow> + Send,
    bad: BadRows,
) -> Result<ImportReport, StoreError> {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<ImportRow>>(PIPELINE_BATCHES);
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH_ROWS);
            for row in rows {
                batch.push(row);
                if batch.len() == BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    // The store stopped reading (it refused the file): stop parsing too.
                    if sender.send(full).is_err() {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = sender.send(batch);
            }
        });
        store.import(kind, &mut receiver.into_iter().flatten(), bad)
    })
}

/// phonenumber keeps its compiled patterns in an LRU of 100. A file with numbers from a dozen
/// countries needs more than that, and then nearly every number recompiles regexes (an import
/// of 100k guests took a minute, almost all of it in the regex compiler). Widened once.
fn widen_phone_pattern_cache() {
    static WIDENED: std::sync::Once = std::sync::Once::new();
    WIDENED.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.set_capacity(PHONE_PATTERN_CACHE);
        }
    });
}

/// Enough for the patterns of every region (a few thousand); each is compiled only on use.
const PHONE_PATTERN_CACHE: usize = 8192;

fn open(path: &Path) -> Result<(File, u64), InterchangeError> {
    let err = |e: io::Error| InterchangeError::Open {
        path: path.display().to_string(),
        reason: crate::i18n::io_reason(&e),
    };
    let file = File::open(path).map_err(err)?;
    let len = file.metadata().map_err(err)?.len();
    Ok((file, len))
}

/// A bar by bytes read on stderr, or a hidden one when nobody is watching.
fn progress_bar(wanted: bool, len: u64) -> ProgressBar {
    if !wanted || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The store's row errors with the file name, sorted by line.
fn located(report: &ImportReport, shown: &str) -> Vec<BadRow> {
    let mut errors: Vec<BadRow> = report
        .errors
        .iter()
        .map(|e| BadRow {
            path: shown.to_string(),
            line: e.line,
            column: e.column.clone(),
            reason: e.reason.clone(),
        })
        .collect();
    errors.sort_by_key(|e| e.line);
    errors
}

/// `guests.csv` -> `guests.rejects.csv`, beside the input.
pub fn default_rejects_path(input: &Path, format: Format) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    let ext = input
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| format.extension().into());
    input.with_file_name(format!("{stem}.rejects.{ext}"))
}

// ---------------------------------------------------------------- reading rows

/// One row's values by column of its kind: trimmed, an empty cell is `None`.
struct Cells {
    columns: &'static [Column],
    values: Vec<Option<String>>,
}

impl Cells {
    fn new(columns: &'static [Column]) -> Cells {
        Cells {
            columns,
            values: vec![None; columns.len()],
        }
    }

    /// Sets a cell after checking it holds text of its column's kind and size.
    fn set(&mut self, index: usize, text: &str) -> Result<(), RowProblem> {
        let text = text.trim();
        check_text(self.columns[index].name, text)?;
        self.values[index] = (!text.is_empty()).then(|| text.to_string());
        Ok(())
    }

    fn take(&mut self, name: &str) -> Option<String> {
        column_index(self.columns, name).and_then(|i| self.values[i].take())
    }

    fn need(&mut self, name: &str) -> Result<String, RowProblem> {
        self.take(name)
            .ok_or_else(|| problem(name, Msg::RowRequired.text().into()))
    }

    /// Parses an optional cell; a problem names the column.
    fn parse<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, RowProblem> {
        self.take(name)
            .map(|v| f(&v).map_err(|reason| problem(name, reason)))
            .transpose()
    }

    /// Parses a required cell.
    fn parse_need<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, RowProblem> {
        let v = self.need(name)?;
        f(&v).map_err(|reason| problem(name, reason))
    }
}

/// Columns of free text: they may hold tabs and line breaks, and up to a note's length.
const FREE_TEXT: &[&str] = &["notes", "note", "text", "resolution"];

/// Columns the role matrix may mask on export (see `privacy::Governed`).
const MASKABLE: &[&str] = &[
    "birth_date",
    "id_doc_number",
    "phones",
    "emails",
    "spend_room",
    "spend_fnb",
    "spend_other",
    "text",
    "resolution",
];

/// No control characters (tab and line breaks only in free text) and no more characters than
/// the column holds.
fn check_text(column: &str, text: &str) -> Result<(), RowProblem> {
    // A masked view (`******1234`) exported by a role that may not see the value is never
    // data: importing it back would write the mask over what is stored.
    if MASKABLE.contains(&column) && crate::privacy::looks_masked(column, text) {
        return Err(problem(column, Problem::MaskedValue.to_string()));
    }
    let free = FREE_TEXT.contains(&column);
    let allowed = |c: char| free && matches!(c, '\t' | '\n' | '\r');
    if let Some(c) = text.chars().find(|&c| c.is_control() && !allowed(c)) {
        let code = format!("U+{:04X}", u32::from(c));
        return Err(problem(column, Msg::RowControl.fill(&[("code", &code)])));
    }
    let max = if free { NOTE_MAX_CHARS } else { LINE_MAX_CHARS };
    if text.len() > max {
        let n = text.chars().count();
        if n > max {
            return Err(problem(
                column,
                Msg::RowTooLong.fill(&[("n", &n), ("max", &max)]),
            ));
        }
    }
    Ok(())
}

/// What a spreadsheet would run as a formula when a cell starts with it (and `'`, so the
/// prefix itself round-trips).
const FORMULA_START: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// A cell as CSV export writes it: `'` before anything a spreadsheet would take as a formula.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV cell without the one `'` export put before it.
pub fn unprefixed(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

fn problem(column: &str, reason: String) -> RowProblem {
    RowProblem {
        column: column.to_string(),
        reason,
    }
}

/// Which kind's column each CSV column holds (`None`: ignored unknown column).
struct Layout {
    slots: Vec<Option<usize>>,
}

impl Layout {
    fn from_header(
        header: &[String],
        line: u64,
        columns: &[Column],
        ignore_unknown: bool,
        shown: &str,
    ) -> Result<Layout, InterchangeError> {
        let mut slots = Vec::with_capacity(header.len());
        let mut seen = vec![false; columns.len()];
        for name in header {
            let slot = column_index(columns, name);
            match slot {
                Some(i) if seen[i] => {
                    return Err(InterchangeError::DuplicateColumn {
                        path: shown.to_string(),
                        line,
                        column: name.to_string(),
                    })
                }
                Some(i) => seen[i] = true,
                None if ignore_unknown => {}
                // `id;name;phones` read with a comma: the separator is wrong, not the column.
                None if name.contains([',', ';', '\t']) => {
                    return Err(InterchangeError::WrongSeparator {
                        path: shown.to_string(),
                        line,
                        column: name.to_string(),
                    })
                }
                None => {
                    return Err(InterchangeError::UnknownColumn {
                        path: shown.to_string(),
                        line,
                        column: name.to_string(),
                        expected: column_names(columns),
                    })
                }
            }
            slots.push(slot);
        }
        if let Some(missing) = columns.iter().zip(&seen).find(|(c, s)| c.required && !**s) {
            return Err(InterchangeError::MissingColumn {
                path: shown.to_string(),
                line,
                column: missing.0.name.to_string(),
            });
        }
        Ok(Layout { slots })
    }
}

/// The first line that is not blank, put back to be read again; `None` when there is none.
fn first_text_line<R: BufRead>(records: &mut Records<R>) -> io::Result<Option<String>> {
    while let Some((number, line)) = records.line()? {
        if !line.text.trim().is_empty() || line.undecodable.is_some() {
            let text = line.text.clone();
            records.unread(number, line);
            return Ok(Some(text));
        }
    }
    Ok(None)
}

/// Opens the file's text: its encoding read or guessed, and a first line that is not blank.
fn open_text<R: BufRead>(
    input: R,
    opts: &ImportOptions,
    shown: &str,
) -> Result<(Records<R>, String), InterchangeError> {
    let read_err = |e: io::Error| InterchangeError::Open {
        path: shown.to_string(),
        reason: crate::i18n::io_reason(&e),
    };
    let lines = Lines::new(input, opts.encoding).map_err(read_err)?;
    let mut records = Records::new(lines, b',', false);
    let first = first_text_line(&mut records)
        .map_err(read_err)?
        .ok_or_else(|| InterchangeError::Empty {
            path: shown.to_string(),
        })?;
    Ok((records, first))
}

/// CSV records as import rows, read one at a time.
struct CsvRows<'a, R: BufRead> {
    records: Records<R>,
    header: Vec<String>,
    layout: Layout,
    mapped: Option<map::Mapped>,
    parser: &'a RowParser<'a>,
    encoding: &'static str,
    done: bool,
}

impl<'a, R: BufRead> CsvRows<'a, R> {
    fn new(
        mut records: Records<R>,
        parser: &'a RowParser<'a>,
        shown: &str,
    ) -> Result<Self, InterchangeError> {
        let encoding = read::encoding_name(records.encoding());
        let header = records
            .next_record()
            .map_err(|e| InterchangeError::Open {
                path: shown.to_string(),
                reason: crate::i18n::io_reason(&e),
            })?
            .ok_or_else(|| InterchangeError::Empty {
                path: shown.to_string(),
            })?;
        match header.fault {
            None => {}
            Some(RecordFault::Undecodable(offset)) => {
                return Err(InterchangeError::Undecodable {
                    path: shown.to_string(),
                    offset,
                    encoding: encoding.to_string(),
                })
            }
            Some(RecordFault::UnclosedQuote(_)) => {
                return Err(InterchangeError::HeaderUnclosedQuote {
                    path: shown.to_string(),
                    line: header.line,
                })
            }
        }
        let mut names: Vec<String> = header.fields.iter().map(|h| h.trim().to_string()).collect();
        // Excel keeps the empty columns right of the table.
        while names.last().is_some_and(String::is_empty) {
            names.pop();
        }
        let (layout, mapped) = match &parser.opts.map {
            None => {
                let layout = Layout::from_header(
                    &names,
                    header.line,
                    parser.columns(),
                    parser.opts.ignore_unknown,
                    shown,
                )?;
                (layout, None)
            }
            Some(m) => {
                let mapped = map::Mapped::new(m, &names, parser.columns())
                    .map_err(|fault| map_error(fault, shown, header.line, parser.columns()))?;
                let layout = Layout {
                    slots: vec![None; names.len()],
                };
                (layout, Some(mapped))
            }
        };
        Ok(CsvRows {
            records,
            header: names,
            layout,
            mapped,
            parser,
            encoding,
            done: false,
        })
    }

    fn cells(&self, record: &Record) -> Result<Cells, RowProblem> {
        match &record.fault {
            None => {}
            Some(RecordFault::UnclosedQuote(field)) => {
                let column = self.header.get(*field).map_or("-", String::as_str);
                return Err(problem(column, Msg::RowUnclosedQuote.text().into()));
            }
            Some(RecordFault::Undecodable(offset)) => {
                let reason =
                    Msg::RowUndecodable.fill(&[("offset", offset), ("encoding", &self.encoding)]);
                return Err(problem("-", reason));
            }
        }
        let expected = self.layout.slots.len();
        let fields = &record.fields;
        let extra_filled = fields.iter().skip(expected).any(|f| !f.trim().is_empty());
        if fields.len() < expected || extra_filled {
            let found = if extra_filled {
                fields.len()
            } else {
                fields.len().min(expected)
            };
            let reason = Msg::RowFieldCount.fill(&[("found", &found), ("expected", &expected)]);
            return Err(problem("-", reason));
        }
        if let Some(mapped) = &self.mapped {
            return mapped_cells(mapped, fields, true, self.parser.columns());
        }
        let mut cells = Cells::new(self.parser.columns());
        for (raw, slot) in fields.iter().zip(&self.layout.slots) {
            let Some(slot) = *slot else {
                continue;
            };
            cells.set(slot, unprefixed(raw))?;
        }
        Ok(cells)
    }
}

impl<R: BufRead> Iterator for CsvRows<'_, R> {
    type Item = ImportRow;

    fn next(&mut self) -> Option<ImportRow> {
        while !self.done {
            match self.records.next_record() {
                Ok(None) => return None,
                Ok(Some(record)) if record.is_blank() => continue,
                Ok(Some(record)) => {
                    let line = record.line;
                    let item = self.cells(&record).and_then(|c| self.parser.item(c, line));
                    return Some(ImportRow { line, item });
                }
                Err(e) => {
                    self.done = true;
                    return Some(read_failure(0, &e.to_string()));
                }
            }
        }
        None
    }
}

/// Our cells from their fields through a column map.
fn mapped_cells(
    mapped: &map::Mapped,
    fields: &[String],
    csv: bool,
    columns: &'static [Column],
) -> Result<Cells, RowProblem> {
    let mut cells = Cells::new(columns);
    for (slot, value) in mapped.apply(fields, csv) {
        let column = columns[slot].name;
        cells.set(slot, &value.map_err(|reason| problem(column, reason))?)?;
    }
    Ok(cells)
}

/// A map that does not fit the file's header, as a file error.
fn map_error(fault: map::MapFault, shown: &str, line: u64, columns: &[Column]) -> InterchangeError {
    match fault {
        map::MapFault::TheirsMissing(column) => InterchangeError::MapTheirsMissing {
            path: shown.to_string(),
            line,
            column,
        },
        map::MapFault::OursUnknown(column) => InterchangeError::MapOursUnknown {
            column,
            expected: column_names(columns),
        },
        map::MapFault::RequiredMissing(column) => InterchangeError::MissingColumn {
            path: shown.to_string(),
            line,
            column: column.to_string(),
        },
        map::MapFault::Dates(reason) => InterchangeError::MapDates { reason },
    }
}

/// The rest of the file could not be read: one bad row, so nothing half-imports.
fn read_failure(line: u64, reason: &str) -> ImportRow {
    ImportRow {
        line,
        item: Err(problem(
            "-",
            Msg::RowReadFailed.fill(&[("reason", &reason)]),
        )),
    }
}

/// JSON Lines as import rows, one line at a time; blank lines are skipped.
struct JsonRows<'a, R: BufRead> {
    records: Records<R>,
    parser: &'a RowParser<'a>,
    encoding: &'static str,
    /// With a column map: it, laid over the keys it names and ours.
    mapped: Option<(map::Mapped, Vec<String>)>,
    done: bool,
}

impl<'a, R: BufRead> JsonRows<'a, R> {
    fn new(
        records: Records<R>,
        parser: &'a RowParser<'a>,
        shown: &str,
    ) -> Result<Self, InterchangeError> {
        let columns = parser.columns();
        let mapped = match &parser.opts.map {
            None => None,
            Some(m) => {
                // An object may leave any key out: the map is laid over every key it names
                // and every one of ours, and a key left out is an empty value.
                let mut keys = m.their_names();
                keys.extend(columns.iter().map(|c| c.name.to_string()));
                let mapped = map::Mapped::new(m, &keys, columns)
                    .map_err(|fault| map_error(fault, shown, 0, columns))?;
                Some((mapped, keys))
            }
        };
        Ok(JsonRows {
            encoding: read::encoding_name(records.encoding()),
            records,
            parser,
            mapped,
            done: false,
        })
    }

    fn cells(&self, text: &str) -> Result<Cells, RowProblem> {
        match &self.mapped {
            None => json_cells(text, self.parser),
            Some((mapped, keys)) => {
                let fields = json_fields(text, keys)?;
                mapped_cells(mapped, &fields, false, self.parser.columns())
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonRows<'_, R> {
    type Item = ImportRow;

    fn next(&mut self) -> Option<ImportRow> {
        while !self.done {
            match self.records.line() {
                Ok(None) => return None,
                Ok(Some((_, line)))
                    if line.undecodable.is_none() && line.text.trim().is_empty() =>
                {
                    continue
                }
                Ok(Some((number, line))) => {
                    let item = match line.undecodable {
                        Some(offset) => Err(problem(
                            "-",
                            Msg::RowUndecodable
                                .fill(&[("offset", &offset), ("encoding", &self.encoding)]),
                        )),
                        None => self.cells(&line.text),
                    }
                    .and_then(|c| self.parser.item(c, number));
                    return Some(ImportRow { line: number, item });
                }
                Err(e) => {
                    self.done = true;
                    return Some(read_failure(0, &e.to_string()));
                }
            }
        }
        None
    }
}

/// One line's JSON object; the problem's column is the character position for malformed
/// JSON.
fn json_object(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, RowProblem> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let reason = e.to_string();
        let reason = reason.rsplit_once(" at line ").map_or(&*reason, |(r, _)| r);
        problem(
            &e.column().to_string(),
            Msg::RowBadJson.fill(&[("reason", &reason)]),
        )
    })?;
    match value {
        serde_json::Value::Object(fields) => Ok(fields),
        _ => Err(problem("1", Msg::RowNotObject.text().into())),
    }
}

/// One JSON object's values under `keys` (matched like a CSV header, ignoring case), as the
/// fields of a mapped row; other keys are ignored, as their unmapped CSV columns are.
fn json_fields(text: &str, keys: &[String]) -> Result<Vec<String>, RowProblem> {
    let object = json_object(text)?;
    let mut fields = vec![String::new(); keys.len()];
    for (key, value) in &object {
        if let Some(i) = keys
            .iter()
            .position(|k| k.trim().eq_ignore_ascii_case(key.trim()))
        {
            fields[i] = json_text(value).map_err(|reason| problem(key, reason))?;
        }
    }
    Ok(fields)
}

/// One JSON object's fields as cells; the problem's column is the character position for
/// malformed JSON, the field name otherwise.
fn json_cells(text: &str, parser: &RowParser) -> Result<Cells, RowProblem> {
    let fields = json_object(text)?;
    let columns = parser.columns();
    let mut cells = Cells::new(columns);
    for (key, value) in &fields {
        let Some(slot) = column_index(columns, key) else {
            if parser.opts.ignore_unknown {
                continue;
            }
            let expected = column_names(columns);
            return Err(problem(
                key,
                Msg::RowUnknownField.fill(&[("expected", &expected)]),
            ));
        };
        cells.set(
            slot,
            &json_text(value).map_err(|reason| problem(key, reason))?,
        )?;
    }
    Ok(cells)
}

/// A JSON value as cell text: strings, numbers and lists of them (joined with `;`).
fn json_text(value: &serde_json::Value) -> Result<String, String> {
    use serde_json::Value;
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(_) | Value::Number(_) => json_text(v),
                _ => Err(Msg::RowNotText.text().into()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|parts| parts.join(";")),
        Value::Bool(_) | Value::Object(_) => Err(Msg::RowNotText.text().into()),
    }
}

// ---------------------------------------------------------------- checking rows

/// Turns cells into checked model values.
struct RowParser<'a> {
    kind: Kind,
    opts: &'a ImportOptions,
    /// When this import runs: the observation time of preferences that do not say.
    now: DateTime<Utc>,
    /// Remarks on rows taken as they are, with their line and column; rows are parsed on
    /// another thread than the one that reads the outcome, hence the lock.
    warnings: Mutex<Vec<(u64, &'static str, String)>>,
}

impl<'a> RowParser<'a> {
    fn new(kind: Kind, opts: &'a ImportOptions) -> Self {
        RowParser {
            kind,
            opts,
            now: Utc::now().trunc_subsecs(0),
            warnings: Mutex::new(Vec::new()),
        }
    }

    fn warn(&self, line: u64, column: &'static str, reason: String) {
        if let Ok(mut warnings) = self.warnings.lock() {
            warnings.push((line, column, reason));
        }
    }

    /// The warnings of the rows that were not refused, in file order.
    fn warnings_outside(&self, errors: &[BadRow], shown: &str) -> Vec<BadRow> {
        let refused: BTreeSet<u64> = errors.iter().map(|e| e.line).collect();
        let mut warnings: Vec<BadRow> = self
            .warnings
            .lock()
            .map(|w| w.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|(line, _, _)| !refused.contains(line))
            .map(|(line, column, reason)| BadRow {
                path: shown.to_string(),
                line,
                column: column.to_string(),
                reason,
            })
            .collect();
        warnings.sort_by_key(|w| w.line);
        warnings
    }

    fn columns(&self) -> &'static [Column] {
        columns(self.kind)
    }

    fn item(&self, cells: Cells, line: u64) -> Result<ImportItem, RowProblem> {
        match self.kind {
            Kind::Guests => self.guest(cells, line).map(ImportItem::Guest),
            Kind::Preferences => self.preference(cells).map(ImportItem::Preference),
            Kind::Stays => self.stay(cells).map(ImportItem::Stay),
            Kind::Feedback => self.feedback(cells).map(ImportItem::Feedback),
        }
    }

    fn guest(&self, mut c: Cells, line: u64) -> Result<Guest, RowProblem> {
        let name = c.need("name")?;
        let mut g = Guest::new(GuestId(c.take("id").unwrap_or_default()), &name);
        g.name_latin = c.take("name_latin").or_else(|| latin_from_han(&name));
        g.preferred_address = c.take("preferred_address");
        g.gender = c.parse("gender", |s| keyword(s, Gender::parse, Gender::choices))?;
        g.birth_date = c.parse("birth_date", date)?;
        g.nationality = c.parse("nationality", country)?;
        g.language = c.parse("language", language)?;
        g.id_doc_type = c.parse("id_doc_type", |s| {
            keyword(s, IdDocType::parse, IdDocType::choices)
        })?;
        g.id_doc_number = c.take("id_doc_number");
        if g.id_doc_number.is_none() {
            // A type without a number describes no document (a map's `[fixed] id_doc_type`
            // reaches every row, also those whose guest gave none).
            g.id_doc_type = None;
        }
        let field = c.parse("phones", |s| phone::parse_field(s, self.opts.region))?;
        let field = field.unwrap_or_default();
        for warning in &field.warnings {
            self.warn(line, "phones", warning.message());
        }
        g.phones = field.phones;
        g.emails = c.parse("emails", emails)?.unwrap_or_default();
        g.company = c.take("company");
        g.vip = c.parse("vip", |s| vip(s, &self.opts.vip_codes))?;
        g.flags = c.parse("flags", flags)?.unwrap_or_default();
        g.notes = c.take("notes");
        g.pseudonym = c.take("pseudonym");
        Ok(g)
    }

    fn preference(&self, mut c: Cells) -> Result<NewPreference, RowProblem> {
        let guest_id = GuestId(c.need("guest_id")?);
        let category = c.need("category")?;
        let value = c.need("value")?;
        let catalog = &self.opts.catalog;
        let column = catalog.field_at_fault(&category);
        let (category, value) = catalog
            .validate(&category, &value)
            .map_err(|reason| problem(column, reason))?;
        Ok(NewPreference {
            guest_id,
            category,
            value,
            note: c.take("note"),
            observed_by: c.take("observed_by"),
            observed_at: c.parse("observed_at", timestamp)?.unwrap_or(self.now),
            source: c.parse("source", |s| keyword(s, Source::parse, Source::choices))?,
        })
    }

    fn stay(&self, mut c: Cells) -> Result<Stay, RowProblem> {
        let reservation_id = c.need("reservation_id")?;
        let guest_id = GuestId(c.need("guest_id")?);
        let arrival = c.parse_need("arrival", date)?;
        let departure = c.parse_need("departure", date)?;
        if departure <= arrival {
            let reason = Msg::RowDepartureNotAfterArrival
                .fill(&[("departure", &departure), ("arrival", &arrival)]);
            return Err(problem("departure", reason));
        }
        Ok(Stay {
            reservation_id,
            guest_id,
            arrival,
            departure,
            status: c.parse_need("status", |s| {
                keyword(s, StayStatus::parse, StayStatus::choices)
            })?,
            room: c.take("room"),
            room_type: c.take("room_type"),
            vip: c.parse("vip", |s| vip(s, &self.opts.vip_codes))?,
            adults: c.parse("adults", whole)?,
            spend_room: c.parse("spend_room", money)?,
            spend_fnb: c.parse("spend_fnb", money)?,
            spend_other: c.parse("spend_other", money)?,
            notes: c.take("notes"),
        })
    }

    fn feedback(&self, mut c: Cells) -> Result<Feedback, RowProblem> {
        Ok(Feedback {
            id: 0,
            guest_id: GuestId(c.need("guest_id")?),
            kind: c.parse_need("kind", |s| {
                keyword(s, FeedbackKind::parse, FeedbackKind::choices)
            })?,
            at: c.parse_need("at", timestamp)?,
            department: c.parse("department", |s| keyword(s, Source::parse, Source::choices))?,
            text: c.need("text")?,
            resolution: c.take("resolution"),
            status: c.parse("status", |s| {
                keyword(s, FeedbackStatus::parse, FeedbackStatus::choices)
            })?,
        })
    }
}

// ---------------------------------------------------------------- value checks

/// One of a keyword enum's spellings; the error lists them all.
fn keyword<T>(s: &str, parse: fn(&str) -> Option<T>, choices: fn() -> String) -> Result<T, String> {
    parse(s).ok_or_else(|| Msg::RowBadChoice.fill(&[("value", &s), ("choices", &choices())]))
}

/// A date written exactly `YYYY-MM-DD`.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| Msg::RowBadDate.fill(&[("value", &s)]))
}

/// Sets one identity field of a patch from text typed by a person (`guestbook add`/`edit`
/// `FIELD=VALUE`), with the same rules as the field's interchange column; an empty value
/// clears the field (the name cannot be cleared).
pub fn patch_field(
    patch: &mut GuestPatch,
    field: GuestField,
    text: &str,
    opts: &ImportOptions,
) -> Result<(), String> {
    let text = text.trim();
    // A mask typed or pasted back (`***1822`) is refused before it is read as a value.
    if MASKABLE.contains(&field.as_str()) && crate::privacy::looks_masked(field.as_str(), text) {
        return Err(crate::model::Problem::MaskedValue.to_string());
    }
    let opt = |t: &str| Some(t.to_string()).filter(|t| !t.is_empty());
    // An empty value clears the field; any other is parsed like its column.
    fn cleared_or<T>(
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        match text.is_empty() {
            true => Ok(None),
            false => parse(text).map(Some),
        }
    }
    use GuestField as F;
    match field {
        F::Name => {
            if text.is_empty() {
                return Err(crate::model::Problem::Required.to_string());
            }
            patch.name = Some(text.to_string());
        }
        F::NameLatin => patch.name_latin = Some(opt(text)),
        F::PreferredAddress => patch.preferred_address = Some(opt(text)),
        F::Company => patch.company = Some(opt(text)),
        F::Notes => patch.notes = Some(opt(text)),
        F::Pseudonym => patch.pseudonym = Some(opt(text)),
        F::IdDocNumber => patch.id_doc_number = Some(opt(text)),
        F::Gender => {
            patch.gender = Some(cleared_or(text, |t| {
                keyword(t, Gender::parse, Gender::choices)
            })?)
        }
        F::BirthDate => patch.birth_date = Some(cleared_or(text, date)?),
        F::Nationality => patch.nationality = Some(cleared_or(text, country)?),
        F::Language => patch.language = Some(cleared_or(text, language)?),
        F::IdDocType => {
            patch.id_doc_type = Some(cleared_or(text, |t| {
                keyword(t, IdDocType::parse, IdDocType::choices)
            })?)
        }
        // The warnings of an unverified number show on the profile.
        F::Phones => {
            let field = phone::parse_field(text, opts.region)?;
            // Typed by hand: text that holds no number is a mistake, not "no phones".
            if field.phones.is_empty() && !text.is_empty() {
                return Err(crate::model::Problem::BadPhone {
                    value: text.to_string(),
                }
                .to_string());
            }
            patch.phones = Some(field.phones)
        }
        F::Emails => patch.emails = Some(emails(text)?),
        F::Vip => patch.vip = Some(cleared_or(text, |t| vip(t, &opts.vip_codes))?),
        F::Flags => patch.flags = Some(flags(text)?),
    }
    Ok(())
}

/// An RFC 3339 timestamp, as UTC.
pub fn timestamp(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Msg::RowBadTimestamp.fill(&[("value", &s)]))
}

/// `;`-separated e-mail addresses, each with one `@` and text on both sides.
fn emails(s: &str) -> Result<Vec<String>, String> {
    s.split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let ok = matches!(e.split_once('@'), Some((user, host))
                if !user.is_empty() && !host.is_empty() && !host.contains('@'))
                && !e.chars().any(char::is_whitespace);
            ok.then(|| e.to_string())
                .ok_or_else(|| Msg::RowBadEmail.fill(&[("value", &e)]))
        })
        .collect()
}

/// A VIP code from the configured list, spelled as configured.
fn vip(s: &str, codes: &[String]) -> Result<String, String> {
    codes
        .iter()
        .find(|c| c.eq_ignore_ascii_case(s))
        .cloned()
        .ok_or_else(|| Msg::RowBadVip.fill(&[("value", &s), ("choices", &codes.join(", "))]))
}

/// `;`-separated profile flags, each once.
fn flags(s: &str) -> Result<Vec<Flag>, String> {
    let mut out = Vec::new();
    for part in s.split(';').map(str::trim).filter(|f| !f.is_empty()) {
        let flag = keyword(part, Flag::parse, Flag::choices)?;
        if !out.contains(&flag) {
            out.push(flag);
        }
    }
    Ok(out)
}

/// An ISO 3166-1 alpha-2 code, upper case.
fn country(s: &str) -> Result<String, String> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| s.to_ascii_uppercase())
        .ok_or_else(|| Msg::RowBadCountry.fill(&[("value", &s)]))
}

/// A BCP 47 tag in shape: a 2–3 letter language, then subtags of 1–8 letters or digits.
fn language(s: &str) -> Result<String, String> {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (first_ok && rest_ok)
        .then(|| s.to_string())
        .ok_or_else(|| Msg::RowBadLanguage.fill(&[("value", &s)]))
}

fn whole(s: &str) -> Result<u32, String> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| Msg::RowBadWhole.fill(&[("value", &s)]))
}

/// Money as a decimal string: digits, optionally a point and one or two more digits.
fn money(s: &str) -> Result<String, String> {
    let (int, frac) = s.split_once('.').unwrap_or((s, "00"));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&frac.len())
        && frac.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.to_string())
        .ok_or_else(|| Msg::RowBadMoney.fill(&[("value", &s)]))
}

// ---------------------------------------------------------------- rejects

/// Copies the rows on `lines` (where each record starts) to `target`, after the header, as
/// they were written: in the input's encoding (and BOM), separator and line ends, so the night
/// auditor fixes them in the spreadsheet that made the file and imports them again.
fn write_rejects(
    input: &Path,
    how: &ReadAs,
    target: &Path,
    lines: &BTreeSet<u64>,
) -> Result<(), InterchangeError> {
    let err = |e: io::Error| InterchangeError::Rejects {
        path: target.display().to_string(),
        reason: crate::i18n::io_reason(&e),
    };
    // Written beside the target and renamed, so it never reads and writes one file at once.
    let mut partial = target.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let (file, _) = open(input)?;
    let out = BufWriter::new(File::create(&partial).map_err(err)?);
    copy_rows(BufReader::new(file), how, out, lines)
        .and_then(|mut out| out.flush())
        .map_err(err)?;
    std::fs::rename(&partial, target).map_err(err)
}

fn copy_rows<W: Write>(
    input: impl BufRead,
    how: &ReadAs,
    out: W,
    lines: &BTreeSet<u64>,
) -> io::Result<W> {
    let mut records = Records::new(Lines::new(input, how.encoding)?, how.delimiter, true);
    let mut out = read::Encoded::new(out, records.encoding(), records.has_bom())?;
    // A last line without an end gets the file's own.
    let mut newline = None;
    match how.format {
        Format::Csv => {
            let mut header = true;
            while let Some(record) = records.next_record()? {
                if header && record.is_blank() {
                    continue;
                }
                let end = *newline.get_or_insert(line_end(&record.raw));
                if header || lines.contains(&record.line) {
                    write_line(&mut out, &record.raw, end)?;
                }
                header = false;
            }
        }
        Format::Jsonl => {
            while let Some((number, line)) = records.line()? {
                let end = *newline.get_or_insert(if line.end.is_empty() { "\n" } else { line.end });
                if lines.contains(&number) {
                    write_line(&mut out, &format!("{}{}", line.text, line.end), end)?;
                }
            }
        }
    }
    Ok(out.into_inner())
}

/// How a record's text ends its lines: CRLF (Excel) or LF.
fn line_end(raw: &str) -> &'static str {
    if raw.ends_with("\r\n") || (!raw.ends_with('\n') && raw.contains("\r\n")) {
        "\r\n"
    } else {
        "\n"
    }
}

/// Text with a line end after it (the last line of a file may have none).
fn write_line<W: Write>(out: &mut read::Encoded<W>, text: &str, end: &str) -> io::Result<()> {
    out.write(text)?;
    if !text.ends_with('\n') {
        out.write(end)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- export

/// Writes every row of `kind` in `format` (header first for CSV); returns the row count.
pub fn export(
    store: &mut dyn Store,
    kind: Kind,
    format: Format,
    out: &mut dyn Write,
) -> Result<u64, InterchangeError> {
    // Refused before a header is written: a role that may not export gets no partial file.
    let role = store.principal().role;
    if !crate::privacy::Action::Export.allowed(role) {
        return Err(StoreError::Forbidden {
            action: crate::privacy::Action::Export,
            role,
        }
        .into());
    }
    let columns = columns(kind);
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer
                .write_record(columns.iter().map(|c| c.name))
                .map_err(csv_io)
                .map_err(InterchangeError::Output)?;
            let n = export_rows(store, kind, &mut |cells| {
                writer
                    .write_record(cells.iter().map(|c| spreadsheet_safe(c).into_owned()))
                    .map_err(csv_io)
            })?;
            writer.flush().map_err(InterchangeError::Output)?;
            Ok(n)
        }
        Format::Jsonl => export_rows(store, kind, &mut |cells| {
            out.write_all(json_line(columns, cells).as_bytes())
        }),
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Runs the store's export, keeping the first write error as it was (not as a store error).
fn export_rows(
    store: &mut dyn Store,
    kind: Kind,
    write: &mut dyn FnMut(&[String]) -> io::Result<()>,
) -> Result<u64, InterchangeError> {
    let mut failed: Option<io::Error> = None;
    let result = store.export(kind, &mut |item| {
        write(&cells_of(&item)).map_err(|e| {
            let copy = io::Error::new(e.kind(), e.to_string());
            failed = Some(e);
            copy
        })
    });
    match (result, failed) {
        (_, Some(e)) => Err(InterchangeError::Output(e)),
        (Ok(n), None) => Ok(n),
        (Err(e), None) => Err(e.into()),
    }
}

/// One object per line, fields in column order, empty fields left out.
fn json_line(columns: &[Column], cells: &[String]) -> String {
    let fields: Vec<String> = columns
        .iter()
        .zip(cells)
        .filter(|(_, v)| !v.is_empty())
        .map(|(c, v)| {
            let number = c.numeric && v.bytes().all(|b| b.is_ascii_digit());
            let value = if number {
                v.clone()
            } else {
                serde_json::Value::String(v.clone()).to_string()
            };
            format!("\"{}\":{value}", c.name)
        })
        .collect();
    format!("{{{}}}\n", fields.join(","))
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn joined<T>(items: &[T], f: impl Fn(&T) -> &str) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(";")
}

/// A row's cells in its kind's column order.
fn cells_of(item: &ImportItem) -> Vec<String> {
    match item {
        ImportItem::Guest(g) => vec![
            g.id.0.clone(),
            g.name.clone(),
            text(&g.name_latin),
            text(&g.preferred_address),
            g.gender.map(|x| x.as_str().to_string()).unwrap_or_default(),
            g.birth_date
                .map(crate::privacy::birth_date_text)
                .unwrap_or_default(),
            text(&g.nationality),
            text(&g.language),
            g.id_doc_type
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            text(&g.id_doc_number),
            joined(&g.phones, |p| &p.raw),
            joined(&g.emails, |e| e),
            text(&g.company),
            text(&g.vip),
            joined(&g.flags, |f| f.as_str()),
            text(&g.notes),
            text(&g.pseudonym),
        ],
        ImportItem::Preference(p) => vec![
            p.guest_id.0.clone(),
            p.category.clone(),
            p.value.clone(),
            text(&p.note),
            text(&p.observed_by),
            rfc3339(&p.observed_at),
            p.source.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ],
        ImportItem::Stay(s) => vec![
            s.reservation_id.clone(),
            s.guest_id.0.clone(),
            s.arrival.to_string(),
            s.departure.to_string(),
            s.status.as_str().to_string(),
            text(&s.room),
            text(&s.room_type),
            text(&s.vip),
            s.adults.map(|a| a.to_string()).unwrap_or_default(),
            text(&s.spend_room),
            text(&s.spend_fnb),
            text(&s.spend_other),
            text(&s.notes),
        ],
        ImportItem::Feedback(f) => vec![
            f.guest_id.0.clone(),
            f.kind.as_str().to_string(),
            rfc3339(&f.at),
            f.department
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            f.text.clone(),
            text(&f.resolution),
            f.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(Format::from_path(Path::new("a/g.CSV")), Some(Format::Csv));
        for name in ["g.jsonl", "g.ndjson", "g.json"] {
            assert_eq!(Format::from_path(Path::new(name)), Some(Format::Jsonl));
        }
        // Excel's "Unicode text" is saved as .txt, its tab-separated text as .tsv.
        for name in ["g.txt", "g.TSV"] {
            assert_eq!(Format::from_path(Path::new(name)), Some(Format::Csv));
        }
        assert_eq!(Format::from_path(Path::new("g.xlsx")), None);
        assert!(matches!(
            Format::choose(Path::new("g.xlsx"), None),
            Err(InterchangeError::FormatUnknown { .. })
        ));
        assert_eq!(
            Format::choose(Path::new("g.dat"), Some(Format::Csv)).ok(),
            Some(Format::Csv)
        );
    }

    #[test]
    fn dates_must_be_iso_with_two_digit_parts() {
        assert_eq!(
            date("2026-06-15").ok(),
            NaiveDate::from_ymd_opt(2026, 6, 15)
        );
        for bad in ["2026-6-15", "15/06/2026", "2026-02-30", "2026-06-15x"] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_takes_up_to_two_decimals() {
        for good in ["0", "1280", "1280.5", "1280.50"] {
            assert_eq!(money(good).as_deref(), Ok(good));
        }
        for bad in ["-3", "1,280", "1.234", "12.", ".5", "1e3"] {
            assert!(money(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_need_one_at_with_text_on_both_sides() {
        assert_eq!(
            emails("a@b.cn; c@d.de").unwrap(),
            vec!["a@b.cn".to_string(), "c@d.de".to_string()]
        );
        for bad in ["ab.cn", "@b.cn", "a@", "a@b@c", "a b@c.cn"] {
            assert!(emails(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn language_tags_and_countries_are_shape_checked() {
        assert!(language("zh-Hant-TW").is_ok() && language("en").is_ok());
        assert!(language("english").is_err() && language("zh_CN").is_err());
        assert_eq!(country("cn").as_deref(), Ok("CN"));
        assert!(country("CHN").is_err());
    }

    #[test]
    fn flags_repeat_once_and_unknown_flags_list_the_choices() {
        assert_eq!(
            flags("no_marketing; NO_MARKETING;deceased").unwrap(),
            vec![Flag::NoMarketing, Flag::Deceased]
        );
        let err = flags("vip").unwrap_err();
        assert!(
            err.contains("do_not_rent, no_marketing, deceased, erase_requested"),
            "{err}"
        );
    }

    #[test]
    fn json_lines_leave_out_empty_fields_and_write_adults_as_a_number() {
        let cells: Vec<String> = [
            "R1",
            "G1",
            "2026-06-15",
            "2026-06-17",
            "expected",
            "",
            "",
            "",
            "2",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(std::iter::repeat_n(String::new(), 4))
        .collect();
        assert_eq!(
            json_line(STAYS, &cells),
            "{\"reservation_id\":\"R1\",\"guest_id\":\"G1\",\"arrival\":\"2026-06-15\",\
             \"departure\":\"2026-06-17\",\"status\":\"expected\",\"adults\":2}\n"
        );
    }
}
