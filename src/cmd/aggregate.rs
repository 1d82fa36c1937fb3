//! `royalty aggregate`: the statements' sums as a mergeable CSV (issue
//! "Speed and scale", item 4). `run --aggregates FILE...` consumes one or
//! many such files, summed exactly; docs/scaling.md shows how DuckDB or
//! Spark produce the same file from billions of lines.

use super::common::{load_with, Common, LoadOptions};
use royalty::diag::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Write the aggregate here (whole or not at all); default: standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    let output = super::common::file_or_stdout(a.output.as_deref());
    super::common::check_outputs_of(&a.common, &[output], &[])?;
    let loaded = load_with(
        &a.common,
        LoadOptions {
            require_statements: true,
            by_territory: true,
            ..LoadOptions::default()
        },
    )?;
    if loaded.has_errors() {
        return Err(Error::Input(loaded.diagnostics));
    }
    super::common::print_warnings(&loaded.diagnostics);
    let text = royalty::import::aggregate::render(&loaded.revenue, &loaded.agreements);
    match output {
        Some(p) => royalty::fsutil::write_atomic(p, text.as_bytes())?,
        None => royalty::fsutil::write_stdout(&text)?,
    }
    Ok(0)
}
