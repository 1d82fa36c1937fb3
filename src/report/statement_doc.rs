//! `statements`: one statement per party for the period (SPEC 4), in
//! Markdown or self-contained HTML (inline CSS, no script, no external
//! asset), for the party to read.
//!
//! The figures are the trace of `explain` (`explain::party_trace`), so a
//! statement never disagrees with `run` or `explain`. Earnings per source are
//! the exact sums of the party's lines, shown to the cent; the party's total
//! is the engine's (rounded once, SPEC 3 step 5), so the per-source cents
//! may differ from the total by the rounding, which the statement says.
//! The bar chart's widths are whole percentages computed with `Decimal`:
//! no binary floating point anywhere (docs/arithmetic.md).

use crate::agreement::Agreement;
use crate::codes::Source;
use crate::engine::PeriodResult;
use crate::money::{round_cents, Money};
use crate::report::explain::{party_trace, PartyTrace};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocFormat {
    Markdown,
    Html,
}

impl DocFormat {
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Markdown => "md",
            DocFormat::Html => "html",
        }
    }
}

impl FromStr for DocFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "md" | "markdown" => Ok(DocFormat::Markdown),
            "html" => Ok(DocFormat::Html),
            _ => Err(format!("unknown format `{s}`; expected md or html")),
        }
    }
}

/// One source's part of a party's earnings.
pub struct SourceLine {
    pub source: Source,
    pub base: Decimal,
    pub units: i64,
    pub rates: Vec<String>,
    pub earnings: Decimal,
    /// Bar width, whole percent of the largest source (0 for a negative one).
    pub width: u32,
}

pub fn by_source(r: &PeriodResult, ai: usize, pi: usize) -> Vec<SourceLine> {
    let Some(p) = r
        .agreements
        .iter()
        .find(|a| a.index == ai)
        .and_then(|a| a.parties.iter().find(|p| p.index == pi))
    else {
        return Vec::new();
    };
    let mut m: BTreeMap<Source, SourceLine> = BTreeMap::new();
    for l in &p.lines {
        let e = m.entry(l.source).or_insert(SourceLine {
            source: l.source,
            base: Decimal::ZERO,
            units: 0,
            rates: Vec::new(),
            earnings: Decimal::ZERO,
            width: 0,
        });
        e.base += l.base;
        e.units += l.units;
        e.earnings += l.exact;
        let rate = l.rate.describe();
        if !e.rates.contains(&rate) {
            e.rates.push(rate);
        }
    }
    let max = m
        .values()
        .map(|s| s.earnings)
        .fold(Decimal::ZERO, Decimal::max);
    let mut v: Vec<SourceLine> = m.into_values().collect();
    for s in &mut v {
        if max > Decimal::ZERO && s.earnings > Decimal::ZERO {
            let w = (s.earnings * Decimal::ONE_HUNDRED / max).round();
            s.width = w.to_u32().unwrap_or(0).max(1);
        }
    }
    v
}

/// The steps shown on a statement: the non-zero ones, and always payable
/// and paid.
fn steps(t: &PartyTrace) -> Vec<(&'static str, String)> {
    t.steps
        .iter()
        .filter(|s| !s.amount.is_zero() || matches!(s.step, "earned" | "payable" | "paid"))
        .map(|s| {
            let label = match s.step {
                "earned" => "Earned",
                "carried_in" => "Carried in from earlier periods",
                "reserved" => "Reserved against returns",
                "released" => "Reserve released",
                "unvested" => "Held until vested",
                "gated" => "Held until the recording costs are recouped",
                "forfeited" => "Forfeited",
                "recouped" => "Recouped against advances",
                "carried_out" => "Carried to the next period",
                "payable" => "Payable",
                "withheld" => "Tax withheld",
                _ => "Paid",
            };
            let sign = match s.effect {
                "-" if !s.amount.is_zero() => "−",
                _ => "",
            };
            (label, format!("{sign}{}", s.amount))
        })
        .collect()
}

fn paid_line(t: &PartyTrace) -> String {
    match &t.fx_rate {
        Some(r) => format!(
            "{} {} (converted from {} at {r})",
            t.paid_amount, t.paid_currency, t.currency
        ),
        None => format!("{} {}", t.paid_amount, t.paid_currency),
    }
}

pub fn markdown(r: &PeriodResult, agreements: &[Agreement], ai: usize, pi: usize) -> String {
    let a = &agreements[ai];
    let Some(t) = party_trace(r, agreements, ai, pi) else {
        return String::new();
    };
    let c = t.currency;
    let mut o = String::new();
    let _ = writeln!(o, "# Royalty statement: {} ({})\n", t.name, t.role);
    let _ = writeln!(o, "- Agreement: {} (`{}`)", a.title, a.id);
    let _ = writeln!(o, "- Period: {}", t.period);
    let _ = writeln!(o, "- Amounts in {c}\n");
    let _ = writeln!(o, "## Earnings by source\n");
    let lines = by_source(r, ai, pi);
    if lines.is_empty() {
        let _ = writeln!(o, "No earnings this period.\n");
    } else {
        let _ = writeln!(
            o,
            "| source | net receipts ({c}) | units | rate | earnings ({c}) |"
        );
        let _ = writeln!(o, "| --- | ---: | ---: | ---: | ---: |");
        for s in &lines {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                s.source.name(),
                Money(round_cents(s.base)),
                s.units,
                s.rates.join(", "),
                Money(round_cents(s.earnings))
            );
        }
        let _ = writeln!(o, "| **total** | | | | **{}** |\n", t.earned);
        let _ = writeln!(
            o,
            "The total is the exact sum ({}) rounded once to the cent.\n",
            t.earned_exact
        );
    }
    let _ = writeln!(o, "## From earned to paid\n");
    let _ = writeln!(o, "| | {c} |");
    let _ = writeln!(o, "| --- | ---: |");
    for (label, amount) in steps(&t) {
        let _ = writeln!(o, "| {label} | {amount} |");
    }
    let _ = writeln!(o, "\n**Payment: {}**", paid_line(&t));
    if !t.unrecouped.is_zero() {
        let _ = writeln!(o, "\nAdvances still to recoup: {} {c}", t.unrecouped);
    }
    if !t.notes.is_empty() {
        let _ = writeln!(o, "\n## Notes\n");
        for n in &t.notes {
            let _ = writeln!(o, "- {n}");
        }
    }
    o
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;color:#222}\
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.chart{margin:1rem 0}\
.row{display:flex;align-items:center;margin:.2rem 0}.label{width:8rem}.track{flex:1;background:#eee}\
.bar{background:#3a6ea5;height:1rem}.pay{font-size:1.2rem;font-weight:bold}";

pub fn html(r: &PeriodResult, agreements: &[Agreement], ai: usize, pi: usize) -> String {
    let a = &agreements[ai];
    let Some(t) = party_trace(r, agreements, ai, pi) else {
        return String::new();
    };
    let c = t.currency;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Royalty statement: {} — {}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        esc(&t.name),
        t.period
    );
    let _ = writeln!(
        o,
        "<h1>Royalty statement: {} ({})</h1>",
        esc(&t.name),
        esc(&t.role)
    );
    let _ = writeln!(
        o,
        "<p>Agreement: {} (<code>{}</code>) · Period: {} · Amounts in {c}</p>",
        esc(&a.title),
        esc(&a.id),
        t.period
    );
    let _ = writeln!(o, "<h2>Earnings by source</h2>");
    let lines = by_source(r, ai, pi);
    if lines.is_empty() {
        let _ = writeln!(o, "<p>No earnings this period.</p>");
    } else {
        let _ = writeln!(o, "<div class=\"chart\">");
        for s in &lines {
            let _ = writeln!(
                o,
                "<div class=\"row\"><span class=\"label\">{}</span><div class=\"track\"><div class=\"bar\" style=\"width:{}%\"></div></div></div>",
                s.source.name(),
                s.width
            );
        }
        let _ = writeln!(o, "</div>");
        let _ = writeln!(
            o,
            "<table>\n<tr><th>source</th><th class=\"n\">net receipts ({c})</th><th class=\"n\">units</th><th class=\"n\">rate</th><th class=\"n\">earnings ({c})</th></tr>"
        );
        for s in &lines {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                s.source.name(),
                Money(round_cents(s.base)),
                s.units,
                s.rates.join(", "),
                Money(round_cents(s.earnings))
            );
        }
        let _ = writeln!(
            o,
            "<tr><th>total</th><td></td><td></td><td></td><th class=\"n\">{}</th></tr>\n</table>",
            t.earned
        );
        let _ = writeln!(
            o,
            "<p>The total is the exact sum ({}) rounded once to the cent.</p>",
            t.earned_exact
        );
    }
    let _ = writeln!(
        o,
        "<h2>From earned to paid</h2>\n<table>\n<tr><th></th><th class=\"n\">{c}</th></tr>"
    );
    for (label, amount) in steps(&t) {
        let _ = writeln!(o, "<tr><td>{label}</td><td class=\"n\">{amount}</td></tr>");
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(o, "<p class=\"pay\">Payment: {}</p>", paid_line(&t));
    if !t.unrecouped.is_zero() {
        let _ = writeln!(o, "<p>Advances still to recoup: {} {c}</p>", t.unrecouped);
    }
    if !t.notes.is_empty() {
        let _ = writeln!(o, "<h2>Notes</h2>\n<ul>");
        for n in &t.notes {
            let _ = writeln!(o, "<li>{}</li>", esc(n));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "</body>\n</html>");
    o
}

pub fn render(
    f: DocFormat,
    r: &PeriodResult,
    agreements: &[Agreement],
    ai: usize,
    pi: usize,
) -> String {
    match f {
        DocFormat::Markdown => markdown(r, agreements, ai, pi),
        DocFormat::Html => html(r, agreements, ai, pi),
    }
}
