//! Which layout a file is in, from its first lines: a DDEX DSR `HEAD`
//! record, or the profile whose `detect` columns are all on its header line
//! (found where the profile places it: the first line, after a preamble,
//! or within the first lines). When several fit, the most specific (most
//! `detect` columns) wins. A partial fit is never taken: a file that fits
//! no profile is an error naming the closest one and what differs — the
//! columns, the delimiter, or the lines before the header.

use super::cells::{norm, split_line};
use super::profile::{HeaderAt, Kind, Profile};
use crate::codes::Isrc;
use crate::period::Usage;
use std::collections::HashMap;

/// Splits one line as a delimiter and quoting say, into normalised names.
fn names(line: &[u8], delimiter: u8, quoting: bool) -> Vec<String> {
    split_line(line, delimiter, quoting)
        .iter()
        .map(norm)
        .collect()
}

/// A line's names, split under one delimiter and quoting.
type Split = std::rc::Rc<Vec<String>>;

/// The first lines of a file, each split (once) as every profile asks.
struct Lines<'a> {
    lines: Vec<&'a [u8]>,
    /// By line, delimiter and quoting.
    split: std::cell::RefCell<HashMap<(usize, u8, bool), Split>>,
}

impl<'a> Lines<'a> {
    fn new(prefix: &'a [u8]) -> Self {
        Lines {
            lines: first_lines(prefix),
            split: Default::default(),
        }
    }

    fn len(&self) -> usize {
        self.lines.len()
    }

    fn blank(&self, i: usize) -> bool {
        self.lines[i].trim_ascii().is_empty()
    }

    /// Line `i`'s normalised cells under this delimiter and quoting.
    fn names(&self, i: usize, delimiter: u8, quoting: bool) -> Split {
        self.split
            .borrow_mut()
            .entry((i, delimiter, quoting))
            .or_insert_with(|| std::rc::Rc::new(names(self.lines[i], delimiter, quoting)))
            .clone()
    }
}

/// How many of the profile's `detect` columns are among `cells`, and which not.
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
    Profile(usize),
    /// The message for an unknown layout.
    Unknown(String),
}

/// Lines looked at to place a header or explain why none fits.
const LOOK: usize = 30;

/// The first lines of the decoded text, without their line ends.
fn first_lines(prefix: &[u8]) -> Vec<&[u8]> {
    prefix
        .split(|c| *c == b'\n')
        .take(LOOK)
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

/// The index of the line the profile reads as its header, if there is one
/// where it looks.
fn header_index(p: &Profile, lines: &Lines, delimiter: u8) -> Option<usize> {
    let filled = |i: &usize| !lines.blank(*i);
    match p.header {
        HeaderAt::First => (0..lines.len()).find(filled),
        HeaderAt::Skip(n) => (n..lines.len()).find(filled),
        HeaderAt::Within(n) => (0..n.min(lines.len())).filter(filled).find(|i| {
            score(p, &lines.names(*i, delimiter, p.quoting))
                .1
                .is_empty()
        }),
    }
}

/// How close a profile comes to a file that it does not fit.
struct Near {
    profile: usize,
    found: usize,
    missing: Vec<String>,
    /// The delimiter it would fit with.
    delimiter: Option<u8>,
    /// The line (0-based) its header is on, where it expects another.
    line: Option<usize>,
}

impl Near {
    fn share(&self, p: &Profile) -> (usize, usize) {
        if self.delimiter.is_some() || self.line.is_some() {
            (1, 1)
        } else {
            (self.found, p.detect.len().max(1))
        }
    }
}

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tabs".into(),
        d => format!("`{}`", d as char),
    }
}

/// Chooses the layout of a text file from its first lines: the fitting
/// profile with the most `detect` columns; only when none fits, how close
/// each comes (which costs more, and is needed only for the message).
pub fn choose_text(prefix: &[u8], profiles: &[Profile]) -> Choice {
    let lines = Lines::new(prefix);
    if lines
        .lines
        .first()
        .is_some_and(|l| l.starts_with(b"HEAD\t"))
    {
        return match profiles.iter().position(|p| p.kind == Kind::DdexDsr) {
            Some(i) => Choice::Profile(i),
            None => Choice::Unknown(
                "a DDEX DSR file, but no profile of kind `ddex-dsr` is loaded".into(),
            ),
        };
    }
    let tables = || {
        profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == Kind::Table && !p.detect.is_empty())
    };
    let mut best: Option<(usize, usize)> = None;
    for (i, p) in tables() {
        let Some(h) = header_index(p, &lines, p.delimiter) else {
            continue;
        };
        let (found, missing) = score(p, &lines.names(h, p.delimiter, p.quoting));
        if missing.is_empty() && best.is_none_or(|(_, n)| found > n) {
            best = Some((i, found));
        }
    }
    if let Some((i, _)) = best {
        return Choice::Profile(i);
    }
    let first = (0..lines.len()).find(|i| !lines.blank(*i));
    if first.is_none() {
        // An empty file: the canonical reader warns that it adds nothing.
        if let Some(i) = profiles.iter().position(|p| p.name == "canonical") {
            return Choice::Profile(i);
        }
    }
    let mut near: Option<Near> = None;
    for (i, p) in tables() {
        let (found, missing) = header_index(p, &lines, p.delimiter)
            .map_or((0, p.detect.clone()), |h| {
                score(p, &lines.names(h, p.delimiter, p.quoting))
            });
        let mut n = Near {
            profile: i,
            found,
            missing,
            delimiter: None,
            line: None,
        };
        // Would another delimiter make it fit?
        for d in [b',', b';', b'\t', b'|'] {
            if d == p.delimiter {
                continue;
            }
            if let Some(h) = header_index(p, &lines, d) {
                if score(p, &lines.names(h, d, p.quoting)).1.is_empty() {
                    n.delimiter = Some(d);
                }
            }
        }
        // Or is its header elsewhere than it expects?
        if n.delimiter.is_none() {
            n.line = (0..lines.len()).find(|h| {
                score(p, &lines.names(*h, p.delimiter, p.quoting))
                    .1
                    .is_empty()
            });
        }
        let closer = near.as_ref().is_none_or(|m| {
            let (a, b) = n.share(p);
            let (c, d) = m.share(&profiles[m.profile]);
            a * d > c * b
        });
        if closer {
            near = Some(n);
        }
    }
    let shown = first.map_or(String::new(), |f| {
        String::from_utf8_lossy(lines.lines[f]).into_owned()
    });
    let data = first.is_some_and(|f| looks_like_data(&lines.names(f, b',', true)));
    Choice::Unknown(unknown(profiles, near, &shown, data))
}

/// A line holding an ISRC and a date: data, not a header.
fn looks_like_data(cells: &[String]) -> bool {
    cells.iter().any(|c| Isrc::parse(c).is_some())
        && cells
            .iter()
            .any(|c| Usage::parse_bytes(c.as_bytes()).is_some())
}

fn unknown(profiles: &[Profile], near: Option<Near>, shown: &str, data: bool) -> String {
    let shown: String = shown.chars().take(300).collect();
    let canonical = profiles.iter().find(|p| p.name == "canonical");
    let columns = canonical.map(|p| p.detect.join(",")).unwrap_or_default();
    if data && canonical.is_some() {
        return format!(
            "unknown statement layout: the first line looks like data, not a header (is the header missing?); a canonical statement's first line names its columns: {columns}"
        );
    }
    let mut msg = format!("unknown statement layout: the header found is `{shown}`");
    match near {
        Some(n) if n.found > 0 || n.delimiter.is_some() || n.line.is_some() => {
            let p = &profiles[n.profile];
            if let Some(d) = n.delimiter {
                msg.push_str(&format!(
                    "; the closest profile is `{}`: its columns are all there, but separated by {} where it expects {}",
                    p.name,
                    delimiter_name(d),
                    delimiter_name(p.delimiter)
                ));
            } else if let Some(h) = n.line {
                let expects = match p.header {
                    HeaderAt::Skip(k) => format!("after {k} lines"),
                    HeaderAt::Within(k) => format!("within the first {k} lines"),
                    HeaderAt::First => "on the first line".into(),
                };
                msg.push_str(&format!(
                    "; the closest profile is `{}`: its header is on line {}, but it expects it {expects} (lines before the header: `[header] skip = {h}` or `within = {}`)",
                    p.name,
                    h + 1,
                    h + 1
                ));
            } else if p.name == "canonical" {
                msg = format!(
                    "unknown statement layout: the header lacks the required column{} {}; a canonical statement's first line names its columns: {columns} (the header found is `{shown}`)",
                    if n.missing.len() == 1 { "" } else { "s" },
                    n.missing.join(", ")
                );
                return msg;
            } else {
                msg.push_str(&format!(
                    "; the closest profile is `{}` ({} of its {} columns found; missing: {})",
                    p.name,
                    n.found,
                    p.detect.len(),
                    n.missing.join(", ")
                ));
            }
        }
        _ => msg.push_str("; no profile shares a column with it"),
    }
    msg.push_str(". Name a layout with --profile NAME, write a profile (`royalty formats draft FILE` proposes one; docs/formats.md)");
    msg
}

/// Chooses the layout of a workbook sheet from its rows.
pub fn choose_cells(rows: &[(u64, Vec<String>)], profiles: &[Profile]) -> Choice {
    let lines: Vec<Vec<u8>> = rows
        .iter()
        .take(LOOK)
        .map(|(_, c)| {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            let _ = w.write_record(c);
            let mut b = w.into_inner().unwrap_or_default();
            while b.last().is_some_and(|c| *c == b'\n' || *c == b'\r') {
                b.pop();
            }
            b
        })
        .collect();
    // Sheets are read as CSV text of their cells: every profile's
    // delimiter is then `,`.
    let as_csv: Vec<Profile> = profiles
        .iter()
        .map(|p| Profile {
            delimiter: b',',
            quoting: true,
            ..p.clone()
        })
        .collect();
    choose_text(&lines.join(&b'\n'), &as_csv)
}
