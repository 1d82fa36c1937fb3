//! Corrections from distributors (docs/arithmetic.md, "Amendments and
//! dates"): negative lines and restated earlier months that arrive in a
//! later statement are priced under the terms in force in their usage
//! month, not the period's, and `explain` and the statements show them as
//! prior-period corrections.

mod lab;

use lab::{agreement, row, Lab, HEADER, TRACK};
use serde_json::Value;

/// 10% of streaming, amended to 20% from April.
fn lab() -> Lab {
    let body = "[[party]]\nid = \"ava\"\nname = \"Ava Stone\"\n[rates.ava]\nstreaming = \"10%\"\n\
                [[amendment]]\neffective = 2026-04-01\nreason = \"renegotiated\"\n[amendment.rates.ava]\nstreaming = \"20%\"\n";
    let lab = Lab::new(&[("c.toml", &agreement("c", TRACK, body))]);
    lab.write(
        "q1/s.csv",
        &format!("{HEADER}2026-01,{TRACK},streaming,US,1000,1000.00,USD\n"),
    );
    // Q2: April at the new rate; January restated (300.00 taken back, a
    // negative line) and February reported late, both at the old rate.
    lab.write(
        "q2/s.csv",
        &format!(
            "{HEADER}2026-04,{TRACK},streaming,US,1000,1000.00,USD\n\
             2026-01,{TRACK},streaming,US,-300,-300.00,USD\n\
             2026-02-14,{TRACK},streaming,US,500,500.00,USD\n"
        ),
    );
    lab
}

fn text(lab: &Lab, args: &[&str]) -> String {
    let out = lab.cmd(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn corrections_are_priced_under_the_terms_of_their_usage_month() {
    let lab = lab();
    lab.close("2026-Q1", "q1");
    let q2 = lab.run("2026-Q2", "q2");
    // 1000.00 x 20% + (-300.00 + 500.00) x 10% = 200.00 + 20.00.
    assert_eq!(row(&q2, "c", "ava")["earned"], "220.00");

    let ex = text(
        &lab,
        &[
            "explain",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
            "--party",
            "c/ava",
            "--format",
            "json",
        ],
    );
    let ex: Value = serde_json::from_str(&ex).unwrap();
    let lines = ex["lines"].as_array().unwrap();
    let by_usage = |u: Option<&str>| {
        lines
            .iter()
            .find(|l| l["usage"].as_str() == u)
            .unwrap_or_else(|| panic!("no line of usage {u:?} in {lines:#?}"))
    };
    let april = by_usage(None);
    assert_eq!(
        (april["rate"].as_str(), april["earnings"].as_str()),
        (Some("20%"), Some("200"))
    );
    assert!(april["terms"]
        .as_str()
        .unwrap()
        .starts_with("terms from 2026-04-01"));
    let jan = by_usage(Some("2026-01"));
    assert_eq!(
        (
            jan["rate"].as_str(),
            jan["base"].as_str(),
            jan["earnings"].as_str()
        ),
        (Some("10%"), Some("-300"), Some("-30"))
    );
    assert_eq!(
        jan["terms"],
        "original terms (prior-period correction, usage 2026-01)"
    );
    let feb = by_usage(Some("2026-02"));
    assert_eq!(
        (feb["rate"].as_str(), feb["earnings"].as_str()),
        (Some("10%"), Some("50"))
    );

    let ex = text(
        &lab,
        &[
            "explain",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
            "--party",
            "c/ava",
        ],
    );
    assert!(
        ex.contains(
            "Prior-period corrections: 2 lines of usage before 2026-04-01 (2026-01, 2026-02"
        ),
        "{ex}"
    );
    assert!(ex.contains("earn 20 in all"), "{ex}");

    let track = text(
        &lab,
        &[
            "explain",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
            "--track",
            TRACK,
        ],
    );
    assert!(
        track.contains("original terms (prior-period correction, usage 2026-01)"),
        "{track}"
    );

    let st = text(
        &lab,
        &[
            "statements",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
            "--party",
            "c/ava",
        ],
    );
    assert!(st.contains("| prior-period correction, usage 2026-01 | QZAAA2600001 | streaming | -300.00 | -300 | 10% (original terms) | -30.00 |"), "{st}");
    assert!(st.contains("| prior-period correction, usage 2026-02 | QZAAA2600001 | streaming | 500.00 | 500 | 10% (original terms) | 50.00 |"), "{st}");
}

#[test]
fn a_correction_that_takes_back_more_than_is_earned_carries_a_deficit() {
    let lab = lab();
    lab.close("2026-Q1", "q1");
    lab.write(
        "q2/s.csv",
        &format!("{HEADER}2026-01,{TRACK},streaming,US,-1000,-1000.00,USD\n"),
    );
    let q2 = lab.run("2026-Q2", "q2");
    let r = row(&q2, "c", "ava");
    assert_eq!(
        (
            r["earned"].as_str(),
            r["carried_out"].as_str(),
            r["paid"].as_str()
        ),
        (Some("-100.00"), Some("-100.00"), Some("0.00"))
    );
    assert_eq!(q2["checks"]["conservation"], "ok");
}
