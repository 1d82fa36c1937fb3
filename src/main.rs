//! The `royalty` command line: parses arguments and hands each command to
//! its module in `cmd/`. Nothing here computes anything.

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}", cmd::render_error(&e));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
