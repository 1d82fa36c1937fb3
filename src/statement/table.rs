//! The period's sums per key, built as statements are read and handed to
//! the engine sorted (docs/scaling.md, "Memory").
//!
//! A catalogue's statement holds hundreds of thousands of keys (track,
//! source, usage month, currency), so what one key costs decides the
//! memory of a run. While reading, a key and its exact sum fill one 64-byte
//! slot in blocks that never move (no doubling, no copy), found through a
//! table of 4-byte indices; `finish` turns them, a block at a time, into
//! the sorted list the engine reads, freeing each block as it goes, so the
//! sums are never held twice.

use super::acc::Acc;
use super::{Key, Rounding, Sums};
use hashbrown::HashTable;
use std::borrow::Cow;

/// Slots per block: 4,096 x 64 bytes, big enough that the allocator maps
/// each one on its own and returns it whole when `finish` frees it.
const BLOCK: usize = 4096;

/// Exact sums per key: those read so far (`pending`), and those already
/// turned into the engine's sorted list (`done`).
#[derive(Clone, Debug, Default)]
pub struct SumTable {
    index: HashTable<u32>,
    blocks: Vec<Vec<(Key, Acc)>>,
    len: usize,
    /// Sorted by key, each key once.
    done: Vec<(Key, Sums)>,
}

fn hash(k: &Key) -> u64 {
    super::acc::hash_of(k)
}

impl SumTable {
    fn slot(&self, i: u32) -> &(Key, Acc) {
        let i = i as usize;
        &self.blocks[i / BLOCK][i % BLOCK]
    }

    /// The sum of `key`, created empty if new.
    pub fn entry(&mut self, key: Key) -> &mut Acc {
        let h = hash(&key);
        let blocks = &self.blocks;
        let at = |i: u32| &blocks[i as usize / BLOCK][i as usize % BLOCK];
        let i = match self.index.find(h, |&i| at(i).0 == key) {
            Some(&i) => i,
            None => {
                let i = self.len as u32;
                if self.len.is_multiple_of(BLOCK) {
                    self.blocks.push(Vec::with_capacity(BLOCK));
                }
                self.blocks
                    .last_mut()
                    .expect("a block with room")
                    .push((key, Acc::default()));
                self.len += 1;
                let blocks = &self.blocks;
                self.index.insert_unique(h, i, |&j| {
                    hash(&blocks[j as usize / BLOCK][j as usize % BLOCK].0)
                });
                i
            }
        };
        let i = i as usize;
        &mut self.blocks[i / BLOCK][i % BLOCK].1
    }

    /// Adds exact sums to `key`'s.
    pub fn add_acc(&mut self, key: Key, a: &Acc) {
        self.entry(key).merge(a);
    }

    /// Adds decimal sums (an aggregate file's, a hypothetical line's).
    pub fn add(&mut self, key: Key, s: &Sums) {
        self.add_acc(key, &Acc::of_sums(s));
    }

    /// Adds every sum of `other`, exactly.
    pub fn absorb(&mut self, other: SumTable) {
        for (k, s) in &other.done {
            self.add(*k, s);
        }
        for (k, a) in other.blocks.iter().flatten() {
            self.add_acc(*k, a);
        }
    }

    /// The keys with sums, in order.
    pub fn keys(&self) -> impl Iterator<Item = Key> {
        let keys: Vec<Key> = self.sorted().iter().map(|(k, _)| *k).collect();
        keys.into_iter()
    }

    /// The sums in key order (a copy: `sorted` borrows them).
    pub fn iter(&self) -> impl Iterator<Item = (Key, Sums)> {
        self.sorted().into_owned().into_iter()
    }

    /// Keys with sums, read or finished.
    pub fn len(&self) -> usize {
        let pending = (0..self.len as u32).filter(|&i| !self.slot(i).1.is_empty());
        self.done.len() + pending.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Turns the sums read so far into the sorted list, a block at a time;
    /// returns the keys whose sums a `Decimal` cannot hold (`acc::too_large`),
    /// left out of the list.
    pub fn finish(&mut self) -> Vec<Key> {
        self.finish_rounding(&mut Rounding::default())
    }

    /// `finish`, counting the sums that had more digits than a `Decimal`
    /// keeps (rounded far below a cent: docs/formats.md, "Numbers").
    pub fn finish_rounding(&mut self, rounding: &mut Rounding) -> Vec<Key> {
        if self.len == 0 {
            return Vec::new();
        }
        self.index = HashTable::new();
        let mut out = Vec::with_capacity(self.done.len() + self.len);
        let mut refused = Vec::new();
        for block in std::mem::take(&mut self.blocks) {
            for (k, a) in block.iter().filter(|(_, a)| !a.is_empty()) {
                match a.run_sums() {
                    Some(s) => {
                        if let Some(t) = s.rounded_at {
                            rounding.sums += 1;
                            rounding.bound += rust_decimal::Decimal::new(1, t);
                        }
                        out.push((*k, s.sums))
                    }
                    None => refused.push(*k),
                }
            }
        }
        self.len = 0;
        out.sort_unstable_by_key(|(k, _)| *k);
        self.done = merge_sorted(std::mem::take(&mut self.done), out);
        refused.sort_unstable();
        refused
    }

    /// The sums in key order. Borrowed once `finish`ed; sums added since
    /// are merged into a copy (those too large to be exact left out, as
    /// `finish` reports them).
    pub fn sorted(&self) -> Cow<'_, [(Key, Sums)]> {
        if self.len == 0 {
            return Cow::Borrowed(&self.done);
        }
        let mut copy = self.clone();
        copy.finish();
        Cow::Owned(copy.done)
    }
}

/// Two sorted lists of sums as one, sums of a key found in both added.
fn merge_sorted(a: Vec<(Key, Sums)>, b: Vec<(Key, Sums)>) -> Vec<(Key, Sums)> {
    if a.is_empty() {
        return b;
    }
    let mut out: Vec<(Key, Sums)> = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                let (k, mut s) = a.next().expect("peeked");
                s.merge(&b.next().expect("peeked").1);
                (k, s)
            }
            (Some(x), Some(y)) if x.0 < y.0 => a.next().expect("peeked"),
            (Some(_), _) => a.next().expect("peeked"),
            (None, Some(_)) => b.next().expect("peeked"),
            (None, None) => break,
        };
        out.push(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{Currency, Isrc, Source, Territory};
    use crate::money::dec;
    use crate::period::Usage;

    fn key(n: u32) -> Key {
        Key {
            isrc: Isrc::parse(&format!("QZNWX26{n:05}")).unwrap(),
            source: Source::Streaming,
            usage: Usage::parse_bytes(b"2026-01").unwrap(),
            currency: Currency::parse("USD").unwrap(),
            territory: Territory::WORLD,
        }
    }

    fn sums(amount: &str) -> Sums {
        Sums {
            units: 1,
            amount: dec(amount),
            tax_withheld: dec("0"),
            lines: 1,
        }
    }

    #[test]
    fn sums_across_blocks_and_finishes_come_out_sorted_and_added() {
        let mut t = SumTable::default();
        let n = 2 * BLOCK as u32 + 7;
        for i in (0..n).rev() {
            t.add(key(i), &sums("1.5"));
        }
        t.add(key(3), &sums("0.25"));
        let before = t.sorted().into_owned();
        assert!(t.finish().is_empty());
        assert_eq!(t.sorted(), before);
        // Added after a finish: merged with what was finished.
        t.add(key(3), &sums("1"));
        t.add(key(n + 1), &sums("2"));
        assert!(t.finish().is_empty());
        let s = t.sorted();
        assert_eq!(s.len(), n as usize + 1);
        assert!(s.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(s[3].1.amount, dec("2.75"));
        assert_eq!(s[3].1.lines, 3);
        assert_eq!(t.len(), n as usize + 1);
    }

    #[test]
    fn a_sum_too_large_to_be_exact_is_refused_and_named() {
        let mut t = SumTable::default();
        // 8 x 10^16 and 10^-12: 29 digits, one more than a decimal has.
        for _ in 0..80 {
            t.add(key(1), &sums("999999999999999.5"));
        }
        t.add(key(1), &sums("0.000000000001"));
        t.add(key(2), &sums("1"));
        assert_eq!(t.finish(), vec![key(1)]);
        assert_eq!(t.sorted().len(), 1);
    }
}
