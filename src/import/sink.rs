//! Where a reader puts what it reads: the revenue model's sums, the file's
//! control totals, and (when asked) the lines no agreement covers.

use crate::codes::Isrc;
use crate::statement::{FileSummary, Key, Revenue, RevenueLine, Sums};

/// Where a reader puts each good line: into the sums and the file's control
/// totals, and, when asked, into a list of lines no agreement covers.
pub struct Sink<'a> {
    pub revenue: &'a mut Revenue,
    pub summary: &'a mut FileSummary,
    /// When set, lines whose ISRC is not in it are also kept in `unmatched`.
    pub known: Option<&'a std::collections::HashSet<Isrc>>,
    pub unmatched: &'a mut Vec<RevenueLine>,
    /// Threads for parsing large statements (0: all cores).
    pub threads: usize,
}

impl Sink<'_> {
    /// Adds sums read elsewhere (e.g. by the parallel reader) for one key.
    pub fn add_sums(&mut self, key: Key, s: &Sums) {
        self.revenue.sums.entry(key).or_default().merge(s);
        self.summary
            .totals
            .entry(key.currency)
            .or_default()
            .merge(s);
        self.summary.lines += s.lines;
    }

    pub fn push(&mut self, l: &RevenueLine) {
        self.revenue.add_line(self.summary, l);
        if let Some(known) = self.known {
            if !known.contains(&l.isrc) {
                self.unmatched.push(l.clone());
            }
        }
    }
}

/// How many problems one file reports before it only counts the rest.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 200;
