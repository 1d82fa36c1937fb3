//! The `royalty` command line: parses arguments and hands each command to
//! its module in `cmd/`. Nothing here computes anything.

/// A message line on standard error that never panics: a failed write makes
/// the command exit non-zero instead (`fsutil::say`).
macro_rules! say {
    ($($arg:tt)*) => {
        royalty::fsutil::say(&format!($($arg)*))
    };
}

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    let code = match cmd::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            say!("{}", cmd::render_error(&e));
            e.exit_code() as u8
        }
    };
    if code == 0 && royalty::fsutil::stderr_failed() {
        return ExitCode::from(1);
    }
    ExitCode::from(code)
}
