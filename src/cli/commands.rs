//! Each command's work, over a `dyn Store` opened for the acting user.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use clap::CommandFactory;

use super::output::{print_json, say};
use super::*;
use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::i18n::{self, Msg};
use crate::interchange::{self, ImportOptions};
use crate::model::{
    AuditQuery, BackupSummary, DupePair, GuestField, GuestId, GuestPatch, NewFeedback,
    NewPreference, Settings,
};
use crate::report::{self, Watermark};
use crate::rules;
use crate::store::{
    self, AccountChange, Credentials, NewAccount, Notice, OpenOptions, Store, Target,
};

/// Everything a command needs besides its arguments.
struct Context {
    config: Config,
    settings: Settings,
    catalog: Catalog,
    today: NaiveDate,
    /// How the user named the database, for messages.
    db: String,
    /// The database is a server's (`--remote`), not a file.
    remote: bool,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let config = Config::load()?;
    i18n::set_lang(config.lang());
    let user = cli.global.user.clone().unwrap_or_else(config::login_name);
    let command = cli.command;
    if let Some(Command::Completions { shell }) = command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "guestbook",
            &mut std::io::stdout(),
        );
        return Ok(());
    }
    if let Some(Command::Pop { number }) = &command {
        // No database is opened: the running window looks the caller up itself.
        let number =
            crate::tui::pop::checked_number(number).map_err(|e| CliError::Usage(e.to_string()))?;
        return crate::tui::pop::send(&number).map_err(|e| CliError::Invalid(e.to_string()));
    }
    if let Some(Command::Demo) = command {
        return demo(&config, &user, cli.global.today);
    }
    match command {
        Some(Command::Serve {
            listen,
            tls_cert,
            tls_key,
            allow_passwordless,
            trust_proxy,
        }) => {
            let tls = tls_cert.zip(tls_key);
            return serve(
                &db_path(&cli.global)?,
                listen,
                tls.as_ref().map(|(c, k)| (c.as_path(), k.as_path())),
                cli.global.insecure_http,
                trust_proxy,
                allow_passwordless,
            );
        }
        Some(Command::Login { url }) => {
            let ca = checked_remote(&cli.global, &url)?;
            return login(&url, &user, cli.global.password_stdin, ca);
        }
        Some(Command::Logout) => return logout(&cli.global),
        _ => {}
    }
    let target = match &cli.global.remote {
        Some(url) => Target::Remote {
            url: url.clone(),
            token: session_token(url),
            ca: checked_remote(&cli.global, url)?.map(Path::to_path_buf),
        },
        None => Target::File(db_path(&cli.global)?),
    };
    let db = target.shown();
    let new_password = matches!(
        command,
        Some(Command::User(
            UserCommand::Add { .. } | UserCommand::Passwd { .. }
        ))
    );
    let creates = matches!(
        command,
        Some(
            Command::Import(_)
                | Command::Add { .. }
                | Command::User(UserCommand::Add { .. })
                | Command::Restore { .. }
        )
    );
    // An import that cannot start creates no database.
    if let Some(Command::Import(args)) = &command {
        import_inputs(args)?;
    }
    // The sign-in password comes from stdin only when stdin is not the new password.
    let sign_in_stdin = cli.global.password_stdin && !new_password;
    let mut store = open_store(
        &target,
        &user,
        OpenOptions {
            create: creates,
            read_only: false,
        },
        sign_in_stdin,
    )
    .map_err(|e| CliError::Store(e, db.clone()))?;
    let settings = store
        .settings()
        .map_err(|e| CliError::Store(e, db.clone()))?;
    offer_config_settings(&config, &settings);
    let ctx = Context {
        catalog: rules::settings::catalog(&settings)
            .map_err(|e| CliError::Store(e.into(), db.clone()))?,
        today: cli
            .global
            .today
            .unwrap_or_else(|| rules::settings::business_date(&settings, Utc::now())),
        settings,
        config,
        remote: cli.global.remote.is_some(),
        db: db.clone(),
    };
    let Some(command) = command else {
        return open_tui(store, &ctx, cli.find, cli.phone);
    };
    let password = cli.global.password_stdin && new_password;
    run_on_store(command, store.as_mut(), &ctx, password).map_err(|e| match e {
        CliError::Store(e, _) => CliError::Store(e, db),
        other => other,
    })
}

/// Opens the store for `user`; where the hotel requires sign-in, the password comes from
/// stdin (`--password-stdin`), the file in GUESTBOOK_PASSWORD_FILE, or a prompt on a terminal.
fn open_store(
    target: &Target,
    user: &str,
    opts: OpenOptions,
    password_stdin: bool,
) -> Result<Box<dyn Store>, StoreError> {
    let mut notice = |n: Notice| match n {
        Notice::Migrating => eprintln!("{}", Msg::Migrating.fill(&[("path", &target.shown())])),
    };
    let mut who = Credentials {
        user: user.to_string(),
        password: None,
    };
    if password_stdin {
        who.password = read_password_stdin().ok();
    } else if let Some(file) = std::env::var_os("GUESTBOOK_PASSWORD_FILE") {
        who.password = std::fs::read_to_string(file)
            .ok()
            .map(|p| p.trim_end_matches(['\r', '\n']).to_string());
    }
    match store::open(target, &who, opts, &mut notice) {
        Err(StoreError::SignInRequired { .. }) if std::io::stdin().is_terminal() => {
            let prompt = Msg::PasswordPrompt.fill(&[("user", &user)]);
            who.password = rpassword::prompt_password(prompt).ok();
            store::open(target, &who, opts, &mut notice)
        }
        other => other,
    }
}

fn read_password_stdin() -> std::io::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

/// The new password for `user add` / `user passwd`: stdin, else asked twice on a terminal,
/// else none.
fn new_password(from_stdin: bool) -> Result<Option<String>, CliError> {
    if from_stdin {
        return Ok(Some(read_password_stdin()?).filter(|p| !p.is_empty()));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let first = rpassword::prompt_password(Msg::NewPasswordPrompt.text())?;
    if first.is_empty() {
        return Ok(None);
    }
    let again = rpassword::prompt_password(Msg::NewPasswordAgain.text())?;
    if first != again {
        return Err(CliError::Invalid(Msg::PasswordsDiffer.text().into()));
    }
    Ok(Some(first))
}

/// Hotel settings left in an older config.toml are ignored now; say so once per config file.
fn offer_config_settings(config: &Config, settings: &Settings) {
    let Some(legacy) = config.legacy_hotel_settings(settings) else {
        return;
    };
    let marker = config::state_dir().map(|d| d.join("config-settings-offered"));
    if marker.as_ref().is_some_and(|m| m.exists()) {
        return;
    }
    eprintln!(
        "{}",
        Msg::ConfigSettingsMoved.fill(&[("keys", &legacy.join(", "))])
    );
    if let Some(m) = marker {
        let _ = m.parent().map(std::fs::create_dir_all);
        let _ = std::fs::write(m, legacy.join("\n"));
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

fn run_on_store(
    command: Command,
    store: &mut dyn Store,
    ctx: &Context,
    password_stdin: bool,
) -> Result<(), CliError> {
    match command {
        Command::Import(args) => import(store, ctx, &args),
        Command::Export(args) => export(store, &args),
        Command::Search { query, limit, json } => {
            if query.trim().is_empty() {
                return Err(CliError::Usage(Msg::SearchEmpty.text().into()));
            }
            let hits = store.search_on(&query, limit, Some(ctx.today))?;
            if hits.is_empty() && !json {
                // Said on stderr: a script reading stdout still sees no lines.
                eprintln!("{}", Msg::TuiNoMatches.fill(&[("query", &query.trim())]));
            }
            match json {
                true => print_json(&hits),
                false => super::output::hits(&hits),
            }
        }
        Command::Show {
            id,
            json,
            reveal,
            reason,
        } => {
            let mut profile = store.profile(&guest_id(&id))?;
            let mut revealed = None;
            if let Some(field) = reveal {
                profile.guest = reveal_field(store, &id, &field, reason)?;
                revealed = GuestField::parse(&field);
            }
            match (json, profile.erased_at) {
                (true, _) => return print_json(&profile),
                (false, Some(at)) => return say(&erased_text(&profile, at)),
                (false, None) => say(&report::profile_text(&profile, &ctx.catalog, i18n::lang()))?,
            }
            match revealed {
                // The profile's text may not show the field (an ID number, a birth date).
                Some(field) => say(&Msg::RevealShown.fill(&[
                    ("field", &field),
                    ("id", &profile.guest.id),
                    ("value", &revealed_value(&profile.guest, field)),
                ])),
                None => Ok(()),
            }
        }
        Command::Add {
            name,
            fields,
            id,
            json,
        } => {
            let mut patch = patch_from(ctx, &fields)?;
            patch.name = Some(name);
            let guest = store.add_guest(id.as_deref().map(guest_id), &patch)?;
            let duplicates = warn_duplicates(store, &guest.id);
            match json {
                true => print_json(&with_duplicates(&store.profile(&guest.id)?, &duplicates)?),
                false => say(&Msg::GuestAdded.fill(&[("name", &guest.name), ("id", &guest.id)])),
            }
        }
        Command::Edit {
            id,
            fields,
            if_version,
            json,
        } => {
            let patch = patch_from(ctx, &fields)?;
            let guest = store.update_guest(&guest_id(&id), &patch, if_version)?;
            match json {
                true => print_json(&store.profile(&guest.id)?),
                false => say(&Msg::GuestEdited.fill(&[
                    ("name", &guest.name),
                    ("id", &guest.id),
                    ("version", &guest.version),
                ])),
            }
        }
        Command::Pref(PrefCommand::Add {
            id,
            category,
            value,
            note,
            json,
        }) => pref_add(store, ctx, &id, &category, &value, note, json),
        Command::Feedback(FeedbackCommand::Add {
            id,
            kind,
            text,
            department,
            json,
        }) => {
            let fb = store.add_feedback(NewFeedback {
                guest_id: guest_id(&id),
                kind,
                text,
                department,
            })?;
            match json {
                true => print_json(&fb),
                false => say(&Msg::FeedbackRecorded.fill(&[("n", &fb.id), ("id", &fb.guest_id)])),
            }
        }
        Command::Feedback(FeedbackCommand::Resolve {
            number,
            resolution,
            json,
        }) => {
            let fb = store.resolve_feedback(number, &resolution)?;
            match json {
                true => print_json(&fb),
                false => say(&Msg::FeedbackResolved.fill(&[("n", &fb.id), ("id", &fb.guest_id)])),
            }
        }
        Command::User(command) => user(store, command, password_stdin),
        Command::Settings {
            key,
            value,
            import_config,
            json,
        } => settings(store, ctx, key, value, import_config, json),
        Command::Board {
            date,
            vip_only,
            json,
        } => board(store, ctx, date.unwrap_or(ctx.today), vip_only, json),
        Command::Report(ReportCommand::Vip {
            date,
            format,
            output,
            json,
        }) => report_vip(
            store,
            ctx,
            date.unwrap_or(ctx.today),
            format.unwrap_or_else(|| SheetFormat::from_path(output.as_deref())),
            output.as_deref(),
            json,
        ),
        Command::Merge { keep, other, json } => {
            let (keep, other) = (guest_id(&keep), guest_id(&other));
            let profile = store.merge(&keep, &other)?;
            match json {
                true => print_json(&profile),
                false => say(&Msg::GuestsMerged.fill(&[
                    ("other", &other),
                    ("keep", &keep),
                    ("name", &profile.guest.name),
                ])),
            }
        }
        Command::Erase { id, reason } => {
            store.erase_because(&guest_id(&id), reason.as_deref())?;
            say(&Msg::GuestErased.fill(&[("id", &id.trim())]))
        }
        Command::Audit {
            guest,
            by,
            since,
            limit,
            json,
        } => {
            let query = AuditQuery {
                guest: guest.as_deref().map(guest_id),
                by,
                since,
                limit: Some(limit),
            };
            let entries = store.audit(&query)?;
            match json {
                true => print_json(&entries),
                false => say(&output::audit_table(&entries, i18n::lang())),
            }
        }
        Command::Flagged { json } => {
            let guests = store.flagged()?;
            if json {
                return print_json(&guests);
            }
            // A role that reaches only the guests in house is told so: "none" would be false.
            let in_house_only = crate::privacy::reaches_in_house_only(store.principal().role);
            match (in_house_only, guests.is_empty()) {
                (true, true) => say(Msg::FlaggedNoneInHouse.text()),
                (true, false) => {
                    say(&output::flagged_table(&guests, i18n::lang(), out_width()))?;
                    say(Msg::FlaggedInHouseOnly.text())
                }
                (false, _) => say(&output::flagged_table(&guests, i18n::lang(), out_width())),
            }
        }
        Command::Backup {
            file,
            encrypt,
            passphrase_file,
            json,
        } => backup(store, ctx, &file, encrypt, passphrase_file.as_deref(), json),
        Command::Restore {
            file,
            force,
            passphrase_file,
            json,
        } => restore(store, ctx, &file, force, passphrase_file.as_deref(), json),
        Command::Check { json } => {
            let report = store.check()?;
            if json {
                print_json(&report)?;
            } else if report.ok {
                say("ok")?;
            } else {
                say(&i18n::printable(&report.problems.join("\n"), true))?;
            }
            match report.ok {
                true => Ok(()),
                false => Err(CliError::CheckFailed(
                    Msg::CheckProblems.fill(&[("n", &report.problems.len())]),
                )),
            }
        }
        Command::Dupes { limit, never, json } => dupes(store, limit, never, json),
        Command::Demo
        | Command::Completions { .. }
        | Command::Pop { .. }
        | Command::Serve { .. }
        | Command::Login { .. }
        | Command::Logout => Ok(()),
        Command::Purge { dry_run, json } => {
            let report = store.purge(ctx.today, dry_run)?;
            match json {
                true => print_json(&report),
                false => say(&report::retention::purge_text(&report, i18n::lang())),
            }
        }
        Command::Destructions { json } => {
            let records = store.destructions()?;
            match json {
                true => print_json(&records),
                false => say(&report::retention::destructions_text(
                    &records,
                    i18n::lang(),
                    &chrono::Local,
                )),
            }
        }
        Command::ExportGuest { id, output, .. } => {
            let record = store.export_guest(&guest_id(&id))?;
            let Some(path) = output else {
                return print_json(&record);
            };
            write_whole(&path, |file| {
                serde_json::to_writer_pretty(&mut *file, &record)
                    .map_err(|e| CliError::Io(e.into()))?;
                Ok(writeln!(file)?)
            })?;
            say(&Msg::GuestExported.fill(&[("id", &record.guest.id), ("path", &path.display())]))
        }
    }
}

fn guest_id(id: &str) -> GuestId {
    GuestId(id.trim().to_string())
}

/// `FIELD=VALUE` arguments as a patch, each value checked like its interchange column.
fn patch_from(ctx: &Context, fields: &[String]) -> Result<GuestPatch, CliError> {
    let opts = ImportOptions::new(&ctx.settings)?;
    let mut patch = GuestPatch::default();
    for arg in fields {
        let Some((name, value)) = arg.split_once('=') else {
            return Err(CliError::Invalid(
                Msg::FieldNeedsValue.fill(&[("arg", arg)]),
            ));
        };
        let field = GuestField::parse(name).ok_or_else(|| {
            CliError::Invalid(
                Msg::UnknownField
                    .fill(&[("field", &name.trim()), ("choices", &GuestField::choices())]),
            )
        })?;
        interchange::patch_field(&mut patch, field, value, &opts)
            .map_err(|reason| CliError::Invalid(format!("{}: {reason}", field.as_str())))?;
    }
    Ok(patch)
}

/// What an import is told besides its rows, read before anything is opened or created: the
/// file must be readable, the encoding known and the column map sound.
fn import_inputs(
    args: &ImportArgs,
) -> Result<
    (
        Option<&'static encoding_rs::Encoding>,
        Option<interchange::map::ColumnMap>,
    ),
    CliError,
> {
    std::fs::File::open(&args.file).map_err(|e| InterchangeError::Open {
        path: args.file.display().to_string(),
        reason: crate::i18n::io_reason(&e),
    })?;
    let encoding =
        match &args.encoding {
            Some(name) => Some(interchange::read::encoding_by_name(name).ok_or_else(|| {
                CliError::Invalid(Msg::ImportBadEncoding.fill(&[("value", name)]))
            })?),
            None => None,
        };
    let map = match &args.map {
        Some(path) => Some(interchange::map::ColumnMap::load(path)?),
        None => None,
    };
    Ok((encoding, map))
}

fn import(store: &mut dyn Store, ctx: &Context, args: &ImportArgs) -> Result<(), CliError> {
    let (encoding, map) = import_inputs(args)?;
    let opts = ImportOptions {
        format: args.format,
        ignore_unknown: args.ignore_unknown,
        skip_bad: args.skip_bad,
        rejects: args.rejects.clone(),
        progress: !args.json,
        encoding,
        delimiter: args.delimiter,
        dry_run: args.dry_run,
        map,
        ..ImportOptions::new(&ctx.settings)?
    };
    let outcome = interchange::import_file(store, args.kind, &args.file, &opts)?;
    for error in &outcome.errors {
        eprintln!("{error}");
    }
    for warning in outcome.warnings() {
        eprintln!("{}", Msg::ImportWarning.fill(&[("what", warning)]));
    }
    let summary = outcome.summary();
    let report = &summary.report;
    let shown = args.file.display();
    if args.json {
        print_json(&summary)?;
    } else {
        let delimiter = match summary.delimiter {
            Some(d) => Msg::ImportReadDelimiter.fill(&[("delimiter", &delimiter_name(d))]),
            None => String::new(),
        };
        say(&Msg::ImportReadAs.fill(&[
            ("path", &shown),
            ("encoding", &summary.encoding),
            ("delimiter", &delimiter),
        ]))?;
        let counts = if summary.dry_run {
            Msg::ImportCheckSummary
        } else {
            Msg::ImportSummary
        };
        say(&counts.fill(&[
            ("imported", &report.imported),
            ("updated", &report.updated),
            ("unchanged", &report.unchanged),
            ("rejected", &report.rejected),
        ]))?;
        if report.erased > 0 {
            say(&Msg::ImportErasedLeftOut.fill(&[("n", &report.erased)]))?;
        }
        if report.warnings > report.erased {
            // Rows with a warning were only taken if the import was written.
            let msg = if summary.dry_run || !report.committed {
                Msg::ImportWarningsUnwritten
            } else {
                Msg::ImportWarnings
            };
            say(&msg.fill(&[("n", &(report.warnings - report.erased))]))?;
        }
    }
    let bad = report.rejected;
    if summary.dry_run {
        return match bad {
            0 => Ok(()),
            n => Err(CliError::Rejected(
                Msg::ImportCheckBad.fill(&[("path", &shown), ("n", &n)]),
            )),
        };
    }
    if !report.committed {
        return Err(CliError::Rejected(
            Msg::ImportBadRows.fill(&[("path", &shown), ("n", &bad)]),
        ));
    }
    if let Some(rejects) = &outcome.rejects_file {
        eprintln!(
            "{}",
            Msg::ImportSkipped.fill(&[
                ("path", &shown),
                ("n", &bad),
                ("rejects", &rejects.display())
            ])
        );
    }
    if outcome.took_nothing() {
        // A cron job must not report success for an import that took nothing.
        return Err(CliError::Rejected(
            Msg::ImportAllRefused.fill(&[("path", &shown), ("n", &bad)]),
        ));
    }
    Ok(())
}

/// A separator as the summary names it.
fn delimiter_name(d: char) -> String {
    match d {
        '\t' => "tab".to_string(),
        other => format!("'{other}'"),
    }
}

/// Writes `path` through `write` whole or not at all, readable by its owner only (see
/// [`report::write_private_with`]); a file that cannot be written is named with the reason.
fn write_whole<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, CliError>,
) -> Result<T, CliError> {
    report::write_private_with(path, write).map_err(|e| match e {
        CliError::Io(e) => write_failed(path, &e),
        other => other,
    })
}

/// The error of a file the command could not read.
fn read_failed(path: &Path, e: &std::io::Error) -> CliError {
    CliError::Read {
        path: path.display().to_string(),
        reason: crate::i18n::io_reason(e),
    }
}

/// The error of a file the command could not write.
fn write_failed(path: &Path, e: &std::io::Error) -> CliError {
    CliError::Write {
        path: path.display().to_string(),
        reason: crate::i18n::io_reason(e),
    }
}

/// The header every age file starts with.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

/// A file only its owner may read (backups hold every guest's personal data), created new.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// A private scratch file for a plain (unencrypted) copy on its way in or out, made beside
/// `near` (the backup being written, the database being restored): never in a shared temp
/// folder, where a plain copy of every guest would outlive a failure. Created new with mode
/// 0600, and removed when dropped, on success, error or panic alike.
struct Scratch(PathBuf);

impl Scratch {
    fn beside(near: &Path, what: &str) -> std::io::Result<Scratch> {
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        let name = near
            .file_name()
            .map_or_else(|| "guestbook".into(), |n| n.to_string_lossy().into_owned());
        let dir = near.parent().filter(|d| !d.as_os_str().is_empty());
        let path = dir
            .unwrap_or(Path::new("."))
            .join(format!(".{name}.{what}-{}-{nanos}", std::process::id()));
        private_file(&path)?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The backup passphrase: the first line of `file`, else asked on the terminal (twice when
/// `confirm`), else refused.
fn passphrase(file: Option<&Path>, confirm: bool) -> Result<age::secrecy::SecretString, CliError> {
    let text = match file {
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| read_failed(file, &e))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        None if std::io::stdin().is_terminal() => {
            let first = rpassword::prompt_password(Msg::BackupPassphrase.text())?;
            if confirm && rpassword::prompt_password(Msg::BackupPassphraseAgain.text())? != first {
                return Err(CliError::Invalid(
                    Msg::BackupPassphraseMismatch.text().into(),
                ));
            }
            first
        }
        None => String::new(),
    };
    if text.is_empty() {
        return Err(CliError::Invalid(
            Msg::BackupPassphraseMissing.text().into(),
        ));
    }
    Ok(text.into())
}

/// When a backup's data last changed, as the messages say it (local time,
/// `2026-06-15 22:10:05`; `-` for an empty database).
fn data_as_of(summary: &BackupSummary) -> String {
    summary
        .last_change
        .map_or_else(|| "-".to_string(), |t| i18n::local_time(&t))
}

/// `backup`: a plain copy from the store into a private scratch file beside FILE, which then
/// becomes FILE (or is encrypted into it), replaced whole; the scratch never outlives the
/// command.
fn backup(
    store: &mut dyn Store,
    ctx: &Context,
    file: &Path,
    encrypt: bool,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    // Written over the database itself, the copy would replace the open file under every
    // terminal (and leave its WAL beside the wrong file).
    let same = |a: &Path, b: &Path| {
        std::fs::canonicalize(a)
            .ok()
            .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
    };
    let db = Path::new(&ctx.db);
    let wal = PathBuf::from(format!("{}-wal", ctx.db));
    if same(file, db) || same(file, &wal) {
        return Err(CliError::Invalid(
            Msg::BackupOntoDatabase.fill(&[("file", &file.display())]),
        ));
    }
    let key = match encrypt {
        true => Some(passphrase(passphrase_file, true)?),
        false => None,
    };
    let plain = Scratch::beside(file, "plain").map_err(|e| write_failed(file, &e))?;
    let summary = store.backup(&plain.0)?;
    match key {
        Some(key) => write_whole(file, |out| {
            let mut writer = age::Encryptor::with_user_passphrase(key)
                .wrap_output(out)
                .map_err(CliError::Io)?;
            std::io::copy(&mut std::fs::File::open(&plain.0)?, &mut writer)?;
            writer.finish()?;
            Ok(())
        })?,
        // Already whole, private and on the same file system: it becomes FILE at once.
        None => std::fs::rename(&plain.0, file).map_err(|e| write_failed(file, &e))?,
    }
    drop(plain);
    if json {
        return print_json(&summary);
    }
    let at = data_as_of(&summary);
    eprintln!(
        "{}",
        Msg::BackupWritten.fill(&[
            ("n", &summary.guests),
            ("file", &file.display()),
            ("at", &at)
        ])
    );
    if encrypt {
        eprintln!("{}", Msg::BackupEncrypted.text());
    }
    Ok(())
}

/// `restore`: an encrypted backup is decrypted into a private scratch file beside the
/// database first; the store checks the copy and decides whether it may replace the database.
fn restore(
    store: &mut dyn Store,
    ctx: &Context,
    file: &Path,
    force: bool,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    let mut head = [0u8; 21];
    let read = std::fs::File::open(file)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| read_failed(file, &e))?;
    let encrypted = &head[..read] == AGE_MAGIC;
    let not_backup =
        || CliError::Invalid(Msg::BackupNotReadable.fill(&[("file", &file.display())]));
    // The store names a file that is no guestbook database after the database; here it is
    // the backup that is not one.
    let mut restore_from = |plain: &Path| {
        store.restore(plain, force).map_err(|e| match e {
            StoreError::NotGuestbook => not_backup(),
            other => other.into(),
        })
    };
    if ctx.remote {
        // Said before a passphrase is asked for, and before anything is decrypted.
        return Err(StoreError::OnServerHostOnly.into());
    }
    let summary = if encrypted {
        let key = passphrase(passphrase_file, false)?;
        let wrong =
            || CliError::Invalid(Msg::BackupWrongPassphrase.fill(&[("file", &file.display())]));
        let input =
            std::io::BufReader::new(std::fs::File::open(file).map_err(|e| read_failed(file, &e))?);
        let decryptor = age::Decryptor::new_buffered(input).map_err(|_| not_backup())?;
        let identity = age::scrypt::Identity::new(key);
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|_| wrong())?;
        // Beside the database it goes into: the same folder already holds this data.
        let plain = Scratch::beside(Path::new(&ctx.db), "restore")?;
        let mut out = std::fs::OpenOptions::new().write(true).open(&plain.0)?;
        std::io::copy(&mut reader, &mut out).map_err(|_| wrong())?;
        drop(out);
        restore_from(&plain.0)?
    } else {
        restore_from(file)?
    };
    if json {
        return print_json(&summary);
    }
    let at = data_as_of(&summary);
    eprintln!(
        "{}",
        Msg::RestoreDone.fill(&[
            ("db", &ctx.db),
            ("file", &file.display()),
            ("n", &summary.guests),
            ("at", &at)
        ])
    );
    Ok(())
}

/// `report vip`: the sheet's data from the store (which decides who may have it), printed
/// in the format asked for.
fn report_vip(
    store: &mut dyn Store,
    ctx: &Context,
    date: NaiveDate,
    format: SheetFormat,
    output: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    let sheet = store.vip_sheet(date)?;
    if json {
        return print_json(&sheet);
    }
    let (lang, mark) = (i18n::lang(), watermark(store));
    let width = if output.is_none() { out_width() } else { 80 };
    let text = report::render_vip(&sheet, &ctx.catalog, lang, &mark, format, width, ctx.today);
    let Some(path) = output else {
        return say(text.trim_end());
    };
    report::write_private(path, text.as_bytes()).map_err(|e| write_failed(path, &e))?;
    let guests: usize = sheet.sections().iter().map(|s| s.len()).sum();
    eprintln!(
        "{}",
        Msg::VipWritten.fill(&[("date", &date), ("file", &path.display()), ("n", &guests)])
    );
    Ok(())
}

fn export(store: &mut dyn Store, args: &ExportArgs) -> Result<(), CliError> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Csv);
    match &args.output {
        Some(path) => {
            let n = write_whole(path, |file| {
                Ok(interchange::export(store, args.kind, format, file)?)
            })?;
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

fn pref_add(
    store: &mut dyn Store,
    ctx: &Context,
    id: &str,
    category: &str,
    value: &str,
    note: Option<String>,
    json: bool,
) -> Result<(), CliError> {
    let guest_id = guest_id(id);
    let pref = store.add_preference(NewPreference {
        guest_id: guest_id.clone(),
        category: category.to_string(),
        value: value.to_string(),
        note: note.filter(|n| !n.trim().is_empty()),
        observed_by: None,
        observed_at: Utc::now(),
        source: None,
    })?;
    if json {
        return print_json(&pref);
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

fn user(store: &mut dyn Store, command: UserCommand, password_stdin: bool) -> Result<(), CliError> {
    let account = match command {
        UserCommand::Add {
            name,
            role,
            department,
        } => {
            let first = store.accounts()?.is_empty();
            let account = store.add_account(&NewAccount {
                user: name,
                role,
                department,
                password: new_password(password_stdin)?,
            })?;
            if first {
                eprintln!(
                    "{}",
                    Msg::FirstAccountAdmin.fill(&[("user", &account.user)])
                );
            }
            account
        }
        UserCommand::List { json } => {
            let accounts = store.accounts()?;
            return match json {
                true => print_json(&accounts),
                false => super::output::accounts(&accounts),
            };
        }
        UserCommand::Role { name, role } => {
            store.change_account(&name, &AccountChange::Role(role))?
        }
        UserCommand::Disable { name } => store.change_account(&name, &AccountChange::Disable)?,
        UserCommand::Enable { name } => store.change_account(&name, &AccountChange::Enable)?,
        UserCommand::Passwd { name } => {
            let name = name.unwrap_or_else(|| store.principal().user.clone());
            // Without a terminal to ask on, no answer is not "remove the password": a script
            // that forgot --password-stdin would lock the account out of every server.
            if !password_stdin && !std::io::stdin().is_terminal() {
                return Err(CliError::Invalid(
                    Msg::PasswdNeedsInput.fill(&[("user", &name)]),
                ));
            }
            let password = new_password(password_stdin)?;
            store.change_account(&name, &AccountChange::Password(password))?
        }
    };
    super::output::accounts(&[account])
}

fn settings(
    store: &mut dyn Store,
    ctx: &Context,
    key: Option<String>,
    value: Option<String>,
    import_config: bool,
    json: bool,
) -> Result<(), CliError> {
    let mut current = serde_json::to_value(store.settings()?).map_err(std::io::Error::from)?;
    if import_config {
        let merged = ctx.config.hotel_settings_over(&ctx.settings);
        store.set_settings(&merged)?;
        current = serde_json::to_value(store.settings()?).map_err(std::io::Error::from)?;
    } else if let Some(key) = &key {
        let Some(old) = current.get(key).cloned() else {
            return Err(StoreError::NotFound {
                what: crate::store::Entity::Setting,
                id: key.clone(),
            }
            .into());
        };
        if let Some(text) = value {
            current[key] = setting_value(&old, &text);
            let settings: Settings = serde_json::from_value(current.clone()).map_err(|_| {
                CliError::Invalid(Msg::SettingBadValue.fill(&[("key", key), ("value", &text)]))
            })?;
            current = serde_json::to_value(store.set_settings(&settings)?)
                .map_err(std::io::Error::from)?;
        }
        let shown = serde_json::json!({ key: current[key].clone() });
        return match json {
            true => print_json(&shown),
            false => say(&super::output::settings(&shown)),
        };
    }
    match json {
        true => print_json(&current),
        false => say(&super::output::settings(&current)),
    }
}

/// A setting's new value typed on the command line, in the shape of the old one: a list from
/// `V1,V2`, a number, true/false, otherwise text; JSON is taken as it is.
fn setting_value(old: &serde_json::Value, text: &str) -> serde_json::Value {
    use serde_json::Value;
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        if std::mem::discriminant(&v) == std::mem::discriminant(old) {
            return v;
        }
    }
    match old {
        Value::Array(_) => Value::Array(
            text.split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        ),
        _ => Value::String(text.to_string()),
    }
}

/// Columns of text output: as wide as the terminal, so an 80-column SSH session never wraps
/// a line; 80 in a file or a pipe.
fn out_width() -> usize {
    match std::io::stdout().is_terminal() {
        true => crossterm::terminal::size().map_or(80, |(w, _)| w as usize),
        false => 80,
    }
}

fn watermark(store: &dyn Store) -> Watermark {
    report::watermark(store)
}

fn board(
    store: &mut dyn Store,
    ctx: &Context,
    date: NaiveDate,
    vip_only: bool,
    json: bool,
) -> Result<(), CliError> {
    let board = store.board(date, vip_only)?;
    if json {
        return print_json(&board);
    }
    let width = out_width();
    say(&report::board_text(
        &board,
        &ctx.catalog,
        i18n::lang(),
        &watermark(store),
        width,
        ctx.today,
    ))
}

/// The sample hotel, built into the binary so `demo` works from anywhere.
const SAMPLE: [(Kind, &str, &str); 4] = [
    (
        Kind::Guests,
        "guests.csv",
        include_str!("../../sample-data/guests.csv"),
    ),
    (
        Kind::Preferences,
        "preferences.csv",
        include_str!("../../sample-data/preferences.csv"),
    ),
    (
        Kind::Stays,
        "stays.csv",
        include_str!("../../sample-data/stays.csv"),
    ),
    (
        Kind::Feedback,
        "feedback.csv",
        include_str!("../../sample-data/feedback.csv"),
    ),
];

/// A fresh copy of the sample hotel at `path`, its reference day moved to `today`, opened
/// for `user` (the only user of a file without accounts).
pub fn create_demo(path: &Path, user: &str, today: NaiveDate) -> Result<Box<dyn Store>, CliError> {
    for stale in [
        path.to_path_buf(),
        path.with_extension("db-wal"),
        path.with_extension("db-shm"),
    ] {
        if stale.exists() {
            std::fs::remove_file(stale)?;
        }
    }
    let mut store = store::open_file(path, user)?;
    let dir = path.with_extension("sample");
    std::fs::create_dir_all(&dir)?;
    let opts = ImportOptions {
        format: Some(Format::Csv),
        ..ImportOptions::new(&store.settings()?)?
    };
    for (kind, name, text) in SAMPLE {
        let file = dir.join(name);
        std::fs::write(&file, text)?;
        let outcome = interchange::import_file(store.as_mut(), kind, &file, &opts)?;
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
        NaiveDate::parse_from_str(super::SAMPLE_REFERENCE_DAY, "%Y-%m-%d").expect("constant date");
    store.shift_sample_dates((today - reference).num_days())?;
    Ok(store)
}

fn demo(config: &Config, user: &str, today: Option<NaiveDate>) -> Result<(), CliError> {
    let dir = config::state_dir().ok_or_else(|| CliError::Invalid(Msg::NoDataDir.text().into()))?;
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("demo.db");
    let today =
        today.unwrap_or_else(|| rules::settings::business_date(&Settings::default(), Utc::now()));
    let mut store = create_demo(&path, user, today)?;
    let settings = store.settings()?;
    let ctx = Context {
        catalog: rules::settings::catalog(&settings).map_err(StoreError::from)?,
        settings,
        today,
        config: config.clone(),
        remote: false,
        db: path.display().to_string(),
    };
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return open_tui(store, &ctx, None, None);
    }
    board(store.as_mut(), &ctx, today, false, false)?;
    say(&format!(
        "\n{}",
        Msg::DemoReady.fill(&[("path", &path.display()), ("date", &today)])
    ))
}

fn open_tui(
    store: Box<dyn Store>,
    ctx: &Context,
    find: Option<String>,
    phone: Option<String>,
) -> Result<(), CliError> {
    let start = crate::tui::Start {
        query: find,
        phone,
        backend: if ctx.remote {
            Msg::TuiBackendServer.fill(&[("url", &ctx.db)])
        } else {
            Msg::TuiBackendFile.fill(&[("path", &ctx.db)])
        },
        database: ctx.db.clone(),
        today: Some(ctx.today),
    };
    Ok(crate::tui::run(store, &ctx.config, start)?)
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

    #[test]
    fn setting_values_take_the_shape_of_the_old_value() {
        use serde_json::json;
        assert_eq!(setting_value(&json!(["V1"]), "V1, V2"), json!(["V1", "V2"]));
        assert_eq!(setting_value(&json!(4), "5"), json!(5));
        assert_eq!(setting_value(&json!(false), "true"), json!(true));
        assert_eq!(setting_value(&json!("CN"), "HK"), json!("HK"));
    }
}

/// The `--ca` file, refused with a sentence naming it when it holds no usable certificate.
fn checked_ca(global: &Global) -> Result<Option<&Path>, CliError> {
    match &global.ca {
        Some(path) => {
            store::remote::ca_certificates(path).map_err(|e| CliError::Invalid(e.to_string()))?;
            Ok(Some(path))
        }
        None => Ok(None),
    }
}

/// The `--ca` file for the server at `url`, which is refused, as `serve` refuses to serve it,
/// when it is plain HTTP to another machine without `--insecure-http`.
fn checked_remote<'g>(global: &'g Global, url: &str) -> Result<Option<&'g Path>, CliError> {
    if store::remote::plain_http_off_loopback(url) && !global.insecure_http {
        return Err(CliError::Invalid(
            Msg::RemotePlainHttpRefused.fill(&[("url", &url)]),
        ));
    }
    checked_ca(global)
}

/// `guestbook serve`: the API over the file at `db` until SIGTERM or Ctrl-C, over HTTPS
/// with `tls` (certificate and key files) when given.
fn serve(
    db: &Path,
    listen: std::net::SocketAddr,
    tls: Option<(&Path, &Path)>,
    insecure_http: bool,
    trust_proxy: bool,
    allow_passwordless: bool,
) -> Result<(), CliError> {
    let shown = db.display().to_string();
    // Read before anything else, so a bad file is named before the database is opened.
    let tls = match tls {
        Some((cert, key)) => Some(
            crate::server::tls::server_config(cert, key)
                .map_err(|e| CliError::Invalid(e.to_string()))?,
        ),
        None => None,
    };
    if tls.is_none() && !listen.ip().is_loopback() && !insecure_http {
        return Err(CliError::Invalid(
            Msg::ServerPlainHttpRefused.fill(&[("addr", &listen)]),
        ));
    }
    let config = crate::server::ServerConfig {
        require_password: !allow_passwordless,
        trust_proxy,
        ..Default::default()
    };
    let router = crate::server::router(db.to_path_buf(), config)
        .map_err(|e| CliError::Store(e, shown.clone()))?;
    // Request logs on stderr, where systemd's journal takes them.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            CliError::Invalid(Msg::ServerCannotListen.fill(&[("addr", &listen), ("reason", &e)]))
        })?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // The bound address: the port the system chose for `--listen …:0`.
        let bound = listener.local_addr().unwrap_or(listen);
        eprintln!(
            "{}",
            Msg::ServerListening.fill(&[("url", &format!("{scheme}://{bound}")), ("db", &shown)])
        );
        let shutdown = crate::server::terminated();
        match tls {
            Some(tls) => crate::server::serve_tls(listener, router, tls, shutdown).await?,
            None => crate::server::serve(listener, router, shutdown).await?,
        }
        Ok(())
    })
}

/// A session kept by `guestbook login`: which server, as whom, and its token.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedSession {
    url: String,
    user: String,
    token: String,
}

fn session_file() -> Option<PathBuf> {
    config::state_dir().map(|d| d.join("session.json"))
}

fn saved_session() -> Option<SavedSession> {
    let text = std::fs::read_to_string(session_file()?).ok()?;
    serde_json::from_str(&text).ok()
}

/// The token for `url`: GUESTBOOK_TOKEN, else the session `guestbook login` kept for it.
fn session_token(url: &str) -> Option<String> {
    if let Some(token) = std::env::var("GUESTBOOK_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
    {
        return Some(token);
    }
    let same = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    saved_session()
        .filter(|s| same(&s.url, url))
        .map(|s| s.token)
}

/// Writes the session file readable by its owner only (0600): the token signs its holder in.
fn save_session(session: &SavedSession) -> Result<(), CliError> {
    let path = session_file().ok_or_else(|| CliError::Invalid(Msg::NoDataDir.text().into()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string(session).map_err(std::io::Error::other)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// `guestbook login URL`: signs `user` in (trusting the CA in `ca` for https://) and keeps
/// the session in the state dir.
fn login(url: &str, user: &str, password_stdin: bool, ca: Option<&Path>) -> Result<(), CliError> {
    let password = if password_stdin {
        Some(read_password_stdin()?)
    } else if std::io::stdin().is_terminal() {
        let prompt = Msg::PasswordPrompt.fill(&[("user", &user)]);
        Some(rpassword::prompt_password(prompt)?)
    } else {
        None
    };
    let who = Credentials {
        user: user.to_string(),
        password,
    };
    let store = store::remote::RemoteStore::open(url, None, &who, ca)
        .map_err(|e| CliError::Store(e, url.to_string()))?;
    save_session(&SavedSession {
        url: url.trim_end_matches('/').to_string(),
        user: user.to_string(),
        token: store.token().to_string(),
    })?;
    let role = i18n::role_label(store.principal().role, i18n::lang());
    eprintln!(
        "{}",
        Msg::LoggedIn.fill(&[("url", &url), ("user", &user), ("role", &role)])
    );
    Ok(())
}

/// `guestbook logout`: ends the kept session on its server and forgets it.
fn logout(global: &Global) -> Result<(), CliError> {
    let Some(saved) = saved_session() else {
        return Err(CliError::Invalid(Msg::NotLoggedIn.text().into()));
    };
    let ca = checked_remote(global, &saved.url)?;
    let who = Credentials {
        user: saved.user.clone(),
        password: None,
    };
    // An ended session, or a server gone for good, still leaves this terminal signed out.
    if let Ok(mut store) =
        store::remote::RemoteStore::open(&saved.url, Some(&saved.token), &who, ca)
    {
        let _ = store.logout();
    }
    if let Some(path) = session_file() {
        let _ = std::fs::remove_file(path);
    }
    eprintln!("{}", Msg::LoggedOut.fill(&[("url", &saved.url)]));
    Ok(())
}

/// The text of a field `show --reveal` may show in full.
fn revealed_value(g: &crate::model::Guest, field: GuestField) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    match field {
        GuestField::Name => g.name.clone(),
        GuestField::NameLatin => text(&g.name_latin),
        GuestField::IdDocNumber => text(&g.id_doc_number),
        GuestField::BirthDate => g.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        GuestField::Phones => g
            .phones
            .iter()
            .map(|p| p.e164.0.clone())
            .collect::<Vec<_>>()
            .join("; "),
        GuestField::Emails => g.emails.join("; "),
        _ => String::new(),
    }
}

/// `show ID --reveal FIELD`: the reason from `--reason`, else asked for on a terminal; the
/// store decides whether the role may and puts it on record.
fn reveal_field(
    store: &mut dyn Store,
    id: &str,
    field: &str,
    reason: Option<String>,
) -> Result<crate::model::Guest, CliError> {
    let revealable = crate::privacy::REVEALABLE;
    let field = GuestField::parse(field)
        .filter(|f| revealable.contains(f))
        .ok_or_else(|| {
            let choices: Vec<&str> = revealable.iter().map(|f| f.as_str()).collect();
            CliError::Invalid(
                Msg::NotRevealable
                    .fill(&[("field", &field.trim()), ("choices", &choices.join(", "))]),
            )
        })?;
    let reason = match reason {
        Some(reason) => reason,
        None if std::io::stdin().is_terminal() => {
            eprint!(
                "{}",
                Msg::RevealReasonPrompt.fill(&[("field", &field), ("id", &id)])
            );
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim().to_string()
        }
        None => return Err(CliError::Usage(Msg::RevealNeedsReason.text().into())),
    };
    Ok(store.reveal(&guest_id(id), field, &reason)?)
}
/// `guestbook dupes`: the likely duplicate pairs, or `--never A B`.
fn dupes(
    store: &mut dyn Store,
    limit: usize,
    never: Option<Vec<String>>,
    json: bool,
) -> Result<(), CliError> {
    if let Some([a, b]) = never.as_deref() {
        let (a, b) = (guest_id(a), guest_id(b));
        store.never_dupes(&a, &b)?;
        return say(&Msg::DupesNeverMarked.fill(&[("a", &a), ("b", &b)]));
    }
    let pairs = store.dupes(limit)?;
    if json {
        return print_json(&pairs);
    }
    let mut names = HashMap::new();
    for id in pairs.iter().flat_map(|p| [&p.a, &p.b]) {
        if !names.contains_key(id) {
            names.insert(id.clone(), store.profile(id)?.guest.name);
        }
    }
    say(&output::dupes_table(&pairs, &names, i18n::lang()))
}

/// Says on stderr which profiles the new one may duplicate, and why; returns them. Only
/// advice: the profile is added whatever this finds, so a failure to look is not an error.
fn warn_duplicates(store: &mut dyn Store, id: &GuestId) -> Vec<DupePair> {
    let pairs = store.dupes_of(id).unwrap_or_default();
    for p in &pairs {
        eprintln!(
            "{}",
            Msg::AddLikelyDuplicate.fill(&[
                ("id", &p.a),
                ("other", &p.b),
                ("reasons", &i18n::dupe_reasons(&p.reasons, i18n::lang())),
            ])
        );
    }
    pairs
}

/// The profile as `add --json` prints it: with a `duplicates` field when it has likely
/// duplicates (cli.md: fields may only be added).
fn with_duplicates(
    profile: &crate::model::Profile,
    duplicates: &[DupePair],
) -> Result<serde_json::Value, CliError> {
    let mut value = serde_json::to_value(profile).map_err(|e| CliError::Invalid(e.to_string()))?;
    if let (false, Some(map)) = (duplicates.is_empty(), value.as_object_mut()) {
        let list =
            serde_json::to_value(duplicates).map_err(|e| CliError::Invalid(e.to_string()))?;
        map.insert("duplicates".into(), list);
    }
    Ok(value)
}
/// What staff see of an erased guest: that it was erased and when, not a profile named
/// `[erased]`; its stays remain as anonymous statistics.
fn erased_text(profile: &crate::model::Profile, at: chrono::DateTime<Utc>) -> String {
    Msg::ShowErased.fill(&[
        ("id", &profile.guest.id),
        ("date", &at.format("%Y-%m-%d")),
        ("stays", &profile.stays.len()),
    ])
}
