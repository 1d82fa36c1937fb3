//! `royalty run`: compute the period's payouts, change nothing
//! (docs/commands.md).

use super::common::{
    check_outputs_of, prepare_with, print_warnings, Common, LoadOptions, OutputArgs,
};
use royalty::diag::Result;
use royalty::fsutil::Batch;
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
    // Every output checked before anything is computed; all written together.
    check_outputs_of(
        &a.common,
        &[a.out.file(), a.unmatched.as_deref(), a.payments.as_deref()],
        &[],
    )?;
    let format = a.out.format();
    let prepared = prepare_with(
        &a.common,
        LoadOptions {
            keep_unmatched: a.unmatched.is_some(),
            // A table lists unmatched tracks one by one; JSON and CSV give
            // their totals per currency.
            sum_unmatched: format != Format::Table,
            ..LoadOptions::default()
        },
    )?;
    print_warnings(&prepared.loaded.diagnostics);
    let result = prepared.compute()?;
    let agreements = &prepared.loaded.agreements;
    let text = match format {
        Format::Table => report::table::render_width(&result, agreements, a.out.table_width()),
        f => render(f, &result, agreements, &prepared.loaded.problems()),
    };
    let mut files = Batch::new();
    if let Some(path) = &a.unmatched {
        files.add(path, report::unmatched::render(&prepared.loaded.outcomes))?;
    }
    if let Some(path) = &a.payments {
        files.add(path, report::payments::render(&result, agreements))?;
    }
    a.out.finish(files, &text)?;
    Ok(0)
}

pub fn render(
    format: Format,
    result: &royalty::engine::PeriodResult,
    agreements: &[royalty::agreement::Agreement],
    problems: &[royalty::diag::Problem],
) -> String {
    match format {
        Format::Json => report::json::render(result, agreements, problems),
        Format::Csv => report::csv_out::render(result, agreements),
        Format::Table => report::table::render(result, agreements),
    }
}
