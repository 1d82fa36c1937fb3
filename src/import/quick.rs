//! The quick path through a line (issue "Speed and scale").
//!
//! Most lines of a large statement are ordinary: no quotes, the expected
//! number of cells, plain numbers, key cells seen before. For those, one
//! walk over the line's bytes, eight at a time, notes where each cell
//! starts, and the cells the layout reads are taken from there; nothing
//! else is built. Any line that is not ordinary is handed, whole, to the
//! general reader (split from the same walk, and the full checks), so
//! errors and edge cases have a single implementation. This walk is the
//! one delimiter scanner of the delimited readers.

use super::cells::Split;
use super::memo::{RawKey, MAX_CELLS};
pub use crate::statement::acc::Numbers;

/// Most cells a line on the quick path may have.
const MAX_COLUMNS: usize = 64;
/// The last index of the array of cell starts (above MAX_COLUMNS): starts
/// of cells past it all go there, so storing one needs no bounds check.
const STARTS_MASK: usize = 127;

/// Which columns a layout reads, and what its lines look like.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub delimiter: u8,
    /// The ISRC column, and the one read when its cell is blank.
    pub isrc: usize,
    pub isrc_or: Option<usize>,
    /// The context cells (`memo::RawKey`), in any order. Adjacent ones are
    /// read as one run of bytes, delimiters included (in a line without
    /// quotes a delimiter is never inside a cell, so the run says exactly
    /// what each of its cells holds).
    pub keys: Vec<usize>,
    pub units: Option<usize>,
    pub amount: Option<usize>,
    pub tax: Option<usize>,
    pub territory: Option<usize>,
    /// Cells a line must have (the header's count).
    pub cells: usize,
    /// Whether more cells than that send the line to the general path
    /// (profiles refuse them unless blank, the canonical format ignores them).
    pub exact: bool,
}

/// The number cells of one ordinary line (empty if the layout reads no
/// such column).
#[derive(Default)]
pub struct Line<'a> {
    pub isrc: &'a [u8],
    pub isrc_or: &'a [u8],
    pub units: &'a [u8],
    pub amount: &'a [u8],
    pub tax: &'a [u8],
    pub territory: &'a [u8],
}

/// The delimiters and newlines of a 64-byte block, one bit per byte.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn masks(block: &[u8; 64], delimiter: u8) -> (u64, u64) {
    // SAFETY: SSE2 is enabled at compile time (the cfg above; it is part of
    // every x86_64 target), and each load reads 16 bytes of `block` at an
    // offset of at most 48: inside the 64-byte array.
    unsafe { masks_sse2(block, delimiter) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
unsafe fn masks_sse2(block: &[u8; 64], delimiter: u8) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let d = _mm_set1_epi8(delimiter as i8);
    let n = _mm_set1_epi8(b'\n' as i8);
    let (mut dm, mut nm) = (0u64, 0u64);
    for k in 0..4 {
        let v = unsafe { _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i) };
        dm |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, d)) as u16 as u64) << (16 * k);
        nm |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, n)) as u16 as u64) << (16 * k);
    }
    (dm, nm)
}

/// The delimiters and newlines of a 64-byte block, one bit per byte
/// (portable: written so that the compiler can vectorise the comparisons).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn masks(block: &[u8; 64], delimiter: u8) -> (u64, u64) {
    masks_portable(block, delimiter)
}

#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn masks_portable(block: &[u8; 64], delimiter: u8) -> (u64, u64) {
    let mut d = [0u8; 64];
    let mut n = [0u8; 64];
    for i in 0..64 {
        d[i] = (block[i] == delimiter) as u8;
        n[i] = (block[i] == b'\n') as u8;
    }
    (pack(&d), pack(&n))
}

/// Bytes that are 0 or 1, as bits (byte i to bit i).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn pack(b: &[u8; 64]) -> u64 {
    let mut m = 0u64;
    for (k, w) in b.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        // Byte i (0 or 1) lands on bit 56 + i, without carries.
        m |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    m
}

impl Layout {
    /// The key columns as runs of adjacent columns: (first, last).
    fn runs(&self) -> Vec<(usize, usize)> {
        let mut keys = self.keys.clone();
        keys.sort_unstable();
        keys.dedup();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for k in keys {
            match runs.last_mut() {
                Some(r) if r.1 + 1 == k => r.1 = k,
                _ => runs.push((k, k)),
            }
        }
        runs
    }

    /// Whether the layout can take the quick path at all (it reads an
    /// amount, and few enough cells).
    pub fn usable(&self) -> bool {
        if self.amount.is_none() {
            return false;
        }
        let cols = self.keys.iter().chain(&self.units).chain(&self.amount);
        let cols = cols.chain([&self.isrc]).chain(&self.isrc_or);
        let cols = cols.chain(&self.tax).chain(&self.territory);
        self.runs().len() <= MAX_CELLS && cols.max().is_none_or(|c| *c < MAX_COLUMNS)
    }

    /// The cells of the line `text` that the layout reads, given where its
    /// `count` cells start, with its key runs in `keys`; `false` if the line
    /// is not ordinary.
    fn cells<'a>(
        &self,
        text: &'a [u8],
        (starts, count): (&[u32], usize),
        runs: &[(usize, usize)],
        keys: &mut [&'a [u8]; MAX_CELLS],
        line: &mut Line<'a>,
    ) -> bool {
        if count > MAX_COLUMNS || count < self.cells || (self.exact && count != self.cells) {
            return false;
        }
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        // Cells a to b run from a's start to the delimiter after b.
        let span = |a: usize, b: usize| {
            let from = starts[a] as usize;
            let to = if b + 1 < count {
                starts[b + 1] as usize - 1
            } else {
                text.len()
            };
            &text[from.min(to)..to]
        };
        for (k, (a, b)) in runs.iter().enumerate() {
            keys[k] = span(*a, *b);
        }
        let cell = |i: usize| span(i, i);
        line.isrc = span(self.isrc, self.isrc);
        line.isrc_or = self.isrc_or.map_or(b"", cell);
        line.units = self.units.map_or(b"", cell);
        line.amount = self.amount.map_or(b"", cell);
        line.tax = self.tax.map_or(b"", cell);
        line.territory = self.territory.map_or(b"", cell);
        true
    }

    /// Every line of a chunk, numbered from 1. An ordinary one is offered
    /// to `quick` with its raw key (`memo`); `quick` returns false to pass
    /// it on. The others, and those, go split whole to `general`, with the
    /// same raw key when the line has the cells for it (an empty line is
    /// not passed on; a line of spaces is).
    /// Both get `state`. Delimiters and newlines are found 64 bytes at a
    /// time. Returns the number of lines (blank ones included).
    pub fn for_each_line<'a, S>(
        &self,
        data: &'a [u8],
        state: &mut S,
        mut quick: impl FnMut(&mut S, u64, &Line<'a>, &RawKey) -> bool,
        mut general: impl FnMut(&mut S, u64, &Split<'a>, Option<&RawKey>),
    ) -> u64 {
        let usable = self.usable();
        let runs = if usable { self.runs() } else { Vec::new() };
        let mut starts = [0u32; STARTS_MASK + 1];
        let mut line = Line::default();
        let mut keys: [&[u8]; MAX_CELLS] = [&[]; MAX_CELLS];
        let mut rel = 0u64;
        let mut finish = |start: usize, end: usize, count: usize, starts: &[u32]| {
            rel += 1;
            let text = &data[start..end];
            let done = usable
                && self.cells(text, (starts, count), &runs, &mut keys, &mut line)
                && RawKey::new(&keys[..runs.len()])
                    .is_some_and(|raw| quick(state, rel, &line, &raw));
            // An empty line is not passed on (a line of spaces is).
            if !done && !text.is_empty() {
                let s = Split::of_starts(text, self.delimiter, starts, count);
                let mut k: [&[u8]; MAX_CELLS] = [&[]; MAX_CELLS];
                let whole = runs
                    .iter()
                    .zip(&mut k)
                    .all(|((a, b), k)| match s.span(*a, *b) {
                        Some(span) => {
                            *k = span;
                            true
                        }
                        None => false,
                    });
                let raw = if usable && whole {
                    RawKey::new(&k[..runs.len()])
                } else {
                    None
                };
                general(state, rel, &s, raw.as_ref())
            }
        };
        let (mut line_start, mut col, mut base) = (0usize, 0usize, 0usize);
        while base < data.len() {
            let (delims, newlines) = match data.get(base..base + 64) {
                Some(b) => masks(b.try_into().expect("64 bytes"), self.delimiter),
                None => {
                    let mut b = [b'\n'; 64];
                    b[..data.len() - base].copy_from_slice(&data[base..]);
                    let (d, n) = masks(&b, self.delimiter);
                    // The padding is no line's end.
                    let real = (1u64 << (data.len() - base)) - 1;
                    (d & real, n & real)
                }
            };
            // The delimiters up to each newline of the block, then the line.
            let (mut delims, mut newlines) = (delims, newlines);
            loop {
                let before = if newlines != 0 {
                    delims & ((newlines & newlines.wrapping_neg()) - 1)
                } else {
                    delims
                };
                delims ^= before;
                let mut d = before;
                while d != 0 {
                    col += 1;
                    // Past MAX_COLUMNS cells the line is not ordinary (see
                    // `cells`); `min` keeps the index in bounds, and off
                    // `starts[0]`, which every line needs at 0.
                    starts[col.min(STARTS_MASK)] =
                        (base + d.trailing_zeros() as usize + 1 - line_start) as u32;
                    d &= d - 1;
                }
                if newlines == 0 {
                    break;
                }
                let pos = base + newlines.trailing_zeros() as usize;
                newlines &= newlines - 1;
                finish(line_start, pos, col + 1, &starts);
                line_start = pos + 1;
                col = 0;
            }
            base += 64;
        }
        if line_start < data.len() {
            finish(line_start, data.len(), col + 1, &starts);
        }
        rel
    }
}

/// For the property tests of both readers: a generated line, ended as
/// `end` says: as is, cut before its last cell (`CUT`), empty (`BLANK`),
/// or with `end` appended (`\r`, an extra cell...).
#[cfg(test)]
pub(crate) fn ended(line: String, end: &str, delimiter: char) -> String {
    match end {
        "BLANK" => String::new(),
        "CUT" => match line.rfind(delimiter) {
            Some(cut) => line[..cut].to_string(),
            None => line,
        },
        e => line + e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::cells::Cells;

    /// The ISRC in column 0, context cells in 2 and 3 (one run), numbers
    /// around them.
    fn layout(exact: bool) -> Layout {
        Layout {
            delimiter: b',',
            isrc: 0,
            isrc_or: None,
            keys: vec![3, 2],
            units: Some(1),
            amount: Some(4),
            tax: None,
            territory: Some(5),
            cells: 6,
            exact,
        }
    }

    fn text(cells: &[&[u8]]) -> String {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        cells.join("|")
    }

    /// (line, key runs and number cells) for each quick line; (line, key
    /// runs, cell count) for each general one.
    fn walk(l: &Layout, data: &[u8]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        l.for_each_line(
            data,
            &mut out,
            |out, rel, line, raw| {
                let numbers = text(&[line.units, line.amount, line.territory]);
                let isrc = String::from_utf8_lossy(line.isrc);
                out.push((rel, format!("{isrc}|{} {numbers}", text(raw.cells()))));
                true
            },
            |out, rel, s, raw| {
                // The general path's cells are the line's, split plainly.
                let line = std::str::from_utf8(s.line).unwrap();
                for (i, c) in line.split(',').enumerate().take(64) {
                    assert_eq!(s.cell(i), c.as_bytes(), "{line:?} cell {i}");
                }
                let keys = raw.map_or("-".to_string(), |r| text(r.cells()));
                out.push((rel, format!("general {keys} {}", s.count())))
            },
        );
        out
    }

    #[test]
    fn ordinary_lines_are_cut_where_the_general_reader_cuts_them() {
        let data = b"a,1,b,c,2.5,GB\r\nlonger-cell-than-eight,22,x,y,-3,\n\n\
                     x,1,y\nq,1,r,s,5,FR,extra\nlast,9,z,w,0.1,US";
        let got = walk(&layout(true), data);
        let want = [
            (1, "a|b,c 1|2.5|GB"),
            (2, "longer-cell-than-eight|x,y 22|-3|"),
            (4, "general - 3"),
            (5, "general r,s 7"),
            (6, "last|z,w 9|0.1|US"),
        ];
        let want: Vec<(u64, String)> = want.iter().map(|(n, t)| (*n, t.to_string())).collect();
        assert_eq!(got, want);
        // Extra cells are fine where the layout is not exact.
        assert_eq!(
            walk(&layout(false), data)[3],
            (5, "q|r,s 1|5|FR".to_string())
        );
    }

    #[test]
    fn both_ways_of_finding_delimiters_agree() {
        let mut block = [b'a'; 64];
        for (i, b) in block.iter_mut().enumerate() {
            *b = [b'a', b',', b'\n', b'\t', 0x80, 0xff, b'0'][(i * 7 + i / 3) % 7];
        }
        for delimiter in [b',', b'\t', b';'] {
            let (d, n) = masks(&block, delimiter);
            assert_eq!((d, n), masks_portable(&block, delimiter));
            for (i, b) in block.iter().enumerate() {
                assert_eq!(d >> i & 1 == 1, *b == delimiter, "{i}");
                assert_eq!(n >> i & 1 == 1, *b == b'\n', "{i}");
            }
        }
    }

    #[test]
    fn a_line_of_many_cells_does_not_shift_the_next_ones() {
        let mut data = b"a,1,b,c,2.5,GB\n".to_vec();
        data.extend_from_slice(&[b','; 130]);
        data.extend_from_slice(b"\nxxxxx,1,b,c,2.5,GB\n");
        let got = walk(&layout(true), &data);
        assert_eq!(got[0].1, "a|b,c 1|2.5|GB");
        assert_eq!(got[1].1, "general , 131");
        assert_eq!(got[2].1, "xxxxx|b,c 1|2.5|GB");
    }

    #[test]
    fn a_filled_cell_past_the_64th_is_seen_by_the_general_path() {
        let l = layout(true);
        for (tail, beyond) in [(",, ,\r", false), (",,x,", true)] {
            let mut data = vec![b','; 70];
            data.extend_from_slice(tail.as_bytes());
            let mut seen = Vec::new();
            l.for_each_line(
                &data,
                &mut seen,
                |_, _, _, _| true,
                |seen, _, s, _| seen.push((s.count(), s.filled_from(0))),
            );
            assert_eq!(seen, vec![(70 + tail.matches(',').count() + 1, beyond)]);
        }
    }

    #[test]
    fn every_start_is_found_whatever_the_alignment() {
        for pad in 0..70 {
            let mut data = vec![b'\n'; pad];
            data.extend_from_slice(b"k1,7,k2,k3,0.25,DE\nk4,8,k5,k6,1,NL");
            let got = walk(&layout(true), &data);
            assert_eq!(got.len(), 2, "{pad}");
            assert_eq!(got[0], (pad as u64 + 1, "k1|k2,k3 7|0.25|DE".to_string()));
            assert_eq!(got[1].1, "k4|k5,k6 8|1|NL");
        }
    }
}
