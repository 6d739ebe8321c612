//! The `guestbook` binary: parse the command line, run it, turn failure into one sentence and
//! an exit status (0 ok, 1 failed, 2 bad usage, said in the user's language, 128 + n when the TUI
//! was stopped by signal n).

fn main() -> std::process::ExitCode {
    match guestbook::cli::parse().and_then(guestbook::cli::run) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // A closed pipe (`guestbook export guests | head`) is the reader's choice, not a failure.
        Err(guestbook::cli::CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("guestbook: {err}");
            std::process::ExitCode::from(err.exit_code())
        }
    }
}
