//! `init`: the project it writes passes `check` and `run` as it is, and it
//! never writes over an existing file.

use assert_cmd::Command;
use serde_json::Value;

fn royalty(dir: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(dir);
    c
}

#[test]
fn the_new_project_checks_and_runs() {
    let d = tempfile::tempdir().unwrap();
    royalty(d.path()).args(["init", "label"]).assert().success();
    let p = d.path().join("label");
    for f in [
        "royalty.toml",
        "agreements/example.toml",
        "statements/example-distributor.csv",
        "fx.csv",
    ] {
        assert!(p.join(f).is_file(), "{f}");
    }
    royalty(&p).arg("check").assert().success();
    let out = royalty(&p)
        .args(["run", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["checks"]["conservation"], "ok");
    assert_eq!(v["unmatched"]["lines"], 0);
    let parties: Vec<&str> = v["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["producer", "mixer"]);
    assert_eq!(v["payouts"][1]["paid_currency"], "EUR");
    // The template's other commands work too.
    royalty(&p)
        .args(["describe", "example-single"])
        .assert()
        .success();
}

#[test]
fn init_in_the_current_folder_refuses_to_overwrite() {
    let d = tempfile::tempdir().unwrap();
    royalty(d.path()).arg("init").assert().success();
    std::fs::write(d.path().join("fx.csv"), "mine\n").unwrap();
    std::fs::remove_file(d.path().join("royalty.toml")).unwrap();
    royalty(d.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already exist"));
    // Nothing was written: not even the missing file.
    assert!(!d.path().join("royalty.toml").exists());
    assert_eq!(
        std::fs::read_to_string(d.path().join("fx.csv")).unwrap(),
        "mine\n"
    );
}
