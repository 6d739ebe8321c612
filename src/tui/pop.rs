//! Screen-pop from the phone system: `guestbook pop NUMBER` hands a caller's number to this
//! user's running TUI over a Unix domain socket in the user's runtime directory (never a
//! network port), and the TUI brings the caller up. A caller ID is attacker-controlled text, so
//! both ends accept only the characters a phone number is written with.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::i18n::{printable, Msg};

/// The longest number accepted, in characters: more than any number with its punctuation.
pub const NUMBER_MAX_CHARS: usize = 40;
/// Fewer digits than this are no caller's number.
const MIN_DIGITS: usize = 3;
/// How long either end waits for the other.
const TIMEOUT: Duration = Duration::from_secs(2);
/// What the TUI answers once it has taken the number.
const TAKEN: &str = "ok";

/// Why `pop` did not reach a TUI.
#[derive(Debug, thiserror::Error)]
pub enum PopError {
    /// The argument is not a phone number (bad usage, exit 2).
    #[error("{}", Msg::PopNotANumber.fill(&[("number", &printable(.0, false))]))]
    NotANumber(String),
    #[error("{}", Msg::PopNoTui.text())]
    NoTui,
    #[error("{}", Msg::PopFailed.fill(&[("reason", .0)]))]
    Failed(String),
}

/// The number as given, if it holds only phone characters (ASCII or full-width digits, `+`,
/// spaces, `-`, brackets) and at least three digits; else refused whole, never cleaned up.
pub fn checked_number(text: &str) -> Result<String, PopError> {
    let number = text.trim();
    let phone_char = |c: char| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || matches!(c, '+' | ' ' | '-' | '(' | ')')
    };
    let digits = number
        .chars()
        .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count();
    let fits = number.chars().count() <= NUMBER_MAX_CHARS;
    if number.chars().all(phone_char) && digits >= MIN_DIGITS && fits {
        Ok(number.to_string())
    } else {
        Err(PopError::NotANumber(text.to_string()))
    }
}

/// The directory of this user's window sockets: `$XDG_RUNTIME_DIR/guestbook`, else
/// `guestbook-UID` in the temp dir; created 0700 and refused if it is anyone else's or open
/// to others.
pub fn socket_dir() -> io::Result<PathBuf> {
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(runtime) => Path::new(&runtime).join("guestbook"),
        None => std::env::temp_dir().join(format!("guestbook-{}", uid()?)),
    };
    private_dir(&dir)?;
    Ok(dir)
}

/// Each window listens on a socket of its own, `pop-PID.sock`, so closing one window never
/// takes the calls away from another.
fn socket_name(pid: u32) -> String {
    format!("pop-{pid}.sock")
}

/// The window sockets in `dir`, newest first (a socket's time is its window's start).
fn window_sockets(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("pop-") && name.ends_with(".sock")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    found.sort_by(|a, b| b.cmp(a));
    Ok(found.into_iter().map(|(_, path)| path).collect())
}

#[cfg(unix)]
fn uid() -> io::Result<u32> {
    use std::os::unix::fs::MetadataExt;
    if let Ok(me) = std::fs::metadata("/proc/self") {
        return Ok(me.uid());
    }
    // Without /proc: a file this process creates is owned by its user.
    let probe = std::env::temp_dir().join(format!(".guestbook-uid-{}", std::process::id()));
    let file = std::fs::File::create(&probe)?;
    let uid = file.metadata()?.uid();
    let _ = std::fs::remove_file(&probe);
    Ok(uid)
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    let ours = meta.is_dir() && meta.uid() == uid()?;
    if !ours || meta.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            Msg::PopUnsafeDir.fill(&[("dir", &dir.display())]),
        ));
    }
    Ok(())
}

/// Hands `number` (already checked) to this user's newest running window and waits for it
/// to take it. Sockets left by windows that crashed are removed on the way.
#[cfg(unix)]
pub fn send(number: &str) -> Result<(), PopError> {
    use std::os::unix::net::UnixStream;
    let failed = |e: io::Error| PopError::Failed(e.to_string());
    let dir = socket_dir().map_err(failed)?;
    for path in window_sockets(&dir).map_err(failed)? {
        let mut stream = match UnixStream::connect(&path) {
            Ok(stream) => stream,
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                let _ = std::fs::remove_file(&path);
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(failed(e)),
        };
        stream.set_read_timeout(Some(TIMEOUT)).map_err(failed)?;
        stream.set_write_timeout(Some(TIMEOUT)).map_err(failed)?;
        writeln!(stream, "{number}").map_err(failed)?;
        let mut answer = String::new();
        BufReader::new(stream.take(64))
            .read_line(&mut answer)
            .map_err(failed)?;
        if answer.trim() == TAKEN {
            return Ok(());
        }
        // That window went away between connecting and answering: try the next one.
    }
    Err(PopError::NoTui)
}

#[cfg(not(unix))]
pub fn send(_number: &str) -> Result<(), PopError> {
    Err(PopError::NoTui)
}

/// The listening socket while the TUI runs; removed when dropped.
pub struct Listener {
    path: PathBuf,
    #[cfg(unix)]
    inode: (u64, u64),
}

impl Drop for Listener {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let still_ours = std::fs::symlink_metadata(&self.path)
                .is_ok_and(|m| (m.dev(), m.ino()) == self.inode);
            if still_ours {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}

/// Listens on this window's socket and hands each checked number to `deliver` on its own
/// thread. Calls go to the window started last that still runs.
#[cfg(unix)]
pub fn listen(deliver: impl Fn(String) -> bool + Send + 'static) -> io::Result<Listener> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::net::UnixListener;
    let path = socket_dir()?.join(socket_name(std::process::id()));
    // Left by an earlier process that had this pid and crashed.
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let meta = std::fs::symlink_metadata(&path)?;
    let guard = Listener {
        path,
        inode: (meta.dev(), meta.ino()),
    };
    std::thread::Builder::new()
        .name("guestbook-pop".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if !take(stream, &deliver) {
                    return;
                }
            }
        })?;
    Ok(guard)
}

#[cfg(not(unix))]
pub fn listen(_deliver: impl Fn(String) -> bool + Send + 'static) -> io::Result<Listener> {
    Err(io::Error::other("screen-pop needs a Unix domain socket"))
}

/// Reads one number from a caller of `pop`; false once the TUI no longer takes any.
#[cfg(unix)]
fn take(stream: std::os::unix::net::UnixStream, deliver: &impl Fn(String) -> bool) -> bool {
    let _ = stream.set_read_timeout(Some(TIMEOUT));
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let mut line = String::new();
    let limit = (NUMBER_MAX_CHARS * 4 + 2) as u64;
    let Ok(reader) = stream.try_clone() else {
        return true;
    };
    if BufReader::new(reader.take(limit))
        .read_line(&mut line)
        .is_err()
    {
        return true;
    }
    // The other end is any process of this user: checked again, never trusted.
    let Ok(number) = checked_number(&line) else {
        return true;
    };
    if !deliver(number) {
        return false;
    }
    let mut stream = stream;
    let _ = writeln!(stream, "{TAKEN}");
    true
}
