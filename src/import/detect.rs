//! Which layout a file is in, from its header line (SPEC 2.3): the
//! canonical columns, a DDEX DSR `HEAD` record, or the profile whose
//! `detect` columns are all present (the most specific one when several
//! fit). An unknown header is an error naming the closest profile.

use super::canonical;
use super::profile::{Kind, Profile};

/// Header cell, compared without case, surrounding blanks or a BOM.
pub fn norm(h: &[u8]) -> String {
    let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
    let s = String::from_utf8_lossy(h.trim_ascii());
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Splits one header line as the profile's delimiter and quoting say.
pub fn split_header(line: &[u8], delimiter: u8, quoting: bool) -> Vec<Vec<u8>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .from_reader(line);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec.iter().map(|c| c.to_vec()).collect(),
        _ => Vec::new(),
    }
}

/// How many of the profile's `detect` columns a header has, and which not.
pub fn score(p: &Profile, cells: &[String]) -> (usize, Vec<String>) {
    let missing: Vec<String> = p
        .detect
        .iter()
        .filter(|d| !cells.iter().any(|c| *c == norm(d.as_bytes())))
        .cloned()
        .collect();
    (p.detect.len() - missing.len(), missing)
}

pub enum Choice {
    Canonical,
    Profile(usize),
    /// The message for an unknown layout.
    Unknown(String),
}

/// The first line of the decoded text (without its line ending).
pub fn first_line(prefix: &[u8]) -> &[u8] {
    let end = memchr::memchr(b'\n', prefix).unwrap_or(prefix.len());
    let l = &prefix[..end];
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// Chooses the layout of a text file from its first line.
pub fn choose_text(line: &[u8], profiles: &[Profile]) -> Choice {
    if line.starts_with(b"HEAD\t") {
        return match profiles.iter().position(|p| p.kind == Kind::DdexDsr) {
            Some(i) => Choice::Profile(i),
            None => Choice::Unknown(
                "a DDEX DSR file, but no profile of kind `ddex-dsr` is loaded".into(),
            ),
        };
    }
    let comma = split_header(line, b',', true);
    if canonical::is_canonical(&comma) {
        return Choice::Canonical;
    }
    let split = |p: &Profile| -> Vec<String> {
        split_header(line, p.delimiter, p.quoting)
            .iter()
            .map(|c| norm(c))
            .collect()
    };
    match choose(profiles, split, &String::from_utf8_lossy(line)) {
        // An empty file, a canonical header missing a column, or canonical
        // data without its header: the canonical reader says precisely what
        // is wrong (or, for an empty file, warns and adds nothing).
        Choice::Unknown(_) if line.trim_ascii().is_empty() || canonical_like(&comma) => {
            Choice::Canonical
        }
        other => other,
    }
}

/// Most of the canonical columns, or a first line that is canonical data.
fn canonical_like(cells: &[Vec<u8>]) -> bool {
    let names: Vec<String> = cells.iter().map(|c| norm(c)).collect();
    let named = canonical::REQUIRED
        .iter()
        .filter(|r| names.iter().any(|n| n == *r))
        .count();
    let data = cells
        .iter()
        .any(|c| crate::codes::Isrc::parse_bytes(c).is_some())
        && cells
            .iter()
            .any(|c| crate::period::Usage::parse_bytes(c).is_some());
    named >= 3 || data
}

/// Chooses the layout of a workbook sheet from its first row.
pub fn choose_cells(cells: &[String], profiles: &[Profile]) -> Choice {
    let normed: Vec<String> = cells.iter().map(|c| norm(c.as_bytes())).collect();
    if canonical::is_canonical(
        &cells
            .iter()
            .map(|c| c.as_bytes().to_vec())
            .collect::<Vec<_>>(),
    ) {
        return Choice::Canonical;
    }
    choose(profiles, |_| normed.clone(), &cells.join(" | "))
}

fn choose(profiles: &[Profile], split: impl Fn(&Profile) -> Vec<String>, shown: &str) -> Choice {
    let mut best: Option<(usize, usize)> = None; // (profile, detect columns)
    let mut closest: Option<(usize, usize, Vec<String>)> = None; // (profile, found, missing)
    for (i, p) in profiles
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == Kind::Table)
    {
        let cells = split(p);
        let (found, missing) = score(p, &cells);
        if missing.is_empty() && found > 0 {
            if best.is_none_or(|(_, n)| found > n) {
                best = Some((i, found));
            }
        } else if closest
            .as_ref()
            .is_none_or(|(j, f, _)| found * profiles[*j].detect.len() > *f * p.detect.len())
        {
            closest = Some((i, found, missing));
        }
    }
    if let Some((i, _)) = best {
        return Choice::Profile(i);
    }
    let mut msg = format!(
        "unknown statement layout: the header found is `{}`",
        shown.chars().take(300).collect::<String>()
    );
    match closest {
        Some((i, found, missing)) if found > 0 => msg.push_str(&format!(
            "; the closest profile is `{}` ({found} of its {} columns found; missing: {})",
            profiles[i].name,
            profiles[i].detect.len(),
            missing.join(", ")
        )),
        _ => msg.push_str("; no profile shares a column with it"),
    }
    msg.push_str(". Name a layout with --profile NAME, or write a profile (see `royalty formats` and docs/formats.md)");
    Choice::Unknown(msg)
}
