//! `whatif` before signing: a draft with a new id beside nothing, the
//! label's side, `--format csv`, and sweeps (table, CSV, JSON, SVG) with
//! the milestones and the recoupment point marked.

use assert_cmd::Command;
use serde_json::Value;

fn whatif(args: &[&str]) -> std::process::Output {
    let l = tempfile::tempdir().unwrap();
    Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("whatif")
        .args(args)
        .arg("--ledger")
        .arg(l.path())
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = whatif(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

const DRAFT: &str = "tests/fixtures/drafts/night-bus.toml";

#[test]
fn a_new_deal_is_shown_beside_nothing() {
    let v: Value = serde_json::from_str(&ok(&[
        "--draft",
        DRAFT,
        "--agreement",
        "night-bus",
        "--streams",
        "10M",
        "--format",
        "json",
    ]))
    .unwrap();
    let mo = &v["rows"][0];
    assert_eq!(mo["party"], "mo");
    assert_eq!(mo["baseline"]["earned"], "0.00");
    // 10M streams x 0.004 = 40,000.00; 5% = 2,000.00, plus +1% on the half
    // past five million (200.00); 1,000.00 recoups the advance; the
    // 500.00 bonus is paid on top.
    assert_eq!(mo["scenario"]["earned"], "2200.00");
    assert_eq!(mo["scenario"]["recouped"], "1000.00");
    assert_eq!(mo["scenario"]["unrecouped"], "0.00");
    assert_eq!(mo["scenario"]["bonus"], "500.00");
    assert_eq!(mo["scenario"]["payable"], "1700.00");
    assert_eq!(mo["unlocks"], serde_json::json!(["five-million"]));
    let ag = &v["agreements"][0];
    assert_eq!(ag["agreement"], "night-bus");
    assert_eq!(ag["baseline"]["revenue"], "0.00");
    assert_eq!(ag["scenario"]["label_retained"], "37800.00");
    assert_eq!(ag["scenario"]["bonuses"], "500.00");
}

#[test]
fn csv_works_where_the_help_lists_it() {
    let csv = ok(&[
        "--streams",
        "10M",
        "--agreement",
        "midnight-drive",
        "--format",
        "csv",
    ]);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with(
        "agreement,party,currency,earned_baseline,recouped_baseline,unrecouped_baseline,bonus_baseline,payable_baseline,paid_baseline,earned_scenario,"
    ));
    assert!(
        csv.contains("midnight-drive,ava,USD,1251.31,1251.31,248.69,0.00,0.00,0.00,"),
        "{csv}"
    );
}

#[test]
fn a_sweep_marks_the_recoupment_point_and_every_milestone() {
    let args = [
        "--draft",
        DRAFT,
        "--agreement",
        "night-bus",
        "--streams",
        "0..10M/1M",
    ];
    let v: Value = serde_json::from_str(&ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    assert_eq!(v["swept"], "streams");
    assert_eq!(v["points"].as_array().unwrap().len(), 11);
    // 1,000.00 of advance at 5% of 0.004 a stream: recouped from 5M
    // streams; the milestone is in force past 5M, so from 6M.
    let markers = v["markers"].as_array().unwrap();
    let at = |kind: &str, id: &str| {
        markers
            .iter()
            .find(|m| m["kind"] == kind && m["id"] == id)
            .map(|m| m["at"].as_str().unwrap().to_string())
    };
    assert_eq!(at("recouped", "mo-advance").as_deref(), Some("5000000"));
    assert_eq!(at("milestone", "five-million").as_deref(), Some("6000000"));

    let csv = ok(&[&args[..], &["--format", "csv"]].concat());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "streams,agreement,party,currency,earned,bonus,recouped,unrecouped,payable,paid,revenue,label_retained,label_bonuses"
    );
    assert_eq!(lines.len(), 12, "one row per point and party");
    assert_eq!(
        lines[1],
        "0,night-bus,mo,USD,0.00,0.00,0.00,1000.00,0.00,0.00,0.00,0.00,0.00"
    );
    assert_eq!(
        lines[6],
        "5000000,night-bus,mo,USD,1000.00,0.00,1000.00,0.00,0.00,0.00,20000.00,19000.00,0.00"
    );

    let svg = ok(&[&args[..], &["--format", "svg"]].concat());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains(">five-million</text>") && svg.contains(">mo-advance recouped</text>"));
    assert!(svg.contains(">mo earnings</text>") && svg.contains(">label share</text>"));
    // The title says what was swept (it read "streaming +0 units = +0").
    let title = svg
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next();
    assert_eq!(
        title,
        Some(
            "What if, 2026-Q1: streams swept from 0 to 10000000 by 1000000, \
             new deal night-bus (tests/fixtures/drafts/night-bus.toml, not signed)"
        )
    );

    let table = ok(&[&args[..], &["--format", "table"]].concat());
    assert!(
        table.contains("night-bus: advance `mo-advance` of mo recouped from 5M streams"),
        "{table}"
    );
}

#[test]
fn sweep_usage_errors() {
    for (args, want) in [
        (
            vec!["--streams", "0..1M/1M", "--sync", "0..100/10"],
            "sweep one flag at a time",
        ),
        (vec!["--streams", "5M..1M/1M"], "FROM <= TO"),
        (vec!["--streams", "0..1M"], "FROM..TO/STEP"),
        (
            vec!["--streams", "1M", "--format", "svg"],
            "--format svg draws a sweep",
        ),
        // EUR, GBP and USD cannot share the chart's one money axis.
        (
            vec!["--streams", "0..1M/1M", "--format", "svg"],
            "these agreements account in EUR, GBP, USD: choose one with --agreement",
        ),
    ] {
        let o = whatif(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(want),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // A new deal may not take a track another agreement covers.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("clash.toml");
    std::fs::write(
        &f,
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DRAFT))
            .unwrap()
            .replace("QZNWX2690101", "QZNWX2600001"),
    )
    .unwrap();
    let o = whatif(&["--draft", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("which `midnight-drive` covers over the same dates"));
}
