//! The rows of a canonical statement, read fast (issue: "Speed and scale").
//!
//! The engine only needs sums, so the cost of a run is reading and summing
//! lines. Here the input is cut into chunks of a megabyte at line
//! boundaries and parsed on all threads. Ordinary lines take the quick path
//! (`quick`, `memo`): their key cells are looked up as raw bytes, and only
//! their numbers are read. Every other line is split at commas (no CSV
//! state machine, no allocation per line) and parsed with the same checks
//! as every other reader (`canonical::parse_record`). Each thread adds into
//! its own sums, exact scaled integers, handed over at the end; line
//! numbers, errors and unmatched lines are merged in chunk order. So the
//! result does not depend on the number of threads: additions of exact
//! integers commute, and the engine sorts keys anyway.
//!
//! The thread that reads also hashes (SHA-256 of the bytes, for the ledger),
//! so hashing overlaps parsing. Memory is bounded by the chunks in flight,
//! not by the length of the file. A chunk with a quote character in it is
//! read with the `csv` crate instead, so quoted cells keep their meaning.

use super::canonical::{parse_record, quick_numbers, Cells, Columns};
use super::memo::{KeyMemo, RawKey};
use super::quick::{Layout, Numbers};
use super::{Key, RevenueLine, Sink, Sums, MAX_DIAGNOSTICS_PER_FILE};
use crate::diag::Diagnostic;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::path::Path;

const CHUNK: usize = 1 << 20;
/// Decimal places of the scaled integer sums: amounts with more places are
/// summed as `Decimal` beside them (rare), so nothing is ever rounded.
const SCALE: u32 = 12;

/// A small, fast, deterministic hasher for the sums' keys (FxHash's mix).
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64)
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(n as u64)
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64)
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64)
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Exact sums of one key: amounts as integers scaled by 10^SCALE.
#[derive(Clone, Default, Debug)]
pub struct Acc {
    amount: i128,
    tax: i128,
    units: i64,
    lines: u64,
    /// Amounts and taxes with more than SCALE decimals, summed as decimals
    /// beside the integers (rare, so kept out of line).
    extra: Option<Box<[Decimal; 2]>>,
    /// A sum went past what can be kept exactly: `sums` refuses it.
    overflow: bool,
}

/// 10^(SCALE - s), for s = 0..=SCALE.
const POWERS: [i128; SCALE as usize + 1] = {
    let mut p = [1i128; SCALE as usize + 1];
    let mut i = SCALE as usize;
    while i > 0 {
        p[i - 1] = p[i] * 10;
        i -= 1;
    }
    p
};

/// Sums of amounts must stay below 10^16 (16 digits and SCALE decimals fill
/// the 28 digits of a `Decimal`): beyond, a sum could not be exact.
const LIMIT: i128 = 10i128.pow(16 + SCALE);

fn scaled(d: Decimal) -> Option<i128> {
    let s = d.scale();
    d.mantissa().checked_mul(*POWERS.get(s as usize)?)
}

/// a + b, or `None` when the sum would not be exact: `Decimal` rounds a sum
/// that needs more than 28 digits, lowering its scale to do so.
fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    // (Adding zero gives the other operand back, scale and all.)
    if a.is_zero() || b.is_zero() {
        return a.checked_add(b);
    }
    let s = a.checked_add(b)?;
    (s.is_zero() || s.scale() >= a.scale().max(b.scale())).then_some(s)
}

impl Acc {
    fn add_int(&mut self, tax: bool, v: i128) {
        let sum = if tax { &mut self.tax } else { &mut self.amount };
        match sum.checked_add(v) {
            Some(s) => *sum = s,
            None => self.overflow = true,
        }
    }
    fn add_extra(&mut self, tax: bool, d: Decimal) {
        let e = self.extra.get_or_insert_with(Default::default);
        let slot = &mut e[tax as usize];
        match exact_add(*slot, d) {
            Some(s) => *slot = s,
            None => self.overflow = true,
        }
    }
    fn add_decimal(&mut self, tax: bool, d: Decimal) {
        match scaled(d) {
            Some(v) => self.add_int(tax, v),
            None => self.add_extra(tax, d),
        }
    }
    fn add_units(&mut self, units: i64) {
        match self.units.checked_add(units) {
            Some(u) => self.units = u,
            None => self.overflow = true,
        }
    }

    pub fn add(&mut self, l: &RevenueLine) {
        self.add_units(l.units);
        self.add_decimal(false, l.amount);
        self.add_decimal(true, l.tax_withheld);
        self.lines += 1;
    }

    /// Adds one line read as scaled integers (`number::short_scaled`): the
    /// hot path, which builds no `Decimal`.
    pub fn add_scaled(&mut self, n: Numbers) {
        self.add_units(n.units);
        for (tax, (m, s)) in [(false, n.amount), (true, n.tax)] {
            match POWERS.get(s as usize) {
                // |m| < 10^18 and p <= 10^12: no overflow.
                Some(p) => self.add_int(tax, m as i128 * p),
                None => self.add_extra(tax, Decimal::from_i128_with_scale(m as i128, s)),
            }
        }
        self.lines += 1;
    }

    /// No line was added yet.
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    pub fn merge(&mut self, o: &Acc) {
        self.add_units(o.units);
        self.add_int(false, o.amount);
        self.add_int(true, o.tax);
        if let Some(e) = &o.extra {
            self.add_extra(false, e[0]);
            self.add_extra(true, e[1]);
        }
        self.lines += o.lines;
        self.overflow |= o.overflow;
    }

    /// The sums as decimals; `None` when they went past what can be summed
    /// exactly (amounts of 10^16 or more for one key in one file).
    pub fn sums(&self) -> Option<Sums> {
        if self.overflow {
            return None;
        }
        let d = |v: i128, extra: Option<Decimal>| -> Option<Decimal> {
            if v.abs() >= LIMIT {
                return None;
            }
            let d = Decimal::try_from_i128_with_scale(v, SCALE).ok()?;
            Some(exact_add(d, extra.unwrap_or_default())?.normalize())
        };
        let extra = |i: usize| self.extra.as_ref().map(|e| e[i]);
        Some(Sums {
            units: self.units,
            amount: d(self.amount, extra(0))?,
            tax_withheld: d(self.tax, extra(1))?,
            lines: self.lines,
        })
    }
}

/// The error for sums `Acc::sums` refuses.
pub fn too_large(k: &Key) -> String {
    format!(
        "the lines of {} ({}, {}, {}) add up to 10^16 or more: beyond what can be summed exactly; check the amounts, or split the statement",
        k.isrc, k.source, k.usage, k.currency
    )
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

/// One line split at commas, up to the last cell needed.
#[derive(Clone, Copy)]
pub struct Split<'a> {
    line: &'a [u8],
    /// Start and end of each cell.
    bounds: [(u32, u32); 64],
    n: usize,
    total: usize,
    /// A cell past the 64th is not blank (their bounds are not kept).
    beyond: bool,
}

impl<'a> Split<'a> {
    /// Cells `a` to `b` with the delimiters between them, if the line has
    /// them all (and they are among the first 64).
    pub fn span(&self, a: usize, b: usize) -> Option<&'a [u8]> {
        (a <= b && b < self.n)
            .then(|| &self.line[self.bounds[a].0 as usize..self.bounds[b].1 as usize])
    }
}

impl Cells for Split<'_> {
    fn count(&self) -> usize {
        self.total
    }
    fn cell(&self, i: usize) -> &[u8] {
        if i < self.n {
            let (a, b) = self.bounds[i];
            &self.line[a as usize..b as usize]
        } else {
            b""
        }
    }
    fn column(&self, i: usize) -> usize {
        if i < self.n {
            self.bounds[i].0 as usize + 1
        } else {
            0
        }
    }
    fn filled_from(&self, from: usize) -> bool {
        (from..self.n).any(|i| !self.cell(i).trim_ascii().is_empty()) || self.beyond
    }
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

/// Every line of a chunk split at `delimiter`, in one pass over the bytes
/// (delimiters and newlines found together), numbered from 1 within the
/// chunk, without its `\r`. Blank lines are passed too (as one empty cell).
pub fn for_each_split<'a>(data: &'a [u8], delimiter: u8, mut f: impl FnMut(u64, &Split<'a>)) {
    let mut s = Split {
        line: &[],
        bounds: [(0, 0); 64],
        n: 0,
        total: 1,
        beyond: false,
    };
    let (mut line_start, mut field_start, mut rel) = (0usize, 0usize, 0u64);
    for pos in Hits::new(data, delimiter) {
        if data[pos] == b'\n' {
            rel += 1;
            end_line(data, pos, line_start, field_start, &mut s);
            f(rel, &s);
            s.n = 0;
            s.total = 1;
            s.beyond = false;
            line_start = pos + 1;
            field_start = pos + 1;
        } else {
            if s.n < s.bounds.len() {
                s.bounds[s.n] = ((field_start - line_start) as u32, (pos - line_start) as u32);
                s.n += 1;
            } else if !data[field_start..pos].trim_ascii().is_empty() {
                s.beyond = true;
            }
            s.total += 1;
            field_start = pos + 1;
        }
    }
    if line_start < data.len() {
        rel += 1;
        end_line(data, data.len(), line_start, field_start, &mut s);
        f(rel, &s);
    }
}

/// The positions of `delimiter` and `\n` in `data`, in order, found eight
/// bytes at a time (SWAR): cells are a few bytes apart, too close for a
/// SIMD search per cell to pay for its setup.
struct Hits<'a> {
    data: &'a [u8],
    delimiter: u8,
    /// Start of the word whose matches are in `mask`.
    at: usize,
    mask: u64,
    /// Where the next word starts.
    next: usize,
}

const LO: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `w` equal to the byte repeated in `pattern`
/// (exact: adding 0x7f to seven bits never carries into the next byte).
fn equal_bytes(w: u64, pattern: u64) -> u64 {
    let x = w ^ pattern;
    !(((x & LOW7).wrapping_add(LOW7)) | x) & HIGH
}

impl<'a> Hits<'a> {
    fn new(data: &'a [u8], delimiter: u8) -> Self {
        Hits {
            data,
            delimiter,
            at: 0,
            mask: 0,
            next: 0,
        }
    }
}

impl Iterator for Hits<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let pos = self.at + (self.mask.trailing_zeros() / 8) as usize;
                self.mask &= self.mask - 1;
                return Some(pos);
            }
            let rest = self.data.get(self.next..)?;
            if rest.is_empty() {
                return None;
            }
            self.at = self.next;
            if let Some(word) = rest.first_chunk::<8>() {
                let w = u64::from_le_bytes(*word);
                self.mask =
                    equal_bytes(w, self.delimiter as u64 * LO) | equal_bytes(w, b'\n' as u64 * LO);
                self.next += 8;
            } else {
                // The last few bytes, one by one.
                let mut m = 0u64;
                for (i, b) in rest.iter().enumerate() {
                    if *b == self.delimiter || *b == b'\n' {
                        m |= 0x80 << (8 * i);
                    }
                }
                self.mask = m;
                self.next = self.data.len();
            }
        }
    }
}

/// Closes the line ending at `end` (its newline excluded): adds its last
/// cell, without a `\r`.
fn end_line<'a>(
    data: &'a [u8],
    end: usize,
    line_start: usize,
    field_start: usize,
    s: &mut Split<'a>,
) {
    let mut end = end;
    if end > line_start && data[end - 1] == b'\r' {
        end -= 1;
    }
    let field_start = field_start.min(end);
    if s.n < s.bounds.len() {
        s.bounds[s.n] = ((field_start - line_start) as u32, (end - line_start) as u32);
        s.n += 1;
    } else if !data[field_start..end].trim_ascii().is_empty() {
        s.beyond = true;
    }
    s.line = &data[line_start..end];
}

/// Physical lines in a chunk (a last line without its newline counts).
pub fn line_count(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
        + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// Reads up to the first line that is not blank: the header. Returns its
/// line number and bytes, or `None` for an input with no such line.
pub fn header_line(input: &mut impl std::io::BufRead) -> std::io::Result<Option<(u64, Vec<u8>)>> {
    let mut line_no = 0u64;
    let mut header = Vec::new();
    loop {
        header.clear();
        if input.read_until(b'\n', &mut header)? == 0 {
            return Ok(None);
        }
        line_no += 1;
        if !header.trim_ascii().is_empty() {
            return Ok(Some((line_no, header)));
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

/// A buffer of whole lines: `bytes[..len]`. The buffer keeps its full
/// size and is reused, so it is zeroed once, not for every chunk.
struct Chunk {
    bytes: Vec<u8>,
    len: usize,
}

impl Chunk {
    fn new() -> Chunk {
        Chunk {
            bytes: Vec::new(),
            len: 0,
        }
    }
    fn data(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Reads the next chunk of whole lines into `buf` (after `carry`, the
/// partial line left by the previous chunk). Returns false at the end.
fn next_chunk(
    input: &mut impl Read,
    buf: &mut Chunk,
    carry: &mut Vec<u8>,
) -> std::io::Result<bool> {
    let want = carry.len() + CHUNK;
    if buf.bytes.len() < want {
        buf.bytes.resize(want, 0);
    }
    buf.bytes[..carry.len()].copy_from_slice(carry);
    let mut n = carry.len();
    carry.clear();
    let mut eof = false;
    while n < want {
        match input.read(&mut buf.bytes[n..want]) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.len = n;
    if !eof {
        match memchr::memrchr(b'\n', &buf.bytes[..n]) {
            Some(i) => {
                carry.extend_from_slice(&buf.bytes[i + 1..n]);
                buf.len = i + 1;
            }
            // A line longer than a chunk: keep reading it.
            None => {
                carry.extend_from_slice(&buf.bytes[..n]);
                buf.len = 0;
                return Ok(true);
            }
        }
    }
    Ok(buf.len > 0 || !eof)
}

fn threads_for(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    }
}

/// Cuts `input` into chunks of whole lines and parses them with `parse` on
/// `threads` worker threads (0: all cores; 1: on this thread), while this
/// thread reads (and so hashes) the next chunks. Each thread parses with
/// its own `state()` (e.g. a `memo::KeyMemo`), returned at the end. `done`
/// receives each chunk's result with its index, on this thread, in any
/// order.
pub fn chunked<S: Send, P: Send>(
    input: &mut impl Read,
    threads: usize,
    state: &(dyn Fn() -> S + Sync),
    parse: &(dyn Fn(&mut S, &[u8]) -> P + Sync),
    mut done: impl FnMut(usize, P),
) -> (Option<std::io::Error>, Vec<S>) {
    let n = threads_for(threads);
    let mut carry = Vec::new();
    let mut io_error = None;
    if n <= 1 {
        let mut buf = Chunk::new();
        let mut idx = 0;
        let mut st = state();
        loop {
            match next_chunk(input, &mut buf, &mut carry) {
                Ok(true) if buf.len == 0 => continue,
                Ok(true) => {
                    done(idx, parse(&mut st, buf.data()));
                    idx += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    io_error = Some(e);
                    break;
                }
            }
        }
        return (io_error, vec![st]);
    }
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(usize, Chunk)>(2 * n);
    let work_rx = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(usize, P, Chunk)>();
    let mut free: Vec<Chunk> = Vec::new();
    let mut states = Vec::with_capacity(n);
    std::thread::scope(|scope| {
        let mut workers = Vec::with_capacity(n - 1);
        // n - 1 workers: this thread reads and hashes, and parses a chunk
        // itself whenever the workers' queue is full, so n threads compute.
        for _ in 0..n - 1 {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            workers.push(scope.spawn(move || {
                let mut st = state();
                loop {
                    let job = work_rx.lock().expect("no worker panics").recv();
                    let Ok((idx, buf)) = job else { break };
                    let p = parse(&mut st, buf.data());
                    if done_tx.send((idx, p, buf)).is_err() {
                        break;
                    }
                }
                st
            }));
        }
        drop(done_tx);
        let mut idx = 0;
        let mut st = state();
        loop {
            let mut buf = free.pop().unwrap_or_else(Chunk::new);
            match next_chunk(input, &mut buf, &mut carry) {
                Ok(true) if buf.len == 0 => {
                    free.push(buf);
                    continue;
                }
                Ok(true) => {
                    match work_tx.try_send((idx, buf)) {
                        Ok(()) => {}
                        Err(std::sync::mpsc::TrySendError::Full((i, b))) => {
                            done(i, parse(&mut st, b.data()));
                            free.push(b);
                        }
                        Err(std::sync::mpsc::TrySendError::Disconnected(_)) => break,
                    }
                    idx += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    io_error = Some(e);
                    break;
                }
            }
            // Take what the workers finished, and reuse their buffers.
            while let Ok((i, p, b)) = done_rx.try_recv() {
                done(i, p);
                free.push(b);
            }
        }
        drop(work_tx);
        for (i, p, _) in done_rx.iter() {
            done(i, p);
        }
        states.push(st);
        for w in workers {
            states.push(w.join().expect("no worker panics"));
        }
    });
    (io_error, states)
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

/// The threads' sums, added up by key: exact integers, so neither the
/// thread nor the order they were added in changes them.
pub fn sum_threads(memos: Vec<KeyMemo>) -> FxMap<Key, Acc> {
    let mut all: FxMap<Key, Acc> = FxMap::default();
    for (k, a) in memos.into_iter().flat_map(KeyMemo::into_sums) {
        all.entry(k).or_default().merge(&a);
    }
    all
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
        let d = crate::statement::canonical::read(text.as_bytes(), Path::new("s.csv"), &mut sink);
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
    fn the_word_scan_finds_every_delimiter_and_newline() {
        let data = b"a,bc,,d\n\n,x\r\nlast,line-without-newline,\x80,\xff,";
        let want: Vec<usize> = data
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b',' || **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        for start in 0..data.len() {
            let got: Vec<usize> = Hits::new(&data[start..], b',').map(|i| i + start).collect();
            let want: Vec<usize> = want.iter().copied().filter(|i| *i >= start).collect();
            assert_eq!(got, want, "from byte {start}");
        }
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
    fn exact_additions_are_told_from_rounded_ones() {
        let d = crate::money::dec;
        assert_eq!(exact_add(d("0.000000000000"), d("5")), Some(d("5")));
        assert_eq!(exact_add(d("1.5"), d("-1.5")), Some(d("0.0")));
        assert_eq!(
            exact_add(d("0.1234567890123"), d("2")),
            Some(d("2.1234567890123"))
        );
        let big = d("999999999999999.9999999999999");
        assert_eq!(
            exact_add(big, big),
            Some(d("1999999999999999.9999999999998"))
        );
        // 8 x 10^28 at scale 13 is past a Decimal's 96 bits: it would round.
        assert_eq!(
            exact_add(d("7999999999999999.999999999999"), d("0.0000000000001")),
            None
        );
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
        let mut names = crate::statement::canonical::REQUIRED.to_vec();
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
            crate::statement::quick::ended(l, end, ',')
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
