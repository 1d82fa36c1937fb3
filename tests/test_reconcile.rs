//! `reconcile` on the bundled example label: conservation holds, the ledger
//! rolls forward across a closed period, reported totals are compared and
//! dispute deadlines are dated from the period end.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn royalty(ledger: &Path, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--ledger")
        .arg(ledger);
    c
}

fn json(ledger: &Path, args: &[&str]) -> Value {
    let out = royalty(ledger, args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn conservation_holds_and_files_are_totalled() {
    let l = tempfile::tempdir().unwrap();
    let r = json(l.path(), &["reconcile", "--format", "json"]);
    assert_eq!(r["conservation"], "ok");
    assert_eq!(r["ledger"], "ok");
    assert_eq!(r["files"].as_array().unwrap().len(), 5);
    let usd = r["currencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency"] == "USD")
        .unwrap();
    assert_eq!(usd["statements"], "26950.649515");
    assert_eq!(usd["out_of_term"], "2861.394303");
    let text = String::from_utf8(
        royalty(l.path(), &["reconcile", "--format", "table"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(text.contains("Conservation: ok"), "{text}");
    assert!(
        text.contains(
            "midnight-drive/ben USD: 0.00 + 625.65 + 0.00 + 0.00 - 0.00 - 0.00 - 475.49 - 150.16 = 0.00  ok"
        ),
        "{text}"
    );
}

#[test]
fn ledger_rolls_forward_from_a_closed_period() {
    let l = tempfile::tempdir().unwrap();
    let pay = l.path().join("payments.csv");
    royalty(
        l.path(),
        &[
            "close",
            "--format",
            "json",
            "--payments",
            pay.to_str().unwrap(),
        ],
    )
    .assert()
    .success();
    let r = json(
        l.path(),
        &[
            "reconcile",
            "--period",
            "2026-Q2",
            "--statements",
            "samples/2026-Q2",
            "--format",
            "json",
        ],
    );
    assert_eq!(r["ledger"], "ok");
    let tomas = r["roll_forward"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["party"] == "tomas")
        .unwrap();
    // Tomás's small Q2 share is under the 50.00 EUR minimum: it stays in the ledger.
    assert_eq!(tomas["paid"], "0.00");
    assert_eq!(tomas["closing"], tomas["earned"]);
}

#[test]
fn reported_totals_that_differ_exit_1() {
    let l = tempfile::tempdir().unwrap();
    let expect = l.path().join("expect.csv");
    std::fs::write(
        &expect,
        "file,currency,amount,lines\nsync-licensing.csv,USD,6450.00,4\ndistributor-streaming.csv,EUR,3946.21,71\n",
    )
    .unwrap();
    let e = expect.to_str().unwrap();
    let out = royalty(l.path(), &["reconcile", "--format", "table", "--expect", e])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("ok         sync-licensing.csv USD: expected 6450.00, read 6450.00"),
        "{text}"
    );
    assert!(text.contains("DIFFERENCE distributor-streaming.csv EUR: expected 3946.21, read 3946.20, difference -0.01"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("1 difference against the distributor's totals"));
    std::fs::write(
        &expect,
        "file,currency,amount\nsync-licensing.csv,USD,6450.00\n",
    )
    .unwrap();
    royalty(l.path(), &["reconcile", "--format", "json", "--expect", e])
        .assert()
        .success();
    std::fs::write(&expect, "file,currency,amount\nx.csv,XYZ,12\n").unwrap();
    royalty(l.path(), &["reconcile", "--expect", e])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "expect.csv:2:2: error: `XYZ` is not an ISO 4217 currency",
        ));
}

#[test]
fn disputes_bind_objection_days_after_the_period_end() {
    let l = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("agreements/midnight-drive.toml")).unwrap();
    let a = l.path().join("midnight-drive.toml");
    std::fs::write(&a, format!("{text}\n[dispute]\nobjection_days = 90\n")).unwrap();
    let args = |as_of: &str| {
        let mut v = vec![
            "reconcile".to_string(),
            "--format".into(),
            "json".into(),
            "--agreements".into(),
        ];
        v.push(a.display().to_string());
        if !as_of.is_empty() {
            v.extend(["--as-of".into(), as_of.into()]);
        }
        v
    };
    let run = |as_of: &str| {
        let v = args(as_of);
        let v: Vec<&str> = v.iter().map(String::as_str).collect();
        json(&l.path().join("ledger"), &v)
    };
    let d = &run("")["disputes"][0];
    assert_eq!(d["deadline"], "2026-06-29");
    assert_eq!(d["status"], "open until 2026-06-29");
    assert_eq!(
        run("2026-07-01")["disputes"][0]["status"],
        "binding since 2026-06-29"
    );
}

/// A failed check is a bug (exit 70) and prints no document, in either
/// format: the error names what failed (docs/arithmetic.md, "Invariants").
#[test]
fn a_failed_check_prints_nothing() {
    let l = tempfile::tempdir().unwrap();
    for format in ["json", "table"] {
        let out = royalty(l.path(), &["reconcile", "--format", format])
            .env("ROYALTY_FAULT", "reconcile")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(70), "{format}");
        assert!(out.stdout.is_empty(), "{format}: printed a document");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("roll-forward"), "{err}");
    }
}
