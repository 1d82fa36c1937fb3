//! The mergeable aggregate (issue "Speed and scale", item 4): the sums the
//! engine consumes, written as CSV so that a label that outgrows one machine
//! can produce them with DuckDB or Spark (docs/scaling.md) and keep royalty
//! for the contract logic. Files of aggregates add up exactly: `run
//! --aggregates a.csv b.csv` equals a run over the statements they came from.
//!
//! Two kinds of rows share one header:
//! - `file`: one per statement file and currency, its control totals (for
//!   reconciliation and the duplicate checks, by SHA-256);
//! - `sum`: one per (ISRC, source, territory, currency, usage date).

use crate::agreement::Agreement;
use crate::codes::{Currency, Isrc, Source, Territory};
use crate::diag::Diagnostic;
use crate::money::parse_decimal;
use crate::period::Usage;
use crate::statement::{FileSummary, Key, Revenue, Sums};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const COLUMNS: [&str; 14] = [
    "record",
    "file",
    "sha256",
    "format",
    "agreement",
    "isrc",
    "source",
    "territory",
    "currency",
    "usage",
    "units",
    "amount",
    "tax_withheld",
    "lines",
];

/// Writes the aggregate: files first (in path order), then sums in key order.
pub fn render(revenue: &Revenue, agreements: &[Agreement]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    let mut files: Vec<&FileSummary> = revenue.files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in files {
        let path = f.path.display().to_string();
        if f.totals.is_empty() {
            w.write_record([
                "file", &path, &f.sha256, &f.format, "", "", "", "", "", "", "0", "0", "0", "0",
            ])
            .expect("in-memory write");
        }
        for (c, s) in &f.totals {
            w.write_record([
                "file".to_string(),
                path.clone(),
                f.sha256.clone(),
                f.format.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                c.to_string(),
                String::new(),
                s.units.to_string(),
                s.amount.normalize().to_string(),
                s.tax_withheld.normalize().to_string(),
                s.lines.to_string(),
            ])
            .expect("in-memory write");
        }
    }
    // The first agreement (in the order given) that lists each track: one
    // lookup per key. A scan of every agreement's tracks for each key took
    // minutes on a 1,000,000-ISRC catalogue (docs/scaling.md).
    let mut owners: std::collections::HashMap<Isrc, &str> = Default::default();
    for a in agreements {
        for t in &a.tracks {
            owners.entry(t.isrc).or_insert(a.id.as_str());
        }
    }
    let owner = |isrc: &Isrc| owners.get(isrc).copied().unwrap_or_default().to_string();
    for (k, s) in revenue.sorted().iter() {
        w.write_record([
            "sum".to_string(),
            String::new(),
            String::new(),
            String::new(),
            owner(&k.isrc),
            k.isrc.to_string(),
            k.source.to_string(),
            k.territory.to_string(),
            k.currency.to_string(),
            k.usage.to_string(),
            s.units.to_string(),
            s.amount.normalize().to_string(),
            s.tax_withheld.normalize().to_string(),
            s.lines.to_string(),
        ])
        .expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8")
}

/// Reads an aggregate into `revenue`, reporting every bad cell.
pub fn read(text: &str, path: &Path, revenue: &mut Revenue) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    match rdr.headers() {
        Ok(h) if h.iter().eq(COLUMNS.iter().copied()) => {}
        _ => {
            diags.push(Diagnostic::error(
                path,
                1,
                1,
                format!(
                    "not a royalty aggregate: expected the header {}",
                    COLUMNS.join(",")
                ),
            ));
            return diags;
        }
    }
    let mut files: BTreeMap<(String, String), FileSummary> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(Diagnostic::unreadable_csv(path, &e));
                break;
            }
        };
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let cell = |name: &str| {
            rec.get(COLUMNS.iter().position(|c| *c == name).expect("a column"))
                .unwrap_or("")
        };
        let col = |name: &str| {
            let i = COLUMNS.iter().position(|c| *c == name).expect("a column");
            1 + rec.iter().take(i).map(|c| c.len() + 1).sum::<usize>()
        };
        let mut bad = |name: &str, what: &str| {
            diags.push(Diagnostic::error(
                path,
                line,
                col(name),
                format!("{name}: expected {what}, found `{}`", cell(name)),
            ));
        };
        // Each number within a run's bound (docs/limits.md), so that no sum
        // of them can overflow.
        let units = cell("units").parse::<i64>().ok();
        let amount = parse_decimal(cell("amount"));
        let tax = parse_decimal(cell("tax_withheld"));
        let lines = cell("lines").parse::<u64>().ok();
        let big = |d: Option<rust_decimal::Decimal>| {
            d.is_some_and(|d| !crate::limits::REVENUE.contains(d))
        };
        if units.is_none() {
            bad("units", "a whole number");
        } else if units.is_some_and(|u| u.unsigned_abs() >= 10u64.pow(16)) {
            bad("units", "a whole number below 10^16");
        }
        for (name, d) in [("amount", amount), ("tax_withheld", tax)] {
            if d.is_none() {
                bad(name, "a decimal");
            } else if big(d) {
                bad(name, "a decimal below 10^16 with at most 12 decimals");
            }
        }
        if lines.is_none_or(|n| n >= 10u64.pow(15)) {
            bad("lines", "a count of lines");
        }
        if big(amount) || big(tax) || units.is_some_and(|u| u.unsigned_abs() >= 10u64.pow(16)) {
            continue;
        }
        let (Some(units), Some(amount), Some(tax_withheld), Some(lines)) =
            (units, amount, tax, lines)
        else {
            continue;
        };
        let sums = Sums {
            units,
            amount,
            tax_withheld,
            lines,
        };
        match cell("record") {
            "file" => {
                let f = files
                    .entry((cell("file").to_string(), cell("sha256").to_string()))
                    .or_insert_with(|| FileSummary {
                        path: PathBuf::from(cell("file")),
                        sha256: cell("sha256").to_string(),
                        format: cell("format").to_string(),
                        ..FileSummary::default()
                    });
                if cell("currency").is_empty() {
                    continue;
                }
                match Currency::parse(cell("currency")) {
                    Some(c) => {
                        f.totals.entry(c).or_default().merge(&sums);
                        f.lines += lines;
                    }
                    None => bad("currency", "an ISO 4217 code"),
                }
            }
            "sum" => {
                let isrc = Isrc::parse(cell("isrc"));
                let source = Source::parse(cell("source"));
                let territory = Territory::parse_bytes(cell("territory").as_bytes());
                let currency = Currency::parse(cell("currency"));
                let usage = Usage::parse_bytes(cell("usage").as_bytes());
                for (ok, name, what) in [
                    (isrc.is_some(), "isrc", "an ISRC"),
                    (source.is_some(), "source", "a source"),
                    (territory.is_some(), "territory", "a territory"),
                    (currency.is_some(), "currency", "an ISO 4217 code"),
                    (usage.is_some(), "usage", "a month or a date"),
                ] {
                    if !ok {
                        bad(name, what);
                    }
                }
                if let (Some(isrc), Some(source), Some(territory), Some(currency), Some(usage)) =
                    (isrc, source, territory, currency, usage)
                {
                    let key = Key {
                        isrc,
                        source,
                        usage,
                        currency,
                        territory: if revenue.by_territory {
                            territory
                        } else {
                            Territory::WORLD
                        },
                    };
                    revenue.sums.add(key, &sums);
                }
            }
            _ => bad("record", "`file` or `sum`"),
        }
    }
    revenue.files.extend(files.into_values());
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aggregate_reads_back_to_the_same_sums() {
        let mut rev = Revenue {
            by_territory: true,
            ..Revenue::default()
        };
        let mut f = FileSummary {
            path: PathBuf::from("s.csv"),
            sha256: "ab".into(),
            format: "canonical".into(),
            ..FileSummary::default()
        };
        let line = |terr: &[u8], amount: &str| crate::statement::RevenueLine {
            line: 2,
            usage: Usage::parse_bytes(b"2026-01").unwrap(),
            isrc: Isrc::parse("QZNWX2600001").unwrap(),
            source: Source::Streaming,
            territory: Territory::parse_bytes(terr).unwrap(),
            units: 3,
            amount: crate::money::dec(amount),
            currency: Currency::parse("USD").unwrap(),
            tax_withheld: crate::money::dec("0"),
        };
        rev.add_line(&mut f, &line(b"US", "1.000001"));
        rev.add_line(&mut f, &line(b"GB", "2.5"));
        rev.files.push(f);
        let text = render(&rev, &[]);
        let mut back = Revenue {
            by_territory: true,
            ..Revenue::default()
        };
        assert!(read(&text, Path::new("a.csv"), &mut back).is_empty());
        assert_eq!(back.sorted(), rev.sorted());
        assert_eq!(back.files[0].totals, rev.files[0].totals);
        assert_eq!(back.files[0].sha256, "ab");
    }
}
