//! The canonical statement CSV (SPEC 2.3): header required, columns in any
//! order, extra columns ignored, UTF-8 with or without BOM. Read as a stream
//! of byte records: nothing is kept per line, so memory does not grow with
//! the file. Every bad row is reported (file:line:column, what was expected)
//! and no bad row is summed in.

use super::number::{decimal_from_bytes, int_from_bytes, short_scaled};
use super::quick::{Layout, Line, Numbers};
use super::{RevenueLine, Sink};
use crate::codes::{Currency, Isrc, Source, Territory};
use crate::diag::Diagnostic;
use crate::period::Usage;
use rust_decimal::Decimal;
use std::io::Read;
use std::path::Path;

/// Columns of the canonical format; the last two are optional.
pub const REQUIRED: [&str; 7] = [
    "period",
    "isrc",
    "source",
    "territory",
    "units",
    "amount",
    "currency",
];
pub const OPTIONAL: [&str; 2] = ["store", "tax_withheld"];

/// Where each canonical column sits in this file's header.
#[derive(Clone, Copy, Debug)]
pub struct Columns {
    period: usize,
    isrc: usize,
    source: usize,
    territory: usize,
    units: usize,
    amount: usize,
    currency: usize,
    tax_withheld: Option<usize>,
    count: usize,
}

impl Columns {
    /// The highest cell position a row must be split up to.
    pub fn last_needed(&self) -> usize {
        [
            self.period,
            self.isrc,
            self.source,
            self.territory,
            self.units,
            self.amount,
            self.currency,
        ]
        .into_iter()
        .chain(self.tax_withheld)
        .max()
        .unwrap_or(0)
    }
}

fn normalise(h: &[u8]) -> String {
    let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
    String::from_utf8_lossy(h.trim_ascii()).to_ascii_lowercase()
}

/// Does this header look like the canonical format?
pub fn is_canonical(header: &[Vec<u8>]) -> bool {
    let names: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    REQUIRED.iter().all(|r| names.iter().any(|n| n == r))
}

impl Columns {
    /// Maps the header; `Err` lists what is missing.
    pub fn from_header(header: &csv::ByteRecord) -> Result<Columns, String> {
        let names: Vec<String> = header.iter().map(normalise).collect();
        let find = |c: &str| names.iter().position(|n| n == c);
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|c| find(c).is_none())
            .collect();
        if !missing.is_empty() {
            let looks_like_data = header
                .iter()
                .any(|h| Isrc::parse_bytes(h).is_some() || Usage::parse_bytes(h).is_some());
            let mut msg = format!(
                "the header lacks the required column{} {}; a canonical statement's first line names its columns: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                REQUIRED.join(",")
            );
            if looks_like_data {
                msg.push_str(" (the first line looks like data: is the header missing?)");
            }
            return Err(msg);
        }
        let f = |c: &str| find(c).expect("checked above");
        Ok(Columns {
            period: f("period"),
            isrc: f("isrc"),
            source: f("source"),
            territory: f("territory"),
            units: f("units"),
            amount: f("amount"),
            currency: f("currency"),
            tax_withheld: find("tax_withheld"),
            count: names.len(),
        })
    }
}

impl Columns {
    /// The quick path's view of this header (`quick`): the cells a line's
    /// key is parsed from (period, ISRC, source, currency, and territory
    /// when sums are kept per territory: two lines with the same bytes there
    /// have the same key), and the numbers.
    pub fn layout(&self, by_territory: bool) -> Layout {
        let (keys, n) = (
            [
                self.period,
                self.isrc,
                self.source,
                self.currency,
                self.territory,
            ],
            if by_territory { 5 } else { 4 },
        );
        Layout {
            delimiter: b',',
            keys: keys[..n].to_vec(),
            units: Some(self.units),
            amount: Some(self.amount),
            tax: self.tax_withheld,
            territory: Some(self.territory),
            cells: self.count,
            exact: false,
        }
    }
}

/// The numbers of an ordinary line whose key cells are known good, as
/// scaled integers: units, amount, tax withheld. `None` when anything is out
/// of the ordinary (a bad territory, an amount only `parse_record` reads):
/// the line then takes the full path, with its full checks and messages.
pub fn quick_numbers(line: &Line) -> Option<Numbers> {
    Territory::parse_bytes(line.territory)?;
    let units = int_from_bytes(line.units)?;
    let amount = short_scaled(line.amount.trim_ascii())?;
    let tax = match line.tax.trim_ascii() {
        b"" => (0, 0),
        c => short_scaled(c)?,
    };
    Some(Numbers { units, amount, tax })
}

/// The cells of one row, however they were split.
pub trait Cells {
    fn count(&self) -> usize;
    fn cell(&self, i: usize) -> &[u8];
    /// 1-based column where cell `i` starts (exact for unquoted cells).
    fn column(&self, i: usize) -> usize;
    /// Whether any cell from `from` on is not blank.
    fn filled_from(&self, from: usize) -> bool {
        (from..self.count()).any(|i| !self.cell(i).trim_ascii().is_empty())
    }
}

impl Cells for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &[u8] {
        self.get(i).unwrap_or(b"")
    }
    fn column(&self, i: usize) -> usize {
        1 + self.iter().take(i).map(|f| f.len() + 1).sum::<usize>()
    }
}

/// Parses one record into a line, or says what is wrong with which cell.
pub fn parse_record(
    cols: &Columns,
    rec: &impl Cells,
    line: u64,
) -> Result<RevenueLine, (usize, String)> {
    if rec.count() < cols.count {
        return Err((
            0,
            format!(
                "the row has {} cells, the header {}: a cell is missing",
                rec.count(),
                cols.count
            ),
        ));
    }
    let cell = |i: usize| rec.cell(i);
    let bad = |i: usize, name: &str, expected: &str| {
        let found = String::from_utf8_lossy(cell(i)).into_owned();
        (
            rec.column(i),
            format!("{name}: expected {expected}, found `{found}`"),
        )
    };
    let usage = Usage::parse_bytes(cell(cols.period)).ok_or_else(|| {
        bad(
            cols.period,
            "period",
            "a usage month like 2026-01 or a date like 2026-01-31",
        )
    })?;
    let isrc = Isrc::parse_bytes(cell(cols.isrc)).ok_or_else(|| {
        bad(
            cols.isrc,
            "isrc",
            "an ISRC like QZNWX2600001 (2 letters, 3 letters or digits, 7 digits)",
        )
    })?;
    let source = Source::parse_bytes(cell(cols.source).trim_ascii()).ok_or_else(|| {
        bad(
            cols.source,
            "source",
            &format!("one of {}", Source::vocabulary()),
        )
    })?;
    let territory = Territory::parse_bytes(cell(cols.territory)).ok_or_else(|| {
        bad(
            cols.territory,
            "territory",
            "an ISO 3166-1 alpha-2 code or WW",
        )
    })?;
    let units = int_from_bytes(cell(cols.units))
        .ok_or_else(|| bad(cols.units, "units", "a whole number below 10^15"))?;
    let amount = decimal_from_bytes(cell(cols.amount)).ok_or_else(|| {
        bad(
            cols.amount,
            "amount",
            "a decimal number with `.` like 12.34, below 10^15",
        )
    })?;
    let currency = Currency::parse_bytes(cell(cols.currency).trim_ascii()).ok_or_else(|| {
        bad(
            cols.currency,
            "currency",
            "an ISO 4217 currency code like USD",
        )
    })?;
    let tax_withheld = match cols.tax_withheld {
        Some(i) if !cell(i).trim_ascii().is_empty() => {
            decimal_from_bytes(cell(i)).ok_or_else(|| {
                bad(
                    i,
                    "tax_withheld",
                    "a decimal number below 10^15 or an empty cell",
                )
            })?
        }
        _ => Decimal::ZERO,
    };
    Ok(RevenueLine {
        line,
        usage,
        isrc,
        source,
        territory,
        units,
        amount,
        currency,
        tax_withheld,
    })
}

/// Reads a canonical statement into the sink: the header here, the rows by
/// the chunked, parallel reader of `fast`. Returns the problems found
/// (errors make the whole run fail: a bad line is never skipped silently).
pub fn read(input: impl Read, path: &Path, sink: &mut Sink) -> Vec<Diagnostic> {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let (line_no, header) = match super::fast::header_line(&mut input) {
        Ok(Some(h)) => h,
        Ok(None) => {
            return vec![Diagnostic::warning(
                path,
                0,
                0,
                "the statement is empty: it adds no revenue",
            )]
        }
        Err(e) => return vec![Diagnostic::error(path, 1, 0, format!("unreadable: {e}"))],
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&header[..]);
    let mut rec = csv::ByteRecord::new();
    if let Err(e) = rdr.read_byte_record(&mut rec) {
        return vec![Diagnostic::error(
            path,
            line_no as usize,
            1,
            format!("unreadable CSV header: {e}"),
        )];
    }
    let cols = match Columns::from_header(&rec) {
        Ok(c) => c,
        Err(msg) => return vec![Diagnostic::error(path, line_no as usize, 1, msg)],
    };
    super::fast::aggregate(input, &cols, path, line_no + 1, sink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::{FileSummary, Revenue};

    fn read_str(s: &str) -> (Revenue, FileSummary, Vec<Diagnostic>) {
        let mut rev = Revenue::default();
        let mut sum = FileSummary::default();
        let mut unmatched = Vec::new();
        let mut sink = Sink {
            revenue: &mut rev,
            summary: &mut sum,
            known: None,
            unmatched: &mut unmatched,
            threads: 1,
        };
        let d = read(s.as_bytes(), Path::new("s.csv"), &mut sink);
        (rev, sum, d)
    }

    #[test]
    fn columns_in_any_order_with_extras_and_bom() {
        let (rev, sum, d) = read_str(
            "\u{feff}amount,extra,currency,units,territory,source,isrc,period\n\
             1.50,x,USD,10,US,streaming,QZNWX2600001,2026-01\n\
             -0.50,y,USD,-2,GB,streaming,QZ-NWX-26-00001,2026-01\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(sum.lines, 2);
        assert_eq!(rev.sums.len(), 1);
        let s = rev.sums.values().next().unwrap();
        assert_eq!(
            (s.units, s.amount, s.lines),
            (8, crate::money::dec("1.00"), 2)
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_place() {
        let (_, sum, d) = read_str(
            "period,isrc,source,territory,units,amount,currency\n\
             2026-01,QZNWX2600001,streaming,US,1,abc,USD\n\
             2026-01,QZNWX2600001,radio,US,1,1.00,USD\n\
             2026-01,QZNWX2600001,streaming,US,1,1.00,XYZ\n\
             2026-01,QZNWX2600001,streaming,US\n\
             2026-01,QZNWX2600001,streaming,US,1,1.00,USD\n",
        );
        let msgs: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert_eq!(
            msgs[0],
            "s.csv:2:37: error: amount: expected a decimal number with `.` like 12.34, below 10^15, found `abc`"
        );
        assert!(
            msgs[1].starts_with("s.csv:3:22: error: source: expected one of streaming"),
            "{}",
            msgs[1]
        );
        assert!(
            msgs[2].starts_with("s.csv:4:42: error: currency"),
            "{}",
            msgs[2]
        );
        assert!(
            msgs[3].starts_with("s.csv:5: error: the row has 4 cells"),
            "{}",
            msgs[3]
        );
        assert_eq!(sum.lines, 1);
    }

    #[test]
    fn missing_header_is_named() {
        let (_, _, d) = read_str("2026-01,QZNWX2600001,streaming,US,1,1.00,USD\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("is the header missing?"), "{}", d[0]);
        let (_, _, d) = read_str("period,isrc,source,territory,units,currency\n");
        assert!(
            d[0].message.contains("lacks the required column amount"),
            "{}",
            d[0]
        );
    }

    #[test]
    fn empty_file_is_a_warning() {
        let (rev, _, d) = read_str("");
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert!(rev.sums.is_empty());
    }
}
