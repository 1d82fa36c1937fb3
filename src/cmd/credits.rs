//! `royalty credits`: the attribution sheet (SPEC 4). Wiring only: rows and
//! writers are in `royalty::report::credits`. Needs agreements only; a
//! period (flag or project) picks the terms in force at its end.

use super::common::{load_agreements, Common, OutputArgs};
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
    let (settings, agreements) = load_agreements(&a.common)?;
    let rows = credits::rows(&agreements, settings.period.map(|p| p.last_day()));
    let text = match a.out.format() {
        Format::Csv => credits::csv(&rows),
        Format::Json => credits::json(&rows),
        Format::Table => credits::table(&rows),
    };
    a.out.emit(&text)?;
    Ok(0)
}
