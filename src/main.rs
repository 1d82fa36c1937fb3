//! The `royalty` command line: parses arguments and hands each command to
//! its module in `cmd/`. Nothing here computes anything.

/// A message line on standard error that never panics: a failed write makes
/// the command exit non-zero instead (`fsutil::say`).
macro_rules! say {
    ($($arg:tt)*) => {
        royalty::fsutil::say(&crate::cmd::for_humans(&format!($($arg)*)))
    };
}

/// A note or warning on standard error, left out under `--quiet` (errors
/// use `say!`).
macro_rules! note {
    ($($arg:tt)*) => {
        royalty::fsutil::note(&crate::cmd::for_humans(&format!($($arg)*)))
    };
}

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a bug in royalty, like a failed self-check: exit 70, the
    // class scripts read as "report it", never 101.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        royalty::fsutil::say("royalty: internal error (please report this as a bug)");
        std::process::exit(royalty::diag::exit::INTERNAL.into());
    }));
    let cli = cmd::Cli::parse();
    let code = match cmd::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            say!("{}", cmd::render_error(&e));
            e.exit_code()
        }
    };
    if code == 0 && royalty::fsutil::stderr_failed() {
        return ExitCode::from(1);
    }
    ExitCode::from(code)
}
