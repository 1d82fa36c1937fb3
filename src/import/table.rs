//! The profile engine for tabular layouts: a header row, then one revenue
//! row per line. Rows stream through a reused `csv::ByteRecord`; cells are
//! parsed from bytes (numbers, dates, codes) without a per-line allocation.
//! Each good row is pushed into the `Sink`; each bad one becomes an error
//! with its line and column; rows the profile skips (totals, album rows
//! without ISRC) are counted with their amounts and reported.

use super::dates;
use super::detect::norm;
use super::profile::{FieldSource, Match, Profile, SkipRule};
use super::territory;
use super::Skipped;
use crate::codes::{Currency, Isrc, Source, Territory};
use crate::diag::Diagnostic;
use crate::period::Usage;
use crate::statement::{RevenueLine, Sink, MAX_DIAGNOSTICS_PER_FILE};
use csv::ByteRecord;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

/// A stream of rows with their 1-based line numbers.
pub trait Rows {
    fn next_row(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, (u64, String)>;
}

/// Rows of a delimited text file.
pub struct CsvRows<R: Read> {
    rdr: csv::Reader<BlankLines<R>>,
    blanks: Rc<RefCell<VecDeque<(u64, u64)>>>,
}

impl<R: Read> CsvRows<R> {
    pub fn new(r: R, delimiter: u8, quoting: bool) -> Self {
        let blanks = Rc::new(RefCell::new(VecDeque::new()));
        let input = BlankLines {
            inner: r,
            offset: 0,
            state: Scan::Start,
            blanks: blanks.clone(),
        };
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .quoting(quoting)
            .buffer_capacity(1 << 16)
            .from_reader(input);
        CsvRows { rdr, blanks }
    }
}

impl<R: Read> Rows for CsvRows<R> {
    fn next_row(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, (u64, String)> {
        match self.rdr.read_byte_record(rec) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let pos = rec
                    .position()
                    .map(|p| (p.line(), p.byte()))
                    .unwrap_or((0, 0));
                Ok(Some(pos.0 + self.blank_lines_at(pos.1)))
            }
            Err(e) => Err((
                e.position().map(|p| p.line()).unwrap_or(0),
                format!("unreadable line: {e}"),
            )),
        }
    }
}

impl<R: Read> CsvRows<R> {
    /// The csv crate skips blank lines but reports a record after them at
    /// the first blank line's number and offset: count the blank lines that
    /// start where the record is said to start, to give its real line.
    fn blank_lines_at(&self, mut at: u64) -> u64 {
        let mut q = self.blanks.borrow_mut();
        let mut n = 0;
        while let Some(&(start, len)) = q.front() {
            if start < at {
                q.pop_front();
            } else if start == at {
                n += 1;
                at += len;
                q.pop_front();
            } else {
                break;
            }
        }
        n
    }
}

#[derive(Clone, Copy)]
enum Scan {
    Mid,
    Start,
    Cr(u64),
}

/// Passes bytes through, noting where blank lines start (rare: the queue
/// stays tiny, and lines are found with memchr).
struct BlankLines<R> {
    inner: R,
    offset: u64,
    state: Scan,
    blanks: Rc<RefCell<VecDeque<(u64, u64)>>>,
}

impl<R: Read> Read for BlankLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let b = &buf[..n];
        let mut i = 0;
        while i < b.len() {
            match self.state {
                Scan::Mid => match memchr::memchr(b'\n', &b[i..]) {
                    Some(j) => {
                        i += j + 1;
                        self.state = Scan::Start;
                    }
                    None => i = b.len(),
                },
                Scan::Start => {
                    match b[i] {
                        b'\n' => self
                            .blanks
                            .borrow_mut()
                            .push_back((self.offset + i as u64, 1)),
                        b'\r' => self.state = Scan::Cr(self.offset + i as u64),
                        _ => self.state = Scan::Mid,
                    }
                    i += 1;
                }
                Scan::Cr(start) => {
                    if b[i] == b'\n' {
                        self.blanks.borrow_mut().push_back((start, 2));
                        self.state = Scan::Start;
                        i += 1;
                    } else {
                        self.state = Scan::Mid;
                    }
                }
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Rows of a workbook sheet, already turned into text.
pub struct SheetRows(pub std::vec::IntoIter<(u64, Vec<String>)>);

impl Rows for SheetRows {
    fn next_row(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, (u64, String)> {
        Ok(self.0.next().map(|(line, cells)| {
            rec.clear();
            for c in &cells {
                rec.push_field(c.as_bytes());
            }
            line
        }))
    }
}

enum Cur {
    Col(usize),
    Fixed(Currency),
}
enum Units {
    Col(usize),
    Fixed(i64),
}
enum When {
    Col(usize),
    Fixed(Usage),
}

/// The profile bound to one file's header: column indices.
struct Bound<'p> {
    count: usize,
    header: Vec<String>,
    isrc: usize,
    usage: When,
    amount: usize,
    currency: Cur,
    units: Units,
    territory: Option<usize>,
    tax: Option<usize>,
    rules: Vec<(usize, &'p Match, Source)>,
    skips: Vec<(usize, &'p SkipRule)>,
}

fn bind<'p>(p: &'p Profile, header: &ByteRecord) -> Result<Bound<'p>, String> {
    let names: Vec<String> = header.iter().map(norm).collect();
    let mut missing = Vec::new();
    let mut find = |c: &str, optional: bool| -> Option<usize> {
        let i = names.iter().position(|n| *n == norm(c.as_bytes()));
        if i.is_none() && !optional {
            missing.push(c.to_string());
        }
        i
    };
    let mut col = |f: &FieldSource, what: &str, errs: &mut Vec<String>| -> Option<usize> {
        match f {
            FieldSource::Column { name, optional } => find(name, *optional),
            FieldSource::Fixed(_) => {
                errs.push(format!("{what} must come from a column"));
                None
            }
            FieldSource::Absent => None,
        }
    };
    let mut errs = Vec::new();
    let isrc = col(&p.isrc, "isrc", &mut errs);
    let amount = col(&p.amount, "amount", &mut errs);
    let usage = match &p.usage {
        FieldSource::Fixed(v) => dates::parse_any(&p.usage_formats, v.as_bytes())
            .map(When::Fixed)
            .ok_or_else(|| format!("usage `{v}` does not match the profile's date formats"))?,
        f => When::Col(col(f, "usage", &mut errs).unwrap_or(0)),
    };
    let currency = match &p.currency {
        FieldSource::Fixed(v) => {
            Cur::Fixed(Currency::parse(v).ok_or_else(|| format!("currency `{v}` is not ISO 4217"))?)
        }
        f => Cur::Col(col(f, "currency", &mut errs).unwrap_or(0)),
    };
    let units = match &p.units {
        FieldSource::Fixed(v) => Units::Fixed(
            v.trim()
                .parse()
                .map_err(|_| format!("units `{v}` is not a whole number"))?,
        ),
        FieldSource::Absent => Units::Fixed(0),
        f => match col(f, "units", &mut errs) {
            Some(i) => Units::Col(i),
            None => Units::Fixed(0),
        },
    };
    let territory = col(&p.territory, "territory", &mut errs);
    let tax = col(&p.tax_withheld, "tax_withheld", &mut errs);
    let _ = col(&p.store, "store", &mut errs);
    let mut rules = Vec::new();
    for r in &p.rules {
        if let Some(i) = find(&r.column, false) {
            rules.push((i, &r.matcher, r.source));
        }
    }
    let mut skips = Vec::new();
    for s in &p.skips {
        if let Some(i) = find(&s.column, false) {
            skips.push((i, s));
        }
    }
    if !missing.is_empty() {
        missing.dedup();
        errs.push(format!(
            "the header lacks the column{} {} that profile `{}` reads",
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", "),
            p.name
        ));
    }
    if !errs.is_empty() {
        return Err(errs.join("; "));
    }
    Ok(Bound {
        count: names.len(),
        header: header
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect(),
        isrc: isrc.unwrap_or(0),
        usage,
        amount: amount.unwrap_or(0),
        currency,
        units,
        territory,
        tax,
        rules,
        skips,
    })
}

/// 1-based character column where cell `i` starts (exact for unquoted cells).
fn column_of(rec: &ByteRecord, i: usize) -> usize {
    1 + rec.iter().take(i).map(|f| f.len() + 1).sum::<usize>()
}

/// Strips what spreadsheets add around identifiers: a leading `'`, an
/// `="..."` wrapper, spaces.
fn clean_id(b: &[u8]) -> &[u8] {
    let b = b.trim_ascii();
    let b = b.strip_prefix(b"'").unwrap_or(b);
    let b = match b.strip_prefix(b"=\"").and_then(|x| x.strip_suffix(b"\"")) {
        Some(x) => x,
        None => b,
    };
    b.trim_ascii()
}

/// Per-file state besides the sink.
pub struct Reader<'a> {
    pub path: &'a Path,
    pub diags: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    errors: usize,
    territories: HashMap<Box<[u8]>, Option<Territory>>,
    unknown_territories: Vec<(String, u64, u64)>,
}

impl<'a> Reader<'a> {
    pub fn new(path: &'a Path) -> Self {
        Reader {
            path,
            diags: Vec::new(),
            skipped: Vec::new(),
            errors: 0,
            territories: HashMap::new(),
            unknown_territories: Vec::new(),
        }
    }

    pub fn error(&mut self, line: u64, col: usize, msg: String) {
        self.errors += 1;
        if self.errors <= MAX_DIAGNOSTICS_PER_FILE {
            self.diags
                .push(Diagnostic::error(self.path, line as usize, col, msg));
        }
    }

    /// Maps a territory cell, remembering unknown values for one warning each.
    pub fn territory(
        &mut self,
        cell: &[u8],
        extra: &HashMap<String, Territory>,
        line: u64,
    ) -> Territory {
        let c = cell.trim_ascii();
        if c.len() == 2 {
            if let Some(t) = Territory::parse_bytes(c) {
                return t;
            }
        }
        let t = match self.territories.get(c) {
            Some(t) => *t,
            None => {
                let t = territory::lookup(c, extra);
                self.territories.insert(c.into(), t);
                t
            }
        };
        t.unwrap_or_else(|| {
            let name = String::from_utf8_lossy(c).into_owned();
            match self.unknown_territories.iter_mut().find(|u| u.0 == name) {
                Some(u) => u.2 += 1,
                None => self.unknown_territories.push((name, line, 1)),
            }
            Territory::WORLD
        })
    }

    /// Adds a skipped row to its reason's tally.
    pub fn skip(
        &mut self,
        reason: &str,
        totals: bool,
        line: u64,
        units: i64,
        amount: Option<(String, Decimal)>,
    ) {
        let s = match self.skipped.iter_mut().position(|s| s.reason == reason) {
            Some(i) => &mut self.skipped[i],
            None => {
                self.skipped.push(Skipped {
                    reason: reason.to_string(),
                    totals,
                    ..Skipped::default()
                });
                self.skipped.last_mut().expect("just pushed")
            }
        };
        s.lines.push(line);
        let (cur, a) = amount.unwrap_or_else(|| ("?".to_string(), Decimal::ZERO));
        let e = s.sums.entry(cur).or_default();
        e.amount += a;
        e.units += units;
        e.rows += 1;
    }

    /// Final warnings: skipped rows, unknown territories, too many errors.
    pub fn finish(mut self) -> (Vec<Diagnostic>, Vec<Skipped>) {
        for s in &self.skipped {
            let lines: Vec<String> = s.lines.iter().take(10).map(|l| l.to_string()).collect();
            let more = if s.lines.len() > 10 { ", …" } else { "" };
            // `?`: rows (such as totals lines) whose amount or currency is not given.
            let amounts: Vec<String> = s
                .sums
                .iter()
                .filter(|(c, a)| c.as_str() != "?" || !a.amount.is_zero())
                .map(|(c, a)| format!("{} {c}", a.amount))
                .collect();
            let units: i64 = s.sums.values().map(|a| a.units).sum();
            let what = if s.totals {
                "not summed in (the file's own totals)"
            } else {
                "not summed in: their revenue cannot be attributed to a track"
            };
            self.diags.push(Diagnostic::warning(
                self.path,
                s.lines.first().copied().unwrap_or(0) as usize,
                0,
                format!(
                    "{} row{} skipped ({}): lines {}{more}; amount {}, units {}; {what}",
                    s.lines.len(),
                    if s.lines.len() == 1 { "" } else { "s" },
                    s.reason,
                    lines.join(", "),
                    if amounts.is_empty() {
                        "not stated".to_string()
                    } else {
                        amounts.join(" + ")
                    },
                    units,
                ),
            ));
        }
        for (name, line, n) in &self.unknown_territories {
            self.diags.push(Diagnostic::warning(
                self.path,
                *line as usize,
                0,
                format!("territory `{name}` ({n} row{}) is not a known country name or code: read as WW", if *n == 1 { "" } else { "s" }),
            ));
        }
        if self.errors > MAX_DIAGNOSTICS_PER_FILE {
            self.diags.push(Diagnostic::error(
                self.path,
                0,
                0,
                format!(
                    "{} more bad rows not listed",
                    self.errors - MAX_DIAGNOSTICS_PER_FILE
                ),
            ));
        }
        (self.diags, self.skipped)
    }
}

/// Reads a tabular statement through profile `p`.
pub fn read(
    p: &Profile,
    rows: &mut dyn Rows,
    path: &Path,
    sink: &mut Sink,
) -> (Vec<Diagnostic>, Vec<Skipped>) {
    let mut rd = Reader::new(path);
    let mut rec = ByteRecord::new();
    let header_line = match rows.next_row(&mut rec) {
        Ok(Some(l)) => l,
        Ok(None) => {
            rd.diags.push(Diagnostic::warning(
                path,
                0,
                0,
                "the statement is empty: it adds no revenue",
            ));
            return rd.finish();
        }
        Err((l, m)) => {
            rd.error(l, 0, m);
            return rd.finish();
        }
    };
    let b = match bind(p, &rec) {
        Ok(b) => b,
        Err(m) => {
            let header: Vec<String> = rec
                .iter()
                .map(|h| String::from_utf8_lossy(h).into_owned())
                .collect();
            rd.error(
                header_line,
                1,
                format!("{m}; the header found is `{}`", header.join(", ")),
            );
            return rd.finish();
        }
    };
    loop {
        let line = match rows.next_row(&mut rec) {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err((l, m)) => {
                rd.error(l, 0, m);
                break;
            }
        };
        // Blank lines (a trailing empty line, an empty spreadsheet row).
        if rec.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        if let Some((_, s)) = b
            .skips
            .iter()
            .find(|(i, s)| rec.get(*i).is_some_and(|c| s.matcher.matches(c)))
        {
            let units = match b.units {
                Units::Col(i) => rec.get(i).and_then(|c| p.numbers.integer(c)).unwrap_or(0),
                Units::Fixed(u) => u,
            };
            let cur = match b.currency {
                Cur::Col(i) => rec
                    .get(i)
                    .map(|c| String::from_utf8_lossy(c.trim_ascii()).into_owned()),
                Cur::Fixed(c) => Some(c.to_string()),
            };
            let amount = rec.get(b.amount).and_then(|c| p.numbers.decimal(c));
            rd.skip(&s.reason, s.totals, line, units, cur.zip(amount));
            continue;
        }
        match parse_row(p, &b, &rec, line, &mut rd) {
            Ok(l) => sink.push(&l),
            Err((col, msg)) => rd.error(line, col, msg),
        }
    }
    rd.finish()
}

fn parse_row(
    p: &Profile,
    b: &Bound,
    rec: &ByteRecord,
    line: u64,
    rd: &mut Reader,
) -> Result<RevenueLine, (usize, String)> {
    // Fewer cells than the header: a ragged or cut-off line. More cells
    // (beyond empty trailing ones) would shift every column: refused too.
    let extra_filled = rec.iter().skip(b.count).any(|c| !c.trim_ascii().is_empty());
    if rec.len() < b.count || extra_filled {
        return Err((
            0,
            format!(
                "the row has {} cells, the header {}: {}",
                rec.len(),
                b.count,
                if rec.len() < b.count {
                    "a cell is missing (a cut-off or ragged line?)"
                } else {
                    "a cell too many (an unquoted delimiter inside a value?)"
                }
            ),
        ));
    }
    let cell = |i: usize| rec.get(i).unwrap_or(b"");
    let bad = |i: usize, expected: &str| {
        let found = String::from_utf8_lossy(cell(i)).into_owned();
        (
            column_of(rec, i),
            format!(
                "{}: expected {expected}, found `{found}`",
                b.header[i].trim()
            ),
        )
    };
    let raw_isrc = clean_id(cell(b.isrc));
    let isrc = Isrc::parse_bytes(raw_isrc).ok_or_else(|| {
        let sci = raw_isrc.iter().any(|c| *c == b'E' || *c == b'e') && raw_isrc.contains(&b'+');
        bad(
            b.isrc,
            if sci {
                "an ISRC; this looks like a number in scientific notation (a spreadsheet turned the code into a number): export it as text"
            } else {
                "an ISRC like QZNWX2600001 (2 letters, 3 letters or digits, 7 digits)"
            },
        )
    })?;
    let mut usage = match &b.usage {
        When::Fixed(u) => *u,
        When::Col(i) => dates::parse_any(&p.usage_formats, cell(*i)).ok_or_else(|| {
            let forms: Vec<&str> = p.usage_formats.iter().map(|f| f.text.as_str()).collect();
            bad(*i, &format!("a date written {}", forms.join(" or ")))
        })?,
    };
    if p.usage_month {
        usage.day = 0;
    }
    let units = match b.units {
        Units::Col(i) => p
            .numbers
            .integer(cell(i))
            .ok_or_else(|| bad(i, "a whole number of units"))?,
        Units::Fixed(u) => u,
    };
    let amount = p
        .numbers
        .decimal(cell(b.amount))
        .ok_or_else(|| bad(b.amount, "an amount (a decimal number)"))?;
    let currency = match b.currency {
        Cur::Col(i) => Currency::parse_bytes(cell(i).trim_ascii())
            .ok_or_else(|| bad(i, "an ISO 4217 currency code like USD"))?,
        Cur::Fixed(c) => c,
    };
    let tax_withheld = match b.tax {
        Some(i) if !cell(i).trim_ascii().is_empty() => p
            .numbers
            .decimal(cell(i))
            .ok_or_else(|| bad(i, "a tax amount (a decimal number) or an empty cell"))?,
        _ => Decimal::ZERO,
    };
    let territory = match b.territory {
        Some(i) => rd.territory(cell(i), &p.territories, line),
        None => Territory::WORLD,
    };
    let source = b
        .rules
        .iter()
        .find(|(i, m, _)| m.matches(cell(*i)))
        .map(|r| r.2)
        .unwrap_or(p.default_source);
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
