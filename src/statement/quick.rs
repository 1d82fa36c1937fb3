//! The quick path through a line (issue "Speed and scale").
//!
//! Most lines of a large statement are ordinary: no quotes, the expected
//! number of cells, plain numbers, key cells seen before. For those, one
//! walk over the line's bytes, eight at a time, notes where each cell
//! starts, and the cells the layout reads are taken from there; nothing
//! else is built. Any line that is not ordinary is handed, whole, to the
//! general reader (`fast::for_each_split` and the full checks), so errors
//! and edge cases have a single implementation.

use super::fast::{for_each_split, Split};
use super::memo::MAX_CELLS;

/// A line's numbers as scaled integers (`number::short_scaled`): `-12.50`
/// is `(-1250, 2)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Numbers {
    pub units: i64,
    pub amount: (i64, u32),
    pub tax: (i64, u32),
}

/// Most cells a line on the quick path may have.
const MAX_COLUMNS: usize = 64;

/// Which columns a layout reads, and what its lines look like.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub delimiter: u8,
    /// The key cells (`memo::RawKey`), in key order.
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

/// The cells of one ordinary line that the layout reads (empty if it
/// reads no such column).
#[derive(Default)]
pub struct Line<'a> {
    pub keys: [&'a [u8]; MAX_CELLS],
    pub units: &'a [u8],
    pub amount: &'a [u8],
    pub tax: &'a [u8],
    pub territory: &'a [u8],
}

/// The delimiters and newlines of a 64-byte block, one bit per byte.
/// Written so that the compiler turns the comparisons into SIMD ones.
fn masks(block: &[u8; 64], delimiter: u8) -> (u64, u64) {
    let mut d = [0u8; 64];
    let mut n = [0u8; 64];
    for i in 0..64 {
        d[i] = (block[i] == delimiter) as u8;
        n[i] = (block[i] == b'\n') as u8;
    }
    (pack(&d), pack(&n))
}

/// Bytes that are 0 or 1, as bits (byte i to bit i).
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
    /// Whether the layout can take the quick path at all (it reads an
    /// amount, and few enough cells).
    pub fn usable(&self) -> bool {
        if self.amount.is_none() {
            return false;
        }
        let cols = self.keys.iter().chain(&self.units).chain(&self.amount);
        let cols = cols.chain(&self.tax).chain(&self.territory);
        self.keys.len() <= MAX_CELLS && cols.max().is_none_or(|c| *c < MAX_COLUMNS)
    }

    /// The cells of the line `text` that the layout reads, given where its
    /// `count` cells start; `false` if the line is not ordinary.
    fn cells<'a>(&self, text: &'a [u8], starts: &[u32], count: usize, line: &mut Line<'a>) -> bool {
        if count > MAX_COLUMNS || count < self.cells || (self.exact && count != self.cells) {
            return false;
        }
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        // Cell i runs from its start to the next one's delimiter.
        let cell = |i: usize| {
            let a = starts[i] as usize;
            let b = if i + 1 < count {
                starts[i + 1] as usize - 1
            } else {
                text.len()
            };
            &text[a.min(b)..b]
        };
        for (k, c) in self.keys.iter().enumerate() {
            line.keys[k] = cell(*c);
        }
        line.units = self.units.map_or(b"", cell);
        line.amount = self.amount.map_or(b"", cell);
        line.tax = self.tax.map_or(b"", cell);
        line.territory = self.territory.map_or(b"", cell);
        true
    }

    /// Every line of a chunk, numbered from 1: an ordinary one is offered
    /// to `quick`, which returns false to pass it on; the others, and those,
    /// go split whole to `general` (blank lines too). Both get `state`.
    /// Delimiters and newlines are found 64 bytes at a time.
    pub fn for_each_line<'a, S>(
        &self,
        data: &'a [u8],
        state: &mut S,
        mut quick: impl FnMut(&mut S, u64, &Line<'a>) -> bool,
        mut general: impl FnMut(&mut S, u64, &Split<'a>),
    ) {
        let usable = self.usable();
        let mut starts = [0u32; MAX_COLUMNS + 1];
        let mut line = Line::default();
        let mut rel = 0u64;
        let mut finish = |start: usize, end: usize, count: usize, starts: &[u32]| {
            rel += 1;
            let text = &data[start..end];
            let done =
                usable && self.cells(text, starts, count, &mut line) && quick(state, rel, &line);
            if !done {
                for_each_split(text, self.delimiter, |_, s| general(state, rel, s));
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
            let mut bits = delims | newlines;
            while bits != 0 {
                let i = bits.trailing_zeros();
                bits &= bits - 1;
                let pos = base + i as usize;
                if newlines >> i & 1 != 0 {
                    finish(line_start, pos, col + 1, &starts);
                    line_start = pos + 1;
                    col = 0;
                } else {
                    col += 1;
                    if col <= MAX_COLUMNS {
                        starts[col] = (pos + 1 - line_start) as u32;
                    }
                }
            }
            base += 64;
        }
        if line_start < data.len() {
            finish(line_start, data.len(), col + 1, &starts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::canonical::Cells;

    fn layout(exact: bool) -> Layout {
        Layout {
            delimiter: b',',
            keys: vec![0, 2],
            units: Some(1),
            amount: Some(3),
            tax: None,
            territory: Some(4),
            cells: 5,
            exact,
        }
    }

    /// (line, quick cells as text) for each line, or the general path.
    fn walk(l: &Layout, data: &[u8]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        l.for_each_line(
            data,
            &mut out,
            |out, rel, line| {
                let text = [
                    line.keys[0],
                    line.keys[1],
                    line.units,
                    line.amount,
                    line.territory,
                ]
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .join("|");
                out.push((rel, text));
                true
            },
            |out, rel, s| out.push((rel, format!("general {}", s.count()))),
        );
        out
    }

    #[test]
    fn ordinary_lines_are_cut_where_the_general_reader_cuts_them() {
        let data = b"a,1,b,2.5,GB\r\nlonger-cell-than-eight,22,c,-3,\n\n\
                     x,1,y\nq,1,r,5,FR,extra\nlast,9,z,0.1,US";
        let got = walk(&layout(true), data);
        let want = [
            (1, "a|b|1|2.5|GB"),
            (2, "longer-cell-than-eight|c|22|-3|"),
            (4, "general 3"),
            (5, "general 6"),
            (6, "last|z|9|0.1|US"),
        ];
        let want: Vec<(u64, String)> = want.iter().map(|(n, t)| (*n, t.to_string())).collect();
        assert_eq!(got, want);
        // Extra cells are fine where the layout is not exact.
        assert_eq!(walk(&layout(false), data)[3], (5, "q|r|1|5|FR".to_string()));
    }

    #[test]
    fn every_start_is_found_whatever_the_alignment() {
        for pad in 0..9 {
            let mut data = vec![b'\n'; pad];
            data.extend_from_slice(b"k1,7,k2,0.25,DE\nk3,8,k4,1,NL");
            let got = walk(&layout(true), &data);
            assert_eq!(got.len(), 2, "{pad}");
            assert_eq!(got[0], (pad as u64 + 1, "k1|k2|7|0.25|DE".to_string()));
            assert_eq!(got[1].1, "k3|k4|8|1|NL");
        }
    }
}
