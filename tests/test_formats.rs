//! Real statement formats (docs/formats.md): every built-in profile reads its
//! fixture, and the amounts and units read (plus those skipped as
//! unattributable) add up to the file's own totals, computed here
//! independently by splitting the text (no code shared with the importer).
//! Then the bad inputs: each is reported with file and line, none is summed
//! in silently.
//!
//! The fixtures in tests/fixtures/formats/ are our own, written in the exact
//! layout of a real export of each distributor (tests/fixtures/formats/
//! README.md names the real file each copies the layout of); every value in
//! them is invented.

mod common;

use royalty::codes::{Currency, Source};
use royalty::import::{profiles, read_file, sha256_file, FileOutcome, ImportOptions};
use royalty::statement::{Revenue, SkipKind};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn read_all(path: &Path, opts: &ImportOptions) -> (Revenue, Vec<FileOutcome>) {
    let mut rev = Revenue::default();
    let outs = read_file(path, opts, &mut rev).expect("read_file");
    (rev, outs)
}

fn read_opts(path: &Path, opts: &ImportOptions) -> (Revenue, FileOutcome) {
    let (rev, mut outs) = read_all(path, opts);
    assert_eq!(outs.len(), 1, "one statement in {}", path.display());
    (rev, outs.remove(0))
}

fn read(path: &Path) -> (Revenue, FileOutcome) {
    read_opts(path, &ImportOptions::default())
}

fn errors(out: &FileOutcome) -> Vec<String> {
    out.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

fn warnings(out: &FileOutcome) -> Vec<String> {
    out.diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.message.clone())
        .collect()
}

/// Splits one line; `"` quotes cells when `quoting` (doubled inside).
fn split(line: &str, delim: char, quoting: bool) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoting && quoted && chars.peek() == Some(&'"') => {
                cells.last_mut().unwrap().push('"');
                chars.next();
            }
            '"' if quoting => quoted = !quoted,
            c if c == delim && !quoted => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

/// An amount as written in a fixture: decimal comma or point, thousands
/// separators, (2.00) negatives, scientific notation, `.5`.
fn amount(s: &str, comma_decimal: bool) -> Decimal {
    let mut t = s.trim().to_string();
    let neg = t.starts_with('(') && t.ends_with(')');
    if neg {
        t = t[1..t.len() - 1].to_string();
    }
    if comma_decimal {
        t = t.replace('.', "").replace(',', ".");
    } else {
        t = t.replace(',', "");
    }
    if t.starts_with('.') || t.starts_with("-.") {
        t = t.replacen('.', "0.", 1);
    }
    let d = if t.contains(['e', 'E']) {
        Decimal::from_scientific(&t).unwrap()
    } else {
        Decimal::from_str_exact(&t).unwrap_or_else(|e| panic!("{s}: {e}"))
    };
    if neg {
        -d
    } else {
        d
    }
}

/// What the file itself says it holds, per currency: (amount, units, rows).
type Totals = BTreeMap<String, (Decimal, i64, u64)>;

struct Layout<'a> {
    delim: char,
    quoting: bool,
    /// 0-based line of the header (lines before it are a preamble).
    header: usize,
    amount: &'a str,
    /// A units column, or `None`: each row is one unit, negative when its
    /// amount is (a void).
    units: Option<&'a str>,
    /// A currency column, or a fixed currency.
    currency: Result<&'a str, &'a str>,
    comma_decimal: bool,
    /// The rows end at the first blank line.
    end_at_blank: bool,
    /// Rows that are not revenue: (column, value), `""` for an empty cell.
    not_rows: &'a [(&'a str, &'a str)],
}

const TSV: Layout = Layout {
    delim: '\t',
    quoting: false,
    header: 0,
    amount: "",
    units: None,
    currency: Err("USD"),
    comma_decimal: false,
    end_at_blank: false,
    not_rows: &[],
};
const CSV: Layout = Layout {
    delim: ',',
    quoting: true,
    ..TSV
};

/// The text of a fixture (UTF-16 with BOM, or Latin-1 viewed byte by byte:
/// enough for numbers).
fn text_of(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8(bytes.clone())
            .unwrap_or_else(|_| bytes.iter().map(|&b| b as char).collect())
    }
}

/// Sums every data row of the text.
fn file_totals(text: &str, l: &Layout) -> Totals {
    let mut lines = text
        .lines()
        .map(|x| x.trim_end_matches('\r'))
        .skip(l.header);
    let header = split(
        lines.next().unwrap().trim_start_matches('\u{feff}'),
        l.delim,
        l.quoting,
    );
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("no column {n}"))
    };
    let a = col(l.amount);
    let u = l.units.map(col);
    let c = l.currency.map(col);
    let skip: Vec<(usize, &str)> = l.not_rows.iter().map(|(n, v)| (col(n), *v)).collect();
    let mut t = Totals::new();
    for line in lines {
        // Blank: nothing but delimiters and spaces (`,,,,` from a sheet).
        if line.chars().all(|c| c == l.delim || c.is_whitespace()) {
            if l.end_at_blank {
                break;
            }
            continue;
        }
        if line.starts_with("Total") {
            continue;
        }
        let cells = split(line, l.delim, l.quoting);
        if skip.iter().any(|(i, v)| cells[*i].trim() == *v) {
            continue;
        }
        let comma = l.comma_decimal && !cells[a].contains('.');
        let cur = match c {
            Ok(i) => cells[i].clone(),
            Err(fixed) => fixed.to_string(),
        };
        let value = amount(&cells[a], comma);
        let e = t.entry(cur).or_default();
        e.0 += value;
        e.1 += match u {
            Some(u) if cells[u].trim().is_empty() => 0,
            Some(u) => amount(&cells[u], false)
                .trunc()
                .to_string()
                .parse::<i64>()
                .unwrap(),
            None if value.is_sign_negative() => -1,
            None => 1,
        };
        e.2 += 1;
    }
    t
}

/// What was read, plus what was skipped as unattributable (never lost),
/// per currency.
fn read_totals(out: &FileOutcome) -> Totals {
    let mut t = Totals::new();
    for (c, s) in &out.summary.totals {
        let e = t.entry(c.to_string()).or_default();
        e.0 += s.amount;
        e.1 += s.units;
        e.2 += s.lines;
    }
    for (c, a) in out.summary.skipped_total(SkipKind::Unattributable) {
        let e = t.entry(c).or_default();
        e.0 += a.amount;
        e.1 += a.units;
        e.2 += a.rows;
    }
    t
}

fn assert_totals(read: &Totals, file: &Totals) {
    assert_eq!(
        read.len(),
        file.len(),
        "currencies: read {read:?}, file {file:?}"
    );
    for (c, (a, u, n)) in file {
        let (ra, ru, rn) = read
            .get(c)
            .unwrap_or_else(|| panic!("currency {c} not read"));
        // To the last decimal the file carries.
        assert_eq!((ra, ru, rn), (a, u, n), "{c}");
    }
}

fn check_fixture(name: &str, format: &str, l: &Layout) -> (Revenue, FileOutcome) {
    let path = fixture(name);
    let (rev, out) = read(&path);
    assert_eq!(errors(&out), Vec::<String>::new(), "{name}");
    assert_eq!(out.summary.format, format, "{name}");
    assert_totals(&read_totals(&out), &file_totals(&text_of(&path), l));
    assert_eq!(out.summary.sha256, sha256_file(&path).unwrap());
    (rev, out)
}

fn sources(rev: &Revenue) -> Vec<Source> {
    let mut v: Vec<Source> = rev.sums.keys().map(|k| k.source).collect();
    v.sort();
    v.dedup();
    v
}

fn reasons(out: &FileOutcome) -> Vec<(String, u64)> {
    out.summary
        .skipped
        .iter()
        .map(|s| (s.reason.clone(), s.rows))
        .collect()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn distrokid_tsv_layout() {
    let l = Layout {
        amount: "Earnings (USD)",
        units: Some("Quantity"),
        ..TSV
    };
    let (rev, out) = check_fixture("distrokid.tsv", "distrokid", &l);
    assert_eq!(out.encoding, "UTF-8");
    // The album row without ISRC is skipped, reported with its amount, and
    // summed per release (its UPC).
    assert_eq!(out.summary.skipped.len(), 1);
    assert_eq!(out.summary.skipped[0].sums["USD"].amount, dec("6.93"));
    assert!(warnings(&out)
        .iter()
        .any(|w| w.contains("release row without ISRC")));
    assert_eq!(rev.releases.len(), 1);
    assert_eq!(
        rev.releases.keys().next().unwrap().upc.to_string(),
        "0859712345678"
    );
    assert_eq!(
        sources(&rev),
        vec![Source::Streaming, Source::Download, Source::Video]
    );
}

#[test]
fn distrokid_older_layout_in_latin1() {
    let l = Layout {
        amount: "Earnings (USD)",
        units: Some("Quantity"),
        ..TSV
    };
    let (_, out) = check_fixture("distrokid-old-latin1.tsv", "distrokid", &l);
    assert_eq!(out.encoding, "Windows-1252");
}

/// DistroKid's current export: every cell quoted, UTF-8 with BOM, no
/// Song/Album column (a row without ISRC is a release row).
#[test]
fn distrokid_current_csv_export() {
    let l = Layout {
        amount: "Earnings (USD)",
        units: Some("Quantity"),
        ..CSV
    };
    let (rev, out) = check_fixture("distrokid.csv", "distrokid-csv", &l);
    assert_eq!(out.encoding, "UTF-8 with BOM");
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 1)]);
    assert_eq!(rev.releases.len(), 1);
    assert!(sources(&rev).contains(&Source::Video));
}

#[test]
fn tunecore_both_variants_and_tc_song_ids() {
    let l = Layout {
        amount: "Total Earned",
        units: Some("# Units Sold"),
        currency: Ok("Currency"),
        ..CSV
    };
    let (rev, out) = check_fixture("tunecore.csv", "tunecore", &l);
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 1)]);
    assert!(sources(&rev).contains(&Source::Download));
    let (rev, out) = check_fixture("tunecore-youtube.csv", "tunecore", &l);
    assert!(sources(&rev).contains(&Source::Video));
    // Where Optional ISRC is empty, the ISRC TuneCore issued (TC Song ID).
    assert!(out.summary.skipped.is_empty());
    assert!(rev.sums.keys().any(|k| k.isrc.as_str() == "TCNWX2600101"));
}

#[test]
fn cdbaby_crlf_lowercase_isrcs() {
    let l = Layout {
        amount: "Subtotal",
        units: Some("Quantity"),
        ..TSV
    };
    let (rev, _) = check_fixture("cdbaby.tsv", "cdbaby", &l);
    assert!(sources(&rev).contains(&Source::Sync));
    assert!(
        rev.sums.keys().all(|k| k.usage.day > 0),
        "sales dates are days"
    );
}

#[test]
fn believe_months_written_yyyy_mm_dd_decimal_comma_and_country_names() {
    let l = Layout {
        delim: ';',
        amount: "Net Revenue",
        units: Some("Quantity"),
        currency: Ok("Client Payment Currency"),
        comma_decimal: true,
        ..CSV
    };
    let (rev, out) = check_fixture("believe.csv", "believe", &l);
    assert!(
        warnings(&out)
            .iter()
            .any(|m| m.contains("territory `Atlantis`") && m.contains("WW")),
        "{:?}",
        warnings(&out)
    );
    // 2025/06/01: the month of June 2025.
    assert!(rev.sums.keys().all(|k| k.usage.to_string() == "2025-06"));
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 1)]);
}

#[test]
fn symphonic_iso3_territories_voids_and_ugc() {
    let l = Layout {
        amount: "Royalty ($US)",
        units: Some("Count"),
        ..CSV
    };
    let (rev, out) = check_fixture("symphonic.csv", "symphonic", &l);
    // ROM (the old code for Romania) and N/A are known, not warned about.
    assert!(
        warnings(&out).iter().all(|w| !w.contains("territory")),
        "{:?}",
        warnings(&out)
    );
    assert_eq!(
        sources(&rev),
        vec![Source::Streaming, Source::Download, Source::Video]
    );
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 1)]);
}

#[test]
fn apple_financial_report_matches_its_total_lines() {
    let l = Layout {
        amount: "Extended Partner Share",
        units: Some("Quantity"),
        currency: Ok("Partner Share Currency"),
        ..TSV
    };
    let (_, out) = check_fixture("apple.txt", "apple", &l);
    // The report's own Total_Amount / Total_Units lines.
    let text = std::fs::read_to_string(fixture("apple.txt")).unwrap();
    let total = |k: &str| {
        text.lines()
            .find_map(|x| x.strip_prefix(k))
            .unwrap()
            .trim()
            .to_string()
    };
    let t = read_totals(&out);
    assert_eq!(t["EUR"].0, amount(&total("Total_Amount\t"), false));
    assert_eq!(t["EUR"].1.to_string(), total("Total_Units\t"));
    // Line numbers count the blank line before the Total_ lines.
    let totals = out
        .summary
        .skipped
        .iter()
        .find(|s| s.kind == SkipKind::Totals)
        .unwrap();
    assert_eq!(totals.lines, [30, 31, 32]);
}

/// Apple Music streaming: period and currency only in the four lines
/// before the header; amounts written `.021330`.
#[test]
fn apple_music_preamble_gives_period_and_currency() {
    let l = Layout {
        header: 4,
        amount: "Net Royalty Total",
        units: Some("Quantity"),
        currency: Err("AUD"),
        ..TSV
    };
    let (rev, _) = check_fixture("apple-music.txt", "apple-music", &l);
    assert!(rev.sums.keys().all(|k| k.usage.to_string() == "2025-05"));
    assert!(rev.sums.keys().all(|k| k.currency.as_str() == "AUD"));
}

/// Spotify: the period under `Start date` in the lines before the header;
/// amounts with up to 33 decimals (rounded at the 28th digit, reported) and
/// one in scientific notation. The exact total is computed here as an
/// integer of 10^-34.
#[test]
fn spotify_preamble_and_long_decimals() {
    let path = fixture("spotify.txt");
    let (rev, out) = read(&path);
    assert_eq!(errors(&out), Vec::<String>::new());
    assert_eq!(out.summary.format, "spotify");
    let text = text_of(&path);
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(3)
        .map(|l| split(l, '\t', false))
        .collect();
    let exact: i128 = rows
        .iter()
        .map(|c| {
            let cell = &c[12];
            let (m, e) = cell.split_once('E').unwrap_or((cell, "0"));
            let (int, frac) = m.split_once('.').unwrap_or((m, ""));
            let digits: i128 = format!("{int}{frac}").parse().unwrap();
            digits * 10i128.pow((34 - (frac.len() as i64 - e.parse::<i64>().unwrap())) as u32)
        })
        .sum();
    let units: i64 = rows.iter().map(|c| c[11].parse::<i64>().unwrap()).sum();
    assert_eq!(out.summary.lines, rows.len() as u64);
    let usd = &out.summary.totals[&Currency::parse("USD").unwrap()];
    assert_eq!(usd.units, units);
    let ours = usd.amount.mantissa() * 10i128.pow(34 - usd.amount.scale());
    let r = out.summary.rounding.expect("a rounding note");
    let bound = r.bound.mantissa() * 10i128.pow(34 - r.bound.scale());
    assert!((ours - exact).abs() <= bound, "{} vs {exact}", usd.amount);
    assert!(r.bound < dec("0.000000000000000001"));
    assert!(warnings(&out)
        .iter()
        .any(|w| w.contains("far below a cent")));
    assert!(rev.sums.keys().all(|k| k.usage.to_string() == "2025-05"));
}

#[test]
fn bandcamp_utf16_parenthesised_negatives_and_payouts() {
    let l = Layout {
        amount: "net amount",
        units: Some("quantity"),
        currency: Ok("currency"),
        not_rows: &[("item type", "payout")],
        ..CSV
    };
    let (rev, out) = check_fixture("bandcamp.csv", "bandcamp", &l);
    assert_eq!(out.encoding, "UTF-16 LE");
    assert!(sources(&rev).contains(&Source::Download));
    assert_eq!(
        out.summary.skipped_total(SkipKind::NotRevenue)["EUR"].rows,
        1
    );
}

/// Beatport: release rows have no ISRC; a void counts -1; a row can carry
/// cells past the header's.
#[test]
fn beatport_release_rows_voids_and_extra_cells() {
    let l = Layout {
        amount: "NET_TOTAL",
        ..CSV
    };
    let (rev, out) = check_fixture("beatport.csv", "beatport", &l);
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 2)]);
    assert_eq!(rev.releases.len(), 1, "one release row has a UPC");
    assert_eq!(sources(&rev), vec![Source::Download]);
}

/// Traxsource: the rows end at a blank line, before the text summary; a
/// UPC in the ISRC column and release rows are counted, not fatal.
#[test]
fn traxsource_summary_after_the_rows() {
    let l = Layout {
        amount: "Amount Due",
        units: Some("Qty"),
        end_at_blank: true,
        ..CSV
    };
    let (rev, out) = check_fixture("traxsource.csv", "traxsource", &l);
    assert_eq!(
        reasons(&out),
        [
            ("a UPC/EAN in the ISRC column".into(), 1),
            ("release row without ISRC".into(), 2)
        ]
    );
    // The summary's own total, to the cent.
    let text = text_of(&fixture("traxsource.csv"));
    let stated = text
        .lines()
        .find_map(|l| l.strip_prefix("Period Total:"))
        .unwrap()
        .trim();
    let t = read_totals(&out);
    assert_eq!(t["USD"].0.round_dp(2), dec(stated));
    assert_eq!(rev.releases.len(), 2);
}

/// Secretly: the month of use only in an unnamed trailing cell.
#[test]
fn secretly_month_from_a_trailing_cell() {
    let l = Layout {
        amount: "Label Net Total",
        units: Some("Quantity"),
        ..CSV
    };
    let (rev, _) = check_fixture("secretly.csv", "secretly", &l);
    assert!(rev.sums.keys().all(|k| k.usage.to_string() == "2026-02"));
    assert!(sources(&rev).contains(&Source::Download));
}

#[test]
fn fuga_asset_and_product_rows() {
    let l = Layout {
        amount: "Reported Royalty",
        units: None,
        currency: Ok("Currency"),
        ..CSV
    };
    let path = fixture("fuga.csv");
    let (rev, out) = read(&path);
    assert_eq!(errors(&out), Vec::<String>::new());
    assert_eq!(out.summary.format, "fuga");
    // Units: Asset Quantity, else Product Quantity (counted here).
    let text = text_of(&path);
    let rows: Vec<Vec<String>> = text.lines().skip(1).map(|l| split(l, ',', true)).collect();
    let units: i64 = rows
        .iter()
        .map(|c| if c[21].is_empty() { &c[20] } else { &c[21] })
        .map(|u| u.parse::<i64>().unwrap())
        .sum();
    let file = file_totals(&text, &l);
    let read = read_totals(&out);
    assert_eq!(read["EUR"].0, file["EUR"].0);
    assert_eq!(read["EUR"].1, units);
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 1)]);
    assert!(sources(&rev).contains(&Source::Video));
    assert!(sources(&rev).contains(&Source::Streaming));
}

/// A zip bundle of a FUGA statement: the royalty_extended.csv member is the
/// statement (named `bundle.zip!member`), the per-store summary is not.
#[test]
fn zip_bundle_reads_its_statement_member() {
    let path = fixture("fuga-statement.zip");
    let (_, outs) = read_all(&path, &ImportOptions::default());
    assert_eq!(outs.len(), 1);
    let out = &outs[0];
    assert_eq!(errors(out), Vec::<String>::new());
    assert_eq!(out.summary.format, "fuga");
    assert!(out
        .summary
        .path
        .display()
        .to_string()
        .ends_with("fuga-statement.zip!NWR_2025Q4-royalty_extended.csv"));
    assert_eq!(out.summary.lines, 4);
    assert_eq!(out.summary.totals.len(), 3, "GBP, USD and EUR lines");
    let w = out
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with("not read"))
        .expect("the summary member is named");
    assert!(w
        .file
        .display()
        .to_string()
        .ends_with("fuga-statement.zip!NWR_2025Q4-stores.csv"));
    // The member's own SHA-256, not the zip's.
    assert_ne!(out.summary.sha256, sha256_file(&path).unwrap());
}

#[test]
fn zip_without_a_statement_lists_its_members() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
    for name in ["readme.txt", "summary.csv"] {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"Store,Total\nSpotify,1.00\n").unwrap();
    }
    z.finish().unwrap();
    let (_, outs) = read_all(&p, &ImportOptions::default());
    let e = errors(&outs[0]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("a zip with no statement inside: its members are readme.txt, summary.csv"),
        "{}",
        e[0]
    );
}

/// Zebralution: `;`, decimal comma, a totals row added in a spreadsheet.
#[test]
fn zebralution_decimal_comma_and_totals_row() {
    let l = Layout {
        delim: ';',
        amount: "Rev.less Publ.EUR",
        units: Some("Sales"),
        currency: Err("EUR"),
        comma_decimal: true,
        not_rows: &[("Period", "")],
        ..CSV
    };
    let (_, out) = check_fixture("zebralution.csv", "zebralution", &l);
    let totals = out
        .summary
        .skipped
        .iter()
        .find(|s| s.kind == SkipKind::Totals)
        .expect("the totals row");
    assert_eq!(totals.rows, 1);
    // The totals row states what was read.
    let t = read_totals(&out);
    assert_eq!(totals.sums["EUR"].amount, t["EUR"].0);
}

/// Dashgo: summary lines after a blank line; percentages and quoted
/// empty cells in the rows.
#[test]
fn dashgo_rows_end_at_a_blank_line() {
    let l = Layout {
        amount: "Payable",
        units: Some("Units"),
        currency: Ok("Currency"),
        end_at_blank: true,
        ..CSV
    };
    let (rev, out) = check_fixture("dashgo.csv", "dashgo", &l);
    let text = text_of(&fixture("dashgo.csv"));
    let stated = text
        .lines()
        .find_map(|l| l.split_once("Total Payable:,"))
        .unwrap()
        .1
        .trim();
    assert_eq!(read_totals(&out)["USD"].0.round_dp(2), dec(stated));
    assert!(sources(&rev).contains(&Source::Video));
}

/// Label Worx: the quarter from the file's name, the currency from the
/// summary after the rows.
#[test]
fn labelworx_quarter_from_the_file_name_currency_from_the_summary() {
    let l = Layout {
        amount: "Royalty",
        units: Some("Qty"),
        currency: Err("GBP"),
        end_at_blank: true,
        ..CSV
    };
    let (rev, out) = check_fixture("labelworx Q1 2026.csv", "labelworx", &l);
    assert!(rev.sums.keys().all(|k| k.usage.to_string() == "2026-01"));
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 1)]);
    // Renamed without its quarter, it says where it looked.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("labelworx.csv");
    std::fs::copy(fixture("labelworx Q1 2026.csv"), &p).unwrap();
    let (_, out) = read(&p);
    assert!(
        errors(&out)[0].contains("usage: no date written Q YYYY"),
        "{:?}",
        errors(&out)
    );
}

#[test]
fn orchard_activity_period_and_album_rows() {
    let l = Layout {
        amount: "Label Share Net Receipts",
        units: Some("Quantity"),
        currency: Ok("Preferred Currency"),
        ..CSV
    };
    let (rev, out) = check_fixture("orchard.csv", "orchard", &l);
    let months: std::collections::BTreeSet<String> =
        rev.sums.keys().map(|k| k.usage.to_string()).collect();
    assert_eq!(
        months.into_iter().collect::<Vec<_>>(),
        ["2026-01", "2026-02"]
    );
    assert_eq!(reasons(&out), [("release row without ISRC".into(), 1)]);
    assert_eq!(
        sources(&rev),
        vec![Source::Streaming, Source::Download, Source::Video]
    );
}

/// DDEX BasicAudioProfile: SU02 records carry streams, no revenue; the
/// summary's 100.00 GBP is shared 2:5 between the two tracks, to the
/// 10^-12, adding up exactly.
#[test]
fn dsr_basic_audio_profile_shares_the_summary_exactly() {
    let (rev, out) = read(&fixture("dsr-basic-audio.tsv"));
    assert_eq!(errors(&out), Vec::<String>::new());
    assert_eq!(out.summary.format, "ddex-dsr");
    let gbp = &out.summary.totals[&Currency::parse("GBP").unwrap()];
    assert_eq!((gbp.amount, gbp.units, gbp.lines), (dec("100.00"), 7, 3));
    let mut shares: Vec<(String, Decimal)> = rev
        .sums
        .iter()
        .map(|(k, s)| (k.isrc.to_string(), s.amount))
        .collect();
    shares.sort();
    assert_eq!(
        shares,
        [
            ("QZNWX2600001".to_string(), dec("28.571428571429")),
            ("QZNWX2600002".to_string(), dec("71.428571428571")),
        ]
    );
    // A summary whose usage count disagrees with its lines is refused.
    let text = std::fs::read_to_string(fixture("dsr-basic-audio.tsv")).unwrap();
    let (_d, p) = temp_file(
        "bad.tsv",
        text.replace("\t7\t3465\t", "\t8\t3465\t").as_bytes(),
    );
    let (_, out) = read(&p);
    assert!(
        errors(&out).iter().any(|e| e.contains(
            ":4: error: summary record S1: TotalUsages says 8, its 3 usage lines add up to 7"
        )),
        "{:?}",
        errors(&out)
    );
}

#[test]
fn dsr_of_our_own_with_two_resources_per_block() {
    let (rev, out) = read(&fixture("dsr-basic.tsv"));
    assert_eq!(errors(&out), Vec::<String>::new());
    assert_eq!(out.summary.format, "ddex-dsr");
    let eur = &out.summary.totals[&Currency::parse("EUR").unwrap()];
    assert_eq!(
        (eur.amount.to_string().as_str(), eur.units),
        ("41.2500", 15000)
    );
    let nok = &out.summary.totals[&Currency::parse("NOK").unwrap()];
    assert_eq!((nok.amount.to_string().as_str(), nok.units), ("21.00", 3));
    assert_eq!(sources(&rev), vec![Source::Streaming, Source::Download]);
    // A one-day validity period is a day usage; a month-long one a month.
    assert!(rev.sums.keys().any(|k| k.usage.day == 14));
    assert!(rev.sums.keys().any(|k| k.usage.day == 0));
}

/// The two real DDEX test reports (`ddex-dsrf/` in `common::shared_data()`),
/// read in place.
#[test]
fn dsr_real_test_reports() {
    let dir = common::shared_data().join("ddex-dsrf");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        // The file's own figures: SU lines' Usages and NetRevenue, FOOT's count.
        let (mut units, mut net) = (0i64, Decimal::ZERO);
        for l in text.lines().filter(|l| l.starts_with("SU03")) {
            let c: Vec<&str> = l.split('\t').collect();
            units += c[5].parse::<i64>().unwrap();
            net += Decimal::from_str_exact(c[6]).unwrap();
        }
        let foot: u64 = text
            .lines()
            .last()
            .unwrap()
            .split('\t')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let (_, out) = read(f);
        assert_eq!(out.summary.format, "ddex-dsr");
        let usd = &out.summary.totals[&Currency::parse("USD").unwrap()];
        assert_eq!(
            (usd.amount, usd.units, usd.lines),
            (net, units, 6),
            "{}",
            f.display()
        );
        // Both real reports are read: DSR_TEST2 omits an optional LI01.01
        // record but keeps FOOT's 35 lines, which DDEX's own conformance
        // test accepts; the difference is a warning with both figures.
        let errs = errors(&out);
        assert_eq!(errs, Vec::<String>::new(), "{}", f.display());
        let warnings: Vec<String> = out
            .diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .map(|d| d.to_string())
            .collect();
        if foot == text.lines().count() as u64 {
            assert_eq!(warnings, Vec::<String>::new(), "{}", f.display());
        } else {
            assert!(
                warnings.iter().any(|w| w.contains(
                    ":34: warning: FOOT NumberOfLinesInFile says 35 lines, the file has 34"
                )),
                "{warnings:?}"
            );
        }
    }
}

#[test]
fn gzip_statement_reads_like_the_plain_one() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("distrokid.tsv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(&std::fs::read(fixture("distrokid.tsv")).unwrap())
        .unwrap();
    enc.finish().unwrap();
    let (_, plain) = read(&fixture("distrokid.tsv"));
    let (_, zipped) = read(&gz);
    assert_eq!(errors(&zipped), Vec::<String>::new());
    assert_eq!(zipped.summary.format, "distrokid");
    assert_eq!(zipped.summary.totals, plain.summary.totals);
    assert_eq!(zipped.summary.sha256, sha256_file(&gz).unwrap());
    assert_ne!(zipped.summary.sha256, plain.summary.sha256);
}

#[test]
fn xlsx_workbook_through_the_same_profile() {
    let (_, csv) = read(&fixture("tunecore.csv"));
    let opts = ImportOptions {
        sheet: Some("Sales".into()),
        ..ImportOptions::default()
    };
    let (_, xlsx) = read_opts(&fixture("tunecore.xlsx"), &opts);
    assert_eq!(errors(&xlsx), Vec::<String>::new());
    assert_eq!(xlsx.summary.format, "tunecore");
    // Numeric cells (floats in the workbook) read back exactly.
    assert_eq!(xlsx.summary.totals, csv.summary.totals);
    // The first sheet holds notes, not a statement: an unknown layout.
    let (_, first) = read(&fixture("tunecore.xlsx"));
    assert!(
        errors(&first)[0].contains("unknown statement layout"),
        "{:?}",
        errors(&first)
    );
    let opts = ImportOptions {
        sheet: Some("Nope".into()),
        ..ImportOptions::default()
    };
    let (_, none) = read_opts(&fixture("tunecore.xlsx"), &opts);
    assert!(errors(&none)[0].contains("no sheet `Nope`; its sheets are: Notes, Sales"));
}

// ---- bad input --------------------------------------------------------

fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

const DK_HEADER: &str = "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)\n";
const DK_GOOD: &str =
    "2025-08-05\t2025-06\tSpotify\tA\tT\tQZNWX2600001\t859712345678\t10\t100\tSong\tUS\t0\t0.05\n";

fn dk(rows: &str) -> (tempfile::TempDir, FileOutcome) {
    let (dir, p) = temp_file("dk.tsv", format!("{DK_HEADER}{DK_GOOD}{rows}").as_bytes());
    let (_, out) = read(&p);
    (dir, out)
}

#[test]
fn every_bad_row_is_reported_with_its_line_and_never_summed() {
    let (_d, out) = dk(
        "2025-08-05\t06/2025\tSpotify\tA\tT\tQZNWX2600001\t1\t10\t100\tSong\tUS\t0\t0.05\n\
         2025-08-05\t2025-06\tSpotify\tA\tT\tQZNWX2600001\t1\t10\t100\tSong\tUS\t0\tabc\n\
         2025-08-05\t2025-06\tSpotify\tA\tT\tQZNWX2600001\t1\t10\t100\tSong\tUS\t0\t1,5\n\
         2025-08-05\t2025-06\tSpotify\tA\tT\tQZNWX2600001\t1\t10\t100\tSong\tUS\t0\n",
    );
    let e = errors(&out);
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(
        e[0].contains("dk.tsv:3:12:")
            && e[0].contains(
                "Sale Month: expected a date written YYYY-MM or YYYY-MM-DD, found `06/2025`"
            ),
        "{}",
        e[0]
    );
    // A bad number says what was found, and what is wrong with it.
    assert!(
        e[1].contains("dk.tsv:4:64:")
            && e[1].contains(
                "Earnings (USD): expected a decimal number, found `abc`: `a` has no place in a number"
            ),
        "{}",
        e[1]
    );
    assert!(
        e[2].contains("dk.tsv:5:")
            && e[2].contains(
                "found `1,5`: `,` is not the decimal mark in this layout, which writes `.`"
            ),
        "{}",
        e[2]
    );
    assert!(
        e[3].contains("dk.tsv:6: error: the row has 12 cells, the header 13"),
        "{}",
        e[3]
    );
    assert_eq!(out.summary.lines, 1, "only the good row is summed");
}

/// One bad identifier never blocks a quarter: a row whose ISRC cell holds
/// something else is counted under a reason that says what, with its
/// amount, and the rest of the file is read.
#[test]
fn rows_without_a_usable_isrc_are_counted_not_fatal() {
    let (_d, out) = dk(
        "2025-08-05\t2025-06\tSpotify\tA\tT\tQZ-NWX-26-0001\t1\t10\t100\tSong\tUS\t0\t0.05\n\
         2025-08-05\t2025-06\tSpotify\tA\tT\t8.59712E+11\t1\t10\t100\tSong\tUS\t0\t0.10\n\
         2025-08-05\t2025-06\tSpotify\tA\tT\t859712345678\t1\t3\t100\tSong\tUS\t0\t0.20\n\
         2025-08-05\t2025-06\tSpotify\tA\tT\t\t859712345678\t1\t100\tSong\tUS\t0\t0.40\n",
    );
    assert_eq!(errors(&out), Vec::<String>::new());
    assert_eq!(out.summary.lines, 1);
    let reasons: Vec<(&str, u64, String)> = out
        .summary
        .skipped
        .iter()
        .map(|s| (s.reason.as_str(), s.rows, s.sums["USD"].amount.to_string()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("an identifier that is not an ISRC", 1, "0.05".to_string()),
            (
                "a number in scientific notation in the ISRC column (a spreadsheet turned a code into a number)",
                1,
                "0.1".to_string()
            ),
            ("a UPC/EAN in the ISRC column", 1, "0.2".to_string()),
            ("release row without ISRC", 1, "0.4".to_string()),
        ]
    );
    // Each reason is a warning with its lines.
    assert!(out.diagnostics.iter().any(|d| !d.is_error()
        && d.message
            .starts_with("1 row skipped (a UPC/EAN in the ISRC column): lines 5;")));
}

#[test]
fn a_trailing_totals_row_is_reported_not_summed() {
    // DistroKid has no totals row: one appended by hand fails loudly.
    let (_d, out) = dk("Total\t\t\t\t\t\t\t10\t\t\t\t\t0.05\n");
    let e = errors(&out);
    assert_eq!(e.len(), 1);
    assert!(e[0].contains(":3:"), "{e:?}");
    assert_eq!(out.summary.lines, 1);
    // Apple's Total_ lines are known totals: skipped, with a warning.
    let (_, apple) = read(&fixture("apple.txt"));
    assert!(apple
        .diagnostics
        .iter()
        .any(|d| !d.is_error() && d.message.contains("totals line")));
}

#[test]
fn line_numbers_count_blank_lines() {
    let (_d, out) =
        dk("\n\r\n\n2025-08-05\t2025-06\tSpotify\tA\tT\tQZNWX2600001\t1\t10\t100\tSong\tUS\t0\tBAD\n\n");
    assert!(errors(&out)[0].contains("dk.tsv:6:"), "{:?}", errors(&out));
}

#[test]
fn a_ragged_last_line_is_reported() {
    let (_d, out) = dk("2025-08-05\t2025-06\tSpotify\tA\tT\tQZNWX2600001");
    let e = errors(&out);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].contains("dk.tsv:3: error: the row has 6 cells"),
        "{e:?}"
    );
}

#[test]
fn dsr_whose_foot_disagrees_is_refused() {
    let text = std::fs::read_to_string(fixture("dsr-basic.tsv")).unwrap();
    // A line lost: warned, with both counts.
    let cut: Vec<&str> = text.lines().filter(|l| !l.contains("\tT2\t")).collect();
    let (_d, p) = temp_file("cut.tsv", (cut.join("\n") + "\n").as_bytes());
    let (_, out) = read(&p);
    assert!(errors(&out).is_empty(), "{:?}", errors(&out));
    assert!(
        out.diagnostics.iter().any(|d| !d.is_error()
            && d.message
                .contains("FOOT NumberOfLinesInFile says 15 lines, the file has 14")),
        "{:?}",
        out.diagnostics
    );
    // A block or summary record more or less than FOOT says: refused.
    let foot = text.lines().last().unwrap();
    let cells: Vec<&str> = foot.split('\t').collect();
    let mut wrong = cells.clone();
    let blocks = (cells[4].parse::<u64>().unwrap() + 1).to_string();
    wrong[4] = &blocks;
    let edited = text.replace(foot, &wrong.join("\t"));
    let (_d, p) = temp_file("blocks.tsv", edited.as_bytes());
    let (_, out) = read(&p);
    let e = errors(&out);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("FOOT NumberOfBlocksInFile says"), "{e:?}");
    // No FOOT at all: cut off.
    let (_d, p) = temp_file(
        "nofoot.tsv",
        (cut[..cut.len() - 1].join("\n") + "\n").as_bytes(),
    );
    let (_, out) = read(&p);
    assert!(
        errors(&out)[0].contains("no FOOT record"),
        "{:?}",
        errors(&out)
    );
}

#[test]
fn utf16_without_bom_and_binary_files_are_refused() {
    let text = format!("{DK_HEADER}{DK_GOOD}");
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let (_d, p) = temp_file("nobom.tsv", &le);
    let (_, out) = read(&p);
    assert!(
        errors(&out)[0].contains("UTF-16 without a byte order mark"),
        "{:?}",
        errors(&out)
    );
    // With a BOM, the same bytes read fine (big-endian too).
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let (_d2, p) = temp_file("be.tsv", &be);
    let (_, out) = read(&p);
    assert_eq!(
        (errors(&out).len(), out.summary.lines, out.encoding.as_str()),
        (0, 1, "UTF-16 BE")
    );
    let (_d3, p) = temp_file(
        "x.png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    );
    let (_, out) = read(&p);
    assert!(errors(&out)[0].contains("not text"), "{:?}", errors(&out));
}

#[test]
fn unknown_layout_names_the_header_and_closest_profile() {
    let (_d, p) = temp_file(
        "odd.csv",
        b"Sales Period,Store Name,Country Of Sale,Optional ISRC,Units,Earned,Currency\n",
    );
    let (_, out) = read(&p);
    let e = errors(&out);
    assert_eq!(e.len(), 1);
    assert!(e[0].contains("odd.csv:1:1: error: unknown statement layout: the header found is `Sales Period,Store Name"), "{}", e[0]);
    assert!(
        e[0].contains("the closest profile is `tunecore`")
            && e[0].contains("missing: Sales Type, # Units Sold, Total Earned"),
        "{}",
        e[0]
    );
}

#[test]
fn forced_profile_must_fit_the_header() {
    let opts = ImportOptions {
        profile: Some("distrokid".into()),
        ..ImportOptions::default()
    };
    let (_, out) = read_opts(&fixture("tunecore.csv"), &opts);
    let e = errors(&out);
    assert!(
        e[0].contains("tunecore.csv:1:1: error: the header lacks the columns `ISRC`"),
        "{e:?}"
    );
}

#[test]
fn canonical_statements_still_read() {
    let (_d, p) = temp_file("c.csv", b"\xEF\xBB\xBFperiod,isrc,source,territory,units,amount,currency\n2026-01,QZNWX2600001,streaming,US,3,1.50,USD\n");
    let (_, out) = read(&p);
    assert_eq!(
        (out.summary.format.as_str(), out.summary.lines),
        ("canonical", 1)
    );
}

// ---- profiles -----------------------------------------------------------

#[test]
fn built_in_profiles_and_user_profiles() {
    let all = profiles(&ImportOptions::default()).unwrap();
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "canonical",
            "distrokid",
            "distrokid-csv",
            "tunecore",
            "cdbaby",
            "believe",
            "symphonic",
            "apple",
            "apple-music",
            "spotify",
            "bandcamp",
            "beatport",
            "traxsource",
            "fuga",
            "zebralution",
            "dashgo",
            "labelworx",
            "secretly",
            "orchard",
            "ddex-dsr"
        ]
    );
    let dk = all.iter().find(|p| p.name == "distrokid").unwrap();
    let shown = royalty::import::describe(dk);
    assert!(
        shown.contains("name = \"distrokid\"") && shown.contains("[columns]"),
        "{shown}"
    );

    // A user copies the DistroKid profile, renames it and adapts a column.
    let dir = tempfile::tempdir().unwrap();
    let mine = dk
        .source_text
        .replace("name = \"distrokid\"", "name = \"mylabel\"")
        .replace("Earnings (USD)", "Net (USD)");
    std::fs::write(dir.path().join("mylabel.toml"), mine).unwrap();
    let opts = ImportOptions {
        profile_paths: vec![dir.path().to_path_buf()],
        ..ImportOptions::default()
    };
    let text = format!("{DK_HEADER}{DK_GOOD}").replace("Earnings (USD)", "Net (USD)");
    let (_d, p) = temp_file("mine.tsv", text.as_bytes());
    let (_, out) = read_opts(&p, &opts);
    assert_eq!(
        (out.summary.format.as_str(), out.summary.lines),
        ("mylabel", 1),
        "{:?}",
        out.diagnostics
    );

    // Errors in a profile come with file:line:column.
    std::fs::write(
        dir.path().join("bad.toml"),
        "name = \"bad\"\ndelimiter = \",\"\ncolour = 1\n",
    )
    .unwrap();
    let err = profiles(&opts).unwrap_err().to_string();
    assert!(
        err.contains("bad.toml:3:1: error: unknown field `colour`"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("bad.toml"),
        "name = \"bad\"\n[columns]\nisrc = \"I\"\nusage = { column = \"D\", format = \"DD.MM\" }\namount = \"A\"\ncurrency = \"C\"\n[sources]\ndefault = \"radio\"\n",
    )
    .unwrap();
    let err = profiles(&opts).unwrap_err().to_string();
    assert!(
        err.contains("bad.toml:4:") && err.contains("needs a year"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:8:") && err.contains("unknown source `radio`"),
        "{err}"
    );
}

/// Throughput of the DistroKid path against the canonical one (another
/// issue asks for at most 1.5x on 5M lines). Run with
/// `cargo test --release --test test_formats -- --ignored --nocapture`.
#[test]
#[ignore]
fn perf_distrokid_against_canonical() {
    use std::io::Write;
    let n: usize = std::env::var("PERF_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let (dk, canon) = (dir.path().join("dk.tsv"), dir.path().join("c.csv"));
    let mut a = std::io::BufWriter::new(std::fs::File::create(&dk).unwrap());
    let mut b = std::io::BufWriter::new(std::fs::File::create(&canon).unwrap());
    a.write_all(DK_HEADER.as_bytes()).unwrap();
    b.write_all(b"period,isrc,source,territory,units,amount,currency\n")
        .unwrap();
    for i in 0..n {
        let isrc = format!("QZNWX26{:05}", i % 500);
        writeln!(a, "2025-08-05\t2025-06\tSpotify\tNightwalk Ensemble\tMidnight Drive\t{isrc}\t859712345678\t{}\t100\tSong\tUS\t0\t0.00{}", i % 97, i % 1000).unwrap();
        writeln!(
            b,
            "2025-06,{isrc},streaming,US,{},0.00{},USD",
            i % 97,
            i % 1000
        )
        .unwrap();
    }
    drop((a, b));
    let time = |p: &Path| {
        let t = std::time::Instant::now();
        let (_, out) = read(p);
        assert_eq!(out.summary.lines as usize, n);
        t.elapsed()
    };
    let (tc, td) = (time(&canon), time(&dk));
    // Integer per cent: no binary floating point anywhere, timings included.
    let ratio = td.as_micros() * 100 / tc.as_micros().max(1);
    eprintln!("{n} lines: canonical {tc:?}, distrokid {td:?}, distrokid = {ratio}% of canonical");
}
