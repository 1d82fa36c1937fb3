//! `royalty reconcile`: control totals, conservation, ledger roll-forward,
//! the distributor's totals and dispute deadlines (docs/commands.md). Wiring only: the
//! figures are compared in `royalty::report::reconcile`.
//!
//! Exit codes: 0 when everything agrees; 1 when a distributor's total
//! differs (`--expect`): the statements given do not match what was
//! reported, an input problem; 70 if conservation or the roll-forward
//! fails (a bug), and then nothing is printed.

use super::common::{prepare_with, print_warnings, Common, LoadOptions, OutputArgs};
use royalty::diag::{Error, Result};
use royalty::report::{reconcile, Format};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(mut_arg("format", |a| a.help("table or json (default: table on a terminal, json otherwise); its sections have no one CSV form")))]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Totals the distributor reported: CSV `file,currency,amount[,lines]`.
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,
    /// Date the dispute deadlines are judged on (default: none, all open).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<jiff::civil::Date>,
}

pub fn exec(a: Args) -> Result<u8> {
    let format = a.out.format();
    if format == Format::Csv {
        return Err(Error::Usage("reconcile writes table or json".into()));
    }
    let expect: Vec<&std::path::Path> = a.expect.iter().map(|p| p.as_path()).collect();
    a.out.check(&a.common, &expect)?;
    let expected = match &a.expect {
        None => Vec::new(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
            let (e, mut d) = reconcile::parse_expected(&text, p);
            royalty::diag::Input::Expect.classify(&mut d);
            if super::common::global().strict {
                royalty::diag::promote_warnings(&mut d);
            }
            royalty::diag::fail_on_errors(&d)?;
            e
        }
    };
    let prepared = prepare_with(
        &a.common,
        LoadOptions {
            per_file: true,
            ..LoadOptions::default()
        },
    )?;
    print_warnings(&prepared.loaded.diagnostics);
    let result = prepared.compute()?;
    let mut r = reconcile::reconcile(
        &result,
        &prepared.loaded.agreements,
        &reconcile::Inputs {
            opening: &prepared.opening,
            expected: &expected,
            as_of: a.as_of,
            per_file: &prepared.loaded.per_file,
        },
    );
    // Debug builds only: `ROYALTY_FAULT=reconcile` fails the roll-forward,
    // so a test can see what a failed check prints (nothing).
    if royalty::fsutil::fault("reconcile") {
        r.ledger = "FAILED";
        if let Some(x) = r.roll_forward.first_mut() {
            x.ok = false;
        }
    }
    // A failed check is a bug: nothing is printed, the error names what
    // failed (docs/arithmetic.md, "Invariants").
    let failed = reconcile::failures(&r);
    if !failed.is_empty() {
        return Err(Error::Invariant(format!(
            "reconciliation failed: {}",
            failed.join("; ")
        )));
    }
    let text = match format {
        Format::Json => reconcile::json(&r, &prepared.loaded.problems()),
        _ => reconcile::text(&r),
    };
    a.out.emit(&text)?;
    if r.differences > 0 {
        say!(
            "royalty: {} difference{} against the distributor's totals",
            r.differences,
            if r.differences == 1 { "" } else { "s" }
        );
        return Ok(1);
    }
    Ok(0)
}
