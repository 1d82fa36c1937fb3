//! All-or-nothing outputs (docs/commands.md, "Outputs"), through the real
//! binary: every output path is checked before anything is computed, a
//! refused or failed command writes nothing at all, files are written
//! together and through symbolic links with the user's umask, standard
//! output is checked, and closing an empty statements folder takes a flag.

mod lab;

use lab::*;
use std::process::Stdio;

fn simple() -> Lab {
    let lab = Lab::new(&[(
        "s.toml",
        &agreement(
            "s",
            TRACK,
            "[[party]]\nid = \"p\"\nname = \"Pat\"\n[rates.p]\nstreaming = \"10%\"\n",
        ),
    )]);
    lab.quarters("streaming", &[(1, "100.00"), (2, "200.00")]);
    lab.write(
        "q1/u.csv",
        &one_line("QZZZZ2600009", "streaming", 1, "5.00", "USD"),
    );
    lab
}

fn code(lab: &Lab, args: &[&str]) -> (i32, String) {
    let out = lab.cmd(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under the lab's folder (relative), except inputs.
fn written(lab: &Lab) -> Vec<String> {
    fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut v = Vec::new();
    walk(lab.path("").as_path(), lab.path("").as_path(), &mut v);
    v.retain(|p| !p.starts_with("agreements") && !p.starts_with('q'));
    v.sort();
    v
}

#[test]
fn close_into_a_missing_folder_fails_before_the_period_is_committed() {
    let lab = simple();
    let (c, err) = code(
        &lab,
        &[
            "close",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "missing/out.json",
        ],
    );
    assert_ne!(c, 0);
    assert!(
        err.contains("missing/out.json") && err.contains("does not exist"),
        "{err}"
    );
    assert_eq!(written(&lab), Vec::<String>::new(), "{err}");
    // The same close with a good path then succeeds: nothing was recorded.
    let (c, err) = code(
        &lab,
        &[
            "close",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "out.json",
        ],
    );
    assert_eq!(c, 0, "{err}");
}

#[test]
fn a_run_with_one_bad_output_writes_none_of_the_others() {
    let lab = simple();
    let (c, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--unmatched",
            "u.csv",
            "--payments",
            "p.csv",
            "--output",
            "bad/x.json",
        ],
    );
    assert_ne!(c, 0);
    assert!(err.contains("bad/x.json"), "{err}");
    assert_eq!(written(&lab), Vec::<String>::new());
    // Two outputs on one file are refused too.
    let (c, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--payments",
            "x.csv",
            "--unmatched",
            "./x.csv",
        ],
    );
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("are the same file"), "{err}");
    assert_eq!(written(&lab), Vec::<String>::new());
    // An output that is a folder.
    std::fs::create_dir(lab.path("folder")).unwrap();
    let (c, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "folder",
        ],
    );
    assert_ne!(c, 0);
    assert!(err.contains("is a folder"), "{err}");
}

#[test]
fn a_refused_close_writes_nothing_not_even_the_payment_file() {
    let lab = simple();
    lab.close("2026-Q2", "q2");
    let before = written(&lab);
    let (c, err) = code(
        &lab,
        &[
            "close",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--payments",
            "pay.csv",
            "--output",
            "out.json",
        ],
    );
    assert_eq!(c, 3, "{err}");
    assert!(
        err.contains("not after the last closed period 2026-Q2"),
        "{err}"
    );
    assert_eq!(written(&lab), before);
}

#[test]
fn closing_an_empty_statements_folder_needs_a_flag() {
    let lab = simple();
    std::fs::create_dir_all(lab.path("empty")).unwrap();
    let (c, err) = code(
        &lab,
        &["close", "--period", "2026-Q1", "--statements", "empty"],
    );
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("--allow-empty"), "{err}");
    assert!(!lab.path("ledger/2026-Q1.json").exists());
    assert!(!lab.path("ledger/2026-Q1.payments.csv").exists());
    let (c, err) = code(
        &lab,
        &[
            "close",
            "--period",
            "2026-Q1",
            "--statements",
            "empty",
            "--allow-empty",
        ],
    );
    assert_eq!(c, 0, "{err}");
    assert!(lab.path("ledger/2026-Q1.json").exists());
}

#[cfg(unix)]
#[test]
fn an_output_through_a_link_writes_the_target_and_keeps_the_link() {
    let lab = simple();
    std::fs::create_dir(lab.path("real")).unwrap();
    std::fs::write(lab.path("real/out.json"), "old").unwrap();
    std::os::unix::fs::symlink("real/out.json", lab.path("out.json")).unwrap();
    let (c, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "out.json",
        ],
    );
    assert_eq!(c, 0, "{err}");
    let link = std::fs::symlink_metadata(lab.path("out.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lab.path("real/out.json")).unwrap()).unwrap();
    assert_eq!(v["period"], "2026-Q1");
}

#[cfg(unix)]
#[test]
fn outputs_get_the_users_umask() {
    use std::os::unix::fs::PermissionsExt;
    let lab = simple();
    let bin = assert_cmd::cargo::cargo_bin("royalty");
    for (umask, want) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let script = format!(
            "umask {umask}; exec '{}' run --agreements agreements --period 2026-Q1 --statements q1 \
             --output out-{umask}.json --payments pay-{umask}.csv",
            bin.display()
        );
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .current_dir(lab.path(""))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for f in [format!("out-{umask}.json"), format!("pay-{umask}.csv")] {
            let mode = std::fs::metadata(lab.path(&f))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, want, "{f}: {mode:o} under umask {umask}");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_is_an_error() {
    let lab = simple();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    for args in [
        &[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--format",
            "json",
        ][..],
        &["credits", "--format", "csv"][..],
        &["formats"][..],
        &["check"][..],
    ] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("royalty"))
            .current_dir(lab.path(""))
            .args(args)
            .args(["--agreements", "agreements"])
            .stdout(Stdio::from(full.try_clone().unwrap()))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} exited 0 on a full disk");
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {err}");
        assert!(err.contains("<standard output>"), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let lab = simple();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("royalty"))
        .current_dir(lab.path(""))
        .args(["credits", "--agreements", "agreements", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before anything is written (`| head -c0`).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn statements_into_a_file_are_refused_before_computing() {
    let lab = simple();
    lab.write("taken", "a file");
    let (c, err) = code(
        &lab,
        &[
            "statements",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "taken",
        ],
    );
    assert_ne!(c, 0);
    assert!(err.contains("is a file, not a folder"), "{err}");
    let (c, err) = code(
        &lab,
        &[
            "statements",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "new/dir",
        ],
    );
    assert_eq!(c, 0, "{err}");
    assert!(lab.path("new/dir/s--p.md").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_error_is_not_a_panic_nor_a_success() {
    let lab = simple();
    lab.close("2026-Q1", "q1");
    // A leftover temporary file makes `run` print a warning.
    lab.write("ledger/.royalty-x.tmp", "");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("royalty"))
        .current_dir(lab.path(""))
        .args(["run", "--agreements", "agreements", "--period", "2026-Q2"])
        .args(["--statements", "q2", "--output", "out.json"])
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The output itself was written: only the message was lost.
    assert!(lab.path("out.json").exists());
}

/// Is `p` still what it was: a FIFO, a character device?
#[cfg(unix)]
fn file_type(p: &std::path::Path) -> std::fs::FileType {
    std::fs::symlink_metadata(p).unwrap().file_type()
}

#[cfg(unix)]
#[test]
fn an_output_onto_a_fifo_is_written_into_it_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let lab = simple();
    let fifo = lab.path("out.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // The reader, as `royalty run --output >(wc -c)` has one.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let (c, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "out.fifo",
        ],
    );
    assert_eq!(c, 0, "{err}");
    assert!(file_type(&fifo).is_fifo(), "the FIFO was replaced");
    let v: serde_json::Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    assert_eq!(v["period"], "2026-Q1");
    assert!(
        !written(&lab).iter().any(|f| f.contains(".royalty-")),
        "{:?}",
        written(&lab)
    );
}

#[cfg(unix)]
#[test]
fn an_output_onto_dev_null_leaves_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let null = std::path::Path::new("/dev/null");
    if !std::fs::metadata(null).is_ok_and(|m| m.file_type().is_char_device()) {
        return; // No /dev/null on this machine: nothing to check.
    }
    let lab = simple();
    for extra in [&[][..], &["--payments", "/dev/null"][..]] {
        let mut args = vec![
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "/dev/null",
        ];
        args.extend(extra);
        let (c, err) = code(&lab, &args);
        assert_eq!(c, 0, "{args:?}: {err}");
        assert!(file_type(null).is_char_device(), "/dev/null was replaced");
    }
}
