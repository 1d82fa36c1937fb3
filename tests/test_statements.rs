//! `statements`: one Markdown or HTML document per party, whose figures are
//! the run's.

use assert_cmd::Command;
use serde_json::Value;

fn royalty(ledger: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--ledger")
        .arg(ledger);
    c
}

#[test]
fn one_file_per_party_with_the_run_figures() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = out.to_str().unwrap();
    let run = royalty(d.path(), &["run", "--format", "json"])
        .output()
        .unwrap();
    let run: Value = serde_json::from_slice(&run.stdout).unwrap();
    for format in ["md", "html"] {
        royalty(d.path(), &["statements", "--format", format, "--output", o])
            .assert()
            .success();
        for row in run["payouts"].as_array().unwrap() {
            let name = format!(
                "{}--{}.{format}",
                row["agreement"].as_str().unwrap(),
                row["party"].as_str().unwrap()
            );
            let text =
                std::fs::read_to_string(out.join(&name)).unwrap_or_else(|_| panic!("{name}"));
            let paid = format!(
                "{} {}",
                row["paid_amount"].as_str().unwrap(),
                row["paid_currency"].as_str().unwrap()
            );
            assert!(text.contains(&format!("Payment: {paid}")), "{name}: {text}");
        }
    }
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        2 * run["payouts"].as_array().unwrap().len()
    );
}

#[test]
fn a_single_party_prints_markdown() {
    let d = tempfile::tempdir().unwrap();
    let out = royalty(d.path(), &["statements", "--party", "midnight-drive/ben"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("# Royalty statement: Ben Ortiz (vocal arranger)\n"),
        "{text}"
    );
    assert!(
        text.contains("| sync | 6786.35 | 3 | 5% | 339.32 |\n"),
        "{text}"
    );
    assert!(
        text.contains("| **total** | | | | **625.65** |\n"),
        "{text}"
    );
    assert!(text.contains("| Tax withheld | −150.16 |\n"), "{text}");
    assert!(text.contains("**Payment: 475.49 USD**"), "{text}");
}

#[test]
fn html_is_self_contained_with_exact_bar_widths() {
    let d = tempfile::tempdir().unwrap();
    let out = royalty(
        d.path(),
        &["statements", "--party", "tomas", "--format", "html"],
    )
    .output()
    .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"));
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
    // Sync is the largest source: 100%; streaming 61% of it.
    assert!(html.contains("<span class=\"label\">sync</span><div class=\"track\"><div class=\"bar\" style=\"width:100%\">"), "{html}");
    assert!(html.contains("<span class=\"label\">streaming</span><div class=\"track\"><div class=\"bar\" style=\"width:61%\">"), "{html}");
    assert!(
        html.contains("Payment: 103.69 GBP (converted from EUR at 0.8559)"),
        "{html}"
    );
}

#[test]
fn no_destination_or_unknown_party_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    royalty(d.path(), &["statements"]).assert().code(2);
    royalty(d.path(), &["statements", "--party", "nobody"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no party `nobody`"));
}
