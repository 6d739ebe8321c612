//! The command line: its clap definitions and how a run goes (who is acting, which store,
//! which command); `commands.rs` does each command's work over a `dyn Store`, `output.rs`
//! prints what people read. The `--json` shapes are the types of `model.rs`.

mod commands;
mod output;

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::i18n::{Lang, Msg};
use crate::interchange::{Format, InterchangeError};
use crate::model::{FeedbackKind, Role, Source};
use crate::store::{Kind, StoreError};

pub use crate::report::SheetFormat;
pub use commands::{create_demo, run};

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
    /// The SQLite database file (only import, add, user add and demo create one).
    #[arg(long, global = true, env = "GUESTBOOK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// A guestbook server (`guestbook serve`) instead of a file: its URL, such as
    /// https://10.0.0.5:8731 (http:// only to this machine, see --insecure-http). The session of `guestbook login URL` is used when there is one.
    #[arg(
        long,
        global = true,
        env = "GUESTBOOK_REMOTE",
        value_name = "URL",
        conflicts_with = "db"
    )]
    pub remote: Option<String>,
    /// The PEM file of a CA to trust for an https:// server (--remote, login), such as a
    /// hotel's own; by default the public web roots are trusted.
    #[arg(long, global = true, env = "GUESTBOOK_CA", value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Allow plain HTTP off loopback: `serve` on an address other than loopback, `--remote`,
    /// `login` and `logout` to a server on another machine (passwords, sessions and guest
    /// data then cross the network unencrypted: only behind a TLS-terminating proxy).
    #[arg(long, global = true)]
    pub insecure_http: bool,
    /// The business date, instead of today's (YYYY-MM-DD).
    #[arg(long, global = true, env = "GUESTBOOK_TODAY", value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Who is acting (their account in the database decides their role); default: the login name.
    #[arg(long, global = true, env = "GUESTBOOK_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// Read the password from standard input: the new password for `user add` and `user
    /// passwd`, otherwise the acting user's, where the hotel requires sign-in. Cron jobs can
    /// name a file holding it in GUESTBOOK_PASSWORD_FILE instead.
    #[arg(long, global = true)]
    pub password_stdin: bool,
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
        #[arg(long, default_value_t = 20, value_parser = parse_whole::<usize>)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one whole profile.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
        /// Show a field masked for your role in full (name, phones, emails, id_doc_number,
        /// birth_date), if your role may; it is put on record with the reason.
        #[arg(long, value_name = "FIELD")]
        reveal: Option<String>,
        /// Why the field is revealed (asked for on a terminal when missing).
        #[arg(long, requires = "reveal")]
        reason: Option<String>,
    },
    /// Create a profile for a guest not on file: `add 王芳 phones=13800138000 vip=V2`.
    Add {
        name: String,
        /// FIELD=VALUE: name_latin, preferred_address, gender, birth_date, nationality,
        /// language, id_doc_type, id_doc_number, phones, emails, company, vip, flags, notes,
        /// pseudonym.
        fields: Vec<String>,
        /// The id to give it (default: assigned).
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change identity fields of a profile: `edit G0001 vip=V1 company=`, an empty value clears.
    Edit {
        id: String,
        #[arg(required = true)]
        fields: Vec<String>,
        /// Refuse (exit 3) if the profile changed since this version was read.
        #[arg(long, value_name = "N", value_parser = parse_whole::<i64>)]
        if_version: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Record preferences.
    #[command(subcommand)]
    Pref(PrefCommand),
    /// Record complaints and praise, and resolve complaints.
    #[command(subcommand)]
    Feedback(FeedbackCommand),
    /// Bring a caller up in this user's running UI (for a phone system's incoming-call hook):
    /// only digits, spaces, +, - and brackets are accepted; exit 1 when no UI is running.
    Pop {
        /// The caller's number, e.g. `+86 138 0013 8000` or `(021) 6288-1234`.
        #[arg(allow_hyphen_values = true)]
        number: String,
    },
    /// Staff accounts and their roles (stored in the database).
    #[command(subcommand)]
    User(UserCommand),
    /// The hotel's settings, kept in the database: `settings`, `settings KEY`, `settings KEY VALUE`.
    Settings {
        key: Option<String>,
        value: Option<String>,
        /// Copy the hotel settings an older config.toml still holds into the database.
        #[arg(long, conflicts_with_all = ["key", "value"])]
        import_config: bool,
        #[arg(long)]
        json: bool,
    },
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
    /// Profiles that carry a flag (do not rent, deceased, legal hold, …): the list of guests
    /// the hotel must not rent to or must handle with care.
    Flagged {
        #[arg(long)]
        json: bool,
    },
    /// The audit log, newest first: who did what, when, from which host (manager, admin).
    Audit {
        /// Only entries about this guest.
        #[arg(long, value_name = "ID")]
        guest: Option<String>,
        /// Only entries by this user.
        #[arg(long, value_name = "USER")]
        by: Option<String>,
        /// Only entries from this day on (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        since: Option<NaiveDate>,
        /// At most this many entries.
        #[arg(long, default_value_t = 200, value_parser = parse_whole::<u32>)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Printed sheets: `report vip`, the VIP reception sheet.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Merge OTHER into KEEP: phones, preferences, stays and feedback move; OTHER is retired.
    Merge {
        keep: String,
        other: String,
        #[arg(long)]
        json: bool,
    },
    /// Erase a guest's personal data on request (admin): stays remain, anonymous; the id
    /// stays as a tombstone no import brings back; the destruction record keeps when, who,
    /// why and counts.
    Erase {
        id: String,
        /// The request's reference (a case number), kept in the destruction record; never
        /// the guest's name or contact.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Integrity and foreign-key check of the database.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Copy the whole database to FILE while other terminals keep working (admin). The copy
    /// is consistent and compacted; FILE is replaced whole or not at all.
    Backup {
        file: PathBuf,
        /// Encrypt the copy with a passphrase (age, scrypt): asked twice, or read from
        /// --passphrase-file.
        #[arg(long)]
        encrypt: bool,
        /// The passphrase's file, for cron jobs (its first line).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Replace the database with a backup (admin; creates the database when there is none).
    /// Refused when the database changed after the backup was taken, unless --force.
    Restore {
        file: PathBuf,
        /// Restore even though the database has changes newer than the backup.
        #[arg(long)]
        force: bool,
        /// The passphrase's file, for an encrypted backup (else it is asked).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
    /// Serve the database (--db) to terminals on other machines (`--remote URL`).
    Serve {
        /// The address and port to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8731")]
        listen: std::net::SocketAddr,
        /// Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain, the server's
        /// certificate first (with --tls-key).
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Let a user sign in without a password when the hotel does not require sign-in
        /// (as on a file); by default every sign-in on a server needs the account's password.
        #[arg(long)]
        allow_passwordless: bool,
        /// Behind a reverse proxy: take the client's address for the sign-in limit from the
        /// last hop of X-Forwarded-For (which the proxy adds), not from the connection.
        #[arg(long)]
        trust_proxy: bool,
    },
    /// Sign in to a guestbook server (as --user) and keep the session for `--remote URL`.
    Login {
        /// The server's URL, such as https://10.0.0.5:8731 (http:// on loopback).
        url: String,
    },
    /// End the session kept by `guestbook login`.
    Logout,
    /// Likely duplicate profiles, best first, with their reasons and score (manager, admin);
    /// `--never A B` marks a pair as different people so it is never proposed again.
    Dupes {
        /// At most this many pairs.
        #[arg(long, default_value_t = 50, value_parser = parse_whole::<usize>)]
        limit: usize,
        /// A and B are not the same person: never propose the pair again (audited).
        #[arg(long, num_args = 2, value_names = ["A", "B"])]
        never: Option<Vec<String>>,
        #[arg(long)]
        json: bool,
    },
    /// Apply the retention rule on the business date (admin): anonymise the profiles whose
    /// last activity is more than `retention_days` ago, except those with a current stay,
    /// a legal hold or do-not-rent (blocked).
    Purge {
        /// List what would go and what is blocked, changing nothing (manager, admin).
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The destruction record: each erasure and purge, when, by whom, why, with its counts
    /// (manager, admin).
    Destructions {
        #[arg(long)]
        json: bool,
    },
    /// Everything held about one guest as JSON, for an access request (manager, admin;
    /// audited).
    ExportGuest {
        id: String,
        /// Write to this file (readable by its owner only) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Accepted like every command's: the record is JSON either way.
        #[arg(long)]
        json: bool,
    },
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
    /// A column map (TOML) turning a PMS export's columns into ours; see docs/interchange.md.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Check every row and print the summary and every problem, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The file's encoding when it has no BOM (utf-8, gb18030, big5, shift_jis,
    /// windows-1252, ...); by default guessed, and the summary says which was read.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// The CSV separator: comma, semicolon or tab (`,`, `;`, `\t`); by default from the header.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    #[arg(long)]
    pub json: bool,
}

/// `,` `;` or a tab, written as itself or by name.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        _ => Err(Msg::ImportBadDelimiter.fill(&[("value", &s)])),
    }
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
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// Record a complaint (open until resolved) or praise: `feedback add G0001 complaint "noisy room"`.
    Add {
        id: String,
        #[arg(value_parser = parse_feedback_kind)]
        kind: FeedbackKind,
        text: String,
        /// The department it concerns (default: yours): front_office, housekeeping, fnb,
        /// concierge, call_centre.
        #[arg(long, value_parser = parse_source)]
        department: Option<Source>,
        #[arg(long)]
        json: bool,
    },
    /// Close a complaint: `feedback resolve 12 --resolution "moved to a quiet room"`.
    Resolve {
        #[arg(value_parser = parse_whole::<i64>)]
        number: i64,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The VIP reception sheet: every VIP arriving, in house or departing on the business date
    /// (greeting, room, dates, stays, preferences, past complaints), then what each department
    /// prepares. Watermarked with user, host and time.
    Vip {
        /// Another day than the business date (the sheet is usually made a day ahead).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// text (fits the terminal, 80 columns in a file), csv or html (printable A4, a page
        /// per department).
        /// (Default: from the -o file's extension, else text.)
        #[arg(long, value_enum)]
        format: Option<SheetFormat>,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The sheet's data as JSON.
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account (admin; the first account of a database is its admin).
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The department their observations are filed under (default: the role's).
        #[arg(long, value_parser = parse_source)]
        department: Option<Source>,
    },
    /// List the accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change an account's role.
    Role {
        name: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Disable an account (it is kept, for the record).
    Disable { name: String },
    /// Enable a disabled account.
    Enable { name: String },
    /// Set a password (your own, or anyone's as an admin); prompts unless --password-stdin.
    Passwd { name: Option<String> },
}

/// Parses the process's command line in the user's language: the language is set first (the
/// terminal's config file, else the locale), so a value parser refuses in it, and clap's own
/// usage errors become one sentence in that language plus where to read the usage (exit 2).
/// Help and version are printed by clap as they are.
pub fn parse() -> Result<Cli, CliError> {
    let lang = crate::config::Config::load().map_or_else(|_| Lang::from_env(), |c| c.lang());
    crate::i18n::set_lang(lang);
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    Cli::try_parse_from(&args).map_err(|e| usage_error(&e, &args))
}

/// A clap error as a [`CliError::Usage`]: what was wrong, in the user's language, then the
/// help to read (`guestbook board --help`).
fn usage_error(e: &clap::Error, args: &[std::ffi::OsString]) -> CliError {
    use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
    if matches!(
        e.kind(),
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let context = |kind: C| match e.get(kind) {
        Some(V::String(s)) => s.clone(),
        Some(V::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let arg = context(C::InvalidArg);
    let mut sentence = match e.kind() {
        K::ValueValidation => {
            let reason = std::error::Error::source(e).map_or_else(String::new, |r| r.to_string());
            Msg::UsageBadValue.fill(&[("arg", &arg), ("reason", &reason)])
        }
        K::InvalidValue => Msg::UsageNotOneOf.fill(&[
            ("arg", &arg),
            ("value", &context(C::InvalidValue)),
            ("choices", &context(C::ValidValue)),
        ]),
        K::MissingRequiredArgument => Msg::UsageMissing.fill(&[("args", &arg)]),
        K::UnknownArgument => Msg::UsageUnknownArg.fill(&[("arg", &arg)]),
        K::InvalidSubcommand => {
            Msg::UsageUnknownCommand.fill(&[("command", &context(C::InvalidSubcommand))])
        }
        K::ArgumentConflict => match context(C::PriorArg) {
            other if other.is_empty() || other == arg => Msg::UsageOnlyOnce.fill(&[("arg", &arg)]),
            other => Msg::UsageConflict.fill(&[("arg", &arg), ("other", &other)]),
        },
        _ => {
            // A rarer case: clap's own sentence (English) is kept as the detail.
            let rendered = e.render().to_string();
            let detail = rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string();
            Msg::UsageOther.fill(&[("detail", &detail)])
        }
    };
    let suggestion = [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue]
        .into_iter()
        .map(context)
        .find(|s| !s.is_empty());
    if let Some(suggestion) = suggestion {
        sentence.push_str(&Msg::UsageDidYouMean.fill(&[("suggestion", &suggestion)]));
    }
    let help = Msg::UsageSeeHelp.fill(&[("command", &command_path(args))]);
    CliError::Usage(format!("{sentence}\n{help}"))
}

/// `guestbook user add`: the (sub)commands named on the command line, for pointing at the
/// right `--help`.
fn command_path(args: &[std::ffi::OsString]) -> String {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut path = String::from("guestbook");
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if arg.starts_with('-') {
            continue;
        }
        if let Some(sub) = command.find_subcommand(arg).cloned() {
            path.push(' ');
            path.push_str(sub.get_name());
            command = sub;
        }
    }
    path
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Msg::BadDate.fill(&[("value", &s)]))
}

/// A whole number as staff type it; anything else is refused in the user's language (clap's
/// own parsers answer in Rust's English).
fn parse_whole<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.trim()
        .parse()
        .map_err(|_| Msg::RowBadWhole.fill(&[("value", &s)]))
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .ok_or_else(|| Msg::RowBadChoice.fill(&[("value", &s), ("choices", &Role::choices())]))
}

fn parse_source(s: &str) -> Result<Source, String> {
    Source::parse(s)
        .ok_or_else(|| Msg::RowBadChoice.fill(&[("value", &s), ("choices", &Source::choices())]))
}

fn parse_feedback_kind(s: &str) -> Result<FeedbackKind, String> {
    FeedbackKind::parse(s).ok_or_else(|| {
        Msg::RowBadChoice.fill(&[("value", &s), ("choices", &FeedbackKind::choices())])
    })
}

/// Why a command failed: one sentence for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A store error, with how the user named the database.
    #[error("{}", .0.text_in(crate::i18n::lang(), .1))]
    Store(StoreError, String),
    #[error(transparent)]
    Interchange(#[from] InterchangeError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Invalid(String),
    #[error("{}", Msg::Unexpected.fill(&[("reason", .0)]))]
    Io(#[from] std::io::Error),
    /// A file the command writes (`-o`, a backup) could not be written: which, and why in the
    /// user's language.
    #[error("{}", Msg::FileWrite.fill(&[("path", .path), ("reason", .reason)]))]
    Write { path: String, reason: String },
    /// A file the command reads (a backup, a passphrase file) could not be read.
    #[error("{}", Msg::FileRead.fill(&[("path", .path), ("reason", .reason)]))]
    Read { path: String, reason: String },
    #[error(transparent)]
    Tui(#[from] crate::tui::TuiError),
    /// The import found bad rows and wrote nothing; the rows were already reported.
    #[error("{0}")]
    Rejected(String),
    /// The database has problems; `check` already printed them.
    #[error("{0}")]
    CheckFailed(String),
    /// The command line asks for something that cannot be done (exit 2, as clap's own).
    #[error("{0}")]
    Usage(String),
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::Store(e, Msg::TheDatabase.text().to_string())
    }
}

impl CliError {
    /// The exit status of cli.md: 3 stale edit, 4 refused for the role, 128 + n when the TUI
    /// was stopped by signal n (as shells and supervisors expect), 1 any other failure.
    pub fn exit_code(&self) -> u8 {
        let store = match self {
            CliError::Store(e, _) | CliError::Interchange(InterchangeError::Store(e)) => Some(e),
            _ => None,
        };
        match (self, store) {
            (_, Some(StoreError::Stale { .. })) => 3,
            (_, Some(StoreError::Forbidden { .. })) => 4,
            (CliError::Tui(tui), _) => tui.signal_status().unwrap_or(1),
            (CliError::Usage(_), _) => 2,
            _ => 1,
        }
    }
}
