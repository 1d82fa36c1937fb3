//! Line keys remembered by their raw bytes (issue "Speed and scale").
//!
//! A statement repeats a few thousand keys (track, source, usage month,
//! currency) over millions of lines. Validating the key cells of every line
//! and hashing the parsed key was about half of the cost of reading one. So
//! each reading thread remembers, for the exact bytes of a line's key cells,
//! the key they parsed to: a later line whose key cells are the same bytes
//! needs only its numbers read. Parsing is a pure function of those bytes,
//! so this cannot change a result. A line whose key cells were never seen
//! in a good line (or are bad) takes the full path, which also gives the
//! full error message. Memory is bounded: past `MAX_KEYS` distinct raw keys
//! new ones are simply not remembered.
//!
//! The memo also holds the thread's sums, over all the chunks it reads:
//! they are exact integers, so the thread they were added on does not
//! matter, and they are handed over once, at the end.

use super::acc::{Acc, FxMap};
use crate::statement::Key;
use hashbrown::HashTable;

/// Raw keys remembered per thread (each costs about 100 bytes).
const MAX_KEYS: usize = 1 << 16;
/// Key cells are stored after a one-byte length.
const MAX_CELL: usize = u8::MAX as usize;
/// Most key cells any layout has (ISRC, date, currency, territory, and the
/// columns of source and skip rules).
pub const MAX_CELLS: usize = 8;

/// The key cells of one line, hashed.
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
        let mut h = 0u64;
        for c in cells {
            if c.len() > MAX_CELL {
                return None;
            }
            let (a, b) = ends(c);
            h = mix(mix(h, a ^ (c.len() as u64) << 56), b);
            if c.len() > 16 {
                for w in c[8..c.len() - 8].chunks(8) {
                    let (x, y) = ends(w);
                    h = mix(h, x ^ y.rotate_left(32));
                }
            }
        }
        // Fold the well-mixed high bits down: the table indexes by the low.
        Some(RawKey {
            cells,
            hash: h ^ (h >> 29) ^ (h >> 47),
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

/// FxHash's step: cheap, and good enough with the fold above.
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// A remembered raw key: one cache line, so a lookup reads one line after
/// the table's.
#[repr(align(64))]
struct Entry {
    hash: u64,
    /// Where the sums of its key are, in `KeyMemo::accs`.
    acc: u32,
    /// Bytes used in `raw`.
    len: u8,
    /// The track is in no agreement: such lines are also listed one by one,
    /// which the full path does.
    unmatched: bool,
    /// The cells, each after its length.
    raw: [u8; RAW],
}

/// Room for the cells of a raw key in an `Entry`: the key cells of a
/// canonical statement take about 35 bytes. A longer raw key is not
/// remembered.
const RAW: usize = 50;

/// One thread's memory of raw keys, and its sums per key. Raw keys that
/// parse to the same key (stores that map to one source, say) share their
/// sums: fewer sums stay in the processor's cache.
#[derive(Default)]
pub struct KeyMemo {
    table: HashTable<u32>,
    entries: Vec<Entry>,
    /// The sums of each key, found by key only when a raw key is new.
    slots: FxMap<Key, u32>,
    keys: Vec<Key>,
    accs: Vec<Acc>,
}

impl KeyMemo {
    /// Where the sums of these key cells are, if they were seen before in a
    /// good line whose track an agreement covers.
    pub fn find(&self, raw: &RawKey) -> Option<usize> {
        let e = self.entry(raw)?;
        (!e.unmatched).then_some(e.acc as usize)
    }

    fn entry(&self, raw: &RawKey) -> Option<&Entry> {
        let entries = &self.entries;
        let &i = self.table.find(raw.hash, |&i| {
            let e = &entries[i as usize];
            e.hash == raw.hash && same(&e.raw[..e.len as usize], raw.cells)
        })?;
        Some(&self.entries[i as usize])
    }

    /// The sums at `i` (from `find` or `remember`).
    pub fn acc(&mut self, i: usize) -> &mut Acc {
        &mut self.accs[i]
    }

    /// Where the sums of `key` are; and remembers that these cells (if
    /// any), in a good line, gave `key`, unless the memo is full or the
    /// cells too long.
    pub fn remember(&mut self, raw: Option<&RawKey>, key: Key, unmatched: bool) -> usize {
        let next = self.accs.len() as u32;
        let acc = *self.slots.entry(key).or_insert(next);
        if acc == next {
            self.keys.push(key);
            self.accs.push(Acc::default());
        }
        // Lines of a track no agreement covers, or whose numbers the quick
        // path does not read, come back here with raw keys already known.
        let Some(raw) = raw.filter(|r| self.entry(r).is_none()) else {
            return acc as usize;
        };
        let len = raw.cells.iter().map(|c| c.len() + 1).sum::<usize>();
        if self.entries.len() >= MAX_KEYS || len > RAW {
            return acc as usize;
        }
        let mut e = Entry {
            hash: raw.hash,
            acc,
            len: len as u8,
            unmatched,
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
        acc as usize
    }

    /// The thread's sums, one per key.
    pub fn into_sums(self) -> impl Iterator<Item = (Key, Acc)> {
        self.keys
            .into_iter()
            .zip(self.accs)
            .filter(|(_, a)| !a.is_empty())
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

/// The threads' sums, added up by key: exact integers, so neither the
/// thread nor the order they were added in changes them.
pub fn sum_threads(memos: Vec<KeyMemo>) -> FxMap<Key, Acc> {
    let mut all: FxMap<Key, Acc> = FxMap::default();
    for (k, a) in memos.into_iter().flat_map(KeyMemo::into_sums) {
        all.entry(k).or_default().merge(&a);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{Currency, Isrc, Source, Territory};
    use crate::period::Usage;

    fn numbers(units: i64, amount: (i64, u32)) -> crate::import::quick::Numbers {
        crate::import::quick::Numbers {
            units,
            amount,
            tax: (0, 0),
        }
    }

    fn key(n: u32) -> Key {
        Key {
            isrc: Isrc::parse(&format!("QZNWX26{n:05}")).unwrap(),
            source: Source::Streaming,
            usage: Usage::parse_bytes(b"2026-01").unwrap(),
            currency: Currency::parse("USD").unwrap(),
            territory: Territory::WORLD,
        }
    }

    #[test]
    fn cells_are_told_apart_by_their_bytes_and_boundaries() {
        let mut memo = KeyMemo::default();
        let a = RawKey::new(&[b"ab", b"c"]).unwrap();
        let b = RawKey::new(&[b"a", b"bc"]).unwrap();
        assert!(memo.find(&a).is_none());
        let i = memo.remember(Some(&a), key(1), false);
        assert_eq!(memo.find(&a), Some(i));
        assert_eq!(memo.find(&b), None);
        let long = vec![b'x'; 300];
        assert!(RawKey::new(&[&long]).is_none());
        // Cells of every length up to 16 are compared byte for byte.
        for n in 0..=16 {
            let x = vec![b'x'; n];
            let mut y = x.clone();
            memo.remember(Some(&RawKey::new(&[&x]).unwrap()), key(2), false);
            if n > 0 {
                y[n / 3] = b'y';
                assert_eq!(memo.find(&RawKey::new(&[&y]).unwrap()), None, "{n}");
            }
            assert!(memo.find(&RawKey::new(&[&x]).unwrap()).is_some());
        }
    }

    #[test]
    fn a_raw_key_is_remembered_once() {
        let mut memo = KeyMemo::default();
        let u = RawKey::new(&[b"QZNWX2600002", b"2026-01"]).unwrap();
        for _ in 0..3 {
            memo.remember(Some(&u), key(2), true);
        }
        assert_eq!(memo.entries.len(), 1);
    }

    #[test]
    fn raw_keys_of_one_key_share_its_sums_and_unmatched_ones_are_not_found() {
        let mut memo = KeyMemo::default();
        let a = RawKey::new(&[b"QZNWX2600001", b"2026-01"]).unwrap();
        let b = RawKey::new(&[b"QZ-NWX-26-00001", b"2026-01"]).unwrap();
        let u = RawKey::new(&[b"QZNWX2600002", b"2026-01"]).unwrap();
        let i = memo.remember(Some(&a), key(1), false);
        assert_eq!(memo.remember(Some(&b), key(1), false), i);
        memo.remember(Some(&u), key(2), true);
        assert_eq!(memo.find(&u), None);
        assert_eq!(memo.find(&b), Some(i));
        memo.acc(i).add_scaled(numbers(2, (150, 2)));
        memo.acc(i).add_scaled(numbers(1, (5, 1)));
        let j = memo.remember(None, key(3), false);
        memo.acc(j).add_scaled(numbers(1, (1, 0)));
        let sums: Vec<(Key, Acc)> = memo.into_sums().collect();
        // Key 2 (unmatched, no lines here) is left out.
        assert_eq!(sums.len(), 2);
        assert_eq!(sums[0].0, key(1));
        let s = sums[0].1.sums().expect("small sums").sums;
        assert_eq!((s.units, s.amount.to_string(), s.lines), (3, "2".into(), 2));
        assert_eq!(sums[1].0, key(3));
    }
}
