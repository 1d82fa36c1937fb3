//! The tracks the agreements list, as the reader sees them: a line is
//! matched or not by one hash lookup of its ISRC's 12 bytes, whatever the
//! number of agreements (docs/scaling.md).

use crate::codes::Isrc;
use std::collections::HashSet;

/// Which ISRCs an agreement lists, and what the caller wants of the lines
/// of the others (unmatched).
#[derive(Clone, Debug, Default)]
pub struct Matching {
    tracks: HashSet<u128, crate::statement::acc::Hashing>,
    /// List unmatched lines one by one (`run --unmatched`), with their
    /// sums kept per key; otherwise they are summed per currency only.
    pub list: bool,
}

/// An ISRC's 12 bytes as one integer (the high 32 bits are zero).
pub fn packed(i: &Isrc) -> u128 {
    let mut b = [0u8; 16];
    b[..12].copy_from_slice(i.bytes());
    u128::from_le_bytes(b)
}

/// The ISRC `packed` made.
pub fn unpacked(v: u128) -> Isrc {
    let b = v.to_le_bytes();
    let mut i = [0u8; 12];
    i.copy_from_slice(&b[..12]);
    Isrc::from_bytes(i)
}

impl Matching {
    pub fn new(tracks: impl IntoIterator<Item = Isrc>, list: bool) -> Matching {
        Matching {
            tracks: tracks.into_iter().map(|i| packed(&i)).collect(),
            list,
        }
    }

    /// Whether an agreement lists the track (`packed`).
    #[inline]
    pub fn lists(&self, isrc: u128) -> bool {
        self.tracks.contains(&isrc)
    }

    pub fn lists_isrc(&self, isrc: &Isrc) -> bool {
        self.lists(packed(isrc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_isrc_packs_and_unpacks_and_is_found_by_its_bytes() {
        let a = Isrc::parse("QZNWX2600001").unwrap();
        let b = Isrc::parse("QZNWX2600002").unwrap();
        assert_eq!(unpacked(packed(&a)), a);
        let m = Matching::new([a], false);
        assert!(m.lists_isrc(&a));
        assert!(!m.lists_isrc(&b));
    }
}
