//! The ledger knows its own length (docs/ledger.md, "The head record"):
//! through the real binary, a removed, renamed, replaced or edited newest
//! period file is refused (exit 3), `ledger verify` reports the chain, a
//! close interrupted between its period file and its head is completed by
//! the next one, older ledgers without a head still read, and temporary
//! files left by an interrupted write are reported and cleaned.

mod lab;

use lab::*;
use std::path::Path;

/// A label with two quarters of statements.
fn two_quarters() -> Lab {
    let lab = Lab::new(&[(
        "s.toml",
        &agreement(
            "s",
            TRACK,
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"10%\"\n",
        ),
    )]);
    lab.quarters("streaming", &[(1, "100.00"), (2, "200.00"), (3, "300.00")]);
    lab
}

fn code(lab: &Lab, args: &[&str]) -> (i32, String, String) {
    let out = lab.cmd(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `run` of the next quarter and `ledger verify`: both refuse with exit 3
/// and `what` in their message.
fn assert_refused(lab: &Lab, what: &str) {
    let (c, _, err) = code(lab, &["run", "--period", "2026-Q3", "--statements", "q3"]);
    assert_eq!(c, 3, "run: {err}");
    assert!(err.contains(what), "run: expected `{what}` in {err}");
    let (c, out, err) = code(lab, &["ledger", "verify"]);
    assert_eq!(c, 3, "verify: {out}{err}");
    assert!(out.contains("BREAK") && out.contains(what), "{out}");
    // And the period cannot be closed (and paid) a second time.
    let (c, _, err) = code(lab, &["close", "--period", "2026-Q2", "--statements", "q2"]);
    assert_eq!(c, 3, "close: {err}");
}

#[test]
fn a_whole_ledger_verifies_and_lists_its_chain() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    lab.close("2026-Q2", "q2");
    let (c, out, err) = code(&lab, &["ledger", "verify"]);
    assert_eq!(c, 0, "{out}{err}");
    assert!(
        out.contains("2026-Q1.json     period 2026-Q1, first"),
        "{out}"
    );
    assert!(
        out.contains("2026-Q2.json     period 2026-Q2, follows 2026-Q1.json"),
        "{out}"
    );
    assert!(
        out.contains("head: 2026-Q2 (2026-Q2.json, 2 files)"),
        "{out}"
    );
    assert!(out.contains("ok: 2 files"), "{out}");
    let head: serde_json::Value =
        serde_json::from_slice(&std::fs::read(lab.path("ledger/head.json")).unwrap()).unwrap();
    assert_eq!(head["period"], "2026-Q2");
    assert_eq!(
        head["sha256"],
        royalty::ledger::store::sha256(&std::fs::read(lab.path("ledger/2026-Q2.json")).unwrap())
    );
}

#[test]
fn a_removed_newest_file_is_refused() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    lab.close("2026-Q2", "q2");
    std::fs::remove_file(lab.path("ledger/2026-Q2.json")).unwrap();
    assert_refused(&lab, "2026-Q2.json is missing");
}

#[test]
fn a_renamed_newest_file_is_refused() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    lab.close("2026-Q2", "q2");
    std::fs::rename(
        lab.path("ledger/2026-Q2.json"),
        lab.path("ledger/2026-Q2.json.bak"),
    )
    .unwrap();
    assert_refused(&lab, "2026-Q2.json is missing");
}

#[test]
fn a_replaced_newest_file_is_refused() {
    // The same two periods closed in another folder with other figures:
    // a valid file, whose chain links to the same 2026-Q1.json.
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    let other = Lab::new(&[(
        "s.toml",
        &std::fs::read_to_string(lab.path("agreements/s.toml")).unwrap(),
    )]);
    std::fs::create_dir_all(other.path("ledger")).unwrap();
    std::fs::copy(
        lab.path("ledger/2026-Q1.json"),
        other.path("ledger/2026-Q1.json"),
    )
    .unwrap();
    std::fs::copy(lab.path("ledger/head.json"), other.path("ledger/head.json")).unwrap();
    other.quarters("streaming", &[(1, "100.00"), (5, "999.00")]);
    lab.close("2026-Q2", "q2");
    other.close("2026-Q2", "q2");
    std::fs::copy(
        other.path("ledger/2026-Q2.json"),
        lab.path("ledger/2026-Q2.json"),
    )
    .unwrap();
    assert_refused(&lab, "2026-Q2.json was replaced since it was closed");
}

#[test]
fn a_whitespace_edit_of_the_newest_file_is_refused() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    lab.close("2026-Q2", "q2");
    let f = lab.path("ledger/2026-Q2.json");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replacen(": ", ":  ", 1);
    std::fs::write(&f, text).unwrap();
    assert_refused(&lab, "2026-Q2.json was altered since it was written");
}

#[test]
fn a_removed_head_is_refused_once_the_ledger_has_one() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    lab.close("2026-Q2", "q2");
    std::fs::remove_file(lab.path("ledger/head.json")).unwrap();
    std::fs::remove_file(lab.path("ledger/2026-Q2.json")).unwrap();
    // 2026-Q1.json says its ledger keeps a head (written before it): the
    // head's absence shows, and 2026-Q2 cannot be closed again.
    let (c, _, err) = code(&lab, &["run", "--period", "2026-Q3", "--statements", "q3"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("head.json is missing"), "{err}");
}

/// Rewrites a period file as a version before the head record wrote it:
/// no `"head"` member, the checksum of what remains.
fn as_legacy(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.replace(",\n  \"head\": \"head.json\"", "");
    let at = text.rfind(",\n  \"checksum\": \"").unwrap();
    let body = format!("{}\n}}", &text[..at]);
    let sum = royalty::ledger::store::sha256(body.as_bytes());
    std::fs::write(
        path,
        format!("{},\n  \"checksum\": \"{sum}\"\n}}\n", &text[..at]),
    )
    .unwrap();
}

#[test]
fn an_older_ledger_without_head_reads_and_gets_its_head_at_the_next_close() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    as_legacy(&lab.path("ledger/2026-Q1.json"));
    std::fs::remove_file(lab.path("ledger/head.json")).unwrap();
    let (c, out, err) = code(&lab, &["ledger", "verify"]);
    assert_eq!(c, 0, "{out}{err}");
    assert!(out.contains("head: none yet"), "{out}");
    let run = lab.run("2026-Q2", "q2");
    let closed = lab.close("2026-Q2", "q2");
    assert_eq!(run["payouts"], closed["payouts"]);
    let (c, out, _) = code(&lab, &["ledger", "verify"]);
    assert_eq!(c, 0, "{out}");
    assert!(out.contains("head: 2026-Q2"), "{out}");
}

#[cfg_attr(
    not(debug_assertions),
    ignore = "fault injection exists in debug builds only"
)]
#[test]
fn a_close_killed_before_its_head_is_closed_once_and_the_head_catches_up() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    let out = lab
        .cmd(&["close", "--period", "2026-Q2", "--statements", "q2"])
        .env("ROYALTY_CRASH_AT", "before-head")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the injected crash did not happen");
    assert!(lab.path("ledger/2026-Q2.json").exists());
    let (c, out, _) = code(&lab, &["ledger", "verify"]);
    assert_eq!(c, 0, "{out}");
    assert!(out.contains("one behind"), "{out}");
    // The period was recorded: it is not closed a second time.
    let (c, _, err) = code(
        &lab,
        &["close", "--period", "2026-Q2", "--statements", "q2"],
    );
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("2026-Q2 is already closed"), "{err}");
    lab.close("2026-Q3", "q3");
    let (c, out, _) = code(&lab, &["ledger", "verify"]);
    assert_eq!(c, 0, "{out}");
    assert!(
        out.contains("head: 2026-Q3 (2026-Q3.json, 3 files)"),
        "{out}"
    );
}

#[cfg_attr(
    not(debug_assertions),
    ignore = "fault injection exists in debug builds only"
)]
#[test]
fn a_close_killed_before_the_ledger_leaves_its_payment_file_only() {
    let lab = two_quarters();
    let out = lab
        .cmd(&["close", "--period", "2026-Q1", "--statements", "q1"])
        .env("ROYALTY_CRASH_AT", "before-ledger")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(lab.path("ledger/2026-Q1.payments.csv").exists());
    assert!(!lab.path("ledger/2026-Q1.json").exists());
    assert!(!lab.path("ledger/head.json").exists());
    lab.close("2026-Q1", "q1");
    assert!(lab.path("ledger/head.json").exists());
}

#[test]
fn leftover_temporary_files_are_reported_then_cleaned() {
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    let tmp = lab.path("ledger/.royalty-Ab12Cd.tmp");
    std::fs::write(&tmp, "half a perio").unwrap();
    let (c, _, err) = code(&lab, &["run", "--period", "2026-Q2", "--statements", "q2"]);
    assert_eq!(c, 0, "{err}");
    assert!(
        err.contains(".royalty-Ab12Cd.tmp: warning: a temporary file left by an interrupted write"),
        "{err}"
    );
    let (c, out, _) = code(&lab, &["ledger", "verify"]);
    assert_eq!(c, 0, "{out}");
    assert!(
        out.contains("warning:") && out.contains(".royalty-Ab12Cd.tmp"),
        "{out}"
    );
    let (c, _, err) = code(
        &lab,
        &["close", "--period", "2026-Q2", "--statements", "q2"],
    );
    assert_eq!(c, 0, "{err}");
    assert!(err.contains("removed a temporary file"), "{err}");
    assert!(!tmp.exists());
}

#[cfg_attr(
    not(debug_assertions),
    ignore = "fault injection exists in debug builds only"
)]
#[test]
fn two_closes_killed_in_a_row_before_their_heads_leave_a_whole_ledger() {
    // Found by tools/crash_test.sh: the second interrupted close must bring
    // the head forward before writing, or the head ends two behind.
    let lab = two_quarters();
    lab.close("2026-Q1", "q1");
    for (period, q) in [("2026-Q2", "q2"), ("2026-Q3", "q3")] {
        let out = lab
            .cmd(&["close", "--period", period, "--statements", q])
            .env("ROYALTY_CRASH_AT", "before-head")
            .output()
            .unwrap();
        assert!(!out.status.success(), "the injected crash did not happen");
        let (c, out, err) = code(&lab, &["ledger", "verify"]);
        assert_eq!(c, 0, "after {period}: {out}{err}");
        assert!(out.contains("one behind"), "{out}");
    }
    let (c, _, err) = code(
        &lab,
        &[
            "run",
            "--period",
            "2026-Q4",
            "--statements",
            "q1",
            "--allow-duplicate",
        ],
    );
    assert_eq!(c, 0, "{err}");
}
