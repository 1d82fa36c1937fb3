//! The profile engine for tabular layouts (every delimited statement, the
//! canonical CSV included, and workbook sheets): lines before the header,
//! the header, the rows, and what follows them.
//!
//! Text is read in chunks of whole records parsed on every core
//! (`chunks`). Ordinary lines take the quick path (`quick`, `memo`): their
//! key cells are looked up as raw bytes and only their numbers are read.
//! Every other line is split and read in full (`row`), with the same
//! checks and messages whichever path it came from; the property tests
//! below compare the two paths line for line. Per-chunk state is merged in
//! chunk order, so the result does not depend on the number of threads.

mod bind;
pub mod header;
pub mod reader;
mod row;
#[cfg(test)]
mod tests;

pub use reader::Reader;

use super::catalog::{packed, Matching};
use super::cells::Cells;
use super::chunks::{chunked, line_count, Cutter};
use super::decimal::{int_from_bytes, short_scaled};
use super::memo::{ContextMemo, RawKey};
use super::profile::Profile;
use super::quick::{Layout, Line, Numbers};
use super::sink::Sink;
use super::tally::{Context, FileSums, Shared, ThreadSums};
use crate::codes::{Isrc, Territory};
use crate::diag::Diagnostic;
use crate::statement::RevenueLine;
use bind::{bind, Around, Bound, Cur, Units, When};
use csv::ByteRecord;
use row::{cell_of, clean_id, row, RowCtx};
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

/// The file being read: its name in messages (`bundle.zip!member.csv` for
/// a zip member) and its own name, for a usage date taken from it.
pub struct FileCtx<'a> {
    pub path: &'a Path,
    pub file_name: &'a str,
}

impl Bound<'_> {
    /// The columns that decide a row's context (its key but the track)
    /// and whether a rule skips it: two rows with the same bytes there
    /// parse to the same context (`memo`). Skip rules that read the ISRC's
    /// columns are checked on every line instead (`isrc_skips`).
    fn key_columns(&self, by_territory: bool) -> Vec<usize> {
        let mut v = Vec::new();
        let mut col = |c: bind::Col| {
            v.push(c.at);
            v.extend(c.or);
        };
        if let When::Col(c) = self.usage {
            col(c);
        }
        if let Cur::Col(c) = self.currency {
            col(c);
        }
        if by_territory {
            if let Some(c) = self.territory {
                col(c);
            }
        }
        v.extend(self.source);
        v.extend(self.rules.iter().map(|r| r.0));
        let isrc = self.isrc_columns();
        v.extend(self.skips.iter().map(|s| s.0).filter(|c| !isrc.contains(c)));
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The ISRC's column and its fallback.
    fn isrc_columns(&self) -> Vec<usize> {
        self.isrc
            .map_or(Vec::new(), |c| [c.at].into_iter().chain(c.or).collect())
    }

    /// Skip rules on the ISRC's columns: looked at on every quick line.
    fn isrc_skips(&self) -> Vec<(usize, &super::profile::SkipRule)> {
        let isrc = self.isrc_columns();
        self.skips
            .iter()
            .filter(|s| isrc.contains(&s.0))
            .map(|(c, s)| (*c, *s))
            .collect()
    }

    /// The quick path's view of this binding (`import::quick`), if it can
    /// take one: its numbers each from one column (no fallback), its usage
    /// from a column or the file, an ISRC column.
    fn layout(&self, p: &Profile, by_territory: bool) -> Option<Layout> {
        let plain = |c: Option<bind::Col>| match c {
            Some(c) if c.or.is_some() => Err(()),
            c => Ok(c.map(|c| c.at)),
        };
        let units = match self.units {
            Units::Col(c) => plain(Some(c)).ok()?,
            Units::Fixed(_) => None,
        };
        let amount = plain(Some(self.amount)).ok()?;
        let tax = plain(self.tax).ok()?;
        let territory = plain(self.territory).ok()?;
        let isrc = self.isrc?;
        if matches!(self.usage, When::AnyCell) {
            return None;
        }
        // The ISRC is read on every line, never remembered with the
        // context: a column that is both is left to the general path.
        let keys = self.key_columns(by_territory);
        let read_too = [amount, units, tax, territory].into_iter().flatten();
        if self
            .isrc_columns()
            .iter()
            .any(|c| keys.contains(c) || read_too.clone().any(|r| r == *c))
        {
            return None;
        }
        // A column read for two things is left to the general path.
        let read: Vec<usize> = [amount, units, tax, territory]
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
            delimiter: p.delimiter,
            isrc: isrc.at,
            isrc_or: isrc.or,
            keys,
            units,
            amount,
            tax,
            territory,
            cells: self.count,
            exact: !p.extra_cells_ignored,
        };
        l.usable().then_some(l)
    }
}

/// Binds the profile to the header, or reports why it cannot, with the
/// header as found.
fn bind_or_report<'p>(
    p: &'p Profile,
    rec: &ByteRecord,
    line: u64,
    around: &Around,
    rd: &mut Reader,
) -> Option<Bound<'p>> {
    match bind(p, rec, around) {
        Ok(b) => Some(b),
        Err(errs) => {
            let header: Vec<String> = rec
                .iter()
                .map(|h| String::from_utf8_lossy(h).into_owned())
                .collect();
            let mut errs = errs;
            errs.dedup();
            for (col, m) in errs {
                let shown = if col <= 1 {
                    format!("{m}; the header found is `{}`", header.join(", "))
                } else {
                    m
                };
                rd.error(line, col, shown);
            }
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

/// One reading thread: its memory of contexts and its sums.
struct Thread<'a, 's> {
    memo: ContextMemo,
    sums: ThreadSums<'a, 's>,
}

/// How good rows are summed: per territory or not, and which tracks the
/// agreements list (`None`: every line is kept under its key).
#[derive(Clone, Copy)]
struct Summing<'m> {
    by_territory: bool,
    matching: Option<&'m Matching>,
}

impl Summing<'_> {
    /// Whether a line of this track is summed under its key (else per
    /// currency only), and whether it is listed as unmatched.
    fn fate(&self, isrc: u128) -> (bool, bool) {
        match self.matching {
            None => (true, false),
            Some(m) if m.lists(isrc) => (true, false),
            Some(m) => (m.list, m.list),
        }
    }
}

/// A good row: summed, its context cells remembered for the rows that
/// repeat them; listed when no agreement covers its track (if asked).
fn take(
    unmatched: &mut Vec<RevenueLine>,
    t: &mut Thread,
    raw: Option<&RawKey>,
    l: RevenueLine,
    how: Summing,
) {
    let ctx = t.sums.context(Context::of(&l, how.by_territory));
    if let Some(raw) = raw {
        t.memo.remember(raw, ctx);
    }
    let (keyed, listed) = how.fate(packed(&l.isrc));
    t.sums.add_line(&l, ctx, keyed);
    if listed {
        unmatched.push(l);
    }
}

/// An ordinary line whose context cells are known good: its ISRC and
/// numbers read and summed; `false` to send it down the full path.
#[inline]
fn quick_line(
    p: &Profile,
    b: &Bound,
    (line, rel, raw): (&Line, u64, &RawKey),
    out: &mut ChunkOut,
    t: &mut Thread,
    how: Summing,
    isrc_skips: &[(usize, &super::profile::SkipRule)],
) -> bool {
    let Some(ctx) = t.memo.find(raw) else {
        return false;
    };
    let lay = |c: usize| {
        if Some(c) == b.isrc.and_then(|i| i.or) {
            line.isrc_or
        } else {
            line.isrc
        }
    };
    if isrc_skips.iter().any(|(c, s)| s.matcher.matches(lay(*c))) {
        return false;
    }
    let cell = match b.isrc.and_then(|i| i.or) {
        Some(_) if line.isrc.trim_ascii().is_empty() => line.isrc_or,
        _ => line.isrc,
    };
    let Some(isrc) = Isrc::parse_bytes(clean_id(cell)) else {
        return false;
    };
    let isrc = packed(&isrc);
    let (keyed, listed) = how.fate(isrc);
    if listed {
        return false;
    }
    let Some(n) = quick_numbers(p, b, line, rel, &mut out.rd) else {
        return false;
    };
    if keyed {
        t.sums.acc(isrc, ctx).add_scaled(n);
    } else {
        t.sums.add_unmatched(ctx, n);
    }
    true
}

/// Reads a delimited text statement through profile `p`: the lines before
/// the header and the header here, then the rows in chunks parsed in
/// parallel, then whatever follows the rows.
pub fn read_text(
    p: &Profile,
    input: impl Read,
    file: &FileCtx,
    sink: &mut Sink,
) -> Vec<Diagnostic> {
    let path = file.path;
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let mut rd = Reader::new(path, sink.keeps_rows());
    let located = match header::locate(&mut input, p) {
        Ok(Some(l)) => l,
        Ok(None) => {
            rd.diags.push(
                Diagnostic::warning(path, 0, 0, "the statement is empty: it adds no revenue")
                    .with_code("statement.empty"),
            );
            return rd.finish(sink);
        }
        Err(m) => {
            rd.error(1, 0, m);
            return rd.finish(sink);
        }
    };
    // A value taken from after the rows: read the file whole first (files
    // with a footer are small), and cut it at the end of the rows.
    let (mut body, mut tail) = (Vec::new(), Vec::new());
    let footer;
    if p.needs_footer() {
        if let Err(e) = input.read_to_end(&mut body) {
            rd.error(located.line + 1, 0, format!("unreadable: {e}"));
            return rd.finish(sink);
        }
        let end = header::end_of_rows(p, &body).unwrap_or(body.len());
        tail = body.split_off(end);
        footer = header::footer_lines(p, &tail);
    } else {
        footer = Vec::new();
    }
    let around = Around {
        preamble: &located.preamble,
        footer: &footer,
        file_name: file.file_name,
    };
    let Some(b) = bind_or_report(p, &located.header, located.line, &around, &mut rd) else {
        return rd.finish(sink);
    };
    let how = Summing {
        by_territory: sink.revenue.by_territory,
        matching: sink.matching,
    };
    let ctx = RowCtx {
        period_end: sink.period_end,
    };
    let keep = sink.keeps_rows();
    let layout = b.layout(p, how.by_territory).unwrap_or_else(|| Layout {
        delimiter: p.delimiter,
        ..Layout::default()
    });
    let isrc_skips = b.isrc_skips();
    let parse = |t: &mut Thread, data: &[u8]| -> ChunkOut {
        let mut out = ChunkOut {
            lines: 0,
            rd: Reader::new(path, keep),
            unmatched: Vec::new(),
        };
        if (p.quoting && memchr::memchr(b'"', data).is_some()) || b.count > 64 {
            out.lines = parse_csv(p, &b, data, &ctx, t, &mut out, how);
            return out;
        }
        let mut st = (&mut out, &mut *t);
        out.lines = layout.for_each_line(
            data,
            &mut st,
            |(out, t), rel, line, raw| {
                quick_line(p, &b, (line, rel, raw), out, t, how, &isrc_skips)
            },
            |(out, t), rel, cells, raw| {
                if !cells.filled_from(0) {
                    return;
                }
                match row(p, &b, cells, rel, &mut out.rd, &ctx) {
                    Ok(Some(l)) => take(&mut out.unmatched, t, raw, l, how),
                    Ok(None) => {}
                    Err((col, msg)) => out.rd.error(rel, col, msg),
                }
            },
        );
        out
    };
    let stop = |d: &[u8]| header::end_of_rows(p, d);
    let cut = Cutter {
        delimiter: p.delimiter,
        quoting: p.quoting,
        stop: (p.has_end() && !p.needs_footer()).then_some(&stop as _),
    };
    let mut outs: Vec<Option<ChunkOut>> = Vec::new();
    let mut source: Box<dyn Read> = if p.needs_footer() {
        Box::new(std::io::Cursor::new(body))
    } else {
        Box::new(input)
    };
    let threads = sink.threads;
    let shared: Shared = Mutex::new(&mut sink.revenue.sums);
    let mut sums = FileSums::default();
    let done = {
        let state = || Thread {
            memo: ContextMemo::default(),
            sums: ThreadSums::new(&shared),
        };
        let mut done = chunked(&mut source, threads, &cut, &state, &parse, |i, o| {
            if outs.len() <= i {
                outs.resize_with(i + 1, || None);
            }
            outs[i] = Some(o);
        });
        for t in std::mem::take(&mut done.states) {
            sums.absorb(t.sums.finish());
        }
        (done.io_error, done.tail)
    };
    let mut offset = located.line;
    for o in outs.into_iter().flatten() {
        for mut l in o.unmatched {
            l.line += offset;
            sink.unmatched.push(l);
        }
        rd.absorb(o.rd, offset);
        offset += o.lines;
    }
    let (io_error, rest) = done;
    if let Some(e) = io_error {
        rd.error(offset, 0, format!("reading stopped: {e}"));
    }
    if !rest.is_empty() {
        tail = rest;
    }
    check_footer(p, &b, &header::footer_lines(p, &tail), offset, &mut rd);
    for e in sink.add_file(sums) {
        rd.error(0, 0, e);
    }
    rd.finish(sink)
}

/// The lines after the end of the rows are the file's own summary; one
/// that reads like a revenue row (an ISRC where the header puts it) means
/// the rows went on after what was taken as their end: an error, since
/// reading it as a footer would drop its money.
fn check_footer(p: &Profile, b: &Bound, footer: &[(u64, ByteRecord)], first: u64, rd: &mut Reader) {
    let Some(isrc) = b.isrc else {
        return;
    };
    for (rel, rec) in footer {
        if rec.len() >= b.count && Isrc::parse_bytes(clean_id(cell_of(rec, isrc))).is_some() {
            rd.error(
                first + rel + 1,
                0,
                format!(
                    "a revenue row after the end of the rows (line {} ends them{}): is a line missing or blank by mistake?",
                    first + 1,
                    if p.end_at_blank { ", a blank line" } else { "" }
                ),
            );
        }
    }
}

/// One chunk with quoted cells, read with the `csv` crate.
fn parse_csv(
    p: &Profile,
    b: &Bound,
    data: &[u8],
    ctx: &RowCtx,
    t: &mut Thread,
    out: &mut ChunkOut,
    how: Summing,
) -> u64 {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(p.delimiter)
        .quoting(p.quoting)
        .from_reader(data);
    let mut rec = ByteRecord::new();
    // Line numbers from byte offsets: after a `\r\n`, the `csv` crate's own
    // line count lags by one (it counts the `\n` with the next record).
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut at = (byte as usize).min(data.len());
        while at < data.len() && matches!(data[at], b'\r' | b'\n') {
            at += 1;
        }
        let (from, n) = counted;
        let more = memchr::memchr_iter(b'\n', &data[from.min(at)..at]).count() as u64;
        counted = (at.max(from), n + more);
        counted.1
    };
    loop {
        match r.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_at(rec.position().map_or(0, |x| x.byte()));
                if rec.iter().all(|c| c.trim_ascii().is_empty()) {
                    continue;
                }
                match row(p, b, &rec, line, &mut out.rd, ctx) {
                    Ok(Some(l)) => take(&mut out.unmatched, t, None, l, how),
                    Ok(None) => {}
                    Err((col, msg)) => out.rd.error(line, col, msg),
                }
            }
            Err(e) => {
                let line = line_at(e.position().map_or(0, |x| x.byte()));
                out.rd.error(line, 0, format!("unreadable line: {e}"));
                break;
            }
        }
    }
    line_count(data)
}

/// Reads the rows of a workbook sheet (already text cells) through `p`.
pub fn read_sheet(
    p: &Profile,
    rows: Vec<(u64, Vec<String>)>,
    file: &FileCtx,
    sink: &mut Sink,
) -> Vec<Diagnostic> {
    let mut rd = Reader::new(file.path, sink.keeps_rows());
    let record =
        |c: &Vec<String>| ByteRecord::from(c.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    let at = match header::locate_row(&rows, p) {
        Ok(Some(i)) => i,
        Ok(None) => {
            rd.diags.push(
                Diagnostic::warning(file.path, 0, 0, "the sheet is empty: it adds no revenue")
                    .with_code("statement.empty"),
            );
            return rd.finish(sink);
        }
        Err(m) => {
            rd.error(1, 0, m);
            return rd.finish(sink);
        }
    };
    let preamble: Vec<Vec<Vec<u8>>> = rows[..at]
        .iter()
        .map(|(_, c)| c.iter().map(|s| s.as_bytes().to_vec()).collect())
        .collect();
    let body = &rows[at + 1..];
    let joined = |c: &Vec<String>| c.join(&(p.delimiter as char).to_string());
    let end = if p.has_end() {
        body.iter()
            .position(|(_, c)| header::ends_rows(p, joined(c).as_bytes()))
            .unwrap_or(body.len())
    } else {
        body.len()
    };
    let footer: Vec<(u64, ByteRecord)> = body[end..]
        .iter()
        .map(|(l, c)| (*l - body.get(end).map_or(0, |x| x.0), record(c)))
        .collect();
    let around = Around {
        preamble: &preamble,
        footer: &footer,
        file_name: file.file_name,
    };
    let header_line = rows[at].0;
    let Some(b) = bind_or_report(p, &record(&rows[at].1), header_line, &around, &mut rd) else {
        return rd.finish(sink);
    };
    let ctx = RowCtx {
        period_end: sink.period_end,
    };
    let how = Summing {
        by_territory: sink.revenue.by_territory,
        matching: sink.matching,
    };
    let mut unmatched = Vec::new();
    let shared: Shared = Mutex::new(&mut sink.revenue.sums);
    let mut t = Thread {
        memo: ContextMemo::default(),
        sums: ThreadSums::new(&shared),
    };
    for (line, cells) in &body[..end] {
        let rec = record(cells);
        if rec.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        match row(p, &b, &rec, *line, &mut rd, &ctx) {
            Ok(Some(l)) => take(&mut unmatched, &mut t, None, l, how),
            Ok(None) => {}
            Err((col, msg)) => rd.error(*line, col, msg),
        }
    }
    let sums = t.sums.finish();
    sink.unmatched.append(&mut unmatched);
    let first = body.get(end).map_or(0, |x| x.0.saturating_sub(1));
    check_footer(p, &b, &footer, first, &mut rd);
    for e in sink.add_file(sums) {
        rd.error(0, 0, e);
    }
    rd.finish(sink)
}

/// The numbers of an ordinary line whose key cells are known good
/// (`memo`), with the territory looked at as `row` does. `None` when the
/// line is out of the ordinary: it then takes the full path, with its full
/// checks and messages.
#[inline]
fn quick_numbers(
    p: &Profile,
    b: &Bound,
    line: &Line,
    rel: u64,
    rd: &mut Reader,
) -> Option<Numbers> {
    // Plain numbers first, as every style reads them (`decimal`), without
    // a call per cell into the style; anything else through the style.
    let plain = |c: &[u8]| short_scaled(c.trim_ascii()).filter(|_| p.numbers.point_is_decimal());
    let amount = match plain(line.amount) {
        Some(a) => a,
        None => p.numbers.scaled(line.amount)?,
    };
    let units = match b.units {
        Units::Col(_) => match int_from_bytes(line.units) {
            Some(u) => u,
            None => p.numbers.integer(line.units).ok()?,
        },
        Units::Fixed(u) if p.units_signed && amount.0 < 0 => -u,
        Units::Fixed(u) => u,
    };
    let tax = match b.tax.map(|_| line.tax) {
        Some(c) if !c.trim_ascii().is_empty() => match plain(c) {
            Some(t) => t,
            None => p.numbers.scaled(c)?,
        },
        _ => (0, 0),
    };
    // Tax larger than the amount is an error the full path words.
    if tax.0 != 0 {
        let (a, t) = (
            amount.0.unsigned_abs() as u128,
            tax.0.unsigned_abs() as u128,
        );
        let (sa, st) = (amount.1, tax.1);
        let scale = sa.max(st);
        if t * 10u128.pow(scale - st) > a * 10u128.pow(scale - sa) {
            return None;
        }
    }
    // Last, as in `row`: unknown names are counted once per good row (a
    // two-letter code is known: nothing to count).
    let t = line.territory;
    if b.territory.is_some() {
        let two = t.trim_ascii().len() == 2 && Territory::parse_bytes(t).is_some();
        if p.territory_strict && !two {
            return None;
        }
        if !two {
            rd.territory(t, &p.territories, rel);
        }
    }
    Some(Numbers { units, amount, tax })
}
