//! The command line: clap definitions, each command's work, and the `--json` shapes of
//! shared/spec/cli.md.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate, Utc};
use clap::{Args, CommandFactory, Parser, Subcommand};
use serde_json::{json, Value};

use crate::catalog::Catalog;
use crate::config::{self, Config, ConfigError};
use crate::i18n::{self, Msg};
use crate::interchange::{self, Format, ImportOptions, InterchangeError};
use crate::model::{GuestId, NewPreference, Preference, Profile, Source};
use crate::report::{self, Watermark};
use crate::search::SearchHit;
use crate::store::{Kind, SqliteStore, Store, StoreError};

/// The sample data's reference day: `demo` moves it to today.
pub const SAMPLE_REFERENCE_DAY: &str = "2026-06-15";

#[derive(Debug, Parser)]
#[command(
    name = "guestbook",
    version,
    about = "Hotel guest history (客史档案) in the terminal: find any caller in a keystroke, \
             record preferences in three keys, print the VIP board.",
    after_help = "With no command, opens the terminal UI."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Open the UI straight on this caller's number (screen-pop from the telephone system).
    #[arg(long, value_name = "NUMBER", conflicts_with = "find")]
    pub phone: Option<String>,
    /// Open the UI with this lookup already typed.
    #[arg(long, value_name = "TEXT")]
    pub find: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The SQLite database file (created on first write).
    #[arg(long, global = true, env = "GUESTBOOK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The business date, instead of today's (YYYY-MM-DD).
    #[arg(long, global = true, env = "GUESTBOOK_TODAY", value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Staff user name recorded with every change.
    #[arg(long, global = true, env = "GUESTBOOK_USER", value_name = "NAME")]
    pub user: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the UI on a fresh copy of the sample hotel, its day moved to today.
    Demo,
    /// Import a file in the interchange format (CSV or JSONL).
    Import(ImportArgs),
    /// Write the interchange format to stdout or a file.
    Export(ExportArgs),
    /// Look up guests by phone (any notation, or the last 4+ digits), name, pinyin or e-mail.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one whole profile.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Record preferences.
    #[command(subcommand)]
    Pref(PrefCommand),
    /// Arrivals, in-house guests and departures for the business date.
    Board {
        /// Another day than the business date.
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        #[arg(long)]
        vip_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// Merge OTHER into KEEP: phones, preferences, stays and feedback move; OTHER is retired.
    Merge {
        keep: String,
        other: String,
        #[arg(long)]
        json: bool,
    },
    /// Erase a guest's personal data on request (stays remain, anonymous; the audit log keeps
    /// the destruction record).
    Erase { id: String },
    /// Integrity and foreign-key check of the database.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    pub kind: Kind,
    pub file: PathBuf,
    /// csv or jsonl; by default from the file's extension.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Import the good rows and write the bad ones to a rejects file.
    #[arg(long)]
    pub skip_bad: bool,
    /// Where --skip-bad writes the bad rows (default: FILE.rejects.EXT beside the input).
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<PathBuf>,
    /// Ignore columns the format does not know instead of refusing the file.
    #[arg(long)]
    pub ignore_unknown: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub kind: Kind,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// csv or jsonl; by default from -o's extension, else csv.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

#[derive(Debug, Subcommand)]
pub enum PrefCommand {
    /// Record a preference: `pref add G0001 pillow buckwheat`.
    Add {
        id: String,
        category: String,
        value: String,
        #[arg(long)]
        note: Option<String>,
        /// Department that observed it (default: from your role).
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Msg::BadDate.fill(&[("value", &s)]))
}

/// Why a command failed: one sentence for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Interchange(#[from] InterchangeError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Invalid(String),
    #[error("{}", Msg::Unexpected.fill(&[("reason", .0)]))]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Tui(#[from] crate::tui::TuiError),
    /// The import found bad rows and wrote nothing; the rows were already reported.
    #[error("{0}")]
    Rejected(String),
}

/// Everything a command needs besides its arguments.
struct Context {
    config: Config,
    catalog: Catalog,
    user: String,
    today: NaiveDate,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let config = Config::load()?;
    i18n::set_lang(config.lang());
    let catalog = config.catalog().map_err(CliError::Invalid)?;
    let ctx = Context {
        user: cli
            .global
            .user
            .clone()
            .unwrap_or_else(|| config.user_name()),
        today: cli.global.today.unwrap_or_else(|| config.business_date()),
        catalog,
        config,
    };
    let Some(command) = cli.command else {
        let path = db_path(&cli.global)?;
        let store = open(&path, &ctx.config)?;
        return open_tui(Box::new(store), &ctx, &path, cli.find, cli.phone);
    };
    match command {
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "guestbook",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Demo => demo(&ctx),
        command => {
            let path = db_path(&cli.global)?;
            // A mistyped --db must not quietly become a new, empty hotel for a command
            // that only reads: say there is no database there.
            let reads_only = matches!(
                command,
                Command::Export(_)
                    | Command::Search { .. }
                    | Command::Show { .. }
                    | Command::Board { .. }
                    | Command::Check { .. }
            );
            if reads_only && !path.exists() {
                let path = path.display();
                return Err(CliError::Invalid(Msg::NoDatabase.fill(&[("path", &path)])));
            }
            let mut store = open(&path, &ctx.config)?;
            run_on_store(command, &mut store, &ctx)
        }
    }
}

fn db_path(global: &Global) -> Result<PathBuf, CliError> {
    match &global.db {
        Some(p) => Ok(p.clone()),
        None => {
            config::default_db_path().ok_or_else(|| CliError::Invalid(Msg::NoDataDir.text().into()))
        }
    }
}

fn open(path: &Path, config: &Config) -> Result<SqliteStore, CliError> {
    if SqliteStore::schema_behind(path) {
        eprintln!("{}", Msg::Migrating.fill(&[("path", &path.display())]));
    }
    Ok(SqliteStore::open(path, config.region())?)
}

fn run_on_store(command: Command, store: &mut SqliteStore, ctx: &Context) -> Result<(), CliError> {
    match command {
        Command::Import(args) => import(store, ctx, &args),
        Command::Export(args) => export(store, &args),
        Command::Search { query, limit, json } => search(store, &query, limit, json),
        Command::Show { id, json } => show(store, ctx, &id, json),
        Command::Pref(PrefCommand::Add {
            id,
            category,
            value,
            note,
            source,
            json,
        }) => pref_add(
            store,
            ctx,
            &id,
            &category,
            &value,
            note,
            source.as_deref(),
            json,
        ),
        Command::Board {
            date,
            vip_only,
            json,
        } => board(store, ctx, date.unwrap_or(ctx.today), vip_only, json),
        Command::Merge { keep, other, json } => merge(store, ctx, &keep, &other, json),
        Command::Erase { id } => {
            store.erase(&GuestId(id.trim().to_string()), &ctx.user)?;
            say(&Msg::GuestErased.fill(&[("id", &id.trim())]))
        }
        Command::Check { json } => check(store, json),
        Command::Demo | Command::Completions { .. } => Ok(()),
    }
}

/// Prints to stdout, reporting a closed pipe as an error instead of panicking like `print!`.
fn say(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| CliError::Io(e.into()))?;
    writeln!(out)?;
    Ok(())
}

fn import(store: &mut SqliteStore, ctx: &Context, args: &ImportArgs) -> Result<(), CliError> {
    let opts = ImportOptions {
        format: args.format,
        ignore_unknown: args.ignore_unknown,
        skip_bad: args.skip_bad,
        rejects: args.rejects.clone(),
        catalog: ctx.catalog.clone(),
        region: ctx.config.region(),
        vip_codes: ctx.config.vip_codes.clone(),
        user: ctx.user.clone(),
        progress: !args.json,
    };
    let outcome = interchange::import_file(store, args.kind, &args.file, &opts)?;
    for error in &outcome.errors {
        eprintln!("{error}");
    }
    let report = &outcome.report;
    if args.json {
        print_json(
            &json!({"imported": report.imported, "updated": report.updated, "rejected": report.rejected}),
        )?;
    } else {
        say(&Msg::ImportSummary.fill(&[
            ("imported", &report.imported),
            ("updated", &report.updated),
            ("rejected", &report.rejected),
        ]))?;
    }
    let shown = args.file.display();
    match (&outcome.rejects_file, report.committed) {
        (_, false) => Err(CliError::Rejected(
            Msg::ImportBadRows.fill(&[("path", &shown), ("n", &report.rejected)]),
        )),
        (Some(rejects), true) => {
            eprintln!(
                "{}",
                Msg::ImportSkipped.fill(&[
                    ("path", &shown),
                    ("n", &report.rejected),
                    ("rejects", &rejects.display())
                ])
            );
            Ok(())
        }
        (None, true) => Ok(()),
    }
}

fn export(store: &mut SqliteStore, args: &ExportArgs) -> Result<(), CliError> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Csv);
    match &args.output {
        Some(path) => {
            // Written beside the target and renamed, so a failed export never leaves half a file.
            let tmp = path.with_extension("partial");
            let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            let n = interchange::export(store, args.kind, format, &mut file)?;
            file.flush()?;
            drop(file);
            std::fs::rename(&tmp, path)?;
            eprintln!(
                "{}",
                Msg::ExportWritten.fill(&[("n", &n), ("path", &path.display())])
            );
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            interchange::export(store, args.kind, format, &mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// The `search --json` shape of one hit.
pub fn hit_json(hit: &SearchHit) -> Value {
    json!({
        "id": hit.id,
        "name": hit.name,
        "name_latin": hit.name_latin,
        "phones": hit.phones,
        "vip": hit.vip,
        "score": hit.score,
        "matched": hit.matched,
        "matched_phone": hit.matched_phone,
        "preferred_address": hit.preferred_address,
        "last_stay": hit.last_stay,
    })
}

fn search(store: &mut SqliteStore, query: &str, limit: usize, json: bool) -> Result<(), CliError> {
    let hits = store.search(query, limit)?;
    if json {
        return print_json(&hits.iter().map(hit_json).collect::<Vec<_>>());
    }
    let mut out = std::io::stdout().lock();
    for hit in &hits {
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

/// The `show --json` shape: the profile with phones in E.164.
pub fn profile_json(p: &Profile) -> Value {
    let g = &p.guest;
    json!({
        "id": g.id,
        "name": g.name,
        "name_latin": g.name_latin,
        "preferred_address": g.preferred_address,
        "gender": g.gender,
        "birth_date": g.birth_date,
        "nationality": g.nationality,
        "language": g.language,
        "id_doc_type": g.id_doc_type,
        "id_doc_number": g.id_doc_number,
        "phones": g.phones.iter().map(|p| &p.e164).collect::<Vec<_>>(),
        "emails": g.emails,
        "company": g.company,
        "vip": g.vip,
        "flags": g.flags,
        "notes": g.notes,
        "version": g.version,
        "created_at": g.created_at,
        "updated_at": g.updated_at,
        "updated_by": g.updated_by,
        "stay_count": p.stay_count,
        "preferences": p.active_preferences().map(preference_json).collect::<Vec<_>>(),
        "stays": p.stays,
        "feedback": p.feedback,
    })
}

/// The `pref add --json` shape, also used inside `show --json`.
pub fn preference_json(p: &Preference) -> Value {
    json!({
        "id": p.id,
        "guest_id": p.guest_id,
        "category": p.category,
        "value": p.value,
        "note": p.note,
        "observed_by": p.observed_by,
        "observed_at": p.observed_at,
        "source": p.source,
    })
}

fn show(store: &mut SqliteStore, ctx: &Context, id: &str, json: bool) -> Result<(), CliError> {
    let profile = store.profile(&GuestId(id.trim().to_string()))?;
    if json {
        return print_json(&profile_json(&profile));
    }
    say(&report::profile_text(&profile, &ctx.catalog, i18n::lang()))
}

#[allow(clippy::too_many_arguments)]
fn pref_add(
    store: &mut SqliteStore,
    ctx: &Context,
    id: &str,
    category: &str,
    value: &str,
    note: Option<String>,
    source: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let (category, value) = ctx
        .catalog
        .validate(category, value)
        .map_err(CliError::Invalid)?;
    let source = match source {
        Some(s) => Source::parse(s).ok_or_else(|| {
            CliError::Invalid(format!(
                "unknown source '{s}' (expected one of: {})",
                Source::choices()
            ))
        })?,
        None => ctx.config.role.source(),
    };
    let guest_id = GuestId(id.trim().to_string());
    let pref = store.add_preference(
        NewPreference {
            guest_id: guest_id.clone(),
            category,
            value,
            note: note.filter(|n| !n.trim().is_empty()),
            observed_by: Some(ctx.user.clone()),
            observed_at: Utc::now(),
            source: Some(source),
        },
        &ctx.user,
    )?;
    if json {
        return print_json(&preference_json(&pref));
    }
    let profile = store.profile(&guest_id)?;
    let lang = i18n::lang();
    say(&Msg::PreferenceRecorded.fill(&[
        (
            "category",
            &ctx.catalog.category_label(&pref.category, lang),
        ),
        (
            "value",
            &ctx.catalog.value_label(&pref.category, &pref.value, lang),
        ),
        ("name", &profile.guest.name),
        ("id", &guest_id),
    ]))
}

fn merge(
    store: &mut SqliteStore,
    ctx: &Context,
    keep: &str,
    other: &str,
    json: bool,
) -> Result<(), CliError> {
    let (keep, other) = (
        GuestId(keep.trim().to_string()),
        GuestId(other.trim().to_string()),
    );
    let profile = store.merge(&keep, &other, &ctx.user)?;
    if json {
        return print_json(&profile_json(&profile));
    }
    say(&Msg::GuestsMerged.fill(&[
        ("other", &other),
        ("keep", &keep),
        ("name", &profile.guest.name),
    ]))
}

fn watermark(ctx: &Context) -> Watermark {
    Watermark {
        user: ctx.user.clone(),
        at: Local::now().format("%Y-%m-%d %H:%M").to_string(),
    }
}

fn board(
    store: &mut SqliteStore,
    ctx: &Context,
    date: NaiveDate,
    vip_only: bool,
    json: bool,
) -> Result<(), CliError> {
    let board = store.board(date, vip_only)?;
    if json {
        return print_json(&board);
    }
    // As wide as the terminal, so an 80-column SSH session never wraps a line; 80 in a file
    // or a pipe.
    let width = match std::io::stdout().is_terminal() {
        true => crossterm::terminal::size().map_or(80, |(w, _)| w as usize),
        false => 80,
    };
    say(&report::board_text(
        &board,
        &ctx.catalog,
        i18n::lang(),
        &watermark(ctx),
        width,
        ctx.today,
    ))
}

fn check(store: &mut SqliteStore, json: bool) -> Result<(), CliError> {
    let problems = store.check()?;
    if json {
        print_json(&json!({"ok": problems.is_empty(), "problems": problems}))?;
    } else if problems.is_empty() {
        say("ok")?;
    } else {
        say(&problems.join("\n"))?;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Invalid(format!(
            "the database has {} problem(s)",
            problems.len()
        )))
    }
}

/// The sample hotel, built into the binary so `demo` works from anywhere.
const SAMPLE: [(Kind, &str, &str); 4] = [
    (
        Kind::Guests,
        "guests.csv",
        include_str!("../sample-data/guests.csv"),
    ),
    (
        Kind::Preferences,
        "preferences.csv",
        include_str!("../sample-data/preferences.csv"),
    ),
    (
        Kind::Stays,
        "stays.csv",
        include_str!("../sample-data/stays.csv"),
    ),
    (
        Kind::Feedback,
        "feedback.csv",
        include_str!("../sample-data/feedback.csv"),
    ),
];

/// A fresh copy of the sample hotel at `path`, its reference day moved to `today`.
pub fn create_demo(
    path: &Path,
    config: &Config,
    today: NaiveDate,
) -> Result<SqliteStore, CliError> {
    for stale in [
        path.to_path_buf(),
        path.with_extension("db-wal"),
        path.with_extension("db-shm"),
    ] {
        if stale.exists() {
            std::fs::remove_file(stale)?;
        }
    }
    let mut store = open(path, config)?;
    let dir = tempfile_dir(path)?;
    let opts = ImportOptions {
        format: Some(Format::Csv),
        ignore_unknown: false,
        skip_bad: false,
        rejects: None,
        catalog: config.catalog().map_err(CliError::Invalid)?,
        region: config.region(),
        vip_codes: config.vip_codes.clone(),
        user: "demo".into(),
        progress: false,
    };
    for (kind, name, text) in SAMPLE {
        let file = dir.join(name);
        std::fs::write(&file, text)?;
        let outcome = interchange::import_file(&mut store, kind, &file, &opts)?;
        if !outcome.report.committed {
            let first = outcome
                .errors
                .first()
                .map(|e| e.to_string())
                .unwrap_or_default();
            return Err(CliError::Rejected(first));
        }
    }
    std::fs::remove_dir_all(&dir)?;
    let reference =
        NaiveDate::parse_from_str(SAMPLE_REFERENCE_DAY, "%Y-%m-%d").expect("constant date");
    store.shift_sample_dates((today - reference).num_days())?;
    Ok(store)
}

fn tempfile_dir(beside: &Path) -> Result<PathBuf, CliError> {
    let dir = beside.with_extension("sample");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn demo(ctx: &Context) -> Result<(), CliError> {
    let dir = config::state_dir().ok_or_else(|| CliError::Invalid(Msg::NoDataDir.text().into()))?;
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("demo.db");
    let mut store = create_demo(&path, &ctx.config, ctx.today)?;
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return open_tui(Box::new(store), ctx, &path, None, None);
    }
    board(&mut store, ctx, ctx.today, false, false)?;
    say(&format!(
        "\n{}",
        Msg::DemoReady.fill(&[("path", &path.display()), ("date", &ctx.today)])
    ))
}

fn open_tui(
    store: Box<dyn Store>,
    ctx: &Context,
    path: &Path,
    find: Option<String>,
    phone: Option<String>,
) -> Result<(), CliError> {
    let start = crate::tui::Start {
        query: find,
        phone,
        backend: Msg::TuiBackendFile.fill(&[("path", &path.display())]),
        today: Some(ctx.today),
    };
    let mut config = ctx.config.clone();
    config.user = ctx.user.clone();
    Ok(crate::tui::run(store, &config, start)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_page_is_current() {
        let mut rendered = Vec::new();
        clap_mangen::Man::new(Cli::command())
            .render(&mut rendered)
            .unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("man/guestbook.1");
        if std::env::var_os("GUESTBOOK_UPDATE_MAN").is_some() {
            std::fs::write(&path, &rendered).unwrap();
        }
        let current = std::fs::read(&path).unwrap_or_default();
        assert!(
            current == rendered,
            "man/guestbook.1 is stale: run `GUESTBOOK_UPDATE_MAN=1 cargo test man_page_is_current`"
        );
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
