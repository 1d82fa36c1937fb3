//! Cutting lines into cells: one pass over the bytes, eight at a time, that
//! finds delimiters and newlines together, without a CSV state machine or an
//! allocation per line. Every reader takes its cells through `Cells`,
//! however they were split (here, by the `csv` crate, from a workbook).

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

/// Every line of a chunk split at `delimiter`, in one pass over the bytes
/// (delimiters and newlines found together), numbered from 1 within the
/// chunk, without its `\r`. Blank lines are passed too (as one empty cell).
pub fn for_each_split<'a>(data: &'a [u8], delimiter: u8, mut f: impl FnMut(u64, &Split<'a>)) {
    let mut s = Split {
        line: &[],
        bounds: [(0, 0); 64],
        n: 0,
        total: 1,
        beyond: false,
    };
    let (mut line_start, mut field_start, mut rel) = (0usize, 0usize, 0u64);
    for pos in Hits::new(data, delimiter) {
        if data[pos] == b'\n' {
            rel += 1;
            end_line(data, pos, line_start, field_start, &mut s);
            f(rel, &s);
            s.n = 0;
            s.total = 1;
            s.beyond = false;
            line_start = pos + 1;
            field_start = pos + 1;
        } else {
            if s.n < s.bounds.len() {
                s.bounds[s.n] = ((field_start - line_start) as u32, (pos - line_start) as u32);
                s.n += 1;
            } else if !data[field_start..pos].trim_ascii().is_empty() {
                s.beyond = true;
            }
            s.total += 1;
            field_start = pos + 1;
        }
    }
    if line_start < data.len() {
        rel += 1;
        end_line(data, data.len(), line_start, field_start, &mut s);
        f(rel, &s);
    }
}

/// The positions of `delimiter` and `\n` in `data`, in order, found eight
/// bytes at a time (SWAR): cells are a few bytes apart, too close for a
/// SIMD search per cell to pay for its setup.
struct Hits<'a> {
    data: &'a [u8],
    delimiter: u8,
    /// Start of the word whose matches are in `mask`.
    at: usize,
    mask: u64,
    /// Where the next word starts.
    next: usize,
}

const LO: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `w` equal to the byte repeated in `pattern`
/// (exact: adding 0x7f to seven bits never carries into the next byte).
fn equal_bytes(w: u64, pattern: u64) -> u64 {
    let x = w ^ pattern;
    !(((x & LOW7).wrapping_add(LOW7)) | x) & HIGH
}

impl<'a> Hits<'a> {
    fn new(data: &'a [u8], delimiter: u8) -> Self {
        Hits {
            data,
            delimiter,
            at: 0,
            mask: 0,
            next: 0,
        }
    }
}

impl Iterator for Hits<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let pos = self.at + (self.mask.trailing_zeros() / 8) as usize;
                self.mask &= self.mask - 1;
                return Some(pos);
            }
            let rest = self.data.get(self.next..)?;
            if rest.is_empty() {
                return None;
            }
            self.at = self.next;
            if let Some(word) = rest.first_chunk::<8>() {
                let w = u64::from_le_bytes(*word);
                self.mask =
                    equal_bytes(w, self.delimiter as u64 * LO) | equal_bytes(w, b'\n' as u64 * LO);
                self.next += 8;
            } else {
                // The last few bytes, one by one.
                let mut m = 0u64;
                for (i, b) in rest.iter().enumerate() {
                    if *b == self.delimiter || *b == b'\n' {
                        m |= 0x80 << (8 * i);
                    }
                }
                self.mask = m;
                self.next = self.data.len();
            }
        }
    }
}

/// Closes the line ending at `end` (its newline excluded): adds its last
/// cell, without a `\r`.
fn end_line<'a>(
    data: &'a [u8],
    end: usize,
    line_start: usize,
    field_start: usize,
    s: &mut Split<'a>,
) {
    let mut end = end;
    if end > line_start && data[end - 1] == b'\r' {
        end -= 1;
    }
    let field_start = field_start.min(end);
    if s.n < s.bounds.len() {
        s.bounds[s.n] = ((field_start - line_start) as u32, (end - line_start) as u32);
        s.n += 1;
    } else if !data[field_start..end].trim_ascii().is_empty() {
        s.beyond = true;
    }
    s.line = &data[line_start..end];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_scan_finds_every_delimiter_and_newline() {
        let data = b"a,bc,,d\n\n,x\r\nlast,line-without-newline,\x80,\xff,";
        let want: Vec<usize> = data
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b',' || **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        for start in 0..data.len() {
            let got: Vec<usize> = Hits::new(&data[start..], b',').map(|i| i + start).collect();
            let want: Vec<usize> = want.iter().copied().filter(|i| *i >= start).collect();
            assert_eq!(got, want, "from byte {start}");
        }
    }
}
