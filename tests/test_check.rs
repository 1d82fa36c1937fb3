//! Bad input (docs/agreements.md; docs/commands.md, "Exit codes"): every
//! problem is reported as `file:line:column: error: ...` with what was
//! expected, the exit code is 1, and `run --output FILE` leaves no file behind.
//! Also usage errors (exit 2) and `royalty help`.
//!
//! Each test writes its inputs into a fresh temporary folder and runs the
//! real binary there, so paths in messages are relative
//! (`agreements/bad.toml:3:1`). The line:column values asserted here were
//! checked by hand against the files as written (1-based).

mod common;

use common::*;

/// A valid statement for the agreements below.
const GOOD_STATEMENT: &str =
    "period,isrc,source,territory,units,amount,currency\n2026-01,QZTST2600001,streaming,US,10,5.00,USD\n";

/// A valid agreement (ISRC QZTST2600001) to sit beside a bad statement.
fn good_agreement() -> String {
    simple_agreement("good", "USD", "QZTST2600001", "10%")
}

/// Runs `check` and `run --output out.json` on the folder; both must fail
/// with exit 1 and print every fragment of `wants` on standard error;
/// `run` must not create `out.json`. Returns check's standard error.
fn assert_input_error(p: &Project, wants: &[&str]) -> String {
    let mut check = p.cmd();
    check.args([
        "check",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
    ]);
    let (code, _, check_err) = run(&mut check);
    assert_eq!(code, 1, "check should exit 1; stderr:\n{check_err}");
    let mut run_cmd = p.cmd();
    run_cmd.args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
        "--output",
        "out.json",
    ]);
    let (code, out, run_err) = run(&mut run_cmd);
    assert_eq!(code, 1, "run should exit 1; stderr:\n{run_err}");
    assert!(out.is_empty(), "run printed on stdout:\n{out}");
    assert!(
        !p.path().join("out.json").exists(),
        "run --output left a file behind"
    );
    for (name, err) in [("check", &check_err), ("run", &run_err)] {
        for w in wants {
            assert!(
                err.contains(w),
                "{name}: standard error lacks `{w}`; it was:\n{err}"
            );
        }
    }
    check_err
}

/// A project with one agreement file (`agreements/bad.toml`) and a valid
/// statement.
fn with_agreement(text: &str) -> Project {
    let p = Project::new();
    p.write("agreements/bad.toml", text);
    p.write("statements/s.csv", GOOD_STATEMENT);
    p
}

/// `with_agreement` for an agreement `bad` on track QZTST2600001: `rest`
/// follows its first six lines (so line numbers in messages count from 7).
fn with_bad_agreement(rest: &str) -> Project {
    with_agreement(&format!(
        "id = \"bad\"\ncurrency = \"USD\"\n\n[[track]]\nisrc = \"QZTST2600001\"\n\n{rest}"
    ))
}

/// A project with a valid agreement and one statement (`statements/s.csv`).
fn with_statement(text: &str) -> Project {
    let p = Project::new();
    p.write("agreements/good.toml", &good_agreement());
    p.write("statements/s.csv", text);
    p
}

/// The error lines of standard error (not the summary).
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error: ")).collect()
}

// ---------------------------------------------------------------------------
// Agreements
// ---------------------------------------------------------------------------

#[test]
fn malformed_toml() {
    // Line 2: `currency = "USD` -- the string is never closed; the parser
    // stops at the end of the line, column 16.
    let p =
        with_agreement("id = \"bad\"\ncurrency = \"USD\n\n[[track]]\nisrc = \"QZTST2600001\"\n");
    let err = assert_input_error(&p, &["agreements/bad.toml:2:16: error:", "string"]);
    assert_eq!(error_lines(&err).len(), 1, "{err}");
}

#[test]
fn unknown_top_level_key() {
    let p = with_agreement(
        "id = \"bad\"\ncurrency = \"USD\"\ncolour = \"red\"\n\n[[track]]\nisrc = \"QZTST2600001\"\n\n\
         [[party]]\nid = \"ava\"\n\n[rates.ava]\nstreaming = \"4%\"\n",
    );
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:3:1: error:",
            "unknown field `colour`",
            "expected one of",
            "`currency`",
        ],
    );
}

#[test]
fn unknown_key_in_a_party() {
    // Line 9: `nmae = "Ava"` inside [[party]].
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\nnmae = \"Ava\"\n\n[rates.ava]\nstreaming = \"4%\"\n",
    );
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:9:1: error:",
            "unknown field `nmae`",
            "`name`",
        ],
    );
}

#[test]
fn unknown_source_under_rates() {
    // Line 11: `strming = "4%"`; the place given is the value's (column 11).
    let p = with_bad_agreement("[[party]]\nid = \"ava\"\n\n[rates.ava]\nstrming = \"4%\"\n");
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:11:11: error:",
            "unknown source `strming`",
            "streaming, download, physical",
        ],
    );
}

#[test]
fn unknown_source_in_a_pool() {
    // Line 14: `downloads = "20%"` (plural) in [pool], column 13.
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\n\n[[party]]\nid = \"ben\"\n\n[pool]\ndownloads = \"20%\"\n\n\
         [split]\nava = \"50%\"\nben = \"50%\"\n",
    );
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:14:13: error:",
            "unknown source `downloads`",
        ],
    );
}

#[test]
fn split_not_summing_to_100_percent() {
    // [split] on line 16: 50% + 40% = 90%.
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\n\n[[party]]\nid = \"ben\"\n\n[pool]\nstreaming = \"20%\"\n\n\
         [split]\nava = \"50%\"\nben = \"40%\"\n",
    );
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:16:1: error:",
            "sums to 90%",
            "exactly 100%",
        ],
    );
}

#[test]
fn split_over_100_percent_by_a_cent_of_a_percent() {
    // 50% + 50.01%: "exactly" means exactly.
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\n\n[[party]]\nid = \"ben\"\n\n[pool]\nstreaming = \"20%\"\n\n\
         [split]\nava = \"50%\"\nben = \"50.01%\"\n",
    );
    assert_input_error(&p, &["agreements/bad.toml:16:1: error:", "100.01%"]);
}

#[test]
fn rates_over_100_percent_of_a_source() {
    // Two parties at 60% of streaming; the place is the first [rates.*]
    // table paying on streaming (line 13).
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\n\n[[party]]\nid = \"ben\"\n\n[rates.ava]\nstreaming = \"60%\"\n\n\
         [rates.ben]\nstreaming = \"60%\"\n",
    );
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:13:1: error:",
            "120% of streaming",
            "at most 100%",
        ],
    );
}

#[test]
fn rates_of_exactly_100_percent_are_accepted() {
    let p = with_agreement(
        "id = \"full\"\ncurrency = \"USD\"\n\n[[track]]\nisrc = \"QZTST2600001\"\n\n\
         [[party]]\nid = \"ava\"\n\n[[party]]\nid = \"ben\"\n\n[rates.ava]\nstreaming = \"60%\"\n\n\
         [rates.ben]\nstreaming = \"40%\"\n",
    );
    let (code, out, err) = run(p.cmd().args([
        "check",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("ok: 1 agreement, 1 statement file (1 lines)"),
        "{out}"
    );
}

#[test]
fn rates_for_an_undefined_party() {
    // [rates.zed] on line 13, and no [[party]] with id = "zed".
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\n\n[rates.ava]\nstreaming = \"4%\"\n\n[rates.zed]\nstreaming = \"4%\"\n",
    );
    let err = assert_input_error(
        &p,
        &["agreements/bad.toml:13:1: error:", "`zed`", "not a party"],
    );
    assert_eq!(error_lines(&err).len(), 1, "{err}");
}

#[test]
fn split_naming_an_undefined_party() {
    // Line 15: `zed = "50%"` under [split]; the value is at column 7.
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\n\n[pool]\nstreaming = \"20%\"\n\n[split]\nava = \"50%\"\nzed = \"50%\"\n",
    );
    assert_input_error(
        &p,
        &["agreements/bad.toml:15:7: error:", "`zed`", "not a party"],
    );
}

#[test]
fn duplicate_agreement_ids() {
    let p = Project::new();
    p.write(
        "agreements/one.toml",
        &simple_agreement("same", "USD", "QZTST2600001", "4%"),
    );
    p.write(
        "agreements/two.toml",
        &simple_agreement("same", "USD", "QZTST2600002", "4%"),
    );
    p.write("statements/s.csv", GOOD_STATEMENT);
    // The second file (in path order) is blamed, at its `id` line.
    assert_input_error(
        &p,
        &[
            "agreements/two.toml:1:1: error:",
            "duplicate agreement id `same`",
            "agreements/one.toml",
        ],
    );
}

#[test]
fn an_isrc_in_two_agreements_over_the_same_dates() {
    let p = Project::new();
    p.write(
        "agreements/a.toml",
        &simple_agreement("first", "USD", "QZTST2600001", "4%"),
    );
    // The same track, written with hyphens: still the same ISRC (line 5,
    // the opening quote at column 8).
    p.write(
        "agreements/b.toml",
        &simple_agreement("second", "USD", "QZ-TST-26-00001", "4%"),
    );
    p.write("statements/s.csv", GOOD_STATEMENT);
    assert_input_error(
        &p,
        &[
            "agreements/b.toml:5:8: error:",
            "QZTST2600001",
            "`first`",
            "same dates",
        ],
    );
}

#[test]
fn an_isrc_in_two_agreements_over_different_dates_is_fine() {
    let p = Project::new();
    p.write(
        "agreements/a.toml",
        "id = \"first\"\ncurrency = \"USD\"\nend = 2025-12-31\n\n[[track]]\nisrc = \"QZTST2600001\"\n\n\
         [[party]]\nid = \"ava\"\n\n[rates.ava]\nstreaming = \"4%\"\n",
    );
    p.write(
        "agreements/b.toml",
        "id = \"second\"\ncurrency = \"USD\"\nstart = 2026-01-01\n\n[[track]]\nisrc = \"QZTST2600001\"\n\n\
         [[party]]\nid = \"ben\"\n\n[rates.ben]\nstreaming = \"10%\"\n",
    );
    p.write(
        "statements/s.csv",
        "period,isrc,source,territory,units,amount,currency\n\
         2025-12,QZTST2600001,streaming,US,10,100.00,USD\n\
         2026-01,QZTST2600001,streaming,US,10,50.00,USD\n",
    );
    let (code, _, err) = run(p.cmd().args([
        "check",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
    ]));
    assert_eq!(code, 0, "{err}");
    // Each line goes to the agreement whose term covers its usage date.
    let doc = json(&run_ok(p.cmd().args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
    ])));
    assert_eq!(field(agreement(&doc, "first"), "revenue"), "100.00");
    assert_eq!(field(agreement(&doc, "second"), "revenue"), "50.00");
    assert_eq!(field(payout(&doc, "first", "ava"), "earned"), "4.00");
    assert_eq!(field(payout(&doc, "second", "ben"), "earned"), "5.00");
}

#[test]
fn malformed_isrc() {
    // Line 5: `isrc = "QZTS2600001"` (2 letters + only 2 alphanumerics).
    let p = with_agreement(&simple_agreement("bad", "USD", "QZTS2600001", "4%"));
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:5:8: error:",
            "malformed ISRC `QZTS2600001`",
            "expected 2 letters",
        ],
    );
}

#[test]
fn a_float_where_a_decimal_string_is_required() {
    // Line 11: `streaming = 0.04`; the float is at column 13.
    let p = with_bad_agreement("[[party]]\nid = \"ava\"\n\n[rates.ava]\nstreaming = 0.04\n");
    assert_input_error(
        &p,
        &["agreements/bad.toml:11:13: error:", "float", "\"4%\""],
    );
}

/// Several mistakes in one agreement are reported in one run, in the
/// file's order: a float (which once stopped reading) does not hide the
/// others.
#[test]
fn every_field_error_of_an_agreement_is_reported_in_one_run() {
    let p = with_agreement(
        "id = \"Multi-Deal\"\ncurrency = \"USD\"\nsigned = \"2026/01/15\"\n\
         [[track]]\nisrc = \"QZTST2600001\"\n\
         [[party]]\nid = \"p\"\n[[party]]\nid = \"q\"\n\
         [rates.p]\nstreaming = 0.1\n[rates.q]\nstreaming = \"5\"\n\
         [payout]\nminimum = 25.5\n",
    );
    let err = assert_input_error(
        &p,
        &[
            "agreements/bad.toml:1:6: error: agreement id `Multi-Deal`",
            "agreements/bad.toml:3:10: error: `signed`: expected a date such as 2026-01-15",
            "agreements/bad.toml:11:13: error: found the float 0.1",
            "agreements/bad.toml:13:13: error: rates.q.streaming: expected a percentage",
            "(`5` has no unit: \"5%\" or \"5/unit\"?)",
            "agreements/bad.toml:15:11: error: found the float 25.5",
        ],
    );
    let lines = error_lines(&err);
    assert_eq!(lines.len(), 5, "{err}");
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| l.split(':').nth(1).unwrap().parse::<u32>().unwrap());
    assert_eq!(lines, sorted, "not in the file's order");
}

/// `signed = 2026/01/15` stops TOML itself (one error); the parser's
/// "string values must be quoted" gets a hint of how dates are written.
#[test]
fn a_date_toml_cannot_read_gets_a_hint() {
    let p = with_bad_agreement("signed = 2026/01/15\n");
    let err = assert_input_error(
        &p,
        &[
            "agreements/bad.toml:7:10: error:",
            "dates are written year-month-day, 2026-01-15",
        ],
    );
    assert_eq!(error_lines(&err).len(), 1, "{err}");
}

#[test]
fn a_float_payout_minimum() {
    // Line 14: `minimum = 25.0`, column 11.
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\n\n[rates.ava]\nstreaming = \"4%\"\n\n[payout]\nminimum = 25.0\n",
    );
    assert_input_error(&p, &["agreements/bad.toml:14:11: error:", "float"]);
}

#[test]
fn unknown_currency_in_an_agreement() {
    // Line 2: `currency = "XYZ"`, the string at column 12.
    let p = with_agreement(&simple_agreement("bad", "XYZ", "QZTST2600001", "4%"));
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:2:12: error:",
            "unknown currency code `XYZ`",
            "ISO 4217",
        ],
    );
}

/// An unknown agreement currency is one problem. Today it also makes every
/// party vanish, so a second, false problem follows ("rates for `ava`, who is
/// not a party of this agreement").
#[test]
fn unknown_agreement_currency_is_the_only_problem_reported() {
    let p = with_agreement(&simple_agreement("bad", "XYZ", "QZTST2600001", "4%"));
    let err = assert_input_error(&p, &["agreements/bad.toml:2:12: error:"]);
    assert_eq!(
        error_lines(&err),
        [
            "agreements/bad.toml:2:12: error: unknown currency code `XYZ`; expected an ISO 4217 code such as USD"
        ],
        "exactly one problem expected:\n{err}"
    );
}

#[test]
fn unknown_payout_currency_of_a_party() {
    // Line 9: `payout_currency = "EURO"`, the string at column 19.
    let p = with_bad_agreement(
        "[[party]]\nid = \"ava\"\npayout_currency = \"EURO\"\n\n[rates.ava]\nstreaming = \"4%\"\n",
    );
    assert_input_error(
        &p,
        &[
            "agreements/bad.toml:9:19: error:",
            "unknown currency code `EURO`",
        ],
    );
}

#[test]
fn dates_in_the_wrong_order() {
    // Line 4: `end = 2025-12-31`, before `start` on line 3; the value at column 7.
    let p = with_agreement(
        "id = \"bad\"\ncurrency = \"USD\"\nstart = 2026-01-01\nend = 2025-12-31\n\n\
         [[track]]\nisrc = \"QZTST2600001\"\n\n[[party]]\nid = \"ava\"\n\n[rates.ava]\nstreaming = \"4%\"\n",
    );
    assert_input_error(&p, &["agreements/bad.toml:4:7: error:", "before `start`"]);
}

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

#[test]
fn statement_without_header() {
    let p = with_statement("2026-01,QZTST2600001,streaming,US,10,5.00,USD\n");
    assert_input_error(&p, &["statements/s.csv:1:1: error:"]);
}

/// What was expected: the canonical header, named in the message.
#[test]
fn statement_without_header_names_the_expected_columns() {
    let p = with_statement("2026-01,QZTST2600001,streaming,US,10,5.00,USD\n");
    assert_input_error(
        &p,
        &[
            "statements/s.csv:1:1: error:",
            "period,isrc,source,territory,units,amount,currency",
            "header",
        ],
    );
}

#[test]
fn statement_missing_a_required_column() {
    let p = with_statement(
        "period,isrc,source,territory,units,currency\n2026-01,QZTST2600001,streaming,US,10,USD\n",
    );
    assert_input_error(&p, &["statements/s.csv:1:1: error:"]);
}

/// What was expected: the missing canonical column (`amount`), not the
/// columns of an unrelated distributor layout.
#[test]
fn statement_missing_a_required_column_names_it() {
    let p = with_statement(
        "period,isrc,source,territory,units,currency\n2026-01,QZTST2600001,streaming,US,10,USD\n",
    );
    assert_input_error(
        &p,
        &[
            "statements/s.csv:1:1: error:",
            "required column amount",
            "period,isrc,source,territory,units,amount,currency",
        ],
    );
}

#[test]
fn non_numeric_amount() {
    // Line 2, the amount `8.OO` (letter O) starts at column 38.
    let p = with_statement(
        "period,isrc,source,territory,units,amount,currency\n2026-01,QZTST2600001,streaming,US,10,8.OO,USD\n",
    );
    assert_input_error(
        &p,
        &[
            "statements/s.csv:2:38: error:",
            "amount: expected a decimal number",
            "`8.OO`",
        ],
    );
}

#[test]
fn amount_with_a_decimal_comma() {
    // A quoted "8,00": the place is the cell's start on line 2 (column 38).
    let p = with_statement(
        "period,isrc,source,territory,units,amount,currency\n2026-01,QZTST2600001,streaming,US,10,\"8,00\",USD\n",
    );
    assert_input_error(&p, &["statements/s.csv:2:", "amount: expected a decimal"]);
}

#[test]
fn unknown_currency_in_a_statement() {
    // Line 2, `XYZ` at column 43.
    let p = with_statement(
        "period,isrc,source,territory,units,amount,currency\n2026-01,QZTST2600001,streaming,US,10,8.00,XYZ\n",
    );
    assert_input_error(
        &p,
        &[
            "statements/s.csv:2:43: error:",
            "currency: expected an ISO 4217 currency code",
            "`XYZ`",
        ],
    );
}

#[test]
fn check_lists_every_problem_not_just_the_first() {
    let p = Project::new();
    // An agreement problem: a malformed ISRC on line 5, column 8.
    p.write(
        "agreements/bad.toml",
        &simple_agreement("bad", "USD", "QZTST26000", "4%"),
    );
    p.write("agreements/good.toml", &good_agreement());
    // Three bad rows among good ones:
    //   line 3: month 13 (column 1); line 4: `streeming` (column 22);
    //   line 6: units `ten` (column 35).
    p.write(
        "statements/s.csv",
        "period,isrc,source,territory,units,amount,currency\n\
         2026-01,QZTST2600001,streaming,US,10,1.00,USD\n\
         2026-13,QZTST2600001,streaming,US,10,1.00,USD\n\
         2026-01,QZTST2600001,streeming,US,10,1.00,USD\n\
         2026-02,QZTST2600001,streaming,US,10,1.00,USD\n\
         2026-01,QZTST2600001,streaming,US,ten,1.00,USD\n",
    );
    let err = assert_input_error(
        &p,
        &[
            "agreements/bad.toml:5:8: error: malformed ISRC",
            "statements/s.csv:3:1: error: period: expected",
            "statements/s.csv:4:22: error: source: expected one of",
            "statements/s.csv:6:35: error: units: expected a whole number",
            "4 problems found",
        ],
    );
    assert_eq!(error_lines(&err).len(), 4, "{err}");
}

#[test]
fn every_bad_statement_file_is_reported() {
    let p = Project::new();
    p.write("agreements/good.toml", &good_agreement());
    p.write(
        "statements/a.csv",
        "period,isrc,source,territory,units,amount,currency\n2026-01,QZTST2600001,streaming,US,1,x,USD\n",
    );
    p.write(
        "statements/b.csv",
        "period,isrc,source,territory,units,amount,currency\n2026-01,QZTST2600001,streaming,USA,1,1.00,USD\n",
    );
    let err = assert_input_error(
        &p,
        &[
            "statements/a.csv:2:37: error: amount",
            "statements/b.csv:2:32: error: territory",
            "2 problems found",
        ],
    );
    assert_eq!(error_lines(&err).len(), 2, "{err}");
}

#[test]
fn a_bad_fx_line_is_reported_with_its_place() {
    let p = Project::new();
    p.write("agreements/good.toml", &good_agreement());
    p.write("statements/s.csv", GOOD_STATEMENT);
    // Line 3 has a decimal comma: five cells.
    p.write(
        "fx.csv",
        "date,from,to,rate\n2026-03-31,EUR,USD,1.08\n2026-03-31,JPY,USD,0,0067\n",
    );
    for cmd in ["check", "run"] {
        let (code, _, err) = run(p.cmd().args([
            cmd,
            "--agreements",
            "agreements",
            "--statements",
            "statements",
            "--fx",
            "fx.csv",
            "--period",
            "2026-Q1",
        ]));
        assert_eq!(code, 1, "{cmd}: {err}");
        assert!(err.contains("fx.csv:3:1: error:"), "{cmd}: {err}");
        assert!(err.contains("date,from,to,rate"), "{cmd}: {err}");
    }
}

/// `--period` in lower case is the period (as agreements take it); the
/// JSON names the period given even when errors stop its computation, and
/// says whether it was computed.
#[test]
fn check_json_names_the_period_given_in_any_case() {
    let p = with_statement(GOOD_STATEMENT);
    let check = |p: &Project| {
        let (code, out, err) = run(p.cmd().args([
            "check",
            "--agreements",
            "agreements",
            "--statements",
            "statements",
            "--period",
            "2026-q1",
            "--format",
            "json",
        ]));
        (code, json(&out), err)
    };
    let (code, doc, err) = check(&p);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (&doc["period"], &doc["computed"]),
        (&"2026-Q1".into(), &true.into())
    );
    p.write("agreements/bad.toml", "id = \"bad\"\n");
    let (code, doc, err) = check(&p);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        (&doc["period"], &doc["computed"]),
        (&"2026-Q1".into(), &false.into())
    );
}

/// A missing `--project` file reads as any missing input does.
#[test]
fn a_missing_project_file_says_no_such_file_as_other_inputs_do() {
    let p = Project::new();
    for args in [
        &["--project", "nope.toml"][..],
        &["--agreements", "nope"][..],
    ] {
        let (code, _, err) = run(p.cmd().arg("check").args(args));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains("nope") && err.contains(": no such file or folder"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("os error"), "{args:?}: {err}");
    }
}

/// A spreadsheet in a decimal-comma locale quotes the rate (`"1,0871"`):
/// the quotes are honoured (one cell, not two) and the comma refused at the
/// rate's cell with what to write; a quoted currency is read as any cell.
#[test]
fn a_quoted_rate_with_a_decimal_comma_says_what_to_write() {
    let p = Project::new();
    p.write("agreements/good.toml", &good_agreement());
    p.write(
        "fx.csv",
        "date,from,to,rate\n2026-03-31,\"GBP\",USD,1.25\n2026-03-31,EUR,USD,\"1,0871\"\n\
         2026-03-31,JPY,USD,0,0067\n",
    );
    let (code, _, err) =
        run(p
            .cmd()
            .args(["check", "--agreements", "agreements", "--fx", "fx.csv"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "fx.csv:3:20: error: rate: `1,0871` is written with a decimal comma: write 1.0871"
        ),
        "{err}"
    );
    assert!(
        err.contains("fx.csv:4:1: error:") && err.contains("write 0.0067"),
        "{err}"
    );
    assert_eq!(error_lines(&err).len(), 2, "{err}");
}

/// An agreement saved as Windows-1252 (`é` as the byte 0xE9) is refused at
/// the line and column of the byte, with what to do.
#[test]
fn an_agreement_not_in_utf8_names_the_line_and_column_of_the_bad_byte() {
    let p = Project::new();
    let mut bytes = good_agreement().into_bytes();
    bytes.extend_from_slice(b"# Caf\xe9 royalties\n");
    let line = bytes.iter().filter(|&&b| b == b'\n').count();
    p.write_bytes("agreements/bad.toml", &bytes);
    let (code, _, err) = run(p.cmd().args(["check", "--agreements", "agreements"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "agreements/bad.toml:{line}:6: error: not UTF-8 text"
        )),
        "{err}"
    );
    assert!(err.contains("save it as UTF-8"), "{err}");
}

#[test]
fn a_bad_project_file_key_is_reported_with_its_place() {
    let p = Project::new();
    p.write("agreements/good.toml", &good_agreement());
    p.write(
        "royalty.toml",
        "agreements = \"agreements\"\nperiode = \"2026-Q1\"\n",
    );
    let (code, _, err) = run(p.cmd().arg("check"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("royalty.toml:2:1: error:"), "{err}");
    assert!(err.contains("unknown field `periode`"), "{err}");
}

#[test]
fn a_clean_project_checks_ok() {
    let p = Project::new();
    p.write("agreements/good.toml", &good_agreement());
    p.write("statements/s.csv", GOOD_STATEMENT);
    let (code, out, err) = run(p.cmd().args([
        "check",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2026-Q1",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "ok: 1 agreement, 1 statement file (1 lines)\n");
    assert!(err.is_empty(), "no warnings expected: {err}");
}

#[test]
fn the_bundled_label_checks_ok() {
    let mut c = royalty();
    c.current_dir(repo_root()).arg("check");
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("ok: 4 agreements, 5 statement files"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------
// Usage errors (exit 2) and help
// ---------------------------------------------------------------------------

fn usage_project() -> Project {
    let p = Project::new();
    p.write("agreements/good.toml", &good_agreement());
    p.write("statements/s.csv", GOOD_STATEMENT);
    p
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let p = usage_project();
    for cmd in ["run", "check"] {
        let (code, out, err) = run(p
            .cmd()
            .args([cmd, "--agreements", "agreements", "--colour"]));
        assert_eq!(code, 2, "{cmd}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("--colour"), "{cmd}: {err}");
    }
}

#[test]
fn unknown_command_is_a_usage_error() {
    let (code, _, err) = run(royalty().arg("payout"));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn bad_period_is_a_usage_error() {
    let p = usage_project();
    for bad in ["2026-Q5", "2026-13", "26-Q1", "2026-H3", "Q1-2026"] {
        let (code, _, err) = run(p.cmd().args([
            "run",
            "--agreements",
            "agreements",
            "--statements",
            "statements",
            "--output",
            "out.json",
            "--period",
            bad,
        ]));
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains(bad), "the bad value is named: {err}");
        assert!(err.contains("2026-Q1"), "an example is given: {err}");
        assert!(!p.path().join("out.json").exists());
    }
}

#[test]
fn no_period_without_a_project_file_is_a_usage_error() {
    let p = usage_project();
    let (code, out, err) = run(p.cmd().args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--output",
        "out.json",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("--period"), "{err}");
    assert!(!p.path().join("out.json").exists());
}

#[test]
fn no_agreements_is_a_usage_error() {
    let p = usage_project();
    let (code, _, err) = run(p.cmd().args(["run", "--period", "2026-Q1"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--agreements"), "{err}");
}

#[test]
fn a_missing_input_path_is_an_input_error() {
    let p = usage_project();
    let (code, _, err) = run(p.cmd().args([
        "run",
        "--agreements",
        "agreements",
        "--statements",
        "nowhere.csv",
        "--period",
        "2026-Q1",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nowhere.csv"), "{err}");
}

#[test]
fn help_run_and_help_check() {
    for (cmd, phrase) in [("run", "payouts"), ("check", "Validate")] {
        let (code, out, err) = run(royalty().args(["help", cmd]));
        assert_eq!(code, 0, "help {cmd}: {err}");
        assert!(out.contains(phrase), "help {cmd}:\n{out}");
        assert!(
            out.contains("--period"),
            "help {cmd} lists the options:\n{out}"
        );
        assert!(out.contains("--agreements"), "help {cmd}:\n{out}");
        // `--help` says the same.
        let (code, out2, _) = run(royalty().args([cmd, "--help"]));
        assert_eq!(code, 0);
        assert_eq!(out, out2, "`help {cmd}` and `{cmd} --help` differ");
    }
}

#[test]
fn help_lists_the_commands() {
    let (code, out, _) = run(royalty().arg("help"));
    assert_eq!(code, 0);
    assert!(out.contains("check") && out.contains("run"), "{out}");
}
