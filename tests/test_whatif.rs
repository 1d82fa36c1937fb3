//! `whatif`: hypothetical revenue priced by the real engine beside the
//! baseline, and the ledger left alone.

use assert_cmd::Command;
use serde_json::Value;

fn royalty(ledger: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--ledger")
        .arg(ledger);
    c
}

fn json(ledger: &std::path::Path, args: &[&str]) -> Value {
    let out = royalty(ledger, args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row<'a>(v: &'a Value, party: &str) -> &'a Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["party"] == party)
        .unwrap()
}

#[test]
fn flags_add_revenue_to_one_agreement() {
    let l = tempfile::tempdir().unwrap();
    let v = json(
        l.path(),
        &[
            "whatif",
            "--streams",
            "10M",
            "--sync",
            "25000",
            "--agreement",
            "midnight-drive",
            "--format",
            "json",
        ],
    );
    // 10,000,000 streams x 0.004 = 40,000.00; ava: 4% of it + 10% of
    // 25,000 = 4,100.00, plus the four-million-streams milestone the extra
    // streams unlock: +1% on the part of the quarter's streaming past the
    // threshold (344.21); ben gets half that increment (+0.5%). Ava's
    // payable is short of her earnings by what was left of her advance.
    let ava = row(&v, "ava");
    assert_eq!(ava["baseline"]["earned"], "1251.31");
    assert_eq!(ava["scenario"]["earned"], "5695.52");
    assert_eq!(ava["delta_earned"], "4444.21");
    assert_eq!(ava["delta_payable"], "4195.52");
    assert_eq!(ava["unlocks"], serde_json::json!(["four-million-streams"]));
    assert_eq!(row(&v, "ben")["delta_payable"], "2222.11");
    assert_eq!(row(&v, "cy")["delta_payable"], "2050.00");
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["agreement"] == "midnight-drive"));
    // Nothing was written to the ledger.
    assert_eq!(std::fs::read_dir(l.path()).unwrap().count(), 0);
}

#[test]
fn per_unit_assumptions_can_be_changed() {
    let l = tempfile::tempdir().unwrap();
    let v = json(
        l.path(),
        &[
            "whatif",
            "--physical",
            "1K",
            "--physical-rate",
            "8.50",
            "--agreement",
            "northern-soul-vinyl",
            "--format",
            "json",
        ],
    );
    // dex: 0.45/unit on physical, whatever the receipts.
    assert_eq!(row(&v, "dex")["delta_earned"], "450.00");
    assert_eq!(row(&v, "rosa")["delta_earned"], "100.00");
}

#[test]
fn a_scenario_file_is_added_to_the_baseline() {
    let l = tempfile::tempdir().unwrap();
    let s = l.path().join("scenario.csv");
    std::fs::write(
        &s,
        "period,isrc,source,territory,store,units,amount,currency\n2026-02,QZNWX2500101,sync,FR,Film,1,1000.00,EUR\n",
    )
    .unwrap();
    let ledger = l.path().join("ledger");
    let v = json(
        &ledger,
        &[
            "whatif",
            "--scenario",
            s.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    // harbour-lights: sync pool 40% x mara's 270/460 of 1,000.00 EUR = 234.78.
    assert_eq!(row(&v, "mara")["delta_earned"], "234.78");
    assert_eq!(row(&v, "ava")["delta_earned"], "0.00");
    let t = royalty(
        &ledger,
        &[
            "whatif",
            "--scenario",
            s.to_str().unwrap(),
            "--format",
            "table",
        ],
    )
    .output()
    .unwrap();
    assert!(String::from_utf8(t.stdout)
        .unwrap()
        .contains("the ledger is not touched"));
}

#[test]
fn nothing_to_imagine_or_unknown_agreement_is_a_usage_error() {
    let l = tempfile::tempdir().unwrap();
    royalty(l.path(), &["whatif"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nothing to imagine"));
    royalty(
        l.path(),
        &["whatif", "--streams", "1M", "--agreement", "nope"],
    )
    .assert()
    .code(2)
    .stderr(predicates::str::contains("no agreement `nope`"));
    royalty(l.path(), &["whatif", "--streams", "1.5"])
        .assert()
        .code(2);
}

/// A draft of midnight-drive: streaming only, Cy at 3%, no advance.
const DRAFT: &str = "id = \"midnight-drive\"\ncurrency = \"USD\"\nstart = 2026-01-01\n\
    [[track]]\nisrc = \"QZNWX2600001\"\n[[track]]\nisrc = \"QZNWX2600002\"\n\
    [[party]]\nid = \"ava\"\n[[party]]\nid = \"ben\"\n[[party]]\nid = \"cy\"\n[[party]]\nid = \"eve\"\n\
    [rates.ava]\nstreaming = \"4%\"\n[rates.ben]\nstreaming = \"2%\"\n[rates.cy]\nstreaming = \"3%\"\n\
    [rates.eve]\nstreaming = \"1%\"\n";

#[test]
fn a_draft_agreement_is_previewed_on_the_same_revenue() {
    let l = tempfile::tempdir().unwrap();
    let draft = l.path().join("draft.toml");
    std::fs::write(&draft, DRAFT).unwrap();
    let ledger = l.path().join("ledger");
    let v = json(
        &ledger,
        &[
            "whatif",
            "--draft",
            draft.to_str().unwrap(),
            "--agreement",
            "midnight-drive",
            "--format",
            "json",
        ],
    );
    // Same streaming revenue: Cy's 1.5% became 3%, so Cy's streaming
    // earnings double; Ava (4% either way) loses her other sources but no
    // longer recoups an advance; Eve, new in the draft, appears.
    let (ava, cy, eve) = (row(&v, "ava"), row(&v, "cy"), row(&v, "eve"));
    assert_eq!(ava["scenario"]["earned"], ava["scenario"]["payable"]);
    assert_eq!(ava["baseline"]["payable"], "0.00");
    let four: rust_decimal::Decimal = ava["scenario"]["earned"].as_str().unwrap().parse().unwrap();
    let three: rust_decimal::Decimal = cy["scenario"]["earned"].as_str().unwrap().parse().unwrap();
    let one: rust_decimal::Decimal = eve["scenario"]["earned"].as_str().unwrap().parse().unwrap();
    // 4% : 3% : 1% of the same base, to within the rounding cents.
    let cent = rust_decimal::Decimal::new(2, 2);
    assert!(
        (four * rust_decimal::Decimal::from(3) - three * rust_decimal::Decimal::from(4)).abs()
            <= cent * rust_decimal::Decimal::from(4)
    );
    assert!(
        (three - one * rust_decimal::Decimal::from(3)).abs()
            <= cent * rust_decimal::Decimal::from(3)
    );
    assert_eq!(eve["baseline"]["earned"], "0.00");
    assert!(!ledger.exists(), "whatif wrote a ledger");
}

#[test]
/// A draft with a new id is a deal not signed yet (tests/test_sweep.rs);
/// on a signed agreement's tracks it would take their revenue: refused.
fn a_new_deal_may_not_take_a_signed_agreements_tracks() {
    let l = tempfile::tempdir().unwrap();
    let draft = l.path().join("draft.toml");
    std::fs::write(
        &draft,
        DRAFT.replace("id = \"midnight-drive\"", "id = \"new-single\""),
    )
    .unwrap();
    let out = royalty(l.path(), &["whatif", "--draft", draft.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("which `midnight-drive` covers over the same dates"));
}

/// The table shows what the JSON has and docs/commands.md lists: `paid`
/// beside `payable`, so withholding is visible (ben's 30% in the bundled
/// label); and it folds to the terminal's width as `run`'s table does.
#[test]
fn the_table_shows_paid_and_fits_the_terminal() {
    let l = tempfile::tempdir().unwrap();
    let args = [
        "whatif",
        "--streams",
        "10M",
        "--agreement",
        "midnight-drive",
        "--format",
        "table",
    ];
    let wide = royalty(l.path(), &args)
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    assert!(wide.status.success());
    let wide = String::from_utf8(wide.stdout).unwrap();
    let header = wide.lines().nth(2).unwrap();
    assert!(
        header.contains(" payable ┆") && header.contains(" paid ┆"),
        "{wide}"
    );
    let ben = wide.lines().find(|l| l.contains("┆ ben ")).unwrap();
    assert!(ben.contains("┆ 475.49 → 1214.30 (+738.81) ┆"), "{wide}");
    let narrow = royalty(l.path(), &args)
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let narrow = String::from_utf8(narrow.stdout).unwrap();
    for line in narrow.lines().skip(1) {
        assert!(line.chars().count() <= 80, "{line}");
    }
    assert!(
        narrow.contains("│ paid             ┆     475.49 → 1214.30 (+738.81) │"),
        "{narrow}"
    );
}
