//! Stable paths (docs/commands.md, "Paths"), `ledger status`
//! (docs/ledger.md, "Status") and the usual conventions: `-` for standard
//! input and output, an output that is an input refused, what a statement
//! folder does not read listed (docs/formats.md, "Statement folders").

mod common;

use common::{bundled_label, run, Project};
use serde_json::Value;
use std::path::Path;

fn label() -> Project {
    bundled_label()
}

fn ok(c: &mut assert_cmd::Command) -> String {
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    out
}

// -------------------------------------------------------------- stable paths

/// Everything a close and a run write, from the project's folder with the
/// implicit project file, and from elsewhere with `--project /abs/...`.
fn outputs_from(p: &Project, cwd: &Path, project: Option<&Path>) -> Vec<(String, Vec<u8>)> {
    let _ = std::fs::remove_dir_all(p.path().join("ledger"));
    let _ = std::fs::remove_dir_all(p.path().join("out"));
    std::fs::create_dir_all(p.path().join("out")).unwrap();
    let out = p.path().join("out");
    let cmd = |args: &[&str]| {
        let mut c = common::royalty();
        c.current_dir(cwd).args(args);
        if let Some(pr) = project {
            c.arg("--project").arg(pr);
        }
        c
    };
    let mut files = Vec::new();
    let close = ok(&mut cmd(&["close", "--format", "json"]));
    files.push(("close stdout".to_string(), close.into_bytes()));
    let (c, _, err) = run(&mut cmd(&[
        "run",
        "--period",
        "2026-Q2",
        "--statements",
        p.path().join("samples/2026-Q2").to_str().unwrap(),
        "--format",
        "csv",
        "--unmatched",
        out.join("unmatched.csv").to_str().unwrap(),
        "--output",
        out.join("run.csv").to_str().unwrap(),
    ]));
    assert_eq!(c, 0, "{err}");
    files.push(("run stderr".into(), err.into_bytes()));
    let agg = ok(&mut cmd(&["aggregate"]));
    files.push(("aggregate".into(), agg.into_bytes()));
    let rec = ok(&mut cmd(&["reconcile", "--format", "json"]));
    files.push(("reconcile".into(), rec.into_bytes()));
    let status = ok(&mut cmd(&["ledger", "status", "--format", "json"]));
    files.push(("status".into(), status.into_bytes()));
    for f in [
        "ledger/2026-Q1.json",
        "ledger/2026-Q1.payments.csv",
        "ledger/head.json",
        "out/unmatched.csv",
        "out/run.csv",
    ] {
        files.push((f.into(), std::fs::read(p.path().join(f)).unwrap()));
    }
    files
}

#[test]
fn outputs_are_the_same_bytes_whatever_the_working_directory() {
    let p = label();
    // An empty statement, so messages name a file too.
    p.write("samples/2026-Q2/empty.csv", "");
    let here = outputs_from(&p, p.path(), None);
    let elsewhere = tempfile::tempdir().unwrap();
    let abs = p.path().join("royalty.toml");
    let there = outputs_from(&p, elsewhere.path(), Some(&abs));
    let root = p.path().to_string_lossy().into_owned();
    for ((name, a), (_, b)) in here.iter().zip(&there) {
        let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
        assert_eq!(a, b, "{name} differs between the two working directories");
        assert!(!a.contains(&root), "{name} holds an absolute path:\n{a}");
    }
    let ledger = String::from_utf8_lossy(&here[5].1).into_owned();
    assert!(
        ledger.contains("\"file\": \"samples/2026-Q1/physical-uk.csv\""),
        "{ledger}"
    );
    let stderr = String::from_utf8_lossy(&here[1].1).into_owned();
    assert!(
        stderr.contains("samples/2026-Q2/empty.csv: warning"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn the_closed_period_guard_compares_canonical_paths_never_spellings() {
    let p = label();
    ok(p.cmd().args(["close"]));
    // The consumed file edited since: refused however it is named.
    let file = p.path().join("samples/2026-Q1/physical-uk.csv");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("2026-03,QZNWX2500201,physical,GB,Rough Trade,1,11.00,GBP\n");
    std::fs::write(&file, text).unwrap();
    std::os::unix::fs::symlink(p.path().join("samples"), p.path().join("via-link")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    for spelling in [
        "samples/2026-Q1/physical-uk.csv".to_string(),
        "./samples/../samples/2026-Q1/physical-uk.csv".into(),
        "via-link/2026-Q1/physical-uk.csv".into(),
        file.display().to_string(),
    ] {
        let (c, _, err) =
            run(p
                .cmd()
                .args(["run", "--period", "2026-Q2", "--statements", &spelling]));
        assert_eq!(c, 3, "{spelling}: {err}");
        assert!(err.contains("has changed since"), "{spelling}: {err}");
        // From another folder, through the absolute project file.
        let mut c = common::royalty();
        c.current_dir(elsewhere.path())
            .arg("run")
            .arg("--project")
            .arg(p.path().join("royalty.toml"))
            .args(["--period", "2026-Q2", "--statements"])
            .arg(p.path().join(&spelling));
        let (code, _, err) = run(&mut c);
        assert_eq!(code, 3, "{spelling} from elsewhere: {err}");
    }
}

// ----------------------------------------------------------- ledger status

#[test]
fn ledger_status_lists_closed_periods_in_time_order_the_next_and_the_gaps() {
    let p = label();
    let status = |p: &Project| -> Value {
        serde_json::from_str(&ok(p.cmd().args(["ledger", "status", "--format", "json"]))).unwrap()
    };
    let s = status(&p);
    assert_eq!(s["head"], "empty");
    assert_eq!(s["last"], Value::Null);
    assert_eq!(
        s["next"], "2026-Q1",
        "the project's period, nothing closed yet"
    );
    ok(p.cmd().args(["close"]));
    // A half-year after a gap: `2026-H2.json` sorts before `2026-Q1.json`.
    p.write("h2/s.csv", "period,isrc,source,territory,units,amount,currency\n2026-08,QZNWX2600001,streaming,US,1000,4.00,USD\n");
    ok(p.cmd().args([
        "close",
        "--period",
        "2026-H2",
        "--statements",
        "h2",
        "--payments",
        "h2-payments.csv",
    ]));
    let s = status(&p);
    let closed: Vec<&str> = s["closed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["period"].as_str().unwrap())
        .collect();
    assert_eq!(closed, ["2026-Q1", "2026-H2"]);
    assert_eq!(s["closed"][0]["file"], "ledger/2026-Q1.json");
    assert_eq!(s["closed"][0]["payments"], "ledger/2026-Q1.payments.csv");
    assert_eq!(s["closed"][1]["payments"], "h2-payments.csv");
    assert_eq!(s["closed"][0]["statements"], 5);
    let sha = common::sha256_of(&p.path().join("ledger/2026-Q1.json"));
    assert_eq!(s["closed"][0]["sha256"], sha);
    assert_eq!(s["last"], "2026-H2");
    assert_eq!(s["next"], "2027-H1");
    assert_eq!(s["head"], "current");
    assert_eq!(
        s["gaps"],
        serde_json::json!([{"after": "2026-Q1", "before": "2026-H2", "from": "2026-04-01", "to": "2026-06-30"}])
    );
    let table = ok(p.cmd().args(["ledger", "status", "--format", "table"]));
    assert!(table.contains("last closed: 2026-H2"), "{table}");
    assert!(table.contains("next to close: 2027-H1"), "{table}");
    assert!(table.contains("gap: 2026-04-01 to 2026-06-30"), "{table}");
    let q1 = table.find("2026-Q1 ").unwrap();
    let h2 = table.find("2026-H2 ").unwrap();
    assert!(q1 < h2, "{table}");
    // A broken ledger is refused, as by every command.
    std::fs::remove_file(p.path().join("ledger/2026-H2.json")).unwrap();
    assert_eq!(run(p.cmd().args(["ledger", "status"])).0, 3);
}

// -------------------------------------------------------------- conventions

#[test]
fn dash_reads_statements_from_standard_input_once() {
    let p = label();
    let file = p.path().join("samples/2026-Q1/physical-uk.csv");
    let bytes = std::fs::read(&file).unwrap();
    let doc: Value = serde_json::from_str(&ok(p
        .cmd()
        .args(["run", "--statements", "-", "--format", "json"])
        .write_stdin(bytes.clone())))
    .unwrap();
    let st = &doc["statements"][0];
    assert_eq!(st["file"], "<stdin>");
    assert_eq!(st["sha256"], common::sha256_of(&file));
    assert_eq!(st["lines"], 30);
    // The same figures as the file itself.
    let from_file: Value = serde_json::from_str(&ok(p.cmd().args([
        "run",
        "--statements",
        "samples/2026-Q1/physical-uk.csv",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(doc["payouts"], from_file["payouts"]);
    // Problems in it are named <stdin>.
    let (c, _, err) = run(p
        .cmd()
        .args(["run", "--statements", "-"])
        .write_stdin("period,isrc,source,territory,units,amount,currency\n2026-01,QZNWX2600201,physical,GB,x,1.00,GBP\n"));
    assert_eq!(c, 1);
    assert!(err.contains("<stdin>:2:"), "{err}");
    // Standard input can be read once.
    let (c, _, err) = run(p
        .cmd()
        .args(["run", "--statements", "-", "-"])
        .write_stdin(bytes));
    assert_eq!(c, 2, "{err}");
}

#[test]
fn dash_writes_to_standard_output_and_an_input_is_never_an_output() {
    let p = label();
    let out = ok(p.cmd().args(["run", "--format", "json", "--output", "-"]));
    assert!(
        out.starts_with("{\n  \"schema\": \"royalty.run/1\""),
        "{out}"
    );
    assert!(!p.path().join("-").exists(), "a file named - was written");
    // `-` is standard output only for --output.
    assert_eq!(run(p.cmd().args(["run", "--payments", "-"])).0, 2);
    for input in [
        "samples/2026-Q1/physical-uk.csv",
        "./samples/fx.csv",
        "agreements/midnight-drive.toml",
        "royalty.toml",
    ] {
        let before = std::fs::read(p.path().join(input)).unwrap();
        for flag in ["--output", "--payments", "--unmatched"] {
            let (c, _, err) = run(p.cmd().args(["run", flag, input]));
            assert_eq!(c, 2, "{flag} {input}: {err}");
            assert!(err.contains("is one of the inputs"), "{err}");
        }
        assert_eq!(std::fs::read(p.path().join(input)).unwrap(), before);
    }
    let (c, _, err) = run(p.cmd().args(["close", "--payments", "samples/events.csv"]));
    assert_eq!(c, 2, "{err}");
    assert!(!p.path().join("ledger/2026-Q1.json").exists());
    let (c, _, err) = run(p
        .cmd()
        .args(["reconcile", "--expect", "e.csv", "--output", "e.csv"]));
    assert_eq!(c, 2, "{err}");
}

#[cfg(unix)]
#[test]
fn a_statement_folder_lists_in_one_warning_what_it_does_not_read() {
    let p = label();
    let q = "samples/2026-Q1";
    p.write(
        &format!("{q}/README.txt"),
        "Statements for Q1, sent 2026-04-10.\n",
    );
    p.write(&format!("{q}/notes.md"), "# notes\n");
    p.write(&format!("{q}/.DS_Store"), "junk");
    p.write(&format!("{q}/old/2025-Q4.csv"), "not read\n");
    std::os::unix::fs::symlink("gone.csv", p.path().join(q).join("broken.csv")).unwrap();
    let (c, out, err) = run(p.cmd().args(["run", "--format", "json"]));
    assert_eq!(c, 0, "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("not read")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    for name in [
        "README.txt",
        "notes.md",
        ".DS_Store",
        "old/",
        "broken.csv (a broken link)",
    ] {
        assert!(
            warnings[0].contains(name),
            "{name} not listed: {}",
            warnings[0]
        );
    }
    assert!(
        warnings[0].starts_with("samples/2026-Q1: warning:"),
        "{}",
        warnings[0]
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["statements"].as_array().unwrap().len(), 5);
    assert!(doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["code"] == "folder.not-read" && p["file"] == q));
    // Named on its own, a note is read, and fails as what it is.
    let (c, _, err) = run(p
        .cmd()
        .args(["run", "--statements", &format!("{q}/README.txt")]));
    assert_eq!(c, 1, "{err}");
}

/// The same statement saved twice with other line endings has other bytes,
/// so the duplicate check by SHA-256 lets it through: a warning names both
/// files (an error under --strict), and --allow-duplicate silences it.
#[test]
fn a_statement_resaved_with_other_bytes_is_flagged() {
    let p = label();
    let csv = "period,isrc,source,territory,units,amount,currency\n\
               2026-01,QZNWX2600301,streaming,US,100,4.00,USD\n";
    p.write("twins/july.csv", csv);
    p.write("twins/july-excel.csv", &csv.replace('\n', "\r\n"));
    let args = ["run", "--format", "json", "--statements", "twins"];
    let (code, out, err) = run(p.cmd().args(args));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("twins/july.csv") && err.contains("same statement saved twice"),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(
        doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "statement.same-totals"),
        "{out}"
    );
    let (code, _, err) = run(p.cmd().arg("--strict").args(args));
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = run(p.cmd().args(args).arg("--allow-duplicate"));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("saved twice"), "{err}");
    // Two statements that differ are not flagged.
    p.write("twins/july-excel.csv", &csv.replace("4.00", "4.01"));
    let (_, _, err) = run(p.cmd().args(args));
    assert!(!err.contains("saved twice"), "{err}");
}
