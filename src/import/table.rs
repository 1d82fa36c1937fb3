//! The profile engine for tabular layouts: a header row, then one revenue
//! row per line. Rows stream through a reused `csv::ByteRecord`; cells are
//! parsed from bytes (numbers, dates, codes) without a per-line allocation.
//! Each good row is pushed into the `Sink`; each bad one becomes an error
//! with its line and column; rows the profile skips (totals, album rows
//! without ISRC) are counted with their amounts and reported.

use super::acc::{too_large, Acc, FxMap};
use super::cells::Cells;
use super::chunks::{chunked, header_line, line_count};
use super::dates;
use super::detect::norm;
use super::memo::{sum_threads, KeyMemo, RawKey};
use super::profile::{FieldSource, Match, Profile, SkipRule};
use super::quick::{Layout, Line, Numbers};
use super::sink::{Sink, MAX_DIAGNOSTICS_PER_FILE};
use super::territory;
use super::Skipped;
use crate::codes::{Currency, Isrc, Source, Territory};
use crate::diag::Diagnostic;
use crate::period::Usage;
use crate::statement::{Key, RevenueLine};
use csv::ByteRecord;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// A stream of rows with their 1-based line numbers.
pub trait Rows {
    fn next_row(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, (u64, String)>;
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

impl Bound<'_> {
    /// The columns that decide a row's key and whether a rule skips it: two
    /// rows with the same bytes there parse to the same key (`memo`).
    fn key_columns(&self, by_territory: bool) -> Vec<usize> {
        let mut v = vec![self.isrc];
        if let When::Col(i) = self.usage {
            v.push(i);
        }
        if let Cur::Col(i) = self.currency {
            v.push(i);
        }
        v.extend(self.rules.iter().map(|r| r.0));
        v.extend(self.skips.iter().map(|s| s.0));
        if by_territory {
            v.extend(self.territory);
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The quick path's view of this binding (`import::quick`): the key
    /// cells in the order of `key_cols`, and the numbers. Rows must have
    /// the header's count of cells exactly (else `parse_row` decides).
    fn layout(&self, delimiter: u8, key_cols: &[usize]) -> Option<Layout> {
        let units = match self.units {
            Units::Col(i) => Some(i),
            Units::Fixed(_) => None,
        };
        // A column read for two things is left to the general path.
        let read: Vec<usize> = [Some(self.amount), units, self.tax, self.territory]
            .into_iter()
            .flatten()
            .collect();
        let mut distinct = read.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != read.len() {
            return None;
        }
        let l = Layout {
            delimiter,
            keys: key_cols.to_vec(),
            units,
            amount: Some(self.amount),
            tax: self.tax,
            territory: self.territory,
            cells: self.count,
            exact: true,
        };
        l.usable().then_some(l)
    }
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
    /// Source per cell, when every source rule reads the same column.
    sources: FxMap<Box<[u8]>, crate::codes::Source>,
    /// Usage date per date cell: months repeat on every line.
    dates: FxMap<Box<[u8]>, Option<Usage>>,
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
            sources: FxMap::default(),
            dates: FxMap::default(),
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

    /// The usage date of a date cell, remembered (a bounded memo).
    fn usage(&mut self, formats: &[dates::DatePattern], cell: &[u8]) -> Option<Usage> {
        if let Some(u) = self.dates.get(cell) {
            return *u;
        }
        let u = dates::parse_any(formats, cell);
        if self.dates.len() < 4096 {
            self.dates.insert(cell.into(), u);
        }
        u
    }

    /// Takes in what another reader saw in a later chunk of the same file,
    /// its line numbers shifted by `offset`.
    fn absorb(&mut self, other: Reader, offset: u64) {
        for mut d in other.diags {
            d.line += offset as usize;
            if self.diags.len() < MAX_DIAGNOSTICS_PER_FILE {
                self.diags.push(d);
            }
        }
        self.errors += other.errors;
        for s in other.skipped {
            match self.skipped.iter_mut().find(|x| x.reason == s.reason) {
                Some(x) => {
                    x.lines.extend(s.lines.iter().map(|l| l + offset));
                    for (c, a) in s.sums {
                        let e = x.sums.entry(c).or_default();
                        e.amount += a.amount;
                        e.units += a.units;
                        e.rows += a.rows;
                    }
                }
                None => {
                    let mut s = s;
                    s.lines.iter_mut().for_each(|l| *l += offset);
                    self.skipped.push(s);
                }
            }
        }
        for (name, line, n) in other.unknown_territories {
            match self.unknown_territories.iter_mut().find(|u| u.0 == name) {
                Some(u) => u.2 += n,
                None => self.unknown_territories.push((name, line + offset, n)),
            }
        }
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

/// Binds the profile to the header, or reports why it cannot, with the
/// header as found.
fn bind_or_report<'p>(
    p: &'p Profile,
    rec: &ByteRecord,
    line: u64,
    rd: &mut Reader,
) -> Option<Bound<'p>> {
    match bind(p, rec) {
        Ok(b) => Some(b),
        Err(m) => {
            let header: Vec<String> = rec
                .iter()
                .map(|h| String::from_utf8_lossy(h).into_owned())
                .collect();
            rd.error(
                line,
                1,
                format!("{m}; the header found is `{}`", header.join(", ")),
            );
            None
        }
    }
}

/// What one chunk of a delimited file gave.
struct ChunkOut<'a> {
    lines: u64,
    rd: Reader<'a>,
    unmatched: Vec<RevenueLine>,
}

/// Reads a delimited text statement through profile `p`, in chunks of
/// whole lines parsed in parallel (`import::chunks::chunked`): the header
/// here, then every row, with the same checks as `read`. Per-chunk state
/// (errors, skipped rows, unknown territories) is merged in chunk order, so
/// the result does not depend on the number of threads.
pub fn read_delimited(
    p: &Profile,
    input: impl Read,
    path: &Path,
    sink: &mut Sink,
) -> (Vec<Diagnostic>, Vec<Skipped>) {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let mut rd = Reader::new(path);
    let (header_line, header) = match header_line(&mut input) {
        Ok(Some(h)) => h,
        Ok(None) => {
            rd.diags.push(Diagnostic::warning(
                path,
                0,
                0,
                "the statement is empty: it adds no revenue",
            ));
            return rd.finish();
        }
        Err(e) => {
            rd.error(1, 0, format!("unreadable line: {e}"));
            return rd.finish();
        }
    };
    let mut rec = ByteRecord::new();
    let mut hdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(p.delimiter)
        .quoting(p.quoting)
        .from_reader(&header[..]);
    if let Err(e) = hdr.read_byte_record(&mut rec) {
        rd.error(header_line, 0, format!("unreadable line: {e}"));
        return rd.finish();
    }
    let Some(b) = bind_or_report(p, &rec, header_line, &mut rd) else {
        return rd.finish();
    };
    let by_territory = sink.revenue.by_territory;
    let known = sink.known;
    let key_cols = b.key_columns(by_territory);
    // No quick path if a layout reads one column twice, or too many.
    let layout = b.layout(p.delimiter, &key_cols);
    let layout = layout.unwrap_or_else(|| Layout {
        delimiter: p.delimiter,
        ..Layout::default()
    });
    // A good row: summed, and its key cells remembered for the rows that
    // repeat them.
    let take = |out: &mut ChunkOut, memo: &mut KeyMemo, raw: Option<&RawKey>, l: RevenueLine| {
        let key = Key::of(&l, by_territory);
        let unmatched = known.is_some_and(|k| !k.contains(&l.isrc));
        let i = memo.remember(raw, key, unmatched);
        memo.acc(i).add(&l);
        if unmatched {
            out.unmatched.push(l);
        }
    };
    let parse = |memo: &mut KeyMemo, data: &[u8]| -> ChunkOut {
        let mut out = ChunkOut {
            lines: 0,
            rd: Reader::new(path),
            unmatched: Vec::new(),
        };
        let lines;
        let mut rd = Reader::new(path);
        if (p.quoting && memchr::memchr(b'"', data).is_some()) || b.count > 64 {
            lines = line_count(data);
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(p.delimiter)
                .quoting(p.quoting)
                .from_reader(data);
            let mut rec = ByteRecord::new();
            loop {
                match r.read_byte_record(&mut rec) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = rec.position().map(|x| x.line()).unwrap_or(0);
                        if rec.iter().all(|c| c.trim_ascii().is_empty()) {
                            continue;
                        }
                        match row(p, &b, &rec, line, &mut rd) {
                            Some(Ok(l)) => take(&mut out, memo, None, l),
                            Some(Err((col, msg))) => rd.error(line, col, msg),
                            None => {}
                        }
                    }
                    Err(e) => {
                        rd.error(
                            e.position().map(|x| x.line()).unwrap_or(0),
                            0,
                            format!("unreadable line: {e}"),
                        );
                        break;
                    }
                }
            }
        } else {
            let mut st = (&mut out, &mut *memo, &mut rd);
            lines = layout.for_each_line(
                data,
                &mut st,
                |(_, memo, rd), rel, line, raw| {
                    let Some(i) = memo.find(raw) else {
                        return false;
                    };
                    match quick_numbers(p, &b, line, rel, rd) {
                        Some(n) => {
                            memo.acc(i).add_scaled(n);
                            true
                        }
                        None => false,
                    }
                },
                |(out, memo, rd), rel, cells, raw| {
                    if !cells.filled_from(0) {
                        return;
                    }
                    match row(p, &b, cells, rel, rd) {
                        Some(Ok(l)) => take(out, memo, raw, l),
                        Some(Err((col, msg))) => rd.error(rel, col, msg),
                        None => {}
                    }
                },
            );
        }
        out.lines = lines;
        out.rd = rd;
        out
    };
    let mut outs: Vec<Option<ChunkOut>> = Vec::new();
    let (io_error, memos) = chunked(
        &mut input,
        sink.threads,
        &KeyMemo::default,
        &parse,
        |i, o| {
            if outs.len() <= i {
                outs.resize_with(i + 1, || None);
            }
            outs[i] = Some(o);
        },
    );
    let mut offset = header_line;
    for o in outs.into_iter().flatten() {
        for mut l in o.unmatched {
            l.line += offset;
            sink.unmatched.push(l);
        }
        rd.absorb(o.rd, offset);
        offset += o.lines;
    }
    if let Some(e) = io_error {
        rd.error(offset, 0, format!("reading stopped: {e}"));
    }
    let mut keys: Vec<(Key, Acc)> = sum_threads(memos).into_iter().collect();
    keys.sort_unstable_by_key(|(k, _)| *k);
    for (k, a) in keys {
        match a.sums() {
            Some(s) => sink.add_sums(k, &s),
            None => rd.error(0, 0, too_large(&k)),
        }
    }
    rd.finish()
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
    let Some(b) = bind_or_report(p, &rec, header_line, &mut rd) else {
        return rd.finish();
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
        match row(p, &b, &rec, line, &mut rd) {
            Some(Ok(l)) => sink.push(&l),
            Some(Err((col, msg))) => rd.error(line, col, msg),
            None => {}
        }
    }
    rd.finish()
}

/// The numbers of an ordinary line whose key cells are known good
/// (`memo`), with the territory looked at as `parse_row` does. `None` when
/// the line is out of the ordinary: it then takes the full path, with its
/// full checks and messages.
fn quick_numbers(
    p: &Profile,
    b: &Bound,
    line: &Line,
    rel: u64,
    rd: &mut Reader,
) -> Option<Numbers> {
    let units = match b.units {
        Units::Col(_) => p.numbers.integer(line.units)?,
        Units::Fixed(u) => u,
    };
    let amount = p.numbers.scaled(line.amount)?;
    let tax = match b.tax.map(|_| line.tax) {
        Some(c) if !c.trim_ascii().is_empty() => p.numbers.scaled(c)?,
        _ => (0, 0),
    };
    // Last, as in `parse_row`: unknown names are counted once per good row
    // (a two-letter code is known: nothing to count).
    let t = line.territory;
    if b.territory.is_some() && !(t.len() == 2 && t.iter().all(u8::is_ascii_alphabetic)) {
        rd.territory(t, &p.territories, rel);
    }
    Some(Numbers { units, amount, tax })
}

/// One row: skipped by a rule (tallied, `None`), or parsed.
fn row(
    p: &Profile,
    b: &Bound,
    rec: &impl Cells,
    line: u64,
    rd: &mut Reader,
) -> Option<Result<RevenueLine, (usize, String)>> {
    let Some((_, s)) = b
        .skips
        .iter()
        .find(|(i, s)| *i < rec.count() && s.matcher.matches(rec.cell(*i)))
    else {
        return Some(parse_row(p, b, rec, line, rd));
    };
    let units = match b.units {
        Units::Col(i) => p.numbers.integer(rec.cell(i)).unwrap_or(0),
        Units::Fixed(u) => u,
    };
    let cur = match b.currency {
        Cur::Col(i) => Some(String::from_utf8_lossy(rec.cell(i).trim_ascii()).into_owned()),
        Cur::Fixed(c) => Some(c.to_string()),
    };
    let amount = p.numbers.decimal(rec.cell(b.amount));
    rd.skip(&s.reason, s.totals, line, units, cur.zip(amount));
    None
}

fn parse_row(
    p: &Profile,
    b: &Bound,
    rec: &impl Cells,
    line: u64,
    rd: &mut Reader,
) -> Result<RevenueLine, (usize, String)> {
    // Fewer cells than the header: a ragged or cut-off line. More cells
    // (beyond empty trailing ones) would shift every column: refused too.
    let extra_filled = rec.filled_from(b.count);
    if rec.count() < b.count || extra_filled {
        return Err((
            0,
            format!(
                "the row has {} cells, the header {}: {}",
                rec.count(),
                b.count,
                if rec.count() < b.count {
                    "a cell is missing (a cut-off or ragged line?)"
                } else {
                    "a cell too many (an unquoted delimiter inside a value?)"
                }
            ),
        ));
    }
    let cell = |i: usize| rec.cell(i);
    let bad = |i: usize, expected: &str| {
        let found = String::from_utf8_lossy(cell(i)).into_owned();
        (
            rec.column(i),
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
        When::Col(i) => rd.usage(&p.usage_formats, cell(*i)).ok_or_else(|| {
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
            .ok_or_else(|| bad(i, "a whole number of units below 10^15"))?,
        Units::Fixed(u) => u,
    };
    let amount = p
        .numbers
        .decimal(cell(b.amount))
        .ok_or_else(|| bad(b.amount, "an amount (a decimal number below 10^15)"))?;
    let currency = match b.currency {
        Cur::Col(i) => Currency::parse_bytes(cell(i).trim_ascii())
            .ok_or_else(|| bad(i, "an ISO 4217 currency code like USD"))?,
        Cur::Fixed(c) => c,
    };
    let tax_withheld = match b.tax {
        Some(i) if !cell(i).trim_ascii().is_empty() => {
            p.numbers.decimal(cell(i)).ok_or_else(|| {
                bad(
                    i,
                    "a tax amount (a decimal number below 10^15) or an empty cell",
                )
            })?
        }
        _ => Decimal::ZERO,
    };
    let territory = match b.territory {
        Some(i) => rd.territory(cell(i), &p.territories, line),
        None => Territory::WORLD,
    };
    let by_rules = || {
        b.rules
            .iter()
            .find(|(i, m, _)| m.matches(cell(*i)))
            .map(|r| r.2)
            .unwrap_or(p.default_source)
    };
    // Stores repeat on every line: remember each one's source.
    let source = match b.rules.first() {
        Some((col, _, _)) if b.rules.iter().all(|(i, _, _)| i == col) => {
            match rd.sources.get(cell(*col)) {
                Some(s) => *s,
                None => {
                    let s = by_rules();
                    if rd.sources.len() < 4096 {
                        rd.sources.insert(cell(*col).into(), s);
                    }
                    s
                }
            }
        }
        _ => by_rules(),
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

#[cfg(test)]
mod tests {
    //! The quick path (`import::quick` with `statement::memo`) must give
    //! exactly what the general path gives: here every DistroKid-like text,
    //! good and bad lines mixed, is read both ways and compared whole.
    use super::*;
    use crate::statement::{FileSummary, Revenue};
    use proptest::prelude::*;

    const HEADER: &str = "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)";

    fn profile() -> Profile {
        let text = include_str!("../../profiles/distrokid.toml");
        Profile::parse(text, Path::new("distrokid.toml"), "built-in").expect("built-in profile")
    }

    type Outcome = (
        Vec<(Key, crate::statement::Sums)>,
        FileSummary,
        Vec<RevenueLine>,
    );

    fn run(
        text: &str,
        quick: bool,
        threads: usize,
        by_territory: bool,
    ) -> (Outcome, Vec<Diagnostic>, Vec<Skipped>) {
        let p = profile();
        let mut rev = Revenue {
            by_territory,
            ..Revenue::default()
        };
        let mut summary = FileSummary::default();
        let mut unmatched = Vec::new();
        let known = std::collections::HashSet::from(
            ["QZBEN2600045", "QZBEN2600023"].map(|i| Isrc::parse(i).expect("isrc")),
        );
        let mut sink = Sink {
            revenue: &mut rev,
            summary: &mut summary,
            known: Some(&known),
            unmatched: &mut unmatched,
            threads,
        };
        let path = Path::new("s.tsv");
        let (diags, skipped) = if quick {
            read_delimited(&p, text.as_bytes(), path, &mut sink)
        } else {
            let rows: Vec<(u64, Vec<String>)> = text
                .split('\n')
                .enumerate()
                .map(|(i, l)| {
                    let l = l.strip_suffix('\r').unwrap_or(l);
                    (i as u64 + 1, l.split('\t').map(str::to_string).collect())
                })
                .collect();
            read(&p, &mut SheetRows(rows.into_iter()), path, &mut sink)
        };
        ((rev.sorted(), summary, unmatched), diags, skipped)
    }

    fn cell(choices: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        proptest::sample::select(choices)
    }

    prop_compose! {
        fn line()(
            month in cell(&["2026-03", "2026-01", "2026-13", "", "2026-02-15"]),
            store in cell(&["Spotify", "iTunes", "YouTube (Ads)", " Spotify"]),
            isrc in cell(&["QZBEN2600045", "QZBEN2600023", "qzben2600023", "'QZBEN2600045", "BAD", "", "QZNWX2699999"]),
            units in cell(&["2639", "-3", "+4", " 7 ", "1.0", "x", ""]),
            kind in cell(&["Song", "Song", "Song", "Album"]),
            country in cell(&["GB", "us", "Narnia", "", "United Kingdom"]),
            amount in cell(&["6.002915", "-0.5", "+1.25", "(2.00)", "1E-3", "abc", "", " 3.5", "0.1234567890123", "-0.00"]),
            end in cell(&["", "", "", "\r", "\t", "\textra", "CUT", "BLANK"]),
        ) -> String {
            let l = format!("2026-04-05\t{month}\t{store}\tA\tT\t{isrc}\t1\t{units}\t100\t{kind}\t{country}\t0\t{amount}");
            crate::import::quick::ended(l, end, '\t')
        }
    }

    #[test]
    fn a_cell_too_many_is_found_past_the_64th() {
        let good = "2026-04-05\t2026-03\tSpotify\tA\tT\tQZBEN2600045\t1\t2\t100\tSong\tGB\t0\t1.5";
        let text = format!("{HEADER}\n{good}{}\tx\n", "\t".repeat(60));
        let (_, diags, _) = run(&text, true, 1, false);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("a cell too many"), "{}", diags[0]);
        // Blank cells past the header's are fine.
        let text = format!("{HEADER}\n{good}{}\n", "\t".repeat(70));
        assert!(run(&text, true, 1, false).1.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
        #[test]
        fn the_quick_path_reads_what_the_general_path_reads(
            lines in proptest::collection::vec(line(), 1..300),
            repeat in 1usize..4,
            by_territory: bool,
        ) {
            // Repeating the lines makes the memo answer for most of them.
            let mut text = String::from(HEADER);
            for _ in 0..repeat {
                for l in &lines {
                    text.push('\n');
                    text.push_str(l);
                }
            }
            let general = run(&text, false, 1, by_territory);
            for threads in [1, 2] {
                let quick = run(&text, true, threads, by_territory);
                prop_assert_eq!(&quick.0.0, &general.0.0);
                prop_assert_eq!(quick.0.1.lines, general.0.1.lines);
                prop_assert_eq!(&quick.0.1.totals, &general.0.1.totals);
                prop_assert_eq!(&quick.0.2, &general.0.2);
                prop_assert_eq!(&quick.1, &general.1);
                prop_assert_eq!(&quick.2, &general.2);
            }
        }
    }
}
