//! Containers around a statement: gzip (`.gz`, recognised by its magic
//! bytes 1f 8b, whatever the file is called), Excel workbooks (`.xlsx`, a
//! zip archive holding `xl/workbook.xml`, read with `calamine`) and zip
//! bundles (any other zip: each member a statement of its own). All go
//! through the same profiles.
//!
//! Workbook cells are turned into the text a CSV export would hold. Text
//! cells are taken as they are (so UPCs and ISRCs typed as text stay text).
//! Numeric cells come out of calamine as binary floats; they are written
//! with Rust's shortest round-trip representation (`{}`: 0.1 prints as
//! `0.1`, not 0.1000000000000000055…) and that text is parsed exactly as
//! a decimal, so an amount typed as 12.34 is read as exactly 12.34. Date
//! cells become `YYYY-MM-DD` (a profile reading a workbook lists that form
//! among its date formats).

use calamine::{Data, Reader as _, Xlsx};
use std::io::Cursor;

pub fn is_gzip(prefix: &[u8]) -> bool {
    prefix.starts_with(&[0x1f, 0x8b])
}

pub fn is_zip(prefix: &[u8]) -> bool {
    prefix.starts_with(b"PK\x03\x04")
}

/// Whether a zip archive is an Excel workbook rather than a bundle of files.
pub fn is_workbook(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|z| z.file_names().any(|n| n == "xl/workbook.xml"))
}

/// The files of a zip bundle, in name order (directories left out).
pub fn bundle_members(bytes: &[u8]) -> Result<Vec<String>, String> {
    let z = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable zip archive: {e}"))?;
    let mut names: Vec<String> = z
        .file_names()
        .filter(|n| !n.ends_with('/'))
        .map(String::from)
        .collect();
    names.sort();
    Ok(names)
}

/// The bytes of one member of a zip bundle.
pub fn bundle_member(bytes: &[u8], name: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable zip archive: {e}"))?;
    let mut f = z
        .by_name(name)
        .map_err(|e| format!("member `{name}`: {e}"))?;
    let mut out = Vec::new();
    f.read_to_end(&mut out)
        .map_err(|e| format!("member `{name}`: {e}"))?;
    Ok(out)
}

/// The rows of a workbook's sheet (the first, or the one named), each
/// with its 1-based row number, as text cells; `Err` says what is wrong.
pub fn sheet_rows(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Vec<(u64, Vec<String>)>, String> {
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the workbook has no sheet `{s}`; its sheets are: {}",
                    names.join(", ")
                )
            })?,
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| format!("sheet `{name}`: {e}"))?;
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        // Cells left of the used range are empty: keep columns aligned.
        let mut cells = vec![String::new(); first_col];
        cells.extend(row.iter().map(cell_text));
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        out.push((first_row + i as u64 + 1, cells));
    }
    Ok(out)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Shortest round-trip text of the float, read later as an exact decimal.
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            serial_date(&format!("{}", dt.as_f64())).unwrap_or_else(|| dt.to_string())
        }
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#ERROR {e:?}"),
    }
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`; only the
/// whole-day part (the text before the `.`) is used.
fn serial_date(serial: &str) -> Option<String> {
    let days: i64 = serial.split('.').next()?.parse().ok()?;
    let base = jiff::civil::date(1899, 12, 30);
    let d = base.checked_add(jiff::Span::new().days(days)).ok()?;
    Some(d.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn serial_dates() {
        assert_eq!(super::serial_date("45108").as_deref(), Some("2023-07-01"));
        assert_eq!(super::serial_date("45108.5").as_deref(), Some("2023-07-01"));
    }
}
