//! The fuzz harness (docs/limits.md, "Fuzzing"): proptest over the public
//! loaders and the engine with hostile inputs, in a bounded time.
//!
//! - agreements: every number of the agreement file drawn from hostile
//!   values (huge, tiny, negative, too many decimals, floats, text, the
//!   bounds themselves), ids from hostile names, and random edits of a
//!   valid file;
//! - exchange rates, events, opening balances and canonical statements,
//!   cell by cell from the same hostile values;
//! - the engine, on agreements, rates, balances and statements at the
//!   edges of their ranges.
//!
//! Properties: nothing panics; every error has a place (the file, and a
//! line for a problem in a line); the engine never fails its own checks
//! (exit 70) on input the loaders accepted.
//!
//! `cargo test` runs a small number of cases per target (a few seconds in
//! all); `FUZZ_CASES=N cargo test --test test_fuzz -- --nocapture` runs N
//! per target and prints how many inputs were tried (a debug build, where
//! an integer overflow panics instead of wrapping).

mod fuzz;

use fuzz::*;
use proptest::prelude::*;
use royalty::agreement::{load_agreement_str, load_agreements, Agreement};
use royalty::diag::{Diagnostic, Error};
use royalty::engine::{compute, Input};
use royalty::import::{read_file, ImportOptions};
use royalty::ledger::opening;
use royalty::period::Period;
use royalty::statement::Revenue;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// Every error names its file, and a line when the file has a line for it.
fn assert_placed(d: &[Diagnostic], file: &Path, what: &str) -> Result<(), TestCaseError> {
    for x in d.iter().filter(|x| x.is_error()) {
        prop_assert_eq!(&x.file, file, "{}: {}", what, x);
        prop_assert!(x.line > 0, "{}: an error without a line: {}", what, x);
    }
    Ok(())
}

/// Reads a canonical statement's `text` (written to `dir`): its revenue,
/// or `None` when the reader refused it (with placed errors, checked).
fn read_statement(dir: &Path, text: &str) -> Result<Option<Revenue>, TestCaseError> {
    let path = dir.join("s.csv");
    std::fs::write(&path, text).unwrap();
    let mut revenue = Revenue::default();
    let outcome = match read_file(&path, &ImportOptions::default(), &mut revenue) {
        Ok(o) => o,
        Err(Error::Input(d)) => {
            for x in d {
                prop_assert_eq!(&x.file, &path, "{}", x);
            }
            return Ok(None);
        }
        Err(e) => {
            prop_assert!(false, "reading a statement failed: {e}");
            unreachable!()
        }
    };
    // One outcome per statement (several for a zip bundle).
    let errors: Vec<&Diagnostic> = outcome
        .iter()
        .flat_map(|o| &o.diagnostics)
        .filter(|d| d.is_error())
        .collect();
    for x in &errors {
        prop_assert_eq!(&x.file, &path, "{}", x);
    }
    if !errors.is_empty() {
        return Ok(None);
    }
    revenue.files.extend(outcome.into_iter().map(|o| o.summary));
    Ok(Some(revenue))
}

/// The engine on `agreements` and `revenue`: never a panic, never a failed
/// self-check; errors name their file.
fn engine_holds(
    agreements: &[Agreement],
    revenue: &Revenue,
    fx: &str,
    opening: &royalty::ledger::State,
    period: &str,
) -> Result<(), TestCaseError> {
    let (fx, d) = royalty::fx::parse_fx(fx, Path::new("fx.csv"));
    if !d.is_empty() {
        return Ok(());
    }
    let sorted = revenue.sorted();
    let releases = revenue.sorted_releases();
    let r = compute(&Input {
        period: Period::parse(period).unwrap(),
        agreements,
        revenue: &sorted,
        releases: &releases,
        files: &revenue.files,
        fx: &fx,
        opening,
        events: &[],
        disputes: &[],
    });
    match r {
        Ok(r) => prop_assert!(r.checks.conservation),
        Err(Error::Input(d)) => {
            for x in d {
                prop_assert!(!x.file.as_os_str().is_empty(), "{}", x);
            }
        }
        Err(e) => prop_assert!(false, "the engine failed: {e}"),
    }
    Ok(())
}

/// A statement of big lines, read once for the targets that feed the engine.
fn big_lines() -> Revenue {
    let dir = tempfile::tempdir().unwrap();
    let text = "period,isrc,source,territory,units,amount,currency\n\
                2026-01,QZAAA2600001,streaming,US,1000000,999999999999999.99,USD\n\
                2026-02,QZAAA2600001,physical,GB,-999999999999999,-12.40,USD\n";
    read_statement(dir.path(), text)
        .ok()
        .flatten()
        .expect("a valid statement")
}

#[test]
fn fuzz_agreements() {
    let strategy = (
        prop::collection::vec(toml_number(), AGREEMENT_HOLES),
        prop::collection::vec(id_text(), 4),
    );
    let revenue = big_lines();
    fuzz("agreements", cases(300), strategy, |(numbers, ids)| {
        let text = agreement_text(&numbers, &ids);
        let file = Path::new("a.toml");
        match load_agreement_str(&text, file) {
            Err(d) => assert_placed(&d, file, &text),
            Ok(a) => engine_holds(
                &[a],
                &revenue,
                "date,from,to,rate\n",
                &royalty::ledger::State::default(),
                "2026-Q1",
            ),
        }
    });
}

#[test]
fn fuzz_agreement_edits() {
    let valid = agreement_text(&usual_numbers(), &["a", "p", "m", "adv"].map(String::from));
    assert!(load_agreement_str(&valid, Path::new("a.toml")).is_ok());
    let edits = prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0u8..3,
            prop::sample::select(vec![
                "\"",
                "=",
                "[",
                "]",
                "{",
                "}",
                "\n",
                "9",
                "-",
                ".",
                "%",
                "e",
                "#",
                "\\",
                "é",
                "99999999999999999999",
                "[[party]]\n",
                "id = \"x\"\n",
                "\0",
            ]),
        ),
        1..6,
    );
    fuzz("agreement edits", cases(300), edits, |edits| {
        let mut text = valid.clone().into_bytes();
        for (at, op, s) in edits {
            let i = at.index(text.len() + 1);
            match op {
                0 => {
                    text.splice(i..i, s.bytes());
                }
                1 if i < text.len() => {
                    text.remove(i);
                }
                _ if i < text.len() => {
                    text.splice(i..i + 1, s.bytes());
                }
                _ => {}
            }
        }
        let Ok(text) = String::from_utf8(text) else {
            return Ok(());
        };
        let file = Path::new("a.toml");
        match load_agreement_str(&text, file) {
            Err(d) => assert_placed(&d, file, &text),
            Ok(_) => Ok(()),
        }
    });
}

#[test]
fn fuzz_fx_and_events() {
    let cell = prop_oneof![
        3 => number_text(),
        1 => prop::sample::select(vec![
            "2026-03-31", "2026-02-30", "USD", "XXX", "EUR", "QZAAA2600001", "chart",
            "sync_deal", "award", "\"a,b\"", "\"", "", "9999-12-31", "0000-01-01",
        ])
        .prop_map(String::from),
    ];
    let lines = prop::collection::vec(prop::collection::vec(cell, 3..6), 0..8);
    fuzz("fx and events", cases(300), lines, |lines| {
        let mut fx = String::from("date,from,to,rate\n");
        let mut ev = String::from("date,isrc,kind,value,note\n");
        for l in &lines {
            fx += &format!("2026-03-31,USD,EUR,{}\n", l.join(","));
            ev += &format!("2026-02-14,QZAAA2600001,chart,{}\n", l.join(","));
            fx += &format!("{}\n", l.join(","));
            ev += &format!("{}\n", l.join(","));
        }
        let (_, d) = royalty::fx::parse_fx(&fx, Path::new("fx.csv"));
        assert_placed(&d, Path::new("fx.csv"), &fx)?;
        let (_, d) = royalty::events::parse_events(&ev, Path::new("events.csv"));
        assert_placed(&d, Path::new("events.csv"), &ev)
    });
}

fn sample_agreements() -> Vec<Agreement> {
    let text = agreement_text(&usual_numbers(), &["a", "p", "m", "adv"].map(String::from));
    let (a, d) = load_agreements(&[(PathBuf::from("a.toml"), text)]);
    assert!(d.is_empty(), "{d:?}");
    a
}

#[test]
fn fuzz_opening_balances() {
    let agreements = sample_agreements();
    let revenue = big_lines();
    let holes = prop::collection::vec(number_text(), 9);
    fuzz("opening balances", cases(300), holes, |n| {
        let text = format!(
            "as_of = 2025-12-31\n[agreement.a]\nunits = {{ streaming = {u} }}\n\
             revenue = {{ streaming = \"{}\", physical = \"{}\" }}\nadvances = {{ adv = \"{}\" }}\n\
             [agreement.a.party.p]\ncarried = \"{}\"\nreserves = [\"{}\", \"{}\"]\ngated = \"{}\"\n\
             unvested = \"{}\"\nearned = \"{}\"\n",
            n[1],
            n[2],
            n[3],
            n[4],
            n[5],
            n[6],
            n[7],
            n[8],
            n[0],
            u = n[0].parse::<i64>().unwrap_or(7),
        );
        let file = Path::new("open.toml");
        match opening::parse(&text, file, &agreements) {
            Err(d) => assert_placed(&d, file, &text),
            // Accepted balances must not break the engine.
            Ok((_, state)) => engine_holds(
                &agreements,
                &revenue,
                "date,from,to,rate\n",
                &state,
                "2026-Q1",
            ),
        }
    });
}

#[test]
fn fuzz_statements() {
    let cell = prop_oneof![
        4 => number_text(),
        1 => prop::sample::select(vec![
            "2026-01", "2026-13", "2026-01-31", "QZAAA2600001", "QZ-AAA-26-00001", "8.59712E+11",
            "streaming", "radio", "US", "WW", "USD", "XXX", "\"1,5\"", "(2.00)", "",
        ])
        .prop_map(String::from),
    ];
    let rows = prop::collection::vec(prop::collection::vec(cell, 7..9), 1..8);
    let agreements = sample_agreements();
    let dir = tempfile::tempdir().unwrap();
    fuzz("statements", cases(24), rows, |rows| {
        let mut text = String::from("period,isrc,source,territory,units,amount,currency\n");
        for r in &rows {
            // Half the rows keep the layout's codes, so the numbers are read.
            text += &format!("2026-01,QZAAA2600001,streaming,US,{},{},USD\n", r[4], r[5]);
            text += &format!("{}\n", r.join(","));
        }
        match read_statement(dir.path(), &text)? {
            None => Ok(()),
            Some(revenue) => engine_holds(
                &agreements,
                &revenue,
                "date,from,to,rate\n",
                &Default::default(),
                "2026-Q1",
            ),
        }
    });
}

/// Numbers at the edges of their ranges (docs/limits.md), which the
/// loaders accept: the engine must compute them, or refuse with an input
/// error, never panic or fail its checks.
fn edge(values: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(values.to_vec()).prop_map(String::from)
}

#[test]
fn fuzz_engine_at_the_edges() {
    let n = (
        (
            edge(&["0", "1", "99.99", "100"]),
            edge(&["0", "0.01", "10000"]),
            edge(&["\"0%\"", "\"100%\"", "\"33.3333333333%\""]),
            edge(&["\"0%\"", "\"0.0000000001%\"", "\"100%\""]),
            edge(&["0", "1", "100"]),
        ),
        (
            edge(&["0", "999999999999999", "1"]),
            edge(&["\"0\"", "\"1000000\"", "\"0.000001\""]),
            edge(&["\"+100%\"", "\"+0%\"", "\"+10000/unit\""]),
            edge(&["\"999999999999999.99\"", "\"0.01\""]),
            edge(&["1", "120"]),
        ),
        (
            edge(&["0.000001", "1000000", "1.0825"]),
            edge(&[
                "999999999999999.99",
                "-999999999999999.99",
                "0.000000000001",
            ]),
            edge(&["999999999999999", "-999999999999999", "0"]),
            edge(&["2026-Q1", "9999", "2026-03", "0000-Q1"]),
            edge(&["1", "1200"]),
        ),
    );
    // The statements of the edges, each read once.
    let dir = tempfile::tempdir().unwrap();
    let read: std::cell::RefCell<std::collections::HashMap<String, Option<Revenue>>> =
        Default::default();
    fuzz("engine at the edges", cases(100), n, |(a, b, c)| {
        let mut numbers = usual_numbers();
        (numbers[0], numbers[4], numbers[1], numbers[6], numbers[7]) = (
            a.0.clone(),
            a.1.clone(),
            a.2.clone(),
            a.3.clone(),
            a.4.clone(),
        );
        numbers[8] = a.4;
        numbers[5] = a.2.replace("33.3333333333%", "100%");
        (
            numbers[9],
            numbers[10],
            numbers[11],
            numbers[14],
            numbers[16],
        ) = (b.0, b.1, b.2, b.3, b.4);
        numbers[2] = c.4.clone();
        numbers[3] = c.4;
        let text = agreement_text(&numbers, &["a", "p", "m", "adv"].map(String::from));
        let file = Path::new("a.toml");
        let a = match load_agreement_str(&text, file) {
            Ok(a) => a,
            Err(d) => return assert_placed(&d, file, &text),
        };
        let statement = format!(
            "period,isrc,source,territory,units,amount,currency\n\
             2026-01,QZAAA2600001,streaming,US,{u},{m},USD\n\
             2026-02,QZAAA2600001,physical,GB,{u},{m},EUR\n\
             2026-03,QZAAA2600001,streaming,GB,{u},{m},JPY\n",
            m = c.1,
            u = c.2,
        );
        let fx = format!(
            "date,from,to,rate\n0001-01-01,EUR,USD,{r}\n0001-01-01,JPY,USD,{r}\n",
            r = c.0
        );
        if !read.borrow().contains_key(&statement) {
            let r = read_statement(dir.path(), &statement)?;
            read.borrow_mut().insert(statement.clone(), r);
        }
        match &read.borrow()[&statement] {
            None => Ok(()),
            Some(revenue) => engine_holds(&[a], revenue, &fx, &Default::default(), &c.3),
        }
    });
}

#[test]
fn fuzz_weighted_shares_over_many_term_sets() {
    // Up to 40 amendments, each a party joining with its own tier and
    // hours, so up to 41 weight totals; a line under each set of terms.
    let joins = prop::collection::vec((1u32..=10_000, 1u32..=100, 0u32..=99), 1..40);
    let dir = tempfile::tempdir().unwrap();
    fuzz(
        "weighted shares over many term sets",
        cases(8),
        joins,
        |joins| {
            let mut text = String::from(
            "id = \"w\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"QZAAA2600001\"\n\
             [[party]]\nid = \"a\"\ntier = \"t0\"\nhours = 7\n\
             [pool]\nstreaming = \"60%\"\n[split]\nmethod = \"weighted\"\nby_hours = true\n[tiers]\nt0 = 1\n",
        );
            for (k, (_, tier, _)) in joins.iter().enumerate() {
                text += &format!("t{k}x = {tier}\n");
            }
            let mut lines = String::from("period,isrc,source,territory,units,amount,currency\n");
            for (k, (hours, _, cents)) in joins.iter().enumerate() {
                let (year, month) = (1990 + k / 12, k % 12 + 1);
                text += &format!(
                    "[[amendment]]\neffective = {year}-{month:02}-01\n\
                 [[amendment.party]]\nid = \"n{k}\"\ntier = \"t{k}x\"\nhours = \"{}.{:02}\"\n",
                    hours / 100,
                    hours % 100
                );
                lines += &format!(
                    "{year}-{month:02},QZAAA2600001,streaming,US,1,{}.{cents:02},USD\n",
                    999_999_999_999u64 - k as u64
                );
            }
            let a = load_agreement_str(&text, Path::new("w.toml"));
            prop_assert!(a.is_ok(), "{:?}\n{}", a.err(), text);
            let a = a.unwrap();
            match read_statement(dir.path(), &lines)? {
                None => Ok(()),
                Some(revenue) => engine_holds(
                    &[a],
                    &revenue,
                    "date,from,to,rate\n",
                    &Default::default(),
                    "2026-Q1",
                ),
            }
        },
    );
}
