//! `royalty explain`: the trace of one party's payout or one track's revenue
//! (docs/commands.md). Wiring only: the trace is built and rendered in
//! `royalty::report::explain`. Text by default, even into a pipe (a trace is
//! read by people); `--format json` gives the same as structured data.

use super::common::{prepare, print_warnings, Common, OutputArgs};
use royalty::codes::Isrc;
use royalty::diag::{Error, Result};
use royalty::report::{explain, Format};

#[derive(clap::Args, Debug)]
#[command(mut_arg("format", |a| a.help("text (table) or json; the trace has no CSV form")))]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
    /// The party: AGREEMENT/PARTY, or PARTY when only one agreement has it.
    #[arg(
        long,
        value_name = "AGREEMENT/PARTY",
        conflicts_with = "track",
        required_unless_present = "track"
    )]
    pub party: Option<String>,
    /// A track: where its lines went and who earned what on them.
    #[arg(long, value_name = "ISRC")]
    pub track: Option<String>,
}

pub fn exec(a: Args) -> Result<u8> {
    let format = a.out.format.unwrap_or(Format::Table);
    if format == Format::Csv {
        return Err(Error::Usage(
            "explain writes text (--format table) or json".into(),
        ));
    }
    a.out.check(&a.common, &[])?;
    let prepared = prepare(&a.common, false)?;
    print_warnings(&prepared.loaded.diagnostics);
    let result = prepared.compute()?;
    let agreements = &prepared.loaded.agreements;
    let text = if let Some(spec) = &a.party {
        let (ai, pi) = explain::resolve_party(agreements, spec)?;
        let t = explain::party_trace(&result, agreements, ai, pi)
            .ok_or_else(|| Error::Invariant(format!("no result for {spec}")))?;
        match format {
            Format::Json => explain::party_json(&t, &prepared.loaded.problems()),
            _ => explain::party_text(&t),
        }
    } else {
        let raw = a.track.as_deref().unwrap_or_default();
        let isrc = Isrc::parse(raw).ok_or_else(|| {
            Error::Usage(format!(
                "`{raw}` is not an ISRC (2 letters, 3 letters or digits, 2 digits, 5 digits)"
            ))
        })?;
        let revenue = prepared.loaded.revenue.sorted();
        let lines = royalty::engine::attribution::tracks(
            agreements,
            &revenue,
            &result,
            royalty::engine::attribution::Scope::Track(isrc),
        )?;
        let t = explain::track_trace(&result, agreements, &lines, isrc);
        match format {
            Format::Json => explain::track_json(&t, &prepared.loaded.problems()),
            _ => explain::track_text(&t),
        }
    };
    a.out.emit(&text)?;
    Ok(0)
}
