//! One reading thread's sums (docs/scaling.md, "Memory").
//!
//! A line adds into the sum of its key: its track and its context (source,
//! usage date, currency, and territory when sums are kept per territory).
//! Each thread keeps the sums of the keys it met lately in a small table of
//! its own, so the many lines of a hit add up without a lock; when that
//! table is full (a catalogue's long tail, where keys do not repeat), it is
//! handed whole to the run's table (`statement::table::SumTable`) under a
//! lock and starts empty. So a thread's memory is bounded whatever the
//! number of keys, and the run keeps each key once. Sums are exact
//! integers: which thread adds a line, and when its table is handed over,
//! cannot change a figure.
//!
//! Lines of a track no agreement lists (`catalog::Matching`) are summed per
//! context only, when the caller does not list them: the output needs only
//! their total per currency.

use super::catalog::{packed, unpacked};
use crate::codes::{Currency, Isrc, Source, Territory};
use crate::period::Usage;
use crate::statement::acc::{Acc, FastMap, Numbers};
use crate::statement::table::SumTable;
use crate::statement::{Key, RevenueLine};
use hashbrown::HashTable;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Keys a thread keeps before handing its sums over: 32,768 x 64 bytes,
/// about the size of a core's second-level cache.
const SLOTS: usize = 1 << 17;

/// A key without its track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Context {
    pub source: Source,
    pub usage: Usage,
    pub currency: Currency,
    pub territory: Territory,
}

impl Context {
    pub fn of(l: &RevenueLine, by_territory: bool) -> Context {
        Context {
            source: l.source,
            usage: l.usage,
            currency: l.currency,
            territory: if by_territory {
                l.territory
            } else {
                Territory::WORLD
            },
        }
    }

    fn key(&self, isrc: Isrc) -> Key {
        Key {
            isrc,
            source: self.source,
            usage: self.usage,
            currency: self.currency,
            territory: self.territory,
        }
    }
}

/// A key as one integer: the ISRC's 12 bytes, then the context's number.
fn slot_key(isrc: u128, ctx: u32) -> u128 {
    isrc << 32 | ctx as u128
}

fn hash(k: u128) -> u64 {
    crate::statement::acc::hash_of(&k)
}

/// A key's sum in a thread's table, and how often the key was met since
/// room was last made (64 bytes with the key).
struct Slot {
    key: u128,
    hits: u32,
    acc: Acc,
}

/// Where threads hand their sums over: the run's table, behind a lock.
pub type Shared<'s> = Mutex<&'s mut SumTable>;

/// One thread's sums while it reads one file.
pub struct ThreadSums<'a, 's> {
    shared: &'a Shared<'s>,
    contexts: Vec<Context>,
    ids: FastMap<Context, u32>,
    index: HashTable<u32>,
    slots: Vec<Slot>,
    /// Slots before room is made (`make_room`).
    room: usize,
    /// Per context: the lines of unlisted tracks (when not listed one by
    /// one), and the sums handed over, for the file's control totals.
    unmatched: Vec<Acc>,
    handed: Vec<Acc>,
}

impl<'a, 's> ThreadSums<'a, 's> {
    pub fn new(shared: &'a Shared<'s>) -> Self {
        ThreadSums {
            shared,
            contexts: Vec::new(),
            ids: FastMap::default(),
            index: HashTable::new(),
            slots: Vec::new(),
            room: SLOTS,
            unmatched: Vec::new(),
            handed: Vec::new(),
        }
    }

    /// The number of a context (`memo` remembers raw cells by it).
    pub fn context(&mut self, c: Context) -> u32 {
        if let Some(&i) = self.ids.get(&c) {
            return i;
        }
        let i = self.contexts.len() as u32;
        self.contexts.push(c);
        self.ids.insert(c, i);
        self.unmatched.push(Acc::default());
        self.handed.push(Acc::default());
        i
    }

    /// The sum of a track (`catalog::packed`) in context `ctx`.
    #[inline]
    pub fn acc(&mut self, isrc: u128, ctx: u32) -> &mut Acc {
        let k = slot_key(isrc, ctx);
        let h = hash(k);
        let slots = &self.slots;
        let i = match self.index.find(h, |&i| slots[i as usize].key == k) {
            Some(&i) => i as usize,
            None => {
                if self.slots.len() >= self.room {
                    self.make_room();
                }
                let i = self.slots.len();
                self.slots.push(Slot {
                    key: k,
                    hits: 0,
                    acc: Acc::default(),
                });
                let slots = &self.slots;
                self.index
                    .insert_unique(h, i as u32, |&j| hash(slots[j as usize].key));
                i
            }
        };
        let s = &mut self.slots[i];
        s.hits = s.hits.saturating_add(1);
        &mut s.acc
    }

    /// The table is full: the keys met once since the last time go to the
    /// run's table, the others stay (a catalogue's hits keep adding up here
    /// while its long tail passes through). When the run's table is busy
    /// (another thread handing over), this one grows a little instead of
    /// waiting, up to twice its size.
    fn make_room(&mut self) {
        let shared = match self.shared.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::WouldBlock) if self.room < 2 * SLOTS => {
                self.room += SLOTS / 4;
                return;
            }
            Err(_) => self.shared.lock().unwrap_or_else(|e| e.into_inner()),
        };
        let mut shared = shared;
        let before = self.slots.len();
        let cold = self.slots.iter().filter(|s| s.hits < 2).count();
        // Too few one-offs: hand everything over.
        let all = cold < before / 4;
        let mut kept = Vec::with_capacity(if all { 0 } else { before - cold });
        for s in self.slots.drain(..) {
            if all || s.hits < 2 {
                let ctx = (s.key & u32::MAX as u128) as usize;
                let key = self.contexts[ctx].key(unpacked(s.key >> 32));
                shared.add_acc(key, &s.acc);
                self.handed[ctx].merge(&s.acc);
            } else {
                kept.push(Slot { hits: 0, ..s });
            }
        }
        self.index.clear();
        for (i, s) in kept.iter().enumerate() {
            self.index
                .insert_unique(hash(s.key), i as u32, |&j| hash(kept[j as usize].key));
        }
        self.slots = kept;
        self.slots.reserve(SLOTS);
        self.room = SLOTS;
    }

    /// Adds a line of an unlisted track, summed per context only.
    #[inline]
    pub fn add_unmatched(&mut self, ctx: u32, n: Numbers) {
        self.unmatched[ctx as usize].add_scaled(n);
    }

    /// Adds a line read in full: under its key, or per context if unlisted
    /// (`keyed` false).
    pub fn add_line(&mut self, l: &RevenueLine, ctx: u32, keyed: bool) {
        if keyed {
            self.acc(packed(&l.isrc), ctx).add(l);
        } else {
            self.unmatched[ctx as usize].add(l);
        }
    }

    /// Hands every sum kept to the run's table, and starts empty.
    fn hand_over(&mut self) {
        if self.slots.is_empty() {
            return;
        }
        self.index.clear();
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        for s in self.slots.drain(..) {
            let ctx = (s.key & u32::MAX as u128) as usize;
            let key = self.contexts[ctx].key(unpacked(s.key >> 32));
            shared.add_acc(key, &s.acc);
            self.handed[ctx].merge(&s.acc);
        }
    }

    /// The end of the file: every sum handed over; what the file's lines
    /// add up to per currency (all of them, and the unlisted tracks').
    pub fn finish(mut self) -> FileSums {
        self.hand_over();
        let mut out = FileSums::default();
        for (c, (h, u)) in self
            .contexts
            .iter()
            .zip(self.handed.iter().zip(&self.unmatched))
        {
            let t = out.totals.entry(c.currency).or_default();
            t.merge(h);
            t.merge(u);
            if !u.is_empty() {
                out.unmatched.entry(c.currency).or_default().merge(u);
            }
        }
        out
    }
}

/// A file's sums per currency, from every thread that read it.
#[derive(Default)]
pub struct FileSums {
    /// Every line.
    pub totals: BTreeMap<Currency, Acc>,
    /// The lines of unlisted tracks summed per currency only.
    pub unmatched: BTreeMap<Currency, Acc>,
}

impl FileSums {
    pub fn absorb(&mut self, o: FileSums) {
        for (c, a) in o.totals {
            self.totals.entry(c).or_default().merge(&a);
        }
        for (c, a) in o.unmatched {
            self.unmatched.entry(c).or_default().merge(&a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn sums_handed_over_when_full_add_up_to_the_same() {
        let mut table = SumTable::default();
        let shared = Mutex::new(&mut table);
        let mut t = ThreadSums::new(&shared);
        let c = t.context(Context {
            source: Source::Streaming,
            usage: Usage::parse_bytes(b"2026-01").unwrap(),
            currency: Currency::parse("USD").unwrap(),
            territory: Territory::WORLD,
        });
        let n = Numbers {
            units: 2,
            amount: (125, 2),
            tax: (0, 0),
        };
        // More keys than a thread keeps, each twice, and one hit.
        for round in 0..2 {
            for i in 0..SLOTS as u32 + 10 {
                let isrc = Isrc::parse(&format!("QZNWX{:07}", i)).unwrap();
                t.acc(packed(&isrc), c).add_scaled(n);
                if round == 0 {
                    t.acc(packed(&Isrc::parse("QZNWX9999999").unwrap()), c)
                        .add_scaled(n);
                }
            }
        }
        t.add_unmatched(c, n);
        let f = t.finish();
        let usd = Currency::parse("USD").unwrap();
        let total = f.totals[&usd].sums().unwrap().sums;
        let lines = 3 * (SLOTS as u64 + 10) + 1;
        assert_eq!(total.lines, lines);
        assert_eq!(
            total.amount,
            dec("1.25") * rust_decimal::Decimal::from(lines)
        );
        assert_eq!(f.unmatched[&usd].sums().unwrap().sums.lines, 1);
        assert!(table.finish().is_empty());
        let s = table.sorted();
        assert_eq!(s.len(), SLOTS + 11);
        assert!(s
            .iter()
            .all(|(_, x)| x.lines == 2 || x.lines == SLOTS as u64 + 10));
    }
}
