//! `royalty whatif`: payouts for hypothetical revenue or draft terms beside
//! the baseline, or swept over a range (docs/commands.md). The baseline is
//! the period as `run` computes it; the scenario adds the flags' lines
//! (`royalty::report::whatif::hypothetical`) and/or a scenario statement
//! file, on the agreements with any drafts (a draft with a new id is a deal
//! not signed yet). A sweep reads the statements once, sorts them once and
//! prices each point with the engine. Nothing is written: not the ledger,
//! not a payment file.

use super::common::{prepare, print_warnings, Common, OutputArgs, Prepared};
use royalty::agreement::Agreement;
use royalty::diag::{Error, Result};
use royalty::limits;
use royalty::money::parse_decimal;
use royalty::report::{sweep, whatif};
use royalty::statement::{Key, ReleaseKey, Revenue, Sums};
use rust_decimal::Decimal;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::str::FromStr;

/// "10M", "2.5K", "1B", "250000": a whole number of units.
fn parse_units(s: &str) -> std::result::Result<Decimal, String> {
    let t = s.trim().replace('_', "");
    let (num, mul) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000i64),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        Some('b' | 'B') => (&t[..t.len() - 1], 1_000_000_000),
        _ => (&t[..], 1),
    };
    let d = parse_decimal(num).ok_or_else(|| format!("`{s}` is not a number of units like 10M"))?;
    // Below 10^15 as a statement line's (docs/limits.md).
    let u = d
        .checked_mul(Decimal::from(mul))
        .filter(|u| limits::UNITS.contains(*u))
        .ok_or_else(|| format!("`{s}`: expected {}", limits::UNITS.expect))?;
    i64::try_from(u).map_err(|_| format!("`{s}` is too large"))?;
    Ok(u)
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

/// At most this many points in a sweep: each is one computation.
const MAX_POINTS: usize = 100_000;

/// One value, or a sweep `FROM..TO/STEP` (`0..20M/1M`: 0, 1M, ... 20M).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    One(Decimal),
    Sweep {
        from: Decimal,
        to: Decimal,
        step: Decimal,
    },
}

impl Value {
    fn parse(
        s: &str,
        one: fn(&str) -> std::result::Result<Decimal, String>,
    ) -> std::result::Result<Value, String> {
        let Some((from, rest)) = s.split_once("..") else {
            return one(s).map(Value::One);
        };
        let (to, step) = rest
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: a sweep is FROM..TO/STEP, e.g. 0..20M/1M"))?;
        let (from, to, step) = (one(from)?, one(to)?, one(step)?);
        if step <= Decimal::ZERO || to < from {
            return Err(format!(
                "`{s}`: a sweep needs FROM <= TO and a positive STEP"
            ));
        }
        let n = ((to - from) / step).floor() + Decimal::ONE;
        if n > Decimal::from(MAX_POINTS) {
            return Err(format!("`{s}`: at most {MAX_POINTS} points"));
        }
        Ok(Value::Sweep { from, to, step })
    }

    fn points(&self) -> Vec<Decimal> {
        match self {
            Value::One(v) => vec![*v],
            Value::Sweep { from, to, step } => {
                let mut v = Vec::new();
                let mut x = *from;
                while x <= *to {
                    v.push(x);
                    x += *step;
                }
                v
            }
        }
    }
}

fn units(s: &str) -> std::result::Result<Value, String> {
    Value::parse(s, parse_units)
}

fn amount(s: &str) -> std::result::Result<Value, String> {
    Value::parse(s, parse_amount)
}

/// `--format`: the run's three, and for a sweep a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhatifFormat {
    Table,
    Csv,
    Json,
    Svg,
}

impl FromStr for WhatifFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "table" => Ok(WhatifFormat::Table),
            "csv" => Ok(WhatifFormat::Csv),
            "json" => Ok(WhatifFormat::Json),
            "svg" => Ok(WhatifFormat::Svg),
            _ => Err(format!(
                "unknown format `{s}`; expected table, csv, json or svg (a sweep)"
            )),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// table, csv or json (default: table on a terminal, json otherwise); svg: a sweep's chart.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<WhatifFormat>,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only this agreement (default: every agreement gets the flags' revenue).
    #[arg(long, value_name = "ID")]
    pub agreement: Option<String>,
    /// Extra streams (10M, 250K, 1500000), or a sweep FROM..TO/STEP (0..20M/1M).
    #[arg(long, value_name = "N", value_parser = units)]
    pub streams: Option<Value>,
    /// Net receipts per stream, agreement currency.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_per_unit, default_value = "0.004")]
    pub stream_rate: Decimal,
    /// Extra downloads, or a sweep FROM..TO/STEP.
    #[arg(long, value_name = "N", value_parser = units)]
    pub downloads: Option<Value>,
    /// Net receipts per download.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_per_unit, default_value = "0.70")]
    pub download_rate: Decimal,
    /// Extra physical copies, or a sweep FROM..TO/STEP.
    #[arg(long, value_name = "N", value_parser = units)]
    pub physical: Option<Value>,
    /// Net receipts per physical copy.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_per_unit, default_value = "10.00")]
    pub physical_rate: Decimal,
    /// A sync fee, agreement currency, or a sweep FROM..TO/STEP.
    #[arg(long, value_name = "AMOUNT", value_parser = amount)]
    pub sync: Option<Value>,
    /// A scenario statement (canonical CSV or any known format) added to the baseline.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Draft agreement files: a draft with an agreement's id replaces it in
    /// the scenario; a draft with a new id is a deal not signed yet, shown
    /// beside nothing.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub draft: Vec<PathBuf>,
}

/// Which flag is swept (at most one).
fn swept(a: &Args) -> Result<Option<&'static str>> {
    let sweeps: Vec<&'static str> = [
        ("streams", &a.streams),
        ("downloads", &a.downloads),
        ("physical", &a.physical),
        ("sync", &a.sync),
    ]
    .into_iter()
    .filter(|(_, v)| matches!(v, Some(Value::Sweep { .. })))
    .map(|(n, _)| n)
    .collect();
    match sweeps.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(Error::Usage(format!(
            "sweep one flag at a time, not {}",
            sweeps.join(" and ")
        ))),
    }
}

/// The assumptions at one point of the sweep (the swept flag at `v`).
fn assumptions(a: &Args, sweeping: Option<&str>, v: Decimal) -> whatif::Assumptions {
    let at = |name: &str, x: &Option<Value>| -> Option<Decimal> {
        match x {
            Some(Value::One(d)) => Some(*d),
            Some(Value::Sweep { .. }) if sweeping == Some(name) => Some(v),
            _ => None,
        }
    };
    let whole = |d: Option<Decimal>| d.and_then(|d| i64::try_from(d).ok());
    whatif::Assumptions {
        streams: whole(at("streams", &a.streams)),
        stream_rate: a.stream_rate,
        downloads: whole(at("downloads", &a.downloads)),
        download_rate: a.download_rate,
        physical: whole(at("physical", &a.physical)),
        physical_rate: a.physical_rate,
        sync: at("sync", &a.sync),
    }
}

/// The source a sweep flag moves (`--streams` moves streaming).
fn swept_source(flag: &str) -> &str {
    match flag {
        "streams" => "streaming",
        "downloads" => "download",
        other => other,
    }
}

/// A sweep's chart has one money axis: agreements in several currencies
/// cannot share it, so the chart asks for one agreement (or a draft set
/// in one currency) instead of plotting EUR beside USD.
fn one_currency(agreements: &[Agreement], chosen: &[usize]) -> Result<()> {
    let mut currencies: Vec<String> = chosen
        .iter()
        .map(|&i| agreements[i].currency.to_string())
        .collect();
    currencies.sort();
    currencies.dedup();
    if currencies.len() > 1 {
        return Err(Error::Usage(format!(
            "--format svg draws one money axis, and these agreements account in {}: \
             choose one with --agreement ID (or use --format csv or json)",
            currencies.join(", ")
        )));
    }
    Ok(())
}

/// The agreements of the scenario: drafts replace the agreement with their
/// id, or join as new deals; a new deal may not cover a track another
/// agreement covers over the same dates (`check`'s rule).
fn drafted(
    a: &Args,
    agreements: &[Agreement],
    described: &mut Vec<String>,
) -> Result<Vec<Agreement>> {
    let mut out = agreements.to_vec();
    if a.draft.is_empty() {
        return Ok(out);
    }
    let (drafts, d) = royalty::load::agreements(&a.draft)?;
    royalty::diag::fail_on_errors(&d)?;
    for draft in drafts {
        match out.iter().position(|x| x.id == draft.id) {
            Some(i) if i < agreements.len() => {
                described.push(format!(
                    "draft terms of {} ({})",
                    draft.id,
                    draft.file.display()
                ));
                out[i] = draft;
            }
            Some(_) => {
                return Err(Error::Usage(format!(
                    "two drafts have the id `{}`",
                    draft.id
                )));
            }
            None => {
                for other in &out {
                    if let Some(t) = draft
                        .tracks
                        .iter()
                        .find(|t| other.tracks.iter().any(|o| o.isrc == t.isrc))
                    {
                        if royalty::agreement::covers_same_dates(&draft, other) {
                            return Err(Error::Usage(format!(
                                "draft `{}` covers {} which `{}` covers over the same dates: give the draft the id `{}` to revise it, or dates that do not overlap",
                                draft.id, t.isrc, other.id, other.id
                            )));
                        }
                    }
                }
                described.push(format!(
                    "new deal {} ({}, not signed)",
                    draft.id,
                    draft.file.display()
                ));
                out.push(draft);
            }
        }
    }
    Ok(out)
}

/// Adds a few sums into sums already in key order.
fn merged(base: &[(Key, Sums)], extra: &Revenue) -> Vec<(Key, Sums)> {
    let mut v = base.to_vec();
    for (k, s) in extra.sorted().iter().copied() {
        match v.binary_search_by(|(x, _)| x.cmp(&k)) {
            Ok(i) => v[i].1.merge(&s),
            Err(i) => v.insert(i, (k, s)),
        }
    }
    v
}

pub fn exec(a: Args) -> Result<u8> {
    let sweeping = swept(&a)?;
    let format = a.format.unwrap_or(
        if super::common::file_or_stdout(a.output.as_deref()).is_none()
            && std::io::stdout().is_terminal()
        {
            WhatifFormat::Table
        } else {
            WhatifFormat::Json
        },
    );
    if format == WhatifFormat::Svg && sweeping.is_none() {
        return Err(Error::Usage(
            "--format svg draws a sweep: give a range such as --streams 0..20M/1M".into(),
        ));
    }
    let some =
        a.streams.is_some() || a.downloads.is_some() || a.physical.is_some() || a.sync.is_some();
    if !some && a.scenario.is_none() && a.draft.is_empty() {
        return Err(Error::Usage(
            "nothing to imagine: give --streams, --downloads, --physical, --sync, --scenario FILE or --draft FILE"
                .into(),
        ));
    }
    let out = OutputArgs {
        format: None,
        output: a.output.clone(),
    };
    let own: Vec<&std::path::Path> = a
        .scenario
        .iter()
        .chain(&a.draft)
        .map(|p| p.as_path())
        .collect();
    out.check(&a.common, &own)?;
    let prepared = prepare(&a.common, false)?;
    print_warnings(&prepared.loaded.diagnostics);
    let agreements = &prepared.loaded.agreements;
    let baseline = prepared.compute()?;

    let mut described = Vec::new();
    let drafted = drafted(&a, agreements, &mut described)?;
    let chosen: Vec<usize> = match &a.agreement {
        None => (0..drafted.len()).collect(),
        Some(id) => vec![drafted.iter().position(|x| &x.id == id).ok_or_else(|| {
            let ids: Vec<&str> = drafted.iter().map(|x| x.id.as_str()).collect();
            Error::Usage(format!(
                "no agreement `{id}`; the agreements are: {}",
                ids.join(", ")
            ))
        })?],
    };
    if format == WhatifFormat::Svg {
        one_currency(&drafted, &chosen)?;
    }
    let mut revenue = prepared.loaded.revenue.clone();
    if let Some(path) = &a.scenario {
        let opts = a.common.import_options(&prepared.loaded.settings);
        let (extra, outcomes, folders) =
            royalty::load::statements(std::slice::from_ref(path), &opts, false)?;
        let mut diags: Vec<_> = outcomes
            .iter()
            .flat_map(|o| o.diagnostics.clone())
            .chain(folders)
            .collect();
        if super::common::global().strict {
            royalty::diag::promote_warnings(&mut diags);
        }
        royalty::diag::fail_on_errors(&diags)?;
        super::common::print_warnings(&diags);
        revenue.merge(extra);
        described.push(format!("+ the lines of {}", path.display()));
    }
    // Read and sorted once; each point adds its few lines.
    let sorted = revenue.sorted();
    let releases = revenue.sorted_releases();
    let point = |v: Decimal| -> Result<royalty::engine::PeriodResult> {
        price(
            &prepared,
            &drafted,
            &chosen,
            (&sorted, &releases),
            &revenue.files,
            &assumptions(&a, sweeping, v),
        )
    };
    let flags: Vec<String> = assumptions(&a, sweeping, Decimal::ZERO)
        .lines()
        .into_iter()
        .filter(|(s, _, _)| sweeping.map(swept_source) != Some(s.name()))
        .map(|(s, units, amount)| format!("{} +{units} units = +{}", s.name(), amount.normalize()))
        .collect();
    described.splice(0..0, flags);
    let only = a.agreement.as_deref();
    let text = match sweeping {
        Some(name) => {
            let value = match name {
                "streams" => &a.streams,
                "downloads" => &a.downloads,
                "physical" => &a.physical,
                _ => &a.sync,
            };
            // Only the agreements shown and those their advances are
            // cross-collateralized with (either way) are priced at each
            // point: no other agreement's figures can change theirs.
            let scope = scope(&drafted, &chosen, only.is_some());
            let agreements: Vec<Agreement> = scope.iter().map(|&i| drafted[i].clone()).collect();
            let isrcs: std::collections::HashSet<_> = agreements
                .iter()
                .flat_map(|x| x.tracks.iter().map(|t| t.isrc))
                .collect();
            let sorted: Vec<(Key, Sums)> = if scope.len() == drafted.len() {
                sorted.to_vec()
            } else {
                sorted
                    .iter()
                    .filter(|(k, _)| isrcs.contains(&k.isrc))
                    .copied()
                    .collect()
            };
            // The statements' totals were checked on the baseline; the
            // scoped points check each agreement's own conservation.
            let files = if scope.len() == drafted.len() {
                revenue.files.clone()
            } else {
                Vec::new()
            };
            let chosen_here: Vec<usize> = (0..agreements.len())
                .filter(|&i| chosen.iter().any(|&c| drafted[c].id == agreements[i].id))
                .collect();
            let values = value.as_ref().map(Value::points).unwrap_or_default();
            let one = |v: Decimal| -> Result<sweep::Point> {
                let r = price(
                    &prepared,
                    &agreements,
                    &chosen_here,
                    (&sorted, &releases),
                    &files,
                    &assumptions(&a, sweeping, v),
                )?;
                Ok(sweep::Point::of(v, &r, &agreements, only))
            };
            let points = in_parallel(&values, &one)?;
            let s = sweep::Sweep::new(prepared.period, name, points);
            let range = match value {
                Some(Value::Sweep { from, to, step }) => format!(
                    " from {} to {} by {}",
                    from.normalize(),
                    to.normalize(),
                    step.normalize()
                ),
                _ => String::new(),
            };
            let describe = if described.is_empty() {
                format!("{name} swept{range}")
            } else {
                format!("{name} swept{range}, {}", described.join(", "))
            };
            match format {
                WhatifFormat::Json => sweep::json(&s, &prepared.loaded.problems()),
                WhatifFormat::Csv => sweep::csv(&s),
                WhatifFormat::Svg => {
                    sweep::svg(&s, &format!("What if, {}: {describe}", prepared.period))
                }
                WhatifFormat::Table => sweep::table(&s, &describe),
            }
        }
        None => {
            let scenario = point(Decimal::ZERO)?;
            let c = whatif::compare(&baseline, &scenario, agreements, &drafted, only);
            match format {
                WhatifFormat::Json => whatif::json(&c, &prepared.loaded.problems()),
                WhatifFormat::Csv => whatif::csv(&c),
                _ => whatif::table(
                    &c,
                    &format!(
                        "{} (amounts in each agreement's currency)",
                        described.join(", ")
                    ),
                    OutputArgs {
                        format: None,
                        output: a.output.clone(),
                    }
                    .table_width(),
                ),
            }
        }
    };
    OutputArgs {
        format: None,
        output: a.output.clone(),
    }
    .emit(&text)?;
    Ok(0)
}

/// The agreements to price for `chosen`: with `--agreement`, it and the
/// agreements linked to it by cross-collateralization, either way and
/// transitively; otherwise all.
fn scope(agreements: &[Agreement], chosen: &[usize], only: bool) -> Vec<usize> {
    if !only {
        return (0..agreements.len()).collect();
    }
    let linked = |x: &Agreement, y: &Agreement| {
        x.advances
            .iter()
            .any(|a| a.cross_collateralize.contains(&y.id))
            || y.advances
                .iter()
                .any(|a| a.cross_collateralize.contains(&x.id))
    };
    let mut keep: Vec<usize> = chosen.to_vec();
    let mut k = 0;
    while k < keep.len() {
        let here = keep[k];
        for (i, other) in agreements.iter().enumerate() {
            if !keep.contains(&i) && linked(&agreements[here], other) {
                keep.push(i);
            }
        }
        k += 1;
    }
    keep.sort_unstable();
    keep
}

/// Prices the points on every core, in order: each is independent, and
/// the result is the same whatever the number of threads.
fn in_parallel<T: Send>(
    values: &[Decimal],
    one: &(dyn Fn(Decimal) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(values.len().max(1));
    let chunk = values.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<T>>> = std::thread::scope(|s| {
        let handles: Vec<_> = values
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|v| one(*v)).collect::<Result<Vec<T>>>()))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Invariant("a sweep thread panicked".into())))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(values.len());
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// The statements' sums in key order: per track, and per release (UPC).
type Statements<'a> = (&'a [(Key, Sums)], &'a [(ReleaseKey, Sums)]);

/// The scenario at one point: the hypothetical lines merged into the
/// sorted statements, priced by the engine on the drafted agreements.
fn price(
    prepared: &Prepared,
    drafted: &[Agreement],
    chosen: &[usize],
    (sorted, releases): Statements,
    files: &[royalty::statement::FileSummary],
    assumptions: &whatif::Assumptions,
) -> Result<royalty::engine::PeriodResult> {
    if assumptions.lines().is_empty() {
        return prepared.compute_sorted(drafted, sorted, releases, files);
    }
    let extra = whatif::hypothetical(drafted, chosen, prepared.period, assumptions);
    // No files: a scoped sweep, whose statements' totals are not checked.
    let mut all_files = files.to_vec();
    if !files.is_empty() {
        all_files.extend(extra.files.iter().cloned());
    }
    prepared.compute_sorted(drafted, &merged(sorted, &extra), releases, &all_files)
}
