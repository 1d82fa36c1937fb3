//! `explain` on the bundled example label: the trace adds up to what `run`
//! reports, and bad names are usage errors.

mod common;

use assert_cmd::Command;
use serde_json::Value;

/// The binary in the repository root (the example label), on an empty ledger.
fn royalty(args: &[&str]) -> (tempfile::TempDir, Command) {
    let ledger = tempfile::tempdir().unwrap();
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--ledger")
        .arg(ledger.path());
    (ledger, c)
}

fn json(args: &[&str]) -> Value {
    let (_l, mut c) = royalty(args);
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn party_trace_adds_up_to_the_run() {
    let run = json(&["run", "--format", "json"]);
    for row in run["payouts"].as_array().unwrap() {
        let spec = format!(
            "{}/{}",
            row["agreement"].as_str().unwrap(),
            row["party"].as_str().unwrap()
        );
        let t = json(&["explain", "--party", &spec, "--format", "json"]);
        assert_eq!(t["earned"], row["earned"], "{spec}");
        let steps = t["steps"].as_array().unwrap();
        let get = |k: &str| steps.iter().find(|s| s["step"] == k).unwrap()["amount"].clone();
        assert_eq!(get("payable"), row["payable"], "{spec}");
        assert_eq!(get("paid"), row["paid"], "{spec}");
        assert_eq!(t["paid_amount"], row["paid_amount"], "{spec}");
    }
}

fn text(args: &[&str]) -> String {
    let (_l, mut c) = royalty(args);
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn party_text_matches_its_golden_file() {
    // Lines per terms, source and currency, the rounding, each step, the
    // withholding; and for cy the chart milestone's increments.
    for (party, file) in [("ben", "explain-ben.txt"), ("cy", "explain-cy.txt")] {
        let t = text(&["explain", "--party", party]);
        common::assert_golden(&common::repo_root().join("tests/golden").join(file), &t);
    }
}

#[test]
fn track_text_matches_its_golden_file() {
    let t = text(&["explain", "--track", "QZNWX2600301"]);
    common::assert_golden(
        &common::repo_root().join("tests/golden/explain-track-QZNWX2600301.txt"),
        &t,
    );
}

#[test]
fn track_trace_tells_matched_from_out_of_term() {
    let t = json(&["explain", "--track", "QZNWX2600301", "--format", "json"]);
    assert_eq!(t["agreements"], serde_json::json!(["city-of-echoes"]));
    let aside = t["set_aside"].as_array().unwrap();
    assert!(aside.iter().any(|g| g["status"] == "out_of_term"));
    let lic = t["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["source"] == "licensing" && g["party"] == "lena")
        .unwrap();
    assert_eq!(lic["earnings"], "157.5");
    let un = json(&["explain", "--track", "QZNWX2699901", "--format", "json"]);
    assert!(un["shares"].as_array().unwrap().is_empty());
    assert!(un["set_aside"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["status"] == "unmatched"));
}

#[test]
fn unknown_or_ambiguous_names_are_usage_errors() {
    for (args, msg) in [
        (vec!["explain", "--party", "nobody"], "no party `nobody`"),
        (
            vec!["explain", "--party", "nope/ava"],
            "no agreement `nope`",
        ),
        (vec!["explain", "--track", "XX"], "is not an ISRC"),
        (
            vec![
                "explain",
                "--party",
                "ava",
                "--agreements",
                "agreements",
                "tests/fixtures/describe/gated-single.toml",
            ],
            "party `ava` is in several agreements; give one of: gated-single/ava, midnight-drive/ava",
        ),
    ] {
        let (_l, mut c) = royalty(&args);
        c.assert().code(2).stderr(predicates::str::contains(msg));
    }
}
