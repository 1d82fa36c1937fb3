//! `royalty aggregate` and `run --aggregates`: sums made on one machine (or
//! by DuckDB or Spark) add up exactly to a run over the statements.

mod lab;

use lab::*;

fn statement(lines: &[(&str, &str, &str, i64, &str)]) -> String {
    let mut s = String::from("period,isrc,source,territory,units,amount,currency\n");
    for (period, source, territory, units, amount) in lines {
        s.push_str(&format!(
            "{period},QZAAA2600001,{source},{territory},{units},{amount},USD\n"
        ));
    }
    s
}

fn setup() -> Lab {
    let lab = Lab::new(&[(
        "a.toml",
        &agreement(
            "a",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\n[[party]]\nid = \"q\"\n[[party]]\nid = \"r\"\n[pool]\nstreaming = \"100%\"\ndownload = \"30%\"\n\
             [split]\nmethod = \"weighted\"\n[tiers]\nx = 1\n",
        )
        .replace("[[party]]\nid = \"p\"\n", "[[party]]\nid = \"p\"\ntier = \"x\"\n")
        .replace("[[party]]\nid = \"q\"\n", "[[party]]\nid = \"q\"\ntier = \"x\"\n")
        .replace("[[party]]\nid = \"r\"\n", "[[party]]\nid = \"r\"\ntier = \"x\"\n"),
    )]);
    lab.write(
        "s/half1.csv",
        &statement(&[
            ("2026-01", "streaming", "US", 10, "0.333333"),
            ("2026-02", "streaming", "GB", 5, "1.000001"),
            ("2026-02-14", "download", "DE", 1, "0.99"),
        ]),
    );
    lab.write(
        "s/half2.csv",
        &statement(&[
            ("2026-01", "streaming", "US", 7, "0.666667"),
            ("2026-03", "download", "US", -1, "-0.99"),
            ("2026-03", "streaming", "FR", 3, "2.5"),
        ]),
    );
    lab
}

#[test]
fn two_aggregates_run_to_the_same_bytes_as_their_statements() {
    let lab = setup();
    for (half, out) in [("s/half1.csv", "a1.csv"), ("s/half2.csv", "a2.csv")] {
        let o = lab
            .cmd(&["aggregate", "--statements", half, "--output", out])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let run = |args: &[&str]| {
        let mut all = vec!["run", "--period", "2026-Q1", "--format", "json"];
        all.extend_from_slice(args);
        let o = lab.cmd(&all).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let whole = run(&["--statements", "s/half1.csv", "s/half2.csv"]);
    let parts = run(&["--aggregates", "a1.csv", "a2.csv"]);
    let reversed = run(&["--aggregates", "a2.csv", "a1.csv"]);
    assert_eq!(
        String::from_utf8_lossy(&whole),
        String::from_utf8_lossy(&parts)
    );
    assert_eq!(parts, reversed);
    // The aggregate keeps territories (the engine does not need them).
    let a1 = std::fs::read_to_string(lab.path("a1.csv")).unwrap();
    assert!(
        a1.contains(",QZAAA2600001,streaming,GB,USD,2026-02,5,1.000001,0,1"),
        "{a1}"
    );
}

#[test]
fn an_aggregate_of_a_statement_already_given_is_a_duplicate() {
    let lab = setup();
    lab.cmd(&[
        "aggregate",
        "--statements",
        "s/half1.csv",
        "--output",
        "a1.csv",
    ])
    .assert()
    .success();
    let o = lab
        .cmd(&[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "s/half1.csv",
            "--aggregates",
            "a1.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_bad_aggregate_cell_is_placed() {
    let lab = setup();
    lab.cmd(&[
        "aggregate",
        "--statements",
        "s/half1.csv",
        "--output",
        "a1.csv",
    ])
    .assert()
    .success();
    let text = std::fs::read_to_string(lab.path("a1.csv"))
        .unwrap()
        .replacen(",0.333333,", ",zero,", 1);
    lab.write("a1.csv", &text);
    let o = lab
        .cmd(&["run", "--period", "2026-Q1", "--aggregates", "a1.csv"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a1.csv:") && err.contains("amount: expected a decimal, found `zero`"),
        "{err}"
    );
}

#[test]
fn aggregates_stand_for_the_projects_statements() {
    // A project whose default statements are the very files aggregated:
    // `run --aggregates` reads the aggregate instead of them (reading both
    // would count the money twice; the duplicate check would refuse it).
    let lab = setup();
    lab.write(
        "royalty.toml",
        "agreements = \"agreements\"\nstatements = \"s\"\nperiod = \"2026-Q1\"\n",
    );
    lab.cmd(&["aggregate", "--output", "all.csv"])
        .assert()
        .success();
    let run = |args: &[&str]| {
        let mut all = vec!["run", "--format", "json"];
        all.extend_from_slice(args);
        let o = lab.cmd(&all).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(run(&[]), run(&["--aggregates", "all.csv"]));
    // Statements named on the command line are still read beside them.
    let o = lab
        .cmd(&["run", "--statements", "s", "--aggregates", "all.csv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "the same statements twice");
}
