//! `royalty whatif`: payouts for hypothetical revenue beside the baseline
//! (docs/commands.md). The baseline is the period as `run` computes it; the scenario
//! adds the flags' lines (`royalty::report::whatif::hypothetical`) and/or a
//! scenario statement file to it. Nothing is written: not the ledger, not a
//! payment file.

use super::common::{prepare, print_warnings, Common, OutputArgs};
use royalty::diag::{Error, Result};
use royalty::limits;
use royalty::money::parse_decimal;
use royalty::report::{whatif, Format};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// "10M", "2.5K", "1B", "250000": a whole number of units, below 10^15 as
/// a statement line's (docs/limits.md).
fn parse_units(s: &str) -> std::result::Result<i64, String> {
    let t = s.trim().replace('_', "");
    let (num, mul) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000i64),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        Some('b' | 'B') => (&t[..t.len() - 1], 1_000_000_000),
        _ => (&t[..], 1),
    };
    let d = parse_decimal(num).ok_or_else(|| format!("`{s}` is not a number of units like 10M"))?;
    let u = d
        .checked_mul(Decimal::from(mul))
        .filter(|u| limits::UNITS.contains(*u))
        .ok_or_else(|| format!("`{s}`: expected {}", limits::UNITS.expect))?;
    i64::try_from(u).map_err(|_| format!("`{s}` is too large"))
}

/// An amount (`--sync`): in cents, below 10^15.
fn parse_amount(s: &str) -> std::result::Result<Decimal, String> {
    let d =
        parse_decimal(s).ok_or_else(|| format!("`{s}` is not an amount like 25000 or 12.50"))?;
    limits::MONEY.check(d).map_err(|e| format!("`{s}`: {e}"))
}

/// Net receipts per unit (`--stream-rate`...): as an agreement's per-unit rate.
fn parse_per_unit(s: &str) -> std::result::Result<Decimal, String> {
    let d = parse_decimal(s).ok_or_else(|| format!("`{s}` is not an amount like 0.004"))?;
    limits::PER_UNIT.check(d).map_err(|e| format!("`{s}`: {e}"))
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Only this agreement (default: every agreement gets the flags' revenue).
    #[arg(long, value_name = "ID")]
    pub agreement: Option<String>,
    /// Extra streams (10M, 250K, 1500000).
    #[arg(long, value_name = "N", value_parser = parse_units)]
    pub streams: Option<i64>,
    /// Net receipts per stream, agreement currency.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_per_unit, default_value = "0.004")]
    pub stream_rate: Decimal,
    /// Extra downloads.
    #[arg(long, value_name = "N", value_parser = parse_units)]
    pub downloads: Option<i64>,
    /// Net receipts per download.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_per_unit, default_value = "0.70")]
    pub download_rate: Decimal,
    /// Extra physical copies.
    #[arg(long, value_name = "N", value_parser = parse_units)]
    pub physical: Option<i64>,
    /// Net receipts per physical copy.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_per_unit, default_value = "10.00")]
    pub physical_rate: Decimal,
    /// A sync fee, agreement currency.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub sync: Option<Decimal>,
    /// A scenario statement (canonical CSV or any known format) added to the baseline.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Draft agreement files: each replaces the agreement with its id in the
    /// scenario (new terms previewed on the same revenue, before signing).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub draft: Vec<PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    let format = a.out.format();
    if format == Format::Csv {
        return Err(Error::Usage("whatif writes table or json".into()));
    }
    let assumptions = whatif::Assumptions {
        streams: a.streams,
        stream_rate: a.stream_rate,
        downloads: a.downloads,
        download_rate: a.download_rate,
        physical: a.physical,
        physical_rate: a.physical_rate,
        sync: a.sync,
    };
    if assumptions.lines().is_empty() && a.scenario.is_none() && a.draft.is_empty() {
        return Err(Error::Usage(
            "nothing to imagine: give --streams, --downloads, --physical, --sync, --scenario FILE or --draft FILE"
                .into(),
        ));
    }
    a.out.check()?;
    let prepared = prepare(&a.common, false)?;
    print_warnings(&prepared.loaded.diagnostics);
    let agreements = &prepared.loaded.agreements;
    let chosen: Vec<usize> = match &a.agreement {
        None => (0..agreements.len()).collect(),
        Some(id) => vec![agreements.iter().position(|x| &x.id == id).ok_or_else(|| {
            let ids: Vec<&str> = agreements.iter().map(|x| x.id.as_str()).collect();
            Error::Usage(format!(
                "no agreement `{id}`; the agreements are: {}",
                ids.join(", ")
            ))
        })?],
    };
    let baseline = prepared.compute()?;

    let mut revenue = prepared.loaded.revenue.clone();
    let mut described = Vec::new();
    if !assumptions.lines().is_empty() {
        revenue.merge(whatif::hypothetical(
            agreements,
            &chosen,
            prepared.period,
            &assumptions,
        ));
    }
    for (s, units, amount) in assumptions.lines() {
        described.push(format!(
            "{} +{units} units = +{}",
            s.name(),
            amount.normalize()
        ));
    }
    if let Some(path) = &a.scenario {
        let opts = a.common.import_options(&prepared.loaded.settings);
        let (extra, outcomes) =
            royalty::load::statements(std::slice::from_ref(path), &opts, false)?;
        let diags: Vec<_> = outcomes
            .iter()
            .flat_map(|o| o.diagnostics.clone())
            .collect();
        royalty::diag::fail_on_errors(&diags)?;
        revenue.merge(extra);
        described.push(format!("+ the lines of {}", path.display()));
    }
    let mut drafted = agreements.clone();
    if !a.draft.is_empty() {
        let (drafts, d) = royalty::load::agreements(&a.draft)?;
        royalty::diag::fail_on_errors(&d)?;
        for draft in drafts {
            let Some(i) = drafted.iter().position(|x| x.id == draft.id) else {
                let ids: Vec<&str> = agreements.iter().map(|x| x.id.as_str()).collect();
                return Err(Error::Usage(format!(
                    "draft `{}` ({}) replaces no agreement; a draft keeps the id of the agreement it revises: {}",
                    draft.id,
                    draft.file.display(),
                    ids.join(", ")
                )));
            };
            described.push(format!(
                "draft terms of {} ({})",
                draft.id,
                draft.file.display()
            ));
            drafted[i] = draft;
        }
    }
    let scenario = prepared.compute_with(&drafted, &revenue)?;
    let c = whatif::compare(
        &baseline,
        &scenario,
        agreements,
        &drafted,
        a.agreement.as_deref(),
    );
    let text = match format {
        Format::Json => whatif::json(&c),
        _ => whatif::table(
            &c,
            &format!(
                "{} (amounts in each agreement's currency)",
                described.join(", ")
            ),
        ),
    };
    a.out.emit(&text)?;
    Ok(0)
}
