//! `royalty dashboard [--output FILE.html]`: one self-contained HTML page
//! for the label (docs/commands.md). Wiring only: the period is computed as
//! `run` computes it, and `royalty::report::dashboard` builds and lays out
//! the page from the result and the ledger.

use super::common::{prepare, print_warnings, Common, OutputArgs};
use royalty::diag::Result;
use royalty::report::dashboard;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Write the page to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The day objection windows are judged on (default: the period's last day; no clock is read).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<jiff::civil::Date>,
}

pub fn exec(a: Args) -> Result<u8> {
    super::common::check_outputs(&[a.output.as_deref()])?;
    let prepared = prepare(&a.common, false)?;
    print_warnings(&prepared.loaded.diagnostics);
    let result = prepared.compute()?;
    let revenue = prepared.loaded.revenue.sorted();
    let d = dashboard::build(&dashboard::Inputs {
        result: &result,
        agreements: &prepared.loaded.agreements,
        ledger: &prepared.ledger,
        revenue: &revenue,
        as_of: a.as_of,
        label: prepared
            .loaded
            .settings
            .label
            .as_ref()
            .map(|l| l.name.clone()),
    });
    OutputArgs {
        format: None,
        output: a.output,
    }
    .emit(&dashboard::html::render(&d))?;
    Ok(0)
}
