//! `royalty close`: compute exactly what `run` shows, then record the period
//! in the ledger, under an exclusive lock, whole or not at all (docs/commands.md).
//! A period already closed, or earlier than the last closed, is refused
//! (exit 3). The payment file is written before the ledger file, so a
//! closed period always has its payment file.

use super::common::{ledger_dir, prepare, print_warnings, Common, OutputArgs};
use royalty::diag::Result;
use royalty::ledger::{store, Consumed, PeriodRecord, FORMAT};
use royalty::report;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Where to write the payment file (default: <ledger>/<period>.payments.csv).
    #[arg(long, value_name = "FILE")]
    pub payments: Option<PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    let settings = a.common.settings()?;
    let dir = ledger_dir(&settings);
    // Lock first, then read: two closes at once cannot both see the old ledger.
    let _lock = store::lock(&dir)?;
    let prepared = prepare(&a.common, false)?;
    print_warnings(&prepared.loaded.diagnostics);
    if let Some(e) = prepared.ledger.closed(prepared.period) {
        return Err(royalty::diag::Error::Ledger(format!(
            "{} is already closed ({})",
            prepared.period,
            e.path.display()
        )));
    }
    let result = prepared.compute()?;
    let agreements = &prepared.loaded.agreements;
    let record = PeriodRecord {
        format: FORMAT.to_string(),
        period: prepared.period.to_string(),
        as_of: None,
        previous: None,
        statements: result
            .files
            .iter()
            .map(|f| Consumed {
                file: f.path.display().to_string(),
                sha256: f.sha256.clone(),
                lines: f.lines,
            })
            .collect(),
        payouts: report::rows::payout_rows(&result, agreements)
            .into_iter()
            .map(|r| r.record)
            .collect(),
        state: result.closing.clone(),
    };
    let payments = a
        .payments
        .clone()
        .unwrap_or_else(|| dir.join(format!("{}.payments.csv", prepared.period)));
    royalty::fsutil::write_atomic(
        &payments,
        report::payments::render(&result, agreements).as_bytes(),
    )?;
    let path = store::append(&prepared.ledger, record)?;
    eprintln!(
        "closed {} in {} (payments: {})",
        prepared.period,
        path.display(),
        payments.display()
    );
    a.out
        .emit(&super::run::render(a.out.format(), &result, agreements))?;
    Ok(0)
}
