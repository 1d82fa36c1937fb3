//! The contract scripts rely on (docs/scripting.md): exit codes by class,
//! checked against the README's table and the help; problems as data
//! (`check --format json`, `--quiet`, `--strict`, codes documented in
//! docs/problems.md); every JSON document carrying its schema name and
//! valid against its JSON Schema file in docs/schema/.
//!
//! The schema files are written by hand and checked here against real
//! outputs with the `jsonschema` crate (a dev-dependency: a full draft
//! 2020-12 validator, so `additionalProperties: false`, patterns and `$ref`
//! are really checked and a field added without its schema fails a test).

mod common;

use common::{bundled_label, repo_root, run, Project};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn label() -> Project {
    bundled_label()
}

fn code(p: &Project, args: &[&str]) -> (i32, String, String) {
    run(p.cmd().args(args))
}

// ---------------------------------------------------------------- exit codes

/// The codes of the README's "Exit codes" table.
fn readme_codes() -> BTreeMap<u8, String> {
    let text = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = text
        .split("## Exit codes")
        .nth(1)
        .expect("the README has an Exit codes section");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            Some((cells.get(1)?.parse().ok()?, cells.get(2)?.to_string()))
        })
        .collect()
}

#[test]
fn the_readme_the_help_and_the_commands_doc_list_the_same_exit_codes() {
    let readme = readme_codes();
    let want: BTreeSet<u8> = [0, 1, 2, 3, 70, 74, 75].into();
    assert_eq!(readme.keys().copied().collect::<BTreeSet<_>>(), want);
    let (c, help, _) = run(common::royalty().arg("--help"));
    assert_eq!(c, 0);
    let commands = std::fs::read_to_string(repo_root().join("docs/commands.md")).unwrap();
    let doc = commands.split("## Exit codes").nth(1).unwrap();
    for code in &want {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{code} "))),
            "`royalty --help` does not explain exit code {code}:\n{help}"
        );
        assert!(
            doc.contains(&format!("| {code} |")),
            "docs/commands.md does not list exit code {code}"
        );
    }
}

/// Each class of the README's table, produced by a real run.
#[test]
fn every_exit_code_class_is_what_the_readme_says() {
    let p = label();
    let readme = readme_codes();
    let said = |c: u8| readme.get(&c).cloned().unwrap_or_default();
    // 0
    assert_eq!(code(&p, &["run", "--format", "json"]).0, 0, "{}", said(0));
    // 1: a file named that does not exist is the input being wrong.
    let (c, _, err) = code(&p, &["run", "--statements", "no-such-folder"]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("no-such-folder"), "{err}");
    // 1: a problem in a file, with its place.
    p.write("bad/s.csv", "period,isrc,source,territory,units,amount,currency\n2026-01,QZNWX2600101,streaming,US,10,ten,USD\n");
    let (c, _, err) = code(&p, &["run", "--statements", "bad"]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("bad/s.csv:2:"), "{err}");
    // 2
    assert_eq!(code(&p, &["run", "--no-such-flag"]).0, 2);
    assert_eq!(code(&p, &["run", "--period", "2026-Q5"]).0, 2);
    // 3: refused for good.
    assert_eq!(code(&p, &["close"]).0, 0);
    let (c, _, err) = code(&p, &["close"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("already closed"), "{err}");
    // 70: a failed self-check, and a panic (injected: debug builds only).
    let (c, out, err) = run(p
        .cmd()
        .args([
            "run",
            "--period",
            "2026-Q2",
            "--statements",
            "samples/2026-Q2",
        ])
        .env("ROYALTY_FAULT", "self-check"));
    assert_eq!(c, 70, "{err}");
    assert!(out.is_empty());
    let (c, _, err) = run(p
        .cmd()
        .args([
            "run",
            "--period",
            "2026-Q2",
            "--statements",
            "samples/2026-Q2",
        ])
        .env("ROYALTY_FAULT", "panic"));
    assert_eq!(c, 70, "a panic is a bug: {err}");
    assert!(err.contains("internal error"), "{err}");
}

/// 74: the environment failed. A full disk (`/dev/full` as standard
/// output: ENOSPC) names the path.
#[test]
fn a_full_disk_is_an_environment_failure_naming_the_path() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full on this system");
        return;
    };
    let p = label();
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("royalty"))
        .current_dir(p.path())
        .args(["run", "--format", "json"])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(74), "{err}");
    assert!(err.contains("<standard output>"), "{err}");
    assert!(err.contains("I/O error"), "{err}");
}

/// 74: permission denied on an input and on an output. Tests run as root
/// here, where permissions do not stop reads: the binary is then run as
/// `nobody` with `setpriv`; without it (or as a user for whom chmod does
/// not bite), the case is skipped and says so.
#[cfg(unix)]
#[test]
fn permission_denied_is_an_environment_failure_naming_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let p = label();
    // A folder everyone may enter (tempdir makes it 0700).
    std::fs::set_permissions(p.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for d in ["agreements", "samples", "samples/2026-Q1"] {
        std::fs::set_permissions(p.path().join(d), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let secret = p.path().join("samples/2026-Q1/physical-uk.csv");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let locked = p.mkdir("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("royalty");
    let is_root = std::fs::read(&secret).is_ok();
    let as_user = |args: &[&str]| -> Option<(i32, String)> {
        let mut c = if is_root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin);
            c
        } else {
            std::process::Command::new(&bin)
        };
        let o = c.current_dir(p.path()).args(args).output().ok()?;
        Some((
            o.status.code()?,
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ))
    };
    let Some((c, err)) = as_user(&["run", "--format", "json"]) else {
        eprintln!("skipped: running as root and `setpriv` is not available to drop to nobody");
        return;
    };
    if c == 0 || err.contains("setpriv") {
        eprintln!("skipped: could not run without read permission ({err})");
        return;
    }
    assert_eq!(c, 74, "{err}");
    assert!(err.contains("samples/2026-Q1/physical-uk.csv"), "{err}");
    assert!(err.contains("ermission denied"), "{err}");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (c, err) = as_user(&["run", "--format", "json", "--output", "locked/out.json"]).unwrap();
    assert_eq!(c, 74, "{err}");
    assert!(err.contains("locked/out.json"), "{err}");
}

/// 75: the ledger lock held by another run; `--wait` waits it out.
#[test]
fn a_held_lock_is_busy_and_wait_waits_for_it() {
    let p = label();
    std::fs::create_dir_all(p.path().join("ledger")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(p.path().join("ledger/.lock"))
        .unwrap();
    lock.lock().unwrap();
    let (c, out, err) = code(&p, &["close"]);
    assert_eq!(c, 75, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("busy") && err.contains("--wait"), "{err}");
    assert!(!p.path().join("ledger/2026-Q1.json").exists());
    // Released while the close waits: it closes.
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        drop(lock);
    });
    let (c, _, err) = code(&p, &["close", "--wait", "30", "--format", "json"]);
    release.join().unwrap();
    assert_eq!(c, 0, "{err}");
    assert!(p.path().join("ledger/2026-Q1.json").exists());
    // `--wait` is a number of seconds.
    assert_eq!(code(&p, &["close", "--wait", "soon"]).0, 2);
}

// ---------------------------------------------------------- problems as data

/// The codes docs/problems.md lists.
fn documented_codes() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo_root().join("docs/problems.md")).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect()
}

/// A project with a warning (an empty statement, a note in the folder)
/// and, optionally, an error.
fn troubled(error: bool) -> Project {
    let p = label();
    p.write("samples/2026-Q1/empty.csv", "");
    p.write(
        "samples/2026-Q1/notes.md",
        "sent by the distributor on 2026-04-10\n",
    );
    if error {
        p.write(
            "samples/2026-Q1/broken.csv",
            "period,isrc,source,territory,units,amount,currency\n2026-01,QZNWX2600101,streaming,US,12,1.5.0,USD\n",
        );
    }
    p
}

#[test]
fn check_gives_every_problem_as_data_with_a_documented_code() {
    let codes = documented_codes();
    let p = troubled(true);
    let (c, out, err) = code(&p, &["check", "--format", "json"]);
    assert_eq!(c, 1, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema"], "royalty.check/1");
    assert_eq!(doc["ok"], false);
    let problems = doc["problems"].as_array().unwrap();
    let find = |code: &str| {
        problems
            .iter()
            .find(|p| p["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {doc:#}"))
    };
    let bad = find("statement.invalid");
    assert_eq!(bad["file"], "samples/2026-Q1/broken.csv");
    assert_eq!(bad["line"], 2);
    assert!(bad["column"].as_u64().unwrap() > 0, "{bad}");
    assert_eq!(bad["severity"], "error");
    assert!(bad["message"].as_str().unwrap().contains("1.5.0"), "{bad}");
    let empty = find("statement.empty");
    assert_eq!(empty["severity"], "warning");
    assert_eq!(empty["line"], Value::Null);
    let folder = find("folder.not-read");
    assert!(
        folder["message"].as_str().unwrap().contains("notes.md"),
        "{folder}"
    );
    assert_eq!(doc["errors"], 1);
    for p in problems {
        let c = p["code"].as_str().unwrap();
        assert!(codes.contains(c), "code {c} is not in docs/problems.md");
    }
    // The same problems, as text, on standard error.
    assert!(err.contains("samples/2026-Q1/broken.csv:2:"), "{err}");
}

#[test]
fn every_command_lists_its_warnings_in_its_json() {
    let p = troubled(false);
    for args in [
        vec!["run"],
        vec!["reconcile"],
        vec!["credits"],
        vec!["whatif", "--streams", "1M"],
        vec!["explain", "--party", "midnight-drive/ben"],
    ] {
        let mut full = args.clone();
        full.extend(["--format", "json"]);
        let (c, out, err) = code(&p, &full);
        assert_eq!(c, 0, "{args:?}: {err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        let codes: Vec<&str> = doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.contains(&"statement.empty") && codes.contains(&"folder.not-read"),
            "{args:?}: {codes:?}"
        );
    }
}

#[test]
fn quiet_keeps_standard_error_to_errors_and_strict_fails_on_warnings() {
    let p = troubled(false);
    let (c, _, err) = code(&p, &["run", "--format", "json"]);
    assert_eq!(c, 0);
    assert!(err.contains("warning"), "{err}");
    let (c, out, err) = code(&p, &["run", "--format", "json", "--quiet"]);
    assert_eq!(c, 0);
    assert!(err.is_empty(), "--quiet printed: {err}");
    assert!(
        out.contains("statement.empty"),
        "the JSON still lists the warnings"
    );
    // The flag goes before the command too.
    let (c, _, err) = code(&p, &["--quiet", "close", "--format", "json"]);
    assert_eq!(c, 0);
    assert!(err.is_empty(), "--quiet printed: {err}");
    // --strict: exit 1 before anything is written.
    let q = troubled(false);
    let (c, out, err) = code(&q, &["close", "--strict", "--output", "out.json"]);
    assert_eq!(c, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("samples/2026-Q1/empty.csv: error:"), "{err}");
    assert!(!q.path().join("out.json").exists());
    assert!(!q.path().join("ledger").join("2026-Q1.json").exists());
    let (c, out, _) = code(&q, &["check", "--strict", "--format", "json"]);
    assert_eq!(c, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["severity"] == "error"));
    // Without warnings, --strict changes nothing.
    assert_eq!(
        code(&label(), &["run", "--strict", "--format", "json"]).0,
        0
    );
}

// ------------------------------------------------------------------ schemas

fn schema(kind: &str) -> Value {
    let path = repo_root().join("docs/schema").join(format!("{kind}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no schema file {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Validates a real output against its schema file, with every error.
fn assert_valid(kind: &str, out: &str) -> Value {
    let doc: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{kind}: {e}\n{out}"));
    let first = doc.as_object().and_then(|o| o.keys().next()).cloned();
    assert_eq!(
        first.as_deref(),
        Some("schema"),
        "{kind}: schema is not the first field"
    );
    assert_eq!(doc["schema"], format!("royalty.{kind}/1"));
    let s = schema(kind);
    let v = jsonschema::validator_for(&s).unwrap_or_else(|e| panic!("{kind}.json: {e}"));
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{kind} does not match docs/schema/{kind}.json:\n{}",
        errors.join("\n")
    );
    doc
}

/// The JSON of every command of the bundled label, closed Q1 and run Q2.
fn outputs() -> Vec<(&'static str, String)> {
    let p = troubled(false);
    let json = |args: &[&str]| -> String {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let (c, out, err) = code(&p, &a);
        assert_eq!(c, 0, "{args:?}: {err}");
        out
    };
    let q2 = |args: &[&str]| -> String {
        let mut a = args.to_vec();
        a.extend(["--period", "2026-Q2", "--statements", "samples/2026-Q2"]);
        json(&a)
    };
    p.write(
        "expect.csv",
        "file,currency,amount,lines\nphysical-uk.csv,GBP,1.00,30\n",
    );
    let check = json(&["check"]);
    let close = json(&["close"]);
    // A dispute of Q1, seen by Q2's documents.
    let (c, _, err) = code(
        &p,
        &[
            "dispute",
            "open",
            "--party",
            "midnight-drive/ben",
            "--period",
            "2026-Q1",
            "--amount",
            "10.00",
            "--reason",
            "a short count",
        ],
    );
    assert_eq!(c, 0, "{err}");
    let mut v = vec![
        ("check", check),
        ("close-run", close),
        ("run", q2(&["run"])),
        (
            "explain-party-q2",
            q2(&["explain", "--party", "midnight-drive/ben"]),
        ),
        ("reconcile-q2", q2(&["reconcile"])),
        ("dispute-list", json(&["dispute", "list"])),
        ("credits", json(&["credits"])),
        ("credits-no-period", {
            // Without a period: the original terms, `period` null.
            std::fs::write(
                p.path().join("royalty.toml"),
                "agreements = \"agreements\"\n",
            )
            .unwrap();
            let out = json(&["credits"]);
            std::fs::copy(
                repo_root().join("royalty.toml"),
                p.path().join("royalty.toml"),
            )
            .unwrap();
            out
        }),
        (
            "whatif",
            json(&["whatif", "--streams", "10M", "--sync", "2500"]),
        ),
        (
            "whatif-sweep",
            json(&["whatif", "--streams", "0..6M/2M", "--sync", "2500"]),
        ),
        (
            "explain-party",
            json(&["explain", "--party", "midnight-drive/cy"]),
        ),
        (
            "explain-track",
            json(&["explain", "--track", "QZNWX2600301"]),
        ),
        ("ledger-status", json(&["ledger", "status"])),
    ];
    let (c, out, err) = code(
        &p,
        &["reconcile", "--format", "json", "--expect", "expect.csv"],
    );
    assert_eq!(c, 1, "a difference exits 1 after the whole report: {err}");
    v.push(("reconcile", out));
    v.extend(album());
    v
}

/// An album row apportioned to a track (`releases` in the documents).
fn album() -> Vec<(&'static str, String)> {
    let p = Project::new();
    p.write(
        "agreements/night-b.toml",
        "id = \"night-b\"\ncurrency = \"USD\"\n\
         [[track]]\nisrc = \"QZNWX2600003\"\ntitle = \"Night Three\"\n\
         [[party]]\nid = \"bo\"\nname = \"Bo Lind\"\nrole = \"mixer\"\n\
         [rates.bo]\nstreaming = \"20%\"\ndownload = \"0.12/unit\"\n\
         [[release]]\nupc = \"859700000014\"\ntracks = 12\nisrcs = [\"QZNWX2600003\"]\n",
    );
    let album = repo_root().join("tests/fixtures/releases/distrokid-album.csv");
    let json = |args: &[&str]| -> String {
        let mut c = p.cmd();
        c.args(args)
            .args([
                "--agreements",
                "agreements",
                "--period",
                "2026-Q2",
                "--format",
                "json",
                "--statements",
            ])
            .arg(&album);
        let (code, out, err) = run(&mut c);
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    let out = vec![
        ("run-album", json(&["run"])),
        ("reconcile-album", json(&["reconcile"])),
        (
            "explain-party-album",
            json(&["explain", "--party", "night-b/bo"]),
        ),
    ];
    assert!(out[0].1.contains("\"releases\""), "{}", out[0].1);
    out
}

#[test]
fn every_json_document_matches_its_schema_file() {
    let outs = outputs();
    let mut kinds = BTreeSet::new();
    for (name, out) in &outs {
        let kind = match *name {
            "close-run" | "run-album" => "run",
            "credits-no-period" => "credits",
            "explain-party-q2" | "explain-party-album" => "explain-party",
            "reconcile-q2" | "reconcile-album" => "reconcile",
            k => k,
        };
        let doc = assert_valid(kind, out);
        kinds.insert(kind.to_string());
        if *name == "credits-no-period" {
            assert_eq!(doc["period"], Value::Null);
        }
        if *name == "explain-party-q2" {
            assert_eq!(doc["disputes"][0]["id"], "D1", "{doc:#}");
        }
    }
    // Every schema file in docs/schema/ is checked against a real output,
    // and is itself a valid JSON Schema.
    let files: BTreeSet<String> = std::fs::read_dir(repo_root().join("docs/schema"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files, kinds,
        "a schema file without a tested document, or the reverse"
    );
    for k in &files {
        assert!(
            jsonschema::meta::is_valid(&schema(k)),
            "{k}.json is not a valid JSON Schema"
        );
    }
}

#[test]
fn a_field_the_schema_does_not_know_is_caught() {
    // The schemas are strict: a document with a field added (or a money
    // field written without its cents) does not pass.
    let p = label();
    let (_, out, _) = code(&p, &["run", "--format", "json"]);
    let mut doc: Value = serde_json::from_str(&out).unwrap();
    let v = jsonschema::validator_for(&schema("run")).unwrap();
    assert!(v.is_valid(&doc));
    doc["payouts"][0]["surprise"] = "1.00".into();
    assert!(!v.is_valid(&doc));
    doc["payouts"][0]
        .as_object_mut()
        .unwrap()
        .remove("surprise");
    doc["payouts"][0]["earned"] = "1.5".into();
    assert!(!v.is_valid(&doc));
}

#[test]
fn docs_name_every_schema() {
    let text = std::fs::read_to_string(repo_root().join("docs/schema.md")).unwrap();
    for e in std::fs::read_dir(repo_root().join("docs/schema")).unwrap() {
        let stem: PathBuf = e.unwrap().path();
        let kind = stem.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            text.contains(&format!("royalty.{kind}/1")),
            "docs/schema.md does not describe royalty.{kind}/1"
        );
    }
}
