//! Golden tests of `royalty run`: the real binary, its whole output compared
//! with the expected files under `tests/cases/`.
//!
//! - `tests/cases/bundled-q1/` and `bundled-q2/`: the example label shipped in
//!   the repository (`royalty.toml`, `agreements/`, `samples/`), run from the
//!   repository root, as JSON (`expected.json`) and CSV (`expected.csv`).
//! - every other `tests/cases/<name>/` folder is one worked example:
//!   `agreements/*.toml`, `statements/*`, optional `fx.csv`, `args` (one line
//!   of extra arguments, e.g. `--period 2026-Q1`), `expected.json`, and an
//!   optional `stderr_contains` (one expected fragment of standard error per
//!   line). It is run as
//!   `royalty run --format json --agreements agreements --statements statements [--fx fx.csv] <args>`
//!   with the case folder as the current directory, so paths in the JSON are
//!   relative and stable.
//!
//! To rewrite the expected files after an intended change of output:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test --test test_run
//! git diff tests/cases        # review every changed figure before committing
//! ```
//!
//! Besides the whole-file comparisons, the worked examples' key figures are
//! asserted one by one, so a failure says which number is wrong.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------
// The bundled example label
// ---------------------------------------------------------------------------

/// `royalty run` from the repository root, with an empty ledger so that the
/// figures never depend on periods closed by someone trying the tool out.
fn bundled(extra: &[&str]) -> String {
    let ledger = tempfile::tempdir().unwrap();
    let mut c = royalty();
    c.current_dir(repo_root())
        .arg("run")
        .arg("--ledger")
        .arg(ledger.path())
        .args(extra);
    run_ok(&mut c)
}

fn bundled_golden(case: &str, file: &str) -> PathBuf {
    cases_dir().join(case).join(file)
}

#[test]
fn bundled_label_q1_json_matches_golden() {
    let out = bundled(&["--format", "json"]);
    assert_golden(&bundled_golden("bundled-q1", "expected.json"), &out);
}

#[test]
fn bundled_label_q1_csv_matches_golden() {
    let out = bundled(&["--format", "csv"]);
    assert_golden(&bundled_golden("bundled-q1", "expected.csv"), &out);
}

#[test]
fn bundled_label_q2_json_matches_golden() {
    let out = bundled(&[
        "--period",
        "2026-Q2",
        "--statements",
        "samples/2026-Q2",
        "--format",
        "json",
    ]);
    assert_golden(&bundled_golden("bundled-q2", "expected.json"), &out);
}

#[test]
fn bundled_label_q2_csv_matches_golden() {
    let out = bundled(&[
        "--period",
        "2026-Q2",
        "--statements",
        "samples/2026-Q2",
        "--format",
        "csv",
    ]);
    assert_golden(&bundled_golden("bundled-q2", "expected.csv"), &out);
}

/// The defaults of `royalty.toml` are the same as giving them as flags.
#[test]
fn bundled_label_flags_equal_project_defaults() {
    let defaults = bundled(&["--format", "json"]);
    let flags = bundled(&[
        "--format",
        "json",
        "--period",
        "2026-Q1",
        "--agreements",
        "agreements",
        "--statements",
        "samples/2026-Q1",
        "--fx",
        "samples/fx.csv",
    ]);
    assert_eq!(defaults, flags);
}

/// The conservation identities (docs/arithmetic.md, "Invariants, checked on
/// every run"; docs/commands.md, "`run --format json`"), recomputed from the
/// JSON of both bundled periods: per agreement revenue = sum(earned) + label,
/// and per row payable = carried_in + earned - reserved + released -
/// unvested - gated - forfeited - recouped - carried_out, paid = payable -
/// withheld.
#[test]
fn bundled_label_json_satisfies_the_identities() {
    for extra in [
        vec!["--format", "json"],
        vec![
            "--format",
            "json",
            "--period",
            "2026-Q2",
            "--statements",
            "samples/2026-Q2",
        ],
    ] {
        let doc = json(&bundled(&extra));
        assert_eq!(doc["checks"]["conservation"], "ok");
        let rows = doc["payouts"].as_array().unwrap();
        for a in doc["agreements"].as_array().unwrap() {
            let id = field(a, "agreement");
            let earned: rust_decimal::Decimal = rows
                .iter()
                .filter(|r| r["agreement"] == id)
                .map(|r| dec(field(r, "earned")))
                .sum();
            assert_eq!(
                dec(field(a, "revenue")),
                earned + dec(field(a, "label_retained")),
                "revenue of {id} is not parties' earned + label_retained"
            );
        }
        for r in rows {
            let f = |n: &str| dec(field(r, n));
            assert_eq!(
                f("payable"),
                f("carried_in") + f("earned") - f("reserved") + f("released")
                    - f("unvested")
                    - f("gated")
                    - f("forfeited")
                    - f("recouped")
                    - f("carried_out"),
                "payable identity fails on {r}"
            );
            assert_eq!(f("paid"), f("payable") - f("withheld"), "paid on {r}");
            for n in ["earned", "payable", "paid", "paid_amount", "carried_out"] {
                let s = field(r, n);
                let decimals = s.split('.').nth(1).map(str::len);
                assert_eq!(decimals, Some(2), "{n} = {s} has not exactly two decimals");
            }
        }
    }
}

/// `--output FILE` writes exactly what standard output would have shown.
#[test]
fn bundled_label_output_file_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("payouts.json");
    let printed = bundled(&["--format", "json"]);
    let written = bundled(&["--format", "json", "--output", out.to_str().unwrap()]);
    assert_eq!(written, "", "nothing is printed when --output is given");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), printed);
}

// ---------------------------------------------------------------------------
// Case folders
// ---------------------------------------------------------------------------

/// Every case folder but the bundled ones, sorted.
fn case_folders() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cases exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("bundled-")
        })
        .collect();
    v.sort();
    v
}

/// Runs one case folder: (exit code, stdout, stderr).
fn run_case_dir(dir: &Path) -> (i32, String, String) {
    let ledger = tempfile::tempdir().unwrap();
    let (_copy, dir) = copy_case(dir);
    let dir = dir.as_path();
    let mut c = royalty();
    c.current_dir(dir)
        .args(["run", "--format", "json", "--ledger"])
        .arg(ledger.path())
        .args(["--agreements", "agreements", "--statements", "statements"]);
    if dir.join("fx.csv").is_file() {
        c.args(["--fx", "fx.csv"]);
    }
    if let Ok(args) = std::fs::read_to_string(dir.join("args")) {
        c.args(args.split_whitespace());
    }
    run(&mut c)
}

/// Runs the case `name`, which must succeed, and parses its JSON.
fn case(name: &str) -> Value {
    let dir = cases_dir().join(name);
    assert!(dir.is_dir(), "missing case folder {}", dir.display());
    let (code, out, err) = run_case_dir(&dir);
    assert_eq!(code, 0, "case {name} failed with exit {code}:\n{err}");
    json(&out)
}

#[test]
fn the_worked_example_cases_exist() {
    let names: Vec<String> = case_folders()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in [
        "equal-thirds-eur",
        "weights-1-1-1",
        "weights-1-2-3",
        "weights-1-10-100",
        "half-cent-lines",
        "jpy-fx",
        "out-of-term-and-unmatched",
        "per-unit-physical",
        "columns-any-order",
        "empty-statement",
    ] {
        assert!(names.iter().any(|n| n == want), "no case folder `{want}`");
    }
}

fn case_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// Runs each case folder and compares its output with `expected.json`
/// (rewriting it when `rewrite`); returns one message per failing case.
fn check_cases(folders: &[PathBuf], rewrite: bool) -> Vec<String> {
    let mut failures = Vec::new();
    for dir in folders {
        let name = case_name(dir);
        let (code, out, err) = run_case_dir(dir);
        if code != 0 {
            failures.push(format!("{name}: exit {code}\n{err}"));
            continue;
        }
        if let Ok(wanted) = std::fs::read_to_string(dir.join("stderr_contains")) {
            for frag in wanted.lines().filter(|l| !l.trim().is_empty()) {
                if !err.contains(frag) {
                    failures.push(format!(
                        "{name}: standard error lacks `{frag}`; it was:\n{err}"
                    ));
                }
            }
        }
        let golden = dir.join("expected.json");
        if rewrite {
            std::fs::write(&golden, &out).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Err(e) => failures.push(format!(
                "{name}: cannot read expected.json ({e}); run with UPDATE_GOLDEN=1"
            )),
            Ok(want) if want != out => failures.push(format!(
                "{name}: output differs from expected.json\n{}",
                first_difference(&want, &out)
            )),
            Ok(_) => {}
        }
    }
    failures
}

/// Every case folder's whole JSON equals its `expected.json`. All cases run;
/// the failure lists every case that differs.
#[test]
fn every_case_matches_its_golden_json() {
    let folders: Vec<PathBuf> = case_folders();
    assert!(!folders.is_empty(), "no case folders under tests/cases");
    let failures = check_cases(&folders, update_golden());
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------
// The worked examples, figure by figure
// ---------------------------------------------------------------------------

#[test]
fn equal_thirds_of_eight_euros_are_267_267_266() {
    let doc = case("equal-thirds-eur");
    assert_eq!(earned(&doc, "equal-thirds"), ["2.67", "2.67", "2.66"]);
    let a = agreement(&doc, "equal-thirds");
    assert_eq!(field(a, "currency"), "EUR");
    assert_eq!(field(a, "revenue"), "8.00");
    assert_eq!(field(a, "label_retained"), "0.00");
    for p in ["anna", "bruno", "chloe"] {
        let r = payout(&doc, "equal-thirds", p);
        assert_eq!(field(r, "paid"), field(r, "earned"), "{p} is paid in full");
        assert_eq!(field(r, "paid_currency"), "EUR");
    }
}

#[test]
fn one_unit_shared_by_weights() {
    for (name, want) in [
        ("weights-1-1-1", ["0.34", "0.33", "0.33"]),
        ("weights-1-2-3", ["0.17", "0.33", "0.50"]),
        ("weights-1-10-100", ["0.01", "0.09", "0.90"]),
    ] {
        let doc = case(name);
        assert_eq!(earned(&doc, name), want, "{name}");
        assert_eq!(
            field(agreement(&doc, name), "label_retained"),
            "0.00",
            "{name}"
        );
    }
}

#[test]
fn three_half_cent_lines_round_once_to_two_cents() {
    let doc = case("half-cent-lines");
    let a = agreement(&doc, "half-cents");
    assert_eq!(field(a, "revenue"), "0.02");
    assert_eq!(field(a, "label_retained"), "0.00");
    assert_eq!(a["lines"], 3);
    let r = payout(&doc, "half-cents", "solo");
    assert_eq!(field(r, "earned"), "0.02");
    assert_eq!(field(r, "paid"), "0.02");
}

#[test]
fn jpy_and_gbp_convert_at_the_latest_rate_on_or_before_the_period_end() {
    let doc = case("jpy-fx");
    let a = agreement(&doc, "tokyo-nights");
    // 15000 JPY x 0.0067 (dated 2026-03-31) + 100.00 GBP x 1.27 (2026-03-15).
    assert_eq!(
        field(a, "revenue"),
        "227.50",
        "expected JPY at 0.0067 (not 0.0066 of February nor 0.0070 of April) \
         and GBP at 1.27 (not 1.25 nor 1.30)"
    );
    assert_eq!(
        field(payout(&doc, "tokyo-nights", "kenji"), "earned"),
        "22.75"
    );
    assert_eq!(field(a, "label_retained"), "204.75");
    assert_eq!(doc["statements"][0]["amount"]["JPY"], "15000.00");
    assert_eq!(doc["statements"][0]["amount"]["GBP"], "100.00");
}

/// The same JPY line in Q2 uses the rate of 2026-04-01 (the latest on or
/// before 2026-06-30): the period decides the rate, not the usage month.
#[test]
fn the_period_end_decides_the_rate_not_the_usage_month() {
    let (_copy, dir) = copy_case(&cases_dir().join("jpy-fx"));
    let mut c = royalty();
    c.current_dir(&dir).args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--fx",
        "fx.csv",
        "--period",
        "2026-Q2",
    ]);
    let doc = json(&run_ok(&mut c));
    // 15000 x 0.0070 + 100.00 x 1.30 = 105.00 + 130.00.
    assert_eq!(field(agreement(&doc, "tokyo-nights"), "revenue"), "235.00");
    assert_eq!(
        field(payout(&doc, "tokyo-nights", "kenji"), "earned"),
        "23.50"
    );
}

#[test]
fn out_of_term_and_unmatched_lines_are_reported_not_paid() {
    let doc = case("out-of-term-and-unmatched");
    let a = agreement(&doc, "late-start");
    // January (a month overlapping the term) and 2026-02-10 are in term.
    assert_eq!(field(a, "revenue"), "80.00");
    assert_eq!(a["lines"], 2);
    assert_eq!(field(payout(&doc, "late-start", "dana"), "earned"), "16.00");
    assert_eq!(field(a, "label_retained"), "64.00");
    // 2026-01-14 (a day before the start) and 2025-12: out of term.
    assert_eq!(doc["out_of_term"]["lines"], 2);
    assert_eq!(doc["out_of_term"]["amount"]["USD"], "15.35");
    // An ISRC no agreement lists: unmatched.
    assert_eq!(doc["unmatched"]["lines"], 1);
    assert_eq!(doc["unmatched"]["amount"]["USD"], "3.33");
    // Statement totals = matched + unmatched + out-of-term.
    assert_eq!(doc["statements"][0]["lines"], 5);
    assert_eq!(doc["statements"][0]["amount"]["USD"], "98.68");
    assert_eq!(doc["checks"]["conservation"], "ok");
}

/// `run --unmatched FILE` lists the unmatched line with its file and line.
#[test]
fn unmatched_lines_are_written_with_their_place() {
    let (_copy, dir) = copy_case(&cases_dir().join("out-of-term-and-unmatched"));
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("unmatched.csv");
    let mut c = royalty();
    c.current_dir(&dir)
        .args([
            "run",
            "--format",
            "json",
            "--agreements",
            "agreements",
            "--statements",
            "statements",
            "--period",
            "2026-Q1",
            "--unmatched",
        ])
        .arg(&file);
    run_ok(&mut c);
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one line:\n{text}");
    assert!(lines[0].starts_with("file,line,period,isrc"), "{text}");
    assert!(
        lines[1].starts_with("statements/mixed.csv,6,2026-02,QZTST2609999,streaming,US,7,3.33,USD"),
        "{text}"
    );
}

#[test]
fn per_unit_rate_counts_returns() {
    let doc = case("per-unit-physical");
    let a = agreement(&doc, "vinyl");
    // 1260.00 - 210.00 + 17.31.
    assert_eq!(field(a, "revenue"), "1067.31");
    assert_eq!(a["units"]["physical"], 100);
    assert_eq!(a["units"]["streaming"], 5000);
    // (120 - 20) x 0.10 + 17.31 x 5% = 10.00 + 0.8655 -> 10.87 (rounded once).
    assert_eq!(field(payout(&doc, "vinyl", "eve"), "earned"), "10.87");
    assert_eq!(field(a, "label_retained"), "1056.44");
}

#[test]
fn columns_in_any_order_with_extras_and_bom() {
    let doc = case("columns-any-order");
    let a = agreement(&doc, "shuffled");
    assert_eq!(a["lines"], 3);
    assert_eq!(field(a, "revenue"), "50.00");
    assert_eq!(a["units"]["streaming"], 988);
    assert_eq!(a["units"]["download"], 15);
    // 39.50 x 25% + 10.50 x 30% = 9.875 + 3.15 = 13.025 -> 13.02 or 13.03:
    // floor 13.02, the label's remainder (0.005) ties with fay's; fay first.
    assert_eq!(field(payout(&doc, "shuffled", "fay"), "earned"), "13.03");
    assert_eq!(field(a, "label_retained"), "36.97");
    assert_eq!(doc["statements"][0]["format"], "canonical");
}

#[test]
fn an_empty_statement_warns_and_adds_nothing() {
    let dir = cases_dir().join("empty-statement");
    let (code, out, err) = run_case_dir(&dir);
    assert_eq!(code, 0, "an empty statement is allowed:\n{err}");
    assert!(
        err.contains("statements/empty.csv") && err.contains("warning"),
        "a warning naming the file is expected on stderr, got:\n{err}"
    );
    let doc = json(&out);
    let a = agreement(&doc, "vinyl");
    assert_eq!(field(a, "revenue"), "0.00");
    assert_eq!(a["lines"], 0);
    assert_eq!(doc["payouts"].as_array().unwrap().len(), 0);
    assert_eq!(doc["statements"][0]["lines"], 0);
}

// ---------------------------------------------------------------------------
// Exchange rates that are missing
// ---------------------------------------------------------------------------

fn jpy_project(fx: Option<&str>) -> Project {
    let p = Project::new();
    p.write(
        "agreements/a.toml",
        &simple_agreement("tokyo", "USD", "QZTST2600010", "10%"),
    );
    p.write(
        "statements/s.csv",
        &format!("{HEADER}\n2026-03,QZTST2600010,streaming,JP,10,15000,JPY\n"),
    );
    if let Some(fx) = fx {
        p.write("fx.csv", fx);
    }
    p
}

#[test]
fn a_missing_rate_is_an_error_naming_the_pair_and_the_date() {
    // Rates exist, but only after the period's end and for another pair.
    let p = jpy_project(Some(
        "date,from,to,rate\n2026-04-01,JPY,USD,0.0070\n2026-03-31,EUR,USD,1.08\n",
    ));
    let (code, out, err) = run(p.cmd().args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--fx",
        "fx.csv",
        "--period",
        "2026-Q1",
        "--output",
        "out.json",
    ]));
    assert_eq!(code, 1, "stderr:\n{err}");
    assert!(err.contains("JPY -> USD"), "the pair is named:\n{err}");
    assert!(err.contains("2026-03-31"), "the date is named:\n{err}");
    assert!(out.is_empty(), "nothing printed on stdout: {out}");
    assert!(
        !p.path().join("out.json").exists(),
        "no output file is left behind"
    );
}

#[test]
fn a_missing_fx_file_is_an_error_when_a_rate_is_needed() {
    let p = jpy_project(None);
    let (code, _, err) = run(p.cmd().args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
    ]));
    assert_eq!(code, 1, "stderr:\n{err}");
    assert!(err.contains("JPY -> USD"), "{err}");
    assert!(err.contains("2026-03-31"), "{err}");
}

#[test]
fn check_with_a_period_finds_the_missing_rate_too() {
    let p = jpy_project(Some("date,from,to,rate\n2026-04-01,JPY,USD,0.0070\n"));
    let (code, _, err) = run(p.cmd().args([
        "check",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--fx",
        "fx.csv",
        "--period",
        "2026-Q1",
    ]));
    assert_eq!(code, 1, "stderr:\n{err}");
    assert!(
        err.contains("JPY -> USD") && err.contains("2026-03-31"),
        "{err}"
    );
}

/// A payment in another currency needs the agreement -> payout rate too.
#[test]
fn a_missing_payout_rate_is_an_error() {
    let p = Project::new();
    p.write(
        "agreements/a.toml",
        "id = \"paris\"\ncurrency = \"USD\"\n\n[[track]]\nisrc = \"QZTST2600011\"\n\n\
         [[party]]\nid = \"cy\"\npayout_currency = \"EUR\"\n\n[rates.cy]\nstreaming = \"50%\"\n",
    );
    p.write(
        "statements/s.csv",
        &format!("{HEADER}\n2026-03,QZTST2600011,streaming,FR,10,100.00,USD\n"),
    );
    p.write("fx.csv", "date,from,to,rate\n2026-04-01,USD,EUR,0.90\n");
    let mut base = p.cmd();
    base.args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--fx",
        "fx.csv",
    ]);
    let (code, _, err) = run(base.args(["--period", "2026-Q1"]));
    assert_eq!(code, 1, "stderr:\n{err}");
    assert!(
        err.contains("USD -> EUR") && err.contains("2026-03-31"),
        "{err}"
    );
    // In Q2 the rate exists: 50.00 USD x 0.90 = 45.00 EUR.
    let doc = json(&run_ok(p.cmd().args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--fx",
        "fx.csv",
        "--period",
        "2026-Q2",
    ])));
    let r = payout(&doc, "paris", "cy");
    assert_eq!(field(r, "paid"), "50.00");
    assert_eq!(field(r, "paid_currency"), "EUR");
    assert_eq!(field(r, "paid_amount"), "45.00");
}

// ---------------------------------------------------------------------------
// The same statement twice
// ---------------------------------------------------------------------------

fn twice_project() -> Project {
    let p = Project::new();
    p.write(
        "agreements/a.toml",
        &simple_agreement("twice", "USD", "QZTST2600012", "10%"),
    );
    let s = format!("{HEADER}\n2026-01,QZTST2600012,streaming,US,10,12.34,USD\n");
    p.write("statements/jan.csv", &s);
    p.write("copy/jan-again.csv", &s);
    p
}

#[test]
fn the_same_statement_file_twice_is_refused_with_exit_3() {
    let p = twice_project();
    for second in ["statements/jan.csv", "copy/jan-again.csv"] {
        let (code, out, err) = run(p.cmd().args([
            "run",
            "--format",
            "json",
            "--agreements",
            "agreements",
            "--period",
            "2026-Q1",
            "--output",
            "out.json",
            "--statements",
            "statements/jan.csv",
            second,
        ]));
        assert_eq!(code, 3, "{second}: stderr:\n{err}");
        assert!(out.is_empty());
        assert!(err.contains("jan.csv"), "the file is named: {err}");
        assert!(
            err.contains("--allow-duplicate"),
            "the way out is named: {err}"
        );
        assert!(!p.path().join("out.json").exists());
    }
}

#[test]
fn allow_duplicate_accepts_the_same_statement_twice() {
    let p = twice_project();
    let doc = json(&run_ok(p.cmd().args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--period",
        "2026-Q1",
        "--allow-duplicate",
        "--statements",
        "statements/jan.csv",
        "copy/jan-again.csv",
    ])));
    let a = agreement(&doc, "twice");
    assert_eq!(field(a, "revenue"), "24.68");
    assert_eq!(a["lines"], 2);
    assert_eq!(field(payout(&doc, "twice", "ava"), "earned"), "2.47");
}

// ---------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------

#[test]
fn csv_has_the_json_payout_columns_and_figures() {
    let (_copy, dir) = copy_case(&cases_dir().join("equal-thirds-eur"));
    let mut c = royalty();
    c.current_dir(&dir).args([
        "run",
        "--format",
        "csv",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
    ]);
    let out = run_ok(&mut c);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "agreement,party,currency,earned,released,reserved,recouped,carried_in,carried_out,\
         unvested,gated,forfeited,payable,withheld,paid,paid_currency,paid_amount,unrecouped,\
         milestones,perks,held,adjusted,bonus"
    );
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[1].starts_with("equal-thirds,anna,EUR,2.67,"), "{out}");
    assert!(
        lines[2].starts_with("equal-thirds,bruno,EUR,2.67,"),
        "{out}"
    );
    assert!(
        lines[3].starts_with("equal-thirds,chloe,EUR,2.66,"),
        "{out}"
    );
}

#[test]
fn unknown_format_is_a_usage_error() {
    let (_copy, dir) = copy_case(&cases_dir().join("equal-thirds-eur"));
    let mut c = royalty();
    c.current_dir(&dir).args([
        "run",
        "--format",
        "xml",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
    ]);
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("xml"), "{err}");
}
