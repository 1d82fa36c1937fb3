//! A line's context remembered by its raw bytes (docs/scaling.md).
//!
//! A statement repeats a few hundred contexts (usage month, store or
//! source, currency, and the cells skip rules read) over millions of lines,
//! while its tracks are many. So each reading thread remembers, for the
//! exact bytes of a line's context cells, the context they parsed to in a
//! good line; a later line with the same bytes there needs only its ISRC
//! and numbers read. Parsing is a pure function of those bytes, and none of
//! them depends on the track (`table::row`), so this cannot change a
//! result. A line whose context cells were never seen in a good line (or
//! are bad) takes the full path, which also gives the full error message.
//!
//! The memo bounds itself: past `MAX_KEYS` distinct raw contexts (dates
//! by the day times stores times territories, say) it starts afresh, so it
//! follows the contexts a file is at rather than filling with old ones.

use hashbrown::HashTable;
use std::hash::Hasher;

/// Raw contexts remembered per thread (64 bytes each).
const MAX_KEYS: usize = 1 << 12;
/// Key cells are stored after a one-byte length.
const MAX_CELL: usize = u8::MAX as usize;
/// Most context cells any layout has (date, currency, territory, and the
/// columns of source and skip rules), as runs of adjacent columns.
pub const MAX_CELLS: usize = 8;

/// The context cells of one line, hashed.
pub struct RawKey<'c, 'a> {
    cells: &'c [&'a [u8]],
    hash: u64,
}

impl<'c, 'a> RawKey<'c, 'a> {
    /// `None` when a cell is too long to remember (the full path reads it).
    pub fn new(cells: &'c [&'a [u8]]) -> Option<RawKey<'c, 'a>> {
        if cells.len() > MAX_CELLS {
            return None;
        }
        let mut h =
            std::hash::BuildHasher::build_hasher(&crate::statement::acc::Hashing::default());
        for c in cells {
            if c.len() > MAX_CELL {
                return None;
            }
            let (a, b) = ends(c);
            h.write_u64(a ^ (c.len() as u64) << 56);
            h.write_u64(b);
            if c.len() > 16 {
                for w in c[8..c.len() - 8].chunks(8) {
                    let (x, y) = ends(w);
                    h.write_u64(x ^ y.rotate_left(32));
                }
            }
        }
        Some(RawKey {
            cells,
            hash: h.finish(),
        })
    }

    #[cfg(test)]
    pub fn cells(&self) -> &[&'a [u8]] {
        self.cells
    }
}

/// The first and last eight bytes of `c` (overlapping when shorter than
/// 16), read without a copy loop; with the length, they are all of `c` up
/// to 16 bytes.
fn ends(c: &[u8]) -> (u64, u64) {
    let n = c.len();
    if n >= 8 {
        let first = u64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
        let last = u64::from_le_bytes(c[n - 8..].try_into().expect("8 bytes"));
        (first, last)
    } else if n >= 4 {
        let first = u32::from_le_bytes(c[..4].try_into().expect("4 bytes")) as u64;
        let last = u32::from_le_bytes(c[n - 4..].try_into().expect("4 bytes")) as u64;
        (first, last)
    } else if n > 0 {
        let v = c[0] as u64 | (c[n / 2] as u64) << 8 | (c[n - 1] as u64) << 16;
        (v, 0)
    } else {
        (0, 0)
    }
}

/// Byte equality of two slices of the same length, a word at a time
/// (cells are short: a call to `memcmp` per cell costs more than this).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 16 {
        return a == b;
    }
    ends(a) == ends(b)
}

/// A remembered raw context: one cache line, so a lookup reads one line
/// after the table's.
#[repr(align(64))]
struct Entry {
    hash: u64,
    /// The context it parsed to (`tally::ThreadSums::context`).
    ctx: u32,
    /// Bytes used in `raw`.
    len: u8,
    /// The cells, each after its length.
    raw: [u8; RAW],
}

/// Room for the cells of a raw context in an `Entry`: a canonical
/// statement's take about 25 bytes. A longer one is not remembered.
const RAW: usize = 50;

/// One thread's memory of raw contexts.
#[derive(Default)]
pub struct ContextMemo {
    table: HashTable<u32>,
    entries: Vec<Entry>,
}

impl ContextMemo {
    /// The context of these cells, if they were seen before in a good line.
    #[inline]
    pub fn find(&self, raw: &RawKey) -> Option<u32> {
        let entries = &self.entries;
        let &i = self.table.find(raw.hash, |&i| {
            let e = &entries[i as usize];
            e.hash == raw.hash && same(&e.raw[..e.len as usize], raw.cells)
        })?;
        Some(self.entries[i as usize].ctx)
    }

    /// Remembers that these cells, in a good line, gave context `ctx`
    /// (unless already known or too long). A full memo starts afresh.
    pub fn remember(&mut self, raw: &RawKey, ctx: u32) {
        if self.find(raw).is_some() {
            return;
        }
        let len = raw.cells.iter().map(|c| c.len() + 1).sum::<usize>();
        if len > RAW {
            return;
        }
        if self.entries.len() >= MAX_KEYS {
            self.table.clear();
            self.entries.clear();
        }
        let mut e = Entry {
            hash: raw.hash,
            ctx,
            len: len as u8,
            raw: [0; RAW],
        };
        let mut at = 0;
        for c in raw.cells {
            e.raw[at] = c.len() as u8;
            e.raw[at + 1..at + 1 + c.len()].copy_from_slice(c);
            at += 1 + c.len();
        }
        let i = self.entries.len() as u32;
        self.entries.push(e);
        let entries = &self.entries;
        self.table
            .insert_unique(raw.hash, i, |&j| entries[j as usize].hash);
    }
}

/// Are `stored` (length-prefixed cells) and `cells` the same bytes?
fn same(stored: &[u8], cells: &[&[u8]]) -> bool {
    let mut at = 0;
    for c in cells {
        let n = match stored.get(at) {
            Some(&n) => n as usize,
            None => return false,
        };
        match stored.get(at + 1..at + 1 + n) {
            Some(s) if same_bytes(s, c) => {}
            _ => return false,
        }
        at += 1 + n;
    }
    at == stored.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_told_apart_by_their_bytes_and_boundaries() {
        let mut memo = ContextMemo::default();
        let a = RawKey::new(&[b"ab", b"c"]).unwrap();
        let b = RawKey::new(&[b"a", b"bc"]).unwrap();
        assert!(memo.find(&a).is_none());
        memo.remember(&a, 1);
        assert_eq!(memo.find(&a), Some(1));
        assert_eq!(memo.find(&b), None);
        let long = vec![b'x'; 300];
        assert!(RawKey::new(&[&long]).is_none());
        // Cells of every length up to 16 are compared byte for byte.
        for n in 0..=16 {
            let x = vec![b'x'; n];
            let mut y = x.clone();
            memo.remember(&RawKey::new(&[&x]).unwrap(), 2);
            if n > 0 {
                y[n / 3] = b'y';
                assert_eq!(memo.find(&RawKey::new(&[&y]).unwrap()), None, "{n}");
            }
            assert!(memo.find(&RawKey::new(&[&x]).unwrap()).is_some());
        }
    }

    #[test]
    fn a_raw_context_is_remembered_once_and_a_full_memo_starts_afresh() {
        let mut memo = ContextMemo::default();
        let u = RawKey::new(&[b"2026-01", b"USD"]).unwrap();
        for _ in 0..3 {
            memo.remember(&u, 2);
        }
        assert_eq!(memo.entries.len(), 1);
        let cells: Vec<Vec<u8>> = (0..MAX_KEYS + 1)
            .map(|i| format!("2026-01-{i}").into_bytes())
            .collect();
        for c in &cells {
            memo.remember(&RawKey::new(&[c]).unwrap(), 3);
        }
        // Full at the last but one: started afresh with it.
        assert_eq!(memo.entries.len(), 2);
        assert_eq!(
            memo.find(&RawKey::new(&[&cells[MAX_KEYS]]).unwrap()),
            Some(3)
        );
        assert_eq!(memo.find(&u), None);
    }
}
