//! Real statement exports (`real-exports/` in `common::shared_data()`: public
//! files others wrote, each with its source and figures computed by an
//! independent reading in INDEPENDENT.json) read by detection alone, in place,
//! to exactly those lines and totals. Skipped when the folder is absent (a
//! clone has none of them: they are not ours to copy).
//!
//! Where our reading differs from INDEPENDENT.json on purpose, the case
//! says so and computes its own figure from the file.

mod common;

use royalty::codes::Currency;
use royalty::import::{read_file, FileOutcome, ImportOptions};
use royalty::statement::{Revenue, SkipKind};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    common::shared_data().join("real-exports")
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// The statement file of a case folder.
fn data_file(case: &str) -> PathBuf {
    let dir = root().join(case);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n != "SOURCE.txt" && n != "INDEPENDENT.json"
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 1, "{case}: {files:?}");
    files.remove(0)
}

fn independent(case: &str) -> Value {
    let text = std::fs::read_to_string(root().join(case).join("INDEPENDENT.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// What the file reads to: (lines, amount per currency, units) of the
/// revenue lines, and the unattributable amounts skipped per currency.
struct Read {
    outs: Vec<FileOutcome>,
    lines: u64,
    totals: BTreeMap<String, Decimal>,
    units: i64,
    unattributable: BTreeMap<String, Decimal>,
}

fn read(case: &str) -> Read {
    let mut rev = Revenue::default();
    let outs = read_file(&data_file(case), &ImportOptions::default(), &mut rev).unwrap();
    let mut r = Read {
        lines: 0,
        totals: BTreeMap::new(),
        units: 0,
        unattributable: BTreeMap::new(),
        outs,
    };
    for o in &r.outs {
        r.lines += o.summary.lines;
        for (c, s) in &o.summary.totals {
            *r.totals.entry(c.to_string()).or_default() += s.amount;
            r.units += s.units;
        }
        for (c, s) in o.summary.skipped_total(SkipKind::Unattributable) {
            *r.unattributable.entry(c).or_default() += s.amount;
        }
    }
    r
}

fn errors(r: &Read) -> Vec<String> {
    r.outs
        .iter()
        .flat_map(|o| &o.diagnostics)
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

fn money(v: &Value) -> BTreeMap<String, Decimal> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(c, a)| (c.clone(), dec(a.as_str().unwrap())))
        .collect()
}

/// The common check: lines with an ISRC, their totals and units as
/// INDEPENDENT.json has them, and every other revenue row skipped as
/// unattributable with the rest of the file's total.
fn check(case: &str, format: &str) -> Read {
    let r = read(case);
    let j = independent(case);
    assert_eq!(errors(&r), Vec::<String>::new(), "{case}");
    assert!(
        r.outs.iter().all(|o| o.summary.format == format),
        "{case}: read as {:?}",
        r.outs.iter().map(|o| &o.summary.format).collect::<Vec<_>>()
    );
    assert_eq!(
        r.lines,
        j["lines_with_valid_isrc"].as_u64().unwrap(),
        "{case}: lines"
    );
    let want = money(&j["total_lines_with_isrc"]);
    let got: BTreeMap<String, Decimal> = r.totals.clone();
    assert_eq!(got, want, "{case}: totals");
    let units: i64 = j["units_lines_with_isrc"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(r.units, units, "{case}: units");
    let all = money(&j["total_per_currency"]);
    for (c, total) in &all {
        let read = want.get(c).copied().unwrap_or_default();
        let skipped = r.unattributable.get(c).copied().unwrap_or_default();
        assert_eq!(
            read + skipped,
            *total,
            "{case}: {c} read + skipped = the file's total"
        );
    }
    r
}

macro_rules! case {
    ($name:ident, $case:literal, $format:literal) => {
        #[test]
        fn $name() {
            if !root().is_dir() {
                eprintln!("skipped: {} is absent", root().display());
                return;
            }
            check($case, $format);
        }
    };
}

case!(apple_itunes_financial_report, "apple-1", "apple");
case!(apple_music_streams_with_preamble, "apple-2", "apple-music");
case!(cdbaby_tsv, "cdbaby-1", "cdbaby");
case!(dashgo_with_summary_after_a_blank_line, "dashgo-1", "dashgo");
case!(distrokid_tsv, "distrokid-2", "distrokid");
case!(distrokid_tsv_non_ascii, "distrokid-3", "distrokid");
case!(distrokid_resaved_by_r, "distrokid-1", "distrokid-csv");
case!(fuga_royalty_report, "fuga-1", "fuga");
case!(secretly_month_in_a_trailing_cell, "secretly-1", "secretly");
case!(symphonic_report, "symphonic-1", "symphonic");
case!(traxsource_with_text_summary, "traxsource-1", "traxsource");
case!(tunecore_unquoted, "tunecore-1", "tunecore");
case!(zebralution_decimal_comma, "zebralution-1", "zebralution");
case!(
    zebralution_resaved_with_a_totals_row,
    "zebralution-2",
    "zebralution"
);
case!(labelworx_converted_from_xlsx, "labelworx-1", "labelworx");
case!(bandcamp_with_payouts_and_refunds, "bandcamp-1", "bandcamp");
case!(bandcamp_small, "bandcamp-2", "bandcamp");

fn present() -> bool {
    if !root().is_dir() {
        eprintln!("skipped: {} is absent", root().display());
    }
    root().is_dir()
}

/// The reduced Bandcamp export has no isrc column: every row is skipped,
/// and the file says so loudly.
#[test]
fn bandcamp_without_an_isrc_column() {
    if !present() {
        return;
    }
    let r = check("bandcamp-3", "bandcamp");
    let warnings: Vec<&str> = r.outs[0]
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("every row of ") && w.contains("was skipped (8 rows)")),
        "{warnings:?}"
    );
}

/// Skipped rows are named by their lines, as the file numbers them (CRLF
/// lines and quoted cells: SOURCE.txt names lines 341, 752, 829).
#[test]
fn labelworx_release_rows_at_their_lines() {
    if !present() {
        return;
    }
    let r = read("labelworx-1");
    let s = &r.outs[0].summary.skipped;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].lines, [341, 752, 829]);
}

/// Payouts are counted apart: money leaving the account, not revenue.
#[test]
fn bandcamp_payouts_are_not_revenue() {
    if !present() {
        return;
    }
    let r = read("bandcamp-1");
    let payouts = r.outs[0].summary.skipped_total(SkipKind::NotRevenue);
    assert_eq!(payouts["USD"].rows, 6);
}

/// TuneCore's own ISRCs: where Optional ISRC is empty, TC Song ID holds the
/// ISRC TuneCore issued (the real-exports README: 3832 lines, 74.032835 EUR;
/// INDEPENDENT.json's `alternative_with_tc_song_id_fallback`).
#[test]
fn tunecore_quoted_with_tc_song_id_fallback() {
    if !present() {
        return;
    }
    let r = read("tunecore-2");
    let j = &independent("tunecore-2")["alternative_with_tc_song_id_fallback"];
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(r.outs[0].summary.format, "tunecore");
    assert_eq!(r.lines, j["lines_with_id"].as_u64().unwrap());
    assert_eq!(r.totals["EUR"], dec(j["total_EUR"].as_str().unwrap()));
    assert_eq!(r.units.to_string(), j["units"].as_str().unwrap());
    assert!(r.unattributable.is_empty());
}

/// Beatport: INDEPENDENT.json counts every row as one unit; a void
/// reverses a sale, so we count it -1 (docs/formats.md). The voids are
/// counted here from the file.
#[test]
fn beatport_release_rows_and_voids() {
    if !present() {
        return;
    }
    let r = read("beatport-1");
    let j = independent("beatport-1");
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(r.outs[0].summary.format, "beatport");
    assert_eq!(r.lines, j["lines_with_valid_isrc"].as_u64().unwrap());
    assert_eq!(r.totals, money(&j["total_lines_with_isrc"]));
    let text = std::fs::read_to_string(data_file("beatport-1")).unwrap();
    let voids = text
        .lines()
        .filter(|l| l.ends_with(",Void") && l.split(',').nth(2).is_some_and(|i| !i.is_empty()))
        .count() as i64;
    assert!(voids > 0);
    let units: i64 = j["units_lines_with_isrc"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(r.units, units - 2 * voids);
    let all = money(&j["total_per_currency"]);
    assert_eq!(r.totals["USD"] + r.unattributable["USD"], all["USD"]);
}

/// Spotify writes up to 34 decimals: cells past the 28th significant digit
/// are rounded and reported, never refused. INDEPENDENT.json's total was
/// itself summed at 28 digits, so both are compared with the exact sum,
/// computed here as an integer of 10^-34.
#[test]
fn spotify_with_more_decimals_than_kept() {
    if !present() {
        return;
    }
    let r = read("spotify-1");
    let j = independent("spotify-1");
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(r.outs[0].summary.format, "spotify");
    assert_eq!(r.lines, j["lines_with_valid_isrc"].as_u64().unwrap());
    let units: i64 = j["units_lines_with_isrc"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(r.units, units);
    let text = std::fs::read_to_string(data_file("spotify-1")).unwrap();
    let exact: i128 = text
        .lines()
        .skip(3)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            // `0.0123...`, or `4.2793...E-7` (one cell is written so).
            let cell = l.split('\t').next_back().unwrap();
            let (mantissa, exp) = cell.split_once('E').unwrap_or((cell, "0"));
            let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            let digits: i128 = format!("{int}{frac}").parse().unwrap();
            let scale = frac.len() as i64 - exp.parse::<i64>().unwrap();
            digits * 10i128.pow((34 - scale) as u32)
        })
        .sum();
    let ours = r.totals["USD"];
    let ours_34 = ours.mantissa() * 10i128.pow(34 - ours.scale());
    let rounding = r.outs[0].summary.rounding.expect("a rounding note");
    let bound = rounding.bound.mantissa() * 10i128.pow(34 - rounding.bound.scale());
    assert!(rounding.cells > 0);
    assert!(
        (ours_34 - exact).abs() <= bound,
        "{ours} vs exact {exact}e-34, bound {}",
        rounding.bound
    );
    // Far below a cent, and the same as INDEPENDENT.json to 20 decimals.
    assert!(rounding.bound < dec("0.000000000000000001"));
    let theirs = dec(j["total_lines_with_isrc"]["USD"].as_str().unwrap());
    assert_eq!(ours.round_dp(20), theirs.round_dp(20));
    assert!(r.outs[0]
        .diagnostics
        .iter()
        .any(|d| !d.is_error() && d.message.contains("far below a cent")));
}

/// A zip bundle: its FUGA royalty_extended.csv member is the statement,
/// named `bundle.zip!member` in every message; the other members (per
/// artist, store, country sums, and a workbook) are not statements.
#[test]
fn cargo_zip_bundle_of_a_fuga_statement() {
    if !present() {
        return;
    }
    let r = check("cargo-1", "fuga");
    assert_eq!(r.outs.len(), 1);
    let name = r.outs[0].summary.path.display().to_string();
    assert!(
        name.ends_with("Cargo_Digital_Test.zip!Cargo_Digital_Test-royalty_extended.csv"),
        "{name}"
    );
    let not_read: Vec<String> = r.outs[0]
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("not read"))
        .map(|d| d.file.display().to_string())
        .collect();
    assert_eq!(not_read.len(), 7, "{not_read:?}");
}

/// DDEX DSR BasicAudioProfile: the money is only in the summary record,
/// shared out over the usage lines so that they add up to it exactly.
#[test]
fn ddex_basic_audio_profile_shares_the_summary_out() {
    if !present() {
        return;
    }
    let r = read("ddex-1");
    let j = independent("ddex-1");
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(r.lines, j["lines_with_valid_isrc"].as_u64().unwrap());
    let s = &j["summary_records"]["S1"];
    assert_eq!(r.totals["GBP"], dec(s["NetRevenue"].as_str().unwrap()));
    assert_eq!(r.units.to_string(), s["TotalUsages"].as_str().unwrap());
    let gbp = Currency::parse("GBP").unwrap();
    assert_eq!(r.outs[0].summary.totals[&gbp].amount, dec("5000.00"));
}

/// A DSR whose footer contradicts its body is refused, naming FOOT.
#[test]
fn ddex_whose_foot_contradicts_the_body_is_refused() {
    if !present() {
        return;
    }
    let r = read("ddex-2");
    let e = errors(&r);
    assert!(!e.is_empty());
    assert!(e.iter().any(|m| m.contains("FOOT")), "{e:?}");
}

/// The YouTube UGC test report of DDEX's own library reads as before.
#[test]
fn ddex_ugc_profile() {
    if !present() {
        return;
    }
    check("ddex-3", "ddex-dsr");
}

/// Every folder is covered by a test above (a new one fails this).
#[test]
fn every_real_export_has_a_case() {
    if !present() {
        return;
    }
    let here = std::fs::read_to_string(file!()).unwrap();
    let mut missing = Vec::new();
    for e in std::fs::read_dir(root()).unwrap() {
        let p = e.unwrap().path();
        if !p.is_dir() {
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        // Named once in NOT_READ; a case names it again.
        let named = here.matches(&format!("\"{name}\"")).count();
        if named <= usize::from(NOT_READ.contains(&name.as_str())) {
            missing.push(name);
        }
    }
    missing.sort();
    assert_eq!(missing, NOT_READ);
}

/// Optional in the README, and not read: a headerless, row-typed layout
/// (each row says what it is in its first cells); no profile can describe
/// it, and it carries no ISRC on its publishing rows.
const NOT_READ: [&str; 1] = ["clicknclear-1"];
