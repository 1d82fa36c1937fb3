//! The quick path (`import::quick` with `import::memo`) must give exactly
//! what the general path gives: DistroKid-like and canonical texts, good
//! and bad lines mixed, are read both ways and compared whole. Then the
//! chunked reading: threads, line numbers, quotes across a chunk's edge,
//! sums too large to be exact.

use super::*;
use crate::import::sink::SkippedRow;
use crate::statement::{FileSummary, Key, Revenue, Sums};
use proptest::prelude::*;

const DK_HEADER: &str = "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)";
const CANONICAL_HEADER: &str = "period,isrc,source,territory,units,amount,currency,tax_withheld";

fn profile(name: &str) -> Profile {
    let (_, text) = crate::import::profile::BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a built-in profile");
    Profile::parse(text, Path::new("p.toml"), "built-in").expect("built-in profile")
}

type Outcome = (
    Vec<(Key, Sums)>,
    FileSummary,
    Vec<RevenueLine>,
    Vec<SkippedRow>,
    Vec<Diagnostic>,
);

/// Reads `text` through `p`: as text (chunked, quick path) or as the rows
/// of a sheet split at `delimiter` (the general path only).
fn run(p: &Profile, text: &str, quick: bool, threads: usize, by_territory: bool) -> Outcome {
    let mut rev = Revenue {
        by_territory,
        ..Revenue::default()
    };
    let mut summary = FileSummary::default();
    let mut unmatched = Vec::new();
    let mut skipped_rows = Vec::new();
    let known = crate::import::Matching::new(
        ["QZBEN2600045", "QZBEN2600023", "QZNWX2600001"].map(|i| Isrc::parse(i).expect("isrc")),
        true,
    );
    let mut sink = Sink {
        revenue: &mut rev,
        summary: &mut summary,
        matching: Some(&known),
        unmatched: &mut unmatched,
        skipped_rows: &mut skipped_rows,
        threads,
        period_end: Some(jiff::civil::date(2026, 6, 30)),
    };
    let file = FileCtx {
        path: Path::new("s.txt"),
        file_name: "s.txt",
    };
    let diags = if quick {
        read_text(p, text.as_bytes(), &file, &mut sink)
    } else {
        let rows: Vec<(u64, Vec<String>)> = text
            .split('\n')
            .enumerate()
            .map(|(i, l)| {
                let l = l.strip_suffix('\r').unwrap_or(l);
                let d = (p.delimiter as char).to_string();
                (
                    i as u64 + 1,
                    l.split(d.as_str()).map(str::to_string).collect(),
                )
            })
            .collect();
        read_sheet(p, rows, &file, &mut sink)
    };
    let mut diags = diags;
    for k in rev.sums.finish() {
        diags.push(Diagnostic::error(
            Path::new("s.txt"),
            0,
            0,
            crate::statement::acc::too_large(&k),
        ));
    }
    (
        rev.sorted().into_owned(),
        summary,
        unmatched,
        skipped_rows,
        diags,
    )
}

fn cell(choices: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(choices)
}

prop_compose! {
    fn dk_line()(
        month in cell(&["2026-03", "2026-01", "2026-13", "", "2026-02-15", "2026-09"]),
        store in cell(&["Spotify", "iTunes", "YouTube (Ads)", " Spotify"]),
        isrc in cell(&["QZBEN2600045", "QZBEN2600023", "qzben2600023", "'QZBEN2600045", "BAD", "", "QZNWX2699999", "859712345678"]),
        units in cell(&["2639", "-3", "+4", " 7 ", "1.0", "x", ""]),
        kind in cell(&["Song", "Song", "Song", "Album"]),
        country in cell(&["GB", "us", "Narnia", "", "United Kingdom"]),
        amount in cell(&["6.002915", "-0.5", "+1.25", "(2.00)", "1E-3", "abc", "", " 3.5", "0.1234567890123", "-0.00", ".5", "0.0000000000000000000000000000015"]),
        end in cell(&["", "", "", "\r", "\t", "\textra", "CUT", "BLANK"]),
    ) -> String {
        let l = format!("2026-04-05\t{month}\t{store}\tA\tT\t{isrc}\t859712345678\t{units}\t100\t{kind}\t{country}\t0\t{amount}");
        crate::import::quick::ended(l, end, '\t')
    }
}

prop_compose! {
    fn canonical_line()(
        period in cell(&["2026-01", "2026-02-28", "2026-13", "", "2026-1", "2026-08"]),
        isrc in cell(&["QZNWX2600001", "QZNWX2600002", "qznwx2600001", "QZ-NWX-26-00001", "BAD"]),
        source in cell(&["streaming", "download", " streaming", "radio"]),
        territory in cell(&["US", "gb", "USA", "", " DE"]),
        units in cell(&["12", "-3", "+4", " 7", "1.0", "x"]),
        amount in cell(&["1.50", "-0.5", "+1.25", "0.00000000000001", "1e3", "abc", "", " 3.5", "-0.00", "12345678901234567890", ".5"]),
        currency in cell(&["USD", "EUR", " usd", "XYZ"]),
        tax in cell(&["", "", "0.10", "-1", "n/a", "99"]),
        end in cell(&["", "", "", "\r", ",extra", ",", "CUT", "BLANK"]),
    ) -> String {
        let l = format!("{period},{isrc},{source},{territory},{units},{amount},{currency},{tax}");
        crate::import::quick::ended(l, end, ',')
    }
}

fn same(quick: &Outcome, general: &Outcome) -> Result<(), TestCaseError> {
    prop_assert_eq!(&quick.0, &general.0);
    prop_assert_eq!(quick.1.lines, general.1.lines);
    prop_assert_eq!(&quick.1.totals, &general.1.totals);
    prop_assert_eq!(&quick.1.skipped, &general.1.skipped);
    prop_assert_eq!(&quick.2, &general.2);
    prop_assert_eq!(&quick.3, &general.3);
    prop_assert_eq!(&quick.4, &general.4);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    #[test]
    fn the_quick_path_reads_what_the_general_path_reads(
        lines in proptest::collection::vec(dk_line(), 1..200),
        canonical in proptest::collection::vec(canonical_line(), 1..200),
        repeat in 1usize..4,
        by_territory: bool,
    ) {
        for (p, header, lines) in [
            (profile("distrokid"), DK_HEADER, &lines),
            (profile("canonical"), CANONICAL_HEADER, &canonical),
        ] {
            // Repeating the lines makes the memo answer for most of them.
            let mut text = String::from(header);
            for _ in 0..repeat {
                for l in lines {
                    text.push('\n');
                    text.push_str(l);
                }
            }
            let general = run(&p, &text, false, 1, by_territory);
            for threads in [1, 2] {
                same(&run(&p, &text, true, threads, by_territory), &general)?;
            }
        }
    }
}

#[test]
fn a_cell_too_many_is_found_past_the_64th() {
    let p = profile("distrokid");
    let good = "2026-04-05\t2026-03\tSpotify\tA\tT\tQZBEN2600045\t1\t2\t100\tSong\tGB\t0\t1.5";
    let text = format!("{DK_HEADER}\n{good}{}\tx\n", "\t".repeat(60));
    let d = run(&p, &text, true, 1, false).4;
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("a cell too many"), "{}", d[0]);
    // Blank cells past the header's are fine.
    let text = format!("{DK_HEADER}\n{good}{}\n", "\t".repeat(70));
    assert!(run(&p, &text, true, 1, false).4.is_empty());
}

#[test]
fn chunks_and_threads_give_the_same_sums_and_line_numbers() {
    let p = profile("canonical");
    let mut text = String::from("period,isrc,source,territory,units,amount,currency\n");
    for i in 0..200_000u32 {
        let isrc = if i % 1000 == 7 {
            "QZNWX2600002"
        } else {
            "QZNWX2600001"
        };
        text.push_str(&format!(
            "2026-0{},{isrc},streaming,US,{},0.00{},USD\n",
            1 + i % 3,
            i % 50,
            i % 997
        ));
        if i == 150_000 {
            text.push_str("2026-01,QZNWX2600001,streaming,US,1,oops,USD\n\r\n");
        }
    }
    let one = run(&p, &text, true, 1, false);
    let two = run(&p, &text, true, 2, false);
    assert_eq!(one.0, two.0);
    assert_eq!(one.1.totals, two.1.totals);
    assert_eq!(one.1.lines, 200_000);
    assert_eq!(one.4, two.4);
    assert_eq!(one.4.len(), 1);
    // Header is line 1; the bad row follows the 150,001st data row.
    assert_eq!(one.4[0].line, 150_003, "{}", one.4[0]);
    assert_eq!(one.2.len(), 200);
    assert_eq!(one.2, two.2);
    assert_eq!(one.2[0].line, 9);
}

/// A quoted cell with a newline in it, placed across the edge of the
/// first chunk: read as one cell, as in a small file.
#[test]
fn a_quoted_newline_at_a_chunk_edge_reads_as_in_a_small_file() {
    let p = profile("canonical");
    let header = "period,isrc,source,territory,store,units,amount,currency\n";
    let line = "2026-01,QZNWX2600001,streaming,US,Shop,1,0.01,USD\n";
    let quoted = "2026-01,QZNWX2600001,streaming,US,\"Shop, Inc\nsecond line\",5,0.50,USD\n";
    let small = format!("{header}{quoted}");
    for shift in [0usize, 1, 7, 20, 40] {
        let mut text = String::from(header);
        // Ordinary lines up to just before the chunk's edge, then the
        // quoted cell so that its newline falls `shift` bytes past it.
        let n = (crate::import::chunks::CHUNK - header.len() - 45 + shift) / line.len();
        for _ in 0..n {
            text.push_str(line);
        }
        text.push_str(quoted);
        text.push_str(line);
        for threads in [1, 2] {
            let (sums, summary, _, _, diags) = run(&p, &text, true, threads, false);
            assert!(diags.is_empty(), "shift {shift}: {diags:?}");
            assert_eq!(summary.lines, n as u64 + 2, "shift {shift}");
            let s = &sums[0].1;
            assert_eq!(s.units, n as i64 + 6, "shift {shift}");
            let cents = rust_decimal::Decimal::new(n as i64 + 1, 2);
            assert_eq!(s.amount, cents + crate::money::dec("0.50"), "shift {shift}");
        }
    }
    let (sums, summary, ..) = run(&p, &small, true, 1, false);
    assert_eq!((summary.lines, sums[0].1.units), (1, 5));
}

/// Line numbers in a chunk with quotes (read by the `csv` crate) count
/// `\r\n` lines as the quick path does.
#[test]
fn line_numbers_are_right_after_crlf_and_quotes() {
    let p = profile("canonical");
    let text = "period,isrc,source,territory,units,amount,currency,store\r\n\
                2026-01,QZNWX2600001,streaming,US,1,1.00,USD,\"a,b\"\r\n\
                2026-01,QZNWX2600001,streaming,US,1,1.00,USD,\"c\nd\"\r\n\
                \r\n\
                2026-01,QZNWX2600001,streaming,US,1,oops,USD,x\r\n";
    let d = run(&p, text, true, 1, false).4;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].line, 6, "{}", d[0]);
}

#[test]
fn sums_too_large_to_be_exact_are_an_error_not_a_panic() {
    let p = profile("canonical");
    let big = |amount: &str, units: &str, n: usize| {
        let mut text = String::from("period,isrc,source,territory,units,amount,currency\n");
        for _ in 0..n {
            text.push_str(&format!(
                "2026-01,QZNWX2600001,streaming,US,{units},{amount},USD\n"
            ));
        }
        run(&p, &text, true, 2, false)
    };
    // 80 amounts just below the bound of a line add up past 10^16.
    // The file's total in the currency is refused (what a key adds up to
    // over the run is bounded at the engine's edge, docs/limits.md).
    let too_large = |d: &[Diagnostic]| {
        assert!(!d.is_empty());
        let all = d
            .iter()
            .all(|d| d.message.contains("add up to 10^16 or more"));
        assert!(all, "{d:?}");
        assert!(
            d.iter().any(|d| d.message.contains("lines in USD")),
            "{d:?}"
        );
    };
    let (_, _, _, _, d) = big("999999999999999", "1", 80);
    too_large(&d);
    // Units past i64: the key cannot be summed at all, and is named.
    let (sums, _, _, _, d) = big("1", "999999999999999", 9300);
    too_large(&d);
    assert!(sums.is_empty());
    assert!(
        d.iter().any(|d| d.message.contains("QZNWX2600001")),
        "{d:?}"
    );
    // Just below: exact.
    let (sums, _, _, _, d) = big("999999999999999", "1", 10);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(sums[0].1.amount, crate::money::dec("9999999999999990"));
}

#[test]
fn canonical_columns_in_any_order_with_extras_and_bom() {
    let p = profile("canonical");
    let (sums, summary, _, _, d) = run(
        &p,
        "\u{feff}amount,extra,currency,units,territory,source,isrc,period\n\
         1.50,x,USD,10,US,streaming,QZNWX2600001,2026-01\n\
         -0.50,y,USD,-2,GB,streaming,QZ-NWX-26-00001,2026-01\n",
        true,
        1,
        false,
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(summary.lines, 2);
    assert_eq!(sums.len(), 1);
    let s = &sums[0].1;
    assert_eq!(
        (s.units, s.amount, s.lines),
        (8, crate::money::dec("1.00"), 2)
    );
}

#[test]
fn canonical_bad_rows_are_reported_with_their_place() {
    let p = profile("canonical");
    let (_, summary, _, _, d) = run(
        &p,
        "period,isrc,source,territory,units,amount,currency\n\
         2026-01,QZNWX2600001,streaming,US,1,abc,USD\n\
         2026-01,QZNWX2600001,radio,US,1,1.00,USD\n\
         2026-01,QZNWX2600001,streaming,US,1,1.00,XYZ\n\
         2026-01,QZNWX2600001,streaming,US\n\
         2026-01,QZNWX2600001,streaming,US,1,1.00,USD,surplus\n\
         2026-01,QZNWX2600001,streaming,US,1,(1.00),USD\n\
         2026-01,QZNWX2600001,streaming,US,1,1.00,USD\n",
        true,
        1,
        false,
    );
    let msgs: Vec<String> = d.iter().map(|d| d.to_string()).collect();
    assert_eq!(msgs.len(), 6, "{msgs:?}");
    assert_eq!(
        msgs[0],
        "s.txt:2:37: error: amount: expected a decimal number, found `abc`: `a` has no place in a number"
    );
    assert!(
        msgs[1].starts_with("s.txt:3:22: error: source: expected one of streaming"),
        "{}",
        msgs[1]
    );
    assert!(
        msgs[2].starts_with("s.txt:4:42: error: currency"),
        "{}",
        msgs[2]
    );
    assert!(
        msgs[3].starts_with("s.txt:5: error: the row has 4 cells"),
        "{}",
        msgs[3]
    );
    // A filled cell past the header's: refused (it would shift columns).
    assert!(
        msgs[4].contains("s.txt:6: error: the row has 8 cells, the header 7: a cell too many"),
        "{}",
        msgs[4]
    );
    // The canonical format writes plain decimals only.
    assert!(
        msgs[5].contains("s.txt:7:37:") && msgs[5].contains("`(` has no place"),
        "{}",
        msgs[5]
    );
    assert_eq!(summary.lines, 1);
}

/// Issue 13: a column named twice, tax above the amount, a month after the
/// period: each an error at its place.
#[test]
fn duplicated_columns_excess_tax_and_future_months_are_refused() {
    let p = profile("canonical");
    let (_, _, _, _, d) = run(
        &p,
        "period,isrc,source,territory,units,amount,currency,amount\n2026-01,QZNWX2600001,streaming,US,1,1.00,USD,2.00\n",
        true,
        1,
        false,
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].to_string()
            .starts_with("s.txt:1:52: error: the header names `amount` twice (columns 6 and 8)"),
        "{}",
        d[0]
    );
    let (_, summary, _, _, d) = run(
        &p,
        "period,isrc,source,territory,units,amount,currency,tax_withheld\n\
         2026-01,QZNWX2600001,streaming,US,1,1.00,USD,0.30\n\
         2026-01,QZNWX2600001,streaming,US,1,1.00,USD,1.30\n\
         2026-01,QZNWX2600001,streaming,US,1,-1.00,USD,-1.30\n\
         2026-07,QZNWX2600001,streaming,US,1,1.00,USD,\n\
         2026-06-30,QZNWX2600001,streaming,US,1,1.00,USD,\n",
        true,
        1,
        false,
    );
    let msgs: Vec<String> = d.iter().map(|d| d.to_string()).collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs[0].starts_with(
            "s.txt:3:46: error: tax withheld 1.30 is larger than the line's amount 1.00"
        ),
        "{}",
        msgs[0]
    );
    assert!(
        msgs[1].starts_with("s.txt:4:47: error: tax withheld -1.30"),
        "{}",
        msgs[1]
    );
    assert!(
        msgs[2].starts_with(
            "s.txt:5: error: the usage date 2026-07 is after the period's end (2026-06-30)"
        ),
        "{}",
        msgs[2]
    );
    assert_eq!(summary.lines, 2);
}
