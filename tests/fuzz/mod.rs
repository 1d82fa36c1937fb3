//! The fuzz harness's runner and its hostile values (tests/test_fuzz.rs):
//! numbers as any input could write them, ids safe and not, and an
//! agreement with a hole for each of its numbers.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Cases per target: `FUZZ_CASES`, or a budget that keeps `cargo test` quick.
pub fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `test` on `cases` inputs of `strategy`; reports how many ran.
pub fn fuzz<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let count = std::sync::atomic::AtomicU64::new(0);
    let result = runner.run(&strategy, |v| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        test(v)
    });
    eprintln!(
        "fuzz {name}: {} inputs, no panic",
        count.load(std::sync::atomic::Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
}

// ---------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------

/// Numbers as they could be written in any input, as text.
pub fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (-1_000_000i64..=1_000_000, 0u32..=4).prop_map(|(m, s)| {
            rust_decimal::Decimal::new(m, s).to_string()
        }),
        2 => prop::sample::select(vec![
            "0", "-0", "1", "-1", "100", "100.125", "0.005", "-12.40", "2.5",
            "4294967295", "4294967296", "100000000", "9223372036854775807",
            "-9223372036854775808", "999999999999999.99", "1000000000000000",
            "79228162514264337593543950335", "-79228162514264337593543950335",
            "79228162514264337593543950336", "0.0000000000000000000000000001",
            "0.00000000000000000000000000001", "1000000000000000000000000",
            "100000000000000000000000000", "10000000000000000000000000",
            "1e25", "1E-5", "NaN", "inf", "", " ", "abc", "1,000", "1_000",
            ".5", "5.", "+3", "--1", "0x10", "١٢", "1000000", "0.000001",
            "0.0000001", "10000", "10000.000001", "100", "100.01", "120", "121",
            "1200", "1201", "3650", "3651", "65", "18446744073709551616",
        ])
        .prop_map(String::from),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => (any::<u64>(), 0u32..=28).prop_map(|(m, s)| {
            rust_decimal::Decimal::from_i128_with_scale(m as i128, s).to_string()
        }),
    ]
}

/// A value for a TOML number field: a quoted decimal, a percentage, an
/// amount per unit, a bare integer, a float, or something else entirely.
pub fn toml_number() -> impl Strategy<Value = String> {
    (number_text(), 0u8..7).prop_map(|(n, form)| match form {
        0 => format!("\"{n}\""),
        1 => format!("\"{n}%\""),
        2 => format!("\"{n}/unit\""),
        3 => format!("\"+{n}%\""),
        4 if n.parse::<i64>().is_ok() => n,
        5 if n.parse::<f64>().is_ok_and(f64::is_finite) && !n.is_empty() => format!("{n}.5"),
        6 => "[1, 2]".into(),
        _ => format!("\"{n}\""),
    })
}

/// Ids, safe and not.
pub fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9-]{0,8}",
        1 => prop::sample::select(vec![
            "x/../../escape", "..", ".", ".hidden", "", "a b", "-rf", "é", "a\\\\b",
            "CON", "a:b", "a\\nb", "Ava_2.v1",
        ])
        .prop_map(String::from),
        1 => "[ -~]{0,70}".prop_map(|s| s.replace(['"', '\\'], "")),
    ]
}

/// Every place of an agreement where a number goes.
pub const AGREEMENT_HOLES: usize = 22;

pub fn agreement_text(n: &[String], ids: &[String]) -> String {
    format!(
        r#"id = "{a}"
currency = "USD"
[[track]]
isrc = "QZAAA2600001"
[[party]]
id = "{p}"
tier = "core"
hours = {n0}
withholding = {n1}
vesting = {{ start = 2026-01-01, months = {n2}, cliff_months = {n3} }}
[[party]]
id = "q"
tier = "minor"
hours = {n4}
[pool]
streaming = {n5}
physical = {n6}
[split]
method = "weighted"
by_hours = true
[tiers]
core = {n7}
minor = {n8}
[[milestone]]
id = "{m}"
metric = "units"
sources = ["streaming"]
threshold = {n9}
weights = {{ streaming = {n10} }}
escalate.{p} = {{ streaming = {n11} }}
[[milestone]]
id = "chart"
metric = "event"
event = {{ kind = "chart", at_most = {n12} }}
escalate.q = {{ physical = {n13} }}
[[advance]]
id = "{v}"
party = "{p}"
amount = {n14}
[reserve]
rate = {n15}
sources = ["physical"]
release_after = {n16}
[payout]
minimum = {n17}
[reversion]
if_revenue_below = {n18}
by = 2030-01-01
to = "q"
[dispute]
objection_days = {n19}
[[amendment]]
effective = 2027-01-01
tiers = {{ core = {n20}, minor = {n21} }}
"#,
        a = ids[0],
        p = ids[1],
        m = ids[2],
        v = ids[3],
        n0 = n[0],
        n1 = n[1],
        n2 = n[2],
        n3 = n[3],
        n4 = n[4],
        n5 = n[5],
        n6 = n[6],
        n7 = n[7],
        n8 = n[8],
        n9 = n[9],
        n10 = n[10],
        n11 = n[11],
        n12 = n[12],
        n13 = n[13],
        n14 = n[14],
        n15 = n[15],
        n16 = n[16],
        n17 = n[17],
        n18 = n[18],
        n19 = n[19],
        n20 = n[20],
        n21 = n[21],
    )
}

/// The agreement's numbers at their usual values, for the engine targets.
pub fn usual_numbers() -> Vec<String> {
    [
        "120",
        "\"30%\"",
        "12",
        "3",
        "40",
        "\"20%\"",
        "\"10%\"",
        "3",
        "1",
        "1000",
        "\"0.002\"",
        "\"+1%\"",
        "10",
        "\"+0.02/unit\"",
        "\"500.00\"",
        "\"20%\"",
        "2",
        "\"25.00\"",
        "\"1000.00\"",
        "90",
        "2",
        "1",
    ]
    .map(String::from)
    .to_vec()
}
