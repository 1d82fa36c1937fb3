//! Text that is safe to open: the one place where exports neutralise what
//! a spreadsheet or a Markdown viewer would run or render instead of
//! showing (docs/commands.md, "Safe exports").
//!
//! - CSV exports meant for spreadsheets (payment file, credits, `run
//!   --format csv`, `run --unmatched`): a cell starting with `=`, `+`, `-`,
//!   `@`, a tab or a carriage return is read by Excel, LibreOffice and
//!   Google Sheets as a formula. Per the OWASP rule it gets a leading `'`,
//!   which the spreadsheet shows as text. Cells that are plain numbers
//!   (`-12.40`, `-3`) are left as they are: an amount must stay a number.
//! - Markdown (statements): names, titles, roles and notes come from
//!   agreement files; raw HTML, Markdown markup and line breaks in them are
//!   escaped, so a name shows as written and cannot add a heading, a link
//!   or a script.
//! - HTML: the five characters that could open markup are entities.

use std::borrow::Cow;

/// Is `s` a plain decimal number: an optional `-`, digits, optionally a
/// point and digits? (What our amounts and units look like.)
pub fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// One CSV cell for a spreadsheet: a leading `'` when it would otherwise
/// start a formula, unless it is a plain number.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Writes one record of a spreadsheet CSV export, every cell through
/// `csv_cell`.
pub fn csv_record<I, S>(w: &mut csv::Writer<Vec<u8>>, cells: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let cells: Vec<String> = cells
        .into_iter()
        .map(|c| csv_cell(c.as_ref()).into_owned())
        .collect();
    w.write_record(&cells).expect("in-memory write");
}

/// Inline Markdown text: HTML's special characters as entities, Markdown's
/// as backslash escapes, every line break as a space.
pub fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    o.push(' ');
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => o.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                o.push('\\');
                o.push(c);
            }
            c if c.is_control() => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// HTML text or attribute content.
pub fn html(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("-12.40", "-12.40"),
            ("-3", "-3"),
            ("12.40", "12.40"),
            ("Ava Stone", "Ava Stone"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), want, "{cell:?}");
        }
        assert!(!is_number("-12."));
        assert!(!is_number("-.5"));
        assert!(!is_number("1e3"));
    }

    #[test]
    fn a_record_is_written_with_every_cell_neutralised() {
        let mut w = csv::Writer::from_writer(Vec::new());
        csv_record(&mut w, ["=1+2", "-12.40", "x"]);
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(out, "'=1+2,-12.40,x\n");
    }

    #[test]
    fn markdown_shows_text_as_written() {
        assert_eq!(
            md("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(md("Ava\n# Paid in full"), "Ava \\# Paid in full");
        assert_eq!(md("a\r\nb\rc"), "a b c");
        assert_eq!(md("[x](http://evil)"), "\\[x\\](http://evil)");
        assert_eq!(md("*bold* | `code`"), "\\*bold\\* \\| \\`code\\`");
        assert_eq!(md("Dee Park"), "Dee Park");
    }

    #[test]
    fn html_has_no_markup() {
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
