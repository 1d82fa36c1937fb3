//! The dispute register end to end, on the real binary (docs/commands.md,
//! `dispute`; docs/arithmetic.md, steps 8b and 9b): a dispute opened on a
//! closed quarter holds the disputed amount from the next payments,
//! escalates with its deadlines shown in `dispute list` and `reconcile`,
//! and its resolution pays the agreed adjustment exactly once; conservation
//! holds at every step, and the statement shows the dispute and its outcome.
//! Bad input leaves the register's bytes unchanged.

mod lab;

use lab::{agreement, assert_fields, one_line, row, Lab, TRACK};
use serde_json::Value;

const PROCEDURE: &str = "[dispute]\nobjection_days = 90\nmediation_days = 60\n\
    arbitration = \"an independent royalty auditor\"\narbitration_days = 45\nhold_disputed = true\n";

/// One party, half of streaming, every quarter's line on `TRACK`.
fn label(extra: &str) -> Lab {
    let body = format!(
        "[[party]]\nid = \"ava\"\nname = \"Ava Stone\"\n[rates.ava]\nstreaming = \"50%\"\n{extra}"
    );
    let lab = Lab::new(&[("d.toml", &agreement("d", TRACK, &body))]);
    for (q, amount) in [
        ("q1", "1000.00"),
        ("q2", "400.00"),
        ("q3", "600.00"),
        ("q4", "100.00"),
        ("q5", "40.00"),
    ] {
        lab.write(
            &format!("{q}/s.csv"),
            &one_line(TRACK, "streaming", 1000, amount, "USD"),
        );
    }
    lab
}

/// Runs a command; returns (exit code, stdout, stderr).
fn exec(lab: &Lab, args: &[&str]) -> (i32, String, String) {
    let out = lab.cmd(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(lab: &Lab, args: &[&str]) -> String {
    let (code, out, err) = exec(lab, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn list(lab: &Lab, as_of: &str) -> Value {
    let out = ok(
        lab,
        &["dispute", "list", "--as-of", as_of, "--format", "json"],
    );
    serde_json::from_str(&out).unwrap()
}

fn register(lab: &Lab) -> Vec<u8> {
    std::fs::read(lab.path("ledger/disputes.json")).unwrap_or_default()
}

fn open_d1(lab: &Lab) {
    let out = ok(
        lab,
        &[
            "dispute",
            "open",
            "--party",
            "d/ava",
            "--period",
            "2026-Q1",
            "--amount",
            "250.00",
            "--reason",
            "streams under-reported in March",
            "--date",
            "2026-04-20",
        ],
    );
    assert!(out.starts_with("D1 opened on 2026-04-20"), "{out}");
}

#[test]
fn a_dispute_holds_escalates_and_pays_its_adjustment_exactly_once() {
    let lab = label(PROCEDURE);
    let q1 = lab.close("2026-Q1", "q1");
    assert_fields(
        row(&q1, "d", "ava"),
        &[("paid", "500.00"), ("held", "0.00"), ("adjusted", "0.00")],
    );

    // Opened on the closed quarter: mediation first, 60 days.
    open_d1(&lab);
    let l = list(&lab, "2026-05-01");
    let d1 = &l["disputes"][0];
    assert_eq!(d1["stage"], "mediation");
    assert_eq!(d1["next_deadline"], "2026-06-19");
    assert_eq!(d1["age_days"], 11);
    assert_eq!(d1["overdue"], false);

    // Q2 earns 200.00: all of it held (the claim is 250.00).
    let q2 = lab.close("2026-Q2", "q2");
    assert_fields(
        row(&q2, "d", "ava"),
        &[
            ("earned", "200.00"),
            ("held", "200.00"),
            ("payable", "0.00"),
            ("paid", "0.00"),
        ],
    );
    assert_eq!(q2["checks"]["conservation"], "ok");

    // Past mediation's deadline it is overdue, first in the list.
    let l = list(&lab, "2026-06-24");
    assert_eq!(l["disputes"][0]["overdue"], true);
    assert_eq!(l["disputes"][0]["overdue_days"], 5);
    assert_eq!(l["disputes"][0]["held"], "200.00");

    // To arbitration, with the decision due 45 days later.
    let out = ok(&lab, &["dispute", "escalate", "D1", "--date", "2026-06-25"]);
    assert!(
        out.contains("before an independent royalty auditor") && out.contains("2026-08-09"),
        "{out}"
    );
    let l = list(&lab, "2026-07-01");
    assert_eq!(l["disputes"][0]["stage"], "arbitration");
    assert_eq!(l["disputes"][0]["next_deadline"], "2026-08-09");
    assert_eq!(l["disputes"][0]["before"], "an independent royalty auditor");

    // Q3 earns 300.00: the 50.00 still to hold, 250.00 paid; reconcile
    // shows the dispute, its stage and deadline, and rolls forward.
    let q3 = lab.close("2026-Q3", "q3");
    assert_fields(
        row(&q3, "d", "ava"),
        &[("earned", "300.00"), ("held", "50.00"), ("paid", "250.00")],
    );
    let rec = ok(
        &lab,
        &[
            "reconcile",
            "--period",
            "2026-Q3",
            "--statements",
            "q3",
            "--as-of",
            "2026-08-10",
            "--format",
            "json",
        ],
    );
    let rec: Value = serde_json::from_str(&rec).unwrap();
    let reg = &rec["register"][0];
    assert_eq!(reg["id"], "D1");
    assert_eq!(reg["stage"], "arbitration");
    assert_eq!(reg["next_deadline"], "2026-08-09");
    assert!(
        reg["status"]
            .as_str()
            .unwrap()
            .starts_with("OVERDUE by 1 day (deadline 2026-08-09)"),
        "{reg}"
    );
    assert_eq!(reg["held"], "250.00");
    assert_eq!(rec["ledger"], "ok");
    let rf = &rec["roll_forward"][0];
    assert_eq!(
        (
            rf["opening"].as_str(),
            rf["held"].as_str(),
            rf["closing"].as_str()
        ),
        (Some("200.00"), Some("50.00"), Some("250.00"))
    );

    // Resolved: 180.00 agreed. Paid with Q4, with the 250.00 released.
    let before = register(&lab);
    let out = ok(
        &lab,
        &[
            "dispute",
            "resolve",
            "D1",
            "--adjustment",
            "180.00",
            "--note",
            "the auditor found 180.00 under-reported",
            "--date",
            "2026-10-15",
        ],
    );
    assert!(out.contains("180.00 USD is paid to ava"), "{out}");
    assert_ne!(register(&lab), before);
    let q4 = lab.close("2026-Q4", "q4");
    assert_fields(
        row(&q4, "d", "ava"),
        &[
            ("earned", "50.00"),
            ("held", "-250.00"),
            ("adjusted", "180.00"),
            ("payable", "480.00"),
            ("paid", "480.00"),
        ],
    );
    assert_eq!(q4["agreements"][0]["adjusted"], "180.00");
    assert_eq!(
        q4["agreements"][0]["label_retained"], "50.00",
        "the adjustment is beyond the split"
    );
    let pay = std::fs::read_to_string(lab.path("ledger/2026-Q4.payments.csv")).unwrap();
    assert!(
        pay.contains(",480.00,USD,2026-Q4,ROY-2026-Q4-d-ava,d,180.00,D1\n"),
        "{pay}"
    );

    // Exactly once: the next quarter pays nothing more for it.
    let q5 = lab.close("2027-Q1", "q5");
    assert_fields(
        row(&q5, "d", "ava"),
        &[
            ("earned", "20.00"),
            ("held", "0.00"),
            ("adjusted", "0.00"),
            ("paid", "20.00"),
        ],
    );
    let l = list(&lab, "2027-04-01");
    assert_eq!(l["disputes"][0]["stage"], "resolved");
    assert_eq!(l["disputes"][0]["settled"], "2026-Q4");
    assert_eq!(l["disputes"][0]["held"], "0.00");

    // Closed periods still reproduce (each saw the events it applied).
    for (p, s) in [("2026-Q2", "q2"), ("2026-Q3", "q3"), ("2026-Q4", "q4")] {
        let v = lab.run(p, s);
        assert_eq!(v["checks"]["conservation"], "ok");
    }

    // The statement shows the dispute and its outcome, and the steps.
    let st = ok(
        &lab,
        &[
            "statements",
            "--period",
            "2026-Q4",
            "--statements",
            "q4",
            "--party",
            "d/ava",
        ],
    );
    for want in [
        "D1 on 2026-Q1",
        "resolved on 2026-10-15: the auditor found 180.00 under-reported",
        "250.00 USD held is released",
        "adjustment of 180.00 USD credited",
        "| Dispute adjustment | 180.00 |",
        "| Released from the dispute hold | +250.00 |",
    ] {
        assert!(st.contains(want), "missing {want:?} in\n{st}");
    }
    // And explain traces it step by step.
    let ex = ok(
        &lab,
        &[
            "explain",
            "--period",
            "2026-Q4",
            "--statements",
            "q4",
            "--party",
            "d/ava",
        ],
    );
    let line = |label: &str| {
        ex.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} in\n{ex}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(line("dispute adjustment").ends_with("+ 180.00 USD"), "{ex}");
    assert!(
        line("held for open disputes").ends_with("+ 250.00 USD"),
        "{ex}"
    );
    assert!(
        ex.contains("250.00 USD held is released; adjustment of 180.00 USD credited"),
        "{ex}"
    );
}

#[test]
fn a_statement_during_the_dispute_says_what_is_held() {
    let lab = label(PROCEDURE);
    lab.close("2026-Q1", "q1");
    open_d1(&lab);
    let st = ok(
        &lab,
        &[
            "statements",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
            "--party",
            "d/ava",
        ],
    );
    assert!(
        st.contains("open, in mediation until 2026-06-19; 200.00 USD held from this payment"),
        "{st}"
    );
    assert!(st.contains("| Held for open disputes | −200.00 |"), "{st}");
}

#[test]
fn without_a_hold_clause_the_money_is_paid_and_the_adjustment_follows() {
    let lab = label("[dispute]\nobjection_days = 90\n");
    lab.close("2026-Q1", "q1");
    open_d1(&lab);
    let q2 = lab.close("2026-Q2", "q2");
    assert_fields(
        row(&q2, "d", "ava"),
        &[("held", "0.00"), ("paid", "200.00")],
    );
    ok(
        &lab,
        &[
            "dispute",
            "resolve",
            "D1",
            "--adjustment",
            "-30.00",
            "--note",
            "overpaid in January",
            "--date",
            "2026-07-02",
        ],
    );
    let q3 = lab.close("2026-Q3", "q3");
    assert_fields(
        row(&q3, "d", "ava"),
        &[
            ("earned", "300.00"),
            ("adjusted", "-30.00"),
            ("paid", "270.00"),
        ],
    );
}

#[test]
fn a_recovery_from_a_party_with_nothing_payable_carries_a_deficit() {
    let lab = label("[dispute]\nobjection_days = 90\n");
    lab.close("2026-Q1", "q1");
    open_d1(&lab);
    ok(
        &lab,
        &[
            "dispute",
            "resolve",
            "D1",
            "--adjustment",
            "-260.00",
            "--note",
            "double-counted sync",
            "--date",
            "2026-05-02",
        ],
    );
    // Q2 earns 200.00; 260.00 recovered: a deficit of 60.00 carried.
    let q2 = lab.close("2026-Q2", "q2");
    assert_fields(
        row(&q2, "d", "ava"),
        &[
            ("earned", "200.00"),
            ("adjusted", "-260.00"),
            ("carried_out", "-60.00"),
            ("paid", "0.00"),
        ],
    );
    let q3 = lab.close("2026-Q3", "q3");
    assert_fields(
        row(&q3, "d", "ava"),
        &[
            ("carried_in", "-60.00"),
            ("adjusted", "0.00"),
            ("paid", "240.00"),
        ],
    );
}

#[test]
fn a_hold_leaves_a_rest_under_the_minimum_carried() {
    let lab = label(&format!("{PROCEDURE}[payout]\nminimum = \"100.00\"\n"));
    lab.close("2026-Q1", "q1");
    ok(
        &lab,
        &[
            "dispute",
            "open",
            "--party",
            "ava",
            "--period",
            "2026-Q1",
            "--amount",
            "150.00",
            "--reason",
            "r",
            "--date",
            "2026-04-02",
        ],
    );
    // Q2's 200.00 would be paid: 150.00 is held, and the 50.00 left is
    // under the minimum of 100.00, so it is carried.
    let q2 = lab.close("2026-Q2", "q2");
    assert_fields(
        row(&q2, "d", "ava"),
        &[
            ("held", "150.00"),
            ("carried_out", "50.00"),
            ("paid", "0.00"),
        ],
    );
}

#[test]
fn bad_input_is_refused_and_the_register_is_unchanged() {
    let lab = label(PROCEDURE);
    lab.close("2026-Q1", "q1");
    open_d1(&lab);
    ok(
        &lab,
        &[
            "dispute",
            "resolve",
            "D1",
            "--adjustment",
            "0",
            "--note",
            "withdrawn",
            "--date",
            "2026-05-01",
        ],
    );
    ok(
        &lab,
        &[
            "dispute",
            "open",
            "--party",
            "ava",
            "--period",
            "2026-Q1",
            "--amount",
            "10.00",
            "--reason",
            "r",
            "--date",
            "2026-05-02",
        ],
    );
    let before = register(&lab);
    let base = ["--period", "2026-Q1", "--amount", "10.00", "--reason", "r"];
    fn open<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec!["dispute", "open"];
        a.extend(base);
        a.extend(extra);
        a
    }
    for (args, code, want) in [
        (open(&base, &["--party", "d/zed"]), 2, "no party `d/zed`"),
        (
            open(&base, &["--party", "nobody/ava"]),
            2,
            "no agreement `nobody`",
        ),
        (
            vec![
                "dispute", "open", "--party", "ava", "--period", "2026-Q3", "--amount", "1",
                "--reason", "r",
            ],
            2,
            "2026-Q3 is not a closed period",
        ),
        (
            open(&base, &["--party", "ava", "--date", "2026-07-01"]),
            1,
            "closed on 2026-06-29",
        ),
        (
            open(&base, &["--party", "ava", "--date", "2026-03-30"]),
            1,
            "before the statement",
        ),
        (
            vec![
                "dispute", "open", "--party", "ava", "--period", "2026-Q1", "--amount", "0",
                "--reason", "r",
            ],
            2,
            "more than zero",
        ),
        (
            vec![
                "dispute", "open", "--party", "ava", "--period", "2026-Q1", "--amount", "1.005",
                "--reason", "r",
            ],
            2,
            "two decimals",
        ),
        (
            vec![
                "dispute",
                "resolve",
                "D2",
                "--adjustment",
                "10.01",
                "--note",
                "n",
                "--date",
                "2026-06-01",
            ],
            1,
            "pays more than the 10.00 USD claimed",
        ),
        (
            vec![
                "dispute",
                "resolve",
                "D1",
                "--adjustment",
                "1",
                "--note",
                "n",
                "--date",
                "2026-06-01",
            ],
            1,
            "D1 was resolved on 2026-05-01",
        ),
        (
            vec![
                "dispute",
                "resolve",
                "D9",
                "--adjustment",
                "1",
                "--note",
                "n",
                "--date",
                "2026-06-01",
            ],
            2,
            "no dispute `D9`",
        ),
        (
            vec![
                "dispute",
                "resolve",
                "D2",
                "--adjustment",
                "1",
                "--note",
                " ",
                "--date",
                "2026-06-01",
            ],
            2,
            "--note is empty",
        ),
        (
            vec![
                "dispute",
                "resolve",
                "D2",
                "--adjustment",
                "1",
                "--note",
                "n",
                "--date",
                "2026-05-01",
            ],
            1,
            "before D2's last event",
        ),
        (
            vec!["dispute", "escalate", "D2", "--date", "2026-06-01"],
            1,
            "in mediation until 2026-07-01",
        ),
        (
            vec!["dispute", "escalate", "D1", "--date", "2026-06-01"],
            1,
            "a resolved dispute is closed",
        ),
        (vec!["dispute", "escalate", "D2"], 2, "--date"),
    ] {
        let (c, _, err) = exec(&lab, &args);
        assert_eq!(c, code, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(register(&lab), before, "{args:?} changed the register");
    }
    // --force goes past the claim and the mediation period.
    ok(
        &lab,
        &[
            "dispute",
            "escalate",
            "D2",
            "--date",
            "2026-06-01",
            "--force",
        ],
    );
    ok(
        &lab,
        &[
            "dispute",
            "resolve",
            "D2",
            "--adjustment",
            "12.00",
            "--note",
            "n",
            "--date",
            "2026-06-02",
            "--force",
        ],
    );
    let (c, _, err) = exec(&lab, &["dispute", "escalate", "D2", "--date", "2026-06-03"]);
    assert_eq!(c, 1, "{err}");
}

#[test]
fn an_altered_register_is_refused() {
    let lab = label(PROCEDURE);
    lab.close("2026-Q1", "q1");
    open_d1(&lab);
    lab.close("2026-Q2", "q2");
    let text = String::from_utf8(register(&lab)).unwrap();
    // An amount edited by hand: the chain breaks (exit 3), for every command.
    std::fs::write(
        lab.path("ledger/disputes.json"),
        text.replace("250.00", "2500.00"),
    )
    .unwrap();
    let (c, _, err) = exec(&lab, &["dispute", "list"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("event 1") && err.contains("altered"), "{err}");
    let (c, _, _) = exec(&lab, &["run", "--period", "2026-Q3", "--statements", "q3"]);
    assert_eq!(c, 3);
    // The register removed: Q2 applied its first event (a hold), so refused.
    std::fs::remove_file(lab.path("ledger/disputes.json")).unwrap();
    let (c, _, err) = exec(&lab, &["run", "--period", "2026-Q3", "--statements", "q3"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("applied the first 1 events"), "{err}");
}

#[test]
fn list_writes_csv_and_says_its_date() {
    let lab = label(PROCEDURE);
    lab.close("2026-Q1", "q1");
    open_d1(&lab);
    let csv = ok(&lab, &["dispute", "list", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with(
        "id,agreement,party,period,amount,currency,stage,opened,age_days,next_deadline"
    ));
    assert!(lines
        .next()
        .unwrap()
        .starts_with("D1,d,ava,2026-Q1,250.00,USD,mediation,2026-04-20,0,2026-06-19,false"));
    let table = ok(&lab, &["dispute", "list", "--format", "table"]);
    assert!(
        table.starts_with("Disputes as of 2026-04-20 (the register's latest date"),
        "{table}"
    );
    assert!(table.contains("streams under-reported in March"), "{table}");
}

#[test]
fn ledger_verify_checks_the_register() {
    let lab = label(PROCEDURE);
    lab.close("2026-Q1", "q1");
    open_d1(&lab);
    lab.close("2026-Q2", "q2");
    let out = ok(&lab, &["ledger", "verify"]);
    assert!(
        out.contains("disputes.json: 1 events, 1 disputes (1 open)")
            && out.contains("closed periods applied the first 1"),
        "{out}"
    );
    let text = String::from_utf8(register(&lab)).unwrap();
    std::fs::write(
        lab.path("ledger/disputes.json"),
        text.replace("streams under-reported", "streams over-reported"),
    )
    .unwrap();
    let (c, out, _) = exec(&lab, &["ledger", "verify"]);
    assert_eq!(c, 3);
    assert!(out.contains("BREAK") && out.contains("event 1"), "{out}");
    // An output may not overwrite the register.
    std::fs::write(lab.path("ledger/disputes.json"), text).unwrap();
    let (c, _, err) = exec(
        &lab,
        &[
            "close",
            "--period",
            "2026-Q3",
            "--statements",
            "q3",
            "--output",
            "ledger/disputes.json",
        ],
    );
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("is a file of the ledger"), "{err}");
}
