//! `royalty run`: compute the period's payouts, change nothing
//! (docs/commands.md).

use super::common::{prepare, print_warnings, Common, OutputArgs};
use royalty::diag::Result;
use royalty::report::{self, Format};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Also write every line no agreement covers, with its file and line, to this CSV.
    #[arg(long, value_name = "FILE")]
    pub unmatched: Option<PathBuf>,
    /// Also write the payment file (what a bank imports) to this CSV.
    #[arg(long, value_name = "FILE")]
    pub payments: Option<PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    let prepared = prepare(&a.common, a.unmatched.is_some())?;
    print_warnings(&prepared.loaded.diagnostics);
    let result = prepared.compute()?;
    let agreements = &prepared.loaded.agreements;
    let text = render(a.out.format(), &result, agreements);
    if let Some(path) = &a.unmatched {
        royalty::fsutil::write_atomic(
            path,
            report::unmatched::render(&prepared.loaded.outcomes).as_bytes(),
        )?;
    }
    if let Some(path) = &a.payments {
        royalty::fsutil::write_atomic(
            path,
            report::payments::render(&result, agreements).as_bytes(),
        )?;
    }
    a.out.emit(&text)?;
    Ok(0)
}

pub fn render(
    format: Format,
    result: &royalty::engine::PeriodResult,
    agreements: &[royalty::agreement::Agreement],
) -> String {
    match format {
        Format::Json => report::json::render(result, agreements),
        Format::Csv => report::csv_out::render(result, agreements),
        Format::Table => report::table::render(result, agreements),
    }
}
