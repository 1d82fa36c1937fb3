//! The canonical statement CSV (SPEC 2.3): header required, columns in any
//! order, extra columns ignored, UTF-8 with or without BOM. Read as a stream
//! of byte records: nothing is kept per line, so memory does not grow with
//! the file. Every bad row is reported (file:line:column, what was expected)
//! and no bad row is summed in.

use super::acc::FxMap;
use super::acc::{too_large, Acc};
use super::cells::Cells;
use super::chunks::{chunked, header_line, line_count};
use super::decimal::{decimal_from_bytes, int_from_bytes, short_scaled};
use super::memo::{sum_threads, KeyMemo, RawKey};
use super::quick::{Layout, Line, Numbers};
use super::sink::{Sink, MAX_DIAGNOSTICS_PER_FILE};
use crate::codes::{Currency, Isrc, Source, Territory};
use crate::diag::Diagnostic;
use crate::period::Usage;
use crate::statement::Key;
use crate::statement::RevenueLine;
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
    let (line_no, header) = match header_line(&mut input) {
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
    aggregate(input, &cols, path, line_no + 1, sink)
}

/// What one chunk produced; line numbers are relative to the chunk.
#[derive(Default)]
struct Partial {
    /// Physical lines in the chunk (blank ones included), for numbering.
    lines: u64,
    errors: Vec<(u64, usize, String)>,
    error_count: usize,
    unmatched: Vec<RevenueLine>,
}


struct Ctx<'a> {
    by_territory: bool,
    layout: Layout,
    cols: &'a Columns,
    known: Option<&'a std::collections::HashSet<crate::codes::Isrc>>,
}

/// Adds a fully parsed line (or its error) to the chunk, and remembers its
/// key cells for the lines that repeat them.
fn take(
    p: &mut Partial,
    memo: &mut KeyMemo,
    raw: Option<&RawKey>,
    ctx: &Ctx,
    rel_line: u64,
    parsed: Result<RevenueLine, (usize, String)>,
) {
    match parsed {
        Ok(l) => {
            let key = Key::of(&l, ctx.by_territory);
            let unmatched = ctx.known.is_some_and(|k| !k.contains(&l.isrc));
            let i = memo.remember(raw, key, unmatched);
            memo.acc(i).add(&l);
            if unmatched {
                p.unmatched.push(l);
            }
        }
        Err((col, msg)) => {
            p.error_count += 1;
            if p.errors.len() < MAX_DIAGNOSTICS_PER_FILE {
                p.errors.push((rel_line, col, msg));
            }
        }
    }
}


/// Parses one chunk of whole lines. An ordinary line whose key cells this
/// thread has seen in a good line before only has its numbers read
/// (`quick`, `memo`); the others take the full path.
fn parse_chunk(memo: &mut KeyMemo, data: &[u8], ctx: &Ctx) -> Partial {
    if memchr::memchr(b'"', data).is_some() || ctx.cols.last_needed() >= 64 {
        return parse_chunk_csv(memo, data, ctx);
    }
    let mut st = (Partial::default(), memo);
    let lines = ctx.layout.for_each_line(
        data,
        &mut st,
        |(_, memo), _, line, raw| match (memo.find(raw), quick_numbers(line)) {
            (Some(i), Some(n)) => {
                memo.acc(i).add_scaled(n);
                true
            }
            _ => false,
        },
        |(p, memo), rel, cells, raw| {
            if cells.line.is_empty() {
                return;
            }
            let parsed = parse_record(ctx.cols, cells, rel);
            take(p, memo, raw, ctx, rel, parsed);
        },
    );
    let (mut p, _) = st;
    p.lines = lines;
    p
}

/// The same, with the csv crate, for chunks with quoted cells.
fn parse_chunk_csv(memo: &mut KeyMemo, data: &[u8], ctx: &Ctx) -> Partial {
    let mut p = Partial::default();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let rel = rec.position().map(|x| x.line()).unwrap_or(0);
                let parsed = parse_record(ctx.cols, &rec, rel);
                take(&mut p, memo, None, ctx, rel, parsed);
            }
            Err(e) => {
                let rel = e.position().map(|x| x.line()).unwrap_or(0);
                let parsed = Err((0, format!("unreadable CSV: {e}")));
                take(&mut p, memo, None, ctx, rel, parsed);
                break;
            }
        }
    }
    p.lines = line_count(data);
    p
}

/// Reads every row after the header into the sink.
pub fn aggregate(
    mut input: impl Read,
    cols: &Columns,
    path: &Path,
    first_line: u64,
    sink: &mut Sink,
) -> Vec<Diagnostic> {
    let ctx = Ctx {
        by_territory: sink.revenue.by_territory,
        layout: cols.layout(sink.revenue.by_territory),
        cols,
        known: sink.known,
    };
    let mut partials: Vec<Partial> = Vec::new();
    let (io_error, memos) = chunked(
        &mut input,
        sink.threads,
        &KeyMemo::default,
        &|memo, data| parse_chunk(memo, data, &ctx),
        |i, p| {
            if partials.len() <= i {
                partials.resize_with(i + 1, Partial::default);
            }
            partials[i] = p;
        },
    );
    merge(
        partials,
        sum_threads(memos),
        path,
        first_line,
        sink,
        io_error,
    )
}


/// Merges what the chunks found in chunk order, numbering lines.
fn merge(
    partials: Vec<Partial>,
    all: FxMap<Key, Acc>,
    path: &Path,
    first_line: u64,
    sink: &mut Sink,
    io_error: Option<std::io::Error>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut offset = first_line - 1;
    let mut errors = 0usize;
    for p in partials {
        for (rel, col, msg) in p.errors {
            if diags.len() < MAX_DIAGNOSTICS_PER_FILE {
                diags.push(Diagnostic::error(path, (offset + rel) as usize, col, msg));
            }
        }
        errors += p.error_count;
        for mut l in p.unmatched {
            l.line += offset;
            sink.unmatched.push(l);
        }
        offset += p.lines;
    }
    if errors > diags.len() {
        diags.push(Diagnostic::error(
            path,
            0,
            0,
            format!("{} more bad rows not listed", errors - diags.len()),
        ));
    }
    if let Some(e) = io_error {
        diags.push(Diagnostic::error(
            path,
            offset as usize,
            0,
            format!("reading stopped: {e}"),
        ));
    }
    let mut keys: Vec<(Key, Acc)> = all.into_iter().collect();
    keys.sort_unstable_by_key(|(k, _)| *k);
    for (k, a) in keys {
        match a.sums() {
            Some(s) => sink.add_sums(k, &s),
            None => diags.push(Diagnostic::error(path, 0, 0, too_large(&k))),
        }
    }
    diags
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

#[cfg(test)]
mod fast_tests {
    use super::*;
    use crate::statement::{FileSummary, Revenue, Sums};

    fn read(
        text: &str,
        threads: usize,
    ) -> (Revenue, FileSummary, Vec<Diagnostic>, Vec<RevenueLine>) {
        let mut rev = Revenue::default();
        let mut sum = FileSummary::default();
        let mut unmatched = Vec::new();
        let known =
            std::collections::HashSet::from([crate::codes::Isrc::parse("QZNWX2600001").unwrap()]);
        let mut sink = Sink {
            revenue: &mut rev,
            summary: &mut sum,
            known: Some(&known),
            unmatched: &mut unmatched,
            threads,
        };
        let d = crate::import::canonical::read(text.as_bytes(), Path::new("s.csv"), &mut sink);
        (rev, sum, d, unmatched)
    }

    #[test]
    fn chunks_and_threads_give_the_same_sums_and_line_numbers() {
        let mut text = String::from("period,isrc,source,territory,units,amount,currency\n");
        for i in 0..200_000u32 {
            let isrc = if i % 1000 == 7 {
                "QZNWX2600002"
            } else {
                "QZNWX2600001"
            };
            text.push_str(&format!(
                "2026-0{},{isrc},streaming,US,{},0.00{},USD\n",
                1 + i % 3,
                i % 50,
                i % 997
            ));
            if i == 150_000 {
                text.push_str("2026-01,QZNWX2600001,streaming,US,1,oops,USD\n\r\n");
            }
        }
        let one = read(&text, 1);
        let two = read(&text, 2);
        assert_eq!(one.0.sorted(), two.0.sorted());
        assert_eq!(one.1.totals, two.1.totals);
        assert_eq!(one.1.lines, 200_000);
        assert_eq!(one.2, two.2);
        assert_eq!(one.2.len(), 1);
        // Header is line 1; the bad row follows the 150,001st data row.
        assert_eq!(one.2[0].line, 150_003, "{}", one.2[0]);
        assert_eq!(one.3.len(), 200);
        assert_eq!(one.3, two.3);
        assert_eq!(one.3[0].line, 9);
    }

    #[test]
    fn quoted_cells_keep_their_meaning() {
        let text = "period,isrc,source,territory,store,units,amount,currency\n\
                    2026-01,QZNWX2600001,streaming,US,\"Shop, Inc\",3,1.50,USD\n";
        let (rev, _, d, _) = read(text, 2);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(rev.sums.values().next().unwrap().units, 3);
    }

    #[test]
    fn sums_too_large_to_be_exact_are_an_error_not_a_panic() {
        let big = |amount: &str, units: &str, n: usize| {
            let mut text = String::from("period,isrc,source,territory,units,amount,currency\n");
            for _ in 0..n {
                text.push_str(&format!(
                    "2026-01,QZNWX2600001,streaming,US,{units},{amount},USD\n"
                ));
            }
            read(&text, 2)
        };
        // 80 amounts just below the bound of a line add up past 10^16.
        let (rev, _, d, _) = big("999999999999999", "1", 80);
        assert!(rev.sums.is_empty());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("add up to 10^16 or more"), "{}", d[0]);
        // Units past i64.
        let (_, _, d, _) = big("1", "999999999999999", 9300);
        assert!(d[0].message.contains("add up to 10^16 or more"), "{}", d[0]);
        // Decimals beyond the scale that a Decimal would have to round.
        let (_, _, d, _) = big("999999999999999.9999999999999", "1", 8);
        assert!(d[0].message.contains("add up to 10^16 or more"), "{}", d[0]);
        // Just below: exact.
        let (rev, _, d, _) = big("999999999999999", "1", 10);
        assert!(d.is_empty(), "{d:?}");
        let s = rev.sums.values().next().unwrap();
        assert_eq!(s.amount, crate::money::dec("9999999999999990"));
    }

    #[test]
    fn amounts_beyond_the_scale_are_summed_exactly() {
        let text = "period,isrc,source,territory,units,amount,currency\n\
                    2026-01,QZNWX2600001,streaming,US,1,0.0000000000001,USD\n\
                    2026-01,QZNWX2600001,streaming,US,1,0.5,USD\n";
        let (rev, _, _, _) = read(text, 1);
        assert_eq!(
            rev.sums.values().next().unwrap().amount,
            crate::money::dec("0.5000000000001")
        );
    }

    /// A chunk read by the quick path, and by the general path alone (a
    /// layout that is never usable), with the sums merged by key.
    fn both_ways(data: &[u8], by_territory: bool) -> [(Vec<(Key, Sums)>, Partial); 2] {
        let mut names = crate::import::canonical::REQUIRED.to_vec();
        names.push("tax_withheld");
        let header = csv::ByteRecord::from(names);
        let cols = Columns::from_header(&header).expect("header");
        let known =
            std::collections::HashSet::from([crate::codes::Isrc::parse("QZNWX2600001").unwrap()]);
        let general = Layout {
            delimiter: b',',
            ..Layout::default()
        };
        [cols.layout(by_territory), general].map(|layout| {
            let ctx = Ctx {
                by_territory,
                layout,
                cols: &cols,
                known: Some(&known),
            };
            let mut memo = KeyMemo::default();
            // Twice, as a thread reads one chunk after another.
            let p = parse_chunk(&mut memo, data, &ctx);
            parse_chunk(&mut memo, data, &ctx);
            let sums = sum_threads(vec![memo]);
            let mut sums: Vec<(Key, Sums)> = sums
                .into_iter()
                .map(|(k, a)| (k, a.sums().expect("small sums")))
                .collect();
            sums.sort_by_key(|(k, _)| *k);
            (sums, p)
        })
    }

    fn pick(
        choices: &'static [&'static str],
    ) -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(choices)
    }

    proptest::prop_compose! {
        fn canonical_line()(
            period in pick(&["2026-01", "2026-02-28", "2026-13", "", "2026-1"]),
            isrc in pick(&["QZNWX2600001", "QZNWX2600002", "qznwx2600001", "QZ-NWX-26-00001", "BAD"]),
            source in pick(&["streaming", "download", " streaming", "radio"]),
            territory in pick(&["US", "gb", "USA", "", " DE"]),
            units in pick(&["12", "-3", "+4", " 7", "1.0", "x"]),
            amount in pick(&["1.50", "-0.5", "+1.25", "0.00000000000001", "1e3", "abc", "", " 3.5", "-0.00", "12345678901234567890"]),
            currency in pick(&["USD", "EUR", " usd", "XYZ"]),
            tax in pick(&["", "", "0.10", "-1", "n/a"]),
            end in pick(&["", "", "", "\r", ",extra", "CUT", "BLANK"]),
        ) -> String {
            let l = format!("{period},{isrc},{source},{territory},{units},{amount},{currency},{tax}");
            crate::import::quick::ended(l, end, ',')
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, .. Default::default() })]
        #[test]
        fn the_quick_path_reads_what_the_general_path_reads(
            lines in proptest::collection::vec(canonical_line(), 1..300),
            by_territory: bool,
        ) {
            let text = lines.join("\n");
            let [quick, general] = both_ways(text.as_bytes(), by_territory);
            proptest::prop_assert_eq!(&quick.0, &general.0);
            proptest::prop_assert_eq!(quick.1.lines, general.1.lines);
            proptest::prop_assert_eq!(&quick.1.errors, &general.1.errors);
            proptest::prop_assert_eq!(quick.1.error_count, general.1.error_count);
            proptest::prop_assert_eq!(&quick.1.unmatched, &general.1.unmatched);
        }
    }
}
