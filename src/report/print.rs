//! Printing the VIP sheet to a file, the one way the CLI (`report vip -o`) and the TUI's board
//! do it: rendered in a format, watermarked, written readable by its owner only; and writing
//! a guest's whole record for an access request from the TUI, the same way.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate};

use super::{vip_csv, vip_html, vip_text, Watermark};
use crate::catalog::Catalog;
use crate::i18n::Lang;
use crate::model::{GuestId, VipSheet};
use crate::store::{Store, StoreError};

/// The VIP sheet's file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    Text,
    Csv,
    Html,
}

impl SheetFormat {
    /// The format a file's extension names (`.html`, `.htm`, `.csv`), else text.
    pub fn from_path(path: Option<&Path>) -> SheetFormat {
        let ext = path
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("html" | "htm") => SheetFormat::Html,
            Some("csv") => SheetFormat::Csv,
            _ => SheetFormat::Text,
        }
    }

    /// The file extension of the format (`html`).
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Text => "txt",
            SheetFormat::Csv => "csv",
            SheetFormat::Html => "html",
        }
    }
}

/// Who prints, on which machine, now (local time): the watermark of every printed sheet.
pub fn watermark(store: &dyn Store) -> Watermark {
    Watermark {
        user: store.principal().user.clone(),
        host: gethostname::gethostname().to_string_lossy().into_owned(),
        at: Local::now().format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The sheet in `format`; text is `width` columns wide.
pub fn render_vip(
    sheet: &VipSheet,
    catalog: &Catalog,
    lang: Lang,
    mark: &Watermark,
    format: SheetFormat,
    width: usize,
    today: NaiveDate,
) -> String {
    match format {
        SheetFormat::Text => vip_text(sheet, catalog, lang, mark, width, today),
        SheetFormat::Csv => vip_csv(sheet, catalog, lang, mark),
        SheetFormat::Html => vip_html(sheet, catalog, lang, mark, today),
    }
}

/// Writes `bytes` to `path` whole or not at all, readable by its owner only (0600) from the
/// start: what is printed is guest data. A file already there is replaced.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private_with(path, |file| file.write_all(bytes))
}

/// Writes `path` through `write`, beside it first (`.partial`, mode 0600 from the start) and
/// renamed once complete and on disk, so a failure never leaves half a file nor a stale
/// `.partial`. A file already there is replaced.
pub fn write_private_with<T, E: From<std::io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, E> {
    let tmp = path.with_extension("partial");
    let _ = std::fs::remove_file(&tmp);
    let written = (|| -> Result<T, E> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = std::io::BufWriter::new(options.open(&tmp)?);
        let value = write(&mut file)?;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Why printing to a file failed.
#[derive(Debug)]
pub enum PrintError {
    /// The store refused or failed (a role that may not print the sheet is `Forbidden`).
    Store(StoreError),
    /// No directory could take the file.
    Write(std::io::Error),
}

/// Prints the VIP sheet of `date` (audited by the store) as `vip-YYYY-MM-DD.EXT` into the
/// first of `dirs` that takes it (the TUI passes the current directory, then `$HOME`);
/// returns the file's path.
pub fn print_vip(
    store: &mut dyn Store,
    date: NaiveDate,
    today: NaiveDate,
    catalog: &Catalog,
    lang: Lang,
    format: SheetFormat,
    dirs: &[PathBuf],
) -> Result<PathBuf, PrintError> {
    let sheet = store.vip_sheet(date).map_err(PrintError::Store)?;
    let text = render_vip(&sheet, catalog, lang, &watermark(store), format, 80, today);
    let name = format!("vip-{date}.{}", format.extension());
    write_first(dirs, &name, text.as_bytes())
}

/// Writes everything held about guest `id` for an access request (`Store::export_guest`,
/// audited by the store) as `guest-ID-YYYY-MM-DD.json` (local date) into the first of `dirs`
/// that takes it, readable by its owner only, in the shape `guestbook export-guest` writes;
/// returns the file's path.
pub fn export_guest(
    store: &mut dyn Store,
    id: &GuestId,
    dirs: &[PathBuf],
) -> Result<PathBuf, PrintError> {
    let record = store.export_guest(id).map_err(PrintError::Store)?;
    let mut json = serde_json::to_vec_pretty(&record)
        .map_err(|e| PrintError::Write(std::io::Error::other(e)))?;
    json.push(b'\n');
    // An id is the PMS's text: anything but letters, digits, `-` and `_` stays out of a
    // file name.
    let safe: String = record
        .guest
        .id
        .0
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                true => c,
                false => '_',
            },
        )
        .collect();
    let name = format!("guest-{safe}-{}.json", Local::now().format("%Y-%m-%d"));
    write_first(dirs, &name, &json)
}

/// Writes `bytes` as `name` into the first of `dirs` that takes it ([`write_private`]).
fn write_first(dirs: &[PathBuf], name: &str, bytes: &[u8]) -> Result<PathBuf, PrintError> {
    let mut last = std::io::Error::from(std::io::ErrorKind::NotFound);
    for dir in dirs {
        let path = dir.join(name);
        match write_private(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) => last = e,
        }
    }
    Err(PrintError::Write(last))
}
