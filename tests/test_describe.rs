//! `describe`: plain-language terms and a worked example computed by the
//! real engine, on the bundled label and on a gated agreement.

use assert_cmd::Command;

fn describe(args: &[&str]) -> assert_cmd::assert::Assert {
    let ledger = tempfile::tempdir().unwrap();
    Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("describe")
        .args(args)
        .arg("--ledger")
        .arg(ledger.path())
        .assert()
}

fn text(args: &[&str]) -> String {
    String::from_utf8(describe(args).success().get_output().stdout.clone()).unwrap()
}

#[test]
fn rates_form_with_its_worked_example() {
    let t = text(&["midnight-drive"]);
    assert!(
        t.starts_with("midnight-drive: Midnight Drive (single)\nAccounts in USD."),
        "{t}"
    );
    assert!(
        t.contains("    ava: streaming 4%, download 4%, physical 4%, video 3%, sync 10%\n"),
        "{t}"
    );
    assert!(
        t.contains("If QZNWX2600001 earns 10,000.00 USD of streaming (2,500,000 streams)"),
        "{t}"
    );
    // 4% of 10,000 + 4% of 1,000 + 4% of 5,000 + 3% of 1,000 + 10% of 5,000,
    // all of it recouping Ava's 1,500.00 advance.
    assert!(
        t.contains("  ava earns 1,170.00 USD, recoups 1,170.00; is paid 0.00 USD\n"),
        "{t}"
    );
    assert!(
        t.contains("  ben earns 585.00 USD, withholds 140.40; is paid 444.60 USD\n"),
        "{t}"
    );
    assert!(
        t.contains("  the label keeps 19,870.00 USD of 22,000.00 USD\n"),
        "{t}"
    );
}

#[test]
fn weighted_pool_shows_fractions() {
    let t = text(&["harbour-lights"]);
    assert!(
        t.contains("Each pool is split weighted by tier x hours invested:"),
        "{t}"
    );
    assert!(t.contains("    mara: 270/460 (about 58.7%)\n"), "{t}");
}

#[test]
fn advances_gate_reserve_and_disputes_in_words() {
    let t = text(&[
        "gated-single",
        "--agreements",
        "tests/fixtures/describe/gated-single.toml",
    ]);
    assert!(
        t.contains("  recording-costs: 1,000.00 USD to artist\n"),
        "{t}"
    );
    assert!(
        t.contains("Record one: nothing is paid to ava until `recording-costs` is recouped"),
        "{t}"
    );
    assert!(
        t.contains("Reserve: 20% of earnings on physical is held against returns"),
        "{t}"
    );
    assert!(
        t.contains("Statements bind 90 days after the end of their period"),
        "{t}"
    );
    assert!(t.contains("  artist earns 2,250.00 USD, recoups 1,000.00, reserves 150.00; is paid 1,100.00 USD\n"), "{t}");
}

#[test]
fn unknown_agreement_is_a_usage_error() {
    describe(&["nope"])
        .code(2)
        .stderr(predicates::str::contains(
            "no agreement `nope`; the agreements are: ",
        ));
}
