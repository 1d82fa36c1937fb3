//! `royalty credits`: the attribution sheet (docs/commands.md). Wiring
//! only: rows and writers are in `royalty::report::credits`. Without a
//! period it needs the agreements only; with one (flag or project) the
//! period is computed as `run` computes it, so the terms shown are those in
//! force at its end, milestones included.

use super::common::{load_agreements, prepare, Common, OutputArgs};
use royalty::diag::Result;
use royalty::report::{credits, Format};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn exec(a: Args) -> Result<u8> {
    a.out.check(&a.common, &[])?;
    let (settings, agreements) = load_agreements(&a.common)?;
    let (rows, problems) = match settings.period {
        None => (credits::rows(&agreements, None, None), Vec::new()),
        Some(period) => {
            let prepared = prepare(&a.common, false)?;
            let result = prepared.compute()?;
            let rows = credits::rows(
                &prepared.loaded.agreements,
                Some(period.last_day()),
                Some(&result),
            );
            (rows, prepared.loaded.problems())
        }
    };
    let text = match a.out.format() {
        Format::Csv => credits::csv(&rows),
        Format::Json => credits::json(settings.period, &rows, &problems),
        Format::Table => credits::table(&rows),
    };
    a.out.emit(&text)?;
    Ok(0)
}
