//! `royalty close`: compute exactly what `run` shows, then record the period
//! in the ledger, under an exclusive lock, whole or not at all (docs/commands.md).
//!
//! Order (docs/ledger.md): every output path is checked and every refusal
//! (already closed, out of order, no statements) made before anything is
//! written; then the payment file and `--output` are written together;
//! the ledger is committed last (period file, then head), so a closed
//! period always has its payment file, and a refused close writes nothing.
//! Standard output comes after the commit.

use super::common::{
    check_outputs, check_outputs_of, ledger_dir, prepare, print_warnings, same_target, Common,
    OutputArgs,
};
use royalty::diag::{Error, Result};
use royalty::fsutil::{crash_point, Batch};
use royalty::ledger::{store, Consumed, PeriodRecord, FORMAT};
use royalty::report;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Where to write the payment file (default: <ledger>/<period>.payments.csv).
    #[arg(long, value_name = "FILE")]
    pub payments: Option<PathBuf>,
    /// Close the period even when no statement file is given (a period with
    /// no revenue); without it, an empty statements folder is refused.
    #[arg(long)]
    pub allow_empty: bool,
}

pub fn exec(a: Args) -> Result<u8> {
    let settings = a.common.settings()?;
    let dir = ledger_dir(&settings);
    check_outputs_of(&a.common, &[a.out.file(), a.payments.as_deref()], &[])?;
    // Lock first, then read: two closes at once cannot both see the old ledger.
    let _lock = super::common::lock_ledger(&dir)?;
    for f in store::clean_leftovers(&dir)? {
        note!(
            "{}: removed a temporary file left by an interrupted write",
            f.display()
        );
    }
    let prepared = prepare(&a.common, false)?;
    print_warnings(&prepared.loaded.diagnostics);
    let period = prepared.period.to_string();
    store::check_next(&prepared.ledger, &period)?;
    if prepared.loaded.outcomes.is_empty() && !a.allow_empty {
        return Err(Error::Usage(format!(
            "no statement file for {period}: closing it would record a period with no revenue; \
             give --statements, or pass --allow-empty if that is really meant"
        )));
    }
    let payments = a
        .payments
        .clone()
        .unwrap_or_else(|| dir.join(format!("{period}.payments.csv")));
    check_outputs(&[Some(&payments), a.out.file()])?;
    refuse_ledger_names(&dir, &period, &[Some(&payments), a.out.file()])?;
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
                totals: Consumed::totals_of(&f.totals),
            })
            .collect(),
        payments: Some(
            super::common::shown(&royalty::paths::absolute(&payments))
                .display()
                .to_string(),
        ),
        payouts: report::rows::payout_rows(&result, agreements)
            .into_iter()
            .map(|r| r.record)
            .collect(),
        state: result.closing.clone(),
        disputes: royalty::ledger::disputes::file::anchor(&prepared.register),
    };
    let text = super::run::render(
        a.out.format(),
        &result,
        agreements,
        &prepared.loaded.problems(),
    );
    let mut files = Batch::new();
    files.add(&payments, report::payments::render(&result, agreements))?;
    if let Some(o) = a.out.file() {
        files.add(o, text.as_str())?;
    }
    files.commit()?;
    crash_point("before-ledger");
    let path = store::append(&prepared.ledger, record)?;
    note!(
        "closed {period} in {} (payments: {})",
        path.display(),
        payments.display()
    );
    if a.out.file().is_none() {
        royalty::fsutil::write_stdout(&text)?;
    }
    Ok(0)
}

/// An output must not land on a file of the ledger itself (the period
/// file about to be written, the head, the dispute register, the lock).
fn refuse_ledger_names(dir: &Path, period: &str, outputs: &[Option<&Path>]) -> Result<()> {
    let own = [
        format!("{period}.json"),
        store::HEAD_FILE.to_string(),
        royalty::ledger::disputes::file::FILE.to_string(),
        ".lock".into(),
    ];
    for o in outputs.iter().flatten() {
        let target = royalty::fsutil::resolve(o)?;
        if own.iter().any(|n| same_target(&target, &dir.join(n))) {
            return Err(Error::Usage(format!(
                "{} is a file of the ledger; write the output elsewhere",
                o.display()
            )));
        }
    }
    Ok(())
}
