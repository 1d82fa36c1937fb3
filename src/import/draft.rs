//! `royalty formats draft FILE`: a profile proposed for a layout no profile
//! fits, for the user to check and save in `profiles/`. Never used
//! silently: it is only printed (or written where asked).
//!
//! From the file's first lines it guesses the delimiter (the one that cuts
//! the lines into the same number of cells), the header (the first such
//! line of names; the lines before it become `[header] skip`), the columns
//! it recognises by their names (ISRC, UPC, usage date, amount, units,
//! currency, territory, store), the date form of the usage column and the
//! decimal mark of the amounts. Whatever it cannot tell is left with a
//! `CHECK` comment.

use super::cells::{norm, split_line};
use super::{container, dates, encoding};
use crate::codes::{Currency, Isrc};
use std::io::Read;
use std::path::Path;

/// Lines looked at.
const LINES: usize = 40;

/// Names that say what a column holds, most telling first.
const NAMES: &[(&str, &[&str])] = &[
    ("isrc", &["isrc"]),
    ("upc", &["upc", "ean", "barcode", "icpn"]),
    (
        "usage",
        &[
            "sale month",
            "sales month",
            "activity period",
            "period sold",
            "sales period",
            "usage",
            "transaction date",
            "sale date",
            "sales date",
            "month",
            "period",
            "date",
        ],
    ),
    (
        "amount",
        &[
            "net revenue",
            "royalty",
            "earnings",
            "payable",
            "amount due",
            "net receipts",
            "net amount",
            "label net",
            "net",
            "revenue",
            "amount",
            "total",
        ],
    ),
    (
        "units",
        &[
            "quantity", "units", "qty", "streams", "count", "sales", "plays",
        ],
    ),
    ("currency", &["currency"]),
    (
        "territory",
        &["country", "territory", "region", "storefront"],
    ),
    (
        "store",
        &[
            "store", "platform", "dsp", "retailer", "shop", "partner", "service",
        ],
    ),
];

/// Date forms tried on a usage cell, most specific first.
const DATE_FORMS: &[&str] = &[
    "YYYY-MM-DD",
    "YYYY-MM",
    "YYYY/MM/DD",
    "MM/DD/YYYY",
    "DD/MM/YYYY",
    "M/D/YYYY *",
    "M/D/YYYY",
    "DD.MM.YYYY",
    "YYYYMMDD",
    "MONTH YYYY",
    "MON YYYY",
    "MON-YY",
    "MON - YYYY",
    "YYYY.MM",
];

/// The decoded first lines of a file (a workbook's first sheet as CSV).
fn first_lines(path: &Path) -> Result<(Vec<String>, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if container::is_zip(&bytes) && container::is_workbook(&bytes) {
        let rows = container::sheet_rows(bytes, None)?;
        let lines = rows
            .into_iter()
            .take(LINES)
            .map(|(_, c)| {
                let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
                let _ = w.write_record(&c);
                String::from_utf8_lossy(&w.into_inner().unwrap_or_default())
                    .trim_end()
                    .to_string()
            })
            .collect();
        return Ok((lines, "xlsx".into()));
    }
    let mut raw: Vec<u8> = bytes;
    if container::is_gzip(&raw) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .take(1 << 20)
            .read_to_end(&mut out)
            .map_err(|e| format!("not a readable gzip file: {e}"))?;
        raw = out;
    }
    raw.truncate(1 << 20);
    let enc = encoding::sniff(&raw, true)?;
    let mut text = String::new();
    encoding::decode(enc, &raw[..])
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot decode the file as {}: {e}", enc.name()))?;
    let lines = text
        .lines()
        .take(LINES)
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect();
    Ok((lines, enc.name().to_string()))
}

/// The delimiter that cuts the most lines into the same number (> 1) of
/// cells.
fn delimiter(lines: &[String]) -> u8 {
    let mut best = (b',', 0usize);
    for d in [b'\t', b';', b',', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| split_line(l.as_bytes(), d, true).len())
            .collect();
        let Some(&common) = counts
            .iter()
            .max_by_key(|c| counts.iter().filter(|x| x == c).count())
        else {
            continue;
        };
        let score = counts.iter().filter(|c| **c == common).count() * usize::from(common > 1);
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// Whether a cell reads as data rather than a column name.
fn looks_like_data(c: &str) -> bool {
    let c = c.trim();
    c.chars()
        .next()
        .is_some_and(|ch| ch.is_ascii_digit() || ch == '-' || ch == '.')
        || Isrc::parse(c).is_some()
}

pub fn draft(path: &Path) -> Result<String, String> {
    let (lines, enc) = first_lines(path)?;
    let d = delimiter(&lines);
    let cells: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            split_line(l.as_bytes(), d, true)
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_string())
                .collect()
        })
        .collect();
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    // The header: the first line as wide as the table, of names.
    let h = cells
        .iter()
        .position(|c| {
            c.len() * 10 >= width * 8
                && c.len() > 1
                && c.iter()
                    .filter(|x| !x.is_empty())
                    .all(|x| !looks_like_data(x))
        })
        .ok_or("no header line found among the first lines")?;
    let header = &cells[h];
    let sample: Vec<&Vec<String>> = cells[h + 1..]
        .iter()
        .filter(|c| c.len() >= header.len())
        .take(20)
        .collect();
    let names: Vec<String> = header.iter().map(|x| norm(x.as_bytes())).collect();
    let find = |pats: &[&str]| -> Option<usize> {
        pats.iter()
            .find_map(|p| names.iter().position(|n| n == p))
            .or_else(|| {
                pats.iter()
                    .find_map(|p| names.iter().position(|n| n.contains(p)))
            })
    };
    let mut found: Vec<(&str, usize)> = Vec::new();
    for (field, pats) in NAMES {
        if let Some(i) = find(pats) {
            if !found.iter().any(|(_, j)| *j == i) {
                found.push((field, i));
            }
        }
    }
    let col = |f: &str| found.iter().find(|(x, _)| *x == f).map(|(_, i)| *i);
    let quoted = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let stem = path
        .file_stem()
        .map_or("mylayout".into(), |s| s.to_string_lossy().to_lowercase());
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .chars()
        .take(40)
        .collect();
    let mut t = String::new();
    t.push_str(&format!(
        "# Proposed by `royalty formats draft` from {} ({enc}).\n# Check every line against the file, fix what is marked CHECK, then save\n# it as profiles/NAME.toml. It is never used until you do.\n",
        path.display()
    ));
    t.push_str(&format!(
        "name = {}\n",
        quoted(if name.is_empty() { "mylayout" } else { &name })
    ));
    t.push_str("description = \"CHECK: what this layout is\"\n");
    let delim = if d == b'\t' {
        "tab".to_string()
    } else {
        (d as char).to_string()
    };
    t.push_str(&format!("delimiter = {}\n", quoted(&delim)));
    let detect: Vec<String> = found.iter().map(|(_, i)| quoted(&header[*i])).collect();
    t.push_str(&format!("detect = [{}]\n", detect.join(", ")));
    if h > 0 {
        t.push_str(&format!(
            "\n[header]\n# {h} line{} before the header.\nskip = {h}\n",
            if h == 1 { "" } else { "s" }
        ));
    }
    t.push_str("\n[columns]\n");
    let cell = |i: usize| sample.iter().map(|r| r[i].as_str()).find(|c| !c.is_empty());
    match col("isrc") {
        Some(i) => t.push_str(&format!("isrc = {}\n", quoted(&header[i]))),
        None => t.push_str("isrc = \"CHECK: the ISRC column\"\n"),
    }
    if let Some(i) = col("upc") {
        t.push_str(&format!("upc = {}\n", quoted(&header[i])));
    }
    match col("usage") {
        Some(i) => {
            let form = cell(i).and_then(|c| {
                DATE_FORMS.iter().find(|f| {
                    dates::DatePattern::compile(f).is_ok_and(|p| p.parse(c.as_bytes()).is_some())
                })
            });
            match form {
                Some(f) => t.push_str(&format!(
                    "usage = {{ column = {}, format = {} }}\n",
                    quoted(&header[i]),
                    quoted(f)
                )),
                None => t.push_str(&format!(
                    "usage = {{ column = {}, format = \"CHECK: the date form, e.g. YYYY-MM\" }}\n",
                    quoted(&header[i])
                )),
            }
        }
        None => t.push_str(
            "usage = { column = \"CHECK: the month or date of use\", format = \"YYYY-MM\" }\n",
        ),
    }
    let mut comma = false;
    match col("amount") {
        Some(i) => {
            t.push_str("# CHECK: the label's net receipts (after the distributor's share).\n");
            t.push_str(&format!("amount = {}\n", quoted(&header[i])));
            comma = sample
                .iter()
                .any(|r| r[i].contains(',') && !r[i].contains('.'));
        }
        None => t.push_str("amount = \"CHECK: the label's net receipts\"\n"),
    }
    match col("currency") {
        Some(i) => t.push_str(&format!("currency = {}\n", quoted(&header[i]))),
        None => {
            let said = header.iter().find_map(|h| {
                [
                    "USD", "EUR", "GBP", "AUD", "CAD", "JPY", "SEK", "NOK", "DKK", "CHF",
                ]
                .into_iter()
                .find(|c| h.to_uppercase().contains(c))
                .filter(|c| Currency::parse(c).is_some())
            });
            match said {
                Some(c) => t.push_str(&format!("currency = {{ value = \"{c}\" }}\n")),
                None => t.push_str(
                    "currency = { value = \"USD\" }  # CHECK: the currency of the amounts\n",
                ),
            }
        }
    }
    for f in ["units", "territory", "store"] {
        if let Some(i) = col(f) {
            t.push_str(&format!("{f} = {}\n", quoted(&header[i])));
        }
    }
    t.push_str(&format!(
        "\n[numbers]\ndecimal = {}\n",
        quoted(if comma { "," } else { "." })
    ));
    t.push_str("\n[sources]\n# CHECK: how stores or sales types map to sources (docs/formats.md).\ndefault = \"streaming\"\n");
    Ok(t)
}
