//! The profiles each user last opened, kept in the state directory so they survive a restart:
//! one list per database and user, newest first, ids only (names are read from the store,
//! with the reader's own masking, when the list is shown).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::model::GuestId;

/// Where the lists are kept, and under which database this TUI keeps its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentFile {
    pub path: PathBuf,
    /// The database as the user named it (a path), the same in every language.
    pub database: String,
}

/// How many profiles a user's list keeps.
pub const KEEP: usize = 10;

/// Lists by database (as the user named it), then by user.
type Lists = HashMap<String, HashMap<String, Vec<GuestId>>>;

/// `recent-profiles.json` in the state directory, if the platform has one.
pub fn default_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|dir| dir.join("recent-profiles.json"))
}

/// Every user's list for `database`; empty when there is no file or it cannot be read (a lost
/// list of recent profiles is no reason to refuse to start).
pub fn load(path: &Path, database: &str) -> HashMap<String, Vec<GuestId>> {
    read(path).remove(database).unwrap_or_default()
}

/// Replaces `user`'s list for `database`, keeping every other list in the file; written to a
/// temporary file first and renamed, so a crash never leaves half a file.
pub fn save(path: &Path, database: &str, user: &str, ids: &[GuestId]) -> io::Result<()> {
    let mut lists = read(path);
    lists
        .entry(database.to_string())
        .or_default()
        .insert(user.to_string(), ids.iter().take(KEEP).cloned().collect());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(&lists).map_err(io::Error::other)?;
    let partial = path.with_extension(format!("{}.partial", std::process::id()));
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path)
}

fn read(path: &Path) -> Lists {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// `id` put first in `list`, once, the list cut to [`KEEP`].
pub fn push_front(list: &mut Vec<GuestId>, id: GuestId) {
    list.retain(|other| *other != id);
    list.insert(0, id);
    list.truncate(KEEP);
}
