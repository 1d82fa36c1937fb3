//! Cells of a row, however they were split: by the quick walk
//! (`quick`, the one delimiter scanner), by the `csv` crate (quoted
//! cells, headers), from a workbook. Every reader takes them through
//! `Cells`.

use csv::ByteRecord;

/// The cells of one row, however they were split.
pub trait Cells {
    fn count(&self) -> usize;
    fn cell(&self, i: usize) -> &[u8];
    /// 1-based column where cell `i` starts (exact for unquoted cells).
    fn column(&self, i: usize) -> usize;
    /// Whether any cell from `from` on is not blank.
    fn filled_from(&self, from: usize) -> bool {
        (from..self.count()).any(|i| !self.cell(i).trim_ascii().is_empty())
    }
}

impl Cells for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &[u8] {
        self.get(i).unwrap_or(b"")
    }
    fn column(&self, i: usize) -> usize {
        1 + self.iter().take(i).map(|f| f.len() + 1).sum::<usize>()
    }
}

/// Header cell, compared without case, surrounding blanks or a BOM.
pub fn norm(h: &[u8]) -> String {
    let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
    let s = String::from_utf8_lossy(h.trim_ascii());
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Splits one line as a layout's delimiter and quoting say (the `csv`
/// crate's reading), for headers and the lines around the rows.
pub fn split_line(line: &[u8], delimiter: u8, quoting: bool) -> ByteRecord {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // Without a quote (or a `\r`, which ends a record for it) the `csv`
    // crate only splits at the delimiter; making
    // one of its readers costs more than that (a tenth of reading 300
    // small files went there).
    if !line.contains(&b'\r') && (!quoting || !line.contains(&b'"')) {
        if line.is_empty() {
            return ByteRecord::new();
        }
        return line.split(|b| *b == delimiter).collect();
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .from_reader(line);
    let mut rec = ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec,
        _ => ByteRecord::new(),
    }
}

/// One line split at commas, up to the last cell needed.
#[derive(Clone, Copy)]
pub struct Split<'a> {
    pub line: &'a [u8],
    /// Start and end of each cell.
    bounds: [(u32, u32); 64],
    n: usize,
    total: usize,
    /// A cell past the 64th is not blank (their bounds are not kept).
    beyond: bool,
}

impl<'a> Split<'a> {
    /// Cells `a` to `b` with the delimiters between them, if the line has
    /// them all (and they are among the first 64).
    pub fn span(&self, a: usize, b: usize) -> Option<&'a [u8]> {
        (a <= b && b < self.n)
            .then(|| &self.line[self.bounds[a].0 as usize..self.bounds[b].1 as usize])
    }
}

impl Cells for Split<'_> {
    fn count(&self) -> usize {
        self.total
    }
    fn cell(&self, i: usize) -> &[u8] {
        if i < self.n {
            let (a, b) = self.bounds[i];
            &self.line[a as usize..b as usize]
        } else {
            b""
        }
    }
    fn column(&self, i: usize) -> usize {
        if i < self.n {
            self.bounds[i].0 as usize + 1
        } else {
            0
        }
    }
    fn filled_from(&self, from: usize) -> bool {
        (from..self.n).any(|i| !self.cell(i).trim_ascii().is_empty()) || self.beyond
    }
}

impl<'a> Split<'a> {
    /// A line cut where the quick walk (`quick::Layout::for_each_line`)
    /// found its `count` cells to start (`starts[i]`, from the line's start;
    /// kept for the first 64 cells at least), without its `\r`.
    pub fn of_starts(text: &'a [u8], delimiter: u8, starts: &[u32], count: usize) -> Split<'a> {
        let line = text.strip_suffix(b"\r").unwrap_or(text);
        let mut s = Split {
            line,
            bounds: [(0, 0); 64],
            n: count.min(64),
            total: count,
            beyond: false,
        };
        for i in 0..s.n {
            let from = (starts[i] as usize).min(line.len());
            let to = if i + 1 < count {
                (starts[i + 1] as usize - 1).min(line.len())
            } else {
                line.len()
            };
            s.bounds[i] = (from as u32, to.max(from) as u32);
        }
        if count > 64 {
            let rest = &line[(starts[64] as usize).min(line.len())..];
            s.beyond = rest
                .iter()
                .any(|b| *b != delimiter && !b.is_ascii_whitespace());
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `csv` crate's split, for comparison.
    fn by_csv(line: &[u8], delimiter: u8) -> ByteRecord {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(line);
        let mut rec = ByteRecord::new();
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => rec,
            _ => ByteRecord::new(),
        }
    }

    #[test]
    fn a_line_without_quotes_splits_as_the_csv_crate_splits_it() {
        for line in ["", "a", "a,b", ",", "a,,b,", " x , y ", "a\rb,c", "\"q\",b"] {
            for quoting in [true, false] {
                let got = split_line(line.as_bytes(), b',', quoting);
                if quoting {
                    assert_eq!(got, by_csv(line.as_bytes(), b','), "{line:?}");
                }
                if !line.contains('\r') && !line.contains('"') {
                    assert_eq!(got, by_csv(line.as_bytes(), b','), "{line:?}");
                }
            }
        }
    }
}
