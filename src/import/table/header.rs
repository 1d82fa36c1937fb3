//! The parts of a tabular file around its rows: the lines before the header
//! (a report's period and currency, as Apple and Spotify write them), the
//! header itself, and where the rows end (a blank line, a footer with the
//! file's own summary). Values a profile takes from there are found here.

use crate::import::cells::norm;
pub use crate::import::cells::split_line;
use crate::import::chunks::record_ends;
use crate::import::profile::{HeaderAt, Profile};
use csv::ByteRecord;
use std::io::BufRead;

/// The header and what came before it.
pub struct Located {
    /// 1-based line of the header.
    pub line: u64,
    pub header: ByteRecord,
    /// The lines before the header, as cells.
    pub preamble: Vec<Vec<Vec<u8>>>,
}

fn cells(rec: &ByteRecord) -> Vec<Vec<u8>> {
    rec.iter().map(|c| c.to_vec()).collect()
}

/// Whether every `detect` column of the profile is among these cells.
pub fn has_detect_columns(p: &Profile, cells: &[String]) -> bool {
    !p.detect.is_empty()
        && p.detect
            .iter()
            .all(|d| cells.iter().any(|c| *c == norm(d.as_bytes())))
}

fn blank(line: &[u8]) -> bool {
    line.trim_ascii().is_empty()
}

/// Reads up to and including the header, as the profile places it.
/// `Ok(None)`: the input has no header line at all (an empty file).
pub fn locate(input: &mut impl BufRead, p: &Profile) -> Result<Option<Located>, String> {
    let mut preamble = Vec::new();
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    let mut next = |buf: &mut Vec<u8>| -> Result<bool, String> {
        buf.clear();
        let n = input
            .read_until(b'\n', buf)
            .map_err(|e| format!("unreadable line: {e}"))?;
        Ok(n > 0)
    };
    if let HeaderAt::Skip(n) = p.header {
        for _ in 0..n {
            if !next(&mut buf)? {
                return Ok(None);
            }
            line_no += 1;
            preamble.push(cells(&split_line(&buf, p.delimiter, p.quoting)));
        }
    }
    let within = match p.header {
        HeaderAt::Within(n) => Some(n as u64),
        _ => None,
    };
    loop {
        if !next(&mut buf)? {
            return match within {
                Some(_) if line_no > 0 => Err(no_header(p, line_no)),
                _ => Ok(None),
            };
        }
        line_no += 1;
        if blank(&buf) {
            continue;
        }
        let rec = split_line(&buf, p.delimiter, p.quoting);
        let Some(limit) = within else {
            return Ok(Some(Located {
                line: line_no,
                header: rec,
                preamble,
            }));
        };
        let names: Vec<String> = rec.iter().map(norm).collect();
        if has_detect_columns(p, &names) {
            return Ok(Some(Located {
                line: line_no,
                header: rec,
                preamble,
            }));
        }
        if line_no >= limit {
            return Err(no_header(p, line_no));
        }
        preamble.push(cells(&rec));
    }
}

fn no_header(p: &Profile, lines: u64) -> String {
    format!(
        "no header in the first {lines} lines: profile `{}` looks for a line naming {}",
        p.name,
        p.detect.join(", ")
    )
}

/// The header among a sheet's rows, as the profile places it: its index
/// in `rows`, or why there is none.
pub fn locate_row(rows: &[(u64, Vec<String>)], p: &Profile) -> Result<Option<usize>, String> {
    let filled = |c: &Vec<String>| c.iter().any(|x| !x.trim().is_empty());
    let start = match p.header {
        HeaderAt::Skip(n) => n.min(rows.len()),
        _ => 0,
    };
    for (i, (line, c)) in rows.iter().enumerate().skip(start) {
        if !filled(c) {
            continue;
        }
        match p.header {
            HeaderAt::Within(n) => {
                let names: Vec<String> = c.iter().map(|x| norm(x.as_bytes())).collect();
                if has_detect_columns(p, &names) {
                    return Ok(Some(i));
                }
                if *line >= n as u64 {
                    return Err(no_header(p, *line));
                }
            }
            _ => return Ok(Some(i)),
        }
    }
    Ok(None)
}

/// Whether this line ends the rows: a blank line (or one of empty cells)
/// when the profile says so, or one starting with an end text.
pub fn ends_rows(p: &Profile, line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if p.end_at_blank
        && line
            .iter()
            .all(|c| *c == p.delimiter || *c == b'"' || c.is_ascii_whitespace())
    {
        return true;
    }
    let text = line.trim_ascii_start();
    let text = text.strip_prefix(b"\"").unwrap_or(text);
    p.end_at
        .iter()
        .any(|e| text.len() >= e.len() && text[..e.len()].eq_ignore_ascii_case(e))
}

/// The offset in `data` (which starts at a record) of the first line that
/// ends the rows, if any.
pub fn end_of_rows(p: &Profile, data: &[u8]) -> Option<usize> {
    let mut start = 0;
    for end in record_ends(data, p.delimiter, p.quoting) {
        if ends_rows(p, &data[start..end]) {
            return Some(start);
        }
        start = end + 1;
    }
    (start < data.len() && ends_rows(p, &data[start..])).then_some(start)
}

/// The lines of a footer (the text after the rows end), as cells, each
/// with its offset in lines from the footer's first line.
pub fn footer_lines(p: &Profile, text: &[u8]) -> Vec<(u64, ByteRecord)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line = 0u64;
    let ends = record_ends(text, p.delimiter, p.quoting);
    for end in ends.iter().copied().chain(std::iter::once(text.len())) {
        if start >= text.len() {
            break;
        }
        let rec = &text[start..end.min(text.len())];
        out.push((line, split_line(rec, p.delimiter, p.quoting)));
        line += crate::import::chunks::line_count(&text[start..(end + 1).min(text.len())]);
        start = end + 1;
    }
    out
}

/// The cell after (or below) the first cell reading `label` in the lines
/// before the header.
pub fn preamble_value(preamble: &[Vec<Vec<u8>>], label: &str, below: bool) -> Option<Vec<u8>> {
    let want = norm(label.as_bytes());
    for (i, line) in preamble.iter().enumerate() {
        if let Some(j) = line.iter().position(|c| norm(c) == want) {
            let v = if below {
                preamble.get(i + 1).and_then(|l| l.get(j))
            } else {
                line.get(j + 1)
            };
            return v.map(|v| v.trim_ascii().to_vec());
        }
    }
    None
}

/// The first filled cell of column `col` in the footer lines.
pub fn footer_value(footer: &[(u64, ByteRecord)], col: usize) -> Option<Vec<u8>> {
    footer
        .iter()
        .filter_map(|(_, r)| r.get(col))
        .map(|c| c.trim_ascii())
        .find(|c| !c.is_empty())
        .map(<[u8]>::to_vec)
}
