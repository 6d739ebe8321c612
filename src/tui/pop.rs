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

/// `$XDG_RUNTIME_DIR/guestbook-pop.sock`, else `pop.sock` in a directory of the temp dir named
/// for the uid, which is created 0700 and refused if it is anyone else's or open to others.
pub fn socket_path() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return Ok(Path::new(&dir).join("guestbook-pop.sock"));
    }
    let dir = std::env::temp_dir().join(format!("guestbook-{}", uid()?));
    private_dir(&dir)?;
    Ok(dir.join("pop.sock"))
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

/// Hands `number` (already checked) to the running TUI and waits for it to take it.
#[cfg(unix)]
pub fn send(number: &str) -> Result<(), PopError> {
    use std::os::unix::net::UnixStream;
    let path = socket_path().map_err(|e| PopError::Failed(e.to_string()))?;
    let mut stream = match UnixStream::connect(&path) {
        Ok(stream) => stream,
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Err(PopError::NoTui)
        }
        Err(e) => return Err(PopError::Failed(e.to_string())),
    };
    let failed = |e: io::Error| PopError::Failed(e.to_string());
    stream.set_read_timeout(Some(TIMEOUT)).map_err(failed)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(failed)?;
    writeln!(stream, "{number}").map_err(failed)?;
    let mut answer = String::new();
    BufReader::new(stream.take(64))
        .read_line(&mut answer)
        .map_err(failed)?;
    match answer.trim() {
        TAKEN => Ok(()),
        // The TUI went away between connecting and answering.
        _ => Err(PopError::NoTui),
    }
}

#[cfg(not(unix))]
pub fn send(_number: &str) -> Result<(), PopError> {
    Err(PopError::NoTui)
}

/// The listening socket while the TUI runs; removed when dropped (unless a TUI started later
/// has taken the path over).
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

/// Listens on this user's socket and hands each checked number to `deliver` on its own
/// thread. The TUI started last takes the socket over: pops go to the newest window.
#[cfg(unix)]
pub fn listen(deliver: impl Fn(String) -> bool + Send + 'static) -> io::Result<Listener> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::net::UnixListener;
    let path = socket_path()?;
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
