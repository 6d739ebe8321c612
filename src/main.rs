//! The `guestbook` binary: parse the command line, run it, turn failure into one sentence and
//! an exit status (0 ok, 1 failed, 2 bad usage — clap exits 2 itself, 128 + n when the TUI
//! was stopped by signal n).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = guestbook::cli::Cli::parse();
    match guestbook::cli::run(cli) {
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
