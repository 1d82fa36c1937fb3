//! `royalty run`: compute the period's payouts, change nothing (SPEC 4).

use super::common::{load, print_warnings, require_period, Common, OutputArgs};
use royalty::diag::{Error, Result};
use royalty::engine::{compute, Input};
use royalty::report::{csv_out, json, table, Format};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Also write every line no agreement covers, with its file and line, to this CSV.
    #[arg(long, value_name = "FILE")]
    pub unmatched: Option<std::path::PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    let loaded = load(&a.common, false, a.unmatched.is_some())?;
    let period = require_period(&loaded.settings)?;
    if loaded.has_errors() {
        return Err(Error::Input(loaded.diagnostics));
    }
    print_warnings(&loaded.diagnostics);
    let revenue = loaded.revenue.sorted();
    let result = compute(&Input {
        period,
        agreements: &loaded.agreements,
        revenue: &revenue,
        files: &loaded.revenue.files,
        fx: &loaded.fx,
    })?;
    let text = match a.out.format() {
        Format::Json => json::render(&result, &loaded.agreements),
        Format::Csv => csv_out::render(&result, &loaded.agreements),
        Format::Table => table::render(&result, &loaded.agreements),
    };
    if let Some(path) = &a.unmatched {
        royalty::fsutil::write_atomic(
            path,
            royalty::report::unmatched::render(&loaded.outcomes).as_bytes(),
        )?;
    }
    a.out.emit(&text)?;
    Ok(0)
}
