//! Every document agrees with the engine, on a small label with an
//! advance, a weighted pool, a streaming milestone crossed mid-quarter and a
//! chart event (tests/fixtures/one-truth, written for these tests):
//! - the tracks of `explain --track` add up to each party's exact earnings;
//! - a statement's receipts and units are the statements given;
//! - `describe` names every milestone and perk;
//! - `reconcile --expect` with the distributor's own file total ties out;
//! - a closed period re-run with other statements is refused, and with its
//!   own statements reproduces the closed figures exactly.

mod common;

use royalty::exact::Exact;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn label() -> PathBuf {
    common::repo_root().join("tests/fixtures/one-truth")
}

/// The binary in `dir`, on the ledger `ledger`.
fn royalty_in(dir: &Path, ledger: &Path, args: &[&str]) -> std::process::Output {
    common::royalty()
        .current_dir(dir)
        .args(args)
        .arg("--ledger")
        .arg(ledger)
        .output()
        .unwrap()
}

fn ok(dir: &Path, ledger: &Path, args: &[&str]) -> Vec<u8> {
    let out = royalty_in(dir, ledger, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(ledger: &Path, args: &[&str]) -> Value {
    serde_json::from_slice(&ok(&label(), ledger, args)).unwrap()
}

fn text(ledger: &Path, args: &[&str]) -> String {
    String::from_utf8(ok(&label(), ledger, args)).unwrap()
}

fn exact(v: &Value) -> Exact {
    Exact::parse(v.as_str().unwrap()).unwrap()
}

/// The DistroKid file's rows: (ISRC, store, units, earnings), read here
/// independently of royalty's readers.
fn distrokid_rows() -> Vec<(String, String, i64, Exact)> {
    let text = std::fs::read_to_string(label().join("statements/2026-Q1/distrokid.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (
                c[5].to_string(),
                c[2].to_string(),
                c[7].parse().unwrap(),
                Exact::parse(c[12]).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_tracks_of_explain_add_up_to_each_partys_exact_earnings() {
    let l = tempfile::tempdir().unwrap();
    let run = json(l.path(), &["run", "--format", "json"]);
    let tracks: Vec<Value> = ["QZNFX2600001", "QZNFX2600002"]
        .iter()
        .map(|isrc| json(l.path(), &["explain", "--track", isrc, "--format", "json"]))
        .collect();
    for row in run["payouts"].as_array().unwrap() {
        let party = row["party"].as_str().unwrap();
        let trace = json(l.path(), &["explain", "--party", party, "--format", "json"]);
        let mut sum = Exact::zero();
        for t in &tracks {
            for p in t["totals"].as_array().unwrap() {
                if p["party"] == party {
                    sum += exact(&p["earnings"]);
                }
            }
        }
        assert_eq!(sum, exact(&trace["earned_exact"]), "{party}");
        assert_eq!(trace["earned"], row["earned"], "{party}");
    }
    // The increments are on the tracks: ana's streaming on Nightfall is the
    // weighted 30/43 of the 30% pool plus 1% on 1/6 of it.
    let nightfall = &tracks[0]["shares"];
    let ana: Vec<&Value> = nightfall
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["party"] == "ana" && s["source"] == "streaming")
        .collect();
    let total: Exact = ana.iter().map(|s| exact(&s["earnings"])).sum();
    let base = Exact::parse("2800").unwrap();
    let want = base.clone() * Exact::parse("0.3").unwrap() * Exact::int(30) / Exact::int(43)
        + base * Exact::parse("0.01").unwrap() / Exact::int(6);
    assert_eq!(total, want);
    assert!(ana.iter().any(|s| s["fraction"] == "1/6"), "{ana:?}");
}

#[test]
fn a_statements_receipts_and_units_are_the_statements_given() {
    let l = tempfile::tempdir().unwrap();
    let md = text(l.path(), &["statements", "--party", "ana"]);
    // Streaming: the Spotify and Apple Music rows of our tracks.
    let rows = distrokid_rows();
    let ours = |store: &[&str]| {
        rows.iter()
            .filter(|r| r.0.starts_with("QZNFX") && store.contains(&r.1.as_str()))
            .fold((Exact::zero(), 0i64), |(a, u), r| (a + &r.3, u + r.2))
    };
    let (streaming, streams) = ours(&["Spotify", "Apple Music"]);
    assert_eq!((streaming.to_string(), streams), ("4800".into(), 1_200_000));
    assert!(
        md.contains("| streaming | 4,800.00 | 1,200,000 | 900/43% (about 20.93%) base; +1% on 1/6 (million-streams crossed this period) |"),
        "{md}"
    );
    let (download, downloads) = ours(&["iTunes"]);
    assert_eq!((download.to_string(), downloads), ("84".into(), 120));
    assert!(md.contains("| download | 84.00 | 120 |"), "{md}");
    // 1,000.00 EUR of sync at 1.0871.
    assert!(md.contains("| sync | 1,087.10 | 1 |"), "{md}");
    assert!(
        md.contains("| ana-advance | 300.00 | 0.00 | 300.00 | 0.00 |"),
        "{md}"
    );
    assert!(
        md.contains("binds on 2026-06-29, 90 days after its date"),
        "{md}"
    );
    // The tracks' receipts add up to the sources'.
    assert!(
        md.contains("| Nightfall | QZNFX2600001 | streaming | 2,800.00 | 700,000 |"),
        "{md}"
    );
    assert!(
        md.contains("| Afterglow | QZNFX2600002 | streaming | 2,000.00 | 500,000 |"),
        "{md}"
    );
}

#[test]
fn describe_names_every_milestone_and_perk() {
    let l = tempfile::tempdir().unwrap();
    let t = text(l.path(), &["describe", "nightfall"]);
    for want in [
        "million-streams: when lifetime units of streaming reach 1,000,000; prospectively",
        "raises: ana +1% on streaming, bo +0.5% on streaming",
        "top-5: when the events file has a chart event with a value at most 5 on one of its tracks",
        "raises: cai +1% on streaming",
        "unlocks for cai: a producer credit on the next single",
        "ana: 30/43 (about 69.77%)",
        "ana-advance: 300.00 USD to ana, dated 2026-01-05",
        // The worked example crosses million-streams and says so.
        "streaming 10,000.00 x 1% x 0.6 = 60.00 (milestone million-streams, on 0.6 of the period's streaming past it)",
    ] {
        assert!(t.contains(want), "{want} not in:\n{t}");
    }
}

#[test]
fn reconcile_against_the_distributors_own_file_total_ties_out() {
    let l = tempfile::tempdir().unwrap();
    // The distributor's total of its file: every row, the album row included.
    let total: Exact = distrokid_rows().iter().map(|r| r.3.clone()).sum();
    assert_eq!(total.to_string(), "4911.31");
    let expect = l.path().join("expect.csv");
    std::fs::write(
        &expect,
        format!(
            "file,currency,amount,lines\ndistrokid.tsv,USD,{total},7\nsync.csv,EUR,1000.00,1\n"
        ),
    )
    .unwrap();
    let e = expect.to_str().unwrap();
    let t = text(l.path(), &["reconcile", "--expect", e, "--format", "table"]);
    assert!(
        t.contains("Against the distributor's totals: 0 differences"),
        "{t}"
    );
    let t = t.replace(e, "EXPECT");
    common::assert_golden(
        &common::repo_root().join("tests/golden/reconcile-one-truth.txt"),
        &t,
    );
    let r = json(l.path(), &["reconcile", "--expect", e, "--format", "json"]);
    let f = &r["files"][0];
    assert_eq!(f["ties_out"], "ok");
    assert_eq!(f["skipped"][0]["amount"]["USD"], "14.97");
    let run = json(l.path(), &["run", "--format", "json"]);
    assert_eq!(run["statements"][0]["skipped"][0]["amount"]["USD"], "14.97");
}

#[test]
fn a_closed_period_rerun_is_refused_with_other_statements_and_reproduced_with_its_own() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["agreements", "statements/2026-Q1", "statements/2026-Q2"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(label().join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    for f in ["royalty.toml", "fx.csv", "events.csv"] {
        std::fs::copy(label().join(f), dir.path().join(f)).unwrap();
    }
    let ledger = dir.path().join("ledger");
    let closed: Value =
        serde_json::from_slice(&ok(dir.path(), &ledger, &["close", "--format", "json"])).unwrap();
    let again: Value =
        serde_json::from_slice(&ok(dir.path(), &ledger, &["run", "--format", "json"])).unwrap();
    assert_eq!(again, closed);
    let out = royalty_in(
        dir.path(),
        &ledger,
        &[
            "run",
            "--statements",
            "statements/2026-Q2",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2026-Q1 is already closed"), "{err}");
}
