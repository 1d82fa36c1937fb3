//! Exchange rates (docs/agreements.md, "Exchange rates: `fx.csv`"; the
//! conversion rules in docs/arithmetic.md, "Currency"): `date,from,to,rate`,
//! meaning 1 `from` = `rate` `to`. A conversion uses the latest rate dated on
//! or before the day asked for; a rate that is missing is an error, never a
//! guess.
//!
//! When only the opposite pair is listed (USD->JPY for a JPY->USD
//! conversion) its inverse is used, as an accountant would; a direct rate
//! and an inverse of the same date prefer the direct one (docs/arithmetic.md).

use crate::codes::Currency;
use crate::diag::Diagnostic;
use crate::limits;
use crate::money::{decimal_comma, parse_decimal};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct FxTable {
    /// (from, to) -> date -> rate.
    rates: BTreeMap<(Currency, Currency), BTreeMap<Date, Decimal>>,
    pub file: Option<PathBuf>,
}

/// A rate that is needed but not in the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingRate {
    pub from: Currency,
    pub to: Currency,
    pub on: Date,
}

impl std::fmt::Display for MissingRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no exchange rate {} -> {} dated on or before {}: add a line `{},{},{},<rate>` to the fx file",
            self.from, self.to, self.on, self.on, self.from, self.to
        )
    }
}

impl FxTable {
    pub fn insert(&mut self, date: Date, from: Currency, to: Currency, rate: Decimal) {
        self.rates.entry((from, to)).or_default().insert(date, rate);
    }

    fn latest(&self, from: Currency, to: Currency, on: Date) -> Option<(Date, Decimal)> {
        self.rates
            .get(&(from, to))?
            .range(..=on)
            .next_back()
            .map(|(d, r)| (*d, *r))
    }

    /// The rate to multiply an amount in `from` by to get `to`, on `on`.
    pub fn rate(&self, from: Currency, to: Currency, on: Date) -> Result<Decimal, MissingRate> {
        if from == to {
            return Ok(Decimal::ONE);
        }
        let direct = self.latest(from, to, on);
        let inverse = self.latest(to, from, on).filter(|(_, r)| !r.is_zero());
        match (direct, inverse) {
            (Some((dd, r)), Some((di, _))) if dd >= di => Ok(r),
            (Some(_), Some((_, inv))) | (None, Some((_, inv))) => Ok(Decimal::ONE / inv),
            (Some((_, r)), None) => Ok(r),
            (None, None) => Err(MissingRate { from, to, on }),
        }
    }

    /// The rate as an exact fraction: an inverse rate is 1 / rate exactly,
    /// where `rate` rounds it to 28 digits (docs/arithmetic.md, "Currency").
    pub fn rate_exact(
        &self,
        from: Currency,
        to: Currency,
        on: Date,
    ) -> Result<crate::exact::Exact, MissingRate> {
        use crate::exact::Exact;
        if from == to {
            return Ok(Exact::one());
        }
        let direct = self.latest(from, to, on);
        let inverse = self.latest(to, from, on).filter(|(_, r)| !r.is_zero());
        match (direct, inverse) {
            (Some((dd, r)), Some((di, _))) if dd >= di => Ok(Exact::dec(r)),
            (Some(_), Some((_, inv))) | (None, Some((_, inv))) => {
                Ok(Exact::one() / Exact::dec(inv))
            }
            (Some((_, r)), None) => Ok(Exact::dec(r)),
            (None, None) => Err(MissingRate { from, to, on }),
        }
    }

    /// Converts exactly (up to `Decimal`'s 28 digits for inverse rates).
    pub fn convert(
        &self,
        amount: Decimal,
        from: Currency,
        to: Currency,
        on: Date,
    ) -> Result<Decimal, MissingRate> {
        Ok(amount * self.rate(from, to, on)?)
    }
}

/// Reads `fx.csv`, reporting every bad line. Read as CSV (quoted cells
/// honoured, as a spreadsheet writes them); a rate written with a decimal
/// comma (`"1,0871"`) is refused with the rate to write instead.
pub fn parse_fx(text: &str, file: &Path) -> (FxTable, Vec<Diagnostic>) {
    let mut t = FxTable {
        file: Some(file.to_path_buf()),
        ..FxTable::default()
    };
    let mut diags = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header_seen = false;
    let mut seen: BTreeMap<(Date, Currency, Currency), usize> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(Diagnostic::unreadable_csv(file, &e));
                break;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let pos = rec.position().expect("a record read has a position");
        let n = pos.line() as usize;
        if !header_seen {
            let cols: Vec<String> = rec.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
            if cols != ["date", "from", "to", "rate"] {
                diags.push(Diagnostic::error(
                    file,
                    n,
                    1,
                    "expected the header `date,from,to,rate`",
                ));
                return (t, diags);
            }
            header_seen = true;
            continue;
        }
        let cells: Vec<&str> = rec.iter().collect();
        let starts = cell_columns(&text[pos.byte() as usize..]);
        let col = |k: usize| starts.get(k).copied().unwrap_or(1);
        if cells.len() != 4 {
            // `0,0067` unquoted: a decimal comma that split the rate in two.
            let split = (cells.len() == 5)
                .then(|| decimal_comma(&format!("{},{}", cells[3], cells[4])))
                .flatten()
                .map(|dotted| format!(": the rate is written with a decimal comma; write {dotted}"))
                .unwrap_or_default();
            diags.push(Diagnostic::error(
                file,
                n,
                1,
                format!(
                    "expected 4 cells `date,from,to,rate`, found {}{split}",
                    cells.len()
                ),
            ));
            continue;
        }
        let date = cells[0].trim().parse::<Date>().ok();
        let from = Currency::parse(cells[1]);
        let to = Currency::parse(cells[2]);
        let rate = parse_decimal(cells[3]);
        let mut ok = true;
        if date.is_none() {
            diags.push(Diagnostic::error(
                file,
                n,
                col(0),
                format!(
                    "date: expected a date like 2026-03-31, found `{}`",
                    cells[0]
                ),
            ));
            ok = false;
        }
        for (k, c, v) in [(1, "from", from), (2, "to", to)] {
            if v.is_none() {
                diags.push(Diagnostic::error(
                    file,
                    n,
                    col(k),
                    format!(
                        "{c}: expected an ISO 4217 currency code, found `{}`",
                        cells[k]
                    ),
                ));
                ok = false;
            }
        }
        match rate.map(|r| limits::FX_RATE.check(r)) {
            None if decimal_comma(cells[3]).is_some() => {
                diags.push(Diagnostic::error(
                    file,
                    n,
                    col(3),
                    format!(
                        "rate: `{}` is written with a decimal comma: write {} (a point, no separators)",
                        cells[3].trim(),
                        decimal_comma(cells[3]).unwrap_or_default()
                    ),
                ));
                ok = false;
            }
            None => {
                diags.push(Diagnostic::error(
                    file,
                    n,
                    col(3),
                    format!(
                        "rate: expected a positive decimal like 1.0825, found `{}`",
                        cells[3]
                    ),
                ));
                ok = false;
            }
            Some(Err(expect)) => {
                diags.push(Diagnostic::error(
                    file,
                    n,
                    col(3),
                    format!("rate: {expect}, found `{}`", cells[3].trim()),
                ));
                ok = false;
            }
            Some(Ok(_)) => {}
        }
        if !ok {
            continue;
        }
        let (date, from, to, rate) = (date.unwrap(), from.unwrap(), to.unwrap(), rate.unwrap());
        if let Some(prev) = seen.insert((date, from, to), n) {
            diags.push(Diagnostic::error(
                file,
                n,
                1,
                format!("a second rate {from} -> {to} on {date} (first on line {prev})"),
            ));
            continue;
        }
        t.insert(date, from, to, rate);
    }
    (t, diags)
}

/// The 1-based column (in characters) where each cell of the record at the
/// start of `rest` begins, commas inside quotes skipped: a message points
/// at the cell as the user sees it in the file.
fn cell_columns(rest: &str) -> Vec<usize> {
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    let mut starts = vec![1];
    let mut quoted = false;
    for (i, ch) in line.chars().enumerate() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => starts.push(i + 2),
            _ => {}
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;
    use jiff::civil::date;

    fn c(s: &str) -> Currency {
        Currency::parse(s).unwrap()
    }

    const FX: &str = "date,from,to,rate\n2026-01-31,JPY,USD,0.0068\n2026-03-31,JPY,USD,0.0067\n2026-03-31,USD,EUR,0.92\n";

    #[test]
    fn uses_the_latest_rate_on_or_before_the_day() {
        let (t, d) = parse_fx(FX, Path::new("fx.csv"));
        assert!(d.is_empty());
        let (jpy, usd) = (c("JPY"), c("USD"));
        assert_eq!(t.rate(jpy, usd, date(2026, 3, 31)).unwrap(), dec("0.0067"));
        assert_eq!(t.rate(jpy, usd, date(2026, 3, 30)).unwrap(), dec("0.0068"));
        assert_eq!(
            t.convert(dec("15000"), jpy, usd, date(2026, 3, 31))
                .unwrap(),
            dec("100.5000")
        );
    }

    #[test]
    fn a_missing_rate_names_the_pair_and_date() {
        let (t, _) = parse_fx(FX, Path::new("fx.csv"));
        let e = t.rate(c("JPY"), c("USD"), date(2026, 1, 30)).unwrap_err();
        assert_eq!(
            e,
            MissingRate {
                from: c("JPY"),
                to: c("USD"),
                on: date(2026, 1, 30)
            }
        );
        assert!(e
            .to_string()
            .contains("JPY -> USD dated on or before 2026-01-30"));
        assert!(t.rate(c("GBP"), c("USD"), date(2026, 3, 31)).is_err());
    }

    #[test]
    fn the_inverse_pair_serves_when_the_direct_one_is_absent() {
        let (t, _) = parse_fx(FX, Path::new("fx.csv"));
        let r = t.rate(c("EUR"), c("USD"), date(2026, 3, 31)).unwrap();
        assert_eq!((dec("92") * r).round_dp(20), dec("100"));
    }

    #[test]
    fn rates_out_of_range_are_placed() {
        let (t, d) = parse_fx(
            "date,from,to,rate\n2026-03-31,JPY,USD,10000000000000000000000000\n\
             2026-03-31,EUR,USD,0\n2026-03-31,GBP,USD,1e25\n2026-03-31,CHF,USD,0.00000001\n\
             2026-03-31,SEK,USD,0.0953\n",
            Path::new("fx.csv"),
        );
        let m: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(
            m[0].starts_with("fx.csv:2:20: error: rate: expected a rate from 0.000001 to 1000000"),
            "{}",
            m[0]
        );
        assert!(m[1].starts_with("fx.csv:3:20: error: rate"), "{}", m[1]);
        assert!(m[2].starts_with("fx.csv:4:20: error: rate"), "{}", m[2]);
        assert!(m[3].starts_with("fx.csv:5:20: error: rate"), "{}", m[3]);
        assert!(t.rate(c("SEK"), c("USD"), date(2026, 3, 31)).is_ok());
    }

    #[test]
    fn bad_lines_are_all_reported() {
        let (_, d) = parse_fx(
            "date,from,to,rate\n2026-13-01,JPY,USD,0.0068\n2026-01-31,XXX,USD,abc\n",
            Path::new("fx.csv"),
        );
        let m: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].starts_with("fx.csv:2:1: error: date"));
        assert!(m[1].starts_with("fx.csv:3:12: error: from"));
        assert!(m[2].starts_with("fx.csv:3:20: error: rate"));
    }
}
