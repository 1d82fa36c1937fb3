//! Territories as statements write them, mapped to ISO 3166-1 alpha-2:
//! two-letter codes pass through, ISO alpha-3 codes (`USA`, Symphonic) and
//! English country names (`United States`, Believe) are looked up in a table
//! generated from the iso-codes project (`countries.tsv`, with common
//! aliases such as `UK`, `South Korea`, `Ivory Coast` added by hand).
//! A value the table does not know becomes `WW` and is reported once per
//! file: territory never changes money in `royalty`, so a line is not
//! refused for it, but nothing is guessed silently either.

use crate::codes::Territory;
use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("countries.tsv");

fn key(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace(['.', '’'], "")
        .replace('\'', "")
}

fn table() -> &'static HashMap<String, Territory> {
    static T: OnceLock<HashMap<String, Territory>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = HashMap::new();
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut cells = line.split('\t');
            let Some(t) = cells
                .next()
                .and_then(|c| Territory::parse_bytes(c.as_bytes()))
            else {
                continue;
            };
            for name in cells {
                m.entry(key(name)).or_insert(t);
            }
        }
        m
    })
}

/// Maps a cell to a territory; `None` when the value is not known.
/// Empty cells and `WW` / `Worldwide` are the world.
pub fn lookup(cell: &[u8], extra: &HashMap<String, Territory>) -> Option<Territory> {
    let c = cell.trim_ascii();
    if c.is_empty() {
        return Some(Territory::WORLD);
    }
    if c.len() == 2 {
        return Territory::parse_bytes(c);
    }
    let k = key(&String::from_utf8_lossy(c));
    if k == "worldwide" || k == "world" {
        return Some(Territory::WORLD);
    }
    extra.get(&k).or_else(|| table().get(&k)).copied()
}

/// Normalises a user-given name the way `lookup` does (for profile tables).
pub fn table_key(s: &str) -> String {
    key(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_and_aliases() {
        let none = HashMap::new();
        let t = |s: &str| lookup(s.as_bytes(), &none).map(|t| t.to_string());
        assert_eq!(t("us").as_deref(), Some("US"));
        assert_eq!(t("DEU").as_deref(), Some("DE"));
        assert_eq!(t("United Kingdom").as_deref(), Some("GB"));
        assert_eq!(t("Côte d'Ivoire").as_deref(), Some("CI"));
        assert_eq!(t("south korea").as_deref(), Some("KR"));
        assert_eq!(t("").as_deref(), Some("WW"));
        assert_eq!(t("Atlantis"), None);
    }
}
