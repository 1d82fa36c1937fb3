//! Numbers and ids out of their range (docs/limits.md), through the real
//! binary: each finding of the hardening issue is an input error (exit 1)
//! that names the term at its file:line:column, never a panic (101) nor a
//! self-check failure (70), and nothing is written.

mod lab;

use lab::*;

/// Runs `args` in `lab`; (exit code, stderr).
fn code(lab: &Lab, args: &[&str]) -> (i32, String) {
    let out = lab.cmd(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A one-party agreement `x` with `body` after the party, one statement line.
fn lab_with(body: &str) -> Lab {
    let lab = Lab::new(&[(
        "x.toml",
        &agreement("x", TRACK, &format!("[[party]]\nid = \"p\"\n{body}")),
    )]);
    lab.write(
        "s/q1.csv",
        &one_line(TRACK, "physical", 1000, "100.00", "USD"),
    );
    lab
}

const RUN: [&str; 7] = [
    "run",
    "--period",
    "2026-Q1",
    "--statements",
    "s",
    "--output",
    "out.json",
];

#[test]
fn agreement_numbers_out_of_range_are_input_errors_naming_the_term() {
    for (body, place, what) in [
        (
            "[rates.p]\nphysical = \"1000000000000000000000000/unit\"\n",
            "x.toml:8:12",
            "`rates.p.physical` is out of range",
        ),
        (
            "[rates.p]\nphysical = \"100000000000000000000000000/unit\"\n",
            "x.toml:8:12",
            "`rates.p.physical` is out of range",
        ),
        (
            "[rates.p]\nphysical = \"10%\"\n[[advance]]\nid = \"a\"\nparty = \"p\"\namount = \"100.125\"\n",
            "x.toml:12:10",
            "`advance.amount` has too many decimals (100.125)",
        ),
        (
            "[rates.p]\nphysical = \"10%\"\n[reserve]\nrate = \"10%\"\nsources = [\"physical\"]\nrelease_after = 4294967295\n",
            "x.toml:12:17",
            "`reserve.release_after` must be a whole number from 1 to 120",
        ),
        (
            "[rates.p]\nphysical = \"10%\"\n[reserve]\nrate = \"10%\"\nsources = [\"physical\"]\nrelease_after = 100000000\n",
            "x.toml:12:17",
            "`reserve.release_after` must be a whole number from 1 to 120",
        ),
        (
            "[rates.p]\nphysical = \"10.12345678901%\"\n",
            "x.toml:8:12",
            "`rates.p.physical` has too many decimals",
        ),
        (
            "[rates.p]\nphysical = \"10%\"\n[payout]\nminimum = \"1000000000000000\"\n",
            "x.toml:10:11",
            "`payout.minimum` is out of range",
        ),
        (
            "hours = 1000000\ntier = \"a\"\n[pool]\nphysical = \"10%\"\n[split]\nmethod = \"weighted\"\nby_hours = true\n[tiers]\na = 1\n",
            "x.toml:7:9",
            "`hours` is out of range",
        ),
        (
            "vesting = { start = 2026-01-01, months = 100000 }\n[rates.p]\nphysical = \"10%\"\n",
            "x.toml:7:",
            "`vesting.months` must be a whole number from 1 to 1200",
        ),
    ] {
        let lab = lab_with(body);
        let started = std::time::Instant::now();
        let (c, err) = code(&lab, &RUN);
        assert_eq!(c, 1, "{what}: {err}");
        assert!(
            err.contains(place) && err.contains(what),
            "expected `{place}` and `{what}` in: {err}"
        );
        assert!(!lab.path("out.json").exists(), "{what}: an output was written");
        // Refused at once: nothing is allocated or iterated per period.
        assert!(started.elapsed().as_secs() < 30, "{what} took too long");
    }
}

#[test]
fn an_fx_rate_out_of_range_is_an_input_error() {
    let lab = lab_with("payout_currency = \"EUR\"\n[rates.p]\nphysical = \"10%\"\n");
    lab.write(
        "fx.csv",
        "date,from,to,rate\n2026-03-31,USD,EUR,10000000000000000000000000\n",
    );
    let (c, err) = code(&lab, &RUN);
    assert_eq!(c, 1, "{err}");
    assert!(
        err.contains("fx.csv:2:20: error: rate: expected a rate from 0.000001 to 1000000"),
        "{err}"
    );
}

#[test]
fn a_negative_chart_position_is_an_input_error() {
    let lab = lab_with("[rates.p]\nphysical = \"10%\"\n");
    lab.write(
        "events.csv",
        "date,isrc,kind,value,note\n2026-02-14,QZAAA2600001,chart,-7,peak\n",
    );
    let (c, err) = code(&lab, &RUN);
    assert_eq!(c, 1, "{err}");
    assert!(
        err.contains("events.csv:2:31: error: value: expected a chart position"),
        "{err}"
    );
}

#[test]
fn an_opening_balance_near_the_decimal_maximum_is_refused_at_open() {
    let lab = lab_with("[rates.p]\nphysical = \"10%\"\n");
    for (body, what) in [
        (
            "[agreement.x.party.p]\ncarried = \"79228162514264337593543950335\"\n",
            "open.toml:3:11: error: `carried`",
        ),
        (
            "[agreement.x]\nunits = { physical = -100 }\n",
            "open.toml:3:22: error: `units.physical` (-100)",
        ),
    ] {
        lab.write("open.toml", &format!("as_of = 2025-12-31\n{body}"));
        let (c, err) = code(&lab, &["ledger", "open", "open.toml"]);
        assert_eq!(c, 1, "{err}");
        assert!(err.contains(what), "{err}");
        assert!(!lab.path("ledger/opening.json").exists());
    }
}

#[test]
fn statements_adding_up_past_the_run_bound_are_refused_not_overflowed() {
    // Eleven files, each one line just below a line's bound (10^15): each
    // file is fine, the run adds up past 10^16 and is refused.
    let lab = lab_with("[rates.p]\nphysical = \"0.50/unit\"\n");
    for i in 0..11 {
        lab.write(
            &format!("s/f{i:02}.csv"),
            &one_line(TRACK, "physical", i + 1, "999999999999999.99", "USD"),
        );
    }
    let (c, err) = code(&lab, &RUN);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("add up to 10^16 or more amounts"), "{err}");
}

#[test]
fn ids_are_safe_names_with_a_place() {
    for (body, place, what) in [
        (
            "[[party]]\nid = \"x/../../escape\"\n[rates.\"x/../../escape\"]\nphysical = \"10%\"\n",
            "x.toml:6:6",
            "party id `x/../../escape`: expected letters, digits",
        ),
        (
            "[[party]]\nid = \".hidden\"\n[rates.\".hidden\"]\nphysical = \"10%\"\n",
            "x.toml:6:6",
            "party id `.hidden`",
        ),
        (
            "[[party]]\nid = \"p\"\n[rates.p]\nphysical = \"10%\"\n[[advance]]\nid = \"a b\"\nparty = \"p\"\namount = \"1.00\"\n",
            "x.toml:10:6",
            "advance id `a b`",
        ),
        (
            "[[party]]\nid = \"p\"\n[rates.p]\nphysical = \"10%\"\n[[milestone]]\nid = \"../m\"\nmetric = \"event\"\nevent = { kind = \"award\" }\n",
            "x.toml:10:6",
            "milestone id `../m`",
        ),
    ] {
        let lab = Lab::new(&[("x.toml", &agreement("x", TRACK, body))]);
        let out = lab.cmd(&["check"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.contains(place) && err.contains(what),
            "expected `{place}` and `{what}` in: {err}"
        );
    }
    let lab = Lab::new(&[(
        "x.toml",
        "id = \"../x\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"QZAAA2600001\"\n[[party]]\nid = \"p\"\n[rates.p]\nphysical = \"1%\"\n",
    )]);
    let out = lab.cmd(&["check"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("x.toml:1:6") && err.contains("agreement id `../x`"),
        "{err}"
    );
}

#[test]
fn weighted_shares_over_many_term_sets_do_not_overflow() {
    // Thirty amendments, each with other hours, so thirty distinct weight
    // totals; one line priced under each of them.
    let primes = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97, 101, 103, 107, 109, 113, 127,
    ];
    let mut body = String::from(
        "[[party]]\nid = \"a\"\ntier = \"t\"\nhours = 1\n[[party]]\nid = \"b\"\ntier = \"t\"\nhours = 1\n\
         [pool]\nstreaming = \"60%\"\n[split]\nmethod = \"weighted\"\nby_hours = true\n[tiers]\nt = 1\n",
    );
    let mut lines = String::from(HEADER);
    for (k, p) in primes.iter().enumerate().skip(1) {
        let month = k % 12 + 1;
        let year = 2000 + k / 12;
        body += &format!(
            "[[amendment]]\neffective = {year}-{month:02}-01\ntiers = {{ t = 1 }}\n\
             [[amendment.party]]\nid = \"n{k}\"\ntier = \"t\"\nhours = {}\n",
            p - 2
        );
        lines += &format!(
            "{year}-{month:02},{TRACK},streaming,US,1,{}.37,USD\n",
            1000 + k
        );
    }
    let lab = Lab::new(&[("w.toml", &agreement("w", TRACK, &body))]);
    lab.write("s/q1.csv", &lines);
    let (c, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "s",
            "--format",
            "json",
        ],
    );
    // Exact shares need no common denominator: computed, never a panic
    // (101) nor a failed self-check (70).
    assert_eq!(c, 0, "{err}");
}

#[test]
fn a_pass_through_too_large_for_an_amount_is_an_input_error_not_zero() {
    // Two lines that cancel out to a millionth of a millionth of revenue,
    // one with tax withheld at source, and per-unit earnings on the units:
    // the tax passed through pro rata does not fit an amount.
    let lab = lab_with("[rates.p]\nstreaming = \"10000/unit\"\n");
    lab.write(
        "s/q1.csv",
        "period,isrc,source,territory,units,amount,currency,tax_withheld\n\
         2026-01,QZAAA2600001,streaming,US,999999999999999,100000000000000,USD,100000000000000\n\
         2026-01,QZAAA2600001,streaming,GB,0,-99999999999999.999999999999,USD,0\n",
    );
    let (c, err) = code(&lab, &RUN);
    assert_eq!(c, 1, "{err}");
    assert!(
        err.contains("x.toml") && err.contains("tax withheld at source passed through"),
        "{err}"
    );
    assert!(!lab.path("out.json").exists());
}

#[test]
fn whatif_numbers_out_of_range_are_refused_not_overflowed() {
    let lab = lab_with("[rates.p]\nstreaming = \"10%\"\n");
    for (args, code_wanted, what) in [
        (
            &["--streams", "79228162514264337593543950335B"][..],
            2,
            "expected a whole number of units",
        ),
        (
            &[
                "--streams",
                "10",
                "--stream-rate",
                "79228162514264337593543950335",
            ][..],
            2,
            "expected an amount per unit",
        ),
        (
            &["--streams", "999999999999999", "--stream-rate", "10000"][..],
            1,
            "add up to 10^16 or more",
        ),
    ] {
        let mut all = vec![
            "whatif",
            "--period",
            "2026-Q1",
            "--statements",
            "s",
            "--format",
            "json",
        ];
        all.extend_from_slice(args);
        let (c, err) = code(&lab, &all);
        assert_eq!(c, code_wanted, "{args:?}: {err}");
        assert!(err.contains(what), "{args:?}: {err}");
    }
}

/// `--threads` is 1 to 256, or 0 for all cores: help, docs/limits.md and
/// the parser say the same, and the result is the same whatever the count.
#[test]
fn threads_are_0_for_all_cores_or_1_to_256_as_help_says() {
    let lab = lab_with("[rates.p]\nstreaming = \"10%\"\n");
    let help = lab.cmd(&["run", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).replace(char::is_whitespace, " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("1 to 256; 0 (the default): all cores"),
        "{help}"
    );
    let out = |n: &str| {
        let o = lab
            .cmd(&[
                "run",
                "--period",
                "2026-Q1",
                "--statements",
                "s",
                "--format",
                "json",
                "--threads",
                n,
            ])
            .output()
            .unwrap();
        (
            o.status.code(),
            o.stdout,
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (c0, all_cores, err) = out("0");
    assert_eq!(c0, Some(0), "{err}");
    let (c1, one, err) = out("1");
    assert_eq!(c1, Some(0), "{err}");
    assert_eq!(all_cores, one);
    let (c, _, err) = out("257");
    assert_eq!(c, Some(2), "{err}");
    assert!(err.contains("from 1 to 256, or 0 for all cores"), "{err}");
}

#[test]
fn a_reported_total_out_of_range_is_an_input_error() {
    let lab = lab_with("[rates.p]\nphysical = \"10%\"\n");
    lab.write(
        "expect.csv",
        "file,currency,amount\nq1.csv,USD,-79228162514264337593543950335\n",
    );
    let (c, err) = code(
        &lab,
        &[
            "reconcile",
            "--period",
            "2026-Q1",
            "--statements",
            "s",
            "--expect",
            "expect.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(c, 1, "{err}");
    assert!(
        err.contains("expect.csv:2:3") && err.contains("between -10^16 and 10^16"),
        "{err}"
    );
}

#[test]
fn aggregate_sums_out_of_range_are_refused_not_overflowed() {
    let lab = lab_with("[rates.p]\nstreaming = \"10%\"\n");
    let (c, err) = code(
        &lab,
        &["aggregate", "--statements", "s", "--output", "a.csv"],
    );
    assert_eq!(c, 0, "{err}");
    let text = std::fs::read_to_string(lab.path("a.csv"))
        .unwrap()
        .replace(",1000,100,", ",1000,79228162514264337593543950335,");
    lab.write("a.csv", &text);
    let (c, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q1",
            "--aggregates",
            "a.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(c, 1, "{err}");
    assert!(
        err.contains("amount: expected a decimal below 10^16"),
        "{err}"
    );
}
