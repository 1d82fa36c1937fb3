//! Milestone bonuses (docs/agreements.md, bonuses; docs/arithmetic.md,
//! step 8): paid once on reaching a milestone, by the label beyond the
//! revenue split, and recouped where the agreement says.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const FIX: &str = "tests/fixtures/bonus";

fn royalty(ledger: &Path, quarter: &str, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--agreements", &format!("{FIX}/agreements")])
        .args(["--statements", &format!("{FIX}/{}", quarter.to_lowercase())])
        .args(["--events", &format!("{FIX}/events.csv")])
        .arg("--ledger")
        .arg(ledger)
        .args(["--period", &format!("2026-{quarter}")]);
    c
}

fn run_json(ledger: &Path, quarter: &str) -> Value {
    let out = royalty(ledger, quarter, &["run", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row<'a>(v: &'a Value, party: &str) -> &'a Value {
    v["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["party"] == party)
        .unwrap()
}

#[test]
fn a_bonus_is_paid_once_and_recouped_where_the_agreement_says() {
    let l = tempfile::tempdir().unwrap();
    let q1 = run_json(l.path(), "Q1");
    // top-10 (a chart on 2026-02-10) is reached in Q1: cy's 500.00 is paid
    // outright; ava's 300.00 is paid and recouped with her advance.
    let (ava, cy) = (row(&q1, "ava"), row(&q1, "cy"));
    assert_eq!(cy["earned"], "200.00");
    assert_eq!(cy["bonus"], "500.00");
    assert_eq!(cy["payable"], "700.00");
    assert_eq!(cy["unrecouped"], "0.00");
    assert_eq!(ava["earned"], "400.00");
    assert_eq!(ava["recouped"], "400.00");
    assert_eq!(ava["bonus"], "300.00");
    assert_eq!(ava["payable"], "300.00");
    // 600.00 left of the advance + the 300.00 bonus to recoup.
    assert_eq!(ava["unrecouped"], "900.00");
    let ag = &q1["agreements"][0];
    assert_eq!(ag["label_retained"], "3400.00");
    assert_eq!(ag["bonuses"], "800.00");
    assert_eq!(q1["checks"]["conservation"], "ok");

    royalty(l.path(), "Q1", &["close"]).assert().success();
    let q2 = run_json(l.path(), "Q2");
    // top-10 is in force, but the ledger remembers it: no second bonus.
    // million-streams is crossed in Q2: cy's 250.00, recoupable from cy's
    // own earnings, takes this period's 100.00 first.
    let (ava, cy) = (row(&q2, "ava"), row(&q2, "cy"));
    assert_eq!(ava["bonus"], "0.00");
    assert_eq!(ava["recouped"], "200.00");
    assert_eq!(ava["unrecouped"], "700.00");
    assert_eq!(cy["bonus"], "250.00");
    assert_eq!(cy["recouped"], "100.00");
    assert_eq!(cy["payable"], "250.00");
    assert_eq!(cy["unrecouped"], "150.00");
    assert_eq!(q2["agreements"][0]["bonuses"], "250.00");
}

#[test]
fn the_bonus_is_its_own_line_everywhere() {
    let l = tempfile::tempdir().unwrap();
    let csv = royalty(l.path(), "Q1", &["run", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",perks,bonus"),
        "{csv}"
    );
    assert!(
        csv.contains("chart-single,cy,USD,200.00,") && csv.contains(",500.00\n"),
        "{csv}"
    );
    let table = royalty(l.path(), "Q1", &["run", "--format", "table"])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("bonus"), "{table}");
    assert!(
        table.contains("500.00 bonus for reaching `top-10` (not recoupable)"),
        "{table}"
    );
    let explain = royalty(l.path(), "Q1", &["explain", "--party", "chart-single/cy"])
        .output()
        .unwrap();
    let explain = String::from_utf8(explain.stdout).unwrap();
    assert!(
        explain.contains("milestone bonus (paid by the label)       +  500.00 USD"),
        "{explain}"
    );
    let st = royalty(
        l.path(),
        "Q1",
        &["statements", "--party", "chart-single/cy"],
    )
    .output()
    .unwrap();
    let st = String::from_utf8(st.stdout).unwrap();
    assert!(st.contains("Milestone bonus"), "{st}");
    let flow = royalty(
        l.path(),
        "Q1",
        &["flow", "chart-single", "--format", "mermaid"],
    )
    .output()
    .unwrap();
    let flow = String::from_utf8(flow.stdout).unwrap();
    assert!(
        flow.contains("milestone bonus") && flow.contains("this period: 500.00"),
        "{flow}"
    );
    let d = Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "describe",
            "chart-single",
            "--agreements",
            &format!("{FIX}/agreements"),
        ])
        .output()
        .unwrap();
    let d = String::from_utf8(d.stdout).unwrap();
    assert!(
        d.contains("pays cy a one-off bonus of 500.00 USD on reaching it, once"),
        "{d}"
    );
    assert!(d.contains("recoupable with advance `ava-advance`"), "{d}");
}

fn check_agreement(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.toml");
    std::fs::write(&f, text).unwrap();
    let out = Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--agreements"])
        .arg(&f)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap() + &String::from_utf8(out.stdout).unwrap(),
    )
}

const BASE: &str = r#"id = "x"
currency = "USD"
[[track]]
isrc = "QZNWX2690009"
[[party]]
id = "ava"
[[party]]
id = "cy"
[rates.ava]
streaming = "10%"
[[advance]]
id = "cy-advance"
party = "cy"
amount = "100.00"
[[milestone]]
id = "m"
metric = "units"
sources = ["streaming"]
threshold = 10
"#;

#[test]
fn bad_bonuses_are_refused_at_their_place() {
    for (line, want) in [
        (
            "bonus.dee = \"10.00\"",
            "gives a bonus to `dee`, who is not a party",
        ),
        (
            "bonus.ava = \"-5.00\"",
            "a bonus is a positive amount in whole cents",
        ),
        (
            "bonus.ava = \"1.005\"",
            "a bonus is a positive amount in whole cents",
        ),
        (
            "bonus.ava = { amount = \"5.00\", recoup = \"cy-advance\" }",
            "which is not ava's",
        ),
        (
            "bonus.ava = { amount = \"5.00\", recoup = \"nope\" }",
            "which this agreement does not have",
        ),
        (
            "bonus.ava = { amount = \"5.00\", every = 2 }",
            "unknown key `every`",
        ),
        ("bonus.ava = { recoupable = true }", "needs an `amount`"),
    ] {
        let (code, out) = check_agreement(&format!("{BASE}{line}\n"));
        assert_eq!(code, 1, "{line}: {out}");
        assert!(out.contains(want), "{line}: {out}");
        assert!(
            out.contains("a.toml:20:"),
            "{line}: the place is given: {out}"
        );
    }
    let (code, out) = check_agreement(&format!(
        "{BASE}bonus.cy = {{ amount = \"5.00\", recoup = \"cy-advance\" }}\n"
    ));
    assert_eq!(code, 0, "{out}");
}
