//! `reconcile --expect FILE`: the totals a distributor reported, read and
//! compared with each statement file's own total (docs/commands.md,
//! `reconcile`).

use super::FileTotals;
use crate::codes::Currency;
use crate::diag::Diagnostic;
use crate::money::parse_decimal;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::path::Path;

/// One line of a distributor's reported totals (`--expect`).
#[derive(Clone, Debug)]
pub struct Expected {
    pub line: usize,
    pub file: String,
    pub currency: Currency,
    pub amount: Decimal,
    pub lines: Option<u64>,
}

#[derive(Serialize)]
pub struct Difference {
    pub file: String,
    pub currency: Currency,
    pub expected: String,
    /// Our total, rounded half-to-even to as many decimals as the expected one.
    pub actual: String,
    pub difference: String,
    pub expected_lines: Option<u64>,
    pub actual_lines: u64,
    pub ok: bool,
}

/// Compares one reported total with the file of that name (by file name or
/// by the path as given): the file's own total, skipped rows included, as
/// a distributor totals its own file.
pub(super) fn compare(files: &[FileTotals], e: &Expected) -> Difference {
    let file = files.iter().find(|f| {
        f.file == e.file
            || std::path::Path::new(&f.file)
                .file_name()
                .is_some_and(|n| n.to_string_lossy() == e.file)
    });
    let totals = file.and_then(|f| {
        f.currencies
            .iter()
            .find(|c| c.currency == e.currency.to_string())
    });
    let (total, lines) = totals
        .map(|c| {
            let skipped: u64 = file
                .map(|f| {
                    f.skipped
                        .iter()
                        .filter(|s| !s.totals_row && s.amount.contains_key(&c.currency))
                        .map(|s| s.lines)
                        .sum()
                })
                .unwrap_or(0);
            (c.total.clone(), c.lines + skipped)
        })
        .unwrap_or_default();
    let dp = e.amount.scale().max(2);
    let act = total.round_dp(dp).to_decimal().unwrap_or_default();
    let mut act = act.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven);
    let mut diff = act - e.amount;
    diff.rescale(dp);
    act.rescale(dp);
    let lines_ok = e.lines.is_none_or(|l| l == lines);
    Difference {
        file: match file {
            Some(_) => e.file.clone(),
            None => format!("{} (no such statement file)", e.file),
        },
        currency: e.currency,
        expected: e.amount.to_string(),
        actual: act.to_string(),
        difference: diff.to_string(),
        expected_lines: e.lines,
        actual_lines: lines,
        ok: file.is_some() && diff.is_zero() && lines_ok,
    }
}

/// Reads `file,currency,amount[,lines]` (header required, columns in that
/// order or any order by name). Every problem is listed with its place.
pub fn parse_expected(text: &str, path: &Path) -> (Vec<Expected>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => {
            diags.push(Diagnostic::error(path, 1, 1, e.to_string()));
            return (out, diags);
        }
    };
    let col = |n: &str| header.iter().position(|h| h == n);
    let (Some(fc), Some(cc), Some(ac)) = (col("file"), col("currency"), col("amount")) else {
        diags.push(Diagnostic::error(
            path,
            1,
            1,
            "expected a header `file,currency,amount[,lines]`",
        ));
        return (out, diags);
    };
    let lc = col("lines");
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(Diagnostic::error(path, line, 1, e.to_string()));
                continue;
            }
        };
        let get = |c: usize| rec.get(c).unwrap_or("");
        let file = get(fc).to_string();
        let currency = Currency::parse(get(cc));
        let amount = parse_decimal(get(ac));
        let lines = match lc.map(get).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s.parse::<u64>().map(Some).map_err(|_| s.to_string()),
        };
        if file.is_empty() {
            diags.push(Diagnostic::error(path, line, fc + 1, "empty file name"));
        }
        if currency.is_none() {
            diags.push(Diagnostic::error(
                path,
                line,
                cc + 1,
                format!("`{}` is not an ISO 4217 currency", get(cc)),
            ));
        }
        // A file's total is below 10^16 (docs/limits.md), and so is a
        // reported one: beyond, the comparison could not be exact.
        let amount = match amount.map(|a| crate::limits::REVENUE.check(a)) {
            Some(Ok(a)) => Some(a),
            Some(Err(expect)) => {
                diags.push(Diagnostic::error(
                    path,
                    line,
                    ac + 1,
                    format!("`{}`: {expect}", get(ac)),
                ));
                None
            }
            None => {
                diags.push(Diagnostic::error(
                    path,
                    line,
                    ac + 1,
                    format!("`{}` is not an amount like 1234.56", get(ac)),
                ));
                None
            }
        };
        if let Err(s) = &lines {
            diags.push(Diagnostic::error(
                path,
                line,
                lc.unwrap_or(0) + 1,
                format!("`{s}` is not a line count"),
            ));
        }
        if let (false, Some(currency), Some(amount), Ok(lines)) =
            (file.is_empty(), currency, amount, lines)
        {
            out.push(Expected {
                line,
                file,
                currency,
                amount,
                lines,
            });
        }
    }
    (out, diags)
}
